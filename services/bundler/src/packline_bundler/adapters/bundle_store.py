"""The bundles repository over PostgreSQL: loads every bundle a batch touches in one query and
writes back set-based (`unnest`)."""

import uuid
from collections.abc import Collection, Iterable, Sequence

from packline_bundler.adapters import held_store, repository
from packline_bundler.adapters.held_store import COLUMNS as _COLUMNS
from packline_bundler.adapters.held_store import bundle_from as _bundle
from packline_bundler.domain.bundle import Bundle
from packline_bundler.domain.held import Held
from packline_bundler.domain.review import Joined
from packline_contracts import OrderMatched
from packline_runtime.db import Conn

Ref = tuple[str, str]


class PgBundleRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def lock_sellers(self, sellers: Iterable[str], exclusive: bool = False) -> None:
        await repository.lock_sellers(self.conn, list(sellers), exclusive=exclusive)

    async def lock_recipients(self, hashes: Iterable[str]) -> None:
        await repository.lock_recipients(self.conn, list(hashes))

    async def open_for(self, refs: Collection[Ref]) -> dict[Ref, Bundle]:
        if not refs:
            return {}
        ordered = sorted(refs)
        rows = await self.conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM bundles b
            WHERE b.status = 'OPEN' AND (b.seller_id, b.bundle_key) IN (
                SELECT * FROM unnest($1::text[], $2::text[]))
            ORDER BY b.bundle_id
            FOR UPDATE
            """,
            [s for s, _ in ordered],
            [k for _, k in ordered],
        )
        found = (_bundle(r) for r in rows)
        return {b.ref: b for b in found}

    async def add(self, bundles: Sequence[Bundle]) -> list[Bundle]:
        if not bundles:
            return []
        rows = await self.conn.fetch(
            """
            INSERT INTO bundles (bundle_id, seller_id, bundle_key, recipient_key, seal_after)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
                                 $5::timestamptz[])
            ON CONFLICT (seller_id, bundle_key) WHERE status = 'OPEN' DO NOTHING
            RETURNING bundle_id
            """,
            [b.bundle_id for b in bundles],
            [b.seller_id for b in bundles],
            [b.group_key for b in bundles],
            [b.recipient_key for b in bundles],
            [b.seal_after for b in bundles],
        )
        stored = {r["bundle_id"] for r in rows}
        for b in bundles:
            b.stored = b.bundle_id in stored
        return [b for b in bundles if not b.stored]

    async def add_members(self, joined: Sequence[Joined]) -> set[str]:
        if not joined:
            return set()
        ordered = sorted(joined, key=lambda j: j[0].uid)
        rows = await self.conn.fetch(
            """
            INSERT INTO bundle_members (order_uid, bundle_id, event, paid_at, matched_event_id,
                recipient_bundle_key, name_h, address_h, phone_h, mobile_h)
            SELECT * FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::timestamptz[],
                $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
            ON CONFLICT (order_uid) DO UPDATE
            SET bundle_id = EXCLUDED.bundle_id, event = EXCLUDED.event,
                paid_at = EXCLUDED.paid_at, matched_event_id = EXCLUDED.matched_event_id,
                withdrawn_at = NULL, recipient_bundle_key = EXCLUDED.recipient_bundle_key,
                name_h = EXCLUDED.name_h, address_h = EXCLUDED.address_h,
                phone_h = EXCLUDED.phone_h, mobile_h = EXCLUDED.mobile_h, joined_at = now()
            WHERE bundle_members.withdrawn_at IS NOT NULL
            RETURNING order_uid
            """,
            [a.uid for a, _, _ in ordered],
            [bundle_id for _, bundle_id, _ in ordered],
            [a.order.model_dump_json() for a, _, _ in ordered],
            [a.order.paid_at for a, _, _ in ordered],
            [a.order.event_id for a, _, _ in ordered],
            [a.key for a, _, _ in ordered],
            *([a.hashes[i] for a, _, _ in ordered] for i in range(4)),
        )
        return {r["order_uid"] for r in rows}

    async def due(self, limit: int, seller_id: str | None, now: bool) -> list[Bundle]:
        rows = await self.conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM bundles b
            WHERE status = 'OPEN' AND ($2 OR seal_after <= now())
              AND ($3::text IS NULL OR seller_id = $3)
              AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.status = 'PENDING'
                              AND (r.bundle_a = b.bundle_id OR r.bundle_b = b.bundle_id))
            ORDER BY seal_after
            LIMIT $1
            FOR UPDATE SKIP LOCKED
            """,
            limit,
            now,
            seller_id,
        )
        return [_bundle(r) for r in rows]

    async def held(self, bundle_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self.conn.fetch(
            """
            SELECT bundle_a, bundle_b FROM reviews
            WHERE status = 'PENDING'
              AND (bundle_a = ANY($1::uuid[]) OR bundle_b = ANY($1::uuid[]))
            """,
            list(bundle_ids),
        )
        return {b for r in rows for b in (r["bundle_a"], r["bundle_b"])} & set(bundle_ids)

    async def live_members(
        self, bundle_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[OrderMatched]]:
        return await repository.members_of(self.conn, list(bundle_ids))

    async def save_sealed(self, bundles: Sequence[Bundle]) -> None:
        if not bundles:
            return
        events = [b.sealed for b in bundles]
        await self.conn.execute(
            """
            UPDATE bundles b SET status = u.status,
                sealed_at = CASE WHEN u.status = 'SEALED' THEN now() ELSE b.sealed_at END,
                revision = coalesce(u.revision, b.revision),
                separate_invoices = coalesce(u.separate, b.separate_invoices),
                paid_at = coalesce(u.paid_at, b.paid_at)
            FROM unnest($1::uuid[], $2::text[], $3::int[], $4::boolean[], $5::timestamptz[])
                AS u(bundle_id, status, revision, separate, paid_at)
            WHERE b.bundle_id = u.bundle_id
            """,
            [b.bundle_id for b in bundles],
            [b.status.value for b in bundles],
            [e.revision if e else None for e in events],
            [e.separate_invoices if e else None for e in events],
            [e.paid_at if e else None for e in events],
        )

    async def hold(self, ids: Collection[uuid.UUID] = (), orders: Collection[str] = ()) -> Held:
        return await held_store.hold(self.conn, ids, orders)

    async def save(self, bundles: Iterable[Bundle]) -> None:
        await held_store.save(self.conn, bundles)

    async def is_sellers(self, seller_id: str, bundle_id: uuid.UUID) -> bool:
        value = await self.conn.fetchval(
            "SELECT true FROM bundles WHERE bundle_id = $1 AND seller_id = $2",
            bundle_id,
            seller_id,
        )
        return value is not None

    async def open_of(self, seller_id: str) -> list[Bundle]:
        return await held_store.open_of(self.conn, seller_id)
