//! A CSV's last line cut inside its last cell, as a file still being copied or saved ends: every cell is there,
//! the last one short of its end (三年 for 三年级1班, an ID number short of its digits). Excel writes a whole last
//! line without a line break too, so the line alone says nothing: its last cell does, where it reads as none of
//! its column's values while the column's other rows read whole, or where it is cut short of the one shape the
//! other rows' cells share (2015-03-1 under 2015-03-15). A name or a note cut short reads as well as a whole one:
//! such a column is not judged, and the line is read.

use chrono::NaiveDate;

use super::cell::{Cell, whole_date};
use super::header::{Column, HeaderMap};
use crate::domain::{class_label, id_number, phone};

/// The column of the header's last named cell, and how its cells read in the rows above the last.
#[derive(Debug)]
pub struct LastColumn {
    at: usize,
    column: Column,
    whole: usize,
    broken: usize,
    shape: Shape,
}

#[derive(Debug)]
enum Shape {
    Unseen,
    /// The shape every cell so far has, and how many have it.
    One(String, usize),
    Many,
}

impl LastColumn {
    /// The header's last named cell, at `width - 1`, when it is a column whose cells can be told cut: `None` for
    /// a name, a note, or a column the import does not read.
    pub fn of(map: &HeaderMap, width: usize) -> Option<LastColumn> {
        let at = width.checked_sub(1)?;
        let column = map.columns.iter().find(|(_, i)| **i == at).map(|(c, _)| *c)?;
        judged(column).then_some(LastColumn { at, column, whole: 0, broken: 0, shape: Shape::Unseen })
    }

    /// Counts a row other than the file's last line.
    pub fn tally(&mut self, row: &[Cell], today: NaiveDate) {
        let Some(text) = row.get(self.at).map(Cell::text_ref).filter(|t| !t.trim().is_empty()) else { return };
        match read_whole(self.column, &text, today) {
            Some(true) => self.whole += 1,
            Some(false) => self.broken += 1,
            None => {}
        }
        if shaped(self.column) {
            let shape = shape_of(&text);
            self.shape = match std::mem::replace(&mut self.shape, Shape::Unseen) {
                Shape::Unseen => Shape::One(shape, 1),
                Shape::One(one, n) if one == shape => Shape::One(one, n + 1),
                Shape::One(..) | Shape::Many => Shape::Many,
            };
        }
    }

    /// The last line's last cell, when it is this column's and looks cut short: it reads as none of the column's
    /// values where nearly all the rows above read whole, or its shape is a beginning of the one shape at least
    /// two rows above share. An empty cell is no cut: a line may end in a cell left empty.
    pub fn cut(&self, row: &[Cell], today: NaiveDate) -> Option<String> {
        if row.len() != self.at + 1 {
            return None;
        }
        let text = row[self.at].text();
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        // A typing slip in a row or two above leaves the rule standing; a column that often fails to read does not.
        let unreadable =
            read_whole(self.column, text, today) == Some(false) && self.whole > 0 && self.broken * 4 < self.whole;
        let short = match &self.shape {
            Shape::One(shape, n) if *n >= 2 => {
                let own = shape_of(text);
                own.len() < shape.len() && shape.starts_with(&own)
            }
            _ => false,
        };
        (unreadable || short).then(|| text.to_owned())
    }
}

/// What is said of a last line left out for its cut last cell, `shown` as quoted: `not_done` and `again` say what
/// was not done with the row (未导入, 未核对) and what to do with the file once it is complete, in both languages.
pub fn cut_cell_message(shown: &str, (not_done, not_done_en): (&str, &str), (again, again_en): (&str, &str)) -> String {
    format!(
        "文件最后一行没有换行，末格“{shown}”不完整（该列上面各行都读得出），可能仍在复制或保存中；该行{not_done}，请等文件\
         完整后再{again}；文件本已完整的，请核对该格 (the file's last line has no line break and its last cell, \
         “{shown}”, is cut short where the rows above read whole: maybe still being copied or saved; that row was not \
         {not_done_en}; {again_en} the file again once it is complete, or check the cell if it is)"
    )
}

/// Whether a cut in `column`'s cells can be told, by reading them or by their shape.
fn judged(column: Column) -> bool {
    shaped(column) || matches!(column, Column::Grade | Column::Class | Column::GradeClass)
}

