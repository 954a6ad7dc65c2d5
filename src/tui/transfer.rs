//! Import, export and the sample school: prompts, jobs, and what their results do to the app.

use std::path::{Path, PathBuf};

use super::app::App;
use super::input::LineInput;
use super::jobs::{self, JobKind, JobOutcome, Staged, Work};
use super::keymap::Context;
use super::modal::{Confirm, Message, Modal, PathPrompt, PathPurpose, PreviewedList, SchoolJoin, Then};
use super::palette::Form;
use super::roster::RosterData;
use super::text::fill;
use crate::io::class_list::{ImportReport, ImportRequest};
use crate::io::export::FileFormat;
use crate::io::sheet::{self, ExportOptions};

impl App {
    pub fn open_import(&mut self) {
        self.open_picker(PathPurpose::Import);
    }

    pub fn open_export(&mut self) {
        if self.export_refused(Form::Sheet) {
            return;
        }
        let name = sheet::default_file_name(
            &self.store,
            self.policy.as_ref(),
            None,
            None,
            self.store.today(),
            FileFormat::Xlsx,
            self.mask_exports,
        );
        // In the folder the last export went into, else the drive's, as the palette's forms are, whole from the
        // root: a bare name would go where canbao was started, which for a desktop launcher is no folder the
        // operator knows.
        let name = self.export_folder().join(&name).display().to_string();
        self.modal = Some(Modal::Path(PathPrompt {
            purpose: PathPurpose::Export,
            input: LineInput::with_text(&name),
            candidates: Vec::new(),
        }));
    }

    pub fn start_import(&mut self, path: PathBuf) {
        self.start_import_files(vec![path]);
    }

    /// Reads and checks the files as one import; the preview follows. A file ticked twice (through a symlinked
    /// folder) or a copy of another under a new name is read once and said, as the command line says it: read
    /// twice, each of its rows would be listed as its own duplicate.
    pub fn start_import_files(&mut self, paths: Vec<PathBuf>) {
        // Lists, not a pupil typed in: Esc on their preview has no form to go back to.
        self.added_pupil_form = None;
        self.start_import_files_into(paths, None);
    }

    /// [`App::start_import_files`] into `school` (as `import --school`), where the operator has no choice to make.
    pub(super) fn start_import_files_into(&mut self, paths: Vec<PathBuf>, school: Option<String>) {
        let given = crate::io::once_each::once_each(&paths);
        // The paths as the preview names them: below the folder they share, which the picker showed.
        let shared = shared_folder(&paths);
        // Bilingual as the report's other warnings: the preview says each in the screen's language.
        let read_once: Vec<String> =
            given.again.iter().map(|again| again.under(&shared).said(("读", "read")).0).collect();
        self.import_ticked = (paths.clone(), read_once.clone());
        match ImportRequest::new(&self.store, given.kept, school) {
            Ok(mut request) => {
                request.config_dir = self.config_dir.clone();
                request.read_once = read_once;
                self.start(Work::Plan { request })
            }
            Err(e) => self.job_done(JobOutcome::Failed(e.to_string())),
        }
    }

    /// A read-only window writes no form with whole ID numbers: an export of them is recorded in the drive's
    /// history, as a reveal is, and such a window writes nothing (said, and `true`). A masked copy, the summary and
    /// the notices show no whole number and go ahead; so does a window showing an earlier year, which records it.
    /// The sample file exports nothing.
    pub fn export_refused(&mut self, form: Form) -> bool {
        // The title bar's 示例数据 is the only other sign: a form exported from here looks like a real one.
        if self.demo {
            self.fail(self.text.sample_export_refused);
            return true;
        }
        let masked = self.mask_exports && !form.for_agencies();
        let refused = self.store.opened_read_only() && form.full_id_form(masked).is_some();
        if refused {
            self.fail(self.text.read_only_export);
        }
        refused
    }

