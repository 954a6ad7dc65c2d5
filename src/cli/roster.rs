//! The roster commands: `import`, `find`, `stats`, `mark` and `school rename`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::open::{
    Recorded, lock_to_record, on_drive_it_may_make, open_existing, open_to_read, open_writer_existing, record_reveal,
};
use super::output::{print_json, print_json_ids, shown_id};
use super::{Cli, CmdResult, MarkArgs, UserError, english, paperwork, pick, say};
use crate::domain::coverage::StatusMark;
use crate::domain::money;
use crate::domain::search::Query;
use crate::domain::student::{Enrollment, PaymentChannel, PaymentStatus, Student};
use crate::io::class_list::{ImportError, ImportReport, ImportRequest, ListsRead, Settled};
use crate::io::{ReadError, sniff};
use crate::store::cipher;
use crate::store::{Change, ChangeOptions, Payment, Refusal, Store, TOP_UP};
use crate::words::{canbao_command, shell_path, shell_word};

/// What the operator told `import` to take that it would otherwise leave out or refuse.
#[derive(Debug, Clone, Default)]
pub(super) struct ImportChoices {
    /// `--rename-by-id`: `ImportRequest::take_other_names`.
    pub rename_by_id: bool,
    /// `--move-down-a-grade`: `ImportRequest::take_grade_down`.
    pub move_down_a_grade: bool,
    /// `--move-up-a-grade`: `ImportRequest::take_grade_up`.
    pub move_up_a_grade: bool,
    /// `--as-class-list`: `ImportRequest::as_class_list`.
    pub as_class_list: bool,
    /// `add`: one pupil typed in, whose list names no school as a matter of course.
    pub by_hand: bool,
    /// `add`: the class typed, refused where the school does not have it (`new_class_refused`)…
    pub typed_class: Option<String>,
    /// … unless `add --yes`.
    pub new_class_ok: bool,
    /// `add`: the pupil typed, refused where the number is a pupil's on the roster (`on_roster_refused`).
    pub typed: Option<crate::io::one_pupil::OnePupil>,
}

pub(super) fn import(
    cli: &Cli,
    files: &[PathBuf],
    school: Option<&str>,
    (dry_run, json): (bool, bool),
    choices: ImportChoices,
) -> CmdResult {
    let (files, read_once) = super::once_each(files, ("读", "read"));
    // Said on stderr already; a script reading --json finds it among the report's warnings too.
    let read_once = if json { read_once } else { Vec::new() };
    // A dry run on a missing drive reads into memory and makes no file; a list that could not be imported into
    // a drive this command made leaves no empty drive behind.
    on_drive_it_may_make(cli, dry_run, |store| {
        // Ctrl-C stops the import's statements and its transaction rolls back, rather than ending the process
        // without a word: the operator is told whether anything was written (`interrupt::ending`).
        let kind = if dry_run { super::interrupt::Kind::Preview } else { super::interrupt::Kind::Drive };
        super::interrupt::watch_work(store, super::interrupt::Work { name: ("导入", "import"), kind, json })?;
        let imported = import_into(store, &files, school, (dry_run, json), choices, read_once);
        // What runs after (a new drive left empty is looked at and removed) is not stopped.
        super::interrupt::work_done(store)?;
        imported
    })
}

/// `add`: the pupil typed on the command line as a one-row class list (`io::one_pupil`), imported as `import`
/// imports a list, so the number and class are checked, reported, recorded and backed up the same way. The list
/// is removed once the import is done, written or not.
pub(super) fn add(
    cli: &Cli,
    pupil: &crate::io::one_pupil::OnePupil,
    school: Option<&str>,
    new_class_ok: bool,
    (dry_run, json): (bool, bool),
) -> CmdResult {
    if let Some(missing) = pupil.missing() {
        let (zh, en) = missing.words();
        return Err(super::UserError::in_two(format!("没有添加：{zh}"), format!("nothing added: {en}")).kind("usage"));
    }
    let list = crate::io::one_pupil::OnePupilList::write(pupil).map_err(|e| {
        let words = crate::os_error::writing(&e, std::env::temp_dir());
        super::UserError::new(format!(
            "没有添加：临时名单写不进去 (nothing added: the one-row list could not be written)：{words}"
        ))
    })?;
    let typed_class = Some(pupil.class.clone());
    let typed = Some(pupil.clone());
    let choices = ImportChoices { by_hand: true, typed_class, new_class_ok, typed, ..ImportChoices::default() };
    let imported = import(cli, &[list.path().to_path_buf()], school, (dry_run, json), choices);
    drop(list);
    imported
}

/// `add` with a class the pupil's school does not have (a typo at the counter: 三年级9班 where it has 1–3班) is
/// refused without `--yes`, naming the nearest classes, as `E` asks in the TUI: added, the child would be the one
/// pupil of a class no teacher's 核对表 shows. The school is `--school`, else the drive's one school; a drive of
/// several schools without `--school` is left to the import.
fn new_class_refused(store: &Store, typed: &str, school: Option<&str>, drive_named: Option<&Path>) -> CmdResult {
    let schools = store.schools()?;
    let school = match (school, schools.as_slice()) {
        (Some(s), _) => s.to_owned(),
        (None, [only]) => only.clone(),
        _ => return Ok(()),
    };
    let typed = typed.trim();
    let classes: Vec<String> = store
        .class_labels(Some(&school))?
        .into_iter()
        .filter(|l| !l.trim().is_empty() && !crate::store::is_former_label(l))
        .collect();
    let Some(nearest) = crate::domain::class_label::new_to_school(typed, &classes) else { return Ok(()) };
    let command = canbao_command(drive_named, "add … --yes");
    Err(UserError::in_two(
        format!(
            "没有添加：{school}没有班级「{typed}」（最接近的班级：{}）；如确是新班级，请加 --yes 重新运行：{command}",
            nearest.join("、")
        ),
        format!(
            "nothing added: {school} has no class {typed} (nearest: {}); if it is a new class, run again with \
             --yes: {command}",
            nearest.join(", ")
        ),
    )
    .kind("new_class"))
}

/// `add` with a number already on the roster (typed as the number, or in `--name` with the name in `--id`) is
/// refused, naming that pupil and how to change them, as 添加学生 refuses it (`one_pupil::on_roster_refusal`):
/// imported, the one-row list renamed and moved the pupil, paid maybe, said deep in the report.
fn on_roster_refused(store: &Store, pupil: &crate::io::one_pupil::OnePupil) -> CmdResult {
    let Some((_, held)) = pupil.on_roster(store)? else { return Ok(()) };
    // By name and class, as `mark` picks a pupil: the command prints no whole number, and reads the same in
    // `--json`, whose messages mask numbers.
    let (name, class) = (shell_word(&held.name), shell_word(&held.class_label()).into_owned());
    let mark = store.command(&format!("mark --name {name} --class {class} --enrollment here"));
    let told = crate::io::one_pupil::Told::CommandLine { mark: &mark };
    let (zh, en) = crate::io::one_pupil::on_roster_refusal(&held, told);
    Err(UserError::in_two(zh, en).kind("pupil_on_roster"))
}

/// The import itself, once the drive is open.
fn import_into(
    store: &mut Store,
    files: &[PathBuf],
    school: Option<&str>,
    (dry_run, json): (bool, bool),
    choices: ImportChoices,
    read_once: Vec<String>,
) -> CmdResult {
    // The commands its warnings offer name the drive as this import was given it (`ImportRequest::drive_named`).
    let drive_named = store.hint_drive().map(Path::to_path_buf);
    let mut request = ImportRequest::new(store, files.to_vec(), school.map(str::to_owned))?;
    if let Some(typed) = &choices.typed {
        on_roster_refused(store, typed)?;
    }
    if let Some(typed) = choices.typed_class.as_deref().filter(|_| !choices.new_class_ok) {
        new_class_refused(store, typed, school, drive_named.as_deref())?;
    }
    request.take_other_names = choices.rename_by_id;
    request.take_grade_down = choices.move_down_a_grade;
    request.take_grade_up = choices.move_up_a_grade;
    request.as_class_list = choices.as_class_list;
    request.read_once = read_once;
    // A dry run's look-alike notices, thousands into a large drive, are made in the future tense: not reworded below.
    request.said_as_preview = dry_run;
    // The templates of this laptop's config folder are canbao's own too when they come back.
    request.config_dir = super::open::config_dir();
    // Which schools the files name is known only once they are read. The import learns it as it reads and applies
    // them (`ImportRequest::run_settling`), and goes again only where that settles another school for the rows:
    // the lists are read and applied once, where a preview run first read and applied them twice.
    let held = if school.is_none() { store.schools()? } else { Vec::new() };
    let several_files = files.len() > 1;
    let mut written_otherwise = None;
    let settle = |read: &ListsRead| match held.as_slice() {
        _ if school.is_some() => None,
        // A new drive's first lists, one naming its school (a title) and another naming none: the rows naming
        // none are that school's, as the TUI's preview offers, not a second school 「本校」. One workbook's sheets
        // are such lists too: some titled with the school, the others not.
        [] if several_files || read.sheets > 1 => match (read.schools, read.without_school > 0) {
            ([named], true) => Some(Settled::DefaultSchool(named.clone())),
            _ => None,
        },
        [] => None,
        // A list naming the drive's school written another way (a title 城中区实验小学 on a drive of
        // 柳州市城中区实验小学) goes into that school, as the TUI's preview offers by default: taken as written it
        // moved the held pupils into a second school and split their classes. Said, with the command that
        // imports it as written.
        held => {
            let (written, held_school) = crate::io::class_list::held_written_otherwise(read.schools, held)?;
            // Lists naming it in several ways are each imported as written with its own school: no one command.
            let command = match written.as_slice() {
                [one] => {
                    let args: Vec<String> = files.iter().map(|f| shell_path(f)).collect();
                    let rest = format!("import {} --school {}", args.join(" "), shell_word(one));
                    Some(canbao_command(drive_named.as_deref(), &rest))
                }
                _ => None,
            };
            written_otherwise = Some(crate::io::class_list::written_otherwise_notice(
                &written,
                &held_school,
                dry_run,
                command.as_deref(),
            ));
            Some(Settled::School(held_school))
        }
    };
    // A pupil typed in goes into the drive's one school: no list left anything out to say.
    let own_school = choices.by_hand && store.schools()?.len() == 1;
    // The automatic backup is taken once the files are read, just before the import commits.
    let report = request.run_settling(store, dry_run, settle);
    // Where rows go whose list names no school: said, never silent.
    let fallback = request.default_school.clone();
    // Done (saved, or for a preview rolled back): a signal from now on stops nothing, and what the drive holds
    // is what is said of the import.
    super::interrupt::work_done(store)?;
    let mut report = report.map_err(|e| drive_as_list(next_year_force(e, store), drive_named.as_deref()))?;
    report.warnings.splice(0..0, written_otherwise);
    // Nothing is imported by a dry run: a row it flags is said as one the import will flag.
    if dry_run {
        // Most notices hold no phrase to reword: those are left as they are, not copied; and those made in the
        // future tense (`Problem::previewed`) are not read again.
        for p in report.problems.iter_mut().filter(|p| !p.previewed) {
            if let Some(preview) = crate::io::class_list::preview_reworded(&p.message) {
                p.message = preview;
            }
        }
    }
    // Lists with no pupils at all are refused (below): under --json the refusal is the one answer, as every
    // other refusal's, where a report saying 「"ok": true」 before an exit of 1 told a script it had worked.
    let no_pupils = !files.is_empty() && report.without_pupils.len() == files.len();
    // A drive with no policy for its year (a new drive's first import: canbao's own are past years'), said in
    // the words of the screen's import report: without it no amount due and no payment window can be judged.
    let no_policy = if no_pupils { None } else { no_policy_words(store)? };
    if json {
        if !no_pupils {
            report.warnings.extend(no_policy.as_ref().map(|(zh, en)| format!("{zh} ({en})")));
            print_json(&report)?;
        }
    } else {
        print_import_report(&report);
        if let Some((zh, en)) = &no_policy {
            say(&format!("{zh} ({en})"), en);
        }
        // Under --lang en these lines are English only, as the rest of the report; the school names are data.
        if !report.schools.is_empty() {
            let both = format!("名单所写的学校 (schools the lists name): {}", report.schools.join("、"));
            let en = format!("schools the lists name: {}", report.schools.join(", "));
            say(&both, &en);
        }
        // Only new pupils go where the import put rows naming no school; a pupil the drive held stays in their
        // own school, which a line naming the school for new pupils would misstate.
        if report.added_without_school > 0 && !own_school {
            let n = report.added_without_school;
            let (went_zh, went_en) = if dry_run { ("将记入", "would go under") } else { ("已记入", "put under") };
            let pupils = crate::words::counted(n, "new pupil", "new pupils");
            let en = format!(
                "{pupils} whose lists name no school: {went_en} \"{fallback}\"; use --school NAME to say which"
            );
            let both = format!(
                "{n} 名新学生的名单没有写学校名称，{went_zh}「{fallback}」；如不对，请加 --school 学校名称 重新导入 ({en})"
            );
            say(&both, &en);
        }
        if report.held_without_school > 0 && !choices.by_hand {
            let n = report.held_without_school;
            let pupils = crate::words::counted(n, "pupil", "pupils");
            let stay = if n == 1 { "stays in their own school" } else { "stay in their own schools" };
            let en = format!("the lists name no school: {pupils} already on the drive {stay}");
            let both = format!("名单没有写学校名称：{n} 名已在册的学生仍在各自的学校 ({en})");
            say(&both, &en);
        }
        if !dry_run && report.without_pupils.len() < files.len() {
            super::year::mention_leavers(store)?;
        }
    }
    // Lists with no pupils at all: nothing was written, which a script and the operator are told by the exit.
    if no_pupils {
        let zh = report.without_pupils.join("、");
        let en = report.without_pupils.join(", ");
        let en = format!(
            "no pupils imported: the lists hold no pupils; the drive is unchanged and no backup was taken: {en}"
        );
        return Err(UserError::picked(
            &format!("没有导入任何学生：名单中没有学生，数据文件未修改，也未备份：{zh} ({en})"),
            &en,
        )
        .kind("no_pupils_in_lists"));
    }
    Ok(())
}

