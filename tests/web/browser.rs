//! Headless Chromium (Debian's `chromium` and `chromium-driver`, installed by `.ci/run`)
//! driving the real binary through WebDriver: sign in, a department turning yellow then
//! red as the simulated clock moves, the case page, a refusal, an action, the CSV, another
//! department's case out of reach, sign out; the script's board auto-refresh and pause,
//! actions sent in place; the packs page. Saves the screenshots in docs/images/.

use super::{CITIZEN, CIVIL, POLICE};
use crate::support::path;
use crate::support::server::{token, Options, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver on a free port of 127.0.0.1; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (.ci/run installs chromium-driver)");
        let url = format!("http://127.0.0.1:{port}");
        // Wait until it answers: a readiness poll, not a timed assertion.
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Driver { child, url };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("chromedriver did not start listening on {port}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--window-size=1400,900", "--lang=zh-CN"]}),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// The text of `css` once the page shows it; a page still loading after a click can hand
/// back an element of the page it replaces, so a stale one is looked up again.
async fn text(c: &Client, css: &str) -> String {
    for _ in 0..100 {
        let element = c
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match element.text().await {
            Ok(t) => return t,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference => {}
            Err(e) => panic!("{css}: {e}"),
        }
    }
    panic!("{css} kept going stale")
}

/// Waits until `css` shows `expected`, as the page changes by itself (the board's
/// auto-refresh): a readiness poll with a generous bound, not a timed assertion.
async fn eventually(c: &Client, css: &str, expected: &str) {
    let mut last = String::new();
    for _ in 0..600 {
        last = text(c, css).await;
        if last == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} still shows {last:?}, not {expected:?}");
}

/// Marks the page so that [`same_page`] tells whether the browser navigated since.
async fn mark_page(c: &Client) {
    c.execute("window.govflowMarked = true;", vec![])
        .await
        .unwrap();
}

async fn same_page(c: &Client) -> bool {
    c.execute("return window.govflowMarked === true;", vec![])
        .await
        .unwrap()
        == json!(true)
}

/// Waits until the page titled `title` is shown (after a click that navigates).
async fn on_page(c: &Client, title: &str) {
    c.wait()
        .for_element(Locator::Css(&format!("main[data-page='{title}']")))
        .await
        .unwrap_or_else(|e| panic!("page {title}: {e}"));
}

async fn sign_in(c: &Client, base: &str, who: &str) {
    c.goto(&format!("{base}/")).await.unwrap();
    on_page(c, "登录").await;
    c.find(Locator::Id("token"))
        .await
        .unwrap()
        .send_keys(&token(who))
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    on_page(c, "督办看板").await;
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    on_page(c, "登录").await;
}

const POLICE_ROW: &str = "tr[data-department='区公安局']";

