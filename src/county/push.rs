//! `canbao push`: one drive file into the county database in one transaction. The drive's keys and history
//! hashes go first, in two narrow COPYs, to learn which of its pupils and changes the county has. Pupils new
//! to the county then go straight into its tables with COPY; the ones it has are staged and decided on group
//! of fields by group as a merge decides (`decide`); the history rows it lacks go in last.

use std::time::Duration;

use serde::Serialize;

use super::copy::{self, Dest};
use super::decide::{self, COUNTY_GROUPS};
pub use super::decide::{PaidApart, PaymentWithdrawn, PushConflict, TopUpsJoined};
use super::drive::{DriveEvent, DrivePupil, DriveRead, DriveStatus};
use super::{CountyError, Map, Set, schema};
use crate::domain::id_number;
use crate::domain::same_child::{LinkCounts, PupilSigns, look_alike};
use crate::store::Field;
use crate::store::merge::GROUPS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FilePush {
    pub file: String,
    /// The drive's current insured year.
    pub year: i32,
    pub students: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    /// History rows new to the county.
    pub audit_rows: u64,
    /// Pupils the county had from another school's drive, one that shares no history with this one (see
    /// [`OtherSchoolPupil`]).
    pub other_school_pupils: usize,
    /// Pupils whose values the county took back with the drive, a restore of which undid changes it had
    /// pushed; each value taken back is in the county's history (action `restore`).
    pub restored: usize,
    /// Pupils held here with a number a spreadsheet rounded (or one mistyped, or none) and in the county with the
    /// valid one, or the other way round, paired by name (and class) as a merge pairs them: one child each.
    pub look_alikes: usize,
    /// Payments (a pupil's in one insured year) topped up apart here and in the county, from the same amount:
    /// every top-up counted, the county holding their sum, as a merge joins them (no conflict).
    pub top_ups_joined: usize,
    /// Those payments, a pupil and year each, with each side's top-ups: the operator checks them against the
    /// receipts, above all those of the same amount (`same_amount`), which nothing on the drive tells apart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top_ups: Vec<TopUpsJoined>,
    /// Pupils marked 已缴费 apart here and in the county, the same amount with another date or channel: one
    /// payment kept, as a merge keeps it, and each named for the operator to check the family was not charged
    /// twice (see `decide::PaidApart`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paid_apart: Vec<PaidApart>,
    /// Pupils this laptop added that a restore of the drive removed (an import taken back), which the county
    /// still holds from an earlier push (see [`RemovedPupil`]).
    /// Named on the first push after the restore only (the county remembers which restore it named them for:
    /// `canbao.drives.restore_removed_said`), so the line is news when it comes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restore_removed: Vec<RemovedPupil>,
    /// Pupils another drive created too, whose creation here a restore of the drive took back, that keep a
    /// school, name or class that creation gave them: what the other creation gave is not known to the county
    /// (pushed by a canbao older than the county's record of it), so nothing moves them back (see
    /// [`NotMovedBack`]). Named on the first push after the restore only, as `restore_removed` is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_moved_back: Vec<NotMovedBack>,
    /// Those pupils taken out of the county by this push (`--remove-restored`; a dry run says which it would
    /// take): their rows gone, each removal a row of the county's history (action `remove`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_from_county: Vec<RemovedPupil>,
    /// Pupils this drive holds that were taken out of the county (`--remove-restored`, from this drive or a copy
    /// of it whose restore removed them): a copy made before the restore still holds them, and its push would add
    /// each again under a new county id. They stay out, their history rows kept under the pupil taken out (see
    /// [`removed_at_county`]), and the push names them on every push of such a copy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept_out: Vec<RemovedPupil>,
    /// Payments this drive holds that the county knows were taken back (an undo or a restore on the laptop that
    /// made them, which this copy lacks): not applied, each named (see `decide::PaymentWithdrawn`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments_withdrawn: Vec<PaymentWithdrawn>,
}

/// A pupil a restore of the drive removed (`store::backup::RESTORE_REMOVED`: an import this laptop made, taken
/// back by restoring the backup from before it) that the county had from an earlier push of it, or from another
/// copy. A push sends what a drive holds and takes no pupil away: the county keeps the pupil, as a merge with a
/// file that still holds one brings it back (`MergeReport::restored_pupils_back`), and the push says so, for
/// the operator to know the restore did not reach the county.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedPupil {
    /// The county's pupil (not reported).
    #[serde(skip)]
    pub pupil: i64,
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    pub school: String,
    /// A pupil kept out only: the drive records a family's payment (已缴费) for it, which the county, holding the
    /// pupil as taken out, does not count.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub paid_here: bool,
}

/// A pupil of [`FilePush::not_moved_back`]: another drive created the pupil too, a restore of this drive took
/// its own creation back, and the county keeps what that creation gave for the groups in `kept` (`school`,
/// `name`, `class`), since the other creation's row reached it from a canbao that did not record them (the
/// school before county schema 12, the name and class before 13), and no later change of them says either. The
/// county does not guess: the operator checks the pupil against the other school's list (the school's own where
/// `school` is not kept), and a change made there (on the laptop that holds the pupil) moves it. What else the
/// taken-back creation set (phone, categories, note, enrollment and payment) stays too, as for any pupil a
/// restore takes back (a restore moves back the school, name and class only), and the push says so with the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotMovedBack {
    #[serde(flatten)]
    pub pupil: RemovedPupil,
    pub kept: Vec<&'static str>,
}

/// The pupils of [`RemovedPupil`]: the county's pupils created by a row the drive's restores removed, by no other
/// creation row, and not held by the drive again (`held`: the county's pupils the drive's matched).
fn removed_here(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    held: &[i64],
    reveal: bool,
) -> Result<Vec<RemovedPupil>, CountyError> {
    if rows.removed.is_empty() {
        return Ok(Vec::new());
    }
    let found = tx
        .query(
            "SELECT DISTINCT p.id, p.id_number, p.name, s.name
             FROM canbao.audit a JOIN canbao.pupils p ON p.id = a.pupil_id JOIN canbao.schools s ON s.id = p.school_id
             WHERE a.field = 'created' AND a.event = ANY($1::text[]::uuid[]) AND NOT p.id = ANY($2)
               -- A pupil another drive created too (its own import or addition: another school's list imported
               -- here by mistake) is that drive's as well: this drive's restore did not take it out of that
               -- school, and `--remove-restored` must not delete it from the county. (A copy of this drive holds
               -- the same creation rows, so a pupil only it and its copies created is still this drive's.)
               AND NOT EXISTS (SELECT 1 FROM canbao.audit o
                               WHERE o.pupil_id = p.id AND o.field = 'created' AND o.action <> 'remove'
                                 AND NOT o.event = ANY($1::text[]::uuid[]))
             ORDER BY p.id",
            &[&rows.removed, &held],
        )
        .map_err(server)?;
    Ok(found
        .iter()
        .map(|r| {
            let number: String = r.get(1);
            RemovedPupil {
                pupil: r.get(0),
                id_number: id_number::shown(&number, reveal),
                name: r.get(2),
                school: r.get(3),
                paid_here: false,
            }
        })
        .collect())
}

/// The drive's pupils the county matched to none of its own that it took out (`--remove-restored`): created by a
/// history row the county holds under a pupil it no longer has, whose removal (action `remove`) it recorded.
/// (drive row id → the county's pupil taken out, as reported.) Asked after the match, of a county that has pupils.
fn removed_at_county(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    known: &Map<i64, i64>,
    reveal: bool,
) -> Result<Vec<(i64, RemovedPupil)>, CountyError> {
    let unmatched: Vec<i64> = rows.pupils.iter().filter(|p| !known.contains_key(&p.sid)).map(|p| p.sid).collect();
    if unmatched.is_empty() {
        return Ok(Vec::new());
    }
    let found = tx
        .query(
            // Only a creation row the county holds can be one it took out (`stage_known`: none for another
            // school's first push); the unmatched are hashed, not searched per row.
            "SELECT DISTINCT ON (k.sid) k.sid, c.pupil_id
             FROM stage_keys k JOIN stage_known n ON n.event = k.created_event
                  JOIN canbao.audit c ON c.event = k.created_event AND c.field = 'created'
             WHERE k.sid IN (SELECT unnest($1::bigint[])) AND c.pupil_id IS NOT NULL AND c.action <> 'remove'
               AND EXISTS (SELECT 1 FROM canbao.audit r WHERE r.pupil_id = c.pupil_id AND r.action = 'remove')
               AND NOT EXISTS (SELECT 1 FROM canbao.pupils p WHERE p.id = c.pupil_id)
             ORDER BY k.sid, c.id",
            &[&unmatched],
        )
        .map_err(server)?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let pupils: Map<i64, &DrivePupil> = rows.pupils.iter().map(|p| (p.sid, p)).collect();
    let paid: Set<i64> = rows.statuses.iter().filter(|st| st.payment == "paid").map(|st| st.sid).collect();
    Ok(found
        .iter()
        .filter_map(|r| {
            let p = pupils.get(&r.get::<_, i64>(0))?;
            let id = &p.id_number;
            Some((
                p.sid,
                RemovedPupil {
                    pupil: r.get(1),
                    id_number: id_number::shown(id, reveal),
                    name: p.name.clone(),
                    school: p.school.clone(),
                    paid_here: paid.contains(&p.sid),
                },
            ))
        })
        .collect())
}

/// What a push does with the pupils of [`removed_here`]: with `remove` (the operator who asked, `--remove-restored`,
/// and whether to take them out: not in a dry run, which lists them and deletes nothing, so that a user who may
/// not delete is shown them too) takes them out of the county, each removal recorded in its history, and returns
/// them as removed; else names
/// them once per restore of the drive (`canbao.drives.restore_removed_said` holds the restore last named), and
/// returns them as still held, or none where this restore's were named before. (removed, still held.)
fn settle_removed(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    (drive_id, remove): (i32, Option<(&str, bool)>),
    found: Vec<RemovedPupil>,
) -> Result<(Vec<RemovedPupil>, Vec<RemovedPupil>), CountyError> {
    if found.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    if let Some((operator, take_out)) = remove {
        if !take_out {
            return Ok((found, Vec::new()));
        }
        let ids: Vec<i64> = found.iter().map(|p| p.pupil).collect();
        // The history keeps every row the pupils had; the removal is one more, saying who took them out.
        tx.execute(
            "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                                      field, old, new)
             SELECT gen_random_uuid(), $2, p.id, now(),
                    to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), $3, 'county', 'remove',
                    p.id_number, 'created', p.name, NULL
             FROM canbao.pupils p WHERE p.id = ANY($1)",
            &[&ids, &drive_id, &operator],
        )
        .map_err(server)?;
        // In a savepoint, so that a user without the right can still be named (README's push user has none: a
        // laptop's password takes no pupil away).
        tx.batch_execute("SAVEPOINT remove_restored").map_err(server)?;
        let deleted = tx
            .execute("DELETE FROM canbao.statuses WHERE pupil_id = ANY($1)", &[&ids])
            .and_then(|_| tx.execute("DELETE FROM canbao.other_school_pupils WHERE pupil_id = ANY($1)", &[&ids]))
            .and_then(|_| tx.execute("DELETE FROM canbao.pupils WHERE id = ANY($1)", &[&ids]));
        match deleted {
            Ok(_) => {}
            Err(e) if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => {
                tx.batch_execute("ROLLBACK TO SAVEPOINT remove_restored").map_err(server)?;
                let user: String = tx.query_one("SELECT current_user::text", &[]).map_err(server)?.get(0);
                return Err(CountyError::MayNotRemove { user });
            }
            Err(e) => return Err(server(e)),
        }
        return Ok((found, Vec::new()));
    }
    let restore = rows.restored.as_ref().map(|(at, _)| at.clone()).unwrap_or_default();
    let said: Option<String> = tx
        .query_one("SELECT restore_removed_said FROM canbao.drives WHERE id = $1", &[&drive_id])
        .map_err(server)?
        .get(0);
    if said.as_deref() == Some(restore.as_str()) {
        return Ok((Vec::new(), Vec::new()));
    }
    tx.execute("UPDATE canbao.drives SET restore_removed_said = $2 WHERE id = $1", &[&drive_id, &restore])
        .map_err(server)?;
    Ok((Vec::new(), found))
}

