"""Builds the marketplace gateway for an account: Coupang (HMAC per request), Naver (a token
kept per account between collections, since one lasts 3 hours) or ESM (a self-signed JWT per
request, Gmarket and Auction in one account), and the tracking-number
pusher for the same account. The only place an account's sealed keys are opened."""

import hashlib

import httpx

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.coupang_gateway import CoupangGateway
from packline_collector.adapters.coupang_invoices import CoupangInvoices
from packline_collector.adapters.elevenst_client import ElevenstClient
from packline_collector.adapters.elevenst_dispatch import ElevenstDispatch, ElevenstStatus
from packline_collector.adapters.elevenst_gateway import ElevenstGateway
from packline_collector.adapters.esm_client import AUCTION, GMARKET, LISTING_INTERVAL, EsmClient
from packline_collector.adapters.esm_gateway import EsmGateway
from packline_collector.adapters.esm_shipping import EsmShipping, EsmStatus
from packline_collector.adapters.http_retry import MarketplaceError, RetryPolicy
from packline_collector.adapters.naver_client import NaverClient
from packline_collector.adapters.naver_dispatch import NaverDispatch
from packline_collector.adapters.naver_gateway import NaverGateway
from packline_collector.adapters.status_readers import CoupangStatus, NaverStatus
from packline_collector.domain.accounts import Account, key_context
from packline_collector.domain.endpoints import EndpointPolicy, UnsafeBaseUrl
from packline_collector.domain.mismatch import StatusReader
from packline_collector.domain.push import TrackingPusher
from packline_collector.domain.remote import Gateway
from packline_runtime import secret_box
from packline_runtime.secret_box import SecretBox, SecretError


class RefusedEndpoint(MarketplaceError):
    """The account's stored base_url is not one keys may be sent to; nothing was sent."""


class KeysDoNotOpen(MarketplaceError):
    """The account's sealed keys do not open with this process's secrets key; nothing was sent."""


class Gateways:
    def __init__(
        self,
        http: httpx.AsyncClient,
        policy: RetryPolicy,
        endpoints: EndpointPolicy,
        box: SecretBox | None,
        esm_listing_seconds: float = LISTING_INTERVAL,
    ) -> None:
        self.http = http
        self.policy = policy
        self.endpoints = endpoints
        self.box = box
        # ESM's order listing: one call in 5 s per site seller (PACKLINE_ESM_LISTING_SECONDS)
        self.esm_listing_interval = esm_listing_seconds
        self._naver: dict[tuple[str, str], NaverClient] = {}

    def _opened(self, account: Account, column: str) -> str:
        sealed = account.keys.secret if column == "secret" else account.keys.access_key
        if sealed is None:
            return ""
        try:
            return secret_box.required(self.box).open(
                sealed, key_context(account.account_id, column)
            )
        except SecretError as exc:  # its message names the row and the key id, never a key
            raise KeysDoNotOpen(f"{account.who}: its keys do not open: {exc}") from None

    def _base(self, account: Account, doing: str) -> str:
        # checked again here, right before any signed request: a row stored before the check
        # existed, or written around the API, must not receive the account's keys
        try:
            return self.endpoints.base_url(account.marketplace, account.base_url)
        except UnsafeBaseUrl as exc:
            raise RefusedEndpoint(
                f"{account.who}: not {doing}, {exc}; correct it with PATCH /accounts/"
                f"{account.account_id}"
            ) from None

    def _coupang(self, account: Account, base: str) -> CoupangClient:
        return CoupangClient(
            self.http,
            base,
            account.login_id,
            self._opened(account, "access_key"),
            self._opened(account, "secret"),
            account.who,
            self.policy,
        )

    def _naver_client(self, account: Account, base: str) -> NaverClient:
        # keyed by a digest of the sealed secret too: a changed secret gets a new token
        key = (
            str(account.account_id),
            hashlib.sha256(base.encode() + b"|" + account.keys.secret).hexdigest(),
        )
        naver = self._naver.get(key)
        if naver is None:
            secret = self._opened(account, "secret")
            naver = NaverClient(self.http, base, account.login_id, secret, account.who, self.policy)
            self._naver[key] = naver
        return naver

    def _elevenst(self, account: Account, base: str) -> ElevenstClient:
        key = self._opened(account, "secret")
        return ElevenstClient(self.http, base, key, account.who, self.policy)

    def _esm(self, account: Account, base: str) -> EsmClient:
        sellers = {GMARKET: account.gmarket_seller_id, AUCTION: account.auction_seller_id}
        return EsmClient(
            self.http,
            base,
            account.login_id,
            self._opened(account, "secret"),
            sellers,
            account.who,
            self.policy,
            self.esm_listing_interval,
        )

    def for_account(self, account: Account) -> Gateway:
        base = self._base(account, "collected")
        if account.marketplace == "ESM":
            return EsmGateway(self._esm(account, base), account.seller_id)
        if account.marketplace == "COUPANG":
            return CoupangGateway(self._coupang(account, base), account.seller_id)
        if account.marketplace == "ELEVENST":
            return ElevenstGateway(self._elevenst(account, base), account.seller_id)
        return NaverGateway(self._naver_client(account, base), account.seller_id)

    def pusher_for(self, account: Account) -> TrackingPusher:
        """Tracking-number pushes with the same keys, token and endpoint checks as collection."""
        base = self._base(account, "pushed")
        if account.marketplace == "ESM":
            return EsmShipping(self._esm(account, base))
        if account.marketplace == "COUPANG":
            return CoupangInvoices(self._coupang(account, base))
        if account.marketplace == "ELEVENST":
            return ElevenstDispatch(self._elevenst(account, base))
        return NaverDispatch(self._naver_client(account, base))

    def status_reader_for(self, account: Account) -> StatusReader:
        """Orders read again for the mismatch check, with the same keys and endpoint checks."""
        base = self._base(account, "checked")
        if account.marketplace == "ESM":
            return EsmStatus(self._esm(account, base))
        if account.marketplace == "COUPANG":
            return CoupangStatus(self._coupang(account, base))
        if account.marketplace == "ELEVENST":
            return ElevenstStatus(self._elevenst(account, base))
        return NaverStatus(self._naver_client(account, base))
