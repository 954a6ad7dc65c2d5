//! Files built to break an importer: each gets a clear message naming the file, exit code 1, no panic, and
//! the drive unchanged. The corpus is generated here (deterministically) so it needs no binary blobs.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
    cmd
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    // A minimal stored (uncompressed) zip, enough to look like an OOXML package from the outside.
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// (file name, bytes, what the message must mention besides the file name)
fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let good_xlsx = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/merged_title.xlsx"))
        .expect("fixture");
    let mut junk = Vec::with_capacity(4096);
    let mut x = 0x1234_5678u32;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk.push((x & 0xff) as u8);
    }
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend_from_slice(&junk[..512]);
    let mut wide = String::from("姓名,身份证号码");
    for i in 0..10_000 {
        wide.push_str(&format!(",列{i}"));
    }
    wide.push('\n');
    let mut huge_cell = String::from("姓名,身份证号码\n");
    huge_cell.push_str(&"张".repeat(10 * 1024 * 1024 / 3));
    huge_cell.push_str(",X\n");
    // An OLE compound file header (what an encrypted OOXML workbook is) with nothing valid behind it.
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend_from_slice(&junk[..1024]);
    vec![
        ("empty.csv", Vec::new()),
        ("junk.bin", junk.clone()),
        ("picture.xlsx", png),
        ("truncated.xlsx", good_xlsx[..good_xlsx.len() / 2].to_vec()),
        ("no_sheets.xlsx", zip_with(&[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])),
        ("password.xlsx", encrypted),
        ("unterminated.csv", "姓名,身份证号码\n\"张三,110105194912310021\n李四,1\n".as_bytes().to_vec()),
        ("only_title.csv", "某某小学学生名单\n".as_bytes().to_vec()),
        ("nul_bytes.csv", b"\0\0\0name\0,\0id\0\n\0\0".to_vec()),
        ("ten_thousand_columns.csv", wide.replacen("姓名,身份证号码", "甲,乙", 1).into_bytes()),
        ("huge_cell.csv", huge_cell.replacen("姓名,身份证号码", "甲,乙", 1).into_bytes()),
        (
            "cut_short_page.xls",
            "<html><body><table><tr><td>姓名</td><td>身份证号码</td></tr><tr><td>张三</td><td>1101".as_bytes().to_vec(),
        ),
        (
            "page_without_table.xls",
            "<html><head><title>名单</title></head><body><p>导出失败</p></body></html>".as_bytes().to_vec(),
        ),
        ("nested_page.xls", format!("<html>{}", "<table><tr><td>".repeat(10_000)).into_bytes()),
        (
            "broken_2003.xls",
            "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">\
            <Worksheet><Table><Row><Cell><Data>姓名</Cell></Row></Table></Worksheet></Workbook>"
                .as_bytes()
                .to_vec(),
        ),
        (
            "rows_going_back_2003.xls",
            "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" \
            xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet><Table><Row ss:Index=\"5\"/>\
            <Row ss:Index=\"2\"/></Table></Worksheet></Workbook>"
                .as_bytes()
                .to_vec(),
        ),
        ("mixed_encoding.csv", {
            let mut v = "姓名,备注\n".as_bytes().to_vec();
            v.extend_from_slice(&encoding_rs::GBK.encode("张三,你好\n").0);
            v
        }),
    ]
}