/// Next school year's list refused (`ImportError::NextYearList`) names `year new NEXT --promote` to run first:
/// with `--force`, and why, where `year new` refuses to start the year today without it (`cli::year`'s
/// `refuse_while_window_open`, by the same rule: `list_guards::start_takes_force`), so the command named is one
/// that works. Any other error is returned as it is.
fn next_year_force(e: ImportError, store: &Store) -> ImportError {
    let ImportError::NextYearList { files, next, drive, force: None } = e else { return e };
    // A policy file that cannot be read is `year new`'s to report, which then goes by no refusal of its own.
    let force = match (store.current_year(), paperwork::drive_policy(store)) {
        (Some(current), Ok(policy)) => {
            crate::io::list_guards::start_takes_force(policy.as_ref(), current, store.today())
        }
        _ => None,
    };
    ImportError::NextYearList { files, next, drive, force }
}

/// That the drive has no policy chosen for its year and how to make or choose one, in Chinese and English, in the
/// words of the screen's import report (`App::no_policy_words`); `None` once one is chosen, and for a closed year.
fn no_policy_words(store: &Store) -> Result<Option<(String, String)>, UserError> {
    if store.viewed_year().is_some() || store.meta(crate::store::POLICY_META_KEY)?.is_some() {
        return Ok(None);
    }
    let Some(year) = store.current_year() else { return Ok(None) };
    let [zh, en] = [crate::tui::Language::Zh, crate::tui::Language::En].map(|lang| {
        let text = crate::tui::text::Text::for_language(lang);
        format!("{}{}", crate::words::fill(text.no_policy_yet, &[&year]), text.no_policy_how)
    });
    Ok(Some((zh, en)))
}

/// A canbao drive, plain or encrypted, given as a class list: said with the commands that bring another
/// laptop's data in (`merge`) or go back to a backup (`restore`), naming this drive as the import was given it
/// (`drive`: `ImportRequest::drive_named`); any other error as it is.
fn drive_as_list(e: ImportError, drive: Option<&Path>) -> UserError {
    let ImportError::Read(ReadError::NotASpreadsheet { file, what }) = &e else { return e.into() };
    if !sniff::is_drive(what) {
        return e.into();
    }
    let arg = shell_path(Path::new(file));
    let (merge, restore) =
        (canbao_command(drive, &format!("merge {arg}")), canbao_command(drive, &format!("restore {arg}")));
    let (what_zh, what_en) = if *what == sniff::DRIVE {
        ("这是 canbao 数据文件", "a canbao drive")
    } else {
        (
            "这像是加密的 canbao 数据文件（也可能是已损坏或加密的其他文件）",
            "this looks like an encrypted canbao drive (or a damaged or encrypted file of another kind)",
        )
    };
    let (ways_zh, ways_en, ways_both) = if *what == sniff::ENCRYPTED_DRIVE && !cipher::SUPPORTED {
        (
            format!(
                "此版本的 canbao 不支持加密，读不了它：要并入其中的数据，请用支持加密的 canbao\
                 （--features encryption）运行：{merge}"
            ),
            format!(
                "This build of canbao cannot read encrypted drives: to bring its data in, run with a canbao built \
                 with --features encryption: {merge}"
            ),
            format!("this build cannot read encrypted drives: with a canbao built with --features encryption, {merge}"),
        )
    } else {
        (
            format!(
                "要把另一台电脑的数据并入本数据文件，请用：{merge}\n若它是本数据文件的备份，要回到它，请用：{restore}"
            ),
            format!(
                "To bring another laptop's data into this drive: {merge}\n\
                 If it is a backup of this drive, to go back to it: {restore}"
            ),
            format!(
                "to bring another laptop's data into this drive: {merge}; if it is a backup of this drive, to go \
                 back to it: {restore}"
            ),
        )
    };
    let zh = format!(
        "{what_zh}，不是班级名单，未导入：{file}\n{ways_zh}\n({what_en}, not a class list: nothing imported; {ways_both})"
    );
    let en = format!("{what_en}, not a class list: nothing imported: {file}\n{ways_en}");
    UserError::picked(&zh, &en).kind("drive_not_a_list").file(file)
}

pub(super) fn stats(cli: &Cli, school: Option<&str>, json: bool) -> CmdResult {
    let store = open_existing(cli)?;
    // A school the drive does not hold is refused, as `export sheet` refuses it: its figures are not zeros.
    if let Some(name) = school {
        let known = store.schools()?;
        if !known.iter().any(|k| k == name) {
            return Err(super::export::no_such_school(name, &known));
        }
    }
    let policy = paperwork::drive_policy(&store)?;
    let stats = store.stats(school, policy.as_ref())?;
    if json {
        print_json(&stats)?;
    } else {
        print_stats(&stats);
    }
    Ok(())
}

