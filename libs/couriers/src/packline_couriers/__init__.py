"""Courier codes and tracking-number rules (송장번호), shared by waybill and shipper."""

from packline_couriers.couriers import (
    CHANNELS,
    COURIERS,
    Channel,
    Courier,
    UnknownChannelCode,
    channel_code,
    courier_for_channel_code,
)
from packline_couriers.tracking import (
    InvalidTrackingNumber,
    check_digit_mod7,
    normalise_tracking_number,
    validate_tracking_number,
)

__all__ = [
    "CHANNELS",
    "COURIERS",
    "Channel",
    "Courier",
    "InvalidTrackingNumber",
    "UnknownChannelCode",
    "channel_code",
    "check_digit_mod7",
    "courier_for_channel_code",
    "normalise_tracking_number",
    "validate_tracking_number",
]
