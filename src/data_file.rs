//! The data files canbao reads (policies, categories, headers, keymap, themes, templates): the error that names
//! the file, key and line of a mistake.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A data file embedded in the binary (`include_str!`), parsed on first use. The unit tests parse every
/// embedded file, so a broken one can only come from a broken build: it then stands as `T::default()` and keeps
/// its error, and the command line refuses to start on that error (`cli::main` asks every embedded file first),
/// as it refuses a broken file in the config folder. Nothing panics.
pub struct Embedded<T, E> {
    parse: fn() -> Result<T, E>,
    parsed: OnceLock<(T, Option<E>)>,
}

impl<T: Default, E> Embedded<T, E> {
    pub const fn new(parse: fn() -> Result<T, E>) -> Self {
        Embedded { parse, parsed: OnceLock::new() }
    }

    fn parsed(&self) -> &(T, Option<E>) {
        self.parsed.get_or_init(|| match (self.parse)() {
            Ok(value) => (value, None),
            Err(error) => (T::default(), Some(error)),
        })
    }

    /// The parsed file.
    pub fn get(&self) -> &T {
        &self.parsed().0
    }

    /// Why the embedded file could not be parsed, if it could not.
    pub fn error(&self) -> Option<&E> {
        self.parsed().1.as_ref()
    }
}

/// A data file (category table, policy) that cannot be used. Always names the file and, where known, the key
/// and line, so whoever edits the file can find the mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFileError {
    /// Not valid TOML, or not the expected shape (unknown key, wrong type, missing key). `message` is the TOML
    /// parser's own text.
    Parse { file: String, key: String, line: Option<usize>, message: String },
    /// Valid TOML whose content breaks a rule (a date range backwards, a percentage over 100 …).
    Invalid { file: String, key: String, line: Option<usize>, message_zh: String, message_en: String },
    /// The file or directory could not be read.
    Read { file: String, message: String },
}

impl std::fmt::Display for DataFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said("数据文件", false))
    }
}

impl std::error::Error for DataFileError {}

/// Where in the file the mistake is, as far as known (the key, the line), in Chinese or in English.
fn located(key: &str, line: Option<usize>, en: bool) -> String {
    match (key.is_empty(), line, en) {
        (true, None, _) => String::new(),
        (true, Some(line), false) => format!("（第 {line} 行）"),
        (true, Some(line), true) => format!(" (line {line})"),
        (false, None, false) => format!("（键 {key}）"),
        (false, None, true) => format!(" (key {key})"),
        (false, Some(line), false) => format!("（键 {key}，第 {line} 行）"),
        (false, Some(line), true) => format!(" (key {key}, line {line})"),
    }
}

