//! The decisions of a push for the pupils the county already has: group of fields by group, the drive's newest
//! change is kept when it is newer than the county's (as a merge keeps it), and listed as a conflict when
//! the two were made apart. Set-based statements over the staging tables `push` fills.

use serde::Serialize;

use super::CountyError;
use crate::domain::coverage::Standing;
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::store::{Field, class_rule, made_apart};

/// What one field of the county's tables is, for the statements a group needs.
pub struct Group {
    /// The prefix of the group's stamp columns (`{prefix}_at`, `_origin`, `_event`, `_drive`).
    pub prefix: &'static str,
    /// Enrollment and payment are statuses of an insured year: `canbao.statuses`, else `canbao.pupils`.
    pub yearly: bool,
    /// Columns set from the staging row of the same name.
    pub sets: &'static [&'static str],
    /// (field as the audit log names it, the county's value as text, the drive's value as text).
    pub fields: &'static [(Field, &'static str, &'static str)],
}

/// In `store::merge::GROUPS` order (a test holds them together).
pub const COUNTY_GROUPS: [Group; super::drive::COUNTY_GROUP_COUNT] = [
    Group {
        prefix: "school",
        yearly: false,
        sets: &["school_id"],
        fields: &[(Field::School, "(SELECT name FROM canbao.schools WHERE id = t.school_id)", "s.school")],
    },
    Group { prefix: "name", yearly: false, sets: &["name"], fields: &[(Field::Name, "t.name", "s.name")] },
    Group {
        prefix: "class",
        yearly: false,
        sets: &["grade", "class", "class_order"],
        fields: &[(Field::Grade, "t.grade", "s.grade"), (Field::Class, "t.class", "s.class")],
    },
    Group { prefix: "phone", yearly: false, sets: &["phone"], fields: &[(Field::Phone, "t.phone", "s.phone")] },
    Group {
        prefix: "enrollment",
        yearly: true,
        sets: &["enrollment", "decline_reason"],
        fields: &[
            (Field::Enrollment, "t.enrollment", "s.enrollment"),
            (Field::DeclineReason, "t.decline_reason", "s.decline_reason"),
        ],
    },
    Group {
        prefix: "payment",
        yearly: true,
        // The amount due goes with the payment it was judged against, by the laptop that recorded it.
        sets: &["payment", "paid_amount_fen", "paid_on", "paid_channel", "amount_due_fen"],
        fields: &[
            (Field::Payment, "t.payment", "s.payment"),
            (Field::PaidAmount, "t.paid_amount_fen::text", "s.paid_amount_fen::text"),
            (Field::PaidOn, "t.paid_on", "s.paid_on"),
            (Field::PaidChannel, "t.paid_channel", "s.paid_channel"),
        ],
    },
    Group {
        prefix: "categories",
        yearly: false,
        sets: &["categories", "categories_year"],
        fields: &[
            (Field::Categories, "t.categories::text", "s.categories::text"),
            (Field::CategoriesYear, "t.categories_year::text", "s.categories_year::text"),
        ],
    },
    Group { prefix: "note", yearly: false, sets: &["note"], fields: &[(Field::Note, "t.note", "s.note")] },
];

/// The same pupil's field set differently on two drives, neither having seen the other's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushConflict {
    pub file: String,
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    pub school: String,
    /// The insured year, for a status.
    pub year: Option<i32>,
    pub field: String,
    pub kept: Option<String>,
    pub kept_at: Option<String>,
    pub kept_drive: String,
    pub lost: Option<String>,
    pub lost_at: Option<String>,
    pub lost_drive: String,
    /// The operator who made the county's side of the conflict (kept or lost), as its history names them: every
    /// laptop's drive is usually named canbao.db, and the file's name alone tells nobody whose change it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub county_operator: Option<String>,
    /// The operators who made the kept and the lost change, each side's as its history names it: the line names
    /// both, beside each side's time, so whoever checks it knows whom to ask on either laptop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_operator: Option<String>,
    /// Set when the enrollment lost to a payment it contradicts (see `find_contradictions`): the payment status
    /// kept, made at `kept_at` on `kept_drive`. `kept` is then the enrollment of the side that took the payment,
    /// and `lost` the 不参保, 异地参保 or 已离校 not applied, whichever change was newer.
    pub payment_kept: Option<String>,
    /// A payment's field whose kept value is the one a reconciliation recorded from the tax office's list, over
    /// the same payment recorded by hand apart without a channel (`payments_made_apart`), whichever change is
    /// newer, as a merge's `Conflict::tax_record_kept`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tax_record_kept: bool,
    /// The county's pupil (not reported).
    #[serde(skip)]
    pub pupil: i64,
}

fn server(e: postgres::Error) -> CountyError {
    CountyError::server(e)
}

/// Where a group's rows are: (staging table, county table, how a county row is found for a staging row).
fn target(g: &Group) -> (&'static str, &'static str, &'static str) {
    if g.yearly {
        ("stage_statuses", "canbao.statuses", "t.pupil_id = s.pupil_id AND t.year = s.year")
    } else {
        ("stage_pupils", "canbao.pupils", "t.id = s.pupil_id")
    }
}

/// The decisions for one group, as a CTE `d`: the drive's newest change to the group is new to the county
/// (not the county's own and not in its history); `they_win` when the drive has seen the county's change
/// (so its own came after it) or its change is newer (instants, then origin, as a merge orders them);
/// `ours_unseen` when the drive's history lacks the county's change, so the two were made apart; `differ`
/// when the values differ.
///
/// A pupil's class is the class of the latest insured year the county holds for them: a drive still in an
/// earlier year (a laptop that has not started the new year, or an old copy) neither moves a promoted pupil
/// back nor counts as a conflict; its class for its own year reaches the county as that year's status. So for
/// categories: a certification for an earlier year never replaces one for a later year.
///
/// The enrollment group gives way to a payment it would contradict (`stage_contradicted`, see
/// `find_contradictions`): the drive's enrollment is not applied when the county's payment stands against it,
/// and the drive's is taken, seen or not, when its payment stands against the county's enrollment.
fn decisions(g: &Group, year: i32) -> String {
    decisions_as("d", g, year)
}

/// The latest year a category of `table`'s list carries of its own (NULL when none does).
fn newest_mark(table: &str) -> String {
    format!(
        "(SELECT max((m->>'year')::int) FROM jsonb_array_elements(
              CASE WHEN jsonb_typeof({table}.categories) = 'array' THEN {table}.categories ELSE '[]'::jsonb END) m
          WHERE jsonb_typeof(m->'year') = 'number')"
    )
}

