//! The policy a new insured year takes when none is named, for `year new` and the TUI's 开始新学年 alike: one
//! for that year named like the drive's (`yibin-2028` for `yibin-2027`) if the config folder or canbao has it,
//! else one made from the drive's policy as `policy new` makes it, written to the config folder's `policies/`;
//! and that policy's concentrated period, which `mark` and the payment form compare a payment's date with while
//! the drive is still in the year before.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::domain::category::CategoryTable;
use crate::domain::policy::{self, PaymentWindow, Policy, PolicySet, Renewal, Renewed};
use crate::private_file::Existing;
use crate::store::{Store, StoreError};

/// What a new year's policy will be.
pub enum YearPolicy {
    /// The drive has no policy to go on.
    None,
    /// A policy for the year the config folder or canbao already has.
    Existing(String),
    /// One made from the drive's policy, to be written with [`write_policy`] when the year starts.
    Made {
        name: String,
        renewed: Box<Renewed>,
        /// The insured year of the policy it was made from: the year before, unless the drive's policy is
        /// another year's than the drive's ([`YearPolicy::made_from_other_year`]).
        base_year: i32,
        /// The personal premium of the policy it was made from: a `--premium` far from it is asked about
        /// (`domain::policy::premium_far`), as `policy new` asks.
        base_premium_fen: i64,
    },
}

/// The meta key naming the drive's policy (`cli::paperwork` and `tui::due` read it by the same name).
const DRIVE_POLICY_KEY: &str = "policy";

/// The new year's policy for the drive `store` holds when none is named: `canbao year new` and the TUI's 开始新学年
/// both choose through here ([`choose`] from the drive's policy, its kept copies and `set`, the policies this
/// laptop has: canbao's own and the config folder's).
pub fn for_drive(
    store: &Store,
    year: i32,
    set: &PolicySet,
    config_dir: Option<&Path>,
    premium_fen: Option<i64>,
) -> Result<YearPolicy, String> {
    let current = store.meta(DRIVE_POLICY_KEY).map_err(|e| e.to_string())?;
    let kept = |name: &str| store.kept_policy_text(name);
    choose(current.as_deref(), year, set, config_dir, premium_fen, &kept)
}

impl YearPolicy {
    /// A policy made from the drive's policy of another insured year than `current`, the drive's: its premium,
    /// windows and categories are that year's (made for 2028 from 2024's 380 yuan on a drive in 2027), not the
    /// year before the new one's; the year it was made from, for `year new` and the TUI to refuse it, naming both.
    pub fn made_from_other_year(&self, current: i32) -> Option<i32> {
        match self {
            YearPolicy::Made { base_year, .. } if *base_year != current => Some(*base_year),
            _ => None,
        }
    }

    /// The name the new year records. A made policy must first be written to the config folder; with none (no
    /// home folder) the year is refused, in Chinese and English: `Store::start_year` keeps the old year's policy
    /// when given none, and the new year would quote last year's premium as its own.
    pub fn recorded(&self, year: i32, config_dir: Option<&Path>) -> Result<Option<&str>, String> {
        match (self, config_dir) {
            (YearPolicy::None, _) => Ok(None),
            (YearPolicy::Existing(name), _) | (YearPolicy::Made { name, .. }, Some(_)) => Ok(Some(name)),
            (YearPolicy::Made { name, .. }, None) => Err(format!(
                "没有 {year} 年度的政策：canbao 自带的政策中没有 {name}，又没有配置文件夹，无法由本数据文件的政策生成；\
                 未开始新年度，以免新年度沿用上一年度的政策和缴费标准。请在有主目录（配置文件夹，见 canbao paths）的\
                 账户下开始新学年 (no policy for {year}: canbao has no {name} of its own, and with no config folder \
                 none can be made from the drive's policy; the new year was not started, so that it does not go on \
                 under last year's policy and premium. Start it from an account with a home folder, where canbao \
                 paths shows a config folder)"
            )),
        }
    }

