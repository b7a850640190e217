"""The console with the real collector, matcher and bundler HTTP routes in-process, each on
its own fresh PostgreSQL schema, and an owner, an operator and a viewer of seller s1."""

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg

from packline_bundler.bootstrap import MIGRATIONS as BUNDLER_MIGRATIONS
from packline_bundler.entrypoints import http as bundler_http
from packline_bundler.entrypoints import review_http, settings_http
from packline_collector.adapters.marketplaces import Gateway
from packline_collector.bootstrap import MIGRATIONS as COLLECTOR_MIGRATIONS
from packline_collector.domain.accounts import Account
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.entrypoints import accounts_http, collections_http, excel_http
from packline_collector.entrypoints import http as collector_http
from packline_collector.service_layer.collection import Collection
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_matcher.bootstrap import MIGRATIONS as MATCHER_MIGRATIONS
from packline_matcher.entrypoints import catalogue_http
from packline_matcher.entrypoints import http as matcher_http
from packline_runtime.secret_box import SecretBox
from packline_runtime.tokens import Role
from services.console.tests.integration.console_harness import Harness, running_console, settings
from services.console.tests.integration.service_apps import Apps, service_runtime

OWNER, OPERATOR, VIEWER = "owner@s1.kr", "op@s1.kr", "viewer@s1.kr"
HOLD = timedelta(seconds=60)
# the collector seals marketplace keys with it; gateways open them with it
BOX = SecretBox(os.urandom(32))


@dataclass
class Work:
    console: Harness
    collector: asyncpg.Pool
    matcher: asyncpg.Pool
    bundler: asyncpg.Pool
    collection: Collection


def _no_marketplace(account: Account) -> Gateway:
    raise AssertionError(f"this test calls no marketplace ({account.marketplace})")


@asynccontextmanager
async def work_console(
    new_schema: Any,
    gateway_for: Callable[[Account], Gateway] = _no_marketplace,
    endpoints: EndpointPolicy | None = None,
) -> AsyncIterator[Work]:
    pools = {
        name: await new_schema(migrations, prefix=f"w{name[:3]}")
        for name, migrations in (
            ("collector", COLLECTOR_MIGRATIONS),
            ("matcher", MATCHER_MIGRATIONS),
            ("bundler", BUNDLER_MIGRATIONS),
            ("console", CONSOLE_MIGRATIONS),
        )
    }
    collection = Collection(lambda: pools["collector"], gateway_for)
    policy = endpoints or EndpointPolicy.from_setting("")
    apps = Apps()
    collector = service_runtime("collector", pools["collector"], COLLECTOR_MIGRATIONS)
    apps.add(
        "collector",
        pools["collector"],
        excel_http.router(collector),
        collector_http.router(collector),
        accounts_http.router(collector, policy, BOX),
        collections_http.router(collector, collection),
    )
    matcher = service_runtime("matcher", pools["matcher"], MATCHER_MIGRATIONS)
    apps.add(
        "matcher", pools["matcher"], matcher_http.router(matcher), catalogue_http.router(matcher)
    )
    bundler = service_runtime("bundler", pools["bundler"], BUNDLER_MIGRATIONS)
    apps.add(
        "bundler",
        pools["bundler"],
        bundler_http.router(bundler),
        review_http.router(bundler),
        settings_http.router(bundler, HOLD),
    )
    console_settings = settings(**apps.urls)
    mounts = apps.mounts
    async with (
        collection.lifespan(None),
        running_console(pools["console"], console_settings, mounts=mounts) as harness,
    ):
        await harness.user(OWNER, Role.OWNER)
        await harness.user(OPERATOR, Role.OPERATOR)
        await harness.user(VIEWER, Role.VIEWER)
        yield Work(harness, pools["collector"], pools["matcher"], pools["bundler"], collection)
