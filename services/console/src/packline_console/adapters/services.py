"""The six services' HTTP APIs, called as the signed-in person: a token signed per person
(Ed25519, five minutes, reused while more than a minute of it is left). A service's error
becomes a ServiceProblem with a Korean message saying what to do; a service that does not
answer becomes ServiceDown (the page shows a banner, never a 500)."""

import time
from dataclasses import dataclass
from typing import Any

import httpx

from packline_console.domain.accounts import User
from packline_console.settings import SERVICES, ConsoleSettings
from packline_runtime import tokens

SERVICE_NAMES = {
    "collector": "주문수집",
    "matcher": "매칭",
    "bundler": "합포",
    "allocator": "할당",
    "waybill": "송장",
    "shipper": "배송",
}
REUSE_MARGIN_SECONDS = 60.0

_WHAT_TO_DO = {
    400: "요청 내용을 확인하고 다시 시도하세요.",
    401: "로그인 정보가 확인되지 않았습니다. 로그아웃 후 다시 로그인하세요.",
    403: "이 작업을 할 권한이 없습니다. 대표(소유자) 계정에 요청하세요.",
    404: "찾는 항목이 없습니다. 번호나 선택한 항목을 확인하세요.",
    408: "요청이 너무 오래 걸렸습니다. 다시 시도하세요.",
    409: "다른 작업과 겹쳤습니다. 새로고침한 뒤 다시 시도하세요.",
    413: "파일이나 내용이 너무 큽니다. 나누어 올려 주세요.",
    415: "지원하지 않는 파일 형식입니다. .xlsx, .csv 또는 .txt 파일을 올려 주세요.",
    422: "입력값을 확인하세요.",
    429: "요청이 너무 많습니다. 잠시 후 다시 시도하세요.",
}


class ServiceDown(Exception):
    def __init__(self, service: str) -> None:
        self.service = service
        self.name = SERVICE_NAMES.get(service, service)
        super().__init__(
            f"{self.name} 서비스가 응답하지 않습니다. 잠시 후 새로고침하세요. "
            "계속되면 관리자에게 알려 주세요."
        )


class ServiceProblem(Exception):
    def __init__(self, service: str, status: int, detail: str, body: Any) -> None:
        self.service = service
        self.status = status
        self.detail = detail
        self.body = body
        name = SERVICE_NAMES.get(service, service)
        todo = _WHAT_TO_DO.get(
            status, f"{name} 서비스에 문제가 생겼습니다. 잠시 후 다시 시도하세요."
        )
        said = f" ({detail})" if detail and status < 500 else ""
        super().__init__(f"{name}: {todo}{said}")


@dataclass
class _Cached:
    token: str
    expires: float


class Services:
    def __init__(
        self,
        settings: ConsoleSettings,
        private_pem: str,
        mounts: dict[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        """`mounts`: tests route a service's URL to its app in-process."""
        self._key = tokens.load_private_key(private_pem)
        self._urls = {name: settings.service_url(name) for name in SERVICES}
        self._client = httpx.AsyncClient(timeout=settings.service_timeout_seconds, mounts=mounts)
        self._tokens: dict[tuple[str, str, str], _Cached] = {}

    async def close(self) -> None:
        await self._client.aclose()

    def token_for(self, user: User) -> str:
        caller = tokens.Caller(sub=user.email, seller_id=user.seller_id or "", role=user.role)
        key = (caller.sub, caller.seller_id, caller.role.value)
        now = time.monotonic()
        cached = self._tokens.get(key)
        if cached is None or cached.expires - now < REUSE_MARGIN_SECONDS:
            lifetime = tokens.MAX_LIFETIME
            cached = _Cached(
                tokens.sign(self._key, caller, lifetime=lifetime), now + lifetime.total_seconds()
            )
            self._tokens[key] = cached
        return cached.token

    async def call(self, user: User, service: str, method: str, path: str, **options: Any) -> Any:
        """The JSON answer (`options` as for `raw`; its `expect` lists error statuses whose
        body is returned, not raised)."""
        return _body(await self.raw(user, service, method, path, **options))

    async def raw(
        self,
        user: User,
        service: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (),
    ) -> httpx.Response:
        """The answer itself (a file: label PDF, courier file), errors raised as by `call`."""
        sent = {**(headers or {}), "authorization": f"Bearer {self.token_for(user)}"}
        try:
            answer = await self._client.request(
                method,
                f"{self._urls[service]}{path}",
                params=params,
                json=json,
                content=content,
                headers=sent,
            )
        except httpx.TransportError:
            raise ServiceDown(service) from None
        if answer.status_code in (502, 503, 504):
            raise ServiceDown(service)
        if answer.is_success or answer.status_code in expect:
            return answer
        body = _body(answer)
        detail = body.get("detail", "") if isinstance(body, dict) else ""
        raise ServiceProblem(service, answer.status_code, str(detail)[:300], body)

    async def get(self, user: User, service: str, path: str, **params: Any) -> Any:
        """A GET with these query parameters (those given as None are left out)."""
        given = {name: value for name, value in params.items() if value is not None}
        return await self.call(user, service, "GET", path, params=given or None)

    @property
    def http(self) -> httpx.AsyncClient:
        """The one client, for other HTTP sources (tests route URLs through its mounts)."""
        return self._client

    async def metrics_text(self, service: str) -> str:
        """A service's /metrics (Prometheus text; public, no tenant data, so no token)."""
        try:
            answer = await self._client.get(f"{self._urls[service]}/metrics")
        except httpx.TransportError:
            raise ServiceDown(service) from None
        if not answer.is_success:
            raise ServiceDown(service)
        return answer.text


def _body(answer: httpx.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return {"detail": answer.text[:300]}
