//! The files given to one import or push, each taken once: the same file given twice (`a.csv a.csv`), under
//! two names (`./a.csv`, an absolute path, a symlink or a hard link to it, a file ticked twice through a
//! symlinked folder), or two copies of one list under two names (the same bytes). Read twice, each row of the
//! second would be reported as its own duplicate. The command line and the screen say what was left out in the
//! same words.

use std::path::{Path, PathBuf};

/// A file given again, left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Again {
    /// The same name given `times` times.
    Given { path: PathBuf, times: usize },
    /// Another name of a file given before (`first`).
    SameFile { again: PathBuf, first: PathBuf },
    /// Another file holding the same bytes as one given before (`first`).
    SameContent { again: PathBuf, first: PathBuf },
}

impl Again {
    /// What was left out, said with `verb` done once (「读」 and "read"): Chinese with the English after it in
    /// brackets, and the English alone. Paths as given.
    pub fn said(&self, (verb, verb_en): (&str, &str)) -> (String, String) {
        match self {
            Again::Given { path, times } => {
                let path = path.display();
                let (zh_times, en_times) = if *times == 2 {
                    ("两次".to_owned(), "twice".to_owned())
                } else {
                    (format!(" {times} 次"), format!("{times} times"))
                };
                let en = format!("{path} is given {en_times}: {verb_en} once");
                (format!("{path} 给了{zh_times}，只{verb}一次 ({en})"), en)
            }
            Again::SameFile { again, first } => {
                let (first, again) = (first.display(), again.display());
                let en = format!("{again} is the same file as {first}: {verb_en} once");
                (format!("{again} 与 {first} 是同一个文件，只{verb}一次 ({en})"), en)
            }
            Again::SameContent { again, first } => {
                let (first, again) = (first.display(), again.display());
                let en = format!("{again} holds the same bytes as {first}: {verb_en} once");
                (format!("{again} 与 {first} 内容完全相同，只{verb}一次 ({en})"), en)
            }
        }
    }

    /// The same, its paths named below `folder` (a screen's picker showed the files there).
    pub fn under(&self, folder: &Path) -> Again {
        let short = |path: &PathBuf| path.strip_prefix(folder).map_or_else(|_| path.clone(), Path::to_path_buf);
        match self {
            Again::Given { path, times } => Again::Given { path: short(path), times: *times },
            Again::SameFile { again, first } => Again::SameFile { again: short(again), first: short(first) },
            Again::SameContent { again, first } => Again::SameContent { again: short(again), first: short(first) },
        }
    }
}

/// The files to take, in the order given, and those left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnceEach {
    pub kept: Vec<PathBuf>,
    /// Another name or a copy in the order met, then each name given more than once.
    pub again: Vec<Again>,
}

/// Each file of `files` once: see the module.
pub fn once_each(files: &[PathBuf]) -> OnceEach {
    // Each file by what it is (see `FileIdentity`), with the name it was first given under and how often that
    // name was given.
    let mut seen: Vec<(FileIdentity, &PathBuf, usize)> = Vec::new();
    let mut out = OnceEach::default();
    for path in files {
        let real = FileIdentity::of(path);
        match seen.iter_mut().find(|(r, _, _)| *r == real) {
            Some((_, first, times)) if *first == path => *times += 1,
            Some((_, first, _)) => out.again.push(Again::SameFile { again: path.clone(), first: (*first).clone() }),
            // Two copies of one list (the one e-mailed and the one saved from it) are one list, whatever their
            // names: read twice, every row would be reported as its own duplicate.
            None => match out.kept.iter().find(|first| same_content(first, path)) {
                Some(first) => out.again.push(Again::SameContent { again: path.clone(), first: first.clone() }),
                None => {
                    seen.push((real, path, 1));
                    out.kept.push(path.clone());
                }
            },
        }
    }
    for (_, path, times) in seen.into_iter().filter(|(_, _, times)| *times > 1) {
        out.again.push(Again::Given { path: path.clone(), times });
    }
    out
}

/// Whether two regular files hold the same bytes, read side by side (a class list can be large: neither is
/// held whole). A file that cannot be read is nobody's copy: it goes on to be refused by name.
fn same_content(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(meta_a), Ok(meta_b)) = (std::fs::metadata(a), std::fs::metadata(b)) else { return false };
    if !meta_a.is_file() || !meta_b.is_file() || meta_a.len() != meta_b.len() {
        return false;
    }
    let (Ok(file_a), Ok(file_b)) = (std::fs::File::open(a), std::fs::File::open(b)) else { return false };
    let (mut read_a, mut read_b) = (std::io::BufReader::new(file_a), std::io::BufReader::new(file_b));
    let (mut buf_a, mut buf_b) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = match read_a.read(&mut buf_a) {
            Ok(0) => return true,
            Ok(n) => n,
            Err(_) => return false,
        };
        if read_b.read_exact(&mut buf_b[..n]).is_err() || buf_a[..n] != buf_b[..n] {
            return false;
        }
    }
}

/// What makes two paths one file. On unix its device and inode, which a hard link shares (its resolved path
/// does not); elsewhere, and for a path that cannot be read, the resolved path, which symlinks, `./` and
/// `sub/../` share.
#[derive(Debug, PartialEq, Eq)]
enum FileIdentity {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileIdentity {
    fn of(path: &Path) -> FileIdentity {
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(path) {
            use std::os::unix::fs::MetadataExt;
            return FileIdentity::Inode(meta.dev(), meta.ino());
        }
        FileIdentity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}
