//! The one search engine behind `canbao find` and the TUI's as-you-type search: a query's words are matched
//! against name, pinyin, pinyin initials, ID number and class; every word must match somewhere; exact matches
//! rank before prefixes, prefixes before substrings.

use memchr::memmem;

/// Separates the fields of a packed search key; never occurs in names, numbers or classes.
pub const SEP: char = '\u{1f}';

/// What a pupil is searched by, packed in one string so half a million of them stay small in memory and
/// can be scanned straight from the database without allocating: name, pinyin variants, initials variants,
/// ID number and class, lower-cased (the ID keeps its upper-case X), separated by `SEP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub student_id: i64,
    pub key: String,
}

/// The fields of a packed key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields<'a> {
    pub name: &'a str,
    /// Variants separated by spaces: "zhangle zhangyue".
    pub pinyin: &'a str,
    pub initials: &'a str,
    pub id_number: &'a str,
    pub class: &'a str,
}

impl<'a> Fields<'a> {
    pub fn parse(key: &'a str) -> Fields<'a> {
        let mut parts = key.split(SEP);
        let mut next = || parts.next().unwrap_or("");
        Fields { name: next(), pinyin: next(), initials: next(), id_number: next(), class: next() }
    }

    pub fn bytes(&self) -> FieldBytes<'a> {
        FieldBytes {
            name: self.name.as_bytes(),
            pinyin: self.pinyin.as_bytes(),
            initials: self.initials.as_bytes(),
            id_number: self.id_number.as_bytes(),
            class: self.class.as_bytes(),
        }
    }
}

/// `Fields` as bytes, for a caller that splits keys itself (the TUI): slicing bytes skips the character
/// boundary checks of slicing text, five times a pupil on every keystroke. Matching is the same either way:
/// the words and fields are UTF-8, so equal bytes are equal text and a byte prefix is a text prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldBytes<'a> {
    pub name: &'a [u8],
    pub pinyin: &'a [u8],
    pub initials: &'a [u8],
    pub id_number: &'a [u8],
    pub class: &'a [u8],
}

impl<'a> FieldBytes<'a> {
    /// A packed key's fields, split as bytes: a search of the stored keys never turns them into text.
    pub fn parse(key: &'a [u8]) -> FieldBytes<'a> {
        let mut parts = key.split(|&b| b == SEP as u8);
        let mut next = || parts.next().unwrap_or(&[]);
        FieldBytes { name: next(), pinyin: next(), initials: next(), id_number: next(), class: next() }
    }
}

/// Builds the packed key for a pupil.
pub fn pack_key(name: &str, id_number: &str, class_label: &str) -> String {
    pack_key_with(name, &crate::domain::pinyin_keys::name_keys(name), id_number, class_label)
}

/// `pack_key` with the name's readings already made (an import makes them together with the sort key).
pub fn pack_key_with(
    name: &str,
    keys: &crate::domain::pinyin_keys::NameKeys,
    id_number: &str,
    class_label: &str,
) -> String {
    let mut key = String::with_capacity(
        name.len() + keys.pinyin.len() + keys.initials.len() + id_number.len() + class_label.len() + 4,
    );
    push_key(&mut key, name, keys, id_number, class_label);
    key
}

/// Appends the packed key to `key`: an import writes each added pupil's key straight into its search block's
/// text, with no string of its own.
pub fn push_key(
    key: &mut String,
    name: &str,
    keys: &crate::domain::pinyin_keys::NameKeys,
    id_number: &str,
    class_label: &str,
) {
    push_key_head(key, name, keys, id_number);
    push_key_class(key, class_label);
}

/// The packed key up to its class: what a row's name and number give, known before the row is written (a first
/// import works it out on its reading thread).
pub fn push_key_head(key: &mut String, name: &str, keys: &crate::domain::pinyin_keys::NameKeys, id_number: &str) {
    push_clean(key, name, true);
    for part in [keys.pinyin.as_str(), &keys.initials, id_number] {
        key.push(SEP);
        push_clean(key, part, false);
    }
}

/// The packed key's last field, after `push_key_head`.
pub fn push_key_class(key: &mut String, class_label: &str) {
    key.push(SEP);
    push_clean(key, class_label, true);
}

/// `key` with its class field replaced by `class_label`: the key of the same pupil in another class (a closed
/// year shows the class the pupil was in then, while the stored key holds this year's).
pub fn with_class(key: &str, class_label: &str) -> String {
    let head = key.rfind(SEP).map_or(key, |at| &key[..at]);
    let mut out = String::with_capacity(head.len() + class_label.len() + 1);
    out.push_str(head);
    out.push(SEP);
    push_clean(&mut out, class_label, true);
    out
}

/// Appends `text`, lower-cased if asked, with control characters (a CSV can carry any) as spaces: U+001E and
/// U+001F separate keys and fields.
fn push_clean(key: &mut String, text: &str, lower: bool) {
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    let as_is = if lower {
        // Han characters have no case: a Chinese name or class is copied as it is, not lower-cased a
        // character at a time.
        text.chars().all(|c| if c.is_ascii() { !c.is_ascii_control() && !c.is_ascii_uppercase() } else { han(c) })
    } else {
        // A control character is U+0000–001F, U+007F or U+0080–009F (C2 80–C2 9F): text without those bytes
        // (pinyin, a number) has none, and is not decoded to find out.
        !text.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) || !text.chars().any(char::is_control)
    };
    if as_is {
        key.push_str(text);
    } else if lower {
        key.extend(text.chars().map(clean).flat_map(char::to_lowercase));
    } else {
        key.extend(text.chars().map(clean));
    }
}

/// A CJK unified ideograph (the basic block or extension A): letters without case.
fn han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

impl Entry {
    pub fn new(student_id: i64, name: &str, id_number: &str, class_label: &str) -> Entry {
        Entry { student_id, key: pack_key(name, id_number, class_label) }
    }

    pub fn fields(&self) -> Fields<'_> {
        Fields::parse(&self.key)
    }
}

/// How well one word matched; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Exact = 0,
    Prefix = 1,
    Substring = 2,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub student_id: i64,
    /// Sum of the words' match kinds: 0 when every word matched a whole field.
    pub rank: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// Lower-case ASCII letters: pinyin or initials (or a Latin name).
    Letters(String),
    /// Digits, possibly ending in X: part of an ID number, or a class number.
    Digits(String),
    /// Anything else (Chinese): name or class.
    Text(String),
}

/// A parsed query; parse once per keystroke, match against every entry.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<Word>,
    /// One searcher per word, built once: a keystroke may match the same word against half a million fields.
    finders: Vec<memmem::Finder<'static>>,
    /// Per word, the other ways a list writes the grade or class it names (初三6 is also 九年级6 …), matched
    /// against the class only; empty (no allocation) for the words that name no class, which is most.
    spellings: Vec<Vec<Spelling>>,
    /// The ID numbers are masked on the screen the results go to: a word of digits finds a number only where
    /// it confirms no hidden digit, or by the roads the counter takes ([`match_masked_id`]).
    masked: bool,
    /// For a masked query of numbers alone: per word, then per length of number up to 18, the places the word
    /// may occur and the kind each gives ([`masked_places`]), worked out once a keystroke so that ranking half a
    /// million numbers compares a few fixed places instead of asking every rule of each. Empty otherwise.
    number_places: Vec<Vec<(u8, MatchKind)>>,
}

