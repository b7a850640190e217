"""The bundler's unit of work: the runtime's transaction and outbox, with typed repositories on
the same connection (`uow.bundles`, `uow.orders`, `uow.reviews`, `uow.settings`,
`uow.decisions`)."""

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from packline_bundler.adapters import revoked_matches, settings
from packline_bundler.adapters.bundle_store import PgBundleRepository
from packline_bundler.adapters.review_store import PgReviewRepository
from packline_bundler.domain.arrivals import Exclusions
from packline_bundler.domain.sealing import SealSettings
from packline_contracts import Event, OrderRecipientChanged
from packline_runtime import decisions, recipient_changes, tombstones
from packline_runtime.db import Conn
from packline_runtime.unit_of_work import UnitOfWork


class PgOrderRepository:
    """What the bundler knows of orders before they join: cancels, revoked matches, address
    changes heard early, and memberships."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def cancelled_among(self, uids: Sequence[str]) -> set[str]:
        return await tombstones.cancelled_among(self.conn, uids)

    async def revoked_among(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return await revoked_matches.revoked_among(self.conn, event_ids)

    async def readdressed(self, uids: Sequence[str]) -> dict[str, OrderRecipientChanged]:
        return await recipient_changes.latest_for(self.conn, uids)

    async def memberships(self, uids: Sequence[str]) -> dict[str, bool]:
        rows = await self.conn.fetch(
            """
            SELECT order_uid, withdrawn_at IS NULL AS live FROM bundle_members
            WHERE order_uid = ANY($1::text[])
            """,
            list(uids),
        )
        return {r["order_uid"]: r["live"] for r in rows}

    async def record_cancelled(self, uids: Sequence[str]) -> None:
        await tombstones.record(self.conn, uids)

    async def revoke(self, matches: Sequence[tuple[uuid.UUID, str]]) -> None:
        await revoked_matches.revoke(self.conn, [m for m, _ in matches], [u for _, u in matches])

    async def record_readdressed(self, events: Sequence[OrderRecipientChanged]) -> None:
        await recipient_changes.record(self.conn, events)


class PgSettingsRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def timing(self, sellers: Collection[str]) -> dict[str, SealSettings]:
        return await settings.seal_settings(self.conn, sellers)

    async def exclusions(self, sellers: Collection[str]) -> Exclusions:
        return await settings.exclusions(self.conn, sellers)

    async def save(self, seller_id: str, rule: SealSettings, by: str) -> None:
        await settings.save(self.conn, seller_id, rule, by)

    async def exclude(self, seller_id: str, kind: str, value: str, by: str, why: str) -> None:
        await settings.exclude(self.conn, seller_id, kind, value, by, why)

    async def include(self, seller_id: str, kind: str, value: str) -> bool:
        return await settings.include(self.conn, seller_id, kind, value)


class PgDecisionLog:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def record(
        self, seller_id: str, action: str, subject: dict[str, Any], by: str, reason: str
    ) -> None:
        await decisions.record(self.conn, seller_id, action, subject, by, reason)


class BundlerUnitOfWork:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.bundles = PgBundleRepository(uow.conn)
        self.orders = PgOrderRepository(uow.conn)
        self.reviews = PgReviewRepository(uow.conn)
        self.settings = PgSettingsRepository(uow.conn)
        self.decisions = PgDecisionLog(uow.conn)

    def emit(self, event: Event) -> None:
        self._uow.emit(event)
