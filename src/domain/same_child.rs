//! Whether a row giving no ID number and a row (or a pupil) of the same name, school and class giving one can be one
//! child: the one rule the class-list reader (`io::class_list`, its `Pairing`), the import's store
//! (`store::import`) and the fuzzing harness (`io::fuzzing`) all ask, so what is said, what is written and what is
//! checked cannot drift apart.

use super::class_label::ClassKey;
use super::id_number::{self, Sex};

/// What a row (or a pupil held) says of who the child is, beside name, school and class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signs {
    /// The child's sex: a valid ID number's, which decides (a 性别 cell that disagrees with it is said of its own),
    /// else the one the 性别 cell states.
    pub sex: Option<Sex>,
    /// The 备注 says the child is another one of the name (`says_other_child`).
    pub other_child: bool,
}

/// Why a row without an ID number and one with one, of one name, school and class, are two children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apart {
    /// The two give different sexes.
    Sex,
    /// A 备注 says they are two children (同名不同人).
    Note,
}

impl Signs {
    /// A row's signs: the sex its valid number gives (`from_number`), else the one its 性别 cell states, and its
    /// 备注.
    pub fn of_row(from_number: Option<Sex>, stated: Option<Sex>, note: &str) -> Signs {
        Signs { sex: from_number.or(stated), other_child: says_other_child(note) }
    }

    /// Why these and `other` are two children, if they are: then the row without a number is never taken as the
    /// other's pupil, nor the other as its.
    pub fn apart(&self, other: &Signs) -> Option<Apart> {
        if let (Some(a), Some(b)) = (self.sex, other.sex)
            && a != b
        {
            return Some(Apart::Sex);
        }
        (self.other_child || other.other_child).then_some(Apart::Note)
    }
}

/// What a teacher writes in 备注 beside a child who shares a name with another in the class: 同名不同人, 不是同一人,
/// 非同一人, 重名.
const OTHER_CHILD: [&str; 9] =
    ["不同人", "不是同一", "非同一", "并非同一", "不为同一", "重名", "同名同姓", "另一人", "另一个人"];

/// A 备注 saying its child is another one of the same name, not the child of another row.
pub fn says_other_child(note: &str) -> bool {
    !note.is_empty() && OTHER_CHILD.iter().any(|words| note.contains(words))
}

/// One of two pupils of one name, as a merge or a county push holds them, to be paired as one child when one
/// holds a valid number and the other a flagged one (`look_alike`).
#[derive(Debug, Clone, Copy)]
pub struct PupilSigns<'a> {
    pub number: &'a str,
    /// The flagged number's problem code (`IdProblem::code`); None for a valid number.
    pub problem: Option<&'a str>,
    pub school: &'a str,
    pub grade: &'a str,
    pub class: &'a str,
    /// The sex the pupil row holds.
    pub sex: Option<Sex>,
    pub note: &'a str,
}

/// Whether `a` and `b`, of one name, are one child by the rule an import pairs a valid number with a flagged
/// pupil (`id_number::flagged_may_be`): the valid number rounded to the flagged one or typed with its check
/// character wrong, or the same school and class; a pupil held with no number whom an import would keep apart
/// (`Signs::apart`: another sex, a 备注) is not. Some(true) when `a` is the flagged one, None when they are two
/// children (or both valid, or both flagged). The one rule `store::merge` and `county::push` pair by.
pub fn look_alike(a: &PupilSigns, b: &PupilSigns) -> Option<bool> {
    let (valid, flagged, problem, a_flagged) = match (a.problem, b.problem) {
        (Some(problem), None) => (b, a, problem, true),
        (None, Some(problem)) => (a, b, problem, false),
        _ => return None,
    };
    let same_class = a.school == b.school && ClassKey::of(a.grade, a.class) == ClassKey::of(b.grade, b.class);
    let signs = |h: &PupilSigns| Signs::of_row(h.sex, None, h.note);
    if flagged.number.is_empty() && signs(flagged).apart(&signs(valid)).is_some() {
        return None;
    }
    id_number::flagged_may_be(valid.number, flagged.number, problem, same_class).then_some(a_flagged)
}

/// How many links each end of each link (`a`, `b`) has: a pair is made only where both ends have one, a pupil
/// that fits more than one on the other side is not guessed.
pub struct LinkCounts {
    pub per_a: std::collections::HashMap<i64, usize>,
    pub per_b: std::collections::HashMap<i64, usize>,
}

impl LinkCounts {
    pub fn of(links: impl Iterator<Item = (i64, i64)>) -> LinkCounts {
        let mut counts = LinkCounts { per_a: Default::default(), per_b: Default::default() };
        for (a, b) in links {
            *counts.per_a.entry(a).or_default() += 1;
            *counts.per_b.entry(b).or_default() += 1;
        }
        counts
    }

    /// The link (`a`, `b`) is the only one of each.
    pub fn unique(&self, a: i64, b: i64) -> bool {
        self.per_a.get(&a) == Some(&1) && self.per_b.get(&b) == Some(&1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_sex_or_a_note_saying_so_makes_two_children() {
        let male = Signs::of_row(Some(Sex::Male), None, "");
        // The number decides over the cell.
        assert_eq!(Signs::of_row(Some(Sex::Male), Some(Sex::Female), "").sex, Some(Sex::Male));
        assert_eq!(male.apart(&Signs::of_row(None, Some(Sex::Female), "")), Some(Apart::Sex));
        assert_eq!(male.apart(&Signs::of_row(None, Some(Sex::Male), "")), None);
        assert_eq!(male.apart(&Signs::of_row(None, None, "")), None);
        for note in ["同名不同人", "不是同一人", "与上一行非同一人", "重名", "同名同姓，另一人"]
        {
            assert!(says_other_child(note), "{note}");
            assert_eq!(male.apart(&Signs::of_row(None, None, note)), Some(Apart::Note), "{note}");
            assert_eq!(Signs::of_row(None, None, note).apart(&male), Some(Apart::Note), "{note}");
        }
        for note in ["", "转学", "同一人", "低保户", "母亲电话 13800000000"] {
            assert!(!says_other_child(note), "{note}");
        }
    }
}
