"""What every list page shares (docs/console.md "Every list"): page and page size, one search
box taking several comma-separated values, a period preset, and the Excel download that follows
the grid (`?format=xlsx`, every result of the filter, not only the page shown)."""

import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from openpyxl import Workbook

KST = ZoneInfo("Asia/Seoul")
PAGE_SIZES = (20, 50, 100, 200)
PRESETS = {"today": "오늘", "7d": "7일", "30d": "30일", "90d": "90일", "all": "전체"}
MAX_EXPORT_ROWS = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ListQuery:
    """A list page's query string, read once and bounded (bad values fall back, never a 500)."""

    page: int = 1
    size: int = 50
    q: str = ""
    preset: str = "7d"
    export: bool = False
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, request: Request, default_preset: str = "7d") -> "ListQuery":
        query = request.query_params
        page = _int(query.get("page"), 1)
        size = _int(query.get("size"), 50)
        preset = query.get("preset") or default_preset
        return cls(
            page=max(page, 1),
            size=size if size in PAGE_SIZES else 50,
            q=(query.get("q") or "").strip()[:500],
            preset=preset if preset in PRESETS else default_preset,
            export=query.get("format") == "xlsx",
            params=tuple(query.multi_items()),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def terms(self) -> list[str]:
        """The search box's values: comma-separated, trimmed, at most 50."""
        return [t.strip() for t in self.q.split(",") if t.strip()][:50]

    def since(self, now: datetime | None = None) -> datetime | None:
        """The period's start (UTC) for the preset; None for 전체. 오늘 starts at KST midnight."""
        now = now or datetime.now(UTC)
        if self.preset == "all":
            return None
        if self.preset == "today":
            local = now.astimezone(KST)
            return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
        return now - timedelta(days=int(self.preset.removesuffix("d")))

    def filters(self) -> dict[str, str | None]:
        """What a service's list takes from this query: the search box (`q`, filtered in the
        service's SQL) and the period (`since`, None for 전체)."""
        since = self.since()
        return {"q": self.q or None, "since": since.isoformat() if since else None}

    def link(self, **changes: Any) -> str:
        """This page's query with some values changed (pager, presets, the Excel link)."""
        merged = dict(self.params)
        merged.pop("format", None)
        for name, value in changes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = str(value)
        return "?" + urlencode(merged)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


async def every_row(
    fetch: Callable[[int, int], Awaitable[Sequence[Any]]],
    page_size: int = 500,
    cap: int = MAX_EXPORT_ROWS,
) -> AsyncIterator[Any]:
    """All rows of an offset-paged service list (for an Excel download), up to `cap`."""
    offset = 0
    while offset < cap:
        rows = await fetch(min(page_size, cap - offset), offset)
        for row in rows:
            yield row
        if len(rows) < page_size:
            return
        offset += len(rows)


def xlsx(
    filename: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Mapping[str, Any]],
    sheet: str = "목록",
) -> Response:
    """An .xlsx download: a header row of the columns' Korean titles, then one row per item,
    values by the columns' keys. Cells that a spreadsheet would run as a formula are kept as
    text (a recipient's name starting with `=` stays a name)."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([title for _, title in columns])
    for row in rows:
        ws.append([_cell(row.get(key)) for key, _ in columns])
    out = io.BytesIO()
    book.save(out)
    stamp = datetime.now(KST).strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}.xlsx"
    return Response(
        out.getvalue(),
        media_type=XLSX,
        headers={
            "content-disposition": f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(name)}"
        },
    )


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and len(value) > 1:
        return "'" + value
    if isinstance(value, datetime):
        return value.astimezone(KST).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}:{v}" for k, v in value.items())
    return value
