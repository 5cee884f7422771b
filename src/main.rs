//! The `pain-intake` binary: parse the command line, then run one subcommand.

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    pain_intake::server::cli::run()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no binary; see `hydrate` in lib.rs.
}
