//! What a file is when it is plainly not a table — a PDF, a Word document, a picture, a zip of something else —
//! told from its bytes, so that a renamed file (a PDF saved as `名单.xlsx`) is named for what it is, before any
//! reader parses it and says something about a header row or in its own English. The file picker asks the same
//! question of a path before an import starts; the readers ask it of the bytes they were given.

use std::io::{Read, Seek};
use std::path::Path;

pub(super) const ZIP: &[u8] = b"PK\x03\x04";
pub(super) const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

const PDF: &str = "这是 PDF 文件，不是表格 (a PDF, not a spreadsheet)";
const PICTURE: &str = "这是图片，不是表格 (a picture, not a spreadsheet)";
const WORD: &str = "这是 Word 文档，不是表格 (a Word document, not a spreadsheet)";
const TEXT_DOCUMENT: &str = "这是文字文档，不是表格 (a text document, not a spreadsheet)";
const PRESENTATION: &str = "这是演示文稿，不是表格 (a presentation, not a spreadsheet)";
const ARCHIVE: &str =
    "这是压缩包，不是表格；请先解压，再导入其中的表格 (an archive, not a spreadsheet: unpack it first)";
/// A zip with nothing in it: its only record is the end of its table of contents. Under a workbook's name it is a
/// save or a download that stopped before anything was written, not a picture.
const EMPTY_ZIP: &str = "这是空的 zip 压缩包，其中没有工作簿（可能是保存或下载没有完成）：请重新取得这份名单 \
     (an empty zip archive holding no workbook, maybe a save or download that did not finish: get the list again)";
/// A canbao drive (another laptop's, a backup) picked as a class list: another laptop's pupils come in by merge,
/// which keeps both laptops' marks and history; a backup of this drive is gone back to by restore. The command
/// line and the screen say it with their own commands ([`is_drive`]); this is what the rest say.
pub const DRIVE: &str = "这是 canbao 数据文件，不是名单：要并入另一台电脑的数据，请用 合并（canbao merge 文件）；\
     若是本数据文件的备份，要回到它，请用 恢复（canbao restore 文件） (a canbao drive, not a class list: to bring \
     another laptop's data in, merge it: canbao merge FILE; to go back to a backup of this drive, restore it: \
     canbao restore FILE)";
/// Bytes that look like noise, as an encrypted drive's are from its first byte on (SQLCipher keeps no plain
/// header): most likely another laptop's encrypted drive or a backup of one, which no table ever looks like.
/// A damaged file may look the same, and the words say so.
#[cfg(feature = "encryption")]
pub const ENCRYPTED_DRIVE: &str = "这像是加密的 canbao 数据文件（也可能是已损坏或加密的其他文件），不是名单：\
     要并入另一台电脑的数据，请用 合并（canbao merge 文件，需要它的口令）；若是本数据文件的备份，要回到它，请用 恢复\
     （canbao restore 文件） (this looks like an encrypted canbao drive (or a damaged or encrypted file of another \
     kind), not a class list: to bring another laptop's data in, merge it: canbao merge FILE, with its passphrase; \
     to go back to a backup of this drive, restore it: canbao restore FILE)";
/// [`ENCRYPTED_DRIVE`] for a build that cannot read one: only a build with encryption can merge it.
#[cfg(not(feature = "encryption"))]
pub const ENCRYPTED_DRIVE: &str = "这像是加密的 canbao 数据文件（也可能是已损坏或加密的其他文件），不是名单；\
     此版本的 canbao 不支持加密，读不了它：要并入其中的数据，请用支持加密的 canbao（--features encryption）\
     合并（canbao merge 文件） (this looks like an encrypted canbao drive (or a damaged or encrypted file of another \
     kind), not a class list; this build of canbao cannot read encrypted drives: merge it with a canbao built with \
     --features encryption: canbao merge FILE)";
