//! The drive file itself: `backup`, `restore`, `encrypt`, `decrypt` and `merge`.

use std::path::Path;

use super::open::{
    READ_ONLY_REFUSED, Use, command, drive_path, hint_drive, lock_drive, new_drive, on_drive_it_may_make,
    open_writer_existing_or, record_reveal, warn_if_backup,
};
use super::output::{conflict_words, kept_and_lost, listed, merge_conflict_line, print_listed, shown_id, span};
use super::{Cli, CmdResult, UserError, passphrase, pick, say};
use crate::domain::money;
use crate::store::cipher::{self, FileKind};
use crate::store::{Store, StoreError};
use crate::words::{canbao_command, shell_path};

pub(super) fn backup(cli: &Cli, file: Option<&Path>) -> CmdResult {
    if cli.read_only {
        return backup_read_only(cli, file);
    }
    // Like any writer: the backup records itself in the drive and prunes the backups folder. A missing drive is
    // not made to be backed up.
    let (mut store, _lock) = open_writer_existing_or(cli, |by, since| backup_refused(cli, by, since))?;
    // Ctrl-C stops the copy, and the half copy is removed: no file is left under the backup's name.
    let work = super::interrupt::Work { name: ("备份", "backup"), kind: super::interrupt::Kind::Files, json: false };
    super::interrupt::watch_work(&mut store, work)?;
    let written = match file {
        // A folder (or a path written as one, `bk/`) gets the copy under the automatic backups' name.
        Some(f) if names_a_folder(f) => store.backup_into(f, crate::store::backup::MANUAL).map(Some),
        Some(f) => store.backup_to(f).map(Some),
        None => store.backup_now(crate::store::backup::MANUAL),
    };
    super::interrupt::work_done(&mut store)?;
    let written = written?;
    match written {
        Some(p) => say(&format!("已备份 (backed up): {}", p.display()), &format!("backed up: {}", p.display())),
        None => say("内存中的数据无需备份 (nothing to back up)", "nothing to back up"),
    }
    Ok(())
}

/// `--read-only backup FILE`: a copy of the drive as it is now (one snapshot, as a reader sees it, whoever holds
/// the drive), taken without writing to the drive, so neither recorded as its last backup nor pruning the
/// backups folder; the automatic backups' own folder and names are for copies the drive records.
fn backup_read_only(cli: &Cli, file: Option<&Path>) -> CmdResult {
    let Some(file) = file else {
        let again = command(cli, "--read-only backup 文件.db");
        let again_en = command(cli, "--read-only backup FILE.db");
        return Err(UserError::picked(
                &format!(
                    "只读打开时要给出备份到的文件或文件夹，例如 {again}：只读的备份不记入数据文件，也不放进自动备份的文件夹 \
                     (read-only: name the file or folder to back up to, e.g. {again_en}; a read-only backup is not \
                     recorded in the drive nor put among the automatic backups)"
                ),
                &format!(
                    "read-only: name the file or folder to back up to, e.g. {again_en}; a read-only backup is not \
                     recorded in the drive nor put among the automatic backups"
                ),
        ).kind("backup_file_needed"));
    };
    let mut store = super::open::open_existing(cli)?;
    let work = super::interrupt::Work { name: ("备份", "backup"), kind: super::interrupt::Kind::Files, json: false };
    super::interrupt::watch_work(&mut store, work)?;
    let written = match names_a_folder(file) {
        true => store.backup_into(file, crate::store::backup::MANUAL),
        false => store.backup_to(file),
    };
    super::interrupt::work_done(&mut store)?;
    let written = written?;
    let p = written.display();
    say(
        &format!("已备份（只读打开，未记入数据文件）(backed up, read-only: not recorded in the drive): {p}"),
        &format!("backed up (read-only: not recorded in the drive): {p}"),
    );
    Ok(())
}

/// `backup` while another canbao holds the drive: which one, from the lock text (the operator, since when, its
/// process, and for a canbao window its terminal), and what to do: in a window, its own 「立即备份」 from the
/// palette, or quit it and run the command again; a command, wait for it to end.
fn backup_refused(cli: &Cli, by: &str, since: &str) -> UserError {
    use crate::tui::keymap::{Context, Keymap};
    let holder = crate::store::lock::holder(&drive_path(cli));
    let pid = holder.as_ref().and_then(|h| h.pid);
    let again = command(cli, "backup");
    let Some(terminal) = holder.and_then(|h| h.window) else {
        let (pid_zh, pid_en) = pid.map_or_else(Default::default, |p| (format!("，进程 {p}"), format!(", process {p}")));
        let en = format!(
            "the drive is in use by {by} since {since}{pid_en}: a backup cannot be taken while another canbao \
             writes to it; wait for that command to end and run {again} again"
        );
        let zh = format!(
            "数据文件正被 {by} 使用（自 {since} 起{pid_zh}），有另一处在写入时不能备份：请等那个命令结束后再运行 {again}"
        );
        return UserError::picked(&format!("{zh} ({en})"), &en).kind("drive_in_use");
    };
    let keys = Keymap::load(super::config_dir().as_deref()).unwrap_or_else(|_| Keymap::builtin());
    let key = |action: &str| keys.keys_for(Context::Roster, action).first().map_or_else(String::new, |k| k.to_string());
    let (palette, quit) = (key("palette"), key("quit"));
    let mut where_zh = Vec::new();
    let mut where_en = Vec::new();
    if !terminal.is_empty() {
        where_zh.push(format!("终端 {terminal}"));
        where_en.push(format!("terminal {terminal}"));
    }
    if let Some(p) = pid {
        where_zh.push(format!("进程 {p}"));
        where_en.push(format!("process {p}"));
    }
    let (where_zh, where_en) = (where_zh.join("，"), where_en.join(", "));
    let (where_zh, where_en) = if where_zh.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("，{where_zh}"), format!(", {where_en}"))
    };
    let en = format!(
        "the drive is open in {by}'s canbao window since {since}{where_en}, and a backup cannot be taken while another \
         canbao writes to it: back it up in that window (press {palette} for the palette and choose Back up now), or \
         quit that window ({quit}) and run {again} again"
    );
    let zh = format!(
        "数据文件正在 {by} 的 canbao 窗口中打开（自 {since} 起{where_zh}），有另一处在写入时不能备份：请在那个窗口里备份\
         （按 {palette} 打开命令面板，选「立即备份」），或退出那个窗口（{quit}）后再运行 {again}"
    );
    UserError::picked(&format!("{zh} ({en})"), &en).kind("drive_in_use")
}