/// [`rewind_removed`]'s statement for the school, public so that a test can read its plan: the pupils are found
/// through the history rows of the events taken back (`audit.event` is unique, `pupils.id` the key), not by a
/// scan of every county pupil's `school_event` (not indexed: an index there would cost every push). Returns the
/// pupils moved, and those the county has no school to move back to.
pub const REWIND_REMOVED: &str = "WITH g AS (SELECT DISTINCT unnest($1::text[])::uuid AS event),
             p AS (
                SELECT p.id, p.school_id AS was, p.id_number
                FROM canbao.audit a JOIN canbao.pupils p ON p.id = a.pupil_id AND p.school_event = a.event
                WHERE a.event IN (SELECT event FROM g) AND NOT p.id = ANY($2)
             ),
             k AS (
                SELECT p.id, p.was, p.id_number, c.event, c.at, c.origin, c.drive_id,
                       COALESCE(c.school_id,
                                (SELECT o.county_school_id FROM canbao.other_school_pupils o
                                 WHERE o.pupil_id = p.id AND o.drive_id = $3)) AS school_id
                FROM p JOIN LATERAL (
                    SELECT a.event, a.at, a.origin, a.drive_id,
                           (SELECT s.id FROM canbao.schools s
                            WHERE s.name = CASE WHEN a.field = 'school' THEN a.new ELSE a.school END) AS school_id
                    FROM canbao.audit a
                    WHERE a.pupil_id = p.id AND a.event NOT IN (SELECT event FROM g)
                      AND ((a.field = 'school' AND a.action NOT IN ('merge', 'restore') AND a.new IS NOT NULL)
                           OR (a.field = 'created' AND a.action <> 'remove'))
                    -- A creation row whose school is known first, of those with one, the newest.
                    ORDER BY (a.field = 'school' OR a.school IS NOT NULL) DESC, a.at DESC NULLS LAST,
                             a.origin DESC, a.id DESC
                    LIMIT 1
                ) c ON true
             ),
             u AS (
                UPDATE canbao.pupils t SET school_id = k.school_id, school_at = k.at, school_origin = k.origin,
                       school_event = k.event, school_drive = k.drive_id
                FROM k WHERE t.id = k.id AND k.school_id IS NOT NULL
                RETURNING t.id, k.was, t.school_id, k.id_number
             ),
             h AS (
                INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                                         field, old, new)
                SELECT gen_random_uuid(), $3, u.id, COALESCE($4::text::timestamptz, now()),
                       COALESCE($4, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), $5,
                       'restore', 'restore', u.id_number, 'school',
                       (SELECT name FROM canbao.schools WHERE id = u.was),
                       (SELECT name FROM canbao.schools WHERE id = u.school_id)
                FROM u WHERE u.was <> u.school_id
                RETURNING pupil_id
             ),
             -- The drive no longer holds them under its school: no longer pupils of two schools' drives by it (a
             -- push may not delete: the record is kept, its two schools made one, which the roll-up leaves out).
             o AS (UPDATE canbao.other_school_pupils o SET drive_school_id = o.county_school_id
                   FROM u WHERE o.pupil_id = u.id AND o.drive_id = $3)
             SELECT ARRAY(SELECT pupil_id FROM h), ARRAY(SELECT id FROM k WHERE school_id IS NULL)";

/// The pupils of a restore's taking back ([`rewind_removed`]) whose group's newest change is one taken back
/// (`$1`), not held by the drive (`$2`), and created by another drive too (a creation row no restore took back:
/// a pupil only this drive created is [`removed_here`]'s). `{p}`: the group's prefix.
fn rewound_pupils(p: &str, was: &str) -> String {
    format!(
        "g AS (SELECT DISTINCT unnest($1::text[])::uuid AS event),
         p AS (
            SELECT p.id, p.id_number, {was}
            FROM canbao.audit a JOIN canbao.pupils p ON p.id = a.pupil_id AND p.{p}_event = a.event
            WHERE a.event IN (SELECT event FROM g) AND NOT p.id = ANY($2)
              AND EXISTS (SELECT 1 FROM canbao.audit o
                          WHERE o.pupil_id = p.id AND o.field = 'created' AND o.action <> 'remove'
                            AND o.event NOT IN (SELECT event FROM g))
         )"
    )
}

/// The newest history row of pupil `p.id` no restore took back (`g`) that says field `field`'s value: a change
/// of it, or a creation row that recorded it (column `created`, county schema 12 and 13). As `value`, with the
/// row's stamp.
fn newest_saying(field: &str, created: &str) -> String {
    format!(
        "SELECT a.id, a.event, a.at, a.origin, a.drive_id,
                CASE WHEN a.field = '{field}' THEN a.new ELSE a.{created} END AS value
         FROM canbao.audit a
         WHERE a.pupil_id = p.id AND a.event NOT IN (SELECT event FROM g)
           AND ((a.field = '{field}' AND a.action NOT IN ('merge', 'restore') AND a.new IS NOT NULL)
                OR (a.field = 'created' AND a.action <> 'remove' AND a.{created} IS NOT NULL))
         ORDER BY a.at DESC NULLS LAST, a.origin DESC, a.id DESC
         LIMIT 1"
    )
}

/// The history row recording each value a restore's taking back changed: `values` yields (pupil, id_number,
/// field, old, new); parameter `$n` is the drive, `$n+1` and `$n+2` the restore's time and operator.
fn restore_history(values: &str, n: usize) -> String {
    let (drive, at, operator) = (n, n + 1, n + 2);
    format!(
        "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                                  field, old, new)
         SELECT gen_random_uuid(), ${drive}, v.pupil, COALESCE(${at}::text::timestamptz, now()),
                COALESCE(${at}, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), ${operator},
                'restore', 'restore', v.id_number, v.field, v.old, v.new
         FROM ({values}) v WHERE v.old IS DISTINCT FROM v.new
         RETURNING pupil_id"
    )
}

/// What [`rewind_removed`] did: the history rows it wrote, the pupils whose values moved, and by pupil the groups
/// whose value could not be known (see [`NotMovedBack`]).
#[derive(Debug, Default)]
struct Rewound {
    rows: u64,
    pupils: usize,
    unknown: Vec<(i64, &'static str)>,
}

/// The county's pupils this drive no longer holds whose school, name or class was last set by a creation row (or
/// change) its restores took back (`DriveRead::removed`, `undone`): a pupil another drive created too, which the
/// county keeps (see [`removed_here`]), goes back to what the newest change of each the county holds that no
/// restore took back gave: a change row's own value, or what another drive's creation row gave the pupil
/// (recorded with it: the school from county schema 12, the name and class from 13). Failing both for the
/// school (rows pushed before), the school the county had the pupil in before this drive's change moved it
/// (`other_school_pupils`). A value the county cannot know stays as the taken-back creation gave it, and the pupil
/// is returned as such (`Rewound::unknown`), to be said: moving it to an older value than the other creation's
/// would be a guess. Each value taken back is a row of the county's history (action `restore`), as a restore's
/// taking back of a value is. `held`: the county's pupils the drive matched, whose values the drive's own
/// decide.
fn rewind_removed(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    held: &[i64],
    drive_id: i32,
) -> Result<Rewound, CountyError> {
    if rows.removed.is_empty() && rows.undone.is_empty() {
        return Ok(Rewound::default());
    }
    let gone: Vec<&str> = rows.removed.iter().chain(&rows.undone).map(String::as_str).collect();
    let (at, operator) = match &rows.restored {
        Some((at, by)) => (Some(at.as_str()), by.as_str()),
        None => (None, ""),
    };
    let params: [&(dyn postgres::types::ToSql + Sync); 5] = [&gone, &held, &drive_id, &at, &operator];
    let school = tx.query_one(REWIND_REMOVED, &params).map_err(server)?;
    let mut moved: Vec<i64> = school.get(0);
    let mut rewound = Rewound { rows: moved.len() as u64, ..Rewound::default() };
    rewound.unknown.extend(school.get::<_, Vec<i64>>(1).into_iter().map(|id| (id, "school")));
    // The name: one field, its value the row's.
    let name = tx
        .query_one(
            &format!(
                "WITH {p},
                 k AS (
                    SELECT p.id, p.id_number, p.was, c.event, c.at, c.origin, c.drive_id, c.value
                    FROM p LEFT JOIN LATERAL ({newest}) c ON true
                 ),
                 u AS (
                    UPDATE canbao.pupils t SET name = k.value, name_at = k.at, name_origin = k.origin,
                           name_event = k.event, name_drive = k.drive_id
                    FROM k WHERE t.id = k.id AND k.value IS NOT NULL
                    RETURNING t.id AS pupil, k.id_number, 'name'::text AS field, k.was AS old, t.name AS new
                 ),
                 h AS ({history})
                 SELECT ARRAY(SELECT pupil_id FROM h), ARRAY(SELECT id FROM k WHERE value IS NULL)",
                p = rewound_pupils("name", "p.name AS was"),
                newest = newest_saying("name", "name"),
                history = restore_history("SELECT * FROM u", 3),
            ),
            &params,
        )
        .map_err(server)?;
    let named: Vec<i64> = name.get(0);
    rewound.rows += named.len() as u64;
    moved.extend(named);
    rewound.unknown.extend(name.get::<_, Vec<i64>>(1).into_iter().map(|id| (id, "name")));
    // The class: the grade and the class each from the newest row that says it, the stamp the newer of the two;
    // the sort key made here, as a drive makes it, since a change row of either does not carry it.
    let found = tx
        .query(
            &format!(
                "WITH {p}
                 SELECT p.id, p.grade, p.class, gr.value, cl.value,
                        (SELECT s.event::text FROM (SELECT gr.id, gr.event, gr.at, gr.origin UNION ALL
                                                    SELECT cl.id, cl.event, cl.at, cl.origin) s
                         ORDER BY s.at DESC NULLS LAST, s.origin DESC, s.id DESC LIMIT 1)
                 FROM p LEFT JOIN LATERAL ({grade}) gr ON true LEFT JOIN LATERAL ({class}) cl ON true",
                p = rewound_pupils("class", "p.grade, p.class"),
                grade = newest_saying("grade", "grade"),
                class = newest_saying("class", "class"),
            ),
            &params[..2],
        )
        .map_err(server)?;
    // Column by column, as the statement below takes them.
    let mut ids: Vec<i64> = Vec::new();
    let [mut grades, mut classes, mut orders, mut stamps, mut was_grade, mut was_class]: [Vec<String>; 6] =
        Default::default();
    for r in &found {
        let (grade, class, stamp): (Option<String>, Option<String>, Option<String>) = (r.get(3), r.get(4), r.get(5));
        let (Some(grade), Some(class), Some(stamp)) = (grade, class, stamp) else {
            rewound.unknown.push((r.get(0), "class"));
            continue;
        };
        ids.push(r.get(0));
        orders.push(crate::domain::class_label::order_key(&grade, &class));
        grades.push(grade);
        classes.push(class);
        stamps.push(stamp);
        was_grade.push(r.get(1));
        was_class.push(r.get(2));
    }
    if !ids.is_empty() {
        // A promotion's row is recognised as migration 7 recognises it, by the start of the year pushed with it;
        // what the class rule learns of a deliberate change (the year it was made in, a promotion's source) is
        // learnt again as drives push.
        let classed = tx
            .query_one(
                &format!(
                    "WITH b AS (
                        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                                             $6::text[], $7::text[])
                                      AS b(id, grade, class, class_order, stamp, was_grade, was_class)
                     ),
                     u AS (
                        UPDATE canbao.pupils t SET grade = b.grade, class = b.class, class_order = b.class_order,
                               class_at = s.at, class_origin = s.origin, class_event = s.event,
                               class_drive = s.drive_id, class_made_in = NULL, class_from = NULL,
                               class_promoted = (SELECT y.new::integer FROM canbao.audit y
                                                 WHERE s.action = 'year' AND y.pupil_id IS NULL
                                                   AND y.action = 'year' AND y.field = 'year'
                                                   AND y.at_text = s.at_text AND y.origin = s.origin
                                                   AND y.new ~ '^[0-9]{{1,9}}$' LIMIT 1)
                        FROM b JOIN canbao.audit s ON s.event = b.stamp::uuid
                        WHERE t.id = b.id
                        RETURNING t.id, t.id_number
                     ),
                     h AS ({history})
                     SELECT ARRAY(SELECT DISTINCT pupil_id FROM h), (SELECT count(*) FROM h)",
                    history = restore_history(
                        "SELECT u.id AS pupil, u.id_number, f.field, f.old, f.new
                         FROM u JOIN b ON b.id = u.id
                              CROSS JOIN LATERAL (VALUES ('grade', b.was_grade, b.grade),
                                                         ('class', b.was_class, b.class)) f(field, old, new)",
                        8,
                    ),
                ),
                &[&ids, &grades, &classes, &orders, &stamps, &was_grade, &was_class, params[2], params[3], params[4]],
            )
            .map_err(server)?;
        rewound.rows += classed.get::<_, i64>(1) as u64;
        moved.extend(classed.get::<_, Vec<i64>>(0));
    }
    moved.sort_unstable();
    moved.dedup();
    rewound.pupils = moved.len();
    Ok(rewound)
}

