"""What the order-work pages (주문수집, 주문등록, 매칭, 합포) share: a service's refusal or
silence as a status and a Korean message, sections that load on their own (one service down
leaves a banner, the rest of the page shows), uploads read with a size cap, and form values
read without a 500."""

from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import UploadFile

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.web import Refused

T = TypeVar("T")
KST = ZoneInfo("Asia/Seoul")
MAX_UPLOAD_BYTES = 20 << 20


def failure(exc: ServiceDown | ServiceProblem) -> tuple[int, str]:
    """The status the page answers with and what the person reads: a service's 4xx passes
    through, its failure is a bad gateway (502), its silence 503; never the console's 500."""
    if isinstance(exc, ServiceDown):
        return 503, str(exc)
    return (exc.status if exc.status < 500 else 502), str(exc)


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