    /// Makes the policy ready for `year` to start with it ([`YearPolicy::recorded`]): a made one is written to
    /// the config folder's `policies/` first, so the drive never names a policy that does not exist. The name to
    /// record and the file written, for the caller to remove if the year then does not start.
    ///
    /// The demo's (`demo::is_demo`) is kept in the demo file alone, as its first year's is: a policy made from
    /// sample data in the config folder would be offered to every real drive of the laptop.
    pub fn prepare(
        &self,
        year: i32,
        config_dir: Option<&Path>,
        store: &mut Store,
    ) -> Result<(Option<String>, Option<PathBuf>), String> {
        if let YearPolicy::Made { name, renewed, .. } = self
            && crate::demo::is_demo(store)
        {
            store.keep_policy_text(name, &renewed.text).map_err(|e| e.to_string())?;
            return Ok((Some(name.clone()), None));
        }
        let name = self.recorded(year, config_dir)?.map(str::to_owned);
        let written = match (self, config_dir) {
            (YearPolicy::Made { name, renewed, .. }, Some(dir)) => Some(write_policy(dir, name, renewed)?),
            _ => None,
        };
        Ok((name, written))
    }
}

/// This laptop's file of a policy the new year goes by, or is made from, when it says otherwise than the drive's
/// copy, which is taken: for `year new` and the TUI's 开始新学年 alike to say which text was taken and the
/// premium's change, with how to take the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNotTaken {
    pub name: String,
    pub copy_premium_fen: i64,
    pub file_premium_fen: i64,
    /// The new year's policy is made from it (else it is the new year's policy itself).
    pub made_from: bool,
}

impl FileNotTaken {
    /// For `chosen`, as [`for_drive`] chose it (a policy named by the operator is theirs, not asked here).
    pub fn of(store: &Store, chosen: &YearPolicy, set: &PolicySet) -> Option<FileNotTaken> {
        let (name, made_from) = match chosen {
            YearPolicy::None => return None,
            YearPolicy::Existing(name) => (name.clone(), false),
            YearPolicy::Made { .. } => (store.meta(DRIVE_POLICY_KEY).ok()??, true),
        };
        let copy_text = store.kept_policy_text(&name)?;
        let file = set.get(&name)?;
        if file.file_text()? == copy_text {
            return None;
        }
        let copy = store.kept_policy(&name)?;
        Some(FileNotTaken {
            name,
            copy_premium_fen: copy.personal_premium_fen,
            file_premium_fen: file.personal_premium_fen,
            made_from,
        })
    }

    /// In Chinese and English: the text taken (the drive's copy, its premium), the file's premium, and the
    /// `year new` that takes the file (`--policy`) or its premium (`--premium`, for a made policy).
    pub fn said(&self, store: &Store, year: i32) -> (String, String) {
        let name = &self.name;
        let (copy, file) =
            (crate::domain::money::plain(self.copy_premium_fen), crate::domain::money::plain(self.file_premium_fen));
        if self.made_from {
            let command = store.command(&format!("year new {year} --premium {file}"));
            (
                format!(
                    "{year} 年度政策由数据文件中保存的 {name}（个人缴费 {copy} 元）生成；本电脑的政策文件 {name} 与之不同\
                     （个人缴费 {file} 元），未采用；要按该文件的缴费标准：{command}"
                ),
                format!(
                    "{year}'s policy is made from the drive's copy of {name} (premium {copy} yuan); this computer's \
                     file of it differs (premium {file} yuan) and is not used: for the file's premium, {command}"
                ),
            )
        } else {
            let command = store.command(&format!("year new {year} --policy {name}"));
            (
                format!(
                    "{year} 年度政策 {name} 按数据文件中保存的副本（个人缴费 {copy} 元）；本电脑的政策文件与之不同（个人缴费 \
                     {file} 元），未采用；要改用该文件：{command}"
                ),
                format!(
                    "{year}'s policy {name} is the drive's copy (premium {copy} yuan); this computer's file of it \
                     differs (premium {file} yuan) and is not used: to take the file, {command}"
                ),
            )
        }
    }
}

