//! Pinyin of a pupil's name for searching: full syllables ("zhangsan") and initials ("zs"). The surname is read
//! as a surname (单 shan, 曾 zeng, 区 ou …, from `data/surnames.toml`); a given-name character with several
//! readings contributes each, up to a small number of variants, so the operator finds 长乐 as changle or zhangle.

use crate::data_file::Embedded;
use std::collections::HashMap;

use pinyin::{ToPinyin, ToPinyinMulti};
use serde::Deserialize;

/// At most this many readings of a whole name are kept; names with many ambiguous characters are rare and a
/// few variants already cover the common readings.
const MAX_VARIANTS: usize = 4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurnameFile {
    surnames: HashMap<String, String, foldhash::fast::RandomState>,
}

static SURNAMES: Embedded<HashMap<String, String, foldhash::fast::RandomState>, toml::de::Error> =
    Embedded::new(|| toml::from_str::<SurnameFile>(include_str!("../../data/surnames.toml")).map(|f| f.surnames));

fn surnames() -> &'static HashMap<String, String, foldhash::fast::RandomState> {
    SURNAMES.get()
}

/// Why the embedded surname readings could not be parsed (a broken build): the command line refuses to start on
/// it.
pub fn surnames_error() -> Option<String> {
    SURNAMES.error().map(|e| format!("data/surnames.toml: {e}"))
}

/// Searchable readings of a name: each string holds the variants separated by a space.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameKeys {
    pub pinyin: String,
    pub initials: String,
}

/// Readings of one character, the first two distinct ones: a Latin letter or digit reads as itself,
/// lower-cased; punctuation such as the middle dot in minority names reads as nothing.
fn readings(c: char) -> [Option<&'static str>; 2] {
    let mut out = [None, None];
    if c.is_ascii_alphanumeric() {
        const ASCII: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
        let lower = c.to_ascii_lowercase();
        let at = ASCII.find(lower).unwrap_or(0);
        out[0] = Some(&ASCII[at..at + 1]);
        return out;
    }
    if let Some(multi) = c.to_pinyin_multi() {
        let mut n = 0;
        for p in multi {
            let plain = p.plain();
            if n > 0 && out[n - 1] == Some(plain) {
                continue;
            }
            out[n] = Some(plain);
            n += 1;
            if n == 2 {
                break;
            }
        }
        if n == 0 {
            out[0] = c.to_pinyin().map(|p| p.plain());
        }
    }
    out
}

