//! Pinyin of a pupil's name for searching: full syllables ("zhangsan") and initials ("zs"). The surname is read
//! as a surname (单 shan, 曾 zeng, 区 ou …, from `data/surnames.toml`); a given-name character with several
//! readings contributes each, up to a small number of variants, so the operator finds 长乐 as changle or zhangle.

use std::collections::HashMap;
use std::sync::OnceLock;

use pinyin::{ToPinyin, ToPinyinMulti};
use serde::Deserialize;

/// At most this many readings of a whole name are kept; names with many ambiguous characters are rare and a
/// few variants already cover the common readings.
const MAX_VARIANTS: usize = 4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurnameFile {
    surnames: HashMap<String, String>,
}

fn surnames() -> &'static HashMap<String, String> {
    static TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file is part of the binary and covered by a test, so a parse failure cannot reach a user.
        toml::from_str::<SurnameFile>(include_str!("../../data/surnames.toml")).map(|f| f.surnames).unwrap_or_default()
    })
}

/// Searchable readings of a name: each string holds the variants separated by a space.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameKeys {
    pub pinyin: String,
    pub initials: String,
}

/// Readings of one character: a Latin letter or digit reads as itself, lower-cased; punctuation such as the
/// middle dot in minority names reads as nothing.
fn readings(c: char) -> Vec<&'static str> {
    if let Some(multi) = c.to_pinyin_multi() {
        let mut out: Vec<&'static str> = multi.into_iter().map(|p| p.plain()).collect();
        out.dedup();
        if out.is_empty()
            && let Some(p) = c.to_pinyin()
        {
            out.push(p.plain());
        }
        return out;
    }
    Vec::new()
}

pub fn name_keys(name: &str) -> NameKeys {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let table = surnames();
    // Each position's readings, most common first: the surname table's reading for the surname, the
    // everyday reading for an unlisted surname, and at most two readings for a given-name character.
    let mut positions: Vec<Vec<String>> = Vec::with_capacity(chars.len());
    let mut start = 0;
    for len in [2, 1] {
        if chars.len() > len || (len == 1 && !chars.is_empty()) {
            let head: String = chars[..len].iter().collect();
            if let Some(reading) = table.get(&head) {
                // A two-character surname is one position ("ouyang"); its initials come from surname_initials.
                positions.push(vec![reading.clone()]);
                start = len;
                break;
            }
        }
    }
    let surname_len = start;
    for (i, &c) in chars.iter().enumerate().skip(start) {
        let mut options: Vec<String> = if c.is_ascii_alphanumeric() {
            vec![c.to_ascii_lowercase().to_string()]
        } else {
            readings(c).into_iter().map(str::to_owned).collect()
        };
        let keep = if i == 0 { 1 } else { 2 };
        options.truncate(keep);
        if !options.is_empty() {
            positions.push(options);
        }
    }
    // The all-common reading first, then each single alternative, up to MAX_VARIANTS.
    let primary: Vec<&str> = positions.iter().map(|o| o[0].as_str()).collect();
    let mut combos: Vec<Vec<&str>> = vec![primary.clone()];
    for (i, options) in positions.iter().enumerate() {
        for alt in options.iter().skip(1) {
            if combos.len() >= MAX_VARIANTS {
                break;
            }
            let mut combo = primary.clone();
            combo[i] = alt;
            combos.push(combo);
        }
    }
    let surname_initials =
        surname_initials(&chars[..surname_len], positions.first().map(|o| o[0].as_str()).unwrap_or(""));
    let mut pinyin: Vec<String> = Vec::new();
    let mut initials: Vec<String> = Vec::new();
    for combo in &combos {
        let full: String = combo.concat();
        let mut init = String::new();
        for (i, syllable) in combo.iter().enumerate() {
            if i == 0 && surname_len > 0 {
                init.push_str(&surname_initials);
            } else if let Some(c) = syllable.chars().next() {
                init.push(c);
            }
        }
        if !pinyin.contains(&full) {
            pinyin.push(full);
        }
        if !initials.contains(&init) {
            initials.push(init);
        }
    }
    NameKeys { pinyin: pinyin.join(" "), initials: initials.join(" ") }
}

/// A two-character surname has two initials (欧阳 → oy), taken from each character's own reading.
fn surname_initials(surname: &[char], reading: &str) -> String {
    match surname.len() {
        0 => String::new(),
        1 => reading.chars().next().map(String::from).unwrap_or_default(),
        _ => surname.iter().map(|&c| readings(c).first().and_then(|r| r.chars().next()).unwrap_or('?')).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surname_file_parses() {
        let parsed: SurnameFile = toml::from_str(include_str!("../../data/surnames.toml")).expect("surnames.toml");
        assert!(parsed.surnames.len() > 50);
    }

    #[test]
    fn plain_name() {
        let k = name_keys("张三");
        assert_eq!(k.pinyin, "zhangsan");
        assert_eq!(k.initials, "zs");
    }

    #[test]
    fn surnames_read_as_surnames() {
        for (name, pinyin, initials) in [
            ("单小明", "shan", "s"),
            ("曾国强", "zeng", "z"),
            ("区家豪", "ou", "o"),
            ("覃海燕", "qin", "q"),
            ("仇晓东", "qiu", "q"),
            ("解放", "xie", "x"),
            ("欧阳娜娜", "ouyang", "oy"),
        ] {
            let k = name_keys(name);
            assert!(k.pinyin.split(' ').all(|v| v.starts_with(pinyin)), "{name}: {}", k.pinyin);
            assert!(k.initials.split(' ').all(|v| v.starts_with(initials)), "{name}: {}", k.initials);
        }
    }

    #[test]
    fn given_name_heteronyms_give_variants() {
        let k = name_keys("王长乐");
        let variants: Vec<&str> = k.pinyin.split(' ').collect();
        assert!(variants.contains(&"wangchangle") || variants.contains(&"wangchangyue"), "{variants:?}");
        assert!(variants.len() <= MAX_VARIANTS);
        assert!(k.initials.split(' ').any(|i| i == "wcl"));
    }

    #[test]
    fn minority_names_and_latin() {
        let k = name_keys("阿依古丽·买买提");
        assert!(k.pinyin.starts_with("ayiguli"), "{}", k.pinyin);
        assert_eq!(name_keys("Tom").pinyin, "tom");
        assert_eq!(name_keys("").pinyin, "");
    }
}
