"""Composition root of the allocator: settings, runtime, subscriber and HTTP routes."""

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from packline_allocator.adapters import stats
from packline_allocator.entrypoints import (
    http,
    partial_http,
    rules_http,
    stock_http,
    subscriber,
    wave_modes_http,
)
from packline_allocator.service_layer import use_cases
from packline_runtime import flow
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

SERVICE = "allocator"
MIGRATIONS = Path(__file__).parent / "migrations"


class AllocatorSettings(Settings):
    http_port: int = 8104
    scheduled_wave_check_seconds: float = 30.0  # PACKLINE_SCHEDULED_WAVE_CHECK_SECONDS


def load_settings() -> AllocatorSettings:
    return AllocatorSettings()


def build_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime(SERVICE, settings, MIGRATIONS)
    runtime.subscribe(subscriber.subscription())
    runtime.oldest_waiting(flow.oldest_of(stats.flow))  # the oldest-unprocessed-age gauge

    async def scheduled_waves() -> int:
        async with runtime.unit_of_work() as uow:
            return await use_cases.run_scheduled_waves(uow, datetime.now(UTC))

    every = getattr(settings, "scheduled_wave_check_seconds", 30.0)
    runtime.every(every, "scheduled waves", scheduled_waves)
    return runtime


def create_app(settings: Settings) -> FastAPI:
    runtime = build_runtime(settings)
    return runtime.create_app(
        "Packline allocator (할당)",
        http.router(runtime),
        rules_http.router(runtime),
        stock_http.router(runtime),
        wave_modes_http.router(runtime),
        partial_http.router(runtime),
    )
