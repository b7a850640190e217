"""Schemathesis (`--checks all`) against every service's OpenAPI, on the embedded stack with
each service as its own process: no 5xx, no answer outside its own schema, no undocumented
status code. Every request carries a valid token of one seller (st_hooks). Bounded examples and a fixed seed keep the run deterministic and short."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from packline_launcher.stack import SERVICES, Stack

pytestmark = pytest.mark.api
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
HERE = Path(__file__).parent
CONFIG = HERE / "schemathesis.toml"
MAX_EXAMPLES = os.environ.get("PACKLINE_API_EXAMPLES", "10")


@pytest.mark.parametrize("service", SERVICES)
def test_schemathesis_finds_nothing(stack: Stack, service: str, tmp_path: Path) -> None:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        f"{stack.url(service)}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        "20261130",
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--report-dir",
        str(tmp_path),
        "--no-color",
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "st_hooks",
        "PACKLINE_API_STACK_WORKDIR": str(stack.workdir),  # st_hooks signs tokens with its key
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, f"{service}:\n{result.stdout[-20000:]}\n{result.stderr[-3000:]}"
