"""Composition root of the shipper service: settings, runtime, subscriber and HTTP routes."""

from pathlib import Path

from fastapi import FastAPI

from packline_runtime import flow
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings
from packline_shipper.adapters import views
from packline_shipper.entrypoints import http, scan_http, subscriber

SERVICE = "shipper"
MIGRATIONS = Path(__file__).parent / "migrations"


class ShipperSettings(Settings):
    http_port: int = 8106


def load_settings() -> ShipperSettings:
    return ShipperSettings()


def build_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime(SERVICE, settings, MIGRATIONS)
    runtime.subscribe(subscriber.subscription())
    runtime.oldest_waiting(flow.oldest_of(views.flow))  # the oldest-unprocessed-age gauge
    return runtime


def create_app(settings: Settings) -> FastAPI:
    runtime = build_runtime(settings)
    return runtime.create_app(
        "Packline shipper (배송)", scan_http.router(runtime), http.router(runtime)
    )
