"""Composition root of the bundler: settings, runtime, subscriber, sealer loop, HTTP routes."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from packline_bundler.adapters import views
from packline_bundler.entrypoints import http, review_http, settings_http, subscriber
from packline_bundler.service_layer import use_cases
from packline_runtime import flow
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

SERVICE = "bundler"
MIGRATIONS = Path(__file__).parent / "migrations"


class BundlerSettings(Settings):
    http_port: int = 8103
    bundle_hold_seconds: float = 120.0  # how long a bundle stays open for more orders
    bundle_seal_interval_seconds: float = 0.5


def load_settings() -> BundlerSettings:
    return BundlerSettings()


def create_app(settings: Settings) -> FastAPI:
    assert isinstance(settings, BundlerSettings)
    runtime = ServiceRuntime(SERVICE, settings, MIGRATIONS)
    hold = timedelta(seconds=settings.bundle_hold_seconds)
    runtime.subscribe(subscriber.subscription(hold))
    runtime.oldest_waiting(flow.oldest_of(views.flow))  # the oldest-unprocessed-age gauge

    async def seal_due() -> int:
        async with runtime.unit_of_work() as uow:
            return await use_cases.seal(uow)

    runtime.every(settings.bundle_seal_interval_seconds, "sealer", seal_due)
    return runtime.create_app(
        "Packline bundler (합포)",
        http.router(runtime),
        review_http.router(runtime),
        settings_http.router(runtime, hold),
    )
