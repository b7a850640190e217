"""Seller settings as decisions: sealing rule (with open bundles rescheduled) and exclusions."""

from datetime import timedelta

from packline_bundler.adapters import settings
from packline_bundler.domain.sealing import SealSettings, seal_after
from packline_contracts import utcnow
from packline_runtime import decisions
from packline_runtime.unit_of_work import UnitOfWork


async def sealing(
    uow: UnitOfWork, seller_id: str, rule: SealSettings, default_hold: timedelta, by: str, why: str
) -> int:
    await settings.save(uow.conn, seller_id, rule, by)
    now = utcnow()
    plan = []
    for bundle_id, opened_at in await settings.open_bundles(uow.conn, seller_id):
        # a hold window counts from when the bundle opened; a cut-off from now
        base = opened_at if rule.mode == "HOLD" else now
        plan.append((bundle_id, seal_after(rule, base, default_hold)))
    await settings.reschedule(uow.conn, plan)
    await decisions.record(
        uow.conn,
        seller_id,
        "SETTINGS",
        {
            "mode": rule.mode,
            "hold_seconds": rule.hold.total_seconds() if rule.hold is not None else None,
            "cutoffs": [c.strftime("%H:%M") for c in rule.cutoffs],
        },
        by,
        why,
    )
    return len(plan)


async def exclusion(
    uow: UnitOfWork, seller_id: str, kind: str, value: str, exclude: bool, by: str, why: str
) -> bool:
    if exclude:
        await settings.exclude(uow.conn, seller_id, kind, value, by, why)
        found = True
    else:
        found = await settings.include(uow.conn, seller_id, kind, value)
    if found:
        action = "EXCLUDE" if exclude else "INCLUDE"
        await decisions.record(uow.conn, seller_id, action, {"kind": kind, "value": value}, by, why)
    return found