#[test]
fn every_hostile_file_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let good = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    canbao(&db).arg("import").arg(&good).assert().success();
    let before = canbao(&db).args(["stats", "--json"]).output().unwrap().stdout;
    let mut tried = 0;
    for (name, bytes) in corpus() {
        let path = dir.path().join(name);
        std::fs::File::create(&path).unwrap().write_all(&bytes).unwrap();
        let out = canbao(&db).arg("import").arg(&path).timeout(std::time::Duration::from_secs(60)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: exit code; stderr: {stderr}");
        assert!(stderr.contains(name), "{name}: the message names the file: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: no panic: {stderr}");
        assert!(stderr.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{name}: message in Chinese");
        let after = canbao(&db).args(["stats", "--json"]).output().unwrap().stdout;
        assert_eq!(before, after, "{name}: the drive is unchanged");
        tried += 1;
    }
    assert_eq!(tried, corpus().len());
}

/// A workbook still being copied (its end not written yet) is said to be so, in both languages, with what to do:
/// before, it was called damaged and nothing more.
#[test]
fn a_workbook_cut_short_is_said_to_be_still_copying() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let whole = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/merged_title.xlsx"))
        .expect("fixture");
    let path = dir.path().join("一班.xlsx");
    std::fs::write(&path, &whole[..whole.len() * 2 / 3]).unwrap();
    let out = canbao(&db).arg("import").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("一班.xlsx") && stderr.contains("可能还在复制中"), "{stderr}");
    assert!(stderr.contains("请等复制完成后重新导入") && stderr.contains("未保存任何内容"), "{stderr}");
    let out = canbao(&db).args(["--lang", "en", "import"]).arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("may still be being copied") && stderr.contains("wait for the copy to finish"), "{stderr}");
    assert!(!stderr.contains("复制") && !stderr.contains("damaged"), "{stderr}");
    assert!(!db.exists() || canbao(&db).args(["stats", "--json"]).output().unwrap().status.success());
}

/// Runs the binary to its end and returns (exit code, stdout, stderr, peak resident memory in MiB) as the OS
/// counted it for that child alone (`wait4`), so each input's memory is bounded on its own.
#[cfg(unix)]
#[expect(clippy::zombie_processes, reason = "reaped by wait4, which also gives the child's own rusage")]
fn run_measured(db: &Path, args: &[&std::ffi::OsStr]) -> (i32, String, String, u64) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // A child that blocks (a FIFO read before it was refused) is killed after a minute and fails the test,
    // rather than hanging it.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let (done, pid) = (done.clone(), child.id() as libc::pid_t);
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if start.elapsed() > std::time::Duration::from_secs(60) {
                    // SAFETY: the child is not yet waited for, so the pid is still ours.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut stdout = String::new();
    let _ = out.read_to_string(&mut stdout);
    let stderr = reader.join().unwrap();
    // Stopped before the child is reaped, so its pid is never signalled once it could be another process's.
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain data, zeroed is a valid value, and the pid is our own unwaited child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4");
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    // Linux reports ru_maxrss in KiB.
    let peak = usage.ru_maxrss as u64 / 1024;
    println!("{args:?}: exit {code}, peak {peak} MiB");
    (code, stdout, stderr, peak)
}

/// Bits written least significant first, as DEFLATE packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, which DEFLATE writes most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let reversed = (0..len).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.put(reversed, len);
    }
    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + u64::from(b), 8);
        } else {
            self.code(0x190 + u64::from(b - 144), 9);
        }
    }
}