pub fn name_keys(name: &str) -> NameKeys {
    let compact: std::borrow::Cow<'_, str> = if name.contains(char::is_whitespace) {
        name.chars().filter(|c| !c.is_whitespace()).collect::<String>().into()
    } else {
        name.into()
    };
    let chars: Vec<(usize, char)> = compact.char_indices().collect();
    let table = surnames();
    // Each position's readings, most common first: the surname table's reading for the surname, the
    // everyday reading for an unlisted surname, and at most two readings for a given-name character.
    let mut positions: Vec<[Option<&str>; 2]> = Vec::with_capacity(chars.len());
    let mut start = 0;
    for len in [2, 1] {
        if chars.len() > len || (len == 1 && !chars.is_empty()) {
            let end = chars.get(len).map_or(compact.len(), |&(at, _)| at);
            if let Some(reading) = table.get(&compact[..end]) {
                // A two-character surname is one position ("ouyang"); its initials come from surname_initials.
                positions.push([Some(reading.as_str()), None]);
                start = len;
                break;
            }
        }
    }
    let surname_len = start;
    for (i, &(_, c)) in chars.iter().enumerate().skip(start) {
        let mut options = readings(c);
        if i == 0 {
            options[1] = None;
        }
        if options[0].is_some() {
            positions.push(options);
        }
    }
    // The all-common reading first, then each single alternative, up to MAX_VARIANTS: variant 0 is the
    // primary reading, variant k replaces one position's reading by its alternative.
    let primary: Vec<&str> = positions.iter().map(|o| o[0].unwrap_or("")).collect();
    let alternatives: Vec<(usize, &str)> = positions
        .iter()
        .enumerate()
        .filter_map(|(i, options)| options[1].map(|alt| (i, alt)))
        .take(MAX_VARIANTS - 1)
        .collect();
    let surname: Vec<char> = chars[..surname_len].iter().map(|&(_, c)| c).collect();
    let surname_initials = surname_initials(&surname, primary.first().copied().unwrap_or(""));
    let mut pinyin = String::with_capacity(compact.len() * 2);
    let mut initials = String::with_capacity(primary.len() + 1);
    let mut seen_pinyin: Vec<(usize, usize)> = Vec::with_capacity(alternatives.len() + 1);
    let mut seen_initials: Vec<(usize, usize)> = Vec::with_capacity(alternatives.len() + 1);
    let mut as_u: Vec<String> = Vec::new();
    let (mut full, mut full_u, mut init) = (String::new(), String::new(), String::new());
    for variant in 0..=alternatives.len() {
        let swapped = variant.checked_sub(1).and_then(|k| alternatives.get(k)).copied();
        full.clear();
        full_u.clear();
        init.clear();
        for (i, &common) in primary.iter().enumerate() {
            let syllable = match swapped {
                Some((at, alt)) if at == i => alt,
                _ => common,
            };
            push_syllable(&mut full, syllable, 'v');
            push_syllable(&mut full_u, syllable, 'u');
            if i == 0 && surname_len > 0 {
                init.push_str(&surname_initials);
            } else if let Some(c) = syllable.chars().next() {
                init.push(c);
            }
        }
        push_variant(&mut pinyin, &mut seen_pinyin, &full);
        if full_u != full {
            as_u.push(full_u.clone());
        }
        push_variant(&mut initials, &mut seen_initials, &init);
    }
    // ü typed as u (lu for 吕) after the usual v spellings: keyboards have no ü, and people type either.
    for variant in &as_u {
        push_variant(&mut pinyin, &mut seen_pinyin, variant);
    }
    NameKeys { pinyin, initials }
}

/// Appends a syllable with its ü written as `umlaut` ('v' as pinyin keyboards type it, or 'u'). The surname
/// table already writes ü as v (吕 lv); a Latin letter v is a syllable of one letter and stays as it is.
fn push_syllable(out: &mut String, syllable: &str, umlaut: char) {
    if syllable.len() < 2 || !syllable.contains(['ü', 'v']) {
        out.push_str(syllable);
        return;
    }
    out.extend(syllable.chars().map(|c| if c == 'ü' || c == 'v' { umlaut } else { c }));
}

/// A key that sorts names as a Chinese dictionary or a class list does: by pinyin syllable by syllable (李 li
/// before 林 lin, whatever follows), then by tone, then by the character, so the same surname stays together;
/// the surname read as a surname (单 shan). Compared as bytes, which is how SQLite orders text: each syllable
/// ends with its tone digit, which sorts before any letter, and ü is written v, which sorts after u.
pub fn name_order(name: &str) -> String {
    let compact: std::borrow::Cow<'_, str> = if name.contains(char::is_whitespace) {
        name.chars().filter(|c| !c.is_whitespace()).collect::<String>().into()
    } else {
        name.into()
    };
    let mut out = String::with_capacity(compact.len() * 3);
    let table = surnames();
    let mut rest = compact.as_ref();
    let count = compact.chars().count();
    for len in [2, 1] {
        if count > len || (len == 1 && count > 0) {
            let end = compact.char_indices().nth(len).map_or(compact.len(), |(at, _)| at);
            if let Some(reading) = table.get(&compact[..end]) {
                // Each character of the surname takes the reading of its own that the surname's reading
                // goes on with (欧阳 ouyang: 欧 ou, 阳 yang), with that reading's tone.
                let mut left = reading.as_str();
                for c in compact[..end].chars() {
                    let chosen = c.to_pinyin_multi().and_then(|multi| {
                        multi.into_iter().find_map(|p| reading_prefix(left, p.plain()).map(|n| (p, n)))
                    });
                    match chosen {
                        Some((p, n)) => {
                            left = &left[n..];
                            push_order(&mut out, p.plain(), tone(p.with_tone_num_end()), c);
                        }
                        None => push_char_order(&mut out, c),
                    }
                }
                rest = &compact[end..];
                break;
            }
        }
    }
    for c in rest.chars() {
        push_char_order(&mut out, c);
    }
    out
}

