//! `paths` and `completions`: about the installation, not the drive.

use std::path::PathBuf;

use serde::Serialize;

use super::open::{config_dir, data_dir, drive_path};
use super::output::{print_json, write_stdout};
use super::{Cli, CmdResult, ShellArg, pick};

#[derive(Serialize)]
struct PathsJson {
    drive: PathBuf,
    data_dir: PathBuf,
    config_dir: Option<PathBuf>,
    backup_dir: PathBuf,
}

/// Where things are, without opening (or creating) anything.
pub(super) fn paths(cli: &Cli, json: bool) -> CmdResult {
    let drive = drive_path(cli);
    // As the store names it: `backups/` beside the drive file itself, a symlink to it followed.
    let backup_dir = crate::store::backup::backup_dir_of(&drive);
    let out = PathsJson { drive, data_dir: data_dir(), config_dir: config_dir(), backup_dir };
    if json {
        print_json(&out);
        return Ok(());
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
