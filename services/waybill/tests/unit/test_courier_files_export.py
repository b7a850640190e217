"""Writing parcels in a courier's template: text cells, passwords, CSV encodings, templates."""

import io
import json

import msoffcrypto
import msoffcrypto.exceptions
import pytest
from openpyxl import load_workbook

from packline_waybill.courier_files import (
    TEMPLATES,
    CourierFileError,
    ExportRow,
    TemplateError,
    UnencodableText,
    export_csv,
    export_xlsx,
    item_summary,
    read_returned_file,
    template_from_json,
    template_to_json,
)

CJ = TEMPLATES["CJGLS"]


def parcel(i: int, **changes: object) -> ExportRow:
    values: dict[str, object] = {
        "reference": f"P-20261201-{i:06d}",
        "recipient_name": f"김민수{i}",
        "phone": "010-0123-4567",
        "mobile": "0503-1234-0000",
        "postcode": "01234",
        "address": "서울특별시 강남구 테헤란로 12",
        "address_detail": "109동 1203호",
        "items": (("티셔츠", 2), ("양말", 3)),
        "message": "문 앞에 놓아 주세요",
        "sender_name": "팩라인상회",
        "sender_phone": "02-123-4567",
        "sender_address": "경기도 성남시 분당구 판교로 1",
    }
    values.update(changes)
    return ExportRow(**values)  # type: ignore[arg-type]


def sheet_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_cj_xlsx_writes_one_row_per_parcel_with_phones_postcodes_and_references_as_text() -> None:
    data = export_xlsx(CJ, [parcel(1), parcel(2, items=(("모자", 1),), mobile=None)])

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == [c.header for c in CJ.columns]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    for text_header in ("받는분전화번호", "받는분우편번호", "고객주문번호", "보내는분전화번호"):
        assert row[text_header].data_type == "s" and row[text_header].number_format == "@"
    assert row["받는분전화번호"].value == "010-0123-4567"
    assert row["받는분우편번호"].value == "01234"
    assert row["고객주문번호"].value == "P-20261201-000001"
    assert row["받는분주소(전체, 분할)"].value == "서울특별시 강남구 테헤란로 12 109동 1203호"
    assert row["품목명"].value == "티셔츠 x2, 양말 x3"
    assert row["내품수량"].value == 5
    assert row["운송장번호"].value is None
    assert row["운임구분"].value == "신용"
    assert sheet.max_row == 3
    assert sheet["C3"].value is None  # no mobile: an empty cell, not "None"


def test_a_buyer_message_that_looks_like_a_formula_stays_text() -> None:
    row = parcel(1, message='=HYPERLINK("http://x")', recipient_name="+홍길동")

    xlsx = load_workbook(io.BytesIO(export_xlsx(CJ, [row]))).worksheets[0]
    message = next(c for c in xlsx[2] if c.value and "HYPERLINK" in str(c.value))
    assert message.data_type == "s"

    text = export_csv(CJ, [row], "utf-8-sig").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+홍길동" in text


def test_control_characters_a_marketplace_let_through_are_dropped_not_a_crash() -> None:
    row = parcel(1, message="문 앞\x0b에\x00 두세요\n감사", recipient_name="김\x1b민수")

    values = sheet_rows(export_xlsx(CJ, [row]))[1]
    csv_text = export_csv(CJ, [row], "cp949").decode("cp949")

    assert "문 앞에 두세요\n감사" in values and "김민수" in values
    assert "김민수" in csv_text and "\x0b" not in csv_text


def test_item_summary_is_cut_to_a_label_line_with_the_count_of_the_rest() -> None:
    items = tuple((f"아주 긴 상품 이름 {n}번", 1) for n in range(10))

    summary = item_summary(items, limit=40)

    assert summary == "아주 긴 상품 이름 0번 x1, 아주 긴 상품 이름 1번 x1 외 8건"
    assert len(summary) <= 40
    long_one = item_summary((("가" * 100, 2), ("양말", 1)), limit=30)
    assert len(long_one) <= 30 and long_one.endswith("… x2 외 1건")
    assert item_summary(()) == ""


