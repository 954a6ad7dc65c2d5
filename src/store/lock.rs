//! One writer per drive file. A second canbao on the same file is told who holds it and since when, and can
//! still open it read-only. The lock is an OS file lock on `<file>.lock`, so a crashed or killed canbao never
//! leaves a stale lock behind: the OS releases it with the process.
//!
//! The lock belongs to the file, not to the path typed: `<file>` is the drive's true path (symlinks resolved,
//! as SQLite resolves them), so a symlink or a second route through a linked folder meets the same lock. A
//! file with a second name (a hard link) cannot be locked that way, and SQLite would keep a separate WAL for
//! each name, so such a file is refused outright.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held while this process may write the drive; released on drop.
#[derive(Debug)]
pub struct DriveLock {
    file: File,
    path: PathBuf,
    /// This process made the lock file: nothing had locked the drive before.
    created: bool,
    /// The name the lock text gives, kept so the text can be written again.
    holder: String,
    /// Held by a canbao window (the TUI): its terminal, if it could be told (`/dev/pts/3`), else empty.
    window: Option<String>,
}

/// Who holds a drive, as the lock text says: the operator, since when (in this reader's zone), the process, and
/// whether it is a canbao window (the TUI) and on which terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub by: String,
    pub since: String,
    pub pid: Option<u32>,
    /// `Some` for a canbao window: its terminal, or empty where it could not be told.
    pub window: Option<String>,
}

/// Who holds the drive `db` names, read from its lock file (whether or not anyone holds it now); `None` when
/// there is no lock file to read.
pub fn holder(db: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(lock_path(&true_path(db))).ok()?;
    let mut lines = text.lines();
    let by = lines.next().filter(|l| !l.trim().is_empty())?.to_owned();
    let since = lines.next().map_or_else(|| "?".to_owned(), super::instant::beijing_minutes);
    let pid = lines.next().and_then(|l| l.trim().parse().ok());
    let window = lines.next().and_then(|l| l.strip_prefix(WINDOW)).map(|t| t.trim().to_owned());
    Some(Holder { by, since, pid, window })
}

/// How the lock text's fourth line marks a lock a canbao window holds, its terminal after it.
const WINDOW: &str = "window";

pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    db.with_file_name(name)
}

/// The drive's true path: symlinks resolved, in the file's name and its folders, so every path that reaches
/// the file gives the same answer. A drive not created yet is its folder's true path and its name (a symlink
/// pointing nowhere yet is followed to where it points: that is where SQLite creates the file).
pub fn true_path(db: &Path) -> PathBuf {
    if let Ok(found) = std::fs::canonicalize(db) {
        return found;
    }
    let db = match std::fs::read_link(db) {
        Ok(target) => db.parent().unwrap_or(Path::new("")).join(target),
        Err(_) => db.to_owned(),
    };
    let folder = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned());
    match db.file_name() {
        Some(name) => folder.join(name),
        None => db,
    }
}

/// Whether two paths name one file: the same device and inode where the system has them, else the same
/// canonical path.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return (x.dev(), x.ino()) == (y.dev(), y.ino());
        }
    }
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Refuses a drive file that has a second name (a hard link): writers through the two names would each get
/// their own `-wal` and `-shm` and corrupt the file, and no lock keyed on a name can see the other one.
pub fn check_single_name(db: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata(db)
            && meta.is_file()
            && meta.nlink() > 1
        {
            return Err(StoreError::SecondName { path: db.display().to_string(), names: meta.nlink() });
        }
    }
    // Windows keeps a hard link count too, but std offers it only on nightly; hard links are rare there.
    #[cfg(not(unix))]
    let _ = db;
    Ok(())
}

/// Whether a canbao holds the lock on the file `db` names: a writer has it open now. Looked at without
/// taking it: a shared lock on the lock file, tried and let go at once; nothing is created or written. A lock
/// file that cannot be opened or tried counts as held.
pub fn is_held(db: &Path) -> bool {
    let file = match File::open(lock_path(&true_path(db))) {
        Ok(file) => file,
        Err(e) => return e.kind() != std::io::ErrorKind::NotFound,
    };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(_) => true,
    }
}

/// The terminal this process runs in (`/dev/pts/3`), where the system says: a canbao window writes it into the lock
/// it holds ([`DriveLock::held_by_window`]), so another canbao refused meanwhile names it and the operator finds
/// the window among several.
pub fn this_terminal() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let link = std::fs::read_link("/proc/self/fd/0").ok()?;
        let name = link.display().to_string();
        name.starts_with("/dev/").then_some(name)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

