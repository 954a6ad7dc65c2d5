//! Applying a batch of class-list rows: one transaction, every row accounted for.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Statement, Transaction, TransactionBehavior, params};

use super::fields::{self, Field, FieldChange, categories_from_text, categories_to_text, ensure_school};
use super::read::{EXISTING_VALID, kind_code, sex_code, sex_from};
use super::{AuditContext, Result, Store, StoreError};
use crate::domain::class_label::{ClassKey, join, split};
use crate::domain::coverage::Standing;
use crate::domain::id_number::{self, IdCheck, IdProblem, Sex};
use crate::domain::name_alike::plausibly_same;
use crate::domain::read_back::{self, Reading, Said};
use crate::domain::same_child::Signs;
use crate::domain::search::{push_key_class, push_key_head};
use crate::domain::student::{CategoryMark, Enrollment, PaymentStatus, Student};

/// One pupil as a class list gives them, already cleaned up by the importer.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub school: String,
    /// The file named the school (command line, a school column, a 学校名称 title). When it did not, a pupil
    /// already on the drive keeps their school instead of moving to the default one.
    pub school_given: bool,
    pub name: String,
    pub id_raw: String,
    pub id: IdCheck,
    pub grade: String,
    pub class: String,
    pub phone: String,
    /// The list's 民族 and 居住地址, empty where it gives none: an empty cell never erases what the drive holds.
    pub ethnicity: String,
    pub address: String,
    /// What the list says of the pupil's statuses for the year.
    pub status: ListStatus,
    pub categories: Vec<CategoryMark>,
    /// The list's 备注 for the pupil: a new pupil's note; added to a pupil's own note, never replacing it.
    pub note: String,
    /// "file:row", kept on the pupil for tracing a value back to the list it came from.
    pub source: String,
    /// The row is no pupil of its own but a later row of the pupil of an earlier row of the batch, giving that
    /// pupil only what the earlier row could not (`ImportSession::take_repeat`). The reader reports it as a
    /// repeat of the earlier row.
    pub repeat: Option<RepeatGives>,
    /// The 出生日期 the list gives a pupil without a valid number, kept for the forms that ask for it (the batch
    /// template's 出生日期); a valid number's own birth date is the one kept otherwise.
    pub birth_date: Option<chrono::NaiveDate>,
    /// The sex the list's 性别 cell states (男/女, or the code 1/2), if it states one: what tells a row without an ID
    /// number from another child of its name (`same_child`), a valid number's own sex deciding otherwise.
    pub sex: Option<Sex>,
}

/// What a later row of a pupil an earlier row of the batch gave brings to that pupil (`Incoming::repeat`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepeatGives {
    /// The earlier row gave the same child (the same name) with this row's valid number rounded by a spreadsheet,
    /// written as `rounded`: the pupil takes the whole number (`ImportSession::keep_whole_number`).
    WholeNumber { rounded: String },
    /// The earlier row, of an earlier file, gave the same child with a number held flagged (typed wrong, or an old
    /// 15-digit one converted), written as `held`: the pupil takes this row's valid number, as a later import
    /// corrects such a pupil (`ImportSession::take_valid_number`).
    ValidNumber { held: String },
    /// The earlier row gave the same child (its name, and its number or one written from it) and no phone, and this
    /// row gives one: the pupil's phone, where the pupil holds none (`ImportSession::fill_phone`). The row is handed
    /// under the earlier row's number.
    Phone,
    /// As `Phone`, for the 民族 and 居住地址 the row gives (those not empty), which the earlier row lacked
    /// (`ImportSession::fill_personal`).
    Personal,
}

/// What a later row's phone did to the pupil of an earlier row of the batch that gave none (`RepeatGives::Phone`),
/// for the reader to say at that row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneFilled {
    /// The pupil held no phone and now holds the row's.
    Taken,
    /// The pupil held the row's phone already (the same lists imported before).
    Held,
    /// The pupil held another phone (the drive's, from before the import), which stays.
    Kept(String),
    /// No pupil holds the row's number (its earlier row was not imported): nothing to fill.
    NoPupil,
}

#[cfg(test)]
impl Incoming {
    /// A pupil as row 2 of a list `t.csv` brings them (一年级1班, no phone, no category), for the store's tests.
    pub(crate) fn for_test(school: &str, name: &str, id: &str) -> Incoming {
        Incoming {
            school: school.into(),
            school_given: true,
            name: name.into(),
            id_raw: id.into(),
            id: id_number::check(id, chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")),
            grade: "一年级".into(),
            class: "1班".into(),
            phone: String::new(),
            ethnicity: String::new(),
            address: String::new(),
            status: ListStatus::Nothing,
            categories: Vec::new(),
            note: String::new(),
            source: "t.csv:2".into(),
            repeat: None,
            birth_date: None,
            sex: None,
        }
    }
}

impl Incoming {
    /// Two rows of a batch are the same pupil when this key is equal. A valid ID is a person; an invalid one is
    /// only trusted together with the name, since rounded numbers of different pupils can coincide; with no
    /// ID at all, name and class are all there is.
    pub fn identity(&self) -> String {
        match (&self.id.result, self.id.normalized.is_empty()) {
            (Ok(v), _) => v.number.clone(),
            // A number a spreadsheet made (`id_number::spreadsheet_made`) is a pupil's only in their school and
            // class: two children of one name in two classes given it are two rows, not one repeated.
            (Err(p), false) if id_number::spreadsheet_made(&self.id.normalized, p) => format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{:?}",
                self.id.normalized,
                self.name,
                self.school,
                ClassKey::of(&self.grade, &self.class)
            ),
            (Err(_), false) => format!("{}\u{1f}{}", self.id.normalized, self.name),
            (Err(_), true) => format!("\u{1f}{}\u{1f}{}{}", self.name, self.grade, self.class),
        }
    }
}

/// What a list says of a pupil's statuses for the year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ListStatus {
    /// Nothing: no status column, or an empty cell.
    #[default]
    Nothing,
    /// A school's own list says 是否参保 是: a pupil nobody has asked is 在校参保, as the school registers them.
    Enrolled,
    /// A school's own list says 是否参保 否: nothing is recorded of it, but a pupil the drive holds as paid or
    /// registered at school is said, as the list and the drive disagree.
    NotEnrolled,
    /// One of canbao's own forms: its status cells, read by the definitions that wrote them
    /// (`domain::read_back`), and the reason or place its 备注 gives for 不参保 or 异地参保.
    Form { said: Vec<Said>, reason: Option<String> },
}

/// A row as an import applied it: what it did to the pupil, and what became of its statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub outcome: IncomingOutcome,
    pub status: StatusNote,
    /// A new pupil added beside one already held with the same name, school and class under another valid
    /// number: perhaps one child whose number was corrected on another laptop or in the list, to be said.
    pub look_alike: Option<LookAlike>,
    /// The row made the pupil 不参保 and its form gives no reason (a class list's 参保登记 has no room for one, a
    /// template's 备注 may say 不参保 alone): the pupil is imported so, and the operator must add why.
    pub declined_without_reason: bool,
}

/// A pupil held before an import with a new pupil's name, school and class under another valid number
/// (`Applied::look_alike`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookAlike {
    /// The number held.
    pub number: String,
    /// Born on the day the new pupil's number says: most likely one child whose number was corrected. Another
    /// day may be a corrected birth date, or a second child of the name in the class.
    pub same_birth_date: bool,
}

/// What became of the statuses one of canbao's forms gives a pupil, where the operator must hear of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusNote {
    /// Nothing to say: the form agrees with the drive, says nothing, or gave a new pupil their statuses.
    #[default]
    None,
    /// A pupil already on the drive took the form's statuses: (before, after).
    Set(Standing, Standing),
    /// The form says otherwise than the drive holds (the drive's standing): left as the drive holds it.
    Contradicts(Standing),
    /// The form says something the drive does not hold, but not enough to record it (the drive's standing).
    Undecided(Standing),
    /// The form's status cells disagree among themselves.
    SelfContradicting,
}

impl From<IncomingOutcome> for Applied {
    fn from(outcome: IncomingOutcome) -> Applied {
        Applied { outcome, status: StatusNote::None, look_alike: None, declined_without_reason: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncomingOutcome {
    Added,
    /// Updated, with what of the change the operator is told.
    Updated(Box<Moves>),
    Unchanged,
    /// Nothing written, yet something the operator is told: the row gives a number this drive corrected the
    /// pupil's from, or values the operator corrected away (`Moves::old_number`, `Moves::kept`). Counted as
    /// unchanged.
    Kept(Box<Moves>),
    /// The row's ID number is masked, as canbao masks its exports (`4502**********123X`) or in another shape
    /// (`id_number::masked_ends`), and no single pupil of the drive fits it (same name, school and class, the
    /// number showing the same characters where the mask shows them): nothing is
    /// written, as a masked number can neither make a new pupil nor replace one. `fitting` is how many did
    /// (0, or several).
    MaskedUnmatched {
        fitting: usize,
    },
    /// The row's ID number (or one found to be it) is held by a pupil whose name shares nothing plausible with
    /// the row's (`name_alike::plausibly_same`): another child's row, or the number typed on the wrong row.
    /// Nothing is written, so a paid pupil is not renamed into another child and moved to their class; taken
    /// as given only when the import was told to (`ImportSession::take_other_names`). (held name, list's name)
    OtherName {
        held: String,
        listed: String,
    },
    /// The row gives no ID number, and the drive holds several pupils of its name in its school and class (from
    /// before this batch): which one it is, is not guessed, nor is a new pupil added beside them. Nothing is
    /// written.
    UnnumberedOfSeveral,
}

/// What an update changed that the operator must see before exporting, each as (before, after).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moves {
    /// The list gave the pupil (found by ID number) another name: said, as it may be another child's list (the
    /// tax office's, read as a class list) as well as a corrected spelling.
    pub renamed: Option<(String, String)>,
    /// The list names another school: a school written shorter or otherwise (城关一小 for 城关镇第一小学) moves
    /// every pupil of the list to a school of that name.
    pub school: Option<(String, String)>,
    /// The pupil had a class and the list gives another one (or the same class spelled the drive's other way),
    /// as labels.
    pub class: Option<(String, String)>,
    /// The pupil's name after the update.
    pub name: String,
    /// The row's ID number is one this pupil's was corrected from (with `E`, or by a list that brought the valid
    /// one), so the row is that pupil rather than a second child: (the list's number, the pupil's now).
    pub old_number: Option<(String, String)>,
    /// The row's number is one a spreadsheet rounded (`IdProblem::PrecisionLost`), and the pupil it is holds the
    /// whole number it rounds (`id_number::rounding_of`), which is kept: the pupil's number. Nobody needs asking
    /// for it.
    pub whole_number: Option<String>,
    /// The row's number fails the check and is the valid number this pupil holds typed wrong
    /// (`id_number::mistyped_from`: its check character, or one place in the same class), so the row is that
    /// pupil and the valid number stays: (the list's number, the pupil's).
    pub mistyped_number: Option<(String, String)>,
    /// The row's number is one a spreadsheet rounded, which only the name ties to a pupil, and the row names the
    /// pupil by a name they had before a rename (by a later list, or with `E`): the pupil it is, found by that
    /// name, keeps the name held (`name`). The list's name.
    pub former_name: Option<String>,
    /// The row gives no ID number and is the pupil of that name and class held with a flagged one
    /// (`FLAGGED_OF_CLASS`), as canbao's batch template writes such a pupil's row: the number held, still to be
    /// checked. Not a pupil newly without a number.
    pub number_to_check: Option<String>,
    /// The row gives no ID number (an empty cell, a formula the file holds no result for) and is the one pupil of
    /// that name, school and class held with a valid number, which stays: the number held. Not a second child.
    pub number_kept: Option<String>,
    /// The row's number is flagged, and may be the flagged number the one pupil of its name and class is held with,
    /// written another way (`id_number::flagged_alike`: a spreadsheet's rounding of it, or it with a check
    /// character): that pupil, whose number stays, still to be checked. The number held. Not a second child.
    pub flagged_alike: Option<String>,
    /// The row gives an old 15-digit number (converted to 18) and is the one pupil of its name, school and class held
    /// with a valid 18-character number, which stays (`valid_of_class`), as the pupil held with the old number takes
    /// a valid one the other way round: (the list's number, converted, the pupil's). Not a second child.
    pub old_form_of_valid: Option<(String, String)>,
    /// The pupil was held with a flagged number (mistyped, rounded, shortened) and the row gives the valid one,
    /// which replaced it (`correct_id_number`): (the number held before, the list's).
    pub corrected_number: Option<(String, String)>,
    /// The pupil was added earlier in this import by a row giving no ID number for this name, school and class,
    /// and no pupil of them holds a valid one: this row's number is theirs (`corrected_number` says it), as it
    /// would be had the two rows come in two imports. Not a second child.
    pub unnumbered_taken: bool,
    /// The row gives no ID number and was taken as this pupil by name and class, and gives another phone than the
    /// one the pupil holds: (the list's, the held one). Not taken: such a row may be a second child of the name,
    /// and taking it would change the phone back and forth at each import of the list.
    pub phone_not_taken: Option<(String, String)>,
    /// The row gives no ID number and was taken as this pupil by name and class, who held no phone: the row's
    /// phone was given to the pupil, as the row would have given it with the number. Said, as the row might be
    /// a second child of the name.
    pub phone_filled: Option<String>,
    /// As `phone_not_taken`, for 民族 and 居住地址: the row's value of each of these fields differs from the one the
    /// pupil holds, which stays. The fields.
    pub personal_not_taken: Vec<Field>,
    /// As `phone_filled`, for 民族 and 居住地址: the pupil held none of each of these fields, and took the row's.
    pub personal_filled: Vec<Field>,
    /// The row gives the valid number this pupil's was changed from by hand, and the pupil held none since, or
    /// one that fails the check: the list's number was put back (`restore_number`): (the number held before, the
    /// list's).
    pub number_restored: Option<(String, String)>,
    /// Values the list gives that the operator corrected away since: each kept as the operator left it.
    pub kept: Vec<KeptCorrection>,
    /// Fields the operator had corrected that the list gives a value of its own (neither the corrected one nor
    /// the one it replaced): taken from the list, and said.
    pub over_corrections: Vec<Field>,
    /// The pupil had left before this year (a graduate, or 已离校 in an earlier year: `year::is_former_pupil`)
    /// and the list puts them in a class again: a returning pupil, no longer 已离校. `class` holds where from
    /// and where to.
    pub returned: bool,
    /// The pupil was held without a valid number, with the sex a list's 性别 cell stated, and the valid number that
    /// replaced it (`corrected_number`) gives the other sex: the number's is kept now. The sex stated before.
    pub sex_replaced: Option<Sex>,
}

/// A value an import left as the operator corrected it: `list` is what the list still says (the value the
/// correction replaced), `held` what the pupil keeps. A class is its label (grade and class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCorrection {
    pub field: Field,
    pub list: String,
    pub held: String,
}

impl IncomingOutcome {
    /// The row's invalid number is not the pupil's, whose number the drive holds: it is one the drive corrected
    /// away (`Moves::old_number`), or a spreadsheet's rounding of the whole number the pupil holds
    /// (`Moves::whole_number`), or the pupil's valid number typed wrong (`Moves::mistyped_number`), or none for
    /// the one pupil of that name and class held with a valid number (`Moves::number_kept`). Such a row is no
    /// pupil held with a flagged number.
    pub fn number_held_already(&self) -> bool {
        matches!(self, IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m)
            if m.old_number.is_some() || m.whole_number.is_some() || m.mistyped_number.is_some()
                || m.number_kept.is_some() || m.old_form_of_valid.is_some())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The automatic backup taken just before the commit, if one was: the way back the report may name.
    pub backup: Option<std::path::PathBuf>,
    /// Schools the lists named by a name this drive renamed away from (old, the name now), in the order met: their
    /// rows went to the school under its name now (`Batch::school_now`).
    pub schools_renamed: Vec<(String, String)>,
    /// What each row of `RepeatGives::Phone` did, in the order they were taken (`ImportSession::take_repeat`).
    pub phones_filled: Vec<PhoneFilled>,
    /// The classes the lists wrote another way than the drive (or an earlier row of the import) spells them,
    /// whose pupils went into the class so spelled (`Spellings`), each once.
    pub classes_respelled: Vec<ClassRespelled>,
}

/// A class a list wrote one way (301班) whose pupils went into the class the drive spells another way (三年级1班).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRespelled {
    /// The school of the rows, as the import applied them (a school renamed away from, under its name now).
    pub school: String,
    /// The grade and class as the rows wrote them, and as their pupils were stored.
    pub written: (String, String),
    pub stored: (String, String),
}

/// An import under way: one transaction that rows are applied to as they are read, so a batch of any size
/// is never held whole. Dropped without `finish`, nothing of it is kept.
pub struct ImportSession<'a> {
    /// The insert of a new pupil, prepared once for the session: fetched from the statement cache on every
    /// row it cost a tenth of the row's work (hashing the SQL, clearing 19 bindings on the way back).
    /// Declared before `tx` so it is finalised first.
    insert: Option<Statement<'a>>,
    /// `None` only once `finish` has taken it.
    tx: Option<Transaction<'a>>,
    ctx: AuditContext,
    batch: Batch,
    outcome: ImportOutcome,
    id_invalid: usize,
    /// The triggers set aside for the session (`SET_ASIDE_TRIGGERS`), as their text, put back before the commit.
    set_aside_triggers: Vec<(&'static str, String)>,
    /// The index of `students` set aside while an empty roster is filled, built again before the commit.
    deferred_indexes: Vec<String>,
    /// Where this drive's automatic backups go (`None`: in memory).
    auto_backup: Option<super::backup::AutoBackup>,
    /// The reason of the automatic backup `finish` takes before it commits (`back_up_before_commit`).
    backup_reason: Option<&'static str>,
    /// The drive as the import found it (see `backup::drive_state`): an import that changed nothing in it (the
    /// same list again) takes no backup.
    state_before: Option<String>,
    /// The audit log's kept newest stamp when it stood at the log's last row as the import began
    /// (`super::audit_newest_current`), to be moved past the import's own rows as it commits.
    audit_newest: Option<Option<String>>,
    /// Declared last, so it is dropped after the transaction has ended (see `Unenforced`).
    _unenforced: Unenforced<'a>,
}

/// The connection's foreign-key and CHECK enforcement, set aside for an import's transaction and put back
/// when the session ends, however it ends. Checked on every inserted pupil, they were a twentieth of a first
/// import's work (its school looked up again, its sex, enrollment and payment tested against their lists);
/// yet every value an import writes is one of canbao's own codes, and every school id one it has just found or
/// made in the same transaction. `foreign_keys` can only change outside a transaction: this is made before
/// the transaction begins and dropped after it has ended.
struct Unenforced<'a> {
    conn: &'a Connection,
    foreign_keys: bool,
}

