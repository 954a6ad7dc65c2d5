//! Special categories (特殊人员类别) and the departments that certify them.
//!
//! The table is data (`data/categories.toml`): each category has the notices' name, the short forms operators
//! and class lists use, and the certifying department (认定部门). Which subsidy a category earns is not here:
//! that depends on the city and year, so it lives in the policy files (see [`crate::domain::policy`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// One special category, e.g. 低保对象 certified by 民政.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The notices' word, used as the canonical name everywhere (policy files, roster, exports).
    pub name: String,
    /// Short or older forms (低保, 特困, 监测户 …) accepted wherever a category is typed or imported.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The certifying department (认定部门): 民政, 卫健, 乡村振兴, 残联, 退役军人事务 …
    pub department: String,
    /// What the category covers, in the notices' words.
    #[serde(default)]
    pub description: String,
}

/// The category table: the builtin one, or one parsed from a provided file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryTable {
    categories: Vec<Category>,
    index: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    #[serde(default)]
    category: Vec<Category>,
}

const BUILTIN_FILE: &str = "data/categories.toml";
const BUILTIN_TEXT: &str = include_str!("../../data/categories.toml");

impl CategoryTable {
    /// The table shipped in the binary (`data/categories.toml`), parsed on first use.
    pub fn builtin() -> &'static CategoryTable {
        static TABLE: OnceLock<CategoryTable> = OnceLock::new();
        TABLE.get_or_init(|| match CategoryTable::from_toml(BUILTIN_TEXT, BUILTIN_FILE) {
            Ok(table) => table,
            // The builtin file is checked by the unit tests, so this can only fire on a broken build.
            Err(err) => panic!("{err}"),
        })
    }

    /// Parses a category table; `file` names the source in error messages.
    pub fn from_toml(text: &str, file: &str) -> Result<CategoryTable, DataFileError> {
        let parsed: CategoryFile = toml::from_str(text).map_err(|e| DataFileError::from_toml(file, text, &e))?;
        let mut categories = Vec::with_capacity(parsed.category.len());
        let mut index = HashMap::new();
        for (i, mut category) in parsed.category.into_iter().enumerate() {
            let invalid = |key: &str, zh: String, en: String| {
                let path = format!("category[{i}].{key}");
                DataFileError::invalid(file, text, &path, zh, en)
            };
            category.name = category.name.trim().to_owned();
            category.department = category.department.trim().to_owned();
            if category.name.is_empty() {
                return Err(invalid("name", "类别名称不能为空".into(), "the category name is empty".into()));
            }
            if category.department.is_empty() {
                return Err(invalid(
                    "department",
                    format!("类别“{}”没有认定部门", category.name),
                    format!("category {} has no certifying department", category.name),
                ));
            }
            for alias in &mut category.aliases {
                *alias = alias.trim().to_owned();
            }
            category.aliases.retain(|a| !a.is_empty());
            let words =
                std::iter::once((&category.name, "name")).chain(category.aliases.iter().map(|a| (a, "aliases")));
            for (word, key) in words {
                match index.get(word.as_str()) {
                    Some(&other) if other != i => {
                        let other: &Category = &categories[other];
                        return Err(invalid(
                            key,
                            format!("“{word}”同时属于类别“{}”和“{}”", other.name, category.name),
                            format!("'{word}' belongs to both {} and {}", other.name, category.name),
                        ));
                    }
                    _ => {
                        index.insert(word.clone(), i);
                    }
                }
            }
            categories.push(category);
        }
        Ok(CategoryTable { categories, index })
    }

    /// Finds a category by its name or any alias, ignoring surrounding whitespace (full-width spaces too).
    pub fn lookup(&self, name_or_alias: &str) -> Option<&Category> {
        self.index.get(name_or_alias.trim()).map(|&i| &self.categories[i])
    }

    /// Every category, in file order.
    pub fn all(&self) -> &[Category] {
        &self.categories
    }

    /// The canonical names, in file order: what an "unknown category" message lists.
    pub fn names(&self) -> Vec<&str> {
        self.categories.iter().map(|c| c.name.as_str()).collect()
    }

    /// Position of a canonical name in the table, used to break ties in a stable, file-defined order.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name.trim()).copied()
    }
}

/// A data file (category table, policy) that cannot be used. Always names the file and, where known, the key
/// and line, so whoever edits the file can find the mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataFileError {
    /// Not valid TOML, or not the expected shape (unknown key, wrong type, missing key). `message` is the TOML
    /// parser's own text.
    #[error("数据文件 {file} 格式有误{}：{message}", located(key, *line))]
    Parse { file: String, key: String, line: Option<usize>, message: String },
    /// Valid TOML whose content breaks a rule (a date range backwards, a percentage over 100 …).
    #[error("数据文件 {file} 内容有误{}：{message_zh}", located(key, *line))]
    Invalid { file: String, key: String, line: Option<usize>, message_zh: String, message_en: String },
    /// The file or directory could not be read.
    #[error("无法读取数据文件 {file}：{message}")]
    Read { file: String, message: String },
}

