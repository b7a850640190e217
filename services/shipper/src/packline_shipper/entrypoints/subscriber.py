"""Shipper subscription: issued waybills become parcels on the line; cancels stop them."""

from packline_contracts import ConsumerGroup, OrderCancelled, Shipped, Topic, WaybillIssued
from packline_runtime.consumer import Subscription
from packline_shipper.service_layer import use_cases


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.SHIPPER,
        topics=(Topic.WAYBILL_ISSUED, Topic.ORDER_CANCELLED),
        accepts=(WaybillIssued, OrderCancelled),
        handle=use_cases.handle_events,
        description="배송: parcels wait for their scan; a parcel whose orders are all cancelled "
        "is stopped (출고 중지).",
        publishes=(Shipped,),
    )
