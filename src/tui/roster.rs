//! The roster held in memory: one compact row per pupil in roster order, their search keys beside them, and
//! the filters and search that decide which rows are shown. Sized for 500k pupils: no `Student` is kept per
//! row, and nothing here formats text.

use std::collections::HashMap;

use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::search::{FieldBytes, Fields, MatchKind, Query};
use crate::domain::student::{Enrollment, PaymentStatus, Student};
use crate::store::{Result, RosterRow, Store};

/// What the roster table shows of one pupil. The name and ID number are read from the search key, which holds
/// them already; only a name the key lower-cased is kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: i64,
    /// Index into `RosterData::classes`.
    pub class: u32,
    pub enrollment: Enrollment,
    pub payment: PaymentStatus,
    /// Indexes into `RosterData::category_names`.
    pub categories: Box<[u16]>,
    /// The roster marks the pupil 「!」 (`pupil_flags::flagged`): a number to verify, no name, or an adult's number.
    pub problem: bool,
    /// The number is to be verified (`Student::id_to_verify`): the dashboard's 「身份证号有问题」, as `stats` counts.
    pub id_to_verify: bool,
    /// Which of `categories` are carried from an earlier year and not certified again (待重新认定; bit `i` for
    /// `categories[i]`), each by its own certification year: the list marks each one as `find` does, and the
    /// dashboard's ledgers weigh them as none, as `stats` and the forms do, beside the ones certified this year.
    pub carried: u32,
    /// The family paid part of the amount due (`Store::part_payments`: 300 of 380): 部分缴费, still to collect.
    pub part_paid: bool,
    /// Name and ID number as stored, when the key does not hold them verbatim (Latin capitals).
    as_written: Option<Box<[Box<str>; 2]>>,
}

impl Row {
    /// The categories insured year shown weighs (indexes into `RosterData::category_names`): those certified for
    /// it, each on its own, as `Student::certified_in` leaves them; a carried one (`carried`) weighs nothing.
    pub fn certified_categories(&self) -> impl Iterator<Item = u16> + '_ {
        let carried = |i: usize| i < 32 && self.carried & (1 << i) != 0;
        self.categories.iter().enumerate().filter(move |&(i, _)| !carried(i)).map(|(_, &c)| c)
    }

    /// A row's place before the file's row for it is read: nothing allocated.
    fn placeholder() -> Row {
        Row {
            id: 0,
            class: 0,
            enrollment: Enrollment::Unknown,
            payment: PaymentStatus::Unpaid,
            categories: Box::new([]),
            problem: false,
            id_to_verify: false,
            carried: 0,
            part_paid: false,
            as_written: None,
        }
    }

    /// The payment as the 缴费 filter and the lists of who is still to pay take it: a part payment (部分缴费) is
    /// still to collect, so it is 未缴费 there, never 已缴费.
    pub fn payment_to_collect(&self) -> PaymentStatus {
        if self.part_paid { PaymentStatus::Unpaid } else { self.payment }
    }
}

/// Every pupil, in roster order (school, grade, class, name), with their search keys in one buffer: a search
/// reads one allocation instead of chasing half a million.
#[derive(Debug, Clone, Default)]
pub struct RosterData {
    pub rows: Vec<Row>,
    /// The rows' keys end to end, in roster order, so a search reads memory in order.
    keys: String,
    /// `keys[key_ends[i - 1]..key_ends[i]]` is row `i`'s key.
    key_ends: Vec<u32>,
    /// Where each key's five fields start and end, relative to the key: split once here rather than on every
    /// keystroke.
    spans: Vec<[(u16, u16); 5]>,
    /// Which characters each key holds outside its class (see `char_mask`), to skip most rows without ranking
    /// them (`index_keys` fills this and the next three; a row they lack is ranked from its whole key).
    masks: Vec<u64>,
    /// Each row's ID number as its key holds it, for a query of digits alone (`Query::rank_number`): typing a
    /// number that every pupil's begins with ranks every row again on each digit, and these few bytes a row,
    /// read in order, are a fifth of the keys.
    numbers: Vec<Number>,
    /// Each row's class as its key holds it, as an index into `key_classes`: a word's kind in a class (the class
    /// words' several spellings most of all) is worked out once per class on each keystroke, not once per row.
    key_class: Vec<u32>,
    key_classes: Vec<Box<[u8]>>,
    /// Class labels in roster order, one per class of a school: two schools' 一年级1班 are two classes, so a
    /// class filter never reaches another school's pupils.
    pub classes: Vec<String>,
    /// Each class's school, as an index into `schools`.
    pub class_schools: Vec<u32>,
    /// Each school's first row and name, in roster order: the roster is sorted by school first, so a school's
    /// pupils are one run of rows, and no row has to carry its school.
    pub schools: Vec<(u32, String)>,
    /// The builtin category names first, then any other name found on a pupil.
    pub category_names: Vec<String>,
    /// The insured year shown, which a category's certification is weighed against (`Store::shown_year`).
    year: Option<i32>,
    by_id: HashMap<i64, u32>,
}

