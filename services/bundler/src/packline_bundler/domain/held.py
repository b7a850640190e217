"""The bundles a batch of changes touches, locked and loaded with all their members at once:
found by id or by an order they hold, and where allocation takes members back."""

import uuid
from collections.abc import Iterable, Iterator, Sequence

from packline_bundler.domain.bundle import Bundle


class Held:
    def __init__(self, bundles: Iterable[Bundle]) -> None:
        self.by_id = {b.bundle_id: b for b in bundles}
        self._where = {uid: b.bundle_id for b in self.by_id.values() for uid in b.members}

    def __iter__(self) -> Iterator[Bundle]:
        return iter(sorted(self.by_id.values(), key=lambda b: b.bundle_id))

    def of(self, uid: str) -> Bundle | None:
        """The bundle the order is a member of (in any state), if any."""
        where = self._where.get(uid)
        return self.by_id[where] if where is not None else None

    def reclaim(self, bundle_id: uuid.UUID, uids: Sequence[str]) -> list[str]:
        """Allocation won: of the allocated bundle's orders, those a change had taken out
        (withdrawn, or joined another bundle since) come back to it. A sealed bundle they left
        empty is over. Returns the orders that came back."""
        bundle = self.by_id[bundle_id]
        back, sources = [], set()
        for uid in uids:
            source = self.of(uid)
            if source is None:
                continue
            if source is not bundle:
                sources.add(source.bundle_id)
            if bundle.take_back(uid, source):
                self._where[uid] = bundle_id
                back.append(uid)
        if back:
            for source_id in sorted(sources):
                self.by_id[source_id].settle()
        return back
