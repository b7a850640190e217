"""What the work pages share: a service's refusal or silence as a status and a Korean message,
sections that load on their own (one service down leaves a banner, the rest of the page shows),
lists paged and searched by the services, uploads read with a size cap, form values read
without a 500, and the "code,quantity" lines sellers paste."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import UploadFile
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.listing import ListQuery, every_row
from packline_console.entrypoints.web import Answered, Refused

T = TypeVar("T")
KST = ZoneInfo("Asia/Seoul")
MAX_UPLOAD_BYTES = 20 << 20
Fetch = Callable[[int, int], Awaitable[list[dict[str, Any]]]]
MAX_LINES = 10_000


def failure(exc: ServiceDown | ServiceProblem) -> tuple[int, str]:
    """The status the page answers with and what the person reads: a service's 4xx passes
    through, its failure is a bad gateway (502), its silence 503; never the console's 500."""
    if isinstance(exc, ServiceDown):
        return 503, str(exc)
    return (exc.status if exc.status < 500 else 502), str(exc)


Failed = Callable[[ServiceDown | ServiceProblem], Awaitable[Response]]


async def attempt(call: Awaitable[T], failed: Failed, missing: str | None = None) -> T:
    """A change's call to a service. When the service refuses or is silent, the page answers
    `failed(exc)` (the form again, with the reason); a 404 is `missing` when one is given (the
    thing changed is gone: a Korean 404 page)."""
    try:
        return await call
    except ServiceProblem as exc:
        if missing is not None and exc.status == 404:
            raise Refused(404, missing) from None
        raise Answered(await failed(exc)) from None
    except ServiceDown as exc:
        raise Answered(await failed(exc)) from None


def field_errors(exc: ServiceProblem) -> list[str]:
    """A service's 422 names fields (`errors`: loc and msg): shown as "field: problem"."""
    body = exc.body if isinstance(exc.body, dict) else {}
    found = body.get("errors")
    if not isinstance(found, list):
        return []
    shown = []
    for e in found[:20]:
        if isinstance(e, dict):
            loc = [str(p) for p in e.get("loc", []) if p not in ("body", "query")]
            shown.append(f"{'.'.join(loc)}: {e.get('msg', '')}")
    return shown


def row_errors(exc: ServiceProblem) -> list[dict[str, Any]]:
    """An upload's 422 lists problems per row (`rows`: row, column, problem)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    found = body.get("rows")
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def expected_headers(exc: ServiceProblem) -> dict[str, list[str]]:
    """An unknown file's 422 lists each source's required headers (`expected`)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("detail") if isinstance(body.get("detail"), dict) else {}
    found = body.get("expected", inner.get("expected") if isinstance(inner, dict) else None)
    if not isinstance(found, dict):
        return {}
    return {str(k): [str(h) for h in v] for k, v in found.items() if isinstance(v, list)}


@dataclass
class Sections:
    """Loads a page's parts one by one: a part whose service fails is None and a banner."""

    banners: list[str] = field(default_factory=list)

    async def load(self, call: Awaitable[T]) -> T | None:
        try:
            return await call
        except (ServiceDown, ServiceProblem) as exc:
            if str(exc) not in self.banners:
                self.banners.append(str(exc))
            return None


async def upload_bytes(upload: UploadFile, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise Refused(413, f"파일이 너무 큽니다({limit >> 20}MB까지). 나누어 올려 주세요.")
    if not content:
        raise Refused(400, "빈 파일입니다. 내용이 있는 파일을 올려 주세요.")
    return content


def kst_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Refused(422, f"{what}: 날짜를 YYYY-MM-DD 형식으로 입력하세요.") from None


def kst_moment(value: str, what: str) -> datetime:
    """A `datetime-local` field (Seoul time, no offset) as an aware moment."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Refused(422, f"{what}: 날짜와 시각을 입력하세요 (예: 2026-03-02T09:00).") from None
    return moment.replace(tzinfo=KST) if moment.tzinfo is None else moment


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), KST)


def whole(value: str, what: str, low: int = 0) -> int:
    try:
        number = int(value.strip().replace(",", ""))
    except ValueError:
        raise Refused(422, f"{what}: 숫자를 입력하세요.") from None
    if number < low:
        raise Refused(422, f"{what}: {low} 이상이어야 합니다.")
    return number


async def read(banners: list[str], call: Awaitable[T], default: T) -> T:
    """The service's answer, or `default` and a banner saying which service failed."""
    try:
        return await call
    except (ServiceDown, ServiceProblem) as exc:
        banners.append(str(exc))
        return default


def items(answer: Any) -> list[dict[str, Any]]:
    """The `items` of a service's page (an empty list when the answer is not one)."""
    found = answer.get("items") if isinstance(answer, dict) else None
    return [row for row in found if isinstance(row, dict)] if isinstance(found, list) else []


async def listed(fetch: Fetch, lq: ListQuery) -> tuple[list[dict[str, Any]], bool]:
    """One page of rows and whether a next page exists. `fetch` sends the search box's `q` to
    the service, which filters in its SQL before it pages."""
    rows = await fetch(lq.size + 1, lq.offset)
    return rows[: lq.size], len(rows) > lq.size


async def every(fetch: Fetch) -> list[dict[str, Any]]:
    """Every row the service's search returns (the Excel download), up to the export cap."""
    return [row async for row in every_row(fetch)]


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
