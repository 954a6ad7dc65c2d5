//! Marking pupils (enrollment, payment, categories, note), one or many at once, and undoing it. The new value
//! is always chosen in a dialog, never taken from the pupil under the cursor; a change to more than one pupil,
//! and any change that clears a payment, is asked before anything is written. Writes go through the store's
//! typed changes (`store::Change`), which keep a mark in step with the forms.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::app::{App, Screen};
use super::due;
use super::input::LineInput;
use super::jobs::{JobKind, Work};
use super::keymap::Context;
use super::modal::{CategoryPicker, Confirm, EnrollmentChooser, Modal, PaymentField, PaymentForm, Pending, Then};
use super::roster::RosterData;
use super::text::fill;
use super::undo::{Edit, PupilEdit};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::money;
use crate::domain::policy::{self, QuoteRequest};
use crate::domain::student::{CategoryMark, Enrollment, PaymentChannel, PaymentStatus, Student};
use crate::store::{Change, ChangeOptions, FieldChange, Outcome, Payment, Refusal};

/// A mark, undo or redo of this many pupils or more is written on the worker when the drive is a file: a whole
/// school's takes seconds, which the screen would otherwise spend frozen with the question still on it and keys
/// piling up to act afterwards. A class (a few dozen pupils) is written at once, as one pupil is.
pub const ON_WORKER_FROM: usize = 200;

/// How many pupils a message about several names before saying 等 or how many in all: a line still short enough
/// for the status line and a question.
const NAMED: usize = 3;

/// What the question about one selected pupil out of sight says a mark does (`App::write_one`).
enum Said {
    /// "label: value" saved.
    Saved(String),
    /// The field of this label left empty.
    Cleared(String),
}

impl App {
    /// Whom a mark applies to: the detail screen's pupil; else the marked pupils in roster order; else the
    /// selected one.
    pub fn targets(&self) -> Vec<i64> {
        if self.screen == Screen::Detail {
            // The pupil on screen, whatever the list's cursor says.
            return self.detail.as_ref().map(|d| d.student.id).into_iter().collect();
        }
        if !self.roster.marked().is_empty() {
            return self.roster.marked_in_roster_order(&self.data);
        }
        self.selected_id().into_iter().collect()
    }

    /// Whether a mark goes to the pupils selected with Space (one or many) rather than to the pupil on screen or
    /// under the cursor. A selection of one is a bulk mark of one: a stray Space left on a pupil the tax office
    /// reconciled must not make `p` or `f` on another row offer to clear that pupil's payment.
    fn by_selection(&self) -> bool {
        self.screen != Screen::Detail && !self.roster.marked().is_empty()
    }

    /// A selected pupil left as they are because `payment` is recorded (nothing written): said by name, with the
    /// key that clears it on the pupil's own row.
    /// `f` names its own key for either payment: `f` on the pupil's own row is what replaces it.
    fn say_selected_kept(&mut self, s: &Student, by_government: bool) {
        let government = by_government || s.payment == PaymentStatus::Government;
        let action = if government { "toggle_government" } else { "toggle_paid" };
        let key = self.keymap.keys_for(Context::Roster, action).first().map(|k| k.to_string()).unwrap_or_default();
        let select = self.keymap.keys_for(Context::Roster, "toggle_select").first().map(|k| k.to_string());
        let message =
            fill(self.text.selected_kept, &[&s.name, &self.text.payment(s.payment), &select.unwrap_or_default(), &key]);
        self.say(message);
    }

    /// What a class's payment says of the part-payers it kept as they are (`PaymentForm::part_paid`): how many
    /// still owe the rest, a few by name, and that each one's top-up is `p` on her row. Empty for none.
    fn part_paid_kept_text(&self, names: &[String]) -> String {
        if names.is_empty() {
            return String::new();
        }
        let named = self.named_few(names);
        let key =
            self.keymap.keys_for(Context::Roster, "toggle_paid").first().map(|k| k.to_string()).unwrap_or_default();
        fill(self.text.bulk_kept_part_paid, &[&names.len(), &named, &key])
    }

    /// What a class's payment says of the pupils it left out because their 本市户籍 is to be checked
    /// (`PaymentForm::hukou_pending`): how many, a few by name, that neither amount is theirs until then, and that
    /// each is recorded with `p` on their row. Empty for none.
    fn hukou_pending_text(&self, names: &[String]) -> String {
        if names.is_empty() {
            return String::new();
        }
        let named = self.named_few(names);
        fill(self.text.bulk_hukou_pending, &[&names.len(), &named, &self.paid_key()])
    }

    /// The key that opens one pupil's payment form (`p`), as the keymap binds it.
    fn paid_key(&self) -> String {
        self.keymap.keys_for(Context::Roster, "toggle_paid").first().map(|k| k.to_string()).unwrap_or_default()
    }

    /// What a class's payment says of the part-payers who have left school it kept as they are: how many, a few by
    /// name, and that the rest is not asked of the family. Empty for none.
    fn left_part_paid_text(&self, names: &[String]) -> String {
        if names.is_empty() {
            return String::new();
        }
        let named = self.named_few(names);
        fill(self.text.bulk_kept_left_part_paid, &[&names.len(), &named])
    }

    /// How many of `ids` the roster on screen does not show (none on the detail screen, which shows its one, nor
    /// without marks).
    pub(crate) fn hidden_among(&self, ids: impl Iterator<Item = i64>) -> usize {
        // Without marks the pupil is the one under the cursor, on screen: no set of 500k shown rows is built
        // for a one-pupil question.
        if self.screen == Screen::Detail || self.roster.marked().is_empty() {
            return 0;
        }
        let rows: Vec<Option<u32>> = ids.map(|id| self.data.index_of(id).map(|row| row as u32)).collect();
        let shown = self.roster.shown();
        // A dialog's title asks this of its one pupil on every frame: a scan of the shown rows, not a set of them.
        if rows.len() <= 8 {
            return rows.iter().filter(|row| row.is_none_or(|row| !shown.contains(&row))).count();
        }
        let shown: std::collections::HashSet<u32> = shown.iter().copied().collect();
        rows.iter().filter(|row| row.is_none_or(|row| !shown.contains(&row))).count()
    }

    /// The name of the pupil under the cursor when a mark goes to one selected pupil the list shows on another
    /// row (a stray Space, then the cursor moved on to the child at the counter): the dialog's title and the
    /// question before saving name both, since the highlight is where the eye is. `None` when the mark is for the
    /// highlighted pupil, and for a selected pupil out of sight, who is asked about as such (`hidden_among`).
    pub(crate) fn cursor_elsewhere(&self, targets: &[i64]) -> Option<String> {
        let [id] = targets else { return None };
        if !self.by_selection() || self.hidden_among(std::iter::once(*id)) > 0 {
            return None;
        }
        let cursor = self.selected_id().filter(|cursor| cursor != id)?;
        self.data.index_of(cursor).map(|i| self.data.name(i).to_owned())
    }

    /// The name of the pupil under the cursor when a mark goes to several selected pupils and the highlighted one is
    /// not among them (Space on a few rows, then the cursor moved on to the child at the counter): a count alone
    /// reads as including the row the eye is on. `None` when the highlighted pupil is one of `targets`.
    pub(crate) fn cursor_outside(&self, targets: &[i64]) -> Option<String> {
        if targets.len() < 2 || !self.by_selection() {
            return None;
        }
        let cursor = self.selected_id().filter(|cursor| !targets.contains(cursor))?;
        self.data.index_of(cursor).map(|i| self.data.name(i).to_owned())
    }

    /// The first few of `names` (`NAMED`), with 等 / etc. after them where there are more (「崔霞、方滢磊、王芳等」):
    /// the count is the sentence's own.
    fn named_few(&self, names: &[String]) -> String {
        let mut named =
            names.iter().take(NAMED).map(String::as_str).collect::<Vec<_>>().join(self.text.pick("、", ", "));
        if names.len() > NAMED {
            named.push_str(self.text.pick("等", ", etc."));
        }
        named
    }

    /// A few of `ids` by name, then how many in all where there are more (「崔霞、方滢磊、王芳等 5 人」).
    fn few_names(&self, ids: &[i64]) -> String {
        let names: Vec<&str> =
            ids.iter().take(NAMED).filter_map(|&id| self.data.index_of(id)).map(|i| self.data.name(i)).collect();
        let named = names.join(self.text.pick("、", ", "));
        if ids.len() > NAMED { fill(self.text.names_and_more, &[&named, &ids.len()]) } else { named }
    }

    /// The one pupil a single mark is about, as stored; `None` for a bulk mark.
    fn single(&mut self, targets: &[i64]) -> Option<Student> {
        let [id] = targets else { return None };
        match self.store.student(*id) {
            Ok(s) => Some(s),
            Err(e) => {
                self.fail(e.to_string());
                None
            }
        }
    }

    /// `e`: the enrollment chooser, on the pupil's own status (one pupil) or on the status most of the pupils
    /// have (several), so the same keys (`e ↓ Enter`) choose the same status for one pupil and for a class.
    pub fn open_enrollment(&mut self) {
        let targets = self.targets();
        if targets.is_empty() {
            return self.say(self.text.no_pupil_to_mark);
        }
        let (status, detail) = match self.single(&targets) {
            Some(s) => (s.enrollment, s.decline_reason.unwrap_or_default()),
            None if targets.len() == 1 => return,
            // No one pupil's reason or place is offered for all of them.
            None => (self.most_common_enrollment(&targets), String::new()),
        };
        let cursor = Enrollment::ALL.iter().position(|e| *e == status).unwrap_or(0);
        self.modal = Some(Modal::Enrollment(EnrollmentChooser::new(targets, cursor, &detail)));
    }

    /// The status most of `ids` have, as the roster holds them (ties: the first in the chooser's order).
    fn most_common_enrollment(&self, ids: &[i64]) -> Enrollment {
        let mut counts = [0usize; Enrollment::ALL.len()];
        for row in ids.iter().filter_map(|&id| self.data.index_of(id)).map(|i| &self.data.rows[i]) {
            if let Some(p) = Enrollment::ALL.iter().position(|e| *e == row.enrollment) {
                counts[p] += 1;
            }
        }
        let most = counts.iter().copied().max().unwrap_or(0);
        counts.iter().position(|&c| c == most).map_or(Enrollment::Unknown, |p| Enrollment::ALL[p])
    }

