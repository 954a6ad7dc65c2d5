//! This year's policy from last year's: the operator holds this year's notice, canbao holds last year's file.
//! The shape of the rules stays from year to year (DOMAIN.md); the dates move to the new insured year and the
//! premium changes. What the new notice may have changed and canbao cannot know is flagged 「请核对」.
//!
//! Works on the file's text (comments and order kept), and the result is parsed like any policy file before
//! anyone sees it.

use chrono::{Datelike, NaiveDate};
use toml_edit::{DocumentMut, Item, Value};

use super::{DataFileError, Policy};
use crate::domain::category::CategoryTable;

/// What the operator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal<'a> {
    /// The new file's stem, e.g. `yibin-2027`.
    pub name: &'a str,
    /// The base policy's stem and text.
    pub base_name: &'a str,
    pub base_text: &'a str,
    /// The new insured year (保险年度).
    pub year: i32,
    /// The new 个人缴费标准; `None` keeps the base's, flagged.
    pub premium_fen: Option<i64>,
}

/// The new policy's text, parsed, and what the operator must check against this year's notice.
#[derive(Debug, Clone)]
pub struct Renewed {
    pub text: String,
    pub policy: Policy,
    /// One line each.
    pub to_check: Vec<ToCheck>,
}

/// One thing the operator must check against this year's notice, in each language: a line that names the
/// file's keys (`local_area_codes`) and another policy's name is no plain Chinese with English after it, and
/// would not be told apart by its brackets. Shown (`Display`) as 「中文 (English)」, as the new file's header
/// says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToCheck {
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for ToCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

fn to_check(zh: String, en: String) -> ToCheck {
    ToCheck { zh, en }
}

/// A date moved by whole years: the last day of February stays the last day of February (29 Feb in a leap year
/// becomes 28 Feb, and 28 Feb becomes 29 Feb when the base was the month's end and the new year is a leap year).
pub fn shift_date(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    let month_end = |y: i32, m: u32| {
        let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
        next.and_then(|d| d.pred_opt()).map_or(28, |d| d.day())
    };
    let at_month_end = date.day() == month_end(date.year(), date.month());
    let day = if at_month_end { month_end(year, date.month()) } else { date.day().min(month_end(year, date.month())) };
    NaiveDate::from_ymd_opt(year, date.month(), day).unwrap_or(date)
}