pub(super) fn mark(cli: &Cli, args: &MarkArgs) -> CmdResult {
    let MarkArgs {
        id_number,
        pupil,
        enrollment,
        reason,
        payment,
        amount,
        top_up,
        paid_on,
        channel,
        note,
        ethnicity,
        address,
        at_school,
        force,
        yes,
        json,
    } = args;
    let (mut store, _lock) = open_writer_existing(cli)?;
    // The commands a hint suggests name the pupil as this one did: never by a whole number not typed.
    let chosen = super::pupil::as_typed(id_number.as_deref(), pupil);
    let pupil = super::pupil::select(&store, id_number.as_deref(), pupil, "mark")?;
    if let Some(top_up) = top_up.as_deref() {
        let details = TopUp {
            fen: top_up,
            paid_on: *paid_on,
            channel: channel.as_deref(),
            note: note.as_deref(),
            force: *force,
            yes: *yes,
        };
        return mark_top_up(&mut store, &pupil, &chosen, details, Said::new(*json));
    }
    // An amount, date or channel given alone corrects the family's payment recorded already, as with --payment
    // paid: only what is given changes (the tax office's date stays with a corrected amount).
    let details = amount.is_some() || paid_on.is_some() || channel.is_some();
    let payment = match payment.as_deref() {
        None if details && pupil.payment == PaymentStatus::Paid => Some("paid"),
        p => p,
    };
    // 在校参保, or a payment recorded at school, for a pupil the policy sends to the benefit place registers them
    // twice (at school and with the department): refused unless the operator says so, by the rule the screen asks by.
    // By this year's certified categories: one carried from last year (待重新认定) sends nobody away, as `stats` and
    // the forms count the pupil due at school.
    let mark = StatusMark {
        enrollment_now: pupil.enrollment,
        enrollment: enrollment.as_deref().and_then(Enrollment::from_code),
        payment: payment.and_then(PaymentStatus::from_code),
    };
    if !at_school
        && let Some(policy) = paperwork::drive_policy(&store)?
        && let certified = pupil.certified_in(store.current_year())
        && let Some(rule) = policy.away_rule_against(certified.categories.iter().map(|c| c.name.as_str()), mark)
    {
        let (zh, en) = match rule.enroll {
            crate::domain::policy::EnrollPlace::Family => ("应以家庭为单位参保", "to enroll with the family"),
            _ => ("应在待遇审批地参保", "to enroll where the benefit was approved"),
        };
        // 财政代缴 asked for such a pupil is most often the department's payment where they do enroll: how to
        // record that is said, so that --at-school is not taken as the only way to save it.
        let (elsewhere_zh, elsewhere_en) = if mark.payment == Some(PaymentStatus::Government) {
            (
                "；部门已在校外为其代缴的，请记为异地参保：--enrollment elsewhere --payment government",
                "; a department that paid for the pupil outside the school is recorded with \
                 --enrollment elsewhere --payment government",
            )
        } else {
            ("", "")
        };
        return Err(UserError::new(format!(
            "{name} 为{category}，按政策{zh}，未保存。如确要在本校参保、登记缴费或记为财政代缴，请加 --at-school\
             {elsewhere_zh} ({name} is {category} and by the policy is {en}: nothing saved. To enroll, record a \
             payment or mark government-paid at school anyway, add --at-school{elsewhere_en})",
            name = pupil.name,
            category = rule.category,
        )));
    }
    // A department that pays only its share (低保: 285 of 380, 001 附件1 二(二)) leaves the family's to pay: 财政代缴
    // would count the pupil insured with the family's share unpaid. Refused, naming the family's payment to record.
    if mark.payment == Some(PaymentStatus::Government)
        && let marked = (Student {
            enrollment: mark.enrollment.unwrap_or(pupil.enrollment),
            ..pupil.certified_in(store.current_year()).into_owned()
        })
        && let Some(share) = crate::domain::policy::family_share(
            paperwork::drive_policy(&store)?.as_ref(),
            crate::domain::category::CategoryTable::builtin(),
            &marked,
            store.today(),
        )
    {
        let (department, family) = (money::plain(share.department_fen), money::plain(share.family_fen));
        let record = store.command(&format!("mark {chosen} --payment paid --amount {family}"));
        let en = format!(
            "{name} is {category}: the department pays only {department} yuan and the family {family} yuan ({clause}); \
             government-paid is for pupils a department pays for in full: nothing saved. Once the family pays, \
             record its share: {record} (the department's share goes with it)",
            name = pupil.name,
            category = share.category,
            clause = share.clause,
        );
        return Err(UserError::new(pick(
            &format!(
                "{name} 为{category}，部门只资助 {department} 元，家庭须缴 {family} 元（{clause}）：财政代缴只用于部门全额\
                 代缴保费的学生，未保存。家长缴费后请登记家庭缴费：{record}（部门份额随之计入）({en})",
                name = pupil.name,
                category = share.category,
                clause = share.clause,
            ),
            &en,
        )
        .to_owned()));
    }
    // A notice that subsidises none of the pupil's categories (事实无人抚养儿童 under Yibin's) leaves the whole
    // premium to the family: 财政代缴 would count the pupil insured and off the 未缴费台账 with nothing paid.
    if mark.payment == Some(PaymentStatus::Government)
        && !*yes
        && pupil.payment != PaymentStatus::Government
        && let marked = (Student {
            enrollment: mark.enrollment.unwrap_or(pupil.enrollment),
            ..pupil.certified_in(store.current_year()).into_owned()
        })
        && let Some((document, categories, family_fen)) = crate::domain::policy::unsubsidised(
            paperwork::drive_policy(&store)?.as_ref(),
            crate::domain::category::CategoryTable::builtin(),
            &marked,
            store.today(),
        )
    {
        let (categories, family) = (categories.join("、"), money::plain(family_fen));
        let record = store.command(&format!("mark {chosen} --payment government --yes"));
        let en = format!(
            "{name} is {categories}, and the drive's policy ({document}) pays for no such category: no department pays for the pupil, the family owes {family} yuan; government-paid would count the pupil insured with nothing paid: nothing saved. If a department does pay in full, mark it anyway: {record}",
            name = pupil.name,
        );
        return Err(UserError::new(pick(
            &format!(
                "{name} 为{categories}，而数据文件所用政策（{document}）没有规定资助此类人员：没有部门为其代缴，家庭须缴 {family} 元；记为财政代缴会把未缴费的学生算作已参保，未保存。如确有部门全额代缴，请加 --yes：{record} ({en})",
                name = pupil.name,
            ),
            &en,
        )
        .to_owned()));
    }
    // Only 不参保 keeps a reason and 异地参保 a place: with any other enrollment (or none) the reason would be
    // dropped without a word, as the amount is refused with 未缴费 below.
    if let Some(reason) = reason.as_deref().filter(|r| !r.trim().is_empty())
        && let asked = enrollment.as_deref().and_then(Enrollment::from_code)
        && !matches!(asked, Some(Enrollment::Declined | Enrollment::Elsewhere))
    {
        let (zh, en) = match asked {
            Some(other) => (format!("--enrollment {}", other.code()), format!("--enrollment {}", other.code())),
            None => ("未给出 --enrollment".to_owned(), "without --enrollment".to_owned()),
        };
        return Err(UserError::new(format!(
            "--reason 只用于 --enrollment declined（不参保原因）或 elsewhere（参保地），{zh} 不保存原因“{reason}”，\
             未保存；如要记下（例如离校去向），请用 --note (--reason goes only with --enrollment declined, the \
             reason, or elsewhere, the place; {en} keeps no reason “{reason}”: nothing saved; to write it down, \
             such as where a pupil who left went, use --note)"
        )));
    }
    // 不参保 is recorded with why (a pupil not insured by choice, whom the school must account for): without a
    // reason it would be saved with no word of it. A pupil declined already keeps the reason recorded.
    let held_reason = (pupil.enrollment == Enrollment::Declined)
        .then_some(pupil.decline_reason.as_deref())
        .flatten()
        .filter(|r| !r.trim().is_empty());
    let reason = match reason.as_deref().filter(|r| !r.trim().is_empty()) {
        None if mark.enrollment == Some(Enrollment::Declined) => match held_reason {
            Some(held) => Some(held.to_owned()),
            None => {
                let example = store.command(&format!("mark {chosen} --enrollment declined --reason 家长不同意"));
                let en =
                    format!("declined needs a reason: give it with --reason; nothing saved. For example: {example}");
                let zh = format!("不参保须写明原因，请用 --reason 给出，未保存。例如：{example} ({en})");
                return Err(UserError::picked(&zh, &en));
            }
        },
        given => given.map(str::to_owned),
    };
    // A payment recorded (the family's or 财政代缴) makes the pupil 在校参保: with --enrollment unknown beside it the
    // option given would be overridden without a word. Refused, naming what to give instead.
    if mark.enrollment == Some(Enrollment::Unknown)
        && let Some(p @ (PaymentStatus::Paid | PaymentStatus::Government)) = mark.payment
    {
        let (code, zh, en) = (p.code(), p.label_zh(), p.label_en());
        return Err(UserError::new(format!(
            "--enrollment unknown（未确认）与 --payment {code}（{zh}）矛盾：登记了缴费的学生即为在校参保，未保存。\
             如已缴费，请去掉 --enrollment unknown（将记为在校参保）；如要改回未确认，请用 --enrollment unknown \
             --payment unpaid (--enrollment unknown contradicts --payment {code} ({en}): a pupil with a payment \
             recorded is enrolled here; nothing saved. If the payment was made, leave out --enrollment unknown (the \
             pupil is then enrolled here); to make the pupil unasked again, use --enrollment unknown --payment unpaid)"
        )));
    }
    // The amount, date and channel are a family's payment's: with 财政代缴 or 未缴费 they would be dropped without a
    // word (a department's payment keeps no family amount). Refused naming what the pupil is, or what was asked.
    if payment != Some("paid") && details {
        return Err(details_refused(&pupil, payment));
    }
    // A payment the tax office's list recorded stays paid there: the operator clearing it here (to 未缴费, or to
    // 财政代缴, which registers the pupil paid twice) is told so once it is saved, and `check` lists the pupil until
    // the payment is recorded again.
    let listed_note = match payment.and_then(PaymentStatus::from_code) {
        Some(to @ (PaymentStatus::Unpaid | PaymentStatus::Government)) if pupil.payment == PaymentStatus::Paid => store
            .payments_from_a_list(std::slice::from_ref(&pupil))?
            .remove(&pupil.id)
            .map(|listed| listed_payment_note(&store, &pupil, &listed, to))
            .transpose()?,
        _ => None,
    };
    let already_paid = pupil.payment == PaymentStatus::Paid && payment == Some("paid");
    // The channel of a payment the tax office's list recorded is the list's word of how the family paid: another
    // typed over it (现金 for 微信) would replace that record with no word. Refused, naming it, unless forced.
    if already_paid
        && !force
        && let Some(given) = channel.as_deref().and_then(PaymentChannel::from_text)
        && pupil.payment_details.channel.as_deref().unwrap_or_default() != given.label_zh()
        && let Some(listed) = store.payments_from_a_list(std::slice::from_ref(&pupil))?.remove(&pupil.id)
        && !listed.cleared_by_hand
    {
        return Err(listed_channel_refused(&store, &chosen, &pupil, &listed, (given.label_zh(), None), *yes)?);
    }
    // Nothing of the recorded payment given anew: it is kept as it is, and said so.
    let payment_kept = already_paid && amount.is_none() && paid_on.is_none() && channel.is_none();
    let mut changes = Vec::new();
    let mut paid_day = None;
    // A payment saved with --yes though the policy gives it no cover this year: said after it is saved.
    let mut no_cover = None;
    if let Some(status) = enrollment.as_deref().and_then(Enrollment::from_code) {
        changes.push(Change::Enrollment { status, reason: reason.clone() });
    }
    if let Some(p) = payment.and_then(PaymentStatus::from_code) {
        changes.push(Change::Payment(match p {
            PaymentStatus::Unpaid => Payment::Unpaid,
            PaymentStatus::Government => Payment::Government,
            PaymentStatus::Paid => {
                let on = paid_on.unwrap_or_else(|| store.today());
                if on > store.today() {
                    return Err(future_payment_date(on, store.today()));
                }
                // A date that cannot be this year's (a payment for an earlier year, a year typed wrong, before the
                // pupil was born) would count the pupil insured for the drive's year: refused, amount or not. A
                // payment changed (its amount or channel) keeps its recorded date, which is judged the same: the
                // mark would save the payment anew on it. Only a payment kept as it is is not judged here.
                let recorded = already_paid && paid_on.is_none();
                let carried = if recorded { pupil.payment_details.paid_on } else { Some(on) };
                if let Some(day) = carried.filter(|_| !payment_kept) {
                    let policy = paperwork::drive_policy(&store)?;
                    let error = crate::domain::policy::payment_date_error(
                        policy.as_ref(),
                        store.current_year(),
                        pupil.birth_date,
                        day,
                    );
                    if let Some(e) = error {
                        let (recorded_zh, recorded_en, fix_zh, fix_en) = if recorded {
                            (
                                "已记录的",
                                "recorded payment: ",
                                "；如日期记错了，请同时用 --paid-on 给出正确日期",
                                "; if the date was recorded wrong, give the right one with --paid-on",
                            )
                        } else {
                            ("", "", "", "")
                        };
                        return Err(UserError::new(format!(
                            "{name}：{recorded_zh}{}，未保存{fix_zh} ({name}: {recorded_en}{}; nothing saved{fix_en})",
                            e.message_zh(),
                            e.message_en(),
                            name = pupil.name
                        )));
                    }
                    // A payment the policy gives no cover for in the drive's year (a mid-year payment whose wait
                    // runs past the year's end) counts the pupil insured on every form of that year: most often it
                    // is next year's, paid early. Refused unless --yes says it is this year's, by `quote`'s rule.
                    let year = store.current_year();
                    if !recorded
                        && let Some(policy) = policy.as_ref()
                        && let Some(e) = crate::domain::policy::no_cover_in_year(
                            policy,
                            &pupil.certified_in(year),
                            day,
                            year,
                        )
                    {
                        if !yes {
                            let ask_amount = amount.is_none() && !already_paid;
                            return Err(no_cover_refused(&store, &pupil.name, &e, year.unwrap_or(policy.insured_year), ask_amount));
                        }
                        no_cover = Some(e);
                    }
                }
                let fen = match amount.as_deref() {
                    Some(a) if a.trim().starts_with(['-', '−', '－']) => {
                        return Err(UserError::new(format!(
                            "金额“{a}”为负数，不是缴费，未保存 (a negative amount, “{a}”, is no payment: nothing saved)"
                        )).kind("bad_amount"));
                    }
                    Some(a) => {
                        let fen = money::parse_yuan(a).ok_or_else(|| UserError::new(format!("金额“{a}”无法识别 (not an amount: “{a}”)")).kind("bad_amount"))?;
                        // Ten times the pupil's premium or more, or, the pupil not priced, at the year's ceiling or
                        // beyond, is a slip (a date typed as the amount): refused, `--yes` or not, as the
                        // reconciliation holds such an amount back (`money::slip`).
                        let policy = paperwork::drive_policy(&store)?;
                        let day = carried.unwrap_or(on);
                        let full = full_premium(&store, policy.as_ref(), &pupil, day);
                        if let Some(slip) = money::slip(fen, full, policy.as_ref()) {
                            let (weighed, weighed_en) = slip.weighed();
                            return Err(UserError::new(format!(
                                "金额 {a} 元{weighed}，像是输错了，未保存 (the amount {a} yuan {weighed_en}: mistyped? \
                                 nothing saved)"
                            ))
                            .kind("bad_amount"));
                        }
                        Some(fen)
                    }
                    // A payment recorded already (the tax office's, from reconcile) is the family's payment: marking
                    // the pupil paid again keeps its amount, date and channel, changing only what is given.
                    None if already_paid => None,
                    None => Some(amount_due(&store, &pupil, on)?),
                };
                // 0 元 would count the pupil 已参保 and print 是 on the information sheet with nothing paid. A pupil
                // whose whole premium a department pays is recorded as 财政代缴, which is how the forms count it.
                // Pending the 本市户籍 check, the family owes one of two amounts: neither is refused as a slip,
                // and the 0 is not said as the amount owed.
                let pending = carried.and_then(|day| hukou_pending_due(&store, &pupil, day));
                if fen == Some(0)
                    && amount.is_none()
                    && let Some(p) = &pending
                {
                    let (local, department, other) = (
                        money::plain(p.local_personal_fen),
                        money::plain(p.local_department_fen),
                        money::plain(p.other_personal_fen),
                    );
                    let government = store.command(&format!("mark {chosen} --payment government"));
                    let paid = store.command(&format!("mark {chosen} --payment paid --amount {other}"));
                    return Err(UserError::new(format!(
                        "{name} 户籍待核实：本市户籍家庭应缴 {local} 元（部门代缴 {department} 元，记为财政代缴：\
                         {government}），非本市户籍家庭应缴 {other} 元（家庭缴费请用：{paid}），未保存 ({name}: \
                         hukou to be checked: if local, the family pays {local} yuan and a department {department} \
                         (record it with {government}); if not, the family pays {other} yuan (record it with {paid}); \
                         nothing saved)",
                        name = pupil.name
                    )));
                }
                if fen == Some(0) {
                    let why = match amount {
                        Some(_) => "缴费金额为 0 元",
                        None => "按政策此学生家庭应缴 0 元（由部门全额资助）",
                    };
                    return Err(UserError::new(format!(
                        "{why}：0 元不是缴费，不能记为已缴费，未保存；由部门全额代缴保费的学生请用 --payment government \
                         记为财政代缴 (an amount of 0 yuan is no payment: nothing saved; for a pupil whose whole \
                         premium a department pays, use --payment government)"
                    )));
                }
                // `--amount 80` alone for a pupil with 300 of 380 recorded is most often the rest paid later, which
                // would replace the 300: refused, naming --top-up; `--payment paid --amount 80` corrects it anyway.
                if let (Some(fen), Some(recorded), None) = (fen, pupil.payment_details.amount_fen, args.payment.as_ref())
                    && already_paid
                    && let Some(day) = carried
                    && let Ok(due) = amount_due(&store, &pupil, day)
                    && recorded < due
                    && recorded + fen == due
                {
                    let (typed, recorded, due) = (money::plain(fen), money::plain(recorded), money::plain(due));
                    let top_up = store.command(&format!("mark {chosen} --top-up {typed}"));
                    let replace = store.command(&format!("mark {chosen} --payment paid --amount {typed} --yes"));
                    let en = format!(
                        "{name} has {recorded} of {due} yuan paid: --amount {typed} would replace the {recorded} with \
                         {typed}; nothing saved. To add the {typed} paid since, use: {top_up}; to correct the amount \
                         to {typed} all the same: {replace}",
                        name = pupil.name
                    );
                    return Err(UserError::new(pick(
                        &format!(
                            "{name} 已缴 {recorded} 元，应缴 {due} 元：--amount {typed} 会把已记录的 {recorded} 元改为 \
                             {typed} 元，未保存。补缴其余 {typed} 元请用：{top_up}；如确要把金额更正为 {typed} 元：\
                             {replace} ({en})",
                            name = pupil.name
                        ),
                        &en,
                    )
                    .to_owned()));
                }
                // A typed amount other than the amount due is most often a slip (3800 for 380): the payment form
                // asks before saving it, and here it is refused unless --yes says the family paid it.
                if let (Some(fen), Some(_)) = (fen, amount.as_deref())
                    && let Some(day) = carried
                    && let Ok(due) = amount_due(&store, &pupil, day)
                    && due != fen
                    && pending.is_none_or(|p| fen != p.local_personal_fen && fen != p.other_personal_fen)
                    && !yes
                {
                    let chosen = if *at_school { format!("{chosen} --at-school") } else { chosen.clone() };
                    return Err(amount_differs_refused(&store, &pupil, &chosen, (fen, due), *force));
                }
                let channel = channel.as_deref().and_then(PaymentChannel::from_text);
                let paid_on = if already_paid { *paid_on } else { Some(on) };
                paid_day = paid_on;
                Payment::Paid { amount_fen: fen, paid_on, channel }
            }
        }));
    }
    if let Some(n) = note {
        changes.push(Change::Note(n.clone()));
    }
    if let Some(e) = ethnicity {
        // One of the 56 groups (a short form or a GB/T 3304 code spelled in full), or nothing to clear it.
        let spelled = crate::domain::ethnicity::given(e).map_err(|(zh, en)| {
            UserError::in_two(
                format!("{zh}，或用 --ethnicity \"\" 清除"),
                format!("{en}, or --ethnicity \"\" to clear it"),
            )
            .kind("bad_ethnicity")
        })?;
        changes.push(Change::Ethnicity(spelled));
    }
    if let Some(a) = address {
        changes.push(Change::Address(a.clone()));
    }
    if changes.is_empty() {
        return Err(UserError::in_two(
            "没有要登记的内容：请给出 --enrollment、--payment、--note、--ethnicity 或 --address".into(),
            "nothing to mark: give --enrollment, --payment, --note, --ethnicity or --address".into(),
        )
        .kind("nothing_to_mark"));
    }
    let outcome = store.apply_change("mark", pupil.id, changes, ChangeOptions::default())?;
    match outcome.refused {
        Some(refusal @ Refusal::PaymentAgainstEnrollment { .. }) => {
            return Err(UserError::new(format!(
                "{0}：{1}，未保存。如确已在校参保，请同时给出 --enrollment here ({0}: {2}; nothing saved. If the \
                 pupil is enrolled here after all, add --enrollment here)",
                pupil.name,
                refusal.message_zh(),
                refusal.message_en()
            )));
        }
        Some(Refusal::EnrollmentAgainstPayment { enrollment, payment }) => {
            let clear = store.command(&format!("mark {chosen} --payment unpaid"));
            return Err(UserError::new(format!(
                "{name}：已记录为“{}”，不能标记为“{}”，未保存。如缴费记错了，请先清除：{clear}\
                 （或在同一条命令中加上 --payment unpaid）({name} is recorded as {}: not marked {}, \
                 nothing saved. If the payment was recorded by mistake, clear it first: {clear}, \
                 or add --payment unpaid to this command)",
                payment.label_zh(),
                enrollment.label_zh(),
                payment.label_en(),
                enrollment.label_en(),
                name = pupil.name,
            )));
        }
        None => {}
    }
    let n = outcome.diffs.len();
    if let Some(note) = listed_note.filter(|_| n > 0) {
        eprintln!("{note}");
    }
    let mut said = Said::new(*json);
    let fields = if n == 1 { "field" } else { "fields" };
    // Under --json the changes say it.
    if !(*json || payment_kept && n == 0) {
        say(
            &format!("已保存 (saved): {} {} 项修改 ({n} {fields} changed)", pupil.name, n),
            &format!("saved: {} ({n} {fields} changed)", pupil.name),
        );
    }
    // A reason (or place) recorded with the same status, replaced by the one given: said with the one it
    // replaced, as the screen's question of a class says how many it replaces, where it went without a word.
    let held = pupil.decline_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if n > 0
        && let (Some(status @ (Enrollment::Declined | Enrollment::Elsewhere)), Some(held)) = (mark.enrollment, held)
        && status == pupil.enrollment
        && Some(held) != reason.as_deref().map(str::trim)
    {
        let (zh, en) = match (status, reason.as_deref()) {
            (Enrollment::Declined, Some(new)) => (
                format!("原不参保原因「{held}」已改为「{new}」"),
                format!("the reason declined, “{held}”, was replaced with “{new}”"),
            ),
            (_, Some(new)) => (
                format!("原参保地「{held}」已改为「{new}」"),
                format!("the place enrolled at, “{held}”, was replaced with “{new}”"),
            ),
            (_, None) => (format!("原参保地「{held}」已清空"), format!("the place enrolled at, “{held}”, was cleared")),
        };
        said.say(&format!("{zh} ({en})"), &en);
    }
    // The tax office's list holds a payment for the number under another name (or otherwise 待核实): the payment
    // just recorded may be the family's second, and `check` goes on listing it until it is the list's payment.
    if n > 0 && mark.payment == Some(PaymentStatus::Paid) {
        let now = store.student(pupil.id)?;
        let held = store.tax_payments_held_for(&[(now.id, now.id_number.as_str())])?;
        let records: Vec<&crate::domain::unapplied::UnappliedPayment> = held
            .get(&now.id)
            .into_iter()
            .flatten()
            .filter(|r| !crate::domain::unapplied::settled_by_recorded(r, &now.payment_details))
            .collect();
        if let (Some(zh), Some(en)) = (
            crate::domain::unapplied::already_paid_warning(&now.name, &records, false),
            crate::domain::unapplied::already_paid_warning(&now.name, &records, true),
        ) {
            let zh = format!("注意：{zh}；「检查名单」会继续列出，直到核实为止");
            let en = format!("note: {en}; check lists it until it is settled");
            said.say(&format!("{zh} ({en})"), &en);
        }
    }
    // A part payment kept: 已缴费 would read as nothing owed, and a script marking a list paid would go on.
    let part = match payment_kept {
        true => {
            let policy = paperwork::drive_policy(&store).ok().flatten();
            store.part_payment_of(&pupil, policy.as_ref())?
        }
        false => None,
    };
    if let Some(part) = part {
        let (zh, en) = recorded_payment(&pupil.payment_details);
        let (due, owed) = (money::plain(part.due_fen), money::plain(part.due_fen - part.paid_fen));
        let top_up = store.command(&format!("mark {chosen} --top-up {owed}"));
        let (word_zh, word_en) = crate::domain::coverage::PART_PAID;
        let en = format!(
            "{name} is {word_en} ({en}), {due} yuan due, {owed} still owed: the payment is kept as recorded; to record \
             the rest: {top_up}",
            name = pupil.name
        );
        said.say(
            &format!(
                "{name} {word_zh}（{zh}），应缴 {due} 元，还差 {owed} 元：缴费记录未改动；补缴其余 {owed} 元请用：{top_up} ({en})",
                name = pupil.name
            ),
            &en,
        );
    } else if payment_kept {
        let (zh, en) = recorded_payment(&pupil.payment_details);
        said.say(
            &format!(
                "{name} 已缴费（{zh}），缴费记录未改动；如要更改，请给出 --paid-on、--amount 或 --channel \
                 ({name} is paid already ({en}): the payment is kept as recorded; to change it, give --paid-on, \
                 --amount or --channel)",
                name = pupil.name
            ),
            &format!(
                "{name} is paid already ({en}): the payment is kept as recorded; to change it, give --paid-on, \
                 --amount or --channel",
                name = pupil.name
            ),
        );
    }
    said.saved(&pupil, &outcome.diffs)?;
    if let Some(day) = paid_day {
        warn_if_next_collection(&store, &chosen, day, no_cover.as_ref())?;
    }
    if n > 0 && mark.payment == Some(PaymentStatus::Government) {
        warn_government_without_category(&pupil, store.current_year());
    }
    Ok(())
}

