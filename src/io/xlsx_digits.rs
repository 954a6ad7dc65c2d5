//! The exact digits of an XLSX number cell that a double cannot keep. A script or a school system writing an ID
//! number into a numeric cell as an integer (`<v>450205201603057004</v>`) gives all 18 digits, but calamine
//! reads every number cell as a double, which keeps about 15: the pupil would be flagged as rounded by a
//! spreadsheet although the file holds the whole number. A sheet with a number cell of 16 digits or more is read
//! once more here for those texts, when the row reader meets the first (`xlsx_rows`); most lists keep their IDs
//! as text and cost nothing.

use std::collections::HashMap;
use std::io::{BufReader, Read};

use quick_xml::events::Event;

/// The longest number taken whole: a 20-digit integer still fits `u128` with room, and nothing longer is an
/// identifier anyone types.
const MAX_DIGITS: usize = 20;
/// Fewer digits than this a double keeps exactly (up to 15 significant ones), as every reader shows them.
const MIN_DIGITS: usize = 16;
/// The most cells of a sheet taken: an honest list has one or two such columns, and a hostile sheet of nothing
/// else is not held in memory (its further cells stay numbers, flagged as today).
const MAX_TAKEN: usize = 4 << 20;

/// The cells (row and column, from 0, as calamine places them) of a sheet's whole numbers, by value.
pub(super) type SheetDigits = HashMap<(u32, u32), u128>;

/// The whole numbers (`whole_number`) of the number cells of the sheet named `sheet`. What cannot be read gives
/// nothing, and the cells stay doubles.
pub(super) fn sheet_numbers(bytes: &[u8], sheet: &str) -> SheetDigits {
    let mut found = super::xlsx_hidden::each_sheet(bytes, |name, _| name == sheet, |entry| Some(sheet_digits(entry)));
    found.remove(sheet).unwrap_or_default()
}

/// The number a number cell's text writes, when it is an integer of 16 to 20 digits that no program printing
/// a double writes: such a text was written as the integer it is, and is taken whole. Excel keeps 15
/// significant digits (and writes `4.50205201603057E+17`, with an exponent); a program printing a double writes
/// its shortest form, or rounds it to 16 or 17 significant digits, then zeros, or writes its exact value (a
/// program turning the double into an integer, as `int(x)` on a column read as floats does). Each of these may
/// be the remains of a rounded number, so it stays a double and is flagged as today; a whole number that
/// happens to be one of them (a few in a hundred) is flagged too, as the file cannot tell it apart.
pub(super) fn whole_number(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&bytes.len()) || bytes[0] == b'0' || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // 15 significant digits, then zeros: what Excel keeps of a longer number typed into a cell.
    if text.trim_end_matches('0').len() <= 15 {
        return None;
    }
    // Each of the forms a program printing a double writes stays a double (`id_number::printed_double`).
    if crate::domain::id_number::printed_double(text).is_some() {
        return None;
    }
    text.parse().ok()
}

