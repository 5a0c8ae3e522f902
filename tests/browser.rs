//! The editorial workflow in a real browser: Debian's headless Chromium, driven through
//! chromedriver (WebDriver) with fantoccini, against the real server over the demo cluster.
//!
//! A district editor signs in, writes an article with a picture attachment in the rich-text
//! editor and submits it; the district reviewer approves it; the district's public site shows it
//! with the picture loaded. A screenshot of each step goes to
//! `{CARGO_TARGET_TMPDIR}/browser/`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`); `.ci/run` installs them. Without them the test fails, it never skips.

use std::fmt::Display;
use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use zq_domain::access::TenantRole;
use zq_tests::{Backend, PASSWORD, TestApp, host};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const SITE: &str = "jb";
/// The longest any single wait (element, navigation, picture) may take.
const WAIT: Duration = Duration::from_secs(20);
/// The longest the whole browser scenario may take, so a wedged browser never hangs CI.
const SCENARIO: Duration = Duration::from_secs(240);

/// A 16×16 red PNG (generated once with Python's zlib and struct).
const RED_SQUARE_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91\x68\x36\x00\x00\x00\x16IDAT\x78\xda\x63\xb8\xa0\xa0\x40\x12\x62\x18\xd5\x30\xaa\x61\xf8\x6a\x00\x00\x4b\x7f\x10\x10\x7a\x0c\xa9\x32\x00\x00\x00\x00IEND\xae\x42\x60\x82";

/// `Result::unwrap` with a sentence saying what was being done.
trait OrFail<T> {
    fn or_fail(self, doing: &str) -> T;
}

impl<T, E: Display> OrFail<T> for Result<T, E> {
    fn or_fail(self, doing: &str) -> T {
        self.unwrap_or_else(|e| panic!("browser test: {doing} failed: {e}"))
    }
}

/// chromedriver, started by the test in its own process group; dropping it kills the group
/// (chromedriver and every Chromium it started) and removes its temporary files, also when the
/// test fails.
struct Chromedriver {
    child: Child,
    port: u16,
    tmp: PathBuf,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: this browser test needs Debian's `{package}` package. \
                 Run `.ci/run` (it installs chromium, chromium-driver and fonts-noto-cjk), \
                 or `apt-get install --no-install-recommends chromium chromium-driver fonts-noto-cjk`."
            );
        }
        let port = free_port();
        let tmp = std::env::temp_dir().join(format!(
            "zq-chromedriver-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&tmp).or_fail("creating chromedriver's temporary directory");
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                // Chromium's profiles go here, removed on drop even if a session was not closed.
                .env("TMPDIR", &tmp)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .or_fail("starting /usr/bin/chromedriver")
        };
        let driver = Chromedriver { child, port, tmp };
        driver.wait_until_listening();
        driver
    }

    fn wait_until_listening(&self) {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let start = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                start.elapsed() < WAIT,
                "chromedriver did not listen on {addr} within {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A new browser session: its own profile, so its own cookies.
    async fn session(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--window-size=1280,1024",
                    "--host-resolver-rules=MAP *.haichuan.localhost 127.0.0.1",
                ],
            }),
        );
        let client = bounded(
            "starting a Chromium session through chromedriver",
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps)
                .connect(&self.url()),
        )
        .await
        .or_fail("starting a Chromium session through chromedriver");
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(WAIT),
                Some(WAIT),
                Some(Duration::ZERO),
            ))
            .await
            .or_fail("setting the session's timeouts");
        client
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browsers it launched.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .or_fail("finding a free port for chromedriver")
        .port()
}

/// Runs one WebDriver step with the step bound `WAIT`.
async fn bounded<T>(doing: &str, step: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, step)
        .await
        .unwrap_or_else(|_| panic!("browser test: {doing} took longer than {WAIT:?}"))
}

/// Where the page is and what it says, for failure messages.
async fn whereabouts(c: &Client) -> String {
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_else(|e| format!("(no URL: {e})"));
    let text = c
        .execute(
            "return document.body ? document.body.innerText : '';",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let text: String = text.chars().take(1500).collect();
    format!("page {url} shows:\n{text}")
}

/// Waits (at most `WAIT`) for an element; on failure says what was expected and where the
/// browser is.
async fn wait_for(c: &Client, css: &str, what: &str) -> Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => panic!(
            "browser test: expected {what} (`{css}`) within {WAIT:?}, got {e}; {}",
            whereabouts(c).await
        ),
    }
}

