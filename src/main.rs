//! The `canbao` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    canbao::cli::main()
}
