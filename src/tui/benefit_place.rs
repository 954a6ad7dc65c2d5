//! Pupils the drive's policy sends to enroll away from school (待遇审批地, with the family): a mark that would
//! register one of them at school (在校参保, a family's payment, 财政代缴) is asked on one pupil and leaves them out
//! of a bulk mark. Which marks those are is `Policy::away_rule_against`, the rule `canbao mark` refuses by.

use super::app::App;
use super::text::fill;
use crate::domain::coverage::StatusMark;
use crate::domain::policy::EnrollPlace;
use crate::domain::student::{Enrollment, PaymentStatus, Student};

impl App {
    /// The category that has `s` enroll away from school under the drive's policy (待遇审批地, with the family),
    /// and where; `None` without a policy or such a category. An optional place (004) enrolls at school too.
    /// By the categories certified for the year shown: one carried from an earlier year (待重新认定) sends nobody
    /// away, as the forms and `canbao mark` judge it.
    pub fn enrolls_away(&self, s: &Student) -> Option<(String, EnrollPlace)> {
        let certified = s.certified_in(self.store.shown_year());
        let rule = self.policy.as_ref()?.away_rule(certified.categories.iter().map(|c| c.name.as_str()))?;
        Some((rule.category.clone(), rule.enroll))
    }

    /// As `enrolls_away`, when a mark setting `enrollment` and `payment` (`None`: left as they are) would register
    /// `s` at school.
    pub(super) fn away_against(
        &self,
        s: &Student,
        enrollment: Option<Enrollment>,
        payment: Option<PaymentStatus>,
    ) -> Option<(String, EnrollPlace)> {
        let mark = StatusMark { enrollment_now: s.enrollment, enrollment, payment };
        let certified = s.certified_in(self.store.shown_year());
        let rule =
            self.policy.as_ref()?.away_rule_against(certified.categories.iter().map(|c| c.name.as_str()), mark)?;
        Some((rule.category.clone(), rule.enroll))
    }

    /// The amount due of `s`, whom the policy sends to enroll away from school for `category`: 0 at school, and
    /// where the notice sends them (the department that certified the category, or the family), as the detail
    /// screen and the payment form lead with it.
    pub(crate) fn due_away_words(&self, s: &Student, category: &str, place: EnrollPlace) -> String {
        let t = self.text;
        let department = s.categories.iter().find(|c| c.name == category).map(|c| c.department.trim());
        match (place, department.filter(|d| !d.is_empty())) {
            (EnrollPlace::Family, _) => fill(t.due_away_family, &[&category]),
            (_, Some(department)) => fill(t.due_away_benefit_of, &[&category, &department]),
            (_, None) => fill(t.due_away_benefit, &[&category]),
        }
    }

    pub(super) fn away_words(&self, place: EnrollPlace) -> String {
        match place {
            EnrollPlace::Family => self.text.away_family,
            _ => self.text.away_benefit,
        }
        .to_owned()
    }

    /// Takes out of `pupils` those a bulk mark setting `enrollment` and `payment` would register at school against
    /// the policy: them, and where the first enrolls.
    pub(super) fn leave_out_away(
        &self,
        pupils: &mut Vec<Student>,
        enrollment: Option<Enrollment>,
        payment: Option<PaymentStatus>,
    ) -> (Vec<Student>, Option<EnrollPlace>) {
        let (away, stay): (Vec<Student>, Vec<Student>) =
            std::mem::take(pupils).into_iter().partition(|s| self.away_against(s, enrollment, payment).is_some());
        *pupils = stay;
        let place = away.first().and_then(|s| self.away_against(s, enrollment, payment)).map(|(_, p)| p);
        (away, place)
    }

    /// What a bulk question adds about the pupils it leaves out as enrolling away from school.
    pub(super) fn left_away_text(&self, names: &[String], place: Option<EnrollPlace>) -> String {
        match place {
            Some(place) if !names.is_empty() => {
                // A whole school's selection names a few, not hundreds: the count says how many.
                let mut named = names.iter().take(5).cloned().collect::<Vec<_>>().join(self.text.pick("、", ", "));
                if names.len() > 5 {
                    named.push_str(self.text.pick("等", " ..."));
                }
                fill(self.text.bulk_left_away, &[&names.len(), &self.away_words(place), &named])
            }
            _ => String::new(),
        }
    }
}