fn decisions_as(name: &str, g: &Group, year: i32) -> String {
    let (stage, table, on) = target(g);
    let p = g.prefix;
    let later_year = match p {
        "class" => {
            format!(
                "AND NOT EXISTS (SELECT 1 FROM canbao.statuses x WHERE x.pupil_id = s.pupil_id AND x.year > {year})"
            )
        }
        // Categories certified for a later insured year are newer news than any certification for an earlier
        // one, whatever the clocks say: a laptop still in last year does not undo this year's. (A push sends a
        // drive's NULL as its first year: `DrivePupil::certified_year`.)
        // The pupils whose categories were united (`unite_categories`) are decided.
        // Each side's newest certification is weighed, a category's own year (in the list) or the set's: one
        // category carried over beside one certified this year does not make the whole set last year's.
        "categories" => format!(
            "AND NOT COALESCE(GREATEST(COALESCE(s.categories_year, {year}), {s_newest})
                              < GREATEST(t.categories_year, {t_newest}), false)
             AND s.rid NOT IN (SELECT rid FROM stage_united)",
            s_newest = newest_mark("s"),
            t_newest = newest_mark("t"),
        ),
        _ => String::new(),
    };
    let county: Vec<&str> = g.fields.iter().map(|f| f.1).collect();
    let drive: Vec<&str> = g.fields.iter().map(|f| f.2).collect();
    let contradiction = contradiction_join(g);
    let newer = format!(
        "(COALESCE(s.{p}_at, '-infinity'), s.{p}_origin) > (COALESCE(t.{p}_at, '-infinity'), COALESCE(t.{p}_origin, ''))"
    );
    // The class rule's verdict where it has one (`class_verdicts`), else the instants.
    let newer = if p == "class" { format!("COALESCE(s.class_rule, {newer})") } else { newer };
    // Before either, a deliberate change outweighs a pupil's creation made apart (`made_apart::bare_creation`),
    // as a merge weighs them. Rows here are the drive's news but for a certification the county lacks behind a
    // newest change it has (`categories_news`), whose drive side is then no news.
    let bare = bare_creation_verdict(&format!("s.{p}_kind"), &county_kind(&format!("t.{p}_event")));
    let bare = if p == "categories" {
        format!("CASE WHEN NOT EXISTS (SELECT 1 FROM canbao.audit a WHERE a.event = s.{p}_event) THEN {bare} END")
    } else {
        bare
    };
    let newer = format!("COALESCE({bare}, {newer})");
    let unseen = format!(
        "(t.{p}_event IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM stage_events a WHERE a.event = t.{p}_event)
          AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{p}_event))"
    );
    // Categories are a set, united rather than replaced (`unite_categories`), as a merge unites them: a
    // certification of the drive's the county lacks is news even when the county has the drive's newest change
    // (of one second, a merge's copy of the other laptop's certification comes later in the drive's log, and
    // the union that merge wrote is no change of its history), and one of the county's the drive lacks is to be
    // united, whatever the two stamps say. `categories_news`: the drive's side, marked in staging.
    let (ours_unseen, news) = if p == "categories" {
        let fields: Vec<String> =
            g.fields.iter().map(|f| format!("'{}'", f.0.key())).chain(["'created'".to_owned()]).collect();
        (
            format!(
                "({unseen} OR EXISTS (SELECT 1 FROM canbao.audit a
                                      WHERE a.pupil_id = t.id AND a.field IN ({fields}) {HISTORY}
                                        AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = a.event)
                                        -- A certification this drive's restore or undo took back was the
                                        -- drive's, not one made apart to unite with: the drive gave it up.
                                        AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = a.event)))",
                fields = fields.join(", "),
            ),
            format!("OR (s.{p}_news AND s.{p}_event IS NOT NULL)"),
        )
    } else if p == "payment" {
        // Top-ups joined (`top_ups`) are no conflict; a top-up the county lacks is news (a merged file's sum).
        (
            format!("({unseen} AND NOT s.payment_joined AND s.payment_built_on IS NULL)"),
            "OR s.payment_topped_up".to_owned(),
        )
    } else {
        (unseen.clone(), String::new())
    };
    // A family's payment recorded (paid, with an amount) on one side stands over a change the other side made
    // to the group without knowing of it (未缴费, 财政代缴, the payment taken back), whichever is newer: money
    // collected, which the tax office will confirm, as a merge keeps it (`store::merge::payment_stands`). Only
    // a payment recorded apart does (`store::merge::recorded_apart`): one both sides held was known to the
    // change that cleared it (a refund recorded on one laptop while the other fixed the channel), which wins
    // as any change does, by time. The drive's is marked in staging (`payments_recorded_apart`); the county's
    // is recorded apart when its newest change of the payment status or top-up that year (money received,
    // `made_apart::receives_money`), or with none the pupil's creation, is one the drive lacks.
    // `stands`: the side whose payment stands, true for the drive's; NULL where the rule does not apply.
    let stands = if p == "payment" {
        let recorded = |side: &str| format!("({side}.payment = 'paid' AND COALESCE({side}.paid_amount_fen, 0) > 0)");
        let (drive, county) = (recorded("s"), recorded("t"));
        let drive_lacks = "NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = a.event)";
        let county_apart = format!(
            "COALESCE((SELECT {drive_lacks} FROM canbao.audit a
                       WHERE a.pupil_id = t.pupil_id AND a.year = t.year {HISTORY}
                         AND (a.field = '{status}' OR (a.action = '{top_up}' AND a.field = '{amount}'))
                       ORDER BY a.id DESC LIMIT 1),
                      EXISTS (SELECT 1 FROM canbao.audit a
                              WHERE a.pupil_id = t.pupil_id AND a.field = 'created' AND {drive_lacks}))",
            status = Field::Payment.key(),
            top_up = crate::store::TOP_UP,
            amount = Field::PaidAmount.key(),
        );
        format!(
            "CASE WHEN {unseen} AND {drive} AND NOT {county} AND s.payment_apart THEN true
                  WHEN {unseen} AND {county} AND NOT {drive} AND {county_apart} THEN false END"
        )
    } else {
        "NULL::boolean".to_owned()
    };
    // Made apart, the tax office's record of a payment stands over the same payment recorded by hand
    // (`made_apart::tax_record_stands`, as a merge keeps it): the verdicts `payments_made_apart` staged, true for
    // the drive's record.
    let tax = if p == "payment" { "s.payment_tax" } else { "NULL::boolean" };
    // One side's payment the other's topped up by hand (`payments_made_apart`, as a merge keeps it): the top-ups
    // stand, no conflict; true for the drive's.
    let built_on = if p == "payment" { "s.payment_built_on" } else { "NULL::boolean" };
    // A change the county had from this drive and took back with a restore of it, which the drive holds again
    // after a later restore (the first one undone, its backup put back): its value is the drive's word again,
    // news though the county has the change. The drive has seen the county's value (the one the restore left),
    // so it wins. A copy that never restored since, still holding the change, brings nothing back.
    let restore_fields: Vec<String> = g.fields.iter().map(|f| format!("'{}'", f.0.key())).collect();
    let (pupil_of, year_of) = if g.yearly { ("t.pupil_id", "AND r.year = s.year") } else { ("t.id", "") };
    let brought_back = format!(
        "(s.{p}_event IS NOT NULL AND s.{p}_event IS DISTINCT FROM t.{p}_event
             AND (t.{p}_event IS NULL OR EXISTS (SELECT 1 FROM stage_events a WHERE a.event = t.{p}_event))
             AND EXISTS (SELECT 1 FROM canbao.audit r, stage_restored d
                         WHERE r.pupil_id = {pupil_of} AND r.action = 'restore' AND r.field IN ({fields}) {year_of}
                           AND r.at >= s.{p}_at AND d.at > r.at))",
        fields = restore_fields.join(", "),
    );
    format!(
        "{name} AS (
            SELECT s.rid, s.sid,
                   CASE WHEN c.rid IS NOT NULL THEN c.drive_paid ELSE COALESCE({built_on}, {stands}, {tax},
                   (t.{p}_event IS NULL
                    -- The drive has the county's change in its history and chose its own over it: its own came
                    -- after it (a tie of instants included), whatever the clocks say.
                    OR EXISTS (SELECT 1 FROM stage_events a WHERE a.event = t.{p}_event)
                    -- Or it had it and a restore took it back: what the drive says now came after it.
                    OR EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{p}_event)
                    OR {newer})) END AS they_win,
                   {ours_unseen} AS ours_unseen,
                   c.rid IS NULL AND {built_on} IS NULL AND {stands} IS NOT NULL AS payment_stands,
                   {stands} IS NULL AND {tax} IS NOT NULL AS tax_record_kept,
                   (ROW({county}, NULL) IS DISTINCT FROM ROW({drive}, NULL)) AS differ,
                   c.rid IS NOT NULL AS contradicted,
                   EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{p}_event AND u.by_restore) AS undone,
                   {brought_back} AS brought_back
            FROM {stage} s JOIN {table} t ON {on} {contradiction}
            WHERE (COALESCE(c.drive_paid, false)
                   OR (s.{p}_event IS NOT NULL AND s.{p}_event IS DISTINCT FROM t.{p}_event
                       AND NOT EXISTS (SELECT 1 FROM canbao.audit a WHERE a.event = s.{p}_event))
                   {news}
                   -- The county's value is a change this drive's restore took back: the drive's value now,
                   -- whether a change of its own set it or none did (the value it was made with).
                   OR EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{p}_event)
                   OR {brought_back})
              {later_year}
         )",
        county = county.join(", "),
        drive = drive.join(", "),
    )
}

/// What kind of change set a group, as [`bare_creation_verdict`] tells them apart: a pupil's creation, a row a
/// start of a year wrote (`year new`'s promotion or move out, action `year`), or a deliberate change.
const KINDS: [&str; 3] = ["created", "year", "change"];

/// The kind (of [`KINDS`]) of a drive's history row, staged as `{group}_kind` beside the row's stamp.
pub fn kind_of(e: &super::drive::DriveEvent) -> &'static str {
    if e.field == "created" {
        KINDS[0]
    } else if e.action == "year" {
        KINDS[1]
    } else {
        KINDS[2]
    }
}

/// As SQL, the kind (of [`KINDS`]) of the county's history row `event`, as [`kind_of`] tells a drive's.
fn county_kind(event: &str) -> String {
    format!(
        "(SELECT CASE WHEN a.field = 'created' THEN '{}' WHEN a.action = 'year' THEN '{}' ELSE '{}' END
          FROM canbao.audit a WHERE a.event = {event})",
        KINDS[0], KINDS[1], KINDS[2]
    )
}

