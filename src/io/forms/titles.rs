//! The titles canbao gives its forms, apart from the forms: `ownership` knows canbao's own files by them, below
//! the forms that write them (which write through `export`, which asks `ownership` whose a file is).

/// The title's words after the class: 「三年级2班 参保缴费核对表」. The importer takes the class from such a title.
pub const CLASS_TITLE: &str = "参保缴费核对表";

/// The payment notices' title (`forms::notices`).
pub const NOTICES_TITLE: &str = "城乡居民基本医疗保险缴费告知单";

/// The roster of special categories' title (`forms::special`).
pub const SPECIAL_TITLE: &str = "城乡居民基本医疗保险参保花名册";

/// The progress summary's title (`forms::summary`).
pub const SUMMARY_TITLE: &str = "参保进度汇总";
