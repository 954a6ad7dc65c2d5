//! 年级 and 班级: class lists give them in one column ("三年级（2）班") or two ("三年级" + "2班"); the roster
//! keeps them apart and writes them as one label, so both shapes land on the same class.

/// Cleans a grade or class the way teachers' typing varies: full-width digits and letters, spaces, and
/// parentheses around a class number ("（2）班" and "(2)班" are "2班").
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
    strip_number_parens(&out)
}

fn strip_number_parens(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let closing = if chars[i] == '(' { chars[i + 1..].iter().position(|&c| c == ')') } else { None };
        if let Some(len) = closing {
            let inner = &chars[i + 1..i + 1 + len];
            if !inner.is_empty() && inner.iter().all(|c| c.is_ascii_digit() || is_cn_numeral(*c)) {
                out.extend(inner);
                i += len + 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十零〇".contains(c)
}

/// One label from the two parts; a class that already names its grade is not prefixed twice.
pub fn join(grade: &str, class: &str) -> String {
    if grade.is_empty() || class.starts_with(grade) { class.to_owned() } else { format!("{grade}{class}") }
}

/// Splits a combined label into grade and class. A label with no recognizable grade stays whole as the class.
pub fn split(label: &str) -> (String, String) {
    let label = normalize(label);
    if let Some(pos) = label.find("年级") {
        let cut = pos + "年级".len();
        if cut < label.len() {
            return (label[..cut].to_owned(), label[cut..].to_owned());
        }
        return (label, String::new());
    }
    // "2023级1班": an intake year as the grade.
    let digits = label.chars().take_while(char::is_ascii_digit).count();
    if digits == 4 && label[4..].starts_with('级') && label.len() > 4 + '级'.len_utf8() {
        let cut = 4 + '级'.len_utf8();
        return (label[..cut].to_owned(), label[cut..].to_owned());
    }
    for prefix in ["高一", "高二", "高三", "初一", "初二", "初三", "小班", "中班", "大班"] {
        if let Some(rest) = label.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return (prefix.to_owned(), rest.to_owned());
        }
    }
    (String::new(), label)
}

/// Grade and class from the columns a file has: both, one combined, or either alone.
pub fn from_columns(grade: Option<&str>, class: Option<&str>, combined: Option<&str>) -> (String, String) {
    let grade = grade.map(normalize).unwrap_or_default();
    let class = class.map(normalize).unwrap_or_default();
    if grade.is_empty() && class.is_empty() {
        return combined.map(split).unwrap_or_default();
    }
    if grade.is_empty() {
        return split(&class);
    }
    let class = class.strip_prefix(grade.as_str()).map(str::to_owned).unwrap_or(class);
    (grade, with_ban(class))
}

/// A bare class number ("2", or 2.0 from a numeric cell) gets its 班, so "2" and "2班" are one class.
fn with_ban(class: String) -> String {
    if !class.is_empty() && class.chars().all(|c| c.is_ascii_digit() || is_cn_numeral(c)) {
        format!("{class}班")
    } else {
        class
    }
}

/// A key that sorts classes the way a school lists them: 一年级 before 二年级 before 十年级 (not in code-point
/// order), 初一 after 六年级, 2班 before 10班.
pub fn order_key(grade: &str, class: &str) -> String {
    format!("{:03}|{}", grade_rank(grade), natural(class))
}

fn cn_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

fn grade_rank(grade: &str) -> u32 {
    let g = grade.trim_end_matches("年级").trim_end_matches('级');
    if let Ok(n) = g.parse::<u32>() {
        return if n >= 1900 { 100 + (3000 - n.min(3000)) } else { 10 + n };
    }
    if let Some(n) = cn_number(g) {
        return 10 + n;
    }
    let school_stage = [("小班", 1), ("中班", 2), ("大班", 3), ("初", 16), ("高", 19)];
    for (prefix, base) in school_stage {
        if let Some(rest) = g.strip_prefix(prefix) {
            return base + cn_number(rest).unwrap_or(0);
        }
    }
    if g.is_empty() { 0 } else { 99 }
}

/// Digit runs and Chinese numerals padded so they sort as numbers.
fn natural(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let n = digits.parse::<u64>().ok().or_else(|| cn_number(digits).map(u64::from)).unwrap_or(0);
            out.push_str(&format!("{n:06}"));
            digits.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() || "零一二三四五六七八九十".contains(c) {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_sort_as_schools_list_them() {
        let mut labels = [
            ("初一", "1班"),
            ("二年级", "10班"),
            ("十年级", "1班"),
            ("一年级", "2班"),
            ("二年级", "9班"),
            ("六年级", "三班"),
            ("六年级", "十二班"),
            ("", "实验班"),
        ];
        labels.sort_by_key(|(g, c)| order_key(g, c));
        let joined: Vec<String> = labels.iter().map(|(g, c)| join(g, c)).collect();
        assert_eq!(
            joined,
            ["实验班", "一年级2班", "二年级9班", "二年级10班", "六年级三班", "六年级十二班", "初一1班", "十年级1班"]
        );
    }

    #[test]
    fn both_shapes_land_on_one_class() {
        let from_one = from_columns(None, None, Some("三年级（2）班"));
        let from_two = from_columns(Some("三年级"), Some("2班"), None);
        let from_two_full = from_columns(Some("三年级"), Some("三年级(2)班"), None);
        assert_eq!(from_one, ("三年级".to_owned(), "2班".to_owned()));
        assert_eq!(from_one, from_two);
        assert_eq!(from_one, from_two_full);
    }

    #[test]
    fn split_then_join_is_identity_on_labels() {
        for label in ["三年级2班", "2023级1班", "高一3班", "大班1班", "七年级10班", "实验班"] {
            let (g, c) = split(label);
            assert_eq!(join(&g, &c), label, "{label}");
        }
    }

    #[test]
    fn normalizes_width_and_spaces() {
        assert_eq!(normalize(" 三年级 ２班 "), "三年级2班");
        assert_eq!(normalize("四年级(十)班"), "四年级十班");
        assert_eq!(normalize("（实验）班"), "(实验)班");
    }

    #[test]
    fn class_alone_is_split_when_it_names_its_grade() {
        assert_eq!(from_columns(None, Some("五年级1班"), None), ("五年级".into(), "1班".into()));
        assert_eq!(from_columns(None, Some("1班"), None), ("".into(), "1班".into()));
        assert_eq!(from_columns(Some("五年级"), Some("2"), None), ("五年级".into(), "2班".into()));
    }
}
