"""The push rules without a database: which lines have somewhere to go, and how long a line
whose marketplace call keeps failing is tried before a person is asked."""

import uuid
from datetime import timedelta

from packline_collector.domain.push import (
    MAX_TRANSIENT_ATTEMPTS,
    LineKey,
    NewPush,
    PushLine,
    PushResult,
    PushState,
    Verdict,
    after_retry,
    backoff,
    outcomes,
)


def _new(marketplace: str, account: uuid.UUID | None) -> NewPush:
    return NewPush(
        LineKey("s1", marketplace, "1001", "1"),
        uuid.uuid4(),
        "CJGLS",
        "612345678901",
        False,
        account,
    )


def _leased(attempts: int) -> PushLine:
    return PushLine(
        LineKey("s1", "NAVER", "1001", "1001"), uuid.uuid4(), "CJGLS", "612345678901", attempts, ""
    )


def test_a_line_collected_through_a_marketplace_account_awaits_its_push() -> None:
    assert _new("COUPANG", uuid.uuid4()).state is PushState.PENDING
    assert _new("NAVER", uuid.uuid4()).state is PushState.PENDING
    assert _new("ELEVENST", uuid.uuid4()).state is PushState.PENDING
    assert _new("GMARKET", uuid.uuid4()).state is PushState.PENDING  # through the ESM account
    assert _new("AUCTION", uuid.uuid4()).state is PushState.PENDING


def test_an_order_registered_by_hand_or_on_a_marketplace_we_cannot_push_to_is_not_applicable() -> (
    None
):
    assert _new("COUPANG", None).state is PushState.NOT_APPLICABLE  # Excel, no account
    assert _new("OWN_SHOP", uuid.uuid4()).state is PushState.NOT_APPLICABLE


def test_an_unavailable_marketplace_is_retried_until_a_person_must_look() -> None:
    assert after_retry(_leased(0), "503").verdict is Verdict.RETRY
    last = after_retry(_leased(MAX_TRANSIENT_ATTEMPTS - 1), "failed 5 times; last: 503")
    assert (last.verdict, last.code) == (Verdict.FAILED, "UNAVAILABLE")
    assert "503" in last.message


def test_the_wait_between_tries_grows_and_is_capped() -> None:
    waits = [backoff(n) for n in range(1, 12)]
    assert waits == sorted(waits) and waits[0] == timedelta(seconds=30)
    assert waits[-1] == timedelta(minutes=30)


def test_push_outcomes_are_counted_per_marketplace_and_verdict() -> None:
    naver, coupang = (
        _leased(0),
        PushLine(
            LineKey("s1", "COUPANG", "2002", "1"), uuid.uuid4(), "CJGLS", "612345678902", 0, ""
        ),
    )
    done = [
        (naver, PushResult(Verdict.SENT)),
        (naver, PushResult(Verdict.RETRY, "UNAVAILABLE")),
        (coupang, PushResult(Verdict.FAILED, "REFUSED")),
        (coupang, PushResult(Verdict.FAILED, "REFUSED")),
        (coupang, PushResult(Verdict.BY_HAND)),
    ]
    assert outcomes(done) == {
        ("NAVER", "sent"): 1,
        ("NAVER", "retry"): 1,
        ("COUPANG", "failed"): 2,
        ("COUPANG", "by_hand"): 1,
    }
