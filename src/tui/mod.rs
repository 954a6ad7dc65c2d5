//! The operator's screen.

use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Zh,
    En,
}

/// How the TUI was asked to start.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Language,
    pub theme: Option<String>,
    pub operator: Option<String>,
    pub config_dir: Option<std::path::PathBuf>,
}

pub fn run(store: Store, options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let _ = (store, options);
    Err("界面尚未完成 (the TUI is not built yet)".into())
}
