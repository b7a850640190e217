"""The simulator's own admin API (`/_sim/...`): accounts, seeded orders, buyers' actions, the
fault script and the call log. Tests and the demo drive the marketplaces through it."""

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from packline_marketsim import coupang_render, coupang_state, naver_state
from packline_marketsim.generator import demand, generate
from packline_marketsim.script import Rule
from packline_marketsim.state import Simulator
from packline_simkit import add_script_routes


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    marketplace: Literal["COUPANG", "NAVER", "ELEVENST", "ESM"]
    vendor_id: str = ""
    access_key: str = ""
    secret_key: str = ""
    client_id: str = ""
    client_secret: str = ""
    seller_id: str = Field(default="", description="11st seller ID (판매자 ID)")
    api_key: str = Field(default="", description="11st openapikey")
    encoding: Literal["euc-kr", "utf-8"] = Field(
        default="euc-kr", description="11st: how the account's answers are encoded"
    )
    master_id: str = Field(default="", description="ESM+ master id (the JWT's kid)")
    gmarket_seller_id: str | None = Field(default=None, description='ESM: "" for no Gmarket')
    auction_seller_id: str | None = Field(default=None, description='ESM: "" for no Auction')


class Seed(BaseModel):
    """Generated orders, spread over the given accounts (one per marketplace)."""

    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=1, le=100_000)
    coupang: str | None = Field(default=None, description="vendorId to put Coupang orders on")
    naver: str | None = Field(default=None, description="client_id to put Naver orders on")
    elevenst: str | None = Field(default=None, description="11st seller ID to put orders on")
    esm: str | None = Field(
        default=None, description="ESM master id to put Gmarket and Auction orders on"
    )
    seed: int = 20261128
    paid_from: datetime | None = None
    spacing_seconds: float = Field(default=20.0, ge=0)
    repeat_share: float = Field(default=0.25, ge=0, le=1)


class Cancel(BaseModel):
    vendor_item_id: str | None = None
    count: int | None = Field(default=None, ge=1)


class StatusChange(BaseModel):
    """What a seller (or the marketplace's own staff) changes by hand in the seller centre:
    an invoice withdrawn back to INSTRUCT/PAYED, a tracking number corrected."""

    model_config = ConfigDict(extra="forbid")
    status: str | None = Field(
        default=None, description="Coupang ACCEPT, INSTRUCT, DEPARTURE…; Naver PAYED, DELIVERING…"
    )
    tracking_number: str | None = Field(
        default=None, description="Replaces the number the order holds; empty clears it"
    )


