//! A TCP proxy the test controls, to cut a server's connection to PostgreSQL or Redis without
//! touching the machine's shared servers.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

struct State {
    cut: AtomicBool,
    conns: Mutex<Vec<AbortHandle>>,
}

/// Forwards connections on `addr` to an upstream until cut.
pub struct FaultProxy {
    pub addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let state = Arc::new(State {
            cut: AtomicBool::new(false),
            conns: Mutex::new(Vec::new()),
        });
        let st = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if st.cut.load(Ordering::SeqCst) {
                    drop(client); // refused: closed at once
                    continue;
                }
                let conn = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                st.conns
                    .lock()
                    .expect("proxy lock")
                    .push(conn.abort_handle());
            }
        });
        FaultProxy { addr, state, task }
    }

    /// Closes every open connection and refuses new ones.
    pub fn cut(&self) {
        self.state.cut.store(true, Ordering::SeqCst);
        for c in self.state.conns.lock().expect("proxy lock").drain(..) {
            c.abort();
        }
    }

    /// Forwards again.
    pub fn restore(&self) {
        self.state.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}
