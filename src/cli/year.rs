//! `canbao year`: the drive's insured years. `year new` carries the roster into the next year (with its
//! policy), `year leavers` lists or marks the pupils this year's lists left out, `year list` names the years
//! `--year` can show.

use clap::Subcommand;
use serde::Serialize;

use super::open::{config_dir, open_existing, open_writer_existing, record_reveal};
use super::output::{print_json, print_json_ids, print_json_list, shown_id};
use super::{Cli, CmdResult, UserError, say};
use crate::domain::money;
use crate::io::year_policy::{self, YearPolicy};
use crate::store::{Store, YearReport};

#[derive(Subcommand, Debug, Clone)]
pub enum YearAction {
    /// 开始新的保险年度：保留上一年度的状态，全体学生改为未确认、未缴费 (start the next insured year)
    New {
        /// 新的保险年度，须为当前年度的下一年 (the new insured year: the one after the current)
        // Its own id: the global --year (the year shown) must not take this value.
        #[arg(id = "new_year", value_name = "YYYY", value_parser = super::numbers::year, allow_negative_numbers = true)]
        year: i32,
        /// 升级：每班升一个年级，六年级（有七年级的九年一贯制学校除外）、九年级（初三）、高三、大班的学生为已离校（毕业）
        /// (move each class up a grade; the last grade of each stage leaves as graduated, but a school with 七年级
        /// classes keeps its 六年级, who move on into 七年级)
        #[arg(long)]
        promote: bool,
        /// 本年度导入的名单已把学生调高一个年级（--move-up-a-grade）也照样升级，即再升一个年级 (promote even when this
        /// year's imports already moved the pupils up a grade, moving them up a second one)
        #[arg(long, requires = "promote")]
        promote_again: bool,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
        /// 新年度使用此政策 (the new year's policy)
        #[arg(long, value_name = "NAME", conflicts_with = "premium")]
        policy: Option<String>,
        /// 由当前政策生成新年度政策时的个人缴费标准（元）(the premium of the policy made from the current one)
        #[arg(long, value_name = "YUAN")]
        premium: Option<String>,
        /// --premium 是当前政策的两倍以上或不到一半时仍照用（是否多打或少打了数字，已核对）(take a --premium more
        /// than twice or under half the current policy's: checked, not a digit too many or too few)
        #[arg(long, requires = "premium")]
        yes: bool,
        /// 当前年度的集中缴费期还没结束也开始新学年 (start it while the current year's concentrated period is
        /// still open)
        #[arg(long)]
        force: bool,
    },
    /// 可能已离校的学生：本年度名单中没有、同班同学在名单中 (pupils this year's lists left out)
    Leavers {
        /// 把他们登记为已离校 (mark them 已离校)
        #[arg(long)]
        mark: bool,
        /// 显示完整身份证号码，--json 中亦然（记入修改记录）(show full ID numbers, in --json too; recorded in the
        /// audit log)
        #[arg(long)]
        reveal: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 数据文件中的保险年度 (the insured years the drive holds)
    List {
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cli: &Cli, action: &YearAction) -> CmdResult {
    match action {
        YearAction::New { year, promote, promote_again, dry_run, json, policy, premium, yes, force } => {
            let how = Start { promote: *promote, promote_again: *promote_again, dry_run: *dry_run, force: *force };
            new_year(cli, *year, how, *json, policy.as_deref(), premium.as_deref().map(|p| (p, *yes)))
        }
        YearAction::Leavers { mark, reveal, json } => leavers(cli, *mark, *reveal, *json),
        YearAction::List { json } => list(cli, *json),
    }
}

#[derive(Serialize)]
struct NewYearJson<'a> {
    year: i32,
    promoted: usize,
    graduated: usize,
    /// Pupils marked 已离校 in the year that closed, moved out of their classes.
    left: usize,
    carried_categories: usize,
    previous: i32,
    policy: Option<&'a str>,
    /// A policy made for the year from the drive's (`policy new`), with what to check against the notice.
    policy_made: Option<&'a str>,
    moves: &'a [crate::store::ClassMove],
    /// With `--promote`, the classes left as they are (no school year in their name).
    stayed: &'a [crate::store::ClassStay],
    dry_run: bool,
}

/// The new year's policy: the one named, else what `io::year_policy::choose` finds or makes (written only
/// when the year is started). `premium`: the `--premium` typed, and whether `--yes` came with it.
fn choose_policy(
    store: &Store,
    year: i32,
    named: Option<&str>,
    premium: Option<(&str, bool)>,
) -> Result<YearPolicy, UserError> {
    let set = super::paperwork::policies()?;
    if let Some(name) = named {
        let policy = super::paperwork::policy_named(&set, store, Some(name))?;
        if policy.insured_year != year {
            return Err(UserError::new(format!(
                "政策“{name}”是 {} 年度的，不是 {year} 年度 (the policy {name} is for insured year {}, not {year})",
                policy.insured_year, policy.insured_year
            ))
            .kind("policy_of_other_year"));
        }
        return Ok(YearPolicy::Existing(policy.name));
    }
    let premium_fen = match premium {
        Some((text, _)) => Some(money::parse_yuan(text).filter(|f| *f > 0).ok_or_else(|| {
            UserError::new(format!("金额“{text}”无法识别 (not an amount: “{text}”)")).kind("bad_amount")
        })?),
        None => None,
    };
    let chosen =
        year_policy::for_drive(store, year, &set, config_dir().as_deref(), premium_fen).map_err(UserError::new)?;
    // As `policy new --premium`: a premium far from the one it is made from is a slip (a digit too many) more
    // often than a new notice, and every form of the new year would quote it. Refused before anything is written
    // unless `--yes` says it was checked.
    if let (Some(premium_fen), Some((_, false))) = (premium_fen, premium)
        && let YearPolicy::Made { base_premium_fen, .. } = &chosen
        && crate::domain::policy::premium_far(Some(*base_premium_fen), premium_fen)
    {
        let (now, was) = (money::as_number(premium_fen), money::as_number(*base_premium_fen));
        // The policy the new one is made from is the drive's own (`for_drive`), named by the drive, not last
        // year's by number: a year started past a gap has none recorded, and a name left out reads 「当前政策  的」.
        let base =
            [store.meta(crate::store::POLICY_META_KEY).ok().flatten(), store.year_policy(year - 1).ok().flatten()]
                .into_iter()
                .flatten()
                .find(|name| !name.trim().is_empty());
        return Err(UserError::new(premium_far_words(base.as_deref(), now, was)).kind("premium_far"));
    }
    Ok(chosen)
}

/// The refusal of a premium far from the one the new year's policy is made from, naming that policy when known:
/// never 「当前政策  的」 with the name left blank.
fn premium_far_words(base: Option<&str>, now: f64, was: f64) -> String {
    let (of, of_en) = match base.map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) => (format!("当前政策 {name} 的"), format!("of {name}")),
        None => ("当前政策的".to_owned(), "of the current policy".to_owned()),
    };
    format!(
        "个人缴费标准 {now} 元是{of} {was} 元的两倍以上或不到一半：是否多打或少打了数字？确认无误请加 --yes (a premium \
         of {now} yuan is more than twice or under half the {was} yuan {of_en}: a digit too many or too few? If it is \
         right, add --yes)"
    )
}

