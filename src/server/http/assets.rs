//! The built assets' names and cache lifetimes.
//!
//! cargo-leptos (`hash-files = true`) puts a content hash in the names of the CSS, JS and
//! WASM files and lists the hashes in `hash.txt` next to the server binary; a release
//! build with `--precompress` also writes `.br` and `.gz` copies, which the static file
//! service sends to browsers that accept them. A hashed name never changes content, so
//! those files may be cached for a year; a new build gets new names.

use std::sync::OnceLock;

/// Where cargo-leptos writes the hashes: beside the executable.
const HASH_FILE: &str = "hash.txt";

/// The build's name (`output-name` in Cargo.toml): `pkg/pain-intake.css` and so on.
pub const OUTPUT_NAME: &str = "pain-intake";

/// The folder of the built CSS, JS and WASM inside the site root (`site-pkg-dir`).
pub const PKG_DIR: &str = "pkg";

/// `Cache-Control` of a file whose name carries its content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of other static files (the favicon, unhashed development builds).
pub const SHORT: &str = "public, max-age=3600";

/// The hashes of this build (`css`, `js`, `wasm` lines of `hash.txt`), if it has them.
fn hashes() -> &'static Option<String> {
    static HASHES: OnceLock<Option<String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        std::fs::read_to_string(exe.parent()?.join(HASH_FILE)).ok()
    })
}

/// Whether this build's asset names carry hashes (Leptos's `hash_files` option).
pub fn hashed() -> bool {
    hashes().is_some()
}

/// The hash of one kind of asset, from `hash.txt` lines like `css: 3tTk…`.
fn hash_of(kind: &str) -> Option<&'static str> {
    hashes().as_deref()?.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == kind).then(|| v.trim())
    })
}

/// The stylesheet's URL, e.g. `/pkg/pain-intake.3tTk….css`.
pub fn stylesheet_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/{}", package_files()[0]))
}

/// The built files every page names, relative to the site root: the stylesheet, the
/// island loader's script and its WASM (`pkg/pain-intake.css`, `pkg/pain-intake.js`,
/// `pkg/pain-intake_bg.wasm`, or with this build's hashes in the names). The script and
/// WASM names follow Leptos's `HydrationScripts`: hashed names when `hash.txt` is there,
/// otherwise wasm-bindgen's `_bg` suffix on the WASM.
pub fn package_files() -> [String; 3] {
    let named = |kind: &str, unhashed: &str| match (hashed(), hash_of(kind)) {
        (true, Some(hash)) => format!("{PKG_DIR}/{OUTPUT_NAME}.{hash}.{kind}"),
        (true, None) => format!("{PKG_DIR}/{OUTPUT_NAME}.{kind}"),
        (false, _) => format!("{PKG_DIR}/{OUTPUT_NAME}{unhashed}.{kind}"),
    };
    [named("css", ""), named("js", ""), named("wasm", "_bg")]
}

/// The cache lifetime for a static file path, by whether its name carries a hash:
/// `name.<22 characters of base64url MD5>.ext`.
pub fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.split('.');
    let hashed = parts
        .nth(1)
        .is_some_and(|h| h.len() == 22 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    if hashed && path.starts_with("/pkg/") {
        IMMUTABLE
    } else {
        SHORT
    }
}

/// Leptos's island loader (`HydrationScripts`: the JS and WASM preloads and the script
/// that hydrates the islands) for this build, with `nonce` in it.
///
/// `HydrationScripts` finds the executable and reads `hash.txt` on every page, three file
/// system calls that were 4% of the wizard's CPU under load (BENCHMARKS.md, third round).
/// Its output differs between pages only by the nonce, so it is rendered once, with a
/// random nonce that is then cut out, and each page joins the pieces with its own. The
/// options are the same for the life of the process, so the first call's are kept.
pub fn island_loader(options: &leptos::prelude::LeptosOptions, nonce: &str) -> String {
    static PIECES: OnceLock<Vec<String>> = OnceLock::new();
    PIECES.get_or_init(|| loader_pieces(options)).join(nonce)
}

fn loader_pieces(options: &leptos::prelude::LeptosOptions) -> Vec<String> {
    use leptos::hydration::HydrationScripts;
    use leptos::prelude::*;
    Owner::new().with(|| {
        let nonce = Nonce::new();
        provide_context(nonce.clone());
        let html = view! { <HydrationScripts options=options.clone() islands=true /> }.to_html();
        html.split(&*nonce).map(str::to_owned).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_pkg_files_are_immutable() {
        assert_eq!(cache_control("/pkg/pain-intake.AbCdEfGhIjKlMnOpQrStUv.wasm"), IMMUTABLE);
        assert_eq!(cache_control("/pkg/pain-intake.Ab-dEfGhIjKl_nOpQrStUv.css"), IMMUTABLE);
        assert_eq!(cache_control("/pkg/pain-intake.css"), SHORT);
        assert_eq!(cache_control("/pkg/pain-intake.short.js"), SHORT);
        assert_eq!(cache_control("/favicon.svg"), SHORT);
        assert_eq!(cache_control("/elsewhere.AbCdEfGhIjKlMnOpQrStUv.css"), SHORT);
    }
}
