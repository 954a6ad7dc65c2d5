//! How ID numbers leave the program: masked inside free text (a report's problems and warnings), and, in the JSON
//! a command prints, masked by the fields that hold them unless the operator revealed them.
//!
//! A report's struct says which of its fields are ID numbers with `#[serde(serialize_with = ...)]` naming one of
//! the functions below; nothing else is masked, however many digits it holds (a receipt, a phone, an amount). A
//! field so marked is masked unless it is serialized inside [`revealing`] with `true`, which a command does only
//! once it has recorded the reveal in the drive's history.

use std::cell::Cell;

use serde::Serializer;
use serde::ser::SerializeSeq;

use super::id_number::mask;

thread_local! {
    /// Whether the ID fields serialized on this thread now are shown whole.
    static REVEALED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the ID fields it serializes shown whole (`reveal`) or masked, and puts back what was before.
pub fn revealing<T>(reveal: bool, f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            REVEALED.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(REVEALED.with(|r| r.replace(reveal)));
    f()
}

/// An ID number as the JSON being written shows it: whole inside `revealing(true, …)`, else masked.
fn shown(number: &str) -> String {
    if REVEALED.with(Cell::get) || number.is_empty() { number.to_owned() } else { mask(number) }
}

/// The history's name of the ID number field (a correction's, a merge conflict's).
pub const ID_FIELD: &str = "id_number";

/// A value of the history's field `field` (a merge's conflict, a change a restore took back) as the JSON being
/// written shows it: the ID number's as [`id`] shows it, any other as it is.
pub fn field_value(field: &str, value: Option<&str>) -> Option<String> {
    value.map(|v| if field.split('@').next() == Some(ID_FIELD) { shown(v) } else { v.to_owned() })
}

/// `serialize_with` for a field that holds an ID number.
pub fn id<S: Serializer>(number: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&shown(number))
}

/// `serialize_with` for a field that holds an ID number or nothing.
pub fn id_opt<S: Serializer>(number: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match number {
        Some(n) => s.serialize_some(&shown(n)),
        None => s.serialize_none(),
    }
}

/// `serialize_with` for a list of ID numbers.
pub fn ids<S: Serializer>(numbers: &[String], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(numbers.len()))?;
    for n in numbers {
        seq.serialize_element(&shown(n))?;
    }
    seq.end()
}

/// `serialize_with` for a birth date read off an ID number: digits 7 to 14 of it, so beside a masked number the
/// year and month only (`2019-08`), the whole date inside `revealing(true, …)`.
pub fn birth_date<S: Serializer>(date: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&birth_date_shown(*date, REVEALED.with(Cell::get)))
}

/// A birth date read off an ID number as text shows it beside the number: whole when the number is, else the
/// year and month.
pub fn birth_date_shown(date: chrono::NaiveDate, reveal: bool) -> String {
    date.format(if reveal { "%Y-%m-%d" } else { "%Y-%m" }).to_string()
}

/// Whether `c` is a digit as a cell may hold one, ASCII or full-width.
fn digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The shortest and longest runs of digits (a final X counted) that [`mask_in_text`] takes for an ID number: 15
/// (an old number), 18, and one typed a digit short or long. A phone (11 or 12 digits), a date or an amount is
/// shorter.
const ID_RUN: std::ops::RangeInclusive<usize> = 15..=19;

/// `text` with every run of digits of an ID number's length ([`ID_RUN`], a final X counted) masked as the roster
/// masks a number: what a report's free text (a problem, a warning) says of a cell it quotes, where the number
/// may stand anywhere (an ID typed into the phone column, a formula holding the number, a note after it).
pub fn mask_in_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().filter(|&c| digit(c)).nth(ID_RUN.start() - 2).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    // The text between numbers is copied a slice at a time: a problem said of a row is a few hundred characters,
    // and a growing drive's batch may say hundreds of them.
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !digit(c) {
            continue;
        }
        let mut run = 1;
        let mut end = start + c.len_utf8();
        while let Some((i, d)) = chars.next_if(|&(_, d)| digit(d)) {
            run += 1;
            end = i + d.len_utf8();
        }
        if let Some((i, x)) = chars.next_if(|&(_, x)| matches!(x, 'X' | 'x' | 'Ｘ' | 'ｘ')) {
            run += 1;
            end = i + x.len_utf8();
        }
        if ID_RUN.contains(&run) {
            out.push_str(text.get(copied..start).unwrap_or_default());
            out.push_str(&mask(text.get(start..end).unwrap_or_default()));
            copied = end;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_an_ids_length_are_masked_in_text_and_nothing_shorter() {
        assert_eq!(
            mask_in_text("联系电话“450202201703051233”不像电话号码"),
            "联系电话“4502**********1233”不像电话号码"
        );
        assert_eq!(mask_in_text("=\"11010519491231002X\"&\"\""), "=\"1101**********002X\"&\"\"");
        assert_eq!(mask_in_text("旧号码 450202170305123 已改"), "旧号码 4502*******5123 已改");
        assert_eq!(mask_in_text("４５０２０２２０１７０３０５１２３３"), "４５０２**********１２３３");
        for kept in ["13800138000/13900139000", "第 12 行，380 元，2026-11-20", "4502**********1233", ""] {
            assert_eq!(mask_in_text(kept), kept);
        }
        // A run far past an ID's length is no number at all.
        let long = "4".repeat(40);
        assert_eq!(mask_in_text(&long), long);
    }

    #[derive(serde::Serialize)]
    struct Report {
        #[serde(serialize_with = "id")]
        id_number: String,
        #[serde(serialize_with = "ids")]
        unknown: Vec<String>,
        #[serde(serialize_with = "id_opt")]
        kept: Option<String>,
        receipt: String,
    }

    #[test]
    fn only_the_fields_marked_as_ids_are_masked_unless_revealed() {
        let r = Report {
            id_number: "450202201703051233".into(),
            unknown: vec!["11010519491231002X".into()],
            kept: Some("450202201704062348".into()),
            receipt: "345678901234567890".into(),
        };
        let masked = serde_json::to_value(&r).unwrap();
        assert_eq!(masked["id_number"], "4502**********1233");
        assert_eq!(masked["unknown"][0], "1101**********002X");
        assert_eq!(masked["kept"], "4502**********2348");
        assert_eq!(masked["receipt"], "345678901234567890");
        let whole = revealing(true, || serde_json::to_value(&r).unwrap());
        assert_eq!(whole["id_number"], "450202201703051233");
        assert_eq!(whole["kept"], "450202201704062348");
        // The reveal ends with the call.
        assert_eq!(serde_json::to_value(&r).unwrap()["id_number"], "4502**********1233");
    }
}
