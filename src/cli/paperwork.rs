//! The paperwork commands: `policy`, `quote`, `reconcile`, `check`, and the forms of `export`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::open::{open_existing, open_writer_or_preview, record_reveal};
use super::output::{print_json, print_json_ids, print_json_list, shown_id};
use super::{Cli, CmdResult, Lang, PolicyAction, QuoteArgs, UserError, config_dir, english, pick, say};
use crate::domain::category::CategoryTable;
use crate::domain::id_number;
use crate::domain::money;
use crate::domain::policy::{
    self, AmountBasis, BenefitPlace, CoverageStart, EnrolleeKind, InsuredElsewhere, Judgement, Policy, PolicySet,
    Quote, QuoteRequest, Refund, ShareReason, Subsidy, SubsidyPayment,
};
use crate::domain::roster_check::CheckReport;
use crate::domain::student::{PaymentStatus, Student};
use crate::domain::unapplied::LinePick;
use crate::io::reconcile::{self, ReconcileReport, Source};
use crate::store::Store;
use crate::words::quote::{QuoteWords, rule_text};
use crate::words::share::ShareWords;
use crate::words::{Language, canbao_command, fill, shell_word};

/// The meta key naming the drive's policy (a `data/policies` file stem such as `yibin-2024`); the TUI reads the
/// same key.
pub use crate::store::POLICY_META_KEY;

/// How to pick the policy a drive lacks, with the commands naming `drive` as this run was given it
/// ([`canbao_command`]), in Chinese and in English.
fn how_to_pick(drive: Option<&std::path::Path>) -> (String, String) {
    let (list, use_zh, use_en) = (
        canbao_command(drive, "policy list"),
        canbao_command(drive, "policy use 名称"),
        canbao_command(drive, "policy use NAME"),
    );
    (
        format!("请先用 `{list}` 查看可用政策，再用 `{use_zh}` 选定，或用 --policy 名称 指定"),
        format!("no policy: see `{list}`, then `{use_en}`, or pass --policy NAME"),
    )
}

/// The drive has chosen no policy: how to choose one. Its Chinese names commands in Latin letters, so its two
/// languages are given apart for `--json`, as no split of the pair would find them.
fn no_policy(drive: Option<&std::path::Path>) -> UserError {
    let (how_zh, en) = how_to_pick(drive);
    let zh = format!("数据文件还没有选定参保政策。{how_zh}");
    UserError::new(format!("{zh} ({en})")).with_pair(zh, en).kind("no_policy")
}

/// `policy list`, `use`, `show` and `new`.
pub fn policy(cli: &Cli, action: &PolicyAction) -> CmdResult {
    match action {
        PolicyAction::List { json } => policy_list(cli, opened_if_there(cli)?.as_ref(), *json),
        PolicyAction::Use { name, yes } => {
            super::open::on_drive_it_may_make(cli, false, |store| policy_use(store, name, *yes))
        }
        PolicyAction::Show { name, json } => policy_show(cli, opened_if_there(cli)?.as_ref(), name.as_deref(), *json),
        PolicyAction::New { name, from, year, premium, yes } => {
            policy_new(cli, name, from, *year, premium.as_deref(), *yes)
        }
    }
}

/// The drive, or `None` where there is none: the policies are built in (and in the config folder), so `policy
/// list` and `policy show NAME` need no drive.
fn opened_if_there(cli: &Cli) -> Result<Option<Store>, UserError> {
    if super::open::drive_path(cli).exists() { Ok(Some(open_existing(cli)?)) } else { Ok(None) }
}

/// The policies there are, each with its insured year: `liuzhou-2023（2023 年度）`, `liuzhou-2023 for 2023` (no
/// brackets in the English, which a message's English half is told by).
fn available(set: &PolicySet, store: Option<&Store>) -> (String, String) {
    let mut list: Vec<Policy> = match store {
        Some(store) => store.choosable_policies(set).unwrap_or_else(|_| set.iter().cloned().collect()),
        None => set.iter().cloned().collect(),
    };
    list.sort_by(|a, b| (a.insured_year, &a.name).cmp(&(b.insured_year, &b.name)));
    let zh: Vec<String> = list.iter().map(|p| format!("{}（{} 年度）", p.name, p.insured_year)).collect();
    let en: Vec<String> = list.iter().map(|p| format!("{} for {}", p.name, p.insured_year)).collect();
    (zh.join("、"), en.join(", "))
}

/// No policy is named `name`: the ones there are with their years, and, for a year typed in place of a name
/// (`policy show 2023`), that policies go by name, and which are that year's.
fn no_such_policy(set: &PolicySet, store: Option<&Store>, name: &str) -> UserError {
    let (zh, en) = available(set, store);
    let year = name.trim().parse::<i32>().ok().filter(|y| (1000..=9999).contains(y));
    let (year_zh, year_en) = match year {
        Some(year) => {
            let of_year: Vec<&str> = set.iter().filter(|p| p.insured_year == year).map(|p| p.name.as_str()).collect();
            match of_year.is_empty() {
                true => (
                    format!("政策按名称指定，没有 {year} 年度的政策；"),
                    format!("policies go by name, and none is for {year}; "),
                ),
                false => (
                    format!("政策按名称指定，{year} 年度的政策：{}；", of_year.join("、")),
                    format!("policies go by name; {year}'s: {}; ", of_year.join(", ")),
                ),
            }
        }
        None => (String::new(), String::new()),
    };
    // Said in the language asked for: the policies' names outnumber the Chinese words, so an English half in
    // brackets would not be told apart.
    let en = format!("no policy named {name}; {year_en}there are {en}");
    UserError::picked(&format!("没有名为“{name}”的政策；{year_zh}可用的政策：{zh} ({en})"), &en).kind("no_such_policy")
}

/// Every policy, with a note on stderr (once per command) for each config-folder file that cannot be used: it is
/// left out, and stops only a command on a drive that uses it (see [`policy_named`]).
pub fn policies() -> Result<PolicySet, UserError> {
    static NOTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let set = PolicySet::load(config_dir().as_deref());
    if !NOTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        for broken in set.broken() {
            let en = format!("note: {}: skipped, the other policies are used", broken.words_en());
            let both = format!("注意：{}；已跳过此文件，其余政策照常使用 ({en})", broken.words_zh());
            eprintln!("{}", pick(&both, &en));
        }
    }
    Ok(set)
}

/// Why the policy `name` cannot be used when its config-folder file is broken.
fn broken_policy(set: &PolicySet, name: &str) -> Option<UserError> {
    let broken = set.broken_named(name)?;
    Some(UserError::new(format!(
        "政策“{name}”无法使用：{}；请改正或删除该文件 (policy \"{name}\" cannot be used: {}; fix or delete the file)",
        broken.words_zh(),
        broken.words_en()
    )).kind("bad_policy"))
}

/// The named policy, or the drive's, or an error saying how to pick one.
pub fn policy_named(set: &PolicySet, store: &Store, name: Option<&str>) -> Result<Policy, UserError> {
    let (name, drives) = match name {
        Some(n) => (n.to_owned(), false),
        None => (store.meta(POLICY_META_KEY)?.ok_or_else(|| no_policy(store.hint_drive()))?, true),
    };
    // Its file in the config folder is broken: not the drive's older copy in its place, the operator is told.
    if let Some(broken) = broken_policy(set, &name) {
        return Err(broken);
    }
    // The drive's policy is the copy the drive keeps, when it keeps one: what its figures were made by, on every
    // laptop alike (a merge settles two copies into one), and a closed year's stay as they were when this
    // laptop's file of the same name is edited. An edited file is taken by choosing it again (`policy use`).
    if drives && let Some(kept) = store.kept_policy(&name) {
        note_file_differs(set, store, &kept);
        return Ok(kept);
    }
    // Not in this laptop's config folder (the drive was copied from another): the drive's own copy.
    set.get(&name).cloned().or_else(|| store.kept_policy(&name)).ok_or_else(|| no_such_policy(set, Some(store), &name))
}

/// A note on stderr (once per command) when this laptop's file of the drive's current policy says otherwise
/// than the drive's copy, which is used: with the command that takes the file. A closed year's copy is its own.
fn note_file_differs(set: &PolicySet, store: &Store, kept: &Policy) {
    static NOTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if store.viewed_year().is_some() {
        return;
    }
    let Some(file) = set.get(&kept.name).and_then(Policy::file_text) else { return };
    if store.kept_policy_text(&kept.name).as_deref() == Some(file.as_str())
        || NOTED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        return;
    }
    let (name, premium) = (&kept.name, money::plain(kept.personal_premium_fen));
    let command = store.command(&format!("policy use {name}"));
    let en = format!(
        "note: this computer's policy file {name} differs from the drive's copy of it; the drive's (premium \
         {premium} yuan) is used, as on the drive's other laptops: to take the file, {command}"
    );
    let zh = format!(
        "注意：本电脑配置文件夹中的政策文件 {name} 与数据文件中保存的不同；按数据文件中保存的计算（个人缴费 {premium} 元），\
         与其他电脑一致；要改用该文件，请 {command} ({en})"
    );
    eprintln!("{}", pick(&zh, &en));
}

/// What `policy list` says after the drive's policy when this laptop's file of it differs from the drive's copy,
/// which is listed: that the file was changed (to what premium), is not used, and the command that takes it.
fn file_differs_words(store: &Store, kept: &Policy, file: &Policy) -> (String, String) {
    let (was, now) = (money::plain(kept.personal_premium_fen), money::plain(file.personal_premium_fen));
    // A closed year keeps its own copy whatever is chosen now: there is nothing to take, only the file to tell apart.
    if let Some(year) = store.viewed_year() {
        let (zh, en) = match was == now {
            true => (
                format!("本机文件 {} 已改动", file.source),
                format!("this computer's file {} was changed", file.source),
            ),
            false => (format!("本机文件已改为 {now} 元"), format!("this computer's file says {now} yuan")),
        };
        return (
            format!("——{year} 年度保存的副本；{zh}，该年度不采用"),
            format!(" — {year}'s own copy; {en}, which that year does not use"),
        );
    }
    let command = store.command(&format!("policy use {}", kept.name));
    if was == now {
        (
            format!("——数据文件中保存的副本；本机文件 {} 已改动，未采用；选定即采用：{command}", file.source),
            format!(" — the drive's copy; this computer's file {} was changed and is not used: {command}", file.source),
        )
    } else {
        (
            format!("——数据文件中保存的副本；本机文件已改为 {now} 元，未采用；选定即采用：{command}"),
            format!(" — the drive's copy; this computer's file says {now} yuan and is not used: to take it, {command}"),
        )
    }
}

/// The drive's policy if it has one (for exports and reconciliation, which work without one).
pub fn drive_policy(store: &Store) -> Result<Option<Policy>, UserError> {
    match store.meta(POLICY_META_KEY)? {
        Some(_) => Ok(Some(policy_named(&policies()?, store, None)?)),
        None => Ok(None),
    }
}

/// How to choose the drive's year's policy in place of `policy`, another year's: `policy use` of the year's policy
/// when this laptop (or the drive's copy) has it, named after the drive's as `policy new` and `year new` name it;
/// else the `policy new` that makes it from this one, then that `policy use`. In Chinese and English.
pub fn this_years_policy_how(store: &Store, policy: &Policy, year: i32) -> (String, String) {
    let name = crate::io::year_policy::name_for_year(&policy.name, year);
    let found = policies().ok().and_then(|set| set.get(&name).cloned()).or_else(|| store.kept_policy(&name));
    let use_it = store.command(&format!("policy use {name}"));
    if found.is_some_and(|p| p.insured_year == year) {
        return (format!("用 {use_it} 选定"), format!("choose it with {use_it}"));
    }
    let new = store.command(&format!("policy new {name} --from {} --year {year}", policy.name));
    (
        format!("用 {new} 以它为底稿生成并对照本年度通知核对，再用 {use_it} 选定"),
        format!(
            "make it from this one with {new} and check it against this year's notice, then choose it with {use_it}"
        ),
    )
}

/// A quote's refusal as a command line says it: under a policy of another year, with how to choose this year's.
pub fn quote_refusal(store: Option<&Store>, policy: &Policy, e: &policy::QuoteError) -> (String, String) {
    match (e, store) {
        (policy::QuoteError::OtherYear { year, .. }, Some(store)) => {
            let (how, how_en) = this_years_policy_how(store, policy, *year);
            (format!("{e}：{how}"), format!("{}: {how_en}", e.message_en()))
        }
        _ => (e.to_string(), e.message_en()),
    }
}

#[derive(Serialize)]
struct PolicyListed<'a> {
    name: &'a str,
    title: &'a str,
    document: &'a str,
    insured_year: i32,
    personal_premium: f64,
    current: bool,
    source: &'a str,
    /// This computer's file of the drive's policy says otherwise than the drive's copy, which is listed and
    /// used (`policy use NAME` takes the file).
    file_differs: bool,
    /// That file's 个人缴费标准 in yuan, when it differs; else `null`.
    file_personal_premium: Option<f64>,
}

impl<'a> PolicyListed<'a> {
    fn of(p: &'a Policy, current: bool, file: Option<&Policy>) -> Self {
        PolicyListed {
            name: &p.name,
            title: &p.title,
            document: &p.document,
            insured_year: p.insured_year,
            personal_premium: money::as_number(p.personal_premium_fen),
            current,
            source: &p.source,
            file_differs: file.is_some(),
            file_personal_premium: file.map(|f| money::as_number(f.personal_premium_fen)),
        }
    }
}

