"""쿠팡 WING 배송관리 → 주문 목록 엑셀 (DeliveryList): one row per option (vendorItemId) of a
shipment box. Column names from sellers' files and public integrations (2019 to now); 업체상품
아이디 (sellerProductId) is in some downloads only."""

from packline_collector.domain.order_files import Skip, Source
from packline_contracts import Marketplace

SOURCE = Source(
    key="COUPANG_WING",
    title="쿠팡 WING 주문 목록 (DeliveryList)",
    marketplace=Marketplace.COUPANG,
    columns={
        "order_id": ("묶음배송번호",),  # shipmentBoxId: the API adapter's order id
        "order_no": ("주문번호",),
        "option_id": ("옵션ID", "옵션아이디"),  # vendorItemId: line and option id
        "listing_id": ("업체상품 아이디", "등록상품ID", "업체상품ID"),  # sellerProductId
        "product_id": ("노출상품ID",),  # productId: only when sellerProductId is missing
        "product_name": ("등록상품명", "노출상품명(옵션명)"),
        "option_name": ("등록옵션명", "최초등록옵션명"),
        "seller_sku_code": ("업체상품코드",),
        "quantity": ("구매수(수량)", "구매수", "수량"),
        "cancel_count": ("취소수량",),
        "hold_count": ("환불대기수량",),
        "cancelled": ("취소여부",),
        "amount": ("결제액",),
        "shipping_fee": ("배송비",),
        "ordered_at": ("주문일",),
        "paid_at": ("결제일시",),
        "orderer_name": ("구매자",),
        "name": ("수취인이름",),
        "mobile": ("수취인전화번호",),  # the 안심번호, as the API's safeNumber
        "phone": ("수취인 연락처",),
        "postcode": ("우편번호",),
        "address1": ("수취인 주소",),  # addr1 and addr2 in one cell
        "message": ("배송메세지", "배송메시지"),
    },
    required=(
        "order_id",
        "order_no",
        "option_id",
        "product_name",
        "quantity",
        "amount",
        "name",
        "mobile",
        "address1",
    ),
    signature=("order_id", "option_id", "product_id"),
    line_id=("option_id",),
    listing_id=("listing_id", "product_id"),
    option_id=("option_id",),
    subtract=("cancel_count", "hold_count"),
    skips=(Skip("cancelled", ("y", "true"), "취소여부 Y: cancelled on Coupang"),),
)