impl<'a> Unenforced<'a> {
    fn new(conn: &'a Connection) -> Result<Self> {
        let foreign_keys: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
        let unenforced = Unenforced { conn, foreign_keys };
        conn.pragma_update(None, "foreign_keys", false)?;
        conn.pragma_update(None, "ignore_check_constraints", true)?;
        Ok(unenforced)
    }
}

impl Drop for Unenforced<'_> {
    fn drop(&mut self) {
        let _ = self.conn.pragma_update(None, "ignore_check_constraints", false);
        let _ = self.conn.pragma_update(None, "foreign_keys", self.foreign_keys);
    }
}

/// Triggers an import drops inside its own transaction and puts back, the same text, before the end. SQLite runs
/// a trigger as a sub-program with its own frame and statement journal on every insert, whether its `WHEN` holds
/// or not (the `WHEN` is tested inside it):
/// - `students_name_order_insert` gives a pupil inserted without a sort key its key; every row an import inserts
///   has one already. It was a tenth of an import's work.
/// - `audit_kept_number` numbers a kept payment (`payment_unapplied`) as it is written; an import writes none,
///   yet every pupil's "created" row ran it: 87 M instructions of 20,000 pupils' 198 M. `finish` numbers any such
///   row of the session all the same, as the trigger would have (`KEEP_NUMBERS_SINCE`).
const SET_ASIDE_TRIGGERS: [&str; 2] = [NAME_ORDER_INSERT_TRIGGER, KEPT_NUMBER_TRIGGER];

const NAME_ORDER_INSERT_TRIGGER: &str = "students_name_order_insert";

const KEPT_NUMBER_TRIGGER: &str = "audit_kept_number";

/// What `audit_kept_number` does, for every row of the session after `?1` at once, in the order written.
const KEEP_NUMBERS_SINCE: &str = "INSERT OR IGNORE INTO kept_numbers(audit_id)
     SELECT id FROM audit WHERE field = 'payment_unapplied' AND id > ?1 AND json_valid(new)
         AND json_extract(new, '$.dismissed') IS NULL AND json_extract(new, '$.undismissed') IS NULL
     ORDER BY id";

/// `KEEP_NUMBERS_SINCE` read through the kept payments' own partial index (`audit_unapplied`) instead of every row
/// the session wrote: taken when the log holds fewer kept payments than the session wrote rows (`FEWER_KEPT_THAN`),
/// as in a first import, which writes a row per pupil into a drive holding none, where reading its rows back was
/// 1.7 % of its writer's work (20,000 pupils: 10.7 M instructions, now 0.1 M). A few rows into a drive of many kept payments still read only those rows.
const KEEP_NUMBERS_SINCE_BY_INDEX: &str = "INSERT OR IGNORE INTO kept_numbers(audit_id)
     SELECT id FROM audit INDEXED BY audit_unapplied
     WHERE field = 'payment_unapplied' AND id > ?1 AND json_valid(new)
         AND json_extract(new, '$.dismissed') IS NULL AND json_extract(new, '$.undismissed') IS NULL
     ORDER BY id";

/// Whether the log holds fewer than ?1 kept payments, by their index: at most ?1 of its entries are read.
const FEWER_KEPT_THAN: &str = "SELECT count(*) < ?1 FROM (
        SELECT 1 FROM audit INDEXED BY audit_unapplied WHERE field = 'payment_unapplied' LIMIT ?1)";

/// The index of valid numbers, which every added pupil lands in at a random place. Into an empty roster nothing
/// is looked up by it, so an import drops it inside its transaction and builds it once from the sorted rows
/// before it commits; being unique, it is checked as it is built, so two pupils with one valid number still
/// fail the import, as an insert would have. The roster index is kept: sorting its long keys at the end cost
/// more than inserting them (a 100k-row import, 5,409 M instructions with it kept, 5,429 M with it built after).
const DEFERRED_INDEXES: [&str; 1] = ["students_valid_id"];

/// The insert of a new pupil. `?15` (the time) and `?18` (the year) are the session's and bound once. A pupil
/// holding the valid number already makes it write nothing (`insert_pupil`), rather than fail.
const INSERT_STUDENT: &str =
    "INSERT OR IGNORE INTO students(school_id, name, id_raw, id_number, id_kind, id_problem, sex,
        birth_date, grade, class, phone, enrollment, categories, source, created_at, updated_at, class_order,
        name_order, seen_year, categories_year, note, payment, decline_reason, ethnicity, address)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
             ?23, ?24)";

impl Store {
    /// Starts an import. Each pupil's identity (`Incoming::identity`) must come at most once per session: the
    /// class-list reader reports later rows of the same pupil as duplicates instead of applying them.
    pub fn begin_import(&mut self) -> Result<ImportSession<'_>> {
        let ctx = self.audit_context("import");
        let auto_backup = self.auto_backup();
        // The session's statements and its transaction borrow the connection for the session's whole life;
        // `&mut self` keeps any other transaction from starting meanwhile, which is what the checked
        // constructor would have ensured.
        let conn: &Connection = &self.conn;
        let unenforced = Unenforced::new(conn)?;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        // The large cache is taken once the session exists, so that its `Drop` puts the small one back whatever
        // fails from here on; an import that could not begin (another program writing the drive) never takes it.
        let mut session = ImportSession {
            insert: None,
            tx: Some(tx),
            ctx,
            batch: Batch::default(),
            outcome: ImportOutcome::default(),
            id_invalid: 0,
            set_aside_triggers: Vec::new(),
            deferred_indexes: Vec::new(),
            auto_backup,
            backup_reason: None,
            state_before: None,
            audit_newest: None,
            _unenforced: unenforced,
        };
        let tx = session.tx.as_ref().ok_or(StoreError::ImportFinished)?;
        tx.pragma_update(None, "cache_size", super::CLASS_LIST_CACHE_KIB)?;
        session.batch.year = session.ctx.year;
        let first: Option<String> =
            tx.query_row("SELECT value FROM meta WHERE key = 'first_year'", [], |r| r.get(0)).optional()?;
        session.batch.first_year = first.and_then(|f| f.parse::<i32>().ok());
        session.batch.unseen_is_current = session.batch.first_year == session.ctx.year;
        // Rowids only grow, so the pupils this batch adds are exactly those above today's largest.
        session.batch.last_before = tx.query_row("SELECT coalesce(max(id), 0) FROM students", [], |r| r.get(0))?;
        session.batch.audit_before = tx.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?;
        session.audit_newest = super::audit_newest_current(tx, session.batch.audit_before)?;
        // On an empty roster nothing can match: every pupil of the batch comes once.
        session.batch.roster_was_empty =
            !tx.query_row("SELECT EXISTS(SELECT 1 FROM students)", [], |r| r.get::<_, bool>(0))?;
        // The names of the pupils held with a flagged number (few, read once through `students_bad_name`): a
        // row whose name none has cannot be one of them, and skips the look-alike query.
        session.batch.flagged_names = tx
            .prepare("SELECT DISTINCT name FROM students WHERE id_problem IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        // Few too, read once through `students_converted_name`.
        if !session.batch.roster_was_empty {
            session.batch.converted_names =
                tx.prepare(CONVERTED_NAMES)?.query_map([], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
        }
        // Few too, read once through `audit_corrected_from`.
        session.batch.corrected_away = tx
            .prepare(
                "SELECT DISTINCT old FROM audit
                 WHERE field = 'id_number' AND old IS NOT NULL AND action <> 'reveal'",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        // Few, read once through `audit_renamed_from`; none can match in an empty roster.
        if !session.batch.roster_was_empty {
            session.batch.renamed_from = tx
                .prepare("SELECT DISTINCT old FROM audit WHERE field = 'name' AND old IS NOT NULL")?
                .query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
        }
        // Schema changes are part of the transaction: a failed or dry-run import rolls the triggers back in with
        // everything else, and no other connection ever sees the drive without them.
        for name in SET_ASIDE_TRIGGERS {
            let sql: Option<String> = tx
                .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", [name], |r| r.get(0))
                .optional()?;
            if let Some(sql) = sql {
                tx.execute_batch(&format!("DROP TRIGGER {name}"))?;
                session.set_aside_triggers.push((name, sql));
            }
        }
        if session.batch.roster_was_empty {
            for name in DEFERRED_INDEXES {
                let sql: Option<String> = tx
                    .query_row("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", [name], |r| r.get(0))
                    .optional()?;
                if let Some(sql) = sql {
                    tx.execute_batch(&format!("DROP INDEX {name}"))?;
                    session.deferred_indexes.push(sql);
                }
            }
        }
        let mut insert = conn.prepare(INSERT_STUDENT)?;
        insert.raw_bind_parameter(15, &session.ctx.at)?;
        insert.raw_bind_parameter(18, session.batch.year)?;
        session.insert = Some(insert);
        Ok(session)
    }

    /// Adds or updates every pupil of `rows` in one transaction; a later row of a pupil already in `rows` is
    /// left out, as the class-list reader does. With `dry_run` the same work is done and then rolled back, so
    /// the report is exactly what a real import would do.
    pub fn apply_import(
        &mut self,
        rows: &[Incoming],
        files: &[String],
        duplicates: usize,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let mut session = self.begin_import()?;
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            if row.repeat.is_some() {
                session.take_repeat(row)?;
            } else if seen.insert(row.identity()) {
                session.apply(row)?;
            }
        }
        session.finish(files, duplicates, dry_run)
    }
}

/// The row gives no ID number at all (an empty cell, a formula the file holds no result for).
fn gives_no_number(row: &Incoming) -> bool {
    row.id.normalized.is_empty() && !row.id.is_valid()
}

/// What applying a row into an empty roster gives beyond `applied_to_empty_roster`: the pupil of another row of
/// the batch, of the same name, school and class, one giving no number and the other a valid one (or a row
/// without a number left out for several such).
fn of_another_row(outcome: &IncomingOutcome) -> bool {
    match outcome {
        IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m) => {
            m.unnumbered_taken || m.number_kept.is_some() || m.number_to_check.is_some()
        }
        IncomingOutcome::UnnumberedOfSeveral => true,
        _ => false,
    }
}

/// What a row's number shows when it is masked (canbao's export come back, or a list another system masked),
/// which `apply_masked` matches.
fn masked_ends(row: &Incoming) -> Option<id_number::MaskedEnds<'_>> {
    if row.id.is_valid() { None } else { id_number::masked_ends(&row.id.normalized) }
}

/// What applying `row` does to a drive whose roster was empty when the import began: nothing there to match,
/// so a row is a new pupil, or (a masked number, `id_number::masked_ends`) left out for want of one it could
/// stand for. Known without the drive, it lets a first import read its files on one thread while another
/// writes the rows (`ImportSession::fills_empty_roster`); `apply` gives the same.
pub fn applied_to_empty_roster(row: &Incoming) -> Applied {
    if masked_ends(row).is_some() {
        return IncomingOutcome::MaskedUnmatched { fitting: 0 }.into();
    }
    let (standing, reason, status) = new_pupils_standing(&row.status);
    let declined_without_reason = standing.enrollment == Enrollment::Declined && reason.is_none();
    Applied { outcome: IncomingOutcome::Added, status, look_alike: None, declined_without_reason }
}

/// What of a row the writer needs that can be worked out before it reaches the writer: its name's sort key and
/// its search key up to the class (which the writer may spell otherwise). A first import works them out on its
/// reading thread (`ImportSession::apply_read`), where they cost the writer nothing.
pub struct RowKeys {
    name_order: String,
    key_head: String,
}

/// The buffers `RowKeys::with` works a row's keys out in, kept from row to row by the thread that reads them:
/// a name's readings grew their strings a character at a time, a dozen allocations a row.
#[derive(Default)]
pub struct KeyBuffers {
    name_keys: crate::domain::pinyin_keys::NameKeys,
    name_order: String,
    key_head: String,
}

impl RowKeys {
    pub fn of(row: &Incoming) -> RowKeys {
        RowKeys::with(row, &mut KeyBuffers::default())
    }

    /// `of`, worked out in `buffers`: the keys kept are copied out at their length, one allocation each.
    pub fn with(row: &Incoming, buffers: &mut KeyBuffers) -> RowKeys {
        let KeyBuffers { name_keys, name_order, key_head } = buffers;
        crate::domain::pinyin_keys::name_keys_and_order_into(&row.name, name_keys, name_order);
        key_head.clear();
        push_key_head(key_head, &row.name, name_keys, stored_number(row));
        RowKeys { name_order: name_order.as_str().to_owned(), key_head: key_head.as_str().to_owned() }
    }
}

/// The pupil a later row of the batch is a repeat of (`RepeatGives::Phone`, `RepeatGives::Personal`), by the row's
/// number: valid, or flagged and found as the earlier row was. None where no pupil holds it.
fn pupil_of_repeat(tx: &Transaction, row: &Incoming, last_before: i64) -> Result<Option<i64>> {
    Ok(match &row.id.result {
        Ok(valid) => tx.prepare_cached(EXISTING_VALID)?.query_row([&valid.number], |r| r.get(0)).optional()?,
        // A flagged number: the pupil its earlier row was found or added as, looked up as that row was.
        Err(_) if !row.id.normalized.is_empty() => match existing(tx, row, last_before)? {
            Existing::Found(id, _) => Some(id),
            _ => match flagged_pupil_alike(tx, row, last_before)? {
                Some((id, _)) => Some(id),
                None => valid_pupil_mistyped_as(tx, row, last_before)?.map(|(id, _)| id),
            },
        },
        Err(_) => None,
    })
}

/// The number a row's pupil is stored with: the valid one as checked, else the row's number cleaned.
fn stored_number(row: &Incoming) -> &str {
    match &row.id.result {
        Ok(v) => v.number.as_str(),
        Err(_) => row.id.normalized.as_str(),
    }
}

