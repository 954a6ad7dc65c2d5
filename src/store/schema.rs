//! The database schema and its forward migrations, versioned by `PRAGMA user_version`.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema from version `index` to `index + 1`. Entries are never edited once released:
/// a change is a new entry, so every older file can be brought forward. A change of the readings names are
/// sorted and searched by (`domain::pinyin_keys`, its surnames) is one too, marking the search keys outdated
/// (`search_blocks::OUTDATED`) and writing `name_order` again: a merge takes both from the other file as they
/// are when the two files are at the same version.
pub const MIGRATIONS: &[&str] = &[
    // 1: a drive of schools and pupils, with the append-only audit log.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE schools (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE students (
        id              INTEGER PRIMARY KEY,
        school_id       INTEGER NOT NULL REFERENCES schools(id),
        name            TEXT NOT NULL,
        id_raw          TEXT NOT NULL,
        id_number       TEXT NOT NULL,
        id_kind         TEXT,
        id_problem      TEXT,
        sex             TEXT CHECK (sex IN ('male', 'female')),
        birth_date      TEXT,
        grade           TEXT NOT NULL DEFAULT '',
        class           TEXT NOT NULL DEFAULT '',
        -- Sorts classes as schools list them (二年级 before 十年级, 2班 before 10班); see class_label::order_key.
        class_order     TEXT NOT NULL DEFAULT '',
        phone           TEXT NOT NULL DEFAULT '',
        enrollment      TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (enrollment IN ('unknown', 'here', 'elsewhere', 'declined', 'left')),
        decline_reason  TEXT,
        payment         TEXT NOT NULL DEFAULT 'unpaid' CHECK (payment IN ('unpaid', 'paid', 'government')),
        paid_amount_fen INTEGER,
        paid_on         TEXT,
        paid_channel    TEXT,
        categories      TEXT NOT NULL DEFAULT '[]',
        note            TEXT NOT NULL DEFAULT '',
        source          TEXT NOT NULL DEFAULT '',
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    -- A valid ID number names one person: never two pupils with it.
    CREATE UNIQUE INDEX students_valid_id ON students(id_number) WHERE id_problem IS NULL;
    -- Invalid numbers are matched together with the name (rounded numbers of different pupils can coincide).
    CREATE INDEX students_bad_id ON students(id_number, name) WHERE id_problem IS NOT NULL;
    CREATE INDEX students_roster ON students(school_id, class_order, name);
    -- The packed search key of each pupil (see domain::search::pack_key), apart from the wide pupil rows so
    -- a search reads a few pages instead of the whole roster.
    CREATE TABLE search_keys (
        student_id INTEGER PRIMARY KEY REFERENCES students(id),
        key        TEXT NOT NULL
    );
    -- No AUTOINCREMENT: rows are never deleted (see the triggers), so rowids only grow anyway, and keeping
    -- sqlite_sequence up to date on every insert would double the cost of an import.
    CREATE TABLE audit (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        operator   TEXT NOT NULL,
        origin     TEXT NOT NULL,
        action     TEXT NOT NULL,
        student_id INTEGER,
        id_number  TEXT,
        field      TEXT NOT NULL,
        old        TEXT,
        new        TEXT
    );
    CREATE INDEX audit_student ON audit(student_id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TABLE imports (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        operator   TEXT NOT NULL,
        files      TEXT NOT NULL,
        rows_read  INTEGER NOT NULL,
        added      INTEGER NOT NULL,
        updated    INTEGER NOT NULL,
        unchanged  INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        id_invalid INTEGER NOT NULL
    );
    "#,
    // 2: the CHECK lists become OR chains (an IN list in a CHECK opens a temporary b-tree on every insert: a
    // third of an import's time), and search keys are packed 64 pupils to a row, so a search reads a few
    // thousand rows as contiguous text instead of one row per pupil.
    r#"
    CREATE TABLE students_v2 (
        id              INTEGER PRIMARY KEY,
        school_id       INTEGER NOT NULL REFERENCES schools(id),
        name            TEXT NOT NULL,
        id_raw          TEXT NOT NULL,
        id_number       TEXT NOT NULL,
        id_kind         TEXT,
        id_problem      TEXT,
        sex             TEXT CHECK (sex = 'male' OR sex = 'female'),
        birth_date      TEXT,
        grade           TEXT NOT NULL DEFAULT '',
        class           TEXT NOT NULL DEFAULT '',
        class_order     TEXT NOT NULL DEFAULT '',
        phone           TEXT NOT NULL DEFAULT '',
        enrollment      TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (enrollment = 'unknown' OR enrollment = 'here' OR enrollment = 'elsewhere'
                               OR enrollment = 'declined' OR enrollment = 'left'),
        decline_reason  TEXT,
        payment         TEXT NOT NULL DEFAULT 'unpaid'
                        CHECK (payment = 'unpaid' OR payment = 'paid' OR payment = 'government'),
        paid_amount_fen INTEGER,
        paid_on         TEXT,
        paid_channel    TEXT,
        categories      TEXT NOT NULL DEFAULT '[]',
        note            TEXT NOT NULL DEFAULT '',
        source          TEXT NOT NULL DEFAULT '',
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    INSERT INTO students_v2(id, school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class,
        class_order, phone, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel, categories,
        note, source, created_at, updated_at)
    SELECT id, school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class,
        class_order, phone, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel, categories,
        note, source, created_at, updated_at
    FROM students;
    -- Block n holds pupils n*64 .. n*64+63 as records "id␟key" separated by ␞ (see store::search_blocks).
    CREATE TABLE search_blocks (
        block INTEGER PRIMARY KEY,
        keys  TEXT NOT NULL
    );
    INSERT INTO search_blocks(block, keys)
        SELECT student_id >> 6, group_concat(student_id || char(31) || key, char(30))
        FROM (SELECT student_id, key FROM search_keys ORDER BY student_id)
        GROUP BY student_id >> 6;
    DROP TABLE search_keys;
    DROP TABLE students;
    ALTER TABLE students_v2 RENAME TO students;
    CREATE UNIQUE INDEX students_valid_id ON students(id_number) WHERE id_problem IS NULL;
    CREATE INDEX students_bad_id ON students(id_number, name) WHERE id_problem IS NOT NULL;
    CREATE INDEX students_roster ON students(school_id, class_order, name);
    "#,
    // 3: names sort by pinyin within a class (domain::pinyin_keys::name_order, kept in name_order by the
    // importer and, for any other write of a name, by the triggers); class_order again for the grades written
    // 高中一年级 / 初中三年级, which now rank as 高一 / 初三; and the search keys of names with ü, which are
    // found as v and as u.
    r#"
    ALTER TABLE students ADD COLUMN name_order TEXT;
    UPDATE students SET name_order = canbao_name_order(name), class_order = canbao_class_order(grade, class);
    DROP INDEX students_roster;
    CREATE INDEX students_roster ON students(school_id, class_order, name_order);
    CREATE TRIGGER students_name_order_insert AFTER INSERT ON students WHEN NEW.name_order IS NULL
        BEGIN UPDATE students SET name_order = canbao_name_order(NEW.name) WHERE id = NEW.id; END;
    CREATE TRIGGER students_name_order_update AFTER UPDATE OF name ON students
        BEGIN UPDATE students SET name_order = canbao_name_order(NEW.name) WHERE id = NEW.id; END;
    UPDATE search_blocks SET keys = (
        SELECT group_concat(id || char(31) || canbao_search_key(name, id_number, grade, class), char(30))
        FROM students WHERE id BETWEEN search_blocks.block * 64 AND search_blocks.block * 64 + 63
    ) WHERE instr(keys, 'ü') > 0;
    "#,
    // 4: the pupils held with a flagged number, by name: an import asks for them on every valid row (is this
    // the child whose number a spreadsheet rounded?), and without it each row read the whole roster.
    r#"
    CREATE INDEX students_bad_name ON students(name) WHERE id_problem IS NOT NULL;
    "#,
    // 5: insured years. The pupil row keeps the statuses of the drive's current year (meta `current_year`), so
    // imports, marks and searches read and write one row as before; each closed year's statuses move to
    // `year_statuses`. Audit rows of yearly fields carry their year. The year itself is worked out in Rust
    // (see `year_step`): NULL in `audit.year`, `categories_year` and `seen_year` means meta `first_year`, the
    // year this step gave the file, so the step rewrites no row of a large file and the audit log stays
    // append-only without its trigger ever being lifted.
    r#"
    CREATE TABLE year_statuses (
        student_id      INTEGER NOT NULL REFERENCES students(id),
        year            INTEGER NOT NULL,
        enrollment      TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (enrollment = 'unknown' OR enrollment = 'here' OR enrollment = 'elsewhere'
                               OR enrollment = 'declined' OR enrollment = 'left'),
        decline_reason  TEXT,
        payment         TEXT NOT NULL DEFAULT 'unpaid'
                        CHECK (payment = 'unpaid' OR payment = 'paid' OR payment = 'government'),
        paid_amount_fen INTEGER,
        paid_on         TEXT,
        paid_channel    TEXT,
        policy          TEXT,
        PRIMARY KEY (student_id, year)
    ) WITHOUT ROWID;
    ALTER TABLE audit ADD COLUMN year INTEGER;
    ALTER TABLE students ADD COLUMN categories_year INTEGER;
    ALTER TABLE students ADD COLUMN seen_year INTEGER;
    "#,
    // 6: the class a pupil was in during a closed year, so that year is shown (and its forms written) with
    // last year's classes, not this year's one grade up. NULL: the class did not change since.
    r#"
    ALTER TABLE year_statuses ADD COLUMN grade TEXT;
    ALTER TABLE year_statuses ADD COLUMN class TEXT;
    ALTER TABLE year_statuses ADD COLUMN class_order TEXT;
    "#,
    // 7: the tax office's receipt numbers (票证号码) that make up each pupil's recorded payment in a year, so a
    // later list holding only a top-up is known for a second payment and added, and a list read again is not.
    // Year 0 stands for a drive without years.
    r#"
    CREATE TABLE receipts (
        student_id INTEGER NOT NULL REFERENCES students(id),
        year       INTEGER NOT NULL,
        receipt    TEXT NOT NULL,
        amount_fen INTEGER,
        paid_on    TEXT,
        channel    TEXT,
        PRIMARY KEY (student_id, year, receipt)
    ) WITHOUT ROWID;
    "#,
    // 8: every audit row written from now on is known for this laptop's own or a merge's copy (store::merge's
    // CopiedRows): the record starts at the log's end, at 0 for a drive made now, whose whole log is its own.
    // Before it, a drive never merged weighed its own changes by their clock, and a change made after the
    // laptop's clock was set back lost to the import before it. And the search keys are to be written again, by
    // the readings of today's canbao (a surname's everyday reading: 单 dan, 盖 gai, 朴 pu), so an older drive finds
    // its pupils as a new one does: marked here, written by `search_blocks::rebuild` (seconds for a county's
    // drive), at the open or, for the screen, on its worker after the first frame.
    r#"
    INSERT INTO meta(key, value) SELECT 'merge_copies_from', COALESCE(max(id), 0) FROM audit WHERE true
        ON CONFLICT(key) DO NOTHING;
    INSERT INTO meta(key, value) SELECT 'search_keys_outdated', '1' WHERE EXISTS (SELECT 1 FROM students)
        ON CONFLICT(key) DO NOTHING;
    "#,
    // 9: the numbers pupils' numbers were corrected from, so an import finds the pupil a list still gives
    // under the old number (the teacher's list, imported again uncorrected) by an index look-up for the few
    // rows it finds on no pupil, instead of reading the whole log. Partial: only those rows are in it.
    r#"
    CREATE INDEX IF NOT EXISTS audit_corrected_from ON audit(old) WHERE field = 'id_number';
    "#,
    // 10: the names pupils had before a rename (by a list, or with E), so an import finds the pupil an older list
    // still names the old way by a number a spreadsheet rounded, which only the name ties to a pupil: by an index
    // look-up for the rows whose name is one of them, instead of reading the whole log. Partial, as 9.
    r#"
    CREATE INDEX IF NOT EXISTS audit_renamed_from ON audit(old) WHERE field = 'name';
    "#,
    // 11: the categories a pupil had during a closed year, so that year's forms and amounts due stay as they
    // were when a category is certified (or dropped) in a later year: a premium paid is not refunded. A year
    // with no row: unchanged since (the pupil's own). Kept by the trigger, before the pupil's categories
    // change, for each closed year that has none yet, whichever path writes them (a mark, a list, a merge).
    r#"
    CREATE TABLE IF NOT EXISTS year_categories (
        student_id      INTEGER NOT NULL REFERENCES students(id),
        year            INTEGER NOT NULL,
        categories      TEXT NOT NULL,
        categories_year INTEGER,
        PRIMARY KEY (student_id, year)
    ) WITHOUT ROWID;
    CREATE TRIGGER IF NOT EXISTS students_categories_keep_years
        BEFORE UPDATE OF categories, categories_year ON students
        WHEN OLD.categories IS NOT NEW.categories OR OLD.categories_year IS NOT NEW.categories_year
        BEGIN
            INSERT OR IGNORE INTO year_categories(student_id, year, categories, categories_year)
            SELECT OLD.id, year, OLD.categories, OLD.categories_year FROM year_statuses
            WHERE student_id = OLD.id
              AND year < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'current_year');
        END;
    "#,
    // 12: the text of the policy each closed year went by, so its quotes and counts stay as they were when the
    // drive's copy of a policy by the same name is replaced (the file edited and chosen again for a later year,
    // a merge taking the other laptop's text). Kept by the trigger, before the copy changes, for each closed
    // year of that name that has none yet, whichever path writes the copy (`keep_policy_text`, a merge); a
    // closed year with none goes by the name's copy, unchanged since. Read through `Store::view_year`.
    r#"
    CREATE TRIGGER IF NOT EXISTS meta_policy_copy_keep_years
        BEFORE UPDATE OF value ON meta
        WHEN substr(OLD.key, 1, 12) = 'policy_copy:' AND OLD.value IS NOT NEW.value
        BEGIN
            -- NOT EXISTS, not OR IGNORE: the upsert that fires it would have its own conflict rule override it.
            INSERT INTO meta(key, value)
            SELECT 'year_policy_copy:' || substr(y.key, 8), OLD.value FROM meta y
            WHERE y.key GLOB 'policy_[0-9][0-9][0-9][0-9]' AND y.value = substr(OLD.key, 13)
              AND CAST(substr(y.key, 8) AS INTEGER)
                  < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'current_year')
              AND NOT EXISTS (SELECT 1 FROM meta k WHERE k.key = 'year_policy_copy:' || substr(y.key, 8));
        END;
    "#,
    // 13: the tax office's payments reconciliations kept as not recorded, by the list's number, so a
    // reconciliation asks whether a row's payment is kept already by reading that number's few entries. By the
    // pupils' index, the rows of numbers nobody holds all sit under one NULL: a list of thousands of strangers had
    // each row read through all those kept before it (20k rows: minutes). Partial, as 9.
    r#"
    CREATE INDEX IF NOT EXISTS audit_unapplied ON audit(id_number) WHERE field = 'payment_unapplied';
    "#,
    // 14: a pupil's 民族 and 居住地址, which batch enrollment templates ask for (NULL: no list has said them).
    // Added by `personal_step`: SQLite's ADD COLUMN has no IF NOT EXISTS, and a step may run again over a file
    // that has them (as 7 to 13 may).
    "",
    // 15: each payment a reconciliation keeps as not recorded gets its number when it is kept (by this laptop, or
    // copied in by a merge), which `check` lists it under and `check --dismiss` takes: a number that moves when
    // another listed payment is recorded, or a list read later sorts among the others, dismissed the wrong one.
    // Dismissals and their taking back are no payments and get none. An older drive's kept payments are numbered
    // in the order they were kept, as `read_older` numbers them for a drive it cannot write; that they were is
    // marked (`kept_numbers_changed`), so the first check says once that a list printed before holds other numbers.
    r#"
    CREATE TABLE IF NOT EXISTS kept_numbers (
        number   INTEGER PRIMARY KEY,
        audit_id INTEGER NOT NULL UNIQUE
    );
    INSERT OR IGNORE INTO kept_numbers(audit_id)
        SELECT id FROM audit WHERE field = 'payment_unapplied' AND json_valid(new)
            AND json_extract(new, '$.dismissed') IS NULL AND json_extract(new, '$.undismissed') IS NULL
        ORDER BY id;
    CREATE TRIGGER IF NOT EXISTS audit_kept_number AFTER INSERT ON audit
        WHEN NEW.field = 'payment_unapplied' AND json_valid(NEW.new)
            AND json_extract(NEW.new, '$.dismissed') IS NULL AND json_extract(NEW.new, '$.undismissed') IS NULL
        BEGIN INSERT OR IGNORE INTO kept_numbers(audit_id) VALUES (NEW.id); END;
    INSERT INTO meta(key, value) SELECT 'kept_numbers_changed', '1' WHERE EXISTS (SELECT 1 FROM kept_numbers)
        ON CONFLICT(key) DO NOTHING;
    "#,
    // 16: a drive an earlier canbao brought to 15 before step 15 marked the renumbering has kept payments numbered
    // anew and no mark, so its first check never said that a list printed before holds other numbers (and took
    // `--dismiss N` off such a list). Marked now when it holds numbered payments and neither mark: one said
    // (`said`) or standing (`1`) is left as it is. A drive made at 15 whose payments were numbered as they were
    // kept cannot be told apart from the log, and is told once too: the notice is true of it, if not news.
    r#"
    INSERT INTO meta(key, value) SELECT 'kept_numbers_changed', '1' WHERE EXISTS (SELECT 1 FROM kept_numbers)
        ON CONFLICT(key) DO NOTHING;
    "#,
    // 17: the names held with an old 15-digit number, which every import reads once: without an index of them
    // it read the whole roster, the larger the drive the slower each import into it. Few rows, so the index
    // costs a write almost never.
    r#"
    CREATE INDEX IF NOT EXISTS students_converted_name ON students(name)
        WHERE id_kind = 'resident_converted' AND id_problem IS NULL;
    "#,
    // 18: the numbers a spreadsheet rounded that an earlier canbao kept as a list spelt them
    // (5.11502202001205E+17, a small e, 511502202001205000.0) are kept in the one form a list's is kept in today
    // (`id_number::rounded_form`), so the list read again, a tax list or a number typed finds those pupils by an
    // exact look-up, and the forms print them with 待核实. Done by `rounded_step`: the form is worked out in Rust.
    "",
];

