"""SQL for a seller's 할당 rule sets: versions stored as rows (criteria as jsonb), the newest one
current; no row: the default rule set (version 0)."""

import json
from collections.abc import Mapping
from typing import Any

from packline_allocator.domain.rules import (
    Condition,
    Criterion,
    CriterionKind,
    RuleSet,
    default_rules,
)
from packline_runtime.db import Conn

_SELECT = """
    SELECT seller_id, version, criteria::text AS criteria, created_by, created_at, note, changes
    FROM rule_sets WHERE seller_id = $1 ORDER BY version DESC LIMIT $2
"""


def criteria_json(criteria: tuple[Criterion, ...]) -> str:
    return json.dumps([_criterion_dict(c) for c in criteria])


def _criterion_dict(c: Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": c.kind.value, "descending": c.descending}
    if c.ranking:
        out["ranking"] = list(c.ranking)
    if c.condition is not None:
        out["condition"] = {
            "marketplaces": sorted(c.condition.marketplaces),
            "skus": sorted(c.condition.skus),
        }
    return out


def criteria_of(text: str) -> tuple[Criterion, ...]:
    return tuple(_criterion(c) for c in json.loads(text))


def _criterion(c: Mapping[str, Any]) -> Criterion:
    condition = c.get("condition")
    return Criterion(
        CriterionKind(c["kind"]),
        bool(c.get("descending", False)),
        tuple(c.get("ranking", ())),
        None
        if condition is None
        else Condition(frozenset(condition["marketplaces"]), frozenset(condition["skus"])),
    )


def rule_set_of(row: Mapping[str, Any]) -> RuleSet:
    return RuleSet(
        row["seller_id"],
        row["version"],
        criteria_of(row["criteria"]),
        row["created_by"],
        row["created_at"],
        row["note"],
        tuple(row["changes"]),
    )


class PgRuleRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def current(self, seller_id: str) -> RuleSet:
        row = await self._conn.fetchrow(_SELECT, seller_id, 1)
        return default_rules(seller_id) if row is None else rule_set_of(dict(row))

    async def history(self, seller_id: str, limit: int) -> list[RuleSet]:
        return [rule_set_of(dict(r)) for r in await self._conn.fetch(_SELECT, seller_id, limit)]

    async def add(self, rules: RuleSet) -> None:
        await self._conn.execute(
            """
            INSERT INTO rule_sets (seller_id, version, criteria, created_by, created_at, note,
                                   changes)
            VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::text[])
            """,
            rules.seller_id,
            rules.version,
            criteria_json(rules.criteria),
            rules.created_by or "",
            rules.created_at,
            rules.note,
            list(rules.changes),
        )
