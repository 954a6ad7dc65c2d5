//! The file picker's keys, and starting the import, reconciliation or merge it chooses a file for.

use std::path::{Path, PathBuf};

use crate::io::reconcile::{self, ReconcileError};
use crate::io::sniff::{self, file_not_importable};
use crate::os_error;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::jobs::Work;
use crate::tui::keymap::Context;
use crate::tui::modal::{Modal, PathPurpose};
use crate::tui::paths;
use crate::tui::picker::{FilePicker, absolute};
use crate::tui::text::fill;

/// The file in the config folder that remembers the last folder a list came from.
const LAST_FOLDER_FILE: &str = "last-folder";

impl App {
    /// The folder the last list of this drive came from, else the drive's own folder, else the folder canbao
    /// runs in. A folder another drive used holds another school's lists (and its `school.db`): a name typed
    /// there would pick that school's file, so it is no start for this drive's pickers. A file an older canbao
    /// wrote names no drive, and is taken as it was.
    fn last_folder(&self) -> PathBuf {
        let drive = self.store.path();
        let text = self.config_dir.as_ref().and_then(|d| std::fs::read_to_string(d.join(LAST_FOLDER_FILE)).ok());
        let mut lines = text.as_deref().unwrap_or_default().lines().map(str::trim);
        let folder = lines.next().filter(|l| !l.is_empty()).map(PathBuf::from);
        let ours = match (lines.next().filter(|l| !l.is_empty()), drive) {
            // A drive named as typed (`A.db`, by an older canbao) would match every folder's `A.db`: only a
            // drive named whole from the root is known to be this one.
            (Some(used_with), Some(drive)) => {
                Path::new(used_with).is_absolute() && crate::store::lock::same_file(Path::new(used_with), drive)
            }
            _ => true,
        };
        let drive_folder = drive.and_then(Path::parent).filter(|d| !d.as_os_str().is_empty() && d.is_dir());
        folder
            .filter(|p| ours && p.is_dir())
            .or_else(|| drive_folder.map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from(self.here()))
    }

    fn remember_folder(&self, dir: &Path) {
        if let Some(config) = &self.config_dir {
            // Only a convenience: a config folder that cannot be written leaves the next picker at its default.
            // The folder's name may be a school's: owner-only, as every file canbao makes.
            let _ = crate::private_file::create_dir_all(config);
            // The drive it was used with on the next line (`last_folder`).
            // Whole from the root: a relative folder would be read against wherever canbao next runs.
            let mut text = absolute(dir).display().to_string();
            if let Some(drive) = self.store.path() {
                text.push('\n');
                // By its real path: `--db A.db` run in two folders names two drives.
                let whole = std::fs::canonicalize(drive).unwrap_or_else(|_| absolute(drive));
                text.push_str(&whole.display().to_string());
            }
            let _ = crate::private_file::write_whole(
                &config.join(LAST_FOLDER_FILE),
                text.as_bytes(),
                crate::private_file::Existing::Replace,
            );
        }
    }

    pub fn open_picker(&mut self, purpose: PathPurpose) {
        // Backups are looked for where canbao keeps them, whatever folder was used last.
        let own =
            if purpose == PathPurpose::Restore { self.store.own_backups().unwrap_or_default() } else { Vec::new() };
        // The drive's backups folder; before it is made, the folder of its backups kept elsewhere (beside a
        // symlink to the drive, where an earlier canbao put them).
        let backups = self.store.backup_dir().filter(|_| purpose == PathPurpose::Restore).and_then(|d| {
            if d.is_dir() { Some(d) } else { own.last().and_then(|p| p.parent()).map(Path::to_path_buf) }
        });
        // Whole from the root as the picker's folder is, so the backups folder is still known as such.
        let backups = backups.map(|d| absolute(&d));
        let own: Vec<PathBuf> = own.iter().map(|p| absolute(p)).collect();
        let mut picker = FilePicker {
            purpose,
            // A folder remembered by an older canbao may still read `…/名单/..`, or be relative; a drive opened
            // by a relative path has a relative folder: whole from the root, ← and `..` always go up.
            dir: backups.clone().unwrap_or_else(|| absolute(&self.last_folder())),
            entries: Vec::new(),
            cursor: 0,
            // The files the last import refused and left out, ticked again: the operator corrects or unticks
            // them, never ticks the batch again from nothing.
            picked: match purpose {
                PathPurpose::Import => {
                    std::mem::take(&mut self.import_retick).into_iter().filter(|p| p.is_file()).collect()
                }
                _ => Vec::new(),
            },
            typed: LineInput::default(),
            all_files: false,
            error: None,
            // Read from the files themselves, as pruning reads them: another drive's backups copied in under
            // the same name are not this drive's.
            backups_of: backups.map(|dir| (dir, own)),
        };
        picker.read();
        self.modal = Some(Modal::Files(picker));
    }

