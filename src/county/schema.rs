//! The county database's tables, in the PostgreSQL schema `canbao`, and their forward migrations, versioned
//! by `canbao_meta.schema_version` as a drive file is by `user_version`.

use postgres::Transaction;

use super::CountyError;

pub const SCHEMA: &str = "canbao";

/// Each entry moves the schema from version `index` to `index + 1`; released entries are never edited.
pub const MIGRATIONS: &[&str] = &[
    // 1: drives pushed, schools, pupils with each group of fields stamped by the change that set it, their
    // statuses per insured year, the categories seen, and the append-only history of every drive.
    r#"
    CREATE TABLE canbao.drives (
        id            serial PRIMARY KEY,
        -- The file's name, and its first audit row: copies of one drive share that row, two drives do not.
        name          text NOT NULL,
        first_event   text NOT NULL,
        last_audit_id bigint NOT NULL,
        last_event    text NOT NULL,
        first_pushed  timestamptz NOT NULL DEFAULT now(),
        pushed_at     timestamptz NOT NULL DEFAULT now(),
        pushes        integer NOT NULL DEFAULT 1,
        UNIQUE (name, first_event)
    );
    CREATE TABLE canbao.schools (
        id   serial PRIMARY KEY,
        name text NOT NULL UNIQUE
    );
    -- Each group of fields a merge wins together (see store::merge::GROUPS) carries the change that set it:
    -- when (at, then origin to break ties), which audit event (its hash), and from which drive.
    CREATE TABLE canbao.pupils (
        id            bigserial PRIMARY KEY,
        -- store::merge::PupilKey as text: a valid ID number, else the number with name, school and class.
        key           text NOT NULL UNIQUE,
        created_event text,
        id_number     text NOT NULL,
        id_valid      boolean NOT NULL,
        name          text NOT NULL,
        school_id     integer NOT NULL REFERENCES canbao.schools(id),
        grade         text NOT NULL,
        class         text NOT NULL,
        class_order   text NOT NULL,
        phone         text NOT NULL,
        categories    jsonb NOT NULL DEFAULT '[]',
        -- The insured year the categories were last certified for (NULL: the drive's first year).
        categories_year integer,
        note          text NOT NULL,
        school_at timestamptz, school_origin text, school_event text, school_drive integer,
        name_at timestamptz, name_origin text, name_event text, name_drive integer,
        class_at timestamptz, class_origin text, class_event text, class_drive integer,
        phone_at timestamptz, phone_origin text, phone_event text, phone_drive integer,
        categories_at timestamptz, categories_origin text, categories_event text, categories_drive integer,
        note_at timestamptz, note_origin text, note_event text, note_drive integer
    );
    CREATE INDEX pupils_created ON canbao.pupils(created_event);
    CREATE INDEX pupils_school ON canbao.pupils(school_id, class_order);
    -- A pupil's enrollment and payment are statuses for one insured year.
    CREATE TABLE canbao.statuses (
        pupil_id        bigint NOT NULL REFERENCES canbao.pupils(id),
        year            integer NOT NULL,
        enrollment      text NOT NULL CHECK (enrollment IN ('unknown', 'here', 'elsewhere', 'declined', 'left')),
        decline_reason  text,
        payment         text NOT NULL CHECK (payment IN ('unpaid', 'paid', 'government')),
        paid_amount_fen bigint,
        paid_on         text,
        paid_channel    text,
        enrollment_at timestamptz, enrollment_origin text, enrollment_event text, enrollment_drive integer,
        payment_at timestamptz, payment_origin text, payment_event text, payment_drive integer,
        PRIMARY KEY (pupil_id, year)
    );
    CREATE INDEX statuses_year ON canbao.statuses(year);
    -- The categories (特殊群体) the drives have marked, for the office to see which exist.
    CREATE TABLE canbao.categories (
        name       text PRIMARY KEY,
        first_seen timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE canbao.audit (
        id        bigserial PRIMARY KEY,
        -- The hash of the row's content: the same change pushed from two copies of a drive is kept once.
        event     text NOT NULL UNIQUE,
        drive_id  integer NOT NULL REFERENCES canbao.drives(id),
        pupil_id  bigint REFERENCES canbao.pupils(id),
        at        timestamptz,
        at_text   text NOT NULL,
        operator  text NOT NULL,
        origin    text NOT NULL,
        action    text NOT NULL,
        id_number text,
        field     text NOT NULL,
        old       text,
        new       text,
        -- The insured year of a status's row.
        year      integer
    );
    CREATE INDEX audit_pupil ON canbao.audit(pupil_id);
    CREATE FUNCTION canbao.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;
    CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON canbao.audit
        FOR EACH ROW EXECUTE FUNCTION canbao.audit_append_only();
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON canbao.audit
        FOR EACH STATEMENT EXECUTE FUNCTION canbao.audit_append_only();
    "#,
    // 2: no foreign keys on the bulk tables. Their per-row checks were a third of a 100k-pupil push; every
    // reference is written by the push itself, in one transaction, from ids it has just read or made.
    r#"
    ALTER TABLE canbao.audit DROP CONSTRAINT IF EXISTS audit_drive_id_fkey;
    ALTER TABLE canbao.audit DROP CONSTRAINT IF EXISTS audit_pupil_id_fkey;
    ALTER TABLE canbao.statuses DROP CONSTRAINT IF EXISTS statuses_pupil_id_fkey;
    ALTER TABLE canbao.pupils DROP CONSTRAINT IF EXISTS pupils_school_id_fkey;
    "#,
    // 3: keys that compare as bytes. An audit row's hash is 128 bits, so a uuid (16 bytes, compared as
    // integers) instead of 32 characters of text; a pupil's key compares byte by byte ("C"), not by the
    // database's language. Every match, unique index and "already there" probe of a push is on these; in a
    // database made with a language's collation each text comparison was a strcoll call.
    r#"
    ALTER TABLE canbao.audit ALTER COLUMN event TYPE uuid USING event::uuid;
    ALTER TABLE canbao.pupils
        ALTER COLUMN key TYPE text COLLATE "C",
        ALTER COLUMN created_event TYPE uuid USING created_event::uuid,
        ALTER COLUMN school_event TYPE uuid USING school_event::uuid,
        ALTER COLUMN name_event TYPE uuid USING name_event::uuid,
        ALTER COLUMN class_event TYPE uuid USING class_event::uuid,
        ALTER COLUMN phone_event TYPE uuid USING phone_event::uuid,
        ALTER COLUMN categories_event TYPE uuid USING categories_event::uuid,
        ALTER COLUMN note_event TYPE uuid USING note_event::uuid;
    ALTER TABLE canbao.statuses
        ALTER COLUMN enrollment_event TYPE uuid USING enrollment_event::uuid,
        ALTER COLUMN payment_event TYPE uuid USING payment_event::uuid;
    "#,
    // 4: the class a pupil was in during a closed insured year, as the drive keeps it (its schema 6), so that
    // year rolls up by last year's classes, not this year's one grade up. NULL, as on the drive: the class did
    // not change since, the pupil's own applies (and always for the current year).
    r#"
    ALTER TABLE canbao.statuses ADD COLUMN grade text, ADD COLUMN class text, ADD COLUMN class_order text;
    "#,
    // 5: the pupils a push found under another school in a drive that shares no history with the drive the
    // county had them from (push::OtherSchoolPupil), for the roll-up's count of them.
    r#"
    CREATE TABLE canbao.other_school_pupils (
        pupil_id bigint NOT NULL,
        drive_id integer NOT NULL,
        -- The school the county had the pupil in, and the one the drive has them in.
        county_school_id integer NOT NULL,
        drive_school_id integer NOT NULL,
        PRIMARY KEY (pupil_id, drive_id)
    );
    "#,
    // 6: indexes a push fills at their right edge. New pupils go in by creation row, each school's after the
    // ones the county has, so an index on the school alone takes them in order where (school, class) took them
    // at random; a school's classes are a few thousand rows for the roll-up to sort. An index on the insured
    // year (a handful of values, each most of the table) served no query a scan does not serve better, and
    // every status paid for it: together a tenth of the server's time for another school's 100k drive.
    r#"
    DROP INDEX IF EXISTS canbao.pupils_school;
    CREATE INDEX pupils_school ON canbao.pupils(school_id);
    DROP INDEX IF EXISTS canbao.statuses_year;
    "#,
    // 7: what the class rule (store::class_rule) needs of the change that set a pupil's class, as a merge
    // reads it from the drive's history: the insured year a promotion started (NULL: a deliberate change), the
    // year of the newest promotion before a deliberate change in its drive's log, and the change a promotion
    // moved up from. A promotion the county already holds is recognised by its history row and the start of
    // the year pushed with it; the rest is learnt as drives push. Run again, it changes nothing.
    r#"
    ALTER TABLE canbao.pupils ADD COLUMN IF NOT EXISTS class_promoted integer,
        ADD COLUMN IF NOT EXISTS class_made_in integer, ADD COLUMN IF NOT EXISTS class_from uuid;
    UPDATE canbao.pupils p SET class_promoted = y.new::integer
    FROM canbao.audit a, canbao.audit y
    WHERE a.event = p.class_event AND a.action = 'year' AND y.pupil_id IS NULL AND y.action = 'year'
      AND y.field = 'year' AND y.at_text = a.at_text AND y.origin = a.origin AND y.new ~ '^[0-9]{1,9}$';
    "#,
    // 8: the amount due of a family's payment the laptop found short of it (部分缴费, 300 of 380: insures
    // nobody, still to collect), as the drive's `stats` judges it under its policy; NULL for a whole payment and
    // for a status pushed before (counted as before, paid and insured, until its drive is pushed again).
    r#"
    ALTER TABLE canbao.statuses ADD COLUMN IF NOT EXISTS amount_due_fen bigint;
    "#,
    // 9: whether the drive's policy sends the pupil to enroll away from school (待遇审批地, with the family), by
    // the categories certified for the year, as the drive's `stats` judges it: such a pupil nobody registered
    // here or found insured is not 应参保 at school. NULL for a status pushed before (counted as before, due at
    // school, until its drive is pushed again) and for a closed year's.
    r#"
    ALTER TABLE canbao.statuses ADD COLUMN IF NOT EXISTS sent_away boolean;
    "#,
    // 10: the categories a pupil had during a closed insured year, as the drive keeps them (its year_categories,
    // schema 11), with the year that set was certified for, so that year rolls up by the categories of then,
    // not by a later year's certification. NULL, as on the drive: unchanged since, the pupil's own apply (and
    // always for the current year).
    // A pupil's categories_year is never NULL from this version on: a drive's NULL means its first year, which
    // only the drive knows, so a push sends that year in its place. A NULL pushed before is made the pupil's
    // earliest insured year the county holds: a drive leaves the year NULL only for pupils it had before it
    // kept years, all on its first year's list, and every push sends each year's statuses it keeps.
    r#"
    ALTER TABLE canbao.statuses ADD COLUMN IF NOT EXISTS categories jsonb,
                                ADD COLUMN IF NOT EXISTS categories_year integer;
    UPDATE canbao.pupils p SET categories_year = f.year
    FROM (SELECT pupil_id, min(year) AS year FROM canbao.statuses GROUP BY pupil_id) f
    WHERE p.categories_year IS NULL AND f.pupil_id = p.id;
    "#,
    // 11: the restore of a drive (its `restored_at`) whose removed pupils the county still holds a push last
    // named (push::RemovedPupil): they are named once per restore, not on every push after it.
    r#"
    ALTER TABLE canbao.drives ADD COLUMN IF NOT EXISTS restore_removed_said text;
    "#,
    // 12: the school a pupil's creation row put them in, where it was the drive's newest change of the pupil's
    // school when pushed (NULL otherwise, and for rows pushed before): a pupil two drives created (another
    // school's list imported by mistake, copies importing one list under two schools) goes back to the other
    // creation's school when a restore takes one creation back, as a 学校 change row's own value gives it.
    r#"
    ALTER TABLE canbao.audit ADD COLUMN IF NOT EXISTS school text;
    "#,
    // 13: likewise the name and the class (grade and class; a restore makes the sort key again from them) a
    // pupil's creation row gave them, where it was the drive's newest change of that group when pushed (NULL
    // otherwise, and for rows pushed before): a restore that takes one creation back gives the pupil back the
    // other creation's name and class with its school, not the name and class of the creation taken back.
    r#"
    ALTER TABLE canbao.audit ADD COLUMN IF NOT EXISTS name text, ADD COLUMN IF NOT EXISTS grade text,
                             ADD COLUMN IF NOT EXISTS class text;
    "#,
];

/// The first version whose statuses keep a closed year's categories, and whose pupils' categories_year is
/// never NULL.
pub const YEAR_CATEGORIES_VERSION: i64 = 10;

/// The first version whose statuses say whether the drive's policy sends the pupil away (`sent_away`).
pub const SENT_AWAY_VERSION: i64 = 9;

/// The first version whose statuses say a family's part payment (`amount_due_fen`).
pub const PART_PAID_VERSION: i64 = 8;

/// The first version that records the pupils of two schools' unrelated drives.
pub const OTHER_SCHOOL_VERSION: i64 = 5;

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// One key for every canbao that writes to this database: pushes and migrations wait for each other (a read
/// never waits). "CNBO" as a number.
pub const PUSH_LOCK: i64 = 0x434E_424F;

/// The schema's version, 0 when canbao has not made it yet.
pub fn version(tx: &mut Transaction) -> Result<i64, CountyError> {
    let exists: bool =
        tx.query_one("SELECT to_regclass('canbao.canbao_meta') IS NOT NULL", &[]).map_err(CountyError::server)?.get(0);
    if !exists {
        return Ok(0);
    }
    let row = tx
        .query_opt("SELECT value FROM canbao.canbao_meta WHERE key = 'schema_version'", &[])
        .map_err(CountyError::server)?;
    Ok(row.and_then(|r| r.get::<_, String>(0).parse().ok()).unwrap_or(0))
}

/// Brings the schema forward inside the caller's transaction (which holds [`PUSH_LOCK`]), so a push that
/// fails or is a dry run leaves the database as it found it. A schema from a newer canbao is refused.
/// Returns true when it made the schema: the county is empty and its tables are this transaction's alone.
pub fn migrate(tx: &mut Transaction) -> Result<bool, CountyError> {
    let current = version(tx)?;
    if current > latest_version() {
        return Err(CountyError::TooNew { found: current, supported: latest_version() });
    }
    if current < latest_version() {
        may_migrate(tx, current)?;
    }
    if current == 0 {
        tx.batch_execute(
            "CREATE SCHEMA IF NOT EXISTS canbao;
             CREATE TABLE IF NOT EXISTS canbao.canbao_meta (key text PRIMARY KEY, value text NOT NULL);",
        )
        .map_err(CountyError::server)?;
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch_execute(sql).map_err(CountyError::server)?;
        tx.execute(
            "INSERT INTO canbao.canbao_meta(key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&(index as i64 + 1).to_string()],
        )
        .map_err(CountyError::server)?;
    }
    Ok(current == 0)
}

/// Refuses, before anything is changed, a migration the session's user may not make, naming the right it
/// lacks: the server's own "permission denied for database" or "must be owner of table pupils" does not say
/// that the schema is made or brought forward by its owner, once, and every push after that needs less.
fn may_migrate(tx: &mut Transaction, current: i64) -> Result<(), CountyError> {
    let row = tx
        .query_one(
            "SELECT current_user::text,
                    has_database_privilege(current_database(), 'CREATE'),
                    (SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ', ')
                     FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
                       AND NOT pg_has_role(c.relowner, 'USAGE')),
                    pg_get_userbyid(n.nspowner)::text, pg_has_role(n.nspowner, 'USAGE')
             FROM (SELECT NULL) AS one LEFT JOIN pg_namespace n ON n.nspname = 'canbao'",
            &[],
        )
        .map_err(CountyError::server)?;
    let user: String = row.get(0);
    let may_create: bool = row.get(1);
    let others: Option<String> = row.get(2);
    let schema_owner: Option<String> = row.get(3);
    let owns_schema: Option<bool> = row.get(4);
    let owner = match (&others, &schema_owner, owns_schema) {
        (Some(others), _, _) => Some(others.clone()),
        (None, Some(owner), Some(false)) => Some(owner.clone()),
        _ => None,
    };
    if let Some(owner) = owner {
        return Err(CountyError::NotOwner { user, owner, found: current, latest: latest_version() });
    }
    if schema_owner.is_none() && !may_create {
        return Err(CountyError::NoCreate { user });
    }
    Ok(())
}

/// The first version whose statuses keep a closed year's class.
pub const YEAR_CLASS_VERSION: i64 = 4;

/// The schema's version, when the database has canbao's schema at a version this canbao reads: for roll-ups,
/// which never create (nor bring an older schema forward: that is a push's, with the owner's rights).
pub fn check_readable(client: &mut postgres::Client) -> Result<i64, CountyError> {
    let mut tx = client.transaction().map_err(CountyError::server)?;
    let found = version(&mut tx)?;
    tx.commit().map_err(CountyError::server)?;
    match found {
        0 => Err(CountyError::Empty),
        v if v > latest_version() => Err(CountyError::TooNew { found: v, supported: latest_version() }),
        v => Ok(v),
    }
}
