"""`make bench`: Packline against its design's own ceiling (issue 12). A benchmark, not a test:
it asserts nothing about speed, it measures, prints and writes test-artifacts/bench/bench.json.

On one embedded stack (Tansu broker, PostgreSQL, one process per service, bundle hold 0):
1. the reference relay (relay.py): six bare aiokafka + asyncpg stages, events/s end to end;
2. Packline collected → Shipped, orders/s over --orders orders, and its ratio to (1);
3. collected → WaybillIssued p50/p99 with orders offered at a steady --rate per second;
4. one order at a time on an idle system: collected → WaybillIssued p50 over 20 orders;
5. peak RSS (VmHWM) of each service process, and orders/s of a small vs a large run.
--quick: relay 10,000 events, runs of 5,000 and 10,000 orders, 10 s of steady load.
"""

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import allocation
import drive
import relay
import report
from cpu import CpuMeter
from watch import TopicClock

from packline_launcher.embedded import EmbeddedBroker, EmbeddedPostgres
from packline_launcher.stack import Stack

ENV = {
    "PACKLINE_BUNDLE_HOLD_SECONDS": "0",  # bundler setting bundle_hold_seconds
    "PACKLINE_LOG_LEVEL": "WARNING",
}
OUT = Path("test-artifacts/bench/bench.json")
SHARED = "a 2-core machine shared with other sessions' work (tests, builds) while it ran"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=50_000, help="the end-to-end run (2)")
    parser.add_argument("--large", type=int, default=100_000, help="the large run of (5)")
    parser.add_argument("--small", type=int, default=10_000, help="the small run of (5)")
    parser.add_argument("--relay-events", type=int, default=50_000)
    parser.add_argument("--rate", type=int, default=1_000, help="orders/s offered in (3)")
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    parser.add_argument(
        "--waiting",
        type=int,
        nargs=2,
        default=[10_000, 100_000],
        help="bundles already waiting in the allocation cost runs (7)",
    )
    parser.add_argument("--quick", action="store_true", help="5,000/10,000 orders, no 100k")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.quick:
        args.orders, args.small, args.large = 10_000, 5_000, 10_000
        args.relay_events, args.steady_seconds = 10_000, 10.0
        args.waiting = [1_000, 10_000]
    return args


def say(text: str) -> None:
    print(text, flush=True)


def measure(
    stack: Stack, args: argparse.Namespace, relay_figures: dict[str, Any], infra: dict[str, int]
) -> dict[str, Any]:
    clock = TopicClock(stack.kafka_bootstrap)
    clock.start()
    try:
        say("4. one order at a time on the idle stack …")
        idle = drive.idle_latency(stack, clock)
        say(f"   p50 {idle['p50_ms']} ms")
        say(f"3. {args.rate:,} orders/s offered for {args.steady_seconds:.0f} s …")
        steady = drive.steady_latency(stack, clock, args.rate, args.steady_seconds)
        say(f"   p50 {steady['p50_ms']} ms, p99 {steady['p99_ms']} ms")
        runs: dict[int, dict[str, Any]] = {}
        for count in sorted({args.small, args.orders, args.large}):
            say(f"2/5. {count:,} orders collected → Shipped …")
            services = {sp.label: sp.process.pid for sp in stack.processes if sp.process}
            meter = CpuMeter({**services, **infra})
            runs[count] = drive.throughput(stack, clock, count)
            runs[count]["cpu"] = meter.used(count)
            say(f"   {runs[count]['orders_per_s']:,.1f} orders/s over {runs[count]['seconds']} s")
    finally:
        clock.stop()
    pids = {sp.label: sp.process.pid for sp in stack.processes if sp.process is not None}
    settings = {
        "env": ENV,
        "quick": args.quick,
        "partitions": stack.partitions,
        "relay_ran": "on the stack's broker and PostgreSQL before its services started",
        "shipped_driven_by": drive.SCANNED_HOW,
    }
    return report.assemble(
        report.machine(SHARED),
        settings,
        relay_figures,
        runs,
        (args.orders, args.small, args.large),
        steady,
        idle,
        report.peak_rss_mb(pids),
    )


def main() -> int:
    args = arguments()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="packline-bench-"))
    (workdir / "logs").mkdir()
    # a timeout or kill must still stop the broker, PostgreSQL and the services
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    # The broker and PostgreSQL are started here and handed to the stack, so the relay runs on
    # the very same ones before the services start (idle services' polling would tax it).
    broker = EmbeddedBroker(workdir / "logs" / "tansu.log")
    postgres = EmbeddedPostgres(workdir / "pgdata", fresh=True)
    try:
        broker.start()
        postgres.start()
        say(f"1. reference relay: {args.relay_events:,} events through six stages …")
        postmaster = postgres.postmaster()
        assert broker.process is not None and postmaster is not None
        infra = {"broker": broker.process.pid, "postgres": postmaster.pid}
        meter = CpuMeter(dict(infra))
        relay_figures = asyncio.run(
            relay.run_relay(broker.bootstrap, postgres.url, args.relay_events)
        )
        relay_figures["cpu"] = meter.used(args.relay_events)
        small, large = args.waiting
        say(f"7. allocation cost per new bundle with {small:,} and {large:,} waiting …")
        allocating = asyncio.run(allocation.flat_cost(postgres.url, small, large))
        for n, run in allocating["runs"].items():
            say(f"   {int(n):,} waiting: {run['ms_per_bundle']} ms per new bundle")
        say(f"   {relay_figures['events_per_s']:,.0f} events/s")
        env = {
            **ENV,
            "PACKLINE_KAFKA_BOOTSTRAP": broker.bootstrap,
            "PACKLINE_DATABASE_ADMIN_URL": postgres.url,
        }
        stack = Stack(workdir, env=env)
        stack.start()
        try:
            figures = measure(stack, args, relay_figures, infra)
            figures["allocation"] = allocating
        finally:
            stack.stop()
    finally:
        broker.stop()
        postgres.stop()
    figures["machine"]["bench_seconds"] = round(time.monotonic() - started, 1)
    print()
    print(report.table(figures))
    print(f"\nShipped: {drive.SCANNED_HOW}. Machine: {SHARED}.")
    report.write(figures, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