/// The whole numbers of one worksheet's number cells (no `t`, or `t="n"`), placed as calamine places cells: a
/// cell without its reference follows the one before it in its row, a row without its number the one before.
fn sheet_digits(entry: &mut dyn Read) -> SheetDigits {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let (mut buf, mut found) = (Vec::new(), SheetDigits::new());
    let (mut row, mut column) = (0u32, 0u32);
    // The cell under way, while it is a number cell: its place, and the text of its value so far.
    let mut cell: Option<(u32, u32)> = None;
    let mut in_value = false;
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "row" => {
                    let r = e.attributes().with_checks(false).flatten().find(|a| a.key.local_name().as_ref() == "r");
                    if let Some(n) = r.and_then(|a| a.value.trim().parse::<u32>().ok()) {
                        row = n.saturating_sub(1);
                    }
                }
                "c" => {
                    let (mut at, mut number) = ((row, column), true);
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.local_name().as_ref() {
                            "r" => {
                                if let Some(place) = cell_place(a.value.trim()) {
                                    column = place.1;
                                    at = place;
                                }
                            }
                            "t" => number = a.value.trim() == "n",
                            _ => {}
                        }
                    }
                    column = column.saturating_add(1);
                    cell = number.then_some(at);
                }
                "v" if cell.is_some() => {
                    in_value = true;
                    text.clear();
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_value => {
                // A number's text has no entities; a long run is no number.
                let t: &str = t.as_ref();
                if text.len() + t.len() <= MAX_DIGITS {
                    text.push_str(t);
                } else {
                    text.clear();
                    cell = None;
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "v" if in_value => {
                    in_value = false;
                    if let (Some(at), Some(number)) = (cell.take(), whole_number(text.trim()))
                        && found.len() < MAX_TAKEN
                    {
                        found.insert(at, number);
                    }
                }
                "c" => {
                    cell = None;
                    in_value = false;
                }
                "row" => {
                    row = row.saturating_add(1);
                    column = 0;
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    found
}

/// A cell reference (`B2`) as a place from 0: row 1, column 1.
fn cell_place(reference: &str) -> Option<(u32, u32)> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (column, row) = reference.split_at(letters);
    let column = column
        .bytes()
        .try_fold(0u32, |n, b| n.checked_mul(26)?.checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1))?;
    let row: u32 = row.parse().ok()?;
    Some((row.checked_sub(1)?, column.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_integer_no_double_prints_is_taken_whole() {
        assert_eq!(whole_number("450205201603057004"), Some(450_205_201_603_057_004));
        assert_eq!(whole_number("12345678901234567891"), Some(12_345_678_901_234_567_891));
    }

    #[test]
    fn what_a_program_prints_for_a_double_stays_a_double() {
        // 15 digits, then zeros (Excel's digits; rust_xlsxwriter, JavaScript and Go print the shortest form).
        assert_eq!(whole_number("450205201603057000"), None);
        // The shortest form of the double nearest a whole number, 17 digits, and 16 of a rounded one.
        let double = 450_203_201_801_187_456_u64 as f64;
        assert_eq!(whole_number(&double.to_string()), None, "{double}");
        assert_eq!(whole_number(&(4_502_032_018_011_875e2_f64).to_string()), None);
        // The exact value of a rounded number's double, as `int(x)` writes it.
        let exact = 450_205_201_603_057_000_f64 as u128;
        assert_ne!(exact, 450_205_201_603_057_000);
        assert_eq!(whole_number(&exact.to_string()), None);
        // Not an integer of 16 to 20 digits.
        for text in [
            "4.50205201603057E+17",
            "4502052016030570",
            "450205201603057004.0",
            "0450205201603057004",
            "-450205201603057004",
            "123456789012345678901",
            "45020520160305700X",
            "",
        ] {
            assert_eq!(whole_number(text), None, "{text}");
        }
        // Below 2^53 a double holds the number itself.
        assert_eq!(whole_number("4502052016030571"), Some(4_502_052_016_030_571));
    }

    #[test]
    fn cells_are_placed_as_calamine_places_them() {
        let xml = r#"<worksheet><sheetData>
            <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>450205201603057004</v></c></row>
            <row><c t="n"><v>450205201603057000</v></c><c><v>450205201603057004</v></c><c t="str"><v>450205201603057004</v></c></row>
            <row r="9"><c r="AA9"><f>A1</f><v>450205201603057004</v></c></row>
            </sheetData></worksheet>"#;
        let found = sheet_digits(&mut xml.as_bytes());
        let mut places: Vec<_> = found.keys().copied().collect();
        places.sort_unstable();
        assert_eq!(places, [(1, 1), (2, 1), (8, 26)]);
        assert!(found.values().all(|&n| n == 450_205_201_603_057_004));
        assert_eq!(cell_place("AB12"), Some((11, 27)));
        assert_eq!(cell_place("12"), None);
    }
}
