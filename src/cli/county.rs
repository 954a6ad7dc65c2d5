//! `canbao push` and `canbao rollup`: drive files into the county's PostgreSQL database, and its counts back.

use std::path::{Path, PathBuf};

use super::output::{conflict_words, kept_and_lost, listed, print_json, print_listed, shown_id, span};
use super::{Cli, CmdResult, ExportArgs, ExportKind, UserError, paperwork, passphrase, say};
use crate::county::{self, DriveFile, Target, drive};
use crate::domain::coverage;
use crate::domain::roster_check::PaymentOutsideYear;
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::io::forms::{self, summary};
use crate::store::Store;
use crate::tui::Language;
use crate::tui::text::Text;
use crate::tui::text::conflict::How;

/// The database URL: the option, else `CANBAO_PG`. Never printed as given (it may carry a password).
pub fn target(url: Option<&str>) -> Result<Target, UserError> {
    let url = match url {
        Some(u) => u.to_owned(),
        None => std::env::var(county::URL_ENV).ok().filter(|u| !u.trim().is_empty()).ok_or_else(|| {
            UserError::new(format!(
                "没有汇总数据库地址：请用 --to / --from postgresql://用户@服务器/数据库，或设置 {0} \
                 (no county database: give --to / --from postgresql://USER@HOST/DB, or set {0})",
                county::URL_ENV
            ))
            .kind("no_county_url")
        })?,
    };
    Ok(Target::parse(&url)?)
}

/// `--from` given without a URL means $CANBAO_PG.
pub fn url(given: &Option<String>) -> Option<&str> {
    given.as_deref().filter(|u| !u.is_empty())
}

/// The insured year of a drive from before years were kept: its policy's, else the year collected for today.
fn drive_year(store: &Store) -> Result<i32, UserError> {
    if let Some(policy) = paperwork::drive_policy(store)? {
        return Ok(policy.insured_year);
    }
    Ok(county::collecting_year(store.today()))
}

/// Opens a drive to read it: never for writing, never its lock (it may be open in a TUI on this laptop).
/// With the family payments it holds dated where no payment for its insured year can be (as `check` and `merge`
/// list them): pushed as recorded, and said.
fn read_drive(path: &Path) -> Result<(drive::DriveRead, Vec<PaymentOutsideYear>), UserError> {
    // Before the passphrase: a folder is no drive to ask one for.
    crate::store::existing_file(path)?;
    let key = passphrase::for_drive(path)?;
    // A class list or another file pushed by mistake is named for what it is, never 「或文件已损坏」.
    let mut store = Store::open_read_only_keyed(path, key.as_ref())
        .map_err(|e| crate::io::drive_or_list::named_other_file_error(e, path, crate::store::OtherFileUse::Push))?;
    super::open::warn_of_backup(path, super::open::Use::Push);
    let year = drive_year(&store)?;
    let mut rows = drive::read_store(&store, year).map_err(|e| UserError::new(format!("{}: {e}", path.display())))?;
    judge_years(&mut store, &mut rows)?;
    let outside = payments_outside_year(&store)?;
    Ok((rows, outside))
}

/// Gives each insured year's statuses the drive's judgement of that year, as the drive's `stats` (with `--year`
/// for a closed one) makes it: the amount due of each family payment short of it and whether its policy sends the
/// pupil to enroll away from school. A closed year is judged under its own copy of its policy, so the laptop that
/// has moved on sends the judgement the laptop still in that year sends, and the county's figures for the year do
/// not change with which of them pushed last.
fn judge_years(store: &mut Store, rows: &mut drive::DriveRead) -> Result<(), UserError> {
    if store.shown_year().is_some_and(|y| y != rows.current_year) {
        return Ok(());
    }
    judge_year(store, rows, rows.current_year)?;
    let mut closed: Vec<i32> = rows.statuses.iter().map(|st| st.year).filter(|&y| y != rows.current_year).collect();
    closed.sort_unstable();
    closed.dedup();
    let held = store.years()?;
    for year in closed.into_iter().filter(|y| held.contains(y)) {
        store.view_year(year)?;
        let judged = judge_year(store, rows, year);
        store.view_current_year()?;
        judged?;
    }
    Ok(())
}

/// [`judge_years`] of the year `store` shows, `year`: `Store::part_payments` under the year's policy, today, and
/// `Store::sent_away_pupils`. A year with no policy judges none.
fn judge_year(store: &Store, rows: &mut drive::DriveRead, year: i32) -> Result<(), UserError> {
    let policy = paperwork::drive_policy(store)?;
    let short = store.part_payments(&Default::default(), policy.as_ref(), store.today())?;
    let away = store.sent_away_pupils(policy.as_ref())?;
    for st in rows.statuses.iter_mut().filter(|st| st.year == year) {
        st.amount_due_fen = short.get(&st.sid).map(|part| part.due_fen);
        st.sent_away = Some(away.contains(&st.sid));
    }
    Ok(())
}

/// The drive's family payments dated outside its insured year, judged as `check` judges them (under its policy,
/// for its current year). Only the pupils whose dates fail are read whole, a thousand at a time: a county's
/// drive of a hundred thousand paid pupils is not read twice for a handful.
fn payments_outside_year(store: &Store) -> Result<Vec<PaymentOutsideYear>, UserError> {
    use crate::domain::policy::payment_date_error;
    let policy = paperwork::drive_policy(store)?;
    let year = store.current_year();
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok();
    let failing: Vec<i64> = store
        .family_payment_days()?
        .into_iter()
        .filter(|(_, paid_on, born)| {
            day(paid_on).is_some_and(|paid| {
                payment_date_error(policy.as_ref(), year, born.as_deref().and_then(day), paid).is_some()
            })
        })
        .map(|(id, _, _)| id)
        .collect();
    let mut outside = Vec::new();
    for ids in failing.chunks(1000) {
        let students = store.students_by_ids(ids)?;
        outside.extend(crate::domain::roster_check::payments_outside_year(&students, policy.as_ref(), year));
    }
    Ok(outside)
}

/// A pushed file's family payments dated outside its insured year, as `--json` lists them (`file` beside each;
/// the number masked unless revealed).
#[derive(serde::Serialize)]
struct PushedOutsideYear {
    file: String,
    #[serde(flatten)]
    payment: PaymentOutsideYear,
}

