//! Consistent copies of the drive file (SQLite's `VACUUM INTO`, never a file copy, which could catch a
//! half-written page): before every import, reconciliation and merge, once a day on open, and on request.

use std::path::{Path, PathBuf};

use super::{Result, Store, StoreError};

/// How many automatic backups are kept unless the drive says otherwise (meta key `backups_keep`).
pub const DEFAULT_KEEP: usize = 20;

impl Store {
    /// The folder backups go to: `backups/` beside the drive file.
    pub fn backup_dir(&self) -> Option<PathBuf> {
        let path = self.path()?;
        Some(path.parent().unwrap_or(Path::new(".")).join("backups"))
    }

    /// Writes a consistent copy to `target` (owner-only), refusing to overwrite an existing file.
    ///
    /// The target is created empty and owner-only before SQLite writes a byte into it (SQLite fills an empty
    /// file and keeps its mode, and gives its journal the same mode), so the pupils are never readable by
    /// others, not while the copy is written nor after a crash mid-way.
    pub fn backup_to(&self, target: &Path) -> Result<PathBuf> {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private_file::create_dir_all(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
        }
        match crate::private_file::create_new(target) {
            Ok(file) => drop(file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::BackupExists(target.display().to_string()));
            }
            Err(source) => return Err(StoreError::Io { path: target.display().to_string(), source }),
        }
        if let Err(e) = self.conn.execute("VACUUM INTO ?1", [target.to_string_lossy()]) {
            // A half copy is no backup: nothing is left that could be mistaken for one.
            for leftover in [target.to_owned(), sidecar(target, "-journal")] {
                let _ = std::fs::remove_file(leftover);
            }
            return Err(e.into());
        }
        crate::private_file::restrict(target);
        Ok(target.to_owned())
    }

    /// An automatic backup before `reason` ("import", "reconcile", "merge", "daily", "restore"; lower-case
    /// letters only, which is what tells a backup's name apart from its drive's), then old automatic backups
    /// beyond the kept number are removed. In-memory drives have nothing to back up.
    pub fn backup_now(&mut self, reason: &str) -> Result<Option<PathBuf>> {
        debug_assert!(!reason.is_empty() && reason.bytes().all(|b| b.is_ascii_lowercase()), "{reason}");
        let (Some(dir), Some(path)) = (self.backup_dir(), self.path().map(Path::to_owned)) else {
            return Ok(None);
        };
        crate::private_file::create_dir_all(&dir)
            .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
        crate::private_file::restrict_dir(&dir);
        let key = backup_key(&path);
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
        let target = dir.join(format!("{key}-{stamp}-{reason}.db"));
        let written = self.backup_to(&target)?;
        self.set_meta("last_backup", &chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false))?;
        self.prune_backups(&dir, &key)?;
        Ok(Some(written))
    }

    /// The daily backup: taken when the last one is older than today.
    pub fn backup_if_due(&mut self) -> Result<Option<PathBuf>> {
        let today = chrono::Local::now().date_naive().to_string();
        let last = self.meta("last_backup")?.unwrap_or_default();
        if last.get(..10) == Some(today.as_str()) {
            return Ok(None);
        }
        self.backup_now("daily")
    }

    /// When the last backup was taken, as stored (RFC 3339), for the TUI's status line.
    pub fn last_backup(&self) -> Result<Option<String>> {
        self.meta("last_backup")
    }

    /// Removes this drive's oldest automatic backups beyond the kept number, and what a killed backup left
    /// behind (a copy with its `-journal` beside it, which never finished). Only names that are exactly this
    /// drive's backups are touched: another drive's backups in the same folder are not this drive's to prune.
    /// Runs under the drive lock, so no other backup of this drive is being written while it looks.
    fn prune_backups(&self, dir: &Path, key: &str) -> Result<()> {
        let keep = self.meta("backups_keep")?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_KEEP).max(1);
        let mut found = Vec::new();
        let mut unfinished = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            match BackupName::parse(&name) {
                Some(b) if b.drive == key && b.journal => unfinished.push(dir.join(b.copy)),
                Some(b) if b.drive == key => found.push(entry.path()),
                _ => {}
            }
        }
        for copy in &unfinished {
            let _ = std::fs::remove_file(sidecar(copy, "-journal"));
            let _ = std::fs::remove_file(copy);
        }
        found.retain(|p| !unfinished.contains(p));
        // Names carry a sortable timestamp after the same drive name, so name order is age order.
        found.sort();
        let excess = found.len().saturating_sub(keep);
        for old in found.into_iter().take(excess) {
            let _ = std::fs::remove_file(old);
        }
        Ok(())
    }
}

/// What a drive's backups are named after: the drive's file name without `.db` (`school.db` → `school`), so
/// `school.db` and `school.sqlite` in one folder keep apart.
pub fn backup_key(drive: &Path) -> String {
    let name = drive.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "canbao".into());
    match name.strip_suffix(".db") {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => name,
    }
}

