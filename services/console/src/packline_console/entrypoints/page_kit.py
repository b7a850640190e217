"""What the 할당 · 송장 · 배송 · CS pages share: a service read whose failure becomes a banner
(the rest of the page still shows), a change's failure as a status and a Korean message, lists
paged by the service or searched here, and the "code,quantity" lines sellers paste."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.listing import ListQuery, every_row

T = TypeVar("T")
Fetch = Callable[[int, int], Awaitable[list[dict[str, Any]]]]
MAX_LINES = 10_000


async def read(banners: list[str], call: Awaitable[T], default: T) -> T:
    """The service's answer, or `default` and a banner saying which service failed."""
    try:
        return await call
    except (ServiceDown, ServiceProblem) as exc:
        banners.append(str(exc))
        return default


def failure(exc: ServiceDown | ServiceProblem) -> tuple[int, str]:
    """The status and message a refused change is answered with (a service's 5xx is a 502)."""
    if isinstance(exc, ServiceDown):
        return 503, str(exc)
    return (exc.status if exc.status < 500 else 502), str(exc)


def items(answer: Any) -> list[dict[str, Any]]:
    """The `items` of a service's page (an empty list when the answer is not one)."""
    found = answer.get("items") if isinstance(answer, dict) else None
    return [row for row in found if isinstance(row, dict)] if isinstance(found, list) else []


async def listed(
    fetch: Fetch, lq: ListQuery, fields: Callable[[dict[str, Any]], Sequence[Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """One page of rows and whether a next page exists: paged by the service, or, with search
    terms (the services take none), every row read and the terms matched here."""
    if not lq.terms:
        rows = await fetch(lq.size + 1, lq.offset)
        return rows[: lq.size], len(rows) > lq.size
    found = await every(fetch, lq, fields)
    return found[lq.offset : lq.offset + lq.size], len(found) > lq.offset + lq.size


async def every(
    fetch: Fetch, lq: ListQuery, fields: Callable[[dict[str, Any]], Sequence[Any]]
) -> list[dict[str, Any]]:
    """Every row the search matches (the Excel download)."""
    return [row async for row in every_row(fetch) if lq.matches(*fields(row))]


def for_excel(row: Mapping[str, Any], named: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """A service's row as a spreadsheet shows it: times (`*_at`) as times (the download writes
    them in KST), coded values in the Korean the page shows (`named`: field → code → word)."""
    shown: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_at") and isinstance(value, str) and value:
            shown[key] = datetime.fromisoformat(value)
        elif key in named:
            shown[key] = named[key].get(str(value), value)
        else:
            shown[key] = value
    return shown


def quantity_lines(text: str, what: str) -> tuple[list[tuple[str, int]], list[str]]:
    """Lines of `code,quantity` (a comma or a tab between; a header line is skipped). Errors
    name the line and what to fix."""
    pairs: list[tuple[str, int]] = []
    errors: list[str] = []
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        return [], [f"한 번에 {MAX_LINES:,}줄까지 올릴 수 있습니다. 나누어 올려 주세요."]
    for number, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.replace("\t", ",").split(",")]
        if not any(cells):
            continue
        if len(cells) != 2 or not cells[0]:
            errors.append(f"{number}번째 줄: '{what},수량' 두 칸이어야 합니다.")
            continue
        if not cells[1].isdigit():
            if number == 1 and not pairs:  # a header such as 'SKU,수량'
                continue
            errors.append(f"{number}번째 줄: 수량은 0 이상의 정수여야 합니다 ({cells[1][:20]}).")
            continue
        pairs.append((cells[0], int(cells[1])))
    if not pairs and not errors:
        errors.append(f"입력된 줄이 없습니다. 한 줄에 '{what},수량'을 적어 주세요.")
    return pairs, errors


def decoded(content: bytes) -> str:
    """An uploaded text file: UTF-8 (with or without BOM), else CP949 (Excel's Korean CSV)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp949", errors="replace")
