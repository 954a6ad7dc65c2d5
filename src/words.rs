//! Words at the edge: how canbao says things in Chinese and in English.
//!
//! One mechanism for the two languages: **a table of templates per language, picked by [`Language`], filled by
//! [`fill`]**. A template is a `&'static str` with placeholders, `{}` for the next argument or `{N}` for the
//! Nth (from 0), so that a language may put the figures in its own order. The rules (`domain`) and the store
//! are to give data (enums with their numbers, dates and clause references), not sentences, as the quote does;
//! the words are put on them here, at the edge, by the one formatter each kind of data has:
//!
//! - the screens' strings: `tui::text`, tables `tui/text/{zh,en}.rs`;
//! - a quote's rule steps (`domain::policy::RuleStep`): [`quote`], tables in `words/quote.rs`.
//! - a department's share of a 财政代缴 pupil (`domain::policy::DepartmentShare`): [`share`], tables in
//!   `words/share.rs`.
//!
//! Both languages' tables name the same things with the same placeholders (tests check it). A template left
//! empty in one language is not said in it: the English leaves out the notice's own Chinese words, which the
//! Chinese quotes.
//!
//! Data that comes in both languages (a policy file's notes and judgements, `text` / `text_en`) is picked by
//! `Language`, not translated. Still said another way, to be moved onto tables as they are touched:
//! `label_zh`/`label_en` and `message_zh`/`message_en` methods on domain and store types (the screens pick
//! between them with `Text::pick`), `QuoteError`'s Chinese `Display` beside its `message_en`, the palette's
//! zh/en entry pairs, the command line's `say(zh, en)`, and 「中文 (english)」 messages that print both
//! languages at once (file-picker errors, many command-line errors).

pub mod import;
pub mod quote;
pub mod restore;
pub mod share;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Display;

/// The language canbao speaks: Chinese unless asked for English (`--lang en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Zh,
    En,
}

/// Replaces each placeholder of `template`: `{}` with the next argument, `{N}` with argument N. A placeholder
/// without its argument is left out, never a panic. `{one|many}` is the words that agree with the argument
/// filled just before it: `one` after a 1, `many` after any other count, so an English template says
/// "{} {pupil|pupils}" and no line reads "1 pupils" (Chinese needs none).
pub fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    let mut last = String::new();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some((one, many, len)) = number_choice(after) {
            out.push_str(if last.trim() == "1" { one } else { many });
            rest = &after[len + 1..];
            continue;
        }
        let Some(close) = after.find('}').filter(|&c| after[..c].bytes().all(|b| b.is_ascii_digit())) else {
            out.push('{');
            rest = after;
            continue;
        };
        let index = if close == 0 {
            next += 1;
            next - 1
        } else {
            after[..close].parse().unwrap_or(usize::MAX)
        };
        if let Some(arg) = args.get(index) {
            last = arg.to_string();
            out.push_str(&last);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The `one|many}` after a `{` (see [`fill`]): the two forms and where the `}` is.
fn number_choice(after: &str) -> Option<(&str, &str, usize)> {
    let close = after.find('}')?;
    let (one, many) = after[..close].split_once('|')?;
    let plain = |s: &str| !s.contains(['{', '|']) && !s.trim().is_empty();
    (plain(one) && plain(many)).then_some((one, many, close))
}

/// A count in English with its noun in the number it takes: `counted(1, "row", "rows")` is "1 row", any other
/// count the plural ("0 rows", "3 rows"), so that no report says "1 rows".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A path or a name as a shell must be given it in a command canbao tells the operator to type (`canbao --db
/// FILE restore BACKUP`): as it is when no character in it means anything to a shell, else quoted, so a path
/// with a space or a bracket is one word and the command reaches the file it names. Single quotes, a quote in
/// it as `'\''`; on Windows double quotes, which cmd and PowerShell both read. A leading `=` is quoted too:
/// zsh would read `=name` as the path of a program.
pub fn shell_word(text: &str) -> Cow<'_, str> {
    let plain =
        |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c) || (!c.is_ascii() && !c.is_whitespace());
    if !text.is_empty() && !text.starts_with('=') && text.chars().all(plain) {
        return Cow::Borrowed(text);
    }
    if cfg!(windows) {
        Cow::Owned(format!("\"{text}\""))
    } else {
        Cow::Owned(format!("'{}'", text.replace('\'', "'\\''")))
    }
}