impl ImportSession<'_> {
    /// The drive held no pupil when the import began, so what each row does is known before it is written
    /// (`applied_to_empty_roster`).
    pub fn fills_empty_roster(&self) -> bool {
        self.batch.roster_was_empty
    }

    pub fn apply(&mut self, row: &Incoming) -> Result<Applied> {
        self.apply_read(row, None)
    }

    /// How many of `numbers` (valid ID numbers) the drive held before this import began: the pupils it added
    /// since are above `last_before`. Tells a department's list from the school's own (`class_list`).
    pub fn numbers_held_before(&self, numbers: &[String]) -> Result<usize> {
        let tx = self.tx.as_ref().ok_or(StoreError::ImportFinished)?;
        let mut held = tx.prepare_cached("SELECT EXISTS(SELECT 1 FROM students WHERE id_number = ?1 AND id <= ?2)")?;
        let mut count = 0;
        for number in numbers {
            if held.query_row(rusqlite::params![number, self.batch.last_before], |r| r.get::<_, bool>(0))? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// `apply`, with the row's keys already worked out (`RowKeys::of(row)`).
    pub fn apply_read(&mut self, row: &Incoming, keys: Option<&RowKeys>) -> Result<Applied> {
        let (Some(tx), Some(insert)) = (self.tx.as_ref(), self.insert.as_mut()) else {
            return Err(StoreError::ImportFinished);
        };
        self.batch.applied_since += 1;
        let renamed = match self.batch.school_now(tx, &row.school)? {
            Some(now) => {
                if !self.outcome.schools_renamed.iter().any(|(old, _)| *old == row.school) {
                    self.outcome.schools_renamed.push((row.school.clone(), now.clone()));
                }
                Some(Incoming { school: now, ..row.clone() })
            }
            None => None,
        };
        let row = renamed.as_ref().unwrap_or(row);
        let respelled = self.batch.spellings.respell(tx, self.batch.roster_was_empty, row)?;
        let row = respelled.as_ref().unwrap_or(row);
        // A drive empty when the import began holds no pupil whose number a row's could be printed from.
        let printed = if self.batch.roster_was_empty { None } else { printed_from_held(tx, row)? };
        let (row, keys) = match &printed {
            Some(rounded) => (rounded, None),
            None => (row, keys),
        };
        let masked = masked_ends(row);
        let result = match masked {
            Some(ends) => apply_masked(tx, &self.ctx, &mut self.batch, row, ends)?,
            None => apply_one(tx, insert, &self.ctx, &mut self.batch, row, keys)?,
        };
        if result.outcome == IncomingOutcome::Added && gives_no_number(row) {
            self.batch.unnumbered_added.insert(row.name.clone());
        }
        match result.outcome {
            IncomingOutcome::Added => self.outcome.added += 1,
            IncomingOutcome::Updated(_) => self.outcome.updated += 1,
            IncomingOutcome::Unchanged | IncomingOutcome::Kept(_) => self.outcome.unchanged += 1,
            IncomingOutcome::MaskedUnmatched { .. }
            | IncomingOutcome::OtherName { .. }
            | IncomingOutcome::UnnumberedOfSeveral => {}
        }
        // A row found by a number the drive corrected away, or rounded from one it holds, is no pupil held with
        // a flagged number.
        // Nor is a row left out.
        self.id_invalid += usize::from(
            row.id.to_verify()
                && masked.is_none()
                && !result.outcome.number_held_already()
                && result.outcome != IncomingOutcome::UnnumberedOfSeveral,
        );
        // The row without a number counted before is this row's pupil now, with a valid number.
        let taken =
            matches!(&result.outcome, IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m) if m.unnumbered_taken);
        self.id_invalid = self.id_invalid.saturating_sub(usize::from(taken));
        debug_assert!(
            !self.batch.roster_was_empty || result == applied_to_empty_roster(row) || of_another_row(&result.outcome)
        );
        Ok(result)
    }

    /// A row that is no pupil of its own (`Incoming::repeat`): what it gives the pupil of its earlier row is
    /// taken.
    pub fn take_repeat(&mut self, row: &Incoming) -> Result<()> {
        match &row.repeat {
            Some(RepeatGives::WholeNumber { rounded }) => self.keep_whole_number(row, rounded),
            Some(RepeatGives::ValidNumber { held }) => self.take_valid_number(row, held),
            Some(RepeatGives::Phone) => {
                let filled = self.fill_phone(row)?;
                self.outcome.phones_filled.push(filled);
                Ok(())
            }
            Some(RepeatGives::Personal) => self.fill_personal(row),
            None => Err(StoreError::ImportFinished),
        }
    }

    /// A later row's phone for the pupil of the row's number (valid, or flagged and found as the earlier row was),
    /// whose earlier row of the batch gave none (`RepeatGives::Phone`): taken where the pupil holds no phone, as the earlier row would have written it had
    /// it given it. A pupil holding a phone keeps it: an empty cell never erased it, and the first row of the
    /// batch (or the drive, before it) wins over a later one, as with a class.
    fn fill_phone(&mut self, row: &Incoming) -> Result<PhoneFilled> {
        let Some(tx) = self.tx.as_ref() else {
            return Err(StoreError::ImportFinished);
        };
        let Some(id) = pupil_of_repeat(tx, row, self.batch.last_before)? else { return Ok(PhoneFilled::NoPupil) };
        if id > self.batch.last_before {
            // Added by this batch: its key and creation are written first, so the change follows them.
            self.batch.write_pending(tx, &self.ctx)?;
        }
        let held: String = tx
            .prepare_cached("SELECT CAST(phone AS TEXT) FROM students WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, Option<String>>(0))?
            .unwrap_or_default();
        if held == row.phone {
            return Ok(PhoneFilled::Held);
        }
        if !held.is_empty() {
            return Ok(PhoneFilled::Kept(held));
        }
        self.fill_repeat(id, &[FieldChange::new(Field::Phone, Some(&row.phone))])?;
        Ok(PhoneFilled::Taken)
    }

    /// A later row's 民族 and 居住地址 for the pupil of its earlier row, which gave none (`RepeatGives::Personal`):
    /// each taken where the pupil holds none, as `fill_phone` takes a phone; one held stays.
    fn fill_personal(&mut self, row: &Incoming) -> Result<()> {
        let Some(tx) = self.tx.as_ref() else {
            return Err(StoreError::ImportFinished);
        };
        let Some(id) = pupil_of_repeat(tx, row, self.batch.last_before)? else { return Ok(()) };
        if id > self.batch.last_before {
            self.batch.write_pending(tx, &self.ctx)?;
        }
        let (ethnicity, address): (Option<String>, Option<String>) = tx
            .prepare_cached("SELECT CAST(ethnicity AS TEXT), CAST(address AS TEXT) FROM students WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut changes: Vec<FieldChange> = Vec::new();
        for (field, listed, held) in
            [(Field::Ethnicity, &row.ethnicity, ethnicity), (Field::Address, &row.address, address)]
        {
            if listed.is_empty() || !held.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            // One the operator cleared (E, `mark`) stays cleared, as a list's value does not undo their correction.
            let newest: Option<String> = tx
                .prepare_cached(
                    "SELECT action FROM audit WHERE student_id = ?1 AND field = ?2 ORDER BY id DESC LIMIT 1",
                )?
                .query_row(params![id, field.key()], |r| r.get(0))
                .optional()?;
            if newest.is_some_and(|action| OPERATOR_CORRECTIONS.contains(&action.as_str())) {
                continue;
            }
            changes.push(FieldChange::new(field, Some(listed)));
        }
        if !changes.is_empty() {
            self.fill_repeat(id, &changes)?;
        }
        Ok(())
    }

    /// Writes what a later row gave the pupil `id` of its earlier row. A pupil held before whom the earlier row
    /// changed nothing was counted unchanged: updated now.
    fn fill_repeat(&mut self, id: i64, changes: &[FieldChange]) -> Result<()> {
        let Some(tx) = self.tx.as_ref() else {
            return Err(StoreError::ImportFinished);
        };
        let counted_unchanged = id <= self.batch.last_before
            && !tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM audit WHERE student_id = ?1 AND id > ?2)")?
                .query_row(params![id, self.batch.audit_before], |r| r.get::<_, bool>(0))?;
        fields::apply(tx, &self.ctx, id, changes)?;
        if counted_unchanged {
            self.outcome.unchanged = self.outcome.unchanged.saturating_sub(1);
            self.outcome.updated += 1;
        }
        Ok(())
    }

    /// A row given as the whole number of a rounded one an earlier row of the batch gave (`RepeatGives::WholeNumber`):
    /// the pupil that row is, held with that rounded number still (added by this batch, or found on the drive),
    /// takes the whole number, as a valid number arriving for a pupil held rounded does (`correct_id_number`).
    /// Nothing is done where a pupil holds the whole number already, or no pupil of the name holds the rounded
    /// one; the row itself is no pupil, and counted as none.
    fn keep_whole_number(&mut self, row: &Incoming, rounded: &str) -> Result<()> {
        // Else found on the drive with the number written another way (`flagged_pupil_alike`).
        self.number_for_held(row, rounded, |tx, last_before| {
            Ok(flagged_same_pupil(tx, row, last_before)?.map(|(id, _)| id))
        })
    }

    /// A row giving the valid number of the pupil an earlier row of the batch gave with `held`, flagged or an old
    /// 15-digit number converted (`RepeatGives::ValidNumber`): that pupil (added by this batch, or found on the
    /// drive) takes the number, audited, as when the two rows' files are imported one after the other. Nothing is
    /// done where a pupil holds the valid number already, or none of the name holds `held`.
    fn take_valid_number(&mut self, row: &Incoming, held: &str) -> Result<()> {
        // Else the old 15-digit number converted.
        self.number_for_held(row, held, |tx, _| {
            Ok(tx.prepare_cached(CONVERTED_NAMED)?.query_row(params![held, row.name], |r| r.get(0)).optional()?)
        })
    }

    /// The row's valid number given to the pupil of its name held flagged with `held` (`FLAGGED_NAMED`), else to
    /// the one `fallback` finds (given the last pupil held before the batch), as `keep_whole_number` and
    /// `take_valid_number` say. Nothing is done where a pupil holds the valid number already.
    fn number_for_held(
        &mut self,
        row: &Incoming,
        held: &str,
        fallback: impl FnOnce(&Transaction, i64) -> Result<Option<i64>>,
    ) -> Result<()> {
        let Some(tx) = self.tx.as_ref() else {
            return Err(StoreError::ImportFinished);
        };
        let Ok(valid) = &row.id.result else { return Ok(()) };
        if tx.prepare_cached(EXISTING_VALID)?.query_row([&valid.number], |r| r.get::<_, i64>(0)).optional()?.is_some() {
            return Ok(());
        }
        let flagged: Option<i64> =
            tx.prepare_cached(FLAGGED_NAMED)?.query_row(params![held, row.name], |r| r.get(0)).optional()?;
        let found = match flagged {
            Some(id) => Some(id),
            None => fallback(tx, self.batch.last_before)?,
        };
        let Some(id) = found else { return Ok(()) };
        if id > self.batch.last_before {
            // Added by this batch: its key and creation are written first, so the correction follows them.
            self.batch.write_pending(tx, &self.ctx)?;
        }
        if let Some((old, _)) = correct_id_number(tx, &self.ctx, id, row)? {
            self.batch.corrected_away.insert(old);
        }
        Ok(())
    }

    /// Rows giving a pupil's number under a name that is not plausibly theirs rename the pupil as the list
    /// says, instead of being held back (`IncomingOutcome::OtherName`): the operator checked them.
    pub fn take_other_names(&mut self, take: bool) {
        self.batch.other_names_taken = take;
    }

    /// From here on a new pupil's look-alike (`Applied::look_alike`) is left out of what `apply_read` returns,
    /// to be asked of all the rows applied since in one statement by `settle_look_alikes`: asked row by row it
    /// was a quarter of a day's batch into a large drive, most of it binding and running a statement that finds
    /// nothing.
    pub fn defer_look_alikes(&mut self) {
        self.batch.look_alikes_deferred = true;
    }

    /// Fills in the look-alikes `defer_look_alikes` left out of `applied`, the answers of every row applied since
    /// the last call (`apply_read`'s, in order, one for each).
    pub fn settle_look_alikes(&mut self, applied: &mut [Applied]) -> Result<()> {
        let tx = self.tx.as_ref().ok_or(StoreError::ImportFinished)?;
        let due = std::mem::take(&mut self.batch.look_alikes_due);
        self.batch.applied_since = 0;
        let (Some(&(_, first)), Some(&(_, last))) = (due.first(), due.last()) else { return Ok(()) };
        let mut stmt = tx.prepare_cached(LOOK_ALIKES)?;
        let mut rows = stmt.query(params![first, last, self.batch.last_before])?;
        while let Some(r) = rows.next()? {
            let (id, number, same_birth_date): (i64, String, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
            // Pupils are added in rowid order, so `due` is sorted by it.
            if let Ok(at) = due.binary_search_by_key(&id, |&(_, id)| id)
                && let Some(answer) = applied.get_mut(due[at].0)
            {
                answer.look_alike = Some(LookAlike { number, same_birth_date });
            }
        }
        Ok(())
    }

    /// Has `finish` take the drive's automatic backup before `reason` just before it commits: once every row
    /// has been read and applied, so an import that fails on the way (a file missing, unreadable or refused)
    /// takes no backup. A dry run takes none. Asked before the first row is applied, as the drive's state is
    /// read here to tell whether the import changed it; read only when a backup may follow, as it reads every
    /// pupil (a third of a day's batch into a 100k-pupil drive, which a preview or a dry run does not need).
    pub fn back_up_before_commit(&mut self, reason: &'static str) -> Result<()> {
        debug_assert!(self.outcome == ImportOutcome::default() && self.batch.added.pending.is_none());
        if self.auto_backup.is_some() && self.state_before.is_none() {
            let tx = self.tx.as_ref().ok_or(StoreError::ImportFinished)?;
            self.state_before = Some(super::backup::drive_state(tx)?);
        }
        self.backup_reason = Some(reason);
        Ok(())
    }

    /// Writes what is still pending and commits, or with `dry_run` rolls everything back.
    pub fn finish(mut self, files: &[String], duplicates: usize, dry_run: bool) -> Result<ImportOutcome> {
        let tx = self.tx.as_ref().ok_or(StoreError::ImportFinished)?;
        self.batch.write_pending(tx, &self.ctx)?;
        self.insert = None;
        // Built before a dry run ends too, so its report fails as the real import would.
        for sql in std::mem::take(&mut self.deferred_indexes) {
            tx.execute_batch(&sql)?;
        }
        // Back to the small cache whatever happens next, so the memory is released for the rest of the session.
        // Cache size is not transactional, and the pages the commit still needs are pinned until it is done.
        tx.pragma_update(None, "cache_size", super::READ_CACHE_KIB)?;
        let mut outcome = std::mem::take(&mut self.outcome);
        outcome.classes_respelled = std::mem::take(&mut self.batch.spellings.respelled);
        let tx = self.tx.take().ok_or(StoreError::ImportFinished)?;
        if dry_run {
            tx.rollback()?;
            return Ok(outcome);
        }
        let triggers = std::mem::take(&mut self.set_aside_triggers);
        if triggers.iter().any(|(name, _)| *name == KEPT_NUMBER_TRIGGER) {
            let written: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?;
            let written = written - self.batch.audit_before;
            let by_index: bool = tx.query_row(FEWER_KEPT_THAN, [written], |r| r.get(0))?;
            let keep = if by_index { KEEP_NUMBERS_SINCE_BY_INDEX } else { KEEP_NUMBERS_SINCE };
            tx.execute(keep, [self.batch.audit_before])?;
        }
        for (_, sql) in triggers {
            tx.execute_batch(&sql)?;
        }

        let applied = outcome.added + outcome.updated + outcome.unchanged;
        tx.execute(
            "INSERT INTO imports(at, operator, files, rows_read, added, updated, unchanged, duplicates, id_invalid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                self.ctx.at,
                self.ctx.operator,
                serde_json::to_string(files).unwrap_or_default(),
                applied as i64,
                outcome.added as i64,
                outcome.updated as i64,
                outcome.unchanged as i64,
                duplicates as i64,
                self.id_invalid as i64
            ],
        )?;
        // The rows this import wrote, all stamped `ctx.at`, are not read again at the next writer's open (a
        // batch into a large drive writes as many as it has pupils) when the mark was current before them.
        if let Some(kept) = &self.audit_newest {
            super::audit_newest_past_own_rows(&tx, kept.as_deref(), self.batch.audit_before, &self.ctx.at)?;
        }
        // Last, when nothing is left that could fail the import but the commit itself.
        // A pupil added changes the count of pupils the state holds: the drive changed, without reading it again.
        if let (Some(auto), Some(reason)) = (&self.auto_backup, self.backup_reason)
            && (outcome.added > 0 || self.state_before != Some(super::backup::drive_state(&tx)?))
        {
            outcome.backup = Some(auto.take_during(&tx, reason, self.state_before.as_deref())?);
        }
        tx.commit()?;
        Ok(outcome)
    }
}

impl Drop for ImportSession<'_> {
    fn drop(&mut self) {
        // An import that failed: back to the small cache before the rollback, as `finish` does.
        if let Some(tx) = &self.tx {
            let _ = tx.pragma_update(None, "cache_size", super::READ_CACHE_KIB);
        }
    }
}

// The per-row look-ups of an import, each by an index (see `tests::every_per_row_lookup_uses_an_index`); the
// valid number's is `read::EXISTING_VALID`, which a single look-up shares.

/// The names held with an old 15-digit number, read once before an import's rows, through their own index
/// (`students_converted_name`): few, where reading the roster for them cost in proportion to the drive.
pub(crate) const CONVERTED_NAMES: &str = "SELECT DISTINCT name FROM students INDEXED BY students_converted_name \
     WHERE id_kind = 'resident_converted' AND id_problem IS NULL";

/// A valid pupil of that number and name first, else a flagged one: two index look-ups (each partial index
/// covers one kind), where one query over both kinds read the whole roster.
pub(crate) const EXISTING_FLAGGED: &str = "SELECT id FROM (
        SELECT id, 0 AS flagged FROM students WHERE id_number = ?1 AND id_problem IS NULL AND name = ?2
        UNION ALL
        SELECT id, 1 FROM students WHERE id_number = ?1 AND id_problem IS NOT NULL AND name = ?2
    ) ORDER BY flagged LIMIT 1";
/// The pupils of a name held with a flagged number ?1, in the school the list names (?3) or in any, with their
/// class: those a number a spreadsheet made may be, in the row's class only (`pupil_of_flagged_number`).
pub(crate) const FLAGGED_NUMBER_OF_SCHOOL: &str = "SELECT s.id, s.grade, s.class FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE s.id_number = ?1 AND s.id_problem IS NOT NULL AND s.name = ?2 AND (?3 IS NULL OR sc.name = ?3)";
pub(crate) const EXISTING_UNNUMBERED: &str = "SELECT s.id, s.id_number = ?2 AND s.id_problem = 'precision_lost' FROM students s
         JOIN schools sc ON sc.id = s.school_id
                 WHERE s.id_number = '' AND s.id_problem IS NOT NULL AND s.name = ?1 AND s.grade = ?2 AND s.class = ?3 AND sc.name = ?4";

/// The pupils of a name and class held with a flagged number (not none): the one a row without a number is.
pub(crate) const FLAGGED_OF_CLASS: &str = "SELECT s.id, s.id_number, s.sex, s.note FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE s.name = ?1 AND s.id_problem IS NOT NULL AND s.id_number <> '' AND s.grade = ?2 AND s.class = ?3
             AND sc.name = ?4 LIMIT 2";

/// The pupils of a name and class held with a valid number, for a row giving none: by the roster index, within
/// the class (?5 its sort key), with whether the number is an old 15-digit one (converted to 18), whose row
/// canbao's batch template writes without it as it does a flagged one's. A pupil added earlier in this batch is
/// one too: a list giving a child's row with the number and another without it is one child, in one import as
/// in two. At most three: one is the row's pupil, two or more are never guessed.
pub(crate) const VALID_OF_CLASS: &str =
    "SELECT s.id, s.id_number, s.id_kind = 'resident_converted', s.sex, s.note FROM schools sc
         JOIN students s ON s.school_id = sc.id AND s.class_order = ?5
         WHERE sc.name = ?4 AND s.id_problem IS NULL AND s.name = ?1
             AND s.grade = ?2 AND s.class = ?3 LIMIT 3";

/// The pupils from before this batch whose number was corrected from ?1, with their number and name now: by
/// the index of corrected numbers (`audit_corrected_from`), for a row found on no pupil. A pupil corrected from
/// it twice comes twice: told apart by the caller, as DISTINCT would open a temporary table for every row read.
pub(crate) const CORRECTED_FROM: &str = "SELECT s.id, s.id_number, s.name FROM audit a
         JOIN students s ON s.id = a.student_id
         WHERE a.field = 'id_number' AND a.old = ?1 AND a.action <> 'reveal' AND s.id <= ?2";

