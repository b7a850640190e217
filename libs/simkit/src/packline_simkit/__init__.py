"""The harness the simulators of the outside world share (marketsim, couriersim): a real HTTP
server in process for tests, the `python -m` command line, the fault script with its admin
routes, the call log and the health route.

It knows no marketplace, no courier and no Packline package: each simulator brings its own
state, rules and error shapes.
"""

from packline_simkit.app import note_call, simulator_app, validation_problems
from packline_simkit.script import Script, ScriptedRule, add_script_routes
from packline_simkit.server import RunningSimulator, Simulated, running, serve

__all__ = [
    "RunningSimulator",
    "Script",
    "ScriptedRule",
    "Simulated",
    "add_script_routes",
    "note_call",
    "running",
    "serve",
    "simulator_app",
    "validation_problems",
]