def test_password_xlsx_opens_with_the_password_and_not_without() -> None:
    data = export_xlsx(CJ, [parcel(1)], password="택배2026!")

    with pytest.raises(Exception):  # noqa: B017 - openpyxl sees no zip at all
        load_workbook(io.BytesIO(data))
    wrong = msoffcrypto.OfficeFile(io.BytesIO(data))
    wrong.load_key(password="wrong")
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        wrong.decrypt(io.BytesIO())
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password="택배2026!")
    plain = io.BytesIO()
    office.decrypt(plain)
    assert sheet_rows(plain.getvalue())[1][0] == "김민수1"
    with pytest.raises(CourierFileError, match="password is empty"):
        export_xlsx(CJ, [parcel(1)], password="")


def test_an_encoding_other_than_cp949_or_utf8_bom_is_refused() -> None:
    with pytest.raises(CourierFileError, match="cp949 or utf-8-sig"):
        export_csv(CJ, [parcel(1)], "latin-1")  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["cp949", "utf-8-sig"])
def test_csv_round_trips_korean_text(encoding: str) -> None:
    rows = [parcel(1, recipient_name="똠방각하 뷁"), parcel(2)]

    data = export_csv(CJ, rows, encoding)  # type: ignore[arg-type]

    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    lines = data.decode(encoding).splitlines()
    assert lines[0].split(",")[:2] == ["받는분성명", "받는분전화번호"]
    returned = read_returned_file(data, "cj.csv", CJ)
    assert [r.recipient_name for r in returned.rows] == ["똠방각하 뷁", "김민수2"]
    assert returned.rows[0].reference == "P-20261201-000001"
    assert "서울특별시 강남구 테헤란로 12 109동 1203호" in lines[1]


def test_cp949_csv_names_the_row_column_and_character_it_cannot_encode() -> None:
    rows = [parcel(1), parcel(2, message="감사합니다 🎁")]

    with pytest.raises(UnencodableText) as caught:
        export_csv(CJ, rows, "cp949")

    message = str(caught.value)
    assert "row 3 (parcel P-20261201-000002)" in message
    assert "배송메세지1" in message and "U+1F381" in message
    assert export_csv(CJ, rows, "utf-8-sig").decode("utf-8-sig").count("🎁") == 1


def test_every_courier_has_a_template_whose_json_copy_round_trips() -> None:
    assert {t.courier_code for t in TEMPLATES.values()} >= {
        "CJGLS", "HYUNDAI", "HANJIN", "EPOST", "KGB"
    }  # fmt: skip
    for template in TEMPLATES.values():
        assert template_from_json(template_to_json(template)) == template
        assert template_from_json(json.dumps(template_to_json(template))) == template
    with pytest.raises(TemplateError, match="Invalid JSON"):
        template_from_json("{not json")


def test_a_sellers_copy_may_rename_and_reorder_columns() -> None:
    data = template_to_json(CJ)
    data["key"] = "my-cj"
    data["name"] = "CJ [내 양식]: 1/2 * 반품?"  # characters Excel forbids in sheet names
    data["columns"] = [
        {"header": "주문 참조", "field": "reference"},
        {"header": "송장", "field": "tracking_number"},
        {"header": "고객명", "field": "recipient_name"},
    ]
    data["reference_header"], data["number_header"] = "주문 참조", "송장"

    mine = template_from_json(data)

    assert sheet_rows(export_xlsx(mine, [parcel(7)])) == [
        ["주문 참조", "송장", "고객명"],
        ["P-20261201-000007", None, "김민수7"],
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": [{"header": "X", "field": "colour"}, {"header": "Y", "field": "reference"}]},
         "unknown field 'colour'"),
        ({"number_header": "고객주문번호"}, "number_header '고객주문번호' must be a column with field 'tracking_number'"),
        ({"courier_code": "LOTTE"}, "unknown courier code 'LOTTE'"),
        ({"columns": "all"}, "columns: Input should be a valid list"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_a_broken_template_copy_says_what_is_wrong(change: dict[str, object], message: str) -> None:
    data = template_to_json(CJ) | change

    with pytest.raises(TemplateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        template_from_json(data)
