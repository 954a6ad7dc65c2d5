//! Drawing: reads the app, never changes it. One file per screen, plus the dialogs and shared pieces.

mod cells;
mod chrome;
pub mod county;
mod dashboard;
mod detail;
mod help;
mod modal;
mod roster;

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Screen};
use super::layout;
use super::modal::Modal;

pub use cells::{fit, truncate};
/// The title bar alone, for a window narrower than the screens allow (a split terminal, a tiled pane).
pub use chrome::title_bar;
pub(crate) use detail::{history_pages, value_label};
pub(crate) use roster::areas as roster_areas;

/// Draws the whole screen for the app's current state.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(ratatui::widgets::Block::default().style(app.theme.base()), area);
    if layout::too_small(area) {
        let text = app.too_small_notice(area.width, area.height);
        frame.render_widget(Paragraph::new(Line::from(text)).wrap(Wrap { trim: true }).style(app.theme.base()), area);
        return;
    }
    match app.screen {
        Screen::Roster => roster::draw(frame, app, area),
        Screen::Detail => detail::draw(frame, app, area),
        Screen::Dashboard => dashboard::draw(frame, app, area),
    }
    match &app.modal {
        Some(Modal::Help { offset }) => help::draw(frame, app, area, *offset),
        // The file picker stays above the status line and the footer: what its keys did and the screen's keys
        // stay in sight, and no row of it is drawn over them.
        Some(m @ Modal::Files(_)) => modal::draw(frame, app, above_status(app, area), m),
        Some(m) => {
            modal::draw(frame, app, area, m);
            // A box as tall as the screen allows (a merge's preview, back from its question) covers the status
            // line, which says what the last key did there (No: 已取消，未作修改) and was read cut to its first
            // words: drawn again over the box's last row, which is blank.
            if matches!(m, Modal::Message(_) | Modal::MergePreview { .. } | Modal::ReconcilePreview { .. }) {
                chrome::status_line(frame, app, status_area(app, area));
            }
        }
        None => {}
    }
}

/// The status line's row on the screen drawn, as the screen draws it.
fn status_area(app: &App, area: ratatui::layout::Rect) -> ratatui::layout::Rect {
    match app.screen {
        Screen::Roster => roster::status_area(app, area),
        Screen::Detail => ratatui::layout::Rect { y: detail::status_row(app, area), height: 1, ..area },
        Screen::Dashboard => layout::framed(area).status,
    }
}

/// The rows between the title bar and the status line of the screen drawn (its footer may take two rows at 80
/// columns).
fn above_status(app: &App, area: ratatui::layout::Rect) -> ratatui::layout::Rect {
    let status = match app.screen {
        Screen::Roster => roster::areas(app, area).status.y,
        Screen::Detail => detail::status_row(app, area),
        Screen::Dashboard => layout::framed(area).status.y,
    };
    ratatui::layout::Rect { y: area.y + 1, height: status.saturating_sub(area.y + 1), ..area }
}
