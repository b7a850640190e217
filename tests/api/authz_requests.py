"""How to fill what an operation asks for (path values, required query values, bodies) from
seller A's world; an operation this module cannot fill fails the test, naming what is missing."""

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from packline_launcher.stack import SERVICES
from tests.api.authz_operations import XLSX, A, Operation
from tests.api.authz_world import World, jsonl

# ---------------------------------------------------------------------------------------------
# How to fill what an operation asks for


def _line_id(w: World) -> str:
    return str(w.order["lines"][0]["line_id"])


PATH_VALUES: dict[tuple[str, str], Callable[[World, Operation], Any]] = {
    ("collector", "marketplace"): lambda w, _: w.order["marketplace"],
    ("collector", "marketplace_order_id"): lambda w, _: w.order["marketplace_order_id"],
    ("collector", "line_id"): lambda w, _: _line_id(w),
    ("collector", "account_id"): lambda w, _: w.collector_account,
    ("collector", "job_id"): lambda w, _: w.job_id,
    ("collector", "batch_id"): lambda w, _: w.import_batch,
    ("collector", "attention_id"): lambda w, _: w.attention_id,
    ("bundler", "review_id"): lambda w, _: w.review_id,
    ("bundler", "bundle_id"): lambda w, _: w.bundle_id,
    ("bundler", "seller_id"): lambda w, _: A,
    ("allocator", "bundle_id"): lambda w, _: w.bundle_id,
    ("waybill", "tracking_number"): lambda w, _: w.tracking_numbers[0],
    ("waybill", "parcel_id"): lambda w, _: w.parcel_id,
    ("waybill", "key"): lambda w, _: w.template_key,
    ("waybill", "batch_id"): lambda w, _: w.export_batch,
    ("waybill", "account_id"): lambda w, _: w.courier_account,
    ("shipper", "tracking_number"): lambda w, _: w.tracking_numbers[-1],
    **{(s, "letter_id"): (lambda w, op: w.letters[op.service]) for s in SERVICES},
}

QUERY_VALUES: dict[str, Callable[[World], Any]] = {
    "date": lambda w: datetime.now(UTC).date().isoformat(),
    "by": lambda w: "authz",
    "filename": lambda w: "numbers.csv",
    "scanned_by": lambda w: "authz",
    "marketplace": lambda w: w.mapping["marketplace"],
    "listing_id": lambda w: w.mapping["listing_id"],
    "reason": lambda w: "authorization test",
    "kind": lambda w: "SKU",
    "value": lambda w: "AUTHZ-SKU",
}


