//! Property tests of the ID parser and the header detection.

use canbao::domain::id_number::{self, IdProblem};
use canbao::io::header::{self, Column, Synonyms};
use canbao::io::table::Cell;
use chrono::NaiveDate;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// 17 digits with a real province, a real past birth date and any sequence.
fn first17() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["11", "31", "44", "45", "51", "35", "65"]),
        0u32..10_000,
        1990i32..2024,
        1u32..13,
        1u32..29,
        0u32..1000,
    )
        .prop_map(|(p, area, y, m, d, seq)| format!("{p}{area:04}{y}{m:02}{d:02}{seq:03}"))
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { c })
        .collect()
}

proptest! {
    /// Both forms a program keeping an ID as a double prints (its exact value, its shortest form) are known as
    /// what a double may have printed, kept when taken for rounded at the 15 digits a numeric cell keeps, and the
    /// whole number is known as their source; a valid number is never precision lost.
    #[test]
    fn numbers_printed_from_doubles_are_known_and_valid_ones_never_taken_for_them(f in first17()) {
        let number = format!("{f}{}", id_number::check_char(f.as_bytes()));
        prop_assert!(id_number::check(&number, today()).is_valid());
        // No double holds a final X: such a number never went through one.
        prop_assume!(!number.ends_with('X'));
        let double = number.parse::<u64>().unwrap() as f64;
        for printed in [(double as u128).to_string(), double.to_string()] {
            prop_assert!(id_number::printed_double(&printed).is_some(), "{}", printed);
            if printed == number {
                continue;
            }
            prop_assert!(id_number::printed_from(&number, &printed), "{} from {}", printed, number);
            let read = id_number::check(&printed, today());
            // Valid by chance, or failing its check digit: alone it may be typed so; the list around it or the
            // pupil held under the name shows it rounded (`as_rounded`).
            // 15 significant digits then 000 is a spreadsheet's rounding already.
            let rounded_already = read.result == Err(IdProblem::PrecisionLost);
            prop_assert!(rounded_already || id_number::may_be_printed(&read), "{}", printed);
            let read = id_number::as_rounded(read);
            prop_assert_eq!(&read.result, &Err(IdProblem::PrecisionLost), "{}", printed);
            prop_assert_eq!(
                id_number::rounding_of(&number, &read.normalized),
                Some(id_number::Rounding::Fifteen),
                "{} kept as {}", printed, read.normalized
            );
        }
    }

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,40}") {
        let c = id_number::check(&s, today());
        if let Ok(v) = &c.result {
            prop_assert_eq!(v.number.len(), 18);
            prop_assert_eq!(id_number::check_char(&v.number.as_bytes()[..17]), v.number.chars().last().unwrap());
        }
    }

    #[test]
    fn valid_numbers_survive_every_way_of_writing_them(f in first17(), spaces in prop::collection::vec(0usize..18, 0..4)) {
        let number = format!("{f}{}", id_number::check_char(f.as_bytes()));
        // Excel's 15-significant-digit rounding looks like "…000": not what this property is about.
        prop_assume!(!number.ends_with("000"));
        let mut typed: String = full_width(&number.to_lowercase());
        for &at in spaces.iter().rev() {
            let at = typed.char_indices().nth(at).map(|(i, _)| i).unwrap_or(typed.len());
            typed.insert(at, ' ');
        }
        let c = id_number::check(&typed, today());
        prop_assert_eq!(c.valid().map(|v| v.number.as_str()), Some(number.as_str()));
    }

    #[test]
    fn any_single_digit_error_is_caught(f in first17(), pos in 0usize..17, delta in 1u8..10) {
        let number = format!("{f}{}", id_number::check_char(f.as_bytes()));
        let mut bytes = number.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let typo = String::from_utf8(bytes).unwrap();
        prop_assert!(!id_number::check(&typo, today()).is_valid(), "{}", typo);
    }

    #[test]
    fn numeric_cells_of_long_numbers_are_never_valid(f in first17()) {
        let number = format!("{f}{}", id_number::check_char(f.as_bytes()));
        prop_assume!(!number.ends_with('X'));
        let as_float: f64 = number.parse().unwrap();
        let c = id_number::check_numeric_cell(as_float, today());
        prop_assert_eq!(c.result, Err(IdProblem::PrecisionLost));
        // Read back as text, the rounded form is flagged again unless its check digit happens to hold (1 in
        // 11); then it is taken as typed: a real number confirmed (store tests).
        let shown = c.normalized.as_bytes();
        if id_number::check_char(&shown[..17]) != shown[17] as char {
            prop_assert_eq!(id_number::check(&c.normalized, today()).result, Err(IdProblem::PrecisionLost));
        }
    }

    #[test]
    fn header_is_found_below_any_title_rows(
        titles in prop::collection::vec("[一-龥]{2,12}", 0..6),
        name in prop::sample::select(vec!["姓名", "学生姓名", "姓 名", "学生姓名*"]),
        id in prop::sample::select(vec!["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证号码（必填）"]),
        class in prop::sample::select(vec!["班级", "所在年级、班级", "所在年级班级"]),
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut v = vec![0usize, 1, 2];
            for i in (1..3).rev() { v.swap(i, (rng.next_u32() as usize) % (i + 1)); }
            v
        }),
    ) {
        let words = [name, id, class];
        let mut rows: Vec<Vec<Cell>> = titles
            .iter()
            // Title text never contains a header word by construction of the test's alphabet? It may: skip those.
            .filter(|t| Synonyms::builtin().column(t).is_none())
            .map(|t| vec![Cell::Text(t.clone())])
            .collect();
        let header_row = rows.len();
        rows.push(order.iter().map(|&i| Cell::Text(words[i].to_owned())).collect());
        rows.push(vec![Cell::Text("张三".into()), Cell::Text("1".into()), Cell::Text("2".into())]);
        let map = header::detect(&rows, Synonyms::builtin()).expect("header found");
        prop_assert_eq!(map.row, header_row);
        let pos = |w: usize| order.iter().position(|&i| i == w).unwrap();
        prop_assert_eq!(map.columns[&Column::Name], pos(0));
        prop_assert_eq!(map.columns[&Column::IdNumber], pos(1));
        let class_col = map.columns.get(&Column::Class).or(map.columns.get(&Column::GradeClass));
        prop_assert_eq!(class_col.copied(), Some(pos(2)));
    }
}
