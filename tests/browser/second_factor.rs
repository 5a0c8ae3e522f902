//! The second factor in a real browser (issue 15's acceptance): the office opens 双因素认证,
//! scans (here: reads) the secret, confirms with a code and sees its recovery codes, signs
//! out, signs in with its password and then the authenticator's code, and reaches the console.
//! Screenshots `mfa-NN-…png`.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_enrols_totp_signs_out_and_signs_in_with_the_code_in_a_real_browser() {
    in_a_browser(&[], second_factor_scenario).await;
}

/// The authenticator app: the code for `secret` now.
fn authenticator(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.replace(' ', ""))
        .to_bytes()
        .or_fail("decoding the secret shown");
    let t = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        "office".into(),
    )
    .or_fail("building the authenticator");
    t.generate_current().or_fail("reading the time")
}

async fn second_factor_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    app.account(
        "office",
        Some(zq_domain::access::ClusterRole::ClusterAdmin),
        &[],
    )
    .await;
    let console = format!("http://{}", app.addr);
    let c = driver.session().await;
    sign_in(&c, &console, "office", SITE).await;

    goto(&c, &format!("{console}/console/account/second-factor")).await;
    wait_for(&c, "figure.qr svg", "the QR code to scan").await;
    let secret = text_of(&c, "code.secret", "the secret to type by hand").await;
    screenshot(&c, shots, "mfa-01-enrol.png").await;
    find(&c, "input#code", "the code field")
        .await
        .send_keys(&authenticator(&secret))
        .await
        .or_fail("typing the code");
    click(
        &c,
        "form[action='/console/account/second-factor'] button",
        "启用双因素认证",
    )
    .await;
    wait_for(
        &c,
        "ol.recovery-codes",
        "the recovery codes after enrolling",
    )
    .await;
    let codes = texts_within(
        &c,
        &find(&c, "ol.recovery-codes", "the recovery codes").await,
        "code",
        "each recovery code",
    )
    .await;
    assert_eq!(codes.len(), 10, "ten recovery codes: {codes:?}");
    screenshot(&c, shots, "mfa-02-recovery-codes.png").await;

    // Sign out, then in again: password, then the code.
    goto(&c, &format!("{console}/console/")).await;
    click(&c, "form[action='/console/logout'] button", "退出").await;
    wait_for(&c, "input#login", "the sign-in form after signing out").await;
    submit_sign_in(&c, "office").await;
    wait_for(&c, "input#code", "the second step asking for the code").await;
    screenshot(&c, shots, "mfa-03-code-step.png").await;
    // A code is accepted once: wait for the step after the one used to enrol.
    let used = authenticator(&secret);
    let start = Instant::now();
    let mut code = authenticator(&secret);
    while code == used && start.elapsed() < Duration::from_secs(35) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        code = authenticator(&secret);
    }
    find(&c, "input#code", "the code field")
        .await
        .send_keys(&code)
        .await
        .or_fail("typing the code");
    click(&c, "form button[type=submit]", "验证并登录").await;
    wait_for(
        &c,
        &format!("a[href='/console/sites/{SITE}/']"),
        "the console start page after the code",
    )
    .await;
    screenshot(&c, shots, "mfa-04-signed-in.png").await;
    close(c, "the office's").await;
}
