//! The `canbao` binary: everything lives in the library.

// An import allocates a few small strings per cell and SQLite copies every bound value: mimalloc makes those
// several times cheaper than the system allocator (measured on a 100k-row import, see benches/).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    canbao::cli::main()
}
