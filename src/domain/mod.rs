//! Pure types and rules of an enrollment drive: no I/O, no terminal.

pub mod category;
pub mod class_label;
pub mod coverage;
pub mod id_number;
pub mod money;
pub mod phone;
pub mod pinyin_keys;
pub mod policy;
pub mod read_back;
pub mod roster_check;
pub mod search;
pub mod student;
