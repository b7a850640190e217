"""The chaos run on the embedded stack: every service SIGKILLed once, the broker and PostgreSQL
killed, cancellations racing scans; the supervisor heals, and everything is counted."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from packline_launcher.stack import Stack

from .chaos import STACK_ENV, embedded_faults, run_chaos

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack(Path(tmp_path_factory.mktemp("chaos")), replicas=1, fresh=True, env=dict(STACK_ENV))
    s.start()
    try:
        yield s
    finally:
        s.stop()


def test_chaos_every_order_shipped_waiting_or_cancelled_exactly_once_and_stock_reconciles(
    stack: Stack,
) -> None:
    run_chaos(stack, embedded_faults(stack))
