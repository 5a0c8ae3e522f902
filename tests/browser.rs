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
//!
//! A screenshot of each step goes to `{CARGO_TARGET_TMPDIR}/browser/` (`NN-…png` for the
//! article, `rNN-…png` for the report). The tests take turns with the browser: on a small
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
    let notice = wait_for(c, "p.notice", &format!("the notice after {after}")).await;
    let notice = notice.text().await.or_fail("reading the notice");
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

/// Signs in on the console's sign-in page and waits for the start page listing site `code`.
async fn sign_in(c: &Client, console: &str, login: &str, code: &str) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_article_goes_from_editor_to_reviewer_to_the_public_site_in_a_real_browser() {
    in_a_browser(
        &[
            ("jb.editor", SITE, TenantRole::Editor),
            ("jb.reviewer", SITE, TenantRole::Reviewer),
        ],
        article_scenario,
    )
    .await;
}

async fn article_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let picture = driver.tmp.join("红色方块.png");
    std::fs::write(&picture, RED_SQUARE_PNG).or_fail("writing the picture to attach");
    let console = format!("http://{}", app.addr);
    let title = format!("江北区老旧小区改造进展（浏览器测试 {}）", fastrand::u32(..));
    let body_text = "今年江北区完成老旧小区改造十二个，惠及居民三千余户。";

    // The editor signs in, writes the article with a picture and submits it.
    let editor = driver.session().await;
    sign_in(&editor, &console, "jb.editor", SITE).await;
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
    expect_notice(&editor, "已保存并送审。", "保存并送审").await;
    expect_state(&editor, "待审核", "保存并送审").await;
    let id = id_in_url(
        &editor,
        &format!("/console/sites/{SITE}/articles/"),
        Some("notice=submitted"),
        "保存并送审",
    )
    .await;
    screenshot(&editor, shots, "03-editor-submitted.png").await;
    close(editor, "the editor's").await;

    // The reviewer, in a fresh session, finds it in the queue and approves it.
    let reviewer = driver.session().await;
    sign_in(&reviewer, &console, "jb.reviewer", SITE).await;
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
    expect_notice(&reviewer, "审核通过。", "审核通过").await;
    expect_state(&reviewer, "已发布", "审核通过").await;
    screenshot(&reviewer, shots, "05-reviewer-approved.png").await;

    // The district's public site shows it, picture included.
    let public = public_url(app, SITE, &format!("/art/{id}.html"));
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
    close(reviewer, "the reviewer's").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_town_item_reported_to_its_district_is_adopted_shown_with_its_source_and_ranked_in_a_real_browser()
 {
    in_a_browser(
        &[
            ("hbjd.editor", TOWN, TenantRole::Editor),
            ("jb.reviewer", SITE, TenantRole::Reviewer),
        ],
        report_scenario,
    )
    .await;
}

