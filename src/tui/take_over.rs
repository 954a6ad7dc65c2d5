//! A window opened read-only because another window wrote the drive, taking over the writing once that one has
//! closed: only when the operator presses the key (`take_over`), never by itself, and through the checks canbao
//! makes at start (the drive's lock, the file opened to write, the clock, the daily backup). Where another
//! window got the lock first, this one stays read-only and says who has it.

use super::app::App;
use super::roster::RosterData;
use super::text::fill;
use crate::store::lock::DriveLock;
use crate::store::{Store, StoreError};

impl App {
    /// Whether the key is offered (the footer lists it): this window reads a drive whose writer has closed.
    pub(crate) fn may_take_over(&self) -> bool {
        self.offers_take_over() && self.follower.writer_seen_gone()
    }

    /// Only a window opened read-only because another one wrote, showing this year, may become the writer: an
    /// earlier year is only ever shown, and `--read-only` was the operator's choice.
    pub(super) fn offers_take_over(&self) -> bool {
        self.read_only_for_another_window && self.follows_writer() && self.store.viewed_year().is_none()
    }

    /// The key: this window opens the drive to write, or says why it stays read-only.
    pub(super) fn take_over(&mut self) {
        if !self.store.is_read_only() {
            return self.say(self.text.take_over_writing_already);
        }
        if !self.offers_take_over() {
            return self.fail(self.text.take_over_not_offered);
        }
        // Looked at now, not at the last idle look: the writer may be back, or another window may have taken it.
        let was_gone = self.follower.writer_seen_gone();
        if !self.follower.writer_gone(&self.store) {
            // Said here, whoever it is: not said again on the next idle look.
            self.follower.retaken();
            // Whoever it is, named as the lock file names them: a window that took over (seen now, or by an
            // idle look that said so already) as such, the writer this window deferred to as still writing.
            let taken = was_gone || self.follower.taken_over();
            return match self.store.path().and_then(crate::store::lock::holder) {
                Some(h) if taken => self.fail(fill(self.text.take_over_taken, &[&h.by, &h.since])),
                Some(h) => self.fail(fill(self.text.take_over_writer_named, &[&h.by, &h.since])),
                None => self.fail(self.text.take_over_writer_there),
            };
        }
        // A worker reads the drive on a connection of its own, which must not outlive the one it came from.
        if self.jobs.running().is_some() || self.follow_loading() {
            return self.fail(self.text.take_over_busy);
        }
        let Some(reopen) = self.store.reopener() else { return };
        let operator = self.store.operator().to_owned();
        let mut lock = match DriveLock::acquire(&reopen.path, &operator) {
            Ok(lock) => lock,
            Err(StoreError::InUse { by, since }) => {
                // That window is the writer now: its saves are followed, and its closing said, as before.
                self.follower.writer_gone(&self.store);
                self.follower.retaken();
                return self.fail(fill(self.text.take_over_taken, &[&by, &since]));
            }
            Err(e) => return self.fail(fill(self.text.take_over_failed, &[&e])),
        };
        // The read-only connection is closed before the drive is opened to write: opening looks at the drive's
        // files from outside SQLite, and closing such a handle would let go of the locks this process holds on
        // them through a connection still open.
        let placeholder = match Store::open_in_memory() {
            Ok(store) => store,
            Err(e) => return self.fail(fill(self.text.take_over_failed, &[&e])),
        };
        drop(std::mem::replace(&mut self.store, placeholder));
        let opened = reopen.open_to_write().map_err(|e| fill(self.text.take_over_failed, &[&e]));
        let store = match opened.and_then(|store| self.writable(store, &operator, reopen.viewed_year)) {
            Ok(store) => store,
            Err(why) => {
                // Read-only again, as the window was; the lock goes with the attempt.
                drop(lock);
                match reopen.open() {
                    Ok(store) => self.store = store,
                    Err(e) => return self.fail(fill(self.text.take_over_failed, &[&e])),
                }
                self.follower = super::follow::Follower::new(&self.store);
                return self.fail(why);
            }
        };
        lock.held_by_window(crate::store::lock::this_terminal().as_deref());
        lock.name_holder(store.operator());
        self.store = store;
        self.hold_drive_lock(lock);
        self.follower = super::follow::Follower::new(&self.store);
        self.search_outdated = self.store.search_keys_outdated().unwrap_or(false);
        // The writer may have saved after the last look: the roster is read again as the drive is now.
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        self.refresh_policy_file();
        match RosterData::load(&self.store) {
            Ok(data) => self.replace_data(data),
            Err(e) => return self.fail(e.to_string()),
        }
        self.reload_detail();
        self.say(self.text.take_over_done);
    }

    /// The drive just opened to write, made the screen's as at start; an error in words when it may not be (a
    /// clock far behind the drive's newest change, a backup that could not be taken).
    fn writable(&self, mut store: Store, operator: &str, viewed_year: Option<i32>) -> Result<Store, String> {
        let failed = |e: StoreError| fill(self.text.take_over_failed, &[&e]);
        if !operator.is_empty() {
            store.set_operator(operator).map_err(failed)?;
        }
        // Changes stamped by a clock far behind would read as made years ago: refused as at start, unless the
        // window was started with --accept-clock, which accepted it for the whole session.
        if !self.accept_clock
            && let Some(behind) = store.clock_behind_drive().map_err(failed)?
        {
            return Err(fill(self.text.take_over_clock, &[&(behind.minutes / (24 * 60))]));
        }
        // As at start: not worth refusing over (a full disk, said when the next change is saved).
        let _ = store.claim_remembered_operator();
        store.backup_if_due().map_err(failed)?;
        if let Some(year) = viewed_year {
            store.view_year(year).map_err(failed)?;
        }
        Ok(store)
    }
}
