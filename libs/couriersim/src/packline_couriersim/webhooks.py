"""Webhooks as tracker.delivery sends them: when a parcel's status changes, the account's
registered URL is told which number changed (nothing more), signed with the account's secret.

`POST <url>` body `{"tracking_number": "..."}`, header
`X-Courier-Signature: t=<unix seconds>, v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.
Delivery never blocks the API call or scan that caused it: each runs as its own task, is tried
up to `attempts` times with a doubling pause, and a final failure is logged, then dropped.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field

import httpx

from packline_couriersim.state import Parcel, Simulator

log = logging.getLogger(__name__)

HEADER = "X-Courier-Signature"


def signed(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp}, v1={digest.hexdigest()}"


@dataclass
class Webhooks:
    sim: Simulator
    attempts: int = 4
    first_pause_seconds: float = 0.2
    timeout_seconds: float = 5.0
    delivered: list[tuple[str, str, int]] = field(default_factory=list)  # (key id, number, HTTP)
    _tasks: set["asyncio.Task[None]"] = field(default_factory=set)

    def notify(self, parcel: Parcel) -> None:
        """Called on every status change; schedules the delivery and returns at once."""
        url = self.sim.webhooks.get(parcel.account)
        if url is None:
            return
        try:
            task = asyncio.get_running_loop().create_task(
                self._deliver(parcel.account, url, parcel.tracking_number)
            )
        except RuntimeError:  # no loop (a synchronous caller): nobody to deliver it
            log.warning("webhook for %s not sent: no event loop", parcel.tracking_number)
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, key_id: str, url: str, number: str) -> None:
        account = self.sim.accounts[key_id]
        body = json.dumps({"tracking_number": number}).encode()
        pause = self.first_pause_seconds
        async with httpx.AsyncClient(timeout=self.timeout_seconds) as client:
            for attempt in range(1, self.attempts + 1):
                headers = {
                    "Content-Type": "application/json",
                    HEADER: signed(account.secret, int(time.time()), body),
                }
                status = 0
                try:
                    status = (await client.post(url, content=body, headers=headers)).status_code
                except httpx.HTTPError as exc:
                    log.warning("webhook %s for %s: %s", url, number, type(exc).__name__)
                self.delivered.append((key_id, number, status))
                if 200 <= status < 300:
                    return
                if attempt < self.attempts:
                    await asyncio.sleep(pause)
                    pause *= 2
        log.warning("webhook %s for %s gave up after %d tries", url, number, self.attempts)

    async def drain(self) -> None:
        """Wait for deliveries under way (on shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
