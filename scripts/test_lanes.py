"""`make test`'s two lanes, run side by side: the unit, integration, API, browser and docs tests
in one pytest, the end-to-end stacks (embedded broker, then Apache Kafka) in another. The
end-to-end lane mostly waits on its stacks, so on two cores the pair takes little longer than
the slower lane alone. Each lane has its own temporary directory (removed afterwards) and its
output, prefixed with the lane's name; the run fails when either lane fails.

    python scripts/test_lanes.py [pytest options for both lanes, e.g. -m "not kafka"]

PACKLINE_TEST_LANES=1 runs the two lanes one after the other instead."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO

END_TO_END = ["tests/e2e", "tests/kafka"]
LANES = {
    "tests": [f"--ignore={path}" for path in END_TO_END],
    "e2e": END_TO_END,
}


def _relay(name: str, stream: IO[str], lock: threading.Lock, ended: dict[str, float]) -> None:
    for line in stream:
        with lock:
            sys.stdout.write(f"[{name}] {line}")
            sys.stdout.flush()
    ended[name] = time.monotonic()  # the lane's pytest closed its output: it has finished


def _start(name: str, args: list[str], extra: list[str], basetemp: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += [f"--basetemp={basetemp}", *extra, *args]
    print(f"[{name}] {' '.join(command)}", flush=True)
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )


def main(extra: list[str]) -> int:
    serial = os.environ.get("PACKLINE_TEST_LANES") == "1"
    lock = threading.Lock()
    codes: dict[str, int] = {}
    ended: dict[str, float] = {}
    started: dict[str, float] = {}
    temps = {name: tempfile.mkdtemp(prefix=f"packline-test-{name}-") for name in LANES}
    try:
        running: list[tuple[str, subprocess.Popen[str], threading.Thread]] = []
        for name, args in LANES.items():
            started[name] = time.monotonic()
            process = _start(name, args, extra, temps[name])
            assert process.stdout is not None
            relay = threading.Thread(target=_relay, args=(name, process.stdout, lock, ended))
            relay.start()
            running.append((name, process, relay))
            if serial:
                codes[name] = process.wait()
                relay.join()
        for name, process, relay in running:
            if name not in codes:
                codes[name] = process.wait()
                relay.join()
    finally:
        for path in temps.values():
            shutil.rmtree(path, ignore_errors=True)
    for name, code in codes.items():
        # pytest's 5 is "nothing collected": a lane whose tests were all deselected
        verdict = "passed" if code in (0, 5) else f"FAILED (exit {code})"
        print(f"lane {name}: {verdict} in {ended[name] - started[name]:.0f} s", flush=True)
    return 0 if all(code in (0, 5) for code in codes.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
