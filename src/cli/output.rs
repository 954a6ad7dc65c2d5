//! How a command writes its answer: JSON, raw bytes, or ID numbers masked unless revealed.

use serde::Serialize;

use super::{CmdResult, UserError};
use crate::domain::id_number;

/// Writes to standard output; a reader that went away (`| head`) is not an error.
pub(super) fn write_stdout(bytes: &[u8]) -> CmdResult {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(UserError(e.to_string())),
        _ => Ok(()),
    }
}

pub(super) fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        // A closed pipe (`| head`) is not an error worth a panic.
        Ok(s) => {
            use std::io::Write;
            let _ = writeln!(std::io::stdout().lock(), "{s}");
        }
        Err(e) => eprintln!("JSON: {e}"),
    }
}

/// An ID number as text output shows it: masked unless the operator asked for the full number.
pub(crate) fn shown_id(number: &str, reveal: bool) -> String {
    if reveal { number.to_owned() } else { id_number::mask(number) }
}
