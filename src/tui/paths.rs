//! The import and export path prompts: what each is for, a leading `~` in a typed path, and Tab completion.

use std::path::{MAIN_SEPARATOR, Path, PathBuf, is_separator};

use super::palette::Form;
use crate::io::reconcile::Source;

/// What a path prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    Import,
    /// The student information sheet: a file.
    Export,
    /// Another form: a folder its files go into.
    ExportForm(Form),
    Reconcile(Source),
    /// Another laptop's drive file.
    Merge,
    /// One of the drive's backups, to put in place of the drive.
    Restore,
}

/// The result of completing a partly typed path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// The text with the common part of every candidate filled in.
    pub text: String,
    /// Names in the folder that match, folders ending in the separator; empty when there was one match.
    pub candidates: Vec<String>,
}

/// A path typed or pasted into the screen (the export prompt, the picker's field): quotes and a file manager's
/// `file://` taken off (`clean_typed_path`), and a leading `~` or `~/` read as `home`. The command line gets
/// the home folder from the shell, but no shell reads what is typed here: a `~` taken as a name would put an
/// export (whole ID numbers) in a folder called `~` wherever canbao runs.
pub fn typed_path(text: &str, home: Option<&Path>) -> PathBuf {
    let path = clean_typed_path(text);
    match path.to_str() {
        Some(text) => with_home(text, home),
        None => path,
    }
}

fn with_home(text: &str, home: Option<&Path>) -> PathBuf {
    match (after_tilde(text), home) {
        (Some(""), Some(home)) => home.to_path_buf(),
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(text),
    }
}

/// What follows a leading `~` and its separators (`""` for `~` alone); None when the text does not start with
/// one. `~name` (another user's home to a shell) is a name like any other here.
fn after_tilde(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('~')?;
    (rest.is_empty() || rest.starts_with(is_separator)).then(|| rest.trim_start_matches(is_separator))
}

/// A path as pasted from a file manager: quotes, a `file://` prefix, surrounding spaces removed.
fn clean_typed_path(text: &str) -> PathBuf {
    let t = text.trim();
    let t = t.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(t);
    let t = t.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')).unwrap_or(t);
    match t.strip_prefix("file://") {
        // A file manager's URL: its bytes are percent-encoded (Chinese names arrive as %E4%B8%80…).
        Some(url) => PathBuf::from(percent_decoded(url.trim())),
        None => PathBuf::from(t.trim()),
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The operator's home folder, which a typed `~` means.
pub fn home_folder() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

/// Completes the last component of `typed` against the folder it names (a leading `~` being `home`, kept as
/// typed). Names compare without case, as Windows does; hidden files are offered only when the typed part starts
/// with a dot.
pub fn complete(typed: &str, home: Option<&Path>) -> Completion {
    if typed == "~" && home.is_some() {
        return Completion { text: format!("~{MAIN_SEPARATOR}"), candidates: Vec::new() };
    }
    let split = typed.rfind(['/', '\\']).map(|i| i + 1).unwrap_or(0);
    let (dir_part, stem) = typed.split_at(split);
    let dir = if dir_part.is_empty() { PathBuf::from(".") } else { with_home(dir_part, home) };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Completion { text: typed.to_owned(), candidates: Vec::new() };
    };
    let lower = stem.to_lowercase();
    let mut matches: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.to_lowercase().starts_with(&lower) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(if is_dir { format!("{name}{MAIN_SEPARATOR}") } else { name })
        })
        .collect();
    matches.sort();
    let common = match matches.as_slice() {
        [] => stem.to_owned(),
        [only] => only.clone(),
        [first, rest @ ..] => {
            let mut prefix: Vec<char> = first.chars().collect();
            for m in rest {
                let shared =
                    prefix.iter().zip(m.chars()).take_while(|(a, b)| a.to_lowercase().eq(b.to_lowercase())).count();
                prefix.truncate(shared);
            }
            let prefix: String = prefix.into_iter().collect();
            if prefix.chars().count() >= stem.chars().count() { prefix } else { stem.to_owned() }
        }
    };
    let candidates = if matches.len() > 1 { matches } else { Vec::new() };
    Completion { text: format!("{dir_part}{common}"), candidates }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_unique_and_common_prefixes() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["三年级1班.xlsx", "三年级2班.xlsx", "名单.csv"] {
            std::fs::write(dir.path().join(name), "").expect("write");
        }
        std::fs::create_dir(dir.path().join("备份")).expect("mkdir");
        let base = format!("{}{MAIN_SEPARATOR}", dir.path().display());

        let c = complete(&format!("{base}名"), None);
        assert_eq!(c.text, format!("{base}名单.csv"));
        assert!(c.candidates.is_empty());

        let c = complete(&format!("{base}三"), None);
        assert_eq!(c.text, format!("{base}三年级"));
        assert_eq!(c.candidates, vec!["三年级1班.xlsx", "三年级2班.xlsx"]);

        let c = complete(&format!("{base}备"), None);
        assert_eq!(c.text, format!("{base}备份{MAIN_SEPARATOR}"));

        let c = complete(&format!("{base}zzz"), None);
        assert_eq!(c.text, format!("{base}zzz"));
        assert!(c.candidates.is_empty());
    }

    #[test]
    fn a_leading_tilde_is_the_home_folder() {
        let home = Path::new("/home/operator");
        let sep = MAIN_SEPARATOR;
        assert_eq!(typed_path("~/桌面/名单.xlsx", Some(home)), home.join("桌面/名单.xlsx"));
        assert_eq!(typed_path(&format!("~{sep}good.csv"), Some(home)), home.join("good.csv"));
        assert_eq!(typed_path("~", Some(home)), home);
        assert_eq!(typed_path(" '~/一班.csv' ", Some(home)), home.join("一班.csv"), "pasted with quotes");
        // A shell's other-user form, and a `~` inside a name, are names.
        assert_eq!(typed_path("~bob/a.csv", Some(home)), PathBuf::from("~bob/a.csv"));
        assert_eq!(typed_path("a/~/b.csv", Some(home)), PathBuf::from("a/~/b.csv"));
        assert_eq!(typed_path("~/a.csv", None), PathBuf::from("~/a.csv"), "no home known: left as typed");
    }

    #[test]
    fn tab_completes_under_the_home_folder_and_keeps_the_tilde() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(home.path().join("桌面")).expect("mkdir");
        std::fs::write(home.path().join("桌面").join("名单.xlsx"), "").expect("write");
        let sep = MAIN_SEPARATOR;
        assert_eq!(complete("~", Some(home.path())).text, format!("~{sep}"));
        assert_eq!(complete(&format!("~{sep}桌"), Some(home.path())).text, format!("~{sep}桌面{sep}"));
        assert_eq!(
            complete(&format!("~{sep}桌面{sep}名"), Some(home.path())).text,
            format!("~{sep}桌面{sep}名单.xlsx")
        );
    }

    #[test]
    fn pasted_paths_lose_their_quotes() {
        assert_eq!(clean_typed_path("'/tmp/一班 名单.xlsx'"), PathBuf::from("/tmp/一班 名单.xlsx"));
        assert_eq!(clean_typed_path("\"C:\\名单.csv\" "), PathBuf::from("C:\\名单.csv"));
        assert_eq!(clean_typed_path("file:///tmp/a.csv"), PathBuf::from("/tmp/a.csv"));
        assert_eq!(
            clean_typed_path("file:///tmp/%E4%B8%80%E7%8F%AD%20a.csv"),
            PathBuf::from("/tmp/一班 a.csv"),
            "a file manager's URL is decoded"
        );
    }
}
