"""Request bodies have a size limit and a deadline, for every route of every service.

A pure ASGI middleware: a declared Content-Length over the limit is answered 413 before a byte
of the body is read; a chunked body is counted while it streams and stopped (413) when it passes
the limit; a body that has not finished arriving when the deadline passes is answered 408. JSON
bodies get the small limit, anything else (an .xlsx or .csv upload, JSON lines) the large one.
A NUL character in the path, the query or a JSON body is refused (422): PostgreSQL text cannot
hold it, and no field of ours has a use for it.
"""

import asyncio
import re
import time
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from packline_runtime import problems

NUL_REFUSED = "text must not contain the NUL character (\\u0000)"
# a JSON string escape for NUL, not preceded by an escaping backslash
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class BodyLimits:
    def __init__(
        self, app: ASGIApp, *, json_bytes: int, upload_bytes: int, timeout_seconds: float
    ) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes
        self.timeout_seconds = timeout_seconds

    def limit_for(self, scope: Scope) -> int:
        return self.json_bytes if _is_json(_header(scope, b"content-type")) else self.upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")) or "\x00" in scope.get(
            "path", ""
        ):
            await problems.response(422, NUL_REFUSED)(scope, receive, send)
            return
        json_body = _is_json(_header(scope, b"content-type"))
        tail = b""
        limit = self.limit_for(scope)
        too_large = f"the request body is larger than {limit:,} bytes; split it"
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await problems.response(400, "Content-Length is not a number")(scope, receive, send)
                return
            if int(declared) > limit:
                await problems.response(413, too_large)(scope, receive, send)
                return
        deadline = time.monotonic() + self.timeout_seconds
        received = 0
        complete = False

        async def limited_receive() -> Message:
            nonlocal received, complete, tail
            if complete:  # after the body only a disconnect can come; it has no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(asyncio.get_running_loop().time() + _left(deadline)):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(
                    408, f"the request body did not arrive within {self.timeout_seconds:g} s"
                ) from None
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise HTTPException(413, too_large)
                if json_body and _JSON_NUL.search(tail + chunk):
                    raise HTTPException(422, NUL_REFUSED)
                tail = chunk[-8:]
                complete = not message.get("more_body", False)
            return message

        watched = problems.WatchedSend(send)
        try:
            await self.app(scope, limited_receive, watched)
        except HTTPException as exc:  # raised by limited_receive where no route caught it
            if watched.started or exc.status_code not in (408, 413, 422):
                raise
            await problems.response(exc.status_code, str(exc.detail))(scope, receive, send)


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())
