"""docs/asyncapi/ is generated from the services' FastStream brokers and must stay current."""

import importlib
import json
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"
SERVICES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")


@pytest.mark.parametrize("service", SERVICES)
def test_committed_asyncapi_matches_the_service(service: str) -> None:
    bootstrap = importlib.import_module(f"packline_{service}.bootstrap")
    runtime = bootstrap.create_app(bootstrap.load_settings()).state.packline
    committed = (DOCS / f"{service}.json").read_text(encoding="utf-8")
    assert runtime.asyncapi() == committed, (
        f"run `make asyncapi` and commit docs/asyncapi/{service}.json"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_consumed_and_emitted_event_is_documented(service: str) -> None:
    document = json.loads((DOCS / f"{service}.json").read_text(encoding="utf-8"))
    bootstrap = importlib.import_module(f"packline_{service}.bootstrap")
    runtime = bootstrap.create_app(bootstrap.load_settings()).state.packline
    schemas = set(document["components"]["schemas"]) | set(_titles(document))
    for sub in runtime.subscriptions:
        for model in (*sub.accepts, *sub.publishes):
            assert model.__name__ in schemas


def _titles(node: object) -> list[str]:
    """Schema titles anywhere in the document (a lone payload type is inlined, not named)."""
    if isinstance(node, dict):
        found = [node["title"]] if isinstance(node.get("title"), str) else []
        return found + [t for value in node.values() for t in _titles(value)]
    if isinstance(node, list):
        return [t for value in node for t in _titles(value)]
    return []