impl RosterData {
    /// Reads the whole roster: the order from the roster index, then the rows in the order the file holds
    /// them, each put in its place.
    pub fn load(store: &Store) -> Result<RosterData> {
        store.roster_snapshot(|store| {
            let order = store.roster_order()?;
            // The file's keys by pupil id, copied into roster order below and then dropped.
            let by_key = store.search_keys()?;
            let n = order.len();
            let mut data = RosterData {
                category_names: CategoryTable::builtin().all().iter().map(|c| c.name.clone()).collect(),
                keys: String::with_capacity(by_key.text_len()),
                key_ends: Vec::with_capacity(n),
                rows: vec![Row::placeholder(); n],
                spans: vec![[(0, 0); 5]; n],
                masks: Vec::with_capacity(n),
                by_id: order.iter().enumerate().map(|(i, &id)| (id, i as u32)).collect(),
                year: store.shown_year(),
                ..RosterData::default()
            };
            let mut class_index: HashMap<(i64, String), u32> = HashMap::new();
            let mut school_at = vec![0i64; n];
            // Keys rebuilt for pupils the file has none for (an older file), or who were in another class in the
            // closed year shown, by pupil id.
            let mut rebuilt: HashMap<i64, String> = HashMap::new();
            let year_classes = store.year_class_labels()?;
            store.for_each_roster_row(|r| {
                let Some(&at) = data.by_id.get(&r.id) else { return };
                if let Some(school) = school_at.get_mut(at as usize) {
                    *school = r.school_id;
                }
                let class = data.class_of(r, &mut class_index);
                let key = match by_key.get(r.id) {
                    // A closed year shows the class the pupil was in then; the stored key holds this year's.
                    Some(key) if year_classes.contains_key(&r.id) => rebuilt
                        .entry(r.id)
                        .or_insert_with(|| crate::domain::search::with_class(key, &data.classes[class as usize])),
                    Some(key) => key,
                    // A key is written with every pupil; one missing is rebuilt, not left unsearchable.
                    None => rebuilt.entry(r.id).or_insert_with(|| {
                        crate::domain::search::pack_key(r.name, r.id_number, &data.classes[class as usize])
                    }),
                };
                let spans = spans_of(key);
                let field = |k: usize| &key[spans[k].0 as usize..spans[k].1 as usize];
                let as_written = (field(0) != r.name || field(3) != r.id_number)
                    .then(|| Box::new([Box::from(r.name), Box::from(r.id_number)]));
                data.spans[at as usize] = spans;
                let categories = r.categories.iter().map(|c| data.category_index(&c.name)).collect();
                let carried = carried_bits(r.categories.iter().map(|c| !c.certified_for(data.year)));
                data.rows[at as usize] = Row {
                    id: r.id,
                    class,
                    enrollment: Standing::new(r.enrollment, r.payment).enrollment(),
                    payment: r.payment,
                    categories,
                    problem: r.id_problem,
                    id_to_verify: r.id_to_verify,
                    carried,
                    // Marked by the app, which holds the policy (`App::mark_part_paid`).
                    part_paid: false,
                    as_written,
                };
            })?;
            for &id in &order {
                // A rebuilt key wins: it is the one the row was loaded with.
                let rebuilt_key = if rebuilt.is_empty() { None } else { rebuilt.get(&id).map(String::as_str) };
                let key = rebuilt_key.or_else(|| by_key.get(id)).unwrap_or("");
                data.keys.push_str(key);
                data.key_ends.push(data.keys.len() as u32);
            }
            data.number_in_roster_order();
            data.index_keys();
            let names = store.school_names()?;
            let mut last = None;
            for (i, &school) in school_at.iter().enumerate() {
                if last != Some(school) {
                    last = Some(school);
                    data.schools.push((i as u32, names.get(&school).cloned().unwrap_or_default()));
                }
            }
            data.number_class_schools();
            Ok(data)
        })
    }

    /// Fills `masks`, `numbers` and `key_class` from the keys. Rows come in roster order, class by class, so a
    /// class is looked up only where it changes.
    fn index_keys(&mut self) {
        let n = self.key_ends.len().min(self.spans.len());
        let mut masks = Vec::with_capacity(n);
        let mut numbers = Vec::with_capacity(n);
        let mut key_class: Vec<u32> = Vec::with_capacity(n);
        let mut classes: Vec<Box<[u8]>> = Vec::new();
        let mut known: HashMap<Box<[u8]>, u32> = HashMap::new();
        for i in 0..n {
            // The class is the key's last field: what comes before it is the rest.
            let key = self.key(i);
            masks.push(char_mask(key.get(..usize::from(self.spans[i][4].0)).unwrap_or(key)));
            let fields = self.field_bytes(i);
            numbers.push(Number::new(fields.id_number));
            let class = match key_class.last() {
                Some(&last) if *classes[last as usize] == *fields.class => last,
                _ => *known.entry(Box::from(fields.class)).or_insert_with(|| {
                    classes.push(Box::from(fields.class));
                    (classes.len() - 1) as u32
                }),
            };
            key_class.push(class);
        }
        (self.masks, self.numbers, self.key_class, self.key_classes) = (masks, numbers, key_class, classes);
    }

