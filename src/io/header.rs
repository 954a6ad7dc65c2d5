//! Finding the header row below any title rows and mapping its words to fields, through the synonym table in
//! `data/headers.toml`.

use crate::data_file::Embedded;
use std::collections::HashMap;

use serde::Deserialize;

use super::cell::Cell;
pub use super::cell::column_letter;
use crate::domain::text::trim;

/// A column the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Seq,
    Name,
    IdNumber,
    GradeClass,
    Grade,
    Class,
    Phone,
    Enrolled,
    Category,
    School,
    Sex,
    BirthDate,
    Note,
    /// 缴费金额 on the tax office's paid list.
    Amount,
    /// 缴费日期 on the tax office's paid list.
    PaidOn,
    /// 缴费渠道 on the tax office's paid list.
    Channel,
    /// 票证号码 on the tax office's paid list: one per payment, so two rows with the same one are one payment.
    Receipt,
    /// 缴费状态 on the tax office's paid list: a row that does not say paid is no payment.
    PaymentStatus,
    /// 残疾等级 on a department's list: whether a bare 「残疾人」 is 重度.
    DisabilityGrade,
    /// 残疾类别 on a department's list (精神, 智力, 肢体 …): whether a grade three or four is 重度.
    DisabilityKind,
    /// 有效期至 on a department's list: the day the certificate ends, after which it grants no subsidy.
    ValidUntil,
    /// 全国学籍号 on a class list: G and the pupil's ID number, read as the ID number where the list gives none.
    StudentNumber,
    /// 民族 on a class list or a batch enrollment template.
    Ethnicity,
    /// 居住地址 (家庭住址, 现住址 …) on a class list or a batch enrollment template.
    Address,
}

