//! The roster's parts as its view lays them out, for the keys that depend on them (page moves, clicks): the
//! footer takes two rows when one does not hold its keys, and the table one row less.

use super::app::App;
use super::layout::{self, RosterAreas};
use super::views::roster_areas;

impl App {
    pub(super) fn roster_areas(&self) -> RosterAreas {
        roster_areas(self, layout::area(self.size))
    }
}
