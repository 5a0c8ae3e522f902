//! Who the client really is: the TCP peer, unless the peer is one of the configured reverse
//! proxies, in which case the address they forwarded (`X-Forwarded-For`, read from the right:
//! the first address that is not itself a trusted proxy). A header from anyone else is
//! ignored, so a client cannot choose its own address. Sign-in limits, form limits, visit
//! counts and the audit log all see this address.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a list of addresses and networks separated by commas or spaces
    /// (`127.0.0.1, 10.0.0.0/8, ::1`); the message names the first entry that is neither.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("“{s}”不是 IP 地址或网段（如 10.0.0.0/8）"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The real client behind `peer` (keeping the peer's port).
    pub fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> SocketAddr {
        let mut ip = peer.ip().to_canonical();
        if !self.trusts(ip) {
            return SocketAddr::new(ip, peer.port());
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Some(addr) = parse_hop(hop) else {
                // Garbage a proxy passed on: the last address known good stands.
                break;
            };
            ip = addr;
            if !self.trusts(addr) {
                break;
            }
        }
        SocketAddr::new(ip, peer.port())
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 ::1").unwrap();
        let cases: &[(&str, &[&str], &str)] = &[
            // Not a proxy: its header is ignored.
            ("203.0.113.9:4000", &["198.51.100.1"], "203.0.113.9"),
            // A proxy: the address it saw.
            ("127.0.0.1:4000", &["198.51.100.1"], "198.51.100.1"),
            // A chain: from the right, past the trusted hops, never the client's own claim.
            (
                "127.0.0.1:4000",
                &["6.6.6.6, 198.51.100.1, 10.1.2.3"],
                "198.51.100.1",
            ),
            (
                "127.0.0.1:4000",
                &["6.6.6.6", "198.51.100.1"],
                "198.51.100.1",
            ),
            // Every hop trusted: the farthest.
            ("127.0.0.1:4000", &["10.0.0.7, 10.0.0.8"], "10.0.0.7"),
            // Nothing forwarded, or garbage: the last good address.
            ("127.0.0.1:4000", &[], "127.0.0.1"),
            ("127.0.0.1:4000", &["unknown"], "127.0.0.1"),
            ("127.0.0.1:4000", &["198.51.100.1, junk"], "127.0.0.1"),
            // Ports and IPv6, mapped IPv4 as IPv4.
            ("[::1]:4000", &["[2001:db8::1]:5555"], "2001:db8::1"),
            (
                "[::ffff:127.0.0.1]:4000",
                &["198.51.100.2:80"],
                "198.51.100.2",
            ),
        ];
        for (peer, xff, want) in cases {
            let got = proxies.client(peer.parse().unwrap(), &headers(xff));
            assert_eq!(got.ip().to_string(), *want, "{peer} {xff:?}");
        }
        let none = TrustedProxies::default();
        let got = none.client("127.0.0.1:1".parse().unwrap(), &headers(&["1.1.1.1"]));
        assert_eq!(got.ip().to_string(), "127.0.0.1", "no proxies: the peer");
    }

    #[test]
    fn a_proxy_list_names_the_entry_it_cannot_read() {
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8,,192.168.1.1")
                .unwrap()
                .0
                .len(),
            2
        );
        let e = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(e.contains("proxy.local"), "{e}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }
}
