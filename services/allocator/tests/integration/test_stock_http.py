"""Stock changes with a reason, 재고 업로드 and 안전재고 against real PostgreSQL over the
allocator's HTTP routes: audit rows per SKU, a wave over exactly the SKUs that gained stock,
a broken file or a refused SKU changing nothing, safety stock holding a bundle back until a
person releases it, and another seller answered 404."""

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from packline_contracts import BundleFormed
from packline_launcher.testing import bundle, collected, matched
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from services.allocator.tests.integration.serving import Served, serving


class Allocator(Served):
    async def move(self, reason: str, status: int = 201, **items: int) -> Any:
        body = {"reason": reason, "items": [{"sku": s, "quantity": q} for s, q in items.items()]}
        answer = await self.api.post("/stock/movements", headers=self.of(), json=body)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def status(self, formed: BundleFormed) -> str:
        found: str = await self.pool.fetchval(
            "SELECT status FROM bundles WHERE bundle_id = $1", formed.bundle_id
        )
        return found

    async def stock(self) -> list[tuple[str, int, int, int]]:
        rows = await self.pool.fetch(
            "SELECT sku, on_hand, allocated, safety FROM stock WHERE seller_id = 'sa' ORDER BY sku"
        )
        return [tuple(r) for r in rows]

    async def audit(self) -> list[tuple[Any, ...]]:
        rows = await self.pool.fetch(
            "SELECT sku, reason, delta, on_hand_after, safety_after, note, moved_by "
            "FROM stock_movements WHERE seller_id = 'sa' ORDER BY id"
        )
        return [tuple(r) for r in rows]


@pytest.fixture
async def allocator(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Allocator]:
    async with serving(new_schema, service_tokens, "allocs", Allocator) as served:
        yield served


def box(number: int, **skus: int) -> BundleFormed:
    return bundle(matched(collected(number, seller="sa"), skus))


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_receipt_allocates_the_waiting_bundle_of_that_sku_and_not_of_another(
    allocator: Allocator,
) -> None:
    soup = box(1, SOUP=2)
    await allocator.feed(soup)
    # stock that arrived without a wave (as if written behind the allocator's back): only a
    # wave over SOUP may find that the bundle fits now
    await allocator.pool.execute(
        "INSERT INTO stock (seller_id, sku, on_hand) VALUES ('sa', 'SOUP', 2)"
    )

    other = await allocator.move("RECEIPT", RICE=5)
    assert other["bundles_allocated"] == 0 and await allocator.status(soup) == "WAITING"

    answer = await allocator.move("RECEIPT", SOUP=1)
    assert answer["bundles_allocated"] == 1 and await allocator.status(soup) == "ALLOCATED"
    assert answer["reason"] == "RECEIPT"
    assert answer["movements"] == [
        {"sku": "SOUP", "delta": 1, "on_hand_after": 3, "safety_after": 0}
    ]
    assert await allocator.stock() == [("RICE", 5, 0, 0), ("SOUP", 3, 2, 0)]
    assert await allocator.audit() == [
        ("RICE", "RECEIPT", 5, 5, 0, "", "kim"),
        ("SOUP", "RECEIPT", 1, 3, 0, "", "kim"),
    ]


async def test_a_batch_with_a_refused_sku_changes_nothing_and_names_each(
    allocator: Allocator,
) -> None:
    await allocator.move("STOCKTAKE", A=3, B=1)
    await allocator.feed(box(1, A=3))  # reserves all 3 A
    refused = await allocator.move("ADJUSTMENT", 422, A=-1, B=-2, C=4)
    assert [s["sku"] for s in refused["skus"]] == ["A", "B"]
    assert "nothing was changed" in refused["detail"]
    count = await allocator.move("STOCKTAKE", 422, A=2)
    assert count["skus"][0]["message"] == "A: 2 < 3 reserved"
    assert await allocator.stock() == [("A", 3, 3, 0), ("B", 1, 0, 0)]
    assert len(await allocator.audit()) == 2

    # PUT /stock keeps working, audited as 실사
    put = await allocator.api.put(
        "/stock", headers=allocator.of(), json={"items": [{"sku": "B", "on_hand": 7}]}
    )
    assert put.status_code == 200, put.text
    assert (await allocator.audit())[-1] == ("B", "STOCKTAKE", 6, 7, 0, "", "kim")
    below = await allocator.api.put(
        "/stock", headers=allocator.of(), json={"items": [{"sku": "A", "on_hand": 1}]}
    )
    assert below.status_code == 409


