"""11st seller Open API over httpx: GET calls with the `openapikey` header answering XML, decoded
by the XML declaration (else the Content-Type charset, else UTF-8; EUC-KR read as CP949) and
parsed with the stdlib parser after refusing any DTD, so no entity is ever expanded. 11st
answers refusals with HTTP 200 and `<result_code>`: -1 with "OpenAPI Key" is a wrong key."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from packline_collector.adapters.http_retry import (
    AuthenticationFailed,
    MarketplaceError,
    MarketplaceUnavailable,
    RetryPolicy,
    send,
)

SEOUL = ZoneInfo("Asia/Seoul")
ORD, CLAIM = "/rest/ordservices", "/rest/claimservice"
MAX_ORDER_NUMBERS = 100  # orderlistalladdr: ordNo per call
Row = dict[str, str]
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_KOREAN = {"euc-kr", "euckr", "ks_c_5601-1987", "ksc5601", "cp949", "x-windows-949", "ms949"}


def stamp(moment: datetime) -> str:
    """11st's `YYYYMMDDhhmm`, Seoul time."""
    return moment.astimezone(SEOUL).strftime("%Y%m%d%H%M")


def decode(data: bytes, content_type: str) -> str:
    """The document's text: its own declaration first (that is what 11st keeps right), then the
    Content-Type's charset; EUC-KR is read as CP949, which 11st really writes."""
    found = _DECLARED.match(data)
    charset = found.group(1).decode().lower() if found else ""
    if not charset:
        named = re.search(r"charset\s*=\s*([A-Za-z0-9._-]+)", content_type, re.IGNORECASE)
        charset = named.group(1).lower() if named else "utf-8"
    codec = "cp949" if charset in _KOREAN else charset
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError) as exc:
        raise ValueError(f"not readable as {charset} ({exc})") from None


def parse(text: str) -> ET.Element:
    # a DTD is how entities (and their expansion) get in: 11st never sends one, so refuse it
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("the answer carries a DTD, which is refused")
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)  # str input: no encoding to apply
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"malformed XML ({exc})") from None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def rows(root: ET.Element) -> list[Row]:
    """Each `<order>` as {element: text}; an empty element reads "", the first of a repeated
    element wins."""
    found = []
    for element in root.iter():
        if local(element.tag) != "order":
            continue
        row: Row = {}
        for child in element:
            row.setdefault(local(child.tag), (child.text or "").strip())
        found.append(row)
    return found


def result(root: ET.Element) -> tuple[str, str]:
    """(result_code, result_text) of the document, ("", "") when it has none."""
    code = text = ""
    for element in root.iter():
        name = local(element.tag)
        if name in ("result_code", "resultCode") and not code:
            code = (element.text or "").strip()
        elif name in ("result_text", "resultMessage") and not text:
            text = (element.text or "").strip()
    return code, text


class ElevenstClient:
    def __init__(
        self, http: httpx.AsyncClient, base_url: str, api_key: str, who: str, policy: RetryPolicy
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._key = api_key
        self.who = who
        self._policy = policy

    async def _get(self, path: str, what: str) -> ET.Element:
        def build() -> httpx.Request:
            return self._http.build_request(
                "GET", f"{self._base}{path}", headers={"openapikey": self._key}
            )

        response = await send(self._http, build, who=self.who, what=what, policy=self._policy)
        try:
            root = parse(decode(response.content, response.headers.get("content-type", "")))
        except ValueError as exc:
            raise MarketplaceError(f"{self.who}: {what} answered unreadably: {exc}") from None
        code, text = result(root)
        if "OpenAPI Key" in text or code == "-997":
            raise AuthenticationFailed(f"{self.who}: {what} was refused ({code}: {text})")
        if code == "-1000":
            raise MarketplaceUnavailable(f"{self.who}: {what}: 11st is in maintenance ({text})")
        return root

    async def _listed(self, path: str, what: str) -> list[Row]:
        root = await self._get(path, what)
        found = rows(root)
        code, text = result(root)
        if not found and code not in ("", "0"):
            raise MarketplaceError(f"{self.who}: {what} was refused ({code}: {text})")
        return found

    async def paid(self, start: datetime, end: datetime) -> list[Row]:
        """발주확인할 내역 (결제완료 목록) paid in [start, end] (≤7 days)."""
        return await self._listed(
            f"{ORD}/complete/{stamp(start)}/{stamp(end)}", "reading paid orders"
        )

    async def packaging(self, start: datetime, end: datetime) -> list[Row]:
        """발송처리할 내역 (배송준비중 목록) in [start, end] (≤7 days)."""
        return await self._listed(
            f"{ORD}/packaging/{stamp(start)}/{stamp(end)}", "reading confirmed orders"
        )

    async def cancel_requests(self, start: datetime, end: datetime) -> list[Row]:
        """주문취소 요청 목록 made in [start, end] (≤30 days)."""
        return await self._listed(
            f"{CLAIM}/cancelorders/{stamp(start)}/{stamp(end)}", "reading cancel requests"
        )

    async def statuses(self, ord_nos: list[str]) -> list[Row]:
        """주문번호별 배송정보: every line of these orders, 100 orders a call."""
        found: list[Row] = []
        for i in range(0, len(ord_nos), MAX_ORDER_NUMBERS):
            batch = ",".join(quote(n, safe="") for n in ord_nos[i : i + MAX_ORDER_NUMBERS])
            found += await self._listed(f"{CLAIM}/orderlistalladdr/{batch}", "reading statuses")
        return found

    async def confirm(self, row: Row) -> tuple[str, str]:
        """발주확인 of one line; (result_code, result_text), "0" when done."""
        parts = (
            row["ordNo"],
            row["ordPrdSeq"],
            row.get("addPrdYn") or "N",
            row.get("addPrdNo") or "null",
            row["dlvNo"],
        )
        path = f"{ORD}/reqpackaging/" + "/".join(quote(p, safe="") for p in parts)
        return result(await self._get(path, f"confirming order {row['ordNo']}"))

    async def deliver(
        self, dlv_no: str, courier: str, invoice: str, sent_at: datetime
    ) -> tuple[str, str]:
        """발송처리 (택배, dlvMthdCd 01) of every line of a dlvNo; (result_code, result_text)."""
        parts = (stamp(sent_at), "01", courier, invoice, dlv_no)
        path = f"{ORD}/reqdelivery/" + "/".join(quote(p, safe="") for p in parts)
        return result(await self._get(path, f"sending dlvNo {dlv_no}"))