    /// Enter in the enrollment chooser.
    pub fn choose_enrollment(&mut self, chooser: EnrollmentChooser) {
        let status = Enrollment::ALL[chooser.cursor.min(Enrollment::ALL.len() - 1)];
        let reason = Some(chooser.detail.text().trim().to_owned()).filter(|r| !r.is_empty());
        let changes = vec![Change::Enrollment { status, reason: reason.clone() }];
        let label = self.text.enrollment(status).to_owned();
        let selected = chooser.targets.len();
        if selected == 1 {
            // 在校参保 for a pupil the policy sends to the benefit place would register them twice: asked.
            if status == Enrollment::Here
                && let Some(s) = self.single(&chooser.targets)
                && let Some((category, place)) = self.away_against(&s, Some(status), None)
            {
                let question = fill(self.text.ask_enroll_away, &[&s.name, &category, &self.away_words(place)]);
                return self.ask(question, same_for_all(&chooser.targets, changes), label, false);
            }
            // One pupil paid for is refused by the store and told why (`write`).
            let what = Said::Saved(label.clone());
            return self.write_one(same_for_all(&chooser.targets, changes), label, &what, None);
        }
        // A status that is a family's answer (不参保 with its reason, 异地参保 with its place) or a pupil gone (已离校)
        // is not overwritten by a class's mark, as a bulk payment keeps the payments recorded: those pupils stay as
        // they are, named in the question and in what is saved; `e` on the one pupil still changes them.
        let mut targets = chooser.targets;
        let answered = match self.answered_among(&targets, status) {
            Ok(answered) => answered,
            Err(e) => return self.fail(e),
        };
        let answered_ids: std::collections::HashSet<i64> = answered.iter().map(|s| s.id).collect();
        targets.retain(|id| !answered_ids.contains(id));
        let answered_names = self.answered_names(&answered);
        if targets.is_empty() {
            return self
                .fail(fill(self.text.all_kept_answered, &[&answered.len(), &answered_names, &self.enrollment_key()]));
        }
        let selected = targets.len();
        // 不参保 over a payment (异地参保 over a family's) is refused pupil by pupil: the question says how many
        // stay as they are, as a bulk payment does for those already paid, and the others are marked.
        // A reason (or place) typed once for the whole selection replaces each one recorded with the same status:
        // the question says how many, No being the default, where they were replaced without a word.
        let mut held_detail: HashMap<i64, String> = HashMap::new();
        if matches!(status, Enrollment::Declined | Enrollment::Elsewhere) {
            let pupils = match self.store.students_by_ids(&targets) {
                Ok(p) => p,
                Err(e) => return self.fail(e.to_string()),
            };
            let paid: std::collections::HashSet<i64> = pupils
                .iter()
                .filter(|s| Standing::new(status, s.payment).enrollment_contradicts_payment())
                .map(|s| s.id)
                .collect();
            targets.retain(|id| !paid.contains(id));
            held_detail = pupils
                .into_iter()
                .filter(|s| s.enrollment == status)
                .filter_map(|s| Some((s.id, s.decline_reason.filter(|r| !r.trim().is_empty())?)))
                .filter(|(_, held)| Some(held.trim()) != reason.as_deref())
                .collect();
        }
        let kept = selected - targets.len();
        if targets.is_empty() {
            return self.fail(fill(self.text.all_kept_for_payment, &[&kept, &label]));
        }
        // Pupils the policy sends to the benefit place are not enrolled at school with the others: left out, named.
        let (mut left_away, mut away_place) = (Vec::new(), None);
        if status == Enrollment::Here {
            let mut pupils = match self.store.students_by_ids(&targets) {
                Ok(p) => p,
                Err(e) => return self.fail(e.to_string()),
            };
            let (away, place) = self.leave_out_away(&mut pupils, Some(status), None);
            let left: std::collections::HashSet<i64> = away.iter().map(|s| s.id).collect();
            targets.retain(|id| !left.contains(id));
            left_away = away.into_iter().map(|s| s.name).collect();
            away_place = place;
        }
        if targets.is_empty() {
            let place = away_place.map(|p| self.away_words(p)).unwrap_or_default();
            return self.fail(fill(self.text.all_left_away, &[&left_away.len(), &place]));
        }
        // Pupils with this status already (and the same reason or place) are not changed by the mark: the count
        // asked is of those it changes, the others said apart, so it matches what is saved and what undo takes back.
        let already = match self.store.students_by_ids(&targets) {
            Ok(pupils) => {
                let keeps = |s: &Student| {
                    let held = s.decline_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
                    !matches!(status, Enrollment::Declined | Enrollment::Elsewhere) || held == reason.as_deref()
                };
                pupils.iter().filter(|s| s.enrollment == status && keeps(s)).count()
            }
            Err(e) => return self.fail(e.to_string()),
        };
        if already == targets.len() {
            return self.say(fill(self.text.bulk_all_already, &[&already, &label]));
        }
        let mut question = fill(self.text.ask_bulk_enrollment, &[&(targets.len() - already), &label]);
        if already > 0 {
            question.push_str(&fill(self.text.bulk_already, &[&already, &label]));
        }
        if kept > 0 {
            question.push_str(&fill(self.text.bulk_kept_for_payment, &[&kept, &label]));
        }
        let replaced = targets.iter().filter(|id| held_detail.contains_key(id)).count();
        if replaced > 0 {
            let words = match (status, &reason) {
                (Enrollment::Declined, _) => self.text.bulk_replaces_reasons,
                (_, Some(_)) => self.text.bulk_replaces_places,
                (_, None) => self.text.bulk_clears_places,
            };
            question.push_str(&fill(words, &[&replaced, &reason.as_deref().unwrap_or_default()]));
        }
        question.push_str(&self.left_away_text(&left_away, away_place));
        let note = (!answered.is_empty()).then(|| {
            let kept = fill(self.text.bulk_kept_answered, &[&answered.len(), &answered_names, &self.enrollment_key()]);
            question.push_str(&kept);
            fill(self.text.saved_kept_answered, &[&answered.len(), &answered_names])
        });
        let pending =
            Pending { items: same_for_all(&targets, changes), label, confirmed: false, if_no: None, form: None, note };
        self.ask_pending(question, pending);
    }

    /// The pupils among `ids` whose status is an answer a bulk mark to `status` must not overwrite: 不参保,
    /// 异地参保 or 已离校, other than `status` itself (a reason or place replaced within one status is asked about
    /// as such).
    fn answered_among(&self, ids: &[i64], status: Enrollment) -> Result<Vec<Student>, String> {
        let answered = |e: Enrollment| matches!(e, Enrollment::Declined | Enrollment::Elsewhere | Enrollment::Left);
        let pupils = self.store.students_by_ids(ids).map_err(|e| e.to_string())?;
        Ok(pupils.into_iter().filter(|s| s.enrollment != status && answered(s.enrollment)).collect())
    }

    /// A few of `pupils` by name, each with the status that keeps them (任俊桐（不参保）), the count saying the rest.
    fn answered_names(&self, pupils: &[Student]) -> String {
        const NAMED: usize = 3;
        let mut named = pupils
            .iter()
            .take(NAMED)
            .map(|s| fill(self.text.name_with_status, &[&s.name, &self.text.enrollment(s.enrollment)]))
            .collect::<Vec<_>>()
            .join(self.text.pick("、", ", "));
        if pupils.len() > NAMED {
            named.push_str(self.text.pick("等", ", etc."));
        }
        named
    }

    /// The key that opens one pupil's enrollment chooser (`e`), as the keymap binds it.
    fn enrollment_key(&self) -> String {
        self.keymap.keys_for(Context::Roster, "enrollment").first().map(|k| k.to_string()).unwrap_or_default()
    }

    /// `p`: the payment form; on the one pupil under the cursor (or on screen) already paid, first asks whether
    /// to clear the payment. Selected pupils, even one, are paid as a class: a payment recorded is kept.
    pub fn toggle_paid(&mut self) {
        let targets = self.targets();
        if targets.is_empty() {
            return self.say(self.text.no_pupil_to_mark);
        }
        let by_selection = self.by_selection();
        if !by_selection
            && let Some(s) = self.single(&targets)
            && s.payment == PaymentStatus::Paid
        {
            let clear = self.clear_paid_question(&s, &targets);
            // Part-paid (300 of 380): the rest paid later is a top-up, added to the 300; No asks about clearing.
            if let Some(part) = self.store.part_payment_of(&s, self.policy.as_ref()).ok().flatten() {
                let yuan = |fen: i64| money::plain(fen);
                let owed = part.due_fen - part.paid_fen;
                // One who left is asked for nothing: a top-up she paid before leaving is still recorded this way.
                let left = s.enrollment == Enrollment::Left;
                let ask = if left { self.text.ask_top_up_left } else { self.text.ask_top_up };
                let question = fill(ask, &[&s.name, &yuan(part.paid_fen), &yuan(part.due_fen), &yuan(owed)]);
                let then = Then::TopUp { id: s.id, recorded_fen: part.paid_fen, clear: Box::new(clear) };
                self.modal = Some(Modal::Confirm(Confirm { question, then, yes: !left }));
                return;
            }
            self.modal = Some(Modal::Confirm(clear));
            return;
        }
        // A family's payment over the department's is asked first, as `f` over the family's is (No by default):
        // the form would otherwise save it with no word of the 财政代缴 it replaces.
        if !by_selection
            && let Some(s) = self.single(&targets)
            && s.payment == PaymentStatus::Government
        {
            let question = fill(self.text.ask_pay_over_government, &[&s.name]);
            self.modal = Some(Modal::Confirm(Confirm { question, then: Then::PayOverGovernment(targets), yes: false }));
            return;
        }
        // A selected part-payer (部分缴费) is offered her top-up, as `p` on her own row offers it, where the selection
        // kept her as 「已缴费」 with no word of what she owes. Clearing her payment stays a key of her own row; the
        // form's title names her (and the highlighted pupil when that is another), and Enter then asks as for any
        // selected pupil off the cursor.
        if by_selection
            && let Some(s) = self.single(&targets)
            && s.payment == PaymentStatus::Paid
            && s.enrollment != Enrollment::Left
            && let Some(part) = self.store.part_payment_of(&s, self.policy.as_ref()).ok().flatten()
        {
            return self.open_payment_form(targets, false, Some(part.paid_fen));
        }
        self.open_payment_form(targets, by_selection, None);
    }

    /// Whether to clear the family's payment of `s` (`targets`: the pupil), No by default: a payment the tax
    /// office's list recorded stays paid there, said before it is cleared here.
    fn clear_paid_question(&self, s: &Student, targets: &[i64]) -> Confirm {
        // A payment the tax office's list recorded stays paid there: said before it is cleared here.
        let listed = self.store.payments_from_a_list(std::slice::from_ref(s)).ok().and_then(|mut l| l.remove(&s.id));
        let question = match listed {
            Some(l) => {
                let at = crate::store::instant::beijing_minutes(&l.listed_at);
                fill(self.text.ask_clear_listed_paid, &[&s.name, &self.payment_summary(s), &at])
            }
            None => fill(self.text.ask_clear_paid, &[&s.name, &self.payment_summary(s)]),
        };
        let label = self.text.payment(PaymentStatus::Unpaid).to_owned();
        let items = same_for_all(targets, vec![Change::Payment(Payment::Unpaid)]);
        let pending = Pending { items, label, confirmed: false, if_no: None, form: None, note: None };
        let question = self.with_hidden(question, targets);
        Confirm { question, then: Then::Write(pending), yes: false }
    }

    /// The payment form; `top_up`: for a top-up of the one pupil's part payment, the family's amount recorded.
    fn open_payment_form(&mut self, targets: Vec<i64>, by_selection: bool, top_up: Option<i64>) {
        let today = self.store.today();
        let mut pupils: Vec<Student> = match self.store.students_by_ids(&targets) {
            Ok(p) => p,
            Err(e) => return self.fail(e.to_string()),
        };
        // A payment for a class records those who have not paid: one already recorded (the tax office's amount
        // and date, 财政代缴) is kept, never overwritten by today's amount due.
        let selected = pupils.len();
        let kept = match &pupils[..] {
            [one] if by_selection && one.payment != PaymentStatus::Unpaid => Some(one.clone()),
            _ => None,
        };
        // Part-payers among those kept still owe the rest: a class's payment records none of them paid in full, and
        // says how many, as `p` on one of them offers the top-up (one who left is asked for nothing). A 财政代缴 mark
        // of a department's share alone (低保: the family's 95 unpaid) is one of them.
        // Part-payers who have left school are asked for nothing more (as `p` on her own row says), yet paid only
        // part: said apart from both, never counted as paid in full.
        let (mut part_paid, mut left_part_paid) = (Vec::new(), Vec::new());
        let mut left_part = None;
        if selected > 1 || by_selection {
            let kept = |s: &&Student| matches!(s.payment, PaymentStatus::Paid | PaymentStatus::Government);
            for s in pupils.iter().filter(kept) {
                if let Some(part) = self.store.part_payment_of(s, self.policy.as_ref()).ok().flatten() {
                    if s.enrollment == Enrollment::Left {
                        left_part_paid.push(s.name.clone());
                        left_part = Some(part);
                    } else {
                        part_paid.push(s.name.clone());
                    }
                }
            }
            pupils.retain(|s| s.payment == PaymentStatus::Unpaid);
        }
        let already_paid = selected - pupils.len();
        if let Some(one) = kept {
            // One selected who left part-paid: her figures, as `p` on her row gives them, not 「已缴费」.
            if let (Some(part), [_]) = (left_part, &left_part_paid[..]) {
                let yuan = |fen: i64| money::plain(fen);
                let select = self.keymap.keys_for(Context::Roster, "toggle_select").first().map(|k| k.to_string());
                let owed = yuan(part.due_fen - part.paid_fen);
                let said =
                    fill(self.text.selected_kept_left_part_paid, &[&one.name, &owed, &select.unwrap_or_default()]);
                return self.say(said);
            }
            return self.say_selected_kept(&one, false);
        }
        if pupils.is_empty() {
            // Part-payers still owe: said apart from those paid in full, never counted among them.
            let part = part_paid.len() + left_part_paid.len();
            let mut said = match (already_paid - part, part) {
                (_, 0) => fill(self.text.all_already_paid, &[&already_paid]),
                (0, part) => fill(self.text.all_part_paid, &[&part]),
                (full, part) => fill(self.text.all_paid_or_part_paid, &[&full, &part]),
            };
            said.push_str(&self.part_paid_kept_text(&part_paid));
            said.push_str(&self.left_part_paid_text(&left_part_paid));
            return self.say(said);
        }
        // A class paid at once leaves out the pupils the policy sends to the benefit place; one pupil alone is
        // asked on Enter, the form saying why first.
        let (left_away, left_away_place) = if selected > 1 {
            let (away, place) = self.leave_out_away(&mut pupils, None, Some(PaymentStatus::Paid));
            (away.into_iter().map(|s| s.name).collect(), place)
        } else {
            (Vec::new(), None)
        };
        if pupils.is_empty() {
            let place = left_away_place.map(|p| self.away_words(p)).unwrap_or_default();
            return self.fail(fill(self.text.all_left_away, &[&left_away.len(), &place]));
        }
        let tax_held = self.tax_held_warnings(&pupils);
        // One the school collects nothing from (sent away, not enrolled here all the same, nothing recorded): the
        // form leads with the 0 元 the detail screen says, where it proposed the family's whole premium.
        let away_zero = match &pupils[..] {
            [one] if top_up.is_none() && one.payment == PaymentStatus::Unpaid && one.enrollment != Enrollment::Here => {
                self.enrolls_away(one).map(|(category, place)| self.due_away_words(one, &category, place))
            }
            _ => None,
        };
        let warning = match &pupils[..] {
            [_] if let Some(due) = &away_zero => {
                let first = tax_held.iter().cloned().chain([format!(
                    "{due}{}{}",
                    self.text.pick("；", ". "),
                    self.text.payment_away_type
                )]);
                Some(first.collect::<Vec<_>>().join(self.text.pick("；", "; ")))
            }
            [one] => {
                let away = self.enrolls_away(one).map(|(category, place)| {
                    let words = crate::words::quote::QuoteWords::of(self.lang);
                    format!("{category}{}{}", self.text.pick("：", ": "), words.place(place))
                });
                // The 财政代缴 the form replaces (`p` asked first), said while the amount is typed.
                let government =
                    (one.payment == PaymentStatus::Government).then(|| self.text.payment_over_government.to_owned());
                // A top-up: the pupil enrolled and paid at school already, so the benefit place is not asked again.
                let away = away.filter(|_| top_up.is_none());
                // The tax office's payment for the number, first: the family may have paid already.
                let both: Vec<String> = tax_held.iter().cloned().chain(government).chain(away).collect();
                (!both.is_empty()).then(|| both.join(self.text.pick("；", "; ")))
            }
            _ => None,
        };
        let mut form = PaymentForm {
            targets: pupils.iter().map(|s| s.id).collect(),
            pupils: pupils.into(),
            already_paid,
            part_paid,
            left_part_paid,
            amount: LineInput::default(),
            amount_edited: false,
            amount_caret_moved: false,
            quoted: Vec::new(),
            full_subsidy: Vec::new(),
            hukou_pending: Vec::new(),
            date: LineInput::with_text(&today.format("%Y-%m-%d").to_string()),
            date_touched: false,
            channel: None,
            focus: PaymentField::Amount,
            note: None,
            error: None,
            warning,
            away_zero: away_zero.is_some(),
            next_collection: self.next_collection().map(Box::new),
            year_warning: None,
            left_away,
            left_away_place,
            away_ok: top_up.is_some(),
            no_cover_ok: false,
            top_up,
            tax_held,
        };
        self.quote_form(&mut form, today);
        self.modal = Some(Modal::Payment(form));
    }