/// A change of a kind (of [`KINDS`]), made apart from the other side's, as the shared rule reads it.
struct Kind(&'static str);

impl made_apart::Step for Kind {
    fn field(&self) -> &str {
        // Any field but a creation's: the rule asks only whether it is one.
        if self.0 == KINDS[0] { "created" } else { "name" }
    }

    fn unshared(&self) -> bool {
        true
    }

    fn of_year_start(&self) -> bool {
        self.0 == KINDS[1]
    }
}

/// As SQL, the verdict of `made_apart::bare_creation` on the drive's change of kind `drive` and the county's of
/// kind `county`, changed apart: true where the drive's wins, false where the county's does, NULL where the rule
/// leaves it to the instants. Written out from the rule itself, kind by kind, so the two cannot drift apart.
fn bare_creation_verdict(drive: &str, county: &str) -> String {
    let whens: String = KINDS
        .iter()
        .flat_map(|&d| KINDS.iter().map(move |&c| (d, c)))
        .filter_map(|(d, c)| {
            made_apart::bare_creation(&Kind(d), &Kind(c)).map(|theirs| format!(" WHEN '{d}/{c}' THEN {theirs}"))
        })
        .collect();
    format!("(CASE {drive} || '/' || {county}{whens} END)")
}

/// The county's history rows that are changes as a merge reads a side's history (`store::merge`'s `history`),
/// as SQL on audit rows `a`: not a merge's own rows (the value another change gave, which is in the history
/// too), not a tax list's confirmation of an amount held (old and new alike), and not the county's records of
/// what a drive's restore took back (no drive's change).
const HISTORY: &str =
    "AND a.action NOT IN ('merge', 'restore') AND (a.action <> 'reconcile' OR a.old IS DISTINCT FROM a.new)";

/// Whether a drive's history row is a change as a merge reads it (see [`HISTORY`]).
fn in_history(e: &super::drive::DriveEvent) -> bool {
    e.action != "merge" && (e.action != "reconcile" || e.old != e.new)
}

/// Marks `stage_statuses.payment_apart` where the drive's payment is recorded (paid, with an amount) apart
/// from the county, as a merge judges it (`store::merge`'s `recorded_apart`): the drive's newest change of the
/// payment status or top-up in that insured year, or with none the pupil's creation, is one the county lacks (`known`:
/// the drive's history rows the county has). Only such a payment stands over the county's change.
pub fn payments_recorded_apart(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
) -> Result<(), CountyError> {
    let mut newest: super::Map<(i64, i32), &str> = super::Map::default();
    let mut created_apart: super::Set<i64> = super::Set::default();
    for e in rows.audit.iter().filter(|e| in_history(e)) {
        let Some(sid) = e.sid else { continue };
        if e.field == "created" && !known.contains(&e.hash) {
            created_apart.insert(sid);
        }
        let top_up = top_up_of(&e.action, &e.field, e.old.as_deref(), e.new.as_deref()).is_some();
        if let Some(year) = e.year.filter(|_| made_apart::receives_money(&e.field, top_up)) {
            newest.insert((sid, year), &e.hash);
        }
    }
    let recorded = |st: &super::drive::DriveStatus| {
        st.payment == PaymentStatus::Paid.code() && st.paid_amount_fen.is_some_and(|fen| fen > 0)
    };
    let rids: Vec<i64> = rows
        .statuses
        .iter()
        .enumerate()
        .filter(|(_, st)| recorded(st))
        .filter(|(_, st)| match newest.get(&(st.sid, st.year)) {
            Some(hash) => !known.contains(*hash),
            None => created_apart.contains(&st.sid),
        })
        .map(|(rid, _)| rid as i64)
        .collect();
    if !rids.is_empty() {
        tx.execute(
            "UPDATE stage_statuses s SET payment_apart = true FROM unnest($1::bigint[]) AS v(rid) WHERE s.rid = v.rid",
            &[&rids],
        )
        .map_err(server)?;
    }
    Ok(())
}

/// One history row of a pupil's payment, the drive's or the county's, as the rules of payments made apart read it
/// (`made_apart::tax_record_stands`, `paid_apart`, `built_on_by_top_ups`): one row for all three, read once.
struct PaymentRow {
    field: String,
    year: Option<i32>,
    unshared: bool,
    reconciled: bool,
    top_up: Option<(i64, i64)>,
    at: String,
    origin: String,
    new: Option<String>,
}

impl made_apart::Step for PaymentRow {
    fn field(&self) -> &str {
        &self.field
    }

    fn unshared(&self) -> bool {
        self.unshared
    }

    fn reconciled(&self) -> bool {
        self.reconciled
    }
}

impl made_apart::PaymentStep for PaymentRow {
    fn top_up(&self) -> Option<(i64, i64)> {
        self.top_up
    }

    fn made(&self) -> (&str, &str) {
        (&self.at, &self.origin)
    }

    fn new_value(&self) -> Option<&str> {
        self.new.as_deref()
    }
}

/// Both sides' histories of the payments of the pupils `pupils` (the county's ids) and `sids` (the drive's):
/// the county's read in one query, the drive's from its log, each in its log order. (The drive's by sid, the
/// county's by pupil.)
type PaymentHistories = (super::Map<i64, Vec<PaymentRow>>, super::Map<i64, Vec<PaymentRow>>);

fn payment_histories(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
    (pupils, sids): (&[i64], &super::Set<i64>),
) -> Result<PaymentHistories, CountyError> {
    let keys: Vec<&str> = made_apart::PAYMENT_GROUP.iter().map(|f| f.key()).collect();
    let mut county: super::Map<i64, Vec<PaymentRow>> = super::Map::default();
    for r in tx
        .query(
            &format!(
                "SELECT a.pupil_id, a.year, a.field, a.action, a.old, a.new, a.at_text, a.origin, \
                 NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = a.event) \
                 FROM canbao.audit a \
                 WHERE a.pupil_id = ANY($1) AND a.field = ANY($2) {HISTORY} \
                 ORDER BY a.id"
            ),
            &[&pupils, &keys],
        )
        .map_err(server)?
    {
        let (field, action): (String, String) = (r.get(2), r.get(3));
        let (old, new): (Option<String>, Option<String>) = (r.get(4), r.get(5));
        county.entry(r.get(0)).or_default().push(PaymentRow {
            reconciled: action == "reconcile",
            top_up: top_up_of(&action, &field, old.as_deref(), new.as_deref()),
            field,
            year: r.get(1),
            unshared: r.get(8),
            at: r.get(6),
            origin: r.get(7),
            new,
        });
    }
    let mut drive: super::Map<i64, Vec<PaymentRow>> = super::Map::default();
    for e in rows.audit.iter().filter(|e| in_history(e) && keys.contains(&e.field.as_str())) {
        let Some(sid) = e.sid.filter(|sid| sids.contains(sid)) else { continue };
        drive.entry(sid).or_default().push(PaymentRow {
            field: e.field.clone(),
            year: e.year,
            unshared: !known.contains(&e.hash),
            reconciled: e.action == "reconcile",
            top_up: top_up_of(&e.action, &e.field, e.old.as_deref(), e.new.as_deref()),
            at: e.at_text.clone(),
            origin: e.origin.clone(),
            new: e.new.clone(),
        });
    }
    Ok((drive, county))
}

/// The two rules of one payment recorded apart on the drive and in the county, both 已缴费 and the county's
/// newest change of it one the drive lacks (and no change its restore or undo took back), decided on one
/// reading of both sides' histories ([`payment_histories`]) and staged in one update. Run before the decisions,
/// the contradictions' included; after `top_ups` (two sides' top-ups joined are neither). `known`: the drive's
/// history rows the county has.
///
/// The same amount: `stage_statuses.payment_tax` where one of the two records is the tax office's and the other
/// a bare hand mark: true where the drive's is the tax office's, false where the county's is. That record stands
/// whichever change is newer, as a merge keeps it (`made_apart::tax_record_stands`). Where neither record is the
/// tax office's, two payments each marked apart with another date or channel are returned
/// (`made_apart::paid_apart`, as a merge names them): one is kept, by time, and the push names the pupil for the
/// operator to check the family was not charged twice. Numbers masked unless `reveal`.
///
/// Other amounts: `stage_statuses.payment_built_on` where one side's payment is the other's topped up by hand
/// (补缴, as a merge reads it, `made_apart::built_on_by_top_ups`): one side's changes the other lacks end in
/// top-ups added to the very payment the other holds (a tax list read on both laptops, one topping it up since).
/// True where the drive's payment is the topped-up one. The top-ups stand whichever change is newer, with no
/// conflict: keeping the other side's payment lost the family's top-up.
pub fn payments_made_apart(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
    reveal: bool,
) -> Result<Vec<PaidApart>, CountyError> {
    use made_apart::PAYMENT_GROUP;
    let paid = PaymentStatus::Paid.code();
    // `same`: the same amount (the tax office's record, or paid apart), else another (topped up).
    let candidates = tx
        .query(
            "SELECT s.rid, s.sid, s.pupil_id, s.year, \
                    s.payment, s.paid_amount_fen::text, s.paid_on, s.paid_channel, \
                    t.payment, t.paid_amount_fen::text, t.paid_on, t.paid_channel, \
                    p.id_number, p.name, s.payment_joined, s.paid_amount_fen = t.paid_amount_fen AS same \
             FROM stage_statuses s JOIN canbao.statuses t ON t.pupil_id = s.pupil_id AND t.year = s.year \
                  LEFT JOIN stage_pupils p ON p.sid = s.sid \
             WHERE s.payment = $1 AND t.payment = $1 \
               AND t.payment_event IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = t.payment_event) \
               AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.payment_event) \
               AND ((s.paid_amount_fen = t.paid_amount_fen AND s.paid_amount_fen > 0 AND p.sid IS NOT NULL \
                     AND s.payment_event IS NOT NULL AND s.payment_event IS DISTINCT FROM t.payment_event \
                     AND NOT EXISTS (SELECT 1 FROM canbao.audit a WHERE a.event = s.payment_event)) \
                    OR (s.paid_amount_fen <> t.paid_amount_fen AND NOT s.payment_joined))",
            &[&paid],
        )
        .map_err(server)?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let pupils: Vec<i64> = candidates.iter().map(|r| r.get(2)).collect();
    let sids: super::Set<i64> = candidates.iter().map(|r| r.get(1)).collect();
    let (drive, county) = payment_histories(tx, rows, known, (&pupils, &sids))?;
    let (mut rids, mut tax, mut built_on): (Vec<i64>, Vec<Option<bool>>, Vec<Option<bool>>) = Default::default();
    let mut paid_apart = Vec::new();
    for r in &candidates {
        let year: i32 = r.get(3);
        let in_year: &dyn Fn(&PaymentRow) -> bool = &|e| e.year == Some(year);
        let values =
            |from: usize| -> Vec<Option<String>> { (from..from + PAYMENT_GROUP.len()).map(|i| r.get(i)).collect() };
        let none = Vec::new();
        let theirs = drive.get(&r.get::<_, i64>(1)).unwrap_or(&none);
        let ours = county.get(&r.get::<_, i64>(2)).unwrap_or(&none);
        let (drive_values, county_values) = (values(4), values(8));
        let sides: (made_apart::SideHistory<PaymentRow>, made_apart::SideHistory<PaymentRow>) =
            ((theirs, in_year), (ours, in_year));
        if !r.get::<_, bool>(15) {
            if let Some(verdict) = made_apart::built_on_by_top_ups(sides.0, sides.1, (&drive_values, &county_values)) {
                rids.push(r.get(0));
                tax.push(None);
                built_on.push(Some(verdict));
            }
        } else if let Some(verdict) = made_apart::tax_record_stands(sides.0, sides.1, (&drive_values, &county_values)) {
            rids.push(r.get(0));
            tax.push(Some(verdict));
            built_on.push(None);
        } else if !r.get::<_, bool>(14) && made_apart::paid_apart(sides.0, sides.1, (&drive_values, &county_values)) {
            // Top-ups joined (`payment_joined`) are said as such, as a merge says them and not this.
            let id_number: String = r.get(12);
            let at = |values: &[Option<String>], field: Field| {
                PAYMENT_GROUP.iter().position(|&f| f == field).and_then(|i| values.get(i).cloned().flatten())
            };
            paid_apart.push(PaidApart {
                pupil: r.get(2),
                id_number: crate::domain::id_number::shown(&id_number, reveal),
                name: r.get(13),
                year,
                amount_fen: at(&drive_values, Field::PaidAmount).and_then(|v| v.parse().ok()),
                drive_paid_on: at(&drive_values, Field::PaidOn),
                drive_channel: at(&drive_values, Field::PaidChannel),
                county_paid_on: at(&county_values, Field::PaidOn),
                county_channel: at(&county_values, Field::PaidChannel),
            });
        }
    }
    if !rids.is_empty() {
        tx.execute(
            "UPDATE stage_statuses s SET payment_tax = v.tax, payment_built_on = v.built_on \
             FROM unnest($1::bigint[], $2::boolean[], $3::boolean[]) AS v(rid, tax, built_on) WHERE s.rid = v.rid",
            &[&rids, &tax, &built_on],
        )
        .map_err(server)?;
    }
    Ok(paid_apart)
}

/// A pupil marked 已缴费 apart on the drive and in the county, the same amount with another date or channel (see
/// `made_apart::paid_apart`), as a merge lists one (`store::merge::PaidApart`): one payment is kept, the newer
/// change's, and the push names the pupil for the operator to check the family was not charged twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidApart {
    /// The county's pupil (not reported).
    #[serde(skip)]
    pub pupil: i64,
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    pub year: i32,
    /// The amount both recorded, in fen.
    pub amount_fen: Option<i64>,
    /// The drive's date and channel (as stored), and the county's before the push.
    pub drive_paid_on: Option<String>,
    pub drive_channel: Option<String>,
    pub county_paid_on: Option<String>,
    pub county_channel: Option<String>,
}

/// A payment the drive holds that the county knows was taken back: the drive's newest change of the pupil's
/// payment is one the county has, and after it the county holds the change's undo (`u` on the laptop that made it)
/// or a restore of that laptop's drive that took it back, which this drive lacks (a copy made before). The change
/// is no news to the county, so the copy's payment is not applied, as README's restore section says of a copy
/// still holding an undone change; the push names the pupil, for the operator to check whether the family paid
/// (the copy's value is then recorded again, as a new change), where before it said 「未变」 alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentWithdrawn {
    /// The county's pupil (not reported).
    #[serde(skip)]
    pub pupil: i64,
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    pub year: i32,
    /// The payment status the drive holds (its code, as `canbao mark --payment` takes it) and its amount in fen.
    pub drive_payment: String,
    pub drive_amount_fen: Option<i64>,
    /// The county's payment status, which stands.
    pub county_payment: String,
    /// How the county took it back: `undo` or `restore`.
    pub taken_back_by: String,
    /// When, as the history stamps it.
    pub taken_back_at: String,
}