/// How many bytes of `reading` (the surname table's, ü written v) the character reading `plain` spells.
fn reading_prefix(reading: &str, plain: &str) -> Option<usize> {
    let mut at = 0;
    for l in plain.chars() {
        let l = if l == 'ü' { 'v' } else { l };
        if reading[at..].starts_with(l) {
            at += l.len_utf8();
        } else {
            return None;
        }
    }
    (at > 0).then_some(at)
}

fn tone(with_tone_num_end: &str) -> char {
    with_tone_num_end.chars().last().filter(char::is_ascii_digit).unwrap_or('5')
}

fn push_char_order(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c.to_ascii_lowercase());
        out.push('0');
    } else if let Some(p) = c.to_pinyin() {
        push_order(out, p.plain(), tone(p.with_tone_num_end()), c);
    } else if c.is_alphanumeric() {
        out.push(c);
    }
}

fn push_order(out: &mut String, plain: &str, tone: char, c: char) {
    out.extend(plain.chars().map(|l| if l == 'ü' { 'v' } else { l }));
    out.push(tone);
    out.push(c);
}

/// Appends `variant` to the space-separated list unless it is already there.
fn push_variant(list: &mut String, spans: &mut Vec<(usize, usize)>, variant: &str) {
    if spans.iter().any(|&(a, b)| &list[a..b] == variant) {
        return;
    }
    if !list.is_empty() {
        list.push(' ');
    }
    spans.push((list.len(), list.len() + variant.len()));
    list.push_str(variant);
}

/// A two-character surname has two initials (欧阳 → oy), taken from each character's own reading.
fn surname_initials(surname: &[char], reading: &str) -> String {
    match surname.len() {
        0 => String::new(),
        1 => reading.chars().next().map(String::from).unwrap_or_default(),
        _ => surname.iter().map(|&c| readings(c)[0].and_then(|r| r.chars().next()).unwrap_or('?')).collect(),
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
    fn u_umlaut_is_found_as_v_and_as_u() {
        for (name, v, u) in [("吕小明", "lvxiaoming", "luxiaoming"), ("王女士", "wangnvshi", "wangnushi")] {
            let k = name_keys(name);
            let variants: Vec<&str> = k.pinyin.split(' ').collect();
            assert!(variants.contains(&v) && variants.contains(&u), "{name}: {variants:?}");
            assert!(!k.pinyin.contains('ü'), "{name}: {}", k.pinyin);
        }
        // A Latin v is a letter, not a ü.
        assert_eq!(name_keys("Vivian").pinyin, "vivian");
    }

    #[test]
    fn names_sort_by_pinyin_then_tone_then_character() {
        let mut names = ["赵六", "张三", "李娜", "林一", "吕布", "陆明", "阿明", "黎明", "李安", "单田芳", "邓超"];
        names.sort_by_key(|n| name_order(n));
        // 阿 a; 单 as a surname reads shan (after 李/林/陆/吕, not with 邓 deng); 李 li3 after 黎 li2;
        // 李娜 before 林一 (li before lin); 陆 lu before 吕 lü.
        assert_eq!(names, ["阿明", "邓超", "黎明", "李安", "李娜", "林一", "陆明", "吕布", "单田芳", "张三", "赵六"]);
        assert!(name_order("张三") < name_order("张三丰"));
        assert_eq!(name_order(" 张 三 "), name_order("张三"));
        assert!(name_order("").is_empty());
    }

    #[test]
    fn minority_names_and_latin() {
        let k = name_keys("阿依古丽·买买提");
        assert!(k.pinyin.starts_with("ayiguli"), "{}", k.pinyin);
        assert_eq!(name_keys("Tom").pinyin, "tom");
        assert_eq!(name_keys("").pinyin, "");
    }
}
