"""The matcher's unit of work: the runtime's transaction and outbox, with typed repositories on
the same connection (`uow.mappings`, `uow.catalogue`, `uow.queue`, `uow.matched`,
`uow.orders`, `uow.decisions`)."""

from packline_contracts import Event
from packline_matcher.adapters.catalogue import PgCatalogueRepository
from packline_matcher.adapters.decisions import PgDecisionRepository
from packline_matcher.adapters.held import PgQueueRepository
from packline_matcher.adapters.mappings import PgMappingRepository
from packline_matcher.adapters.matched import PgMatchedRepository
from packline_matcher.adapters.orders import PgOrderRepository
from packline_runtime.unit_of_work import UnitOfWork


class MatcherUnitOfWork:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.mappings = PgMappingRepository(uow.conn)
        self.catalogue = PgCatalogueRepository(uow.conn)
        self.queue = PgQueueRepository(uow.conn)
        self.matched = PgMatchedRepository(uow.conn)
        self.orders = PgOrderRepository(uow.conn)
        self.decisions = PgDecisionRepository(uow.conn)

    def emit(self, event: Event) -> None:
        self._uow.emit(event)