/// `policy list`, on the drive (its policy starred, its own copies listed) or, with no drive, the policies this
/// computer has, with a note on stderr that none is starred for want of a drive.
fn policy_list(cli: &Cli, store: Option<&Store>, json: bool) -> CmdResult {
    // The text lists a broken file among the policies; JSON keeps its shape, and the note goes to stderr.
    let set = if json { policies()? } else { PolicySet::load(config_dir().as_deref()) };
    let Some(store) = store else {
        return policy_list_without_drive(cli, &set, json);
    };
    let current = store.meta(POLICY_META_KEY)?;
    // The drive's policy that this laptop's config folder lacks (the drive came from another laptop): the copy the
    // drive keeps is the one `quote` and `policy show` use here (see [`policy_named`]), so it is listed, starred,
    // and said to be the drive's copy; else the list would read as "no policy chosen" and invite another.
    // Every copy the drive keeps is listed, not only the one in use: after switching away from a policy made on
    // another laptop, it can still be seen and chosen again (`policy use` takes it from the copy).
    let kept = current
        .as_deref()
        .filter(|name| set.get(name).is_none() && set.broken_named(name).is_none())
        .map(|name| (name, store.kept_policy(name)));
    // The drive's policy is listed as the drive's copy says it, which is what its sums use; this laptop's file of
    // it, edited since, is said to differ and how to take it, rather than listed as though it were in use.
    // A closed year's list shows the copy that year goes by (its figures', `policy show`'s), not this laptop's file.
    let differs = store.shown_policy_file_differs(&set);
    let mut choosable = store.choosable_policies(&set)?;
    if let Some((kept, _)) = &differs {
        for p in choosable.iter_mut().filter(|p| p.name == kept.name) {
            *p = kept.clone();
        }
    }
    let file_of = |name: &str| differs.as_ref().filter(|(kept, _)| kept.name == name).map(|(_, file)| file);
    let listed: Vec<PolicyListed> = choosable
        .iter()
        .map(|p| PolicyListed::of(p, current.as_deref() == Some(p.name.as_str()), file_of(&p.name)))
        .collect();
    if json {
        return print_json_list(&listed);
    }
    for p in &listed {
        let mark = if p.current { "*" } else { " " };
        let (from_zh, from_en) = if let Some((kept, file)) = differs.as_ref().filter(|(k, _)| k.name == p.name) {
            file_differs_words(store, kept, file)
        } else if p.source == crate::store::KEPT_POLICY_SOURCE {
            (
                "——数据文件中保存的副本，本电脑的配置文件夹中没有此政策文件 (the drive's copy)".to_owned(),
                " — the drive's copy: this computer's config folder has no file of it".to_owned(),
            )
        } else {
            (String::new(), String::new())
        };
        say(
            &format!("{mark} {:<16} {}（{}）个人缴费 {}元{from_zh}", p.name, p.title, p.document, p.personal_premium),
            &format!("{mark} {:<16} {} ({}) premium {} yuan{from_en}", p.name, p.title, p.document, p.personal_premium),
        );
    }
    // Chosen, but neither in the config folder nor kept in the drive (a drive from an older canbao, which kept
    // no copy): starred all the same, with what to do, rather than a list that reads as "none chosen".
    if let Some((name, None)) = kept {
        say(
            &format!(
                "* {name:<16} 本数据文件选定的政策，但本电脑没有它，数据文件中也没有保存副本：请把它的政策文件复制到配置文件夹的 \
                 policies/ 中 (the drive's policy, which neither this computer nor the drive holds: copy its file into \
                 the config folder's policies/)"
            ),
            &format!(
                "* {name:<16} the drive's policy, which neither this computer nor the drive holds: copy its file \
                 into the config folder's policies/"
            ),
        );
    }
    for broken in set.broken() {
        let mark = if current.as_deref() == Some(broken.name.as_str()) { "*" } else { " " };
        let name = &broken.name;
        say(
            &format!("{mark} {name:<16} 无法使用 (broken)：{} ({})", broken.words_zh(), broken.words_en()),
            &format!("{mark} {name:<16} broken: {}", broken.words_en()),
        );
    }
    if current.is_none() {
        let (zh, en) = (store.command("policy use 名称"), store.command("policy use NAME"));
        say(&format!("（尚未选定政策：{zh}）(no policy chosen yet: {en})"), &format!("(no policy chosen yet: {en})"));
    }
    Ok(())
}

fn policy_use(store: &mut Store, name: &str, yes: bool) -> CmdResult {
    let set = policies()?;
    let policy = policy_named(&set, store, Some(name))?;
    // The payments recorded stay as they are, but the new amount due may read some as short: counted under the
    // policy until now (none when it cannot be read: every short one is then said) before the change is made.
    let was = drive_policy(store).ok().flatten();
    let short = store.newly_short_under(was.as_ref(), &policy)?;
    // Pupils counted insured would no longer be, on every form: asked, as the screen's policy choice asks, by
    // --yes here. Refused without it, nothing changed.
    if short > 0 && !yes {
        let (name, due) = (&policy.name, money::plain(policy.personal_premium_fen));
        let again = store.command(&format!("policy use {} --yes", shell_word(name)));
        let en = format!(
            "under {name} (personal premium {due} yuan) the payments recorded for {short} pupil(s) would be short of \
             the amount due: they would count as part payments (部分缴费), not insured, in stats and every form; the \
             policy was not set. If the amount is right, run again with --yes: {again}"
        );
        return Err(UserError::picked(
            &format!(
                "按 {name}（个人缴费 {due} 元），{short} 名学生已记录的缴费会不足应缴，将改计为部分缴费，统计和各表格中不再计为\
                 已参保；未选定政策，缴费记录未改动。如金额无误，请加 --yes 重新运行：{again} ({en})"
            ),
            &en,
        )
        .kind("payments_short")
        .figure("short", short));
    }
    store.set_meta(POLICY_META_KEY, &policy.name)?;
    store.keep_policy(&policy)?;
    let (name, title, document) = (&policy.name, &policy.title, &policy.document);
    say(
        &format!("已选定政策 (policy set): {name} {title}（{document}）"),
        &format!("policy set: {name} {title} ({document})"),
    );
    if short > 0 {
        let due = money::plain(policy.personal_premium_fen);
        let en = format!(
            "note: under {name} (personal premium {due} yuan) the payments recorded for {short} pupil(s) are short \
             of the amount due: they now count as part payments (部分缴费), not insured, in stats and every form; no \
             payment was changed (canbao find shows them as 部分缴费)"
        );
        eprintln!(
            "{}",
            pick(
                &format!(
                    "注意：按 {name}（个人缴费 {due} 元），{short} 名学生已记录的缴费不足应缴，现计为部分缴费，统计和各表格中\
                     不再计为已参保；缴费记录未改动（canbao find 中显示为部分缴费）({en})"
                ),
                &en
            )
        );
    }
    // Another year's notice quotes another year's premium and windows: allowed (a drive may start before this
    // year's notice is out), but said, so that it is not the one chosen by mistake.
    if let Some(current) = store.current_year().filter(|&y| y != policy.insured_year) {
        let year = policy.insured_year;
        let new = store.command("policy new");
        let en = format!(
            "note: {name} is the policy for insured year {year}, but the drive is in insured year {current}: its \
             premium and payment windows may not be this year's ({new} makes this year's from it)"
        );
        eprintln!(
            "{}",
            pick(
                &format!(
                    "注意：{name} 是 {year} 年度的政策，数据文件当前为 {current} 年度，缴费标准和缴费期可能不是本年度的\
                     （可用 {new} 以它为底稿生成本年度政策）({en})"
                ),
                &en
            )
        );
    }
    Ok(())
}

/// `policy new`: this year's policy from `base`, written to the config folder's `policies/`.
fn policy_new(cli: &Cli, name: &str, base: &str, year: i32, premium: Option<&str>, yes: bool) -> CmdResult {
    let valid_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_name {
        return Err(UserError::new(format!(
            "政策名称“{name}”只能用字母、数字、- 和 _，如 yibin-2027 (the policy name “{name}” is to be letters, digits, - and _, as in yibin-2027)"
        )).kind("bad_policy_name"));
    }
    if !(2000..=2100).contains(&year) {
        return Err(UserError::new(format!("保险年度“{year}”不对 (“{year}” is not an insured year)")).kind("bad_year"));
    }
    let premium_fen = match premium {
        Some(text) => Some(money::parse_yuan(text).filter(|f| *f > 0).ok_or_else(|| {
            UserError::new(format!("金额“{text}”无法识别 (not an amount: “{text}”)")).kind("bad_amount")
        })?),
        None => None,
    };
    let config = config_dir()
        .ok_or_else(|| UserError::new("找不到配置文件夹 (no config folder)".into()).kind("no_config_folder"))?;
    let dir = config.join("policies");
    let target = dir.join(format!("{name}.toml"));
    // The drive keeps copies of the policies it was given (one made on another laptop, come in with a merged
    // drive, or a file since removed): a base found only there is taken from it, and a name one of them has
    // is taken, as `policy use` would find the copy. A drive that cannot be opened stops only a base it alone
    // could give.
    // The `--year` given is the new policy's insured year, which the global `--year` takes too: the drive's copies
    // are read as the drive is now, not in a year it was never in.
    let opened = opened_if_there(&Cli { year: None, ..cli.clone() });
    let drive = opened.as_ref().ok().and_then(Option::as_ref);
    if target.exists()
        || crate::domain::policy::builtin_text(name).is_some()
        || drive.is_some_and(|store| store.kept_policy_text(name).is_some())
    {
        return Err(UserError::new(format!("已有名为“{name}”的政策，请换一个名称 (a policy named {name} exists)"))
            .kind("policy_exists"));
    }
    let config_base = dir.join(format!("{base}.toml"));
    let base_text = match std::fs::read_to_string(&config_base) {
        Ok(text) => text,
        Err(_) => match crate::domain::policy::builtin_text(base) {
            Some(text) => text.to_owned(),
            None => {
                let drive = opened?;
                match drive.as_ref().and_then(|store| store.kept_policy_text(base)) {
                    Some(text) => text,
                    None => return Err(no_such_policy(&policies()?, drive.as_ref(), base)),
                }
            }
        },
    };
    // A premium far from the base's is a slip (a digit too many) more often than a new notice, and every form of
    // the year would quote it: written only when said so, as the screen's form asks.
    if let Some(premium_fen) = premium_fen.filter(|_| !yes)
        && let Ok(based) = crate::domain::policy::Policy::from_toml(base, &base_text, &format!("{base}.toml"))
        && crate::domain::policy::premium_far(Some(based.personal_premium_fen), premium_fen)
    {
        let (now, was) = (money::as_number(premium_fen), money::as_number(based.personal_premium_fen));
        return Err(UserError::new(format!(
            "个人缴费标准 {now} 元是底稿 {base} 的 {was} 元的两倍以上或不到一半：是否多打或少打了数字？确认无误请加 --yes \
             (a premium of {now} yuan is more than twice or under half the {was} yuan of {base}: a digit too many or \
             too few? If it is right, add --yes)"
        ))
        .kind("premium_far"));
    }
    let request = crate::domain::policy::Renewal { name, base_name: base, base_text: &base_text, year, premium_fen };
    let renewed = crate::domain::policy::renew(&request, crate::domain::category::CategoryTable::builtin())
        .map_err(UserError::from)?;
    // Whole or not at all, never over a file already there (two runs at once cannot overwrite each other's).
    let target = crate::io::year_policy::write_policy_file(&config, name, &renewed.text).map_err(UserError::new)?;
    let p = &renewed.policy;
    let premium = money::as_number(p.personal_premium_fen);
    say(
        &format!("已生成政策 (policy written): {} {} 个人缴费 {premium}元", p.name, p.title),
        &format!("policy written: {} {} premium {premium} yuan", p.name, p.title),
    );
    println!("  {}: {}", pick("文件 (file)", "file"), target.display());
    for w in &p.windows {
        say(&format!("  {}：{} 至 {}", w.name, w.from, w.to), &format!("  {}: {} to {}", w.name, w.from, w.to));
    }
    say("请对照本年度通知核对 (check against this year's notice):", "check against this year's notice:");
    for line in &renewed.to_check {
        say(&format!("  - {line}"), &format!("  - {}", line.en));
    }
    // The policy is this laptop's; choosing it is the drive's, named as this command was given it.
    let use_it = super::open::command(cli, &format!("policy use {name}"));
    say(&format!("选定：{use_it} (to use it)"), &format!("to use it: {use_it}"));
    Ok(())
}

#[derive(Serialize)]
struct WindowShown {
    name: String,
    from: String,
    to: String,
    clause: String,
    amount: &'static str,
    coverage: String,
}

#[derive(Serialize)]
struct DepartmentWindowShown {
    name: String,
    from: String,
    to: String,
    clause: String,
}

#[derive(Serialize)]
struct CategoryShown {
    category: String,
    subsidy: String,
    payment: &'static str,
    paid_by: String,
    enroll: &'static str,
    clause: String,
}

#[derive(Serialize)]
struct PolicyShown {
    name: String,
    title: String,
    document: String,
    insured_year: i32,
    personal_premium: f64,
    government_subsidy: Option<f64>,
    coverage_from: String,
    coverage_to: String,
    windows: Vec<WindowShown>,
    /// Dates on which a department paying a pupil's whole premium is on schedule: `{"name", "from", "to", "clause"}`.
    department_windows: Vec<DepartmentWindowShown>,
    categories: Vec<CategoryShown>,
    full_subsidy_order: Vec<String>,
    /// Every reading the policy carries, wherever it is written, once each.
    judgements: Vec<Judgement>,
    source: String,
}

fn shown(p: &Policy) -> PolicyShown {
    PolicyShown {
        name: p.name.clone(),
        title: p.title.clone(),
        document: p.document.clone(),
        insured_year: p.insured_year,
        personal_premium: money::as_number(p.personal_premium_fen),
        government_subsidy: p.government_subsidy_fen.map(money::as_number),
        coverage_from: p.coverage_from.to_string(),
        coverage_to: p.coverage_to.to_string(),
        windows: p
            .windows
            .iter()
            .map(|w| WindowShown {
                name: w.name.clone(),
                from: w.from.to_string(),
                to: w.to.to_string(),
                clause: w.clause.clone(),
                amount: match w.amount {
                    AmountBasis::PersonalPremium => "个人缴费标准",
                    AmountBasis::FinancingStandard => "筹资标准",
                },
                coverage: match (w.coverage, w.freshman_coverage_from) {
                    (CoverageStart::InsuredYear, None) => "保险年度".to_owned(),
                    (CoverageStart::InsuredYear, Some(d)) => format!("保险年度；9月入学新生自{d}起"),
                    (CoverageStart::MonthsAfterPayment { new_enrollee, interrupted }, _) => format!(
                        "新参保：缴费月后第{new_enrollee}个月1日起；中断/续保未按期：缴费月后第{interrupted}个月1日起"
                    ),
                },
            })
            .collect(),
        categories: p
            .categories
            .values()
            .map(|r| CategoryShown {
                category: r.category.clone(),
                subsidy: match r.subsidy {
                    Subsidy::Full => "全额补助".to_owned(),
                    Subsidy::Share { percent } => format!("按个人缴费标准的{percent}%资助"),
                    Subsidy::Fixed { fen } => format!("定额资助{}", money::with_unit(fen)),
                    Subsidy::Unspecified => "有资助，标准未列明".to_owned(),
                    Subsidy::None => "无资助".to_owned(),
                },
                payment: match r.payment {
                    SubsidyPayment::OnBehalf => "代缴",
                    SubsidyPayment::Reimbursed => "先缴后补",
                },
                paid_by: r.paid_by.clone(),
                enroll: QuoteWords::of(Language::Zh).place(r.enroll),
                clause: r.clause.clone(),
            })
            .collect(),
        department_windows: p
            .department_windows
            .iter()
            .map(|w| DepartmentWindowShown {
                name: w.name.clone(),
                from: w.from.to_string(),
                to: w.to.to_string(),
                clause: w.clause.clone(),
            })
            .collect(),
        full_subsidy_order: p.full_subsidy_order.clone(),
        judgements: {
            let all = p
                .judgements
                .iter()
                .chain(p.windows.iter().flat_map(|w| w.judgements.iter()))
                .map(|j| &j.judgement)
                .chain(p.categories.values().flat_map(|r| r.judgements.iter()));
            let mut out: Vec<Judgement> = Vec::new();
            for j in all {
                if !out.iter().any(|o| o.text == j.text) {
                    out.push(j.clone());
                }
            }
            out
        },
        source: p.source.clone(),
    }
}

