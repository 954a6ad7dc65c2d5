//! Every string the screens show, one table per language (`text/zh.rs`, `text/en.rs`), as `crate::words`
//! describes: templates with `{}` placeholders filled in order by [`fill`]. No string in the chrome uses an
//! ambiguous-width character (arrows, dots, circled digits, block elements), so a CJK terminal draws it as
//! measured.

pub mod conflict;
mod en;
mod zh;

use super::Language;
use super::jobs::JobKind;
use super::keymap::Context;
use crate::domain::policy::Ledger;
use crate::domain::student::{Enrollment, PaymentChannel, PaymentStatus};

/// The suffix of a merge's audit field for a value it did not keep (`phone:conflict_lost`).
const CONFLICT_LOST: &str = ":conflict_lost";

pub use crate::words::fill;

/// One action's words: a short label for the footer and a sentence for the help screen.
pub struct ActionText {
    pub name: &'static str,
    pub short: &'static str,
    pub help: &'static str,
}

pub struct Text {
    pub lang: Language,
    pub app_title: &'static str,
    pub operator: &'static str,
    pub schools: &'static str,
    pub ids_shown: &'static str,
    /// The title bar's mark of a drive opened read-only (another canbao holds it).
    pub read_only: &'static str,
    /// The title bar's mark of the demo file or the sample school: not a real drive.
    pub sample_drive: &'static str,
    /// The same, shorter, where the title bar has no room for it all.
    pub sample_drive_short: &'static str,
    /// The title bar's mark of a drive file inside a `backups/` folder: a copy, not the drive it was taken from.
    pub backup_copy: &'static str,
    /// Said when such a file opens: changes made in it stay in it.
    pub backup_copy_opened: &'static str,
    /// Said when an older canbao's drive opens read-only: it is not upgraded, and reads as that canbao kept it.
    pub older_read_only: &'static str,
    /// `e`, `p`, `f` or `c` with no pupil in the list (a new drive, a search that finds nobody).
    pub no_pupil_to_mark: &'static str,
    /// Said instead of attempting a change in read-only mode.
    pub read_only_refused: &'static str,
    /// `r` in read-only mode: showing a full number is recorded in the audit log, which such a window cannot write.
    pub read_only_reveal: &'static str,
    /// An export with whole ID numbers in read-only mode: recorded in the audit log as a reveal is, so refused.
    pub read_only_export: &'static str,
    /// Text pasted on a screen (not in a field) too long to be a search: not used.
    pub paste_not_searched: &'static str,
    /// A read-only instance has loaded what the writer saved since.
    pub writer_changes_loaded: &'static str,
    /// A drive read as an immutable file changed on disk: opened again, and its roster read again.
    pub drive_reopened: &'static str,
    /// ... and could not be opened again ({} why).
    pub drive_reopen_failed: &'static str,
    /// A read-only window whose writer has quit: the drive is free, but this window still cannot write; the
    /// `take_over` key.
    pub writer_closed: &'static str,
    /// A read-only window that had been told its writer quit: another canbao has taken the drive since (its
    /// operator, since when), so the key is offered no more.
    pub writer_back: &'static str,
    /// The writer's window has closed and `take_over` made this one write: said once it does.
    pub take_over_done: &'static str,
    /// `take_over` while the writer still holds the drive.
    pub take_over_writer_there: &'static str,
    /// The writer this window deferred to still holds the drive, named as its lock file names it.
    pub take_over_writer_named: &'static str,
    /// `take_over` after another window took the drive's lock first: who (its operator), and since when.
    pub take_over_taken: &'static str,
    /// `take_over` while a job (or the roster read on a worker) runs.
    pub take_over_busy: &'static str,
    /// `take_over` refused: this laptop's clock is so many days behind the drive's newest change.
    pub take_over_clock: &'static str,
    /// `take_over` failed on opening the drive to write, with the error.
    pub take_over_failed: &'static str,
    /// `take_over` in a window opened read-only by choice (no writer was there to close).
    pub take_over_not_offered: &'static str,
    /// `take_over` in a window that writes already.
    pub take_over_writing_already: &'static str,
    /// The pupil on the detail screen is not in the drive as it is now (a restore, another file).
    pub pupil_not_in_drive: &'static str,
    pub too_small: &'static str,
    /// The 「窗口太小」 notice while a job that can stop runs (the job, the key that asks whether to stop it):
    /// the quit key asks, and the question is seen once the window is larger.
    pub too_small_job: &'static str,
    /// The 「窗口太小」 notice while a job runs that the quit key cannot leave (a restore, which cannot stop).
    pub too_small_job_busy: &'static str,
    /// The 「窗口太小」 notice while the question whether to stop a job waits for its answer.
    pub too_small_stop_question: &'static str,
    /// The 「窗口太小」 notice over a dialog or typed text, which the quit key (Ctrl-c) leaves only when pressed twice.
    pub too_small_kept: &'static str,
    /// The 「窗口太小」 notice once Ctrl-c warned there: the next one quits.
    pub too_small_warned: &'static str,

    pub roster_title: &'static str,
    pub filters: &'static str,
    pub filter_class: &'static str,
    pub filter_enrollment: &'static str,
    pub filter_payment: &'static str,
    pub filter_category: &'static str,
    pub filter_problems: &'static str,
    pub all: &'static str,
    pub only_problems: &'static str,
    /// The filter line with no filter set, where there is no room to name each filter as 「全部」.
    pub no_filters: &'static str,
    pub shown_count: &'static str,
    pub marked_count: &'static str,
    pub search_label: &'static str,
    /// The hint with the numbers shown (`r`): any part of a number finds its pupil.
    pub search_hint: &'static str,
    /// The hint while the numbers are masked: what of a number finds a pupil then, and the key (`reveal`, the
    /// second `{}`) that searches any part of it.
    pub search_hint_masked: &'static str,
    /// `search_hint_masked` for a window too narrow for it.
    pub search_hint_masked_short: &'static str,
    /// `search_hint_masked` in a window that cannot show the numbers (read-only: a reveal is recorded).
    pub search_hint_masked_only: &'static str,
    pub no_match: &'static str,
    /// The search finds pupils the filters leave out: the search, how many, the key of the filters.
    pub no_match_filtered: &'static str,
    pub empty_roster: &'static str,
    pub col_name: &'static str,
    pub col_id: &'static str,
    pub col_class: &'static str,
    /// The roster's school column, shown on a drive of several schools (two may each have a 一年级1班).
    pub col_school: &'static str,
    pub col_enrollment: &'static str,
    pub col_payment: &'static str,
    pub col_categories: &'static str,
    /// The categories heading over a column narrower than `col_categories` (a terminal under 80 columns, or
    /// school names too long to leave it room): short on purpose rather than cut.
    pub col_categories_short: &'static str,