/// The next insured year's concentrated period, while the drive is still in the year before: a family's payment
/// dated in it is recorded for the drive's year though the collection under way is for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextCollection {
    /// The drive's year, which such a payment is recorded for.
    pub recorded: i32,
    /// The year whose collection is under way.
    pub year: i32,
    pub window: PaymentWindow,
}

impl NextCollection {
    /// The next year's concentrated period, by the policy `year new` would give it ([`for_drive`]: canbao's or
    /// the config folder's for that year, else the drive's moved a year on); `None` without a policy, or for an
    /// earlier year shown (read-only, nothing is recorded there).
    pub fn of_drive(store: &Store, set: &PolicySet, config_dir: Option<&Path>) -> Option<NextCollection> {
        if store.viewed_year().is_some() {
            return None;
        }
        let recorded = store.current_year()?;
        let year = recorded + 1;
        let policy = match for_drive(store, year, set, config_dir, None).ok()? {
            YearPolicy::None => return None,
            YearPolicy::Existing(name) => store.kept_policy(&name).or_else(|| set.get(&name).cloned())?,
            YearPolicy::Made { renewed, .. } => renewed.policy,
        };
        let window = policy.windows.into_iter().next()?;
        Some(NextCollection { recorded, year, window })
    }

    /// Whether a payment on `day` falls in the next year's concentrated period.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.window.from <= day && day <= self.window.to
    }
}

/// The drive's policy when it is of another insured year than the drive's `current`: its windows say nothing of
/// whether `current`'s concentrated period is still open ([`window_still_open`] cannot tell), so the next year is
/// not started on it without the operator's word, nor is its policy made from it.
pub fn policy_of_other_year(policy: Option<&Policy>, current: i32) -> Option<&Policy> {
    policy.filter(|p| p.insured_year != current)
}

/// The concentrated period (集中缴费期, the policy's first window) of `current`'s policy when it is still open on
/// `today`: starting the next year now would put today's payments, and every mark after, on the new year.
pub fn window_still_open(policy: Option<&Policy>, current: i32, today: NaiveDate) -> Option<&PaymentWindow> {
    // Only the first window: a later one (中途参保 through the insured year) runs while the next year's
    // concentrated period has begun, and starting that year is then right.
    let window = policy.filter(|p| p.insured_year == current)?.windows.first()?;
    (window.from <= today && today <= window.to).then_some(window)
}

/// Why `current`'s school year is not over on `today`, under `current`'s own policy: its concentrated period
/// is open, or it is before 1 July of `current`, when the school year ends with graduation (a payment window
/// open then, 其他缴费时间 to 30 June, is named). Starting the next year now would make the year read-only, so
/// the rest of its payments (today's among them) could be recorded nowhere, and a promotion would record the
/// graduating classes as left months early. A window that runs on after July (中途参保 through the insured
/// year) does not hold the next year back: its concentrated period opens in September.
#[derive(Debug, Clone, Copy)]
pub struct YearNotOver<'a> {
    /// The payment window of `current` open today, if one is.
    pub window: Option<&'a PaymentWindow>,
    /// Before 1 July of `current`: the school year has not ended.
    pub before_graduation: bool,
    /// The last day to wait for: 30 June before graduation (or the concentrated period's end, if later), else the
    /// concentrated period's end.
    pub until: NaiveDate,
    /// The drive has no policy at all: what the date alone tells of the year being collected, which a drive made
    /// in the autumn (its year the next one) is until a policy is chosen.
    pub by_date: Option<ByDate>,
}

/// What the date alone tells of `current` on a drive with no policy: the notices (DOMAIN.md) collect a year's
/// premiums from September of the year before to February of the year itself at the latest, and the school year
/// then runs to graduation in July, so the year is not over until 30 June either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByDate {
    /// Before 1 January of `current`: the insured year being collected has not even begun.
    NotBegun,
    /// January or February of `current`: the months every notice is still collecting it.
    Collecting,
    /// March to June: the school year runs on to graduation.
    SchoolYear,
}