/// A DEFLATE stream (one fixed-Huffman block) of `prefix`, `run` bytes of 'A', then `suffix`: each 13 bits of
/// it inflate to 258 bytes, as a zip bomb's do.
fn deflate_run(prefix: &[u8], run: usize, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits { out: Vec::new(), acc: 0, n: 0 };
    bits.put(1, 1);
    bits.put(1, 2);
    prefix.iter().for_each(|&b| bits.literal(b));
    bits.literal(b'A');
    let mut left = run - 1;
    while left >= 258 {
        bits.code(0xC5, 8); // length 258
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    (0..left).for_each(|_| bits.literal(b'A'));
    suffix.iter().for_each(|&b| bits.literal(b));
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    bits.out
}

/// A zip whose entries are (name, stored bytes, method, inflated length, crc32).
fn zip_raw(entries: &[(&str, Vec<u8>, u16, u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, method, inflated, crc) in entries {
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&inflated.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                h.extend_from_slice(&[0; 6]);
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const SHEET_HEAD: &str = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// A one-sheet XLSX around `sheet` (stored, or as given by `deflated`: (stream, inflated length, its CRC-32)).
fn xlsx(sheet: Vec<u8>, deflated: Option<(u32, u32)>) -> Vec<u8> {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let stored = |name: &'static str, data: &[u8]| (name, data.to_vec(), 0u16, data.len() as u32, crc32(data));
    let sheet_entry = match deflated {
        Some((inflated, crc)) => ("xl/worksheets/sheet1.xml", sheet, 8u16, inflated, crc),
        None => stored("xl/worksheets/sheet1.xml", &sheet),
    };
    let root = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    zip_raw(&[
        stored("[Content_Types].xml", types.as_bytes()),
        stored("_rels/.rels", root.as_bytes()),
        stored("xl/workbook.xml", workbook.as_bytes()),
        stored("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        sheet_entry,
    ])
}

/// The DEFLATE distance code of `distance`: (code, extra bits, the first distance it stands for).
fn distance_code(distance: usize) -> (u64, u32, usize) {
    let mut base = 1;
    for code in 0..30u64 {
        let extra = if code < 4 { 0 } else { (code as u32 - 2) / 2 };
        if distance < base + (1 << extra) {
            return (code, extra, base);
        }
        base += 1 << extra;
    }
    panic!("distance {distance} past DEFLATE's window")
}

/// A DEFLATE stream (one fixed-Huffman block) of `prefix`, `pattern` `count` times, then `suffix`: each 13 bits
/// or so of the run inflate to 258 bytes.
fn deflate_repeated(prefix: &[u8], pattern: &[u8], count: usize, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits { out: Vec::new(), acc: 0, n: 0 };
    bits.put(1, 1);
    bits.put(1, 2);
    prefix.iter().chain(pattern).for_each(|&b| bits.literal(b));
    let (code, extra, base) = distance_code(pattern.len());
    let (mut left, mut at) = ((count - 1) * pattern.len(), 0);
    while left >= 258 {
        bits.code(0xC5, 8); // length 258
        bits.code(code, 5);
        bits.put((pattern.len() - base) as u64, extra);
        left -= 258;
        at = (at + 258) % pattern.len();
    }
    for _ in 0..left {
        bits.literal(pattern[at]);
        at = (at + 1) % pattern.len();
    }
    suffix.iter().for_each(|&b| bits.literal(b));
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    bits.out
}

/// CRC-32 of the pieces, one after another, by table.
fn crc32_of(pieces: impl Iterator<Item = impl AsRef<[u8]>>) -> u32 {
    let table: Vec<u32> =
        (0..256u32).map(|n| (0..8).fold(n, |c, _| if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 })).collect();
    let mut crc = 0xFFFF_FFFFu32;
    for piece in pieces {
        for &b in piece.as_ref() {
            crc = table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
        }
    }
    !crc
}

fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The header row and one pupil, the rows a real list starts with.
fn list_rows() -> String {
    format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        inline("A1", "姓名"),
        inline("B1", "身份证号码"),
        inline("A2", "张三"),
        inline("B2", "110105194912310021")
    )
}

/// Peak memory allowed for any input, in MiB.
const PEAK_MIB: u64 = 300;
/// Peak memory allowed for a CSV of 40 MB refused for a line past its bound, in MiB: the file itself and the
/// program's own, no copy of the line.
const BOUNDED_LINE_PEAK_MIB: u64 = 150;

#[cfg(unix)]
#[test]
fn inputs_built_to_exhaust_memory_or_block_are_handled_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let good = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    canbao(&db).arg("import").arg(&good).assert().success();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };

    // Each file is made in a block of its own, so its bytes are freed before any child is measured (a forked
    // child starts with its parent's resident memory).
    // An XLSX of 1.6 MB whose one cell inflates to a 256 MiB name.
    let bomb = {
        let prefix = format!(r#"{SHEET_HEAD}{}<row r="3"><c r="A3" t="inlineStr"><is><t>"#, list_rows());
        let suffix = format!("</t></is></c></row>{SHEET_TAIL}");
        let run = 256 * 1024 * 1024;
        let inflated = (prefix.len() + run + suffix.len()) as u32;
        // The bomb's CRC is left at 0: the reader must refuse it long before the end, where the CRC is checked.
        write("inflating.xlsx", &xlsx(deflate_run(prefix.as_bytes(), run, suffix.as_bytes()), Some((inflated, 0))))
    };
    // A CSV whose name cell is 16 MiB.
    let huge = {
        let mut huge = String::from("姓名,身份证号码\n张三,110105194912310021\n");
        huge.push_str(&"李".repeat(16 * 1024 * 1024 / 3));
        huge.push_str(",11010519491231002X\n王五,110105194912310048\n");
        write("huge_name.csv", huge.as_bytes())
    };
    // A CSV of one line of 40 MB after its header, and one of 1,000 rows of 20,000 cells.
    // Written a piece at a time: the test's own memory is counted in each child's (forked from it).
    let pieces = |name: &str, pieces: &mut dyn Iterator<Item = String>| {
        use std::io::Write;
        let path = dir.path().join(name);
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for piece in pieces {
            file.write_all(piece.as_bytes()).unwrap();
        }
        file.flush().unwrap();
        path
    };
    let mega = "x".repeat(1024 * 1024);
    let long_line = pieces(
        "long_line.csv",
        &mut std::iter::once("姓名,身份证号码\n张三,".to_owned())
            .chain(std::iter::repeat_n(mega, 40))
            .chain(std::iter::once("\n".to_owned())),
    );
    let row = format!("{}\n", vec!["1"; 20_000].join(","));
    let wide = pieces(
        "wide.csv",
        &mut std::iter::once(format!("姓名,身份证号码,{}\n", vec!["a"; 19_998].join(",")))
            .chain(std::iter::repeat_n(row, 999)),
    );
    // 3 MB of empty rows after the list.
    let empty_rows = {
        let mut rows = format!("{SHEET_HEAD}{}", list_rows());
        while rows.len() < 3_000_000 {
            rows.push_str("<row/>");
        }
        rows.push_str(SHEET_TAIL);
        write("empty_rows.xlsx", &xlsx(rows.into_bytes(), None))
    };
    let fifo = dir.path().join("fifo.csv");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");

    let import = |path: &Path| run_measured(&db, &["import".as_ref(), "--json".as_ref(), path.as_os_str()]);
    let before = canbao(&db).args(["stats", "--json"]).output().unwrap().stdout;

    let (code, _, err, peak) = import(&bomb);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("inflating.xlsx") && err.contains("解压后过大") && err.contains("inflates too large"),
        "{err}"
    );
    assert!(peak < PEAK_MIB, "inflating.xlsx: {peak} MiB");

    for refused in [fifo.as_path(), Path::new("/dev/zero")] {
        let (code, _, err, peak) = import(refused);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("不是普通文件") && err.contains(&*refused.to_string_lossy()), "{err}");
        assert!(peak < PEAK_MIB, "{}: {peak} MiB", refused.display());
    }
    // A folder, and a link to one, is named as a folder with what to give instead.
    let folder = dir.path().join("名单们");
    std::fs::create_dir(&folder).unwrap();
    let link = dir.path().join("名单链接");
    std::os::unix::fs::symlink(&folder, &link).unwrap();
    for refused in [folder.as_path(), link.as_path()] {
        let (code, _, err, _) = import(refused);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("是文件夹，不是名单文件") && err.contains(&*refused.to_string_lossy()), "{err}");
    }
    assert_eq!(canbao(&db).args(["stats", "--json"]).output().unwrap().stdout, before, "nothing imported");

    // A cell past a workbook's bound (384 KB) refuses a CSV at its row, as it refuses a workbook, the line read
    // no further than its own bound: a line of 40 MB took 261 MiB, and 1,000 rows of 20,000 cells 324 MiB and
    // minutes to be refused once every row was parsed (debug build), where now each is refused at its first row.
    for (path, row, said) in [
        (&huge, 3, "A 列的单元格超过 384 KB"),
        (&long_line, 2, "B 列的单元格超过 384 KB"),
        (&wide, 1, "这一行有 20000 列"),
    ] {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (code, _, err, peak) = import(path);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(&format!("文件 {} 第 {row} 行无法解析", path.display())) && err.contains(said), "{err}");
        assert!(peak < BOUNDED_LINE_PEAK_MIB, "{name}: {peak} MiB");
    }
    assert_eq!(canbao(&db).args(["stats", "--json"]).output().unwrap().stdout, before, "nothing imported");

    let (code, out, err, peak) = import(&empty_rows);
    assert_eq!(code, 0, "{err}");
    assert!(peak < PEAK_MIB, "empty_rows.xlsx: {peak} MiB");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["rows_read"], 1, "{report}");
}

