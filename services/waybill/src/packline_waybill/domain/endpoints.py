"""Where a courier account may send signed requests and parcel data: https to a public host
name, or a host:port an operator allowed (the courier simulator). Anything else — plain http,
IP addresses, single-label and internal names, user names, paths, queries — is refused, so a
stored account can never aim the waybill service at our own services or the local network."""

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SETTING = "PACKLINE_COURIER_ALLOWED_HOSTS"
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f]")
_INTERNAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa", ".intranet")


class UnsafeCourierUrl(ValueError):
    """The base_url is not one the waybill service may send keys and parcels to."""


def _entry(value: str) -> str:
    host, _, port = value.strip().lower().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"allowed courier host {value!r} must be written host:port")
    return f"{host}:{int(port)}"


@dataclass
class CourierEndpoints:
    """`allowed`: `host:port` entries an operator trusts, http or https."""

    allowed: set[str] = field(default_factory=set)

    @classmethod
    def from_setting(cls, value: str) -> "CourierEndpoints":
        return cls({_entry(e) for e in value.split(",") if e.strip()})

    def allow(self, url_or_entry: str) -> None:
        parts = urlsplit(url_or_entry if "//" in url_or_entry else f"//{url_or_entry}")
        self.allowed.add(_entry(f"{parts.hostname}:{parts.port}"))

    def check(self, base_url: str) -> str:
        """The normalised `scheme://host:port`, or UnsafeCourierUrl saying why not."""
        rule = f"use https://<the courier's API host>, or a host:port allowed in {SETTING}"
        if _UNSAFE.search(base_url):
            raise UnsafeCourierUrl("base_url must not contain spaces, backslashes or controls")
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeCourierUrl(f"base_url is not a valid URL ({exc}); {rule}") from None
        scheme = parts.scheme.lower()
        if scheme not in ("https", "http"):
            raise UnsafeCourierUrl(f"base_url scheme {scheme or '(none)'!r} is not allowed; {rule}")
        if "@" in parts.netloc:
            raise UnsafeCourierUrl("base_url must not carry a user name or password")
        if parts.query or parts.fragment or "?" in base_url or "#" in base_url:
            raise UnsafeCourierUrl("base_url must not carry a query or a fragment")
        if parts.path not in ("", "/"):
            raise UnsafeCourierUrl(f"base_url must not carry a path; {rule}")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise UnsafeCourierUrl(f"base_url has no host; {rule}")
        shown = f"[{host}]" if ":" in host else host
        effective = port or (443 if scheme == "https" else 80)
        if f"{shown}:{effective}" in self.allowed:
            return f"{scheme}://{shown}:{effective}"
        if _is_ip(host):
            raise UnsafeCourierUrl(f"base_url host {shown} is an IP address; {rule}")
        if "." not in host or host.endswith(_INTERNAL_SUFFIXES):
            raise UnsafeCourierUrl(f"base_url host {host!r} is not a public host name; {rule}")
        if scheme != "https":
            raise UnsafeCourierUrl(f"base_url must use https; {rule}")
        return f"https://{host}" + ("" if effective == 443 else f":{effective}")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
