"""The demo's 송장 (waybill) part: two more sellers whose parcels get their numbers the other two
ways. One exports the CJ대한통운 file, has it filled as the courier would, and imports it back;
the other books through the (simulated) 한진 API. Labels are printed for band and API parcels.
Every file written lands in the demo's work directory, and the demo says where."""

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl

from packline_launcher import sample_orders
from packline_launcher.calls import signed
from packline_launcher.stack import Stack

FILE_SELLER = "seller-demo-file"  # CJ대한통운 by courier file
API_SELLER = "seller-demo-api"  # 한진 by courier API
ORDERS_EACH = 12
# the courier moves each parcel it has picked up one usual status per step (집하 → 배송중 →
# 배송출발 → 배송완료) and calls the waybill service's webhook on every move
PROGRESS_STEP_SECONDS = 1.0
SENDER = {
    "name": "팩라인 데모상회",
    "phone": "031-123-4567",
    "address": "경기도 광주시 오포읍 물류로 1",
    "postcode": "12770",
}


class WaybillWays:
    def __init__(
        self, stack: Stack, http: httpx.Client, say: Callable[[str], None], band_seller: str
    ) -> None:
        self.stack = stack
        self.http = http
        self.say = say
        self.band_seller = band_seller
        self.out = stack.workdir / "out"
        self.out.mkdir(parents=True, exist_ok=True)
        self.awaiting_before: int | None = None
        self.rounds = 0
        self.printed: set[str] = set()
        self.written: list[tuple[str, Path]] = []

    @property
    def sellers(self) -> tuple[str, str]:
        return FILE_SELLER, API_SELLER

    def call(
        self, method: str, url: str, seller: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A call as an owner of `seller` (or of the seller it names); the simulators' admin
        APIs take no token."""
        sims = [sim.url for sim in (self.stack.couriersim, self.stack.marketsim) if sim]
        if not any(url.startswith(u) for u in sims):
            kwargs = signed(self.stack, url, kwargs, seller)
        response = self.http.request(method, url, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
        return response

    def waybill(
        self, method: str, path: str, seller: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.call(method, self.stack.url("waybill") + path, seller, **kwargs)

    def setup(self) -> None:
        """Courier accounts, then each seller's catalogue, mappings, stock and orders."""
        if self.stack.couriersim is None:
            raise RuntimeError("the demo needs the courier simulator (the embedded default)")
        hanjin = self.call(
            "POST", self.stack.couriersim.url + "/_sim/accounts", json={"courier": "HANJIN"}
        ).json()
        accounts: dict[str, dict[str, Any]] = {
            FILE_SELLER: {"courier_code": "CJGLS", "name": "CJ대한통운 계약", "method": "FILE"},
            API_SELLER: {
                "courier_code": "HANJIN",
                "name": "한진 API",
                "method": "API",
                "api": {
                    "base_url": self.stack.couriersim.url,
                    "key_id": hanjin["key_id"],
                    "secret": hanjin["secret"],
                },
            },
        }
        for seller, account in accounts.items():
            made = self.waybill(
                "POST",
                "/courier-accounts",
                json={"seller_id": seller, "sender": SENDER, "by": "demo", **account},
            ).json()
            if account["method"] == "API":
                self.follow(hanjin["key_id"], made["account_id"])
            self.waybill(
                "PUT",
                "/waybill-settings",
                json={"seller_id": seller, "default_account_id": made["account_id"], "by": "demo"},
            )
            self.register(seller, seed=len(seller))
        self.say(
            f"송장: {self.band_seller} numbers from the 롯데 band; {FILE_SELLER} by CJ대한통운 file "
            f"(export, the courier fills it, import); {API_SELLER} through the 한진 API "
            f"({ORDERS_EACH} hand-registered orders each)"
        )

    def follow(self, key_id: str, account_id: int) -> None:
        """배송추적: the courier tells the waybill service of every move of this account's
        parcels (its webhook), and moves the ones it picked up on by itself (automatic
        progression); `picked_up` plays its driver."""
        assert self.stack.couriersim is not None
        sim = self.stack.couriersim.url + "/_sim"
        hook = f"{self.stack.url('waybill')}/courier-webhooks/{account_id}"
        self.call("POST", f"{sim}/accounts/{key_id}/webhook", json={"url": hook})
        progression = {"step_seconds": PROGRESS_STEP_SECONDS, "after_pickup": True}
        self.call("PUT", f"{sim}/progression", json=progression)

    def picked_up(self, seller: str, numbers: list[str]) -> None:
        """집하: the courier's driver collects the API seller's parcels the warehouse scanned
        out (the band and file sellers' couriers have no API here to follow them by)."""
        if seller != API_SELLER or self.stack.couriersim is None:
            return
        for number in numbers:
            self.call(
                "POST",
                f"{self.stack.couriersim.url}/_sim/parcels/{number}/advance",
                json={"status": "AT_PICKUP"},
            )

    def tracking_settled(self) -> bool:
        """Every parcel of the API seller that was scanned out is delivered."""
        shipped = self.call(
            "GET",
            self.stack.url("shipper") + "/parcels?status=SHIPPED&limit=500",
            seller=API_SELLER,
        ).json()["items"]
        followed = self.waybill("GET", f"/tracking?seller_id={API_SELLER}&limit=500").json()
        delivered = {t["tracking_number"] for t in followed["items"] if t["state"] == "DELIVERED"}
        return {p["tracking_number"] for p in shipped if p["seller_id"] == API_SELLER} <= delivered

    def register(self, seller: str, seed: int) -> None:
        orders = sample_orders.generate(ORDERS_EACH, seller_id=seller, seed=seed)
        base = self.stack.url
        self.call("POST", base("matcher") + "/catalogue", json=sample_orders.catalogue_body(seller))
        for body in sample_orders.mapping_bodies(seller):
            self.call("POST", base("matcher") + "/mappings", json=body)
        stock = [{"sku": s, "on_hand": q + 5} for s, q in sample_orders.demand(orders).items()]
        self.call("PUT", base("allocator") + "/stock", json={"seller_id": seller, "items": stock})
        lines = "\n".join(json.dumps(o, ensure_ascii=False) for o in orders)
        self.call("POST", base("collector") + "/orders/import", seller, content=lines.encode())

    def parcels(self, seller: str, status: str) -> list[dict[str, Any]]:
        page = self.waybill("GET", f"/waybills?status={status}&seller_id={seller}&limit=500").json()
        items: list[dict[str, Any]] = page["items"]
        return items

    def step(self) -> None:
        """Once the file seller's waiting parcels stop growing, do a courier file round trip;
        print labels once a seller's parcels all have numbers."""
        awaiting = len(self.parcels(FILE_SELLER, "AWAITING"))
        if awaiting and awaiting == self.awaiting_before:
            self.round_trip()
        self.awaiting_before = awaiting
        for seller, name in (
            (API_SELLER, "labels-hanjin-api.pdf"),
            (self.band_seller, "labels-band.pdf"),
        ):
            if seller in self.printed or self.parcels(seller, "AWAITING"):
                continue
            issued = self.parcels(seller, "ISSUED")
            if len(issued) >= (ORDERS_EACH // 2 if seller == API_SELLER else 20):
                self.print_labels(seller, issued[:30], name)

    def round_trip(self) -> None:
        self.rounds += 1
        export = self.waybill(
            "POST",
            "/exports",
            json={"seller_id": FILE_SELLER, "by": "demo", "file_format": "xlsx"},
        ).json()
        sent = self.waybill("GET", export["download"], FILE_SELLER).content
        sent_path = self.out / f"cj-export-{self.rounds}.xlsx"
        sent_path.write_bytes(sent)
        returned = courier_fills(sent, first=5_600_0000_0000 + self.rounds * 1000)
        returned_path = self.out / f"cj-returned-{self.rounds}.xlsx"
        returned_path.write_bytes(returned)
        result = self.waybill(
            "POST",
            f"/imports?seller_id={FILE_SELLER}&by=demo&filename={returned_path.name}",
            content=returned,
        ).json()
        self.written += [("CJ 송장 파일", sent_path), ("CJ 회신 파일", returned_path)]
        self.say(
            f"송장 엑셀: exported {export['parcels']} CJ parcels to {sent_path}; the courier's "
            f"file ({returned_path.name}) gave {result['issued']} numbers"
        )

    def print_labels(self, seller: str, parcels: list[dict[str, Any]], name: str) -> None:
        answer = self.waybill(
            "POST",
            "/labels",
            json={
                "seller_id": seller,
                "by": "demo",
                "parcel_ids": [p["parcel_id"] for p in parcels],
            },
        )
        path = self.out / name
        path.write_bytes(answer.content)
        self.printed.add(seller)
        self.written.append(("송장 라벨", path))
        self.say(f"송장출력: {answer.headers['x-labels']} labels of {seller} → {path}")

    def report(self) -> None:
        for what, path in self.written:
            self.say(f"{what}: {path}")


def courier_fills(xlsx: bytes, first: int) -> bytes:
    """What the courier sends back: the same sheet with 운송장번호 filled (12-digit CJ numbers,
    written as text as the courier's system does)."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    assert sheet is not None
    header = [str(c.value or "") for c in sheet[1]]
    number_col = header.index("운송장번호") + 1
    for offset, row in enumerate(range(2, sheet.max_row + 1)):
        cell = sheet.cell(row, number_col)
        cell.value = f"{first + offset:012d}"
        cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