/// The payments of [`PaymentWithdrawn`] among the pupils staged, after the groups are decided and applied: the
/// drive's value still differs from the county's. Numbers masked unless `reveal`.
pub fn payments_withdrawn(tx: &mut postgres::Transaction, reveal: bool) -> Result<Vec<PaymentWithdrawn>, CountyError> {
    let found = tx
        .query(
            "SELECT t.pupil_id, p.id_number, p.name, s.year, s.payment, s.paid_amount_fen, t.payment, r.action, \
                    r.at_text \
             FROM stage_statuses s JOIN canbao.statuses t ON t.pupil_id = s.pupil_id AND t.year = s.year \
                  JOIN stage_pupils p ON p.sid = s.sid \
                  JOIN canbao.audit e ON e.event = s.payment_event \
                  JOIN LATERAL ( \
                     SELECT r.action, r.at_text FROM canbao.audit r \
                     WHERE r.pupil_id = t.pupil_id AND r.year IS NOT DISTINCT FROM e.year AND r.field = e.field \
                       AND r.id > e.id AND r.action IN ('undo', 'restore') AND r.old IS NOT DISTINCT FROM e.new \
                       AND NOT EXISTS (SELECT 1 FROM stage_events x WHERE x.event = r.event) \
                     ORDER BY r.id DESC LIMIT 1) r ON true \
             WHERE s.payment_event IS DISTINCT FROM t.payment_event \
               AND ROW(s.payment, s.paid_amount_fen, s.paid_on, s.paid_channel) \
                   IS DISTINCT FROM ROW(t.payment, t.paid_amount_fen, t.paid_on, t.paid_channel) \
               AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = s.payment_event) \
             ORDER BY s.year, p.name, t.pupil_id",
            &[],
        )
        .map_err(server)?;
    Ok(found
        .iter()
        .map(|r| {
            let number: String = r.get(1);
            PaymentWithdrawn {
                pupil: r.get(0),
                id_number: crate::domain::id_number::shown(&number, reveal),
                name: r.get(2),
                year: r.get(3),
                drive_payment: r.get(4),
                drive_amount_fen: r.get(5),
                county_payment: r.get(6),
                taken_back_by: r.get(7),
                taken_back_at: r.get(8),
            }
        })
        .collect())
}

/// A payment topped up apart on the drive and in the county, every top-up counted (see [`top_ups`]), as a merge
/// lists one (`store::merge::TopUpsJoined`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopUpsJoined {
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    pub year: i32,
    /// The amount both held before their top-ups, in fen.
    pub before_fen: i64,
    /// The drive's top-ups and the county's, in fen, oldest first.
    pub drive_fen: Vec<i64>,
    pub county_fen: Vec<i64>,
    /// The payment the county holds now: `before_fen` with every top-up added.
    pub total_fen: i64,
    /// A top-up of the drive's and one of the county's are of the same amount (see `made_apart::same_amount`):
    /// counted as two, as no receipt tells them apart, and said so, for the operator to check.
    pub same_amount: bool,
}

/// A change of a payment as `made_apart::top_ups_apart` reads it: its field, and for a top-up the amounts.
type PaymentChange = (String, Option<(i64, i64)>);

/// A top-up's row of the amount (action `top_up`): the amount it added to and the sum it made, in fen.
fn top_up_of(action: &str, field: &str, old: Option<&str>, new: Option<&str>) -> Option<(i64, i64)> {
    let fen = |v: Option<&str>| v.and_then(|v| v.parse::<i64>().ok());
    (action == crate::store::TOP_UP && field == Field::PaidAmount.key()).then(|| fen(old).zip(fen(new))).flatten()
}

/// Top-ups of one part payment recorded apart, as a merge joins them (`made_apart::join_top_ups`, one rule for
/// both): where the drive and the county each topped up, apart, the payment both held (every change either made
/// to it that the other lacks a top-up), every top-up counts: the county's amount becomes the sum, whichever side
/// is newer, which then decides the date and channel only, and the group is no conflict
/// (`stage_statuses.payment_joined`). And where the drive's value differs from the county's while it holds a top-up
/// the county lacks, it is news (`payment_topped_up`) even when its newest change of the payment is one the
/// county has: a merged file's sum is written by its merge, its newest change a copy of the other laptop's
/// top-up. Run before `prune_settled`. Returns the payments joined, their numbers masked unless `reveal`.
pub fn top_ups(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
    reveal: bool,
) -> Result<Vec<TopUpsJoined>, CountyError> {
    use made_apart::PAYMENT_GROUP;
    let keys: Vec<&str> = PAYMENT_GROUP.iter().map(|f| f.key()).collect();
    // The drive's changes of each pupil's payment the county lacks, by pupil (the year's are picked below).
    let mut drive: super::Map<i64, Vec<&super::drive::DriveEvent>> = super::Map::default();
    for e in rows.audit.iter().filter(|e| in_history(e) && !known.contains(&e.hash)) {
        if let Some(sid) = e.sid.filter(|_| e.field == "created" || keys.contains(&e.field.as_str())) {
            drive.entry(sid).or_default().push(e);
        }
    }
    let in_year = |e: &super::drive::DriveEvent, year: i32| e.field == "created" || e.year == Some(year);
    let topped: Vec<i64> = rows
        .statuses
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            drive.get(&st.sid).is_some_and(|list| {
                list.iter().any(|e| {
                    in_year(e, st.year) && top_up_of(&e.action, &e.field, e.old.as_deref(), e.new.as_deref()).is_some()
                })
            })
        })
        .map(|(rid, _)| rid as i64)
        .collect();
    if topped.is_empty() {
        return Ok(Vec::new());
    }
    let values =
        |side: &str| PAYMENT_GROUP.iter().map(|f| format!("{side}.{}", f.key())).collect::<Vec<_>>().join(", ");
    // Every such payment is a candidate, its value the county's or not: two top-ups of the same amount made apart
    // leave the two sides holding equal values (300 and 80 on each, dated alike), yet they are two payments, told
    // apart by their history rows, not by the sums they made.
    let candidates = tx
        .query(
            &format!(
                "UPDATE stage_statuses s SET payment_topped_up = ROW({s}) IS DISTINCT FROM ROW({t})
                 FROM canbao.statuses t, stage_pupils p
                 WHERE s.rid = ANY($1) AND t.pupil_id = s.pupil_id AND t.year = s.year AND p.sid = s.sid
                 RETURNING s.rid, s.sid, s.pupil_id, s.year, s.payment, s.paid_amount_fen, t.payment,
                           t.paid_amount_fen, GREATEST(s.amount_due_fen, t.amount_due_fen),
                           t.payment_event IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = t.payment_event)
                           AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.payment_event),
                           p.id_number, p.name",
                s = values("s"),
                t = values("t"),
            ),
            &[&topped],
        )
        .map_err(server)?;
    let paid = PaymentStatus::Paid.code();
    // Only where the county's payment was changed apart (its newest change one the drive lacks) is there anything
    // to join: elsewhere the drive has seen all the county holds, and its value is news as any is.
    let apart: Vec<&postgres::Row> = candidates
        .iter()
        .filter(|r| r.get::<_, bool>(9) && r.get::<_, &str>(4) == paid && r.get::<_, &str>(6) == paid)
        .filter(|r| r.get::<_, Option<i64>>(5).is_some() && r.get::<_, Option<i64>>(7).is_some())
        .collect();
    if apart.is_empty() {
        return Ok(Vec::new());
    }
    let pupils: Vec<i64> = apart.iter().map(|r| r.get(2)).collect();
    // The county's pupils whose creation row on this drive the county has: the payment both sides built on
    // starts there, so another creation row of the pupil the drive lacks (another laptop's first import of the
    // list, or this drive's own import a restore of it removed) is no change of that payment made apart.
    let created_here: super::Set<i64> =
        rows.audit.iter().filter(|e| e.field == "created" && known.contains(&e.hash)).filter_map(|e| e.sid).collect();
    let created_here: super::Set<i64> =
        apart.iter().filter(|r| created_here.contains(&r.get::<_, i64>(1))).map(|r| r.get(2)).collect();
    let mut county: super::Map<(i64, Option<i32>), Vec<PaymentChange>> = super::Map::default();
    for r in tx
        .query(
            &format!(
                "SELECT a.pupil_id, CASE WHEN a.field = 'created' THEN NULL ELSE a.year END, a.field, a.action,
                        a.old, a.new
                 FROM canbao.audit a
                 WHERE a.pupil_id = ANY($1) AND (a.field = ANY($2) OR a.field = 'created') {HISTORY}
                   AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = a.event)
                   -- A change of this drive's that its restore or undo took back was not made apart: the drive
                   -- had it, and gave it up.
                   AND NOT EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = a.event)
                 ORDER BY a.id"
            ),
            &[&pupils, &keys],
        )
        .map_err(server)?
    {
        let pupil: i64 = r.get(0);
        if r.get::<_, &str>(2) == "created" && created_here.contains(&pupil) {
            continue;
        }
        let (field, action): (String, String) = (r.get(2), r.get(3));
        let top_up = top_up_of(&action, &field, r.get(4), r.get(5));
        county.entry((pupil, r.get(1))).or_default().push((field, top_up));
    }
    let (mut rids, mut sums, mut dues): (Vec<i64>, Vec<i64>, Vec<Option<i64>>) = Default::default();
    let mut joined = Vec::new();
    for r in apart {
        let (sid, pupil, year): (i64, i64, i32) = (r.get(1), r.get(2), r.get(3));
        let none = Vec::new();
        let theirs = made_apart::top_ups_apart(
            drive
                .get(&sid)
                .unwrap_or(&none)
                .iter()
                .filter(|e| in_year(e, year))
                .map(|e| (e.field.as_str(), top_up_of(&e.action, &e.field, e.old.as_deref(), e.new.as_deref()))),
        );
        let sides = [(pupil, Some(year)), (pupil, None)];
        let ours_rows = sides
            .iter()
            .flat_map(|k| county.get(k).map(Vec::as_slice).unwrap_or_default())
            .map(|(field, top_up)| (field.as_str(), *top_up));
        let (Some(theirs), Some(ours)) = (theirs, made_apart::top_ups_apart(ours_rows)) else { continue };
        let Some((before, total)) = made_apart::join_top_ups((r.get(5), &theirs), (r.get(7), &ours)) else {
            continue;
        };
        let due: Option<i64> = r.get(8);
        let id_number: String = r.get(10);
        joined.push(TopUpsJoined {
            id_number: crate::domain::id_number::shown(&id_number, reveal),
            name: r.get(11),
            year,
            before_fen: before,
            same_amount: made_apart::same_amount(&theirs, &ours),
            drive_fen: theirs,
            county_fen: ours,
            total_fen: total,
        });
        rids.push(r.get(0));
        sums.push(total);
        // Judged as the drive judges a payment: due only while the sum falls short of it.
        dues.push(due.filter(|&due| total < due));
    }
    if rids.is_empty() {
        return Ok(joined);
    }
    tx.execute(
        "WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(rid, total, due)),
         staged AS (
            UPDATE stage_statuses s SET paid_amount_fen = v.total, amount_due_fen = v.due, payment_joined = true
            FROM v WHERE s.rid = v.rid
            RETURNING s.sid, s.pupil_id, s.year, v.total, v.due
         ),
         county AS (
            UPDATE canbao.statuses t SET paid_amount_fen = staged.total, amount_due_fen = staged.due
            FROM staged WHERE t.pupil_id = staged.pupil_id AND t.year = staged.year
            RETURNING staged.sid
         )
         UPDATE stage_pupils p SET changed = true FROM county c WHERE c.sid = p.sid",
        &[&rids, &sums, &dues],
    )
    .map_err(server)?;
    Ok(joined)
}

