"""Run the simulator: in-process for tests (`running`), or as its own process (`main`)."""

from packline_couriersim.app import create_app
from packline_couriersim.state import Simulator
from packline_simkit import RunningSimulator as Running
from packline_simkit import Simulated

SIMULATED = Simulated(
    name="couriersim",
    new_sim=Simulator,
    create_app=create_app,
    description="A courier API (booking, address sorting codes, tracking), simulated, for Packline's waybill service",
    port=8291,
    seed_help="where in each courier's range numbers start",
)
RunningSimulator = Running[Simulator]
running = SIMULATED.running
main = SIMULATED.main