/// An existing folder, or a path ending in a separator.
fn names_a_folder(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR)
}

/// `(force, dry_run)`: restore even a file unlike this drive's backups; only say what the restore would take back.
pub(super) fn restore(cli: &Cli, file: &Path, (force, dry_run): (bool, bool), json: bool) -> CmdResult {
    if dry_run {
        return restore_preview(cli, file, force, json);
    }
    if cli.read_only {
        return Err(UserError::new(READ_ONLY_REFUSED.into()).kind("read_only"));
    }
    refuse_special_file(file)?;
    let path = drive_path(cli);
    // A restore may start a new drive (a backup taken to a new laptop): never in a folder that is not there
    // (a typo), said when it does, and leaving nothing behind when it fails.
    let new = new_drive(cli)?;
    let lock = lock_drive(cli)?;
    let opened = passphrase::for_drive(&path).and_then(|key| {
        // A damaged drive is what a restore is for: it is kept aside under a name that says so, and the backup goes
        // in its place, where opening it first refused the one road back.
        let (mut store, aside) = Store::open_for_restore(&path, key.as_ref())?;
        if let Some(aside) = &aside {
            tell(
                json,
                &format!("损坏的数据文件已改名保留 (the damaged drive was kept aside): {}", aside.display()),
                &format!("the damaged drive was kept aside: {}", aside.display()),
            );
        }
        // Who restored is recorded (`restored_by`): this laptop's operator, never the name typed on another.
        super::open::as_operator(cli, &mut store, true)?;
        Ok((store, aside))
    });
    let (mut store, aside) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            if let Some(new) = new {
                new.remove_if_unused(None, Some(lock));
            }
            return Err(e);
        }
    };
    store.name_in_commands(hint_drive(cli));
    let result = restore_into(cli, &mut store, file, Restoring { force, json, aside });
    super::open::NewDrive::settle(new, result, store, Some(lock))
}

/// `restore --dry-run`: the drive read as it is (nothing locked, set aside or made), the backup described, and the
/// changes the restore would take back said and listed, ending as the restore would: refused, without --force, for
/// a file unlike this drive's backups.
fn restore_preview(cli: &Cli, file: &Path, force: bool, json: bool) -> CmdResult {
    refuse_special_file(file)?;
    let store = super::open::open_existing(cli)?;
    let facts = backup_to_restore(cli, &store, file, force)?;
    tell(json, "试运行，未修改数据 (dry run: nothing changed)", "dry run: nothing changed");
    say_taken_back(&store, &facts, json)?;
    if json {
        return super::output::print_json(&RestoreReport {
            restored_from: file.display().to_string(),
            changes_undone: facts.changes_undone,
            safety_backup: None,
            damaged_kept_aside: None,
        });
    }
    Ok(())
}

/// The backup a restore (or its dry run) would go back to, described. What the TUI asks about before Yes, the
/// command line refuses without --force: another school's drive, or another laptop's (which wants a merge), typed
/// where a backup was meant; a file that is no drive is named for what it is.
fn backup_to_restore(
    cli: &Cli,
    store: &Store,
    file: &Path,
    force: bool,
) -> Result<crate::store::backup::BackupFacts, UserError> {
    let facts = store
        .describe_backup(file)
        .map_err(|e| crate::io::drive_or_list::named_other_file_error(e, file, crate::store::OtherFileUse::Restore))?;
    if !facts.looks_ours && !force {
        return Err(UserError::new(not_a_backup_of_this_drive(file, &facts, hint_drive(cli).as_deref()))
            .kind("not_a_backup_of_this_drive"));
    }
    Ok(facts)
}

