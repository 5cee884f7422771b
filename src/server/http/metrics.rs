//! `GET /metrics` in the Prometheus text format, who may read it, and the middleware
//! that counts every request by route template (`server::metrics` holds the numbers).
//!
//! Who may read it:
//! - With `METRICS_TOKEN` set: a request with `Authorization: Bearer <token>`, from any
//!   address; nothing else, loopback included.
//! - Without it: only a request whose TCP peer is a loopback address and that carries
//!   no proxy header (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`, `X-Forwarded-Host`,
//!   `X-Forwarded-Proto`). The peer is the socket's, never `X-Forwarded-For` (whatever
//!   `TRUST_FORWARDED_FOR` says): the package's TLS proxy runs on the same machine, so
//!   every outside request reaches the app from loopback too, and only the proxy's
//!   headers tell them apart.
//!
//! Anything else is refused with 403 and an empty-handed body; the log says which rule
//! refused it, never the address or the token.

use super::AppState;
use crate::server::config::MetricsToken;
use crate::server::db::Backend;
use crate::server::metrics::{self as numbers, Backlog, PoolState};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// The Prometheus text exposition format, version 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The longest the backlog queries may take: Prometheus's default scrape timeout is
/// 10 s, and a scrape that answers without them still shows the database is down.
const BACKLOG_TIMEOUT: Duration = Duration::from_secs(3);

/// Headers a reverse proxy adds: a request carrying one came through a proxy, even
/// when its TCP peer is loopback.
const PROXY_HEADERS: [&str; 5] = ["x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host", "x-forwarded-proto"];

/// The middleware: counts each request by method, route template and status, and its
/// latency. The template comes from the router (`MatchedPath`); a request no route
/// matched is `unmatched`. The path itself is never a label: it can hold references,
/// resume tokens and invitation tokens.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = numbers::method_label(request.method());
    // (axum gives a nested router's fallback no `MatchedPath`: the API's 404s are unmatched too.)
    let route = request.extensions().get::<MatchedPath>().map_or(numbers::UNMATCHED, MatchedPath::as_str).to_owned();
    let response = next.run(request).await;
    numbers::request(method, route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// Why a request for `/metrics` is refused (logged as such).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A token is set and the request did not bear it.
    Token,
    /// No token is set and the TCP peer is not a loopback address (or is unknown).
    NotLoopback,
    /// No token is set and the request came through a proxy.
    Proxied,
}

impl Refused {
    fn as_str(self) -> &'static str {
        match self {
            Self::Token => "no valid bearer token",
            Self::NotLoopback => "not from loopback",
            Self::Proxied => "came through a proxy",
        }
    }
}

/// The access rule (see the module's documentation). `peer` is the TCP peer.
pub fn access(token: Option<&MetricsToken>, peer: Option<IpAddr>, headers: &HeaderMap) -> Result<(), Refused> {
    match token {
        Some(token) => {
            let mut values = headers.get_all(header::AUTHORIZATION).iter();
            let bearer = match (values.next(), values.next()) {
                (Some(value), None) => bearer_token(value.as_bytes()),
                _ => None,
            };
            match bearer {
                Some(presented) if token.matches(presented) => Ok(()),
                _ => Err(Refused::Token),
            }
        }
        None => {
            if PROXY_HEADERS.iter().any(|name| headers.contains_key(*name)) {
                Err(Refused::Proxied)
            } else if peer.is_some_and(|ip| ip.to_canonical().is_loopback()) {
                Ok(())
            } else {
                Err(Refused::NotLoopback)
            }
        }
    }
}

/// The credentials of `Bearer <token>` (the scheme is case-insensitive, RFC 6750).
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let space = value.iter().position(|&b| b == b' ')?;
    let (scheme, rest) = value.split_at(space);
    let token = rest.trim_ascii();
    (scheme.eq_ignore_ascii_case(b"bearer") && !token.is_empty()).then_some(token)
}

