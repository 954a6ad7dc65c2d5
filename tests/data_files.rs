//! Every data file embedded in the binary parses: the command line refuses to start on one that does not.

#[test]
fn every_embedded_file_parses() {
    assert_eq!(canbao::domain::category::CategoryTable::builtin_error(), None);
    assert_eq!(canbao::domain::policy::PolicySet::builtin_error(), None);
    assert_eq!(canbao::io::header::Synonyms::builtin_error(), None);
    assert_eq!(canbao::domain::pinyin_keys::surnames_error(), None);
    assert!(canbao::tui::keymap::Keymap::builtin_error().is_none());
    assert!(canbao::tui::theme::Theme::builtin_error().is_none());
    assert!(!canbao::domain::category::CategoryTable::builtin().names().is_empty());
}