#[derive(Debug, Clone)]
struct Spelling {
    text: String,
    finder: memmem::Finder<'static>,
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.words == other.words && self.masked == other.masked
    }
}

impl Eq for Query {}

impl Word {
    fn text(&self) -> &str {
        match self {
            Word::Letters(s) | Word::Digits(s) | Word::Text(s) => s,
        }
    }
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let cleaned: String = text
            .chars()
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                '\u{3000}' => ' ',
                // Keys write ü as v, as pinyin keyboards type it.
                'ü' | 'Ü' => 'v',
                _ => c,
            })
            .collect();
        let cleaned = without_name_dots(&cleaned);
        // A whole ID number typed in the groups a parent reads it out in (510122 20180216 0001) is one number,
        // not three words each of which must match: the groups alone find nothing while numbers are masked.
        let joined: String = cleaned.split_whitespace().collect();
        let cleaned = match cleaned.split_whitespace().nth(1).is_some() && whole_number_shape(&joined.replace('-', ""))
        {
            true => joined,
            false => cleaned,
        };
        let words: Vec<Word> = cleaned
            .split_whitespace()
            .map(|w| {
                // An ID number pasted as a form prints it (450202-20171010-1091; a full-width － is `-` by now)
                // is the number, as one pasted with spaces is: the dashes are no part of it.
                let undashed = w.replace('-', "");
                let id_like = w.contains('-')
                    && undashed.trim_end_matches(['x', 'X']).len() + 1 >= undashed.len()
                    && undashed.trim_end_matches(['x', 'X']).bytes().all(|b| b.is_ascii_digit())
                    && undashed.bytes().any(|b| b.is_ascii_digit());
                // A birth date as a parent or a form writes it (2018.10.27, 2018/10/27, 2018年10月27日, 2018-1-7)
                // is the date's digits, as they stand in the number (20181027, 20180107).
                let date = typed_birth_date(w);
                let w = match &date {
                    Some(digits) => digits.as_str(),
                    None if id_like => undashed.as_str(),
                    None => w,
                };
                let lower = w.to_lowercase();
                let digits_then_x = lower.trim_end_matches('x');
                // A number as a spreadsheet printed it (4.50202e+17) is looked for where it is kept: with the ID
                // numbers, which keep their case.
                let printed_number = lower.starts_with(|c: char| c.is_ascii_digit())
                    && lower.contains(['.', 'e'])
                    && lower.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+'));
                if (!digits_then_x.is_empty()
                    && digits_then_x.bytes().all(|b| b.is_ascii_digit())
                    && lower.len() - digits_then_x.len() <= 1)
                    || printed_number
                {
                    // Kept in one form however it is spelt (`id_number::rounded_form`): 5.11502202001205e+17
                    // as the digits a numeric cell keeps, 5.11502e+17 as Excel spells it.
                    let upper = lower.to_uppercase();
                    Word::Digits(crate::domain::id_number::rounded_form(&upper).unwrap_or(upper))
                } else if lower.bytes().all(|b| b.is_ascii_lowercase()) {
                    Word::Letters(lower)
                } else {
                    Word::Text(lower)
                }
            })
            .collect();
        let finders = words.iter().map(|w: &Word| memmem::Finder::new(w.text().as_bytes()).into_owned()).collect();
        let spellings = words
            .iter()
            .map(|w| match w {
                // A digit after Chinese: a class number after a grade (三1班, 三1), which names spell without.
                Word::Text(s)
                    if s.contains(['年', '级', '班', '初', '高']) || s.contains(|c: char| c.is_ascii_digit()) =>
                {
                    crate::domain::class_label::search_spellings(s)
                        .into_iter()
                        .map(|text| {
                            let finder = memmem::Finder::new(text.as_bytes()).into_owned();
                            Spelling { text, finder }
                        })
                        .collect()
                }
                _ => Vec::new(),
            })
            .collect();
        Query { words, finders, spellings, masked: false, number_places: Vec::new() }
    }

    /// The query for a screen or a report that shows ID numbers masked (`masked`), or whole: while they are
    /// masked, a fragment of a number finds a pupil only as [`match_masked_id`] says, so that the list does not
    /// confirm digits the mask hides (typing a number a digit at a time would read it off the list).
    pub fn masked(mut self, masked: bool) -> Query {
        self.masked = masked;
        self.number_places = match masked && self.is_numbers_only() {
            true => {
                self.words.iter().flat_map(|w| (0..=PLACED_NUMBER).map(|n| masked_places(w.text().len(), n))).collect()
            }
            false => Vec::new(),
        };
        self
    }

    pub fn is_masked(&self) -> bool {
        self.masked
    }

    /// Per word, the union of `bit(c)` over its characters: what a key's fields other than the class must
    /// contain for the word to occur in them (only in the class may it occur as another spelling). A caller that
    /// sketches those fields the same way skips a pupil lacking a bit of a word their class does not hold.
    pub fn word_masks(&self, bit: impl Fn(char) -> u64) -> Vec<u64> {
        self.words.iter().map(|w| w.text().chars().fold(0u64, |m, c| m | bit(c))).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word with the most bytes, exactly as it must occur in a matching key (every word must occur; a word
    /// naming a class may occur as another spelling, so it is not one of these).
    pub fn longest_word(&self) -> Option<&[u8]> {
        self.words
            .iter()
            .zip(&self.spellings)
            .filter(|(_, alts)| alts.is_empty())
            .map(|(w, _)| w.text().as_bytes())
            .max_by_key(|w| w.len())
    }

    /// Whether `word` may occur in a name with middle dots the query left out (阿依古丽买买提, 丽买买提 and 木沙江
    /// find 阿依古丽·买买提 and 木·沙江): a Chinese word, where a dot may stand between any two characters.
    fn may_skip_a_dot(word: &[u8]) -> bool {
        std::str::from_utf8(word).is_ok_and(|t| t.chars().filter(|&c| han(c)).nth(1).is_some())
    }

    /// Texts of which every key the query matches holds at least one: the longest word that must occur as it is
    /// or, when every word may occur as another spelling (a class: 三年级5班 as 三5班, 3年级5班 …), the word with
    /// the fewest spellings, in each of them. Empty for a query of no word.
    pub fn must_occur(&self) -> Vec<&[u8]> {
        if let Some(word) = self.longest_word() {
            // The word as typed rules out every key without a middle dot as before; a key holding one (the
            // register's 「·」, the only one a kept name holds) goes on to be ranked, where the dot is left out.
            return match Self::may_skip_a_dot(word) {
                true => vec![word, "\u{b7}".as_bytes()],
                false => vec![word],
            };
        }
        self.words
            .iter()
            .zip(&self.spellings)
            .min_by_key(|(_, alts)| alts.len())
            .map(|(w, alts)| {
                std::iter::once(w.text().as_bytes()).chain(alts.iter().map(|a| a.text.as_bytes())).collect()
            })
            .unwrap_or_default()
    }

    /// Whether `self` can only match a subset of what `earlier` matched, so the caller may narrow the
    /// previous results instead of scanning everything: typing one more character, or a space and another word
    /// (every word must match, so a word added only takes keys away). `李 3班` narrows `李`, not `李 3`: the
    /// digit 3 is looked for in the number and the class, the class word 3班 in the name too.
    pub fn narrows(&self, earlier: &Query) -> bool {
        !earlier.is_empty()
            && self.masked == earlier.masked
            && self.words.len() >= earlier.words.len()
            && self.words.iter().zip(&earlier.words).enumerate().all(|(i, (now, before))| {
                let same_kind_and_longer = match (now, before) {
                    // A masked number is found by its whole self where its first digits found nothing: one digit
                    // more narrows nothing.
                    (Word::Digits(a), Word::Digits(b)) if self.masked => a == b,
                    (Word::Letters(a), Word::Letters(b))
                    | (Word::Digits(a), Word::Digits(b))
                    | (Word::Text(a), Word::Text(b)) => a.contains(b.as_str()),
                    _ => false,
                };
                // A key that one of the new spellings occurs in must hold the old word or an old spelling.
                same_kind_and_longer
                    && self.spellings[i].iter().all(|now| {
                        now.text.contains(before.text())
                            || earlier.spellings[i].iter().any(|old| now.text.contains(old.text.as_str()))
                    })
            })
    }

    /// The rank of a packed key, or `None` when some word matches nothing. Allocates nothing: it runs for
    /// every pupil on every keystroke.
    pub fn rank(&self, key: &str) -> Option<u32> {
        self.rank_bytes(&Fields::parse(key).bytes())
    }

    /// Whether every word is part of a number (digits, possibly ending in X): such words are looked for in the
    /// ID number and the class alone, so a caller may rank them from those two fields without the rest of the
    /// key (`rank_number`).
    pub fn is_numbers_only(&self) -> bool {
        !self.words.is_empty() && self.words.iter().all(|w| matches!(w, Word::Digits(_)))
    }

    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// Per word, how it occurs in the class `class` (as typed or as another spelling of the class), appended to
    /// `out`: for a caller that ranks many pupils of few classes, once per class rather than once per pupil
    /// (`rank_beside_class`). A class word's spellings were most of the matching.
    pub fn class_kinds(&self, class: &[u8], out: &mut Vec<Option<MatchKind>>) {
        for ((w, f), alts) in self.words.iter().zip(&self.finders).zip(&self.spellings) {
            let mut best = match_field(class, w.text().as_bytes(), f, None);
            for a in alts {
                best = match_field(class, a.text.as_bytes(), &a.finder, best).or(best);
            }
            out.push(best);
        }
    }

    /// `rank_bytes` from the fields other than the class and the class's `class_kinds`: the same rank.
    pub fn rank_beside_class(&self, e: &FieldBytes<'_>, class_kinds: &[Option<MatchKind>]) -> Option<u32> {
        let mut total = 0u32;
        for ((w, f), &in_class) in self.words.iter().zip(&self.finders).zip(class_kinds) {
            let mut best = in_class;
            match w {
                Word::Letters(s) => {
                    let s = s.as_bytes();
                    best = match_variants(e.initials, s, f, best).or(best);
                    best = match_variants(e.pinyin, s, f, best).or(best);
                    best = match_field(e.name, s, f, best).or(best);
                }
                Word::Digits(s) => best = self.match_id(e.id_number, s.as_bytes(), f, best).or(best),
                Word::Text(s) => best = match_name(e.name, s.as_bytes(), f, best).or(best),
            }
            total += best? as u32;
        }
        Some(total)
    }

    /// `rank_beside_class` for a numbers-only query (`is_numbers_only`), from the pupil's ID number alone: the
    /// same rank, reading a few bytes per pupil instead of the whole key (at half a million pupils, every digit
    /// typed of a number they all begin with ranks them all again, and reading their keys was most of it).
    #[inline]
    pub fn rank_number(&self, id_number: &[u8], class_kinds: &[Option<MatchKind>]) -> Option<u32> {
        if !self.number_places.is_empty() && id_number.len() <= PLACED_NUMBER {
            return self.rank_placed_number(id_number, class_kinds);
        }
        let mut total = 0u32;
        for ((w, f), &in_class) in self.words.iter().zip(&self.finders).zip(class_kinds) {
            let best = self.match_id(id_number, w.text().as_bytes(), f, in_class).or(in_class);
            total += best? as u32;
        }
        Some(total)
    }

    /// `rank_number` of a masked query from `number_places`: each word compared at the places a number of this
    /// length may hold it, best kind first, where [`match_masked_id`] would ask each of its rules.
    #[inline]
    fn rank_placed_number(&self, id_number: &[u8], class_kinds: &[Option<MatchKind>]) -> Option<u32> {
        let mut total = 0u32;
        let mut ascii = None;
        // The word's places for this length: `number_places` holds PLACED_NUMBER + 1 lengths a word.
        let mut word_places = id_number.len();
        for (w, &in_class) in self.words.iter().zip(class_kinds) {
            let places = self.number_places.get(word_places).map_or(&[][..], Vec::as_slice);
            word_places += PLACED_NUMBER + 1;
            let word = w.text().as_bytes();
            let mut best = in_class;
            for &(at, kind) in places {
                if best.is_some_and(|b| kind >= b) {
                    break;
                }
                let at = usize::from(at);
                // Only a number of ASCII characters is cut by places (a number kept as typed is found whole).
                if id_number.get(at..at + word.len()).is_some_and(|f| same(f, word))
                    && (kind == MatchKind::Exact || *ascii.get_or_insert_with(|| id_number.is_ascii()))
                {
                    best = Some(kind);
                    break;
                }
            }
            total += best? as u32;
        }
        Some(total)
    }

    /// `rank` for a key already split into its fields, as bytes: a caller that keeps the split (the TUI, which
    /// ranks the same half million keys on every keystroke) saves parsing, which costs as much as the matching.
    pub fn rank_bytes(&self, e: &FieldBytes<'_>) -> Option<u32> {
        let mut total = 0u32;
        for ((w, f), alts) in self.words.iter().zip(&self.finders).zip(&self.spellings) {
            // Fields in a fixed order, each asked only for a better kind of match than the best so far: once an
            // ID number matches as a prefix, the class can only beat it by being the word itself.
            let mut best = None;
            match w {
                Word::Letters(s) => {
                    let s = s.as_bytes();
                    best = match_variants(e.initials, s, f, best).or(best);
                    best = match_variants(e.pinyin, s, f, best).or(best);
                    best = match_field(e.name, s, f, best).or(best);
                    best = match_field(e.class, s, f, best).or(best);
                }
                Word::Digits(s) => {
                    let s = s.as_bytes();
                    best = self.match_id(e.id_number, s, f, best).or(best);
                    best = match_field(e.class, s, f, best).or(best);
                }
                Word::Text(s) => {
                    let s = s.as_bytes();
                    best = match_name(e.name, s, f, best).or(best);
                    best = match_field(e.class, s, f, best).or(best);
                    for a in alts {
                        best = match_field(e.class, a.text.as_bytes(), &a.finder, best).or(best);
                    }
                }
            }
            total += best? as u32;
        }
        Some(total)
    }
}

/// The digits of a birth date typed as a date, as the ID number holds them from its 7th digit: a year of 19xx or
/// 20xx, then a month (1–12) and a day (1–31), each of one or two digits, after the same `.`, `/` or `-`, or as
/// 2018年10月27日; the day may be left out (2018.10, 2018年10月 → 201810), and a year alone is 2018年. `None` for
/// any other word, digits alone among them (20181027 is already the digits).
fn typed_birth_date(word: &str) -> Option<String> {
    let year = word.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit()) && matches!(&y[..2], "19" | "20"))?;
    let rest = &word[4..];
    // The parts after the year, each a number and the mark before it; a 年/月/日 date ends in its mark.
    let (seps, rest): ([&str; 2], &str) = if let Some(rest) = rest.strip_prefix('年') {
        (["", "月"], rest.strip_suffix('日').or_else(|| rest.strip_suffix('月')).unwrap_or(rest))
    } else {
        let sep = rest.get(..1).filter(|s| matches!(*s, "." | "/" | "-"))?;
        ([sep, sep], rest)
    };
    let mut digits = year.to_owned();
    let mut rest = rest;
    for (i, (sep, most)) in seps.iter().zip([12u32, 31]).enumerate() {
        if rest.is_empty() && (i > 0 || sep.is_empty()) {
            break;
        }
        rest = rest.strip_prefix(sep)?;
        // The mark typed, the number not yet (2018.): the date so far.
        if rest.is_empty() {
            break;
        }
        let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let part = &rest[..end];
        let n: u32 = part.parse().ok().filter(|n| part.len() <= 2 && (1..=most).contains(n))?;
        digits.push_str(&format!("{n:02}"));
        rest = &rest[end..];
    }
    rest.is_empty().then_some(digits)
}