    pub fn start_export(&mut self, target: PathBuf) {
        if self.export_refused(Form::Sheet) {
            return;
        }
        let (target, format) = self.sheet_target(target);
        // A CSV holds one school, which the command line picks with `export --school`: on a drive of several the
        // screen's way is the workbook, a sheet per school, said before anything is written.
        if format == FileFormat::Csv
            && let Ok(schools) = self.store.schools()
            && schools.len() > 1
        {
            let named = schools.join(self.text.pick("、", ", "));
            return self.fail(fill(self.text.export_csv_many_schools, &[&schools.len(), &named]));
        }
        if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty()) {
            self.last_export_folder = Some(folder.to_path_buf());
        }
        self.export_masked = self.mask_exports;
        let options =
            ExportOptions { format, school: None, class: None, mask: self.mask_exports, date: self.store.today() };
        // The drive, its sidecars and backups, and a file of another type are refused as `export --out` refuses
        // them; an earlier export is asked about.
        // Nor are whole numbers written under a masked copy's name (…-打码.xlsx): refused before any question of
        // replacing it, whether or not it is there.
        let checked = crate::io::export::check_target(&target, format, self.store.path())
            .and_then(|()| crate::io::export::check_masked_name(&target, self.mask_exports));
        if let Err(e) = checked {
            self.job_done(JobOutcome::Failed(e.to_string()));
            return;
        }
        let work = Work::Export { target: target.clone(), options, policy: self.policy.clone() };
        let folder = target.parent().filter(|f| !f.as_os_str().is_empty());
        if let Some(folder) = folder.filter(|f| missing_deep(f)) {
            self.ask_make_folder(folder, work);
        } else if target.exists() {
            // The sheet's first school is the one its label row names.
            let first = self.store.schools().ok().and_then(|schools| schools.into_iter().next());
            let ours = first.map(|school| crate::io::ownership::sheet_signature(&school));
            self.ask_overwrite(&target, ours.as_deref(), work);
        } else {
            self.start(work);
        }
    }

    /// The file an export of the sheet to the path typed (`target`) writes, and its format: the export dialog
    /// shows it under the path, so a name that becomes another (「名单.xlsxq」 written as 「名单.xlsxq.xlsx」) is seen.
    pub(crate) fn sheet_target(&self, target: PathBuf) -> (PathBuf, FileFormat) {
        let target = self.sheet_in_folder(target);
        let format = match target.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => FileFormat::Csv,
            _ => FileFormat::Xlsx,
        };
        // The file is named after its format: "表" becomes "表.xlsx", never an XLSX without an extension.
        let target = match target.extension() {
            Some(e) if e.eq_ignore_ascii_case(format.extension()) => target,
            _ => {
                let mut name = target.clone().into_os_string();
                name.push(".");
                name.push(format.extension());
                PathBuf::from(name)
            }
        };
        // A masked copy's name says so, a name typed too (名单.xlsx is written as 名单-打码.xlsx).
        let target = if self.mask_exports { crate::io::export::masked_name(&target) } else { target };
        (target, format)
    }

    /// A folder typed for the sheet (one that exists, or a path ending in /, created if missing) gets the sheet
    /// under its usual name, as `export sheet --out folder/` does; so does a bare `.xlsx` / `.csv` in a folder.
    /// Else the path "/x/out/" became the hidden file "/x/out/.xlsx", which a file manager does not show.
    fn sheet_in_folder(&self, target: PathBuf) -> PathBuf {
        let trailing = target.as_os_str().to_string_lossy().ends_with(std::path::is_separator);
        let bare = target.file_name().and_then(|n| n.to_str()).map(str::to_ascii_lowercase);
        let format = match bare.as_deref() {
            Some(".csv") => Some(FileFormat::Csv),
            Some(".xlsx") => Some(FileFormat::Xlsx),
            _ => None,
        };
        let (folder, format) = match format {
            Some(format) if !trailing => (target.parent().map(Path::to_owned).unwrap_or_default(), format),
            _ if trailing || target.is_dir() => (target, FileFormat::Xlsx),
            _ => return target,
        };
        let policy = self.policy.as_ref();
        folder.join(sheet::default_file_name(
            &self.store,
            policy,
            None,
            None,
            self.store.today(),
            format,
            self.mask_exports,
        ))
    }

    /// Runs work on a worker thread when the drive is a file; an in-memory drive (tests, previews) cannot be
    /// shared with another connection, so its work runs here.
    pub fn start(&mut self, work: Work) {
        match self.store.reopener() {
            Some(db) => {
                let kind = work.kind();
                self.jobs.spawn(work, db, self.store.operator().to_owned());
                self.modal = Some(Modal::Working(kind));
                self.say(self.text.job(kind));
            }
            None => {
                let outcome = jobs::execute(work, &mut self.store);
                self.job_done(outcome);
            }
        }
    }

    /// An older drive's search keys are written again on the worker (seconds for a county's drive), once no
    /// dialog and no other job is on screen: the roster shows meanwhile, and the keys wait as for any job. Not
    /// when quitting (a name question answered with q): the next open writes them.
    pub(super) fn prepare_search_when_free(&mut self) {
        if !self.search_outdated || self.quit || self.modal.is_some() || self.jobs.running().is_some() {
            return;
        }
        self.search_outdated = false;
        self.start(Work::PrepareSearch);
        self.say(self.text.search_preparing);
    }

    pub fn job_done(&mut self, outcome: JobOutcome) {
        let kind = self.jobs.running().map(|(kind, _)| kind);
        let stop_asked = self.jobs.stop_requested();
        self.jobs.finished();
        // Told to stop, it ended first having changed nothing (a preview read, a form not yet moved in): thrown
        // away as the operator asked, so no preview or question opens for the keys they type after saying stop.
        let outcome = match (outcome, kind) {
            (outcome, Some(kind)) if stop_asked && outcome.changed_nothing() && !outcome.must_be_shown() => {
                outcome.discard();
                JobOutcome::Stopped(kind)
            }
            (outcome, _) => outcome,
        };
        // A dialog of the operator's is open over the job (the question whether to stop it): the result waits
        // until it is answered, never put in its place, where keys typed for the question would reach it (a `y`
        // typed into the import preview's school name, an Enter applying a merge). What each answer now does is
        // said under it.
        // (A job run here, on a drive in memory, ends before anything else is shown.)
        if let Some(kind) = kind
            && self.modal.as_ref().is_some_and(|m| !matches!(m, Modal::Working(_)))
        {
            let under =
                if outcome.changed_nothing() { self.text.ended_under_question } else { self.text.saved_under_question };
            self.fail(under);
            self.held = Some((kind, Box::new(outcome)));
            return;
        }
        if matches!(self.modal, Some(Modal::Working(_))) {
            self.modal = None;
        }
        self.status = None;
        // Only what was saved came too late for the stop: an undo stopped before it wrote says it was stopped.
        let too_late = stop_asked && !outcome.changed_nothing();
        self.show_outcome(outcome);
        if too_late {
            self.fail(self.text.finished_before_stop);
        }
    }

    /// The result that waited behind a dialog, now the dialog is answered; thrown away when the app quits (a
    /// form's files with it).
    pub(super) fn show_held(&mut self) {
        let Some((_, outcome)) = self.held.take() else { return };
        if self.quit {
            outcome.discard();
            return;
        }
        self.status = None;
        self.show_outcome(*outcome);
    }

    /// Yes to stopping a job that had already ended: a result that changed nothing is thrown away, as the stop
    /// would have; one already saved is shown, saying it was too late to stop.
    pub(super) fn stop_ended(&mut self, kind: JobKind, outcome: JobOutcome) {
        if outcome.changed_nothing() && !outcome.must_be_shown() {
            outcome.discard();
            self.say(fill(self.text.ended_result_discarded, &[&self.text.job(kind)]));
        } else {
            let saved = !outcome.changed_nothing();
            self.status = None;
            self.show_outcome(outcome);
            if saved {
                self.fail(self.text.finished_before_stop);
            }
        }
    }

    fn show_outcome(&mut self, outcome: JobOutcome) {
        self.result_shown();
        match outcome {
            JobOutcome::Planned { request, preview, left_out, joined } => {
                self.import_retick = left_out;
                // New pupils whose list names no school: which school they are in is asked, never taken as
                // 「本校」 unasked. Pupils the drive holds already keep their school, so a list of only those (a
                // class moved) asks nothing. Offered: the drive's one school, when it has one; else the one school
                // the other files of the import name (a first import of a list with a title and one without): a
                // short name typed instead would make the drive two schools.
                let school = (preview.added_without_school > 0).then(|| {
                    let known = request.default_school.as_str();
                    let offered = if self.schools.iter().any(|s| s == known) {
                        known
                    } else {
                        match preview.schools.as_slice() {
                            [named] => named.as_str(),
                            _ => "",
                        }
                    };
                    LineInput::with_text(offered)
                });
                let mut join = school.is_none().then(|| SchoolJoin::find(&preview.schools, &self.schools)).flatten();
                // Shown: the import Enter does (all into the drive's school); the lists as written kept for Tab.
                let mut preview = preview;
                if let (Some(j), Some(joined)) = (join.as_mut(), joined) {
                    j.other = Some(Box::new(std::mem::replace(&mut preview, *joined)));
                }
                let request = Box::new(request);
                self.modal = Some(Modal::ImportPreview { request, preview, offset: 0, school, new_school: None, join });
            }
            JobOutcome::Imported { report, data } => {
                self.added_pupil = None;
                self.added_pupil_form = None;
                self.imported(&report, data)
            }
            JobOutcome::Exported(path) => {
                let path = std::fs::canonicalize(&path).unwrap_or(path);
                let text = fill(self.text.exported, &[&path.display()]);
                self.say_path(text.clone(), &path.display().to_string());
                let mut lines = vec![text];
                lines.extend(self.export_masking_note());
                lines.extend(self.csv_numbers_note(std::slice::from_ref(&path)));
                self.modal = Some(Modal::Message(Message {
                    title: self.text.export_done.to_owned(),
                    lines,
                    error: false,
                    offset: 0,
                }));
            }
            JobOutcome::ExportedForm { paths, skipped, swept } => {
                let written: Vec<PathBuf> =
                    paths.iter().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect();
                let mut lines: Vec<String> =
                    written.iter().map(|p| fill(self.text.exported, &[&p.display()])).collect();
                lines.extend(skipped);
                // What a killed export had left hidden in the folder held pupils' data: its removal is said.
                if swept > 0 {
                    lines.push(fill(self.text.export_swept_parts, &[&swept]));
                }
                lines.extend(self.export_masking_note());
                lines.extend(self.csv_numbers_note(&written));
                // Two files or more (the template's 参保 and 未参保): the status line, left once the box is closed,
                // names how many and their folder, not the first file as if it were all.
                let folder =
                    written.first().and_then(|p| p.parent()).filter(|f| written.iter().all(|p| p.parent() == Some(f)));
                match (written.first(), folder) {
                    (Some(_), Some(folder)) if written.len() > 1 => {
                        let text = fill(self.text.exported_files, &[&written.len(), &folder.display()]);
                        self.say_path(text, &folder.display().to_string());
                    }
                    (Some(first), _) => self.say_path(lines[0].clone(), &first.display().to_string()),
                    (None, _) => self.say(lines.first().cloned().unwrap_or_default()),
                }
                self.show(self.text.export_done, lines, false);
            }
            JobOutcome::Reconciled { file, report, data, .. } => {
                let lines = self.reconcile_lines(&report);
                if report.dry_run {
                    let lines = self.preview_lines(self.text.reconcile_preview, lines);
                    let ask = self.reconcile_question(&report);
                    self.modal = Some(Modal::reconcile_preview(file, lines, 0, ask, PreviewedList::from(&*report)));
                } else {
                    self.applied(data, self.text.reconcile_done, lines);
                }
            }
            JobOutcome::Merged { file, report, outside, data } => {
                let mut lines = vec![self.merge_file_line(&file, &report)];
                lines.extend(self.merge_lines(&report, &outside));
                if report.dry_run {
                    let lines = self.preview_lines(self.text.merge_preview, lines);
                    let ask = self.merge_question(&report);
                    self.modal = Some(Modal::MergePreview { file, lines, offset: 0, ask });
                } else {
                    // A policy taken from the other file is the drive's now: its amounts and ledgers too.
                    if report.policies.iter().any(|p| p.outcome == crate::store::merge_notes::PolicyOutcome::Taken) {
                        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
                    }
                    self.applied(data, self.text.merge_done, lines);
                }
            }
            JobOutcome::Checked(report) => {
                let mut lines = self.check_lines(&report);
                // The upgrade to fixed numbers numbered the kept payments anew: said once, by the first check that
                // lists them (here or `canbao check`), and remembered where the drive can be written.
                if !report.tax_paid_unrecorded.is_empty() && self.store.kept_numbers_changed().unwrap_or(false) {
                    lines.push(self.text.check_kept_renumbered.to_owned());
                    if !self.store.is_read_only() {
                        let _ = self.store.kept_numbers_change_said();
                    }
                }
                self.show(self.text.check_title, lines, false);
            }
            JobOutcome::ToDismiss(lines) => self.open_dismiss_payment(lines),
            JobOutcome::ToUndismiss(lines) => self.open_undismiss_payment(lines),
            JobOutcome::Dismissed { line, why, undo, done } => self.payment_word_done(&line, &why, undo, done),
            JobOutcome::BackedUp(path) => match path {
                Some(p) => self.say(fill(self.text.backed_up, &[&p.display()])),
                None => self.say(self.text.no_backup_needed),
            },
            JobOutcome::Restored { file, safety, data } => self.restored(&file, safety, data),
            JobOutcome::YearStarted { report, dry_run, written, data } => {
                self.year_job_done(report, dry_run, written, data)
            }
            JobOutcome::WouldReplace { staged, taken } => self.ask_to_replace(staged, &taken),
            JobOutcome::Renamed { old, new, merge: false, ids, data } => self.renamed(&old, &new, ids, data),
            JobOutcome::Renamed { old, new, merge: true, ids, data } => {
                self.merged_schools(&old, &new, ids.len(), data)
            }
            JobOutcome::Marked { items, label, note, outcomes, left_out, data } => {
                self.written_checked(items, (label, note), outcomes, &left_out, data)
            }
            JobOutcome::Rewritten { edit, backwards, failed, data } => self.rewritten(*edit, backwards, failed, data),
            JobOutcome::SearchPrepared { data } => {
                if let Some(data) = data {
                    self.replace_data(data);
                }
                self.say(self.text.search_prepared);
            }
            // Nothing of it was written (one transaction): the drive still says so, and the next open writes them.
            JobOutcome::Stopped(JobKind::PreparingSearch) => self.say(self.text.search_stopped),
            JobOutcome::Stopped(kind) => {
                let text = fill(self.text.job_stopped, &[&self.text.job(kind)]);
                self.say(text);
            }
            JobOutcome::NothingToExport(found) => {
                // Nobody to put in the form is no failure: said plainly, in the operator's language, as the
                // status line says it.
                let lines: Vec<String> = found
                    .iter()
                    .map(|(school, message)| {
                        let message = crate::words::on_screen(message, self.lang);
                        match school {
                            Some(school) => fill(self.text.label_value, &[school, &message]),
                            None => message.into_owned(),
                        }
                    })
                    .collect();
                self.say(lines.join(self.text.pick("；", "; ")));
                let title = self.text.nothing_to_export.to_owned();
                self.modal = Some(Modal::Message(Message { title, lines, error: false, offset: 0 }));
            }
            JobOutcome::Refused(e) => {
                let message = self.refusal_words(e);
                self.job_failed(message);
            }
            JobOutcome::Failed(message) => self.job_failed(message),
            JobOutcome::ImportRefused { paths, messages } => self.import_refused(paths, &messages),
            JobOutcome::NextYearList { request, files } => self.next_year_list(request, &files),
            JobOutcome::LastYearList { request, files } => self.last_year_list(request, &files),
            JobOutcome::CategoryList { mut request, message } => {
                // Yes previews the import again taking the list as the school's class list (`--as-class-list`).
                let first = request.paths.first().map(|p| file_name(&p.display().to_string())).unwrap_or_default();
                request.as_class_list = true;
                let status = fill(self.text.category_list_status, &[&first]);
                let message = self.in_language(message);
                self.ask_other_years_list(request, vec![message], self.text.category_list_ask, status);
            }
        }
    }

    /// Next school year's class list: nothing imported, and the choice `import --move-up-a-grade` gives, asked.
    /// Yes previews the import again moving the pupils up, to be checked before it is applied; No leaves the drive
    /// as it was.
    fn next_year_list(&mut self, mut request: ImportRequest, files: &[crate::io::list_guards::NextYearFile]) {
        let lines = files.iter().map(|f| {
            let (name, from, to) = &f.example;
            fill(self.text.next_year_file, &[&file_name(&f.file), &f.held, &f.up, name, from, to])
        });
        let first = files.first().map(|f| file_name(&f.file)).unwrap_or_default();
        request.take_grade_up = true;
        self.ask_other_years_list(
            request,
            lines.collect(),
            self.text.next_year_ask,
            fill(self.text.next_year_status, &[&first]),
        );
    }

    /// Last school year's class list: nothing imported, and the choice `import --move-down-a-grade` gives, asked,
    /// as `next_year_list` asks the move up. Yes previews the import again moving the pupils down; No leaves the
    /// drive as it was.
    fn last_year_list(&mut self, mut request: ImportRequest, files: &[crate::io::class_list::LastYearFile]) {
        let lines = files.iter().map(|f| {
            let (name, from, to) = &f.example;
            fill(self.text.last_year_file, &[&file_name(&f.file), &f.held, &f.down, name, from, to])
        });
        let first = files.first().map(|f| file_name(&f.file)).unwrap_or_default();
        request.take_grade_down = true;
        self.ask_other_years_list(
            request,
            lines.collect(),
            self.text.last_year_ask,
            fill(self.text.last_year_status, &[&first]),
        );
    }

    /// Another school year's list, refused as it stands: the status line says so, and the question (its files'
    /// lines, then `ask`) offers the import again with the grade move `request` carries, previewed on Yes.
    fn ask_other_years_list(&mut self, request: ImportRequest, mut lines: Vec<String>, ask: &str, status: String) {
        lines.push(ask.to_owned());
        self.fail(status);
        let then = Then::Start(Box::new(Work::Plan { request }));
        self.modal = Some(Modal::Confirm(Confirm { question: lines.join("\n"), then, yes: false }));
    }

    /// Files ticked together and refused, every one: the box says that none was imported, counting and naming
    /// the files ticked (a copy of another among them too, said as left out), above each refusal, which names
    /// only the file refused; the status line names that file before anything long, so an 80-column line keeps
    /// it. The import picker opens again with the refused files ticked.
    fn import_refused(&mut self, refused: Vec<PathBuf>, messages: &[String]) {
        const NAMED: usize = 5;
        let (ticked, once) = std::mem::take(&mut self.import_ticked);
        let ticked = if ticked.is_empty() { refused.clone() } else { ticked };
        let name_of = |p: &PathBuf| p.file_name().unwrap_or(p.as_os_str()).to_string_lossy().into_owned();
        let names: Vec<String> = ticked.iter().map(name_of).collect();
        let mut listed = names.iter().take(NAMED).cloned().collect::<Vec<_>>().join(self.text.list_separator());
        if names.len() > NAMED {
            listed.push_str(self.text.pick(" 等", " and more"));
        }
        let first = messages.first().map(String::as_str).unwrap_or_default();
        let named = refused.iter().map(name_of).find(|n| first.contains(n.as_str()));
        let status = match named {
            Some(name) => fill(self.text.import_batch_refused_status, &[&name, &names.len()]),
            None => fill(self.text.import_batch_refused, &[&names.len(), &listed]),
        };
        self.fail(status);
        let mut lines = vec![fill(self.text.import_batch_refused, &[&names.len(), &listed])];
        lines.extend(once.iter().map(|line| crate::words::on_screen(line, self.lang).into_owned()));
        lines.extend(messages.iter().map(|m| self.in_language(m.clone())));
        self.import_retick = refused;
        self.modal =
            Some(Modal::Message(Message { title: self.text.failed.to_owned(), lines, error: true, offset: 0 }));
    }

    /// A job that failed: said on the status line and in a box of its own.
    fn job_failed(&mut self, message: String) {
        self.fail(message.clone());
        self.modal = Some(Modal::Message(Message {
            title: self.text.failed.to_owned(),
            lines: vec![self.in_language(message)],
            error: true,
            offset: 0,
        }));
    }

    fn imported(&mut self, report: &ImportReport, data: Option<RosterData>) {
        self.undo.forget();
        match data.map_or_else(|| RosterData::load(&self.store), Ok) {
            Ok(d) => self.replace_data(d),
            Err(e) => self.fail(e.to_string()),
        }
        let mut lines = self.report_lines(report);
        // As `canbao import` says them: who this year's lists left out while their classmates are on them, and
        // the key that marks them 已离校 as `year leavers --mark` does.
        let (leaver_lines, ids) = self.leaver_lines();
        lines.extend(leaver_lines);
        // A first import into a new drive: the year's policy is the next thing it needs, said here once.
        lines.extend(self.no_policy_words());
        let title = self.text.import_done.to_owned();
        self.modal = Some(match ids.is_empty() {
            true => Modal::Message(Message { title, lines, error: false, offset: 0 }),
            false => Modal::Leavers { title, lines, ids, offset: 0 },
        });
    }

    /// The palette's road to the possible leavers: their dialog, or that there are none.
    pub fn open_leavers(&mut self) {
        let (lines, ids) = self.leaver_lines();
        if ids.is_empty() {
            match lines.into_iter().next() {
                Some(error) => self.fail(error),
                None => self.say(self.text.leavers_none),
            }
            return;
        }
        self.modal = Some(Modal::Leavers { title: self.text.leavers_title.to_owned(), lines, ids, offset: 0 });
    }

    /// The possible leavers of the year (`Store::leavers`, as `canbao year leavers` lists them), a count and a
    /// pupil a line, ID numbers masked unless revealed, and the key that marks them; none when there are none.
    /// Their ids beside, for the mark.
    fn leaver_lines(&self) -> (Vec<String>, Vec<i64>) {
        let t = self.text;
        let leavers = match self.store.leavers() {
            Ok(l) => l,
            Err(e) => return (vec![e.to_string()], Vec::new()),
        };
        if leavers.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let id = |n: &str| crate::domain::id_number::shown(n, self.reveal);
        let mut lines = vec![fill(t.import_leavers, &[&leavers.len()])];
        for l in &leavers {
            lines.push(format!("  {} {} {} {}", l.school, l.class, l.name, id(&l.id_number)));
        }
        // A drive open read-only (an earlier year, another window's) marks nobody: the list alone.
        if !self.store.is_read_only() {
            let key = self.keymap.keys_for(super::keymap::Context::Dialog, "confirm");
            let key = key.first().map(|k| k.to_string()).unwrap_or_default();
            lines.push(fill(t.leavers_mark_hint, &[&key]));
        }
        (lines, leavers.iter().map(|l| l.id).collect())
    }

    /// The file a merge read, whole from the root, with its schools and its newest change: the picker may have
    /// opened in another folder holding a file of the same name, or the copy may be an older day's.
    fn merge_file_line(&self, file: &std::path::Path, r: &crate::store::merge::MergeReport) -> String {
        let t = self.text;
        let schools = match r.their_schools.is_empty() {
            true => t.merge_file_no_pupils.to_owned(),
            false => r.their_schools.join(t.pick("、", ", ")),
        };
        let newest = r.their_newest_change.as_deref().map(crate::store::instant::beijing_seconds);
        let newest = newest.unwrap_or_else(|| t.merge_file_no_changes.to_owned());
        fill(t.merge_file, &[&super::picker::absolute(file).display(), &schools, &newest])
    }

    /// A dry run's report under the line that says which key applies it.
    fn preview_lines(&self, heading: &str, mut lines: Vec<String>) -> Vec<String> {
        let key = self.keymap.keys_for(super::keymap::Context::Dialog, "confirm");
        let key = key.first().map(|k| k.to_string()).unwrap_or_default();
        lines.insert(0, fill(heading, &[&key]));
        lines
    }

    /// A reconciliation or merge was applied: undo cannot reach past it, and the roster is read again.
    fn applied(&mut self, data: Option<RosterData>, title: &str, lines: Vec<String>) {
        self.undo.forget();
        if let Some(d) = data {
            self.replace_data(d);
        }
        self.show(title, lines, false);
    }

    fn restored(&mut self, file: &Path, safety: Option<PathBuf>, data: Option<RosterData>) {
        // Every undo step, mark and policy belonged to the drive as it was; so did the year this connection read.
        if let Err(e) = self.store.reload_year() {
            self.fail(e.to_string());
        }
        self.undo.forget();
        self.roster.clear_marks();
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        match data.map_or_else(|| RosterData::load(&self.store), Ok) {
            Ok(d) => self.replace_data_of_another_state(d),
            Err(e) => self.fail(e.to_string()),
        }
        self.reload_detail();
        let mut lines = vec![fill(self.text.restored, &[&file.display(), &self.data.len()])];
        if let Some(p) = safety {
            lines.push(fill(self.text.restore_safety, &[&p.display()]));
        }
        self.say(lines[0].clone());
        self.show(self.text.restore_title, lines, false);
    }

    /// An export into a folder inside a folder that is not there either (a path mistyped several folders deep,
    /// which the export would make whole): asked first, naming the first folder missing, No by default. One new
    /// folder in a folder that is there (`汇总/`, `~/桌面/名单.xlsx`) is made unasked, as `export --out` makes it.
    pub(super) fn ask_make_folder(&mut self, folder: &Path, work: Work) {
        let mut first = folder;
        while let Some(parent) = first.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            first = parent;
        }
        let question = fill(self.text.ask_make_folder, &[&first.display(), &folder.display()]);
        self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Start(Box::new(work)), yes: false }));
    }

    /// Files of the same names are in the export folder already: ask before putting the new ones in their place.
    fn ask_to_replace(&mut self, staged: Staged, taken: &[PathBuf]) {
        let names: Vec<String> =
            taken.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        // A file of another form or school among them is named first, as `export` names the one it refuses.
        let other = taken.iter().find_map(|target| {
            let written = staged.files.iter().find(|f| f.file_name() == target.file_name())?;
            let ours = crate::io::ownership::form_signature(written)?;
            let (form, school) = crate::io::export::other_form_there(target, &ours)?;
            let name = target.file_name()?.to_string_lossy().into_owned();
            Some(match school {
                Some(school) => fill(self.text.replace_other_form, &[&name, &school, &form]),
                None => fill(self.text.replace_other_form_unnamed, &[&name, &form]),
            })
        });
        let question = format!("{}{}", other.unwrap_or_default(), replace_question(self.text, &staged.folder, &names));
        let then = Then::Start(Box::new(Work::Place { staged }));
        self.modal = Some(Modal::Confirm(Confirm { question, then, yes: false }));
    }

    /// While exports are masked, what 导出完成 says of the files just written: masked, or (a form for the
    /// agencies) whole.
    /// A CSV written with whole ID numbers is said to show them as 5.1E+17 in Excel or WPS, as the command line
    /// says: the screen's export writes a CSV for a name typed with .csv.
    fn csv_numbers_note(&self, written: &[PathBuf]) -> Option<String> {
        let csv = written.iter().any(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
        (csv && !self.export_masked).then(|| self.text.export_csv_numbers.to_owned())
    }

    fn export_masking_note(&self) -> Option<String> {
        let note = if self.export_masked { self.text.export_is_masked } else { self.text.export_not_masked };
        self.mask_exports.then(|| note.to_owned())
    }

    /// An import report as lines: the counts, then every problem with its file and row.
    pub fn report_lines(&self, r: &ImportReport) -> Vec<String> {
        let t = self.text;
        // What the operator must read first (a canbao export, a payment list's columns), above the counts.
        let mut lines: Vec<String> =
            r.warnings.iter().map(|w| crate::words::on_screen(w, self.lang).into_owned()).collect();
        // Every row read is in one count: a row left out (a masked number, another pupil's number, a name held
        // more than once) too, where it is one.
        let counts: [&dyn std::fmt::Display; 7] =
            [&r.rows_read, &r.added, &r.updated, &r.unchanged, &r.duplicates, &r.id_invalid, &r.skipped];
        let left_out = r.left_out();
        lines.push(match left_out {
            0 => fill(t.import_counts, &counts),
            _ => {
                let with_left_out: Vec<&dyn std::fmt::Display> = counts.into_iter().chain([&left_out as _]).collect();
                fill(t.import_counts_left_out, &with_left_out)
            }
        });
        if !r.schools.is_empty() {
            lines.push(fill(t.import_schools, &[&r.schools.join(t.pick("、", ", "))]));
        }
        if r.masked_left_out > 0 {
            lines.push(fill(t.import_masked, &[&t.counted(r.masked_left_out, "row", "rows")]));
        }
        if r.other_names > 0 {
            lines.push(fill(t.import_other_names, &[&t.counted(r.other_names, "row", "rows")]));
        }
        if r.unnumbered_left_out > 0 {
            lines.push(fill(t.import_unnumbered_left_out, &[&t.counted(r.unnumbered_left_out, "row", "rows")]));
        }
        if r.moved_school + r.moved_class + r.respelled_class > 0 {
            let moved = t.counted(r.moved_school, "pupil", "pupils");
            lines.push(fill(t.import_moves, &[&moved, &r.moved_class, &r.respelled_class]));
        }
        if r.returned > 0 {
            lines.push(fill(t.import_returned, &[&t.counted(r.returned, "pupil", "pupils")]));
        }
        if let Some((zh, en)) = crate::words::import::statuses_line(r) {
            lines.push(if self.lang == crate::tui::Language::En { en } else { zh });
        }
        for p in &r.problems {
            let file = std::path::Path::new(&p.file).file_name().map(|f| f.to_string_lossy().into_owned());
            let mut place = file.unwrap_or_else(|| p.file.clone());
            if !p.sheet.is_empty() {
                place.push_str(&format!(" [{}]", p.sheet));
            }
            lines.push(problem_line(t, self.lang, &place, p.row, &p.message));
        }
        lines
    }

    /// What the import preview says first: that the open file is the sample, not a drive; and of two schools
    /// one name inside the other, perhaps one school, and which the import does (Tab changes it).
    pub fn join_lines(&self, join: Option<&SchoolJoin>) -> Vec<String> {
        let mut lines: Vec<String> = self.sample_preview_line().into_iter().collect();
        let Some(j) = join else { return lines };
        let t = self.text;
        let key =
            self.keymap.keys_for(Context::Dialog, "next_field").first().map(|k| k.to_string()).unwrap_or_default();
        let chosen =
            if j.join { fill(t.preview_join_yes, &[&j.full, &key]) } else { fill(t.preview_join_no, &[&key, &j.full]) };
        lines.extend([fill(t.preview_join, &[&j.short, &j.full]), chosen]);
        lines
    }

    /// The import preview's lines: the school asked for the new pupils (as typed so far), the drive's schools
    /// Tab offers when it holds several, and once Enter found the name typed none of them (`new_school`), that it
    /// makes a new school; then the report.
    pub fn import_preview_lines(
        &self,
        preview: &ImportReport,
        school: Option<&LineInput>,
        new_school: Option<&str>,
    ) -> Vec<String> {
        let mut lines = self.report_lines(preview);
        // Nothing is imported yet: a row the import flags is said as one it will import and flag.
        for line in &mut lines {
            if let Some(preview) = crate::io::class_list::preview_reworded(line) {
                *line = preview;
            }
        }
        if let Some(input) = school {
            let mut asked = vec![fill(
                self.text.preview_school,
                &[
                    &self.text.counted(preview.added_without_school, "new pupil", "new pupils"),
                    &format!("{}_", input.text()),
                ],
            )];
            if self.schools.len() > 1 {
                asked.push(fill(self.text.preview_schools_held, &[&self.schools.join(self.text.pick("、", ", "))]));
            }
            let typed = input.text().trim();
            if let Some(name) = new_school.filter(|name| *name == typed) {
                let notice =
                    crate::io::class_list::typed_school_notice(&self.schools, name, preview.added_without_school);
                asked.push(crate::words::on_screen(&notice, self.lang).into_owned());
                asked.push(self.text.preview_new_school_again.to_owned());
            }
            // The box covers the status line: Enter refused for want of a school is said in it, under the prompt.
            let missing = crate::words::on_screen(self.text.preview_school_missing, self.lang);
            if typed.is_empty() && self.status.as_ref().is_some_and(|s| s.error && s.text == missing) {
                asked.push(missing.into_owned());
            }
            let at = preview.warnings.len();
            lines.splice(at..at, asked);
        }
        lines
    }

    /// The first-run offer: the bundled sample school, in a file of its own (the demo file beside the drive),
    /// never in the operator's drive. The app goes on in that file, and the title bar says it is the sample.
    pub fn load_sample(&mut self) {
        match self.open_sample() {
            Ok(kept) => {
                match RosterData::load(&self.store) {
                    Ok(d) => self.replace_data_of_another_state(d),
                    Err(e) => return self.fail(e.to_string()),
                }
                // The file's name only: the title bar has its folder, and the line must fit 80 columns.
                let file = self.store.path().and_then(Path::file_name).map(|f| f.to_string_lossy().into_owned());
                let mut text = fill(self.text.sample_loaded, &[&self.data.len(), &file.unwrap_or_default()]);
                if let Some(kept) = kept {
                    text = format!("{text}；{}", fill(self.text.sample_kept, &[&kept.display()]));
                }
                self.say(text);
            }
            Err(message) => self.job_done(JobOutcome::Failed(message)),
        }
    }

    /// Puts the sample school in its own file and switches the app to it; returns where a changed old sample
    /// file was kept. A drive in memory (tests, previews) or a drive that is itself the demo file takes the
    /// sample in place.
    fn open_sample(&mut self) -> Result<Option<PathBuf>, String> {
        let drive = self.store.path().map(crate::store::lock::true_path);
        let sample =
            drive.as_deref().map(crate::demo::sample_path).filter(|s| Some(crate::store::lock::true_path(s)) != drive);
        let Some(sample) = sample else {
            crate::demo::load_sample(&mut self.store).map_err(|e| e.to_string())?;
            crate::demo::mark_as_demo(&mut self.store).map_err(|e| e.to_string())?;
            self.demo = true;
            (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
            return Ok(None);
        };
        // Kept to go back to the drive as it was opened: a path made true (links resolved) would name it otherwise
        // in the title and the commands the screen offers, and the drive's passphrase would be lost.
        let left = self.store.reopener();
        let operator = self.store.operator().to_owned();
        let mut lock = crate::store::lock::DriveLock::acquire(&sample, &operator).map_err(|e| e.to_string())?;
        let (mut store, kept) = crate::demo::fresh_demo(&sample).map_err(|e| e.to_string())?;
        store.set_operator(&operator).map_err(|e| e.to_string())?;
        // The name the title shows is the one another canbao is told holds the sample's file.
        lock.name_holder(store.operator());
        store.name_in_commands(Some(sample.clone()));
        self.store = store;
        self.sample_lock = Some(lock);
        self.drive_left = left;
        self.demo = true;
        // Nothing the app held belongs to the new file: undo steps, marks and the policy were the drive's; the
        // sample's own policy is read from it.
        self.undo = Default::default();
        self.roster.clear_marks();
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        Ok(kept)
    }
}

impl App {
    /// Enter in the import preview of the sample file: whether to import there, and where No goes.
    pub(super) fn sample_import_question(&self) -> String {
        let name = |p: &Path| p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let sample = self.store.path().map(name).unwrap_or_default();
        match &self.drive_left {
            Some(drive) => fill(self.text.sample_import_question, &[&sample, &drive.path.display()]),
            None => fill(self.text.sample_import_question_no_drive, &[&sample]),
        }
    }

    /// The import preview's first line in the sample file, none in a drive.
    pub fn sample_preview_line(&self) -> Option<String> {
        let sample = self.store.path().and_then(Path::file_name).map(|f| f.to_string_lossy().into_owned());
        self.demo.then(|| fill(self.text.sample_preview, &[&sample.unwrap_or_default()]))
    }

    /// No to importing into the sample file: the app goes back to the real drive it came from (whose lock it
    /// still holds) and reads the same files again there, for a preview of that drive. Without a drive to go
    /// back to (the sample opened on its own), nothing is imported.
    pub(super) fn back_to_drive(&mut self, asked: &ImportRequest) {
        let Some(left) = self.drive_left.clone() else {
            return self.say(self.text.import_cancelled);
        };
        let drive = left.path.clone();
        // As it was opened, by this window, which still holds its lock; the operator is this session's.
        let opened = left.open().and_then(|mut store| store.set_operator(self.store.operator()).map(|()| store));
        let store = match opened {
            Ok(store) => store,
            Err(e) => return self.fail(e.to_string()),
        };
        let data = match RosterData::load(&store) {
            Ok(data) => data,
            Err(e) => return self.fail(e.to_string()),
        };
        self.store = store;
        self.sample_lock = None;
        self.drive_left = None;
        self.demo = false;
        // As on the way to the sample: nothing the app held of the sample file belongs to the drive.
        self.undo = Default::default();
        self.roster.clear_marks();
        self.replace_data_of_another_state(data);
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        self.say(fill(self.text.sample_back_to_drive, &[&drive.display()]));
        match ImportRequest::new(&self.store, asked.paths.clone(), None) {
            Ok(mut request) => {
                request.config_dir = asked.config_dir.clone();
                request.read_once = asked.read_once.clone();
                self.start(Work::Plan { request })
            }
            Err(e) => self.job_done(JobOutcome::Failed(e.to_string())),
        }
    }
}

/// Whether making `folder` would make more than one folder: neither it nor the folder it is in exists.
pub(super) fn missing_deep(folder: &Path) -> bool {
    let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::symlink_metadata(folder).is_err() && std::fs::symlink_metadata(parent).is_err()
}

/// The deepest folder holding every one of `paths` (none for a single path outside any folder).
fn shared_folder(paths: &[PathBuf]) -> PathBuf {
    let mut shared = paths.first().and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_default();
    while !paths.iter().all(|p| p.starts_with(&shared)) {
        if !shared.pop() {
            break;
        }
    }
    shared
}

/// A problem of a list at its row; one about the whole sheet (row 0: no class column …) names no row.
pub(super) fn problem_line(
    t: &super::text::Text,
    lang: crate::words::Language,
    place: &str,
    row: Option<usize>,
    message: &str,
) -> String {
    let message = crate::words::on_screen(message, lang);
    match row {
        None => fill(t.sheet_problem, &[&place, &message]),
        Some(row) => fill(t.import_problem, &[&place, &row, &message]),
    }
}

/// The question before files of the same names are replaced: one file by its name, several by number and the
/// first three names.
fn replace_question(text: &crate::tui::text::Text, folder: &Path, names: &[String]) -> String {
    let folder = folder_shown(folder);
    if let [one] = names {
        return fill(text.overwrite_file, &[&folder, one]);
    }
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(text.pick("、", ", "));
    let more = if names.len() > 3 { "..." } else { "" };
    fill(text.overwrite_files, &[&folder, &names.len(), &format!("{shown}{more}")])
}

/// A folder as a message names it: ending in the separator, so that 「/home/u/表格 already holds…」 is not read
/// as a file called 表格.
fn folder_shown(folder: &Path) -> String {
    let mut shown = folder.display().to_string();
    if !shown.ends_with(std::path::is_separator) {
        shown.push(std::path::MAIN_SEPARATOR);
    }
    shown
}

/// A list's file name without its folder: the status line keeps it within 80 columns.
fn file_name(file: &str) -> String {
    Path::new(file).file_name().map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod replace_tests {
    use super::*;

    #[test]
    fn one_file_is_named_as_one() {
        let en = crate::tui::text::Text::for_language(crate::tui::Language::En);
        let one = replace_question(en, Path::new("/out"), &["a.xlsx".to_owned()]);
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(one, format!("/out{sep} already holds a file of this name: a.xlsx. Replace it?"));
        let two = replace_question(en, Path::new("/out"), &["a.xlsx".to_owned(), "b.xlsx".to_owned()]);
        assert!(two.contains("2 files"), "{two}");
    }
}