NAVER_STATUSES = frozenset(
    {"PAYED", "DELIVERING", "DELIVERED", "PURCHASE_DECIDED", "CANCELED", "RETURNED"}
)


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(prefix="/_sim", tags=["simulator admin"])

    @api.post("/accounts", status_code=201)
    async def add_account(body: NewAccount) -> dict[str, str]:
        if body.marketplace == "COUPANG":
            c = sim.add_coupang(body.vendor_id, body.access_key, body.secret_key)
            return {
                "marketplace": "COUPANG",
                "vendor_id": c.vendor_id,
                "access_key": c.access_key,
                "secret_key": c.secret_key,
            }
        if body.marketplace == "ELEVENST":
            e = sim.add_elevenst(body.seller_id, body.api_key, body.encoding)
            return {
                "marketplace": "ELEVENST",
                "seller_id": e.seller_id,
                "api_key": e.api_key,
                "encoding": e.encoding,
            }
        if body.marketplace == "ESM":
            m = sim.add_esm(
                body.master_id, body.secret_key, body.gmarket_seller_id, body.auction_seller_id
            )
            return {
                "marketplace": "ESM",
                "master_id": m.master_id,
                "secret_key": m.secret_key,
                "gmarket_seller_id": m.gmarket_seller_id,
                "auction_seller_id": m.auction_seller_id,
            }
        n = sim.add_naver(body.client_id, body.client_secret)
        return {"marketplace": "NAVER", "client_id": n.client_id, "client_secret": n.client_secret}

    @api.post("/orders/generate", status_code=201)
    async def seed_orders(body: Seed) -> dict[str, Any]:
        accounts = {"COUPANG": body.coupang, "NAVER": body.naver, "ELEVENST": body.elevenst}
        if body.esm is not None:
            esm = sim.esm.get(body.esm)
            if esm is None:
                raise HTTPException(404, f"no ESM account {body.esm}; POST /_sim/accounts first")
            if esm.gmarket_seller_id:
                accounts["GMARKET"] = body.esm
            if esm.auction_seller_id:
                accounts["AUCTION"] = body.esm
        known = {
            "COUPANG": set(sim.coupang),
            "NAVER": set(sim.naver),
            "ELEVENST": set(sim.elevenst),
        }
        for marketplace, account in accounts.items():
            if marketplace in ("GMARKET", "AUCTION"):
                continue
            if account is not None and account not in known[marketplace]:
                raise HTTPException(
                    404, f"no {marketplace} account {account}; POST /_sim/accounts first"
                )
        marketplaces = tuple(m for m, a in accounts.items() if a)
        if not marketplaces:
            raise HTTPException(
                422,
                "name a coupang vendorId, a naver client_id, an 11st seller ID or an esm master",
            )
        orders = generate(
            body.count,
            marketplaces=marketplaces,
            seed=body.seed,
            paid_from=body.paid_from,
            spacing=timedelta(seconds=body.spacing_seconds),
            repeat_share=body.repeat_share,
        )
        placed: dict[str, list[str]] = {m: [] for m in marketplaces}
        for order in orders:
            account = accounts[order.marketplace]
            assert account is not None
            placed[order.marketplace].extend(sim.place(order, account))
        return {"placed": placed, "demand": demand(orders)}

    @api.get("/orders/{marketplace}/{account}")
    async def list_orders(
        marketplace: Literal["COUPANG", "NAVER"], account: str
    ) -> list[dict[str, Any]]:
        if marketplace == "COUPANG":
            return [coupang_render.render(b, 5) for b in sim.boxes.get(account, {}).values()]
        return [naver_state.render(po) for po in sim.product_orders.get(account, {}).values()]

    @api.post("/orders/{marketplace}/{account}/{order_id}/cancel")
    async def cancel(
        marketplace: Literal["COUPANG", "NAVER"],
        account: str,
        order_id: str,
        body: Annotated[Cancel | None, Body()] = None,
    ) -> dict[str, str]:
        """The buyer cancels (주문취소): Coupang counts, or a Naver cancel claim."""
        if marketplace == "COUPANG":
            box = sim.boxes.get(account, {}).get(int(order_id)) if order_id.isdigit() else None
            if box is None:
                raise HTTPException(404, f"no Coupang box {order_id} for {account}")
            coupang_state.cancel(
                box, body.vendor_item_id if body else None, body.count if body else None
            )
            return {"status": box.status}
        po = sim.product_orders.get(account, {}).get(order_id)
        if po is None:
            raise HTTPException(404, f"no Naver product order {order_id} for {account}")
        sim.cancel_naver(po)
        return {"status": po.status}

    @api.post("/orders/{marketplace}/{account}/{order_id}/return")
    async def request_return(
        marketplace: Literal["COUPANG", "NAVER"], account: str, order_id: str
    ) -> dict[str, str]:
        """The buyer asks to return what was shipped (반품요청); 409 before it shipped."""
        if marketplace == "COUPANG":
            box = sim.boxes.get(account, {}).get(int(order_id)) if order_id.isdigit() else None
            if box is None:
                raise HTTPException(404, f"no Coupang box {order_id} for {account}")
            if not coupang_state.request_return(box):
                raise HTTPException(409, f"box {order_id} is {box.status}: not shipped yet")
            return {"status": box.status}
        po = sim.product_orders.get(account, {}).get(order_id)
        if po is None:
            raise HTTPException(404, f"no Naver product order {order_id} for {account}")
        if not sim.return_naver(po):
            raise HTTPException(409, f"product order {order_id} is {po.status}: not shipped yet")
        return {"status": po.status}

    @api.post("/orders/{marketplace}/{account}/{order_id}/address")
    async def change_address(
        marketplace: Literal["COUPANG", "NAVER"], account: str, order_id: str
    ) -> dict[str, Any]:
        """The buyer changes the delivery address (배송지 변경)."""
        if marketplace == "COUPANG":
            box = sim.boxes.get(account, {}).get(int(order_id)) if order_id.isdigit() else None
            if box is None:
                raise HTTPException(404, f"no Coupang box {order_id} for {account}")
            coupang_state.move(box, sim.rng)
            return {"status": box.status}
        po = sim.product_orders.get(account, {}).get(order_id)
        if po is None:
            raise HTTPException(404, f"no Naver product order {order_id} for {account}")
        sim.move_naver(po)
        return {"status": po.status}

    @api.post("/orders/{marketplace}/{account}/{order_id}/status")
    async def change_status(
        marketplace: Literal["COUPANG", "NAVER"], account: str, order_id: str, body: StatusChange
    ) -> dict[str, str]:
        """Change an order's status or tracking number by hand, as in the seller centre."""
        if marketplace == "COUPANG":
            box = sim.boxes.get(account, {}).get(int(order_id)) if order_id.isdigit() else None
            if box is None:
                raise HTTPException(404, f"no Coupang box {order_id} for {account}")
            if body.status is not None and body.status not in coupang_state.STATUSES:
                raise HTTPException(422, f"{body.status} is not one of {coupang_state.STATUSES}")
            if body.status is not None:
                box.status = body.status
                box.history.append(body.status)
            if body.tracking_number is not None:
                box.invoice_number = body.tracking_number
                for item in box.items:
                    item.invoice_number = body.tracking_number
            return {"status": box.status, "tracking_number": box.invoice_number}
        po = sim.product_orders.get(account, {}).get(order_id)
        if po is None:
            raise HTTPException(404, f"no Naver product order {order_id} for {account}")
        if body.status is not None and body.status not in NAVER_STATUSES:
            raise HTTPException(422, f"{body.status} is not one of {sorted(NAVER_STATUSES)}")
        if body.status is not None:
            po.status = body.status
        if body.tracking_number is not None:
            if body.tracking_number:
                po.delivery = {**(po.delivery or {}), "trackingNumber": body.tracking_number}
            else:
                po.delivery = None
        return {
            "status": po.status,
            "tracking_number": (po.delivery or {}).get("trackingNumber", ""),
        }

    @api.post("/naver/{client_id}/expire-tokens")
    async def expire_tokens(client_id: str) -> dict[str, int]:
        expired = [t for t, (owner, _) in sim.tokens.items() if owner == client_id]
        for token in expired:
            sim.tokens[token] = (client_id, sim.now())
        return {"expired": len(expired)}

    add_script_routes(api, sim.script, Rule)

    @api.get("/pushes")
    async def pushes(
        marketplace: Literal["COUPANG", "NAVER", "ELEVENST", "GMARKET", "AUCTION", "ESM"]
        | None = None,
        account: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every tracking-number row pushed (Coupang invoice, Naver dispatch, 11st and ESM
        발송처리) with its answer,
        oldest first: one row per line and call."""
        return [
            p.view()
            for p in sim.pushes
            if marketplace in (None, p.marketplace) and account in (None, p.account)
        ]

    @api.get("/calls")
    async def calls(
        marketplace: str | None = None, operation: str | None = None
    ) -> list[dict[str, Any]]:
        return [
            {
                "marketplace": c.marketplace,
                "account": c.account,
                "operation": c.operation,
                "status": c.status,
                "at": c.at.isoformat(),
            }
            for c in sim.calls
            if (marketplace in (None, c.marketplace)) and (operation in (None, c.operation))
        ]

    return api
