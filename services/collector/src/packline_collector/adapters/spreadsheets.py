"""주문 일괄등록 files, read and templated through packline_sheets (.xlsx, or .csv in UTF-8 or
CP949); which columns mean what is domain/excel_columns.py's."""

from packline_sheets import Column, UnreadableFile, read, read_grid
from packline_sheets import template as sheet_template
from packline_sheets import template_csv as sheet_template_csv

from packline_collector.domain.excel_columns import COLUMNS, REQUIRED, TEMPLATE

__all__ = ["UnreadableFile", "read", "read_grid", "template", "template_csv"]

TEXT_COLUMNS = ("order_id", "mobile", "phone", "postcode", "listing_id", "option_id")


def _columns() -> list[Column]:
    return [Column(COLUMNS[f][0], required=f in REQUIRED, text=f in TEXT_COLUMNS) for f in TEMPLATE]


def template() -> bytes:
    """The header row sellers fill in; id, phone and postcode columns are formatted as text so
    Excel neither rounds ids nor drops leading zeros."""
    guide = [
        [COLUMNS[f][0], "예" if f in REQUIRED else "", "also read as: " + ", ".join(COLUMNS[f][1])]
        for f in TEMPLATE
    ]
    return sheet_template("주문등록", _columns(), guide)


def template_csv() -> bytes:
    return sheet_template_csv(_columns())
