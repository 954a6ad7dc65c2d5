//! Correcting a pupil's name, ID number, class, phone, 民族 and 居住地址 from the detail screen: audited, undoable, and a new
//! number checked exactly as an import checks it.

use crate::store::IdentityEdit;
use crate::tui::action::Action;
use crate::tui::app::{App, Screen};
use crate::tui::identity::{IdentityField, IdentityForm};
use crate::tui::input::{FormField, LineInput};
use crate::tui::modal::{Confirm, Modal, Then};
use crate::tui::roster::RosterData;
use crate::tui::text::fill;
use crate::tui::undo::{Edit, IdentityEdit as UndoIdentity};

impl App {
    /// `E` on the detail screen.
    pub fn open_identity(&mut self) {
        if self.screen != Screen::Detail {
            return;
        }
        let Some(s) = self.detail.as_ref().map(|d| d.student.clone()) else { return };
        let mut original = [
            s.name.clone(),
            s.id_number.clone(),
            s.class_label(),
            s.phone.clone(),
            s.ethnicity.clone().unwrap_or_default(),
            s.address.clone().unwrap_or_default(),
        ];
        let mut fields = original.clone().map(|t| LineInput::with_text(&t));
        // A phone that is no phone (a parent's ID number an earlier canbao kept) is never put on screen whole: the
        // field opens empty, to be typed, and the form saved leaves the pupil with none rather than that number.
        if crate::domain::phone::is_no_phone(&s.phone) {
            fields[IdentityField::Phone as usize] = LineInput::with_text("");
        }
        // A word saying there is none (无, as an earlier canbao kept it from a list) is no phone: the field opens
        // empty, and the form saved as it opened changes nothing of it.
        if crate::domain::phone::says_none(&s.phone) {
            fields[IdentityField::Phone as usize] = LineInput::with_text("");
            original[IdentityField::Phone as usize] = String::new();
        }
        self.modal = Some(Modal::Identity(IdentityForm {
            id: s.id,
            fields,
            original,
            focus: IdentityField::Name,
            error: None,
            revealed: false,
            new_class_ok: false,
            invalid_number_ok: false,
            held_flagged: s.id_problem.is_some(),
            asking: None,
            touched: [false; 6],
        }));
    }

    pub fn update_identity(&mut self, mut form: IdentityForm, action: Action) -> Option<Modal> {
        form.error = None;
        match action {
            Action::Back => return None,
            // ↑ and ↓ stop at the first and last field: ↑↑ meant for 姓名 must not wrap round to 联系电话 and put
            // the name typed next there. Tab and Shift-Tab go round.
            Action::Up if form.focus != IdentityField::ALL[0] => form.focus = form.focus.previous(),
            Action::Down if Some(&form.focus) != IdentityField::ALL.last() => form.focus = form.focus.next(),
            Action::Up | Action::Down => {}
            Action::PreviousField => form.focus = form.focus.previous(),
            Action::NextField => form.focus = form.focus.next(),
            Action::Confirm => return self.save_identity(form),
            a => {
                // The number is shown whole, and the reveal recorded, only once the operator edits it (a key
                // typed, the caret moved): Down and Tab pass through it on the way to the class and the phone,
                // which a parent at the desk may be watching corrected.
                let i = form.focus as usize;
                let mut edited = form.fields[i].clone();
                if edited.edit_filled(&a, &mut form.touched[i]) {
                    if form.focus == IdentityField::IdNumber && !self.shows_number_of(form.id) && !form.revealed {
                        match self.store.record_reveal(Some(form.id)) {
                            Ok(()) => {
                                form.revealed = true;
                                // The history under the form says the reveal as soon as it is recorded, and
                                // still after Esc, not only once the pupil is opened again. Only this field is
                                // revealed: the roster stays as the operator left it.
                                self.reload_detail();
                            }
                            Err(e) => {
                                self.fail(e.to_string());
                                return Some(Modal::Identity(form));
                            }
                        }
                    }
                    *form.focused() = edited;
                }
            }
        }
        Some(Modal::Identity(form))
    }

