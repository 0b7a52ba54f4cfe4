//! The `ipdr` binary.
fn main() -> std::process::ExitCode {
    ipdr_api::cli::main()
}