/// `policy list` with no drive: the policies built in and in the config folder, none starred.
fn policy_list_without_drive(cli: &Cli, set: &PolicySet, json: bool) -> CmdResult {
    let listed: Vec<PolicyListed> = set.iter().map(|p| PolicyListed::of(p, false, None)).collect();
    let path = super::open::drive_path(cli).display().to_string();
    let en = format!(
        "note: no such drive file: {path}; these are the policies this computer has, and choosing one (policy use) \
         needs the drive"
    );
    let both = format!("注意：数据文件不存在：{path}；以下是本电脑的政策，选定政策（policy use）需要数据文件 ({en})");
    eprintln!("{}", pick(&both, &en));
    if json {
        return print_json_list(&listed);
    }
    for p in &listed {
        say(
            &format!("  {:<16} {}（{}）个人缴费 {}元", p.name, p.title, p.document, p.personal_premium),
            &format!("  {:<16} {} ({}) premium {} yuan", p.name, p.title, p.document, p.personal_premium),
        );
    }
    for broken in set.broken() {
        let name = &broken.name;
        say(
            &format!("  {name:<16} 无法使用 (broken)：{} ({})", broken.words_zh(), broken.words_en()),
            &format!("  {name:<16} broken: {}", broken.words_en()),
        );
    }
    Ok(())
}

/// `policy show`: the named policy, or the drive's. With no name and no policy to fall back on (no drive, or a
/// drive that chose none), the policies there are with their years.
fn policy_show(cli: &Cli, store: Option<&Store>, name: Option<&str>, json: bool) -> CmdResult {
    let set = policies()?;
    let policy = match (store, name) {
        (Some(store), None) if store.meta(POLICY_META_KEY)?.is_none() => {
            let (zh, en) = available(&set, Some(store));
            let show_zh = canbao_command(store.hint_drive(), "policy show 名称");
            let show_en = canbao_command(store.hint_drive(), "policy show NAME");
            let use_zh = canbao_command(store.hint_drive(), "policy use 名称");
            let use_en = canbao_command(store.hint_drive(), "policy use NAME");
            let en = format!(
                "the drive has chosen no policy: name the one to show, as `{show_en}`, or choose the drive's with \
                 `{use_en}`; there are {en}"
            );
            let both = format!(
                "数据文件还没有选定参保政策：请指明要查看的政策，如 `{show_zh}`，或用 `{use_zh}` 为数据文件选定；可用的政策：\
                 {zh} ({en})"
            );
            return Err(UserError::picked(&both, &en).kind("no_policy"));
        }
        (Some(store), name) => policy_named(&set, store, name)?,
        (None, Some(name)) => {
            if let Some(broken) = broken_policy(&set, name) {
                return Err(broken);
            }
            set.get(name).cloned().ok_or_else(|| no_such_policy(&set, None, name))?
        }
        (None, None) => {
            let (zh, en) = available(&set, None);
            let path = super::open::drive_path(cli).display().to_string();
            let en = format!(
                "no such drive file: {path}, so no policy of its own: name one, `canbao policy show NAME`; there are {en}"
            );
            let both = format!(
                "数据文件不存在：{path}；请指明要查看的政策：`canbao policy show 名称`；可用的政策：{zh} ({en})"
            );
            return Err(UserError::picked(&both, &en).kind("no_policy"));
        }
    };
    let s = shown(&policy);
    if json {
        return print_json(&s);
    }
    if english() {
        print_policy_en(&policy, &s);
        return Ok(());
    }
    println!("{}  {}（{}）", s.name, s.title, s.document);
    println!("保险年度 {}：待遇期 {} 至 {}", s.insured_year, s.coverage_from, s.coverage_to);
    let subsidy = s.government_subsidy.map(|g| format!("，财政补助 {g}元")).unwrap_or_default();
    println!("个人缴费标准 {}元{subsidy}", s.personal_premium);
    println!("缴费期 (payment windows):");
    for w in &s.windows {
        println!("  {} {} 至 {}：按{}，待遇{}（{}）", w.name, w.from, w.to, w.amount, w.coverage, w.clause);
    }
    if !s.categories.is_empty() {
        println!("人员类别 (categories):");
        for c in &s.categories {
            println!("  {}：{}，{}，{}；{}（{}）", c.category, c.subsidy, c.payment, c.paid_by, c.enroll, c.clause);
        }
    }
    for w in &s.department_windows {
        println!(
            "代缴部门缴费期 (department window) {} {} 至 {}：全额代缴的学生待遇为保险年度（{}）",
            w.name, w.from, w.to, w.clause
        );
    }
    if !s.full_subsidy_order.is_empty() {
        println!("多重身份全额补助顺序：{}", s.full_subsidy_order.join(" → "));
    }
    if !s.judgements.is_empty() {
        println!("通知未明说、请向经办机构确认的判断 (readings to confirm with the agency):");
        for j in &s.judgements {
            println!("  - {}（{}）", j.text, j.clause);
        }
    }
    println!("来源 (source): {}", s.source);
    Ok(())
}

/// 1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `policy show --lang en`: the rules in English; names, clauses and sources stay as the notice writes them.
fn print_policy_en(p: &Policy, s: &PolicyShown) {
    println!("{}  {} ({})", s.name, s.title, s.document);
    println!("insured year {}: covered {} to {}", s.insured_year, s.coverage_from, s.coverage_to);
    let subsidy = s.government_subsidy.map(|g| format!(", government subsidy {g} yuan")).unwrap_or_default();
    println!("personal premium {} yuan{subsidy}", s.personal_premium);
    println!("payment windows:");
    for w in &p.windows {
        let amount = match w.amount {
            AmountBasis::PersonalPremium => "the personal premium",
            AmountBasis::FinancingStandard => "the financing standard",
        };
        let coverage = match (w.coverage, w.freshman_coverage_from) {
            (CoverageStart::InsuredYear, None) => "for the insured year".to_owned(),
            (CoverageStart::InsuredYear, Some(d)) => format!("for the insured year; September freshmen from {d}"),
            // 「缴费月后第6个月1日起」: the month counted from the payment month, said once where both wait alike.
            (CoverageStart::MonthsAfterPayment { new_enrollee, interrupted }, _) if new_enrollee == interrupted => {
                format!(
                    "from the 1st of the {} month after the payment month, new and interrupted enrollees alike",
                    ordinal(new_enrollee)
                )
            }
            (CoverageStart::MonthsAfterPayment { new_enrollee, interrupted }, _) => format!(
                "from the 1st of the {} month after the payment month for new enrollees, of the {} for interrupted \
                 or late ones",
                ordinal(new_enrollee),
                ordinal(interrupted)
            ),
        };
        println!("  {} {} to {}: pays {amount}, covered {coverage} ({})", w.name, w.from, w.to, w.clause);
    }
    if !p.categories.is_empty() {
        println!("categories:");
        for r in p.categories.values() {
            let subsidy = match r.subsidy {
                Subsidy::Full => "full subsidy".to_owned(),
                Subsidy::Share { percent } => format!("{percent}% of the personal premium"),
                Subsidy::Fixed { fen } => format!("a fixed {} yuan", money::plain(fen)),
                Subsidy::Unspecified => "subsidised, amount not stated".to_owned(),
                Subsidy::None => "no subsidy".to_owned(),
            };
            let payment = match r.payment {
                SubsidyPayment::OnBehalf => "paid on the pupil's behalf",
                SubsidyPayment::Reimbursed => "the family pays and is paid back",
            };
            let enroll = QuoteWords::of(Language::En).place(r.enroll);
            println!("  {}: {subsidy}, {payment}, {}; {enroll} ({})", r.category, r.paid_by, r.clause);
        }
    }
    for w in &s.department_windows {
        println!(
            "department window {} {} to {}: a pupil a department pays for in full is covered for the insured year ({})",
            w.name, w.from, w.to, w.clause
        );
    }
    if !s.full_subsidy_order.is_empty() {
        println!(
            "full subsidy, for a pupil in several categories, in this order: {}",
            s.full_subsidy_order.join(" → ")
        );
    }
    if !s.judgements.is_empty() {
        println!("readings to confirm with the agency:");
        for j in &s.judgements {
            println!("  - {} ({})", j.text_en, j.clause);
        }
    }
    println!("source: {}", s.source);
}

/// The contract of `quote --json`: amounts in yuan, dates YYYY-MM-DD.
#[derive(Serialize)]
struct QuoteJson {
    policy: String,
    /// `null` where the amount waits on the 本市户籍 check (`hukou_pending` gives both).
    personal_due: Option<f64>,
    /// For a pupil marked 财政代缴, the department's share as `government_share` gives it (`null` where nothing
    /// says it), never the notice's figure beside a share that says otherwise.
    department_due: Option<f64>,
    coverage_from: String,
    coverage_to: String,
    rule: String,
    rule_en: String,
    policy_title: String,
    window: String,
    total_due: f64,
    paid_on: String,
    categories: Vec<String>,
    paying_department: Option<String>,
    subsidy_category: Option<String>,
    /// Yuan paid back to the family later; `null` with `refund_unspecified` when the notice gives no amount. For a
    /// family that paid before its category was certified (`paid_first`), the subsidy the policy has the
    /// department pay the family, `null` where the notice does not say.
    refund: Option<f64>,
    refund_unspecified: bool,
    enroll_at_benefit_place: bool,
    /// `"required"`, `"optional"` or `null` (enrolls at school).
    benefit_place: Option<BenefitPlace>,
    /// Readings the notice does not state: `{"text", "text_en", "clause"}`.
    judgements: Vec<Judgement>,
    enrollee: EnrolleeKind,
    freshman: bool,
    name: Option<String>,
    /// A pupil whose number is a residence permit (810000/820000/830000) or a foreigner's permanent residence
    /// card, in a category the policy subsidises only for 本市户籍: why the subsidy is to be checked (`null`
    /// otherwise). The quote still gives the subsidy: the certifying department decides.
    local_hukou_doubt: Option<String>,
    local_hukou_doubt_en: Option<String>,
    /// A pupil marked 财政代缴: the department's share as the 财政代缴 ledger states it; `null` otherwise.
    government_share: Option<GovernmentShareJson>,
    /// A pupil insured elsewhere (异地参保) and counted in 异地缴费: `{"place"}` (`null` where none was recorded),
    /// and nothing is due here (`personal_due` and `total_due` 0); `null` otherwise.
    insured_elsewhere: Option<InsuredElsewhereJson>,
    /// The pupil's categories carried from an earlier year (待重新认定), left out of the amount until certified.
    categories_to_recertify: Vec<String>,
    /// The pupil's family paid part of the amount due (部分缴费): not insured, no cover yet; `coverage_from` and
    /// `coverage_to` are then the cover once the rest is paid on `paid_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    part_paid: Option<PartPaidJson>,
    /// The family paid more than its share of a premium a department pays part or all of (a category certified
    /// after paying): `personal_due` is then what the family paid and `department_due` 0, as nobody pays it again
    /// on the pupil's behalf; `null` otherwise.
    paid_first: Option<PaidFirstJson>,
    /// A pupil whose subsidy needs 本市户籍 and whose ID number doubts it (`local_hukou_doubt`): the amounts either
    /// way, yuan; `personal_due` and `department_due` are then `null`, as neither is the amount until checked.
    hukou_pending: Option<HukouPendingJson>,
}

/// `quote --json`'s `hukou_pending`.
#[derive(Serialize)]
struct HukouPendingJson {
    personal_due_if_local: f64,
    department_due_if_local: f64,
    personal_due_if_not_local: f64,
    department_due_if_not_local: f64,
}

/// `quote --json`'s `paid_first`: yuan; `subsidy_to_family` true where the policy has the department pay the
/// `subsidy` to the family (`when`, `clause`: 003 二(二)、四(一)2), `null` where the notice does not say;
/// `remark` / `remark_en` as the ledgers and the detail screen say it.
#[derive(Serialize)]
struct PaidFirstJson {
    category: String,
    department: String,
    paid: f64,
    subsidy: f64,
    subsidy_to_family: Option<bool>,
    when: Option<String>,
    clause: Option<String>,
    remark: String,
    remark_en: String,
}

/// `quote --json`'s `part_paid`.
#[derive(Serialize)]
struct PartPaidJson {
    paid: f64,
    still_owed: f64,
    covered: bool,
    /// Yuan: the department's share a 财政代缴 mark recorded, the family's share (`still_owed`) unpaid.
    #[serde(skip_serializing_if = "Option::is_none")]
    department: Option<f64>,
}

/// `quote --json`'s `insured_elsewhere`.
#[derive(Serialize)]
struct InsuredElsewhereJson {
    place: Option<String>,
}

/// `quote --json`'s `government_share`: `amount` in yuan, `null` where nothing says it; `reason` the case
/// (`{"kind": "no_subsidy", …}`) and `remark` / `remark_en` the ledger's 备注 for it, empty where the
/// department pays its share and nothing is left to say.
#[derive(Serialize)]
struct GovernmentShareJson {
    department: Option<String>,
    amount: Option<f64>,
    reason: Option<ShareReason>,
    remark: String,
    remark_en: String,
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    use chrono::format::ParseErrorKind;
    // A day that is no day (month 13, 30 February) is said as such, whichever field is past its end.
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| match e.kind() {
        ParseErrorKind::OutOfRange | ParseErrorKind::Impossible => format!(
            "没有这一天：{text}（月份为 1 至 12，日不超过当月的天数）(no such day: {text}; months run 1 to 12, days to \
             the month's end)"
        ),
        _ => format!("日期应写成 YYYY-MM-DD，例如 2023-10-08 (a date as YYYY-MM-DD): {text}"),
    })
}