/// The first version that keeps every number a spreadsheet rounded in one form (`id_number::rounded_form`).
pub const ROUNDED_FORM_VERSION: i64 = 18;
/// A new drive's whole schema at the latest version: what `MIGRATIONS` leave in `sqlite_master`, the same text in
/// the same order, so a drive made at once dumps as one brought forward step by step (the test
/// `a_new_drive_is_made_at_the_latest_schema_as_the_migrations_leave_it` compares the two). Made by the steps, a
/// new drive rebuilt the pupils' table (step 2) and read the whole schema again on each `ALTER TABLE`, work every
/// first import paid for before its first row. A new migration changes this too, to the text the test shows
/// it leaves.
const LATEST_SCHEMA: &str = r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE schools (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        operator   TEXT NOT NULL,
        origin     TEXT NOT NULL,
        action     TEXT NOT NULL,
        student_id INTEGER,
        id_number  TEXT,
        field      TEXT NOT NULL,
        old        TEXT,
        new        TEXT
    , year INTEGER);
    CREATE INDEX audit_student ON audit(student_id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TABLE imports (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        operator   TEXT NOT NULL,
        files      TEXT NOT NULL,
        rows_read  INTEGER NOT NULL,
        added      INTEGER NOT NULL,
        updated    INTEGER NOT NULL,
        unchanged  INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        id_invalid INTEGER NOT NULL
    );
    CREATE TABLE "students" (
        id              INTEGER PRIMARY KEY,
        school_id       INTEGER NOT NULL REFERENCES schools(id),
        name            TEXT NOT NULL,
        id_raw          TEXT NOT NULL,
        id_number       TEXT NOT NULL,
        id_kind         TEXT,
        id_problem      TEXT,
        sex             TEXT CHECK (sex = 'male' OR sex = 'female'),
        birth_date      TEXT,
        grade           TEXT NOT NULL DEFAULT '',
        class           TEXT NOT NULL DEFAULT '',
        class_order     TEXT NOT NULL DEFAULT '',
        phone           TEXT NOT NULL DEFAULT '',
        enrollment      TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (enrollment = 'unknown' OR enrollment = 'here' OR enrollment = 'elsewhere'
                               OR enrollment = 'declined' OR enrollment = 'left'),
        decline_reason  TEXT,
        payment         TEXT NOT NULL DEFAULT 'unpaid'
                        CHECK (payment = 'unpaid' OR payment = 'paid' OR payment = 'government'),
        paid_amount_fen INTEGER,
        paid_on         TEXT,
        paid_channel    TEXT,
        categories      TEXT NOT NULL DEFAULT '[]',
        note            TEXT NOT NULL DEFAULT '',
        source          TEXT NOT NULL DEFAULT '',
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    , name_order TEXT, categories_year INTEGER, seen_year INTEGER, ethnicity TEXT, address TEXT);
    CREATE TABLE search_blocks (
        block INTEGER PRIMARY KEY,
        keys  TEXT NOT NULL
    );
    CREATE UNIQUE INDEX students_valid_id ON students(id_number) WHERE id_problem IS NULL;
    CREATE INDEX students_bad_id ON students(id_number, name) WHERE id_problem IS NOT NULL;
    CREATE INDEX students_roster ON students(school_id, class_order, name_order);
    CREATE TRIGGER students_name_order_insert AFTER INSERT ON students WHEN NEW.name_order IS NULL
        BEGIN UPDATE students SET name_order = canbao_name_order(NEW.name) WHERE id = NEW.id; END;
    CREATE TRIGGER students_name_order_update AFTER UPDATE OF name ON students
        BEGIN UPDATE students SET name_order = canbao_name_order(NEW.name) WHERE id = NEW.id; END;
    CREATE INDEX students_bad_name ON students(name) WHERE id_problem IS NOT NULL;
    CREATE TABLE year_statuses (
        student_id      INTEGER NOT NULL REFERENCES students(id),
        year            INTEGER NOT NULL,
        enrollment      TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (enrollment = 'unknown' OR enrollment = 'here' OR enrollment = 'elsewhere'
                               OR enrollment = 'declined' OR enrollment = 'left'),
        decline_reason  TEXT,
        payment         TEXT NOT NULL DEFAULT 'unpaid'
                        CHECK (payment = 'unpaid' OR payment = 'paid' OR payment = 'government'),
        paid_amount_fen INTEGER,
        paid_on         TEXT,
        paid_channel    TEXT,
        policy          TEXT, grade TEXT, class TEXT, class_order TEXT,
        PRIMARY KEY (student_id, year)
    ) WITHOUT ROWID;
    CREATE TABLE receipts (
        student_id INTEGER NOT NULL REFERENCES students(id),
        year       INTEGER NOT NULL,
        receipt    TEXT NOT NULL,
        amount_fen INTEGER,
        paid_on    TEXT,
        channel    TEXT,
        PRIMARY KEY (student_id, year, receipt)
    ) WITHOUT ROWID;
    CREATE INDEX audit_corrected_from ON audit(old) WHERE field = 'id_number';
    CREATE INDEX audit_renamed_from ON audit(old) WHERE field = 'name';
    CREATE TABLE year_categories (
        student_id      INTEGER NOT NULL REFERENCES students(id),
        year            INTEGER NOT NULL,
        categories      TEXT NOT NULL,
        categories_year INTEGER,
        PRIMARY KEY (student_id, year)
    ) WITHOUT ROWID;
    CREATE TRIGGER students_categories_keep_years
        BEFORE UPDATE OF categories, categories_year ON students
        WHEN OLD.categories IS NOT NEW.categories OR OLD.categories_year IS NOT NEW.categories_year
        BEGIN
            INSERT OR IGNORE INTO year_categories(student_id, year, categories, categories_year)
            SELECT OLD.id, year, OLD.categories, OLD.categories_year FROM year_statuses
            WHERE student_id = OLD.id
              AND year < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'current_year');
        END;
    CREATE TRIGGER meta_policy_copy_keep_years
        BEFORE UPDATE OF value ON meta
        WHEN substr(OLD.key, 1, 12) = 'policy_copy:' AND OLD.value IS NOT NEW.value
        BEGIN
            -- NOT EXISTS, not OR IGNORE: the upsert that fires it would have its own conflict rule override it.
            INSERT INTO meta(key, value)
            SELECT 'year_policy_copy:' || substr(y.key, 8), OLD.value FROM meta y
            WHERE y.key GLOB 'policy_[0-9][0-9][0-9][0-9]' AND y.value = substr(OLD.key, 13)
              AND CAST(substr(y.key, 8) AS INTEGER)
                  < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'current_year')
              AND NOT EXISTS (SELECT 1 FROM meta k WHERE k.key = 'year_policy_copy:' || substr(y.key, 8));
        END;
    CREATE INDEX audit_unapplied ON audit(id_number) WHERE field = 'payment_unapplied';
    CREATE TABLE kept_numbers (
        number   INTEGER PRIMARY KEY,
        audit_id INTEGER NOT NULL UNIQUE
    );
    CREATE TRIGGER audit_kept_number AFTER INSERT ON audit
        WHEN NEW.field = 'payment_unapplied' AND json_valid(NEW.new)
            AND json_extract(NEW.new, '$.dismissed') IS NULL AND json_extract(NEW.new, '$.undismissed') IS NULL
        BEGIN INSERT OR IGNORE INTO kept_numbers(audit_id) VALUES (NEW.id); END;
    CREATE INDEX students_converted_name ON students(name)
        WHERE id_kind = 'resident_converted' AND id_problem IS NULL;