fn located(key: &str, line: Option<usize>) -> String {
    match (key.is_empty(), line) {
        (true, None) => String::new(),
        (true, Some(line)) => format!("（第 {line} 行）"),
        (false, None) => format!("（键 {key}）"),
        (false, Some(line)) => format!("（键 {key}，第 {line} 行）"),
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

    /// The same error in English.
    pub fn message_en(&self) -> String {
        let at = |key: &str, line: Option<usize>| match (key.is_empty(), line) {
            (true, None) => String::new(),
            (true, Some(line)) => format!(" (line {line})"),
            (false, None) => format!(" (key {key})"),
            (false, Some(line)) => format!(" (key {key}, line {line})"),
        };
        match self {
            DataFileError::Parse { file, key, line, message } => {
                format!("data file {file} is malformed{}: {message}", at(key, *line))
            }
            DataFileError::Invalid { file, key, line, message_en, .. } => {
                format!("data file {file} is invalid{}: {message_en}", at(key, *line))
            }
            DataFileError::Read { file, message } => format!("cannot read data file {file}: {message}"),
        }
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

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}认定）", self.name, self.department)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses() {
        let table = CategoryTable::builtin();
        assert!(table.all().len() >= 16);
        for category in table.all() {
            assert!(!category.department.is_empty(), "{} has no department", category.name);
        }
    }

    #[test]
    fn every_category_word_in_the_notices_is_known() {
        // The categories listed in DOMAIN.md "Special categories", from 002 一, 003 一, 001 附件1 二(二)/四,
        // 000 附件二(五), 004 附件.
        let table = CategoryTable::builtin();
        for name in [
            "特困人员",
            "孤儿",
            "事实无人抚养儿童",
            "低保对象",
            "低保边缘家庭未成年人",
            "计生对象",
            "过渡期内脱贫人口",
            "已稳定脱贫人员",
            "防止返贫监测对象",
            "返贫致贫人口",
            "重度残疾人",
            "重度精神病人",
            "重点优抚对象",
            "军休干部家属",
            "失地农民",
            "医疗救助对象",
        ] {
            let found = table.lookup(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(found.name, name);
        }
    }

    #[test]
    fn short_forms_resolve_to_the_notices_word() {
        let table = CategoryTable::builtin();
        let cases = [
            ("低保", "低保对象", "民政"),
            ("特困", "特困人员", "民政"),
            // 000 附件二(五) says 监测户; 001 附件1 二(二) says 防止返贫监测对象.
            ("监测户", "防止返贫监测对象", "乡村振兴"),
            ("监测对象", "防止返贫监测对象", "乡村振兴"),
            // 001 附件1 二(二): the three kinds of 监测对象.
            ("边缘易致贫户", "防止返贫监测对象", "乡村振兴"),
            // 002 一 says 脱贫户.
            ("脱贫户", "过渡期内脱贫人口", "乡村振兴"),
            ("残疾", "重度残疾人", "残联"),
            // 003 一: 城乡困难低收入家庭…未成年人 is 民政's.
            ("困难低收入家庭未成年人", "低保边缘家庭未成年人", "民政"),
            ("独生子女户", "计生对象", "卫健"),
            ("优抚对象", "重点优抚对象", "退役军人事务"),
        ];
        for (alias, name, department) in cases {
            let found = table.lookup(alias).unwrap_or_else(|| panic!("{alias} missing"));
            assert_eq!((found.name.as_str(), found.department.as_str()), (name, department), "{alias}");
        }
    }

    #[test]
    fn lookup_trims_and_rejects_unknown_words() {
        let table = CategoryTable::builtin();
        assert_eq!(table.lookup(" 低保\u{3000}").map(|c| c.name.as_str()), Some("低保对象"));
        assert!(table.lookup("贫困生").is_none());
        assert!(table.lookup("").is_none());
    }

    #[test]
    fn an_alias_claimed_twice_is_an_error() {
        let text = "[[category]]\nname = \"甲\"\naliases = [\"x\"]\ndepartment = \"民政\"\n\n[[category]]\nname = \"乙\"\naliases = [\"x\"]\ndepartment = \"民政\"\n";
        let err = CategoryTable::from_toml(text, "cats.toml").unwrap_err();
        assert_eq!(err.file(), "cats.toml");
        assert_eq!(err.key(), "category[1].aliases");
        assert!(err.to_string().contains("第 8 行"), "{err}");
    }

    #[test]
    fn malformed_category_file_names_file_and_key() {
        let unknown = "[[category]]\nname = \"甲\"\ndepartment = \"民政\"\nsubsidy = 1\n";
        let err = CategoryTable::from_toml(unknown, "cats.toml").unwrap_err();
        assert_eq!(err.key(), "category[0].subsidy");
        assert!(err.to_string().contains("cats.toml"), "{err}");
        assert!(err.to_string().contains("第 4 行"), "{err}");

        let missing = "[[category]]\nname = \"甲\"\n";
        let err = CategoryTable::from_toml(missing, "cats.toml").unwrap_err();
        assert_eq!(err.key(), "category[0].department");

        let wrong_type = "[[category]]\nname = \"甲\"\ndepartment = \"民政\"\naliases = \"甲乙\"\n";
        let err = CategoryTable::from_toml(wrong_type, "cats.toml").unwrap_err();
        assert_eq!(err.key(), "category[0].aliases");
        assert!(err.message_en().contains("cats.toml"));
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
}
