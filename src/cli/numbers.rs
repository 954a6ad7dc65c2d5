//! The command line's numeric values (`--limit`, `--year`, `--pick`, `--dismiss`, `year new YYYY`), read so that
//! one that is no number is said as every other refusal is, in Chinese and English (English alone under
//! `--lang en`), where clap's own message was English only.

use std::fmt;

/// What a numeric value should have been, in both languages: clap keeps it as the error's source, and
/// [`said`] words the refusal from it with the flag and the value as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberExpected {
    zh: &'static str,
    en: &'static str,
}

impl fmt::Display for NumberExpected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.en)
    }
}

impl std::error::Error for NumberExpected {}

const COUNT: NumberExpected = NumberExpected { zh: "应为 1 或更大的整数", en: "a whole number of 1 or more" };
const YEAR: NumberExpected =
    NumberExpected { zh: "应为四位数的年度，如 2027", en: "an insured year of four digits, such as 2027" };

/// Digits only, full-width ones too (an IME left in full-width mode), as the importer reads them.
fn digits(given: &str) -> Option<String> {
    let narrow = crate::domain::narrow(given.trim());
    (!narrow.is_empty() && narrow.chars().all(|c| c.is_ascii_digit())).then_some(narrow)
}

/// `--limit`, `--dismiss`: a count. 0 is read (the command says what it would mean); a sign or a letter is not.
pub fn count(given: &str) -> Result<usize, NumberExpected> {
    digits(given).and_then(|d| d.parse().ok()).ok_or(COUNT)
}

const LINE: NumberExpected = NumberExpected {
    zh: "应为 canbao check 列出的编号（如 3）或参照码（如 K3F9QX）",
    en: "a number canbao check lists (such as 3) or a reference (such as K3F9QX)",
};

/// `--dismiss`, `--undismiss`: a line's number, or its reference (which begins with a letter, so is never one).
pub fn line(given: &str) -> Result<crate::domain::unapplied::LinePick, NumberExpected> {
    use crate::domain::unapplied::LinePick;
    if let Some(n) = digits(given).and_then(|d| d.parse().ok()) {
        return Ok(LinePick::Number(n));
    }
    crate::domain::unapplied::parse_reference(given).map(LinePick::Reference).ok_or(LINE)
}

/// `--pick`: the Nth, from 1.
pub fn nth(given: &str) -> Result<u32, NumberExpected> {
    digits(given).and_then(|d| d.parse().ok()).filter(|&n| n >= 1).ok_or(COUNT)
}

/// An insured year: digits, read as given (a year nobody pushed or no drive has is the command's to say).
pub fn year(given: &str) -> Result<i32, NumberExpected> {
    digits(given).and_then(|d| d.parse().ok()).ok_or(YEAR)
}

/// A value clap could not read through one of the readers above, as a refusal in both languages (Chinese,
/// English): the flag, the value as given, and what it should be. `None` for any other error.
pub fn said(e: &clap::Error) -> Option<(String, String)> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let expected = std::error::Error::source(e)?.downcast_ref::<NumberExpected>()?;
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    // 「--limit <LIMIT>」: the flag as typed; a value in a position of its own keeps its placeholder (<YYYY>).
    let arg = text(ContextKind::InvalidArg)?;
    let flag = if arg.starts_with('-') { arg.split([' ', '=']).next().unwrap_or(&arg).to_owned() } else { arg };
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    Some((
        format!("{flag} 的值「{value}」不对：{}（用法见 canbao --help）", expected.zh),
        format!("invalid value '{value}' for {flag}: give {} (see canbao --help)", expected.en),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_typed_and_anything_else_is_said() {
        assert_eq!(count("20"), Ok(20));
        assert_eq!(count("０"), Ok(0));
        assert_eq!(count("-1"), Err(COUNT));
        assert_eq!(count("many"), Err(COUNT));
        assert_eq!(nth("0"), Err(COUNT));
        assert_eq!(nth("２"), Ok(2));
        assert_eq!(year("2027"), Ok(2027));
        assert_eq!(year("27"), Ok(27));
        assert_eq!(year("二〇二七"), Err(YEAR));
        assert_eq!(year("-2027"), Err(YEAR));
    }
}
