"""Composition root of the waybill service: settings, runtime, band, courier API, booker,
subscriber and HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, model_validator

from packline_runtime import flow, problems
from packline_runtime.secret_box import SecretBox
from packline_runtime.service import Hook, ServiceRuntime
from packline_runtime.settings import Settings
from packline_waybill.adapters import views
from packline_waybill.adapters.courier_api import CourierApi, CourierCredentials
from packline_waybill.adapters.courier_tracking import CourierTracker
from packline_waybill.domain.endpoints import CourierEndpoints
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.entrypoints import (
    http,
    http_accounts,
    http_files,
    http_tracking,
    subscriber,
)
from packline_waybill.service_layer import booking, tracking, use_cases
from packline_waybill.service_layer.claims import Numbering
from packline_waybill.service_layer.parcels import Sender
from packline_waybill.service_layer.tracking import TrackingPolicy

SERVICE = "waybill"
MIGRATIONS = Path(__file__).parent / "migrations"


class WaybillSettings(Settings):
    http_port: int = 8105
    waybill_courier: str = "HYUNDAI"  # 롯데택배: the band for sellers without a courier account
    waybill_band_start: int = 30_000_000_000  # 11-digit serials the courier assigned us
    waybill_band_end: int = 30_999_999_999
    # The sender printed on labels of parcels numbered from the service band.
    waybill_sender_name: str = "Packline 출고센터"
    waybill_sender_phone: str = "02-0000-0000"
    waybill_sender_address: str = "서울특별시 중구 세종대로 110"
    courier_api_url: str | None = None  # the courier simulator in the embedded default
    # host:port entries courier accounts may call over http or on an IP (the simulator)
    courier_allowed_hosts: str = ""
    courier_api_timeout_seconds: float = 10.0
    booking_interval_seconds: float = 2.0
    # 배송추적: a shipped parcel not picked up by the courier within this many hours is overdue
    pickup_deadline_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    tracking_poll_seconds: float = Field(default=900.0, gt=0)  # a followed parcel's next poll
    tracking_interval_seconds: float = Field(default=2.0, gt=0)  # how often due polls are sought
    tracking_calls_per_second: float = Field(default=5.0, gt=0)  # per account (courier: 10/s)
    tracking_batch_size: int = Field(default=500, ge=1, le=10_000)

    @model_validator(mode="after")
    def _band_is_usable(self) -> "WaybillSettings":
        self.number_band()  # fail at startup, not at the first bundle
        self.courier_endpoints()
        return self

    def number_band(self) -> NumberBand:
        return NumberBand(self.waybill_courier, self.waybill_band_start, self.waybill_band_end)

    def courier_endpoints(self) -> CourierEndpoints:
        return CourierEndpoints.from_setting(self.courier_allowed_hosts)

    def tracking_policy(self) -> TrackingPolicy:
        return TrackingPolicy(
            pickup_deadline=timedelta(hours=self.pickup_deadline_hours),
            poll_every=timedelta(seconds=self.tracking_poll_seconds),
            calls_per_second=self.tracking_calls_per_second,
            batch_size=self.tracking_batch_size,
        )

    def sender(self) -> Sender:
        return Sender(
            self.waybill_sender_name, self.waybill_sender_phone, self.waybill_sender_address
        )


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


def _courier_api(timeout: float, endpoints: CourierEndpoints) -> booking.ApiFactory:
    def open_api(credentials: CourierCredentials) -> CourierApi:
        checked = replace(credentials, base_url=endpoints.check(credentials.base_url))
        return CourierApi(checked, timeout_seconds=timeout)

    return open_api


def _courier_tracker(timeout: float, endpoints: CourierEndpoints) -> tracking.TrackerFactory:
    def open_tracker(credentials: CourierCredentials) -> CourierTracker:
        checked = replace(credentials, base_url=endpoints.check(credentials.base_url))
        return CourierTracker(checked, timeout_seconds=timeout)

    return open_tracker


def build_runtime(settings: Settings) -> tuple[ServiceRuntime, WaybillSettings, Numbering]:
    own = (
        settings
        if isinstance(settings, WaybillSettings)
        else WaybillSettings(**settings.model_dump())
    )
    box = SecretBox.from_setting(own.secrets_key)
    numbering = Numbering(own.number_band(), box)
    runtime = ServiceRuntime(SERVICE, own, MIGRATIONS)
    runtime.in_background(_keep_band(numbering.band))
    policy = own.tracking_policy()
    runtime.subscribe(subscriber.subscription(numbering, policy))
    runtime.oldest_waiting(flow.oldest_of(views.flow))  # the oldest-unprocessed-age gauge
    api = _courier_api(own.courier_api_timeout_seconds, own.courier_endpoints())

    async def book() -> int:
        return await booking.book_due(runtime, box, api)

    runtime.every(own.booking_interval_seconds, "courier-booking", book)
    tracker = _courier_tracker(own.courier_api_timeout_seconds, own.courier_endpoints())

    async def track() -> int:
        return await tracking.poll_due(runtime, box, tracker, policy)

    runtime.every(own.tracking_interval_seconds, "delivery-tracking", track)
    return runtime, own, numbering


def create_app(settings: Settings) -> FastAPI:
    runtime, own, numbering = build_runtime(settings)
    endpoints = own.courier_endpoints()
    api = _courier_api(own.courier_api_timeout_seconds, endpoints)
    app = runtime.create_app(
        "Packline waybill (송장)",
        http.router(runtime, numbering, own.sender(), numbering.box, api, own.tracking_policy()),
        http_files.router(runtime, numbering.box),
        http_accounts.router(runtime, numbering.box, endpoints),
        http_tracking.router(runtime, numbering.box, own.tracking_policy()),
    )
    # The one route without a service token: couriers call it, signing with their API secret.
    app.include_router(
        http_tracking.webhook_router(runtime, numbering.box, own.tracking_policy()),
        responses={**problems.RESPONSES, 401: http_tracking.BAD_SIGNATURE},
    )
    return app
