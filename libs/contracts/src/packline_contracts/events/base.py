"""Base class of every order-state event."""

from packline_contracts.envelope import Envelope


class Event(Envelope):
    """An immutable, past-tense fact. `event_type` is pinned by each subclass."""

    event_type: str
