"""Builds the marketplace gateway for an account: Coupang (HMAC per request) or Naver (a token
kept per account between collections, since one lasts 3 hours)."""

import hashlib

import httpx

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.coupang_gateway import CoupangGateway
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.naver_client import NaverClient
from packline_collector.adapters.naver_gateway import NaverGateway
from packline_collector.domain.accounts import Account
from packline_collector.domain.remote import Gateway

REAL_HOSTS = {
    "COUPANG": "https://api-gateway.coupang.com",
    "NAVER": "https://api.commerce.naver.com",
}


class Gateways:
    def __init__(self, http: httpx.AsyncClient, policy: RetryPolicy) -> None:
        self.http = http
        self.policy = policy
        self._naver: dict[tuple[str, str], NaverClient] = {}

    def for_account(self, account: Account) -> Gateway:
        base = account.base_url or REAL_HOSTS[account.marketplace]
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
