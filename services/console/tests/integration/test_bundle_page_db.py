"""합포 through the console, against the bundler's real routes on PostgreSQL: a 확인필요 pair
side by side with the differing field marked, merge (then 합포처리 and 합포 해제) or keep
apart, the sealing rule and 합포금지 (owner only); bad input and a viewer's change are refused."""

import html
import re
from typing import Any

from packline_bundler.service_layer import use_cases
from packline_contracts import OrderMatched
from packline_launcher.testing import collected, matched, recipient
from packline_runtime.unit_of_work import unit_of_work
from services.console.tests.integration.work_services import (
    HOLD,
    OPERATOR,
    OWNER,
    VIEWER,
    Work,
    work_console,
)


def _order(n: int, mobile: str = "010-1234-5678") -> OrderMatched:
    return matched(collected(n, to=recipient(mobile=mobile)), {"A": 1})


async def _pair(work: Work, first: int = 1) -> None:
    """Same name and address, other mobiles: the bundler asks a person."""
    async with unit_of_work(work.bundler) as uow:
        await use_cases.handle_events(
            uow, [_order(first), _order(first + 1, mobile=f"010-9999-{first:04d}")], HOLD
        )


def _review_id(page: str) -> str:
    found = re.search(r'data-review="(\d+)"', page)
    assert found, page[:3000]
    return found.group(1)


