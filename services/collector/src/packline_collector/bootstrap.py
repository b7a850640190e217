"""Composition root of the collector: settings, runtime, subscriber, marketplace gateways,
automatic collection, the tracking-number pusher and HTTP routes."""

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import Field, field_validator

from packline_collector.adapters import flow_view
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.domain.accounts import Account
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.domain.mismatch import StatusReader
from packline_collector.domain.push import TrackingPusher
from packline_collector.domain.remote import Gateway
from packline_collector.domain.shipping_cutoff import parse_cutoff
from packline_collector.entrypoints import (
    accounts_http,
    collections_http,
    excel_http,
    http,
    mismatch_http,
    orders_list_http,
    push_http,
    shipping_cutoff_http,
    stats_http,
    subscriber,
)
from packline_collector.service_layer import account_keys, shipping_overdue
from packline_collector.service_layer.collection import Collection
from packline_collector.service_layer.mismatches import Checker
from packline_collector.service_layer.push import Pusher
from packline_runtime import flow
from packline_runtime.secret_box import SecretBox
from packline_runtime.service import Hook, ServiceRuntime
from packline_runtime.settings import Settings

SERVICE = "collector"
MIGRATIONS = Path(__file__).parent / "migrations"


class CollectorSettings(Settings):
    http_port: int = 8101
    collect_tick_seconds: float = 30.0  # how often due accounts are looked for
    collect_lease_seconds: float = 900.0
    marketplace_timeout_seconds: float = 30.0
    marketplace_attempts: int = 5
    marketplace_backoff_seconds: float = 0.5
    push_tick_seconds: float = 5.0  # how often due tracking-number pushes are looked for
    push_lease_seconds: float = 300.0
    mismatch_check_seconds: float = 3600.0  # how often shipped orders are read again
    mismatch_lookback_days: int = Field(default=14, ge=1, le=31)
    shipping_cutoff: str = Field(
        default="15:00",
        description="출고 마감, HH:MM Asia/Seoul, for sellers who set none of their own (PUT "
        "/settings/shipping-cutoff): an order collected before it ships that day, one collected "
        "after it by the next day's (the overdue-shipping alert's deadline)",
    )
    esm_listing_seconds: float = Field(
        default=5.0,
        ge=0,
        le=600,
        description="Seconds between two ESM order listings (주문조회) of one site seller: ESM "
        "allows one call in 5 s and answers a faster one ResultCode 3000",
    )
    marketplace_allowed_hosts: str = Field(
        default="",
        description="Comma-separated host:port a marketplace account may point at besides the "
        "marketplaces' own https hosts (simulators; http allowed there)",
    )

    @field_validator("shipping_cutoff")
    @classmethod
    def _cutoff(cls, value: str) -> str:
        parse_cutoff(value)
        return value

    @field_validator("marketplace_allowed_hosts")
    @classmethod
    def _host_ports(cls, value: str) -> str:
        EndpointPolicy.from_setting(value)  # a mistyped entry stops the start, not a collection
        return value

    @property
    def endpoints(self) -> EndpointPolicy:
        return EndpointPolicy.from_setting(self.marketplace_allowed_hosts)


def load_settings() -> CollectorSettings:
    return CollectorSettings()


class _Marketplaces:
    """The httpx client lives from startup to shutdown, never at import."""

    def __init__(self, settings: CollectorSettings, box: SecretBox | None) -> None:
        self.settings = settings
        self.box = box
        self.gateways: Gateways | None = None

    def _started(self) -> Gateways:
        if self.gateways is None:
            raise RuntimeError("marketplace gateways used before startup")
        return self.gateways

    def gateway_for(self, account: Account) -> Gateway:
        return self._started().for_account(account)

    def pusher_for(self, account: Account) -> TrackingPusher:
        return self._started().pusher_for(account)

    def status_reader_for(self, account: Account) -> StatusReader:
        return self._started().status_reader_for(account)

    @contextlib.asynccontextmanager
    async def lifespan(self, _: ServiceRuntime) -> AsyncIterator[None]:
        s = self.settings
        # httpx reports every request at INFO; one line per marketplace call drowns the log
        logging.getLogger("httpx").setLevel(logging.WARNING)
        policy = RetryPolicy(
            attempts=s.marketplace_attempts, base_delay=s.marketplace_backoff_seconds
        )
        async with httpx.AsyncClient(timeout=s.marketplace_timeout_seconds) as client:
            self.gateways = Gateways(
                client, policy, s.endpoints, self.box, esm_listing_seconds=s.esm_listing_seconds
            )
            yield
            self.gateways = None


def _sealing(box: SecretBox | None) -> Hook:
    """At startup, before anything reads an account: keys stored in plaintext by an older
    collector are sealed, and the start is refused when accounts exist and no secrets key is
    set. Here rather than in `migrate`: SQL cannot seal, and every start (with or without
    `migrate` run first) passes here, as the schema's owner the service logs in as."""

    @contextlib.asynccontextmanager
    async def seal(runtime: ServiceRuntime) -> AsyncIterator[None]:
        async with runtime.pool.acquire() as conn:
            await account_keys.seal_stored_keys(conn, box)
        yield

    return seal


def build_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime(SERVICE, settings, MIGRATIONS)
    runtime.subscribe(subscriber.subscription())
    runtime.oldest_waiting(flow.oldest_of(flow_view.flow))  # the oldest-unprocessed-age gauge
    return runtime


def create_app(settings: Settings) -> FastAPI:
    s = (
        settings
        if isinstance(settings, CollectorSettings)
        else CollectorSettings(**settings.model_dump())
    )
    runtime = build_runtime(s)
    box = SecretBox.from_setting(s.secrets_key)
    runtime.in_background(_sealing(box))  # first: before collection, pushes or checks start
    marketplaces = _Marketplaces(s, box)
    collection = Collection(lambda: runtime.pool, marketplaces.gateway_for, s.collect_lease_seconds)
    runtime.in_background(marketplaces.lifespan)
    runtime.in_background(collection.lifespan)
    runtime.every(s.collect_tick_seconds, "auto-collect", collection.collect_due)
    pusher = Pusher(lambda: runtime.pool, marketplaces.pusher_for, s.push_lease_seconds)
    runtime.every(s.push_tick_seconds, "tracking-push", pusher.push_due)
    cutoff = parse_cutoff(s.shipping_cutoff)  # for sellers who set none of their own
    overdue = shipping_overdue.sampler(shipping_overdue.reader(lambda: runtime.pool), cutoff)
    runtime.every(s.oldest_sample_seconds, "shipping-overdue", overdue)
    checker = Checker(
        lambda: runtime.pool,
        marketplaces.status_reader_for,
        timedelta(days=s.mismatch_lookback_days),
        interval=timedelta(seconds=s.mismatch_check_seconds),
    )
    # every replica ticks; the schedule's lease lets one of them check, once per interval
    runtime.every(min(60.0, s.mismatch_check_seconds), "mismatch-check", checker.check_all)
    return runtime.create_app(
        "Packline collector (주문수집)",
        excel_http.router(runtime),  # before /orders/{marketplace}/{id}, which would shadow it
        http.router(runtime),
        orders_list_http.router(runtime),
        stats_http.router(runtime),
        accounts_http.router(runtime, s.endpoints, box),
        collections_http.router(runtime, collection),
        push_http.router(runtime),
        mismatch_http.router(runtime, checker),
        shipping_cutoff_http.router(runtime, cutoff),
    )