#[cfg(unix)]
#[test]
fn control_characters_and_formulas_in_a_list_are_cleaned_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let list = dir.path().join("controls.csv");
    std::fs::write(
        &list,
        "姓名,身份证号码,班级\n\
         张\u{1b}]0;title\u{7}三,110105194912310021,=cmd|' /C calc'!A0\n\
         李\u{200b}四\u{202e},11010519491231002X,@SUM(1+1)\n\
         \"\t=1+1\",110105194912310048,\t-2+3\n",
    )
    .unwrap();
    let (code, out, err, peak) = run_measured(&db, &["import".as_ref(), "--json".as_ref(), list.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(peak < PEAK_MIB, "{peak} MiB");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["added"], 3, "{report}");
    let (code, shown, _, _) = run_measured(&db, &["find".as_ref(), "年级 1".as_ref()]);
    let (_, found, _, _) = run_measured(&db, &["find".as_ref(), "李四".as_ref(), "--json".as_ref()]);
    assert_eq!(code, 0);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown}");
    assert!(found.contains("李四"), "{found}");
    let csv = dir.path().join("out.csv");
    let args =
        ["export".as_ref(), "sheet".as_ref(), "--format".as_ref(), "csv".as_ref(), "--out".as_ref(), csv.as_os_str()];
    assert_eq!(run_measured(&db, &args).0, 0);
    let text = std::fs::read_to_string(&csv).unwrap();
    for cell in csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes()).records() {
        for cell in cell.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula in the export: {cell:?}");
        }
    }
}