/// Noise under a spreadsheet's name (`名单.xlsx`, `名单.csv`): a list damaged in copying, or encrypted by some
/// tool, more likely than a drive renamed.
pub const NOISE: &str = "这个文件的内容像是已损坏或加密的数据，不是能读的表格：请重新取得这份名单（重新导出或复制） \
     (the file holds what looks like damaged or encrypted data, not a readable table: get the list again, exported \
     or copied anew)";
/// The drive being imported into, picked as its own class list.
pub const THE_DRIVE: &str = "这是正在使用的数据文件本身，不是班级名单，未导入；请选择班级名单（Excel、WPS 或 CSV 表格） \
     (the drive open now, not a class list: nothing imported; pick the class list, an Excel, WPS or CSV sheet)";
/// An SQLite database that does not say it is canbao's: another program's, or a drive from before the mark.
const SQLITE: &str = "这是 SQLite 数据库，不是表格；若是 canbao 数据文件，请用 合并（canbao merge 文件） \
     (an SQLite database, not a spreadsheet; if it is a canbao drive, merge it: canbao merge FILE)";
/// An XLSX saved with a password to open is no zip but an encrypted package in an old Office container: no
/// reader can open it, and "damaged" would send the operator looking for another copy.
pub const PASSWORD: &str = "此工作簿设有打开密码：请在 Excel/WPS 中打开，取消密码后另存，再导入 \
     (the workbook has a password to open: open it in Excel or WPS, remove the password, save it, and import it again)";

/// How much of a file the picker reads to judge it by its first bytes.
pub(super) const HEAD: u64 = 4096;
/// How much of an old Office container is read to find its directory: a Word document past this is left to
/// the reader, whose own refusal is then said.
pub(super) const CONTAINER: u64 = 64 * 1024 * 1024;

/// What the bytes are, when they are plainly no table; `None` for anything a reader should judge (a table, a
/// damaged workbook, text). `bytes` is the whole file, or its first bytes only, which judge all but a zip or an
/// old Office container.
pub fn not_a_table(bytes: &[u8]) -> Option<&'static str> {
    if let Some(what) = by_signature(bytes) {
        return Some(what);
    }
    if bytes.starts_with(ZIP) {
        return zip_kind(zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok(), bytes);
    }
    if bytes.starts_with(OLE) {
        return ole_kind(bytes);
    }
    looks_like_noise(bytes).then_some(ENCRYPTED_DRIVE)
}

/// [`not_a_table`] for a file on disk, reading what it needs: the first bytes, a zip's table of contents (at
/// its end), and the whole of an old Office container only (their table of contents may be anywhere).
/// `None` also when the file cannot be read: the reader then says why.
pub fn file_not_a_table(path: &Path) -> Option<&'static str> {
    // Never opened: a pipe would wait for ever. The reader refuses it (`table::file_bytes`).
    if crate::store::special_file(path) {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = Vec::new();
    (&mut file).take(HEAD).read_to_end(&mut head).ok()?;
    if let Some(what) = by_signature(&head) {
        return Some(what);
    }
    if head.starts_with(ZIP) {
        file.rewind().ok()?;
        return zip_kind(zip::ZipArchive::new(std::io::BufReader::new(file)).ok(), &head);
    }
    if head.starts_with(OLE) {
        file.take(CONTAINER).read_to_end(&mut head).ok()?;
        return ole_kind(&head);
    }
    looks_like_noise(&head).then_some(ENCRYPTED_DRIVE).map(|what| by_name(what, path))
}

