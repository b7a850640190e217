"""Courier codes and tracking-number rules (송장번호), shared by waybill and shipper."""

from packline_couriers.tracking import (
    COURIERS,
    Courier,
    InvalidTrackingNumber,
    check_digit_mod7,
    normalise_tracking_number,
    validate_tracking_number,
)

__all__ = [
    "COURIERS",
    "Courier",
    "InvalidTrackingNumber",
    "check_digit_mod7",
    "normalise_tracking_number",
    "validate_tracking_number",
]
