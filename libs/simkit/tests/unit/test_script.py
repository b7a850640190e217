from pydantic import BaseModel

from packline_simkit import Script


class Rule(BaseModel):
    name: str
    account: str | None = None
    operation: str | None = None
    marketplace: str | None = None
    times: int = 1
    skip: int = 0


def _names(rules: list[Rule]) -> list[str]:
    return [r.name for r in rules]


def test_a_rule_skips_then_fires_its_times_then_is_spent() -> None:
    script: Script[Rule] = Script()
    script.add([Rule(name="r", times=2, skip=1)])
    fired = [_names(script.take("A1", "book")) for _ in range(4)]
    assert fired == [[], ["r"], ["r"], []]
    assert script.pending() == 0


def test_a_rule_fires_only_on_the_calls_it_names() -> None:
    script: Script[Rule] = Script()
    script.add(
        [
            Rule(name="account", account="A1", times=9),
            Rule(name="operation", operation="track", times=9),
            Rule(name="marketplace", marketplace="NAVER", times=9),
            Rule(name="any", account="", times=9),
        ]
    )
    assert _names(script.take("A1", "book", marketplace="COUPANG")) == ["account", "any"]
    assert _names(script.take("A2", "track", marketplace="NAVER")) == [
        "operation",
        "marketplace",
        "any",
    ]


def test_skipped_calls_count_only_for_the_rules_they_match() -> None:
    script: Script[Rule] = Script()
    script.add([Rule(name="r", account="A1", skip=1)])
    assert script.take("A2", "book") == []
    assert script.take("A1", "book") == []
    assert _names(script.take("A1", "book")) == ["r"]


def test_clearing_disarms_every_rule() -> None:
    script: Script[Rule] = Script()
    script.add([Rule(name="r", times=3)])
    assert script.pending() == 1
    script.clear()
    assert script.pending() == 0
    assert script.take("A1", "book") == []
