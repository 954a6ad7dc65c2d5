//! Work that can take longer than a frame (reading class lists, importing, exporting) runs on a worker thread
//! with its own connection to the drive file; the result comes back to the event loop as an action.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use super::palette::Form;
use super::roster::RosterData;
use super::undo::Edit;
use crate::domain::policy::Policy;
use crate::domain::roster_check::CheckReport;
use crate::io::class_list::{ImportReport, ImportRequest};
use crate::io::export::{FileFormat, check_target, check_target_as};
use crate::io::forms::{self, FormInput};
use crate::io::reconcile::{self, ReconcileReport, Source};
use crate::io::sheet::{self, ExportError, ExportOptions};
use crate::store::merge::MergeReport;
use crate::store::{Change, ChangeOptions, ExportRecord, Outcome, Reopen, Store};
use crate::words::{Language, in_language, on_screen};

/// A piece of work, described so that it can run on either side.
pub enum Work {
    /// Read and check class lists: the import done and rolled back, so nothing is written.
    Plan { request: ImportRequest },
    /// Commit a checked import, reading its files again: one changed since the preview fails it.
    Apply { request: ImportRequest },
    /// Write the student information sheet; the drive's policy says which payments fall short.
    Export { target: PathBuf, options: ExportOptions, policy: Option<Policy> },
    /// Write one of the other forms into a folder. The files are written into a hidden folder inside it first;
    /// a name that is there already is asked about (`JobOutcome::WouldReplace`) before anything is moved.
    ExportForm { form: Form, folder: PathBuf, options: ExportOptions, policy: Option<Policy>, config: Option<PathBuf> },
    /// Move a form's written files from their hidden folder into `folder`, replacing files of the same names.
    Place { staged: Staged },
    /// Match an agency's list against the roster; a dry run first, then for real (after a backup).
    Reconcile { file: PathBuf, source: Source, policy: Option<Policy>, options: reconcile::ReconcileOptions },
    /// Bring in another copy of the drive; a dry run first.
    /// The drive's policy judges the payment dates it brings.
    Merge { file: PathBuf, dry_run: bool, policy: Option<Policy> },
    /// Look the roster through for duplicates, bad numbers, pupils without a class, payments short of the
    /// drive policy's amount.
    Check { policy: Option<Policy> },
    /// The payments the check lists as paid at the tax office and not recorded here, for the 销项 dialog; with
    /// `undo`, the ones dismissed, for taking a dismissal back. Read as the check is, off the screen's thread.
    Dismissable { policy: Option<Policy>, undo: bool },
    /// Dismiss the payment of `line` with the reason `why` (`Store::dismiss_unapplied`), or with `undo` take its
    /// dismissal back (`Store::undismiss_unapplied`): each reads the kept payments' whole log, off the screen's
    /// thread as the dialog's list was.
    Dismiss { line: Box<crate::domain::roster_check::UnrecordedPayment>, why: String, undo: bool },
    /// Copy the drive into its backups folder.
    Backup,
    /// Put a backup's content in place of the drive's, after a backup of the drive as it is.
    Restore { file: PathBuf },
    /// Start the next insured year, classes promoted: the dry run for the question, then for real after a
    /// backup. `written` is the year's policy file made for it, removed if the year does not start.
    StartYear { year: i32, policy: Option<String>, dry_run: bool, written: Option<PathBuf>, promote: bool },
    /// Give a school a new name, its pupils with it: one audited change per pupil, one transaction. `merge`: the
    /// name is another school's, which the two become (`school rename --merge`).
    RenameSchool { old: String, new: String, merge: bool },
    /// A mark of many pupils (`Store::apply_changes`, one transaction, under the history's `action`), then the
    /// roster read again.
    Mark { action: String, items: Vec<(i64, Vec<Change>)>, label: String, confirmed: bool, note: Option<String> },
    /// An edit of many pupils undone (`backwards`) or redone: its fields written as they were, one transaction.
    Rewrite { edit: Box<Edit>, backwards: bool },
    /// An older drive's search keys written again by today's readings (`Store::rebuild_search_keys`), then the
    /// roster read again with them.
    PrepareSearch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Reading,
    Importing,
    Exporting,
    Reconciling,
    Checking,
    BackingUp,
    Restoring,
    /// The dry run before the new-year question: nothing changes yet.
    PreparingYear,
    StartingYear,
    Renaming,
    /// A mark of many pupils.
    Saving,
    Undoing,
    Redoing,
    /// An older drive's search keys written again, after the first frame.
    PreparingSearch,
}

/// What became of the job running when the operator left the screen (Ctrl-c at the question whether to stop it):
/// said on standard error once the terminal is given back, where the screen used to close without a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftJob {
    /// Stopped: nothing of it was kept (its transaction rolled back, or ended with the process uncommitted; the
    /// files it was writing removed).
    Stopped(JobKind),
    /// It came to its end before the stop could take effect: what it did was kept.
    Finished(JobKind),
}

impl JobKind {
    /// Whether stopping half-way leaves nothing changed: everything but a restore, which SQLite's backup
    /// copies page by page outside any statement the stop could interrupt (it is short, and a backup of the
    /// drive is taken first).
    pub fn can_stop(self) -> bool {
        !matches!(self, JobKind::Restoring)
    }

    /// Whether the process may end while the job runs and leave the drive as it was before it: everything the
    /// job writes is in the drive's one transaction, which is never committed then. Not an export or a backup,
    /// which would leave a half-written file or a form's hidden folder, nor a restore.
    pub fn ends_with_the_process(self) -> bool {
        !matches!(self, JobKind::Restoring | JobKind::Exporting | JobKind::BackingUp)
    }
}

impl Work {
    pub fn kind(&self) -> JobKind {
        match self {
            Work::Plan { .. } => JobKind::Reading,
            Work::Apply { .. } => JobKind::Importing,
            Work::Export { .. } | Work::ExportForm { .. } | Work::Place { .. } => JobKind::Exporting,
            Work::Reconcile { .. } | Work::Merge { .. } => JobKind::Reconciling,
            Work::Check { .. } | Work::Dismissable { .. } => JobKind::Checking,
            Work::Backup => JobKind::BackingUp,
            Work::Restore { .. } => JobKind::Restoring,
            Work::StartYear { dry_run: true, .. } => JobKind::PreparingYear,
            Work::StartYear { .. } => JobKind::StartingYear,
            Work::RenameSchool { .. } => JobKind::Renaming,
            Work::Mark { .. } | Work::Dismiss { .. } => JobKind::Saving,
            Work::Rewrite { backwards: true, .. } => JobKind::Undoing,
            Work::Rewrite { backwards: false, .. } => JobKind::Redoing,
            Work::PrepareSearch => JobKind::PreparingSearch,
        }
    }
}

