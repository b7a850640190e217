"""What sellers pushed to the simulated marketplaces, per line and call: tests and the demo read
it back through `GET /_sim/pushes` to see that every line got its number once."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PushRecord:
    marketplace: str  # COUPANG (invoice upload) or NAVER (dispatch)
    account: str  # vendorId or client_id
    order_id: str  # shipmentBoxId or productOrderId
    line_id: str  # vendorItemId; the productOrderId again at Naver
    courier_code: str  # the marketplace's own courier code, as sent
    tracking_number: str
    result_code: str  # OK, or the marketplace's refusal
    at: datetime
    call: str = ""  # the marketplace's operation: invoices, updateInvoices, dispatch

    def view(self) -> dict[str, Any]:
        return {
            "marketplace": self.marketplace,
            "account": self.account,
            "order_id": self.order_id,
            "line_id": self.line_id,
            "courier_code": self.courier_code,
            "tracking_number": self.tracking_number,
            "result_code": self.result_code,
            "at": self.at.isoformat(),
            "call": self.call,
        }
