//! The detail screen's history, paged: PgDn shows the entries after the page on screen, PgUp those before,
//! counted as the screen lays them out (an entry wraps over several rows).

use super::app::App;
use super::views::history_pages;

impl App {
    /// Pages the detail pupil's history: `older`, to the entries after the page on screen; else back towards
    /// the newest. Past either end nothing moves.
    pub(super) fn page_history(&mut self, older: bool) {
        let Some(pages) = history_pages(self) else { return };
        let total = pages.entries.len();
        let first = self.history_offset.min(total.saturating_sub(1));
        self.history_offset = if older {
            let next = first + pages.page_len(first).max(1);
            if next < total { next } else { first }
        } else {
            pages.page_before(first)
        };
    }
}
