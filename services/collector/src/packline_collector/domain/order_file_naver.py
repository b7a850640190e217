"""네이버 스마트스토어 주문통합검색 / 발주발송관리 엑셀 다운로드: one row per product order
(상품주문번호, Naver's shipping unit), a notice row above the header, often password-protected.
Column names as sellers' files and public integrations show them; older downloads have 배송지
or 통합배송지 instead of 기본배송지 + 상세배송지."""

from packline_collector.domain.order_files import Skip, Source
from packline_contracts import Marketplace

_NOT_AWAITING = ("취소", "반품", "교환", "배송중", "배송완료", "구매확정", "미결제")

SOURCE = Source(
    key="NAVER_SMARTSTORE",
    title="네이버 스마트스토어 주문 엑셀 (발주발송관리/주문통합검색)",
    marketplace=Marketplace.NAVER,
    columns={
        "order_id": ("상품주문번호",),  # productOrderId, not 주문번호
        "order_no": ("주문번호",),
        "listing_id": ("상품번호",),  # productId
        "option_code": ("옵션코드",),  # optionCode: not in today's download
        "product_name": ("상품명",),
        "option_name": ("옵션정보", "옵션"),
        "seller_sku_code": ("판매자 상품코드", "옵션관리코드"),
        "quantity": ("수량",),
        "amount": ("최종 상품별 총 주문금액", "상품별 총 주문금액"),
        "shipping_fee": ("배송비 합계",),
        "ordered_at": ("주문일시",),
        "paid_at": ("결제일",),
        "orderer_name": ("구매자명",),
        "name": ("수취인명",),
        "mobile": ("수취인연락처1",),
        "phone": ("수취인연락처2",),
        "postcode": ("우편번호",),
        # 기본배송지 + 상세배송지; else the whole address in one (address2 then unused)
        "address1": ("기본배송지", "통합배송지", "배송지"),
        "address2": ("상세배송지",),
        "message": ("배송메세지", "배송메시지"),
        "status": ("주문상태",),
        "claim": ("클레임상태", "주문세부상태"),
    },
    required=(
        "order_id",
        "order_no",
        "listing_id",
        "product_name",
        "quantity",
        "amount",
        "name",
        "mobile",
        "address1",
    ),
    signature=("order_id",),
    line_id=("order_id",),
    listing_id=("listing_id",),
    option_id=("option_code", "option_name"),
    skips=(
        Skip("status", _NOT_AWAITING, "주문상태: not awaiting shipment on Naver"),
        Skip("claim", ("취소", "반품", "교환"), "a claim on Naver (클레임)"),
    ),
)
