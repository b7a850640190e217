"""Every workload deploy/k8s builds, in every overlay, runs as a cluster operator would want:
sized (requests and limits), probed, unprivileged, on a read-only root filesystem with an
emptyDir for what it must write, and (each Deployment) covered by one PodDisruptionBudget that
a node drain can satisfy. Each app logs in to PostgreSQL as its own role from its own Secret."""

from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from packline_runtime import roles

from .k8s import (
    APPS,
    K8S,
    OVERLAY_NAMES,
    Doc,
    build,
    containers,
    env_from_secrets,
    of_kind,
    pods,
    secrets_read,
)

# Where each Deployment's container must be able to write, despite the read-only root.
WRITABLE = {"postgres": {"/tmp", "/var/run/postgresql", "/var/lib/postgresql/data"}}
ADMIN_SECRET = "packline-database-admin"


def _workloads(overlay: str, *kinds: str) -> dict[str, Doc]:
    return {name: doc for kind in kinds for name, doc in of_kind(build(overlay), kind).items()}


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_container_has_requests_and_limits(overlay: str) -> None:
    for name, pod in pods(build(overlay)).items():
        for container in containers(pod):
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), (name, bound)


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_workload_runs_unprivileged(overlay: str) -> None:
    for name, pod in pods(build(overlay)).items():
        assert pod.get("automountServiceAccountToken") is False, name
        assert pod.get("hostNetwork", False) is False, name
        pod_security = pod.get("securityContext", {})
        for container in containers(pod):
            security = {**pod_security, **container.get("securityContext", {})}
            assert security.get("runAsNonRoot") is True, name
            assert security.get("runAsUser", 0) != 0, name
            assert security.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
            assert security.get("allowPrivilegeEscalation") is False, name
            assert security.get("capabilities", {}).get("drop") == ["ALL"], name
            assert not security.get("capabilities", {}).get("add"), name
            assert security.get("privileged", False) is False, name


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_root_filesystem_is_read_only_with_an_empty_dir_to_write_in(overlay: str) -> None:
    for name, pod in pods(build(overlay)).items():
        empty_dirs = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        for container in containers(pod):
            assert container["securityContext"].get("readOnlyRootFilesystem") is True, name
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            for path in WRITABLE.get(name, {"/tmp"}):
                assert mounts.get(path) in empty_dirs, f"{name}: no emptyDir at {path}"


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_deployment_is_probed(overlay: str) -> None:
    for name, deployment in _workloads(overlay, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "livenessProbe" in container and "readinessProbe" in container, name
            if name.removeprefix("packline-") in APPS:
                # Liveness checks nothing external; readiness pings the database and broker.
                assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", name
                assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", name
                assert container["startupProbe"]["httpGet"]["path"] == "/health/live", name


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) == {"matchLabels"}, "only matchLabels selectors are read here"
    return all(labels.get(k) == v for k, v in selector["matchLabels"].items())


def _least_replicas(overlay: str, deployment: Doc) -> int:
    """The fewest pods the Deployment runs: its replicas, or its ScaledObject's minimum."""
    name = deployment["metadata"]["name"]
    scaled: list[int] = [
        int(s["spec"].get("minReplicaCount", 0))
        for s in of_kind(build(overlay), "ScaledObject").values()
        if s["spec"]["scaleTargetRef"]["name"] == name
    ]
    return min([int(deployment["spec"].get("replicas", 1)), *scaled])


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_deployment_has_one_disruption_budget_a_drain_can_satisfy(overlay: str) -> None:
    budgets = of_kind(build(overlay), "PodDisruptionBudget")
    for name, deployment in _workloads(overlay, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [b for b in budgets.values() if _selects(b["spec"]["selector"], labels)]
        assert len(covering) == 1, f"{name}: {len(covering)} PodDisruptionBudgets"
        spec = covering[0]["spec"]
        if "minAvailable" in spec:
            # Otherwise no pod may ever be evicted, and every node drain hangs.
            assert spec["minAvailable"] < _least_replicas(overlay, deployment), name
        else:
            assert spec["maxUnavailable"] >= 1, name


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_each_app_reads_only_its_own_database_secret(overlay: str) -> None:
    by_name = pods(build(overlay))
    for app in APPS:
        pod = by_name[f"packline-{app}"]
        own = f"packline-database-{app}"
        assert env_from_secrets(pod)["PACKLINE_DATABASE_URL"] == (own, "PACKLINE_DATABASE_URL")
        databases = {s for s, _ in secrets_read(pod) if s.startswith("packline-database-")}
        assert databases == {own}, app
    admins = {
        name
        for name, pod in by_name.items()
        if any(s == ADMIN_SECRET for s, _ in secrets_read(pod))
    }
    assert admins == {"packline-migrate"}


def _logins(secrets: dict[str, Doc]) -> dict[str, tuple[str, str]]:
    """App → (user, password) of the DSN in its database Secret."""
    logins: dict[str, tuple[str, str]] = {}
    for app in APPS:
        dsn = urlsplit(secrets[f"packline-database-{app}"]["stringData"]["PACKLINE_DATABASE_URL"])
        logins[app] = (dsn.username or "", dsn.password or "")
    return logins


def test_each_app_logs_in_as_its_own_role_with_its_own_password() -> None:
    """The role migrate provisions is the user of the app's DSN (packline_runtime.roles)."""
    example = of_kind(
        (d for d in yaml.safe_load_all((K8S / "secret.example.yaml").read_text()) if d), "Secret"
    )
    for secrets in (of_kind(build("local"), "Secret"), example):
        logins = _logins(secrets)
        assert {app: user for app, (user, _) in logins.items()} == {
            app: roles.role_for(app) for app in APPS
        }
        passwords = [password for _, password in logins.values()]
        assert all(passwords) and len(set(passwords)) == len(passwords)