/// The one pupil, up to `last_before`, whose number this drive corrected from `number` (with `E`, by a list that
/// brought the valid number, or in a merge), and who has `name` (now, or before a correction; any name when
/// `None`): with the pupil's number now. Two such pupils are neither: nothing is guessed.
fn pupil_corrected_from(
    conn: &Connection,
    number: &str,
    name: Option<&str>,
    last_before: i64,
) -> Result<Option<(i64, String)>> {
    let mut candidates: Vec<(i64, String, String)> = conn
        .prepare_cached(CORRECTED_FROM)?
        .query_map(params![number, last_before], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    candidates.sort_unstable_by_key(|(id, ..)| *id);
    candidates.dedup_by_key(|(id, ..)| *id);
    let mut found = None;
    for (id, held, now) in candidates {
        let named =
            match name {
                None => true,
                Some(name) => now == name
                    || conn
                        .prepare_cached(
                            "SELECT EXISTS(SELECT 1 FROM audit WHERE student_id = ?1 AND field = 'name' AND old = ?2)",
                        )?
                        .query_row(params![id, name], |r| r.get::<_, bool>(0))?,
            };
        if held == number || !named {
            continue;
        }
        if found.is_some() {
            return Ok(None);
        }
        found = Some((id, held));
    }
    Ok(found)
}

impl Store {
    /// The one pupil whose number this drive corrected from `number`, under `name` (now, or before a
    /// correction; any name when empty): the pupil an agency's list still names by the old number, as the import
    /// finds it (`Batch::corrected_from`).
    pub fn student_corrected_from(&self, number: &str, name: &str) -> Result<Option<Student>> {
        if number.is_empty() {
            return Ok(None);
        }
        let name = (!name.is_empty()).then_some(name);
        match pupil_corrected_from(&self.conn, number, name, i64::MAX)? {
            Some((id, _)) => self.student(id).map(Some),
            None => Ok(None),
        }
    }

    /// Whether `number` is one a program printed from the double nearest the whole number a pupil named
    /// `name` holds (`holds_number_printed_as`): that pupil's number rounded, read as a spreadsheet's rounding.
    pub fn holds_number_printed_as(&self, number: &str, name: &str) -> Result<bool> {
        holds_number_printed_as(&self.conn, number, name)
    }

    /// The one pupil of `name` that `rounded`, a number a spreadsheet held as a number (15 significant digits
    /// kept), can be: held with a whole number that rounds to it (`pupils_holding_whole_number`), or flagged with
    /// the same 15 digits. `None` when there is none or more than one, or when the number kept fewer digits
    /// (4.50202E+17): never a guess between children.
    pub fn student_of_rounded_number(&self, rounded: &str, name: &str) -> Result<Option<Student>> {
        let Some(kept) = id_number::fifteen_digits_kept(rounded).filter(|_| !name.is_empty()) else {
            return Ok(None);
        };
        let mut ids: Vec<i64> =
            pupils_holding_whole_number(&self.conn, rounded, name, i64::MAX)?.into_iter().map(|(id, _)| id).collect();
        for flagged in self.flagged_students_named(name)? {
            if id_number::fifteen_digits_kept(&flagged.id_number).as_deref() == Some(kept.as_str())
                && !ids.contains(&flagged.id)
            {
                ids.push(flagged.id);
            }
        }
        match ids.as_slice() {
            [id] => self.student(*id).map(Some),
            _ => Ok(None),
        }
    }
}

/// Valid pupils of that name whose numbers lie near a rounded one (?1..?2): the numbers a spreadsheet could
/// have rounded to it. By the index of valid numbers.
pub(crate) const VALID_NEAR: &str = "SELECT id, id_number FROM students
         WHERE id_number >= ?1 AND id_number <= ?2 AND id_problem IS NULL AND name = ?3";

/// How far from its 15 digits kept a whole number can lie: a number is cut or rounded up at the 15th digit, the
/// double nearest it (as a numeric cell holds it) as much as 32 away.
const ROUNDED_FROM_WITHIN: u64 = 1_100;

/// The pupils a rounded number (a list whose numbers a program wrote into numeric cells, cut or rounded at the
/// 15th digit) may be: those of the name the drive holds with a whole number that rounds to it, however the
/// program rounded it (`id_number::rounding_of`), up to `last_before` (two rows of one list are two entries, never
/// merged by guess). With each one's number. Empty for a number shown with fewer digits (4.50202E+17), which many
/// children share.
fn pupils_holding_whole_number(
    conn: &Connection,
    rounded: &str,
    name: &str,
    last_before: i64,
) -> Result<Vec<(i64, String)>> {
    let Some(kept) = id_number::fifteen_digits_kept(rounded) else { return Ok(Vec::new()) };
    let Ok(value) = kept.parse::<u64>() else { return Ok(Vec::new()) };
    let low = format!("{:018}", value.saturating_sub(ROUNDED_FROM_WITHIN));
    let high = format!("{:018}X", value + ROUNDED_FROM_WITHIN);
    let mut stmt = conn.prepare_cached(VALID_NEAR)?;
    let near: Vec<(i64, String)> =
        stmt.query_map(params![low, high, name], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(near
        .into_iter()
        .filter(|(id, number)| {
            *id <= last_before && id_number::rounding_of(number, rounded) == Some(id_number::Rounding::Fifteen)
        })
        .collect())
}

/// Whether a pupil of the name holds a valid number other than `printed` that a program printing the double
/// nearest it writes as `printed` (`id_number::printed_from`), and none holds `printed` itself or held it.
fn holds_number_printed_as(conn: &Connection, printed: &str, name: &str) -> Result<bool> {
    let Some(value) = printed.parse::<u64>().ok().filter(|_| printed.len() == 18 && !name.is_empty()) else {
        return Ok(false);
    };
    // A number a pupil holds, or held before a correction, is that pupil's, whatever a double makes of another.
    if id_number::printed_double(printed).is_none()
        || conn.prepare_cached(EXISTING_VALID)?.query_row([printed], |r| r.get::<_, i64>(0)).optional()?.is_some()
        || conn
            .prepare_cached(CORRECTED_FROM)?
            .query_row(params![printed, i64::MAX], |r| r.get::<_, i64>(0))
            .optional()?
            .is_some()
    {
        return Ok(false);
    }
    let low = format!("{:018}", value.saturating_sub(id_number::PRINTED_WITHIN));
    let high = format!("{:018}X", value + id_number::PRINTED_WITHIN);
    let mut stmt = conn.prepare_cached(VALID_NEAR)?;
    let mut near = stmt.query(params![low, high, name])?;
    while let Some(r) = near.next()? {
        if id_number::printed_from(&r.get::<_, String>(1)?, printed) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A row whose number is one a program printed from the double nearest the whole number a pupil of its name holds
/// (`holds_number_printed_as`): that number rounded, its check digit failing or holding by chance (one in eleven
/// does), as an import of the list in a numeric cell reads it, so the row is that pupil, never a second child.
fn printed_from_held(conn: &Connection, row: &Incoming) -> Result<Option<Incoming>> {
    if !id_number::may_be_printed(&row.id) || !holds_number_printed_as(conn, &row.id.normalized, &row.name)? {
        return Ok(None);
    }
    Ok(Some(Incoming { id: id_number::as_rounded(row.id.clone()), ..row.clone() }))
}

/// A rounded number for a pupil the drive holds with the whole number (from a list typed as text, the family's
/// card, `E`): the same child when the name agrees and the whole number rounds to this one
/// (`pupils_holding_whole_number`). Imported again, the teacher's numeric list is then that pupil, not a second
/// child, and nobody is asked for a number the drive holds. Only one such pupil is trusted. With the pupil's number.
fn pupil_holding_whole_number(tx: &Transaction, row: &Incoming, last_before: i64) -> Result<Option<(i64, String)>> {
    let mut alike = pupils_holding_whole_number(tx, &row.id.normalized, &row.name, last_before)?.into_iter();
    Ok(match (alike.next(), alike.next()) {
        (Some(found), None) => Some(found),
        _ => None,
    })
}

/// A number shown shorter than 15 digits (4.50E+17, as a narrow cell or a scientific format shows it) for the one
/// pupil of the row's name, school and class holding a whole number it rounds (`id_number::Rounding::Shown`): that
/// child, as `id_number::flagged_may_be` pairs them the other way round, never a second one beside them. With the
/// pupil's number.
fn pupil_of_class_holding_shown_number(
    tx: &Transaction,
    row: &Incoming,
    last_before: i64,
) -> Result<Option<(i64, String)>> {
    if id_number::fifteen_digits_kept(&row.id.normalized).is_some() || (row.grade.is_empty() && row.class.is_empty()) {
        return Ok(None);
    }
    let order = crate::domain::class_label::order_key(&row.grade, &row.class);
    let school = row.school_given.then_some(row.school.as_str());
    let class = ClassKey::of(&row.grade, &row.class);
    let mut stmt = tx.prepare_cached(VALID_SAME_CLASS)?;
    let mut rows = stmt.query(params![order, row.name, school, last_before])?;
    let mut found = None;
    while let Some(r) = rows.next()? {
        let (id, number, grade, class_name): (i64, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        if ClassKey::of(&grade, &class_name) != class
            || id_number::rounding_of(&number, &row.id.normalized) != Some(id_number::Rounding::Shown)
        {
            continue;
        }
        if found.is_some() {
            return Ok(None);
        }
        found = Some((id, number));
    }
    Ok(found)
}

/// The pupil a row is, found by its number: its id, and what is known of the row's number: the whole number the
/// pupil holds when the row's is that number rounded by a spreadsheet (`pupil_holding_whole_number`), or the
/// flagged number held when the row gives none (`FLAGGED_OF_CLASS`).
fn existing(tx: &Transaction, row: &Incoming, last_before: i64) -> Result<Existing> {
    let found = match (&row.id.result, row.id.normalized.is_empty()) {
        (Ok(v), _) => tx.prepare_cached(EXISTING_VALID)?.query_row([&v.number], |r| r.get(0)).optional()?,
        // An old 15-digit number whose 18-digit form ends in 000 is stored valid, yet reads back as a rounded
        // number (the same text Excel makes of a long number); with the same name it is that pupil again.
        (Err(problem), false) => {
            let flagged = pupil_of_flagged_number(tx, row, problem)?;
            match flagged {
                None if matches!(problem, IdProblem::PrecisionLost) => {
                    let whole = match pupil_holding_whole_number(tx, row, last_before)? {
                        Some(found) => Some(found),
                        None => pupil_of_class_holding_shown_number(tx, row, last_before)?,
                    };
                    return Ok(match whole {
                        Some((id, whole)) => {
                            Existing::Found(id, Box::new(Known { whole_number: Some(whole), ..Known::default() }))
                        }
                        None => Existing::None,
                    });
                }
                found => found,
            }
        }
        (Err(_), true) => {
            let keys = params![row.name, row.grade, row.class, row.school];
            match tx.prepare_cached(EXISTING_UNNUMBERED)?.query_row(keys, |r| r.get(0)).optional()? {
                Some(id) => Some(id),
                // The pupil held with a flagged number, whose row canbao's batch template writes without it (a
                // number that must not be uploaded): that pupil, when the class has one of that name, never a
                // second child without a number.
                None => {
                    let flagged: Vec<Held> = tx
                        .prepare_cached(FLAGGED_OF_CLASS)?
                        .query_map(keys, |r| {
                            Ok((r.get(0)?, r.get(1)?, held_signs(r.get(2)?, &r.get::<_, String>(3)?)))
                        })?
                        .collect::<rusqlite::Result<_>>()?;
                    return unnumbered_of_class(tx, row, flagged, Some(row_signs(row)));
                }
            }
        }
    };
    Ok(match found {
        Some(id) => Existing::Found(id, Box::default()),
        None => Existing::None,
    })
}

/// The pupil of the row's name holding its flagged number as written (a valid one first: an old 15-digit number
/// converted reads back as a rounded one). A number a spreadsheet made (`id_number::spreadsheet_made`), which
/// another child of the name may be given in another class, finds a flagged pupil only in the row's school and
/// class: elsewhere it is another child, never one moved there.
fn pupil_of_flagged_number(tx: &Transaction, row: &Incoming, problem: &IdProblem) -> Result<Option<i64>> {
    let number = &row.id.normalized;
    if !id_number::spreadsheet_made(number, problem) {
        return Ok(tx
            .prepare_cached(EXISTING_FLAGGED)?
            .query_row(params![number, row.name], |r| r.get(0))
            .optional()?);
    }
    let valid: Option<(i64, String)> =
        tx.prepare_cached(VALID_NAMED)?.query_row([number], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    if let Some((id, _)) = valid.filter(|(_, name)| *name == row.name) {
        return Ok(Some(id));
    }
    let class = ClassKey::of(&row.grade, &row.class);
    let school = row.school_given.then_some(row.school.as_str());
    let mut stmt = tx.prepare_cached(FLAGGED_NUMBER_OF_SCHOOL)?;
    let mut held = stmt.query(params![number, row.name, school])?;
    while let Some(r) = held.next()? {
        let (id, grade, class_name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if ClassKey::of(&grade, &class_name) == class {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The pupil a row giving no number is, among those of its name, school and class held with a number (not none):
/// `flagged` (`FLAGGED_OF_CLASS`), or one holding a valid number. A pupil held with an old 15-digit number, which
/// canbao's batch template leaves out as it does a flagged one, is one of the flagged; one held with a valid
/// number, whose row a list left empty (an uncomputed formula, a number still to be copied in), is the same
/// child, never a second copy of them without a number.
///
/// With `signs` (the row's, `row_signs`), the one such pupil whose sex differs from the row's, or of whom a 备注
/// says they are two children (`same_child`), is another child: none is found, and the row is a pupil of its own.
fn unnumbered_of_class(
    tx: &Transaction,
    row: &Incoming,
    mut flagged: Vec<Held>,
    signs: Option<Signs>,
) -> Result<Existing> {
    let mut kept = Vec::new();
    if flagged.len() < 2 {
        let order = crate::domain::class_label::order_key(&row.grade, &row.class);
        let valid = params![row.name, row.grade, row.class, row.school, order];
        let mut stmt = tx.prepare_cached(VALID_OF_CLASS)?;
        let mut rows = stmt.query(valid)?;
        while let Some(r) = rows.next()? {
            let (id, held, old): (i64, String, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let theirs = held_signs(r.get(3)?, &r.get::<_, String>(4)?);
            if old { flagged.push((id, held, theirs)) } else { kept.push((id, held, theirs)) }
        }
    }
    let apart = |theirs: &Signs| signs.is_some_and(|ours| ours.apart(theirs).is_some());
    Ok(match (flagged.as_slice(), kept.as_slice()) {
        ([(_, _, theirs)], []) | ([], [(_, _, theirs)]) if apart(theirs) => Existing::None,
        ([(id, held, _)], []) => {
            Existing::Found(*id, Box::new(Known { number_to_check: Some(held.clone()), ..Known::default() }))
        }
        ([], [(id, held, _)]) => {
            Existing::Found(*id, Box::new(Known { number_kept: Some(held.clone()), ..Known::default() }))
        }
        ([], []) => Existing::None,
        _ => Existing::Several,
    })
}

/// A pupil held with a number, as `unnumbered_of_class` weighs them: id, number, and what else is known of the child.
type Held = (i64, String, Signs);

/// What a row says of its child beside name and class (`same_child::Signs`).
fn row_signs(row: &Incoming) -> Signs {
    Signs::of_row(row.id.valid().map(|v| v.sex), row.sex, &row.note)
}

/// What the drive holds of a pupil's child beside name and class: the sex of their number, or without a valid one
/// the sex a list's 性别 cell stated when the pupil was added, and their note.
fn held_signs(sex: Option<String>, note: &str) -> Signs {
    Signs::of_row(sex_from(sex.as_deref()), None, note)
}

/// The pupils of a name and class that this batch added without a number (?5: the largest id before it): the one
/// a later row giving a valid number of that name, school and class is. By the index of flagged numbers.
pub(crate) const UNNUMBERED_ADDED_OF_CLASS: &str = "SELECT s.id, s.sex, s.note FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE s.id_number = '' AND s.id_problem IS NOT NULL AND s.name = ?1 AND s.grade = ?2 AND s.class = ?3
             AND sc.name = ?4 AND +s.id > ?5 LIMIT 2";

/// The one pupil an earlier row of this batch added without a number, of the name, school and class of `row`, a
/// row giving a valid number, when no pupil of them holds a valid one: the row is that child, as an import of it
/// after the batch would find (`flagged_same_pupil`), and the child was a row without a number that came first
/// (in one import, a row without a number after this one would be this pupil too: `VALID_OF_CLASS`).
///
/// A child whose sex (as its row stated it, kept on the pupil) differs from the row's number's, or of whom a
/// 备注 says the two are two children (`same_child`), is another child.
fn unnumbered_added_of_class(tx: &Transaction, batch: &Batch, row: &Incoming) -> Result<Option<i64>> {
    let keys = params![row.name, row.grade, row.class, row.school, batch.last_before];
    let added: Vec<(i64, Signs)> = tx
        .prepare_cached(UNNUMBERED_ADDED_OF_CLASS)?
        .query_map(keys, |r| Ok((r.get(0)?, held_signs(r.get(1)?, &r.get::<_, String>(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    let [(id, theirs)] = added.as_slice() else { return Ok(None) };
    if row_signs(row).apart(theirs).is_some() {
        return Ok(None);
    }
    Ok(match unnumbered_of_class(tx, row, Vec::new(), None)? {
        Existing::None => Some(*id),
        _ => None,
    })
}

/// The pupil a row is, as `existing` finds them.
enum Existing {
    Found(i64, Box<Known>),
    None,
    /// The row gives no number, and the drive holds several pupils of its name in its school and class (by a
    /// valid number, or a flagged one): which of them it is, is not guessed.
    Several,
}

/// The maps below are asked on every row, and SipHash cost more than the look-ups themselves; their keys are a
/// batch's schools and classes, a few dozen, so collisions aimed at a weaker hash could do no harm.
type Hasher = foldhash::fast::RandomState;

/// What one import keeps between rows.
#[derive(Default)]
struct Batch {
    roster_was_empty: bool,
    /// A row naming a pupil (found by number) by a name that is not plausibly theirs renames them all the same:
    /// the operator said the list is right (`ImportSession::take_other_names`).
    other_names_taken: bool,
    /// The drive's current insured year: pupils on the lists are seen in it (`seen_year`).
    year: Option<i32>,
    /// The current year is the file's first, so a pupil never marked seen (NULL) was seen in it already.
    unseen_is_current: bool,
    /// The file's first insured year: what a NULL `categories_year` means.
    first_year: Option<i32>,
    /// Names of the pupils held with a flagged number before this batch.
    flagged_names: std::collections::HashSet<String, Hasher>,
    /// Names of the pupils held before this batch with an old 15-digit number converted to 18 (`converted_of_class`).
    converted_names: std::collections::HashSet<String, Hasher>,
    /// Names of the pupils this batch added from rows giving no number: a later row giving a valid number under
    /// one of them may be that child (`unnumbered_added_of_class`).
    unnumbered_added: std::collections::HashSet<String, Hasher>,
    /// Every number this drive corrected a pupil's from, and those this batch corrects: a row whose number is
    /// none of them skips the look-up of the pupil it was corrected on (`corrected_from`).
    corrected_away: std::collections::HashSet<String, Hasher>,
    /// Every name a pupil had before a rename, read when the roster held pupils: a rounded number's row whose
    /// name is none of them skips the look-up of a pupil renamed since (`renamed_holding_rounded`).
    renamed_from: std::collections::HashSet<String, Hasher>,
    /// The largest pupil id before this batch: larger ones were added by it.
    last_before: i64,
    /// The largest audit id before this batch: a pupil held before it with none above was left unchanged by it.
    audit_before: i64,
    schools: HashMap<String, i64, Hasher>,
    /// Each school a row named, with the name the drive renamed it to since, if it did (`Batch::school_now`).
    school_names_now: HashMap<String, Option<String>, Hasher>,
    /// Grade, then class → (sort key, label).
    classes: HashMap<String, HashMap<String, (String, String), Hasher>, Hasher>,
    added: Added,
    spellings: Spellings,
    /// The name's readings and sort key of the pupil being added, their buffers kept from row to row.
    name_keys: crate::domain::pinyin_keys::NameKeys,
    name_order: String,
    bound: Bound,
    /// The birth date being bound.
    date: String,
    /// The look-alikes of new pupils are asked of several rows at once (`ImportSession::defer_look_alikes`).
    look_alikes_deferred: bool,
    /// The rows applied since the look-alikes were last asked: the place of the row being applied among them.
    applied_since: usize,
    /// The new pupils whose look-alike is still to be asked, each with the place of its row (`applied_since`).
    look_alikes_due: Vec<(usize, i64)>,
}

/// How each school's classes are spelled on the drive, so a list writing a class another way (3年级2班 for the
/// drive's 三年级2班, 初一1班 for 七年级1班, 三年级(2)班) puts its pupils in the class the drive has rather than
/// in a second one that sorts into the same place. A class new to the drive is spelled as the import first
/// writes it.
#[derive(Default)]
struct Spellings {
    /// School → class → the grade and class its pupils are stored with.
    known: HashMap<String, HashMap<ClassKey, (String, String), Hasher>, Hasher>,
    /// School, grade, class as the lists wrote them → the spelling to store instead, if another: lists write
    /// their few dozen classes the same way row after row, and each is read once.
    read: HashMap<String, HashMap<String, ClassesRead, Hasher>, Hasher>,
    /// Each class read to be stored another way, once, in the order met (`ImportOutcome::classes_respelled`).
    respelled: Vec<ClassRespelled>,
}

/// Class as a list wrote it → the grade and class to store instead, if another.
type ClassesRead = HashMap<String, Option<(String, String)>, Hasher>;

impl Spellings {
    /// The row with its class spelled as the drive spells it, when the list spelled it another way.
    fn respell(&mut self, tx: &Transaction, roster_was_empty: bool, row: &Incoming) -> Result<Option<Incoming>> {
        if row.grade.is_empty() && row.class.is_empty() {
            return Ok(None);
        }
        let read = self.read.get(&row.school).and_then(|g| g.get(&row.grade)).and_then(|c| c.get(&row.class));
        let spelled = match read {
            Some(spelled) => spelled.clone(),
            None => {
                if !self.known.contains_key(&row.school) {
                    let known = if roster_was_empty { HashMap::default() } else { drive_spellings(tx, &row.school)? };
                    self.known.insert(row.school.clone(), known);
                }
                let known = self.known.entry(row.school.clone()).or_default();
                let label = join(&row.grade, &row.class);
                let key = ClassKey::parse(&label);
                // 301班 for the drive's 三年级1班, or the other way: one class of a school numbering its classes by
                // year, one list read by year and another not (no grade in it to tell 三年级 from 初三).
                let other_way = match known.contains_key(&key) {
                    true => None,
                    false => crate::domain::class_label::by_year_spelling(&row.grade, &row.class)
                        .and_then(|other| known.get(&other).cloned()),
                };
                if let Some(held) = other_way {
                    known.insert(key.clone(), held);
                }
                let spelled = match known.entry(key) {
                    std::collections::hash_map::Entry::Occupied(held) => {
                        let (grade, class) = held.get();
                        (join(grade, class) != label).then(|| held.get().clone())
                    }
                    std::collections::hash_map::Entry::Vacant(new) => {
                        new.insert((row.grade.clone(), row.class.clone()));
                        None
                    }
                };
                self.read
                    .entry(row.school.clone())
                    .or_default()
                    .entry(row.grade.clone())
                    .or_default()
                    .insert(row.class.clone(), spelled.clone());
                if let Some(stored) = &spelled {
                    self.respelled.push(ClassRespelled {
                        school: row.school.clone(),
                        written: (row.grade.clone(), row.class.clone()),
                        stored: stored.clone(),
                    });
                }
                spelled
            }
        };
        Ok(spelled.map(|(grade, class)| Incoming { grade, class, ..row.clone() }))
    }
}

/// A school's classes on the drive by what they mean. A class held under two spellings already (from lists
/// imported before spellings were read as one) is known by the one the forms show: its first pupil's.
///
/// Read one class at a time down the roster index, a few entries per class whatever the school's size: the first
/// pupil of each class (by its sort key) gives the class's spelling. Grouping every pupil of the school by class
/// read and sorted the whole school instead, once per import: 0.13 s of a 5k-pupil batch into a 100k-pupil drive.
/// A second spelling of another class sharing one sort key with the first (only grades the forms cannot rank) is
/// not seen: a list writing it gets it as the list spells it, as for a class new to the drive.
fn drive_spellings(tx: &Transaction, school: &str) -> Result<HashMap<ClassKey, (String, String), Hasher>> {
    let mut known: HashMap<ClassKey, (String, String), Hasher> = HashMap::default();
    let school_id: Option<i64> =
        tx.query_row("SELECT id FROM schools WHERE name = ?1", [school], |r| r.get(0)).optional()?;
    let Some(school_id) = school_id else { return Ok(known) };
    let mut first = tx.prepare_cached(SCHOOLS_FIRST_CLASS)?;
    let mut next = tx.prepare_cached(SCHOOLS_NEXT_CLASS)?;
    let mut class = first.query_row([school_id], class_and_spelling).optional()?;
    while let Some((order, grade, class_name)) = class {
        if !(grade.is_empty() && class_name.is_empty()) {
            known.entry(ClassKey::of(&grade, &class_name)).or_insert((grade, class_name));
        }
        class = next.query_row(params![school_id, order], class_and_spelling).optional()?;
    }
    Ok(known)
}

fn class_and_spelling(r: &rusqlite::Row) -> rusqlite::Result<(String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

/// The school `school` was last renamed to (followed through later renames, 甲 to 乙 then 乙 to 丙), when no pupil
/// is under `school` and one is under that name. Asked once per school an import names; the log is read only for a
/// school the drive held once and holds no pupil of now, which a list rarely names.
fn school_renamed_to(tx: &Transaction, school: &str) -> Result<Option<String>> {
    let held =
        |name: &str| -> Result<bool> { Ok(tx.prepare_cached(SCHOOL_HOLDS_PUPILS)?.query_row([name], |r| r.get(0))?) };
    let known: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM schools WHERE name = ?1)", [school], |r| r.get(0))?;
    if !known || held(school)? {
        return Ok(None);
    }
    let mut seen = std::collections::BTreeSet::from([school.to_owned()]);
    let mut name = school.to_owned();
    loop {
        let next: Option<String> = tx
            .query_row(
                "SELECT new FROM audit WHERE field = 'school' AND action = 'rename' AND old = ?1 AND new IS NOT NULL
                 ORDER BY id DESC LIMIT 1",
                [&name],
                |r| r.get(0),
            )
            .optional()?;
        let Some(next) = next else { return Ok(None) };
        // A name renamed back to one already passed leads nowhere to take.
        if !seen.insert(next.clone()) {
            return Ok(None);
        }
        if held(&next)? {
            return Ok(Some(next));
        }
        name = next;
    }
}

/// Whether a school of that name holds a pupil: by the roster index.
const SCHOOL_HOLDS_PUPILS: &str = "SELECT EXISTS(SELECT 1 FROM schools sc JOIN students s ON s.school_id = sc.id
         WHERE sc.name = ?1)";

/// A school's first class by the roster's order, with its first pupil's spelling of it: by the roster index.
pub(crate) const SCHOOLS_FIRST_CLASS: &str = "SELECT class_order, grade, class FROM students
         WHERE school_id = ?1 ORDER BY class_order, name_order LIMIT 1";
/// The school's class after ?2 by the roster's order, likewise.
pub(crate) const SCHOOLS_NEXT_CLASS: &str = "SELECT class_order, grade, class FROM students
         WHERE school_id = ?1 AND class_order > ?2 ORDER BY class_order, name_order LIMIT 1";

/// The texts bound to the insert that repeat from pupil to pupil: the kind of number, its problem, the sex,
/// the enrollment and the empty category list. A binding stays in the statement from one row to the next, and
/// SQLite copies every text bound, a tenth of the insert's cost; one that has not changed is left as it is.
#[derive(Default)]
struct Bound {
    /// What each parameter holds, where known: `Some(None)` is NULL.
    texts: [Option<Option<&'static str>>; 23],
}

impl Bound {
    fn bind(&mut self, insert: &mut Statement, index: usize, value: Option<&'static str>) -> Result<()> {
        if self.texts.get(index) == Some(&Some(value)) {
            return Ok(());
        }
        insert.raw_bind_parameter(index, value)?;
        if let Some(slot) = self.texts.get_mut(index) {
            *slot = Some(value);
        }
        Ok(())
    }

    /// Binds a text of this row only; the parameter's value is no longer known.
    fn bind_other(&mut self, insert: &mut Statement, index: usize, value: &str) -> Result<()> {
        insert.raw_bind_parameter(index, value)?;
        if let Some(slot) = self.texts.get_mut(index) {
            *slot = None;
        }
        Ok(())
    }
}

/// The pupils a batch added whose search keys and "created" audit rows are not written yet.
#[derive(Default)]
struct Added {
    /// Their search key records, all of one block (the one being filled), as the block's text holds them
    /// (`search_blocks::start_record`).
    keys: String,
    /// The block `keys` belong to and the last pupil in them.
    pending: Option<(i64, i64)>,
    /// Added pupils up to this id have their "created" audit row.
    created_up_to: i64,
}

/// The row's number as the drive would hold it: the valid number, else the text as normalized.
fn row_number(row: &Incoming) -> &str {
    match &row.id.result {
        Ok(v) => &v.number,
        Err(_) => &row.id.normalized,
    }
}

impl Batch {
    /// The one pupil, from before this batch, whose number this drive corrected from the row's (with `E`, by a
    /// list that brought the valid number, or in a merge), and who has the row's name (now, or before a
    /// correction): the teacher's list, imported again uncorrected, is that child, not a second one. With the
    /// pupil's number now.
    fn corrected_from(&self, tx: &Transaction, row: &Incoming) -> Result<Option<(i64, String)>> {
        let number = row_number(row);
        if self.roster_was_empty || number.is_empty() || !self.corrected_away.contains(number) {
            return Ok(None);
        }
        pupil_corrected_from(tx, number, Some(&row.name), self.last_before)
    }

    /// The one pupil, from before this batch, that a row's rounded number (15 digits kept) is under a name they
    /// had before a rename (by a later list, or with `E`): held with a whole number that rounds to it, or flagged
    /// with the same 15 digits. Asked only where the row's name is one a pupil was renamed from and no pupil holds
    /// such a number under it now. With the pupil's name now and the whole number held, if any; two such pupils
    /// are neither: nothing is guessed.
    fn renamed_holding_rounded(
        &self,
        tx: &Transaction,
        row: &Incoming,
    ) -> Result<Option<(i64, String, Option<String>)>> {
        if self.roster_was_empty
            || row.id.problem() != Some(&IdProblem::PrecisionLost)
            || !self.renamed_from.contains(&row.name)
        {
            return Ok(None);
        }
        let Some(kept) = id_number::fifteen_digits_kept(&row.id.normalized) else { return Ok(None) };
        // Several pupils of the name now fit (`pupil_holding_whole_number` took none): not guessed between.
        if !pupils_holding_whole_number(tx, &row.id.normalized, &row.name, self.last_before)?.is_empty() {
            return Ok(None);
        }
        let mut stmt = tx.prepare_cached(RENAMED_FROM)?;
        let mut renamed = stmt.query(params![row.name, self.last_before])?;
        let mut found: Option<(i64, String, Option<String>)> = None;
        while let Some(r) = renamed.next()? {
            let (id, number, problem, now): (i64, String, Option<String>, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            // Under the name now the look-ups before this one decided.
            if now == row.name || found.as_ref().is_some_and(|(f, ..)| *f == id) {
                continue;
            }
            let whole = match problem.as_deref() {
                None => (id_number::rounding_of(&number, &row.id.normalized) == Some(id_number::Rounding::Fifteen))
                    .then(|| Some(number.clone())),
                Some(code) if code == IdProblem::PrecisionLost.code() => {
                    (id_number::fifteen_digits_kept(&number).as_deref() == Some(kept.as_str())).then_some(None)
                }
                Some(_) => None,
            };
            let Some(whole) = whole else { continue };
            if found.is_some() {
                return Ok(None);
            }
            found = Some((id, now, whole));
        }
        Ok(found)
    }

    /// Writes the search keys and "created" audit rows of the pupils added since the last call: as each block
    /// of keys fills, before a pupil of this batch is changed again (so its history starts with its creation,
    /// as it was created), and at the end.
    fn write_pending(&mut self, tx: &Transaction, ctx: &AuditContext) -> Result<()> {
        self.added.write(tx, ctx, self.last_before)
    }
}

impl Added {
    fn write(&mut self, tx: &Transaction, ctx: &AuditContext, last_before: i64) -> Result<()> {
        let Some((block, last)) = self.pending.take() else { return Ok(()) };
        super::search_blocks::put_block(tx, block, &self.keys)?;
        self.keys.clear();
        // Written by SQLite from the rows just inserted rather than bound row by row: the same rows, at a
        // tenth of the cost.
        tx.prepare_cached(
            "INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
             SELECT ?1, ?2, ?3, ?4, id, id_number, 'created', NULL, source, ?7 FROM students
             WHERE id > ?5 AND id <= ?6 ORDER BY id",
        )?
        .execute(params![
            ctx.at,
            ctx.operator,
            ctx.origin,
            ctx.action,
            self.created_up_to.max(last_before),
            last,
            ctx.year
        ])?;
        self.created_up_to = last;
        Ok(())
    }
}

/// The pupils of one class (by its sort key) and name, before this batch, in the school the list names or in
/// any: those a masked number of that name and class may stand for. By the roster index.
pub(crate) const MASKED_SAME_CLASS: &str = "SELECT s.id, s.id_number, s.grade, s.class FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE s.class_order = ?1 AND s.name = ?2 AND (?3 IS NULL OR sc.name = ?3) AND +s.id <= ?4";

/// A row whose number is masked (a class list or sheet canbao exported for a teacher, come back, or a list
/// another system masked in its own shape): the one pupil of the same name, school and class whose number shows
/// the same characters where the mask shows them is that row, and takes what the
/// teacher changed (the number stays the whole one held). With none, or several, the row is left out: a
/// masked number is no pupil's number, and adding it would list the child twice.
fn apply_masked(
    tx: &Transaction,
    ctx: &AuditContext,
    batch: &mut Batch,
    row: &Incoming,
    ends: id_number::MaskedEnds,
) -> Result<Applied> {
    if batch.roster_was_empty {
        return Ok(IncomingOutcome::MaskedUnmatched { fitting: 0 }.into());
    }
    let order = crate::domain::class_label::order_key(&row.grade, &row.class);
    let school = row.school_given.then_some(row.school.as_str());
    let class = ClassKey::of(&row.grade, &row.class);
    let mut stmt = tx.prepare_cached(MASKED_SAME_CLASS)?;
    let found: Vec<(i64, String, String, String)> = stmt
        .query_map(params![order, row.name, school, batch.last_before], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let fitting: Vec<i64> = found
        .into_iter()
        .filter(|(_, number, grade, class_name)| ends.fits(number) && ClassKey::of(grade, class_name) == class)
        .map(|(id, ..)| id)
        .collect();
    match fitting.as_slice() {
        [id] => {
            seen(tx, batch, *id)?;
            update_existing(tx, ctx, *id, row, batch, Known::default())
        }
        _ => Ok(IncomingOutcome::MaskedUnmatched { fitting: fitting.len() }.into()),
    }
}

fn apply_one(
    tx: &Transaction,
    insert: &mut Statement,
    ctx: &AuditContext,
    batch: &mut Batch,
    row: &Incoming,
    keys: Option<&RowKeys>,
) -> Result<Applied> {
    // A valid number of a school already met, that no look-up before the insert can claim (the number is none
    // the drive corrected away, no flagged pupil has the name): the insert itself finds whether a pupil holds
    // the number, by the unique index it must probe anyway, instead of a look-up of the same index before it.
    // Held already, the insert writes nothing and the row is looked up as any other.
    if !batch.roster_was_empty
        && let Ok(valid) = &row.id.result
        && let Some(&school_id) = batch.schools.get(&row.school)
        && !batch.corrected_away.contains(&valid.number)
        && !batch.flagged_names.contains(&row.name)
        && !batch.converted_names.contains(&row.name)
        && valid.kind != id_number::IdKind::ResidentConverted
        && (batch.unnumbered_added.is_empty() || !batch.unnumbered_added.contains(&row.name))
        && let Some(applied) = insert_pupil(tx, insert, ctx, batch, row, keys, school_id)?
    {
        return Ok(applied);
    }
    let found = if !batch.roster_was_empty {
        existing(tx, row, batch.last_before)?
    } else if gives_no_number(row) {
        // Nothing was held, but an earlier row of this batch may have given the child's number.
        unnumbered_of_class(tx, row, Vec::new(), Some(row_signs(row)))?
    } else {
        Existing::None
    };
    if let Existing::Several = found {
        return Ok(IncomingOutcome::UnnumberedOfSeveral.into());
    }
    if let Existing::Found(id, known) = found {
        if id > batch.last_before {
            // Added earlier in this batch: its key and creation are written first, so the update follows them.
            batch.write_pending(tx, ctx)?;
        }
        seen(tx, batch, id)?;
        return update_existing(tx, ctx, id, row, batch, *known);
    }
    // The number exactly as this drive held it before a correction: stronger evidence than any look-alike.
    if let Some((id, held)) = batch.corrected_from(tx, row)? {
        seen(tx, batch, id)?;
        // The valid number changed by hand to nothing, or to one that fails the check (a digit mistyped over
        // it): the list's number is the pupil's, put back, where keeping the hand's would leave the pupil no
        // number an agency can match. A valid number held is the operator's correction, kept.
        if row.id.result.is_ok() && holds_no_valid_number(tx, id)? && !number_taken(tx, row_number(row), id)? {
            return restore_number(tx, ctx, batch, id, row);
        }
        let known = Known { old_number: Some((row_number(row).to_owned(), held)), ..Known::default() };
        return update_existing(tx, ctx, id, row, batch, known);
    }
    if let Some((id, now, whole_number)) = batch.renamed_holding_rounded(tx, row)? {
        seen(tx, batch, id)?;
        // The list is older than the rename: the name the pupil was renamed to stays.
        let known = Known { whole_number, former_name: Some(row.name.clone()), ..Known::default() };
        let row = Incoming { name: now, ..row.clone() };
        return update_existing(tx, ctx, id, &row, batch, known);
    }
    if batch.flagged_names.contains(&row.name)
        && row.id.problem() == Some(&IdProblem::PrecisionLost)
        && let Some((id, held)) = flagged_pupil_alike(tx, row, batch.last_before)?
    {
        // The pupil keeps the number held, flagged still: the family is asked for it all the same.
        seen(tx, batch, id)?;
        let known = Known { flagged_alike: (held != row.id.normalized).then_some(held), ..Known::default() };
        return update_existing(tx, ctx, id, row, batch, known);
    }
    let converted = converted_of_class(tx, batch, row)?;
    if batch.flagged_names.contains(&row.name)
        && converted.is_empty()
        && let Some((id, rounded_alike)) = flagged_same_pupil(tx, row, batch.last_before)?
    {
        // The very number the roster flagged as rounded, now given as text with its check digit holding: a real
        // number that ends in 000, which only a numeric cell could not vouch for. The list given as the flag's
        // advice asks is the pupil's number confirmed; keeping the flag would leave the pupil unuploadable with
        // nothing the operator could do.
        seen(tx, batch, id)?;
        let sex_replaced = if rounded_alike { None } else { stated_sex_replaced(tx, id, row)? };
        return take_real_number(tx, ctx, batch, id, row, sex_replaced);
    }
    if let [id] = converted.as_slice()
        && !(batch.flagged_names.contains(&row.name) && flagged_same_pupil(tx, row, batch.last_before)?.is_some())
    {
        seen(tx, batch, *id)?;
        return take_real_number(tx, ctx, batch, *id, row, None);
    }
    // An old 15-digit number for the one pupil of its name, school and class held with a valid number: that pupil,
    // whose valid number stays, as the pupil held with the old number takes the valid one in the other order.
    if let [(id, held)] = valid_of_class(tx, batch, row)?.as_slice() {
        seen(tx, batch, *id)?;
        let known = Known { old_form_of_valid: Some((row_number(row).to_owned(), held.clone())), ..Known::default() };
        return update_existing(tx, ctx, *id, row, batch, known);
    }
    // A check character typed wrong on a list is a typo: the row is the pupil holding the valid number.
    if !batch.roster_was_empty
        && let Some((id, held)) = valid_pupil_mistyped_as(tx, row, batch.last_before)?
    {
        seen(tx, batch, id)?;
        let known = Known { mistyped_number: Some((row_number(row).to_owned(), held)), ..Known::default() };
        return update_existing(tx, ctx, id, row, batch, known);
    }
    // A flagged number of another kind that may be the one a pupil of the name and class is held with (a 17-digit
    // number for a pupil held with its rounding): that pupil, as a rounded one is above.
    if batch.flagged_names.contains(&row.name)
        && !matches!(row.id.problem(), None | Some(IdProblem::PrecisionLost | IdProblem::Missing))
        && let Some((id, held)) = flagged_pupil_alike(tx, row, batch.last_before)?
    {
        seen(tx, batch, id)?;
        let known = Known { flagged_alike: (held != row.id.normalized).then_some(held), ..Known::default() };
        return update_existing(tx, ctx, id, row, batch, known);
    }
    if row.id.is_valid()
        && !batch.unnumbered_added.is_empty()
        && batch.unnumbered_added.contains(&row.name)
        && let Some(id) = unnumbered_added_of_class(tx, batch, row)?
    {
        // Added by this batch: its key and creation are written first, so the correction follows them.
        batch.write_pending(tx, ctx)?;
        seen(tx, batch, id)?;
        let corrected = correct_id_number(tx, ctx, id, row)?;
        let mut applied = update_existing(tx, ctx, id, row, batch, Known::default())?;
        // Counted as the row would be with the row without a number after it: one pupil added, found again by the
        // other row, unchanged unless it gives more than the number.
        let Some((mut moves, changed)) = take_moves(&mut applied, || Ok(row.name.clone()))? else {
            return Ok(applied);
        };
        moves.corrected_number = corrected;
        moves.unnumbered_taken = true;
        applied.outcome = if changed { IncomingOutcome::Updated(moves) } else { IncomingOutcome::Kept(moves) };
        return Ok(applied);
    }
    let school_id = match batch.schools.get(&row.school) {
        Some(&id) => id,
        None => {
            let id = ensure_school(tx, &row.school, &ctx.at)?;
            batch.schools.insert(row.school.clone(), id);
            id
        }
    };
    // Nothing held the number (no look-up found a pupil), so the insert writes the row.
    insert_pupil(tx, insert, ctx, batch, row, keys, school_id)?
        .ok_or(StoreError::Sqlite(rusqlite::Error::StatementChangedRows(0)))
}

/// Adds the row as a new pupil of `school_id`, with its search key and (as its block fills) its creation in the
/// history; `None`, writing nothing, when a pupil holds its valid number already.
fn insert_pupil(
    tx: &Transaction,
    insert: &mut Statement,
    ctx: &AuditContext,
    batch: &mut Batch,
    row: &Incoming,
    keys: Option<&RowKeys>,
    school_id: i64,
) -> Result<Option<Applied>> {
    if !batch.classes.get(&row.grade).is_some_and(|by_class| by_class.contains_key(&row.class)) {
        // A school has a few dozen classes: their sort keys and labels are worked out once each.
        let known = (
            crate::domain::class_label::order_key(&row.grade, &row.class),
            crate::domain::class_label::join(&row.grade, &row.class),
        );
        batch.classes.entry(row.grade.clone()).or_default().insert(row.class.clone(), known);
    }
    let (order, label) = batch
        .classes
        .get(&row.grade)
        .and_then(|by_class| by_class.get(&row.class))
        .map(|(order, label)| (order.as_str(), label.as_str()))
        .unwrap_or_default();
    // The name is read once for its sort key and its search readings.
    let name_order = match keys {
        Some(keys) => keys.name_order.as_str(),
        None => {
            crate::domain::pinyin_keys::name_keys_and_order_into(
                &row.name,
                &mut batch.name_keys,
                &mut batch.name_order,
            );
            batch.name_order.as_str()
        }
    };
    let bound = &mut batch.bound;
    let number = match &row.id.result {
        Ok(v) => {
            insert.raw_bind_parameter(4, &v.number)?;
            bound.bind(insert, 5, Some(kind_code(v.kind)))?;
            bound.bind(insert, 6, None)?;
            bound.bind(insert, 7, Some(sex_code(v.sex)))?;
            iso_date(v.birth_date, &mut batch.date);
            insert.raw_bind_parameter(8, batch.date.as_str())?;
            v.number.as_str()
        }
        Err(p) => {
            insert.raw_bind_parameter(4, &row.id.normalized)?;
            bound.bind(insert, 5, None)?;
            bound.bind(insert, 6, Some(p.code()))?;
            // Without a valid number, the sex the 性别 cell states is all that tells the child from another of the
            // name (`same_child`), for a later import and for `check` as for this one.
            bound.bind(insert, 7, row.sex.map(sex_code))?;
            match row.birth_date {
                Some(born) => {
                    iso_date(born, &mut batch.date);
                    insert.raw_bind_parameter(8, batch.date.as_str())?;
                }
                None => insert.raw_bind_parameter(8, None::<&str>)?,
            }
            row.id.normalized.as_str()
        }
    };
    let (standing, reason, status) = new_pupils_standing(&row.status);
    let categories = if row.categories.is_empty() { None } else { Some(categories_to_text(&row.categories)) };
    insert.raw_bind_parameter(1, school_id)?;
    insert.raw_bind_parameter(2, &row.name)?;
    insert.raw_bind_parameter(3, &row.id_raw)?;
    insert.raw_bind_parameter(9, &row.grade)?;
    insert.raw_bind_parameter(10, &row.class)?;
    insert.raw_bind_parameter(11, &row.phone)?;
    insert.raw_bind_parameter(23, Some(row.ethnicity.as_str()).filter(|v| !v.is_empty()))?;
    insert.raw_bind_parameter(24, Some(row.address.as_str()).filter(|v| !v.is_empty()))?;
    bound.bind(insert, 12, Some(standing.enrollment.code()))?;
    bound.bind(insert, 21, Some(standing.payment.code()))?;
    match reason {
        Some(reason) => bound.bind_other(insert, 22, reason)?,
        None => bound.bind(insert, 22, None)?,
    }
    match &categories {
        Some(text) => bound.bind_other(insert, 13, text.as_str())?,
        None => bound.bind(insert, 13, Some("[]"))?,
    }
    insert.raw_bind_parameter(14, &row.source)?;
    insert.raw_bind_parameter(16, order)?;
    insert.raw_bind_parameter(17, name_order)?;
    insert.raw_bind_parameter(19, if categories.is_some() { batch.year } else { None })?;
    match row.note.as_str() {
        "" => bound.bind(insert, 20, Some(""))?,
        note => bound.bind_other(insert, 20, note)?,
    }
    if insert.raw_execute()? == 0 {
        return Ok(None);
    }
    let id = tx.last_insert_rowid();
    // Asked only of a row the insert added (a number held already is that pupil, not a look-alike), and only of
    // pupils held before this batch (`id <= last_before`), each in one class of the roster index.
    let look_alike = match &row.id.result {
        Ok(_) if !batch.roster_was_empty && batch.look_alikes_deferred => {
            batch.look_alikes_due.push((batch.applied_since - 1, id));
            None
        }
        Ok(v) if !batch.roster_was_empty => tx
            .prepare_cached(LOOK_ALIKE)?
            .query_row(
                params![
                    school_id,
                    order,
                    row.name,
                    batch.date,
                    v.number,
                    batch.last_before,
                    row.grade,
                    row.class,
                    name_order
                ],
                |r| Ok(LookAlike { number: r.get(0)?, same_birth_date: r.get(1)? }),
            )
            .optional()?,
        _ => None,
    };
    let block = super::search_blocks::block_of(id);
    let added = &mut batch.added;
    if added.pending.is_some_and(|(pending, _)| pending != block) {
        added.write(tx, ctx, batch.last_before)?;
    }
    super::search_blocks::start_record(&mut added.keys, id);
    match keys {
        Some(keys) => added.keys.push_str(&keys.key_head),
        None => push_key_head(&mut added.keys, &row.name, &batch.name_keys, number),
    }
    push_key_class(&mut added.keys, label);
    added.pending = Some((block, id));
    // Written a block at a time as blocks fill, so half a million new pupils' keys are never held at once.
    if super::search_blocks::block_of(id + 1) != block {
        added.write(tx, ctx, batch.last_before)?;
    }
    let declined_without_reason = standing.enrollment == Enrollment::Declined && reason.is_none();
    Ok(Some(Applied { outcome: IncomingOutcome::Added, status, look_alike, declined_without_reason }))
}

/// A pupil held before this batch with a new pupil's name, school and class under another valid number, and
/// whether born the same day (`Applied::look_alike`), asked for every new pupil of a drive that holds pupils; one
/// born the same day first. Sought by the name's sort key too, which the drive keeps as the name's (`schema`): by
/// the school and class alone the roster index led to every pupil of the class, each read from the table for its
/// name and then sorted (926 a class on the bench's 100k-pupil drive, for each of a day's 5k new pupils).
pub(crate) const LOOK_ALIKE: &str = "SELECT id_number, birth_date IS ?4 FROM students
     WHERE school_id = ?1 AND class_order = ?2 AND name_order = ?9 AND name = ?3
       AND id_problem IS NULL AND id_number <> ?5 AND id <= ?6 AND grade = ?7 AND class = ?8
     ORDER BY birth_date IS ?4 DESC, id LIMIT 1";

/// `LOOK_ALIKE` asked of every new pupil with a valid number whose rowid is from ?1 to ?2, in one statement
/// (`ImportSession::settle_look_alikes`): each new pupil's row gives the values the per-row query binds, and its
/// look-alike is sought by the roster index as there. Only the new pupils that have one come back.
pub(crate) const LOOK_ALIKES: &str = "SELECT found.id, held.id_number, held.birth_date IS found.born FROM (
        SELECT n.id AS id, n.birth_date AS born, (SELECT o.id FROM students o
            WHERE o.school_id = n.school_id AND o.class_order = n.class_order AND o.name_order = n.name_order
              AND o.name = n.name AND o.id_problem IS NULL
              AND o.id_number <> n.id_number AND o.id <= ?3 AND o.grade = n.grade AND o.class = n.class
            ORDER BY o.birth_date IS n.birth_date DESC, o.id LIMIT 1) AS held_id
        FROM students n WHERE n.id >= ?1 AND n.id <= ?2 AND n.id_problem IS NULL
    ) AS found CROSS JOIN students held ON held.id = found.held_id";

/// The statuses a new pupil is added with, the reason or place kept with them, and what the operator hears.
fn new_pupils_standing(status: &ListStatus) -> (Standing, Option<&str>, StatusNote) {
    let fresh = Standing::new(Enrollment::Unknown, PaymentStatus::Unpaid);
    match status {
        ListStatus::Nothing | ListStatus::NotEnrolled => (fresh, None, StatusNote::None),
        ListStatus::Enrolled => (Standing::new(Enrollment::Here, PaymentStatus::Unpaid), None, StatusNote::None),
        ListStatus::Form { said, reason } => match read_back::read(said, fresh) {
            Reading::Take(standing) => (standing, kept_reason(standing.enrollment, reason), StatusNote::None),
            Reading::Agrees | Reading::Contradicts => (fresh, None, StatusNote::None),
            Reading::Undecided => (fresh, None, StatusNote::Undecided(fresh)),
            Reading::SelfContradicting => (fresh, None, StatusNote::SelfContradicting),
        },
    }
}

/// The reason a form gives, kept only where the drive keeps one: with 不参保 and 异地参保.
fn kept_reason(enrollment: Enrollment, reason: &Option<String>) -> Option<&str> {
    let kept = matches!(enrollment, Enrollment::Declined | Enrollment::Elsewhere);
    reason.as_deref().map(str::trim).filter(|r| kept && !r.is_empty())
}

/// A date as `NaiveDate`'s `Display` writes it (YYYY-MM-DD), without the formatting machinery, into `out`
/// (one buffer for the whole import): one per added pupil.
fn iso_date(date: chrono::NaiveDate, out: &mut String) {
    use chrono::Datelike;
    out.clear();
    let (year, month, day) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&year) {
        use std::fmt::Write as _;
        let _ = write!(out, "{date}");
        return;
    }
    for (value, width) in [(year as u32, 4), (month, 2), (day, 2)] {
        if !out.is_empty() {
            out.push('-');
        }
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
    }
}

/// The pupils held with a flagged number under a name, from before this batch, each with whether it is in the
/// school and class a row gives: those a valid number of that name may belong to (see `flagged_same_pupil`).
/// Asked on every valid row of an import whose name a flagged pupil has: it reads the flagged pupils of that
/// name only (`students_bad_name`), never the roster; the `+` keeps SQLite from reading every pupil added
/// before the batch instead.
pub(crate) const FLAGGED_SAME_PUPIL: &str =
    "SELECT s.id, s.id_number, s.id_problem, sc.name = ?2 AND s.grade = ?3 AND s.class = ?4, s.sex, s.note
         FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE s.id_problem IS NOT NULL AND s.name = ?1
           -- Only pupils from before this batch: two rows of one list are two entries, never merged by guess.
           AND +s.id <= ?5";

/// A valid number arriving for a pupil the roster holds with a flagged one: the family brought the card, or a
/// class list typed as text replaced one whose numbers a spreadsheet rounded. It is the same child when the
/// name agrees and the flagged number may be this one (`id_number::flagged_may_be`: this number rounded to 15
/// digits, which can carry into the birth date, or typed with its check character wrong; or, in the same school
/// and class, shown shorter or wrong another way). Only one candidate is trusted; with two, a new pupil is added and the operator sees both.
/// A pupil held with no number at all, whom only name and class tie to the row, is another child where the import
/// of one list would keep them apart (`same_child`: the sex a list stated for them, a 备注), in a later import as in
/// the same one.
/// Returns the pupil, and whether its number is this very one, flagged as rounded.
fn flagged_same_pupil(tx: &Transaction, row: &Incoming, last_before: i64) -> Result<Option<(i64, bool)>> {
    let Ok(valid) = &row.id.result else { return Ok(None) };
    let ours = row_signs(row);
    let fits = |id, number: &str, problem: &str, same_class, theirs: &Signs| {
        if number.is_empty() && ours.apart(theirs).is_some() {
            return None;
        }
        id_number::flagged_may_be(&valid.number, number, problem, same_class)
            .then(|| (id, number == valid.number && problem == IdProblem::PrecisionLost.code()))
    };
    if let Some(found) = the_one_flagged(tx, row, last_before, fits)? {
        return Ok(Some(found));
    }
    // Several fit (twins held under one rounded number): the one in the row's own school and class whose number
    // is this one rounded is the row's child, as the class is what told them apart on the list. A pupil that fits
    // by its class alone (no number, or one shown another way) is no such evidence; nor is a class holding two.
    the_one_flagged(tx, row, last_before, |id, number, problem, same_class, theirs| {
        (same_class && id_number::flagged_may_be(&valid.number, number, problem, false))
            .then(|| fits(id, number, problem, same_class, theirs))
            .flatten()
    })
}

/// The one pupil of the row's name held with a flagged number (`FLAGGED_SAME_PUPIL`, from before this batch)
/// that `fits` takes, with what `fits` says of it; `None` when none does or more than one does: nothing is
/// guessed.
fn the_one_flagged<T>(
    tx: &Transaction,
    row: &Incoming,
    last_before: i64,
    fits: impl Fn(i64, &str, &str, bool, &Signs) -> Option<T>,
) -> Result<Option<T>> {
    let mut stmt = tx.prepare_cached(FLAGGED_SAME_PUPIL)?;
    let mut rows = stmt.query(params![row.name, row.school, row.grade, row.class, last_before])?;
    let mut found = None;
    while let Some(r) = rows.next()? {
        let (id, number, problem, same_class): (i64, String, String, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let theirs = held_signs(r.get(4)?, &r.get::<_, String>(5)?);
        let Some(fit) = fits(id, &number, &problem, same_class, &theirs) else { continue };
        if found.is_some() {
            return Ok(None);
        }
        found = Some(fit);
    }
    Ok(found)
}

/// A number a spreadsheet rounded, for a pupil of that name and class held with an 18-digit number that failed
/// the check (a digit typed wrong) and rounds to it (`id_number::rounding_of`), or held rounded already by a list
/// another program wrote (the same 15 digits written another way, 4.502032018060625e+17 for 450203201806063000, or
/// rounded at the 15th where this one was cut: 1000 apart at most): the same child, whose number stays. Only one
/// candidate is trusted, and only in the row's class: such a number says less of who the child is than a valid one.
/// So is any flagged number that may have been written from the same number as the one held
/// (`id_number::flagged_alike`: 4.50E+17 for 4.50102E+17, 4.50102201510081E+016 for 45010220151008117), where
/// taking the row for a new child would list one child twice. With the number held.
fn flagged_pupil_alike(tx: &Transaction, row: &Incoming, last_before: i64) -> Result<Option<(i64, String)>> {
    let Some(here) = row.id.problem().map(IdProblem::code) else { return Ok(None) };
    let rounded = here == IdProblem::PrecisionLost.code();
    the_one_flagged(tx, row, last_before, |id, number, problem, same_class, _| {
        let rounds = rounded
            && if problem == IdProblem::PrecisionLost.code() {
                let kept = |n: &str| id_number::fifteen_digits_kept(n).and_then(|k| k.parse::<u64>().ok());
                kept(number).zip(kept(&row.id.normalized)).is_some_and(|(held, here)| held.abs_diff(here) <= 1000)
            } else {
                id_number::rounding_of(number, &row.id.normalized) == Some(id_number::Rounding::Fifteen)
            };
        let alike = rounds || id_number::flagged_alike(number, problem, &row.id.normalized, here);
        (same_class && alike).then(|| (id, number.to_owned()))
    })
}

/// The pupils from before this batch once named ?1 (renamed by a list, or with `E`), with their number, its
/// problem and their name now: by the index of former names (`audit_renamed_from`), for a rounded number's row
/// whose name is one of them. A pupil renamed from it twice comes twice: told apart by the caller.
pub(crate) const RENAMED_FROM: &str = "SELECT s.id, s.id_number, s.id_problem, s.name FROM audit a
         JOIN students s ON s.id = a.student_id
         WHERE a.field = 'name' AND a.old = ?1 AND s.id <= ?2";

/// The pupils held with a flagged number ?1 under the name ?2, added by this batch too.
pub(crate) const FLAGGED_NAMED: &str =
    "SELECT id FROM students WHERE id_number = ?1 AND id_problem IS NOT NULL AND name = ?2";

/// The valid pupil of a number, with their name.
pub(crate) const VALID_NAMED: &str = "SELECT id, name FROM students WHERE id_number = ?1 AND id_problem IS NULL";

/// The valid pupils of one class (by its sort key) and name, before this batch, in the school the list names or
/// in any: those a number one place off may be typed from. By the roster index.
pub(crate) const VALID_SAME_CLASS: &str = "SELECT s.id, s.id_number, s.grade, s.class FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE s.class_order = ?1 AND s.name = ?2 AND +s.id_problem IS NULL AND (?3 IS NULL OR sc.name = ?3)
           AND +s.id <= ?4";

/// A row whose number fails the check (not one a spreadsheet rounded), for the pupil of its name holding the
/// valid number it was typed wrong from (`id_number::mistyped_from`, as `check` pairs them): its check character
/// typed wrong or left off, or, in the same school and class, one place different. That pupil, from before this
/// batch, with the number held; `None` when none fits or more than one does: nothing is guessed.
fn valid_pupil_mistyped_as(tx: &Transaction, row: &Incoming, last_before: i64) -> Result<Option<(i64, String)>> {
    let typed = row.id.normalized.as_str();
    if typed.is_empty() || matches!(row.id.problem(), None | Some(IdProblem::PrecisionLost | IdProblem::Missing)) {
        return Ok(None);
    }
    let mut found: Vec<(i64, String)> = Vec::new();
    // Only one valid number has these first 17 characters: found by the index of valid numbers.
    if let Some(first17) = typed.get(..17).filter(|f| f.bytes().all(|b| b.is_ascii_digit())) {
        let number = format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        let held: Option<(i64, String)> =
            tx.prepare_cached(VALID_NAMED)?.query_row([&number], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        if let Some((id, name)) = held
            && id <= last_before
            && name == row.name
            && id_number::mistyped_from(&number, typed, false)
        {
            found.push((id, number));
        }
    }
    if !row.grade.is_empty() || !row.class.is_empty() {
        let order = crate::domain::class_label::order_key(&row.grade, &row.class);
        let school = row.school_given.then_some(row.school.as_str());
        let class = ClassKey::of(&row.grade, &row.class);
        let mut stmt = tx.prepare_cached(VALID_SAME_CLASS)?;
        let mut rows = stmt.query(params![order, row.name, school, last_before])?;
        while let Some(r) = rows.next()? {
            let (id, number, grade, class_name): (i64, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            if ClassKey::of(&grade, &class_name) == class
                && id_number::mistyped_from(&number, typed, true)
                && !found.iter().any(|(f, _)| *f == id)
            {
                found.push((id, number));
            }
        }
    }
    Ok(match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

/// The pupils of a school, class (by its sort key) and name held before this batch with an old 15-digit number
/// converted to 18 (`converted_of_class`). By the roster index.
pub(crate) const CONVERTED_OF_CLASS: &str = "SELECT s.id, s.grade, s.class FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE sc.name = ?1 AND s.class_order = ?2 AND s.name = ?3 AND +s.id_kind = 'resident_converted'
           AND +s.id_problem IS NULL AND +s.id <= ?4";

/// The pupils of a school, class (by its sort key) and name held before this batch with a valid number other than
/// an old 15-digit one converted (`valid_of_class`). By the roster index.
pub(crate) const VALID_NOT_CONVERTED_OF_CLASS: &str = "SELECT s.id, s.grade, s.class, s.id_number FROM students s
         JOIN schools sc ON sc.id = s.school_id
         WHERE sc.name = ?1 AND s.class_order = ?2 AND s.name = ?3 AND +s.id_problem IS NULL
           AND +s.id_kind IS NOT NULL AND +s.id_kind <> 'resident_converted' AND +s.id <= ?4";

/// The pupils of the row's name, school and class held before this batch with a valid number of today's kind, when
/// the row gives an old 15-digit one (converted to 18): the mirror of `converted_of_class`. Such a number, a parent's
/// or an old record's, is a flagged one for the rule of corrections (`id_number::OLD_NUMBER`), which the same name,
/// school and class tie to the valid number held, so the list's old number adds no second child.
fn valid_of_class(tx: &Transaction, batch: &Batch, row: &Incoming) -> Result<Vec<(i64, String)>> {
    let Ok(valid) = &row.id.result else { return Ok(Vec::new()) };
    if batch.roster_was_empty || valid.kind != id_number::IdKind::ResidentConverted {
        return Ok(Vec::new());
    }
    let class = ClassKey::of(&row.grade, &row.class);
    let order = crate::domain::class_label::order_key(&row.grade, &row.class);
    let mut stmt = tx.prepare_cached(VALID_NOT_CONVERTED_OF_CLASS)?;
    let mut rows = stmt.query(params![row.school, order, row.name, batch.last_before])?;
    let mut found = Vec::new();
    while let Some(r) = rows.next()? {
        let (id, grade, class_name, number): (i64, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        if ClassKey::of(&grade, &class_name) == class {
            found.push((id, number));
        }
    }
    Ok(found)
}

/// The pupil held with the old 15-digit number ?1, converted to 18, under the name ?2, added by this batch too.
pub(crate) const CONVERTED_NAMED: &str = "SELECT id FROM students
         WHERE id_number = ?1 AND id_problem IS NULL AND name = ?2 AND id_kind = 'resident_converted'";

/// The pupils of the row's name, school and class held before this batch with an old 15-digit number converted to
/// 18, when the row gives a valid number of its own. Such a number passes the check, yet is a parent's or an old
/// record's, never the pupil's today (canbao flags it and asks the family for the 18-digit one): for the rule of
/// corrections it is a flagged number (`id_number::OLD_NUMBER`), one that only the same name, school and class tie
/// to a valid one.
fn converted_of_class(tx: &Transaction, batch: &Batch, row: &Incoming) -> Result<Vec<i64>> {
    let Ok(valid) = &row.id.result else { return Ok(Vec::new()) };
    if valid.kind == id_number::IdKind::ResidentConverted || !batch.converted_names.contains(&row.name) {
        return Ok(Vec::new());
    }
    let class = ClassKey::of(&row.grade, &row.class);
    let order = crate::domain::class_label::order_key(&row.grade, &row.class);
    let mut stmt = tx.prepare_cached(CONVERTED_OF_CLASS)?;
    let mut rows = stmt.query(params![row.school, order, row.name, batch.last_before])?;
    let mut found = Vec::new();
    while let Some(r) = rows.next()? {
        let (id, grade, class_name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if ClassKey::of(&grade, &class_name) == class {
            found.push(id);
        }
    }
    Ok(found)
}

/// The row's valid number for pupil `id`, held with a flagged number (`flagged_same_pupil`) or an old 15-digit one
/// (`converted_of_class`): the number corrected and said at the row, with `sex_replaced`, the sex stated before
/// that the valid number's replaces (`stated_sex_replaced`, for a flagged number).
fn take_real_number(
    tx: &Transaction,
    ctx: &AuditContext,
    batch: &mut Batch,
    id: i64,
    row: &Incoming,
    sex_replaced: Option<Sex>,
) -> Result<Applied> {
    let corrected = correct_id_number(tx, ctx, id, row)?;
    // A number confirmed as it was held (only its flag cleared) is none the pupil was corrected away from.
    if let Some((old, new)) = &corrected
        && old != new
    {
        batch.corrected_away.insert(old.clone());
    }
    let mut applied = update_existing(tx, ctx, id, row, batch, Known::default())?;
    // Found under the row's name (`FLAGGED_SAME_PUPIL`, `CONVERTED_OF_CLASS`), so the name is the row's.
    let Some((mut moves, _)) = take_moves(&mut applied, || Ok(row.name.clone()))? else { return Ok(applied) };
    moves.corrected_number = corrected;
    moves.sex_replaced = sex_replaced;
    applied.outcome = IncomingOutcome::Updated(moves);
    Ok(applied)
}

/// Replaces a flagged number with the valid one, audited as a change of `id_number`. Returns the number
/// replaced and the valid one.
fn correct_id_number(
    tx: &Transaction,
    ctx: &AuditContext,
    id: i64,
    row: &Incoming,
) -> Result<Option<(String, String)>> {
    let Ok(valid) = &row.id.result else { return Ok(None) };
    let old: String = tx.query_row("SELECT id_number FROM students WHERE id = ?1", [id], |r| r.get(0))?;
    tx.execute(
        "UPDATE students SET id_raw = ?1, id_number = ?2, id_kind = ?3, id_problem = NULL, sex = ?4, birth_date = ?5,
            updated_at = ?6
         WHERE id = ?7",
        params![
            row.id_raw,
            valid.number,
            kind_code(valid.kind),
            sex_code(valid.sex),
            valid.birth_date.to_string(),
            ctx.at,
            id
        ],
    )?;
    ctx.write(tx, Some(id), &valid.number, "id_number", Some(&old), Some(&valid.number))?;
    let (name, grade, class): (String, String, String) =
        tx.query_row("SELECT name, grade, class FROM students WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    fields::write_search_key(tx, id, &name, &valid.number, &crate::domain::class_label::join(&grade, &class))?;
    Ok(Some((old, valid.number.clone())))
}

/// The sex a list stated for pupil `id`, held without a valid number, when the row's valid number, about to replace
/// theirs, gives the other one: the number decides, and the change is said.
fn stated_sex_replaced(tx: &Transaction, id: i64, row: &Incoming) -> Result<Option<Sex>> {
    let Ok(valid) = &row.id.result else { return Ok(None) };
    let held: Option<String> = tx
        .prepare_cached("SELECT sex FROM students WHERE id = ?1 AND id_problem IS NOT NULL")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(sex_from(held.as_deref()).filter(|&stated| stated != valid.sex))
}

/// Whether pupil `id` holds no number, or one that fails the check.
fn holds_no_valid_number(tx: &Transaction, id: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT id_number = '' OR id_problem IS NOT NULL FROM students WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// Whether a pupil other than `id` holds `number` as a valid number (which two pupils cannot share).
fn number_taken(tx: &Transaction, number: &str, id: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM students WHERE id_number = ?1 AND id_problem IS NULL AND id <> ?2)",
        )?
        .query_row(params![number, id], |r| r.get(0))?)
}

/// Puts the row's valid number back on pupil `id` (audited, so the detail history shows it), then updates the
/// pupil from the row as any other: the report says the number put back (`Moves::number_restored`).
fn restore_number(tx: &Transaction, ctx: &AuditContext, batch: &mut Batch, id: i64, row: &Incoming) -> Result<Applied> {
    let corrected = correct_id_number(tx, ctx, id, row)?;
    if let Some((old, _)) = &corrected {
        batch.corrected_away.insert(old.clone());
    }
    let mut applied = update_existing(tx, ctx, id, row, batch, Known::default())?;
    let name = || Ok(tx.query_row("SELECT name FROM students WHERE id = ?1", [id], |r| r.get(0))?);
    let Some((mut moves, _)) = take_moves(&mut applied, name)? else { return Ok(applied) };
    moves.number_restored = corrected;
    applied.outcome = IncomingOutcome::Updated(moves);
    Ok(applied)
}

/// The moves of a pupil `update_existing` found, for a caller that adds what it did first (a number corrected,
/// put back or filled in), and whether the row changed the pupil: an unchanged pupil's are empty, named by
/// `name`. None where the row was no update of the pupil (`applied` then keeps its outcome).
fn take_moves(applied: &mut Applied, name: impl FnOnce() -> Result<String>) -> Result<Option<(Box<Moves>, bool)>> {
    Ok(match std::mem::replace(&mut applied.outcome, IncomingOutcome::Unchanged) {
        IncomingOutcome::Unchanged => Some((Box::new(Moves { name: name()?, ..Moves::default() }), false)),
        IncomingOutcome::Kept(moves) => Some((moves, false)),
        IncomingOutcome::Updated(moves) => Some((moves, true)),
        other => {
            applied.outcome = other;
            None
        }
    })
}

/// Records that a pupil already on the roster is on this year's lists (see `year::leavers`): a look-up by row
/// id, and a write only the first time in a year.
fn seen(tx: &Transaction, batch: &Batch, id: i64) -> Result<()> {
    let Some(year) = batch.year else { return Ok(()) };
    tx.prepare_cached(
        "UPDATE students SET seen_year = ?1 WHERE id = ?2 AND seen_year IS NOT ?1 AND NOT (seen_year IS NULL AND ?3)",
    )?
    .execute(params![year, id, batch.unseen_is_current])?;
    Ok(())
}

impl Batch {
    /// The name the drive gave `school` since, when a list names it as it was before a rename (`school rename`,
    /// 学校改名): no pupil is under `school` any more and its pupils were renamed onto a school that holds pupils
    /// now. The teachers' usual list keeps the old name, and read as written it would move every pupil back to a
    /// school the operator renamed away. A school that holds pupils under that name is that school, whatever
    /// was renamed once.
    fn school_now(&mut self, tx: &Transaction, school: &str) -> Result<Option<String>> {
        if self.roster_was_empty {
            return Ok(None);
        }
        if let Some(now) = self.school_names_now.get(school) {
            return Ok(now.clone());
        }
        let now = school_renamed_to(tx, school)?;
        self.school_names_now.insert(school.to_owned(), now.clone());
        Ok(now)
    }
}

/// What the row's number says of the pupil it was found as, for the operator to hear (`Moves`).
#[derive(Default)]
struct Known {
    /// The row gives a number the drive corrected away: (the list's number, the pupil's now).
    old_number: Option<(String, String)>,
    /// The row's number is a rounding of the pupil's whole number, which it holds.
    whole_number: Option<String>,
    /// The row's number is the pupil's valid one typed wrong: (the list's number, the pupil's).
    mistyped_number: Option<(String, String)>,
    /// The row names the pupil by a name they had before a rename: the list's name.
    former_name: Option<String>,
    /// The row gives no number and is the pupil held with a flagged one: the number held.
    number_to_check: Option<String>,
    /// The row gives no number and is the one pupil of its name, school and class held with a valid one: kept.
    number_kept: Option<String>,
    /// The row's flagged number may be the pupil's flagged one: the number held.
    flagged_alike: Option<String>,
    /// The row's old 15-digit number is the pupil's of its name, school and class held with a valid one: (the
    /// list's, the pupil's).
    old_form_of_valid: Option<(String, String)>,
}

/// A pupil already on the roster: the list may move them to another class or correct the name or phone;
/// statuses and history stay. An empty cell never erases what the roster knows, and a value the operator
/// corrected away is not brought back (see `IdentityHistory`). `old_number` is set when the row was found by a
/// number the drive corrected away.
fn update_existing(
    tx: &Transaction,
    ctx: &AuditContext,
    id: i64,
    row: &Incoming,
    batch: &mut Batch,
    known: Known,
) -> Result<Applied> {
    let other_names_taken = batch.other_names_taken;
    // The pupil as stored, in one cached read: a list imported again is mostly pupils it changes nothing of,
    // and for them nothing else is asked (reading field by field, each statement compiled anew, was most of a
    // re-import's work).
    let current = tx
        .prepare_cached(
            "SELECT CAST((SELECT name FROM schools WHERE id = s.school_id) AS TEXT), CAST(s.name AS TEXT),
                CAST(s.grade AS TEXT), CAST(s.class AS TEXT), CAST(s.phone AS TEXT), s.enrollment,
                CAST(s.categories AS TEXT), s.categories_year, CAST(s.note AS TEXT), s.payment,
                CAST(s.ethnicity AS TEXT), CAST(s.address AS TEXT)
         FROM students s WHERE s.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Stored {
                school: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                name: r.get(1)?,
                grade: r.get(2)?,
                class: r.get(3)?,
                phone: r.get(4)?,
                enrollment: r.get(5)?,
                categories: r.get(6)?,
                categories_year: r.get(7)?,
                note: r.get(8)?,
                payment: r.get(9)?,
                ethnicity: r.get(10)?,
                address: r.get(11)?,
            })
        })?;
    // A row naming no school leaves the pupil in their own school, so its class is spelled as that school spells
    // it, not as the school given to the rows naming none (「本校」 in a preview before the school is chosen, or
    // another the operator chose): else a class the drive holds one way reads as re-spelled, and is written a
    // second way.
    let in_own_school;
    let row = if !row.school_given && row.school != current.school {
        let own = Incoming { school: current.school.clone(), ..row.clone() };
        in_own_school = batch.spellings.respell(tx, batch.roster_was_empty, &own)?.unwrap_or(own);
        &in_own_school
    } else {
        row
    };
    let mut changes = Vec::new();
    let Known {
        old_number,
        whole_number,
        mistyped_number,
        former_name,
        number_to_check,
        number_kept,
        flagged_alike,
        old_form_of_valid,
    } = known;
    let mut moves = Moves {
        old_number,
        whole_number,
        mistyped_number,
        former_name,
        number_to_check,
        number_kept,
        flagged_alike,
        old_form_of_valid,
        name: current.name.clone(),
        ..Moves::default()
    };
    let mut history = IdentityHistory { id, rows: None };
    if row.school_given && row.school != current.school {
        changes.push(FieldChange::new(Field::School, Some(&row.school)));
        moves.school = Some((current.school.clone(), row.school.clone()));
    }
    if !row.name.is_empty() && row.name != current.name {
        let verdict = history.verdict(tx, &["name"], &[&current.name], &[&row.name], |a, b| a == b)?;
        if verdict.corrected_away {
            moves.kept.push(KeptCorrection { field: Field::Name, list: row.name.clone(), held: current.name.clone() });
        } else if !other_names_taken && !plausibly_same(&current.name, &row.name) {
            // Another child's name on this pupil's number: nothing of the row is taken (not the class either), so
            // the pupil and what they paid stay as they were, and the operator decides.
            let outcome = IncomingOutcome::OtherName { held: current.name, listed: row.name.clone() };
            return Ok(outcome.into());
        } else {
            if verdict.held_is_correction {
                moves.over_corrections.push(Field::Name);
            }
            moves.renamed = Some((current.name.clone(), row.name.clone()));
            moves.name.clone_from(&row.name);
            changes.push(FieldChange::new(Field::Name, Some(&row.name)));
        }
    }
    // A pupil who left before this year whom the list puts in one of its classes comes back to school.
    let mut returning = false;
    // A row giving only the grade the pupil is in (its 班级 empty) says nothing of the class: the pupil keeps it.
    let grade_only = row.class.is_empty() && {
        let (held_grade, held_class) = split(&join(&current.grade, &current.class));
        !held_class.is_empty() && !held_grade.is_empty() && held_grade == split(&row.grade).0
    };
    // Compare as labels: "三年级"+"2班" and ""+"三年级2班" are the same class written two ways.
    if (!row.grade.is_empty() || !row.class.is_empty()) && !grade_only {
        let (held, given) = (join(&current.grade, &current.class), join(&row.grade, &row.class));
        if held != given {
            // Only a move to another class can undo a correction: the same class spelled otherwise cannot.
            let moved = ClassKey::parse(&held) != ClassKey::parse(&given);
            let verdict = if moved {
                let same = |a: &[&str], b: &[&str]| ClassKey::of(a[0], a[1]) == ClassKey::of(b[0], b[1]);
                history.verdict(
                    tx,
                    &["grade", "class"],
                    &[&current.grade, &current.class],
                    &[&row.grade, &row.class],
                    same,
                )?
            } else {
                HistoryVerdict::default()
            };
            if verdict.corrected_away {
                moves.kept.push(KeptCorrection { field: Field::Class, list: given, held });
            } else {
                if verdict.held_is_correction {
                    moves.over_corrections.push(Field::Class);
                }
                changes.push(FieldChange::new(Field::Grade, Some(&row.grade)));
                changes.push(FieldChange::new(Field::Class, Some(&row.class)));
                returning = super::year::is_former_pupil(&current.grade) && !super::year::is_former_pupil(&row.grade);
                // A pupil without a class who gets one has not moved.
                if !held.is_empty() {
                    moves.class = Some((held, given));
                }
            }
        }
    }
    let by_name_and_class = moves.number_kept.is_some() || moves.number_to_check.is_some();
    if by_name_and_class && !row.phone.is_empty() && !current.phone.is_empty() && row.phone != current.phone {
        moves.phone_not_taken = Some((row.phone.clone(), current.phone.clone()));
    } else if !row.phone.is_empty() && row.phone != current.phone {
        let verdict = history.verdict(tx, &["phone"], &[&current.phone], &[&row.phone], |a, b| a == b)?;
        if verdict.corrected_away {
            moves.kept.push(KeptCorrection {
                field: Field::Phone,
                list: row.phone.clone(),
                held: current.phone.clone(),
            });
        } else {
            if verdict.held_is_correction {
                moves.over_corrections.push(Field::Phone);
            }
            if by_name_and_class && current.phone.is_empty() {
                moves.phone_filled = Some(row.phone.clone());
            }
            changes.push(FieldChange::new(Field::Phone, Some(&row.phone)));
        }
    }
    // 民族 and 居住地址 by the phone's rule: a list's value fills or replaces the held one, an empty cell leaves it, a
    // row taken by name and class only fills one, and the operator's correction (E, `mark`) is not undone. A 民族
    // held as a list spelled it before canbao spelled it in full (汉) is the same as the row's (汉族).
    for (field, listed, held) in
        [(Field::Ethnicity, &row.ethnicity, &current.ethnicity), (Field::Address, &row.address, &current.address)]
    {
        let held = held.as_deref().unwrap_or_default();
        let same = match field {
            Field::Ethnicity => crate::domain::ethnicity::normalise(held) == *listed,
            _ => held == listed,
        };
        if listed.is_empty() || same {
            continue;
        }
        if by_name_and_class && !held.is_empty() {
            moves.personal_not_taken.push(field);
            continue;
        }
        // A 民族 the drive held as 汉 before the operator corrected it is the list's 汉族: corrected away.
        let verdict = history.verdict(tx, &[field.key()], &[held], &[listed], |a, b| match field {
            Field::Ethnicity => a
                .iter()
                .map(|v| crate::domain::ethnicity::normalise(v))
                .eq(b.iter().map(|v| crate::domain::ethnicity::normalise(v))),
            _ => a == b,
        })?;
        if verdict.corrected_away {
            moves.kept.push(KeptCorrection { field, list: listed.clone(), held: held.to_owned() });
            continue;
        }
        if verdict.held_is_correction {
            moves.over_corrections.push(field);
        }
        if by_name_and_class && held.is_empty() {
            moves.personal_filled.push(field);
        }
        changes.push(FieldChange::new(field, Some(listed)));
    }
    // The list's 备注 joins the pupil's note, which may be the operator's own: added once, never replacing it.
    let note = row.note.trim();
    if !note.is_empty() && !current.note.contains(note) {
        let joined = match current.note.trim() {
            "" => note.to_owned(),
            held => format!("{held}；{note}"),
        };
        changes.push(FieldChange::new_owned(Field::Note, Some(joined)));
    }
    let enrollment = Enrollment::from_code(&current.enrollment).unwrap_or(Enrollment::Unknown);
    // A returning pupil is at school again, not yet asked this year: the list's statuses are read against that,
    // not against the 已离校 of the year they left.
    let returning = returning && enrollment == Enrollment::Left;
    let held = Standing::new(
        if returning { Enrollment::Unknown } else { enrollment },
        PaymentStatus::from_code(&current.payment).unwrap_or(PaymentStatus::Unpaid),
    );
    let mut status = StatusNote::None;
    let mut declined_without_reason = false;
    match &row.status {
        ListStatus::Nothing => {}
        ListStatus::Enrolled => {
            if held.enrollment == Enrollment::Unknown {
                changes.push(FieldChange::new(Field::Enrollment, Some(Enrollment::Here.code())));
            } else if held.enrollment == Enrollment::Declined {
                // A list never overrides a recorded status; the operator hears that this one disagrees.
                status = StatusNote::Contradicts(held);
            }
        }
        // Money recorded, or the school's own registration, is never undone by a list's 否: it is said.
        ListStatus::NotEnrolled => {
            if held.payment.is_settled() || held.enrollment() == Enrollment::Here {
                status = StatusNote::Contradicts(held);
            }
        }
        ListStatus::Form { said, reason } => match read_back::read(said, held) {
            Reading::Agrees => {}
            Reading::Take(to) => {
                // Compared as the forms show it: nobody asked and a payment recorded is 在校参保 already.
                if to.enrollment != held.enrollment() {
                    changes.push(FieldChange::new(Field::Enrollment, Some(to.enrollment.code())));
                    let kept = kept_reason(to.enrollment, reason);
                    if let Some(reason) = kept {
                        changes.push(FieldChange::new(Field::DeclineReason, Some(reason)));
                    }
                    declined_without_reason = to.enrollment == Enrollment::Declined && kept.is_none();
                }
                if to.payment != held.payment {
                    changes.push(FieldChange::new(Field::Payment, Some(to.payment.code())));
                }
                status = StatusNote::Set(held, to);
            }
            Reading::Contradicts => status = StatusNote::Contradicts(held),
            Reading::Undecided => status = StatusNote::Undecided(held),
            Reading::SelfContradicting => status = StatusNote::SelfContradicting,
        },
    }
    if !row.categories.is_empty() {
        // A list that names categories certifies those for the year it is imported in; the pupil's others keep
        // the year they were certified for (one carried from an earlier year stays 待重新认定).
        let stored = current.categories_year;
        let mut merged = fields::with_years(categories_from_text(&current.categories), stored.or(batch.first_year));
        for c in &row.categories {
            match merged.iter_mut().find(|m| m.name == c.name) {
                Some(held) => held.year = None,
                None => merged.push(CategoryMark { year: None, ..c.clone() }),
            }
        }
        let (merged, certified) = fields::certified_categories(&merged, ctx.year);
        if merged != current.categories {
            changes.push(FieldChange::new_owned(Field::Categories, Some(merged)));
        }
        // NULL is the file's first year already.
        let unchanged = |y: i32| stored == Some(y) || (stored.is_none() && batch.first_year == Some(y));
        if let Some(year) = certified.filter(|y| ctx.year.is_some() && !unchanged(*y)) {
            changes.push(FieldChange::new_owned(Field::CategoriesYear, Some(year.to_string())));
        }
    }
    if returning {
        let set = |changes: &[FieldChange], field: Field| {
            changes.iter().find(|c| c.field == field).map(|c| c.value.clone().unwrap_or_default())
        };
        match set(&changes, Field::Enrollment) {
            // One of canbao's own forms says 已离校 still: the pupil stays so, with the reason they left.
            Some(code) if code == Enrollment::Left.code() => {}
            given => {
                if given.is_none() {
                    changes.push(FieldChange::new(Field::Enrollment, Some(Enrollment::Unknown.code())));
                }
                // 毕业 is no reason for a pupil at school; a reason the form gave (不参保, 异地参保) stays.
                if set(&changes, Field::DeclineReason).is_none() {
                    changes.push(FieldChange::new(Field::DeclineReason, None));
                }
                moves.returned = true;
            }
        }
    }
    let told = !moves.kept.is_empty()
        || moves.old_number.is_some()
        || moves.whole_number.is_some()
        || moves.mistyped_number.is_some()
        || moves.former_name.is_some()
        || moves.number_to_check.is_some()
        || moves.number_kept.is_some()
        || moves.flagged_alike.is_some()
        || moves.old_form_of_valid.is_some();
    let n = if changes.is_empty() { 0 } else { fields::apply(tx, ctx, id, &changes)? };
    let outcome = match (n, told) {
        (0, false) => IncomingOutcome::Unchanged,
        (0, true) => IncomingOutcome::Kept(Box::new(moves)),
        _ => IncomingOutcome::Updated(Box::new(moves)),
    };
    Ok(Applied { outcome, status, look_alike: None, declined_without_reason })
}

/// The audit actions that are the operator's own corrections of who a pupil is: the detail screen's `E`, and
/// its redo. A value an import or a merge wrote is any later list's to change.
/// `mark` writes none of the name, class and phone; its 民族 and 居住地址 (`mark --ethnicity`) are the operator's.
const OPERATOR_CORRECTIONS: [&str; 3] = ["edit", "redo", "mark"];

/// What a pupil's history says of a list's value for one of their fields (`IdentityHistory::verdict`).
#[derive(Debug, Default)]
struct HistoryVerdict {
    /// The value is one the operator corrected away, and nothing set it again since.
    corrected_away: bool,
    /// The value held now is the operator's correction.
    held_is_correction: bool,
}

fn as_strs(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}

/// An audit row as `IdentityHistory` reads it: instant, action, field, old value.
type HistoryRow = (String, String, String, Option<String>);

/// One pupil's audit rows, newest first, read when a list's value of a field differs from the held one (rare
/// on a re-import: a pupil the list agrees with never reads them).
struct IdentityHistory {
    id: i64,
    rows: Option<Vec<HistoryRow>>,
}

impl IdentityHistory {
    /// Reads the history of the fields `keys` backwards from the values `held` now, one event (the rows of one
    /// instant and action) at a time: the newest event in which the field went from or to the list's value
    /// `list` decides. Going from it, by the operator's correction, is a correction the list must not undo.
    fn verdict(
        &mut self,
        tx: &Transaction,
        keys: &[&str],
        held: &[&str],
        list: &[&str],
        same: impl Fn(&[&str], &[&str]) -> bool,
    ) -> Result<HistoryVerdict> {
        if self.rows.is_none() {
            let rows = tx
                .prepare_cached(
                    "SELECT at, action, field, old FROM audit
                     WHERE student_id = ?1 AND field IN ('name', 'grade', 'class', 'phone', 'ethnicity', 'address')
                     ORDER BY id DESC",
                )?
                .query_map([self.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            self.rows = Some(rows);
        }
        let rows = self.rows.as_deref().unwrap_or_default();
        let mut state: Vec<String> = held.iter().map(|v| (*v).to_owned()).collect();
        let mut verdict = HistoryVerdict::default();
        let mut newest = true;
        let mut i = 0;
        while let Some((at, action, field, _)) = rows.get(i) {
            if !keys.contains(&field.as_str()) {
                i += 1;
                continue;
            }
            let after = state.clone();
            while let Some((_, _, field, old)) = rows.get(i).filter(|r| (&r.0, &r.1) == (at, action)) {
                if let Some(k) = keys.iter().position(|k| k == field) {
                    state[k] = old.clone().unwrap_or_default();
                }
                i += 1;
            }
            let by_operator = OPERATOR_CORRECTIONS.contains(&action.as_str());
            if newest {
                verdict.held_is_correction = by_operator;
                newest = false;
            }
            let (was, became) = (same(&as_strs(&state), list), same(&as_strs(&after), list));
            if was || became {
                verdict.corrected_away = was && !became && by_operator;
                break;
            }
        }
        Ok(verdict)
    }
}

/// A pupil's fields an import compares with its list.
struct Stored {
    school: String,
    name: String,
    grade: String,
    class: String,
    phone: String,
    enrollment: String,
    categories: String,
    categories_year: Option<i32>,
    note: String,
    payment: String,
    ethnicity: Option<String>,
    address: Option<String>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_read_as_displayed() {
        let mut out = String::from("left over");
        for (y, m, d) in [(2015, 1, 31), (1900, 12, 1), (9999, 2, 28), (0, 1, 1), (10_000, 1, 1), (-1, 6, 30)] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            super::iso_date(date, &mut out);
            assert_eq!(out, date.to_string());
        }
    }

    /// The triggers an insert into `students` or `audit` runs, by name.
    fn insert_triggers(tx: &rusqlite::Connection) -> Vec<String> {
        tx.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('students', 'audit')
             AND sql LIKE '% INSERT ON %' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    #[test]
    fn an_import_runs_no_trigger_on_the_pupils_or_history_it_writes() {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        let all = insert_triggers(&s.conn);
        assert_eq!(all, ["audit_kept_number", "students_name_order_insert"]);
        let mut session = s.begin_import().unwrap();
        let row = super::Incoming::for_test("测试小学", "张三", "110105201503070021");
        session.apply(&row).unwrap();
        session.batch.write_pending(session.tx.as_ref().unwrap(), &session.ctx).unwrap();
        let tx = session.tx.as_ref().unwrap();
        assert_eq!(insert_triggers(tx), Vec::<String>::new());
        let created: i64 =
            tx.query_row("SELECT count(*) FROM audit WHERE field = 'created'", [], |r| r.get(0)).unwrap();
        assert_eq!(created, 1);
    }

    #[test]
    fn an_import_puts_its_triggers_back_as_they_were_and_numbers_a_kept_payment_it_wrote() {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        let text = |c: &rusqlite::Connection| -> Vec<String> {
            c.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let before = text(&s.conn);
        let row = |name: &str, id: &str| super::Incoming::for_test("测试小学", name, id);
        s.apply_import(&[row("张三", "110105201503070021")], &[], 0, true).unwrap();
        assert_eq!(text(&s.conn), before, "after a dry run");
        drop(s.begin_import().unwrap());
        assert_eq!(text(&s.conn), before, "after an import given up");
        // A kept payment written inside an import's transaction is numbered at its end, as the trigger would.
        let kept = r#"{"amount_fen":40000}"#;
        let mut session = s.begin_import().unwrap();
        session.apply(&row("李四", "110105201503070013")).unwrap();
        session
            .tx
            .as_ref()
            .unwrap()
            .execute(
                "INSERT INTO audit(at, operator, origin, action, id_number, field, new)
                 VALUES ('t', 'o', 'x', 'reconcile', '110105201503070038', 'payment_unapplied', ?1)",
                [kept],
            )
            .unwrap();
        session.finish(&[], 0, false).unwrap();
        assert_eq!(text(&s.conn), before, "after an import");
        let numbered: Vec<i64> = s
            .conn
            .prepare("SELECT a.id FROM kept_numbers k JOIN audit a ON a.id = k.audit_id ORDER BY k.number")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let written: i64 =
            s.conn.query_row("SELECT id FROM audit WHERE field = 'payment_unapplied'", [], |r| r.get(0)).unwrap();
        assert_eq!(numbered, [written]);
        // And the trigger numbers one written after, by another path.
        s.conn
            .execute(
                "INSERT INTO audit(at, operator, origin, action, id_number, field, new)
                 VALUES ('t', 'o', 'x', 'reconcile', '110105201503070046', 'payment_unapplied', ?1)",
                [kept],
            )
            .unwrap();
        let count: i64 = s.conn.query_row("SELECT count(*) FROM kept_numbers", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 2);
    }

    /// A kept payment written inside an import is numbered at its end, after those kept before, in the order
    /// written and never a dismissal: read back by the session's rows when the log holds more kept payments than
    /// the session wrote rows, by the kept payments' index when fewer (`FEWER_KEPT_THAN`).
    #[test]
    fn an_import_numbers_its_kept_payments_by_its_rows_or_by_their_index_alike() {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        let keep = |c: &rusqlite::Connection, number: &str, new: &str| {
            c.execute(
                "INSERT INTO audit(at, operator, origin, action, id_number, field, new)
                 VALUES ('t', 'o', 'x', 'reconcile', ?1, 'payment_unapplied', ?2)",
                [number, new],
            )
            .unwrap();
        };
        let kept = r#"{"amount_fen":40000}"#;
        let dismissed = r#"{"dismissed":1}"#;
        for n in ["110105201503070011", "110105201503070012", "110105201503070013", "110105201503070014"] {
            keep(&s.conn, n, kept);
        }
        let numbered = |s: &crate::store::Store| -> Vec<(i64, String)> {
            s.conn
                .prepare("SELECT k.number, a.id_number FROM kept_numbers k JOIN audit a ON a.id = k.audit_id ORDER BY k.number")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let row = |name: &str, id: &str| super::Incoming::for_test("测试小学", name, id);
        // Seven kept payments in the log (one a dismissal) and four rows written: read by the session's rows.
        let mut session = s.begin_import().unwrap();
        session.apply(&row("李四", "110105201503070021")).unwrap();
        session.batch.write_pending(session.tx.as_ref().unwrap(), &session.ctx).unwrap();
        let tx = session.tx.as_ref().unwrap();
        keep(tx, "110105201503070031", kept);
        keep(tx, "110105201503070032", dismissed);
        keep(tx, "110105201503070033", kept);
        let fewer: bool = tx.query_row(super::FEWER_KEPT_THAN, [4], |r| r.get(0)).unwrap();
        assert!(!fewer);
        session.finish(&[], 0, false).unwrap();
        let mut expected: Vec<(i64, String)> = (1..=4).map(|i| (i, format!("11010520150307001{i}"))).collect();
        expected.push((5, "110105201503070031".into()));
        expected.push((6, "110105201503070033".into()));
        assert_eq!(numbered(&s), expected);
        // Nine in the log and twelve rows written: read by the index.
        let mut session = s.begin_import().unwrap();
        for i in 0..10 {
            let id = format!("1101052015030701{i}");
            let id = format!("{id}{}", crate::domain::id_number::check_char(id.as_bytes()));
            session.apply(&row(&format!("王{i}"), &id)).unwrap();
        }
        session.batch.write_pending(session.tx.as_ref().unwrap(), &session.ctx).unwrap();
        let tx = session.tx.as_ref().unwrap();
        keep(tx, "110105201503070041", dismissed);
        keep(tx, "110105201503070042", kept);
        let fewer: bool = tx.query_row(super::FEWER_KEPT_THAN, [12], |r| r.get(0)).unwrap();
        assert!(fewer);
        session.finish(&[], 0, false).unwrap();
        expected.push((7, "110105201503070042".into()));
        assert_eq!(numbered(&s), expected);
    }
}
