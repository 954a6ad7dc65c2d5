//! Files holding minors' personal data are created readable by the owner only.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

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

/// How many names [`create_temp`] tries before it gives up: more taken names than this is no accident.
const TEMP_TRIES: u32 = 20;

/// Creates a temporary file beside `target`, owner-only and new (O_CREAT|O_EXCL: a symlink planted at the name
/// in a shared folder is never followed, so no other file is truncated or written through it). `name(n)` gives
/// the n-th name to try; a taken name (anything there, canbao's own or not) is left alone and the next one
/// tried. Returns the name used with its open file.
pub fn create_temp(target: &Path, name: impl Fn(u32) -> String) -> std::io::Result<(PathBuf, File)> {
    for n in 0..TEMP_TRIES {
        let path = target.with_file_name(name(n));
        match create_new(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(temp_name_taken())
}

/// The refusal when the temporary name a write needs is taken by something not canbao's, in the operator's
/// words (the callers name the file asked for).
pub fn temp_name_taken() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::AlreadyExists, TEMP_NAME_TAKEN)
}

/// What [`temp_name_taken`] says.
pub const TEMP_NAME_TAKEN: &str = "写入用的临时文件名已被占用（可能是别人放的链接），为保护数据未写入 \
     (the temporary name used to write it is taken, perhaps by a link someone else put there: nothing was written)";

/// What [`open_no_follow`] says of a link at the name.
pub const LINK_REFUSED: &str = "这个名字上是一个链接（可能是别人放的），为保护数据不跟随它写入 \
     (a link is at this name, perhaps put there by someone else: canbao does not write through it)";

/// The words of an error [`temp_name_taken`] or [`open_no_follow`] made, if `e` is one.
pub fn taken_words(e: &std::io::Error) -> Option<String> {
    e.get_ref().map(ToString::to_string).filter(|t| t == TEMP_NAME_TAKEN || t == LINK_REFUSED)
}

/// Opens (creating if missing) a file canbao keeps under a fixed name, such as a drive's `.lock`, for reading
/// and writing, owner-only, never through a link at the name (O_NOFOLLOW on Unix): a link someone planted
/// there would otherwise have canbao truncate the file it points at.
pub fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other(LINK_REFUSED));
    }
    match options.open(path) {
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Err(std::io::Error::other(LINK_REFUSED)),
        other => other,
    }
}

/// Removes `path` only if it is a plain file (never following a symlink there): a leftover of canbao's own
/// under a name only canbao uses. A symlink or folder at the name is not canbao's to remove.
pub fn remove_if_plain_file(path: &Path) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()) {
        let _ = std::fs::remove_file(path);
    }
}

/// Creates one new folder (its parent must exist), owner-only from the start (0700 on Unix), failing with
/// `AlreadyExists` if anything is at `path`: unlike [`create_dir_all`], a symlink to a folder someone else
/// planted there is refused, not written into.
pub fn create_dir_new(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(path)
    }
    #[cfg(not(unix))]
    std::fs::DirBuilder::new().create(path)
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

/// What [`tighten_if_shared`] found of a file others could read (`mode`: its permission bits as found).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    /// The user's own: narrowed to 0600.
    Tightened { mode: u32 },
    /// Another user's: left as it is, which only its owner (or root) can change.
    NotOwned { mode: u32 },
    /// The user's own, but the system refused the change (a read-only disk, a FAT stick that has no modes).
    Refused { mode: u32 },
}

/// A file that group or others can read (a drive copied in from a USB stick or a shared folder keeps the
/// copy's 0644): narrowed to its owner when it is the user's, else left. `None`: no such file, or private
/// already (and everywhere that has no Unix modes).
pub fn tighten_if_shared(path: &Path) -> Option<Shared> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?;
        let mode = meta.mode() & 0o777;
        if mode & 0o077 == 0 {
            return None;
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        if meta.uid() != unsafe { libc::geteuid() } {
            return Some(Shared::NotOwned { mode });
        }
        let narrowed = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700 | 0o600));
        let still = std::fs::metadata(path).map(|m| m.mode() & 0o077 != 0).unwrap_or(true);
        Some(if narrowed.is_ok() && !still { Shared::Tightened { mode } } else { Shared::Refused { mode } })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A file's permission bits when group or others may read it; `None` when private, missing, or without Unix modes.
pub fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?.mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Whether group or others may make files in `folder` (a share set up on purpose, or /tmp).
pub fn others_may_write_in(folder: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(folder).is_ok_and(|m| m.mode() & 0o022 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        false
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
    let pid = std::process::id();
    let first = target.with_file_name(format!(".{name}.{pid}.part"));
    // Only a process of this id could have left it (one that died mid-write), and only a plain file is
    // canbao's: a symlink there was put by someone else, and is stepped around below.
    remove_if_plain_file(&first);
    let (part, mut file) = create_temp(target, |n| match n {
        0 => format!(".{name}.{pid}.part"),
        n => format!(".{name}.{pid}-{n}.part"),
    })?;
    let written = write(&mut file, bytes).and_then(|()| file.sync_all());
    drop(file);
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