/// A named pipe given to `merge`, `restore` or `reconcile` is refused at once, as the import refuses it, where
/// before each waited for ever in opening it with the drive locked (every other command refused as 「正被…使用」).
/// The timeout only ends a run that hangs, as these did.
#[cfg(unix)]
#[test]
fn a_pipe_given_to_merge_restore_or_reconcile_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let good = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    assert!(canbao(&db).arg("import").arg(&good).output().unwrap().status.success());
    let fifo = dir.path().join("pipe.db");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    for args in [&["merge"][..], &["restore"], &["reconcile", "--source", "tax"]] {
        let out = canbao(&db).args(args).arg(&fifo).timeout(std::time::Duration::from_secs(60)).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("不是普通文件") && err.contains(&*fifo.to_string_lossy()), "{args:?}: {err}");
    }
}

/// A named pipe given as the drive itself (`--db`) is refused before anything opens, locks or asks the passphrase
/// of it, in the words `merge` refuses one with, by every command and by the screen: before, each waited for ever
/// opening it (or asked a passphrase for it first). The timeout only ends a run that hangs, as these did.
#[cfg(unix)]
#[test]
fn a_pipe_given_as_the_drive_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.db");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let good = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let import = ["import".as_ref(), good.as_os_str()];
    let runs: [&[&std::ffi::OsStr]; 4] = [&["stats".as_ref()], &["mark".as_ref(), "1".as_ref()], &import, &[]];
    for args in runs {
        let out = canbao(&fifo).args(args).timeout(std::time::Duration::from_secs(60)).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        let said = format!("不是普通文件（可能是设备或管道），不是 canbao 数据文件：{}", fifo.display());
        assert!(err.contains(&said) && err.contains("not a regular file, not a drive file"), "{args:?}: {err}");
        assert!(!err.contains("口令") && !err.contains("passphrase"), "{args:?}: {err}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["pipe.db"], "no lock or journal left beside it");
}

/// Pupils with valid numbers; the last number's check character is wrong, so its row is reported by number.
const PUPILS: [(&str, &str); 5] = [
    ("甲一", "450202201603011234"),
    ("乙二", "450202201603021248"),
    ("丙三", "450202201603031251"),
    ("丁四", "450202201603041265"),
    ("戊五", "450202201603051270"),
];

/// An XLSX of a header and three pupils, `junk` rows without numbers and without values (some 20 MB of XML,
/// packed to a few hundred KB), then the last two pupils, also without row numbers; and an ODS of the same five
/// with a run of a million empty rows between them, as one repeated row element. Each imports all five pupils,
/// each in its own row as the spreadsheet numbers it, in bounded memory: where before the ODS's run was made
/// into cells (some 180 MB), and the XLSX's rows were walked through by the reader after the scan had.
#[cfg(unix)]
#[test]
fn spreadsheets_padded_with_empty_rows_import_every_pupil_in_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let import = |path: &Path| {
        run_measured(&db, &["import".as_ref(), "--dry-run".as_ref(), "--json".as_ref(), path.as_os_str()])
    };
    let check = |name: &str, (code, out, err, peak): (i32, String, String, u64), last_row: u64| {
        assert_eq!(code, 0, "{name}: {err}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!((report["rows_read"].as_u64(), report["added"].as_u64()), (Some(5), Some(5)), "{name}: {report}");
        let rows: Vec<u64> = report["problems"].as_array().unwrap().iter().filter_map(|p| p["row"].as_u64()).collect();
        assert_eq!(rows, [last_row], "{name}: {report}");
        peak
    };

    let junk = 650_000;
    let xlsx_path = {
        let row = |r: usize, (name, number): (&str, &str)| {
            format!("<row r=\"{r}\">{}{}</row>", inline(&format!("A{r}"), name), inline(&format!("B{r}"), number))
        };
        let mut prefix =
            format!("{SHEET_HEAD}<row r=\"1\">{}{}</row>", inline("A1", "姓名"), inline("B1", "身份证号码"));
        for (i, pupil) in PUPILS[..3].iter().enumerate() {
            prefix.push_str(&row(i + 2, *pupil));
        }
        let unnumbered = |(name, number): (&str, &str)| {
            format!(
                "<row><c t=\"inlineStr\"><is><t>{name}</t></is></c><c t=\"inlineStr\"><is><t>{number}</t></is></c></row>"
            )
        };
        let suffix = format!("{}{}{SHEET_TAIL}", unnumbered(PUPILS[3]), unnumbered(PUPILS[4]));
        let pattern = r#"<row><c s="1"/><c s="1"/></row>"#;
        let inflated = prefix.len() + pattern.len() * junk + suffix.len();
        let crc = crc32_of(
            std::iter::once(prefix.as_bytes())
                .chain(std::iter::repeat_n(pattern.as_bytes(), junk))
                .chain([suffix.as_bytes()]),
        );
        let stream = deflate_repeated(prefix.as_bytes(), pattern.as_bytes(), junk, suffix.as_bytes());
        assert!(stream.len() < 1 << 20 && inflated > 20_000_000, "{} packed, {inflated} inflated", stream.len());
        let path = dir.path().join("unnumbered_empty_rows.xlsx");
        std::fs::write(&path, xlsx(stream, Some((inflated as u32, crc)))).unwrap();
        path
    };
    let ods_path = {
        let cell =
            |t: &str| format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>");
        let row =
            |(name, number): (&str, &str)| format!("<table:table-row>{}{}</table:table-row>", cell(name), cell(number));
        let mut rows = row(("姓名", "身份证号码"));
        PUPILS[..3].iter().for_each(|p| rows.push_str(&row(*p)));
        rows.push_str(
            "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell \
             table:number-columns-repeated=\"2\"/></table:table-row>",
        );
        PUPILS[3..].iter().for_each(|p| rows.push_str(&row(*p)));
        let content = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
             xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body>\
             <office:spreadsheet><table:table table:name=\"名单\">{rows}</table:table></office:spreadsheet>\
             </office:body></office:document-content>"
        );
        let path = dir.path().join("million_empty_rows.ods");
        let mimetype = b"application/vnd.oasis.opendocument.spreadsheet";
        let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
             xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
             <manifest:file-entry manifest:full-path=\"/\" \
             manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
             <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
             </manifest:manifest>";
        let entries = [
            ("mimetype", &mimetype[..]),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ];
        std::fs::write(&path, zip_with(&entries)).unwrap();
        path
    };

    let peak = check("xlsx", import(&xlsx_path), (junk + 6) as u64);
    assert!(peak < PEAK_MIB, "unnumbered_empty_rows.xlsx: {peak} MiB");
    let peak = check("ods", import(&ods_path), 1_000_006);
    assert!(peak < 100, "million_empty_rows.ods: {peak} MiB");
}