/// See [`YearNotOver`]; `None` when the year is over, or `policy` is not `current`'s (which cannot tell). With
/// no policy at all the date alone tells ([`ByDate`]): a drive made in December for next year's collection and
/// never given a policy was closed by `year new` with nothing said, its December payments then recorded nowhere.
pub fn year_not_over(policy: Option<&Policy>, current: i32, today: NaiveDate) -> Option<YearNotOver<'_>> {
    let last_before_graduation = NaiveDate::from_ymd_opt(current, 6, 30)?;
    let before_graduation = today <= last_before_graduation;
    let Some(policy) = policy else {
        let by_date = if today < NaiveDate::from_ymd_opt(current, 1, 1)? {
            ByDate::NotBegun
        } else if today < NaiveDate::from_ymd_opt(current, 3, 1)? {
            ByDate::Collecting
        } else {
            ByDate::SchoolYear
        };
        return before_graduation.then_some(YearNotOver {
            window: None,
            before_graduation,
            until: last_before_graduation,
            by_date: Some(by_date),
        });
    };
    let policy = (policy.insured_year == current).then_some(policy)?;
    let open = |w: &&PaymentWindow| w.from <= today && today <= w.to;
    let first = window_still_open(Some(policy), current, today);
    let window = first.or_else(|| policy.windows.iter().find(open).filter(|_| before_graduation));
    let until = match (first, before_graduation) {
        (Some(w), true) => w.to.max(last_before_graduation),
        (Some(w), false) => w.to,
        (None, true) => last_before_graduation,
        (None, false) => return None,
    };
    Some(YearNotOver { window, before_graduation, until, by_date: None })
}

impl YearNotOver<'_> {
    /// Whether the year's payments are being collected today (a window open, or by the date alone the months
    /// the notices collect in): today's payment is among those that could no longer be recorded.
    pub fn collecting(&self) -> bool {
        self.window.is_some() || matches!(self.by_date, Some(ByDate::NotBegun | ByDate::Collecting))
    }

    /// How `current` is still open, in Chinese and English, as the first words of a refusal: the window open
    /// (「2027 年度的集中缴费期到 2027-02-28，还在进行中」), or without a policy what the date tells, saying there is
    /// none, or the school year.
    pub fn open_words(&self, current: i32) -> (String, String) {
        const NO_POLICY: (&str, &str) =
            ("数据文件没有选定政策，按日期判断，", "the drive has no policy; going by the date, ");
        const USUAL: (&str, &str) = (
            "（各地通知的集中缴费期多为上一年 9 月至当年 2 月）",
            " (the notices' concentrated periods run from September of the year before to February at the latest)",
        );
        match (self.window, self.by_date) {
            (Some(w), _) => (
                format!("{current} 年度的{}到 {}，还在进行中", w.name, w.to),
                format!("{current}'s {} runs until {} and is still open", w.name, w.to),
            ),
            (None, Some(ByDate::NotBegun)) => (
                format!("{}{current} 保险年度 {current}-01-01 才开始，它的缴费{}还在进行中", NO_POLICY.0, USUAL.0),
                format!(
                    "{}insured year {current} begins on {current}-01-01 and its collection{} is still open",
                    NO_POLICY.1, USUAL.1
                ),
            ),
            (None, Some(ByDate::Collecting)) => (
                format!("{}{current} 年度的缴费{}还在进行中", NO_POLICY.0, USUAL.0),
                format!("{}{current}'s collection{} is still open", NO_POLICY.1, USUAL.1),
            ),
            (None, Some(ByDate::SchoolYear)) => (
                format!("{}{current} 年度的学年还没结束", NO_POLICY.0),
                format!("{}{current}'s school year is not over", NO_POLICY.1),
            ),
            (None, None) => (format!("{current} 年度的学年还没结束"), format!("{current}'s school year is not over")),
        }
    }

    /// What starting `year` after `current` now would do, in Chinese and English (no advice, no full stop);
    /// `promote` adds what the promotion does to the graduating classes.
    pub fn said(&self, current: i32, year: i32, promote: bool) -> (String, String) {
        let (open_zh, open_en) = self.open_words(current);
        let (mut zh, mut en) = if self.collecting() {
            (
                format!("{open_zh}：开始 {year} 年度后，{current} 年度只能查看，它的缴费（包括今天的）不能再记录"),
                format!(
                    "{open_en}: once {year} starts, {current} can only be looked at and its payments (today's too) \
                     can no longer be recorded"
                ),
            )
        } else {
            (
                format!("{open_zh}：开始 {year} 年度后，{current} 年度只能查看，它的缴费不能再记录"),
                format!(
                    "{open_en}: once {year} starts, {current} can only be looked at and its payments can no longer be \
                     recorded"
                ),
            )
        };
        if self.before_graduation {
            zh.push_str(&format!("；学年到 {current} 年 7 月毕业才结束"));
            en.push_str(&format!("; the school year runs until graduation in July {current}"));
            if promote {
                zh.push_str("，现在升级会把毕业年级的学生提前记为已离校、毕业，其余各班升一个年级");
                en.push_str(", and promoting now records the graduating classes as left (graduated) early");
            }
        }
        (zh, en)
    }
}

