"""The answer to each scanned row (출고 스캔): a stable code a packer can act on and a Korean
message; rows that are not OK block the scan, duplicates and re-scans do not."""

import uuid

from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.scan import BLOCKING, ScanCode, answer_rows, rows_of

from .conftest import NOW, MemberFactory, WaybillFactory


def _answers(
    raw: list[str],
    *parcels: Parcel,
    replacements: dict[uuid.UUID, str] | None = None,
    confirm_incomplete: bool = False,
) -> dict[int, tuple[ScanCode, str]]:
    found = {p.tracking_number: p for p in parcels}
    answers = answer_rows(
        rows_of(raw), found, replacements or {}, confirm_incomplete=confirm_incomplete
    )
    return {a.row: (a.code, a.message) for a in answers}


def test_a_ready_parcel_is_ok_and_its_number_is_read_from_a_messy_scan(
    waybill: WaybillFactory,
) -> None:
    ready = Parcel.from_waybill(waybill(tracking_number="300000000006"), set())

    [row] = answer_rows(rows_of([" 3000-0000-0006 "]), {"300000000006": ready}, {})

    assert (row.row, row.tracking_number, row.code) == (1, "300000000006", ScanCode.OK)


def test_a_row_without_digits_is_not_a_number_and_is_not_echoed() -> None:
    [row] = answer_rows(rows_of(["김민준"]), {}, {})

    assert row.code is ScanCode.NOT_A_NUMBER and row.tracking_number == ""
    assert "김민준" not in row.message


def test_a_number_excel_turned_into_exponent_form_is_not_a_number() -> None:
    [row] = answer_rows(rows_of(["3E+11"]), {}, {})

    assert row.code is ScanCode.NOT_A_NUMBER and "텍스트" in row.message


def test_a_duplicated_row_is_reported_against_its_first_row_and_does_not_block(
    waybill: WaybillFactory,
) -> None:
    ready = Parcel.from_waybill(waybill(tracking_number="300000000006"), set())

    answers = _answers(["300000000006", "3000-0000-0006"], ready)

    assert answers[1][0] is ScanCode.OK
    assert answers[2][0] is ScanCode.DUPLICATE and "1행" in answers[2][1]
    assert ScanCode.DUPLICATE not in BLOCKING


def test_an_unknown_number_is_unknown(waybill: WaybillFactory) -> None:
    assert _answers(["999999999999"])[1][0] is ScanCode.UNKNOWN


def test_a_parcel_whose_orders_are_all_cancelled_is_stopped_naming_them(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    stopped = Parcel.from_waybill(waybill(member("7"), member("8")), {"s1:NAVER:7", "s1:NAVER:8"})

    [row] = answer_rows(rows_of([stopped.tracking_number]), {stopped.tracking_number: stopped}, {})

    assert row.code is ScanCode.CANCELLED and row.message.startswith("출고 중지")
    assert "NAVER 7" in row.message and "NAVER 8" in row.message
    assert [o.marketplace_order_id for o in row.orders] == ["7", "8"]


def test_a_partly_cancelled_parcel_needs_a_new_label_unless_the_person_confirms(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), set())
    parcel.cancel_order("s1:NAVER:2")

    code, message = _answers([parcel.tracking_number], parcel)[1]
    confirmed = _answers([parcel.tracking_number], parcel, confirm_incomplete=True)[1]

    assert code is ScanCode.INCOMPLETE and code in BLOCKING
    assert "라벨 재출력 필요" in message and "NAVER 2" in message and "NAVER 1" not in message
    assert confirmed[0] is ScanCode.OK


def test_a_parcel_held_for_an_address_change_is_relabel_first(waybill: WaybillFactory) -> None:
    held = Parcel.from_waybill(waybill(), set())
    held.hold_for_relabel()

    code, message = _answers([held.tracking_number], held)[1]

    assert code is ScanCode.RELABEL and "주소 변경" in message


def test_a_replaced_number_names_its_replacement_when_known(waybill: WaybillFactory) -> None:
    old = Parcel.from_waybill(waybill(tracking_number="300000000006"), set())
    old.void()

    known = _answers([old.tracking_number], old, replacements={old.parcel_id: "300000000013"})
    unknown = _answers([old.tracking_number], old)

    assert known[1][0] is ScanCode.REPLACED and "300000000013" in known[1][1]
    assert unknown[1][0] is ScanCode.VOIDED and "voided" in unknown[1][1]


def test_an_already_shipped_parcel_says_when_and_does_not_block(waybill: WaybillFactory) -> None:
    shipped = Parcel.from_waybill(waybill(), set())
    shipped.ship("scanner-1", NOW)

    [row] = answer_rows(rows_of([shipped.tracking_number]), {shipped.tracking_number: shipped}, {})

    assert row.code is ScanCode.ALREADY_SHIPPED and row.code not in BLOCKING
    assert row.shipped_at == NOW
    assert "이미 출고됨" in row.message and "2026-11-28 10:00" in row.message  # in KST
