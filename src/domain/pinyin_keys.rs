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

/// The name as both readings take it: a Chinese name has no spaces, and padding is not part of it.
fn compact(name: &str) -> std::borrow::Cow<'_, str> {
    if name.contains(char::is_whitespace) {
        name.chars().filter(|c| !c.is_whitespace()).collect::<String>().into()
    } else {
        name.into()
    }
}

/// The surname the table reads as a surname: its length in characters, the byte where it ends, and its
/// reading. Two characters are tried first, and only in a name longer than them (欧阳娜娜, not 欧阳 alone).
fn table_surname(compact: &str) -> Option<(usize, usize, &'static str)> {
    let table = surnames();
    let mut bounds = compact.char_indices().map(|(at, _)| at).skip(1);
    let (second, third) = (bounds.next(), bounds.next());
    if let Some(end) = third
        && let Some(reading) = table.get(&compact[..end])
    {
        return Some((2, end, reading.as_str()));
    }
    if compact.is_empty() {
        return None;
    }
    let end = second.unwrap_or(compact.len());
    table.get(&compact[..end]).map(|reading| (1, end, reading.as_str()))
}

pub fn name_keys(name: &str) -> NameKeys {
    let compact = compact(name);
    let mut keys = NameKeys::default();
    keys_of(&compact, table_surname(&compact), &mut keys);
    keys
}

/// A name's search readings and its sort key (`name_order`) from one reading of it: an import needs both for
/// every pupil it adds.
pub fn name_keys_and_order(name: &str) -> (NameKeys, String) {
    let mut keys = NameKeys::default();
    let mut order = String::new();
    name_keys_and_order_into(name, &mut keys, &mut order);
    (keys, order)
}

/// `name_keys_and_order` written over `keys` and `order`: an import keeps one of each for all its pupils
/// rather than three new strings per pupil.
pub fn name_keys_and_order_into(name: &str, keys: &mut NameKeys, order: &mut String) {
    let compact = compact(name);
    let surname = table_surname(&compact);
    keys_of(&compact, surname, keys);
    order.clear();
    order_of(&compact, surname, order);
}

/// The positions of a name of up to this many characters are kept on the stack.
const STACK_POSITIONS: usize = 8;

