"""11번가 셀러오피스 발송처리 / 주문내역 엑셀: one row per order line (주문번호 + 주문순번), lines
sharing 배송번호 (dlvNo, the shipping unit the 11st adapter uses as order id). The column
list is not verified against a real download (see docs/marketplace-files.md); without an
option stock number (prdStckNo) the option id is looked up from 11st API orders (known_ids.py)."""

from packline_collector.domain.order_files import Skip, Source
from packline_contracts import Marketplace

SOURCE = Source(
    key="ELEVENST",
    title="11번가 발송처리 주문 엑셀",
    marketplace=Marketplace.ELEVENST,
    columns={
        "order_id": ("배송번호",),  # dlvNo
        "order_no": ("주문번호",),
        "order_seq": ("주문순번",),
        "listing_id": ("상품번호",),  # prdNo
        "product_name": ("상품명",),
        "option_name": ("옵션", "옵션명", "옵션정보"),
        # prdStckNo: not in the download as we know it (unverified); read when a file has it
        "stock_no": ("옵션재고번호", "재고번호"),
        "seller_sku_code": ("판매자상품코드", "판매자 상품코드"),
        "quantity": ("수량", "주문수량"),
        "amount": ("결제금액", "주문금액"),
        "shipping_fee": ("배송비",),
        "paid_at": ("결제일시", "결제완료일시"),
        "ordered_at": ("주문일시",),
        "orderer_name": ("구매자", "구매자명"),
        "name": ("수취인", "수취인명"),
        "mobile": ("휴대폰번호", "수취인휴대폰번호"),
        "phone": ("전화번호", "수취인전화번호"),
        "postcode": ("우편번호",),
        "address1": ("주소", "배송지주소"),
        "message": ("배송메시지", "배송메세지"),
        "status": ("주문상태",),
    },
    required=(
        "order_id",
        "order_no",
        "order_seq",
        "listing_id",
        "product_name",
        "quantity",
        "amount",
        "name",
        "mobile",
        "address1",
    ),
    signature=("order_id", "order_seq"),
    line_id=("order_no", "order_seq"),
    listing_id=("listing_id",),
    option_id=("stock_no", "option_name"),
    skips=(
        Skip(
            "status",
            ("취소", "반품", "교환", "배송중", "배송완료", "구매확정"),
            "주문상태: not awaiting shipment on 11st",
        ),
    ),
)
