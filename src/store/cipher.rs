//! Encryption at rest. Built with the `encryption` feature the drive file can be an SQLCipher file, keyed
//! with a passphrase; without the feature canbao reads and writes plain SQLite only, and says so when it
//! meets a file it cannot read.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{Result, Store, StoreError, schema};

/// Whether this build can read and write encrypted drives.
pub const SUPPORTED: bool = cfg!(feature = "encryption");

/// The first 16 bytes of every plain SQLite file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A drive's passphrase. `Debug` never shows it, so it cannot leak into a log or an error message.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl Passphrase {
    /// `None` for an empty passphrase: SQLCipher would take it to mean "no encryption".
    pub fn new(text: impl Into<String>) -> Option<Passphrase> {
        let text = text.into();
        (!text.is_empty()).then_some(Passphrase(text))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// What a drive file looks like from its first bytes, before SQLite is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// No file yet: it will be created (encrypted when a passphrase is given).
    Missing,
    /// An empty file, which SQLite treats like a new one.
    Empty,
    /// A plain SQLite file.
    Plain,
    /// Anything else: an SQLCipher file reads as random bytes, but so does a damaged or foreign file, and the
    /// two cannot be told apart without the right key.
    Opaque,
}

pub fn file_kind(path: &Path) -> FileKind {
    // Never opened: a pipe would wait for ever. The reader refuses it (`existing_file`).
    if super::special_file(path) {
        return FileKind::Opaque;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return if path.exists() { FileKind::Opaque } else { FileKind::Missing };
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return FileKind::Opaque,
        }
    }
    match read {
        0 => FileKind::Empty,
        16 if &head == SQLITE_HEADER => FileKind::Plain,
        _ => FileKind::Opaque,
    }
}

/// Whether an opaque file has the shape of an SQLCipher file: whole pages, starting with a random salt. A
/// text file, a truncated download or a zeroed disk block rarely has both. Only a hint for the error message.
fn looks_encrypted(path: &Path) -> bool {
    let whole_pages = std::fs::metadata(path).map(|m| m.len() >= 512 && m.len() % 512 == 0).unwrap_or(false);
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
    let mut distinct: Vec<u8> = head.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    // Sixteen random bytes almost never have fewer than eight distinct values.
    whole_pages && read.is_ok() && distinct.len() >= 8
}

/// Whether the first page past its 100-byte header still reads as a plain drive's: the page of its first table
/// (an interior or a leaf b-tree page, holding a few cells). An SQLCipher file is random throughout its first
/// page, so a drive whose header alone was overwritten with bytes that look like a salt is told from one.
pub(crate) fn plain_past_header(path: &Path) -> bool {
    let mut page = [0u8; 108];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut page));
    let cells = u16::from_be_bytes([page[103], page[104]]);
    read.is_ok() && matches!(page[100], 0x05 | 0x0d) && (1..512).contains(&cells)
}

/// The error for a file SQLite refused as "not a database", told apart as far as the bytes allow.
pub(crate) fn unreadable(path: &Path, keyed: bool) -> StoreError {
    let shown = path.display().to_string();
    if file_kind(path) != FileKind::Opaque || !looks_encrypted(path) {
        return StoreError::NotADatabase { path: shown };
    }
    if !SUPPORTED {
        return StoreError::EncryptedUnsupported { path: shown };
    }
    StoreError::Encrypted { path: shown, with_key: keyed }
}

/// Applies the key on a fresh connection. It must be the first statement: SQLCipher reads nothing before it.
pub(crate) fn apply_key(conn: &Connection, key: &Passphrase) -> Result<()> {
    if !SUPPORTED {
        return Err(StoreError::NoEncryption);
    }
    // SQLCipher logs a failed decryption to stderr, which would print under the friendly error and scribble
    // over the TUI's screen. This pragma touches no page, so the key still comes before any read.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", key.expose())?;
    Ok(())
}

