//! Which files in a drive's `backups/` folder are its own backups, and the removal of the oldest of them beyond
//! the kept number.
//!
//! A name is not enough: another laptop's drive is often called `canbao.db` too, and its backups copied in
//! carry this drive's name; a text file or another program's database may be named like a backup; a backup
//! may be open in another canbao window, with marks of its own. So each file named as one of this drive's
//! backups is opened (read-only, as an immutable file: no lock, no `-shm`, nothing written beside it) and must
//! be a canbao drive whose history is this drive's. Only an earlier state of this drive, whose latest change
//! is still in the drive's own log, is removed: everything it holds is in the drive's history, so removing it
//! loses nothing that could not be read back from the drive.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::lock::{self, DriveLock};
use super::{Passphrase, cipher, schema};

/// How a file named as one of the drive's backups stands to the drive, read from the file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kinship {
    /// An earlier state of this drive: its latest change is one of the drive's (the audit log is append-only,
    /// and a change's number, time and session tell it from another drive's).
    EarlierState,
    /// A later state of this drive: the drive's latest change is in its log, and it has changes after it. The
    /// backup of work a restore took the drive back from (the one taken at noon, after the drive went back to
    /// the morning's). Listed for restoring; never removed nor counted, since its later changes are nowhere
    /// else.
    LaterState,
    /// No pupils and no changes at all: any drive before its first import, this one's included. Pruned and
    /// counted as this drive's, since it holds nothing to lose.
    Empty,
    /// Began as this drive (its first change is the drive's first) and has changes the drive does not have: a
    /// backup of work a restore took the drive back from, or a backup that was opened and worked in.
    Diverged,
    /// Not this drive's: another drive, another program's file, not a database, unreadable.
    Other,
}

/// A change in the audit log, as far as it tells one drive's log from another's.
type Change = (i64, String, String);

/// The drive's own log, read once for every file looked at.
pub struct DriveHistory<'a> {
    drive: &'a Connection,
    first: Option<Change>,
    latest: Option<Change>,
    /// The passphrase the drive's backups are written with.
    key: Option<&'a Passphrase>,
}

impl<'a> DriveHistory<'a> {
    /// `drive` is a connection to the drive (inside a transaction or not: the backups hold committed changes
    /// only), `key` its passphrase.
    pub fn new(drive: &'a Connection, key: Option<&'a Passphrase>) -> rusqlite::Result<DriveHistory<'a>> {
        Ok(DriveHistory { drive, first: first_change(drive)?, latest: latest_change(drive)?, key })
    }

    /// Whether the drive has no changes at all (a drive before its first import, or restored to one).
    pub fn is_blank(&self) -> bool {
        self.latest.is_none()
    }

    fn has(&self, change: &Change) -> bool {
        log_has(self.drive, change)
    }

    /// How the file at `copy` stands to the drive. Reads the file's header, its table list and a few rows of
    /// its log: cheap whatever the file's size.
    pub fn kinship(&self, copy: &Path) -> Kinship {
        match open_quietly(copy, self.key) {
            Some(conn) => self.kinship_of(&conn),
            None => Kinship::Other,
        }
    }

    /// How the canbao drive `conn` reads stands to this drive (see [`Kinship`]); the same check whether the
    /// file is being pruned, listed for restoring or asked about before it replaces the drive.
    pub fn kinship_of(&self, conn: &Connection) -> Kinship {
        let read = || -> rusqlite::Result<Kinship> {
            let Some(latest) = latest_change(conn)? else {
                let pupils: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM students)", [], |r| r.get(0))?;
                return Ok(if pupils { Kinship::Other } else { Kinship::Empty });
            };
            if self.has(&latest) {
                return Ok(Kinship::EarlierState);
            }
            // One history contains the other's latest change either way round: the same drive, further on.
            if self.latest.as_ref().is_some_and(|ours| log_has(conn, ours)) {
                return Ok(Kinship::LaterState);
            }
            let first = first_change(conn)?;
            Ok(if first.is_some() && first == self.first { Kinship::Diverged } else { Kinship::Other })
        };
        read().unwrap_or(Kinship::Other)
    }

    /// Whether the drive `conn` reads has a history of its own that is not this drive's: both logs hold changes,
    /// readable, and neither holds the other's latest nor began with the other's first. Another laptop's drive of
    /// the same school, whatever its file is called (every laptop's default drive, and so its backups' names, is
    /// the same). A file with no changes, or too old to say, is not: its name and school are all there is.
    pub fn unconnected(&self, conn: &Connection) -> bool {
        self.latest.is_some()
            && matches!(latest_change(conn), Ok(Some(_)))
            && matches!(self.kinship_of(conn), Kinship::Other)
    }

    /// How many changes of the drive's log (audit rows) a restore of the drive `conn` reads would take back:
    /// those after the backup's latest change, for an earlier state of the drive; all of them, for an empty
    /// drive; none, for a later state, which holds them all. `None` where the two logs part (another laptop's
    /// copy, another drive): no one point of the drive's log is the backup's.
    pub fn changes_after(&self, conn: &Connection) -> Option<i64> {
        let after = self.kept_up_to(conn)?;
        self.drive.query_row("SELECT COUNT(*) FROM audit WHERE id > ?1", [after], |r| r.get(0)).ok()
    }

    /// The drive's last change (audit id) a restore of the drive `conn` reads keeps: those after it are the ones
    /// it takes back ([`DriveHistory::changes_after`]); `i64::MAX` for a later state, which takes none back.
    pub fn kept_up_to(&self, conn: &Connection) -> Option<i64> {
        match self.kinship_of(conn) {
            Kinship::EarlierState => Some(latest_change(conn).ok()??.0),
            Kinship::Empty => Some(i64::MIN),
            Kinship::LaterState => Some(i64::MAX),
            Kinship::Diverged | Kinship::Other => None,
        }
    }
}

