"""SQL for waves as records: one row per wave and one per bundle it looked at, each written in
one statement (unnest); and the decisions that touched one bundle, newest first ("why")."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_allocator.adapters.rules import rule_set_of
from packline_allocator.domain.decisions import Decision, RecordedDecision, Trigger
from packline_allocator.domain.rules import default_rules
from packline_allocator.domain.waiting import SkuNeed
from packline_runtime.db import Conn


def reason_json(decision: Decision) -> str:
    split = (
        {}
        if decision.backorder_id is None
        else {"split": {"orders": list(decision.part), "backorder_id": str(decision.backorder_id)}}
    )
    return json.dumps(
        {
            **split,
            "skus": [
                {
                    "sku": n.sku,
                    "needed": n.needed,
                    "on_hand": n.on_hand,
                    "available": n.available,
                    "short": n.short,
                }
                for n in decision.needs
            ],
        }
    )


def _needs(reason: str) -> tuple[SkuNeed, ...]:
    skus: list[dict[str, Any]] = json.loads(reason)["skus"]
    return tuple(
        SkuNeed(
            s["sku"],
            s["needed"],
            s["on_hand"],
            0 if s["on_hand"] is None else s["on_hand"] - s["available"],
        )
        for s in skus
    )


def _split(reason: str) -> tuple[tuple[str, ...], uuid.UUID | None]:
    split: dict[str, Any] | None = json.loads(reason).get("split")
    if split is None:
        return (), None
    return tuple(split["orders"]), uuid.UUID(split["backorder_id"])


class PgWaveRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def record(
        self,
        seller_id: str,
        trigger: Trigger,
        started_at: datetime,
        rule_version: int,
        decisions: Sequence[Decision],
        waiting: int | None = None,
    ) -> uuid.UUID:
        wave_id = uuid.uuid4()
        allocated = sum(d.allocated for d in decisions)
        await self._conn.execute(
            """
            INSERT INTO waves (wave_id, seller_id, started_at, trigger, rule_version, allocated,
                               waiting)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            wave_id,
            seller_id,
            started_at,
            trigger.value,
            rule_version,
            allocated,
            len(decisions) - allocated if waiting is None else waiting,
        )
        if decisions:
            await self._conn.execute(
                """
                INSERT INTO wave_decisions (wave_id, bundle_id, allocated, position, reason)
                SELECT $1, * FROM unnest($2::uuid[], $3::bool[], $4::int[], $5::jsonb[])
                """,
                wave_id,
                [d.bundle_id for d in decisions],
                [d.allocated for d in decisions],
                [d.position for d in decisions],
                [reason_json(d) for d in decisions],
            )
        return wave_id

    async def decisions_of(
        self, seller_id: str, bundle_id: uuid.UUID, limit: int
    ) -> list[RecordedDecision] | None:
        known = await self._conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM bundles WHERE bundle_id = $1 AND seller_id = $2)",
            bundle_id,
            seller_id,
        )
        if not known:
            return None
        rows = await self._conn.fetch(
            """
            SELECT w.wave_id, w.started_at, w.trigger, w.rule_version,
                   w.allocated + w.waiting AS looked_at, d.allocated, d.position,
                   d.reason::text AS reason, r.criteria::text AS criteria, r.created_by,
                   r.created_at, r.note, r.changes
            FROM wave_decisions d JOIN waves w USING (wave_id)
            LEFT JOIN rule_sets r ON r.seller_id = w.seller_id AND r.version = w.rule_version
            WHERE d.bundle_id = $1 AND w.seller_id = $2
            ORDER BY w.started_at DESC, w.wave_id DESC LIMIT $3
            """,
            bundle_id,
            seller_id,
            limit,
        )
        return [
            RecordedDecision(
                r["wave_id"],
                r["started_at"],
                Trigger(r["trigger"]),
                default_rules(seller_id)
                if r["criteria"] is None
                else rule_set_of({**dict(r), "seller_id": seller_id, "version": r["rule_version"]}),
                Decision(
                    bundle_id,
                    r["allocated"],
                    r["position"],
                    r["looked_at"],
                    _needs(r["reason"]),
                    *_split(r["reason"]),
                ),
            )
            for r in rows
        ]