    fn save_identity(&mut self, mut form: IdentityForm) -> Option<Modal> {
        // Only what the operator changed is sent: an untouched flagged number is not checked again.
        let changed = |field: IdentityField| {
            let i = field as usize;
            let typed = form.fields[i].text().trim();
            (typed != form.original[i]).then(|| typed.to_owned())
        };
        // A phone as the importer keeps it (full-width digits from an IME, spaces and dashes gone, a landline's area
        // code kept apart by one dash): the same number typed with spaces is no change, and one left as it was is
        // not rewritten.
        let original_phone = &form.original[IdentityField::Phone as usize];
        let typed_phone = form.fields[IdentityField::Phone as usize].text().trim();
        // A word saying there is none (无) is typed for no phone: kept as an empty field, as the importer keeps it.
        let typed_phone = if crate::domain::phone::says_none(typed_phone) { "" } else { typed_phone };
        let phone = crate::domain::phone::clean(typed_phone);
        let phone = (typed_phone != original_phone && phone != *original_phone).then_some(phone);
        // 民族 spelled as the forms spell it and the address on one line, as the store keeps them: the same value
        // typed otherwise (汉 for a held 汉族, spaces run together) is no change. Cleared, as the phone is, by an
        // empty field.
        let personal = |field: IdentityField, kept: fn(&str) -> String| {
            let i = field as usize;
            let typed = kept(form.fields[i].text());
            (typed != kept(&form.original[i])).then_some(typed)
        };
        let request = IdentityEdit {
            name: changed(IdentityField::Name),
            id_number: changed(IdentityField::IdNumber),
            class: changed(IdentityField::Class),
            phone,
            ethnicity: personal(IdentityField::Ethnicity, crate::domain::ethnicity::normalise),
            address: personal(IdentityField::Address, crate::domain::one_line),
        };
        if request == IdentityEdit::default() {
            return None;
        }
        // A phone is checked by the importer's rule: what is not one (a name typed into the wrong field, a parent's
        // ID number) is refused here, the number masked in the words as the import's report masks it.
        if let Some(phone) = &request.phone
            && let Some(why) = crate::domain::phone::not_a_phone(phone)
        {
            let typed = form.fields[IdentityField::Phone as usize].text().trim();
            // An ID number typed with spaces is masked as the one run of digits it is.
            let typed = match why {
                crate::domain::phone::NotPhone::IdNumber => crate::domain::phone::clean(typed),
                _ => typed.to_owned(),
            };
            let typed = crate::domain::id_shown::mask_in_text(&typed).into_owned();
            let (why_zh, why_en) = why.why();
            form.focus = IdentityField::Phone;
            form.error = Some(fill(self.text.identity_phone_bad, &[&typed, &self.text.pick(&why_zh, &why_en)]));
            return Some(Modal::Identity(form));
        }
        // 民族 is one of the 56 groups, as `mark --ethnicity` takes it: two run together or a sentence is refused.
        if let Some(Err((zh, en))) = request.ethnicity.as_deref().map(crate::domain::ethnicity::given) {
            form.focus = IdentityField::Ethnicity;
            form.error = Some(self.text.pick(&zh, &en).to_owned());
            return Some(Modal::Identity(form));
        }
        // A valid number is the pupil's proof of identity on every agency's list: it is never erased (a number
        // cleared by mistake could not be put back by the next list), and one that fails the check replaces it
        // only when the operator says so (a digit mistyped over a number the tax office reconciled). A number held
        // flagged is not asked about, even one a spreadsheet rounded into passing the check: it is not valid.
        if let Some(typed) = &request.id_number {
            let held = &form.original[IdentityField::IdNumber as usize];
            if typed.is_empty() && !held.is_empty() {
                form.focus = IdentityField::IdNumber;
                form.error = Some(self.text.identity_number_empty.to_owned());
                return Some(Modal::Identity(form));
            }
            let today = self.store.today();
            let check = crate::domain::id_number::check(typed, today);
            if let Err(problem) = &check.result
                && !form.invalid_number_ok
                && check.normalized != *held
                && !form.held_flagged
                && crate::domain::id_number::check(held, today).result.is_ok()
            {
                let why = self.text.pick(&problem.message_zh(), &problem.message_en()).to_owned();
                let held = crate::domain::id_number::mask(held);
                let question = fill(self.text.identity_number_invalid, &[&check.normalized, &why, &held]);
                form.invalid_number_ok = true;
                form.asking = Some(IdentityField::IdNumber);
                return Some(Modal::Confirm(Confirm { question, then: Then::Identity(Box::new(form)), yes: false }));
            }
        }
        // A class must say its grade, unless it is one the roster already has: 「2班」 would be a class of its own.
        // 「三2」 says it (三年级2班), as the import and `--class` read it.
        if let Some(class) = &request.class {
            use crate::domain::class_label::{ClassKey, Grade};
            let key = ClassKey::parse(class);
            let known = self.data.classes.iter().any(|c| ClassKey::parse(c) == key);
            if !known && key.grade == Grade::None {
                form.focus = IdentityField::Class;
                form.error = Some(fill(self.text.identity_class_unclear, &[class]));
                return Some(Modal::Identity(form));
            }
        }
        // A class the school does not have is most often a typo at the counter (一年级9班 for 一年级1班): asked
        // once, No the default, with the nearest classes it has; No goes back to the form as typed.
        if let Some(class) = &request.class
            && !form.new_class_ok
        {
            let classes = self.school_classes(form.id);
            let key = crate::domain::class_label::ClassKey::parse(class);
            if !classes.iter().any(|c| crate::domain::class_label::ClassKey::parse(c) == key) {
                let nearest = crate::domain::class_label::nearest(class, &classes, 3);
                let nearest = if nearest.is_empty() {
                    self.text.none.to_owned()
                } else {
                    nearest.join(self.text.pick("、", ", "))
                };
                let question = fill(self.text.identity_class_new, &[class, &nearest]);
                form.new_class_ok = true;
                form.asking = Some(IdentityField::Class);
                return Some(Modal::Confirm(Confirm { question, then: Then::Identity(Box::new(form)), yes: false }));
            }
        }
        match self.store.correct_identity(form.id, &request) {
            Ok(done) => {
                let held = request.id_number.is_some() && self.tax_payment_held(&done.after.id_number);
                let followed = sex_followed(&done);
                self.undo.push(Edit {
                    pupils: Vec::new(),
                    identity: Some(UndoIdentity { id: form.id, before: done.before, after: done.after }),
                });
                self.reload_roster();
                match done.id_problem {
                    Some(problem) => {
                        let why = self.text.pick(&problem.message_zh(), &problem.message_en()).to_owned();
                        self.fail(fill(self.text.identity_flagged, &[&why]))
                    }
                    None => match done.sex_replaced {
                        // The number decides; the operator checks it is the child's own.
                        Some(stated) => {
                            let words = |sex: crate::domain::id_number::Sex| match sex {
                                crate::domain::id_number::Sex::Male => self.text.pick("男", "male"),
                                crate::domain::id_number::Sex::Female => self.text.pick("女", "female"),
                            };
                            let other = match stated {
                                crate::domain::id_number::Sex::Male => crate::domain::id_number::Sex::Female,
                                crate::domain::id_number::Sex::Female => crate::domain::id_number::Sex::Male,
                            };
                            // The payment held for the number (below) is said here too, in one line that fits.
                            match held {
                                true => self.fail(fill(self.text.identity_sex_replaced_tax_held, &[&words(other)])),
                                false => {
                                    self.fail(fill(self.text.identity_sex_replaced, &[&words(stated), &words(other)]))
                                }
                            }
                        }
                        // A tax payment kept for this number while nobody held it is recorded only by reconciling
                        // the list again (`check` and the forms' 备注 say the same): said now, where the number was
                        // typed. Not recorded here: reconciling weighs the list's name, amount, date and receipt
                        // against the pupil, and refuses a name that differs, which a number typed here cannot.
                        // A valid number's sex replaced by another valid number's: most often the number of a
                        // sister or another child, so the new sex is said where the number was typed.
                        None if followed.is_some() => {
                            let sex = match followed {
                                Some(crate::domain::id_number::Sex::Female) => self.text.pick("女", "female"),
                                _ => self.text.pick("男", "male"),
                            };
                            match held {
                                true => self.fail(fill(self.text.identity_sex_replaced_tax_held, &[&sex])),
                                false => {
                                    let saved = self.identity_saved(&form, &request);
                                    self.fail(fill(self.text.identity_sex_followed, &[&saved, &sex]))
                                }
                            }
                        }
                        None if held => self.say(self.text.identity_tax_payment_held.to_owned()),
                        None => {
                            let said = self.identity_saved(&form, &request);
                            self.say(said)
                        }
                    },
                }
                None
            }
            Err(e) => {
                form.error = Some(self.in_language(e.to_string()));
                Some(Modal::Identity(form))
            }
        }
    }

