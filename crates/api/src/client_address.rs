//! The one rule for where a request came from, used by every limit keyed on
//! the client (sign-in attempts, replies) over REST and GraphQL alike.
//!
//! The client is the TCP peer, unless the peer is a trusted proxy: then the
//! proxy header (`X-Forwarded-For`, or RFC 7239 `Forwarded` when configured)
//! is read from the right, each hop in `--trusted-proxies` is skipped, and the
//! first hop that is not trusted is the client. Whatever a client writes
//! itself lands to the left of what the proxies append, so it is never read.
//! A hop that does not parse stops the walk at the last good hop (a proxy we
//! trust), so garbage cannot choose a key either.

use std::future::{ready, Ready};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use clap::{ArgAction, Args, ValueEnum};
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

/// Reads the hops of one header value, left to right; `None` for garbage.
type HopParser = fn(&str) -> Vec<Option<IpAddr>>;

/// Trusted hops walked at most; past them the walk stops at the last one.
const MAX_TRUSTED_HOPS: usize = 32;

/// Which proxies are trusted and which header they write; part of
/// [`crate::config::Settings`].
#[derive(Debug, Clone, Default, Args)]
pub struct ProxySettings {
    /// The direct peer is a trusted reverse proxy, whatever its address: the
    /// client is the right-most hop of the proxy header that is not in
    /// `--trusted-proxies` (with no `--trusted-proxies`, the right-most hop).
    #[arg(long, env = "MASTHEAD_TRUST_PROXY", default_value_t = false, action = ArgAction::Set,
          value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub trust_proxy: bool,

    /// Networks of your reverse proxies, comma-separated CIDRs or addresses
    /// (IPv4 and IPv6): a peer or hop inside them is a trusted proxy.
    #[arg(long, env = "MASTHEAD_TRUSTED_PROXIES", value_delimiter = ',',
          value_name = "CIDRS", value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,

    /// The header your proxies append the client to: `x-forwarded-for` or
    /// `forwarded` (RFC 7239). Only this one is read, so a client cannot
    /// smuggle in the other.
    #[arg(long, env = "MASTHEAD_FORWARDED_HEADER", value_enum,
          default_value_t = ForwardedHeader::XForwardedFor)]
    pub forwarded_header: ForwardedHeader,
}

/// The proxy header the client address is read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    Forwarded,
}

/// `10.0.0.0/8`, `2001:db8::/32`, or one address (`10.0.0.7` is `10.0.0.7/32`).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .map(|network| network.trunc())
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            format!("{text:?} is not a CIDR (like 10.0.0.0/8 or 2001:db8::/32) or an address")
        })
}

impl ProxySettings {
    /// Whether `address` is in one of the trusted networks.
    fn in_trusted_network(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|network| network.contains(&address))
    }

    /// Whether the direct peer's header is believed at all.
    fn trusts_peer(&self, peer: IpAddr) -> bool {
        self.trust_proxy || self.in_trusted_network(peer)
    }
}

/// The address a request came from, by the rule of this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl Default for ClientAddress {
    /// `0.0.0.0`: a request with no peer (only in-process schema runs).
    fn default() -> Self {
        Self(IpAddr::from([0, 0, 0, 0]))
    }
}

impl ClientAddress {
    /// The client of `request` under `proxies`.
    pub fn of(request: &HttpRequest, proxies: &ProxySettings) -> Self {
        match request.peer_addr() {
            Some(peer) => Self::resolve(peer.ip(), request.headers(), proxies),
            None => Self::default(),
        }
    }

    /// The client behind `peer` given the request's `headers`.
    pub fn resolve(peer: IpAddr, headers: &HeaderMap, proxies: &ProxySettings) -> Self {
        let peer = canonical(peer);
        if !proxies.trusts_peer(peer) {
            return Self(peer);
        }
        let (name, parse): (HeaderName, HopParser) = match proxies.forwarded_header {
            ForwardedHeader::XForwardedFor => {
                (HeaderName::from_static("x-forwarded-for"), x_forwarded_for)
            }
            ForwardedHeader::Forwarded => (header::FORWARDED, forwarded),
        };
        // Several header lines read as one list, in order.
        let mut hops = Vec::new();
        for value in headers.get_all(name) {
            match value.to_str() {
                Ok(text) => hops.extend(parse(text)),
                Err(_) => hops.push(None),
            }
        }
        let mut client = peer;
        for hop in hops.into_iter().rev().take(MAX_TRUSTED_HOPS + 1) {
            let Some(hop) = hop.map(canonical) else {
                break; // garbage: the last good hop is the client
            };
            client = hop;
            if !proxies.in_trusted_network(hop) {
                break;
            }
        }
        Self(client)
    }

    /// The rate-limit bucket: the IPv4 address, or the /64 of an IPv6 one
    /// (one subscriber usually holds a whole /64 to rotate through).
    pub fn bucket(self) -> IpAddr {
        match canonical(self.0) {
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
            v4 => v4,
        }
    }
}

impl FromRequest for ClientAddress {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let address = match request.app_data::<web::Data<AppState>>() {
            Some(state) => Self::of(request, &state.settings.proxies),
            None => Self::of(request, &ProxySettings::default()),
        };
        ready(Ok(address))
    }
}

/// An IPv4 address in IPv6 clothing (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// `X-Forwarded-For: 192.0.2.1, [2001:db8::1]:443, 10.0.0.2:80`.
fn x_forwarded_for(value: &str) -> Vec<Option<IpAddr>> {
    value.split(',').map(node).collect()
}

/// `Forwarded: for=192.0.2.1;proto=https, for="[2001:db8::1]:443"`: the
/// `for=` of each element; an element without a usable one is garbage.
fn forwarded(value: &str) -> Vec<Option<IpAddr>> {
    split_outside_quotes(value, ',')
        .into_iter()
        .map(|element| {
            split_outside_quotes(element, ';')
                .into_iter()
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| {
                    let value = value.trim();
                    let value = value
                        .strip_prefix('"')
                        .and_then(|rest| rest.strip_suffix('"'))
                        .unwrap_or(value);
                    node(value)
                })
        })
        .collect()
}

/// One hop: an address, with or without a port, IPv6 with or without brackets.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| {
            text.strip_prefix('[')?
                .strip_suffix(']')?
                .parse::<Ipv6Addr>()
                .ok()
                .map(IpAddr::V6)
        })
}

/// Splits at `separator` where it is not inside a quoted string.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (index, character) in text.char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..index]);
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
#[path = "client_address_tests.rs"]
mod tests;
