//! A read-only window keeping up with the window that writes: a few changed statuses are applied in place on
//! the next idle tick; anything that moves pupils (an import, a renamed class) reads the roster again on a
//! worker thread while the operator goes on searching the roster as it was.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use super::roster::RosterData;
use super::roster_view::{Refiltered, ViewQuery};
use crate::store::{Reopen, Store};

/// How many audit rows are applied one pupil at a time before reading the whole roster is the cheaper way.
const IN_PLACE_LIMIT: usize = 2_000;

/// How often an idle read-only window looks whether the writer still holds the drive's lock.
const LOCK_LOOK_EVERY: Duration = Duration::from_secs(3);

/// A roster read on the worker, or why it could not be read.
type WholeRoster = Result<Box<Loaded>, String>;

/// A roster read again on a worker, with what the window would otherwise work out from it on its own thread,
/// where half a million rows take longer than a frame: the part payments marked, the schools listed, and the
/// rows the window's search and filters leave.
pub struct Loaded {
    pub data: RosterData,
    /// `Store::schools`.
    pub schools: Vec<String>,
    /// The rows shown, for the search and filters the window had when the worker started.
    pub refiltered: Refiltered,
    /// The dashboard counted, with the last backup it names, when the window showed it as the worker started.
    pub dashboard: Option<(super::dashboard::Dashboard, Option<String>)>,
    /// The last audit row the roster reflects.
    seen: i64,
}

/// What the worker needs of the window to do the window's share of taking a roster in.
pub struct Reading {
    /// The window's search and filters.
    pub query: ViewQuery,
    /// The day a part payment is weighed on (`Store::today`).
    pub today: chrono::NaiveDate,
    /// Where this laptop's policies are (`due::drive_policy`).
    pub config_dir: Option<std::path::PathBuf>,
    /// The window shows the dashboard (`App::recount`).
    pub dashboard: bool,
}

/// What the window has seen of the file.
#[derive(Default)]
pub struct Follower {
    /// The file's `data_version` when last looked at: unchanged, nothing was saved.
    data_version: Option<i64>,
    /// The last audit row the roster in memory reflects.
    seen_audit: i64,
    /// The restore and the insured year the roster in memory was read under.
    epoch: crate::store::DriveEpoch,
    /// A whole roster being read on a worker thread, with the audit row it reflects; and whether it is read
    /// after a save (each id still the pupil it was) rather than after a restore or a new year.
    loading: Option<(Receiver<WholeRoster>, bool)>,
    /// Whether a canbao held the drive's lock when last looked at. The window opened read-only because another
    /// canbao held it (or by choice); once that one quits, nothing else tells this window the drive is free.
    writer_held: bool,
    /// The lock was held, and is free now: the writer quit (or was killed) since.
    writer_gone: bool,
    /// When the lock was last looked at; `None` before the first idle look.
    lock_looked: Option<Instant>,
    /// The writer had gone and another canbao has taken the drive since (a window beside this one took over):
    /// not said yet.
    retaken: bool,
    /// The drive has been taken again since this window opened (`retaken`, kept once said): its holder now is a
    /// window that took over, not the writer this window deferred to.
    taken_over: bool,
    /// Read as an immutable file (a reader who may not write beside the drive): what its files looked like
    /// when opened, and a change seen since, waiting to look the same on the next look (the owner may be
    /// mid-save). SQLite's `data_version` never moves for such a connection.
    stamp: Option<(crate::store::FileStamp, Option<crate::store::FileStamp>)>,
}

/// What a look at the file found.
pub enum Followed {
    Nothing,
    /// These pupils' rows are read again and updated in place.
    Pupils(Vec<i64>),
    /// A whole roster, read on the worker; false: after a restore or a new year, when an id may name another
    /// pupil than it did (see `RosterView::carry_over`).
    Roster(Box<Loaded>, bool),
    /// Still reading.
    Loading,
    Failed(String),
    /// The drive, read as an immutable file, has changed on disk and stopped changing: to be opened again.
    Reopen,
}

impl Follower {
    pub fn new(store: &Store) -> Follower {
        Follower {
            data_version: store.data_version().ok(),
            seen_audit: store.audit_high_water().unwrap_or_default(),
            epoch: store.drive_epoch().unwrap_or_default(),
            loading: None,
            writer_held: store.path().is_some_and(crate::store::lock::is_held),
            writer_gone: false,
            lock_looked: None,
            retaken: false,
            taken_over: false,
            stamp: store.is_immutable().then(|| store.file_stamp()).flatten().map(|seen| (seen, None)),
        }
    }

    /// The epoch (restore, insured year) the roster in memory was read under.
    pub fn epoch(&self) -> &crate::store::DriveEpoch {
        &self.epoch
    }