/// Which key, if any, to open `path` with: a plain file is opened plain whatever passphrase is around (so
/// `CANBAO_PASSPHRASE` in the environment does not lock the operator out of a plain drive); a new or empty
/// file is created encrypted when there is a passphrase.
pub(crate) fn key_for<'a>(path: &Path, key: Option<&'a Passphrase>) -> Option<&'a Passphrase> {
    match file_kind(path) {
        FileKind::Plain => None,
        FileKind::Missing | FileKind::Empty | FileKind::Opaque => key,
    }
}

impl Store {
    /// Whether the open drive is encrypted.
    pub fn encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// Writes an encrypted copy of this plain drive to `target` with `key`, or a plain copy of this encrypted
    /// drive with `None` (SQLCipher's `sqlcipher_export`), then checks the copy reads back with the same rows.
    /// `target` must not exist. The schema version travels too: the export copies tables, not the header.
    pub fn export_to(&self, target: &Path, key: Option<&Passphrase>) -> Result<()> {
        if !SUPPORTED {
            return Err(StoreError::NoEncryption);
        }
        // Made new and owner-only before SQLite writes a byte (it fills an empty file): a name already taken,
        // even by a link someone planted, is refused rather than followed.
        match crate::private_file::create_new(target) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::BackupExists(target.display().to_string()));
            }
            Err(source) => return Err(StoreError::Io { path: target.display().to_string(), source }),
        }
        let version = schema::user_version(&self.conn)?;
        let key_text = key.map(Passphrase::expose).unwrap_or("");
        let name = super::sql_file_name(target);
        self.conn.execute("ATTACH DATABASE CAST(?1 AS TEXT) AS export KEY ?2", rusqlite::params![name, key_text])?;
        crate::private_file::restrict(target);
        let exported = (|| -> Result<()> {
            self.conn.query_row("SELECT sqlcipher_export('export')", [], |_| Ok(()))?;
            self.conn.execute_batch(&format!("PRAGMA export.user_version = {version};"))?;
            Ok(())
        })();
        let detached = self.conn.execute("DETACH DATABASE export", []);
        if let Err(e) = exported {
            let _ = std::fs::remove_file(target);
            return Err(e);
        }
        detached?;
        sync_file(target)?;
        let copy = Store::open_read_only_keyed(target, key)?;
        let count = |s: &Store, table: &str| -> Result<i64> {
            Ok(s.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        for table in ["students", "audit", "schools", "meta"] {
            if count(self, table)? != count(&copy, table)? {
                drop(copy);
                let _ = std::fs::remove_file(target);
                return Err(StoreError::CopyMismatch(table.to_owned()));
            }
        }
        Ok(())
    }
}

/// Flushes a written file to disk, so a rename that follows cannot reach the disk before the data does.
pub(crate) fn sync_file(path: &Path) -> Result<()> {
    let io = |source| StoreError::Io { path: path.display().to_string(), source };
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(io)
}

/// Replaces the drive at `path` with `new` in one rename, so a crash leaves either the old drive or the new
/// one, never half of each. The caller holds the drive lock and has closed every connection to `path`.
pub fn replace_drive(path: &Path, new: &Path) -> Result<()> {
    let io = |source| StoreError::Io { path: path.display().to_string(), source };
    std::fs::rename(new, path).map_err(io)?;
    // The rename itself is durable only once the folder is flushed; Windows has no folder handles for this.
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(())
}

