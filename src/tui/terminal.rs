//! Taking the terminal over and giving it back: raw mode, the alternate screen, mouse capture. A `Drop` guard
//! and a panic hook both restore it, so neither an error nor a panic leaves the operator's console unusable.

use std::io::stdout;

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};

/// The terminal in the state canbao draws in, until dropped.
pub struct TerminalGuard(());

impl TerminalGuard {
    pub fn enter() -> std::io::Result<TerminalGuard> {
        enable_raw_mode()?;
        let guard = TerminalGuard(());
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
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
    let _ = execute!(stdout(), LeaveAlternateScreen);
    let _ = execute!(stdout(), Show);
    let _ = disable_raw_mode();
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