async fn find(c: &Client, css: &str, what: &str) -> Element {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => panic!(
            "browser test: no {what} (`{css}`): {e}; {}",
            whereabouts(c).await
        ),
    }
}

async fn text_of(c: &Client, css: &str, what: &str) -> String {
    find(c, css, what)
        .await
        .text()
        .await
        .or_fail(&format!("reading {what}"))
}

async fn goto(c: &Client, url: &str) {
    bounded(&format!("opening {url}"), c.goto(url))
        .await
        .or_fail(&format!("opening {url}"));
}

async fn click(c: &Client, css: &str, what: &str) {
    let e = find(c, css, what).await;
    bounded(&format!("clicking {what}"), e.click())
        .await
        .or_fail(&format!("clicking {what}"));
}

async fn screenshot(c: &Client, dir: &Path, name: &str) {
    let png = bounded(&format!("taking screenshot {name}"), c.screenshot())
        .await
        .or_fail(&format!("taking screenshot {name}"));
    let path = dir.join(name);
    std::fs::write(&path, png).or_fail(&format!("writing {}", path.display()));
}

async fn account(app: &TestApp, login: &str, role: TenantRole) {
    app.account(login, None, &[(SITE, role)]).await;
}

/// Signs in on the console's sign-in page and waits for the start page listing the site.
async fn sign_in(c: &Client, console: &str, login: &str) {
    goto(c, &format!("{console}/console/login")).await;
    let field = wait_for(c, "input#login", "the sign-in form's login field").await;
    field.send_keys(login).await.or_fail("typing the login");
    find(c, "input#password", "the password field")
        .await
        .send_keys(PASSWORD)
        .await
        .or_fail("typing the password");
    click(c, "form button[type=submit]", "the sign-in button (登录)").await;
    wait_for(
        c,
        &format!("a[href='/console/sites/{SITE}/']"),
        &format!("the console start page listing 江北区 after signing in as {login}"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_article_goes_from_editor_to_reviewer_to_the_public_site_in_a_real_browser() {
    let shots = PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/browser"));
    std::fs::create_dir_all(&shots).or_fail("creating the screenshot folder");
    println!("screenshots: {}", shots.display());

    // Fail (never skip) before the server starts when the browser is not installed.
    let driver = Chromedriver::start();
    let app = TestApp::demo(Backend::Sqlite).await;
    account(&app, "jb.editor", TenantRole::Editor).await;
    account(&app, "jb.reviewer", TenantRole::Reviewer).await;

    let picture = driver.tmp.join("红色方块.png");
    std::fs::write(&picture, RED_SQUARE_PNG).or_fail("writing the picture to attach");

    tokio::time::timeout(SCENARIO, scenario(&app, &driver, &shots, &picture))
        .await
        .unwrap_or_else(|_| panic!("browser test: the scenario took longer than {SCENARIO:?}"));
    println!("screenshots written to {}", shots.display());
    app.finish().await;
    drop(driver);
}

async fn scenario(app: &TestApp, driver: &Chromedriver, shots: &Path, picture: &Path) {
    let console = format!("http://{}", app.addr);
    let title = format!("江北区老旧小区改造进展（浏览器测试 {}）", fastrand::u32(..));
    let body_text = "今年江北区完成老旧小区改造十二个，惠及居民三千余户。";

    // The editor signs in, writes the article with a picture and submits it.
    let editor = driver.session().await;
    sign_in(&editor, &console, "jb.editor").await;
    screenshot(&editor, shots, "01-editor-signed-in.png").await;

    goto(
        &editor,
        &format!("{console}/console/sites/{SITE}/articles/new"),
    )
    .await;
    wait_for(&editor, "form#article-form", "the article editor's form").await;
    let column = find(&editor, "select#column_id", "the column select").await;
    column
        .select_by_index(0)
        .await
        .or_fail("choosing the first column");
    find(&editor, "input#title", "the title field")
        .await
        .send_keys(&title)
        .await
        .or_fail("typing the title");
    let rte = wait_for(&editor, "div#rte", "the rich-text editing area").await;
    assert!(
        rte.is_displayed()
            .await
            .or_fail("checking the editing area"),
        "editor.js should show the contenteditable #rte (and hide textarea#body); {}",
        whereabouts(&editor).await
    );
    rte.click().await.or_fail("focusing the editing area");
    rte.send_keys(body_text)
        .await
        .or_fail("typing the body into the editing area");
    find(&editor, "input#files", "the attachment file input")
        .await
        .send_keys(&picture.display().to_string())
        .await
        .or_fail("choosing the picture to attach");
    screenshot(&editor, shots, "02-editor-form-filled.png").await;

    click(
        &editor,
        "button[name=then][value=submit]",
        "the 保存并送审 button",
    )
    .await;
    let notice = wait_for(&editor, "p.notice", "the notice after 保存并送审").await;
    let notice = notice.text().await.or_fail("reading the notice");
    assert_eq!(notice, "已保存并送审。", "{}", whereabouts(&editor).await);
    let state = text_of(&editor, "h2 .state", "the article's state label").await;
    assert_eq!(state, "待审核", "{}", whereabouts(&editor).await);
    let url = editor.current_url().await.or_fail("reading the URL");
    let prefix = format!("/console/sites/{SITE}/articles/");
    let id = url
        .path()
        .strip_prefix(&prefix)
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .unwrap_or_else(|| panic!("after 保存并送审 expected {prefix}{{id}}, got {url}"))
        .to_owned();
    assert_eq!(
        url.query(),
        Some("notice=submitted"),
        "after 保存并送审: {url}"
    );
    screenshot(&editor, shots, "03-editor-submitted.png").await;
    bounded("closing the editor's session", editor.close())
        .await
        .or_fail("closing the editor's session");

    // The reviewer, in a fresh session, finds it in the queue and approves it.
    let reviewer = driver.session().await;
    sign_in(&reviewer, &console, "jb.reviewer").await;
    goto(&reviewer, &format!("{console}/console/sites/{SITE}/review")).await;
    let link = format!("a[href='/console/sites/{SITE}/articles/{id}']");
    wait_for(
        &reviewer,
        &link,
        "the submitted article in the review queue",
    )
    .await;
    let listed = text_of(&reviewer, &link, "the article's link in the queue").await;
    assert_eq!(listed, title, "the queue lists the article by its title");
    screenshot(&reviewer, shots, "04-reviewer-queue.png").await;

    click(&reviewer, &link, "the article's link in the queue").await;
    let approve = "form[action$='/approve'] button[type=submit]";
    wait_for(
        &reviewer,
        approve,
        "the 审核通过 button on the article page",
    )
    .await;
    let label = text_of(&reviewer, approve, "the approve button").await;
    assert_eq!(label, "审核通过");
    click(&reviewer, approve, "the 审核通过 button").await;
    let notice = wait_for(&reviewer, "p.notice", "the notice after 审核通过").await;
    let notice = notice.text().await.or_fail("reading the notice");
    assert_eq!(notice, "审核通过。", "{}", whereabouts(&reviewer).await);
    let state = text_of(&reviewer, "h2 .state", "the article's state label").await;
    assert_eq!(state, "已发布", "{}", whereabouts(&reviewer).await);
    screenshot(&reviewer, shots, "05-reviewer-approved.png").await;

    // The district's public site shows it, picture included.
    let public = format!("http://{}:{}/art/{id}.html", host(SITE), app.addr.port());
    goto(&reviewer, &public).await;
    let h1 = wait_for(
        &reviewer,
        "article.article h1",
        "the public article's title",
    )
    .await;
    assert_eq!(
        h1.text().await.or_fail("reading the public title"),
        title,
        "{}",
        whereabouts(&reviewer).await
    );
    let shown = text_of(
        &reviewer,
        "article.article .body",
        "the public article's body",
    )
    .await;
    assert!(
        shown.contains(body_text),
        "the public body should hold the typed text; {}",
        whereabouts(&reviewer).await
    );
    let start = Instant::now();
    loop {
        let v = reviewer
            .execute(
                "const img = document.querySelector('article.article .body img');\
                 if (!img) { return 'no img'; }\
                 return img.complete ? img.naturalWidth : 'loading ' + img.src;",
                vec![],
            )
            .await
            .or_fail("checking the picture");
        if let Value::Number(w) = &v {
            assert!(
                w.as_u64().is_some_and(|w| w > 0),
                "the picture in the public article did not load (naturalWidth {w}); {}",
                whereabouts(&reviewer).await
            );
            break;
        }
        assert!(
            start.elapsed() < WAIT,
            "the picture in the public article did not load within {WAIT:?}: {v}; {}",
            whereabouts(&reviewer).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    screenshot(&reviewer, shots, "06-public-page.png").await;
    bounded("closing the reviewer's session", reviewer.close())
        .await
        .or_fail("closing the reviewer's session");
}
