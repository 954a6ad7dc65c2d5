//! Whether a file is one canbao exported, so an export may replace it. An export is renamed over its target:
//! the school's own class list named `名单.csv` or `一年级.xlsx` must never be taken for an earlier export just
//! because it has the same type. A workbook says who wrote it in its document properties (Excel and WPS keep
//! `dc:creator` when they save it again); a CSV has no such place, so its first line is what says it: the title
//! or header canbao's exports write first.

use std::io::Read;
use std::path::Path;

use super::forms::titles::{CLASS_TITLE, NOTICES_TITLE, SPECIAL_TITLE, SUMMARY_TITLE};
use crate::domain::policy::{Ledger, SHEET_TITLE, is_sheet_title};

/// The author every exported workbook names in its document properties (`dc:creator`).
pub const CREATOR: &str = "canbao";

/// Whether the workbook at `path` says canbao wrote it: `dc:creator` in `docProps/core.xml`, or the
/// `Application` in `docProps/app.xml`, is canbao.
pub fn workbook_by_canbao(path: &Path) -> bool {
    std::fs::File::open(path).is_ok_and(zip_by_canbao)
}

/// [`workbook_by_canbao`] for a workbook already read: an import asks it of the bytes it reads the rows from.
pub fn workbook_bytes_by_canbao(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK") && zip_by_canbao(std::io::Cursor::new(bytes))
}

fn zip_by_canbao(reader: impl Read + std::io::Seek) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(reader) else { return false };
    let mut says = |entry: &str, element: &str| {
        let Ok(part) = zip.by_name(entry) else { return false };
        let mut text = String::new();
        // The properties are a few hundred bytes; a larger part is read only so far.
        if part.take(1 << 16).read_to_string(&mut text).is_err() {
            return false;
        }
        // The whole name: a workbook someone made "for canbao" is still theirs.
        element_text(&text, element).is_some_and(|v| v.trim().eq_ignore_ascii_case(CREATOR))
    };
    says("docProps/core.xml", "creator") || says("docProps/app.xml", "Application")
}

/// The text of the first element named `local` (any namespace prefix) in `xml`.
fn element_text<'a>(xml: &'a str, local: &str) -> Option<&'a str> {
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>')?;
        let tag = &rest[..end];
        let name = tag.split_whitespace().next().unwrap_or("");
        let bare = name.rsplit(':').next().unwrap_or(name);
        if bare == local && !tag.ends_with('/') {
            let body = &rest[end + 1..];
            return Some(&body[..body.find('<')?]);
        }
        rest = &rest[end + 1..];
    }
    None
}

/// The first `n` lines of a text file from its first bytes: UTF-8 with or without a BOM, UTF-16 (little or
/// big endian) with a BOM, else GB18030, the encodings the importer reads and a spreadsheet saves in.
pub fn first_lines(head: &[u8], n: usize) -> Vec<String> {
    let text = if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0.into_owned()
    } else if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0.into_owned()
    } else {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        // Only the lines asked for: the head may end inside a character.
        let end = head.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(n.saturating_sub(1)).map(|(i, _)| i);
        let lines = &head[..end.unwrap_or(head.len())];
        match std::str::from_utf8(lines) {
            Ok(s) => s.to_owned(),
            Err(_) => encoding_rs::GB18030.decode_without_bom_handling(lines).0.into_owned(),
        }
    };
    let text = text.trim_start_matches('\u{FEFF}');
    text.lines().take(n).map(|l| l.trim_end_matches('\r').to_owned()).collect()
}

/// The first line of a text file from its first bytes, as [`first_lines`] reads it.
pub fn first_line(head: &[u8]) -> String {
    first_lines(head, 1).into_iter().next().unwrap_or_default()
}

/// The cells of the first line of the CSV at `path`: what an export just written starts with, so a file
/// that starts the same way is an earlier copy of it.
pub fn csv_header_of(path: &Path) -> Option<Vec<String>> {
    Some(cells(&first_line(&head_of(path).ok()?)))
}

/// The first bytes of the file at `path`: enough to tell a drive, a workbook or an export's first lines.
pub fn head_of(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)?.take(4096).read_to_end(&mut head)?;
    Ok(head)
}

/// The cells of a CSV line, as a spreadsheet wrote them (quoted or not, comma- or tab-separated).
fn cells(line: &str) -> Vec<String> {
    let delimiter = if line.contains('\t') && !line.contains(',') { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(|c| c.trim().to_owned()).collect(),
        _ => Vec::new(),
    }
}