fn keys_of(compact: &str, surname: Option<(usize, usize, &'static str)>, keys: &mut NameKeys) {
    // Each position's readings, most common first: the surname table's reading for the surname, the
    // everyday reading for an unlisted surname, and at most two readings for a given-name character.
    let mut on_stack = [[None; 2]; STACK_POSITIONS];
    let mut stacked = 0;
    let mut spilled: Vec<[Option<&str>; 2]> = Vec::new();
    let mut push = |options: [Option<&'static str>; 2]| match on_stack.get_mut(stacked) {
        Some(slot) if spilled.is_empty() => {
            *slot = options;
            stacked += 1;
        }
        _ => {
            if spilled.is_empty() {
                spilled.extend_from_slice(&on_stack);
            }
            spilled.push(options);
        }
    };
    let (surname_len, surname_end) = match surname {
        Some((len, end, reading)) => {
            // A two-character surname is one position ("ouyang"); its initials come from push_surname_initials.
            // A one-character surname also reads as the character does every day (单 dan, 盖 gai, 朴 pu): an
            // operator reading it off a parent's paper types that, and must not be told the child is not
            // there. It is the first alternative, and its variants are marked (EVERYDAY) to rank below.
            let everyday = if len == 1 { readings_of_surname(&compact[..end], reading) } else { None };
            push([Some(reading), everyday]);
            (len, end)
        }
        None => (0, 0),
    };
    for (i, c) in compact[surname_end..].chars().enumerate() {
        let mut options = readings(c);
        if i == 0 && surname_len == 0 {
            options[1] = None;
        }
        if options[0].is_some() {
            push(options);
        }
    }
    let positions: &[[Option<&str>; 2]] =
        if spilled.is_empty() { on_stack.get(..stacked).unwrap_or_default() } else { &spilled };
    // The all-common reading first, then each single alternative, up to MAX_VARIANTS: variant 0 is the
    // primary reading, variant k replaces one position's reading by its alternative.
    let mut alternatives = [(0, ""); MAX_VARIANTS - 1];
    let mut alternative_count = 0;
    for (at, alt) in positions.iter().enumerate().filter_map(|(i, options)| options[1].map(|alt| (i, alt))) {
        if alternative_count == alternatives.len() {
            break;
        }
        alternatives[alternative_count] = (at, alt);
        alternative_count += 1;
    }
    let alternatives = &alternatives[..alternative_count];
    let surname_chars = &compact[..surname_end];
    let first_reading = positions.first().and_then(|o| o[0]).unwrap_or("");
    let NameKeys { pinyin, initials } = keys;
    pinyin.clear();
    initials.clear();
    let mut seen_pinyin = Spans::default();
    let mut seen_initials = Spans::default();
    // Each variant is written straight at the end of its list and taken back if the list has it already.
    let variant = |list: &mut String, spans: &mut Spans, swapped: Option<(usize, &str)>, umlaut: Option<char>| {
        let mark = list.len();
        if !list.is_empty() {
            list.push(' ');
        }
        let start = list.len();
        let everyday_surname = surname_len > 0 && matches!(swapped, Some((0, _)));
        if everyday_surname {
            list.push(EVERYDAY);
        }
        for (i, options) in positions.iter().enumerate() {
            let syllable = match swapped {
                Some((at, alt)) if at == i => alt,
                _ => options[0].unwrap_or(""),
            };
            match umlaut {
                Some(umlaut) => push_syllable(list, syllable, umlaut),
                None if i == 0 && everyday_surname => list.extend(syllable.chars().next()),
                None if i == 0 && surname_len > 0 => push_surname_initials(list, surname_chars, first_reading),
                None => list.extend(syllable.chars().next()),
            }
        }
        if spans.contains(list, start) {
            list.truncate(mark);
        } else {
            spans.push(start, list.len());
        }
    };
    let swaps = || std::iter::once(None).chain(alternatives.iter().copied().map(Some));
    for swapped in swaps() {
        variant(pinyin, &mut seen_pinyin, swapped, Some('v'));
        variant(initials, &mut seen_initials, swapped, None);
    }
    // ü typed as u (lu for 吕) after the usual v spellings: keyboards have no ü, and people type either.
    for swapped in swaps() {
        if swapped_has_umlaut(positions, swapped) {
            variant(pinyin, &mut seen_pinyin, swapped, Some('u'));
        }
    }
}

/// Marks a variant that reads a one-character surname as the character reads every day (单 as dan): a query
/// can only find such a variant inside it, not at its start, so it matches as a substring, ranked below every
/// pupil whose name starts so as read (the search gives no variant a rank of its own). Never typed in a query.
pub const EVERYDAY: char = '~';

/// The everyday reading of a one-character surname that the table reads otherwise (单 dan, read shan).
fn readings_of_surname(surname: &str, reading: &str) -> Option<&'static str> {
    let c = surname.chars().next()?;
    readings(c).into_iter().flatten().find(|r| *r != reading && !r.replace('ü', "v").eq(reading))
}

/// Whether a variant's v and u spellings differ: some syllable of it has a ü (or the table's v for one).
fn swapped_has_umlaut(positions: &[[Option<&str>; 2]], swapped: Option<(usize, &str)>) -> bool {
    positions.iter().enumerate().any(|(i, options)| {
        let syllable = match swapped {
            Some((at, alt)) if at == i => alt,
            _ => options[0].unwrap_or(""),
        };
        syllable.len() >= 2 && syllable.contains(['ü', 'v'])
    })
}

/// Where each variant already in a list lies, to keep a list free of repeats. A name has at most
/// MAX_VARIANTS spellings with v and as many with u; the rest of the array is never needed, and a list that
/// somehow had more would only keep a repeat.
#[derive(Default)]
struct Spans {
    spans: [(usize, usize); 2 * MAX_VARIANTS],
    len: usize,
}

impl Spans {
    /// Whether `list[start..]`, the variant just written, is one of the earlier ones.
    fn contains(&self, list: &str, start: usize) -> bool {
        let fresh = list.get(start..).unwrap_or("");
        self.spans[..self.len].iter().any(|&(a, b)| list.get(a..b) == Some(fresh))
    }