/// Whether `text` reads whole as `column`'s value; `None` for a column not judged so.
fn read_whole(column: Column, text: &str, today: NaiveDate) -> Option<bool> {
    Some(match column {
        Column::IdNumber => {
            let id = id_number::check(text, today);
            id.result.is_ok() || id_number::masked_ends(&id.normalized).is_some()
        }
        Column::Grade => class_label::names_grade(text),
        Column::Class | Column::GradeClass => class_label::names_class(text),
        Column::BirthDate | Column::PaidOn | Column::ValidUntil => whole_date(&Cell::Text(text.to_owned())).is_some(),
        Column::Phone => matches!(phone::read_cell(text), phone::Cell::Phone(_)),
        _ => return None,
    })
}

/// Columns whose values are codes written to one width (a date, a receipt number): a cell shorter than the shape
/// all the others share is cut, even where what is left still reads.
fn shaped(column: Column) -> bool {
    matches!(
        column,
        Column::IdNumber | Column::BirthDate | Column::PaidOn | Column::ValidUntil | Column::Receipt | Column::Phone
    )
}

/// A cell's shape: each digit as 0, each Latin letter as A, any other character as itself.
fn shape_of(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => '0',
            'a'..='z' | 'A'..='Z' => 'A',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(column: Column, cells: &[&str]) -> LastColumn {
        let mut map = HeaderMap { row: 0, top: 0, columns: Default::default(), more_phones: Vec::new() };
        map.columns.insert(Column::Name, 0);
        map.columns.insert(column, 1);
        let mut last = LastColumn::of(&map, 2).expect("judged");
        for cell in cells {
            last.tally(&[Cell::Text("张三".into()), Cell::Text((*cell).into())], today());
        }
        last
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default()
    }

    fn cut(last: &LastColumn, cell: &str) -> bool {
        last.cut(&[Cell::Text("李四".into()), Cell::Text(cell.into())], today()).is_some()
    }

    /// A last cell cut short of its column's values is told, for each kind of column the import reads; a whole
    /// one, or one as unreadable as its column's others, is not.
    #[test]
    fn a_last_cell_is_cut_where_it_reads_as_none_of_its_columns_values() {
        let classes = column(Column::GradeClass, &["三年级1班", "三年级2班", "四年级(3)班"]);
        for cut_short in ["三年", "三年级", "三年级1", "三"] {
            assert!(cut(&classes, cut_short), "{cut_short}");
        }
        for whole in ["三年级1班", "3.2", "五年级10班", "火箭班"] {
            assert!(!cut(&classes, whole), "{whole}");
        }
        let ids = column(Column::IdNumber, &["450202201805040017", "450202201805040025"]);
        for cut_short in ["4502022018050400", "4", "45020220180504002"] {
            assert!(cut(&ids, cut_short), "{cut_short}");
        }
        assert!(!cut(&ids, "450202201805040033"));
        let dates = column(Column::BirthDate, &["2018-05-04", "2018-05-14", "2017-12-30"]);
        for cut_short in ["2018-05-", "2018-05-1", "2018", "2018-0"] {
            assert!(cut(&dates, cut_short), "{cut_short}");
        }
        assert!(!cut(&dates, "2018-5-4"), "a whole date written another way");
        let grades = column(Column::Grade, &["三年级", "高一", "2023级"]);
        assert!(cut(&grades, "三年") && !cut(&grades, "四年级"));
        let phones = column(Column::Phone, &["13800138000", "13900139000"]);
        assert!(cut(&phones, "1380013") && !cut(&phones, "13700137000"));
        let receipts = column(Column::Receipt, &["SP2026000123", "SP2026000456"]);
        assert!(cut(&receipts, "SP20260") && !cut(&receipts, "SP2026000789"));
        // A column whose cells mostly fail to read says nothing of its last one.
        let unreadable = column(Column::IdNumber, &["1234", "5678", "450202201805040017"]);
        assert!(!cut(&unreadable, "91"));
        // A line ending in an empty cell, or one longer than the header, is no cut cell.
        assert_eq!(classes.cut(&[Cell::Text("李四".into()), Cell::Empty], today()), None);
        assert_eq!(classes.cut(&[Cell::Text("李四".into()), Cell::Text("三年".into()), Cell::Empty], today()), None);
        // Nothing above to judge by: nothing is said to be cut.
        assert!(!cut(&column(Column::Class, &[]), "三年"));
        // A name is never judged: a short one is as whole as a long one.
        let mut map = HeaderMap { row: 0, top: 0, columns: Default::default(), more_phones: Vec::new() };
        map.columns.insert(Column::Name, 1);
        assert!(LastColumn::of(&map, 2).is_none());
    }
}
