//! The invalidation bus: tells every node which tenants' generations moved and when the site
//! registry must be re-read. Over Redis pub/sub when Redis is configured; otherwise the only
//! node is this process, which applies its own changes directly.
//!
//! Redis pub/sub drops messages while a subscriber is disconnected, so every (re)subscription
//! calls `on_connect`, with which the node resynchronises from the database.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use crate::redis_link::RedisLink;

/// The channel every node listens on (after the link's prefix).
pub const CHANNEL: &str = "bus";

/// A change every node must apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusMessage {
    /// These tenants' generations are now at least these values.
    Generations(Vec<(i64, u64)>),
    /// Tenants or columns changed: re-read the site registry.
    Sites,
}

impl BusMessage {
    pub fn encode(&self) -> String {
        match self {
            BusMessage::Generations(gens) => {
                let parts: Vec<String> = gens.iter().map(|(t, g)| format!("{t}:{g}")).collect();
                format!("gen {}", parts.join(","))
            }
            BusMessage::Sites => "sites".into(),
        }
    }

    pub fn decode(s: &str) -> Option<BusMessage> {
        if s == "sites" {
            return Some(BusMessage::Sites);
        }
        let body = s.strip_prefix("gen ")?;
        let gens = body
            .split(',')
            .map(|p| {
                let (t, g) = p.split_once(':')?;
                Some((t.parse().ok()?, g.parse().ok()?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(BusMessage::Generations(gens))
    }
}

/// Publishes changes to other nodes.
#[derive(Clone, Default)]
pub struct Bus {
    redis: Option<Arc<RedisLink>>,
}

impl Bus {
    /// A bus for one process only.
    pub fn local() -> Bus {
        Bus { redis: None }
    }

    pub fn redis(link: Arc<RedisLink>) -> Bus {
        Bus { redis: Some(link) }
    }

    /// Sends a message to the other nodes (a no-op without Redis).
    pub async fn publish(&self, msg: &BusMessage) {
        if let Some(r) = &self.redis {
            r.publish(CHANNEL, &msg.encode()).await;
        }
    }

    /// Listens for other nodes' messages until the task is aborted, reconnecting by itself.
    /// `on_connect` runs after every successful subscription (resynchronise there).
    pub fn subscribe<M, C>(
        &self,
        on_message: M,
        on_connect: C,
    ) -> Option<tokio::task::JoinHandle<()>>
    where
        M: Fn(BusMessage) + Send + Sync + 'static,
        C: Fn() + Send + Sync + 'static,
    {
        let link = self.redis.clone()?;
        Some(tokio::spawn(async move {
            let mut backoff = Duration::from_millis(200);
            loop {
                let connected =
                    tokio::time::timeout(Duration::from_secs(2), link.client().get_async_pubsub())
                        .await;
                let mut pubsub = match connected {
                    Ok(Ok(p)) => p,
                    Ok(Err(e)) => {
                        link.fault("SUBSCRIBE", &e);
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                        continue;
                    }
                    Err(_) => {
                        link.fault("SUBSCRIBE", &"timed out");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                        continue;
                    }
                };
                if let Err(e) = pubsub.subscribe(link.name(CHANNEL)).await {
                    link.fault("SUBSCRIBE", &e);
                    tokio::time::sleep(backoff).await;
                    continue;
                }
                backoff = Duration::from_millis(200);
                tracing::info!("subscribed to the invalidation bus");
                on_connect();
                let mut stream = pubsub.into_on_message();
                while let Some(msg) = stream.next().await {
                    let Ok(payload) = msg.get_payload::<String>() else {
                        continue;
                    };
                    match BusMessage::decode(&payload) {
                        Some(m) => on_message(m),
                        None => tracing::debug!(payload, "ignoring an unknown bus message"),
                    }
                }
                link.fault("SUBSCRIBE", &"the subscription connection closed");
                tokio::time::sleep(backoff).await;
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        for m in [
            BusMessage::Sites,
            BusMessage::Generations(vec![(1, 2)]),
            BusMessage::Generations(vec![(3, 40), (5, 6)]),
        ] {
            assert_eq!(BusMessage::decode(&m.encode()), Some(m.clone()));
        }
        for bad in ["", "gen ", "gen 1", "gen a:b", "gen 1:2,", "hello"] {
            assert_eq!(BusMessage::decode(bad), None, "{bad:?}");
        }
    }
}
