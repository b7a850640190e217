"""Every overlay of deploy/k8s builds with Kustomize, and every resource it builds is one the
API server would take: core kinds against the Kubernetes OpenAPI schemas that the
kubernetes-validate package ships (strict: an unknown field is an error, as `kubectl apply`
makes it), for the oldest and the newest Kubernetes we state (deploy/k8s/README.md). Custom
resources (Strimzi, KEDA) are checked against their CRDs only where a folder of them is given
in PACKLINE_K8S_CRDS; otherwise that test says loudly that it did not run."""

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from .k8s import OVERLAY_NAMES, Doc, build

# The oldest release we support and the newest the schemas know; the README names both.
KUBERNETES_VERSIONS = ("1.33", "1.37")
CUSTOM_KINDS = {
    ("kafka.strimzi.io/v1", "Kafka"),
    ("kafka.strimzi.io/v1", "KafkaNodePool"),
    ("kafka.strimzi.io/v1", "KafkaTopic"),
    ("keda.sh/v1alpha1", "ScaledObject"),
}
README = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "README.md"
CRDS_ENV = "PACKLINE_K8S_CRDS"


def _core_errors(doc: Doc, version: str) -> list[str]:
    """What the API's schema says is wrong with `doc` ([] when nothing is)."""
    name = f"{doc['kind']}/{doc['metadata']['name']}"
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = "/".join(str(p) for p in error.path)
        return [f"{name} at {where}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{name}: no schema for {doc['apiVersion']} in Kubernetes {version}"]
    return []


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_overlay_builds_into_one_namespace(overlay: str) -> None:
    docs = build(overlay)
    assert docs, overlay
    for doc in docs:
        assert doc["apiVersion"] and doc["kind"] and doc["metadata"]["name"], doc
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == "packline", doc["metadata"]["name"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_core_resource_validates_against_the_kubernetes_api(
    overlay: str, version: str
) -> None:
    errors: list[str] = []
    checked = 0
    for doc in build(overlay):
        if (doc["apiVersion"], doc["kind"]) in CUSTOM_KINDS:
            continue
        errors += _core_errors(doc, version)
        checked += 1
    assert not errors, "\n".join(errors)
    assert checked >= 20, checked  # Deployments, Services, PDBs, the Job, the ConfigMap...


def test_the_api_schemas_reject_what_a_cluster_would_reject() -> None:
    """The check can fail: a misspelt field and a wrongly typed one are both reported."""
    deployment = next(d for d in build("production") if d["kind"] == "Deployment")
    misspelt = copy.deepcopy(deployment)
    container = misspelt["spec"]["template"]["spec"]["containers"][0]
    container["resource"] = container.pop("resources")
    assert _core_errors(misspelt, KUBERNETES_VERSIONS[0])
    mistyped = copy.deepcopy(deployment)
    mistyped["spec"]["replicas"] = "two"
    assert _core_errors(mistyped, KUBERNETES_VERSIONS[0])
    assert not _core_errors(deployment, KUBERNETES_VERSIONS[0])


def test_the_readme_states_the_versions_and_the_unchecked_kinds() -> None:
    text = README.read_text(encoding="utf-8")
    for version in KUBERNETES_VERSIONS:
        assert f"Kubernetes {version}" in text, version
    for _, kind in CUSTOM_KINDS:
        assert f"`{kind}`" in text, kind
    assert CRDS_ENV in text


# --- Custom resources, against CRDs given in PACKLINE_K8S_CRDS --------------------------------


def _strict(schema: Any) -> Any:
    """A CRD's structural schema as JSON Schema, rejecting unknown fields as the API server's
    strict field validation does, except where the CRD keeps unknown fields on purpose."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    keeps_unknown = schema.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def _crd_schemas(folder: Path) -> dict[tuple[str, str], Any]:
    """(apiVersion, kind) → strict schema, for every served version of every CRD in `folder`."""
    found: dict[tuple[str, str], Any] = {}
    for path in sorted(folder.rglob("*.y*ml")):
        for crd in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served"):
                    schema = version["schema"]["openAPIV3Schema"]
                    found[(f"{group}/{version['name']}", kind)] = _strict(schema)
    return found


def _custom_resources(overlay: str) -> Iterator[Doc]:
    return (d for d in build(overlay) if (d["apiVersion"], d["kind"]) in CUSTOM_KINDS)


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_custom_resources_validate_against_their_crds(overlay: str) -> None:
    folder = os.environ.get(CRDS_ENV, "")
    if not folder:
        pytest.skip(
            f"CUSTOM RESOURCES NOT VALIDATED ({', '.join(sorted(k for _, k in CUSTOM_KINDS))}): "
            f"set {CRDS_ENV} to a folder holding the Strimzi and KEDA CRDs (deploy/k8s/README.md)"
        )
    schemas = _crd_schemas(Path(folder))
    errors: list[str] = []
    for doc in _custom_resources(overlay):
        schema = schemas.get((doc["apiVersion"], doc["kind"]))
        assert schema is not None, f"no CRD in {folder} serves {doc['apiVersion']} {doc['kind']}"
        for error in jsonschema.Draft7Validator(schema).iter_errors(doc):
            where = "/".join(str(p) for p in error.path)
            errors.append(f"{doc['kind']}/{doc['metadata']['name']} at {where}: {error.message}")
    assert not errors, "\n".join(errors)


def test_a_crd_schema_is_read_as_the_api_server_reads_it() -> None:
    """Unknown fields are errors unless the CRD preserves them; int-or-string takes both."""
    crd_schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "replicas": {"type": "integer"},
                    "size": {"x-kubernetes-int-or-string": True},
                    "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    "note": {"type": "string", "nullable": True},
                },
            }
        },
    }
    validator = jsonschema.Draft7Validator(_strict(crd_schema))
    good = {"spec": {"replicas": 1, "size": "1Gi", "config": {"any": "thing"}, "note": None}}
    assert not list(validator.iter_errors(good))
    assert not list(validator.iter_errors({"spec": {"size": 3}}))
    assert list(validator.iter_errors({"spec": {"replica": 1}}))
    assert list(validator.iter_errors({"spec": {"replicas": "1"}}))
