//! A command that fails under `--json` answers on standard output all the same, where a script piping it into jq
//! read nothing: one object, `{"ok": false, "error": {"kind", "message_zh", "message_en", "file", "row"}}`, written
//! once for every command by `cli::main`, beside the message said on standard error as ever. `kind` is a stable
//! code a script can test; the codes of the library's errors are here, each variant named, so a new one is given
//! its own.

use std::error::Error;

use super::{Cli, Command, PolicyAction, UserError};
use crate::county::CountyError;
use crate::io::ReadError;
use crate::io::class_list::ImportError;
use crate::io::reconcile::ReconcileError;
use crate::io::sheet::ExportError;
use crate::store::StoreError;
use crate::words::{Language, in_language, on_screen};

/// The code of a failure the command line finds itself and does not name otherwise: a refusal of what was
/// asked (a value it cannot use, a step the drive's state does not allow).
pub(super) const REFUSED: &str = "refused";

use super::interrupt::STOPPED_READING;

/// What `--json` says of a failure besides its message.
#[derive(Debug)]
pub(super) struct Said {
    pub kind: &'static str,
    pub file: Option<String>,
    pub row: Option<usize>,
    /// Its Chinese and its English, where the message is said in the language asked for, for the JSON's two.
    pub pair: Option<(String, String)>,
    /// Figures the message states, as fields of their own beside `kind` (`already_moved_pupils`): a script reads
    /// them without parsing the words.
    pub figures: Vec<(&'static str, serde_json::Value)>,
}

impl Said {
    pub(super) fn kind(kind: &'static str) -> Self {
        Said { kind, file: None, row: None, pair: None, figures: Vec::new() }
    }