/// Whether `text` has the shape of a whole ID number: 17 digits and a digit or X, or an old 15-digit one.
fn whole_number_shape(text: &str) -> bool {
    let b = text.as_bytes();
    match b.len() {
        18 => b[..17].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || matches!(b[17], b'x' | b'X')),
        15 => b.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

impl Query {
    /// How the word of digits `word` occurs in the ID number `field`, as [`match_field`] says or, while numbers
    /// are masked, as [`match_masked_id`] does.
    #[inline]
    fn match_id(
        &self,
        field: &[u8],
        word: &[u8],
        finder: &memmem::Finder<'_>,
        than: Option<MatchKind>,
    ) -> Option<MatchKind> {
        if self.masked { match_masked_id(field, word, than) } else { match_field(field, word, finder, than) }
    }
}

/// How many characters of each end of an ID number the screen shows while it is masked (`id_number::mask`).
const SHOWN_ENDS: usize = 4;

/// The longest number whose places a masked query works out ahead (`Query::number_places`): an ID number's 18.
const PLACED_NUMBER: usize = 18;

/// The longest tail of a masked number that finds it: the last four to six digits, as a parent reads them out
/// at the counter (the last four are on the screen; the two before them are the birth day).
const TAIL: std::ops::RangeInclusive<usize> = SHOWN_ENDS..=6;

/// How the word of digits `word` occurs in the ID number `field` while numbers are masked, looking only for
/// kinds better than `than`. A word finds the number it is whole (an 18-character number read out by a parent),
/// or where it confirms only what the screen shows or the counter is told: within the first or the last four
/// characters the mask shows, as the last four to six ([`TAIL`]), or as the birth date in its place (digits 7 to
/// 14: the year, the year and month the detail screen shows, or the whole date). Any other fragment (a prefix
/// longer than four, `6031` in the middle) finds nothing: it would confirm digits the mask hides, and typed a
/// digit at a time would read the whole number off the list.
fn match_masked_id(field: &[u8], word: &[u8], than: Option<MatchKind>) -> Option<MatchKind> {
    let better = |kind: MatchKind| than.is_none_or(|t| kind < t);
    let (n, w) = (field.len(), word.len());
    if w == 0 || w > n {
        return None;
    }
    if w == n {
        return (same(field, word) && better(MatchKind::Exact)).then_some(MatchKind::Exact);
    }
    // A number of eight characters or fewer is masked whole; a number of other characters than ASCII (a cell
    // kept as it was typed) is not cut by bytes here.
    if n <= 2 * SHOWN_ENDS || !field.is_ascii() {
        return None;
    }
    let at = |p: usize| field.get(p..p + w).is_some_and(|f| same(f, word));
    if w <= SHOWN_ENDS && at(0) {
        return better(MatchKind::Prefix).then_some(MatchKind::Prefix);
    }
    let within_head = w <= SHOWN_ENDS && (1..=SHOWN_ENDS - w).any(at);
    let within_tail = w <= SHOWN_ENDS && (n - SHOWN_ENDS..=n - w).any(at);
    let tail = TAIL.contains(&w) && at(n - w);
    // The birth date: YYYYMMDD of an 18-character number, YYMMDD of an old 15-digit one, from the 7th.
    let date = match n {
        18 => matches!(w, 4 | 6 | 8),
        15 => matches!(w, 4 | 6),
        _ => false,
    } && at(6);
    (better(MatchKind::Substring) && (within_head || within_tail || tail || date)).then_some(MatchKind::Substring)
}

/// Where a word of `w` digits may occur in a masked ID number of `n` ASCII characters, and the kind each place
/// gives, best first: [`match_masked_id`]'s rules as places (a number of other characters is found only whole).
fn masked_places(w: usize, n: usize) -> Vec<(u8, MatchKind)> {
    let mut places = Vec::new();
    if w == 0 || w > n {
        return places;
    }
    if w == n {
        places.push((0, MatchKind::Exact));
        return places;
    }
    if n <= 2 * SHOWN_ENDS {
        return places;
    }
    if w <= SHOWN_ENDS {
        places.push((0, MatchKind::Prefix));
    }
    let mut substring = |at: usize| {
        // `n` is at most PLACED_NUMBER, so every place fits in a byte.
        let place = (at as u8, MatchKind::Substring);
        if !places.contains(&place) {
            places.push(place);
        }
    };
    if w <= SHOWN_ENDS {
        (1..=SHOWN_ENDS - w).chain(n - SHOWN_ENDS..=n - w).for_each(&mut substring);
    }
    if TAIL.contains(&w) {
        substring(n - w);
    }
    let date = match n {
        18 => matches!(w, 4 | 6 | 8),
        15 => matches!(w, 4 | 6),
        _ => false,
    };
    if date {
        substring(6);
    }
    places
}

/// How `word` occurs in `field`, looking only for kinds better than `than` (`None`: any kind).
fn match_field(field: &[u8], word: &[u8], finder: &memmem::Finder<'_>, than: Option<MatchKind>) -> Option<MatchKind> {
    let better = |kind: MatchKind| than.is_none_or(|t| kind < t);
    if field.len() < word.len() || !better(MatchKind::Exact) {
        None
    } else if field.len() == word.len() && same(field, word) {
        Some(MatchKind::Exact)
    } else if !better(MatchKind::Prefix) {
        None
    } else if same(&field[..word.len()], word) {
        Some(MatchKind::Prefix)
    } else if better(MatchKind::Substring) && contains(field, word, finder) {
        Some(MatchKind::Substring)
    } else {
        None
    }
}

/// `text` without the middle dots typed beside a Chinese character (·, •, ．, ., 丶, ‧, ・ …: whatever the keyboard
/// gives, or none at all): a name is looked for without its dots (`match_name`), so 阿依古丽买买提 and 阿依古丽•买买提
/// find 阿依古丽·买买提 as 阿依古丽 买买提 does. A dot between digits (2018.10.27, 4.50202e+17) stays.
fn without_name_dots(text: &str) -> String {
    let dot = |c: char| crate::domain::name_alike::is_name_dot(c) || c == '\u{4e36}';
    if !text.chars().any(dot) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let han_at = |at: Option<usize>| at.and_then(|at| chars.get(at)).is_some_and(|&c| han(c) && !dot(c));
    chars
        .iter()
        .enumerate()
        .filter(|&(at, &c)| !(dot(c) && (han_at(at.checked_sub(1)) || han_at(Some(at + 1)))))
        .map(|(_, &c)| c)
        .collect()
}

/// How `word` occurs in a pupil's name, or in the name without its middle dots when it holds one (the register's
/// 「·」, U+00B7, the only one a kept Chinese name holds: `io::cell::clean_name`), whichever is better: the query
/// leaves a dot out.
#[inline]
fn match_name(name: &[u8], word: &[u8], finder: &memmem::Finder<'_>, than: Option<MatchKind>) -> Option<MatchKind> {
    let found = match_field(name, word, finder, than);
    if found == Some(MatchKind::Exact) || !name.windows(2).any(|pair| pair == [0xc2, 0xb7]) {
        return found;
    }
    let mut dotless = Vec::with_capacity(name.len());
    let mut at = 0;
    while at < name.len() {
        if name[at..].starts_with(&[0xc2, 0xb7]) {
            at += 2;
        } else {
            dotless.push(name[at]);
            at += 1;
        }
    }
    match_field(&dotless, word, finder, found.or(than)).or(found)
}

/// Equal bytes, compared in place: a pupil's fields are a few bytes long, and a call to `memcmp` for each was
/// a tenth of a keystroke at 500k pupils.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Whether `word` occurs in `field`. A field is a name, an ID number or a class: shorter than it takes the
/// vector searcher to get going, so short ones are scanned directly.
#[inline]
fn contains(field: &[u8], word: &[u8], finder: &memmem::Finder<'_>) -> bool {
    let Some((&first, rest)) = word.split_first() else { return true };
    let Some(last_start) = field.len().checked_sub(word.len()) else { return false };
    if field.len() > 48 {
        return finder.find(field).is_some();
    }
    field[..=last_start].iter().enumerate().any(|(i, &b)| b == first && same(&field[i + 1..i + word.len()], rest))
}

fn match_variants(
    field: &[u8],
    word: &[u8],
    finder: &memmem::Finder<'_>,
    than: Option<MatchKind>,
) -> Option<MatchKind> {
    let mut best = None;
    for variant in field.split(|&b| b == b' ') {
        best = match_field(variant, word, finder, best.or(than)).or(best);
    }
    best
}

/// The pupils' search data, held in memory for as-you-type search.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// student id → index in `entries`, so narrowing a result needs no scan.
    position: std::collections::HashMap<i64, usize>,
}

