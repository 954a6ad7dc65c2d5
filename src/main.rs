//! The `canbao` binary: everything lives in the library.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The system allocator. mimalloc made a 100k-row import 6% faster, but the TUI held 152 MiB instead of 132 at
// 500k pupils and its slowest keystrokes were slower (README, "Speed").

fn main() -> std::process::ExitCode {
    // SIGPIPE stays ignored (Rust's default): a reader that goes away (`canbao import … | head -1`) must not kill
    // the process between its commit and the checkpoint that puts the save into the .db itself. The command
    // line's printing treats a closed stdout as "stop printing" (`cli::out`).
    canbao::cli::main()
}