    fn file(kind: &'static str, file: &str) -> Self {
        Said { file: Some(file.to_owned()), ..Said::kind(kind) }
    }
}

/// The code, file and row of an error from below the command line.
pub(super) fn of_error(e: &(dyn Error + 'static)) -> Said {
    if let Some(e) = e.downcast_ref::<StoreError>() {
        store(e)
    } else if let Some(e) = e.downcast_ref::<ReadError>() {
        read(e)
    } else if let Some(e) = e.downcast_ref::<ImportError>() {
        import(e)
    } else if let Some(e) = e.downcast_ref::<ReconcileError>() {
        reconcile(e)
    } else if let Some(e) = e.downcast_ref::<ExportError>() {
        export(e)
    } else if let Some(e) = e.downcast_ref::<CountyError>() {
        county(e)
    } else if let Some(e) = e.downcast_ref::<crate::demo::DemoError>() {
        use crate::demo::DemoError as D;
        match e {
            D::Store(e) => store(e),
            D::Import(e) => import(e),
            D::NotADemo(path) => Said::file("not_a_demo", path),
            D::Remove(path, _) => Said::file("io", path),
        }
    } else if let Some(e) = e.downcast_ref::<crate::data_file::DataFileError>() {
        data_file(e)
    } else if let Some(e) = e.downcast_ref::<crate::domain::policy::QuoteError>() {
        quote(e)
    } else if e.is::<serde_json::Error>() {
        Said::kind("internal")
    } else if e.is::<rusqlite::Error>() {
        Said::kind("database")
    } else if e.is::<std::io::Error>() {
        Said::kind("io")
    } else {
        Said::kind("error")
    }
}

fn store(e: &StoreError) -> Said {
    use StoreError as S;
    let (kind, file) = match e {
        S::Sqlite(_) => ("database", None),
        S::ImportFinished => ("import_finished", None),
        S::ReadOnly => ("drive_read_only", None),
        S::SidecarReadOnly { path } => ("sidecar_read_only", Some(path)),
        S::DiskFull => ("disk_full", None),
        S::FullAtOpen { path } | S::FullAtCreate { path } => ("disk_full", Some(path)),
        S::ShmUnavailable => ("shm_unavailable", None),
        S::FolderReadOnly { path } => ("drive_folder_read_only", Some(path)),
        S::UnsavedLog { path } => ("unsaved_log_read_only", Some(path)),
        S::BackupExists(path) => ("backup_exists", Some(path)),
        S::RestoreOntoItself(path) => ("restore_onto_itself", Some(path)),
        S::BackupOntoItself(path) => ("backup_onto_itself", Some(path)),
        S::InUse { .. } => ("drive_in_use", None),
        S::TooNew { .. } => ("drive_too_new", None),
        S::SecondName { path, .. } => ("drive_hard_linked", Some(path)),
        S::MergeSelf { path } => ("merge_self", Some(path)),
        S::MergeLaterYear { .. } => ("merge_later_year", None),
        S::MergeOtherSchool { path, .. } => ("merge_other_school", Some(path)),
        S::MergeNoCommonHistory { path, .. } => ("merge_no_common_history", Some(path)),
        S::MergeClock { .. } => ("merge_clock", None),
        S::OlderSchema { path, .. } | S::OlderSchemaReadOnly { path, .. } => ("older_schema", Some(path)),
        S::NotADatabase { path } => ("not_a_drive", Some(path)),
        S::Damaged { path, .. } => ("drive_damaged", Some(path).filter(|p| !p.is_empty())),
        S::OtherFileTable { path, .. } => ("spreadsheet_not_a_drive", Some(path)),
        S::OtherFileKind { path, .. } => ("not_a_drive", Some(path)),
        S::OwnExport { path, .. } => ("own_export_not_a_drive", Some(path)),
        S::Foreign { path } => ("foreign_database", Some(path)),
        S::Missing { path } => ("drive_missing", Some(path)),
        S::InMaking { path } => ("drive_in_making", Some(path)),
        S::NoDataYet { path, .. } => ("drive_no_data_yet", Some(path)),
        S::Folder { path } => ("folder_not_a_drive", Some(path)),
        S::NotRegular { path } => ("not_a_regular_file", Some(path)),
        S::Encrypted { path, .. } => ("drive_encrypted", Some(path)),
        S::EncryptedUnsupported { path } => ("encryption_unsupported", Some(path)),
        S::NoEncryption => ("encryption_unsupported", None),
        S::CannotOpen { path } => ("drive_cannot_open", Some(path)),
        S::CopyMismatch(_) => ("copy_mismatch", None),
        S::Io { path, source } | S::CreateDir { path, source } => (io_kind(source, "write_failed"), Some(path)),
        S::BackupFolderRefused { folder, .. } => ("backup_folder_refused", Some(folder)),
        S::Unreadable { path, source } => (io_kind(source, "file_unreadable"), Some(path)),
        S::NoSuchStudent(_) => ("no_such_pupil", None),
        S::NoSuchSchool(_) => ("no_such_school", None),
        S::IdTaken { .. } => ("id_number_taken", None),
        S::EmptyName => ("empty_name", None),
        S::PastYear { .. } => ("past_year_read_only", None),
        S::NoSuchYear { .. } => ("no_such_year", None),
        S::LaterYear { .. } => ("later_year", None),
        S::NotNextYear { .. } => ("not_next_year", None),
        S::NoYears => ("no_years", None),
    };
    Said { file: file.cloned(), ..Said::kind(kind) }
}

/// A file the system refused: missing, else `otherwise`.
fn io_kind(e: &std::io::Error, otherwise: &'static str) -> &'static str {
    if e.kind() == std::io::ErrorKind::NotFound { "file_not_found" } else { otherwise }
}

fn read(e: &ReadError) -> Said {
    use ReadError as R;
    match e {
        R::Unreadable { file, missing, .. } => {
            Said::file(if *missing { "file_not_found" } else { "file_unreadable" }, file)
        }
        R::Empty { file } => Said::file("file_empty", file),
        R::NotATable { file } | R::NotASpreadsheet { file, .. } => Said::file("not_a_spreadsheet", file),
        R::BadWorkbook { file, .. } | R::BadSpreadsheet { file, .. } => Said::file("bad_workbook", file),
        R::Encrypted { file } => Said::file("workbook_encrypted", file),
        R::OnlyHidden { file, .. } => Said::file("only_hidden_sheets", file),
        R::TooLarge { file } => Said::file("file_too_large", file),
        R::Disguised { file, .. } => Said::file("disguised_file", file),
        R::NotAFile { file } => Said::file("not_a_regular_file", file),
        R::ChangedWhileRead { file } => Said::file("file_changed_while_read", file),
        R::CutShort { file } => Said::file("file_cut_short", file),
        R::Folder { file } => Said::file("folder_not_a_file", file),
        R::Stopped { file } => Said::file(STOPPED_READING, file),
        R::BadRow { file, row, .. } => Said { row: Some(*row), ..Said::file("bad_row", file) },
        R::NoHeader { file } => Said::file("no_header_row", file),
        R::SheetWithoutHeader { file, .. } => Said::file("sheet_without_header_row", file),
        R::OwnFormWithoutPupils { file, .. } => Said::file("canbao_form_not_a_list", file),
        R::Write { file, .. } => Said::file("write_failed", file),
        R::DiskFull { file } => Said::file("disk_full", file),
        R::WontReplace { file, .. } => Said::file("would_replace", file),
        R::OtherForm { file, .. } => Said::file("would_replace_other_form", file),
        R::NeedsFolder { file } | R::NeedsFolderNotTableName { file } => Said::file("needs_folder", file),
        R::OfficeLock { file, .. } => Said::file("office_lock_file", file),
        R::WholeNumbersUnderMaskedName { file } => Said::file("whole_numbers_under_masked_name", file),
    }
}

fn import(e: &ImportError) -> Said {
    use ImportError as I;
    match e {
        I::Read(e) => read(e),
        I::Store(e) => store(e),
        I::NoFiles => Said::kind("no_files"),
        I::PaymentList { file } => Said::file("payment_list_not_class_list", file),
        I::CategoryList { file } => Said::file("category_list_not_class_list", file),
        I::NotAClassList { file } => Said::file("not_a_class_list", file),
        I::CanbaoLedger { file, .. } => Said::file("canbao_form_not_a_list", file),
        I::OtherYear { file, .. } => Said::file("other_year_list", file),
        I::SchoolNotNamed { .. } => Said::kind("school_not_named"),
        I::LastYearList { .. } => Said::kind("last_year_list"),
        I::NextYearList { .. } => Said::kind("next_year_list"),
        I::AdultList { files } => match files.as_slice() {
            [one] => Said::file("adult_list", &one.file),
            _ => Said::kind("adult_list"),
        },
        I::ChangedSincePreview { file } => Said::file("changed_since_preview", file),
        I::PupilsBesideTheList { file, row, .. } => {
            Said { row: Some(*row), ..Said::file("pupils_beside_the_list", file) }
        }
    }
}

fn reconcile(e: &ReconcileError) -> Said {
    use ReconcileError as R;
    match e {
        R::Read(e) => read(e),
        R::Store(e) => store(e),
        R::NoCategoryColumn { file } => Said::file("no_category_column", file),
        R::NotThisList(_) => Said::kind("not_this_list"),
        R::OnlyHidden { file, .. } => Said::file("only_hidden_sheets", file),
        R::ThisDrive { file, .. } => Said::file("this_drive_not_a_list", file),
        R::NoPupilOfDrive { file, .. } => Said::file("matches_no_pupil", file),
        R::EarlierYear { file, .. } => Said::file("earlier_year_list", file),
        R::AmountsInFen { file, .. } => Said::file("amounts_in_fen", file),
        R::HeaderUnitMisfit { file, .. } => Said::file("header_unit_misfit", file),
        R::BeyondAnyPremium { file, .. } => Said::file("beyond_any_premium", file),
        R::AmountColumnUnread { file, .. } => Said::file("amount_column_unread", file),
        R::ChangedSincePreview { file } => Said::file("changed_since_preview", file),
    }
}

fn export(e: &ExportError) -> Said {
    use ExportError as E;
    match e {
        E::Write(e) => read(e),
        E::Store(e) => store(e),
        E::Nothing => Said::kind("no_pupils"),
        E::NoSpecialPupils => Said::kind("no_special_pupils"),
        E::ManySchools(_) => Said::kind("many_schools"),
        E::PickSchool(_) => Said::kind("pick_school"),
        E::NoSuchClass(_) | E::NoClassAtSchool(_) => Said::kind("no_such_class"),
        E::OnlyGraduates(_) => Said::kind("only_graduates"),
        E::DataFile(e) => data_file(e),
        E::NoSuchTemplate { .. } => Said::kind("no_such_template"),
        E::NoPolicy { .. } => Said::kind("no_policy"),
        E::Quote(e) | E::NoticeQuote { reason: e, .. } => quote(e),
        E::NoNotices => Said::kind("no_notices"),
        E::NoticesXlsxOnly => Said::kind("notices_xlsx_only"),
    }
}

fn county(e: &CountyError) -> Said {
    use CountyError as C;
    match e {
        C::Url { .. } => Said::kind("bad_url"),
        C::Connect { .. } => Said::kind("cannot_connect"),
        C::Timeout { .. } => Said::kind("connect_timeout"),
        C::Server(_) => Said::kind("server_error"),
        C::TooNew { .. } => Said::kind("county_too_new"),
        C::NotOwner { .. } => Said::kind("county_not_owner"),
        C::MayNotRemove { .. } => Said::kind("county_may_not_remove"),
        C::PlaceholderSchool { .. } => Said::kind("school_not_named"),
        C::NoCreate { .. } => Said::kind("county_no_create"),
        C::Empty => Said::kind("county_empty"),
        C::NoSchool(_) => Said::kind("no_such_school"),
        C::NoYear { .. } => Said::kind("no_such_year"),
        C::RevealInDryRun => Said::kind("reveal_in_dry_run"),
        C::Busy { .. } => Said::kind("county_busy"),
        C::Io(_) => Said::kind("io"),
        C::File { file, .. } => Said::file("drive_unreadable", file),
        C::ClockAhead { file, .. } => Said::file("push_clock", file),
    }
}

fn data_file(e: &crate::data_file::DataFileError) -> Said {
    use crate::data_file::DataFileError as D;
    match e {
        D::Parse { file, .. } | D::Invalid { file, .. } | D::Read { file, .. } => Said::file("bad_data_file", file),
    }
}

fn quote(e: &crate::domain::policy::QuoteError) -> Said {
    use crate::domain::policy::QuoteError as Q;
    Said::kind(match e {
        Q::UnknownCategory { .. } => "unknown_category",
        Q::OutsideWindows { .. } => "outside_payment_windows",
        Q::NoCoverageLeft { .. } => "no_coverage_left",
        Q::BirthAfterPayment { .. } => "birth_after_payment",
        Q::OtherYear { .. } => "policy_of_other_year",
    })
}

/// What the command line asked of the answer: `--json`, and `--reveal` (whole ID numbers).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Asked {
    json: bool,
    reveal: bool,
}

impl Asked {
    pub(super) fn of(cli: &Cli) -> Self {
        use super::year::YearAction as Y;
        let Some(command) = &cli.command else { return Asked::default() };
        let (json, reveal) = match command {
            Command::Import { json, .. }
            | Command::Add { json, .. }
            | Command::Stats { json, .. }
            | Command::Exports { json }
            | Command::Paths { json }
            | Command::Restore { json, .. }
            | Command::Rollup { json, .. }
            | Command::Policy { action: PolicyAction::List { json } | PolicyAction::Show { json, .. } }
            | Command::Year { action: Y::New { json, .. } | Y::List { json } } => (*json, false),
            Command::Quote(args) => (args.json, false),
            Command::Mark(args) => (args.json, false),
            Command::Find { json, reveal, .. }
            | Command::Reconcile { json, reveal, .. }
            | Command::Check { json, reveal, .. }
            | Command::Push { json, reveal, .. }
            | Command::Merge { json, reveal, .. }
            | Command::Year { action: Y::Leavers { json, reveal, .. } } => (*json, *reveal),
            Command::Demo
            | Command::Export(_)
            | Command::Policy { .. }
            | Command::Backup { .. }
            | Command::Encrypt { .. }
            | Command::Decrypt { .. }
            | Command::School { .. }
            | Command::Completions { .. } => (false, false),
        };
        Asked { json, reveal }
    }

    /// `--json` on a command line clap could not read; its numbers masked, as no reveal was recorded.
    pub(super) fn in_words(args: &[String]) -> Self {
        Asked { json: args.iter().skip(1).any(|a| a == "--json"), reveal: false }
    }

    /// The failure on standard output, when `--json` was asked and nothing was answered there yet (a stopped
    /// command's own answer, `interrupt`, or a report printed before the error came).
    pub(super) fn answer(self, e: &UserError, mask: impl Fn(&str) -> String) {
        if !self.json || super::output::answered() {
            return;
        }
        let shown = |text: &str| {
            let text = mask(text);
            if self.reveal { text } else { mask_id_numbers(&text) }
        };
        let (zh, en) = match &e.said.pair {
            Some(pair) => pair.clone(),
            None => {
                (on_screen(&e.message, Language::Zh).into_owned(), in_language(&e.message, Language::En).into_owned())
            }
        };
        let mut error = serde_json::Map::new();
        error.insert("kind".into(), e.said.kind.into());
        error.insert("message_zh".into(), shown(&zh).into());
        error.insert("message_en".into(), shown(&en).into());
        if let Some(file) = &e.said.file {
            error.insert("file".into(), shown(file).into());
        }
        if let Some(row) = e.said.row {
            error.insert("row".into(), row.into());
        }
        for (name, value) in &e.said.figures {
            error.insert((*name).into(), value.clone());
        }
        // A map of strings and numbers, which JSON always writes.
        let _ = super::output::print_answer(&serde_json::json!({ "ok": false, "error": error }));
    }
}

/// `text` with each whole ID number in it masked as the text output masks one (`4502**********123X`): 15 or 18
/// characters, digits but for a last X. Shorter and longer runs of digits (a phone, a receipt) are left.
pub(super) fn mask_id_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !c.is_ascii_digit() {
            out.push(c);
            i += 1;
            continue;
        }
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let x = chars.get(i + digits).is_some_and(|c| matches!(c, 'X' | 'x'));
        let token: String = chars[i..i + digits + usize::from(x)].iter().collect();
        if matches!((digits, x), (17, true) | (18 | 15, false)) {
            out.push_str(&crate::domain::id_number::mask(&token));
        } else {
            out.push_str(&token);
        }
        i += token.chars().count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_id_numbers_in_a_message_are_masked_and_other_numbers_left() {
        let text = "身份证号码 45020319990101123X 与 450203990101123 不对，电话 13800138000，收据 12345678901234567890";
        assert_eq!(
            mask_id_numbers(text),
            "身份证号码 4502**********123X 与 4502*******1123 不对，电话 13800138000，收据 12345678901234567890"
        );
        assert_eq!(mask_id_numbers("a450203199901011234.csv"), "a4502**********1234.csv");
    }
}
