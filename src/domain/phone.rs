//! Contact phones: kept as digits, a landline written with its area code apart kept so (0772-1234567), one way
//! for the importer and the identity form alike (so a list canbao exported reads back as no change), and whether
//! one looks like a phone: a mobile (138 1234 5678) or a landline with or without its area code (0831-1234567), as
//! parents give them on the class lists.

/// Fewest digits of a phone number: a local landline has 7 (or 8), a mobile 11, a landline with its area code 10
/// to 12.
const FEWEST_DIGITS: usize = 7;

/// Words a list writes in the phone column to say there is no phone (无, 暂无, NULL, a dash or a slash), compared
/// with Latin letters in either case: the phone is empty, whatever the cell says.
const NONE_WORDS: [&str; 22] = [
    "无",
    "没有",
    "暂无",
    "无电话",
    "没有电话",
    "无号码",
    "无手机",
    "空",
    "不详",
    "未知",
    "未填",
    "null",
    "none",
    "nil",
    "n/a",
    "na",
    "-",
    "--",
    "—",
    "——",
    "/",
    "／",
];

/// More ways a list says nobody gave a phone: still to be filled in, not given by the family.
const NOT_GIVEN_WORDS: [&str; 7] = ["待补", "待填", "待补充", "未提供", "家长未提供", "暂缺", "缺"];

/// What a spreadsheet shows in a cell whose formula failed (#N/A of a VLOOKUP that found no phone): no phone.
const SPREADSHEET_ERRORS: [&str; 7] = ["#n/a", "#null!", "#value!", "#ref!", "#name?", "#div/0!", "#num!"];

/// Most digits of a phone number: a landline with a four-digit area code and an eight-digit number.
const MOST_DIGITS: usize = 12;

/// Whether `text` (trimmed) says there is no phone: a word of [`NONE_WORDS`] (or [`NOT_GIVEN_WORDS`]), several
/// of them run together (无/NULL), a spreadsheet's error (#N/A), signs alone (....), or a phone's length of one
/// digit repeated ([`is_placeholder_number`]): the same as an empty field.
pub fn says_none(text: &str) -> bool {
    let text = super::text::trim(text);
    if text.is_empty() {
        return false;
    }
    if is_placeholder_number(text) {
        return true;
    }
    // A phone is none of the words: judged without comparing them.
    if text.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    let one_word = |word: &str| {
        NONE_WORDS.iter().chain(&NOT_GIVEN_WORDS).any(|none| none.eq_ignore_ascii_case(word))
            || SPREADSHEET_ERRORS.iter().any(|error| error.eq_ignore_ascii_case(word))
    };
    if one_word(text) {
        return true;
    }
    // Signs alone (...., ***, ？): nothing written. A letter, a digit or a Chinese character is something.
    if text.chars().all(|c| !c.is_alphanumeric()) {
        return true;
    }
    let mut parts = text.split(['/', '／', '、', ',', '，', ';', '；', ' ', '\u{3000}']).filter(|p| !p.is_empty());
    parts.clone().next().is_some() && parts.all(one_word)
}

/// A phone's length (7 to 12 digits) of one digit repeated, spaces and dashes between them not counted, full-width
/// digits as their own: 00000000000, 8888 8888, what a list holds where a number had to be typed and the family
/// gave none. No phone, as 无 is, though 00000000000 has the shape of a landline with its area code.
fn is_placeholder_number(text: &str) -> bool {
    let mut first = None;
    let mut count = 0;
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '－' | '\u{3000}')) {
        let digit = match c {
            '0'..='9' => c,
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => return false,
        };
        if *first.get_or_insert(digit) != digit {
            return false;
        }
        count += 1;
        if count > MOST_DIGITS {
            return false;
        }
    }
    count >= FEWEST_DIGITS
}