impl DriveLock {
    /// Takes the lock on the file `db` names (whatever the path), or says who holds it.
    pub fn acquire(db: &Path, operator: &str) -> Result<DriveLock, StoreError> {
        check_single_name(db)?;
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            crate::private_file::create_dir_all(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
        }
        let path = lock_path(&true_path(db));
        let created = std::fs::symlink_metadata(&path).is_err();
        let mut file = crate::private_file::open_no_follow(&path).map_err(|source| {
            match source.kind() {
                _ if crate::private_file::taken_words(&source).is_some() => {
                    StoreError::Io { path: path.display().to_string(), source }
                }
                // A drive on a read-only stick: the folder, not the drive, is what stops the change.
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
                    if !super::folder_writable(db) =>
                {
                    StoreError::FolderReadOnly { path: db.display().to_string() }
                }
                _ => StoreError::CreateDir { path: path.display().to_string(), source },
            }
        })?;
        // On the open file, never through a name: owner-only whatever an older version made it with.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        match file.try_lock() {
            Ok(()) => {
                let mut lock = DriveLock { file, path, created, holder: String::new(), window: None };
                lock.name_holder(operator);
                Ok(lock)
            }
            Err(_) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let mut lines = text.lines();
                let by = lines.next().unwrap_or("另一个 canbao (another canbao)").to_owned();
                // Written as an instant in UTC, shown in this reader's zone: the holder may be a laptop (or a
                // shell) in another zone. A lock an older canbao wrote holds its local time, shown as it is.
                let since = lines.next().map_or_else(|| "?".to_owned(), super::instant::beijing_minutes);
                Err(StoreError::InUse { by, since })
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lets go of a drive that could not be opened (another program's file, a damaged one): a lock file this
    /// process made is removed, so no `.lock` is left beside a file that is no drive. Removed while still
    /// held, so a canbao that opened it meanwhile is told the drive is in use rather than locking a file about
    /// to vanish, as a second writer could.
    pub fn give_up(self) {
        if self.created {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// The drive opened under this lock, with the lock; when it could not be opened, the lock is given up
    /// ([`DriveLock::give_up`]) and the error returned.
    pub fn keep_if<T, E>(self, opened: Result<T, E>) -> Result<(T, DriveLock), E> {
        match opened {
            Ok(value) => Ok((value, self)),
            Err(e) => {
                self.give_up();
                Err(e)
            }
        }
    }

    /// Writes who holds the lock, for the message another canbao shows: the operator given on the command
    /// line, or once the drive is open the one it remembers. Best effort: the lock itself is what protects the
    /// file; the text only explains it. The time is an instant in UTC, which the reader shows in its own zone.
    /// Not synced to the disk: another canbao reads the text from the system's cache while the lock is held,
    /// and after a crash the lock is free whatever the text says, so a sync only made every open of the drive
    /// wait for the disk (6 ms at the median and 20 ms one time in ten on a disk busy with other writes).
    pub fn name_holder(&mut self, operator: &str) {
        operator.trim().clone_into(&mut self.holder);
        let window = self.window.as_ref().map(|t| format!("{WINDOW} {t}\n")).unwrap_or_default();
        let holder = format!(
            "{}\n{}\n{}\n{window}",
            if operator.trim().is_empty() { "（未具名操作员）" } else { operator.trim() },
            super::instant::to_text(chrono::Utc::now()),
            std::process::id()
        );
        let _ = self.file.seek(SeekFrom::Start(0));
        if self.file.write_all(holder.as_bytes()).is_ok() {
            // Cut after writing, not before: a file truncated to nothing and written again is flushed to the
            // disk when it is closed on some file systems (ext4's auto_da_alloc), a sync by another name.
            let _ = self.file.set_len(holder.len() as u64);
        }
    }
}

impl DriveLock {
    /// Says in the lock text that a canbao window (the TUI) holds the drive, on `terminal` if it could be told:
    /// a command refused meanwhile (`backup`) names the window and what to do in it.
    pub fn held_by_window(&mut self, terminal: Option<&str>) {
        self.window = Some(terminal.unwrap_or_default().to_owned());
        let holder = self.holder.clone();
        self.name_holder(&holder);
    }
}

impl Drop for DriveLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_named_after_the_drive_is_open_is_the_one_another_canbao_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("drive.db");
        let mut held = DriveLock::acquire(&db, "").expect("first");
        held.name_holder("王老师");
        match DriveLock::acquire(&db, "李老师") {
            Err(StoreError::InUse { by, .. }) => assert_eq!(by, "王老师"),
            other => panic!("{:?}", other.map(|l| l.path().to_owned())),
        }
    }

    #[test]
    fn second_writer_is_told_who_holds_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("drive.db");
        let first = DriveLock::acquire(&db, "张老师").expect("first");
        match DriveLock::acquire(&db, "李老师") {
            Err(StoreError::InUse { by, since }) => {
                assert_eq!(by, "张老师");
                assert!(since.starts_with("20"), "{since}");
            }
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(first);
        let again = DriveLock::acquire(&db, "李老师").expect("free after the first is dropped");
        assert!(again.path().exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_or_a_linked_folder_meets_the_same_lock() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let db = real.join("drive.db");
        std::fs::write(&db, b"").unwrap();
        std::os::unix::fs::symlink(&db, dir.path().join("link.db")).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("folder")).unwrap();
        let held = DriveLock::acquire(&dir.path().join("link.db"), "张老师").expect("first");
        for other in [db.clone(), dir.path().join("folder").join("drive.db")] {
            assert!(
                matches!(DriveLock::acquire(&other, "李老师"), Err(StoreError::InUse { .. })),
                "{} is the same file",
                other.display()
            );
        }
        assert_eq!(held.path(), std::fs::canonicalize(&real).unwrap().join("drive.db.lock"));
    }

    #[cfg(unix)]
    #[test]
    fn a_drive_with_a_second_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("drive.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::hard_link(&db, dir.path().join("second.db")).unwrap();
        for name in [db.clone(), dir.path().join("second.db")] {
            match DriveLock::acquire(&name, "张老师") {
                Err(e @ StoreError::SecondName { names: 2, .. }) => assert!(e.to_string().contains("硬链接"), "{e}"),
                other => panic!("expected SecondName, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_new_drive_is_locked_by_its_folders_true_path() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new").join("drive.db");
        let held = DriveLock::acquire(&db, "张老师").expect("lock");
        assert_eq!(held.path(), std::fs::canonicalize(dir.path()).unwrap().join("new").join("drive.db.lock"));
    }
}
