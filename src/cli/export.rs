//! `export`: the roster as a form, to a file, a folder, or standard output.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::open::{Recorded, config_dir, lock_to_record, open_existing, open_to_read};
use super::output::write_stdout;
use super::{Cli, CmdResult, ExportArgs, ExportKind, FormatArg, UserError, paperwork};
use crate::io::export::FileFormat;
use crate::io::forms::{self, FormInput, template::Template};
use crate::io::sheet::{self, ExportOptions};
use crate::store::ExportRecord;

pub(super) fn export(cli: &Cli, args: &ExportArgs) -> CmdResult {
    let ExportArgs { kind, format, out, school, class, mask, template, all, on, from: _, make_folders, force } = args;
    if on.is_some() && *kind != ExportKind::Notices {
        return Err(UserError::new("--on 只用于 export notices (--on is for payment notices only)".into()));
    }
    if *all && *kind != ExportKind::Template {
        return Err(UserError::new("--all 只用于 export template (--all is for the batch template only)".into()));
    }
    if *mask && matches!(kind, ExportKind::Template | ExportKind::Ledgers | ExportKind::Special) {
        return Err(UserError::new(
            "批量参保模板、四本台账和参保花名册交经办机构和认定部门，须有完整的身份证号码，不能打码；--mask 用于给班主任等的 \
             sheet、classes（summary、notices 本来就不含完整号码，加 --mask 只在文件名末尾加「-打码」） (the batch template, \
             the ledgers and the special roster go to the agencies and certifying departments, which need whole ID \
             numbers: --mask is for the copies for teachers: sheet, classes (summary and notices show no whole number: \
             --mask only marks their file name as masked))"
                .into(),
        ));
    }
    let format = format_for(*format, out.as_deref())?;
    // A masked copy's name says so, the name given too (`--out 名单.xlsx` writes 名单-打码.xlsx).
    let named_file = |o: &Path| o != Path::new("-") && !forms::names_a_folder(o);
    let out = &match out.as_deref() {
        Some(file) if *mask && named_file(file) => Some(crate::io::export::masked_name(file)),
        _ => out.clone(),
    };
    // A form of whole numbers is not written under a name that says it is masked (`--out 名单-打码.xlsx`): who
    // is handed that file takes it for the masked copy.
    if let Some(file) = out.as_deref().filter(|o| named_file(o)) {
        crate::io::export::check_masked_name(file, full_id_form(*kind, *mask).is_none())?;
    }
    out_folders_there(out.as_deref(), *make_folders)?;
    crate::io::export::replace_other_forms(*force);
    let mut store = open_to_read(cli, full_id_form(*kind, *mask).is_some())?;
    // As on the screen: a form from the sample file looks like a real one, and its pupils are made up.
    if crate::demo::is_demo(&store) {
        return Err(sample_refused(&super::open::drive_path(cli)));
    }
    // Ctrl-C stops the export while it reads the drive: its files, written under hidden names and given theirs
    // only once all are whole, are removed, and the earlier files of those names stay. Once they are given their
    // names (renames, with no statement to stop) the export is done, and said to be kept.
    let work = super::interrupt::Work { name: ("导出", "export"), kind: super::interrupt::Kind::Files, json: false };
    super::interrupt::watch_work(&mut store, work)?;
    // Whole ID numbers leave the drive only with a record of it in the drive's history, as a reveal on screen;
    // a read-only window cannot write one, so it writes no such form (a masked copy, the summary and the
    // notices, which show no whole number, it still writes).
    let mut form = full_id_form(*kind, *mask);
    if form.is_some() && (cli.read_only || store.opened_read_only()) {
        return Err(read_only_export(*kind));
    }
    // Held from before the first file is written to after the export is recorded: the record never races the
    // writes of a window that holds the drive, and with the drive held elsewhere nothing is written.
    let maskable = matches!(kind, ExportKind::Sheet | ExportKind::Classes);
    let _lock = form.map(|_| lock_to_record(cli, Recorded::Export(maskable))).transpose()?;
    let ids_written = std::cell::Cell::new(0);
    if let Some(class) = class {
        sheet::check_class(&store, school.as_deref(), class)?;
    }
    let opts = ExportOptions { format, school: school.clone(), class: class.clone(), mask: *mask, date: store.today() };
    // `--out -`: the form is written in a private folder, copied to standard output, and removed.
    let to_stdout = out.as_deref() == Some(Path::new("-"));
    let scratch = if to_stdout { Some(ScratchDir::new()?) } else { None };
    let out = match &scratch {
        Some(dir) => Some(dir.0.clone()),
        None => out.clone(),
    };
    // A failed export (a full disk) leaves no empty folder where it meant to put its files.
    let made = FoldersToMake::for_out(if to_stdout { None } else { out.as_deref() });
    // An earlier file of a name the export writes is kept aside until the export is recorded: one that cannot
    // be recorded puts it back.
    let replaced = (form.is_some() && !to_stdout).then(crate::io::export::ReplacedFiles::keep);
    let written = match kind {
        ExportKind::Sheet => {
            // The drive's policy says which payments fall short of the amount due, for the sheet's 备注, and the
            // city its title and file name carry.
            let policy = paperwork::drive_policy(&store)?;
            let name = sheet::default_file_name(
                &store,
                policy.as_ref(),
                school.as_deref(),
                class.as_deref(),
                opts.date,
                opts.format,
                opts.mask,
            );
            let target = forms::out_file(out.as_deref(), &name);
            let (path, left_out) = sheet::export_sheet(&store, policy.as_ref(), &target, &opts)?;
            ids_written.set(left_out.ids_written);
            say_beside(notice_number_unfilled(&store, policy.as_ref()), to_stdout);
            say_beside(forms::classes::former_note(left_out.former, forms::classes::SHEET_FORM), to_stdout);
            say_beside(sheet::leavers_note(left_out.leavers), to_stdout);
            vec![path]
        }
        other => {
            let policy = paperwork::drive_policy(&store)?;
            let input = FormInput { store: &store, opts: &opts, policy: policy.as_ref(), ids_written: &ids_written };
            let out = out.as_deref();
            say_beside(notice_number_unfilled(&store, policy.as_ref()), to_stdout);
            match other {
                ExportKind::Template => {
                    let name = template.as_deref().unwrap_or(forms::template::DEFAULT_TEMPLATE);
                    let template = Template::load(name, config_dir().as_deref())?;
                    let written = forms::template::export_template(&input, &template, out, *all)?;
                    say_beside(forms::template::left_out_note(written.left_out, false), to_stdout);
                    say_beside(forms::template::changes_note(written.changes, false), to_stdout);
                    say_beside(forms::template::empty_files_note(&written.empty), to_stdout);
                    // The drive's record says which: every pupil, or only the year's new pupils and leavers.
                    if written.changes.is_some() {
                        form = form.map(|_| forms::template::CHANGES_FORM);
                    }
                    written.paths
                }
                ExportKind::Ledgers => {
                    let paths = forms::ledgers::export_ledgers(&input, out)?;
                    say_beside(amounts_not_checked(&input), to_stdout);
                    say_beside(windows_not_open(&input), to_stdout);
                    say_beside(windows_closed(&input), to_stdout);
                    say_beside(amounts_blank_without_policy(&input), to_stdout);
                    paths
                }
                ExportKind::Special => {
                    let paths = forms::special::export_special(&input, out)?;
                    let commands = (
                        store.command("policy list"),
                        store.command("policy use 政策名"),
                        store.command("policy use NAME"),
                    );
                    say_beside(forms::special::subsidy_remarks_unsaid(&input, commands), to_stdout);
                    paths
                }
                ExportKind::Classes => {
                    let (paths, former) = forms::classes::export_classes(&input, out)?;
                    say_beside(forms::classes::former_note(former, forms::classes::CLASS_FORM), to_stdout);
                    paths
                }
                ExportKind::Summary => forms::summary::export_summary(&input, out)?,
                ExportKind::Notices => {
                    let (path, count, paid_by_department) =
                        forms::notices::export_notices(&input, on.unwrap_or(opts.date), out)?;
                    let slips = if count == 1 { "notice" } else { "notices" };
                    let counted =
                        (format!("缴费告知单 {count} 张 (payment notices)"), format!("{count} payment {slips}"));
                    say_beside(Some(counted), to_stdout);
                    say_beside(forms::notices::paid_by_department_note(paid_by_department), to_stdout);
                    vec![path]
                }
                ExportKind::Sheet => Vec::new(),
            }
        }
    };
    // Standard output takes one file: a form of several is refused below, with nothing handed out.
    if let Some(form) = form.filter(|_| !to_stdout || written.len() == 1) {
        let files = if to_stdout {
            vec!["-".to_owned()]
        } else {
            written.iter().map(|p| crate::io::export::shown_in_full(p)).collect()
        };
        let record = ExportRecord { form: form.to_owned(), pupils: ids_written.get(), files, year: store.shown_year() };
        // Not recorded (a full disk): not handed out either. The files go, and the folders made for them.
        if let Err(e) = store.record_export(&record) {
            if !to_stdout {
                for path in &written {
                    let _ = std::fs::remove_file(path);
                }
            }
            // The earlier files of these names go back (`replaced`, dropped).
            drop(replaced);
            return Err(e.into());
        }
    }
    if let Some(replaced) = replaced {
        replaced.settled();
    }
    made.keep();
    // Cells too long for one Excel cell, cut and marked: named with their pupil, so the drive can be corrected.
    for path in &written {
        for cut in crate::io::export::take_cut_cells(path) {
            let both = cut.message();
            let en = crate::words::in_language(&both, crate::tui::Language::En).into_owned();
            say_beside(Some((both, en)), to_stdout);
        }
    }
    if format == FileFormat::Csv && ids_written.get() > 0 {
        say_beside(Some(csv_numbers_note()), to_stdout);
    }
    if !to_stdout {
        paperwork::print_written(&written);
        return Ok(());
    }
    match written.as_slice() {
        [one] => {
            // Read and removed before writing: nothing is left behind whatever the reader does.
            let bytes = std::fs::read(one)?;
            drop(scratch);
            if *kind != ExportKind::Summary {
                say_beside(stdout_shared_note(), true);
            }
            write_stdout(&bytes)
        }
        several => {
            // The forms that are several files are so as CSV only: as XLSX each is one workbook of sheets.
            let n = several.len();
            let (csv_zh, csv_en) = match format {
                FileFormat::Csv => (
                    "，或不加 --format csv 导出为一个 XLSX 工作簿",
                    ", or leave out --format csv for one XLSX workbook",
                ),
                FileFormat::Xlsx => ("", ""),
            };
            Err(UserError::new(format!(
                "此表格导出为 {n} 个文件，不能写到标准输出：请用 --out 文件夹{csv_zh} (this form is {n} files, which \
                 cannot go to standard output: give --out a folder instead of -{csv_en})"
            )))
        }
    }
}

