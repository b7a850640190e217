from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_console.bootstrap import MIGRATIONS
from services.console.tests.integration.console_harness import Harness, running_console


@pytest.fixture
async def console(new_schema: Any) -> AsyncIterator[Harness]:
    pool = await new_schema(MIGRATIONS, prefix="console")
    async with running_console(pool) as harness:
        yield harness