fn change(r: &rusqlite::Row) -> rusqlite::Result<Change> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn first_change(conn: &Connection) -> rusqlite::Result<Option<Change>> {
    conn.query_row("SELECT id, at, origin FROM audit ORDER BY id LIMIT 1", [], change).optional()
}

fn latest_change(conn: &Connection) -> rusqlite::Result<Option<Change>> {
    conn.query_row("SELECT id, at, origin FROM audit ORDER BY id DESC LIMIT 1", [], change).optional()
}

/// Whether `change` is in the log `conn` reads.
fn log_has(conn: &Connection, change: &Change) -> bool {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM audit WHERE id = ?1 AND at = ?2 AND origin = ?3)",
        rusqlite::params![change.0, change.1, change.2],
        |r| r.get(0),
    )
    .unwrap_or(false)
}

/// The file as an SQLite file nothing changes (no lock taken, no `-shm` made, no `-wal` read), when it is a
/// canbao drive this canbao can read. What a `-wal` beside it holds is not seen: a file with one is never
/// removed (see [`busy`]), and its history so far is in the file.
pub(super) fn open_quietly(path: &Path, key: Option<&Passphrase>) -> Option<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(super::immutable_uri(path), flags).ok()?;
    if let Some(k) = cipher::key_for(path, key) {
        cipher::apply_key(&conn, k).ok()?;
    }
    let drive = matches!(schema::recognise(&conn), Ok(schema::Recognised::Drive));
    let known = schema::user_version(&conn).is_ok_and(|v| v <= schema::latest_version());
    (drive && known).then_some(conn)
}