/// The restore of the drive whose taken-back pupils a push last named (`canbao.drives.restore_removed_said`).
fn restore_said(tx: &mut postgres::Transaction, drive_id: i32) -> Result<Option<String>, CountyError> {
    let row =
        tx.query_one("SELECT restore_removed_said FROM canbao.drives WHERE id = $1", &[&drive_id]).map_err(server)?;
    Ok(row.get(0))
}

/// The pupils [`rewind_removed`] could not move back (`unknown`: by pupil, the group kept), named once per
/// restore of the drive as the pupils it removed are (`said_before`: the restore a push named last, before this
/// one's [`settle_removed`]).
fn not_moved_back(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    drive_id: i32,
    (unknown, said_before): (&[(i64, &'static str)], Option<String>),
    reveal: bool,
) -> Result<Vec<NotMovedBack>, CountyError> {
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let restore = rows.restored.as_ref().map(|(at, _)| at.clone()).unwrap_or_default();
    if said_before.as_deref() == Some(restore.as_str()) {
        return Ok(Vec::new());
    }
    tx.execute("UPDATE canbao.drives SET restore_removed_said = $2 WHERE id = $1", &[&drive_id, &restore])
        .map_err(server)?;
    let mut kept: std::collections::BTreeMap<i64, Vec<&'static str>> = Default::default();
    for &(pupil, group) in unknown {
        kept.entry(pupil).or_default().push(group);
    }
    let ids: Vec<i64> = kept.keys().copied().collect();
    let found = tx
        .query(
            "SELECT p.id, p.id_number, p.name, s.name FROM canbao.pupils p JOIN canbao.schools s ON s.id = p.school_id
             WHERE p.id = ANY($1) ORDER BY s.name, p.class_order, p.name, p.id",
            &[&ids],
        )
        .map_err(server)?;
    Ok(found
        .iter()
        .map(|r| {
            let (pupil, number): (i64, String) = (r.get(0), r.get(1));
            let mut groups = kept.remove(&pupil).unwrap_or_default();
            // In the order the groups are in, whichever statement found them.
            groups.sort_by_key(|g| ["school", "name", "class"].iter().position(|k| k == g));
            NotMovedBack {
                pupil: RemovedPupil {
                    pupil,
                    id_number: id_number::shown(&number, reveal),
                    name: r.get(2),
                    school: r.get(3),
                    paid_here: false,
                },
                kept: groups,
            }
        })
        .collect())
}

/// A pupil this drive holds under another school than the county does, where the county's pupil came from a
/// drive that shares no creation row with this one: not a copy of this drive whose school was renamed, but
/// another school's list holding the same ID number (a class that moved, a list sent to the wrong school). The
/// newer change of 学校 decides which school counts the pupil, as for any field, so one school's figures in the
/// roll-up stop matching its own drive: the push says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherSchoolPupil {
    pub file: String,
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    /// The school the county had the pupil in before this push.
    pub county_school: String,
    /// The school this drive has the pupil in.
    pub drive_school: String,
    /// The school the county has the pupil in after it.
    pub kept_school: String,
}

/// A file given to `push` that was not sent, and why (`no_pupils`: it holds no pupils; registered, it would
/// show the county a drive, and its school, with nothing in them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub file: String,
    pub reason: &'static str,
}

/// The files of `files` a push leaves out, each with why.
pub fn skipped(files: &[DriveFile]) -> Vec<SkippedFile> {
    files
        .iter()
        .filter(|f| f.rows.pupils.is_empty())
        .map(|f| SkippedFile { file: f.shown.clone(), reason: "no_pupils" })
        .collect()
}

/// How often the server checks that a push's client is still there while it runs a statement or waits for the
/// push lock: a client killed mid-push (Ctrl-C on a hung link, a killed command) would otherwise leave its
/// backend waiting, or holding the lock every other push waits for, until the statement ends.
pub const CLIENT_CHECK: &str = "5s";

/// How long a push's transaction may sit idle between its statements before the server ends the session and
/// rolls it back. A push sends its statements one after another; a long pause is a laptop frozen, suspended
/// or cut off mid-push, which would otherwise hold the county's push lock until TCP gave up on it (about two
/// hours with the usual system defaults).
pub const IDLE_LIMIT: &str = "3min";

/// TCP keepalives on the push's connection, at the server's end (idle seconds, interval, probes) and
/// `tcp_user_timeout` (milliseconds): a laptop switched off or gone from the network mid-statement is noticed
/// within about two minutes, and its push rolled back.
const KEEPALIVES: (u32, u32, u32, u32) = (60, 10, 6, 120_000);

/// How long a push waits for another one to finish before it gives up with nothing written, unless
/// [`WAIT_ENV`] says otherwise.
pub const WAIT_LIMIT: Duration = Duration::from_secs(10 * 60);

/// The environment variable with the number of seconds a push waits for another one (default [`WAIT_LIMIT`]).
pub const WAIT_ENV: &str = "CANBAO_PUSH_WAIT";

/// What the server's session list shows for a push: `canbao push ` and the drives' file names, each byte
/// outside printable ASCII (and `%`) written as `%XX`, since the server keeps only printable ASCII there; up
/// to the server's 63 bytes.
const APPLICATION_PREFIX: &str = "canbao push ";

pub fn application_name(files: &[&str]) -> String {
    let mut name = String::from(APPLICATION_PREFIX);
    for (i, file) in files.iter().enumerate() {
        let mut piece = String::new();
        if i > 0 {
            piece.push(' ');
        }
        for b in file.bytes() {
            if (b' '..=b'~').contains(&b) && b != b'%' {
                piece.push(b as char);
            } else {
                piece.push_str(&format!("%{b:02X}"));
            }
        }
        if name.len() + piece.len() > 63 {
            break;
        }
        name.push_str(&piece);
    }
    name
}

/// The drive file names an [`application_name`] holds, or None for a session that is not a push.
pub fn drive_of(application: &str) -> Option<String> {
    let rest = application.strip_prefix(APPLICATION_PREFIX)?;
    let raw = rest.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (raw[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                bytes.push(b);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The push's session: the server ends it when its client is gone ([`CLIENT_CHECK`], on PostgreSQL 14 and
/// later), frozen ([`IDLE_LIMIT`]) or unreachable ([`KEEPALIVES`]), and names it after the drives it pushes.
pub fn prepare_session(client: &mut postgres::Client, application: &str) -> Result<(), CountyError> {
    let version: i32 =
        client.query_one("SELECT current_setting('server_version_num')::int", &[]).map_err(server)?.get(0);
    let (idle, interval, count, user_timeout) = KEEPALIVES;
    client
        .execute(
            "SELECT set_config('application_name', $1, false),
                    set_config('idle_in_transaction_session_timeout', $2, false),
                    set_config('tcp_keepalives_idle', $3, false),
                    set_config('tcp_keepalives_interval', $4, false),
                    set_config('tcp_keepalives_count', $5, false),
                    set_config('tcp_user_timeout', $6, false)",
            &[
                &application,
                &IDLE_LIMIT,
                &idle.to_string(),
                &interval.to_string(),
                &count.to_string(),
                &user_timeout.to_string(),
            ],
        )
        .map_err(server)?;
    if version >= 140000 {
        // Refused only where the server's system cannot poll a socket for a closed peer (the setting must stay
        // 0 there): the push goes on as it did before the setting existed.
        let _ = client.batch_execute(&format!("SET client_connection_check_interval = '{CLIENT_CHECK}'"));
    }
    Ok(())
}

/// The push holding the county's push lock, as the server's session list shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holder {
    /// The drive file(s) it pushes; None when the session is not a canbao push that says so (an older canbao,
    /// or a user who may not see the other session's details).
    pub drive: Option<String>,
    pub user: Option<String>,
    pub address: Option<String>,
    /// When its transaction began, in Beijing time, as every time is shown (`store::instant`).
    pub since: Option<String>,
}

impl Holder {
    /// `（第一小学.db，用户 canbao_push，来自 10.0.0.5，2026-12-03 14:03 开始）` and ` (…)` in English; nothing
    /// when nothing is known.
    pub fn words(&self) -> (String, String) {
        let mut zh = Vec::new();
        let mut en = Vec::new();
        if let Some(d) = &self.drive {
            zh.push(d.clone());
            en.push(d.clone());
        }
        if let Some(u) = &self.user {
            zh.push(format!("用户 {u}"));
            en.push(format!("user {u}"));
        }
        if let Some(a) = &self.address {
            zh.push(format!("来自 {a}"));
            en.push(format!("from {a}"));
        }
        if let Some(s) = &self.since {
            zh.push(format!("{s} 开始"));
            en.push(format!("since {s}"));
        }
        if zh.is_empty() {
            return (String::new(), String::new());
        }
        (format!("（{}）", zh.join("，")), format!(" ({})", en.join(", ")))
    }
}

/// Who holds the push lock, if anyone does (the lock may be let go between the try and this look).
fn holder(tx: &mut postgres::Transaction) -> Result<Option<Holder>, CountyError> {
    let row = tx
        .query_opt(
            "SELECT a.application_name, a.usename::text, host(a.client_addr),
                    extract(epoch FROM a.xact_start)::float8
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid::text::bigint = 0
               AND l.objid::text::bigint = $1 AND l.objsubid = 1
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             LIMIT 1",
            &[&schema::PUSH_LOCK],
        )
        .map_err(server)?;
    Ok(row.map(|r| {
        let since = r
            .get::<_, Option<f64>>(3)
            .and_then(|t| chrono::DateTime::from_timestamp(t as i64, 0))
            .map(|t| crate::store::instant::beijing_minutes(&crate::store::instant::to_text(t)));
        Holder {
            drive: r.get::<_, Option<String>>(0).as_deref().and_then(drive_of),
            user: r.get(1),
            address: r.get(2),
            since,
        }
    }))
}

/// Takes the county's push lock for `tx`: at once when free, else after saying who holds it (`waiting`) and
/// waiting up to `limit`, then giving up with [`CountyError::Busy`] (the caller's transaction, which holds
/// nothing yet, is rolled back).
pub fn take_lock(
    tx: &mut postgres::Transaction,
    limit: Duration,
    waiting: &dyn Fn(&Holder),
) -> Result<(), CountyError> {
    // Tried first, so a push that must wait says so rather than hanging without a word.
    let free: bool =
        tx.query_one("SELECT pg_try_advisory_xact_lock($1)", &[&schema::PUSH_LOCK]).map_err(server)?.get(0);
    if free {
        return Ok(());
    }
    let who = holder(tx)?.unwrap_or_default();
    waiting(&who);
    // An advisory lock is a lock like a table's: lock_timeout bounds the wait, and is put back at once so it
    // bounds nothing else of the push.
    let millis = limit.as_millis().clamp(1, i32::MAX as u128).to_string();
    tx.execute("SELECT set_config('lock_timeout', $1, true)", &[&millis]).map_err(server)?;
    match tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::PUSH_LOCK]) {
        Ok(_) => {}
        Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
            let (holder, holder_en) = who.words();
            return Err(CountyError::Busy { holder, holder_en, secs: limit.as_secs() });
        }
        Err(e) => return Err(server(e)),
    }
    tx.batch_execute("SET LOCAL lock_timeout = DEFAULT").map_err(server)?;
    Ok(())
}

/// Makes the county's schema, or brings it forward, and pushes nothing: how the schema's owner sets up the
/// county (and upgrades it for a newer canbao) before the push role, which may not, sends drives. Returns the
/// version found and the version now.
pub fn prepare_schema(
    client: &mut postgres::Client,
    limit: Duration,
    waiting: &dyn Fn(&Holder),
) -> Result<(i64, i64), CountyError> {
    prepare_session(client, "canbao push --to")?;
    let mut tx = client.transaction().map_err(server)?;
    take_lock(&mut tx, limit, waiting)?;
    let found = schema::version(&mut tx)?;
    schema::migrate(&mut tx)?;
    tx.commit().map_err(server)?;
    Ok((found, schema::latest_version()))
}

/// A drive file as `push` sends it.
pub struct DriveFile<'a> {
    /// How the county names the drive: the file's name.
    pub name: String,
    /// The path as the command line gave it: how the report names the file. Two copies of one drive have the
    /// same name (and are one drive to the county); their paths tell the laptops apart.
    pub shown: String,
    pub rows: &'a DriveRead,
}

fn server(e: postgres::Error) -> CountyError {
    CountyError::server(e)
}

