"""The simulators of the outside world as their own processes, as `packline up` and `packline
demo` run them in the embedded default: sellers' Coupang and Naver orders come from the
marketplace simulator, tracking numbers and sorting codes from the courier simulator, over HTTP."""

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from packline_launcher.embedded import free_port, stop_process


@dataclass(frozen=True)
class SimulatorKind:
    module: str  # run as `python -m <module> --port P --seed N`
    name: str  # for logs and errors
    label: str  # for stop_process


MARKETPLACES = SimulatorKind("packline_marketsim", "marketplace simulator", "marketsim")
COURIERS = SimulatorKind("packline_couriersim", "courier simulator", "couriersim")


class SimulatorProcess:
    def __init__(
        self,
        kind: SimulatorKind,
        log_path: Path,
        port: int | None = None,
        seed: int = 1,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.preexec = preexec  # e.g. die with the launcher, as the services do
        self.port = port or free_port()
        self.log_path = log_path
        self.seed = seed
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        command = [
            sys.executable,
            "-m",
            self.kind.module,
            "--port",
            str(self.port),
            "--seed",
            str(self.seed),
        ]
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=self.preexec,
            )
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the {self.kind.name} exited; see {self.log_path}")
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the {self.kind.name} did not start in {timeout}s")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, self.kind.label)
            self.process = None