/// The pushed files' family payments dated outside their insured year: the county counts those pupils insured
/// on them, so each is said, with what to do.
fn print_pushed_outside_year(outside: &[(String, i32, Vec<PaymentOutsideYear>)], reveal: bool, dry_run: bool) {
    let (pushed, pushed_en) = if dry_run { ("上传时会", "would be pushed") } else { ("已", "pushed") };
    for (file, year, payments) in outside.iter().filter(|(_, _, p)| !p.is_empty()) {
        let n = payments.len();
        let en = format!(
            "{file}: {} dated outside insured year {year}, {pushed_en} as paid as the drive records them, so the county \
             counts these pupils insured: a payment for another year does not pay for this one; correct them in \
             the drive (canbao check lists them) and push again",
            crate::words::counted(n, "family payment", "family payments")
        );
        say(
            &format!(
                "{file}：{n} 笔家庭缴费的日期不属于 {year} 年度，{pushed}按数据文件的记录作为已缴费上传，汇总数据库会把这些学生算作\
                 已参保：往年的缴费不能算本年度已缴费，请在数据文件中核实更正（canbao check 会列出）后重新上传 ({en})"
            ),
            &en,
        );
        for o in payments {
            let p = &o.pupil;
            let line = format!("  {}\t{}\t{}", p.name, shown_id(&p.id_number, reveal), o.why);
            let line_en = format!("  {}\t{}\t{}", p.name, shown_id(&p.id_number, reveal), o.why_en);
            say(&format!("{line} ({})", o.why_en), &line_en);
        }
    }
}

/// A file of a push that could not be read: named, and said plainly that nothing reached the county.
fn unreadable(path: &Path, e: &UserError) -> UserError {
    let path = path.display().to_string();
    let why = if e.message().contains(&path) { e.message().to_owned() } else { format!("{path}：{}", e.message()) };
    UserError::new(format!(
        "{why}\n没有上传任何文件：{path} 读不了，而所有文件都先读完才上传 \
         (nothing was pushed: {path} could not be read, and every file is read before any is sent)"
    ))
    .like(e)
}

