//! The command palette's actions: exports of every form, reconciliation (preview, then confirm), the policy
//! screen and this year's policy, check and backup — the drive's whole day without a shell.

use std::path::PathBuf;

use chrono::Datelike;

use super::app::{App, Screen};
use super::input::{FormField, LineInput};
use super::jobs::Work;
use super::modal::{
    Confirm, EditPolicyField, EditPolicyForm, LineJump, Message, Modal, NewPolicyField, NewPolicyForm, PathPrompt,
    PathPurpose, Then,
};
use super::palette::{Command, ENTRIES, Form, matching};
use super::text::fill;
use crate::domain::id_number;
use crate::domain::money;
use crate::domain::policy::{self, Policy, PolicySet, Renewal};
use crate::domain::roster_check::CheckReport;
use crate::io::export::FileFormat;
use crate::io::reconcile::{self, ReconcileReport, Source};
use crate::io::sheet::ExportOptions;
use crate::private_file::Existing;
use crate::tui::Action;
use crate::tui::due::POLICY_META_KEY;

impl App {
    pub fn open_palette(&mut self) {
        self.modal = Some(Modal::Palette { input: LineInput::default(), cursor: 0 });
    }

    pub fn update_palette(&mut self, mut input: LineInput, mut cursor: usize, action: Action) -> Option<Modal> {
        let shown = matching(input.text());
        match action {
            Action::Back => return None,
            Action::Up | Action::ScrollUp => cursor = cursor.saturating_sub(1),
            Action::Down | Action::ScrollDown | Action::NextField => {
                cursor = (cursor + 1).min(shown.len().saturating_sub(1))
            }
            Action::Confirm => {
                if let Some(&i) = shown.get(cursor) {
                    self.run_command(ENTRIES[i].command);
                }
                return None;
            }
            a => {
                if input.edit(&a) {
                    cursor = 0;
                }
            }
        }
        Some(Modal::Palette { input, cursor })
    }

    /// What a palette entry does; a command that writes is refused in a read-only window.
    pub fn run_command(&mut self, command: Command) {
        let writes = matches!(
            command,
            Command::Import
                | Command::AddPupil
                | Command::Reconcile(_)
                | Command::Backup
                | Command::Restore
                | Command::RenameSchool
                | Command::DismissPayment
                | Command::UndismissPayment
                | Command::Merge
                | Command::NewYear
                | Command::Leavers
        );
        if writes && self.store.is_read_only() {
            let refusal = self.read_only_refusal();
            return self.fail(refusal);
        }
        match command {
            Command::Import => self.open_import(),
            Command::AddPupil => self.open_add_pupil(),
            Command::Export(Form::Sheet) => self.open_export(),
            Command::Export(form) if self.export_refused(form) => {}
            // The folder the last form went into, where the next is most likely meant to go; else where canbao runs.
            // It ends in the separator, so that a file name typed after it (汇总.xlsx) goes inside the folder, not
            // beside it as 「表格汇总.xlsx」.
            Command::Export(form) => {
                let mut folder = self.export_folder().display().to_string();
                if !folder.ends_with(std::path::is_separator) {
                    folder.push(std::path::MAIN_SEPARATOR);
                }
                self.prompt_path(PathPurpose::ExportForm(form), &folder)
            }
            Command::Reconcile(source) => self.open_picker(PathPurpose::Reconcile(source)),
            Command::Policies => self.open_policies(),
            Command::NewPolicy => self.open_new_policy(None),
            Command::Check => self.start(Work::Check { policy: self.policy.clone() }),
            // Read as the check is, off the screen's thread: a county's drive takes a while.
            Command::DismissPayment => self.start(Work::Dismissable { policy: self.policy.clone(), undo: false }),
            Command::UndismissPayment => self.start(Work::Dismissable { policy: None, undo: true }),
            Command::Backup => self.start(Work::Backup),
            Command::Merge => self.open_picker(PathPurpose::Merge),
            Command::SwitchYear => self.switch_year(),
            Command::NewYear => self.ask_new_year(),
            Command::Leavers => self.open_leavers(),
            Command::Restore => self.open_picker(PathPurpose::Restore),
            Command::RenameSchool => {
                let schools = self.schools.clone();
                let name = LineInput::with_text(schools.first().map(String::as_str).unwrap_or(""));
                self.modal = Some(Modal::RenameSchool { schools, cursor: 0, name });
            }
            Command::Dashboard => {
                self.screen = Screen::Dashboard;
                self.dashboard_offset = 0;
                self.recount();
            }
            Command::Help => self.modal = Some(Modal::Help { offset: 0 }),
            Command::MaskExports => {
                self.mask_exports = !self.mask_exports;
                self.say(if self.mask_exports { self.text.exports_masked } else { self.text.exports_unmasked });
            }
        }
    }

    /// Where an export is offered to go, whole from the root: the folder the last form went into, where the next
    /// is most likely meant to go; else the drive file's own folder, which the operator chose and knows, or, for
    /// the drive canbao keeps in its own data folder (no folder anyone browses), the user's documents folder;
    /// else (a drive in no file) where canbao runs.
    pub fn export_folder(&self) -> PathBuf {
        if let Some(folder) = &self.last_export_folder {
            return super::picker::absolute(folder);
        }
        let Some(drive) = self.store.path() else { return PathBuf::from(self.here()) };
        let folder = super::picker::absolute(drive).parent().map(std::path::Path::to_path_buf);
        let app_data = directories::ProjectDirs::from("", "", "canbao").map(|d| d.data_local_dir().to_owned());
        let hidden = app_data.is_some_and(|data| folder.as_ref().is_some_and(|f| f.starts_with(&data)));
        let documents = directories::UserDirs::new()
            .map(|d| d.document_dir().map_or_else(|| d.home_dir().to_path_buf(), std::path::Path::to_path_buf));
        match (folder, hidden) {
            (Some(folder), false) => folder,
            (folder, _) => documents.or(folder).unwrap_or_else(|| PathBuf::from(self.here())),
        }
    }

