"""Run a simulator: in-process for tests (`running`), or as its own process (`serve`)."""

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import uvicorn
from fastapi import FastAPI

SimT = TypeVar("SimT")

_START_TIMEOUT = 15.0
_SEED = 1


@dataclass(frozen=True)
class RunningSimulator(Generic[SimT]):
    url: str
    sim: SimT


@contextlib.asynccontextmanager
async def running(
    app: FastAPI, sim: SimT, *, name: str, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSimulator[SimT]]:
    """`app` (serving `sim`) as a real HTTP server for the duration of the block; port 0 takes
    a free one. `name` names the server task and the errors if it cannot start."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",  # a simulator may run background work (progression, webhooks)
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        try:
            await server.serve()
        except SystemExit as exc:  # uvicorn exits when it cannot bind: in a test, an error
            raise RuntimeError(
                f"{name} could not start on {host}:{port} (uvicorn exit {exc.code})"
            ) from None

    task = asyncio.create_task(serve(), name=name)
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError(f"{name} stopped before it started")
        if time.monotonic() > deadline:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise TimeoutError(f"{name} did not start in {_START_TIMEOUT:g}s")
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningSimulator(f"http://{host}:{bound}", sim)
    finally:
        server.should_exit = True
        await task


def serve(
    create_app: Callable[[argparse.Namespace], FastAPI],
    argv: list[str] | None,
    *,
    name: str,
    description: str,
    port: int,
    seed_help: str,
    options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """`python -m packline_<name> [--host H] [--port P] [--seed N] [the simulator's options]`:
    the app that `create_app(args)` makes, served until interrupted."""
    parser = argparse.ArgumentParser(prog=f"python -m packline_{name}", description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--seed", type=int, default=_SEED, help=seed_help)
    if options is not None:
        options(parser)
    args = parser.parse_args(argv)
    print(f"{name} listening on http://{args.host}:{args.port} (admin API under /_sim)", flush=True)
    uvicorn.run(
        create_app(args),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )


@dataclass(frozen=True)
class Simulated(Generic[SimT]):
    """One simulator, as tests run it (`running`) and as its own process (`main`)."""

    name: str  # marketsim: the command is `python -m packline_<name>`
    new_sim: Callable[[int], SimT]  # a fresh simulator from a seed
    create_app: Callable[[SimT], FastAPI]
    description: str
    port: int  # the command's default
    seed_help: str
    # the simulator's own command-line options, and how they set up a fresh simulator
    options: Callable[[argparse.ArgumentParser], None] | None = None
    configure: Callable[[SimT, argparse.Namespace], None] | None = None

    def running(
        self, sim: SimT | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> contextlib.AbstractAsyncContextManager[RunningSimulator[SimT]]:
        """A real HTTP server (on a free loopback port by default) for the duration of the
        block, serving `sim` or a fresh simulator."""
        sim = sim if sim is not None else self.new_sim(_SEED)
        return running(self.create_app(sim), sim, name=self.name, host=host, port=port)

    def main(self, argv: list[str] | None = None) -> None:
        def create(args: argparse.Namespace) -> FastAPI:
            sim = self.new_sim(args.seed)
            if self.configure is not None:
                self.configure(sim, args)
            return self.create_app(sim)

        serve(
            create,
            argv,
            name=self.name,
            description=self.description,
            port=self.port,
            seed_help=self.seed_help,
            options=self.options,
        )
