//! The `pain-intake` binary: parse the command line, then run one subcommand.

/// mimalloc instead of glibc's malloc. Under load the tokio workers freed each other's
/// blocks and waited on glibc's arena locks; mimalloc frees across threads without a lock,
/// and the wizard and the staff queue used a quarter less CPU per request (BENCHMARKS.md,
/// third round).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    return_freed_memory_at_once();
    pain_intake::server::cli::run()
}

/// mimalloc keeps freed pages for 10 ms by default before giving them back. A burst of
/// sign-ins (19 MiB of argon2 memory each) or of 64 connections then held on to memory
/// the process no longer used; with no delay the server stays inside its 100 MB budget.
#[cfg(feature = "ssr")]
fn return_freed_memory_at_once() {
    // `mi_option_purge_delay` in mimalloc.h (the same position in v2 and v3); the Rust
    // bindings name no constant for it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: mi_option_set only changes allocator tuning; it is called before any
    // thread starts (the function is not thread-safe).
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0)
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no binary; see `hydrate` in lib.rs.
}
