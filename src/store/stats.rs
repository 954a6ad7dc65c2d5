//! Counts for `canbao stats` and the dashboard.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Result, Store, StudentFilter};
use crate::domain::student::{Enrollment, PaymentStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassStats {
    pub class: String,
    pub students: i64,
    /// Insured for the year: at school or elsewhere.
    pub enrolled: i64,
    /// Paid by the family or by a department.
    pub paid: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub students: i64,
    pub id_invalid: i64,
    pub enrollment: BTreeMap<String, i64>,
    pub payment: BTreeMap<String, i64>,
    pub classes: Vec<ClassStats>,
}

impl Store {
    pub fn stats(&self, school: Option<&str>) -> Result<Stats> {
        let mut stats = Stats {
            students: 0,
            id_invalid: 0,
            enrollment: Enrollment::ALL.iter().map(|e| (e.code().to_owned(), 0)).collect(),
            payment: PaymentStatus::ALL.iter().map(|p| (p.code().to_owned(), 0)).collect(),
            classes: Vec::new(),
        };
        let mut classes: Vec<ClassStats> = Vec::new();
        let filter = StudentFilter { school: school.map(str::to_owned), class: None };
        self.for_each_student(&filter, |s| {
            stats.students += 1;
            stats.id_invalid += i64::from(!s.id_valid());
            *stats.enrollment.entry(s.enrollment.code().to_owned()).or_default() += 1;
            *stats.payment.entry(s.payment.code().to_owned()).or_default() += 1;
            let label = s.class_label();
            // Rows arrive in roster order, so a class's pupils are contiguous.
            if classes.last().is_none_or(|c| c.class != label) {
                classes.push(ClassStats { class: label, students: 0, enrolled: 0, paid: 0 });
            }
            if let Some(c) = classes.last_mut() {
                c.students += 1;
                c.enrolled += i64::from(s.enrollment.is_insured());
                c.paid += i64::from(s.payment.is_settled());
            }
            Ok(())
        })?;
        stats.classes = classes;
        Ok(stats)
    }
}
