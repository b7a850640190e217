"""Seller settings as decisions: sealing rule (with open bundles rescheduled) and exclusions."""

from datetime import timedelta

from packline_bundler.domain.sealing import SealSettings
from packline_bundler.service_layer.ports import Work
from packline_contracts import utcnow


async def sealing(
    work: Work, seller_id: str, rule: SealSettings, default_hold: timedelta, by: str, why: str
) -> int:
    """Returns how many open bundles were rescheduled."""
    await work.settings.save(seller_id, rule, by)
    now = utcnow()
    bundles = await work.bundles.open_of(seller_id)
    for bundle in bundles:
        bundle.reschedule(rule, default_hold, now)
    await work.bundles.save(bundles)
    await work.decisions.record(
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
    return len(bundles)


async def exclusion(
    work: Work, seller_id: str, kind: str, value: str, exclude: bool, by: str, why: str
) -> bool:
    if exclude:
        await work.settings.exclude(seller_id, kind, value, by, why)
        found = True
    else:
        found = await work.settings.include(seller_id, kind, value)
    if found:
        action = "EXCLUDE" if exclude else "INCLUDE"
        await work.decisions.record(seller_id, action, {"kind": kind, "value": value}, by, why)
    return found
