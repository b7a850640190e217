"""`packline up` runs the stack until Ctrl-C; `packline demo` plays a seller's day on it."""

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from packline_launcher.demo import Demo
from packline_launcher.stack import Stack


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _print_stack(stack: Stack) -> None:
    print(f"broker   {stack.kafka_bootstrap}" + ("  (embedded Tansu)" if stack.broker else ""))
    where = stack.postgres.url if stack.postgres else "PACKLINE_DATABASE_URL"
    print(f"postgres {where}" + ("  (embedded)" if stack.postgres else ""))
    for sp in stack.processes:
        print(f"{sp.label:<12} {sp.url}   (docs {sp.url}/docs, metrics {sp.url}/metrics)")
    print(f"logs     {stack.workdir / 'logs'}")


def up(args: argparse.Namespace) -> int:
    stack = Stack(Path(args.data_dir), replicas=args.replicas, fresh=args.fresh)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        print("starting Packline ...", flush=True)
        stack.start()
        _print_stack(stack)
        print("running; press Ctrl-C to stop everything", flush=True)
        while True:
            for sp in stack.processes:
                if sp.process is not None and sp.process.poll() is not None:
                    print(f"{sp.label} exited with {sp.process.returncode}; restarting", flush=True)
                    stack.restart(sp)
            time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        stack.stop()
        print("stopped: services, broker and database are down", flush=True)
    return 0


def demo(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="packline-demo-"))
    stack = Stack(workdir, replicas=1, fresh=True, env={"PACKLINE_BUNDLE_HOLD_SECONDS": "3"})
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        print("starting Packline on the embedded broker and PostgreSQL ...", flush=True)
        stack.start()
        _print_stack(stack)
        result = Demo(stack, args.orders, say=lambda line: print(line, flush=True)).run()
        print(
            f"demo: {result['collected']} collected, {result['shipped']} shipped, "
            f"{result['waiting']} waiting, {result['cancelled']} cancelled",
            flush=True,
        )
        if not args.once:
            print("the stack keeps running for you to explore; press Ctrl-C to stop", flush=True)
            while True:
                time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        stack.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="packline", description="Packline order-fulfilment pipeline"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="run every service (embedded broker and database by default)")
    p_up.add_argument("--replicas", type=int, default=1, help="processes per service")
    p_up.add_argument("--data-dir", default=".packline", help="embedded database and logs")
    p_up.add_argument("--fresh", action="store_true", help="start with an empty embedded database")
    p_up.set_defaults(func=up)
    p_demo = sub.add_parser("demo", help="run the pipeline on sample orders and print a summary")
    p_demo.add_argument("--orders", type=int, default=300)
    p_demo.add_argument("--once", action="store_true", help="exit 0 once the demo has settled")
    p_demo.set_defaults(func=demo)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