/// `file` + `suffix` in the same folder (`x.db-wal`).
fn beside(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether something may be working in the file: a `-journal` beside it (a write under way, or cut short and
/// to be rolled back), a `-wal` holding changes not yet in the file, or another canbao holding its lock.
pub(super) fn busy(file: &Path) -> bool {
    beside(file, "-journal").exists()
        || std::fs::metadata(beside(file, "-wal")).is_ok_and(|m| m.len() > 0)
        || lock::is_held(file)
}

/// A plain file of its own: not a symlink (whose target may be anything, the drive itself included), not a
/// file with a second name (a hard link), which removing one name would not remove.
fn plain_file(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    let single = std::os::unix::fs::MetadataExt::nlink(&meta) == 1;
    #[cfg(not(unix))]
    let single = true;
    meta.file_type().is_file() && single
}

/// Of `named` (files named as this drive's finished backups), the ones that are its backups: plain files,
/// canbao drives, earlier states of this drive or empty (or later states of it and diverged from it too, with
/// `diverged`: listed for restoring, never removed), in the order given: oldest first, as
/// `backup::named_backups` gives them (by the instant each name says, not by the name's text).
pub fn own_backups(history: &DriveHistory, named: Vec<PathBuf>, diverged: bool) -> Vec<PathBuf> {
    named
        .into_iter()
        .filter(|p| plain_file(p))
        .filter(|p| match history.kinship(p) {
            Kinship::EarlierState | Kinship::Empty => true,
            Kinship::LaterState | Kinship::Diverged => diverged,
            Kinship::Other => false,
        })
        .collect()
}

/// Removes the oldest of this drive's backups among `named` beyond `keep`. Only earlier states of this drive
/// count and are removed; a file in use (see [`busy`]) is neither. Each is removed under its own lock, as a
/// canbao opening it would take it, with its `-wal`, `-shm` and `.lock`, so nothing of it is left and no
/// canbao can open it half-way through. Returns the files removed.
pub fn prune(history: &DriveHistory, named: Vec<PathBuf>, keep: usize, operator: &str) -> Vec<PathBuf> {
    let mut own = own_backups(history, named, false);
    own.retain(|p| !busy(p));
    let excess = own.len().saturating_sub(keep);
    own.into_iter().take(excess).filter(|old| remove_backup(old, operator)).collect()
}

/// Removes one backup and what SQLite and canbao keep beside it, holding its lock; `false` (and nothing
/// removed) when it is in use.
fn remove_backup(file: &Path, operator: &str) -> bool {
    let Ok(held) = DriveLock::acquire(file, operator) else {
        return false;
    };
    // Looked at again under the lock: a canbao that opened it since has let go of it, but may have left work.
    if beside(file, "-journal").exists() || std::fs::metadata(beside(file, "-wal")).is_ok_and(|m| m.len() > 0) {
        drop(held);
        return false;
    }
    if std::fs::remove_file(file).is_err() {
        return false;
    }
    // Nothing of it is left behind: an empty `-wal`, the `-shm`, and last the lock file, while still held, so
    // a canbao opening the file meanwhile is told it is in use rather than finding half of it.
    for sidecar in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(file, sidecar));
    }
    let _ = std::fs::remove_file(held.path());
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::tests::add_pupil;

    /// A drive at `path` holding one pupil of `school`: a history of its own from its first import.
    fn drive(path: &Path, school: &str) -> Store {
        let mut store = Store::open(path).unwrap();
        store.set_operator("测试").unwrap();
        add_pupil(&mut store, school, "张三");
        store
    }

    /// `n` backups, each of another state of the drive (a backup of the state the newest holds is that one).
    fn backups(store: &mut Store, n: usize) -> Vec<PathBuf> {
        (0..n)
            .map(|_| {
                let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
                store.set_meta("marker", &now).unwrap();
                store.backup_now("import").unwrap().expect("a file drive")
            })
            .collect()
    }

    /// Every file in the folder, by name.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    fn with(file: &Path, suffix: &str) -> PathBuf {
        beside(file, suffix)
    }

    /// A backup opened in another canbao window, which holds its lock and has saved marks in its `-wal`, is
    /// never removed however many backups follow, and does not count toward the kept number. Once the window
    /// is closed its marks are in the file, which is no earlier state of the drive: it stays.
    #[test]
    fn a_backup_open_in_another_canbao_is_neither_removed_nor_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = drive(&dir.path().join("p.db"), "甲小学");
        store.set_meta("backups_keep", "3").unwrap();
        let manual = store.backup_now("import").unwrap().expect("a file drive");
        // The other window, as `canbao --db backups/p-…-import.db` opens it: the lock, then a saved mark.
        let held = DriveLock::acquire(&manual, "王老师").unwrap();
        let mut window = Store::open(&manual).unwrap();
        let pupil = window.students(&crate::store::StudentFilter::default()).unwrap()[0].id;
        window.set_note(pupil, "marked in the backup").unwrap();
        assert!(std::fs::metadata(with(&manual, "-wal")).unwrap().len() > 0, "the mark is in its log");
        let later = backups(&mut store, 5);
        assert!(manual.exists() && with(&manual, "-wal").exists(), "the open backup was removed");
        for kept in &later[2..] {
            assert!(kept.exists(), "{} was pruned: the open backup was counted", kept.display());
        }
        assert!(!later[1].exists());
        drop(window);
        drop(held);
        backups(&mut store, 3);
        assert!(manual.exists(), "marks of its own: not an earlier state of the drive");
        let reopened = Store::open_read_only(&manual).unwrap();
        assert_eq!(reopened.student(pupil).unwrap().note, "marked in the backup");
    }

    /// The lock alone is enough: a canbao that holds it may be about to write.
    #[test]
    fn a_backup_whose_lock_is_held_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = drive(&dir.path().join("p.db"), "甲小学");
        store.set_meta("backups_keep", "2").unwrap();
        let first = backups(&mut store, 1).remove(0);
        let held = DriveLock::acquire(&first, "王老师").unwrap();
        backups(&mut store, 4);
        assert!(first.exists());
        drop(held);
        backups(&mut store, 1);
        assert!(!first.exists(), "let go, and an earlier state of the drive: pruned");
        assert!(!lock::lock_path(&first).exists(), "with its lock file");
    }

    /// What SQLite and canbao keep beside a backup (an empty `-wal`, the `-shm`, the `.lock` of a canbao that
    /// once opened it) goes with it; a backup with a `-journal` or a `-wal` holding changes is left whole.
    #[test]
    fn a_pruned_backup_leaves_nothing_beside_it_and_one_in_the_middle_of_a_write_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = drive(&dir.path().join("p.db"), "甲小学");
        let old = backups(&mut store, 3);
        store.set_meta("backups_keep", "2").unwrap();
        drop(DriveLock::acquire(&old[0], "王老师").unwrap());
        std::fs::write(with(&old[0], "-wal"), b"").unwrap();
        std::fs::write(with(&old[0], "-shm"), b"index").unwrap();
        std::fs::write(with(&old[1], "-journal"), b"pages to roll back").unwrap();
        std::fs::write(with(&old[2], "-wal"), b"changes not yet in the file").unwrap();
        let newer = backups(&mut store, 3);
        let names = listing(&dir.path().join("backups"));
        let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!names.iter().any(|n| n.starts_with(&name(&old[0]))), "{names:?}");
        for busy in [&old[1], &old[2]] {
            assert!(busy.exists(), "{} was in the middle of a write", busy.display());
        }
        assert!(with(&old[1], "-journal").exists() && with(&old[2], "-wal").exists());
        assert!(!newer[0].exists() && newer[1].exists() && newer[2].exists(), "{names:?}");
        assert!(!names.iter().any(|n| n.ends_with(".lock")), "{names:?}");
    }

    /// Another laptop's drive of the same name, its backups copied in: not this drive's, so none is removed
    /// and none counts toward this drive's kept number. Nor are files named like backups that are no drive,
    /// another program's database, or symlinks (to the drive itself, or to another database).
    #[cfg(unix)]
    #[test]
    fn only_this_drives_backups_are_pruned_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let (here, there) = (dir.path().join("a"), dir.path().join("b"));
        let mut a = drive(&here.join("canbao.db"), "甲小学");
        let ours = backups(&mut a, 6);
        let mut b = drive(&there.join("canbao.db"), "乙小学");
        let theirs: Vec<PathBuf> = backups(&mut b, 20)
            .iter()
            .map(|p| {
                let copied = here.join("backups").join(p.file_name().unwrap());
                std::fs::copy(p, &copied).unwrap();
                copied
            })
            .collect();
        let folder = here.join("backups");
        let named = |n: u32| folder.join(format!("canbao-20200101-000000.{n:03}-import.db"));
        std::fs::write(named(2), "not a database, only named like one").unwrap();
        let foreign = dir.path().join("other-app.db");
        rusqlite::Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        std::fs::copy(&foreign, named(3)).unwrap();
        std::os::unix::fs::symlink(here.join("canbao.db"), named(4)).unwrap();
        std::os::unix::fs::symlink(&foreign, named(5)).unwrap();
        let others = [2, 3, 4, 5].map(named);
        // A change since the newest of `ours`, so the daily backup below is of another state.
        a.set_meta("marker", "a day later").unwrap();
        let drive_bytes = std::fs::read(here.join("canbao.db")).unwrap();
        let foreign_bytes = std::fs::read(&foreign).unwrap();

        let newest = a.backup_now("daily").unwrap().expect("a file drive");
        for kept in ours.iter().chain(&theirs).chain(&others).chain([&newest]) {
            assert!(std::fs::symlink_metadata(kept).is_ok(), "{} was pruned", kept.display());
        }
        a.set_meta("backups_keep", "3").unwrap();
        a.backup_now("daily").unwrap();
        let left: Vec<&PathBuf> = ours.iter().filter(|p| p.exists()).collect();
        assert_eq!(left, [&ours[5]], "this drive keeps its newest 3 (the newest two just taken)");
        assert!(newest.exists());
        for kept in theirs.iter().chain(&others) {
            assert!(std::fs::symlink_metadata(kept).is_ok(), "{} was pruned", kept.display());
        }
        assert_eq!(std::fs::read(here.join("canbao.db")).unwrap(), drive_bytes);
        assert_eq!(std::fs::read(&foreign).unwrap(), foreign_bytes);
        assert!(
            !listing(&folder).iter().any(|n| n.ends_with(".lock") || n.ends_with("-shm")),
            "{:?}",
            listing(&folder)
        );
    }

    /// How a file stands to the drive: an earlier state; a backup of work a restore took the drive back from
    /// (a later state: listed for restoring, never removed; once the drive has changes of its own since the
    /// restore, diverged, listed the same); another drive; the drive before its first import.
    #[test]
    fn kinship_is_read_from_the_files_history() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let mut store = Store::open(&path).unwrap();
        let empty = store.backup_now("import").unwrap().unwrap();
        add_pupil(&mut store, "甲小学", "张三");
        let one = store.backup_now("import").unwrap().unwrap();
        add_pupil(&mut store, "甲小学", "李四");
        let two = store.backup_now("import").unwrap().unwrap();
        store.restore_from(&one).unwrap();
        let other = drive(&dir.path().join("elsewhere").join("p.db"), "甲小学");
        let theirs = other.backup_to(&dir.path().join("backups").join("p-20200101-000000.000-import.db")).unwrap();
        let history = DriveHistory::new(&store.conn, None).unwrap();
        assert_eq!(history.kinship(&empty), Kinship::Empty);
        assert_eq!(history.kinship(&one), Kinship::EarlierState);
        assert_eq!(history.kinship(&two), Kinship::LaterState);
        assert_eq!(history.kinship(&theirs), Kinship::Other);
        assert_eq!(history.kinship(&dir.path().join("missing.db")), Kinship::Other);
        let named = vec![empty.clone(), one.clone(), two.clone(), theirs.clone()];
        assert_eq!(own_backups(&history, named.clone(), true), [empty.clone(), one.clone(), two.clone()]);
        assert_eq!(own_backups(&history, named.clone(), false), [empty.clone(), one.clone()]);
        drop(history);
        // Another session (as the next canbao run is): within one second one session's change would carry the
        // number, time and origin the undone one had.
        drop(store);
        let mut store = Store::open(&path).unwrap();
        add_pupil(&mut store, "甲小学", "王五");
        let history = DriveHistory::new(&store.conn, None).unwrap();
        assert_eq!(history.kinship(&two), Kinship::Diverged);
        assert_eq!(own_backups(&history, named.clone(), true), [empty.clone(), one.clone(), two]);
        assert_eq!(own_backups(&history, named, false), [empty, one]);
    }
}
