"""`packline up` runs the stack until Ctrl-C; `packline demo` plays a seller's day on it."""

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from packline_launcher.console_users import sign_in_lines
from packline_launcher.demo import SELLER, Demo
from packline_launcher.prometheus import MISSING as PROMETHEUS_MISSING
from packline_launcher.prometheus import PrometheusServer
from packline_launcher.prometheus import binary as prometheus_binary
from packline_launcher.stack import CONSOLE, Stack


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _stop_on_signals() -> None:
    """Ctrl-C, kill and a closed terminal all stop everything we started. SIGINT is set
    explicitly: a shell starts background jobs with it ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupt)


def _print_stack(stack: Stack) -> list[str]:
    """Prints where everything is; returns the console's sign-in lines (to print again)."""
    print(f"broker   {stack.kafka_bootstrap}" + ("  (embedded Tansu)" if stack.broker else ""))
    where = stack.postgres.url if stack.postgres else "PACKLINE_DATABASE_URL"
    print(f"postgres {where}" + ("  (embedded)" if stack.postgres else ""))
    if stack.marketsim is not None:
        url = stack.marketsim.url
        print(f"marketsim    {url}   (simulated Coupang WING + Naver Commerce; admin {url}/docs)")
    if stack.couriersim is not None:
        url = stack.couriersim.url
        print(
            f"couriersim   {url}   (simulated courier API: booking, sorting codes, tracking; admin {url}/docs)"
        )
    for sp in stack.processes:
        if sp.name != CONSOLE:
            print(f"{sp.label:<12} {sp.url}   (docs {sp.url}/docs, metrics {sp.url}/metrics)")
    if stack.prometheus is not None and stack.prometheus.process is not None:
        url = stack.prometheus.url
        print(f"prometheus   {url}   (rules from deploy/prometheus; alerts {url}/alerts)")
    print(f"logs     {stack.workdir / 'logs'}")
    print(
        f"token    packline token --data-dir {stack.workdir} --seller SELLER_ID [--role owner]"
        "   (every API but /health and /metrics needs `Authorization: Bearer <token>`)"
    )
    console = sign_in_lines(stack, SELLER)
    for line in console:
        print(line)
    return console


def up(args: argparse.Namespace) -> int:
    prometheus = None
    if args.prometheus:
        if prometheus_binary() is None:
            print(PROMETHEUS_MISSING, flush=True)
        else:
            prometheus = PrometheusServer()
    stack = Stack(
        Path(args.data_dir),
        replicas=args.replicas,
        fresh=args.fresh,
        console=True,
        prometheus=prometheus,
    )
    _stop_on_signals()
    try:
        print("starting Packline ...", flush=True)
        stack.start()
        _print_stack(stack)
        print("running; press Ctrl-C to stop everything", flush=True)
        while True:
            for name in stack.supervise():
                print(f"{name} had stopped; restarted", flush=True)
            time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        stack.stop()
        print("stopped: services, broker and database are down", flush=True)
    return 0


def demo(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="packline-demo-"))
    stack = Stack(
        workdir,
        replicas=1,
        fresh=True,
        env={"PACKLINE_BUNDLE_HOLD_SECONDS": "3"},
        console=True,
    )
    _stop_on_signals()
    try:
        print("starting Packline on the embedded broker and PostgreSQL ...", flush=True)
        stack.start()
        console = _print_stack(stack)
        result = Demo(stack, args.orders, say=lambda line: print(line, flush=True)).run()
        print(
            f"demo: {result['collected']} collected, {result['shipped']} shipped, "
            f"{result['waiting']} waiting, {result['cancelled']} cancelled",
            flush=True,
        )
        if not args.once:
            for line in console:
                print(line)
            print("the stack keeps running for you to explore; press Ctrl-C to stop", flush=True)
            while True:
                time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        stack.stop()
    return 0


def read(args: argparse.Namespace) -> int:
    """Print a topic's events as JSON lines, from the beginning, until it has been idle."""
    import asyncio
    import os

    from packline_launcher.topic_reader import print_topic

    bootstrap = args.bootstrap or os.environ.get("PACKLINE_KAFKA_BOOTSTRAP", "")
    if not bootstrap:
        print("give --bootstrap host:port (printed by `packline up`) or PACKLINE_KAFKA_BOOTSTRAP")
        return 2
    return asyncio.run(print_topic(bootstrap, args.topic, args.idle))


def token(args: argparse.Namespace) -> int:
    """Print a five-minute service token signed with the stack's key, for curl and scripts:
    `curl -H "Authorization: Bearer $(packline token --seller seller-demo)" …`."""
    from packline_launcher import keys
    from packline_runtime.tokens import Role

    role = Role(args.role)
    seller = keys.PLATFORM if role is Role.SRE and not args.seller else args.seller
    if not seller:
        print("give --seller SELLER_ID (every role but sre acts for one seller)", file=sys.stderr)
        return 2
    try:
        print(keys.mint_existing(Path(args.data_dir), seller, role, args.sub))
    except keys.NoTokenKey as exc:
        print(exc, file=sys.stderr)
        return 2
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
    p_up.add_argument(
        "--prometheus",
        action="store_true",
        help="also run Debian's prometheus on deploy/prometheus (the console's SRE page reads it)",
    )
    p_up.set_defaults(func=up)
    p_demo = sub.add_parser("demo", help="run the pipeline on sample orders and print a summary")
    p_demo.add_argument("--orders", type=int, default=300)
    p_demo.add_argument("--once", action="store_true", help="exit 0 once the demo has settled")
    p_demo.set_defaults(func=demo)
    p_read = sub.add_parser("read", help="print a topic's events as JSON lines (e.g. shipped)")
    p_read.add_argument("topic", help="a Topic name such as shipped, or a full topic name")
    p_read.add_argument("--bootstrap", default="", help="broker host:port")
    p_read.add_argument("--idle", type=float, default=3.0, help="stop after this many idle seconds")
    p_read.set_defaults(func=read)
    p_token = sub.add_parser("token", help="print a five-minute service token for curl")
    p_token.add_argument("--seller", default="", help="the seller the token acts for")
    p_token.add_argument(
        "--role", default="owner", choices=["owner", "operator", "viewer", "sre"], help="its role"
    )
    p_token.add_argument("--sub", default="packline-cli", help="the person recorded as doing it")
    p_token.add_argument("--data-dir", default=".packline", help="the stack's work directory")
    p_token.set_defaults(func=token)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