"#;

/// The rows the migrations write into a new drive besides `year_step`'s: step 8's start of the merge copies'
/// record (0, the log's end in an empty drive). The other data steps (3, 8's outdated keys, 15, 16) find no row.
const NEW_DRIVE_ROWS: &str = "INSERT INTO meta(key, value) VALUES ('merge_copies_from', '0');";

/// The first version that numbers kept payments when they are kept (`kept_numbers`).
pub const KEPT_NUMBERS_VERSION: i64 = 15;

/// The first version that keeps pupils' 民族 and 居住地址.
pub const ETHNICITY_VERSION: i64 = 14;

/// The meta key prefix of a closed year's own copy of its policy's text (migration 12), then the year.
pub const YEAR_POLICY_COPY: &str = "year_policy_copy:";

/// The first version that keeps each closed year's categories.
pub const YEAR_CATEGORIES_VERSION: i64 = 11;

/// The first version that keeps the receipt numbers of recorded payments.
pub const RECEIPTS_VERSION: i64 = 7;

/// The first version that keeps insured years.
pub const YEAR_VERSION: i64 = 5;

/// The first version that keeps the class a pupil was in during each closed year.
pub const YEAR_CLASS_VERSION: i64 = 6;

/// `PRAGMA application_id` of a canbao drive ("CNBO"): set when a drive is created or first opened for
/// writing by a canbao that knows it, so a file is known to be a drive before anything is written to it.
pub const APPLICATION_ID: i64 = 0x434E_424F;

