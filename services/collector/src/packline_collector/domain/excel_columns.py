"""엑셀 주문등록: which column is which, found by header text (sellers' files differ in order
and wording), and which marketplace a row names."""

import re

from packline_contracts import Marketplace

# field -> (template header, other headers sellers and couriers use)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "marketplace": ("판매처", ("쇼핑몰", "마켓", "판매처명", "marketplace")),
    "order_id": ("주문번호", ("판매처주문번호", "고객주문번호", "order_id")),
    "paid_at": ("결제일시", ("결제일", "주문일시", "주문일", "paid_at")),
    "name": ("수취인명", ("수취인", "받는분", "받는분성명", "수령자명", "recipient")),
    "mobile": (
        "수취인 연락처",
        ("수취인휴대폰", "수취인이동통신", "받는분전화번호", "휴대폰", "연락처", "연락처1"),
    ),
    "phone": ("수취인 전화번호", ("받는분기타연락처", "전화번호", "연락처2")),
    "postcode": ("우편번호", ("수취인우편번호", "받는분우편번호")),
    "address1": ("주소", ("수취인주소", "받는분주소", "기본주소", "받는분주소(전체,분할)")),
    "address2": ("상세주소", ("수취인상세주소",)),
    "product_name": ("상품명", ("품목명",)),
    "option_name": ("옵션", ("옵션명", "옵션정보")),
    "quantity": ("수량", ("주문수량", "내품수량")),
    "amount": ("금액", ("결제금액", "판매금액", "주문금액")),
    "listing_id": ("상품코드", ("상품번호",)),
    "option_id": ("옵션코드", ("옵션번호",)),
    "seller_sku_code": ("판매자상품코드", ("자체상품코드", "관리코드")),
    "message": ("배송메세지", ("배송메시지", "배송메세지1")),
    "orderer_name": ("주문자명", ("주문자",)),
    "shipping_fee": ("배송비", ()),
}
REQUIRED = (
    "marketplace",
    "order_id",
    "name",
    "mobile",
    "address1",
    "product_name",
    "quantity",
    "amount",
)
TEMPLATE = tuple(COLUMNS)  # the template's column order

MARKETPLACE_NAMES = {
    "쿠팡": Marketplace.COUPANG,
    "네이버": Marketplace.NAVER,
    "스마트스토어": Marketplace.NAVER,
    "네이버스마트스토어": Marketplace.NAVER,
    "11번가": Marketplace.ELEVENST,
    "지마켓": Marketplace.GMARKET,
    "g마켓": Marketplace.GMARKET,
    "옥션": Marketplace.AUCTION,
    "자사몰": Marketplace.OWN_SHOP,
    **{m.value.lower(): m for m in Marketplace},
}
_NOISE = re.compile(r"[\s*_()\[\]]|\(필수\)|필수")


def _key(header: str) -> str:
    return _NOISE.sub("", header.replace("(필수)", "")).lower()


_BY_HEADER = {_key(h): field for field, (main, others) in COLUMNS.items() for h in (main, *others)}


def map_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """field -> column index, and what is wrong with the header row."""
    found: dict[str, int] = {}
    problems: list[str] = []
    for index, header in enumerate(headers):
        field = _BY_HEADER.get(_key(str(header or "")))
        if field is None:
            continue
        if field in found:
            problems.append(
                f"columns {found[field] + 1} and {index + 1} both look like {COLUMNS[field][0]}"
            )
        found.setdefault(field, index)
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in found]
    if missing:
        problems.append(
            f"missing column(s): {', '.join(missing)} — download GET /orders/excel/template"
        )
    return found, problems


def marketplace_of(text: str) -> Marketplace:
    found = MARKETPLACE_NAMES.get(re.sub(r"\s", "", text).lower())
    if found is None:
        raise ValueError(
            f"unknown marketplace {text!r}: use one of 쿠팡, 네이버, 11번가, 지마켓, 옥션, 자사몰"
        )
    return found
