//! Correcting a pupil's name, ID number, class, phone, 民族 and 居住地址 from the detail screen: the form. Saving it (audited,
//! undoable, a new number checked exactly as an import checks it) is in `dialogs::identity`.

use super::input::{FormField, LineInput};

/// The form's fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityField {
    Name,
    IdNumber,
    Class,
    Phone,
    /// 民族.
    Ethnicity,
    /// 居住地址.
    Address,
}

impl FormField for IdentityField {
    const ALL: &'static [Self] = &[
        IdentityField::Name,
        IdentityField::IdNumber,
        IdentityField::Class,
        IdentityField::Phone,
        IdentityField::Ethnicity,
        IdentityField::Address,
    ];
}

/// The six fields, as stored when the form opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityForm {
    pub id: i64,
    /// Name, ID number, class, phone, 民族, 居住地址 ("" for none).
    pub fields: [LineInput; 6],
    pub original: [String; 6],
    pub focus: IdentityField,
    pub error: Option<String>,
    /// Whether this form has shown the whole number (recorded once). Only this form's field is unmasked: the
    /// roster's masked state is the operator's `r`, not an edit's.
    pub revealed: bool,
    /// The operator said yes to a class the pupil's school does not have yet (asked once per form).
    pub new_class_ok: bool,
    /// The operator said yes to replacing a valid number with one that fails the check.
    pub invalid_number_ok: bool,
    /// The pupil's number as held is flagged (`id_problem`): a number rounded by a spreadsheet may pass the check
    /// by chance, yet it is no valid number to keep from being replaced.
    pub held_flagged: bool,
    /// The field the question on screen is about, so No goes back to it.
    pub asking: Option<IdentityField>,
    /// Per field, the operator typed in it or moved its caret (Backspace, arrows, Ctrl-U): until then the first
    /// character typed replaces the value held, as the payment form's amount and date are replaced, where a new
    /// 民族 typed over 「汉族」 read 「汉族壮族」.
    pub touched: [bool; 6],
}

impl IdentityForm {
    /// The field with the focus.
    pub fn focused(&mut self) -> &mut LineInput {
        &mut self.fields[self.focus as usize]
    }
}
