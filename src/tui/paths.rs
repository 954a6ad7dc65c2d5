//! The import and export path prompts: what each is for, and Tab completion.

use std::path::{MAIN_SEPARATOR, Path};

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

/// Completes the last component of `typed` against the folder it names. Names compare without case, as
/// Windows does; hidden files are offered only when the typed part starts with a dot.
pub fn complete(typed: &str) -> Completion {
    let split = typed.rfind(['/', '\\']).map(|i| i + 1).unwrap_or(0);
    let (dir_part, stem) = typed.split_at(split);
    let dir = if dir_part.is_empty() { Path::new(".") } else { Path::new(dir_part) };
    let Ok(entries) = std::fs::read_dir(dir) else {
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

        let c = complete(&format!("{base}名"));
        assert_eq!(c.text, format!("{base}名单.csv"));
        assert!(c.candidates.is_empty());

        let c = complete(&format!("{base}三"));
        assert_eq!(c.text, format!("{base}三年级"));
        assert_eq!(c.candidates, vec!["三年级1班.xlsx", "三年级2班.xlsx"]);

        let c = complete(&format!("{base}备"));
        assert_eq!(c.text, format!("{base}备份{MAIN_SEPARATOR}"));

        let c = complete(&format!("{base}zzz"));
        assert_eq!(c.text, format!("{base}zzz"));
        assert!(c.candidates.is_empty());
    }
}
