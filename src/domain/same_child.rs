//! Whether a row giving no ID number and a row (or a pupil) of the same name, school and class giving one can be one
//! child: the one rule the class-list reader (`io::class_list`, its `Pairing`), the import's store
//! (`store::import`) and the fuzzing harness (`io::fuzzing`) all ask, so what is said, what is written and what is
//! checked cannot drift apart.

use super::id_number::Sex;

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
