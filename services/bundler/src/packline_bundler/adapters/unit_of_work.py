"""The bundler's unit of work: the runtime's transaction and outbox, with typed repositories on
the same connection (`uow.bundles`, `uow.orders`, `uow.reviews`, `uow.settings`)."""

import uuid
from collections.abc import Collection, Sequence

from packline_bundler.adapters import changes, settings
from packline_bundler.adapters.bundle_store import PgBundleRepository
from packline_bundler.adapters.review_store import PgReviewRepository
from packline_bundler.domain.arrivals import Exclusions
from packline_bundler.domain.sealing import SealSettings
from packline_contracts import Event, OrderRecipientChanged
from packline_runtime import recipient_changes, tombstones
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
        return await changes.revoked_among(self.conn, event_ids)

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


class PgSettingsRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def timing(self, sellers: Collection[str]) -> dict[str, SealSettings]:
        return await settings.seal_settings(self.conn, sellers)

    async def exclusions(self, sellers: Collection[str]) -> Exclusions:
        return await settings.exclusions(self.conn, sellers)


class BundlerUnitOfWork:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.bundles = PgBundleRepository(uow.conn)
        self.orders = PgOrderRepository(uow.conn)
        self.reviews = PgReviewRepository(uow.conn)
        self.settings = PgSettingsRepository(uow.conn)

    def emit(self, event: Event) -> None:
        self._uow.emit(event)