    pub detail_title: &'static str,
    /// Said when Up or Down puts another pupil on the detail screen: name, class, place in the list, its length.
    pub detail_now_showing: &'static str,
    pub f_name: &'static str,
    pub f_id: &'static str,
    pub f_id_kind: &'static str,
    pub f_sex_birth: &'static str,
    pub f_school: &'static str,
    pub f_class: &'static str,
    pub f_phone: &'static str,
    pub f_ethnicity: &'static str,
    pub f_address: &'static str,
    pub f_enrollment: &'static str,
    pub f_payment: &'static str,
    pub f_categories: &'static str,
    pub f_note: &'static str,
    pub f_problem: &'static str,
    pub f_due: &'static str,
    /// A pupil marked 财政代缴: what the department pays.
    pub f_government: &'static str,
    /// Why the department's share is 0, unknown or partial.
    pub government_note: &'static str,
    pub f_coverage: &'static str,
    pub f_where: &'static str,
    pub history: &'static str,
    pub no_history: &'static str,
    /// Beside the history's heading when it does not all fit: the first and last entry shown, of how many.
    pub history_range: &'static str,
    /// The detail screen's hints for Up and Down, which show the previous or next pupil of the list.
    pub prev_pupil: &'static str,
    pub next_pupil: &'static str,
    pub none: &'static str,
    pub age: &'static str,
    pub decline_reason: &'static str,
    pub elsewhere_place: &'static str,
    pub paid_info: &'static str,
    pub due_line: &'static str,
    /// A family that paid before the pupil's category was certified (`policy::PaidFirst`): what it paid, and that
    /// no department pays on the pupil's behalf, as `quote` says it ({0} yuan, {1} the window).
    pub due_paid_first: &'static str,
    /// The amounts of a pupil whose subsidy waits on the 本市户籍 check: {0} {1} the family's and the department's
    /// if local, {2} the family's if not, {3} the window.
    pub due_hukou_pending: &'static str,
    /// A pupil insured elsewhere and counted in 异地缴费, where the amount due stands: the place.
    pub due_elsewhere_at: &'static str,
    pub due_elsewhere: &'static str,
    /// The rule of a pupil insured elsewhere: what the policy would give if the pupil enrolled here.
    pub rule_if_here: &'static str,
    /// The amount due of a pupil the policy sends to enroll away from school (待遇审批地: the category, the
    /// certifying department; the family: the category): nothing is collected at school.
    pub due_away_benefit_of: &'static str,
    pub due_away_benefit: &'static str,
    pub due_away_family: &'static str,
    /// The policy's rule for such a pupil, as it reads if the school enrolls them all the same.
    pub rule_if_school: &'static str,
    /// The payment form's word for such a pupil after the amount due: the amount is typed, none is proposed.
    pub payment_away_type: &'static str,
    /// A pupil marked 财政代缴 whose family part the policy gives no amount for today: today, the policy's refusal.
    pub family_part_today: &'static str,
    pub coverage_line: &'static str,
    /// The detail screen's 待遇期 of a part-payer: none yet.
    /// 财政代缴 paying only the department's share: not insured until the family's share is paid.
    pub coverage_family_share: &'static str,
    pub coverage_part_paid: &'static str,
    /// An unpaid pupil's cover: none yet, and the period paying today would give (first day, last day).
    pub coverage_unpaid: &'static str,
    /// An unpaid pupil's cover in a closed year shown: none.
    pub coverage_unpaid_closed: &'static str,
    pub label_value: &'static str,
    pub with_clause: &'static str,
    /// A reading the notice does not state, with its clause: for the operator to confirm with the agency.
    pub to_confirm: &'static str,
    pub special_without_policy: &'static str,
    pub no_policy: &'static str,
    pub history_line: &'static str,
    /// A reveal's history line: when, who, and where the numbers were shown (`reveal_scopes`).
    pub history_reveal: &'static str,
    /// A payment the tax office listed that a reconciliation kept as not recorded: when, who, the action, and the
    /// record in words (`UnappliedPayment::summary`).
    pub history_unapplied: &'static str,
    /// The agency's 未参保 for a pupil counted insured, kept for `check`: when, who, action, the record in words.
    pub history_agency_not_registered: &'static str,
    /// A kept payment the operator dismissed: when, who, why, the payment.
    pub history_unapplied_dismissed: &'static str,
    /// A dismissal taken back: when, who, why, the payment.
    pub history_unapplied_undismissed: &'static str,
    /// The amount a reconciliation recorded, unchanged, for a payment two laptops recorded with different
    /// amounts: when, who, the action, and the amount the tax office's list gives.
    pub history_amount_listed: &'static str,
    /// After a masked number in the history whose length a correction changed: its length.
    pub history_id_length: &'static str,
    /// After a corrected number whose masked form shows the same ends as the old one's: which characters changed
    /// (their places, never the characters).
    pub history_id_changed_at: &'static str,
    /// A field whose value a merge did not keep (its `FIELD:conflict_lost` row): the field's name in it.
    pub history_conflict_lost: &'static str,
    /// A category in a history entry certified for a year of its own ({} the name, {} the year): certified later
    /// than the pupil's other categories.
    pub history_category_year: &'static str,
    /// A history row of a value a merge did not keep: when, who, action, field, the value not kept, the one kept
    /// (the row's old and new), so that it never reads as a change that was not made.
    pub history_conflict_line: &'static str,
    /// Where a reveal showed full numbers, by the scope its audit row records.
    pub reveal_scopes: &'static [(&'static str, &'static str)],
    pub id_kinds: [&'static str; 4],
    /// By `IdProblem::code`.
    pub problems: &'static [(&'static str, &'static str)],
    /// Audit actions by code.
    pub audit_actions: &'static [(&'static str, &'static str)],
    /// Field names by audit key (English; Chinese comes from `Field::label_zh`).
    pub field_names: &'static [(&'static str, &'static str)],

    pub dash_title: &'static str,
    pub dash_totals: &'static str,
    pub dash_progress: &'static str,
    pub dash_ledgers: &'static str,
    /// After the 财政代缴 ledger's figure: how many of it no department's payment was recorded for.
    pub dash_government_unrecorded: &'static str,
    /// `dash_government_unrecorded` where the ledgers' line is short of room (80 columns).
    pub dash_government_unrecorded_short: &'static str,
    /// The four ledgers' names where their line has no room for the whole ones (80 columns, four-digit counts),
    /// in `Ledger::ALL`'s order: 已缴费, 未缴费, 异地缴费, 财政代缴.
    pub dash_ledgers_short: [&'static str; 4],
    pub dash_statuses: &'static str,
    pub dash_policy: &'static str,
    pub dash_backup: &'static str,
    pub dash_no_backup: &'static str,
    /// The two above without when backups are taken, beside the drive file's path.
    pub dash_backup_short: &'static str,
    pub dash_no_backup_short: &'static str,
    /// The drive file open now, in full.
    pub dash_file: &'static str,
    pub dash_class_header: [&'static str; 5],
    pub dash_chart: &'static str,
    pub dash_chart_enrolled: &'static str,
    pub dash_chart_paid: &'static str,
    pub dash_days: &'static str,
    pub dash_day: &'static str,
    pub dash_no_days: &'static str,
    /// The class line of pupils without a class, as `canbao stats` names it.
    pub dash_no_class: &'static str,
    pub dash_bars: &'static str,
    /// `dash_bars` where the class table's header is short of room.
    pub dash_bars_short: &'static str,

    pub help_title: &'static str,
    pub help_intro: &'static str,
    /// Under the intro in a read-only window, whose help leaves out the keys it refuses.
    pub help_read_only: &'static str,
    pub contexts: [(Context, &'static str); 8],
    pub actions: &'static [ActionText],

    pub operator_title: &'static str,
    pub operator_prompt: &'static str,
    pub welcome_title: &'static str,
    pub welcome_body: &'static str,
    pub welcome_sample: &'static str,
    pub welcome_import: &'static str,
    pub enrollment_title: &'static str,
    pub decline_prompt: &'static str,
    pub elsewhere_prompt: &'static str,
    pub no_detail: &'static str,
    /// Typing on a status that takes no reason or place.
    pub no_detail_typed: &'static str,
    /// Enter on a status a single pupil's payment rules out: the chooser stays open with what was typed.
    pub enrollment_paid_here: &'static str,
    /// Enter on 不参保 with no reason typed: the chooser stays open, on the reason.
    pub decline_reason_needed: &'static str,
    /// The enrollment chooser's hint for Tab to the reason or place, and back.
    pub to_detail: &'static str,
    pub to_choices: &'static str,
    /// A message box's hint for Down, which scrolls to the lines below.
    pub scroll_more: &'static str,
    /// The filter panel's hint for Down, which goes to the next filter (Left and Right change its value).
    pub next_filter: &'static str,
    /// A question's hint for Left, which moves the highlight to 否, the button drawn on the left.
    pub to_no: &'static str,
    /// A question's hint for Right, which moves the highlight to 是, the button drawn on the right.
    pub to_yes: &'static str,
    pub confirm_title: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub ask_bulk_enrollment: &'static str,
    /// After the bulk enrollment question: how many selected hold that status already and stay as they are.
    pub bulk_already: &'static str,
    /// A bulk enrollment mark on pupils who all hold that status already: nothing asked, nothing written.
    pub bulk_all_already: &'static str,
    pub ask_bulk_paid: &'static str,
    pub each_amount: &'static str,
    pub ask_amount_differs: &'static str,
    /// `p` on a part-paid pupil: name, paid, due, still owed; Yes opens the top-up form, No asks about clearing.
    pub ask_top_up: &'static str,
    /// The same for a part-payer who left school (已离校), No by default: nobody asks her family for the rest, and
    /// a top-up recorded (paid before she left) keeps her 已离校.
    pub ask_top_up_left: &'static str,
    /// A top-up that does not make up the amount due: the top-up, the sum, the amount due.
    pub ask_top_up_differs: &'static str,
    /// The payment form recording a top-up: its title, its amount's label, and what it says first (paid, due,
    /// still owed).
    pub top_up_title: &'static str,
    pub top_up_amount: &'static str,
    pub top_up_note: &'static str,
    /// What the status line says was saved: the top-up, the sum.
    pub top_up_saved: &'static str,
    /// A top-up moved to the recorded payment's day, one after today (a laptop in a time zone ahead).
    pub top_up_dated_as_recorded: &'static str,
    /// A family's payment short of the amount due (the roster's 缴费 column, the detail screen).
    pub part_paid: &'static str,
    /// Under the amount due on the detail screen, for a part-paid pupil: paid, still owed.
    pub due_part: &'static str,
    pub ask_bulk_government: &'static str,
    /// How many of those `f` was pressed for were left out because their family's payment is recorded.
    pub bulk_keeps_payments: &'static str,
    pub bulk_no_category: &'static str,
    pub ask_government_no_category: &'static str,
    /// A pupil whose categories the drive's policy subsidises none of: {0} name, {1} categories, {2} the
    /// notice, {3} the family's due. Asked, No first: no department pays, and the mark would count them insured.
    pub ask_government_unsubsidised: &'static str,
    /// Of those, how many have only categories carried from an earlier year (待重新认定).
    pub bulk_recertify: &'static str,
    /// `f` on a pupil whose categories ({} the list) are all carried from an earlier year (待重新认定).
    pub ask_government_recertify: &'static str,
    pub bulk_full_subsidy: &'static str,
    pub ask_full_subsidy: &'static str,
    /// `ask_full_subsidy` for a pupil whose subsidy waits on the 本市户籍 check: name.
    pub ask_full_subsidy_pending: &'static str,
    /// A pupil whose category enrolls away from school (待遇审批地, with the family): name, category, where.
    pub ask_pay_away: &'static str,
    pub ask_enroll_away: &'static str,
    pub ask_government_away: &'static str,
    /// After `ask_government_away` for a pupil the family paid for: the payment it clears.
    pub government_away_clears: &'static str,
    /// Where such a pupil enrolls, as the questions above say it: 待遇审批地, with the family.
    pub away_benefit: &'static str,
    pub away_family: &'static str,
    /// Left out of a bulk payment or 在校参保: how many, where, who.
    pub bulk_left_away: &'static str,
    /// Every selected pupil enrolls away from school: how many, where.
    pub all_left_away: &'static str,
    pub ask_clear_paid: &'static str,
    /// Clearing a payment a reconciliation recorded: the tax office still has it.
    pub ask_clear_listed_paid: &'static str,
    /// Between the parts of a short list inside a sentence (amount, date, channel).
    pub list_comma: &'static str,
    pub ask_paid_to_government: &'static str,
    /// `f` on a payment the tax office's list recorded: name, the payment, when the list recorded it.
    pub ask_listed_paid_to_government: &'static str,
    pub ask_clear_government: &'static str,
    pub ask_bulk_categories: &'static str,
    pub ask_bulk_note: &'static str,
    /// Added to `ask_bulk_note`: how many of the pupils have another note, which the new one replaces.
    pub bulk_replaces_notes: &'static str,
    /// After a bulk payment's question: the selected pupils whose payment is recorded already, kept.
    pub bulk_kept_paid: &'static str,
    pub all_already_paid: &'static str,
    /// A class's `p` where every selected pupil is part-paid (部分缴费), none paid in full: their count.
    pub all_part_paid: &'static str,
    /// A class's `p` where every selected pupil has a payment, some in full and some in part: each count.
    pub all_paid_or_part_paid: &'static str,
    /// Of the pupils a class's payment kept as they are, the part-payers still owing, said apart from those paid
    /// in full (`bulk_kept_paid`), never counted among them: how many, a few names, the key that offers one pupil's
    /// top-up.
    pub bulk_kept_part_paid: &'static str,
    /// Of a class's payment, the pupils left out because their 本市户籍 is to be checked: how many, a few names, the
    /// key that records one pupil's payment.
    pub bulk_hukou_pending: &'static str,
    /// Every pupil of a class's payment has a 本市户籍 to be checked: how many, the key for one pupil's payment.
    pub all_hukou_pending: &'static str,
    /// Of the pupils a class's payment kept as they are, the part-payers who have left school (the rest is not
    /// asked of the family, as `ask_top_up_left` says on her own row): how many, a few names.
    pub bulk_kept_left_part_paid: &'static str,
    /// The one pupil selected part-paid and left school, kept: name, yuan short, the key that unselects (her row's
    /// `p` then offers a top-up paid before she left).
    pub selected_kept_left_part_paid: &'static str,
    /// The one pupil selected is paid or 财政代缴, kept: name, payment, the key that unselects, the key that clears.
    pub selected_kept: &'static str,
    /// A pupil paid for, not marked 不参保 / 异地参保: name, payment, status, the key that clears the payment.
    pub enrollment_against_payment: &'static str,
    pub bulk_kept_for_payment: &'static str,
    pub all_kept_for_payment: &'static str,
    /// After the question of a bulk 不参保: how many of the pupils are declined already for another reason, which
    /// the one typed replaces (the count, the reason typed).
    pub bulk_replaces_reasons: &'static str,
    /// The same for a bulk 异地参保 over other places recorded (the count, the place typed).
    pub bulk_replaces_places: &'static str,
    /// A bulk 异地参保 with no place typed, over places recorded (the count): the places are cleared.
    pub bulk_clears_places: &'static str,
    /// A bulk enrollment mark over pupils marked 不参保, 异地参保 or 已离校 (the count, a few named, the key): they
    /// stay as they are.
    pub bulk_kept_answered: &'static str,
    /// The same when that is every pupil selected: nothing is asked or changed.
    pub all_kept_answered: &'static str,
    /// What the status line adds after such a mark is saved (the count, a few named).
    pub saved_kept_answered: &'static str,
    /// A pupil's name with the status that kept them (任俊桐（不参保）).
    pub name_with_status: &'static str,
    /// Yes to stopping a job whose result was saved before the answer (or before the stop reached it).
    pub finished_before_stop: &'static str,
    /// Under the question whether to stop a job that has since ended having changed nothing: what each answer does.
    pub ended_under_question: &'static str,
    /// Under the question whether to stop a job that has since ended and saved its result.
    pub saved_under_question: &'static str,
    /// Yes to stopping a job that had ended having changed nothing: its result thrown away. The job's name.
    pub ended_result_discarded: &'static str,
    pub exports_masked: &'static str,
    /// The title bar's flag while exports are masked.
    pub masked_flag: &'static str,
    /// Said in an export's dialogs when its ID numbers are masked.
    pub export_is_masked: &'static str,
    /// Said in an export's dialogs when masking is on but the form, one for the agencies, is not masked.
    pub export_not_masked: &'static str,
    /// After a CSV export of whole ID numbers, as `canbao export --format csv` warns: a double-click in Excel or WPS
    /// shows them as 5.1E+17, and what to do instead.
    pub export_csv_numbers: &'static str,
    pub exports_unmasked: &'static str,
    /// Under a bulk question: how many of the selected pupils the list on screen no longer shows.
    pub marked_hidden: &'static str,
    /// Under a question about one selected pupil the list on screen no longer shows: that pupil, by name.
    pub marked_hidden_one: &'static str,
    /// A mark of one selected pupil the list no longer shows, asked before it is saved: the name, what is saved.
    pub ask_hidden_one: &'static str,
    /// As `ask_hidden_one` when the mark leaves the field empty (every category unticked, the note deleted): the
    /// name, the field.
    pub ask_hidden_clear: &'static str,
    /// After a dialog's title naming one selected pupil the list no longer shows.
    pub not_in_list: &'static str,
    /// A dialog's title about one selected pupil shown on another row than the cursor's: that pupil, then the
    /// one under the cursor, so the title never reads as being about the highlighted child.
    pub selected_off_cursor: &'static str,
    /// Under a question about one selected pupil shown on another row than the cursor's: both, by name.
    pub marked_off_cursor_one: &'static str,
    /// Under a question about several selected pupils, the highlighted one not among them: a few of them by name
    /// (`names_and_more`), then the one under the cursor.
    pub marked_off_cursor: &'static str,
    /// After a dialog's count of several selected pupils, the highlighted one not among them: her name.
    pub cursor_not_among: &'static str,
    /// A few names, then how many in all (「崔霞、方滢磊、王芳等 5 人」).
    pub names_and_more: &'static str,
    /// `p` on a pupil marked 财政代缴, before the payment form opens.
    pub ask_pay_over_government: &'static str,
    /// In the payment form of a pupil marked 财政代缴 (the operator said yes to recording a family's payment).
    pub payment_over_government: &'static str,
    /// A class typed in the filter panel that no class matches.
    pub no_class_matches: &'static str,
    /// Under a bulk question whose pupils are in several schools: how many pupils, how many schools, then each
    /// school with its count (`marked_school`, joined by `list_comma`).
    pub marked_schools: &'static str,
    pub marked_school: &'static str,
    /// A class named with its school, on a drive of several schools (two may each have a 一年级1班).
    pub class_of_school: &'static str,
    /// The category chooser closed by a key it has no use for (text typed into the wrong window): nothing saved.
    pub categories_stray: &'static str,
    /// A key with no use on the screen (the key): the keys typed seem meant for another window, and do nothing
    /// until the typing pauses.
    pub keys_astray: &'static str,
    /// Text typed into a yes/no question (the key): the question is closed unanswered, as Esc closes it, and
    /// no key acts until the typing pauses, so the Enter typed after the text answers nothing.
    pub question_typed_astray: &'static str,
    /// A letter typed in a preview that applies to the drive on Enter: text typed astray, nothing applied.
    pub preview_typed_astray: &'static str,
    /// Enter in a preview a letter was typed into: not applied; the next Enter applies it.
    pub preview_enter_after_letters: &'static str,
    /// The title of the question whether to clear a pupil's payment (改为未缴费), drawn in the error colour.
    pub clear_payment_title: &'static str,
    /// The typing paused after keys that seemed meant for another window: how many did nothing.
    pub keys_astray_ignored: &'static str,
    /// Added to the two above when keys of the same run (j, k, g, Space) had moved the cursor, opened a pupil or
    /// selected one before the run showed it was typed astray: put back as it was.
    pub keys_astray_cursor_back: &'static str,
    /// A key that acts only after a pause (undo, redo, reveal, the note) came with more keys right after it (the
    /// key, what it does): not done, and the keys do nothing until the typing pauses.
    pub keys_burst: &'static str,
    /// The same key right after other keys, with no pause between (the key, what it does).
    pub keys_run_before: &'static str,
    /// A letter that answers a question (`y`, or `h`/`l` moving to 是; the key) on a question that a character
    /// typed right after other keys opened (the `f` of `jjf`): not taken, the arrows and Enter answer it.
    pub answer_after_run: &'static str,
    /// An Enter that ends the run of keys a dialog was opened and filled by, with no pause for a look (`App::key`):
    /// nothing saved, and a second Enter after a look saves.
    pub confirm_unread_run: &'static str,
    /// Keys typed before the operator's name was asked (how many): not taken as the name, nor those typed right
    /// after them.
    pub keys_ignored_operator: &'static str,
    /// Keys that came as the operator's name was asked, before the keys paused after it showed: not the name.
    pub keys_at_name_prompt: &'static str,
    /// What the keys of either kind came to once they paused (how many), said at the name's prompt, where nothing
    /// else (no pupil) could have changed.
    pub keys_ignored_at_name: &'static str,
    /// Enter on the operator's name left empty: not taken.
    pub operator_empty: &'static str,
    /// The operator's name typed looks like a file path (a drive's, pasted or typed into the wrong prompt).
    pub operator_path: &'static str,
    /// The operator's name typed is longer than any name (the most characters taken).
    pub operator_too_long: &'static str,
    /// Above the operator's name field: the name the drive remembers was typed on another laptop (the name).
    pub operator_elsewhere: &'static str,
    /// A field an undo wrote back (the field, its value now), in its status line.
    pub undone_field: &'static str,
    /// A field a redo wrote again (the field, its value now).
    pub redone_field: &'static str,
    /// After an undo's status line: the key that redoes it.
    pub undone_redo_with: &'static str,
    /// After a redo's status line: the key that undoes it again.
    pub redone_undo_with: &'static str,
    /// `f` on one unpaid pupil with a category: asked, so that no lone key marks a pupil.
    pub ask_government: &'static str,
    /// After `ask_government`, for a pupil whose full subsidy needs 本市户籍 that the ID's area code puts in doubt
    /// (`pupil_flags::hukou_pending`): what the family owes if not of the city. Asked now, at the counter.
    pub ask_government_hukou_pending: &'static str,
    /// The file picker's hint for ← on an empty path field.
    pub picker_up: &'static str,
    pub ask_payment_against: &'static str,
    pub ask_payments_against: &'static str,
    /// In a bulk payment's first question: those whose status rules the payment out, asked about afterwards.
    pub bulk_asked_after: &'static str,
    /// After the others were saved, No to the question about the refused: the one by name, or how many.
    pub left_unchanged_one: &'static str,
    pub left_unchanged_some: &'static str,
    pub bulk_categories_hint: &'static str,
    /// The category picker of a pupil with categories carried from an earlier year: what Space does to one.
    pub recertify_categories_hint: &'static str,
    /// Beside a category in the picker: carried from an earlier year and not certified again.
    pub recertify_one: &'static str,
    /// After a category carried from an earlier year in the roster's narrow 人员类别 column.
    pub recertify_short: &'static str,
    /// A category with its department on the detail screen when only some are carried from an earlier year: the
    /// marker goes inside the category's own brackets, as one after them reads as if the whole list were carried.
    pub with_clause_recertify: &'static str,
    pub yuan_amount: &'static str,
    pub note_title: &'static str,
    pub note_prompt: &'static str,
    pub payment_title: &'static str,
    pub amount: &'static str,
    pub date: &'static str,
    pub channel: &'static str,
    pub channel_none: &'static str,
    /// Under the channels while another field has the focus: the key that moves to the row, where digits pick.
    pub channel_reach: &'static str,
    pub amount_each: &'static str,
    pub amount_missing: &'static str,
    pub amount_missing_some: &'static str,
    pub categories_title: &'static str,
    pub filters_title: &'static str,
    pub import_title: &'static str,
    pub export_title: &'static str,
    pub path_prompt: &'static str,
    pub preview_title: &'static str,
    pub preview_school: &'static str,
    pub preview_school_missing: &'static str,
    /// The drive's schools under the school asked in the import preview, which Tab puts in the field in turn.
    pub preview_schools_held: &'static str,
    /// A school typed in the import preview that the drive does not hold: Enter again makes it.
    pub preview_new_school_again: &'static str,
    pub for_pupils: &'static str,
    /// A selection the form leaves some of out (paid already): the selection, and those the form records, so
    /// the count reads as the title bar's selection narrowed, not another selection.
    pub for_pupils_unpaid: &'static str,
    /// The same when some are left out for enrolling where their benefit was approved.
    pub for_pupils_recorded: &'static str,
    /// The same when some are left out for both: the selection, those the form records, those paid already and
    /// those who enroll away from school, which add up to the selection (paid pupils are registered at school too,
    /// so 「在本校登记」 alone would leave them out of its count).
    pub for_pupils_recorded_paid_away: &'static str,
    /// As `for_pupils_recorded_paid_away`, the pupils kept being part-payers (部分缴费), none paid in full.
    pub for_pupils_recorded_part_away: &'static str,
    /// As `for_pupils_recorded_paid_away`, those kept counted apart: paid in full (or 财政代缴), part-paid.
    pub for_pupils_recorded_paid_part_away: &'static str,
    pub elapsed: &'static str,
    /// The file a running job reads, above its time.
    pub job_file: &'static str,

    pub revealed: &'static str,
    pub revealed_one: &'static str,
    pub import_cancelled: &'static str,
    pub nothing_changed: &'static str,
    /// A mark saved for one pupil: who, and what.
    pub saved_one: &'static str,
    /// Said after a mark that took the pupil out of the search or filters: their row stays until the cursor moves.
    pub held_out_of_filter: &'static str,
    /// Back from the detail screen, where a change took the pupil out of the search or filters: the pupil, kept
    /// highlighted until the cursor moves (as `held_out_of_filter` after a mark on the roster).
    pub held_after_detail: &'static str,
    /// Keys pressed before a question was shown (or as it was drawn), not taken as its answer.
    pub keys_ignored: &'static str,
    /// Keys pressed before a preview a job opened was shown, not taken by it.
    pub keys_ignored_preview: &'static str,
    pub bad_amount: &'static str,
    /// An amount of 0 typed for a family's payment: no payment, and where a department's payment goes.
    pub zero_amount: &'static str,
    pub bad_date: &'static str,
    /// A family's payment saved short of the amount due (the amount still owed): the status line's word for it.
    pub part_paid_owed: &'static str,
    /// The payment form's date reads as no day yet (being typed, or 2026-02-30): no amount is quoted for it.
    pub date_incomplete: &'static str,
    /// A payment date before the pupil's birth: name, birth date.
    pub date_before_birth: &'static str,
    /// A payment date after today: today, Beijing's date (the drive's calendar), as `mark` says it.
    pub future_date: &'static str,
    pub categories_saved: &'static str,
    /// Under an export's path, when the field cannot show it whole: the path in full.
    pub export_goes_to: &'static str,
    /// `r` on the roster: the question before every ID number is shown, and the status after its No.
    pub ask_reveal_all: &'static str,
    pub reveal_declined: &'static str,
    /// Enter in the category chooser with the pupil's categories as they were (the pupil's name): nothing written.
    pub categories_unchanged: &'static str,
    pub note_saved: &'static str,
    pub note_unsaved: &'static str,
    /// The first Ctrl-c in a field or the search line holding typed text (the seconds a second one quits in).
    pub quit_loses_typing: &'static str,
    /// Leaving the screen while a job runs (the job): it is stopped first, and the screen waits for it.
    pub stopping_to_quit: &'static str,
    /// `stopping_to_quit` for a job whose every change is in the drive's one transaction (the job): a second
    /// Ctrl-c leaves without waiting, the drive as it was before the job.
    pub stopping_to_quit_now: &'static str,
    /// On standard error once the screen is gone, Ctrl-c having stopped the job (its name): rolled back whole.
    pub left_job_rolled_back: &'static str,
    /// The same for an export or a backup: none of the files it was writing is left.
    pub left_job_files_removed: &'static str,
    /// The job came to its end before the stop could take effect: kept.
    pub left_job_kept: &'static str,
    /// The first Ctrl-c over a dialog, a form, a chooser or the palette with nothing typed into it (the seconds).
    pub quit_closes_dialog: &'static str,
    /// Ctrl-c at the first run's name prompt, where Esc quits too (canbao cannot go on without a name).
    pub quit_at_name_prompt: &'static str,
    /// Esc in the payment form after an amount was typed: nothing was recorded.
    pub payment_unsaved: &'static str,
    /// Esc in the enrollment chooser after a reason or place was typed: the status was not changed.
    pub enrollment_unsaved: &'static str,
    pub saved: &'static str,
    /// After `saved`: how many of the pupils marked held the value already.
    pub saved_unchanged: &'static str,
    /// A mark of several pupils that all held the value already: the number, the value.
    pub saved_none_changed: &'static str,
    /// `u` with nothing to undo since canbao was opened: undo lasts one session, and a restart ends it.
    pub nothing_to_undo: &'static str,
    /// Before a policy edit: the paid pupils it leaves short of the new amount due (部分缴费, not insured).
    pub policy_ask_uninsured: &'static str,
    /// The same without names ({} how many): payments recorded without a date, read for today.
    pub policy_ask_short: &'static str,
    /// After it, when no dated payment changes otherwise.
    pub policy_ask_save: &'static str,
    /// `u` after an edit of the drive's policy, which is saved to its file and is not undone by `u`.
    pub nothing_to_undo_since_policy: &'static str,
    /// `u` with nothing to undo since an import, reconciliation, merge, restore or change of year ended undo.
    pub nothing_to_undo_since_work: &'static str,
    /// `u` on a detail screen whose pupil has no change to undo, while other pupils' changes can be undone.
    pub nothing_to_undo_for: &'static str,
    /// `u` on a detail screen, nothing to undo for anyone: as `nothing_to_undo`, with the pupil's name.
    pub nothing_to_undo_for_session: &'static str,
    /// As `nothing_to_undo_since_work`, with the pupil's name.
    pub nothing_to_undo_for_since_work: &'static str,
    /// `u` on a detail screen whose pupil's last change was to several pupils, with newer changes after it.
    pub undo_bulk_not_last: &'static str,
    pub ask_undo: &'static str,
    pub ask_redo: &'static str,
    pub undone: &'static str,
    pub nothing_to_redo: &'static str,
    pub redone: &'static str,
    pub n_pupils: &'static str,
    pub import_done: &'static str,
    /// Files ticked together, refused as one batch: how many, and their names.
    pub import_batch_refused: &'static str,
    /// The same on the status line, the refused file's name first so that 80 columns keep it.
    pub import_batch_refused_status: &'static str,
    /// Next school year's list (`ImportError::NextYearList`): one file's line (file, held, up, name, from, to).
    pub next_year_file: &'static str,
    /// Under the files' lines: that nothing was imported, what to do first, and whether to move them up anyway.
    pub next_year_ask: &'static str,
    /// The same on the status line, the first file's name first.
    pub next_year_status: &'static str,
    /// Last school year's list (`ImportError::LastYearList`): one file's line (file, held, down, name, from, to).
    pub last_year_file: &'static str,
    /// Under the files' lines: that nothing was imported, what to do instead, and whether to move them down anyway.
    pub last_year_ask: &'static str,
    /// The same on the status line, the first file's name first.
    pub last_year_status: &'static str,
    /// A list that looks like a department's (`ImportError::CategoryList`), under the refusal's words: whether to
    /// import it as the school's class list all the same (previewed first).
    pub category_list_ask: &'static str,
    /// The status line then: the file.
    pub category_list_status: &'static str,
    pub export_done: &'static str,
    /// The stage folders of killed exports removed before this export ({} how many).
    pub export_swept_parts: &'static str,
    pub exported: &'static str,
    /// Files written by one export (how many, their folder), on the status line once its box is closed.
    pub exported_files: &'static str,
    pub failed: &'static str,
    /// The title over a form that had nobody to put in it (no pupil in a special category …).
    pub nothing_to_export: &'static str,
    /// The sheet typed as a CSV on a drive of several schools: how many, and their names.
    pub export_csv_many_schools: &'static str,
    pub import_counts: &'static str,
    pub import_schools: &'static str,
    pub import_masked: &'static str,
    /// Rows giving a pupil's number under a wholly different name: not imported, the pupils unchanged.
    pub import_other_names: &'static str,
    pub import_unnumbered_left_out: &'static str,
    pub import_counts_left_out: &'static str,
    /// Pupils the lists move: to another school, to another class, and into the drive's other spelling of their class.
    pub import_moves: &'static str,
    /// Pupils who graduated or left before this year whom the lists name again: back in a class, no longer 已离校.
    pub import_returned: &'static str,
    pub import_problem: &'static str,
    /// A remark about a whole sheet (no class column …): no row to name.
    pub sheet_problem: &'static str,
    pub sample_loaded: &'static str,
    /// The sample school replaced a demo file that held changes, after copying it here.
    pub sample_kept: &'static str,
    /// An export from the sample file: a form of made-up pupils must never reach an agency, a teacher or a family.
    pub sample_export_refused: &'static str,
    /// The import preview's first line in the sample file: its pupils would join the made-up ones.
    pub sample_preview: &'static str,
    /// Enter in the import preview of the sample file: yes imports there, no goes back to the real drive.
    pub sample_import_question: &'static str,
    /// The same, for a sample file opened on its own (`canbao demo`), with no real drive to go back to.
    pub sample_import_question_no_drive: &'static str,
    pub sample_back_to_drive: &'static str,
    /// `1` on the welcome: whether to switch to the sample school's own file, with the keys that answer (yes, back).
    pub sample_question: &'static str,
    /// The welcome of an empty drive whose sample file beside it was changed after it was made.
    pub sample_holds_imports: &'static str,
    pub jobs: [&'static str; 14],
    pub palette_title: &'static str,
    pub palette_prompt: &'static str,
    pub palette_none: &'static str,
    pub folder_prompt: &'static str,
    pub list_prompt: &'static str,
    pub reconcile_titles: [&'static str; 3],
    pub reconcile_preview: &'static str,
    pub reconcile_done: &'static str,
    pub reconcile_counts: &'static str,
    /// Said after `reconcile_counts` of a tax list only: the other lists record no payment.
    pub reconcile_counts_payments: &'static str,
    pub reconcile_name: &'static str,
    pub reconcile_conflict: &'static str,
    pub reconcile_recorded_over_status: &'static str,
    /// The same for a payment short of the amount due: place, number, name, roster, file, yuan still owed.
    pub reconcile_recorded_part_over_status: &'static str,
    pub reconcile_amount: &'static str,
    /// The same in a preview, where nothing is recorded yet.
    pub reconcile_amount_preview: &'static str,
    pub reconcile_unknown: &'static str,
    /// Near the top of a long report: how many rows name no pupil, listed last, and the key that goes to them.
    pub reconcile_unknown_below: &'static str,
    pub reconcile_flagged: &'static str,
    pub reconcile_not_registered: &'static str,
    pub reconcile_unknown_status: &'static str,
    pub reconcile_rounded: &'static str,
    pub reconcile_combined: &'static str,
    pub reconcile_redated: &'static str,
    /// A payment two laptops recorded with different amounts, and what the tax list made of it (place, ID,
    /// name, the words of `ListedDispute`).
    pub reconcile_dispute: &'static str,
    pub reconcile_combined_unread: &'static str,
    pub reconcile_receipt: &'static str,
    pub reconcile_receipt_recorded: &'static str,
    /// How many of the tax list's payments were not recorded and are kept for `check` (a real run; a preview).
    pub reconcile_unapplied: &'static str,
    pub reconcile_unapplied_preview: &'static str,
    pub reconcile_unapplied_before: &'static str,
    /// How many of the list's payments not recorded were dismissed already: not listed again.
    pub reconcile_unapplied_dismissed: &'static str,
    /// A tax list's preview when none of its rows is a pupil of the drive: first, with the rows of numbers nobody
    /// holds, so its names are not read as this school's families.
    pub reconcile_no_pupil: &'static str,
    /// Enter on that preview (`canbao reconcile` refuses such a list without `--keep-unmatched`): the question,
    /// No by default, with the payments that would be kept.
    pub reconcile_ask_no_pupil: &'static str,
    /// Under that question and the preview's note: the key that takes the list as another school's instead
    /// (`--other-school-ok`).
    pub reconcile_ask_other_school: &'static str,
    pub reconcile_other_school_offer: &'static str,
    /// A tax list previewed, or reconciled, as another school's: the lead of [`Self::reconcile_no_pupil`] and
    /// how many strangers' payments are not kept.
    pub reconcile_other_school_preview: &'static str,
    pub reconcile_other_school_done: &'static str,
    /// The line before the pupils a reconciliation changes, by count: a preview's, then a real run's.
    pub reconcile_changed_preview: &'static str,
    pub reconcile_changed_done: &'static str,
    /// A pupil it changes: place, name, class, ID number, what changes (`ChangedPupil::words`).
    pub reconcile_changed: &'static str,
    pub merge_title: &'static str,
    pub restore_pick_title: &'static str,
    pub merge_preview: &'static str,
    pub merge_done: &'static str,
    pub merge_file: &'static str,
    pub merge_file_no_pupils: &'static str,
    pub merge_file_no_changes: &'static str,
    pub import_leavers: &'static str,
    /// The possible leavers' dialog: its title, the line under the list naming the key that marks them (the key),
    /// the question before it (how many), the status after No or Esc, the status when there are none, and the
    /// mark's label on the status line.
    pub leavers_title: &'static str,
    pub leavers_mark_hint: &'static str,
    pub ask_mark_leavers: &'static str,
    pub leavers_not_marked: &'static str,
    pub leavers_none: &'static str,
    pub leavers_label: &'static str,
    /// Pupils of the leavers' list the mark left out, looked at again as it was written (another window marked
    /// them meanwhile): added after what was saved, or said alone when none was marked; each reason counted.
    pub leavers_some_left: &'static str,
    pub leavers_none_left: &'static str,
    pub leaver_now_marked: &'static str,
    pub leaver_now_listed: &'static str,
    pub leaver_gone: &'static str,
    pub merge_counts: &'static str,
    pub merge_conflict: &'static str,
    pub conflict_field_year: &'static str,
    pub conflict_no_value: &'static str,
    pub conflict_kept_lost: &'static str,
    /// A conflict side's time and the operator who made the change (`Conflict::kept_by`, `lost_by`).
    pub conflict_by: &'static str,
    /// When a conflict's kept value was written back by an undo (`Conflict::kept_undone`): its time, so marked.
    pub conflict_undone_at: &'static str,
    pub conflict_against_payment: &'static str,
    /// As `conflict_against_payment`, for an 已离校 marked apart from the payment: how to mark it again.
    pub conflict_left_against_payment: &'static str,
    pub conflict_payment_over_later: &'static str,
    pub conflict_two_amounts: &'static str,
    /// As `conflict_two_amounts`, the two changes made in one second: what chose the one kept.
    pub conflict_two_amounts_one_second: &'static str,
    pub merge_payments_kept: &'static str,
    pub merge_ambiguous: &'static str,
    /// A family payment the merge brings dated where no payment for the drive's insured year can be, kept as the
    /// other laptop recorded it: name, class, number, why.
    pub merge_payment_outside_year: &'static str,
    /// A pupil one file held with a rounded or wrong number, paired with the whole one: class, name, the number
    /// kept, the one held, where it was held.
    pub merge_alike_number: &'static str,
    /// A valid number the two files hold under different names: the number, our name and class, theirs.
    pub merge_named_apart: &'static str,
    /// A number one laptop corrected a pupil to that the other gave another pupil: the number, the pupil holding
    /// it and its class, the corrected pupil and its class, where it was corrected (`merge_here`/`merge_there`),
    /// the number that pupil keeps.
    pub merge_number_taken: &'static str,
    pub merge_here: &'static str,
    pub merge_there: &'static str,
    pub merge_receipt_conflict: &'static str,
    /// Top-ups of one payment recorded on both laptops, all kept (`MergeReport::top_ups_joined`): the pupil, the
    /// ID, the amount before, this laptop's and the other's top-ups, the sum kept.
    pub merge_top_ups_joined: &'static str,
    /// Said after `merge_top_ups_joined` where a top-up of each laptop's is of the same amount
    /// (`TopUpsJoined::same_amount`): counted as two, with no receipt to tell them from one keyed twice.
    pub merge_top_ups_same_amount: &'static str,
    /// A pupil both laptops marked 已缴费 apart with a different date or channel (`MergeReport::paid_apart`): the
    /// pupil, this laptop's channel and date, the other's.
    pub merge_paid_apart: &'static str,
    pub merge_decided_there: &'static str,
    /// A conflict line whose lost value is the tax office's record (`Conflict::tax_record_lost`).
    pub merge_tax_record_lost: &'static str,
    /// A conflict line whose kept value is the tax office's record, over the same payment recorded by hand on the
    /// other laptop (`Conflict::tax_record_kept`).
    pub merge_tax_record_kept: &'static str,
    pub merge_other_school: &'static str,
    pub merge_no_shared_history: &'static str,
    /// The preview's question for a file of no common history, which `canbao merge` refuses without
    /// `--no-common-history`: Enter is the operator's word that the two are one school's, to be joined.
    pub merge_no_shared_history_confirm: &'static str,
    /// Enter on the preview of another school's drive of no common history: the question, No by default, with
    /// what the merge does (the other file's schools).
    pub merge_ask_other_school: &'static str,
    /// Enter on the preview of a drive of no common history: the question, No by default, with what it does.
    pub merge_ask_no_shared_history: &'static str,
    /// Enter on the preview of a merge that found a clock wrong (`canbao merge` refuses it without
    /// `--accept-clock`): the question, No by default.
    pub merge_ask_clock: &'static str,
    pub merge_other_has_no_pupils: &'static str,
    /// The other file's newest change stamped ahead of this laptop's clock: its time, this clock's, how far.
    pub merge_clock_ahead: &'static str,
    /// This drive's newest change of its own stamped ahead of this laptop's clock: its time, this clock's, how far.
    pub merge_clock_behind: &'static str,
    pub merge_taken_back_here: &'static str,
    pub merge_taken_back_there: &'static str,
    /// How many of the taken-back lines below remain: said under the counts, which a restore leaves unmoved.
    pub merge_restore_differs: &'static str,
    /// A pupil a restore of this drive removed, brought back whole by the merge: name, number.
    pub merge_restored_pupil_back: &'static str,
    pub merge_copied_later_year: &'static str,
    pub merge_copied_not_promoted: &'static str,
    /// The other file's changes to a year this drive has closed: the year, how many pupils, the year twice.
    pub merge_into_closed_year: &'static str,
    /// The same, when a class change there moved this year's class too (the promotion taken again).
    pub merge_into_closed_year_moved: &'static str,
    /// One of those pupils: name, ID number (masked unless revealed), the year, the class then, the fields.
    pub merge_into_closed_year_pupil: &'static str,
    /// How many more pupils those lines left out.
    pub merge_into_closed_year_more: &'static str,
    /// A class change there, in place of the fields' names: the class it made.
    pub merge_into_closed_year_class: &'static str,
    /// The same, which moved this year's class with it: the class it made, this drive's year, this year's class.
    pub merge_into_closed_year_class_moved: &'static str,
    /// A pupil the other laptop marked 已离校 in a closed year, moved out of this year's class too: name, number,
    /// the year, the class.
    pub merge_leaver_carried: &'static str,
    /// Such a pupil left in this year's class: name, number, the year, why (one of the two below), the class.
    pub merge_leaver_not_carried: &'static str,
    pub merge_leaver_listed: &'static str,
    pub merge_leaver_marked: &'static str,
    /// A pupil this laptop marked 已离校 and moved out at the start of this year, whom the other laptop moved up a
    /// grade, back in the other laptop's class because the year has seen them: name, number, the year, why
    /// (`merge_leaver_marked`), the class.
    pub merge_leaver_back: &'static str,
    /// The other file (a copy of this drive) still names its pupils' school by the name this drive renamed.
    pub merge_old_school_name: &'static str,
    /// The other file (a copy of this drive) renamed its pupils' school.
    pub merge_new_school_name: &'static str,
    /// A school the other laptop renamed, followed for this drive's pupils still under the old name: old, new,
    /// how many the merge moved (those the other laptop's rename did not reach, not all this drive had under it).
    pub merge_rename_followed_there: &'static str,
    /// A school this drive renamed, followed for the other laptop's pupils still under the old name: old, new,
    /// how many the merge moved (those this drive's rename did not reach, not all the other laptop had under it).
    pub merge_rename_followed_here: &'static str,
    /// A rename the other laptop made onto a name this drive already had as a school: old, new, pupils left
    /// under the old name, the command that joins them.
    pub merge_rename_taken_there: &'static str,
    /// A rename this drive made onto a name the other laptop already had as a school (as above).
    pub merge_rename_taken_here: &'static str,
    /// A rename the other laptop made that this drive's newer change of its pupils' school overruled: old, new,
    /// pupils the newer change kept, pupils under the old name after the merge.
    pub merge_rename_overruled_there: &'static str,
    /// A rename this drive made that the other laptop's newer change overruled (as above).
    pub merge_rename_overruled_here: &'static str,
    /// A school the two laptops renamed differently: old, our name, theirs, pupils under each after the merge.
    pub merge_rename_apart: &'static str,
    /// The command that puts a school renamed apart under one name: the name, the command.
    pub merge_rename_choose: &'static str,
    /// How the report names the way to rename a school: the command to type (`canbao merge`), or on the screen
    /// the palette entry that does it (old name, new name), where a command line is of no use.
    pub merge_rename_run: &'static str,
    pub merge_rename_on_screen: &'static str,
    pub merge_policy_taken: &'static str,
    pub merge_policy_kept: &'static str,
    pub merge_policy_unreadable: &'static str,
    /// One policy name with two texts: year, name, our premium and when kept, theirs and when kept, why.
    pub merge_policy_copy_taken: &'static str,
    pub merge_policy_copy_kept: &'static str,
    /// Why the one taken: kept later, or (neither dated later) by its text.
    pub merge_policy_copy_later: &'static str,
    pub merge_policy_copy_tie: &'static str,
    /// A copy's time or premium the file does not say.
    pub merge_policy_copy_unknown: &'static str,
    pub check_title: &'static str,
    pub check_counts: &'static str,
    pub check_same_id: &'static str,
    pub check_same_name: &'static str,
    pub check_invalid: &'static str,
    pub check_government: &'static str,
    /// Name, class, why the share is to be checked.
    pub check_government_verify: &'static str,
    pub check_rounded: &'static str,
    pub check_unnumbered: &'static str,
    pub check_class_numbers: &'static str,
    pub check_mistyped: &'static str,
    pub check_no_class: &'static str,
    pub check_no_name: &'static str,
    /// 不参保 with no reason: name, class, number.
    pub check_declined_no_reason: &'static str,
    pub phone_not_phone: &'static str,
    pub check_odd_phone: &'static str,
    /// The detail's notes did not fit under the fields: the rest follows in the history's pane.
    pub notes_cut: &'static str,
    /// Heading of the history's pane while it shows the detail's notes that did not fit under the fields: the
    /// key that pages on to the history.
    pub notes_continued: &'static str,
    /// The last row of a page of a history entry taller than the page: the key that shows the rest of it.
    pub entry_continues: &'static str,
    pub check_too_old: &'static str,
    pub check_age_for_grade: &'static str,
    /// A residence permit's or a foreign card's holder in a category subsidised only for 本市户籍: name, ID, why.
    pub check_local_hukou: &'static str,
    /// A family's payment short of the amount due: name, class, paid, due, short.
    pub check_underpaid: &'static str,
    /// 财政代缴 paying only the department's share, the family's unpaid: name, class, department's share, family's.
    pub check_family_share: &'static str,
    /// `f` refused on a pupil whose category leaves the family a share: name, category, department's share,
    /// family's share, the notice's clause.
    pub government_family_share: &'static str,
    /// The title of the dialog saying `government_family_share`.
    pub government_family_share_title: &'static str,
    /// `f` on several pupils, those whose family owes a share left out: how many, their names.
    pub bulk_family_share_left: &'static str,
    /// `f` on several pupils, some of whose 本市户籍 is to be checked (the single pupil's question says it too,
    /// `ask_government_hukou_pending`): how many, a few by name.
    pub bulk_government_hukou_pending: &'static str,
    pub check_overpaid: &'static str,
    /// An excess that is exactly a top-up recorded twice: name, class, paid, the top-up, the amount to set back.
    pub check_top_up_twice: &'static str,
    /// `check`'s line for a family that paid before the pupil's category was certified: name, class, the quote's
    /// words on what stands.
    pub check_paid_first: &'static str,
    pub check_amounts_differ: &'static str,
    pub check_list_payment_cleared: &'static str,
    /// The same, marked 财政代缴 by hand since: name, class, when the list recorded it.
    pub check_list_payment_government: &'static str,
    /// Beside a payment two laptops recorded with different amounts (金额待核实).
    pub amount_to_verify: &'static str,
    /// The channel of a payment a tax list without channels recorded, as the 已缴费 ledger says it.
    pub channel_tax_list_unnamed: &'static str,
    pub check_payment_outside_year: &'static str,
    /// Paid for while the roster says 不参保, 已离校 or 异地参保: name, class, ID number (masked), the status, the
    /// payment, and `check_listed_at` or nothing.
    pub check_paid_despite_status: &'static str,
    /// A payment a reconciled list recorded without a date: name, class, ID number (masked), the payment, and
    /// `check_listed_at`.
    pub check_list_payment_undated: &'static str,
    /// A pupil marked paid with no amount recorded: name, class, ID number.
    pub check_paid_without_amount: &'static str,
    /// Said after the two above: when a reconciled list recorded the payment.
    pub check_listed_at: &'static str,
    pub check_no_department: &'static str,
    /// A payment the tax office listed that the drive has not recorded: the list's name and number (masked; a row
    /// without one, its name alone), the amount, the date, where on the list, why, what to do.
    pub check_tax_unrecorded: &'static str,
    /// The agency's 「未参保」 for a pupil counted insured here, kept with the payments above (the same fields): no
    /// payment at the tax office, so under its own heading, as `check` says it.
    pub check_agency_not_registered: &'static str,
    /// What to do about a receipt under two payers, on the screen: the 销项 dialog (by the palette, its key), where
    /// `check` names its command line.
    pub check_repeated_receipt_advice: &'static str,
    /// Said once, by the first check after the upgrade to fixed numbers (drive schema 15) numbered the kept
    /// payments anew.
    pub check_kept_renumbered: &'static str,
    pub backed_up: &'static str,
    pub restored: &'static str,
    pub restore_safety: &'static str,
    pub restore_title: &'static str,
    pub restore_question: &'static str,
    /// Said after the restore question: how many changes (audit rows) made since the backup it takes back.
    pub restore_undoes: &'static str,
    /// `restore_undoes` with how many of each kind, as `restore --dry-run` counts them.
    pub restore_undoes_kinds: &'static str,
    /// A class list given to a merge or a restore: the key that imports a list first (a long path cuts the end
    /// of the status line), what was not done, the file.
    pub other_file_table: &'static str,
    /// A form canbao exported given to a merge or a restore, which the import reads back: the key, the form,
    /// what was not done, the file.
    pub own_export_importable: &'static str,
    /// A form canbao exported given to a merge or a restore, which the import refuses (a ledger): the form, what
    /// was not done, the file.
    pub own_export_refused: &'static str,
    /// Said after the question about a file that does not look like this drive's backup, with what sets it
    /// apart: one of the four `restore_differs_*`.
    pub restore_not_ours: &'static str,
    pub restore_differs_school: &'static str,
    pub restore_differs_diverged: &'static str,
    pub restore_differs_unconnected: &'static str,
    pub restore_differs_empty: &'static str,
    pub picker_drives: &'static str,
    pub job_stopped: &'static str,
    pub stop_question: &'static str,
    pub overwrite_file: &'static str,
    pub overwrite_files: &'static str,
    pub cannot_stop: &'static str,
    /// A key pressed while a job runs (the job named): it does nothing.
    pub keys_wait_for_job: &'static str,
    /// A job's result being taken in (a county's roster put in place): no key is read until it shows.
    pub result_loading: &'static str,
    /// The first frame of a drive whose search keys an older canbao wrote: they are being written again.
    pub search_preparing: &'static str,
    pub search_prepared: &'static str,
    /// The rewrite of the search keys stopped: search goes by the older readings until the drive is opened again.
    pub search_stopped: &'static str,
    pub stopping: &'static str,
    pub nothing_exported: &'static str,
    pub no_backup_needed: &'static str,
    pub ask_overwrite: &'static str,
    /// `ask_overwrite` over an earlier export of another form or another school (`export --force` on the command
    /// line): the file, the school its label row names, the form.
    pub ask_overwrite_other_form: &'static str,
    /// The same, of an export naming no school (the agency's template): the file, the form's header.
    pub ask_overwrite_other_form_unnamed: &'static str,
    /// Before the question replacing a form's files: one of them is another form's or school's (the file, the
    /// school, the form), or (`_unnamed`) an export naming no school (the file, the form's header).
    pub replace_other_form: &'static str,
    pub replace_other_form_unnamed: &'static str,
    /// An export into a folder that is not there: the first folder missing, then the folder the file goes in.
    pub ask_make_folder: &'static str,
    pub policies_title: &'static str,
    pub policy_line: &'static str,
    pub policy_current: &'static str,
    /// Before the payment form's rule for a pupil whose categories are from an earlier year: the categories.
    pub payment_recertify: &'static str,
    /// The same when the pupil has categories certified this year too: the ones carried over.
    pub payment_recertify_some: &'static str,
    pub policy_chosen: &'static str,
    /// Asked before another city's or year's policy becomes the drive's: name, title, the reasons joined.
    pub policy_ask_other: &'static str,
    pub policy_other_city: &'static str,
    pub policy_other_year: &'static str,
    /// Choosing another policy would read this many pupils' recorded payments as short (部分缴费).
    pub policy_short_payments: &'static str,
    pub policy_ask_join: &'static str,
    pub policy_not_changed: &'static str,
    /// After a policy the list shows from the drive's own copy.
    pub policy_kept_copy: &'static str,
    pub policy_out_of_date: &'static str,
    /// The start's status line when this laptop's file of the drive's policy differs from the drive's copy.
    pub policy_file_differs: &'static str,
    /// After the drive's policy in the policy list, when this laptop's file of it differs.
    pub policy_file_row: &'static str,
    /// A closed year's list: this laptop's premium ({}) beside the year's own copy, which that year ({}) keeps.
    pub policy_file_row_closed: &'static str,
    /// Enter on that row: the file's text taken, with the premium's old and new amounts.
    pub policy_file_adopted: &'static str,
    /// No drive policy and none of the school's city: the list opens to pick the base.
    pub policy_pick_base: &'static str,
    pub add_pupil_title: &'static str,
    /// The form's labels: name, ID number, class, phone.
    pub add_pupil_fields: [&'static str; 4],
    /// Under the fields: what Enter does.
    pub add_pupil_hint: &'static str,
    /// A drive of several schools: the School field's label, asked first, and how to choose.
    pub add_pupil_school: &'static str,
    pub add_pupil_school_choose: &'static str,
    /// Shown in the School field before a school is chosen (Enter refuses until one is).
    pub add_pupil_school_none: &'static str,
    pub add_pupil_school_needed: &'static str,
    /// A class the school chosen on a drive of several does not have, naming that school: 「本校」 there read as
    /// the drive's, not the school picked a line above. `{}`: the school, the class, the nearest classes.
    pub add_pupil_class_new: &'static str,
    /// The one-row list could not be written: {} the reason.
    pub add_pupil_unwritten: &'static str,
    /// An amount no pupil's payment refused: {} the amount typed, {} what it was weighed against (`money::Slip`).
    pub amount_too_high: &'static str,
    /// A top-up making the payment no pupil's payment: {} the payment with it, {} what it was weighed against.
    pub top_up_too_high: &'static str,
    /// A class's payment saved: {} 已缴费 ({} pupils), {} 财政代缴 ({} pupils): {} their names.
    pub saved_paid_and_government: &'static str,
    pub policy_new_title: &'static str,
    pub policy_fields: [&'static str; 4],
    pub policy_bad_name: &'static str,
    pub policy_bad_year: &'static str,
    pub policy_no_config: &'static str,
    pub policy_builtin_edit: &'static str,
    pub policy_bad_date: &'static str,
    pub policy_no_such_day: &'static str,
    pub policy_saved: &'static str,
    /// The drive's policy edited and saved: its file, and the drive's copy of it, which the drive now goes by.
    pub policy_saved_drive: &'static str,
    /// The drive's policy file edited while the drive cannot take it (read-only, a closed year shown): the drive
    /// goes by its copy still, with the premium it says; the palette's policy list takes the file in a window that
    /// can change the drive.
    pub policy_saved_drive_unchanged: &'static str,
    pub policy_ask_moves: &'static str,
    pub policy_moved_example: &'static str,
    pub policy_moved_quote: &'static str,
    pub policy_moved_no_amount: &'static str,
    pub policy_not_saved: &'static str,
    pub policy_premium_far: &'static str,
    pub policy_premium_high: &'static str,
    pub policy_not_written: &'static str,
    pub policy_edit_title: &'static str,
    pub policy_edit_premium: &'static str,
    pub policy_exists: &'static str,
    pub policy_written: &'static str,
    pub policy_check: &'static str,
    /// After a new policy is written: it became the drive's (the drive had none for its year).
    pub policy_new_chosen: &'static str,
    /// After a new policy is written: the drive keeps its own, which is for its year.
    pub policy_new_not_chosen: &'static str,
    pub export_form_titles: [&'static str; 6],
    pub school_rename_title: &'static str,
    /// Dismissing a payment paid at the tax office and not recorded here: the dialog's title, the reason's label,
    /// none to dismiss, no reason typed, dismissed (name, the line's number and reference, place, reason), and gone
    /// meanwhile.
    pub dismiss_title: &'static str,
    pub dismiss_why: &'static str,
    pub dismiss_none: &'static str,
    pub dismiss_needs_why: &'static str,
    pub dismissed: &'static str,
    pub dismiss_gone: &'static str,
    /// The 撤销销项 dialog (`check --undismiss`): its title, the reason's prompt, none dismissed, no reason typed,
    /// taken back (number, name, place, reason), and no longer dismissed meanwhile.
    pub undismiss_title: &'static str,
    pub undismiss_why: &'static str,
    pub undismiss_none: &'static str,
    pub undismiss_needs_why: &'static str,
    pub undismissed: &'static str,
    pub undismiss_gone: &'static str,
    /// Under the dismissed payment picked: when, who, why.
    pub undismiss_said: &'static str,
    /// Added to `undismiss_said` for a payment the drive records since it was dismissed.
    pub undismiss_since_recorded: &'static str,
    /// At the foot of both dialogs: the line picked and how many (1-based), then the number or reference typed to
    /// go to its line; what it says when no line has it; the Tab's hint, between the reason and the jump.
    pub dismiss_jump: &'static str,
    pub dismiss_jump_none: &'static str,
    pub dismiss_jump_tab: &'static str,
    pub school_new_name: &'static str,
    pub school_renamed: &'static str,
    pub undone_not_shown: &'static str,
    pub ask_rename_school: &'static str,
    /// The title bar's insured year, once the drive holds more than one.
    pub year_title: &'static str,
    /// An earlier year is shown now (read-only), and how to come back.
    pub year_viewing: &'static str,
    pub year_back: &'static str,
    pub year_only_one: &'static str,
    /// `year new` from the palette: the question over the dry run's report, and what was done.
    pub year_new_question: &'static str,
    /// The drive's policy is another year's: its name and year, the drive's year, then the years the advice names.
    pub year_new_other_year: &'static str,
    /// A payment window of the current year open today, which refuses the new year: year, window name, last day,
    /// the new year, the year again, the graduation line (or nothing), the day to wait for.
    pub year_new_window_open: &'static str,
    /// Before graduation in July with no payment window open: the year, the next, the year, the graduation line
    /// (or nothing), the day to wait for.
    pub year_new_school_year_open: &'static str,
    /// No policy at all, the date alone telling the year is not over: how it is open (`YearNotOver::open_words`),
    /// the next year, the year, whether today's payments are among those lost (「（包括今天的）」 or nothing), the
    /// graduation line (or nothing), the day to wait for.
    pub year_new_by_date: &'static str,
    /// The drive has no policy for its year (the year), said once in an import's report, before `no_policy_how`.
    pub no_policy_yet: &'static str,
    /// How to make or choose a policy: the palette's two policy commands, and `canbao policy new`.
    pub no_policy_how: &'static str,
    /// 统计's one line for a drive with no policy: that there is none and the palette's command that makes one,
    /// short enough for 80 columns.
    pub dash_no_policy: &'static str,
    /// The school year not over until graduation in July of the year.
    pub year_new_before_graduation: &'static str,
    pub year_new_counts: &'static str,
    /// Shown when pupils marked 已离校 move out of their classes: how many, and the year they left in.
    pub year_new_left: &'static str,
    /// Pupils this year's imports already moved up a grade (`Store::moved_up_this_year`): how many, one of them
    /// (name, from, to); No to the question then asks whether to start the year without promoting.
    pub year_new_moved_up: &'static str,
    /// After No to the year's question on a drive whose imports moved pupils up already: start the year (the
    /// year, the pupils moved) without promoting?
    pub ask_year_unpromoted: &'static str,
    pub year_new_move: &'static str,
    pub year_new_leaves: &'static str,
    /// A class promotion leaves as it is (its name gives no school year), and its pupils.
    pub year_new_stays: &'static str,
    /// The classes past what the dialog can show: how many, and the command that lists them.
    pub year_new_more: &'static str,
    pub year_new_policy: &'static str,
    pub year_new_no_policy: &'static str,
    /// The year's policy made from the drive's (written to the config folder when the year starts).
    pub year_new_policy_made: &'static str,
    /// The title of why the next year was not started (no policy for it can be had).
    pub year_not_started: &'static str,
    /// The payment form, for a date in the next year's concentrated period on a drive still in the year before:
    /// the drive's year, the next year, its window's name, first and last day, the drive's year, the next year,
    /// the palette's key.
    pub payment_for_old_year: &'static str,
    /// Before saving a family payment the policy gives no cover in the drive's year (the policy's rule, the next
    /// year, the palette's key, the drive's year): No by default.
    pub ask_no_cover: &'static str,
    /// After such a payment is saved, added to the status line: the drive's year, the next year.
    pub saved_for_old_year: &'static str,
    pub year_started: &'static str,
    /// A rename onto a school the drive holds: the name, and the command that merges the two.
    pub ask_merge_school: &'static str,
    pub preview_join: &'static str,
    pub preview_join_yes: &'static str,
    pub preview_join_no: &'static str,
    pub schools_merged: &'static str,
    pub identity_title: &'static str,
    pub identity_fields: [&'static str; 6],
    pub identity_hint: &'static str,
    /// The correction form's footer: a field's value is replaced by what is typed first, unless the caret moved.
    pub identity_typing_replaces: &'static str,
    /// After the masked number in the correction form while the focus is on it, not yet edited.
    pub identity_number_masked: &'static str,
    pub identity_flagged: &'static str,
    /// A corrected ID number that a tax payment kept unrecorded names (the list was read before any pupil held it):
    /// saved, and the list to reconcile again, which alone records the payment.
    pub identity_tax_payment_held: &'static str,
    /// A number saved for a pupil whose list-stated sex it contradicts: {} the stated sex, {} the number's.
    pub identity_sex_replaced: &'static str,
    /// `identity_sex_replaced` with `identity_tax_payment_held`, in one line: the number's sex.
    pub identity_sex_replaced_tax_held: &'static str,
    /// A corrected number whose sex differs from the one held before: {} the saved line, {} the new sex.
    pub identity_sex_followed: &'static str,
    /// The fields a saved correction changed, after the pupil's name in `saved_one`: said in English, where the
    /// Chinese names the form itself (`identity_title` in `saved`).
    pub identity_corrected: &'static str,
    pub identity_class_unclear: &'static str,
    /// A corrected class the pupil's school does not have: the class, then the nearest it has.
    pub identity_class_new: &'static str,
    pub identity_phone_bad: &'static str,
    /// Enter on a form whose ID number was erased: refused, the number held kept.
    pub identity_number_empty: &'static str,
    /// A valid number replaced by one that fails the check: the new number, what is wrong, the old one masked.
    pub identity_number_invalid: &'static str,
    pub picker_typed: &'static str,
    pub picker_spreadsheets: &'static str,
    /// A canbao drive picked as a class list, with the palette's ways to merge or restore it: the palette's key,
    /// then the file.
    pub picker_drive_not_list: &'static str,
    /// As `picker_drive_not_list`, for a file that reads as noise, as an encrypted drive does.
    pub picker_encrypted_not_list: &'static str,
    /// As `picker_encrypted_not_list`, in a build that cannot read encrypted drives: the file.
    pub picker_encrypted_unsupported: &'static str,
    /// The drive open here picked as an agency's list to reconcile: the file.
    pub picker_drive_itself_not_agency_list: &'static str,
    /// A copy or backup of the drive open here picked as an agency's list, with the palette's way to restore it:
    /// the palette's key, then the file.
    pub picker_drive_copy_not_agency_list: &'static str,
    pub picker_all_files: &'static str,
    pub picker_picked: &'static str,
    /// Under a file list longer than the box: how many entries are above and below what is shown.
    pub picker_more_above: &'static str,
    pub picker_more_below: &'static str,
    pub picker_toggle: &'static str,
}

impl Text {
    pub fn for_language(lang: Language) -> &'static Text {
        match lang {
            Language::Zh => &zh::ZH,
            Language::En => &en::EN,
        }
    }

    /// A count for a template whose English leaves the noun to it: the bare number in Chinese (the template
    /// writes 行 or 名学生 after it), "1 row" or "3 rows" in English, never "1 rows".
    pub fn counted(&self, n: usize, one: &str, many: &str) -> String {
        match self.lang {
            Language::Zh => n.to_string(),
            Language::En => crate::words::counted(n, one, many),
        }
    }

    /// Between the items of a list said in a line (categories, names): 「、」 in Chinese, ", " in English, as the
    /// command line writes them.
    pub fn list_separator(&self) -> &'static str {
        self.pick("、", ", ")
    }

    /// Picks the string for this language from a pair the domain provides.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Language::Zh => zh,
            Language::En => en,
        }
    }

    pub fn enrollment(&self, e: Enrollment) -> &'static str {
        self.pick(e.label_zh(), e.label_en())
    }

    pub fn payment(&self, p: PaymentStatus) -> &'static str {
        self.pick(p.label_zh(), p.label_en())
    }

    pub fn channel_name<'a>(&self, c: &'a PaymentChannel) -> &'a str {
        self.pick(c.label_zh(), c.label_en())
    }

    pub fn ledger(&self, l: Ledger) -> &'static str {
        self.pick(l.label_zh(), l.label_en())
    }

    /// A ledger's name where the dashboard's line of the four has no room for the whole one.
    pub fn ledger_short(&self, l: Ledger) -> &'static str {
        let at = Ledger::ALL.iter().position(|&k| k == l).unwrap_or_default();
        self.dash_ledgers_short[at]
    }

    pub fn job(&self, kind: JobKind) -> &'static str {
        match kind {
            JobKind::Reading => self.jobs[0],
            JobKind::Importing => self.jobs[1],
            JobKind::Exporting => self.jobs[2],
            JobKind::Reconciling => self.jobs[3],
            JobKind::Checking => self.jobs[4],
            JobKind::BackingUp => self.jobs[5],
            JobKind::Restoring => self.jobs[6],
            JobKind::PreparingYear => self.jobs[7],
            JobKind::StartingYear => self.jobs[8],
            JobKind::Renaming => self.jobs[9],
            JobKind::Saving => self.jobs[10],
            JobKind::Undoing => self.jobs[11],
            JobKind::Redoing => self.jobs[12],
            JobKind::PreparingSearch => self.jobs[13],
        }
    }

