"""The scan use case (출고 스캔): every row gets its answer; the parcels ship in one transaction,
all or none, unless the scan allows a partial one (then the OK rows ship, the rest are told why)."""

import logging
from collections.abc import Sequence

from packline_contracts import utcnow
from packline_runtime.unit_of_work import UnitOfWork
from packline_shipper.adapters import repository as repo
from packline_shipper.domain.scan import (
    ScanCode,
    ScannedRow,
    ScanRejected,
    ScanReport,
    answer_rows,
)

log = logging.getLogger(__name__)


async def scan(
    uow: UnitOfWork,
    seller_id: str,
    rows: Sequence[ScannedRow],
    scanned_by: str,
    *,
    allow_partial: bool = False,
    confirm_incomplete: bool = False,
) -> ScanReport:
    """Raises ScanRejected (with every row's answer) before anything changes when a row cannot
    ship and `allow_partial` is off. The row locks make a concurrent scan of the same parcel
    wait and then answer ALREADY_SHIPPED, and a cancel decided first answer 출고 중지."""
    numbers = sorted({row.number for row in rows if row.number})
    parcels = await repo.lock_numbers(uow.conn, seller_id, numbers) if numbers else {}
    voided = [p.parcel_id for p in parcels.values() if p.status == "VOIDED"]
    replacements = await repo.live_numbers(uow.conn, seller_id, voided) if voided else {}
    report = ScanReport(
        answer_rows(rows, parcels, replacements, confirm_incomplete=confirm_incomplete)
    )
    if report.blocked and not allow_partial:
        raise ScanRejected(report)
    now = utcnow()
    shipping = [a for a in report.rows if a.code is ScanCode.OK]
    for answer in shipping:
        parcel = parcels[answer.tracking_number]
        event = parcel.ship(scanned_by, now)
        if event is not None:  # OK means READY: a re-scan is ALREADY_SHIPPED
            uow.emit(event)
        answer.shipped, answer.shipped_at, answer.message = True, now, "출고 완료"
    if shipping:
        await repo.save_states(uow.conn, [parcels[a.tracking_number] for a in shipping])
    log.info(
        "scan for seller %s: %d row(s), %d shipped, %d not shippable",
        seller_id,
        len(report.rows),
        len(shipping),
        len(report.blocked),
    )
    return report