impl Work {
    /// The file a job reads, by its name (the folder is the picker's): a big list takes a while to read, and the
    /// progress box says which. Several files: the first, and how many in all.
    pub fn file(&self) -> Option<String> {
        let name = |p: &std::path::Path| {
            p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
        };
        match self {
            Work::Plan { request } | Work::Apply { request } => match &request.paths[..] {
                [] => None,
                [one] => Some(name(one)),
                [first, rest @ ..] => Some(format!("{} (+{})", name(first), rest.len())),
            },
            Work::Reconcile { file, .. } | Work::Merge { file, .. } | Work::Restore { file } => Some(name(file)),
            _ => None,
        }
    }
}

/// What a job produced.
pub enum JobOutcome {
    /// Files read and checked; `preview` is a dry run of the import, so it counts added and updated pupils.
    Planned {
        request: ImportRequest,
        preview: ImportReport,
        /// Files of the batch refused and left out of it (each said among the preview's warnings): the picker
        /// ticks them again.
        left_out: Vec<PathBuf>,
        /// Where the lists name a school the drive holds written another way (`SchoolJoin`), the dry run of
        /// the import into the drive's school, which Enter does by default: its preview shows what Enter does.
        joined: Option<Box<ImportReport>>,
    },
    /// The import was committed; `data` is the reloaded roster when the job could read it.
    Imported {
        report: ImportReport,
        data: Option<RosterData>,
    },
    Exported(PathBuf),
    /// A form's files, in the order written.
    /// The files written, and for a drive of several schools what a school had nothing for (no special pupils …).
    ExportedForm {
        paths: Vec<PathBuf>,
        skipped: Vec<String>,
        /// Stage folders and `.part` files of killed exports removed from the folder first.
        swept: usize,
    },
    Reconciled {
        file: PathBuf,
        report: Box<ReconcileReport>,
        data: Option<RosterData>,
    },
    Merged {
        file: PathBuf,
        report: Box<MergeReport>,
        /// The family payments it brings dated outside the drive's insured year (a preview: would bring).
        outside: Vec<crate::domain::roster_check::PaymentOutsideYear>,
        data: Option<RosterData>,
    },
    Checked(CheckReport),
    /// The lines the 销项 dialog offers (`Work::Dismissable`).
    ToDismiss(Vec<crate::domain::roster_check::UnrecordedPayment>),
    /// The dismissed payments the 撤销销项 dialog offers.
    ToUndismiss(Vec<crate::store::DismissedLine>),
    /// A payment dismissed, or its dismissal taken back (`undo`): `Ok(false)` when the payment was no longer there
    /// to (the log changed since the dialog's list was read).
    Dismissed {
        line: Box<crate::domain::roster_check::UnrecordedPayment>,
        why: String,
        undo: bool,
        done: Result<bool, String>,
    },
    /// The backup's path (`None`: an in-memory drive, nothing to back up).
    BackedUp(Option<PathBuf>),
    /// The drive now holds the backup's content; `safety` is the backup of what it held before.
    Restored {
        file: PathBuf,
        safety: Option<PathBuf>,
        data: Option<RosterData>,
    },
    /// The next insured year's report: a dry run to ask about, or the year started (with the roster reloaded).
    YearStarted {
        report: crate::store::YearReport,
        dry_run: bool,
        written: Option<PathBuf>,
        data: Option<RosterData>,
    },
    /// A school was renamed; `ids` are the pupils moved, so the rename can be undone.
    Renamed {
        old: String,
        new: String,
        merge: bool,
        ids: Vec<i64>,
        data: Option<RosterData>,
    },
    /// A mark of many pupils: what `Store::apply_changes` said of each (or why nothing was written), with the
    /// changes asked for, which the questions after it read again.
    Marked {
        items: Vec<(i64, Vec<Change>)>,
        label: String,
        /// What the status line adds (`Pending::note`).
        note: Option<String>,
        outcomes: Result<Vec<Outcome>, String>,
        /// The pupils the write looked at again and left out (the possible leavers'), with why.
        left_out: Vec<(i64, crate::store::NoLongerLeaver)>,
        data: Option<RosterData>,
    },
    /// An edit undone or redone; `failed`: nothing written, and why (`None` in it: stopped by the operator).
    Rewritten {
        edit: Box<Edit>,
        backwards: bool,
        failed: Option<Option<String>>,
        data: Option<RosterData>,
    },
    /// The search keys were written again (`data`: the roster read with them, when the job could read it).
    SearchPrepared {
        data: Option<RosterData>,
    },
    /// The operator stopped the job and it was rolled back (or its partial file removed).
    Stopped(JobKind),
    /// A form was written, but some of its files' names are taken in the folder: nothing was moved yet.
    WouldReplace {
        staged: Staged,
        taken: Vec<PathBuf>,
    },
    /// A form with nobody to put in it (no pupil in a special category …): not a failure. Each school's
    /// message (the school named when the drive holds several), both languages in one.
    NothingToExport(Vec<(Option<String>, String)>),
    /// Files ticked together refused as one batch (a tax list among class lists): none was imported, which the
    /// message, naming only the file refused, does not say.
    ImportRefused {
        paths: Vec<PathBuf>,
        messages: Vec<String>,
    },
    /// Next school year's class list (`ImportError::NextYearList`): nothing imported; the operator is asked whether
    /// to move the pupils up as `import --move-up-a-grade` does, with `request` to preview again if so.
    NextYearList {
        request: ImportRequest,
        files: Vec<crate::io::list_guards::NextYearFile>,
    },
    /// Last school year's class list (`ImportError::LastYearList`): nothing imported; the operator is asked whether
    /// to move the pupils down as `import --move-down-a-grade` does, with `request` to preview again if so.
    LastYearList {
        request: ImportRequest,
        files: Vec<crate::io::class_list::LastYearFile>,
    },
    /// One list that looks like a department's list of certified people (`ImportError::CategoryList`): nothing
    /// imported; the operator is asked whether it is the school's own list, to import as `import --as-class-list`
    /// does, with `request` to preview again if so. `message` is the refusal's words.
    CategoryList {
        request: ImportRequest,
        message: String,
    },
    /// The job failed; the message is for the operator.
    Failed(String),
    /// The job was refused in words the screen gives its own way (`App::refusal_words`).
    Refused(crate::store::StoreError),
}

