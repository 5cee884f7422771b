//! Security headers on every response (pages, API, static files, 404 and 500 alike),
//! per `reference/security.md`.
//!
//! Pages carry a per-request script nonce: Leptos puts it on its hydration scripts, and
//! [`set_page_csp`] writes the matching policy while the page renders. Every other
//! response gets a policy that allows no scripts at all.

use axum::extract::Request;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// For responses that are not pages: nothing may run or be framed.
const STRICT_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; \
                          base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The policy of a rendered page with this request's nonce. `wasm-unsafe-eval` lets
/// the hydration bundle compile; `strict-dynamic` lets the nonce'd loader import it.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Called while a page renders: sets the page's CSP with the nonce Leptos generated.
pub fn set_page_csp() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce.to_string())) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Adds the fixed headers, and a strict CSP and `no-store` where none was set.
pub async fn headers(request: Request, next: Next) -> Response {
    // Built assets hold no PHI and may be cached (for a year when the name carries the
    // content hash); nothing else may be stored.
    let path = request.uri().path();
    let asset_cache = (path.starts_with("/pkg/") || path == "/favicon.svg").then(|| super::assets::cache_control(path));
    let mut response = next.run(request).await;
    let served = response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let h = response.headers_mut();
    let fixed: [(HeaderName, &str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_CSP));
    }
    match asset_cache {
        Some(cache) if served => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        }
        _ if !h.contains_key(header::CACHE_CONTROL) => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        _ => {}
    }
    response
}

/// `Strict-Transport-Security`, added only when the app is served over HTTPS.
pub async fn hsts(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    response
}

/// Whether a path is one of Leptos's server functions (`/api/{name}`), which live beside
/// the JSON API (`/api/v1/…`) but answer only the app's own pages.
fn is_server_fn(path: &str) -> bool {
    path.strip_prefix("/api/").is_some_and(|rest| rest != "v1" && !rest.starts_with("v1/"))
}

/// The guard of every Leptos server function, ahead of the function itself.
///
/// - Only this site's own pages may call them: the staff loaders reveal queue pages,
///   enrolment secrets and account lists to a cookie, so a cross-site post is refused
///   with the same `Sec-Fetch-Site` / `Origin` check the form posts make.
/// - Arguments that do not decode (`page=-5`) are the client's mistake: Leptos answers
///   those with a 500, which this turns into a 400; the functions' own "unavailable"
///   (the database is away) becomes a 503. Other answers pass through untouched.
pub async fn server_fns(request: Request, next: Next) -> Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    if !is_server_fn(request.uri().path()) {
        return next.run(request).await;
    }
    if !super::browser::same_origin(request.headers()) {
        return (StatusCode::FORBIDDEN, "This request must come from the clinic's own site.").into_response();
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // A server function's error is a short line ("Args|…"); nothing larger is expected.
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let status = if [&b"Args|"[..], b"Deserialization|", b"MissingArg|"].iter().any(|p| bytes.starts_with(p)) {
        StatusCode::BAD_REQUEST
    } else if bytes.starts_with(b"ServerError|unavailable") {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    parts.status = status;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_functions_are_told_apart_from_the_json_api() {
        assert!(super::is_server_fn("/api/staff-queue"));
        assert!(super::is_server_fn("/api/intake-draft"));
        assert!(!super::is_server_fn("/api/v1/intakes"));
        assert!(!super::is_server_fn("/api/v1"));
        assert!(!super::is_server_fn("/staff"));
    }
}