    pub fn update_picker(&mut self, mut p: FilePicker, action: Action) -> Option<Modal> {
        p.error = None;
        let last = p.entries.len().saturating_sub(1);
        match action {
            Action::Back => return None,
            Action::Up | Action::ScrollUp => p.cursor = p.cursor.saturating_sub(1),
            Action::Down | Action::ScrollDown => p.cursor = (p.cursor + 1).min(last),
            Action::PageUp => p.cursor = p.cursor.saturating_sub(10),
            Action::PageDown => p.cursor = (p.cursor + 10).min(last),
            // Home and End move the caret in a typed path; with none they go to the list's first and last entry.
            Action::Top if p.typed.is_empty() => p.cursor = 0,
            Action::Bottom if p.typed.is_empty() => p.cursor = last,
            Action::NextField => {
                p.all_files = !p.all_files;
                p.read();
            }
            Action::Input(' ') if p.typed.is_empty() && p.allows_several() => {
                if let Some(e) = p.entries.get(p.cursor).filter(|e| !e.is_dir) {
                    let path = e.path_in(&p.dir);
                    match p.picked.iter().position(|q| *q == path) {
                        Some(i) => {
                            p.picked.remove(i);
                        }
                        None => p.picked.push(path),
                    }
                    p.cursor = (p.cursor + 1).min(last);
                }
            }
            // Backspace on an empty field does nothing: a field cleared in a hurry, or a held key, must not climb
            // to `/` unseen. Going up is ← on the empty field (shown in the hints), or `..`.
            Action::Backspace if p.typed.is_empty() => {}
            Action::Left if p.typed.is_empty() => {
                if let Some(parent) = p.dir.parent().map(Path::to_path_buf) {
                    p.dir = parent;
                    p.read();
                }
            }
            Action::Confirm => return self.picker_enter(p),
            a => {
                p.typed.edit(&a);
            }
        }
        Some(Modal::Files(p))
    }

    /// Why a file picked as a list (`purpose`: an import or a reconciliation) cannot be one, with the file: for
    /// an import, the drive open here or a canbao drive (with the palette's ways to merge or restore it); else
    /// what [`file_not_importable`] says.
    fn not_a_list(&self, file: &Path, purpose: PathPurpose) -> Option<String> {
        let path = file.display();
        let import = purpose == PathPurpose::Import;
        if import && self.store.path().is_some_and(|drive| crate::store::lock::same_file(file, drive)) {
            return Some(fill("{}：{}", &[&sniff::THE_DRIVE, &path]));
        }
        let t = self.text;
        let palette = self.keymap.keys_for(Context::Roster, "palette").first().map(|k| k.to_string());
        let palette = palette.unwrap_or_default();
        // To reconcile, the drive itself or a copy of it is said as such, with the palette's way back to a backup,
        // not as another laptop's drive to merge.
        if !import && let Some(ReconcileError::ThisDrive { copy, .. }) = reconcile::this_drive(&self.store, file) {
            return Some(match copy {
                false => fill(t.picker_drive_itself_not_agency_list, &[&path]),
                true => fill(t.picker_drive_copy_not_agency_list, &[&palette, &path]),
            });
        }
        // Left out of an import and said there, the rest of the batch imported; never an agency list.
        if let Some(words) = sniff::office_lock(file) {
            return (!import).then_some(words);
        }
        let why = file_not_importable(file)?;
        if !import || !sniff::is_drive(why) {
            return Some(fill("{}：{}", &[&why, &path]));
        }
        Some(if why == sniff::DRIVE {
            fill(t.picker_drive_not_list, &[&palette, &path])
        } else if crate::store::cipher::SUPPORTED {
            fill(t.picker_encrypted_not_list, &[&palette, &path])
        } else {
            fill(t.picker_encrypted_unsupported, &[&path])
        })
    }