/// Why a phone the drive would keep (as [`clean`] leaves it) is no phone number: the one rule of the importer,
/// `check` and the identity form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPhone {
    /// The shape of an ID number, valid or not (18 characters, the last a digit or X, or 15 digits not starting
    /// with 0, as no area code of a landline does not): most often a parent's number typed in the wrong column.
    IdNumber,
    /// Digits only, but as many as no phone has: 7 or 8 (a local landline), 11 (a mobile) or 10 to 12 (a landline
    /// with its area code) are (two numbers run together, one a digit short).
    Digits(usize),
    /// As many digits as a phone has, but starting as no phone of that length does: a mobile (手机) starts with
    /// 13 to 19, a landline with its area code (带区号座机) with 0, a local landline (座机) with neither 0 nor 1.
    /// A length alone passes a mistyped mobile (12345678901) or one with a digit lost (1381234567).
    Shape(usize),
    /// Digits with letters or signs among them (`138-abc-5678`, `138…/139…` run together, a word after the number;
    /// a country code before a mobile is taken off by [`clean`] first).
    Signs,
    /// No digit at all, and no word saying there is no phone ([`says_none`]): a name typed in the wrong field.
    /// The importer keeps such a word as the list says it and `check` passes it; the identity form refuses it.
    Words,
}

impl NotPhone {
    /// Why, in Chinese and in English.
    pub fn why(self) -> (String, String) {
        match self {
            NotPhone::IdNumber => (
                "是身份证号码的样子，可能填了家长的身份证号码".into(),
                "an ID number's shape, perhaps a parent's ID".into(),
            ),
            NotPhone::Digits(n) => (
                format!("有 {n} 位数字，手机号码为 11 位，座机号码为 7 到 8 位，带区号为 10 到 12 位"),
                format!("{n} digits, where a mobile has 11, a landline 7 or 8, and 10 to 12 with its area code"),
            ),
            NotPhone::Shape(11) => (
                "有 11 位数字，但手机号码以 13 至 19 开头，带区号的座机号码以 0 开头".into(),
                "11 digits, where a mobile starts with 13 to 19 and a landline with its area code with 0".into(),
            ),
            NotPhone::Shape(n @ (7 | 8)) => (
                format!("有 {n} 位数字，但座机号码不以 0 或 1 开头"),
                format!("{n} digits, where a landline starts with neither 0 nor 1"),
            ),
            NotPhone::Shape(n) => (
                format!("有 {n} 位数字，但只有带区号的座机号码这样长，应以 0 开头"),
                format!("{n} digits, where only a landline with its area code is so long, and starts with 0"),
            ),
            NotPhone::Signs => ("号码中有其他字符".into(), "other characters among the digits".into()),
            NotPhone::Words => ("没有数字".into(), "no digits".into()),
        }
    }
}

/// Whether `phone` (trimmed) is a phone number: digits, with `-` and spaces between them, shaped as a mobile (11
/// digits, 13 to 19 first), a landline with its area code (10 to 12 digits, 0 first) or a local landline (7 or 8
/// digits, neither 0 nor 1 first); an empty field, or a word saying there is none (无), is no problem either.
/// What else it is, if not.
pub fn not_a_phone(phone: &str) -> Option<NotPhone> {
    let text = super::text::trim(phone);
    if text.is_empty() {
        return None;
    }
    // Almost every phone cell is digits alone: judged by its length and first digits, as the steps below would
    // judge it, without a count or a copy.
    let bytes = text.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        let n = bytes.len();
        // One digit repeated is no phone given (`says_none`), as 无 is: nothing wrong to list.
        if (FEWEST_DIGITS..=MOST_DIGITS).contains(&n) && bytes.iter().all(|b| *b == bytes[0]) {
            return None;
        }
        if n == 18 || (n == 15 && bytes[0] != b'0') {
            return Some(NotPhone::IdNumber);
        }
        return by_shape(n, bytes[0], bytes.get(1).copied().unwrap_or(b'0'));
    }
    let mut digits = text.bytes().filter(u8::is_ascii_digit);
    let (Some(first), second) = (digits.next(), digits.next()) else {
        return (!says_none(text)).then_some(NotPhone::Words);
    };
    if is_placeholder_number(text) {
        return None;
    }
    if is_id_shape(text) {
        return Some(NotPhone::IdNumber);
    }
    if !text.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ') {
        return Some(NotPhone::Signs);
    }
    let count = 1 + usize::from(second.is_some()) + digits.count();
    by_shape(count, first, second.unwrap_or(b'0'))
}

/// Whether `n` digits, the first two `first` and `second` (ASCII), are shaped as a phone: a mobile, a landline
/// with its area code, or a local landline.
fn by_shape(n: usize, first: u8, second: u8) -> Option<NotPhone> {
    match n {
        11 if first == b'1' => (!(b'3'..=b'9').contains(&second)).then_some(NotPhone::Shape(n)),
        10..=12 => (first != b'0').then_some(NotPhone::Shape(n)),
        7 | 8 => matches!(first, b'0' | b'1').then_some(NotPhone::Shape(n)),
        _ => Some(NotPhone::Digits(n)),
    }
}

