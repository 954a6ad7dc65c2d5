//! A table of the school's staff in a class list (教职工、教师名单): stacked under the pupils with its own header
//! (「教师」, then 「序号 姓名 身份证号码 职务 联系电话」), or a sheet's only table under such a title or with a
//! 职务 column. Its rows are adults, and imported they would be pupils of the sheet's class, reaching the agency's
//! template as 中小学生. Such a table's rows are held until its end and left out, said with their rows, when every
//! one of them is an adult by the number; a single row of a pupil's age sends the whole table to be read as pupils.

use chrono::NaiveDate;

use super::cell::Cell;
use crate::domain::{id_number, pupil_flags};

/// Words of a title above a staff table (教职工名单, 教师, 职工花名册, 班主任及任课老师).
const TITLE_WORDS: [&str; 4] = ["教职工", "教师", "职工", "老师"];
/// Headers only a staff table has (职务, 职称, 任教学科, 岗位).
const HEADER_WORDS: [&str; 4] = ["职务", "职称", "任教", "岗位"];

/// Whether a title row's text names a staff list.
pub fn staff_title(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // A pupils' list that names its teacher in the title (三年级1班学生名单 班主任：王老师) is no staff list.
    !text.contains("学生") && TITLE_WORDS.iter().any(|w| text.contains(w))
}

/// What a sheet's (or a lone sheet's file's) name says of a staff list, after its school and term, before the
/// list's ending: 「教师」, 「XX小学教职工名单」, 「2026年秋季老师花名册」.
const SHEET_WORDS: [&str; 12] = [
    "教师",
    "老师",
    "教职工",
    "教职员工",
    "职工",
    "教工",
    "班主任",
    "任课教师",
    "任课老师",
    "全体教师",
    "全体老师",
    "教师队伍",
];
const SHEET_ENDINGS: [&str; 8] = ["名单", "花名册", "信息表", "信息", "一览表", "统计表", "名册", "表"];

/// Whether a sheet's name (or a lone sheet's file's) names a staff list, and nothing else: 「教师」, 「教职工名单」.
/// A name saying more (「三年级1班（班主任王老师）」, 「老师发来的名单」) is no staff list's: a pupils' list held as one
/// would lose its rows without a number once a single adult's number is among them.
pub fn staff_sheet(name: &str) -> bool {
    let text: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let text = super::header::after_school(&text);
    let text = SHEET_ENDINGS.iter().find_map(|e| text.strip_suffix(e)).unwrap_or(text);
    SHEET_WORDS.contains(&text)
}

/// A block of the staff's columns beside the pupils' header in the same row, apart from it by an empty column
/// (「姓名 | 身份证号码 | 班级 |  | 班主任 | 联系电话」, the class teacher's name and phone in the first pupils' rows):
/// the filled columns after an empty one past `from` (the pupils' name and ID columns), up to the next empty one,
/// when one of them names the staff (`is_staff`, or 职务) and none a pupil's column but a name's, an ID number's or a
/// phone's (`pupils`: an empty column inside the pupils' header keeps their 班级 theirs, and a second list of people
/// beside the pupils, with its ID numbers, is judged by them, `header::side_by_side`). Read as the pupils', its
/// phone was the first pupil's.
pub fn block_beside(
    header: &[Cell],
    from: usize,
    is_staff: impl Fn(&str) -> bool,
    pupils: impl Fn(&str) -> bool,
) -> Option<std::ops::Range<usize>> {
    let filled = |i: usize| header.get(i).is_some_and(|c| !c.text_ref().trim().is_empty());
    let mut at = from;
    while at < header.len() {
        if filled(at) {
            at += 1;
            continue;
        }
        let start = (at..header.len()).find(|&i| filled(i))?;
        let end = (start..header.len()).find(|&i| !filled(i)).unwrap_or(header.len());
        let texts: Vec<String> = header[start..end].iter().map(Cell::text).collect();
        let staff = texts.iter().any(|t| is_staff(t) || HEADER_WORDS.iter().any(|w| t.contains(w)));
        if staff && !texts.iter().any(|t| !is_staff(t) && pupils(t)) {
            return Some(start..end);
        }
        at = end;
    }
    None
}