/// What `mark --top-up` was given beside the amount.
struct TopUp<'a> {
    fen: &'a str,
    paid_on: Option<chrono::NaiveDate>,
    channel: Option<&'a str>,
    note: Option<&'a str>,
    /// `--force`: the channel given replaces that of a payment the tax office's list recorded.
    force: bool,
    /// `--yes`, which a top-up does not use: said beside a refusal that `--force` would lift.
    yes: bool,
}

/// `mark --top-up 80`: the rest of a part payment (300 of 380) paid later, added to the family's payment recorded
/// (380 in all) and dated the day it was made up, in a change of its own (补缴) whose history row names the 300 it
/// follows; `--amount 80` would replace the 300. Said with what is paid in all, against the amount due.
fn mark_top_up(store: &mut Store, pupil: &Student, chosen: &str, top_up: TopUp, mut said: Said) -> CmdResult {
    let name = &pupil.name;
    let recorded = pupil.payment_details.amount_fen.filter(|_| pupil.payment == PaymentStatus::Paid);
    let Some(recorded) = recorded else {
        let record = store.command(&format!("mark {chosen} --payment paid --amount {} --yes", top_up.fen));
        return Err(UserError::new(pick(
            &format!(
                "{name} 没有已记录金额的家庭缴费，补缴无从相加，未保存；登记缴费请用：{record} ({name} has no family \
                 payment with an amount recorded to add a top-up to: nothing saved; record the payment with: {record})"
            ),
            &format!(
                "{name} has no family payment with an amount recorded to add a top-up to: nothing saved; record the \
                 payment with: {record}"
            ),
        )
        .to_owned()));
    };
    let typed = top_up.fen;
    let fen = money::parse_yuan(typed)
        .filter(|fen| *fen > 0 && !typed.trim().starts_with(['-', '−', '－']))
        .ok_or_else(|| {
            UserError::new(format!(
                "补缴金额“{typed}”不是大于 0 的金额，未保存 (the top-up “{typed}” is not an amount above 0: nothing \
                 saved)"
            ))
        })?;
    let typed_on = top_up.paid_on.unwrap_or_else(|| store.today());
    // The payment is dated the day it was made up, and that day decides its cover period: a top-up dated before
    // the part payment it follows would move a late payment back into an earlier window.
    let (on, moved) = match crate::domain::policy::top_up_day(typed_on, pupil.payment_details.paid_on, store.today()) {
        Ok(day) => day,
        Err(crate::domain::policy::TopUpDateError::Future) => {
            return Err(future_payment_date(typed_on, store.today()));
        }
        Err(e) => {
            let (zh, en) = e.before_recorded(typed_on).unwrap_or_default();
            return Err(UserError::new(format!("{name}：{zh}，未保存 ({name}: {en}; nothing saved)")));
        }
    };
    if moved {
        said.say(
            &format!(
                "补缴记为 {on}：已记录的缴费日期比本机今天晚一天（记录它的电脑所在时区已到次日），补缴不早于它 (the \
                 top-up is dated {on}, the day of the payment it follows, one day after this laptop's today: a laptop \
                 in a time zone ahead recorded it)"
            ),
            &format!(
                "the top-up is dated {on}, the day of the payment it follows, one day after this laptop's today: a \
                 laptop in a time zone ahead recorded it"
            ),
        );
    }
    let policy = paperwork::drive_policy(store)?;
    if let Some(e) =
        crate::domain::policy::payment_date_error(policy.as_ref(), store.current_year(), pupil.birth_date, on)
    {
        return Err(UserError::new(format!(
            "{name}：{}，未保存 ({name}: {}; nothing saved)",
            e.message_zh(),
            e.message_en()
        )));
    }
    // The payment made up beyond the ceiling of one payment (a date typed as the top-up, with no amount due to
    // weigh it against when no policy is chosen) is a slip, refused as `mark --amount` refuses it.
    let total = recorded.saturating_add(fen);
    if let Some(slip) = money::slip(total, full_premium(store, policy.as_ref(), pupil, on), policy.as_ref()) {
        let ((weighed, weighed_en), total) = (slip.weighed(), money::plain(total));
        return Err(UserError::new(format!(
            "{name}：补缴后缴费合计 {total} 元，{weighed}，像是输错了，未保存 ({name}: with the top-up the payment \
             comes to {total} yuan, which {weighed_en}: mistyped? nothing saved)"
        ))
        .kind("bad_amount"));
    }
    // A receipt keyed twice (a retried command, a second operator) would record an overpayment unseen.
    if let Ok(due) = amount_due(store, pupil, on)
        && recorded >= due
    {
        let (recorded, due) = (money::plain(recorded), money::plain(due));
        return Err(UserError::new(format!(
            "{name} 已缴 {recorded} 元，应缴 {due} 元，已足额，无需补缴，未保存 ({name} has {recorded} of {due} yuan \
             paid, in full: no top-up is owed; nothing saved)"
        )));
    }
    let total = recorded + fen;
    let channel = top_up.channel.and_then(PaymentChannel::from_text);
    // The channel is the whole payment's: over a payment the tax office's list recorded, a top-up's channel would
    // replace the list's word of how the family paid, as `--channel` alone would. Refused unless forced, the same.
    if let Some(given) = channel.as_ref().filter(|_| !top_up.force)
        && pupil.payment_details.channel.as_deref().unwrap_or_default() != given.label_zh()
        && let Some(listed) = store.payments_from_a_list(std::slice::from_ref(pupil))?.remove(&pupil.id)
        && !listed.cleared_by_hand
    {
        return Err(listed_channel_refused(
            store,
            chosen,
            pupil,
            &listed,
            (given.label_zh(), Some(typed)),
            top_up.yes,
        )?);
    }
    let mut changes = vec![Change::Payment(Payment::Paid { amount_fen: Some(total), paid_on: Some(on), channel })];
    if let Some(n) = top_up.note {
        changes.push(Change::Note(n.to_owned()));
    }
    // Added to a payment recorded already, beside whatever enrollment it stands with: a part-payer who paid the
    // rest before she left stays 已离校 (a top-up never changes the enrollment).
    let options = ChangeOptions { payment_stands: true, ..ChangeOptions::default() };
    let outcome = store.apply_change(TOP_UP, pupil.id, changes, options)?;
    if let Some(refusal) = outcome.refused {
        return Err(UserError::new(format!(
            "{name}：{}，未保存 ({name}: {}; nothing saved)",
            refusal.message_zh(),
            refusal.message_en()
        )));
    }
    let (fen_y, recorded_y, total_y) = (money::plain(fen), money::plain(recorded), money::plain(total));
    let due = amount_due(store, pupil, on).ok();
    let (left_zh, left_en) = match due {
        Some(due) if total < due => {
            let left = money::plain(due - total);
            (
                format!("，应缴 {} 元，仍差 {left} 元", money::plain(due)),
                format!(", {} due, {left} still owed", money::plain(due)),
            )
        }
        Some(due) if total > due => {
            let over = money::plain(total - due);
            (
                format!("，应缴 {} 元，多缴 {over} 元", money::plain(due)),
                format!(", {} due, {over} over", money::plain(due)),
            )
        }
        Some(due) => {
            (format!("，应缴 {} 元，已足额", money::plain(due)), format!(", {} due: paid in full", money::plain(due)))
        }
        None => (String::new(), String::new()),
    };
    said.say(
        &format!(
            "已保存 (saved): {name} 补缴 {fen_y} 元，已缴 {recorded_y} 元，共缴 {total_y} 元{left_zh} ({name}: a top-up \
             of {fen_y} yuan to the {recorded_y} paid, {total_y} yuan in all{left_en})"
        ),
        &format!("saved: {name}: a top-up of {fen_y} yuan to the {recorded_y} paid, {total_y} yuan in all{left_en}"),
    );
    if pupil.enrollment == Enrollment::Left {
        said.say(
            &format!(
                "{name} 仍为已离校，参保状态未改动 ({name} is still marked left school: the enrollment is unchanged)"
            ),
            &format!("{name} is still marked left school: the enrollment is unchanged"),
        );
    }
    said.saved(pupil, &outcome.diffs)
}