/// Whether a phone the drive holds is no phone number where digits are (an ID number, too many or too few
/// digits, a shape no phone has, signs among them): what `check` lists, the forms leave out, the detail screen
/// masks and the identity form opens empty. A word (a name, 无) is none of these.
pub fn is_no_phone(phone: &str) -> bool {
    not_a_phone(phone).is_some_and(|why| why != NotPhone::Words)
}

/// 18 characters, 17 digits and a digit or X last, or 15 digits of which the first is no 0 (an ID's first digit
/// is its province's, 1 to 8; a landline's area code starts with 0), spaces and dashes between them not counted.
fn is_id_shape(text: &str) -> bool {
    // Asked of every phone cell of every list: counted as it goes, without collecting the characters.
    let (mut count, mut first, mut last, mut digits_before_last) = (0usize, ' ', ' ', true);
    for c in text.chars().filter(|&c| c != ' ' && c != '-') {
        if count == 0 {
            first = c;
        } else if !last.is_ascii_digit() {
            digits_before_last = false;
        }
        last = c;
        count += 1;
        if count > 18 {
            return false;
        }
    }
    match count {
        18 => digits_before_last && (last.is_ascii_digit() || matches!(last, 'X' | 'x')),
        15 => first != '0' && digits_before_last && last.is_ascii_digit(),
        _ => false,
    }
}

/// A mobile number (cleaned, `clean`): 11 digits, 1 first and 3 to 9 second, not one digit repeated.
pub fn is_mobile(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && !bytes.iter().all(|b| *b == bytes[0])
}

/// True for a phone number as [`not_a_phone`] judges it; an empty field or a word saying there is none too.
pub fn looks_like_phone(text: &str) -> bool {
    not_a_phone(text).is_none()
}

/// The phone a form carries (the sheet, the class lists, the template, the ledgers): nothing for one that is no
/// phone number (an ID number held in the phone column by a drive of an earlier canbao must not go out as a
/// parent's phone; `check` lists it for the operator to correct), nor a word saying there is none (无, which a
/// drive of an earlier canbao holds as the list wrote it: the form's cell is empty as for any pupil without a
/// phone), a name typed in the phone column as it is.
pub fn on_forms(phone: &str) -> &str {
    if is_no_phone(phone) || says_none(phone) { "" } else { phone }
}

/// What a list's phone cell gives the drive: the phone (as [`clean`] keeps it, or empty), and what to say of the
/// cell when it is not one phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// A phone, a word other than one saying there is none (a name), or nothing: kept as it is, nothing to say.
    Phone(String),
    /// A word saying there is no phone (无, 暂无, NULL, `/`): nothing is kept; the cell, to quote.
    SaysNone(String),
    /// Several numbers (`13800000000 13900000000`, `138…/139…`), or one with words beside it (`138… 母亲`): the
    /// first is kept; how many numbers there were, and the cell as [`clean`] left it, to quote.
    First { kept: String, numbers: usize, cell: String },
    /// No phone in it (an ID number, too many or too few digits): nothing is kept; why, and the cell to quote.
    NotPhone { why: NotPhone, cell: String },
}

/// A phone cell of a list read by the one rule ([`not_a_phone`]): its phone, or the first of the phones it holds,
/// or none.
pub fn read_cell(raw: &str) -> Cell {
    let said = crate::domain::id_number::unwrap_text(super::text::trim(raw));
    if says_none(said) {
        return Cell::SaysNone(said.trim().to_owned());
    }
    let cleaned = clean(super::text::trim(raw));
    let why = match not_a_phone(&cleaned) {
        None | Some(NotPhone::Words) => return Cell::Phone(cleaned),
        Some(why) => why,
    };
    let phones = phones_in(crate::domain::id_number::unwrap_text(raw));
    match phones.first() {
        Some(first) => Cell::First { kept: first.clone(), numbers: phones.len(), cell: cleaned },
        None => Cell::NotPhone { why, cell: cleaned },
    }
}