/// Words of a pupil's duty in the class (班长, 学习委员, 课代表, 小组长, 少先队中队长): written in a 职务 column of a
/// pupils' list, no staff role. 组长 alone is a pupil's; 教研组长, 年级组长 are the staff's.
const PUPIL_DUTY_WORDS: [&str; 9] = ["班长", "委员", "课代表", "小组长", "少先队", "中队", "小队", "大队", "升旗手"];

/// Whether a cell under a 职务 column names a pupil's duty in the class, not a staff role.
pub fn pupil_duty(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    text == "组长" || text == "学生" || PUPIL_DUTY_WORDS.iter().any(|w| text.contains(w))
}

/// Whether a header row has a column only a staff table has.
pub fn staff_header(row: &[Cell]) -> bool {
    row.iter().any(|c| matches!(c, Cell::Text(t) if HEADER_WORDS.iter().any(|w| t.contains(w))))
}

/// The text of a row that is a title (one or two cells written), else `None`.
pub fn title_text(row: &[Cell]) -> Option<String> {
    // Asked of every row read, twice: a row of three written cells or more (a pupil's) is answered without copying
    // its cells.
    if row.iter().filter(|c| written(c)).nth(2).is_some() {
        return None;
    }
    let written: Vec<String> = row.iter().map(Cell::text).filter(|t| !t.trim().is_empty()).collect();
    (1..=2).contains(&written.len()).then(|| written.concat())
}

/// Whether a cell's cleaned text is not empty. A text cell is asked without cleaning it: cleaning keeps a character
/// neither blank nor invisible (`Cell::is_empty`), and drops every other. Asked of every row's cells, twice.
fn written(cell: &Cell) -> bool {
    match cell {
        Cell::Text(_) => !cell.is_empty(),
        other => !other.text_ref().trim().is_empty(),
    }
}

/// What a row held shows of its holder.
enum Holder {
    /// A valid number of an adult of this age.
    Adult(i32),
    /// A valid number of someone of a pupil's age.
    Pupil,
    /// A name without a valid number: nobody's age is known.
    Unknown,
    /// Neither a name nor a number (a blank row, a footer such as 制表人): no one.
    Nobody,
}

/// The rows of a table that may be staff, held as read: (offset in the sheet's rows below the first header, cells).
#[derive(Debug)]
pub struct Held {
    /// The table's header row, as the file numbers it (1-based).
    pub header_row: usize,
    /// Said to be staff by a title above it or a column of its own (职务): its rows without a valid number are
    /// left out with the adults' (and said). A table only stacked under the pupils needs every name's number.
    marked: bool,
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// The file's row numbers of the adults, with their ages; and of the names without a valid number.
    adults: Vec<(usize, i32)>,
    unknown: Vec<usize>,
    /// A row showed a pupil's age: the table is pupils, whatever else it holds.
    pupil: bool,
    today: NaiveDate,
    /// The header's words, for a table whose own header names the staff and has no ID number column (「教师姓名 |
    /// 联系电话」): no number judges its rows, so they are left out down to a pupil's (`unnumbered`).
    unnumbered: Option<String>,
}

/// What a held table came to at its end.
pub struct Left {
    /// The file's rows left out (first and last), how many adults and their youngest and oldest ages.
    pub from: usize,
    pub to: usize,
    pub adults: Vec<(usize, i32)>,
    /// Rows with a name and no valid number, left out with them (a marked table only).
    pub unknown: Vec<usize>,
    /// Every row held, counted as read and skipped.
    pub rows: usize,
    /// The header of a table with no ID number column (`Held::unnumbered`).
    pub unnumbered: Option<String>,
}

impl Held {
    pub fn new(header_row: usize, marked: bool, today: NaiveDate) -> Held {
        Held {
            header_row,
            marked,
            rows: Vec::new(),
            adults: Vec::new(),
            unknown: Vec::new(),
            pupil: false,
            today,
            unnumbered: None,
        }
    }