pub fn quote(cli: &Cli, args: &QuoteArgs) -> CmdResult {
    // Categories under a named policy need no drive: a quote can be given before any list is imported.
    let standalone = args.id_number.is_none()
        && args.pupil.name.is_none()
        && args.policy.is_some()
        && !super::open::drive_path(cli).exists();
    let opened = if standalone { None } else { Some(open_existing(cli)?) };
    let today = opened.as_ref().map_or_else(crate::store::instant::beijing_today, Store::today);
    let set = policies()?;
    let policy = match (&opened, args.policy.as_deref()) {
        (Some(store), name) => policy_named(&set, store, name)?,
        (None, Some(name)) => set.get(name).cloned().ok_or_else(|| no_such_policy(&set, None, name))?,
        (None, None) => {
            return Err(no_policy(super::open::hint_drive(cli).as_deref()));
        }
    };
    let table = CategoryTable::builtin();
    let mut categories: Vec<String> = Vec::new();
    let mut birth_date = None;
    let mut grade = String::new();
    let mut name = None;
    let mut government = None;
    let mut elsewhere = None;
    let mut to_recertify: Vec<String> = Vec::new();
    let mut hukou: Option<(String, String)> = None;
    let mut part = None;
    let mut held: Option<Student> = None;
    let asked = args.id_number.is_some() || args.pupil.name.is_some();
    if let Some(store) = opened.as_ref().filter(|_| asked) {
        let raw = args.id_number.as_deref();
        let pupil = match super::pupil::select(store, raw, &args.pupil, "quote") {
            Ok(pupil) => pupil,
            // A number on the roster of nobody, with no name to say more: what is wrong with the number itself,
            // if anything.
            Err(e) => match raw.filter(|r| args.pupil.name.is_none() && r.chars().any(char::is_numeric)) {
                Some(raw) if let Err(p) = id_number::check(raw, today).result => {
                    return Err(UserError::new(format!("{}：{} ({})", raw.trim(), p.message_zh(), p.message_en()))
                        .kind("bad_id_number"));
                }
                _ => return Err(e),
            },
        };
        // Categories carried from an earlier year (待重新认定) are not this year's until certified again: the full
        // amount, as for any pupil, and said why; the department pays the subsidy back once it certifies the pupil
        // (003 四(二)2, 4), where a family that paid the subsidised part of an uncertified category owes the rest.
        // Each category on its own: one certified this year counts beside one carried over.
        let year = store.shown_year();
        for mark in &pupil.categories {
            if mark.certified_for(year) {
                categories.push(mark.name.clone())
            } else {
                to_recertify.push(mark.name.clone())
            }
        }
        birth_date = pupil.birth_date;
        grade = crate::domain::class_label::grade_in(&pupil.grade, &pupil.class);
        // The quote's department figure is the notice's for these categories; for a pupil marked 财政代缴 the
        // share is said as the 财政代缴 ledger says it, with why it is 0, unknown or partial, by the categories
        // certified for the year: a carried one pays nothing yet.
        if pupil.payment == PaymentStatus::Government {
            let day = args.paid_on.unwrap_or(today);
            government = Some(policy::certified_department_share(Some(&policy), table, &pupil, day, year));
        }
        // Insured elsewhere and counted in 异地缴费, as the ledgers count the pupil: paid where insured, so the
        // family owes nothing here, whatever the notice quotes for a pupil enrolling here.
        elsewhere = policy::insured_elsewhere(Some(&policy), table, &pupil.certified_in(year));
        hukou = crate::domain::pupil_flags::hukou_remark(Some(&policy), &pupil, year)
            .zip(crate::domain::pupil_flags::hukou_remark_en(Some(&policy), &pupil, year));
        // Paid part of the amount due: not insured, and no cover until the rest is paid.
        part = store.part_payment_of(&pupil, Some(&policy))?;
        held = Some(pupil.certified_in(year).into_owned());
        name = Some(pupil.name);
    }
    for c in &args.categories {
        match table.lookup(c) {
            Some(category) if !categories.contains(&category.name) => categories.push(category.name.clone()),
            Some(_) => {}
            None => {
                return Err(UserError::new(format!(
                    "未知的人员类别“{0}”；可用的类别：{1} (unknown category {0}; known categories: {2})",
                    c.trim(),
                    table.names().join("、"),
                    table.names().join(", ")
                ))
                .kind("unknown_category"));
            }
        }
    }
    let enrollee = match (args.new_enrollee, args.interrupted) {
        (true, _) => EnrolleeKind::New,
        (_, true) => EnrolleeKind::Interrupted,
        _ => EnrolleeKind::Continuing,
    };
    let paid_on = args.paid_on.unwrap_or(today);
    let request =
        QuoteRequest { categories: categories.clone(), paid_on, enrollee, freshman: args.freshman, grade, birth_date };
    // The drive's policy of another year than the drive's: a date its windows do not cover is refused as that
    // (with how to choose this year's), not as a date the notice does not cover; a date they do is quoted as the
    // notice says, with a note that it is that year's. A policy named with --policy answers for its own year.
    // Under `--year N` the year is N's, whose policy it is: the drive's current year is not the one asked about.
    let other_year = opened
        .as_ref()
        .filter(|_| args.policy.is_none())
        .and_then(Store::shown_year)
        .filter(|&y| y != policy.insured_year);
    let quoted = match (policy::quote(&policy, table, &request), other_year) {
        (Err(policy::QuoteError::OutsideWindows { .. } | policy::QuoteError::NoCoverageLeft { .. }), Some(_)) => {
            policy::quote_in_year(&policy, table, &request, other_year)
        }
        (quoted, _) => quoted,
    };
    // A refusal as every error line says it: 「中文 (English)」, English alone with --lang en.
    let q: Quote = quoted.map_err(|e| {
        let (zh, en) = quote_refusal(opened.as_ref(), &policy, &e);
        UserError::picked(&format!("{zh} ({en})"), &en).about(&e)
    })?;
    if let (Some(year), Some(store)) = (other_year, opened.as_ref()) {
        let (how, how_en) = this_years_policy_how(store, &policy, year);
        let (name, policy_year) = (&policy.name, policy.insured_year);
        let en = format!(
            "note: the chosen policy {name} is for insured year {policy_year}, the drive is in insured year {year}: \
             this is {policy_year}'s amount and cover, not {year}'s; {how_en}"
        );
        let zh = format!(
            "注意：选定的政策 {name} 是 {policy_year} 年度的，数据文件是 {year} 年度：这是 {policy_year} 年度的金额和待遇期，\
             不是 {year} 年度的；{how}"
        );
        eprintln!("{}", pick(&format!("{zh} ({en})"), &en));
    }
    // Paid before the category was certified: the family's payment stands and no department pays it again.
    let paid_first = held
        .as_ref()
        .filter(|_| elsewhere.is_none() && part.is_none())
        .and_then(|pupil| policy::paid_first(&policy, pupil, &q));
    let q = match &paid_first {
        Some(paid) => paid.settle(q),
        None => q,
    };
    // A subsidy that needs 本市户籍, for a pupil whose ID number doubts it: both amounts, neither said as the one.
    let pending = held
        .as_ref()
        .filter(|_| elsewhere.is_none() && part.is_none() && paid_first.is_none() && government.is_none())
        .and_then(|pupil| crate::domain::pupil_flags::hukou_pending(&policy, table, pupil, &request, &q));
    // The rule's closing 「家庭应缴0元，部门代缴380元」 is one of the two amounts the headline gives as pending.
    let q = match &pending {
        Some(_) => {
            let mut q = q;
            q.steps.retain(|s| !matches!(s, policy::RuleStep::Totals { .. }));
            q
        }
        None => q,
    };
    let (refund, refund_unspecified) = match q.refund {
        Some(Refund::Amount { fen }) => (Some(money::as_number(fen)), false),
        Some(Refund::Unspecified) => (None, true),
        None => (None, false),
    };
    let here = |fen: i64| if elsewhere.is_some() { 0.0 } else { money::as_number(fen) };
    let out = QuoteJson {
        policy: q.policy.clone(),
        personal_due: Some(here(q.personal_due_fen)).filter(|_| pending.is_none()),
        department_due: match &government {
            Some(share) => share.amount_fen.map(money::as_number),
            None => Some(here(q.department_due_fen)).filter(|_| pending.is_none()),
        },
        coverage_from: q.coverage_from.format("%Y-%m-%d").to_string(),
        coverage_to: q.coverage_to.format("%Y-%m-%d").to_string(),
        rule: rule_text(&q.steps, Language::Zh),
        rule_en: rule_text(&q.steps, Language::En),
        policy_title: q.policy_title.clone(),
        window: q.window.clone(),
        total_due: here(q.total_due_fen),
        paid_on: paid_on.format("%Y-%m-%d").to_string(),
        categories: categories.clone(),
        paying_department: q.paying_department.clone(),
        subsidy_category: q.subsidy_category.clone(),
        refund,
        refund_unspecified,
        enroll_at_benefit_place: q.enroll_at_benefit_place,
        benefit_place: q.benefit_place,
        judgements: q.judgements.clone(),
        enrollee,
        freshman: args.freshman || q.steps.iter().any(|s| matches!(s, policy::RuleStep::FreshmanByGrade { .. })),
        name,
        local_hukou_doubt: hukou.as_ref().map(|h| h.0.clone()),
        local_hukou_doubt_en: hukou.as_ref().map(|h| h.1.clone()),
        government_share: government.as_ref().map(|share| GovernmentShareJson {
            department: Some(share.department.clone()).filter(|d| !d.is_empty()),
            amount: share.amount_fen.map(money::as_number),
            reason: share.reason.clone(),
            remark: ShareWords::of(Language::Zh).remark(share),
            remark_en: ShareWords::of(Language::En).remark(share),
        }),
        insured_elsewhere: elsewhere.as_ref().map(|e| InsuredElsewhereJson { place: e.place.clone() }),
        categories_to_recertify: to_recertify.clone(),
        part_paid: part.as_ref().map(|p| PartPaidJson {
            paid: money::as_number(p.paid_fen),
            still_owed: money::as_number(p.due_fen - p.paid_fen),
            covered: false,
            department: p.department_fen.map(money::as_number),
        }),
        paid_first: paid_first.as_ref().map(|p| PaidFirstJson {
            category: p.category.clone(),
            department: p.department.clone(),
            paid: money::as_number(p.paid_fen),
            subsidy: money::as_number(p.subsidy_fen),
            subsidy_to_family: p.to_family.as_ref().map(|_| true),
            when: p.to_family.as_ref().map(|t| t.when.clone()),
            clause: p.to_family.as_ref().map(|t| t.clause.clone()),
            remark: QuoteWords::of(Language::Zh).paid_first(p),
            remark_en: QuoteWords::of(Language::En).paid_first(p),
        }),
        hukou_pending: pending.map(|p| HukouPendingJson {
            personal_due_if_local: money::as_number(p.local_personal_fen),
            department_due_if_local: money::as_number(p.local_department_fen),
            personal_due_if_not_local: money::as_number(p.other_personal_fen),
            department_due_if_not_local: money::as_number(p.other_department_fen),
        }),
    };
    if args.json {
        return print_json(&out);
    }
    if let Some(n) = &out.name {
        println!("{n}");
    }
    let lang = if cli.lang == Some(Lang::En) { Language::En } else { Language::Zh };
    let w = QuoteWords::of(lang);
    let (from, to) = (&out.coverage_from, &out.coverage_to);
    println!("{}", fill(w.cli_head, &[&q.policy_title, &q.policy, &out.paid_on]));
    let family = match &elsewhere {
        Some(InsuredElsewhere { place: Some(place) }) => fill(w.cli_elsewhere_at, &[place]),
        Some(InsuredElsewhere { place: None }) => w.cli_elsewhere.to_owned(),
        None if paid_first.is_some() => fill(w.cli_paid, &[&w.money(q.personal_due_fen)]),
        None if let Some(p) = &pending => {
            let both = fill(w.hukou_pending, &[&w.money(p.local_personal_fen), &w.money(p.other_personal_fen)]);
            fill(w.cli_hukou_pending, &[&both])
        }
        None => w.money(q.personal_due_fen),
    };
    println!("{}", fill(w.cli_family_pays, &[&family]));
    if let Some((zh, en)) = &hukou {
        say(&format!("  注意：{zh} (note: {en})"), &format!("  note: {en}"));
    }
    if !to_recertify.is_empty() {
        let (zh, en) = (to_recertify.join("、"), to_recertify.join(", "));
        // Quoted by the other categories when the pupil has some certified this year.
        let (basis_zh, basis_en) = if categories.is_empty() {
            ("全额", "the full amount")
        } else {
            ("其余类别", "by the other categories")
        };
        say(
            &format!(
                "  人员类别（{zh}）待重新认定：是上一年度认定的，本年度未再认定，以上按{basis_zh}计算；认定后由认定部门按规定补助 \
                 (categories {en} to be certified again: certified for an earlier year, not yet this one, so \
                 {basis_en}; the certifying department pays the subsidy once it certifies the pupil)"
            ),
            &format!(
                "  categories {en} to be certified again: certified for an earlier year, not yet this one, so \
                 {basis_en}; the certifying department pays the subsidy once it certifies the pupil"
            ),
        );
    }
    match &government {
        Some(share) => {
            let words = ShareWords::of(lang);
            let amount = share.amount_fen.map(|fen| w.money(fen)).unwrap_or_else(|| words.amount(share));
            println!("{}", fill(w.cli_department_pays, &[&amount]));
            let remark = words.remark(share);
            if !remark.is_empty() {
                println!("{}", fill(words.cli_line, &[&remark]));
            }
        }
        None => {
            let department = if elsewhere.is_some() { 0 } else { q.department_due_fen };
            let department = match &pending {
                Some(p) => {
                    let both =
                        fill(w.hukou_pending, &[&w.money(p.local_department_fen), &w.money(p.other_department_fen)]);
                    fill(w.cli_hukou_pending, &[&both])
                }
                None => w.money(department),
            };
            println!("{}", fill(w.cli_department_pays, &[&department]));
        }
    }
    if let Some(paid) = &paid_first {
        let (zh, en) = (QuoteWords::of(Language::Zh).paid_first(paid), QuoteWords::of(Language::En).paid_first(paid));
        say(&format!("  {zh} ({en})"), &format!("  {en}"));
    }
    // The cover of a pupil insured elsewhere is the place's: the notice's is said only in the rule below.
    match part.as_ref().filter(|_| elsewhere.is_none()) {
        Some(p) if p.department_fen.is_some() => {
            let (department, owed) = (money::plain(p.department_fen.unwrap_or(0)), money::plain(p.owed_fen()));
            let (word_zh, word_en) = crate::domain::coverage::PART_PAID;
            say(
                &format!(
                    "{word_zh}：财政代缴只含部门份额 {department} 元，家庭还差 {owed} 元：未缴足，尚未参保，不享受待遇；家庭于 \
                     {paid_on} 缴纳 {owed} 元后，待遇期 {from} 至 {to} ({word_en}: the government-paid mark covers only \
                     the department's {department} yuan, the family's {owed} is still owed: not insured, no cover; once \
                     the family pays its {owed} on {paid_on}, covered {from} to {to})",
                    paid_on = out.paid_on
                ),
                &format!(
                    "{word_en}: the government-paid mark covers only the department's {department} yuan, the family's \
                     {owed} is still owed: not insured, no cover; once the family pays its {owed} on {paid_on}, covered \
                     {from} to {to}",
                    paid_on = out.paid_on
                ),
            );
        }
        Some(p) => {
            let (paid, owed) = (money::plain(p.paid_fen), money::plain(p.due_fen - p.paid_fen));
            let (word_zh, word_en) = crate::domain::coverage::PART_PAID;
            say(
                &format!(
                    "{word_zh}：已缴 {paid} 元，还差 {owed} 元：未缴足，尚未参保，不享受待遇；于 {paid_on} 补足其余 {owed} 元后，\
                     待遇期 {from} 至 {to} ({word_en}: {paid} yuan paid, {owed} still owed: not paid in full, not insured, \
                     no cover; once the rest, {owed}, is paid on {paid_on}, covered {from} to {to})",
                    paid_on = out.paid_on
                ),
                &format!(
                    "{word_en}: {paid} yuan paid, {owed} still owed: not paid in full, not insured, no cover; once the \
                     rest, {owed}, is paid on {paid_on}, covered {from} to {to}",
                    paid_on = out.paid_on
                ),
            );
        }
        None if elsewhere.is_none() => println!("{}", fill(w.cli_covered, &[from, to])),
        None => {}
    }
    match q.benefit_place {
        Some(BenefitPlace::Required) => println!("{}", w.cli_away_required),
        Some(BenefitPlace::Optional) => println!("{}", w.cli_away_optional),
        None => {}
    }
    println!();
    if elsewhere.is_some() {
        println!("{}", w.cli_if_here);
    }
    // The family's payment is said above, under the amounts.
    let steps: Vec<policy::RuleStep> =
        q.steps.iter().filter(|s| !matches!(s, policy::RuleStep::PaidFirst(_))).cloned().collect();
    println!("{}", rule_text(&steps, lang));
    if !q.judgements.is_empty() {
        println!();
        println!("{}", w.cli_judgements);
        for j in &q.judgements {
            let text = match lang {
                Language::Zh => &j.text,
                Language::En => &j.text_en,
            };
            println!("{}", fill(w.cli_judgement, &[text, &j.clause]));
        }
    }
    Ok(())
}

