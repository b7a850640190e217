"""The allocator's unit of work: the runtime's transaction and outbox, with typed repositories
of its aggregates on the same connection (`uow.stock`, `uow.bundles`, `uow.orders`, ...)."""

from packline_allocator.adapters.allocation_bundles import PgBundleRepository
from packline_allocator.adapters.movements import PgMovementRepository
from packline_allocator.adapters.orders import PgOrderRepository
from packline_allocator.adapters.partial import PgPartialRepository
from packline_allocator.adapters.partial_cancels import PgClaimRepository
from packline_allocator.adapters.revisions import PgIntakeRepository
from packline_allocator.adapters.rules import PgRuleRepository
from packline_allocator.adapters.stock import PgStockRepository
from packline_allocator.adapters.wave_modes import PgWaveModeRepository
from packline_allocator.adapters.wave_records import PgWaveRepository
from packline_contracts import Event
from packline_runtime.unit_of_work import UnitOfWork


class AllocatorUnitOfWork:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.stock = PgStockRepository(uow.conn)
        self.bundles = PgBundleRepository(uow.conn)
        self.orders = PgOrderRepository(uow.conn)
        self.claims = PgClaimRepository(uow.conn)
        self.intake = PgIntakeRepository(uow.conn)
        self.rules = PgRuleRepository(uow.conn)
        self.waves = PgWaveRepository(uow.conn)
        self.wave_modes = PgWaveModeRepository(uow.conn)
        self.movements = PgMovementRepository(uow.conn)
        self.partial = PgPartialRepository(uow.conn)

    def emit(self, event: Event) -> None:
        self._uow.emit(event)
