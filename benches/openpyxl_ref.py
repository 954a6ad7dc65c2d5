"""The reference for canbao's XLSX figures in benches/compare.rs: openpyxl reading and writing the same rows.

Each mode times itself and prints the seconds on stdout, so the interpreter's start-up and the import of openpyxl
are not counted against openpyxl while canbao's figures are whole processes or whole library calls: the
comparison leans towards the reference, never away from it.

    python3 openpyxl_ref.py read BOOK.xlsx
    python3 openpyxl_ref.py write PUPILS.csv OUT.xlsx
"""

import csv
import sys
import time

import openpyxl


def read(path):
    start = time.perf_counter()
    # read_only streams the sheet instead of building every cell object: openpyxl's fastest way to read.
    book = openpyxl.load_workbook(path, read_only=True)
    rows = []
    for sheet in book.worksheets:
        rows.extend(sheet.iter_rows(values_only=True))
    book.close()
    elapsed = time.perf_counter() - start
    if len(rows) < 2:
        sys.exit(f"{path}: read {len(rows)} rows")
    print(elapsed)


def write(source, path):
    with open(source, encoding="utf-8", newline="") as f:
        pupils = list(csv.reader(f))[1:]
    start = time.perf_counter()
    # write_only streams rows to disk instead of keeping a cell grid: openpyxl's fastest way to write. The rows
    # are canbao's 在校学生信息表: the same title, header and six columns, IDs and phones as text.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("本校")
    sheet.append(["在校学生信息表"])
    sheet.append(["学校名称：本校", None, None, "填报时间：2026-11-23"])
    sheet.append(["序号", "姓名", "身份证号码", "所在年级、班级", "是否参保", "联系电话"])
    for seq, (name, id_number, grade, klass, phone) in enumerate(pupils, 1):
        sheet.append([seq, name, id_number, grade + klass, "否", phone])
    book.save(path)
    print(time.perf_counter() - start)


if __name__ == "__main__":
    if sys.argv[1:2] == ["read"] and len(sys.argv) == 3:
        read(sys.argv[2])
    elif sys.argv[1:2] == ["write"] and len(sys.argv) == 4:
        write(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
