//! 公民身份号码 (GB 11643-1999): normalizing what schools type and telling exactly what is wrong with it.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// ISO 7064 MOD 11-2 weights for the first 17 characters.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// What kind of document the number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 居民身份证 (18 characters).
    Resident,
    /// An old 15-digit 居民身份证 number, converted to 18.
    ResidentConverted,
    /// 港澳台居民居住证 (810000 / 820000 / 830000).
    HkMoTwPermit,
    /// 外国人永久居留身份证 (2023 edition, starts with 9).
    ForeignPermanent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Why a number is not a valid ID number. Each failure has its own message, because the operator's next step
/// differs: a lost-precision number must be asked for again, a bad check digit may be a typo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    Missing,
    /// The value went through a numeric spreadsheet cell: digits after the 15th are gone for good.
    PrecisionLost,
    Length(usize),
    Character(char),
    Area,
    /// A foreigner's permanent residence card (starting 9) whose 2nd and 3rd digits are no province code: coded
    /// `area` as a resident number's.
    ForeignArea,
    BirthDate,
    FutureBirthDate,
    CheckDigit {
        expected: char,
        found: char,
    },
    /// A date where the number goes (2016-03-05, 20160305, a date cell): most often the birth date of a pupil
    /// without an ID, no number of a wrong length to be corrected by a digit.
    Date,
    /// The number of another document than those an enrollment takes, by its shape: a 回乡证, a 台胞证, a passport.
    /// No typo to correct: the family is asked for the pupil's 身份证 or 居住证 number.
    OtherDocument(OtherDocument),
}

/// A document whose number a list gives where the ID number goes (`IdProblem::OtherDocument`). The notices' forms
/// ask for the pupil's 身份证号码 (001 附件2, 002 §4.1); a pupil from Hong Kong, Macao or Taiwan enrolls with the
/// 18-digit number of the 港澳台居民居住证 (810000 / 820000 / 830000), a foreign pupil with the 外国人永久居留身份证.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherDocument {
    /// 港澳居民来往内地通行证 (回乡证): H or M, then 8 or 10 digits.
    HomeReturn,
    /// 台湾居民来往大陆通行证 (台胞证): 8 digits.
    TaiwanCompatriot,
    /// A passport: one or two letters, then digits (E12345678, EA1234567, G12345678, P1234567).
    Passport,
}

impl OtherDocument {
    /// The document a number is by its shape, or `None`. Eight digits that read as a date (20150301) are a date's,
    /// no 台胞证's.
    pub fn by_shape(number: &str) -> Option<OtherDocument> {
        let b = number.as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let digits = &b[letters..];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        match (letters, digits.len()) {
            (0, 8) if parse_birth(number).is_none() => Some(OtherDocument::TaiwanCompatriot),
            (1, 8 | 10) if matches!(b[0].to_ascii_uppercase(), b'H' | b'M') => Some(OtherDocument::HomeReturn),
            (1..=2, 6..=9) => Some(OtherDocument::Passport),
            _ => None,
        }
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            OtherDocument::HomeReturn => ("回乡证（港澳居民来往内地通行证）", "a Home Return Permit (回乡证)"),
            OtherDocument::TaiwanCompatriot => {
                ("台胞证（台湾居民来往大陆通行证）", "a Taiwan Compatriot Permit (台胞证)")
            }
            OtherDocument::Passport => ("护照", "a passport"),
        }
    }

    /// What the holder enrolls with instead, Chinese and English.
    fn instead(self) -> (&'static str, &'static str) {
        match self {
            OtherDocument::HomeReturn => (
                "港澳学生填港澳台居民居住证号码（18 位，810000 或 820000 开头）",
                "a pupil from Hong Kong or Macao enrolls with the 18-digit number of the residence permit for Hong \
                 Kong, Macao and Taiwan residents (starting 810000 or 820000)",
            ),
            OtherDocument::TaiwanCompatriot => (
                "台湾学生填港澳台居民居住证号码（18 位，830000 开头）",
                "a pupil from Taiwan enrolls with the 18-digit number of the residence permit for Hong Kong, Macao and \
                 Taiwan residents (starting 830000)",
            ),
            OtherDocument::Passport => (
                "外籍学生填外国人永久居留身份证号码（18 位，9 开头）",
                "a foreign pupil enrolls with the 18-character number of the foreigner's permanent residence card \
                 (starting 9)",
            ),
        }
    }
}

impl IdProblem {
    /// A stable code for scripts and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            IdProblem::Missing => "missing",
            IdProblem::PrecisionLost => "precision_lost",
            IdProblem::Length(_) => "length",
            IdProblem::Character(_) => "character",
            IdProblem::Area | IdProblem::ForeignArea => "area",
            IdProblem::BirthDate => "birth_date",
            IdProblem::FutureBirthDate => "future_birth_date",
            IdProblem::CheckDigit { .. } => "check_digit",
            IdProblem::Date => "date",
            IdProblem::OtherDocument(_) => "other_document",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            IdProblem::Missing => "身份证号码为空".into(),
            IdProblem::PrecisionLost => {
                "身份证号码曾被表格当作数字保存，15 位之后的数字已丢失，无法恢复，请向家长重新核对".into()
            }
            IdProblem::Length(n) => format!("身份证号码应为 18 位（或旧式 15 位），实际 {n} 位"),
            IdProblem::Character(c) => format!("身份证号码含有非法字符“{c}”"),
            IdProblem::Area => "身份证号码前两位不是有效的省级地区码".into(),
            IdProblem::ForeignArea => "外国人永久居留身份证号码第2、3位不是有效的省级受理地代码".into(),
            IdProblem::BirthDate => "身份证号码中的出生日期不存在".into(),
            IdProblem::FutureBirthDate => "身份证号码中的出生日期晚于今天".into(),
            IdProblem::CheckDigit { expected, found } => {
                format!("身份证号码校验码错误：最后一位应为 {expected}，实际为 {found}")
            }
            IdProblem::Date => DATE_IN_ID_CELL.into(),
            IdProblem::OtherDocument(document) => format!(
                "号码像是{}号码，不是身份证号码：通知的学生信息表和参保模板要的是学生的居民身份证号码（18 位），{}",
                document.names().0,
                document.instead().0
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            IdProblem::Missing => "ID number is empty".into(),
            IdProblem::PrecisionLost => "ID number was stored as a number by a spreadsheet; digits after the \
                                         15th are lost and cannot be recovered, ask the family again"
                .into(),
            IdProblem::Length(n) => format!("ID number must have 18 characters (or old 15), has {n}"),
            IdProblem::Character(c) => format!("ID number contains an invalid character '{c}'"),
            IdProblem::Area => "ID number does not start with a valid province code".into(),
            IdProblem::ForeignArea => {
                "a foreigner's permanent residence card number needs a valid province code in its 2nd and 3rd digits"
                    .into()
            }
            IdProblem::BirthDate => "the birth date in the ID number does not exist".into(),
            IdProblem::FutureBirthDate => "the birth date in the ID number is in the future".into(),
            IdProblem::CheckDigit { expected, found } => {
                format!("wrong check character: expected {expected}, found {found}")
            }
            IdProblem::Date => DATE_IN_ID_CELL_EN.into(),
            IdProblem::OtherDocument(document) => format!(
                "the number looks like {}'s, no ID number: the notice's information sheet and the enrollment \
                 template ask for the pupil's resident ID number (18 characters); {}",
                document.names().1,
                document.instead().1
            ),
        }
    }
}

/// What every form and `check` say of a pupil whose ID number cell holds a date ([`IdProblem::Date`]).
pub const DATE_IN_ID_CELL: &str = "身份证号码栏填的是日期，不是身份证号码";
pub const DATE_IN_ID_CELL_EN: &str = "the ID number cell holds a date, not an ID number";

/// A valid ID number with what it tells about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidId {
    /// 18 characters, digits and a final upper-case X.
    pub number: String,
    pub kind: IdKind,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

/// The outcome of checking one value: the cleaned-up text is kept either way, so a bad row can be stored and
/// shown as the school typed it, minus invisible noise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCheck {
    pub normalized: String,
    pub result: Result<ValidId, IdProblem>,
}

impl IdCheck {
    pub fn is_valid(&self) -> bool {
        self.result.is_ok()
    }
    pub fn problem(&self) -> Option<&IdProblem> {
        self.result.as_ref().err()
    }
    pub fn valid(&self) -> Option<&ValidId> {
        self.result.as_ref().ok()
    }
    /// A number counted as 身份证号有问题: one that fails the check, or an old 15-digit one, as
    /// `Student::id_to_verify` counts the pupil it gives, so an import's count agrees with the dashboard's.
    pub fn to_verify(&self) -> bool {
        self.valid().is_none_or(|v| v.kind == IdKind::ResidentConverted)
    }
}

/// Undoes what office files and typing do to an ID: full-width characters, spaces of every kind, a lower-case
/// x, Excel's text apostrophe and the `="…"` wrapper some systems export.
pub fn normalize(raw: &str) -> String {
    let s = unwrap_text(raw);
    // As nearly every list writes it: nothing to convert or drop.
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'x' | 'Ｘ' | 'ｘ' | '×' => 'X',
            // A number as a spreadsheet showed it, typed in a Chinese input mode (５.１１５０２Ｅ＋１７).
            'Ｅ' => 'E',
            'ｅ' => 'e',
            '＋' => '+',
            '．' => '.',
            _ => c,
        };
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' || c == '-' {
            continue;
        }
        out.push(c);
    }
    out
}

/// Marks a spreadsheet puts before a number to keep it as text, and the full-width apostrophe (＇) a Chinese
/// input mode types for that key.
const APOSTROPHES: [char; 5] = ['\'', '‘', '’', '`', '＇'];

/// Quotes around the text of `="…"`: ASCII as Excel writes them, or Chinese ones as typed in a Chinese input
/// mode (`＝“…”`).
const QUOTES: [char; 4] = ['"', '“', '”', '＂'];

/// The number inside the wrappers that keep it as text: Excel's apostrophe (`'4502…`) and the formula
/// `="4502…"` (exports write it; in a CSV it arrives as `"=""4502…"""`). Every cell reaches here cleaned by
/// `io::cell`, which puts an apostrophe before anything that starts with `=` so it cannot run as a formula:
/// `="4502…"` comes as `'="4502…"`, so the apostrophe is taken off before the formula is looked for.
pub(crate) fn unwrap_text(raw: &str) -> &str {
    let s = super::text::trim(raw).trim_start_matches(APOSTROPHES).trim_start();
    let Some(formula) = s.strip_prefix(['=', '＝']) else {
        return s;
    };
    let formula = formula.trim();
    match formula.strip_prefix(QUOTES).and_then(|r| r.strip_suffix(QUOTES)) {
        Some(inner) => inner.trim().trim_start_matches(APOSTROPHES),
        // A bare number after the sign (`=4502…`, typed so in a CSV to keep it whole, or as a list wrote it): the
        // number, as `="4502…"` gives it. Digits and X alone, so it can compute nothing.
        None if !formula.is_empty()
            && formula
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ' | ' ' | '０'..='９')) =>
        {
            formula
        }
        // Any other formula (`=1+1`) is no number: kept, so the check names the character.
        None => s,
    }
}