/// What [`not_a_table`] said of a file, with its name taken into account: noise under a spreadsheet's name is
/// [`NOISE`], not an encrypted drive, which canbao names `.db`.
pub fn by_name(what: &'static str, name: &Path) -> &'static str {
    const SPREADSHEETS: [&str; 10] = ["csv", "tsv", "txt", "xlsx", "xlsm", "xlsb", "xls", "ods", "et", "ett"];
    let extension = name.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension {
        Some(e) if what == ENCRYPTED_DRIVE && SPREADSHEETS.contains(&e.as_str()) => NOISE,
        _ => what,
    }
}

/// Whether what [`not_a_table`] said is that the file is a canbao drive, plain or encrypted: the command line
/// and the screen then name their own ways to merge or restore it.
pub fn is_drive(what: &str) -> bool {
    what == DRIVE || what == ENCRYPTED_DRIVE
}

/// Whether the first bytes (at least 1 KiB of them) look like noise: every byte value about as often as any
/// other, as encrypted (and compressed) data is. Text in any encoding has favourites (digits, commas, the NUL
/// of UTF-16, a script's lead bytes), and so have the headers of pictures and documents.
fn looks_like_noise(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(HEAD as usize)];
    if head.len() < 1024 {
        return false;
    }
    let mut counts = [0usize; 256];
    for &b in head {
        counts[usize::from(b)] += 1;
    }
    let used = counts.iter().filter(|&&n| n > 0).count();
    let most = counts.iter().copied().max().unwrap_or(0);
    // Random bytes: in 1 KiB nearly all 256 values appear and none more than about three times its share;
    // four times is room to spare.
    used >= 200 && most * 256 <= head.len() * 4
}

/// Whether the bytes (the whole file: the container's directory may be anywhere) are a workbook with a
/// password to open: an old Office container holding `EncryptedPackage` (how Excel and WPS save an XLSX with
/// a password) and no workbook stream. An XLS with a password keeps its `Workbook` stream, encrypted inside;
/// its reader says so itself.
pub fn encrypted(bytes: &[u8]) -> bool {
    if !bytes.starts_with(OLE) {
        return false;
    }
    let streams = ole_streams(bytes);
    let has = |name: &str| streams.iter().any(|s| s.eq_ignore_ascii_case(name));
    has("EncryptedPackage") && !has("Workbook") && !has("Book")
}

/// The largest lock file taken for one: Excel's and WPS's are 165 bytes, LibreOffice's a line of text.
const LOCK_BYTES: u64 = 4096;

/// What is said of a lock file Excel, WPS or LibreOffice keeps beside a workbook while it is open (`~$三年级2班.xlsx`,
/// `.~lock.三年级2班.xlsx#`), told by its name and size: no list, with the workbook it stands for. A batch leaves it
/// out and imports the rest; the file picker does not list it, as Excel and WPS do not.
pub fn office_lock(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let (app, locked) = match name.strip_prefix("~$") {
        Some(rest) => ("Excel/WPS", rest),
        None => ("LibreOffice", name.strip_prefix(".~lock.")?.strip_suffix('#')?),
    };
    if locked.is_empty() || std::fs::metadata(path).ok().is_none_or(|m| !m.is_file() || m.len() > LOCK_BYTES) {
        return None;
    }
    let locked = workbook_locked(path, locked, app);
    let app_short = app.split('/').next().unwrap_or(app);
    Some(format!(
        "{file}：这是 {app} 打开文件时生成的临时文件，不是名单，未导入；请关闭 {app_short} 后选择 {locked} ({file}: a \
         temporary file {app} makes while a file is open, not a list: not imported; close {app_short} and pick {locked})",
        file = path.display()
    ))
}

/// The workbook a lock file stands for: Excel and WPS name it `~$` and the workbook's name, or, for a longer name,
/// `~$` in place of the name's first two characters; so the folder is asked which is there.
fn workbook_locked(path: &Path, locked: &str, app: &str) -> String {
    let Some(dir) = path.parent() else { return locked.to_owned() };
    if app == "LibreOffice" || dir.join(locked).is_file() {
        return locked.to_owned();
    }
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    let mut names = entries.filter_map(|e| e.file_name().into_string().ok());
    names
        .find(|n| n.chars().count() == locked.chars().count() + 2 && n.ends_with(locked) && !n.starts_with("~$"))
        .unwrap_or_else(|| locked.to_owned())
}

