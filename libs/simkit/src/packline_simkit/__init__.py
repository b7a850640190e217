"""The harness the simulators of the outside world share (marketsim, couriersim): a real HTTP
server in process for tests, the `python -m` command line, the fault script with its admin
routes, the call log and the health route.

It knows no marketplace, no courier and no Packline package: each simulator brings its own
state, rules and error shapes.
"""

from packline_simkit.app import add_call_log, add_health, note_call, validation_problems
from packline_simkit.script import Script, ScriptedRule, add_script_routes
from packline_simkit.server import RunningSimulator, running, serve

__all__ = [
    "RunningSimulator",
    "Script",
    "ScriptedRule",
    "add_call_log",
    "add_health",
    "add_script_routes",
    "note_call",
    "running",
    "serve",
    "validation_problems",
]