impl DataFileError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            DataFileError::Parse { file, .. }
            | DataFileError::Invalid { file, .. }
            | DataFileError::Read { file, .. } => file,
        }
    }

    /// The key path (e.g. `category."低保对象".subsidy_percent`), empty when the error is not about one key.
    pub fn key(&self) -> &str {
        match self {
            DataFileError::Parse { key, .. } | DataFileError::Invalid { key, .. } => key,
            DataFileError::Read { .. } => "",
        }
    }

    /// The error with the file called what it is, in Chinese and in English (`政策文件`, "policy file"): to the
    /// operator a 数据文件 is the drive.
    pub fn named_as(&self, zh: &str, en: &str) -> (String, String) {
        (self.said(zh, false), self.said(en, true))
    }

    /// The error with the file called `noun`, in English (`en`) or in Chinese.
    fn said(&self, noun: &str, en: bool) -> String {
        match self {
            DataFileError::Parse { file, key, line, message } => {
                let at = located(key, *line, en);
                if en {
                    format!("{noun} {file} is malformed{at}: {message}")
                } else {
                    format!("{noun} {file} 格式有误{at}：{message}")
                }
            }
            DataFileError::Invalid { file, key, line, message_zh, message_en } => {
                let at = located(key, *line, en);
                if en {
                    format!("{noun} {file} is invalid{at}: {message_en}")
                } else {
                    format!("{noun} {file} 内容有误{at}：{message_zh}")
                }
            }
            DataFileError::Read { file, message } if en => format!("cannot read {noun} {file}: {message}"),
            DataFileError::Read { file, message } => format!("无法读取{noun} {file}：{message}"),
        }
    }

    /// The same error in English.
    pub fn message_en(&self) -> String {
        self.said("data file", true)
    }

    /// Wraps a TOML error, recovering the key path from the error's position in `text`: the toml crate keeps
    /// the path private, and a bare "invalid type" is useless without it.
    pub(crate) fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> DataFileError {
        let message = err.message().trim().to_owned();
        let (mut key, line) = match err.span() {
            Some(span) => {
                let (path, line) = key_path_at(text, span.start);
                (path, Some(line))
            }
            None => (String::new(), None),
        };
        // A missing key has no position of its own: toml points at the table that lacks it.
        if let Some(missing) = backticked(&message, "missing field `") {
            let table = match err.span() {
                Some(span) if line_is_header(text, span.start) => key,
                _ => String::new(),
            };
            key = join_key(&table, &render_segment(missing));
        }
        DataFileError::Parse { file: file.to_owned(), key, line, message }
    }

    /// A content error about `key` (a rendered key path); the line is looked up in `text` when it can be found.
    pub(crate) fn invalid(file: &str, text: &str, key: &str, message_zh: String, message_en: String) -> DataFileError {
        DataFileError::Invalid {
            file: file.to_owned(),
            key: key.to_owned(),
            line: line_of_key(text, key),
            message_zh,
            message_en,
        }
    }
}

fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Renders one key segment the way it would be written in TOML: bare when it can be, quoted otherwise.
pub(crate) fn render_segment(segment: &str) -> String {
    let bare = !segment.is_empty() && segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { segment.to_owned() } else { format!("\"{segment}\"") }
}

fn join_key(table: &str, key: &str) -> String {
    match (table.is_empty(), key.is_empty()) {
        (true, _) => key.to_owned(),
        (false, true) => table.to_owned(),
        (false, false) => format!("{table}.{key}"),
    }
}

/// Splits a dotted TOML key (`a."b.c".d`) into its segments.
fn split_dotted(key: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in key.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '.') => segments.push(std::mem::take(&mut current).trim().to_owned()),
            (None, c) => current.push(c),
        }
    }
    segments.push(current.trim().to_owned());
    segments
}

/// Where a line's key ends: the first `=` outside quotes, if any.
fn key_part(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return None,
            (None, '=') => return Some(&line[..i]),
            _ => {}
        }
    }
    None
}

/// A table header's dotted key and whether it is an array of tables.
fn header(line: &str) -> Option<(String, bool)> {
    let line = line.trim_start();
    let (inner, array) = if let Some(rest) = line.strip_prefix("[[") {
        (rest.split("]]").next()?, true)
    } else if let Some(rest) = line.strip_prefix('[') {
        (rest.split(']').next()?, false)
    } else {
        return None;
    };
    let rendered: Vec<String> = split_dotted(inner).iter().map(|s| render_segment(s)).collect();
    Some((rendered.join("."), array))
}

fn line_is_header(text: &str, offset: usize) -> bool {
    let line_no = line_index(text, offset);
    text.lines().nth(line_no).is_some_and(|l| header(l).is_some())
}

fn line_index(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// The full key path of every line (tables, array indexes, the line's own key) and the 1-based line number.
fn line_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut table = String::new();
    let mut array_counts: HashMap<String, usize> = HashMap::new();
    let mut last_key = String::new();
    for line in text.lines() {
        if let Some((name, array)) = header(line) {
            table = if array {
                let n = array_counts.entry(name.clone()).or_insert(0);
                *n += 1;
                format!("{name}[{}]", *n - 1)
            } else {
                name
            };
            last_key.clear();
            paths.push(table.clone());
            continue;
        }
        let trimmed = line.trim();
        if let Some(key) = key_part(line) {
            let rendered: Vec<String> = split_dotted(key).iter().map(|s| render_segment(s)).collect();
            last_key = rendered.join(".");
            paths.push(join_key(&table, &last_key));
        } else if trimmed.is_empty() || trimmed.starts_with('#') {
            last_key.clear();
            paths.push(table.clone());
        } else {
            // A continuation line of a multi-line array or string belongs to the key that opened it.
            paths.push(join_key(&table, &last_key));
        }
    }
    paths
}

