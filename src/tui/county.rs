//! `canbao --from URL`: the county's dashboard in the terminal, read-only, refreshed every few seconds so pushes
//! show up as they arrive. It reads through a function it is given and never writes anything.

use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use super::views::county::{CountyScreen, draw};
use super::{Options, terminal};
use crate::county::Rollup;

/// How often the roll-up is read again.
pub const REFRESH: Duration = Duration::from_secs(5);

fn now() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// Runs until the operator quits. `fetch` reads the roll-up; its first failure is returned before the terminal
/// is touched, later ones are shown while the last figures stay on screen.
pub fn run(
    mut fetch: impl FnMut() -> Result<Rollup, String>,
    options: &Options,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut theme = super::theme::Theme::load(options.theme.as_deref(), options.config_dir.as_deref())?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_colour();
    }
    let mut screen = CountyScreen { rollup: fetch()?, refreshed: now(), error: None, offset: 0, lang: options.lang };
    terminal::install_panic_hook();
    let guard = terminal::TerminalGuard::enter()?;
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let mut term = ratatui::Terminal::new(backend)?;
    let mut last = Instant::now();
    loop {
        term.draw(|f| draw(f, f.area(), &screen, &theme))?;
        let mut refresh = last.elapsed() >= REFRESH;
        if event::poll(Duration::from_millis(250))?
            && let Event::Key(key) = event::read()?
            && key.kind != KeyEventKind::Release
        {
            let schools = screen.rollup.schools.len();
            match key.code {
                KeyCode::Char('q') | KeyCode::Esc => break,
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => break,
                KeyCode::Up | KeyCode::Char('k') => screen.offset = screen.offset.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    screen.offset = (screen.offset + 1).min(schools.saturating_sub(1))
                }
                KeyCode::PageUp => screen.offset = screen.offset.saturating_sub(10),
                KeyCode::PageDown => screen.offset = (screen.offset + 10).min(schools.saturating_sub(1)),
                KeyCode::Char('r') => refresh = true,
                _ => {}
            }
        }
        if refresh {
            match fetch() {
                Ok(r) => {
                    screen.rollup = r;
                    screen.error = None;
                    screen.refreshed = now();
                }
                Err(e) => screen.error = Some(e),
            }
            last = Instant::now();
        }
    }
    drop(guard);
    Ok(())
}
