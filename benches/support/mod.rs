//! Deterministic synthetic pupils for the benchmarks: valid IDs, realistic names and classes, no real people.

use std::fmt::Write as _;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "韦", "覃", "蓝", "莫", "曾", "单", "区", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "子", "涵", "浩", "宇", "欣", "怡", "梓", "轩", "雨", "博", "文", "嘉", "俊", "佳", "思", "一", "晨", "乐", "明",
    "杰", "雪", "婷", "诗", "琪", "瑶", "睿", "泽", "宁", "然", "悦", "航", "鑫", "慧", "颖", "彤", "昊",
];
const AREAS: &[&str] = &["450202", "450203", "450205", "450221", "511502", "511521", "511302", "350502", "350503"];
const GRADES: &[&str] = &["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"];

/// A small xorshift generator: the same seed gives the same school on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub struct Pupil {
    pub name: String,
    pub id: String,
    pub grade: &'static str,
    pub class: String,
    pub phone: String,
}

fn check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// `n` pupils with distinct valid IDs.
pub fn pupils(n: usize, seed: u64) -> Vec<Pupil> {
    pupils_from(n, seed, 0)
}

/// `n` pupils whose IDs are the `first`-th onwards: lists from different `first`s at least `n` apart share no
/// ID (another school's drive); `first` = 336000 × k moves to the k-th area code.
pub fn pupils_from(n: usize, seed: u64, first: usize) -> Vec<Pupil> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    for i in first..first + n {
        let mut name = SURNAMES[rng.below(SURNAMES.len())].to_owned();
        for _ in 0..1 + rng.below(2) {
            name.push_str(GIVEN[rng.below(GIVEN.len())]);
        }
        let grade_index = rng.below(GRADES.len());
        let year = 2019 - grade_index;
        // The sequence number carries `i`, so IDs never collide however large n is.
        let day_of_year = i % 336;
        let (month, day) = (1 + day_of_year / 28, 1 + day_of_year % 28);
        let area = AREAS[(i / 336 / 1000) % AREAS.len()];
        let seq = (i / 336) % 1000;
        let first17 = format!("{area}{year}{month:02}{day:02}{seq:03}");
        let id = format!("{first17}{}", check_char(&first17));
        let mut phone = String::from("13");
        let _ = write!(phone, "{:09}", rng.next() % 1_000_000_000);
        out.push(Pupil { name, id, grade: GRADES[grade_index], class: format!("{}班", 1 + rng.below(12)), phone });
    }
    out
}

pub fn csv(pupils: &[Pupil]) -> String {
    let mut s = String::with_capacity(pupils.len() * 64);
    s.push_str("姓名,身份证号码,年级,班级,联系电话\n");
    for p in pupils {
        let _ = writeln!(s, "{},{},{},{},{}", p.name, p.id, p.grade, p.class, p.phone);
    }
    s
}

/// The header and one row per pupil, from the sheet's first row.
fn write_list(sheet: &mut rust_xlsxwriter::Worksheet, pupils: &[Pupil]) {
    for (c, title) in ["姓名", "身份证号码", "年级", "班级", "联系电话"].into_iter().enumerate() {
        sheet.write_string(0, c as u16, title).expect("header");
    }
    for (r, p) in pupils.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in [p.name.as_str(), &p.id, p.grade, &p.class, &p.phone].into_iter().enumerate() {
            sheet.write_string(r, c as u16, value).expect("cell");
        }
    }
}

/// The same class list as an XLSX workbook, as Excel saves one: shared strings, IDs and phones as text cells
/// (typed as numbers, an 18-digit ID would lose its last digits).
pub fn xlsx(pupils: &[Pupil], path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    write_list(sheet, pupils);
    book.save(path).expect("xlsx");
}

/// A class list followed by rows formatted but empty, as Excel saves a sheet where whole rows below the list
/// were given a format, until the sheet's XML holds about `padding` bytes of them.
pub fn xlsx_with_empty_rows(pupils: &[Pupil], padding: usize, path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let format = rust_xlsxwriter::Format::new().set_background_color(rust_xlsxwriter::Color::Yellow);
    let sheet = book.add_worksheet();
    write_list(sheet, pupils);
    // Each formatted empty row is written as `<row r="N" s="1" customFormat="1"/>`, about 40 bytes.
    let first = pupils.len() as u32 + 1;
    for r in first..first + (padding / 40) as u32 {
        sheet.set_row_format(r, &format).expect("row format");
    }
    book.save(path).expect("xlsx");
}
