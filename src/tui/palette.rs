//! The command palette (`:`): every action the command line has for an open drive, found by typing Chinese,
//! pinyin initials or English (`dc`, `导出`, `export` all find the exports).

use pinyin::ToPinyin;

use crate::io::reconcile::Source;

/// A form the palette can export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// 在校学生信息表 (one file).
    Sheet,
    /// 批量参保模板: in the drive's first year every pupil (two files); after it only the year's new pupils and, in a
    /// third file, those who left or graduated (002 四).
    Template,
    /// 批量参保模板 of every pupil at school, in any year (`export template --all`).
    TemplateAll,
    /// 四本台账.
    Ledgers,
    /// 特殊人员花名册.
    Special,
    /// 班级核对表.
    Classes,
    /// 参保进度汇总.
    Summary,
    /// 缴费告知单, for a payment today.
    Notices,
}

impl Form {
    /// A form handed to the 医保 agency or a certifying department, which register and certify people by their
    /// whole ID number: never masked, whatever 导出时身份证号码打码 says (`export --mask` refuses them too).
    pub fn for_agencies(self) -> bool {
        matches!(self, Form::Template | Form::TemplateAll | Form::Ledgers | Form::Special)
    }

    /// The form's name in the drive's record of an export (`export` in its history), for a form that carries whole
    /// ID numbers as written (`masked`: the copy for teachers); `None` for one that shows none: a masked copy, the
    /// summary's counts, the notices' last four digits. As `canbao export` names them.
    pub fn full_id_form(self, masked: bool) -> Option<&'static str> {
        match self {
            Form::Sheet if !masked => Some("sheet"),
            Form::Classes if !masked => Some("classes"),
            Form::Template | Form::TemplateAll => Some("template"),
            Form::Ledgers => Some("ledgers"),
            Form::Special => Some("special"),
            Form::Sheet | Form::Classes | Form::Summary | Form::Notices => None,
        }
    }
}

/// What a palette entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Import,
    Export(Form),
    /// Preview first, then confirm.
    Reconcile(Source),
    /// The policy screen: each policy's year, premium and windows; choose one for the drive.
    Policies,
    /// This year's policy from last year's.
    NewPolicy,
    /// One pupil typed in (a transfer pupil), imported as a one-row list: the import's preview, then Enter.
    AddPupil,
    Check,
    Backup,
    /// Put a backup in place of the drive: a backup file from the drive's backups folder, asked first.
    Restore,
    /// Rename a school, its pupils with it.
    RenameSchool,
    /// Dismiss a payment the check lists as paid at the tax office and not recorded here (`check --dismiss`).
    DismissPayment,
    /// Take back a dismissal: the payment is listed again (`check --undismiss`).
    UndismissPayment,
    /// Bring in another laptop's copy of the drive: a preview, then Enter.
    Merge,
    /// Show an earlier insured year read-only, or come back to the current one.
    SwitchYear,
    /// Start the next insured year (the dry run's report first).
    NewYear,
    Dashboard,
    Help,
    /// Exports from now on mask ID numbers, or no longer do.
    MaskExports,
    /// The possible leavers (`year leavers`), to mark 已离校 (`year leavers --mark`).
    Leavers,
}

pub struct Entry {
    pub command: Command,
    pub zh: &'static str,
    pub en: &'static str,
    /// More words that find it (the CLI's own words).
    pub keywords: &'static str,
}

const fn entry(command: Command, zh: &'static str, en: &'static str, keywords: &'static str) -> Entry {
    Entry { command, zh, en, keywords }
}