    /// Looks, at most every `LOCK_LOOK_EVERY`, whether the writer has let go of the drive: true once, on the
    /// look that finds the lock free after it was held. The look takes nothing: a shared lock tried and let go.
    /// While the writer is gone it looks on every call: the window offers taking over, and another window that
    /// took the drive must end the offer before the operator acts on it (`retaken`).
    pub fn writer_left(&mut self, store: &Store, now: Instant) -> bool {
        if !self.writer_gone && self.lock_looked.is_some_and(|at| now.saturating_duration_since(at) < LOCK_LOOK_EVERY) {
            return false;
        }
        self.lock_looked = Some(now);
        self.look_at_lock(store)
    }

    /// Whether the writer this window deferred to has quit, looked at now: a refused change says so at once,
    /// even before the next idle look. True on the look that first finds it gone, as `writer_left`.
    pub fn writer_gone(&mut self, store: &Store) -> bool {
        self.look_at_lock(store);
        self.writer_gone
    }

    /// Looks at the lock once; true when it has just been found free after being held.
    fn look_at_lock(&mut self, store: &Store) -> bool {
        let Some(path) = store.path() else { return false };
        let held = crate::store::lock::is_held(path);
        let left = self.writer_held && !held;
        self.writer_held = held;
        if held {
            // Another canbao took the drive again: this window is behind a writer once more.
            self.retaken |= self.writer_gone;
            self.taken_over |= self.writer_gone;
            self.writer_gone = false;
        } else if left {
            self.writer_gone = true;
        }
        left
    }

    /// Whether a look (idle or not) found the drive taken again after its writer had gone, since this was last
    /// asked: true once, and the window says who holds it now, where it had offered taking over.
    pub fn retaken(&mut self) -> bool {
        std::mem::take(&mut self.retaken)
    }

    /// Whether another window has taken the drive over since this one opened, said already or not.
    pub fn taken_over(&self) -> bool {
        self.taken_over
    }

