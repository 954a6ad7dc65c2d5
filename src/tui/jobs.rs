//! Work that can take longer than a frame (reading class lists, importing, exporting) runs on a worker thread
//! with its own connection to the drive file; the result comes back to the event loop as an action.

use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use super::palette::Form;
use super::roster::RosterData;
use crate::domain::category::CategoryTable;
use crate::domain::policy::Policy;
use crate::domain::roster_check::{self, CheckReport};
use crate::io::class_list::{ImportReport, ImportRequest};
use crate::io::forms::{self, FormInput};
use crate::io::reconcile::{self, ReconcileReport, Source};
use crate::io::sheet::{self, ExportError, ExportOptions};
use crate::store::merge::MergeReport;
use crate::store::{Reopen, Store, StudentFilter};

/// A piece of work, described so that it can run on either side.
pub enum Work {
    /// Read and check class lists: the import done and rolled back, so nothing is written.
    Plan { request: ImportRequest },
    /// Commit a checked import, reading its files again: one changed since the preview fails it.
    Apply { request: ImportRequest },
    /// Write the student information sheet.
    Export { target: PathBuf, options: ExportOptions },
    /// Write one of the other forms into a folder.
    ExportForm { form: Form, folder: PathBuf, options: ExportOptions, policy: Option<Policy>, config: Option<PathBuf> },
    /// Match an agency's list against the roster; a dry run first, then for real (after a backup).
    Reconcile { file: PathBuf, source: Source, policy: Option<Policy>, dry_run: bool },
    /// Bring in another copy of the drive; a dry run first.
    Merge { file: PathBuf, dry_run: bool },
    /// Look the roster through for duplicates, bad numbers, pupils without a class.
    Check,
    /// Copy the drive into its backups folder.
    Backup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Reading,
    Importing,
    Exporting,
    Reconciling,
    Checking,
    BackingUp,
}

impl Work {
    pub fn kind(&self) -> JobKind {
        match self {
            Work::Plan { .. } => JobKind::Reading,
            Work::Apply { .. } => JobKind::Importing,
            Work::Export { .. } | Work::ExportForm { .. } => JobKind::Exporting,
            Work::Reconcile { .. } | Work::Merge { .. } => JobKind::Reconciling,
            Work::Check => JobKind::Checking,
            Work::Backup => JobKind::BackingUp,
        }
    }
}

/// What a job produced.
pub enum JobOutcome {
    /// Files read and checked; `preview` is a dry run of the import, so it counts added and updated pupils.
    Planned {
        request: ImportRequest,
        preview: ImportReport,
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
    },
    Reconciled {
        file: PathBuf,
        report: Box<ReconcileReport>,
        data: Option<RosterData>,
    },
    Merged {
        file: PathBuf,
        report: Box<MergeReport>,
        data: Option<RosterData>,
    },
    Checked(CheckReport),
    /// The backup's path (`None`: an in-memory drive, nothing to back up).
    BackedUp(Option<PathBuf>),
    /// The job failed; the message is for the operator.
    Failed(String),
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
            JobOutcome::BackedUp(p) => f.debug_tuple("BackedUp").field(p).finish(),
            JobOutcome::Failed(m) => f.debug_tuple("Failed").field(m).finish(),
        }
    }
}