impl Column {
    fn from_key(key: &str) -> Option<Column> {
        Some(match key {
            "seq" => Column::Seq,
            "name" => Column::Name,
            "id_number" => Column::IdNumber,
            "grade_class" => Column::GradeClass,
            "grade" => Column::Grade,
            "class" => Column::Class,
            "phone" => Column::Phone,
            "enrolled" => Column::Enrolled,
            "category" => Column::Category,
            "school" => Column::School,
            "sex" => Column::Sex,
            "birth_date" => Column::BirthDate,
            "note" => Column::Note,
            "amount" => Column::Amount,
            "paid_on" => Column::PaidOn,
            "channel" => Column::Channel,
            "receipt" => Column::Receipt,
            "payment_status" => Column::PaymentStatus,
            "disability_grade" => Column::DisabilityGrade,
            "disability_kind" => Column::DisabilityKind,
            "valid_until" => Column::ValidUntil,
            "student_number" => Column::StudentNumber,
            "ethnicity" => Column::Ethnicity,
            "address" => Column::Address,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderFile {
    fields: HashMap<String, Vec<String>>,
    #[serde(default)]
    words: CellWords,
    #[serde(default)]
    own_columns: OwnColumns,
}

/// Header words of columns canbao writes into its own forms and does not read back (`[own_columns]`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OwnColumns {
    #[serde(default)]
    words: Vec<String>,
}

/// Words the importer reads in cells rather than headers.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CellWords {
    #[serde(default)]
    footer: Vec<String>,
    #[serde(default)]
    yes: Vec<String>,
    #[serde(default)]
    no: Vec<String>,
    #[serde(default)]
    no_category: Vec<String>,
    #[serde(default)]
    registered: Vec<String>,
    #[serde(default)]
    not_registered: Vec<String>,
    #[serde(default)]
    paid: Vec<String>,
    #[serde(default)]
    refund: Vec<String>,
    #[serde(default)]
    example: Vec<String>,
    #[serde(default)]
    fill_in: Vec<String>,
    #[serde(default)]
    footer_label: Vec<String>,
    #[serde(default)]
    staff: Vec<String>,
}

/// A bracket or a mark around a cell's word (「【必填】」, 「（填表日期）」, 「*」). Matched by `matches!`, not looked up in
/// a string: these are asked of two cells of every row, and a look-up in a string costs a substring search each.
fn is_bracket_or_mark(c: char) -> bool {
    matches!(c, '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | '*')
}

/// Header word (cleaned) → column, and the cell words of `[words]`.
#[derive(Default)]
pub struct Synonyms {
    words: HashMap<String, Column>,
    cell_words: CellWords,
    /// `[own_columns]`, cleaned as header words are.
    own_columns: Vec<String>,
    /// The first character of each header word as cleaned, sorted: a cell whose cleaned text begins with none
    /// (a name, a number) is no header word, known without cleaning it (`column`).
    firsts: Vec<char>,
    /// The first character of each example word (ASCII lower-cased), of each footer word and of each footer label:
    /// a name or number cell beginning with none of them is none of these words, known without comparing it with
    /// each (asked of the name and class cells of every row).
    example_firsts: Vec<char>,
    footer_firsts: Vec<char>,
    footer_label_firsts: Vec<char>,
}

/// The distinct first characters of `words`, ASCII lower-cased where `fold` (words matched whatever their case).
fn first_chars(words: &[String], fold: bool) -> Vec<char> {
    let mut firsts: Vec<char> =
        words.iter().filter_map(|w| w.chars().next()).map(|c| if fold { c.to_ascii_lowercase() } else { c }).collect();
    firsts.sort_unstable();
    firsts.dedup();
    firsts
}

static BUILTIN: Embedded<Synonyms, String> =
    Embedded::new(|| Synonyms::from_toml(include_str!("../../data/headers.toml")));

impl Synonyms {
    pub fn from_toml(text: &str) -> Result<Synonyms, String> {
        let file: HeaderFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut words = HashMap::new();
        for (key, list) in file.fields {
            let column = Column::from_key(&key).ok_or_else(|| format!("unknown field `{key}` in [fields]"))?;
            for w in list {
                words.insert(clean(&w), column);
            }
        }
        let mut cell_words = file.words;
        for list in [
            &mut cell_words.footer,
            &mut cell_words.yes,
            &mut cell_words.no,
            &mut cell_words.no_category,
            &mut cell_words.registered,
            &mut cell_words.not_registered,
            &mut cell_words.paid,
            &mut cell_words.refund,
            &mut cell_words.example,
            &mut cell_words.fill_in,
            &mut cell_words.footer_label,
        ] {
            list.retain(|w| !w.trim().is_empty());
        }
        // Matched as header words are, so 「班 主 任」 or 「联系人：」 is the word.
        cell_words.staff = cell_words.staff.iter().map(|w| clean(w)).filter(|w| !w.is_empty()).collect();
        let own_columns = file.own_columns.words.iter().map(|w| clean(w)).filter(|w| !w.is_empty()).collect::<Vec<_>>();
        if let Some(word) = own_columns.iter().find(|w| words.contains_key(*w)) {
            return Err(format!("`{word}` in [own_columns] is also a field's word in [fields]"));
        }
        // An empty word (a field's word of marks alone) would match any cell that cleans to nothing: then every
        // cell is cleaned and looked up.
        let mut firsts: Vec<char> = match words.contains_key("") {
            true => Vec::new(),
            false => words.keys().filter_map(|w| w.chars().next()).collect(),
        };
        firsts.sort_unstable();
        firsts.dedup();
        let example_firsts = first_chars(&cell_words.example, true);
        let footer_firsts = first_chars(&cell_words.footer, false);
        let footer_label_firsts = first_chars(&cell_words.footer_label, false);
        Ok(Synonyms { words, cell_words, own_columns, firsts, example_firsts, footer_firsts, footer_label_firsts })
    }

    /// A header of a column canbao writes into its own forms (是否缴费, 参保登记, 签字) and reads no field from: an
    /// import passes it over without a word (canbao's own class list's statuses are read by `own_forms`).
    pub fn is_own_column(&self, header: &str) -> bool {
        let header = clean(header);
        self.own_columns.contains(&header)
    }

    /// "合计：3人", "制表人：…": a name cell that begins a footer row.
    pub fn is_footer(&self, name: &str) -> bool {
        name.chars().next().is_some_and(|c| self.footer_firsts.contains(&c))
            && self.cell_words.footer.iter().any(|w| name.starts_with(w.as_str()))
    }

    /// A 是否参保 cell that says yes.
    pub fn is_yes(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.cell_words.yes.iter().any(|w| w.eq_ignore_ascii_case(cell))
    }

    /// A 是否参保 cell that says no.
    pub fn is_no(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.cell_words.no.iter().any(|w| w.eq_ignore_ascii_case(cell))
    }

    /// An agency's status cell (参保状态) that says registered: a yes word or one of `registered`, matched whole.
    pub fn is_registered(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.is_yes(cell) || self.cell_words.registered.iter().any(|w| w.eq_ignore_ascii_case(cell))
    }

    /// An agency's status cell (参保状态) that says the pupil is not registered (未登记, 登记失败, 暂停参保 …),
    /// matched whole: a status that is neither this nor registered is one the program does not know.
    pub fn is_not_registered(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.cell_words.not_registered.iter().any(|w| w.eq_ignore_ascii_case(cell))
    }

    /// A status cell on the tax office's list (缴费状态) that says paid: a yes word or one of `paid`, matched whole.
    pub fn is_paid(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.is_yes(cell) || self.cell_words.paid.iter().any(|w| w.eq_ignore_ascii_case(cell))
    }

    /// A status or channel cell on the tax office's list that says the money went back (退费, 冲正 …), anywhere in
    /// the cell (已退费, 退费成功).
    pub fn is_refund(&self, cell: &str) -> bool {
        self.cell_words.refund.iter().any(|w| cell.contains(w.as_str()))
    }

    /// A cell that marks its row as an example (「示例」, 「【样例】」, 「例：」), matched whole, letter case ignored.
    pub fn is_example(&self, cell: &str) -> bool {
        // Longer than any such word in brackets: most cells are names and numbers, and are not looked at.
        if cell.len() > 40 {
            return false;
        }
        let word = trim(cell).trim_matches(|c: char| {
            matches!(c, '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | '<' | '>' | '《' | '》' | ':' | '：' | '*')
                || c.is_whitespace()
        });
        // Equal but for ASCII case, the first characters are too.
        word.chars().next().is_some_and(|c| self.example_firsts.contains(&c.to_ascii_lowercase()))
            && self.cell_words.example.iter().any(|w| w.eq_ignore_ascii_case(word))
    }

    /// A name a template marks as its example (「（示例）张三」, 「示例：张三」, 「例：李四」, 「张三（样例）」): an example
    /// word before a colon or in brackets at either end, a name beside it. 「张三：男」 or 「李（例）」 alone is no mark.
    pub fn marks_name_as_example(&self, name: &str) -> bool {
        if name.len() > 80 {
            return false;
        }
        let name = trim(name);
        let named = |rest: &str| !trim(rest).is_empty();
        if let Some((head, rest)) = name.split_once(['：', ':'])
            && named(rest)
            && self.is_example(head)
        {
            return true;
        }
        [('（', '）'), ('(', ')'), ('【', '】'), ('[', ']')].into_iter().any(|(open, close)| {
            let before = name.strip_prefix(open).and_then(|after| after.split_once(close));
            let after = name.strip_suffix(close).and_then(|before| before.rsplit_once(open)).map(|(r, w)| (w, r));
            [before, after].into_iter().flatten().any(|(word, rest)| named(rest) && self.is_example(word))
        })
    }

    /// A cell of a row of instructions under a header (「必填」, 「必填（18位）」, 「选填」): it begins with such a word.
    pub fn is_fill_in(&self, cell: &str) -> bool {
        let cell = cell.trim_start_matches(|c: char| c.is_whitespace() || is_bracket_or_mark(c));
        self.cell_words.fill_in.iter().any(|w| cell.starts_with(w.as_str()))
    }

    /// A footer's label cell (「填表日期」, 「制表人：王老师」, 「日期 2026-09-01」): a label word whole, or before a
    /// colon, or followed by a date, brackets and spaces around it ignored. A name is no label.
    pub fn is_footer_label(&self, cell: &str, is_date: impl Fn(&str) -> bool) -> bool {
        if cell.len() > 200 {
            return false;
        }
        let cell = trim(cell).trim_matches(|c: char| is_bracket_or_mark(c) || c.is_whitespace());
        // A label the head begins with begins the cell too (the head is the cell up to a colon, which no label
        // begins with before it).
        if !cell.chars().next().is_some_and(|c| self.footer_label_firsts.contains(&c)) {
            return false;
        }
        let (head, after_colon) = match cell.split_once(['：', ':']) {
            Some((head, rest)) => (head.trim(), Some(rest)),
            None => (cell, None),
        };
        self.cell_words.footer_label.iter().any(|w| match head.strip_prefix(w.as_str()) {
            Some("") => true,
            Some(rest) => after_colon.is_none() && is_date(rest.trim()),
            None => false,
        })
    }

    /// A header cell naming the staff's column of another table (「班主任」, 「教师」, 「联系人」), matched whole as
    /// header words are.
    pub fn is_staff(&self, cell: &str) -> bool {
        // Longer than any such word: most cells are names and numbers, and are not cleaned.
        cell.len() <= 40 && {
            let word = clean(cell);
            self.cell_words.staff.contains(&word)
        }
    }

    /// A header cell naming a phone: a phone column's word, or any header word of a phone (「手机」, 「办公电话」).
    pub fn is_phone_word(&self, cell: &str) -> bool {
        cell.len() <= 40
            && (self.column(cell) == Some(Column::Phone) || {
                let word = clean(cell);
                word.chars().count() <= 8 && ["电话", "手机"].iter().any(|w| word.contains(w))
            })
    }

    /// A category cell word that means none (无, 否, -).
    pub fn is_no_category(&self, word: &str) -> bool {
        self.cell_words.no_category.iter().any(|w| w == word)
    }

    /// The words of `data/headers.toml`, embedded in the binary.
    pub fn builtin() -> &'static Synonyms {
        BUILTIN.get()
    }

    /// Why the embedded word table could not be parsed (a broken build): the command line refuses to start on it.
    pub fn builtin_error() -> Option<&'static String> {
        BUILTIN.error()
    }

    pub fn column(&self, header: &str) -> Option<Column> {
        // Every cell of the rows a header may be in is asked: a cell of megabytes (a pasted document, a broken
        // export) names no column, and cleaning it for each row asked took half a minute.
        // Every cell of every row is asked (`map_row`): one that cannot begin a header word is not cleaned. The
        // stem below begins as the header does, so its cleaned text begins with the same character or is empty.
        if !self.firsts.is_empty()
            && let Some(first) = first_cleaned(header)
            && self.firsts.binary_search(&first).is_err()
        {
            return None;
        }
        let word =
            |text: &str| (text.len() <= MAX_HEADER_BYTES).then(|| self.words.get(&clean(text)).copied()).flatten();
        word(header)
            .or_else(|| {
                // "身份证号码（必填）", "姓名*": the words before a parenthesis or a mark still name the column.
                let stem = header.split(['(', '（', '[', '【']).next().unwrap_or("");
                (stem.len() < header.len()).then(|| word(stem)).flatten()
            })
            .or_else(|| {
                // 「金额/分」, 「缴费金额 分」, 「金额-元」: an amount with its unit after a slash, a space or a dash (which
                // the cleaning drops) is the amount column all the same; dropped as unused, every row was taken as
                // paid in full whatever it paid. Only the amount: no other column's words end in a unit.
                let cleaned = (header.len() <= MAX_HEADER_BYTES).then(|| clean(header))?;
                let words = strip_amount_unit(&cleaned)?;
                self.words.get(words).copied().filter(|c| *c == Column::Amount)
            })
    }
}

/// The words of a cleaned amount header before its unit (「金额分」 → 「金额」, 「缴费金额单位元」 → 「缴费金额」), or none
/// when it ends in no unit.
pub fn strip_amount_unit(cleaned: &str) -> Option<&str> {
    let bare =
        ["人民币万元", "人民币分", "人民币元", "万元", "分", "元"].iter().find_map(|u| cleaned.strip_suffix(u))?;
    let bare = bare.strip_suffix("单位").unwrap_or(bare);
    (!bare.is_empty()).then_some(bare)
}

/// The longest cell read as a header word: far above any word of the table with its spaces and marks.
const MAX_HEADER_BYTES: usize = 1024;

/// The first character of `clean(word)`, without making it.
fn first_cleaned(word: &str) -> Option<char> {
    cleaned_chars(word).next()
}

/// Header words vary in width, spacing and punctuation: "所在年级、班级", "所在年级 班级", "联系电话：".
pub fn clean(word: &str) -> String {
    cleaned_chars(word).collect()
}

fn cleaned_chars(word: &str) -> impl Iterator<Item = char> {
    word.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        // A `matches!`, not `str::contains`: every cell of every row may be asked (`map_row`), and a substring
        // search per character cost more than the rest of the cleaning.
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    *c,
                    '、' | ','
                        | '，'
                        | ':'
                        | '：'
                        | '*'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '/'
                        | '\\'
                        | '|'
                        | '.'
                        | '·'
                        | '-'
                        | '_'
                        | '"'
                        | '\''
                        | '“'
                        | '”'
                )
        })
        .flat_map(char::to_lowercase)
}

