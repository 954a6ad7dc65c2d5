//! Consistent copies of the drive file (SQLite's online backup API, never a file copy, which could catch a
//! half-written page): before every import, reconciliation and merge, once a day on open, and on request.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OptionalExtension};

use super::{Passphrase, Result, Store, StoreError};

/// How many automatic backups are kept unless the drive says otherwise (meta key `backups_keep`).
pub const DEFAULT_KEEP: usize = 20;

/// What a backup is called while it is written: `<name>.canbao-partial`. The copy takes its real name only
/// once it is complete and on disk, so a backup killed half-way never leaves a half file under a backup's
/// name; the next backup to the same name removes it.
pub const PARTIAL_SUFFIX: &str = ".canbao-partial";

/// The meta key recording where the last backup was taken into ([`AutoBackup::place`]), beside its time
/// (`last_backup`): a copy of the drive elsewhere carries both, and its record names another place.
const BACKED_UP_IN: &str = "last_backup_in";

impl Store {
    /// Opens the drive a backup is to be restored onto. A damaged drive (found at opening, or by SQLite's quick
    /// check, which a file cut short can pass the opening of) is set aside ([`set_aside_damaged`]) and a new one
    /// opened in its place, returned with where the damaged file went.
    pub fn open_for_restore(path: &Path, key: Option<&Passphrase>) -> Result<(Store, Option<PathBuf>)> {
        match Store::open_keyed(path, key) {
            Ok(store) => {
                let check: std::result::Result<String, rusqlite::Error> =
                    store.conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0));
                match check.map_err(StoreError::from) {
                    Ok(said) if said == "ok" => return Ok((store, None)),
                    Ok(_) | Err(StoreError::Damaged { .. }) => drop(store),
                    Err(e) => return Err(e),
                }
            }
            Err(StoreError::Damaged { .. }) => {}
            Err(e) => return Err(e),
        }
        let aside =
            set_aside_damaged(path).map_err(|source| StoreError::Io { path: path.display().to_string(), source })?;
        Ok((Store::open_keyed(path, key)?, Some(aside)))
    }

    /// The folder backups go to: `backups/` beside the drive file itself (see [`backup_dir_of`]).
    pub fn backup_dir(&self) -> Option<PathBuf> {
        self.auto_backup().map(|a| a.dir())
    }

    /// Writes a consistent copy to `target` (owner-only), refusing to overwrite an existing file.
    pub fn backup_to(&self, target: &Path) -> Result<PathBuf> {
        // Said as what it is, before "the backup file exists": the operator typed the drive's own name.
        let true_path = super::lock::true_path;
        if self.path().is_some_and(|here| true_path(here) == true_path(target)) {
            return Err(StoreError::BackupOntoItself(target.display().to_string()));
        }
        copy_to(&self.conn, self.key.as_ref(), target, &|| self.stopped())
    }

    /// Writes a consistent copy into the folder `dir` under the name the automatic backups take
    /// (`<drive>-<date>-<time>-<reason>.db`), so it sorts and reads as they do. The folder is not pruned: it is
    /// the operator's.
    pub fn backup_into(&self, dir: &Path, reason: &str) -> Result<PathBuf> {
        let key = self.path().map(|p| backup_key(&super::lock::true_path(p))).unwrap_or_else(|| "canbao".into());
        copy_to(&self.conn, self.key.as_ref(), &dir.join(backup_name(&key, reason)), &|| self.stopped())
    }

    /// An automatic backup before `reason` ("import", "reconcile", "merge", "daily", "restore"; lower-case
    /// letters only, which is what tells a backup's name apart from its drive's), then old automatic backups
    /// beyond the kept number are removed. In-memory drives have nothing to back up.
    pub fn backup_now(&mut self, reason: &str) -> Result<Option<PathBuf>> {
        let Some(auto) = self.auto_backup() else {
            return Ok(None);
        };
        let (written, _) = auto.write(&self.conn, None, reason, &|| self.stopped())?;
        self.refuse_past_year()?;
        auto.record_taken(&self.conn)?;
        auto.prune(&self.conn)?;
        Ok(Some(written))
    }

    /// What an automatic backup of this drive needs, for one taken inside a transaction (`None`: in memory).
    pub(crate) fn auto_backup(&self) -> Option<AutoBackup> {
        let given = self.path()?;
        Some(AutoBackup {
            drive: super::lock::true_path(given),
            given: given.to_owned(),
            key: self.key.clone(),
            stop: self.stop.clone(),
        })
    }

    /// The daily backup: taken when the last one here (see [`Store::last_backup_here`]) is older than today.
    ///
    /// A file in a backups folder takes none: it is itself a backup, and opening it only to look would change it
    /// (the stamp written into it) and start a `backups/backups/` folder the restore picker then lists.
    pub fn backup_if_due(&mut self) -> Result<Option<PathBuf>> {
        if self.path().is_some_and(|p| backup_copy(p).is_some()) {
            return Ok(None);
        }
        let today = super::instant::beijing_today();
        let last = self.last_backup_here()?.unwrap_or_default();
        // The Beijing day of the instant the stamp names, whatever zone wrote it.
        let beijing = super::instant::beijing();
        if super::instant::parse(&last).is_some_and(|at| at.with_timezone(&beijing).date_naive() == today) {
            return Ok(None);
        }
        self.backup_now("daily")
    }

    /// When the last backup was taken (`2026-12-02 20:11`), in the zone times are shown in, for the dashboard.
    /// Read as an instant: a drive taken from laptop to laptop holds the stamp of whichever took its last
    /// backup, in UTC, or with that machine's offset where an older canbao wrote it.
    ///
    /// Only a backup taken into this drive file's own backups folder counts (see [`Store::last_backup_here`]): a
    /// drive copied to another folder or laptop has none until one is taken beside it.
    pub fn last_backup(&self) -> Result<Option<String>> {
        Ok(self.last_backup_here()?.map(|at| super::instant::minutes_at(&at, self.display_offset())))
    }

    /// The stamp of the last backup (meta `last_backup`) when it was taken from this drive file into its own
    /// backups folder: the drive records where (meta `last_backup_in`, [`AutoBackup::place`]), and a copy of
    /// the file, in another folder or on another laptop, carries the original's record, which names another
    /// place. Such a record, or one from before places were recorded, is no backup here.
    pub(crate) fn last_backup_here(&self) -> Result<Option<String>> {
        let Some(at) = self.meta("last_backup")? else { return Ok(None) };
        let Some(auto) = self.auto_backup() else { return Ok(Some(at)) };
        Ok((self.meta(BACKED_UP_IN)?.as_deref() == Some(auto.place().as_str())).then_some(at))
    }

    /// Records a backup as taken now into this drive's own backups folder, as [`Store::backup_now`] does: for
    /// tests that set the time of the last backup.
    #[cfg(test)]
    pub(crate) fn mark_backed_up_here(&mut self, stamp: &str) -> Result<()> {
        self.set_meta("last_backup", stamp)?;
        if let Some(auto) = self.auto_backup() {
            self.set_meta(BACKED_UP_IN, &auto.place())?;
        }
        Ok(())
    }

    /// This drive's backups in its backups folder, oldest first, for the restore picker: files named as its
    /// backups that are canbao drives and earlier states of it, or began as it and went on elsewhere (a
    /// backup of work a restore took the drive back from). Another drive's backups, copied in under the same
    /// name, are not listed, nor is a file that is no drive.
    ///
    /// The drive reached through a symlink: its backups are beside the file itself, and those an earlier canbao
    /// put beside the link, under the link's name, are listed with them (oldest first, all together).
    pub fn own_backups(&self) -> Result<Vec<PathBuf>> {
        let Some(auto) = self.auto_backup() else {
            return Ok(Vec::new());
        };
        let mut named = named_backups(&auto.dir(), &backup_key(&auto.drive));
        if let Some((dir, key)) = auto.beside_link() {
            named.extend(named_backups(&dir, &key));
            sort_by_age(&mut named, &chrono::Local);
        }
        let history = super::pruning::DriveHistory::new(&self.conn, self.key.as_ref())?;
        Ok(super::pruning::own_backups(&history, named, true))
    }
}

/// Where a drive's automatic backups go and how its file is read. An import keeps this while its transaction
/// borrows the store's connection, to take its backup at the end (see [`AutoBackup::take_during`]).
#[derive(Clone)]
pub(crate) struct AutoBackup {
    /// The drive file's true path (see `lock::true_path`): its backups go beside the file, under its name, by
    /// whatever path or link it was opened, as its lock does; one drive has one set of backups, one limit.
    drive: PathBuf,
    /// The drive as it was named, which may be a symlink to it.
    given: PathBuf,
    key: Option<Passphrase>,
    /// The store's stop (`Store::stop_when`), which the second connection watches as the store's own does.
    stop: Option<Arc<AtomicBool>>,
}

impl AutoBackup {
    fn dir(&self) -> PathBuf {
        self.drive.parent().unwrap_or(Path::new(".")).join("backups")
    }

    /// Records that a backup was taken now into this drive's own backups folder: its time (`last_backup`) and the
    /// place (`last_backup_in`), in one statement, so the two never disagree.
    fn record_taken(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('last_backup', ?1), (?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [now_stamp(), BACKED_UP_IN.to_owned(), self.place()],
        )?;
        Ok(())
    }