pub fn reconcile(
    cli: &Cli,
    file: &Path,
    source: Source,
    options: reconcile::ReconcileOptions,
    reveal: bool,
    json: bool,
) -> CmdResult {
    let dry_run = options.dry_run;
    // Refused before the drive is locked, as the import refuses it: opening a pipe would wait for ever, locked.
    if crate::store::special_file(file) {
        let file = crate::io::table::shown_path(file);
        return Err(reconcile::ReconcileError::from(crate::io::ReadError::NotAFile { file }).into());
    }
    // An agency's list matches no one on an empty drive: a mistyped --db is said, not made.
    super::open::must_exist(cli)?;
    let (mut store, _lock) = open_writer_or_preview(cli, dry_run && !reveal)?;
    // The automatic backup is taken by the reconciliation, once the list has been read and checked.
    if reveal {
        record_reveal(cli, &mut store, "reconcile", &[])?;
    }
    let policy = drive_policy(&store)?;
    // Ctrl-C stops the reconciliation's statements and its one transaction rolls back, said as such.
    let kind = if dry_run { super::interrupt::Kind::Preview } else { super::interrupt::Kind::Drive };
    super::interrupt::watch_work(&mut store, super::interrupt::Work { name: ("对账", "reconciliation"), kind, json })?;
    let reconciled = reconcile::reconcile_with(&mut store, file, source, policy.as_ref(), options);
    super::interrupt::work_done(&mut store)?;
    let report = reconciled?;
    if json {
        print_json_ids(&report, reveal)?;
    } else {
        print_reconcile(&report, policy.is_some(), reveal);
        // A tax list's amounts go unchecked under another year's policy (said at its first row): how to choose
        // this year's, once.
        if source == Source::Tax
            && let Some(policy) = &policy
            && let Some(year) = store.current_year().filter(|&y| y != policy.insured_year)
        {
            let (how, how_en) = this_years_policy_how(&store, policy, year);
            let (name, policy_year) = (&policy.name, policy.insured_year);
            say(
                &format!(
                    "金额未核对：选定的政策 {name} 是 {policy_year} 年度的，请选定 {year} 年度的政策，{how} (amounts \
                     not checked: the chosen policy {name} is for insured year {policy_year}; choose {year}'s policy: \
                     {how_en})"
                ),
                &format!(
                    "amounts not checked: the chosen policy {name} is for insured year {policy_year}; choose \
                     {year}'s policy: {how_en}"
                ),
            );
        }
    }
    Ok(())
}

/// A class label, or words for none.
fn class_or_none(class: &str, en: bool) -> &str {
    match (class.is_empty(), en) {
        (false, _) => class,
        (true, false) => "未分班",
        (true, true) => "no class",
    }
}

fn print_reconcile(r: &ReconcileReport, has_policy: bool, reveal: bool) {
    let id = |number: &str| shown_id(number, reveal);
    let en = english();
    // The file, the worksheet of a workbook and 第 N 行 / row N, in the language asked for.
    let row = |n: usize| if en { format!("row {n}") } else { format!("第 {n} 行") };
    let at =
        |file: &str, sheet: &str, n: usize| format!("{file} {}", reconcile::rows_at(&[sheet.to_owned()], &[n], en));
    let rows =
        |file: &str, sheets: &[String], list: &[usize]| format!("{file} {}", reconcile::rows_at(sheets, list, en));
    let line = |zh: String, english: String| println!("  {}", if en { english } else { zh });
    if r.dry_run {
        say("试运行，未修改数据 (dry run: nothing changed)", "dry run: nothing changed");
    }
    // Each row read is counted once, so the line adds up to the rows read; an amount that differs from the
    // amount due, and a payment recorded beside the roster's 不参保, 已离校 or 异地参保, are payments recorded (in
    // 已更新 or 原已一致), said after them: a 状态冲突 0 followed by such lines would read as nothing to settle.
    // Only a tax list records payments: on the others the payment counts would read as payments to settle.
    let tax = r.source == reconcile::Source::Tax;
    // Each count once, named in both languages, so the two lines say the same numbers.
    let read = [
        ("已更新", "matched", r.matched),
        ("原已一致", "already", r.already),
        ("名单外", "unknown IDs", r.unknown_rows.len()),
        ("姓名不符", "name mismatches", r.name_mismatches.len()),
        ("状态冲突", "conflicts", r.conflicts.len()),
        ("同一学生的其他行", "further rows of a pupil", r.further_rows),
        ("未核对", "not reconciled", r.not_reconciled),
    ];
    let payments = [
        ("金额不符", "amount mismatches", r.amount_mismatches.len()),
        ("状态与缴费不一致", "status differs from payment", r.recorded_over_status.len()),
    ];
    let listed = |counts: &[(&str, &str, usize)], en: bool| -> String {
        let said: Vec<String> =
            counts.iter().map(|&(zh, english, n)| format!("{} {n}", if en { english } else { zh })).collect();
        said.join(if en { ", " } else { "，" })
    };
    let mut counts_en = format!("rows read {}: {}", r.rows_read, listed(&read, true));
    let mut counts = format!("读取 {} 行：{}", r.rows_read, listed(&read, false));
    if tax {
        counts_en.push_str(&format!("; among the payments recorded, {}", listed(&payments, true)));
        counts.push_str(&format!("；记录的缴费中{}", listed(&payments, false)));
    }
    if en {
        println!("{counts_en}");
    } else {
        println!("{counts}");
        println!("({counts_en})");
    }
    // Said first: the rows below would read as this school's families.
    if r.other_school {
        let (lead, lead_en) = reconcile::no_pupil_lead(r);
        let n = r.strangers_not_kept;
        let (will, will_en) =
            if r.dry_run { ("将", "would not be") } else { ("", if n == 1 { "is not" } else { "are not" }) };
        let en = format!(
            "{lead_en}; taken as another school's list (--other-school-ok): only this drive's pupils' rows are \
             reconciled, and the {} of strangers {will_en} kept",
            crate::words::counted(n, "payment", "payments")
        );
        say(
            &format!(
                "{lead}；已按 --other-school-ok 作为另一所学校的名单核对：只核对其中本校学生的行，名单外的 {n} 笔缴费{will}不保存 ({en})"
            ),
            &en,
        );
    } else if r.matches_no_pupil && r.dry_run {
        let (lead, lead_en) = reconcile::no_pupil_lead(r);
        let en = format!(
            "note: {lead_en}: it looks like another school's tax list; a run is refused and saves nothing, unless \
             --keep-unmatched is given once it is checked, or --other-school-ok to record only this drive's pupils' \
             rows and keep none of the strangers' payments"
        );
        say(
            &format!(
                "注意：{lead}，像是另一所学校的税务缴费名单；执行核对会被拒绝、不保存任何内容，除非核对后加 --keep-unmatched，\
                 或加 --other-school-ok 只记入本校学生的缴费、名单外的缴费不保存 ({en})"
            ),
            &en,
        );
    } else if r.matches_no_pupil {
        let (lead, lead_en) = reconcile::no_pupil_lead(r);
        let en = format!("{lead_en}; reconciled as --keep-unmatched asks");
        say(&format!("{lead}；已按 --keep-unmatched 核对 ({en})"), &en);
    }
    if r.source == Source::Tax && !has_policy {
        say(
            "（未选定政策，未核对金额 (no policy chosen: amounts not checked)）",
            "(no policy chosen: amounts not checked)",
        );
    }
    for u in &r.unknown_rows {
        let (at, number) = (at(&u.file, &u.sheet, u.row), id(&u.id_number));
        line(
            format!("{at} {number} {}：名单中没有 (not on the roster)", u.name),
            format!("{at} {number} {}: not on the roster", u.name),
        );
        for f in &u.flagged {
            let (stored, class) = (id(&f.id_number), class_or_none(&f.class, en));
            line(
                format!(
                    "    名单中有同名学生 {} {stored}（{class}），号码未通过校验；若是同一人，请在学生详情中按 E 更正号码 \
                     (the roster holds a pupil of this name with a number that failed the check: if it is this \
                     child, correct it with E on the detail screen)",
                    f.name
                ),
                format!(
                    "    the roster holds {} {stored} ({class}) with a number that failed the check: if it is this \
                     child, correct it with E on the detail screen",
                    f.name
                ),
            );
        }
    }
    for m in &r.rounded_matches {
        let (at, number, stored) = (at(&m.file, &m.sheet, m.row), id(&m.id_number), id(&m.stored));
        line(
            format!(
                "{at} {number} {}：名单中此人的号码曾被表格截断（{stored}），已按姓名核对；请在学生详情中更正号码 \
                 (the roster holds this pupil's number rounded: matched by name; correct the number)",
                m.name
            ),
            format!(
                "{at} {number} {}: the roster holds this pupil's number rounded ({stored}): matched by name; correct \
                 the number on the detail screen",
                m.name
            ),
        );
    }
    for m in &r.name_mismatches {
        let (at, number) = (at(&m.file, &m.sheet, m.row), id(&m.id_number));
        line(
            format!(
                "{at} {number}：本机记录为“{}”，所核对名单为“{}”，未修改 (name differs: not applied)",
                m.roster_name, m.file_name
            ),
            format!(
                "{at} {number}: this drive “{}”, the list “{}”: name differs, not applied",
                m.roster_name, m.file_name
            ),
        );
    }
    for m in &r.amount_mismatches {
        let (at, number) = (rows(&m.file, &m.sheets, &m.rows), id(&m.id_number));
        line(
            format!(
                "{at} {} {number}：缴费 {}元，应缴 {}元 (amount differs from the amount due)",
                m.name, m.file_amount, m.due
            ),
            format!("{at} {} {number}: paid {} yuan, due {} yuan", m.name, m.file_amount, m.due),
        );
    }
    for c in &r.combined_payments {
        let (at, number) = (rows(&c.file, &c.sheets, &c.rows), id(&c.id_number));
        let (amounts, amounts_en) = (c.amounts_text(false), c.amounts_text(true));
        let (day, day_en) = match c.paid_on {
            Some(d) => (format!("，缴费日期 {d}"), format!(", paid on {d}")),
            None => (String::new(), String::new()),
        };
        let (recorded, recorded_en) = match c.total {
            Some(total) => (format!("按合计 {total} 元记录"), format!("recorded as their sum, {total} yuan")),
            None => {
                ("有金额无法识别，未记录金额".to_owned(), "an amount not understood: no amount recorded".to_owned())
            }
        };
        line(
            format!(
                "{at} {} {number}：同一学生多笔缴费 {amounts} 元，{recorded}{day} (several payments for one pupil: \
                 {recorded_en})",
                c.name
            ),
            format!("{at} {} {number}: several payments, {amounts_en} yuan, {recorded_en}{day_en}", c.name),
        );
    }
    for d in &r.redated {
        let (at, number) = (at(&d.file, &d.sheet, d.row), id(&d.id_number));
        let [(before, before_en), (after, after_en)] = d.before_and_after();
        line(
            format!(
                "{at} {} {number}：已记录的缴费（{before}）与税务记录金额相同，按税务记录改为 {after} (a payment recorded on \
                 site, the same amount on the list: now dated as the tax office records it)",
                d.name
            ),
            format!(
                "{at} {} {number}: the payment recorded ({before_en}) is on the list at the same amount: now as the tax \
                 office records it, {after_en}",
                d.name
            ),
        );
    }
    // The payments two laptops recorded with different amounts, each said with what the list made of it.
    let settled = r.amount_disputes_settled.iter().map(|d| (d, d.settled_words()));
    for (d, (zh, en)) in settled.chain(r.amount_disputes_left.iter().map(|d| (d, d.left_words()))) {
        let (at, number) = (at(&d.file, &d.sheet, d.row), id(&d.id_number));
        line(format!("{at} {} {number}：{zh} ({en})", d.name), format!("{at} {} {number}: {en}", d.name));
    }
    for d in &r.part_payments_completed {
        let (at, number) = (at(&d.file, &d.sheet, d.row), id(&d.id_number));
        let (zh, en) = d.words();
        line(format!("{at} {} {number}：{zh} ({en})", d.name), format!("{at} {} {number}: {en}", d.name));
    }
    for c in &r.receipt_conflicts {
        let (at, number) = (rows(&c.file, &c.sheets, &c.rows), id(&c.id_number));
        let (amounts, amounts_en) = (c.amounts_text("、"), c.amounts_text(", "));
        let receipt = &c.receipt;
        match c.recorded {
            None => line(
                format!(
                    "{at} {} {number}：票证号码 {receipt} 出现多次而金额不同（{amounts} 元），此学生的缴费未记录，请向税务核实 \
                     (one receipt number with different amounts: this pupil's payment is not recorded, to check)",
                    c.name
                ),
                format!(
                    "{at} {} {number}: receipt {receipt} listed with different amounts ({amounts_en} yuan): this \
                     pupil's payment is not recorded; check with the tax office",
                    c.name
                ),
            ),
            Some(before) => line(
                format!(
                    "{at} {} {number}：票证号码 {receipt} 已按 {before} 元记录，此名单为 {amounts} 元：缴费未修改，请向税务核实 \
                     (a receipt number recorded at another amount: the payment is not changed, to check)",
                    c.name
                ),
                format!(
                    "{at} {} {number}: receipt {receipt} was recorded at {before} yuan, this list says {amounts_en}: \
                     the payment is not changed; check with the tax office",
                    c.name
                ),
            ),
        }
    }
    for c in &r.repeated_receipts {
        let (zh, english) = c.words(&id);
        line(format!("{} {zh} ({english})", c.file), format!("{} {english}", c.file));
    }
    for c in &r.recorded_over_status {
        let (at, number) = (at(&c.list, &c.sheet, c.row), id(&c.id_number));
        // Short of the amount due: part-paid, which insures nobody.
        if let Some(short) = c.short {
            let (part, part_en) = crate::domain::coverage::PART_PAID;
            line(
                format!(
                    "{at} {} {number}：本机记录为“{}”，税务名单为“{}”：缴费已记录，但少于应缴（差 {short} 元），为{part}，不计为已参保；\
                     本机的“{}”未改，请核实 (the payment is recorded, {short} yuan short of the amount due: {part_en}, \
                     not counted insured; the status on this drive is kept: check)",
                    c.name, c.roster, c.file, c.roster
                ),
                format!(
                    "{at} {} {number}: this drive “{}”, the tax list “{}”: the payment is recorded, {short} yuan short of the amount \
                     due: {part_en}, not counted insured; the status on this drive is kept: check",
                    c.name,
                    reconcile::status_en(&c.roster),
                    reconcile::status_en(&c.file)
                ),
            );
            continue;
        }
        line(
            format!(
                "{at} {} {number}：本机记录为“{}”，税务名单为“{}”：缴费已记录，计为已参保；本机的“{}”未改，请核实 (the payment is \
                 recorded and counts the pupil insured; the status on this drive is kept: check)",
                c.name, c.roster, c.file, c.roster
            ),
            format!(
                "{at} {} {number}: this drive “{}”, the tax list “{}”: the payment is recorded and counts the pupil insured; the \
                 roster's status is kept: check",
                c.name,
                reconcile::status_en(&c.roster),
                reconcile::status_en(&c.file)
            ),
        );
    }
    // Said once here, these families are to be seen again the next day: `check` keeps listing them.
    if !r.recorded_over_status.is_empty() && !r.dry_run {
        line(
            "以上缴费与名单状态不一致的学生，canbao check 会一直列出，直到更正参保状态或撤销缴费 (canbao check lists these \
             pupils until their status is corrected or the payment taken back)"
                .to_owned(),
            "canbao check lists these pupils until their status is corrected or the payment taken back".to_owned(),
        );
    }
    for c in &r.conflicts {
        let (at, number) = (at(&c.list, &c.sheet, c.row), id(&c.id_number));
        line(
            format!(
                "{at} {} {number}：本机记录为“{}”，所核对名单为“{}”，未修改 (conflict: not applied)",
                c.name, c.roster, c.file
            ),
            format!(
                "{at} {} {number}: this drive “{}”, the list “{}”: conflict, not applied",
                c.name,
                reconcile::status_en(&c.roster),
                reconcile::status_en(&c.file)
            ),
        );
    }
    for n in &r.not_registered {
        let (at, number) = (at(&n.file, &n.sheet, n.row), id(&n.id_number));
        let status = if n.status.is_empty() { "（空）" } else { n.status.as_str() };
        line(
            format!(
                "{at} {} {number}：参保状态为“{status}”，未标记为在校参保 (the list's status says not registered: \
                 not marked)",
                n.name
            ),
            format!("{at} {} {number}: status “{status}”: not registered, not marked enrolled here", n.name),
        );
    }
    for n in &r.unknown_status {
        let (at, number) = (at(&n.file, &n.sheet, n.row), id(&n.id_number));
        line(
            format!(
                "{at} {} {number}：不认识的参保状态“{}”，未标记为在校参保，请核对 (unknown status: not marked, to check)",
                n.name, n.status
            ),
            format!("{at} {} {number}: unknown status “{}”: not marked enrolled here, to check", n.name, n.status),
        );
    }
    if !r.unknown_categories.is_empty() {
        line(
            format!("未知的人员类别 (unknown categories): {}", r.unknown_categories.join("、")),
            format!("unknown categories: {}", r.unknown_categories.join(", ")),
        );
    }
    // Once: the payments the list holds that were not recorded are not lost with this report. A preview of a list
    // the real run refuses (another school's) keeps none of them: said by the refusal above, not here.
    // Those dismissed already (`check --dismiss`) are kept and no longer listed: counted apart, not among the
    // payments check will list.
    let gone = r.unapplied_dismissed;
    if r.unapplied_payments > gone && !(r.dry_run && r.matches_no_pupil) {
        let n = r.unapplied_payments - gone;
        let (payments, are) = (crate::words::counted(n, "payment", "payments"), if n == 1 { "is" } else { "are" });
        if r.dry_run {
            say(
                &format!(
                    "税务名单中有 {n} 笔缴费未记入本机：执行核对后将保存在修改记录中，canbao check 会列出，直到记入为止 \
                     ({payments} on the tax list {are} not recorded: once reconciled, kept in the drive's history and \
                     listed by canbao check until they are)"
                ),
                &format!(
                    "{payments} on the tax list {are} not recorded: once reconciled, kept in the drive's history and \
                     listed by canbao check until they are"
                ),
            );
        } else {
            say(
                &format!(
                    "税务名单中有 {n} 笔缴费未记入本机：已保存在修改记录中，canbao check 会列出，直到记入为止 \
                     ({payments} on the tax list {are} not recorded: kept in the drive's history and listed by canbao \
                     check until they are)"
                ),
                &format!(
                    "{payments} on the tax list {are} not recorded: kept in the drive's history and listed by canbao \
                     check until they are"
                ),
            );
        }
        let before = r.unapplied_kept_before.saturating_sub(gone);
        if before > 0 {
            let were = if before == 1 { "was" } else { "were" };
            say(
                &format!(
                    "  其中 {before} 笔此前核对时已保存（同一笔缴费），不再重复保存，canbao check 中只列一次 ({before} of \
                     them {were} kept already by an earlier reconciliation, the same payment: not kept again; canbao \
                     check lists each once)"
                ),
                &format!(
                    "  {before} of them {were} kept already by an earlier reconciliation, the same payment: not kept \
                     again; canbao check lists each once"
                ),
            );
        }
    }
    if gone > 0 && !(r.dry_run && r.matches_no_pupil) {
        let were = if gone == 1 { "was" } else { "were" };
        say(
            &format!(
                "税务名单中另有 {gone} 笔缴费此前已销项（canbao check --dismiss），不再列出 ({gone} more on the tax list \
                 {were} dismissed already with canbao check --dismiss: not listed again)"
            ),
            &format!(
                "{gone} more on the tax list {were} dismissed already with canbao check --dismiss: not listed again"
            ),
        );
    }
    print_changed(r, reveal);
    for p in &r.problems {
        let sheet = if p.sheet.is_empty() { String::new() } else { format!(" [{}]", p.sheet) };
        let (column, column_en) = match p.column.as_str() {
            "" => (String::new(), String::new()),
            column => (format!(" 「{column}」"), format!(" \"{column}\"")),
        };
        let at = p.row.map(row).unwrap_or_default();
        // A problem says both languages at once: with --lang en, its English.
        let message_en = crate::words::in_language(&p.message, crate::words::Language::En);
        line(
            format!("{}{sheet} {at}{column}：{}", p.file, p.message),
            format!("{}{sheet} {at}{column_en}: {message_en}", p.file),
        );
    }
}