/// Where `encrypt`/`decrypt` write the new file before it replaces the drive: beside it, so the rename stays
/// on one file system.
pub fn staging_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".converting-{}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_never_shows_in_debug() {
        let p = Passphrase::new("秘密 secret").expect("non-empty");
        assert!(!format!("{p:?}").contains("secret"));
        assert!(Passphrase::new("").is_none());
    }

    #[test]
    fn file_kinds_are_told_from_the_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.db");
        assert_eq!(file_kind(&missing), FileKind::Missing);
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(file_kind(&empty), FileKind::Empty);
        let plain = dir.path().join("plain.db");
        drop(Store::open(&plain).unwrap());
        assert_eq!(file_kind(&plain), FileKind::Plain);
        let noise = dir.path().join("noise.db");
        std::fs::write(&noise, vec![7u8; 4096]).unwrap();
        assert_eq!(file_kind(&noise), FileKind::Opaque);
        let text = dir.path().join("text.db");
        std::fs::write(&text, b"just some words").unwrap();
        assert_eq!(file_kind(&text), FileKind::Opaque);
        assert!(matches!(unreadable(&text, false), StoreError::NotADatabase { .. }), "not page-shaped");
    }

    #[test]
    fn a_page_shaped_unreadable_file_is_said_to_be_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let noise = dir.path().join("noise.db");
        // A cheap stand-in for ciphertext: a multiplicative sequence, so every byte value turns up.
        let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        std::fs::write(&noise, &bytes).unwrap();
        let message = Store::open(&noise).err().expect("noise does not open").to_string();
        assert!(message.contains("加密"), "{message}");
        if SUPPORTED {
            assert!(message.contains("口令"), "{message}");
        } else {
            assert!(message.contains("--features encryption"), "{message}");
        }
        assert_eq!(std::fs::read(&noise).unwrap(), bytes, "the file is left as it was");
        let zeros = dir.path().join("zeros.db");
        std::fs::write(&zeros, vec![0u8; 8192]).unwrap();
        assert!(matches!(Store::open(&zeros), Err(StoreError::NotADatabase { .. })), "no salt: not encrypted");
    }

    #[cfg(not(feature = "encryption"))]
    #[test]
    fn a_plain_build_refuses_to_create_a_file_it_was_asked_to_encrypt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let key = Passphrase::new("pw").unwrap();
        assert!(matches!(Store::open_keyed(&path, Some(&key)), Err(StoreError::NoEncryption)));
        assert!(!path.exists(), "no plain file was made in its place");
    }

    #[cfg(feature = "encryption")]
    mod keyed {
        use super::*;

        #[test]
        fn a_new_file_with_a_key_is_encrypted_and_reopens_only_with_it() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("secret.db");
            let key = Passphrase::new("correct horse").unwrap();
            let mut store = Store::open_keyed(&path, Some(&key)).unwrap();
            store.set_meta("marker", "王小明").unwrap();
            assert!(store.encrypted());
            drop(store);
            assert_eq!(file_kind(&path), FileKind::Opaque);
            let wrong = Passphrase::new("wrong").unwrap();
            assert!(matches!(
                Store::open_keyed(&path, Some(&wrong)),
                Err(StoreError::Encrypted { with_key: true, .. })
            ));
            assert!(matches!(Store::open(&path), Err(StoreError::Encrypted { with_key: false, .. })));
            let again = Store::open_keyed(&path, Some(&key)).unwrap();
            assert_eq!(again.meta("marker").unwrap().as_deref(), Some("王小明"));
        }

        #[test]
        fn a_backup_of_an_encrypted_drive_is_encrypted_with_the_same_key() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("secret.db");
            let key = Passphrase::new("pw-1").unwrap();
            let mut store = Store::open_keyed(&path, Some(&key)).unwrap();
            store.set_meta("marker", "李四 110101201001011234").unwrap();
            let backup = store.backup_now("test").unwrap().expect("written");
            let bytes = std::fs::read(&backup).unwrap();
            assert_ne!(&bytes[..16], SQLITE_HEADER);
            assert!(!bytes.windows(18).any(|w| w == b"110101201001011234"));
            assert!(Store::open_read_only(&backup).is_err(), "not readable without the key");
            let copy = Store::open_read_only_keyed(&backup, Some(&key)).unwrap();
            assert_eq!(copy.meta("marker").unwrap().as_deref(), Some("李四 110101201001011234"));
        }
    }
}