/// Where the header is and which column holds what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// Index into the sheet's rows (file row = index + 1) of the header's last row, the one above the pupils.
    pub row: usize,
    /// The header's first row: `row`, or the one above it for a header of two rows (`two_row_header`). The rows
    /// above it are the title, read for the school, class and grade; the header's own words are no title.
    pub top: usize,
    pub columns: Columns,
    /// Further phone cells under a merged 联系电话 (父亲, 母亲): the first that holds a number is the pupil's
    /// phone, the others kept in the note (`sub_columns`).
    pub more_phones: Vec<usize>,
}

/// Which cell holds each column. Asked some ten times a row while a list is read, where SipHash cost more than
/// the rest of the look-up; its keys are the columns, chosen by the program, not by the file.
pub type Columns = HashMap<Column, usize, foldhash::fast::RandomState>;

impl HeaderMap {
    pub fn get<'a>(&self, column: Column, row: &'a [Cell]) -> Option<&'a Cell> {
        self.columns.get(&column).and_then(|&i| row.get(i))
    }

    /// The column's header as the file writes it ("公民身份号码"), for pointing a problem at its cell; empty
    /// when the file has no such column.
    pub fn header_text(&self, column: Column, rows: &[Vec<Cell>]) -> String {
        rows.get(self.row).and_then(|header| self.get(column, header)).map(Cell::text).unwrap_or_default()
    }
}

/// How far down a title block can reach before the header.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// The first row that names both a name column and an ID-number column, with the row under it when the header
/// takes two rows (`two_row_header`).
pub fn detect(rows: &[Vec<Cell>], synonyms: &Synonyms) -> Option<HeaderMap> {
    let found = rows.iter().take(HEADER_SEARCH_ROWS).enumerate().find_map(|(index, row)| {
        let columns = with_student_number(map_row(row, synonyms));
        (columns.contains_key(&Column::Name) && columns.contains_key(&Column::IdNumber)).then_some(HeaderMap {
            row: index,
            top: index,
            columns,
            more_phones: Vec::new(),
        })
    });
    let map =
        match found {
            Some(found) => two_row_header(rows, synonyms, found),
            // No one row names both: a header of two rows whose words name them together (身份证件 over 号码).
            None => rows.iter().take(HEADER_SEARCH_ROWS).enumerate().zip(rows.iter().skip(1)).find_map(
                |((index, upper), lower)| {
                    let columns = with_student_number(combined_columns(upper, lower, synonyms));
                    (columns.contains_key(&Column::Name) && columns.contains_key(&Column::IdNumber))
                        .then_some(HeaderMap { row: index + 1, top: index, columns, more_phones: Vec::new() })
                },
            )?,
        };
    // The header's upper row, where it has one, or the row above it: a group label over the names.
    let upper = if map.top != map.row { Some(map.top) } else { map.row.checked_sub(1) };
    Some(match upper {
        Some(upper) => {
            let mut map = sub_columns(&rows[upper], &rows[map.row], synonyms, map, upper);
            pupils_group(&rows[upper], &rows[map.row], synonyms, &mut map);
            map
        }
        None => map,
    })
}

/// A list with no ID number column but a 全国学籍号 one (G and the ID number): the ID number is read from it.
/// A 所在班级 (就读班级) column beside a 年级 one and no 班级 column holds the class of that grade (三年级 | 2班): it is
/// read as the class column, where as a column of grade and class together the grade beside it left it unread.
pub fn with_student_number(mut columns: Columns) -> Columns {
    if let (None, Some(&at)) = (columns.get(&Column::IdNumber), columns.get(&Column::StudentNumber)) {
        columns.insert(Column::IdNumber, at);
    }
    if columns.contains_key(&Column::Grade)
        && !columns.contains_key(&Column::Class)
        && let Some(at) = columns.remove(&Column::GradeClass)
    {
        columns.insert(Column::Class, at);
    }
    columns
}

