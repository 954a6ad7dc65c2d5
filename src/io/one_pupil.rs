//! One pupil typed in on the day (`canbao add`, the palette's 添加学生), written as a one-row class list so that
//! adding them is an import: the same checks of the number and the class, the same report, audit and backup.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::student::{Enrollment, Student};
use crate::store::Store;

/// The list's name, which the import's report and the drive's history show as the file the pupil came from.
pub const FILE_NAME: &str = "手工添加.csv";

/// What the operator typed for the pupil.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnePupil {
    pub name: String,
    pub id: String,
    pub class: String,
    pub phone: String,
}

/// Why a pupil typed in is not written as a list: nothing to look up or import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Name,
    Class,
}

impl Missing {
    /// The refusal, in Chinese and in English.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Missing::Name => ("请填写学生姓名", "the pupil's name is missing"),
            Missing::Class => ("请填写班级（如 三年级2班）", "the class is missing (e.g. 三年级2班)"),
        }
    }
}

impl OnePupil {
    /// A name and a class are what every row of a class list has; the number is checked by the import.
    pub fn missing(&self) -> Option<Missing> {
        if self.name.trim().is_empty() {
            Some(Missing::Name)
        } else if self.class.trim().is_empty() {
            Some(Missing::Class)
        } else {
            None
        }
    }

    /// The list's bytes: UTF-8 with a BOM, as a spreadsheet program saves a CSV, header and one row.
    pub fn csv(&self) -> Vec<u8> {
        let cells = [&self.name, &self.id, &self.class, &self.phone].map(|c| quoted(c.trim()));
        format!("\u{feff}姓名,身份证号码,班级,联系电话\r\n{}\r\n", cells.join(",")).into_bytes()
    }
}

/// Where the number of a pupil already on the roster was typed: in 身份证号码, or in 姓名 with the name in
/// 身份证号码 (the two swapped, as the import puts right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypedIn {
    Id,
    Name,
}

impl OnePupil {
    /// The pupil on the roster whose valid number was typed, with the field it was typed in: imported, the one-row
    /// list would rename and move that pupil (paid, maybe), said deep in the report.
    pub fn on_roster(&self, store: &Store) -> crate::store::Result<Option<(TypedIn, Student)>> {
        let today = store.today();
        for (field, typed) in [(TypedIn::Id, &self.id), (TypedIn::Name, &self.name)] {
            let Ok(valid) = crate::domain::id_number::check(typed, today).result else { continue };
            if let Some(held) = store.student_by_id_number(&valid.number)? {
                return Ok(Some((field, held)));
            }
        }
        Ok(None)
    }
}

/// Where the operator is told that the number typed is a pupil's on the roster: what they do there to change
/// that pupil.
#[derive(Debug, Clone, Copy)]
pub enum Told<'a> {
    /// 添加学生 on the screen: the keys, as the keymap binds them, that edit the pupil's name and class (`E`) and
    /// choose the enrollment (`e`).
    Screen { edit: &'a str, enrollment: &'a str },
    /// `canbao add`: the command that marks the pupil back at school (`canbao mark --name … --enrollment here`).
    CommandLine { mark: &'a str },
}

/// The refusal of a pupil typed in whose number is `held`'s, in Chinese and in English, as 添加学生 and `canbao
/// add` say it: the pupil named with class and status, not a new pupil, nothing added, and how to change them. A
/// pupil 已离校 who came back is not one to rename: the enrollment brings them back, which `E` does not touch.
pub fn on_roster_refusal(held: &Student, told: Told) -> (String, String) {
    let status = |zh: bool| {
        let (enrollment, payment) = if zh {
            (held.enrollment.label_zh(), held.payment.label_zh())
        } else {
            (held.enrollment.label_en(), held.payment.label_en())
        };
        match held.enrollment {
            Enrollment::Left | Enrollment::Declined | Enrollment::Elsewhere => {
                format!("{enrollment}{}{payment}", if zh { "，" } else { ", " })
            }
            _ => payment.to_owned(),
        }
    };
    let (name, class) = (&held.name, held.class_label());
    let (zh, en) = (status(true), status(false));
    let head_zh = format!("此身份证号码已是 {name}（{class}，{zh}）：不是新学生，没有添加。");
    let head_en = format!("this ID number is already {name}'s ({class}, {en}): not a new pupil, nothing added. ");
    let (how_zh, how_en) = match (held.enrollment, told) {
        (Enrollment::Left, Told::Screen { enrollment, .. }) => (
            format!("该生回到本校的，请在名单中找到该生后按 {enrollment} 改参保状态"),
            format!(
                "If they are back at school, find them on the roster and press {enrollment} to change their enrollment"
            ),
        ),
        (Enrollment::Left, Told::CommandLine { mark }) => (
            format!("该生回到本校的，请改参保状态：{mark}"),
            format!("If they are back at school, change their enrollment: {mark}"),
        ),
        (_, Told::Screen { edit, .. }) => (
            format!("要改该生的姓名或班级，请在名单中找到该生后按 {edit}"),
            format!("To change their name or class, find them on the roster and press {edit}"),
        ),
        (_, Told::CommandLine { .. }) => (
            "要改该生的姓名或班级，请在 canbao 界面的名单中找到该生后按 E".to_owned(),
            "To change their name or class, find them on the roster in canbao's screen and press E".to_owned(),
        ),
    };
    (format!("{head_zh}{how_zh}"), format!("{head_en}{how_en}"))
}

