//! Ctrl-C (SIGINT) or SIGTERM while a command does its work in one transaction (an import): the signal only
//! raises a flag, the store's statements stop on it (`Store::stop_when`) and the transaction rolls back, and
//! the command says that nothing was written, where the process used to die without a word. A second signal
//! ends the process at once, as the sender insists; the transaction is rolled back all the same (SQLite's log).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The flag a signal raises, for `Store::stop_when`: from now on a signal stops the work instead of the
/// process.
pub(super) fn watch() -> Arc<AtomicBool> {
    signals::watch()
}

/// The signal that stopped the work, if one did.
pub(super) fn received() -> Option<i32> {
    signals::received()
}

/// The exit status of a command a signal stopped: 128 + the signal, as a shell reports a process the signal
/// ended, so a script sees it was stopped and not refused.
pub(super) fn exit_status() -> Option<u8> {
    received().and_then(|signal| u8::try_from(128 + signal).ok())
}

/// Whether the signal was Ctrl-C (SIGINT), which the message names as the operator pressed it.
pub(super) fn was_ctrl_c() -> bool {
    signals::was_ctrl_c()
}

#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, OnceLock};

    use signal_hook::consts::{SIGINT, SIGTERM};

    /// The flag the store watches, and the signal received (0 for none). Registered once per process.
    static WATCHED: OnceLock<(Arc<AtomicBool>, Arc<AtomicUsize>)> = OnceLock::new();

    pub fn watch() -> Arc<AtomicBool> {
        let (stop, _) = WATCHED.get_or_init(|| {
            let stop = Arc::new(AtomicBool::new(false));
            let which = Arc::new(AtomicUsize::new(0));
            for signal in [SIGINT, SIGTERM] {
                // Registered in this order, the second signal finds `stop` already set and ends the process.
                let registered =
                    signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&stop))
                        .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
                        .and_then(|_| signal_hook::flag::register_usize(signal, Arc::clone(&which), signal as usize));
                // Not registered (no more handlers to be had): the signal ends the process as before.
                let _ = registered;
            }
            (stop, which)
        });
        Arc::clone(stop)
    }

    pub fn received() -> Option<i32> {
        let signal = WATCHED.get()?.1.load(Ordering::SeqCst);
        (signal != 0).then(|| i32::try_from(signal).ok()).flatten()
    }

    pub fn was_ctrl_c() -> bool {
        received() == Some(SIGINT)
    }
}

#[cfg(not(unix))]
mod signals {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    // Ctrl-C on Windows ends the process as before; SQLite rolls the transaction back when the drive is next
    // opened.
    pub fn watch() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    pub fn received() -> Option<i32> {
        None
    }

    pub fn was_ctrl_c() -> bool {
        false
    }
}
