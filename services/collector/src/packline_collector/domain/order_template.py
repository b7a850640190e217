"""Packline's own template as one more source of order files, so an unknown file's refusal
lists its required headers beside the marketplaces'."""

from packline_collector.domain.excel_columns import COLUMNS, REQUIRED
from packline_collector.domain.order_files import Source
from packline_contracts import Marketplace

TEMPLATE_SOURCE = Source(
    key="TEMPLATE",
    title="Packline 주문등록 양식 (GET /orders/excel/template)",
    marketplace=Marketplace.OWN_SHOP,  # each row names its own 판매처
    columns={f: (main, *others) for f, (main, others) in COLUMNS.items()},
    required=REQUIRED,
    signature=("marketplace",),
    line_id=(),
    listing_id=("listing_id", "product_name"),
    option_id=("option_id", "option_name"),
)
