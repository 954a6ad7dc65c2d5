//! Work that can take longer than a frame (reading class lists, importing, exporting) runs on a worker thread
//! with its own connection to the drive file; the result comes back to the event loop as an action.

use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use super::roster::RosterData;
use crate::io::class_list::{ImportReport, ImportRequest};
use crate::io::sheet::{self, ExportOptions};
use crate::store::{Reopen, Store};

/// A piece of work, described so that it can run on either side.
pub enum Work {
    /// Read and check class lists: the import done and rolled back, so nothing is written.
    Plan { request: ImportRequest },
    /// Commit a checked import, reading its files again: one changed since the preview fails it.
    Apply { request: ImportRequest },
    /// Write the student information sheet.
    Export { target: PathBuf, options: ExportOptions },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Reading,
    Importing,
    Exporting,
}

impl Work {
    pub fn kind(&self) -> JobKind {
        match self {
            Work::Plan { .. } => JobKind::Reading,
            Work::Apply { .. } => JobKind::Importing,
            Work::Export { .. } => JobKind::Exporting,
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
