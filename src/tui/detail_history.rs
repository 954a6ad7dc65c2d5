//! The detail screen's history, paged: PgDn shows the entries after the page on screen, PgUp those before,
//! counted as the screen lays them out (an entry wraps over several rows); the mouse wheel scrolls it by entries.

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

    /// The mouse wheel over the detail screen: the history one entry at a time (`older`: towards the oldest),
    /// stopping once the oldest entry is in sight or the newest is first. It never changes the pupil shown: a
    /// touchpad's scroll sends many notches, and each one went to the next child while only the name line said so.
    pub(super) fn scroll_history(&mut self, older: bool) {
        let Some(pages) = history_pages(self) else { return };
        let total = pages.entries.len();
        let first = self.history_offset.min(total.saturating_sub(1));
        self.history_offset = if older {
            if first + pages.page_len(first) < total { first + 1 } else { first }
        } else {
            first.saturating_sub(1)
        };
    }
}
