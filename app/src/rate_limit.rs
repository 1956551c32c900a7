//! Request limits per client, kept in this process's memory only.
//!
//! A client is known by a keyed hash of its address ([`ClientId`]); the key is random per process
//! and never leaves it, so no address is stored, logged or written to disk, and the hashes mean
//! nothing after a restart. Each [`RateLimiter`] is a set of token buckets: a client may make
//! `per_minute` requests at once, and gets them back at `per_minute / 60` a second.
//!
//! Reuse: build one limiter per kind of action (e.g. failed sign-ins) and call
//! [`RateLimiter::check`] with the request's [`ClientId`], which the server's middleware puts in
//! every request's extensions (`Extension<ClientId>` in a handler).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// A keyed hash of a client's address: tells clients apart without knowing who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId(u64);

/// Where client addresses come from, and the process's secret key for hashing them.
#[derive(Clone)]
pub struct ClientIdentifier {
    key: std::collections::hash_map::RandomState,
    trust_proxy: bool,
}

impl ClientIdentifier {
    /// With `trust_proxy`, the address is the last one in `X-Forwarded-For` (the one our own proxy
    /// saw); only set it behind a proxy that always sets that header, or clients could pick their own.
    pub fn new(trust_proxy: bool) -> Self {
        Self {
            key: std::collections::hash_map::RandomState::new(),
            trust_proxy,
        }
    }

    pub fn identify(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> ClientId {
        let forwarded = self
            .trust_proxy
            .then(|| last_forwarded_address(headers))
            .flatten();
        let address = forwarded.or(peer.map(|peer| peer.ip()));
        ClientId(self.key.hash_one(address.map(network_of)))
    }
}

/// One client's share of the address space: an IPv4 address, or an IPv6 /64, which a single home
/// or phone is handed whole and can rotate through at will.
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
        v4 => v4,
    }
}

fn last_forwarded_address(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .next_back()
        .and_then(|last| last.trim().parse().ok())
}

/// How many requests a client may make in a minute (and at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerMinute(NonZeroU32);

impl PerMinute {
    pub fn new(requests: NonZeroU32) -> Self {
        Self(requests)
    }

    fn capacity(self) -> f64 {
        f64::from(self.0.get())
    }

    fn refill_per_second(self) -> f64 {
        self.capacity() / 60.0
    }
}

impl std::str::FromStr for PerMinute {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse::<NonZeroU32>()
            .map(Self)
            .map_err(|_| format!("\"{text}\" is not a whole number of requests above 0"))
    }
}

/// Refused: the client may try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

/// Above this many clients, full buckets (clients who have been quiet) are forgotten.
const FORGET_QUIET_CLIENTS_ABOVE: usize = 10_000;

#[derive(Clone)]
pub struct RateLimiter {
    rate: PerMinute,
    buckets: Arc<Mutex<HashMap<ClientId, Bucket>>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    pub fn new(rate: PerMinute) -> Self {
        Self {
            rate,
            buckets: Arc::default(),
        }
    }