/// The columns a header of two rows names between them, where neither row names both the name and the ID number
/// alone: each cell of the lower row by its own word, or by the word over it joined to its own (身份证件 over
/// 号码 is 身份证件号码, 学生 over 姓名 is 学生姓名), and a cell under nothing by the upper row's word (学生姓名 merged
/// down over both rows). The word over a cell is the upper row's there, or the last one to its left where a
/// merged group label is read in its first cell only. A lower row holding a number is a pupil's row.
fn combined_columns(upper: &[Cell], lower: &[Cell], synonyms: &Synonyms) -> Columns {
    let mut columns = Columns::default();
    if lower.iter().any(|c| !matches!(c, Cell::Text(_) | Cell::Empty)) {
        return columns;
    }
    let mut group = String::new();
    for i in 0..upper.len().max(lower.len()) {
        let up = upper.get(i).map(Cell::text).unwrap_or_default();
        let low = lower.get(i).map(Cell::text).unwrap_or_default();
        let (up, low) = (up.trim(), low.trim());
        if !up.is_empty() {
            group = up.to_owned();
        } else if low.is_empty() {
            group.clear();
        }
        let column = match low.is_empty() {
            true => synonyms.column(up),
            false => synonyms.column(low).or_else(|| synonyms.column(&format!("{group}{low}"))),
        };
        if let Some(column) = column {
            columns.entry(column).or_insert(i);
        }
    }
    columns
}

/// Whose columns a group label over them says they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    None,
    Pupil,
    Adult,
}

fn group_of(label: &str) -> Group {
    let label = clean(label);
    if ["家长", "监护人", "父亲", "母亲", "法定代理人", "户主", "联系人"].iter().any(|w| label.contains(w))
    {
        Group::Adult
    } else if ["学生", "幼儿", "儿童", "参保人", "学员"].iter().any(|w| label.contains(w)) {
        Group::Pupil
    } else {
        Group::None
    }
}

/// A header whose upper row labels groups of columns (学生信息 over 姓名 and 身份证号码, 家长信息 over another 姓名
/// and 身份证号码): the pupil's name, ID number, sex and birth date are read under the pupil's label, wherever it
/// stands. Before, the first 姓名 was read, the parent's when the parent's group came first, and the list was
/// refused as an adults' one. The label is read in each cell a merge covers, or in its first only and carried
/// right over the empty cells after it.
fn pupils_group(upper: &[Cell], lower: &[Cell], synonyms: &Synonyms, map: &mut HeaderMap) {
    let mut groups = Vec::with_capacity(lower.len());
    let mut current = Group::None;
    for i in 0..lower.len() {
        if let Some(label) = upper.get(i).map(Cell::text).filter(|t| !t.trim().is_empty()) {
            current = group_of(&label);
        }
        groups.push(current);
    }
    if !groups.contains(&Group::Pupil) {
        return;
    }
    for column in [Column::Name, Column::IdNumber, Column::Sex, Column::BirthDate] {
        let under_pupil = lower.iter().enumerate().find(|(i, cell)| {
            groups[*i] == Group::Pupil && matches!(cell, Cell::Text(t) if synonyms.column(t) == Some(column))
        });
        if let Some((i, _)) = under_pupil {
            map.columns.insert(column, i);
        }
    }
}

/// Whether text (a file's first bytes) reads as a table with a class list's header: a row naming both a name
/// column and an ID-number column, as an import wants.
pub fn text_has_list_header(head: &[u8]) -> bool {
    // The head is cut at its last line break, so the row cut in two is not read as a short one.
    let whole = head.iter().rposition(|&b| b == b'\n').map_or(head, |end| &head[..=end]);
    let Ok(sheets) = super::table::open_bytes(whole.to_vec(), "") else { return false };
    sheets.into_iter().take(1).any(|sheet| {
        let rows: Vec<_> = sheet.take(HEADER_SEARCH_ROWS).map_while(Result::ok).collect();
        detect(&rows, Synonyms::builtin()).is_some()
    })
}

/// A block of a list printed in blocks side by side (`side_by_side`): the column it starts at, and whether it
/// repeats the first block's columns in the first's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub start: usize,
    /// Its columns are the first block's, each as far from its start: a school's two blocks printed side by
    /// side, one table's columns twice. A block that is not (姓名 班级 身份证号 beside 序号 姓名 身份证号 班级, or a
    /// guardian's 序号 姓名 身份证号 beside the pupil's 序号 姓名 身份证号 联系电话) is read as pupils only where its
    /// rows show pupils' ID numbers, which the header cannot tell.
    pub fits: bool,
}