    /// Whether the writer was found gone at the last look (idle or not), without looking again: the footer
    /// offers taking over from it.
    pub fn writer_seen_gone(&self) -> bool {
        self.writer_gone
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Looks once: a finished worker's roster first, then whether the file changed since the last look.
    /// `reading` is asked for only when a worker starts reading the roster.
    pub fn look(&mut self, store: &Store, reading: impl FnOnce() -> Reading) -> Followed {
        if let Some((rx, same_pupils)) = &self.loading {
            let same_pupils = *same_pupils;
            return match rx.try_recv() {
                Ok(Ok(loaded)) => {
                    self.loading = None;
                    self.seen_audit = loaded.seen;
                    Followed::Roster(loaded, same_pupils)
                }
                Ok(Err(e)) => {
                    self.loading = None;
                    Followed::Failed(e)
                }
                Err(TryRecvError::Empty) => Followed::Loading,
                Err(TryRecvError::Disconnected) => {
                    self.loading = None;
                    Followed::Nothing
                }
            };
        }
        if let Some((seen, changing)) = &mut self.stamp {
            let now = store.file_stamp();
            return match now {
                Some(now) if now != *seen && changing.as_ref() == Some(&now) => {
                    *seen = now;
                    *changing = None;
                    Followed::Reopen
                }
                Some(now) if now != *seen => {
                    *changing = Some(now);
                    Followed::Nothing
                }
                _ => {
                    *changing = None;
                    Followed::Nothing
                }
            };
        }
        let Ok(version) = store.data_version() else { return Followed::Nothing };
        if self.data_version == Some(version) {
            return Followed::Nothing;
        }
        self.data_version = Some(version);
        // A restore or a new year: the audit rows after the last one seen say nothing about what changed.
        let epoch = store.drive_epoch().unwrap_or_default();
        let same_epoch = epoch == self.epoch;
        self.epoch = epoch;
        match store.writer_changes(self.seen_audit, IN_PLACE_LIMIT) {
            Ok(changes) if !changes.reshaped && same_epoch => {
                self.seen_audit = changes.up_to;
                if changes.pupils.is_empty() { Followed::Nothing } else { Followed::Pupils(changes.pupils) }
            }
            Ok(_) => match store.reopener() {
                Some(reopen) => {
                    self.read_whole(reopen, same_epoch, reading());
                    Followed::Loading
                }
                // A drive in memory has no other window to follow.
                None => Followed::Nothing,
            },
            Err(e) => Followed::Failed(e.to_string()),
        }
    }

    /// Reads the roster on a worker's own connection. The audit row it reflects is read first: whatever is
    /// saved while it reads comes after it, and is looked at again next time (applying a change twice is
    /// harmless).
    fn read_whole(&mut self, reopen: Reopen, same_pupils: bool, reading: Reading) {
        let (tx, rx) = channel();
        self.loading = Some((rx, same_pupils));
        std::thread::spawn(move || {
            let loaded = reopen.open().map_err(|e| e.to_string()).and_then(|store| {
                let seen = store.audit_high_water().map_err(|e| e.to_string())?;
                let data = RosterData::load(&store).map_err(|e| e.to_string())?;
                Ok(Box::new(Loaded::new(&store, data, seen, &reading)))
            });
            // The window closed meanwhile: nobody is left to tell.
            let _ = tx.send(loaded);
        });
    }

    /// The search or the filters changed while the worker read `loaded`: it is filtered again for `query` on
    /// another worker, the keys meanwhile answered over the roster on screen, as while it was read.
    pub fn refilter(&mut self, mut loaded: Box<Loaded>, same_pupils: bool, query: ViewQuery) {
        let (tx, rx) = channel();
        self.loading = Some((rx, same_pupils));
        std::thread::spawn(move || {
            loaded.refiltered = query.refilter(&loaded.data);
            let _ = tx.send(Ok(loaded));
        });
    }
}

impl Loaded {
    /// `data`, read from `store`, made ready for the window as `App::take_roster` makes a roster read on its own
    /// thread: the policy read as the window reads it, the part payments marked before the filters (the 缴费
    /// filter takes a part payment as still to collect), the schools listed.
    pub fn new(store: &Store, mut data: RosterData, seen: i64, reading: &Reading) -> Loaded {
        let (policy, _) = super::due::drive_policy(store, reading.config_dir.as_deref());
        let short = store.part_payments(&Default::default(), policy.as_ref(), reading.today).unwrap_or_default();
        data.mark_part_paid(&short);
        let schools = store.schools().unwrap_or_default();
        let refiltered = reading.query.refilter(&data);
        let dashboard = reading.dashboard.then(|| {
            let mut dashboard = super::dashboard::Dashboard::count(&data, policy.as_ref(), &short);
            dashboard.days = store.daily_progress_with(&short.keys().copied().collect()).unwrap_or_default();
            (dashboard, store.last_backup().ok().flatten())
        });
        Loaded { data, schools, refiltered, dashboard, seen }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::lock::DriveLock;

    /// The writer's quitting is found on the first look after it, said once, and looked for no more often than
    /// `LOCK_LOOK_EVERY`; a writer that comes back puts the window behind a writer again.
    #[test]
    fn the_writer_leaving_is_found_once() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("drive.db");
        drop(Store::open(&path).expect("store"));
        let held = DriveLock::acquire(&path, "张老师").expect("lock");
        let store = Store::open_read_only(&path).expect("read-only");
        let mut follower = Follower::new(&store);
        let start = Instant::now();
        assert!(!follower.writer_left(&store, start), "still held");

        drop(held);
        assert!(!follower.writer_left(&store, start + Duration::from_secs(1)), "not looked again so soon");
        assert!(follower.writer_left(&store, start + LOCK_LOOK_EVERY), "found free on the next look");
        assert!(!follower.writer_left(&store, start + LOCK_LOOK_EVERY * 2), "said once");
        assert!(follower.writer_gone(&store));

        let again = DriveLock::acquire(&path, "李老师").expect("lock");
        assert!(!follower.writer_gone(&store), "another writer holds it now");
        drop(again);
        assert!(follower.writer_left(&store, start + LOCK_LOOK_EVERY * 3), "that one's leaving is said too");
    }

    /// A window opened read-only by choice, with no writer, never says a writer closed.
    #[test]
    fn no_writer_no_word() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("drive.db");
        drop(Store::open(&path).expect("store"));
        let store = Store::open_read_only(&path).expect("read-only");
        let mut follower = Follower::new(&store);
        assert!(!follower.writer_left(&store, Instant::now()));
        assert!(!follower.writer_gone(&store));
    }

    /// A writer gone, then the drive taken by another window (one beside this that took over): found on the
    /// next look however soon, said once, and the window behind a writer again.
    #[test]
    fn the_drive_taken_again_is_found_at_once_and_said_once() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("drive.db");
        drop(Store::open(&path).expect("store"));
        let held = DriveLock::acquire(&path, "张老师").expect("lock");
        let store = Store::open_read_only(&path).expect("read-only");
        let mut follower = Follower::new(&store);
        let start = Instant::now();
        drop(held);
        assert!(follower.writer_left(&store, start));
        assert!(!follower.retaken(), "nobody has it yet");

        let _taken = DriveLock::acquire(&path, "李老师").expect("lock");
        assert!(!follower.writer_left(&store, start + Duration::from_millis(10)), "no writer left");
        assert!(!follower.writer_seen_gone(), "the offer ends on the look right after");
        assert!(follower.retaken(), "said");
        assert!(!follower.retaken(), "said once");
        assert!(!follower.writer_left(&store, start + Duration::from_millis(20)));
        assert!(!follower.retaken(), "still held: nothing new");
    }
}