/// The pupils a reconciliation changed (a dry run: would change), each by name, class and number, with what
/// changed, after a line counting them.
fn print_changed(r: &ReconcileReport, reveal: bool) {
    if r.changed.is_empty() {
        return;
    }
    let n = r.changed.len();
    let pupils = crate::words::counted(n, "pupil", "pupils");
    if r.dry_run {
        say(&format!("将修改以下 {n} 名学生 (would change {pupils}):"), &format!("would change {pupils}:"));
    } else {
        say(&format!("已修改以下 {n} 名学生 (changed {pupils}):"), &format!("changed {pupils}:"));
    }
    let en = english();
    for c in &r.changed {
        let (at, number) = (
            format!("{} {}", c.file, reconcile::rows_at(std::slice::from_ref(&c.sheet), &[c.row], en)),
            shown_id(&c.id_number, reveal),
        );
        let (words, words_en) = c.words();
        let class = class_or_none(&c.class, en);
        if en {
            println!("  {at} {} ({class}) {number}: {words_en}", c.name);
        } else {
            println!("  {at} {}（{class}）{number}：{words} ({words_en})", c.name);
        }
    }
}

/// The drive `check` reads (`--dismissed` too): where whole numbers are asked for, the reveal is recorded in the
/// drive's history, under the drive's lock, before any is shown.
fn open_for_check(cli: &Cli, reveal: bool) -> Result<Store, UserError> {
    let mut store = super::open::open_to_read(cli, reveal)?;
    if reveal {
        let _lock = super::open::lock_to_record(cli, super::open::Recorded::Reveal)?;
        record_reveal(cli, &mut store, "check", &[])?;
    }
    Ok(store)
}