/// What `mark` says once the change is saved: its lines as ever, or under `--json` one object, the lines among
/// its `notes`.
struct Said {
    json: bool,
    /// The lines said after the change, bilingual as `import --json`'s warnings (under `--json`).
    notes: Vec<String>,
}

/// The contract of `mark --json`: the pupil as `find --json` names one (the ID number masked: `mark` has no
/// `--reveal`, and a script that typed the number has it), and each field the mark changed.
#[derive(Serialize)]
struct MarkJson<'a> {
    pupil: MarkedPupil<'a>,
    /// Empty when the pupil was already so (a payment kept as recorded).
    changes: Vec<ChangedField>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct MarkedPupil<'a> {
    name: &'a str,
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    id_number: String,
    school: &'a str,
    class: String,
}

/// A field's values before and after, as the drive's history keeps them (an amount in fen).
#[derive(Serialize)]
struct ChangedField {
    field: &'static str,
    old: Option<String>,
    new: Option<String>,
}

impl Said {
    fn new(json: bool) -> Self {
        Said { json, notes: Vec::new() }
    }

    fn say(&mut self, bilingual: &str, en: &str) {
        if self.json {
            // Whole ID numbers masked, as in a failure's message under --json: a hint names the pupil as typed.
            self.notes.push(super::failure::mask_id_numbers(bilingual));
        } else {
            say(bilingual, en);
        }
    }

    /// Under `--json`, the answer: the pupil and the fields changed (`diffs`), with the lines said.
    fn saved(self, pupil: &Student, diffs: &[crate::store::FieldDiff]) -> CmdResult {
        if !self.json {
            return Ok(());
        }
        let changes = diffs
            .iter()
            .map(|d| ChangedField { field: d.field.key(), old: d.old.clone(), new: d.new.clone() })
            .collect();
        let pupil = MarkedPupil {
            name: &pupil.name,
            id_number: pupil.id_number.clone(),
            school: &pupil.school,
            class: pupil.class_label(),
        };
        print_json_ids(&MarkJson { pupil, changes, notes: &self.notes }, false)
    }
}

/// `--amount`, `--paid-on` or `--channel` with no family's payment to describe: said by what the pupil is (未缴费,
/// 财政代缴) when no --payment was given, else by the --payment asked, which keeps no family amount.
fn details_refused(pupil: &Student, asked: Option<&str>) -> UserError {
    let name = &pupil.name;
    let (zh, en) = match (asked, pupil.payment) {
        (Some("unpaid"), _) => (
            "--payment unpaid 清除缴费记录，不能同时给出 --amount、--paid-on 或 --channel，未保存；登记家庭缴费请用 \
             --payment paid"
                .to_owned(),
            "--payment unpaid clears the payment and takes no --amount, --paid-on or --channel: nothing saved; a \
             family's payment is recorded with --payment paid"
                .to_owned(),
        ),
        (Some(_), _) => (
            "财政代缴不记录家庭缴费的金额、日期和渠道，--payment government 不能同时给出 --amount、--paid-on 或 \
             --channel，未保存；登记家庭缴费请用 --payment paid"
                .to_owned(),
            "government-paid keeps no family amount, date or channel: --payment government takes no --amount, \
             --paid-on or --channel; nothing saved; a family's payment is recorded with --payment paid"
                .to_owned(),
        ),
        (None, PaymentStatus::Government) => (
            format!(
                "{name} 为财政代缴，不记录家庭缴费的金额、日期和渠道，未保存；如实为家庭缴费，请同时给出 --payment paid"
            ),
            format!(
                "{name} is government-paid, which keeps no family amount, date or channel: nothing saved; if the \
                 family paid, add --payment paid"
            ),
        ),
        (None, _) => (
            format!("{name} 未缴费，没有可更正的缴费记录，未保存；登记家庭缴费请同时给出 --payment paid"),
            format!("{name} is unpaid, with no payment to correct: nothing saved; to record one, add --payment paid"),
        ),
    };
    UserError::picked(&format!("{zh} ({en})"), &en)
}

/// When the tax office's list recorded the pupil's payment (Beijing time), and the receipt numbers (票证号码) it
/// gave, listed in Chinese and in English: none where it gave none.
fn listed_when(
    store: &Store,
    pupil: &Student,
    listed: &crate::store::ListedPayment,
) -> Result<(String, Option<(String, String)>), UserError> {
    let at = crate::store::instant::beijing_minutes(&listed.listed_at);
    let receipts: Vec<String> = store.receipts(pupil.id)?.into_iter().map(|r| r.number).collect();
    Ok((at, (!receipts.is_empty()).then(|| (receipts.join("、"), receipts.join(", ")))))
}

/// What `mark` says on stderr once it has cleared (`to` 未缴费) or replaced (`to` 财政代缴) a family's payment the
/// tax office's list recorded: the tax office still has it, with its receipt numbers to ask about.
fn listed_payment_note(
    store: &Store,
    pupil: &Student,
    listed: &crate::store::ListedPayment,
    to: PaymentStatus,
) -> Result<String, UserError> {
    let (at, receipts) = listed_when(store, pupil, listed)?;
    let (receipts_zh, receipts_en) =
        receipts.map(|(zh, en)| (format!("（票证号码 {zh}）"), format!(" (receipt {en})"))).unwrap_or_default();
    let name = &pupil.name;
    let (en, zh) = if to == PaymentStatus::Government {
        let en = format!(
            "{name}'s payment was recorded from the tax office's list on {at}{receipts_en}: marked government-paid \
             here, the family's payment is cleared while the tax office still has it; check with it so that the \
             pupil is not paid for twice (check lists the pupil)"
        );
        let zh = format!(
            "注意：{name} 的缴费是 {at} 核对税务名单记入的{receipts_zh}；本机改为财政代缴后，家庭的缴费记录被清除，税务仍记为\
             家庭已缴费，请向税务核实，避免重复缴费（check 会列出该学生） (note: {en})"
        );
        (en, zh)
    } else {
        let en = format!(
            "{name}'s payment was recorded from the tax office's list on {at}{receipts_en}: cleared here, the tax \
             office still has it paid; check with it before the family is asked to pay again"
        );
        let zh = format!(
            "注意：{name} 的缴费是 {at} 核对税务名单记入的{receipts_zh}；本机改为未缴费后，税务仍记为已缴费，请向税务核实，\
             不要让家长重复缴费 (note: {en})"
        );
        (en, zh)
    };
    Ok(pick(&zh, &format!("note: {en}")).to_owned())
}

/// What `--yes` and `--force` each lift, said beside a refusal the other one was given for: scripts pass both, and
/// one taken for the other was refused again with no word of why.
const YES_IS_NOT_FORCE: (&str, &str) = (
    "；--yes 只确认与应缴不符的金额，替换税务名单记入的缴费渠道要用 --force",
    "; --yes only confirms an amount other than the amount due, and replacing a channel the tax office's list \
     recorded takes --force",
);
const FORCE_IS_NOT_YES: (&str, &str) = (
    "；--force 只用于替换税务名单记入的缴费渠道，金额与应缴不符要用 --yes",
    "; --force only replaces a channel the tax office's list recorded, and an amount other than the amount due \
     takes --yes",
);