/// `operator`: who is shown full numbers with `--reveal` (recorded in the county's history).
/// `remove_restored`: take out of the county the pupils the drives' restores removed (`--remove-restored`).
pub fn push(
    files: &[PathBuf],
    to: Option<&str>,
    (dry_run, reveal, remove_restored): (bool, bool, bool),
    operator: Option<String>,
    json: bool,
    accept_clock: bool,
) -> CmdResult {
    if let Some(url) = files.iter().map(|f| f.to_string_lossy()).find(|f| county::connect::looks_like_url(f)) {
        return Err(UserError::new(format!(
            "这是汇总数据库的地址，不是数据文件：{0}；地址要写在 --to 后面：canbao push 文件.db --to URL \
             (a database address, not a drive file: {0}; give it with --to URL: canbao push FILE.db --to URL)",
            county::connect::mask_urls(&url)
        ))
        .kind("url_not_a_drive"));
    }
    let target = target(to)?;
    let limit = wait_limit()?;
    if files.is_empty() {
        return prepare_schema(&target, limit, dry_run, json);
    }
    let (files, _) = super::once_each(files, ("上传", "pushed"));
    // Every file is read before anything is sent: one that cannot be read stops the push with nothing sent.
    let mut read = Vec::new();
    let mut outside = Vec::new();
    for path in &files {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let (rows, dated_outside) = read_drive(path).map_err(|e| unreadable(path, &e))?;
        outside.push((path.display().to_string(), rows.current_year, dated_outside));
        read.push((name, path.display().to_string(), rows));
    }
    let drives: Vec<DriveFile> =
        read.iter().map(|(name, shown, rows)| DriveFile { name: name.clone(), shown: shown.clone(), rows }).collect();
    let skipped = county::push::skipped(&drives);
    for s in &skipped {
        let en = format!("skipped {}: it holds no pupils, nothing to push", s.file);
        eprintln!("{}", super::pick(&format!("跳过 {}：其中没有学生，没有可上传的内容 ({en})", s.file), &en));
    }
    if skipped.len() == drives.len() {
        if json {
            super::output::print_report(false, &county::PushReport { dry_run, skipped, ..Default::default() })?;
        }
        let names: Vec<&str> = drives.iter().map(|d| d.shown.as_str()).collect();
        return Err(UserError::new(format!(
            "没有上传任何文件：{0} 中没有学生 (nothing was pushed: {1} holds no pupils)",
            names.join("、"),
            names.join(", ")
        ))
        .kind("no_pupils"));
    }
    let mut client = target.connect()?;
    // Ctrl-C cancels the statement the server is running: the file being pushed is rolled back there, and the
    // message says what reached the county, where the process used to end without a word.
    let token = client.cancel_token();
    let cancel_target = target.clone();
    let kind = if dry_run { super::interrupt::Kind::Preview } else { super::interrupt::Kind::Server };
    let work = super::interrupt::Work { name: ("上传", "push"), kind, json };
    let cancelling = super::interrupt::cancel_on_signal(work, move || cancel_target.cancel(&token));
    let operator = operator.unwrap_or_else(|| "（未具名操作员）".to_owned());
    let revealed_to = reveal.then_some(operator.as_str());
    let waiting = waiting(limit);
    let removing = remove_restored.then_some(operator.as_str());
    let pushed =
        county::push_all(&mut client, &drives, (dry_run, accept_clock, removing), revealed_to, limit, &waiting);
    drop(cancelling);
    let report = pushed.map_err(|e| push_failed(e.scrubbed(&target), &drives, dry_run))?;
    drop(drives);
    // The command ends here and the process with it: freeing a 100k-pupil drive's three million strings one
    // by one took longer than the push's last COPY's client side.
    std::mem::forget(read);
    // A file skipped for holding no pupils pushed no payment.
    outside.retain(|(file, _, _)| !report.skipped.iter().any(|s| &s.file == file));
    if json {
        let mut value = serde_json::to_value(&report).map_err(UserError::from)?;
        if let Some(fields) = value.as_object_mut() {
            let mut listed = Vec::new();
            for (file, _, payments) in outside {
                for payment in payments {
                    listed.push(PushedOutsideYear { file: file.clone(), payment });
                }
            }
            // The pupils' ID fields are shown (masked unless revealed) as they are turned into JSON.
            let listed = crate::domain::id_shown::revealing(reveal, || serde_json::to_value(&listed))
                .map_err(UserError::from)?;
            fields.insert("payments_outside_year".to_owned(), listed);
        }
        return print_json(&value);
    }
    if report.dry_run {
        say(
            "试运行，汇总数据库未修改 (dry run: the county database is unchanged)",
            "dry run: the county database is unchanged",
        );
    }
    for f in &report.files {
        say(
            &format!(
                "{}（{} 年度）：新增 {}，更新 {}，未变 {}，冲突 {}，新修改记录 {} 条 \
                 (added, updated, unchanged, conflicts, new history rows)",
                f.file, f.year, f.added, f.updated, f.unchanged, f.conflicts, f.audit_rows
            ),
            &format!(
                "{} ({}): added {}, updated {}, unchanged {}, conflicts {}, new history rows {}",
                f.file, f.year, f.added, f.updated, f.unchanged, f.conflicts, f.audit_rows
            ),
        );
        if f.restored > 0 {
            let n = f.restored;
            let en = format!(
                "{} taken back with a restore of this drive to what it now holds, recorded in the county's history",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生的数据随本数据文件的恢复退回到文件现在的内容，已记入汇总数据库的修改记录 ({en})"
                ),
                &format!("  {en}"),
            );
        }
        if f.top_ups_joined > 0 {
            let n = f.top_ups_joined;
            let en = format!(
                "{} topped up apart on this drive and in the county from the same amount: every top-up counted, the \
                 county holds their sum, as a merge joins them; if one top-up was keyed on both, correct the amount",
                crate::words::counted(n, "payment", "payments")
            );
            say(
                &format!(
                    "  其中 {n} 名学生的缴费在本数据文件和汇总数据库中各自登记了补缴（补缴前金额相同），已全部计入，汇总数据库记\
                     为其合计，与合并的结果相同；如是同一笔补缴登记了两次，请更正金额 ({en})"
                ),
                &format!("  {en}"),
            );
            for j in &f.top_ups {
                top_up_joined_line(j);
            }
        }
        if !f.paid_apart.is_empty() {
            let n = f.paid_apart.len();
            let en = format!(
                "{} marked paid apart on this drive and in the county, the same amount on another date or by another \
                 channel: one payment kept, as a merge keeps it; check the family was not charged twice",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生在本数据文件和汇总数据库中各自登记了缴费（金额相同，日期或方式不同），汇总数据库保留一笔，\
                     与合并的结果相同：如重复收取请核实 ({en})"
                ),
                &format!("  {en}"),
            );
            for p in &f.paid_apart {
                paid_apart_line(p);
            }
        }
        if !f.payments_withdrawn.is_empty() {
            let n = f.payments_withdrawn.len();
            let en = format!(
                "{} whose payment this file holds the county has as taken back (undone, or taken back by a restore, on \
                 the laptop that recorded it; this file is a copy from before): not applied, the county keeps its \
                 own; if the family did pay, record the payment again",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生的缴费汇总数据库已知被撤回（登记它的电脑已撤销或随恢复退回，本数据文件是之前的副本）：\
                     本数据文件的缴费未采用，汇总数据库保持原状；如家长确已缴费，请重新登记 ({en})"
                ),
                &format!("  {en}"),
            );
            for p in &f.payments_withdrawn {
                payment_withdrawn_line(p);
            }
        }
        if !f.restore_removed.is_empty() {
            let n = f.restore_removed.len();
            let en = format!(
                "{} this drive added and a restore of it removed are still in the county, which had them from an \
                 earlier push: a push takes no pupil away unless asked; if the import was a mistake, push again \
                 with --remove-restored to take them out (--dry-run first lists them); said once for this restore",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生由本数据文件添加，已随恢复删除，但汇总数据库此前已收到，仍保留：上传不会自行删除学生，\
                     如是误导入，请加 --remove-restored 再上传一次，把他们从汇总数据库中删除（先加 --dry-run 可查看）；\
                     本次恢复只提示这一次 ({en})"
                ),
                &format!("  {en}"),
            );
            for p in &f.restore_removed {
                let (name, id, school) = (&p.name, &p.id_number, &p.school);
                say(&format!("    {school} {name} {id}"), &format!("    {school} {name} {id}"));
            }
        }
        if !f.not_moved_back.is_empty() {
            let n = f.not_moved_back.len();
            // The other school is spoken of only where a pupil's school is in doubt: two laptops of one school
            // that imported one list differ in nothing the operator could check against another school's.
            let school = f.not_moved_back.iter().any(|p| p.kept.contains(&"school"));
            let (kept_zh, kept_en, check_zh, check_en) = if school {
                (
                    "学校、姓名或班级",
                    "school, name or class",
                    "请对照另一所学校的名单逐一核对",
                    "check each against the other school's list",
                )
            } else {
                (
                    "姓名或班级",
                    "name or class",
                    "请对照本校名单核对姓名和班级",
                    "check their names and classes against the school's list",
                )
            };
            let en = format!(
                "{} another drive created too, whose creation here a restore of this drive took back, keep the \
                 {kept_en} it gave them: the other drive's creation reached the county from an older canbao, which \
                 did not record them, so the county cannot move them back; the phone, categories, note and \
                 enrollment and payment this creation gave stay as well; {check_en} and correct it on the laptop \
                 that holds it; said once for this restore",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生另一个数据文件也建了档，本数据文件的建档已随恢复撤回，但仍保留这次建档给的{kept_zh}：\
                     另一个数据文件的建档是由较早版本的 canbao 上传的，没有记下这些，汇总数据库无法把他们移回；\
                     这次建档给的电话、类别、备注和参保、缴费情况也仍保留；{check_zh}，在存有该学生的电脑上更正；本次恢复只提示这一次 ({en})"
                ),
                &format!("  {en}"),
            );
            for p in f.not_moved_back.iter().take(OTHER_SCHOOL_LISTED) {
                let (name, id, school) = (&p.pupil.name, &p.pupil.id_number, &p.pupil.school);
                let kept_zh: Vec<&str> = p.kept.iter().map(|k| kept_label(k).0).collect();
                let kept_en: Vec<&str> = p.kept.iter().map(|k| kept_label(k).1).collect();
                say(
                    &format!(
                        "    {school} {name} {id}：保留了撤回的建档给的{} (kept: {})",
                        kept_zh.join("、"),
                        kept_en.join(", ")
                    ),
                    &format!("    {school} {name} {id}: kept {}", kept_en.join(", ")),
                );
            }
            more_listed(n, "    ");
        }
        if !f.removed_from_county.is_empty() {
            let n = f.removed_from_county.len();
            let (zh, en) = if report.dry_run {
                ("将从汇总数据库中删除", "would be taken out of the county")
            } else {
                ("已从汇总数据库中删除，记入其修改记录", "taken out of the county, recorded in its history")
            };
            let en = format!(
                "{} this drive added and a restore of it removed {en}",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(&format!("  其中 {n} 名学生由本数据文件添加，已随恢复删除，{zh} ({en})"), &format!("  {en}"));
            for p in &f.removed_from_county {
                let (name, id, school) = (&p.name, &p.id_number, &p.school);
                say(&format!("    {school} {name} {id}"), &format!("    {school} {name} {id}"));
            }
        }
        if !f.kept_out.is_empty() {
            let n = f.kept_out.len();
            let en = format!(
                "{} this drive holds were taken out of the county (--remove-restored: an import a restore took back) and \
                 are not added again; this file still holds them, as a copy from before that restore does",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生本数据文件仍有，但已被 --remove-restored 从汇总数据库中删除（误导入后已恢复），未再添加；\
                     本数据文件应是那次恢复之前的副本 ({en})"
                ),
                &format!("  {en}"),
            );
            let paid = f.kept_out.iter().filter(|p| p.paid_here).count();
            if paid > 0 {
                let en = format!(
                    "{} of them {} a payment recorded on this drive that the county does not count: check it",
                    paid,
                    if paid == 1 { "has" } else { "have" }
                );
                say(
                    &format!("  其中 {paid} 人在本数据文件中记有缴费，汇总数据库未计入，请核实 ({en})"),
                    &format!("  {en}"),
                );
            }
            for p in &f.kept_out {
                let (name, id, school) = (&p.name, &p.id_number, &p.school);
                let (zh, en) = if p.paid_here { ("  已缴费", "  paid") } else { ("", "") };
                say(&format!("    {school} {name} {id}{zh}"), &format!("    {school} {name} {id}{en}"));
            }
        }
        if f.look_alikes > 0 {
            let n = f.look_alikes;
            let en = format!(
                "{} held with a number a spreadsheet rounded (or none, or mistyped) on one side, paired by name (and \
                 class) with the whole number on the other as one child each, as a merge pairs them",
                crate::words::counted(n, "pupil", "pupils")
            );
            say(
                &format!(
                    "  其中 {n} 名学生在一方的身份证号码被表格四舍五入（或空缺、有误），已按姓名（和班级）与另一方的完整号码\
                     对应为同一学生，未重复计入 ({en})"
                ),
                &format!("  {en}"),
            );
        }
    }
    if report.files.len() > 1 {
        say(
            &format!(
                "合计：新增 {}，更新 {}，未变 {}，冲突 {} (total: added, updated, unchanged, conflicts)",
                report.added,
                report.updated,
                report.unchanged,
                report.conflicts.len()
            ),
            &format!(
                "total: added {}, updated {}, unchanged {}, conflicts {}",
                report.added,
                report.updated,
                report.unchanged,
                report.conflicts.len()
            ),
        );
    }
    let at = |t: &Option<String>| t.as_deref().map(crate::store::instant::beijing_seconds).unwrap_or_default();
    // A group is one field with the same values kept and lost, from the same two sides.
    // Two amounts of one second are not decided by time: said apart from those the newer change decided.
    fn how_of(c: &county::PushConflict) -> How<'_> {
        let how = How::of(&c.field, c.kept.as_deref(), c.lost.as_deref(), c.payment_kept.as_deref());
        match (&c.kept_at, &c.lost_at) {
            (Some(kept_at), Some(lost_at)) => how.at(kept_at, lost_at),
            _ => how,
        }
    }
    let lines = listed(&report.conflicts, |c| {
        let values = (c.kept.as_deref(), c.lost.as_deref(), c.payment_kept.as_deref());
        let sides =
            (c.kept_drive.as_str(), c.lost_drive.as_str(), c.kept_operator.as_deref(), c.lost_operator.as_deref());
        (c.field.as_str(), c.year, values, sides, how_of(c), c.tax_record_kept)
    });
    // Each side's drive with the operator who made its change (see `PushConflict::kept_operator`): copies of a
    // drive share its name, and a path names a laptop only to the one who typed it.
    // A change recorded with no operator's name leaves its slot out, not an empty word between two spaces.
    let drives = |c: &county::PushConflict| {
        let by = |drive: &str, operator: &Option<String>| {
            [drive, operator.as_deref().unwrap_or_default()]
                .iter()
                .map(|w| w.trim())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        (by(&c.kept_drive, &c.kept_operator), by(&c.lost_drive, &c.lost_operator))
    };
    // A side's drive and operator, then its time where it has one.
    let from = |drive: &str, at: &str| if at.is_empty() { drive.to_owned() } else { format!("{drive} {at}") };
    // The tax office's record kept over the same payment marked by hand apart is said as a merge says it.
    let (zh_text, en_text) = (Text::for_language(Language::Zh), Text::for_language(Language::En));
    let tax_said = |c: &county::PushConflict, (zh, en): (String, String)| {
        if c.tax_record_kept {
            (
                crate::words::fill(zh_text.merge_tax_record_kept, &[&zh]),
                crate::words::fill(en_text.merge_tax_record_kept, &[&en]),
            )
        } else {
            (zh, en)
        }
    };
    let pupil = |c: &county::PushConflict| {
        // Masked by the push unless revealed (`decide::conflicts_of`), as every number it reports.
        let id = shown_id(&c.id_number, true);
        let (field, kept, lost) = conflict_words(&c.field, c.year, c.kept.as_deref(), c.lost.as_deref());
        let (kept_drive, lost_drive) = drives(c);
        let (kept_from, lost_from) = (from(&kept_drive, &at(&c.kept_at)), from(&lost_drive, &at(&c.lost_at)));
        let (zh, en) = tax_said(c, kept_and_lost((&kept, &kept_from), (&lost, &lost_from), how_of(c)));
        say(
            &format!("  {} {} {id} 「{field}」：{zh}", c.school, c.name),
            &format!("  {} {} {id} {field}: {en}", c.school, c.name),
        );
    };
    let group = |g: &[&county::PushConflict]| {
        let Some(c) = g.first() else { return };
        let (field, kept, lost) = conflict_words(&c.field, c.year, c.kept.as_deref(), c.lost.as_deref());
        let (kept_at, lost_at) =
            (span(g.iter().filter_map(|c| c.kept_at.as_deref())), span(g.iter().filter_map(|c| c.lost_at.as_deref())));
        let (kept_drive, lost_drive) = drives(c);
        let (kept_from, lost_from) = (from(&kept_drive, &kept_at), from(&lost_drive, &lost_at));
        let n = g.len();
        let (zh, en) = tax_said(c, kept_and_lost((&kept, &kept_from), (&lost, &lost_from), how_of(c)));
        let pupils = crate::words::counted(n, "pupil", "pupils");
        say(&format!("  「{field}」：{zh}（{n} 名学生） ({pupils})"), &format!("  {field} of {pupils}: {en}"));
    };
    print_listed(&lines, pupil, group);
    other_school_pupils(&report.other_school_pupils);
    print_pushed_outside_year(&outside, reveal, report.dry_run);
    Ok(())
}