/// Marks `stage_pupils.categories_news` where the drive holds a change of the pupil's categories (or its
/// creation) that the county lacks (`known`: the drive's history rows the county has), as a merge finds a
/// certification made apart (`store::merge`'s `settle_pupil`): news to the county even when the drive's newest
/// categories change, which the stamps compare, is one the county has.
pub fn categories_news(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
) -> Result<(), CountyError> {
    let Some(g) = COUNTY_GROUPS.iter().find(|g| g.prefix == "categories") else { return Ok(()) };
    let sets = |field: &str| field == "created" || g.fields.iter().any(|f| f.0.key() == field);
    let mut sids: Vec<i64> = rows
        .audit
        .iter()
        .filter(|e| in_history(e) && sets(&e.field) && !known.contains(&e.hash))
        .filter_map(|e| e.sid)
        .collect();
    sids.sort_unstable();
    sids.dedup();
    if !sids.is_empty() {
        tx.execute(
            "UPDATE stage_pupils s SET categories_news = true FROM unnest($1::bigint[]) AS v(sid) WHERE s.sid = v.sid",
            &[&sids],
        )
        .map_err(server)?;
    }
    Ok(())
}

/// The contradictions a group's staged row can have, as `c` (none but the enrollment group's).
fn contradiction_join(g: &Group) -> String {
    format!("LEFT JOIN stage_contradicted c ON c.rid = s.rid AND {}", g.prefix == "enrollment")
}

/// Enrollment and payment are decided apart, so a payment from one drive and a 不参保, 异地参保 or 已离校 from
/// another could end side by side: a pair `mark` refuses (`Standing::payment_contradicts_enrollment`), which
/// the county would count as both declined and insured. The payment stands (money collected, which the tax
/// office will confirm) and the enrollment that contradicts it is not applied: the pupil keeps the enrollment
/// of the side the payment came from. A pair either side holds by itself (paid, then left school) stays: that
/// side marked the one after the other, as `mark` allows it. An 已离校 made apart from the payment is not applied
/// either, whichever change's clock is later: two laptops' changes made apart have no order but their clocks, and a
/// laptop whose clock runs behind would have its payment taken after the 已离校 read as taken before it, and its
/// 在校参保 lost (a 已离校 marked knowing of the payment is that side's own pair, which stays). Listed as a conflict
/// naming the payment, it is there for the operator to mark again where the pupil left after paying.
/// A payment that stood over the other side's change (`payment_stands`) keeps the enrollment it was taken with
/// over a 未确认 from that side too, whichever is newer, as a merge keeps it (`store::merge`'s
/// `keep_the_payment`): paid and 未确认 is a pair no mark makes, which the roll-up counts as 在校参保.
/// Fills `stage_contradicted` with the staged statuses this push would so combine, before any group is
/// applied: `drive_paid` when the payment is the drive's (and so is the enrollment kept), with the payment
/// and where it came from for the report.
pub fn find_contradictions(tx: &mut postgres::Transaction, year: i32) -> Result<(), CountyError> {
    // The pairs `Standing::made_apart_contradicts` refuses, as the laptops' merge refuses them: always (`false`),
    // and only where the payment stood over the other side's change (`true`).
    let refused = |stood: bool| -> Vec<String> {
        Enrollment::ALL
            .into_iter()
            .flat_map(|e| PaymentStatus::ALL.into_iter().map(move |p| Standing::new(e, p)))
            .filter(|s| s.made_apart_contradicts(stood) && !(stood && s.made_apart_contradicts(false)))
            .map(|s| format!("('{}', '{}')", s.enrollment.code(), s.payment.code()))
            .collect()
    };
    let (pairs, stood_pairs) = (refused(false), refused(true));
    let group = |prefix: &str| COUNTY_GROUPS.iter().find(|g| g.prefix == prefix);
    let (Some(enrollment), Some(payment)) = (group("enrollment"), group("payment")) else { return Ok(()) };
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE stage_contradicted (
            rid bigint PRIMARY KEY, drive_paid boolean NOT NULL, payment text NOT NULL, paid_at text,
            paid_event text, paid_drive text
         ) ON COMMIT DROP;
         -- Read while still empty: the plain decisions of each group.
         INSERT INTO stage_contradicted
         WITH {de}, {dp},
         r AS (
            SELECT s.rid, CASE WHEN de.they_win THEN s.enrollment ELSE t.enrollment END AS e,
                   CASE WHEN dp.they_win THEN s.payment ELSE t.payment END AS p,
                   COALESCE(dp.they_win, false) AS drive_paid, s.enrollment AS se, s.payment AS sp,
                   t.enrollment AS te, t.payment AS tp,
                   CASE WHEN dp.they_win THEN s.payment_at ELSE t.payment_at END AS paid_at,
                   t.payment_event, t.payment_drive, COALESCE(dp.payment_stands, false) AS stood
            FROM stage_statuses s JOIN canbao.statuses t ON t.pupil_id = s.pupil_id AND t.year = s.year
                 LEFT JOIN de ON de.rid = s.rid LEFT JOIN dp ON dp.rid = s.rid
         )
         SELECT rid, drive_paid, p, to_char(paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                CASE WHEN NOT drive_paid THEN encode(uuid_send(payment_event), 'hex') END,
                CASE WHEN NOT drive_paid THEN (SELECT name FROM canbao.drives WHERE id = payment_drive) END
         FROM r
         WHERE ((e, p) IN (VALUES {pairs}) OR (stood AND (e, p) IN (VALUES {stood_pairs})))
           AND (e, p) IS DISTINCT FROM (se, sp) AND (e, p) IS DISTINCT FROM (te, tp);
         ANALYZE stage_contradicted;",
        de = decisions_as("de", enrollment, year),
        dp = decisions_as("dp", payment, year),
        pairs = pairs.join(", "),
        stood_pairs = stood_pairs.join(", "),
    ))
    .map_err(server)
}

/// How a conflict names its two sides. Copies of one drive are one drive to the county, under one name, so
/// the drive's name alone cannot tell two laptops apart: this push's side is named by the path given, and the
/// county's by the path of the file of this push that brought its change, else by the drive that sent it.
pub struct Names<'a> {
    pub this_file: &'a str,
    /// The changes earlier files of this push brought to the county: hash → the file's path as given.
    pub brought: &'a super::Map<String, String>,
    /// This file's history, where its side's operator is read.
    pub audit: &'a [super::drive::DriveEvent],
}

impl Names<'_> {
    /// The operator of each of `hashes` (history rows of this file), read from its history once.
    fn operators(&self, hashes: &[Option<String>]) -> super::Map<String, String> {
        let wanted: super::Set<&str> = hashes.iter().flatten().map(String::as_str).collect();
        if wanted.is_empty() {
            return super::Map::default();
        }
        self.audit
            .iter()
            .filter(|e| wanted.contains(e.hash.as_str()))
            .map(|e| (e.hash.clone(), e.operator.clone()))
            .collect()
    }
}