/// `FILE` + `suffix` in the same folder (`x.db-journal`).
fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    file.with_file_name(name)
}

/// The drive (its [`backup_key`]) whose automatic backup a file of this name is; `None` for any other name.
pub fn drive_of_backup(name: &str) -> Option<&str> {
    BackupName::parse(name).filter(|b| !b.journal).map(|b| b.drive)
}

/// An automatic backup's file name taken apart: `<drive>-<YYYYMMDD>-<HHMMSS.mmm>-<reason>.db`, or its
/// `-journal`. The reason is lower-case letters and the stamp has a fixed shape, so the drive part is found
/// exactly: `school-2024-20261201-093000.000-import.db` belongs to `school-2024`, never to `school`.
#[derive(Debug, PartialEq, Eq)]
struct BackupName<'a> {
    drive: &'a str,
    /// The copy's own file name (without `-journal`).
    copy: &'a str,
    journal: bool,
}

impl<'a> BackupName<'a> {
    fn parse(name: &'a str) -> Option<BackupName<'a>> {
        let (copy, journal) = match name.strip_suffix("-journal") {
            Some(copy) => (copy, true),
            None => (name, false),
        };
        let rest = copy.strip_suffix(".db")?;
        let (rest, reason) = rest.rsplit_once('-')?;
        if reason.is_empty() || !reason.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let (rest, time) = rest.rsplit_once('-')?;
        let time_ok = time.len() == 10
            && time.bytes().enumerate().all(|(i, b)| if i == 6 { b == b'.' } else { b.is_ascii_digit() });
        let (drive, date) = rest.rsplit_once('-')?;
        let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
        (time_ok && date_ok && !drive.is_empty()).then_some(BackupName { drive, copy, journal })
    }
}

/// Replaces the drive at `target` with the backup at `source`: the current file is backed up first, the
/// backup is checked to be a canbao file, and the copy is made through SQLite (the backup API), so a crash
/// mid-way leaves the old drive in place.
pub fn restore(target: &Path, source: &Path) -> Result<Option<PathBuf>> {
    restore_keyed(target, source, None)
}

/// [`restore`] of a drive that may be encrypted: the backup is read with the drive's own passphrase, which is
/// the one its backups were written with.
pub fn restore_keyed(target: &Path, source: &Path, key: Option<&super::Passphrase>) -> Result<Option<PathBuf>> {
    Store::open_keyed(target, key)?.restore_from(source)
}

impl Store {
    /// A backup of this drive, read-only, with the drive's own passphrase when it has one. The drive itself,
    /// by whatever path or link, is no backup of itself: restoring it would only copy it onto itself.
    pub fn open_backup(&self, source: &Path) -> Result<Store> {
        let true_path = super::lock::true_path;
        if self.path().is_some_and(|here| true_path(here) == true_path(source)) {
            return Err(StoreError::RestoreOntoItself(source.display().to_string()));
        }
        Store::open_read_only_keyed(source, self.key.as_ref())
    }

