"""Who may call what, over real HTTP against the six running services, for EVERY operation of
their OpenAPI documents (design.md § 7): no token, a token of another key and an expired one are
401; a viewer changes nothing (403); the platform role sre reads only /stats and /flow (403
for the rest); seller B's token against seller A's data is answered 404 (A's resources named in
the path, or A named as `seller_id` in the query or body), and B's lists and counts hold none of
A's rows.

The operations are generated from the services' documents: a new endpoint gets every case
without anyone writing one, and fails until this module knows how to fill its parameters
(`authz_requests`: `PATH_VALUES`, `QUERY_VALUES`, `BODIES`): nothing slips through untested.
Seller A's world is made once per module (`authz_world`)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from packline_launcher import keys
from packline_launcher.stack import SERVICES, Stack
from packline_launcher.testing_tokens import TestTokens
from packline_runtime import tokens
from packline_runtime.tokens import Caller, Role
from tests.api.authz_operations import (
    ACCESS_KEY,
    CHANGES,
    OPERATIONS,
    OWN_NAMESPACE_UPSERTS,
    SECRET_KEY,
    SRE_READS,
    A,
    B,
    Operation,
    cases,
    operations_of,
)
from tests.api.authz_requests import (
    BULK,
    RAW_BODY_NAMES_SELLER,
    body_of,
    is_list,
    names_another_sellers_data,
    path_of,
    query_of,
)
from tests.api.authz_world import Calls, World, make_world

pytestmark = pytest.mark.e2e

# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def calls(stack: Stack) -> Iterator[Calls]:
    """Tokens signed with the stack's own key, the one its services trust."""
    signer = TestTokens(keys.token_private_key(stack.workdir))
    with httpx.Client(timeout=60.0) as http:
        yield Calls(stack, signer, http)


@pytest.fixture(scope="module")
def world(calls: Calls) -> World:
    return make_world(calls)


def _foreign_key_token() -> str:
    key = tokens.load_private_key(tokens.new_key_pair()[0])
    return tokens.sign(key, Caller(sub="intruder", seller_id=A, role=Role.OWNER))


def _expired_token(signer: TestTokens) -> str:
    key = tokens.load_private_key(signer.private_pem)
    issued = datetime.now(UTC) - timedelta(minutes=10)
    return tokens.sign(key, Caller(sub="late", seller_id=A, role=Role.OWNER), now=issued)


# ---------------------------------------------------------------------------------------------
# The cases


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_the_running_service_documents_is_tested(
    calls: Calls, service: str
) -> None:
    answer = calls.request(service, "GET", "/openapi.json", calls.tokens.token(A))
    assert answer.status_code == 200, answer.text[:300]
    served = {op.key for op in operations_of(service, answer.json())}
    tested = {op.key for op in OPERATIONS if op.service == service}
    assert served == tested


def test_every_operation_has_a_tenancy_case() -> None:
    """Each operation either names data (a path, a seller) that B must not reach, or is a list
    or count B reads; one that is neither is a new kind this module must learn about."""
    lost = [op.key for op in OPERATIONS if not (names_another_sellers_data(op) or is_list(op))]
    assert not lost, f"no tenancy case for {lost}"


@pytest.mark.parametrize("op", cases("no_token", OPERATIONS))
def test_no_token_is_401(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, op.method, path_of(op, None), None)
    assert answer.status_code == 401, answer.text[:300]
    assert answer.headers["www-authenticate"].lower().startswith("bearer")


@pytest.mark.parametrize("op", cases("bad_token", OPERATIONS))
def test_a_token_of_another_key_or_expired_is_401(calls: Calls, op: Operation) -> None:
    for token in (_foreign_key_token(), _expired_token(calls.tokens), "not-a-jwt"):
        answer = calls.request(op, op.method, path_of(op, None), token)
        assert answer.status_code == 401, answer.text[:300]


@pytest.mark.parametrize("op", cases("viewer", [op for op in OPERATIONS if op.method in CHANGES]))
def test_a_viewer_changes_nothing(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, op.method, path_of(op, None), calls.tokens.token(A, Role.VIEWER))
    assert answer.status_code == 403, answer.text[:300]


