//! What an import says of a school its lists name that the drive did not hold: another school's list picked by
//! mistake, or the drive's school written another way, would otherwise add a second school without a word.

use std::path::Path;

use crate::words::{canbao_command, shell_path, shell_word};

/// The warnings, one per school new to the drive: `held`, the drive's schools before the import (none: a new
/// drive, whose first list names its school, says nothing); `named`, each school the lists name with how many
/// pupils were added under it (none: its pupils were all moved there from the drive's school, which the import
/// says as moves); `backup`, the backup the import took before it committed (`None` on a dry run, which
/// changed nothing and so gives the way not to import instead of the way back); `drive`, the drive as the
/// commands it offers must name it (`--db`), `None` for the default drive.
pub(super) fn warnings(
    held: &[String],
    named: &[(String, usize)],
    backup: Option<&Path>,
    dry_run: bool,
    drive: Option<&Path>,
) -> Vec<String> {
    let Some(first) = held.first() else { return Vec::new() };
    // The commands as a shell must be given them: a path or a school's name with a space is quoted.
    let first_arg = shell_word(first);
    let (held_zh, held_en) = (held.join("、"), held.join(", "));
    let mut out = Vec::new();
    for (school, count) in named.iter().filter(|(school, count)| *count > 0 && !held.contains(school)) {
        let rename = canbao_command(drive, &format!("school rename {} {first_arg} --merge", shell_word(school)));
        let pupils = if *count == 1 { "pupil" } else { "pupils" };
        let were = if *count == 1 { "was" } else { "were" };
        let said_zh = format!("名单所写的学校{}", not_held(school, &held_zh));
        let said_en = format!("the list names the school {school}, which this drive did not hold (it holds {held_en})");
        let message = if dry_run {
            format!(
                "{said_zh}，名单中 {count} 名学生将记入新学校“{school}”；若“{school}”就是“{first}”的另一种写法，请以\
                 “{first}”为学校名导入（命令行：--school {first_arg}）；若这是别的学校的名单，请不要导入 ({said_en}; \
                 {count} {pupils} of the list would go under {school}, a new school; if {school} is {first} written \
                 another way, import with the school named {first} (on the command line: --school {first_arg}); if the \
                 list is another school's, do not import it)"
            )
        } else {
            let back = match backup {
                Some(path) => canbao_command(drive, &format!("restore {}", shell_path(path))),
                None => canbao_command(drive, "restore"),
            };
            format!(
                "{said_zh}，名单中 {count} 名学生已记入新学校“{school}”；若“{school}”就是“{first}”的另一种写法，请把它并入\
                 “{first}”：{rename}；若这是别的学校的名单、不应导入，请恢复导入前的\
                 备份：{back} ({said_en}; {count} {pupils} of the list {were} put under {school}, a new school; if \
                 {school} is {first} written another way, merge it into {first}: {rename}; \
                 if the list is another school's and should not be here, restore the backup taken \
                 before the import: {back})"
            )
        };
        out.push(message);
    }
    out
}

/// What the import says of each school a list names as it was before the drive renamed it (old, the name now):
/// its rows went to the school under its name now, where read as written they would have moved its pupils back.
pub(super) fn renamed_notes(renamed: &[(String, String)], dry_run: bool) -> Vec<String> {
    let done = if dry_run { "would be imported" } else { "was imported" };
    renamed
        .iter()
        .map(|(old, now)| {
            format!(
                "名单中的学校“{old}”已改名为“{now}”，按改名后的学校导入 (the list names the school {old}, since renamed \
                 {now}: the list {done} as {now}'s)"
            )
        })
        .collect()
}

/// That `school` is none of the drive's schools, `held_zh` (the Chinese list of them).
fn not_held(school: &str, held_zh: &str) -> String {
    format!("“{school}”不是此数据文件中已有的学校（已有：{held_zh}）")
}

