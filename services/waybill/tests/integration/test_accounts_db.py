"""Courier accounts against real PostgreSQL and over HTTP: secrets sealed at rest, bands that
never overlap, claims that never hand out a serial twice, and other sellers' accounts unseen."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from packline_launcher.testing_http import guarded_app
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.secret_box import SecretBox, SecretError, decode_key, new_key
from packline_waybill.bootstrap import MIGRATIONS
from packline_waybill.domain.numbers import BandExhausted
from packline_waybill.entrypoints.http_accounts import router
from packline_waybill.service_layer import accounts

SECRET = "hanjin-secret-7f3a9c"
SENDER = {
    "name": "패킹라인",
    "phone": "02-123-4567",
    "address": "서울 중구 세종대로 1",
    "postcode": "04524",
}


@dataclass
class Runtime:
    pool: asyncpg.Pool


@dataclass
class Api:
    pool: asyncpg.Pool
    http: httpx.AsyncClient
    box: SecretBox | None
    tokens: TestTokens

    def person(self, seller: str = "s1", sub: str = "kim") -> dict[str, str]:
        """Headers of an owner of `seller` (the client's own: kim, owner of s1)."""
        return self.tokens.headers(seller, sub=sub)

    async def account(self, seller: str = "s1", **fields: Any) -> dict[str, Any]:
        body = {
            "seller_id": seller,
            "courier_code": "HYUNDAI",
            "name": "롯데 본점",
            "method": "BAND",
            "sender": SENDER,
            "by": "kim",
            **fields,
        }
        answer = await self.http.post("/courier-accounts", json=body, headers=self.person(seller))
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def band(self, account_id: int, start: int, end: int, **more: Any) -> httpx.Response:
        return await self.http.post(
            f"/courier-accounts/{account_id}/bands",
            params={"seller_id": "s1"},
            json={"start": start, "end": end, "by": "kim", **more},
        )


async def _api(new_schema: Any, box: SecretBox | None, tokens: TestTokens) -> AsyncIterator[Api]:
    pool = await new_schema(MIGRATIONS, prefix="wac")
    app = guarded_app(router(Runtime(pool), box))
    transport = httpx.ASGITransport(app=app)
    headers = tokens.headers("s1", sub="kim")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://waybill", headers=headers
    ) as http:
        yield Api(pool, http, box, tokens)


@pytest.fixture
async def api(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Api]:
    async for each in _api(new_schema, SecretBox(decode_key(new_key())), service_tokens):
        yield each


@pytest.fixture
async def keyless(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Api]:
    async for each in _api(new_schema, None, service_tokens):
        yield each


API_ACCESS = {"base_url": "https://api.hanjin.test", "key_id": "HJ-1", "secret": SECRET}


