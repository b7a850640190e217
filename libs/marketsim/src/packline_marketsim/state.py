"""Everything the simulator knows: seller accounts, their orders, tokens, the script, a call log
and what was pushed to it."""

import random
import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime

import bcrypt

from packline_marketsim import coupang_state, elevenst_state, esm_state, naver_state, sparse
from packline_marketsim.coupang_state import CoupangBox
from packline_marketsim.elevenst_state import ElevenstAccount, ElevenstLine
from packline_marketsim.esm_state import EsmOrder
from packline_marketsim.generator import GeneratedOrder
from packline_marketsim.naver_state import NaverProductOrder
from packline_marketsim.pushes import PushRecord
from packline_marketsim.script import Script


@dataclass(frozen=True)
class CoupangAccount:
    vendor_id: str  # A00012345
    access_key: str
    secret_key: str


@dataclass(frozen=True)
class NaverAccount:
    client_id: str
    client_secret: str  # a bcrypt salt, `$2a$04$` + 22 characters, as Naver issues them


@dataclass(frozen=True)
class EsmAccount:
    """One ESM+ master id holding a Gmarket and/or an Auction seller id ("" when none)."""

    master_id: str
    secret_key: str
    gmarket_seller_id: str
    auction_seller_id: str

    def seller(self, site: int) -> str:
        return self.gmarket_seller_id if site == esm_state.GMARKET else self.auction_seller_id


@dataclass(frozen=True)
class Change:
    """One row of Naver's last-changed-statuses."""

    sequence: int
    at: datetime
    product_order_id: str
    order_id: str
    type: str  # PAYED, DELIVERY_ADDRESS_CHANGED, CLAIM_REQUESTED, CLAIM_COMPLETED, DISPATCHED


@dataclass(frozen=True)
class Call:
    marketplace: str
    account: str
    operation: str
    status: int
    at: datetime