/// The drive's row (made on its first push, counted on each), and its id.
fn drive_row(tx: &mut postgres::Transaction, file: &DriveFile) -> Result<i32, CountyError> {
    let (last_seq, last_event) = file.rows.last_event();
    Ok(tx
        .query_one(
            "INSERT INTO canbao.drives(name, first_event, last_audit_id, last_event) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name, first_event) DO UPDATE SET last_audit_id = excluded.last_audit_id,
                 last_event = excluded.last_event, pushed_at = now(), pushes = canbao.drives.pushes + 1
             RETURNING id",
            &[&file.name, &file.rows.first_event(), &last_seq, &last_event],
        )
        .map_err(server)?
        .get(0))
}

/// The schools (a handful) made where new, so each pupil row carries its school's id: every school the drive
/// names is in the map (the COPYs below rely on it).
fn school_ids(tx: &mut postgres::Transaction, rows: &DriveRead) -> Result<Map<String, i32>, CountyError> {
    let mut names: Vec<&str> = rows.pupils.iter().map(|p| p.school.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    tx.execute("INSERT INTO canbao.schools(name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING", &[&names])
        .map_err(server)?;
    let ids: Map<String, i32> = tx
        .query("SELECT name, id FROM canbao.schools WHERE name = ANY($1)", &[&names])
        .map_err(server)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // Every pupil row below carries its school's id from this map: one missing would be filed under no school.
    match names.iter().find(|n| !ids.contains_key(**n)) {
        Some(missing) => Err(CountyError::NoSchool((*missing).to_owned())),
        None => Ok(ids),
    }
}

/// The county's pupil for each of the drive's that it has (drive row id → county id): by key, else (a number
/// corrected on one laptop, a flagged pupil moved, its school renamed) by the creation rows copies of a drive
/// share. Runs after [`known_events`] (`known`): a county pupil's creation row came in with it (a push sends a
/// new pupil's history with it), so only a creation row the county already has can name one of its pupils, and
/// a drive new to the county (another school's) asks nothing by creation row.
fn match_pupils(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    known: &Set<String>,
) -> Result<(Map<i64, i64>, usize), CountyError> {
    tx.batch_execute(
        r#"CREATE TEMP TABLE stage_keys (sid bigint NOT NULL, key text COLLATE "C" NOT NULL, created_event uuid)
           ON COMMIT DROP"#,
    )
    .map_err(server)?;
    copy::copy(tx, "stage_keys", "sid, key, created_event", &rows.pupils, |line, p| {
        line.int(p.sid);
        line.text(&p.key);
        line.opt(p.created_event.as_deref());
    })?;
    tx.batch_execute(
        "ANALYZE stage_keys;
         CREATE TEMP TABLE stage_match ON COMMIT DROP AS
             SELECT k.sid, p.id AS pupil_id FROM stage_keys k JOIN canbao.pupils p ON p.key = k.key;
         -- Its statistics make the next statement's probes hash lookups, not a scan per row.
         ANALYZE stage_match;
         INSERT INTO stage_match
         WITH loose AS MATERIALIZED (
             SELECT k.sid, k.created_event FROM stage_keys k
             WHERE k.created_event IN (SELECT event FROM stage_known)
               AND NOT EXISTS (SELECT 1 FROM stage_match m WHERE m.sid = k.sid)
         ), found AS (
             -- A drive's creation rows are its own (see drive::settle): n counts the county's pupils with it.
             SELECT l.sid, p.id, count(*) OVER (PARTITION BY p.created_event) AS n
             FROM loose l JOIN canbao.pupils p ON p.created_event = l.created_event
         )
         SELECT sid, id FROM found f
         WHERE n = 1 AND NOT EXISTS (SELECT 1 FROM stage_match o WHERE o.pupil_id = f.id);",
    )
    .map_err(server)?;
    let mut matched: Map<i64, i64> = tx
        .query("SELECT sid, pupil_id FROM stage_match", &[])
        .map_err(server)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    match_by_creations(tx, rows, known, &mut matched)?;
    let alike = pair_look_alikes(tx, rows, &mut matched)?;
    Ok((matched, alike))
}

/// The pupils still unmatched of whom the drive holds a flagged number (one a spreadsheet rounded, one
/// mistyped, none) and the county a valid one of the same name, or the other way round: paired by the rule a
/// merge pairs them by (`same_child::look_alike`), a pupil fitting more than one on the other side not
/// guessed. Two laptops that started from the school's list, one typed as text and one whose numbers Excel
/// rounded, hold one child so, and the county counts them once. Returns how many were paired.
fn pair_look_alikes(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    matched: &mut Map<i64, i64>,
) -> Result<usize, CountyError> {
    let loose: Vec<&DrivePupil> = rows.pupils.iter().filter(|p| !matched.contains_key(&p.sid)).collect();
    let mut names: Vec<&str> = loose.iter().map(|p| p.name.as_str()).collect();
    let mut flagged_names: Vec<&str> =
        loose.iter().filter(|p| p.id_problem.is_some()).map(|p| p.name.as_str()).collect();
    if names.is_empty() {
        return Ok(0);
    }
    names.sort_unstable();
    names.dedup();
    flagged_names.sort_unstable();
    flagged_names.dedup();
    // Only a pair of one valid number and one flagged takes part: the county's flagged pupils of the drive's
    // loose names, and its valid ones of the names the drive holds flagged.
    let county = tx
        .query(
            "SELECT p.id, p.id_number, p.id_valid, p.name, s.name, p.grade, p.class, p.note
             FROM canbao.pupils p JOIN canbao.schools s ON s.id = p.school_id
             WHERE p.name = ANY($1) AND (NOT p.id_valid OR p.name = ANY($2))
               AND p.id NOT IN (SELECT pupil_id FROM stage_match)",
            &[&names, &flagged_names],
        )
        .map_err(server)?;
    if county.is_empty() {
        return Ok(0);
    }
    let today = chrono::Utc::now().date_naive();
    struct CountyPupil {
        id: i64,
        number: String,
        problem: Option<String>,
        sex: Option<crate::domain::id_number::Sex>,
        name: String,
        school: String,
        grade: String,
        class: String,
        note: String,
    }
    let mut by_name: Map<String, Vec<CountyPupil>> = Map::default();
    for r in &county {
        let number: String = r.get(1);
        let valid: bool = r.get(2);
        let check = id_number::check(&number, today);
        let pupil = CountyPupil {
            id: r.get(0),
            problem: (!valid).then(|| county_problem(&number, &check)),
            sex: check.valid().map(|v| v.sex),
            number,
            name: r.get(3),
            school: r.get(4),
            grade: r.get(5),
            class: r.get(6),
            note: r.get(7),
        };
        by_name.entry(pupil.name.clone()).or_default().push(pupil);
    }
    let mut links: Vec<(i64, i64)> = Vec::new();
    for p in &loose {
        let Some(alike) = by_name.get(&p.name) else { continue };
        let ours = PupilSigns {
            number: &p.id_number,
            problem: p.id_problem.as_deref(),
            school: &p.school,
            grade: &p.grade,
            class: &p.class,
            sex: p.sex,
            note: &p.note,
        };
        for c in alike {
            let theirs = PupilSigns {
                number: &c.number,
                problem: c.problem.as_deref(),
                school: &c.school,
                grade: &c.grade,
                class: &c.class,
                sex: c.sex,
                note: &c.note,
            };
            if look_alike(&ours, &theirs).is_some() {
                links.push((p.sid, c.id));
            }
        }
    }
    let counts = LinkCounts::of(links.iter().copied());
    let paired: Vec<(i64, i64)> = links.into_iter().filter(|&(sid, id)| counts.unique(sid, id)).collect();
    for &(sid, pupil) in &paired {
        tx.execute("INSERT INTO stage_match(sid, pupil_id) VALUES ($1, $2)", &[&sid, &pupil]).map_err(server)?;
    }
    matched.extend(paired.iter().copied());
    Ok(paired.len())
}

/// The problem of a flagged number the county holds, which keeps none: a spreadsheet's rounding where the
/// number has its form, else what checking it again says.
fn county_problem(number: &str, check: &id_number::IdCheck) -> String {
    if id_number::fifteen_digits_kept(number).is_some() || id_number::shown_range(number, 0).is_some() {
        return id_number::IdProblem::PrecisionLost.code().to_owned();
    }
    match &check.result {
        Err(problem) => problem.code().to_owned(),
        Ok(_) => id_number::OLD_NUMBER.to_owned(),
    }
}

/// The pupils still unmatched that hold several creation rows (paired by name and class in a merge of two
/// laptops' imports), or whose county pupil does: matched through the county's history, where each creation
/// row the county has is on the pupil it came with. A drive pupil whose rows name one county pupil, which no
/// other drive pupil's rows name, is that pupil; the county's pupil then holds nothing of two children. On a
/// drive pushed again, every pupil matched by key, nothing is sent.
fn match_by_creations(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    known: &Set<String>,
    matched: &mut Map<i64, i64>,
) -> Result<(), CountyError> {
    let loose: Vec<(i64, &str)> = rows
        .pupils
        .iter()
        .filter(|p| !matched.contains_key(&p.sid))
        .flat_map(|p| p.created_events.iter().filter(|e| known.contains(*e)).map(move |e| (p.sid, e.as_str())))
        .collect();
    if loose.is_empty() {
        return Ok(());
    }
    tx.batch_execute("CREATE TEMP TABLE stage_created (sid bigint NOT NULL, event uuid NOT NULL) ON COMMIT DROP")
        .map_err(server)?;
    copy::copy(tx, "stage_created", "sid, event", &loose, |line, (sid, event)| {
        line.int(*sid);
        line.text(event);
    })?;
    let found = tx
        .query(
            "WITH links AS (
                 SELECT DISTINCT c.sid, a.pupil_id FROM stage_created c JOIN canbao.audit a ON a.event = c.event
                 WHERE a.field = 'created' AND a.pupil_id IS NOT NULL
                   AND a.pupil_id NOT IN (SELECT pupil_id FROM stage_match)
                   -- Not a pupil taken out of the county (`settle_removed`), whose history stays.
                   AND EXISTS (SELECT 1 FROM canbao.pupils p WHERE p.id = a.pupil_id)
             )
             SELECT sid, pupil_id FROM links l
             WHERE NOT EXISTS (SELECT 1 FROM links x WHERE x.sid = l.sid AND x.pupil_id <> l.pupil_id)
               AND NOT EXISTS (SELECT 1 FROM links y WHERE y.pupil_id = l.pupil_id AND y.sid <> l.sid)",
            &[],
        )
        .map_err(server)?;
    let found: Vec<(i64, i64)> = found.iter().map(|r| (r.get(0), r.get(1))).collect();
    for &(sid, pupil) in &found {
        tx.execute("INSERT INTO stage_match(sid, pupil_id) VALUES ($1, $2)", &[&sid, &pupil]).map_err(server)?;
    }
    matched.extend(found);
    Ok(())
}

/// The drive's history rows the county already has, by hash (also staged, as `stage_known`). The drive's
/// hashes stay staged for the decisions (was the county's change seen by this drive?).
fn known_events(tx: &mut postgres::Transaction, rows: &DriveRead) -> Result<Set<String>, CountyError> {
    tx.batch_execute("CREATE TEMP TABLE stage_events (event uuid NOT NULL) ON COMMIT DROP").map_err(server)?;
    copy::copy(tx, "stage_events", "event", &rows.audit, |line, e| line.text(&e.hash))?;
    tx.batch_execute(
        "ANALYZE stage_events;
         CREATE TEMP TABLE stage_known ON COMMIT DROP AS
             SELECT e.event FROM stage_events e WHERE EXISTS (SELECT 1 FROM canbao.audit a WHERE a.event = e.event);
         ANALYZE stage_known;",
    )
    .map_err(server)?;
    Ok(tx
        .query("SELECT encode(uuid_send(event), 'hex') FROM stage_known", &[])
        .map_err(server)?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Ids for `n` pupils new to the county: a block of the county's own sequence, taken in one step (asking it
/// for 100k values one by one took a second). Only pushes make pupils, and they hold [`schema::PUSH_LOCK`],
/// so no other session draws from the sequence between the two halves of the statement.
fn new_ids(tx: &mut postgres::Transaction, n: usize) -> Result<Vec<i64>, CountyError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let n = n as i64;
    let last: i64 = tx
        .query_one(
            "WITH s AS (SELECT pg_get_serial_sequence('canbao.pupils', 'id') AS seq)
             SELECT setval(s.seq, nextval(s.seq) + $1 - 1) FROM s",
            &[&n],
        )
        .map_err(server)?
        .get(0);
    Ok((last - n + 1..=last).collect())
}

/// The drive's pupils the county lacks, in the order of their creation rows (the hashes, as the county's uuid
/// columns order them; the key breaking ties, pupils without one last), each with a new county id in that order.
/// Rows that arrive in the order of an index fill it as a bulk load does, at its right edge or in one sweep,
/// not page by page at random. A new pupil's creation row is its first history row and the history goes in by
/// pupil (see [`insert_history`]), so in this order the pupils' ids and creation rows and the history's ids,
/// hashes and pupils are all filled in order, and only the pupils' keys at random; in the order of the keys
/// the two indexes of hashes were.
fn fresh_pupils<'r>(
    tx: &mut postgres::Transaction,
    rows: &'r DriveRead,
    known: &Map<i64, i64>,
    kept_out: &Map<i64, i64>,
) -> Result<Vec<(i64, &'r DrivePupil)>, CountyError> {
    let mut new: Vec<&DrivePupil> =
        rows.pupils.iter().filter(|p| !known.contains_key(&p.sid) && !kept_out.contains_key(&p.sid)).collect();
    // Lowercase hex sorts as the bytes of a uuid do; keys in byte order, as `key COLLATE "C"`.
    fn order(p: &DrivePupil) -> (bool, Option<&[u8]>, &[u8]) {
        (p.created_event.is_none(), p.created_event.as_deref().map(str::as_bytes), p.key.as_bytes())
    }
    new.sort_unstable_by(|a, b| order(a).cmp(&order(b)));
    Ok(new_ids(tx, new.len())?.into_iter().zip(new).collect())
}

