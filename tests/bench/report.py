"""The bench's figures as a table and as JSON, beside the issue's targets (issue 12)."""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TARGETS = {
    "ratio": "≥ 0.55 of the reference relay",
    "steady_p99_ms": "< 500 ms at 1,000 orders/s",
    "idle_p50_ms": "< 100 ms",
    "rss_mb": "< 150 MB per service process",
    "scaling": "flat: orders/s at the large run ≥ ~0.9 × the small run",
    "allocation": "flat: ms per new bundle with many waiting ≤ ~1.1 × with few",
}
KEYS = ("machine", "settings", "relay", "packline", "ratio", "steady", "idle", "rss_mb", "scaling")


def machine(shared_note: str) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_end": os.getloadavg(),
        "note": shared_note,
    }


def peak_rss_mb(pids: dict[str, int]) -> dict[str, float | None]:
    """VmHWM (peak resident set) of each process, from /proc/<pid>/status."""
    out: dict[str, float | None] = {}
    for label, pid in pids.items():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            out[label] = None
            continue
        kb = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0
        )
        out[label] = round(kb / 1024, 1)
    return out


def verdicts(figures: dict[str, Any]) -> dict[str, bool | None]:
    steady, idle, rss, scaling = (figures[k] for k in ("steady", "idle", "rss_mb", "scaling"))
    ratio = figures["ratio"]
    return {
        "ratio": None if ratio is None else ratio >= 0.55,
        "steady_p99_ms": None if steady.get("p99_ms") is None else steady["p99_ms"] < 500,
        "idle_p50_ms": None if idle.get("p50_ms") is None else idle["p50_ms"] < 100,
        "rss_mb": None
        if not rss or None in rss.values()
        else all(v is not None and v < 150 for v in rss.values()),
        "scaling": None
        if scaling.get("large_vs_small") is None
        else scaling["large_vs_small"] >= 0.9,
    }


def assemble(
    machine: dict[str, Any],
    settings: dict[str, Any],
    relay: dict[str, Any],
    runs: dict[int, dict[str, Any]],
    sizes: tuple[int, int, int],
    steady: dict[str, Any],
    idle: dict[str, Any],
    rss: dict[str, float | None],
) -> dict[str, Any]:
    """The figures of one bench run; `sizes`: the end-to-end run, the small and the large."""
    main, small, large = (runs[n]["orders_per_s"] for n in sizes)
    figures: dict[str, Any] = {
        "machine": machine,
        "settings": settings,
        "relay": relay,
        "packline": runs[sizes[0]],
        "ratio": round(main / relay["events_per_s"], 3) if relay["events_per_s"] else None,
        "steady": steady,
        "idle": idle,
        "rss_mb": rss,
        "scaling": {
            "orders_per_s": {str(n): r["orders_per_s"] for n, r in sorted(runs.items())},
            "large_vs_small": round(large / small, 3) if small else None,
            "runs": {str(n): r for n, r in sorted(runs.items())},
        },
        "targets": TARGETS,
    }
    figures["targets_met"] = verdicts(figures)
    return figures


def table(figures: dict[str, Any]) -> str:
    relay, packline = figures["relay"], figures["packline"]
    steady, idle, rss, scaling = (figures[k] for k in ("steady", "idle", "rss_mb", "scaling"))
    met = figures["targets_met"]
    mark = {True: "met", False: "MISSED", None: "not measured"}
    rows = [
        (
            "1. reference relay (events/s, 6 stages)",
            f"{relay['events_per_s']:,.0f} ({relay['events']:,} events)",
            "",
            "",
        ),
        (
            "2. Packline collected → Shipped (orders/s)",
            f"{packline['orders_per_s']:,.0f} ({packline['orders']:,} orders)",
            "",
            "",
        ),
        (
            "   ratio 2 / 1",
            f"{figures['ratio']:.3f}" if figures["ratio"] is not None else "-",
            TARGETS["ratio"],
            mark[met["ratio"]],
        ),
        (
            f"3. collected → WaybillIssued at {steady['offered_per_s']:,}/s",
            f"p50 {steady['p50_ms']} ms, p99 {steady['p99_ms']} ms",
            TARGETS["steady_p99_ms"],
            mark[met["steady_p99_ms"]],
        ),
        (
            "4. one order, idle: collected → WaybillIssued",
            f"p50 {idle['p50_ms']} ms ({idle['orders']} orders)",
            TARGETS["idle_p50_ms"],
            mark[met["idle_p50_ms"]],
        ),
        (
            "5. peak RSS per service (MB)",
            ", ".join(f"{k} {v}" for k, v in rss.items()),
            TARGETS["rss_mb"],
            mark[met["rss_mb"]],
        ),
        (
            "   orders/s by run size",
            ", ".join(f"{int(n):,}: {v:,.0f}" for n, v in scaling["orders_per_s"].items()),
            TARGETS["scaling"],
            mark[met["scaling"]],
        ),
    ]
    rows += _cost_rows(relay, packline)
    if "allocation" in figures:
        runs = figures["allocation"]["runs"]
        ratio = figures["allocation"]["large_vs_small"]
        rows.append(
            (
                "7. allocation, ms per new bundle by bundles waiting",
                ", ".join(f"{int(n):,}: {r['ms_per_bundle']}" for n, r in runs.items()),
                TARGETS["allocation"],
                "not measured" if ratio is None else ("met" if ratio <= 1.1 else "MISSED"),
            )
        )
    width = max(len(r[0]) for r in rows)
    lines = [f"{'figure':<{width}} | measured | target | verdict"]
    lines += [f"{a:<{width}} | {b} | {c} | {d}" for a, b, c, d in rows]
    return "\n".join(lines)


def _cost_rows(relay: dict[str, Any], packline: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """CPU per event of the relay and per order of Packline (cpu.py): the bench's profile."""
    if "cpu" not in relay or "cpu" not in packline:
        return []
    r, p = relay["cpu"], packline["cpu"]
    return [
        (
            "   CPU per unit, whole machine (ms)",
            f"relay {r['cpu_ms_per_unit']} per event (busy {r['machine_busy_share']:.0%}); "
            f"Packline {p['cpu_ms_per_unit']} per order (busy {p['machine_busy_share']:.0%})",
            "",
            "",
        ),
        (
            "   Packline CPU per order by process (ms)",
            ", ".join(f"{k} {v}" for k, v in p["by_process_ms_per_unit"].items()),
            "",
            "",
        ),
    ]


def write(figures: dict[str, Any], path: Path) -> None:
    missing = [k for k in KEYS if k not in figures]
    if missing:
        raise KeyError(f"bench figures lack {missing}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")
