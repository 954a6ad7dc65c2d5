//! The pupils already moved up a grade during the current insured year: next school year's class list imported
//! before the year turned (`import --move-up-a-grade`, or lists that moved most of a class a grade up without being
//! refused), whom `year new --promote` would move up a second time.

use std::collections::HashMap;

use serde::Serialize;

use super::year::is_former_pupil;
use super::{Result, Store};
use crate::domain::class_label::{self, Promotion};

/// Pupils at school whose class is one grade above the class they were in when the current year began (as the
/// audit log's first change of their grade or class since then says), for `year new --promote` to refuse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MovedUp {
    /// Pupils moved one grade up since the year began.
    pub pupils: usize,
    /// Pupils at school in classes a promotion moves up or sends out.
    pub of: usize,
    /// Of those, the pupils a promotion sends out (the last grade of their stage: they graduate), who are moved
    /// up no grade.
    pub graduating: usize,
    /// Classes, as they were when the year began, more than half of whose pupils (and at least three, or all of a
    /// class of two or more) were moved up:
    /// a list of the next school year's read for them. In roster order.
    pub classes: Vec<String>,
    /// The first pupil moved: name, class when the year began, class now.
    pub example: Option<(String, String, String)>,
}

impl MovedUp {
    /// Whether a promotion would move a class, or most of the drive's pupils, up a second grade this year: the
    /// lists already moved them. A pupil here and there put in the next grade is not that.
    pub fn would_promote_twice(&self) -> bool {
        !self.classes.is_empty() || (self.pupils >= 3 && self.pupils * 2 > self.of)
    }
}

/// A class of the roster: pupils at school in it, and those of them moved up this year.
#[derive(Default)]
struct Class {
    label: String,
    order: String,
    pupils: usize,
    moved: usize,
}

impl Store {
    /// See [`MovedUp`]. The year began at the log's last start of a year (`start_year`), or with the drive.
    pub fn moved_up_this_year(&self) -> Result<MovedUp> {
        let began: i64 = self.conn.query_row(
            "SELECT coalesce(max(id), 0) FROM audit WHERE action = 'year' AND field = 'year' AND student_id IS NULL",
            [],
            |r| r.get(0),
        )?;
        // Each pupil's grade and class as the year's first change of each found them.
        let mut at_start: HashMap<i64, (Option<String>, Option<String>)> = HashMap::new();
        let mut changes = self.conn.prepare(
            "SELECT student_id, field, old FROM audit
             WHERE id > ?1 AND student_id IS NOT NULL AND field IN ('grade', 'class') ORDER BY id",
        )?;
        let mut rows = changes.query([began])?;
        while let Some(row) = rows.next()? {
            let (id, field, old): (i64, String, Option<String>) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let start = at_start.entry(id).or_default();
            let slot = if field == "grade" { &mut start.0 } else { &mut start.1 };
            slot.get_or_insert_with(|| old.unwrap_or_default());
        }
        let mut moved = MovedUp::default();
        let mut classes: HashMap<(i64, String), Class> = HashMap::new();
        let mut pupils = self.conn.prepare(
            "SELECT id, name, school_id, grade, class, class_order FROM students WHERE enrollment <> 'left'
             ORDER BY school_id, class_order, id",
        )?;
        let mut rows = pupils.query([])?;
        while let Some(row) = rows.next()? {
            let (id, name, school): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let (grade, class): (String, String) = (row.get(3)?, row.get(4)?);
            let order: Option<String> = row.get(5)?;
            if is_former_pupil(&grade) || class_label::promote(&grade, &class) == Promotion::Unchanged {
                continue;
            }
            moved.of += 1;
            if class_label::promote(&grade, &class) == Promotion::Leaves {
                moved.graduating += 1;
            }
            let now = class_label::join(&grade, &class);
            let then = match at_start.get(&id) {
                Some((old_grade, old_class)) => {
                    class_label::join(old_grade.as_deref().unwrap_or(&grade), old_class.as_deref().unwrap_or(&class))
                }
                None => now.clone(),
            };
            // Counted by the class the pupil was in when the year began: one class's list of next year read moves
            // that class, whether its pupils now sit alone or beside the class a year above them.
            let entry = classes.entry((school, then.clone())).or_insert_with(|| Class {
                label: then.clone(),
                order: format!("{school:012}|{}", order.unwrap_or_default()),
                ..Class::default()
            });
            entry.pupils += 1;
            if class_label::years_apart(&then, &now) != Some(1) {
                continue;
            }
            entry.moved += 1;
            moved.pupils += 1;
            moved.example.get_or_insert((name, then, now));
        }
        // Most of a class (three pupils or more), or the whole of a small one (two pupils or more): a class of two
        // its next year's list moved up is as moved as a class of forty.
        let mut most: Vec<Class> = classes
            .into_values()
            .filter(|c| c.moved * 2 > c.pupils && (c.moved >= 3 || (c.moved >= 2 && c.moved == c.pupils)))
            .collect();
        most.sort_by(|a, b| a.order.cmp(&b.order));
        moved.classes = most.into_iter().map(|c| c.label).collect();
        Ok(moved)
    }
}