async def test_the_audit_trail_pages_and_searches(allocator: Allocator) -> None:
    body = {"reason": "RETURN_RESTOCK", "note": "반품 3건", "items": [{"sku": "A", "quantity": 2}]}
    assert (
        await allocator.api.post("/stock/movements", headers=allocator.of(), json=body)
    ).status_code == 201
    await allocator.move("RECEIPT", A=5, B=1)
    listed = (await allocator.api.get("/stock/movements", headers=allocator.of())).json()
    assert [(m["sku"], m["reason"], m["delta"]) for m in listed["items"]] == [
        ("B", "RECEIPT", 1),
        ("A", "RECEIPT", 5),
        ("A", "RETURN_RESTOCK", 2),
    ]
    assert listed["items"][2]["note"] == "반품 3건" and listed["items"][2]["by"] == "kim"
    of_a = await allocator.api.get(
        "/stock/movements", headers=allocator.of(), params={"sku": "A", "limit": 1}
    )
    assert [m["reason"] for m in of_a.json()["items"]] == ["RECEIPT"]
    assert of_a.json()["next_offset"] == 1
    found = await allocator.api.get(
        "/stock/movements", headers=allocator.of(), params={"q": "반품"}
    )
    assert [m["reason"] for m in found.json()["items"]] == ["RETURN_RESTOCK"]
    receipts = await allocator.api.get(
        "/stock/movements", headers=allocator.of(), params={"reason": "RECEIPT"}
    )
    assert [(m["sku"], m["reason"]) for m in receipts.json()["items"]] == [
        ("B", "RECEIPT"),
        ("A", "RECEIPT"),
    ]
    odd = {"reason": "THEFT"}
    assert (
        await allocator.api.get("/stock/movements", headers=allocator.of(), params=odd)
    ).status_code == 422
    later = await allocator.api.get(
        "/stock/movements", headers=allocator.of(), params={"since": "2999-01-01T00:00:00+09:00"}
    )
    assert later.json()["items"] == []