    /// Takes one request from the client's allowance, or says how long until one is back.
    pub fn check(&self, client: ClientId) -> Result<(), RetryAfter> {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: ClientId, now: Instant) -> Result<(), RetryAfter> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > FORGET_QUIET_CLIENTS_ABOVE {
            buckets.retain(|_, bucket| self.refilled(*bucket, now) < self.rate.capacity());
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.rate.capacity(),
            updated: now,
        });
        bucket.tokens = self.refilled(*bucket, now);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - bucket.tokens) / self.rate.refill_per_second();
        Err(RetryAfter(Duration::from_secs_f64(wait)))
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        (bucket.tokens + elapsed * self.rate.refill_per_second()).min(self.rate.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_minute(n: u32) -> PerMinute {
        PerMinute::new(NonZeroU32::new(n).unwrap())
    }

    fn client(last_octet: u8) -> (ClientIdentifier, ClientId) {
        let identifier = ClientIdentifier::new(false);
        let peer = SocketAddr::from(([192, 0, 2, last_octet], 40000));
        let id = identifier.identify(Some(peer), &HeaderMap::new());
        (identifier, id)
    }

    #[test]
    fn an_ipv6_client_is_its_whole_64_and_a_mapped_ipv4_its_address() {
        let identifier = ClientIdentifier::new(false);
        let id = |address: &str| {
            let peer = SocketAddr::new(address.parse().unwrap(), 40000);
            identifier.identify(Some(peer), &HeaderMap::new())
        };
        assert_eq!(
            id("2001:db8:1:2::1"),
            id("2001:db8:1:2:ffff:ffff:ffff:fffe")
        );
        assert_ne!(id("2001:db8:1:2::1"), id("2001:db8:1:3::1"));
        assert_eq!(id("::ffff:192.0.2.7"), id("192.0.2.7"));
        assert_ne!(id("192.0.2.7"), id("192.0.2.8"));
    }

    #[test]
    fn a_client_gets_its_allowance_then_waits_for_the_refill() {
        let limiter = RateLimiter::new(per_minute(3));
        let (_, id) = client(1);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check_at(id, start), Ok(()));
        }
        let refused = limiter.check_at(id, start).unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(20)));
        assert_eq!(
            limiter.check_at(id, start + Duration::from_secs(20)),
            Ok(())
        );
        assert!(
            limiter
                .check_at(id, start + Duration::from_secs(20))
                .is_err()
        );
    }

    #[test]
    fn clients_have_separate_allowances() {
        let limiter = RateLimiter::new(per_minute(1));
        let identifier = ClientIdentifier::new(false);
        let first = identifier.identify(Some(([192, 0, 2, 1], 1).into()), &HeaderMap::new());
        let second = identifier.identify(Some(([192, 0, 2, 2], 1).into()), &HeaderMap::new());
        let now = Instant::now();
        assert_eq!(limiter.check_at(first, now), Ok(()));
        assert!(limiter.check_at(first, now).is_err());
        assert_eq!(limiter.check_at(second, now), Ok(()));
    }

    #[test]
    fn the_port_does_not_make_a_new_client() {
        let identifier = ClientIdentifier::new(false);
        let a = identifier.identify(Some(([192, 0, 2, 1], 1).into()), &HeaderMap::new());
        let b = identifier.identify(Some(([192, 0, 2, 1], 2).into()), &HeaderMap::new());
        assert_eq!(a, b);
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        let proxy = Some(SocketAddr::from(([10, 0, 0, 1], 1)));
        let trusting = ClientIdentifier::new(true);
        let via_proxy = trusting.identify(proxy, &headers);
        let direct = trusting.identify(Some(([198, 51, 100, 7], 9).into()), &HeaderMap::new());
        assert_eq!(
            via_proxy, direct,
            "the last forwarded address is the client"
        );

        let untrusting = ClientIdentifier::new(false);
        let ignored = untrusting.identify(proxy, &headers);
        let proxy_itself = untrusting.identify(proxy, &HeaderMap::new());
        assert_eq!(
            ignored, proxy_itself,
            "a header a client could set is ignored"
        );
    }

    #[test]
    fn hashes_differ_between_processes_keys() {
        let peer = Some(SocketAddr::from(([192, 0, 2, 1], 1)));
        let a = ClientIdentifier::new(false).identify(peer, &HeaderMap::new());
        let b = ClientIdentifier::new(false).identify(peer, &HeaderMap::new());
        assert_ne!(a, b, "each identifier has its own random key");
    }

    #[test]
    fn quiet_clients_are_forgotten_when_many() {
        let limiter = RateLimiter::new(per_minute(60));
        let identifier = ClientIdentifier::new(false);
        let start = Instant::now();
        for n in 0..=FORGET_QUIET_CLIENTS_ABOVE as u32 {
            let peer = SocketAddr::from((std::net::Ipv4Addr::from(n), 1));
            limiter
                .check_at(identifier.identify(Some(peer), &HeaderMap::new()), start)
                .unwrap();
        }
        let later = start + Duration::from_secs(61);
        let (_, newcomer) = client(1);
        limiter.check_at(newcomer, later).unwrap();
        assert_eq!(limiter.buckets.lock().unwrap().len(), 1);
    }

    #[test]
    fn limits_parse_from_settings() {
        assert_eq!("120".parse::<PerMinute>(), Ok(per_minute(120)));
        assert!("0".parse::<PerMinute>().is_err());
        assert!("lots".parse::<PerMinute>().is_err());
    }
}
