//! Special categories (特殊人员类别) and the departments that certify them.
//!
//! The table is data (`data/categories.toml`): each category has the notices' name, the short forms operators
//! and class lists use, and the certifying department (认定部门). Which subsidy a category earns is not here:
//! that depends on the city and year, so it lives in the policy files.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::data_file::DataFileError;
use crate::data_file::Embedded;

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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
static BUILTIN: Embedded<CategoryTable, DataFileError> =
    Embedded::new(|| CategoryTable::from_toml(BUILTIN_TEXT, BUILTIN_FILE));

impl CategoryTable {
    /// The table shipped in the binary (`data/categories.toml`), parsed on first use.
    pub fn builtin() -> &'static CategoryTable {
        BUILTIN.get()
    }

    /// Why the shipped table could not be parsed (a broken build): the command line refuses to start on it.
    pub fn builtin_error() -> Option<&'static DataFileError> {
        BUILTIN.error()
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
    ///
    /// A word followed by a bracketed qualifier, as departments' lists write them (重度残疾（一级）, 脱贫户（已稳定脱贫）,
    /// full-width or ASCII brackets), is read as its category, the qualifier deciding where it names a category
    /// itself or with the word (已稳定脱贫 is 已稳定脱贫人员, not the wider 过渡期内脱贫人口; 一级 + 残疾 is 一级残疾).
    /// A disability graded 三级 or 四级 is 重度 only for a mental or intellectual disability: such a qualifier not
    /// naming a category leaves the word unknown, for the operator to ask.
    pub fn lookup(&self, name_or_alias: &str) -> Option<&Category> {
        let word = written_out(name_or_alias.trim());
        let word = word.as_ref();
        if let Some(&i) = self.index.get(word) {
            return Some(&self.categories[i]);
        }
        let (base, qualifier) = bracketed(word)?;
        let found = |w: &str| self.index.get(w).map(|&i| &self.categories[i]);
        // A multiple disability that includes a mental or intellectual one is 重度 whatever its grade (003 一: 三四级
        // 精神、智力残疾人 too); one that does not say so is left for the operator to ask, its grade unknown here.
        if matches!(base, "多重残疾" | "多重残疾人") {
            return ["精神", "智力"].iter().any(|k| qualifier.contains(k)).then(|| found("重度残疾人")).flatten();
        }
        if let Some(c) = found(qualifier).or_else(|| found(&format!("{qualifier}{base}"))) {
            return Some(c);
        }
        let base_category = found(base)?;
        let minor_grade = ["三级", "四级", "三、四级", "三四级"].iter().any(|g| qualifier.contains(g));
        if minor_grade && base.contains("残疾") {
            return None;
        }
        Some(base_category)
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

/// A category word as departments' lists shorten it, written out: 多重（智力、肢体） is 多重残疾（智力、肢体）, 多重 alone
/// 多重残疾 (the kind of 残疾人证 it names). Any other word as it is.
pub fn written_out(word: &str) -> std::borrow::Cow<'_, str> {
    match word.strip_prefix("多重") {
        Some(rest) if rest.is_empty() || rest.starts_with(['（', '(']) => format!("多重残疾{rest}").into(),
        _ => word.into(),
    }
}

/// A word and its bracketed qualifier at the end (重度残疾（一级） → 重度残疾, 一级), both trimmed and neither empty.
fn bracketed(word: &str) -> Option<(&str, &str)> {
    let inner = word.strip_suffix('）').or_else(|| word.strip_suffix(')'))?;
    let open = inner.rfind(['（', '('])?;
    let base = inner[..open].trim();
    let qualifier = inner[open..].trim_start_matches(['（', '(']).trim();
    (!base.is_empty() && !qualifier.is_empty()).then_some((base, qualifier))
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}认定）", self.name, self.department)
    }
}

