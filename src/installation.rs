//! Which installation of canbao this is (one laptop's config folder): a random id kept in that folder, so that a
//! drive copied to a second laptop can tell that the operator it remembers was typed on another one.

use std::path::{Path, PathBuf};

use crate::private_file::{self, Existing};

/// The file in the config folder holding the id.
const FILE: &str = "installation";

/// This installation's id, read from its config folder, and made there the first time a drive records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    folder: PathBuf,
    id: Option<String>,
}

impl Installation {
    /// The installation whose config folder is `folder`, its id read if it has one. Nothing is made: a command
    /// that only reads leaves the config folder as it was.
    pub fn in_folder(folder: &Path) -> Installation {
        let id = std::fs::read_to_string(folder.join(FILE)).ok().and_then(|t| valid(t.trim()));
        Installation { folder: folder.to_owned(), id }
    }

    /// The id, if this installation has one yet: none means no drive ever recorded a name typed here.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The id, made now if there is none: the folder owner-only, the file 0600 and written whole
    /// (`private_file::write_whole`), never replacing one there, so two canbao starting at once agree on the
    /// first one written.
    pub fn id_or_new(&mut self) -> std::io::Result<String> {
        if let Some(id) = &self.id {
            return Ok(id.clone());
        }
        let file = self.folder.join(FILE);
        private_file::create_dir_all(&self.folder)?;
        let made = new_id();
        match private_file::write_whole(&file, format!("{made}\n").as_bytes(), Existing::Keep) {
            Ok(()) => self.id = Some(made),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&file)?;
                self.id = Some(valid(text.trim()).ok_or_else(|| std::io::Error::other("unreadable installation id"))?);
            }
            Err(e) => return Err(e),
        }
        Ok(self.id.clone().unwrap_or_default())
    }
}

/// An id as written by [`new_id`]: anything else (an empty file, one edited by hand into text) is no id.
fn valid(text: &str) -> Option<String> {
    (text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())).then(|| text.to_ascii_lowercase())
}

/// 128 random bits as hex. No randomness crate: the std hasher is keyed from the system's random source, once per
/// process and then stepped, so two hashers give two independent 64-bit values.
fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        h.write_u32(std::process::id());
        h.write_u64(salt);
        h.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_made_once_owner_only_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let folder = dir.path().join("config").join("canbao");
        let mut first = Installation::in_folder(&folder);
        assert_eq!(first.id(), None, "nothing made by reading");
        assert!(!folder.exists());
        let id = first.id_or_new().expect("made");
        assert_eq!(id.len(), 32);
        assert_eq!(Installation::in_folder(&folder).id(), Some(id.as_str()));
        // A second canbao that read no id before the first made it takes the first's.
        let mut late = Installation { folder: folder.clone(), id: None };
        assert_eq!(late.id_or_new().expect("read"), id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(folder.join(FILE)).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = Installation::in_folder(&dir.path().join("other")).id_or_new().expect("made");
        assert_ne!(other, id, "another laptop's is another");
    }
}