/// How long a push waits for another: `CANBAO_PUSH_WAIT` seconds, else `county::push::WAIT_LIMIT`.
fn wait_limit() -> Result<std::time::Duration, UserError> {
    let env = county::push::WAIT_ENV;
    match std::env::var(env) {
        Err(_) => Ok(county::push::WAIT_LIMIT),
        Ok(text) if text.trim().is_empty() => Ok(county::push::WAIT_LIMIT),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(std::time::Duration::from_secs(secs)),
            _ => Err(UserError::new(format!(
                "{env}=“{text}” 无效：应为等待另一次上传的秒数，例如 {env}=600 \
                 ({env} must be the number of seconds to wait for another push, e.g. {env}=600)"
            ))
            .kind("bad_setting")),
        },
    }
}

/// What a push says when another holds the county: who, since when, how long it waits, that Ctrl-C is safe.
fn waiting(limit: std::time::Duration) -> impl Fn(&county::Holder) {
    move |holder| {
        let (zh, en) = holder.words();
        let secs = limit.as_secs();
        let (wait_zh, wait_en) = if secs.is_multiple_of(60) {
            (format!("{} 分钟", secs / 60), format!("{} min", secs / 60))
        } else {
            (format!("{secs} 秒"), format!("{secs} s"))
        };
        eprintln!(
            "{}",
            super::pick(
                &format!(
                    "另一次上传正在进行{zh}，等待它完成，最多等 {wait_zh}（Ctrl-C 可随时放弃，不写入任何内容）… \
                     (another push is in progress{en}, waiting for it up to {wait_en}; Ctrl-C gives up safely…)"
                ),
                &format!(
                    "another push is in progress{en}, waiting for it up to {wait_en}; Ctrl-C gives up safely, \
                     writing nothing…"
                )
            )
        );
    }
}