pub fn renew(request: &Renewal, categories: &CategoryTable) -> Result<Renewed, DataFileError> {
    let file = format!("{}.toml", request.name);
    let mut doc: DocumentMut = request.base_text.parse().map_err(|e: toml_edit::TomlError| DataFileError::Parse {
        file: request.base_name.to_owned(),
        key: String::new(),
        line: None,
        message: e.to_string(),
    })?;
    let base_year = doc.get("insured_year").and_then(Item::as_integer).ok_or_else(|| DataFileError::Invalid {
        file: request.base_name.to_owned(),
        key: "insured_year".into(),
        line: None,
        message_zh: "缺少保险年度".into(),
        message_en: "no insured year".into(),
    })?;
    let years = request.year - base_year as i32;
    let mut to_check = Vec::new();
    let copied = format!("沿用自 {}", request.base_name);

    doc["insured_year"] = toml_edit::value(i64::from(request.year));
    if let Some(title) = doc.get("title").and_then(Item::as_str).map(str::to_owned) {
        doc["title"] = toml_edit::value(title.replace(&base_year.to_string(), &request.year.to_string()));
    }
    // A policy made from another place's (nanning-2027 from yibin-2024) keeps that place's name on every form's
    // heading, its 本市户籍 area codes and its payment channels until they are changed: said, as nothing else
    // tells a Nanning school its sheet is headed 宜宾市.
    if place(request.name) != place(request.base_name) {
        let title = doc.get("title").and_then(Item::as_str).unwrap_or_default().to_owned();
        let base = request.base_name;
        to_check.push(self::to_check(
            format!("标题 title：沿用{base}的「{title}」，印在各表表头，请改为本地"),
            format!("title kept from {base} as “{title}”, printed on every form's heading: change it to this place's"),
        ));
        if let Some(codes) = doc.get("local_area_codes").and_then(Item::as_array) {
            let codes = codes.iter().filter_map(|c| c.as_str()).collect::<Vec<_>>().join("、");
            to_check.push(self::to_check(
                format!("本市户籍地区码 local_area_codes：沿用{base}的 {codes}，请改为本地"),
                format!("local_area_codes kept from {base}: {codes}: change them to this place's"),
            ));
        }
        if doc.contains_key("payment_instructions") {
            to_check.push(self::to_check(
                format!("缴费方式 payment_instructions：沿用{base}的，请改为本地"),
                format!("payment_instructions kept from {base}: change them to this place's"),
            ));
        }
    }
    if let Some(document) = doc.get("document").and_then(Item::as_str).map(str::to_owned) {
        // The number of the notice the rules really come from, however many renewals ago: a placeholder is never
        // put inside another.
        let placeholder = match super::notice_number(&document) {
            super::NoticeNumber::Filled(number) | super::NoticeNumber::Carried(number) => {
                format!("{}{}年度通知文号（{copied}：{number}）", super::NOTICE_NUMBER_PLACEHOLDER, request.year)
            }
            super::NoticeNumber::Missing => format!("{}{}年度通知文号", super::NOTICE_NUMBER_PLACEHOLDER, request.year),
        };
        doc["document"] = toml_edit::value(placeholder);
        to_check.push(self::to_check(
            "通知文号 document：请填写本年度通知的文号".to_owned(),
            "document: fill in this year's notice number".to_owned(),
        ));
    }
    match request.premium_fen {
        Some(fen) if fen % 100 == 0 => doc["personal_premium"] = toml_edit::value(fen / 100),
        Some(fen) => doc["personal_premium"] = toml_edit::value(format!("{}.{:02}", fen / 100, fen % 100)),
        None => to_check.push(self::to_check(
            "个人缴费标准 personal_premium：沿用上一年度，请核对".to_owned(),
            "personal_premium kept from the base: check it".to_owned(),
        )),
    }
    if doc.contains_key("government_subsidy") {
        to_check.push(self::to_check(
            "财政补助 government_subsidy：沿用上一年度，请核对".to_owned(),
            "government_subsidy kept from the base: check it".to_owned(),
        ));
    }
    for key in ["coverage_from", "coverage_to"] {
        shift_item(&mut doc[key], years);
    }

    if let Some(windows) = doc.get_mut("window").and_then(Item::as_array_of_tables_mut) {
        for window in windows.iter_mut() {
            for key in ["from", "to", "freshman_coverage_from"] {
                if let Some(item) = window.get_mut(key) {
                    shift_item(item, years);
                }
            }
            let text = window.get("text").and_then(Item::as_str).unwrap_or_default().to_owned();
            let text = without_copied_mark(&text, "（沿用自 ");
            // The notice's words name its own year's dates (待遇时间为2023年1月1日至2023年12月31日): quoted beside
            // the new year's cover they would contradict it, so they move with the windows, and the mark says so.
            let (text, moved) = shift_years_in_text(text, base_year as i32, years);
            let moved = if moved { "；文中年份已顺延" } else { "" };
            window["text"] = toml_edit::value(format!("{text}（{copied}，请按{}年度通知核对{moved}）", request.year));
            // A judgement about the base year's cover ("按2024保险年度计") is about the new year now.
            if let Some(coverage) = window.get("coverage_text").and_then(Item::as_str).map(str::to_owned) {
                let moved = coverage.replace(&base_year.to_string(), &request.year.to_string());
                window["coverage_text"] = toml_edit::value(moved);
            }
            // A window's judgement may name the insured year it reads the cover as; any other year in it (a
            // figure's source, another notice) stays, and the whole is marked as copied.
            if let Some(judgements) = window.get_mut("judgement").and_then(Item::as_array_of_tables_mut) {
                let (from, to) = (base_year.to_string(), request.year.to_string());
                for judgement in judgements.iter_mut() {
                    if let Some(text) = judgement.get("text").and_then(Item::as_str).map(str::to_owned) {
                        let moved = text
                            .replace(&format!("{from}保险年度"), &format!("{to}保险年度"))
                            .replace(&format!("{from}年1月1日至12月31日"), &format!("{to}年1月1日至12月31日"));
                        let moved = without_copied_mark(&moved, "（沿用自 ");
                        judgement["text"] = toml_edit::value(format!("{moved}（{copied}）"));
                    }
                    if let Some(text) = judgement.get("text_en").and_then(Item::as_str).map(str::to_owned) {
                        let moved = text.replace(&format!("insurance year {from}"), &format!("insurance year {to}"));
                        let moved = without_copied_mark(&moved, " (copied from ");
                        judgement["text_en"] = toml_edit::value(format!("{moved} (copied from {})", request.base_name));
                    }
                }
            }
            let name = window.get("name").and_then(Item::as_str).unwrap_or_default().to_owned();
            let year = request.year;
            to_check.push(self::to_check(
                format!("缴费期「{name}」：日期已顺延到{year}年度，请核对"),
                format!("window {name}: dates moved to {year}: check them"),
            ));
        }
    }
    if let Some(windows) = doc.get_mut("department_window").and_then(Item::as_array_of_tables_mut) {
        for window in windows.iter_mut() {
            for key in ["from", "to"] {
                if let Some(item) = window.get_mut(key) {
                    shift_item(item, years);
                }
            }
            let name = window.get("name").and_then(Item::as_str).unwrap_or_default().to_owned();
            let year = request.year;
            to_check.push(self::to_check(
                format!("代缴期「{name}」：日期已顺延到{year}年度，请核对"),
                format!("department window {name}: dates moved to {year}: check them"),
            ));
        }
    }
    if doc.get("judgement").is_some_and(|j| j.as_array_of_tables().is_some_and(|a| !a.is_empty())) {
        to_check.push(self::to_check(
            format!("判断 judgement：沿用{base_year}年度的说明，请按本年度通知核对"),
            format!("readings kept from {base_year}: check them"),
        ));
    }
    if let Some(table) = doc.get_mut("category").and_then(Item::as_table_like_mut) {
        for (name, rule) in table.iter_mut() {
            let Some(rule) = rule.as_table_like_mut() else { continue };
            // A share (资助比例) follows the new premium by itself; a fixed amount may not be this year's.
            if rule.get("subsidy").and_then(Item::as_str) == Some("fixed") {
                let note = rule.get("note").and_then(Item::as_str).unwrap_or_default().to_owned();
                let note = without_copied_mark(&note, "（定额资助沿用自 ");
                rule.insert("note", toml_edit::value(format!("{note}（定额资助{copied}，请核对）")));
                to_check.push(self::to_check(
                    format!("类别「{name}」：定额资助沿用上一年度，请核对"),
                    format!("category {name}: its fixed subsidy kept from last year: check it"),
                ));
            }
        }
    }

    let header = format!(
        "# {} 由 canbao 从 {} 生成（{}年度）。请对照本年度通知核对以下各项：\n{}\n",
        request.name,
        request.base_name,
        request.year,
        to_check.iter().map(|c| format!("#   - {c}")).collect::<Vec<_>>().join("\n")
    );
    let text = format!("{header}\n{doc}");
    let policy = Policy::from_toml_with(request.name, &text, &file, categories)?;
    Ok(Renewed { text, policy, to_check })
}