/// Whether a CSV starting with `lines` is one canbao exported: its first line is the title an export writes
/// (在校学生信息表, a class's 参保缴费核对表, a ledger's 台账, 参保进度汇总, the 参保花名册) on a line of its own,
/// followed by the label line every titled export writes (学校名称：…, 填报时间：…); or its first line is the
/// header `header` (an export with no title, such as the agency's upload template) when one is given. A class
/// list a teacher titled like an export, its own header under the title, is not one.
pub fn csv_by_canbao(lines: &[String], header: Option<&[String]>) -> bool {
    let Some(line) = lines.first() else { return false };
    let cells = cells(line);
    if let Some(header) = header
        && !header.is_empty()
        && cells.len() >= header.len()
        && cells.iter().zip(header).all(|(a, b)| a == b.trim())
        && cells[header.len()..].iter().all(String::is_empty)
    {
        return true;
    }
    let Some((first, rest)) = cells.split_first() else { return false };
    if !rest.iter().all(String::is_empty) {
        return false;
    }
    let Some(labels) = lines.get(1).map(|l| self::cells(l)).filter(|labels| label_line(labels)) else { return false };
    is_export_title(first, export_year(&[labels]).is_some())
}

/// Which of canbao's titled exports the rows above a header are the title block of: the title an export writes
/// (a ledger's 台账, 在校学生信息表, the 参保花名册, 参保进度汇总, a class's 参保缴费核对表) on a row of its own, and the
/// label row under it (学校名称：…, 填报时间：…). The title, if so; a class list a teacher titled like an export,
/// without the label row, is not one.
pub fn export_title(rows: &[Vec<String>]) -> Option<String> {
    let first = |row: &Vec<String>| row.iter().map(|c| c.trim()).find(|c| !c.is_empty()).map(str::to_owned);
    let year_named = export_year(rows).is_some();
    let title = rows.iter().filter_map(first).find(|t| is_export_title(t, year_named))?;
    let labelled = rows.iter().any(|row| {
        let has = |label: &str| row.iter().any(|c| c.trim().starts_with(label));
        has("学校名称：") && has("填报时间：")
    });
    labelled.then_some(title)
}

/// The insured year the label row of an export's title block names (`保险年度：2027年度`, see
/// `sheet::year_line`); `None` when no cell says one, as canbao wrote its forms before it kept years.
pub fn export_year(rows: &[Vec<String>]) -> Option<i32> {
    rows.iter().flatten().find_map(|cell| {
        let year = cell.trim().strip_prefix("保险年度：")?.trim().strip_suffix("年度")?.trim();
        year.parse().ok()
    })
}

/// The title of one of canbao's own forms among the first rows of a sheet in which no header of a list was found:
/// a row's first cell that is an export's title, or the payment notices' (缴费告知单). No label row is asked for
/// (`export_title` asks one, to tell a teacher's list titled like an export): with no header there is no list to
/// take for one, and the summary's workbook writes each label on a row of its own (保险年度：…, 填报时间：…). What the import
/// and reconcile name such a file by, rather than by the header it lacks.
pub fn own_title_without_list(rows: &[Vec<String>]) -> Option<String> {
    let year_named = export_year(rows).is_some();
    rows.iter()
        .filter_map(|row| row.iter().map(|c| c.trim()).find(|c| !c.is_empty()))
        .find(|title| is_export_title(title, year_named) || *title == NOTICES_TITLE)
        .map(str::to_owned)
}

/// Which of canbao's own exports the file at `path` is, by the title block one of its sheets starts with (or, with
/// no title, a workbook whose properties name canbao, as the agency's template): its title, and whether `canbao
/// import` reads its pupils back. A ledger (canbao's report of the drive), the progress summary and the payment
/// notices (no list of pupils) it refuses. `None` for any other file, or one that cannot be read.
pub fn own_export(path: &Path) -> Option<(String, bool)> {
    let sheets = super::table::open_file(path).ok()?;
    for sheet in sheets {
        let head: Vec<Vec<String>> = sheet
            .take(super::header::HEADER_SEARCH_ROWS)
            .map_while(Result::ok)
            .map(|row| row.iter().map(super::table::Cell::text).collect())
            .collect();
        if let Some(title) = export_title(&head).or_else(|| own_title_without_list(&head)) {
            let refused = is_ledger_title(&title) || title == NOTICES_TITLE || title == SUMMARY_TITLE;
            return Some((title, !refused));
        }
    }
    workbook_by_canbao(path).then(|| (OWN_FORM_UNTITLED.to_owned(), true))
}

/// What a file of canbao's with no list in it is called when its title says nothing: a workbook whose document
/// properties name canbao.
pub const OWN_FORM_UNTITLED: &str = "表格";

