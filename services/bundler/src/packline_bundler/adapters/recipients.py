"""SQL for the bundles of orders whose address changed (배송지 변경)."""

from collections.abc import Sequence
from typing import Any

from packline_bundler.adapters import changes
from packline_contracts import OrderMatched
from packline_runtime.db import Conn


async def memberships(conn: Conn, uids: Sequence[str]) -> list[dict[str, Any]]:
    """Each order's current membership with its stored OrderMatched, its bundle locked."""
    return [
        {**row, "event": OrderMatched.model_validate_json(row["event"])}
        for row in await changes.bundles_of(conn, uids)
    ]
