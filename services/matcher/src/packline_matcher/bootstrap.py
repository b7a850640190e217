"""Composition root of the matcher: settings, runtime, subscriber and HTTP routes."""

from pathlib import Path

from fastapi import FastAPI

from packline_matcher.adapters import views
from packline_matcher.entrypoints import catalogue_http, http, subscriber
from packline_matcher.service_layer import suggestions
from packline_runtime import flow
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

SERVICE = "matcher"
MIGRATIONS = Path(__file__).parent / "migrations"


class MatcherSettings(Settings):
    http_port: int = 8102
    suggest_interval_seconds: float = (
        1.0  # how often the queue's suggestions are brought up to date
    )
    suggest_batch_orders: int = 100  # waiting orders suggested per run (bounds one run's work)


def load_settings() -> MatcherSettings:
    return MatcherSettings()


def build_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime(SERVICE, settings, MIGRATIONS)
    runtime.subscribe(subscriber.subscription())
    runtime.oldest_waiting(flow.oldest_of(views.flow))  # the oldest-unprocessed-age gauge
    s = settings if isinstance(settings, MatcherSettings) else MatcherSettings()

    async def suggest() -> int:
        return await suggestions.refresh(runtime.pool, s.suggest_batch_orders)

    runtime.every(s.suggest_interval_seconds, "suggester", suggest)
    return runtime


def create_app(settings: Settings) -> FastAPI:
    runtime = build_runtime(settings)
    return runtime.create_app(
        "Packline matcher (매칭)", http.router(runtime), catalogue_http.router(runtime)
    )