/// The phones among the parts of a cell that words, slashes, commas or spaces part: `138… 139…` gives two, `138
/// 1234 5678` none (its parts are no phones, and the whole is checked before), an ID number beside a phone the
/// phone alone.
fn phones_in(text: &str) -> Vec<String> {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let joins = |c: char| digit(c) || "-－()（）".contains(c);
    let mut phones = Vec::new();
    for chunk in text.split(|c: char| !joins(c) && !c.is_whitespace()) {
        let whole = clean(chunk.trim_matches(|c: char| c.is_whitespace() || "-－()（）".contains(c)));
        if whole.chars().any(|c| c.is_ascii_digit()) && looks_like_phone(&whole) && !says_none(&whole) {
            phones.push(whole);
            continue;
        }
        for part in chunk.split_whitespace() {
            let part = clean(part.trim_matches(|c: char| "-－()（）".contains(c)));
            if part.chars().any(|c| c.is_ascii_digit()) && looks_like_phone(&part) && !says_none(&part) {
                phones.push(part);
            }
        }
    }
    phones
}

/// Phones as digits: full-width digits, spaces and dashes removed ("138-0013-8000"), except a landline whose area
/// code is written apart (`0772 1234567`, `０７７２－１２３４５６７`, `(0772)1234567`), which is kept as the
/// area code, a dash and the number (`landline`): without the dash nobody reads 07721234567 as a landline to
/// dial. A number a spreadsheet kept as text (`'138…`, `="138…"`, which reaches here made safe as `'="138…"`) is
/// its digits; any other formula (`'=1+1`) stays as the cell made it safe.
pub fn clean(raw: &str) -> String {
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return without_country_code(raw).unwrap_or(raw).to_owned();
    }
    if let Some(landline) = landline(crate::domain::id_number::unwrap_text(raw)) {
        return landline;
    }
    let inner = crate::domain::id_number::unwrap_text(raw);
    let phone_like =
        |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || c.is_whitespace() || "-－+＋()（）".contains(c);
    let raw =
        if inner.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) && inner.chars().all(phone_like) {
            inner
        } else {
            raw
        };
    let cleaned: String = raw
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            c if c.is_whitespace() || c == '-' || c == '－' => None,
            c => Some(c),
        })
        .collect();
    match without_country_code(&cleaned) {
        Some(mobile) => mobile.to_owned(),
        None => cleaned,
    }
}

/// `is_mobile(&clean(digits))` for a text of ASCII digits alone, which `clean` leaves as it is or takes a
/// country code off: without the copy `clean` makes.
pub fn digits_are_mobile(digits: &str) -> bool {
    debug_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    is_mobile(without_country_code(digits).unwrap_or(digits))
}

/// A mobile written with China's country code before it (`+8613800138000`, `0086 13800138000`, `(+86)138…`,
/// `86-138…`, spaces and dashes already gone): the mobile's own 11 digits, as the forms want it. `None` for
/// anything else, so a landline or a number that only starts with 86 is left as it is.
fn without_country_code(cleaned: &str) -> Option<&str> {
    let text = cleaned.trim_start_matches(['(', '（']);
    let rest = ["+86", "＋86", "0086", "86"].iter().find_map(|code| text.strip_prefix(code))?;
    let mobile = rest.trim_start_matches([')', '）']);
    (mobile.len() == 11 && mobile.starts_with('1') && mobile.bytes().all(|b| b.is_ascii_digit())).then_some(mobile)
}

/// A landline written with its area code apart from the number, as `0772-1234567`: an area code of 010 or 02x (three
/// digits) or of 0 and three more digits, then a local number of 7 or 8 digits (spaces or dashes inside it are
/// dropped), with a dash of any width, spaces or brackets between them. `None` for anything else: a mobile, a
/// landline written as one run of digits (kept as written), an extension or two numbers in one cell.
fn landline(text: &str) -> Option<String> {
    let narrow: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    let apart = |c: char| c.is_whitespace() || "-－—–‐()（）".contains(c);
    if !narrow.chars().all(|c| c.is_ascii_digit() || apart(c)) {
        return None;
    }
    let mut groups = narrow.split(apart).filter(|g| !g.is_empty());
    let area = groups.next()?;
    let number: String = groups.collect();
    let three = area.starts_with("010") || area.starts_with("02");
    let area_fits = area.starts_with('0') && area.len() == if three { 3 } else { 4 } && !area.starts_with("00");
    let number_fits = (7..=8).contains(&number.len()) && !number.starts_with('0');
    (area_fits && number_fits).then(|| format!("{area}-{number}"))
}

