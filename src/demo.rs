//! The bundled sample school (`data/sample-school.csv`, synthetic people only), for `canbao demo` and for a
//! first run on an empty file.

use std::path::Path;

use crate::io::class_list::{self, ImportError, ImportReport};
use crate::io::table;
use crate::store::{POLICY_META_KEY, Store, StoreError};

pub const SAMPLE_SCHOOL_CSV: &[u8] = include_bytes!("../data/sample-school.csv");
pub const SAMPLE_FILE_NAME: &str = "sample-school.csv";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(
        "{0} 不是示例数据文件，为免覆盖真实数据，示例不会写入它 ({0} is not a demo file: refusing to overwrite it)"
    )]
    NotADemo(String),
    #[error("无法删除旧的示例文件 {0}：{1} (cannot remove the old demo file {0}: {1})")]
    Remove(String, std::io::Error),
}

/// Imports the sample school into `store`.
pub fn load_sample(store: &mut Store) -> Result<ImportReport, ImportError> {
    let sheets = table::read_bytes(SAMPLE_SCHOOL_CSV, SAMPLE_FILE_NAME)?;
    let today = store.today();
    let inputs = vec![class_list::Input::Sheets(SAMPLE_FILE_NAME.to_owned(), sheets)];
    class_list::import_inputs(store, inputs, None, class_list::DEFAULT_SCHOOL, today, false)
}

/// The meta key that marks a file as the demo (or the welcome screen's sample), in the file itself.
pub const DEMO_META_KEY: &str = "demo";
/// The last audit row the sample school's own loading wrote: a later row is a change made in the demo file.
const DEMO_AUDIT_META_KEY: &str = "demo_audit_id";

/// The file is the demo or the sample school, not a real drive.
pub fn is_demo(store: &Store) -> bool {
    store.meta(DEMO_META_KEY).ok().flatten().is_some()
}

/// Where the welcome screen's sample school goes for a drive at `drive`: the demo file beside it (for the
/// default drive, the same `demo.db` that `canbao demo` uses), so the sample never enters the operator's file.
pub fn sample_path(drive: &Path) -> std::path::PathBuf {
    drive.with_file_name("demo.db")
}

/// The sample file beside an empty `drive`, when it was changed after the sample was loaded (most likely an
/// import meant for the drive, made after a stray key opened the sample): its path. Read-only, as looking at a
/// file must not change it.
pub fn changed_sample_beside(drive: &Path) -> Option<std::path::PathBuf> {
    let sample = sample_path(drive);
    let true_path = crate::store::lock::true_path;
    if !sample.exists() || true_path(&sample) == true_path(drive) {
        return None;
    }
    let store = Store::open_read_only(&sample).ok().filter(is_demo)?;
    changed_since_created(&store).ok()?.then_some(sample)
}

/// A fresh demo file at `path`. An existing file there is replaced only when it is itself a demo, so pointing
/// `demo` at a real drive by mistake cannot wipe it; and a demo file holding changes made after it was
/// created (an import, a mark) is first copied to the backups folder under a name pruning never touches. The
/// copy's path is returned with the store.
pub fn fresh_demo(path: &Path) -> Result<(Store, Option<std::path::PathBuf>), DemoError> {
    let mut kept = None;
    if path.exists() {
        // Read-only: a file that is not a drive at all must not be changed by looking at it.
        let old = Store::open_read_only(path).ok().filter(is_demo);
        let Some(old) = old else {
            return Err(DemoError::NotADemo(path.display().to_string()));
        };
        if changed_since_created(&old)? {
            kept = Some(keep_copy(&old, path)?);
        }
        drop(old);
        for suffix in ["", "-wal", "-shm"] {
            let p = path.with_file_name(format!("{}{suffix}", path.file_name().unwrap_or_default().to_string_lossy()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| DemoError::Remove(p.display().to_string(), e))?;
            }
        }
    }
    let mut store = Store::open(path)?;
    // Marked before the sample goes in, so a load that fails half-way still leaves a file `demo` may replace.
    store.set_meta(DEMO_META_KEY, "1")?;
    if store.operator().is_empty() {
        store.set_operator("演示 (demo)")?;
    }
    load_sample(&mut store)?;
    mark_as_demo(&mut store)?;
    Ok((store, kept))
}

/// The bundled policy the demo's own is made from: the sample school is in Liuzhou (柳州市示范小学).
pub const DEMO_POLICY_BASE: &str = "liuzhou-2023";

/// The demo's policy name for insured year `year`: its own, so it never stands for a policy file the operator
/// made in the config folder.
pub fn demo_policy_name(year: i32) -> String {
    format!("liuzhou-{year}-demo")
}