/// The check character for the first 17 characters (which must be ASCII digits).
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

/// Does this text look like a number a spreadsheet printed rather than one a person typed?
fn looks_like_spreadsheet_number(s: &str) -> bool {
    let digits_and_marks = s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'E' | 'e' | '+'));
    if !digits_and_marks || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if s.contains(['E', 'e']) {
        return true;
    }
    if let Some((int, frac)) = s.split_once('.') {
        // "450221199001011234.0": a float rendered with its fraction; only long values lost digits.
        return int.len() >= 16 && frac.chars().all(|c| c == '0');
    }
    // Excel keeps 15 significant digits and pads with zeros. Typed as text, such a number is only taken for a
    // rounded one when its check digit fails: about one real number in a thousand ends in 000.
    s.len() == 18 && s.ends_with("000") && !check_digit_matches(s)
}

/// The double a program printed, when `text` is a whole number of 16 to 20 digits past 2^53 written as a program
/// writes a double: its exact value (`int(x)` in Python, pandas `astype('int64')`), its shortest form
/// (JavaScript's `String(n)`, Go, Rust), or rounded to 16 or 17 significant digits, then zeros (`%.17g`). Such a
/// text may be the remains of a longer number rounded to the double nearest it; a whole number typed as it is
/// happens to be one of these too (a few in a hundred), so the text alone never says which.
pub fn printed_double(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    if !(16..=20).contains(&bytes.len()) || bytes[0] == b'0' || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Digits alone (checked above), read as `str::parse` reads them without its checks for a sign and for overflow.
    // Up to 19 digits (an ID number's 18) fit a u64, whose conversions to and from a double are instructions of the
    // machine where a u128's are calls: this function is asked of every row's number.
    let (number, double, exact) = if bytes.len() <= 19 {
        let number = bytes.iter().fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
        // The integer's nearest double, as parsing the text gives it (both round to nearest, ties to even). Below
        // 10^19 it is below 2^64, so `as` takes it back exactly: a double this large is an integer.
        let double = number as f64;
        (u128::from(number), double, double as u64 == number)
    } else {
        let number = bytes.iter().fold(0u128, |n, &b| n * 10 + u128::from(b - b'0'));
        let double = number as f64;
        (number, double, double as u128 == number)
    };
    // A double holds every integer below 2^53 exactly: none of these was rounded by one.
    if number < 1 << 53 {
        return None;
    }
    // Asked of every row's number: the shortest form and the rounded ones keep 17 significant digits at most, so a
    // number of 18 or more digits that ends in fewer zeros can only be the exact value, and is answered without
    // formatting the double three times.
    let zeros = bytes.iter().rev().take_while(|&&b| b == b'0').count();
    if bytes.len() > 17 && zeros < bytes.len() - 17 {
        return exact.then_some(double);
    }
    let printed = exact
        || double.to_string().parse::<u128>().ok() == Some(number)
        || (16..=17).any(|significant| rounded_to(double, significant) == Some(number));
    printed.then_some(double)
}

/// How far from a whole number a program printing the double nearest it can write it (`printed_from`): the double
/// lies 32 away at most, rounded to 16 significant digits 50 more.
pub const PRINTED_WITHIN: u64 = 100;

/// Whether `printed` is what a program printing a double writes (`printed_double`) of the double nearest `number`,
/// a whole number of 18 digits other than it: `number` rounded by a program that kept it as a double.
pub fn printed_from(number: &str, printed: &str) -> bool {
    let (Ok(whole), Ok(text)) = (number.parse::<u128>(), printed.parse::<u128>()) else { return false };
    if number.len() != 18 || printed.len() != 18 || whole == text || whole < 1 << 53 {
        return false;
    }
    let double = whole as f64;
    double as u128 == text
        || double.to_string().parse::<u128>().ok() == Some(text)
        || (16..=17).any(|significant| rounded_to(double, significant) == Some(text))
}

/// `value` rounded to `significant` digits, then zeros, as a program printing a double writes it.
fn rounded_to(value: f64, significant: usize) -> Option<u128> {
    // Asked of every number ending in a zero, twice: a whole double is rounded in integers, as `{:.e}` rounds its
    // exact value. A tie (never met by a double of 16 digits or more, a multiple of 2 or more) is left to the
    // formatting, which says how it breaks one.
    if value.is_finite() && value >= 1.0 && value.fract() == 0.0 && value < 1e38 && significant >= 1 {
        let whole = value as u128;
        let digits = whole.ilog10() as usize + 1;
        let cut = 10u128.pow(u32::try_from(digits.checked_sub(significant)?).ok()?);
        let (below, half) = (whole % cut, cut / 2);
        if cut == 1 || below != half {
            return Some(whole - below + if below > half { cut } else { 0 });
        }
    }
    formatted_to(value, significant)
}

/// `rounded_to` by the formatting a program printing the double does.
fn formatted_to(value: f64, significant: usize) -> Option<u128> {
    let scientific = format!("{value:.*e}", significant - 1);
    let (mantissa, exponent) = scientific.split_once('e')?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let zeros = exponent.parse::<usize>().ok()?.checked_sub(significant - 1)?;
    let digits: u128 = digits.parse().ok()?;
    digits.checked_mul(10u128.checked_pow(u32::try_from(zeros).ok()?)?)
}

/// Whether `check` is of 18 digits a program may have printed from a double (`printed_double`), valid or failing
/// only its check digit: a number rounded to the double nearest it when the list around it, or a pupil held under
/// the name, shows it to be one (`as_rounded`). Alone it may as well be typed so: a digit typed wrong gives such a
/// number one time in a few dozen, and a whole number passes its check, so neither is taken for a rounded one.
pub fn may_be_printed(check: &IdCheck) -> bool {
    // A double's rounding can borrow into the birth date (…0801000X printed …0800998X: day 00), not only the check
    // digit.
    matches!(check.result, Ok(_) | Err(IdProblem::CheckDigit { .. } | IdProblem::BirthDate))
        && check.normalized.len() == 18
        && printed_double(&check.normalized).is_some()
}

/// What a number printed from a double (`printed_double`) keeps, as a numeric cell's is kept: its 15 significant
/// digits, then zeros (`check_numeric_cell`), so the import and the tax list find the pupil by name and those
/// digits, and a re-read flags it again. `None` for any other text.
pub fn kept_of_printed(text: &str) -> Option<String> {
    (text.len() == 18).then(|| printed_double(text)).flatten().map(fifteen_significant)
}

/// `check` taken as a number a double rounded (`IdProblem::PrecisionLost`), its number kept as a numeric cell's
/// (`kept_of_printed`) when a program printed it from a double: one that the list around it, or a pupil held
/// under the name, shows to be one (`may_be_printed`), its check digit failing or holding by chance.
pub fn as_rounded(check: IdCheck) -> IdCheck {
    let normalized = kept_of_printed(&check.normalized).unwrap_or(check.normalized);
    IdCheck { normalized, result: Err(IdProblem::PrecisionLost) }
}

fn check_digit_matches(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit) && check_char(&b[..17]) == b[17] as char
}

/// Checks a value as it came from a text cell or a CSV field. A number a spreadsheet rounded is kept in one
/// form however it is spelt (`rounded_form`), flagged as rounded even where the digits kept pass the check.
pub fn check(raw: &str, today: NaiveDate) -> IdCheck {
    // As nearly every list writes it, 17 digits and a digit or X: nothing to unwrap or convert, and no other
    // shape to tell it from (a 回乡证 or passport, a spreadsheet's number), but a number ending in 000, which
    // may be a rounded one (`looks_like_spreadsheet_number`).
    if plain_eighteen(raw) {
        return IdCheck { normalized: raw.to_owned(), result: validate18(raw, today, IdKind::Resident) };
    }
    let normalized = normalize(raw);
    if let Some(kept) = rounded_form(&normalized) {
        return IdCheck { normalized: kept, result: Err(IdProblem::PrecisionLost) };
    }
    let result = validate(&normalized, today);
    IdCheck { normalized, result }
}

/// The one form canbao keeps a number a spreadsheet rounded in, whichever way it arrives: written with an
/// exponent of 17 and 15 significant digits (5.11502202001205E+17 as Excel saves it in a CSV or a text cell,
/// 5.11502202001205e+17, 5.11502202001205E17) or as a float with its fraction (511502202001205000.0), the 18
/// digits a numeric cell keeps (511502202001205000): a CSV, an XLSX number or text cell, a tax list, a number
/// typed at `add`, `mark` or a search, and the pupil held are then one spelling, found by an exact look-up. A
/// number written with 16 or 17 digits (4.502032018060625e+17, a CSV of floats) keeps them, in Excel's spelling
/// (`E+17`): they tell two children apart where 15 do not (`rounding_of`). One shown with fewer digits
/// (5.11502E+17) keeps those, spelt so too: padded with zeros it would pass for 15 digits kept. `None` for
/// anything that is no such number.
pub fn rounded_form(normalized: &str) -> Option<String> {
    if let Some((int, frac)) = normalized.split_once('.')
        && int.len() == 18
        && int.bytes().all(|b| b.is_ascii_digit())
        && int.ends_with("000")
        && !frac.is_empty()
        && frac.bytes().all(|b| b == b'0')
    {
        return Some(int.to_owned());
    }
    let (int, frac) = e17_digits(normalized)?;
    if int == "0" {
        return None;
    }
    // Written with 15 digits or more, the number is as exact as a numeric cell's, whatever zeros end it
    // (5.11502202001200E+17, the "0.00000000000000E+00" format): its 15 significant digits are the cell's.
    let significant = 1 + frac.trim_end_matches('0').len();
    if significant == 15 || (1 + frac.len() >= 15 && significant < 15) {
        return fifteen_digits_kept(normalized);
    }
    // Kept in Excel's own spelling, without trailing zeros, so that 4.5020320180606250E+17 and
    // 4.502032018060625E+17 (or 4.5020220150710E+17 and 4.502022015071E+17) are one number.
    let frac = frac.trim_end_matches('0');
    Some(if frac.is_empty() { format!("{int}E+17") } else { format!("{int}.{frac}E+17") })
}

/// The 18 digits a number kept written with an exponent of 17 (`rounded_form`) stands for, as a numeric cell
/// would hold it: its digits rounded to 15, or those it shows then zeros; and how many of them it shows (15 at
/// most). What the screen masks and the forms print of it, as of the same number kept as digits.
fn e17_shown(number: &str) -> Option<(String, usize)> {
    let (int, frac) = e17_digits(number)?;
    let digits = format!("{int}{frac}");
    let shown = digits.trim_end_matches('0').len().max(1);
    if int == "0" || digits.len() > 18 {
        return None;
    }
    if shown >= 15 {
        let value: f64 = format!("{int}.{frac}e17").parse().ok()?;
        return Some(fifteen_significant(value)).filter(|d| d.len() == 18).map(|d| (d, 15));
    }
    Some((format!("{digits:0<18}"), digits.len()))
}