/// Drops the keys and indexes of the county's bulk tables and returns the statements that build them again.
/// Only for a county made in this transaction: its tables are empty and no other session sees them before the
/// commit, so nothing reads them unindexed, and no roll-up waits on the locks. Built once after the rows, by a
/// sort, each index costs a fraction of taking 300k rows one at a time (about a third of a first push's server
/// time). The statements are read from the catalogue, so an index a later migration adds is built again too.
fn defer_indexes(tx: &mut postgres::Transaction) -> Result<Vec<String>, CountyError> {
    let rows = tx
        .query(
            "SELECT format('ALTER TABLE canbao.%I DROP CONSTRAINT %I', t.relname, c.conname),
                    format('ALTER TABLE canbao.%I ADD CONSTRAINT %I %s', t.relname, c.conname,
                           pg_get_constraintdef(c.oid)),
                    0 AS kind
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
             WHERE t.relnamespace = 'canbao'::regnamespace AND t.relname IN ('pupils', 'statuses', 'audit')
               AND c.contype IN ('p', 'u')
             UNION ALL
             SELECT format('DROP INDEX canbao.%I', x.relname), pg_get_indexdef(i.indexrelid), 1
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
             WHERE t.relnamespace = 'canbao'::regnamespace AND t.relname IN ('pupils', 'statuses', 'audit')
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
             -- Keys before the plain indexes, as the schema made them.
             ORDER BY kind",
            &[],
        )
        .map_err(server)?;
    let mut rebuild = Vec::with_capacity(rows.len());
    for row in &rows {
        tx.batch_execute(row.get::<_, &str>(0)).map_err(server)?;
        rebuild.push(row.get::<_, String>(1));
    }
    Ok(rebuild)
}

/// Statistics for each of the county's tables this push changed by more than a tenth of its rows (autovacuum's
/// own rule), in the push's transaction. The next file's decisions are planned by them: on a table never
/// analysed (a county just made, a server with autovacuum off or behind, the second file of one command
/// seconds after the first) the planner took thirty thousand staged statuses for a thousand and chose a join
/// whose time grew with the square of them (a push of 30k payments: 45–75 s, 11 s with statistics).
fn analyze_grown(tx: &mut postgres::Transaction, changed: &[(&str, f64)]) -> Result<(), CountyError> {
    for &(table, rows) in changed {
        // -1 (or 0 before PostgreSQL 14): never analysed nor vacuumed.
        // Only the table's owner (or the database's) may analyse it: a push role that is neither would have the
        // server skip it with a warning each push; autovacuum analyses those tables.
        let row = tx
            .query_one(
                "SELECT reltuples, pg_has_role(relowner, 'USAGE') OR pg_has_role(
                     (SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE')
                 FROM pg_class WHERE oid = to_regclass($1)",
                &[&format!("canbao.{table}")],
            )
            .map_err(server)?;
        let (before, may): (f32, bool) = (row.get(0), row.get(1));
        if may && rows > 0.0 && (before <= 0.0 || rows >= 50.0 + 0.1 * f64::from(before)) {
            tx.batch_execute(&format!("ANALYZE canbao.{table}")).map_err(server)?;
        }
    }
    Ok(())
}

/// Pupils new to the county (`fresh`, in key order), with every insured year's statuses, straight into the
/// county's tables: there is nothing to decide for them.
fn insert_new(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    fresh: &[(i64, &DrivePupil)],
    schools: &Map<String, i32>,
    drive_id: i32,
) -> Result<(), CountyError> {
    if fresh.is_empty() {
        return Ok(());
    }
    let into = Dest::County { drive_id };
    let audit = &rows.audit;
    let columns = format!("id, {}, {}", copy::PUPIL_COLUMNS, copy::stamp_columns(false, into));
    copy::copy(tx, "canbao.pupils", &columns, fresh, |line, &(id, p)| {
        copy::write_pupil(line, (id, p, &p.last), schools.get(&p.school).copied().unwrap_or(0), audit, into)
    })?;
    let id_of: Map<i64, i64> = fresh.iter().map(|&(id, p)| (p.sid, id)).collect();
    // In the order of the statuses' primary key (pupil, year), for the same reason as the pupils.
    let mut statuses: Vec<(i64, &DriveStatus)> =
        rows.statuses.iter().filter_map(|st| id_of.get(&st.sid).map(|&id| (id, st))).collect();
    statuses.sort_unstable_by_key(|&(id, st)| (id, st.year));
    let columns = format!("pupil_id, {}, {}", copy::STATUS_COLUMNS, copy::stamp_columns(true, into));
    copy::copy(tx, "canbao.statuses", &columns, statuses, |line, (id, st)| {
        copy::write_status(line, (0, id), (st, &st.last), audit, into)
    })
}

fn create_staging(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    tx.batch_execute(&format!(
        r#"CREATE TEMP TABLE stage_pupils (
            rid bigint NOT NULL, sid bigint NOT NULL, pupil_id bigint NOT NULL, key text COLLATE "C" NOT NULL,
            created_event uuid, id_number text NOT NULL, id_valid boolean NOT NULL, name text NOT NULL,
            school_id integer NOT NULL, grade text NOT NULL, class text NOT NULL, class_order text NOT NULL,
            phone text NOT NULL, categories jsonb NOT NULL, categories_year integer, note text NOT NULL,
            school text NOT NULL{pupil_stamps}, changed boolean NOT NULL DEFAULT false,
            -- The class rule's verdict (decide::class_verdicts): true, the drive's class wins.
            class_rule boolean,
            -- The drive holds a change of the pupil's categories the county lacks (decide::categories_news).
            categories_news boolean NOT NULL DEFAULT false
         ) ON COMMIT DROP;
         CREATE TEMP TABLE stage_statuses (
            rid bigint NOT NULL, sid bigint NOT NULL, pupil_id bigint NOT NULL, year integer NOT NULL,
            enrollment text NOT NULL, decline_reason text, payment text NOT NULL, paid_amount_fen bigint,
            paid_on text, paid_channel text, grade text, class text, class_order text, amount_due_fen bigint,
            sent_away boolean, categories jsonb, categories_year integer
            {status_stamps},
            -- The drive's payment was recorded apart from the county (decide::payments_recorded_apart).
            payment_apart boolean NOT NULL DEFAULT false,
            -- Whose record of one payment is the tax office's (decide::payments_made_apart): true, the drive's.
            payment_tax boolean,
            -- Top-ups recorded apart on the drive and in the county, joined (decide::top_ups), and the drive
            -- holding a top-up the county lacks beside a value of its own.
            payment_joined boolean NOT NULL DEFAULT false,
            payment_topped_up boolean NOT NULL DEFAULT false,
            -- One side's payment is the other's topped up by hand (decide::payments_made_apart): true, the
            -- drive's is.
            payment_built_on boolean
         ) ON COMMIT DROP;
         CREATE TEMP TABLE fresh_statuses (pupil_id bigint NOT NULL) ON COMMIT DROP;"#,
        pupil_stamps = copy::stamp_definitions(false),
        status_stamps = copy::stamp_definitions(true),
    ))
    .map_err(server)
}

/// The county's changes this drive took back since it pushed them: a change the county has whose undo (`u`, or a
/// school renamed back: `drive::taken_back`) it lacks. The two say nothing, as a merge reads them: the change is
/// withdrawn at the county (staged in `stage_undone` beside what restores took back, `by_restore` false), so the
/// group is decided as if it had never come, by the changes either side made besides it (`rewind_withdrawn`).
/// The class group, whose newest the class rule chooses from its log, is left to it.
fn withdrawn(rows: &DriveRead, known_events: &Set<String>) -> Vec<String> {
    let audit = &rows.audit;
    let county_groups = &GROUPS[..COUNTY_GROUPS.len()];
    rows.taken_back
        .iter()
        .filter(|&&(c, u)| known_events.contains(&audit[c].hash) && !known_events.contains(&audit[u].hash))
        .filter(|&&(c, _)| {
            // 民族 and 居住地址 (the merge's groups past the county's) are not the county's.
            county_groups.iter().any(|fields| {
                fields.iter().any(|f| f.key() == audit[c].field) && !fields.contains(&crate::store::Field::Class)
            })
        })
        .map(|&(c, _)| audit[c].hash.clone())
        .collect()
}

/// The events of both rows of each change and undo pair of the drive the county already holds.
fn paired_at_county(rows: &DriveRead, known_events: &Set<String>) -> Vec<String> {
    let audit = &rows.audit;
    rows.taken_back
        .iter()
        .filter(|&&(c, u)| known_events.contains(&audit[c].hash) && known_events.contains(&audit[u].hash))
        .flat_map(|&(c, u)| [audit[c].hash.clone(), audit[u].hash.clone()])
        .collect()
}

/// Stages the pupils the county has (`known`: drive row id → county id) with their statuses.
fn stage_known(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    (known, known_events): (&Map<i64, i64>, &Set<String>),
    schools: &Map<String, i32>,
) -> Result<(), CountyError> {
    create_staging(tx)?;
    // The changes the county may have from this drive that a restore of it took back, and those it took back
    // since by an undo (`withdrawn`).
    tx.batch_execute(
        "CREATE TEMP TABLE stage_undone (event uuid NOT NULL, by_restore boolean NOT NULL DEFAULT true) ON COMMIT DROP",
    )
    .map_err(server)?;
    if !rows.undone.is_empty() {
        copy::copy(tx, "stage_undone", "event", &rows.undone, |line, hash| line.text(hash))?;
    }
    let withdrawn = withdrawn(rows, known_events);
    if !withdrawn.is_empty() {
        copy::copy(tx, "stage_undone", "event, by_restore", &withdrawn, |line, hash| {
            line.text(hash);
            line.text("f");
        })?;
    }
    // A change and the undo that took it back, both at the county from earlier pushes, are ordinary history rows
    // there: read as changes, the undo would be this drive's newest and beat another laptop's value the pair never
    // touched. The rewinds (`decide::rewind_withdrawn`) leave them out, as a merge reads the pair as nothing.
    tx.batch_execute("CREATE TEMP TABLE stage_paired (event uuid NOT NULL) ON COMMIT DROP").map_err(server)?;
    let paired = paired_at_county(rows, known_events);
    if !paired.is_empty() {
        copy::copy(tx, "stage_paired", "event", &paired, |line, hash| line.text(hash))?;
    }
    // When the drive's latest restore was made (a row, or none): a value the county took back with an earlier
    // restore of it that the drive holds again (the restore undone) is news (`decide::decisions`). Kept whole, as
    // the drive stamps it and as the county's history records the restore it undoes (`decide::record_restored`):
    // cut to the second, an undo made within the second of its restore was no later than it, and went unseen.
    tx.batch_execute("CREATE TEMP TABLE stage_restored (at timestamptz NOT NULL) ON COMMIT DROP").map_err(server)?;
    if let Some(at) = rows.restored.as_ref().and_then(|(at, _)| crate::store::instant::parse(at)) {
        let whole = at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        tx.execute("INSERT INTO stage_restored VALUES ($1::text::timestamptz)", &[&whole]).map_err(server)?;
    }
    let audit = &rows.audit;
    let into = Dest::Staging;
    let columns = format!("rid, sid, pupil_id, {}, school, {}", copy::PUPIL_COLUMNS, copy::stamp_columns(false, into));
    let pupils = rows.pupils.iter().filter_map(|p| known.get(&p.sid).map(|&id| (id, p)));
    copy::copy(tx, "stage_pupils", &columns, pupils, |line, (id, p)| {
        copy::write_pupil(line, (id, p, &p.last), schools.get(&p.school).copied().unwrap_or(0), audit, into)
    })?;
    let columns = format!("rid, sid, pupil_id, {}, {}", copy::STATUS_COLUMNS, copy::stamp_columns(true, into));
    let statuses = rows.statuses.iter().enumerate().filter_map(|(rid, st)| known.get(&st.sid).map(|&id| (rid, id, st)));
    copy::copy(tx, "stage_statuses", &columns, statuses, |line, (rid, id, st)| {
        copy::write_status(line, (rid, id), (st, &st.last), audit, into)
    })
}