def _token(n: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


@dataclass
class Simulator:
    seed: int = 1
    coupang: dict[str, CoupangAccount] = field(default_factory=dict)
    naver: dict[str, NaverAccount] = field(default_factory=dict)
    boxes: dict[str, dict[int, CoupangBox]] = field(default_factory=dict)
    product_orders: dict[str, dict[str, NaverProductOrder]] = field(default_factory=dict)
    changes: dict[str, list[Change]] = field(default_factory=dict)
    tokens: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    script: Script = field(default_factory=Script)
    calls: list[Call] = field(default_factory=list)
    null_share: float = 0.2  # orders whose optional fields come null or missing (sparse.py)
    pushes: list[PushRecord] = field(default_factory=list)
    elevenst: dict[str, ElevenstAccount] = field(default_factory=dict)
    elevenst_lines: dict[str, dict[tuple[str, int], ElevenstLine]] = field(default_factory=dict)
    esm: dict[str, EsmAccount] = field(default_factory=dict)
    esm_orders: dict[str, dict[int, EsmOrder]] = field(default_factory=dict)  # by master id
    # ESM answers a second order listing within this many seconds per site seller with
    # ResultCode 3000; 0 (the default) lets tests and the demo call at will
    esm_order_interval: float = 0.0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._next_box = 642_538_970_006_400_001 + self.seed * 1_000_000
        self._next_naver = 2026_1128_0000_0001 + self.seed * 1_000_000
        self._sequence = 0
        self._next_elevenst = 2026_1128_0000_001 + self.seed * 1_000_000
        self._next_esm = 3_000_000_000 + self.seed * 1_000_000

    def now(self) -> datetime:
        return datetime.now(UTC)

    def add_coupang(
        self, vendor_id: str = "", access_key: str = "", secret_key: str = ""
    ) -> CoupangAccount:
        account = CoupangAccount(
            vendor_id or f"A{self.rng.randint(10**7, 10**8 - 1)}",
            access_key or _token(32).lower(),
            secret_key or _token(40).lower(),
        )
        self.coupang[account.vendor_id] = account
        self.boxes.setdefault(account.vendor_id, {})
        return account

    def add_naver(self, client_id: str = "", client_secret: str = "") -> NaverAccount:
        secret = client_secret or bcrypt.gensalt(rounds=4, prefix=b"2a").decode()
        account = NaverAccount(client_id or _token(22), secret)
        self.naver[account.client_id] = account
        self.product_orders.setdefault(account.client_id, {})
        self.changes.setdefault(account.client_id, [])
        return account

    def add_elevenst(
        self, seller_id: str = "", api_key: str = "", encoding: str = "euc-kr"
    ) -> ElevenstAccount:
        account = ElevenstAccount(
            seller_id or f"seller{self.rng.randint(10**4, 10**5 - 1)}",
            api_key or secrets.token_hex(16),
            encoding,
        )
        self.elevenst[account.seller_id] = account
        self.elevenst_lines.setdefault(account.seller_id, {})
        return account

    def elevenst_line(self, seller_id: str, ord_no: str, seq: str) -> ElevenstLine | None:
        found = self.elevenst_lines.get(seller_id, {})
        return found.get((ord_no, int(seq))) if seq.isdigit() else None

    def add_esm(
        self,
        master_id: str = "",
        secret_key: str = "",
        gmarket_seller_id: str | None = None,
        auction_seller_id: str | None = None,
    ) -> EsmAccount:
        """Both sites unless a seller id is given as "" (None: a generated one)."""
        master = master_id or f"esm{self.rng.randint(10**5, 10**6 - 1)}"
        account = EsmAccount(
            master,
            secret_key or _token(24),
            f"g{master}" if gmarket_seller_id is None else gmarket_seller_id,
            f"a{master}" if auction_seller_id is None else auction_seller_id,
        )
        self.esm[master] = account
        self.esm_orders.setdefault(master, {})
        return account

    def _place_esm(self, order: GeneratedOrder, master_id: str) -> list[str]:
        site = esm_state.SITE_OF[order.marketplace]
        seller = self.esm[master_id].seller(site)
        if not seller:
            raise ValueError(f"ESM master {master_id} has no {order.marketplace} seller id")
        found = esm_state.orders_from(
            order, master_id, site, seller, self._next_esm + 1, self._next_esm, self.rng
        )
        self._next_esm += 10
        for o in found:  # drawn per payment: the orders of one cart share their recipient
            o.sparse = sparse.chosen(self.seed, str(o.pay_no), self.null_share)
            self.esm_orders[master_id][o.order_no] = o
        return [str(o.order_no) for o in found]

    def cancel_esm(self, o: EsmOrder) -> None:
        """A buyer's cancel (취소요청): done at once before 주문확인, else it waits for the
        seller (CancelStatus 1 요청, 3 완료)."""
        if o.cancel is not None or o.status not in (esm_state.NEW, esm_state.PREPARING):
            return
        done = o.status == esm_state.NEW
        now = self.now()
        o.cancel = {
            "CancelStatus": 3 if done else 1,
            "CancelReason": "구매자 취소",
            "RequestDate": now,
            "CompleteDate": now if done else None,
        }

    def place(self, order: GeneratedOrder, account: str) -> list[str]:
        """Put a generated order on the account's marketplace; returns its shipping-unit ids."""
        if order.marketplace in esm_state.SITE_OF:
            return self._place_esm(order, account)
        if order.marketplace == "ELEVENST":
            ord_no, dlv_no = str(self._next_elevenst), str(self._next_elevenst % 10**9 + 4 * 10**8)
            self._next_elevenst += 1
            for line in elevenst_state.lines_from(order, account, ord_no, dlv_no, self.rng):
                line.sparse = sparse.chosen(self.seed, ord_no, self.null_share)
                self.elevenst_lines[account][line.line_key] = line
            return [dlv_no]
        if order.marketplace == "COUPANG":
            box = coupang_state.box_from(
                order,
                account,
                self._next_box,
                20_000_000_000_000 + self._next_box % 10**9,
                self.rng,
            )
            self._next_box += 1
            box.sparse = sparse.chosen(self.seed, str(box.shipment_box_id), self.null_share)
            self.boxes[account][box.shipment_box_id] = box
            return [str(box.shipment_box_id)]
        order_id = str(self._next_naver)
        found = naver_state.product_orders_from(
            order, account, self._next_naver + 1, order_id, self.rng
        )
        self._next_naver += 10
        for po in found:
            # drawn per order: its product orders share the buyer's address, blanks included
            po.sparse = sparse.chosen(self.seed, po.order_id, self.null_share)
            self.product_orders[account][po.product_order_id] = po
            self.log_change(po, "PAYED", order.paid_at)
        return [po.product_order_id for po in found]

    def log_change(self, po: NaverProductOrder, type_: str, at: datetime | None = None) -> None:
        self._sequence += 1
        self.changes[po.client_id].append(
            Change(self._sequence, at or self.now(), po.product_order_id, po.order_id, type_)
        )

    def cancel_naver(self, po: NaverProductOrder) -> None:
        """A buyer's cancel request (취소요청): done at once before 발주확인, else it waits."""
        if po.claim is not None or po.status != "PAYED":
            return
        done = po.place_order_status == "NOT_YET"
        po.claim = {
            "claimType": "CANCEL",
            "claimStatus": "CANCEL_DONE" if done else "CANCEL_REQUEST",
            "claimRequestDate": naver_state.stamp(self.now()),
            "requestChannel": "구매자",
            "claimReason": "INTENT_CHANGED",
        }
        self.log_change(po, "CLAIM_REQUESTED")
        if done:
            po.status = "CANCELED"
            self.log_change(po, "CLAIM_COMPLETED")

    def return_naver(self, po: NaverProductOrder) -> bool:
        """A buyer's return request (반품요청) after dispatch; False before it shipped."""
        if po.status not in ("DELIVERING", "DELIVERED", "PURCHASE_DECIDED") or po.claim:
            return False
        po.claim = {
            "claimType": "RETURN",
            "claimStatus": "RETURN_REQUEST",
            "claimRequestDate": naver_state.stamp(self.now()),
            "requestChannel": "구매자",
            "claimReason": "INTENT_CHANGED",
        }
        self.log_change(po, "CLAIM_REQUESTED")
        return True

    def record_push(
        self,
        marketplace: str,
        account: str,
        order_id: str,
        line_id: str,
        courier_code: str,
        tracking_number: str,
        result_code: str,
        call: str = "",
    ) -> None:
        self.pushes.append(
            PushRecord(
                marketplace,
                account,
                order_id,
                line_id,
                courier_code,
                tracking_number,
                result_code,
                self.now(),
                call,
            )
        )

    def move_naver(self, po: NaverProductOrder) -> None:
        naver_state.move(po, self.rng)
        self.log_change(po, "DELIVERY_ADDRESS_CHANGED")