/// Whether `text` is the title of one of canbao's exports. The student information sheet titled with its city
/// (柳州市在校学生信息表, `sheet::title`) is canbao's only where the rows name the insured year (`year_named`:
/// 保险年度：…, which every form canbao titles so carries): the notice's own form bears such a title too (001 附件2
/// 「宜宾市在校学生信息表」), and a school that fills it in by hand, 学校名称 and 填报时间 included, hands in a class list.
fn is_export_title(text: &str, year_named: bool) -> bool {
    [SHEET_TITLE, SPECIAL_TITLE, SUMMARY_TITLE].contains(&text)
        || (year_named && is_sheet_title(text))
        || (text.ends_with(CLASS_TITLE) && text.len() > CLASS_TITLE.len())
        || is_ledger_title(text)
}

/// A ledger's title (「未缴费台账」): the four ledgers are canbao's report of the drive, never a list to read back.
pub fn is_ledger_title(text: &str) -> bool {
    Ledger::ALL.iter().any(|l| text.strip_suffix("台账") == Some(l.label_zh()))
}

/// The line under an export's title: 学校名称：…, 保险年度：…, 填报时间：….
fn label_line(cells: &[String]) -> bool {
    let has = |label: &str| cells.iter().any(|c| c.starts_with(label));
    has("学校名称：") && has("填报时间：")
}

/// What an export of canbao's is, by its first rows: its title and the school its label row names
/// (「在校学生信息表，学校名称：一小」; another year's is a re-export, as the file's name is the operator's); with no title (the agency's template), its header and the
/// school of its first row. `None` for a file that cannot be read as a table. Two files with the same signature
/// are the same form of the same school: one is a re-export of the other.
pub fn form_signature(path: &Path) -> Option<String> {
    let sheet = super::table::open_file(path).ok()?.into_iter().next()?;
    let rows: Vec<Vec<String>> = sheet
        .take(6)
        .map_while(Result::ok)
        .map(|row| row.iter().map(super::table::Cell::text).map(|c| c.trim().to_owned()).collect())
        .collect();
    let title = export_title(&rows).or_else(|| own_title_without_list(&rows));
    let label = |prefix: &str| rows.iter().flatten().find(|c| c.starts_with(prefix)).cloned();
    let mut parts = match title {
        // The sheet titled with its policy's city is the same sheet under another policy (one chosen since).
        Some(title) if is_sheet_title(&title) => vec![SHEET_TITLE.to_owned()],
        Some(title) => vec![title],
        None => {
            let header = rows.first()?;
            let school = header.iter().position(|h| h.contains("学校"));
            let first = rows.get(1);
            let mut parts = vec![header.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(",")];
            parts.extend(school.and_then(|i| first?.get(i)).filter(|s| !s.is_empty()).cloned());
            return Some(parts.join("，"));
        }
    };
    parts.extend(label("学校名称："));
    Some(parts.join("，"))
}

/// A form signature (`form_signature`) as words name it: the form (its title, or with no title the header it
/// starts with) and the school its label row names, if any.
pub fn form_named(signature: &str) -> (String, Option<String>) {
    match signature.split_once("，学校名称：") {
        Some((title, school)) => (title.to_owned(), Some(school.to_owned())),
        None => (signature.to_owned(), None),
    }
}

/// A form's name (`form_named`: its title, or the header an untitled one starts with) in English, for a screen in
/// English: the student information sheet, a ledger, the roster of special categories …; a title canbao does not
/// write is kept as it is (a school's own words).
pub fn form_name_en(form: &str) -> String {
    if let Some(l) = Ledger::ALL.iter().find(|l| form.strip_suffix("台账") == Some(l.label_zh())) {
        return format!("{} ledger", l.label_en());
    }
    match form {
        _ if form.ends_with(SHEET_TITLE) => "student information sheet".to_owned(),
        _ if form.ends_with(CLASS_TITLE) => "class check list".to_owned(),
        _ if form == SPECIAL_TITLE => "roster of special categories".to_owned(),
        _ if form == SUMMARY_TITLE => "progress summary".to_owned(),
        _ if form == NOTICES_TITLE => "payment notices".to_owned(),
        _ if form == OWN_FORM_UNTITLED => "form".to_owned(),
        // The agency's template has no title: it is named by the header it starts with.
        _ if form.starts_with("序号,姓名,证件类型") => "batch enrollment template".to_owned(),
        _ => form.to_owned(),
    }
}

