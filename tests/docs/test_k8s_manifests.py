"""deploy/k8s must follow the services' subscriptions: each service's KEDA ScaledObject has one
lag trigger per topic its consumer group reads (a topic without one never scales the service),
and topics.yaml declares every topic (the cluster does not create topics on first use)."""

import importlib
import re

import pytest

from packline_contracts import Topic
from packline_runtime import secret_box, tokens

from .k8s import (
    APPS,
    EXAMPLE_SECRETS,
    K8S,
    OVERLAY_NAMES,
    SERVICES,
    build,
    env_from_secrets,
    of_kind,
    pods,
    secret_keys,
    secrets_read,
)


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


# --- Built overlays: tokens, secrets and the console ------------------------------------------
# Each overlay is built by Kustomize (tests/docs/k8s.py), patches, generators and namespaces
# applied, as a cluster would receive it.

TOKENS_SECRET = "packline-tokens"
PRIVATE_KEY = "PACKLINE_TOKEN_PRIVATE_KEY"
PUBLIC_KEY = "PACKLINE_TOKEN_PUBLIC_KEY"
SECRETS_KEY = "PACKLINE_SECRETS_KEY"


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_service_pod_gets_the_token_public_key(overlay: str) -> None:
    by_name = pods(build(overlay))
    for service in SERVICES:
        env = env_from_secrets(by_name[f"packline-{service}"])
        assert env.get(PUBLIC_KEY) == (TOKENS_SECRET, PUBLIC_KEY), service


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_only_the_console_can_read_the_token_private_key(overlay: str) -> None:
    by_name = pods(build(overlay))
    readers = {
        name
        for name, pod in by_name.items()
        if (TOKENS_SECRET, PRIVATE_KEY) in secrets_read(pod) or PRIVATE_KEY in env_from_secrets(pod)
    }
    assert readers == {"packline-console"}
    assert env_from_secrets(by_name["packline-console"])[PRIVATE_KEY] == (
        TOKENS_SECRET,
        PRIVATE_KEY,
    )


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_only_the_collector_and_the_waybill_get_the_secrets_key(overlay: str) -> None:
    by_name = pods(build(overlay))
    readers = {
        name
        for name, pod in by_name.items()
        if any(secret == "packline-secrets-key" for secret, _ in secrets_read(pod))
        or SECRETS_KEY in env_from_secrets(pod)
    }
    assert readers == {"packline-collector", "packline-waybill"}
    for name in readers:
        assert env_from_secrets(by_name[name])[SECRETS_KEY] == ("packline-secrets-key", SECRETS_KEY)


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_no_pod_reads_single_account_marketplace_keys(overlay: str) -> None:
    """Marketplace accounts live in the collector's database now, sealed with the secrets key."""
    docs = build(overlay)
    assert "packline-marketplaces" not in of_kind(docs, "Secret")
    for name, pod in pods(docs).items():
        assert not {s for s, _ in secrets_read(pod)} & {"packline-marketplaces"}, name
    assert "packline-marketplaces" not in EXAMPLE_SECRETS


def test_the_local_overlay_carries_every_secret_a_pod_reads_in_the_example_shape() -> None:
    docs = build("local")
    local = secret_keys(docs)
    assert local == EXAMPLE_SECRETS
    for name, pod in pods(docs).items():
        for secret, key in secrets_read(pod):
            assert key in local.get(secret, set()), f"{name} reads {secret}/{key}"


def test_the_production_overlay_carries_no_secret() -> None:
    assert not of_kind(build("production"), "Secret")


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_the_console_runs_beside_the_services_and_calls_their_services(overlay: str) -> None:
    docs = build(overlay)
    console = of_kind(docs, "Deployment")["packline-console"]
    container = console["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "packline_console"]
    assert container["args"] == ["serve"]
    assert of_kind(docs, "Service")["packline-console"]["spec"]["ports"][0]["targetPort"] == "http"
    assert "packline-console" in of_kind(docs, "PodDisruptionBudget")
    # It consumes no topic: nothing to scale on lag.
    scaled = {s["spec"]["scaleTargetRef"]["name"] for s in of_kind(docs, "ScaledObject").values()}
    assert "packline-console" not in scaled
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    services = of_kind(docs, "Service")
    for service in SERVICES:
        ports = services[f"packline-{service}"]["spec"]["ports"]
        port = next(p["port"] for p in ports if p["name"] == "http")
        assert env[f"PACKLINE_{service.upper()}_URL"] == f"http://packline-{service}:{port}"
    assert env_from_secrets(console["spec"]["template"]["spec"])["PACKLINE_DATABASE_URL"] == (
        "packline-database-console",
        "PACKLINE_DATABASE_URL",
    )


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_the_migrate_job_migrates_every_app_as_its_own_role(overlay: str) -> None:
    job = of_kind(build(overlay), "Job")["packline-migrate"]
    pod = job["spec"]["template"]["spec"]
    script = "\n".join(pod["containers"][0]["args"])
    env = env_from_secrets(pod)
    for app in APPS:
        variable = f"DATABASE_URL_{app.upper()}"
        assert f'PACKLINE_DATABASE_URL="${variable}" python -m packline_{app} migrate' in script
        assert env[variable] == (f"packline-database-{app}", "PACKLINE_DATABASE_URL")


def test_the_local_overlays_keys_are_usable() -> None:
    """A pair that does not match would answer every console call 401; a malformed secrets
    key stops the collector and the waybill at start."""
    secrets = of_kind(build("local"), "Secret")
    pair = secrets[TOKENS_SECRET]["stringData"]
    assert tokens.public_pem_of(pair[PRIVATE_KEY]).strip() == pair[PUBLIC_KEY].strip()
    caller = tokens.Caller(sub="someone", seller_id="seller-a", role=tokens.Role.OWNER)
    signed = tokens.sign(tokens.load_private_key(pair[PRIVATE_KEY]), caller)
    assert tokens.verify(tokens.load_public_key(pair[PUBLIC_KEY]), signed) == caller
    key = secrets["packline-secrets-key"]["stringData"][SECRETS_KEY]
    assert len(secret_box.decode_key(key)) == secret_box.KEY_BYTES


def test_the_production_console_sets_secure_cookies() -> None:
    """Behind a TLS-terminating ingress the pod sees http, so `unset: when the request came
    over https` would leave the session cookie without Secure."""
    console = of_kind(build("production"), "Deployment")["packline-console"]
    env = {
        e["name"]: e.get("value")
        for e in console["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert env.get("PACKLINE_COOKIE_SECURE") == "true"
