"""송장 through the console: the waybill service's real routes on PostgreSQL (in-process).
Parcels by status with the Excel download, labels as a PDF, a number voided and replaced, the
courier file out and back in with its answer per row; the owner's accounts, bands and settings;
an operator is refused the owner's settings and a viewer any change."""

import io
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook

from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_contracts import SkuLine, StockAllocated
from packline_launcher.testing import bundle, collected, matched, recipient
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_waybill.service_layer import use_cases
from services.console.tests.integration.console_harness import Harness, running_console, settings
from services.console.tests.integration.service_apps import SENDER, Apps, waybill

OWNER, OPERATOR, VIEWER = "owner@s1.kr", "op@s1.kr", "viewer@s1.kr"


def _allocated(n: int) -> StockAllocated:
    who = recipient(f"김민{n:03d}", f"010-{1000 + n:04d}-{5000 + n:04d}", postcode="06236")
    box = bundle(matched(collected(n, seller="s1", to=who), {"A": 1}))
    return StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=1),),
    )


@pytest.fixture
async def stage(new_schema: Any) -> AsyncIterator[tuple[Harness, Any]]:
    apps = Apps()
    numbering = await waybill(apps, new_schema)
    pool = apps.pools["waybill"]

    async def allocate(*numbers: int) -> None:
        async with unit_of_work(pool) as uow:
            await use_cases.prepare_band(uow, numbering.band)
            await use_cases.handle_events(uow, [_allocated(n) for n in numbers], numbering)

    await allocate(1, 2)
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        for email, role in ((OWNER, Role.OWNER), (OPERATOR, Role.OPERATOR), (VIEWER, Role.VIEWER)):
            await harness.user(email, role)
        yield harness, allocate


def _parcels(page: str) -> list[str]:
    return re.findall(r'name="parcel_ids" value="([0-9a-f-]{36})"', page)


async def test_labels_print_as_a_pdf_and_a_number_is_voided_and_replaced(
    stage: tuple[Harness, Any],
) -> None:
    harness, _ = stage
    async with harness.browser() as browser:
        await browser.sign_in(OPERATOR)
        issued = await browser.client.get("/waybill", params={"status": "ISSUED"})
        ids = _parcels(issued.text)
        token = await browser.csrf("/waybill")
        labels = await browser.client.post(
            "/waybill/labels?status=ISSUED", data={"csrf_token": token, "parcel_ids": ids}
        )
        none = await browser.post_form("/waybill/labels?status=ISSUED")
        replaced = await browser.post_form(
            f"/waybill/parcels/{ids[0]}/replace?status=ISSUED", {"reason": "라벨 훼손"}
        )
        download = await browser.client.get(
            "/waybill", params={"status": "ISSUED", "format": "xlsx"}
        )

    assert issued.status_code == 200 and len(ids) == 2
    assert labels.status_code == 200 and labels.content.startswith(b"%PDF")
    assert labels.headers["content-type"] == "application/pdf" and labels.headers["x-labels"] == "2"
    assert none.status_code == 422 and "출력할 송장을 체크하거나" in none.text
    assert replaced.status_code == 200
    [new_number] = re.findall(r"새 송장번호 (\d+)를 발행했습니다", replaced.text)
    assert f"<td>{new_number}</td>" in replaced.text  # the parcel, listed with its new number
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("고객주문번호", "택배사", "송장번호") and len(rows) == 3


async def test_the_owner_sets_accounts_bands_and_settings_and_files_go_out_and_back(
    stage: tuple[Harness, Any],
) -> None:
    harness, allocate = stage
    account = {
        "courier_code": "CJGLS",
        "name": "CJ 본사",
        "method": "FILE",
        "sender_name": SENDER["name"],
        "sender_phone": SENDER["phone"],
        "sender_address": SENDER["address"],
        "sender_postcode": SENDER["postcode"],
    }
    async with harness.browser() as browser:
        await browser.sign_in(OWNER)
        added = await browser.post_form("/waybill/accounts", account)
        account_id = re.findall(r"/waybill/accounts/(\d+)/bands", added.text)[0]
        band = await browser.post_form(
            f"/waybill/accounts/{account_id}/bands",
            {"start": "60000000000", "end": "60000000099", "low_water": "1000"},
        )
        saved = await browser.post_form(
            "/waybill/settings", {"default_account_id": account_id, "pre_shipment_push": "true"}
        )
        bad_band = await browser.post_form(
            f"/waybill/accounts/{account_id}/bands", {"start": "9", "end": "1"}
        )
        await allocate(3)
        exported = await browser.post_form("/waybill/exports", {"file_format": "xlsx"})
        token = await browser.csrf("/waybill")
        imported = await browser.client.post(
            "/waybill/imports",
            data={"csrf_token": token},
            files={"returned": ("back.xlsx", exported.content)},
        )
        history = await browser.client.get("/waybill")

    assert (
        added.status_code == 200 and "택배 계정 &#39;CJ 본사&#39;을(를) 추가했습니다" in added.text
    )
    assert band.status_code == 200 and "60000000000~60000000099: 100개 남음 (부족" in band.text
    assert saved.status_code == 200 and "가배송: 켜짐" in saved.text
    assert 'name="pre_shipment_push" value="true" checked' in saved.text
    assert bad_band.status_code == 422 and "송장: 입력값을 확인하세요" in bad_band.text
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
    assert imported.status_code == 422 and "아무것도 반영하지 않았습니다" in imported.text
    assert re.search(r'<tr class="low"><td>\d+</td>', imported.text)  # its rows, with errors
    assert re.search(r'<a href="/waybill/exports/\d+/file">', history.text)


async def test_an_operator_is_refused_the_owners_settings(stage: tuple[Harness, Any]) -> None:
    harness, _ = stage
    async with harness.browser() as browser:
        await browser.sign_in(OPERATOR)
        page = await browser.client.get("/waybill/accounts")
        change = await browser.post_form("/waybill/settings", {"pre_shipment_push": "true"})

    assert page.status_code == 403 and "대표(소유자)만" in page.text
    assert change.status_code == 403 and "대표(소유자)만 할 수 있는 작업" in change.text


async def test_a_viewer_sees_waybills_but_no_change_and_is_refused_one(
    stage: tuple[Harness, Any],
) -> None:
    harness, _ = stage
    async with harness.browser() as browser:
        await browser.sign_in(VIEWER)
        page = await browser.client.get("/waybill", params={"status": "ISSUED"})
        refused = await browser.post_form("/waybill/exports", {"file_format": "xlsx"})

    assert page.status_code == 200 and page.text.count("<td>HYUNDAI</td>") == 2
    assert 'id="print-labels"' not in page.text and 'id="export-form"' not in page.text
    assert _parcels(page.text) == []
    assert refused.status_code == 403 and "조회 전용" in refused.text