/// Category cells list one or several names: 低保、监测户 / 低保,孤儿. A separator inside brackets is part of the
/// name (多重（智力、肢体）: one disability of two kinds), not between two names.
pub fn split_cell(text: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    text.split(move |c: char| {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | ' ' | '\u{3000}')
    })
    .map(str::trim)
    .filter(|w| !w.is_empty() && !matches!(*w, "无" | "否" | "-" | "—"))
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
            // 003 四(三)1 and DOMAIN's order of full subsidies say 脱贫 alone.
            ("脱贫", "过渡期内脱贫人口", "乡村振兴"),
            // No notice names 贫困户 (the old 建档立卡 word); the closest category the notices name.
            ("贫困户", "过渡期内脱贫人口", "乡村振兴"),
            ("建档立卡贫困户", "过渡期内脱贫人口", "乡村振兴"),
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
    fn words_of_the_departments_own_lists_resolve() {
        // 民政's lists say which 低保 or 特困 (城市/农村, 供养); 乡村振兴's older lists say 建档立卡.
        let table = CategoryTable::builtin();
        let cases = [
            ("城市低保对象", "低保对象"),
            ("农村低保", "低保对象"),
            ("农村低保对象", "低保对象"),
            ("城乡低保", "低保对象"),
            ("城镇低保", "低保对象"),
            ("特困供养", "特困人员"),
            ("农村特困", "特困人员"),
            ("城市特困", "特困人员"),
            ("城市特困人员", "特困人员"),
            ("建档立卡", "过渡期内脱贫人口"),
        ];
        for (word, name) in cases {
            assert_eq!(table.lookup(word).map(|c| c.name.as_str()), Some(name), "{word}");
        }
        // Words that could be more than one category stay unknown, for the operator to ask.
        for word in ["困难", "低收入", "贫困生", "城市", "农村"] {
            assert!(table.lookup(word).is_none(), "{word}");
        }
    }

    #[test]
    fn a_word_with_a_bracketed_qualifier_is_its_category() {
        let table = CategoryTable::builtin();
        let name = |w: &str| table.lookup(w).map(|c| c.name.as_str());
        assert_eq!(name("重度残疾（一级）"), Some("重度残疾人"));
        assert_eq!(name("残疾(二级)"), Some("重度残疾人"));
        assert_eq!(name("脱贫户（已稳定脱贫）"), Some("已稳定脱贫人员"));
        assert_eq!(name("脱贫户（脱贫不稳定户）"), Some("防止返贫监测对象"));
        assert_eq!(name("脱贫户（脱贫不稳定）"), Some("防止返贫监测对象"));
        assert_eq!(name("脱贫户（ 过渡期 ）"), Some("过渡期内脱贫人口"));
        assert_eq!(name("低保（城市）"), Some("低保对象"));
        // A grade 3 or 4 disability is 重度 only as a mental or intellectual one: not guessed from the word.
        assert_eq!(name("残疾（三级）"), None);
        assert_eq!(name("残疾（四级肢体）"), None);
        assert_eq!(name("贫困生（一级）"), None);
        assert_eq!(name("（一级）"), None);
        assert_eq!(name("重度残疾（）"), None);
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

    /// 多重（智力、肢体）, as a department writes a multiple disability without 残疾, is 多重残疾 (and so 重度残疾人, an
    /// intellectual disability among its kinds), where before it was an unknown category; one of no mental or
    /// intellectual kind stays unknown (its grade decides), and words only beginning 多重 are left alone.
    #[test]
    fn a_multiple_disability_written_without_its_noun_is_read_as_one() {
        let table = CategoryTable::builtin();
        for word in ["多重（智力、肢体）", "多重(精神,视力)", "多重残疾（智力、肢体）", " 多重残疾人（精神） "]
        {
            assert_eq!(table.lookup(word).map(|c| c.name.as_str()), Some("重度残疾人"), "{word}");
        }
        assert!(table.lookup("多重（肢体、视力）").is_none());
        assert_eq!(written_out("多重"), "多重残疾");
        assert_eq!(written_out("多重（智力、肢体）"), "多重残疾（智力、肢体）");
        assert_eq!(written_out("多重身份"), "多重身份");
    }
}
