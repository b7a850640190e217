"""The unmatched queue (미매칭) as the console shows it: waiting lines with SKU suggestions."""

from typing import Any

from packline_matcher.adapters import catalogue
from packline_matcher.adapters import repository as repo
from packline_matcher.domain.suggestions import suggest
from packline_runtime.db import Conn


async def unmatched(
    conn: Conn, seller_id: str | None, limit: int, suggestions: int = 5, offset: int = 0
) -> list[dict[str, Any]]:
    """Each waiting order; each of its unmapped lines carries catalogue SKUs ranked by how
    much their name and option read like the line's product and option names."""
    queue = await repo.unmatched(conn, seller_id, limit, offset)
    items = await catalogue.items_of(conn, {o["seller_id"] for o in queue})
    for entry in queue:
        missing = {tuple(m) for m in entry["missing"]}
        own = items.get(entry["seller_id"], [])
        for line in entry["lines"]:
            waiting = (line["listing_id"], line["option_id"]) in missing
            line["unmatched"] = waiting
            if waiting and suggestions:
                found = suggest(line["product_name"], line["option_name"], own, suggestions)
                line["suggestions"] = [s.__dict__ for s in found]
    return queue
