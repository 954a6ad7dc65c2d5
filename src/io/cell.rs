//! A cell as a class list holds it, and its text as canbao keeps it: invisible characters out, a formula kept
//! as text.

use chrono::NaiveDate;

use crate::domain::text::trim;

/// A cell as the file holds it. Numbers stay numbers so an ID typed as a number can be recognized as one.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A number cell whose file writes more digits than a double keeps, and not as any program prints a double
    /// (`<v>450205201603057004</v>`, an ID number a script wrote as an integer): its digits, exactly. Only an
    /// XLSX's text can give one; an XLS holds the double itself (`xlsx_digits` says which texts are taken).
    Digits(String),
    /// A formula the file holds no result for, as a program that writes formulas without computing them saves
    /// it (openpyxl, some school systems): its text where the file gives one. It reads as nothing, yet the row
    /// holding it is not empty, so the importer says it instead of passing the row over.
    Unevaluated(String),
}

impl Cell {
    /// The cell as text: whole numbers print without ".0" (a class "2" or a phone typed as a number).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty | Cell::Unevaluated(_) => String::new(),
            Cell::Text(s) => clean_text(s),
            Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Cell::Number(f) => f.to_string(),
            Cell::Digits(digits) => digits.clone(),
        }
    }

    /// `text` without a copy when the cell's text is kept as it is, as nearly every cell of a class list is.
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => clean_text_ref(s),
            Cell::Digits(digits) => std::borrow::Cow::Borrowed(digits),
            _ => std::borrow::Cow::Owned(self.text()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            // A cell that begins with a character neither blank nor invisible is not empty: known from its first
            // byte for a name, a number or a class (asked of every cell of every row, several times).
            Cell::Text(s) if s.as_bytes().first().is_some_and(|&b| shown_lead(b)) => false,
            Cell::Text(s) => s.chars().all(|c| c.is_whitespace() || invisible(c)),
            Cell::Number(_) | Cell::Digits(_) | Cell::Unevaluated(_) => false,
        }
    }

    /// Whether the cell holds characters that `text` removes: control, zero-width or direction-changing ones.
    pub fn has_invisible(&self) -> bool {
        matches!(self, Cell::Text(s) if may_hold_invisible(s)
            && s.chars().any(|c| invisible(c) && !matches!(c, '\t' | '\n' | '\r')))
    }
}

/// Whether `text` may hold a character [`invisible`] matches, by its bytes alone: every such character's UTF-8
/// form starts with one of these bytes, and plain ASCII and the CJK block (lead bytes E4–E9) have none of them,
/// so a class list's cells are passed over without decoding a character.
pub fn may_hold_invisible(text: &str) -> bool {
    // One look-up a byte, without a branch: asked of every cell read, which nearly never holds one.
    text.bytes().fold(false, |found, b| found | INVISIBLE_LEADS[usize::from(b)])
}

/// Whether a character beginning with this byte in UTF-8 is neither blank (Unicode's White_Space) nor
/// [`invisible`]: a printable ASCII character other than the space, or a lead byte that begins none of them (the
/// blank ones begin with 0xc2, 0xe1, 0xe2 or 0xe3, the invisible ones with a byte of `INVISIBLE_LEADS`).
fn shown_lead(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
        || (b >= 0xc0 && !INVISIBLE_LEADS[usize::from(b)] && !matches!(b, 0xc2 | 0xe1 | 0xe2 | 0xe3))
}

/// The bytes [`may_hold_invisible`] looks for, as a table: the control characters, DEL, and the lead bytes of
/// every other character [`invisible`] matches.
static INVISIBLE_LEADS: [bool; 256] = {
    let mut leads = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        leads[b] = true;
        b += 1;
    }
    let others = [0x7f, 0xc2, 0xcd, 0xd8, 0xe1, 0xe2, 0xe3, 0xef];
    let mut at = 0;
    while at < others.len() {
        leads[others[at]] = true;
        at += 1;
    }
    leads
};

/// A character nobody sees but that changes what is stored: control characters (an ESC sequence in a name
/// would drive the terminal it is printed on), zero-width characters (「李\u{200b}四」 is not found by 「李四」)
/// and the bidirectional overrides that make text read in another order than it is stored.
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
        )
}

/// Text safe to print on a terminal: a control or direction-changing character (held by a drive made before
/// imports removed them, or typed in by hand) shows as "�" instead of reaching the terminal, and zero-width
/// characters are dropped.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_invisible(text) || !text.chars().any(invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let shown = text
        .chars()
        .filter_map(|c| match c {
            c if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') => Some('\u{fffd}'),
            c if invisible(c) => None,
            c => Some(c),
        })
        .collect();
    std::borrow::Cow::Owned(shown)
}

