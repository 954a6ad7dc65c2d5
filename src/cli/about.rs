//! `paths` and `completions`: about the installation, not the drive.

use std::path::PathBuf;

use serde::Serialize;

use super::open::{config_dir, data_dir, drive_path};
use super::output::{print_json, write_stdout};
use super::{Cli, CmdResult, ShellArg, pick};

struct Paths {
    drive: PathBuf,
    data_dir: PathBuf,
    config_dir: Option<PathBuf>,
    backup_dir: PathBuf,
}

/// `Paths` as JSON text: a folder whose name is not UTF-8 (GBK bytes) is shown with U+FFFD where serde refused
/// the path and `--json` printed nothing at all.
#[derive(Serialize)]
struct PathsJson {
    drive: String,
    data_dir: String,
    config_dir: Option<String>,
    backup_dir: String,
}

impl From<&Paths> for PathsJson {
    fn from(p: &Paths) -> Self {
        let text = |p: &std::path::Path| p.to_string_lossy().into_owned();
        PathsJson {
            drive: text(&p.drive),
            data_dir: text(&p.data_dir),
            config_dir: p.config_dir.as_deref().map(text),
            backup_dir: text(&p.backup_dir),
        }
    }
}

/// Where things are, without opening (or creating) anything.
pub(super) fn paths(cli: &Cli, json: bool) -> CmdResult {
    let drive = drive_path(cli);
    // As the store names it: `backups/` beside the drive file itself, a symlink to it followed.
    let backup_dir = crate::store::backup::backup_dir_of(&drive);
    let out = Paths { drive, data_dir: data_dir(), config_dir: config_dir(), backup_dir };
    if json {
        return print_json(&PathsJson::from(&out));
    }
    let none = pick("（无）", "(none)");
    let text = format!(
        "{}\t{}\n{}\t{}\n{}\t{}\n{}\t{}\n",
        pick("数据文件", "drive"),
        out.drive.display(),
        pick("数据文件夹", "data"),
        out.data_dir.display(),
        pick("配置文件夹", "config"),
        out.config_dir.as_deref().map_or_else(|| none.to_owned(), |p| p.display().to_string()),
        pick("备份文件夹", "backups"),
        out.backup_dir.display(),
    );
    write_stdout(text.as_bytes())
}

/// A completion script for `shell`, written to standard output.
pub(super) fn completions(shell: ShellArg) -> CmdResult {
    use clap::CommandFactory;
    let shell = match shell {
        ShellArg::Bash => clap_complete::Shell::Bash,
        ShellArg::Zsh => clap_complete::Shell::Zsh,
        ShellArg::Fish => clap_complete::Shell::Fish,
        ShellArg::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "canbao", &mut out);
    write_stdout(&out)
}