/// 17 ASCII digits and a digit or X, not ending in 000: `validate` would ask nothing of it but `validate18`.
fn plain_eighteen(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
        && !b.ends_with(b"000")
}

/// Checks a value that a spreadsheet stored as a number. Up to 15 digits survive a double exactly, so an
/// old 15-digit number is still usable; anything longer has been rounded.
pub fn check_numeric_cell(value: f64, today: NaiveDate) -> IdCheck {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        return check(&format!("{value:.0}"), today);
    }
    IdCheck { normalized: fifteen_significant(value), result: Err(IdProblem::PrecisionLost) }
}

/// The number as Excel shows it: 15 significant digits, then zeros. Keeping that form (not the double's
/// exact digits) means a re-read of an exported file flags it again instead of taking it for a typo.
fn fifteen_significant(value: f64) -> String {
    if !value.is_finite() || value.abs() < 1e15 {
        return value.to_string();
    }
    let sci = format!("{:.14e}", value.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: usize = exp.parse().unwrap_or(0);
    if exp + 1 < digits.len() || exp > 40 {
        return value.to_string();
    }
    format!("{digits:0<width$}", width = exp + 1)
}

/// What a form for the agencies says in its 备注 about a stored problem code (`IdProblem::code`), so nobody
/// registers such a number as it stands; `None` for a valid number.
pub fn problem_remark(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "precision_lost" => "身份证号码被表格四舍五入，待核实",
        "missing" => "身份证号码为空，待核实",
        "length" => "身份证号码位数不对，待核实",
        "character" => "身份证号码含有非法字符，待核实",
        "area" => "身份证号码地区码无效，待核实",
        "birth_date" | "future_birth_date" => "身份证号码中的出生日期有误，待核实",
        "check_digit" => "身份证号码校验码错误，待核实",
        "date" => DATE_IN_ID_CELL,
        "other_document" => "证件号码不是身份证号码（像是回乡证、台胞证或护照号码），待核实",
        _ => "身份证号码有误，待核实",
    })
}

/// What a form says in its 备注 of an old 15-digit number (converted to 18 by inserting 19): such numbers went to
/// people born in the 1900s and were replaced by 18-character ones from 1999, so neither the birth date it gives
/// nor the number is to be taken as the pupil's until someone has seen the household register.
pub const OLD_NUMBER_REMARK: &str = "15位旧身份证号，出生日期待核实";

/// Every problem code [`problem_remark`] names, and one it does not know.
const PROBLEM_CODES: [&str; 11] = [
    "precision_lost",
    "missing",
    "length",
    "character",
    "area",
    "birth_date",
    "future_birth_date",
    "check_digit",
    "date",
    "other_document",
    "",
];

/// The 备注 a form gives a pupil's ID number: the check's problem ([`problem_remark`]), else, for an old 15-digit
/// number, [`OLD_NUMBER_REMARK`]; `None` for a valid number of today's kind.
pub fn form_remark(problem: Option<&str>, kind: Option<IdKind>) -> Option<&'static str> {
    problem_remark(problem).or_else(|| (kind == Some(IdKind::ResidentConverted)).then_some(OLD_NUMBER_REMARK))
}

/// Whether a part of a 备注 is one [`form_remark`] writes: a form read back takes it for canbao's words (they
/// come from the number itself), never for the pupil's note.
pub fn is_form_remark(part: &str) -> bool {
    let part = part.trim();
    part == OLD_NUMBER_REMARK || PROBLEM_CODES.iter().any(|&code| problem_remark(Some(code)) == Some(part))
}

/// What a spreadsheet makes of an 18-digit number typed into a numeric cell: 15 significant digits, then
/// zeros, rounded, so the rounding can carry into the birth date (…0505 9968 becomes …0506 0000). A final X
/// cannot be in a numeric cell and counts as 0. `None` for anything that is not 18 digits.
pub fn rounded_by_spreadsheet(number: &str) -> Option<String> {
    let b = number.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return None;
    }
    let value = b.iter().fold(0u64, |n, &d| n * 10 + if d == b'X' { 0 } else { u64::from(d - b'0') });
    Some(fifteen_significant(value as f64))
}

/// An 18-digit number as a value, its final X counted as 0 (a numeric cell cannot hold an X). `None` for
/// anything else.
fn id_value(number: &str) -> Option<u64> {
    let b = number.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return None;
    }
    Some(b.iter().fold(0u64, |n, &d| n * 10 + if d == b'X' { 0 } else { u64::from(d - b'0') }))
}