/// `canbao push --to URL` with no files: the schema made or brought forward, nothing pushed.
fn prepare_schema(target: &Target, limit: std::time::Duration, dry_run: bool, json: bool) -> CmdResult {
    if dry_run {
        return Err(UserError::new(
            "--dry-run 要有数据文件：不带文件的 canbao push --to URL 只建立或升级表结构 \
             (--dry-run needs drive files: without files, canbao push --to URL only makes or upgrades the schema)"
                .into(),
        )
        .kind("usage"));
    }
    let mut client = target.connect()?;
    let waiting = waiting(limit);
    let (found, now) =
        county::push::prepare_schema(&mut client, limit, &waiting).map_err(|e| UserError::from(e.scrubbed(target)))?;
    if json {
        return print_json(&serde_json::json!({ "schema_version_before": found, "schema_version": now }));
    }
    let (zh, en) = match found {
        0 => (format!("已建立汇总数据库的表（版本 {now}）"), format!("made the county schema (version {now})")),
        f if f == now => (
            format!("汇总数据库的表已是最新（版本 {now}）"),
            format!("the county schema is up to date (version {now})"),
        ),
        f => (
            format!("已把汇总数据库的表从版本 {f} 升级到 {now}"),
            format!("brought the county schema from version {f} to {now}"),
        ),
    };
    say(&format!("{zh}，没有上传数据文件 ({en}; no drive pushed)"), &format!("{en}; no drive pushed"));
    Ok(())
}

/// How many of the pupils in two unrelated schools' drives, or of those a restore could not move back, a push
/// names one by one.
const OTHER_SCHOOL_LISTED: usize = 5;

/// A group of fields a restore's taking back left as the taken-back creation gave it
/// (`county::push::NotMovedBack::kept`), in the screen's words: Chinese and English.
fn kept_label(group: &str) -> (&'static str, &'static str) {
    match group {
        "school" => ("学校", "school"),
        "name" => ("姓名", "name"),
        _ => ("班级", "class"),
    }
}

/// The pupils a push found in another school's drive (`county::push::OtherSchoolPupil`): how many, and the
/// first few (their numbers as the push gave them: masked unless revealed).
fn other_school_pupils(others: &[county::push::OtherSchoolPupil]) {
    if others.is_empty() {
        return;
    }
    let n = others.len();
    let (pupils, are) = (crate::words::counted(n, "pupil", "pupils"), if n == 1 { "is" } else { "are" });
    say(
        &format!(
            "{n} 名学生也在另一所学校的数据文件中（学校以较新的修改为准）：\
             这所学校的汇总人数与它自己的数据文件不一致，请两校核对 \
             ({pupils} {are} also in another school's drive; the newer change of school decides where they count)"
        ),
        &format!(
            "{pupils} {are} also in another school's drive (the newer change of school decides where they count); \
             the two schools' figures differ from their own drives: ask both schools"
        ),
    );
    for o in others.iter().take(OTHER_SCHOOL_LISTED) {
        let id = &o.id_number;
        say(
            &format!(
                "  {} {id}：汇总数据库中为 {}，{} 中为 {}，现计入 {}",
                o.name, o.county_school, o.file, o.drive_school, o.kept_school
            ),
            &format!(
                "  {} {id}: {} in the county, {} in {}, now counted in {}",
                o.name, o.county_school, o.drive_school, o.file, o.kept_school
            ),
        );
    }
    more_listed(n, "  ");
}

/// The pupils past the first [`OTHER_SCHOOL_LISTED`] of a list of `n`, counted (`indent`: the list's).
fn more_listed(n: usize, indent: &str) {
    if n > OTHER_SCHOOL_LISTED {
        let more = n - OTHER_SCHOOL_LISTED;
        say(
            &format!("{indent}……另有 {more} 名，--json 列出全部 ({more} more: --json lists them all)"),
            &format!("{indent}… {more} more: --json lists them all"),
        );
    }
}

pub fn rollup(from: Option<&str>, school: Option<&str>, year: Option<i32>, json: bool) -> CmdResult {
    let target = target(from)?;
    let mut client = target.connect()?;
    let r = read_rollup(&mut client, &target, year, school)?;
    if json {
        return print_json(&r);
    }
    print_rollup(&r, school);
    Ok(())
}

/// The roll-up; a school the database does not hold is refused naming the nearest ones it does.
fn read_rollup(
    client: &mut postgres::Client,
    target: &Target,
    year: Option<i32>,
    school: Option<&str>,
) -> Result<county::Rollup, UserError> {
    match county::rollup(client, year, school) {
        Err(county::CountyError::NoSchool(name)) => {
            let known = county::rollup::school_names(client).map_err(|e| e.scrubbed(target))?;
            let nearest = super::export::nearest(&name, &known, 3);
            let (nearest, nearest_en) = if nearest.is_empty() {
                ("（无 / none）".to_owned(), "none".to_owned())
            } else {
                (nearest.join("、"), nearest.join(", "))
            };
            Err(UserError::new(format!(
                "汇总数据库中没有学校“{name}”，最接近的是：{nearest} \
                 (no school {name} in the county database; nearest: {nearest_en})"
            ))
            .kind("no_such_school"))
        }
        other => Ok(other.map_err(|e| e.scrubbed(target))?),
    }
}

