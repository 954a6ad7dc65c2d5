//! The palette's insured years: show an earlier year read-only and come back, and start the next year with
//! the dry run's report asked first (see `store::year`).

use std::path::PathBuf;

use super::app::App;
use super::jobs::Work;
use super::layout;
use super::modal::{Confirm, Modal, Then};
use super::roster::RosterData;
use super::text::fill;
use crate::domain::policy::PolicySet;
use crate::io::year_policy::{self, YearPolicy};
use crate::store::YearReport;

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
        // An edit made in one year cannot be undone from another, and a selection made in one is not carried
        // into the other, where the same pupils have other statuses.
        self.undo.forget();
        self.roster.clear_marks();
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        self.refresh_policy_file();
        self.reload_roster();
        match next {
            Some(year) => self.say(fill(self.text.year_viewing, &[&year])),
            None => self.say(fill(self.text.year_back, &[&current])),
        }
    }

    /// `year new --promote --dry-run` for the year after the current one, shown as a question.
    pub fn ask_new_year(&mut self) {
        self.ask_new_year_as(false);
    }

    /// [`App::ask_new_year`] before the date rule allows, as `year new --force`: the operator said yes to starting
    /// early.
    pub fn ask_new_year_early(&mut self) {
        self.ask_new_year_as(true);
    }

    fn ask_new_year_as(&mut self, early: bool) {
        // The file's year as it is now: a restore or another window may have changed it since it was read.
        if let Err(e) = self.store.reload_year() {
            return self.fail(e.to_string());
        }
        // No year: a drive from before insured years, which only a read-only window leaves unconverted. Refused
        // as every change there is, saying so once the writer window has closed.
        let Some(current) = self.store.current_year() else {
            let refusal = self.read_only_refusal();
            return self.fail(refusal);
        };
        let year = current + 1;
        // Under another year's policy neither whether this year's collection is over nor the next year's policy
        // can be had from it (2028's made at 2024's premium on a drive in 2027): not started until the year's own
        // policy is chosen, which the palette does.
        if let Some(p) = year_policy::policy_of_other_year(self.policy.as_ref(), current) {
            let why =
                fill(self.text.year_new_other_year, &[&p.name, &p.insured_year, &current, &current, &year, &current]);
            return self.year_not_started(why);
        }
        // Once the next year starts this one can only be looked at: the rest of its concentrated period's payments
        // (today's among them) could be recorded nowhere. Nor before graduation in July: the promotion would send
        // the graduating classes off months early. Asked, No the default; Yes goes on as `year new --force` does.
        // A drive with no policy is judged by the date alone; one whose policy's file cannot be read (named, not
        // loaded) is not, as `year new` leaves that to the policy's own error.
        let named = self.store.meta(crate::store::POLICY_META_KEY).ok().flatten().is_some();
        let not_over = year_policy::year_not_over(self.policy.as_ref(), current, self.store.today())
            .filter(|_| !early && (self.policy.is_some() || !named));
        if let Some(not_over) = not_over {
            let t = self.text;
            let graduation = if not_over.before_graduation {
                fill(t.year_new_before_graduation, &[&current])
            } else {
                String::new()
            };
            let until = not_over.until;
            let why = match (not_over.window, not_over.by_date) {
                (Some(w), _) => {
                    fill(t.year_new_window_open, &[&current, &w.name, &w.to, &year, &current, &graduation, &until])
                }
                // No policy: the date alone, said as `year new` says it.
                (None, Some(_)) => {
                    let (zh, en) = not_over.open_words(current);
                    let today =
                        if not_over.collecting() { t.pick("（包括今天的）", " (today's too)") } else { "" };
                    fill(t.year_new_by_date, &[&t.pick(&zh, &en), &year, &current, &today, &graduation, &until])
                }
                (None, None) => fill(t.year_new_school_year_open, &[&current, &year, &current, &graduation, &until]),
            };
            self.modal = Some(Modal::Confirm(Confirm { question: why, then: Then::StartYearEarly, yes: false }));
            return;
        }
        // As `year new`: a year whose policy cannot be had is not started on last year's; said before the report.
        let policy = match self
            .year_policy(year)
            .and_then(|c| Ok(c.recorded(year, self.config_dir.as_deref())?.map(str::to_owned)))
        {
            Ok(policy) => policy,
            Err(why) => return self.year_not_started(why),
        };
        // Promoting a county's roster takes seconds: on a worker, with the progress dialog and Esc.
        self.start(Work::StartYear { year, policy, dry_run: true, written: None, promote: true });
    }

    /// A finished `StartYear`: the dry run's report as the question, or the year started.
    pub fn year_job_done(
        &mut self,
        report: YearReport,
        dry_run: bool,
        written: Option<PathBuf>,
        data: Option<RosterData>,
    ) {
        if dry_run {
            self.ask_year_report(report);
        } else {
            self.year_started(report, written, data);
        }
    }

    /// The new-year question, if open, laid out again for the window's new size (its answer back at 否).
    pub(crate) fn year_question_resized(&mut self) {
        let open = matches!(&self.modal, Some(Modal::Confirm(Confirm { then: Then::StartYear(_), .. })));
        match self.year_question.take() {
            Some(report) if open => self.ask_year_report(report),
            _ => {}
        }
    }

    fn ask_year_report(&mut self, report: YearReport) {
        self.year_question = Some(report.clone());
        let (year, current) = (report.year, report.previous);
        let chosen = self.year_policy(year);
        let t = self.text;
        let mut lines = vec![fill(t.year_new_question, &[&year, &current])];
        // As `year new --promote` refuses it: the lists already moved them up; the question's No is the default.
        if let Ok(moved) = self.store.moved_up_this_year()
            && moved.would_promote_twice()
            && let Some((name, from, to)) = &moved.example
        {
            lines.push(fill(t.year_new_moved_up, &[&moved.pupils, name, from, to]));
        }
        lines.push(fill(t.year_new_counts, &[&report.promoted, &report.graduated, &report.carried_categories]));
        if report.left > 0 {
            lines.push(fill(t.year_new_left, &[&report.left, &current]));
        }
        lines.push(match &chosen {
            Ok(YearPolicy::Existing(name)) => fill(t.year_new_policy, &[name]),
            Ok(YearPolicy::Made { name, .. }) => fill(t.year_new_policy_made, &[name]),
            Ok(YearPolicy::None) => fill(t.year_new_no_policy, &[&year]),
            // (Refused before the question; here only if a file changed since.)
            Err(e) => e.clone(),
        });
        // As `year new` says it: the drive's copy taken over this laptop's differing file.
        let set = PolicySet::load(self.config_dir.as_deref());
        if let Some(not_taken) = chosen.as_ref().ok().and_then(|c| year_policy::FileNotTaken::of(&self.store, c, &set))
        {
            let (zh, en) = not_taken.said(&self.store, year);
            lines.push(t.pick(&zh, &en).to_owned());
        }
        // Each class's step last, as many as the dialog holds (it does not scroll) under the counts, then how
        // many more and where to read them all. Rows are counted as the dialog wraps them: a long Chinese line
        // takes two.
        let b = layout::QuestionBox::new(self.size);
        let mut used: usize = lines.iter().map(|l| b.rows(l)).sum();
        // On a drive of several schools each has its 一年级1班: a class is named after its school, as the roster
        // shows its 学校 column and `year new` prints its steps.
        let schools: std::collections::BTreeSet<&str> = report
            .moves
            .iter()
            .map(|m| m.school.as_str())
            .chain(report.stayed.iter().map(|c| c.school.as_str()))
            .collect();
        let several = schools.len() > 1 || self.data.schools.len() > 1;
        let at = |school: &str, class: &str| if several { format!("{school} {class}") } else { class.to_owned() };
        let steps: Vec<String> = report
            .moves
            .iter()
            .map(|m| match &m.to {
                Some(to) => fill(t.year_new_move, &[&at(&m.school, &m.from), to, &m.pupils]),
                None => fill(t.year_new_leaves, &[&at(&m.school, &m.from), &m.pupils]),
            })
            // The classes promotion leaves as they are, after those it moves: said, so none is thought forgotten.
            .chain(report.stayed.iter().map(|c| {
                let class = if c.class.is_empty() { t.dash_no_class } else { c.class.as_str() };
                fill(t.year_new_stays, &[&at(&c.school, class), &c.pupils])
            }))
            .collect();
        let all: usize = steps.iter().map(|l| b.rows(l)).sum();
        // The steps left out, in full, typed in another window.
        let preview = self.store.command(&format!("year new {year} --promote --dry-run"));
        let mut shown = steps.len();
        if used + all > b.max_rows {
            let more = b.rows(&fill(t.year_new_more, &[&steps.len(), &preview]));
            shown = steps
                .iter()
                .take_while(|l| {
                    used += b.rows(l);
                    used + more <= b.max_rows
                })
                .count();
        }
        lines.extend(steps[..shown].iter().cloned());
        if shown < steps.len() {
            lines.push(fill(t.year_new_more, &[&(steps.len() - shown), &preview]));
        }
        let question = lines.join("\n");
        self.modal = Some(Modal::Confirm(Confirm { question, then: Then::StartYear(year), yes: false }));
    }

    /// The operator said yes to the report: the year's policy written if it is made (as `year new` does), then on
    /// a worker a backup and the year in one transaction.
    /// No to the year's question: nothing changed, unless this year's imports already moved pupils up a grade
    /// (next school year's lists), when starting the year without promoting is asked, No the default, as
    /// `year new` without `--promote` does it.
    pub(crate) fn ask_year_unpromoted(&mut self, year: i32) {
        let moved = self.store.moved_up_this_year().ok().filter(|m| m.would_promote_twice());
        match moved {
            Some(moved) => {
                let question = fill(self.text.ask_year_unpromoted, &[&year, &moved.pupils]);
                self.modal =
                    Some(Modal::Confirm(Confirm { question, then: Then::StartYearUnpromoted(year), yes: false }));
            }
            None => self.say(self.text.nothing_changed),
        }
    }

    pub fn start_year(&mut self, year: i32, promote: bool) {
        // A made policy is written first, so the drive never names a policy that does not exist; the worker removes
        // it if the year fails.
        let config_dir = self.config_dir.clone();
        let chosen = self.year_policy(year);
        match chosen
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|c| c.prepare(year, config_dir.as_deref(), &mut self.store))
        {
            Ok((policy, written)) => {
                self.year_policy_check = match chosen {
                    Ok(YearPolicy::Made { renewed, .. }) => Some(renewed.to_check),
                    _ => None,
                };
                self.start(Work::StartYear { year, policy, dry_run: false, written, promote });
            }
            Err(why) => self.year_not_started(why),
        }
    }

    /// Why the next year was not started (no policy for it can be had), in a dialog: a status line would cut it.
    fn year_not_started(&mut self, why: String) {
        self.show(self.text.year_not_started, vec![why], true);
    }

    fn year_started(&mut self, report: YearReport, written: Option<PathBuf>, data: Option<RosterData>) {
        let (year, previous) = (report.year, report.previous);
        let to_check = self.year_policy_check.take();
        // The worker's connection changed the year: this one reads it again.
        if let Err(e) = self.store.reload_year() {
            self.fail(e.to_string());
        }
        // As after an import: older edits would be undone into the new year's statuses. A selection is last
        // year's: a bulk mark on it would now change pupils promoted or gone since.
        self.undo.forget();
        self.roster.clear_marks();
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        if let Some(policy) = &self.policy {
            let _ = self.store.keep_policy(policy);
        }
        match data {
            Some(data) => {
                self.replace_data(data);
                self.reload_detail();
            }
            None => self.reload_roster(),
        }
        let t = self.text;
        let started = fill(t.year_started, &[&year, &report.promoted, &report.graduated, &previous]);
        self.say(started.clone());
        if let (Some(to_check), Some(path)) = (to_check, &written) {
            let mut lines = vec![started, fill(t.policy_written, &[&path.display()])];
            lines.push(t.policy_check.to_owned());
            lines.extend(to_check.iter().map(|c| format!("- {}", t.pick(&c.zh, &c.en))));
            self.show(t.policy_new_title, lines, false);
        }
    }

    /// The new year's policy as `year new` chooses it (`year_policy::for_drive`).
    fn year_policy(&self, year: i32) -> Result<YearPolicy, String> {
        let set = PolicySet::load(self.config_dir.as_deref());
        year_policy::for_drive(&self.store, year, &set, self.config_dir.as_deref(), None)
    }
}