/// What is said of a cell holding a formula the file keeps no result for (`Cell::Unevaluated`): the formula,
/// why the cell reads as nothing, what was done with it (`done`, Chinese and English) and how to give it its
/// value, then to run `again` (导入 / import it, 核对 / reconcile it). One wording for import and reconcile.
pub fn formula_without_result(formula: &str, done: (&str, &str), again: (&str, &str)) -> String {
    let shown = if formula.is_empty() { String::new() } else { format!("“={}”", printable(formula)) };
    let shown_en = if shown.is_empty() { String::new() } else { format!(" {shown}") };
    let ((done_zh, done_en), (again_zh, again_en)) = (done, again);
    format!(
        "单元格是公式{shown}，但文件中没有保存它的计算结果（保存此文件的程序不计算公式），{done_zh}；\
         请在 Excel 或 WPS 中打开此文件并保存，再{again_zh} (a formula{shown_en} with no result saved in the file: the \
         program that saved it does not compute formulas, so {done_en}; open the file in Excel or WPS, save it, \
         and {again_en} again)"
    )
}

/// Excel's day numbers read as dates: from 1954 to 2119, which holds every pupil's birth and every payment, where
/// a smaller or larger number in a date column is more likely something else typed there than a date.
const EXCEL_DAYS: std::ops::Range<f64> = 20_000.0..80_000.0;

/// A date column's cell holding an Excel day number instead of a date, as a cell not formatted as a date keeps it
/// (41369 for 2013-04-05, days from 1899-12-30), or as a CSV saved from such a sheet writes it ("41369", "41369.5"
/// with a time): the date it stands for, the same for the import's 出生日期 and reconcile's 缴费日期. `None` for
/// any other cell, or a number no plausible date (`EXCEL_DAYS`).
pub fn excel_day(cell: &Cell) -> Option<chrono::NaiveDate> {
    let value = match cell {
        Cell::Number(f) => *f,
        Cell::Text(t) => {
            let t = t.trim();
            let (whole, fraction) = t.split_once('.').unwrap_or((t, "0"));
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if whole.len() != 5 || !digits(whole) || !digits(fraction) {
                return None;
            }
            t.parse().ok()?
        }
        _ => return None,
    };
    if !EXCEL_DAYS.contains(&value) {
        return None;
    }
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::TimeDelta::days(value.floor() as i64))
}

/// Characters that make a spreadsheet read a CSV cell as a formula (OWASP's list for CSV injection).
fn formula_start(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A signed number ("-12.5", "+86 138-0013-8000") is a value: with no letters or brackets it can call no
/// function, and it stays as it is.
fn plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b' ' | b'-'))
        && digits.bytes().any(|b| b.is_ascii_digit())
}

/// A CSV cell as a spreadsheet must see it: text that would start a formula gets a leading apostrophe
/// (OWASP's rule), so `=HYPERLINK(…)` in a name reaches the sheet as text. Numbers and ID numbers are left
/// alone.
pub fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if formula_start(text) && !plain_number(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Text as an XLSX text cell holds it: as the drive keeps it, since a workbook's text cell is text and never
/// computed. A formula an earlier canbao kept behind an apostrophe (`'=1+1`) is written without it: in the cell,
/// the apostrophe would be part of the name. Only CSV needs the apostrophe ([`neutralise_formula`]).
pub fn xlsx_text(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if formula_start(rest) && !plain_number(rest) && rest.chars().nth(1).is_some() => rest,
        _ => text,
    }
}

/// A text cell as canbao keeps it: invisible characters removed (line breaks and tabs become spaces), then
/// trimmed. Text that would start a formula is kept as typed (`=1+1`, `@SUM(1)`), whether the file wrote it so,
/// `\t=1+1` or `'=1+1` (the apostrophe a CSV export of canbao's own puts before it, so importing it again changes
/// nothing): it is made safe where it goes out, in a CSV ([`neutralise_formula`]), never in the drive. A number
/// padded with a tab (`\t4502…`) is simply trimmed. A lone "-" (a list's "none") is left as it is.
pub fn clean_text(raw: &str) -> String {
    clean_text_ref(raw).into_owned()
}

