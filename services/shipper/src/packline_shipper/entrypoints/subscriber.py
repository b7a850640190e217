"""Shipper subscription: issued waybills become parcels on the line; cancels stop them; an
address change holds a parcel until the bundle's new waybill replaces it."""

from packline_contracts import (
    CancellationDecided,
    ConsumerGroup,
    OrderCancelled,
    OrderRecipientChanged,
    Shipped,
    Topic,
    WaybillIssued,
)
from packline_runtime.consumer import Subscription
from packline_shipper.service_layer import use_cases


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.SHIPPER,
        topics=(Topic.WAYBILL_ISSUED, Topic.ORDER_CANCELLED, Topic.ORDER_RECIPIENT_CHANGED),
        accepts=(WaybillIssued, OrderCancelled, OrderRecipientChanged),
        handle=use_cases.handle_events,
        description="배송: parcels wait for their scan; a parcel whose orders are all cancelled "
        "is stopped (출고 중지); every cancellation is answered (cancelled, or too late: a "
        "return); a changed address holds it until its new label (재출력).",
        publishes=(Shipped, CancellationDecided),
    )
