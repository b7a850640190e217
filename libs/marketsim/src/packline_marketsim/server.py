"""Run the simulator: in-process for tests (`running`), or as its own process (`main`)."""

from packline_marketsim.app import create_app
from packline_marketsim.state import Simulator
from packline_simkit import RunningSimulator as Running
from packline_simkit import Simulated

SIMULATED = Simulated(
    name="marketsim",
    new_sim=Simulator,
    create_app=create_app,
    description="Coupang WING and Naver Commerce, simulated, for Packline's collector",
    port=8290,
    seed_help="ids and generated data",
)
RunningSimulator = Running[Simulator]
running = SIMULATED.running
main = SIMULATED.main