/// `clean_text`, borrowing the text when it is kept as it is.
fn clean_text_ref(raw: &str) -> std::borrow::Cow<'_, str> {
    if may_hold_invisible(raw) && raw.chars().any(invisible) {
        let cleaned: String = raw
            .chars()
            .filter_map(|c| if c.is_whitespace() { Some(' ') } else { (!invisible(c)).then_some(c) })
            .collect();
        return std::borrow::Cow::Owned(as_typed(cleaned.trim()).into_owned());
    }
    as_typed(trim(raw))
}

/// Trimmed text as `clean_text` keeps it: a formula as typed, without the apostrophe an export put before it.
fn as_typed(trimmed: &str) -> std::borrow::Cow<'_, str> {
    std::borrow::Cow::Borrowed(xlsx_text(trimmed))
}

/// A date cell (a 出生日期, a 缴费日期) as a whole date (2013-04-05, 2013年4月5日, an Excel day number); `None` for a year and month
/// only, or no date.
pub fn whole_date(cell: &Cell) -> Option<NaiveDate> {
    if let Some(day) = excel_day(cell) {
        return Some(day);
    }
    let (year, month, day) = written_date(cell.text().trim())?;
    NaiveDate::from_ymd_opt(year, month, day?)
}

/// A date as lists write a birth date: 2013-04-05, 2013/4/5, 2013.04.05, 2013年4月5日, 20130405 (a time after it
/// is left aside), or a year and month only (2013.4, 2013年4月, 201304). Year, month and day if given.
pub fn written_date(text: &str) -> Option<(i32, u32, Option<u32>)> {
    let digits: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    let groups: Vec<&str> = digits.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).collect();
    let (year, month, day) = match groups.as_slice() {
        [all] if all.len() == 8 => (all.get(..4)?, all.get(4..6)?, all.get(6..)),
        [all] if all.len() == 6 => (all.get(..4)?, all.get(4..)?, None),
        [year, month] if year.len() == 4 => (*year, *month, None),
        [year, month, day, ..] if year.len() == 4 => (*year, *month, Some(*day)),
        _ => return None,
    };
    let (year, month) = (year.parse().ok()?, month.parse().ok()?);
    let day = match day {
        Some(day) => Some(day.parse().ok()?),
        None => None,
    };
    NaiveDate::from_ymd_opt(year, month, day.unwrap_or(1))?;
    Some((year, month, day))
}