/// A merge refused because the other file has started a later insured year (`StoreError::MergeLaterYear`) says
/// to start that year here first, by a `year new` that is itself refused while this year's concentrated period
/// is open: the command it names then carries `--force`, and the refusal says why, so the command works. A
/// drive's policy of another year, which cannot tell, is to be chosen for this year first (as `year new` says).
/// Any other error is returned as it is.
///
/// `screen`: said on the screen, where the palette's 开始新学年 takes no flag but asks first, so that is what the
/// refusal says instead of `--force`.
pub fn merge_later_year_advice(e: StoreError, policy: Option<&Policy>, today: NaiveDate, screen: bool) -> StoreError {
    let StoreError::MergeLaterYear { theirs, ours, next, command, command_en, .. } = e else { return e };
    let (force_zh, force_en) = if screen {
        ("开始新学年时会先询问是否仍要开始", "starting the year asks first whether to start it all the same")
    } else {
        ("开始新学年要加 --force", "starting the year takes --force")
    };
    let (choose_zh, choose_en, must_zh, must_en) = if screen {
        (
            "命令面板「政策：查看与选定」",
            "the palette's 「Policy: show and choose」",
            "开始新学年时会先询问",
            "answer yes when starting the year asks",
        )
    } else {
        ("canbao policy use", "canbao policy use", "加 --force", "add --force")
    };
    let forced = (format!("{command} --force"), format!("{command_en} --force"));
    let ((command, command_en), why_zh, why_en) = if let Some(p) = policy_of_other_year(policy, ours) {
        let (name, year) = (&p.name, p.insured_year);
        (
            (command, command_en),
            format!(
                "选定的政策 {name} 是 {year} 年度的，无法据此判断 {ours} 年度的集中缴费期是否已结束：开始新学年前请先选定 \
                 {ours} 年度的政策（{choose_zh}），集中缴费期确已结束、确需现在开始的，{must_zh}。"
            ),
            format!(
                "; the chosen policy {name} is for {year} and cannot tell whether {ours}'s concentrated period is over: \
                 choose {ours}'s policy first ({choose_en}), or {must_en} if the period is over and it must \
                 start now"
            ),
        )
    } else if let Some(not_over) = year_not_over(policy, ours, today) {
        let to = not_over.until;
        let (open_zh, open_en) = not_over.open_words(ours);
        let (grad_zh, grad_en) = if not_over.before_graduation {
            (
                format!("；学年到 {ours} 年 7 月毕业才结束，现在升级会把毕业年级的学生提前记为已离校、毕业"),
                format!(
                    "; the school year runs until graduation in July {ours}, and promoting now records the graduating classes as left (graduated) early"
                ),
            )
        } else {
            (String::new(), String::new())
        };
        (
            forced,
            format!(
                "{open_zh}，所以{force_zh}：开始 {next} 年度后，{ours} 年度只能查看，它的缴费不能再记录{grad_zh}；\
                 也可以在 {to} 之后再开始新学年、再合并。"
            ),
            format!(
                "; {open_en}, so {force_en}: once {next} starts, {ours} can only be looked at and \
                 its payments can no longer be recorded{grad_en} (or start it, and merge, after {to})"
            ),
        )
    } else {
        ((command, command_en), String::new(), String::new())
    };
    StoreError::MergeLaterYear { theirs, ours, next, command, command_en, why_zh, why_en }
}

