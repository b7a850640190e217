"""deploy/k8s must follow the services' subscriptions: each service's KEDA ScaledObject has one
lag trigger per topic its consumer group reads (a topic without one never scales the service),
and topics.yaml declares every topic (the cluster does not create topics on first use)."""

import importlib
import re
from pathlib import Path

import pytest

from packline_contracts import Topic

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base"
SERVICES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")


def _triggers(service: str) -> dict[str, set[str]]:
    """Consumer group → topics, from the kafka triggers of the service's ScaledObject."""
    text = (K8S / "services" / f"{service}.yaml").read_text(encoding="utf-8")
    pairs = re.findall(r"consumerGroup:\s*(\S+)\s*\n\s*topic:\s*(\S+)", text)
    assert len(pairs) == text.count("type: kafka"), f"a trigger of {service} names no topic"
    found: dict[str, set[str]] = {}
    for group, topic in pairs:
        found.setdefault(group, set()).add(topic)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_topic_a_service_consumes_scales_it(service: str) -> None:
    bootstrap = importlib.import_module(f"packline_{service}.bootstrap")
    runtime = bootstrap.create_app(bootstrap.load_settings()).state.packline
    consumed: dict[str, set[str]] = {}
    for sub in runtime.subscriptions:
        consumed.setdefault(str(sub.group), set()).update(t.value for t in sub.topics)
    assert _triggers(service) == consumed


def test_topics_yaml_declares_every_topic() -> None:
    text = (K8S / "topics.yaml").read_text(encoding="utf-8")
    declared = set(re.findall(r"^\s*name:\s*(packline\.\S+)", text, re.MULTILINE))
    assert declared == {t.value for t in Topic}
