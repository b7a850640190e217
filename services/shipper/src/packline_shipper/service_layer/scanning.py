"""The scan use case (출고 스캔): ship every scanned parcel in one transaction, or none."""

from collections.abc import Sequence

from packline_contracts import utcnow
from packline_runtime.unit_of_work import UnitOfWork
from packline_shipper.adapters import repository as repo
from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.scan import ScanRejected, ScanResult, check_scan, normalise_scan


async def scan(uow: UnitOfWork, raw_numbers: Sequence[str], scanned_by: str) -> ScanResult:
    """Raises ScanRejected (listing every bad number) before anything changes. Parcels already
    shipped are reported, never shipped twice: the row lock makes a concurrent scan wait and
    then see SHIPPED."""
    numbers, problems = normalise_scan(raw_numbers)
    parcels = await repo.lock_numbers(uow.conn, numbers) if numbers else {}
    problems += check_scan(numbers, parcels)
    if problems:
        raise ScanRejected(problems)
    now = utcnow()
    result = ScanResult()
    shipped: list[Parcel] = []
    for number in numbers:
        event = parcels[number].ship(scanned_by, now)
        if event is None:
            result.already_shipped.append(number)
        else:
            uow.emit(event)
            shipped.append(parcels[number])
            result.shipped.append(number)
    if shipped:
        await repo.save_states(uow.conn, shipped)
    return result
