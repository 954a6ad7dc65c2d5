//! One writer per drive file. A second canbao on the same file is told who holds it and since when, and can
//! still open it read-only. The lock is an OS file lock on `<file>.lock`, so a crashed or killed canbao never
//! leaves a stale lock behind: the OS releases it with the process.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held while this process may write the drive; released on drop.
#[derive(Debug)]
pub struct DriveLock {
    file: File,
    path: PathBuf,
}

pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    db.with_file_name(name)
}

impl DriveLock {
    /// Takes the lock, or says who holds it.
    pub fn acquire(db: &Path, operator: &str) -> Result<DriveLock, StoreError> {
        let path = lock_path(db);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| StoreError::CreateDir { path: path.display().to_string(), source })?;
        crate::io::private_file::restrict(&path);
        match file.try_lock() {
            Ok(()) => {
                let holder = format!(
                    "{}\n{}\n{}\n",
                    if operator.is_empty() { "（未具名操作员）" } else { operator },
                    chrono::Local::now().format("%Y-%m-%d %H:%M:%S"),
                    std::process::id()
                );
                // Best effort: the lock itself is what protects the file; the text only explains it.
                let _ = file.set_len(0);
                let _ = file.seek(SeekFrom::Start(0));
                let _ = file.write_all(holder.as_bytes());
                let _ = file.sync_all();
                Ok(DriveLock { file, path })
            }
            Err(_) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let mut lines = text.lines();
                let by = lines.next().unwrap_or("另一个 canbao (another canbao)").to_owned();
                let since = lines.next().unwrap_or("?").to_owned();
                Err(StoreError::InUse { by, since })
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
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
}
