"""배송's lists, each read from the service that owns it: parcels by status (shipper), the
tracking-number push per marketplace line (collector), 상태 불일치 (collector) and delivery
tracking (waybill). A list names its filter, the filter's values in Korean and its columns."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ListView:
    title: str
    service: str
    path: str
    filter_param: str
    filters: tuple[tuple[str, str], ...]  # ("", "전체") first where the service allows none
    columns: tuple[tuple[str, str], ...]
    searched: tuple[str, ...]  # the fields the service searches for the box's terms

    def chosen(self, value: str | None) -> str:
        known = [key for key, _ in self.filters]
        return value if value in known else known[0]

    def named(self, field: str, value: object) -> object:
        """A filter value shown in Korean (the state column), others unchanged."""
        if field != self.filter_param:
            return value
        return dict(self.filters).get(str(value), value)


VIEWS = {
    "parcels": ListView(
        "출고 현황",
        "shipper",
        "/parcels",
        "status",
        (
            ("READY", "출고대기"),
            ("SHIPPED", "출고완료"),
            ("STOPPED", "출고중지"),
            ("RELABEL", "송장 재발행 필요"),
            ("VOIDED", "송장 폐기"),
        ),
        (
            ("tracking_number", "송장번호"),
            ("courier_code", "택배사"),
            ("status", "상태"),
            ("created_at", "송장 발행일시"),
            ("shipped_at", "출고일시"),
        ),
        ("tracking_number", "courier_code"),
    ),
    "pushes": ListView(
        "송장 전송(판매처)",
        "collector",
        "/tracking-pushes",
        "state",
        (
            ("", "전체"),
            ("FAILED", "전송실패"),
            ("PENDING", "전송대기"),
            ("SENT", "전송완료"),
            ("NOT_APPLICABLE", "전송대상 아님"),
        ),
        (
            ("marketplace", "판매처"),
            ("marketplace_order_id", "주문번호"),
            ("line_id", "라인"),
            ("tracking_number", "송장번호"),
            ("state", "상태"),
            ("attempts", "시도"),
            ("result_code", "판매처 코드"),
            ("result_message", "판매처 메시지"),
            ("last_attempt_at", "마지막 시도"),
        ),
        ("marketplace_order_id", "tracking_number", "result_message"),
    ),
    "mismatches": ListView(
        "상태 불일치",
        "collector",
        "/mismatches",
        "kind",
        (
            ("", "전체"),
            ("SHIPPED_NOT_AT_MARKETPLACE", "출고했는데 판매처 미반영"),
            ("CANCELLED_AFTER_SHIPPING", "출고 후 판매처 취소·반품"),
            ("NUMBER_DIFFERS", "송장번호 다름"),
        ),
        (
            ("marketplace", "판매처"),
            ("marketplace_order_id", "주문번호"),
            ("line_id", "라인"),
            ("kind", "불일치"),
            ("our_tracking_number", "우리 송장번호"),
            ("marketplace_tracking_number", "판매처 송장번호"),
            ("marketplace_status", "판매처 상태"),
            ("detected_at", "발견일시"),
        ),
        ("marketplace_order_id", "our_tracking_number", "marketplace_tracking_number"),
    ),
    "tracking": ListView(
        "배송 추적",
        "waybill",
        "/tracking",
        "state",
        (
            ("", "전체"),
            ("SHIPPED", "출고"),
            ("INFORMATION_RECEIVED", "접수"),
            ("AT_PICKUP", "집하"),
            ("IN_TRANSIT", "배송중"),
            ("OUT_FOR_DELIVERY", "배송출발"),
            ("ATTEMPT_FAIL", "미배달"),
            ("AVAILABLE_FOR_PICKUP", "보관중"),
            ("DELIVERED", "배송완료"),
            ("EXCEPTION", "배송이상"),
            ("UNKNOWN", "미확인"),
        ),
        (
            ("tracking_number", "송장번호"),
            ("courier_code", "택배사"),
            ("state", "배송상태"),
            ("shipped_at", "출고일시"),
            ("picked_up_at", "집하일시"),
            ("delivered_at", "배송완료일시"),
            ("overdue", "집하 지연"),
        ),
        ("tracking_number", "courier_code"),
    ),
}
