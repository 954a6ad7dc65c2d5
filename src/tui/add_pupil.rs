//! 添加学生: one pupil typed in on the day (a transfer pupil the tax office says paid), written as a one-row class
//! list (`io::one_pupil`) and imported the usual way, so the operator reads the import's preview before Enter.

use super::action::Action;
use super::app::App;
use super::modal::{AddPupilField, AddPupilForm, Confirm, Modal, Then};
use super::text::fill;
use crate::io::one_pupil::{Missing, OnePupilList, TypedIn};

impl App {
    pub fn open_add_pupil(&mut self) {
        // A drive of several schools asks the school first: the class typed is then checked against it.
        let schools = self.store.schools().unwrap_or_else(|_| self.schools.clone());
        self.modal = Some(Modal::AddPupil(AddPupilForm::for_schools(&schools)));
    }

    pub fn update_add_pupil(&mut self, mut form: AddPupilForm, action: Action) -> Option<Modal> {
        form.error = None;
        match action {
            Action::Back => return None,
            Action::Up | Action::PreviousField => form.focus = form.moved_focus(false),
            Action::Down | Action::NextField => form.focus = form.moved_focus(true),
            Action::Confirm => return self.preview_added_pupil(form),
            // The school, chosen among the drive's: another school's classes are others, asked again.
            Action::Left | Action::Right if form.focus == AddPupilField::School && !form.schools.is_empty() => {
                let n = form.schools.len();
                // From none chosen, Right takes the first and Left the last.
                form.school = Some(match (form.school, matches!(action, Action::Left)) {
                    (None, false) => 0,
                    (None, true) => n - 1,
                    (Some(at), true) => (at + n - 1) % n,
                    (Some(at), false) => (at + 1) % n,
                });
                form.new_class_ok = false;
            }
            a => {
                if let Some(input) = form.input(form.focus) {
                    input.edit(&a);
                }
            }
        }
        Some(Modal::AddPupil(form))
    }

    /// Writes the pupil as a one-row list and starts its import's preview (`start_import_files`); the number,
    /// the class and the rest are checked there, as any list's rows are.
    fn preview_added_pupil(&mut self, mut form: AddPupilForm) -> Option<Modal> {
        // On a drive of several schools no school is taken for granted: Enter before one is chosen filed the
        // child in the first school, by name, whichever drive the operator was at.
        if !form.schools.is_empty() && form.chosen_school().is_none() {
            form.focus = AddPupilField::School;
            form.error = Some(self.text.add_pupil_school_needed.to_owned());
            return Some(Modal::AddPupil(form));
        }
        let pupil = form.pupil();
        if let Some(missing) = pupil.missing() {
            let (zh, en) = missing.words();
            form.focus = match missing {
                Missing::Name => AddPupilField::Name,
                Missing::Class => AddPupilField::Class,
            };
            form.error = Some(self.text.pick(zh, en).to_owned());
            return Some(Modal::AddPupil(form));
        }
        // A number already on the roster is that pupil's, not a transfer pupil's: imported, the one-row list
        // renamed and moved the pupil (paid, maybe), said deep in the report. Refused first and plainly, naming
        // the pupil and how to change them (`one_pupil::on_roster_refusal`, as `canbao add` refuses it).
        if let Ok(Some((typed_in, held))) = pupil.on_roster(&self.store) {
            let key = |context, action| {
                let keys = self.keymap.keys_for(context, action);
                keys.first().map(ToString::to_string)
            };
            use super::keymap::Context;
            let edit = key(Context::Detail, "edit_identity").unwrap_or_else(|| "E".to_owned());
            let enrollment = key(Context::Roster, "enrollment").unwrap_or_else(|| "e".to_owned());
            let told = crate::io::one_pupil::Told::Screen { edit: &edit, enrollment: &enrollment };
            let (zh, en) = crate::io::one_pupil::on_roster_refusal(&held, told);
            form.focus = match typed_in {
                TypedIn::Id => AddPupilField::Id,
                TypedIn::Name => AddPupilField::Name,
            };
            form.error = Some(self.text.pick(&zh, &en).to_owned());
            return Some(Modal::AddPupil(form));
        }
        // A class the school does not have is most often a typo at the counter (三年级9班 for 三年级1班): asked
        // as `E` asks, No the default, naming the nearest it has; added unasked, the child was the one pupil of
        // a class no teacher's 核对表 shows.
        if !form.new_class_ok
            && let Some(nearest) = self.class_new_to_school(&pupil.class, form.chosen_school())
        {
            let nearest =
                if nearest.is_empty() { self.text.none.to_owned() } else { nearest.join(self.text.pick("、", ", ")) };
            let question = match form.chosen_school() {
                Some(school) => fill(self.text.add_pupil_class_new, &[&school, &pupil.class.trim(), &nearest]),
                None => fill(self.text.identity_class_new, &[&pupil.class.trim(), &nearest]),
            };
            form.new_class_ok = true;
            return Some(Modal::Confirm(Confirm { question, then: Then::AddPupil(Box::new(form)), yes: false }));
        }
        match OnePupilList::write(&pupil) {
            Ok(list) => {
                let path = list.path().to_path_buf();
                self.added_pupil = Some(list);
                self.added_pupil_form = Some(Box::new(form.clone()));
                // One pupil typed in on a drive of one school is in that school, and on a drive of several in the
                // one the form asked first: the preview does not ask it, as it asks a list's new pupils. A drive
                // of none yet asks, as for any list.
                let school = match (form.chosen_school(), self.schools.as_slice()) {
                    (Some(chosen), _) => Some(chosen.to_owned()),
                    (None, [only]) => Some(only.clone()),
                    _ => None,
                };
                self.start_import_files_into(vec![path], school);
                None
            }
            Err(e) => {
                let words = crate::os_error::writing(&e, std::env::temp_dir());
                form.error = Some(fill(self.text.add_pupil_unwritten, &[&self.in_language(words)]));
                Some(Modal::AddPupil(form))
            }
        }
    }

    /// Yes to a new class: the pupil's import is previewed as typed.
    pub fn add_pupil_confirmed(&mut self, form: AddPupilForm) {
        self.modal = self.preview_added_pupil(form);
    }

    /// The nearest classes of the school a pupil typed in goes to (`chosen` on a drive of several, else the
    /// drive's one school), where it does not have `typed` (`class_label::new_to_school`).
    fn class_new_to_school(&self, typed: &str, chosen: Option<&str>) -> Option<Vec<String>> {
        let schools = self.store.schools().ok()?;
        let school = match (chosen, schools.as_slice()) {
            (Some(chosen), _) => chosen.to_owned(),
            (None, [only]) => only.clone(),
            _ => return None,
        };
        let classes: Vec<String> = self
            .store
            .class_labels(Some(&school))
            .ok()?
            .into_iter()
            .filter(|l| !l.trim().is_empty() && !crate::store::is_former_label(l))
            .collect();
        let nearest = crate::domain::class_label::new_to_school(typed.trim(), &classes)?;
        Some(nearest.into_iter().map(str::to_owned).collect())
    }
}
