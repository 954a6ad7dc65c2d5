//! The roster screen's one read: every pupil's display fields, statuses and search key, in roster order, with
//! no more columns than the screen shows, so opening a drive of 60k pupils stays well under a frame budget.

use super::fields::{categories_from_text, with_years};
use super::{Result, Store};
use crate::domain::student::{CategoryMark, Enrollment, PaymentStatus};

/// One pupil as the roster lists them; strings borrow from the database row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow<'a> {
    pub id: i64,
    /// `schools.id`: two schools may each have a 一年级1班.
    pub school_id: i64,
    pub name: &'a str,
    pub id_number: &'a str,
    pub grade: &'a str,
    pub class: &'a str,
    pub enrollment: Enrollment,
    pub payment: PaymentStatus,
    /// Each with the insured year it was certified for, as `Store::student` reads them.
    pub categories: Vec<CategoryMark>,
    /// The roster marks the pupil 「!」 (`pupil_flags::flagged`): the ID number is to be verified (missing, invalid,
    /// or an old 15-digit one, `Student::id_to_verify`), the pupil has no name, or their number shows an adult.
    pub id_problem: bool,
    /// The ID number is to be verified (`Student::id_to_verify`): what `stats` counts as `id_invalid`, and the
    /// dashboard's 「身份证号有问题」 with it. An adult's valid number or a missing name is flagged, not counted.
    pub id_to_verify: bool,
}

/// `Student::id_to_verify` as SQL over `students s`: the roster's rows carry it so that the dashboard counts the
/// pupils `stats` counts.
const TO_VERIFY: &str = "(s.id_problem IS NOT NULL OR s.id_kind = 'resident_converted')";

impl Store {
    /// Every pupil's search key, by pupil id (see `SearchKeys`).
    pub fn search_keys(&self) -> Result<super::SearchKeys> {
        super::search_blocks::load_all(&self.conn)
    }

    /// Whether the pupils' search keys are still an older canbao's, to be written again by today's readings
    /// (`rebuild_search_keys`): found by those for the most part, not by a surname's everyday reading.
    pub fn search_keys_outdated(&self) -> Result<bool> {
        super::search_blocks::outdated(&self.conn)
    }

    /// Writes the search keys again by today's readings when they are outdated, in one transaction (a stopped
    /// rewrite leaves them as they were, still outdated). False when there was nothing to write.
    pub fn rebuild_search_keys(&mut self) -> Result<bool> {
        super::search_blocks::rebuild(&mut self.conn)
    }

    /// How many pupils have a search key: every pupil should (the durability and fuzz checks ask).
    pub fn search_key_count(&self) -> Result<i64> {
        super::search_blocks::count(&self.conn)
    }

    /// Every school's name by its id (`RosterRow::school_id`).
    pub fn school_names(&self) -> Result<std::collections::HashMap<i64, String>> {
        let mut stmt = self.conn.prepare("SELECT id, name FROM schools")?;
        let names = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    /// Every pupil's id in roster order (school, grade, class, name by pinyin), read from the roster index alone.
    pub fn roster_order(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare("SELECT id FROM students ORDER BY school_id, class_order, name_order, id")?;
        let order = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(order)
    }

    /// Calls `f` for each pupil in the order the file holds them, so each page is read once: in roster order
    /// every row is a lookup of its own, a page read again for each of its pupils once the roster outgrows the
    /// page cache (most of opening a large drive). Pair with `roster_order`, in one `roster_snapshot`.
    pub fn for_each_roster_row(&self, mut f: impl FnMut(&RosterRow<'_>)) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT s.id, s.name, s.id_number, s.grade, s.class, s.enrollment, s.payment, s.categories,
                    ({TO_VERIFY} OR trim(s.name) = '' OR s.birth_date <= ?1), s.school_id,
                    coalesce(s.categories_year, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'first_year')),
                    {TO_VERIFY}
             FROM students s",
        ))?;
        // A valid number's birth date (`pupil_flags::adult`): a flagged or old one is marked already.
        let adult_born_by = crate::domain::pupil_flags::adult_born_by(self.today()).map(|d| d.to_string());
        let mut rows = stmt.query([adult_born_by])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str> { Ok(r.get_ref(i)?.as_str().unwrap_or("")) };
            let (name, id_number, grade, class) = (text(1)?, text(2)?, text(3)?, text(4)?);
            let categories = match text(7)? {
                "[]" | "" => Vec::new(),
                other => with_years(categories_from_text(other), r.get(10)?),
            };
            f(&RosterRow {
                id: r.get(0)?,
                name,
                id_number,
                grade,
                class,
                enrollment: Enrollment::from_code(text(5)?).unwrap_or(Enrollment::Unknown),
                payment: PaymentStatus::from_code(text(6)?).unwrap_or(PaymentStatus::Unpaid),
                categories,
                id_problem: r.get(8)?,
                id_to_verify: r.get(11)?,
                school_id: r.get(9)?,
            });
        }
        Ok(())
    }

    /// Runs `f` on one snapshot of the file, so reads made in several statements agree with one another even
    /// while another process writes.
    pub fn roster_snapshot<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(self)?;
        tx.commit()?;
        Ok(out)
    }
}