/// A push that stopped: what of it reached the county. A dry run wrote nothing; a push wrote the files before
/// the one that failed, each in its own transaction.
fn push_failed(e: county::CountyError, drives: &[DriveFile], dry_run: bool) -> UserError {
    if dry_run {
        return UserError::new(match &e {
            county::CountyError::File { file, reason } => format!(
                "试运行在 {file} 处出错，汇总数据库未修改 (the dry run failed at {file}; nothing was written): {reason}"
            ),
            _ => format!(
                "{e}；试运行，汇总数据库未修改 ({}; dry run: nothing was written)",
                crate::words::in_language(&e.to_string(), crate::words::Language::En)
            ),
        })
        .about(&e);
    }
    match &e {
        county::CountyError::File { file, .. } => {
            // The files pushed before it: a file skipped for holding no pupils was not.
            let mut pushed = drives.iter().filter(|d| !d.rows.pupils.is_empty());
            match pushed.position(|d| &d.shown == file).filter(|&before| before > 0) {
                Some(before) => {
                    let en = crate::words::in_language(&e.to_string(), crate::words::Language::En).into_owned();
                    UserError::new(format!(
                        "{e}；之前的 {before} 个文件已上传 ({en}; the {before} file(s) before it were pushed)"
                    ))
                    .about(&e)
                }
                None => UserError::from(e),
            }
        }
        _ => UserError::from(e),
    }
}

/// Says which other insured years the database holds, so one year's figures are not read as the whole picture.
/// On standard error when standard output carries a form (`to_stdout`), as every export's notices are.
fn other_years(r: &county::Rollup, to_stdout: bool) {
    let others: Vec<String> = r.years.iter().filter(|&&y| Some(y) != r.year).map(i32::to_string).collect();
    if !others.is_empty() {
        let year = r.year.map_or_else(String::new, |y| y.to_string());
        let both = format!(
            "汇总数据库另有 {} 年度的数据；以下是 {year} 年度，用 --year 选择年度 \
             (the database also holds {}; shown: {year}, choose with --year)",
            others.join("、"),
            others.join(", ")
        );
        let en = format!("the database also holds {}; shown: {year}, choose with --year", others.join(", "));
        super::export::say_beside(Some((both, en)), to_stdout);
    }
}

fn print_rollup(r: &county::Rollup, school: Option<&str>) {
    let en = super::english();
    other_years(r, false);
    // With --school, the totals are that school's: the line says whose they are.
    let year = match school {
        Some(name) => format!("{name} {}", r.year.map_or_else(String::new, |y| y.to_string())),
        None => r.year.map_or_else(String::new, |y| y.to_string()),
    };
    let t = &r.totals;
    let rate = coverage::percent(t.coverage_permille());
    if en {
        println!(
            "insured year {year}: pupils {}, expected {}, insured {} ({rate}), family-paid {}, government {}, \
             elsewhere {}, declined {}, left {}, special groups {}, invalid IDs {}",
            t.students,
            t.expected,
            t.enrolled,
            t.paid_in_full,
            t.government,
            t.elsewhere,
            t.declined,
            t.left,
            t.special,
            t.id_invalid
        );
    } else {
        println!(
            "{year} 年度：学生 {}，应参保 {}，已参保 {}（{rate}），家庭缴费 {}，财政代缴 {}，异地参保 {}，不参保 {}，\
             已离校 {}，特殊群体 {}，身份证号有问题 {}",
            t.students,
            t.expected,
            t.enrolled,
            t.paid_in_full,
            t.government,
            t.elsewhere,
            t.declined,
            t.left,
            t.special,
            t.id_invalid
        );
    }
    // As `stats` says it: the columns that make up 已参保 and 应参保 are all on the line.
    say(
        "  已参保 = 家庭或财政已缴费、或异地参保；应参保 = 未离校且未拒绝参保 (insured = paid or elsewhere)",
        "  insured = paid by the family or a department, or enrolled elsewhere; to insure = not left, not declined",
    );
    // The payments short of the amount due, said apart: in neither 家庭缴费 nor 已参保, as the county's summary and
    // a school's own (`stats`' classes, the 未缴费 ledger) leave them out of 家庭缴费 (see `Counts::paid_in_full`).
    if t.part_paid > 0 {
        let (zh, en_word) = coverage::PART_PAID;
        let n = t.part_paid;
        say(
            &format!(
                "  另有{zh} {n} 人（未足额，仍须收缴，不计入家庭缴费和已参保）({en_word}, still to collect, in neither \
                 family-paid nor insured: {n})"
            ),
            &format!("  {en_word} (still to collect, in neither family-paid nor insured): {n}"),
        );
    }
    super::output::former_pupils_said(r.former);
    let header = if en {
        "school/class\tpupils\texpected\tinsured\trate\tpaid\tgovernment\telsewhere\tdeclined\tleft\tspecial\tinvalid IDs"
    } else {
        "学校/班级\t人数\t应参保\t已参保\t参保率\t家庭缴费\t财政代缴\t异地参保\t不参保\t已离校\t特殊群体\t身份证号有问题"
    };
    println!("{header}");
    let line = |label: &str, c: &county::rollup::Counts| {
        println!(
            "{label}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.students,
            c.expected,
            c.enrolled,
            coverage::percent(c.coverage_permille()),
            c.paid_in_full,
            c.government,
            c.elsewhere,
            c.declined,
            c.left,
            c.special,
            c.id_invalid
        );
    };
    match &r.classes {
        Some(classes) => classes.iter().for_each(|c| line(&c.class, &c.counts)),
        None => r.schools.iter().for_each(|s| line(&s.school, &s.counts)),
    }
    // A school in none of the year's figures (its drive still in another year) is named under them, as the
    // dashboard lists it: the other years named above the figures do not say which school is missing.
    let year = r.year.map_or_else(String::new, |y| y.to_string());
    for o in &r.schools_in_other_years {
        let (school, n, other) = (&o.school, o.students, o.year);
        say(
            &format!(
                "{school}：{n} 人在 {other} 年度，不在以上 {year} 年度的数字中，用 --year {other} 查看 ({school}: {n} \
                 pupil(s) in insured year {other}, not in the figures of {year} above; see them with --year {other})"
            ),
            &format!(
                "{school}: {n} pupil(s) in insured year {other}, not in the figures of {year} above; see them with \
                 --year {other}"
            ),
        );
    }
    if !r.categories.is_empty() {
        let list: Vec<String> = r.categories.iter().map(|c| format!("{} {}", c.category, c.students)).collect();
        let (said, gap) = if en { ("special groups: ", ", ") } else { ("特殊群体：", "、") };
        println!("{said}{}", list.join(gap));
    }
    super::output::categories_to_recertify_said(r.categories_to_recertify);
    let n = r.other_school_pupils;
    if n > 0 {
        let (pupils, are) = (
            crate::words::counted(usize::try_from(n).unwrap_or_default(), "pupil", "pupils"),
            if n == 1 { "is" } else { "are" },
        );
        say(
            &format!(
                "{n} 名学生也在另一所学校的数据文件中（学校以较新的修改为准），两校的汇总人数与各自的数据文件不一致 \
                 ({pupils} {are} also in another school's drive; the newer change of school decides where they count)"
            ),
            &format!(
                "{pupils} {are} also in another school's drive (the newer change of school decides where they count): \
                 the two schools' figures differ from their own drives"
            ),
        );
    }
}

