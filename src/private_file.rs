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