/// How many changes a restore takes back, by kind, and the first of them listed (when, who, what, whose), the
/// rest counted: 「将撤销 240 项更改」 alone does not say whether it is the last mark or the whole morning's work.
fn say_taken_back(store: &Store, facts: &crate::store::backup::BackupFacts, json: bool) -> CmdResult {
    const LISTED: usize = 20;
    let (Some(n), Some(after)) = (facts.changes_undone, facts.kept_up_to) else { return Ok(()) };
    let changes = crate::words::counted(n.max(0) as usize, "change", "changes");
    if n <= 0 {
        tell(
            json,
            "不会撤销任何更改（备份之后没有修改） (this takes back no change: nothing was changed since the backup)",
            "this takes back no change: nothing was changed since the backup",
        );
        return Ok(());
    }
    let taken = store.changes_taken_back(after, LISTED)?;
    let (kinds_zh, kinds_en) = crate::words::restore::by_kind(&taken);
    tell(
        json,
        &format!(
            "将撤销 {n} 项更改（备份之后所做的修改）：{kinds_zh} (this takes back {changes} made since the backup: {kinds_en})"
        ),
        &format!("this takes back {changes} made since the backup: {kinds_en}"),
    );
    for c in crate::words::restore::listed(&taken, store.display_offset()) {
        let (at, who) = (&c.at, &c.who);
        tell(json, &format!("  {at} {who} {} ({})", c.what_zh, c.what_en), &format!("  {at} {who} {}", c.what_en));
    }
    let rest = n - taken.first.len() as i64;
    if rest > 0 {
        tell(json, &format!("  …另有 {rest} 项未列出 (and {rest} more)"), &format!("  … and {rest} more"));
    }
    Ok(())
}

/// A pipe or a device given as a drive file to read, refused before the drive is locked: opening it could wait
/// for ever, holding the lock, with no window to close (as the import refuses it).
fn refuse_special_file(file: &Path) -> Result<(), UserError> {
    if crate::store::special_file(file) {
        return Err(StoreError::NotRegular { path: file.display().to_string() }.into());
    }
    Ok(())
}

/// A line of `restore`'s: on standard output, or under `--json` on standard error, where the answer is the JSON.
fn tell(json: bool, bilingual: &str, en: &str) {
    match json {
        true => eprintln!("{}", pick(bilingual, en)),
        false => say(bilingual, en),
    }
}

/// How `restore` was asked, and the damaged drive it kept aside on the way in.
struct Restoring {
    force: bool,
    json: bool,
    aside: Option<std::path::PathBuf>,
}

/// What `restore --json` answers: the backup restored, how many changes of the drive it took back (those made since
/// the backup; `null` where the backup is no earlier state of this drive), the backup of the data it replaced, and
/// the damaged drive kept aside.
#[derive(serde::Serialize)]
struct RestoreReport {
    restored_from: String,
    changes_undone: Option<i64>,
    safety_backup: Option<String>,
    damaged_kept_aside: Option<String>,
}

/// `restore` once the drive is open.
fn restore_into(cli: &Cli, store: &mut Store, file: &Path, asked: Restoring) -> CmdResult {
    let Restoring { force, json, aside } = asked;
    warn_if_backup(cli, &drive_path(cli), Use::Write);
    let facts = backup_to_restore(cli, store, file, force)?;
    // A restore is not stopped half way (its steps would leave the drive half restored): a signal is noted and
    // said once it is done, where it used to end the process wherever the restore was.
    let work = super::interrupt::Work { name: ("恢复", "restore"), kind: super::interrupt::Kind::ToTheEnd, json };
    super::interrupt::watch_work(store, work)?;
    // What it takes back, counted before and after, as the screen asks it: 「恢复」 alone does not say whether it is
    // the last mark or the whole morning's work.
    let undone = facts.changes_undone;
    say_taken_back(store, &facts, json)?;
    let safety = store.restore_from(file)?;
    if let Some(s) = &safety {
        tell(
            json,
            &format!("恢复前的数据已备份 (the previous data was backed up): {}", s.display()),
            &format!("the previous data was backed up: {}", s.display()),
        );
        // A forced restore put another drive in place: taking the data back needs --force too.
        if !facts.looks_ours {
            let undo = command(cli, &format!("restore --force {}", shell_path(s)));
            tell(
                json,
                &format!("如需撤销这次恢复 (to undo this restore)：{undo}"),
                &format!("to undo this restore: {undo}"),
            );
        }
    }
    let f = file.display();
    match undone {
        Some(n) => {
            let changes = crate::words::counted(n.max(0) as usize, "change", "changes");
            tell(
                json,
                &format!("已从 {f} 恢复，撤销了 {n} 项更改 (restored from {f}, taking back {changes})"),
                &format!("restored from {f}, taking back {changes}"),
            )
        }
        None => tell(json, &format!("已从 {f} 恢复 (restored)"), &format!("restored from {f}")),
    }
    if json {
        let shown = |p: &Path| p.display().to_string();
        return super::output::print_json(&RestoreReport {
            restored_from: shown(file),
            changes_undone: undone,
            safety_backup: safety.as_deref().map(shown),
            damaged_kept_aside: aside.as_deref().map(shown),
        });
    }
    Ok(())
}

