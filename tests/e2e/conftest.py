"""The stack the marketplace loop and the partial cancellation share: one seller each
(seller-loop, seller-partial), neither kills a process, so one start serves both modules."""

from collections.abc import Iterator

import pytest

from packline_launcher.stack import Stack

from .loop import STACK_ENV


@pytest.fixture(scope="package")
def market_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack(tmp_path_factory.mktemp("market"), replicas=1, fresh=True, env=dict(STACK_ENV))
    s.start()
    try:
        yield s
    finally:
        s.stop()