impl JobOutcome {
    /// Whether the job left the drive and the folders as they were: a preview, a dry run, a check, a form's
    /// files still in their hidden folder, a failure (rolled back). Its result may be thrown away, as a stop
    /// would have; any other was saved, and a stop asked for too late cannot take it back.
    pub fn changed_nothing(&self) -> bool {
        match self {
            JobOutcome::Planned { .. }
            | JobOutcome::Checked(_)
            | JobOutcome::ToDismiss(_)
            | JobOutcome::ToUndismiss(_)
            | JobOutcome::WouldReplace { .. }
            | JobOutcome::NothingToExport(_)
            | JobOutcome::Stopped(_)
            | JobOutcome::Failed(_)
            | JobOutcome::ImportRefused { .. }
            | JobOutcome::NextYearList { .. }
            | JobOutcome::LastYearList { .. }
            | JobOutcome::CategoryList { .. }
            | JobOutcome::Refused(_) => true,
            JobOutcome::Reconciled { report, .. } => report.dry_run,
            JobOutcome::Merged { report, .. } => report.dry_run,
            JobOutcome::YearStarted { dry_run, .. } => *dry_run,
            // An undo or redo that was stopped or failed wrote nothing (its edit goes back to the undo list).
            JobOutcome::Rewritten { failed, .. } => failed.is_some(),
            JobOutcome::Dismissed { done, .. } => !matches!(done, Ok(true)),
            JobOutcome::Imported { .. }
            | JobOutcome::Exported(_)
            | JobOutcome::ExportedForm { .. }
            | JobOutcome::BackedUp(_)
            | JobOutcome::Restored { .. }
            | JobOutcome::Renamed { .. }
            | JobOutcome::Marked { .. }
            | JobOutcome::SearchPrepared { .. } => false,
        }
    }

    /// Whether the result must be shown even when it changed nothing: an undo or redo not written hands its edit
    /// back to the undo list, which throwing the result away would lose (the change could no longer be undone).
    pub fn must_be_shown(&self) -> bool {
        matches!(self, JobOutcome::Rewritten { .. })
    }

    /// Throws the result away: a form's files waiting in their hidden folder are removed with it, so a stop
    /// that came after they were written leaves the folder as it was.
    pub fn discard(self) {
        if let JobOutcome::WouldReplace { staged, .. } = self {
            staged.discard();
        }
    }
}

/// Why a form was not written: it would be empty, or something went wrong.
enum FormNotWritten {
    Empty(Vec<(Option<String>, String)>),
    Failed(String),
}

fn not_written(e: ExportError) -> FormNotWritten {
    if e.is_empty_form() {
        FormNotWritten::Empty(vec![(None, e.to_string())])
    } else {
        FormNotWritten::Failed(e.to_string())
    }
}

/// The cells an export written in `stage` cut to fit one Excel cell, each a line naming the file where it goes.
fn cut_notes(stage: &std::path::Path, folder: &std::path::Path) -> Vec<String> {
    let (stage_name, folder_name) = (stage.display().to_string(), folder.display().to_string());
    crate::io::export::take_cut_cells(stage).iter().map(|c| c.message().replace(&stage_name, &folder_name)).collect()
}

/// Why a job that saw its stop flag ended (replaced by `JobOutcome::Stopped` before the app sees it).
const STOPPED: &str = "stopped";

/// A form's files written into a hidden folder beside where they go, waiting to be moved in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub folder: PathBuf,
    pub stage: PathBuf,
    pub files: Vec<PathBuf>,
    /// What a drive of several schools had nothing for.
    pub skipped: Vec<String>,
    /// The drive's record of the export, its files named once placed: for a form with whole ID numbers.
    pub record: Option<ExportRecord>,
    /// Stage folders and `.part` files of killed exports removed from the folder first.
    pub swept: usize,
}

impl Staged {
    /// Where each file goes.
    fn targets(&self) -> Vec<PathBuf> {
        self.files.iter().filter_map(|f| f.file_name().map(|n| self.folder.join(n))).collect()
    }

    /// Whether every file may go where it goes, by the rule `canbao export --out` keeps ([`check_target`]):
    /// never onto the drive (`drive`), its sidecars or backups, nor onto a file of another type.
    /// A CSV already there counts as an earlier export when it starts as the file just written does.
    fn refused(&self, drive: Option<&std::path::Path>) -> Option<String> {
        let pairs = self.files.iter().filter_map(|f| f.file_name().map(|n| (f, self.folder.join(n))));
        pairs.into_iter().find_map(|(file, target)| {
            let format = target.extension().and_then(|e| FileFormat::parse(&e.to_string_lossy()));
            let header = crate::io::ownership::csv_header_of(file);
            check_target_as(&target, format.unwrap_or(FileFormat::Xlsx), drive, header.as_deref())
                .err()
                .map(|e| e.to_string())
        })
    }

    /// Moves the files into the folder (a rename, on the same disk) and removes the hidden folder; nothing is
    /// moved when any of them is refused (asked again here: the answer to the question may come much later).
    pub fn place(self, store: &mut Store) -> JobOutcome {
        if let Some(message) = self.refused(store.path()) {
            self.discard();
            return JobOutcome::Failed(message);
        }
        // Recorded before the files are moved in: whole ID numbers are not handed out unrecorded.
        if let Some(mut record) = self.record.clone() {
            record.files = self.targets().iter().map(|t| crate::io::export::shown_in_full(t)).collect();
            if let Err(e) = store.record_export(&record) {
                self.discard();
                return JobOutcome::Failed(e.to_string());
            }
        }
        let mut placed = Vec::new();
        for file in &self.files {
            let Some(name) = file.file_name() else { continue };
            let target = self.folder.join(name);
            if let Err(e) = std::fs::rename(file, &target) {
                self.discard();
                return JobOutcome::Failed(write_failed(&target, e));
            }
            placed.push(target);
        }
        self.discard();
        JobOutcome::ExportedForm { paths: placed, skipped: self.skipped, swept: self.swept }
    }

    /// Removes the hidden folder and whatever is still in it (the operator kept the files that were there).
    pub fn discard(&self) {
        let _ = std::fs::remove_dir_all(&self.stage);
    }
}

