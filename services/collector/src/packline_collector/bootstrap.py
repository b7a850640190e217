"""Composition root of the collector: settings, runtime, subscriber and HTTP routes."""

from pathlib import Path

from fastapi import FastAPI

from packline_collector.entrypoints import http, subscriber
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

SERVICE = "collector"
MIGRATIONS = Path(__file__).parent / "migrations"


class CollectorSettings(Settings):
    http_port: int = 8101


def load_settings() -> CollectorSettings:
    return CollectorSettings()


def build_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime(SERVICE, settings, MIGRATIONS)
    runtime.subscribe(subscriber.subscription())
    return runtime


def create_app(settings: Settings) -> FastAPI:
    runtime = build_runtime(settings)
    return runtime.create_app(
        "Packline collector (주문수집)", http.router(runtime), http.stats_router(runtime)
    )
