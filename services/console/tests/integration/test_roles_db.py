"""Roles in the console: a viewer sees no change buttons and every change it sends is refused;
only an owner manages users (add, role, password reset, remove), only their seller's, and a
seller always keeps one owner."""

import re

from packline_runtime.tokens import Role
from services.console.tests.integration.console_harness import PASSWORD, Harness


async def test_a_viewer_sees_no_change_buttons_and_its_changes_are_refused(
    console: Harness,
) -> None:
    await console.user("viewer@s1.kr", Role.VIEWER)
    async with console.browser() as browser:
        await browser.sign_in("viewer@s1.kr")
        pages = [await browser.client.get(p) for p in ("/dashboard", "/shipping/scan")]
        token = await browser.csrf()
        scan = await browser.client.post(
            "/shipping/scan",
            json={"tracking_number": "300000000006"},
            headers={"accept": "application/json", "x-csrf-token": token},
        )
        bulk = await browser.client.post(
            "/shipping/scan/file",
            data={"csrf_token": token},
            files={"numbers": ("n.txt", b"300000000006\n")},
        )
        users_page = await browser.client.get("/settings/users")
        add = await browser.post_form("/settings/users", {"email": "x@s1.kr", "role": "owner"})

    for page in pages:
        assert page.status_code == 200
        assert 'class="change' not in page.text and 'id="scan-input"' not in page.text
    assert "조회 전용" in pages[1].text
    assert scan.status_code == bulk.status_code == add.status_code == 403
    assert "조회 전용" in scan.json()["error"]
    assert users_page.status_code == 403


async def test_an_operator_scans_but_does_not_manage_users(console: Harness) -> None:
    await console.user("op@s1.kr", Role.OPERATOR)
    async with console.browser() as browser:
        await browser.sign_in("op@s1.kr")
        scan_page = await browser.client.get("/shipping/scan")
        users_page = await browser.client.get("/settings/users")
        add = await browser.post_form("/settings/users", {"email": "x@s1.kr", "role": "owner"})

    assert 'id="scan-input"' in scan_page.text
    assert users_page.status_code == add.status_code == 403


async def test_an_owner_adds_a_user_who_then_signs_in_with_the_shown_password(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    async with console.browser() as owner:
        await owner.sign_in("owner@s1.kr")
        added = await owner.post_form(
            "/settings/users", {"email": "Packer@S1.kr", "role": "operator"}
        )
        taken = await owner.post_form(
            "/settings/users", {"email": "packer@s1.kr", "role": "viewer"}
        )
    shown = re.search(r"처음 비밀번호: (\S+)", added.text)
    assert added.status_code == 200 and shown
    assert taken.status_code == 422 and "이미 등록된" in taken.text
    async with console.browser() as packer:
        assert (await packer.sign_in("packer@s1.kr", shown.group(1))).status_code == 303
        page = await packer.client.get("/dashboard")
    assert "운영자" in page.text


async def test_an_owner_changes_a_role_and_resets_a_password_ending_that_persons_sessions(
    console: Harness,
) -> None:
    await console.user("owner@s1.kr")
    packer = await console.user("packer@s1.kr", Role.OPERATOR)
    async with console.browser() as other:
        await other.sign_in("packer@s1.kr")
        async with console.browser() as owner:
            await owner.sign_in("owner@s1.kr")
            role = await owner.post_form(
                f"/settings/users/{packer}/role", {"role": "viewer"}, follow=False
            )
            kicked = await other.client.get("/dashboard")
            reset = await owner.post_form(f"/settings/users/{packer}/password")
    new_password = re.search(r"새 비밀번호: (\S+)", reset.text)

    assert role.status_code == 303 and kicked.status_code == 303
    assert new_password
    async with console.browser() as again:
        assert (await again.sign_in("packer@s1.kr")).status_code == 401
        assert (await again.sign_in("packer@s1.kr", new_password.group(1))).status_code == 303
        page = await again.client.get("/dashboard")
    assert "조회 전용" in page.text


async def test_another_sellers_user_is_answered_as_missing(console: Harness) -> None:
    await console.user("owner@s1.kr")
    theirs = await console.user("owner@s2.kr", seller="s2")
    async with console.browser() as owner:
        await owner.sign_in("owner@s1.kr")
        listed = await owner.client.get("/settings/users")
        answers = [
            await owner.post_form(f"/settings/users/{theirs}/role", {"role": "viewer"}),
            await owner.post_form(f"/settings/users/{theirs}/password"),
            await owner.post_form(f"/settings/users/{theirs}/remove"),
            await owner.post_form("/settings/users/99999999/remove"),
        ]
        huge = await owner.post_form(f"/settings/users/{2**64}/remove")

    assert "owner@s2.kr" not in listed.text
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert huge.status_code == 422
    async with console.browser() as them:
        assert (await them.sign_in("owner@s2.kr", PASSWORD)).status_code == 303


async def test_the_last_owner_can_be_neither_demoted_nor_removed(console: Harness) -> None:
    me = await console.user("owner@s1.kr")
    async with console.browser() as owner:
        await owner.sign_in("owner@s1.kr")
        demote = await owner.post_form(f"/settings/users/{me}/role", {"role": "viewer"})
        remove = await owner.post_form(f"/settings/users/{me}/remove")
        bad_role = await owner.post_form(f"/settings/users/{me}/role", {"role": "sre"})

    assert demote.status_code == remove.status_code == 422
    assert "마지막 대표" in demote.text
    assert bad_role.status_code == 422


async def test_an_owner_removes_a_user(console: Harness) -> None:
    await console.user("owner@s1.kr")
    gone = await console.user("gone@s1.kr", Role.VIEWER)
    async with console.browser() as owner:
        await owner.sign_in("owner@s1.kr")
        removed = await owner.post_form(f"/settings/users/{gone}/remove", follow=False)
        listed = await owner.client.get("/settings/users")

    assert removed.status_code == 303
    assert "gone@s1.kr" not in listed.text