    /// Where a backup of this drive file goes, as the drive records it beside the time of its last backup: the
    /// backups folder and, on Unix, the file's device and inode, which a copy made at the same path on another
    /// laptop (or moved over it) does not share. A record naming another place is no backup here.
    fn place(&self) -> String {
        let dir = self.dir().display().to_string();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(meta) = std::fs::metadata(&self.drive) {
                return format!("{dir}#{}:{}", meta.dev(), meta.ino());
            }
        }
        dir
    }

    /// Where a canbao that named backups after the path given put them when that path is a symlink to the
    /// drive: `backups/` beside the link, under the link's name. `None` when that is the drive's own folder
    /// and name. Listed for restoring, never pruned: they are the operator's to keep or delete.
    fn beside_link(&self) -> Option<(PathBuf, String)> {
        let dir = self.given.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("backups");
        let key = backup_key(&self.given);
        let same = key == backup_key(&self.drive) && super::lock::true_path(&dir) == self.dir();
        (!same).then_some((dir, key))
    }

    /// The backup before `reason`, written from the drive as `source` reads it (in the state `found`, where the
    /// caller read it: see [`AutoBackup::newest_of_same_state`]), into the backups folder, and whether it was
    /// written now: an automatic backup of the same state as the newest of this drive's backups is that one, not
    /// another copy pushing older ones out. `stopped` is asked between the pages copied, as a statement's progress
    /// handler would be.
    fn write(
        &self,
        source: &Connection,
        found: Option<&str>,
        reason: &str,
        stopped: &dyn Fn() -> bool,
    ) -> Result<(PathBuf, bool)> {
        debug_assert!(!reason.is_empty() && reason.bytes().all(|b| b.is_ascii_lowercase()), "{reason}");
        // The operator's own (kept until they delete it) and the one a restore names as its way back are
        // always written.
        if !matches!(reason, MANUAL | "restore" | ENCRYPT | DECRYPT)
            && let Some(same) = self.newest_of_same_state(source, found)
        {
            return Ok((same, false));
        }
        let dir = self.dir();
        let written = crate::private_file::create_dir_all(&dir)
            .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })
            .and_then(|()| {
                crate::private_file::restrict_dir(&dir);
                copy_to(source, self.key.as_ref(), &dir.join(backup_name(&backup_key(&self.drive), reason)), stopped)
            });
        Ok((written.map_err(|e| folder_refused(e, &dir, &self.given, reason))?, true))
    }

    /// The newest of this drive's automatic backups when it holds the drive in the state `source` reads (see
    /// [`drive_state`]): a backup taken now would be the same again. Only a plain file that is an earlier state
    /// of this drive and not in use is taken (as pruning reads them), so a link to the drive itself, or a backup
    /// being worked in, never stands in for a backup; nor does one taken by hand, which the operator may delete.
    ///
    /// `found` is the state `source` holds where the caller read it already (an import or merge, as it began),
    /// so it is not read whole again; the backup's log is compared first, by key, and the rest of its state read
    /// only where the log's latest change is the drive's: a backup taken before the last change (the previous
    /// import's, as a rule) is told apart without reading its pupils.
    fn newest_of_same_state(&self, source: &Connection, found: Option<&str>) -> Option<PathBuf> {
        let named =
            named_backups(&self.dir(), &backup_key(&self.drive)).into_iter().filter(|p| !taken_by_hand(p)).collect();
        let history = super::pruning::DriveHistory::new(source, self.key.as_ref()).ok()?;
        let newest = super::pruning::own_backups(&history, named, false).pop()?;
        if super::pruning::busy(&newest) || across_encryption(&newest) {
            return None;
        }
        let copy = super::pruning::open_quietly(&newest, self.key.as_ref())?;
        let now = match found {
            Some(found) => found.to_owned(),
            None => drive_state(source).ok()?,
        };
        let head: String = copy.query_row(&format!("SELECT {LOG_HEAD}"), [], |r| r.get(0)).ok()?;
        if !now.starts_with(&format!("{head}|")) {
            return None;
        }
        (drive_state(&copy).ok()? == now).then_some(newest)
    }

    /// The automatic backup, taken while `tx` (the store's connection) holds a write transaction whose input
    /// has all been read and checked and only the commit is left: so an import of a missing, unreadable or
    /// refused file takes none, and retrying one cannot push real backups out of the kept number. It is read
    /// through a second connection, which sees the drive as last committed, without the transaction's rows;
    /// the transaction holds the write lock, so that is the drive exactly as the change found it. The time of
    /// the backup is recorded inside the transaction, and the folder pruned. `found` is the drive's state
    /// ([`drive_state`]) as the change found it, where the change read it: that of the drive the second
    /// connection reads, which is then not read again.
    pub(crate) fn take_during(&self, tx: &Connection, reason: &str, found: Option<&str>) -> Result<PathBuf> {
        let (mut reader, _) = super::read_only_sqlite(&self.drive, self.key.as_ref(), super::ShmFolder::AsFound)?;
        // As the store's own connection waits: a reader of a WAL drive is seldom kept waiting, never for long.
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        if let Some(stop) = &self.stop {
            super::watch_stop(&mut reader, Arc::clone(stop))?;
        }
        let stopped = || self.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed));
        let (written, fresh) = self.write(&reader, found, reason, &stopped)?;
        drop(reader);
        // Stopped as the copy finished: the import is rolled back, and its backup is not kept either (an earlier
        // backup that stood for it is left as it was).
        if stopped() {
            if fresh {
                let _ = std::fs::remove_file(&written);
            }
            let interrupted = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERRUPT);
            return Err(rusqlite::Error::SqliteFailure(interrupted, None).into());
        }
        self.record_taken(tx)?;
        self.prune(tx)?;
        Ok(written)
    }

    /// Removes this drive's oldest automatic backups beyond the kept number (see `store::pruning`: only earlier
    /// states of this drive count and go, never a file in use, another drive's backup or a file that is no
    /// drive), and what a killed backup of this drive left under the partial name. Only names that are exactly
    /// this drive's backups are looked at. Runs under the drive lock, so no other backup of this drive is being
    /// written while it looks.
    fn prune(&self, conn: &Connection) -> Result<()> {
        let kept: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'backups_keep'", [], |r| r.get(0)).optional()?;
        let keep = kept.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_KEEP).max(1);
        let (dir, key) = (self.dir(), backup_key(&self.drive));
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if BackupName::parse(&name).is_some_and(|b| b.drive == key && b.leftover == Some(Leftover::Partial)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let history = super::pruning::DriveHistory::new(conn, self.key.as_ref())?;
        // The operator's own backups (`canbao backup`, the TUI's 立即备份) are theirs to delete: never removed,
        // nor counted, however many automatic ones follow.
        let automatic = named_backups(&dir, &key).into_iter().filter(|p| !taken_by_hand(p)).collect();
        super::pruning::prune(&history, automatic, keep, "");
        Ok(())
    }
}

/// What tells one state of a drive from another, as far as a backup is concerned: its log's latest change and
/// length (every change to a pupil is a row of it), how many pupils, statuses and receipts it holds, its schools,
/// and its settings (`meta`) but for the time of the last backup; and what is written without a row of the log:
/// the year each pupil was last listed in (`seen_year`, which the next year's leavers are told by)
/// and the receipt numbers (a corrected tax list's replace those of the same payment). Equal for a drive that a
/// merge, import or reconciliation changed nothing in, and for a backup of that drive taken since it last changed.
/// The log is read by its key; the counts, `seen_year` and the receipts are one pass each over their tables.
pub(crate) fn drive_state(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row(
        &format!(
            "SELECT {LOG_HEAD}
             || '|' || (SELECT count(*) FROM students)
             || '|' || (SELECT count(*) FROM year_statuses)
             || '|' || (SELECT count(*) FROM receipts)
             || '|' || (SELECT total(seen_year) FROM students)
             || '|' || (SELECT coalesce(group_concat(student_id || ':' || year || ':' || receipt, char(31)), '')
                        FROM (SELECT student_id, year, receipt FROM receipts ORDER BY 1, 2, 3))
             || '|' || (SELECT coalesce(group_concat(id || '=' || name, char(31)), '')
                        FROM (SELECT id, name FROM schools ORDER BY id))
             || '|' || (SELECT coalesce(group_concat(key || '=' || coalesce(value, ''), char(31)), '')
                        FROM (SELECT key, value FROM meta WHERE key NOT IN ('last_backup', 'last_backup_in') ORDER BY key))"
        ),
        [],
        |r| r.get(0),
    )
}

/// The start of [`drive_state`], read by key: the log's length and its latest change.
const LOG_HEAD: &str = "(SELECT coalesce(max(id), 0) FROM audit)
             || '|' || coalesce((SELECT at || '|' || origin FROM audit ORDER BY id DESC LIMIT 1), '')";

/// The backups folder of the drive named `drive`: `backups/` beside the drive file itself, symlinks resolved
/// (see `lock::true_path`), as backups are taken, pruned and listed; what `canbao paths` shows.
pub fn backup_dir_of(drive: &Path) -> PathBuf {
    super::lock::true_path(drive).parent().unwrap_or(Path::new(".")).join("backups")
}

/// The newest file named as a finished backup of the drive named `drive` in its backups folder: what a damaged
/// drive's message names, read without the drive (whose history cannot be read).
pub fn newest_named_backup(drive: &Path) -> Option<PathBuf> {
    named_backups(&backup_dir_of(drive), &backup_key(&super::lock::true_path(drive))).pop()
}

/// Moves a damaged drive (and its `-wal`, `-shm` beside it) aside under a name that says so,
/// `<drive>-已损坏-<date>-<time>.db`, in its folder, so that a backup can be restored in its place: never deleted,
/// the damaged file may hold changes no backup has, for someone to recover. Returns the new name of the drive.
pub fn set_aside_damaged(drive: &Path) -> std::io::Result<PathBuf> {
    let stem = drive.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = drive.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let when = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let mut aside = drive.with_file_name(format!("{stem}-已损坏-{when}{ext}"));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = drive.with_file_name(format!("{stem}-已损坏-{when}-{n}{ext}"));
    }
    std::fs::rename(drive, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let beside = sidecar(drive, suffix);
        if beside.exists() {
            std::fs::rename(&beside, sidecar(&aside, suffix))?;
        }
    }
    Ok(aside)
}

/// The files in `dir` named exactly as finished backups of the drive whose [`backup_key`] is `key`, oldest
/// first (see [`sort_by_age`]): another drive's backups in the same folder (`school-2024-…` beside
/// `school-…`) are not even looked at.
fn named_backups(dir: &Path, key: &str) -> Vec<PathBuf> {
    let mut named: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| drive_of_backup(&entry.file_name().to_string_lossy()) == Some(key))
        .map(|entry| entry.path())
        .collect();
    sort_by_age(&mut named, &chrono::Local);
    named
}