/// The place a policy's name stands for: its name without the year (`yibin` of `yibin-2024`).
fn place(name: &str) -> &str {
    name.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches(['-', '_'])
}

/// `text` with every year of the base's dates (the insured year and the one before, as `2023年`, `2023年度`)
/// moved by `years`, a 29 February that is none in its new year becoming the 28th; whether any was moved. Other
/// years (a notice's number 〔2022〕, a standard of another year) stay.
fn shift_years_in_text(text: &str, base_year: i32, years: i32) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut moved = false;
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let (number, after) = rest.split_at(digits);
        let year = number.parse::<i32>().ok().filter(|y| digits == 4 && (base_year - 1..=base_year).contains(y));
        match year.filter(|_| after.starts_with('年')) {
            Some(year) => {
                let new_year = year + years;
                out.push_str(&new_year.to_string());
                moved = true;
                rest = after;
                if rest.starts_with("年2月29日") && NaiveDate::from_ymd_opt(new_year, 2, 29).is_none() {
                    out.push_str("年2月28日");
                    rest = &rest["年2月29日".len()..];
                }
            }
            None => {
                out.push_str(number);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, moved)
}

/// `text` without the mark an earlier renewal put at its end (`opening` up to the last bracket), so a policy renewed
/// from a renewed one says once where it was copied from, not once per year.
fn without_copied_mark<'a>(text: &'a str, opening: &str) -> &'a str {
    match text.rfind(opening) {
        Some(at) if text.ends_with(['）', ')']) => text[..at].trim_end(),
        _ => text,
    }
}

