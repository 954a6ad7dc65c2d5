//! Whether a contact phone looks like one: a mobile (138 1234 5678) or a landline with or without its area code
//! (0831-1234567), as parents give them on the class lists.

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
