//! The palette's insured years: show an earlier year read-only and come back, and start the next year with
//! the dry run's report asked first (see `store::year`).

use super::app::App;
use super::modal::{Confirm, Modal, Then};
use super::text::fill;
use crate::domain::policy::PolicySet;

/// Rows a question dialog takes besides its question: frame, buttons, hints and the margin kept around it.
const DIALOG_CHROME_ROWS: usize = 8;

impl App {
    /// Steps to the next earlier year the drive holds (newest first), and from the oldest back to the current
    /// one. An earlier year is read-only: every change is refused until the current year is shown again.
    pub fn switch_year(&mut self) {
        let (years, current) = match (self.store.years(), self.store.current_year()) {
            (Ok(years), Some(current)) => (years, current),
            (Err(e), _) => return self.fail(e.to_string()),
            (Ok(_), None) => return self.fail(crate::store::StoreError::NoYears.to_string()),
        };
        let earlier: Vec<i32> = years.into_iter().filter(|y| *y < current).collect();
        if earlier.is_empty() {
            return self.fail(fill(self.text.year_only_one, &[&current]));
        }
        let next = match self.store.viewed_year() {
            None => earlier.last().copied(),
            Some(shown) => earlier.iter().rev().copied().find(|y| *y < shown),
        };
        let switched = match next {
            Some(year) => self.store.view_year(year),
            None => self.store.view_current_year(),
        };
        if let Err(e) = switched {
            return self.fail(e.to_string());
        }
        // An edit made in one year cannot be undone from another.
        self.undo.forget();
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        self.reload_roster();
        match next {
            Some(year) => self.say(fill(self.text.year_viewing, &[&year])),
            None => self.say(fill(self.text.year_back, &[&current])),
        }
    }

    /// `year new --promote --dry-run` for the year after the current one, shown as a question.
    pub fn ask_new_year(&mut self) {
        // The file's year as it is now: a restore or another window may have changed it since it was read.
        if let Err(e) = self.store.reload_year() {
            return self.fail(e.to_string());
        }
        let Some(current) = self.store.current_year() else { return self.fail(self.text.read_only_refused) };
        let year = current + 1;
        let policy = self.policy_for(year);
        let report = match self.store.start_year(year, true, policy.as_deref(), true) {
            Ok(report) => report,
            Err(e) => return self.fail(e.to_string()),
        };
        let t = self.text;
        let mut lines = vec![
            fill(t.year_new_question, &[&year, &current]),
            fill(t.year_new_counts, &[&report.promoted, &report.graduated, &report.carried_categories]),
        ];
        lines.push(match &policy {
            Some(name) => fill(t.year_new_policy, &[name]),
            None => fill(t.year_new_no_policy, &[&year]),
        });
        // Each class's step last, as many as the dialog holds (it does not scroll) under the counts, then how
        // many more and where to read them all.
        let room = usize::from(self.size.1).saturating_sub(DIALOG_CHROME_ROWS + lines.join("\n").lines().count());
        let shown = if report.moves.len() <= room { report.moves.len() } else { room.saturating_sub(1) };
        for m in &report.moves[..shown] {
            lines.push(match &m.to {
                Some(to) => fill(t.year_new_move, &[&m.from, to, &m.pupils]),
                None => fill(t.year_new_leaves, &[&m.from, &m.pupils]),
            });
        }
        if shown < report.moves.len() {
            lines.push(fill(t.year_new_more, &[&(report.moves.len() - shown), &year]));
        }
        let question = lines.join("\n");
        self.modal = Some(Modal::Confirm(Confirm { question, then: Then::StartYear(year), yes: false }));
    }

    /// The operator said yes to the report: a backup, then the year in one transaction.
    pub fn start_year(&mut self, year: i32) {
        let policy = self.policy_for(year);
        let previous = self.store.current_year().unwrap_or(year - 1);
        if let Err(e) = self.store.backup_now("year") {
            return self.fail(e.to_string());
        }
        match self.store.start_year(year, true, policy.as_deref(), false) {
            Ok(report) => {
                // As after an import: older edits would be undone into the new year's statuses.
                self.undo.forget();
                (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
                self.reload_roster();
                self.say(fill(self.text.year_started, &[&year, &report.promoted, &report.graduated, &previous]));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// A policy for `year` named like the drive's (`yibin-2028` for `yibin-2027`), if canbao or the config
    /// folder has one; the TUI makes none (the palette's 生成本年度政策 does, with its checks).
    fn policy_for(&self, year: i32) -> Option<String> {
        let current = self.store.meta(super::due::POLICY_META_KEY).ok().flatten()?;
        let stem = current.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
        let name = format!("{stem}-{year}");
        let set = PolicySet::load(self.config_dir.as_deref()).ok()?;
        set.get(&name).filter(|p| p.insured_year == year).map(|p| p.name.clone())
    }
}
