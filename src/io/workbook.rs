//! What the workbook readers share: the cell limit, panics in a reader caught as the file's error, and
//! calamine's values as cells.

use calamine::{Data, DataRef};

use super::ReadError;
use super::cell::Cell;

/// Spreadsheets beyond this many cells are not class lists; refusing them keeps a hostile file from
/// exhausting memory.
pub(super) const MAX_CELLS: usize = 20_000_000;

thread_local! {
    static CONTAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while this thread reads a workbook with panics caught: a panic hook then stays quiet (and the TUI's
/// leaves the terminal alone), since the panic becomes the file's error message.
pub fn containing_panic() -> bool {
    CONTAINING.with(std::cell::Cell::get)
}

/// Runs a workbook reader with its panics caught: third-party code fed hostile bytes may panic (an arithmetic
/// overflow on an absurd cell reference, say), and that is the file's error, not the end of the program.
/// `None` when it panicked.
pub(super) fn contained<T>(read: impl FnOnce() -> T) -> Option<T> {
    contained_saying(read).ok()
}

/// [`contained`], with what the panic said when there was one.
pub(super) fn contained_saying<T>(run: impl FnOnce() -> T) -> Result<T, String> {
    CONTAINING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
    CONTAINING.with(|c| c.set(false));
    result.map_err(|payload| {
        let said = payload.downcast_ref::<String>().cloned();
        said.or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default()
    })
}

/// The error for a workbook calamine cannot read. Its own message is English ("Cannot detect file format"):
/// it goes in the English part, after words the operator can read.
pub(super) fn workbook_error(file: &str, e: impl Into<calamine::Error>) -> ReadError {
    let e = e.into();
    let said = e.to_string();
    if said.to_lowercase().contains("password") || said.contains("encrypt") {
        return ReadError::Encrypted { file: file.to_owned() };
    }
    let reason = match e {
        calamine::Error::Msg(m) if m.contains("detect") => {
            format!(
                "无法识别文件格式：文件可能已损坏，或不是 Excel、WPS 保存的表格 (the format is not recognised: {said})"
            )
        }
        _ => format!("文件内容无法读取，可能已损坏 (damaged: {said})"),
    };
    ReadError::BadWorkbook { file: file.to_owned(), reason }
}

/// The error for a workbook whose reader gave up in a way it does not explain.
pub(super) fn damaged(file: &str) -> ReadError {
    ReadError::BadWorkbook { file: file.to_owned(), reason: "文件结构损坏 (damaged structure)".into() }
}

/// A file's bytes shared between the thread reading its sheets and the fallback that reads them whole.
#[derive(Clone)]
pub(super) struct SharedBytes(pub(super) std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

pub(super) fn convert_ref(data: &DataRef) -> Cell {
    match data {
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::String(s) => Cell::Text(s.clone()),
        other => convert(&Data::from(other.clone())),
    }
}

pub(super) fn convert(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        // The reader's own conversion knows the workbook's date system: a Mac Excel file (and some agency
        // exports) counts days from 1904, and reading it as 1900 moves every date four years and a day.
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Cell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}