/// `export summary --from URL`: the county's 参保进度汇总, one line per school (per class with --school), the
/// totals as a school's summary gives them. The four ledgers are left out: they depend on each drive's policy.
/// `year` (the global `--year`) writes an earlier insured year's, by the classes of that year; default the
/// latest year pushed.
pub fn export_summary(args: &ExportArgs, from: Option<&str>, year: Option<i32>) -> CmdResult {
    if args.kind != ExportKind::Summary {
        return Err(UserError::new(
            "--from 只能导出全县的 summary（参保进度汇总）(with --from only the summary can be exported)".into(),
        )
        .kind("usage"));
    }
    let format = super::export::format_for(args.format, args.out.as_deref())?;
    // A path mistyped several folders deep is refused before the county is asked, as a drive's export refuses it.
    super::export::out_folders_there(args.out.as_deref(), args.make_folders)?;
    let target = target(from)?;
    let mut client = target.connect()?;
    let mut r = read_rollup(&mut client, &target, year, args.school.as_deref())?;
    // The form's notices go beside it by the rule of every export: on standard error when the form itself is
    // on standard output (`--out -`), on standard output when it is written to a file.
    let to_stdout = args.out.as_deref() == Some(Path::new("-"));
    // A school's form of a year it has no pupils in would be all zeros. With no --year, the year is only the
    // county's latest, not the school's: its form is its own year's, as its drive would write it. A year asked
    // for by name is the operator's choice, and is refused, saying where the pupils are.
    if let (Some(school), Some(o)) = (&args.school, r.schools_in_other_years.first()) {
        let (n, other) = (o.students, o.year);
        let asked = r.year.map_or_else(String::new, |y| y.to_string());
        if year.is_some() {
            return Err(UserError::new(format!(
                "{school}：{n} 人在 {other} 年度，不在 {asked} 年度的数字中，未导出；用 --year {other} 导出 ({school}: \
                 {n} pupil(s) in insured year {other}, none in {asked}; nothing written; export with --year {other})"
            )));
        }
        let both = format!(
            "{school}的学生在 {other} 年度（{n} 人），不在 {asked} 年度：导出 {other} 年度的汇总 ({school}'s pupils are \
             in insured year {other} ({n}), not {asked}: the summary of {other} is exported)"
        );
        let en = format!(
            "{school}'s pupils are in insured year {other} ({n}), not {asked}: the summary of {other} is exported"
        );
        super::export::say_beside(Some((both, en)), to_stdout);
        r = read_rollup(&mut client, &target, Some(other), args.school.as_deref())?;
    }
    other_years(&r, to_stdout);
    let t = &r.totals;
    let mut totals: Vec<(String, f64)> = vec![("学生总数".into(), t.students as f64)];
    for e in Enrollment::ALL {
        let n = r.enrollment.get(e.code()).copied().unwrap_or(0);
        totals.push((format!("参保状态：{}", e.label_zh()), n as f64));
    }
    for (p, n) in [
        (PaymentStatus::Unpaid, t.students - t.paid - t.government),
        (PaymentStatus::Paid, t.paid),
        (PaymentStatus::Government, t.government),
    ] {
        totals.push((format!("缴费状态：{}", p.label_zh()), n as f64));
    }
    // Of 已缴费, the family payments short of the amount due, as a school's own summary says them.
    totals.push((format!("缴费状态：已缴费中{}（未足额）", coverage::PART_PAID.0), t.part_paid as f64));
    totals.push(("应参保".into(), t.expected as f64));
    totals.push(("已参保".into(), t.enrolled as f64));
    let mut totals: Vec<(String, crate::io::export::Out<'static>)> =
        totals.into_iter().map(|(what, n)| (what, crate::io::export::Out::Number(n))).collect();
    totals.push(summary::rate_total(t.enrolled as u32, t.expected as u32));
    totals.push(("身份证号有问题".into(), crate::io::export::Out::Number(t.id_invalid as f64)));
    totals.push(("特殊人员类别".into(), crate::io::export::Out::Number(t.special as f64)));
    // Those whose categories are carried from an earlier year, counted apart as a school's summary says them,
    // and only when there are some.
    if r.categories_to_recertify > 0 {
        let n = crate::io::export::Out::Number(r.categories_to_recertify as f64);
        totals.push((summary::TO_RECERTIFY.into(), n));
    }
    let row = |label: &str, c: &county::rollup::Counts| summary::ProgressRow {
        label: label.to_owned(),
        students: c.students as u32,
        expected: c.expected as u32,
        insured: c.enrolled as u32,
        // A part payment is still to collect: in no line's 家庭缴费, as on a school's own summary and in `rollup`
        // (see `Counts::paid_in_full`).
        paid: u32::try_from(c.paid_in_full).unwrap_or_default(),
        government: c.government as u32,
    };
    let (place, unit, rows): (String, (&str, &str), Vec<summary::ProgressRow>) = match (&args.school, &r.classes) {
        (Some(school), Some(classes)) => (
            format!("学校名称：{school}"),
            ("各班进度", summary::CLASS_COLUMNS[0].0),
            classes.iter().map(|c| row(&c.class, &c.counts)).collect(),
        ),
        _ => (
            format!("汇总范围：全县 {} 所学校", r.schools.len()),
            ("各校进度", "学校"),
            r.schools.iter().map(|s| row(&s.school, &s.counts)).collect(),
        ),
    };
    let today = crate::store::instant::beijing_today();
    let name = format!(
        "{}-{}{}-{}.{}",
        forms::safe_file_part(args.school.as_deref().unwrap_or("全县")),
        r.year.map(|y| format!("{y}年度-")).unwrap_or_default(),
        summary::TITLE,
        today.format("%Y%m%d"),
        format.extension()
    );
    // `--out -`: written in a private folder, copied to standard output, and removed, as a drive's export is.
    let scratch = if to_stdout { Some(super::export::ScratchDir::new()?) } else { None };
    let path = match &scratch {
        Some(dir) => dir.0.join(&name),
        None => forms::out_file(args.out.as_deref(), &name),
    };
    let year = r.year.map_or_else(String::new, |y| format!("保险年度：{y}年度"));
    let mut heading = vec![vec![place, year, format!("填报时间：{}", today.format("%Y-%m-%d"))]];
    // Under 汇总范围, each school in none of the year's figures (its drive still in another year), as `rollup` and
    // the dashboard name it: the form handed on must not read as every school's.
    let counted = r.year.map_or_else(String::new, |y| y.to_string());
    for o in &r.schools_in_other_years {
        let (school, n, other) = (&o.school, o.students, o.year);
        heading.push(vec![format!(
            "{school}：{n} 人在 {other} 年度，不在以上 {counted} 年度的数字中，用 --year {other} 查看"
        )]);
    }
    let written = summary::write_progress(&path, format, None, heading, &totals, unit, &rows)?;
    if to_stdout {
        let bytes = std::fs::read(&written)?;
        drop(scratch);
        return super::output::write_stdout(&bytes);
    }
    say(&format!("已导出 (written): {}", written.display()), &format!("written: {}", written.display()));
    Ok(())
}

/// `canbao --from URL`: the county's dashboard, read-only, refreshed as pushes arrive.
pub fn dashboard(cli: &Cli, from: Option<&str>) -> CmdResult {
    let mut session = county::connect::Session::open(target(from)?)?;
    let fetch =
        move |year: Option<i32>| session.read(|c| county::rollup::for_dashboard(c, year)).map_err(|e| e.shortened());
    let options = crate::tui::Options {
        lang: if cli.lang == Some(super::Lang::En) { crate::tui::Language::En } else { crate::tui::Language::Zh },
        theme: cli.theme.clone(),
        operator: None,
        config_dir: super::open::config_dir(),
        read_only_for_another_window: false,
        accept_clock: false,
        said_at_opening: None,
    };
    crate::tui::county::run(fetch, cli.year, &options).map_err(|e| UserError::new(e.to_string()).about(e.as_ref()))
}

/// One payment a push found topped up apart on the drive and in the county (`decide::TopUpsJoined`): each side's
/// top-ups and the sum the county now holds. Two of the same amount are said as such: no receipt number tells
/// whether the family paid twice or one top-up was keyed on two laptops, and both were counted.
fn top_up_joined_line(j: &county::push::TopUpsJoined) {
    use crate::domain::money::plain;
    let each = |fen: &[i64], sep: &str| fen.iter().map(|&f| plain(f)).collect::<Vec<_>>().join(sep);
    let (name, id, year) = (&j.name, &j.id_number, j.year);
    let (before, total) = (plain(j.before_fen), plain(j.total_fen));
    let (drive_zh, county_zh) = (each(&j.drive_fen, "、"), each(&j.county_fen, "、"));
    let (drive_en, county_en) = (each(&j.drive_fen, " + "), each(&j.county_fen, " + "));
    let (alike_zh, alike_en) = if j.same_amount {
        (
            "；两边有金额相同的补缴，没有票证号码可以区分，已按两笔计入，请对照收据核实",
            "; top-ups of the same amount on both sides, with no receipt number to tell them apart, are counted as \
             two: check them against the receipts",
        )
    } else {
        ("", "")
    };
    let en = format!(
        "{name} {id} ({year}): {before} paid before; {drive_en} topped up on this drive, {county_en} in the county: \
         {total} paid in all{alike_en}"
    );
    say(
        &format!(
            "    {name} {id}（{year} 年度）：原缴 {before} 元；本数据文件补缴 {drive_zh} 元，汇总数据库补缴 {county_zh} 元，\
             共缴 {total} 元{alike_zh} ({en})"
        ),
        &format!("    {en}"),
    );
}

/// One pupil of `FilePush::payments_withdrawn`: this file's payment, the county's, and how and when the county
/// took the payment back.
fn payment_withdrawn_line(p: &county::push::PaymentWithdrawn) {
    use crate::domain::student::PaymentStatus;
    let status = |code: &str, zh: bool| match PaymentStatus::from_code(code) {
        Some(s) if zh => s.label_zh().to_owned(),
        Some(s) => s.label_en().to_owned(),
        None => code.to_owned(),
    };
    let amount = p.drive_amount_fen.map(crate::domain::money::plain);
    let (zh_amount, en_amount) = match &amount {
        Some(a) => (format!(" {a} 元"), format!(" {a} yuan")),
        None => (String::new(), String::new()),
    };
    let (zh_by, en_by) = match p.taken_back_by.as_str() {
        "restore" => ("随恢复退回", "taken back by a restore"),
        _ => ("撤销", "undone"),
    };
    let (name, id, year, at) = (&p.name, &p.id_number, p.year, &p.taken_back_at);
    let en_line = format!(
        "{name} {id} ({year}): here {}{en_amount}, in the county {} ({en_by} at {at})",
        status(&p.drive_payment, false),
        status(&p.county_payment, false),
    );
    say(
        &format!(
            "    {name} {id}（{year} 年度）：本数据文件 {}{zh_amount}，汇总数据库 {}（{at} {zh_by}） ({en_line})",
            status(&p.drive_payment, true),
            status(&p.county_payment, true),
        ),
        &format!("    {en_line}"),
    );
}

/// One pupil a push found marked paid apart on the drive and in the county (`decide::PaidApart`): each side's
/// date and channel, as a merge's 「两台电脑各自登记了缴费」 line gives them. Nothing tells one payment keyed on
/// two laptops from a family that paid twice.
fn paid_apart_line(p: &county::push::PaidApart) {
    use crate::store::Field;
    let (zh, en) = (Text::for_language(Language::Zh), Text::for_language(Language::En));
    let value = |t: &Text, field: Field, v: &Option<String>| match v.as_deref().filter(|v| !v.is_empty()) {
        None => t.conflict_no_value.to_owned(),
        Some(v) => crate::tui::views::value_label(t, field.key(), v, 40),
    };
    let side = |t: &Text, on: &Option<String>, channel: &Option<String>| {
        format!("{} {}", value(t, Field::PaidChannel, channel), value(t, Field::PaidOn, on))
    };
    let amount = p.amount_fen.map(crate::domain::money::plain).unwrap_or_default();
    let (name, id, year) = (&p.name, &p.id_number, p.year);
    let en_line = format!(
        "{name} {id} ({year}): {amount} paid, here {} / in the county {}",
        side(en, &p.drive_paid_on, &p.drive_channel),
        side(en, &p.county_paid_on, &p.county_channel),
    );
    say(
        &format!(
            "    {name} {id}（{year} 年度）：缴费 {amount} 元，本数据文件 {} / 汇总数据库 {}：如重复收取请核实 ({en_line})",
            side(zh, &p.drive_paid_on, &p.drive_channel),
            side(zh, &p.county_paid_on, &p.county_channel),
        ),
        &format!("    {en_line}"),
    );
}