/// `--channel` over the channel of a payment the tax office's list recorded: what it would replace (the list's
/// channel, or that the list gave none, its date and receipts), and how to replace it all the same; with `--yes`
/// given (`yes_given`), that --yes does not.
fn listed_channel_refused(
    store: &Store,
    chosen: &str,
    pupil: &Student,
    listed: &crate::store::ListedPayment,
    (given, top_up): (&str, Option<&str>),
    yes_given: bool,
) -> Result<UserError, UserError> {
    let (mix_zh, mix_en) = if yes_given { YES_IS_NOT_FORCE } else { ("", "") };
    let (at, receipts) = listed_when(store, pupil, listed)?;
    let (receipts_zh, receipts_en) =
        receipts.map(|(zh, en)| (format!("，票证号码 {zh}"), format!(", receipt {en}"))).unwrap_or_default();
    // The record as the drive holds it: its date, amount and channel, or that the list named no channel.
    let (mut paid_zh, mut paid_en) = recorded_payment(&pupil.payment_details);
    if pupil.payment_details.channel.as_deref().is_none_or(str::is_empty) {
        paid_zh.push_str(&format!("，{}", crate::domain::student::TAX_LIST_WITHOUT_CHANNEL));
        paid_en.push_str(", at the tax office (the list named no channel)");
    }
    // A top-up names the channel of the whole payment: without --channel it keeps the list's.
    let (forced, keep_zh, keep_en) = match top_up {
        Some(fen) => {
            let keep = store.command(&format!("mark {chosen} --top-up {fen}"));
            (
                store.command(&format!("mark {chosen} --top-up {fen} --channel {given} --force")),
                format!("；只登记补缴、保留原渠道，请用：{keep}"),
                format!("; to record the top-up and keep the recorded channel: {keep}"),
            )
        }
        None => (store.command(&format!("mark {chosen} --channel {given} --force")), String::new(), String::new()),
    };
    let name = &pupil.name;
    let en = format!(
        "{name}'s payment was recorded from the tax office's list on {at} ({paid_en}{receipts_en}): --channel \
         {given} would replace that record's channel: nothing saved. If the family did pay by {given}, check with \
         the tax office; to replace it anyway: {forced}{keep_en}{mix_en}"
    );
    let zh = format!(
        "{name} 的缴费是 {at} 核对税务名单记入的（{paid_zh}{receipts_zh}）：--channel {given} 会替换这条记录的缴费渠道，\
         未保存。如确是{given}缴费，请先向税务核实；仍要替换，请用：{forced}{keep_zh}{mix_zh} ({en})"
    );
    Ok(UserError::picked(&zh, &en))
}

/// `--amount` other than the amount due, without `--yes`: refused, the amount typed beside the amount due (a mistyped
/// 3800 reads as one), with the command that records the amount due and how to save the amount anyway, as the payment
/// form asks 「金额 3800.00 元与应缴不符（应缴 380.00 元），仍要保存？」 before saving it.
/// A pupil whose amount due is 0 (a department pays the whole premium) is pointed to `--payment government`, never to
/// `--amount 0`, which is no payment. With `--force` given (`force_given`), that --force does not save it.
fn amount_differs_refused(
    store: &Store,
    pupil: &Student,
    chosen: &str,
    (fen, due): (i64, i64),
    force_given: bool,
) -> UserError {
    let (amount, due_yuan, gap) = (money::plain(fen), money::plain(due), money::plain((fen - due).abs()));
    let (mix_zh, mix_en) = if force_given { FORCE_IS_NOT_YES } else { ("", "") };
    if due == 0 {
        let government = store.command(&format!("mark {chosen} --payment government"));
        return UserError::new(format!(
            "{name}：按政策此学生家庭应缴 0 元（由部门全额资助），金额 {amount} 元未保存。由部门全额代缴保费的学生请记为\
             财政代缴：{government}；如家庭确已自行缴纳 {amount} 元，请加 --yes 重新运行{mix_zh} ({name}: the family owes 0 yuan \
             under the policy (a department pays the whole premium), so {amount} yuan was not saved. Record a pupil \
             whose whole premium a department pays as government-paid: {government}; if the family did pay \
             {amount} yuan itself, run again with --yes{mix_en})",
            name = pupil.name
        ));
    }
    let (more_zh, more_en) = if fen > due { ("多", "more") } else { ("少", "less") };
    let again = store.command(&format!("mark {chosen} --payment paid --amount {}", money::plain(due)));
    UserError::new(format!(
        "{name}：金额 {amount} 元与应缴金额 {due_yuan} 元不符（{more_zh} {gap} 元），未保存。如金额输错了，请按应缴金额登记：\
         {again}；如家庭实缴的确是 {amount} 元，请加 --yes 重新运行{mix_zh} ({name}: the amount {amount} yuan is not the \
         amount due ({due_yuan} yuan): {gap} yuan {more_en}; nothing saved. If the amount was mistyped, record the \
         amount due: {again}; if the family did pay {amount} yuan, run again with --yes{mix_en})",
        name = pupil.name
    ))
}

/// 财政代缴 marked for a pupil with no category (人员类别) certified for `year`, said on stderr after it is saved,
/// as the TUI asks before marking: a department pays for pupils in a category, so the mark is most often a slip or
/// a category not yet recorded. One carried from an earlier year (待重新认定) is said to be certified again, not
/// taken for none. Not refused: scripts mark pupils a department vouched for before the category list arrives.
fn warn_government_without_category(pupil: &crate::domain::student::Student, year: Option<i32>) {
    if !pupil.certified_in(year).categories.is_empty() || pupil.payment == PaymentStatus::Government {
        return;
    }
    let carried: Vec<&str> = pupil.categories_to_recertify(year).iter().map(|m| m.name.as_str()).collect();
    if !carried.is_empty() {
        let en = format!(
            "{name}'s category ({categories}) is carried from an earlier year and not certified this year, yet is \
             marked government-paid: once the department certifies it again, mark it for this year \
             (reconcile FILE --source categories, or the TUI's detail screen), or clear the mark if it was a slip; \
             check lists such pupils (government-paid, to be checked)",
            name = pupil.name,
            categories = carried.join(", ")
        );
        let zh = format!(
            "注意：{name} 的人员类别（{categories}）待重新认定（本年度尚未认定），仍已标记为财政代缴：部门重新认定后请在本年度\
             标记其人员类别（reconcile 文件 --source categories，或在界面的学生详情中），如是误标请清除；check 会将其列入\
             “财政代缴待核实” (note: {en})",
            name = pupil.name,
            categories = carried.join("、")
        );
        eprintln!("{}", super::pick(&zh, &format!("note: {en}")));
        return;
    }
    let en = format!(
        "{name} has no category (人员类别) recorded, yet is marked government-paid: record the category \
         (reconcile FILE --source categories, or the TUI's detail screen), or clear the mark if it was a slip; \
         check lists such pupils (government-paid, no category)",
        name = pupil.name
    );
    let zh = format!(
        "注意：{name} 没有登记人员类别，仍已标记为财政代缴：请登记其人员类别（reconcile 文件 --source categories，\
         或在界面的学生详情中），如是误标请清除；check 会将其列入“财政代缴但没有人员类别” (note: {en})",
        name = pupil.name
    );
    eprintln!("{}", super::pick(&zh, &format!("note: {en}")));
}

/// A family's payment dated in the next insured year's concentrated period, on a drive still in the year before,
/// said on stderr after it is saved: it is recorded for the drive's year. Not refused: a late payment for that
/// year is allowed then (003 三(一)2: 7月1日至12月31日缴纳当年度; 001: 保险年度内中途参保), and the notices ask the
/// payer to check the year (000 六(二): 认真核对缴费年度), so the operator is told which year it went to and how to
/// move the drive to the new one.
/// `chosen`: the pupil as the command named them ([`super::pupil::as_typed`]). `no_cover`: the policy gives the
/// payment no cover in the drive's year (saved with --yes): then it is no late payment that needs nothing more,
/// and that is said, whether the next year's collection is under way or not.
fn warn_if_next_collection(
    store: &Store,
    chosen: &str,
    day: chrono::NaiveDate,
    no_cover: Option<&crate::domain::policy::QuoteError>,
) -> CmdResult {
    let set = paperwork::policies()?;
    let config = super::open::config_dir();
    let next = crate::io::year_policy::NextCollection::of_drive(store, &set, config.as_deref());
    let Some(next) = next.filter(|next| next.covers(day)) else {
        if let Some(e) = no_cover {
            let en = format!(
                "{}; recorded for this year all the same (--yes), counted insured on its forms",
                e.message_en()
            );
            eprintln!(
                "{}",
                super::pick(
                    &format!("注意：{e}；已按 --yes 记入本年度，本年度的表格将其计为已参保 (note: {en})"),
                    &format!("note: {en}")
                )
            );
        }
        return Ok(());
    };
    let (x, y, w) = (next.recorded, next.year, &next.window);
    let clear = store.command(&format!("mark {chosen} --payment unpaid"));
    let start = store.command(&format!("year new {y} --promote"));
    let (late_zh, late_en) = match no_cover {
        Some(e) => (
            format!("按政策这笔缴费在 {x} 年度不能享受待遇（{e}），已按 --yes 记入"),
            format!("by the policy it buys no cover in {x} ({}), recorded all the same (--yes)", e.message_en()),
        ),
        None => (format!("如是 {x} 年度的补缴，无需处理"), format!("a late payment for {x} needs nothing more")),
    };
    let en = format!(
        "this payment is recorded for {x}, while {y}'s {} ({} to {}) is under way and the drive is still in {x}. If \
         it is for {y}: clear it ({clear}), start the new year ({start}), then record it again; {late_en}",
        w.name, w.from, w.to
    );
    let zh = format!(
        "注意：这笔缴费记入 {x} 年度，而 {y} 年度的{}（{} 至 {}）正在进行，本数据文件还在 {x} 年度。如是 {y} 年度的\
         缴费：先清除（{clear}），开始新学年（{start}），再重新登记；{late_zh} (note: {en})",
        w.name, w.from, w.to
    );
    eprintln!("{}", super::pick(&zh, &format!("note: {en}")));
    Ok(())
}

/// `mark` of a family payment the policy gives no cover in the drive's insured year `year`, without --yes: the
/// policy's rule (`e`, `quote`'s refusal), which year it may be for, and how to save it for this one all the same
/// (`ask_amount`: no amount was given, and none can be quoted for such a day).
fn no_cover_refused(
    store: &Store,
    name: &str,
    e: &crate::domain::policy::QuoteError,
    year: i32,
    ask_amount: bool,
) -> UserError {
    let start = store.command(&format!("year new {} --promote", year + 1));
    let (amount_zh, amount_en) =
        if ask_amount { ("，并用 --amount 给出金额", ", giving the amount with --amount") } else { ("", "") };
    let en = format!(
        "{name}: {}; by the policy this payment buys no cover in {year}: nothing saved. If it is for {}, record it \
         once the new year is started ({start}); to record it for {year} all the same, run again with --yes{amount_en}",
        e.message_en(),
        year + 1
    );
    let zh = format!(
        "{name}：{e}，按政策这笔缴费不能使其在 {year} 年度参保，未保存。如是 {} 年度的缴费，请在开始新学年（{start}）\
         后登记；如确要记入 {year} 年度，请加 --yes 重新运行{amount_zh} ({en})",
        year + 1
    );
    UserError::picked(&zh, &en).kind("no_coverage_left")
}

/// A recorded payment in words: date, amount and channel, those the drive holds.
fn recorded_payment(details: &crate::domain::student::PaymentDetails) -> (String, String) {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if let Some(day) = details.paid_on {
        zh.push(day.to_string());
        en.push(day.to_string());
    }
    if let Some(fen) = details.amount_fen {
        zh.push(format!("{} 元", money::two_places(fen)));
        en.push(format!("{} yuan", money::two_places(fen)));
    }
    if let Some(channel) = details.channel.as_deref().filter(|c| !c.is_empty()) {
        zh.push(channel.to_owned());
        en.push(channel.to_owned());
    }
    if zh.is_empty() {
        return ("未记录日期和金额".to_owned(), "no date or amount recorded".to_owned());
    }
    (zh.join("，"), en.join(", "))
}