/// `exports`: the exports of whole ID numbers the drive's history records (`Store::record_export`), oldest first:
/// when, who, which form, how many pupils' numbers, the files, the insured year.
pub(super) fn exports(cli: &Cli, json: bool) -> CmdResult {
    let store = open_existing(cli)?;
    let recorded = store.exports()?;
    if json {
        #[derive(serde::Serialize)]
        struct Listed<'a> {
            at: &'a str,
            operator: &'a str,
            #[serde(flatten)]
            record: &'a ExportRecord,
        }
        let listed: Vec<Listed> =
            recorded.iter().map(|(at, operator, record)| Listed { at, operator, record }).collect();
        return super::output::print_json_list(&listed);
    }
    if recorded.is_empty() {
        super::say(
            "没有导出含完整身份证号码的表格的记录 (no export of whole ID numbers is recorded)",
            "no export of whole ID numbers is recorded",
        );
        return Ok(());
    }
    super::say(
        "时间\t操作员\t表格\t人数\t年度\t文件 (time, operator, form, pupils, year, files)",
        "time\toperator\tform\tpupils\tyear\tfiles",
    );
    for (at, operator, r) in &recorded {
        let operator =
            if operator.trim().is_empty() { super::pick("（未具名）(unnamed)", "(unnamed)") } else { operator };
        let year = r.year.map(|y| y.to_string()).unwrap_or_else(|| "-".to_owned());
        let files = r
            .files
            .iter()
            .map(|f| if f == "-" { super::pick("标准输出 (standard output)", "standard output") } else { f })
            .collect::<Vec<_>>();
        println!(
            "{}\t{operator}\t{}\t{}\t{year}\t{}",
            crate::store::instant::beijing_seconds(at),
            form_label(&r.form),
            r.pupils,
            files.join(super::pick("、", ", "))
        );
    }
    Ok(())
}

