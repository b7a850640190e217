"""Composition root of the waybill service: settings, runtime, band, subscriber and HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from pydantic import model_validator

from packline_runtime.service import Hook, ServiceRuntime
from packline_runtime.settings import Settings
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.entrypoints import http, subscriber
from packline_waybill.service_layer import use_cases

SERVICE = "waybill"
MIGRATIONS = Path(__file__).parent / "migrations"


class WaybillSettings(Settings):
    http_port: int = 8105
    waybill_courier: str = "HYUNDAI"  # 롯데택배
    waybill_band_start: int = 30_000_000_000  # 11-digit serials the courier assigned us
    waybill_band_end: int = 30_999_999_999
    courier_api_url: str | None = None

    @model_validator(mode="after")
    def _band_is_usable(self) -> "WaybillSettings":
        self.number_band()  # fail at startup, not at the first bundle
        return self

    def number_band(self) -> NumberBand:
        return NumberBand(self.waybill_courier, self.waybill_band_start, self.waybill_band_end)


def load_settings() -> WaybillSettings:
    return WaybillSettings()


def _keep_band(band: NumberBand) -> Hook:
    """Create or move the band row before consuming, so the first batch can claim numbers."""

    @asynccontextmanager
    async def prepare(runtime: ServiceRuntime) -> AsyncIterator[None]:
        async with runtime.unit_of_work() as uow:
            await use_cases.prepare_band(uow, band)
        yield

    return prepare


def build_runtime(settings: Settings) -> tuple[ServiceRuntime, NumberBand]:
    own = (
        settings
        if isinstance(settings, WaybillSettings)
        else WaybillSettings(**settings.model_dump())
    )
    band = own.number_band()
    runtime = ServiceRuntime(SERVICE, own, MIGRATIONS)
    runtime.in_background(_keep_band(band))
    runtime.subscribe(subscriber.subscription(band))
    return runtime, band


def create_app(settings: Settings) -> FastAPI:
    runtime, band = build_runtime(settings)
    return runtime.create_app("Packline waybill (송장)", http.router(runtime, band))