    fn push(&mut self, start: usize, end: usize) {
        if let Some(slot) = self.spans.get_mut(self.len) {
            *slot = (start, end);
            self.len += 1;
        }
    }
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
    let compact = compact(name);
    let mut out = String::with_capacity(compact.len() * 3);
    order_of(&compact, table_surname(&compact), &mut out);
    out
}

/// Appends the sort key to `out`.
fn order_of(compact: &str, surname: Option<(usize, usize, &'static str)>, out: &mut String) {
    let mut rest = compact;
    if let Some((_, end, reading)) = surname {
        // Each character of the surname takes the reading of its own that the surname's reading goes on with
        // (欧阳 ouyang: 欧 ou, 阳 yang), with that reading's tone.
        let mut left = reading;
        for c in compact[..end].chars() {
            let chosen = c
                .to_pinyin_multi()
                .and_then(|multi| multi.into_iter().find_map(|p| reading_prefix(left, p.plain()).map(|n| (p, n))));
            match chosen {
                Some((p, n)) => {
                    left = &left[n..];
                    push_order(out, p.plain(), tone(p.with_tone_num_end()), c);
                }
                None => push_char_order(out, c),
            }
        }
        rest = &compact[end..];
    }
    for c in rest.chars() {
        push_char_order(out, c);
    }
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
    if plain.is_ascii() {
        out.push_str(plain);
    } else {
        out.extend(plain.chars().map(|l| if l == 'ü' { 'v' } else { l }));
    }
    out.push(tone);
    out.push(c);
}

/// A surname's initials: one for a single character, two for a two-character surname (欧阳 → oy), taken from
/// each character's own reading.
fn push_surname_initials(out: &mut String, surname: &str, reading: &str) {
    let mut chars = surname.chars();
    match (chars.next(), chars.next()) {
        (None, _) => {}
        (Some(_), None) => out.extend(reading.chars().next()),
        _ => out.extend(surname.chars().map(|c| readings(c)[0].and_then(|r| r.chars().next()).unwrap_or('?'))),
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
            // Every variant but those of the surname's everyday reading, which are marked.
            let read = |list: &str| list.split(' ').filter(|v| !v.starts_with(EVERYDAY)).map(str::to_owned).collect();
            let (p, i): (Vec<String>, Vec<String>) = (read(&k.pinyin), read(&k.initials));
            assert!(!p.is_empty() && p.iter().all(|v| v.starts_with(pinyin)), "{name}: {}", k.pinyin);
            assert!(!i.is_empty() && i.iter().all(|v| v.starts_with(initials)), "{name}: {}", k.initials);
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
    fn one_reading_gives_both_keys() {
        for name in [
            "张三",
            "单小明",
            "欧阳娜娜",
            "欧阳",
            "王长乐",
            "吕小明",
            " 张 三 ",
            "Tom Lee",
            "阿依古丽·买买提",
            // More characters than `keys_of` keeps on the stack.
            "阿依古丽·买买提·艾则孜长乐",
            "",
            "长",
        ] {
            assert_eq!(name_keys_and_order(name), (name_keys(name), name_order(name)), "{name}");
        }
        // Buffers written over from a longer name to a shorter one hold the shorter one's keys only.
        let (mut keys, mut order) = name_keys_and_order("阿依古丽·买买提·艾则孜长乐");
        for name in ["王长乐", "欧阳娜娜", "", "吕小明"] {
            name_keys_and_order_into(name, &mut keys, &mut order);
            assert_eq!((keys.clone(), order.clone()), name_keys_and_order(name), "{name}");
        }
        assert_eq!(name_keys("阿依古丽·买买提·艾则孜长乐").initials.split(' ').next(), Some("ayglmmtazzzl"));
        // Two characters are a two-character surname only in a longer name.
        assert_eq!(name_keys("欧阳").initials, "oy");
        assert_eq!(name_keys("欧阳娜娜").initials, "oynn");
    }

    #[test]
    fn minority_names_and_latin() {
        let k = name_keys("阿依古丽·买买提");
        assert!(k.pinyin.starts_with("ayiguli"), "{}", k.pinyin);
        assert_eq!(name_keys("Tom").pinyin, "tom");
        assert_eq!(name_keys("").pinyin, "");
    }
}
