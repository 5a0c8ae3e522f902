//! The editorial and reporting workflows in a real browser: Debian's headless Chromium, driven
//! through chromedriver (WebDriver) with fantoccini, against the real server over the demo
//! cluster.
//!
//! - A district editor signs in, writes an article with a picture attachment in the rich-text
//!   editor and submits it; the district reviewer approves it; the district's public site shows
//!   it with the picture loaded.
//! - A town editor reports an item to its district (信息报送); the district reviewer adopts it
//!   from the inbox; the district's public site lists it and shows its source; the district's
//!   ranking counts it.
//! - A citizen writes to the district head's mailbox on a phone-sized window and gets a query
//!   code; the district transfers the letter to a town, the town drafts and approves the reply;
//!   the citizen reads and rates it; the registry shows it with its dates (`interaction`).
//!
//! A screenshot of each step goes to `{CARGO_TARGET_TMPDIR}/browser/` (`NN-…png` for the
//! article, `rNN-…png` for the report, `cNN-…png` for the letter). The tests take turns with the browser: on a small
//! machine two Chromiums at once would only make both slow.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`); `.ci/run` installs them. Without them the tests fail, they never skip.

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
/// The district: the article's site, and the receiver of the town's report.
const SITE: &str = "jb";
const DISTRICT_NAME: &str = "海川市江北区人民政府";
/// The town under the district that reports to it.
const TOWN: &str = "jb-hbjd";
const TOWN_NAME: &str = "江北区和平街道办事处";
/// The longest any single wait (element, navigation, picture) may take.
const WAIT: Duration = Duration::from_secs(20);
/// The longest starting Chromium may take: a cold start on a busy 2-core machine (another
/// build or test binary running) has taken over 20 s; starting is not what the tests check.
const START: Duration = Duration::from_secs(90);
/// The longest the whole browser scenario may take, so a wedged browser never hangs CI.
const SCENARIO: Duration = Duration::from_secs(240);

/// One browser scenario at a time (the tests of this file run on parallel threads).
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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
        let client = bounded_by(
            START,
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
    bounded_by(WAIT, doing, step).await
}

/// Runs one step that may take up to `limit`.
async fn bounded_by<T>(limit: Duration, doing: &str, step: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, step)
        .await
        .unwrap_or_else(|_| panic!("browser test: {doing} took longer than {limit:?}"))
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
    wait_for_located(c, Locator::Css(css), what).await
}