    /// The table's own header names the staff and has no ID number column (its words, `header`): its rows are the
    /// staff's down to a row of a pupil's age, which ends it (`ends_before_pupil`) rather than making them pupils,
    /// as the header's line says: before, a row with an adult's number ended it, and the rows after were pupils.
    pub fn unnumbered(&mut self, header: String) {
        self.unnumbered = Some(header);
    }

    /// A row of a pupil's age ends the table before it (`unnumbered`): the rows above are the staff's.
    pub fn ends_before_pupil(&self) -> bool {
        self.unnumbered.is_some()
    }

    /// The last row held (the pupil's that ended a table `ends_before_pupil`), taken out of the table, which is
    /// the staff's again.
    pub fn take_last(&mut self) -> Option<(usize, Vec<Cell>)> {
        self.pupil = false;
        self.rows.pop()
    }

    /// Holds a row of the table (file row `row_no`; its name and number cells): `false` when it shows a pupil's
    /// age, so the table is pupils, and what is held is to be read at once (this row with it).
    pub fn hold(
        &mut self,
        offset: usize,
        row_no: usize,
        cells: Vec<Cell>,
        name: Option<&Cell>,
        id: Option<&Cell>,
    ) -> bool {
        let holder = holder(name, id, self.today);
        match holder {
            Holder::Pupil => {
                self.rows.push((offset, cells));
                self.pupil = true;
                return false;
            }
            Holder::Adult(age) => self.adults.push((row_no, age)),
            Holder::Unknown => self.unknown.push(row_no),
            Holder::Nobody => {}
        }
        self.rows.push((offset, cells));
        true
    }

    /// Holds the staff title a table without a header of its own begins with: it is nobody, and read again with
    /// the rows under it if they prove pupils.
    pub fn title_row(&mut self, offset: usize, cells: Vec<Cell>) {
        self.rows.push((offset, cells));
    }

    /// The table ended (the next header, or the sheet's end): the rows left out when it is staff's, else `Err`
    /// with the rows to read as pupils, in order.
    pub fn end(self, base_row: usize) -> Result<Left, Vec<(usize, Vec<Cell>)>> {
        let staff = !self.pupil
            && (self.unnumbered.is_some() || (!self.adults.is_empty() && (self.unknown.is_empty() || self.marked)));
        if !staff {
            return Err(self.rows);
        }
        let row_no = |offset: usize| base_row + offset;
        let from = self.rows.first().map_or(self.header_row, |(o, _)| row_no(*o));
        let to = self.rows.last().map_or(self.header_row, |(o, _)| row_no(*o));
        let (adults, unknown, rows, unnumbered) = (self.adults, self.unknown, self.rows.len(), self.unnumbered);
        Ok(Left { from, to, adults, unknown, rows, unnumbered })
    }
}

fn holder(name: Option<&Cell>, id: Option<&Cell>, today: NaiveDate) -> Holder {
    let named = name.is_some_and(|c| !c.text_ref().trim().is_empty());
    let text = id.map(Cell::text).unwrap_or_default();
    let check = match id {
        Some(Cell::Number(f)) if *f >= 1e14 => Some(id_number::check_numeric_cell(*f, today)),
        _ if text.trim().is_empty() => None,
        _ => Some(id_number::check(text.trim(), today)),
    };
    match check.and_then(|c| c.result.ok()) {
        Some(valid) => match pupil_flags::adult_age(valid.birth_date, today) {
            // An old 15-digit number is an adult's by nature (only people born in the 1900s were given one).
            Some(age) => Holder::Adult(age),
            None if valid.kind == id_number::IdKind::ResidentConverted => Holder::Unknown,
            None => Holder::Pupil,
        },
        // The header repeated (身份证号码 under 身份证号码) gives no one.
        None if !text.bytes().any(|b| b.is_ascii_digit()) && !text.trim().is_empty() => Holder::Nobody,
        None if named || !text.trim().is_empty() => Holder::Unknown,
        None => Holder::Nobody,
    }
}

