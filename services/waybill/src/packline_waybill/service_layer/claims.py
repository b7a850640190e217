"""Taking numbers from a band: a courier account's bands, or the service's own band for sellers
who chose no courier account. An exhausted band stops the consumer (a person must add one)."""

from dataclasses import dataclass

from packline_runtime.consumer import PermanentError
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands
from packline_waybill.domain.numbers import BandExhausted, NumberBand
from packline_waybill.service_layer import accounts as account_repo


@dataclass(frozen=True)
class Numbering:
    """What numbers a parcel when its seller chose no courier account (the service's band), and
    the key that opens courier API secrets."""

    band: NumberBand
    box: SecretBox | None = None


async def claim(uow: UnitOfWork, band: NumberBand, count: int) -> int:
    first_serial = await bands.claim(uow.conn, band.courier_code, count)
    if first_serial is None:
        exhausted = band.exhausted(count, await bands.next_serial(uow.conn, band.courier_code))
        raise PermanentError(str(exhausted)) from exhausted
    return first_serial


async def claim_numbers(
    uow: UnitOfWork, numbering: Numbering, account_id: int | None, count: int
) -> list[str]:
    """`count` numbers from the account's bands (or the service band), all or none."""
    if account_id is None:
        first = await claim(uow, numbering.band, count)
        return [numbering.band.tracking_number(first + i) for i in range(count)]
    try:
        return await account_repo.claim(uow.conn, account_id, count)
    except BandExhausted as exc:
        raise PermanentError(str(exc)) from exc