/// A recorded export's form in the words of the language asked for.
fn form_label(form: &str) -> &str {
    let (zh, en) = match form {
        "sheet" => ("在校学生信息表 (sheet)", "student information sheet"),
        "classes" => ("班级核对表 (classes)", "class lists"),
        "template" => ("批量参保模板 (template)", "batch enrollment template"),
        forms::template::CHANGES_FORM => (
            "批量参保模板：新入校及转出（毕业） (template, new pupils and leavers)",
            "batch enrollment template: new pupils and leavers",
        ),
        "ledgers" => ("四本台账 (ledgers)", "ledgers"),
        "special" => ("参保花名册 (special)", "special-category roster"),
        other => (other, other),
    };
    super::pick(zh, en)
}

/// The form's name in the drive's record of the export, for a form that carries whole ID numbers; `None` for
/// one that shows none (a masked copy, the summary's counts, the notices' last four digits).
fn full_id_form(kind: ExportKind, mask: bool) -> Option<&'static str> {
    match kind {
        ExportKind::Sheet if !mask => Some("sheet"),
        ExportKind::Classes if !mask => Some("classes"),
        ExportKind::Template => Some("template"),
        ExportKind::Ledgers => Some("ledgers"),
        ExportKind::Special => Some("special"),
        ExportKind::Sheet | ExportKind::Classes | ExportKind::Summary | ExportKind::Notices => None,
    }
}