    /// The folder canbao runs in, in full, so the operator sees where files go.
    pub fn here(&self) -> String {
        std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| ".".into())
    }

    fn prompt_path(&mut self, purpose: PathPurpose, text: &str) {
        self.modal =
            Some(Modal::Path(PathPrompt { purpose, input: LineInput::with_text(text), candidates: Vec::new() }));
    }

    pub fn start_form_export(&mut self, form: Form, folder: PathBuf) {
        if self.export_refused(form) {
            return;
        }
        // The forms are written into a folder under their usual names; a file name typed out of habit
        // (汇总.xlsx) means the folder it is in, not a new folder called 汇总.xlsx.
        let spreadsheet = folder
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("csv"));
        let folder = match folder.parent() {
            Some(parent) if spreadsheet && !folder.is_dir() => {
                if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                }
            }
            _ => folder,
        };
        // The forms handed to a class teacher follow the roster's class filter, as `--class` does: a roster
        // narrowed to one class gives that class's slips and list, not the whole school's; on a drive of several
        // schools that school's class, as the roster shows it.
        let filtered = match form {
            Form::Notices | Form::Classes => self.roster.filters().class,
            _ => None,
        };
        self.last_export_folder = Some(folder.clone());
        let class = filtered.and_then(|c| self.data.classes.get(c as usize).cloned());
        let school = filtered.and_then(|c| self.data.class_school(c)).map(str::to_owned);
        // The agencies' forms are written whole whatever the switch says: a masked one could not be used.
        self.export_masked = self.mask_exports && !form.for_agencies();
        let options = ExportOptions {
            format: FileFormat::Xlsx,
            school,
            class,
            mask: self.export_masked,
            date: self.store.today(),
        };
        let missing = super::transfer::missing_deep(&folder).then(|| folder.clone());
        let work =
            Work::ExportForm { form, folder, options, policy: self.policy.clone(), config: self.config_dir.clone() };
        match missing {
            Some(folder) => self.ask_make_folder(&folder, work),
            None => self.start(work),
        }
    }

    /// A reconciliation: `dry_run` shows what it would do; the real run follows the operator's Enter.
    /// `previewed`: the stamp of the list the preview read, for the real run. `other_school`: a tax list taken as
    /// another school's, recording only the drive's pupils' rows (`canbao reconcile --other-school-ok`).
    pub fn start_reconcile(
        &mut self,
        file: PathBuf,
        source: Source,
        dry_run: bool,
        previewed: Option<u64>,
        other_school: bool,
    ) {
        let other_school_ok = other_school && source == Source::Tax;
        let options = reconcile::ReconcileOptions { dry_run, keep_unmatched: false, other_school_ok, previewed };
        self.start(Work::Reconcile { file, source, policy: self.policy.clone(), options });
    }

    /// The real run of a tax list that matches no pupil of the drive, once the operator said Yes to keeping its
    /// payments (`canbao reconcile --keep-unmatched`).
    pub fn start_reconcile_keeping_unmatched(&mut self, file: PathBuf, source: Source, previewed: Option<u64>) {
        let options =
            reconcile::ReconcileOptions { dry_run: false, keep_unmatched: true, other_school_ok: false, previewed };
        self.start(Work::Reconcile { file, source, policy: self.policy.clone(), options });
    }

    /// The question Enter asks on a reconciliation's preview, No by default, before a run `canbao reconcile`
    /// refuses without `--keep-unmatched` (a tax list none of whose rows is a pupil of the drive).
    pub fn reconcile_question(&self, r: &ReconcileReport) -> Option<String> {
        // Taken as another school's list already: nothing of the strangers' is kept, nothing to ask.
        (r.matches_no_pupil && !r.other_school).then(|| {
            let (zh, en) = reconcile::no_pupil_lead(r);
            // Said as the sentence's start: "The list matches …".
            let lead = if self.lang == crate::words::Language::En {
                let mut chars = en.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            } else {
                zh
            };
            let asked = fill(self.text.reconcile_ask_no_pupil, &[&lead, &r.unapplied_payments]);
            format!("{asked}\n{}", fill(self.text.reconcile_ask_other_school, &[&self.other_school_key()]))
        })
    }

    /// The key that takes a tax list as another school's (`o`), as the keymap in force binds it.
    fn other_school_key(&self) -> String {
        let keys = self.keymap.keys_for(super::keymap::Context::Dialog, "other_school");
        keys.first().map(ToString::to_string).unwrap_or_default()
    }

    /// A reconciliation's report as lines, ID numbers masked unless revealed.
    pub fn reconcile_lines(&self, r: &ReconcileReport) -> Vec<String> {
        let t = self.text;
        let id = |n: &str| id_number::shown(n, self.reveal);
        let mut counts = fill(
            t.reconcile_counts,
            &[
                &r.rows_read,
                &r.matched,
                &r.already,
                &r.unknown_rows.len(),
                &r.name_mismatches.len(),
                &r.conflicts.len(),
                &r.further_rows,
                &r.not_reconciled,
            ],
        );
        // Only a tax list records payments: on the others the payment counts would read as payments to settle.
        if r.source == Source::Tax {
            counts.push_str(&fill(
                t.reconcile_counts_payments,
                &[&r.amount_mismatches.len(), &r.recorded_over_status.len()],
            ));
        }
        let mut lines = vec![counts];
        if r.other_school {
            // Said first, as the command line says it: the rows below would read as this school's families.
            let (lead, lead_en) = reconcile::no_pupil_lead(r);
            let lead = if self.lang == crate::words::Language::En { lead_en } else { lead };
            let said = if r.dry_run { t.reconcile_other_school_preview } else { t.reconcile_other_school_done };
            lines.push(fill(said, &[&lead, &r.strangers_not_kept]));
        } else if r.matches_no_pupil {
            let (zh, en) = reconcile::strangers_words(r.strangers, r.unnumbered_strangers);
            let (lead, lead_en) = reconcile::no_pupil_lead(r);
            let (lead, what) = if self.lang == crate::words::Language::En { (lead_en, en) } else { (lead, zh) };
            lines.push(fill(t.reconcile_no_pupil, &[&lead, &what]));
            if r.dry_run {
                lines.push(fill(t.reconcile_other_school_offer, &[&self.other_school_key()]));
            }
        }
        let en = self.lang == crate::words::Language::En;
        // The file by its name (the folder is the picker's), the worksheet of a workbook, and the rows.
        let file_name = |file: &str| {
            std::path::Path::new(file).file_name().map_or_else(|| file.to_owned(), |f| f.to_string_lossy().into_owned())
        };
        let rows = |file: &str, sheets: &[String], list: &[usize]| {
            format!("{} {}", file_name(file), reconcile::rows_at(sheets, list, en))
        };
        let at = |file: &str, sheet: &str, row: usize| rows(file, &[sheet.to_owned()], &[row]);
        for m in &r.name_mismatches {
            let place = at(&m.file, &m.sheet, m.row);
            lines.push(fill(t.reconcile_name, &[&place, &id(&m.id_number), &m.roster_name, &m.file_name]));
        }
        for c in &r.receipt_conflicts {
            let place = rows(&c.file, &c.sheets, &c.rows);
            let amounts = c.amounts_text(if en { ", " } else { "、" });
            lines.push(match c.recorded {
                None => fill(t.reconcile_receipt, &[&place, &id(&c.id_number), &c.name, &c.receipt, &amounts]),
                Some(before) => fill(
                    t.reconcile_receipt_recorded,
                    &[&place, &id(&c.id_number), &c.name, &c.receipt, &before, &amounts],
                ),
            });
        }
        for c in &r.repeated_receipts {
            let (zh, english) = c.words(&id);
            lines.push(format!("{} {}", file_name(&c.file), if en { english } else { zh }));
        }
        let en_ui = self.lang == crate::words::Language::En;
        for d in &r.redated {
            let place = at(&d.file, &d.sheet, d.row);
            let [before, after] = d.before_and_after().map(|(zh, en)| if en_ui { en } else { zh });
            lines.push(fill(t.reconcile_redated, &[&place, &id(&d.id_number), &d.name, &before, &after]));
        }
        let settled = r.amount_disputes_settled.iter().map(|d| (d, d.settled_words()));
        for (d, (zh, english)) in settled.chain(r.amount_disputes_left.iter().map(|d| (d, d.left_words()))) {
            let words = if en_ui { english } else { zh };
            lines.push(fill(t.reconcile_dispute, &[&at(&d.file, &d.sheet, d.row), &id(&d.id_number), &d.name, &words]));
        }
        for c in &r.recorded_over_status {
            let place = at(&c.list, &c.sheet, c.row);
            let (roster, file) = if en {
                (reconcile::status_en(&c.roster), reconcile::status_en(&c.file))
            } else {
                (c.roster.as_str().into(), c.file.as_str().into())
            };
            let said = match c.short {
                // Short of the amount due: part-paid, which insures nobody.
                Some(short) => fill(
                    t.reconcile_recorded_part_over_status,
                    &[&place, &id(&c.id_number), &c.name, &roster, &file, &short],
                ),
                None => fill(t.reconcile_recorded_over_status, &[&place, &id(&c.id_number), &c.name, &roster, &file]),
            };
            lines.push(said);
        }
        // Part payments recorded that the list records in full: the list's amount taken, the one replaced said.
        for d in &r.part_payments_completed {
            let (zh, english) = d.words();
            let words = if en_ui { english } else { zh };
            lines.push(fill(t.reconcile_dispute, &[&at(&d.file, &d.sheet, d.row), &id(&d.id_number), &d.name, &words]));
        }
        for c in &r.conflicts {
            let place = at(&c.list, &c.sheet, c.row);
            let (roster, file) = if en {
                (reconcile::status_en(&c.roster), reconcile::status_en(&c.file))
            } else {
                (c.roster.as_str().into(), c.file.as_str().into())
            };
            lines.push(fill(t.reconcile_conflict, &[&place, &id(&c.id_number), &c.name, &roster, &file]));
        }
        for m in &r.amount_mismatches {
            let place = rows(&m.file, &m.sheets, &m.rows);
            // A preview records nothing yet: said as what the run would record.
            let said = if r.dry_run { t.reconcile_amount_preview } else { t.reconcile_amount };
            lines.push(fill(said, &[&place, &id(&m.id_number), &m.name, &m.file_amount, &m.due]));
        }
        for c in &r.combined_payments {
            let (place, amounts, number) = (rows(&c.file, &c.sheets, &c.rows), c.amounts_text(en), id(&c.id_number));
            lines.push(match c.total {
                Some(total) => fill(t.reconcile_combined, &[&place, &number, &c.name, &amounts, &total]),
                None => fill(t.reconcile_combined_unread, &[&place, &number, &c.name, &amounts]),
            });
        }
        for n in &r.not_registered {
            let place = at(&n.file, &n.sheet, n.row);
            lines.push(fill(t.reconcile_not_registered, &[&place, &id(&n.id_number), &n.name, &n.status]));
        }
        for n in &r.unknown_status {
            let place = at(&n.file, &n.sheet, n.row);
            lines.push(fill(t.reconcile_unknown_status, &[&place, &id(&n.id_number), &n.name, &n.status]));
        }
        for m in &r.rounded_matches {
            let place = at(&m.file, &m.sheet, m.row);
            lines.push(fill(t.reconcile_rounded, &[&place, &id(&m.id_number), &m.name, &id(&m.stored)]));
        }
        for p in &r.problems {
            let mut place = file_name(&p.file);
            if !p.sheet.is_empty() {
                place.push_str(&format!(" [{}]", p.sheet));
            }
            lines.push(super::transfer::problem_line(t, self.lang, &place, p.row, &p.message));
        }
        // After what needs the operator: each pupil it changes, so a list is never a change seen as counts, and
        // before the rows that name no pupil, which on a wrong or a county's list run to thousands and would push
        // the pupils out of sight.
        if !r.changed.is_empty() {
            let heading = if r.dry_run { t.reconcile_changed_preview } else { t.reconcile_changed_done };
            lines.push(fill(heading, &[&r.changed.len()]));
        }
        let none = t.dash_no_class.trim_matches(['（', '）', '(', ')']);
        for c in &r.changed {
            let class = if c.class.is_empty() { none } else { c.class.as_str() };
            let (zh, english) = c.words();
            let words = if en_ui { english } else { zh };
            let place = at(&c.file, &c.sheet, c.row);
            lines.push(fill(t.reconcile_changed, &[&place, &c.name, &class, &id(&c.id_number), &words]));
        }
        // Once, after the pupils and before the rows that name no pupil: the payments not recorded are not lost with
        // the report.
        // A preview of a list the real run refuses (another school's) keeps none of them: its question says so.
        // Those dismissed already are kept and listed no more: counted apart from the ones 检查名单 will list.
        let gone = r.unapplied_dismissed;
        if r.unapplied_payments > gone && !(r.dry_run && r.matches_no_pupil) {
            let said = if r.dry_run { t.reconcile_unapplied_preview } else { t.reconcile_unapplied };
            lines.push(fill(said, &[&(r.unapplied_payments - gone)]));
            let before = r.unapplied_kept_before.saturating_sub(gone);
            if before > 0 {
                lines.push(fill(t.reconcile_unapplied_before, &[&before]));
            }
        }
        if gone > 0 && !(r.dry_run && r.matches_no_pupil) {
            lines.push(fill(t.reconcile_unapplied_dismissed, &[&gone]));
        }
        // Last, the rows that name no pupil: behind everything above on a screen of 24 rows, so said near the top
        // with how many there are and the key that goes to them.
        if !r.unknown_rows.is_empty() && lines.len() > 1 + usize::from(r.matches_no_pupil) {
            let key = self.keymap.keys_for(super::keymap::Context::Dialog, "bottom");
            let key = key.first().map(|k| k.to_string()).unwrap_or_default();
            let below = fill(t.reconcile_unknown_below, &[&r.unknown_rows.len(), &key]);
            lines.insert(1 + usize::from(r.matches_no_pupil), below);
        }
        for u in &r.unknown_rows {
            lines.push(fill(t.reconcile_unknown, &[&at(&u.file, &u.sheet, u.row), &id(&u.id_number), &u.name]));
            for f in &u.flagged {
                // 未分班 / no class, as the dashboard says it, inside this line's own brackets.
                let none = t.dash_no_class.trim_matches(['（', '）', '(', ')']);
                let class = if f.class.is_empty() { none } else { f.class.as_str() };
                lines.push(fill(t.reconcile_flagged, &[&f.name, &id(&f.id_number), &class]));
            }
        }
        lines
    }

    /// A merge's report as lines, ID numbers masked unless revealed.
    /// `outside`: the family payments the merge brings dated outside the drive's insured year.
    pub fn merge_lines(
        &self,
        r: &crate::store::merge::MergeReport,
        outside: &[crate::domain::roster_check::PaymentOutsideYear],
    ) -> Vec<String> {
        let t = self.text;
        let id = |n: &str| id_number::shown(n, self.reveal);
        use crate::tui::text::conflict;
        // Another school's file, or one of no common history, is said before anything else: the preview is
        // where the operator confirms the merge.
        let mut lines = conflict::merge_warnings_on_screen(t, r);
        // A file of no common history, which `canbao merge` refuses without --no-common-history: the preview asks.
        if r.dry_run && crate::store::merge::refused_unrelated(r) {
            let key = self.keymap.keys_for(super::keymap::Context::Dialog, "confirm");
            let key = key.first().map(|k| k.to_string()).unwrap_or_default();
            lines.push(fill(t.merge_no_shared_history_confirm, &[&key]));
        }
        let conflicts = r.conflict_count();
        let (ambiguous, copied) = (r.ambiguous.len(), r.audit_rows_copied);
        lines.push(fill(t.merge_counts, &[&r.added, &r.updated, &r.unchanged, &conflicts, &ambiguous, &copied]));
        lines.extend(conflict::restore_differs_line(t, r));
        lines.extend(conflict::payments_kept_line(t, r));
        lines.extend(conflict::closed_year_lines(t, r, &id));
        lines.extend(conflict::taken_back_lines(t, r, &id));
        for c in &r.conflicts {
            lines.push(conflict::merge_conflict_line(t, c, &id(&c.id_number)));
        }
        for c in &r.decided_there {
            lines.push(conflict::decided_there_line(t, c, &id(&c.id_number)));
        }
        for n in &r.taken_numbers {
            lines.push(conflict::number_taken_line(t, n, &id(&n.id_number), &id(&n.kept)));
        }
        lines.extend(conflict::merge_policy_lines(t, r));
        for a in &r.ambiguous {
            lines.push(fill(t.merge_ambiguous, &[&a.name, &a.class, &a.school]));
        }
        for n in &r.named_apart {
            lines.push(fill(
                t.merge_named_apart,
                &[&id(&n.id_number), &n.ours, &n.our_class, &n.theirs, &n.their_class],
            ));
        }
        for a in &r.alike_numbers {
            let side = if a.ours_flagged { t.merge_here } else { t.merge_there };
            lines.push(fill(t.merge_alike_number, &[&a.class, &a.name, &id(&a.id_number), &side, &id(&a.flagged)]));
        }
        lines.extend(super::text::conflict::top_ups_joined_lines(t, r, &id));
        for c in &r.receipt_conflicts {
            let (ours, theirs) = (money::plain(c.ours_fen), money::plain(c.theirs_fen));
            lines.push(fill(t.merge_receipt_conflict, &[&c.name, &id(&c.id_number), &c.receipt, &ours, &theirs]));
        }
        for o in outside {
            let why = if self.lang == crate::words::Language::En { &o.why_en } else { &o.why };
            let p = &o.pupil;
            lines.push(fill(t.merge_payment_outside_year, &[&p.name, &p.class, &id(&p.id_number), why]));
        }
        lines
    }

    /// The question before a merge `canbao merge` refuses without `--other-school` (another school's drive of no
    /// common history) or `--no-common-history`, saying what the merge will do; `None` for any other merge.
    pub fn merge_question(&self, r: &crate::store::merge::MergeReport) -> Option<String> {
        let t = self.text;
        if !r.other_schools.is_empty() && !r.shared_history {
            Some(fill(t.merge_ask_other_school, &[&r.other_schools.join(t.pick("、", ", "))]))
        } else if crate::store::merge::refused_unrelated(r) {
            Some(t.merge_ask_no_shared_history.to_owned())
        } else if r.their_clock_ahead.is_some() || r.our_clock_behind.is_some() {
            // `canbao merge` refuses it without --accept-clock: the wrong side would win every conflict.
            Some(t.merge_ask_clock.to_owned())
        } else {
            None
        }
    }

    pub fn check_lines(&self, r: &CheckReport) -> Vec<String> {
        let id = |n: &str| id_number::shown(n, self.reveal);
        let mut lines = vec![fill(self.text.check_counts, &[&r.students, &r.findings()])];
        // First: with no 少缴 or 多缴 below it, the operator would read the roster as all paid in full.
        if let Some(n) = &r.amounts_not_checked {
            lines.push(if self.lang == crate::words::Language::En { n.why_en.clone() } else { n.why.clone() });
        }
        for g in &r.same_id {
            let names: Vec<&str> = g.pupils.iter().map(|p| p.name.as_str()).collect();
            lines.push(fill(self.text.check_same_id, &[&id(&g.key), &names.join(self.text.pick("、", ", "))]));
        }
        for g in &r.same_name_birth {
            lines.push(fill(self.text.check_same_name, &[&g.key, &g.pupils.len()]));
        }
        for g in &r.same_name_class_numbers {
            lines.push(fill(self.text.check_class_numbers, &[&g.key, &g.pupils.len()]));
        }
        for g in &r.same_name_class_rounded {
            lines.push(fill(self.text.check_rounded, &[&g.key, &g.pupils.len()]));
        }
        for g in &r.same_name_class_unnumbered {
            lines.push(fill(self.text.check_unnumbered, &[&g.key, &g.pupils.len()]));
        }
        for g in &r.same_name_mistyped {
            lines.push(fill(self.text.check_mistyped, &[&g.key, &g.pupils.len()]));
        }
        for i in &r.invalid_ids {
            lines.push(fill(self.text.check_invalid, &[&i.pupil.name, &id(&i.pupil.id_number)]));
        }
        for o in &r.odd_phones {
            let why = self.text.pick(&o.problem, &o.problem_en);
            lines.push(fill(self.text.check_odd_phone, &[&o.pupil.name, &id(&o.pupil.id_number), &o.phone, &why]));
        }
        for p in &r.government_without_category {
            lines.push(fill(self.text.check_government, &[&p.name, &p.class]));
        }
        for g in &r.government_to_verify {
            let why = crate::words::share::ShareWords::of(self.lang).reason(&g.department, &g.reason);
            lines.push(fill(self.text.check_government_verify, &[&g.pupil.name, &g.pupil.class, &why]));
        }
        for p in &r.no_class {
            lines.push(fill(self.text.check_no_class, &[&p.name, &id(&p.id_number)]));
        }
        for p in &r.no_name {
            lines.push(fill(self.text.check_no_name, &[&p.class, &id(&p.id_number)]));
        }
        for p in &r.declined_without_reason {
            lines.push(fill(self.text.check_declined_no_reason, &[&p.name, &p.class, &id(&p.id_number)]));
        }
        for c in &r.categories_without_department {
            lines.push(fill(self.text.check_no_department, &[&c.pupil.name, &c.category]));
        }
        for a in &r.too_old {
            lines.push(fill(self.text.check_too_old, &[&a.pupil.name, &id(&a.pupil.id_number), &a.age]));
        }
        for a in &r.age_for_grade {
            // The full date is digits 7 to 14 of the number: beside a masked number, the year and month only.
            let birth = crate::domain::id_shown::birth_date_shown(a.birth_date, self.reveal);
            lines
                .push(fill(self.text.check_age_for_grade, &[&a.pupil.name, &id(&a.pupil.id_number), &birth, &a.grade]));
        }
        for h in &r.local_hukou {
            let why = if self.lang == crate::words::Language::En { &h.remark_en } else { &h.remark };
            lines.push(fill(self.text.check_local_hukou, &[&h.pupil.name, &id(&h.pupil.id_number), why]));
        }
        for u in &r.underpaid {
            let yuan = |v: f64| money::plain((v * 100.0).round() as i64);
            let (paid, due, short) = (yuan(u.paid), yuan(u.due), yuan(u.short));
            match u.department {
                Some(department) => lines.push(fill(
                    self.text.check_family_share,
                    &[&u.pupil.name, &u.pupil.class, &yuan(department), &due],
                )),
                None => {
                    lines.push(fill(self.text.check_underpaid, &[&u.pupil.name, &u.pupil.class, &paid, &due, &short]))
                }
            }
        }
        for o in &r.overpaid {
            let yuan = |v: f64| money::plain((v * 100.0).round() as i64);
            let (paid, due, over) = (yuan(o.paid), yuan(o.due), yuan(o.over));
            // Paid before the category was certified: what the quote says stands, not an amount due beside it.
            // The excess a top-up keyed twice: undo one, nothing to do with categories.
            if let (None, Some(top_up)) = (&o.paid_first, o.duplicated_top_up) {
                let (top_up, right) = (yuan(top_up), yuan(o.paid - top_up));
                lines
                    .push(fill(self.text.check_top_up_twice, &[&o.pupil.name, &o.pupil.class, &paid, &top_up, &right]));
                continue;
            }
            match &o.paid_first {
                Some(first) => {
                    let said = crate::words::quote::QuoteWords::of(self.lang).paid_first(first);
                    lines.push(fill(self.text.check_paid_first, &[&o.pupil.name, &o.pupil.class, &said]));
                }
                None => {
                    lines.push(fill(self.text.check_overpaid, &[&o.pupil.name, &o.pupil.class, &paid, &due, &over]))
                }
            }
        }
        for d in &r.amounts_differ {
            let why = if self.lang == crate::words::Language::En { &d.why_en } else { &d.why };
            lines.push(fill(self.text.check_amounts_differ, &[&d.pupil.name, &d.pupil.class, why]));
        }
        for c in &r.list_payment_cleared {
            let at = crate::store::instant::beijing_minutes(&c.listed_at);
            let said = if c.payment == crate::domain::student::PaymentStatus::Government {
                self.text.check_list_payment_government
            } else {
                self.text.check_list_payment_cleared
            };
            lines.push(fill(said, &[&c.pupil.name, &c.pupil.class, &at]));
        }
        let listed = |at: &Option<String>| {
            at.as_deref().map_or_else(String::new, |at| {
                fill(self.text.check_listed_at, &[&crate::store::instant::beijing_minutes(at)])
            })
        };
        let en = self.lang == crate::words::Language::En;
        for d in &r.paid_despite_status {
            let p = &d.pupil;
            let (status, payment) = (d.status_words(en), d.payment_words(en));
            let at = listed(&d.listed_at);
            lines.push(fill(
                self.text.check_paid_despite_status,
                &[&p.name, &p.class, &id(&p.id_number), &status, &payment, &at],
            ));
        }
        for u in &r.list_payment_undated {
            let p = &u.pupil;
            let at = listed(&Some(u.listed_at.clone()));
            lines.push(fill(
                self.text.check_list_payment_undated,
                &[&p.name, &p.class, &id(&p.id_number), &u.payment_words(en), &at],
            ));
        }
        for p in &r.paid_without_amount {
            lines.push(fill(self.text.check_paid_without_amount, &[&p.name, &p.class, &id(&p.id_number)]));
        }
        for o in &r.payment_outside_year {
            let why = if self.lang == crate::words::Language::En { &o.why_en } else { &o.why };
            lines.push(fill(self.text.check_payment_outside_year, &[&o.pupil.name, &o.pupil.class, why]));
        }
        // A receipt under two payers is dismissed on the screen by the palette's 销项, not `check --dismiss`.
        let palette = self.keymap.keys_for(super::keymap::Context::Roster, "palette").first().map(|k| k.to_string());
        let dismiss_here = fill(self.text.check_repeated_receipt_advice, &[&palette.unwrap_or_default()]);
        for u in &r.tax_paid_unrecorded {
            let (amount, day) = u.amount_and_day(en);
            let (why, mut advice) = if en { (&u.why_en, &u.advice_en) } else { (&u.why, &u.advice) };
            if u.reason == crate::domain::unapplied::UnappliedReason::RepeatedReceipt {
                advice = &dismiss_here;
            }
            // Numbered as `check` and the 销项 dialog number it, with the reference the other laptops share.
            let number = u.label();
            // A row without a number is its name alone, with no space left where the number would be.
            let who = match id(&u.id_number) {
                shown if shown.is_empty() => u.name.clone(),
                shown => format!("{} {shown}", u.name),
            };
            let lead = if u.reason == crate::domain::unapplied::UnappliedReason::AgencyNotRegistered {
                self.text.check_agency_not_registered
            } else {
                self.text.check_tax_unrecorded
            };
            lines.push(fill(lead, &[&number, &who, &amount, &day, &u.place(en), why, advice]));
        }
        // Every group `findings()` counts has its lines above: the count and the list must agree.
        lines
    }

    /// A report in a dialog.
    pub fn show(&mut self, title: &str, lines: Vec<String>, error: bool) {
        // Lines from below the screens may say both languages at once: in English, only the English.
        let lines = lines.into_iter().map(|l| crate::words::on_screen(&l, self.lang).into_owned()).collect();
        self.modal = Some(Modal::Message(Message { title: title.to_owned(), lines, error, offset: 0 }));
    }

    fn policy_set(&self) -> PolicySet {
        PolicySet::load(self.config_dir.as_deref())
    }

    /// Reads again whether this laptop's file of the drive's policy differs from the drive's copy; of a closed
    /// year shown, from that year's own copy, as `policy list` compares it, so its list shows the copy the year
    /// goes by and not the file edited since.
    pub(crate) fn refresh_policy_file(&mut self) {
        let set = self.policy_set();
        self.policy_file = self.store.shown_policy_file_differs(&set).map(|(_, file)| file);
    }

    pub fn open_policies(&mut self) {
        let current = self.policy.as_ref().map(|p| p.name.clone());
        self.open_policies_at(current.as_deref());
    }

    /// The policy screen with `name` highlighted (the drive's, the one just edited), else the first. The drive's
    /// copies of policies this laptop's config folder lacks are listed too (the drive came from another laptop):
    /// else its own policy is missing and a hurried Enter takes the first of the list.
    fn open_policies_at(&mut self, name: Option<&str>) {
        let set = self.policy_set();
        let list: Vec<Policy> =
            self.store.choosable_policies(&set).unwrap_or_else(|_| set.iter().cloned().collect::<Vec<Policy>>());
        let cursor = list.iter().position(|p| Some(p.name.as_str()) == name).unwrap_or(0);
        self.refresh_policy_file();
        self.modal = Some(Modal::Policies { cursor, list });
    }

    pub fn update_policies(&mut self, mut cursor: usize, list: Vec<Policy>, action: Action) -> Option<Modal> {
        let last = list.len().saturating_sub(1);
        match action {
            Action::Back => return None,
            Action::Up | Action::ScrollUp => cursor = cursor.saturating_sub(1),
            Action::Down | Action::ScrollDown => cursor = (cursor + 1).min(last),
            Action::Top => cursor = 0,
            Action::Bottom => cursor = last,
            // Makes this year's from the highlighted one.
            Action::New => {
                let base = list.get(cursor).map(|p| p.name.clone());
                self.open_new_policy(base);
                return None;
            }
            Action::Edit => {
                if let Some(p) = list.get(cursor) {
                    self.open_edit_policy(&p.name);
                }
                if self.modal.is_some() {
                    return None;
                }
            }
            Action::Confirm => {
                let chosen = list.get(cursor)?.clone();
                if self.store.is_read_only() {
                    let refusal = self.read_only_refusal();
                    self.fail(refusal);
                    return None;
                }
                // Another city's or another year's notice puts every amount due and window on the drive under
                // other rules: asked first, as one Enter on the wrong row is easy.
                if let Some(question) = self.ask_other_policy(&chosen) {
                    let then = Then::Policy { chosen: Box::new(chosen), cursor, list };
                    self.modal = Some(Modal::Confirm(Confirm { question, then, yes: false }));
                    return None;
                }
                self.choose_policy(&chosen);
                return None;
            }
            _ => {}
        }
        Some(Modal::Policies { cursor, list })
    }

    /// Makes `chosen` the drive's policy; the drive's copies of the others stay (see `Store::kept_policies`).
    pub fn choose_policy(&mut self, chosen: &Policy) {
        match self.store.set_meta(POLICY_META_KEY, &chosen.name) {
            Ok(()) => {
                let _ = self.store.keep_policy(chosen);
                // The drive's own policy chosen again from this laptop's edited file: its text is taken, and
                // the operator is told so and what the premium was and is.
                let adopted = self.policy_file.take().filter(|f| f.name == chosen.name);
                match (adopted, &self.policy) {
                    (Some(file), Some(was)) => {
                        let (was, now) =
                            (money::plain(was.personal_premium_fen), money::plain(file.personal_premium_fen));
                        self.say(fill(self.text.policy_file_adopted, &[&file.name, &was, &now]));
                    }
                    _ => self.say(fill(self.text.policy_chosen, &[&chosen.title, &chosen.name])),
                }
                self.policy = Some(chosen.clone());
                self.mark_part_paid();
                self.reload_detail();
                self.recount();
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// The question to ask before `chosen` becomes the drive's policy when it is of another city than the
    /// drive's (its policy's, else its schools') or of another insured year; `None` when it fits or is the one
    /// in use.
    fn ask_other_policy(&self, chosen: &Policy) -> Option<String> {
        let current = self.policy.as_ref();
        if current.is_some_and(|p| p.name == chosen.name) {
            return None;
        }
        let year = self.store.current_year().or(current.map(|p| p.insured_year));
        let city = current.and_then(|p| policy_city(&p.title)).map(str::to_owned).or_else(|| {
            let schools = self.store.schools().unwrap_or_default();
            let set = self.policy_set();
            set.iter()
                .filter_map(|p| policy_city(&p.title))
                .find(|city| schools.iter().any(|s| s.contains(city)))
                .map(str::to_owned)
        });
        let chosen_city = policy_city(&chosen.title);
        let mut why = Vec::new();
        if let (Some(city), Some(theirs)) = (city.as_deref(), chosen_city)
            && city != theirs
        {
            why.push(fill(self.text.policy_other_city, &[&theirs, &city]));
        }
        if let Some(year) = year.filter(|&y| y != chosen.insured_year) {
            why.push(fill(self.text.policy_other_year, &[&chosen.insured_year, &year]));
        }
        // Its amount due may read payments recorded in full as short: they would count 未参保 with no payment
        // touched, so the number is asked about, not found later in the stats.
        let short = self.store.newly_short_under(current, chosen).unwrap_or(0);
        if short > 0 {
            why.push(fill(self.text.policy_short_payments, &[&short]));
        }
        if why.is_empty() {
            return None;
        }
        Some(fill(self.text.policy_ask_other, &[&chosen.name, &chosen.title, &why.join(self.text.policy_ask_join)]))
    }

    /// The form for this year's policy, from `base` (given by the policy list's `n`; default: the drive's, else
    /// the newest of the school's own city). With neither, the policy list opens for the operator to pick the base (`n` there): another city's
    /// amounts taken by a hurried Enter would be every amount due on the drive.
    pub fn open_new_policy(&mut self, base: Option<String>) {
        let from_list = base.is_some();
        let set = self.policy_set();
        let own_city = || {
            let schools = self.store.schools().unwrap_or_default();
            set.iter()
                .filter(|p| policy_city(&p.title).is_some_and(|city| schools.iter().any(|s| s.contains(city))))
                .max_by_key(|p| p.insured_year)
                .map(|p| p.name.clone())
        };
        let Some(base) = base.or_else(|| self.policy.as_ref().map(|p| p.name.clone())).or_else(own_city) else {
            self.open_policies_at(None);
            self.say(self.text.policy_pick_base);
            return;
        };
        // The drive's year once it has one: a drive started for 2028 in August is not collecting for 2027.
        let year = self.store.current_year().unwrap_or_else(|| self.insured_year_now());
        let stem = base.rsplit_once('-').map_or(base.as_str(), |(city, _)| city);
        let premium = set.get(&base).map(|p| money::plain(p.personal_premium_fen)).unwrap_or_default();
        self.modal = Some(Modal::NewPolicy(NewPolicyForm {
            base: base.clone(),
            name: LineInput::with_text(&format!("{stem}-{year}")),
            year: LineInput::with_text(&year.to_string()),
            premium: LineInput::with_text(&premium),
            focus: NewPolicyField::Premium,
            error: None,
            touched: [false; 3],
            premium_ok: false,
            from_list,
        }));
    }

    /// The form for a config-folder policy's premium and windows. A bundled policy is not the operator's to
    /// change: they make this year's from it first (n), which lands in the config folder.
    pub fn open_edit_policy(&mut self, name: &str) {
        let Some(path) = self.config_dir.as_ref().map(|d| d.join("policies").join(format!("{name}.toml"))) else {
            return self.fail(self.text.policy_no_config);
        };
        if !path.is_file() {
            return self.fail(self.text.policy_builtin_edit);
        }
        let read = std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|text| {
            let windows = policy::window_dates(&format!("{name}.toml"), &text).map_err(|e| e.to_string())?;
            let premium = self.policy_set().get(name).map(|p| money::plain(p.personal_premium_fen));
            Ok((windows, premium.unwrap_or_default()))
        });
        match read {
            Ok((windows, premium)) => {
                let date = |d: chrono::NaiveDate| LineInput::with_text(&d.format("%Y-%m-%d").to_string());
                let fields = 1 + 2 * windows.len();
                self.modal = Some(Modal::EditPolicy(EditPolicyForm {
                    name: name.to_owned(),
                    path,
                    premium_was_fen: money::parse_yuan(&premium),
                    premium: LineInput::with_text(&premium),
                    windows: windows.into_iter().map(|w| (w.name, date(w.from), date(w.to))).collect(),
                    focus: EditPolicyField::Premium,
                    error: None,
                    touched: vec![false; fields],
                    premium_ok: false,
                }));
            }
            Err(e) => self.fail(e),
        }
    }

    pub fn update_edit_policy(&mut self, mut form: EditPolicyForm, action: Action) -> Option<Modal> {
        form.error = None;
        let windows = form.windows.len();
        match action {
            Action::Back => {
                self.open_policies();
                return None;
            }
            Action::Up | Action::PreviousField => form.focus = form.focus.previous(windows),
            Action::Down | Action::NextField => form.focus = form.focus.next(windows),
            Action::Confirm => return self.save_edited_policy(form, false),
            a => {
                let field = match form.focus {
                    EditPolicyField::Premium => Some(&mut form.premium),
                    EditPolicyField::From(i) => form.windows.get_mut(i).map(|w| &mut w.1),
                    EditPolicyField::To(i) => form.windows.get_mut(i).map(|w| &mut w.2),
                };
                let touched = form.touched.get_mut(form.focus.index());
                if let (Some(field), Some(touched)) = (field, touched)
                    && field.edit_filled(&a, touched)
                    && form.focus == EditPolicyField::Premium
                {
                    form.premium_ok = false;
                }
            }
        }
        Some(Modal::EditPolicy(form))
    }

    /// Checks the form, writes the file in place (a new file renamed over the old, so a crash leaves one or the
    /// other), and uses the new rules at once when the drive's policy is this one. Such an edit re-reads the
    /// payments already recorded: unless `moves_ok` (the operator said yes), one that would move to another
    /// window, cover or amount is asked about first, No leaving the file as it was.
    pub(super) fn save_edited_policy(&mut self, mut form: EditPolicyForm, moves_ok: bool) -> Option<Modal> {
        let t = self.text;
        let Some(premium_fen) = money::parse_yuan(form.premium.text().trim()).filter(|&f| f > 0) else {
            form.focus = EditPolicyField::Premium;
            form.error = Some(t.bad_amount.to_owned());
            return Some(Modal::EditPolicy(form));
        };
        // Asked first, before any payment it would move: a premium far from the one the file held is a slip
        // (a digit too many, the old amount joined to the new) more often than a new notice; every amount due,
        // form and notice of the year would quote it.
        if !form.premium_ok {
            if let Some(question) = self.premium_far_question(form.premium_was_fen, premium_fen) {
                return Some(Modal::Confirm(Confirm { question, then: Then::EditPolicy(Box::new(form)), yes: false }));
            }
            form.premium_ok = true;
        }
        let mut dates = Vec::with_capacity(form.windows.len());
        for (i, (name, from, to)) in form.windows.iter().enumerate() {
            let day = |input: &LineInput| chrono::NaiveDate::parse_from_str(input.text().trim(), "%Y-%m-%d").ok();
            match (day(from), day(to)) {
                (Some(from), Some(to)) => dates.push(policy::WindowDates { name: name.clone(), from, to }),
                (first, _) => {
                    let bad = if first.is_none() { from } else { to };
                    // Written as a date, but a day the calendar has not (2026-02-30): said as such.
                    let parts: Vec<u32> = bad.text().trim().split('-').filter_map(|p| p.parse().ok()).collect();
                    let shaped = matches!(parts[..], [_, 1..=12, 1..=31]);
                    form.error = Some(if shaped {
                        fill(t.policy_no_such_day, &[&bad.text().trim()])
                    } else {
                        t.policy_bad_date.to_owned()
                    });
                    form.focus = if first.is_none() { EditPolicyField::From(i) } else { EditPolicyField::To(i) };
                    return Some(Modal::EditPolicy(form));
                }
            }
        }
        let edited = std::fs::read_to_string(&form.path).map_err(|e| e.to_string()).and_then(|text| {
            policy::edit_premium_and_windows(
                &form.name,
                &text,
                premium_fen,
                &dates,
                crate::domain::category::CategoryTable::builtin(),
            )
            // The file is a 政策文件 to the operator (a 数据文件 is the drive), in the screen's language.
            .map_err(|e| {
                let (zh, en) = e.named_as("政策文件", "policy file");
                t.pick(&zh, &en).to_owned()
            })
        });
        let (text, edited) = match edited {
            Ok(done) => done,
            Err(e) => {
                form.error = Some(e);
                return Some(Modal::EditPolicy(form));
            }
        };
        // Asked only when the drive takes the edit: else its recorded payments read as before.
        if !moves_ok
            && self.may_adopt_policy_edit()
            && let Some(question) = self.payments_moved_question(&edited)
        {
            return Some(Modal::Confirm(Confirm { question, then: Then::EditPolicy(Box::new(form)), yes: false }));
        }
        let written = crate::private_file::write_whole(&form.path, text.as_bytes(), Existing::Replace);
        if let Err(e) = written {
            form.error = Some(self.in_language(crate::io::year_policy::write_error(&e, &form.path)));
            return Some(Modal::EditPolicy(form));
        }
        let drives = self.policy.as_ref().is_some_and(|p| p.name == edited.name);
        // The drive's policy edited: its copy in the drive is replaced as `policy use` would (one transaction),
        // so every command, the next session and the drive's other laptops quote what this screen does. A drive
        // that cannot take it (opened read-only, a closed year shown) keeps its copy, and the screen with it.
        let kept = match drives {
            true if self.may_adopt_policy_edit() => Some(self.store.keep_policy_text(&edited.name, &text)),
            true => None,
            false => Some(Ok(())),
        };
        match kept {
            Some(Ok(())) if drives => {
                self.policy = Some(edited.clone());
                // The policy file is no edit `u` takes back: `u` says so, rather than undo an older mark past it.
                self.undo.forget_at_policy_edit();
                self.mark_part_paid();
                self.reload_detail();
                self.recount();
                self.say(fill(t.policy_saved_drive, &[&edited.title, &form.path.display()]));
            }
            Some(Ok(())) => self.say(fill(t.policy_saved, &[&edited.title, &form.path.display()])),
            Some(Err(_)) | None => {
                let was = self.policy.as_ref().map(|p| money::plain(p.personal_premium_fen)).unwrap_or_default();
                let said = fill(t.policy_saved_drive_unchanged, &[&edited.name, &was]);
                match kept {
                    Some(Err(e)) => self.fail(format!("{said}{}{e}{}", t.pick("（", " ("), t.pick("）", ")"))),
                    _ => self.say(said),
                }
            }
        }
        self.open_policies_at(Some(&edited.name));
        None
    }

    /// The question before saving a premium far from `was_fen` (the file's, or the base policy's for a new one):
    /// more than twice or under half of it, or, with none to compare, above any resident premium (2,000 元).
    fn premium_far_question(&self, was_fen: Option<i64>, premium_fen: i64) -> Option<String> {
        if !policy::premium_far(was_fen, premium_fen) {
            return None;
        }
        let now = money::plain(premium_fen);
        Some(match was_fen.filter(|&w| w > 0) {
            Some(was) => fill(self.text.policy_premium_far, &[&now, &money::plain(was)]),
            None => fill(self.text.policy_premium_high, &[&now]),
        })
    }

    /// Whether an edit of the drive's policy file can be taken into the drive at once: not on a drive opened
    /// read-only, nor while a closed year is shown (that year keeps the copy it went by).
    fn may_adopt_policy_edit(&self) -> bool {
        !self.store.is_read_only() && self.store.viewed_year().is_none()
    }

    /// The question before saving `edited` over the drive's policy when recorded payments would read otherwise
    /// under it (how many, and one or two of them with what changes); `None` when none would, or the drive uses
    /// another policy.
    fn payments_moved_question(&self, edited: &Policy) -> Option<String> {
        let t = self.text;
        let before = self.policy.as_ref().filter(|p| p.name == edited.name)?;
        let pupils = self.store.students(&Default::default()).ok()?;
        let moved = policy::payments_read_otherwise(before, edited, &pupils, self.store.shown_year());
        let said = |q: &Option<policy::Quote>| match q {
            Some(q) => fill(
                t.policy_moved_quote,
                &[&q.window, &q.coverage_from, &q.coverage_to, &money::plain(q.personal_due_fen)],
            ),
            None => t.policy_moved_no_amount.to_owned(),
        };
        // Only examples whose words change: a department's share moved alone reads 「应缴 0 元」 both ways.
        let examples: Vec<String> = moved
            .iter()
            .map(|m| (m, said(&m.was), said(&m.will)))
            .filter(|(_, was, will)| was != will)
            .take(2)
            .map(|(m, was, will)| fill(t.policy_moved_example, &[&m.pupil.name, &m.day, &was, &will]))
            .collect();
        // Paid in full before the edit, short after it: 部分缴费, no longer insured. Said first, by name.
        let short = |q: &Option<policy::Quote>, s: &crate::domain::student::Student| {
            q.as_ref().is_some_and(|q| policy::shortfall_fen(s, q).is_some())
        };
        let uninsured: Vec<&str> = moved
            .iter()
            .filter(|m| m.pupil.enrollment != crate::domain::student::Enrollment::Left)
            .filter(|m| !short(&m.was, m.pupil) && short(&m.will, m.pupil))
            .map(|m| m.pupil.name.as_str())
            .collect();
        // Counted as the policy choice and `policy use` count them: a payment recorded without a date (read for
        // today) is short too, which the dated payments above leave out.
        let newly_short = self.store.newly_short_under(Some(before), edited).unwrap_or(0).max(uninsured.len());
        if moved.is_empty() && newly_short == 0 {
            return None;
        }
        let mut question = String::new();
        if !uninsured.is_empty() {
            let shown: Vec<&str> = uninsured.iter().take(5).copied().collect();
            let more = if newly_short > shown.len() { t.pick("等", " and others") } else { "" };
            let names = format!("{}{more}", shown.join(t.pick("、", ", ")));
            question.push_str(&fill(t.policy_ask_uninsured, &[&newly_short, &names]));
        } else if newly_short > 0 {
            question.push_str(&fill(t.policy_ask_short, &[&newly_short]));
        }
        if moved.is_empty() {
            question.push_str(t.policy_ask_save);
            return Some(question);
        }
        let examples = if examples.is_empty() {
            t.pick("（金额不变，部门代缴部分改变）", "(the department's share only)").to_owned()
        } else {
            examples.join(t.pick("；", "; "))
        };
        question.push_str(&fill(t.policy_ask_moves, &[&moved.len(), &examples]));
        Some(question)
    }

    /// The insured year a drive held today is collecting for: from September on, next year's.
    fn insured_year_now(&self) -> i32 {
        let today = self.store.today();
        if today.month() >= 9 { today.year() + 1 } else { today.year() }
    }

    pub fn update_new_policy(&mut self, mut form: NewPolicyForm, action: Action) -> Option<Modal> {
        form.error = None;
        match action {
            Action::Back if form.from_list => {
                self.open_policies_at(Some(&form.base));
                return None;
            }
            Action::Back => return None,
            Action::Up | Action::PreviousField => form.focus = form.focus.previous(),
            Action::Down | Action::NextField => form.focus = form.focus.next(),
            Action::Confirm => return self.write_new_policy(form),
            a => {
                let (field, touched) = match form.focus {
                    NewPolicyField::Name => (&mut form.name, &mut form.touched[0]),
                    NewPolicyField::Year => (&mut form.year, &mut form.touched[1]),
                    NewPolicyField::Premium => (&mut form.premium, &mut form.touched[2]),
                };
                if field.edit_filled(&a, touched) && form.focus == NewPolicyField::Premium {
                    form.premium_ok = false;
                }
            }
        }
        Some(Modal::NewPolicy(form))
    }

    pub(super) fn write_new_policy(&mut self, mut form: NewPolicyForm) -> Option<Modal> {
        let t = self.text;
        let name = form.name.text().trim().to_owned();
        let refuse = |mut form: NewPolicyForm, focus: NewPolicyField, error: &str| {
            form.focus = focus;
            form.error = Some(error.to_owned());
            Some(Modal::NewPolicy(form))
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return refuse(form, NewPolicyField::Name, t.policy_bad_name);
        }
        let Some(year) = form.year.text().trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)) else {
            return refuse(form, NewPolicyField::Year, t.policy_bad_year);
        };
        let premium = form.premium.text().trim();
        let premium_fen = if premium.is_empty() { None } else { money::parse_yuan(premium) };
        if !premium.is_empty() && premium_fen.is_none() {
            return refuse(form, NewPolicyField::Premium, t.bad_amount);
        }
        let Some(config) = self.config_dir.clone() else {
            return refuse(form, NewPolicyField::Name, t.policy_no_config);
        };
        if let Some(premium_fen) = premium_fen.filter(|_| !form.premium_ok) {
            let base_fen = self.policy_set().get(&form.base).map(|p| p.personal_premium_fen);
            if let Some(question) = self.premium_far_question(base_fen, premium_fen) {
                return Some(Modal::Confirm(Confirm { question, then: Then::NewPolicy(Box::new(form)), yes: false }));
            }
        }
        let dir = config.join("policies");
        let target = dir.join(format!("{name}.toml"));
        if target.exists() || self.policy_set().get(&name).is_some() {
            return refuse(form, NewPolicyField::Name, t.policy_exists);
        }
        let base_text = match std::fs::read_to_string(dir.join(format!("{}.toml", form.base))) {
            Ok(text) => text,
            Err(_) => policy::builtin_text(&form.base).unwrap_or_default().to_owned(),
        };
        let request = Renewal { name: &name, base_name: &form.base, base_text: &base_text, year, premium_fen };
        let renewed = match policy::renew(&request, crate::domain::category::CategoryTable::builtin()) {
            Ok(r) => r,
            Err(e) => {
                form.error = Some(self.in_language(e.to_string()));
                return Some(Modal::NewPolicy(form));
            }
        };
        if let Err(e) = crate::io::year_policy::write_policy_file(&config, &name, &renewed.text) {
            form.error = Some(self.in_language(e));
            return Some(Modal::NewPolicy(form));
        }
        // The status line's 「未找到本校所在城市的政策…按 n 生成」 has been done: it would stay, stale, under the report.
        if self.status.as_ref().is_some_and(|s| s.text == t.policy_pick_base) {
            self.status = None;
        }
        let mut lines = vec![fill(t.policy_written, &[&target.display()])];
        // Made for the drive's year while the drive has no policy of that year: it is the one the operator
        // means to use, so it is used (a policy of the drive's own year is kept, and the operator told how
        // to change it).
        let drive_year = self.store.current_year();
        let fits = |p: &Policy| Some(p.insured_year) == drive_year;
        let before = self.policy.as_ref().map(|p| p.name.clone());
        if self.policy.as_ref().is_some_and(fits) || !fits(&renewed.policy) || self.store.is_read_only() {
            if let Some(before) = &before {
                lines.push(fill(t.policy_new_not_chosen, &[before]));
            }
        } else {
            match self.store.set_meta(POLICY_META_KEY, &name) {
                Ok(()) => {
                    let _ = self.store.keep_policy_text(&name, &renewed.text);
                    lines.push(fill(t.policy_new_chosen, &[&before.as_deref().unwrap_or("-")]));
                    self.policy = Some(renewed.policy.clone());
                    self.mark_part_paid();
                    self.reload_detail();
                    self.recount();
                }
                Err(e) => lines.push(e.to_string()),
            }
        }
        lines.extend(renewed.policy.windows.iter().map(|w| format!("{}：{} ~ {}", w.name, w.from, w.to)));
        lines.push(t.policy_check.to_owned());
        lines.extend(renewed.to_check.iter().map(|c| format!("- {}", t.pick(&c.zh, &c.en))));
        self.show(t.policy_new_title, lines, false);
        None
    }

    /// The payments 检查名单 lists as paid at the tax office and not recorded here, to dismiss one; said in the status
    /// line when there is none.
    pub(crate) fn open_dismiss_payment(&mut self, lines: Vec<crate::domain::roster_check::UnrecordedPayment>) {
        if lines.is_empty() {
            return self.say(self.text.dismiss_none);
        }
        self.modal =
            Some(Modal::DismissPayment { lines, cursor: 0, why: LineInput::with_text(""), jump: LineJump::default() });
    }

    /// The payments dismissed, to take a dismissal back; said in the status line when there is none.
    pub(crate) fn open_undismiss_payment(&mut self, lines: Vec<crate::store::DismissedLine>) {
        if lines.is_empty() {
            return self.say(self.text.undismiss_none);
        }
        let jump = LineJump::default();
        self.modal = Some(Modal::UndismissPayment { lines, cursor: 0, why: LineInput::with_text(""), jump });
    }

    pub fn update_undismiss_payment(
        &mut self,
        lines: Vec<crate::store::DismissedLine>,
        cursor: usize,
        typed: (LineInput, LineJump),
        action: Action,
    ) -> Option<Modal> {
        // Taken back with a reason, as `check --undismiss` requires --why.
        let word = PaymentWord {
            line: |l: &crate::store::DismissedLine| &l.line,
            modal: |lines, cursor, why, jump| Modal::UndismissPayment { lines, cursor, why, jump },
            undo: true,
            needs_why: self.text.undismiss_needs_why,
        };
        self.update_payment_word(lines, cursor, typed, action, word)
    }

    pub fn update_dismiss_payment(
        &mut self,
        lines: Vec<crate::domain::roster_check::UnrecordedPayment>,
        cursor: usize,
        typed: (LineInput, LineJump),
        action: Action,
    ) -> Option<Modal> {
        // A dismissal says why, as `check --dismiss` requires --why: an Enter alone dismisses nothing.
        let word = PaymentWord {
            line: |l: &crate::domain::roster_check::UnrecordedPayment| l,
            modal: |lines, cursor, why, jump| Modal::DismissPayment { lines, cursor, why, jump },
            undo: false,
            needs_why: self.text.dismiss_needs_why,
        };
        self.update_payment_word(lines, cursor, typed, action, word)
    }

    /// A kept payment's line picked and a reason typed, then a dismissal of it or its taking back, on the job
    /// thread: both read the kept payments' whole log (`Work::Dismiss`).
    fn update_payment_word<L>(
        &mut self,
        lines: Vec<L>,
        mut cursor: usize,
        (mut why, mut jump): (LineInput, LineJump),
        action: Action,
        word: PaymentWord<L>,
    ) -> Option<Modal> {
        // A page is the lines the dialog shows; with thousands kept, the one `check` named is typed, not scrolled to.
        const PAGE: usize = 8;
        let last = lines.len().saturating_sub(1);
        // Home and End move the caret of a reason being typed, the pick otherwise.
        let on_list = !jump.to_why || why.is_empty();
        let mut jumped = false;
        match action {
            // Esc clears a jump typed first, as it clears the roster's search, then closes.
            Action::Back if !jump.typed.is_empty() => jump.typed.clear(),
            Action::Back => return None,
            Action::Up => cursor = cursor.saturating_sub(1),
            Action::Down => cursor = (cursor + 1).min(last),
            Action::PageUp => cursor = cursor.saturating_sub(PAGE),
            Action::PageDown => cursor = (cursor + PAGE).min(last),
            Action::Top if on_list => cursor = 0,
            Action::Bottom if on_list => cursor = last,
            Action::NextField | Action::PreviousField => jump.to_why = !jump.to_why,
            Action::Confirm => {
                let line = (word.line)(lines.get(cursor)?);
                if why.text().trim().is_empty() {
                    self.fail(word.needs_why);
                    jump.to_why = true;
                    return Some((word.modal)(lines, cursor, why, jump));
                }
                let (line, why, undo) = (Box::new(line.clone()), why.text().to_owned(), word.undo);
                self.start(Work::Dismiss { line, why, undo });
                return None;
            }
            Action::Input(c) if !jump.to_why && LineJump::takes(c) => {
                if jump.typed.is_empty() {
                    jump.from = cursor;
                }
                jump.typed.insert(c);
                jumped = true;
            }
            Action::Paste(ref s) if !jump.to_why && !s.trim().is_empty() && s.trim().chars().all(LineJump::takes) => {
                if jump.typed.is_empty() {
                    jump.from = cursor;
                }
                jump.typed.insert_str(s.trim());
                jumped = true;
            }
            Action::Backspace if !jump.to_why && !jump.typed.is_empty() => {
                jump.typed.backspace();
                jumped = !jump.typed.is_empty();
            }
            a => {
                // A character no number or reference holds (「已」 of 「已核实」) starts the reason.
                jump.to_why |= matches!(a, Action::Input(_) | Action::Paste(_));
                why.edit(&a);
            }
        }
        if jumped {
            cursor = jump.target(lines.iter().map(word.line)).unwrap_or(jump.from);
        }
        Some((word.modal)(lines, cursor, why, jump))
    }

    /// A dismissal (or its taking back, `undo`) of `line` with the reason `why`, done on the job thread: said in
    /// the status line, the taking back with the line's number (`check --dismissed` names it so).
    pub(crate) fn payment_word_done(
        &mut self,
        line: &crate::domain::roster_check::UnrecordedPayment,
        why: &str,
        undo: bool,
        done: Result<bool, String>,
    ) {
        let en = self.lang == crate::words::Language::En;
        match done {
            Ok(true) => {
                let (number, name, place, reason) = (line.label(), &line.name, line.place(en), why.trim());
                let said = if undo {
                    fill(self.text.undismissed, &[&number, name, &place, &reason])
                } else {
                    fill(self.text.dismissed, &[name, &number, &place, &reason])
                };
                self.say(said);
            }
            Ok(false) => self.fail(if undo { self.text.undismiss_gone } else { self.text.dismiss_gone }),
            Err(e) => self.fail(e),
        }
    }

    pub fn update_rename_school(
        &mut self,
        schools: Vec<String>,
        mut cursor: usize,
        mut name: LineInput,
        action: Action,
    ) -> Option<Modal> {
        match action {
            Action::Back => return None,
            Action::Up | Action::Down => {
                cursor = if matches!(action, Action::Up) {
                    cursor.saturating_sub(1)
                } else {
                    (cursor + 1).min(schools.len().saturating_sub(1))
                };
                name.set(schools.get(cursor).map(String::as_str).unwrap_or(""));
            }
            Action::Confirm => {
                let old = schools.get(cursor)?;
                let new = name.text().trim().to_owned();
                if new.is_empty() || new == *old {
                    return Some(Modal::RenameSchool { schools, cursor, name });
                }
                // Onto another school's name merges the two, which nothing parts again: asked as such, 否 by
                // default, as `school rename --merge` is the shell's explicit word for it.
                if self.schools.contains(&new) {
                    let sizes = (self.pupils(self.school_size(&new)), self.pupils(self.school_size(old)));
                    let question = fill(self.text.ask_merge_school, &[&new, &sizes.0, old, &sizes.1]);
                    let then = Then::Start(Box::new(Work::RenameSchool { old: old.clone(), new, merge: true }));
                    self.modal = Some(Modal::Confirm(Confirm { question, then, yes: false }));
                    return None;
                }
                // Every pupil of the school changes, and the name goes on every form: asked as any change to
                // many pupils is, 否 by default (the field opens holding the old name, so a name typed after it
                // is an easy slip).
                let question = fill(self.text.ask_rename_school, &[&self.school_size(old), old, &new]);
                let then = Then::Start(Box::new(Work::RenameSchool { old: old.clone(), new, merge: false }));
                self.modal = Some(Modal::Confirm(Confirm { question, then, yes: false }));
                return None;
            }
            a => {
                name.edit(&a);
            }
        }
        Some(Modal::RenameSchool { schools, cursor, name })
    }

    /// How many pupils of the roster are at `school` (the roster holds each school's pupils as one run).
    fn school_size(&self, school: &str) -> usize {
        let runs = &self.data.schools;
        let Some(i) = runs.iter().position(|(_, name)| name == school) else { return 0 };
        let end = runs.get(i + 1).map_or(self.data.len(), |(first, _)| *first as usize);
        end.saturating_sub(runs[i].0 as usize)
    }

    /// A rename done on the worker: the roster read again, and the rename kept to be undone as one edit (each
    /// pupil's school written back, audited as any undo).
    pub fn renamed(&mut self, old: &str, new: &str, ids: Vec<i64>, data: Option<crate::tui::roster::RosterData>) {
        use crate::store::{Field, FieldChange};
        use crate::tui::undo::{Edit, PupilEdit};
        let n = ids.len();
        let pupils = ids
            .into_iter()
            .map(|id| PupilEdit {
                id,
                before: vec![FieldChange::new(Field::School, Some(old))],
                after: vec![FieldChange::new(Field::School, Some(new))],
            })
            .collect();
        self.undo.push(Edit::fields(pupils));
        match data.map_or_else(|| crate::tui::roster::RosterData::load(&self.store), Ok) {
            Ok(d) => self.replace_data(d),
            Err(e) => return self.fail(e.to_string()),
        }
        self.reload_detail();
        let key = self.keymap.keys_for(crate::tui::keymap::Context::Roster, "undo").first().map(|k| k.to_string());
        self.say(fill(self.text.school_renamed, &[&old, &new, &self.pupils(n), &key.unwrap_or_default()]));
    }

    /// Two schools merged into one (`school rename --merge`): no edit of the screen can part them, so it is kept
    /// out of undo, and so is every edit before it, whose pupils' school may be the merged one now.
    pub fn merged_schools(&mut self, old: &str, new: &str, n: usize, data: Option<crate::tui::roster::RosterData>) {
        self.undo.forget();
        match data.map_or_else(|| crate::tui::roster::RosterData::load(&self.store), Ok) {
            Ok(d) => self.replace_data(d),
            Err(e) => return self.fail(e.to_string()),
        }
        self.reload_detail();
        self.say(fill(self.text.schools_merged, &[&old, &self.pupils(n), &new]));
    }

    /// Asks before a backup replaces the drive, saying when it was taken and how many pupils it holds, read
    /// from the file itself (a file that is no drive is refused here, before anything is touched).
    pub fn ask_restore(&mut self, file: PathBuf) {
        match (self.store.describe_backup(&file)).map_err(|e| {
            crate::io::drive_or_list::named_other_file_error(e, &file, crate::store::OtherFileUse::Restore)
        }) {
            Ok(facts) => {
                let named = if facts.schools.is_empty() {
                    "-".to_owned()
                } else {
                    facts.schools.join(self.text.pick("、", ", "))
                };
                let (pupils, now) = (facts.pupils, facts.current_pupils);
                let mut question =
                    fill(self.text.restore_question, &[&file.display(), &facts.taken, &named, &pupils, &now]);
                // What the restore takes back, counted: 「恢复」 alone does not say whether it is the last mark or the
                // whole morning's work.
                if let Some(undone) = facts.changes_undone {
                    // By kind too, as `restore --dry-run` says it: an import's 240 rows and 3 marks are not alike.
                    let taken = facts.kept_up_to.filter(|_| undone > 0).and_then(|after| {
                        self.store.changes_taken_back(after, 0).ok().filter(|t| !t.by_kind.is_empty())
                    });
                    match taken {
                        Some(taken) => {
                            let (zh, en) = crate::words::restore::by_kind(&taken);
                            let kinds = self.text.pick(&zh, &en).to_owned();
                            question.push_str(&fill(self.text.restore_undoes_kinds, &[&undone, &kinds]));
                        }
                        None => question.push_str(&fill(self.text.restore_undoes, &[&undone])),
                    }
                }
                // Another school's drive, or another laptop's: said before Yes (the command line refuses it
                // without --force).
                if let Some(difference) = facts.differs {
                    use crate::store::backup::Difference;
                    let why = match difference {
                        Difference::School => self.text.restore_differs_school,
                        Difference::Diverged => self.text.restore_differs_diverged,
                        Difference::Unconnected => self.text.restore_differs_unconnected,
                        Difference::Empty => self.text.restore_differs_empty,
                    };
                    question.push_str(&fill(self.text.restore_not_ours, &[&why]));
                }
                let then = Then::Start(Box::new(Work::Restore { file }));
                self.modal = Some(Modal::Confirm(Confirm { question, then, yes: false }));
            }
            Err(e) => {
                let words = self.refusal_words(e);
                self.fail(words)
            }
        }
    }

    /// A refusal of the store in the screen's words: a class list given to a merge or a restore names the key that
    /// imports one, where the command line's words name `canbao import`, which is no use in the screen.
    pub(crate) fn refusal_words(&self, e: crate::store::StoreError) -> String {
        match e {
            crate::store::StoreError::OtherFileTable { path, taken_for } => {
                let key = self.keymap.keys_for(crate::tui::keymap::Context::Roster, "import");
                let key = key.first().map(|k| k.to_string()).unwrap_or_default();
                let (zh, en) = taken_for.nothing();
                fill(self.text.other_file_table, &[&key, &self.text.pick(zh, en), &path])
            }
            crate::store::StoreError::OwnExport { path, form, import, taken_for } => {
                let (zh, en) = taken_for.nothing();
                let nothing = self.text.pick(zh, en);
                if import {
                    let key = self.keymap.keys_for(crate::tui::keymap::Context::Roster, "import");
                    let key = key.first().map(|k| k.to_string()).unwrap_or_default();
                    fill(self.text.own_export_importable, &[&key, &form, &nothing, &path])
                } else {
                    fill(self.text.own_export_refused, &[&form, &nothing, &path])
                }
            }
            e => e.to_string(),
        }
    }

    /// Asks before an export overwrites a file that is there already, naming the form and school of an earlier
    /// export of another (which `export` refuses without `--force`). `ours`: the signature of the form written
    /// (`ownership::form_signature`).
    pub fn ask_overwrite(&mut self, target: &std::path::Path, ours: Option<&str>, work: Work) {
        let other = ours.and_then(|ours| crate::io::export::other_form_there(target, ours));
        // The form in the screen's language: its Chinese title on an English screen said nothing.
        let other = other.map(|(form, school)| match self.text.lang {
            crate::tui::Language::En => (crate::io::ownership::form_name_en(&form), school),
            _ => (form, school),
        });
        let question = match other {
            Some((form, Some(school))) => {
                fill(self.text.ask_overwrite_other_form, &[&target.display(), &school, &form])
            }
            Some((form, None)) => fill(self.text.ask_overwrite_other_form_unnamed, &[&target.display(), &form]),
            None => fill(self.text.ask_overwrite, &[&target.display()]),
        };
        self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Start(Box::new(work)), yes: false }));
    }

    /// Whether the drive's policy has a payment window covering today; said once when the app opens.
    pub fn policy_covers_today(&self) -> bool {
        self.policy.as_ref().is_none_or(|p| p.window_for(self.store.today()).is_some())
    }
}

/// The city a policy's title names (「柳州市2023年度」 → 柳州), matched against the school's name.
fn policy_city(title: &str) -> Option<&str> {
    let (city, _) = title.split_once('市')?;
    // Two characters at least: a title starting 「市…」 names no city.
    (city.chars().count() >= 2).then_some(city)
}

/// What [`App::update_payment_word`] does with the line picked: the line of a list entry, the dialog it stays in,
/// whether it takes a dismissal back (`undo`) or dismisses, and what it says when no reason was typed.
struct PaymentWord<L> {
    line: fn(&L) -> &crate::domain::roster_check::UnrecordedPayment,
    modal: fn(Vec<L>, usize, LineInput, LineJump) -> Modal,
    undo: bool,
    needs_why: &'static str,
}