    /// What a saved correction says. The Chinese names the form (「已保存：更正学生信息（1 人）」) as it always has;
    /// the English names the pupil and what was corrected ("Saved: 孙语, corrected name and class"), as its other
    /// saves name what they saved.
    fn identity_saved(&self, form: &IdentityForm, request: &IdentityEdit) -> String {
        let t = self.text;
        if self.lang == crate::words::Language::Zh {
            return fill(t.saved, &[&t.identity_title, &self.pupils(1)]);
        }
        let changed = [
            request.name.is_some(),
            request.id_number.is_some(),
            request.class.is_some(),
            request.phone.is_some(),
            request.ethnicity.is_some(),
            request.address.is_some(),
        ];
        // The form's own labels, as words in a sentence: "Name" is "name", "ID number" stays.
        let words: Vec<String> = t
            .identity_fields
            .iter()
            .zip(changed)
            .filter(|(_, changed)| *changed)
            .map(|(label, _)| {
                let mut chars = label.chars();
                match (chars.next(), chars.next()) {
                    (Some(first), Some(second)) if !second.is_uppercase() => {
                        first.to_lowercase().chain(std::iter::once(second)).chain(chars).collect()
                    }
                    _ => (*label).to_owned(),
                }
            })
            .collect();
        let what = match words.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        let name = form.fields[IdentityField::Name as usize].text().trim().to_owned();
        fill(t.saved_one, &[&name, &fill(t.identity_corrected, &[&what])])
    }