    fn picker_enter(&mut self, mut p: FilePicker) -> Option<Modal> {
        let target = if p.typed.is_empty() {
            match p.entries.get(p.cursor) {
                Some(e) if e.name == ".." => p.dir.parent().map(Path::to_path_buf),
                Some(e) => Some(e.path_in(&p.dir)),
                None => None,
            }
        } else {
            let typed = paths::typed_path(p.typed.text(), self.home.as_deref());
            Some(if typed.is_relative() { p.dir.join(typed) } else { typed })
        };
        // A typed `..` (or `../名单`) goes where it leads, shown as that folder, not as `…/名单/..`.
        let target = target.map(|t| absolute(&t));
        if let Some(target) = &target {
            match std::fs::metadata(target) {
                Ok(m) if m.is_dir() => {
                    p.dir = target.clone();
                    p.typed.clear();
                    p.read();
                    return Some(Modal::Files(p));
                }
                Ok(_) => {}
                Err(e) => {
                    p.error = Some(os_error::reading(&e, target));
                    return Some(Modal::Files(p));
                }
            }
        }
        // The files chosen: those ticked (a typed path joins them), else the one under the cursor or typed.
        let mut files = p.picked.clone();
        let typed = !p.typed.is_empty();
        if let Some(t) = target.filter(|t| (files.is_empty() || typed) && !files.contains(t)) {
            files.push(t);
        }
        if files.is_empty() {
            return Some(Modal::Files(p));
        }
        // Asked of the file's type before anything opens it: opening a pipe nobody writes to waits for ever, and
        // on this thread that would freeze the screen.
        if let Some(special) = files.iter().find(|f| crate::store::special_file(f)) {
            p.error = Some(crate::io::ReadError::NotAFile { file: special.display().to_string() }.to_string());
            return Some(Modal::Files(p));
        }
        let lists = !matches!(p.purpose, PathPurpose::Merge | PathPurpose::Restore);
        // Of several lists ticked for an import, a file that is none (a picture, a document, a file no reader
        // opens) is left out by the import, named, and the rest imported, as an empty list or a tax list is
        // (`jobs::plan_import`): refused here, it refused the lists ticked with it. Only where every file is none,
        // or for one file or a reconciliation, is it said here. (`canbao import` refuses a batch with a wrong file
        // whole, before anything is written: `an_import_or_reconciliation_that_fails_takes_no_backup`.)
        let why_not: Vec<Option<String>> =
            files.iter().filter(|_| lists).map(|f| self.not_a_list(f, p.purpose)).collect();
        let several = p.purpose == PathPurpose::Import && files.len() > 1;
        if (!several || why_not.iter().all(Option::is_some))
            && let Some(why) = why_not.into_iter().flatten().next()
        {
            p.error = Some(why);
            return Some(Modal::Files(p));
        }
        // The folder the (first) file came from: a path typed into another folder is where the next list is.
        let came_from = files.first().and_then(|f| f.parent()).filter(|d| d.is_dir()).unwrap_or(&p.dir).to_path_buf();
        // A backup comes from canbao's own folder, where no list is: the next import still opens where the
        // last list came from.
        if p.purpose != PathPurpose::Restore {
            self.remember_folder(&came_from);
        }
        match p.purpose {
            PathPurpose::Import => self.start_import_files(files),
            PathPurpose::Reconcile(source) => {
                if let Some(file) = files.pop() {
                    self.start_reconcile(file, source, true, None, false);
                }
            }
            PathPurpose::Merge => {
                if let Some(file) = files.pop() {
                    self.start(Work::Merge { file, dry_run: true, policy: self.policy.clone() });
                }
            }
            PathPurpose::Restore => {
                if let Some(file) = files.pop() {
                    self.ask_restore(file);
                }
            }
            PathPurpose::Export | PathPurpose::ExportForm(_) => {}
        }
        None
    }
}
