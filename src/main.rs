//! The `pain-intake` binary: parse the command line, then run one subcommand.

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    return_large_blocks_to_the_system();
    pain_intake::server::cli::run()
}

/// glibc raises its mmap threshold to the size of the largest block freed, so after the
/// first sign-in every 19 MiB argon2 block came from a thread's heap and stayed there: a
/// burst of sign-ins took the server from 52 to 150 MB (BENCHMARKS.md). A fixed threshold
/// keeps blocks of 4 MiB and more on mmap, so freeing one gives the memory back.
#[cfg(feature = "ssr")]
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no binary; see `hydrate` in lib.rs.
}