/// Does the work with `store` (the worker's own connection, or the app's when there is no file to share).
pub fn execute(work: Work, store: &mut Store) -> JobOutcome {
    match work {
        Work::Plan { mut request } => match request.preview(store) {
            Ok(preview) => JobOutcome::Planned { request, preview },
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        // The same automatic backup as `canbao import` takes, on the worker's own connection.
        Work::Apply { request } => match store
            .backup_now("import")
            .map_err(|e| e.to_string())
            .and_then(|_| request.run(store, false).map_err(|e| e.to_string()))
        {
            Ok(report) => JobOutcome::Imported { report, data: RosterData::load(store).ok() },
            Err(e) => JobOutcome::Failed(e),
        },
        Work::Export { target, options } => match sheet::export_sheet(store, &target, &options) {
            Ok(path) => JobOutcome::Exported(path),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::ExportForm { form, folder, options, policy, config } => {
            // Each form covers one school: a drive of several gets each school's own files.
            let schools = match store.schools() {
                Ok(s) if s.len() > 1 => s.into_iter().map(Some).collect(),
                Ok(_) => vec![None],
                Err(e) => return JobOutcome::Failed(e.to_string()),
            };
            let several = schools.len() > 1;
            let (mut all, mut skipped) = (Vec::new(), Vec::new());
            for school in schools {
                let opts = ExportOptions { school, ..options.clone() };
                let input = FormInput { store, opts: &opts, policy: policy.as_ref() };
                let out = Some(folder.as_path());
                let written = match form {
                    Form::Sheet => Err(ExportError::Nothing),
                    Form::Template => {
                        forms::template::Template::load(forms::template::DEFAULT_TEMPLATE, config.as_deref())
                            .and_then(|t| forms::template::export_template(&input, &t, out))
                    }
                    Form::Ledgers => forms::ledgers::export_ledgers(&input, out),
                    Form::Special => forms::special::export_special(&input, out),
                    Form::Classes => forms::classes::export_classes(&input, out),
                    Form::Summary => forms::summary::export_summary(&input, out),
                    Form::Notices => forms::notices::export_notices(&input, opts.date, out).map(|(p, _)| vec![p]),
                };
                match written {
                    Ok(paths) => all.extend(paths),
                    // One school with nothing for this form does not stop the others'.
                    Err(e) if several => skipped.push(format!("{}：{e}", opts.school.as_deref().unwrap_or_default())),
                    Err(e) => return JobOutcome::Failed(e.to_string()),
                }
            }
            if all.is_empty() {
                return JobOutcome::Failed(skipped.join("\n"));
            }
            JobOutcome::ExportedForm { paths: all, skipped }
        }
        Work::Reconcile { file, source, policy, dry_run } => {
            // As `canbao reconcile`: a backup before the drive changes.
            if !dry_run && let Err(e) = store.backup_now("reconcile") {
                return JobOutcome::Failed(e.to_string());
            }
            match reconcile::reconcile(store, &file, source, policy.as_ref(), dry_run) {
                Ok(report) => {
                    let data = if dry_run { None } else { RosterData::load(store).ok() };
                    JobOutcome::Reconciled { file, report: Box::new(report), data }
                }
                Err(e) => JobOutcome::Failed(e.to_string()),
            }
        }
        Work::Merge { file, dry_run } => match store.merge_from(&file, dry_run) {
            Ok(report) => {
                let data = if dry_run { None } else { RosterData::load(store).ok() };
                JobOutcome::Merged { file, report: Box::new(report), data }
            }
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Check => match store.students(&StudentFilter::default()) {
            Ok(pupils) => JobOutcome::Checked(roster_check::check(&pupils, CategoryTable::builtin(), store.today())),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
        Work::Backup => match store.backup_now("manual") {
            Ok(path) => JobOutcome::BackedUp(path),
            Err(e) => JobOutcome::Failed(e.to_string()),
        },
    }
}

/// The worker side: a channel back to the event loop and what is running now.
pub struct Jobs {
    tx: Sender<JobOutcome>,
    rx: Receiver<JobOutcome>,
    running: Option<(JobKind, Instant)>,
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
        self.running = Some((work.kind(), Instant::now()));
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let outcome = match db.open() {
                Ok(mut store) => match store.set_operator(&operator) {
                    Ok(()) => execute(work, &mut store),
                    Err(e) => JobOutcome::Failed(e.to_string()),
                },
                Err(e) => JobOutcome::Failed(e.to_string()),
            };
            // The receiver is gone only when the app is quitting; nothing is left to tell.
            let _ = tx.send(outcome);
        });
    }

    /// A finished job's outcome, if one is waiting.
    pub fn poll(&self) -> Option<JobOutcome> {
        self.rx.try_recv().ok()
    }

    pub fn running(&self) -> Option<(JobKind, Instant)> {
        self.running
    }

    pub fn finished(&mut self) {
        self.running = None;
    }
}