/// What an SQLite file is, read without changing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised {
    /// No tables and no marks: a file about to become a drive.
    New,
    /// A canbao drive: marked as one, or (from before the mark) canbao's own tables at a known version.
    Drive,
    /// Another program's database.
    Foreign,
}

/// Tells a canbao drive from another program's SQLite file by reading the header and the table list only.
pub fn recognise(conn: &Connection) -> Result<Recognised, StoreError> {
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id == APPLICATION_ID {
        return Ok(Recognised::Drive);
    }
    if app_id != 0 {
        return Ok(Recognised::Foreign);
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let version = user_version(conn)?;
    if tables.is_empty() && version == 0 {
        return Ok(Recognised::New);
    }
    // A drive made before the mark: canbao's own tables, at a version canbao has written.
    let ours = ["meta", "schools", "students", "audit"].iter().all(|t| tables.iter().any(|n| n == t));
    Ok(if ours && version > 0 { Recognised::Drive } else { Recognised::Foreign })
}

/// The first version whose pupils have `name_order`.
pub const NAME_ORDER_VERSION: i64 = 3;

/// The functions the schema's migrations and triggers call: registered on every connection canbao opens, so
/// a name written by any of its paths gets its sort key. (A tool that writes names without them, such as
/// the sqlite3 shell, is refused by the trigger rather than leaving a name unsorted.)
pub fn register_functions(conn: &Connection) -> Result<(), StoreError> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("canbao_name_order", 1, flags, |ctx| {
        Ok(crate::domain::pinyin_keys::name_order(ctx.get_raw(0).as_str().unwrap_or("")))
    })?;
    conn.create_scalar_function("canbao_class_order", 2, flags, |ctx| {
        let text = |i: usize| ctx.get_raw(i).as_str().unwrap_or("");
        Ok(crate::domain::class_label::order_key(text(0), text(1)))
    })?;
    conn.create_scalar_function("canbao_search_key", 4, flags, |ctx| {
        let text = |i: usize| ctx.get_raw(i).as_str().unwrap_or("");
        let label = crate::domain::class_label::join(text(2), text(3));
        Ok(crate::domain::search::pack_key(text(0), text(1), &label))
    })?;
    Ok(())
}