/// The pupils the county has (`known`; `known_events`: the drive's history rows it has): a number made valid
/// on this drive becomes the county's key, an insured year the county lacks is added, and each group is
/// decided. Returns how many pupils changed, the conflicts and the pupils the county had from another school's
/// drive.
fn update_known(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    (known, known_events): (&Map<i64, i64>, &Set<String>),
    schools: &Map<String, i32>,
    drive_id: i32,
    reveal: bool,
    brought: &Map<String, String>,
) -> Result<Known, CountyError> {
    if known.is_empty() {
        return Ok(Known::default());
    }
    stage_known(tx, file.rows, (known, known_events), schools)?;
    tx.execute(
        "WITH u AS (
            UPDATE canbao.pupils t SET key = s.key, id_number = s.id_number, id_valid = true
            FROM stage_pupils s
            WHERE t.id = s.pupil_id AND s.id_valid AND NOT t.id_valid
              AND NOT EXISTS (SELECT 1 FROM canbao.pupils o WHERE o.key = s.key)
            RETURNING s.sid
         )
         UPDATE stage_pupils s SET changed = true FROM u WHERE u.sid = s.sid",
        &[],
    )
    .map_err(server)?;
    carry_number_corrections(tx, file.rows, known_events)?;
    let (stamp_cols, stamp_values) = stamp_insert(true);
    // Each insured year's statuses, where the county has no row of that pupil and year yet.
    tx.execute(
        &format!(
            "WITH ins AS (
                INSERT INTO canbao.statuses(pupil_id, {status}, {stamp_cols})
                SELECT pupil_id, {status}, {stamp_values}
                FROM stage_statuses s
                WHERE NOT EXISTS (SELECT 1 FROM canbao.statuses t WHERE t.pupil_id = s.pupil_id AND t.year = s.year)
                RETURNING pupil_id
             )
             INSERT INTO fresh_statuses SELECT DISTINCT pupil_id FROM ins",
            status = copy::STATUS_COLUMNS,
        ),
        &[&drive_id],
    )
    .map_err(server)?;
    decide::categories_news(tx, file.rows, known_events)?;
    judge_part_payments(tx)?;
    judge_sent_away(tx)?;
    let top_ups = decide::top_ups(tx, file.rows, known_events, reveal)?;
    let settled_changed = prune_settled(tx)?;
    fill_closed_years(tx)?;
    decide::payments_recorded_apart(tx, file.rows, known_events)?;
    let paid_apart = decide::payments_made_apart(tx, file.rows, known_events, reveal)?;
    decide::find_contradictions(tx, file.rows.current_year)?;
    decide::class_verdicts(tx, file.rows, known_events)?;
    stage_other_school(tx)?;
    let mut conflicts = Vec::new();
    let mut restored: Set<i64> = Set::default();
    let mut restore_rows = 0;
    for g in &COUNTY_GROUPS {
        let year = file.rows.current_year;
        let names = decide::Names { this_file: &file.shown, brought, audit: &file.rows.audit };
        decide::rewind_withdrawn(tx, g)?;
        if g.prefix == "categories" {
            conflicts.extend(decide::unite_categories(tx, file.rows, known_events, &names, drive_id, year, reveal)?);
        }
        conflicts.extend(decide::conflicts_of(tx, g, &names, year, reveal)?);
        // A restore undone since holds again what it took back, so nothing of it is `undone`: what it brings
        // back is recorded as the restore's taking back is.
        if !file.rows.undone.is_empty() || file.rows.restored.is_some() {
            let (pupils, rows) = decide::record_restored(tx, g, drive_id, file.rows.restored.as_ref(), year)?;
            restored.extend(pupils);
            restore_rows += rows;
        }
        decide::apply_group(tx, g, drive_id, year)?;
    }
    let withdrawn = decide::payments_withdrawn(tx, reveal)?;
    decide::follow_the_promotion(tx)?;
    // A pupil paid apart is said by its own line, which gives each side's date and channel: those fields are not
    // listed again as conflicts beside it.
    let paid_apart_year: Set<(i64, i32)> = paid_apart.iter().map(|p| (p.pupil, p.year)).collect();
    let payment_fields: Vec<&str> = crate::store::made_apart::PAYMENT_GROUP.iter().map(|f| f.key()).collect();
    conflicts.retain(|c| {
        !(c.year.is_some_and(|y| paid_apart_year.contains(&(c.pupil, y))) && payment_fields.contains(&c.field.as_str()))
    });
    let others = other_school_pupils(tx, file, drive_id, reveal)?;
    let updated: i64 = tx.query_one("SELECT count(*) FROM stage_pupils WHERE changed", &[]).map_err(server)?.get(0);
    Ok(Known {
        updated: settled_changed + updated as usize,
        conflicts,
        others,
        restored: restored.len(),
        restore_rows,
        top_ups,
        paid_apart,
        withdrawn,
    })
}

/// A valid number corrected to another valid one on the drive (`E`, a corrected list), by a change the county
/// lacks: the county's pupil takes it, as a merge takes it from the other laptop's history, unless the county
/// holds a later correction of that pupil's number the drive has not seen (the newer wins, as in a merge), or
/// another of its pupils holds the number. The pupils corrected count as updated.
fn carry_number_corrections(
    tx: &mut postgres::Transaction,
    rows: &DriveRead,
    known_events: &Set<String>,
) -> Result<(), CountyError> {
    let number_of: Map<i64, &str> = rows.pupils.iter().map(|p| (p.sid, p.id_number.as_str())).collect();
    let mut newest: Map<i64, &str> = Map::default();
    for e in &rows.audit {
        let (Some(sid), Some(at)) = (e.sid, e.at.as_deref()) else { continue };
        if e.field != "id_number" || e.action == "merge" || known_events.contains(&e.hash) {
            continue;
        }
        if e.new.as_deref() == number_of.get(&sid).copied() {
            // The log's order: a later row is the later change.
            newest.insert(sid, at);
        }
    }
    if newest.is_empty() {
        return Ok(());
    }
    let (sids, ats): (Vec<i64>, Vec<&str>) = newest.into_iter().unzip();
    tx.execute(
        "WITH c AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS v(sid, at)),
         u AS (
            UPDATE canbao.pupils t SET key = s.key, id_number = s.id_number
            FROM stage_pupils s JOIN c ON c.sid = s.sid
            WHERE t.id = s.pupil_id AND s.id_valid AND t.id_valid AND t.id_number <> s.id_number
              AND NOT EXISTS (SELECT 1 FROM canbao.pupils o WHERE o.key = s.key)
              AND NOT EXISTS (SELECT 1 FROM canbao.audit a
                              WHERE a.pupil_id = t.id AND a.field = 'id_number' AND a.at > c.at::timestamptz
                                AND a.event NOT IN (SELECT event FROM stage_events))
            RETURNING s.sid
         )
         UPDATE stage_pupils s SET changed = true FROM u WHERE u.sid = s.sid",
        &[&sids, &ats],
    )
    .map_err(server)?;
    Ok(())
}

/// What [`update_known`] did to the pupils the county has.
#[derive(Default)]
struct Known {
    updated: usize,
    conflicts: Vec<PushConflict>,
    others: Vec<OtherSchoolPupil>,
    /// Pupils whose values a restore of the drive took back (see `decide::record_restored`).
    restored: usize,
    /// The history rows recording what it took back.
    restore_rows: u64,
    /// Payments topped up apart on the drive and in the county, every top-up counted (see `decide::top_ups`).
    top_ups: Vec<TopUpsJoined>,
    /// Payments marked apart on the drive and in the county (see `decide::payments_made_apart`).
    paid_apart: Vec<PaidApart>,
    /// Payments the drive holds that the county knows were taken back (see `decide::payments_withdrawn`).
    withdrawn: Vec<PaymentWithdrawn>,
}

/// Stages, before the decisions, the pupils of [`OtherSchoolPupil`]: under another school in the county than on
/// this drive, the county's pupil holding none of this drive's creation rows (`stage_known`).
fn stage_other_school(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    tx.batch_execute(
        "CREATE TEMP TABLE stage_other_school ON COMMIT DROP AS
             SELECT s.sid, s.pupil_id, t.school_id AS county_school_id, s.school_id AS drive_school_id
             FROM stage_pupils s
             JOIN canbao.pupils t ON t.id = s.pupil_id
             WHERE t.school_id <> s.school_id
               AND NOT EXISTS (SELECT 1 FROM canbao.audit a
                               WHERE a.pupil_id = t.id AND a.field = 'created'
                                 AND a.event IN (SELECT event FROM stage_known));",
    )
    .map_err(server)
}

/// The pupils staged by [`stage_other_school`], with the school the decisions left them in; each recorded in
/// `canbao.other_school_pupils` for the roll-up.
fn other_school_pupils(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    drive_id: i32,
    reveal: bool,
) -> Result<Vec<OtherSchoolPupil>, CountyError> {
    tx.execute(
        "INSERT INTO canbao.other_school_pupils(pupil_id, drive_id, county_school_id, drive_school_id)
         SELECT pupil_id, $1, county_school_id, drive_school_id FROM stage_other_school
         ON CONFLICT (pupil_id, drive_id) DO UPDATE
             SET county_school_id = excluded.county_school_id, drive_school_id = excluded.drive_school_id
             -- One a restore of the drive settled (`rewind_removed`) counts again.
             WHERE other_school_pupils.county_school_id = other_school_pupils.drive_school_id",
        &[&drive_id],
    )
    .map_err(server)?;
    let rows = tx
        .query(
            "SELECT s.id_number, s.name, c.name, s.school, k.name
             FROM stage_other_school o JOIN stage_pupils s ON s.sid = o.sid
             JOIN canbao.pupils t ON t.id = o.pupil_id
             JOIN canbao.schools c ON c.id = o.county_school_id JOIN canbao.schools k ON k.id = t.school_id
             ORDER BY s.class_order, s.name, s.key",
            &[],
        )
        .map_err(server)?;
    Ok(rows
        .iter()
        .map(|r| {
            let id_number: String = r.get(0);
            OtherSchoolPupil {
                file: file.shown.clone(),
                id_number: crate::domain::id_number::shown(&id_number, reveal),
                name: r.get(1),
                county_school: r.get(2),
                drive_school: r.get(3),
                kept_school: r.get(4),
            }
        })
        .collect())
}

/// Where the county holds the drive's own payment (the same change, the same amount and date), the drive's
/// judgement of it now: whether it falls short of the amount due (部分缴费) hangs on the drive's policy and its
/// certified categories, which change with no change to the payment, and a status pushed before county schema 8
/// has no judgement yet. The pupils whose judgement changed count as updated.
fn judge_part_payments(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    tx.execute(
        "WITH judged AS (
            UPDATE canbao.statuses t SET amount_due_fen = s.amount_due_fen
            FROM stage_statuses s
            WHERE t.pupil_id = s.pupil_id AND t.year = s.year
              AND t.payment_event IS NOT DISTINCT FROM s.payment_event
              AND (t.payment, t.paid_amount_fen, t.paid_on) IS NOT DISTINCT FROM (s.payment, s.paid_amount_fen, s.paid_on)
              AND t.amount_due_fen IS DISTINCT FROM s.amount_due_fen
            RETURNING s.sid
         )
         UPDATE stage_pupils p SET changed = true FROM judged j WHERE j.sid = p.sid",
        &[],
    )
    .map_err(server)?;
    Ok(())
}