async def test_an_upload_of_xlsx_and_of_csv_moves_stock_with_its_reason(
    allocator: Allocator,
) -> None:
    soup = box(1, SOUP=4)
    await allocator.feed(soup)
    sheet = xlsx(
        ["상품명", "상품코드", "재고수량", "메모"],
        ["국밥", "SOUP", 4, "12월"],
        ["김", 880123, 10, None],
    )
    answer = await allocator.api.post(
        "/stock/upload", headers=allocator.of(), params={"reason": "STOCKTAKE"}, content=sheet
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["bundles_allocated"] == 1 and await allocator.status(soup) == "ALLOCATED"
    csv = "SKU,수량,창고\r\n880123,-3,B동\r\n".encode("cp949")
    answer = await allocator.api.post(
        "/stock/upload", headers=allocator.of(), params={"reason": "ADJUSTMENT"}, content=csv
    )
    assert answer.status_code == 201, answer.text
    assert await allocator.stock() == [("880123", 7, 0, 0), ("SOUP", 4, 4, 0)]
    assert await allocator.audit() == [
        ("SOUP", "STOCKTAKE", 4, 4, 0, "12월", "kim"),
        ("880123", "STOCKTAKE", 10, 10, 0, "", "kim"),
        ("880123", "ADJUSTMENT", -3, 7, 0, "", "kim"),
    ]
    receipt = await allocator.api.post(  # the default reason is 입고
        "/stock/upload", headers=allocator.of(), content=b"sku,qty\nSOUP,1\n"
    )
    assert receipt.json()["reason"] == "RECEIPT"


async def test_a_broken_file_lists_every_bad_row_and_changes_nothing(
    allocator: Allocator,
) -> None:
    await allocator.move("RECEIPT", A=1)
    sheet = xlsx(["SKU", "수량"], ["A", 5], [None, 2], ["B", "다섯"], ["A", 1], ["GHOST", 3])
    answer = await allocator.api.post("/stock/upload", headers=allocator.of(), content=sheet)
    assert answer.status_code == 422
    detail = answer.json()
    assert detail["problems"] == 3 and "nothing was changed" in detail["detail"]
    assert [(r["row"], r["column"]) for r in detail["rows"]] == [
        (3, "SKU"),
        (4, "수량"),
        (5, "SKU"),
    ]
    missing = await allocator.api.post(
        "/stock/upload", headers=allocator.of(), content="상품코드,메모\nA,x\n".encode()
    )
    assert missing.status_code == 422
    assert "no quantity column" in missing.json()["rows"][0]["message"]
    await allocator.feed(box(1, A=1))  # reserves the 1 A
    below = await allocator.api.post(
        "/stock/upload",
        headers=allocator.of(),
        params={"reason": "STOCKTAKE"},
        content=b"SKU,qty\nNEW,4\nA,0\n",
    )
    assert below.status_code == 422
    assert below.json()["rows"] == [{"row": 3, "column": "수량", "message": "A: 0 < 1 reserved"}]
    assert await allocator.stock() == [("A", 1, 1, 0)]
    assert len(await allocator.audit()) == 1


async def test_the_template_is_a_workbook_with_the_columns_the_upload_reads(
    allocator: Allocator,
) -> None:
    answer = await allocator.api.get("/stock/upload/template", headers=allocator.of())
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert [c.value for c in book.worksheets[0][1]] == ["상품코드", "수량", "메모"]
    filled = xlsx(["상품코드", "수량", "메모"], ["A", 2, "첫 입고"])
    upload = await allocator.api.post("/stock/upload", headers=allocator.of(), content=filled)
    assert upload.status_code == 201, upload.text


async def test_safety_stock_holds_a_bundle_back_until_a_person_releases_it(
    allocator: Allocator,
) -> None:
    safety = {"items": [{"sku": "A", "safety": 2}], "note": "행사 대비"}
    put = await allocator.api.put("/stock/safety", headers=allocator.of(), json=safety)
    assert put.status_code == 200, put.text
    await allocator.move("RECEIPT", A=3)
    held = box(1, A=2)
    await allocator.feed(held)
    assert await allocator.status(held) == "WAITING"
    [row] = (await allocator.api.get("/stock", headers=allocator.of())).json()["items"]
    assert (row["on_hand"], row["allocated"], row["safety"], row["available"]) == (3, 0, 2, 1)

    release = await allocator.api.post(
        "/stock/safety/release", headers=allocator.of(), json={"skus": ["A"]}
    )
    assert release.status_code == 201, release.text
    assert release.json()["bundles_allocated"] == 1 and await allocator.status(held) == "ALLOCATED"
    assert await allocator.stock() == [("A", 3, 2, 0)]
    assert await allocator.audit() == [
        ("A", "SAFETY_SET", 2, 0, 2, "행사 대비", "kim"),
        ("A", "RECEIPT", 3, 3, 2, "", "kim"),
        ("A", "SAFETY_RELEASE", -2, 3, 0, "", "kim"),
    ]
    ghost = await allocator.api.post(
        "/stock/safety/release", headers=allocator.of(), json={"skus": ["GHOST"]}
    )
    assert ghost.status_code == 422


async def test_another_seller_is_answered_404_and_sees_none_of_the_rows(
    allocator: Allocator,
) -> None:
    await allocator.move("RECEIPT", A=5)
    b = allocator.tokens.headers("sb")
    named = {"seller_id": "sa"}
    calls = [
        allocator.api.post(
            "/stock/movements",
            headers=b,
            json={**named, "reason": "RECEIPT", "items": [{"sku": "A", "quantity": 1}]},
        ),
        allocator.api.get("/stock/movements", headers=b, params=named),
        allocator.api.post("/stock/upload", headers=b, params=named, content=b"SKU,qty\nA,1\n"),
        allocator.api.put(
            "/stock/safety", headers=b, json={**named, "items": [{"sku": "A", "safety": 1}]}
        ),
        allocator.api.post("/stock/safety/release", headers=b, json={**named, "skus": ["A"]}),
    ]
    for call in calls:
        answer = await call
        assert answer.status_code == 404, answer.text
    assert (await allocator.api.get("/stock/movements", headers=b)).json()["items"] == []
    viewer = allocator.tokens.headers("sa", Role.VIEWER)
    refused = await allocator.api.post("/stock/upload", headers=viewer, content=b"SKU,qty\nA,1\n")
    assert refused.status_code == 403
    assert await allocator.stock() == [("A", 5, 0, 0)]
    assert len(await allocator.audit()) == 1
