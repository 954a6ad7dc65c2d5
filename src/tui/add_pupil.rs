//! 添加学生: one pupil typed in on the day (a transfer pupil the tax office says paid), written as a one-row class
//! list (`io::one_pupil`) and imported the usual way, so the operator reads the import's preview before Enter.

use super::action::Action;
use super::app::App;
use super::input::FormField;
use super::modal::{AddPupilField, AddPupilForm, Confirm, Modal, Then};
use super::text::fill;
use crate::io::one_pupil::{Missing, OnePupilList};

impl App {
    pub fn open_add_pupil(&mut self) {
        self.modal = Some(Modal::AddPupil(AddPupilForm::default()));
    }

    pub fn update_add_pupil(&mut self, mut form: AddPupilForm, action: Action) -> Option<Modal> {
        form.error = None;
        match action {
            Action::Back => return None,
            Action::Up | Action::PreviousField => form.focus = form.focus.previous(),
            Action::Down | Action::NextField => form.focus = form.focus.next(),
            Action::Confirm => return self.preview_added_pupil(form),
            a => {
                form.input(form.focus).edit(&a);
            }
        }
        Some(Modal::AddPupil(form))
    }

    /// Writes the pupil as a one-row list and starts its import's preview (`start_import_files`); the number,
    /// the class and the rest are checked there, as any list's rows are.
    fn preview_added_pupil(&mut self, mut form: AddPupilForm) -> Option<Modal> {
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
        // A class the school does not have is most often a typo at the counter (三年级9班 for 三年级1班): asked
        // as `E` asks, No the default, naming the nearest it has; added unasked, the child was the one pupil of
        // a class no teacher's 核对表 shows.
        if !form.new_class_ok
            && let Some(nearest) = self.class_new_to_school(&pupil.class)
        {
            let nearest =
                if nearest.is_empty() { self.text.none.to_owned() } else { nearest.join(self.text.pick("、", ", ")) };
            let question = fill(self.text.identity_class_new, &[&pupil.class.trim(), &nearest]);
            form.new_class_ok = true;
            return Some(Modal::Confirm(Confirm { question, then: Then::AddPupil(Box::new(form)), yes: false }));
        }
        match OnePupilList::write(&pupil) {
            Ok(list) => {
                let path = list.path().to_path_buf();
                self.added_pupil = Some(list);
                // One pupil typed in on a drive of one school is in that school: the preview does not ask it, as
                // it asks a list's new pupils. A drive of several (or none yet) asks, as for any list.
                let school = match self.schools.as_slice() {
                    [only] => Some(only.clone()),
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

    /// The nearest classes of the school a pupil typed in goes to (the drive's one school), where it does not
    /// have `typed` (`class_label::new_to_school`). A drive of several schools is left to the import's preview.
    fn class_new_to_school(&self, typed: &str) -> Option<Vec<String>> {
        let schools = self.store.schools().ok()?;
        let [school] = schools.as_slice() else { return None };
        let classes: Vec<String> = self
            .store
            .class_labels(Some(school))
            .ok()?
            .into_iter()
            .filter(|l| !l.trim().is_empty() && !crate::store::is_former_label(l))
            .collect();
        let nearest = crate::domain::class_label::new_to_school(typed.trim(), &classes)?;
        Some(nearest.into_iter().map(str::to_owned).collect())
    }
}
