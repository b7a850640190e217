"""Claiming serials from the courier's number band; an exhausted band stops the consumer."""

from packline_runtime.consumer import PermanentError
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands
from packline_waybill.domain.numbers import NumberBand


async def claim(uow: UnitOfWork, band: NumberBand, count: int) -> int:
    first_serial = await bands.claim(uow.conn, band.courier_code, count)
    if first_serial is None:
        exhausted = band.exhausted(count, await bands.next_serial(uow.conn, band.courier_code))
        raise PermanentError(str(exhausted)) from exhausted
    return first_serial