async def test_an_api_secret_is_sealed_at_rest_never_shown_and_opens_for_the_lead(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    made = await api.account(courier_code="HANJIN", name="한진 API", method="API", api=API_ACCESS)
    assert made["api"] == {
        "base_url": "https://api.hanjin.test",
        "key_id": "HJ-1",
        "secret_stored": True,
    }
    shown = await api.http.get(
        f"/courier-accounts/{made['account_id']}", params={"seller_id": "s1"}
    )
    listed = await api.http.get("/courier-accounts", params={"seller_id": "s1"})
    assert SECRET not in shown.text + listed.text
    assert SECRET not in caplog.text  # nor logged, at any level
    async with api.pool.acquire() as conn:
        stored = await conn.fetchval("SELECT api_secret FROM courier_accounts")
        everything = await conn.fetchval("SELECT string_agg(t::text, '') FROM courier_accounts t")
        assert await accounts.account_for(conn, "s1", api.box) is None  # no default chosen yet
    assert SECRET.encode() not in stored and SECRET not in everything
    put = await api.http.put(
        "/waybill-settings",
        json={"seller_id": "s1", "default_account_id": made["account_id"], "by": "kim"},
    )
    assert put.status_code == 200, put.text
    async with api.pool.acquire() as conn:
        account = await accounts.account_for(conn, "s1", api.box)
        assert account is not None and account.api is not None
        assert (account.account_id, account.api.secret) == (made["account_id"], SECRET)
        other_key = SecretBox(decode_key(new_key()))
        with pytest.raises(SecretError, match=r"sealed with key id .* PACKLINE_SECRETS_KEY") as e:
            await accounts.account_for(conn, "s1", other_key)
        assert SECRET not in str(e.value)


async def test_the_api_method_without_api_access_is_422(api: Api) -> None:
    answer = await api.http.post(
        "/courier-accounts",
        json={
            "seller_id": "s1",
            "courier_code": "HANJIN",
            "name": "한진",
            "method": "API",
            "sender": SENDER,
            "by": "kim",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"loc": ["body", "api"], "msg": "method API needs api access (base_url, key_id, secret)"}
    ]


async def test_bad_account_input_is_a_specific_4xx(api: Api) -> None:
    unknown = await api.http.post(
        "/courier-accounts",
        json={
            "seller_id": "s1",
            "courier_code": "LOTTE",
            "name": "x",
            "method": "FILE",
            "sender": SENDER,
            "by": "kim",
        },
    )
    assert unknown.status_code == 422 and "unknown courier code 'LOTTE'" in unknown.text
    nul = await api.http.post(
        "/courier-accounts",
        json={
            "seller_id": "s1",
            "courier_code": "CJGLS",
            "name": "a\x00b",
            "method": "FILE",
            "sender": SENDER,
            "by": "kim",
        },
    )
    assert nul.status_code == 422 and nul.json()["errors"][0]["loc"] == ["body", "name"]
    await api.account(name="CJ")
    again = await api.http.post(
        "/courier-accounts",
        json={
            "seller_id": "s1",
            "courier_code": "CJGLS",
            "name": "CJ",
            "method": "FILE",
            "sender": SENDER,
            "by": "kim",
        },
    )
    assert again.status_code == 409 and "already has a courier account named 'CJ'" in again.text


async def test_storing_a_secret_without_a_key_says_how_to_make_one(keyless: Api) -> None:
    answer = await keyless.http.post(
        "/courier-accounts",
        json={
            "seller_id": "s1",
            "courier_code": "HANJIN",
            "name": "한진",
            "method": "API",
            "sender": SENDER,
            "api": API_ACCESS,
            "by": "kim",
        },
    )
    assert answer.status_code == 503
    assert "set PACKLINE_SECRETS_KEY" in answer.json()["detail"]
    assert SECRET not in answer.text
    await keyless.account(name="파일 계정", method="FILE")  # no secret: no key needed


async def test_another_sellers_account_is_not_found(api: Api) -> None:
    theirs = await api.account(seller="s2")
    path = f"/courier-accounts/{theirs['account_id']}"
    mine = {"seller_id": "s1"}
    assert (await api.http.get(path, params=mine)).status_code == 404
    assert (await api.http.get(f"{path}/bands", params=mine)).status_code == 404
    assert (await api.band(theirs["account_id"], 1, 10)).status_code == 404
    disable = await api.http.post(f"{path}/disable", params=mine, json={"by": "kim"})
    assert disable.status_code == 404
    settings = await api.http.put(
        "/waybill-settings",
        json={"seller_id": "s1", "default_account_id": theirs["account_id"], "by": "kim"},
    )
    assert settings.status_code == 422
    assert (await api.http.get("/courier-accounts", params=mine)).json()["items"] == []


async def test_an_overlapping_band_is_refused_naming_the_band(api: Api) -> None:
    made = await api.account()
    first = await api.band(made["account_id"], 30_000_000_000, 30_000_000_999)
    assert first.status_code == 201, first.text
    overlapping = await api.band(made["account_id"], 30_000_000_500, 30_000_001_999)
    assert overlapping.status_code == 422
    assert f"overlaps band {first.json()['band_id']}" in overlapping.json()["errors"][0]["msg"]
    assert (await api.band(made["account_id"], 30_000_001_000, 30_000_001_999)).status_code == 201


async def _two_bands(api: Api) -> int:
    made = await api.account()
    assert (await api.band(made["account_id"], 100, 104, low_water=2)).status_code == 201
    assert (await api.band(made["account_id"], 900, 999, low_water=10)).status_code == 201
    account_id: int = made["account_id"]
    return account_id


async def test_a_claim_spills_into_the_next_band_and_warns_once_when_a_band_runs_low(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    account_id = await _two_bands(api)
    with caplog.at_level(logging.WARNING, "packline_waybill.service_layer.accounts"):
        async with api.pool.acquire() as conn:
            first = await accounts.claim(conn, account_id, 4)
            second = await accounts.claim(conn, account_id, 3)
    assert first == [f"{s:011d}{s % 7}" for s in (100, 101, 102, 103)]
    assert second == [f"{s:011d}{s % 7}" for s in (104, 900, 901)]
    assert [r.getMessage() for r in caplog.records] == [
        f"courier account {account_id} band 1 runs low: 1 number(s) left (low water 2)"
    ]
    state = (
        await api.http.get(f"/courier-accounts/{account_id}/bands", params={"seller_id": "s1"})
    ).json()
    assert [(b["next"], b["remaining"], b["low"]) for b in state] == [
        (105, 0, True),
        (902, 98, False),
    ]


async def test_an_exhausting_claim_takes_nothing(api: Api) -> None:
    account_id = await _two_bands(api)
    async with api.pool.acquire() as conn:
        with pytest.raises(BandExhausted, match=f"courier account {account_id}: 106 .* 105 left"):
            await accounts.claim(conn, account_id, 106)
        assert (
            await conn.fetchval("SELECT sum(next_serial - band_start) FROM courier_account_bands")
            == 0
        )
        assert len(await accounts.claim(conn, account_id, 105)) == 105


async def _waiting_for_a_lock(pool: asyncpg.Pool, deadline: float) -> None:
    async with pool.acquire() as conn:
        while time.monotonic() < deadline:
            if await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ):
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the second claim never waited for the first one's lock")


async def test_concurrent_claims_never_share_a_serial(api: Api) -> None:
    account_id = await _two_bands(api)
    async with api.pool.acquire() as first, api.pool.acquire() as second:
        async with first.transaction():
            mine = await accounts.claim(first, account_id, 3)

            async def other() -> list[str]:
                async with second.transaction():
                    return await accounts.claim(second, account_id, 3)

            theirs = asyncio.create_task(other())
            await _waiting_for_a_lock(api.pool, time.monotonic() + 10)
        assert set(mine).isdisjoint(await theirs)
    assert len(set(mine) | set(theirs.result())) == 6


async def test_settings_choose_an_enabled_default_and_decisions_say_who(api: Api) -> None:
    lee = api.person(sub="lee")
    blank = await api.http.get("/waybill-settings", params={"seller_id": "s1"})
    assert blank.json() == {
        "seller_id": "s1",
        "default_account_id": None,
        "pre_shipment_push": False,
        "updated_at": None,
    }
    made = await api.account()
    path = f"/courier-accounts/{made['account_id']}"
    put = await api.http.put(
        "/waybill-settings",
        json={
            "seller_id": "s1",
            "default_account_id": made["account_id"],
            "pre_shipment_push": True,
            "by": "lee",
        },
        headers=lee,
    )
    assert put.json()["pre_shipment_push"] is True
    refused = await api.http.post(
        f"{path}/disable", params={"seller_id": "s1"}, json={"by": "lee"}, headers=lee
    )
    assert refused.status_code == 409 and "default" in refused.json()["detail"]
    await api.http.put("/waybill-settings", json={"seller_id": "s1", "by": "lee"}, headers=lee)
    disabled = await api.http.post(
        f"{path}/disable", params={"seller_id": "s1"}, json={"by": "lee"}, headers=lee
    )
    assert disabled.json()["disabled"] is True
    again = await api.http.put(
        "/waybill-settings",
        json={"seller_id": "s1", "default_account_id": made["account_id"], "by": "lee"},
        headers=lee,
    )
    assert again.status_code == 422 and "is disabled" in again.text
    async with api.pool.acquire() as conn:
        rows = await conn.fetch("SELECT action, decided_by FROM decisions ORDER BY decision_id")
    assert [(r["action"], r["decided_by"]) for r in rows] == [
        ("courier_account.create", "kim"),
        ("waybill_settings.change", "lee"),
        ("waybill_settings.change", "lee"),
        ("courier_account.disable", "lee"),
    ]


async def test_couriers_are_listed_with_their_number_lengths(api: Api) -> None:
    couriers = {c["code"]: c for c in (await api.http.get("/couriers")).json()}
    assert couriers["CJGLS"] == {"code": "CJGLS", "name": "CJ대한통운", "lengths": [10, 12]}