    fn class_of(&mut self, r: &RosterRow<'_>, class_index: &mut HashMap<(i64, String), u32>) -> u32 {
        let label = crate::domain::class_label::join(r.grade, r.class);
        let key = (r.school_id, label);
        match class_index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.classes.len() as u32;
                self.classes.push(key.1.clone());
                class_index.insert(key, i);
                i
            }
        }
    }

    /// Each class's school, from the school runs: a class's pupils are all in its school's run.
    fn number_class_schools(&mut self) {
        self.class_schools = vec![0; self.classes.len()];
        for (k, (first, _)) in self.schools.iter().enumerate() {
            let end = self.schools.get(k + 1).map_or(self.rows.len(), |(next, _)| *next as usize);
            for row in self.rows.get(*first as usize..end).unwrap_or_default() {
                if let Some(school) = self.class_schools.get_mut(row.class as usize) {
                    *school = k as u32;
                }
            }
        }
    }

    /// The school of class `c`.
    pub fn school_of_class(&self, c: u32) -> Option<&str> {
        let k = *self.class_schools.get(c as usize)?;
        self.schools.get(k as usize).map(|(_, name)| name.as_str())
    }

    /// The school of class `c` when the drive holds several (the class filter names it then), else `None`.
    pub fn class_school(&self, c: u32) -> Option<&str> {
        if self.schools.len() < 2 { None } else { self.school_of_class(c) }
    }

    /// Whether class `c` is `label` of `school`.
    pub fn class_is(&self, c: usize, label: &str, school: Option<&str>) -> bool {
        self.classes.get(c).is_some_and(|l| l == label) && self.school_of_class(c as u32) == school
    }

    /// Classes and the categories beyond the built-in ones were met in file order; the filters list them in
    /// roster order.
    fn number_in_roster_order(&mut self) {
        let builtin = CategoryTable::builtin().all().len().min(self.category_names.len());
        let mut new_category: Vec<Option<u16>> = vec![None; self.category_names.len()];
        let mut extra: Vec<String> = Vec::new();
        for row in &mut self.rows {
            for c in row.categories.iter_mut().filter(|c| usize::from(**c) >= builtin) {
                let Some(slot) = new_category.get_mut(usize::from(*c)) else { continue };
                let new = *slot.get_or_insert_with(|| {
                    extra.push(std::mem::take(&mut self.category_names[usize::from(*c)]));
                    (builtin + extra.len() - 1) as u16
                });
                *c = new;
            }
        }
        self.category_names.truncate(builtin);
        self.category_names.extend(extra);

        let mut new_index = vec![u32::MAX; self.classes.len()];
        let mut classes = Vec::with_capacity(self.classes.len());
        for row in &mut self.rows {
            let old = row.class as usize;
            let Some(new) = new_index.get_mut(old) else { continue };
            if *new == u32::MAX {
                *new = classes.len() as u32;
                classes.push(std::mem::take(&mut self.classes[old]));
            }
            row.class = *new;
        }
        self.classes = classes;
    }

    fn category_index(&mut self, name: &str) -> u16 {
        match self.category_names.iter().position(|n| n == name) {
            Some(i) => i as u16,
            None => {
                self.category_names.push(name.to_owned());
                (self.category_names.len() - 1) as u16
            }
        }
    }

    /// The school of row `i`.
    pub fn school_of(&self, i: usize) -> &str {
        let after = self.schools.partition_point(|(first, _)| *first as usize <= i);
        after.checked_sub(1).and_then(|k| self.schools.get(k)).map_or("", |(_, name)| name.as_str())
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`'s packed search key.
    pub fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.key_ends[i - 1] as usize };
        &self.keys[start..self.key_ends[i] as usize]
    }

    /// Row `i`'s name as stored.
    pub fn name(&self, i: usize) -> &str {
        match &self.rows[i].as_written {
            Some(written) => &written[0],
            None => self.fields(i).name,
        }
    }

    /// Row `i`'s ID number as stored.
    pub fn id_number(&self, i: usize) -> &str {
        match &self.rows[i].as_written {
            Some(written) => &written[1],
            None => self.fields(i).id_number,
        }
    }

    /// Row `i`'s key split into its fields, exactly as `Fields::parse` splits it.
    pub fn fields(&self, i: usize) -> Fields<'_> {
        let key = self.key(i);
        let [n, p, s, d, c] = self.spans[i].map(|(a, b)| &key[a as usize..b as usize]);
        Fields { name: n, pinyin: p, initials: s, id_number: d, class: c }
    }

    /// `fields` as bytes, for ranking every row on every keystroke.
    fn field_bytes(&self, i: usize) -> FieldBytes<'_> {
        let start = if i == 0 { 0 } else { self.key_ends[i - 1] as usize };
        let key = self.keys.as_bytes().get(start..self.key_ends[i] as usize).unwrap_or_default();
        let [n, p, s, d, c] = self.spans[i].map(|(a, b)| key.get(a as usize..b as usize).unwrap_or_default());
        FieldBytes { name: n, pinyin: p, initials: s, id_number: d, class: c }
    }

    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.by_id.get(&id).map(|&i| i as usize)
    }

    /// Takes a pupil's new statuses and categories after an edit. Name, ID and class change only through imports,
    /// which reload everything, so the search key stays.
    pub fn refresh(&mut self, s: &Student, part_paid: bool) {
        if let Some(i) = self.index_of(s.id) {
            let categories = s.categories.iter().map(|c| self.category_index(&c.name)).collect();
            let row = &mut self.rows[i];
            row.enrollment = Standing::new(s.enrollment, s.payment).enrollment();
            row.payment = s.payment;
            row.part_paid = part_paid;
            row.categories = categories;
            row.problem = crate::domain::pupil_flags::flagged(s, crate::store::instant::beijing_today());
            row.id_to_verify = s.id_to_verify();
            let year = self.year;
            row.carried = carried_bits(s.categories.iter().map(|c| !c.certified_for(year)));
        }
    }

    /// Marks the rows of the pupils whose family paid part of the amount due (`Store::part_payments`), and only
    /// those.
    pub fn mark_part_paid<V>(&mut self, part_paid: &HashMap<i64, V>) {
        for row in &mut self.rows {
            row.part_paid = part_paid.contains_key(&row.id);
        }
    }

    /// The row's categories joined by `separator`: the screen's language's (`Text::list_separator`), as the
    /// command line lists them, each carried from an earlier year followed by `carried`.
    pub fn category_label(&self, row: &Row, separator: &str, carried: &str) -> String {
        let label = |(i, &c): (usize, &u16)| {
            let name = self.category_names[c as usize].as_str();
            if i < 32 && row.carried & (1 << i) != 0 { format!("{name}{carried}") } else { name.to_owned() }
        };
        row.categories.iter().enumerate().map(label).collect::<Vec<_>>().join(separator)
    }
}

/// Bit `i` set for each `i`th flag set, past the 32nd left unset (no pupil holds that many categories).
fn carried_bits(flags: impl Iterator<Item = bool>) -> u32 {
    flags.take(32).enumerate().fold(0, |bits, (i, carried)| if carried { bits | 1 << i } else { bits })
}

/// An ID number as a key holds it, in place: 18 bytes, or `LONG` for a longer field (a hostile list's cell),
/// which is then ranked from the key.
#[derive(Debug, Clone, Copy)]
struct Number {
    len: u8,
    bytes: [u8; 18],
}

impl Number {
    const LONG: u8 = u8::MAX;

    fn new(field: &[u8]) -> Number {
        let mut bytes = [0; 18];
        match bytes.get_mut(..field.len()) {
            Some(room) => {
                room.copy_from_slice(field);
                Number { len: field.len() as u8, bytes }
            }
            None => Number { len: Number::LONG, bytes },
        }
    }

    fn get(&self) -> Option<&[u8]> {
        self.bytes.get(..usize::from(self.len))
    }
}

fn spans_of(key: &str) -> [(u16, u16); 5] {
    let f = Fields::parse(key);
    let base = key.as_ptr() as usize;
    // Every field is a slice of `key`; a key longer than u16 (a hostile list's name cell) is cut to fit, at a
    // character boundary so that the spans still slice text (the name as written is kept whole in that case).
    let floor = |at: usize| {
        let mut at = at.min(u16::MAX as usize).min(key.len());
        while !key.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    [f.name, f.pinyin, f.initials, f.id_number, f.class].map(|s| {
        // A missing field is a static "" outside the key: placed at its end.
        let offset = (s.as_ptr() as usize).checked_sub(base).filter(|&o| o <= key.len()).unwrap_or(key.len());
        let start = floor(offset);
        let end = floor(offset + s.len()).max(start);
        (start as u16, end as u16)
    })
}

/// A 64-bit sketch of the characters in `text`: one bit per ASCII letter (either case) and digit, the other
/// characters hashed onto the remaining bits. Every word of a query must occur in the key, so a key whose
/// mask lacks a bit of the query's mask cannot match, and is skipped without ranking.
fn char_mask(text: &str) -> u64 {
    let mut mask = 0u64;
    for c in text.chars() {
        mask |= char_bit(c);
    }
    mask
}

fn char_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        'A'..='Z' => 1 << (c as u32 - 'A' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        ' ' | '\u{1f}' => 0,
        c if c.is_ascii() => 1 << 36,
        c => 1 << (37 + (c as u32).wrapping_mul(2_654_435_761) % 27),
    }
}

/// The mask of what a query's words hold, read as `Query::parse` reads them (full-width to ASCII, lower case).
#[cfg(test)]
fn query_mask(text: &str) -> u64 {
    Query::parse(text).word_masks(char_bit).iter().fold(0, |all, m| all | m)
}

/// The filter line: each `None` means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub class: Option<u32>,
    pub enrollment: Option<Enrollment>,
    pub payment: Option<PaymentStatus>,
    pub category: Option<u16>,
    pub problems_only: bool,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    pub fn matches(&self, row: &Row) -> bool {
        self.class.is_none_or(|c| row.class == c)
            && self.enrollment.is_none_or(|e| row.enrollment == e)
            && self.payment.is_none_or(|p| row.payment_to_collect() == p)
            && self.category.is_none_or(|c| row.categories.contains(&c))
            && (!self.problems_only || row.problem)
    }
}

/// The as-you-type search over the roster, with the core engine's `Query`. Results are row indexes, best rank
/// first and roster order within a rank. Typing one more character (`Query::narrows`) ranks only the previous
/// hits again; deleting one goes back to results already computed.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// The queries on the way to the shown one (the last), each with its hits: each step's text starts with the
    /// text of the step before it, or its query narrows that step's.
    steps: Vec<Step>,
    scratch: Scratch,
    /// Rows ranked since the search was made, for tests that a keystroke reused results.
    #[cfg(test)]
    ranked: usize,
}

#[derive(Debug, Clone)]
struct Step {
    text: String,
    query: Query,
    hits: Vec<u32>,
}

/// Results kept for going back with Backspace; deeper than anyone types into a search line.
const MAX_STEPS: usize = 64;

/// The most hits the kept steps hold together (16 MiB): typing a long number while numbers are masked keeps a
/// step of nearly every pupil per digit, and the oldest are dropped first.
const MAX_KEPT_HITS: usize = 4 << 20;

impl Search {
    /// The hits of the current query; `None` when there is no query (every row is a hit).
    pub fn hits(&self) -> Option<&[u32]> {
        self.steps.last().map(|s| s.hits.as_slice())
    }

    /// Runs `text` against the roster, its ID numbers shown masked (`masked`) or whole.
    pub fn update(&mut self, data: &RosterData, text: &str, masked: bool) {
        let query = Query::parse(text).masked(masked);
        if query.is_empty() {
            self.steps.clear();
            return;
        }
        if let Some(pos) =
            self.steps.iter().rposition(|s| (s.text == text && s.query.is_masked() == masked) || s.query == query)
        {
            self.steps.truncate(pos + 1);
            return;
        }
        // Back out of steps the new text neither extends nor narrows. A step it extends without narrowing stays
        // for Backspace to return to (a masked number's next digit: its first digits found other pupils), and the
        // nearest step it does narrow is ranked again rather than the whole roster.
        while let Some(last) = self.steps.last() {
            if last.query.is_masked() == masked && (text.starts_with(last.text.as_str()) || query.narrows(&last.query))
            {
                break;
            }
            self.steps.pop();
        }
        let previous = self.steps.iter().rev().find(|s| query.narrows(&s.query)).map(|s| s.hits.as_slice());
        #[cfg(test)]
        {
            self.ranked += previous.map_or(data.len(), <[u32]>::len);
        }
        let hits = rank_rows(data, &query, previous, &mut self.scratch);
        let mut kept = hits.len();
        let keep = self.steps.iter().rev().take(MAX_STEPS - 1).take_while(|s| {
            kept += s.hits.len();
            kept <= MAX_KEPT_HITS
        });
        let drop = self.steps.len() - keep.count();
        self.steps.drain(..drop);
        self.steps.push(Step { text: text.to_owned(), query, hits });
    }

    /// Forgets the results, e.g. after a reload, so the next update scans everything.
    pub fn reset(&mut self) {
        self.steps.clear();
    }
}

/// Buffers the search keeps between keystrokes: at 500k pupils a keystroke's candidates are megabytes, and
/// allocating them afresh on every keystroke (in worker threads, freed on the main one) cost more than ranking
/// them with some allocators.
#[derive(Debug, Default)]
struct Scratch {
    /// The previous hits as one bit per row, so they are visited in roster order.
    bits: Vec<u64>,
    /// Per worker, its rows' (row, rank) in roster order.
    parts: Vec<Vec<(u32, u32)>>,
}

impl Clone for Scratch {
    /// Scratch space holds nothing worth copying.
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

/// What a keystroke works out once per class before ranking the rows: each word's kind in the class, and what
/// a row of the class must hold outside it (the words the class does not hold).
struct ByClass {
    words: usize,
    kinds: Vec<Option<MatchKind>>,
    need: Vec<u64>,
    /// Every word is part of a number: ranked from the ID number column alone.
    numbers_only: bool,
}

impl ByClass {
    fn new(data: &RosterData, query: &Query) -> ByClass {
        let words = query.word_count();
        let masks = query.word_masks(char_bit);
        let mut kinds = Vec::with_capacity(data.key_classes.len() * words);
        let mut need = Vec::with_capacity(data.key_classes.len());
        for class in &data.key_classes {
            let at = kinds.len();
            query.class_kinds(class, &mut kinds);
            let beside = kinds[at..].iter().zip(&masks).filter(|(k, _)| k.is_none()).fold(0, |n, (_, m)| n | m);
            need.push(beside);
        }
        ByClass { words, kinds, need, numbers_only: query.is_numbers_only() }
    }

    /// Row `i`'s rank; from its whole key when the columns lack it.
    #[inline]
    fn rank(&self, data: &RosterData, query: &Query, i: usize) -> Option<u32> {
        let Some(&class) = data.key_class.get(i) else {
            return query.rank_bytes(&data.field_bytes(i));
        };
        let class = class as usize;
        let kinds = self.kinds.get(class * self.words..(class + 1) * self.words).unwrap_or_default();
        if self.numbers_only
            && let Some(number) = data.numbers.get(i).and_then(Number::get)
        {
            return query.rank_number(number, kinds);
        }
        let need = self.need.get(class).copied().unwrap_or(0);
        if data.masks.get(i).is_some_and(|&m| m & need != need) {
            return None;
        }
        query.rank_beside_class(&data.field_bytes(i), kinds)
    }
}

/// Ranks the rows of 64-row blocks `blocks` (all of them, or only those set in `only`) into `out`. Rows are
/// visited in roster order.
fn rank_blocks(
    data: &RosterData,
    query: &Query,
    by_class: &ByClass,
    only: Option<&[u64]>,
    blocks: std::ops::Range<usize>,
    out: &mut Vec<(u32, u32)>,
) {
    out.clear();
    let n = data.len();
    for b in blocks {
        let mut word = match only {
            Some(bits) => bits[b],
            None if (b + 1) * 64 <= n => u64::MAX,
            None => (1u64 << (n - b * 64)) - 1,
        };
        while word != 0 {
            let i = b * 64 + word.trailing_zeros() as usize;
            word &= word - 1;
            if let Some(rank) = by_class.rank(data, query, i) {
                out.push((i as u32, rank));
            }
        }
    }
}

/// Ranks all rows, or only those in `previous`, split over the CPU's cores when there are many. Each part
/// holds a run of blocks in roster order, and the hits are placed by rank in one counting pass, so each rank
/// stays in roster order without sorting.
fn rank_rows(data: &RosterData, query: &Query, previous: Option<&[u32]>, scratch: &mut Scratch) -> Vec<u32> {
    let Scratch { bits, parts } = scratch;
    let blocks = data.len().div_ceil(64);
    let only = match previous {
        Some(prev) => {
            bits.clear();
            bits.resize(blocks, 0);
            for &i in prev {
                bits[i as usize / 64] |= 1 << (i % 64);
            }
            Some(bits.as_slice())
        }
        None => None,
    };
    let work = previous.map_or(data.len(), <[u32]>::len);
    let by_class = &ByClass::new(data, query);
    let threads = if work < 20_000 { 1 } else { std::thread::available_parallelism().map_or(1, |p| p.get()).min(8) };
    if parts.len() < threads {
        parts.resize_with(threads, Vec::new);
    }
    let parts = &mut parts[..threads];
    let chunk = blocks.div_ceil(threads);
    let range = |t: usize| (t * chunk).min(blocks)..((t + 1) * chunk).min(blocks);
    let failed: Vec<usize> = std::thread::scope(|scope| {
        // `parts` holds at least one part (`threads` is at least 1).
        let Some((first, rest)) = parts.split_first_mut() else {
            return Vec::new();
        };
        let handles: Vec<_> = rest
            .iter_mut()
            .enumerate()
            .map(|(t, part)| (t + 1, scope.spawn(move || rank_blocks(data, query, by_class, only, range(t + 1), part))))
            .collect();
        rank_blocks(data, query, by_class, only, range(0), first);
        handles.into_iter().filter_map(|(t, h)| h.join().is_err().then_some(t)).collect()
    });
    // A worker can only fail by a bug in the ranking; its part is then ranked here rather than lost.
    for t in failed {
        rank_blocks(data, query, by_class, only, range(t), &mut parts[t]);
    }
    let ranks = parts.iter().flat_map(|p| p.iter().map(|&(_, r)| r as usize + 1)).max().unwrap_or(0);
    let mut start = vec![0usize; ranks + 1];
    for &(_, rank) in parts.iter().flatten() {
        start[rank as usize + 1] += 1;
    }
    for r in 1..start.len() {
        start[r] += start[r - 1];
    }
    let mut hits = vec![0u32; start[ranks]];
    for &(row, rank) in parts.iter().flatten() {
        hits[start[rank as usize]] = row;
        start[rank as usize] += 1;
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> RosterData {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        RosterData::load(&store).expect("load")
    }

    #[test]
    fn loads_in_roster_order() {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        // A Latin name, which the key holds lower-cased, still shows as written.
        let first = store.students(&Default::default()).unwrap()[0].id;
        store
            .change(first, "edit", &[crate::store::FieldChange::new(crate::store::Field::Name, Some("Tom Li"))])
            .unwrap();
        let d = RosterData::load(&store).expect("load");
        assert_eq!(d.rows.len(), 360);
        assert_eq!(d.classes.first().map(String::as_str), Some("一年级1班"));
        assert_eq!(d.classes.len(), 18);
        let stored = store.students(&Default::default()).unwrap();
        for (i, (row, pupil)) in d.rows.iter().zip(&stored).enumerate() {
            assert_eq!(row.id, pupil.id, "roster order");
            assert_eq!((d.name(i), d.id_number(i)), (pupil.name.as_str(), pupil.id_number.as_str()));
        }
        assert!(stored.iter().any(|p| p.name == "Tom Li"));
        assert!(d.rows.iter().any(|r| !r.categories.is_empty()));
    }

    #[test]
    fn narrowing_equals_a_fresh_search() {
        let d = data();
        for (first, second) in [("l", "li"), ("4502", "45020"), ("一年", "一年级2"), ("z", "zh")] {
            let mut narrowed = Search::default();
            narrowed.update(&d, first, false);
            narrowed.update(&d, second, false);
            let mut fresh = Search::default();
            fresh.update(&d, second, false);
            assert_eq!(narrowed.hits(), fresh.hits(), "{first} -> {second}");
            assert!(fresh.hits().is_some_and(|h| !h.is_empty()), "{second}");
        }
    }

    #[test]
    fn ranks_then_roster_order() {
        let d = data();
        let mut s = Search::default();
        s.update(&d, "l", false);
        let q = Query::parse("l");
        let hits = s.hits().expect("hits");
        for pair in hits.windows(2) {
            let (a, b) = (pair[0] as usize, pair[1] as usize);
            let (ra, rb) = (q.rank(d.key(a)), q.rank(d.key(b)));
            assert!(ra < rb || (ra == rb && a < b));
        }
    }

    #[test]
    fn backspace_returns_to_earlier_results_and_masks_never_hide_a_match() {
        let d = data();
        let mut s = Search::default();
        let typed =
            ["孙", "孙语", "孙", "45", "450", "45", "l", "ly", "l y", "ly", "一年级", "一2班", "2", "y 2班", "1班 孙"];
        for text in typed {
            s.update(&d, text, false);
            let q = Query::parse(text);
            let full: Vec<u32> = (0..d.len() as u32).filter(|&i| q.rank(d.key(i as usize)).is_some()).collect();
            let mut got = s.hits().expect("hits").to_vec();
            got.sort_unstable();
            assert_eq!(got, full, "{text}");
        }
        assert_eq!(query_mask("ＬＹ"), query_mask("ly"));
        assert_eq!(char_mask("45020X"), query_mask("x0245"));
    }

    /// Typing a second word after a space, changing its kind (3 then 3班) and erasing back: every step shows what
    /// a search of that text alone shows, in the same order.
    #[test]
    fn another_word_and_erasing_it_show_what_a_fresh_search_shows() {
        let d = data();
        let mut s = Search::default();
        let typed =
            ["李", "李 ", "李 3", "李 3班", "李 3", "李 ", "李", "l", "l 4", "l 4x", "l 4", "z l 1", "z l", "z"];
        for text in typed {
            s.update(&d, text, false);
            let mut fresh = Search::default();
            fresh.update(&d, text, false);
            assert_eq!(s.hits(), fresh.hits(), "{text}");
        }
        let mut s = Search::default();
        s.update(&d, "l", false);
        s.update(&d, "l 1", false);
        assert_eq!(s.steps.len(), 2, "the second word narrowed the first's results");
    }

    /// A class typed another way than the roster writes it shares no characters with the key (初三 and 九年级):
    /// the masks must not skip those rows.
    #[test]
    fn a_class_written_another_way_is_found_past_the_masks() {
        let mut store = Store::open_in_memory().expect("store");
        let today = store.today();
        let rows: Vec<crate::store::Incoming> =
            [("张三", "九年级", "6班"), ("吕布", "九年级", "6班"), ("李四", "九年级", "5班")]
                .iter()
                .map(|(name, grade, class)| crate::store::Incoming {
                    school: "本校".into(),
                    school_given: true,
                    name: (*name).into(),
                    id_raw: String::new(),
                    id: crate::domain::id_number::check("", today),
                    grade: (*grade).into(),
                    class: (*class).into(),
                    phone: String::new(),
                    ethnicity: String::new(),
                    address: String::new(),
                    status: Default::default(),
                    categories: Vec::new(),
                    note: String::new(),
                    source: (*name).into(),
                    repeat: None,
                    birth_date: None,
                    sex: None,
                })
                .collect();
        store.apply_import(&rows, &[], 0, false).expect("import");
        let d = RosterData::load(&store).expect("load");
        let names = |s: &Search| -> Vec<String> {
            s.hits().expect("hits").iter().map(|&i| d.name(i as usize).to_owned()).collect()
        };
        let mut s = Search::default();
        for typed in ["初三6班", "九年级（6）班", "9年级6班", "初三", "初三6", "初三6班"] {
            s.update(&d, typed, false);
            let expected: &[&str] =
                if typed == "初三" { &["吕布", "李四", "张三"] } else { &["吕布", "张三"] };
            let mut got = names(&s);
            got.sort();
            let mut want: Vec<String> = expected.iter().map(|n| n.to_string()).collect();
            want.sort();
            assert_eq!(got, want, "{typed}");
        }
        for typed in ["lu", "lv", "lubu"] {
            s.update(&d, typed, false);
            assert_eq!(names(&s), ["吕布"], "{typed}");
        }
    }

    #[test]
    fn fields_are_split_as_the_engine_splits_them() {
        let d = data();
        for i in 0..d.len() {
            assert_eq!(d.fields(i), Fields::parse(d.key(i)));
        }
    }

    /// Rows are read in file order and placed in roster order: a list whose pupils come in no particular order
    /// loads exactly as the roster query orders it, classes numbered in roster order, and pupils whose keys are
    /// missing (an older file) still searchable.
    #[test]
    fn a_list_in_no_order_loads_in_roster_order() {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let mut csv = String::from("姓名,身份证号码,年级,班级\n");
        for (i, (name, grade, class)) in [
            ("赵六", "三年级", "2班"),
            ("钱七", "一年级", "1班"),
            ("孙八", "三年级", "1班"),
            ("李九", "一年级", "1班"),
            ("周十", "二年级", "3班"),
            ("吴一", "三年级", "2班"),
        ]
        .into_iter()
        .enumerate()
        {
            let body = format!("1101052015010100{i}");
            let number = format!("{body}{}", crate::domain::id_number::check_char(body.as_bytes()));
            csv.push_str(&format!("{name},{number},{grade},{class}\n"));
        }
        let sheets = crate::io::table::read_bytes(csv.as_bytes(), "list.csv").unwrap();
        let inputs = vec![crate::io::class_list::Input::Sheets("list.csv".into(), sheets)];
        let today = store.today();
        crate::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).unwrap();
        let stored = store.students(&Default::default()).unwrap();
        let lost = stored.iter().find(|s| s.name == "孙八").unwrap().id;
        store.connection().execute("DELETE FROM search_blocks WHERE block = ?1", [lost >> 6]).unwrap();
        // Categories a local table added: listed in roster order too, whatever order the file holds them in.
        let mark = |name: &str| {
            vec![crate::domain::student::CategoryMark { name: name.into(), department: String::new(), year: None }]
        };
        store.set_categories(stored[5].id, &mark("本地乙")).unwrap();
        store.set_categories(stored[0].id, &mark("本地甲")).unwrap();

        let d = RosterData::load(&store).expect("load");
        let ids: Vec<i64> = d.rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, stored.iter().map(|s| s.id).collect::<Vec<_>>(), "roster order");
        assert_ne!(
            ids,
            {
                let mut sorted = ids.clone();
                sorted.sort();
                sorted
            },
            "file order differs"
        );
        for (i, pupil) in stored.iter().enumerate() {
            assert_eq!((d.name(i), d.id_number(i)), (pupil.name.as_str(), pupil.id_number.as_str()));
            assert_eq!(d.classes[d.rows[i].class as usize], pupil.class_label());
        }
        assert_eq!(d.classes, ["一年级1班", "二年级3班", "三年级1班", "三年级2班"]);
        let builtin = CategoryTable::builtin().all().len();
        assert_eq!(d.category_names[builtin..], ["本地甲", "本地乙"]);
        assert_eq!(d.category_label(&d.rows[0], "、", ""), "本地甲");
        assert_eq!(d.category_label(&d.rows[5], "、", ""), "本地乙");
        let mut search = Search::default();
        search.update(&d, "孙八", false);
        assert_eq!(
            search.hits().map(|h| h.iter().map(|&i| d.rows[i as usize].id).collect::<Vec<_>>()),
            Some(vec![lost])
        );
    }

    /// Big enough to be split over threads: the joined result equals a single pass.
    #[test]
    fn parallel_ranking_keeps_rank_then_roster_order() {
        let mut d = RosterData::default();
        let mut classes = HashMap::new();
        let mut push = |d: &mut RosterData, r: &RosterRow<'_>| {
            let class = d.class_of(r, &mut classes);
            let key = crate::domain::search::pack_key(r.name, r.id_number, &d.classes[class as usize]);
            d.by_id.insert(r.id, d.rows.len() as u32);
            d.rows.push(Row { id: r.id, class, ..Row::placeholder() });
            d.spans.push(spans_of(&key));
            d.keys.push_str(&key);
            d.key_ends.push(d.keys.len() as u32);
        };
        let names = ["李一", "刘二", "林三", "王四", "梁五"];
        for i in 0..60_000i64 {
            let name = names[i as usize % names.len()];
            // Some numbers too long to be held in place, some missing, some classes a number occurs in.
            let id = match i % 1000 {
                7 => format!("4502022015{i:08}0123456"),
                9 => String::new(),
                _ => format!("4502022015{i:08}"),
            };
            let class = format!("{}班", [2, 12, 4502][(i / 700) as usize % 3]);
            let row = RosterRow {
                id: i,
                name,
                id_number: &id,
                grade: "三年级",
                class: &class,
                enrollment: Enrollment::Unknown,
                payment: PaymentStatus::Unpaid,
                categories: Vec::new(),
                id_problem: false,
                id_to_verify: false,
                school_id: 1,
            };
            push(&mut d, &row);
        }
        // One pass over every row in roster order, then a stable sort by rank: the rule, written plainly.
        let plain = |d: &RosterData, q: &Query| {
            let mut ranked: Vec<(u32, u32)> =
                (0..d.len() as u32).filter_map(|i| q.rank(d.key(i as usize)).map(|r| (r, i))).collect();
            ranked.sort_by_key(|&(r, _)| r);
            ranked.into_iter().map(|(_, i)| i).collect::<Vec<u32>>()
        };
        // Ranked from the whole keys alone, then from the columns and the classes' kinds: the same results.
        let keys_only = d.clone();
        d.index_keys();
        assert!(d.numbers.iter().any(|n| n.get().is_none()), "a number held only in its key");
        assert_eq!(d.key_classes.len(), 3);
        let mut scratch = Scratch::default();
        let mut split = 0;
        for data in [&keys_only, &d] {
            for text in [
                "l",
                "4502",
                "1",
                "李",
                "l 4502",
                "2",
                "12",
                "4502 2",
                "x",
                "45020220150001234",
                "三年级",
                "三2班",
                "李 2",
            ] {
                let q = Query::parse(text);
                let all = rank_rows(data, &q, None, &mut scratch);
                split += usize::from(all.len() > 20_000);
                assert_eq!(all, plain(data, &q), "{text}");
                let narrower = Query::parse(&format!("{text}0"));
                let within = rank_rows(data, &narrower, Some(&all), &mut scratch);
                if narrower.narrows(&q) {
                    assert_eq!(within, plain(data, &narrower), "{text}0");
                }
            }
        }
        assert!(split >= 6, "enough hits to be split over threads");
    }

    /// Two schools' 一年级1班 are two classes, each with its school; the filter of one shows its school's pupils.
    #[test]
    fn two_schools_classes_of_one_name_are_two_classes() {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let today = store.today();
        for (school, rows) in [("甲校", "张三,,一年级1班\n李四,,一年级1班\n"), ("乙校", "王五,,一年级1班\n")]
        {
            let csv = format!("姓名,身份证号码,班级\n{rows}");
            let sheets = crate::io::table::read_bytes(csv.as_bytes(), "list.csv").unwrap();
            let inputs = vec![crate::io::class_list::Input::Sheets("list.csv".into(), sheets)];
            crate::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false).unwrap();
        }
        let d = RosterData::load(&store).expect("load");
        assert_eq!(d.classes, ["一年级1班", "一年级1班"]);
        assert_eq!((d.class_school(0), d.class_school(1)), (Some("甲校"), Some("乙校")));
        for (class, names) in [(0, vec!["张三", "李四"]), (1, vec!["王五"])] {
            let f = Filters { class: Some(class), ..Filters::default() };
            let mut shown: Vec<&str> = (0..d.len()).filter(|&i| f.matches(&d.rows[i])).map(|i| d.name(i)).collect();
            shown.sort();
            assert_eq!(shown, names);
        }
        assert!(data().class_school(0).is_none(), "one school: no school named");
    }

    #[test]
    fn filters_combine() {
        let d = data();
        let f = Filters { class: Some(0), ..Filters::default() };
        assert_eq!(d.rows.iter().filter(|r| f.matches(r)).count(), 21);
        let f = Filters { problems_only: true, ..Filters::default() };
        assert!(d.rows.iter().filter(|r| f.matches(r)).all(|r| r.problem));
    }
}

#[cfg(test)]
mod long_keys {
    use super::*;

    #[test]
    fn a_name_longer_than_a_key_span_loads() {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let name = format!("a{}", "张".repeat(30_000));
        let csv = "姓名,身份证号码,班级\n张三,,1班\n";
        let sheets = crate::io::table::read_bytes(csv.as_bytes(), "list.csv").unwrap();
        let inputs = vec![crate::io::class_list::Input::Sheets("list.csv".into(), sheets)];
        let today = store.today();
        crate::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).unwrap();
        // Imports now leave such a name out; a drive from before they did may still hold one.
        let id = store.students(&Default::default()).unwrap()[0].id;
        store.change(id, "mark", &[crate::store::FieldChange::new(crate::store::Field::Name, Some(&name))]).unwrap();
        let d = RosterData::load(&store).expect("load");
        assert_eq!(d.name(0), name);
    }
}

#[cfg(test)]
mod typed_numbers {
    use super::*;

    fn data() -> RosterData {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        RosterData::load(&store).expect("load")
    }

    /// What a search of `text` alone must show: every row the engine's rank finds, best rank first, then in
    /// roster order.
    fn plain(d: &RosterData, text: &str, masked: bool) -> Vec<u32> {
        let q = Query::parse(text).masked(masked);
        let mut ranked: Vec<(u32, u32)> =
            (0..d.len() as u32).filter_map(|i| q.rank(d.key(i as usize)).map(|r| (r, i))).collect();
        ranked.sort_by_key(|&(r, _)| r);
        ranked.into_iter().map(|(_, i)| i).collect()
    }

    /// A number typed a digit at a time and erased again while numbers are masked: every step shows what a
    /// search of that text alone shows, and erasing goes back to the results each digit found without ranking
    /// a row again.
    #[test]
    fn erasing_a_masked_number_returns_to_each_digits_results() {
        let d = data();
        let number = d.id_number(17).to_owned();
        assert_eq!(number.len(), 18);
        let mut s = Search::default();
        for end in 1..=number.len() {
            let text = &number[..end];
            s.update(&d, text, true);
            assert_eq!(s.hits().map(<[u32]>::to_vec), Some(plain(&d, text, true)), "typing {text}");
        }
        assert_eq!(s.hits(), Some(&[17][..]), "the whole number finds its pupil");
        let ranked = s.ranked;
        for end in (1..number.len()).rev() {
            let text = &number[..end];
            s.update(&d, text, true);
            assert_eq!(s.hits().map(<[u32]>::to_vec), Some(plain(&d, text, true)), "erasing to {text}");
        }
        assert_eq!(s.ranked, ranked, "erasing ranked no row again");
        // A class typed on (三年 to 三年级 narrows nothing: 三年级 is also 初三's spelling) is kept too.
        for text in ["三", "三年", "三年级", "三年级5班", "三年级", "三年", "三"] {
            s.update(&d, text, true);
            assert_eq!(s.hits().map(<[u32]>::to_vec), Some(plain(&d, text, true)), "{text}");
        }
        let (ranked, third_grade) = (s.ranked, plain(&d, "三", true).len());
        s.update(&d, "三年", true);
        s.update(&d, "三年级", true);
        s.update(&d, "三年", true);
        assert_eq!(s.ranked, ranked + third_grade + d.len(), "三年 typed narrowed 三, 三年级 ranked all, erased none");
    }

    /// Numbers typed, shown masked and whole, along many roads (a number's head, its tail, its birth date, a
    /// second word, a class's number): each step equals a search of its text alone.
    #[test]
    fn any_road_through_a_number_shows_what_a_fresh_search_shows() {
        let d = data();
        let mut roads: Vec<Vec<String>> = Vec::new();
        for i in [0, 5, 123, 359] {
            let number = d.id_number(i).to_owned();
            let typed = |text: &str| (1..=text.len()).map(|e| text[..e].to_owned()).collect::<Vec<_>>();
            roads.push(typed(&number));
            roads.push(typed(&number[12..]));
            roads.push(typed(&number[6..14]));
            roads.push(typed(&format!("{} {}", &number[..4], &number[14..])));
            roads.push(typed(&format!("{} 2", &number[14..])));
        }
        roads.push(["2", "21", "2", "2 1", "2 10", "2 1", "2"].map(String::from).to_vec());
        for masked in [true, false] {
            let mut s = Search::default();
            for road in &roads {
                for text in road.iter().chain(road.iter().rev()) {
                    s.update(&d, text, masked);
                    assert_eq!(s.hits().map(<[u32]>::to_vec), Some(plain(&d, text, masked)), "{text} masked {masked}");
                }
            }
        }
    }
}
