//! Voiding a pupil recorded twice from the detail screen (`V`): the record shown is voided as a duplicate (作废，
//! 重复登记) of the other pupil of its name, after a question naming both (numbers masked). Audited, restored with
//! `canbao pupil unvoid`, refused when the record holds money or a category the kept one does not.

use crate::domain::class_label::ClassKey;
use crate::domain::id_number::mask;
use crate::domain::student::Student;
use crate::tui::app::{App, Screen};
use crate::tui::modal::{Confirm, Message, Modal, Then};
use crate::tui::roster::RosterData;
use crate::tui::text::fill;

impl App {
    /// `V` on the detail screen: asks to void the pupil shown as a duplicate of the one other pupil of the same
    /// name (in the same class, where the name is held in several); says how to do it otherwise.
    pub fn ask_void(&mut self) {
        if self.screen != Screen::Detail {
            return;
        }
        let Some(extra) = self.detail.as_ref().map(|d| d.student.clone()) else { return };
        let voided = match self.store.voided() {
            Ok(v) => v,
            Err(e) => return self.fail(e.to_string()),
        };
        let others: Vec<Student> = match self.store.students_named(&extra.name) {
            Ok(all) => all.into_iter().filter(|s| s.id != extra.id && !voided.contains_key(&s.id)).collect(),
            Err(e) => return self.fail(e.to_string()),
        };
        let same_class: Vec<&Student> = others
            .iter()
            .filter(|s| ClassKey::of(&s.grade, &s.class) == ClassKey::of(&extra.grade, &extra.class))
            .collect();
        let kept: &Student = match (others.as_slice(), same_class.as_slice()) {
            ([one], _) => one,
            (_, [one]) => one,
            ([], _) => return self.fail(self.text.void_no_other),
            _ => return self.fail(fill(self.text.void_several, &[&others.len()])),
        };
        let named = |s: &Student| format!("{} {} {}", s.name, s.class_label(), mask(&s.id_number));
        let question = fill(self.text.void_ask, &[&named(&extra), &named(kept)]);
        let then = Then::Void { id: extra.id, kept: kept.id };
        self.modal = Some(Modal::Confirm(Confirm { question, then, yes: false }));
    }

    /// Yes to `ask_void`: the record voided and gone from the roster, back on it; or the refusal, said whole.
    pub fn void_now(&mut self, id: i64, kept: i64) {
        let shown = self.detail.as_ref().map(|d| format!("{} {}", d.student.name, mask(&d.student.id_number)));
        match self.store.void_duplicate(id, kept) {
            Err(e) => self.fail(e.to_string()),
            Ok(Err(refusal)) => {
                let en = self.lang == crate::tui::Language::En;
                let line = if en { refusal.message_en() } else { refusal.message_zh() };
                let title = self.text.void_refused_title.to_owned();
                self.modal = Some(Modal::Message(Message { title, lines: vec![line], error: true, offset: 0 }));
            }
            Ok(Ok(_)) => {
                match RosterData::load(&self.store) {
                    Ok(d) => self.replace_data(d),
                    Err(e) => return self.fail(e.to_string()),
                }
                self.detail = None;
                self.screen = Screen::Roster;
                self.say(fill(self.text.void_done, &[&shown.unwrap_or_default()]));
            }
        }
    }
}
