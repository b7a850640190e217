"""Where a marketplace account may send signed requests: https to the marketplace's own API
host, or a host:port an operator allowed (the simulators). Anything else is refused, so a stored
account can never aim the collector at our own services, a file or a script."""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

OFFICIAL_HOSTS = {
    "COUPANG": "api-gateway.coupang.com",
    "NAVER": "api.commerce.naver.com",
    "ELEVENST": "api.11st.co.kr",
}
_UNSAFE_CHARACTERS = re.compile(r"[\s\\\x00-\x1f\x7f]")


class UnsafeBaseUrl(ValueError):
    """The account's base_url is not one the collector may send keys to."""


def _allowed_entry(entry: str) -> str:
    host, _, port = entry.strip().lower().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"allowed marketplace host {entry!r} must be written host:port")
    return f"{host}:{int(port)}"


@dataclass(frozen=True)
class EndpointPolicy:
    """`allowed` holds `host:port` entries an operator trusts (http or https)."""

    allowed: frozenset[str] = frozenset()

    @classmethod
    def from_setting(cls, value: str) -> "EndpointPolicy":
        return cls(frozenset(_allowed_entry(e) for e in value.split(",") if e.strip()))

    def base_url(self, marketplace: str, base_url: str) -> str:
        """The normalised `scheme://host[:port]` to use; empty means the official host.

        Raises UnsafeBaseUrl saying what is wrong and what would be accepted.
        """
        official = OFFICIAL_HOSTS.get(marketplace)
        if official is None:
            raise UnsafeBaseUrl(f"{marketplace} has no marketplace API")
        if base_url == "":
            return f"https://{official}"
        accepted = (
            f"https://{official} (or a host:port allowed in PACKLINE_MARKETPLACE_ALLOWED_HOSTS)"
        )
        if _UNSAFE_CHARACTERS.search(base_url):
            raise UnsafeBaseUrl(
                "base_url must not contain spaces, backslashes or control characters"
            )
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeBaseUrl(f"base_url is not a valid URL ({exc}); use {accepted}") from None
        scheme = parts.scheme.lower()
        if scheme not in ("https", "http"):
            raise UnsafeBaseUrl(
                f"base_url scheme {scheme or '(none)'!r} is not allowed; use {accepted}"
            )
        if "@" in parts.netloc:
            raise UnsafeBaseUrl("base_url must not carry a user name or password")
        if parts.query or parts.fragment or "?" in base_url or "#" in base_url:
            raise UnsafeBaseUrl("base_url must not carry a query or a fragment")
        if parts.path not in ("", "/"):
            raise UnsafeBaseUrl(f"base_url must not carry a path; use {accepted}")
        host = (parts.hostname or "").lower()
        if not host:
            raise UnsafeBaseUrl(f"base_url has no host; use {accepted}")
        shown_host = f"[{host}]" if ":" in host else host
        effective_port = port or (443 if scheme == "https" else 80)
        if f"{shown_host}:{effective_port}" in self.allowed:
            return f"{scheme}://{shown_host}:{effective_port}"
        if _is_ip_literal(host):
            raise UnsafeBaseUrl(
                f"base_url host {shown_host} is an IP address that is not allowed; use {accepted}"
            )
        if host != official:
            raise UnsafeBaseUrl(
                f"base_url host {host!r} is not the {marketplace} API host; use {accepted}"
            )
        if scheme != "https":
            raise UnsafeBaseUrl(f"base_url must use https for {official}")
        if effective_port != 443:
            raise UnsafeBaseUrl(f"base_url port {effective_port} is not allowed for {official}")
        return f"https://{official}"


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
