//! Marking pupils (enrollment, payment, categories, note), one or many at once, and undoing it. Every write
//! keeps the fields' old values first, so undo is one more audited change.

use chrono::NaiveDate;

use super::app::{App, Screen};
use super::due;
use super::input::LineInput;
use super::modal::{CHANNELS, CategoryPicker, Modal, PaymentForm};
use super::text::fill;
use super::undo::{Edit, PupilEdit};
use crate::domain::category::CategoryTable;
use crate::domain::policy::yuan_string;
use crate::domain::student::{CategoryMark, Enrollment, PaymentStatus, Student, parse_yuan};
use crate::store::{Field, FieldChange};

impl App {
    /// Whom a mark applies to: the detail screen's pupil; else the marked pupils in roster order; else the
    /// selected one.
    pub fn targets(&self) -> Vec<i64> {
        if self.screen != Screen::Detail && !self.marked.is_empty() {
            let mut rows: Vec<usize> = self.marked.iter().filter_map(|&id| self.data.index_of(id)).collect();
            rows.sort_unstable();
            return rows.into_iter().map(|i| self.data.rows[i].id).collect();
        }
        self.selected_id().into_iter().collect()
    }

    /// The first target as stored, which decides where a toggle goes from.
    fn first_target(&mut self) -> Option<(Vec<i64>, Student)> {
        let targets = self.targets();
        let first = *targets.first()?;
        match self.store.student(first) {
            Ok(s) => Some((targets, s)),
            Err(e) => {
                self.fail(e.to_string());
                None
            }
        }
    }

    pub fn cycle_enrollment(&mut self) {
        let Some((targets, first)) = self.first_target() else { return };
        let next = first.enrollment.next();
        if next == Enrollment::Declined {
            let input = LineInput::with_text(first.decline_reason.as_deref().unwrap_or(""));
            self.modal = Some(Modal::Decline { input, targets });
        } else {
            self.set_enrollment(&targets, next, None);
        }
    }

    pub fn set_enrollment(&mut self, targets: &[i64], status: Enrollment, reason: Option<String>) {
        let reason = reason.filter(|_| status == Enrollment::Declined);
        let changes = vec![
            FieldChange::new(Field::Enrollment, Some(status.code())),
            FieldChange::new_owned(Field::DeclineReason, reason),
        ];
        let label = self.text.enrollment(status);
        self.write(targets.iter().map(|&id| (id, changes.clone())).collect(), label);
    }

    pub fn toggle_paid(&mut self) {
        let Some((targets, first)) = self.first_target() else { return };
        if first.payment == PaymentStatus::Paid {
            self.set_payment_status(&targets, PaymentStatus::Unpaid);
            return;
        }
        let today = self.store.today();
        let mut quoted = Vec::with_capacity(targets.len());
        let mut note = None;
        for (i, &id) in targets.iter().enumerate() {
            let student = if i == 0 { Ok(first.clone()) } else { self.store.student(id) };
            let quote = match (&self.policy, student) {
                (Some(policy), Ok(s)) => Some(due::quote_for(policy, &s, today, self.lang == super::Language::En)),
                _ => None,
            };
            if i == 0 {
                note = Some(match &quote {
                    Some(Ok(q)) => self.text.pick(&q.rule_zh, &q.rule_en).to_owned(),
                    Some(Err(e)) => e.clone(),
                    None => self.text.no_policy.to_owned(),
                });
            }
            quoted.push(quote.and_then(Result::ok).map(|q| q.personal_due_fen));
        }
        let amount = quoted.first().copied().flatten().map(yuan_string).unwrap_or_default();
        self.modal = Some(Modal::Payment(PaymentForm {
            targets,
            amount: LineInput::with_text(&amount),
            amount_edited: false,
            quoted,
            date: LineInput::with_text(&today.format("%Y-%m-%d").to_string()),
            channel: 0,
            focus: 0,
            note,
            error: None,
        }));
    }

    /// Enter in the payment form: checks the fields and writes; a bad field keeps the form open.
    pub fn apply_payment(&mut self, mut form: PaymentForm) -> Option<Modal> {
        let typed = form.amount.text().trim();
        let typed_fen = if typed.is_empty() { None } else { parse_yuan(typed) };
        if !typed.is_empty() && typed_fen.is_none() {
            form.error = Some(self.text.bad_amount.to_owned());
            form.focus = 0;
            return Some(Modal::Payment(form));
        }
        let Ok(date) = NaiveDate::parse_from_str(form.date.text().trim(), "%Y-%m-%d") else {
            form.error = Some(self.text.bad_date.to_owned());
            form.focus = 1;
            return Some(Modal::Payment(form));
        };
        let channel = CHANNELS[form.channel.min(CHANNELS.len() - 1)];
        let writes = form
            .targets
            .iter()
            .enumerate()
            .map(|(i, &id)| {
                // Untouched, the amount is each pupil's own quote: pupils in a subsidised category pay less.
                let fen =
                    if form.amount_edited { typed_fen } else { form.quoted.get(i).copied().flatten().or(typed_fen) };
                let changes = vec![
                    FieldChange::new(Field::Payment, Some(PaymentStatus::Paid.code())),
                    FieldChange::new_owned(Field::PaidAmount, fen.map(|f| f.to_string())),
                    FieldChange::new_owned(Field::PaidOn, Some(date.to_string())),
                    FieldChange::new(Field::PaidChannel, Some(channel)),
                ];
                (id, changes)
            })
            .collect();
        self.write(writes, self.text.payment(PaymentStatus::Paid));
        None
    }

