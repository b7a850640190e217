"""Child processes of a stack: a service process and its log, the parent-death signal every
child gets, and services' migrations run side by side."""

import ctypes
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MIGRATION_TIMEOUT_S = 120


def die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the launcher itself is killed."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class ServiceProcess:
    name: str
    index: int
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    log_offset: int = 0  # where this process's part of the (appended) log starts

    def log_tail(self, chars: int = 3000) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self.log_offset)
            return log.read().decode(errors="replace")[-chars:]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def label(self) -> str:
        return f"{self.name}-{self.index}"


class Migrations:
    """`python -m packline_<name> migrate` of several services at once: each owns its schema and
    role, so they run side by side (a stack starts in half the time on two cores)."""

    def __init__(self, commands: Mapping[str, tuple[Sequence[str], Mapping[str, str]]]) -> None:
        self.running = {
            name: subprocess.Popen(
                list(command),
                env=dict(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                preexec_fn=die_with_parent,
            )
            for name, (command, env) in commands.items()
        }

    def wait(self) -> None:
        """Every one finished well, or RuntimeError naming the first that did not; none is
        left running either way."""
        try:
            for name, running in self.running.items():
                try:
                    _, stderr = running.communicate(timeout=MIGRATION_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    raise RuntimeError(
                        f"migrating {name} took over {MIGRATION_TIMEOUT_S} s"
                    ) from None
                if running.returncode != 0:
                    raise RuntimeError(f"migrating {name} failed:\n{stderr[-3000:]}")
        finally:
            self.stop()

    def stop(self) -> None:
        for running in self.running.values():
            if running.poll() is None:
                running.kill()
                running.communicate()