/// The signature of the student information sheet of `school` (`sheet::export_sheet` writes its first school's
/// first): what `form_signature` reads back from it.
pub fn sheet_signature(school: &str) -> String {
    format!("{}，学校名称：{school}", SHEET_TITLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_read_in_every_encoding_a_spreadsheet_saves() {
        let line = "在校学生信息表\r\n学校,姓名\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(line.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(line.encode_utf16().flat_map(u16::to_be_bytes));
        let gb = encoding_rs::GB18030.encode(line).0.into_owned();
        let bom = [b"\xEF\xBB\xBF".as_slice(), line.as_bytes()].concat();
        for bytes in [line.as_bytes().to_vec(), bom, le, be, gb] {
            assert_eq!(first_line(&bytes), "在校学生信息表");
            assert_eq!(first_lines(&bytes, 2), ["在校学生信息表", "学校,姓名"]);
        }
    }

    #[test]
    fn a_class_list_is_not_an_export_and_titles_are_lines_of_their_own() {
        let ours = |lines: &[&str], header: Option<&[String]>| {
            csv_by_canbao(&lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>(), header)
        };
        const LABELS: &str = "学校名称：一小,保险年度：2027年度,填报时间：2026-12-02";
        assert!(!ours(&["学校,姓名,身份证号码,年级,班级,联系电话,人员类别"], None));
        assert!(!ours(&["在校学生信息表,姓名", LABELS], None));
        assert!(!ours(&[CLASS_TITLE, LABELS], None));
        assert!(ours(&["在校学生信息表", LABELS], None));
        // Titled with the policy's city, as the notice titles its form (001 附件2), beside the insured year.
        assert!(ours(&["柳州市在校学生信息表", LABELS], None));
        assert!(ours(&["宜宾市在校学生信息表,,,", LABELS], None));
        assert!(!ours(&["我的在校学生信息表", LABELS], None));
        // The notice's own form filled in by hand names no insured year: a school's list.
        assert!(!ours(&["宜宾市在校学生信息表,,,", "学校名称：一小,,,填报时间：2026-09-10,,"], None));
        assert!(ours(&["在校学生信息表", "学校名称：一小,填报时间：2026-09-10"], None), "an older canbao's");
        assert!(ours(&["一年级1班 参保缴费核对表,,", &format!("{LABELS},,,")], None));
        assert!(ours(&["\"未缴费台账\"", LABELS], None));
        // A teacher's list titled like the export, with its own header under the title.
        assert!(!ours(&["在校学生信息表", "序号,姓名,身份证号码,班级,班主任备注"], None));
        assert!(!ours(&["在校学生信息表"], None));
        let header = vec!["序号".to_owned(), "姓名".to_owned()];
        assert!(ours(&["序号,姓名"], Some(&header)));
        assert!(!ours(&["序号,姓名,班级"], Some(&header)));
        assert!(!ours(&["序号,姓名"], None));
    }

    #[test]
    fn a_sheet_titled_with_a_city_is_an_export() {
        let rows = |title: &str, year: &str| {
            let labels = ["学校名称：一小", year, "填报时间：2026-12-02"];
            vec![vec![title.to_owned()], labels.iter().map(|c| (*c).to_owned()).collect()]
        };
        const YEAR: &str = "保险年度：2027年度";
        for title in ["在校学生信息表", "柳州市在校学生信息表", "黔东南苗族侗族自治州在校学生信息表"]
        {
            assert_eq!(export_title(&rows(title, YEAR)).as_deref(), Some(title));
            assert_eq!(own_title_without_list(&rows(title, YEAR)).as_deref(), Some(title));
        }
        assert_eq!(export_title(&rows("2026在校学生信息表", YEAR)), None);
        // The notice's form a school filled in by hand (001 附件2) names no insured year: not canbao's.
        assert_eq!(export_title(&rows("宜宾市在校学生信息表", "")), None);
        assert_eq!(own_title_without_list(&rows("宜宾市在校学生信息表", "")), None);
        assert_eq!(export_title(&rows("在校学生信息表", "")).as_deref(), Some("在校学生信息表"), "an older canbao's");
    }

    #[test]
    fn the_year_is_read_from_the_label_row() {
        let rows =
            |cells: &[&str]| vec![vec!["在校学生信息表".to_owned()], cells.iter().map(|c| (*c).to_owned()).collect()];
        assert_eq!(export_year(&rows(&["学校名称：一小", "保险年度：2027年度", "填报时间：2026-12-02"])), Some(2027));
        assert_eq!(export_year(&rows(&["学校名称：一小", " 保险年度：2028年度 "])), Some(2028));
        assert_eq!(export_year(&rows(&["学校名称：一小", "填报时间：2026-12-02"])), None, "an older canbao's");
        assert_eq!(export_year(&rows(&["保险年度：明年"])), None);
    }

    #[test]
    fn the_creator_is_found_under_any_prefix() {
        let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:dc="x"><dc:title/><dc:creator>canbao</dc:creator></cp:coreProperties>"#;
        assert_eq!(element_text(core, "creator"), Some("canbao"));
        assert_eq!(element_text(core, "title"), None);
    }
}
