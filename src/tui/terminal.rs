//! Taking the terminal over and giving it back: raw mode, the alternate screen, mouse capture. A `Drop` guard
//! and a panic hook both restore it, so neither an error nor a panic leaves the operator's console unusable.
//! SIGTERM, SIGHUP and SIGINT only raise a flag the screens' loops look at: they end as on `q`, the guard gives
//! the terminal back, and then the process dies of the signal (exit status 128 + signal).

use std::io::stdout;

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Whether canbao's screen is on the terminal's alternate screen now: only then is there a screen of pupils to
/// wipe on leaving it (`restore` also runs where it never was, e.g. a panic before the first frame).
static ON_ALTERNATE_SCREEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The terminal in the state canbao draws in, until dropped.
pub struct TerminalGuard(());

impl TerminalGuard {
    pub fn enter() -> std::io::Result<TerminalGuard> {
        signals::watch()?;
        signals::watch_for_hang_up();
        enable_raw_mode()?;
        let guard = TerminalGuard(());
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
        ON_ALTERNATE_SCREEN.store(true, std::sync::atomic::Ordering::SeqCst);
        // The legacy Windows console has no bracketed paste; pasting then arrives as keys, which works too.
        let _ = execute!(stdout(), EnableBracketedPaste);
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Gives the terminal back. Each step is tried even if an earlier one fails: a half-restored terminal is
/// still better than none.
pub fn restore() {
    let _ = execute!(stdout(), DisableBracketedPaste);
    let _ = execute!(stdout(), DisableMouseCapture);
    // Wiped before it is left: a terminal that grew while canbao ran (tmux 3.3 does this) copies the rows drawn
    // wider than the old size onto the shell's own screen, where pupils' names and classes stayed after exit.
    if ON_ALTERNATE_SCREEN.swap(false, std::sync::atomic::Ordering::SeqCst) {
        let _ = execute!(stdout(), Clear(ClearType::All));
    }
    let _ = execute!(stdout(), LeaveAlternateScreen);
    let _ = execute!(stdout(), Show);
    let _ = disable_raw_mode();
}

/// Ctrl-z: the terminal is given back and canbao stops as a job of the shell (SIGTSTP), as programs in a
/// terminal do, until `fg` takes it over again; then the screen is drawn whole at the window's size then
/// (`runner`). The screen's own writes are done between two keys; a job (an import, a merge) running on its
/// worker stops with the process, its transaction open and the drive locked until `fg`, and then goes on, as
/// after any pause of the machine. Started with no shell to resume it (the
/// process group orphaned, as in a window of its own), the kernel discards the signal and canbao goes on at
/// once. Elsewhere (Windows) nothing stops: false.
pub fn suspend() -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        restore();
        // SAFETY: raise only sends the calling thread a signal; its default action stops the process.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
        ON_ALTERNATE_SCREEN.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = execute!(stdout(), EnableBracketedPaste);
        Ok(true)
    }
    #[cfg(not(unix))]
    {
        Ok(false)
    }
}

/// Restores the terminal before the panic message is printed, so the message is readable.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::io::table::containing_panic() {
            return; // Caught and reported as a damaged file; the screen stays as it is.
        }
        restore();
        previous(info);
    }));
}

/// The exit status of a screen left with Ctrl-c while its job was stopped: the command line's for a command Ctrl-C
/// stopped (`cli::interrupt::exit_status`), 128 + SIGINT, so the shell or a script sees the work was cut off.
pub const CTRL_C_STATUS: i32 = 128 + 2;

/// Whether a signal asked the process to end: the screens' loops stop when it did.
pub fn stop_requested() -> bool {
    signals::received().is_some()
}

/// Dies of the signal that stopped the screen, if one did, now that the terminal is given back; returns
/// otherwise. The caller has closed what it holds open: every write is a transaction, so none is half done.
pub fn exit_if_signalled() {
    signals::exit_if_received();
}

#[cfg(unix)]
mod signals {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

    /// The signal received, 0 for none. Shared by every handler; registered once per process.
    static RECEIVED: std::sync::OnceLock<Arc<AtomicUsize>> = std::sync::OnceLock::new();