/// The refusal of a restore from a file that does not look like a backup of this drive: what sets it apart,
/// the facts the TUI's question gives, and the ways on (merge only where the file has marks the drive lacks
/// that a merge would bring in). `drive`: how the commands it offers name the drive ([`hint_drive`]).
fn not_a_backup_of_this_drive(file: &Path, facts: &crate::store::backup::BackupFacts, drive: Option<&Path>) -> String {
    use crate::store::backup::Difference;
    let f = file.display();
    let arg = shell_path(file);
    let (merge, restore) =
        (canbao_command(drive, &format!("merge {arg}")), canbao_command(drive, &format!("restore --force {arg}")));
    let schools = if facts.schools.is_empty() { "—".to_owned() } else { facts.schools.join(pick("、", ", ")) };
    let (taken, pupils, now) = (&facts.taken, facts.pupils, facts.current_pupils);
    let difference = facts.differs.unwrap_or(Difference::Unconnected);
    let (why_zh, why_en) = difference_words(difference);
    // Named as this drive's backups are, another drive's history is this drive file's own only as the backup a
    // forced restore took of the data it replaced (`-restore`): every laptop's backups are named canbao-… (the
    // default drive), and another laptop's, of the same school, wants the merge that keeps both sides.
    let own_file = facts.named_ours
        && (difference == Difference::School
            || file.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-restore.db")));
    let (merge_zh, merge_en) = match difference {
        // canbao's own backup of this drive file (the one a forced restore took of the data it replaced):
        // taking it back is undoing that restore, and a merge would mix two schools' pupils into one drive.
        Difference::School | Difference::Unconnected if own_file => (
            "\n这是本数据文件自己的备份（例如用 --force 恢复前自动备份的那份）：要撤销那次恢复，加 --force。"
                .to_owned(),
            "\nIt is a backup canbao took of this drive file (such as the one taken before a forced restore): to undo \
             that restore, add --force."
                .to_owned(),
        ),
        Difference::School | Difference::Unconnected => (
            format!("\n如果这是另一台电脑的数据文件，要把两边的登记合在一起，请用：{merge}"),
            format!("\nIf it is another laptop's drive, bring its marks in instead: {merge}"),
        ),
        Difference::Diverged => (
            format!("\n要把两边的修改合在一起（另一台电脑上的这份数据），请用：{merge}"),
            format!("\nTo keep the changes of both (this drive's copy on another laptop), merge it: {merge}"),
        ),
        Difference::Empty => (String::new(), String::new()),
    };
    let merge_hint = if merge_zh.is_empty() || own_file { "" } else { "; to bring in its marks use merge" };
    let zh = format!(
        "这不像本数据文件的备份（{why_zh}），未做任何修改：{f}\n\
         备份时间 {taken}；学校：{schools}；{pupils} 人（当前数据 {now} 人）。\n\
         确要用它替换当前数据，请加 --force 重新运行：{restore}{merge_zh}\n\
         (this does not look like a backup of this drive ({why_en}): nothing changed; \
         to replace the data with it anyway add --force{merge_hint})"
    );
    let en = format!(
        "this does not look like a backup of this drive ({why_en}): nothing changed: {f}\n\
         Taken {taken}; schools: {schools}; {} (the current data has {now}).\n\
         To replace the data with it anyway, run again with --force: {restore}{merge_en}",
        crate::words::counted(pupils as usize, "pupil", "pupils")
    );
    pick(&zh, &en).to_owned()
}

/// What sets a file apart from this drive's backups, in Chinese and in English.
fn difference_words(difference: crate::store::backup::Difference) -> (&'static str, &'static str) {
    use crate::store::backup::Difference;
    match difference {
        Difference::School => ("它的学校与本数据文件的不同", "its school is not this drive's"),
        Difference::Diverged => (
            "它与本数据文件出自同一份数据，但两边各有对方没有的修改",
            "it began as this drive, but each has changes the other lacks",
        ),
        Difference::Unconnected => ("它的修改记录与本数据文件不相连", "its history is not connected to this drive's"),
        Difference::Empty => ("它是空的：没有学生，也没有修改记录", "it is empty: no pupils and no changes"),
    }
}

/// `(dry_run, other_school, no_common_history, accept_clock)`: a preview; whether another school's file of no
/// common history may be merged; whether a file of no common history may; whether clocks found wrong may be.
pub(super) fn merge(
    cli: &Cli,
    other: &Path,
    (dry_run, other_school, no_common_history, accept_clock): (bool, bool, bool, bool),
    reveal: bool,
    json: bool,
) -> CmdResult {
    refuse_special_file(other)?;
    on_drive_it_may_make(cli, dry_run && !reveal, |store| {
        if reveal {
            record_reveal(cli, store, "merge", &[])?;
        }
        // A payment the merge brings dated where no payment for the drive's year can be is kept, as the other
        // laptop recorded it, and listed (as `check` lists it), by the preview as by the merge.
        let policy = super::paperwork::drive_policy(store).unwrap_or(None);
        let year = store.current_year();
        let mut outside = Vec::new();
        let mut judge = |pupils: &[crate::domain::student::Student]| {
            outside.extend(crate::domain::roster_check::payments_outside_year(pupils, policy.as_ref(), year));
        };
        let today = store.today();
        // Ctrl-C stops the merge's statements and its one transaction rolls back, said as such.
        let kind = if dry_run { super::interrupt::Kind::Preview } else { super::interrupt::Kind::Drive };
        super::interrupt::watch_work(store, super::interrupt::Work { name: ("合并", "merge"), kind, json })?;
        let merged =
            store.merge_from_judged(other, (dry_run, other_school, no_common_history, accept_clock), Some(&mut judge));
        super::interrupt::work_done(store)?;
        let report = merged
            .map_err(|e| crate::io::drive_or_list::named_other_file_error(e, other, crate::store::OtherFileUse::Merge))
            .map_err(|e| crate::io::year_policy::merge_later_year_advice(e, policy.as_ref(), today, false))
            .map_err(|e| clock_refused(e, true))?;
        if json {
            // The report's ID fields are shown (masked unless revealed) as it is turned into JSON.
            #[derive(serde::Serialize)]
            struct MergeJson<'a> {
                #[serde(flatten)]
                report: &'a crate::store::merge::MergeReport,
                payments_outside_year: &'a [crate::domain::roster_check::PaymentOutsideYear],
            }
            super::output::print_json_ids(&MergeJson { report: &report, payments_outside_year: &outside }, reveal)?;
        } else {
            print_merge_report(&report, reveal, (other_school, no_common_history));
            print_payments_outside_year(&outside, reveal, dry_run);
        }
        // The preview foretells the merge: another school's file of no common history, which the merge refuses
        // without --other-school, ends the preview as the merge ends, with its refusal and exit status.
        if dry_run && !other_school && !report.other_schools.is_empty() && !report.shared_history {
            let command = store.command(&format!("merge --other-school {}", crate::words::shell_path(other)));
            return Err(crate::store::StoreError::MergeOtherSchool {
                path: other.display().to_string(),
                schools: report.other_schools.join("、"),
                command,
            }
            .into());
        }
        // So does a file of no common history, which the merge refuses without --no-common-history.
        if dry_run && !other_school && !no_common_history && crate::store::merge::refused_unrelated(&report) {
            let command = store.command(&format!("merge --no-common-history {}", crate::words::shell_path(other)));
            return Err(
                crate::store::StoreError::MergeNoCommonHistory { path: other.display().to_string(), command }.into()
            );
        }
        // A clock found wrong ends the preview as it ends the merge: refused, the times said in the report above.
        if dry_run && !accept_clock && (report.their_clock_ahead.is_some() || report.our_clock_behind.is_some()) {
            let command = store.command(&format!("merge --accept-clock {}", crate::words::shell_path(other)));
            let refused = crate::store::StoreError::MergeClock {
                their_clock_ahead: report.their_clock_ahead.map(Box::new),
                our_clock_behind: report.our_clock_behind.map(Box::new),
                command,
            };
            return Err(clock_refused(refused, false));
        }
        Ok(())
    })
}

