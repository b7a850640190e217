"""Run the simulator: in-process for tests (`running`), or as its own process (`main`)."""

import contextlib
from collections.abc import AsyncIterator

from packline_marketsim.app import create_app
from packline_marketsim.state import Simulator
from packline_simkit import server

RunningSimulator = server.RunningSimulator[Simulator]


@contextlib.asynccontextmanager
async def running(
    sim: Simulator | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSimulator]:
    """A real HTTP server on a free loopback port for the duration of the block."""
    sim = sim or Simulator()
    async with server.running(create_app(sim), sim, name="marketsim", host=host, port=port) as up:
        yield up


def main(argv: list[str] | None = None) -> None:
    server.serve(
        lambda seed: create_app(Simulator(seed=seed)),
        argv,
        name="marketsim",
        description="Coupang WING and Naver Commerce, simulated, for Packline's collector",
        port=8290,
        seed_help="ids and generated data",
    )
