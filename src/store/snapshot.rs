//! A pupil's fields as the audit log writes them, so an editor can keep what it is about to overwrite and
//! write it back later (undo) through the same `Store::change`.

use super::{Field, FieldChange, Result, Store};
use crate::domain::student::Student;

impl Store {
    /// The current values of `fields` for one pupil, in the text form `change` takes and the audit log records.
    pub fn field_values(&self, id: i64, fields: &[Field]) -> Result<Vec<FieldChange>> {
        let s = self.student(id)?;
        fields
            .iter()
            .map(|&f| {
                let value = match f {
                    // Not part of `Student`, or (the marks' years filled in) not as stored: read as stored.
                    Field::CategoriesYear | Field::Categories => self.conn.query_row(
                        &format!("SELECT CAST({} AS TEXT) FROM students WHERE id = ?1", f.key()),
                        [id],
                        |r| r.get(0),
                    )?,
                    other => value_of(&s, other),
                };
                Ok(FieldChange::new_owned(f, value))
            })
            .collect()
    }
}

fn value_of(s: &Student, field: Field) -> Option<String> {
    let d = &s.payment_details;
    match field {
        Field::School => Some(s.school.clone()),
        Field::Name => Some(s.name.clone()),
        Field::Grade => Some(s.grade.clone()),
        Field::Class => Some(s.class.clone()),
        Field::Phone => Some(s.phone.clone()),
        Field::Ethnicity => s.ethnicity.clone(),
        Field::Address => s.address.clone(),
        Field::Enrollment => Some(s.enrollment.code().to_owned()),
        Field::DeclineReason => s.decline_reason.clone(),
        Field::Payment => Some(s.payment.code().to_owned()),
        Field::PaidAmount => d.amount_fen.map(|f| f.to_string()),
        Field::PaidOn => d.paid_on.map(|p| p.to_string()),
        Field::PaidChannel => d.channel.clone(),
        Field::Categories | Field::CategoriesYear => None,
        Field::Note => Some(s.note.clone()),
    }
}
