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
    pub fn backup_to(&self, target: &Path) -> Result<PathBuf> {
        if target.exists() {
            return Err(StoreError::BackupExists(target.display().to_string()));
        }
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
        }
        self.conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
        crate::io::private_file::restrict(target);
        Ok(target.to_owned())
    }

    /// An automatic backup before `reason` ("import", "reconcile", "merge", "daily", "restore"), then old
    /// automatic backups beyond the kept number are removed. In-memory drives have nothing to back up.
    pub fn backup_now(&mut self, reason: &str) -> Result<Option<PathBuf>> {
        let (Some(dir), Some(path)) = (self.backup_dir(), self.path().map(Path::to_owned)) else {
            return Ok(None);
        };
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "canbao".into());
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
        let target = dir.join(format!("{stem}-{stamp}-{reason}.db"));
        let written = self.backup_to(&target)?;
        self.set_meta("last_backup", &chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false))?;
        self.prune_backups(&dir, &stem)?;
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

    fn prune_backups(&self, dir: &Path, stem: &str) -> Result<()> {
        let keep = self.meta("backups_keep")?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_KEEP).max(1);
        let prefix = format!("{stem}-");
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.extension().is_some_and(|e| e == "db")
                            && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Names carry a sortable timestamp, so name order is age order.
        found.sort();
        let excess = found.len().saturating_sub(keep);
        for old in found.into_iter().take(excess) {
            let _ = std::fs::remove_file(old);
        }
        Ok(())
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
    let from = Store::open_read_only_keyed(source, key)?;
    let mut current = Store::open_keyed(target, key)?;
    let safety = current.backup_now("restore")?;
    {
        let backup = rusqlite::backup::Backup::new(&from.conn, &mut current.conn)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
    }
    Ok(safety)
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
