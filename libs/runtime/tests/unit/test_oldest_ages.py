"""The oldest-unprocessed-age gauge's value: seconds since the sampled time, 0 when none waits."""

from datetime import UTC, datetime, timedelta

from packline_runtime import flow, metrics

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_age_is_taken_at_export_and_zero_when_nothing_waits() -> None:
    waiting = (("service", "unit-oldest"), ("queue", "waiting"))
    empty = (("service", "unit-oldest"), ("queue", "review"))
    metrics.OLDEST[waiting] = NOW - timedelta(minutes=2)
    metrics.OLDEST[empty] = None
    try:
        ages = {
            labels["queue"]: age
            for labels, age in metrics.oldest_ages(NOW)
            if labels["service"] == "unit-oldest"
        }
        later = dict(
            (lb["queue"], a)
            for lb, a in metrics.oldest_ages(NOW + timedelta(seconds=30))
            if lb["service"] == "unit-oldest"
        )
    finally:
        del metrics.OLDEST[waiting], metrics.OLDEST[empty]

    assert ages == {"waiting": 120.0, "review": 0.0}
    assert later["waiting"] == 150.0  # it grows between samples


async def test_oldest_of_asks_the_flow_query_for_every_seller() -> None:
    asked: list[str | None] = []
    arrived = NOW - timedelta(hours=1)

    async def stage_flow(
        conn: object, seller_id: str | None, since: datetime
    ) -> tuple[dict[str, int], dict[str, datetime | None]]:
        asked.append(seller_id)
        return {"done": 3}, {"waiting": arrived}

    found = await flow.oldest_of(stage_flow)(None)  # type: ignore[arg-type]

    assert found == {"waiting": arrived} and asked == [None]
