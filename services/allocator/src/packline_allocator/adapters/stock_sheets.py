"""재고 업로드 files, read and templated through packline_sheets (.xlsx, or .csv in UTF-8 or
CP949); which columns mean what and which rows are broken is domain/stock_sheet.py's."""

from packline_sheets import Column, UnreadableFile, read
from packline_sheets import template as sheet_template

from packline_allocator.domain.stock_sheet import HEADERS

__all__ = ["UnreadableFile", "read", "template"]


def template() -> bytes:
    """The header row sellers fill in (the code column as text, so Excel keeps leading zeros)
    and a guide sheet."""
    columns = [
        Column("상품코드", required=True, text=True, width=20),
        Column("수량", required=True, width=20),
        Column("메모", width=20),
    ]
    guide = [
        ["상품코드", "예", "also read as: " + ", ".join(HEADERS["sku"])],
        [
            "수량",
            "예",
            "입고·조정·반품 재입고: 늘거나 줄어든 수량 (+/-); 실사: 센 재고 수량. "
            "also read as: " + ", ".join(HEADERS["quantity"]),
        ],
        ["메모", "", "also read as: " + ", ".join(HEADERS["note"])],
    ]
    return sheet_template("재고업로드", columns, guide)