    pub fn watch() -> std::io::Result<()> {
        if RECEIVED.get().is_some() {
            return Ok(());
        }
        let flag = Arc::new(AtomicUsize::new(0));
        let _ = COOKED.set(cooked_terminal());
        // A second signal ends the process at once: the loop may be busy, and the sender insists. It gives the
        // terminal back first, from inside the handler, or the shell it returns to would echo nothing.
        let once = Arc::new(AtomicBool::new(false));
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            let once = Arc::clone(&once);
            // SAFETY: the action only swaps an atomic, and on the second signal calls write(2), tcsetattr(3)
            // and _exit(2), all async-signal-safe; COOKED is set before the handler is registered.
            unsafe {
                signal_hook::low_level::register(signal, move || {
                    if once.swap(true, Ordering::SeqCst) {
                        give_back_from_handler();
                        signal_hook::low_level::exit(128 + signal);
                    }
                })?;
            }
            signal_hook::flag::register_usize(signal, Arc::clone(&flag), signal as usize)?;
        }
        let _ = RECEIVED.set(flag);
        Ok(())
    }

    /// The terminal's settings before raw mode, and the descriptor they were read from.
    static COOKED: std::sync::OnceLock<Option<(i32, libc::termios)>> = std::sync::OnceLock::new();

    fn cooked_terminal() -> Option<(i32, libc::termios)> {
        [libc::STDIN_FILENO, libc::STDOUT_FILENO].into_iter().find_map(|fd| {
            // SAFETY: tcgetattr writes into the zeroed termios only when it returns 0.
            unsafe {
                let mut termios: libc::termios = std::mem::zeroed();
                (libc::isatty(fd) == 1 && libc::tcgetattr(fd, &mut termios) == 0).then_some((fd, termios))
            }
        })
    }

    /// `restore` in what a signal handler may call: the escape sequences crossterm writes to leave bracketed
    /// paste, mouse capture and the alternate screen and to show the cursor, then the settings before raw mode.
    fn give_back_from_handler() {
        const GIVE_BACK: &[u8] =
            b"\x1b[?2004l\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?1049l\x1b[?25h";
        // The screen wiped first, as `restore` does, and only while it is canbao's.
        const WIPE: &[u8] = b"\x1b[2J";
        let wipe = super::ON_ALTERNATE_SCREEN.swap(false, std::sync::atomic::Ordering::SeqCst);
        // SAFETY: write(2) and tcsetattr(3) are async-signal-safe; the buffer and termios outlive the calls.
        unsafe {
            if wipe {
                let _ = libc::write(libc::STDOUT_FILENO, WIPE.as_ptr().cast(), WIPE.len());
            }
            let _ = libc::write(libc::STDOUT_FILENO, GIVE_BACK.as_ptr().cast(), GIVE_BACK.len());
            if let Some(Some((fd, termios))) = COOKED.get() {
                let _ = libc::tcsetattr(*fd, libc::TCSANOW, termios);
            }
        }
    }

    /// A terminal closed under the screen (its window shut, the SSH link dropped) is hung up: reading it
    /// returns nothing at once, for ever, and crossterm's wait for a key spins on it without coming back to the
    /// loop that would see the SIGHUP that came with it (or that never came: a screen started from a script
    /// is not always the terminal's foreground). A watcher ends the process once its input is no longer a
    /// terminal: nothing can be shown any more, and every write is a transaction, so ending here is what a
    /// SIGKILL would do and the drive is whole (the OS frees the drive's lock with the process).
    pub fn watch_for_hang_up() {
        use std::io::IsTerminal;
        static WATCHING: AtomicBool = AtomicBool::new(false);
        if !std::io::stdin().is_terminal() || WATCHING.swap(true, Ordering::SeqCst) {
            return;
        }
        let _ = std::thread::Builder::new().name("hang-up".into()).spawn(|| {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(500));
                if !std::io::stdin().is_terminal() {
                    std::process::exit(128 + SIGHUP);
                }
            }
        });
    }

    pub fn received() -> Option<i32> {
        let signal = RECEIVED.get()?.load(Ordering::SeqCst);
        (signal != 0).then(|| i32::try_from(signal).ok()).flatten()
    }

    pub fn exit_if_received() {
        if let Some(signal) = received() {
            // The default action (end the process) for the signal, so the parent sees it as usual.
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    }
}

#[cfg(not(unix))]
mod signals {
    pub fn watch() -> std::io::Result<()> {
        Ok(())
    }

    pub fn watch_for_hang_up() {}

    pub fn received() -> Option<i32> {
        None
    }

    pub fn exit_if_received() {}
}