/// A cell as CSV: quoted when it holds a comma, a quote or a line break, so a pasted 「张三,李四」 stays one cell.
fn quoted(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_owned() }
}

/// The one-row list on disk: [`FILE_NAME`] in a folder of its own that only the operator can read (it holds a
/// minor's ID number), in the system's temporary folder. Removed with its folder when dropped, which the
/// command line does once the import is done and the screen once its preview is applied or left.
#[derive(Debug)]
pub struct OnePupilList {
    dir: PathBuf,
    path: PathBuf,
}

/// The name a report and the drive's history give a one-row list written here: [`FILE_NAME`] alone, not the
/// temporary folder it was read from (gone once the import is done, and no file the operator could open).
pub fn shown_name(path: &Path) -> Option<String> {
    let folder = path.parent()?.file_name()?.to_str()?;
    (folder.starts_with(FOLDER_PREFIX) && path.file_name()? == FILE_NAME).then(|| FILE_NAME.to_owned())
}

/// The start of the name of the folder a one-row list is written in.
const FOLDER_PREFIX: &str = "canbao-add-";

/// How many folder names are tried before giving up: more taken names than this is no accident.
const TRIES: u32 = 20;

impl OnePupilList {
    /// Writes `pupil` as a list under the system's temporary folder.
    pub fn write(pupil: &OnePupil) -> std::io::Result<Self> {
        Self::write_in(&std::env::temp_dir(), pupil)
    }

    /// Writes `pupil` as a list in a new folder under `parent`. The folder is made new (never one already
    /// there, nor a link someone planted at the name), owner-only, and the file in it too.
    pub fn write_in(parent: &Path, pupil: &OnePupil) -> std::io::Result<Self> {
        let pid = std::process::id();
        for n in 0..TRIES {
            let dir = parent.join(format!("{FOLDER_PREFIX}{pid}-{n}"));
            match crate::private_file::create_dir_new(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
            let list = OnePupilList { path: dir.join(FILE_NAME), dir };
            let mut file = crate::private_file::create_new(&list.path)?;
            file.write_all(&pupil.csv())?;
            file.sync_all()?;
            return Ok(list);
        }
        Err(crate::private_file::temp_name_taken())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OnePupilList {
    fn drop(&mut self) {
        crate::private_file::remove_if_plain_file(&self.path);
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_list_is_private_and_removed_when_dropped() {
        let parent = tempfile::tempdir().unwrap();
        let pupil = OnePupil {
            name: "龙小雨".into(),
            id: "450202201911021741".into(),
            class: "三年级2班".into(),
            phone: String::new(),
        };
        let list = OnePupilList::write_in(parent.path(), &pupil).unwrap();
        let path = list.path().to_path_buf();
        assert_eq!(path.file_name().unwrap(), FILE_NAME);
        assert_eq!(shown_name(&path).as_deref(), Some(FILE_NAME));
        assert_eq!(shown_name(Path::new("/home/t/手工添加.csv")), None);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "\u{feff}姓名,身份证号码,班级,联系电话\r\n龙小雨,450202201911021741,三年级2班,\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        drop(list);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_cell_with_a_comma_stays_one_cell() {
        let pupil = OnePupil { name: "张\"三\",李".into(), class: "一1".into(), ..OnePupil::default() };
        let text = String::from_utf8(pupil.csv()).unwrap();
        assert!(text.ends_with("\"张\"\"三\"\",李\",,一1,\r\n"), "{text}");
        assert_eq!(OnePupil { class: "一1".into(), ..OnePupil::default() }.missing(), Some(Missing::Name));
        assert_eq!(pupil.missing(), None);
    }
}
