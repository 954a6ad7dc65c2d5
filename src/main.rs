//! The `canbao` binary: everything lives in the library.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The system allocator. mimalloc made a 100k-row import 6% faster, but the TUI held 152 MiB instead of 132 at
// 500k pupils and its slowest keystrokes were slower (README, "Speed").

fn main() -> std::process::ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`canbao find 王 | head -1`) panicked with a
    // backtrace. With the default action the process ends quietly when the reader has gone, as `ls` does.
    #[cfg(unix)]
    // SAFETY: called before any other thread exists; it only sets this process's disposition of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    canbao::cli::main()
}