#[test]
fn the_board_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2024-03-04T09:00:00+08:00",
        &[POLICE, CIVIL, CITIZEN],
    ));
    let submit = |provider: &str| {
        server.submit("citizen", json!({"city": "wanzhou", "procedure": "data_verification", "provider": provider, "subject": "户籍", "data": {}}))["id"]
            .as_str().unwrap().to_owned()
    };
    let case = submit("区公安局");
    let civil_case = submit("区民政局");
    let driver = Driver::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = server.base.clone();
    let c = rt.block_on(browser(&driver));

    rt.block_on(async {
        sign_in(&c, &base, "admin").await;
        // The script refreshes the board by itself (every 2 s here, 60 s by default).
        c.goto(&format!("{base}/ui/board?refresh=2")).await.unwrap();
        assert_eq!(
            text(&c, &format!("{POLICE_ROW} [data-count=green]")).await,
            "1"
        );
        assert!(text(&c, "[data-refresh-control]")
            .await
            .contains("每 2 秒自动刷新"));
        mark_page(&c).await;
    });
    server.set_clock("2024-03-15T09:00:00+08:00");
    rt.block_on(async {
        eventually(&c, &format!("{POLICE_ROW} [data-count=yellow]"), "1").await;
        assert!(same_page(&c).await, "refreshed in place, not reloaded");
        assert_eq!(
            text(&c, &format!("{POLICE_ROW} [data-count=red]")).await,
            "0"
        );
        // Paused, it stays paused across a reload.
        c.find(Locator::Css("[data-refresh-control] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert!(text(&c, "[data-refresh-control]")
            .await
            .contains("自动刷新已暂停"));
    });
    server.set_clock("2024-03-19T09:00:00+08:00");
    let screenshots = path("docs/images");
    std::fs::create_dir_all(&screenshots).unwrap();
    rt.block_on(async {
        c.refresh().await.unwrap();
        assert_eq!(text(&c, &format!("{POLICE_ROW} [data-count=red]")).await, "1");
        assert!(text(&c, "[data-refresh-control]").await.contains("自动刷新已暂停"));
        std::fs::write(screenshots.join("board.png"), c.screenshot().await.unwrap()).unwrap();
        // The red count links to the list holding that case; open it from there.
        c.find(Locator::Css(&format!("{POLICE_ROW} a[data-count=red]"))).await.unwrap().click().await.unwrap();
        c.find(Locator::Css(&format!("tr[data-case='{case}'] a"))).await.unwrap().click().await.unwrap();
        assert!(text(&c, "main").await.contains("为什么是这一天"));
        std::fs::write(screenshots.join("case.png"), c.screenshot().await.unwrap()).unwrap();
        // The admin operates the service but is no 政务数据提供部门: the core refuses,
        // shown in place (the script sends the form; no navigation).
        mark_page(&c).await;
        c.find(Locator::Css("form[data-action=reply] input[name=confirm]")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("form[data-action=reply] button")).await.unwrap().click().await.unwrap();
        let refusal = text(&c, "[data-refusal]").await;
        assert!(refusal.contains("wrong_role") && refusal.contains("第十七条"), "{refusal}");
        assert!(same_page(&c).await, "the refusal came in place");
        // The packs page, from the nav, and a procedure drawn from the pack.
        c.find(Locator::LinkText("规则包与日历")).await.unwrap().click().await.unwrap();
        on_page(&c, "规则包与日历").await;
        c.find(Locator::Css("tr[data-city=wanzhou] a")).await.unwrap().click().await.unwrap();
        let drawn = text(&c, "section[data-procedure=catalog_update] svg").await;
        assert!(drawn.contains("待申请更新") && drawn.contains("submit · 第十三条"), "{drawn}");
        c.goto(&format!("{base}/ui/packs/wanzhou#catalog_update")).await.unwrap();
        std::fs::write(screenshots.join("packs.png"), c.screenshot().await.unwrap()).unwrap();
        sign_out(&c).await;

        // The police answer it, confirming first.
        sign_in(&c, &base, "police").await;
        c.goto(&format!("{base}/ui/cases/{case}")).await.unwrap();
        c.find(Locator::Css("form[data-action=reply] input[name=confirm]")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("form[data-action=reply] button")).await.unwrap().click().await.unwrap();
        // Approved (the first decision): the case page comes back in place, closed.
        c.wait().for_element(Locator::Css("td[data-state=corrected]")).await.unwrap();
        // The CSV link of the list gives UTF-8 with a BOM.
        c.goto(&format!("{base}/ui/cases")).await.unwrap();
        let href = c.find(Locator::LinkText("导出 CSV")).await.unwrap().attr("href").await.unwrap().unwrap();
        let bytes = c
            .execute_async(
                "const [url, done] = arguments; fetch(url).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b).slice(0, 3))));",
                vec![json!(href)],
            )
            .await
            .unwrap();
        assert_eq!(bytes, json!([0xEF, 0xBB, 0xBF]));
        // Another department's case, by editing the URL: not there.
        c.goto(&format!("{base}/ui/cases/{civil_case}")).await.unwrap();
        assert!(text(&c, "main").await.contains("没有这个办件"));
        sign_out(&c).await;
        c.goto(&format!("{base}/ui/board")).await.unwrap();
        on_page(&c, "登录").await;
        c.close().await.unwrap();
    });
    assert_ne!(
        server
            .get("admin", &format!("/v1/cases/{case}"))
            .str("state"),
        "verifying"
    );
}