/// Orders backups by the instant their names say, oldest first (then by name): UTC names sort by their text
/// anyway, but a name from before them is in the local time of the machine that took it, read in `local`.
fn sort_by_age<Tz: chrono::TimeZone>(files: &mut [PathBuf], local: &Tz) {
    files.sort_by_cached_key(|file| {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (taken_at(&name, local), file.clone())
    });
}

/// When the backup of this name was taken: its stamp in UTC (`…-20261202-120438.123Z-…`), or, from before
/// backups were named in UTC, in the local time of the machine that took it, read in `local` (`None` for a
/// name that is no backup's, or a local time that did not exist there).
fn taken_at<Tz: chrono::TimeZone>(name: &str, local: &Tz) -> Option<chrono::DateTime<chrono::Utc>> {
    let parsed = BackupName::parse(name)?;
    let (time, utc) = match parsed.time.strip_suffix('Z') {
        Some(time) => (time, true),
        None => (parsed.time, false),
    };
    let naive = chrono::NaiveDateTime::parse_from_str(&format!("{}{time}", parsed.date), "%Y%m%d%H%M%S%.3f").ok()?;
    if utc {
        return Some(naive.and_utc());
    }
    local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&chrono::Utc))
}

/// Now, as the drive records its last backup (RFC 3339, UTC): the instant, whichever zone the laptop is in.
fn now_stamp() -> String {
    super::instant::to_text(chrono::Utc::now())
}

/// The reason an older canbao's drive is copied under before it is upgraded (`before_upgrade`).
pub const UPGRADE: &str = "upgrade";

/// Copies a drive an older canbao wrote (schema below the latest) into its backups folder before the upgrade
/// changes it, as every other change of many rows is backed up first. Nothing for a drive at the latest schema,
/// a new file, or a file in a backups folder (itself a backup: opening it only to look would start a
/// `backups/backups/` folder). The copy is taken outside any transaction, before the first step's.
pub(crate) fn before_upgrade(conn: &Connection, drive: &Path, key: Option<&Passphrase>) -> Result<Option<PathBuf>> {
    if backup_copy(drive).is_some() || super::schema::recognise(conn)? != super::schema::Recognised::Drive {
        return Ok(None);
    }
    let version = super::schema::user_version(conn)?;
    if version == 0 || version >= super::schema::latest_version() {
        return Ok(None);
    }
    let true_drive = super::lock::true_path(drive);
    let target = backup_dir_of(&true_drive).join(backup_name(&backup_key(&true_drive), UPGRADE));
    copy_to(conn, key, &target, &|| false).map(Some)
}

/// An automatic backup's file name: `<drive>-<YYYYMMDD>-<HHMMSS.mmm>Z-<reason>.db`, in UTC, so the names of one
/// drive's backups sort by age whichever zone each laptop that took one was set to.
fn backup_name(key: &str, reason: &str) -> String {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S%.3fZ");
    format!("{key}-{stamp}-{reason}.db")
}

/// How many pages the backup API copies between two looks at the stop: a megabyte of canbao's 4 KiB pages.
const PAGES_PER_STEP: std::ffi::c_int = 256;

/// Copies the drive `source` reads into the empty file `partial` by SQLite's online backup API: its pages as
/// they are, where `VACUUM INTO` built every table and index again, for six times the work. Only the `main`
/// database is copied, so the temporary views a connection may hold (an older drive read as the latest schema,
/// `schema::read_older`; an earlier year shown, `Store::view_year`) are no concern of the copy's.
///
/// An encrypted drive's copy is keyed before a page is written, so SQLCipher encrypts each page as it writes
/// it, and keyed as the drive is (see [`key_as_drive`]). `stopped` is asked before each step: the backup API runs
/// no statement, which a connection's progress handler (`Store::stop_when`) would stop.
fn copy_pages(source: &Connection, key: Option<&Passphrase>, partial: &Path, stopped: &dyn Fn() -> bool) -> Result<()> {
    // A relative name SQLite could read as a URI (`file:…`) is made a path.
    let partial = if partial.is_relative() { Path::new(".").join(partial) } else { partial.to_owned() };
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut copy = Connection::open_with_flags(&partial, flags)?;
    if let Some(key) = key {
        key_as_drive(source, &copy, key)?;
    }
    // No journal while the pages are copied: a copy cut short is thrown away whole. Exclusive, so that taking
    // the copy out of WAL mode below keeps no `-shm` beside it.
    copy.execute_batch("PRAGMA locking_mode = EXCLUSIVE")?;
    copy.query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))?;
    {
        let backup = rusqlite::backup::Backup::new(source, &mut copy)?;
        // A reader is seldom kept waiting (a WAL drive), never for long: as the store's own connection waits.
        let mut waits = 0;
        loop {
            if stopped() {
                let interrupted = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERRUPT);
                return Err(rusqlite::Error::SqliteFailure(interrupted, None).into());
            }
            match backup.step(PAGES_PER_STEP)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => waits = 0,
                busy if waits >= 500 => {
                    let code = match busy {
                        rusqlite::backup::StepResult::Locked => rusqlite::ffi::SQLITE_LOCKED,
                        _ => rusqlite::ffi::SQLITE_BUSY,
                    };
                    return Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into());
                }
                _ => {
                    waits += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
        }
    }
    // The pages carry the drive's WAL mode in their header: the copy is a file of its own, read by itself (a
    // backup listed, opened read-only, restored), in the rollback mode `VACUUM INTO` gave it.
    copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    copy.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// Keys `copy`, a new file, with the passphrase and the salt of the drive `source` reads, so SQLCipher derives
/// the drive's own key for it, as `VACUUM INTO` made its copies. This canbao's merge attaches a copy with the
/// passphrase and so reads one salted apart too; an earlier canbao on another laptop attaches it with the key its
/// drive was opened with (SQLCipher's rule for an `ATTACH` without a key), and reads a copy salted apart as "not
/// a database": a backup carried there must hold the drive's own salt.
fn key_as_drive(source: &Connection, copy: &Connection, key: &Passphrase) -> Result<()> {
    super::cipher::apply_key(copy, key)?;
    let salt: String = source.query_row("PRAGMA main.cipher_salt", [], |r| r.get(0))?;
    // Sixteen bytes, as SQLCipher shows them: in hex, and nothing else is ever put into the statement.
    if salt.len() != 32 || !salt.bytes().all(|b| b.is_ascii_hexdigit()) {
        let error = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR);
        return Err(rusqlite::Error::SqliteFailure(error, Some("the drive's salt could not be read".into())).into());
    }
    copy.execute_batch(&format!("PRAGMA main.cipher_salt = \"x'{salt}'\";"))?;
    Ok(())
}

/// A backup the drive's backups folder refused (no permission, or a read-only folder on a writable disk) said
/// as such: a bare 「磁盘只读」 naming the backup file reads as a drive that cannot be used, where only the
/// backups folder is at fault and nothing was changed. Any other error as it is.
fn folder_refused(e: StoreError, dir: &Path, drive: &Path, reason: &str) -> StoreError {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    let (StoreError::Io { source, .. } | StoreError::CreateDir { source, .. }) = &e else { return e };
    if !matches!(source.kind(), PermissionDenied | ReadOnlyFilesystem) {
        return e;
    }
    let (what, nothing, what_en, nothing_en) = match reason {
        "import" => {
            ("导入前的自动备份", "未导入任何内容", "the automatic backup before the import", "nothing was imported")
        }
        "reconcile" => {
            ("核对前的自动备份", "未核对", "the automatic backup before the reconciliation", "nothing was reconciled")
        }
        "merge" => ("合并前的自动备份", "未合并", "the automatic backup before the merge", "nothing was merged"),
        MANUAL => ("备份", "数据文件未改变", "the backup", "the drive is unchanged"),
        _ => ("自动备份", "数据文件未改变", "the automatic backup", "nothing was changed"),
    };
    let folder = dir.display().to_string();
    let why = crate::os_error::phrase(source, crate::os_error::Access::Write);
    let why_en = crate::words::in_language(&why, crate::words::Language::En);
    let command = crate::words::canbao_command(Some(drive), "backup 其他文件夹/");
    let command_en = crate::words::canbao_command(Some(drive), "backup OTHER_FOLDER/");
    let message = format!(
        "{what}无法写入备份文件夹 {folder}：{why}。{nothing}，数据文件本身可以照常使用；请检查该文件夹的权限，\
         或用 {command} 把备份写到别的文件夹 ({what_en} could not be written into the backups folder {folder} \
         ({why_en}): {nothing_en}, and the drive itself can be used as before; check the folder's permissions, or \
         write a backup to another folder with {command_en})"
    );
    StoreError::BackupFolderRefused { folder, message }
}