/// A phone as a masked export shows it, as the ID numbers beside it are: the first three and last four digits of
/// a mobile or a landline with its area code (138****5678), the last four of a shorter one (***4567). Text with
/// fewer than seven digits (无, a word) is no number to hide and is kept.
pub fn mask(phone: &str) -> String {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if digits < FEWEST_DIGITS {
        return phone.to_owned();
    }
    let head = if digits >= 10 { 3 } else { 0 };
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > digits - 4 { c } else { MASK }
        })
        .collect()
}

const MASK: char = '*';

/// Whether a phone cell is one a masked export wrote ([`mask`]): at least its four last digits, with `*` among
/// them. An import reading such a list back keeps the phone the drive holds.
pub fn is_masked(phone: &str) -> bool {
    phone.contains(MASK)
        && phone.chars().filter(char::is_ascii_digit).count() >= 4
        && phone.chars().all(|c| c.is_ascii_digit() || c == MASK || c == '-' || c == ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_written_with_the_country_code_is_its_eleven_digits() {
        for written in [
            "+86 138 0013 8000",
            "+8613800138000",
            "0086-13800138000",
            "86-13800138000",
            "8613800138000",
            "(+86)13800138000",
            "＋86 13800138000",
            "008613800138000",
        ] {
            assert_eq!(clean(written), "13800138000", "{written}");
            assert_eq!(not_a_phone(&clean(written)), None, "{written}");
        }
        // Not a mobile after the code: left as it was.
        assert!(clean("86-0772-1234567").starts_with("86"));
        assert_eq!(clean("8612345"), "8612345");
    }

    #[test]
    fn digits_alone_are_judged_as_the_same_digits_written_apart() {
        for n in 1..=25 {
            for first in ['0', '1', '5'] {
                let digits: String = std::iter::once(first).chain(std::iter::repeat_n('3', n - 1)).collect();
                let apart = if n > 1 { format!("{} {}", &digits[..1], &digits[1..]) } else { format!("{digits} ") };
                assert_eq!(not_a_phone(&digits), not_a_phone(&apart), "{digits} / {apart}");
                let x = format!("{}X", &digits[..n - 1]);
                let x_apart = if n > 1 { format!("{} {}", &x[..1], &x[1..]) } else { x.clone() };
                assert_eq!(not_a_phone(&x).is_some(), not_a_phone(&x_apart).is_some(), "{x}");
            }
        }
        assert_eq!(not_a_phone("450203198801011237"), Some(NotPhone::IdNumber));
        assert_eq!(not_a_phone("45020319880101123x"), Some(NotPhone::IdNumber));
        assert_eq!(not_a_phone("450203198801011"), Some(NotPhone::IdNumber));
        assert_eq!(not_a_phone("050203198801011"), Some(NotPhone::Digits(15)));
        assert_eq!(not_a_phone("13545275427"), None);
    }

    #[test]
    fn a_landline_keeps_its_area_code_apart_and_a_mobile_is_its_digits() {
        for written in [
            "0772-1234567",
            "0772 1234567",
            "０７７２－１２３４５６７",
            "0772—1234567",
            "(0772)1234567",
            "（0772）123 4567",
            "'0772-1234567",
        ] {
            assert_eq!(clean(written), "0772-1234567", "{written}");
        }
        assert_eq!(clean("010-87654321"), "010-87654321");
        assert_eq!(clean("020 8765 4321"), "020-87654321");
        // One run of digits is kept as written; a mobile, however written, is its 11 digits.
        assert_eq!(clean("07721234567"), "07721234567");
        for mobile in ["138-1234-5678", "138 1234 5678", "１３８ １２３４ ５６７８"] {
            assert_eq!(clean(mobile), "13812345678", "{mobile}");
        }
        // No landline: an area code that is none, an extension, a number too short.
        assert_eq!(clean("077-21234567"), "07721234567");
        assert_eq!(clean("0772-1234567-801"), "07721234567801");
        assert_eq!(clean("0772-12345"), "077212345");
    }

    #[test]
    fn mobiles_and_landlines_pass_and_anything_else_does_not() {
        for good in ["13812345678", "138 1234 5678", "138-1234-5678", "0831-1234567", "0831-12345678", "2345678", ""] {
            assert!(looks_like_phone(good), "{good}");
        }
        for bad in
            ["黎萱阳", "12345", "123456", "1381234567890", "138-abc-5678", "+86 13812345678", "138１２３４５６７８"]
        {
            assert!(!looks_like_phone(bad), "{bad}");
        }
    }

    #[test]
    fn an_id_number_or_a_number_of_the_wrong_length_is_no_phone() {
        for id in ["450203198801011237", "45020319880101123x", "450203198801011238", "4502 0319 8801 0112 37"] {
            assert_eq!(not_a_phone(&clean(id)), Some(NotPhone::IdNumber), "{id}");
        }
        assert_eq!(not_a_phone("450203880101123"), Some(NotPhone::IdNumber));
        // A landline with an extension, as long as an old ID number, is no ID: too many digits all the same.
        assert_eq!(not_a_phone("077212345678012"), Some(NotPhone::Digits(15)));
        assert_eq!(not_a_phone("1380013800012"), Some(NotPhone::Digits(13)));
        assert_eq!(not_a_phone("13800138000139"), Some(NotPhone::Digits(14)));
        assert_eq!(not_a_phone("黎萱阳"), Some(NotPhone::Words));
        assert_eq!(not_a_phone("无"), None);
        assert_eq!(not_a_phone("13800138000"), None);
    }

    #[test]
    fn a_cell_of_several_phones_gives_the_first_and_one_of_none_gives_nothing() {
        assert_eq!(read_cell("138 1234 5678"), Cell::Phone("13812345678".into()));
        assert_eq!(read_cell("无"), Cell::SaysNone("无".into()));
        assert_eq!(read_cell("黎萱阳"), Cell::Phone("黎萱阳".into()));
        for two in ["13800000000 13900000000", "13800000000/13900000000", "13800000000，0772-1234567"] {
            assert_eq!(
                read_cell(two),
                Cell::First { kept: "13800000000".into(), numbers: 2, cell: clean(two) },
                "{two}"
            );
        }
        let Cell::First { kept, numbers: 1, .. } = read_cell("13800138000（母亲）") else { panic!() };
        assert_eq!(kept, "13800138000");
        let Cell::First { kept, numbers: 1, .. } = read_cell("13800138000 450203198801011237") else { panic!() };
        assert_eq!(kept, "13800138000");
        for (cell, why) in [
            ("450203198801011237", NotPhone::IdNumber),
            ("4502 0319 8801 0112 37", NotPhone::IdNumber),
            ("45020319880101123x", NotPhone::IdNumber),
            ("1380013800012", NotPhone::Digits(13)),
            ("45020319880101123", NotPhone::Digits(17)),
        ] {
            assert_eq!(read_cell(cell), Cell::NotPhone { why, cell: clean(cell) }, "{cell}");
        }
    }

    /// A phone's length of one digit repeated (00000000000, which has a landline's shape, 8888 8888 a local
    /// landline's) is no phone given, as 无 is: an empty field on the forms, nothing for `check` to list, and said
    /// so by the import; a real number of repeated digits among others, or a blob of one digit, is judged as before.
    #[test]
    fn one_digit_repeated_is_no_phone_given() {
        for none in [
            "00000000000",
            "0000000",
            "000000000000",
            "88888888",
            "8888 8888",
            "000-0000-0000",
            "０００００００００００",
        ] {
            assert!(says_none(none), "{none}");
            assert_eq!(not_a_phone(none), None, "{none}");
            assert_eq!(not_a_phone(&clean(none)), None, "{none}");
            assert!(!is_no_phone(none), "{none}");
            assert_eq!(on_forms(none), "", "{none}");
            assert_eq!(read_cell(none), Cell::SaysNone(none.trim().into()), "{none}");
        }
        for phone in ["13888888888", "0772-8888888", "88888889"] {
            assert!(!says_none(phone), "{phone}");
            assert_eq!(on_forms(phone), phone, "{phone}");
        }
        assert!(!says_none("0") && !says_none("000000"));
        assert_eq!(not_a_phone("000000"), Some(NotPhone::Digits(6)));
        assert_eq!(not_a_phone(&"1".repeat(13)), Some(NotPhone::Digits(13)));
        // Beside a real number, the number is the phone.
        let cell = read_cell("00000000000/13800138000");
        let Cell::First { kept, .. } = cell else { panic!("{cell:?}") };
        assert_eq!(kept, "13800138000");
    }

    #[test]
    fn a_word_saying_there_is_no_phone_is_an_empty_field_and_a_name_stays_a_word() {
        for none in ["无", " 暂无 ", "没有", "NULL", "null", "None", "N/A", "-", "/", "—", "不详"] {
            assert!(says_none(none), "{none}");
            assert_eq!(not_a_phone(none), None, "{none}");
            assert!(!is_no_phone(none), "{none}");
            assert_eq!(on_forms(none), "", "{none}");
            assert_eq!(read_cell(none), Cell::SaysNone(none.trim().into()), "{none}");
        }
        assert_eq!(read_cell("'=\"无\""), Cell::SaysNone("无".into()));
        // Run together, a spreadsheet's error, still to be given, signs alone: none either.
        for none in ["无/NULL", "NULL/无", "无 / 无", "#N/A", "#VALUE!", "待补", "家长未提供", "....", "***", "？"]
        {
            assert!(says_none(none), "{none}");
            assert_eq!(not_a_phone(none), None, "{none}");
            assert_eq!(on_forms(none), "", "{none}");
        }
        // A name, or a word with more to it, is a word as before: kept, refused by the identity form.
        for word in ["黎萱阳", "无锡", "母亲", "nobody"] {
            assert!(!says_none(word), "{word}");
            assert_eq!(not_a_phone(word), Some(NotPhone::Words), "{word}");
            assert!(!is_no_phone(word), "{word}");
            assert_eq!(on_forms(word), word);
        }
        for phone in ["", "13812345678", "0"] {
            assert!(!says_none(phone), "{phone}");
        }
        assert!(is_no_phone("450203198801011237") && !is_no_phone("13812345678") && !is_no_phone(""));
    }

    #[test]
    fn digits_of_a_phone_length_must_start_as_that_phone_does() {
        for good in [
            "13812345678",
            "19912345678",
            "0772-1234567",
            "07721234567",
            "010-87654321",
            "083112345678",
            "0101234567",
            "2345678",
            "87654321",
            "8765 4321",
        ] {
            assert_eq!(not_a_phone(good), None, "{good}");
        }
        for (bad, why) in [
            ("12345678901", NotPhone::Shape(11)),
            ("10000000000", NotPhone::Shape(11)),
            ("123 4567 8901", NotPhone::Shape(11)),
            ("23456789012", NotPhone::Shape(11)),
            ("1381234567", NotPhone::Shape(10)),
            ("4001234567", NotPhone::Shape(10)),
            ("138123456789", NotPhone::Shape(12)),
            ("1234567", NotPhone::Shape(7)),
            ("0234567", NotPhone::Shape(7)),
            ("12345678", NotPhone::Shape(8)),
            ("123456789", NotPhone::Digits(9)),
            ("0772-12345", NotPhone::Digits(9)),
        ] {
            assert_eq!(not_a_phone(bad), Some(why), "{bad}");
            let (zh, en) = why.why();
            assert!(!zh.is_empty() && !en.is_empty() && zh.contains("位") && en.contains("digits"), "{zh} {en}");
        }
        assert!(NotPhone::Shape(11).why().0.contains("13 至 19"));
        assert!(NotPhone::Shape(8).why().1.contains("neither 0 nor 1"));
    }

    #[test]
    fn masked_phones_keep_their_ends_and_read_as_masked() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("083112345678"), "083*****5678");
        assert_eq!(mask("2345678"), "***5678");
        assert_eq!(mask("无"), "无");
        assert_eq!(mask(""), "");
        for phone in ["13812345678", "083112345678", "2345678"] {
            assert!(is_masked(&mask(phone)) && !is_masked(phone), "{phone}");
        }
        assert!(!is_masked("'=1*2") && !is_masked("*"));
        assert!(is_masked(&mask("0772-1234567")) && mask("0772-1234567").ends_with("4567"));
    }

    #[test]
    fn digits_are_a_mobile_as_cleaning_them_tells() {
        for digits in [
            "13800138000",
            "8613800138000",
            "008613800138000",
            "86138001380001",
            "11111111111",
            "12800138000",
            "450202201901010002",
            "07721234567",
            "",
        ] {
            assert_eq!(digits_are_mobile(digits), is_mobile(&clean(digits)), "{digits}");
        }
        assert!(digits_are_mobile("8613800138000") && !digits_are_mobile("450202201901010002"));
    }
}