    /// One sentence per pupil of `pupils` whose ID number the tax office's list holds a payment for that the drive
    /// keeps as 待核实 (under another name, an amount nobody could read …): the family may have paid already. Empty
    /// when the log cannot be read: the form is not refused for it.
    fn tax_held_warnings(&self, pupils: &[Student]) -> Vec<String> {
        let keys: Vec<(i64, &str)> = pupils.iter().map(|s| (s.id, s.id_number.as_str())).collect();
        let held = self.store.tax_payments_held_for(&keys).unwrap_or_default();
        let en = self.lang == super::Language::En;
        pupils
            .iter()
            .filter_map(|s| {
                let records: Vec<&crate::domain::unapplied::UnappliedPayment> = held.get(&s.id)?.iter().collect();
                crate::domain::unapplied::already_paid_warning(&s.name, &records, en)
            })
            .collect()
    }

    /// What a class's payment question adds for the pupils the tax office may hold a payment for already.
    fn tax_held_text(&self, held: &[String]) -> String {
        if held.is_empty() {
            return String::new();
        }
        let joined = held.join(self.text.pick("；", "; "));
        match self.lang {
            super::Language::En => format!(" Note: {joined}."),
            super::Language::Zh => format!("注意：{joined}。"),
        }
    }

    /// Quotes every target for a payment on `day`, and shows the amount due unless the operator typed one.
    pub fn quote_form(&self, form: &mut PaymentForm, day: NaiveDate) {
        // A top-up is saved on the day `policy::top_up_day` gives (the recorded payment's, one day ahead of today
        // on a laptop a time zone ahead): quoted on it, as its window and amount due are that day's.
        let day = match form.top_up {
            Some(_) => {
                let recorded = form.pupils.first().and_then(|s| s.payment_details.paid_on);
                policy::top_up_day(day, recorded, self.store.today()).map_or(day, |(on, _)| on)
            }
            None => day,
        };
        let english = self.lang == super::Language::En;
        // Categories carried from an earlier year (待重新认定) are not this year's until certified again: the full
        // amount, as `quote` and the payment notice ask, with why (the department pays the subsidy back once it
        // certifies the pupil, 003 四(二)2, 4).
        let year = self.store.shown_year();
        // Paid on the form's day, whatever an earlier payment of the pupil's said; by the categories certified
        // for the year, each on its own.
        let request = |s: &Student| QuoteRequest { paid_on: day, ..policy::pupil_request(&s.certified_in(year), day) };
        let quote =
            |request: &QuoteRequest| self.policy.as_ref().map(|p| due::quote_request(p, request, english, year));
        let mut note = match form.pupils.first().map(|s| quote(&request(s))) {
            Some(Some(Ok(q))) => crate::words::quote::rule_text(&q.steps, self.lang),
            Some(Some(Err(e))) => e,
            _ => format!("{}{}{}", self.text.no_policy, self.text.pick("。", ". "), self.text.no_policy_how),
        };
        if let Some(s) = form.pupils.first().filter(|s| !s.categories_certified(year)) {
            let stale: Vec<&str> = s.categories_to_recertify(year).iter().map(|c| c.name.as_str()).collect();
            let said = if stale.len() == s.categories.len() {
                self.text.payment_recertify
            } else {
                self.text.payment_recertify_some
            };
            note = format!("{}{note}", fill(said, &[&stale.join(self.text.pick("、", ", "))]));
        }
        form.note = Some(note);
        // Most of a school asks the policy the same question (no category, a birth date that changes nothing):
        // each question is quoted once, not once per pupil of a county's selection at every digit of the date.
        let mut asked: HashMap<QuoteRequest, (Option<i64>, bool)> = HashMap::new();
        (form.quoted, form.full_subsidy) = form
            .pupils
            .iter()
            .map(|s| {
                *asked.entry(request(s)).or_insert_with_key(|r| match quote(r) {
                    Some(Ok(q)) => (Some(q.personal_due_fen), q.personal_due_fen == 0 && q.department_due_fen > 0),
                    _ => (None, false),
                })
            })
            .unzip();
        // A subsidy that waits on the 本市户籍 check (`pupil_flags::hukou_pending`): the family owes one of two
        // amounts, so none is proposed and neither is asked about as a slip; a 0 typed for one pupil is still asked
        // as 财政代缴 (`full_subsidy`), said pending (`ask_full_subsidy_pending`). A class paid at once neither
        // prices such a pupil at the local amount nor records them 财政代缴: they are left out and said apart
        // (`hukou_pending`), as one amount typed for a class is no answer to which 户籍 the pupil holds.
        form.hukou_pending = vec![None; form.pupils.len()];
        if let Some(p) = self.policy.as_ref() {
            let table = CategoryTable::builtin();
            let one = form.targets.len() == 1;
            for (i, s) in form.pupils.iter().enumerate().filter(|(_, s)| !s.categories.is_empty()) {
                let certified = s.certified_in(year);
                let r = request(s);
                let Some(Ok(mut q)) = quote(&r) else { continue };
                let Some(pending) = crate::domain::pupil_flags::hukou_pending(p, table, &certified, &r, &q) else {
                    continue;
                };
                form.quoted[i] = None;
                if !one {
                    form.full_subsidy[i] = false;
                    form.hukou_pending[i] = Some(s.name.clone());
                    continue;
                }
                // The form's note: both amounts, and the rule without its closing local amounts.
                if i == 0 {
                    q.steps.retain(|s| !matches!(s, policy::RuleStep::Totals { .. }));
                    let both = fill(
                        self.text.due_hukou_pending,
                        &[
                            &money::plain(pending.local_personal_fen),
                            &money::plain(pending.local_department_fen),
                            &money::plain(pending.other_personal_fen),
                            &q.window,
                        ],
                    );
                    let rule = crate::words::quote::rule_text(&q.steps, self.lang);
                    form.note = Some(format!("{both}{}{rule}", self.text.pick("。", ". ")));
                }
            }
        }
        // A late payment for the drive's year is allowed then (003 三(一)2, 001 中途参保): said, not refused.
        form.year_warning = form.next_collection.as_ref().filter(|next| next.covers(day)).map(|next| {
            let key =
                self.keymap.keys_for(Context::Roster, "palette").first().map(|k| k.to_string()).unwrap_or_default();
            let (from, to) = (next.window.from.to_string(), next.window.to.to_string());
            fill(
                self.text.payment_for_old_year,
                &[&next.recorded, &next.year, &next.window.name, &from, &to, &next.recorded, &next.year, &key],
            )
        });
        // A top-up: what is still owed, said first with what was paid (部分缴费).
        if let (Some(paid), Some(Some(due))) = (form.top_up, form.quoted.first()) {
            let (paid_y, due_y, owed_y) = (money::plain(paid), money::plain(*due), money::plain((due - paid).max(0)));
            form.warning = Some(fill(self.text.top_up_note, &[&paid_y, &due_y, &owed_y]));
        }
        if form.away_zero {
            form.note = form.note.take().map(|rule| fill(self.text.rule_if_school, &[&rule]));
        }
        if !form.amount_edited && form.targets.len() == 1 {
            // A top-up's amount is what is still owed, when anything is; none for a pupil the school collects
            // nothing from.
            let due = match form.top_up {
                Some(paid) => form.quoted.first().copied().flatten().map(|due| due - paid).filter(|f| *f > 0),
                None if form.away_zero => None,
                None => form.quoted.first().copied().flatten(),
            };
            form.amount.set(&due.map(money::plain).unwrap_or_default());
        }
    }

    /// The date in the payment form reads as no day (unfinished, or 2026-02-30): no amount is quoted, and the
    /// amount the last quote filled in goes with it; the note says the date is incomplete.
    pub fn unquote_form(&self, form: &mut PaymentForm) {
        form.quoted = vec![None; form.pupils.len()];
        form.full_subsidy = vec![false; form.pupils.len()];
        form.hukou_pending = vec![None; form.pupils.len()];
        form.year_warning = None;
        form.note = Some(self.text.date_incomplete.to_owned());
        if form.top_up.is_some() {
            form.warning = None;
        }
        if !form.amount_edited && form.targets.len() == 1 {
            form.amount.set("");
        }
    }