/// Writes a consistent copy of the drive `source` reads to `target` (owner-only; encrypted with `key`, the
/// drive's own passphrase, when it is encrypted), refusing to overwrite an existing file. `stopped` is asked
/// while the pages are copied ([`copy_pages`]).
///
/// The copy is written as `<target>.canbao-partial`, flushed to disk, and only then given its name, so a
/// killed backup leaves no half file under the chosen name (what a killed one left under the partial name is
/// removed here, the next time). The partial file is created empty and owner-only before SQLite writes a
/// byte into it (SQLite fills an empty file and keeps its mode, and gives its journal and log the same mode),
/// so the pupils are never readable by others, not while the copy is written nor after a crash mid-way.
fn copy_to(
    source: &Connection,
    key: Option<&Passphrase>,
    target: &Path,
    stopped: &dyn Fn() -> bool,
) -> Result<PathBuf> {
    let io_error = |path: &Path, source| StoreError::Io { path: path.display().to_string(), source };
    let exists = || StoreError::BackupExists(target.display().to_string());
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_file::create_dir_all(dir)
            .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
    }
    if std::fs::symlink_metadata(target).is_ok() {
        return Err(exists());
    }
    let partial = sidecar(target, PARTIAL_SUFFIX);
    // The copy's journal, and its log for the moment it is taken out of WAL mode (`copy_pages`).
    let leftovers = [partial.clone(), sidecar(&partial, "-journal"), sidecar(&partial, "-wal")];
    // Only this name's own leftovers: the drive lock is held, and no other backup is written under it. Only
    // plain files are canbao's: a link someone planted at the name is left, and refused just below.
    for leftover in &leftovers {
        crate::private_file::remove_if_plain_file(leftover);
    }
    // SQLite opens a journal and a log beside the copy without O_EXCL: anything still at their names is refused.
    if leftovers[1..].iter().any(|beside| std::fs::symlink_metadata(beside).is_ok()) {
        return Err(io_error(target, crate::private_file::temp_name_taken()));
    }
    // New (O_EXCL, which never follows a link at the name) and owner-only before SQLite writes into it.
    crate::private_file::create_new(&partial).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => io_error(target, crate::private_file::temp_name_taken()),
        // Said of the file the operator named, never the partial name: a folder that is there but takes no new file
        // (/proc, a locked share) says not found, which reads as a missing folder.
        std::io::ErrorKind::NotFound if target.parent().is_none_or(|d| d.as_os_str().is_empty() || d.is_dir()) => {
            io_error(target, std::io::Error::new(std::io::ErrorKind::PermissionDenied, e))
        }
        _ => io_error(target, e),
    })?;
    let written = copy_pages(source, key, &partial, stopped)
        // The copy is named a backup only once it is on disk, whatever SQLite flushed.
        .and_then(|_| std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| io_error(target, e)))
        .and_then(|()| {
            place(&partial, target).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => exists(),
                _ => io_error(target, e),
            })
        });
    if let Err(e) = written {
        // A half copy is no backup: nothing is left that could be mistaken for one.
        for leftover in &leftovers {
            crate::private_file::remove_if_plain_file(leftover);
        }
        return Err(e);
    }
    crate::private_file::restrict(target);
    Ok(target.to_owned())
}

/// Gives the finished copy its name without replacing a file that appeared there meanwhile: a hard link fails
/// on an existing name where a rename would replace it. Where no hard link can be made (a FAT-formatted USB
/// stick), the name is checked and the copy renamed.
fn place(partial: &Path, target: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(partial, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(partial);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) if std::fs::symlink_metadata(target).is_ok() => {
            return Err(std::io::ErrorKind::AlreadyExists.into());
        }
        Err(_) => std::fs::rename(partial, target)?,
    }
    // The new name itself is on disk too (the folder's entry), where the system allows a folder to be synced.
    #[cfg(unix)]
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
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

/// A drive file opened from a `backups/` folder: one of canbao's backups (or a copy put there), worked in as
/// if it were the drive. Said wherever a drive is opened (the TUI's title, each command's stderr): marks made
/// in a backup never reach the drive it was taken of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCopy {
    /// The folder holding `backups/`, where the drive it was taken of lives.
    pub folder: PathBuf,
    /// That drive, when the file carries a backup's name (`<file>-<date>-<time>-<reason>.db`) and the drive is
    /// there: `<file>.db`, else `<file>` (a drive not named `.db`).
    pub drive: Option<PathBuf>,
}

/// Whether `path` is a file in a `backups/` folder (any case, symlinks resolved), and whose backup it is.
pub fn backup_copy(path: &Path) -> Option<BackupCopy> {
    let path = super::lock::true_path(path);
    let backups = path.parent()?;
    if !backups.file_name()?.to_string_lossy().eq_ignore_ascii_case("backups") {
        return None;
    }
    let folder = backups.parent().unwrap_or(Path::new(".")).to_owned();
    let drive = path.file_name().and_then(|name| {
        let key = drive_of_backup(&name.to_string_lossy())?.to_owned();
        [format!("{key}.db"), key].into_iter().map(|name| folder.join(name)).find(|drive| drive.is_file())
    });
    Some(BackupCopy { folder, drive })
}

/// `FILE` + `suffix` in the same folder (`x.db-journal`).
fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    file.with_file_name(name)
}

/// The reason of the backups the operator takes by hand (`canbao backup`, the TUI's 立即备份), which pruning
/// leaves alone.
pub const MANUAL: &str = "manual";

/// Whether the file at `path` is named as a backup the operator took by hand (reason [`MANUAL`]).
/// The backups taken before a drive is encrypted or decrypted: the drive's state is the same on either side,
/// its file is not (plain before encrypting), so such a backup never stands in for one taken since.
const ENCRYPT: &str = "encrypt";
const DECRYPT: &str = "decrypt";

fn across_encryption(path: &Path) -> bool {
    taken_for(path, &[ENCRYPT, DECRYPT])
}

fn taken_by_hand(path: &Path) -> bool {
    taken_for(path, &[MANUAL])
}

/// Whether `path` is named as a backup taken for one of `reasons`.
fn taken_for(path: &Path, reasons: &[&str]) -> bool {
    path.file_name()
        .is_some_and(|n| BackupName::parse(&n.to_string_lossy()).is_some_and(|b| reasons.contains(&b.reason)))
}

/// When a backup of this file name was taken, in Beijing time as every time on screen is, and why, in Chinese
/// and in English: `canbao-20261207-095652.805Z-import.db` → (`2026-12-07 17:56 导入前`, `2026-12-07 17:56 before
/// an import`). The name's own time is UTC, which a teacher picking the backup "just before the wrong import"
/// misreads by eight hours. `None` for a name no backup has.
pub fn backup_name_words(name: &str) -> Option<(String, String)> {
    let b = BackupName::parse(name).filter(|b| b.leftover.is_none())?;
    let (d, t) = (b.date, b.time);
    let stamp = format!("{}-{}-{}T{}:{}:{}", &d[..4], &d[4..6], &d[6..], &t[..2], &t[2..4], &t[4..6]);
    // A name without the `Z` is from before backups were named in UTC: its time is the laptop's own.
    let when = match t.ends_with('Z') {
        true => super::instant::minutes_at(&format!("{stamp}Z"), super::instant::beijing()),
        false => stamp.replace('T', " ")[..16].to_owned(),
    };
    let (zh, en) = match b.reason {
        "import" => ("导入前", "before an import"),
        "reconcile" => ("核对前", "before a reconciliation"),
        "merge" => ("合并前", "before a merge"),
        "year" => ("开始新年度前", "before a new year"),
        "restore" => ("恢复前", "before a restore"),
        UPGRADE => ("升级前", "before an upgrade"),
        "daily" => ("每日", "daily"),
        MANUAL => ("手动备份", "by hand"),
        ENCRYPT => ("加密前", "before encrypting"),
        DECRYPT => ("解密前", "before decrypting"),
        other => (other, other),
    };
    Some((format!("{when} {zh}"), format!("{when} {en}")))
}

/// The drive (its [`backup_key`]) whose automatic backup a file of this name is; `None` for any other name.
pub fn drive_of_backup(name: &str) -> Option<&str> {
    BackupName::parse(name).filter(|b| b.leftover.is_none()).map(|b| b.drive)
}

/// An automatic backup's file name taken apart: `<drive>-<YYYYMMDD>-<HHMMSS.mmm>Z-<reason>.db` (UTC; before,
/// without the `Z`, local time), or what a backup killed while it was written left under a name of its own.
/// The reason is lower-case letters and the stamp has a fixed shape, so the drive part is found exactly:
/// `school-2024-20261201-093000.000Z-import.db` belongs to `school-2024`, never to `school`.
#[derive(Debug, PartialEq, Eq)]
struct BackupName<'a> {
    drive: &'a str,
    /// The finished copy's file name (without `-journal` or `.canbao-partial`).
    copy: &'a str,
    /// `YYYYMMDD` and `HHMMSS.mmm`, the time ending in `Z` when it is UTC.
    date: &'a str,
    time: &'a str,
    /// Why it was taken: `import`, `merge`, … or [`MANUAL`].
    reason: &'a str,
    leftover: Option<Leftover>,
}

/// Part of a backup that never finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    /// `<copy>.canbao-partial` or its `-journal` (or `-wal`, see `copy_pages`): only the file itself is to go.
    Partial,
    /// `<copy>-journal`: the copy is being written, or was cut short (as versions that wrote the copy under its
    /// own name left it) and is rolled back from it. Neither is touched: only SQLite can tell which it is.
    Journal,
}

impl<'a> BackupName<'a> {
    fn parse(name: &'a str) -> Option<BackupName<'a>> {
        let (file, journal, log) = match (name.strip_suffix("-journal"), name.strip_suffix("-wal")) {
            (Some(file), _) => (file, true, false),
            (None, Some(file)) => (file, false, true),
            (None, None) => (name, false, false),
        };
        let (copy, leftover) = match file.strip_suffix(PARTIAL_SUFFIX) {
            Some(copy) => (copy, Some(Leftover::Partial)),
            // A finished copy's log is none of a backup's leftovers.
            None if log => return None,
            None => (file, journal.then_some(Leftover::Journal)),
        };
        let rest = copy.strip_suffix(".db")?;
        let (rest, reason) = rest.rsplit_once('-')?;
        if reason.is_empty() || !reason.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let (rest, time) = rest.rsplit_once('-')?;
        let clock = time.strip_suffix('Z').unwrap_or(time);
        let time_ok = clock.len() == 10
            && clock.bytes().enumerate().all(|(i, b)| if i == 6 { b == b'.' } else { b.is_ascii_digit() });
        let (drive, date) = rest.rsplit_once('-')?;
        let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
        (time_ok && date_ok && !drive.is_empty()).then_some(BackupName { drive, copy, date, time, reason, leftover })
    }
}

/// What a file offered as a backup holds ([`Store::describe_backup`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFacts {
    /// When the backup was taken, in Beijing time with its offset (`2026-03-01 09:30 (UTC+8)`); empty when neither
    /// its name nor the system says.
    pub taken: String,
    pub schools: Vec<String>,
    pub pupils: i64,
    /// The drive's pupils now.
    pub current_pupils: i64,
    /// Whether it looks like a backup of this drive: an earlier or a later state of it, a file named as its
    /// backups are and of one of its schools, or anything at all when the drive holds nothing yet. Another
    /// school's drive, or another laptop's, is not: replacing the drive with it is asked about (TUI) or needs
    /// `--force` (command line).
    pub looks_ours: bool,
    /// When it does not look like one, what sets it apart, for the question and the refusal to say.
    pub differs: Option<Difference>,
    /// Named as this drive's own backups are (`<drive>-<date>-<time>-<reason>.db`): taken by canbao from this
    /// drive file, e.g. the one a forced restore took of the data it replaced.
    pub named_ours: bool,
    /// How many changes of the drive (audit rows) the restore takes back: those made since the backup
    /// ([`super::pruning::DriveHistory::changes_after`]); `None` where the backup is no earlier or later state
    /// of the drive.
    pub changes_undone: Option<i64>,
    /// The drive's last change the restore keeps ([`super::pruning::DriveHistory::kept_up_to`]): those after it
    /// are the ones it takes back, for [`Store::changes_taken_back`] to list.
    pub kept_up_to: Option<i64>,
}