    pub fn toggle_government(&mut self) {
        let Some((targets, first)) = self.first_target() else { return };
        let next =
            if first.payment == PaymentStatus::Government { PaymentStatus::Unpaid } else { PaymentStatus::Government };
        self.set_payment_status(&targets, next);
    }

    /// Unpaid or government-paid: no amount, date or channel of a family's payment is kept.
    fn set_payment_status(&mut self, targets: &[i64], status: PaymentStatus) {
        let changes = vec![
            FieldChange::new(Field::Payment, Some(status.code())),
            FieldChange::new(Field::PaidAmount, None),
            FieldChange::new(Field::PaidOn, None),
            FieldChange::new(Field::PaidChannel, None),
        ];
        self.write(targets.iter().map(|&id| (id, changes.clone())).collect(), self.text.payment(status));
    }

    pub fn open_categories(&mut self) {
        let Some((targets, first)) = self.first_target() else { return };
        let checked =
            CategoryTable::builtin().all().iter().map(|c| first.categories.iter().any(|m| m.name == c.name)).collect();
        self.modal = Some(Modal::Categories(CategoryPicker { targets, cursor: 0, checked }));
    }

    pub fn set_categories(&mut self, targets: &[i64], marks: &[CategoryMark]) {
        let change = FieldChange::categories(marks);
        self.write(targets.iter().map(|&id| (id, vec![change.clone()])).collect(), self.text.categories_saved);
    }

    pub fn open_note(&mut self) {
        let Some((targets, first)) = self.first_target() else { return };
        self.modal = Some(Modal::Note { input: LineInput::with_text(&first.note), targets });
    }

    pub fn set_note(&mut self, targets: &[i64], note: &str) {
        let change = FieldChange::new(Field::Note, Some(note));
        self.write(targets.iter().map(|&id| (id, vec![change.clone()])).collect(), self.text.note_saved);
    }

    /// Writes each pupil's changes in one transaction (all or none), keeping what they replace for undo.
    fn write(&mut self, writes: Vec<(i64, Vec<FieldChange>)>, label: &str) {
        if writes.is_empty() {
            return;
        }
        let mut pupils = Vec::with_capacity(writes.len());
        let result = (|| -> crate::store::Result<()> {
            let mut befores = Vec::with_capacity(writes.len());
            for (id, changes) in &writes {
                let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
                befores.push(self.store.field_values(*id, &fields)?);
            }
            self.store.change_batch("mark", &writes, false)?;
            for ((id, changes), before) in writes.iter().zip(befores) {
                let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
                let after = self.store.field_values(*id, &fields)?;
                if after != before {
                    pupils.push(PupilEdit { id: *id, before, after });
                }
            }
            Ok(())
        })();
        let ids: Vec<i64> = writes.iter().map(|(id, _)| *id).collect();
        match result {
            Ok(()) => {
                let n = ids.len();
                self.undo.push(Edit { pupils });
                self.say(fill(self.text.saved, &[&label, &self.pupils(n)]));
            }
            Err(e) => self.fail(e.to_string()),
        }
        self.refresh(&ids);
    }

    pub fn undo(&mut self) {
        let Some(edit) = self.undo.take_undo() else {
            self.say(self.text.nothing_to_undo);
            return;
        };
        match self.rewrite(&edit, "undo", true) {
            Ok(()) => {
                self.say(fill(self.text.undone, &[&self.pupils(edit.pupils.len())]));
                self.undo.undone(edit);
            }
            Err(e) => self.fail(e),
        }
    }

    pub fn redo(&mut self) {
        let Some(edit) = self.undo.take_redo() else {
            self.say(self.text.nothing_to_redo);
            return;
        };
        match self.rewrite(&edit, "redo", false) {
            Ok(()) => {
                self.say(fill(self.text.redone, &[&self.pupils(edit.pupils.len())]));
                self.undo.redone(edit);
            }
            Err(e) => self.fail(e),
        }
    }

    /// Writes an edit's old values back (undo) or its new ones again (redo), in one transaction.
    fn rewrite(&mut self, edit: &Edit, action: &str, backwards: bool) -> Result<(), String> {
        let items: Vec<(i64, Vec<FieldChange>)> =
            edit.pupils.iter().map(|p| (p.id, if backwards { p.before.clone() } else { p.after.clone() })).collect();
        let result = self.store.change_batch(action, &items, false).map(|_| ()).map_err(|e| e.to_string());
        let ids: Vec<i64> = edit.pupils.iter().map(|p| p.id).collect();
        self.refresh(&ids);
        result
    }

    /// Reads changed pupils back into the roster, the detail screen and the dashboard.
    fn refresh(&mut self, ids: &[i64]) {
        for &id in ids {
            if let Ok(s) = self.store.student(id) {
                self.data.refresh(&s);
            }
        }
        // A pupil that no longer passes the filters leaves the list: working through "unpaid" shrinks it. Not
        // under the detail screen, which would jump to the next pupil; leaving it refilters.
        if self.screen != Screen::Detail {
            self.refilter();
        }
        self.reload_detail();
        self.recount();
    }
}