impl fmt::Debug for JobOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobOutcome::Planned { preview, .. } => f.debug_struct("Planned").field("preview", preview).finish(),
            JobOutcome::Imported { report, data } => f
                .debug_struct("Imported")
                .field("report", report)
                .field("rows", &data.as_ref().map(RosterData::len))
                .finish(),
            JobOutcome::Exported(p) => f.debug_tuple("Exported").field(p).finish(),
            JobOutcome::ExportedForm { paths, .. } => f.debug_tuple("ExportedForm").field(paths).finish(),
            JobOutcome::Reconciled { report, .. } => f.debug_tuple("Reconciled").field(report).finish(),
            JobOutcome::Merged { report, .. } => f.debug_tuple("Merged").field(report).finish(),
            JobOutcome::Checked(r) => f.debug_tuple("Checked").field(&r.findings()).finish(),
            JobOutcome::ToDismiss(lines) => f.debug_tuple("ToDismiss").field(&lines.len()).finish(),
            JobOutcome::ToUndismiss(lines) => f.debug_tuple("ToUndismiss").field(&lines.len()).finish(),
            JobOutcome::Dismissed { undo, done, .. } => {
                f.debug_struct("Dismissed").field("undo", undo).field("done", done).finish()
            }
            JobOutcome::BackedUp(p) => f.debug_tuple("BackedUp").field(p).finish(),
            JobOutcome::Restored { file, .. } => f.debug_tuple("Restored").field(file).finish(),
            JobOutcome::YearStarted { report, dry_run, .. } => {
                f.debug_struct("YearStarted").field("report", report).field("dry_run", dry_run).finish()
            }
            JobOutcome::Renamed { old, new, ids, .. } => {
                f.debug_struct("Renamed").field("old", old).field("new", new).field("pupils", &ids.len()).finish()
            }
            JobOutcome::Marked { items, outcomes, .. } => f
                .debug_struct("Marked")
                .field("pupils", &items.len())
                .field("failed", &outcomes.as_ref().err())
                .finish(),
            JobOutcome::Rewritten { edit, backwards, failed, .. } => f
                .debug_struct("Rewritten")
                .field("pupils", &edit.len())
                .field("backwards", backwards)
                .field("failed", failed)
                .finish(),
            JobOutcome::SearchPrepared { data } => {
                f.debug_struct("SearchPrepared").field("rows", &data.as_ref().map(RosterData::len)).finish()
            }
            JobOutcome::Stopped(kind) => f.debug_tuple("Stopped").field(kind).finish(),
            JobOutcome::WouldReplace { taken, .. } => f.debug_tuple("WouldReplace").field(taken).finish(),
            JobOutcome::NothingToExport(m) => f.debug_tuple("NothingToExport").field(m).finish(),
            JobOutcome::Failed(m) => f.debug_tuple("Failed").field(m).finish(),
            JobOutcome::ImportRefused { paths, messages } => {
                f.debug_struct("ImportRefused").field("paths", paths).field("messages", messages).finish()
            }
            JobOutcome::NextYearList { files, .. } => f.debug_struct("NextYearList").field("files", files).finish(),
            JobOutcome::LastYearList { files, .. } => f.debug_struct("LastYearList").field("files", files).finish(),
            JobOutcome::CategoryList { message, .. } => {
                f.debug_struct("CategoryList").field("message", message).finish()
            }
            JobOutcome::Refused(e) => f.debug_tuple("Refused").field(e).finish(),
        }
    }
}

/// The roster read again once a job's work is saved: never cut short by a stop asked for too late (see
/// `Store::stop_no_longer`), which would leave the reading to the screen's own thread, keys waiting meanwhile.
fn read_saved(store: &mut Store) -> Option<RosterData> {
    store.stop_no_longer().ok()?;
    RosterData::load(store).ok()
}

/// Does the work with `store` (the worker's own connection, or the app's when there is no file to share).
pub fn execute(work: Work, store: &mut Store) -> JobOutcome {
    execute_stoppable(work, store, &AtomicBool::new(false))
}

/// A file that could not be moved into place, said as every export says it.
fn write_failed(target: &std::path::Path, e: std::io::Error) -> String {
    crate::io::export::io_err(target, e).to_string()
}

/// A form's files are written in a hidden folder inside `folder`: a message about one of them names the file
/// where it was to go, the one the operator asked for.
fn named_outside(not_written: FormNotWritten, stage: &std::path::Path, folder: &std::path::Path) -> FormNotWritten {
    match not_written {
        FormNotWritten::Failed(message) => {
            FormNotWritten::Failed(message.replace(&stage.display().to_string(), &folder.display().to_string()))
        }
        empty => empty,
    }
}

/// Removes `folder` when this export made it and failed: only while empty (its hidden folder is gone by then).
fn unmake(folder: &std::path::Path, made: bool) {
    if made {
        let _ = std::fs::remove_dir(folder);
    }
}

/// The dry run of `request` into the school `preview`'s lists name written another way (`SchoolJoin`, which
/// the preview offers and Enter takes by default), where it can be had.
fn joined_preview(request: &ImportRequest, preview: &ImportReport, store: &mut Store) -> Option<Box<ImportReport>> {
    if request.school.is_some() || preview.added_without_school > 0 {
        return None;
    }
    let held = store.schools().ok()?;
    let (_, full) = crate::io::class_list::named_short(&preview.schools, &held)?;
    let mut joined = request.clone();
    joined.school = Some(full);
    joined.preview(store).ok().map(Box::new)
}

/// The preview of files ticked together. A file refused by name (a tax list, a payroll, a file that is no table)
/// is left out and the rest read again, each left out said first among the preview's warnings: one wrong tick
/// no longer refuses the lists ticked with it. A refusal naming no file (rows naming no school on a drive of
/// several) refuses the batch, as does every file refused.
fn plan_import(mut request: ImportRequest, store: &mut Store) -> JobOutcome {
    let several = request.paths.len() > 1;
    let mut left_out: Vec<PathBuf> = Vec::new();
    let mut messages: Vec<String> = Vec::new();
    loop {
        let message = match request.preview(store) {
            Ok(preview) => {
                let joined = joined_preview(&request, &preview, store);
                return JobOutcome::Planned { request, preview, left_out, joined };
            }
            Err(crate::io::class_list::ImportError::NextYearList { files, .. }) => {
                return JobOutcome::NextYearList { request, files };
            }
            Err(crate::io::class_list::ImportError::LastYearList { files }) => {
                return JobOutcome::LastYearList { request, files };
            }
            // One file, not yet taken as a class list: the operator may know it is the school's own.
            Err(crate::io::class_list::ImportError::CategoryList { file }) if !several && !request.as_class_list => {
                let road = palette_road(
                    super::palette::Command::Reconcile(crate::io::reconcile::Source::Categories),
                    "核对部门认定名单",
                    "Reconcile a department's category list",
                );
                let message = crate::io::class_list::category_list_on_screen(&file, (&road.0, &road.1));
                return JobOutcome::CategoryList { request, message };
            }
            Err(e) => e.on_screen(&year_roads()),
        };
        if !several {
            return JobOutcome::Failed(message);
        }
        let named: Vec<PathBuf> = request.paths.iter().filter(|p| names_file(&message, p)).cloned().collect();
        if named.is_empty() || named.len() == request.paths.len() {
            left_out.append(&mut request.paths);
            messages.push(message);
            return JobOutcome::ImportRefused { paths: left_out, messages };
        }
        request.paths.retain(|p| !named.contains(p));
        let names: Vec<String> = named.iter().map(|p| file_name(p)).collect();
        let (zh, en) = (on_screen(&message, Language::Zh), in_language(&message, Language::En));
        request.read_once.push(format!(
            "{} 未导入，其余文件照常导入：{zh} ({} left out, the other files are imported: {en})",
            names.join("、"),
            names.join(", ")
        ));
        messages.push(message);
        left_out.extend(named);
    }
}