pub fn conflicts_of(
    tx: &mut postgres::Transaction,
    g: &Group,
    names: &Names,
    year: i32,
    reveal: bool,
) -> Result<Vec<PushConflict>, CountyError> {
    let (stage, table, on) = target(g);
    let p = g.prefix;
    let year_column = if g.yearly { "s.year" } else { "NULL::integer" };
    let values: String = g.fields.iter().map(|f| format!(", {}, {}", f.1, f.2)).collect();
    let sql = format!(
        "WITH {d}
         SELECT d.they_win, pp.id_number, pp.name, sc.name,
                to_char(s.{p}_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                to_char(t.{p}_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                COALESCE((SELECT name FROM canbao.drives WHERE id = t.{p}_drive), ''),
                encode(uuid_send(t.{p}_event), 'hex'), {year_column},
                c.payment, c.paid_at, c.paid_event, COALESCE(c.paid_drive, '') {values}, d.payment_stands,
                d.tax_record_kept, (SELECT a.operator FROM canbao.audit a WHERE a.event = t.{p}_event LIMIT 1),
                encode(uuid_send(s.{p}_event), 'hex'), s.pupil_id,
                (SELECT a.operator FROM canbao.audit a WHERE a.event = c.paid_event::uuid LIMIT 1)
         FROM d JOIN {stage} s ON s.rid = d.rid JOIN {table} t ON {on} {contradiction}
              JOIN canbao.pupils pp ON pp.id = s.pupil_id JOIN canbao.schools sc ON sc.id = pp.school_id
         WHERE (d.ours_unseen OR d.contradicted) AND d.differ ORDER BY s.sid",
        d = decisions(g, year),
        contradiction = contradiction_join(g),
    );
    let mut out = Vec::new();
    let found = tx.query(&sql, &[]).map_err(server)?;
    let drive_event = 16 + 2 * g.fields.len();
    let operators = names.operators(&found.iter().map(|r| r.get(drive_event)).collect::<Vec<_>>());
    for row in found {
        let they_win: bool = row.get(0);
        let id_number: String = row.get(1);
        let (drive_at, county_at): (Option<String>, Option<String>) = (row.get(4), row.get(5));
        let county_event: Option<String> = row.get(7);
        let named = |event: Option<String>, drive: String| match event.and_then(|e| names.brought.get(&e)) {
            Some(file) => file.clone(),
            None => drive,
        };
        let county_drive = named(county_event, row.get(6));
        let this_drive = names.this_file.to_owned();
        // The payment that stands against the enrollment not applied: the kept side is named by it.
        let payment_kept: Option<String> = row.get(9);
        let (paid_at, paid_drive): (Option<String>, String) = (row.get(10), named(row.get(11), row.get(12)));
        // A recorded payment kept over a change made apart: its conflicts say so (`conflict::How::PaymentOverLater`).
        let payment_stands: bool = row.get(13 + 2 * g.fields.len());
        let tax_record_kept: bool = row.get(14 + 2 * g.fields.len());
        // A change recorded with no operator's name names none (not an empty name).
        let named_operator = |o: Option<String>| o.filter(|o| !o.trim().is_empty());
        let county_operator = named_operator(row.get(15 + 2 * g.fields.len()));
        let drive_operator =
            named_operator(row.get::<_, Option<String>>(drive_event).and_then(|hash| operators.get(&hash).cloned()));
        // The payment standing against the enrollment not applied: its operator is the kept side's. The county's
        // payment is named by its own history; the drive's is this side's, whose operator is the drive's.
        let paid_operator = if payment_kept.is_some() {
            named_operator(row.get(drive_event + 2)).or_else(|| drive_operator.clone().filter(|_| they_win))
        } else {
            None
        };
        let (kept_operator, lost_operator) = if they_win {
            (drive_operator.clone(), county_operator.clone())
        } else {
            (county_operator.clone(), drive_operator.clone())
        };
        let mut values: Vec<(Field, Option<String>, Option<String>)> =
            g.fields.iter().enumerate().map(|(i, f)| (f.0, row.get(13 + 2 * i), row.get(14 + 2 * i))).collect();
        // A class is named whole, grade and class, as the detail screen names it: 「班级」：保留 1班 … 舍弃 2班 said
        // nothing of which grade (or, for a pupil moved between schools, whose 1班).
        if let [(Field::Grade, county_grade, drive_grade), (Field::Class, county_class, drive_class)] =
            values.as_slice()
        {
            let whole = |grade: &Option<String>, class: &Option<String>| match (grade, class) {
                (None, None) => None,
                _ => Some(crate::domain::class_label::join(
                    grade.as_deref().unwrap_or_default(),
                    class.as_deref().unwrap_or_default(),
                )),
            };
            values = vec![(Field::Class, whole(county_grade, county_class), whole(drive_grade, drive_class))];
        }
        for (f, county, drive) in values {
            if county == drive {
                continue;
            }
            let ((kept, mut kept_at, mut kept_drive), (lost, lost_at, lost_drive)) = if they_win {
                ((drive, drive_at.clone(), this_drive.clone()), (county, county_at.clone(), county_drive.clone()))
            } else {
                ((county, county_at.clone(), county_drive.clone()), (drive, drive_at.clone(), this_drive.clone()))
            };
            if payment_kept.is_some() {
                kept_at.clone_from(&paid_at);
                kept_drive = if they_win { this_drive.clone() } else { paid_drive.clone() };
            }
            out.push(PushConflict {
                file: names.this_file.to_owned(),
                id_number: crate::domain::id_number::shown(&id_number, reveal),
                name: row.get(2),
                school: row.get(3),
                year: row.get(8),
                field: f.key().to_owned(),
                kept,
                kept_at,
                kept_drive,
                lost,
                lost_at,
                lost_drive,
                // A payment standing against the enrollment names the payment's side, not the county's change.
                county_operator: county_operator.clone().filter(|_| payment_kept.is_none()),
                // The kept side of an enrollment not applied is the payment's: its operator, not this group's.
                kept_operator: if payment_kept.is_some() { paid_operator.clone() } else { kept_operator.clone() },
                lost_operator: lost_operator.clone(),
                payment_kept: if payment_stands {
                    Some(PaymentStatus::Paid.code().to_owned())
                } else {
                    payment_kept.clone()
                },
                tax_record_kept,
                pupil: row.get(drive_event + 1),
            });
        }
    }
    Ok(out)
}

/// The categories the county and the drive changed apart (the county's change unseen by the drive, the lists
/// differing), united as a merge unites them (`store::category_union`): both sides' additions and removals
/// stand, and only a category one side added and the other removed is a conflict, the newer change kept.
/// `known`: the drive's history rows the county already has. Applies the union, marks those pupils decided
/// (`stage_united`) for the plain decisions of the group, and returns the conflicts.
pub fn unite_categories(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
    names: &Names,
    drive_id: i32,
    year: i32,
    reveal: bool,
) -> Result<Vec<PushConflict>, CountyError> {
    use crate::store::category_union::{self, HistoryRow};
    use crate::store::category_union::{certified_categories, with_years};
    let Some(g) = COUNTY_GROUPS.iter().find(|g| g.prefix == "categories") else { return Ok(Vec::new()) };
    tx.batch_execute("CREATE TEMP TABLE IF NOT EXISTS stage_united (rid bigint PRIMARY KEY) ON COMMIT DROP")
        .map_err(server)?;
    let candidates = tx
        .query(
            &format!(
                "WITH {d}
                 SELECT s.rid, s.sid, s.pupil_id, d.they_win, t.categories::text, t.categories_year,
                        s.categories_year, pp.id_number, pp.name, sc.name
                 FROM d JOIN stage_pupils s ON s.rid = d.rid JOIN canbao.pupils t ON t.id = s.pupil_id
                      JOIN canbao.pupils pp ON pp.id = s.pupil_id JOIN canbao.schools sc ON sc.id = pp.school_id
                 WHERE d.ours_unseen AND d.differ ORDER BY s.sid",
                d = decisions(g, year)
            ),
            &[],
        )
        .map_err(server)?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let sids: super::Map<i64, usize> = candidates.iter().enumerate().map(|(i, r)| (r.get::<_, i64>(1), i)).collect();
    let pupils: Vec<i64> = candidates.iter().map(|r| r.get(2)).collect();
    // The drive's side: its rows for these pupils, unshared where the county lacks them.
    let mut drive_rows: Vec<Vec<HistoryRow>> = candidates.iter().map(|_| Vec::new()).collect();
    // Who made each of the drive's changes, by pupil, instant and origin (a step names no row of its own).
    let mut drive_operators: super::Map<(usize, &str, &str), &str> = super::Map::default();
    for e in rows.audit.iter().filter(|e| matches!(e.field.as_str(), "created" | "categories" | "categories_year")) {
        if let Some(&i) = e.sid.and_then(|sid| sids.get(&sid)) {
            drive_operators.insert((i, e.at_text.as_str(), e.origin.as_str()), e.operator.as_str());
            drive_rows[i].push(HistoryRow {
                field: e.field.clone(),
                old: e.old.clone(),
                new: e.new.clone(),
                at: e.at_text.clone(),
                origin: e.origin.clone(),
                event: None,
                unshared: !known.contains(&e.hash),
            });
        }
    }
    // The county's side: its rows for these pupils, unshared where the drive lacks them, each with its event
    // and the drive that sent it (to name the side of a conflict).
    let index: super::Map<i64, usize> = pupils.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut county_rows: Vec<Vec<HistoryRow>> = candidates.iter().map(|_| Vec::new()).collect();
    let mut sent_by: super::Map<String, String> = super::Map::default();
    let mut made_by: super::Map<String, String> = super::Map::default();
    for r in tx
        .query(
            "SELECT a.pupil_id, a.field, a.old, a.new, a.at_text, a.origin, encode(uuid_send(a.event), 'hex'),
                    NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = a.event),
                    COALESCE((SELECT name FROM canbao.drives v WHERE v.id = a.drive_id), ''), a.operator
             FROM canbao.audit a
             WHERE a.pupil_id = ANY($1) AND a.field IN ('created', 'categories', 'categories_year') ORDER BY a.id",
            &[&pupils],
        )
        .map_err(server)?
    {
        let Some(&i) = index.get(&r.get::<_, i64>(0)) else { continue };
        let event: String = r.get(6);
        sent_by.insert(event.clone(), r.get(8));
        made_by.insert(event.clone(), r.get(9));
        county_rows[i].push(HistoryRow {
            field: r.get(1),
            old: r.get(2),
            new: r.get(3),
            at: r.get(4),
            origin: r.get(5),
            event: Some(event),
            unshared: r.get(7),
        });
    }
    let held_by_drive: super::Map<i64, &str> =
        rows.pupils.iter().filter(|p| sids.contains_key(&p.sid)).map(|p| (p.sid, p.categories.as_str())).collect();
    let named = |step: &category_union::CategoryStep| match &step.event {
        None => names.this_file.to_owned(),
        Some(event) => match names.brought.get(event) {
            Some(file) => file.clone(),
            None => sent_by.get(event).cloned().unwrap_or_default(),
        },
    };
    // Each side's operator, as the other groups' conflicts name them: the county's change by its history row,
    // the drive's by its own (none where the change was recorded with no name).
    let operator = |i: usize, step: &category_union::CategoryStep| -> Option<String> {
        let name = match &step.event {
            None => drive_operators.get(&(i, step.at.as_str(), step.origin.as_str())).map(|o| (*o).to_owned()),
            Some(event) => made_by.get(event).cloned(),
        };
        name.filter(|o| !o.trim().is_empty())
    };
    let utc = |at: &str| crate::store::instant::parse(at).map(crate::store::instant::to_text);
    let mut conflicts = Vec::new();
    for (i, row) in candidates.iter().enumerate() {
        let (rid, sid, they_win): (i64, i64, bool) = (row.get(0), row.get(1), row.get(3));
        let county_list: String = row.get(4);
        let list = category_union::marks;
        let drive_held = held_by_drive.get(&sid).copied().unwrap_or("[]");
        let drive_steps =
            category_union::steps(&drive_rows[i], || Ok::<_, CountyError>(list(drive_held)), Some(rows.first_year))?;
        // The county's rows come from several drives, each with its own first year.
        let county_steps = category_union::steps(&county_rows[i], || Ok::<_, CountyError>(list(&county_list)), None)?;
        let union = category_union::unite(&county_list, &drive_steps, &county_steps, they_win);
        let (county_year, drive_year): (Option<i32>, Option<i32>) = (row.get(5), row.get(6));
        // Each category's year is the later of the two sides' certifications of it; the set's the oldest of
        // them, as a drive keeps it.
        let (county_marks, drive_marks) =
            (with_years(list(&county_list), county_year), with_years(list(drive_held), drive_year));
        let certified = |name: &str| {
            county_marks.iter().chain(&drive_marks).filter(|m| m.name == name).filter_map(|m| m.year).max()
        };
        let marks: Vec<_> = list(&union.list)
            .into_iter()
            .map(|m| crate::domain::student::CategoryMark { year: certified(&m.name), ..m })
            .collect();
        let (united, oldest) = certified_categories(&marks, None);
        let changed = list(&united) != list(&county_list);
        let categories_year = match oldest {
            Some(oldest) if changed || Some(oldest) != county_year => Some(oldest),
            _ if changed => county_year.max(drive_year),
            _ => county_year,
        };
        // The drive's stamp where its change won the group, as for any group; the county's stays otherwise
        // (the drive's change is in the county's history after this push either way).
        tx.execute(
            "UPDATE canbao.pupils t SET categories = $2::text::jsonb, categories_year = $3,
                        categories_at = CASE WHEN $4 THEN s.categories_at ELSE t.categories_at END,
                        categories_origin = CASE WHEN $4 THEN s.categories_origin ELSE t.categories_origin END,
                        categories_event = CASE WHEN $4 THEN s.categories_event ELSE t.categories_event END,
                        categories_drive = CASE WHEN $4 THEN $5 ELSE t.categories_drive END
                 FROM stage_pupils s
                 WHERE s.rid = $1 AND t.id = s.pupil_id
                   AND (t.categories IS DISTINCT FROM $2::text::jsonb OR t.categories_year IS DISTINCT FROM $3
                        OR $4)",
            &[&rid, &united, &categories_year, &they_win, &drive_id],
        )
        .map_err(server)?;
        if changed || categories_year != county_year {
            tx.execute("UPDATE stage_pupils SET changed = true WHERE rid = $1", &[&rid]).map_err(server)?;
        }
        tx.execute("INSERT INTO stage_united(rid) VALUES ($1)", &[&rid]).map_err(server)?;
        let id_number: String = row.get(7);
        for lost in union.lost {
            conflicts.push(PushConflict {
                file: names.this_file.to_owned(),
                id_number: crate::domain::id_number::shown(&id_number, reveal),
                name: row.get(8),
                school: row.get(9),
                year: None,
                field: Field::Categories.key().to_owned(),
                kept: Some(united.clone()),
                kept_at: utc(&lost.kept.at),
                kept_drive: named(&lost.kept),
                lost: Some(lost.lost_list),
                lost_at: utc(&lost.lost.at),
                lost_drive: named(&lost.lost),
                county_operator: operator(i, if lost.ours_kept { &lost.kept } else { &lost.lost }),
                kept_operator: operator(i, &lost.kept),
                lost_operator: operator(i, &lost.lost),
                payment_kept: None,
                tax_record_kept: false,
                pupil: row.get(2),
            });
        }
    }
    Ok(conflicts)
}

/// The class rule's verdicts (`store::class_rule`, as a merge weighs a class changed apart on two laptops),
/// where the county's class and the drive's were changed apart and one of the two changes is a promotion:
/// `stage_pupils.class_rule` true where the drive's change wins, false where the county's does, NULL where
/// the rule leaves it to the instants. `known`: the drive's history rows the county has.
pub fn class_verdicts(
    tx: &mut postgres::Transaction,
    rows: &super::drive::DriveRead,
    known: &super::Set<String>,
) -> Result<(), CountyError> {
    use super::drive::ClassStep;
    let candidates = tx
        .query(
            "SELECT s.rid, s.sid, t.class_promoted, t.class_made_in,
                    COALESCE(to_char(t.class_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),
                    COALESCE(t.class_origin, ''), f.action = 'year', f.at_text, f.origin,
                    t.class_promoted IS NOT NULL AND t.grade = $1, l.at_text, l.origin, s.pupil_id,
                    y.enrollment, y.payment
             FROM stage_pupils s JOIN canbao.pupils t ON t.id = s.pupil_id
                  -- The county's statuses of the year its promotion started (`class_rule::stays_in_class`).
                  LEFT JOIN canbao.statuses y ON y.pupil_id = t.id AND y.year = t.class_promoted
                  -- What the county's promotion moved up from, where the drive lacks it.
                  LEFT JOIN canbao.audit f ON f.event = t.class_from
                       AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = t.class_from)
                  -- The newest change of the enrollment before the county's promotion no start of a year
                  -- wrote, where the drive lacks it (`ClassChange::left_from`).
                  LEFT JOIN LATERAL (
                      SELECT a.at_text, a.origin, a.event FROM canbao.audit a
                      WHERE a.pupil_id = t.id AND a.field = 'enrollment' AND a.action NOT IN ('year', 'merge')
                        AND t.class_promoted IS NOT NULL AND a.at < t.class_at
                      ORDER BY a.at DESC, a.origin DESC LIMIT 1
                  ) l ON NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = l.event)
             WHERE s.class_event IS NOT NULL AND t.class_event IS NOT NULL AND s.class_event <> t.class_event
               AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = t.class_event)
               AND (s.class_promoted IS NOT NULL OR t.class_promoted IS NOT NULL)",
            &[&crate::store::LEFT_GRADE],
        )
        .map_err(server)?;
    // The pupils whose new year's enrollment follows the drive's promotion (`follow_the_promotion`), this file's.
    tx.batch_execute(
        "DROP TABLE IF EXISTS stage_follow;
         CREATE TEMP TABLE stage_follow (pupil_id bigint NOT NULL, year integer NOT NULL, enrollment text NOT NULL,
                                          decline_reason text) ON COMMIT DROP;",
    )
    .map_err(server)?;
    if candidates.is_empty() {
        return Ok(());
    }
    // Every start of a year the county and the drive record, by the instant and origin `year new` stamped on
    // it and on the class rows of its promotion.
    let mut starts: super::Map<(String, String), i32> = rows
        .audit
        .iter()
        .filter(|e| e.sid.is_none() && e.action == "year" && e.field == "year")
        .filter_map(|e| Some(((e.at_text.clone(), e.origin.clone()), e.new.as_deref()?.parse().ok()?)))
        .collect();
    for r in tx
        .query(
            "SELECT at_text, origin, new FROM canbao.audit
             WHERE pupil_id IS NULL AND action = 'year' AND field = 'year' AND new ~ '^[0-9]{1,9}$'",
            &[],
        )
        .map_err(server)?
    {
        let new: String = r.get(2);
        if let Ok(year) = new.parse() {
            starts.insert((r.get(0), r.get(1)), year);
        }
    }
    let wanted: super::Set<i64> = candidates.iter().map(|r| r.get::<_, i64>(1)).collect();
    let pupils: super::Map<i64, &super::drive::DrivePupil> =
        rows.pupils.iter().filter(|p| wanted.contains(&p.sid)).map(|p| (p.sid, p)).collect();
    let county_has = |hash: &str| known.contains(hash);
    let (mut rids, mut verdicts): (Vec<i64>, Vec<bool>) = (Vec::new(), Vec::new());
    let mut follow: (Vec<i64>, Vec<i32>, Vec<String>, Vec<Option<String>>) = Default::default();
    let theirs_sid = |r: &postgres::Row| r.get::<_, i64>(1);
    for r in &candidates {
        let Some(theirs) =
            pupils.get(&r.get::<_, i64>(1)).and_then(|p| ClassStep::newest_of(p, &rows.audit, &county_has))
        else {
            continue;
        };
        let from = match (r.get::<_, Option<bool>>(6), r.get::<_, Option<String>>(7), r.get::<_, Option<String>>(8)) {
            (Some(promotion), Some(at), Some(origin)) => {
                let into = if promotion { starts.get(&(at.clone(), origin.clone())).copied() } else { None };
                // The county keeps no log of its own to say more of it.
                Some(Box::new(ClassStep::bare(at, origin, into)))
            }
            _ => None,
        };
        let left = match (r.get::<_, Option<String>>(10), r.get::<_, Option<String>>(11)) {
            (Some(at), Some(origin)) => Some(Box::new(ClassStep::bare(at, origin, None))),
            _ => None,
        };
        let ours = ClassStep {
            promoted_into: r.get(2),
            made_in: r.get(3),
            from,
            at: r.get(4),
            origin: r.get(5),
            moved_out: r.get::<_, Option<bool>>(9).unwrap_or(false),
            left,
        };
        // A pupil the year has seen on either side stays in the class the other side's promotion moved him out
        // of, as a merge keeps him.
        let marked = |into: i32| -> Result<bool, CountyError> {
            let county = match (r.get::<_, Option<String>>(13), r.get::<_, Option<String>>(14)) {
                (Some(enrollment), Some(payment)) => class_rule::marked_in_year(&enrollment, &payment),
                _ => false,
            };
            let sid = theirs_sid(r);
            Ok(county
                || rows.statuses.iter().any(|st| {
                    st.sid == sid && st.year == into && class_rule::marked_in_year(&st.enrollment, &st.payment)
                }))
        };
        let stays = class_rule::stays_in_class(&theirs, &ours, marked)?.map(|s| !s.up_is_ours);
        if let Some(verdict) = stays.or_else(|| class_rule::decide(&theirs, &ours)) {
            rids.push(r.get(0));
            verdicts.push(verdict);
            // One moved the pupil out as 已离校, the other up a grade, and the drive's won: the enrollment the
            // year started with goes with it, as a merge's `follow_the_promotion` carries it, unless the drive
            // changed it in that year (a row, settled as any).
            if let Some(into) = theirs.promoted_into.filter(|&y| {
                verdict
                    && ours.promoted_into == Some(y)
                    && theirs.moved_out != ours.moved_out
                    && !rows.audit.iter().any(|e| {
                        e.sid == Some(theirs_sid(r))
                            && e.year == Some(y)
                            && ["enrollment", "decline_reason"].contains(&e.field.as_str())
                            && !["year", "merge"].contains(&e.action.as_str())
                    })
            }) {
                let sid = theirs_sid(r);
                if let Some(st) = rows.statuses.iter().find(|st| st.sid == sid && st.year == into) {
                    follow.0.push(r.get::<_, i64>(12));
                    follow.1.push(into);
                    follow.2.push(st.enrollment.clone());
                    follow.3.push(st.decline_reason.clone());
                }
            }
        }
    }
    tx.execute(
        "UPDATE stage_pupils s SET class_rule = v.theirs FROM unnest($1::bigint[], $2::boolean[]) AS v(rid, theirs)
         WHERE s.rid = v.rid",
        &[&rids, &verdicts],
    )
    .map_err(server)?;
    tx.execute(
        "INSERT INTO stage_follow SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[])",
        &[&follow.0, &follow.1, &follow.2, &follow.3],
    )
    .map_err(server)?;
    Ok(())
}

