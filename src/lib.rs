//! canbao (参保): the library behind the `canbao` binary. Layers: `domain` (pure rules), `store` (SQLite),
//! `io` (import and export), `tui` (the operator's screen), and `cli` (the command line); `words` says the
//! domain's data in Chinese or English for the screens, the command line and the forms. Nothing below `tui`
//! uses the terminal.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod cli;
pub mod county;
pub mod data_file;
pub mod demo;
pub mod domain;
pub mod installation;
pub mod io;
pub mod os_error;
pub mod private_file;
pub mod store;
pub mod tui;
pub mod words;
