//! Files holding minors' personal data are created readable by the owner only.

use std::fs::{File, OpenOptions};
use std::path::Path;

/// Creates (or truncates) a file that only its owner can read: 0600 on Unix. Elsewhere the platform's default
/// applies; the user profile folders Windows uses are already private to the user.
pub fn create(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    restrict(path);
    Ok(file)
}

/// Creates a new, empty file that only its owner can read, failing if anything exists at `path`. Whatever is
/// written into it later (by SQLite, say) is never readable by others, even while it is being written.
pub fn create_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates a folder and any missing parents, readable by the owner only (0700 on Unix). Folders that already
/// exist keep their mode: they may be the operator's own.
pub fn create_dir_all(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Narrows a folder canbao owns (the backups folder) to its owner, whatever an older version created it with.
pub fn restrict_dir(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    {
        let _ = path;
    }
}

/// Narrows an existing file's permissions to its owner (a file that existed before keeps its old mode
/// otherwise). Failure is not fatal: the data is already written, and the owner can fix modes.
pub fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    {
        let _ = path;
    }
}

/// What [`write_whole`] does with a file already at its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Kept: the write fails with `AlreadyExists`, so two runs at once cannot overwrite each other's file.
    Keep,
    /// Replaced by the new file in one rename.
    Replace,
}

/// Writes `bytes` as the whole of `target`, owner-only: into a hidden file beside it (same folder, so the same
/// disk), to the disk (fsync), then renamed in. A full disk, a crash or a power cut leaves the old file or
/// none, never an empty or half-written one under the real name; the hidden file is removed when the write
/// fails.
pub fn write_whole(target: &Path, bytes: &[u8], existing: Existing) -> std::io::Result<()> {
    write_whole_with(target, bytes, existing, std::io::Write::write_all)
}

/// [`write_whole`] with the write itself given: tests put a full disk there.
pub(crate) fn write_whole_with(
    target: &Path,
    bytes: &[u8],
    existing: Existing,
    write: impl FnOnce(&mut File, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Hidden, and not ending in the target's extension, so no reader of the folder takes it for a file of its own.
    let part = target.with_file_name(format!(".{name}.{}.part", std::process::id()));
    // Only a process of this id could have left it (one that died mid-write): not a file anyone else writes.
    let _ = std::fs::remove_file(&part);
    let written = create_new(&part).and_then(|mut file| {
        write(&mut file, bytes)?;
        file.sync_all()
    });
    let placed = written.and_then(|()| match existing {
        Existing::Replace => std::fs::rename(&part, target),
        Existing::Keep => place_new(&part, target),
    });
    if placed.is_err() {
        let _ = std::fs::remove_file(&part);
        return placed;
    }
    sync_folder(target);
    Ok(())
}

/// Moves `part` in as `target` unless something is there already. A hard link does both at once; a disk
/// without hard links (FAT on a stick) gets a look first and a rename.
fn place_new(part: &Path, target: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(part, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(part);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(e) if e.kind() == std::io::ErrorKind::StorageFull => Err(e),
        Err(_) if std::fs::symlink_metadata(target).is_ok() => Err(std::io::ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(part, target),
    }
}

/// The rename itself on the disk too (the folder's entry), where the system allows it.
fn sync_folder(target: &Path) {
    #[cfg(unix)]
    {
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    {
        let _ = target;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_disk(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
        // Some of it goes in before the disk fills, as on a real one.
        std::io::Write::write_all(file, &bytes[..bytes.len() / 2])?;
        Err(std::io::Error::from_raw_os_error(28))
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_whole_write_appears_whole_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().expect("dir");
        let target = dir.path().join("a.toml");
        write_whole(&target, b"title = 1\n", Existing::Keep).expect("written");
        assert_eq!(std::fs::read(&target).expect("read"), b"title = 1\n");
        assert_eq!(names(dir.path()), ["a.toml"]);
        let again = write_whole(&target, b"other", Existing::Keep).expect_err("kept");
        assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&target).expect("read"), b"title = 1\n");
        write_whole(&target, b"title = 2\n", Existing::Replace).expect("replaced");
        assert_eq!(std::fs::read(&target).expect("read"), b"title = 2\n");
        assert_eq!(names(dir.path()), ["a.toml"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_full_disk_leaves_no_file_and_the_old_one_as_it_was() {
        let dir = tempfile::tempdir().expect("dir");
        let target = dir.path().join("new.toml");
        let err = write_whole_with(&target, b"title = 1\n", Existing::Keep, full_disk).expect_err("full");
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
        assert!(names(dir.path()).is_empty(), "no empty file, no hidden part: {:?}", names(dir.path()));
        let old = dir.path().join("old.toml");
        std::fs::write(&old, "title = 0\n").expect("write");
        let err = write_whole_with(&old, b"title = 1\n", Existing::Replace, full_disk).expect_err("full");
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read_to_string(&old).expect("read"), "title = 0\n");
        assert_eq!(names(dir.path()), ["old.toml"]);
    }
}