/// A list printed in two (or more) blocks side by side (分两栏: 序号 姓名 身份证号码 | 序号 姓名 身份证号码), each row
/// holding a pupil in each block: the blocks, the first's first, each naming the name and the ID number in an
/// order of its own. Empty where the header is one block.
/// A group label over them (家长信息 beside 学生信息), or an adult named in the header of a block's name or ID
/// number (姓名（父亲）, 监护人身份证号), says a block is different people's, not more pupils: its columns are the
/// block's before it, said as repeated.
/// Columns repeated after a block's name and ID number with neither of them (a second 联系电话) are its own.
pub fn side_by_side(header: &[Cell], upper: Option<&[Cell]>, synonyms: &Synonyms) -> Vec<Block> {
    let adult = |cells: &[Cell]| cells.iter().any(|c| group_of(&c.text()) == Group::Adult);
    if upper.is_some_and(adult) {
        return Vec::new();
    }
    let mut blocks: Vec<Vec<(usize, Column)>> = vec![Vec::new()];
    for (i, cell) in header.iter().enumerate() {
        let Cell::Text(t) = cell else { continue };
        let Some(column) = synonyms.column(t) else { continue };
        if blocks.last().is_some_and(|b| b.iter().any(|&(_, c)| c == column)) {
            blocks.push(Vec::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push((i, column));
        }
    }
    let has = |block: &[(usize, Column)], column: Column| block.iter().any(|&(_, c)| c == column);
    let whole = |block: &[(usize, Column)]| has(block, Column::Name) && has(block, Column::IdNumber);
    // An adult's name or number names the block as no pupils'.
    let adults = |block: &[(usize, Column)]| {
        block
            .iter()
            .any(|&(i, c)| matches!(c, Column::Name | Column::IdNumber) && group_of(&header[i].text()) == Group::Adult)
    };
    // A cell headed as a guardian's or a parent's (监护人, 家长, 父亲, 联系人) between the block before and this
    // block's name and ID number (「… | 监护人 | 姓名 | 身份证号码」) names the block as theirs, not more pupils'.
    let headed_adult = |block: &[(usize, Column)], from: usize| {
        let to = block.iter().filter(|&&(_, c)| matches!(c, Column::Name | Column::IdNumber)).map(|&(i, _)| i).max();
        to.is_some_and(|to| header[from.min(to)..=to].iter().any(|c| group_of(&c.text()) == Group::Adult))
    };
    let mut kept: Vec<Vec<(usize, Column)>> = Vec::new();
    for block in blocks {
        match kept.last_mut() {
            Some(before)
                if (!has(&block, Column::Name) && !has(&block, Column::IdNumber))
                    || adults(&block)
                    || headed_adult(&block, before.last().map_or(0, |&(i, _)| i + 1)) =>
            {
                before.extend(block)
            }
            _ => kept.push(block),
        }
    }
    let Some((first, further)) = kept.split_first() else { return Vec::new() };
    if further.is_empty() || !whole(first) || adults(first) {
        return Vec::new();
    }
    let base = first[0].0;
    let mut found = vec![Block { start: base, fits: true }];
    for block in further {
        if !whole(block) {
            return Vec::new();
        }
        let start = block[0].0;
        let fits = block.len() == first.len()
            && block.iter().all(|&(j, c)| first.iter().any(|&(i, k)| k == c && i - base == j - start));
        found.push(Block { start, fits });
    }
    found
}

/// The columns a block of a list side by side names (`side_by_side`), from `start` up to `end`, as the header's
/// columns: each block's rows are read by its own header, in its own order.
pub fn block_columns(header: &[Cell], start: usize, end: usize, synonyms: &Synonyms) -> Columns {
    let mut columns = Columns::default();
    for (i, cell) in header.iter().enumerate().take(end).skip(start) {
        if let Cell::Text(t) = cell
            && let Some(c) = synonyms.column(t)
        {
            columns.entry(c).or_insert(i);
        }
    }
    with_student_number(columns)
}

/// For each cell of a header's lower row that names no column itself (父亲, 母亲), the column its upper row names
/// over it where that word is merged across two cells or more: read in each cell (filled) or in the first only.
/// A word over one cell alone is the row above a pupil's row, not a group: 姓名 over 张三.
fn merged_over(upper: &[Cell], lower: &[Cell], synonyms: &Synonyms) -> Vec<Option<Column>> {
    let sub_label =
        |i: usize| matches!(lower.get(i), Some(Cell::Text(t)) if !t.trim().is_empty() && synonyms.column(t).is_none());
    let above = |i: usize| upper.get(i).map(Cell::text).unwrap_or_default().trim().to_owned();
    let mut over = vec![None; lower.len()];
    let mut i = 0;
    while i < lower.len() {
        let word = above(i);
        if !sub_label(i) || word.is_empty() {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lower.len() && sub_label(end) && (above(end).is_empty() || above(end) == word) {
            end += 1;
        }
        if end - i >= 2
            && let Some(column) = synonyms.column(&word)
        {
            over[i..end].fill(Some(column));
        }
        i = end;
    }
    over
}

/// A header of two rows whose upper row names a known column merged over sub-columns the lower row names in
/// words of its own: 联系电话 over 父亲 and 母亲. The sub-columns are read as that column (the first as it, further
/// phones as `more_phones`), where before each was said an unknown header and its cells were lost. A cell the
/// lower row names itself is never read as another column.
fn sub_columns(upper: &[Cell], lower: &[Cell], synonyms: &Synonyms, mut map: HeaderMap, top: usize) -> HeaderMap {
    let mut adopted: Vec<Column> = Vec::new();
    for (i, over) in merged_over(upper, lower, synonyms).into_iter().enumerate() {
        let Some(column) = over else { continue };
        match map.columns.get(&column) {
            // The upper row's own word, read in the merge's first cell, heads its first sub-column.
            Some(&at) if at == i => adopted.push(column),
            None => {
                map.columns.insert(column, i);
                adopted.push(column);
            }
            Some(_) if column == Column::Phone && adopted.contains(&Column::Phone) => map.more_phones.push(i),
            Some(_) => {}
        }
    }
    if !adopted.is_empty() {
        map.top = top;
    }
    map
}

/// A header of two rows: a group label merged across the columns it groups (「学籍信息」 over 年级 and 班级, 「联系方式」
/// over 家长电话), the columns' own names in the row under it, and the other names merged down over both rows
/// (a merged cell's value is read in each cell it covers, or only in the first). The row under the header is
/// its second row when every cell it fills names a column or repeats the cell above, and it names a column the
/// first row does not: the columns are then the second row's, and the first row's where the second names none.
/// Before, the second row was skipped as a header repeated and the columns under a group label were lost.
fn two_row_header(rows: &[Vec<Cell>], synonyms: &Synonyms, first: HeaderMap) -> HeaderMap {
    let (Some(upper), Some(lower)) = (rows.get(first.row), rows.get(first.row + 1)) else { return first };
    let lower_columns = map_row(lower, synonyms);
    let under_merged = merged_over(upper, lower, synonyms);
    let header_like = lower.iter().enumerate().all(|(i, cell)| match cell {
        Cell::Text(t) if !t.trim().is_empty() => {
            synonyms.column(t).is_some()
                || upper.get(i).is_some_and(|above| above.text().trim() == t.trim())
                || under_merged[i].is_some()
        }
        Cell::Text(_) | Cell::Empty => true,
        // A number (a row number, an ID): the first pupil's row.
        Cell::Number(_) | Cell::Digits(_) | Cell::Unevaluated(_) => false,
    });
    let adds = lower_columns.keys().any(|c| !first.columns.contains_key(c)) || under_merged.iter().any(Option::is_some);
    if !header_like || !adds {
        return first;
    }
    let mut columns = lower_columns;
    let taken: Vec<usize> = columns.values().copied().collect();
    for (column, index) in first.columns {
        if !taken.contains(&index) {
            columns.entry(column).or_insert(index);
        }
    }
    HeaderMap { row: first.row + 1, top: first.row, columns, more_phones: Vec::new() }
}

/// Maps a row's cells to columns; when two cells name the same column, the first wins.
pub fn map_row(row: &[Cell], synonyms: &Synonyms) -> Columns {
    let mut columns = Columns::default();
    for (i, cell) in row.iter().enumerate() {
        if let Cell::Text(t) = cell
            && let Some(c) = synonyms.column(t)
        {
            columns.entry(c).or_insert(i);
        }
    }
    columns
}

/// Of two columns with the same header, the one the operator sees is read: a hidden column before it (last
/// year's numbers, kept out of sight) is what `header::map_row` would otherwise take, being first.
pub fn prefer_visible(map: &mut HeaderMap, header_row: &[Cell], hidden: &[usize], synonyms: &Synonyms) {
    if hidden.is_empty() {
        return;
    }
    // A cell another field reads is not taken from it.
    let taken: Vec<usize> = map.columns.values().copied().collect();
    for (column, at) in map.columns.iter_mut() {
        if hidden.binary_search(at).is_err() {
            continue;
        }
        let visible = header_row.iter().enumerate().find(|(i, cell)| {
            hidden.binary_search(i).is_err()
                && !taken.contains(i)
                && matches!(cell, Cell::Text(t) if synonyms.column(t) == Some(*column))
        });
        if let Some((i, _)) = visible {
            *at = i;
        }
    }
}

/// "学校名称：某某小学" in a title row names the school for the whole sheet; failing that, a title such as
/// 「柳州市城中区实验小学2024年秋季学期学生名册」 does, by the part that names a school.
pub fn school_from_title(rows: &[Vec<Cell>], header_row: usize) -> Option<String> {
    labelled_school(rows, header_row)
        .or_else(|| rows.iter().take(header_row).flatten().find_map(|cell| school_in_title(&cell.text())))
}

/// Words a school's name ends with, longest first so 实验学校 is not cut at 学校.
const SCHOOL_ENDINGS: [&str; 12] = [
    "九年一贯制学校",
    "实验学校",
    "中心小学",
    "中心校",
    "幼儿园",
    "完全小学",
    "小学",
    "中学",
    "学校",
    "完小",
    "附小",
    "附中",
];

/// The school a title names: the text up to the end of its last school word (the year, term and 名册 after it
/// are dropped). A title that names no school names none.
pub fn school_in_title(text: &str) -> Option<String> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // A label line ("填报时间：…") is not a title.
    if text.contains([':', '：']) {
        return None;
    }
    // A school named in brackets after the list's name: 「学生名册（柳州市示范小学）」.
    let inner = text
        .split(['（', '(', '）', ')', '【', '】'])
        .rfind(|part| SCHOOL_ENDINGS.iter().any(|w| part.contains(w)))
        .unwrap_or(&text);
    let end = SCHOOL_ENDINGS.iter().filter_map(|w| inner.rfind(w).map(|at| at + w.len())).max()?;
    // A year and term written before the name (「2024年秋季学期柳州市示范小学…」) are not part of it.
    let name = strip_term_prefix(&inner[..end]);
    // A bare word (学校, 小学) is no school's name.
    (name.chars().count() > 3).then(|| name.to_owned())
}

/// What a title says after the school it names and the year and term written before the rest: 「XX小学四年级1班学生
/// 名单」 → 「四年级1班学生名单」, 「2024年秋季学期四年级1班名单」 → 「四年级1班名单」.
pub fn after_school(text: &str) -> &str {
    let end = SCHOOL_ENDINGS.iter().filter_map(|w| text.rfind(w).map(|at| at + w.len())).max().unwrap_or(0);
    strip_term_prefix(&text[end..])
}

/// 「2024年秋季学期」, 「2024-2025学年度第一学期」, 「2024学年」 … at the start of a title: only after a year.
fn strip_term_prefix(text: &str) -> &str {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return text;
    }
    const TERM_WORDS: [&str; 13] =
        ["学年度", "学年", "年度", "年", "秋季", "春季", "秋", "春", "第一", "第二", "学期", "级", "届"];
    let mut rest = text;
    loop {
        let before = rest;
        rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '-' | '—' | '~' | '至' | '/'));
        if let Some(word) = TERM_WORDS.iter().find(|w| rest.starts_with(**w)) {
            rest = &rest[word.len()..];
        }
        if rest == before {
            return rest;
        }
    }
}