/// After the groups are applied: the new year's enrollment of a pupil whose drive's promotion won the class
/// over the county's, one having moved the pupil out as 已离校 and the other up a grade (`class_verdicts`),
/// follows the drive's, as a merge's `follow_the_promotion` carries it. A year's start writes no row for the
/// enrollment it gives, so nothing else carries it, and the county kept the move out's 已离校 beside the class
/// a grade up. A change of the enrollment the county holds for that year is a row, and is settled as any.
pub fn follow_the_promotion(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    tx.batch_execute(
        "UPDATE canbao.statuses t SET enrollment = s.enrollment, decline_reason = s.decline_reason
         FROM stage_follow s
         WHERE t.pupil_id = s.pupil_id AND t.year = s.year
           AND (t.enrollment, t.decline_reason) IS DISTINCT FROM (s.enrollment, s.decline_reason)
           AND NOT EXISTS (SELECT 1 FROM canbao.audit a
                           WHERE a.pupil_id = t.pupil_id AND a.year = t.year
                             AND a.field IN ('enrollment', 'decline_reason') AND a.action NOT IN ('year', 'merge'))",
    )
    .map_err(server)
}

/// Records in the county's history each value of group `g` a restore of this drive took back (the county's
/// change is one the drive's restore undid, `stage_undone`) or brought back (a later restore undid that one,
/// `brought_back` in the decisions), as the drive's latest restore (`restored`: its time and operator) made it:
/// an undo reaches the county as visibly as the restore it undoes. Run before the group is applied. Returns the
/// county's pupils concerned and how many history rows were written.
pub fn record_restored(
    tx: &mut postgres::Transaction,
    g: &Group,
    drive_id: i32,
    restored: Option<&(String, String)>,
    year: i32,
) -> Result<(Vec<i64>, u64), CountyError> {
    let (stage, table, on) = target(g);
    let year_column = if g.yearly { "s.year" } else { "NULL::integer" };
    let values: Vec<String> = g.fields.iter().map(|f| format!("('{}', {}, {})", f.0.key(), f.1, f.2)).collect();
    let (at, operator) = match restored {
        Some((at, by)) => (Some(at.as_str()), by.as_str()),
        None => (None, ""),
    };
    let sql = format!(
        "WITH {d},
         ins AS (
            INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                                     field, old, new, year)
            SELECT gen_random_uuid(), $1, s.pupil_id, COALESCE($2::text::timestamptz, now()),
                   COALESCE($2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), $3,
                   'restore', 'restore', pp.id_number, f.field, f.old, f.new, {year_column}
            FROM d JOIN {stage} s ON s.rid = d.rid JOIN {table} t ON {on}
                 JOIN canbao.pupils pp ON pp.id = s.pupil_id,
                 LATERAL (VALUES {values}) AS f(field, old, new)
            WHERE (d.undone OR d.brought_back) AND d.they_win AND f.old IS DISTINCT FROM f.new
            RETURNING pupil_id
         )
         SELECT pupil_id, count(*) FROM ins GROUP BY pupil_id",
        d = decisions(g, year),
        values = values.join(", "),
    );
    let rows = tx.query(&sql, &[&drive_id, &at, &operator]).map_err(server)?;
    let written: i64 = rows.iter().map(|r| r.get::<_, i64>(1)).sum();
    Ok((rows.iter().map(|r| r.get(0)).collect(), written as u64))
}

