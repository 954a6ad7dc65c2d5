//! Where a drive's passphrase comes from: `CANBAO_PASSPHRASE`, else the terminal, typed without echo. It is
//! never printed, logged, or kept anywhere but in memory.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use super::UserError;
use crate::store::Passphrase;
use crate::store::cipher::{self, FileKind};

pub const ENV: &str = "CANBAO_PASSPHRASE";

/// The passphrase in the environment, if any.
pub fn from_env() -> Option<Passphrase> {
    std::env::var(ENV).ok().and_then(Passphrase::new)
}

/// The passphrase to open `path` with: the environment's, or, for a file that looks encrypted, one typed at
/// the terminal. `None` when neither applies; opening then says what is missing.
pub fn for_drive(path: &Path) -> Result<Option<Passphrase>, UserError> {
    if let Some(p) = from_env() {
        return Ok(Some(p));
    }
    if cipher::SUPPORTED && cipher::file_kind(path) == FileKind::Opaque && interactive() {
        let prompt = format!("数据文件 {} 的口令 (passphrase): ", path.display());
        return ask(&prompt).map(Some);
    }
    Ok(None)
}

/// A new passphrase for `encrypt`: the environment's, else typed twice at the terminal.
pub fn new_one() -> Result<Passphrase, UserError> {
    if let Some(p) = from_env() {
        return Ok(p);
    }
    if !interactive() {
        return Err(UserError::new(format!(
            "需要口令：请设置环境变量 {ENV}，或在终端中运行 (a passphrase is needed: set {ENV} or run in a terminal)"
        )));
    }
    let first = ask("新口令 (new passphrase): ")?;
    let second = ask("再输入一次 (again): ")?;
    if first != second {
        return Err(UserError::new(
            "两次输入的口令不一致，未做任何修改 (the passphrases differ: nothing changed)".into(),
        ));
    }
    Ok(first)
}

pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Reads a line at the terminal in raw mode, so nothing typed is echoed. Ctrl-C or Esc gives up.
fn ask(prompt: &str) -> Result<Passphrase, UserError> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    crossterm::terminal::enable_raw_mode()?;
    let typed = read_hidden();
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = writeln!(err);
    let typed = typed?;
    Passphrase::new(typed).ok_or_else(|| UserError::new("口令为空 (empty passphrase)".into()))
}

fn read_hidden() -> Result<String, UserError> {
    let mut typed = String::new();
    loop {
        let Event::Key(key) = event::read()? else { continue };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        match key.code {
            KeyCode::Enter => return Ok(typed),
            KeyCode::Esc => return Err(UserError::new("已取消 (cancelled)".into())),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Err(UserError::new("已取消 (cancelled)".into()));
            }
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) => typed.push(c),
            _ => {}
        }
    }
}