pub(super) fn rename_school(cli: &Cli, old: &str, new: &str, merge: bool) -> CmdResult {
    let (mut store, _lock) = open_writer_existing(cli)?;
    if !merge && store.schools()?.iter().any(|s| s == new.trim()) {
        return Err(UserError::new(format!(
            "已有名为“{0}”的学校：改名会把两校合并，且无法再分开；如确要合并，请加 --merge \
             (a school named “{0}” exists: renaming would merge the two for good; add --merge to do it)",
            new.trim()
        ))
        .kind("school_exists"));
    }
    let moved = store.rename_school(old, new)?;
    let new = new.trim();
    let pupils = if moved == 1 { "pupil" } else { "pupils" };
    say(
        &format!("已改名 (renamed): {old} -> {new} （{moved} 名学生 / pupils）"),
        &format!("renamed: {old} -> {new} ({moved} {pupils})"),
    );
    Ok(())
}

fn print_import_report(r: &ImportReport) {
    // What the operator must read first: the file is a canbao export, or also a payment list.
    let lang = if english() { crate::tui::Language::En } else { crate::tui::Language::Zh };
    for line in &r.warnings {
        println!("{}", crate::words::in_language(line, lang));
    }
    if r.dry_run {
        say("试运行，未修改数据 (dry run: nothing changed)", "dry run: nothing changed");
    }
    // Every row read is in one count: a row left out (a masked number, another pupil's number, a name held more
    // than once) too, where it is one.
    let (left_zh, left_en) = match r.left_out() {
        0 => (String::new(), String::new()),
        n => (format!("，未导入 {n}"), format!(", not imported {n}")),
    };
    let en = format!(
        "rows read {}: added {}, updated {}, unchanged {}, duplicates {}, invalid IDs {}, skipped {}{left_en}",
        r.rows_read, r.added, r.updated, r.unchanged, r.duplicates, r.id_invalid, r.skipped
    );
    if english() {
        println!("{en}");
    } else {
        println!(
            "读取 {} 行：新增 {}，更新 {}，未变 {}，重复 {}，身份证号有问题 {}，跳过 {}{left_zh}",
            r.rows_read, r.added, r.updated, r.unchanged, r.duplicates, r.id_invalid, r.skipped
        );
        println!("({en})");
    }
    if r.masked_left_out > 0 {
        let n = r.masked_left_out;
        let en = format!("{} with masked ID numbers not imported", crate::words::counted(n, "row", "rows"));
        say(&format!("身份证号码已打码、未导入 {n} 行 ({en})"), &en);
    }
    if r.other_names > 0 {
        let n = r.other_names;
        let en = format!(
            "{} not imported: the ID number is a pupil's on the drive under a wholly different name; the pupils are \
             unchanged: see the lines below (--rename-by-id renames them as the list says, once checked)",
            crate::words::counted(n, "row", "rows")
        );
        let both = format!(
            "身份证号码与在册学生相同而姓名完全不同、未导入 {n} 行，这些学生未改动，见下列各行（核对后确需按名单改名，\
             可加 --rename-by-id 重新导入）({en})"
        );
        say(&both, &en);
    }
    if r.unnumbered_left_out > 0 {
        let n = r.unnumbered_left_out;
        let en = format!(
            "{} not imported: no ID number, for a name held more than once in the class: see the lines below",
            crate::words::counted(n, "row", "rows")
        );
        say(&format!("身份证号码留空、班上有多名同名学生、未导入 {n} 行，见下列各行 ({en})"), &en);
    }
    if r.moved_school + r.moved_class + r.respelled_class > 0 {
        let (s, c, w) = (r.moved_school, r.moved_class, r.respelled_class);
        let en = format!(
            "moved: {} to another school, {c} to another class, {w} into another spelling of their class: see the \
             lines below",
            crate::words::counted(s, "pupil", "pupils")
        );
        let both = format!(
            "其中 {s} 名学生转到另一所学校，{c} 名学生调到另一个班级，{w} 名学生的班级改了写法，见下列各行 ({en})"
        );
        say(&both, &en);
    }
    if r.returned > 0 {
        let n = r.returned;
        let en = format!(
            "{} who graduated or left before this year {} on the lists again: back in the classes the lists give, no \
             longer marked left; see the lines below",
            crate::words::counted(n, "pupil", "pupils"),
            if n == 1 { "is" } else { "are" }
        );
        let both = format!(
            "其中 {n} 名往年已毕业或已离校的学生又列入名单，已回到名单所给的班级，不再是已离校，见下列各行 ({en})"
        );
        say(&both, &en);
    }
    if let Some((zh, en)) = crate::words::import::statuses_line(r) {
        say(&format!("{zh} ({en})"), &en);
    }
    for p in &r.problems {
        let sheet = if p.sheet.is_empty() { String::new() } else { format!(" [{}]", p.sheet) };
        let column = match (p.column.is_empty(), english()) {
            (true, _) => String::new(),
            (false, true) => format!(" \"{}\"", p.column),
            (false, false) => format!(" 「{}」", p.column),
        };
        // No row: the problem concerns a whole worksheet or file.
        let row = match (p.row, english()) {
            (None, _) => String::new(),
            (Some(n), true) => format!(" row {n}"),
            (Some(n), false) => format!(" 第 {n} 行"),
        };
        // A message carries its English last, in brackets: with --lang en that part alone.
        let lang = if english() { crate::tui::Language::En } else { crate::tui::Language::Zh };
        let message = crate::words::in_language(&p.message, lang);
        println!("  {}{}{}{}{}{}", p.file, sheet, row, column, pick("：", ": "), message);
    }
}

/// The contract of `find --json`.
#[derive(Serialize)]
struct FoundPupil {
    name: String,
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    id_number: String,
    id_valid: bool,
    class: String,
    school: String,
    enrollment: &'static str,
    payment: &'static str,
    /// A family's payment short of the amount due (`payment` reads paid): still to collect.
    part_paid: bool,
    categories: Vec<String>,
    id_problem: Option<String>,
}

impl From<&Student> for FoundPupil {
    fn from(s: &Student) -> Self {
        FoundPupil {
            name: s.name.clone(),
            id_number: s.id_number.clone(),
            id_valid: s.id_valid(),
            class: s.class_label(),
            school: s.school.clone(),
            enrollment: s.enrollment.code(),
            payment: s.payment.code(),
            part_paid: false,
            categories: s.categories.iter().map(|c| c.name.clone()).collect(),
            id_problem: s.id_problem.clone(),
        }
    }
}

