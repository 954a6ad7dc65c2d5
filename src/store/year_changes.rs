//! What changed at a school since last year (002 四: 「以后年度学生参保缴费，各学校只需采集新入校及转出(毕业)的学生
//!信息」): after the drive's first year the agency holds every pupil it registered, so a later year's batch template
//! names only the pupils new this year and those who left since last year.

use std::collections::HashSet;

use rusqlite::params;

use super::year::{GRADUATES_GRADE, LEFT_GRADE};
use super::{Result, Store};

/// The pupils a later insured year's batch template reports: new to the school this year, and gone since last year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearChanges {
    /// The insured year shown.
    pub year: i32,
    /// New this year (新入校): at school this year and not at school on last year's roster (added to the drive
    /// during this year, or back after leaving), where `year new` carried everyone else. A pupil marked 已离校 during
    /// last year still sits in last year's class, but is not at school there: the agency was told he left (last
    /// year's 转出 file) or never registered him (a first year's files leave out who left unpaid), so his return is
    /// news to it.
    pub new_pupils: HashSet<i64>,
    /// Gone since last year (转出、毕业): in a class of last year's roster and, this year, graduated or 已离校 (moved
    /// out by `year new`, or marked 已离校 during this year). A pupil marked 已离校 during last year who was at school
    /// on the year before's roster was already reported in last year's template, and is not again.
    pub leavers: HashSet<i64>,
}

impl Store {
    /// The changes of the year shown since the year before (`YearChanges`), or `None` in the drive's first year (and
    /// on a drive without years): then every pupil is the agency's news, and the template lists them all.
    pub fn year_changes(&self) -> Result<Option<YearChanges>> {
        let Some(year) = self.shown_year() else { return Ok(None) };
        let first = self.first_year()?.unwrap_or(year);
        if year <= first {
            return Ok(None);
        }
        let ids = |sql: &str| -> Result<HashSet<i64>> {
            let mut stmt = self.conn.prepare(sql)?;
            let ids = stmt
                .query_map(params![year, first, GRADUATES_GRADE, LEFT_GRADE], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        };
        // `students` is the year shown (a temporary view over a closed year's statuses when one is shown); last
        // year's roster is its statuses, class and grade in `year_statuses`.
        let new_pupils = ids("SELECT s.id FROM students s
             WHERE s.grade NOT IN (?3, ?4)
               AND NOT EXISTS (SELECT 1 FROM main.year_statuses p
                               WHERE p.student_id = s.id AND p.year = ?1 - 1
                                 AND coalesce(p.grade, '') NOT IN (?3, ?4) AND p.enrollment <> 'left')")?;
        let leavers =
            ids("SELECT s.id FROM students s JOIN main.year_statuses p ON p.student_id = s.id AND p.year = ?1 - 1
             WHERE coalesce(p.grade, '') NOT IN (?3, ?4)
               AND (s.grade IN (?3, ?4) OR s.enrollment = 'left')
               AND NOT (?1 - 1 > ?2 AND p.enrollment = 'left'
                        AND EXISTS (SELECT 1 FROM main.year_statuses q
                                    WHERE q.student_id = s.id AND q.year = ?1 - 2
                                      AND coalesce(q.grade, '') NOT IN (?3, ?4) AND q.enrollment <> 'left'))")?;
        Ok(Some(YearChanges { year, new_pupils, leavers }))
    }
}