pub const ENTRIES: &[Entry] = &[
    entry(Command::Import, "导入班级名单", "Import class lists", "import"),
    entry(Command::AddPupil, "添加学生", "Add a pupil", "add tianjia 新增 转学 转入"),
    entry(Command::Export(Form::Sheet), "导出在校学生信息表", "Export the student information sheet", "export sheet"),
    entry(
        Command::Export(Form::Template),
        "导出批量参保模板",
        "Export the batch enrollment template",
        "export template",
    ),
    entry(
        Command::Export(Form::TemplateAll),
        crate::io::forms::template::ALL_PUPILS_ENTRY,
        crate::io::forms::template::ALL_PUPILS_ENTRY_EN,
        "export template --all all",
    ),
    entry(Command::Export(Form::Ledgers), "导出四本台账", "Export the four ledgers", "export ledgers"),
    entry(Command::Export(Form::Special), "导出特殊人员花名册", "Export the special-category roster", "export special"),
    entry(Command::Export(Form::Classes), "导出班级核对表", "Export the class check lists", "export classes"),
    entry(Command::Export(Form::Summary), "导出参保进度汇总", "Export the progress summary", "export summary"),
    entry(Command::Export(Form::Notices), "导出缴费告知单", "Export the payment notices", "export notices"),
    entry(
        Command::MaskExports,
        "导出时身份证号码打码（开/关）",
        "Mask ID numbers in exports (on/off)",
        "export mask 打码 隐藏",
    ),
    entry(
        Command::Reconcile(Source::Tax),
        "核对税务缴费名单",
        "Reconcile the tax office's paid list",
        "reconcile tax 对账 dz",
    ),
    entry(
        Command::Reconcile(Source::Agency),
        "核对医保参保登记反馈",
        "Reconcile the agency's registrations",
        "reconcile agency 对账 dz",
    ),
    entry(
        Command::Reconcile(Source::Categories),
        "核对部门认定名单（人员类别）",
        "Reconcile a department's category list",
        "reconcile categories 对账 dz",
    ),
    entry(Command::Policies, "政策：查看与选定", "Policy: show and choose", "policy use show list"),
    entry(Command::NewPolicy, "政策：生成本年度政策", "Policy: make this year's from last year's", "policy new"),
    entry(Command::Check, "检查名单", "Check the roster", "check"),
    entry(
        Command::DismissPayment,
        "销项：税务已缴费、名单未记入",
        "Dismiss a payment paid at the tax office, not recorded here",
        "check dismiss 销项 xx",
    ),
    entry(
        Command::UndismissPayment,
        "撤销销项（已销项的缴费重新列出）",
        "Take back a dismissal (list the payment again)",
        "check undismiss 撤销销项 cxxx",
    ),
    entry(Command::RenameSchool, "学校改名", "Rename a school", "school rename"),
    entry(Command::Merge, "合并另一台电脑的数据文件", "Merge another laptop's drive file", "merge"),
    entry(Command::Backup, "立即备份", "Back up now", "backup"),
    entry(Command::Restore, "从备份恢复", "Restore from a backup", "restore backup"),
    entry(Command::SwitchYear, "切换年度（查看往年，只读）", "Switch year (earlier years read-only)", "year switch"),
    entry(
        Command::NewYear,
        "开始新学年（升级、毕业）",
        "Start the next school year (promote, graduate)",
        "year new 新年度 下一学年 下一年度",
    ),
    entry(Command::Leavers, "登记可能已离校的学生", "Mark possible leavers as left", "year leavers --mark 离校 转学"),
    entry(Command::Dashboard, "统计", "Stats and dashboard", "stats dashboard"),
    entry(Command::Help, "按键帮助", "Key help", "help keys"),
];

/// The first letter of each character's pinyin (and the character itself when it has none).
fn initials(text: &str) -> String {
    text.chars()
        .map(|c| c.to_pinyin().map_or(c.to_ascii_lowercase(), |p| p.first_letter().chars().next().unwrap_or(c)))
        .collect()
}

/// The whole pinyin of each character without tones, run together (核对税务 → heduishuiwu), so an operator who
/// types a word's pinyin as the roster's search takes it finds the command too; other characters as they are.
fn spelled(text: &str) -> String {
    text.chars().map(|c| c.to_pinyin().map_or_else(|| c.to_lowercase().to_string(), |p| p.plain().to_owned())).collect()
}

/// Whether `word`'s characters occur in `text` in order ("导出台账" in 导出四本台账, "dctz" in dcsbtz).
fn in_order(word: &str, text: &str) -> bool {
    let mut rest = text.chars();
    word.chars().all(|w| rest.any(|c| c == w))
}

/// How few runs of consecutive characters of `text` hold `word`'s characters in order (`None`: they are not in
/// it): "dchz" is two runs in 导出参保进度汇总's initials (dc, hz: the words 导出 and 汇总), three or more in those
/// of an entry whose characters merely occur scattered. Fewer runs is the closer match.
fn runs(word: &str, text: &str) -> Option<usize> {
    let text: Vec<char> = text.chars().collect();
    let mut word = word.chars();
    let first = word.next()?;
    // Runs needed with the characters so far, the last one at each place of `text`.
    let mut at: Vec<Option<usize>> = text.iter().map(|&c| (c == first).then_some(1)).collect();
    for w in word {
        let mut before: Option<usize> = None;
        let mut next = vec![None; text.len()];
        for (j, &c) in text.iter().enumerate() {
            if c == w {
                let run_on = j.checked_sub(1).and_then(|k| at[k]);
                let new_run = before.map(|b| b + 1);
                next[j] = [run_on, new_run].into_iter().flatten().min();
            }
            before = [before, at[j]].into_iter().flatten().min();
        }
        at = next;
    }
    at.into_iter().flatten().min()
}

