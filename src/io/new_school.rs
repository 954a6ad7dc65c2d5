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
        let said_zh = format!("名单所写的学校“{school}”不是此数据文件中已有的学校（已有：{held_zh}）");
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
}