/// A path as a command canbao tells the operator to type must give it ([`shell_word`]). A relative one that
/// starts with `-` (given as `--db=-x.db`) is said as `./-x.db`: quotes do not stop the command from reading
/// it as an option.
pub fn shell_path(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    let text = if text.starts_with('-') { format!(".{}{text}", std::path::MAIN_SEPARATOR) } else { text };
    shell_word(&text).into_owned()
}

/// A command canbao tells the operator to type, `canbao REST`, naming `drive` by `--db` (quoted as a shell
/// needs, [`shell_path`]) when it is given: the drive this run was given by `--db` or `CANBAO_DB` (or the one a
/// screen has open), so the command, typed as said in a window without `CANBAO_DB`, reaches that drive and not
/// the default one. `None`: the default drive, named by nothing. `rest` quotes its own words ([`shell_word`]).
pub fn canbao_command(drive: Option<&std::path::Path>, rest: &str) -> String {
    match drive {
        Some(drive) => format!("canbao --db {} {rest}", shell_path(drive)),
        None => format!("canbao {rest}"),
    }
}

/// A message as it reads in `lang`. Many messages from below the screens say both languages at once, the
/// Chinese and then the English in brackets at the end (「表中没有班级列… (no class column …)」); in English
/// only the bracketed part is said. Such a pair may be followed by the thing it is about, after a full-width
/// colon (「找不到文件或文件夹 (not found)：D:\名单\一班.xlsx」): in English that is said after the English, as
/// "not found: D:\名单\一班.xlsx". A message without such an ending, or whose brackets hold Chinese rather than
/// English (「缴费（已记录）」), is said whole; in Chinese every message is said whole, as before.
pub fn in_language(message: &str, lang: Language) -> Cow<'_, str> {
    if lang == Language::Zh {
        return Cow::Borrowed(message);
    }
    if let Some(english) = english_half(message) {
        return lengths_in_english(Cow::Borrowed(english));
    }
    // A pair, then what it is about: the first 「)：」 that closes a pair.
    let mut from = 0;
    while let Some(at) = message[from..].find(")：").map(|i| from + i) {
        if let Some(english) = english_half(&message[..=at]) {
            let about = &message[at + ")：".len()..];
            return lengths_in_english(Cow::Owned(format!("{english}: {about}")));
        }
        from = at + 1;
    }
    Cow::Borrowed(message)
}