/// The entries the typed text finds, in the palette's order: every word must occur in the Chinese label, its
/// pinyin initials or whole pinyin, the English label or the keywords. When no entry holds the words as they are typed, their
/// characters in order will do ("导出台账" finds 导出四本台账), so a close match never hides an exact one.
pub fn matching(query: &str) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let fields: Vec<[String; 5]> = ENTRIES
        .iter()
        .map(|e| [e.zh.to_owned(), initials(e.zh), spelled(e.zh), e.en.to_lowercase(), e.keywords.to_owned()])
        .collect();
    let find = |found: &dyn Fn(&str, &str) -> bool| -> Vec<usize> {
        (0..ENTRIES.len()).filter(|&i| words.iter().all(|w| fields[i].iter().any(|f| found(w, f)))).collect()
    };
    let mut exact = find(&|w, f| f.contains(w));
    if exact.is_empty() {
        // The closest first (`runs`), in the palette's order among equals: typed in a hurry, Enter takes the
        // first, and an entry whose words' initials were typed beats one whose letters happen to be scattered.
        let mut close = find(&in_order);
        let score = |i: usize| -> usize {
            words.iter().map(|w| fields[i].iter().filter_map(|f| runs(w, f)).min().unwrap_or(usize::MAX / 8)).sum()
        };
        close.sort_by_key(|&i| score(i));
        return close;
    }
    // An entry the typed words name as its own (`check` is 检查名单's word) before one that merely contains
    // them (导出班级核对表, "class check lists").
    let own = |i: usize| words.iter().all(|w| ENTRIES[i].keywords.split(' ').any(|k| k == w));
    exact.sort_by_key(|&i| !own(i));
    exact
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(query: &str) -> Vec<Command> {
        matching(query).into_iter().map(|i| ENTRIES[i].command).collect()
    }

    #[test]
    fn the_exports_are_found_three_ways() {
        for query in ["dc", "导出", "export"] {
            let hits = found(query);
            // The seven forms (the template of every pupil besides), and the switch that masks ID numbers in them.
            assert_eq!(hits.len(), 9, "{query}: {hits:?}");
            assert!(hits.iter().all(|c| matches!(c, Command::Export(_) | Command::MaskExports)), "{query}");
        }
        assert_eq!(found("export ledgers"), [Command::Export(Form::Ledgers)]);
        assert_eq!(found("dcsbtz"), [Command::Export(Form::Ledgers)]);
        assert_eq!(found("导出台账"), [Command::Export(Form::Ledgers)]);
        assert_eq!(found("export notices"), [Command::Export(Form::Notices)]);
    }

    /// The initials of some of an entry's words, typed in order, rank it first: 「dchz」 (导出…汇总) is the progress
    /// summary, where before the entries holding d, c, h and z scattered came first in the palette's order.
    #[test]
    fn the_initials_of_an_entrys_words_rank_it_first() {
        assert_eq!(found("dchz")[0], Command::Export(Form::Summary));
        assert_eq!(found("dctz")[0], Command::Export(Form::Ledgers));
        assert_eq!(runs("dchz", "dccbjdhz"), Some(2));
        assert_eq!(runs("dchz", "dxhz"), None);
        assert_eq!(runs("abc", "abc"), Some(1));
        assert_eq!(runs("ac", "abcac"), Some(1));
    }

    #[test]
    fn a_commands_own_word_comes_first() {
        assert_eq!(found("check")[0], Command::Check);
        assert_eq!(found("backup")[0], Command::Backup);
    }

    /// The pinyin of a word, typed whole as the roster's search takes it, finds the commands that hold the word.
    #[test]
    fn a_words_whole_pinyin_finds_its_commands() {
        // 销项：税务已缴费… holds the word too.
        assert_eq!(found("shui"), [Command::Reconcile(Source::Tax), Command::DismissPayment]);
        assert_eq!(found("shuiwu"), [Command::Reconcile(Source::Tax), Command::DismissPayment]);
        assert!(found("daochu").contains(&Command::Export(Form::Ledgers)));
        assert!(found("taizhang").contains(&Command::Export(Form::Ledgers)));
    }

    /// 对账 is what an operator calls reconciling: it finds the three lists to reconcile, by its pinyin too.
    #[test]
    fn reconciling_is_found_by_the_operators_word() {
        let lists = [
            Command::Reconcile(Source::Tax),
            Command::Reconcile(Source::Agency),
            Command::Reconcile(Source::Categories),
        ];
        assert_eq!(found("对账"), lists);
        assert_eq!(found("dz")[..3], lists);
    }

    #[test]
    fn policy_finds_the_policy_entries() {
        assert_eq!(found("policy"), [Command::Policies, Command::NewPolicy]);
        assert_eq!(found("政策"), [Command::Policies, Command::NewPolicy]);
        assert_eq!(found("").len(), ENTRIES.len());
        assert!(found("nothing like this").is_empty());
    }

    /// 「新年度」, the word the notices use for the coming year's drive, finds the new school year first; 「年度」 finds it
    /// among the year's other entries, where neither found it.
    #[test]
    fn the_new_year_is_found_by_the_notices_word_for_it() {
        assert_eq!(found("新年度").first(), Some(&Command::NewYear));
        assert!(found("年度").contains(&Command::NewYear));
    }
}
