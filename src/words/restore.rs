//! What a restore takes back, in words: how many of each kind, and the first changes one a line (when, who,
//! what, whose). `canbao restore` (and its `--dry-run`) and the screen's restore question say it alike.

use chrono::FixedOffset;

use crate::store::backup::TakenBack;

/// A change's kind (the audit's action) in Chinese and in English.
pub fn action_words(action: &str) -> (&str, &str) {
    match action {
        "import" => ("导入", "import"),
        "mark" => ("登记", "mark"),
        "edit" => ("修改", "edit"),
        "note" => ("备注", "note"),
        "merge" => ("合并", "merge"),
        "reconcile" => ("对账", "reconciliation"),
        "restore" => ("恢复", "restore"),
        "undo" => ("撤销", "undo"),
        "year" => ("新年度", "new year"),
        "rename" => ("改名", "rename"),
        "reveal" => ("显示完整号码", "whole numbers shown"),
        "export" => ("导出", "export"),
        "top_up" => ("补缴", "top-up"),
        "correct" => ("更正", "correction"),
        "leavers" => ("登记已离校", "marked as left"),
        other => (other, other),
    }
}

/// How many changes of each kind, most first: 「导入 240 项、登记 3 项」 and "import 240, mark 3".
pub fn by_kind(taken: &TakenBack) -> (String, String) {
    let zh: Vec<String> =
        taken.by_kind.iter().map(|(action, n)| format!("{} {n} 项", action_words(action).0)).collect();
    let en: Vec<String> = taken.by_kind.iter().map(|(action, n)| format!("{} {n}", action_words(action).1)).collect();
    (zh.join("、"), en.join(", "))
}

/// One change listed: when (as the drive shows its times), by whom, and what in each language (its kind, the
/// pupil's name where it was one pupil's, the field it changed). No value is said: an ID number corrected is one.
pub struct ChangeLine {
    pub at: String,
    pub who: String,
    pub what_zh: String,
    pub what_en: String,
}

/// The first changes `taken` holds, one a line.
pub fn listed(taken: &TakenBack, offset: FixedOffset) -> Vec<ChangeLine> {
    taken
        .first
        .iter()
        .map(|change| {
            let (kind_zh, kind_en) = action_words(&change.action);
            let pupil = change.pupil.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
            let (field_zh, field_en) = change.field.map_or((String::new(), String::new()), |f| {
                (format!(" {}", f.label_zh()), format!(" {}", f.label_en()))
            });
            ChangeLine {
                at: crate::store::instant::minutes_at(&change.at, offset),
                who: change.operator.clone(),
                what_zh: format!("{kind_zh}{pupil}{field_zh}"),
                what_en: format!("{kind_en}{pupil}{field_en}"),
            }
        })
        .collect()
}
