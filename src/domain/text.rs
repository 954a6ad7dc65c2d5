//! Text as lists write it, asked of every cell of every row.

/// `str::trim`, a text that begins and ends in a character no trim takes answered by looking at its two ends:
/// nearly every cell of a list is trimmed already, yet a row's reading trims its cells dozens of times, and
/// `str::trim` decodes both ends and asks Unicode's table of each.
pub fn trim(text: &str) -> &str {
    // Every blank character (Unicode's White_Space) is ASCII or begins with one of these bytes in UTF-8: U+0085 and
    // U+00A0 (0xc2), U+1680 (0xe1), U+2000–U+205F (0xe2), U+3000 (0xe3).
    let kept = |lead: u8| (0x21..0x7f).contains(&lead) || (lead >= 0xc0 && !matches!(lead, 0xc2 | 0xe1 | 0xe2 | 0xe3));
    let bytes = text.as_bytes();
    let last_lead = bytes.iter().rev().take(4).find(|&&b| !(0x80..0xc0).contains(&b));
    match (bytes.first(), last_lead) {
        (Some(&first), Some(&last)) if kept(first) && kept(last) => text,
        _ => text.trim(),
    }
}
