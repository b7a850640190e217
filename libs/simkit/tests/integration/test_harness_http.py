"""The harness on a real server: the script routes, the call log, health, and start-up errors."""

from dataclasses import dataclass, field
from typing import Literal

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from packline_simkit import (
    Script,
    Simulated,
    add_script_routes,
    note_call,
    running,
    simulator_app,
    validation_problems,
)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["fail"]
    account: str | None = None
    operation: Literal["ping"] | None = None
    times: int = Field(default=1, ge=1)
    skip: int = Field(default=0, ge=0)


@dataclass
class Sim:
    script: Script[Rule] = field(default_factory=Script)
    calls: list[tuple[tuple[str, ...], int]] = field(default_factory=list)


def _app(sim: Sim) -> FastAPI:
    admin = APIRouter(prefix="/_sim")
    add_script_routes(admin, sim.script, Rule)
    app = simulator_app("a test simulator", sim, [admin], lambda c, s: sim.calls.append((c, s)))

    @app.get("/ping/{account}")
    async def ping(request: Request, account: str) -> JSONResponse:
        note_call(request, account, "ping")
        if sim.script.take(account, "ping"):
            return JSONResponse({"failed": True}, status_code=503)
        return JSONResponse({"pong": account})

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_problems(exc)}, status_code=422)

    return app


async def test_rules_armed_over_http_fire_on_matching_calls_and_are_logged() -> None:
    sim = Sim()
    async with running(_app(sim), sim, name="testsim") as server, httpx.AsyncClient() as http:
        assert (await http.get(f"{server.url}/health")).json() == {"status": "ok"}
        armed = await http.post(
            f"{server.url}/_sim/script",
            json={"rules": [{"action": "fail", "account": "A1", "skip": 1}]},
        )
        assert armed.json() == {"pending": 1}
        statuses = [
            (await http.get(f"{server.url}/ping/{a}")).status_code for a in "A1 A2 A1".split()
        ]
        assert statuses == [200, 200, 503]
        assert sim.calls == [(("A1", "ping"), 200), (("A2", "ping"), 200), (("A1", "ping"), 503)]
        assert sim.script.pending() == 0
        cleared = await http.delete(f"{server.url}/_sim/script")
        assert cleared.json() == {"pending": 0}


async def test_a_rule_the_simulator_does_not_know_is_a_clear_422() -> None:
    sim = Sim()
    async with running(_app(sim), sim, name="testsim") as server, httpx.AsyncClient() as http:
        answer = await http.post(
            f"{server.url}/_sim/script", json={"rules": [{"action": "explode", "times": 0}]}
        )
        assert answer.status_code == 422
        assert "rules.0.action" in answer.json()["detail"]
        assert "rules.0.times" in answer.json()["detail"]
        assert sim.script.pending() == 0
        assert sim.calls == []  # the admin API is not in the call log


async def test_a_server_that_cannot_bind_says_so() -> None:
    sim = Sim()
    async with running(_app(sim), sim, name="first") as server:
        port = int(server.url.rsplit(":", 1)[1])
        with pytest.raises(RuntimeError, match=f"second could not start on 127.0.0.1:{port}"):
            async with running(_app(sim), sim, name="second", port=port):
                pass


def _simulated() -> Simulated[Sim]:
    return Simulated(
        name="testsim",
        new_sim=lambda _seed: Sim(),
        create_app=_app,
        description="a simulator for the harness's own tests",
        port=8299,
        seed_help="where it starts",
    )


async def test_a_simulator_runs_a_fresh_state_when_given_none() -> None:
    async with _simulated().running() as server, httpx.AsyncClient() as http:
        assert (await http.get(f"{server.url}/ping/A1")).json() == {"pong": "A1"}
        assert server.sim.calls == [(("A1", "ping"), 200)]


def test_the_command_line_names_the_module_and_its_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        _simulated().main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert "python -m packline_testsim" in shown
    assert "where it starts" in shown
    assert "a simulator for the harness's own tests" in shown
