"""Run the simulator: in-process for tests (`running`), or as its own process (`main`)."""

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import uvicorn

from packline_couriersim.app import create_app
from packline_couriersim.state import Simulator


@dataclass(frozen=True)
class RunningSimulator:
    url: str
    sim: Simulator


@contextlib.asynccontextmanager
async def running(
    sim: Simulator | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSimulator]:
    """A real HTTP server on a free loopback port for the duration of the block."""
    sim = sim or Simulator()
    config = uvicorn.Config(
        create_app(sim),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(), name="couriersim")
    deadline = time.monotonic() + 15
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError("the courier simulator stopped before it started")
        if time.monotonic() > deadline:
            raise TimeoutError("the courier simulator did not start in 15s")
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningSimulator(f"http://{host}:{bound}", sim)
    finally:
        server.should_exit = True
        await task


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m packline_couriersim",
        description="A courier API (booking, address sorting codes, tracking), simulated, for Packline's waybill service",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8291)
    parser.add_argument(
        "--seed", type=int, default=1, help="where in each courier's range numbers start"
    )
    parser.add_argument(
        "--progress-seconds",
        type=float,
        default=None,
        help="move every parcel one usual status per this many seconds (demo); off by default",
    )
    args = parser.parse_args(argv)
    sim = Simulator(seed=args.seed)
    if args.progress_seconds:
        sim.progress_step = timedelta(seconds=args.progress_seconds)
    print(
        f"couriersim listening on http://{args.host}:{args.port} (admin API under /_sim)",
        flush=True,
    )
    uvicorn.run(
        create_app(sim),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
