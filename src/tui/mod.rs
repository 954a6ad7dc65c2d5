//! The operator's screen: a ratatui app over the drive's `Store`.
//!
//! Keys become [`Action`]s through the [`keymap`] (data, `data/keymap.toml`); only [`App::update`] changes
//! state; [`views::draw`] reads it. The event loop ([`runner`]) is generic over the ratatui backend so tests
//! drive it on `TestBackend`. Imports and exports run on a worker thread ([`jobs`]).

pub mod action;
mod add_pupil;
pub mod app;
mod benefit_place;
mod commands;
pub mod county;
mod dashboard;
mod detail_history;
mod dialogs;
mod due;
mod follow;
pub mod identity;
pub mod input;
pub mod jobs;
pub mod keymap;
pub mod layout;
mod marking;
pub mod modal;
pub mod palette;
mod paths;
pub mod picker;
pub mod roster;
mod roster_page;
pub mod roster_view;
pub mod runner;
mod take_over;
pub mod terminal;
#[cfg(test)]
pub(crate) mod test_support;
pub mod text;
pub mod theme;
mod transfer;
mod undo;
pub mod views;
mod years;

use std::path::PathBuf;

pub use action::Action;
pub use app::App;
pub use due::POLICY_META_KEY;

use crate::store::Store;

pub use crate::words::Language;

/// How the TUI was asked to start.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Language,
    /// A builtin theme (default, light, high-contrast), a theme in `<config_dir>/themes/`, or a .toml path.
    pub theme: Option<String>,
    /// Skips the first-run question for the operator's name.
    pub operator: Option<String>,
    /// Where `keymap.toml`, `themes/` and `policies/` overrides live.
    pub config_dir: Option<PathBuf>,
    /// Opened read-only because another window was writing the drive: the one case where taking over the
    /// writing (`W`) is offered once that window closes. A window opened `--read-only` by choice, on an earlier
    /// year, or behind a slow clock is never offered it.
    pub read_only_for_another_window: bool,
    /// Started with `--accept-clock`: a clock behind the drive's newest change was accepted, for the window's
    /// taking over the writing (`W`) too.
    pub accept_clock: bool,
    /// What opening the drive did that the operator must hear of (a drive others could read, narrowed to its
    /// owner), bilingual: the status line says it, as stderr would be drawn over.
    pub said_at_opening: Option<String>,
}

/// Runs the TUI until the operator quits. Configuration errors (a bad theme or keymap file) are returned
/// before the terminal is touched, so they print normally.
/// `lock` is the drive's, held until the TUI ends.
pub fn run(
    store: Store,
    options: Options,
    lock: Option<crate::store::lock::DriveLock>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new(store, &options)?;
    if let Some(lock) = lock {
        app.hold_drive_lock(lock);
    }
    // no-color.org: a NO_COLOR that is set and not empty asks for no colour, whatever the theme.
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        app.theme = app.theme.clone().without_colour();
    }
    terminal::install_panic_hook();
    let guard = terminal::TerminalGuard::enter()?;
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let result = match ratatui::Terminal::new(backend) {
        Ok(mut t) => runner::run_loop(&mut t, &mut app, &mut runner::TerminalEvents),
        Err(e) => Err(e.into()),
    };
    drop(guard);
    // Left with Ctrl-c while a job ran: what became of it is said on the terminal given back, as a command Ctrl-C
    // stopped says it. A signal's end says nothing: the process dies of it.
    let left = app.left_job_said().filter(|_| !terminal::stop_requested());
    if let Some((said, _)) = &left {
        eprintln!("{said}");
    }
    // Left at a Ctrl-c while a job's transaction was still open (`runner::stop_job_before_leaving`): the process
    // ends here, holding the drive's lock to the last, and the transaction ends with it, never committed.
    if app.jobs.running().is_some() && !terminal::stop_requested() {
        std::process::exit(left.map_or(terminal::CTRL_C_STATUS, |(_, status)| status));
    }
    if terminal::stop_requested() || left.as_ref().is_some_and(|(_, status)| *status != 0) {
        drop(app);
        terminal::exit_if_signalled();
    }
    // The drive is closed (its lock let go with the app): the work stopped ends the process as Ctrl-C does.
    if let Some((_, status)) = left.filter(|(_, status)| *status != 0) {
        std::process::exit(status);
    }
    result
}
