"""The built-in courier templates (TEMPLATES), one per courier Packline exports to by file.

CJ대한통운's and 우체국's headers are as recorded in domain.md § Couriers. 롯데, 한진 and 로젠
headers here are common Korean headers, not checked against those couriers' current forms:
the seller adjusts a copy when their branch's form differs.
"""

from packline_waybill.courier_files.templates import Column, Template

C = Column

CJGLS = Template(
    key="CJGLS",
    courier_code="CJGLS",
    name="CJ대한통운 (표준 엑셀)",
    columns=(
        C("받는분성명", "recipient_name"),
        C("받는분전화번호", "phone"),
        C("받는분기타연락처", "mobile"),
        C("받는분우편번호", "postcode"),
        C("받는분주소(전체, 분할)", "address_full"),
        C("운송장번호", "tracking_number"),
        C("고객주문번호", "reference"),
        C("품목명", "item_summary"),
        C("내품수량", "item_quantity"),
        C("박스수량", "box_count", "1"),
        C("박스타입", "box_type", "극소"),
        C("배송메세지1", "message"),
        C("운임구분", "freight", "신용"),
        C("보내는분성명", "sender_name"),
        C("보내는분전화번호", "sender_phone"),
        C("보내는분주소(전체, 분할)", "sender_address"),
    ),
    reference_header="고객주문번호",
    number_header="운송장번호",
)

HYUNDAI = Template(
    key="HYUNDAI",
    courier_code="HYUNDAI",
    name="롯데택배",
    columns=(
        C("주문번호", "reference"),
        C("운송장번호", "tracking_number"),
        C("받는분", "recipient_name"),
        C("받는분전화", "phone"),
        C("받는분핸드폰", "mobile"),
        C("우편번호", "postcode"),
        C("주소", "address_base"),
        C("상세주소", "address_detail"),
        C("상품명", "item_summary"),
        C("수량", "item_quantity"),
        C("배송메세지", "message"),
        C("운임구분", "freight", "신용"),
        C("보내는분", "sender_name"),
        C("보내는분전화", "sender_phone"),
        C("보내는분주소", "sender_address"),
    ),
    reference_header="주문번호",
    number_header="운송장번호",
)

HANJIN = Template(
    key="HANJIN",
    courier_code="HANJIN",
    name="한진택배",
    columns=(
        C("고객주문번호", "reference"),
        C("운송장번호", "tracking_number"),
        C("수하인명", "recipient_name"),
        C("수하인전화번호", "phone"),
        C("수하인휴대폰", "mobile"),
        C("수하인우편번호", "postcode"),
        C("수하인주소", "address_full"),
        C("품명", "item_summary"),
        C("수량", "item_quantity"),
        C("박스수량", "box_count", "1"),
        C("배송메세지", "message"),
        C("운임구분", "freight", "신용"),
        C("송하인명", "sender_name"),
        C("송하인전화번호", "sender_phone"),
        C("송하인주소", "sender_address"),
    ),
    reference_header="고객주문번호",
    number_header="운송장번호",
)

EPOST = Template(
    key="EPOST",
    courier_code="EPOST",
    name="우체국택배",
    columns=(
        C("수취인명", "recipient_name"),
        C("수취인 우편번호", "postcode"),
        C("수취인 주소", "address_full"),
        C("수취인 이동통신", "mobile"),
        C("수취인 전화번호", "phone"),
        C("상품명", "item_summary"),
        C("수량", "item_quantity"),
        C("배송 메시지", "message"),
        C("주문번호", "reference"),
        C("등기번호", "tracking_number", aliases=("운송장번호",)),
    ),
    reference_header="주문번호",
    number_header="등기번호",
)

KGB = Template(
    key="KGB",
    courier_code="KGB",
    name="로젠택배",
    columns=(
        C("수하인명", "recipient_name"),
        C("수하인주소", "address_full"),
        C("수하인전화", "phone"),
        C("수하인핸드폰", "mobile"),
        C("우편번호", "postcode"),
        C("물품명", "item_summary"),
        C("수량", "item_quantity"),
        C("택배운임", "freight", "신용"),
        C("배송메세지", "message"),
        C("주문번호", "reference"),
        C("운송장번호", "tracking_number"),
    ),
    reference_header="주문번호",
    number_header="운송장번호",
)

TEMPLATES: dict[str, Template] = {t.key: t for t in (CJGLS, HYUNDAI, HANJIN, EPOST, KGB)}