/// The changes of the drive a restore takes back ([`Store::changes_taken_back`]): how many of each kind (the
/// audit's action: 导入, 登记, 合并 …), the most first, and the first of them in the order they were made.
#[derive(Debug, Clone, Default)]
pub struct TakenBack {
    pub by_kind: Vec<(String, i64)>,
    pub first: Vec<ChangeTakenBack>,
}

/// One change a restore takes back: when (as stored, UTC), by whom, of what kind, the pupil's name where it was
/// one pupil's, and the field of the pupil's record it changed (none for another kind of entry). No value is
/// said: an ID number corrected is one.
#[derive(Debug, Clone)]
pub struct ChangeTakenBack {
    pub at: String,
    pub operator: String,
    pub action: String,
    pub pupil: Option<String>,
    pub field: Option<super::Field>,
}

/// What sets a file apart from this drive's backups ([`BackupFacts::differs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// None of its schools is one of this drive's.
    School,
    /// It began as this drive, and both it and the drive have changes the other lacks: another laptop's copy
    /// of this drive, or a backup that was opened and worked in.
    Diverged,
    /// Its changes and the drive's are of two separate histories: another drive of the same school.
    Unconnected,
    /// It holds no pupils and no changes: replacing the drive with it would empty the drive.
    Empty,
}