    /// Enter in the payment form: checks the fields, then writes or asks (several pupils, an amount that is
    /// not the amount due, a payment against the enrollment). A bad field keeps the form open.
    pub fn apply_payment(&mut self, mut form: PaymentForm) -> Option<Modal> {
        // Full-width digits (an IME in full-width mode) read as the importer reads them.
        let typed = crate::domain::narrow(form.amount.text().trim());
        let typed = typed.as_str();
        let typed_fen = if typed.is_empty() { None } else { money::parse_yuan(typed) };
        if !typed.is_empty() && typed_fen.is_none() {
            form.error = Some(self.text.bad_amount.to_owned());
            form.focus = PaymentField::Amount;
            return Some(Modal::Payment(form));
        }
        let Some(mut date) = form_date(form.date.text()) else {
            form.error = Some(self.text.bad_date.to_owned());
            form.focus = PaymentField::Date;
            return Some(Modal::Payment(form));
        };
        // Nor before the pupil was born: a year typed wrong would put the payment outside every window.
        if let Some(s) = form.pupils.iter().find(|s| s.birth_date.is_some_and(|born| date < born)) {
            let born = s.birth_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
            form.error = Some(fill(self.text.date_before_birth, &[&s.name, &born]));
            form.focus = PaymentField::Date;
            return Some(Modal::Payment(form));
        }
        // A top-up is never dated before the payment it follows, which decides its cover period; a recorded day
        // one day after today is another laptop's today (a time zone ahead), which today's top-up takes.
        let mut moved = false;
        if form.top_up.is_some() {
            let first = form.pupils.first().and_then(|s| s.payment_details.paid_on);
            match crate::domain::policy::top_up_day(date, first, self.store.today()) {
                Ok((day, was_moved)) => (date, moved) = (day, was_moved),
                Err(e) => {
                    form.error = Some(match e {
                        crate::domain::policy::TopUpDateError::Future => {
                            fill(self.text.future_date, &[&self.store.today()])
                        }
                        crate::domain::policy::TopUpDateError::BeforeRecorded(_) => {
                            let (zh, en) = e.before_recorded(date).unwrap_or_default();
                            if self.lang == super::Language::En { en[..1].to_uppercase() + &en[1..] } else { zh }
                        }
                    });
                    form.focus = PaymentField::Date;
                    return Some(Modal::Payment(form));
                }
            }
        }
        // An amount no pupil's payment, weighed as `mark` and the reconciliation weigh it (`money::slip`): against
        // each pupil's premium on the form's day where the policy prices the pupil, else the year's ceiling; a
        // top-up with the payment it makes up, as `mark --top-up` weighs it.
        if let Some(fen) = typed_fen {
            let total = form.top_up.unwrap_or(0).saturating_add(fen);
            if let Some(slip) = self.slip_in_form(&form, total, date) {
                let (weighed, weighed_en) = slip.weighed();
                let weighed = if self.lang == super::Language::En { weighed_en } else { weighed };
                let said = if form.top_up.is_some() { self.text.top_up_too_high } else { self.text.amount_too_high };
                form.error = Some(fill(said, &[&money::plain(total), &weighed]));
                form.focus = PaymentField::Amount;
                return Some(Modal::Payment(form));
            }
        }
        // A payment cannot be made tomorrow: a year typed wrong would change the amount due and the cover.
        if form.top_up.is_none() && date > self.store.today() {
            form.error = Some(fill(self.text.future_date, &[&self.store.today()]));
            form.focus = PaymentField::Date;
            return Some(Modal::Payment(form));
        }
        // Nor a day that cannot be this year's (a payment for an earlier year, a year typed wrong): it would count
        // the pupils insured for the drive's year. A late payment within the year is the quote's to price.
        if let Some(e) =
            crate::domain::policy::payment_date_error(self.policy.as_ref(), self.store.current_year(), None, date)
        {
            let en = self.lang == super::Language::En;
            form.error = Some(if en { e.message_en() } else { e.message_zh() });
            form.focus = PaymentField::Date;
            return Some(Modal::Payment(form));
        }
        if let Some(recorded) = form.top_up {
            return self.apply_top_up(form, typed_fen, (date, moved), recorded);
        }
        // A class's pupils whose 本市户籍 is to be checked are left out (`PaymentForm::hukou_pending`), whatever
        // amount was typed: each is recorded on their own row, where the form gives both amounts.
        let pending: Vec<String> = form.hukou_pending.iter().flatten().cloned().collect();
        let kept: Vec<bool> =
            (0..form.targets.len()).map(|i| form.hukou_pending.get(i).is_none_or(Option::is_none)).collect();
        if !pending.is_empty() && !kept.contains(&true) {
            form.error = Some(fill(self.text.all_hukou_pending, &[&pending.len(), &self.paid_key()]));
            form.focus = PaymentField::Amount;
            return Some(Modal::Payment(form));
        }
        // The school collects nothing from a pupil sent away: a payment here all the same is its amount typed.
        if form.away_zero && typed_fen.is_none() {
            form.error = Some(self.text.payment_away_type.to_owned());
            form.focus = PaymentField::Amount;
            return Some(Modal::Payment(form));
        }
        // Each pupil at the amount typed, or (nothing typed) at their own amount due.
        let amounts: Vec<Option<i64>> = form.quoted.iter().map(|q| typed_fen.or(*q)).collect();
        let missing = amounts.iter().zip(&kept).filter(|(a, kept)| **kept && a.is_none()).count();
        if missing > 0 {
            form.error = Some(if form.targets.len() == 1 {
                self.text.amount_missing.to_owned()
            } else {
                fill(self.text.amount_missing_some, &[&missing])
            });
            form.focus = PaymentField::Amount;
            return Some(Modal::Payment(form));
        }
        let channel = form.channel.map(|i| PaymentChannel::CHOICES[i.min(PaymentChannel::CHOICES.len() - 1)].clone());
        let n = form.targets.len();
        // A pupil whose whole premium a department pays is 财政代缴, as `f` records it and the ledgers count it:
        // in a class paid at once, whatever amount was typed for the others; alone, when nothing is paid.
        let government: Vec<bool> = (0..n)
            .map(|i| {
                form.full_subsidy.get(i).copied().unwrap_or(false)
                    && (n > 1 || amounts.get(i).copied().flatten() == Some(0))
            })
            .collect();
        let items: Vec<(i64, Vec<Change>)> = form
            .targets
            .iter()
            .zip(&amounts)
            .zip(&government)
            .zip(&kept)
            .filter(|(_, kept)| **kept)
            .map(|(((&id, fen), &government), _)| {
                let payment = if government {
                    Payment::Government
                } else {
                    Payment::Paid { amount_fen: *fen, paid_on: Some(date), channel: channel.clone() }
                };
                (id, vec![Change::Payment(payment)])
            })
            .collect();
        // 0 元 from the family would count the pupil 已参保 with nothing paid: a department's full payment is
        // 财政代缴 (above), anything else at 0 is refused here, before any question.
        if amounts
            .iter()
            .zip(&government)
            .zip(&kept)
            .any(|((fen, &government), &kept)| kept && !government && fen.is_some_and(|f| f <= 0))
        {
            form.error = Some(self.text.zero_amount.to_owned());
            form.focus = PaymentField::Amount;
            return Some(Modal::Payment(form));
        }
        // A family's payment the policy gives no cover in the drive's year (a mid-year payment whose wait runs past
        // the year's end, by `quote`'s rule) would count the pupil insured on every form of that year: most often it
        // is next year's, paid early. Asked, No by default, before any other question; No goes back to the form.
        if !form.no_cover_ok
            && form.top_up.is_none()
            && let Some(question) = self.no_cover_question(&form, &government, &kept, date)
        {
            let mut next = Box::new(form);
            next.no_cover_ok = true;
            self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Payment(next), yes: false }));
            return None;
        }
        let label = self.text.payment(PaymentStatus::Paid).to_owned();
        let names: Vec<&str> =
            form.pupils.iter().zip(&government).filter(|(_, g)| **g).map(|(s, _)| s.name.as_str()).collect();
        let named = names.join(self.text.pick("、", ", "));
        // No to any question here goes back to the form as typed (amount, date, channel): 「金额与应缴不符」 asks
        // "mistyped?", and a class's payment or 财政代缴 may be as wrong. The operator corrects it, or closes the form.
        let mut back = Box::new(form.clone());
        back.away_ok = false;
        back.no_cover_ok = false;
        if n > 1 || form.already_paid > 0 || !form.left_away.is_empty() {
            let how = match typed_fen {
                Some(fen) => fill(self.text.each_amount, &[&money::two_places(fen)]),
                None => self.text.amount_each.to_owned(),
            };
            let family = n - pending.len() - names.len();
            let mut question = if family > 0 {
                fill(self.text.ask_bulk_paid, &[&family, &how])
            } else {
                fill(self.text.ask_bulk_government, &[&names.len()])
            };
            if family > 0 && !names.is_empty() {
                question.push_str(&fill(self.text.bulk_full_subsidy, &[&names.len(), &named]));
            }
            question.push_str(&self.hukou_pending_text(&pending));
            // Those paid in full, then the part-payers, who still owe and are never counted as paid.
            let paid_in_full = form.already_paid.saturating_sub(form.part_paid.len() + form.left_part_paid.len());
            if paid_in_full > 0 {
                question.push_str(&fill(self.text.bulk_kept_paid, &[&paid_in_full]));
            }
            question.push_str(&self.part_paid_kept_text(&form.part_paid));
            question.push_str(&self.left_part_paid_text(&form.left_part_paid));
            // Those the store will refuse (不参保 …) get a question of their own after this one's Yes: said now, so
            // the second question does not come as a surprise.
            let ruled_out = form
                .pupils
                .iter()
                .zip(&government)
                .zip(&kept)
                .filter(|(_, kept)| **kept)
                .map(|(pupil, _)| pupil)
                .filter(|(s, g)| {
                    let status = if **g { PaymentStatus::Government } else { PaymentStatus::Paid };
                    Standing::new(s.enrollment, status).payment_contradicts_enrollment()
                })
                .count();
            if ruled_out > 0 && ruled_out < n - pending.len() {
                question.push_str(&fill(self.text.bulk_asked_after, &[&ruled_out]));
            }
            question.push_str(&self.left_away_text(&form.left_away, form.left_away_place));
            question.push_str(&self.tax_held_text(&form.tax_held));
            self.ask_pending(
                question,
                Pending { items, label, confirmed: false, if_no: None, form: Some(back), note: None },
            );
            return None;
        }
        // One pupil: 财政代缴 when the department pays it all and nothing was paid; 部分缴费 with what is still owed
        // when the amount is short of the amount due (300 of 380), as the roster's row then reads.
        let short = match (typed_fen, form.quoted.first()) {
            (Some(fen), Some(Some(due))) if fen < *due => Some(due - fen),
            _ => None,
        };
        let label = match short {
            _ if !names.is_empty() => self.text.payment(PaymentStatus::Government).to_owned(),
            Some(owed) => fill(self.text.part_paid_owed, &[&money::plain(owed)]),
            None => label,
        };
        if !form.away_ok
            && let Some((category, place)) = form.pupils.first().and_then(|s| {
                let payment = if names.is_empty() { PaymentStatus::Paid } else { PaymentStatus::Government };
                self.away_against(s, None, Some(payment))
            })
        {
            // Registered and paid at school as well as by the department at the benefit place: asked, No by default.
            // Yes goes on to the questions after this one (a different amount is still asked); No goes back to the
            // form as typed: the operator checks the pupil's papers, then closes the form or asks again.
            let name = &form.pupils[0].name;
            let asked = if names.is_empty() { self.text.ask_pay_away } else { self.text.ask_government_away };
            let question = self.with_hidden(fill(asked, &[name, &category, &self.away_words(place)]), &form.targets);
            let mut next = Box::new(form);
            next.away_ok = true;
            self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Payment(next), yes: false }));
        } else if !names.is_empty() && !form.away_ok {
            // (After Yes to the benefit place, whose question named 财政代缴 already, not asked again.)
            // Pending the 户籍 check (no amount quoted, `quote_form`), the 0 is the local pupil's only.
            let pending = form.targets.len() == 1 && form.quoted.first() == Some(&None);
            let asked = if pending { self.text.ask_full_subsidy_pending } else { self.text.ask_full_subsidy };
            let question = fill(asked, &[&named]);
            self.ask_pending(
                question,
                Pending { items, label, confirmed: false, if_no: None, form: Some(back), note: None },
            );
        } else if let (Some(fen), Some(Some(due))) = (typed_fen, form.quoted.first())
            && fen != *due
        {
            // The amount about to be saved is said beside the amount due: a mistyped 380300 reads as one.
            let question = fill(self.text.ask_amount_differs, &[&money::two_places(fen), &money::two_places(*due)]);
            self.ask_pending(
                question,
                Pending { items, label, confirmed: false, if_no: None, form: Some(back), note: None },
            );
        } else if form.away_ok {
            // The benefit place's question said already that the pupil is not in the list shown.
            self.write(items, label, false);
        } else {
            let what = Said::Saved(label.clone());
            self.write_one(items, label, &what, Some(back));
        }
        None
    }

    /// The first of the form's pupils for whom `fen` paid on `day` is no payment (`money::slip`), each question put
    /// to the policy once: a county's selection asks the same of most of its pupils.
    fn slip_in_form(&self, form: &PaymentForm, fen: i64, day: NaiveDate) -> Option<money::Slip> {
        let year = self.store.shown_year();
        let table = CategoryTable::builtin();
        let mut asked = std::collections::HashSet::new();
        form.pupils.iter().find_map(|s| {
            let request = QuoteRequest { paid_on: day, ..policy::pupil_request(&s.certified_in(year), day) };
            let full = self.policy.as_ref().and_then(|p| policy::full_premium_fen(p, table, &request, year));
            asked.insert(request).then(|| money::slip(fen, full, self.policy.as_ref())).flatten()
        })
    }

    /// The question before a family's payment on `date` is saved for a pupil the policy gives no cover in the
    /// drive's year (`policy::no_cover_in_year`, the rule `quote` refuses such a day by): the rule, which year it
    /// may be for, and whether to record it for this one all the same. `None` when every family payment of the
    /// form (`government`, `kept`: as `apply_payment` decided them) buys cover this year.
    fn no_cover_question(
        &self,
        form: &PaymentForm,
        government: &[bool],
        kept: &[bool],
        date: NaiveDate,
    ) -> Option<String> {
        let policy = self.policy.as_ref()?;
        let year = self.store.shown_year();
        let e = form
            .pupils
            .iter()
            .zip(government)
            .zip(kept)
            .filter(|((_, government), kept)| **kept && !**government)
            .find_map(|((s, _), _)| policy::no_cover_in_year(policy, &s.certified_in(year), date, year))?;
        let year = year.unwrap_or(policy.insured_year);
        let reason = if self.lang == super::Language::En { e.message_en() } else { e.to_string() };
        let key = self.keymap.keys_for(Context::Roster, "palette").first().map(|k| k.to_string()).unwrap_or_default();
        Some(fill(self.text.ask_no_cover, &[&reason, &(year + 1), &key, &year]))
    }

    /// Enter in the payment form of a top-up (`recorded`: the family's part payment): the amount typed (else what
    /// is still owed) is added to it, dated the form's day, in a change of its own (补缴, `TOP_UP`); a sum other than
    /// the amount due is asked about first.
    fn apply_top_up(
        &mut self,
        mut form: PaymentForm,
        typed_fen: Option<i64>,
        (date, moved): (NaiveDate, bool),
        recorded: i64,
    ) -> Option<Modal> {
        let due = form.quoted.first().copied().flatten();
        let fen = typed_fen.or(due.map(|due| due - recorded));
        let Some(fen) = fen.filter(|fen| *fen > 0) else {
            form.error =
                Some(if typed_fen.is_some() { self.text.zero_amount } else { self.text.amount_missing }.to_owned());
            form.focus = PaymentField::Amount;
            return Some(Modal::Payment(form));
        };
        let channel = form.channel.map(|i| PaymentChannel::CHOICES[i.min(PaymentChannel::CHOICES.len() - 1)].clone());
        let total = recorded + fen;
        let payment = Payment::Paid { amount_fen: Some(total), paid_on: Some(date), channel };
        let items: Vec<(i64, Vec<Change>)> =
            form.targets.iter().map(|&id| (id, vec![Change::Payment(payment.clone())])).collect();
        let mut label = fill(self.text.top_up_saved, &[&money::plain(fen), &money::plain(total)]);
        if moved {
            label.push_str(&fill(self.text.top_up_dated_as_recorded, &[&date]));
        }
        let back = Box::new(form);
        match due {
            Some(due) if due != total => {
                let (fen, total, due) = (money::two_places(fen), money::two_places(total), money::two_places(due));
                let question = fill(self.text.ask_top_up_differs, &[&fen, &total, &due]);
                self.ask_pending(
                    question,
                    Pending { items, label, confirmed: false, if_no: None, form: Some(back), note: None },
                );
            }
            _ => {
                let what = Said::Saved(label.clone());
                self.write_one(items, label, &what, Some(back));
            }
        }
        None
    }

    /// `f`: 财政代缴. On one pupil already paid (by the family or a department) it first asks whether to clear
    /// that payment; on several it asks before marking them all. A department's payment recorded at school registers
    /// the pupil there: one the policy sends to the benefit place is asked about, as the payment form does, and
    /// left out of a bulk mark (marked 异地参保, the payment is the benefit place's and goes through).
    pub fn toggle_government(&mut self) {
        let targets = self.targets();
        if targets.is_empty() {
            return self.say(self.text.no_pupil_to_mark);
        }
        let government = self.text.payment(PaymentStatus::Government).to_owned();
        let Some(s) = self.single(&targets) else {
            return self.bulk_government(targets, government);
        };
        // A selected pupil is marked as a class is, and `p` keeps what is recorded: so does `f`. A stray Space
        // left on a pupil the tax office reconciled must not make `f` on another row clear that payment.
        if s.payment != PaymentStatus::Unpaid && self.by_selection() {
            return self.say_selected_kept(&s, true);
        }
        // A department that pays only its share (低保: 285 of 380) leaves the family's to pay: 财政代缴 would count the
        // pupil insured with the family's share unpaid. Refused, saying what to record instead.
        if s.payment != PaymentStatus::Government
            && let Some(share) = self.family_share(&s)
        {
            return self.say_family_share_refused(&s, &share);
        }
        let items = same_for_all(&targets, vec![Change::Payment(Payment::Government)]);
        if s.payment != PaymentStatus::Government
            && let Some((category, place)) = self.away_against(&s, None, Some(PaymentStatus::Government))
        {
            let mut question = fill(self.text.ask_government_away, &[&s.name, &category, &self.away_words(place)]);
            if s.payment == PaymentStatus::Paid {
                question.push_str(&fill(self.text.government_away_clears, &[&self.payment_summary(&s)]));
            }
            return self.ask(question, items, government, false);
        }
        // A notice that subsidises none of the pupil's categories (事实无人抚养儿童 under Yibin's) leaves the premium
        // to the family: asked, No first, naming the notice.
        if s.payment == PaymentStatus::Unpaid
            && let Some((document, categories, family_fen)) = self.unsubsidised(&s)
        {
            let (categories, family) = (categories.join(self.text.list_comma), money::plain(family_fen));
            let question = fill(self.text.ask_government_unsubsidised, &[&s.name, &categories, &document, &family]);
            return self.ask(question, items, government, false);
        }
        match s.payment {
            // A department pays for pupils in a category: one with none is asked about, not marked unseen.
            PaymentStatus::Unpaid if s.categories.is_empty() => {
                let question = fill(self.text.ask_government_no_category, &[&s.name]);
                self.ask(question, items, government, false);
            }
            // Only categories carried from an earlier year (待重新认定): no department pays for them this year yet.
            PaymentStatus::Unpaid if s.certified_in(self.store.shown_year()).categories.is_empty() => {
                let year = self.store.shown_year();
                let carried: Vec<&str> = s.categories_to_recertify(year).iter().map(|m| m.name.as_str()).collect();
                let question =
                    fill(self.text.ask_government_recertify, &[&s.name, &carried.join(self.text.list_comma)]);
                self.ask(question, items, government, false);
            }
            // Asked as every other `f` is: a lone key never marks a pupil (an `f` among the letters of a command
            // typed into the wrong window, such as `free -h`).
            PaymentStatus::Unpaid => {
                let mut question = fill(self.text.ask_government, &[&s.name]);
                // Said now, while the parent is at the counter: marked 财政代缴, the pupil counts insured, and if
                // not of the city nobody pays.
                if let Some(family_fen) = self.hukou_pending_due(&s) {
                    question.push_str(self.text.pick("", " "));
                    question.push_str(&fill(self.text.ask_government_hukou_pending, &[&money::plain(family_fen)]));
                }
                self.ask(question, items, government, false);
            }
            PaymentStatus::Paid => {
                // A payment the tax office's list recorded stays the family's there: said before it is cleared,
                // as `p` says it, so that the department's payment does not register the pupil paid twice.
                let listed =
                    self.store.payments_from_a_list(std::slice::from_ref(&s)).ok().and_then(|mut l| l.remove(&s.id));
                let question = match listed {
                    Some(l) => {
                        let at = crate::store::instant::beijing_minutes(&l.listed_at);
                        fill(self.text.ask_listed_paid_to_government, &[&s.name, &self.payment_summary(&s), &at])
                    }
                    None => fill(self.text.ask_paid_to_government, &[&s.name, &self.payment_summary(&s)]),
                };
                self.ask(question, items, government, false);
            }
            PaymentStatus::Government => {
                let question = fill(self.text.ask_clear_government, &[&s.name]);
                let label = self.text.payment(PaymentStatus::Unpaid).to_owned();
                self.ask(question, same_for_all(&targets, vec![Change::Payment(Payment::Unpaid)]), label, false);
            }
        }
    }

    /// `f` on several pupils: asked, saying whom it leaves out. A family's payment already recorded is kept, as a
    /// class's `p` keeps it: one the tax office's list recorded stays paid there, and the department's payment
    /// over it would register the pupil paid twice. It is replaced only by `f` on the pupil's own row, asked.
    fn bulk_government(&mut self, mut targets: Vec<i64>, government: String) {
        let mut pupils = match self.store.students_by_ids(&targets) {
            Ok(p) => p,
            Err(e) => return self.fail(e.to_string()),
        };
        let selected = pupils.len();
        pupils.retain(|s| s.payment != PaymentStatus::Paid);
        let kept_paid = selected - pupils.len();
        if pupils.is_empty() {
            return self.say(fill(self.text.all_already_paid, &[&kept_paid]));
        }
        let unpaid: std::collections::HashSet<i64> = pupils.iter().map(|s| s.id).collect();
        targets.retain(|id| unpaid.contains(id));
        let (away, place) = self.leave_out_away(&mut pupils, None, Some(PaymentStatus::Government));
        let left: std::collections::HashSet<i64> = away.iter().map(|s| s.id).collect();
        targets.retain(|id| !left.contains(id));
        let left_away: Vec<String> = away.into_iter().map(|s| s.name).collect();
        if targets.is_empty() {
            let place = place.map(|p| self.away_words(p)).unwrap_or_default();
            return self.fail(fill(self.text.all_left_away, &[&left_away.len(), &place]));
        }
        // Those whose family pays a share (低保) are left out, as `f` on one of them refuses. Looked up in a set:
        // a whole drive's selection (40 000 pupils) searched a list once a pupil kept the question seconds away.
        let asked: std::collections::HashSet<i64> = targets.iter().copied().collect();
        let owing: Vec<(&Student, policy::FamilyShare)> = pupils
            .iter()
            .filter(|s| s.payment != PaymentStatus::Government && asked.contains(&s.id))
            .filter_map(|s| self.family_share(s).map(|share| (s, share)))
            .collect();
        let mut owing_text = String::new();
        if let Some((first, share)) = owing.first() {
            let owing_ids: std::collections::HashSet<i64> = owing.iter().map(|(s, _)| s.id).collect();
            if targets.iter().all(|id| owing_ids.contains(id)) {
                return self.say_family_share_refused(first, share);
            }
            targets.retain(|id| !owing_ids.contains(id));
            let names: Vec<&str> = owing.iter().map(|(s, _)| s.name.as_str()).collect();
            owing_text = fill(self.text.bulk_family_share_left, &[&names.len(), &names.join(self.text.list_comma)]);
        }
        let mut question = fill(self.text.ask_bulk_government, &[&targets.len()]);
        if kept_paid > 0 {
            question.push_str(&fill(self.text.bulk_keeps_payments, &[&kept_paid]));
        }
        let uncategorised = pupils.iter().filter(|s| s.categories.is_empty()).count();
        if uncategorised > 0 {
            question.push_str(&fill(self.text.bulk_no_category, &[&uncategorised]));
        }
        let year = self.store.shown_year();
        let carried_only =
            pupils.iter().filter(|s| !s.categories.is_empty() && s.certified_in(year).categories.is_empty()).count();
        if carried_only > 0 {
            question.push_str(&fill(self.text.bulk_recertify, &[&carried_only]));
        }
        let ruled_out = pupils
            .iter()
            .filter(|s| Standing::new(s.enrollment, PaymentStatus::Government).payment_contradicts_enrollment())
            .count();
        if ruled_out > 0 && ruled_out < targets.len() {
            question.push_str(&fill(self.text.bulk_asked_after, &[&ruled_out]));
        }
        // As `f` on one pupil says it, while the parents are at hand: marked 财政代缴, a pupil not of the city
        // counts insured and nobody pays. Only pupils with a category can be subsidised, so only theirs are quoted.
        let marked: std::collections::HashSet<i64> = targets.iter().copied().collect();
        let pending: Vec<String> = pupils
            .iter()
            .filter(|s| s.payment == PaymentStatus::Unpaid && !s.categories.is_empty() && marked.contains(&s.id))
            .filter(|s| self.hukou_pending_due(s).is_some())
            .map(|s| s.name.clone())
            .collect();
        if !pending.is_empty() {
            let named = self.named_few(&pending);
            question.push_str(&fill(self.text.bulk_government_hukou_pending, &[&pending.len(), &named]));
        }
        question.push_str(&owing_text);
        question.push_str(&self.left_away_text(&left_away, place));
        self.ask(question, same_for_all(&targets, vec![Change::Payment(Payment::Government)]), government, false);
    }

    /// The family's share of `s` where a department pays only part of the premium by the category (低保: 95 of
    /// 380, `policy::family_share`): `f` records no 财政代缴 for such a pupil, whose family's payment `p` records,
    /// the department's share going with it. By the categories certified for the year shown: one to certify again
    /// (待重新认定) subsidises nothing.
    fn family_share(&self, s: &Student) -> Option<policy::FamilyShare> {
        let certified = s.certified_in(self.store.shown_year());
        policy::family_share(self.policy.as_ref(), CategoryTable::builtin(), &certified, self.store.today())
    }

    /// What the family owes if the pupil is not of the city, where the ID's area code puts the 本市户籍 a subsidy
    /// needs in doubt (`pupil_flags::hukou_pending`, as `quote`, `check` and the ledgers say it), by the categories
    /// certified for the year shown.
    fn hukou_pending_due(&self, s: &Student) -> Option<i64> {
        let p = self.policy.as_ref()?;
        let (year, today) = (self.store.shown_year(), self.store.today());
        let certified = s.certified_in(year);
        let quote = due::quote_for(p, &certified, today, self.lang == super::Language::En, year).ok()?;
        let request = policy::pupil_request(&certified, today);
        crate::domain::pupil_flags::hukou_pending(p, CategoryTable::builtin(), &certified, &request, &quote)
            .map(|pending| pending.other_personal_fen)
    }

    /// The notice, categories and family's due of a pupil whose categories the drive's policy subsidises none of
    /// (`policy::unsubsidised`), by the categories certified for the year shown.
    fn unsubsidised(&self, s: &Student) -> Option<(String, Vec<String>, i64)> {
        let certified = s.certified_in(self.store.shown_year());
        policy::unsubsidised(self.policy.as_ref(), CategoryTable::builtin(), &certified, self.store.today())
    }

    /// Why `f` saves nothing for a pupil whose family owes a share, and what to record instead: in a dialog, as
    /// the status line would cut the way out (按 p 登记) off.
    fn say_family_share_refused(&mut self, s: &Student, share: &policy::FamilyShare) {
        let (department, family) = (money::plain(share.department_fen), money::plain(share.family_fen));
        let said =
            fill(self.text.government_family_share, &[&s.name, &share.category, &department, &family, &share.clause]);
        self.show(self.text.government_family_share_title, vec![said], true);
    }

    /// "380.00 元，2026-11-23，微信" for the clear-payment questions.
    fn payment_summary(&self, s: &Student) -> String {
        let p = &s.payment_details;
        let parts = [
            p.amount_fen.map(|f| fill(self.text.yuan_amount, &[&money::two_places(f)])),
            p.paid_on.map(|d| d.to_string()),
            p.channel.as_deref().and_then(PaymentChannel::from_text).map(|c| self.text.channel_name(&c).to_owned()),
        ];
        parts.into_iter().flatten().collect::<Vec<_>>().join(self.text.list_comma)
    }

    /// `c`: the category picker. One pupil: their set, ticked. Several: nothing ticked, and what is ticked is
    /// added to each pupil's own set (a bulk mark never takes one pupil's set for everyone).
    pub fn open_categories(&mut self) {
        let targets = self.targets();
        if targets.is_empty() {
            return self.say(self.text.no_pupil_to_mark);
        }
        let table = CategoryTable::builtin();
        let year = self.store.shown_year();
        let (checked, stale) = match self.single(&targets) {
            Some(s) => table
                .all()
                .iter()
                .map(|c| {
                    let held = s.categories.iter().find(|m| m.name == c.name);
                    (held.is_some(), held.filter(|m| !m.certified_for(year)).and_then(|m| m.year))
                })
                .unzip(),
            None if targets.len() == 1 => return,
            None => (vec![false; table.all().len()], vec![None; table.all().len()]),
        };
        self.modal = Some(Modal::Categories(CategoryPicker { targets, cursor: 0, checked, stale }));
    }

    pub fn choose_categories(&mut self, picker: &CategoryPicker) {
        let chosen: Vec<CategoryMark> = CategoryTable::builtin()
            .all()
            .iter()
            .zip(picker.checked.iter().zip(&picker.stale))
            .filter(|(_, (on, _))| **on)
            // A ticked category carried from an earlier year and not certified again keeps its year; the others
            // are certified for the year they are saved in.
            .map(|(c, (_, stale))| CategoryMark {
                name: c.name.clone(),
                department: c.department.clone(),
                year: *stale,
            })
            .collect();
        let label = self.text.categories_saved.to_owned();
        if picker.targets.len() == 1 {
            // Enter on the categories as they were: nothing to save, and the status line says so rather than 已保存.
            if let Some(pupil) = self.single(&picker.targets) {
                // A category certified for the year shown is one the chooser saves with no year of its own.
                let year = self.store.shown_year();
                let key = |m: &CategoryMark| {
                    let carried = m.year.filter(|_| !m.certified_for(year));
                    (m.name.clone(), m.department.clone(), carried)
                };
                let (mut held, mut now): (Vec<_>, Vec<_>) =
                    (pupil.categories.iter().map(key).collect(), chosen.iter().map(key).collect());
                held.sort();
                now.sort();
                if held == now {
                    return self.say(fill(self.text.categories_unchanged, &[&pupil.name]));
                }
            }
            let names: Vec<&str> = chosen.iter().map(|c| c.name.as_str()).collect();
            let what = self.saved_or_cleared(&label, &names.join(self.text.pick("、", ", ")));
            return self.write_one(same_for_all(&picker.targets, vec![Change::Categories(chosen)]), label, &what, None);
        }
        if chosen.is_empty() {
            return;
        }
        let pupils = match self.store.students_by_ids(&picker.targets) {
            Ok(p) => p,
            Err(e) => return self.fail(e.to_string()),
        };
        let items = pupils
            .into_iter()
            .map(|s| {
                let mut marks = s.categories;
                for c in &chosen {
                    match marks.iter_mut().find(|m| m.name == c.name) {
                        // Ticked for the pupil who has it: certified for the year, as a new one is.
                        Some(held) => held.year = None,
                        None => marks.push(c.clone()),
                    }
                }
                (s.id, vec![Change::Categories(marks)])
            })
            .collect();
        let names: Vec<&str> = chosen.iter().map(|c| c.name.as_str()).collect();
        let question =
            fill(self.text.ask_bulk_categories, &[&picker.targets.len(), &names.join(self.text.pick("、", ", "))]);
        self.ask(question, items, label, false);
    }

    pub fn open_note(&mut self) {
        let targets = self.targets();
        if targets.is_empty() {
            return;
        }
        let text = match self.single(&targets) {
            Some(s) => s.note,
            None if targets.len() == 1 => return,
            None => String::new(),
        };
        self.modal = Some(Modal::Note { input: LineInput::with_text(&text), targets, original: text });
    }

    pub fn set_note(&mut self, targets: &[i64], note: &str) {
        let label = self.text.note_saved.to_owned();
        let items = same_for_all(targets, vec![Change::Note(note.to_owned())]);
        if items.len() > 1 {
            let mut question = fill(self.text.ask_bulk_note, &[&targets.len(), &note]);
            // A note already there (低保, 明天补交) is the teacher's own record: said before it is lost.
            let replaced = targets
                .iter()
                .filter_map(|id| self.store.student(*id).ok())
                .filter(|s| !s.note.is_empty() && s.note != note)
                .count();
            if replaced > 0 {
                question.push_str(&fill(self.text.bulk_replaces_notes, &[&replaced]));
            }
            self.ask(question, items, label, false);
        } else {
            let what = self.saved_or_cleared(&label, note);
            self.write_one(items, label, &what, None);
        }
    }

    /// What a question about one pupil out of sight says is saved: "label: value", or, when nothing is left,
    /// that the field is cleared (an empty value read 「保存「人员类别：」」, which says nothing of what happens).
    fn saved_or_cleared(&self, label: &str, value: &str) -> Said {
        if value.is_empty() {
            Said::Cleared(label.to_owned())
        } else {
            Said::Saved(fill(self.text.label_value, &[&label, &value]))
        }
    }

    /// Writes a mark of one pupil at once, unless that pupil is selected and is not the one under the cursor
    /// (searched or filtered out after the Space, or on another row): then asked first, by name (`what`: what is
    /// saved), since a child other than the highlighted one is never changed without a word. `form`: the payment
    /// form No goes back to.
    fn write_one(
        &mut self,
        items: Vec<(i64, Vec<Change>)>,
        label: String,
        what: &Said,
        form: Option<Box<PaymentForm>>,
    ) {
        if let [(id, _)] = items[..]
            && (self.hidden_among(std::iter::once(id)) > 0 || self.cursor_elsewhere(&[id]).is_some())
        {
            let name = self.data.index_of(id).map(|i| self.data.name(i).to_owned()).unwrap_or_default();
            let question = match what {
                Said::Saved(what) => fill(self.text.ask_hidden_one, &[&name, what]),
                Said::Cleared(label) => fill(self.text.ask_hidden_clear, &[&name, label]),
            };
            return self
                .ask_pending(question, Pending { items, label, confirmed: false, if_no: None, form, note: None });
        }
        self.write_as(action_of(form.as_deref()), items, label, false, None);
    }

    /// Opens a yes/no question; nothing is written before Yes.
    fn ask(&mut self, question: String, items: Vec<(i64, Vec<Change>)>, label: String, confirmed: bool) {
        self.ask_pending(question, Pending { items, label, confirmed, if_no: None, form: None, note: None });
    }

    fn ask_pending(&mut self, question: String, pending: Pending) {
        let ids: Vec<i64> = pending.items.iter().map(|(id, _)| *id).collect();
        let question = self.with_hidden(question, &ids);
        self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Write(pending), yes: false }));
    }

    /// A question about `ids`, with how many of them the list no longer shows: a selection outlives a new search
    /// or filter, and a bulk mark must not change pupils the operator no longer sees without saying so.
    /// A drive of several schools may have a class of one name in each: a selection spanning schools says how
    /// many pupils of each it changes.
    fn with_hidden(&self, question: String, ids: &[i64]) -> String {
        let mut question = question;
        let schools = self.schools_among(ids);
        if schools.len() > 1 {
            let each: Vec<String> = schools.iter().map(|(name, n)| fill(self.text.marked_school, &[name, n])).collect();
            let line = fill(self.text.marked_schools, &[&ids.len(), &schools.len(), &each.join(self.text.list_comma)]);
            question = format!("{question}\n{line}");
        }
        // One pupil selected on another row than the cursor's: both by name, as the dialog's title has them.
        if let (Some(cursor), [id]) = (self.cursor_elsewhere(ids), ids) {
            let name = self.data.index_of(*id).map(|i| self.data.name(i).to_owned()).unwrap_or_default();
            return format!("{question}\n{}", fill(self.text.marked_off_cursor_one, &[&name, &cursor]));
        }
        // Several selected, the highlighted pupil not among them: who changes, by name, and that she does not.
        if let Some(cursor) = self.cursor_outside(ids) {
            question = format!("{question}\n{}", fill(self.text.marked_off_cursor, &[&self.few_names(ids), &cursor]));
        }
        match (self.hidden_among(ids.iter().copied()), ids) {
            (0, _) => question,
            // One pupil by name: the operator may not remember whom the stray Space selected.
            (1, [id]) => {
                let name = self.data.index_of(*id).map(|i| self.data.name(i).to_owned()).unwrap_or_default();
                format!("{question}\n{}", fill(self.text.marked_hidden_one, &[&name]))
            }
            (hidden, _) => format!("{question}\n{}", fill(self.text.marked_hidden, &[&hidden])),
        }
    }

    /// The schools of `ids` in roster order, each with how many of them it holds.
    fn schools_among(&self, ids: &[i64]) -> Vec<(String, usize)> {
        let mut counts = vec![0usize; self.data.schools.len()];
        for i in ids.iter().filter_map(|&id| self.data.index_of(id)) {
            let k = self.data.schools.partition_point(|(first, _)| *first as usize <= i);
            if let Some(n) = k.checked_sub(1).and_then(|k| counts.get_mut(k)) {
                *n += 1;
            }
        }
        self.data.schools.iter().zip(counts).filter(|(_, n)| *n > 0).map(|((_, name), n)| (name.clone(), n)).collect()
    }

    /// Yes in a confirmation.
    pub fn confirmed(&mut self, then: Then) {
        match then {
            Then::Write(pending) => {
                let action = action_of(pending.form.as_deref());
                self.write_as(action, pending.items, pending.label, pending.confirmed, pending.note)
            }
            Then::Start(work) => self.start(*work),
            Then::PayOverGovernment(targets) => self.open_payment_form(targets, false, None),
            Then::TopUp { id, recorded_fen, .. } => self.open_payment_form(vec![id], false, Some(recorded_fen)),
            Then::Undo => self.undo_now(),
            Then::Redo => self.redo_now(),
            Then::StartYear(year) => self.start_year(year, true),
            Then::StartYearEarly => self.ask_new_year_early(),
            Then::StartYearUnpromoted(year) => self.start_year(year, false),
            Then::Identity(form) => self.save_identity_confirmed(*form),
            Then::AddPupil(form) => self.add_pupil_confirmed(*form),
            Then::Payment(form) => {
                if let Some(modal) = self.apply_payment(*form) {
                    self.modal = Some(modal);
                }
            }
            Then::Policy { chosen, .. } => self.choose_policy(&chosen),
            Then::Merge { file, .. } => self.start(Work::Merge { file, dry_run: false, policy: self.policy.clone() }),
            Then::SampleImport(request) => self.start(Work::Apply { request: *request }),
            Then::LoadSample => self.load_sample(),
            Then::RevealAll => self.reveal_now(None),
            Then::MarkLeavers(ids) => self.mark_leavers(ids),
            Then::Reconcile { file, list, .. } => self.start_reconcile_keeping_unmatched(file, list.source, list.stamp),
            // Yes to the premium's question goes on to the payments it would move; yes to that one saves.
            Then::EditPolicy(mut form) if !form.premium_ok => {
                form.premium_ok = true;
                self.modal = self.save_edited_policy(*form, false);
            }
            Then::EditPolicy(form) => self.modal = self.save_edited_policy(*form, true),
            Then::NewPolicy(mut form) => {
                form.premium_ok = true;
                self.modal = self.write_new_policy(*form);
            }
            Then::StopJob => match self.held.take() {
                // It ended while the question was open.
                Some((kind, outcome)) => self.stop_ended(kind, *outcome),
                None => {
                    if self.jobs.stop() {
                        self.say(self.text.stopping);
                    }
                    self.back_to_job();
                }
            },
        }
    }

    /// Esc at a confirmation: as No, except that a question No leads on from (登记补缴？, whose No asks whether
    /// to clear the payment instead) closes with nothing changed; Esc never opens another question.
    pub fn dismissed(&mut self, then: Then) {
        match then {
            Then::TopUp { .. } => self.say(self.text.nothing_changed),
            Then::SampleImport(_) => self.say(self.text.import_cancelled),
            then => self.declined(then),
        }
    }

    /// No in a confirmation: nothing happens, but what was prepared for a yes is cleared away.
    pub fn declined(&mut self, then: Then) {
        match then {
            // A form written beside the folder and not moved in: its hidden folder goes, the files there stay.
            Then::Start(work) => match *work {
                super::jobs::Work::Place { staged } => {
                    staged.discard();
                    self.say(self.text.nothing_exported);
                }
                _ => self.say(self.text.nothing_changed),
            },
            Then::StopJob => self.back_to_job(),
            Then::SampleImport(request) => self.back_to_drive(&request),
            Then::LoadSample => self.modal = Some(Modal::Welcome),
            Then::MarkLeavers(_) => self.say(self.text.leavers_not_marked),
            Then::RevealAll => self.say(self.text.reveal_declined),
            // No to a top-up: whether to clear the payment instead, No by default.
            Then::TopUp { clear, .. } => self.modal = Some(Modal::Confirm(*clear)),
            Then::EditPolicy(form) => {
                self.modal = Some(Modal::EditPolicy(*form));
                self.say(self.text.policy_not_saved);
            }
            Then::NewPolicy(form) => {
                self.modal = Some(Modal::NewPolicy(*form));
                self.say(self.text.policy_not_written);
            }
            Then::Policy { cursor, list, .. } => {
                self.modal = Some(Modal::Policies { cursor, list });
                self.say(self.text.policy_not_changed);
            }
            // Back to the preview, to be read again or closed.
            Then::Merge { file, lines, offset, ask } => {
                self.modal = Some(Modal::MergePreview { file, lines, offset, ask: Some(ask) });
                self.say(self.text.nothing_changed);
            }
            Then::Reconcile { file, lines, offset, ask, list } => {
                self.modal = Some(Modal::reconcile_preview(file, lines, offset, Some(ask), list));
                self.say(self.text.nothing_changed);
            }
            // No to a new class: back to the class as typed, asked again on the next Enter.
            Then::AddPupil(mut form) => {
                form.new_class_ok = false;
                form.focus = crate::tui::modal::AddPupilField::Class;
                self.modal = Some(Modal::AddPupil(*form));
            }
            Then::Identity(mut form) => {
                use crate::tui::identity::IdentityField;
                // No goes back to the field asked about, to be typed again, and asks again on the next Enter.
                form.focus = match form.asking.take() {
                    Some(IdentityField::IdNumber) => {
                        form.invalid_number_ok = false;
                        IdentityField::IdNumber
                    }
                    _ => {
                        form.new_class_ok = false;
                        IdentityField::Class
                    }
                };
                self.modal = Some(Modal::Identity(*form));
            }
            Then::Write(Pending { form: Some(mut form), .. }) | Then::Payment(mut form) => {
                form.focus = PaymentField::Amount;
                form.away_ok = false;
                form.no_cover_ok = false;
                self.modal = Some(Modal::Payment(*form));
            }
            Then::Write(Pending { if_no: Some(message), .. }) => self.say(message),
            Then::Write(_)
            | Then::PayOverGovernment(_)
            | Then::Undo
            | Then::Redo
            | Then::StartYearUnpromoted(_)
            | Then::StartYearEarly => self.say(self.text.nothing_changed),
            // This year's imports moved pupils up already: No to a second grade asks whether to start without one.
            Then::StartYear(year) => self.ask_year_unpromoted(year),
        }
    }

    /// The progress dialog again, while the job still runs.
    fn back_to_job(&mut self) {
        if let Some((kind, _)) = self.jobs.running() {
            self.modal = Some(Modal::Working(kind));
        }
    }

    /// Writes the changes in one transaction (all or none), keeping what they replace for undo. Pupils the
    /// store refuses (a payment for a pupil marked 异地参保, 不参保 or 已离校) are asked about afterwards; those it
    /// keeps for a payment recorded (不参保 over it) are said, since only clearing the payment lets them through.
    /// Many pupils on a drive file are written on the worker (see `ON_WORKER_FROM`); `written` follows there.
    fn write(&mut self, items: Vec<(i64, Vec<Change>)>, label: String, confirmed: bool) {
        self.write_as("mark", items, label, confirmed, None);
    }

    /// [`App::write`] under the history's `action`: `mark`, or a top-up's (`TOP_UP`), which is one pupil's.
    /// `note`: what the status line adds once written (`Pending::note`).
    fn write_as(
        &mut self,
        action: &str,
        items: Vec<(i64, Vec<Change>)>,
        label: String,
        confirmed: bool,
        note: Option<String>,
    ) {
        if items.is_empty() {
            return;
        }
        if items.len() >= ON_WORKER_FROM && self.store.reopener().is_some() {
            self.start(Work::Mark { action: action.to_owned(), items, label, confirmed, note });
            return;
        }
        // A top-up adds to a payment recorded already, beside whatever enrollment it stands with (a part-payer who
        // paid before she left stays 已离校): it never makes the pupil 在校参保.
        let top_up = action == crate::store::TOP_UP;
        let options =
            ChangeOptions { confirmed: confirmed && !top_up, payment_stands: top_up, ..ChangeOptions::default() };
        let outcomes = self.store.apply_changes(action, &items, options).map_err(|e| e.to_string());
        self.written(items, (label, note), outcomes, None);
    }

    /// The possible leavers the dialog listed, marked 已离校 as `year leavers --mark` marks them: each looked at
    /// again in the write's transaction (`Store::mark_possible_leavers`), since the list was read when the
    /// dialog opened and another window may have marked one of them since. Many go on the worker, as any mark.
    fn mark_leavers(&mut self, ids: Vec<i64>) {
        let (items, label) = (crate::store::leaver_changes(&ids), self.text.leavers_label.to_owned());
        if items.is_empty() {
            return;
        }
        if items.len() >= ON_WORKER_FROM && self.store.reopener().is_some() {
            let action = crate::store::LEAVERS.to_owned();
            return self.start(Work::Mark { action, items, label, confirmed: false, note: None });
        }
        match self.store.mark_possible_leavers(&ids) {
            Ok(marked) => self.written_checked(items, (label, None), Ok(marked.outcomes), &marked.left_out, None),
            Err(e) => self.written(items, (label, None), Err(e.to_string()), None),
        }
    }

    /// [`App::written`], the pupils the write looked at again and left out (`left_out`) first taken out of
    /// `items` and said after what was saved: how many, and why.
    pub fn written_checked(
        &mut self,
        items: Vec<(i64, Vec<Change>)>,
        (label, note): (String, Option<String>),
        outcomes: Result<Vec<Outcome>, String>,
        left_out: &[(i64, crate::store::NoLongerLeaver)],
        data: Option<RosterData>,
    ) {
        if left_out.is_empty() || outcomes.is_err() {
            return self.written(items, (label, note), outcomes, data);
        }
        let out: Vec<i64> = left_out.iter().map(|(id, _)| *id).collect();
        let items: Vec<_> = items.into_iter().filter(|(id, _)| !out.contains(id)).collect();
        let said = self.left_out_words(left_out);
        if items.is_empty() {
            self.fail(fill(self.text.leavers_none_left, &[&said]));
            return self.show_changed(&out, false, data);
        }
        let note = format!("{}{}", note.unwrap_or_default(), fill(self.text.leavers_some_left, &[&said]));
        self.written(items, (label, Some(note)), outcomes, data);
        // Their rows as another window left them, which this one may not have followed yet.
        self.refresh(&out, false);
    }

    /// How many possible leavers were left out of the mark, by why: 「2 人已登记参保或缴费、1 人已在本年度名单中」.
    fn left_out_words(&self, left_out: &[(i64, crate::store::NoLongerLeaver)]) -> String {
        use crate::store::NoLongerLeaver;
        let t = self.text;
        [
            (NoLongerLeaver::Marked, t.leaver_now_marked),
            (NoLongerLeaver::Listed, t.leaver_now_listed),
            (NoLongerLeaver::Gone, t.leaver_gone),
        ]
        .into_iter()
        .filter_map(|(why, words)| {
            let n = left_out.iter().filter(|(_, w)| *w == why).count();
            (n > 0).then(|| fill(words, &[&n]))
        })
        .collect::<Vec<_>>()
        .join(t.list_separator())
    }

    /// What a mark wrote: kept for undo, said (with `note`, `Pending::note`), and shown (`data`: the roster as the
    /// worker read it after a mark of many pupils; else the pupils marked are read again here).
    pub fn written(
        &mut self,
        items: Vec<(i64, Vec<Change>)>,
        (label, note): (String, Option<String>),
        outcomes: Result<Vec<Outcome>, String>,
        data: Option<RosterData>,
    ) {
        let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
        match outcomes {
            Ok(outcomes) => {
                let mut pupils = Vec::new();
                let mut refused = Vec::new();
                let mut kept_for_payment = Vec::new();
                // Those a mark of 已缴费 recorded 财政代缴 (a department pays it all): counted apart once saved.
                let mut government = Vec::new();
                for outcome in outcomes {
                    match outcome.refused {
                        Some(Refusal::EnrollmentAgainstPayment { enrollment, payment }) => {
                            kept_for_payment.push((outcome.id, enrollment, payment));
                            continue;
                        }
                        Some(refusal) => {
                            refused.push((outcome.id, refusal));
                            continue;
                        }
                        None => {}
                    }
                    if outcome.diffs.is_empty() {
                        continue;
                    }
                    let government_code = PaymentStatus::Government.code();
                    if outcome
                        .diffs
                        .iter()
                        .any(|d| d.field == crate::store::Field::Payment && d.new.as_deref() == Some(government_code))
                    {
                        government.push(outcome.id);
                    }
                    let before = outcome.diffs.iter().map(|d| FieldChange::new_owned(d.field, d.old.clone())).collect();
                    let after = outcome.diffs.into_iter().map(|d| FieldChange::new_owned(d.field, d.new)).collect();
                    pupils.push(PupilEdit { id: outcome.id, before, after });
                }
                let written = ids.len() - refused.len() - kept_for_payment.len();
                // Pupils who held the value already are saved unchanged: counted apart, as undo counts only the
                // changed ones.
                let changed = pupils.len();
                let unchanged = written - changed;
                self.undo.push(Edit::fields(pupils));
                // One pupil by name, so the status line says which child the mark went to.
                let one = match (written, &ids[..]) {
                    (1, [id]) => self.data.index_of(*id).map(|i| self.data.name(i).to_owned()),
                    _ => None,
                };
                let saved = (written > 0).then(|| match &one {
                    Some(name) => fill(self.text.saved_one, &[name, &label]),
                    None if changed == 0 => fill(self.text.saved_none_changed, &[&self.pupils(unchanged), &label]),
                    // A class's payment with pupils a department pays for: the families who paid and those pupils
                    // counted apart, as the question counted them; one sum read as the families who paid.
                    None if label == self.text.payment(PaymentStatus::Paid)
                        && !government.is_empty()
                        && government.len() < changed =>
                    {
                        let names: Vec<&str> = government
                            .iter()
                            .filter_map(|id| self.data.index_of(*id).map(|i| self.data.name(i)))
                            .collect();
                        let said = fill(
                            self.text.saved_paid_and_government,
                            &[
                                &label,
                                &self.pupils(changed - government.len()),
                                &self.text.payment(PaymentStatus::Government),
                                &self.pupils(government.len()),
                                &names.join(self.text.pick("、", ", ")),
                            ],
                        );
                        let suffix =
                            if unchanged > 0 { fill(self.text.saved_unchanged, &[&unchanged]) } else { String::new() };
                        format!("{said}{suffix}")
                    }
                    None if unchanged > 0 => {
                        let suffix = fill(self.text.saved_unchanged, &[&unchanged]);
                        format!("{}{suffix}", fill(self.text.saved, &[&label, &self.pupils(changed)]))
                    }
                    None => fill(self.text.saved, &[&label, &self.pupils(changed)]),
                });
                if let Some(saved) = &saved {
                    let note = note.unwrap_or_default();
                    self.say(format!("{saved}{}{note}", self.recorded_for_old_year(&items)));
                }
                if !kept_for_payment.is_empty() {
                    self.say_kept_for_payment(&kept_for_payment, written);
                }
                self.show_changed(&ids, true, data);
                if !refused.is_empty() {
                    self.ask_refused(&items, refused, label, saved);
                }
            }
            Err(e) => {
                self.fail(e);
                self.show_changed(&ids, false, data);
            }
        }
    }

    /// The next insured year's concentrated period, while the drive is still in the year before.
    fn next_collection(&self) -> Option<crate::io::year_policy::NextCollection> {
        let set = crate::domain::policy::PolicySet::load(self.config_dir.as_deref());
        crate::io::year_policy::NextCollection::of_drive(&self.store, &set, self.config_dir.as_deref())
    }

    /// For the status line after a family's payment dated in the next year's concentrated period: the year it
    /// went to. Empty for any other change.
    fn recorded_for_old_year(&self, items: &[(i64, Vec<Change>)]) -> String {
        let days: Vec<NaiveDate> = items
            .iter()
            .flat_map(|(_, changes)| changes)
            .filter_map(|c| match c {
                Change::Payment(Payment::Paid { paid_on: Some(day), .. }) => Some(*day),
                _ => None,
            })
            .collect();
        if days.is_empty() {
            return String::new();
        }
        match self.next_collection() {
            Some(next) if days.iter().any(|d| next.covers(*d)) => {
                fill(self.text.saved_for_old_year, &[&next.recorded, &next.year])
            }
            _ => String::new(),
        }
    }

    /// Pupils not marked 不参保 or 异地参保 because a payment is recorded for them: the one pupil by name, with the
    /// key that clears the payment; several by number, after what was saved.
    fn say_kept_for_payment(&mut self, kept: &[(i64, Enrollment, PaymentStatus)], written: usize) {
        let t = self.text;
        let (id, enrollment, payment) = kept[0];
        let status = t.enrollment(enrollment);
        let message = match self.data.index_of(id) {
            Some(i) if kept.len() == 1 && written == 0 => {
                let action = if payment == PaymentStatus::Government { "toggle_government" } else { "toggle_paid" };
                let key = self.keymap.keys_for(Context::Roster, action).first().map(|k| k.to_string());
                let name = self.data.name(i);
                fill(t.enrollment_against_payment, &[&name, &t.payment(payment), &status, &key.unwrap_or_default()])
            }
            _ => match self.status.take() {
                Some(saved) if written > 0 => {
                    format!("{}{}", saved.text, fill(t.bulk_kept_for_payment, &[&kept.len(), &status]))
                }
                _ => fill(t.all_kept_for_payment, &[&kept.len(), &status]),
            },
        };
        self.fail(message);
    }

    /// Asks whether pupils refused for a payment against their enrollment should be enrolled here and paid.
    /// `saved` is what the status line said of the others, written already: No then says it again with who was
    /// left, since 「未作修改」 would hide a payment saved.
    fn ask_refused(
        &mut self,
        items: &[(i64, Vec<Change>)],
        refused: Vec<(i64, Refusal)>,
        label: String,
        saved: Option<String>,
    ) {
        let again: Vec<(i64, Vec<Change>)> =
            items.iter().filter(|(id, _)| refused.iter().any(|(r, _)| r == id)).cloned().collect();
        let one = match (&refused[..], self.data.index_of(refused[0].0)) {
            ([(_, refusal)], Some(i)) => Some((self.data.name(i).to_owned(), refusal)),
            _ => None,
        };
        let question = match &one {
            Some((name, Refusal::PaymentAgainstEnrollment { enrollment, payment })) => fill(
                self.text.ask_payment_against,
                &[name, &self.text.enrollment(*enrollment), &self.text.payment(*payment)],
            ),
            _ => fill(self.text.ask_payments_against, &[&refused.len()]),
        };
        let if_no = saved.map(|saved| match &one {
            Some((name, _)) => format!("{saved}{}", fill(self.text.left_unchanged_one, &[name])),
            None => format!("{saved}{}", fill(self.text.left_unchanged_some, &[&refused.len()])),
        });
        self.ask_pending(question, Pending { items: again, label, confirmed: true, if_no, form: None, note: None });
    }

    /// `u`: an edit of one pupil is undone at once; of several, asked first, as the mark was. On the detail
    /// screen, where every key acts on the pupil shown, the newest edit of that pupil, never another child's.
    pub fn undo(&mut self) {
        if self.screen == Screen::Detail
            && let Some(detail) = &self.detail
        {
            let (id, name) = (detail.student.id, detail.student.name.clone());
            match self.undo.last_of(id) {
                // Other pupils' changes can be undone on the list; with none, the list's `u` has nothing either,
                // and the message says why (undo lasts this session, up to the last import …).
                None if self.undo.next_sizes().0.is_some() => {
                    let key = self.keymap.keys_for(Context::Roster, "undo").first().map(|k| k.to_string());
                    self.say(fill(self.text.nothing_to_undo_for, &[&name, &key.unwrap_or_default()]))
                }
                None if self.undo.policy_was_edited() => self.say(self.text.nothing_to_undo_since_policy),
                None if self.undo.was_forgotten() => self.say(fill(self.text.nothing_to_undo_for_since_work, &[&name])),
                None => self.say(fill(self.text.nothing_to_undo_for_session, &[&name])),
                Some((later, 1)) => {
                    let edit = self.undo.take_undo_below(later);
                    self.undo_edit(edit);
                }
                // A change to several pupils is undone whole, and only as the newest: asked as on the roster.
                Some((0, n)) => {
                    let question = fill(self.text.ask_undo, &[&n]);
                    self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Undo, yes: false }));
                }
                Some((_, n)) => self.fail(fill(self.text.undo_bulk_not_last, &[&name, &n])),
            }
            return;
        }
        if let (Some(n), _) = self.undo.next_sizes()
            && n > 1
        {
            let question = fill(self.text.ask_undo, &[&n]);
            self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Undo, yes: false }));
            return;
        }
        self.undo_now();
    }

    /// `Ctrl-r`, asked the same way.
    pub fn redo(&mut self) {
        if let (_, Some(n)) = self.undo.next_sizes()
            && n > 1
        {
            let question = fill(self.text.ask_redo, &[&n]);
            self.modal = Some(Modal::Confirm(Confirm { question, then: Then::Redo, yes: false }));
            return;
        }
        self.redo_now();
    }

    fn undo_now(&mut self) {
        let edit = self.undo.take_undo();
        self.undo_edit(edit);
    }

    fn undo_edit(&mut self, edit: Option<super::undo::Edit>) {
        let Some(edit) = edit else {
            let why = if self.undo.policy_was_edited() {
                self.text.nothing_to_undo_since_policy
            } else if self.undo.was_forgotten() {
                self.text.nothing_to_undo_since_work
            } else {
                self.text.nothing_to_undo
            };
            self.say(why);
            return;
        };
        self.rewrite(edit, true);
    }

    fn redo_now(&mut self) {
        let Some(edit) = self.undo.take_redo() else {
            self.say(self.text.nothing_to_redo);
            return;
        };
        self.rewrite(edit, false);
    }

    /// Whom an edit changed, for the status line: the pupil's name, or how many.
    fn edit_names(&self, edit: &Edit) -> String {
        let id = edit.identity.as_ref().map(|i| i.id).or_else(|| edit.pupils.first().map(|p| p.id));
        match (edit.len(), id.and_then(|id| self.data.index_of(id))) {
            (1, Some(i)) => self.data.name(i).to_owned(),
            (n, _) => self.pupils(n),
        }
    }

    /// What an undo (`backwards`) or redo of one pupil wrote, for the status line: each field the operator marks,
    /// with the value it has now (「缴费改回未缴费」), so a `u` pressed by mistake is seen for what it undid. The
    /// fields that go with a mark (the amount, date and channel of a payment, the year of the categories) are the
    /// history's.
    fn edit_fields(&self, edit: &Edit, backwards: bool) -> Option<String> {
        use crate::store::Field;
        let [pupil] = edit.pupils.as_slice() else { return None };
        let values = if backwards { &pupil.before } else { &pupil.after };
        let payment = values.iter().any(|c| c.field == Field::Payment);
        let template = if backwards { self.text.undone_field } else { self.text.redone_field };
        let parts: Vec<String> = values
            .iter()
            .filter(|c| match c.field {
                Field::CategoriesYear | Field::PaidOn | Field::PaidChannel => false,
                Field::PaidAmount => !payment,
                _ => true,
            })
            .map(|c| {
                let key = c.field.key();
                let value = match c.value.as_deref().unwrap_or("") {
                    "" => self.text.none.to_owned(),
                    v => super::views::value_label(self.text, key, v, 20),
                };
                fill(template, &[&self.text.field(key), &value])
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join(self.text.pick("，", ", ")))
    }

    /// The key that reverses an undo (`backwards`: redo) or a redo (undo), for the status line.
    fn reverse_key(&self, backwards: bool) -> String {
        let name = if backwards { "redo" } else { "undo" };
        let key = self.keymap.keys_for(self.screen_context(), name).first().map(ToString::to_string);
        match key {
            Some(key) => fill(if backwards { self.text.undone_redo_with } else { self.text.redone_undo_with }, &[&key]),
            None => String::new(),
        }
    }

    /// Writes an edit's old values back (undo, `backwards`) or its new ones again (redo), in one transaction: the
    /// fields as they were, not a new mark, so no rule reads them again. Many pupils on a drive file are written
    /// on the worker; `rewritten` follows there.
    fn rewrite(&mut self, edit: Edit, backwards: bool) {
        let action = if backwards { "undo" } else { "redo" };
        if let Some(identity) = &edit.identity {
            let to = if backwards { &identity.before } else { &identity.after };
            let result = self.store.restore_identity(identity.id, to, action).map(|_| ()).map_err(|e| e.to_string());
            self.reload_roster();
            return self.rewritten(edit, backwards, result.err().map(Some), None);
        }
        if edit.len() >= ON_WORKER_FROM && self.store.reopener().is_some() {
            return self.start(Work::Rewrite { edit: Box::new(edit), backwards });
        }
        let result = self.store.change_batch(action, &edit.field_values(backwards), false).map(|_| ());
        self.rewritten(edit, backwards, result.err().map(|e| Some(e.to_string())), None);
    }

    /// An edit undone or redone (`failed`: nothing was written, and why; `None` in it when the operator stopped
    /// it). `data`: the roster as the worker read it after an edit of many pupils.
    pub fn rewritten(&mut self, edit: Edit, backwards: bool, failed: Option<Option<String>>, data: Option<RosterData>) {
        let who = self.edit_names(&edit);
        let what = match self.edit_fields(&edit, backwards) {
            Some(fields) => format!("{who}{}{fields}", self.text.pick("：", ": ")),
            None => who.clone(),
        };
        if edit.identity.is_none() {
            // A school renamed back moves its pupils' run in the roster (sorted by school) and the school list:
            // the roster is read again, as after the rename.
            let school = edit.pupils.iter().any(|p| p.before.iter().any(|c| c.field == crate::store::Field::School));
            match data {
                Some(data) => self.show_changed(&[], false, Some(data)),
                None if school => self.reload_roster(),
                None => {
                    let ids: Vec<i64> = edit.pupils.iter().map(|p| p.id).collect();
                    self.refresh(&ids, false);
                }
            }
        }
        match failed {
            None if backwards => {
                // The highlight stays on the row it was on: the child at the counter is still the one served, and
                // the next Enter or mark is for them, not for the pupil undone, whom the status line names (and
                // says when the search or filters hide them).
                let ids: Vec<i64> = match &edit.identity {
                    Some(identity) => vec![identity.id],
                    None => edit.pupils.iter().map(|p| p.id).collect(),
                };
                let mut text = fill(self.text.undone, &[&what]);
                if !self.roster.shows_any_of(&self.data, &ids) {
                    text.push_str(&fill(self.text.undone_not_shown, &[&who]));
                }
                text.push_str(&self.reverse_key(true));
                self.say(text);
                self.undo.undone(edit);
            }
            None => {
                let text = format!("{}{}", fill(self.text.redone, &[&what]), self.reverse_key(false));
                self.say(text);
                self.undo.redone(edit);
            }
            Some(why) => {
                self.undo.not_rewritten(edit, backwards);
                let kind = if backwards { JobKind::Undoing } else { JobKind::Redoing };
                match why {
                    Some(e) => self.fail(e),
                    None => self.say(fill(self.text.job_stopped, &[&self.text.job(kind)])),
                }
            }
        }
    }

    /// Shows what a mark, undo or redo changed: the roster the worker read after it (search, filters, marks and
    /// the selected pupil kept), else the changed pupils read back here (see `refresh`).
    fn show_changed(&mut self, ids: &[i64], hold: bool, data: Option<RosterData>) {
        match data {
            Some(data) => {
                self.replace_data(data);
                self.reload_detail();
            }
            None => self.refresh(ids, hold),
        }
    }

    /// Reads changed pupils back into the roster, the detail screen and the dashboard. `hold`: a mark of the
    /// pupil under the cursor keeps them there (see below); an undo puts the highlight where it says itself.
    fn refresh(&mut self, ids: &[i64], hold: bool) {
        for &id in ids {
            if let Ok(s) = self.store.student(id) {
                let part_paid = self.is_part_paid(&s);
                self.data.refresh(&s, part_paid);
            }
        }
        // A pupil that no longer passes the filters leaves the list: working through "unpaid" shrinks it. Not
        // under the detail screen, which would jump to the next pupil; leaving it refilters.
        // On the roster the one pupil under the cursor stays there even when the mark takes them out of the list,
        // until the operator moves: the next one-key mark at the counter is for the same child.
        if self.screen != Screen::Detail {
            let page = self.page();
            let one = hold && matches!(ids, [id] if Some(*id) == self.selected_id());
            if one && self.roster.refilter_holding(&self.data, page) {
                let text = self.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
                let error = self.status.as_ref().is_some_and(|s| s.error);
                let text = format!("{text}{}", self.text.held_out_of_filter);
                if error { self.fail(text) } else { self.say(text) }
            } else {
                self.refilter();
            }
        }
        self.reload_detail();
        self.recount();
    }
}

/// The history's action of what a payment form (or a question it led to) writes: a top-up's own (补缴), else a mark.
fn action_of(form: Option<&PaymentForm>) -> &'static str {
    if form.is_some_and(|f| f.top_up.is_some()) { crate::store::TOP_UP } else { "mark" }
}

fn same_for_all(targets: &[i64], changes: Vec<Change>) -> Vec<(i64, Vec<Change>)> {
    targets.iter().map(|&id| (id, changes.clone())).collect()
}

/// The day a payment form's date field holds, as Enter saves it: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日
/// (the forms the importer and the tax reconciliation read), full-width digits too; `None` for an unfinished
/// date or one that is no day (2026-02-30).
pub fn form_date(typed: &str) -> Option<NaiveDate> {
    crate::io::reconcile::parse_date(&crate::io::table::Cell::Text(crate::domain::narrow(typed.trim())))
}