impl Left {
    /// What is said of the rows left out, at the table's first row.
    pub fn message(&self, title: Option<&str>) -> String {
        if let Some(header) = &self.unnumbered {
            return self.unnumbered_message(header);
        }
        let count = self.adults.len();
        let young = self.adults.iter().map(|(_, a)| *a).min().unwrap_or(0);
        let old = self.adults.iter().map(|(_, a)| *a).max().unwrap_or(0);
        // One age is said once (41 岁, never 41 至 41 岁); one number is one, in English too.
        let (ages, ages_en) = match young == old {
            true => (format!("{young} 岁"), format!("aged {young}")),
            false => (format!("{young} 至 {old} 岁"), format!("aged {young} to {old}")),
        };
        let (numbers, numbers_en) = match count {
            1 => ("1 人的身份证号码显示成年人".to_owned(), "its ID number an adult's".to_owned()),
            n => (format!("{n} 人的身份证号码都显示成年人"), format!("its {n} ID numbers all an adult's")),
        };
        let (title_zh, title_en) = match title {
            Some(t) => (format!("“{t}”"), format!(" “{t}”")),
            None => (String::new(), String::new()),
        };
        let (unknown_zh, unknown_en) = match self.unknown.len() {
            0 => (String::new(), String::new()),
            n => {
                let listed: Vec<String> = self.unknown.iter().take(5).map(usize::to_string).collect();
                let more = if n > 5 { " …" } else { "" };
                let (rows_en, were) = match n {
                    1 => ("1 row with no valid ID number (row".to_owned(), "was"),
                    _ => (format!("{n} rows with no valid ID number (rows"), "were"),
                };
                (
                    format!(
                        "；另有 {n} 行（第 {}{more} 行）没有有效的身份证号码，一并未导入，如是学生请核对后导入",
                        listed.join("、")
                    ),
                    format!(
                        "; {rows_en} {}{more}) {were} left out with them: import any pupil among them after checking",
                        listed.join(", ")
                    ),
                )
            }
        };
        let (rows, rows_en) = self.rows_said();
        format!(
            "{rows}是教职工表{title_zh}：{numbers}（{ages}），不是学生，未导入{unknown_zh} ({rows_en}: a staff \
             table{title_en}, {numbers_en} ({ages_en}), no pupils: not imported{unknown_en})"
        )
    }

    /// The rows left out, as the line said at the first of them names them: a run of rows by its first and last,
    /// one row as 「此行」, for the report puts the row's number before the line (「第 25 行：」).
    fn rows_said(&self) -> (String, String) {
        let (from, to) = (self.from, self.to);
        match from == to {
            true => ("此行".to_owned(), "this row".to_owned()),
            false => (format!("第 {from} 至 {to} 行"), format!("rows {from} to {to}")),
        }
    }

