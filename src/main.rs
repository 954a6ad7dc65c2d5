//! The `canbao` binary: everything lives in the library.

// The system allocator. mimalloc made a 100k-row import 6% faster, but the TUI held 152 MiB instead of 132 at
// 500k pupils and its slowest keystrokes were slower (README, "Speed").

fn main() -> std::process::ExitCode {
    canbao::cli::main()
}
