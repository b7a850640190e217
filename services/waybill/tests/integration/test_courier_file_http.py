"""The courier file round trip over HTTP on real PostgreSQL (issue 9's acceptance): export the CJ
template for 20 parcels, fill numbers as a courier would with three damaged rows, import: the
three specific errors and nothing applied; fix the file: all 20 issued, once."""

import io
from typing import Any

import msoffcrypto
import openpyxl
import pytest

from packline_contracts import OrderCancelled
from packline_launcher.testing import collected

from .conftest import SELLER, Waybills, allocated


def _cj_number(n: int) -> str:
    return f"{560000000000 + n * 7:012d}"  # CJ: 12 digits, no check digit is known


async def _export(waybills: Waybills, **body: Any) -> dict[str, Any]:
    answer = await waybills.http.post("/exports", json={"seller_id": SELLER, "by": "kim", **body})
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def _download(waybills: Waybills, export: dict[str, Any]) -> bytes:
    answer = await waybills.http.get(export["download"])
    assert answer.status_code == 200, answer.text
    return answer.content


def _fill(xlsx: bytes, numbers: dict[str, str]) -> openpyxl.Workbook:
    """Write numbers into the 운송장번호 column by each row's 고객주문번호, as a courier does."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    ref_col, number_col = header.index("고객주문번호") + 1, header.index("운송장번호") + 1
    for row in range(2, sheet.max_row + 1):
        ref = sheet.cell(row, ref_col).value
        if ref in numbers:
            sheet.cell(row, number_col).value = numbers[ref]
    return book


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _import(waybills: Waybills, data: bytes, **params: Any) -> Any:
    return await waybills.http.post(
        "/imports",
        params={"seller_id": SELLER, "by": "kim", "filename": "cj-return.xlsx", **params},
        content=data,
    )


async def test_the_cj_round_trip_applies_nothing_until_the_file_is_right(
    waybills: Waybills,
) -> None:
    account = await waybills.account(courier_code="CJGLS", method="FILE")
    await waybills.make_default(account)
    assert await waybills.allocate(*(allocated(n) for n in range(1, 21))) == []
    assert len(await waybills.parcels("AWAITING")) == 20

    export = await _export(waybills, file_format="xlsx")
    assert export["parcels"] == 20 and export["template_key"] == "CJGLS"
    refs = export["references"]
    good = {ref: _cj_number(i) for i, ref in enumerate(refs)}
    original = await _download(waybills, export)

    damaged = _fill(original, good)
    sheet = damaged.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    number_col = header.index("운송장번호") + 1
    sheet.cell(4, number_col).value = 5.21853e11  # Excel turned the number into a float
    sheet.cell(8, number_col).value = sheet.cell(7, number_col).value  # one number twice
    missing = sheet.cell(13, header.index("고객주문번호") + 1).value
    sheet.delete_rows(13)  # one row lost
    answer = await _import(waybills, _bytes(damaged))

    assert answer.status_code == 422, answer.text
    result = answer.json()
    assert result["applied"] is False and result["issued"] == 0
    errors = {r["row_number"]: r["error"] for r in result["rows"] if r["error"]}
    assert sorted(errors) == [4, 8], errors
    assert "text" in errors[4]  # says how to fix the file
    assert "also in row 7" in errors[8]
    assert len(result["errors"]) == 1 and missing in result["errors"][0]
    assert await waybills.parcels("ISSUED") == []
    assert await waybills.emitted() == []

    answer = await _import(waybills, _bytes(_fill(original, good)))

    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["applied"], result["issued"]) == (True, 20)
    assert {r["outcome"] for r in result["rows"]} == {"ISSUED"}
    assert {r["matched_by"] for r in result["rows"]} == {"REFERENCE"}
    issued = await waybills.emitted()
    assert sorted(e.tracking_number for e in issued) == sorted(good.values())
    assert {(e.issued_via, e.courier_code) for e in issued} == {("FILE", "CJGLS")}

    again = await _import(waybills, _bytes(_fill(original, good)))  # the same file twice

    assert again.status_code == 200, again.text
    assert again.json()["issued"] == 0
    assert {r["outcome"] for r in again.json()["rows"]} == {"ALREADY_ISSUED"}
    assert len(await waybills.emitted()) == 20  # once


async def test_exporting_again_must_be_confirmed_and_the_batch_downloads_again(
    waybills: Waybills,
) -> None:
    account = await waybills.account(courier_code="EPOST", method="FILE")
    await waybills.make_default(account)
    await waybills.allocate(allocated(1), allocated(2))
    first = await _export(waybills, file_format="csv", encoding="cp949")

    refused = await waybills.http.post(
        "/exports", json={"seller_id": SELLER, "by": "kim", "file_format": "csv"}
    )
    assert refused.status_code == 409, refused.text
    assert sorted(refused.json()["references"]) == sorted(first["references"])
    second = await _export(waybills, file_format="csv", confirm_reexport=True)

    assert second["id"] != first["id"]
    text = (await _download(waybills, first)).decode("cp949")
    assert "김민001" in text and "수취인명" in text  # 우체국's header, the recipient in Korean
    listed = (await waybills.http.get("/exports", params={"seller_id": SELLER})).json()
    assert [b["id"] for b in listed["items"]] == [second["id"], first["id"]]


async def test_a_password_protected_export_opens_only_with_its_password(
    waybills: Waybills,
) -> None:
    account = await waybills.account(courier_code="HANJIN", method="FILE")
    await waybills.make_default(account)
    await waybills.allocate(allocated(1))
    export = await _export(waybills, password="s3cret-pw")
    data = await _download(waybills, export)
    assert export["password_protected"] is True

    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password="s3cret-pw")
    plain = io.BytesIO()
    office.decrypt(plain)
    sheet = openpyxl.load_workbook(plain).active
    assert sheet is not None and any(c.value == "김민001" for row in sheet.iter_rows() for c in row)
    with pytest.raises(Exception):  # noqa: B017 - openpyxl cannot read the encrypted container
        openpyxl.load_workbook(io.BytesIO(data))
    stored = await waybills.pool.fetchval("SELECT content FROM export_batches")
    assert b"s3cret-pw" not in bytes(stored)


async def test_a_parcel_cancelled_after_export_is_reported_and_the_rest_applied(
    waybills: Waybills,
) -> None:
    account = await waybills.account(courier_code="CJGLS", method="FILE")
    await waybills.make_default(account)
    events = [allocated(n) for n in (1, 2, 3)]
    await waybills.allocate(*events)
    export = await _export(waybills)
    numbers = {ref: _cj_number(i) for i, ref in enumerate(export["references"])}
    order = collected(10, seller=SELLER)  # the order of allocated(1)
    await waybills.feed(
        OrderCancelled(
            **events[0].follow_up(), order=order.order, recipient_key=order.recipient_key
        )
    )

    answer = await _import(waybills, _bytes(_fill(await _download(waybills, export), numbers)))

    assert answer.status_code == 200, answer.text
    outcomes = sorted(r["outcome"] for r in answer.json()["rows"])
    assert outcomes == ["CANCELLED", "ISSUED", "ISSUED"]
    assert len(await waybills.emitted()) == 2


async def test_an_import_for_a_band_account_is_refused_clearly(waybills: Waybills) -> None:
    account = await waybills.account(courier_code="HYUNDAI", method="BAND")
    await waybills.make_default(account)

    answer = await _import(waybills, b"PK\x03\x04not really")

    assert answer.status_code == 409, answer.text
    assert "BAND" in answer.json()["detail"]