/// Replaces the drive at `target` with the backup at `source`: the current file is backed up first, the
/// backup is checked to be a canbao file, and the copy is made through SQLite (the backup API), so a crash
/// mid-way leaves the old drive in place.
pub fn restore(target: &Path, source: &Path) -> Result<Option<PathBuf>> {
    Store::open(target)?.restore_from(source)
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

    /// What the file at `source` holds, said before it replaces the drive (the TUI's question, the command
    /// line's refusal); a file that is no drive, or is the drive itself, is refused here, before anything.
    pub fn describe_backup(&self, source: &Path) -> Result<BackupFacts> {
        let backup = self.open_backup(source)?;
        let pupils = backup.student_count()?;
        let schools = backup.schools()?;
        let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // When it was taken, as the backup itself says: the instant in its name, which it keeps when copied to a
        // stick or another folder (the copy's own file time is when it was copied). A file under a name of one's
        // own says nothing of it: its file time, the best there is.
        let taken = taken_at(&name, &chrono::Local)
            .or_else(|| std::fs::metadata(source).and_then(|m| m.modified()).ok().map(Into::into))
            // With its offset: the backup's name (beside it in the question) gives the instant in UTC (`…Z`).
            .map(|t| {
                let offset = self.display_offset();
                let at = super::instant::minutes_at(&super::instant::to_text(t), offset);
                format!("{at} ({})", super::instant::offset_words(offset))
            })
            .unwrap_or_default();
        // Named as this drive's backups are (`<drive>-<date>-<time>-<reason>.db`), of one of its schools: by the
        // drive file's own name, or the name of the link it was opened by (as earlier versions named them).
        let named_ours = self.path().is_none_or(|given| {
            [backup_key(given), backup_key(&super::lock::true_path(given))]
                .iter()
                .any(|key| name.starts_with(&format!("{key}-")))
        });
        let ours = self.schools()?;
        let same_school = schools.is_empty() || schools.iter().any(|s| ours.contains(s));
        // Or, under any name and from before a school was renamed, the same drive at another point of its
        // history: one history holds the other's latest change, read as pruning reads its backups
        // (`store::pruning`). An earlier state, or a later one (the noon backup, after a restore went back to
        // the morning's). Another laptop's copy that has marks of its own, which wants a merge, is not. A file
        // too old to say, or with no changes yet, is judged by its name and school.
        let history = super::pruning::DriveHistory::new(&self.conn, self.key.as_ref())?;
        let kinship = history.kinship_of(&backup.conn);
        use super::pruning::Kinship;
        let same_drive = matches!(kinship, Kinship::EarlierState | Kinship::LaterState);
        // A drive with no history and no pupils (before its first import, or restored to that) loses nothing
        // whatever replaces it: the `-restore` backup its restore named is taken back without --force.
        let current_pupils = self.student_count()?;
        let blank = history.is_blank() && current_pupils == 0;
        // The name goes only where history cannot tell: two logs of their own that do not meet are two drives,
        // though both are canbao.db (every laptop's default) and of one school.
        let by_name = named_ours && same_school && !history.unconnected(&backup.conn);
        let looks_ours = same_drive || blank || by_name;
        let differs = (!looks_ours).then_some(match kinship {
            Kinship::Diverged => Difference::Diverged,
            Kinship::Empty => Difference::Empty,
            _ if !same_school => Difference::School,
            _ => Difference::Unconnected,
        });
        let changes_undone = history.changes_after(&backup.conn);
        let kept_up_to = history.kept_up_to(&backup.conn);
        Ok(BackupFacts {
            taken,
            schools,
            pupils,
            current_pupils,
            looks_ours,
            differs,
            named_ours,
            changes_undone,
            kept_up_to,
        })
    }

    /// The changes made after audit row `after` ([`BackupFacts::kept_up_to`]), which a restore takes back: counted
    /// by kind, and the first `first` of them.
    pub fn changes_taken_back(&self, after: i64, first: usize) -> Result<TakenBack> {
        let mut kinds = self.conn.prepare(
            "SELECT action, COUNT(*) FROM audit WHERE id > ?1 GROUP BY action ORDER BY COUNT(*) DESC, action",
        )?;
        let by_kind = kinds.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        let mut rows = self.conn.prepare(
            "SELECT a.at, a.operator, a.action, s.name, a.field FROM audit a
             LEFT JOIN students s ON s.id = a.student_id WHERE a.id > ?1 ORDER BY a.id LIMIT ?2",
        )?;
        let first = rows
            .query_map(rusqlite::params![after, i64::try_from(first).unwrap_or(i64::MAX)], |r| {
                let field: String = r.get(4)?;
                Ok(ChangeTakenBack {
                    at: r.get(0)?,
                    operator: r.get(1)?,
                    action: r.get(2)?,
                    pupil: r.get(3)?,
                    field: super::Field::from_key(&field),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TakenBack { by_kind, first })
    }

    /// Puts the content of the backup at `source` in place of this drive's, on this connection (the TUI's
    /// worker does it while the operator's window stays open): the source must be a canbao drive readable with
    /// this drive's passphrase, the drive as it is now is backed up first, and a backup from an older canbao
    /// is brought forward to this one's schema afterwards.
    pub fn restore_from(&mut self, source: &Path) -> Result<Option<PathBuf>> {
        let from = self.open_backup(source)?;
        let safety = self.backup_now("restore")?;
        // The backups taken are still there after the restore, the one just taken the newest: the restored file's
        // record of its own last backup, older, would have 上次备份 go back in time.
        let backed_up = [("last_backup", self.meta("last_backup")?), (BACKED_UP_IN, self.meta(BACKED_UP_IN)?)];
        // The changes this restore takes back, with those earlier restores took back: the county, which a
        // push has given them, is taken back with the drive on its next push (`county::decide`). Only this
        // laptop's own: another laptop's change a merge copied in (or applied) is taken back from this drive
        // alone, and the other laptop still holds it as its own, to be merged again.
        let mut undone = hashes_in(&self.conn, "main", RESTORE_UNDONE)?;
        let kept = log_hashes(&from.conn, LogRows::Changes, None)?;
        // The pupils this restore removes that this laptop added (an import of a wrong list, as the import's
        // message offers to take back), kept apart from the changes: a merge with a file that still holds them
        // lists each (`merge_restored::removed_here`), the push to the county being the changes' alone.
        let mut removed = hashes_in(&self.conn, "main", RESTORE_REMOVED)?;
        let kept_created = log_hashes(&from.conn, LogRows::Created, None)?;
        removed.extend(log_hashes(&self.conn, LogRows::Created, Some(&copied_of(&self.conn)?))?);
        let mut removed: Vec<String> = removed.into_iter().filter(|h| !kept_created.contains(h)).collect();
        removed.sort_unstable();
        let copied = super::copied_rows::CopiedRows::read(&self.conn, "main")?;
        undone
            .extend(log_hashes(&self.conn, LogRows::Changes, Some(&copied))?.into_iter().filter(|h| !kept.contains(h)));
        {
            let backup = rusqlite::backup::Backup::new(&from.conn, &mut self.conn)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        super::schema::migrate(&mut self.conn)?;
        for (key, value) in backed_up {
            match value {
                Some(value) => self.set_meta(key, &value)?,
                None => drop(self.conn.execute("DELETE FROM meta WHERE key = ?1", [key])?),
            }
        }
        // A backup from before today's readings: its keys written again now, as an open would.
        self.rebuild_search_keys()?;
        // The restored log may be shorter than the one a second window has read, and its next rows reuse ids
        // that window has seen: the mark tells it to read the roster again rather than trust its place.
        let restored_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        self.set_meta(super::writer_changes::RESTORED_AT, &restored_at)?;
        undone.extend(hashes_in(&self.conn, "main", RESTORE_UNDONE)?);
        let mut undone: Vec<String> = undone.into_iter().filter(|h| !kept.contains(h)).collect();
        undone.sort_unstable();
        self.set_meta(RESTORE_UNDONE, &undone.join("\n"))?;
        self.set_meta(RESTORE_REMOVED, &removed.join("\n"))?;
        let operator = self.operator.clone();
        self.set_meta(RESTORED_BY, &operator)?;
        self.reload_year()?;
        Ok(safety)
    }
}

/// The meta key of the changes restores of this drive took back: the hashes (`store::event_hash`) of the
/// pupils' audit rows the replaced data held and the restored backup did not, one a line.
pub const RESTORE_UNDONE: &str = "restore_undone";

/// Meta key: the creation rows (hashes, as `RESTORE_UNDONE`'s) of the pupils this laptop added that its
/// restores removed.
pub const RESTORE_REMOVED: &str = "restore_removed";

/// The hashes a meta `key` of the attached file `db` (`main` for the drive itself) lists, one a line.
pub(super) fn hashes_in(conn: &rusqlite::Connection, db: &str, key: &str) -> Result<std::collections::HashSet<String>> {
    let text: Option<String> =
        conn.query_row(&format!("SELECT value FROM {db}.meta WHERE key = ?1"), [key], |r| r.get(0)).optional()?;
    Ok(text.unwrap_or_default().lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

/// The rows a merge copied into `conn`'s log.
fn copied_of(conn: &rusqlite::Connection) -> Result<super::copied_rows::CopiedRows> {
    super::copied_rows::CopiedRows::read(conn, "main")
}

/// Which of a log's pupil rows `log_hashes` reads.
#[derive(Clone, Copy)]
enum LogRows {
    /// The rows that created pupils.
    Created,
    /// Every change to a pupil but his creation: a pupil the restore removes is no value the county can take
    /// back.
    Changes,
}

/// The hashes of `conn`'s log rows of one kind. With `own_only`, the drive's record of the rows merges copied
/// in: only the laptop's own rows, neither another laptop's rows a merge copied nor a merge's own rows (action
/// `merge`), which set another laptop's values.
fn log_hashes(
    conn: &rusqlite::Connection,
    rows: LogRows,
    own_only: Option<&super::copied_rows::CopiedRows>,
) -> Result<std::collections::HashSet<String>> {
    let which = match rows {
        LogRows::Created => "field = 'created'",
        LogRows::Changes => "field <> 'created'",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT at, operator, origin, action, COALESCE(id_number, ''), field, old, new, id FROM audit
         WHERE student_id IS NOT NULL AND {which}"
    ))?;
    let rows = stmt.query_map([], |r| {
        if let Some(copied) = own_only
            && (copied.run_of(r.get(8)?).is_some() || r.get::<_, String>(3)? == "merge")
        {
            return Ok(None);
        }
        super::event_hash::audit_row_hash(r, 0).map(Some)
    })?;
    let mut hashes = std::collections::HashSet::new();
    for hash in rows {
        hashes.extend(hash?);
    }
    Ok(hashes)
}

pub use super::writer_changes::RESTORED_AT;

/// The meta key of who made the drive's latest restore (its time is `restored_at`).
pub const RESTORED_BY: &str = "restored_by";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::add_pupil;

    /// A backup the backups folder alone refused says so, that nothing was done, and the two ways on, in both
    /// languages, where before it was a bare 「磁盘只读：…/backups/d-…-import.db」 that read as a drive unusable.
    /// (Tests run as root, whom a read-only mode does not stop: the refusal is made here as the system gives it.)
    #[test]
    fn a_backup_the_backups_folder_refuses_says_so_and_what_to_do() {
        use std::io::{Error, ErrorKind};
        let dir = Path::new("/u/backups");
        let drive = Path::new("/u/d.db");
        for kind in [ErrorKind::PermissionDenied, ErrorKind::ReadOnlyFilesystem] {
            let io = StoreError::Io { path: "/u/backups/d-20261206-import.db".into(), source: Error::from(kind) };
            let said = folder_refused(io, dir, drive, "import").to_string();
            for words in ["导入前的自动备份无法写入备份文件夹 /u/backups", "未导入任何内容", "检查该文件夹的权限"]
            {
                assert!(said.contains(words), "{words}: {said}");
            }
            assert!(said.contains("canbao --db /u/d.db backup 其他文件夹/"), "{said}");
            let english = crate::words::in_language(&said, crate::words::Language::En);
            for words in ["before the import could not be written", "nothing was imported", "backup OTHER_FOLDER/"] {
                assert!(english.contains(words), "{words}: {english}");
            }
            assert!(!english.contains('导'), "{english}");
            let made = StoreError::CreateDir { path: "/u/backups".into(), source: Error::from(kind) };
            let said = folder_refused(made, dir, drive, MANUAL).to_string();
            assert!(said.starts_with("备份无法写入备份文件夹") && said.contains("数据文件未改变"), "{said}");
        }
        // A full disk is the disk's, said as it is.
        let full = StoreError::Io { path: "/u/backups/x.db".into(), source: Error::from(ErrorKind::StorageFull) };
        assert!(matches!(folder_refused(full, dir, drive, "import"), StoreError::Io { .. }));
    }

    #[test]
    fn backup_restore_round_trip_and_pruning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drive.db");
        let mut store = Store::open(&path).unwrap();
        store.set_meta("backups_keep", "2").unwrap();
        store.set_meta("marker", "before").unwrap();
        let first = store.backup_now("test").unwrap().expect("written");
        assert!(first.starts_with(dir.path().join("backups")));
        for n in 0..3 {
            store.set_meta("marker", &format!("after {n}")).unwrap();
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

    /// An automatic backup of the drive in the state its newest automatic backup holds is that backup: taking
    /// it again (a daily backup on a drive nothing changed in) would push an older, different one out.
    #[test]
    fn a_backup_of_the_state_the_newest_one_holds_is_not_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        store.set_meta("backups_keep", "2").unwrap();
        add_pupil(&mut store, "一小", "张三");
        let before = store.backup_now("import").unwrap().expect("written");
        add_pupil(&mut store, "一小", "李四");
        let first = store.backup_now("daily").unwrap().expect("written");
        assert_ne!(first, before);
        for _ in 0..3 {
            assert_eq!(store.backup_now("daily").unwrap().as_ref(), Some(&first), "the same state");
        }
        assert!(before.exists(), "the backup of the state before was not pushed out");
        // Taken by hand, it is always written, and an automatic one does not lean on it.
        let manual = store.backup_now(MANUAL).unwrap().expect("written");
        assert_ne!(manual, first);
        add_pupil(&mut store, "一小", "王五");
        let next = store.backup_now("daily").unwrap().expect("written");
        assert!(next != first && next != manual && next.exists());
        assert_eq!(std::fs::read_dir(dir.path().join("backups")).unwrap().count(), 3, "two kept and the manual");
    }

    /// Writes that leave no row in the log still tell the drive's state apart: an import that only listed its
    /// pupils again in a new year (their `seen_year`) and a receipt number a corrected tax list
    /// replaced; otherwise the newest backup, of the state before, would be taken for a backup of the state after.
    #[test]
    fn the_state_tells_writes_without_a_log_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        add_pupil(&mut store, "一小", "张三");
        let state = |s: &Store| drive_state(&s.conn).unwrap();
        let mut before = state(&store);
        for change in [
            "UPDATE students SET seen_year = 2028",
            "INSERT INTO receipts(student_id, year, receipt, amount_fen) SELECT id, 2027, 'A', 38000 FROM students",
            "UPDATE receipts SET receipt = 'B'",
        ] {
            store.conn.execute_batch(change).unwrap();
            let after = state(&store);
            assert_ne!(after, before, "{change}");
            before = after;
        }
    }

    /// A drive opened through a symlink: its backups go beside the file it points to, under that file's name,
    /// and those an earlier canbao put beside the link, under the link's name, are listed for restoring.
    #[cfg(unix)]
    #[test]
    fn backups_of_a_drive_reached_through_a_symlink_go_beside_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(real.join("s.db"), &link).unwrap();
        let mut store = Store::open(&link).unwrap();
        add_pupil(&mut store, "一小", "张三");
        let earlier = dir.path().join("backups").join("link-20261201-093000.000Z-merge.db");
        store.backup_to(&earlier).unwrap();
        add_pupil(&mut store, "一小", "李四");
        assert_eq!(store.backup_dir(), Some(real.join("backups")));
        assert_eq!(backup_dir_of(&link), real.join("backups"));
        let written = store.backup_now("merge").unwrap().expect("written");
        assert_eq!(written.parent(), Some(real.join("backups").as_path()));
        assert!(written.file_name().unwrap().to_string_lossy().starts_with("s-2"), "{}", written.display());
        let into = store.backup_into(&dir.path().join("usb"), MANUAL).unwrap();
        assert!(into.file_name().unwrap().to_string_lossy().starts_with("s-2"), "{}", into.display());
        assert_eq!(store.own_backups().unwrap(), [earlier.clone(), written], "both, oldest first");
        assert!(store.describe_backup(&earlier).unwrap().named_ours);
    }

    #[test]
    fn backup_names_are_taken_apart_exactly() {
        let parsed = BackupName::parse("school-2024-20261201-093000.123-import.db").expect("a backup");
        assert_eq!(
            parsed,
            BackupName {
                drive: "school-2024",
                copy: "school-2024-20261201-093000.123-import.db",
                date: "20261201",
                time: "093000.123",
                reason: "import",
                leftover: None
            }
        );
        let journal = BackupName::parse("school-20261201-093000.123-daily.db-journal").expect("a journal");
        assert_eq!((journal.drive, journal.leftover), ("school", Some(Leftover::Journal)));
        for partial in [
            "school-20261201-093000.123-daily.db.canbao-partial",
            "school-20261201-093000.123-daily.db.canbao-partial-journal",
            "school-20261201-093000.123-daily.db.canbao-partial-wal",
        ] {
            let parsed = BackupName::parse(partial).expect(partial);
            assert_eq!((parsed.drive, parsed.copy), ("school", "school-20261201-093000.123-daily.db"));
            assert_eq!(parsed.leftover, Some(Leftover::Partial));
            assert_eq!(drive_of_backup(partial), None, "not a backup to restore");
        }
        for not_ours in [
            "school.db",
            "school-2024.db",
            "school-20261201-093000-import.db",
            "school-20261201-093000.123-Import.db",
            "school-20261201-093000.123z-import.db",
            "school-20261201-093000.123ZZ-import.db",
            "-20261201-093000.123-import.db",
            "school-20261201-093000.123-daily.db-wal",
            "notes.txt",
        ] {
            assert_eq!(BackupName::parse(not_ours), None, "{not_ours}");
        }
        assert_eq!(backup_key(Path::new("/x/school.db")), "school");
        assert_eq!(backup_key(Path::new("/x/school.sqlite")), "school.sqlite");
    }

    /// The last backup as a window in New York shows it, taken by a window in Shanghai (old drives stamped it
    /// with the local offset) or by this canbao (UTC): the instant, in the viewer's zone.
    #[test]
    fn the_last_backup_is_shown_in_the_viewers_zone_however_it_was_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        assert_eq!(store.last_backup().unwrap(), None);
        store.set_fixed_clock("2026-12-02T07:12:00-05:00");
        for stamp in ["2026-12-02T20:11:02+08:00", "2026-12-02T12:11:02Z"] {
            store.mark_backed_up_here(stamp).unwrap();
            assert_eq!(store.last_backup().unwrap().as_deref(), Some("2026-12-02 07:11"), "{stamp}");
        }
        store.backup_now("test").unwrap();
        let stamp = store.meta("last_backup").unwrap().unwrap_or_default();
        assert!(stamp.ends_with('Z') && crate::store::instant::parse(&stamp).is_some(), "stored in UTC: {stamp}");
    }

    /// After a restore the last backup is the one the restore took of the drive as it was, the newest, where
    /// before it was the one recorded inside the restored file, older, and 上次备份 went back in time.
    #[test]
    fn a_restore_keeps_the_newest_backup_as_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        let old = "2020-01-02T03:04:05Z";
        store.mark_backed_up_here(old).unwrap();
        // Copied before its own taking is recorded: the backup file holds the older stamp.
        let backup = store.backup_now("manual").unwrap().expect("written");
        let taken = store.meta("last_backup").unwrap();
        assert_ne!(taken.as_deref(), Some(old));
        store.restore_from(&backup).unwrap().expect("the drive backed up first");
        let last = store.last_backup_here().unwrap().expect("a backup here");
        assert_ne!(last, old, "the restored file's record");
        assert!(last >= taken.unwrap_or_default(), "{last}");
    }

    /// A backup opened to look at it takes no daily backup of its own: nothing written into it, no
    /// `backups/backups/` folder.
    #[test]
    fn a_backup_opened_takes_no_daily_backup_of_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("a.db")).unwrap();
        let backup = store.backup_now("manual").unwrap().expect("written");
        drop(store);
        let mut opened = Store::open(&backup).unwrap();
        assert_eq!(opened.backup_if_due().unwrap(), None);
        assert_eq!(opened.last_backup_here().unwrap(), None, "no stamp written into the backup");
        assert!(!backup.parent().unwrap().join("backups").exists(), "no backups/backups/ folder");
    }

    /// A copy of the drive in another folder carries the original's record of its last backup, taken into the
    /// original's backups folder: the copy has none of its own, shows none, and takes its daily backup beside it.
    #[test]
    fn a_copied_drive_has_no_backup_until_one_is_taken_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("a"), dir.path().join("cp2"));
        std::fs::create_dir_all(&first).unwrap();
        std::fs::create_dir_all(&second).unwrap();
        let mut store = Store::open(&first.join("a.db")).unwrap();
        store.backup_if_due().unwrap().expect("the first daily backup");
        assert!(store.last_backup().unwrap().is_some());
        assert_eq!(store.backup_if_due().unwrap(), None, "taken today");
        drop(store);
        std::fs::copy(first.join("a.db"), second.join("copy.db")).unwrap();
        let mut copy = Store::open(&second.join("copy.db")).unwrap();
        assert_eq!(copy.last_backup().unwrap(), None, "the original's backup is not beside the copy");
        let taken = copy.backup_if_due().unwrap().expect("the copy's daily backup");
        assert!(taken.starts_with(std::fs::canonicalize(&second).unwrap().join("backups")), "{}", taken.display());
        assert!(copy.last_backup().unwrap().is_some());
        assert_eq!(copy.backup_if_due().unwrap(), None, "taken today, here");
        // The original still has its own.
        let original = Store::open(&first.join("a.db")).unwrap();
        assert!(original.last_backup().unwrap().is_some());
    }

    /// The daily backup is due once the last one was taken before today here, whatever zone its stamp names.
    #[test]
    fn the_daily_backup_reads_the_last_ones_instant() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        // Now, written at the two ends of the world's zones: 26 hours apart, so their dates always differ.
        for hours in [14, -12] {
            let zone = chrono::FixedOffset::east_opt(hours * 3600).unwrap();
            let now = chrono::Utc::now().with_timezone(&zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            store.mark_backed_up_here(&now).unwrap();
            assert_eq!(store.backup_if_due().unwrap(), None, "taken just now: {now}");
        }
        let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
        store.mark_backed_up_here(&yesterday).unwrap();
        assert!(store.backup_if_due().unwrap().is_some(), "{yesterday}");
    }

    /// Backups are named in UTC, so their names sort by age whichever zone took them; names from before, in the
    /// local time of the machine that took them, still read as backups and take their place by their instant.
    #[test]
    fn backup_names_are_in_utc_and_old_local_names_take_their_place_by_age() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("school.db")).unwrap();
        let written = store.backup_now("import").unwrap().expect("written");
        let name = written.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = BackupName::parse(&name).expect("a backup's name");
        assert_eq!((parsed.drive, parsed.time.len(), parsed.time.ends_with('Z')), ("school", 11, true), "{name}");
        let taken = taken_at(&name, &chrono::Local).expect("its instant");
        assert!((chrono::Utc::now() - taken).num_seconds().abs() < 60, "{name}: {taken}");
        // Shanghai wrote 20:10:15 local (12:10:15 UTC) before this canbao; this one wrote 12:11:00 UTC after.
        let shanghai = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let (old, new) = ("school-20261202-201015.123-manual.db", "school-20261202-121100.456Z-merge.db");
        assert_eq!(drive_of_backup(old), Some("school"));
        assert_eq!(drive_of_backup(new), Some("school"));
        let at = |name: &str| taken_at(name, &shanghai).map(|t| t.to_rfc3339());
        assert_eq!(at(old).as_deref(), Some("2026-12-02T12:10:15.123+00:00"));
        assert_eq!(at(new).as_deref(), Some("2026-12-02T12:11:00.456+00:00"));
        let mut names = vec![PathBuf::from(new), PathBuf::from(old)];
        sort_by_age(&mut names, &shanghai);
        assert_eq!(names, [PathBuf::from(old), PathBuf::from(new)], "by instant, not by text");
    }

    #[test]
    fn a_file_in_a_backups_folder_is_a_backup_copy_of_the_drive_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let folder = std::fs::canonicalize(dir.path()).unwrap();
        let backups = folder.join("Backups");
        std::fs::create_dir(&backups).unwrap();
        for drive in ["school.db", "school.sqlite"] {
            std::fs::write(folder.join(drive), b"").unwrap();
            let copy = backups.join(format!("{}-20261201-093000.123-manual.db", backup_key(Path::new(drive))));
            std::fs::write(&copy, b"").unwrap();
            let found = backup_copy(&copy).expect("in a backups folder, whatever its case");
            assert_eq!(found, BackupCopy { folder: folder.clone(), drive: Some(folder.join(drive)) }, "{drive}");
        }
        // Named otherwise, or its drive gone: only the folder is known.
        let renamed = backups.join("copy.db");
        let orphan = backups.join("gone-20261201-093000.123-manual.db");
        for copy in [renamed, orphan] {
            assert_eq!(backup_copy(&copy), Some(BackupCopy { folder: folder.clone(), drive: None }));
        }
        assert_eq!(backup_copy(&folder.join("school.db")), None, "the drive itself");
    }

    #[test]
    fn pruning_one_drive_leaves_another_drives_backups_in_the_same_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut other = Store::open(&dir.path().join("school-2024.db")).unwrap();
        let theirs: Vec<PathBuf> = (0..3).map(|_| other.backup_now("import").unwrap().expect("written")).collect();
        let mut school = Store::open(&dir.path().join("school.db")).unwrap();
        for n in 0..DEFAULT_KEEP {
            school.set_meta("marker", &n.to_string()).unwrap();
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

    /// The copy is looked at each time the backup is asked whether to stop, between the pages SQLite copies: it
    /// must be owner-only from its first byte, not only once the copy is done.
    #[cfg(unix)]
    #[test]
    fn a_backup_is_owner_only_while_it_is_written() {
        use std::os::unix::fs::PermissionsExt;
        use std::sync::{Arc, Mutex};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("drive.db")).unwrap();
        store.conn.execute_batch("CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO filler SELECT randomblob(200) FROM n;").unwrap();
        let target = dir.path().join("copies").join("copy.db");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let partial = sidecar(&target, PARTIAL_SUFFIX);
        let look = || {
            for file in [partial.clone(), sidecar(&partial, "-journal"), sidecar(&partial, "-wal")] {
                if let Ok(meta) = std::fs::metadata(&file) {
                    seen.lock().unwrap().push((file, meta.len(), meta.permissions().mode() & 0o777));
                }
            }
            false
        };
        copy_to(&store.conn, None, &target, &look).unwrap();
        let seen = seen.lock().unwrap();
        assert!(seen.iter().any(|(_, len, _)| *len > 0), "the copy was never seen being written");
        for (file, len, mode) in seen.iter() {
            assert_eq!(*mode, 0o600, "{} was {mode:o} at {len} bytes", file.display());
        }
        let folder = std::fs::metadata(dir.path().join("copies")).unwrap().permissions().mode() & 0o777;
        assert_eq!(folder, 0o700);
    }

    /// A backup to a chosen name stopped half-way (as by a kill) leaves nothing under that name: the copy is
    /// written under `.canbao-partial` and renamed only when done; the partial copy a kill leaves is removed by
    /// the next backup to the same name.
    #[test]
    fn a_backup_stopped_half_way_leaves_no_file_under_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("drive.db")).unwrap();
        store.conn.execute_batch("CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO filler SELECT randomblob(200) FROM n;").unwrap();
        let target = dir.path().join("snap.db");
        let partial = sidecar(&target, PARTIAL_SUFFIX);
        let (seen_target, seen_partial) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let stop_half_way = || {
            seen_target.fetch_or(target.exists(), Ordering::Relaxed);
            // Stopped once the copy is seen on disk, half-way.
            let written = std::fs::metadata(&partial).is_ok_and(|m| m.len() > 0);
            seen_partial.fetch_or(written, Ordering::Relaxed) || written
        };
        assert!(copy_to(&store.conn, None, &target, &stop_half_way).is_err(), "stopped");
        assert!(seen_partial.load(Ordering::Relaxed), "the copy was being written beside its name");
        assert!(!seen_target.load(Ordering::Relaxed), "nothing was under the chosen name while it was written");
        assert!(!target.exists() && !partial.exists(), "and nothing is left");

        // As a kill leaves it: part of the copy and its journal, under the partial name.
        std::fs::write(&partial, b"SQLite format 3\0 half written").unwrap();
        std::fs::write(sidecar(&partial, "-journal"), b"journal").unwrap();
        store.backup_to(&target).unwrap();
        assert!(!partial.exists() && !sidecar(&partial, "-journal").exists(), "the next backup clears it");
        assert_eq!(Store::open_read_only(&target).unwrap().student_count().unwrap(), 0);
    }

    #[test]
    fn a_backup_into_a_folder_is_named_as_the_automatic_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("school-2024.db")).unwrap();
        let written = store.backup_into(&dir.path().join("usb"), "manual").unwrap();
        assert_eq!(written.parent(), Some(dir.path().join("usb").as_path()));
        let name = written.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(drive_of_backup(&name), Some("school-2024"), "{name}");
        assert!(name.ends_with("-manual.db"), "{name}");
    }

    #[test]
    fn an_earlier_state_of_the_drive_looks_like_its_backup_under_any_name_and_another_laptops_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        store.set_operator("测试").unwrap();
        add_pupil(&mut store, "一小", "张三");
        let mine = dir.path().join("before-lunch.db");
        store.backup_to(&mine).unwrap();
        // The other laptop's copy of the drive, with a change of its own.
        let theirs = dir.path().join("lap").join("drive.db");
        store.backup_to(&theirs).unwrap();
        let mut other = Store::open(&theirs).unwrap();
        other.rename_school("一小", "第一小学").unwrap();
        drop(other);
        store.rename_school("一小", "城关一小").unwrap();
        let facts = store.describe_backup(&mine).unwrap();
        assert!(facts.looks_ours, "an earlier state, even from before the school was renamed: {facts:?}");
        assert_eq!((facts.pupils, facts.current_pupils), (1, 1));
        assert_eq!(facts.schools, vec!["一小".to_owned()]);
        let facts = store.describe_backup(&theirs).unwrap();
        assert!(!facts.looks_ours, "another laptop's copy has changes of its own: {facts:?}");
        let automatic = store.backup_now("manual").unwrap().expect("a file drive");
        assert!(store.describe_backup(&automatic).unwrap().looks_ours);
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

    /// What a killed backup left under the partial name is removed at the next backup. A copy under a backup's
    /// own name with its `-journal` beside it may be in the middle of a write, or cut short and to be rolled back
    /// from its journal: it is not touched (nor counted: a half copy is no drive).
    #[test]
    fn a_partial_copy_is_removed_and_a_copy_with_its_journal_beside_it_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        store.set_meta("backups_keep", "1").unwrap();
        let backups = dir.path().join("backups");
        std::fs::create_dir(&backups).unwrap();
        let half = backups.join("drive-20200101-000000.000-import.db");
        std::fs::write(&half, b"SQLite format 3\0 half written").unwrap();
        std::fs::write(sidecar(&half, "-journal"), b"journal").unwrap();
        let others = backups.join("drive-2024-20200101-000000.000-import.db-journal");
        std::fs::write(&others, b"another drive's").unwrap();
        // As a kill leaves them now: a copy under the partial name, and its journal.
        let partial = backups.join("drive-20200101-000001.000-daily.db.canbao-partial");
        std::fs::write(&partial, b"SQLite format 3\0 half written").unwrap();
        std::fs::write(sidecar(&partial, "-journal"), b"journal").unwrap();
        let written = store.backup_now("import").unwrap().expect("written");
        assert!(half.exists() && sidecar(&half, "-journal").exists(), "a copy with its journal is left alone");
        assert!(!partial.exists() && !sidecar(&partial, "-journal").exists(), "a partial one is cleaned up");
        assert!(others.exists(), "another drive's files are not this drive's to clean");
        assert!(written.exists());
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

    /// A link planted at the name a backup is written under (`<copy>.canbao-partial`, or its `-journal`) in a
    /// shared folder is refused in words, and the file it points at is untouched.
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_backup_s_partial_name_is_refused_and_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("drive.db")).unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"pupils of another drive").unwrap();
        let target = dir.path().join("copies/drive-copy.db");
        std::fs::create_dir(dir.path().join("copies")).unwrap();
        let partial = sidecar(&target, PARTIAL_SUFFIX);
        for planted in [partial.clone(), sidecar(&partial, "-journal"), sidecar(&partial, "-wal")] {
            std::os::unix::fs::symlink(&victim, &planted).unwrap();
            let err = copy_to(&store.conn, None, &target, &|| false).expect_err("refused").to_string();
            assert!(err.contains("临时文件名已被占用") && err.contains("drive-copy.db"), "{err}");
            assert_eq!(std::fs::read(&victim).unwrap(), b"pupils of another drive", "the linked file is untouched");
            assert!(std::fs::symlink_metadata(&target).is_err(), "no backup under the name");
            std::fs::remove_file(&planted).unwrap();
        }
        copy_to(&store.conn, None, &target, &|| false).expect("written once the names are free");
    }

    /// The backup API copies the drive's pages as they are, its first page saying WAL mode: the copy is put back
    /// in rollback mode, as `VACUUM INTO` made it, so reading a backup (listed, described, restored) makes no
    /// `-wal` or `-shm` beside it, and nothing of the copy's own is left beside it either.
    #[test]
    fn a_backup_of_a_wal_drive_is_a_file_of_its_own_in_rollback_mode() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal", "the drive itself is in WAL mode");
        store.set_operator("测试").unwrap();
        add_pupil(&mut store, "一小", "张三");
        for copy in
            [store.backup_to(&dir.path().join("copy.db")).unwrap(), store.backup_now("import").unwrap().unwrap()]
        {
            let header = std::fs::read(&copy).unwrap();
            assert_eq!(&header[..16], b"SQLite format 3\0");
            assert_eq!((header[18], header[19]), (1, 1), "{}: rollback mode", copy.display());
            let beside: Vec<String> = std::fs::read_dir(copy.parent().unwrap())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(&*copy.file_name().unwrap().to_string_lossy()))
                .collect();
            assert_eq!(beside.len(), 1, "{beside:?}");
            let read = Store::open_read_only(&copy).unwrap();
            let check: String = read.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
            assert_eq!((check.as_str(), read.student_count().unwrap()), ("ok", 1));
            drop(read);
            assert!(!sidecar(&copy, "-wal").exists() && !sidecar(&copy, "-shm").exists(), "read as a file alone");
        }
    }

    /// The backup API runs no statement, which the connection's progress handler would stop: the store's stop is
    /// asked between the pages copied, as the handler would be (`stop_when`; with `stop_until_saved`, not once the
    /// work was saved).
    #[test]
    fn a_backup_is_stopped_as_the_stores_statements_are() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        let target = dir.path().join("copy.db");
        let (stop, saved) = (Arc::new(AtomicBool::new(true)), Arc::new(AtomicBool::new(false)));
        store.stop_when(Arc::clone(&stop)).unwrap();
        let err = store.backup_to(&target).expect_err("stopped");
        assert!(
            matches!(&err, StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::OperationInterrupted),
            "{err:?}"
        );
        assert!(
            std::fs::read_dir(dir.path()).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("copy"))
        );
        store.stop_until_saved(Arc::clone(&stop), Arc::clone(&saved)).unwrap();
        assert!(store.backup_to(&target).is_err(), "stopped before the work was saved");
        saved.store(true, Ordering::SeqCst);
        store.backup_to(&target).expect("once saved, a stop is too late");
        assert_eq!(Store::open_read_only(&target).unwrap().student_count().unwrap(), 0);
    }

    #[test]
    fn another_laptops_drive_of_the_same_school_is_not_this_drives_backup_though_named_alike() {
        // Every laptop's default drive is canbao.db, so every laptop's backups are named canbao-…: the name and
        // the school alike do not make another drive's backup this drive's when both have a history of their own.
        let dir = tempfile::tempdir().unwrap();
        let mut here = Store::open(&dir.path().join("a").join("canbao.db")).unwrap();
        here.set_operator("测试").unwrap();
        add_pupil(&mut here, "一小", "张三");
        let mut there = Store::open(&dir.path().join("b").join("canbao.db")).unwrap();
        there.set_operator("测试").unwrap();
        add_pupil(&mut there, "一小", "李四");
        let theirs = there.backup_now("import").unwrap().expect("a file drive");
        let facts = here.describe_backup(&theirs).unwrap();
        assert!(facts.named_ours, "named as this drive's backups are: {facts:?}");
        assert!(!facts.looks_ours, "another drive of the same school, history not connected: {facts:?}");
        assert_eq!(facts.differs, Some(Difference::Unconnected), "{facts:?}");
        // This drive's own backups still are, by name and by history.
        let mine = here.backup_now("manual").unwrap().expect("a file drive");
        assert!(here.describe_backup(&mine).unwrap().looks_ours);
        // And a backup from before the drive's first change (nothing to tell by history) still goes by its name.
        let mut fresh = Store::open(&dir.path().join("c").join("canbao.db")).unwrap();
        let blank = fresh.backup_now("manual").unwrap().expect("a file drive");
        fresh.set_operator("测试").unwrap();
        add_pupil(&mut fresh, "一小", "王五");
        assert!(fresh.describe_backup(&blank).unwrap().looks_ours);
    }
}
