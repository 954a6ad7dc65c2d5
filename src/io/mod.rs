//! Files in and out: class lists and agency lists read, the school's forms written. No terminal code here.

mod cell;
pub mod class_list;
mod compound;
mod cut_line;
pub mod drive_or_list;
pub mod export;
pub mod forms;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod header;
mod html_table;
pub mod list_guards;
mod new_school;
mod ods_gaps;
pub mod once_each;
pub mod one_pupil;
pub mod own_forms;
pub mod ownership;
pub mod reconcile;
pub mod sheet;
pub mod sniff;
mod spreadsheet_ml;
mod staff_table;
pub mod table;
mod workbook;
mod xlsx_digits;
mod xlsx_hidden;
mod xlsx_rows;
mod xlsx_trim;
pub mod year_policy;

use thiserror::Error;

/// Why a file could not be read at all. Each names the file; the importer adds the row where there is one.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The system refused the file (missing, no permission, a folder): in words, with the path
    /// (`os_error::reading`); `missing` when there is no such file.
    #[error("{words}")]
    Unreadable { words: String, file: String, missing: bool },
    #[error("文件 {file} 是空的 (the file {file} is empty)")]
    Empty { file: String },
    #[error(
        "文件 {file} 不是表格文件（CSV、XLSX 或 XLS），可能是图片或其他类型的文件 (not a CSV, XLSX or XLS file: {file})"
    )]
    NotATable { file: String },
    /// Plainly something else, named for what it is (`sniff::not_a_table`), as the file picker names it.
    #[error("{what}：{file}")]
    NotASpreadsheet { file: String, what: &'static str },
    #[error("文件 {file} 不是有效的 Excel 工作簿：{reason} (not a valid Excel workbook: {file}: {})", crate::words::in_language(.reason, crate::words::Language::En))]
    BadWorkbook { file: String, reason: String },
    /// An OpenDocument spreadsheet (an ODS, from LibreOffice or WPS) that cannot be read: as `BadWorkbook`, in words
    /// that do not send its operator looking for Excel.
    #[error("文件 {file} 不是有效的表格文件（ODS 工作簿）：{reason} (not a valid spreadsheet (ODS workbook): {file}: {})", crate::words::in_language(.reason, crate::words::Language::En))]
    BadSpreadsheet { file: String, reason: String },
    /// A workbook with a password to open, in the words the file picker uses (`sniff::PASSWORD`).
    #[error("{}：{file}", sniff::PASSWORD)]
    Encrypted { file: String },
    /// Only the sheets hidden in Excel hold a list: they are not imported (`class_list`), and the operator is
    /// told how to bring one in.
    #[error(
        "文件 {file} 中可见的工作表里找不到表头行；名单在隐藏的工作表{sheets}中，未导入：若要导入，请在 {} 中取消隐藏后另存，\
         再导入 (no header row in the visible sheets of {file}; the list is in hidden sheets {sheets}, not imported: \
         unhide them in {}, save, and import again)",
        .hidden_in.app_zh(),
        .hidden_in.app_en()
    )]
    OnlyHidden { file: String, sheets: String, hidden_in: table::HiddenIn },
    #[error("文件 {file} 太大，不像是班级名单 (the file {file} is too large to be a class list)")]
    TooLarge { file: String },
    /// A web page or an Excel 2003 XML file saved with an Excel name (as school systems export lists) that its
    /// reader (`html_table`, `spreadsheet_ml`) cannot read: what it is, and why.
    #[error(
        "文件 {file} 实际是{kind}（扩展名像 Excel 文件），无法读取：{reason}；请在 Excel 或 WPS 中打开它，另存为 .xlsx \
         后再导入 (the file {file} is {kind_en} saved with an Excel name and cannot be read: {}; open it in Excel or \
         WPS and save it as .xlsx, then import that)",
        crate::words::in_language(.reason, crate::words::Language::En)
    )]
    Disguised { file: String, kind: &'static str, kind_en: &'static str, reason: String },
    /// The file grew, shrank or was written while it was read (`table::file_bytes`): most often a list still
    /// being copied onto the laptop, whose part already there would otherwise be read as the whole list.
    #[error(
        "文件 {file} 在读取过程中发生了变化，可能还在复制中：请等复制完成后重新导入；未保存任何内容 \
         (the file {file} changed while it was being read, maybe still being copied: wait for the copy to finish \
         and import it again; nothing saved)"
    )]
    ChangedWhileRead { file: String },
    /// A workbook whose end is missing (no zip directory at its end): still being copied, or cut short by a copy
    /// that stopped, rather than damaged inside.
    #[error(
        "文件 {file} 不完整（缺少文件结尾），可能还在复制中，或复制时被截断：请等复制完成后重新导入，或重新取得完整的\
         文件；未保存任何内容 (the file {file} is incomplete, its end missing: it may still be being copied, or was \
         cut short while copied; wait for the copy to finish and import it again, or get the whole file again; \
         nothing saved)"
    )]
    CutShort { file: String },
    #[error("{file} 不是普通文件（可能是管道或设备），未读取 (not a regular file, not read: {file})")]
    NotAFile { file: String },
    #[error(
        "{file} 是文件夹，不是名单文件，未读取：请选择文件夹中的名单（可一次选多个） \
         (a folder, not a list, not read: {file}; give the lists in it, several at once if need be)"
    )]
    Folder { file: String },
    /// The operator asked to stop (Ctrl-C, SIGTERM, the screen's stop) while the file was being read
    /// (`table::Stop`): the import ends there, and its transaction is rolled back unwritten.
    #[error(
        "读取 {file} 时已按要求停止，未导入任何内容，数据文件没有改动 \
         (stopped as asked while reading {file}: nothing imported, the drive unchanged)"
    )]
    Stopped { file: String },
    #[error("文件 {file} 第 {row} 行无法解析：{reason} (row {row} of {file} cannot be parsed: {})", crate::words::in_language(.reason, crate::words::Language::En))]
    BadRow { file: String, row: usize, reason: String },
    #[error(
        "文件 {file} 中找不到表头行：需要“姓名”和“身份证号码”（或同义词，如“学生姓名”“证件号码”）所在的一行 \
         (no header row with a name and an ID-number column in {file}; the usual header words of a class list \
         and their synonyms are recognised)"
    )]
    NoHeader { file: String },
    /// A sheet of a workbook of several whose header words are not known, though its cells hold valid ID numbers
    /// as a class's do (three rows or more, or a class's or grade's name): its pupils, which the other sheets'
    /// import would lose, so nothing is imported. A 说明 sheet's one or two sample rows are said, not refused.
    #[error(
        "文件 {file} 的工作表“{sheet}”中有 {rows} 行有效的身份证号码，但找不到表头行（需要“姓名”和“身份证号码”或同义词\
         所在的一行），这些学生无法导入；未导入任何内容：请在这张表的名单上方写一行表头“姓名”“身份证号码”后重新导入；\
         若它不是名单，请从工作簿中删去它 (sheet “{sheet}” of {file} holds {rows_en} with a valid ID number but no \
         header row (a row naming a name and an ID-number column), so those pupils cannot be imported; nothing \
         imported: write a header row 姓名, 身份证号码 above that sheet's list and import again, or delete the sheet \
         from the workbook if it is no list)",
        rows_en = crate::words::counted(*.rows, "row", "rows"),
    )]
    SheetWithoutHeader { file: String, sheet: String, rows: usize },
    /// One of canbao's own forms that lists no pupils (the progress summary, the payment notices), given as a list:
    /// it is counted or written from the drive itself, so there is nothing in it to import or reconcile.
    #[error(
        "{file} 是 canbao 导出的「{form}」，不是名单：其中没有按“姓名”“身份证号码”列出的学生，它是由本数据文件算出的，\
         不能导入，也不能用来核对，未读取；请选择学校的班级名单，或税务、医保经办机构、认定部门发来的名单 ({file} is \
         canbao's own export «{form}», not a list: it lists no pupils by name and ID number and is made from the drive \
         itself, so it can be neither imported nor reconciled, and was not read; pick the school's class list, or the \
         list the tax office, the agency or a department sent)"
    )]
    OwnFormWithoutPupils { file: String, form: String },
    #[error("无法写入文件 {file}：{reason} (cannot write the file {file}: {})", crate::words::in_language(.reason, crate::words::Language::En))]
    Write { file: String, reason: String },
    /// The disk filled while a file was written beside its target: the target is as it was.
    #[error(
        "磁盘已满，未能写入 {file}；原有的同名文件未受影响，请清理磁盘空间后重试 \
         (the disk is full: {file} was not written, and one already there is untouched)"
    )]
    DiskFull { file: String },
    /// A form of whole ID numbers given a name that says it is masked ([`export::check_masked_name`]).
    #[error(
        "未导出 {file}：文件名带“打码”，是给班主任等的打码副本的名字，而这份表格的身份证号码是完整的。要导出打码的\
         副本，请先开启打码（屏幕上在命令面板 : 中选「导出时身份证号码打码」，命令行加 --mask）；要导出完整的号码，\
         请换一个不带“打码”的文件名 ({file} was not written: its name says it is a masked copy (打码) for class \
         teachers, but this form has whole ID numbers. For a masked copy turn masking on first (on the screen, \
         «Mask ID numbers in exports» in the palette under :, on the command line --mask); for whole numbers choose a name \
         without 打码)"
    )]
    WholeNumbersUnderMaskedName { file: String },
    #[error("不覆盖 {file}：{reason}；请换一个文件名或文件夹 (not replaced: {file}: {}; choose another name or folder)", crate::words::in_language(.reason, crate::words::Language::En))]
    WontReplace { file: String, reason: String },
    /// An earlier export of canbao's at the name, of another form or another school ([`export::check_same_form`]).
    #[error(
        "不覆盖 {file}：它是 canbao 导出的另一份表格（{theirs}），不是这一份（{ours}）；要覆盖它请加 --force，或换一个\
         文件名 (not replaced: {file} is another export of canbao's ({theirs}), not this one ({ours}); add --force \
         to replace it, or choose another name)"
    )]
    OtherForm { file: String, theirs: String, ours: String },
    #[error(
        "{file} 是文件，不是文件夹：这份表格导出多个文件，需要一个文件夹 \
         ({file} is a file, not a folder: this form is several files and needs a folder)"
    )]
    NeedsFolder { file: String },
    /// A folder for a form of several files named as a table (`--out 台账.csv`) that does not exist yet.
    #[error(
        "{file} 是表格文件的名字：这份表格导出多个文件，需要一个文件夹；请给文件夹名（不带 .csv、.xlsx） \
         ({file} names a table file: this form is several files and needs a folder; give a folder name, without \
         .csv or .xlsx)"
    )]
    NeedsFolderNotTableName { file: String },
    /// The lock file Excel, WPS or LibreOffice keeps beside an open workbook, given alone (`sniff::office_lock`):
    /// in a batch it is left out and said.
    #[error("{words}")]
    OfficeLock { file: String, words: String },
}

impl ReadError {
    /// The system's refusal of `file`, in words.
    pub(crate) fn unreadable(e: &std::io::Error, file: &std::path::Path) -> Self {
        let words = crate::os_error::reading(e, file);
        ReadError::Unreadable {
            words,
            file: file.display().to_string(),
            missing: e.kind() == std::io::ErrorKind::NotFound,
        }
    }
}