    /// Puts the content of the backup at `source` in place of this drive's, on this connection (the TUI's
    /// worker does it while the operator's window stays open): the source must be a canbao drive readable with
    /// this drive's passphrase, the drive as it is now is backed up first, and a backup from an older canbao
    /// is brought forward to this one's schema afterwards.
    pub fn restore_from(&mut self, source: &Path) -> Result<Option<PathBuf>> {
        let from = self.open_backup(source)?;
        let safety = self.backup_now("restore")?;
        {
            let backup = rusqlite::backup::Backup::new(&from.conn, &mut self.conn)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        super::schema::migrate(&mut self.conn)?;
        // The restored log may be shorter than the one a second window has read, and its next rows reuse ids
        // that window has seen: the mark tells it to read the roster again rather than trust its place.
        let restored_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        self.set_meta(super::writer_changes::RESTORED_AT, &restored_at)?;
        self.reload_year()?;
        Ok(safety)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_restore_round_trip_and_pruning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drive.db");
        let mut store = Store::open(&path).unwrap();
        store.set_meta("backups_keep", "2").unwrap();
        store.set_meta("marker", "before").unwrap();
        let first = store.backup_now("test").unwrap().expect("written");
        assert!(first.starts_with(dir.path().join("backups")));
        store.set_meta("marker", "after").unwrap();
        for _ in 0..3 {
            store.backup_now("test").unwrap();
        }
        let kept = std::fs::read_dir(dir.path().join("backups")).unwrap().count();
        assert_eq!(kept, 2, "only the newest backups are kept");
        assert!(!first.exists(), "the oldest was pruned");

        let snapshot = dir.path().join("snap.db");
        store.set_meta("marker", "snapshot").unwrap();
        store.backup_to(&snapshot).unwrap();
        assert!(store.backup_to(&snapshot).is_err(), "never overwrites");
        store.set_meta("marker", "later").unwrap();
        drop(store);
        restore(&path, &snapshot).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(store.meta("marker").unwrap().as_deref(), Some("snapshot"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&snapshot).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn backup_names_are_taken_apart_exactly() {
        let parsed = BackupName::parse("school-2024-20261201-093000.123-import.db").expect("a backup");
        assert_eq!(
            parsed,
            BackupName { drive: "school-2024", copy: "school-2024-20261201-093000.123-import.db", journal: false }
        );
        let journal = BackupName::parse("school-20261201-093000.123-daily.db-journal").expect("a journal");
        assert_eq!((journal.drive, journal.journal), ("school", true));
        for not_ours in [
            "school.db",
            "school-2024.db",
            "school-20261201-093000-import.db",
            "school-20261201-093000.123-Import.db",
            "-20261201-093000.123-import.db",
            "notes.txt",
        ] {
            assert_eq!(BackupName::parse(not_ours), None, "{not_ours}");
        }
        assert_eq!(backup_key(Path::new("/x/school.db")), "school");
        assert_eq!(backup_key(Path::new("/x/school.sqlite")), "school.sqlite");
    }

    #[test]
    fn pruning_one_drive_leaves_another_drives_backups_in_the_same_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut other = Store::open(&dir.path().join("school-2024.db")).unwrap();
        let theirs: Vec<PathBuf> = (0..3).map(|_| other.backup_now("import").unwrap().expect("written")).collect();
        let mut school = Store::open(&dir.path().join("school.db")).unwrap();
        for _ in 0..DEFAULT_KEEP {
            school.backup_now("import").unwrap();
        }
        for kept in &theirs {
            assert!(kept.exists(), "{} was pruned by another drive's backups", kept.display());
        }
        let ours = std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("school-2026"))
            .count();
        assert_eq!(ours, DEFAULT_KEEP);
    }

    /// SQLite is stopped at intervals while it writes the copy, and the file is looked at each time: it must be
    /// owner-only from its first byte, not only once the copy is done.
    #[cfg(unix)]
    #[test]
    fn a_backup_is_owner_only_while_it_is_written() {
        use std::os::unix::fs::PermissionsExt;
        use std::sync::{Arc, Mutex};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        store.conn.execute_batch("CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO filler SELECT randomblob(200) FROM n;").unwrap();
        let target = dir.path().join("copies").join("copy.db");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (watched, modes) = (target.clone(), Arc::clone(&seen));
        store
            .conn
            .progress_handler(
                200,
                Some(move || {
                    for file in [watched.clone(), sidecar(&watched, "-journal")] {
                        if let Ok(meta) = std::fs::metadata(&file) {
                            modes.lock().unwrap().push((file, meta.len(), meta.permissions().mode() & 0o777));
                        }
                    }
                    false
                }),
            )
            .unwrap();
        store.backup_to(&target).unwrap();
        store.conn.progress_handler(0, None::<fn() -> bool>).unwrap();
        let seen = seen.lock().unwrap();
        assert!(seen.iter().any(|(_, len, _)| *len > 0), "the copy was never seen being written");
        for (file, len, mode) in seen.iter() {
            assert_eq!(*mode, 0o600, "{} was {mode:o} at {len} bytes", file.display());
        }
        let folder = std::fs::metadata(dir.path().join("copies")).unwrap().permissions().mode() & 0o777;
        assert_eq!(folder, 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn the_backups_folder_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        std::fs::create_dir(dir.path().join("backups")).unwrap();
        std::fs::set_permissions(dir.path().join("backups"), std::fs::Permissions::from_mode(0o755)).unwrap();
        store.backup_now("import").unwrap();
        let mode = std::fs::metadata(dir.path().join("backups")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn what_a_killed_backup_left_is_removed_at_the_next_backup() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        let backups = dir.path().join("backups");
        std::fs::create_dir(&backups).unwrap();
        // As a SIGKILL during `VACUUM INTO` leaves them: part of the copy, and its journal.
        let half = backups.join("drive-20200101-000000.000-import.db");
        std::fs::write(&half, b"SQLite format 3\0 half written").unwrap();
        std::fs::write(sidecar(&half, "-journal"), b"journal").unwrap();
        let others = backups.join("drive-2024-20200101-000000.000-import.db-journal");
        std::fs::write(&others, b"another drive's").unwrap();
        let written = store.backup_now("import").unwrap().expect("written");
        assert!(!half.exists() && !sidecar(&half, "-journal").exists(), "the unfinished copy is cleaned up");
        assert!(written.exists());
        assert!(others.exists(), "another drive's files are not this drive's to clean");
    }

    #[test]
    fn restoring_a_file_that_is_not_a_drive_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drive.db");
        let mut store = Store::open(&path).unwrap();
        store.set_meta("marker", "kept").unwrap();
        drop(store);
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database at all, just text that is long enough to look like a header").unwrap();
        assert!(restore(&path, &junk).is_err());
        assert_eq!(Store::open(&path).unwrap().meta("marker").unwrap().as_deref(), Some("kept"));
    }
}
