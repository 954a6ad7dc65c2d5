//! 民族 as the forms spell it: the 56 officially recognised ethnic groups by their full names (汉族, 蒙古族 …). A
//! class list or an operator writing the short form (汉, 回) means the same group; anything else (穿青人, 其他, a
//! foreign nationality) is kept as written, never refused: the list is the family's word.

/// The 56 ethnic groups, by their full names, in the order of GB/T 3304.
pub const GROUPS: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// `text` as the forms spell it: a group's short form (「汉」, 「 回 」 with full-width spaces) as its full name
/// (「汉族」), a full name as it is, anything else trimmed and otherwise as written. Spaces inside (「汉 族」) are
/// dropped only where what is left names a group.
pub fn normalise(text: &str) -> String {
    let trimmed = text.trim();
    let joined: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    if GROUPS.contains(&joined.as_str()) {
        return joined;
    }
    let full = format!("{joined}族");
    if GROUPS.contains(&full.as_str()) {
        return full;
    }
    trimmed.to_owned()
}

/// `text` as a pupil's 民族 given by hand: one of the 56 groups as the forms spell it (a short form, a GB/T 3304
/// code), or empty for none. Anything else (two groups run together, a sentence, a paste) is refused with why,
/// in Chinese and English, the text cut to 20 characters: kept, it was printed on every form that shows it.
pub fn given(text: &str) -> Result<String, (String, String)> {
    let spelled = by_code(text).map(str::to_owned).unwrap_or_else(|| normalise(text));
    if spelled.is_empty() || GROUPS.contains(&spelled.as_str()) {
        return Ok(spelled);
    }
    let trimmed = text.trim();
    let mut shown: String = trimmed.chars().take(20).collect();
    if trimmed.chars().count() > 20 {
        shown.push('…');
    }
    Err((
        format!("民族「{shown}」不是 56 个民族之一：请写民族的名称（如 汉族、壮族，也可写 汉、壮）"),
        format!("\"{shown}\" is not one of the 56 ethnic groups: give a group's name (汉族, 壮族, or 汉, 壮)"),
    ))
}

/// The group a GB/T 3304 numeric code names (「01」 汉族, 「02」 蒙古族 … 「56」 基诺族; 「1」 as a number cell shows
/// 01); `None` for any other text, the standard's 97 其他 and 98 外国血统 among them, kept as written.
pub fn by_code(text: &str) -> Option<&'static str> {
    let code = text.trim();
    if code.is_empty() || code.len() > 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: usize = code.parse().ok()?;
    GROUPS.get(number.checked_sub(1)?).copied()
}

/// Whether a 民族 column writes its groups as GB/T 3304 codes: every value a code or a group's name (in full or
/// short), one a code at least. A column holding anything else (序号 under a header taken for 民族) is read as written.
pub fn written_as_codes<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> bool {
    column_so_far(values) == Column::Codes
}

/// What a 民族 column's values written so far show of it (`written_as_codes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Codes and groups' names, a code at least: a column of codes.
    Codes,
    /// Groups' names only, or nothing: a code further down would still make it a column of codes.
    Names,
    /// Something else: read as written, whatever follows.
    Other,
}

/// What the values of a 民族 column (those read so far) show of it: `Column::Names` until a code or anything else
/// is met, so a column whose codes come only after its first rows can be judged again by its later ones.
pub fn column_so_far<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Column {
    let mut column = Column::Names;
    for value in values {
        column = column.then(value.as_ref());
        if column == Column::Other {
            break;
        }
    }
    column
}

impl Column {
    /// The column, with one more of its values read.
    pub fn then(self, value: &str) -> Column {
        let value = value.trim();
        if self == Column::Other || value.is_empty() {
            return self;
        }
        if by_code(value).is_some() {
            Column::Codes
        } else if GROUPS.contains(&normalise(value).as_str()) {
            self
        } else {
            Column::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_are_spelled_in_full_and_others_kept_as_written() {
        assert_eq!(GROUPS.len(), 56);
        let mut unique = GROUPS.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 56);
        assert!(GROUPS.iter().all(|g| g.ends_with('族')));
        for (typed, kept) in [
            ("汉", "汉族"),
            ("回", "回族"),
            ("汉族", "汉族"),
            ("\u{3000}壮\u{3000}", "壮族"),
            (" 蒙古 ", "蒙古族"),
            ("维吾尔", "维吾尔族"),
            ("土家", "土家族"),
            ("汉 族", "汉族"),
            ("穿青人", "穿青人"),
            ("\u{3000}其他\u{3000}", "其他"),
            ("外国 血统", "外国 血统"),
            ("", ""),
            ("族", "族"),
        ] {
            assert_eq!(normalise(typed), kept, "{typed:?}");
        }
        for group in GROUPS {
            assert_eq!(normalise(group.trim_end_matches('族')), group);
        }
    }

    #[test]
    fn gb_3304_codes_name_their_groups_only_in_a_column_of_codes_and_names() {
        for (code, group) in [("01", "汉族"), ("02", "蒙古族"), ("1", "汉族"), ("08", "壮族"), ("56", "基诺族")]
        {
            assert_eq!(by_code(code), Some(group), "{code}");
        }
        for other in ["00", "57", "97", "98", "001", "汉", "", "1a"] {
            assert_eq!(by_code(other), None, "{other}");
        }
        assert!(written_as_codes(["01", "汉族", "", "03", "壮"]));
        assert!(!written_as_codes(["汉族", "回族"]));
        assert!(!written_as_codes(["01", "穿青人"]));
        assert!(!written_as_codes(["1", "2", "97"]));
    }
}
