//! The field's own validators over what the server sends: the OpenAPI document of `/api/v1/`
//! passes openapi-spec-validator (installed into `target/pytools` by `scripts/test`; the path
//! comes in `ZHANQUN_TEST_PYTOOLS`). A missing validator fails the test rather than skipping it.

use zq_tests::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_passes_openapi_spec_validator() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let doc = app.get("127.0.0.1", "/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    let dir = std::env::temp_dir().join(format!("zq-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, &doc.bytes).unwrap();
    let pytools = std::env::var("ZHANQUN_TEST_PYTOOLS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pytools").to_owned());
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .env("PYTHONPATH", &pytools)
        .output()
        .expect("python3 runs (scripts/test installs openapi-spec-validator)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openapi-spec-validator: {text}");
    assert!(text.contains("OK"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}
