//! The bundled sample school (`data/sample-school.csv`, synthetic people only), for `canbao demo` and for a
//! first run on an empty file.

use std::path::Path;

use crate::io::class_list::{self, ImportError, ImportReport};
use crate::io::table;
use crate::store::{Store, StoreError};

pub const SAMPLE_SCHOOL_CSV: &[u8] = include_bytes!("../data/sample-school.csv");
pub const SAMPLE_FILE_NAME: &str = "sample-school.csv";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{0} 不是示例数据文件，为免覆盖真实数据，示例不会写入它 (not a demo file: refusing to overwrite it)")]
    NotADemo(String),
    #[error("无法删除旧的示例文件 {0}：{1} (cannot remove the old demo file)")]
    Remove(String, std::io::Error),
}

/// Imports the sample school into `store`.
pub fn load_sample(store: &mut Store) -> Result<ImportReport, ImportError> {
    let sheets = table::read_bytes(SAMPLE_SCHOOL_CSV, SAMPLE_FILE_NAME)?;
    let today = store.today();
    let inputs = vec![class_list::Input::Sheets(SAMPLE_FILE_NAME.to_owned(), sheets)];
    class_list::import_inputs(store, inputs, None, class_list::DEFAULT_SCHOOL, today, false)
}

/// A fresh demo file at `path`. An existing file there is replaced only when it is itself a demo, so pointing
/// `demo` at a real drive by mistake cannot wipe it.
pub fn fresh_demo(path: &Path) -> Result<Store, DemoError> {
    if path.exists() {
        let is_demo = Store::open(path).ok().and_then(|s| s.meta("demo").ok().flatten()).is_some();
        if !is_demo {
            return Err(DemoError::NotADemo(path.display().to_string()));
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = path.with_file_name(format!("{}{suffix}", path.file_name().unwrap_or_default().to_string_lossy()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| DemoError::Remove(p.display().to_string(), e))?;
            }
        }
    }
    let mut store = Store::open(path)?;
    store.set_meta("demo", "1")?;
    if store.operator().is_empty() {
        store.set_operator("演示 (demo)")?;
    }
    load_sample(&mut store)?;
    Ok(store)
}