/// The drive's judgement of whether its policy sends the pupil to enroll away from school (`sent_away`), for the
/// year it judged: it hangs on the policy and the certified categories, which change with no change to the
/// status, and a status pushed before county schema 9 has none. The pupils whose judgement changed count as
/// updated.
fn judge_sent_away(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    tx.execute(
        "WITH judged AS (
            UPDATE canbao.statuses t SET sent_away = s.sent_away
            FROM stage_statuses s
            WHERE t.pupil_id = s.pupil_id AND t.year = s.year AND s.sent_away IS NOT NULL
              -- A status pushed before schema 9 (NULL) is counted as one sent nowhere: judged so, it is unchanged.
              AND COALESCE(t.sent_away, false) <> s.sent_away
            RETURNING s.sid
         )
         UPDATE stage_pupils p SET changed = true FROM judged j WHERE j.sid = p.sid",
        &[],
    )
    .map_err(server)?;
    Ok(())
}

/// Drops from staging the rows whose every group the county has from the same change, and whose closed
/// year's class it has too: most of a drive pushed again. The sixteen decision statements then run over what is left. A pupil stays while one of its statuses
/// does. Returns how many of the pupils dropped had changed (a number made valid, a new insured year), for
/// the count of pupils updated.
fn prune_settled(tx: &mut postgres::Transaction) -> Result<usize, CountyError> {
    let same = |yearly: bool| {
        COUNTY_GROUPS
            .iter()
            .filter(|g| g.yearly == yearly)
            .map(|g| {
                format!(
                    "(s.{0}_event IS NOT DISTINCT FROM t.{0}_event
                      OR (s.{0}_event IS NULL
                          -- Unless a restore of the drive took the county's change back.
                          AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{0}_event)))",
                    g.prefix
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    tx.batch_execute(&format!(
        "UPDATE stage_pupils SET changed = true WHERE pupil_id IN (SELECT pupil_id FROM fresh_statuses);
         DELETE FROM stage_statuses s USING canbao.statuses t
         WHERE t.pupil_id = s.pupil_id AND t.year = s.year AND {}
           -- A closed year's class or categories the county lacks are still to be filled (fill_closed_years).
           AND NOT (t.class IS NULL AND s.class IS NOT NULL)
           AND NOT (t.categories IS NULL AND s.categories IS NOT NULL)
           -- A top-up the county lacks behind a newest change it has (decide::top_ups).
           AND NOT s.payment_topped_up;",
        same(true),
    ))
    .map_err(server)?;
    let changed: i64 = tx
        .query_one(
            &format!(
                "WITH gone AS (
                    DELETE FROM stage_pupils s USING canbao.pupils t
                    WHERE t.id = s.pupil_id AND {}
                      -- NOT IN: a hashed list whatever the planner guesses of the unanalysed tables.
                      AND s.sid NOT IN (SELECT sid FROM stage_statuses)
                      -- Categories are united: a certification the county lacks is news whatever the stamp.
                      AND NOT s.categories_news
                    RETURNING s.changed
                 )
                 SELECT count(*) FROM gone WHERE changed",
                same(false)
            ),
            &[],
        )
        .map_err(server)?
        .get(0);
    tx.batch_execute("ANALYZE stage_pupils; ANALYZE stage_statuses;").map_err(server)?;
    Ok(changed as usize)
}

/// A closed year's class and categories where the county has none: a status row pushed before the drive closed
/// the year (or by a canbao before county schema 4) takes the class the drive kept when it closed it, and one
/// pushed before the pupil's categories changed after the year closed (or before schema 10) the set the drive
/// kept then. Neither is ever replaced once the county has it: the drive writes each once, so two drives differ
/// only when their copies were edited apart, and then the county keeps the one it received first, so a closed
/// year's counts do not shift with each laptop's push. Deterministic: each county row has at most one staged
/// row (pupils are matched one to one, a drive holds one row per pupil and year). The pupils whose class or
/// categories were filled count as updated.
fn fill_closed_years(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    let class = "t.class IS NULL AND s.class IS NOT NULL";
    let categories = "t.categories IS NULL AND s.categories IS NOT NULL";
    let fill = |condition: &str, columns: &[&str]| {
        columns.iter().map(|c| format!("{c} = CASE WHEN {condition} THEN s.{c} ELSE t.{c} END")).collect::<Vec<_>>()
    };
    let sets = [fill(class, &["grade", "class", "class_order"]), fill(categories, &["categories", "categories_year"])];
    tx.execute(
        &format!(
            "WITH filled AS (
                UPDATE canbao.statuses t SET {}
                FROM stage_statuses s
                WHERE t.pupil_id = s.pupil_id AND t.year = s.year AND (({class}) OR ({categories}))
                RETURNING s.sid
             )
             UPDATE stage_pupils p SET changed = true FROM filled f WHERE f.sid = p.sid",
            sets.concat().join(", ")
        ),
        &[],
    )
    .map_err(server)?;
    Ok(())
}

/// The stamp columns of the pupil groups (`yearly` false) or the status groups for an insert from staging:
/// (`x_at, x_origin, x_event, x_drive`, the values).
fn stamp_insert(yearly: bool) -> (String, String) {
    let groups = || COUNTY_GROUPS.iter().filter(move |g| g.yearly == yearly);
    let cols = copy::stamp_columns(yearly, Dest::County { drive_id: 0 });
    let values = groups()
        .map(|g| {
            format!(
                "s.{0}_at, s.{0}_origin, s.{0}_event, CASE WHEN s.{0}_event IS NULL THEN NULL ELSE $1::integer END",
                g.prefix
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    (cols, values)
}

/// The categories (特殊群体) the drive has marked, for the county's list of them.
fn insert_categories(tx: &mut postgres::Transaction, rows: &DriveRead) -> Result<(), CountyError> {
    let mut names: Vec<String> = Vec::new();
    for p in rows.pupils.iter().filter(|p| p.categories != "[]") {
        if let Ok(serde_json::Value::Array(list)) = serde_json::from_str(&p.categories) {
            names.extend(list.iter().filter_map(|c| c.get("name")?.as_str().map(str::to_owned)));
        }
    }
    names.sort_unstable();
    names.dedup();
    if !names.is_empty() {
        tx.execute(
            "INSERT INTO canbao.categories(name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING",
            &[&names],
        )
        .map_err(server)?;
    }
    Ok(())
}

/// The drive's history rows the county lacks, each once (a drive can hold the same change twice, e.g. merged
/// in from two copies), in the order of their county pupils, each pupil's in the drive's order (the rows of no
/// pupil last, as the index on pupils orders them). Returns their hashes.
///
/// By pupil, not in the drive's order: the county numbers new pupils in the order of their creation rows (see
/// [`fresh_pupils`]), not the drive's, and rows arriving in the drive's order went into its indexes on pupils
/// and on hashes at random, a descent of the index each; by pupil they go on at the right edge of the one and
/// in one sweep through the other (another school's 100k drive into a county that has one: the server's CPU
/// for the history's COPY about halved).
fn insert_history<'r>(
    tx: &mut postgres::Transaction,
    rows: &'r DriveRead,
    known_events: &Set<String>,
    pupil_of: &Map<i64, i64>,
    drive_id: i32,
) -> Result<Vec<&'r str>, CountyError> {
    let mut seen: Set<&str> = Set::default();
    let mut new: Vec<(Option<i64>, &DriveEvent)> = rows
        .audit
        .iter()
        .filter(|e| !known_events.contains(&e.hash) && seen.insert(e.hash.as_str()))
        .map(|e| (e.sid.and_then(|sid| pupil_of.get(&sid).copied()), e))
        .collect();
    if new.is_empty() {
        return Ok(Vec::new());
    }
    // Stable: each pupil's rows keep the drive's order.
    new.sort_by_key(|&(pupil, _)| (pupil.is_none(), pupil));
    // A creation row that is its pupil's newest change of school carries the school (the drive's value is the
    // one it gave), and likewise its name and class: should a restore take another drive's creation of the pupil
    // back, the county has them to go back to (`rewind_removed`, `rewind_identity`). A later change of any of
    // them carries its own value.
    let group = |field| GROUPS.iter().position(|g| g.contains(&field));
    let (school, name, class) = (group(Field::School), group(Field::Name), group(Field::Class));
    let mut created_in: Map<&str, (i64, copy::Created)> = Map::default();
    let mut shared: Set<&str> = Set::default();
    for p in &rows.pupils {
        for (g, slot) in [(school, 0), (name, 1), (class, 2)] {
            let Some(e) = g.and_then(|g| p.last[g]).map(|e| &rows.audit[e]).filter(|e| e.field == "created") else {
                continue;
            };
            let (owner, created) = created_in.entry(e.hash.as_str()).or_insert((p.sid, copy::Created::default()));
            // A creation row two pupils hold (a merge that paired two laptops' imports) names neither's values.
            if *owner != p.sid {
                shared.insert(e.hash.as_str());
                continue;
            }
            match slot {
                0 => created.school = Some(p.school.as_str()),
                1 => created.name = Some(p.name.as_str()),
                _ => created.class = Some((p.grade.as_str(), p.class.as_str())),
            }
        }
    }
    copy::copy(tx, "canbao.audit", copy::EVENT_COLUMNS, &new, |line, &(pupil, e)| {
        let hash = e.hash.as_str();
        let created = created_in.get(hash).filter(|_| !shared.contains(hash)).map(|c| c.1).unwrap_or_default();
        copy::write_event(line, e, drive_id, pupil, created)
    })?;
    Ok(new.iter().map(|(_, e)| e.hash.as_str()).collect())
}

/// Pushes one drive in the caller's transaction (which holds the push lock and has migrated the schema).
/// `brought`: the changes earlier files of this push brought to the county (hash → the file's path as given),
/// to which the county's side of a conflict is credited; this file's are added to it.
fn push_file(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    (new_county, reveal, accept_clock): (bool, bool, bool),
    remove: Option<(&str, bool)>,
    brought: &mut Map<String, String>,
) -> Result<FileDone, CountyError> {
    let rows = file.rows;
    let drive_id = drive_row(tx, file)?;
    let schools = school_ids(tx, rows)?;
    // A county this push has just made holds nothing to match and no history: its tables take the drive as it
    // is, their keys built after the rows.
    let (known, events, rebuild, look_alikes) = if new_county {
        (Map::default(), Set::default(), defer_indexes(tx)?, 0)
    } else {
        let events = known_events(tx, rows)?;
        let (known, look_alikes) = match_pupils(tx, rows, &events)?;
        (known, events, Vec::new(), look_alikes)
    };
    if !accept_clock {
        clock_check(tx, file, &events)?;
    }
    // Pupils the county took out are not added again: to the match they are held, by no pupil of the county's.
    let kept_out = if new_county { Vec::new() } else { removed_at_county(tx, rows, &known, reveal)? };
    let held_out: Map<i64, i64> = kept_out.iter().map(|(sid, p)| (*sid, p.pupil)).collect();
    let fresh = fresh_pupils(tx, rows, &known, &held_out)?;
    insert_new(tx, rows, &fresh, &schools, drive_id)?;
    let Known { updated, conflicts, others, restored, restore_rows, top_ups, paid_apart, withdrawn } =
        update_known(tx, file, (&known, &events), &schools, drive_id, reveal, brought)?;
    insert_categories(tx, rows)?;
    let pupil_of: Map<i64, i64> =
        known.iter().map(|(&s, &p)| (s, p)).chain(fresh.iter().map(|&(id, p)| (p.sid, id))).collect();
    let held: Vec<i64> = pupil_of.values().copied().collect();
    let found = removed_here(tx, rows, &held, reveal)?;
    let said_before = if new_county { None } else { restore_said(tx, drive_id)? };
    let (removed_from_county, restore_removed) = settle_removed(tx, rows, (drive_id, remove), found)?;
    let rewound = if new_county { Rewound::default() } else { rewind_removed(tx, rows, &held, drive_id)? };
    let not_moved_back = not_moved_back(tx, rows, drive_id, (&rewound.unknown, said_before), reveal)?;
    // The history of a pupil kept out goes with the pupil taken out, where the rest of it is.
    let pupil_of: Map<i64, i64> = pupil_of.into_iter().chain(held_out).collect();
    let inserted = insert_history(tx, rows, &events, &pupil_of, drive_id)?;
    for build in &rebuild {
        tx.batch_execute(build).map_err(server)?;
    }
    let changed = (fresh.len() + updated) as f64;
    analyze_grown(tx, &[("pupils", changed), ("statuses", changed), ("audit", inserted.len() as f64)])?;
    // The rows recording what a restore took back are history new to the county too.
    let audit_rows = inserted.len() as u64 + restore_rows + rewound.rows;
    brought.extend(inserted.into_iter().map(|hash| (hash.to_owned(), file.shown.clone())));
    let students = rows.pupils.len();
    let report = FilePush {
        file: file.shown.clone(),
        year: rows.current_year,
        students,
        added: fresh.len(),
        updated,
        unchanged: students - fresh.len() - updated - kept_out.len(),
        conflicts: conflicts.len(),
        audit_rows,
        other_school_pupils: others.len(),
        restored: restored + rewound.pupils,
        look_alikes,
        top_ups_joined: top_ups.len(),
        top_ups,
        paid_apart,
        restore_removed,
        not_moved_back,
        removed_from_county,
        kept_out: kept_out.into_iter().map(|(_, p)| p).collect(),
        payments_withdrawn: withdrawn,
    };
    // The staging tables go with the transaction; a second file in the same one makes its own.
    tx.batch_execute(
        "DROP TABLE IF EXISTS stage_keys, stage_match, stage_events, stage_known, stage_pupils, stage_statuses, fresh_statuses,
             stage_contradicted, stage_created, stage_united, stage_other_school, stage_undone, stage_paired, stage_restored",
    )
    .map_err(server)?;
    Ok((report, conflicts, others))
}

/// Refuses a drive whose newest change the county lacks is stamped later than the server's clock by more than
/// a merge allows (`merge_notes::CLOCK_AHEAD_MINUTES`): the laptop that made it runs fast, and the county, which
/// goes by when changes were made, would let its changes win over later ones, as a merge refuses such a file.
fn clock_check(tx: &mut postgres::Transaction, file: &DriveFile, known: &Set<String>) -> Result<(), CountyError> {
    use crate::store::instant;
    let newest = file
        .rows
        .audit
        .iter()
        .filter(|e| !known.contains(&e.hash))
        .filter_map(|e| Some((instant::parse(e.at.as_deref()?)?, e)))
        .max_by_key(|(t, _)| *t);
    let Some((newest, e)) = newest else { return Ok(()) };
    let now: f64 = tx.query_one("SELECT extract(epoch FROM now())::float8", &[]).map_err(server)?.get(0);
    let Some(now) = chrono::DateTime::from_timestamp(now as i64, 0) else { return Ok(()) };
    let minutes = (newest - now).num_minutes();
    if minutes <= crate::store::merge_notes::CLOCK_AHEAD_MINUTES {
        return Ok(());
    }
    let shown = |at: &str| instant::beijing_minutes(at);
    Err(CountyError::ClockAhead {
        file: file.shown.clone(),
        newest: shown(e.at.as_deref().unwrap_or_default()),
        now: shown(&instant::to_text(now)),
        minutes,
    })
}

/// What one file's push did: its counts, its conflicts, the pupils the county had from another school's drive.
type FileDone = (FilePush, Vec<PushConflict>, Vec<OtherSchoolPupil>);

/// Records, in the county's history and in the push's own transaction, that `operator` was shown the full
/// numbers of the pupils in `conflicts` and `others`: exposure is an event, as `--reveal` is on a laptop.
fn record_reveal(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    conflicts: &[PushConflict],
    others: &[OtherSchoolPupil],
    (top_ups, paid_apart, removed, withdrawn): (&[TopUpsJoined], &[PaidApart], &[RemovedPupil], &[PaymentWithdrawn]),
    operator: &str,
) -> Result<(), CountyError> {
    let mut numbers: Vec<&str> = conflicts.iter().map(|c| c.id_number.as_str()).collect();
    numbers.extend(others.iter().map(|o| o.id_number.as_str()));
    numbers.extend(top_ups.iter().map(|j| j.id_number.as_str()));
    numbers.extend(paid_apart.iter().map(|p| p.id_number.as_str()));
    numbers.extend(removed.iter().map(|p| p.id_number.as_str()));
    numbers.extend(withdrawn.iter().map(|p| p.id_number.as_str()));
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number, field,
                                  new)
         SELECT gen_random_uuid(), d.id, p.id, now(),
                to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), $2, 'county', 'reveal',
                p.id_number, 'id_number', 'push'
         FROM canbao.pupils p, canbao.drives d
         WHERE p.id_number = ANY($1) AND d.name = $3 AND d.first_event = $4",
        &[&numbers, &operator, &file.name, &file.rows.first_event()],
    )
    .map_err(server)?;
    Ok(())
}