impl SearchIndex {
    pub fn new(entries: Vec<Entry>) -> Self {
        let position = entries.iter().enumerate().map(|(i, e)| (e.student_id, i)).collect();
        SearchIndex { entries, position }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// All matches, best first; ties keep the index's order (the roster's, when built from it).
    pub fn search(&self, query: &Query) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .filter_map(|e| query.rank(&e.key).map(|rank| Hit { student_id: e.student_id, rank }))
            .collect();
        hits.sort_by_key(|h| h.rank);
        hits
    }

    /// Re-ranks a previous result for a narrower query without scanning the whole index.
    pub fn search_within(&self, query: &Query, previous: &[Hit]) -> Vec<Hit> {
        let mut hits: Vec<(usize, Hit)> = previous
            .iter()
            .filter_map(|h| self.position.get(&h.student_id).map(|&p| (p, &self.entries[p])))
            .filter_map(|(p, e)| query.rank(&e.key).map(|rank| (p, Hit { student_id: e.student_id, rank })))
            .collect();
        hits.sort_by_key(|(p, h)| (h.rank, *p));
        hits.into_iter().map(|(_, h)| h).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_the_query_matches_holds_one_of_the_texts_it_must_hold() {
        let classes =
            ["三年级5班", "三年级(5)班", "3年级5班", "初一2班", "七年级2班", "高一3班", "5班", "四年级5班", ""];
        let names = ["王子涵", "欧阳明", "吕雪", "张三"];
        let keys: Vec<String> =
            classes.iter().flat_map(|c| names.iter().map(move |n| pack_key(n, "450202201505051234", c))).collect();
        let queries = [
            "三年级5班",
            "三5班",
            "3年级5班",
            "三（5）班",
            "5班",
            "初一2班",
            "七2班",
            "高一3",
            "王 三5班",
            "wzh",
            "lv",
            "1234",
            "张三",
            "zhang 5班",
        ];
        for q in queries {
            let query = Query::parse(q);
            let texts = query.must_occur();
            assert!(!texts.is_empty(), "{q}: nothing to rule keys out by");
            let holds = |key: &str| texts.iter().any(|t| memmem::find(key.as_bytes(), t).is_some());
            let mut matched = 0;
            for key in &keys {
                if query.rank(key).is_some() {
                    matched += 1;
                    assert!(holds(key), "{q} matches {key:?}, which holds none of what it must");
                }
            }
            assert!(matched > 0, "{q} matched no key: the test would prove nothing");
        }
        // A class's spellings still rule the other classes out.
        let query = Query::parse("三年级5班");
        let texts = query.must_occur();
        let other = pack_key("王子涵", "450202201505051234", "四年级5班");
        assert!(!texts.iter().any(|t| memmem::find(other.as_bytes(), t).is_some()), "{texts:?}");
    }

    fn entry(id: i64, name: &str, number: &str, class: &str) -> Entry {
        Entry::new(id, name, number, class)
    }

    fn index() -> SearchIndex {
        SearchIndex::new(vec![
            entry(1, "张三", "45020220150101123X", "三年级2班"),
            entry(2, "张三丰", "450202201502021234", "三年级1班"),
            entry(3, "李四", "450202201603035678", "二年级1班"),
            entry(4, "单小明", "511502201404044321", "四年级3班"),
            entry(5, "曾子墨", "511502201404041111", "四年级3班"),
        ])
    }

    fn ids(hits: &[Hit]) -> Vec<i64> {
        hits.iter().map(|h| h.student_id).collect()
    }

    #[test]
    fn name_substring_with_exact_first() {
        let hits = index().search(&Query::parse("张三"));
        assert_eq!(ids(&hits), vec![1, 2]);
        assert!(hits[0].rank < hits[1].rank);
    }

    /// An ID number pasted with dashes finds its pupil, as one with spaces or full-width digits does, where it
    /// found nobody; a word with a dash that is no number is left as typed.
    #[test]
    fn an_id_number_pasted_with_dashes_finds_its_pupil() {
        for q in
            ["450202-20150101-123X", "450202-20150101-123x", "４５０２０２－２０１５０１０１－１２３Ｘ", "0101-123x"]
        {
            assert_eq!(ids(&index().search(&Query::parse(q))), vec![1], "{q}");
        }
        assert!(matches!(Query::parse("a-b").words[..], [Word::Text(ref t)] if t == "a-b"));
    }

    #[test]
    fn initials_and_full_pinyin() {
        assert_eq!(ids(&index().search(&Query::parse("zs"))), vec![1, 2]);
        assert_eq!(ids(&index().search(&Query::parse("ZSF"))), vec![2]);
        assert_eq!(ids(&index().search(&Query::parse("zhangsanf"))), vec![2]);
        assert_eq!(ids(&index().search(&Query::parse("shanx"))), vec![4]);
        assert_eq!(ids(&index().search(&Query::parse("zzm"))), vec![5]);
    }

    /// 单 盖 朴 read as surnames (shan ge piao) first; typed as read every day (dan gai pu) they still find
    /// the pupil, after the pupils whose name reads so.
    #[test]
    fn a_surnames_everyday_reading_finds_it_ranked_below_the_surname_reading() {
        let index = SearchIndex::new(vec![
            entry(1, "单涛泽", "", "一年级1班"),
            entry(2, "盖杰俊", "", "一年级1班"),
            entry(3, "朴铭杰", "", "一年级1班"),
            entry(4, "但丽", "", "一年级1班"),
            entry(5, "欧阳娜娜", "", "一年级1班"),
        ]);
        assert_eq!(ids(&index.search(&Query::parse("shan"))), vec![1]);
        assert_eq!(ids(&index.search(&Query::parse("dan"))), vec![4, 1]);
        assert_eq!(ids(&index.search(&Query::parse("gai"))), vec![2]);
        assert_eq!(ids(&index.search(&Query::parse("gaijiejun"))), vec![2]);
        assert_eq!(ids(&index.search(&Query::parse("gjj"))), vec![2]);
        assert_eq!(ids(&index.search(&Query::parse("pu"))), vec![3]);
        assert_eq!(ids(&index.search(&Query::parse("pmj"))), vec![3]);
        let surname = index.search(&Query::parse("piao"));
        let everyday = index.search(&Query::parse("pu"));
        assert!(surname[0].rank < everyday[0].rank, "{surname:?} {everyday:?}");
    }

    #[test]
    fn id_fragment_and_lowercase_x() {
        assert_eq!(ids(&index().search(&Query::parse("0101123x"))), vec![1]);
        assert_eq!(ids(&index().search(&Query::parse("5678"))), vec![3]);
        // A prefix of the ID ranks before a fragment in the middle.
        let hits = index().search(&Query::parse("5115"));
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.rank == MatchKind::Prefix as u32));
    }

    /// While numbers are masked, a fragment finds a pupil only where it confirms what the screen shows
    /// (4502**********5678) or what the counter is told: the whole number, its last four to six digits, the birth
    /// date in its place. A prefix longer than the four shown, or digits from the middle, find nobody: typed a
    /// digit at a time they read the hidden digits off the list. Shown whole (`r`), any fragment finds.
    #[test]
    fn a_masked_number_is_found_whole_by_its_tail_or_birth_date_never_by_hidden_digits() {
        let idx = index();
        let masked = |q: &str| ids(&idx.search(&Query::parse(q).masked(true)));
        let shown = |q: &str| ids(&idx.search(&Query::parse(q).masked(false)));
        for probe in ["45020220160303", "4502022", "450202", "1603", "0303", "03035678", "1603035678", "2016030"] {
            assert_eq!(masked(probe), Vec::<i64>::new(), "{probe} confirms hidden digits");
            assert!(shown(probe).contains(&3), "{probe} shown whole");
        }
        for road in ["450202201603035678", "450202-20160303-5678", "5678", "35678", "035678", "20160303", "201603"] {
            assert_eq!(masked(road), vec![3], "{road}");
        }
        assert_eq!(masked("45020220150101123x"), vec![1]);
        // Read out in groups, as a 户口本 prints it, the whole number is still one number.
        for grouped in
            ["450202 20160303 5678", "450202  20160303 5678", "4502 0220 1603 0356 78", "450202-20160303 5678"]
        {
            assert_eq!(masked(grouped), vec![3], "{grouped}");
            assert_eq!(shown(grouped), vec![3], "{grouped}");
        }
        assert_eq!(masked("123X"), vec![1]);
        // The four shown at the start, and a part of them, still find every number they begin.
        assert_eq!(masked("4502"), vec![1, 2, 3]);
        assert_eq!(masked("5115"), vec![4, 5]);
        assert_eq!(masked("02"), vec![1, 2, 3], "02 of the shown 4502 (and of no class)");
    }

    #[test]
    fn class_and_words_combine() {
        assert_eq!(ids(&index().search(&Query::parse("四年级3班"))), vec![4, 5]);
        assert_eq!(ids(&index().search(&Query::parse("三年级 zs"))), vec![1, 2]);
        assert_eq!(ids(&index().search(&Query::parse("三年级２班"))), vec![1]);
        assert!(index().search(&Query::parse("王五")).is_empty());
    }

    #[test]
    fn u_umlaut_typed_as_v_or_u() {
        let idx = SearchIndex::new(vec![
            entry(1, "吕小明", "", "一年级1班"),
            entry(2, "王女", "", "一年级1班"),
            entry(3, "路明", "", "一年级1班"),
        ]);
        assert_eq!(ids(&idx.search(&Query::parse("lv"))), vec![1]);
        assert_eq!(ids(&idx.search(&Query::parse("lü"))), vec![1]);
        assert_eq!(ids(&idx.search(&Query::parse("lvxiaoming"))), vec![1]);
        let lu = ids(&idx.search(&Query::parse("lu")));
        assert!(lu.contains(&1) && lu.contains(&3), "{lu:?}");
        assert_eq!(ids(&idx.search(&Query::parse("luxiaoming"))), vec![1]);
        assert_eq!(ids(&idx.search(&Query::parse("wangnv"))), vec![2]);
        assert_eq!(ids(&idx.search(&Query::parse("wangnu"))), vec![2]);
        assert_eq!(ids(&idx.search(&Query::parse("lxm"))), vec![1]);
    }

    #[test]
    fn a_class_is_found_as_lists_write_it() {
        let idx = SearchIndex::new(vec![
            entry(1, "张三", "", "九年级6班"),
            entry(2, "李四", "", "初三6班"),
            entry(3, "王五", "", "三年级6班"),
            entry(4, "赵六", "", "高一2班"),
            entry(5, "钱七", "", "九年级16班"),
        ]);
        for query in ["九年级(6)班", "九年级（6）班", "9年级6班", "初三6班", "九年级6班", "初三（6）班"]
        {
            assert_eq!(ids(&idx.search(&Query::parse(query))), vec![1, 2], "{query}");
        }
        assert_eq!(ids(&idx.search(&Query::parse("初三"))), vec![1, 2, 5]);
        assert_eq!(ids(&idx.search(&Query::parse("十年级2班"))), vec![4]);
        assert_eq!(ids(&idx.search(&Query::parse("高一(2)班"))), vec![4]);
        assert_eq!(ids(&idx.search(&Query::parse("初三6班 zs"))), vec![1]);
        // A spelled-out class matches as exactly as the label itself.
        let hits = idx.search(&Query::parse("初三6班"));
        assert!(hits.iter().all(|h| h.rank == MatchKind::Exact as u32), "{hits:?}");
    }

    #[test]
    fn typing_a_class_narrows_step_by_step() {
        let idx = SearchIndex::new(vec![entry(1, "张三", "", "九年级6班"), entry(2, "李四", "", "初三6班")]);
        let mut previous: Option<(Query, Vec<Hit>)> = None;
        for typed in ["初", "初三", "初三6", "初三6班"] {
            let q = Query::parse(typed);
            let fresh = idx.search(&q);
            if let Some((earlier, hits)) = &previous
                && q.narrows(earlier)
            {
                assert_eq!(idx.search_within(&q, hits), fresh, "{typed}");
            }
            previous = Some((q, fresh));
        }
        assert_eq!(previous.map(|(_, h)| ids(&h)), Some(vec![1, 2]));
    }

    #[test]
    fn a_number_as_a_spreadsheet_printed_it_is_found_as_stored() {
        let idx = SearchIndex::new(vec![entry(1, "张三", "4.50202E+17", "一年级1班"), entry(2, "李四", "", "4.5班")]);
        assert_eq!(ids(&idx.search(&Query::parse("4.50202e+17"))), vec![1]);
        assert_eq!(ids(&idx.search(&Query::parse("4.50202E+17"))), vec![1]);
    }

    #[test]
    fn narrowing_matches_a_full_scan() {
        let idx = index();
        let first = Query::parse("z");
        let second = Query::parse("zs");
        assert!(second.narrows(&first));
        assert!(!first.narrows(&second));
        let narrowed = idx.search_within(&second, &idx.search(&first));
        assert_eq!(narrowed, idx.search(&second));
    }

    /// A word added after a space only takes keys away: the results of the words before it are narrowed, not
    /// the whole roster scanned again. A word that changed kind (3 to 3班) narrows nothing it replaced.
    #[test]
    fn another_word_narrows_the_words_before_it() {
        let idx = index();
        for (earlier, later) in [("z", "z 1"), ("z", "zs 1班"), ("45", "45 z"), ("张", "张 z 1")] {
            let (earlier, later) = (Query::parse(earlier), Query::parse(later));
            assert!(later.narrows(&earlier), "{later:?}");
            assert!(!earlier.narrows(&later), "{earlier:?}");
            assert_eq!(idx.search_within(&later, &idx.search(&earlier)), idx.search(&later));
        }
        for (earlier, later) in [("z 1", "z 1班"), ("z 1", "1 z"), ("z s", "z")] {
            assert!(!Query::parse(later).narrows(&Query::parse(earlier)), "{earlier} -> {later}");
        }
    }

    /// The rank as the rules say it, written the plain way: every field, every kind, the best taken. The
    /// fast matcher (fields asked only for better kinds, bytes compared in place) must agree on any key.
    fn reference_rank(query: &Query, key: &str) -> Option<u32> {
        let e = Fields::parse(key);
        let kind = |field: &str, word: &str| {
            if field == word {
                Some(MatchKind::Exact)
            } else if field.starts_with(word) {
                Some(MatchKind::Prefix)
            } else if field.contains(word) {
                Some(MatchKind::Substring)
            } else {
                None
            }
        };
        let variants = |field: &str, word: &str| field.split(' ').filter_map(|v| kind(v, word)).min();
        let mut total = 0;
        for (w, alts) in query.words.iter().zip(&query.spellings) {
            let best = match w {
                Word::Letters(s) => [variants(e.initials, s), variants(e.pinyin, s), kind(e.name, s), kind(e.class, s)]
                    .into_iter()
                    .flatten()
                    .min(),
                Word::Digits(s) => [kind(e.id_number, s), kind(e.class, s)].into_iter().flatten().min(),
                Word::Text(s) => [kind(e.name, s), kind(&e.name.replace('\u{b7}', ""), s), kind(e.class, s)]
                    .into_iter()
                    .chain(alts.iter().map(|a| kind(e.class, &a.text)))
                    .flatten()
                    .min(),
            }?;
            total += best as u32;
        }
        Some(total)
    }

    proptest::proptest! {
        #[test]
        fn the_fast_matcher_ranks_as_the_rules_say(
            name in "[张李王三丰aA ]{0,6}",
            id in "[0-9X]{0,18}",
            class in "[一二三七九初高年级班12()（） ]{0,7}",
            query in "[张李三丰azs0-9Xx年级班初高九()（） ]{0,6}",
        ) {
            let key = pack_key(&name, &id, &class);
            let q = Query::parse(&query);
            proptest::prop_assert_eq!(q.rank(&key), reference_rank(&q, &key), "key {:?} query {:?}", key, query);
            // Ranked with the class's kinds worked out apart, as the roster does once per class.
            let fields = Fields::parse(&key).bytes();
            let mut kinds = Vec::new();
            q.class_kinds(fields.class, &mut kinds);
            proptest::prop_assert_eq!(q.rank_beside_class(&fields, &kinds), q.rank(&key), "key {:?} query {:?}", key, query);
            // A word missing from the fields other than the class holds a bit they lack (the roster's skip).
            let bit = |c: char| 1u64 << (c as u32 % 64);
            let beside: u64 = [fields.name, fields.pinyin, fields.initials, fields.id_number]
                .iter()
                .flat_map(|f| String::from_utf8_lossy(f).chars().collect::<Vec<_>>())
                .fold(0, |m, c| m | bit(c));
            let need: u64 = q.word_masks(bit).iter().zip(&kinds).filter(|(_, k)| k.is_none()).fold(0, |n, (m, _)| n | m);
            if beside & need != need {
                proptest::prop_assert_eq!(q.rank(&key), None, "key {:?} query {:?}", key, query);
            }
        }

        /// A query of digits alone ranks a pupil from the number and the class's kinds as from the whole key.
        #[test]
        fn a_number_ranks_from_its_two_fields_as_from_the_key(
            name in "[张李12 ]{0,4}",
            id in "[0-9X.E+]{0,20}",
            class in "[一三年级班12X ]{0,6}",
            words in proptest::collection::vec(
                proptest::prop_oneof!["[0-9]{1,4}[Xx]?", "[0-9][.][0-9]{1,3}[eE][+]1[0-9]?"],
                1..3,
            ),
        ) {
            let key = pack_key(&name, &id, &class);
            let query = words.join(" ");
            let q = Query::parse(&query);
            proptest::prop_assert!(q.is_numbers_only(), "{:?}", query);
            let fields = Fields::parse(&key).bytes();
            let mut kinds = Vec::new();
            q.class_kinds(fields.class, &mut kinds);
            proptest::prop_assert_eq!(kinds.len(), q.word_count());
            proptest::prop_assert_eq!(q.rank_number(fields.id_number, &kinds), q.rank(&key), "key {:?} query {:?}", key, query);
            // Masked, the three ways rank alike too, and find no pupil the number shown whole would not.
            let m = q.clone().masked(true);
            proptest::prop_assert_eq!(m.rank_number(fields.id_number, &kinds), m.rank(&key), "masked key {:?} query {:?}", key, query);
            proptest::prop_assert_eq!(m.rank_beside_class(&fields, &kinds), m.rank(&key), "masked key {:?} query {:?}", key, query);
            if m.rank(&key).is_some() {
                proptest::prop_assert!(q.rank(&key).is_some(), "key {:?} query {:?}", key, query);
            }
        }
    }

    /// A birth date typed as people write it is the date's digits in the number, found while masked as the
    /// digits are: 2016.3.3, 2016/03/03, 2016年3月3日 find the pupil born 2016-03-03 (李四), and
    /// the year and month alone find the month's; a date not in any number, or no date, finds nobody.
    #[test]
    fn a_birth_date_typed_with_marks_finds_its_pupil_while_masked() {
        let idx = index();
        for masked in [true, false] {
            let found = |q: &str| ids(&idx.search(&Query::parse(q).masked(masked)));
            for date in [
                "2016.03.03",
                "2016.3.3",
                "2016/03/03",
                "2016/3/3",
                "2016-03-03",
                "2016-3-3",
                "2016年3月3日",
                "2016年03月03日",
                "２０１６．３．３",
                "2016.03",
                "2016年3月",
                "2016年",
                "2016.",
            ] {
                assert_eq!(found(date), vec![3], "{date} masked {masked}");
            }
            // 张三 was born 2015-01-01, 张三丰 2015-02-02: the year finds both, the month one.
            assert_eq!(found("2015.1.1"), vec![1], "masked {masked}");
            assert_eq!(found("2015/2"), vec![2], "masked {masked}");
            for nothing in ["2016.3.4", "2016.13.3", "2016/3-3", "2016.3.3.3", "2016年3月3日日"] {
                assert_eq!(found(nothing), Vec::<i64>::new(), "{nothing} masked {masked}");
            }
        }
    }
    /// What a search must hold ahead of ranking lets through every key the query matches: a part of a name
    /// starting inside it (沙江, 丽买买提), with the name's middle dot left out anywhere in it, while an ordinary
    /// name still rules other names out by the whole word typed.
    #[test]
    fn what_must_occur_lets_a_dotted_name_through_typed_without_its_dot() {
        let keys = [
            pack_key("木·沙江", "653101201505051234", "三年级5班"),
            pack_key("阿依古丽·买买提", "653101201505051235", "三年级5班"),
            pack_key("阿卜杜·热合曼·买买提", "653101201505051236", "三年级5班"),
            pack_key("王小明", "450202201505051234", "三年级5班"),
        ];
        let holds =
            |q: &str, key: &str| Query::parse(q).must_occur().iter().any(|t| memmem::find(key.as_bytes(), t).is_some());
        for (q, key) in [
            ("木沙江", &keys[0]),
            ("沙江", &keys[0]),
            ("木·沙江", &keys[0]),
            ("阿依古丽买买提", &keys[1]),
            ("丽买买提", &keys[1]),
            ("古丽买", &keys[1]),
            ("杜热合曼买", &keys[2]),
            ("王小明", &keys[3]),
            ("小明", &keys[3]),
        ] {
            assert!(Query::parse(q).rank(key).is_some(), "{q} does not match {key:?}");
            assert!(holds(q, key), "{q} matches {key:?} but rules it out ahead");
        }
        // An ordinary name is looked for whole ahead, as before: 王小明 rules 王小红 out, not only 王小's.
        assert!(!holds("王小明", &pack_key("王小红", "450202201505051237", "三年级5班")));
    }
}

