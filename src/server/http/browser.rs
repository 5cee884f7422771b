//! What requests from the app's own pages share: the same-origin check of every form
//! post and server function, cookies, the page language, and 303 redirects that go only
//! to paths on this site.

use crate::domain::intake::Locale;
use axum::http::header::{COOKIE, HOST, LOCATION, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The cookie that remembers the chosen language for a year.
pub const LANG_COOKIE: &str = "lang";

/// A 303 to a local page, with optional cookies.
pub fn see_other(to: &str, cookies: &[String]) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response();
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    response
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// Refuses form posts from other sites: the browser says where a request comes from in
/// `Sec-Fetch-Site` (or at least `Origin`); either must name this site when present.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (headers.get(ORIGIN).and_then(|v| v.to_str().ok()), headers.get(HOST).and_then(|v| v.to_str().ok())) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The language a request asks for: the cookie wins over the browser's preference.
pub fn locale_of_request(headers: &HeaderMap) -> Locale {
    let from_cookie = cookie(headers, LANG_COOKIE).and_then(|value| Locale::parse(&value));
    from_cookie.unwrap_or_else(|| {
        let header = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Locale::from_accept_language(header)
    })
}

/// `path` if it is a path on this site, for a redirect; `None` for anything a browser
/// could take elsewhere. Browsers drop tabs and newlines inside a URL and read `\` as
/// `/`, so `/\t/evil.example` becomes `//evil.example`, another host: only printable
/// ASCII is accepted, starting with one `/` and no `\` anywhere.
pub fn local_path(path: &str) -> Option<&str> {
    let printable = path.bytes().all(|b| b.is_ascii_graphic());
    let rooted = path.starts_with('/') && !path.starts_with("//");
    (printable && rooted && !path.contains('\\')).then_some(path)
}