/// A payment window's dates as a policy file states them: what the operator may correct from this year's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowDates {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn parsed(file: &str, text: &str) -> Result<DocumentMut, DataFileError> {
    text.parse().map_err(|e: toml_edit::TomlError| DataFileError::Parse {
        file: file.to_owned(),
        key: String::new(),
        line: None,
        message: e.to_string(),
    })
}

fn toml_date(item: Option<&Item>) -> Option<NaiveDate> {
    let date = item?.as_value()?.as_datetime()?.date?;
    NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))
}

/// The payment windows (`[[window]]`) of a policy file, in the file's order.
pub fn window_dates(file: &str, text: &str) -> Result<Vec<WindowDates>, DataFileError> {
    let doc = parsed(file, text)?;
    let Some(windows) = doc.get("window").and_then(Item::as_array_of_tables) else { return Ok(Vec::new()) };
    Ok(windows
        .iter()
        .filter_map(|w| {
            let name = w.get("name").and_then(Item::as_str).unwrap_or_default().to_owned();
            Some(WindowDates { name, from: toml_date(w.get("from"))?, to: toml_date(w.get("to"))? })
        })
        .collect())
}

/// A policy file with a new premium and new window dates, in its own text (comments and order kept), parsed
/// like any policy file before it is returned: a window that ends before it starts, or falls outside what the
/// file allows, is refused with the file's own error.
pub fn edit_premium_and_windows(
    name: &str,
    text: &str,
    premium_fen: i64,
    windows: &[WindowDates],
    categories: &CategoryTable,
) -> Result<(String, Policy), DataFileError> {
    let file = format!("{name}.toml");
    let mut doc = parsed(&file, text)?;
    doc["personal_premium"] = if premium_fen % 100 == 0 {
        toml_edit::value(premium_fen / 100)
    } else {
        toml_edit::value(format!("{}.{:02}", premium_fen / 100, premium_fen % 100))
    };
    if let Some(found) = doc.get_mut("window").and_then(Item::as_array_of_tables_mut) {
        // Matched by position and name both: a file changed on disk since the form opened is not guessed at.
        for (window, dates) in found.iter_mut().zip(windows) {
            if window.get("name").and_then(Item::as_str).unwrap_or_default() != dates.name {
                return Err(DataFileError::Invalid {
                    file,
                    key: "window.name".into(),
                    line: None,
                    message_zh: format!("缴费期「{}」已不在文件中（文件已被改动），请重新打开", dates.name),
                    message_en: format!("window {:?} is no longer in the file (it changed): open it again", dates.name),
                });
            }
            set_date(&mut window["from"], dates.from);
            set_date(&mut window["to"], dates.to);
        }
    }
    let text = doc.to_string();
    let policy = Policy::from_toml_with(name, &text, &file, categories)?;
    Ok((text, policy))
}

