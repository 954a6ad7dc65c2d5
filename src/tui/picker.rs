//! The file picker for lists coming in (import, reconciliation): it starts in the last folder used, shows
//! where it is, moves through folders with the arrows and Enter, shows only spreadsheets unless asked, picks
//! several files with Space for one import, and takes a typed or pasted path, quoted or not.

use std::path::PathBuf;

use super::input::LineInput;
use super::paths::PathPurpose;

/// Extensions shown by default: what schools save class lists and agencies save their lists as.
/// What the import reads (`io::sniff`), WPS's .et workbooks among them.
const SPREADSHEETS: [&str; 8] = ["csv", "tsv", "xlsx", "xls", "ods", "txt", "xlsm", "et"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name as shown (a name that is not UTF-8, such as a GBK name from a zip, with �).
    pub name: String,
    /// The name as the system gives it, which opens the file whatever its bytes.
    pub os_name: std::ffi::OsString,
    pub is_dir: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePicker {
    pub purpose: PathPurpose,
    pub dir: PathBuf,
    /// `..` first (when there is a parent), then folders, then files, each sorted by name.
    pub entries: Vec<Entry>,
    pub cursor: usize,
    /// Files ticked with Space (import only), in the order ticked.
    pub picked: Vec<PathBuf>,
    /// A path typed or pasted; when not empty, Enter goes there.
    pub typed: LineInput,
    /// Every file, not only spreadsheets.
    pub all_files: bool,
    pub error: Option<String>,
    /// Restoring: the drive's backups folder and its own backups (`Store::own_backups`), so a folder several
    /// drives keep their backups in lists this drive's only (every file with Tab, as elsewhere). Its backups in
    /// another folder (those an earlier canbao put beside a symlink to the drive) are listed there too, by
    /// their whole path.
    pub backups_of: Option<(PathBuf, Vec<PathBuf>)>,
}

impl Entry {
    /// The entry's path in the folder listed, by its name as the system gives it.
    pub fn path_in(&self, dir: &std::path::Path) -> PathBuf {
        dir.join(&self.os_name)
    }
}

impl FilePicker {
    pub fn allows_several(&self) -> bool {
        self.purpose == PathPurpose::Import
    }

    /// Lists the folder again (after moving, or showing every file).
    pub fn read(&mut self) {
        self.entries.clear();
        self.cursor = 0;
        if self.dir.parent().is_some() {
            self.entries.push(Entry { name: "..".into(), os_name: "..".into(), is_dir: true });
        }
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                let mut found: Vec<Entry> = read
                    .filter_map(Result::ok)
                    .filter_map(|e| {
                        let os_name = e.file_name();
                        let name = os_name.to_string_lossy().into_owned();
                        // Follows links: a linked folder is a folder to the operator.
                        let is_dir = e.path().is_dir();
                        let wanted = match (&self.purpose, &self.backups_of) {
                            (PathPurpose::Restore, Some((folder, own))) if *folder == self.dir => {
                                own.iter().any(|p| p.parent() == Some(folder) && p.file_name() == Some(&os_name))
                            }
                            (PathPurpose::Merge | PathPurpose::Restore, _) => is_drive_name(&name),
                            _ => is_spreadsheet_name(&name),
                        };
                        // Excel's and WPS's lock files (`~$名单.xlsx`) are hidden, as those programs hide them; LibreOffice's
                        // begin with a dot.
                        let lock = name.starts_with("~$") && !is_dir;
                        let shown = !name.starts_with('.') && !lock && (is_dir || self.all_files || wanted);
                        shown.then_some(Entry { name, os_name, is_dir })
                    })
                    .collect();
                // The drive's backups kept elsewhere, under their whole path (which the entry's path is).
                if let (PathPurpose::Restore, Some((folder, own)), false) =
                    (&self.purpose, &self.backups_of, self.all_files)
                    && *folder == self.dir
                {
                    found.extend(own.iter().filter(|p| p.parent() != Some(folder.as_path())).map(|p| Entry {
                        name: p.display().to_string(),
                        os_name: p.as_os_str().to_owned(),
                        is_dir: false,
                    }));
                }
                // Class lists in grade order (一年级, 二年级, 三年级), as the roster and every form order classes: an
                // operator ticking one grade's files after another reads the list top-down.
                found.sort_by_cached_key(|e| {
                    (!e.is_dir, crate::domain::class_label::name_order_key(&e.name), e.name.clone())
                });
                self.entries.extend(found);
            }
            Err(e) => self.error = Some(crate::os_error::reading(&e, &self.dir)),
        }
    }
}

fn is_spreadsheet_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    SPREADSHEETS.iter().any(|ext| lower.ends_with(&format!(".{ext}")))
}

/// A drive file, for a merge: what canbao names its drives and backups.
fn is_drive_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".db", ".sqlite", ".sqlite3"].iter().any(|ext| lower.ends_with(ext))
}