/// The refusal of any form from the sample file (`demo::is_demo`), naming it, with where to export instead.
fn sample_refused(path: &Path) -> UserError {
    let file = path.display();
    let zh = format!(
        "这是示例数据文件（示例数据，多是虚构的学生，不是正式数据）：{file}；示例数据文件不导出表格，未导出任何文件。\
         请在正式数据文件中导出：canbao --db 数据文件.db export …"
    );
    let en = format!(
        "this is the sample file (sample data: made-up pupils, not a real drive): {file}; the sample file exports \
         no forms, and nothing was exported. Export from your drive: canbao --db DRIVE.db export …"
    );
    UserError::in_two(zh, en).kind("sample_export_refused").file(file)
}

/// A read-only window's refusal of a form with whole ID numbers: where to export it instead.
fn read_only_export(kind: ExportKind) -> UserError {
    let (masked, masked_en) = match kind {
        ExportKind::Sheet | ExportKind::Classes => {
            ("，或加 --mask 导出打码的副本", ", or add --mask for a masked copy")
        }
        _ => ("", ""),
    };
    UserError::new(format!(
        "只读模式下不能导出含完整身份证号码的表格：导出会记入修改记录，只读窗口不写数据文件，未导出任何文件；\
         请在正在使用数据文件的窗口中导出（只读存储上的数据文件先复制到可写的位置）{masked} (read-only: an export \
         with whole ID numbers is recorded in the drive's history, which a read-only window does not write; nothing \
         was exported; export from the window that holds the drive (a drive on read-only media: copy it somewhere \
         writable first){masked_en})"
    ))
}