/// The name the year's policy takes after the drive's: its city part and the year. A name whose year stands
/// inside it (the demo's `liuzhou-2027-demo`) keeps its shape with the year changed (`liuzhou-2028-demo`), where
/// appending the year would read as a policy of both years.
pub fn name_for_year(drive_policy: &str, year: i32) -> String {
    let ends_in_digits = drive_policy.ends_with(|c: char| c.is_ascii_digit());
    let inner_year = |part: &str| part.len() == 4 && part.bytes().all(|b| b.is_ascii_digit());
    let mut parts: Vec<&str> = drive_policy.split('-').collect();
    if !ends_in_digits && let Some(at) = parts.iter().rposition(|p| inner_year(p)) {
        let year = year.to_string();
        parts[at] = &year;
        return parts.join("-");
    }
    let stem = drive_policy.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    format!("{stem}-{year}")
}

/// A policy's file text: the config folder's copy, else canbao's own.
pub fn policy_text(config_dir: Option<&Path>, name: &str) -> Option<String> {
    config_dir
        .and_then(|dir| std::fs::read_to_string(dir.join("policies").join(format!("{name}.toml"))).ok())
        .or_else(|| policy::builtin_text(name).map(str::to_owned))
}

/// The policy for `year` after the drive's policy `drive_policy`; `premium_fen` is the made policy's
/// 个人缴费标准 (else the drive's policy's own). `kept` gives the text of a policy the drive keeps a copy of
/// (`Store::kept_policy_text`): a laptop whose config folder lacks the drive's policy (the drive came from
/// another laptop) finds the year's policy, or makes it, from the drive's copy. The error says why none could
/// be made, in Chinese and English.
pub fn choose(
    drive_policy: Option<&str>,
    year: i32,
    set: &PolicySet,
    config_dir: Option<&Path>,
    premium_fen: Option<i64>,
    kept: &dyn Fn(&str) -> Option<String>,
) -> Result<YearPolicy, String> {
    let Some(current) = drive_policy else { return Ok(YearPolicy::None) };
    let name = name_for_year(current, year);
    if let Some(found) = set.get(&name).filter(|p| p.insured_year == year) {
        return Ok(YearPolicy::Existing(found.name.clone()));
    }
    let kept_policy = |name: &str| {
        let text = kept(name)?;
        let policy = Policy::from_toml(name, &text, crate::store::KEPT_POLICY_SOURCE).ok()?;
        Some((policy, text))
    };
    // The year's file is there but broken (a hand edit gone wrong): not made again beside it, nor over it.
    if let Some(broken) = set.broken_named(&name).or_else(|| set.broken_named(current)) {
        return Err(format!(
            "{}；请改正或删除该文件，或用 --policy 指定 {year} 年度的政策 ({}: fix or delete the file, or name the \
             year's policy with --policy)",
            broken.words_zh(),
            broken.words_en()
        ));
    }
    if set.get(&name).is_none()
        && let Some((found, _)) = kept_policy(&name).filter(|(p, _)| p.insured_year == year)
    {
        return Ok(YearPolicy::Existing(found.name));
    }
    // The drive's copy of its policy before this laptop's file of it: the text the year closing went by, on
    // every laptop alike (`FileNotTaken` says when the file differs).
    let (base, base_text) = match (kept_policy(current), set.get(current)) {
        (Some(copy), _) => copy,
        (None, Some(base)) => {
            let text = policy_text(config_dir, &base.name)
                .ok_or_else(|| format!("读不到政策文件“{0}” (cannot read the policy file {0})", base.name))?;
            (base.clone(), text)
        }
        (None, None) => {
            return Err(format!(
                "找不到数据文件选定的政策“{current}”，无法生成 {year} 年度政策；请用 --policy 指定 \
                 (the drive's policy {current} is missing, so no policy for {year} can be made from it: name \
                 the new year's with --policy)"
            ));
        }
    };
    let request = Renewal { name: &name, base_name: &base.name, base_text: &base_text, year, premium_fen };
    let renewed = policy::renew(&request, CategoryTable::builtin()).map_err(|e| e.to_string())?;
    let base_premium_fen = base.personal_premium_fen;
    Ok(YearPolicy::Made { name, renewed: Box::new(renewed), base_year: base.insured_year, base_premium_fen })
}