/// Gives the demo file a policy for its insured year, so the sample school quotes amounts, payment windows and
/// subsidies as a real drive does (the bundled policies are past years'). It is [`DEMO_POLICY_BASE`] moved to
/// the drive's year, as `policy new` would make it, kept in the demo file only (never in the config folder).
/// A drive with a policy already, or without a year yet, is left as it is.
fn give_demo_policy(store: &mut Store) -> Result<(), StoreError> {
    let (Some(year), None) = (store.current_year(), store.meta(POLICY_META_KEY)?) else {
        return Ok(());
    };
    let Some(base_text) = crate::domain::policy::builtin_text(DEMO_POLICY_BASE) else {
        return Ok(());
    };
    let name = demo_policy_name(year);
    let request =
        crate::domain::policy::Renewal { name: &name, base_name: DEMO_POLICY_BASE, base_text, year, premium_fen: None };
    // A bundled file that cannot be moved to the year is a build's fault, caught by the tests: the demo still
    // opens, without amounts, as before.
    let Ok(renewed) = crate::domain::policy::renew(&request, crate::domain::category::CategoryTable::builtin()) else {
        return Ok(());
    };
    store.keep_policy_text(&name, &renewed.text)?;
    store.set_meta(POLICY_META_KEY, &name)
}

/// Marks `store` as holding the sample school and nothing else yet, with the demo's policy.
pub fn mark_as_demo(store: &mut Store) -> Result<(), StoreError> {
    give_demo_policy(store)?;
    store.set_meta(DEMO_META_KEY, "1")?;
    let last = last_audit_id(store)?;
    store.set_meta(DEMO_AUDIT_META_KEY, &last.to_string())
}

fn last_audit_id(store: &Store) -> Result<i64, StoreError> {
    Ok(store.connection().query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?)
}

/// Whether anything was written to the demo after the sample was loaded. A demo file from before this was
/// recorded cannot tell, so it counts as changed: keeping a copy costs little.
fn changed_since_created(store: &Store) -> Result<bool, StoreError> {
    let Some(created) = store.meta(DEMO_AUDIT_META_KEY)?.and_then(|v| v.parse::<i64>().ok()) else {
        return Ok(true);
    };
    Ok(last_audit_id(store)? > created)
}

/// Copies the demo to `backups/<name>-kept-<stamp>.db`: not an automatic backup's name, so never pruned.
fn keep_copy(store: &Store, path: &Path) -> Result<std::path::PathBuf, StoreError> {
    let dir = store.backup_dir().unwrap_or_else(|| path.with_file_name("backups"));
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
    let name = crate::store::backup::backup_key(path);
    store.backup_to(&dir.join(format!("{name}-kept-{stamp}.db")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backups(dir: &Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.join("backups")).map(|e| e.map(|e| e.unwrap().path()).collect()).unwrap_or_default()
    }

    #[test]
    fn an_untouched_demo_is_replaced_without_a_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let (store, kept) = fresh_demo(&path).unwrap();
        assert!(is_demo(&store) && kept.is_none());
        drop(store);
        let (store, kept) = fresh_demo(&path).unwrap();
        assert_eq!(kept, None);
        assert!(backups(dir.path()).is_empty());
        assert_eq!(store.student_count().unwrap(), 360);
    }

    #[test]
    fn a_demo_holding_later_changes_is_kept_before_it_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let (mut store, _) = fresh_demo(&path).unwrap();
        let pupil = store.students(&crate::store::StudentFilter::default()).unwrap()[0].id;
        store.set_note(pupil, "real work typed into the demo").unwrap();
        drop(store);
        let (store, kept) = fresh_demo(&path).unwrap();
        let kept = kept.expect("a copy of the changed demo");
        assert_eq!(backups(dir.path()), vec![kept.clone()]);
        let copy = Store::open_read_only(&kept).unwrap();
        assert_eq!(copy.student(pupil).unwrap().note, "real work typed into the demo");
        assert_eq!(store.student(pupil).unwrap().note, "", "the new demo is fresh");
        // The kept copy is not an automatic backup: no number of later backups prunes it.
        let mut store = store;
        store.set_meta("backups_keep", "1").unwrap();
        for _ in 0..3 {
            store.backup_now("import").unwrap();
        }
        assert!(kept.exists());
    }

    #[test]
    fn the_demo_quotes_amounts_by_a_policy_of_its_own_year() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = fresh_demo(&dir.path().join("demo.db")).unwrap();
        let year = store.current_year().expect("the demo has an insured year");
        let name = store.meta(POLICY_META_KEY).unwrap().expect("the demo names a policy");
        assert_eq!(name, demo_policy_name(year));
        let policy = store.kept_policy(&name).expect("the demo keeps its policy's text");
        assert_eq!(policy.insured_year, year);
        let base = crate::domain::policy::PolicySet::builtin().get(DEMO_POLICY_BASE).unwrap();
        assert_eq!(policy.personal_premium_fen, base.personal_premium_fen);
        // Nothing was written for the operator: the config folder is untouched by a demo.
        assert!(!changed_since_created(&store).unwrap());
    }

    #[test]
    fn a_file_that_is_not_a_demo_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        Store::open(&path).unwrap().set_meta("marker", "real").unwrap();
        assert!(matches!(fresh_demo(&path), Err(DemoError::NotADemo(_))));
        assert_eq!(Store::open(&path).unwrap().meta("marker").unwrap().as_deref(), Some("real"));
    }
}