/// A long cell a message quotes is cut with its length after it in Chinese (「…（共 60 字）」, as
/// `class_list::quoted` writes it in both halves of a message): in English, 「… (60 characters)」.
fn lengths_in_english(text: Cow<'_, str>) -> Cow<'_, str> {
    // Escaped: the mark `class_list::quoted` cuts a cell with, kept as it wrote it (see `tui::text`'s width test).
    const OPEN: &str = "\u{2026}（共 ";
    const CLOSE: &str = " 字）";
    if !text.contains(OPEN) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = &*text;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[digits..].starts_with(CLOSE) && digits > 0 {
            true => {
                out.push_str(&rest[..at]);
                out.push_str("\u{2026} (");
                out.push_str(&after[..digits]);
                out.push_str(" characters)");
                rest = &after[digits + CLOSE.len()..];
            }
            false => {
                out.push_str(&rest[..at + OPEN.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A message as a screen in `lang` shows it: [`in_language`] in English; in Chinese only the Chinese half of a
/// message that says both languages (「身份证号码应为 18 位 (ID number must have 18 characters)」 as
/// 「身份证号码应为 18 位」), with a reason's own English inside it left out too, so the English is not said once
/// or twice beside the Chinese. The CLI says both on purpose and keeps [`in_language`].
pub fn on_screen(message: &str, lang: Language) -> Cow<'_, str> {
    if lang == Language::En {
        return in_language(message, lang);
    }
    if let Some((chinese, _)) = split_pair(message) {
        return Cow::Owned(without_inner_english(chinese));
    }
    let mut from = 0;
    while let Some(at) = message[from..].find(")：").map(|i| from + i) {
        if let Some((chinese, _)) = split_pair(&message[..=at]) {
            let about = &message[at + ")：".len()..];
            return Cow::Owned(format!("{}：{about}", without_inner_english(chinese)));
        }
        from = at + 1;
    }
    Cow::Borrowed(message)
}

/// The Chinese of a pair less the English in brackets of a reason inside it (「这是 PDF 文件，不是表格 (a PDF, not a
/// spreadsheet)；…」): a bracket with Latin letters, closing before a Chinese mark or the end, after Chinese. A
/// file's number (「名单 (1).csv」) is kept.
fn without_inner_english(chinese: &str) -> String {
    let mut text = chinese.trim_end().to_owned();
    let mut from = 0;
    while let Some(close) = text[from..].find(')').map(|i| from + i) {
        let next = text[close + 1..].chars().next();
        let ends = next.is_none_or(|c| !c.is_ascii_alphanumeric() && !".-_/\\".contains(c));
        match split_pair(&text[..=close])
            .filter(|(_, english)| ends && english.chars().any(|c| c.is_ascii_alphabetic()))
        {
            Some((before, _)) => {
                let kept = before.trim_end().len();
                text = format!("{}{}", &text[..kept], &text[close + 1..]);
                from = kept;
            }
            None => from = close + 1,
        }
    }
    text
}

/// The English of a message that ends with its English in brackets after its Chinese, if it is one.
fn english_half(message: &str) -> Option<&str> {
    split_pair(message).map(|(_, english)| english)
}

/// A message that ends with its English in brackets after its Chinese, as its Chinese (up to the bracket) and its
/// English, if it is one.
fn split_pair(message: &str) -> Option<(&str, &str)> {
    let trimmed = message.trim_end();
    let body = trimmed.strip_suffix(')')?;
    // The bracket that opens the last one, brackets inside it counted.
    let mut depth = 0usize;
    let mut open = None;
    for (i, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                open = Some(i);
                break;
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    let (chinese, english) = (&body[..open?], &body[open? + 1..]);
    let han = |c: &char| ('\u{4e00}'..='\u{9fff}').contains(c);
    let ascii = english.chars().filter(char::is_ascii).count();
    // The part before is Chinese: more Chinese characters than Latin letters, so an English line that names a
    // pupil (「same name and class: 邹杰 … (2 pupils)」) is not taken for one. A path or a file's name in it
    // (「与 /home/u/名单/一班.csv:18 重复…」) is the thing spoken of, in no language, and not counted; nor is a
    // reason's own English in brackets (「不覆盖 d.xlsx：这是 PDF 文件，不是表格 (a PDF, not a spreadsheet)；…」),
    // which the outer English says again.
    let latin: usize = outside_brackets(chinese)
        .split(|c: char| c.is_whitespace() || han(&c) || "，。：；、\u{201c}\u{201d}「」（）".contains(c))
        .filter(|word| !word.contains(['/', '\\', '.']))
        .map(|word| word.chars().filter(char::is_ascii_alphabetic).count())
        .sum();
    let chinese_first = chinese.chars().filter(han).count() > latin;
    (chinese_first && !english.trim().is_empty() && ascii * 10 >= english.chars().count() * 7)
        .then(|| (chinese, english.trim()))
}

/// The text less whatever is inside round brackets, nested ones counted.
fn outside_brackets(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The arguments a template uses, by index (`{}` counted in order): two languages' templates for the same
/// thing use the same ones.
pub fn placeholders(template: &str) -> BTreeSet<usize> {
    let mut used = BTreeSet::new();
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}').filter(|&c| after[..c].bytes().all(|b| b.is_ascii_digit())) {
            Some(0) => {
                used.insert(next);
                next += 1;
                rest = &after[1..];
            }
            Some(close) => {
                used.insert(after[..close].parse().unwrap_or(usize::MAX));
                rest = &after[close + 1..];
            }
            None => rest = after,
        }
    }
    used
}

/// The string literals of a table's source (`tui/text/zh.rs`, `words/quote.rs` …) by field name, in order:
/// for tests that hold two languages' tables side by side.
#[cfg(test)]
pub(crate) fn table_strings(source: &str, table: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let start = source.find(table).unwrap_or(0);
    let body = &source[start..];
    let body = &body[..body.find("\n};").unwrap_or(body.len())];
    // A string continued on the next line (a backslash ending the line) is one string, as Rust reads it: the line
    // break and the next line's leading spaces are no part of it.
    let mut joined = String::with_capacity(body.len());
    let mut pieces = body.split("\\\n").peekable();
    while let Some(piece) = pieces.next() {
        joined.push_str(piece);
        if let Some(next) = pieces.peek_mut() {
            *next = next.trim_start();
        }
    }
    let body = joined.as_str();
    let mut fields = std::collections::BTreeMap::new();
    let mut current: Option<String> = None;
    for line in body.lines().skip(1) {
        let line = line.split("//").next().unwrap_or_default();
        if let Some(rest) = line.strip_prefix("    ")
            && !rest.starts_with(' ')
            && let Some((name, _)) = rest.split_once(':')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            current = Some(name.to_owned());
        }
        let Some(name) = &current else { continue };
        let entry: &mut Vec<String> = fields.entry(name.clone()).or_default();
        let mut rest = line;
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let mut end = 0;
            let mut escaped = false;
            for (i, c) in after.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = i;
                        break;
                    }
                    _ => escaped = false,
                }
            }
            entry.push(after[..end].to_owned());
            rest = &after[end + 1..];
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_one_is_said_in_the_singular() {
        assert_eq!(counted(1, "row", "rows"), "1 row");
        assert_eq!((counted(0, "row", "rows"), counted(2, "pupil", "pupils")), ("0 rows".into(), "2 pupils".into()));
    }

    #[cfg(unix)]
    #[test]
    fn a_path_a_shell_would_split_is_quoted_as_one_word() {
        use std::path::Path;
        assert_eq!(shell_word("/home/op/.local/share/canbao/canbao.db"), "/home/op/.local/share/canbao/canbao.db");
        assert_eq!(shell_word("/media/U盘/参保/数据.db"), "/media/U盘/参保/数据.db", "Chinese needs no quotes");
        assert_eq!(shell_word("/media/my drives/d.db"), "'/media/my drives/d.db'");
        assert_eq!(shell_word("/media/名单 (1)/d.db"), "'/media/名单 (1)/d.db'");
        assert_eq!(shell_word("/u/it's/d.db"), "'/u/it'\\''s/d.db'");
        assert_eq!(shell_word("$HOME/d.db"), "'$HOME/d.db'");
        assert_eq!(shell_word("~/d.db"), "'~/d.db'");
        assert_eq!(shell_word("/u/全角\u{3000}空格.db"), "'/u/全角\u{3000}空格.db'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("=d.db"), "'=d.db'", "zsh would look for a program d.db");
        assert_eq!(shell_path(Path::new("-x.db")), "./-x.db", "not an option");
        assert_eq!(shell_path(Path::new("-my x.db")), "'./-my x.db'");
        assert_eq!(shell_path(Path::new("backups/-x-import.db")), "backups/-x-import.db");
    }

    #[test]
    fn a_message_in_both_languages_is_said_in_english_in_english() {
        let both =
            "表中没有班级列：3 行没有班级 (no class column: 3 rows have no class, e.g. sheet 三年级2班 (rows 2-4))";
        assert_eq!(
            in_language(both, Language::En),
            "no class column: 3 rows have no class, e.g. sheet 三年级2班 (rows 2-4)"
        );
        assert_eq!(in_language(both, Language::Zh), both);
        // A path in the Chinese is no English; what a pair is about is said after the English.
        let path = "与 /home/operator/lists/gbk_title.csv:18 重复（同一身份证号码），只导入一次 \
                    (duplicate of /home/operator/lists/gbk_title.csv:18, imported once)";
        assert_eq!(
            in_language(path, Language::En),
            "duplicate of /home/operator/lists/gbk_title.csv:18, imported once"
        );
        let about = "找不到文件或文件夹 (not found)：/home/u/名单 (1).csv";
        assert_eq!(in_language(about, Language::En), "not found: /home/u/名单 (1).csv");
        assert_eq!(in_language(about, Language::Zh), about);
        // A reason that says its own English, inside a message that says it again: the English only.
        let nested = "不覆盖 d2.xlsx：这是 PDF 文件，不是表格 (a PDF, not a spreadsheet)；请换一个文件名或文件夹 \
                      (not replaced: d2.xlsx: a PDF, not a spreadsheet; choose another name or folder)";
        assert_eq!(
            in_language(nested, Language::En),
            "not replaced: d2.xlsx: a PDF, not a spreadsheet; choose another name or folder"
        );
        assert_eq!(in_language(nested, Language::Zh), nested);
        for whole in [
            "第 4 行 吕布：缴费 380 元，应缴 400 元（已记录）",
            "缴费（已记录）：3 行",
            "名单为 不参保 (不参保原因：家长拒绝)",
            "no such file (error 2)",
            "结尾不是括号",
            "只有左括号 (没有右",
            ") 反的 (",
            "same name and class, one ID rounded: 邹杰 4.50…E+17、邹杰 4502…1000 (2 pupils)",
        ] {
            assert_eq!(in_language(whole, Language::En), whole);
        }
    }

    #[test]
    fn a_screen_in_chinese_shows_the_chinese_half_only() {
        let id = "身份证号码应为 18 位，现为 17 位 (ID number must have 18 characters, not 17)";
        assert_eq!(on_screen(id, Language::Zh), "身份证号码应为 18 位，现为 17 位");
        assert_eq!(on_screen(id, Language::En), "ID number must have 18 characters, not 17");
        let nested = "不覆盖 d2.xlsx：这是 PDF 文件，不是表格 (a PDF, not a spreadsheet)；请换一个文件名或文件夹 \
                      (not replaced: d2.xlsx: a PDF, not a spreadsheet; choose another name or folder)";
        assert_eq!(on_screen(nested, Language::Zh), "不覆盖 d2.xlsx：这是 PDF 文件，不是表格；请换一个文件名或文件夹");
        let about = "找不到文件或文件夹 (not found)：/home/u/名单 (1).csv";
        assert_eq!(on_screen(about, Language::Zh), "找不到文件或文件夹：/home/u/名单 (1).csv");
        let numbered = "不覆盖 /home/u/名单 (1).csv：已存在 (not replaced: /home/u/名单 (1).csv: it exists)";
        assert_eq!(on_screen(numbered, Language::Zh), "不覆盖 /home/u/名单 (1).csv：已存在");
        for whole in
            ["第 4 行 吕布：缴费 380 元，应缴 400 元（已记录）", "名单为 不参保 (不参保原因：家长拒绝)", "结尾不是括号"]
        {
            assert_eq!(on_screen(whole, Language::Zh), whole);
        }
    }

    #[test]
    fn fill_in_order_or_by_number() {
        assert_eq!(fill("显示 {} / {}", &[&3, &"10"]), "显示 3 / 10");
        assert_eq!(fill("{}{}", &[&1]), "1");
        assert_eq!(fill("{1} of {0}", &[&"a", &"b"]), "b of a");
        assert_eq!(fill("{x} {", &[&1]), "{x} {");
    }

    #[test]
    fn a_count_agrees_with_the_words_after_it() {
        let pupils = "{} {pupil|pupils} selected";
        assert_eq!(fill(pupils, &[&1]), "1 pupil selected");
        for n in [0, 2, 11, 21] {
            assert_eq!(fill(pupils, &[&n]), format!("{n} pupils selected"));
        }
        assert_eq!(fill("{1} {payment is|payments are} {0}", &[&"kept", &1]), "1 payment is kept");
        assert_eq!(fill("{1} {payment is|payments are} {0}", &[&"kept", &3]), "3 payments are kept");
        assert_eq!(placeholders(pupils), BTreeSet::from([0]), "no argument of its own");
        assert_eq!(fill("{a|b", &[]), "{a|b", "not closed: as written");
    }

    #[test]
    fn placeholders_count_in_order() {
        assert_eq!(placeholders("{} 和 {}"), BTreeSet::from([0, 1]));
        assert_eq!(placeholders("{1}, then {0}"), BTreeSet::from([0, 1]));
        assert_eq!(placeholders("none {x}"), BTreeSet::new());
    }

    /// Every Chinese string of the screens has the same placeholders as its English one.
    #[test]
    fn screen_texts_have_the_same_placeholders_in_both_languages() {
        let zh = table_strings(include_str!("tui/text/zh.rs"), "pub static ZH");
        let en = table_strings(include_str!("tui/text/en.rs"), "pub static EN");
        assert!(zh.len() > 100, "the table is read: {} fields", zh.len());
        assert_eq!(zh.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
        for (field, zh_strings) in &zh {
            // A lookup table of field labels: English lists every field, Chinese only those its labels lack.
            if field == "field_names" {
                continue;
            }
            let en_strings = &en[field];
            assert_eq!(zh_strings.len(), en_strings.len(), "{field}");
            for (z, e) in zh_strings.iter().zip(en_strings) {
                assert_eq!(placeholders(z), placeholders(e), "{field}: {z} / {e}");
            }
        }
    }
}
