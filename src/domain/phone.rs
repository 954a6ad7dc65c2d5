//! Contact phones: kept as digits, one way for the importer and the identity form alike (so a list canbao
//! exported reads back as no change), and whether one looks like a phone: a mobile (138 1234 5678) or a landline
//! with or without its area code (0831-1234567), as parents give them on the class lists.

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

/// Phones as digits: full-width digits, spaces and dashes removed ("138-0013-8000"). A number a spreadsheet
/// kept as text (`'138…`, `="138…"`, which reaches here made safe as `'="138…"`) is its digits; any other formula
/// (`'=1+1`) stays as the cell made it safe.
pub fn clean(raw: &str) -> String {
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.to_owned();
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