    pub fn action(&self, name: &str) -> Option<&ActionText> {
        self.actions.iter().find(|a| a.name == name)
    }

    pub fn short(&self, name: &str) -> &'static str {
        self.action(name).map_or("", |a| a.short)
    }

    pub fn context(&self, c: Context) -> &'static str {
        self.contexts.iter().find(|(k, _)| *k == c).map_or("", |(_, t)| t)
    }

    /// The audit field a merge's record of a value it did not keep is under, without its suffix.
    pub fn base_field(key: &str) -> &str {
        key.strip_suffix(CONFLICT_LOST).unwrap_or(key)
    }

    pub fn lookup(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
        table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    pub fn field(&self, key: &str) -> String {
        if let Some(base) = key.strip_suffix(CONFLICT_LOST) {
            return fill(self.history_conflict_lost, &[&self.field(base)]);
        }
        match (self.lang, crate::store::Field::from_key(key)) {
            (Language::Zh, Some(f)) => f.label_zh().to_owned(),
            _ => Text::lookup(self.field_names, key).unwrap_or(key).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Action;
    use unicode_width::UnicodeWidthChar;

    /// The detail screen's cover period (待遇期) and the dashboard's progress (参保进度, 参保率) are named apart in
    /// English, where both read "Coverage" on neighbouring screens.
    #[test]
    fn the_cover_period_and_the_insured_share_are_named_apart() {
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            assert_ne!(t.f_coverage, t.dash_progress, "{lang:?}");
            assert_ne!(t.f_coverage, t.dash_class_header[4], "{lang:?}");
            // The detail screen's labels keep a space before their value.
            assert!(t.f_coverage.chars().count() < 12, "{lang:?}");
        }
    }

    #[test]
    fn every_bindable_action_has_words_in_both_languages() {
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            for name in Action::bindable_names() {
                let a = t.action(name).unwrap_or_else(|| panic!("{lang:?} {name}"));
                assert!(!a.short.is_empty() && !a.help.is_empty(), "{name}");
            }
        }
    }

    /// An English hint never says its key's name again ("Down down", "PgDn page down"): a hint is the key
    /// and its label side by side, so the label says what the key does.
    /// What the status line says of keys typed astray is read whole on an 80-column terminal (the status line
    /// gives it 79, after a space): filled with the longest key (Ctrl-r), the longest action label, a wide
    /// character and a four-digit count, with the note that the cursor went back.
    #[test]
    fn what_keys_typed_astray_did_fits_80_columns() {
        use unicode_width::UnicodeWidthStr;
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            let label = Action::bindable_names().map(|n| t.short(n)).max_by_key(|s| s.width()).unwrap_or("");
            let back = t.keys_astray_cursor_back;
            let said = [
                format!("{}{back}", fill(t.keys_astray, &[&'，'])),
                format!("{}{back}", fill(t.keys_astray_ignored, &[&9999])),
                format!("{}{back}", fill(t.keys_burst, &[&"Ctrl-r", &label])),
                format!("{}{back}", fill(t.keys_run_before, &[&"Ctrl-r", &label])),
                fill(t.answer_after_run, &[&'y']),
                t.confirm_unread_run.to_owned(),
                // A letter typed into the category chooser (the keys meant for another window).
                format!("{}{back}", fill(t.categories_stray, &[&'d'])),
                fill(t.categories_stray, &[&"Ctrl-r"]),
                fill(t.keys_ignored_operator, &[&9999]),
                t.keys_at_name_prompt.to_owned(),
                fill(t.keys_ignored_at_name, &[&9999]),
                t.operator_empty.to_owned(),
                t.operator_path.to_owned(),
                fill(t.operator_too_long, &[&30]),
            ];
            for text in said {
                assert!(text.width() <= 79, "{lang:?}: {} columns: {text}", text.width());
            }
        }
    }

    /// Messages the status line says whole on an 80-column terminal (79 after its space): what `e` on a bundled
    /// policy is told, and the dashboard's backup line on a drive in memory (no path beside it).
    #[test]
    fn status_messages_fit_80_columns() {
        use unicode_width::UnicodeWidthStr;
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            let said = [
                t.policy_builtin_edit.to_owned(),
                fill(t.quit_loses_typing, &[&crate::tui::action::QUIT_AGAIN.as_secs()]),
                fill(t.quit_closes_dialog, &[&crate::tui::action::QUIT_AGAIN.as_secs()]),
                fill(t.quit_at_name_prompt, &[&crate::tui::action::QUIT_AGAIN.as_secs()]),
                fill(t.dash_backup, &[&"2026-11-23 09:12"]),
                t.dash_no_backup.to_owned(),
                t.read_only_reveal.to_owned(),
                t.read_only_refused.to_owned(),
                fill(t.writer_closed, &[&"Ctrl-w"]),
                fill(t.writer_back, &[&"欧阳明轩", &"2026-11-23 09:12"]),
                t.read_only_export.to_owned(),
                // A selected part-payer who left, kept: a four-character name, an amount with fen.
                fill(t.selected_kept_left_part_paid, &[&"欧阳明轩", &"80.50", &"Space"]),
                // Next school year's list: a teacher's file name of a class.
                fill(t.next_year_status, &[&"2027年三年级1班学生名单.xlsx"]),
                fill(t.last_year_status, &[&"2025年三年级1班学生名单.xlsx"]),
                t.drive_reopened.to_owned(),
                // `u` after a payment of a pupil whose enrollment it set: both fields, and the key that redoes it.
                format!(
                    "{}{}",
                    fill(t.undone, &[&format!("程远可{}{}", t.pick("：", ": "), undone_mark(t))]),
                    fill(t.undone_redo_with, &[&"Ctrl-r"])
                ),
            ];
            for text in said {
                assert!(text.width() <= 79, "{lang:?}: {} columns: {text}", text.width());
            }
        }
    }

    /// What an undo of a payment that set the enrollment says of the two fields, as `edit_fields` writes it.
    fn undone_mark(t: &Text) -> String {
        let enrollment = fill(t.undone_field, &[&t.field("enrollment"), &t.enrollment(Enrollment::Unknown)]);
        let payment = fill(t.undone_field, &[&t.field("payment"), &t.payment(PaymentStatus::Unpaid)]);
        format!("{enrollment}{}{payment}", t.pick("，", ", "))
    }

    /// Why the enrollment chooser did nothing, under its field: read whole in its 60 columns (a dialog 64 wide
    /// less its margins), in either language.
    #[test]
    fn the_enrollment_choosers_refusals_fit_its_width() {
        use unicode_width::UnicodeWidthStr;
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            for text in [t.enrollment_paid_here, t.decline_reason_needed, t.no_detail_typed] {
                assert!(text.width() <= 60, "{lang:?}: {} columns: {text}", text.width());
            }
        }
    }

    /// A Chinese footer names its keys as the keymap does (Enter, Esc, Space, PgDn), and says what each does in
    /// Chinese: no label a footer or a dialog's key line can show holds a Latin letter.
    /// The labels key lines show beside a key that are not an action's own name.
    fn key_line_labels(t: &Text) -> [&'static str; 10] {
        [
            t.scroll_more,
            t.next_filter,
            t.to_no,
            t.to_yes,
            t.prev_pupil,
            t.next_pupil,
            t.to_detail,
            t.to_choices,
            t.picker_toggle,
            t.picker_up,
        ]
    }

    #[test]
    fn chinese_key_labels_are_chinese() {
        let t = Text::for_language(Language::Zh);
        let labels = Action::bindable_names().map(|n| t.short(n)).chain(key_line_labels(t));
        for label in labels {
            assert!(!label.chars().any(|c| c.is_ascii_alphabetic()), "{label}");
        }
    }

    #[test]
    fn english_labels_do_not_repeat_their_keys() {
        let t = Text::for_language(Language::En);
        let map = crate::tui::keymap::Keymap::builtin();
        let labels = key_line_labels(t);
        for context in Context::ALL {
            for (name, keys) in map.actions_in(context) {
                for key in keys {
                    let key = key.to_string().to_lowercase();
                    let spoken = match key.as_str() {
                        "pgup" => "page up",
                        "pgdn" => "page down",
                        k => k,
                    };
                    let spoken: Vec<&str> = spoken.split_whitespace().collect();
                    for label in labels.iter().chain([&t.short(name)]) {
                        let label = label.to_lowercase();
                        let words: Vec<&str> = label.split_whitespace().collect();
                        assert!(!words.starts_with(&spoken), "{name}: {key} {label}");
                    }
                }
            }
        }
    }

    /// Every name a history row's field can carry is said in words in both languages, never as its key.
    #[test]
    fn every_audit_field_has_a_name_in_both_languages() {
        let keys = crate::store::ALL_FIELDS.iter().map(|f| f.key()).chain(crate::store::AUDIT_ONLY_KEYS);
        let en = Text::for_language(Language::En);
        let zh = Text::for_language(Language::Zh);
        for key in keys {
            // English names come from the table (a name may be its key's word: `school`); Chinese from it or
            // the field's own label.
            assert!(Text::lookup(en.field_names, key).is_some(), "no English name for {key}");
            for key in [key.to_owned(), format!("{key}:conflict_lost")] {
                let said = zh.field(&key);
                assert!(!said.chars().any(|c| c.is_ascii_alphabetic()), "{key}: {said}");
                let said = en.field(&key);
                assert!(!said.contains('_') && !said.contains(':'), "{key}: {said}");
            }
        }
    }

    /// Whether a CJK terminal may draw `c` wider than it is measured (East Asian Ambiguous width).
    fn ambiguous(c: char) -> bool {
        c.width() != c.width_cjk()
    }

    /// The string and character literals of Rust `source`, with their line, as written (escapes not read), outside
    /// comments and `#[cfg(test)]` items.
    fn drawn_literals(source: &str) -> Vec<(usize, String)> {
        let chars: Vec<char> = source.chars().collect();
        let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
        let starts = |i: usize, s: &str| s.chars().enumerate().all(|(k, c)| at(i + k) == c);
        let mut out = Vec::new();
        let (mut i, mut line, mut depth) = (0, 1, 0usize);
        // A test item's attribute read and its body not yet open; the depth its body opened at.
        let (mut test_next, mut test_at) = (false, None);
        // Up to `end`, counting lines.
        let skip_to = |i: &mut usize, end: usize, line: &mut usize| {
            *line += chars[*i..end.min(chars.len())].iter().filter(|&&c| c == '\n').count();
            *i = end;
        };
        while i < chars.len() {
            let c = at(i);
            let ident_before = i > 0 && (at(i - 1).is_alphanumeric() || at(i - 1) == '_');
            if starts(i, "//") {
                let end = (i..chars.len()).find(|&j| at(j) == '\n').unwrap_or(chars.len());
                skip_to(&mut i, end, &mut line);
            } else if starts(i, "/*") {
                let end = (i + 2..chars.len()).find(|&j| starts(j, "*/")).map_or(chars.len(), |j| j + 2);
                skip_to(&mut i, end, &mut line);
            } else if starts(i, "#[cfg(test)]") {
                test_next = true;
                i += "#[cfg(test)]".len();
            } else if !ident_before && (c == 'r' || starts(i, "br")) && {
                let h = if c == 'r' { i + 1 } else { i + 2 };
                let hashes = (h..chars.len()).take_while(|&j| at(j) == '#').count();
                at(h + hashes) == '"'
            } {
                let h = if c == 'r' { i + 1 } else { i + 2 };
                let hashes = (h..chars.len()).take_while(|&j| at(j) == '#').count();
                let open = h + hashes + 1;
                let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
                let end = (open..chars.len()).find(|&j| starts(j, &close)).unwrap_or(chars.len());
                if test_at.is_none() {
                    out.push((line, chars[open..end].iter().collect()));
                }
                skip_to(&mut i, end + close.chars().count(), &mut line);
            } else if c == '"' {
                let mut end = i + 1;
                while end < chars.len() && at(end) != '"' {
                    end += if at(end) == '\\' { 2 } else { 1 };
                }
                if test_at.is_none() {
                    out.push((line, chars[i + 1..end.min(chars.len())].iter().collect()));
                }
                skip_to(&mut i, end + 1, &mut line);
            } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
                // A character literal ('…', '\''); a lifetime ('a) has no closing quote.
                let end = if at(i + 1) == '\\' {
                    (i + 3..chars.len()).find(|&j| at(j) == '\'').unwrap_or(chars.len())
                } else {
                    i + 2
                };
                if test_at.is_none() {
                    out.push((line, chars[i + 1..end].iter().collect()));
                }
                i = end + 1;
            } else {
                match c {
                    '\n' => line += 1,
                    '{' => {
                        if test_next && test_at.is_none() {
                            test_at = Some(depth);
                        }
                        test_next = false;
                        depth += 1;
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if test_at == Some(depth) {
                            test_at = None;
                        }
                    }
                    ';' => test_next = false,
                    _ => {}
                }
                i += 1;
            }
        }
        out
    }

    /// The lexer finds what it is to find: literals of every kind, none in comments or test items.
    #[test]
    fn drawn_literals_are_read_outside_comments_and_tests() {
        let source = "fn a<'x>() -> &'x str { \"一“二”\" } // “c”\n/* “d” */ const B: char = '…';\n\
                      const C: &str = r#\"say \"→\"\"#; const E: &str = \"e\\\"“\";\n\
                      #[cfg(test)]\nmod tests { fn t() { \"“t”\"; } }\nconst F: &str = \"“f”\";";
        let found = drawn_literals(source);
        let texts: Vec<&str> = found.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(texts, ["一“二”", "…", "say \"→\"", "e\\\"“", "“f”"], "{found:?}");
        assert_eq!(found.last().map(|(line, _)| *line), Some(6), "{found:?}");
    }

    /// No text canbao draws on the terminal holds a character whose width a CJK terminal may double (curly quotes,
    /// the ellipsis, arrows, the middle dot, dashes): every string and character literal of the screens' source
    /// (`src/tui`) and of the words they share with the CLI (`src/words`, the quote and its shares), read from
    /// the files, outside comments and test items, and the tables' strings as built. A character written as an
    /// escape (`\u{201c}`) is one the code reads in others' text (the line breaker's punctuation), never one it
    /// draws.
    #[test]
    fn no_ambiguous_width_characters() {
        for c in
            ['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}', '\u{2026}', '\u{2191}', '\u{2193}', '\u{2192}', '\u{b7}']
        {
            assert!(ambiguous(c), "{c:?}");
        }
        assert!(!"「」...->".chars().any(ambiguous));
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let (mut files, mut folders) = (vec![src.join("words.rs")], vec![src.join("tui"), src.join("words")]);
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.iter().any(|f| f.ends_with("tui/text/zh.rs")) && files.len() > 40, "{files:?}");
        let mut found = Vec::new();
        for file in &files {
            for (line, literal) in drawn_literals(&std::fs::read_to_string(file).unwrap()) {
                if let Some(c) = literal.chars().find(|&c| ambiguous(c)) {
                    found.push(format!("{}:{line}: {c:?} in {literal:?}", file.display()));
                }
            }
        }
        assert!(found.is_empty(), "ambiguous-width characters in drawn text:\n{}", found.join("\n"));
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            let mut all: Vec<&str> = vec![t.app_title];
            all.extend(t.actions.iter().flat_map(|a| [a.short, a.help]));
            all.extend(t.contexts.iter().map(|(_, s)| *s));
            let channels: Vec<String> = PaymentChannel::CHOICES.iter().map(|c| t.channel_name(c).to_owned()).collect();
            all.extend(channels.iter().map(String::as_str));
            for s in all {
                assert!(!s.chars().any(ambiguous), "{lang:?}: ambiguous width in {s:?}");
            }
        }
    }
}