#[cfg(test)]
mod masked_places {
    use super::*;

    proptest::proptest! {
        /// A masked number ranked from the places worked out ahead ranks as the rules of a masked number say, for
        /// numbers of any length and characters and words of any length, found in them or not.
        #[test]
        fn a_masked_number_ranks_from_its_places_as_the_rules_say(
            id in proptest::prop_oneof!["[0-9X]{0,19}", "[0-9李]{0,12}", "[0-9]{15}"],
            class in "[一三年级班12X ]{0,6}",
            from in 0usize..19,
            words in proptest::collection::vec(proptest::prop_oneof!["[0-9]{1,18}[Xx]?", "[0-9]{1,8}"], 1..3),
        ) {
            // The first word a piece of the number, so that the places are found as well as missed.
            let piece: String = id.chars().skip(from % (id.chars().count() + 1)).take(words[0].len()).collect();
            let digits = piece.strip_suffix('X').unwrap_or(&piece);
            let piece = match !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                true => piece,
                false => words[0].clone(),
            };
            let query = std::iter::once(piece).chain(words.into_iter().skip(1)).collect::<Vec<_>>().join(" ");
            let key = pack_key("张三", &id, &class);
            let q = Query::parse(&query).masked(true);
            proptest::prop_assert!(q.is_numbers_only(), "{:?}", query);
            let fields = Fields::parse(&key).bytes();
            let mut kinds = Vec::new();
            q.class_kinds(fields.class, &mut kinds);
            let by_rules = q.rank_bytes(&fields);
            proptest::prop_assert_eq!(q.rank_number(fields.id_number, &kinds), by_rules, "key {:?} query {:?}", key, query);
        }
    }
}
