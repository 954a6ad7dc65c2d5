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