fn labelled_school(rows: &[Vec<Cell>], header_row: usize) -> Option<String> {
    for row in rows.iter().take(header_row) {
        for cell in row {
            let text = cell.text();
            for label in ["学校名称", "填报单位", "单位名称", "学校"] {
                // Only "学校名称：…" or "学校：…": "学校地址：…" names an address, not the school.
                if let Some(rest) = text.strip_prefix(label).map(|r| r.trim_start_matches([' ', '\u{3000}']))
                    && let Some(rest) = rest.strip_prefix([':', '：'])
                {
                    let rest = rest.trim_start_matches([' ', '\u{3000}']);
                    // The value ends where another label such as 填报时间 begins on the same cell.
                    let value = rest.split(|c: char| c.is_whitespace()).next().unwrap_or("").trim();
                    if !value.is_empty() {
                        return Some(value.to_owned());
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canbaos_own_columns_are_known_and_no_field() {
        let synonyms = Synonyms::builtin();
        assert!(synonyms.is_own_column("是否缴费") && synonyms.is_own_column(" 签 字 "));
        assert!(synonyms.is_own_column("参保登记"));
        assert!(!synonyms.is_own_column("是否参保") && !synonyms.is_own_column("民族"));
        let clash = "[fields]\nname = [\"姓名\"]\n[own_columns]\nwords = [\"姓名\"]\n";
        assert!(Synonyms::from_toml(clash).is_err_and(|e| e.contains("姓名")));
    }

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text((*c).into()) }).collect()
    }

    #[test]
    fn a_plain_title_names_the_school() {
        for (title, school) in [
            ("柳州市城中区实验小学2024年秋季学期学生名册", Some("柳州市城中区实验小学")),
            ("宜宾市翠屏区第一中学 2026级新生名单", Some("宜宾市翠屏区第一中学")),
            ("南充市某某九年一贯制学校学生花名册", Some("南充市某某九年一贯制学校")),
            ("三年级2班学生名单", None),
            ("2024年秋季学期柳州市示范小学学生名册", Some("柳州市示范小学")),
            ("2024-2025学年度第一学期宜宾市某某中学学生名单", Some("宜宾市某某中学")),
            ("学生名册（柳州市示范小学）", Some("柳州市示范小学")),
            ("三年级学生名册", None),
            ("填报时间：2026-09-10", None),
            ("小学", None),
        ] {
            assert_eq!(school_in_title(title).as_deref(), school, "{title}");
        }
        let labelled = vec![row(&["填报单位：柳州市示范小学"]), row(&["姓名", "身份证号"])];
        assert_eq!(school_from_title(&labelled, 1).as_deref(), Some("柳州市示范小学"));
        let rows = vec![row(&["柳州市城中区实验小学2024年秋季学期学生名册"]), row(&["姓名", "身份证号"])];
        assert_eq!(school_from_title(&rows, 1).as_deref(), Some("柳州市城中区实验小学"));
    }

    #[test]
    fn builtin_table_parses_and_knows_the_domain_words() {
        let syn = Synonyms::from_toml(include_str!("../../data/headers.toml")).expect("headers.toml");
        for (word, col) in [
            ("姓名", Column::Name),
            ("学生姓名", Column::Name),
            ("身份证号", Column::IdNumber),
            ("公民身份号码", Column::IdNumber),
            ("证件号码", Column::IdNumber),
            ("所在年级、班级", Column::GradeClass),
            ("家长电话", Column::Phone),
            ("手机号", Column::Phone),
            ("身份证号码（必填）", Column::IdNumber),
            ("姓 名", Column::Name),
            ("人员类别", Column::Category),
            ("缴费金额（元）", Column::Amount),
            ("实缴金额", Column::Amount),
            ("缴费时间", Column::PaidOn),
            ("缴费方式", Column::Channel),
            ("征收渠道", Column::Channel),
            ("征收方式", Column::Channel),
            ("缴款方式", Column::Channel),
            ("缴费状态", Column::PaymentStatus),
            // The tax office's own exports name the payer as a taxpayer (纳税人): for a person, the ID number.
            ("纳税人识别号", Column::IdNumber),
            ("纳税人名称", Column::Name),
            ("缴费人证件号码", Column::IdNumber),
            ("入库日期", Column::PaidOn),
            // A school's own words for its pupils' numbers: 「学生姓名 | 学生身份证」.
            ("学生身份证", Column::IdNumber),
            ("学生身份证件号码", Column::IdNumber),
            ("学生证件号码", Column::IdNumber),
            ("幼儿身份证号码", Column::IdNumber),
            ("身份证号（学生）", Column::IdNumber),
            ("身份证号码(学生)", Column::IdNumber),
        ] {
            assert_eq!(syn.column(word), Some(col), "{word}");
        }
        assert_eq!(syn.column("姓名拼音"), None);
    }

    #[test]
    fn cell_words_come_from_the_table() {
        let syn = Synonyms::builtin();
        assert!(syn.is_footer("合计：3人") && syn.is_footer("制表人：李老师") && !syn.is_footer("合子涵"));
        assert!(syn.is_footer("以下空白") && syn.is_footer("以下无内容") && syn.is_footer("填表日期：2026年9月1日"));
        assert!(syn.is_yes("是") && syn.is_yes("YES") && syn.is_yes(" 已参保 ") && !syn.is_yes("否"));
        assert!(syn.is_no_category("无") && !syn.is_no_category("低保"));
        assert!(syn.is_paid("已缴费") && syn.is_paid(" 缴费成功 ") && syn.is_paid("是"));
        assert!(!syn.is_paid("未缴费") && !syn.is_paid("缴费失败") && !syn.is_paid("否") && !syn.is_paid(""));
        assert!(syn.is_refund("已退费") && syn.is_refund("退款") && !syn.is_refund("微信"));
        assert!(
            syn.is_example("示例") && syn.is_example("【样例】") && syn.is_example(" 例： ") && !syn.is_example("例行")
        );
        for name in ["（示例）张三", "示例：张三", "例：李四", "张三（样例）", "【填写示例】王五", "(example) Li"]
        {
            assert!(syn.marks_name_as_example(name), "{name}");
        }
        for name in ["张三", "张三：男", "（例）", "例行", "李（例）明", "王示例"] {
            assert!(!syn.marks_name_as_example(name), "{name}");
        }
        assert!(syn.is_fill_in("必填（18位）") && syn.is_fill_in("选填") && !syn.is_fill_in("陈娜军"));
        // The agencies' ways of saying a person is registered, 参保登记成功 as 登记成功 and 正常参保 are.
        for word in ["参保登记成功", "登记成功", "正常参保", "已参保登记", "参保成功", "已办理参保登记", "成功参保"]
        {
            assert!(syn.is_registered(word) && !syn.is_not_registered(word), "{word}");
        }
        assert!(syn.is_not_registered("参保登记失败") && !syn.is_registered("参保登记失败"));
        // A school's own word is a line in the file, not a code change.
        let text = "[fields]\nname = [\"姓名\"]\n[words]\nfooter = [\"统计\"]\nyes = [\"√\"]\n";
        let syn = Synonyms::from_toml(text).expect("parses");
        assert!(syn.is_footer("统计：40人") && syn.is_yes("√") && !syn.is_yes("是"));
        assert!(Synonyms::from_toml("[fields]\n[words]\nmaybe = [\"x\"]\n").is_err());
    }

    #[test]
    fn unknown_field_in_table_is_an_error() {
        let err = Synonyms::from_toml("[fields]\nnmae = [\"姓名\"]\n").err().expect("error");
        assert!(err.contains("nmae"), "{err}");
    }

    #[test]
    fn header_below_title_rows() {
        let rows = vec![
            row(&["宜宾市在校学生信息表", "", ""]),
            row(&["学校名称：宜宾市某某中学", "", "填报时间：2026-09-10"]),
            row(&["序号", "姓名", "身份证号码", "所在年级、班级"]),
            row(&["1", "张三", "x", "三年级2班"]),
        ];
        let map = detect(&rows, Synonyms::builtin()).expect("header");
        assert_eq!(map.row, 2);
        assert_eq!(map.columns[&Column::Name], 1);
        assert_eq!(map.columns[&Column::GradeClass], 3);
        assert_eq!(school_from_title(&rows, map.row).as_deref(), Some("宜宾市某某中学"));
    }

    #[test]
    fn no_header_found() {
        let rows = vec![row(&["甲", "乙", "丙"]), row(&["1", "2", "3"])];
        assert_eq!(detect(&rows, Synonyms::builtin()), None);
    }

    #[test]
    fn a_header_of_two_rows_names_the_id_number_by_its_group_label_and_its_own_word() {
        // 身份证件 merged over 证件类型 and 号码 (read in each cell, or in the first only), 学生姓名 merged down.
        for filled in [true, false] {
            let over = if filled { "身份证件" } else { "" };
            let rows = vec![
                row(&["学生名册"]),
                row(&["序号", "学生姓名", "身份证件", over, "学籍信息", ""]),
                row(&["", "", "证件类型", "号码", "年级", "班级"]),
                row(&["1", "张三", "居民身份证", "450202201703051233", "四年级", "2班"]),
            ];
            let map = detect(&rows, Synonyms::builtin()).expect("header");
            assert_eq!((map.top, map.row), (1, 2));
            for (column, at) in [(Column::Name, 1), (Column::IdNumber, 3), (Column::Grade, 4), (Column::Class, 5)] {
                assert_eq!(map.columns.get(&column), Some(&at), "{column:?} ({filled})");
            }
        }
        // 身份证件 over one cell, 号码.
        let rows = vec![row(&["序号", "学生姓名", "身份证件", "备注"]), row(&["", "", "号码", ""])];
        let map = detect(&rows, Synonyms::builtin()).expect("header");
        assert_eq!(map.columns.get(&Column::IdNumber), Some(&2));
    }

    #[test]
    fn group_labels_say_which_name_and_number_are_the_pupils() {
        for (upper, lower, name, id) in [
            (
                ["序号", "家长信息", "", "", "学生信息", ""],
                ["", "姓名", "身份证号码", "联系电话", "姓名", "身份证号码"],
                4,
                5,
            ),
            (
                ["序号", "学生信息", "", "监护人信息", "", ""],
                ["", "姓名", "身份证号码", "姓名", "身份证号码", "联系电话"],
                1,
                2,
            ),
        ] {
            let rows = vec![row(&upper), row(&lower)];
            let map = detect(&rows, Synonyms::builtin()).expect("header");
            assert_eq!((map.columns[&Column::Name], map.columns[&Column::IdNumber]), (name, id), "{upper:?}");
            assert_eq!(map.columns[&Column::Phone], if name == 4 { 3 } else { 5 });
            // A parent's block beside the pupil's is no second block of pupils.
            assert!(side_by_side(&rows[1], Some(&rows[0]), Synonyms::builtin()).is_empty());
        }
        let header = row(&["序号", "姓名", "身份证号码", "", "序号", "姓名", "身份证号码"]);
        let block = |start: usize, fits: bool| Block { start, fits };
        assert_eq!(side_by_side(&header, None, Synonyms::builtin()), [block(0, true), block(4, true)]);
        // A father's columns named so beside the pupil's are no second block of pupils: the fathers were added as
        // pupils.
        for header in [
            &["姓名", "身份证号码", "班级", "联系电话", "姓名（父亲）", "身份证号码（父亲）"][..],
            &["序号", "姓名", "身份证号码", "", "序号", "监护人姓名", "监护人身份证号"][..],
        ] {
            assert!(side_by_side(&row(header), None, Synonyms::builtin()).is_empty(), "{header:?}");
        }
        // A guardian's three columns beside the pupil's four, or a second block in an order of its own: which
        // they are, the rows say.
        for header in [
            &["序号", "姓名", "身份证号码", "联系电话", "序号", "姓名", "身份证号码"][..],
            &["序号", "姓名", "身份证号", "班级", "", "姓名", "班级", "身份证号"][..],
        ] {
            let found = side_by_side(&row(header), None, Synonyms::builtin());
            assert_eq!(found.iter().map(|b| b.fits).collect::<Vec<_>>(), [true, false], "{header:?}");
        }
        // 家长电话 in each block names no adult's name or number: two blocks of pupils.
        let header = row(&["序号", "姓名", "身份证号", "家长电话", "序号", "姓名", "身份证号", "家长电话"]);
        assert_eq!(side_by_side(&header, None, Synonyms::builtin()), [block(0, true), block(4, true)]);
    }

    #[test]
    fn the_header_words_schools_use_for_ids_classes_grades_and_student_numbers_are_known() {
        let syn = Synonyms::builtin();
        for (word, column) in [
            ("身份证件号", Column::IdNumber),
            ("居民身份证号", Column::IdNumber),
            ("班别", Column::Class),
            ("班名", Column::Class),
            ("行政班", Column::Class),
            ("教学班", Column::Class),
            ("年级名称", Column::Grade),
            ("全国学籍号", Column::StudentNumber),
            ("学籍号", Column::StudentNumber),
        ] {
            assert_eq!(syn.column(word), Some(column), "{word}");
        }
        // A list of 全国学籍号 and no ID number column reads its ID numbers there.
        let rows = vec![row(&["全国学籍号", "姓名", "班级"])];
        let map = detect(&rows, syn).expect("header");
        assert_eq!(map.columns.get(&Column::IdNumber), Some(&0));
    }

    #[test]
    fn a_header_word_is_cleaned_of_the_same_marks_as_before() {
        // The marks as the cleaning named them in one text before it matched them one by one.
        fn cleaned(word: &str) -> String {
            word.chars()
                .map(|c| match c {
                    '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                    _ => c,
                })
                .filter(|c| !c.is_whitespace() && !"、,，:：*()（）/\\|.·-_\"'“”".contains(*c))
                .flat_map(char::to_lowercase)
                .collect()
        }
        // Every character of the ASCII range, its full-width forms, and the CJK marks a header is written with.
        let marks: String =
            (' '..='~').chain('\u{ff01}'..='\u{ff5e}').chain("、，：；。“”‘’（）【】《》·—…　".chars()).collect();
        for c in marks.chars() {
            let word = format!("身份{c}证号码{c}");
            assert_eq!(clean(&word), cleaned(&word), "{c:?}");
        }
        assert_eq!(clean("所在年级、班级（必填）*"), "所在年级班级必填");
    }

    #[test]
    fn a_cell_not_cleaned_for_its_first_character_is_read_as_before() {
        // The look-up as it was before cells were turned away by their first character: every cell cleaned.
        fn slow(syn: &Synonyms, header: &str) -> Option<Column> {
            let word =
                |text: &str| (text.len() <= MAX_HEADER_BYTES).then(|| syn.words.get(&clean(text)).copied()).flatten();
            word(header).or_else(|| {
                let stem = header.split(['(', '（', '[', '【']).next().unwrap_or("");
                (stem.len() < header.len()).then(|| word(stem)).flatten()
            })
        }
        let syn = Synonyms::builtin();
        assert!(!syn.firsts.is_empty());
        let mut cells: Vec<String> = syn.words.keys().cloned().collect();
        for word in syn.words.keys().cloned().collect::<Vec<_>>() {
            let upper = word.to_uppercase();
            for (before, after) in [
                (" ", ""),
                ("　", "："),
                ("*", ""),
                ("（", "）"),
                ("", "（必填）"),
                ("", "(18位)"),
                ("【", "】"),
                ("“", "”"),
            ] {
                cells.push(format!("{before}{word}{after}"));
                cells.push(format!("{before}{upper}{after}"));
            }
            // Its ASCII letters written full-width, and the word cut short.
            cells.push(
                word.chars()
                    .map(|c| char::from_u32(c as u32 + 0xfee0).filter(|_| c.is_ascii_graphic()).unwrap_or(c))
                    .collect(),
            );
            cells.push(word.chars().skip(1).collect());
        }
        let marks: String = (' '..='~')
            .chain('\u{ff01}'..='\u{ff5e}')
            .chain("、，：；。“”‘’（）【】《》·—…　吴王一三班年级".chars())
            .collect();
        for c in marks.chars() {
            cells.extend([
                format!("{c}"),
                format!("{c}姓名"),
                format!("{c}{c}班级"),
                format!("{c}(姓名)"),
                format!("{c}ID"),
            ]);
        }
        cells.extend(
            [
                "吴航欣",
                "450202201901010002",
                "一年级",
                "8班",
                "13545275427",
                "",
                " ",
                "（）",
                "(姓名",
                "()姓名",
                "Ｎame",
            ]
            .map(str::to_owned),
        );
        cells.push(" ".repeat(2000) + "姓名");
        for cell in &cells {
            assert_eq!(syn.column(cell), slow(syn, cell), "{cell:?}");
        }
    }

    /// The example, footer and footer-label words are looked for only in a cell beginning with one of their first
    /// characters: the same answers as comparing every word, for every word of the table with case, brackets,
    /// marks, spaces, colons and dates around it, and for names and numbers.
    #[test]
    fn cell_words_by_first_character_answer_as_every_word_compared() {
        let syn = Synonyms::builtin();
        let words = &syn.cell_words;
        // A date as a footer's label is followed by it, whatever the class list takes for one.
        let is_date = |t: &str| t.starts_with("20") && t.len() == 10;
        let slow_example = |cell: &str| {
            cell.len() <= 40 && {
                let word = cell.trim().trim_matches(|c: char| {
                    matches!(
                        c,
                        '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | '<' | '>' | '《' | '》' | ':' | '：' | '*'
                    ) || c.is_whitespace()
                });
                !word.is_empty() && words.example.iter().any(|w| w.eq_ignore_ascii_case(word))
            }
        };
        let slow_footer = |name: &str| words.footer.iter().any(|w| name.starts_with(w.as_str()));
        let slow_label = |cell: &str| {
            cell.len() <= 200 && {
                let cell = cell.trim().trim_matches(|c: char| is_bracket_or_mark(c) || c.is_whitespace());
                let (head, after_colon) = match cell.split_once(['：', ':']) {
                    Some((head, rest)) => (head.trim(), Some(rest)),
                    None => (cell, None),
                };
                words.footer_label.iter().any(|w| match head.strip_prefix(w.as_str()) {
                    Some("") => true,
                    Some(rest) => after_colon.is_none() && is_date(rest.trim()),
                    None => false,
                })
            }
        };
        let mut cells: Vec<String> = [
            "",
            " ",
            "吴航欣",
            "张三",
            "EXAMPLE",
            "Example",
            "eXample ",
            "例行",
            "1",
            "450202201901010002",
            "一年级",
            "8班",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let all: Vec<&String> =
            words.example.iter().chain(&words.footer).chain(&words.footer_label).chain(&words.fill_in).collect();
        for w in all {
            for cell in [
                w.to_string(),
                w.to_uppercase(),
                format!(" {w} "),
                format!("【{w}】"),
                format!("（{w}）张三"),
                format!("{w}：张三"),
                format!("{w}:"),
                format!("{w} 2026-09-01"),
                format!("{w}2026-09-01"),
                format!("*{w}"),
                format!("张{w}"),
                format!("{w}王"),
                format!("：{w}"),
                format!("\u{3000}{w}"),
            ] {
                cells.push(cell);
            }
        }
        for cell in &cells {
            assert_eq!(syn.is_example(cell), slow_example(cell), "{cell:?}");
            assert_eq!(syn.is_footer(cell), slow_footer(cell), "{cell:?}");
            assert_eq!(syn.is_footer_label(cell, is_date), slow_label(cell), "{cell:?}");
        }
        // Each kind is found at all: the comparison is of answers that differ.
        assert!(cells.iter().any(|c| syn.is_example(c)) && cells.iter().any(|c| syn.is_footer(c)));
        assert!(cells.iter().any(|c| syn.is_footer_label(c, is_date)));
    }
}