/// `wait_for` with any locator (XPath to find a table row by a cell's text).
async fn wait_for_located(c: &Client, locator: Locator<'_>, what: &str) -> Element {
    match c.wait().at_most(WAIT).for_element(locator).await {
        Ok(e) => e,
        Err(e) => panic!(
            "browser test: expected {what} ({locator:?}) within {WAIT:?}, got {e}; {}",
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

/// The text of the element `css` once it contains `needle` (the page after a submit may
/// still be the old one, with an element of the same kind), waiting at most `WAIT`.
async fn text_containing(c: &Client, css: &str, needle: &str, what: &str) -> String {
    let start = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
            && (t.contains(needle) || start.elapsed() > WAIT)
        {
            return t;
        }
        if start.elapsed() > WAIT {
            panic!(
                "browser test: expected {what} (`{css}`) saying {needle:?} within {WAIT:?}; {}",
                whereabouts(c).await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of an element, waiting for it (after a click the next page may still be loading).
async fn text_of(c: &Client, css: &str, what: &str) -> String {
    wait_for(c, css, what)
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

/// Scrolls `e` to the middle of the window, so that the next screenshot shows it.
async fn scroll_to(c: &Client, e: &Element, what: &str) {
    let e = serde_json::to_value(e).or_fail(&format!("passing {what} to the page"));
    bounded(
        &format!("scrolling to {what}"),
        c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![e]),
    )
    .await
    .or_fail(&format!("scrolling to {what}"));
}

async fn screenshot(c: &Client, dir: &Path, name: &str) {
    let png = bounded(&format!("taking screenshot {name}"), c.screenshot())
        .await
        .or_fail(&format!("taking screenshot {name}"));
    let path = dir.join(name);
    std::fs::write(&path, png).or_fail(&format!("writing {}", path.display()));
}

/// The texts of an element's children matching `css` (a table row's cells, a select's options).
async fn texts_within(c: &Client, e: &Element, css: &str, what: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for child in e
        .find_all(Locator::Css(css))
        .await
        .or_fail(&format!("finding {what}"))
    {
        texts.push(child.text().await.or_fail(&format!("reading {what}")));
    }
    if texts.is_empty() {
        panic!(
            "browser test: no {what} (`{css}`); {}",
            whereabouts(c).await
        );
    }
    texts
}

/// Waits for the console's notice (`p.notice`) and checks it says `expected`.
async fn expect_notice(c: &Client, expected: &str, after: &str) {
    let what = format!("the notice after {after}");
    let notice = text_containing(c, "p.notice", expected, &what).await;
    assert_eq!(notice, expected, "after {after}: {}", whereabouts(c).await);
}

/// Checks the state label in the page's heading (`h2 .state`) of an article or a report.
async fn expect_state(c: &Client, expected: &str, after: &str) {
    let state = text_of(c, "h2 .state", "the state label in the heading").await;
    assert_eq!(state, expected, "after {after}: {}", whereabouts(c).await);
}

/// The last segment of the current URL's path after `prefix` (an id), checking the query.
async fn id_in_url(c: &Client, prefix: &str, query: Option<&str>, after: &str) -> String {
    let url = c.current_url().await.or_fail("reading the URL");
    let id = url
        .path()
        .strip_prefix(prefix)
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .unwrap_or_else(|| panic!("after {after} expected {prefix}{{id}}, got {url}"))
        .to_owned();
    assert_eq!(url.query(), query, "after {after}: {url}");
    id
}

/// A page of a tenant's public site, on its own host.
fn public_url(app: &TestApp, code: &str, path: &str) -> String {
    format!("http://{}:{}{path}", host(code), app.addr.port())
}

async fn close(c: Client, whose: &str) {
    bounded(&format!("closing {whose} session"), c.close())
        .await
        .or_fail(&format!("closing {whose} session"));
}

/// Types `login` and the test password into the sign-in form on the page and sends it.
async fn submit_sign_in(c: &Client, login: &str) {
    let field = wait_for(c, "input#login", "the sign-in form's login field").await;
    field.send_keys(login).await.or_fail("typing the login");
    find(c, "input#password", "the password field")
        .await
        .send_keys(PASSWORD)
        .await
        .or_fail("typing the password");
    click(c, "form button[type=submit]", "the sign-in button (登录)").await;
}

/// Signs in on the console's sign-in page and waits for the start page listing site `code`.
async fn sign_in(c: &Client, console: &str, login: &str, code: &str) {
    goto(c, &format!("{console}/console/login")).await;
    submit_sign_in(c, login).await;
    wait_for(
        c,
        &format!("a[href='/console/sites/{code}/']"),
        &format!("the console start page listing site {code} after signing in as {login}"),
    )
    .await;
}

/// Runs `scenario` (bounded by `SCENARIO`) against a fresh demo server with `accounts`
/// (login, site code, role) and chromedriver, taking its turn with the browser. Screenshots go
/// to the folder it is given.
async fn in_a_browser(
    accounts: &[(&str, &str, TenantRole)],
    scenario: impl AsyncFnOnce(&TestApp, &Chromedriver, &Path),
) {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let shots = PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/browser"));
    std::fs::create_dir_all(&shots).or_fail("creating the screenshot folder");
    println!("screenshots: {}", shots.display());

    // Fail (never skip) before the server starts when the browser is not installed.
    let driver = Chromedriver::start();
    let app = TestApp::demo(Backend::Sqlite).await;
    for (login, code, role) in accounts {
        app.account(login, None, &[(code, *role)]).await;
    }

    tokio::time::timeout(SCENARIO, scenario(&app, &driver, &shots))
        .await
        .unwrap_or_else(|_| panic!("browser test: the scenario took longer than {SCENARIO:?}"));
    println!("screenshots written to {}", shots.display());
    app.finish().await;
    drop(driver);
}

mod article;
mod compliance;
mod console;
mod desk;
mod editor;
mod inspection;
mod interaction;
mod lists;
mod no_lost_work;
mod report;
mod revision;
mod second_factor;
