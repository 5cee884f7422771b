//! The `pain-intake` binary: parse the command line, then run one subcommand.

/// mimalloc instead of glibc malloc: less CPU per request and memory given back instead
/// of kept in per-thread arenas (measured in BENCHMARKS.md).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    pain_intake::server::cli::run()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no binary; see `hydrate` in lib.rs.
}
