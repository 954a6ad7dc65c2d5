//! The stable hash of an audit row's content, by which the county recognises one change pushed from two copies
//! of a drive, and a restored drive names the changes its restore took back (`store::backup`).

/// FNV-1a, 128 bits: a stable hash (the same in every build and on every machine, unlike std's) of an audit
/// row's content, so the same change pushed from two copies of a drive is recognised as one.
pub fn event_hash(parts: &[Option<&str>]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    let mut eat = |b: u8| {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    };
    for part in parts {
        match part {
            // NULL and the empty text are different values of `old` and `new`.
            None => eat(0xFF),
            Some(text) => {
                eat(0xFE);
                text.bytes().for_each(&mut eat);
            }
        }
        eat(0x1F);
    }
    hex(h)
}

/// `row_hash` of a query row whose eight columns from `first` on are an audit row's at, operator, origin, action,
/// ID number (NULL read as empty: select it as `COALESCE(id_number, '')`), field, old and new, in that order:
/// every reader of a log that names changes by their hash selects them so.
pub fn audit_row_hash(r: &rusqlite::Row, first: usize) -> rusqlite::Result<String> {
    let text = |i: usize| r.get::<_, String>(first + i);
    let (old, new): (Option<String>, Option<String>) = (r.get(first + 6)?, r.get(first + 7)?);
    Ok(row_hash(&text(0)?, &text(1)?, &text(2)?, &text(3)?, &text(4)?, &text(5)?, old.as_deref(), new.as_deref()))
}

/// The hash of an audit row from its columns, as a merge tells two rows are one change (`store::merge`'s
/// `SAME_EVENT`; the year is no part of it): at, operator, origin, action, ID number (a missing one as empty),
/// field, old, new.
#[allow(clippy::too_many_arguments)]
pub fn row_hash(
    at: &str,
    operator: &str,
    origin: &str,
    action: &str,
    id_number: &str,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> String {
    event_hash(&[Some(at), Some(operator), Some(origin), Some(action), Some(id_number), Some(field), old, new])
}

/// The hash as 32 lowercase hex digits, as `format!("{h:032x}")` writes it (a county holds hashes written
/// that way), by hand: `format!` was a tenth of reading a drive's history.
fn hex(h: u128) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(32);
    text.extend((0..32).rev().map(|i| char::from(DIGITS[((h >> (4 * i)) & 0xF) as usize])));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_stable_and_tells_null_from_empty() {
        let a = event_hash(&[Some("x"), None]);
        assert_eq!(a, event_hash(&[Some("x"), None]));
        assert_ne!(a, event_hash(&[Some("x"), Some("")]));
        assert_ne!(event_hash(&[Some("ab"), Some("c")]), event_hash(&[Some("a"), Some("bc")]));
        // FNV-1a of nothing is its offset basis: the algorithm, not a value made up here.
        assert_eq!(event_hash(&[]), "6c62272e07bb014262b821756295c58d");
    }

    #[test]
    fn the_hash_is_written_as_format_writes_it() {
        for h in [0, 1, 0xF0, u128::MAX, u128::MAX / 3, 0x6c62272e07bb014262b821756295c58d, 1 << 127] {
            assert_eq!(hex(h), format!("{h:032x}"));
        }
    }
}
