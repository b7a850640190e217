"""GET /stats and GET /flow: counts and times, no recipient data; the caller's seller's, or every
seller's for the platform role sre."""

from fastapi import APIRouter

from packline_collector.adapters import flow_view, push_views
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import orders_repository as repo
from packline_collector.domain.push import PUSHABLE, PushState
from packline_runtime import auth
from packline_runtime.flow import Flow, FlowSince, start_of
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Caller, Role


def pushed_counts(pushed: dict[str, dict[str, int]]) -> dict[str, int]:
    """Tracking-number push lines per marketplace: `pushed_coupang_sent` and so on."""
    return {
        f"pushed_{marketplace.lower()}_{state.lower()}": pushed.get(marketplace, {}).get(state, 0)
        for marketplace in sorted(PUSHABLE)
        for state in (PushState.SENT, PushState.FAILED, PushState.PENDING)
    }


def _counted(caller: Caller) -> str | None:
    return None if caller.role is Role.SRE else caller.seller_id


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["orders"])

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The caller's seller's counts; across sellers for the platform role sre.
        `attention_open`: GET /orders-attention items not yet marked handled (확인 완료)."""
        seller = _counted(caller)
        async with runtime.pool.acquire() as conn:
            counts = await repo.counts_by_status(conn, seller)
            pushed = await push_views.counts(conn, seller)
            attention_open = await changes.open_attention(conn, seller)
        return {
            "collected": sum(counts.values()),
            "in_progress": counts.get("COLLECTED", 0),
            "shipped": counts.get("SHIPPED", 0),
            "cancel_requested": counts.get("CANCEL_REQUESTED", 0),
            "cancelled": counts.get("CANCELLED", 0),
            "attention_open": attention_open,
        } | pushed_counts(pushed)

    @api.get("/flow")
    async def flow(caller: auth.CallerDep, since: FlowSince = None) -> Flow:
        """The caller's seller's (every seller's for sre) passes since `since` and oldest
        waiting items; every key is always present.

        done:
        - collected: orders registered (collected, by hand or file) since, but deleted ones
        - shipped: orders that became SHIPPED since (the shipper's Shipped, or a cancel that
          came too late), by the time their status changed (`status_at`)
        - pushed: tracking-push lines (one per marketplace order line) now SENT whose latest
          successful push (`sent_at`) is since; lines of orders registered by hand or Excel are
          NOT_APPLICABLE and never counted

        oldest (null when nothing waits):
        - collection_running: the start of the oldest collection job still RUNNING
        - push_pending: the oldest PENDING push line, by when it was first recorded
        - push_failed: the oldest FAILED push line, by its last (failed) attempt
        - attention: the oldest OPEN item of GET /orders-attention (not yet marked handled),
          by when it was detected
        - cancel_requested: the oldest order still CANCEL_REQUESTED (the shipping line has not
          decided), by when it was requested"""
        start = start_of(since)
        async with runtime.pool.acquire() as conn:
            done, oldest = await flow_view.flow(conn, _counted(caller), start)
        return Flow(since=start, done=done, oldest=oldest)

    return api