/// The format an export writes: `--format`; without it the extension of an `--out` that names a file
/// (`名单.csv`: an operator asked for a CSV names the file so, and must not get a workbook under that name);
/// else XLSX. A `--format` the file's name contradicts is refused before anything is opened or written.
pub(super) fn format_for(format: Option<FormatArg>, out: Option<&Path>) -> Result<FileFormat, UserError> {
    let named = out
        .filter(|o| *o != Path::new("-") && !forms::names_a_folder(o))
        .and_then(|o| Some((o, forms::table_extension(o)?)));
    let chosen = match (format.map(FileFormat::from), named) {
        (Some(asked), Some((file, by_name))) if asked != by_name => {
            let (asked, by_name) = (asked.extension(), by_name.extension());
            let kind = by_name.to_ascii_uppercase();
            let file = file.display();
            let en = format!(
                "--format {asked} does not match the file name {file}: nothing exported; drop --format, or name \
                 the file .{asked}"
            );
            let zh = format!(
                "--format {asked} 与输出文件名 {file} 不符（.{by_name} 是 {kind} 表格），未导出：请去掉 --format，\
                 或把文件名改为 .{asked} ({en})"
            );
            return Err(UserError::picked(&zh, &en));
        }
        (Some(asked), _) => asked,
        (None, Some((_, by_name))) => by_name,
        (None, None) => FileFormat::Xlsx,
    };
    // An XLSX file is a zip: on a terminal it is a screen of garbage, and the terminal may take some bytes for
    // commands. Redirected to a file or a pipe it is written as asked.
    if chosen == FileFormat::Xlsx && out == Some(Path::new("-")) && std::io::stdout().is_terminal() {
        let en = "an XLSX file is binary and is not written to a terminal: nothing exported; use --format csv \
                  --out - to see it, --out FILE.xlsx, or redirect the output to a file (--out - > FILE.xlsx)";
        let zh = format!(
            "XLSX 表格是二进制文件，不能直接显示在终端上，未导出：要在终端查看请用 --format csv --out -，\
             或用 --out 文件名.xlsx，或把输出重定向到文件（--out - > 文件名.xlsx） ({en})"
        );
        return Err(UserError::picked(&zh, en));
    }
    Ok(chosen)
}

/// [`folders_there`] for an export's `--out`, unless it is standard output or `--make-folders` says to make them.
pub(super) fn out_folders_there(out: Option<&Path>, make_folders: bool) -> Result<(), UserError> {
    match out.filter(|o| *o != Path::new("-") && !make_folders) {
        Some(out) => folders_there(out),
        None => Ok(()),
    }
}

/// `--out` is written into a folder that exists, or one new folder inside a folder that exists (`--out 2026届/`):
/// a path mistyped several folders deep (`--out ~/Desktp/名单/2026/`) is refused, naming the first folder that is
/// not there, unless `--make-folders` says to make them all.
fn folders_there(out: &Path) -> Result<(), UserError> {
    let folder = match forms::names_a_folder(out) {
        true => out,
        false => match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => return Ok(()),
        },
    };
    // Taken as written, `..` and all (`--out new/../名单.xlsx` goes where `new` is, made or not).
    let mut plain = PathBuf::new();
    for part in folder.components() {
        match part {
            std::path::Component::ParentDir
                if matches!(plain.components().next_back(), Some(std::path::Component::Normal(_))) =>
            {
                plain.pop();
            }
            std::path::Component::CurDir => {}
            other => plain.push(other),
        }
    }
    let folder = if plain.as_os_str().is_empty() { Path::new(".") } else { plain.as_path() };
    let missing = FoldersToMake::for_out(Some(folder));
    let result = match missing.0.as_slice() {
        [] | [_] => Ok(()),
        [.., first] => {
            let (first, folder) = (first.display(), folder.display());
            Err(UserError::in_two(
                format!(
                    "未导出：文件夹 {first} 不存在（导出要写到 {folder}）；请检查路径是否写错，确要新建这些文件夹请加 \
                     --make-folders"
                ),
                format!(
                    "not exported: the folder {first} does not exist (the export goes to {folder}); check the path \
                     for a typo, or add --make-folders to create the folders"
                ),
            )
            .kind("folder_missing")
            .file(first))
        }
    };
    missing.keep();
    result
}

/// The folders `--out` names (itself, as a form of several files takes it, and the folders above it) that do not
/// exist yet: an export makes them, and they are removed again, deepest first and only while empty, when it
/// fails. Dropped without [`FoldersToMake::keep`] means failed.
struct FoldersToMake(Vec<PathBuf>);

