"""One running stack for the package: the authorization matrix (sellers authz-seller-a/b) and
Schemathesis (seller-api) each act as their own sellers on it, so neither sees the other's
rows, and the suite starts six services once instead of twice."""

from collections.abc import Iterator

import pytest

from packline_launcher.stack import Stack


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack(
        tmp_path_factory.mktemp("api"),
        replicas=1,
        fresh=True,
        partitions=2,
        env={
            "PACKLINE_COLLECT_TICK_SECONDS": "3600",
            "PACKLINE_BUNDLE_HOLD_SECONDS": "1",
        },
    )
    s.start()
    try:
        yield s
    finally:
        s.stop()