/// A merge refused for a wrong clock (`StoreError::MergeClock`), with both times when no report said them
/// (`with_times`); any other error as it is.
fn clock_refused(e: crate::store::StoreError, with_times: bool) -> UserError {
    use crate::tui::text::{Text, conflict};
    let crate::store::StoreError::MergeClock { their_clock_ahead, our_clock_behind, command } = &e else {
        return e.into();
    };
    let (zh, en) = (Text::for_language(crate::tui::Language::Zh), Text::for_language(crate::tui::Language::En));
    let (ahead, behind) = (their_clock_ahead.as_deref(), our_clock_behind.as_deref());
    let (mut both, mut english) = (Vec::new(), Vec::new());
    if with_times {
        let en_lines = conflict::clock_lines(en, ahead, behind);
        both.extend(
            conflict::clock_lines(zh, ahead, behind).into_iter().zip(&en_lines).map(|(z, e)| format!("{z} ({e})")),
        );
        english.extend(en_lines);
    }
    both.push(e.to_string());
    english.push(format!(
        "the two laptops' clocks disagree: a merge goes by when changes were made, and a wrong clock would make the \
         wrong side win; nothing changed. Check and set both laptops' date and time first; to merge anyway once \
         checked, run again with --accept-clock: {command}"
    ));
    UserError::picked(&both.join("\n"), &english.join("\n")).kind("merge_clock")
}

/// The merge's payments dated outside the insured year, one line each: kept as merged (a preview: would be), for
/// the operator to check.
fn print_payments_outside_year(
    outside: &[crate::domain::roster_check::PaymentOutsideYear],
    reveal: bool,
    dry_run: bool,
) {
    if outside.is_empty() {
        return;
    }
    let n = outside.len();
    let (brings, kept, brings_en, kept_en) = if dry_run {
        ("合并会带来的", "合并时会按对方的记录保留", "the merge would bring", "would be kept")
    } else {
        ("合并带来的", "已按对方的记录保留", "brought by the merge", "kept")
    };
    let en = format!(
        "{} {brings_en} dated outside the insured year: {kept_en} as the other laptop recorded them, a payment for \
         another year does not pay for this one; canbao check lists them until corrected",
        crate::words::counted(n, "payment", "payments")
    );
    say(
        &format!(
            "{brings}缴费中有 {n} 笔缴费日期不属于本年度：{kept}，往年的缴费不能算本年度已缴费，请核实；canbao check 会列出，直到更正 ({en})"
        ),
        &en,
    );
    for o in outside {
        let p = &o.pupil;
        let line = format!("  {}\t{}\t{}", p.name, super::output::shown_id(&p.id_number, reveal), o.why);
        let line_en = format!("  {}\t{}\t{}", p.name, super::output::shown_id(&p.id_number, reveal), o.why_en);
        say(&format!("{line} ({})", o.why_en), &line_en);
    }
}

