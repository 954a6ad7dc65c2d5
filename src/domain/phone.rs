//! Contact phones: kept as digits, a landline written with its area code apart kept so (0772-1234567), one way
//! for the importer and the identity form alike (so a list canbao exported reads back as no change), and whether
//! one looks like a phone: a mobile (138 1234 5678) or a landline with or without its area code (0831-1234567), as
//! parents give them on the class lists.

/// Fewest and most digits of a phone number: a local landline has 7, a mobile 11, an area code with an
/// eight-digit landline 12.
const DIGITS: std::ops::RangeInclusive<usize> = 7..=12;

/// True for digits, with `-` and spaces between them, 7 to 12 digits in all; an empty field (no phone) too.
pub fn looks_like_phone(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() {
        return true;
    }
    if !text.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ') {
        return false;
    }
    DIGITS.contains(&text.chars().filter(char::is_ascii_digit).count())
}

/// Phones as digits: full-width digits, spaces and dashes removed ("138-0013-8000"), except a landline whose area
/// code is written apart (`0772 1234567`, `０７７２－１２３４５６７`, `(0772)1234567`), which is kept as the
/// area code, a dash and the number (`landline`): without the dash nobody reads 07721234567 as a landline to
/// dial. A number a spreadsheet kept as text (`'138…`, `="138…"`, which reaches here made safe as `'="138…"`) is
/// its digits; any other formula (`'=1+1`) stays as the cell made it safe.
pub fn clean(raw: &str) -> String {
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.to_owned();
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
    raw.chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            c if c.is_whitespace() || c == '-' || c == '－' => None,
            c => Some(c),
        })
        .collect()
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
    if digits < *DIGITS.start() {
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
}
