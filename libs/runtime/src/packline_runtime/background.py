"""Background work of a service process: a job run repeatedly while the service is up, as a
hook the runtime enters after startup and leaves before shutdown."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager

log = logging.getLogger("packline_runtime.service")  # where these lines were always logged

Job = Callable[[], Awaitable[int]]


def repeating(
    service: str, seconds: float, name: str, job: Job
) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """Run `job` repeatedly while the service is up: again at once while it reports work done,
    otherwise after `seconds`. Failures are logged and retried, never fatal."""

    async def loop() -> None:
        while True:
            try:
                done = await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: %s failed; retrying in %.1fs", service, name, seconds)
                done = 0
            if not done:
                await asyncio.sleep(seconds)

    @contextlib.asynccontextmanager
    async def hook(_: object) -> AsyncIterator[None]:
        task = asyncio.create_task(loop(), name=f"{service}-{name}")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return hook