/// What the file picker says of a file it will not hand to the importer: plainly no table
/// ([`file_not_a_table`]), or a workbook with a password to open.
pub fn file_not_importable(path: &Path) -> Option<&'static str> {
    if let Some(what) = file_not_a_table(path) {
        return Some(what);
    }
    // Never opened, as in `file_not_a_table`: a pipe would wait for ever.
    if crate::store::special_file(path) {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = Vec::new();
    (&mut file).take(OLE.len() as u64).read_to_end(&mut head).ok()?;
    if !head.starts_with(OLE) {
        return None;
    }
    file.take(CONTAINER).read_to_end(&mut head).ok()?;
    encrypted(&head).then_some(PASSWORD)
}

/// Whether the first bytes of a file are text: no NUL byte, unless UTF-16 says so with its BOM ("Unicode text"
/// as Excel saves it), and no known format's signature.
pub(super) fn is_text(head: &[u8]) -> bool {
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    !head.is_empty() && (utf16 || !head.contains(&0)) && by_signature(head).is_none() && !looks_like_noise(head)
}

/// What a file given where a drive was meant (`--db`) is, when it is plainly something else: text that is no
/// class list (a note, a log), or a document, a picture or an archive ([`file_not_a_table`]). A class list is
/// `drive_or_list::file_is_spreadsheet`'s; a drive, encrypted or damaged, and an SQLite file are left to the drive's own check.
pub fn file_not_a_drive(path: &Path) -> Option<&'static str> {
    if crate::store::special_file(path) {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path).ok()?.take(HEAD).read_to_end(&mut head).ok()?;
    if is_text(&head) {
        return Some(TEXT);
    }
    file_not_a_table(path).filter(|what| !is_drive(what) && *what != SQLITE && *what != NOISE)
}

/// Text given where a drive was meant that reads as no class list.
pub const TEXT: &str = "这是文本文件，不是表格 (a text file, not a spreadsheet)";

/// The formats known by their first bytes alone.
fn by_signature(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"SQLite format 3\0") {
        // `PRAGMA application_id` is kept at byte 68 of the header; a drive from before the mark is known by its
        // pupils' table, whose definition the first page holds.
        let mark = u32::try_from(crate::store::schema::APPLICATION_ID).map(u32::to_be_bytes).ok();
        let marked = mark.is_some_and(|mark| head.get(68..72) == Some(&mark[..]));
        let tables = head.windows(21).any(|w| w == b"CREATE TABLE students");
        return Some(if marked || tables { DRIVE } else { SQLITE });
    }
    if head.starts_with(b"%PDF") {
        return Some(PDF);
    }
    if head.starts_with(b"PK\x05\x06") {
        return Some(EMPTY_ZIP);
    }
    let bitmap = head.starts_with(b"BM") && matches!(head.get(6..10), Some([0, 0, 0, 0]));
    let webp = head.starts_with(b"RIFF") && matches!(head.get(8..12), Some(b"WEBP"));
    let heic = matches!(head.get(4..8), Some(b"ftyp")) && matches!(head.get(8..12), Some(b"heic" | b"heix" | b"mif1"));
    if head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xff\xd8\xff")
        || head.starts_with(b"GIF8")
        || head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || bitmap
        || webp
        || heic
    {
        return Some(PICTURE);
    }
    // What Word and WPS save as "RTF": text, but a document's, not a table's.
    if head.starts_with(b"{\\rtf") {
        return Some(WORD);
    }
    if head.starts_with(b"Rar!\x1a\x07") || head.starts_with(b"7z\xbc\xaf\x27\x1c") || head.starts_with(b"\x1f\x8b") {
        return Some(ARCHIVE);
    }
    None
}

