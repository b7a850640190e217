"""1,000 orders through all six stages on the embedded broker and PostgreSQL, with two
processes of every service, replayed events, a poison message and a SIGKILLed service."""

from typing import Any

import pytest

from packline_launcher.stack import Stack

from .scenario import STACK_ENV, run_pipeline

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    s = Stack(tmp_path_factory.mktemp("e2e"), replicas=2, fresh=True, env=dict(STACK_ENV))
    s.start()
    try:
        yield s
    finally:
        s.stop()


def test_a_thousand_orders_ship_exactly_once_through_replicas_replays_and_a_crash(
    stack: Stack,
) -> None:
    run_pipeline(stack)
