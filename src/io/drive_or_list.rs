//! Whether a file given where a drive was meant (`--db`, merge, restore, push) is a class list or one of canbao's
//! own forms instead, read as a table to tell: above the readers, where `sniff` tells plainly-other files by their
//! first bytes, below them.

use std::io::{Read, Seek};
use std::path::Path;

use super::sniff::{CONTAINER, HEAD, OLE, ZIP, file_not_a_table, is_drive, is_text, ole_streams, zip_kind};
use super::{header, ownership};

/// Whether a file is a spreadsheet, as a class list is: an XLSX or ODS workbook, an XLS (or an XLSX with a
/// password to open), or a CSV, TSV or TXT file of text. Asked of a path given where a drive was meant
/// (`--db 名单.xlsx`), which a drive (SQLite, or an encrypted drive's random bytes) never is.
pub fn file_is_spreadsheet(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut head = Vec::new();
    if (&mut file).take(HEAD).read_to_end(&mut head).is_err() || head.is_empty() {
        return false;
    }
    if head.starts_with(ZIP) {
        // A zip whose table of contents reads, with a workbook's parts (`zip_kind` leaves those to the readers).
        let archive = file.rewind().ok().and_then(|()| zip::ZipArchive::new(std::io::BufReader::new(file)).ok());
        return archive.is_some() && zip_kind(archive, &head).is_none();
    }
    if head.starts_with(OLE) {
        let _ = file.take(CONTAINER).read_to_end(&mut head);
        let streams = ole_streams(&head);
        return ["Workbook", "Book", "EncryptedPackage"]
            .iter()
            .any(|w| streams.iter().any(|s| s.eq_ignore_ascii_case(w)));
    }
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if !is_text(&head) {
        return false;
    }
    // A CSV or TSV by its name is a table; a TXT is one when Excel saved it ("Unicode text", UTF-16) or when it
    // reads as a class list; any other name (a list saved as `school.db`) only when it reads as a class list,
    // so that a note or a log is not called one. An .xls that is a web page's table or an Excel 2003 XML
    // workbook, as school systems export them, is one as the import reads it (`table::disguised_workbook`).
    let named = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match named.as_deref() {
        Some("csv" | "tsv") => true,
        Some("xls" | "xlsx" | "xml" | "et") if super::table::disguised_workbook(&head).is_some() => true,
        Some("txt") if utf16 => true,
        _ => header::text_has_list_header(&head),
    }
}

/// A merge's or a restore's refusal of a file that is no drive, with the file named for what it is when it is
/// plainly something else (a class list or a document picked by mistake), as an import names a drive.
pub fn named_other_file_error(
    e: crate::store::StoreError,
    other: &Path,
    taken_for: crate::store::OtherFileUse,
) -> crate::store::StoreError {
    use crate::store::StoreError;
    match e {
        StoreError::NotADatabase { path } if file_is_spreadsheet(other) => match ownership::own_export(other) {
            // One of canbao's own forms is named as such: an import would refuse a ledger, so it is not offered.
            Some((form, import)) => StoreError::OwnExport { path, form, import, taken_for },
            None => StoreError::OtherFileTable { path, taken_for },
        },
        StoreError::NotADatabase { path } => match file_not_a_table(other) {
            Some(what) if !is_drive(what) => StoreError::OtherFileKind { path, what, taken_for },
            _ => StoreError::NotADatabase { path },
        },
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::super::sniff::tests::{ole_of, zip_of};
    use super::*;

    #[test]
    fn a_spreadsheet_is_told_from_a_drive_and_from_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            file_is_spreadsheet(&path)
        };
        assert!(file("名单.xlsx", &zip_of(&[("xl/workbook.xml", "<workbook/>")])));
        assert!(file("名单.xls", &ole_of(&["Workbook"])));
        assert!(file("名单.csv", "姓名,身份证号码\n".as_bytes()));
        assert!(file("名单.TXT", b"\xFF\xFEx\0"));
        assert!(!file("drive.db", b"SQLite format 3\0"), "a drive");
        assert!(!file("drive.csv", b"SQLite format 3\0"), "a drive under a list's name");
        assert!(!file("new.db", b""), "an empty file is a new drive");
        assert!(!file("notes.db", b"some text"), "text under another name: left to the drive's own check");
        assert!(!file("一班.xlsx", &zip_of(&[("word/document.xml", "<w/>")])));
        assert!(!file("一班.csv", b"%PDF-1.7"));
        assert!(!file_is_spreadsheet(&dir.path().join("nosuch.xlsx")));
    }

    /// An .xls that is really a web page's table (UTF-8 or UTF-16) or an Excel 2003 XML workbook is a spreadsheet,
    /// as a real .xls is: `--db` given one names it so, never a damaged drive.
    #[test]
    fn an_xls_that_is_a_web_page_or_excel_2003_xml_is_a_spreadsheet() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            file_is_spreadsheet(&path)
        };
        let html = "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>姓名</td><td>身份证号码</td></tr>\
                    </table></body></html>";
        let xml = "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" \
                   xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"一班\"><Table><Row>\
                   <Cell><Data ss:Type=\"String\">姓名</Data></Cell></Row></Table></Worksheet></Workbook>";
        assert!(file("名单.xls", html.as_bytes()), "a web page's table");
        assert!(file("名单2.XLS", xml.as_bytes()), "Excel 2003 XML");
        assert!(file("名单.xml", xml.as_bytes()), "Excel 2003 XML by its own name");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(html.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert!(file("名单3.xls", &utf16), "a web page in UTF-16");
    }
}