/// A zip is a workbook when it has the parts a workbook reader opens (`xl/` for XLSX and XLSB, the OpenDocument
/// spreadsheet type for ODS); otherwise what its parts say it is. A zip whose table of contents cannot be read
/// is judged from its first entries' names, or left to the reader, which calls it damaged.
pub(super) fn zip_kind<R: Read + Seek>(archive: Option<zip::ZipArchive<R>>, head: &[u8]) -> Option<&'static str> {
    let Some(mut archive) = archive else {
        let text = String::from_utf8_lossy(head);
        return if text.contains("word/") {
            Some(WORD)
        } else if text.contains("ppt/") {
            Some(PRESENTATION)
        } else {
            None
        };
    };
    // calamine finds parts case-insensitively and with either slash: so are they looked for here.
    let names: Vec<String> =
        archive.file_names().flatten().map(|n| n.to_ascii_lowercase().replace('\\', "/")).collect();
    if names.iter().any(|n| n.starts_with("xl/")) {
        return None;
    }
    let mut mimetype = String::new();
    if let Ok(entry) = archive.by_name("mimetype") {
        let _ = entry.take(200).read_to_string(&mut mimetype);
    }
    match mimetype.trim() {
        m if m.contains("opendocument.spreadsheet") => None,
        m if m.contains("opendocument.text") => Some(TEXT_DOCUMENT),
        m if m.contains("opendocument.presentation") => Some(PRESENTATION),
        _ if names.iter().any(|n| n.starts_with("word/")) => Some(WORD),
        _ if names.iter().any(|n| n.starts_with("ppt/")) => Some(PRESENTATION),
        _ => Some(ARCHIVE),
    }
}

/// An old Office file (and WPS's) is a container of named streams: a workbook has one called `Workbook` (or
/// `Book`), a Word document `WordDocument`, a presentation `PowerPoint Document`. The container's directory
/// entries sit at multiples of 128 bytes; each starts with its name in UTF-16, then the name's length in bytes
/// and the entry's type (2: a stream). Only a container with no workbook in it is named: one holding a
/// workbook (with a Word document embedded in a sheet, say) is the reader's, as is an encrypted one.
fn ole_kind(bytes: &[u8]) -> Option<&'static str> {
    let streams = ole_streams(bytes);
    let has = |name: &str| streams.iter().any(|s| s.eq_ignore_ascii_case(name));
    if has("Workbook") || has("Book") || has("EncryptedPackage") {
        return None;
    }
    if has("WordDocument") {
        Some(WORD)
    } else if has("PowerPoint Document") {
        Some(PRESENTATION)
    } else {
        None
    }
}

