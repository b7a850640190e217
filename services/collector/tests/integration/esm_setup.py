"""ESM accounts and orders placed on the marketplace simulator, and an ESM client for them: the
setting of the ESM adapter tests (test_esm_orders.py, test_esm_token_and_shipping.py)."""

from datetime import UTC, datetime, timedelta

import httpx

from packline_collector.adapters.esm_client import AUCTION, GMARKET, EsmClient
from packline_collector.adapters.esm_gateway import EsmGateway
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.domain.remote import Fetched
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator
from packline_marketsim.state import EsmAccount

FAST = RetryPolicy(attempts=4, base_delay=0.05, max_delay=1.0)
WHO = "ESM account 'test' (master id {})"


def place(
    market: RunningSimulator, count: int, days: float = 0.5, seed: int = 5, null_share: float = 0.2
) -> EsmAccount:
    market.sim.null_share = null_share
    account = market.sim.add_esm()
    paid_from = datetime.now(UTC) - timedelta(days=days)
    spacing = timedelta(days=days) / (count + 1)
    for order in generate(
        count, marketplaces=("GMARKET", "AUCTION"), seed=seed, paid_from=paid_from, spacing=spacing
    ):
        market.sim.place(order, account.master_id)
    return account


def client(
    market: RunningSimulator,
    http: httpx.AsyncClient,
    account: EsmAccount,
    secret: str = "",
    listing_interval: float = 0,
    policy: RetryPolicy = FAST,
) -> EsmClient:
    sellers = {GMARKET: account.gmarket_seller_id, AUCTION: account.auction_seller_id}
    return EsmClient(
        http,
        market.url,
        account.master_id,
        secret or account.secret_key,
        sellers,
        WHO.format(account.master_id),
        policy,
        listing_interval=listing_interval,
    )


async def _nothing(fetched: int) -> None:
    return None


async def fetch(esm: EsmClient, days: float = 1.0) -> Fetched:
    now = datetime.now(UTC)
    return await EsmGateway(esm, "s1").fetch(now - timedelta(days=days), now, _nothing)