impl FoldersToMake {
    fn for_out(out: Option<&Path>) -> FoldersToMake {
        let mut missing = Vec::new();
        let mut at = out;
        while let Some(dir) = at.filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::symlink_metadata(dir).is_ok() {
                break;
            }
            missing.push(dir.to_owned());
            at = dir.parent();
        }
        FoldersToMake(missing)
    }

    fn keep(mut self) {
        self.0.clear();
    }
}

impl Drop for FoldersToMake {
    fn drop(&mut self) {
        for dir in &self.0 {
            // Fails, leaving it, on anything but an empty folder (a file of that name, a folder with files).
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// A folder only this user can read, removed with everything in it when dropped.
pub(super) struct ScratchDir(pub(super) PathBuf);

impl ScratchDir {
    pub(super) fn new() -> Result<ScratchDir, UserError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("canbao-{}-{nanos}", std::process::id()));
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut std::fs::DirBuilder::new(), 0o700).create(&path)?;
        #[cfg(not(unix))]
        std::fs::DirBuilder::new().create(&path)?;
        Ok(ScratchDir(path))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A note on the export (the graduates a form left out, a cell cut to fit); with `--out -` the form itself goes to
/// standard output, so the note goes
/// beside it.
/// What the ledgers' own line says (their amounts unchecked under a policy of another year), for the operator,
/// with how to choose the year's policy.
fn amounts_not_checked(input: &FormInput) -> Option<(String, String)> {
    let (policy, year) = input.policy_of_other_year()?;
    let (how, how_en) = paperwork::this_years_policy_how(input.store, policy, year);
    let (name, policy_year) = (&policy.name, policy.insured_year);
    let en = format!(
        "amounts not checked: the policy in use, {name}, is for insured year {policy_year} and the ledgers are for \
         {year}, so they give no amount due, underpayment or overpayment (said on each ledger); choose {year}'s \
         policy and export them again: {how_en}"
    );
    let zh = format!(
        "金额未核对：使用的保费政策 {name} 为 {policy_year} 年度，台账为 {year} 年度，应缴金额、少缴、多缴未计算（各台账中已注明）；\
         请选定 {year} 年度的政策后重新导出，{how}"
    );
    Some((format!("{zh} ({en})"), en))
}

/// What the 未缴费 ledger's own line says (its 应缴金额 empty while the policy's payment windows have not opened),
/// for the operator.
fn windows_not_open(input: &FormInput) -> Option<(String, String)> {
    let (policy, first) = input.windows_not_open()?;
    let (date, name, window, from) = (input.opts.date, &policy.name, &first.name, first.from);
    let en = format!(
        "amounts due left empty: on {date} the payment windows of policy {name} have not opened yet (the first \
         opens on {from}), so the unpaid ledger gives no amount due (said on the ledger); export it again once \
         the window opens"
    );
    let zh = format!(
        "应缴金额未填：{date} 时保费政策 {name} 的缴费期尚未开始（{window}自 {from} 起），未缴费台账的应缴金额暂无法确定\
         （台账中已注明）；请在缴费期开始后重新导出"
    );
    Some((format!("{zh} ({en})"), en))
}

/// What the 未缴费 ledger's own line says (its 应缴金额 empty once every payment window of the policy has closed),
/// for the operator.
fn windows_closed(input: &FormInput) -> Option<(String, String)> {
    let (policy, last) = input.windows_closed()?;
    let (date, name, window, to) = (input.opts.date, &policy.name, &last.name, last.to);
    let en = format!(
        "amounts due left empty: on {date} every payment window of policy {name} has closed (the last closed on \
         {to}), so the unpaid ledger gives no amount due (said on the ledger); ask the insurance agency or the tax \
         office whether a family can still pay, and how much"
    );
    let zh = format!(
        "应缴金额未填：{date} 时保费政策 {name} 的缴费期均已结束（{window}至 {to} 止），未缴费台账的应缴金额无法按缴费期计算\
         （台账中已注明）；能否补缴及金额请向医保经办机构或税务部门核实"
    );
    Some((format!("{zh} ({en})"), en))
}

/// What the 未缴费 ledger's own line says (its 应缴金额 blank, the drive having no policy), for the operator, with the
/// command that chooses one.
fn amounts_blank_without_policy(input: &FormInput) -> Option<(String, String)> {
    if input.policy.is_some() {
        return None;
    }
    let store = input.store;
    let (list, use_zh, use_en) =
        (store.command("policy list"), store.command("policy use 政策名"), store.command("policy use NAME"));
    let en = format!(
        "amounts due left blank: the drive has no policy, so the 未缴费 ledger gives no amount due (said on it); \
         choose one with {use_en} ({list} shows them) and export again"
    );
    let zh = format!(
        "应缴金额未填：数据文件没有选定保费政策，未缴费台账的应缴金额为空（台账中已注明）；\
         请用 {use_zh} 选定政策（{list} 列出可用的政策）后重新导出"
    );
    Some((format!("{zh} ({en})"), en))
}

/// The warning that the policy's notice number is still the placeholder a renewal wrote: the forms cite the earlier
/// notice as carried (「沿用 …」) or nothing, and the operator is told to fill in this year's.
fn notice_number_unfilled(
    store: &crate::store::Store,
    policy: Option<&crate::domain::policy::Policy>,
) -> Option<(String, String)> {
    use crate::domain::policy::NoticeNumber;
    let policy = policy?;
    let (name, source) = (&policy.name, &policy.source);
    let (zh, en) = match policy.notice_number() {
        NoticeNumber::Filled(_) => return None,
        NoticeNumber::Carried(number) => {
            (format!("表格中注明为「沿用 {number}」"), format!("the forms cite {number} as carried over"))
        }
        NoticeNumber::Missing => ("表格中不写文号".to_owned(), "the forms cite no number".to_owned()),
    };
    // The drive's copy cannot be edited: the number goes into the policy's file on this laptop, which the drive
    // takes with `policy use`.
    if *source == crate::store::KEPT_POLICY_SOURCE {
        let command = store.command(&format!("policy use {name}"));
        let file = config_dir().map(|d| d.join("policies").join(format!("{name}.toml")));
        // A drive copied or merged from another laptop keeps a policy whose file is on that laptop only: the
        // policy is named by its name and year, and no file is named that is not here to edit.
        let Some(file) = file.filter(|f| f.is_file()).map(|f| f.display().to_string()) else {
            let year = policy.insured_year;
            let en = format!(
                "warning: policy {name} ({year}, the drive's copy) has its notice number (document) not filled in, \
                 and {en}; this computer has no file of it: fill in this year's notice number in the policy file \
                 {name}.toml on the computer that made it, take it there with policy use {name}, then merge that \
                 drive into this one"
            );
            let zh = format!(
                "注意：保费政策 {name}（{year} 年度，数据文件中保存的副本）的通知文号（document）尚未填写，{zh}；本机没有\
                 它的政策文件：请在建立这份政策的电脑上，在政策文件 {name}.toml 中填写本年度通知的文号，在那里用 \
                 policy use {name} 采用，再把那台电脑的数据文件合并到本机"
            );
            return Some((format!("{zh} ({en})"), en));
        };
        let en = format!(
            "warning: policy {name}'s notice number (document) is not filled in, and {en}: fill in this year's \
             notice number in the policy file {file}, then take it with {command}"
        );
        let zh = format!(
            "注意：保费政策 {name} 的通知文号（document）尚未填写，{zh}：请在政策文件 {file} 中填写本年度通知的文号，\
             再用 {command} 采用"
        );
        return Some((format!("{zh} ({en})"), en));
    }
    // A policy the drive keeps names its source in both languages (「数据文件中保存的副本 (the drive's copy)」):
    // each sentence takes its own half.
    let (source_zh, source_en) = (
        crate::words::on_screen(source, crate::words::Language::Zh),
        crate::words::in_language(source, crate::words::Language::En),
    );
    let en = format!(
        "warning: policy {name}'s notice number (document) is not filled in, and {en}: fill in this year's notice \
         number in {source_en}"
    );
    let zh =
        format!("注意：保费政策 {name} 的通知文号（document）尚未填写，{zh}：请在 {source_zh} 中填写本年度通知的文号");
    Some((format!("{zh} ({en})"), en))
}

/// Said once after a CSV export of whole ID numbers: the CSV writes them as the digits they are, with nothing to
/// keep a spreadsheet from taking them for numbers, and a CSV opened in Excel or WPS by a double-click shows an
/// 18-digit number as 5.1E+17 and, saved again, keeps 15 of its digits.
fn csv_numbers_note() -> (String, String) {
    let en = "the CSV holds the ID numbers as plain digits: opened in Excel or WPS by a double-click they show as \
              numbers like 5.1E+17, and saved again their last digits become 0. Open it through Excel's Data → From \
              Text/CSV with the ID number column set to Text, or leave out --format csv for an XLSX, which keeps them \
              as text";
    let zh = "注意：CSV 文件中的身份证号码是纯数字，双击在 Excel 或 WPS 中打开时会被当作数字，显示成 5.1E+17 这样，\
              再保存后末几位会变成 0。请在 Excel 中用「数据 → 从文本/CSV」打开并把身份证号码列设为「文本」，或不加 \
              --format csv 导出为 XLSX（号码保存为文本）";
    (format!("{zh} ({en})"), en.to_owned())
}

/// Standard output redirected to a file others may read (`--out - > 名单.xlsx`, made by the shell under its umask,
/// 0644): canbao makes its own files owner-only, but this one is the shell's, so the operator is told, with how
/// to keep it private. A pipe, a terminal or an owner-only file says nothing.
fn stdout_shared_note() -> Option<(String, String)> {
    let mode = stdout_file_mode().filter(|mode| mode & 0o077 != 0)?;
    let en = format!(
        "standard output is a file others can read (mode {mode:04o}) and holds the pupils' names: chmod 600 it, \
         or run umask 077 before exporting"
    );
    Some((
        format!(
            "注意：标准输出写入的文件其他用户也能读（权限 {mode:04o}），其中有学生信息：请 chmod 600 该文件，或导出前先执行 umask 077 ({en})"
        ),
        en,
    ))
}

/// The permission bits of standard output when it is a regular file.
#[cfg(unix)]
fn stdout_file_mode() -> Option<u32> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.file_type().is_file().then_some(meta.mode() & 0o777)
}

#[cfg(not(unix))]
fn stdout_file_mode() -> Option<u32> {
    None
}

/// A notice beside a form (`note`: bilingual and English): on standard error when the form goes to standard
/// output (`to_stdout`, `--out -`), so that what is piped is the form alone; else on standard output.
pub(super) fn say_beside(note: Option<(String, String)>, to_stdout: bool) {
    if let Some((both, en)) = note {
        if to_stdout {
            eprintln!("{}", super::pick(&both, &en));
        } else {
            super::say(&both, &en);
        }
    }
}

/// The refusal of a school the drive does not hold (`known`: the schools it does), naming the nearest three, so
/// a misspelt or partial name is put right at once.
pub(super) fn no_such_school(name: &str, known: &[String]) -> UserError {
    let nearest = nearest(name, known, 3);
    let (nearest, nearest_en) = if nearest.is_empty() {
        ("（无 / none）".to_owned(), "none".to_owned())
    } else {
        (nearest.join("、"), nearest.join(", "))
    };
    let zh = format!("找不到学校“{name}”，最接近的是：{nearest} (no school named “{name}”; nearest: {nearest_en})");
    let en = format!("no school named “{name}”; nearest: {nearest_en}");
    UserError::new(super::pick(&zh, &en).to_owned())
}

/// Up to `n` of `names` nearest to `wanted`: those holding it or held in it first (a school asked for as
/// 第一小学 is 城中区第一小学), then by the characters to change.
pub(super) fn nearest<'a>(wanted: &str, names: &'a [String], n: usize) -> Vec<&'a str> {
    let target: Vec<char> = wanted.chars().collect();
    let mut ranked: Vec<(bool, usize, &String)> = names
        .iter()
        .map(|name| {
            (
                !(name.contains(wanted) || wanted.contains(name.as_str())),
                crate::domain::class_label::edit_distance(&target, name),
                name,
            )
        })
        .collect();
    ranked.sort();
    ranked.into_iter().take(n).map(|(_, _, name)| name.as_str()).collect()
}