/// The names of an old Office container's streams, as `ole_kind` says they are laid out.
pub(super) fn ole_streams(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks_exact(128)
        .filter(|entry| entry[66] == 2)
        .filter_map(|entry| {
            // The length counts the closing NUL; a name has at most 31 characters.
            let len = usize::from(u16::from_le_bytes([entry[64], entry[65]]));
            let name = entry.get(..len.checked_sub(2).filter(|&n| n <= 62)?)?;
            let units: Vec<u16> = name.chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
            String::from_utf16(&units).ok()
        })
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::io::Write;

    pub(in crate::io) fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in parts {
            out.start_file(*name, zip::write::SimpleFileOptions::default()).expect("entry");
            out.write_all(text.as_bytes()).expect("write");
        }
        out.finish().expect("zip").into_inner()
    }

    /// An old Office container's directory entry: its name, its length, and the stream type.
    fn ole_entry(name: &str) -> Vec<u8> {
        let mut entry = vec![0u8; 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry[..units.len()].copy_from_slice(&units);
        entry[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
        entry[66] = 2;
        entry
    }

    pub(in crate::io) fn ole_of(streams: &[&str]) -> Vec<u8> {
        let mut bytes = OLE.to_vec();
        bytes.resize(512, 0);
        for s in streams {
            bytes.extend(ole_entry(s));
        }
        bytes
    }

    #[test]
    fn what_is_not_a_table_is_named_by_its_content() {
        assert_eq!(not_a_table(b"%PDF-1.7 ..."), Some(PDF));
        assert_eq!(not_a_table(b"\x89PNG\r\n\x1a\n...."), Some(PICTURE));
        assert_eq!(not_a_table(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(PICTURE));
        assert_eq!(not_a_table(b"{\\rtf1\\ansi ..."), Some(WORD));
        assert_eq!(not_a_table(b"Rar!\x1a\x07\x01\0"), Some(ARCHIVE));
        let docx = zip_of(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]);
        assert_eq!(not_a_table(&docx), Some(WORD));
        let pptx = zip_of(&[("ppt/presentation.xml", "<p/>")]);
        assert_eq!(not_a_table(&pptx), Some(PRESENTATION));
        let odt = zip_of(&[("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")]);
        assert_eq!(not_a_table(&odt), Some(TEXT_DOCUMENT));
        let photos = zip_of(&[("一班/照片1.jpg", "...")]);
        assert_eq!(not_a_table(&photos), Some(ARCHIVE));
        assert_eq!(not_a_table(&ole_of(&["1Table", "WordDocument"])), Some(WORD));
        assert_eq!(not_a_table(&ole_of(&["PowerPoint Document"])), Some(PRESENTATION));
        // A drive by its mark, or (from before the mark) by its pupils' table; any other SQLite file as one.
        let sqlite = |at_68: &[u8], schema: &str| {
            let mut head = b"SQLite format 3\0".to_vec();
            head.resize(68, 0);
            head.extend_from_slice(at_68);
            head.resize(100, 0);
            head.extend_from_slice(schema.as_bytes());
            head
        };
        assert_eq!(not_a_table(&sqlite(b"CNBO", "")), Some(DRIVE));
        assert_eq!(not_a_table(&sqlite(b"\0\0\0\0", "CREATE TABLE students (id INTEGER)")), Some(DRIVE));
        assert_eq!(not_a_table(&sqlite(b"\0\0\0\0", "CREATE TABLE t(x)")), Some(SQLITE));
    }

    /// Bytes as an encrypted drive's look: noise from the first byte on.
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x9E37_79B9u32;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn noise_is_named_an_encrypted_drive_under_a_drives_name_and_damaged_under_a_lists() {
        assert_eq!(not_a_table(&noise(4096)), Some(ENCRYPTED_DRIVE));
        assert_eq!(not_a_table(&noise(64 * 1024)), Some(ENCRYPTED_DRIVE), "judged by its first bytes");
        assert_eq!(not_a_table(&noise(1000)), None, "too little to tell: the reader's");
        let dir = tempfile::tempdir().unwrap();
        for (name, what) in
            [("另一台.db", ENCRYPTED_DRIVE), ("drive", ENCRYPTED_DRIVE), ("名单.xlsx", NOISE), ("名单.CSV", NOISE)]
        {
            let path = dir.path().join(name);
            std::fs::write(&path, noise(8192)).unwrap();
            assert_eq!(file_not_a_table(&path), Some(what), "{name}");
            assert_eq!(file_not_importable(&path), Some(what), "{name}");
            assert_eq!(by_name(ENCRYPTED_DRIVE, &path), what, "{name}");
        }
        assert!(is_drive(DRIVE) && is_drive(ENCRYPTED_DRIVE) && !is_drive(NOISE) && !is_drive(SQLITE));
        // Text has favourite bytes in any encoding, however many different ones it uses.
        let mut list = String::from("学校,姓名,身份证号码,班级,联系电话\n");
        for i in 0..200u32 {
            list.push_str(&format!(
                "城关镇第一小学,韦{}{},4502022015{i:06}12X,三年级{}班,1380000{i:04}\n",
                '明',
                '亮',
                i % 9
            ));
        }
        for bytes in [list.as_bytes().to_vec(), encoding_rs::GBK.encode(&list).0.into_owned()] {
            assert!(bytes.len() > 4096);
            assert_eq!(not_a_table(&bytes), None);
        }
        let utf16: Vec<u8> = list.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(not_a_table(&utf16), None, "UTF-16 without its BOM");
        // A zip's compressed parts are noise too, but its signature says what it is first.
        let mut zipped = zip_of(&[("xl/workbook.xml", "<workbook/>")]);
        zipped.extend(noise(4096));
        assert_eq!(not_a_table(&zipped), None);
        let mut picture = b"\x89PNG\r\n\x1a\n".to_vec();
        picture.extend(noise(4096));
        assert_eq!(not_a_table(&picture), Some(PICTURE));
    }

    #[test]
    fn tables_and_damaged_workbooks_are_left_to_the_readers() {
        assert_eq!(not_a_table("姓名,身份证号\n".as_bytes()), None);
        assert_eq!(not_a_table(b"\xff\xfe\x53\x59"), None, "UTF-16 text");
        let xlsx = zip_of(&[("[Content_Types].xml", "<Types/>"), ("XL\\workbook.xml", "<workbook/>")]);
        assert_eq!(not_a_table(&xlsx), None, "any case, either slash");
        let ods = zip_of(&[("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>")]);
        assert_eq!(not_a_table(&ods), None);
        assert_eq!(not_a_table(b"PK\x03\x04garbage"), None, "a damaged zip is the reader's to call damaged");
        assert_eq!(not_a_table(&ole_of(&["Workbook", "WordDocument"])), None, "a sheet with a document in it");
        assert_eq!(not_a_table(&ole_of(&["EncryptionInfo", "EncryptedPackage"])), None, "an encrypted workbook");
        let bm = "BMI,姓名,身份证号\n".as_bytes();
        assert!(!encrypted(bm));
        assert_eq!(not_a_table(bm), None, "a CSV starting with BM is no bitmap");
    }

    #[test]
    fn a_file_is_judged_as_its_bytes_are() {
        let dir = tempfile::tempdir().expect("dir");
        let cases: [(&str, Vec<u8>, Option<&str>); 5] = [
            ("名单.xlsx", b"%PDF-1.7 ...".to_vec(), Some(PDF)),
            ("a.csv", b"\x89PNG\r\n\x1a\n....".to_vec(), Some(PICTURE)),
            ("b.csv", "姓名,身份证号\n".as_bytes().to_vec(), None),
            ("c.xlsx", zip_of(&[("word/document.xml", "<w/>")]), Some(WORD)),
            ("d.xls", ole_of(&["WordDocument"]), Some(WORD)),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).expect("write");
            assert_eq!(file_not_a_table(&path), expected, "{name}");
            assert_eq!(not_a_table(&bytes), expected, "{name}");
        }
        assert_eq!(file_not_a_table(&dir.path().join("nosuch.csv")), None);
    }

    #[test]
    fn an_empty_zip_under_a_workbooks_name_is_said_to_hold_no_workbook() {
        let empty = zip_of(&[]);
        assert!(empty.starts_with(b"PK\x05\x06"), "a zip with no entry is its table of contents' end alone");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("名单.xlsx");
        std::fs::write(&path, &empty).expect("write");
        assert_eq!(file_not_a_table(&path), Some(EMPTY_ZIP));
        let said = super::super::table::read_bytes(&empty, "名单.xlsx").expect_err("refused").to_string();
        assert!(said.contains("zip") && said.contains("没有工作簿") && !said.contains("图片"), "{said}");
        assert_eq!(file_not_importable(&dir.path().join("nosuch.csv")), None);
    }

    #[test]
    fn a_workbook_with_a_password_to_open_is_told_apart() {
        let locked = ole_of(&["EncryptionInfo", "EncryptedPackage"]);
        assert!(encrypted(&locked));
        // An XLS with a password keeps its workbook stream, and its reader says so; a Word document is no workbook.
        assert!(!encrypted(&ole_of(&["Workbook", "EncryptionInfo"])));
        assert!(!encrypted(&ole_of(&["WordDocument"])));
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("名单.xlsx");
        std::fs::write(&path, &locked).expect("write");
        assert_eq!(file_not_importable(&path), Some(PASSWORD));
        assert_eq!(file_not_a_table(&path), None, "an export may still refuse it as another kind of file");
        let word = dir.path().join("d.xls");
        std::fs::write(&word, ole_of(&["WordDocument"])).expect("write");
        assert_eq!(file_not_importable(&word), Some(WORD));
    }
}
