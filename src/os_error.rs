//! An operating system error in the operator's words, with the path. The system's own text is English ("No
//! such file or directory (os error 2)") and would sit inside a Chinese sentence; the file picker, the readers
//! of lists and the store's backups and merges all say it the same way, so it lives below every layer.

use std::path::Path;

/// What the program was doing when the system refused: the same refusal reads differently for each (no
/// permission to read, or to write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The error alone, Chinese first and English in brackets: 「找不到文件或文件夹 (not found)」.
pub fn phrase(e: &std::io::Error, access: Access) -> String {
    use std::io::ErrorKind::*;
    if let Some(words) = crate::private_file::taken_words(e) {
        return words;
    }
    let read = access == Access::Read;
    // A link that leads back to itself (the system's ELOOP), which the standard library names in no stable kind.
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return "符号链接循环（快捷方式指向自己），无法打开 (a loop of symbolic links: it cannot be opened)".to_owned();
    }
    let words = match e.kind() {
        NotFound if read => "找不到文件或文件夹 (not found)",
        NotFound => "文件夹不存在 (folder not found)",
        PermissionDenied if read => "没有读取权限 (permission denied)",
        PermissionDenied => "没有写入权限 (permission denied)",
        IsADirectory if read => "这是文件夹，不是文件 (a folder, not a file)",
        IsADirectory => "已有同名的文件夹 (a folder of that name exists)",
        NotADirectory => "路径中有一段是文件，不是文件夹 (part of the path is a file, not a folder)",
        AlreadyExists => "已有同名的文件 (a file of that name exists)",
        StorageFull => "磁盘已满 (disk full)",
        ReadOnlyFilesystem => "磁盘只读 (read-only disk)",
        InvalidFilename => "文件名无效或过长 (invalid or too long a file name)",
        // Anything rarer keeps the system's text, in the English part where it belongs.
        _ if read => return format!("无法读取 (system error: {e})"),
        _ => return format!("无法写入 (system error: {e})"),
    };
    words.to_owned()
}

/// A failed read, as the file picker shows it: 「找不到文件或文件夹 (not found)：D:\名单\一班.xlsx」.
pub fn reading(e: &std::io::Error, path: impl AsRef<Path>) -> String {
    format!("{}：{}", phrase(e, Access::Read), path.as_ref().display())
}

/// A failed write or create: 「没有写入权限 (permission denied)：/media/u/备份.db」.
pub fn writing(e: &std::io::Error, path: impl AsRef<Path>) -> String {
    format!("{}：{}", phrase(e, Access::Write), path.as_ref().display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn the_system_s_english_is_put_in_words_with_the_path_kept() {
        let missing = std::fs::metadata("/no/such/file").unwrap_err();
        let words = reading(&missing, "/no/such/file");
        assert_eq!(words, "找不到文件或文件夹 (not found)：/no/such/file");
        let denied = Error::from(ErrorKind::PermissionDenied);
        assert_eq!(reading(&denied, "a.csv"), "没有读取权限 (permission denied)：a.csv");
        assert_eq!(writing(&denied, "b.db"), "没有写入权限 (permission denied)：b.db");
        let folder = Error::from(ErrorKind::IsADirectory);
        assert_eq!(reading(&folder, "x"), "这是文件夹，不是文件 (a folder, not a file)：x");
        for kind in [ErrorKind::NotADirectory, ErrorKind::StorageFull, ErrorKind::ReadOnlyFilesystem] {
            let words = writing(&Error::from(kind), "y");
            assert!(!words.contains("os error") && words.ends_with("：y"), "{words}");
        }
        #[cfg(unix)]
        {
            let dir = tempfile::tempdir().expect("dir");
            let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
            std::os::unix::fs::symlink(&b, &a).expect("link");
            std::os::unix::fs::symlink(&a, &b).expect("link");
            let words = reading(&std::fs::metadata(&a).unwrap_err(), "a.csv");
            assert!(words.starts_with("符号链接循环") && !words.contains("os error"), "{words}");
        }
        // A rare error keeps the system's text, but only in the English part.
        let odd = Error::other("Stale file handle");
        assert_eq!(reading(&odd, "z"), "无法读取 (system error: Stale file handle)：z");
    }
}