/// `path` with its `.` and `..` taken out as the shell's `cd` takes them (a `..` leaves the folder before it):
/// the picker shows the folder it is in, not `…/名单/..`, and a further `..` goes up from the folder shown.
pub fn normalised(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // Above the root is the root; a relative path keeps the `..` it cannot resolve.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

/// `path` as a whole path from the root, its `.` and `..` taken out as [`normalised`] takes them. A drive
/// opened as `--db drive/h.db` starts its picker in `drive`, whose parent is the empty path: ← and `..`
/// led to a blank, nameless listing and nothing above the start was reachable. Made whole against the
/// folder canbao runs in, every folder has its parent (up to `/`). Links are not followed, so a linked
/// folder keeps the name the operator knows it by, and `..` leaves it as `cd ..` does.
pub fn absolute(path: &std::path::Path) -> PathBuf {
    normalised(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

#[cfg(test)]
mod tests {

    /// The hint of the filtered list names every type it shows (.txt among them), where it named four of six.
    #[test]
    fn the_hint_names_every_type_the_list_shows() {
        for lang in [crate::words::Language::Zh, crate::words::Language::En] {
            let hint = crate::tui::text::Text::for_language(lang).picker_spreadsheets;
            for ext in SPREADSHEETS {
                assert!(hint.contains(&ext.to_ascii_uppercase()), "{lang:?}: {ext} in {hint}");
            }
        }
    }
    use super::*;

    /// A name that is not UTF-8 (a GBK name from a zip made on Chinese Windows) is listed, and its entry leads
    /// to the file itself, not to a name with replacement characters that does not exist.
    #[cfg(unix)]
    /// An import picker on `dir`, not yet read.
    fn import_picker(dir: &std::path::Path, all_files: bool) -> FilePicker {
        FilePicker {
            purpose: PathPurpose::Import,
            dir: dir.to_path_buf(),
            entries: Vec::new(),
            cursor: 0,
            picked: Vec::new(),
            typed: LineInput::default(),
            all_files,
            error: None,
            backups_of: None,
        }
    }

    #[test]
    fn a_name_that_is_not_utf8_leads_to_its_file() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let raw = std::ffi::OsStr::from_bytes(b"bad\xb0\xe0name.csv");
        std::fs::write(dir.path().join(raw), "姓名,身份证号码\n").unwrap();
        let mut picker = import_picker(dir.path(), false);
        picker.read();
        let entry = picker.entries.iter().find(|e| e.name.starts_with("bad")).expect("listed");
        assert!(entry.path_in(&picker.dir).is_file(), "{entry:?}");
    }

    /// The lock files Excel, WPS and LibreOffice keep beside an open workbook are not listed, even with every
    /// file shown, where `~$名单.xlsx` was listed and refused the batch it was ticked in.
    #[test]
    fn office_lock_files_are_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["三年级2班.xlsx", "~$三年级2班.xlsx", ".~lock.三年级2班.xlsx#"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        for all_files in [false, true] {
            let mut picker = import_picker(dir.path(), all_files);
            picker.read();
            let names: Vec<&str> = picker.entries.iter().map(|e| e.name.as_str()).filter(|n| *n != "..").collect();
            assert_eq!(names, ["三年级2班.xlsx"], "all files: {all_files}");
        }
    }

    /// A tab-separated list (名单.tsv), which `canbao import` reads, is listed with the spreadsheets.
    #[test]
    fn a_tab_separated_list_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["名单.tsv", "说明.pdf"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let mut picker = import_picker(dir.path(), false);
        picker.read();
        let names: Vec<&str> = picker.entries.iter().map(|e| e.name.as_str()).filter(|n| *n != "..").collect();
        assert_eq!(names, ["名单.tsv"]);
    }

    #[test]
    fn dots_leave_the_path_as_cd_leaves_it() {
        let n = |p: &str| normalised(std::path::Path::new(p));
        assert_eq!(n("/home/a/lists/.."), PathBuf::from("/home/a"));
        assert_eq!(n("/home/a/./lists/../b/"), PathBuf::from("/home/a/b"));
        assert_eq!(n("/.."), PathBuf::from("/"));
        assert_eq!(n("a/../.."), PathBuf::from(".."));
        assert_eq!(n("a/.."), PathBuf::from("."));
    }

    /// A relative folder is made whole against the folder canbao runs in, so it has a parent to go up to,
    /// where `drive` went up to the empty path.
    #[test]
    fn a_relative_folder_is_made_whole_and_has_a_parent() {
        let here = std::env::current_dir().unwrap();
        let whole = absolute(std::path::Path::new("drive/./lists/.."));
        assert_eq!(whole, here.join("drive"));
        assert_eq!(whole.parent(), Some(here.as_path()));
        assert_eq!(absolute(std::path::Path::new("/a/b/../c")), PathBuf::from("/a/c"));
    }

    /// WPS's own workbooks, which `canbao import` reads, are listed among the tables.
    #[test]
    fn wps_workbooks_are_listed_as_tables() {
        for name in ["学生名单.et", "名单.ET", "b.csv"] {
            assert!(is_spreadsheet_name(name), "{name}");
        }
        assert!(!is_spreadsheet_name("说明.docx"));
    }
}