/// Whether a refusal names `path`: by the path as given, or by its name alone where the message names no path.
fn names_file(message: &str, path: &std::path::Path) -> bool {
    let whole = path.display().to_string();
    if message.contains(&whole) {
        return true;
    }
    let name = file_name(path);
    // A name inside a longer one (一班.csv in 初一班.csv) is not it: the character before must end a word.
    message.match_indices(&name).any(|(at, _)| {
        let before = message[..at].chars().next_back();
        let after = message[at + name.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().unwrap_or(path.as_os_str()).to_string_lossy().into_owned()
}

/// Does the work, looking at `stop` where SQLite cannot: after an export's rows are written and before its
/// files are moved in, so a stopped export leaves nothing behind.
pub fn execute_stoppable(work: Work, store: &mut Store, stop: &AtomicBool) -> JobOutcome {
    let stopped = || stop.load(Ordering::Relaxed);
    match work {
        Work::Plan { request } => plan_import(request, store),
        // As `canbao import`: the automatic backup once the files are read again, just before the commit (a file
        // gone or changed since the preview takes none).
        Work::Apply { request } => match request.commit(store).map_err(|e| e.to_string()) {
            Ok(report) => JobOutcome::Imported { report, data: read_saved(store) },
            Err(e) => JobOutcome::Failed(e),
        },
        Work::Export { target, options, policy } => {
            let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let made = !folder.exists();
            // The hidden folder the sheet is written in first is no file the operator asked for: a folder that
            // cannot be written names the sheet's path, as `canbao export` names it, not the folder as a file.
            let stage = crate::io::export::new_stage_sweeping(folder).map_err(|e| match e {
                crate::io::ReadError::Write { reason, .. } => {
                    crate::io::ReadError::Write { file: target.display().to_string(), reason }
                }
                crate::io::ReadError::DiskFull { .. } => {
                    crate::io::ReadError::DiskFull { file: target.display().to_string() }
                }
                e => e,
            });
            let (stage, swept) = match stage {
                Ok(stage) => stage,
                Err(e) => return JobOutcome::Failed(e.to_string()),
            };
            let written = target
                .file_name()
                .ok_or_else(|| FormNotWritten::Failed(target.display().to_string()))
                .and_then(|name| {
                    sheet::export_sheet(store, policy.as_ref(), &stage.join(name), &options)
                        .map_err(|e| named_outside(not_written(e), &stage, folder))
                });
            let placed = match written {
                Ok(_) if stopped() => Err(FormNotWritten::Failed(STOPPED.to_owned())),
                // The operator was asked before an existing file is replaced. Checked when the name was typed;
                // again here, as the answer may have come long after. Whole numbers go out recorded.
                Ok((path, left_out)) => check_target(&target, options.format, store.path())
                    .map_err(|e| e.to_string())
                    .and_then(|()| match options.mask {
                        true => Ok(()),
                        false => store
                            .record_export(&ExportRecord {
                                form: "sheet".to_owned(),
                                pupils: left_out.ids_written,
                                files: vec![crate::io::export::shown_in_full(&target)],
                                year: store.shown_year(),
                            })
                            .map_err(|e| e.to_string()),
                    })
                    .and_then(|()| std::fs::rename(&path, &target).map_err(|e| write_failed(&target, e)))
                    .map(|()| (target.clone(), left_out))
                    .map_err(FormNotWritten::Failed),
                Err(e) => Err(e),
            };
            let cut = cut_notes(&stage, folder);
            let _ = std::fs::remove_dir_all(&stage);
            unmake(folder, made && placed.is_err());
            match placed {
                Ok((path, sheet::LeftOut { former: 0, leavers: 0, .. })) if cut.is_empty() && swept == 0 => {
                    JobOutcome::Exported(path)
                }
                Ok((path, left_out)) => JobOutcome::ExportedForm {
                    paths: vec![path],
                    skipped: forms::classes::former_note(left_out.former, forms::classes::SHEET_FORM)
                        .into_iter()
                        .chain(sheet::leavers_note(left_out.leavers))
                        .map(|(both, _)| both)
                        .chain(cut)
                        .collect(),
                    swept,
                },
                Err(FormNotWritten::Empty(lines)) => JobOutcome::NothingToExport(lines),
                Err(FormNotWritten::Failed(message)) => JobOutcome::Failed(message),
            }
        }
        Work::ExportForm { form, folder, options, policy, config } => {
            let made = !folder.exists();
            let (stage, swept) = match crate::io::export::new_stage_sweeping(&folder).map_err(|e| e.to_string()) {
                Ok(stage) => stage,
                Err(message) => return JobOutcome::Failed(message),
            };
            let ids_written = std::cell::Cell::new(0);
            let written = export_form(store, form, &stage, &options, policy.as_ref(), config.as_deref(), &ids_written);
            let (files, skipped, changes_only) = match written {
                Ok(_) if stopped() => {
                    let _ = std::fs::remove_dir_all(&stage);
                    unmake(&folder, made);
                    return JobOutcome::Failed(STOPPED.to_owned());
                }
                Ok((files, mut skipped, changes_only)) => {
                    skipped.extend(cut_notes(&stage, &folder));
                    (files, skipped, changes_only)
                }
                Err(not_written) => {
                    let _ = std::fs::remove_dir_all(&stage);
                    unmake(&folder, made);
                    return match named_outside(not_written, &stage, &folder) {
                        FormNotWritten::Empty(lines) => JobOutcome::NothingToExport(lines),
                        FormNotWritten::Failed(message) => JobOutcome::Failed(message),
                    };
                }
            };
            let record = form.full_id_form(options.mask).map(|name| ExportRecord {
                // A later year's template holds only the year's new pupils and leavers, and is recorded so.
                form: if changes_only { forms::template::CHANGES_FORM } else { name }.to_owned(),
                pupils: ids_written.get(),
                files: Vec::new(),
                year: store.shown_year(),
            });
            let staged = Staged { folder, stage, files, skipped, record, swept };
            // A file that may not be replaced is refused before the operator is asked about the others.
            if let Some(message) = staged.refused(store.path()) {
                staged.discard();
                return JobOutcome::Failed(message);
            }
            let taken: Vec<PathBuf> = staged.targets().into_iter().filter(|target| target.exists()).collect();
            if taken.is_empty() { staged.place(store) } else { JobOutcome::WouldReplace { staged, taken } }
        }
        Work::Place { staged } => staged.place(store),
        Work::Reconcile { file, source, policy, options } => {
            // As `canbao reconcile`: the list read and checked, a backup before the drive changes.
            let mut done = reconcile::reconcile_with(store, &file, source, policy.as_ref(), options);
            // A run refused because the list matches no pupil of the drive (the drive changed since its preview):
            // the preview again, whose Enter asks what `--keep-unmatched` answers, not the command line's words.
            if let Err(reconcile::ReconcileError::NoPupilOfDrive { .. }) = done {
                let again = reconcile::ReconcileOptions { dry_run: true, previewed: None, ..Default::default() };
                done = reconcile::reconcile_with(store, &file, source, policy.as_ref(), again);
            }
            match done {
                Ok(report) => {
                    let data = if report.dry_run { None } else { read_saved(store) };
                    JobOutcome::Reconciled { file, report: Box::new(report), data }
                }
                Err(e) => {
                    let tax = super::palette::Command::Reconcile(reconcile::Source::Tax);
                    let (zh, en) = palette_road(tax, "核对税务缴费名单", "Reconcile the tax office's paid list");
                    JobOutcome::Failed(e.on_screen(&format!("请{zh}"), &format!(": {en}")))
                }
            }
        }
        Work::Merge { file, dry_run, policy } => {
            // As `canbao merge`: the payments it brings dated outside the year are listed, by the preview too.
            let year = store.current_year();
            let mut outside = Vec::new();
            let mut judge = |pupils: &[crate::domain::student::Student]| {
                outside.extend(crate::domain::roster_check::payments_outside_year(pupils, policy.as_ref(), year));
            };
            let today = store.today();
            let merged = store
                .merge_from_judged(&file, (dry_run, true, true, true), Some(&mut judge))
                .map_err(|e| {
                    crate::io::drive_or_list::named_other_file_error(e, &file, crate::store::OtherFileUse::Merge)
                })
                .map_err(|e| crate::io::year_policy::merge_later_year_advice(e, policy.as_ref(), today, true))
                .map_err(year_new_on_screen);
            match merged {
                Ok(report) => {
                    let data = if dry_run { None } else { read_saved(store) };
                    JobOutcome::Merged { file, report: Box::new(report), outside, data }
                }
                Err(
                    e @ (crate::store::StoreError::OtherFileTable { .. } | crate::store::StoreError::OwnExport { .. }),
                ) => JobOutcome::Refused(e),
                Err(e) => JobOutcome::Failed(e.to_string()),
            }
        }
        Work::Check { policy } => match store.check_roster(policy.as_ref()) {
            Ok(report) => JobOutcome::Checked(report),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Dismissable { policy, undo: false } => match store.check_roster(policy.as_ref()) {
            Ok(report) => JobOutcome::ToDismiss(report.tax_paid_unrecorded),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Dismissable { undo: true, .. } => match store.dismissed_lines() {
            Ok(lines) => JobOutcome::ToUndismiss(lines),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Dismiss { line, why, undo } => {
            let done = if undo { store.undismiss_unapplied(&line, &why) } else { store.dismiss_unapplied(&line, &why) };
            JobOutcome::Dismissed { line, why, undo, done: done.map(|d| d.is_some()).map_err(|e| e.to_string()) }
        }
        Work::Backup => match store.backup_now(crate::store::backup::MANUAL) {
            Ok(path) => JobOutcome::BackedUp(path),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::StartYear { year, policy, dry_run, written, promote } => {
            // As `canbao year new`: a backup before the drive changes; one transaction, so a stop rolls it back.
            let started = if dry_run { Ok(None) } else { store.backup_now("year") }
                .and_then(|_| store.start_year(year, promote, policy.as_deref(), dry_run));
            match started {
                Ok(report) => {
                    let data = if dry_run { None } else { read_saved(store) };
                    JobOutcome::YearStarted { report, dry_run, written, data }
                }
                Err(e) => {
                    if let Some(path) = &written {
                        let _ = std::fs::remove_file(path);
                    }
                    JobOutcome::Failed(e.to_string())
                }
            }
        }
        Work::RenameSchool { old, new, merge } => match store.rename_school_pupils(&old, &new) {
            Ok(ids) => JobOutcome::Renamed { old, new, merge, ids, data: read_saved(store) },
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Mark { action, items, label, confirmed, note } => {
            let options = ChangeOptions { confirmed, ..ChangeOptions::default() };
            // The possible leavers, each looked at again as the write goes (`App::mark_leavers`).
            let written = if action == crate::store::LEAVERS {
                let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
                store.mark_possible_leavers(&ids).map(|m| (m.outcomes, m.left_out))
            } else {
                store.apply_changes(&action, &items, options).map(|o| (o, Vec::new()))
            };
            match written {
                Ok((outcomes, left_out)) => {
                    let data = read_saved(store);
                    JobOutcome::Marked { items, label, note, outcomes: Ok(outcomes), left_out, data }
                }
                // Stopped: rolled back, and said as every stopped job is.
                Err(e) if stopped() => JobOutcome::Failed(e.to_string()),
                Err(e) => {
                    let outcomes = Err(e.to_string());
                    JobOutcome::Marked { items, label, note, outcomes, left_out: Vec::new(), data: None }
                }
            }
        }
        Work::Rewrite { edit, backwards } => {
            let action = if backwards { "undo" } else { "redo" };
            match store.change_batch(action, &edit.field_values(backwards), false) {
                Ok(_) => JobOutcome::Rewritten { edit, backwards, failed: None, data: read_saved(store) },
                // The edit goes back where it was taken from, so it can still be undone (or redone).
                Err(e) => {
                    let failed = if stopped() { None } else { Some(e.to_string()) };
                    JobOutcome::Rewritten { edit, backwards, failed: Some(failed), data: None }
                }
            }
        }
        Work::PrepareSearch => match store.rebuild_search_keys() {
            Ok(_) => JobOutcome::SearchPrepared { data: read_saved(store) },
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Restore { file } => match store.restore_from(&file) {
            Ok(safety) => JobOutcome::Restored { file, safety, data: read_saved(store) },
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
    }
}

/// Writes `form` into `folder`, each school's own files for a drive of several: the files written, what a school
/// had nothing for (and the notes on them), and whether a later year's template held only the year's new pupils
/// and leavers (002 四), which the drive's record says. No file at all is `Empty` when every school had nobody for the form.
fn export_form(
    store: &Store,
    form: Form,
    folder: &std::path::Path,
    options: &ExportOptions,
    policy: Option<&Policy>,
    config: Option<&std::path::Path>,
    ids_written: &std::cell::Cell<usize>,
) -> Result<(Vec<PathBuf>, Vec<String>, bool), FormNotWritten> {
    // Each form covers one school: a drive of several gets each school's own files.
    let schools = match store.schools() {
        Ok(s) if s.len() > 1 => s.into_iter().map(Some).collect(),
        Ok(_) => vec![None],
        Err(e) => return Err(FormNotWritten::Failed(e.to_string())),
    };
    let several = schools.len() > 1;
    let (mut all, mut skipped) = (Vec::new(), Vec::new());
    let mut empty = Vec::new();
    // Whether a later year's template went out of only the year's new pupils and leavers (002 四).
    let mut changes_only = false;
    for school in schools {
        let opts = ExportOptions { school, ..options.clone() };
        let input = FormInput { store, opts: &opts, policy, ids_written };
        let out = Some(folder);
        let written = match form {
            Form::Sheet => Err(ExportError::Nothing),
            Form::Template | Form::TemplateAll => {
                forms::template::Template::load(forms::template::DEFAULT_TEMPLATE, config)
                    .and_then(|t| forms::template::export_template(&input, &t, out, form == Form::TemplateAll))
                    .map(|written| {
                        let school =
                            opts.school.as_deref().filter(|_| several).map(|s| format!("{s}：")).unwrap_or_default();
                        let notes = forms::template::left_out_note(written.left_out, true)
                            .into_iter()
                            .chain(forms::template::changes_note(written.changes, true))
                            .chain(forms::template::empty_files_note(&written.empty));
                        skipped.extend(notes.map(|(both, _)| format!("{school}{both}")));
                        changes_only |= written.changes.is_some();
                        written.paths
                    })
            }
            // Why the 未缴费 ledger's 应缴金额 is empty is said on the screen's report too, not only on the ledger;
            // once, as it is the same for every school.
            Form::Ledgers => forms::ledgers::export_ledgers(&input, out).inspect(|_| {
                let note = forms::ledgers::blank_amounts_note(&input).map(|(both, _)| both);
                skipped.extend(note.filter(|note| !skipped.contains(note)));
            }),
            // As `canbao export special` says it: without the year's policy 备注 cannot say which category's
            // subsidy applies to a pupil of several, and a department reading the roster cannot tell whether it pays.
            Form::Special => forms::special::export_special(&input, out).inspect(|_| {
                let school = opts.school.as_deref().filter(|_| several).map(|s| format!("{s}：")).unwrap_or_default();
                let how = (
                    "请在命令面板中选「政策：查看与选定」选定政策后重新导出".to_owned(),
                    "choose one with \"Policy: show and choose\" in the command palette and export again".to_owned(),
                );
                let note = forms::special::subsidy_remarks_unsaid_how(&input, how);
                skipped.extend(note.map(|(both, _)| format!("{school}{both}")));
            }),
            Form::Classes => forms::classes::export_classes(&input, out).map(|(paths, former)| {
                skipped.extend(forms::classes::former_note(former, forms::classes::CLASS_FORM).map(|(both, _)| both));
                paths
            }),
            Form::Summary => forms::summary::export_summary(&input, out),
            Form::Notices => forms::notices::export_notices(&input, opts.date, out).map(|(p, _, by_department)| {
                let school = opts.school.as_deref().filter(|_| several).map(|s| format!("{s}：")).unwrap_or_default();
                let note = forms::notices::paid_by_department_note(by_department);
                skipped.extend(note.map(|(both, _)| format!("{school}{both}")));
                vec![p]
            }),
        };
        match written {
            Ok(paths) => all.extend(paths),
            // One school with nothing for this form does not stop the others'.
            Err(e) if several => {
                if e.is_empty_form() {
                    empty.push((opts.school.clone(), e.to_string()));
                }
                skipped.push(format!("{}：{e}", opts.school.as_deref().unwrap_or_default()));
            }
            Err(e) => return Err(not_written(e)),
        }
    }
    if all.is_empty() {
        if empty.len() == skipped.len() {
            return Err(FormNotWritten::Empty(empty));
        }
        return Err(FormNotWritten::Failed(skipped.join("\n")));
    }
    Ok((all, skipped, changes_only))
}

/// The worker side: a channel back to the event loop and what is running now.
pub struct Jobs {
    tx: Sender<JobOutcome>,
    rx: Receiver<JobOutcome>,
    running: Option<Running>,
}

struct Running {
    kind: JobKind,
    started: Instant,
    /// The file the job reads, named in its progress box (`Work::file`).
    file: Option<String>,
    /// Set to stop the job: its connection's statements are interrupted from then on.
    stop: Arc<AtomicBool>,
    /// The worker, to tell a job that ended without a word (a panic) from one still running (`wait`).
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Default for Jobs {
    fn default() -> Self {
        let (tx, rx) = channel();
        Jobs { tx, rx, running: None }
    }
}

impl Jobs {
    /// Starts `work` on a thread with its own connection to `db`, as `operator`.
    pub fn spawn(&mut self, work: Work, db: Reopen, operator: String) {
        let (kind, file) = (work.kind(), work.file());
        let stop = Arc::new(AtomicBool::new(false));
        let mut running = Running { kind, started: Instant::now(), file, stop: Arc::clone(&stop), worker: None };
        let tx = self.tx.clone();
        running.worker = Some(std::thread::spawn(move || {
            let outcome = match db.open() {
                Ok(mut store) => {
                    match store.set_operator(&operator).and_then(|()| store.stop_when(Arc::clone(&stop))) {
                        Ok(()) => execute_stoppable(work, &mut store, &stop),
                        Err(e) => JobOutcome::Failed(e.to_string()),
                    }
                }
                Err(e) => JobOutcome::Failed(e.to_string()),
            };
            // A job that failed after being told to stop failed because it was stopped: its one transaction
            // was rolled back, its half-written file removed. One that finished first keeps its result.
            let outcome = match outcome {
                JobOutcome::Failed(_) if stop.load(Ordering::Relaxed) => JobOutcome::Stopped(kind),
                done => done,
            };
            // The receiver is gone only when the app is quitting; nothing is left to tell.
            let _ = tx.send(outcome);
        }));
        self.running = Some(running);
    }

    /// Waits for the running job's outcome: `None` when none runs, or its worker ended without one.
    pub fn wait(&self) -> Option<JobOutcome> {
        loop {
            if let Some(ended) = self.wait_up_to(std::time::Duration::from_millis(50)) {
                return ended;
            }
        }
    }

    /// `wait`, for `timeout` at the most: `None` while the job still runs then.
    pub fn wait_up_to(&self, timeout: std::time::Duration) -> Option<Option<JobOutcome>> {
        let Some(running) = self.running.as_ref() else { return Some(None) };
        match self.rx.recv_timeout(timeout) {
            Ok(outcome) => Some(Some(outcome)),
            Err(_) if running.worker.as_ref().is_none_or(std::thread::JoinHandle::is_finished) => {
                Some(self.rx.try_recv().ok())
            }
            Err(_) => None,
        }
    }

    /// A finished job's outcome, if one is waiting.
    pub fn poll(&self) -> Option<JobOutcome> {
        self.rx.try_recv().ok()
    }

    pub fn running(&self) -> Option<(JobKind, Instant)> {
        self.running.as_ref().map(|r| (r.kind, r.started))
    }

    /// The file the running job reads, as its progress box names it.
    pub fn running_file(&self) -> Option<&str> {
        self.running.as_ref().and_then(|r| r.file.as_deref())
    }

    /// Whether the operator asked the running job to stop.
    pub fn stop_requested(&self) -> bool {
        self.running.as_ref().is_some_and(|r| r.stop.load(Ordering::Relaxed))
    }

    /// Asks the running job to stop; false when nothing is running or the job cannot stop safely.
    pub fn stop(&mut self) -> bool {
        match &self.running {
            Some(r) if r.kind.can_stop() => {
                r.stop.store(true, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    pub fn finished(&mut self) {
        self.running = None;
    }
}

/// The palette entry for `command`, in both languages, as the screen names it where a message would give a
/// command line: 「用 : 打开命令面板，选「…」」.
fn palette_road(command: super::palette::Command, zh: &str, en: &str) -> (String, String) {
    let entry = super::palette::ENTRIES.iter().find(|e| e.command == command);
    let (zh, en) = entry.map_or((zh, en), |e| (e.zh, e.en));
    (format!("用 : 打开命令面板，选「{zh}」"), format!("press : and choose 「{en}」"))
}

/// The palette's entries that see another year and start the next, for an import refused for its year.
fn year_roads() -> crate::io::class_list::ScreenYearRoads {
    use super::palette::Command;
    let (switch_zh, switch_en) = palette_road(Command::SwitchYear, "切换年度", "Switch year");
    let (start_zh, start_en) = palette_road(Command::NewYear, "开始新学年", "Start the next school year");
    crate::io::class_list::ScreenYearRoads {
        switch_zh: format!("请{switch_zh}"),
        switch_en,
        start_zh,
        start_en: format!("({start_en})"),
    }
}

/// A merge refused for the other file's later year names, on the screen, the palette entry that starts the year:
/// the command line it names elsewhere is refused while the screen holds the drive.
fn year_new_on_screen(e: crate::store::StoreError) -> crate::store::StoreError {
    use crate::store::StoreError;
    let StoreError::MergeLaterYear { theirs, ours, next, why_zh, why_en, .. } = e else { return e };
    let entry = super::palette::ENTRIES.iter().find(|e| matches!(e.command, super::palette::Command::NewYear));
    let (zh, en) = entry.map_or(("开始新学年", "Start the next school year"), |e| (e.zh, e.en));
    StoreError::MergeLaterYear {
        theirs,
        ours,
        next,
        command: format!("用 : 打开命令面板，选「{zh}」"),
        command_en: format!("press : and choose 「{en}」"),
        why_zh,
        why_en,
    }
}

#[cfg(test)]
mod tests {
    /// The screen's refusal of a merge from a later year names the palette entry, never a command line the
    /// open screen would have refused.
    #[test]
    fn a_merge_from_a_later_year_names_the_palette_entry_on_screen() {
        let refused = crate::store::StoreError::MergeLaterYear {
            theirs: 2028,
            ours: 2027,
            next: 2028,
            command: "canbao --db t.db year new 2028 --promote --force".into(),
            command_en: "canbao --db t.db year new 2028 --promote --force".into(),
            why_zh: String::new(),
            why_en: String::new(),
        };
        let said = super::year_new_on_screen(refused).to_string();
        assert!(said.contains("选「开始新学年（升级、毕业）」") && !said.contains("canbao"), "{said}");
        assert!(said.contains("choose 「Start the next school year (promote, graduate)」"), "{said}");
    }

    /// An import refused for its year names on the screen the palette's entries that see that year or start the
    /// next, and a tax list given as the agency's feedback names the palette's 核对税务缴费名单, in both languages:
    /// never a command line (`canbao --year N`, `canbao reconcile …`), which the screen holding the drive would
    /// refuse. The command line's words stay as they were.
    #[test]
    fn refusals_name_the_palette_entries_on_screen_not_a_command_line() {
        use crate::io::class_list::ImportError;
        use crate::io::own_forms::OtherYear;
        for (year, zh, en, command) in [
            (
                2026,
                "请用 : 打开命令面板，选「切换年度（查看往年，只读）」",
                "choose 「Switch year",
                "canbao --year 2026",
            ),
            (2028, "用 : 打开命令面板，选「开始新学年（升级、毕业）」", "choose 「Start the next", "canbao year new"),
        ] {
            let refused = ImportError::OtherYear {
                file: "表.xlsx".into(),
                form: "在校学生信息表".into(),
                year: OtherYear::Named(year),
                current: 2027,
            };
            assert!(refused.to_string().contains(command), "{refused}");
            let said = refused.on_screen(&super::year_roads());
            assert!(said.contains(zh) && said.contains(en), "{said}");
            assert!(!said.contains("canbao --") && !said.contains("canbao year"), "{said}");
        }
        let dir = tempfile::tempdir().expect("dir");
        let list = dir.path().join("税务.csv");
        std::fs::write(
            &list,
            "纳税人姓名,证件号码,缴费金额,缴费日期
张三,450202201711194162,380,2026-10-08
",
        )
        .expect("list");
        let mut store = crate::store::Store::open_in_memory().expect("store");
        let options = super::reconcile::ReconcileOptions { dry_run: true, previewed: None, ..Default::default() };
        let work = super::Work::Reconcile { file: list, source: super::Source::Agency, policy: None, options };
        let super::JobOutcome::Failed(said) = super::execute_stoppable(work, &mut store, &Default::default()) else {
            panic!("the tax list is refused as the agency's feedback");
        };
        assert!(said.contains("税务缴费名单请用 : 打开命令面板，选「核对税务缴费名单」"), "{said}");
        assert!(
            said.contains("Reconcile a tax list: press : and choose 「Reconcile the tax office's paid list」"),
            "{said}"
        );
        assert!(!said.contains("canbao reconcile"), "{said}");
    }
}
