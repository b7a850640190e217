"""Start and stop the whole pipeline: broker, database, topics, migrations, service processes.

With PACKLINE_KAFKA_BOOTSTRAP / PACKLINE_DATABASE_URL set, those are used and nothing embedded
starts. Service processes are started in their own sessions and stopped explicitly, in order.
"""

import asyncio
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from packline_launcher import keys
from packline_launcher.embedded import EmbeddedBroker, EmbeddedPostgres, free_port, stop_process
from packline_launcher.processes import Migrations, ServiceProcess, die_with_parent
from packline_launcher.prometheus import PrometheusServer
from packline_launcher.simulator import COURIERS, MARKETPLACES, SimulatorProcess
from packline_runtime import secret_box, tokens
from packline_runtime.kafka import ensure_topics
from packline_runtime.roles import role_for, with_login

SERVICES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")
CONSOLE = "console"  # the web console: beside the services when Stack(console=True)


@dataclass
class Stack:
    workdir: Path
    replicas: int = 1
    fresh: bool = True
    partitions: int = 8
    replication: int = 1  # topics' replication factor: 1 on the embedded broker, 3 on a cluster
    env: dict[str, str] = field(default_factory=dict)
    broker: EmbeddedBroker | None = None
    postgres: EmbeddedPostgres | None = None
    kafka_bootstrap: str = ""
    database_url: str = ""  # the admin's: provisions roles, migrates; never given to a service
    service_database_urls: dict[str, str] = field(default_factory=dict)
    processes: list[ServiceProcess] = field(default_factory=list)
    marketsim: SimulatorProcess | None = None
    couriersim: SimulatorProcess | None = None
    console: bool = False
    prometheus: PrometheusServer | None = None  # started beside the services; the console reads it

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "logs").mkdir(exist_ok=True)
        try:
            self._start_infrastructure()
            if self.broker is not None:  # the embedded default: marketplaces and couriers too
                self.marketsim = SimulatorProcess(
                    MARKETPLACES, self.workdir / "logs" / "marketsim.log", preexec=die_with_parent
                )
                self.marketsim.start()
                self.couriersim = SimulatorProcess(
                    COURIERS, self.workdir / "logs" / "couriersim.log", preexec=die_with_parent
                )
                self.couriersim.start()
            schemas = [*SERVICES, *([CONSOLE] if self.console else [])]
            migrations = self._migrations(schemas)
            try:
                asyncio.run(ensure_topics(self.kafka_bootstrap, self.partitions, self.replication))
            except BaseException:
                migrations.stop()
                raise
            migrations.wait()  # they ran while the topics were made
            for name in SERVICES:
                for index in range(self.replicas):
                    self.processes.append(self._spawn(name, index))
            self.wait_ready(self.processes)
            if self.prometheus is not None:
                self.prometheus.start(self.workdir / "prometheus", self.processes)
            if self.console:  # it needs the services' URLs, known only now
                self.processes.append(self._spawn(CONSOLE, 0))
                self.wait_ready(self.processes[-1:])
        except BaseException:
            self.stop()
            raise

    def _start_infrastructure(self) -> None:
        self.kafka_bootstrap = self.env.get("PACKLINE_KAFKA_BOOTSTRAP") or os.environ.get(
            "PACKLINE_KAFKA_BOOTSTRAP", ""
        )
        self.database_url = next(
            (
                found
                for source in (self.env, os.environ)
                for key in ("PACKLINE_DATABASE_ADMIN_URL", "PACKLINE_DATABASE_URL")
                if (found := source.get(key, ""))
            ),
            "",
        )
        if not self.kafka_bootstrap:
            self.broker = EmbeddedBroker(self.workdir / "logs" / "tansu.log")
            self.broker.start()
            self.kafka_bootstrap = self.broker.bootstrap
        if not self.database_url:
            self.postgres = EmbeddedPostgres(self.workdir / "pgdata", fresh=self.fresh)
            self.postgres.start()
            self.database_url = self.postgres.url

    def service_database_url(self, service: str) -> str:
        """Each service logs in as its own role, packline_<service>, with a password made here
        (once per stack: `migrate` provisions the role with it, the service then uses it)."""
        if service not in self.service_database_urls:
            password = secrets.token_urlsafe(24)
            self.service_database_urls[service] = with_login(
                self.database_url, role_for(service), password
            )
        return self.service_database_urls[service]

    def child_env(self, port: int, service: str, *, admin: bool = False) -> dict[str, str]:
        """The service's environment; only `migrate` (admin=True) gets the admin's DSN."""
        env = {**os.environ, **self.env}
        env.pop("PACKLINE_DATABASE_ADMIN_URL", None)
        if admin:
            env["PACKLINE_DATABASE_ADMIN_URL"] = self.database_url
        env.update(
            PACKLINE_KAFKA_BOOTSTRAP=self.kafka_bootstrap,
            PACKLINE_DATABASE_URL=self.service_database_url(service),
            PACKLINE_HTTP_HOST="127.0.0.1",
            PACKLINE_HTTP_PORT=str(port),
            PACKLINE_KAFKA_PARTITIONS=str(self.partitions),
            PYTHONUNBUFFERED="1",
        )
        if self.marketsim is not None:  # the collector may send keys to the simulator, over http
            allowed = [
                env.get("PACKLINE_MARKETPLACE_ALLOWED_HOSTS", ""),
                f"127.0.0.1:{self.marketsim.port}",
            ]
            env["PACKLINE_MARKETPLACE_ALLOWED_HOSTS"] = ",".join(a for a in allowed if a)
        if self.couriersim is not None and service == "waybill":  # only it talks to couriers
            env["PACKLINE_COURIER_API_URL"] = self.couriersim.url
            allowed = [
                env.get("PACKLINE_COURIER_ALLOWED_HOSTS", ""),
                f"127.0.0.1:{self.couriersim.port}",
            ]
            env["PACKLINE_COURIER_ALLOWED_HOSTS"] = ",".join(a for a in allowed if a)
        if not env.get(secret_box.ENV_NAME):
            env[secret_box.ENV_NAME] = self.secrets_key()
        # The stack's services trust the stack's key, whatever the calling environment holds
        # (a test process's own key, say): Stack.token, `packline token` and its console sign
        # with it.
        env[tokens.PUBLIC_KEY_ENV] = keys.token_public_key(self.workdir)
        if service == CONSOLE:  # only the console signs tokens; it calls the first replicas
            env[tokens.PRIVATE_KEY_ENV] = keys.token_private_key(self.workdir)
            for name in SERVICES:
                if self.urls(name):
                    env[f"PACKLINE_{name.upper()}_URL"] = self.url(name)
            if self.prometheus is not None and self.prometheus.process is not None:
                env["PACKLINE_PROMETHEUS_URL"] = self.prometheus.url
        else:
            env.pop(tokens.PRIVATE_KEY_ENV, None)
        return env

    def secrets_key(self) -> str:
        return keys.secrets_key(self.workdir)

    def token(self, seller_id: str, role: tokens.Role = tokens.Role.OWNER) -> str:
        """A five-minute service token for a person of `seller_id` (see keys.mint)."""
        return keys.mint(self.workdir, seller_id, role)

    def _migrate(self, name: str) -> None:
        self._migrations([name]).wait()

    def _migrations(self, names: list[str]) -> Migrations:
        """Their `migrate` commands started side by side, each with the admin's DSN."""
        commands = {}
        for name in names:
            command = [sys.executable, "-m", f"packline_{name}", "migrate"]
            if self.broker is not None and not self.fresh and name != CONSOLE:
                command.append("--replay-outbox")  # the embedded broker started empty
            commands[name] = (command, self.child_env(0, name, admin=True))
        return Migrations(commands)

    def _spawn(self, name: str, index: int, port: int | None = None) -> ServiceProcess:
        port = port or free_port()
        sp = ServiceProcess(name, index, port, self.workdir / "logs" / f"{name}-{index}.log")
        with sp.log_path.open("ab") as out:
            sp.log_offset = out.tell()
            sp.process = subprocess.Popen(
                [sys.executable, "-m", f"packline_{name}"],
                env=self.child_env(port, name),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        return sp

    def wait_ready(self, processes: list[ServiceProcess], timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        pending = list(processes)
        rebinds = 0
        with httpx.Client(timeout=2.0) as client:
            while pending:
                sp = pending[0]
                assert sp.process is not None
                if sp.process.poll() is not None:
                    tail = sp.log_tail()
                    if "address already in use" in tail and rebinds < 3 and sp in self.processes:
                        # another program bound the port between our pick and the bind
                        rebinds += 1
                        pending[0] = self._spawn(sp.name, sp.index)
                        self.processes[self.processes.index(sp)] = pending[0]
                        continue
                    raise RuntimeError(f"{sp.label} exited with {sp.process.returncode}:\n{tail}")
                try:
                    if client.get(f"{sp.url}/health/ready").status_code == 200:
                        pending.pop(0)
                        continue
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{sp.label} not ready after {timeout}s; see {sp.log_path}")
                time.sleep(0.2)

    def urls(self, name: str) -> list[str]:
        return [sp.url for sp in self.processes if sp.name == name]

    def url(self, name: str) -> str:
        return self.urls(name)[0]

    def kill(self, sp: ServiceProcess) -> None:
        """SIGKILL, as a crash would: no shutdown code runs."""
        assert sp.process is not None
        sp.process.kill()
        sp.process.wait(10)

    def restart(self, sp: ServiceProcess) -> ServiceProcess:
        replacement = self._replace(sp)
        self.wait_ready([replacement])
        return replacement

    def _replace(self, sp: ServiceProcess) -> ServiceProcess:
        """A new process of the service on its port, in its place in `processes`."""
        replacement = self._spawn(sp.name, sp.index, sp.port)
        self.processes[self.processes.index(sp)] = replacement
        return replacement

    def supervise(self) -> list[str]:
        """One supervision step (`packline up` runs it every second): whatever died is started
        again. The embedded PostgreSQL restarts on its data dir; the embedded broker on its port
        as a new, empty incarnation (services notice and refill it from their outboxes), with
        its topics created again. A dead service is started again without waiting for it to be
        ready, so one that waits for the database never keeps the database from being
        restarted; if it dies again, the next step starts it again. Returns what was restarted."""
        restarted: list[str] = []
        if self.postgres is not None and not self.postgres.alive():
            self.postgres.restart()
            restarted.append("postgres")
        if self.broker is not None and not self.broker.alive():
            self.broker.start()
            asyncio.run(ensure_topics(self.kafka_bootstrap, self.partitions, self.replication))
            restarted.append("broker")
        for sp in list(self.processes):
            if sp.process is not None and sp.process.poll() is not None:
                self._replace(sp)
                restarted.append(sp.label)
        return restarted

    def stop(self) -> None:
        running = [sp for sp in self.processes if sp.process and sp.process.poll() is None]
        for sp in running:
            assert sp.process is not None
            sp.process.terminate()
        for sp in running:
            assert sp.process is not None
            stop_process(sp.process, sp.label, grace=15.0)
        self.processes.clear()
        if self.prometheus is not None:
            self.prometheus.stop()
        if self.marketsim is not None:
            self.marketsim.stop()
            self.marketsim = None
        if self.couriersim is not None:
            self.couriersim.stop()
            self.couriersim = None
        if self.broker is not None:
            self.broker.stop()
            self.broker = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