#[cfg(test)]
mod tests {
    use super::premium_far_words;

    /// The refusal names the policy when there is one, and reads whole without one.
    #[test]
    fn a_premium_far_off_is_said_with_or_without_the_policys_name() {
        let named = premium_far_words(Some("yibin-2027"), 4200.0, 400.0);
        assert!(named.contains("是当前政策 yibin-2027 的 400 元") && named.contains("of yibin-2027"), "{named}");
        for base in [None, Some(""), Some(" ")] {
            let said = premium_far_words(base, 4200.0, 400.0);
            assert!(said.contains("是当前政策的 400 元") && !said.contains("  "), "{said}");
            assert!(said.contains("the 400 yuan of the current policy"), "{said}");
        }
    }
}

/// How `year new` was asked to start the year.
struct Start {
    promote: bool,
    /// Even the pupils this year's imports already moved up a grade (`refuse_promoting_twice`).
    promote_again: bool,
    dry_run: bool,
    /// Even while the current year's concentrated period is open.
    force: bool,
}

fn new_year(
    cli: &Cli,
    year: i32,
    Start { promote, promote_again, dry_run, force }: Start,
    json: bool,
    named: Option<&str>,
    premium: Option<(&str, bool)>,
) -> CmdResult {
    // The dry run writes nothing (its transaction is rolled back, no policy file, no backup): a preview, as
    // import's and reconcile's, which goes ahead while a window holds the drive and says so. It is what an operator
    // runs to decide, often with the window open.
    let (mut store, _lock) = if dry_run {
        super::open::must_exist(cli)?;
        super::open::open_writer_or_preview(cli, true)?
    } else {
        open_writer_existing(cli).map(|(store, lock)| (store, Some(lock)))?
    };
    let current = store.current_year().ok_or(crate::store::StoreError::NoYears)?;
    if year != current + 1 {
        return Err(crate::store::StoreError::NotNextYear { year, current, next: current + 1 }.into());
    }
    refuse_while_window_open(&store, (current, year), promote, (dry_run, force))?;
    if promote {
        refuse_promoting_twice(&store, year, (dry_run, promote_again))?;
    }
    let chosen = choose_policy(&store, year, named, premium)?;
    refuse_made_from_other_year(&store, &chosen, (current, year), promote)?;
    // The drive's copy was taken over this laptop's differing file: said, with how to take the file. A policy
    // named with --policy is the one asked for, this laptop's file of it before the drive's copy.
    let not_taken = match named {
        None => year_policy::FileNotTaken::of(&store, &chosen, &super::paperwork::policies()?),
        Some(_) => None,
    };
    if let Some(not_taken) = &not_taken {
        let (zh, en) = not_taken.said(&store, year);
        eprintln!("{}", super::pick(&format!("注意：{zh} (note: {en})"), &format!("note: {en}")));
    }
    // A made policy's file is written first (the dry run writes nothing and reports the name it would take);
    // if the year cannot be started it is removed again.
    let (policy_name, written) = if dry_run {
        let name = match &chosen {
            YearPolicy::None => None,
            YearPolicy::Existing(name) | YearPolicy::Made { name, .. } => Some(name.clone()),
        };
        (name, None)
    } else {
        chosen.prepare(year, config_dir().as_deref(), &mut store).map_err(UserError::new)?
    };
    let policy_name = policy_name.as_deref();
    if !dry_run {
        store.backup_now("year")?;
    }
    let report = match store.start_year(year, promote, policy_name, dry_run) {
        Ok(r) => r,
        Err(e) => {
            if let Some(path) = &written {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    if !dry_run {
        // The new year's policy, made in this laptop's config folder, travels with the drive; one named with
        // --policy as it was read (this laptop's file of it, as `policy use` takes it), not an older copy.
        let policy = match named {
            Some(name) => super::paperwork::policies()
                .ok()
                .and_then(|set| super::paperwork::policy_named(&set, &store, Some(name)).ok()),
            None => super::paperwork::drive_policy(&store).ok().flatten(),
        };
        if let Some(policy) = policy {
            store.keep_policy(&policy)?;
        }
    }
    let made = match &chosen {
        YearPolicy::Made { name, .. } => Some(name.as_str()),
        _ => None,
    };
    if json {
        return print_json(&NewYearJson {
            year: report.year,
            promoted: report.promoted,
            graduated: report.graduated,
            left: report.left,
            carried_categories: report.carried_categories,
            previous: report.previous,
            policy: report.policy.as_deref(),
            policy_made: made,
            moves: &report.moves,
            stayed: &report.stayed,
            dry_run: report.dry_run,
        });
    }
    print_new_year(&report, promote, &store);
    if let YearPolicy::Made { renewed, .. } = &chosen {
        let p = &renewed.policy;
        say(
            &format!(
                "{year} 年度政策由 {} 生成 (made from the drive's policy): {} 个人缴费 {}元",
                store.year_policy(current)?.unwrap_or_default(),
                p.name,
                money::as_number(p.personal_premium_fen)
            ),
            &format!(
                "policy for {year} made from the drive's: {} premium {} yuan",
                p.name,
                money::as_number(p.personal_premium_fen)
            ),
        );
        if let Some(path) = &written {
            let path = path.display();
            say(&format!("  文件 (file): {path}"), &format!("  file: {path}"));
        }
        say("请对照本年度通知核对 (check against this year's notice):", "check against this year's notice:");
        for line in &renewed.to_check {
            say(&format!("  - {line}"), &format!("  - {}", line.en));
        }
    }
    Ok(())
}

/// The current year not over today (its concentrated period open, or before graduation in July, see
/// [`year_policy::YearNotOver`]; with no policy at all, by the date alone): once the next year starts, this year
/// can only be looked at (`--year`), so the rest of its payments (today's among them) could be recorded nowhere,
/// and a promotion would send the graduating classes off months early. Refused unless `--force`, which says so on stderr; a dry run
/// says what the real run would meet and goes on.
fn refuse_while_window_open(
    store: &Store,
    (current, year): (i32, i32),
    promote: bool,
    (dry_run, force): (bool, bool),
) -> Result<(), UserError> {
    // A missing policy file is `choose_policy`'s to report, not this check's (nor a drive without a policy, which
    // the date alone judges: the policy is named, only its file is not there).
    let Ok(policy) = super::paperwork::drive_policy(store) else { return Ok(()) };
    let promote = if promote { " --promote" } else { "" };
    let command = store.command(&format!("year new {year}{promote} --force"));
    // Another year's policy has that year's windows: whether this year's collection is still open is not known,
    // which is not the same as closed.
    if let Some(p) = year_policy::policy_of_other_year(policy.as_ref(), current) {
        let (name, policy_year) = (&p.name, p.insured_year);
        let (how, how_en) = super::paperwork::this_years_policy_how(store, p, current);
        let said_zh = format!(
            "选定的政策 {name} 是 {policy_year} 年度的，数据文件是 {current} 年度：无法据此判断 {current} 年度的集中缴费期\
             是否已结束，而开始 {year} 年度后，{current} 年度只能查看，它的缴费不能再记录"
        );
        let said_en = format!(
            "the chosen policy {name} is for insured year {policy_year} and the drive is in insured year {current}: \
             it cannot tell whether {current}'s concentrated period is over, and once {year} starts, {current} can \
             only be looked at and its payments can no longer be recorded"
        );
        let zh = format!(
            "{said_zh}。请先选定 {current} 年度的政策（{how}）再开始新学年；{current} 年度的集中缴费期确已结束、\
             确需现在开始：{command}"
        );
        let en = format!(
            "{said_en}. Choose {current}'s policy first ({how_en}), then start the new year; if {current}'s \
             concentrated period is over and it must start now: {command}"
        );
        return said_or_refused((&zh, &en), (&said_zh, &said_en), (dry_run, force));
    }
    let Some(not_over) = year_policy::year_not_over(policy.as_ref(), current, store.today()) else { return Ok(()) };
    let (said_zh, said_en) = not_over.said(current, year, !promote.is_empty());
    let to = not_over.until;
    let zh = format!("{said_zh}。请在 {to} 之后再开始新学年；确需现在开始：{command}");
    let en = format!("{said_en}. Start the new year after {to}; to start it now all the same: {command}");
    said_or_refused((&zh, &en), (&said_zh, &said_en), (dry_run, force))
}

/// Pupils this year's imports already moved up a grade (next school year's lists read before the year turned, with
/// `import --move-up-a-grade` or not refused): `--promote` would move them up a second grade, silently. Refused
/// when a class, or most pupils, were moved (`MovedUp::would_promote_twice`), unless `--promote-again`, which says
/// so on stderr; a dry run says it and goes on; a few pupils moved are said and gone on with.
fn refuse_promoting_twice(store: &Store, year: i32, (dry_run, again): (bool, bool)) -> Result<(), UserError> {
    let moved = store.moved_up_this_year()?;
    let Some((name, from, to)) = &moved.example else { return Ok(()) };
    let (pupils, of, graduating) = (moved.pupils, moved.of, moved.graduating);
    // The pupils a promotion moves up a grade, and apart from them those it sends out (they graduate).
    let promoted = of - graduating;
    let (of_zh, of_en) = match graduating {
        0 => (format!("会升级的学生共 {of} 名"), format!("of the {of} pupils a promotion moves up a grade")),
        _ => (
            format!("升级会让 {promoted} 名学生升一个年级、{graduating} 名毕业"),
            format!(
                "of the {of} pupils a promotion moves up a grade ({promoted}) or sends out ({graduating} graduate)"
            ),
        ),
    };
    let said_zh =
        format!("本年度导入的名单已把 {pupils} 名学生调高了一个年级（{of_zh}；如 {name} 由「{from}」调到「{to}」）");
    let said_en = format!("this year's imports already moved {pupils} {of_en} ({name} from {from} to {to})");
    if !moved.would_promote_twice() {
        let zh = format!("{said_zh}，升级后他们会再升一个年级，请核对");
        let en = format!("note: {said_en}; the promotion moves them up one more grade: check them");
        eprintln!("{}", super::pick(&format!("注意：{zh} ({en})"), &en));
        return Ok(());
    }
    let shown: Vec<&str> = moved.classes.iter().take(3).map(String::as_str).collect();
    let (classes_zh, classes_en) = match moved.classes.len() {
        0 => (String::new(), String::new()),
        n if n > shown.len() => (
            format!("，{} 等 {n} 个班几乎全班已调高", shown.join("、")),
            format!("; most of {} and {} more", shown.join(", "), n - shown.len()),
        ),
        _ => (format!("，{} 几乎全班已调高", shown.join("、")), format!("; most of {}", shown.join(", "))),
    };
    let without = store.command(&format!("year new {year}"));
    let again_command = store.command(&format!("year new {year} --promote --promote-again"));
    if again {
        let en = format!("note: {said_en}{classes_en}; they move up a second grade (--promote-again)");
        eprintln!("{}", super::pick(&format!("注意：{said_zh}{classes_zh}，现在再升一个年级 ({en})"), &en));
        return Ok(());
    }
    let zh = format!(
        "{said_zh}{classes_zh}；--promote 会让他们升两个年级。这些名单若是下一学年的（导入时加了 --move-up-a-grade），\
         请不加 --promote 开始新学年：{without}，没有导入新名单的班级再导入其名单；若确要让全体学生再升一个年级：\
         {again_command}"
    );
    let en = format!(
        "{said_en}{classes_en}: --promote would move them up two grades. If those lists were next school year's \
         (imported with --move-up-a-grade), start the year without --promote: {without}, then import the lists of \
         the classes not moved yet; to move every pupil up a grade all the same: {again_command}"
    );
    if dry_run {
        let en = format!("note: {en}");
        eprintln!("{}", super::pick(&format!("注意：{zh} ({en})"), &en));
        return Ok(());
    }
    Err(UserError::new(format!("{zh}。未做任何修改 ({en}; nothing changed)"))
        .kind("moved_up_already")
        .figure("already_moved_pupils", pupils)
        .figure("pupils_to_promote", promoted)
        .figure("pupils_to_graduate", graduating)
        .figure("already_moved_classes", moved.classes.clone()))
}

/// A reason not to start the year now, with what to do (`advice`) and without (`said`, for `--force`): refused,
/// or with `--force` said on stderr and gone on with, or in a dry run said on stderr as what the real run meets.
fn said_or_refused(
    (zh, en): (&str, &str),
    (said_zh, said_en): (&str, &str),
    (dry_run, force): (bool, bool),
) -> Result<(), UserError> {
    if force {
        let en = format!("note: {said_en}");
        eprintln!("{}", super::pick(&format!("注意：{said_zh} ({en})"), &en));
        return Ok(());
    }
    if dry_run {
        let en = format!("note: {en}");
        eprintln!("{}", super::pick(&format!("注意：{zh} ({en})"), &en));
        return Ok(());
    }
    Err(UserError::new(format!("{zh}。未做任何修改 ({en}; nothing changed)")).kind("year_not_over"))
}

/// The new year's policy made from the drive's policy of another insured year than the drive's (2028's from
/// 2024's on a drive in 2027) would carry that year's premium, windows and categories into the new year, with
/// nothing to say they were not the year before's: refused, even by a dry run (whose report would name it) and
/// with `--force` (which is about the collection, not the policy), naming both years and what to do instead.
fn refuse_made_from_other_year(
    store: &Store,
    chosen: &YearPolicy,
    (current, year): (i32, i32),
    promote: bool,
) -> Result<(), UserError> {
    let (Some(base_year), YearPolicy::Made { name: made, .. }) = (chosen.made_from_other_year(current), chosen) else {
        return Ok(());
    };
    // The policy it was made from is the drive's (`year_policy::for_drive`). How to choose this year's is left to
    // the collection's refusal, said first: here its commands would outweigh the Chinese they stand in.
    let base = store.meta(crate::store::POLICY_META_KEY)?.unwrap_or_default();
    let promote = if promote { " --promote" } else { "" };
    let named = store.command(&format!("year new {year}{promote} --policy {made}"));
    let new = store.command(&format!("policy new {made} --from {base} --year {year}"));
    Err(UserError::new(format!(
        "选定的政策 {base} 是 {base_year} 年度的，数据文件是 {current} 年度：不能由它生成 {year} 年度的政策 {made}（它的缴费标准、\
         缴费期和人员类别是 {base_year} 年度的）。请先选定 {current} 年度的政策，新年度的政策由它生成；或用 {named} \
         指定 {year} 年度的政策（没有的话用 {new} 生成，并对照 {year} 年度的通知核对）。未做任何修改 (the chosen policy \
         {base} is for insured year {base_year} and the drive is in insured year {current}: {year}'s policy {made} \
         cannot be made from it, as its premium, windows and categories are {base_year}'s. Choose {current}'s \
         policy first, for the new year's to be made from it; or name {year}'s policy with {named} (to \
         make one: {new}, then check it against {year}'s notice); nothing changed)"
    )).kind("policy_of_other_year"))
}

fn print_new_year(r: &YearReport, promote: bool, store: &Store) {
    if r.dry_run {
        say("试运行，未修改数据 (dry run: nothing changed)", "dry run: nothing changed");
    }
    let kept = if r.kept == 1 { "1 pupil's statuses".to_owned() } else { format!("{} pupils' statuses", r.kept) };
    say(
        &format!(
            "{} 年度 -> {} 年度：{} 名学生的 {} 年度状态已保留，新年度全部为未确认、未缴费 \
             ({kept} kept for {}; everyone starts the new year unasked and unpaid)",
            r.previous, r.year, r.kept, r.previous, r.previous
        ),
        &format!(
            "{} -> {}: {kept} kept for {}; everyone starts the new year unasked and unpaid",
            r.previous, r.year, r.previous
        ),
    );
    if promote {
        say(
            &format!(
                "升级 {} 人，毕业离校 {} 人 (promoted {}, graduated {})",
                r.promoted, r.graduated, r.promoted, r.graduated
            ),
            &format!("promoted {}, graduated {}", r.promoted, r.graduated),
        );
        for m in &r.moves {
            let to = match &m.to {
                Some(to) => to.clone(),
                None if super::english() => "left (graduated)".to_owned(),
                None => "已离校（毕业）".to_owned(),
            };
            say(
                &format!("  {} {} -> {}：{} 人", m.school, m.from, to, m.pupils),
                &format!("  {} {} -> {}: {}", m.school, m.from, to, m.pupils),
            );
        }
        print_stayed(&r.stayed);
    }
    if r.left > 0 {
        let class = format!("{}{}", crate::store::LEFT_GRADE, crate::store::left_class(r.previous));
        let (who, moves) =
            if r.left == 1 { ("pupil", "moves out of their class") } else { ("pupils", "move out of their classes") };
        let en =
            format!("{} {who} marked left in {} {moves} into {class}, not counted in {}", r.left, r.previous, r.year);
        say(
            &format!("{} 年度已离校的 {} 人移出原班级，到“{class}”，不计入 {} 年度 ({en})", r.previous, r.left, r.year),
            &en,
        );
    }
    let carried = match r.carried_categories {
        1 => "1 pupil keeps their categories".to_owned(),
        n => format!("{n} pupils keep their categories"),
    };
    say(
        &format!(
            "保留人员类别 {} 人，新年度待重新认定（在详情中确认或按部门名单对账）\
             ({carried}, to be certified again for the new year)",
            r.carried_categories
        ),
        &format!("{carried}, to be certified again for the new year"),
    );
    match &r.policy {
        Some(p) => say(&format!("{} 年度政策 (policy): {p}", r.year), &format!("policy for {}: {p}", r.year)),
        None => {
            let (zh, en) = (store.command("policy use 名称"), store.command("policy use NAME"));
            say(&format!("数据文件没有选定政策：{zh} (no policy: {en})"), &format!("no policy chosen: {en}"));
        }
    }
    if !r.dry_run {
        let (previous, leavers) =
            (store.command(&format!("--year {} stats", r.previous)), store.command("year leavers"));
        say(
            &format!(
                "查看 {} 年度：{previous}；导入新生名单后用 {leavers} 查看可能已离校的学生 \
                 (see the old year with {previous}; after importing this year's lists, {leavers})",
                r.previous
            ),
            &format!("see the old year with {previous}; after importing this year's lists, run {leavers}"),
        );
    }
}

/// The classes promotion left as they are, each with its pupils: nothing in their names gives a school year to
/// move up from (学前班, 启智班, 2023级1班), so the operator learns they stayed rather than finding them so.
fn print_stayed(stayed: &[crate::store::ClassStay]) {
    if stayed.is_empty() {
        return;
    }
    let n = stayed.len();
    let classes = crate::words::counted(n, "class", "classes");
    say(
        &format!(
            "未升级也未毕业、留在原班级的 {n} 个班级（班级名称中没有可升的年级，请导入今年的名单核对）\
             ({classes} neither promoted nor graduated, left as they are: their names give no school year; \
             import this year's lists to check them)"
        ),
        &format!(
            "{classes} neither promoted nor graduated, left as they are: their names give no school year; import \
             this year's lists to check them"
        ),
    );
    for c in stayed {
        let class =
            if c.class.is_empty() { super::pick("（未分班）", "(no class)").to_owned() } else { c.class.clone() };
        let pupils = crate::words::counted(c.pupils, "pupil", "pupils");
        say(
            &format!("  {} {class}：{} 人，留在原班级", c.school, c.pupils),
            &format!("  {} {class}: {pupils}, left where they are", c.school),
        );
    }
}

#[derive(Serialize)]
struct LeaversJson<'a> {
    year: Option<i32>,
    leavers: &'a [crate::store::Leaver],
    marked: usize,
}

fn leavers(cli: &Cli, mark: bool, reveal: bool, json: bool) -> CmdResult {
    let (mut store, held) = if mark {
        open_writer_existing(cli).map(|(s, l)| (s, Some(l)))?
    } else {
        (super::open::open_to_read(cli, reveal)?, None)
    };
    let found = store.leavers()?;
    if reveal && !found.is_empty() {
        let ids: Vec<i64> = found.iter().map(|l| l.id).collect();
        // `--mark` holds the drive already; a look alone takes it for the record.
        let _lock = match &held {
            Some(_) => None,
            None => Some(super::open::lock_to_record(cli, super::open::Recorded::Reveal)?),
        };
        record_reveal(cli, &mut store, "year leavers", &ids)?;
    }
    let marked = if mark && !found.is_empty() {
        let ids: Vec<i64> = found.iter().map(|l| l.id).collect();
        store.mark_leavers(&ids)?
    } else {
        0
    };
    if json {
        return print_json_ids(&LeaversJson { year: store.shown_year(), leavers: &found, marked }, reveal);
    }
    if found.is_empty() {
        say(
            "没有可能已离校的学生（只在用 year new 开始的年度、导入本年度名单后才会列出）\
             (no possible leavers: listed in a year begun by year new, once its lists are imported)",
            "no possible leavers (listed in a year begun by year new, once its lists are imported)",
        );
        return Ok(());
    }
    for l in &found {
        println!("{}\t{}\t{}\t{}", l.school, l.class, l.name, shown_id(&l.id_number, reveal));
    }
    if mark {
        say(&format!("已登记为已离校 {marked} 人 (marked as left)"), &format!("marked as left: {marked}"));
    } else {
        let (n, mark_them) = (found.len(), store.command("year leavers --mark"));
        let pupils = crate::words::counted(n, "pupil", "pupils");
        let are = if n == 1 { "is" } else { "are" };
        say(
            &format!(
                "本年度名单中没有、同班同学在名单中：{n} 人，可能已离校；确认后用 {mark_them} 登记为已离校 \
                 ({pupils} {are} on none of this year's lists: mark them left with {mark_them})"
            ),
            &format!("{pupils} {are} on none of this year's lists: mark them left with {mark_them}"),
        );
    }
    Ok(())
}

/// After an import: how many pupils this year's lists left out, and what to do about them.
pub fn mention_leavers(store: &Store) -> CmdResult {
    let n = store.leavers()?.len();
    if n > 0 {
        let see = store.command("year leavers");
        say(
            &format!(
                "可能已离校 {n} 人（本年度名单中没有，同班同学在名单中）：{see} 查看，--mark 登记为已离校 \
                 ({n} possible leavers: see {see}, mark them with --mark)"
            ),
            &format!("{n} possible leavers: see {see}, mark them with --mark"),
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct YearListed {
    year: i32,
    current: bool,
    policy: Option<String>,
}

fn list(cli: &Cli, json: bool) -> CmdResult {
    let store = open_existing(cli)?;
    let current = store.current_year();
    let listed: Vec<YearListed> = store
        .years()?
        .into_iter()
        .map(|y| Ok(YearListed { year: y, current: Some(y) == current, policy: store.year_policy(y)? }))
        .collect::<Result<_, crate::store::StoreError>>()?;
    if json {
        return print_json_list(&listed);
    }
    for y in &listed {
        let mark = if y.current { "*" } else { " " };
        println!("{mark} {}\t{}", y.year, y.policy.as_deref().unwrap_or("-"));
    }
    Ok(())
}