/// A spreadsheet column's letters for a column from 0 (0 is A, 26 is AA).
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// Teachers pad two-character names with spaces to line them up ("张  三"); a Chinese name has no spaces.
/// Names in Latin letters keep single spaces. The middle dot of a minority name (阿卜杜·热合曼) is typed with
/// whatever dot the keyboard gives (•, ・, ．, . …): in a Chinese name each is the register's 「·」 (U+00B7), so the
/// same child's name from a class list and from the tax office's or the agency's list is one name.
pub fn clean_name(raw: &str) -> String {
    let has_cjk = raw.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
    if !has_cjk {
        if !raw.contains(char::is_whitespace) {
            return raw.to_owned();
        }
        return raw.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    if !raw.chars().any(|c| c.is_whitespace() || (c != MIDDLE_DOT && is_middle_dot(c))) {
        return raw.to_owned();
    }
    // 阿依古丽 买买提: the space a school types for the 「·」 of a Uyghur or Tibetan name, which the register writes.
    if let Some(parts) = minority_parts(raw) {
        return parts.join(&MIDDLE_DOT.to_string());
    }
    raw.chars().filter(|c| !c.is_whitespace()).map(|c| if is_middle_dot(c) { MIDDLE_DOT } else { c }).collect()
}

/// The parts of a name written with spaces between parts of two characters or more, one of them three or more
/// (阿依古丽 买买提, 热合曼 阿卜杜): a transliterated name whose parts the register joins with 「·」. A Han name
/// spaced for alignment (王 明, 欧阳 娜娜) is not one.
pub(super) fn minority_parts(raw: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = raw.split_whitespace().collect();
    let cjk = |part: &str| part.chars().all(|c| ('\u{3400}'..='\u{9fff}').contains(&c));
    let long = parts.iter().any(|p| p.chars().count() >= 3) || parts.len() >= 3;
    (parts.len() >= 2 && long && parts.iter().all(|p| p.chars().count() >= 2 && cjk(p))).then_some(parts)
}

/// The middle dot of the register's names (U+00B7).
pub(super) const MIDDLE_DOT: char = '\u{b7}';

/// A dot typed for the middle dot of a Chinese name: the list `domain::name_alike` matches names by, kept in one
/// place so cleaning a name and matching one cannot drift apart.
pub(super) use crate::domain::name_alike::is_name_dot as is_middle_dot;

#[cfg(test)]
mod tests {
    #[test]
    fn borrowed_text_is_the_text() {
        use super::Cell;
        for raw in
            ["张三", " 张三\t", "=1+1", "\t=1+1", "'=1+1", "-", "-12.5", "李\u{200b}四", "\u{202e}abc ", "", "  "]
        {
            let cell = Cell::Text(raw.to_owned());
            assert_eq!(cell.text_ref(), cell.text(), "{raw:?}");
        }
        for cell in [
            Cell::Empty,
            Cell::Number(2.0),
            Cell::Number(4.5e17),
            Cell::Number(-0.5),
            Cell::Digits("450205201603057004".into()),
        ] {
            assert_eq!(cell.text_ref(), cell.text(), "{cell:?}");
        }
    }

    #[test]
    fn an_excel_day_number_is_its_date_in_a_number_cell_or_as_text() {
        use super::{Cell, excel_day};
        let day = chrono::NaiveDate::from_ymd_opt(2013, 4, 5);
        for cell in [
            Cell::Number(41_369.0),
            Cell::Number(41_369.75),
            Cell::Text("41369".into()),
            Cell::Text(" 41369.0 ".into()),
        ] {
            assert_eq!(excel_day(&cell), day, "{cell:?}");
        }
        for cell in [
            Cell::Number(2013.0),
            Cell::Number(20_130_405.0),
            Cell::Number(-41_369.0),
            Cell::Text("201304".into()),
            Cell::Text("4136".into()),
            Cell::Text("41369天".into()),
            Cell::Text("2013-04-05".into()),
            Cell::Empty,
        ] {
            assert_eq!(excel_day(&cell), None, "{cell:?}");
        }
    }

    #[test]
    fn an_xlsx_text_cell_holds_the_formula_without_the_apostrophe() {
        use super::{clean_text, neutralise_formula, xlsx_text};
        for written in ["=HYPERLINK(\"x\")", "+1+1", "@SUM(1)", "-A1"] {
            let kept = clean_text(written);
            assert_eq!(kept, written, "kept as typed");
            assert_eq!(xlsx_text(&kept), written, "a text cell needs no apostrophe");
            let old = format!("'{written}");
            assert_eq!(xlsx_text(&old), written, "nor one an earlier canbao kept");
            assert_eq!(clean_text(xlsx_text(&kept)), kept, "read back, it is what the drive holds");
            assert_eq!(clean_text(&neutralise_formula(&kept)), kept, "a CSV's apostrophe read back is no part of it");
        }
        for plain in ["张三", "'张三", "-12.5", "'-", "-", "'", ""] {
            assert_eq!(xlsx_text(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn every_invisible_character_is_seen_by_its_bytes() {
        for c in (0..=0x10ffff).filter_map(char::from_u32).filter(|&c| super::invisible(c)) {
            let mut buf = [0; 4];
            assert!(super::may_hold_invisible(c.encode_utf8(&mut buf)), "U+{:04X}", c as u32);
        }
        assert!(!super::may_hold_invisible("张三 450202201501010012 三年级2班 Zhang"));
    }
    #[test]
    fn trim_answers_as_str_trim() {
        // Every character at either end, before and after a CJK, an ASCII and a full-width character.
        let ends: Vec<char> =
            (0u32..0x3100).chain(0xfe00..0x1_0000).chain([0x1_f600, 0x2_0000]).filter_map(char::from_u32).collect();
        for middle in ["", "李", "a", "\u{ff21}", "李 a"] {
            for &c in &ends {
                for text in [format!("{c}{middle}"), format!("{middle}{c}"), format!("{c}{middle}{c}"), c.to_string()] {
                    assert_eq!(super::trim(&text), text.trim(), "{:?}", text);
                }
            }
        }
        assert_eq!(super::trim(""), "");
    }

    #[test]
    fn a_cell_is_empty_as_when_every_character_was_asked() {
        // Every character alone, and before an ASCII letter, a Han character and a blank.
        let asked = |s: &str| s.chars().all(|c| c.is_whitespace() || super::invisible(c));
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("{c}a"), format!("{c}李"), format!("{c} "), format!("{c}\u{200b}")] {
                assert_eq!(super::Cell::Text(text.clone()).is_empty(), asked(&text), "{text:?}");
            }
        }
        assert!(super::Cell::Text(String::new()).is_empty());
    }
}