/// Every form a numeric cell can leave of an 18-digit number, as Excel shows it (15 significant digits, then
/// zeros): its first 15 digits, or those rounded up at the 15th, of the number or of the double nearest it.
/// Programs differ in how they get there (Excel cuts what is typed to 15 digits and rounds what it reads;
/// openpyxl and pandas write 16 digits, which Excel rounds again; others write 17, half up or half to even),
/// but every one of them lands on one of these. `None` for anything that is not 18 digits.
pub fn fifteen_digit_forms(number: &str) -> Option<Vec<String>> {
    let value = id_value(number)?;
    let mut forms: Vec<u64> = Vec::with_capacity(4);
    // Past 2^53 a double holds whole numbers only, so the cast back is exact.
    for held in [value, value as f64 as u64] {
        let cut = held / 1000 * 1000;
        for form in [cut, cut + 1000] {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    Some(forms.into_iter().map(|f| f.to_string()).collect())
}

/// The digits of a number written with an exponent of 17, as a spreadsheet writes an 18-digit one (4.50202E+17,
/// 4.502032018060625e+17): the one digit before the point and those after it.
fn e17_digits(flagged: &str) -> Option<(&str, &str)> {
    let (mantissa, exponent) = flagged.split_once(['E', 'e'])?;
    if exponent.trim_start_matches('+').parse::<u32>().ok()? != 17 {
        return None;
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    (int.len() == 1 && int.bytes().chain(frac.bytes()).all(|d| d.is_ascii_digit())).then_some((int, frac))
}

/// Whether a flagged number is what a spreadsheet made of a longer one: rounded (`IdProblem::PrecisionLost`:
/// 4.50102E+17, 450102201510081000, 4.50102201510081E+016) or cut to 17 digits (45010220151008117). Children of
/// one name elsewhere may share it, so it is a pupil's only with their name, school and class, never by itself.
pub fn spreadsheet_made(flagged: &str, problem: &IdProblem) -> bool {
    match problem {
        IdProblem::PrecisionLost => true,
        IdProblem::Length(17) => flagged.len() == 17 && flagged.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

/// The 15 significant digits a number flagged as rounded keeps, as Excel shows them (450202201501011000): read
/// from that form (a numeric cell, or typed as text, with a fraction .0 as some exports write it), or from the
/// number written with 15 or more significant digits and an exponent (4.502032018060625e+17, as a CSV of
/// floats holds it). `None` for anything shorter (4.50202E+17 is only what a narrow cell showed).
pub fn fifteen_digits_kept(flagged: &str) -> Option<String> {
    // A float written with its fraction (450202201501011000.0) is the number before the point.
    let flagged = match flagged.split_once('.') {
        Some((int, frac)) if int.len() == 18 && frac.bytes().all(|b| b == b'0') => int,
        _ => flagged,
    };
    if flagged.len() == 18 && flagged.bytes().all(|b| b.is_ascii_digit()) {
        return flagged.ends_with("000").then(|| flagged.to_owned());
    }
    let (int, frac) = e17_digits(flagged)?;
    // 15 digits written, however many of them end in 0, are 15 kept; fewer are only what a cell showed.
    if 1 + frac.len() < 15 {
        return None;
    }
    let value: f64 = format!("{int}.{frac}e17").parse().ok()?;
    Some(fifteen_significant(value)).filter(|kept| kept.len() == 18)
}

/// How a number held flagged as rounded by a spreadsheet stands to a whole, valid number (`rounding_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// The whole number as a numeric cell keeps it: 15 significant digits, then zeros, however the program that
    /// wrote it cut or rounded (`fifteen_digit_forms`). Enough, with the name, to be that child.
    Fifteen,
    /// The number as a spreadsheet showed it, with fewer digits (4.50202E+17): many children of one school share
    /// it, so only the name and the class together make it that child.
    Shown,
}

/// Whether `flagged`, a number a spreadsheet rounded, is what it would make of the whole number `number`, and
/// how much of it survived. `None` when it is not (another child's number, or not a rounding at all).
pub fn rounding_of(number: &str, flagged: &str) -> Option<Rounding> {
    let b = number.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Written with every digit a double gives (4.502022019031015e+17): those digits, not their rounding to 15, say
    // which number it is, where 15 alone would fit numbers a thousand apart.
    if let Some(fits) = all_digits_fit(number, flagged) {
        return fits.then_some(Rounding::Fifteen);
    }
    if let Some(kept) = fifteen_digits_kept(flagged) {
        return fifteen_digit_forms(number)?.contains(&kept).then_some(Rounding::Fifteen);
    }
    // 4.50202E+17: the mantissa's digits are the number rounded to that many (Excel drops trailing zeros).
    let (int, frac) = e17_digits(flagged)?;
    let digits = format!("{int}{}", frac.trim_end_matches('0'));
    let kept = u32::try_from(digits.len()).ok().filter(|k| (1..=14).contains(k))?;
    let value = id_value(number)?;
    let scale = 10u64.pow(18 - kept);
    ((value + scale / 2) / scale).to_string().eq(&digits).then_some(Rounding::Shown)
}

/// Whether `number` is what a number written with an exponent of 17 and 16 or 17 significant digits was written
/// from (4.502022019031015e+17: openpyxl writing a numeric cell, pandas a float column): the number, or the double
/// nearest it, rounded or cut at the last digit written. `None` when `flagged` is no such form (fewer digits, none
/// of an exponent), so the 15 digits a spreadsheet keeps are all it has (`fifteen_digits_kept`).
fn all_digits_fit(number: &str, flagged: &str) -> Option<bool> {
    let (int, frac) = e17_digits(flagged)?;
    let frac = frac.trim_end_matches('0');
    if !(15..=17).contains(&frac.len()) {
        return None;
    }
    let written: u64 = format!("{int}{frac}").parse().ok()?;
    let scale = 10u64.pow(17 - u32::try_from(frac.len()).ok()?);
    let written = written.checked_mul(scale)?;
    // The double nearest an 18-digit number lies within 64 of it (its spacing is 128 at most below 10^18).
    Some(id_value(number)?.abs_diff(written) <= scale + 64)
}

/// The whole numbers a number shown with fewer than 15 digits (4.5010220190101E+17, `Rounding::Shown`) can be
/// the rounding of, lowest and highest, when it kept `at_least` digits or more: a range a reader can walk.
pub fn shown_range(flagged: &str, at_least: u32) -> Option<(u64, u64)> {
    let (int, frac) = e17_digits(flagged)?;
    let digits = format!("{int}{}", frac.trim_end_matches('0'));
    let kept = u32::try_from(digits.len()).ok().filter(|k| (at_least..=14).contains(k))?;
    let scale = 10u64.pow(18 - kept);
    let middle = digits.parse::<u64>().ok()?.checked_mul(scale)?;
    Some((middle.saturating_sub(scale / 2), middle + scale / 2))
}

/// The problem's code `flagged_may_be` takes for a number converted from an old 15-digit one: it passes the check,
/// yet is a parent's or an old record's, never the pupil's today (canbao flags it and asks the family for the
/// 18-digit one), so corrections hold it flagged, one that only the same name, school and class tie to a valid
/// number.
pub const OLD_NUMBER: &str = "old_number";

/// Whether a pupil held with `flagged` (its problem's code: `IdProblem::code`) may be the child whose valid
/// number is `number`, given the two have one name: by the number alone when it is `number` rounded to 15
/// digits, or `number` with its check character typed wrong or left off (`mistyped_from`); only in the same
/// school and class when it is `number` shown shorter, or wrong another way (a digit typed wrong in the middle,
/// a missing number). A rounded number that is not `number`'s is another child's. The import
/// and the merge pair pupils by this rule.
pub fn flagged_may_be(number: &str, flagged: &str, problem: &str, same_class: bool) -> bool {
    if flagged == number {
        return true;
    }
    if problem == IdProblem::PrecisionLost.code() {
        return match rounding_of(number, flagged) {
            Some(Rounding::Fifteen) => true,
            Some(Rounding::Shown) => same_class,
            None => false,
        };
    }
    same_class || mistyped_from(number, flagged, false)
}

/// Whether two flagged numbers (`a`, `b`, each with its problem's code: `IdProblem::code`) may both have been
/// written from one number: a 17-digit number and that number in a numeric cell (4.50102201510081E+016), two
/// roundings of one number shown with other digits (4.50102E+17, 4.50E+17), a check character typed wrong and
/// the number rounded. Given one name and class, such a pupil and row are one child, never two. Numbers that
/// tell nothing of where they lie (empty, a date, letters) may be anything, and are not taken for alike here.
pub fn flagged_alike(a: &str, a_problem: &str, b: &str, b_problem: &str) -> bool {
    let (a, b) = (possible_values(a, a_problem), possible_values(b, b_problem));
    a.iter().any(|(a_low, a_high)| b.iter().any(|(b_low, b_high)| a_low <= b_high && b_low <= a_high))
}

/// How far from its 15 digits kept a whole number can lie (`fifteen_digit_forms`): cut or rounded up at the 15th
/// digit, of the number or of the double nearest it, 32 away at most.
const FIFTEEN_KEPT_WITHIN: u64 = 1_032;

/// The numbers a flagged one may have been written from, as ranges of values (a 17-digit number's and an
/// 18-digit one's, so a 17-digit number shown in a numeric cell still lies on it): a rounding, the numbers it
/// rounds; 17 digits, that number or it with a check character after it; 18 characters failing the check, the
/// same first 17 with any check character. None for anything else.
fn possible_values(flagged: &str, problem: &str) -> Vec<(u64, u64)> {
    if problem == IdProblem::PrecisionLost.code() {
        if let Some(kept) = fifteen_digits_kept(flagged).and_then(|k| k.parse::<u64>().ok()) {
            return vec![(kept.saturating_sub(FIFTEEN_KEPT_WITHIN), kept + FIFTEEN_KEPT_WITHIN)];
        }
        return shown_values(flagged).into_iter().collect();
    }
    let first17 = flagged.get(..17).filter(|f| f.bytes().all(|d| d.is_ascii_digit())).and_then(|f| f.parse().ok());
    match (flagged.len(), first17) {
        (17, Some(v)) => vec![(v, v), (v * 10, v * 10 + 10)],
        (18, Some(v)) => vec![(v * 10, v * 10 + 10)],
        _ => Vec::new(),
    }
}

/// The numbers of 17 or 18 digits a number written with an exponent (4.50E+17, 4.50102201510081E+016) may be: those
/// a program rounding at its last digit shown, or cutting there, leaves it.
fn shown_values(flagged: &str) -> Option<(u64, u64)> {
    let (mantissa, exponent) = flagged.split_once(['E', 'e'])?;
    let exponent = exponent.trim_start_matches('+').parse::<u32>().ok().filter(|e| (16..=17).contains(e))?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.len() != 1 || !int.bytes().chain(frac.bytes()).all(|d| d.is_ascii_digit()) {
        return None;
    }
    let shown: u64 = format!("{int}{frac}").parse().ok()?;
    let scale = 10u64.checked_pow(exponent.checked_sub(u32::try_from(frac.len()).ok()?)?)?;
    let at = shown.checked_mul(scale)?;
    Some((at.saturating_sub(scale / 2), at.checked_add(scale)?))
}

/// Whether `flagged`, a number that fails the check (not one a spreadsheet rounded), is the valid `number` typed
/// wrong, given the two have one name: the same first 17 characters (the check character typed wrong, or left
/// off), or, only in the same school and class, one place different. `check` lists such pairs as one child
/// (`same_name_mistyped`), and an import takes such a row for the pupil holding the valid number.
pub fn mistyped_from(number: &str, flagged: &str, same_class: bool) -> bool {
    let (held, typed) = (number.as_bytes(), flagged.as_bytes());
    if held == typed {
        return false;
    }
    let same_first17 = typed.len() >= 17 && held.get(..17) == typed.get(..17);
    let one_place =
        same_class && held.len() == typed.len() && held.iter().zip(typed).filter(|(a, b)| a != b).count() == 1;
    same_first17 || one_place
}

fn validate(s: &str, today: NaiveDate) -> Result<ValidId, IdProblem> {
    if s.is_empty() {
        return Err(IdProblem::Missing);
    }
    if looks_like_spreadsheet_number(s) {
        return Err(IdProblem::PrecisionLost);
    }
    // A 回乡证, 台胞证 or passport number where the ID number goes: said as such, not as a wrong length or letter.
    if let Some(document) = OtherDocument::by_shape(s) {
        return Err(IdProblem::OtherDocument(document));
    }
    let bytes = s.as_bytes();
    // Digits and a check character X, one too many or too few: the length is what is wrong, not the X (a
    // 19-character number ending 8X1 was called an illegal character X).
    if !matches!(bytes.len(), 15 | 18) && bytes.iter().all(|&b| b.is_ascii_digit() || b == b'X') {
        return Err(IdProblem::Length(bytes.len()));
    }
    if let Some(bad) = s.char_indices().find_map(|(i, c)| {
        let last = i + 1 == s.len();
        (!(c.is_ascii_digit() || (c == 'X' && last))).then_some(c)
    }) {
        return Err(IdProblem::Character(bad));
    }
    match bytes.len() {
        18 => validate18(s, today, IdKind::Resident),
        15 if bytes[14] == b'X' => Err(IdProblem::Character('X')),
        15 => {
            let mut upgraded = Vec::with_capacity(18);
            upgraded.extend_from_slice(&bytes[..6]);
            upgraded.extend_from_slice(b"19");
            upgraded.extend_from_slice(&bytes[6..15]);
            let check = check_char(&upgraded);
            upgraded.push(check as u8);
            let upgraded = String::from_utf8(upgraded).map_err(|_| IdProblem::Character('?'))?;
            validate18(&upgraded, today, IdKind::ResidentConverted)
        }
        n => Err(IdProblem::Length(n)),
    }
}

/// The kind of document a number is by its shape alone, whether or not it passes the check: 18 characters
/// starting 810000 / 820000 / 830000 (a residence permit for Hong Kong, Macao or Taiwan residents) or 9 (a
/// foreigner's permanent residence card). A flagged number of such a shape (a check character typed wrong) is
/// still no 居民身份证, so the forms must not call it one. `None` for any other shape.
pub fn kind_by_shape(number: &str) -> Option<IdKind> {
    let b = number.as_bytes();
    if b.len() != 18 {
        return None;
    }
    match (b[0], b[1]) {
        (b'9', _) => Some(IdKind::ForeignPermanent),
        (b'8', b'1'..=b'3') if &b[2..6] == b"0000" => Some(IdKind::HkMoTwPermit),
        _ => None,
    }
}

/// The pupil's kind of document: the one the check found, else, for a number that failed it, the one its shape
/// says ([`kind_by_shape`]).
pub fn kind_of(kind: Option<IdKind>, number: &str) -> Option<IdKind> {
    kind.or_else(|| kind_by_shape(number))
}

fn validate18(s: &str, today: NaiveDate, default_kind: IdKind) -> Result<ValidId, IdProblem> {
    let b = s.as_bytes();
    let kind = match (b[0], b[1]) {
        // 2023 edition: 9, the province that accepted the application (as a resident number's first two digits,
        // Hong Kong 81 and Macao 82 too), the nationality, then birth date, sequence and check as a resident's.
        (b'9', _) if default_kind == IdKind::Resident => {
            if !(is_mainland_province(&b[1..3]) || matches!(&b[1..3], b"81" | b"82")) {
                return Err(IdProblem::ForeignArea);
            }
            IdKind::ForeignPermanent
        }
        (b'8', b'1'..=b'3') if &b[2..6] == b"0000" && default_kind == IdKind::Resident => IdKind::HkMoTwPermit,
        _ if is_mainland_province(&b[..2]) => default_kind,
        _ => return Err(IdProblem::Area),
    };
    let birth = parse_birth(&s[6..14]).ok_or(IdProblem::BirthDate)?;
    if birth > today {
        return Err(IdProblem::FutureBirthDate);
    }
    if birth.year() < 1900 {
        return Err(IdProblem::BirthDate);
    }
    let expected = check_char(&b[..17]);
    let found = b[17] as char;
    if expected != found {
        return Err(IdProblem::CheckDigit { expected, found });
    }
    let sex = if (b[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female };
    Ok(ValidId { number: s.to_owned(), kind, birth_date: birth, sex })
}

/// Province-level codes of GB/T 2260 (71 is Taiwan). Finer area codes are not checked: abolished codes stay
/// on the people who were given them, so no table of current codes can reject one.
fn is_mainland_province(two: &[u8]) -> bool {
    matches!(
        two,
        b"11"
            | b"12"
            | b"13"
            | b"14"
            | b"15"
            | b"21"
            | b"22"
            | b"23"
            | b"31"
            | b"32"
            | b"33"
            | b"34"
            | b"35"
            | b"36"
            | b"37"
            | b"41"
            | b"42"
            | b"43"
            | b"44"
            | b"45"
            | b"46"
            | b"50"
            | b"51"
            | b"52"
            | b"53"
            | b"54"
            | b"61"
            | b"62"
            | b"63"
            | b"64"
            | b"65"
            | b"71"
    )
}

fn parse_birth(yyyymmdd: &str) -> Option<NaiveDate> {
    let y = yyyymmdd.get(0..4)?.parse().ok()?;
    let m = yyyymmdd.get(4..6)?.parse().ok()?;
    let d = yyyymmdd.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The places (from 1) where two numbers of one length differ: what tells a correction apart where both numbers
/// mask alike (`mask`), without showing a character.
pub fn changed_places(old: &str, new: &str) -> Vec<String> {
    old.chars().zip(new.chars()).enumerate().filter(|(_, (a, b))| a != b).map(|(i, _)| (i + 1).to_string()).collect()
}

/// A number as a report's two halves show it, masked: 「（空）」 and "(empty)" when there is none, where a
/// blank would read as a number left out of the sentence.
pub fn mask_zh_en(number: &str) -> (String, String) {
    if number.is_empty() { ("（空）".to_owned(), "(empty)".to_owned()) } else { (mask(number), mask(number)) }
}

/// A number as the screen, a command's text or a county report shows it: whole where the operator revealed it,
/// else masked ([`mask`]).
pub fn shown(number: &str, reveal: bool) -> String {
    if reveal { number.to_owned() } else { mask(number) }
}

/// Shows the first four and last four characters, the way the roster prints a number that is not revealed:
/// 4502**********123X.
pub fn mask(number: &str) -> String {
    // A number a spreadsheet rounded, kept as it wrote it (5.11502E+17): masked as the digits it stands for, as
    // any number is, not as text whose exponent would show.
    if let Some((digits, _)) = e17_shown(number) {
        return mask(&digits);
    }
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..4].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// What the forms print for the last four characters of a number a spreadsheet rounded (`IdProblem::PrecisionLost`):
/// its …0000 are digits the rounding made up, not the child's.
pub const ROUNDED_TAIL: &str = "待核实";

/// The 15 digits an old number held converted (`IdKind::ResidentConverted`: 19 put in after the area code and a
/// check character after them) was given as, read back from the conversion: what a form prints, as the converted
/// number passes every check yet is no number the child holds. `None` for any other number.
pub fn fifteen_as_given(number: &str, kind: Option<IdKind>) -> Option<String> {
    let converted = kind == Some(IdKind::ResidentConverted) && number.len() == 18 && number.is_ascii();
    (converted && &number[6..8] == "19").then(|| format!("{}{}", &number[..6], &number[8..17]))
}

/// A number as a form prints it, whole or `masked` (`mask`): one a spreadsheet rounded to 18 digits (`problem`, its
/// stored code) with [`ROUNDED_TAIL`] for its last four characters, as the payment slips print them, so no form hands
/// the agencies digits the rounding made up as the child's (510105201203150000 → 51010520120315待核实, masked
/// 5101**********待核实). Any other number as it stands.
pub fn on_forms(number: &str, problem: Option<&str>, masked: bool) -> String {
    // Kept as the spreadsheet wrote it (`rounded_form`: 5.11502E+17, 4.502032018060625E+17): printed as the digits
    // it stands for are, the digits it shows (14 at most) then 待核实, never 「E+17」 as part of a number.
    if problem == Some(IdProblem::PrecisionLost.code())
        && let Some((digits, shown)) = e17_shown(number)
    {
        let kept = shown.min(14);
        return match masked {
            false => format!("{}{ROUNDED_TAIL}", &digits[..kept]),
            true => format!("{}{}{ROUNDED_TAIL}", &digits[..kept.min(4)], "*".repeat(14 - kept.min(4))),
        };
    }
    let shown = if masked { mask(number) } else { number.to_owned() };
    let rounded = problem == Some(IdProblem::PrecisionLost.code()) && number.len() == 18 && number.is_ascii();
    match shown.get(..14).filter(|_| rounded) {
        Some(kept) => format!("{kept}{ROUNDED_TAIL}"),
        None => shown,
    }
}

/// A number as [`on_forms`] prints one a spreadsheet rounded (51010520120315待核实), read back: the 14 digits it shows,
/// written as a spreadsheet shows a number rounded to them (5.1010520120315E+17), which the number the pupil holds
/// rounds to; masked (5101**********待核实), the mask with its last four masked too (5101**************), which the
/// pupil's number fits as a masked copy's does. `None` for any other text.
pub fn printed_rounded(text: &str) -> Option<String> {
    let shown = text.trim().strip_suffix(ROUNDED_TAIL)?;
    // Fewer digits: a number kept as a spreadsheet showed it (5.11502E+17), printed with the digits it shows.
    if (1..14).contains(&shown.len()) && shown.bytes().all(|b| b.is_ascii_digit()) && !shown.starts_with('0') {
        let printed = match shown.len() {
            1 => format!("{shown}E+17"),
            _ => format!("{}.{}E+17", &shown[..1], &shown[1..]),
        };
        return Some(rounded_form(&printed).unwrap_or(printed));
    }
    let (head, rest) = (shown.get(..4)?, shown.get(4..)?);
    if shown.len() != 14 || !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        // In the one form a number is kept in (`rounded_form`): printed with a trailing 0, read without it.
        let printed = format!("{}.{}E+17", &shown[..1], &shown[1..]);
        return Some(rounded_form(&printed).unwrap_or(printed));
    }
    rest.bytes().all(|b| b == b'*').then(|| format!("{head}{}", "*".repeat(14)))
}

/// Characters a list masks an ID number with, besides `X` (`x` and `×` read as `X`, see `normalize`): the
/// asterisk, full-width (＊) as a Chinese input mode types it, and its look-alikes.
const MASK_CHARS: [char; 4] = ['*', '＊', '﹡', '∗'];

/// A number masked, by canbao (`4502**********123X`, as [`mask`] writes it) or by another system
/// (`4501**********1234`, `450102********123X`, `4501021*********12`, `4501××××××××××123X`), from a normalized
/// cell: its visible characters are what [`MaskedEnds::fits`] matches a held number by. `None` for a number
/// with no mask in it. Read as a mask: asterisks (`MASK_CHARS`) wherever they stand; an `X` anywhere but last
/// (no number has one there); a last `X` after a masked character (a check character `X` follows a digit). A
/// number whose only masked characters are `X`s must have four in a row, so a mistyped `X` stays a typing
/// error. A mask shows at least four characters, and is at least nine long; anything else not a number (a
/// Chinese character, a letter) is no mask either.
pub fn masked_ends(normalized: &str) -> Option<MaskedEnds<'_>> {
    // Asked of every row of every list, and almost every number is digits, with perhaps a check character X:
    // it is answered by one scan, without walking (or listing) its characters.
    let body = normalized.strip_suffix('X').unwrap_or(normalized);
    if body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len = normalized.chars().count();
    if len < 9 {
        return None;
    }
    let (mut stars, mut shown, mut x_run, mut longest_x_run) = (0usize, 0usize, 0usize, 0usize);
    let mut previous_masked = false;
    for (i, c) in normalized.chars().enumerate() {
        let masked = if MASK_CHARS.contains(&c) {
            stars += 1;
            true
        } else if c == 'X' {
            i + 1 < len || previous_masked
        } else if c.is_ascii_digit() {
            false
        } else {
            return None;
        };
        x_run = if masked && c == 'X' { x_run + 1 } else { 0 };
        longest_x_run = longest_x_run.max(x_run);
        shown += usize::from(!masked);
        previous_masked = masked;
    }
    let masks = len - shown;
    (masks > 0 && shown >= 4 && (stars > 0 || longest_x_run >= 4)).then_some(MaskedEnds { shape: normalized, len })
}

/// What a masked number still shows ([`masked_ends`]): its characters, masked ones among them, and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaskedEnds<'a> {
    /// The number as the list gives it, normalized.
    pub shape: &'a str,
    pub len: usize,
}

/// One character of a masked number's shape: shown, or masked (a run of masks in a shortened shape stands for
/// one or more characters).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Shown(char),
    Masked,
}

impl MaskedEnds<'_> {
    /// The shape's characters, read as `masked_ends` reads them.
    fn parts(&self) -> Vec<Part> {
        let chars: Vec<char> = self.shape.chars().collect();
        let mut parts: Vec<Part> = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate() {
            let previous_masked = parts.last() == Some(&Part::Masked);
            let masked = MASK_CHARS.contains(&c) || (c == 'X' && (i + 1 < chars.len() || previous_masked));
            parts.push(if masked { Part::Masked } else { Part::Shown(c) });
        }
        parts
    }

    /// Whether a whole number, masked, reads as this one: of the same length, each shown character in its place.
    /// A shape of another length than a number's (15 or 18: a mask written shorter, `4501****1234`) cannot say
    /// where its shown characters stand: each run of masks stands for one or more characters there.
    pub fn fits(&self, number: &str) -> bool {
        let number: Vec<char> = number.chars().collect();
        let parts = self.parts();
        if number.len() == self.len {
            return parts.iter().zip(&number).all(|(p, c)| match p {
                Part::Shown(s) => s == c,
                Part::Masked => true,
            });
        }
        if matches!(self.len, 15 | 18) {
            return false;
        }
        // Wildcards: a run of masks is one character and then any number more.
        let mut tokens: Vec<Option<Part>> = Vec::with_capacity(parts.len());
        for (i, p) in parts.iter().enumerate() {
            match p {
                Part::Shown(_) => tokens.push(Some(*p)),
                Part::Masked if i > 0 && parts[i - 1] == Part::Masked => {}
                Part::Masked => tokens.extend([Some(Part::Masked), None]),
            }
        }
        let one = |t: Option<Part>, c: char| matches!(t, Some(Part::Masked)) || t == Some(Part::Shown(c));
        let (mut t, mut n, mut star, mut from) = (0usize, 0usize, None::<usize>, 0usize);
        while n < number.len() {
            if t < tokens.len() && tokens[t].is_some() && one(tokens[t], number[n]) {
                t += 1;
                n += 1;
            } else if t < tokens.len() && tokens[t].is_none() {
                star = Some(t);
                from = n;
                t += 1;
            } else if let Some(s) = star {
                t = s + 1;
                from += 1;
                n = from;
            } else {
                return false;
            }
        }
        tokens[t..].iter().all(Option::is_none)
    }
}

/// Age in whole years on a given day.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number with its check character X and one character too many is said to be too long, not to hold an
    /// illegal X; an X inside an 18-character number is still a character out of place.
    #[test]
    fn a_number_one_character_long_is_a_length_problem_whatever_its_x() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("day");
        assert_eq!(check("45020220131209448X1", today).result, Err(IdProblem::Length(19)));
        assert_eq!(check("4502022013120944X", today).result, Err(IdProblem::Length(17)));
        assert_eq!(check("45020220131209X481", today).result, Err(IdProblem::Character('X')));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    /// Builds a valid number from its first 17 digits, so vectors don't hard-code check characters.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17.as_bytes()))
    }

    #[test]
    fn published_check_vector() {
        // The standard's own example number.
        assert_eq!(check_char(b"11010519491231002"), 'X');
        let c = check("11010519491231002X", today());
        let v = c.valid().expect("valid");
        assert_eq!(v.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(v.sex, Sex::Female);
        assert_eq!(v.kind, IdKind::Resident);
    }

    #[test]
    fn lower_case_and_full_width_and_spaces() {
        let c = check("１１０１０５ 19491231 002x", today());
        assert_eq!(c.normalized, "11010519491231002X");
        assert!(c.is_valid());
        assert!(check("'11010519491231002X", today()).is_valid());
        for raw in ["＇11010519491231002X", " ＇ 110105 19491231 002X", "＇＝“11010519491231002X”"] {
            let c = check(raw, today());
            assert_eq!((c.normalized.as_str(), c.is_valid()), ("11010519491231002X", true), "{raw}");
        }
        assert!(check("=\"11010519491231002X\"", today()).is_valid());
        // As every reader hands it over: the cell cleaned, so the formula behind an apostrophe (io::cell).
        for raw in [
            "'=\"11010519491231002X\"",
            " '=\"11010519491231002x\" ",
            "'= \" 110105 19491231 002X \"",
            "=“11010519491231002X”",
            "＝“１１０１０５１９４９１２３１００２Ｘ”",
            "=\"'11010519491231002X\"",
        ] {
            let c = check(raw, today());
            assert_eq!((c.normalized.as_str(), c.is_valid()), ("11010519491231002X", true), "{raw}");
        }
        // A bare number after the sign, as a CSV may give it, is the number too.
        for raw in [
            "=11010519491231002X",
            "'=11010519491231002x",
            "＝ 110105 19491231 002X",
            "=１１０１０５１９４９１２３１００２Ｘ",
        ] {
            let c = check(raw, today());
            assert_eq!((c.normalized.as_str(), c.is_valid()), ("11010519491231002X", true), "{raw}");
        }
        // Any other formula is no number: flagged for its character, never read as digits.
        for raw in ["'=1+1", "'=\"1101\"&\"05\"", "=\"11010519491231002X", "=", "=1101-05"] {
            assert!(matches!(check(raw, today()).result, Err(IdProblem::Character(_))), "{raw}");
        }
        assert!(check("\u{3000}110105-19491231-002X\t", today()).is_valid());
    }

    #[test]
    fn fifteen_digit_converts() {
        let c = check("110105491231002", today());
        let v = c.valid().expect("15-digit converts");
        assert_eq!(v.number, "11010519491231002X");
        assert_eq!(v.kind, IdKind::ResidentConverted);
        // Its birth date is the conversion's (19YY): the forms say so rather than print it as the pupil's.
        assert_eq!(form_remark(None, Some(v.kind)), Some(OLD_NUMBER_REMARK));
        assert_eq!(form_remark(None, Some(IdKind::Resident)), None);
        assert_eq!(form_remark(Some("check_digit"), Some(v.kind)), problem_remark(Some("check_digit")));
        assert!(is_form_remark(OLD_NUMBER_REMARK) && is_form_remark("身份证号码校验码错误，待核实"));
        assert!(!is_form_remark("左撇子") && !is_form_remark("身份证号码待家长补交"));
    }

    #[test]
    fn each_failure_has_its_own_problem() {
        let good = with_check("45020220150101123");
        let wrong_last = if good.ends_with('0') { '1' } else { '0' };
        let bad_check = format!("{}{}", &good[..17], wrong_last);
        assert!(matches!(check(&bad_check, today()).result, Err(IdProblem::CheckDigit { .. })));
        assert_eq!(check("", today()).result, Err(IdProblem::Missing));
        assert_eq!(check("4502022015010112", today()).result, Err(IdProblem::Length(16)));
        assert_eq!(check("45020220150101123Y", today()).result, Err(IdProblem::Character('Y')));
        assert_eq!(check("4502022015X101123X", today()).result, Err(IdProblem::Character('X')));
        assert_eq!(check(&with_check("00020220150101123"), today()).result, Err(IdProblem::Area));
        assert_eq!(check(&with_check("45020220150230123"), today()).result, Err(IdProblem::BirthDate));
        assert_eq!(check(&with_check("45020220271201123"), today()).result, Err(IdProblem::FutureBirthDate));
        assert_eq!(check(&with_check("45020218000101123"), today()).result, Err(IdProblem::BirthDate));
        let messages: std::collections::HashSet<String> = [
            IdProblem::Missing,
            IdProblem::PrecisionLost,
            IdProblem::Length(3),
            IdProblem::Character('a'),
            IdProblem::Area,
            IdProblem::BirthDate,
            IdProblem::FutureBirthDate,
            IdProblem::CheckDigit { expected: '1', found: '2' },
        ]
        .iter()
        .map(IdProblem::message_zh)
        .collect();
        assert_eq!(messages.len(), 8);
    }

    /// A valid number whose last three characters are 000 (one exists for some sequence numbers).
    fn valid_ending_000() -> String {
        (1..=28)
            .flat_map(|day| (0..10).map(move |k| format!("450202201501{day:02}{k}00")))
            .map(|body| with_check(&body))
            .find(|n| n.ends_with("000"))
            .expect("some day and sequence give check digit 0")
    }

    #[test]
    fn precision_lost_is_never_valid() {
        assert_eq!(check("4.50202201501011E+17", today()).result, Err(IdProblem::PrecisionLost));
        assert_eq!(check("450202201501011000", today()).result, Err(IdProblem::PrecisionLost));
        assert_eq!(check("450202201501011000.0", today()).result, Err(IdProblem::PrecisionLost));
        let numeric = check_numeric_cell(450202201501011234.0, today());
        assert_eq!(numeric.result, Err(IdProblem::PrecisionLost));
        // Kept as Excel shows it, so checking the text again still says precision lost.
        assert_eq!(numeric.normalized, "450202201501011000");
        assert_eq!(check(&numeric.normalized, today()).result, Err(IdProblem::PrecisionLost));
        // But a real number that ends in 000 and whose check digit holds is a number like any other.
        let real = valid_ending_000();
        assert!(real.ends_with("000"));
        assert!(check(&real, today()).is_valid(), "{real}");
        // An old 15-digit number survives a numeric cell intact.
        assert!(check_numeric_cell(110105491231002.0, today()).is_valid());
    }

    /// The two forms a program printing a double writes of a whole number: the double's exact value (Python's
    /// `int(float(x))`, pandas `astype('int64')`) and its shortest form (JavaScript's `String(n)`).
    fn float_printings(number: &str) -> [String; 2] {
        let double = number.parse::<u64>().expect("digits") as f64;
        [(double as u128).to_string(), double.to_string()]
    }

    #[test]
    fn a_number_printed_from_a_double_is_known_as_one_and_kept_at_fifteen_digits() {
        // 450202201704201248 is 450202201704201216 as a double, 450202201703151234 shortest 450202201703151200.
        for (whole, printed) in [
            (with_check("45020220170420124"), "450202201704201216"),
            (with_check("45020220170315123"), "450202201703151200"),
        ] {
            assert!(float_printings(&whole).contains(&printed.to_owned()), "{whole}");
            // Alone, it may be typed so: only the list around it or a pupil held shows it rounded.
            assert!(matches!(check(printed, today()).result, Err(IdProblem::CheckDigit { .. })), "{printed}");
            assert!(may_be_printed(&check(printed, today())));
            let read = as_rounded(check(printed, today()));
            assert_eq!(read.result, Err(IdProblem::PrecisionLost), "{printed}");
            // Kept as a numeric cell of the same double is, so the pupil is found by name and those 15 digits.
            assert_eq!(read.normalized, format!("{}000", &whole[..15]));
            assert_eq!(read.normalized, check_numeric_cell(printed.parse().expect("digits"), today()).normalized);
            assert_eq!(rounding_of(&whole, &read.normalized), Some(Rounding::Fifteen));
            assert!(printed_from(&whole, printed));
            assert!(!printed_from(printed, printed));
        }
        // A whole number a double prints as it is, its check digit holding, is a number like any other.
        let exact = (1..1000u64)
            .map(|k| with_check(&format!("4502022017042{k:04}")))
            .find(|n| printed_double(n).is_some())
            .expect("one in a few dozen numbers is one a double prints");
        assert!(check(&exact, today()).is_valid(), "{exact}");
        assert!(may_be_printed(&check(&exact, today())));
        // A valid number that the list or the drive shows to be printed from a double is read as one.
        let rounded = as_rounded(check(&exact, today()));
        assert_eq!(rounded.result, Err(IdProblem::PrecisionLost));
        assert_eq!(Some(rounded.normalized), kept_of_printed(&exact));
        // Fewer than 16 digits, or below 2^53, a double holds exactly.
        assert_eq!(printed_double("450202201704201"), None);
        assert_eq!(printed_double("4502052016030571"), None);
    }

    #[test]
    fn permits_and_foreign_cards() {
        let hk = with_check("81000020100101123");
        let v = check(&hk, today()).result.expect("HK permit");
        assert_eq!(v.kind, IdKind::HkMoTwPermit);
        let tw = with_check("83000020100101124");
        assert_eq!(check(&tw, today()).result.expect("TW").kind, IdKind::HkMoTwPermit);
        let foreign = with_check("94515620100101123");
        assert_eq!(check(&foreign, today()).result.expect("foreign").kind, IdKind::ForeignPermanent);
        // The card's 2nd and 3rd digits are the accepting province: 90 is none; 11 and 82 are.
        assert_eq!(check("99000020150101011X", today()).result, Err(IdProblem::ForeignArea));
        assert_eq!(check(&with_check("99000020150101011"), today()).result, Err(IdProblem::ForeignArea));
        assert_eq!(IdProblem::ForeignArea.code(), "area");
        for number in ["91115620150101011", "98215620150101011", "96515620150101011"] {
            assert_eq!(check(&with_check(number), today()).result.expect(number).kind, IdKind::ForeignPermanent);
        }
        // Its birth date and check character are checked as a resident number's.
        assert_eq!(check(&with_check("91115620151301011"), today()).result, Err(IdProblem::BirthDate));
        let mut wrong = with_check("91115620150101011");
        wrong.replace_range(17.., if wrong.ends_with('0') { "1" } else { "0" });
        assert!(matches!(check(&wrong, today()).result, Err(IdProblem::CheckDigit { .. })), "{wrong}");
        // 81 followed by anything but 0000 is not a permit.
        assert_eq!(check(&with_check("81123420100101123"), today()).result, Err(IdProblem::Area));
        // With its check character typed wrong, a permit's number is flagged, and still a permit's by its shape.
        let mut bad = tw.clone();
        bad.replace_range(17.., if tw.ends_with('0') { "1" } else { "0" });
        assert!(matches!(check(&bad, today()).result, Err(IdProblem::CheckDigit { .. })), "{bad}");
        assert_eq!(kind_of(None, &bad), Some(IdKind::HkMoTwPermit));
        assert_eq!(kind_of(None, &hk), Some(IdKind::HkMoTwPermit));
        assert_eq!(kind_of(None, &with_check("94515620100101123")), Some(IdKind::ForeignPermanent));
        assert_eq!(kind_of(None, &with_check("45020220150101123")), None);
        assert_eq!(kind_of(None, "8300002010"), None);
    }

    /// Numbers of other documents are said as what they look like, never as an invalid character or a length.
    #[test]
    fn numbers_of_other_documents_are_known_by_their_shape() {
        for (number, document) in [
            ("H12345678", OtherDocument::HomeReturn),
            ("m1234567890", OtherDocument::HomeReturn),
            ("12345678", OtherDocument::TaiwanCompatriot),
            ("E12345678", OtherDocument::Passport),
            ("EA1234567", OtherDocument::Passport),
            ("G12345678", OtherDocument::Passport),
        ] {
            let checked = check(number, today());
            assert_eq!(checked.result, Err(IdProblem::OtherDocument(document)), "{number}");
            assert_eq!(checked.problem().map(IdProblem::code), Some("other_document"));
            assert!(!checked.problem().unwrap().message_zh().contains("非法字符"), "{number}");
        }
        // A date is a date's, a wrong length a wrong length, a letter inside a number an invalid character.
        assert_eq!(check("20150301", today()).result, Err(IdProblem::Length(8)));
        assert_eq!(check("4502022015", today()).result, Err(IdProblem::Length(10)));
        assert_eq!(check("4502A2201507103139", today()).result, Err(IdProblem::Character('A')));
        assert!(is_form_remark(problem_remark(Some("other_document")).unwrap()));
    }

    #[test]
    fn sex_from_sequence() {
        assert_eq!(check(&with_check("45020220150101123"), today()).result.unwrap().sex, Sex::Male);
        assert_eq!(check(&with_check("45020220150101124"), today()).result.unwrap().sex, Sex::Female);
    }

    #[test]
    fn places_changed_are_counted_from_one_and_never_show_a_character() {
        assert_eq!(changed_places("450202201501011239", "450202201501011239"), Vec::<String>::new());
        assert_eq!(changed_places("450202201501021239", "450202201501011249"), ["14", "17"]);
    }

    #[test]
    fn masking_and_age() {
        assert_eq!(mask("45020220150101123X"), "4502**********123X");
        assert_eq!(mask("123"), "***");
        // Read back: the characters canbao's own mask shows, and nothing else taken for one.
        let ends = masked_ends("4502**********123X").unwrap();
        assert_eq!(ends.len, 18);
        assert!(ends.fits("45020220150101123X") && !ends.fits("45020220150101124X") && !ends.fits("4502123X"));
        assert_eq!(masked_ends(&mask("450202150101123")).map(|e| e.len), Some(15));
        for other in ["45020220150101123X", "***", "4502*", "45020220150101XX3X", "4502中*****123X", ""] {
            assert_eq!(masked_ends(other), None, "{other}");
        }
        let birth = NaiveDate::from_ymd_opt(2015, 11, 24).unwrap();
        assert_eq!(age_on(birth, today()), 10);
    }

    /// Numbers masked by other systems than canbao are masks too, whatever their shape and mask character
    /// (`normalize` reads `x` and `×` as `X`), and fit the held number by the characters they show; a check
    /// character X after a digit is shown. An X typed by mistake is no mask.
    #[test]
    fn masks_of_every_shape_fit_the_number_they_hide() {
        let number = "45010220150101123X";
        let other = "45010220150101124X";
        for raw in [
            "4501**********123X",
            "450102********123X",
            "4501022*********3X",
            "４５０１＊＊＊＊＊＊＊＊＊＊１２３Ｘ",
            "4501××××××××××123x",
            "4501xxxxxxxxxx123X",
            "4501XXXXXXXXXXXXXX",
            "4501****123X",
            "4501**********123*",
        ] {
            let normalized = normalize(raw);
            let ends = masked_ends(&normalized).unwrap_or_else(|| panic!("{raw} is a mask"));
            assert!(ends.fits(number), "{raw} fits {number}");
            assert!(!ends.fits(other) || raw.ends_with("XXXX") || raw.ends_with('*'), "{raw} is not {other}");
        }
        let ends = masked_ends("4501021*********12").expect("a mask");
        assert!(ends.fits("450102120150101112") && !ends.fits("450102220150101112"));
        assert!(!masked_ends("4501****123X").expect("a mask").fits("45020220150101123X"));
        // A mistyped X, and an X check character, are no mask.
        for typed in ["45010220150101X23X", "45010220150101123X", "450102201501011X3X", "4501XXX0150101123X"] {
            assert_eq!(masked_ends(typed), None, "{typed}");
        }
    }

    #[test]
    fn a_date_in_the_id_cell_has_its_own_remark() {
        let remark = problem_remark(Some(IdProblem::Date.code()));
        assert_eq!(remark, Some("身份证号码栏填的是日期，不是身份证号码"));
        assert!(is_form_remark(DATE_IN_ID_CELL), "a form read back takes it for canbao's");
    }

    #[test]
    fn a_spreadsheet_rounds_into_the_birth_date() {
        let body = "45020220150505996";
        let real = format!("{body}{}", check_char(body.as_bytes()));
        assert_eq!(rounded_by_spreadsheet(&real).as_deref(), Some("450202201505060000"));
        // What the importer itself makes of the same number in a numeric cell.
        let cell = check_numeric_cell(real.parse::<f64>().unwrap(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(Some(cell.normalized), rounded_by_spreadsheet(&real));
        assert_eq!(rounded_by_spreadsheet("450202201505051234").as_deref(), Some("450202201505051000"));
        assert_eq!(rounded_by_spreadsheet("45020220150505123"), None);
    }

    #[test]
    fn a_number_written_with_sixteen_digits_is_read_at_fifteen_as_excel_shows_it() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        // openpyxl's 4.502032016070275e+17 is the double …027520, which Excel shows as 4.50203201607028E+17.
        let written: f64 = "4.502032016070275e+17".parse().unwrap();
        assert_eq!(written, 450203201607027520.0);
        assert_eq!(check_numeric_cell(written, today).normalized, "450203201607028000");
        // The ID's own double (…027456) is shown …027000.
        assert_eq!(check_numeric_cell(450203201607027459u64 as f64, today).normalized, "450203201607027000");
        assert_eq!(rounded_by_spreadsheet("450203201607027459").as_deref(), Some("450203201607027000"));
        let forms = fifteen_digit_forms("450203201607027459").unwrap();
        assert_eq!(forms, ["450203201607027000", "450203201607028000"]);
        assert_eq!(fifteen_digit_forms("4502032016070274"), None);
    }

    /// How a cut or rounding to `keep` significant digits goes: cut (Excel keeps what is typed so), half up, or
    /// half to even.
    #[derive(Clone, Copy)]
    enum Rule {
        Cut,
        HalfUp,
        HalfEven,
    }

    fn to_significant(value: u64, keep: u32, rule: Rule) -> u64 {
        let scale = 10u64.pow(value.to_string().len() as u32 - keep);
        let (kept, dropped) = (value / scale, value % scale);
        let up = match rule {
            Rule::Cut => false,
            Rule::HalfUp => dropped >= scale / 2,
            Rule::HalfEven => dropped > scale / 2 || (dropped == scale / 2 && kept % 2 == 1),
        };
        (kept + u64::from(up)) * scale
    }

    /// The doubles a reader gets from a numeric cell holding an ID typed as a number, as every program writes
    /// one: the number itself or the double nearest it (what Excel, WPS, LibreOffice, openpyxl and pandas hold),
    /// written with 15, 16 or 17 significant digits, cut, rounded half up or half to even.
    fn written_by_every_program(number: &str) -> Vec<f64> {
        let value = number.bytes().fold(0u64, |n, d| n * 10 + if d == b'X' { 0 } else { u64::from(d - b'0') });
        let double = value as f64 as u64;
        let mut written = Vec::new();
        for held in [value, double] {
            for keep in [15, 16, 17] {
                for rule in [Rule::Cut, Rule::HalfUp, Rule::HalfEven] {
                    // The reader parses the written digits to the nearest double, as `as` rounds.
                    written.push(to_significant(held, keep, rule) as f64);
                }
            }
        }
        written
    }

    /// Whatever way a program wrote an ID into a numeric cell, the number read back is known as that ID's
    /// rounding, by the number alone (with the name): the 16-digit form openpyxl writes may round the 15th
    /// digit up where Excel's own rounding goes down (…062484 written 4.502032018060625e+17, read …063000).
    #[test]
    fn every_programs_rounding_of_a_number_is_known_as_its_rounding() {
        let mut numbers: Vec<String> = (0..1000).map(|seq| with_check(&format!("45020320180606{seq:03}"))).collect();
        numbers.extend(
            ["450203201801187456", "450202201711011477", "450203201806062484", "450202201802041508"].map(String::from),
        );
        numbers.push(with_check("11010519491231999"));
        for number in &numbers {
            for written in written_by_every_program(number) {
                let cell = check_numeric_cell(written, today());
                assert_eq!(cell.result, Err(IdProblem::PrecisionLost), "{number} {written}");
                let flagged = cell.normalized;
                assert_eq!(rounding_of(number, &flagged), Some(Rounding::Fifteen), "{number} written {written}");
                assert!(flagged_may_be(number, &flagged, "precision_lost", false), "{number} {flagged}");
            }
            // Further off in the 15th digit than any rounding goes (one up, from the double that may already
            // be in the next thousand) is another child's number.
            let value: u64 = number[..15].parse().unwrap();
            for other in [value + 3, value - 2] {
                let other = format!("{other}000");
                assert_eq!(rounding_of(number, &other), None, "{number} {other}");
            }
        }
        // The same number written as text with 16 or 17 significant digits (a CSV from pandas) is as good.
        assert_eq!(rounding_of("450203201806062484", "4.502032018060625e+17"), Some(Rounding::Fifteen));
        assert_eq!(rounding_of("450203201806062484", "4.5020320180606246E+17"), Some(Rounding::Fifteen));
        assert_eq!(rounding_of("450203201806062484", "4.50203201806063E+17"), Some(Rounding::Fifteen));
        assert_eq!(rounding_of("450203201806062484", "4.502032018060645e+17"), None);
    }

    #[test]
    fn a_rounded_number_is_known_as_a_whole_ones_rounding_and_a_shown_one_only_with_the_class() {
        let body = "45020220150101123";
        let real = format!("{body}{}", check_char(body.as_bytes()));
        for fifteen in ["450202201501011000", "450202201501011000.0"] {
            assert_eq!(rounding_of(&real, fifteen), Some(Rounding::Fifteen), "{fifteen}");
        }
        let carried = format!("45020220150505996{}", check_char(b"45020220150505996"));
        assert_eq!(rounding_of(&carried, "450202201505060000"), Some(Rounding::Fifteen));
        assert_eq!(rounding_of("450203201607027459", "450203201607028000"), Some(Rounding::Fifteen));
        for shown in ["4.50202201501E+17", "4.50202E+17", "4.502022015E17", "4.5020220150101E+17"] {
            assert_eq!(rounding_of(&real, shown), Some(Rounding::Shown), "{shown}");
        }
        // Rounded up where the next digit is 5 or more, and trailing zeros dropped.
        assert_eq!(rounding_of("450250000000000000", "4.5025E+17"), Some(Rounding::Shown));
        assert_eq!(rounding_of("449999999999999999", "4.5E+17"), Some(Rounding::Shown));
        for other in ["450202201601011000", "4.50203E+17", "4.50202E+16", "4.50202E+17x", "45.0202E+16", ""] {
            assert_eq!(rounding_of(&real, other), None, "{other}");
        }
        assert!(flagged_may_be(&real, "450202201501011000", "precision_lost", false));
        assert!(!flagged_may_be(&real, "4.50202E+17", "precision_lost", false), "too short to trust alone");
        assert!(flagged_may_be(&real, "4.50202E+17", "precision_lost", true));
        assert!(!flagged_may_be(&real, "450202201601011000", "precision_lost", true), "another child's rounding");
        assert!(flagged_may_be(&real, &format!("{body}0"), "check_digit", true));
        // The check character typed wrong is that child wherever they are now; a digit typed wrong in the middle
        // only in the same class.
        assert!(flagged_may_be(&real, &format!("{body}0"), "check_digit", false));
        let middle = format!("450202201501011{}3{}", if real.as_bytes()[15] == b'9' { 8 } else { 9 }, &real[17..]);
        assert!(flagged_may_be(&real, &middle, "check_digit", true));
        assert!(!flagged_may_be(&real, &middle, "check_digit", false));
        assert!(flagged_may_be(&real, "", "missing", true));
    }

    #[test]
    fn flagged_numbers_written_from_one_number_are_alike_and_others_not() {
        let lost = IdProblem::PrecisionLost.code();
        let short = IdProblem::Length(17).code();
        // A 17-digit number, and that number through a numeric cell (exponent 16), or its 18-digit number rounded.
        assert!(flagged_alike("45010220151008117", short, "4.50102201510081E+016", lost));
        assert!(flagged_alike("4.50102201510081E+016", lost, "45010220151008117", short));
        assert!(flagged_alike("45010220151008117", short, "4.50102201510081E+17", lost));
        // Two roundings of one number, shown with other digits.
        assert!(flagged_alike("4.50102E+17", lost, "4.50E+17", lost));
        assert!(flagged_alike("4.50102E+17", lost, "450102201510081000", lost));
        assert!(!flagged_alike("450102201510081000", lost, "4.502032018060625e+17", lost));
        // A check character typed wrong, and the number rounded.
        assert!(flagged_alike("450102201510081170", "check_digit", "4.50102201510081E+17", lost));
        // Other numbers.
        assert!(!flagged_alike("45010220151008117", short, "4.50102201510083E+016", lost));
        assert!(!flagged_alike("4.50102E+17", lost, "4.51E+17", lost));
        assert!(!flagged_alike("4.50202E+16", lost, "4.50202E+17", lost));
        assert!(!flagged_alike("", "missing", "4.50E+17", lost));
        assert!(!flagged_alike("2016-03-05", "date", "4.50E+17", lost));
    }

    #[test]
    fn printed_double_without_formatting_answers_as_every_form_asked() {
        // The rule as it stood before a number's trailing zeros were looked at: each printed form asked.
        fn asked(text: &str) -> Option<f64> {
            let bytes = text.as_bytes();
            if !(16..=20).contains(&bytes.len()) || bytes[0] == b'0' || !bytes.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let number: u128 = text.parse().ok()?;
            if number < 1 << 53 {
                return None;
            }
            let double: f64 = text.parse().ok()?;
            let printed = double as u128 == number
                || double.to_string().parse::<u128>().ok() == Some(number)
                || (16..=17).any(|significant| rounded_to(double, significant) == Some(number));
            printed.then_some(double)
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut texts: Vec<String> = Vec::new();
        for _ in 0..20_000 {
            let digits = 16 + (next() % 5) as usize;
            let mut text: String = (0..digits).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            if text.starts_with('0') {
                text.replace_range(..1, "4");
            }
            // Trailing zeros of every count, where the printed forms lie.
            let zeros = (next() % 6) as usize;
            text.replace_range(digits - zeros.min(digits - 1).., &"0".repeat(zeros.min(digits - 1)));
            // Each form a program prints of the double nearest it, which the rule must find.
            if let Ok(double) = text.parse::<f64>() {
                texts.push(format!("{}", double as u128));
                texts.push(double.to_string());
                texts
                    .extend((16..=17).filter_map(|significant| rounded_to(double, significant)).map(|n| n.to_string()));
            }
            texts.push(text);
        }
        let mut printed = 0;
        for text in &texts {
            assert_eq!(printed_double(text), asked(text), "{text}");
            printed += usize::from(asked(text).is_some());
        }
        assert!(printed > texts.len() / 4, "{printed} of {}", texts.len());
    }
    #[test]
    fn rounded_to_in_integers_answers_as_the_formatting() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values: Vec<f64> = vec![9_999_999_999_999_999_950.0, 99_999_999_999_999_990.0, 1e17, 1e15, 123.0, 5.0];
        for _ in 0..20_000 {
            let digits = 1 + (next() % 20) as u32;
            let number = u128::from(next()) % 10u128.pow(digits);
            let zeros = 10u128.pow((next() % 6) as u32);
            values.push((number / zeros * zeros) as f64);
        }
        // Ties: a value ending in 5, 50, 500 at each place it can be cut.
        values.extend((1..16).map(|e| (12_345 * 10u64.pow(e) + 5 * 10u64.pow(e - 1)) as f64));
        for value in values {
            for significant in 1..=20 {
                assert_eq!(
                    rounded_to(value, significant),
                    formatted_to(value, significant),
                    "{value} to {significant}"
                );
            }
        }
    }

    /// Every spelling of a number a spreadsheet rounded to 15 digits is kept as the digits a numeric cell keeps,
    /// flagged though those digits pass the check (…207000); one with 16 or 17 digits, or shown shorter, keeps
    /// its digits in Excel's spelling. The screen masks each as a number, and the forms print the digits it
    /// shows then 待核实, which read back is the number kept.
    #[test]
    fn a_rounded_number_is_kept_in_one_form_masked_and_printed_as_a_number() {
        let numeric = check_numeric_cell(511502202001205000.0, today());
        for typed in [
            "5.11502202001205E+17",
            "5.11502202001205e+17",
            "5.11502202001205E17",
            " ５.１１５０２ ２０２００１２０５Ｅ＋１７ ",
            "5.115022020012050E+17",
            "511502202001205000.0",
        ] {
            assert_eq!(check(typed, today()), numeric, "{typed}");
        }
        assert_eq!(check_char(b"51150220200120700"), '0', "a rounding whose check digit holds");
        let by_chance = check("5.11502202001207E+17", today());
        assert_eq!(
            (by_chance.normalized.as_str(), by_chance.result),
            ("511502202001207000", Err(IdProblem::PrecisionLost))
        );
        let lost = Some(IdProblem::PrecisionLost.code());
        for (typed, kept, printed) in [
            ("5.11502e+17", "5.11502E+17", "511502待核实"),
            ("4.502032018060625e+17", "4.502032018060625E+17", "45020320180606待核实"),
            ("4.5020220150710E+17", "4.502022015071E+17", "4502022015071待核实"),
        ] {
            let c = check(typed, today());
            assert_eq!((c.normalized.as_str(), c.result), (kept, Err(IdProblem::PrecisionLost)), "{typed}");
            assert_eq!(on_forms(kept, lost, false), printed);
            assert_eq!(on_forms(kept, lost, true), "4502**********待核实".replace("4502", &printed[..4]));
            assert!(!mask(kept).contains('E'), "{}", mask(kept));
        }
        assert_eq!(mask("5.11502E+17"), "5115**********0000");
        assert_eq!(mask("4.502032018060625E+17"), mask("450203201806063000"));
        assert_eq!(printed_rounded("511502待核实").as_deref(), Some("5.11502E+17"));
        assert_eq!(printed_rounded("4502022015071待核实").as_deref(), Some("4.502022015071E+17"));
        assert_eq!(on_forms(&numeric.normalized, lost, false), "51150220200120待核实");
    }

    /// A number as nearly every list writes it (17 digits and a digit or X) is checked without asking what its
    /// shape already answers: the same answer as the whole check's, for valid numbers, wrong check digits, dates
    /// and areas, numbers ending in 000, and the shapes beside it (17 or 19 characters, a small x, a space).
    #[test]
    fn a_plain_number_is_checked_as_the_whole_check_does() {
        let today = NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
        let whole = |raw: &str| {
            let normalized = normalize(raw);
            let result = validate(&normalized, today);
            IdCheck { normalized, result }
        };
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut raws: Vec<String> = vec![
            "450202201901010002".into(),
            "45020220190101000X".into(),
            "450202201901010000".into(),
            "910000201901010002".into(),
            "810000201901010002".into(),
            "830000201901010002".into(),
            "450202209901010002".into(),
            "450202201913010002".into(),
            "450202189901010002".into(),
            "000000201901010002".into(),
        ];
        for _ in 0..20_000 {
            let mut raw: String = (0..17).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            // A birth date of a pupil's age most of the time, so the check digit is reached.
            if next() % 4 != 0 {
                raw.replace_range(0..2, ["45", "51", "11", "91", "81"][(next() % 5) as usize]);
                raw.replace_range(6..14, &format!("20{:02}{:02}{:02}", next() % 20, 1 + next() % 12, 1 + next() % 28));
            }
            let first17: Vec<u8> = raw.bytes().collect();
            match next() % 6 {
                0 => raw.push('X'),
                1 => raw.push(check_char(&first17)),
                2 => raw.push_str("00"),
                _ => raw.push(char::from(b'0' + (next() % 10) as u8)),
            }
            raws.push(raw.clone());
            raws.push(raw.replace('X', "x"));
            raws.push(format!(" {raw}"));
            raws.push(raw[1..].to_owned());
            raws.push(format!("{raw}1"));
        }
        for raw in &raws {
            assert_eq!(check(raw, today), whole(raw), "{raw}");
        }
    }

    /// A rounded number is one form whatever trailing zeros its spelling carries: written with 15 digits ending
    /// in 0 (the "0.00000000000000E+00" format) it is the numeric cell's digits, and written with 16 or 17, or
    /// with fewer than 15, it is Excel's spelling without them.
    #[test]
    fn a_rounded_number_is_one_form_whatever_zeros_its_spelling_carries() {
        let numeric = check_numeric_cell(511502202001200000.0, today());
        for typed in ["5.11502202001200E+17", "5.115022020012000E+17", "511502202001200000.0", "5.115022020012000E17"] {
            assert_eq!(check(typed, today()), numeric, "{typed}");
        }
        for (typed, kept) in [
            ("4.5020320180606250E+17", "4.502032018060625E+17"),
            ("4.502032018060625E+17", "4.502032018060625E+17"),
            ("4.5020220150710E+17", "4.502022015071E+17"),
            ("4.502022015071E+17", "4.502022015071E+17"),
            ("5.0E+17", "5E+17"),
        ] {
            assert_eq!(rounded_form(typed).as_deref(), Some(kept), "{typed}");
        }
        // Read back from a form, a number printed before with a trailing 0 meets the same pupil.
        assert_eq!(printed_rounded("45020220150710待核实").as_deref(), Some("4.502022015071E+17"));
        assert_eq!(fifteen_digits_kept("5.11502202001200E+17").as_deref(), Some("511502202001200000"));
    }
}
