"""The launcher's clients act as a person of the seller a call names, else their own; `/stats`
is read across sellers with the platform's sre token."""

from pathlib import Path

import pytest

from packline_launcher import keys
from packline_launcher.calls import signed
from packline_launcher.stack import Stack
from packline_runtime import tokens


def _caller(stack: Stack, kwargs: dict[str, object]) -> tokens.Caller:
    public = tokens.load_public_key(keys.token_public_key(stack.workdir))
    headers = kwargs["headers"]
    assert isinstance(headers, dict)
    return tokens.verify(public, headers["Authorization"].removeprefix("Bearer "))


def test_the_seller_a_call_names_else_the_default_and_stats_across_sellers(tmp_path: Path) -> None:
    stack = Stack(tmp_path, database_url="postgresql://postgres@127.0.0.1:1/postgres")

    body = signed(stack, "/stock", {"json": {"seller_id": "a"}}, default="d")
    query = signed(stack, "/waybills?status=ISSUED&seller_id=b", {}, default="d")
    params = signed(stack, "/tracking", {"params": {"seller_id": "c"}}, default="d")
    given = signed(stack, "/orders/import", {"content": b""}, "e", default="d")
    default = signed(stack, "/collections/7", {}, default="d")
    stats = signed(stack, "/stats", {}, default="d")

    assert [_caller(stack, k).seller_id for k in (body, query, params, given, default)] == list(
        "abced"
    )
    assert _caller(stack, stats).role is tokens.Role.SRE
    with pytest.raises(ValueError, match="name the seller"):
        signed(stack, "/parcels", {})
