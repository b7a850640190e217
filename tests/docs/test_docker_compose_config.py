"""docker-compose.yml as `docker compose config` would check it, without a container engine:
variables interpolated as compose does with nothing set (every one needs a default), the result
validated against the Compose Specification's JSON Schema (the copy the PyPI package
check-jsonschema ships, `vendor/compose-spec.json`), and every reference resolved. Each app also
starts with the same PACKLINE_* names here as in the Kubernetes local overlay, and each name is
a setting the app reads."""

import copy
import importlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from packline_console.settings import ConsoleSettings
from packline_runtime.settings import Settings

from .k8s import APPS, build, env_names, pods

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_]\w*)")
# The migrate container's own variables: each app's DSN, handed to `migrate` one at a time.
MIGRATE_DSNS = {f"DATABASE_URL_{app.upper()}" for app in APPS}


def _interpolated(value: Any, unset: set[str]) -> Any:
    """`value` with ${NAME}, ${NAME:-default}, ${NAME-default}, $NAME and $$ replaced as compose
    does in an empty environment; names used without a default are added to `unset`."""
    if isinstance(value, dict):
        return {k: _interpolated(v, unset) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolated(v, unset) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, default = match.group(2), match.group(3) or ""
        if operator in (":-", "-"):
            return default
        assert operator is None, f"${{{name}{operator}...}} would stop `docker compose config`"
        unset.add(name)
        return ""

    return _VARIABLE.sub(replace, value)


def _config() -> tuple[dict[str, Any], set[str]]:
    unset: set[str] = set()
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # merge keys (<<) resolved
    return _interpolated(loaded, unset), unset


def _compose_spec() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads(vendor.joinpath("compose-spec.json").read_text())
    return schema


def _spec_errors(config: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(_compose_spec())
    return [
        f"{'/'.join(str(p) for p in e.path)}: {e.message}" for e in validator.iter_errors(config)
    ]


def test_the_compose_file_validates_against_the_compose_spec() -> None:
    config, unset = _config()
    assert not unset, f"no default for {sorted(unset)}: compose would warn and use ''"
    errors = _spec_errors(config)
    assert not errors, "\n".join(errors)


def test_the_compose_spec_check_can_fail() -> None:
    config, _ = _config()
    misspelt = copy.deepcopy(config)
    misspelt["services"]["collector"]["enviroment"] = misspelt["services"]["collector"].pop(
        "environment"
    )
    assert _spec_errors(misspelt)
    unknown_condition = copy.deepcopy(config)
    unknown_condition["services"]["console"]["depends_on"]["migrate"]["condition"] = "done"
    assert _spec_errors(unknown_condition)


def test_every_reference_in_the_compose_file_resolves() -> None:
    config, _ = _config()
    services, volumes = config["services"], set(config.get("volumes") or {})
    for name, service in services.items():
        assert set(service.get("depends_on") or {}) <= set(services), name
        for mount in service.get("volumes", []):
            source = str(mount).split(":")[0]
            if not source.startswith((".", "/", "~")):
                assert source in volumes, f"{name} mounts undeclared volume {source}"
    used = {str(m).split(":")[0] for s in services.values() for m in s.get("volumes", [])}
    assert volumes <= used, f"declared but unused: {volumes - used}"


def _key_names(service: dict[str, Any]) -> set[str]:
    """The PACKLINE_ names the key entrypoint exports for the key volumes the service mounts."""
    script = "\n".join(str(part) for part in service.get("entrypoint", []))
    exported = dict(re.findall(r'\$keys/([\w-]+)/[^"]*" \]; then\s+(PACKLINE_\w+)=', script))
    mounted = {str(m).split(":")[0] for m in service.get("volumes", [])}
    return {name for volume, name in exported.items() if volume in mounted}


def _compose_names(service: dict[str, Any]) -> set[str]:
    return set(service.get("environment") or {}) | _key_names(service)


def _settings_names(app: str) -> set[str]:
    if app == "console":
        fields = ConsoleSettings.model_fields
    else:
        bootstrap = importlib.import_module(f"packline_{app}.bootstrap")
        fields = type(bootstrap.load_settings()).model_fields
    return {f"PACKLINE_{name.upper()}" for name in fields}


def _ours(names: set[str]) -> set[str]:
    return {n for n in names if n.startswith("PACKLINE_") or n in MIGRATE_DSNS}


@pytest.mark.parametrize("app", [*APPS, "migrate"])
def test_each_app_gets_the_same_settings_names_in_compose_and_kubernetes(app: str) -> None:
    config, _ = _config()
    docs = build("local")
    in_kubernetes = _ours(env_names(docs, pods(docs)[f"packline-{app}"]))
    in_compose = _ours(_compose_names(config["services"][app]))
    if app == "migrate":
        # It serves nothing: HTTP settings reach it only with the env every container shares.
        in_kubernetes = {n for n in in_kubernetes if not n.startswith("PACKLINE_HTTP_")}
        in_compose = {n for n in in_compose if not n.startswith("PACKLINE_HTTP_")}
    assert in_compose == in_kubernetes, (
        f"only in compose: {sorted(in_compose - in_kubernetes)}; "
        f"only in Kubernetes: {sorted(in_kubernetes - in_compose)}"
    )


@pytest.mark.parametrize("overlay", ["compose", "local", "production"])
def test_every_packline_name_set_is_a_setting_the_app_reads(overlay: str) -> None:
    """A misspelt name is ignored by pydantic-settings (extra="ignore"), so nothing else would
    notice it. The ConfigMap every pod shares may carry names only the services read."""
    shared = {f"PACKLINE_{name.upper()}" for name in Settings.model_fields}
    if overlay == "compose":
        config, _ = _config()
        started = {app: _compose_names(config["services"][app]) for app in [*APPS, "migrate"]}
    else:
        docs = build(overlay)
        started = {
            app: env_names(docs, pods(docs)[f"packline-{app}"]) for app in [*APPS, "migrate"]
        }
    for app, names in started.items():
        reads = (
            set().union(*map(_settings_names, APPS)) if app == "migrate" else _settings_names(app)
        )
        unknown = {n for n in names if n.startswith("PACKLINE_")} - reads
        if app == "console" or app == "migrate":
            unknown -= shared
        assert not unknown, f"{overlay} {app}: {sorted(unknown)}"