pub fn check(cli: &Cli, reveal: bool, json: bool) -> CmdResult {
    let mut store = open_for_check(cli, reveal)?;
    // The policy only quotes what is due, for the underpayments: a policy file broken since the drive chose it
    // must not keep the operator from the rest of the check (duplicates, invalid numbers), so it is said and
    // those alone are left out.
    let policy = drive_policy(&store).unwrap_or_else(|e| {
        eprintln!(
            "{}",
            pick(
                &format!("{}；本次检查未核对少缴保费 (underpayments were not checked)", e.message()),
                &format!("{}; underpayments were not checked", e.message())
            )
        );
        None
    });
    let mut report: CheckReport = store.check_roster(policy.as_ref())?;
    if json {
        // The renumbering is said and remembered as the text form says it: a script's check is a check too.
        if !report.tax_paid_unrecorded.is_empty() && renumbering_noted(cli, &mut store) {
            report.numbers_changed = Some(crate::domain::roster_check::NumbersChanged::new());
        }
        // The agency's 「未参保」 for a pupil counted insured is no payment: under its own key, as the text form
        // gives it its own heading, so a script reading `tax_paid_unrecorded` is not sent to the tax office.
        #[derive(Serialize)]
        struct CheckJson {
            #[serde(flatten)]
            report: CheckReport,
            agency_not_registered: Vec<crate::domain::roster_check::UnrecordedPayment>,
        }
        let (agency, paid): (Vec<_>, Vec<_>) = std::mem::take(&mut report.tax_paid_unrecorded)
            .into_iter()
            .partition(|u| u.reason == crate::domain::unapplied::UnappliedReason::AgencyNotRegistered);
        report.tax_paid_unrecorded = paid;
        return print_json_ids(&CheckJson { report, agency_not_registered: agency }, reveal);
    }
    let checked = format!(
        "{}, {}",
        crate::words::counted(report.students, "pupil", "pupils"),
        crate::words::counted(report.findings(), "finding", "findings")
    );
    say(
        &format!("检查 {} 名学生，发现 {} 处问题 (checked {checked})", report.students, report.findings(),),
        &format!("checked {checked}"),
    );
    // First: an empty list of short and over payments below it means nothing was weighed, not all paid in full.
    if let (Some(n), Some(policy)) = (&report.amounts_not_checked, &policy) {
        let (how, how_en) = this_years_policy_how(&store, policy, n.year);
        say(&format!("{}，{how} ({}: {how_en})", n.why, n.why_en), &format!("{}: {how_en}", n.why_en));
    }
    let class = |c: &str| if c.is_empty() { pick("（未分班）", "(no class)").to_owned() } else { c.to_owned() };
    let heading =
        |bilingual: &str, en: &str, what: &str| say(&format!("{bilingual}: {what}"), &format!("{en}: {what}"));
    // How each list below names a pupil: name, class, ID number (masked unless revealed), tab apart.
    let who = |p: &crate::domain::roster_check::PupilRef| {
        format!("{}\t{}\t{}", p.name, class(&p.class), shown_id(&p.id_number, reveal))
    };
    let (extra_zh, extra_en) = crate::domain::roster_check::EXTRA_ENTRY;
    for g in &report.same_id {
        heading("同一身份证号码出现多次 (same ID twice)", "same ID twice", &shown_id(&g.key, reveal));
        for p in &g.pupils {
            println!("  {}\t{}\t{}", p.name, class(&p.class), p.school);
        }
    }
    for g in &report.same_name_birth {
        heading("同名同出生日期、身份证号码不同 (same name and birth date)", "same name and birth date", &g.key);
        for p in &g.pupils {
            println!("  {}\t{}\t{}", shown_id(&p.id_number, reveal), class(&p.class), p.school);
        }
    }
    for g in &report.same_name_class_numbers {
        heading(
            &format!(
                "同班同名、身份证号码不同且出生日期不同：请核对是否为同一学生，身份证号码已更正的，{extra_zh} (same name and \
                 class, different ID numbers and birth dates: check whether it is one pupil, and if the number was \
                 corrected, {extra_en})"
            ),
            &format!(
                "same name and class, different ID numbers and birth dates: check whether it is one pupil, and if the \
                 number was corrected, {extra_en}"
            ),
            &g.key,
        );
        for p in &g.pupils {
            println!("  {}\t{}", shown_id(&p.id_number, reveal), p.school);
        }
    }
    for g in &report.same_name_class_rounded {
        heading(
            "同班同名，其中有被表格四舍五入的身份证号码，可能是同一名学生 (same name and class, one with a rounded ID)",
            "same name and class, one with an ID a spreadsheet rounded: perhaps the same pupil",
            &g.key,
        );
        for p in &g.pupils {
            println!("  {}\t{}", id_number::mask(&p.id_number), p.school);
        }
    }
    for g in &report.same_name_class_unnumbered {
        heading(
            &format!(
                "同班同名，其中有人没有身份证号码，可能是同一名学生：请核对，{extra_zh} (same name and class, one with no \
                 ID number: perhaps the same pupil twice; check, and {extra_en})"
            ),
            &format!("same name and class, one with no ID number: perhaps the same pupil twice; check, and {extra_en}"),
            &g.key,
        );
        for p in &g.pupils {
            println!("  {}\t{}", shown_id(&p.id_number, reveal), p.school);
        }
    }
    for g in &report.same_name_mistyped {
        heading(
            &format!(
                "身份证号码有误的学生与同名学生的有效号码只差一位，可能是同一名学生：请核对，在详情页按 E 更正有误的一条；\
                 确是同一学生的，{extra_zh} (an ID number that fails the check is one place off a valid one of the same \
                 name: probably the same pupil twice; check, then correct the wrong entry with E in the detail screen; if \
                 it is one pupil, {extra_en})"
            ),
            &format!(
                "an ID that fails the check one place off a valid one of the same name: probably the same pupil; correct \
                 the wrong entry with E in the detail screen; if it is one pupil, {extra_en}"
            ),
            &g.key,
        );
        for p in &g.pupils {
            println!("  {}\t{}\t{}", shown_id(&p.id_number, reveal), class(&p.class), p.school);
        }
    }
    for i in &report.invalid_ids {
        let pupil = &i.pupil;
        let what = format!("{}\t{}", who(pupil), pick(&i.problem, &i.problem_en));
        heading("身份证号码有问题 (invalid ID)", "invalid ID", &what);
    }
    for o in &report.odd_phones {
        let p = &o.pupil;
        let what = format!("{}\t{}\t{}", who(p), o.phone, pick(&o.problem, &o.problem_en));
        heading(
            "联系电话不是电话号码，请在学生详情中按 E 更正 (the phone is no phone number: correct it with E in the \
             pupil's detail)",
            "the phone is no phone number: correct it with E in the pupil's detail",
            &what,
        );
    }
    for p in &report.government_without_category {
        let what = who(p);
        heading("财政代缴但没有人员类别 (government-paid, no category)", "government-paid, no category", &what);
    }
    for g in &report.government_to_verify {
        let p = &g.pupil;
        let said = |lang| ShareWords::of(lang).reason(&g.department, &g.reason);
        let said = pick(&said(Language::Zh), &said(Language::En)).to_owned();
        let what = format!("{}\t{said}", who(p));
        heading("财政代缴待核实 (government-paid, to be checked)", "government-paid, to be checked", &what);
    }
    for p in &report.no_class {
        heading("没有班级 (no class)", "no class", &format!("{}\t{}", p.name, shown_id(&p.id_number, reveal)));
    }
    for p in &report.no_name {
        heading(
            "姓名为空，请补填姓名（在学生详情按 E） (no name: add it with E on the pupil)",
            "no name: add it with E on the pupil",
            &format!("{}\t{}", p.class, shown_id(&p.id_number, reveal)),
        );
    }
    for p in &report.declined_without_reason {
        let what = who(p);
        heading(
            "不参保未写原因，请补填（按 e，或 mark --enrollment declined --reason） (declined with no reason: add it with \
             e, or mark --enrollment declined --reason)",
            "declined with no reason: add it with e, or mark --enrollment declined --reason",
            &what,
        );
    }
    for a in &report.too_old {
        let p = &a.pupil;
        let what = format!("{}\t{}", who(p), a.age);
        heading(
            "按身份证号码年龄过大，可能填了家长的号码 (too old for a pupil: perhaps a parent's number)",
            "too old for a pupil by the ID number: perhaps a parent's number",
            &what,
        );
    }
    for a in &report.age_for_grade {
        let p = &a.pupil;
        // The whole date is digits 7 to 14 of the number: beside a masked number, the year and month only.
        let born = crate::domain::id_shown::birth_date_shown(a.birth_date, reveal);
        let what = format!("{}\t{born}\t{}", who(p), a.grade);
        heading(
            "按身份证号码的出生日期，年龄与年级不符，号码或年级待核实 (age does not fit the grade by the ID number: check the \
             number or the grade)",
            "age does not fit the grade by the ID number: check the number or the grade",
            &what,
        );
    }
    for h in &report.local_hukou {
        let p = &h.pupil;
        let what = format!("{}\t{}", who(p), pick(&h.remark, &h.remark_en));
        // What the operator does, not only what is doubted: a resident number from elsewhere proves no 户籍 either
        // way, and an unpaid pupil is chased in 未缴费 with both amounts until it is checked.
        heading(
            "补助须具有本市户籍，证件不能证明：请查户口簿或向认定部门核实，本市户籍的记为财政代缴，否则由家庭缴纳全额保费 \
             (the subsidy needs local household registration the document does not show: check the household \
             register or ask the certifying department; mark a local pupil government-paid, else the family pays the \
             whole premium)",
            "the subsidy needs local household registration the document does not show: check the household register \
             or ask the certifying department; mark a local pupil government-paid, else the family pays the whole \
             premium",
            &what,
        );
    }
    for u in &report.underpaid {
        let p = &u.pupil;
        let fen = |yuan: f64| (yuan * 100.0).round() as i64;
        let (paid, due) = (money::plain(fen(u.paid)), money::plain(fen(u.due)));
        let (short, short_en) = policy::shortfall_words(fen(u.short));
        let said = match u.department {
            // 财政代缴 that paid only the department's share: the family's is collected and recorded as its payment.
            Some(department) => {
                let department = money::plain(fen(department));
                pick(
                    &format!(
                        "财政代缴只含部门份额 {department} 元，家庭应缴 {due} 元未缴，尚未参保；收取后请用 mark --payment \
                         paid --amount {due} 登记家庭缴费（部门份额随之计入）(the government-paid mark covers only the \
                         department's {department} yuan; the family's {due} yuan is unpaid, not insured yet; once paid, \
                         record it with mark --payment paid --amount {due}, the department's share going with it)"
                    ),
                    &format!(
                        "the government-paid mark covers only the department's {department} yuan; the family's {due} \
                         yuan is unpaid, not insured yet; once paid, record it with mark --payment paid --amount {due}, \
                         the department's share going with it"
                    ),
                )
                .to_owned()
            }
            None => pick(
                &format!("已缴 {paid} 元，应缴 {due} 元，{short}"),
                &format!("paid {paid} yuan, {due} yuan due, {short_en}"),
            )
            .to_owned(),
        };
        let what = format!("{}\t{said}", who(p));
        heading(
            "少缴保费，请向家长补收 (underpaid: ask the family for the rest)",
            "underpaid: ask the family for the rest",
            &what,
        );
    }
    for o in &report.overpaid {
        let p = &o.pupil;
        // The excess is a top-up keyed twice: undo one, nothing to do with categories.
        if let Some(top_up) = o.duplicated_top_up {
            let fen = |yuan: f64| (yuan * 100.0).round() as i64;
            let (paid, top_up, right) =
                (money::plain(fen(o.paid)), money::plain(fen(top_up)), money::plain(fen(o.paid - top_up)));
            // A command that runs as printed: the number only when shown whole, else the name and class `mark`
            // also takes (a masked number names no pupil).
            let pupil = if reveal && !p.id_number.is_empty() {
                p.id_number.clone()
            } else {
                format!("--name {} --class {}", p.name, class(&p.class))
            };
            let command = store.command(&format!("mark {pupil} --amount {right}"));
            let what = format!(
                "{}\t{}",
                who(p),
                pick(
                    &format!(
                        "已缴 {paid} 元，多出的正是一笔 {top_up} 元的补缴：同一笔补缴记了两次（两台电脑各记一次，或一台记了两次）；\
                         请对照收据核实，确是同一笔的，把缴费金额改回 {right} 元（{command}，\
                         或在详情页按 p 清除后按收据重新登记） (paid {paid} yuan, the excess exactly a top-up of {top_up}: \
                         one top-up recorded twice; check the receipts, and if it is one, set the amount back to {right} \
                         yuan)"
                    ),
                    &format!(
                        "paid {paid} yuan, the excess exactly a top-up of {top_up} yuan: one top-up recorded twice (once \
                         on each of two laptops, or twice on one); check the receipts, and if it is one, set the amount \
                         back to {right} yuan ({command}, or clear it with p on the detail \
                         screen and record it again from the receipt)"
                    ),
                ),
            );
            heading(
                "同一笔补缴记了两次，请撤销其中一笔 (one top-up recorded twice: undo one)",
                "one top-up recorded twice: undo one",
                &what,
            );
            continue;
        }
        let fen = |yuan: f64| (yuan * 100.0).round() as i64;
        let (paid, due, over) = (money::plain(fen(o.paid)), money::plain(fen(o.due)), money::plain(fen(o.over)));
        // Paid before the category was certified: what `quote` says stands (paid, no department share, the
        // notice's word on the subsidy), never 「应缴 95 元」 beside quote's 「已缴 380 元」.
        let said = match &o.paid_first {
            Some(first) => {
                let (zh, en) =
                    (QuoteWords::of(Language::Zh).paid_first(first), QuoteWords::of(Language::En).paid_first(first));
                pick(&format!("{zh} ({en})"), &en).to_owned()
            }
            None => pick(
                &format!("已缴 {paid} 元，应缴 {due} 元，多缴 {over} 元"),
                &format!("paid {paid} yuan, {due} yuan due, {over} yuan over"),
            )
            .to_owned(),
        };
        let what = format!("{}\t{said}", who(p));
        heading(
            "多缴保费，请核实人员类别和缴费金额，按当地政策办理退费或由认定部门将代缴部分退还家长 \
             (overpaid: check the category and the amount; refund it, or have the department pay the family back \
             its share, as the local notice says)",
            "overpaid: check the category and the amount; refund it, or have the department pay the family back its \
             share, as the local notice says",
            &what,
        );
    }
    for d in &report.amounts_differ {
        let p = &d.pupil;
        let due = d.due.map(|due| {
            let due = money::plain((due * 100.0).round() as i64);
            (format!("，应缴 {due} 元"), format!(", {due} yuan due"))
        });
        let (due, due_en) = due.unwrap_or_default();
        let said = pick(&format!("{}{due}", d.why), &format!("{}{due_en}", d.why_en)).to_owned();
        let what = format!("{}\t{said}", who(p));
        heading(
            "两台电脑为同一笔缴费记录的金额不同：可能缴了两次，也可能一处记错；请以税务部门的缴费记录为准核实，核实前不要向家长补收或退费，\
             核实后按实际缴费重新记录（在详情页按 p 清除后再记） (two laptops recorded different amounts for one payment: the family may have \
             paid twice, or one entry is wrong; check with the tax office's record before asking the family for more \
             or refunding, then record the payment again as made (p in the detail screen clears it))",
            "two laptops recorded different amounts for one payment: the family may have paid twice, or one entry is \
             wrong; check with the tax office's record before asking the family for more or refunding, then record the \
             payment again as made (p in the detail screen clears it)",
            &what,
        );
    }
    for c in &report.list_payment_cleared {
        let p = &c.pupil;
        let at = crate::store::instant::beijing_minutes(&c.listed_at);
        let mut what = format!("{}\t{at}", who(p));
        // The tax office's receipt numbers, which the roster no longer counts: what to ask the tax office about.
        if !c.receipts.is_empty() {
            what.push_str(pick(
                &format!("\t票证号码 {} (receipt {})", c.receipts.join("、"), c.receipts.join(", ")),
                &format!("\treceipt {}", c.receipts.join(", ")),
            ));
        }
        if c.payment == PaymentStatus::Government {
            heading(
                "核对税务名单时记为已缴费、之后被手工改为财政代缴：税务仍记为家庭已缴费，请向税务核实，避免重复缴费 \
                 (recorded paid from the tax office's list, then marked government-paid by hand: the tax office still \
                 has the family's payment; check with it so that the pupil is not paid for twice)",
                "recorded paid from the tax office's list, then marked government-paid by hand: the tax office still \
                 has the family's payment; check with it so that the pupil is not paid for twice",
                &what,
            );
        } else {
            heading(
                "核对税务名单时记为已缴费、之后被手工改为未缴费：税务仍记为已缴费，请向税务核实，不要让家长重复缴费 \
                 (recorded paid from the tax office's list, then cleared by hand: the tax office still has the payment; \
                 check with it before the family is asked to pay again)",
                "recorded paid from the tax office's list, then cleared by hand: the tax office still has the payment; \
                 check with it before the family is asked to pay again",
                &what,
            );
        }
    }
    // A list's payment beside the roster's status, said once by reconcile (状态与缴费不一致): the families to see.
    for d in &report.paid_despite_status {
        let en = english();
        let mut what = format!("{}\t{}\t{}", who(&d.pupil), d.status_words(en), d.payment_words(en));
        if let Some(at) = &d.listed_at {
            let at = crate::store::instant::beijing_minutes(at);
            what.push_str(pick(
                &format!("\t核对名单记入 {at} (from a list reconciled {at})"),
                &format!("\tfrom a list reconciled {at}"),
            ));
        }
        heading(
            "名单为不参保、已离校或异地参保，但已缴费：足额缴费即计为已参保，请核实后更正参保状态，或为家长办理退费 \
             (marked declined, left or insured elsewhere, yet paid: a payment in full insures the pupil; check, then correct \
             the status or have the payment refunded)",
            "marked declined, left or insured elsewhere, yet paid: a payment in full insures the pupil; check, then correct the \
             status or have the payment refunded",
            &what,
        );
    }
    for u in &report.list_payment_undated {
        let en = english();
        let at = crate::store::instant::beijing_minutes(&u.listed_at);
        let mut what = format!("{}\t{}\t", who(&u.pupil), u.payment_words(en));
        what.push_str(pick(
            &format!("核对名单记入 {at} (from a list reconciled {at})"),
            &format!("from a list reconciled {at}"),
        ));
        heading(
            "核对名单记为已缴费，但名单的缴费日期无法识别或没有：请按税务的缴费记录补记日期（mark --paid-on） \
             (recorded paid from a reconciled list whose payment date could not be read or was not given: add the date \
             from the tax office's record (mark --paid-on))",
            "recorded paid from a reconciled list whose payment date could not be read or was not given: add the date \
             from the tax office's record (mark --paid-on)",
            &what,
        );
    }
    for p in &report.paid_without_amount {
        heading(
            "已缴费但未记录缴费金额：无法核对是否足额缴费，请按收据补记金额（mark --amount，或在详情页按 p） \
             (paid with no amount recorded: whether it was paid in full cannot be checked; record the amount from the \
             receipt (mark --amount, or p in the detail screen))",
            "paid with no amount recorded: whether it was paid in full cannot be checked; record the amount from the \
             receipt (mark --amount, or p in the detail screen)",
            &who(p),
        );
    }
    for o in &report.payment_outside_year {
        let p = &o.pupil;
        let what = format!("{}\t{}", who(p), pick(&o.why, &o.why_en));
        heading(
            "缴费日期不属于本年度，请核实：往年的缴费不能算本年度已缴费 (paid on a date outside the insured year: a payment \
             for another year does not pay for this one)",
            "paid on a date outside the insured year: a payment for another year does not pay for this one",
            &what,
        );
    }
    let en = english();
    for u in &report.tax_paid_unrecorded {
        // Numbered: `check --dismiss N` names the line by it, a number no other dismissal changes.
        let what = format!("[{}] {}", u.label(), unrecorded_line(u, reveal, en));
        if u.reason == crate::domain::unapplied::UnappliedReason::AgencyNotRegistered {
            heading(
                "医保经办机构反馈未参保、本机计为已参保 (the agency has the pupil not registered, counted insured here)",
                "the agency has the pupil not registered, counted insured here",
                &what,
            );
            continue;
        }
        heading(
            "税务已缴费、名单未记入 (paid at the tax office, not recorded here)",
            "paid at the tax office, not recorded here",
            &what,
        );
    }
    if !report.tax_paid_unrecorded.is_empty() {
        say(
            "（核实处理后，用 canbao check --dismiss 编号 --why 说明 销项，不再列出；编号是本机的，两台电脑之间请说编号后的参照码，\
             --dismiss 也接受参照码 (once dealt with, dismiss one with canbao check --dismiss N --why TEXT; the numbers are \
             this laptop's: between laptops, give the reference after the number, which --dismiss takes too))",
            "(once dealt with, dismiss one with canbao check --dismiss N --why TEXT; the numbers are this laptop's: \
             between laptops, give the reference after the number, which --dismiss takes too)",
        );
        renumbering_said(cli, &mut store);
    }
    for c in &report.categories_without_department {
        let hint = c.table_department.as_ref().map(|d| {
            if english() { format!(" (the category table says {d})") } else { format!("（类别表中为{d}）") }
        });
        let what = format!("{}\t{}{}", c.pupil.name, c.category, hint.unwrap_or_default());
        heading("人员类别没有认定部门 (category without department)", "category without department", &what);
    }
    Ok(())
}