    /// What is said of a staff table without an ID number column (`Held::unnumbered`), its header's words `header`.
    fn unnumbered_message(&self, header: &str) -> String {
        let (rows, rows_en) = self.rows_said();
        let named = self.adults.len() + self.unknown.len();
        let people = match named {
            1 => "its 1 person is no pupil".to_owned(),
            n => format!("its {n} people are no pupils"),
        };
        format!(
            "{rows}是教职工表：其表头“{header}”写的是教职工，没有身份证号码一列，表中 {named} 人不是学生，未导入；如其中有学生，\
             请核对后导入 ({rows_en}: a staff table, its header “{header}” naming the staff, with no ID number column: \
             {people}, not imported; import any pupil among them after checking)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(birth: &str) -> Cell {
        let body = format!("450202{birth}123");
        Cell::Text(format!("{body}{}", id_number::check_char(body.as_bytes())))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("day")
    }

    #[test]
    fn a_table_of_adults_is_left_out_and_a_pupil_among_them_reads_it_all() {
        let name = Cell::Text("王老师".into());
        let mut held = Held::new(14, false, today());
        assert!(held.hold(0, 15, vec![], Some(&name), Some(&number("19840305"))));
        assert!(held.hold(1, 16, vec![], None, None));
        assert!(held.hold(2, 17, vec![], Some(&name), Some(&number("19900101"))));
        let Ok(left) = held.end(15) else { panic!("staff") };
        assert_eq!((left.from, left.to, left.adults.len(), left.rows), (15, 17, 2, 3));
        assert!(
            left.message(Some("教师")).starts_with("第 15 至 17 行是教职工表“教师”：2 人"),
            "{}",
            left.message(None)
        );
        let mut held = Held::new(14, true, today());
        assert!(held.hold(0, 15, vec![], Some(&name), Some(&number("19840305"))));
        assert!(!held.hold(1, 16, vec![], Some(&name), Some(&number("20160305"))), "a pupil's age");
        assert_eq!(held.end(15).err().map(|rows| rows.len()), Some(2));
    }

    #[test]
    fn a_name_without_a_number_keeps_an_unmarked_table_read() {
        let name = Cell::Text("王老师".into());
        let rows = |marked| {
            let mut held = Held::new(14, marked, today());
            held.hold(0, 15, vec![], Some(&name), Some(&number("19840305")));
            held.hold(1, 16, vec![], Some(&name), Some(&Cell::Text("4502021984".into())));
            held.end(15)
        };
        assert!(rows(false).is_err());
        let Ok(left) = rows(true) else { panic!("marked") };
        assert_eq!(left.unknown, [16]);
        assert!(left.message(None).contains("另有 1 行（第 16 行）没有有效的身份证号码"));
    }

    #[test]
    fn staff_titles_and_columns() {
        assert!(staff_title("教职工名单") && staff_title("教 师") && staff_title("任课老师"));
        assert!(!staff_title("三年级1班学生名单（班主任：王老师）") && !staff_title("四年级2班"));
        assert!(staff_header(&[Cell::Text("姓名".into()), Cell::Text("职务".into())]));
        assert!(!staff_header(&[Cell::Text("姓名".into()), Cell::Text("家长电话".into())]));
    }

    #[test]
    fn staff_sheets_are_named_for_the_staff_alone() {
        for name in
            ["教师", "教职工", "老师", " 教职工名单 ", "示范小学教师名单", "2026年秋季老师花名册", "班主任信息表"]
        {
            assert!(staff_sheet(name), "{name}");
        }
        for name in ["三年级1班（班主任王老师）", "老师发来的名单", "学生", "Sheet1", "", "教师子女"]
        {
            assert!(!staff_sheet(name), "{name}");
        }
    }
    #[test]
    fn a_written_cell_is_one_whose_cleaned_text_is_not_empty() {
        let texts = [
            "",
            " ",
            "\t",
            "\n\r",
            "\u{3000}",
            "\u{200b}",
            "\u{200b} \u{feff}",
            "\u{a0}",
            "\u{85}",
            "\u{1680}",
            "\u{2028}",
            "\u{202f}",
            "\u{205f}",
            "\u{2060}",
            "\u{ad}",
            "\u{1b}",
            "'",
            "''",
            "'=",
            "'=1",
            "'\t=1",
            "'\u{200b}",
            "李",
            " 李 ",
            "\u{200b}李",
            "-",
            "=1+1",
            "\t=1+1",
            "\u{3000}三年级\u{3000}",
            "\u{fe0f}",
            "a\u{200d}",
        ];
        let mut cells: Vec<Cell> = texts.iter().map(|t| Cell::Text((*t).to_owned())).collect();
        cells.extend([Cell::Empty, Cell::Number(0.0), Cell::Digits("450202".to_owned())]);
        for cell in &cells {
            assert_eq!(written(cell), !cell.text_ref().trim().is_empty(), "{cell:?}");
        }
        // Rows of every count of written cells among blank ones, as before.
        for mask in 0u32..(1 << 5) {
            let row: Vec<Cell> =
                (0..5)
                    .map(|i| {
                        if mask & (1 << i) != 0 {
                            Cell::Text(format!("字{i}"))
                        } else {
                            Cell::Text(" \u{200b}".into())
                        }
                    })
                    .collect();
            let written_cells = mask.count_ones() as usize;
            let expected = (1..=2)
                .contains(&written_cells)
                .then(|| row.iter().map(Cell::text).filter(|t| !t.trim().is_empty()).collect::<String>());
            assert_eq!(title_text(&row), expected, "{mask:b}");
        }
    }
}