/// The key path and 1-based line number at a byte offset of `text`.
fn key_path_at(text: &str, offset: usize) -> (String, usize) {
    let line = line_index(text, offset);
    let path = line_paths(text).into_iter().nth(line).unwrap_or_default();
    (path, line + 1)
}

/// The 1-based line where `key` is set (or, for a table, its header), if the text has one.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let paths = line_paths(text);
    paths.iter().position(|p| p == key).map(|i| i + 1).or_else(|| {
        // A key that is absent (e.g. a required value left out) is reported at its table's header.
        let table = key.rsplit_once('.').map(|(t, _)| t)?;
        paths.iter().position(|p| p == table).map(|i| i + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_embedded_file_stands_as_the_default_and_keeps_its_error() {
        static BROKEN: Embedded<Vec<u8>, String> = Embedded::new(|| Err("data/x.toml: line 3".into()));
        static FINE: Embedded<Vec<u8>, String> = Embedded::new(|| Ok(vec![1, 2]));
        assert!(BROKEN.get().is_empty());
        assert_eq!(BROKEN.error().map(String::as_str), Some("data/x.toml: line 3"));
        assert_eq!(FINE.get(), &[1, 2]);
        assert_eq!(FINE.error(), None);
    }

    #[test]
    fn key_paths_follow_tables_arrays_and_continuation_lines() {
        let text = "a = 1\n[t.\"低保\"]\nb = [\n  1,\n]\n[[w]]\nc = 2\n[[w]]\nc = 3\n";
        let paths = line_paths(text);
        assert_eq!(
            paths,
            ["a", "t.\"低保\"", "t.\"低保\".b", "t.\"低保\".b", "t.\"低保\".b", "w[0]", "w[0].c", "w[1]", "w[1].c"]
        );
        assert_eq!(line_of_key(text, "w[1].c"), Some(9));
        assert_eq!(line_of_key(text, "t.\"低保\".missing"), Some(2));
    }

    /// Each error says the file, the key and line as far as known, and the parser's or the rule's words, in Chinese
    /// and in English, under the name its caller gives the file.
    #[test]
    fn an_error_names_file_key_and_line_in_both_languages() {
        let parse = |key: &str, line| DataFileError::Parse {
            file: "p.toml".into(),
            key: key.into(),
            line,
            message: "expected `=`".into(),
        };
        let said = |e: &DataFileError| e.named_as("政策文件", "policy file");
        assert_eq!(
            said(&parse("", None)),
            ("政策文件 p.toml 格式有误：expected `=`".into(), "policy file p.toml is malformed: expected `=`".into())
        );
        assert_eq!(
            said(&parse("", Some(3))),
            (
                "政策文件 p.toml 格式有误（第 3 行）：expected `=`".into(),
                "policy file p.toml is malformed (line 3): expected `=`".into()
            )
        );
        let invalid = DataFileError::Invalid {
            file: "c.toml".into(),
            key: "category.低保".into(),
            line: None,
            message_zh: "比例超过 100".into(),
            message_en: "over 100 percent".into(),
        };
        assert_eq!(invalid.to_string(), "数据文件 c.toml 内容有误（键 category.低保）：比例超过 100");
        assert_eq!(invalid.message_en(), "data file c.toml is invalid (key category.低保): over 100 percent");
        assert_eq!(said(&parse("a.b", Some(7))).1, "policy file p.toml is malformed (key a.b, line 7): expected `=`");
        assert_eq!(said(&parse("a.b", Some(7))).0, "政策文件 p.toml 格式有误（键 a.b，第 7 行）：expected `=`");
        let read = DataFileError::Read { file: "x.toml".into(), message: "denied".into() };
        assert_eq!(
            said(&read),
            ("无法读取政策文件 x.toml：denied".into(), "cannot read policy file x.toml: denied".into())
        );
    }
}