/// Before group `g` is decided: where the county's value of a pupil is a change this drive has taken back since
/// by an undo or a school renamed back (`push::withdrawn`), and the newest other change of the group the county
/// holds is one the drive lacks (another laptop's, which the withdrawn change had beaten), the county goes back
/// to that change, value and stamp, as a merge of the two reads the pair as nothing; the decisions then weigh
/// the drive's word against it as any. Where the newest other change is one the drive has, the drive's value is
/// the county's word after the pair, and the decisions take it (the withdrawn change stands as taken back).
/// A change and its undo the county already holds (`stage_paired`) are no change here: read as one, the undo
/// would stand for the drive and hide the other laptop's change.
/// A group of one field has its value in that change's history row; a group of several (enrollment, payment,
/// categories) has each field's from the newest history row of that field not taken back, else, where only
/// withdrawn rows set it, from the value the first of them replaced (see [`rewind_group`]).
pub fn rewind_withdrawn(tx: &mut postgres::Transaction, g: &Group) -> Result<(), CountyError> {
    let ([column], [(field, _, _)]) = (g.sets, g.fields) else { return rewind_group(tx, g) };
    if g.yearly {
        return rewind_group(tx, g);
    }
    let p = g.prefix;
    let value = if *field == Field::School {
        "(SELECT id FROM canbao.schools c WHERE c.name = w.new)".to_owned()
    } else {
        "w.new".to_owned()
    };
    let sql = format!(
        "WITH w AS (
            SELECT s.sid, t.id, k.event, k.at, k.origin, k.drive_id, k.new, t.{column}::text AS was
            FROM stage_pupils s JOIN canbao.pupils t ON t.id = s.pupil_id
                 JOIN LATERAL (
                     SELECT a.event, a.at, a.origin, a.drive_id, a.new FROM canbao.audit a
                     WHERE a.pupil_id = t.id AND a.field = '{key}' {HISTORY} AND a.event <> t.{p}_event
                       AND NOT EXISTS (SELECT 1 FROM stage_undone x WHERE x.event = a.event)
                       AND NOT EXISTS (SELECT 1 FROM stage_paired y WHERE y.event = a.event)
                     ORDER BY a.at DESC NULLS LAST, a.origin DESC, a.id DESC LIMIT 1
                 ) k ON true
            WHERE EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{p}_event AND NOT u.by_restore)
              AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = k.event)
              AND k.new IS NOT NULL {school_known}
         ),
         u AS (
            UPDATE canbao.pupils t SET {column} = {value}, {p}_at = w.at, {p}_origin = w.origin, {p}_event = w.event,
                   {p}_drive = w.drive_id
            FROM w WHERE t.id = w.id
            RETURNING w.sid, t.{column}::text IS DISTINCT FROM w.was AS differ
         )
         UPDATE stage_pupils s SET changed = true FROM u WHERE u.sid = s.sid AND u.differ",
        key = field.key(),
        school_known = if *field == Field::School {
            "AND EXISTS (SELECT 1 FROM canbao.schools c WHERE c.name = k.new)"
        } else {
            ""
        },
    );
    tx.execute(&sql, &[]).map_err(server)?;
    Ok(())
}

/// The county's column of a field of a group of several, and how a history row's text becomes its value (the
/// text as `v`): `None` for a field no group of several holds.
fn county_column(field: Field) -> Option<(&'static str, &'static str)> {
    const TEXT: &str = "v";
    // A value the column cannot take is no value: the rewind leaves the column as it is (see `rewind_group`).
    const FEN: &str = "CASE WHEN v ~ '^-?[0-9]{1,18}$' THEN v::bigint END";
    const YEAR: &str = "CASE WHEN v ~ '^-?[0-9]{1,9}$' THEN v::integer END";
    const LIST: &str = "CASE WHEN v ~ '^\\s*\\[.*\\]\\s*$' THEN v::jsonb END";
    Some(match field {
        Field::Enrollment => ("enrollment", TEXT),
        Field::DeclineReason => ("decline_reason", TEXT),
        Field::Payment => ("payment", TEXT),
        Field::PaidAmount => ("paid_amount_fen", FEN),
        Field::PaidOn => ("paid_on", TEXT),
        Field::PaidChannel => ("paid_channel", TEXT),
        Field::Categories => ("categories", LIST),
        Field::CategoriesYear => ("categories_year", YEAR),
        _ => return None,
    })
}

/// [`rewind_withdrawn`] for a group of several fields (enrollment, payment, categories; the class is the class
/// rule's, and no change of it is withdrawn): the change the county goes back to wrote rows only for the fields
/// it changed, so each field takes the newest value the county's history holds for it that was not taken back
/// (the other laptop's change, or what came before it), else, where only changes taken back set it, the value
/// the first of them replaced. The stamp is the other laptop's change, as for a group of one field. The amount
/// due goes with the payment and is kept: the laptop that recorded the payment judges it again on its next push
/// (`push::judge_part_payments`).
fn rewind_group(tx: &mut postgres::Transaction, g: &Group) -> Result<(), CountyError> {
    let Some(columns) = g.fields.iter().map(|f| county_column(f.0).map(|c| (f.0, c))).collect::<Option<Vec<_>>>()
    else {
        return Ok(());
    };
    let (stage, table, on) = target(g);
    let p = g.prefix;
    let (pupil, same_year) = if g.yearly { ("t.pupil_id", "AND a.year = t.year") } else { ("t.id", "") };
    let keys: Vec<String> = g.fields.iter().map(|f| format!("'{}'", f.0.key())).collect();
    let held: Vec<String> = columns.iter().map(|(_, (column, _))| format!("t.{column}")).collect();
    let sets: Vec<String> = columns
        .iter()
        .map(|(field, (column, cast))| {
            let rows = |which: &str| {
                format!(
                    "FROM canbao.audit a WHERE a.pupil_id = {pupil} {same_year} AND a.field = '{key}' {HISTORY}
                       AND {which} EXISTS (SELECT 1 FROM stage_undone x WHERE x.event = a.event{withdrawn}){paired}",
                    key = field.key(),
                    withdrawn = if which.is_empty() { " AND NOT x.by_restore" } else { "" },
                    paired = if which.is_empty() {
                        ""
                    } else {
                        " AND NOT EXISTS (SELECT 1 FROM stage_paired y WHERE y.event = a.event)"
                    },
                )
            };
            let (kept, withdrawn) = (rows("NOT"), rows(""));
            let cast = |value: &str| format!("(SELECT {} FROM (SELECT {value} AS v) c)", cast);
            format!(
                "{column} = COALESCE(CASE
                     WHEN EXISTS (SELECT 1 {kept})
                         THEN {newest}
                     WHEN EXISTS (SELECT 1 {withdrawn})
                         THEN {first}
                     ELSE t.{column} END, t.{column})",
                newest = cast(&format!(
                    "(SELECT a.new {kept} ORDER BY a.at DESC NULLS LAST, a.origin DESC, a.id DESC LIMIT 1)"
                )),
                first = cast(&format!("(SELECT a.old {withdrawn} ORDER BY a.id LIMIT 1)")),
            )
        })
        .collect();
    let (matched, year_of) = if g.yearly {
        ("t.pupil_id = w.pupil AND t.year = w.year", "s.year")
    } else {
        ("t.id = w.pupil", "NULL::integer")
    };
    let sql = format!(
        "WITH w AS (
            SELECT s.sid, {pupil} AS pupil, {year_of} AS year, k.event, k.at, k.origin, k.drive_id,
                   ROW({held})::text AS was
            FROM {stage} s JOIN {table} t ON {on}
                 JOIN LATERAL (
                     SELECT a.event, a.at, a.origin, a.drive_id FROM canbao.audit a
                     WHERE a.pupil_id = {pupil} {same_year} AND a.field IN ({keys}) {HISTORY}
                       AND a.event <> t.{p}_event
                       AND NOT EXISTS (SELECT 1 FROM stage_undone x WHERE x.event = a.event)
                       AND NOT EXISTS (SELECT 1 FROM stage_paired y WHERE y.event = a.event)
                     ORDER BY a.at DESC NULLS LAST, a.origin DESC, a.id DESC LIMIT 1
                 ) k ON true
            WHERE EXISTS (SELECT 1 FROM stage_undone u WHERE u.event = t.{p}_event AND NOT u.by_restore)
              AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.event = k.event)
         ),
         u AS (
            UPDATE {table} t SET {sets}, {p}_at = w.at, {p}_origin = w.origin, {p}_event = w.event,
                   {p}_drive = w.drive_id
            FROM w WHERE {matched}
            RETURNING w.sid, ROW({held})::text IS DISTINCT FROM w.was AS differ
         )
         UPDATE stage_pupils s SET changed = true FROM u WHERE u.sid = s.sid AND u.differ",
        keys = keys.join(", "),
        held = held.join(", "),
        sets = sets.join(",\n                   "),
    );
    tx.execute(&sql, &[]).map_err(server)?;
    Ok(())
}

pub fn apply_group(tx: &mut postgres::Transaction, g: &Group, drive_id: i32, year: i32) -> Result<(), CountyError> {
    let (stage, table, on) = target(g);
    let p = g.prefix;
    let sets: String = g.sets.iter().map(|c| format!("{c} = s.{c}, ")).collect();
    let class_step = if p == "class" {
        "class_promoted = s.class_promoted, class_made_in = s.class_made_in, class_from = s.class_from, "
    } else {
        ""
    };
    let sql = format!(
        "WITH {d},
         u AS (
            UPDATE {table} t SET {sets}{class_step}{p}_at = s.{p}_at, {p}_origin = s.{p}_origin,
                   {p}_event = s.{p}_event, {p}_drive = CASE WHEN s.{p}_event IS NULL THEN NULL ELSE $1::integer END
            FROM d JOIN {stage} s ON s.rid = d.rid
            WHERE {on} AND d.they_win
            RETURNING s.sid, d.differ
         )
         UPDATE stage_pupils p SET changed = true FROM u WHERE u.sid = p.sid AND u.differ",
        d = decisions(g, year),
    );
    tx.execute(&sql, &[&drive_id]).map_err(server)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::merge::GROUPS;

    #[test]
    fn the_county_groups_are_the_merge_groups() {
        for (county, merge) in COUNTY_GROUPS.iter().zip(GROUPS) {
            let fields: Vec<Field> = county.fields.iter().map(|f| f.0).collect();
            assert_eq!(fields.as_slice(), merge, "group {}", county.prefix);
        }
        // The merge's groups beyond the county's are 民族 and 居住地址 only, which the county does not keep.
        let beyond: Vec<&[Field]> = GROUPS[COUNTY_GROUPS.len()..].to_vec();
        assert_eq!(beyond, [&[Field::Ethnicity][..], &[Field::Address][..]]);
    }
}