/// The school the drive holds that the lists' new school names are other ways of writing: the one held school
/// whose name holds each of them (城中区实验小学 for 柳州市城中区实验小学) or that each holds (the title in full for a
/// school held short: 梧州市万秀区城南小学 and 万秀区城南小学 for 城南小学), the same one for all, the lists naming no
/// other school but that one. `(written, held)`, the names as the lists write them in the order met; `None` when
/// a name fits no held school or more than one, or the names fit different ones. Taken as written, such lists
/// moved the held pupils into a second school (one per way of writing it).
pub fn held_written_otherwise(named: &[String], held: &[String]) -> Option<(Vec<String>, String)> {
    let written: Vec<&String> = named.iter().filter(|s| !held.contains(s)).collect();
    let fits = |name: &str| {
        let mut fits = held.iter().filter(|h| h.contains(name) || name.contains(h.as_str()));
        match (fits.next(), fits.next()) {
            (Some(school), None) => Some(school),
            _ => None,
        }
    };
    let school = fits(written.first()?)?;
    let all_fit = written.iter().all(|name| fits(name) == Some(school));
    let only = named.iter().all(|s| written.contains(&s) || s == school);
    (all_fit && only).then(|| (written.into_iter().cloned().collect(), school.clone()))
}

/// Of the schools lists name (`named`) and the drive holds (`held`), the one all of them are to go into, for the
/// import preview's offer to join them: the held school the lists write otherwise (`held_written_otherwise`),
/// else one named short inside another's name and no other school named, the longest name holding it.
/// `(written, into)`: the other names as the lists write them, joined, and that school.
pub fn named_short(named: &[String], held: &[String]) -> Option<(String, String)> {
    if let Some((written, school)) = held_written_otherwise(named, held) {
        return Some((written.join("、"), school));
    }
    let short = named.iter().find(|s| named.iter().chain(held).any(|f| f != *s && f.contains(s.as_str())))?;
    let full =
        named.iter().chain(held).filter(|f| *f != short && f.contains(short.as_str())).max_by_key(|f| f.len())?;
    named.iter().all(|s| s == short || s == full).then(|| (short.clone(), full.clone()))
}

/// What the command line says of lists imported into the held school their names are written otherwise for
/// ([`held_written_otherwise`]), with the command that imports them as written instead (`None`: lists naming the
/// school in several ways, which no one command imports as written, each file to be imported with its own).
pub fn written_otherwise_notice(written: &[String], school: &str, dry_run: bool, command: Option<&str>) -> String {
    let (went_zh, went_en) =
        if dry_run { ("将全部导入", "would all go") } else { ("已全部导入", "all went") };
    let (written_zh, written_en) = (written.join("”“"), written.join(", "));
    let (apart_zh, apart_en) = match command {
        Some(command) => (format!("请按名单所写导入：{command}"), format!("import the list as written: {command}")),
        None => (
            "请逐个文件按其名单所写的学校导入（--school 学校名称）".to_owned(),
            "import each file with the school it names (--school NAME)".to_owned(),
        ),
    };
    format!(
        "名单所写的“{written_zh}”与已有的“{school}”可能是同一所学校：{went_zh}“{school}”，已在册的学生不转学校；若确是不同的\
         学校，{apart_zh} (the lists name {written_en}, which may be {school} written another way: their pupils \
         {went_en} under {school}, and no pupil is moved to another school; if they are different schools, {apart_en})"
    )
}

/// What the import preview says of a school typed for new pupils whose lists name none, when it is none of the
/// drive's schools (`held`, not empty): the notice the command line gives of a list naming a new school, the
/// school the operator's rather than the list's, so that a name typed short (柳州示范小学 for 柳州市示范小学) is
/// seen to make another school before anything is written.
pub fn typed_school_notice(held: &[String], typed: &str, count: usize) -> String {
    let (held_zh, held_en) = (held.join("、"), held.join(", "));
    let pupils = crate::words::counted(count, "new pupil", "new pupils");
    format!(
        "输入的学校{}，{count} 名新学生将记入新学校“{typed}”；若它是已有学校的另一种写法，请选那所学校 (the school \
         typed, {typed}, is not one this drive holds (it holds {held_en}): {pupils} would go under {typed}, a new \
         school; if it is one of the drive's schools written another way, pick that school)",
        not_held(typed, &held_zh)
    )
}

