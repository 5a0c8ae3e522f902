//! A real Prometheus server for the tests of the operator's page (Debian's `prometheus`
//! package, installed by `scripts/test`), started with the shipped scrape configuration
//! (`ops/prometheus/prometheus.yml`) pointed at the test node and scraping every second.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Prometheus on a free port, killed (and its data removed) when dropped.
pub struct PrometheusServer {
    child: Child,
    dir: PathBuf,
}

/// A free port on 127.0.0.1 (for a server the node must know of before it starts).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl PrometheusServer {
    /// Starts Prometheus on `port`, scraping the node whose operations listener is `target`.
    pub fn start(port: u16, target: SocketAddr) -> PrometheusServer {
        let ops = concat!(env!("CARGO_MANIFEST_DIR"), "/../ops/prometheus");
        let shipped = std::fs::read_to_string(format!("{ops}/prometheus.yml")).unwrap();
        let config = shipped
            .replace("scrape_interval: 15s", "scrape_interval: 1s")
            .replace("[\"127.0.0.1:9464\"]", &format!("[\"{target}\"]"));
        assert_ne!(
            config, shipped,
            "the shipped configuration's target line moved"
        );
        let dir = std::env::temp_dir().join(format!("zq-prom-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        std::fs::copy(format!("{ops}/alerts.yml"), dir.join("alerts.yml")).unwrap();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus (Debian's prometheus package; scripts/test installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "prometheus did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        PrometheusServer { child, dir }
    }
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
