"""SQL for marketplace_options: the listings and options API collections named (remembered
per seller and marketplace), and one upload's look-up of them."""

from collections.abc import Iterable

from packline_collector.domain.known_ids import KnownOption
from packline_collector.domain.orders import NewOrder
from packline_runtime.db import Conn


async def remember(conn: Conn, orders: Iterable[NewOrder]) -> None:
    """Every line's listing and option of orders read from a marketplace's API."""
    rows: dict[tuple[str, str, str, str], str] = {}
    for order in orders:
        for line in order.lines:
            if line.listing_id and line.option_id:
                key = (order.seller_id, order.marketplace.value, line.listing_id, line.option_id)
                rows[key] = line.option_name
    if not rows:
        return
    keys = sorted(rows)
    await conn.execute(
        """
        INSERT INTO marketplace_options AS o
               (seller_id, marketplace, listing_id, option_id, option_name)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
        ON CONFLICT (seller_id, marketplace, listing_id, option_id) DO UPDATE
            SET option_name = EXCLUDED.option_name, seen_at = now()
        """,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
        [rows[k] for k in keys],
    )


async def lookup(
    conn: Conn,
    seller_id: str,
    marketplace: str,
    listing_ids: Iterable[str],
    option_ids: Iterable[str],
) -> list[KnownOption]:
    """The seller's options of these listings or with these option ids, newest first."""
    rows = await conn.fetch(
        """
        SELECT listing_id, option_id, option_name FROM marketplace_options
        WHERE seller_id = $1 AND marketplace = $2
          AND (listing_id = ANY($3::text[]) OR option_id = ANY($4::text[]))
        ORDER BY seen_at DESC, listing_id, option_id
        """,
        seller_id,
        marketplace,
        list(listing_ids),
        list(option_ids),
    )
    return [KnownOption(r["listing_id"], r["option_id"], r["option_name"]) for r in rows]