/// `encrypt` (`to_encrypted`) or `decrypt`: writes the converted copy beside the drive, checks it, and
/// renames it over the drive after a backup; with `--out` only the copy is written.
pub(super) fn convert(cli: &Cli, out: Option<&Path>, to_encrypted: bool) -> CmdResult {
    if !cipher::SUPPORTED {
        return Err(StoreError::NoEncryption.into());
    }
    if cli.read_only && out.is_none() {
        return Err(UserError::new(READ_ONLY_REFUSED.into()).kind("read_only"));
    }
    let path = drive_path(cli);
    if !path.exists() {
        return Err(UserError::new(format!("数据文件不存在：{0} (no such drive file: {0})", path.display()))
            .kind("drive_missing"));
    }
    let _lock = lock_drive(cli)?;
    let plain = cipher::file_kind(&path) == FileKind::Plain;
    let (mut store, new_key) = if to_encrypted {
        if !plain {
            return Err(UserError::new(format!(
                "数据文件已经加密，或不是 canbao 数据文件：{0} (already encrypted, or not a canbao file: {0})",
                path.display()
            ))
            .kind("already_encrypted"));
        }
        (Store::open(&path)?, Some(passphrase::new_one()?))
    } else {
        if plain {
            return Err(UserError::new(format!(
                "数据文件没有加密：{0} (the file is not encrypted: {0})",
                path.display()
            ))
            .kind("not_encrypted"));
        }
        (Store::open_keyed(&path, passphrase::for_drive(&path)?.as_ref())?, None)
    };
    // With --out the drive is only read: the copy is written elsewhere.
    warn_if_backup(cli, &path, if out.is_some() { Use::Read } else { Use::Write });
    if let Some(out) = out {
        store.export_to(out, new_key.as_ref())?;
        let done = match to_encrypted {
            true => pick("已写出加密副本 (encrypted copy written)", "encrypted copy written"),
            false => pick("已写出不加密的副本 (plain copy written)", "plain copy written"),
        };
        println!("{done}: {}", out.display());
        return Ok(());
    }
    let safety = store.backup_now(if to_encrypted { "encrypt" } else { "decrypt" })?;
    let staging = cipher::staging_path(&path);
    // A leftover of a killed run, if it is a plain file: a link there is not canbao's (export_to refuses it).
    crate::private_file::remove_if_plain_file(&staging);
    if let Err(e) = store.export_to(&staging, new_key.as_ref()) {
        let _ = std::fs::remove_file(&staging);
        return Err(e.into());
    }
    drop(store);
    // The last connection's close folds the WAL back into the file and deletes it. A WAL still there means
    // another canbao has the file open read-only; its WAL would be replayed onto the new file, so stop.
    let wal = path.with_file_name(format!("{}-wal", path.file_name().unwrap_or_default().to_string_lossy()));
    if wal.exists() {
        let _ = std::fs::remove_file(&staging);
        return Err(UserError::new(format!(
            "数据文件正被另一个程序打开（{0} 仍在），请关闭后重试；未做任何修改 \
             (the file is open elsewhere, {0} is still there: close it and try again; nothing changed)",
            wal.display()
        ))
        .kind("drive_in_use"));
    }
    cipher::replace_drive(&path, &staging)?;
    if let Some(s) = safety {
        let label = pick("转换前的数据已备份 (the previous data was backed up)", "the previous data was backed up");
        println!("{label}: {}", s.display());
    }
    if to_encrypted {
        println!("{}: {}", pick("已加密 (encrypted)", "encrypted"), path.display());
        say(
            "注意：backups 文件夹中加密之前的备份没有加密，请妥善保管或删除 \
             (note: backups taken before now are not encrypted: keep them safe or delete them)",
            "note: backups taken before now are not encrypted: keep them safe or delete them",
        );
        say(
            "口令丢失将无法恢复数据 (a lost passphrase cannot be recovered, and neither can the data)",
            "a lost passphrase cannot be recovered, and neither can the data",
        );
    } else {
        println!("{}: {}", pick("已解密 (decrypted)", "decrypted"), path.display());
    }
    Ok(())
}