/// Puts `date` in a TOML date item, keeping the comment and spacing around it.
fn set_date(item: &mut Item, date: NaiveDate) {
    let Ok(new) = date.format("%Y-%m-%d").to_string().parse::<toml_edit::Datetime>() else { return };
    let decor = item.as_value().map(|v| v.decor().clone()).unwrap_or_default();
    let mut value = Value::from(new);
    *value.decor_mut() = decor;
    *item = Item::Value(value);
}

/// Moves a TOML date (a `Datetime` with only a date) by whole years; anything else is left alone.
fn shift_item(item: &mut Item, years: i32) {
    let Some(Value::Datetime(formatted)) = item.as_value() else { return };
    let Some(date) = formatted.value().date else { return };
    let Some(day) = NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day)) else {
        return;
    };
    let moved = shift_date(day, years);
    let Ok(new) = moved.format("%Y-%m-%d").to_string().parse::<toml_edit::Datetime>() else { return };
    let decor = formatted.decor().clone();
    let mut value = Value::from(new);
    *value.decor_mut() = decor;
    *item = Item::Value(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::PolicySet;

    fn base(name: &str) -> &'static str {
        super::super::builtin_text(name).expect("builtin")
    }

    #[test]
    fn a_policys_premium_and_window_dates_are_edited_in_its_own_text() {
        let text = base("yibin-2024");
        let mut windows = window_dates("yibin-2024.toml", text).expect("windows");
        assert!(!windows.is_empty());
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        windows[0].to = windows[0].to.pred_opt().expect("a day earlier");
        let (edited, policy) =
            edit_premium_and_windows("yibin-2024", text, 40_050, &windows, CategoryTable::builtin()).expect("edit");
        assert_eq!(policy.personal_premium_fen, 40_050);
        assert_eq!(policy.windows[0].to, windows[0].to);
        assert_eq!(window_dates("yibin-2024.toml", &edited).unwrap(), windows, "read back as written");
        // Comments stay: the file is still the operator's to read.
        let comments = |t: &str| t.lines().filter(|l| l.trim_start().starts_with('#')).count();
        assert_eq!(comments(&edited), comments(text));
        // A window ending before it starts is refused by the policy file's own checks.
        windows[0].to = d(2000, 1, 1);
        assert!(edit_premium_and_windows("yibin-2024", text, 40_050, &windows, CategoryTable::builtin()).is_err());
        // A window renamed in the file since the form opened is not overwritten by position.
        windows[0].name = "另一个缴费期".into();
        assert!(edit_premium_and_windows("yibin-2024", text, 40_050, &windows, CategoryTable::builtin()).is_err());
    }

    /// A policy renewed from a renewed one carries the first notice's number once, and its windows and readings say
    /// once where they were copied from; before, each renewal put the last one's placeholder inside its own.
    #[test]
    fn a_renewal_of_a_renewal_nests_nothing() {
        let first = Renewal {
            name: "yibin-2027",
            base_name: "yibin-2024",
            base_text: base("yibin-2024"),
            year: 2027,
            premium_fen: Some(38000),
        };
        let first = renew(&first, CategoryTable::builtin()).expect("renews");
        let second = Renewal {
            name: "yibin-2028",
            base_name: "yibin-2027",
            base_text: &first.text,
            year: 2028,
            premium_fen: Some(40000),
        };
        let second = renew(&second, CategoryTable::builtin()).expect("renews");
        let document = &second.policy.document;
        assert_eq!(document.matches("请填写").count(), 1, "{document}");
        assert_eq!(second.policy.document_cited(), "沿用 宜医保办〔2023〕79号 附件1");
        for window in &second.policy.windows {
            assert_eq!(window.text.matches("沿用自").count(), 1, "{}", window.text);
            assert!(window.text.contains("沿用自 yibin-2027，请按2028年度通知核对"), "{}", window.text);
        }
    }

    /// A window's words naming the base year's dates are quoted with the new year's (liuzhou-2023's 待遇时间 for
    /// 2027, yibin-2024's collection to 2027-02-28), said to be moved, and never beside the old year's dates.
    #[test]
    fn a_window_s_words_name_the_new_year_s_dates() {
        for (base_name, year, want) in [
            ("liuzhou-2023", 2027, "正常缴费后享受居民医疗保险待遇时间为2027年1月1日至2027年12月31日"),
            ("yibin-2024", 2027, "2027年度城乡居民基本医疗保险个人缴费集中缴费办理时间为2026年9月1日至2027年2月28日"),
            ("quanzhou-2023", 2027, "保障期限从2026年9月1日至2027年12月31日"),
            ("nanchong-2023", 2028, "2028年度保费在2028年2月底前完成征收"),
        ] {
            let request = Renewal { name: "x", base_name, base_text: base(base_name), year, premium_fen: Some(40000) };
            let renewed = renew(&request, CategoryTable::builtin()).expect("renews");
            let first = &renewed.policy.windows[0].text;
            assert!(first.contains(want), "{base_name}: {first}");
            assert!(first.ends_with(&format!("请按{year}年度通知核对；文中年份已顺延）")), "{first}");
            let old = PolicySet::builtin().get(base_name).expect("base").insured_year;
            for w in &renewed.policy.windows {
                let text = w.text.replace(base_name, "");
                assert!(!text.contains(&format!("{old}年")) && !text.contains(&format!("{}年", old - 1)), "{text}");
            }
        }
        // A renewal of a renewal moves them again, marked once; a year not of the base's dates stays.
        let (text, moved) = shift_years_in_text("见〔2022〕26号，2021年标准，2023年2月底", 2023, 1);
        assert_eq!((text.as_str(), moved), ("见〔2022〕26号，2021年标准，2024年2月底", true));
    }

    #[test]
    fn the_last_day_of_february_stays_the_last_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(shift_date(d(2024, 2, 29), 1), d(2025, 2, 28));
        assert_eq!(shift_date(d(2023, 2, 28), 1), d(2024, 2, 29));
        assert_eq!(shift_date(d(2023, 9, 1), 3), d(2026, 9, 1));
        assert_eq!(shift_date(d(2024, 12, 31), -1), d(2023, 12, 31));
    }

    #[test]
    fn yibin_2024_becomes_2027_with_every_date_moved_and_shares_following_the_premium() {
        let request = Renewal {
            name: "yibin-2027",
            base_name: "yibin-2024",
            base_text: base("yibin-2024"),
            year: 2027,
            premium_fen: Some(40000),
        };
        let renewed = renew(&request, CategoryTable::builtin()).expect("renews");
        let p = &renewed.policy;
        let old = PolicySet::builtin().get("yibin-2024").expect("base");
        assert_eq!(p.insured_year, 2027);
        assert_eq!(p.title, "宜宾市2027年度");
        assert_eq!(p.personal_premium_fen, 40000);
        assert_eq!(p.windows.len(), old.windows.len());
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // 2023-09-01 – 2024-02-29 becomes 2026-09-01 – 2027-02-28.
        assert_eq!((p.windows[0].from, p.windows[0].to), (d(2026, 9, 1), d(2027, 2, 28)));
        assert_eq!((p.windows[1].from, p.windows[1].to), (d(2027, 3, 1), d(2027, 12, 31)));
        assert!(p.windows[0].text.contains("沿用自 yibin-2024"), "{}", p.windows[0].text);
        assert!(p.windows[0].coverage_text.contains("2027保险年度"), "{}", p.windows[0].coverage_text);
        // 低保 pays 25 % of the new premium: 100 yuan, not last year's 95.
        let request = crate::domain::policy::QuoteRequest {
            categories: vec!["低保对象".into()],
            paid_on: d(2026, 10, 8),
            enrollee: Default::default(),
            freshman: false,
            grade: String::new(),
            birth_date: None,
        };
        let q = crate::domain::policy::quote(p, CategoryTable::builtin(), &request).expect("quote");
        assert_eq!(q.personal_due_fen, 10000);
        assert!(renewed.text.contains("# 001 附件1 二(一)"), "comments are kept");
        assert!(renewed.to_check.iter().any(|c| c.to_string().contains("document")));
    }

    #[test]
    fn liuzhou_2021_department_window_and_judgements_move_with_the_year() {
        let request = Renewal {
            name: "liuzhou-2022",
            base_name: "liuzhou-2021",
            base_text: base("liuzhou-2021"),
            year: 2022,
            premium_fen: Some(32000),
        };
        let renewed = renew(&request, CategoryTable::builtin()).expect("renews");
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let window = &renewed.policy.department_windows[0];
        assert_eq!((window.from, window.to), (d(2022, 1, 1), d(2022, 3, 31)));
        assert!(renewed.to_check.iter().any(|c| c.to_string().contains("代缴期")), "{:?}", renewed.to_check);
        assert!(renewed.to_check.iter().any(|c| c.to_string().contains("judgement")), "{:?}", renewed.to_check);
        // The 580 figure is 2021's national floor whatever year copies it.
        let july = renewed.policy.windows.last().expect("window");
        assert!(
            july.judgements.iter().any(|j| j.judgement.text.contains("全国2021年最低标准")),
            "{:?}",
            july.judgements
        );
        // Yibin's reading of the concentrated period's cover names the new year.
        let request = Renewal {
            name: "yibin-2027",
            base_name: "yibin-2024",
            base_text: base("yibin-2024"),
            year: 2027,
            premium_fen: None,
        };
        let renewed = renew(&request, CategoryTable::builtin()).expect("renews");
        let judgement = &renewed.policy.windows[0].judgements[0].judgement;
        assert!(
            judgement.text.contains("2027保险年度") && judgement.text.contains("沿用自 yibin-2024"),
            "{}",
            judgement.text
        );
        assert!(judgement.text_en.contains("insurance year 2027"), "{}", judgement.text_en);
    }

    #[test]
    fn fixed_amounts_and_a_kept_premium_are_flagged() {
        let text = format!(
            "{}\n[category.\"计生对象\"]\nsubsidy = \"fixed\"\nsubsidy_amount = 100\npaid_by = \"卫健\"\nclause = \"x\"\n",
            base("yibin-2024")
        );
        let request =
            Renewal { name: "yibin-2026", base_name: "yibin-2024", base_text: &text, year: 2026, premium_fen: None };
        let renewed = renew(&request, CategoryTable::builtin()).expect("renews");
        assert!(renewed.to_check.iter().any(|c| c.to_string().contains("personal_premium")));
        assert!(
            renewed.to_check.iter().any(|c| c.to_string().contains("计生对象") && c.zh.contains("请核对")),
            "{:?}",
            renewed.to_check
        );
        let rule = renewed.policy.rule("计生对象").expect("rule");
        assert!(rule.note.contains("请核对"), "{}", rule.note);
        assert_eq!(renewed.policy.personal_premium_fen, 38000);
    }

    /// A policy made from another place's says the place's heading, area codes and payment channels are the
    /// other place's; one made from the same place's last year says nothing of them.
    #[test]
    fn another_places_heading_and_area_codes_are_flagged() {
        let text = base("yibin-2024");
        let other =
            Renewal { name: "nanning-2027", base_name: "yibin-2024", base_text: text, year: 2027, premium_fen: None };
        let renewed = renew(&other, CategoryTable::builtin()).expect("renews");
        for key in ["title", "local_area_codes", "payment_instructions"] {
            assert!(
                renewed.to_check.iter().any(|c| c.to_string().contains(key) && c.to_string().contains("yibin-2024")),
                "{key}: {:?}",
                renewed.to_check
            );
        }
        assert!(renewed.to_check.iter().any(|c| c.to_string().contains("宜宾市2027年度")), "{:?}", renewed.to_check);
        let same =
            Renewal { name: "yibin-2027", base_name: "yibin-2024", base_text: text, year: 2027, premium_fen: None };
        let renewed = renew(&same, CategoryTable::builtin()).expect("renews");
        assert!(!renewed.to_check.iter().any(|c| c.to_string().contains("local_area_codes")), "{:?}", renewed.to_check);
    }
}