def _order_body(w: World) -> dict[str, Any]:
    return {**w.order, "marketplace_order_id": "AUTHZB0001"}


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["SKU", "상품명"])  # type: ignore[union-attr]
    book.active.append(["AUTHZ-SKU", "권한시험"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


Body = Callable[[World], dict[str, Any]]  # httpx keyword arguments: json= or content=
_reason: Body = lambda w: {"json": {"reason": "authorization test"}}  # noqa: E731
BODIES: dict[str, Body] = {
    # the runtime's routes, the same on every service ("*")
    "* POST /dead-letters/{letter_id}/redrive": lambda w: {"json": {}},
    "collector POST /orders/excel": lambda w: {"content": _xlsx()},
    "collector POST /orders": lambda w: {"json": _order_body(w)},
    "collector POST /orders/import": lambda w: {
        "content": jsonl([{**_order_body(w), "seller_id": A}])
    },
    "collector POST /orders/{marketplace}/{marketplace_order_id}/cancel": _reason,
    "collector POST /orders/{marketplace}/{marketplace_order_id}/cancel-lines": lambda w: {
        "json": {"lines": [{"line_id": _line_id(w), "quantity": 1}]}
    },
    "collector POST /accounts": lambda w: {
        "json": {
            "seller_id": A,
            "marketplace": "NAVER",
            "name": "네이버 권한시험",
            "client_id": "authz-client",
            "client_secret": "authz-secret",
        }
    },
    "collector PATCH /accounts/{account_id}": lambda w: {"json": {"enabled": False}},
    "collector POST /orders-attention/{attention_id}/resolve": lambda w: {
        "json": {"note": "authorization test"}
    },
    "collector POST /collections": lambda w: {
        "json": {
            "seller_id": A,
            "marketplaces": ["COUPANG"],
            "period_from": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        }
    },
    "collector PUT /settings/shipping-cutoff": lambda w: {
        "json": {"seller_id": A, "cutoff": "15:00"}
    },
    "matcher POST /mappings": lambda w: {"json": w.mapping},
    "matcher POST /catalogue": lambda w: {
        "json": {"seller_id": A, "items": [{"sku": "AUTHZ-SKU", "name": "권한시험"}]}
    },
    "matcher POST /catalogue/import": lambda w: {
        "content": _xlsx(),
        "headers": {"content-type": XLSX},
    },
    "bundler POST /bundles/seal": lambda w: {"json": {"seller_id": A}},
    "bundler POST /reviews/{review_id}/merge": _reason,
    "bundler POST /reviews/{review_id}/keep-apart": _reason,
    "bundler POST /bundles/{bundle_id}/unmerge": lambda w: {
        "json": {"reason": "authorization test", "orders": ["nobody:OWN_SHOP:1"]}
    },
    "bundler PUT /settings/{seller_id}": lambda w: {"json": {"mode": "MANUAL"}},
    "bundler PUT /exclusions": lambda w: {
        "json": {"seller_id": A, "kind": "SKU", "value": "AUTHZ-SKU"}
    },
    "allocator PUT /stock": lambda w: {
        "json": {"seller_id": A, "items": [{"sku": "AUTHZ-SKU", "on_hand": 1}]}
    },
    "allocator POST /allocation/waves": lambda w: {"json": {"seller_id": A}},
    "allocator PUT /settings/waves": lambda w: {"json": {"seller_id": A, "mode": "CONTINUOUS"}},
    "allocator PUT /settings/partial": lambda w: {"json": {"seller_id": A, "allowed": False}},
    "allocator PUT /rules": lambda w: {
        "json": {"seller_id": A, "criteria": [{"kind": "PAID_AT"}], "note": "authorization test"}
    },
    "allocator POST /stock/movements": lambda w: {
        "json": {
            "seller_id": A,
            "reason": "RECEIPT",
            "items": [{"sku": "AUTHZ-SKU", "quantity": 1}],
        }
    },
    "allocator POST /stock/upload": lambda w: {
        "content": "상품코드,수량\nAUTHZ-SKU,1\n".encode(),
        "headers": {"content-type": "text/csv"},
    },
    "allocator PUT /stock/safety": lambda w: {
        "json": {"seller_id": A, "items": [{"sku": "AUTHZ-SKU", "safety": 0}]}
    },
    "allocator POST /stock/safety/release": lambda w: {
        "json": {"seller_id": A, "skus": ["AUTHZ-SKU"]}
    },
    "waybill POST /labels": lambda w: {
        "json": {"seller_id": A, "by": "authz", "parcel_ids": [w.parcel_id]}
    },
    "waybill POST /parcels/{parcel_id}/replace-number": lambda w: {
        "json": {"seller_id": A, "by": "authz", "reason": "authorization test"}
    },
    "waybill POST /bookings/retry": lambda w: {"json": {"seller_id": A}},
    "waybill PUT /courier-templates/{key}": lambda w: {"json": {}},
    "waybill POST /exports": lambda w: {
        "json": {"seller_id": A, "by": "authz", "confirm_reexport": True}
    },
    "waybill POST /imports": lambda w: {
        "content": f"주문번호,운송장번호\nPL00000004,{w.tracking_numbers[0]}\n".encode()
    },
    "waybill POST /courier-accounts": lambda w: {
        "json": {
            "seller_id": A,
            "courier_code": "CJGLS",
            "name": "권한시험",
            "method": "FILE",
            "sender": {
                "name": "권한상점",
                "phone": "02-1234-5678",
                "address": "서울 중구 세종대로 110",
                "postcode": "04524",
            },
            "by": "authz",
        }
    },
    "waybill POST /courier-accounts/{account_id}/disable": lambda w: {"json": {"by": "authz"}},
    "waybill POST /courier-accounts/{account_id}/bands": lambda w: {
        "json": {"start": 100000, "end": 100100, "by": "authz"}
    },
    "waybill PUT /waybill-settings": lambda w: {"json": {"seller_id": A, "by": "authz"}},
    "waybill POST /courier-webhooks/{account_id}": lambda w: {"content": b"{}"},
    # the last parcel: the first one's number may have been replaced by an earlier case
    "shipper POST /scan": lambda w: {
        "json": {"seller_id": A, "tracking_numbers": w.tracking_numbers[-1:], "scanned_by": "authz"}
    },
    "shipper POST /scan/file": lambda w: {"content": w.tracking_numbers[-1].encode() + b"\n"},
}

# Operations whose answer to another seller's named resources is not a 404 by design: a bulk
# redrive answers each id (NOT_FOUND for another seller's letter).
BULK = frozenset(f"{s} POST /dead-letters/redrive" for s in SERVICES)
# Bodies read raw (no schema in the document) that name their seller: a JSON-lines import.
RAW_BODY_NAMES_SELLER = frozenset({"collector POST /orders/import"})


def names_another_sellers_data(op: Operation) -> bool:
    return bool(
        op.path_params or op.names_seller or op.key in BULK or op.key in RAW_BODY_NAMES_SELLER
    )


def is_list(op: Operation) -> bool:
    return op.method == "GET" and not op.path_params


class CannotFill(AssertionError):
    """An operation asks for something this module does not know how to give."""


def path_of(op: Operation, world: World | None) -> str:
    path = op.path
    for name in op.path_params:
        if world is None:
            value: Any = "1"
        else:
            fill = PATH_VALUES.get((op.service, name))
            if fill is None:
                raise CannotFill(f"{op.key}: no value for path parameter {name!r}; add one")
            value = fill(world, op)
        path = path.replace("{" + name + "}", str(value))
    return path


def query_of(op: Operation, world: World, seller: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for name, required in op.query:
        if name == "seller_id":
            if seller is not None:
                query[name] = seller
        elif required:
            fill = QUERY_VALUES.get(name)
            if fill is None:
                raise CannotFill(f"{op.key}: no value for required query parameter {name!r}")
            query[name] = fill(world)
    return query


def body_of(op: Operation, world: World) -> dict[str, Any]:
    if op.key in BULK:
        return {"json": {"ids": [world.letters[op.service]]}}
    fill = BODIES.get(op.key) or BODIES.get(f"* {op.method} {op.path}")
    if fill is None and op.body_media is None:
        return {}
    if fill is None:
        raise CannotFill(f"{op.key}: no request body for it in BODIES; add one")
    return fill(world)