/// Writes a made policy to the config folder's `policies/` (never over a file already there); its path, or why
/// not in words naming the file.
pub fn write_policy(config_dir: &Path, name: &str, renewed: &Renewed) -> Result<PathBuf, String> {
    write_policy_file(config_dir, name, &renewed.text)
}

/// Writes a policy file into the config folder's `policies/`, whole (`private_file::write_whole`) and never over
/// a file already there: `policy new`, the policy screen's 生成本年度政策 and a new year's made policy all write
/// through here, so a full disk leaves no empty file that would break every later command. Its path, or why
/// not in words naming the file.
pub fn write_policy_file(config_dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    write_policy_file_with(config_dir, name, text, std::io::Write::write_all)
}

fn write_policy_file_with(
    config_dir: &Path,
    name: &str,
    text: &str,
    write: impl FnOnce(&mut std::fs::File, &[u8]) -> std::io::Result<()>,
) -> Result<PathBuf, String> {
    let dir = config_dir.join("policies");
    let target = dir.join(format!("{name}.toml"));
    crate::private_file::create_dir_all(&dir)
        .and_then(|()| crate::private_file::write_whole_with(&target, text.as_bytes(), Existing::Keep, write))
        .map_err(|e| write_error(&e, &target))?;
    Ok(target)
}

