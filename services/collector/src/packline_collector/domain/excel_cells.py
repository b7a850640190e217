"""Reading one spreadsheet cell: what Excel does to ids, phones and postcodes is repaired when
it is certain and refused when it is not."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_DIGITS = re.compile(r"\D")
EXACT_DIGITS = 15  # Excel keeps 15 significant digits; a longer number cell was rounded


class CellError(ValueError):
    """What is wrong with a cell and what to do; never the cell's value (it may be personal)."""


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def identifier(value: Any) -> str:
    """An order id: text as written; a number cell only if Excel cannot have rounded it."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("a number with decimals, not an order id; format the column as text")
        digits = str(int(value))
        if len(digits) > EXACT_DIGITS or (len(digits) >= 10 and digits.endswith("0000")):
            raise CellError(
                "Excel rounded this long number; format the column as text (텍스트) and paste the ids again"
            )
        return digits
    found = text(value)
    if _SCIENTIFIC.match(found):
        raise CellError(
            "looks like 5.21853E+11: Excel rounded the id; format the column as text and paste the ids again"
        )
    return found


def phone(value: Any) -> tuple[str, str]:
    """(number, note). A number that lost its leading 0 (10-1234-5678 → 1012345678) gets it
    back, with a note; anything else that is not a Korean number is refused."""
    raw = text(value)
    digits = _DIGITS.sub("", raw)
    if not digits:
        return "", ""
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    note = ""
    if len(digits) == 8 and digits[:2] in ("15", "16", "18"):  # 1588-xxxx style 대표번호
        return raw, ""
    if not digits.startswith("0") and len(digits) in (8, 9, 10, 11):
        digits, note = "0" + digits, "leading 0 restored (Excel dropped it)"
    if not digits.startswith("0") or not 9 <= len(digits) <= 12:
        raise CellError("not a Korean phone number (010-1234-5678, 02-123-4567, 0503-1234-5678)")
    return (raw if raw.startswith("0") and not note else digits), note


def postcode(value: Any) -> tuple[str, str]:
    raw = text(value)
    digits = _DIGITS.sub("", raw)
    if not raw:
        return "", ""
    if len(digits) == 4 and raw.isdigit():
        return "0" + digits, "leading 0 restored (Excel dropped it)"
    if len(digits) == 5 and raw.replace(" ", "").isdigit():
        return digits, ""
    if len(digits) == 6:  # the pre-2015 form, kept as sent
        return f"{digits[:3]}-{digits[3:]}", ""
    raise CellError("a postcode has 5 digits (06236), or the old form 135-984")


def whole(value: Any, minimum: int) -> int:
    if isinstance(value, bool) or value is None or text(value) == "":
        raise CellError("empty; a whole number is needed")
    found = text(value).replace(",", "")
    if (isinstance(value, float) and not value.is_integer()) or not found.lstrip("-").isdigit():
        raise CellError("not a whole number")
    if int(found) < minimum:
        raise CellError(f"must be at least {minimum}")
    return int(found)


def moment(value: Any, default: datetime) -> datetime:
    if value is None or text(value) == "":
        return default
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SEOUL)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SEOUL)
    try:
        found = datetime.fromisoformat(text(value).replace("/", "-").replace(".", "-"))
    except ValueError as exc:
        raise CellError("not a date and time (2026-11-28 10:15)") from exc
    return found if found.tzinfo else found.replace(tzinfo=SEOUL)