async def test_a_pair_is_shown_side_by_side_merged_sealed_and_split(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await _pair(work)
        await operator.sign_in(OPERATOR)
        queue = await operator.client.get("/bundle")
        review = _review_id(queue.text)
        merged = await operator.post_form(f"/bundle/reviews/{review}/merge", {"reason": "한 집"})
        twice = await operator.post_form(f"/bundle/reviews/{review}/merge")
        sealed = await operator.post_form("/bundle/seal")
        done = await operator.client.get("/bundle?status=MERGED")
        split = re.search(
            r'name="bundle_id" value="([^"]+)">\s*<input type="hidden" name="orders" value="([^"]+)"',
            done.text,
        )
        assert split, done.text[:3000]
        unmerged = await operator.post_form(
            "/bundle/unmerge", {"bundle_id": split.group(1), "orders": split.group(2)}
        )
        missing = await operator.post_form("/bundle/reviews/999999/merge")

    cards = re.findall(r'<dd class="(\w*)" data-field="(\w+)">', queue.text)
    assert ("differs", "mobile") in cards and ("", "name") in cards and ("", "address") in cards
    assert "010-9999-0001" in queue.text and "010-1234-5678" in queue.text
    assert merged.status_code == 200 and f"확인 {review}번: 합포했습니다" in merged.text
    assert twice.status_code == 409  # the bundler: already decided
    assert sealed.status_code == 200 and "묶음 1개를 확정했습니다" in sealed.text
    assert unmerged.status_code == 200 and "주문 1건을 묶음에서 떼어" in unmerged.text
    assert missing.status_code == 404 and "그런 확인 요청이 없습니다" in missing.text


async def test_keep_apart_leaves_two_boxes(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await _pair(work)
        await operator.sign_in(OPERATOR)
        review = _review_id((await operator.client.get("/bundle")).text)
        kept = await operator.post_form(f"/bundle/reviews/{review}/keep-apart")
        sealed = await operator.post_form("/bundle/seal")
        tab = await operator.client.get("/bundle?status=KEPT_APART")

    assert (
        "따로 배송하도록 남겼습니다" in kept.text and "확인필요 목록이 비어 있습니다" in kept.text
    )
    assert "묶음 2개를 확정했습니다" in sealed.text
    assert f'data-review="{review}"' in tab.text


async def test_the_owner_sets_the_sealing_rule_and_exclusions(new_schema: Any) -> None:
    async with work_console(new_schema) as work:
        async with work.console.browser() as owner:
            await owner.sign_in(OWNER)
            rule = await owner.post_form(
                "/bundle/settings", {"mode": "CUTOFF", "cutoffs": "10:00,14:00"}
            )
            bad = await owner.post_form("/bundle/settings", {"mode": "CUTOFF", "cutoffs": "25:00"})
            no_times = await owner.post_form("/bundle/settings", {"mode": "CUTOFF"})
            hold = await owner.post_form("/bundle/settings", {"mode": "HOLD", "hold_minutes": "열"})
            excluded = await owner.post_form(
                "/bundle/exclusions", {"kind": "SKU", "value": "BIG-BOX", "reason": "부피 큼"}
            )
            removed = await owner.post_form(
                "/bundle/exclusions/remove", {"kind": "SKU", "value": "BIG-BOX"}
            )
            gone = await owner.post_form(
                "/bundle/exclusions/remove", {"kind": "SKU", "value": "BIG-BOX"}
            )
        async with work.console.browser() as operator:
            await operator.sign_in(OPERATOR)
            refused = await operator.post_form("/bundle/settings", {"mode": "MANUAL"})
            page = await operator.client.get("/bundle")

    assert rule.status_code == 200 and "마감 시각에 합포" in rule.text
    assert "마감 10:00, 14:00" in rule.text
    assert bad.status_code == 422 and "합포: 입력값을 확인하세요." in bad.text
    assert no_times.status_code == 422
    assert hold.status_code == 422 and "대기 시간(분): 숫자를 입력하세요." in hold.text
    assert "<td>BIG-BOX</td><td>owner@s1.kr</td><td>부피 큼</td>" in excluded.text
    assert "합포금지에서 뺐습니다" in html.unescape(removed.text)
    assert gone.status_code == 404 and "그런 합포금지 항목이 없습니다" in gone.text
    assert refused.status_code == 403 and "대표(소유자)만" in refused.text
    assert 'action="/bundle/settings"' not in page.text  # the owner's form only
    assert 'action="/bundle/seal"' in page.text  # 합포처리 is the day's work


async def test_a_viewer_sees_the_pairs_without_buttons_and_is_refused(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as viewer:
        await _pair(work)
        await viewer.sign_in(VIEWER)
        page = await viewer.client.get("/bundle")
        review = _review_id(page.text)
        refused = await viewer.post_form(f"/bundle/reviews/{review}/merge")
        seal = await viewer.post_form("/bundle/seal")

    assert 'data-field="mobile"' in page.text
    assert 'class="change' not in page.text
    assert refused.status_code == 403 and seal.status_code == 403


async def test_the_bundle_list_finds_a_box_by_an_order_and_splits_it(new_schema: Any) -> None:
    """합포 목록: a box of two same-recipient orders, found by one order's number among others,
    split from the list."""
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await _two_boxes(work)
        await operator.sign_in(OPERATOR)
        await operator.post_form("/bundle/seal")
        listed = await operator.client.get("/bundle", params={"view": "bundles"})
        found = await operator.client.get(
            "/bundle", params={"view": "bundles", "q": "500000000000000007"}
        )
        form = re.search(
            r'name="bundle_id" value="([^"]+)">\s*<select name="orders"><option value="([^"]+)"',
            found.text,
        )
        assert form, found.text[:3000]
        split = await operator.post_form(
            "/bundle/unmerge?view=bundles", {"bundle_id": form.group(1), "orders": form.group(2)}
        )

    assert listed.status_code == 200 and len(re.findall(r"data-bundle=", listed.text)) == 2
    assert len(re.findall(r"data-bundle=", found.text)) == 1
    assert "합포 확정" in found.text
    assert split.status_code == 200 and "주문 1건을 묶음에서 떼어" in split.text
    assert 'id="bundles"' in split.text  # back on the list it was split from


async def _two_boxes(work: Work) -> None:
    """Orders 7 and 8 to one recipient (one box), order 20 to another (its own box)."""
    async with unit_of_work(work.bundler) as uow:
        await use_cases.handle_events(
            uow,
            [_order(7), _order(8), matched(collected(20, to=_elsewhere()), {"A": 1})],
            HOLD,
        )


def _elsewhere() -> Any:
    return recipient(name="이서연", mobile="010-5555-0000", address1="부산 해운대구 우동 1")