/// `confirmed`: `(other_school, no_common_history)` as given, which a preview says the merge goes ahead with.
fn print_merge_report(r: &crate::store::merge::MergeReport, reveal: bool, confirmed: (bool, bool)) {
    use crate::tui::text::{Text, conflict};
    let (zh, en) = (Text::for_language(crate::tui::Language::Zh), Text::for_language(crate::tui::Language::En));
    if r.dry_run {
        say("试运行，未修改数据 (dry run: nothing changed)", "dry run: nothing changed");
    }
    for (z, e) in conflict::merge_warnings(zh, r).into_iter().zip(conflict::merge_warnings(en, r)) {
        say(&format!("{z} ({e})"), &e);
    }
    // A preview given the flag the merge wants says what the merge will do with it, not that it is wanted.
    let (other_school, no_common_history) = confirmed;
    if r.dry_run && !r.other_schools.is_empty() && !r.shared_history {
        if other_school {
            say(
                "已加 --other-school：实际合并时会照上面所列并入这所学校的数据 \
                 (--other-school is given: the merge itself takes this school's data in, as listed above)",
                "--other-school is given: the merge itself takes this school's data in, as listed above",
            );
        } else {
            say("合并时须加 --other-school 确认 (merging it takes --other-school)", "merging it takes --other-school");
        }
    } else if r.dry_run && crate::store::merge::refused_unrelated(r) {
        if other_school || no_common_history {
            let flag = if no_common_history { "--no-common-history" } else { "--other-school" };
            say(
                &format!(
                    "已加 {flag}：实际合并时会照上面所列并入这个没有共同修改记录的数据文件 \
                     ({flag} is given: the merge itself takes this file of no common history in, as listed above)"
                ),
                &format!("{flag} is given: the merge itself takes this file of no common history in, as listed above"),
            );
        } else {
            say(
                "合并时须加 --no-common-history 确认 (merging it takes --no-common-history)",
                "merging it takes --no-common-history",
            );
        }
    }
    let conflicts = r.conflict_count();
    let (added, updated, unchanged, copied) = (r.added, r.updated, r.unchanged, r.audit_rows_copied);
    say(
        &format!(
            "新增 {added}，更新 {updated}，未变 {unchanged}，冲突 {conflicts}，复制修改记录 {copied} 条 \
             (added, updated, unchanged, conflicts, audit rows copied)"
        ),
        &format!(
            "added {added}, updated {updated}, unchanged {unchanged}, conflicts {conflicts}, audit rows copied {copied}"
        ),
    );
    if let (Some(z), Some(e)) = (conflict::restore_differs_line(zh, r), conflict::restore_differs_line(en, r)) {
        say(&format!("{z} ({e})"), &e);
    }
    if let (Some(z), Some(e)) = (conflict::payments_kept_line(zh, r), conflict::payments_kept_line(en, r)) {
        say(&format!("{z} ({e})"), &e);
    }
    let id = |n: &str| shown_id(n, reveal);
    let (closed_zh, closed_en) = (conflict::closed_year_lines(zh, r, &id), conflict::closed_year_lines(en, r, &id));
    // A class change's words, which a pupil's line says in English too.
    let class_words = en.merge_into_closed_year_class.split("{}").next().unwrap_or_default();
    for (z, e) in closed_zh.into_iter().zip(closed_en) {
        // A pupil's line is said once: its name and number are the same in both languages, and so are the fields'
        // names to an operator who reads the rest; a class it moved is said in both.
        let z = match e.split_once("): ").filter(|(_, changes)| changes.contains(class_words)) {
            Some((_, changes)) if z.starts_with("  ") => format!("{z} ({changes})"),
            _ if z.starts_with("  ") => z,
            _ => format!("{z} ({e})"),
        };
        say(&z, &e);
    }
    for (z, e) in conflict::taken_back_lines(zh, r, &id).into_iter().zip(conflict::taken_back_lines(en, r, &id)) {
        say(&format!("  {z} ({e})"), &format!("  {e}"));
    }
    // Two amounts of one second are said apart from those the newer change decided.
    let one_second = |c: &crate::store::merge::Conflict| crate::store::instant::cmp(&c.kept_at, &c.lost_at).is_eq();
    let lines = listed(&r.conflicts, |c| {
        (
            c.field.as_str(),
            c.kept.as_deref(),
            c.lost.as_deref(),
            c.payment_kept.as_deref(),
            one_second(c),
            c.tax_record_lost,
            c.tax_record_kept,
            c.kept_undone,
        )
    });
    let pupil = |c: &crate::store::merge::Conflict| {
        let (zh, en) = merge_conflict_line(c, &shown_id(&c.id_number, reveal));
        say(&format!("  {zh}"), &format!("  {en}"));
    };
    let (zh_text, en_text) = (zh, en);
    let group = |g: &[&crate::store::merge::Conflict]| {
        let Some(c) = g.first() else { return };
        let (field, kept, lost) = conflict_words(&c.field, None, c.kept.as_deref(), c.lost.as_deref());
        // Who made each side's changes, as a single pupil's line names them: the people of both laptops to ask.
        let by = |at: String, who: &dyn Fn(&crate::store::merge::Conflict) -> &str| {
            let mut named: Vec<&str> = Vec::new();
            for name in g.iter().map(|c| who(c).trim()).filter(|n| !n.is_empty()) {
                if !named.contains(&name) {
                    named.push(name);
                }
            }
            let [z, e] = [(zh_text, "、"), (en_text, " and ")]
                .map(|(t, and)| conflict::by_operator(t, at.clone(), &named.join(and)));
            pick(&z, &e).to_owned()
        };
        let (kept_at, lost_at) = (
            by(span(g.iter().map(|c| c.kept_at.as_str())), &|c| c.kept_by.as_str()),
            by(span(g.iter().map(|c| c.lost_at.as_str())), &|c| c.lost_by.as_str()),
        );
        let kept_at = if c.kept_undone {
            let [z, e] = [zh_text, en_text].map(|t| conflict::undone_at(t, kept_at.clone(), true));
            pick(&z, &e).to_owned()
        } else {
            kept_at
        };
        let n = g.len();
        let how = conflict::How::of(&c.field, c.kept.as_deref(), c.lost.as_deref(), c.payment_kept.as_deref());
        let (zh, en) = kept_and_lost((&kept, &kept_at), (&lost, &lost_at), how.at(&c.kept_at, &c.lost_at));
        let pupils = crate::words::counted(n, "pupil", "pupils");
        let (zh, en) = (format!("「{field}」：{zh}（{n} 名学生）"), format!("“{field}” of {pupils}: {en}"));
        let (zh, en) = match (c.tax_record_lost, c.tax_record_kept) {
            (true, _) => (
                crate::words::fill(zh_text.merge_tax_record_lost, &[&zh]),
                crate::words::fill(en_text.merge_tax_record_lost, &[&en]),
            ),
            (false, true) => (
                crate::words::fill(zh_text.merge_tax_record_kept, &[&zh]),
                crate::words::fill(en_text.merge_tax_record_kept, &[&en]),
            ),
            (false, false) => (zh, en),
        };
        say(&format!("  {zh} ({pupils})"), &format!("  {en}"));
    };
    print_listed(&lines, pupil, group);
    let (joined_zh, joined_en) =
        (conflict::top_ups_joined_lines(zh, r, &id), conflict::top_ups_joined_lines(en, r, &id));
    for (z, e) in joined_zh.into_iter().zip(joined_en) {
        say(&format!("  {z} ({e})"), &format!("  {e}"));
    }
    for c in &r.decided_there {
        let id = shown_id(&c.id_number, reveal);
        let (z, e) = (conflict::decided_there_line(zh, c, &id), conflict::decided_there_line(en, c, &id));
        say(&format!("  {z}"), &format!("  {e}"));
    }
    for n in &r.taken_numbers {
        let (id, kept) = (shown_id(&n.id_number, reveal), shown_id(&n.kept, reveal));
        let (z, e) = (conflict::number_taken_line(zh, n, &id, &kept), conflict::number_taken_line(en, n, &id, &kept));
        say(&format!("  {z} ({e})"), &format!("  {e}"));
    }
    for (z, e) in conflict::merge_policy_lines(zh, r).into_iter().zip(conflict::merge_policy_lines(en, r)) {
        say(&format!("{z} ({e})"), &e);
    }
    if r.receipts_copied > 0 {
        let n = r.receipts_copied;
        say(
            &format!("复制对账记录的票证号码 {n} 条 (receipt numbers of reconciliations copied)"),
            &format!("{n} receipt numbers of reconciliations copied"),
        );
    }
    for c in &r.receipt_conflicts {
        let id = shown_id(&c.id_number, reveal);
        let (receipt, ours, theirs) = (&c.receipt, money::plain(c.ours_fen), money::plain(c.theirs_fen));
        say(
            &format!(
                "  {} {id}：票证号码 {receipt} 本机记为 {ours} 元，对方为 {theirs} 元：保留本机的，请向税务核实 \
                 (one receipt number at two amounts: ours kept, to check)",
                c.name
            ),
            &format!(
                "  {} {id}: receipt {receipt} is recorded here at {ours} yuan, there at {theirs}: ours kept; check \
                 with the tax office",
                c.name
            ),
        );
    }
    if !r.ambiguous.is_empty() {
        let n = r.ambiguous.len();
        say(
            &format!(
                "无法确定对应哪位学生，已作为新学生加入，请核对 {n} 人 (matches more than one pupil: added as new, check them)"
            ),
            &format!(
                "{} more than one pupil: added as new, check them",
                if n == 1 { "1 pupil matches".to_owned() } else { format!("{n} pupils match") }
            ),
        );
    }
    for a in &r.ambiguous {
        let id = shown_id(&a.id_number, reveal);
        let (ours, theirs) = (a.ours, a.theirs);
        say(
            &format!(
                "  {} {} {} 身份证号“{id}”：本机 {ours} 人、对方 {theirs} 人符合 (ours {ours}, theirs {theirs})",
                a.school, a.class, a.name
            ),
            &format!("  {} {} {} ID “{id}”: matches {ours} here, {theirs} there", a.school, a.class, a.name),
        );
    }
    if !r.alike_numbers.is_empty() {
        let n = r.alike_numbers.len();
        let pupils = crate::words::counted(n, "pupil", "pupils");
        say(
            &format!(
                "{n} 名学生在一方的身份证号码被表格四舍五入或有误，已按姓名（和班级）与另一方的完整号码对应为同一学生 \
                 ({pupils} held with a rounded or wrong ID number on one side were paired by name (and class) with \
                 the whole number on the other)"
            ),
            &format!(
                "{pupils} held with a rounded or wrong ID number on one side were paired by name (and class) with \
                 the whole number on the other"
            ),
        );
    }
    for n in &r.named_apart {
        let id = shown_id(&n.id_number, reveal);
        let line = |t: &Text| {
            crate::tui::text::fill(t.merge_named_apart, &[&id, &n.ours, &n.our_class, &n.theirs, &n.their_class])
        };
        say(&format!("{} ({})", line(zh), line(en)), &line(en));
    }
    for a in &r.alike_numbers {
        let (id, flagged) = (shown_id(&a.id_number, reveal), shown_id(&a.flagged, reveal));
        let (side, side_en) = if a.ours_flagged { ("本机", "here") } else { ("对方", "there") };
        // A pupil held with no number at all is said so, not as a number of nothing (「原为“”」).
        let (held, held_en) = if a.flagged.is_empty() {
            ("没有身份证号码".to_owned(), format!("held with no ID number {side_en}"))
        } else {
            (format!("原为“{flagged}”"), format!("held as {flagged} {side_en}"))
        };
        say(
            &format!("  {} {} {id}：{side}{held} ({held_en})", a.class, a.name),
            &format!("  {} {} {id}: {held_en}", a.class, a.name),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backup::{BackupFacts, Difference};

    fn unconnected() -> BackupFacts {
        BackupFacts {
            taken: "2026-12-08 10:40 (UTC+8)".into(),
            schools: vec!["南宁市实验小学".into()],
            pupils: 7,
            current_pupils: 10,
            looks_ours: false,
            differs: Some(Difference::Unconnected),
            named_ours: true,
            changes_undone: None,
            kept_up_to: None,
        }
    }

    #[test]
    fn another_laptops_backup_named_as_ours_is_refused_with_merge_offered() {
        // Every laptop's backups are canbao-…: named as this drive's, of another history, it is another laptop's.
        let file = Path::new("/media/usb/canbao-20261208-024033.570Z-import.db");
        let said = not_a_backup_of_this_drive(file, &unconnected(), None);
        assert!(said.contains("它的修改记录与本数据文件不相连"), "{said}");
        assert!(said.contains("merge /media/usb/canbao-20261208-024033.570Z-import.db"), "{said}");
        assert!(!said.contains("本数据文件自己的备份"), "{said}");
        // The backup a forced restore took of the data it replaced is still said as this drive's own.
        let file = Path::new("backups/canbao-20261208-024127.497Z-restore.db");
        let said = not_a_backup_of_this_drive(file, &unconnected(), None);
        assert!(said.contains("本数据文件自己的备份"), "{said}");
    }
}
