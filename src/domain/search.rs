//! The one search engine behind `canbao find` and the TUI's as-you-type search: a query's words are matched
//! against name, pinyin, pinyin initials, ID number and class; every word must match somewhere; exact matches
//! rank before prefixes, prefixes before substrings.

use std::cmp::Ordering;

use memchr::memmem;

/// What a pupil is searched by. Strings are stored lower-cased (ID numbers upper-case X) so matching does no
/// case work per keystroke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub student_id: i64,
    pub name: String,
    /// Variants separated by spaces: "zhangle zhangyue".
    pub pinyin: String,
    pub initials: String,
    pub id_number: String,
    pub class: String,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<Word>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let cleaned: String = text
            .chars()
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect();
        let words = cleaned
            .split_whitespace()
            .map(|w| {
                let lower = w.to_lowercase();
                let digits_then_x = lower.trim_end_matches('x');
                if !digits_then_x.is_empty()
                    && digits_then_x.bytes().all(|b| b.is_ascii_digit())
                    && lower.len() - digits_then_x.len() <= 1
                {
                    Word::Digits(lower.to_uppercase())
                } else if lower.bytes().all(|b| b.is_ascii_lowercase()) {
                    Word::Letters(lower)
                } else {
                    Word::Text(lower)
                }
            })
            .collect();
        Query { words }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether `self` can only match a subset of what `earlier` matched, so the caller may narrow the
    /// previous results instead of scanning everything (typing one more character).
    pub fn narrows(&self, earlier: &Query) -> bool {
        !earlier.is_empty()
            && self.words.len() == earlier.words.len()
            && self.words.iter().zip(&earlier.words).all(|(now, before)| match (now, before) {
                (Word::Letters(a), Word::Letters(b))
                | (Word::Digits(a), Word::Digits(b))
                | (Word::Text(a), Word::Text(b)) => a.contains(b.as_str()),
                _ => false,
            })
    }

    /// The rank of an entry, or `None` when some word matches nothing.
    pub fn rank(&self, e: &Entry) -> Option<u32> {
        let mut total = 0u32;
        for w in &self.words {
            let best = match w {
                Word::Letters(s) => best_of(&[
                    match_variants(&e.initials, s),
                    match_variants(&e.pinyin, s),
                    match_field(&e.name.to_lowercase(), s),
                    match_field(&e.class.to_lowercase(), s),
                ]),
                Word::Digits(s) => best_of(&[match_field(&e.id_number, s), match_field(&e.class, s)]),
                Word::Text(s) => best_of(&[match_field(&e.name, s), match_field(&e.class.to_lowercase(), s)]),
            }?;
            total += best as u32;
        }
        Some(total)
    }
}

fn best_of(kinds: &[Option<MatchKind>]) -> Option<MatchKind> {
    kinds.iter().flatten().min().copied()
}

fn match_field(field: &str, word: &str) -> Option<MatchKind> {
    if field.len() < word.len() {
        return None;
    }
    if field == word {
        Some(MatchKind::Exact)
    } else if field.starts_with(word) {
        Some(MatchKind::Prefix)
    } else if memmem::find(field.as_bytes(), word.as_bytes()).is_some() {
        Some(MatchKind::Substring)
    } else {
        None
    }
}

fn match_variants(field: &str, word: &str) -> Option<MatchKind> {
    field.split(' ').filter_map(|v| match_field(v, word)).min()
}

/// The pupils' search data, held in memory for as-you-type search.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    pub fn new(entries: Vec<Entry>) -> Self {
        SearchIndex { entries }
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

    /// Replaces or adds one pupil's entry after an edit.
    pub fn upsert(&mut self, entry: Entry) {
        match self.entries.iter_mut().find(|e| e.student_id == entry.student_id) {
            Some(slot) => *slot = entry,
            None => self.entries.push(entry),
        }
    }

    /// All matches, best first; ties in roster order (class, then name).
    pub fn search(&self, query: &Query) -> Vec<Hit> {
        let mut hits: Vec<(u32, &Entry)> = self.entries.iter().filter_map(|e| query.rank(e).map(|r| (r, e))).collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| roster_order(a.1, b.1)));
        hits.into_iter().map(|(rank, e)| Hit { student_id: e.student_id, rank }).collect()
    }

    /// Re-ranks a previous result for a narrower query without scanning the whole index.
    pub fn search_within(&self, query: &Query, previous: &[Hit]) -> Vec<Hit> {
        let by_id: std::collections::HashMap<i64, &Entry> = self.entries.iter().map(|e| (e.student_id, e)).collect();
        let mut hits: Vec<(u32, &Entry)> = previous
            .iter()
            .filter_map(|h| by_id.get(&h.student_id))
            .filter_map(|e| query.rank(e).map(|r| (r, *e)))
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| roster_order(a.1, b.1)));
        hits.into_iter().map(|(rank, e)| Hit { student_id: e.student_id, rank }).collect()
    }
}

/// Roster order: class, then name, then ID, so equal ranks come out in the order a teacher's list has.
pub fn roster_order(a: &Entry, b: &Entry) -> Ordering {
    a.class.cmp(&b.class).then_with(|| a.name.cmp(&b.name)).then_with(|| a.student_id.cmp(&b.student_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pinyin_keys::name_keys;

    fn entry(id: i64, name: &str, number: &str, class: &str) -> Entry {
        let k = name_keys(name);
        Entry {
            student_id: id,
            name: name.into(),
            pinyin: k.pinyin,
            initials: k.initials,
            id_number: number.into(),
            class: class.into(),
        }
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

    #[test]
    fn initials_and_full_pinyin() {
        assert_eq!(ids(&index().search(&Query::parse("zs"))), vec![1, 2]);
        assert_eq!(ids(&index().search(&Query::parse("ZSF"))), vec![2]);
        assert_eq!(ids(&index().search(&Query::parse("zhangsanf"))), vec![2]);
        assert_eq!(ids(&index().search(&Query::parse("shanx"))), vec![4]);
        assert_eq!(ids(&index().search(&Query::parse("zzm"))), vec![5]);
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

    #[test]
    fn class_and_words_combine() {
        assert_eq!(ids(&index().search(&Query::parse("四年级3班"))), vec![4, 5]);
        assert_eq!(ids(&index().search(&Query::parse("三年级 zs"))), vec![1, 2]);
        assert_eq!(ids(&index().search(&Query::parse("三年级２班"))), vec![1]);
        assert!(index().search(&Query::parse("王五")).is_empty());
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
}