/// `GET /metrics`: the backlogs read from the database now, the pools' state, and
/// everything counted since the process started.
pub async fn scrape(State(state): State<AppState>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let Err(why) = access(state.settings.metrics_token.as_ref(), peer, request.headers()) {
        tracing::info!(reason = why.as_str(), "metrics request refused");
        return (StatusCode::FORBIDDEN, "Forbidden\n").into_response();
    }
    let backlog = match tokio::time::timeout(BACKLOG_TIMEOUT, backlog(&state)).await {
        Ok(Ok(backlog)) => Some(backlog),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: the backlog queries failed");
            None
        }
        Err(_) => {
            tracing::warn!("metrics: the backlog queries took longer than 3 s");
            None
        }
    };
    let Some(text) = numbers::render(backlog, &pools(&state)) else {
        return (StatusCode::SERVICE_UNAVAILABLE, "no metrics recorder\n").into_response();
    };
    ([(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], text).into_response()
}

/// The outboxes and follow-ups waiting, as the database holds them for every instance.
async fn backlog(state: &AppState) -> Result<Backlog, sqlx::Error> {
    let mails = crate::server::notify::waiting(&state.db).await?;
    let (open_follow_ups, overdue_follow_ups) =
        crate::server::follow_ups::open_and_overdue(&state.db, jiff::Timestamp::now()).await?;
    Ok(Backlog {
        notifications: mails.notifications,
        escalations: mails.escalations,
        patient_mails: mails.patient_mails,
        eligibility_checks: crate::server::eligibility_outbox::waiting(&state.db).await?,
        open_follow_ups,
        overdue_follow_ups,
    })
}

/// This instance's connection pools. SQLite counts rate limits in memory, so its
/// `counters` pool is the app pool and is not listed twice.
fn pools(state: &AppState) -> Vec<PoolState> {
    let db = &state.db;
    let mut pools = vec![("app", &db.pool)];
    let writers = db.detached();
    pools.push(("writers", &writers.pool));
    if db.backend == Backend::Postgres {
        pools.push(("counters", &db.counters));
    }
    pools
        .into_iter()
        .map(|(name, pool)| PoolState {
            name,
            size: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    const LOOPBACK: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn without_a_token_only_loopback_requests_through_no_proxy() {
        assert_eq!(access(None, LOOPBACK, &headers(&[])), Ok(()));
        assert_eq!(access(None, Some("::1".parse().unwrap()), &headers(&[])), Ok(()));
        assert_eq!(access(None, Some("::ffff:127.0.0.1".parse().unwrap()), &headers(&[])), Ok(()));
        assert_eq!(access(None, Some("192.0.2.7".parse().unwrap()), &headers(&[])), Err(Refused::NotLoopback));
        assert_eq!(access(None, None, &headers(&[])), Err(Refused::NotLoopback));
        for name in PROXY_HEADERS {
            assert_eq!(access(None, LOOPBACK, &headers(&[(name, "127.0.0.1")])), Err(Refused::Proxied), "{name}");
        }
    }

    #[test]
    fn with_a_token_only_its_bearer_from_anywhere() {
        let token = MetricsToken::parse("0123456789abcdef0123456789abcdef").unwrap();
        let t = Some(&token);
        let outside = Some("192.0.2.7".parse().unwrap());
        let right = "Bearer 0123456789abcdef0123456789abcdef";
        assert_eq!(access(t, outside, &headers(&[("authorization", right)])), Ok(()));
        assert_eq!(
            access(t, LOOPBACK, &headers(&[("authorization", "bearer 0123456789abcdef0123456789abcdef")])),
            Ok(())
        );
        assert_eq!(access(t, outside, &headers(&[("authorization", right), ("x-forwarded-for", "x")])), Ok(()));
        assert_eq!(access(t, LOOPBACK, &headers(&[])), Err(Refused::Token));
        for wrong in [
            "Bearer 0123456789abcdef0123456789abcdeX",
            "Bearer 0123456789abcdef0123456789abcde",
            "Basic 0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
            "Bearer ",
        ] {
            assert_eq!(access(t, LOOPBACK, &headers(&[("authorization", wrong)])), Err(Refused::Token), "{wrong}");
        }
        assert_eq!(
            access(t, LOOPBACK, &headers(&[("authorization", right), ("authorization", right)])),
            Err(Refused::Token)
        );
    }
}
