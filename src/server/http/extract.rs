//! Request extractors for the JSON API: the reader's language, the client address, and
//! a JSON body read within the size limit with contract-shaped errors.

use super::error::{ApiError, Failure};
use super::AppState;
use crate::domain::intake::Locale;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use std::net::SocketAddr;

/// The language for messages, from `Accept-Language`.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(Self(Locale::from_accept_language(header)))
    }
}

/// The client's address, for rate limits: the socket peer, or the first
/// `X-Forwarded-For` entry when the app is configured to trust its proxy.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(client_of(parts, state.settings.trust_forwarded_for)))
    }
}

/// The client address of a request (see `ClientAddr`).
pub fn client_of(parts: &Parts, trust_forwarded_for: bool) -> String {
    {
        if trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            if let Some(addr) = forwarded {
                return addr;
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        peer.unwrap_or_else(|| "unknown".to_owned())
    }
}

/// One multipart field's bytes, or `None` as soon as it is larger than `max` (or the
/// body limit cut it off, or the connection broke): nothing beyond `max` is buffered.
pub async fn read_field(field: &mut axum::extract::multipart::Field<'_>, max: usize) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if data.len() + chunk.len() <= max => data.extend_from_slice(&chunk),
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) => return Some(data),
        }
    }
}

/// A JSON body as a generic value, ready for the domain's decoders.
#[derive(Debug)]
pub struct JsonBody(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let header = req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let locale = Locale::from_accept_language(header);
        // Requiring a JSON content type means a cross-site HTML form cannot post here
        // without a CORS preflight.
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType.in_locale(locale));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge.in_locale(locale)
            } else {
                ApiError::Malformed.in_locale(locale)
            }
        })?;
        serde_json::from_slice(&bytes).map(Self).map_err(|_| ApiError::Malformed.in_locale(locale))
    }
}
