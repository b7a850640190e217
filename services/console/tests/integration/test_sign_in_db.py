"""로그인 on PostgreSQL: a good password opens a session, a wrong one says nothing about
whether the email exists, repeated failures lock the account (and a client address) until a
stated time, CSRF is required, sessions end when idle, when old, and at sign-out."""

import re

import httpx

from packline_console.adapters import accounts
from packline_console.adapters.passwords import Passwords
from packline_runtime.tokens import Role
from services.console.tests.integration.console_harness import (
    FAST,
    PASSWORD,
    Harness,
    running_console,
    settings,
)


async def test_an_owner_signs_in_and_the_dashboard_names_seller_and_person(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        answer = await browser.sign_in("owner@s1.kr")
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" not in cookie  # plain http here; over https it is Secure (below)

        page = await browser.client.get("/dashboard")

    assert page.status_code == 200
    assert "owner@s1.kr" in page.text and "s1" in page.text
    for menu in (
        "대시보드",
        "주문수집",
        "주문등록",
        "매칭",
        "합포",
        "할당",
        "송장",
        "배송",
        "CS",
        "설정",
    ):
        assert f">{menu}</a>" in page.text


async def test_without_a_session_a_page_sends_the_person_to_sign_in(console: Harness) -> None:
    async with console.browser() as browser:
        page = await browser.client.get("/dashboard")
        fetched = await browser.client.post(
            "/shipping/scan", json={"tracking_number": "1"}, headers={"accept": "application/json"}
        )

    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert fetched.status_code == 401 and "로그인" in fetched.json()["error"]


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        wrong = await browser.sign_in("owner@s1.kr", "not the password")
        unknown = await browser.sign_in("nobody@s1.kr", "not the password")
        still_out = await browser.client.get("/dashboard")

    assert wrong.status_code == unknown.status_code == 401
    assert "이메일 또는 비밀번호가 맞지 않습니다" in wrong.text
    assert _message(wrong.text) == _message(unknown.text)
    assert still_out.status_code == 303


async def test_repeated_failures_lock_the_account_until_the_stated_time(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        for _ in range(4):
            assert (await browser.sign_in("owner@s1.kr", "guess")).status_code == 401
        fifth = await browser.sign_in("owner@s1.kr", "guess")
        locked = await browser.sign_in("owner@s1.kr")  # even the right password now
        console.clock.advance(minutes=14)
        still = await browser.sign_in("owner@s1.kr")
        console.clock.advance(minutes=1, seconds=1)
        lifted = await browser.sign_in("owner@s1.kr")

    assert fifth.status_code == 429
    assert locked.status_code == 429 and "2026-03-02 18:15" in locked.text  # 09:00 UTC = 18:00 KST
    assert int(locked.headers["retry-after"]) == 15 * 60
    assert still.status_code == 429
    assert lifted.status_code == 303


async def test_an_unknown_email_locks_out_exactly_like_a_known_one(console: Harness) -> None:
    async with console.browser() as browser:
        for _ in range(5):
            await browser.sign_in("nobody@s1.kr", "guess")
        answer = await browser.sign_in("nobody@s1.kr", "guess")

    assert answer.status_code == 429


async def test_many_failures_from_one_address_lock_that_address_only(new_schema: object) -> None:
    from packline_console.bootstrap import MIGRATIONS

    pool = await new_schema(MIGRATIONS, prefix="console")  # type: ignore[operator]
    async with running_console(pool, settings(lockout_address_failures=3)) as console:
        await console.user("owner@s1.kr")
        async with console.browser("10.0.0.66") as attacker:
            for email in ("a@x.kr", "b@x.kr"):
                assert (await attacker.sign_in(email, "guess")).status_code == 401
            third = await attacker.sign_in("c@x.kr", "guess")
            refused = await attacker.sign_in("owner@s1.kr")
        async with console.browser("10.0.0.7") as colleague:
            allowed = await colleague.sign_in("owner@s1.kr")

    assert third.status_code == refused.status_code == 429
    assert allowed.status_code == 303


async def test_sign_in_without_the_forms_csrf_token_is_refused(console: Harness) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        answer = await browser.client.post(
            "/login", data={"email": "owner@s1.kr", "password": PASSWORD, "csrf_token": "forged"}
        )

    assert answer.status_code == 403 and "CSRF" in answer.text


async def test_a_form_or_fetch_without_the_sessions_csrf_token_is_refused(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        await browser.sign_in("owner@s1.kr")
        logout = await browser.client.post("/logout", data={"csrf_token": "forged"})
        scan = await browser.client.post(
            "/shipping/scan",
            json={"tracking_number": "300000000006"},
            headers={"accept": "application/json", "x-csrf-token": "forged"},
        )
        add = await browser.client.post(
            "/settings/users", data={"email": "new@s1.kr", "role": "viewer"}
        )
        still_in = await browser.client.get("/dashboard")

    assert logout.status_code == scan.status_code == add.status_code == 403
    assert "CSRF" in scan.json()["error"]
    assert still_in.status_code == 200


async def test_a_session_ends_after_idling_and_after_its_absolute_life(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        await browser.sign_in("owner@s1.kr")
        console.clock.advance(minutes=29)
        kept = await browser.client.get("/dashboard")
        console.clock.advance(minutes=30, seconds=1)
        idle = await browser.client.get("/dashboard")
    async with console.browser() as browser:
        await browser.sign_in("owner@s1.kr")
        for _ in range(25):  # busy all day: never idle, yet the session ends after 12 hours
            console.clock.advance(minutes=29)
            last = await browser.client.get("/dashboard")
            if last.status_code != 200:
                break

    assert kept.status_code == 200
    assert idle.status_code == 303
    assert last.status_code == 303
    async with console.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM sessions") == 0


async def test_sign_out_deletes_the_session_so_its_cookie_opens_nothing(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        await browser.sign_in("owner@s1.kr")
        cookie = browser.client.cookies.get("packline_session")
        out = await browser.post_form("/logout", follow=False)
        browser.client.cookies.set("packline_session", cookie or "")
        replayed = await browser.client.get("/dashboard")

    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert replayed.status_code == 303
    async with console.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM sessions") == 0


async def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(
    console: Harness,
) -> None:
    from argon2 import PasswordHasher

    older = Passwords(PasswordHasher(time_cost=1, memory_cost=4 * 1024, parallelism=1))
    async with console.pool.acquire() as conn:
        await accounts.add_user(conn, "old@s1.kr", "s1", Role.OWNER.value, older.hash(PASSWORD))
    async with console.browser() as browser:
        assert (await browser.sign_in("old@s1.kr")).status_code == 303
    async with console.pool.acquire() as conn:
        found = await accounts.credentials(conn, "old@s1.kr")

    assert found is not None
    assert not console.passwords.needs_rehash(found[1])
    assert FAST.verify(found[1], PASSWORD)


def _message(html: str) -> str:
    found = re.search(r'<p class="error" role="alert">([^<]*)</p>', html)
    assert found
    return found.group(1)


async def test_signing_in_again_ends_the_session_the_browser_came_with(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        await browser.sign_in("owner@s1.kr")
        planted = browser.client.cookies.get("packline_session")
        await browser.sign_in("owner@s1.kr")
        browser.client.cookies.set("packline_session", planted or "")
        replayed = await browser.client.get("/dashboard")

    assert replayed.status_code == 303
    async with console.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM sessions") == 1


async def test_sessions_left_to_expire_are_removed_at_the_next_sign_in(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    await console.user("packer@s1.kr", Role.OPERATOR)
    async with console.browser() as forgotten:
        await forgotten.sign_in("packer@s1.kr")
    console.clock.advance(minutes=31)
    async with console.browser() as browser:
        await browser.sign_in("owner@s1.kr")

    async with console.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM sessions") == 1


async def test_over_https_the_session_cookie_is_secure(console: Harness) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as browser:
        browser.client.base_url = httpx.URL("https://console.test")
        answer = await browser.sign_in("owner@s1.kr")

    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()
