"""The operations every service documents, read from their OpenAPI documents (the cases of
test_authorization are generated from them), and the names the checks share."""

import importlib
from dataclasses import dataclass
from typing import Any

import pytest

from packline_launcher.stack import SERVICES
from packline_runtime.settings import Settings

A = "authz-seller-a"
B = "authz-seller-b"
OPEN = frozenset({"/health/live", "/health/ready", "/metrics"})
# Called by couriers, not people: no service token, the courier's own signature instead
# (services/waybill tests check it); named here so no other route can be left open unnoticed.
SIGNED_BY_COURIER = frozenset({"/courier-webhooks/{account_id}"})
# A PUT by key into the caller's own namespace: B's PUT of A's key makes B's own, never A's
# (checked by naming A's seller instead, and by test_an_upsert_by_key_stays_in_its_seller)
OWN_NAMESPACE_UPSERTS = frozenset({"waybill PUT /courier-templates/{key}"})
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SRE_READS = frozenset({("GET", "/stats"), ("GET", "/flow")})  # counts and times, every seller's
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCESS_KEY, SECRET_KEY = "authz-access-key-0001", "authz-secret-key-0001"
ACCESS_KEY, SECRET_KEY = "authz-access-key-0001", "authz-secret-key-0001"


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[tuple[str, bool], ...]  # (name, required)
    body_media: str | None  # the request body's media type, None without one
    body_names_seller: bool

    @property
    def key(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    @property
    def names_seller(self) -> bool:
        return self.body_names_seller or any(name == "seller_id" for name, _ in self.query)


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A body schema with its $ref (or `X | None`) resolved."""
    for option in schema.get("anyOf", [schema]):
        ref = option.get("$ref")
        if ref:
            found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
            return found
    return schema


def operations_of(service: str, spec: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document but the open health and metrics routes."""
    found = []
    for path, methods in spec["paths"].items():
        if path in OPEN or path in SIGNED_BY_COURIER:
            continue
        for method, op in methods.items():
            params = op.get("parameters", [])
            media, names_seller = None, False
            if "requestBody" in op:
                media, content = next(iter(op["requestBody"]["content"].items()))
                body = _schema(spec, content.get("schema", {}))
                names_seller = "seller_id" in body.get("properties", {})
            found.append(
                Operation(
                    service=service,
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query=tuple(
                        (p["name"], bool(p.get("required"))) for p in params if p["in"] == "query"
                    ),
                    body_media=media,
                    body_names_seller=names_seller,
                )
            )
    return found


def documented(service: str) -> list[Operation]:
    """The document the service serves, built in this process to parametrize the tests; the
    running services' own documents are checked against it (test_every_operation_is_tested)."""
    boot = importlib.import_module(f"packline_{service}.bootstrap")
    settings = getattr(boot, "load_settings", Settings)()
    return operations_of(service, boot.create_app(settings).openapi())


OPERATIONS = [op for service in SERVICES for op in documented(service)]


def cases(check: str, ops: list[Operation]) -> list[Any]:
    return [pytest.param(op, id=op.key) for op in ops]