/// The reveal of the pupils `--remove-restored` took out (shown in full with `--reveal`): they are no longer
/// among the county's pupils [`record_reveal`] finds them in, so each is written from the removal's own row.
fn record_reveal_removed(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    removed: &[RemovedPupil],
    operator: &str,
) -> Result<(), CountyError> {
    if removed.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = removed.iter().map(|p| p.pupil).collect();
    tx.execute(
        "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number, field,
                                  new)
         SELECT gen_random_uuid(), d.id, a.pupil_id, now(),
                to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), $2, 'county', 'reveal',
                a.id_number, 'id_number', 'push'
         FROM (SELECT DISTINCT pupil_id, id_number FROM canbao.audit WHERE action = 'remove' AND pupil_id = ANY($1)) a,
              canbao.drives d
         WHERE d.name = $3 AND d.first_event = $4",
        &[&ids, &operator, &file.name, &file.rows.first_event()],
    )
    .map_err(server)?;
    Ok(())
}

/// Each file in its own transaction, one push at a time across the county (a roll-up never waits). `reveal`:
/// the operator shown full ID numbers in conflicts, recorded in the county's history (a dry run writes
/// nothing, so it cannot reveal).
///
/// A dry run must report what the push would: each file meets the county as the files before it left it. So
/// it runs every file in one transaction, each in a savepoint of its own as the push gives each a transaction
/// of its own, and rolls the whole back, schema included.
///
/// A file with no pupils is left out and listed in the report's `skipped` (see [`skipped`]). `waiting` is
/// called when another push holds the lock, before this one waits for it. `remove`: the operator taking out of
/// the county the pupils each drive's restores removed (`--remove-restored`, see [`FilePush::removed_from_county`]).
pub fn push_all(
    client: &mut postgres::Client,
    files: &[DriveFile],
    (dry_run, accept_clock, remove): (bool, bool, Option<&str>),
    reveal: Option<&str>,
    limit: Duration,
    waiting: &dyn Fn(&Holder),
) -> Result<PushReport, CountyError> {
    if dry_run && reveal.is_some() {
        return Err(CountyError::RevealInDryRun);
    }
    placeholder_school(files)?;
    let mut report = PushReport { dry_run, skipped: skipped(files), ..Default::default() };
    let files: Vec<&DriveFile> = files.iter().filter(|f| !f.rows.pupils.is_empty()).collect();
    if files.is_empty() {
        return Ok(report);
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    prepare_session(client, &application_name(&names))?;
    if let (Some(_), false) = (remove, dry_run) {
        may_remove(client)?;
    }
    let mut brought = Map::default();
    if dry_run {
        let mut outer = client.transaction().map_err(server)?;
        for file in files {
            let mut tx = outer.transaction().map_err(server)?;
            let remove = remove.map(|operator| (operator, false));
            let done = push_one(&mut tx, file, (None, accept_clock, remove), &mut brought, (limit, waiting))?;
            tx.commit().map_err(server)?;
            report.add(done);
        }
        outer.rollback().map_err(server)?;
    } else {
        for file in files {
            let mut tx = client.transaction().map_err(server)?;
            let remove = remove.map(|operator| (operator, true));
            let done = push_one(&mut tx, file, (reveal, accept_clock, remove), &mut brought, (limit, waiting))?;
            let in_file = |e| CountyError::File { file: file.shown.clone(), reason: server(e).to_string() };
            tx.commit().map_err(in_file)?;
            report.add(done);
        }
    }
    Ok(report)
}

/// Refuses, before any file is sent, drives holding pupils under the placeholder school 「本校」 (the school
/// an import gives rows when no list named theirs): the county files schools by name, so two schools' drives
/// would become one county school whose classes hold both schools' pupils, and nothing would tell them apart.
/// Checked for every file first, as each file commits on its own.
fn placeholder_school(files: &[DriveFile]) -> Result<(), CountyError> {
    let placeholder = crate::io::class_list::DEFAULT_SCHOOL;
    let holding: Vec<(&DriveFile, usize)> = files
        .iter()
        .map(|f| (f, f.rows.pupils.iter().filter(|p| p.school == placeholder).count()))
        .filter(|&(_, n)| n > 0)
        .collect();
    let Some((first, _)) = holding.first() else {
        return Ok(());
    };
    Err(CountyError::PlaceholderSchool {
        files: holding.iter().map(|(f, _)| f.shown.as_str()).collect::<Vec<_>>().join("、"),
        pupils: holding.iter().map(|&(_, n)| n).sum(),
        // Quoted as every command canbao says is: a path with a space, typed as printed, is one word.
        command: crate::words::canbao_command(
            Some(std::path::Path::new(&first.shown)),
            &format!("school rename {} 学校全称", crate::words::shell_word(placeholder)),
        ),
    })
}

/// Refuses `--remove-restored` to a user who may not delete the county's pupils before any file is pushed: each
/// file commits on its own, so a refusal met at the second file would leave the first pushed. A county not made
/// yet is made by this user, who then owns it.
fn may_remove(client: &mut postgres::Client) -> Result<(), CountyError> {
    let may: bool = client
        .query_one(
            "SELECT coalesce(bool_and(has_table_privilege(current_user, to_regclass(t), 'DELETE')), true)
             FROM unnest(ARRAY['canbao.pupils', 'canbao.statuses', 'canbao.other_school_pupils']) AS t
             WHERE to_regclass(t) IS NOT NULL",
            &[],
        )
        .map_err(server)?
        .get(0);
    if may {
        return Ok(());
    }
    let user: String = client.query_one("SELECT current_user::text", &[]).map_err(server)?.get(0);
    Err(CountyError::MayNotRemove { user })
}

/// One file in `tx` (a transaction, or a dry run's savepoint), which the caller commits or rolls back.
fn push_one(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    (reveal, accept_clock, remove): (Option<&str>, bool, Option<(&str, bool)>),
    brought: &mut Map<String, String>,
    (limit, waiting): (Duration, &dyn Fn(&Holder)),
) -> Result<FileDone, CountyError> {
    let in_file = |e: CountyError| CountyError::File { file: file.shown.clone(), reason: e.to_string() };
    take_lock(tx, limit, waiting).map_err(in_file)?;
    // The push's statements each run once over rows they have just been given: compiling them (JIT) took
    // longer than running them. Its ANALYZEs are for the next statement's plan (row counts, distinct keys),
    // which a sample of 3,000 rows gives as well as one of 30,000 at a tenth of the cost (a 100k drive into a
    // 100k county: the county tables' ANALYZE 0.7 s -> 0.07 s); autovacuum's own ANALYZE, which the push's rows
    // set off, brings the default statistics back.
    tx.batch_execute("SET LOCAL jit = off; SET LOCAL default_statistics_target = 10").map_err(server)?;
    let new_county = schema::migrate(tx)?;
    let (one, conflicts, others) = push_file(tx, file, (new_county, reveal.is_some(), accept_clock), remove, brought)
        .map_err(|e| match e {
        // Names its file already, and is not the file's fault but a clock's (or the user's rights).
        e @ (CountyError::ClockAhead { .. } | CountyError::MayNotRemove { .. }) => e,
        e => in_file(e),
    })?;
    if let Some(operator) = reveal {
        // The pupils named as kept where a restore's taking back left them are shown as those it removed are.
        let removed: Vec<RemovedPupil> =
            one.restore_removed.iter().chain(one.not_moved_back.iter().map(|n| &n.pupil)).cloned().collect();
        let listed = (&one.top_ups[..], &one.paid_apart[..], &removed[..], &one.payments_withdrawn[..]);
        record_reveal(tx, file, &conflicts, &others, listed, operator).map_err(in_file)?;
        record_reveal_removed(tx, file, &one.removed_from_county, operator).map_err(in_file)?;
        record_reveal_removed(tx, file, &one.kept_out, operator).map_err(in_file)?;
    }
    Ok((one, conflicts, others))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    pub files: Vec<FilePush>,
    /// Files given and not sent (no pupils), each with why.
    pub skipped: Vec<SkippedFile>,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<PushConflict>,
    /// Every file's pupils the county had from another school's drive (see [`OtherSchoolPupil`]).
    pub other_school_pupils: Vec<OtherSchoolPupil>,
    pub dry_run: bool,
}

impl PushReport {
    fn add(&mut self, (one, conflicts, others): FileDone) {
        self.other_school_pupils.extend(others);
        self.added += one.added;
        self.updated += one.updated;
        self.unchanged += one.unchanged;
        self.files.push(one);
        self.conflicts.extend(conflicts);
    }
}
