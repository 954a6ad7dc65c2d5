//! Whether two names can be one child's name written twice: a character corrected, traditional for simplified,
//! padding or a middle dot, a Latin name's case or word order. A list that gives a pupil's ID number under a
//! name that is none of these is another child's row (or the number typed on the wrong row), not a correction.

use pinyin::ToPinyinMulti;

/// The name as compared: no spaces or dots (张 三, 阿依古丽·买买提 / 阿依古丽.买买提), full-width letters narrowed,
/// Latin letters lower-cased.
fn compared(name: &str) -> Vec<char> {
    super::narrow(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '・' | '.' | '-' | '‧'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A dot typed for the middle dot of a transliterated name (阿依古丽·买买提): ·, •, ‧, ・, ･, ．, ., ∙, ⋅ and the
/// Greek ·. The one list: `io::cell` reads a name's dots by it too, so names are cleaned and matched alike.
pub(crate) fn is_name_dot(c: char) -> bool {
    matches!(
        c,
        '\u{b7}'
            | '\u{2022}'
            | '\u{2027}'
            | '\u{30fb}'
            | '\u{ff65}'
            | '\u{ff0e}'
            | '.'
            | '\u{2219}'
            | '\u{22c5}'
            | '\u{387}'
    )
}

/// The name a list's row and a pupil are the same by when nothing else ties them (a tax row without an ID number):
/// a Chinese name without its middle dot (or a look-alike) and spaces, so 「阿依古丽买买提」, 「阿依古丽·买买提」 and
/// 「阿依古丽．买买提」 are one name each way; a Latin name as written, single-spaced (「J. Smith」 keeps its dot).
pub fn match_key(name: &str) -> String {
    let has_cjk =
        name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
    if !has_cjk {
        return name.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    super::narrow(name).chars().filter(|&c| !c.is_whitespace() && !is_name_dot(c)).collect()
}

/// Two characters one child's name may be written with: the same, or read alike (劉 for 刘, 張 for 张, and a
/// homophone typed by an IME picking the wrong candidate).
fn alike(a: char, b: char) -> bool {
    if a == b {
        return true;
    }
    let (Some(ra), Some(rb)) = (a.to_pinyin_multi(), b.to_pinyin_multi()) else { return false };
    ra.into_iter().any(|x| rb.into_iter().any(|y| x.plain() == y.plain()))
}

/// Whether `listed` can be `held` corrected or written otherwise: equal once spaces and dots are set aside, the
/// same characters read alike in every place but at most one, or one character added or dropped; a Latin name
/// also with its words in another order. Anything further is another name.
pub fn plausibly_same(held: &str, listed: &str) -> bool {
    let (a, b) = (compared(held), compared(listed));
    if a == b {
        return true;
    }
    let latin = |s: &str| s.chars().all(|c| c.is_ascii() || c.is_whitespace());
    if latin(held) && latin(listed) {
        let words = |s: &str| {
            let mut w: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
            w.sort();
            w
        };
        if words(held) == words(listed) {
            return true;
        }
    }
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.len() == b.len() {
        return a.iter().zip(&b).filter(|(x, y)| !alike(**x, **y)).count() <= 1;
    }
    // One character added or dropped: the longer with one place left out is the shorter.
    let (short, long) = if a.len() < b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() != short.len() + 1 || short.len() < 2 {
        return false;
    }
    (0..long.len()).any(|skip| {
        long.iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, c)| *c)
            .zip(short.iter())
            .all(|(x, y)| alike(x, *y))
    })
}

#[cfg(test)]
mod tests {
    use super::plausibly_same;

    #[test]
    fn a_corrected_or_respelled_name_is_the_same_child() {
        assert!(plausibly_same("侯佑", "侯佑"));
        assert!(plausibly_same("侯佑", "侯 佑"));
        assert!(plausibly_same("侯佑", "侯右"), "a homophone picked by the IME");
        assert!(plausibly_same("侯佑", "候佑"), "one character corrected");
        assert!(plausibly_same("刘国华", "劉國華"), "traditional for simplified");
        assert!(plausibly_same("张三丰", "張三豐"));
        assert!(plausibly_same("阿依古丽·买买提", "阿依古丽.买买提"));
        assert!(plausibly_same("欧阳娜娜", "欧阳娜"), "a character dropped");
        assert!(plausibly_same("Tom Lee", "lee tom"));
    }

    #[test]
    fn a_name_with_or_without_its_middle_dot_is_one_key() {
        use super::match_key;
        let key = match_key("阿依古丽·买买提");
        for written in [
            "阿依古丽买买提",
            "阿依古丽・买买提",
            "阿依古丽•买买提",
            "阿依古丽‧买买提",
            "阿依古丽．买买提",
            "阿依古丽.买买提",
        ] {
            assert_eq!(match_key(written), key, "{written}");
        }
        assert_eq!(match_key("阿依古丽 买买提"), key);
        assert_eq!(match_key("阿依古丽　·　买买提"), key, "full-width spaces");
        assert_ne!(match_key("阿依古丽买买"), key);
        assert_eq!(match_key("J.  Smith"), "J. Smith", "a Latin name keeps its dot");
    }

    #[test]
    fn another_name_is_another_child() {
        assert!(!plausibly_same("侯佑", "张三丰"));
        assert!(!plausibly_same("侯佑", "张三"));
        assert!(!plausibly_same("王小明", "李大伟"));
        assert!(!plausibly_same("Tom Lee", "Ann Wu"));
        assert!(!plausibly_same("侯佑", ""));
    }
}
