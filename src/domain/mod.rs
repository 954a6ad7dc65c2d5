//! Pure types and rules of an enrollment drive: no I/O, no terminal.

pub mod category;
pub mod class_label;
pub mod coverage;
pub mod ethnicity;
pub mod id_number;
pub mod id_shown;
pub mod money;
pub mod name_alike;
pub mod phone;
pub mod pinyin_keys;
pub mod policy;
pub mod pupil_flags;
pub mod read_back;
pub mod roster_check;
pub mod same_child;
pub mod search;
pub mod student;
pub mod text;
pub mod unapplied;

/// Full-width digits, letters and punctuation as their ASCII forms (３８０ → 380, ９５．５ → 95.5, ２０２６／１１／２０ →
/// 2026/11/20): what an IME in full-width mode types, at the counter or in an agency's list, reads as typed.
pub fn narrow(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A text typed or listed over several lines, or with runs of spaces (an address), as one line with single spaces:
/// how the forms write it, and how a class list's cell is kept.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
