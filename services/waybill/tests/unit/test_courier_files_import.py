"""Reading a courier's returned file and checking it against the parcels awaiting a number."""

import io
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from packline_couriers import check_digit_mod7
from packline_waybill.courier_files import (
    TEMPLATES,
    Candidate,
    ExportRow,
    ImportCheck,
    UnreadableFile,
    check_import,
    export_xlsx,
    read_returned_file,
)

CJ = TEMPLATES["CJGLS"]


def parcel(i: int) -> ExportRow:
    return ExportRow(
        reference=f"P-20261201-{i:06d}",
        recipient_name=f"이수진{i}",
        phone=f"010-5555-{i:04d}",
        mobile=None,
        postcode="06236",
        address="서울 강남구 테헤란로 152",
        address_detail=f"{i}층",
        items=(("머그컵", 1),),
        message=None,
        sender_name="팩라인상회",
        sender_phone="02-123-4567",
        sender_address="경기 성남시 판교로 1",
    )


def candidates(rows: list[ExportRow], courier: str = "CJGLS") -> list[Candidate]:
    return [Candidate(r.reference, r.recipient_name, r.phone, courier) for r in rows]


def cj_number(i: int) -> str:
    return f"6012{i:08d}"


def fill(data: bytes, edit: Callable[[Worksheet, dict[str, int]], None]) -> bytes:
    """Open an exported file as a courier would, change it, save it again."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    columns = {str(c.value): c.column for c in sheet[1]}
    edit(sheet, columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def numbers_written(numbers: dict[int, object]) -> Callable[[Worksheet, dict[str, int]], None]:
    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row=row, column=columns["운송장번호"])
            cell.value = numbers.get(row - 1, cj_number(row - 1))  # type: ignore[assignment]

    return edit


def check(data: bytes, rows: list[ExportRow], **kwargs: object) -> ImportCheck:
    returned = read_returned_file(data, "returned.xlsx", CJ)
    return check_import(
        returned,
        candidates(rows),
        kwargs.get("in_use", set()),  # type: ignore[arg-type]
        {r.reference for r in rows},
    )


def errors_of(result: ImportCheck) -> list[str]:
    return [r.error for r in result.rows if r.error] + [e.message for e in result.errors]


def test_cj_round_trip_reports_exactly_the_three_damaged_rows_then_accepts_the_fixed_file() -> None:
    rows = [parcel(i) for i in range(1, 21)]
    exported = export_xlsx(CJ, rows)

    def damage(sheet: Worksheet, columns: dict[str, int]) -> None:
        numbers_written({5: "5.21853E+11", 9: cj_number(8)})(sheet, columns)
        sheet.delete_rows(15)  # parcel 14's row

    result = check(fill(exported, damage), rows)

    assert not result.ok
    errors = errors_of(result)
    assert len(errors) == 3, errors
    assert errors[0].startswith("row 6: ") and "exponent form, so Excel has rounded" in errors[0]
    assert "format the 운송장번호 column as text" in errors[0]
    assert errors[1] == f"row 10: number {cj_number(8)} is also in row 9"
    assert errors[2] == "missing row: parcel P-20261201-000014 is not in the file"

    fixed = check(fill(exported, numbers_written({})), rows)

    assert fixed.ok, errors_of(fixed)
    assert fixed.numbers() == {r.reference: cj_number(i) for i, r in enumerate(rows, start=1)}
    assert {r.matched_by for r in fixed.rows} == {"REFERENCE"}


def test_number_cells_excel_made_numeric_are_row_errors_with_the_fix() -> None:
    rows = [parcel(1), parcel(2), parcel(3)]
    # a float shown as 5.21853E+11, and a CJ number 012345678901 whose leading zero is gone
    data = fill(export_xlsx(CJ, rows), numbers_written({1: 521853000000.0, 2: 12345678901}))

    result = check(data, rows)

    assert [r.row_number for r in result.rows if r.error] == [2, 3]
    for row in result.rows[:2]:
        assert row.error and "is a number, not text" in row.error
        assert "format the 운송장번호 column as text" in row.error
    assert result.rows[2].error is None and result.rows[2].number == cj_number(3)


def test_a_text_number_one_digit_short_says_a_leading_zero_was_dropped() -> None:
    rows = [parcel(1)]
    data = fill(export_xlsx(CJ, rows), numbers_written({1: "12345678901"}))

    (row,) = check(data, rows).rows

    assert row.error and "has 11" in row.error and "Excel dropped that 0" in row.error


def test_blank_number_and_a_number_another_parcel_holds_are_row_errors() -> None:
    rows = [parcel(1), parcel(2), parcel(3)]
    data = fill(export_xlsx(CJ, rows), numbers_written({1: "", 2: "6012-0000-0099"}))

    result = check(data, rows, in_use={"601200000099": "P-20261130-000777"})

    assert errors_of(result) == [
        "row 2: the 운송장번호 cell is empty",
        "row 3: number 601200000099 is already used by P-20261130-000777",
    ]
    with pytest.raises(ValueError, match="apply nothing"):
        result.numbers()


def test_lotte_check_digit_mismatch_is_a_warning_and_the_file_is_still_ok() -> None:
    lotte = TEMPLATES["HYUNDAI"]
    body = "30000000001"
    wrong = body + str((check_digit_mod7(body) + 1) % 7)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["주문번호", "운송장번호", "받는분", "받는분전화"])
    sheet.append(["P-1", wrong, "박지훈", "010-1111-2222"])
    out = io.BytesIO()
    book.save(out)

    returned = read_returned_file(out.getvalue(), "lotte.xlsx", lotte)
    result = check_import(
        returned, [Candidate("P-1", "박지훈", "01011112222", "HYUNDAI")], set(), None
    )

    assert result.ok
    assert result.rows[0].number == wrong
    assert "check digit should be" in result.rows[0].warnings[0]


def csv_bytes(lines: list[list[str]], encoding: str = "cp949") -> bytes:
    return "\r\n".join(",".join(cells) for cells in lines).encode(encoding)


def test_header_in_row_3_with_shuffled_columns_spaces_and_an_alias_is_found() -> None:
    data = csv_bytes(
        [
            ["CJ대한통운 운송장 출력 자료"],
            ["출력일", "2026-12-01"],
            [
                "받는분 성명",
                "송장 번호",
                "품목명",
                "고객 주문번호",
                "받는분전화번호",
            ],
            ["이수진1", "601200000001", "머그컵 x1", "P-20261201-000001", "010-5555-0001"],
            ["", "", "", "", ""],
            ["이수진2", "601200000002", "머그컵 x1", "P-20261201-000002", "010-5555-0002"],
        ]
    )
    rows = [parcel(1), parcel(2)]

    returned = read_returned_file(data, "cj.csv", CJ)
    result = check_import(returned, candidates(rows), set(), {r.reference for r in rows})

    assert [r.row_number for r in returned.rows] == [4, 6]
    assert returned.number_header == "송장 번호"  # as the file names it, for messages
    assert result.ok and result.numbers() == {
        "P-20261201-000001": "601200000001",
        "P-20261201-000002": "601200000002",
    }


def test_xlsx_header_with_a_newline_inside_in_row_3() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["발송 내역"])
    sheet.append([])
    sheet.append(["받는분\n전화번호", "운송장\n번호", "고객주문번호", "받는분성명"])
    sheet.append(["010-5555-0001", "601200000001", "P-20261201-000001", "이수진1"])
    out = io.BytesIO()
    book.save(out)

    returned = read_returned_file(out.getvalue(), "x.xlsx", CJ)

    assert returned.rows[0].row_number == 4
    assert returned.rows[0].tracking_raw == "601200000001"
    assert returned.rows[0].phone == "010-5555-0001"


def test_a_row_without_a_known_reference_falls_back_to_recipient_name_and_phone() -> None:
    rows = [parcel(1), parcel(2)]
    data = csv_bytes(
        [
            ["고객주문번호", "운송장번호", "받는분성명", "받는분전화번호"],
            ["P-20261201-000001", "601200000001", "이수진1", "010-5555-0001"],
            ["", "601200000002", "이수진 2", "010 5555 0002"],
        ],
        "utf-8-sig",
    )

    result = check_import(
        read_returned_file(data, "r.csv", CJ), candidates(rows), set(), {r.reference for r in rows}
    )

    assert result.ok
    assert [(r.reference, r.matched_by) for r in result.rows] == [
        ("P-20261201-000001", "REFERENCE"),
        ("P-20261201-000002", "RECIPIENT"),
    ]
    assert "matched by recipient name and phone" in result.rows[1].warnings[0]


def test_an_ambiguous_recipient_fallback_is_a_row_error_naming_the_parcels() -> None:
    twins = [
        Candidate("P-A", "최유리", "010-7777-8888", "CJGLS"),
        Candidate("P-B", "최유리", "01077778888", "CJGLS"),
    ]
    data = csv_bytes(
        [
            ["고객주문번호", "운송장번호", "받는분성명", "받는분전화번호"],
            ["P-UNKNOWN", "601200000001", "최유리", "010-7777-8888"],
        ]
    )

    result = check_import(read_returned_file(data, "r.csv", CJ), twins, set(), None)

    assert not result.ok
    error = result.rows[0].error or ""
    assert "reference P-UNKNOWN is not a parcel awaiting a number" in error
    assert "fit 2 parcels (P-A, P-B)" in error


def test_the_same_parcel_twice_is_a_row_error() -> None:
    rows = [parcel(1)]
    data = csv_bytes(
        [
            ["고객주문번호", "운송장번호"],
            ["P-20261201-000001", "601200000001"],
            ["P-20261201-000001", "601200000002"],
        ]
    )

    result = check_import(read_returned_file(data, "r.csv", CJ), candidates(rows), set(), None)

    assert errors_of(result) == ["row 3: parcel P-20261201-000001 is also in row 2"]


def test_password_protected_returned_file_needs_its_password() -> None:
    rows = [parcel(1)]
    data = export_xlsx(CJ, rows, password="pw-1234")

    with pytest.raises(UnreadableFile, match="password-protected"):
        read_returned_file(data, "r.xlsx", CJ)
    with pytest.raises(UnreadableFile, match="password is wrong"):
        read_returned_file(data, "r.xlsx", CJ, password="nope")
    returned = read_returned_file(data, "r.xlsx", CJ, password="pw-1234")
    assert returned.rows[0].reference == "P-20261201-000001"


def test_a_damaged_xlsx_or_encrypted_file_is_unreadable_not_a_crash() -> None:
    exported = zipfile.ZipFile(io.BytesIO(export_xlsx(CJ, [parcel(1)])))
    truncated = io.BytesIO()
    with zipfile.ZipFile(truncated, "w") as damaged:
        for name in exported.namelist():
            part = exported.read(name)
            damaged.writestr(name, part[: len(part) // 2] if "sheet1" in name else part)
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

    for data, message in [
        (truncated.getvalue(), "not a readable .xlsx"),
        (ole_header + bytes(600), "cannot be opened"),
        (ole_header + bytes(range(256)) * 20, "cannot be opened"),
        (b"PK\x05\x06" + bytes(18), "not a readable .xlsx"),
    ]:
        with pytest.raises(UnreadableFile, match=message):
            read_returned_file(data, "returned.xlsx", CJ, password="pw")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", r"\.xls \(Excel 97-2003\)"),
        (b"%PDF-1.7", "label.pdf", "neither .xlsx nor .csv"),
        ("이름,전화\r\n홍길동,010".encode("cp949"), "r.csv", "no header row"),
        (b"PK\x03\x04broken", "r.xlsx", "not a readable .xlsx"),
        (b"\xff\xfe\x00\xd8", "r.csv", "UTF-8 or CP949"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_returned_file(data, filename, CJ)


def test_a_number_with_letters_is_refused_and_an_excel_text_apostrophe_is_not() -> None:
    rows = [parcel(1), parcel(2)]
    data = csv_bytes(
        [
            ["고객주문번호", "운송장번호"],
            ["P-20261201-000001", "A601200000001"],
            ["P-20261201-000002", "'601200000002"],
        ]
    )

    result = check_import(read_returned_file(data, "r.csv", CJ), candidates(rows), set(), None)

    assert result.rows[0].error == (
        "row 2: 'A601200000001' has characters other than digits, spaces and hyphens"
    )
    assert result.rows[1].error is None and result.rows[1].number == "601200000002"


def test_a_phone_excel_made_numeric_gets_its_leading_zero_back_for_the_fallback() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["운송장번호", "받는분성명", "받는분전화번호"])
    sheet.append(["601200000001", "이수진1", 1055550001])
    out = io.BytesIO()
    book.save(out)

    returned = read_returned_file(out.getvalue(), "r.xlsx", CJ)
    result = check_import(returned, candidates([parcel(1)]), set(), None)

    assert returned.rows[0].phone == "01055550001"
    assert result.ok and result.rows[0].matched_by == "RECIPIENT"


def test_an_excel_error_value_in_the_number_column_is_a_row_error() -> None:
    rows = [parcel(1)]
    data = fill(export_xlsx(CJ, rows), numbers_written({1: "#N/A"}))

    (row,) = check(data, rows).rows

    assert row.error == "row 2: the 운송장번호 cell holds the Excel error #N/A"