/// Why a policy file was not written: 「磁盘已满 (disk full)：…/yibin-2028.toml；政策文件未写入…」.
pub fn write_error(e: &std::io::Error, path: &Path) -> String {
    let (advice, advice_en) = match e.kind() {
        std::io::ErrorKind::StorageFull => ("，请清理磁盘空间后重试", "; free some space and try again"),
        _ => ("", ""),
    };
    let why = crate::os_error::writing(e, path);
    let why_en = crate::words::in_language(&why, crate::words::Language::En);
    format!("{why}；政策文件未写入{advice} (the policy file was not written: {why_en}{advice_en})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_years_name_changes_the_year_where_the_name_holds_it() {
        assert_eq!(name_for_year("yibin-2027", 2028), "yibin-2028");
        assert_eq!(name_for_year("liuzhou2027", 2028), "liuzhou-2028");
        assert_eq!(name_for_year("liuzhou-2027-demo", 2028), "liuzhou-2028-demo");
        assert_eq!(name_for_year("county", 2028), "county-2028");
        // Only a year's four digits stand for the year: a district's number is kept.
        assert_eq!(name_for_year("district-12-policy", 2028), "district-12-policy-2028");
    }

    /// The year is not over while its concentrated period is open, nor before graduation in July while a later
    /// window (其他缴费时间 to 30 June) is open or none is; a window running on after July (中途参保) and the
    /// summer holiday do not hold the next year back.
    #[test]
    fn the_year_is_not_over_before_graduation_in_july() {
        let set = PolicySet::builtin();
        let liuzhou = set.get("liuzhou-2023");
        let not_over = |policy: Option<&Policy>, today: &str| {
            year_not_over(policy, 2023, day(today)).map(|n| (n.window.map(|w| w.name.clone()), n.until))
        };
        let june = day("2023-06-30");
        assert_eq!(not_over(liuzhou, "2022-10-01"), Some((Some("集中缴费期".into()), june)));
        assert_eq!(not_over(liuzhou, "2023-01-15"), Some((Some("其他缴费时间".into()), june)));
        assert_eq!(not_over(liuzhou, "2023-06-30"), Some((Some("其他缴费时间".into()), june)));
        assert_eq!(not_over(liuzhou, "2023-07-15"), None);
        // Nanchong's one window ends in February: the school year goes on.
        assert_eq!(not_over(set.get("nanchong-2023"), "2023-04-10"), Some((None, june)));
        assert_eq!(not_over(set.get("nanchong-2023"), "2023-08-10"), None);
        // Liuzhou 2021's 7月1日至12月31日 window is open as the next year's collection begins.
        assert_eq!(year_not_over(set.get("liuzhou-2021"), 2021, day("2021-09-15")).map(|n| n.until), None);
        // Another year's policy cannot tell.
        assert_eq!(not_over(set.get("yibin-2024"), "2023-01-15"), None);
        let said = year_not_over(liuzhou, 2023, day("2023-01-15")).expect("not over").said(2023, 2024, true);
        assert!(said.0.contains("其他缴费时间到 2023-06-30，还在进行中") && said.0.contains("7 月毕业"), "{}", said.0);
        assert!(said.1.contains("graduation in July 2023"), "{}", said.1);
    }

    /// A link planted at the hidden name the policy is written under (in a shared config folder) is stepped
    /// around: the file it points at is untouched, and the policy is written.
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_policy_s_hidden_name_is_not_written_through() {
        let dir = tempfile::tempdir().expect("dir");
        let policies = dir.path().join("policies");
        crate::private_file::create_dir_all(&policies).expect("mkdir");
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "someone else's file\n").expect("write");
        let part = policies.join(format!(".liuzhou-x.toml.{}.part", std::process::id()));
        std::os::unix::fs::symlink(&victim, &part).expect("link");
        let written = write_policy_file(dir.path(), "liuzhou-x", "title = \"x\"\n").expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "someone else's file\n");
        assert_eq!(std::fs::read_to_string(written).expect("read"), "title = \"x\"\n");
        assert!(std::fs::symlink_metadata(&part).expect("kept").file_type().is_symlink(), "not canbao's to remove");
    }

    #[test]
    fn a_policy_file_on_a_full_disk_is_not_left_empty_and_the_disk_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        let full = |_: &mut std::fs::File, _: &[u8]| Err(std::io::Error::from_raw_os_error(28));
        let err = write_policy_file_with(dir.path(), "liuzhou-x", "title = \"x\"\n", full).expect_err("full");
        assert!(err.starts_with("磁盘已满"), "{err}");
        assert!(err.contains("liuzhou-x.toml") && !err.contains(".part"), "names the policy file: {err}");
        assert!(err.contains("政策文件") && err.contains("(the policy file was not written: disk full: "), "{err}");
        // In English the disk and the file are named too.
        let en = crate::words::in_language(&err, crate::words::Language::En);
        assert!(
            en.starts_with("the policy file was not written: disk full: ") && en.contains("liuzhou-x.toml"),
            "{en}"
        );
        assert!(!err.contains("os error"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("policies")).expect("dir").collect();
        assert!(left.is_empty(), "nothing left in policies/: {left:?}");

        let path = write_policy_file(dir.path(), "liuzhou-x", "title = \"x\"\n").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "title = \"x\"\n");
        let again = write_policy_file(dir.path(), "liuzhou-x", "other").expect_err("kept");
        assert!(again.contains("已有同名的文件"), "{again}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "title = \"x\"\n");
    }
}