/// Has a read-only connection to an older drive (schema `version`, which it cannot bring forward) read it as a
/// drive of the latest schema: temporary views named as the tables that lack columns, and empty temporary tables
/// for the ones the older canbao did not keep. SQLite resolves an unqualified name in `temp` before `main` (as
/// `year::view_year` relies on), so every read query works unchanged, on the file as it is now, and a column
/// the older canbao did not keep reads as a migration would have left it: no insured year in the log (the
/// file's statuses are its one year), no closed years, no receipts. Only temporary objects are made: the file is
/// not written.
pub fn read_older(conn: &Connection, version: i64) -> Result<(), StoreError> {
    let mut sql = String::new();
    if version < YEAR_VERSION {
        let name_order = if version < NAME_ORDER_VERSION { "canbao_name_order(name)" } else { "name_order" };
        sql.push_str(&format!(
            "CREATE TEMP VIEW students AS
             SELECT id, school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class,
                    class_order, phone, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel,
                    categories, note, source, created_at, updated_at, {name_order} AS name_order,
                    NULL AS categories_year, NULL AS seen_year, NULL AS ethnicity, NULL AS address
             FROM main.students;
             CREATE TEMP VIEW audit AS
             SELECT id, at, operator, origin, action, student_id, id_number, field, old, new, NULL AS year
             FROM main.audit;
             CREATE TEMP TABLE year_statuses (
                 student_id INTEGER NOT NULL, year INTEGER NOT NULL, enrollment TEXT NOT NULL,
                 decline_reason TEXT, payment TEXT NOT NULL, paid_amount_fen INTEGER, paid_on TEXT,
                 paid_channel TEXT, policy TEXT, grade TEXT, class TEXT, class_order TEXT,
                 PRIMARY KEY (student_id, year)
             ) WITHOUT ROWID;"
        ));
    } else if version < YEAR_CLASS_VERSION {
        sql.push_str(
            "CREATE TEMP VIEW year_statuses AS
             SELECT student_id, year, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel,
                    policy, NULL AS grade, NULL AS class, NULL AS class_order
             FROM main.year_statuses;",
        );
    }
    if (YEAR_VERSION..ETHNICITY_VERSION).contains(&version) {
        sql.push_str("CREATE TEMP VIEW students AS SELECT *, NULL AS ethnicity, NULL AS address FROM main.students;");
    }
    if version < SEARCH_BLOCKS_VERSION {
        // The keys of a drive from before the blocks, made as the blocks are read, by today's readings: the
        // screen finds its pupils as `find` does.
        sql.push_str(
            "CREATE TEMP VIEW search_blocks AS
             SELECT id >> 6 AS block,
                    group_concat(id || char(31) || canbao_search_key(name, id_number, grade, class), char(30)) AS keys
             FROM (SELECT id, name, id_number, grade, class FROM main.students ORDER BY id)
             GROUP BY id >> 6;",
        );
    }
    if version < YEAR_CATEGORIES_VERSION {
        sql.push_str(
            "CREATE TEMP TABLE year_categories (
                 student_id INTEGER NOT NULL, year INTEGER NOT NULL, categories TEXT NOT NULL,
                 categories_year INTEGER,
                 PRIMARY KEY (student_id, year)
             ) WITHOUT ROWID;",
        );
    }
    if version < RECEIPTS_VERSION {
        sql.push_str(
            "CREATE TEMP TABLE receipts (
                 student_id INTEGER NOT NULL, year INTEGER NOT NULL, receipt TEXT NOT NULL, amount_fen INTEGER,
                 paid_on TEXT, channel TEXT,
                 PRIMARY KEY (student_id, year, receipt)
             ) WITHOUT ROWID;",
        );
    }
    if version < KEPT_NUMBERS_VERSION {
        sql.push_str(
            "CREATE TEMP VIEW kept_numbers AS
             SELECT row_number() OVER (ORDER BY id) AS number, id AS audit_id FROM audit
             WHERE field = 'payment_unapplied' AND json_valid(new)
               AND json_extract(new, '$.dismissed') IS NULL AND json_extract(new, '$.undismissed') IS NULL;",
        );
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// The first version whose search keys are packed in blocks (`search_blocks`).
pub const SEARCH_BLOCKS_VERSION: i64 = 2;

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings a file forward to the latest schema in one transaction per step, so a failed step leaves the file
/// at the previous version. A file from a newer canbao is refused rather than guessed at.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    if make_new(conn)? {
        return Ok(());
    }
    migrate_to(conn, latest_version())?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id != APPLICATION_ID {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    Ok(())
}

