"""Builds the marketplace gateway for an account: Coupang (HMAC per request) or Naver (a token
kept per account between collections, since one lasts 3 hours)."""

import hashlib

import httpx

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.coupang_gateway import CoupangGateway
from packline_collector.adapters.http_retry import MarketplaceError, RetryPolicy
from packline_collector.adapters.naver_client import NaverClient
from packline_collector.adapters.naver_gateway import NaverGateway
from packline_collector.domain.accounts import Account
from packline_collector.domain.endpoints import EndpointPolicy, UnsafeBaseUrl
from packline_collector.domain.remote import Gateway


class RefusedEndpoint(MarketplaceError):
    """The account's stored base_url is not one keys may be sent to; nothing was sent."""


class Gateways:
    def __init__(
        self, http: httpx.AsyncClient, policy: RetryPolicy, endpoints: EndpointPolicy
    ) -> None:
        self.http = http
        self.policy = policy
        self.endpoints = endpoints
        self._naver: dict[tuple[str, str], NaverClient] = {}

    def for_account(self, account: Account) -> Gateway:
        # checked again here, right before any signed request: a row stored before the check
        # existed, or written around the API, must not receive the account's keys
        try:
            base = self.endpoints.base_url(account.marketplace, account.base_url)
        except UnsafeBaseUrl as exc:
            raise RefusedEndpoint(
                f"{account.who}: not collected, {exc}; correct it with PATCH /accounts/"
                f"{account.account_id}"
            ) from None
        if account.marketplace == "COUPANG":
            client = CoupangClient(
                self.http,
                base,
                account.login_id,
                account.access_key,
                account.secret,
                account.who,
                self.policy,
            )
            return CoupangGateway(client, account.seller_id)
        # keyed by a digest of the secret too: a rotated secret gets a new token
        key = (
            str(account.account_id),
            hashlib.sha256(f"{base}|{account.secret}".encode()).hexdigest(),
        )
        naver = self._naver.get(key)
        if naver is None:
            naver = NaverClient(
                self.http, base, account.login_id, account.secret, account.who, self.policy
            )
            self._naver[key] = naver
        return NaverGateway(naver, account.seller_id)