/// The first `check` after the upgrade to fixed numbers (drive schema 15) numbered the kept payments anew says so
/// once: a list printed before may name another payment under a number. Remembered in the drive when it can be
/// written now (not read-only, nor held by a window, which says it in its own 检查名单); else said again next time.
fn renumbering_said(cli: &Cli, store: &mut crate::store::Store) {
    if !renumbering_noted(cli, store) {
        return;
    }
    let words = crate::domain::roster_check::NumbersChanged::new();
    say(&format!("{} ({})", words.why, words.why_en), &words.why_en);
}

/// Whether the renumbering is to be said now (`renumbering_said`; `check --json` says it as `numbers_changed`), and
/// remembered as said when the drive can be written now.
fn renumbering_noted(cli: &Cli, store: &mut crate::store::Store) -> bool {
    if !store.kept_numbers_changed().unwrap_or(false) {
        return false;
    }
    if store.is_read_only() {
        return true;
    }
    let operator = super::open::operator_from(cli).unwrap_or_default();
    if let Ok(_lock) = crate::store::lock::DriveLock::acquire(&super::open::drive_path(cli), &operator) {
        let _ = store.kept_numbers_change_said();
    }
    true
}

/// A payment paid at the tax office and not recorded here, as `check` lists it: name, number, amount, date,
/// place on the list, why and what to do.
fn unrecorded_line(u: &crate::domain::roster_check::UnrecordedPayment, reveal: bool, en: bool) -> String {
    let (amount, day) = u.amount_and_day(en);
    let (why, advice) = (pick(&u.why, &u.why_en).to_owned(), pick(&u.advice, &u.advice_en).to_owned());
    if en {
        format!("{}\t{}\t{amount}\t{day}\t{}: {why}; {advice}", u.name, shown_id(&u.id_number, reveal), u.place(en))
    } else {
        format!("{}\t{}\t{amount}\t{day}\t{}：{why}；{advice}", u.name, shown_id(&u.id_number, reveal), u.place(en))
    }
}

/// What `dismiss` did, for --json: the reason given under a key of its own, as `check --dismissed` gives it (the
/// line's `why` and `why_en` are its own words).
#[derive(Serialize)]
struct Dismissed<'a> {
    number: usize,
    reference: &'a str,
    dismissed: &'a crate::domain::roster_check::UnrecordedPayment,
    dismissal_reason: &'a str,
}

/// The line `pick` names among `listed` (each a number and a reference): `Err` words the refusal, naming the
/// numbers listed and what to look at (`see`), and a reference two lines share (which asks for the number).
fn picked<'a, L>(
    listed: &'a [L],
    pick: &LinePick,
    of: impl Fn(&L) -> &crate::domain::roster_check::UnrecordedPayment,
    ((zh_what, en_what), (zh_nothing, en_nothing), see): ((&str, &str), (&str, &str), &str),
) -> Result<&'a L, UserError> {
    let found: Vec<&L> = listed.iter().filter(|l| pick.names(of(l).number, &of(l).reference)).collect();
    if let [one] = found[..] {
        return Ok(one);
    }
    if found.len() > 1 {
        let numbers = found.iter().map(|l| of(l).number.to_string()).collect::<Vec<_>>().join(", ");
        return Err(UserError::new(format!(
            "参照码 {} 对应多条（编号 {numbers}），{zh_nothing}；请用编号 (the reference names more than one ({numbers}): \
             {en_nothing}; give the number)",
            of(found[0]).reference
        ))
        .kind("no_such_line"));
    }
    let count = listed.len();
    // The numbers are the list's own, not 1 to count: a dismissed line's number is listed no more.
    let mut numbers = listed.iter().map(|l| of(l).number.to_string()).collect::<Vec<_>>().join(", ");
    if numbers.is_empty() {
        numbers = "无 (none)".to_owned();
    }
    let (zh_pick, en_pick) = match pick {
        LinePick::Number(n) => (format!("第 {n} 条"), format!("payment {n}")),
        LinePick::Reference(r) => (format!("参照码为 {r} 的一条"), format!("payment {r}")),
    };
    Err(UserError::new(format!(
        "{zh_what}没有{zh_pick}（共 {count} 条），{zh_nothing}；现有编号：{numbers}，请先用 {see} 查看编号和参照码 (no {en_pick} \
         among the {count} {en_what} ({numbers}): {en_nothing}; see the numbers and references with {see})"
    ))
    .kind("no_such_line"))
}

/// A line named by its number while the upgrade to fixed numbers has renumbered the kept payments and neither
/// `check` nor 检查名单 has said so yet (`renumbering_said`): refused, as the number was most likely read off a list
/// printed before the upgrade, where it may be another family's payment. A reference is taken: no list printed
/// before the upgrade holds one.
fn numbers_not_yet_renewed(
    store: &crate::store::Store,
    pick: &LinePick,
    (zh_nothing, en_nothing): (&str, &str),
) -> Result<(), UserError> {
    if !matches!(pick, LinePick::Number(_)) || !store.kept_numbers_changed().unwrap_or(false) {
        return Ok(());
    }
    Err(UserError::new(format!(
        "编号已改为记入时的固定编号，升级前打印的编号可能是另一笔缴费，{zh_nothing}；请先运行 canbao check 查看新编号，\
         或用参照码（check 列在编号之后） (the numbers are now the ones given when each payment was kept, and a number \
         printed before the upgrade may be another payment: {en_nothing}; run canbao check first to see the new \
         numbers, or give the reference, which check shows after the number)"
    ))
    .kind("numbers_changed"))
}

/// `canbao check --dismiss N --why TEXT`: the payment `check` lists as paid at the tax office and not recorded here
/// under number N (or reference, `unapplied::reference`) is dealt with and no longer listed, with who, when and why
/// in the drive's history (`Store::dismiss_unapplied`).
pub fn dismiss(cli: &Cli, pick: &LinePick, why: &str, json: bool) -> CmdResult {
    // Numbers masked: the list is named by its numbers, and a reveal is `check --reveal`'s, recorded there.
    let reveal = false;
    if why.trim().is_empty() {
        return Err(UserError::new(
            "请用 --why 说明销项的原因，例如「已向税务核实，是周静露的缴费」，未销项 (say why with --why: nothing dismissed)"
                .to_owned(),
        )
        .kind("no_reason"));
    }
    let (mut store, _lock) = super::open::open_writer_existing(cli)?;
    // The list as `check` numbered it: the same policy, so the same lines in the same order.
    let policy = drive_policy(&store).unwrap_or(None);
    let report = store.check_roster(policy.as_ref())?;
    let nothing = ("未销项", "nothing dismissed");
    numbers_not_yet_renewed(&store, pick, nothing)?;
    let named = (
        ("「税务已缴费、名单未记入」", "listed as paid at the tax office and not recorded here"),
        nothing,
        "canbao check",
    );
    let line = match picked(&report.tax_paid_unrecorded, pick, |u| u, named) {
        Ok(line) => line,
        // A number or reference not listed because its payment is dismissed already: said so, with when and by
        // whom, not as mistyped. Either names the same payment for good (the reference on every laptop, the number
        // on this one: given when the payment was kept, never moved by another's dismissal, and a number read off
        // a list printed before the renumbering is refused above), so a command given twice never reaches another
        // payment. A number or reference neither listed nor dismissed is refused naming the numbers listed.
        Err(refused) => {
            let done = store.dismissed_lines()?;
            let found: Vec<_> = done.iter().filter(|d| pick.names(d.line.number, &d.line.reference)).collect();
            let [already] = found[..] else { return Err(refused) };
            return dismissed_already(already, json);
        }
    };
    let n = line.number;
    if store.dismiss_unapplied(line, why)?.is_none() {
        return Err(UserError::new(format!(
            "第 {n} 条已不在修改记录中，未销项；请重新用 canbao check 查看 (payment {n} is no longer kept: nothing \
             dismissed; check again)"
        ))
        .kind("no_such_line"));
    }
    if json {
        let reference = &line.reference;
        return print_json_ids(
            &Dismissed { number: n, reference, dismissed: line, dismissal_reason: why.trim() },
            reveal,
        );
    }
    let (en, label) = (english(), line.label());
    say(
        &format!("已销项 (dismissed): [{label}] {}；原因 (why)：{}", unrecorded_line(line, reveal, false), why.trim()),
        &format!("dismissed: [{label}] {}; why: {}", unrecorded_line(line, reveal, en), why.trim()),
    );
    Ok(())
}

/// What `dismiss` of a payment dismissed already says, for --json: the dismissal standing, nothing written.
#[derive(Serialize)]
struct DismissedAlready<'a> {
    number: usize,
    reference: &'a str,
    already_dismissed: &'a crate::store::DismissedLine,
}

/// `check --dismiss` of a payment dismissed already (and not taken back): nothing to do, so nothing written, and
/// said as such with when, by whom and why it was dismissed; exit 0, as a list reconciled again changes nothing.
fn dismissed_already(d: &crate::store::DismissedLine, json: bool) -> CmdResult {
    let (line, reveal) = (&d.line, false);
    if json {
        let reference = &line.reference;
        return print_json_ids(&DismissedAlready { number: line.number, reference, already_dismissed: d }, reveal);
    }
    let at = crate::store::instant::beijing_minutes(&d.at);
    let (by, by_en) = if d.operator.trim().is_empty() {
        (String::new(), String::new())
    } else {
        (format!("由 {} ", d.operator), format!(" by {}", d.operator))
    };
    let (en, label) = (english(), line.label());
    say(
        &format!(
            "[{label}] 已于 {at} {by}销项（原因：{}），无需再销项，未修改 (dismissed already, {at}{by_en}: nothing \
             changed)：{}",
            d.dismissal,
            unrecorded_line(line, reveal, false)
        ),
        &format!(
            "[{label}] dismissed already, {at}{by_en} (why: {}): nothing changed: {}",
            d.dismissal,
            unrecorded_line(line, reveal, en)
        ),
    );
    Ok(())
}

/// `canbao check --dismissed`: the payments dismissed and not taken back, under the numbers `check` listed them
/// by (which `--undismiss N` takes), with who dismissed each, when and why.
pub fn dismissed(cli: &Cli, reveal: bool, json: bool) -> CmdResult {
    let store = open_for_check(cli, reveal)?;
    let lines = store.dismissed_lines()?;
    if json {
        return print_json_ids(&lines, reveal);
    }
    if lines.is_empty() {
        say("没有已销项的缴费 (no payment is dismissed)", "no payment is dismissed");
        return Ok(());
    }
    let en = english();
    for d in &lines {
        let at = crate::store::instant::beijing_minutes(&d.at);
        let (since, since_en) =
            if d.since_recorded { ("；此后已记入缴费 (recorded since)", "; recorded since") } else { ("", "") };
        say(
            &format!(
                "[{}] {}\t已销项 (dismissed)：{at} {}，原因 (why)：{}{since}",
                d.line.label(),
                unrecorded_line(&d.line, reveal, false),
                d.operator,
                d.dismissal
            ),
            &format!(
                "[{}] {}\tdismissed {at} by {}: {}{since_en}",
                d.line.label(),
                unrecorded_line(&d.line, reveal, en),
                d.operator,
                d.dismissal
            ),
        );
    }
    say(
        "（撤销销项，重新列出：canbao check --undismiss 编号 --why 说明 (take one back: canbao check --undismiss N --why \
         TEXT))",
        "(take one back: canbao check --undismiss N --why TEXT)",
    );
    Ok(())
}

/// What `undismiss` did, for --json: the reason given for taking the dismissal back under a key of its own.
#[derive(Serialize)]
struct Undismissed<'a> {
    number: usize,
    reference: &'a str,
    undismissed: &'a crate::domain::roster_check::UnrecordedPayment,
    undismissal_reason: &'a str,
}

/// `canbao check --undismiss N --why TEXT`: the dismissal of payment N (or of a reference) of `check --dismissed` is
/// taken back, and `check` lists the payment again under its number, with who, when and why in the drive's history
/// (`Store::undismiss_unapplied`).
pub fn undismiss(cli: &Cli, pick: &LinePick, why: &str, json: bool) -> CmdResult {
    let reveal = false;
    if why.trim().is_empty() {
        return Err(UserError::new(
            "请用 --why 说明撤销销项的原因，例如「销错了，应为三年级1班苏萱」，未撤销 (say why with --why: nothing taken \
             back)"
                .to_owned(),
        )
        .kind("no_reason"));
    }
    let (mut store, _lock) = super::open::open_writer_existing(cli)?;
    let listed = store.dismissed_lines()?;
    let nothing = ("未撤销", "nothing taken back");
    numbers_not_yet_renewed(&store, pick, nothing)?;
    let named = (("已销项的缴费", "dismissed"), nothing, "canbao check --dismissed");
    let line = &picked(&listed, pick, |d| &d.line, named)?.line;
    let n = line.number;
    if store.undismiss_unapplied(line, why)?.is_none() {
        return Err(UserError::new(format!(
            "第 {n} 条已不是已销项的缴费，未撤销；请重新用 canbao check --dismissed 查看 (payment {n} is no longer \
             dismissed: nothing taken back; check again)"
        ))
        .kind("no_such_line"));
    }
    if json {
        let (reference, undismissal_reason) = (&line.reference, why.trim());
        return print_json_ids(&Undismissed { number: n, reference, undismissed: line, undismissal_reason }, reveal);
    }
    let (en, label) = (english(), line.label());
    say(
        &format!(
            "已撤销销项，重新列出 (dismissal taken back): [{label}] {}；原因 (why)：{}",
            unrecorded_line(line, reveal, false),
            why.trim()
        ),
        &format!(
            "dismissal taken back, listed again: [{label}] {}; why: {}",
            unrecorded_line(line, reveal, en),
            why.trim()
        ),
    );
    Ok(())
}

/// Where `export` wrote, one line per file.
pub fn print_written(paths: &[PathBuf]) {
    for p in paths {
        say(&format!("已导出 (written): {}", p.display()), &format!("written: {}", p.display()));
    }
}