pub(super) fn find(cli: &Cli, query: &str, limit: usize, reveal: bool, json: bool) -> CmdResult {
    // At most no pupil would print 「没有找到」 over a match, and a script would read that as none there.
    if limit == 0 {
        return Err(UserError::new(
            "--limit 0 不列出任何学生：请写至少 1，或不加 --limit（最多列出 20 名）(--limit 0 lists no pupil: give 1 or \
             more, or leave it out for 20)"
                .into(),
        )
        .kind("bad_limit"));
    }
    let store = &mut open_to_read(cli, reveal)?;
    // Without --reveal the numbers are printed masked, and a fragment finds only what the mask shows.
    let q = Query::parse(query).masked(!reveal);
    if q.is_empty() {
        return Err(UserError::new("查询为空 (empty query)".into()).kind("empty_query"));
    }
    let (total, pupils) = store.search(&q, limit)?;
    if reveal && !pupils.is_empty() {
        let ids: Vec<i64> = pupils.iter().map(|s| s.id).collect();
        let _lock = lock_to_record(cli, Recorded::Reveal)?;
        record_reveal(cli, store, "find", &ids)?;
    }
    // A family's payment short of the amount due reads 部分缴费 as on the roster, never 已缴费: a script or an
    // operator reading 已缴费 would not collect the rest.
    // A policy that cannot be read is said by the commands that price; finding a pupil never fails on it.
    let policy = paperwork::drive_policy(store).ok().flatten();
    // The pupils found only (a page of them), each judged as the roster's row is.
    let part_paid: std::collections::HashSet<i64> = pupils
        .iter()
        .filter_map(|s| Some(store.part_payment_of(s, policy.as_ref()).transpose()?.map(|_| s.id)))
        .collect::<Result<_, _>>()?;
    if json {
        let found: Vec<FoundPupil> =
            pupils.iter().map(|s| FoundPupil { part_paid: part_paid.contains(&s.id), ..FoundPupil::from(s) }).collect();
        print_json_ids(&found, reveal)?;
        // The array stays the pupils found, as scripts read it; a script comparing classes must still not take
        // the first --limit pupils for all of them, so the rest is said where the text output says it.
        if total > pupils.len() {
            let n = pupils.len();
            let reveal = if reveal { " --reveal" } else { "" };
            let more = store.command(&format!("find {} --json --limit {total}{reveal}", shell_word(query)));
            eprintln!(
                "{}",
                pick(
                    &format!(
                        "共 {total} 条，只输出前 {n} 条；要输出全部，请用：{more} ({total} found, only the first {n} \
                         written; for all of them use: {more})"
                    ),
                    &format!("{total} found, only the first {n} written; for all of them use: {more}"),
                )
            );
        }
        return Ok(());
    }
    if pupils.is_empty() {
        let shown = crate::io::table::printable(query);
        say(&format!("没有找到“{shown}” (nothing found)"), &format!("nothing found for “{shown}”"));
        // A school's name typed as a query (实验 for 实验小学): search reads names, numbers and classes, never
        // schools, so the answer alone reads as "no such pupils". Said how a school is chosen instead.
        let word = query.trim();
        let schools: Vec<String> =
            store.schools()?.into_iter().filter(|s| !word.is_empty() && s.contains(word)).collect();
        if let Some(school) = schools.first() {
            let stats = store.command(&format!("stats --school {}", shell_word(school)));
            say(
                &format!(
                    "“{shown}”是学校名称（{}）的一部分：搜索只查姓名、拼音、身份证号和班级，不查学校；\
                     按学校查看请用 --school，例如：{stats} (“{shown}” is part of a school's name: search reads \
                     names, pinyin, ID numbers and classes, not schools; choose a school with --school, e.g. {stats})",
                    schools.join("、")
                ),
                &format!(
                    "“{shown}” is part of a school's name ({}): search reads names, pinyin, ID numbers and \
                     classes, not schools; choose a school with --school, e.g. {stats}",
                    schools.join(", ")
                ),
            );
        }
        return Ok(());
    }
    // On a drive of several schools each line names its school before the class: two schools may each have a
    // 张伟 in 一年级1班, and the masked numbers alone do not tell them apart.
    let several = store.schools()?.len() > 1;
    let year = store.shown_year();
    let carried = pick("（待重新认定）", " (to certify again)");
    let today = crate::store::instant::beijing_today();
    for s in &pupils {
        let id = shown_id(&s.id_number, reveal);
        // The roster's own rule: a number to verify, no name, or an adult's number.
        let flag = if crate::domain::pupil_flags::flagged(s, today) { " !" } else { "" };
        // A drive may hold a control character (an old import, a merge): it must not drive the terminal.
        let shown = crate::io::table::printable;
        let school = if several { format!("{}\t", shown(&s.school)) } else { String::new() };
        println!(
            "{}\t{}{}\t{school}{}\t{}\t{}\t{}",
            shown(&s.name),
            shown(&id),
            flag,
            shown(&s.class_label()),
            pick(s.enrollment.label_zh(), s.enrollment.label_en()),
            match part_paid.contains(&s.id) {
                true => pick(crate::domain::coverage::PART_PAID.0, crate::domain::coverage::PART_PAID.1),
                false => pick(s.payment.label_zh(), s.payment.label_en()),
            },
            // Each category carried from an earlier year says so, as certifying one does not certify the others.
            shown(
                &s.categories
                    .iter()
                    .map(|c| format!("{}{}", c.name, if c.certified_for(year) { "" } else { carried }))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        );
    }
    if total > pupils.len() {
        let n = pupils.len();
        // On stderr: stdout holds one pupil a line, which a script reads as such (`find … | cut -f2`).
        let (both, en) =
            (format!("… 共 {total} 条，显示前 {n} 条 (showing {n} of {total})"), format!("… showing {n} of {total}"));
        eprintln!("{}", pick(&both, &en));
    }
    Ok(())
}

fn print_stats(s: &crate::store::Stats) {
    use crate::domain::coverage::{percent, permille};
    use crate::domain::policy::Ledger;
    let rate = percent(permille(s.insured as usize, s.expected as usize));
    say(
        &format!(
            "学生 {} 人，应参保 {} 人，已参保 {} 人，参保率 {rate}，身份证号有问题 {} 人 (pupils {}, to insure {}, \
             insured {}, coverage {rate}, invalid IDs {})",
            s.students, s.expected, s.insured, s.id_invalid, s.students, s.expected, s.insured, s.id_invalid
        ),
        &format!(
            "pupils {}, to insure {}, insured {}, coverage {rate}, invalid IDs {}",
            s.students, s.expected, s.insured, s.id_invalid
        ),
    );
    say(
        "  已参保 = 家庭或财政已缴费、或异地参保；应参保 = 未离校且未拒绝参保 (insured = paid or elsewhere)",
        "  insured = paid by the family or a department, or enrolled elsewhere; to insure = not left, not declined",
    );
    if s.due_away > 0 {
        let n = s.due_away;
        let en = format!(
            "{n} not counted to insure: the policy has them enroll where their benefit was approved (or with the \
             family), not at school, and nobody has registered them here or found them insured"
        );
        say(
            &format!(
                "  另有 {n} 人未计入应参保：政策规定应在待遇审批地（或随家庭）参保，不随学校参保，尚未确认 ({en})"
            ),
            &format!("  {en}"),
        );
    }
    if let Some(year) = s.year {
        say(&format!("{year} 年度 (insured year {year})"), &format!("insured year {year}"));
    }
    super::output::former_pupils_said(s.former);
    super::output::categories_to_recertify_said(s.categories_to_recertify);
    say("参保状态 (enrollment):", "enrollment:");
    for e in crate::domain::student::Enrollment::ALL {
        println!("  {}: {}", pick(e.label_zh(), e.label_en()), s.enrollment.get(e.code()).copied().unwrap_or(0));
    }
    say("缴费状态 (payment status, as recorded):", "payment status, as recorded:");
    for p in crate::domain::student::PaymentStatus::ALL {
        println!("  {}: {}", pick(p.label_zh(), p.label_en()), s.payment.get(p.code()).copied().unwrap_or(0));
    }
    // The family payments short of the amount due: still to collect, in no class's 已缴费 below.
    if s.part_paid > 0 {
        let (zh, en) = crate::domain::coverage::PART_PAID;
        let n = s.part_paid;
        println!(
            "  {}",
            pick(
                &format!("其中{zh}（未足额，仍须收缴）: {n} (of them {en}, still to collect: {n})"),
                &format!("of them {en} (still to collect): {n}")
            )
        );
    }
    // A pupil who paid in full and then left is insured for the year (the premium is not refunded): in the 已缴费
    // ledger and the batch template, as the notices count them; only 不参保 and a pupil who left without paying in
    // full (a part payment insures nobody) are in none.
    say(
        "四本台账（不参保的、未缴足就离校的学生不在其中；缴足后离校的本年度仍已参保，仍在台账中）(ledgers; declined \
         pupils and those who left without paying in full are in none; a pupil who paid in full and then left is \
         insured this year and stays in them):",
        "ledgers (declined pupils and those who left without paying in full are in none; a pupil who paid in full \
         and then left is insured this year and stays in them):",
    );
    for l in Ledger::ALL {
        let n = s.ledgers.get(l.code()).copied().unwrap_or(0);
        let unrecorded = s.government_unrecorded;
        if l == Ledger::GovernmentPaid && unrecorded > 0 {
            // Counted by category, no department's payment recorded: not insured yet, as 已参保 counts them.
            let (zh, en) = (
                format!("（其中未登记代缴 {unrecorded} 人）({unrecorded} not recorded paid)"),
                format!(" ({unrecorded} not recorded paid)"),
            );
            println!("  {}: {n}{}", pick(l.label_zh(), l.label_en()), pick(&zh, &en));
        } else {
            println!("  {}: {n}", pick(l.label_zh(), l.label_en()));
        }
    }
    // Counts of several schools name each class's school before it, as `find` does: two schools may each have
    // a 二年级1班, which alone would read as one class said twice.
    let several = s.classes.iter().any(|c| c.school != s.classes[0].school);
    let (school_zh, school_en) = if several { ("学校\t", "school\t") } else { ("", "") };
    say(
        &format!(
            "{school_zh}班级\t人数\t应参保\t已参保\t已缴费(含代缴)\t参保率 ({school_en}class, pupils, to insure, insured, \
             paid incl. government, coverage)"
        ),
        &format!("{school_en}class\tpupils\tto insure\tinsured\tpaid (incl. government)\tcoverage"),
    );
    for c in &s.classes {
        // A drive may hold a control character (an old import, a merge): it must not drive the terminal.
        let school = if several { format!("{}\t", crate::io::table::printable(&c.school)) } else { String::new() };
        println!(
            "{school}{}\t{}\t{}\t{}\t{}\t{}",
            if c.class.is_empty() { pick("（未分班）", "(no class)") } else { &c.class },
            c.students,
            c.expected,
            c.enrolled,
            c.paid,
            percent(permille(c.enrolled as usize, c.expected as usize))
        );
    }
}

/// A family's amount due under the drive's policy for a payment on `day`: what `mark --payment paid` records
/// when no amount is given. Without a policy, or on a day the policy does not cover, the operator must say.
/// Both amounts of a pupil whose subsidy waits on the 本市户籍 check (`pupil_flags::hukou_pending`), paying on
/// `day`; `None` where the amount does not depend on it, or nothing can be quoted.
fn hukou_pending_due(
    store: &Store,
    pupil: &crate::domain::student::Student,
    day: chrono::NaiveDate,
) -> Option<crate::domain::pupil_flags::HukouPending> {
    let policy = paperwork::drive_policy(store).ok()??;
    let mut on_day = pupil.certified_in(store.current_year()).into_owned();
    on_day.payment_details.paid_on = Some(day);
    let request = crate::domain::policy::pupil_request(&on_day, day);
    let quote = crate::domain::policy::quote_pupil_in_year(&policy, &on_day, day, store.current_year()).ok()?;
    let table = crate::domain::category::CategoryTable::builtin();
    crate::domain::pupil_flags::hukou_pending(&policy, table, &on_day, &request, &quote)
}

/// The pupil's full premium for a payment on `day` under the drive's policy, by the categories certified for the
/// year: what `money::slip` weighs an amount against, as the reconciliation weighs a list's. `None` where the
/// policy prices nothing of it, or none is chosen.
fn full_premium(
    store: &Store,
    policy: Option<&crate::domain::policy::Policy>,
    pupil: &crate::domain::student::Student,
    day: chrono::NaiveDate,
) -> Option<i64> {
    let mut on_day = pupil.certified_in(store.current_year()).into_owned();
    on_day.payment_details.paid_on = Some(day);
    let request = crate::domain::policy::pupil_request(&on_day, day);
    let table = crate::domain::category::CategoryTable::builtin();
    crate::domain::policy::full_premium_fen(policy?, table, &request, store.current_year())
}

fn amount_due(
    store: &Store,
    pupil: &crate::domain::student::Student,
    day: chrono::NaiveDate,
) -> Result<i64, UserError> {
    let ask = |why: String, why_en: String| {
        UserError::new(format!("{why}：请用 --amount 给出缴费金额 ({why_en}: give the amount with --amount)"))
    };
    let policy = paperwork::drive_policy(store)?.ok_or_else(|| {
        ask(
            "数据文件没有选定政策，无法计算应缴金额".into(),
            "the drive has no policy to work out the amount due".into(),
        )
    })?;
    // By the categories certified for the year: one carried from an earlier year and not certified again
    // (待重新认定) subsidises nothing, as the payment notice asks the family for the full amount.
    let mut on_day = pupil.certified_in(store.current_year()).into_owned();
    on_day.payment_details.paid_on = Some(day);
    // Under a policy of another year than the drive's, no amount is this year's: said, with how to choose it.
    crate::domain::policy::quote_pupil_in_year(&policy, &on_day, day, store.current_year())
        .map(|q| q.personal_due_fen)
        .map_err(|e| {
            let (zh, en) = paperwork::quote_refusal(Some(store), &policy, &e);
            ask(zh, en)
        })
}

/// A payment dated after today refused. Today is Beijing's, the drive's calendar: on a laptop whose clock is in
/// another time zone the operator's own date may already be the typed one, so the day meant is said.
fn future_payment_date(on: chrono::NaiveDate, today: chrono::NaiveDate) -> UserError {
    UserError::new(format!(
        "缴费日期 {on} 晚于今天（北京时间 {today}），未保存 (the payment date {on} is after today, {today} in Beijing: \
         nothing saved)"
    ))
    .kind("date_in_future")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::table::read_count::times_read;

    /// A valid ID number of a child born on `born` (YYYYMMDD), told apart by `n`.
    fn id(born: &str, n: u32) -> String {
        let first17 = format!("450202{born}{n:03}");
        format!("{first17}{}", crate::domain::id_number::check_char(first17.as_bytes()))
    }

    fn list(dir: &Path, name: &str, title: Option<&str>, pupils: &[(&str, String)]) -> PathBuf {
        let mut text = title.map(|t| format!("{t}\n")).unwrap_or_default();
        text.push_str("姓名,身份证号,所在年级、班级\n");
        for (name, number) in pupils {
            text.push_str(&format!("{name},{number},五年级1班\n"));
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn import(store: &mut Store, files: &[PathBuf], dry_run: bool) -> CmdResult {
        import_into(store, files, None, (dry_run, true), ImportChoices::default(), Vec::new())
    }

    /// A list imported into a drive that holds its school already is read once and applied once, dry run or not:
    /// it was read, applied and rolled back first only to learn which schools it names, which at 100,000 pupils
    /// held cost the import three times the work of a first import.
    #[test]
    fn a_list_into_a_drive_holding_pupils_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        let school = "柳州市城中区实验小学";
        let first = list(dir.path(), "first.csv", None, &[("何博杰", id("20151012", 302))]);
        crate::io::class_list::import(&mut store, &[first.as_path()], Some(school), false).unwrap();
        let titled = Some("柳州市城中区实验小学五年级1班名单");
        let more = list(dir.path(), "more.csv", titled, &[("陶子怡", id("20150713", 305))]);
        import(&mut store, std::slice::from_ref(&more), true).unwrap();
        assert_eq!(times_read(&more), 1, "dry run");
        let unnamed = list(dir.path(), "unnamed.csv", None, &[("韦一鸣", id("20150301", 311))]);
        import(&mut store, std::slice::from_ref(&unnamed), false).unwrap();
        assert_eq!(times_read(&unnamed), 1, "import");
        assert_eq!(store.schools().unwrap(), [school]);
        assert_eq!(store.student_by_id_number(&id("20150301", 311)).unwrap().map(|s| s.school), Some(school.into()));
    }

    /// A new drive's first lists, each titled with the school, are read once each; so is a lone list. Lists of
    /// which one names the school and another none are read twice, the second time into the school named.
    #[test]
    fn a_new_drives_first_lists_are_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
        let title = Some("城中区实验小学五年级1班名单");
        let one = list(dir.path(), "one.csv", title, &[("何博杰", id("20151012", 302))]);
        let two = list(dir.path(), "two.csv", title, &[("陶子怡", id("20150713", 305))]);
        import(&mut store, &[one.clone(), two.clone()], false).unwrap();
        assert_eq!((times_read(&one), times_read(&two)), (1, 1));
        assert_eq!(store.schools().unwrap(), ["城中区实验小学"]);
        let mut mixed = Store::open(&dir.path().join("mixed.db")).unwrap();
        let titled = list(dir.path(), "titled.csv", title, &[("黄一", id("20151012", 402))]);
        let unnamed = list(dir.path(), "unnamed.csv", None, &[("黄二", id("20150713", 405))]);
        import(&mut mixed, &[titled.clone(), unnamed.clone()], false).unwrap();
        assert_eq!((times_read(&titled), times_read(&unnamed)), (2, 2));
        assert_eq!(mixed.schools().unwrap(), ["城中区实验小学"]);
        let alone = list(dir.path(), "alone.csv", None, &[("韦一鸣", id("20150301", 311))]);
        let mut other = Store::open(&dir.path().join("other.db")).unwrap();
        import(&mut other, std::slice::from_ref(&alone), true).unwrap();
        assert_eq!(times_read(&alone), 1, "one list into a new drive");
    }
}
