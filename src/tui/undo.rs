//! Undo and redo of this session's edits: each edit keeps, per pupil, the fields as they were and as they
//! became, so undoing is one more `Store::change` (audited as "undo") writing the old values back. The edits
//! live in memory only: a restart (or a crash) ends what can be undone, and `u` then says so.

use crate::store::FieldChange;

/// One pupil's part of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilEdit {
    pub id: i64,
    pub before: Vec<FieldChange>,
    pub after: Vec<FieldChange>,
}

/// One operator action (possibly on many pupils), undone as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub pupils: Vec<PupilEdit>,
    /// A correction of a pupil's name, number, class or phone: restored exactly as stored, since the number
    /// it replaced may be a flagged one that no check would let back in.
    pub identity: Option<IdentityEdit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityEdit {
    pub id: i64,
    pub before: crate::store::IdentitySnapshot,
    pub after: crate::store::IdentitySnapshot,
}

impl Edit {
    pub fn fields(pupils: Vec<PupilEdit>) -> Edit {
        Edit { pupils, identity: None }
    }

    fn is_empty(&self) -> bool {
        self.pupils.is_empty() && self.identity.is_none()
    }

    /// Whether it changed this pupil.
    pub fn touches(&self, id: i64) -> bool {
        self.pupils.iter().any(|p| p.id == id) || self.identity.as_ref().is_some_and(|i| i.id == id)
    }

    /// The fields to write for each pupil: as they were (undo, `backwards`), or as the edit left them (redo).
    pub fn field_values(&self, backwards: bool) -> Vec<(i64, Vec<FieldChange>)> {
        self.pupils.iter().map(|p| (p.id, if backwards { p.before.clone() } else { p.after.clone() })).collect()
    }

    /// How many pupils it changed.
    pub fn len(&self) -> usize {
        self.pupils.len() + usize::from(self.identity.is_some())
    }
}

#[derive(Debug, Clone, Default)]
pub struct UndoStack {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// An import, reconciliation, merge, restore or change of year ended undo in this session: with nothing to
    /// undo, that is what the operator is told, not that undo covers the whole session.
    forgotten: bool,
    /// The drive's policy was edited since (its premium or windows, saved to the policy file): the amounts due
    /// every older edit was made against changed, and the policy file is no edit `u` can take back. `u` says so
    /// and how to change it back, instead of undoing an older, unrelated mark.
    policy_edited: bool,
}

/// Old edits beyond this are forgotten; a drive day rarely has more.
const LIMIT: usize = 1000;

impl UndoStack {
    /// Forgets every edit: after an import, a reconciliation or a merge the fields an edit kept may have changed
    /// under it, and writing its old values back would undo something else. (A school rename changes only the
    /// school, which no other edit keeps: it is an edit of its own.)
    pub fn forget(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.forgotten = true;
        self.policy_edited = false;
    }

    /// Ends undo at an edit of the drive's policy (`policy_edited`): older edits are not undone past it.
    pub fn forget_at_policy_edit(&mut self) {
        self.forget();
        self.policy_edited = true;
    }

    /// Whether the last thing that ended undo was an edit of the drive's policy.
    pub fn policy_was_edited(&self) -> bool {
        self.policy_edited
    }

    /// Whether `forget` ended undo in this session (rather than nothing having been done since canbao opened).
    pub fn was_forgotten(&self) -> bool {
        self.forgotten
    }

    /// Records a new edit; anything undone before it can no longer be redone.
    pub fn push(&mut self, edit: Edit) {
        if edit.is_empty() {
            return;
        }
        self.redo.clear();
        self.undo.push(edit);
        if self.undo.len() > LIMIT {
            self.undo.remove(0);
        }
    }

    /// How many pupils the next undo, and the next redo, would change.
    pub fn next_sizes(&self) -> (Option<usize>, Option<usize>) {
        (self.undo.last().map(Edit::len), self.redo.last().map(Edit::len))
    }

    /// The newest edit that changed this pupil: how many edits came after it, and how many pupils it changed.
    pub fn last_of(&self, id: i64) -> Option<(usize, usize)> {
        let pos = self.undo.iter().rposition(|e| e.touches(id))?;
        Some((self.undo.len() - 1 - pos, self.undo[pos].len()))
    }

    /// Takes the edit `later` edits below the newest (0: the newest). An edit of one pupil that no later edit
    /// touched can be undone out of turn: nothing after it wrote that pupil's fields.
    pub fn take_undo_below(&mut self, later: usize) -> Option<Edit> {
        let pos = self.undo.len().checked_sub(later + 1)?;
        Some(self.undo.remove(pos))
    }

    pub fn take_undo(&mut self) -> Option<Edit> {
        self.undo.pop()
    }

    pub fn take_redo(&mut self) -> Option<Edit> {
        self.redo.pop()
    }

    /// An edit that was undone, ready to be redone.
    pub fn undone(&mut self, edit: Edit) {
        self.redo.push(edit);
    }

    /// An edit that was redone, ready to be undone again.
    pub fn redone(&mut self, edit: Edit) {
        self.undo.push(edit);
    }

    /// An edit whose undo (`backwards`) or redo wrote nothing (it failed, or was stopped): back where it was
    /// taken from, to be tried again.
    pub fn not_rewritten(&mut self, edit: Edit, backwards: bool) {
        if backwards { self.undo.push(edit) } else { self.redo.push(edit) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Field;

    fn edit(id: i64) -> Edit {
        Edit::fields(vec![PupilEdit {
            id,
            before: vec![FieldChange::new(Field::Note, Some(""))],
            after: vec![FieldChange::new(Field::Note, Some("x"))],
        }])
    }

    #[test]
    fn a_new_edit_drops_the_redo_list() {
        let mut stack = UndoStack::default();
        stack.push(edit(1));
        let e = stack.take_undo().expect("undo");
        stack.undone(e);
        assert_eq!(stack.next_sizes(), (None, Some(1)));
        stack.push(edit(2));
        assert_eq!(stack.next_sizes(), (Some(1), None));
        stack.push(Edit::fields(vec![]));
        assert_eq!(stack.take_undo(), Some(edit(2)));
    }
}
