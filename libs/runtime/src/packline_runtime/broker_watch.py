"""Is the broker there, and is it still the same one? A Metadata round trip answers both.

The embedded broker keeps nothing across a restart and the launcher starts each incarnation
with a fresh cluster id, so a changed id means "came back empty": the outbox must be sent again
and consumers must read their partitions from the beginning. Every answer here is a real round
trip with a timeout, never a cached flag.
"""

import asyncio
import contextlib
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.protocol.metadata import MetadataRequest


class BrokerUnreachable(ConnectionError):
    """No bootstrap server answered a Metadata request in time."""


class BrokerWatch:
    def __init__(self, bootstrap: list[str], client_id: str, timeout: float = 2.0) -> None:
        self._servers = [_host_port(server) for server in bootstrap]
        self._client_id = client_id
        self._timeout = timeout
        self._conn: Any = None
        self._lock = asyncio.Lock()

    async def cluster_id(self) -> str:
        """The cluster id the broker reports now ("" if it reports none)."""
        async with self._lock:
            problems: list[str] = []
            for host, port in self._servers:
                try:
                    return await asyncio.wait_for(self._ask(host, port), self._timeout)
                except asyncio.CancelledError:
                    self.close()
                    raise
                except Exception as exc:
                    self.close()
                    problems.append(f"{host}:{port}: {type(exc).__name__}")
            raise BrokerUnreachable("; ".join(problems))

    async def _ask(self, host: str, port: int) -> str:
        if self._conn is None or not self._conn.connected():
            self.close()
            self._conn = await create_conn(
                host,
                port,
                client_id=self._client_id,
                request_timeout_ms=int(self._timeout * 1000),
            )
        response = await self._conn.send(MetadataRequest([]))  # no topics: the cheapest answer
        return str(getattr(response, "cluster_id", "") or "")

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def _host_port(server: str) -> tuple[str, int]:
    host, _, port = server.strip().rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port or 9092)
