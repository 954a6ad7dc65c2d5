//! An import's counts of statuses, in words: the command line and the screen say them alike under the totals.

use crate::io::class_list::ImportReport;
use crate::words::counted;

/// The line under an import's totals on the statuses it read, in Chinese and in English: those canbao's own form
/// gave (taken, not taken), and a school's list's 是否参保 against the drive. A count of none is no change and is
/// not said; `None` when there is nothing to say.
pub fn statuses_line(r: &ImportReport) -> Option<(String, String)> {
    let (set, left, differ) = (r.statuses_set, r.statuses_left, r.list_statuses_differ);
    let mut zh: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    match (set, left) {
        (0, 0) => {}
        (0, left) => {
            zh.push(format!("canbao 表格中 {left} 行的参保缴费状态未采用"));
            en.push(format!("Statuses from canbao's own form: not taken from {}", counted(left, "row", "rows")));
        }
        (set, 0) => {
            zh.push(format!("按 canbao 表格更改参保缴费状态 {set} 名学生"));
            en.push(format!("Statuses from canbao's own form: taken for {}", counted(set, "pupil", "pupils")));
        }
        (set, left) => {
            zh.push(format!("按 canbao 表格更改参保缴费状态 {set} 名学生，未采用 {left} 行"));
            en.push(format!(
                "Statuses from canbao's own form: taken for {}, not taken from {}",
                counted(set, "pupil", "pupils"),
                counted(left, "row", "rows")
            ));
        }
    }
    if differ > 0 {
        zh.push(format!("名单中 {differ} 行的是否参保与数据文件不符，未更改"));
        let lead = if en.is_empty() { "Rows" } else { "rows" };
        en.push(format!("{lead} of the list whose 是否参保 differs from the drive: {differ}, not changed"));
    }
    if zh.is_empty() {
        return None;
    }
    Some((format!("{}，见下列各行", zh.join("；")), format!("{}: see the lines below", en.join("; "))))
}