/// The warning, if any, for pupils the import moved out of their schools where importing the list again under
/// the old school's name would not bring them back: every row of `--school` (`forced`) goes to that school, and
/// a list whose pupils were in several schools would move them all to one. `moved`: (from, to, how many), as
/// each file's moves were said; the way back is the backup the import took (`backup`), or on a dry run not to
/// import the lists so.
pub(super) fn moved_warning(
    moved: &[(String, String, usize)],
    forced: Option<&str>,
    backup: Option<&Path>,
    dry_run: bool,
    drive: Option<&Path>,
) -> Option<String> {
    // One count per move across the files, in the order met.
    let mut moves: Vec<(&str, &str, usize)> = Vec::new();
    for (from, to, count) in moved {
        match moves.iter_mut().find(|(f, t, _)| f == from && t == to) {
            Some(seen) => seen.2 += count,
            None => moves.push((from, to, *count)),
        }
    }
    if moves.is_empty() {
        return None;
    }
    let total: usize = moves.iter().map(|m| m.2).sum();
    let zh: Vec<String> = moves.iter().map(|(from, to, n)| format!("{n} 名从“{from}”转到“{to}”")).collect();
    let en: Vec<String> = moves.iter().map(|(from, to, n)| format!("{n} from {from} to {to}")).collect();
    let (zh, en) = (zh.join("、"), en.join(", "));
    let pupils = crate::words::counted(total, "pupil", "pupils");
    let (why, why_en) = match forced {
        Some(school) => (
            format!("（--school {0} 把名单中的每一名学生都记入“{school}”）", shell_word(school)),
            format!(" (--school {0} puts every pupil of the lists in {school})", shell_word(school)),
        ),
        None => (String::new(), String::new()),
    };
    Some(if dry_run {
        let how = match forced {
            Some(school) => format!("请不要用 --school {} 导入这些名单", shell_word(school)),
            None => "请不要导入这些名单".to_owned(),
        };
        let how_en = match forced {
            Some(school) => format!("do not import the lists with --school {}", shell_word(school)),
            None => "do not import the lists".to_owned(),
        };
        format!(
            "导入将把 {total} 名已在册的学生转到别的学校{why}：{zh}；若他们应留在原来的学校，{how} (the import would move \
             {pupils} already on the drive to another school{why_en}: {en}; if they should stay in their schools, \
             {how_en})"
        )
    } else {
        let back = match backup {
            Some(path) => canbao_command(drive, &format!("restore {}", shell_path(path))),
            None => canbao_command(drive, "restore"),
        };
        format!(
            "导入把 {total} 名已在册的学生转到了别的学校{why}：{zh}；若他们应留在原来的学校，请恢复导入前的备份：{back}\
             （按原来的学校名重新导入会把名单中的每一名学生都转过去，并不能撤销） ({pupils} already on the drive moved to \
             another school{why_en}: {en}; if they should have stayed in their schools, restore the backup taken before \
             the import: {back} (importing the lists again under the old school's name would move every pupil of them \
             there, not undo this))"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held() -> Vec<String> {
        vec!["城关镇第一小学".to_owned()]
    }

    #[test]
    fn a_new_drive_or_the_drives_own_school_says_nothing() {
        let named = [("城关镇第一小学".to_owned(), 3)];
        assert!(warnings(&[], &named, None, false, None).is_empty());
        assert!(warnings(&held(), &named, None, false, None).is_empty());
        // Every pupil moved there, none added: said as moves.
        assert!(warnings(&held(), &[("城关一小".to_owned(), 0)], None, false, None).is_empty());
    }

    #[test]
    fn another_school_is_said_with_the_way_back_or_the_way_not_to_import() {
        let named = [("城关镇第一小学".to_owned(), 3), ("河东小学".to_owned(), 1)];
        let done = warnings(&held(), &named, Some(Path::new("backups/d-import.db")), false, None);
        assert_eq!(done.len(), 1, "{done:?}");
        assert!(done[0].starts_with(
            "名单所写的学校“河东小学”不是此数据文件中已有的学校（已有：城关镇第一小学），名单中 1 名学生已记入"
        ));
        assert!(done[0].contains("canbao school rename 河东小学 城关镇第一小学 --merge"), "{}", done[0]);
        assert!(done[0].contains(" (the list names the school 河东小学, which this drive did not hold"), "{}", done[0]);
        assert!(done[0].contains("; 1 pupil of the list was put under 河东小学"), "{}", done[0]);
        assert!(done[0].ends_with("canbao restore backups/d-import.db)"), "{}", done[0]);
        let preview = warnings(&held(), &named, None, true, None);
        assert!(preview[0].contains("--school 城关镇第一小学") && !preview[0].contains("restore"), "{}", preview[0]);
        assert!(preview[0].contains("1 pupil of the list would go"), "{}", preview[0]);
    }

    #[test]
    fn pupils_moved_by_school_are_said_with_the_backup_as_the_way_back() {
        assert_eq!(moved_warning(&[], Some("示范小学"), None, false, None), None);
        let moved = [
            ("第二中学".to_owned(), "示范小学".to_owned(), 100),
            ("第一中学".to_owned(), "示范小学".to_owned(), 1),
            ("第二中学".to_owned(), "示范小学".to_owned(), 50),
        ];
        let done =
            moved_warning(&moved, Some("示范小学"), Some(Path::new("b/d-import.db")), false, Some(Path::new("a.db")))
                .expect("said");
        assert!(done.starts_with("导入把 151 名已在册的学生转到了别的学校（--school 示范小学"), "{done}");
        assert!(done.contains("150 名从“第二中学”转到“示范小学”、1 名从“第一中学”转到“示范小学”"), "{done}");
        assert!(
            done.contains("canbao --db a.db restore b/d-import.db") && !done.contains("--school 第二中学"),
            "{done}"
        );
        let preview = moved_warning(&moved, Some("示范小学"), None, true, None).expect("said");
        assert!(preview.contains("请不要用 --school 示范小学 导入") && !preview.contains("restore"), "{preview}");
    }

    /// Lists naming the drive's school longer in two ways (梧州市万秀区城南小学, 万秀区城南小学 on a drive of 城南小学) go
    /// into it, and the preview's offer names it; a name fitting two held schools, or names fitting different
    /// ones, settle nothing.
    #[test]
    fn names_written_longer_in_several_ways_go_into_the_one_held_school_they_hold() {
        let named = ["梧州市万秀区城南小学".to_owned(), "万秀区城南小学".to_owned()];
        let held = ["城南小学".to_owned()];
        let (written, school) = held_written_otherwise(&named, &held).expect("fits");
        assert_eq!((written.as_slice(), school.as_str()), (&named[..], "城南小学"));
        let (_, into) = named_short(&named, &held).expect("offered");
        assert_eq!(into, "城南小学");
        let with_held = ["城南小学".to_owned(), "梧州市万秀区城南小学".to_owned()];
        assert_eq!(held_written_otherwise(&with_held, &held).map(|(_, s)| s).as_deref(), Some("城南小学"));
        let two = ["城南小学".to_owned(), "城北小学".to_owned()];
        assert_eq!(held_written_otherwise(&named, &two).map(|(_, s)| s).as_deref(), Some("城南小学"));
        let both = ["万秀区城南小学".to_owned(), "万秀区城北小学".to_owned()];
        assert_eq!(held_written_otherwise(&both, &two), None);
        let ambiguous = ["城南小学".to_owned(), "万秀区城南小学".to_owned()];
        assert_eq!(held_written_otherwise(&["梧州市万秀区城南小学".to_owned()], &ambiguous), None);
        let notice = written_otherwise_notice(&named, "城南小学", false, None);
        assert!(notice.contains("“梧州市万秀区城南小学”“万秀区城南小学”与已有的“城南小学”"), "{notice}");
        assert!(notice.contains("逐个文件"), "{notice}");
    }
}
