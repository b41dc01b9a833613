//! The client-address rule against forged, chained, IPv6 and broken headers.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn proxies(trust_proxy: bool, networks: &[&str], header: ForwardedHeader) -> ProxySettings {
    ProxySettings {
        trust_proxy,
        trusted_proxies: networks
            .iter()
            .map(|text| parse_network(text).unwrap())
            .collect(),
        forwarded_header: header,
    }
}

fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for value in values {
        map.append(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn xff(values: &[&str]) -> HeaderMap {
    headers("x-forwarded-for", values)
}

fn client(peer: &str, headers: &HeaderMap, proxies: &ProxySettings) -> IpAddr {
    ClientAddress::resolve(ip(peer), headers, proxies).0
}

const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;

#[test]
fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
    let rule = proxies(false, &[], XFF);
    assert_eq!(
        client("203.0.113.9", &xff(&["198.51.100.1"]), &rule),
        ip("203.0.113.9")
    );
    let rule = proxies(false, &["10.0.0.0/8"], XFF);
    assert_eq!(
        client("203.0.113.9", &xff(&["198.51.100.1"]), &rule),
        ip("203.0.113.9"),
        "a peer outside the trusted networks is not a proxy"
    );
}

#[test]
fn a_left_most_value_the_client_sent_never_wins() {
    // nginx appends the real peer to whatever the client sent.
    let rule = proxies(true, &[], XFF);
    let forged = xff(&["198.51.100.77, 203.0.113.9"]);
    assert_eq!(client("127.0.0.1", &forged, &rule), ip("203.0.113.9"));
    let forged = xff(&["1.1.1.1", "2.2.2.2, 203.0.113.9"]);
    assert_eq!(
        client("127.0.0.1", &forged, &rule),
        ip("203.0.113.9"),
        "several header lines are one list"
    );
}

#[test]
fn a_chain_of_trusted_proxies_is_skipped_from_the_right() {
    let rule = proxies(false, &["10.0.0.0/8", "192.168.1.1"], XFF);
    let chain = xff(&["198.51.100.77, 203.0.113.9, 192.168.1.1, 10.1.2.3"]);
    assert_eq!(client("10.0.0.2", &chain, &rule), ip("203.0.113.9"));
    // All hops trusted: the left-most one is as far as anyone can tell.
    let inside = xff(&["10.9.9.9, 10.1.2.3"]);
    assert_eq!(client("10.0.0.2", &inside, &rule), ip("10.9.9.9"));
    // No header: the proxy itself.
    assert_eq!(client("10.0.0.2", &HeaderMap::new(), &rule), ip("10.0.0.2"));
}

#[test]
fn trust_proxy_trusts_the_direct_peer_only_and_networks_add_hops() {
    let rule = proxies(true, &[], XFF);
    assert_eq!(
        client("203.0.113.50", &xff(&["10.0.0.5, 203.0.113.9"]), &rule),
        ip("203.0.113.9")
    );
    let rule = proxies(true, &["203.0.113.0/28"], XFF);
    assert_eq!(
        client("198.18.0.1", &xff(&["198.51.100.4, 203.0.113.9"]), &rule),
        ip("198.51.100.4")
    );
}

#[test]
fn ipv6_and_mapped_ipv4_peers_and_hops_are_understood() {
    let rule = proxies(false, &["2001:db8:ffff::/48", "10.0.0.0/8"], XFF);
    let chain = xff(&["[2001:db8:1:2::9]:4711, 2001:db8:ffff::1"]);
    assert_eq!(
        client("2001:db8:ffff::2", &chain, &rule),
        ip("2001:db8:1:2::9")
    );
    assert_eq!(
        client("::ffff:10.0.0.2", &xff(&["203.0.113.9:443"]), &rule),
        ip("203.0.113.9"),
        "a dual-stack listener's mapped peer matches an IPv4 network"
    );
    let bucket = ClientAddress(ip("2001:db8:1:2:aaaa::9")).bucket();
    assert_eq!(bucket, ip("2001:db8:1:2::"));
    assert_eq!(
        ClientAddress(ip("::ffff:192.0.2.1")).bucket(),
        ip("192.0.2.1")
    );
}

#[test]
fn garbage_stops_the_walk_at_the_last_good_hop() {
    let rule = proxies(false, &["10.0.0.0/8"], XFF);
    for broken in ["unknown", "", "203.0.113.9:", "not an address", "[::1"] {
        let value = format!("198.51.100.1, {broken}, 10.0.0.3");
        assert_eq!(
            client("10.0.0.2", &xff(&[value.as_str()]), &rule),
            ip("10.0.0.3"),
            "{broken:?}"
        );
    }
    assert_eq!(
        client("10.0.0.2", &xff(&["198.51.100.1,"]), &rule),
        ip("10.0.0.2"),
        "a trailing comma is an empty (broken) hop"
    );
    let mut binary = HeaderMap::new();
    binary.insert(
        HeaderName::from_static("x-forwarded-for"),
        HeaderValue::from_bytes(b"198.51.100.1, \xff").unwrap(),
    );
    assert_eq!(client("10.0.0.2", &binary, &rule), ip("10.0.0.2"));
}

#[test]
fn forwarded_is_read_only_when_chosen_and_then_from_the_right() {
    let value =
        r#"for=198.51.100.77, for="[2001:db8:1::9]:4711";proto=https, for=10.0.0.3;by=10.0.0.2"#;
    let both = {
        let mut map = headers("forwarded", &[value]);
        map.append(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_static("192.0.2.200"),
        );
        map
    };
    let rule = proxies(false, &["10.0.0.0/8"], ForwardedHeader::Forwarded);
    assert_eq!(client("10.0.0.2", &both, &rule), ip("2001:db8:1::9"));
    let rule = proxies(false, &["10.0.0.0/8"], XFF);
    assert_eq!(
        client("10.0.0.2", &both, &rule),
        ip("192.0.2.200"),
        "with X-Forwarded-For chosen, a client-sent Forwarded is ignored"
    );
}

#[test]
fn forwarded_elements_without_a_usable_for_are_garbage() {
    let rule = proxies(true, &["10.0.0.0/8"], ForwardedHeader::Forwarded);
    for element in ["for=unknown", "for=_hidden", "proto=https", "for=\"[::1\""] {
        let value = format!("for=198.51.100.1, {element}, for=10.0.0.3");
        let map = headers("forwarded", &[value.as_str()]);
        assert_eq!(
            client("192.0.2.1", &map, &rule),
            ip("10.0.0.3"),
            "{element}"
        );
    }
    let unclosed = headers(
        "forwarded",
        &["for=198.51.100.1, for=\"10.0.0.3, for=10.0.0.4"],
    );
    assert_eq!(
        client("192.0.2.1", &unclosed, &rule),
        ip("192.0.2.1"),
        "an unclosed quote swallows the rest: nothing after the peer is good"
    );
    let map = headers("forwarded", &["For=\"198.51.100.1:80\";by=x"]);
    assert_eq!(client("192.0.2.1", &map, &rule), ip("198.51.100.1"));
}

#[test]
fn a_flood_of_trusted_hops_is_walked_only_so_far() {
    let rule = proxies(false, &["10.0.0.0/8"], XFF);
    let hops: Vec<String> = (0..100).map(|i| format!("10.0.{i}.1")).collect();
    let value = format!("198.51.100.1, {}", hops.join(", "));
    let found = client("10.0.0.2", &xff(&[value.as_str()]), &rule);
    assert!(
        rule.in_trusted_network(found),
        "{found} is one of the proxies"
    );
}

#[test]
fn networks_parse_as_cidrs_or_addresses_and_anything_else_is_refused() {
    assert_eq!(
        parse_network("10.1.2.3/8").unwrap().to_string(),
        "10.0.0.0/8"
    );
    assert_eq!(
        parse_network(" 192.0.2.7 ").unwrap().to_string(),
        "192.0.2.7/32"
    );
    assert_eq!(
        parse_network("2001:db8::/32").unwrap().to_string(),
        "2001:db8::/32"
    );
    assert_eq!(parse_network("::1").unwrap().to_string(), "::1/128");
    for bad in ["10.0.0.0/33", "10.0.0", "example.org", "", "2001:db8::/129"] {
        let error = parse_network(bad).unwrap_err();
        assert!(error.contains("CIDR"), "{bad}: {error}");
    }
}
