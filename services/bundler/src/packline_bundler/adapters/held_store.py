"""SQL for the bundles a batch of changes touches (cancels, unmatches, 배송지 변경, allocations,
a person's unmerge or merge, sealing settings): loaded locked with all their members, one query
each, and written back set-based (`unnest`). The rules live in domain/bundle.py."""

import uuid
from collections.abc import Collection, Iterable
from typing import Any

from packline_bundler.domain.bundle import Bundle, BundleStatus
from packline_bundler.domain.held import Held
from packline_bundler.domain.members import Member, MemberChanges
from packline_runtime.db import Conn

COLUMNS = (
    "b.bundle_id, b.seller_id, b.bundle_key, b.recipient_key, b.status, b.seal_after,"
    " b.revision, b.separate_invoices, b.paid_at, b.opened_at"
)


def bundle_from(row: Any) -> Bundle:
    return Bundle(
        row["bundle_id"],
        row["seller_id"],
        row["bundle_key"],
        row["recipient_key"],
        BundleStatus(row["status"]),
        row["seal_after"],
        revision=row["revision"],
        separate_invoices=row["separate_invoices"],
        paid_at=row["paid_at"],
        opened_at=row["opened_at"],
    )


async def hold(conn: Conn, ids: Collection[uuid.UUID], uids: Collection[str]) -> Held:
    """The bundles locked in one order (by id), then their members: read after the locks, so
    a change another transaction made to them meanwhile is seen."""
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM bundles b
        WHERE b.bundle_id IN (SELECT unnest($1::uuid[])
                              UNION SELECT bundle_id FROM bundle_members
                                    WHERE order_uid = ANY($2::text[]))
        ORDER BY b.bundle_id
        FOR UPDATE
        """,
        list(ids),
        list(uids),
    )
    bundles = {r["bundle_id"]: bundle_from(r) for r in rows}
    if not bundles:
        return Held([])
    members = await conn.fetch(
        """
        SELECT m.bundle_id, m.order_uid, m.paid_at, m.matched_event_id, m.event,
               m.withdrawn_at IS NOT NULL AS withdrawn, m.cancelled,
               c.order_uid IS NOT NULL AS heard_cancelled
        FROM bundle_members m LEFT JOIN cancelled_orders c USING (order_uid)
        WHERE m.bundle_id = ANY($1::uuid[])
        """,
        list(bundles),
    )
    for m in members:
        member = Member(
            m["order_uid"],
            m["paid_at"],
            m["matched_event_id"],
            m["event"],
            m["withdrawn"],
            m["cancelled"],
            m["heard_cancelled"],
        )
        bundles[m["bundle_id"]].members[member.uid] = member
    return Held(bundles.values())


async def open_of(conn: Conn, seller_id: str) -> list[Bundle]:
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM bundles b
        WHERE b.seller_id = $1 AND b.status = 'OPEN' ORDER BY b.bundle_id FOR UPDATE
        """,
        seller_id,
    )
    return [bundle_from(r) for r in rows]


async def save(conn: Conn, bundles: Iterable[Bundle]) -> None:
    bundles = sorted(bundles, key=lambda b: b.bundle_id)
    await _insert_split(conn, [b for b in bundles if not b.stored])
    changed = [b for b in bundles if b.changed]
    # rows leaving OPEN first: a merge survivor may take the key its partner leaves
    await _update(conn, [b for b in changed if b.status is not BundleStatus.OPEN])
    await _update(conn, [b for b in changed if b.status is BundleStatus.OPEN])
    await _save_members(conn, [b.changes for b in bundles if b.changes])
    for b in bundles:
        b.stored, b.changed, b.changes = True, False, MemberChanges()


async def _insert_split(conn: Conn, bundles: list[Bundle]) -> None:
    """New bundles of the change paths: split off by an unmerge, sealed at once."""
    if not bundles:
        return
    await conn.execute(
        """
        INSERT INTO bundles (bundle_id, seller_id, bundle_key, recipient_key, status, seal_after,
                             sealed_at, revision, separate_invoices, paid_at)
        SELECT u.bundle_id, u.seller_id, u.bundle_key, u.recipient_key, u.status, u.seal_after,
               now(), u.revision, u.separate, u.paid_at
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                    $6::timestamptz[], $7::int[], $8::boolean[], $9::timestamptz[])
            AS u(bundle_id, seller_id, bundle_key, recipient_key, status, seal_after, revision,
                 separate, paid_at)
        """,
        [b.bundle_id for b in bundles],
        [b.seller_id for b in bundles],
        [b.group_key for b in bundles],
        [b.recipient_key for b in bundles],
        [b.status.value for b in bundles],
        [b.seal_after for b in bundles],
        [b.revision for b in bundles],
        [b.separate_invoices for b in bundles],
        [b.paid_at for b in bundles],
    )
    for b in bundles:
        b.changed = False


async def _update(conn: Conn, bundles: list[Bundle]) -> None:
    if not bundles:
        return
    await conn.execute(
        """
        UPDATE bundles b SET status = u.status, revision = u.revision,
            separate_invoices = u.separate, paid_at = u.paid_at, seal_after = u.seal_after,
            bundle_key = u.bundle_key
        FROM unnest($1::uuid[], $2::text[], $3::int[], $4::boolean[], $5::timestamptz[],
                    $6::timestamptz[], $7::text[])
            AS u(bundle_id, status, revision, separate, paid_at, seal_after, bundle_key)
        WHERE b.bundle_id = u.bundle_id
        """,
        [b.bundle_id for b in bundles],
        [b.status.value for b in bundles],
        [b.revision for b in bundles],
        [b.separate_invoices for b in bundles],
        [b.paid_at for b in bundles],
        [b.seal_after for b in bundles],
        [b.group_key for b in bundles],
    )


async def _save_members(conn: Conn, changes: list[MemberChanges]) -> None:
    """Each kind of change touches only its own columns (by order uid, as the order's
    membership may have been replaced since by a rejoin in another transaction)."""
    left = sorted({u for c in changes for u in c.left})
    cancelled = sorted({u for c in changes for u in c.cancelled})
    withdrawn = sorted({u for c in changes for u in c.withdrawn})
    moved = sorted({u: b for c in changes for u, b in c.moved.items()}.items())
    if left:
        await conn.execute("DELETE FROM bundle_members WHERE order_uid = ANY($1::text[])", left)
    if cancelled:
        await conn.execute(
            "UPDATE bundle_members SET cancelled = true WHERE order_uid = ANY($1::text[])",
            cancelled,
        )
    if withdrawn:
        await conn.execute(
            "UPDATE bundle_members SET withdrawn_at = now() WHERE order_uid = ANY($1::text[])",
            withdrawn,
        )
    if moved:
        await conn.execute(
            """
            UPDATE bundle_members m SET bundle_id = u.bundle_id, withdrawn_at = NULL
            FROM unnest($1::text[], $2::uuid[]) AS u(order_uid, bundle_id)
            WHERE m.order_uid = u.order_uid
            """,
            [u for u, _ in moved],
            [b for _, b in moved],
        )
