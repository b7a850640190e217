"""What a run cost in CPU: the machine's busy seconds (/proc/stat, every process, the driver's
too) and, per process we know (each service, the broker, PostgreSQL with its backends), its
user + system seconds including children it reaped. Divided by the orders, it is the bench's
profile: on a machine whose cores are all busy, orders/s is cores ÷ CPU per order, and the
process with the largest share is what to make cheaper."""

import os
from dataclasses import dataclass, field

import psutil

TICK = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of every core since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


def process_s(pid: int) -> float:
    """CPU seconds of a process, its reaped children and (PostgreSQL) its live ones."""
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = float(times.user + times.system + times.children_user + times.children_system)
        for child in root.children(recursive=True):
            try:
                t = child.cpu_times()
                total += float(t.user + t.system)
            except psutil.Error:
                continue  # ended meanwhile: its time is in root's children times
        return total
    except psutil.Error:
        return 0.0


@dataclass
class CpuMeter:
    """Started before a run, read after it: CPU seconds used meanwhile, per process."""

    pids: dict[str, int]
    start: dict[str, float] = field(default_factory=dict)
    start_busy: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        self.start = {name: process_s(pid) for name, pid in self.pids.items()}
        self.start_busy = machine_busy_s()

    def used(self, units: int) -> dict[str, object]:
        busy, total = machine_busy_s()
        spent = {name: process_s(pid) - self.start[name] for name, pid in self.pids.items()}
        machine = busy - self.start_busy[0]
        cores = os.cpu_count() or 1
        return {
            "machine_busy_s": round(machine, 1),
            "machine_busy_share": round(machine / max(total - self.start_busy[1], 1e-9), 2),
            "cores": cores,
            "cpu_ms_per_unit": round(1000 * machine / max(units, 1), 2),
            "by_process_ms_per_unit": {
                name: round(1000 * s / max(units, 1), 2)
                for name, s in sorted(spent.items(), key=lambda kv: -kv[1])
            },
        }