    /// Whether the tax office's list holds a payment kept unrecorded for `number` because nobody held the number
    /// when the list was read (`UnappliedReason::UnknownNumber`), for the insured year shown.
    fn tax_payment_held(&self, number: &str) -> bool {
        use crate::domain::unapplied::UnappliedReason;
        let kept = self.store.unapplied_payments().unwrap_or_default();
        kept.iter().any(|k| {
            k.student_id.is_none() && k.record.reason == UnappliedReason::UnknownNumber && k.id_number == number
        })
    }

    /// The classes of pupil `id`'s school, in roster order: the school's pupils are one run of rows.
    fn school_classes(&self, id: i64) -> Vec<String> {
        let data = &self.data;
        let Some(school) = self.detail.as_ref().filter(|d| d.student.id == id).map(|d| d.student.school.as_str())
        else {
            return data.classes.clone();
        };
        let mut seen = vec![false; data.classes.len()];
        let mut classes = Vec::new();
        for (i, row) in data.rows.iter().enumerate() {
            if data.school_of(i) == school && !std::mem::replace(&mut seen[row.class as usize], true) {
                classes.push(data.classes[row.class as usize].clone());
            }
        }
        classes
    }

    /// Yes to a new class: the form is saved as it was typed.
    pub fn save_identity_confirmed(&mut self, form: IdentityForm) {
        self.modal = self.save_identity(form);
    }

    /// Reads the whole roster again: a name, number or class changed, and with it the search key and order.
    pub fn reload_roster(&mut self) {
        match RosterData::load(&self.store) {
            Ok(data) => {
                self.replace_data(data);
                self.reload_detail();
            }
            Err(e) => self.fail(e.to_string()),
        }
    }
}

/// The sex a corrected number gave the pupil, where the number held before gave (or a list stated) the other.
fn sex_followed(done: &crate::store::IdentityCorrection) -> Option<crate::domain::id_number::Sex> {
    use crate::store::sex_from;
    let (before, after) = (sex_from(done.before.sex.as_deref())?, sex_from(done.after.sex.as_deref())?);
    (before != after).then_some(after)
}