@pytest.mark.parametrize(
    "op", cases("sre", [op for op in OPERATIONS if (op.method, op.path) not in SRE_READS])
)
def test_the_sre_role_reads_only_stats_and_flow(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, op.method, path_of(op, None), calls.tokens.token(A, Role.SRE))
    assert answer.status_code == 403, answer.text[:300]


@pytest.mark.parametrize(
    "op", cases("sre_reads", [op for op in OPERATIONS if (op.method, op.path) in SRE_READS])
)
def test_the_sre_role_reads_counts_and_times(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, "GET", op.path, calls.tokens.token(A, Role.SRE))
    assert answer.status_code == 200, answer.text[:300]
    if op.path == "/flow":
        assert set(answer.json()) == {"since", "done", "oldest"}


@pytest.mark.parametrize(
    "op", cases("other_seller", [op for op in OPERATIONS if names_another_sellers_data(op)])
)
def test_another_sellers_data_is_answered_404(calls: Calls, world: World, op: Operation) -> None:
    token = calls.tokens.token(B, Role.OWNER)
    body = body_of(op, world)
    attempts: list[tuple[str, dict[str, Any]]] = []
    by_path = op.path_params and op.key not in OWN_NAMESPACE_UPSERTS
    if by_path or op.key in BULK:  # A's resource named, B's seller by default
        attempts.append(("by path", query_of(op, world, None)))
    if op.names_seller or op.key in RAW_BODY_NAMES_SELLER:  # A named outright
        attempts.append(("by seller_id", query_of(op, world, A)))
    for how, query in attempts:
        kw = dict(body)
        if how == "by seller_id" and op.body_names_seller and "json" in kw:
            kw["json"] = {**kw["json"], "seller_id": A}
        answer = calls.request(op, op.method, path_of(op, world), token, params=query, **kw)
        if op.key in BULK:
            assert answer.status_code == 200, answer.text[:300]
            assert {r["outcome"] for r in answer.json()["results"]} == {"NOT_FOUND"}
        else:
            assert answer.status_code == 404, f"{how}: {answer.status_code} {answer.text[:300]}"


@pytest.mark.parametrize(
    "op",
    cases("lists", [op for op in OPERATIONS if is_list(op)]),
)
def test_another_sellers_lists_and_counts_hold_none_of_its_rows(
    calls: Calls, world: World, op: Operation
) -> None:
    answer = calls.request(
        op, "GET", op.path, calls.tokens.token(B, Role.OWNER), params=query_of(op, world, None)
    )
    assert answer.status_code == 200, answer.text[:300]
    if op.path == "/stats":
        assert answer.json() == world.b_counts_before[op.service]
    text = answer.text
    leaked = [m for m in world.markers() if m and m in text]
    assert not leaked, f"seller B reads seller A's {leaked}"


def test_an_upsert_by_key_stays_in_its_seller(calls: Calls, world: World) -> None:
    """B saving a courier template under A's key makes B's own copy; A's stays as it was."""
    path = f"/courier-templates/{world.template_key}"
    before = calls.as_seller(A, "GET", "waybill", "/courier-templates")
    definition = next(t for t in before if t["key"] == world.template_key)["definition"]
    renamed = {**definition, "name": "B's copy"}
    saved = calls.as_seller(B, "PUT", "waybill", path, json=renamed)
    assert saved["own"] and saved["name"] == "B's copy"
    assert calls.as_seller(A, "GET", "waybill", "/courier-templates") == before


def test_marketplace_keys_are_never_returned_or_logged(calls: Calls, world: World) -> None:
    """A's own reads show its account, the keys masked; no service's log holds them."""
    listed = calls.request("collector", "GET", "/accounts", calls.tokens.token(A)).text
    assert world.collector_account in listed
    assert SECRET_KEY not in listed and ACCESS_KEY not in listed
    logs = sorted((calls.stack.workdir / "logs").glob("*.log"))
    assert any(log.name.startswith("collector") for log in logs)
    for log in logs:
        text = log.read_text(errors="replace")
        assert SECRET_KEY not in text and ACCESS_KEY not in text, log.name
