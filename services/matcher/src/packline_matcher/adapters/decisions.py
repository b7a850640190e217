"""SQL for the record of decisions (the runtime's `decisions` table): a batch's decisions in one
statement, in the order given."""

import json
from collections.abc import Sequence

from packline_matcher.domain.mappings import Decision
from packline_runtime.db import Conn


class PgDecisionRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def record(self, decisions: Sequence[Decision]) -> None:
        if not decisions:
            return
        await self._conn.execute(
            """
            INSERT INTO decisions (seller_id, action, subject, decided_by, reason)
            SELECT s, a, j, b, r
            FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[])
                 WITH ORDINALITY AS d(s, a, j, b, r, n)
            ORDER BY n
            """,
            [d.seller_id for d in decisions],
            [d.action.value for d in decisions],
            [json.dumps(d.subject, ensure_ascii=False, default=str) for d in decisions],
            [d.decided_by for d in decisions],
            [d.reason for d in decisions],
        )
