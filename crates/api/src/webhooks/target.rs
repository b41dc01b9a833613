//! Where webhooks may go. An endpoint must be `https` (unless
//! `--webhooks-allow-http`) and must not reach loopback, private, link-local,
//! unique-local, shared (CGNAT), multicast or unspecified addresses (unless
//! `--webhooks-allow-private`), nor cloud metadata (never). The rule is
//! applied when an endpoint is saved and again at send time, inside the HTTP
//! client's DNS resolver ([`Guard`] implements [`reqwest::dns::Resolve`]):
//! the client can only connect to addresses that passed, so a name that
//! re-resolves to an internal address after the save (DNS rebinding) gets
//! nowhere.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use masthead_domain::FieldError;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

use super::WebhookSettings;

/// The cloud metadata addresses (AWS, GCP, Azure, …; AWS's IPv6 one).
const METADATA: [IpAddr; 2] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

/// How long a save waits for DNS.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an address is refused, or `None` when it may be reached.
pub fn refusal(ip: IpAddr, allow_private: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    if METADATA.contains(&ip) {
        return Some("is a cloud metadata address");
    }
    if allow_private {
        return None;
    }
    let internal = match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
                || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local fc00::/7 and link-local fe80::/10.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    };
    internal.then_some("is a loopback, private, link-local or unique-local address")
}

/// The address rules and name overrides of one server.
#[derive(Debug, Clone)]
pub struct Guard {
    allow_private: bool,
    allow_http: bool,
    overrides: Arc<HashMap<String, IpAddr>>,
}

impl Guard {
    /// The guard `settings` describe; malformed `--webhooks-resolve` entries
    /// are refused at start-up.
    pub fn new(settings: &WebhookSettings) -> anyhow::Result<Self> {
        let mut overrides = HashMap::new();
        for entry in &settings.webhooks_resolve {
            let (name, ip) = entry
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--webhooks-resolve {entry:?} is not NAME=IP"))?;
            let ip: IpAddr = ip
                .parse()
                .map_err(|_| anyhow::anyhow!("--webhooks-resolve {entry:?}: bad address"))?;
            overrides.insert(name.to_ascii_lowercase(), ip);
        }
        Ok(Self {
            allow_private: settings.webhooks_allow_private,
            allow_http: settings.webhooks_allow_http,
            overrides: Arc::new(overrides),
        })
    }

    /// Every address `host` resolves to (the override first).
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        if let Some(ip) = self.overrides.get(&host.to_ascii_lowercase()) {
            return Ok(vec![*ip]);
        }
        let found = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, 0)))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "DNS timed out"))??;
        Ok(found.map(|address| address.ip()).collect())
    }

    /// Checks an endpoint URL when it is saved: well-formed, `https` (or
    /// allowed `http`), no credentials, and every address its host resolves
    /// to allowed. A name that does not resolve now is accepted: the send-time
    /// check still applies.
    pub async fn check_url(&self, url: &str) -> Result<Url, FieldError> {
        let parsed = Url::parse(url).map_err(|_| FieldError::new("url", "is not a valid URL"))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            _ => return Err(FieldError::new("url", "must use https")),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(FieldError::new("url", "must not carry credentials"));
        }
        let addresses = match parsed.host() {
            None => return Err(FieldError::new("url", "must name a host")),
            Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
            Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
            Some(url::Host::Domain(name)) => self.lookup(name).await.unwrap_or_default(),
        };
        for ip in addresses {
            if let Some(reason) = refusal(ip, self.allow_private) {
                return Err(FieldError::new(
                    "url",
                    format!("must not reach an internal address: {ip} {reason}"),
                ));
            }
        }
        Ok(parsed)
    }

    /// The send-time check of a URL whose host is an IP literal (the
    /// resolver never sees those).
    pub fn check_literal(&self, url: &Url) -> Result<(), String> {
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => return Ok(()),
        };
        match refusal(ip, self.allow_private) {
            Some(reason) => Err(format!("refused: {ip} {reason}")),
            None => Ok(()),
        }
    }

    /// True when `http://` endpoints may be sent to.
    pub fn allows_http(&self) -> bool {
        self.allow_http
    }
}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = guard.lookup(&host).await?;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|ip| refusal(*ip, guard.allow_private).is_none())
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves to no address webhooks may reach").into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> bool {
        refusal(text.parse().unwrap(), false).is_some()
    }

    #[test]
    fn internal_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            assert!(refused(ip), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(!refused(ip), "{ip}");
        }
    }

    #[test]
    fn the_development_flag_never_opens_cloud_metadata() {
        assert!(refusal("127.0.0.1".parse().unwrap(), true).is_none());
        assert!(refusal("169.254.169.254".parse().unwrap(), true).is_some());
        assert!(refusal("fd00:ec2::254".parse().unwrap(), true).is_some());
    }
}
