"""Run the simulator: in-process for tests (`running`), or as its own process (`main`)."""

import argparse
from datetime import timedelta

from packline_couriersim.app import create_app
from packline_couriersim.state import Simulator
from packline_simkit import RunningSimulator as Running
from packline_simkit import Simulated


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress-seconds",
        type=float,
        default=None,
        help="move every parcel one usual status per this many seconds (demo); off by default",
    )


def _configure(sim: Simulator, args: argparse.Namespace) -> None:
    if args.progress_seconds:
        sim.progress_step = timedelta(seconds=args.progress_seconds)


SIMULATED = Simulated(
    name="couriersim",
    new_sim=Simulator,
    create_app=create_app,
    description="A courier API (booking, address sorting codes, tracking), simulated, for Packline's waybill service",
    port=8291,
    seed_help="where in each courier's range numbers start",
    options=_options,
    configure=_configure,
)
RunningSimulator = Running[Simulator]
running = SIMULATED.running
main = SIMULATED.main
