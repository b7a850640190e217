"""Uploads read one way everywhere: .xlsx and .csv (UTF-8 or CP949) give the same header and
numbered rows with blank rows skipped; a file that cannot be read is refused whole, saying
why; a template's code columns are text and its required columns shaded."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from packline_sheets import (
    Column,
    UnreadableFile,
    encrypt,
    read,
    read_grid,
    template,
    template_csv,
)


def _xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _xlsx([" 상품코드 ", "수량"], ["A-1", 3], [None, None], ["B-2", 4]),
        " 상품코드 ,수량\r\nA-1,3\r\n,\r\nB-2,4\r\n".encode("cp949"),
        "\ufeff 상품코드 ,수량\nA-1,3\n\nB-2,4\n".encode(),
    ],
    ids=["xlsx", "csv-cp949", "csv-utf8-bom"],
)
def test_xlsx_and_csv_read_the_same_rows(data: bytes) -> None:
    header, rows = read(data)
    assert header == ["상품코드", "수량"]
    assert [(n, [str(v) for v in values]) for n, values in rows] == [
        (2, ["A-1", "3"]),
        (4, ["B-2", "4"]),
    ]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"PK\x03\x04broken", "not a readable .xlsx"),
        (b"", "the file is empty"),
        (bytes([0xFF, 0xFE, 0x81, 0x00]), "UTF-8 or CP949"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_saying_why(data: bytes, why: str) -> None:
    with pytest.raises(UnreadableFile, match=why):
        read(data)


def test_a_control_character_is_left_to_the_domain_to_name_by_row_and_column() -> None:
    _, rows = read(b"a,b\nx\x00y,1\n")
    assert list(rows) == [(2, ["x\x00y", "1"])]


def test_a_broken_csv_row_refuses_the_file_naming_the_row() -> None:
    _, rows = read(b'a,b\n1,2\n"' + b"x" * 200_000 + b"\n")
    with pytest.raises(UnreadableFile, match="row 3"):
        list(rows)


def test_a_template_keeps_codes_as_text_and_shades_what_is_required() -> None:
    columns = [Column("상품코드", required=True, text=True), Column("메모")]
    book = load_workbook(io.BytesIO(template("재고", columns, [["상품코드", "예", "SKU"]])))
    sheet, guide = book["재고"], book["안내"]
    assert [c.value for c in sheet[1]] == ["상품코드", "메모"]
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet["A1"].fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet["B1"].fill.fill_type is None
    assert [list(r) for r in guide.iter_rows(values_only=True)] == [
        ["열", "필수", "설명"],
        ["상품코드", "예", "SKU"],
    ]
    assert template_csv(columns) == "\ufeff상품코드,메모\r\n".encode()


def test_a_password_protected_xlsx_is_read_with_its_password_and_refused_without() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["안내: 이 파일은 개인정보를 담고 있습니다"])
    sheet.append(["상품주문번호", "수량"])
    sheet.append(["2026112800000002", 2])
    out = io.BytesIO()
    book.save(out)
    locked = encrypt(out.getvalue(), "1234")
    assert list(read_grid(locked, "1234")) == [
        (1, ["안내: 이 파일은 개인정보를 담고 있습니다", None]),
        (2, ["상품주문번호", "수량"]),
        (3, ["2026112800000002", 2]),
    ]
    with pytest.raises(UnreadableFile, match="password-protected"):
        read_grid(locked)
    with pytest.raises(UnreadableFile, match="password is wrong"):
        read_grid(locked, "4321")