async fn report_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let title = format!("和平街道举办社区邻里节（浏览器测试 {}）", fastrand::u32(..));
    let body_text = "邻里节吸引居民三百余人参加，街道为老人送上义诊服务。";
    let channel = format!("街镇报送：{DISTRICT_NAME}·街镇动态");

    // The town editor signs in and reports a new item to the district.
    let town = driver.session().await;
    sign_in(&town, &console, "hbjd.editor", TOWN).await;
    screenshot(&town, shots, "r01-town-signed-in.png").await;

    let outbox = format!("{console}/console/sites/{TOWN}/reporting/");
    goto(&town, &outbox).await;
    wait_for(&town, "form#article-form", "the reporting form (信息报送)").await;
    let channels = find(&town, "select#channel_id", "the channel select").await;
    let offered = texts_within(&town, &channels, "option", "the channels offered").await;
    assert_eq!(
        offered,
        [channel.as_str()],
        "the town may send to its district only; {}",
        whereabouts(&town).await
    );
    let original = find(
        &town,
        "select#original_article",
        "the original-article select",
    )
    .await;
    let chosen = original
        .find(Locator::Css("option:checked"))
        .await
        .or_fail("finding the chosen original article")
        .text()
        .await
        .or_fail("reading the chosen original article");
    assert_eq!(chosen, "（新写一篇）", "a new item is written by default");
    find(&town, "input#title", "the title field")
        .await
        .send_keys(&title)
        .await
        .or_fail("typing the title");
    let rte = wait_for(&town, "div#rte", "the rich-text editing area").await;
    assert!(
        rte.is_displayed()
            .await
            .or_fail("checking the editing area"),
        "editor.js should show the contenteditable #rte (and hide textarea#body); {}",
        whereabouts(&town).await
    );
    rte.click().await.or_fail("focusing the editing area");
    rte.send_keys(body_text)
        .await
        .or_fail("typing the body into the editing area");
    find(&town, "input#note", "the note field")
        .await
        .send_keys("附现场照片若干，可联系街道党政办。")
        .await
        .or_fail("typing the note");
    screenshot(&town, shots, "r02-town-form-filled.png").await;

    click(
        &town,
        "form#article-form button[type=submit]",
        "the 报送 button",
    )
    .await;
    expect_notice(&town, "已报送，可在下方查看处理进度。", "报送").await;
    let url = town.current_url().await.or_fail("reading the URL");
    assert_eq!(
        (url.path(), url.query()),
        (
            format!("/console/sites/{TOWN}/reporting/").as_str(),
            Some("notice=submitted_report")
        ),
        "after 报送: {url}"
    );
    let row = wait_for_located(
        &town,
        Locator::XPath(&format!("//table//tr[td[1][normalize-space()='{title}']]")),
        "the reported item in the town's list",
    )
    .await;
    let cells = texts_within(&town, &row, "td", "the item's cells").await;
    assert_eq!(
        (cells[1].as_str(), cells[3].as_str()),
        (DISTRICT_NAME, "待处理"),
        "the town's list shows the item sent to the district, pending; {}",
        whereabouts(&town).await
    );
    scroll_to(&town, &row, "the reported item in the town's list").await;
    screenshot(&town, shots, "r03-town-submitted.png").await;
    close(town, "the town editor's").await;

    // The district reviewer, in a fresh session, finds it in the inbox and adopts it.
    let board = driver.session().await;
    sign_in(&board, &console, "jb.reviewer", SITE).await;
    goto(
        &board,
        &format!("{console}/console/sites/{SITE}/reporting/inbox"),
    )
    .await;
    let row = wait_for_located(
        &board,
        Locator::XPath(&format!("//table//tr[td/a[normalize-space()='{title}']]")),
        "the reported item in the district's inbox",
    )
    .await;
    let cells = texts_within(&board, &row, "td", "the item's cells").await;
    assert_eq!(
        (cells[2].as_str(), cells[3].as_str(), cells[5].as_str()),
        (TOWN_NAME, channel.as_str(), "待处理"),
        "the inbox shows the town's pending item (报送单位, 渠道, 状态); {}",
        whereabouts(&board).await
    );
    let link = row
        .find(Locator::Css("a"))
        .await
        .or_fail("finding the item's title link");
    screenshot(&board, shots, "r04-district-inbox.png").await;
    bounded("clicking the item's title", link.click())
        .await
        .or_fail("clicking the item's title");
    let adopt = "form[action$='/adopt'] button[type=submit]";
    wait_for(&board, adopt, "the 采用 button on the item's page").await;
    let id = id_in_url(
        &board,
        &format!("/console/sites/{SITE}/reporting/"),
        None,
        "clicking the item's title in the inbox",
    )
    .await;
    assert_eq!(text_of(&board, adopt, "the adopt button").await, "采用");
    expect_state(&board, "待处理", "opening the item").await;
    let sender = text_of(
        &board,
        "table.meta-table tr:nth-child(1) td",
        "the item's sender",
    )
    .await;
    assert_eq!(sender, TOWN_NAME, "{}", whereabouts(&board).await);
    let column = find(&board, "select#column_id", "the adopt form's column select").await;
    let chosen = column
        .find(Locator::Css("option:checked"))
        .await
        .or_fail("finding the chosen column")
        .text()
        .await
        .or_fail("reading the chosen column");
    assert_eq!(chosen, "街镇动态", "the channel's column is preselected");
    screenshot(&board, shots, "r05-district-item.png").await;

    click(&board, adopt, "the 采用 button").await;
    expect_notice(&board, "已采用。", "采用").await;
    expect_state(&board, "已采用", "采用").await;
    id_in_url(
        &board,
        &format!("/console/sites/{SITE}/reporting/"),
        Some("notice=report_adopted"),
        "采用",
    )
    .await;
    let adopted = text_of(
        &board,
        &format!("a[href^='/sites/{SITE}/art/']"),
        "the link to the adopted article",
    )
    .await;
    let article = adopted
        .strip_prefix(&format!("/sites/{SITE}/art/"))
        .and_then(|a| a.strip_suffix(".html"))
        .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("expected /sites/{SITE}/art/{{n}}.html, got {adopted}"))
        .to_owned();
    screenshot(&board, shots, "r06-district-adopted.png").await;
    println!("report {id} adopted as article {article}");

    // The district's public site lists it under 街镇动态 and shows where it came from.
    goto(&board, &public_url(app, SITE, "/col/jzdt/")).await;
    let listed = format!("ul.items a[href$='/art/{article}.html']");
    let entry = wait_for(
        &board,
        &listed,
        "the adopted item on the district's 街镇动态 list",
    )
    .await;
    let entry = entry.text().await.or_fail("reading the list entry");
    assert!(
        entry.contains(&title),
        "the list entry should carry the title; {}",
        whereabouts(&board).await
    );
    screenshot(&board, shots, "r07-public-list.png").await;

    click(&board, &listed, "the adopted item on the list").await;
    let h1 = wait_for(&board, "article.article h1", "the public article's title").await;
    assert_eq!(
        h1.text().await.or_fail("reading the public title"),
        title,
        "{}",
        whereabouts(&board).await
    );
    let url = board.current_url().await.or_fail("reading the URL");
    assert_eq!(
        (url.host_str(), url.path()),
        (
            Some(host(SITE).as_str()),
            format!("/art/{article}.html").as_str()
        ),
        "the list links to the adopted article on the district's host"
    );
    let meta = text_of(&board, "article.article p.meta", "the article's meta line").await;
    assert!(
        meta.contains(&format!("来源：{TOWN_NAME}")),
        "the article should show its source 来源：{TOWN_NAME}; {}",
        whereabouts(&board).await
    );
    let shown = text_of(&board, "article.article .body", "the public article's body").await;
    assert!(
        shown.contains(body_text),
        "the public body should hold the typed text; {}",
        whereabouts(&board).await
    );
    screenshot(&board, shots, "r08-public-article.png").await;

    // The district's ranking (this year by default) counts the item for the town.
    goto(
        &board,
        &format!("{console}/console/sites/{SITE}/reporting/ranking"),
    )
    .await;
    let heading = wait_for(&board, "section.block h2", "the ranking's heading").await;
    let year = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y")
        .to_string();
    let heading = heading
        .text()
        .await
        .or_fail("reading the ranking's heading");
    assert_eq!(
        heading,
        format!("报送统计与排名（{year}）"),
        "defaults to this year"
    );
    let row = wait_for_located(
        &board,
        Locator::XPath(&format!(
            "//table[contains(@class,'ranking')]/tbody/tr[td[2][normalize-space()='{TOWN_NAME}']]"
        )),
        "the town's row in the ranking",
    )
    .await;
    let cells = texts_within(&board, &row, "td", "the town's figures").await;
    assert_eq!(
        (cells[0].as_str(), cells[2].as_str(), cells[3].as_str()),
        ("1", "1", "1"),
        "ranked first with 1 submitted and 1 adopted (排名, 报送, 采用); {}",
        whereabouts(&board).await
    );
    let bar = row
        .find(Locator::Css("svg.bar rect"))
        .await
        .or_fail("finding the town's bar (svg.bar)");
    let width: u32 = bar
        .attr("width")
        .await
        .or_fail("reading the bar's width")
        .and_then(|w| w.parse().ok())
        .unwrap_or_default();
    assert!(
        width > 0,
        "the town's bar shows its adoption; {}",
        whereabouts(&board).await
    );
    screenshot(&board, shots, "r09-district-ranking.png").await;
    close(board, "the district reviewer's").await;
}