/// Writes a new drive's whole schema, marked as a drive, in one transaction; false (nothing done) for a file
/// that holds anything. Step by step, a canbao reading the drive while it was made (a second window, `stats
/// --read-only`) saw a file of no tables, then one that looked like an older canbao's drive, and failed on
/// the columns it lacked; now it sees a file of no tables or the whole drive.
fn make_new(conn: &mut Connection) -> Result<bool, StoreError> {
    // Looked at first without the write lock: an up-to-date drive on a file that may only be read is opened
    // as before, without asking for a write.
    if recognise(conn)? != Recognised::New {
        return Ok(false);
    }
    register_functions(conn)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if recognise(&tx)? != Recognised::New {
        return Ok(false);
    }
    tx.execute_batch(LATEST_SCHEMA)?;
    // In the order the steps write them: step 5's years, then step 8's mark.
    year_step(&tx)?;
    tx.execute_batch(NEW_DRIVE_ROWS)?;
    tx.pragma_update(None, "user_version", latest_version())?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(true)
}

pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    register_functions(conn)?;
    let current = user_version(conn)?;
    if current > latest_version() {
        return Err(StoreError::TooNew { found: current, supported: latest_version() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        if index as i64 + 1 == YEAR_VERSION {
            year_step(&tx)?;
        }
        if index as i64 + 1 == ETHNICITY_VERSION {
            personal_step(&tx)?;
        }
        if index as i64 + 1 == ROUNDED_FORM_VERSION {
            rounded_step(&tx)?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Migration 18: each pupil held with a number a spreadsheet rounded, spelt as the list gave it, takes the one form
/// (`id_number::rounded_form`), and the search keys of their blocks are written again, so `find` by the number
/// finds them. Other numbers, good or flagged otherwise, are left as they are.
fn rounded_step(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let held: Vec<(i64, String)> = tx
        .prepare(
            "SELECT id, id_number FROM students
             WHERE id_problem = 'precision_lost' AND (id_number GLOB '*[Ee]*' OR id_number GLOB '*.*')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut blocks = std::collections::BTreeSet::new();
    for (id, number) in held {
        match crate::domain::id_number::rounded_form(&number) {
            Some(kept) if kept != number => {
                tx.execute("UPDATE students SET id_number = ?1 WHERE id = ?2", rusqlite::params![kept, id])?;
                blocks.insert(id >> 6);
            }
            _ => {}
        }
    }
    for block in blocks {
        tx.execute(
            "UPDATE search_blocks SET keys = (
                 SELECT group_concat(id || char(31) || canbao_search_key(name, id_number, grade, class), char(30))
                 FROM (SELECT id, name, id_number, grade, class FROM students
                       WHERE id BETWEEN ?1 * 64 AND ?1 * 64 + 63 ORDER BY id)
             ) WHERE block = ?1",
            [block],
        )?;
    }
    Ok(())
}

/// Migration 14: the columns of 民族 and 居住地址, each added where the pupils' table lacks it.
fn personal_step(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let held: Vec<String> = tx
        .prepare("SELECT name FROM pragma_table_info('students')")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for column in ["ethnicity", "address"] {
        if !held.iter().any(|c| c == column) {
            tx.execute_batch(&format!("ALTER TABLE students ADD COLUMN {column} TEXT;"))?;
        }
    }
    Ok(())
}

/// Migration 5's Rust half: the insured year a file's statuses belong to, recorded as both its first and its
/// current year. The year of the drive's policy when it has one; else the year its payments were made for
/// (the most common); else the year being collected for today (from September on, next year's).
fn year_step(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    use rusqlite::OptionalExtension;
    let policy: Option<String> =
        tx.query_row("SELECT value FROM meta WHERE key = 'policy'", [], |r| r.get(0)).optional()?;
    let from_policy = policy.as_deref().and_then(policy_year);
    let from_payments = || -> Result<Option<i32>, StoreError> {
        let mut stmt =
            tx.prepare("SELECT paid_on, count(*) FROM students WHERE paid_on IS NOT NULL GROUP BY paid_on")?;
        let mut years: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (day, n) = row?;
            if let Ok(day) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
                *years.entry(collecting_year(day)).or_default() += n;
            }
        }
        // The most common year; of equals, the later.
        Ok(years.into_iter().max_by_key(|&(year, n)| (n, year)).map(|(year, _)| year))
    };
    let year = match from_policy {
        Some(y) => y,
        None => from_payments()?.unwrap_or_else(|| collecting_year(super::instant::beijing_today())),
    };
    for key in ["current_year", "first_year"] {
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            rusqlite::params![key, year.to_string()],
        )?;
    }
    if let Some(name) = policy {
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            rusqlite::params![format!("policy_{year}"), name],
        )?;
    }
    Ok(())
}

/// The insured year a policy is for: a builtin policy's own, else the year its name ends with (policies in
/// the config folder are named so, e.g. yibin-2027, and the store does not read the config folder).
pub fn policy_year(name: &str) -> Option<i32> {
    if let Some(p) = crate::domain::policy::PolicySet::builtin().get(name) {
        return Some(p.insured_year);
    }
    let tail: String = name.chars().rev().take_while(char::is_ascii_digit).collect();
    let year: i32 = tail.chars().rev().collect::<String>().parse().ok()?;
    (2000..=2100).contains(&year).then_some(year)
}

/// The insured year a payment on `day` is for: collection runs from September for the next calendar year,
/// and late payments in the spring are still for the year under way.
pub fn collecting_year(day: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    if day.month() >= 9 { day.year() + 1 } else { day.year() }
}
