//! Gzip for rendered pages, with one deflate stream per thread reused from page to page.
//!
//! tower-http's compression layer builds a new deflate stream for every response. A
//! stream is about 300 KB of tables that are allocated, zeroed, faulted in and freed
//! again each time, and under load that cost as much CPU as compressing the page itself
//! (BENCHMARKS.md, third round). Pages are small and rendered in full before they are
//! sent, so this layer collects a page, compresses it with the thread's stream at gzip's
//! fastest level (the same output size as before) and resets the stream for the next one.
//! Every other response (JSON, CSV, static files) still goes through tower-http's layer,
//! which leaves alone a response that already has a `Content-Encoding`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use std::cell::RefCell;

/// Pages shorter than this are sent as they are: gzip's framing would outweigh the gain.
const MIN_SIZE: usize = 256;

/// The gzip member header (RFC 1952): deflate, no name or time, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

thread_local! {
    /// This thread's deflate stream, made on first use and reset after each page.
    static DEFLATE: RefCell<Option<Compress>> = const { RefCell::new(None) };
}

/// The middleware: gzips an HTML response when the client accepts gzip.
pub async fn pages(request: Request, next: Next) -> Response {
    let gzip = accepts_gzip(request.headers());
    let response = next.run(request).await;
    if !gzip || !is_html(response.headers()) || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The body is a page this server rendered, not client input, so it is read whole.
    let page = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(page) => page,
        Err(error) => {
            tracing::error!(%error, "a page could not be rendered to the end");
            return super::internal_error_page();
        }
    };
    let compressed = (page.len() >= MIN_SIZE).then(|| gzip_bytes(&page)).flatten();
    let Some(compressed) = compressed else {
        return Response::from_parts(parts, Body::from(page));
    };
    let h = &mut parts.headers;
    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    h.remove(header::CONTENT_LENGTH);
    let varies = h
        .get_all(header::VARY)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.split(',').any(|n| n.trim().eq_ignore_ascii_case("accept-encoding"))));
    if !varies {
        h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    Response::from_parts(parts, Body::from(compressed))
}

/// Whether `Accept-Encoding` lists gzip with a weight above zero.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut params = item.split(';');
            let coding = params.next().unwrap_or_default().trim();
            (coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip"))
                && params.map(str::trim).all(|p| match p.strip_prefix("q=").or(p.strip_prefix("Q=")) {
                    Some(q) => q.trim().parse::<f32>().is_ok_and(|q| q > 0.0),
                    None => true,
                })
        },
    )
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

/// `input` as one gzip member, with this thread's deflate stream; `None` if deflate failed
/// (the page is then sent uncompressed).
fn gzip_bytes(input: &[u8]) -> Option<Vec<u8>> {
    DEFLATE.with(|slot| match slot.try_borrow_mut() {
        Ok(mut kept) => gzip_with(kept.get_or_insert_with(new_stream), input),
        // A page is compressed without awaiting, so the slot is never borrowed twice; if
        // it were, a fresh stream does the job.
        Err(_) => gzip_with(&mut new_stream(), input),
    })
}

/// Frames the deflate of `input` as gzip, leaving `stream` reset for the next page.
fn gzip_with(stream: &mut Compress, input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(GZIP_HEADER.len() + input.len() / 3 + 64);
    out.extend_from_slice(&GZIP_HEADER);
    let deflated = deflate_into(stream, input, &mut out);
    stream.reset();
    deflated.ok()?;
    let mut crc = Crc::new();
    crc.update(input);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952).
    out.extend_from_slice(&(input.len() as u32).to_le_bytes());
    Some(out)
}

fn new_stream() -> Compress {
    // Raw deflate: the gzip framing is written around it.
    Compress::new(Compression::fast(), false)
}

/// Deflates all of `input` onto the end of `out`, growing it as needed.
fn deflate_into(stream: &mut Compress, input: &[u8], out: &mut Vec<u8>) -> Result<(), flate2::CompressError> {
    let start = stream.total_in();
    loop {
        let consumed = usize::try_from(stream.total_in() - start).unwrap_or(input.len()).min(input.len());
        out.reserve((input.len() - consumed) / 2 + 1024);
        match stream.compress_vec(&input[consumed..], out, FlushCompress::Finish)? {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        h
    }

    #[test]
    fn gzip_is_accepted_only_when_listed_with_a_weight() {
        for yes in ["gzip", "br, gzip", "gzip;q=0.5, br", "deflate, GZIP", "x-gzip", "br;q=1, gzip; q=0.1"] {
            assert!(accepts_gzip(&headers(yes)), "{yes}");
        }
        for no in ["br", "identity", "gzip;q=0", "gzip; q=0.000", "gzip;q=nonsense", "gzipped", ""] {
            assert!(!accepts_gzip(&headers(no)), "{no}");
        }
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn pages_round_trip_through_a_reused_stream() {
        // Three pages of different sizes through the same thread's stream: each one must
        // decode to exactly its input, so nothing of one page leaks into the next.
        let pages = [
            "<!DOCTYPE html><p>first</p>".repeat(40),
            "<p>a second, longer page</p>".repeat(5_000),
            "<p>third</p>".repeat(30),
        ];
        for page in &pages {
            let gz = gzip_bytes(page.as_bytes()).expect("deflate works");
            assert!(gz.len() < page.len(), "compressed");
            let mut decoded = String::new();
            flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut decoded).expect("valid gzip");
            assert_eq!(&decoded, page);
            // One member, ending with the CRC and length a strict decoder checks.
            assert_eq!(&gz[gz.len() - 4..], &(page.len() as u32).to_le_bytes());
        }
    }

    #[test]
    fn only_html_is_taken() {
        let mut h = HeaderMap::new();
        assert!(!is_html(&h));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert!(!is_html(&h));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("Text/HTML; charset=utf-8"));
        assert!(is_html(&h));
    }
}
