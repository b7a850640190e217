"""docker-compose.yml must run what production runs: every topic, the console, and the keys
(the token pair and the secrets key) only where they are needed. No container engine runs
here, so the file is read as YAML, and its two key scripts (the one-shot `keys` container's and
the entrypoint every app container starts through) are run with this interpreter and /bin/sh."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from packline_contracts import Topic
from packline_runtime import secret_box, tokens

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
SERVICES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")
APPS = (*SERVICES, "console")
KEY_VOLUMES = {"token-private", "token-public", "secrets-key"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def _unescaped(text: str) -> str:
    """What compose hands the container: `$$` is a literal `$`."""
    assert not re.search(r"(?<!\$)\$(?!\$)", text.replace("$$", "")), "unescaped $ in a script"
    return text.replace("$$", "$")


def _key_volumes(service: dict[str, Any]) -> set[str]:
    mounted = {str(v).split(":")[0] for v in service.get("volumes", [])}
    return mounted & KEY_VOLUMES


def _env(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in (service.get("environment") or {}).items()}


def test_kafka_topics_creates_every_topic() -> None:
    """Auto-creation is off, so a topic missing here leaves its consumers without one."""
    script = "\n".join(_compose()["services"]["kafka-topics"]["command"])
    assert set(re.findall(r"packline\.[a-z-]+\.v\d+", script)) == {t.value for t in Topic}


def test_each_key_volume_is_mounted_only_where_it_is_needed() -> None:
    services = _compose()["services"]
    readers: dict[str, set[str]] = {volume: set() for volume in KEY_VOLUMES}
    for name, service in services.items():
        for volume in _key_volumes(service):
            readers[volume].add(name)
    assert readers["token-public"] == {*SERVICES, "keys"}
    assert readers["token-private"] == {"console", "keys"}
    assert readers["secrets-key"] == {"collector", "waybill", "keys"}
    for name in APPS:
        mounts = [str(v) for v in services[name]["volumes"]]
        assert all(m.endswith(":ro") for m in mounts if m.split(":")[0] in KEY_VOLUMES), name


def test_every_app_starts_after_the_keys_through_the_key_entrypoint() -> None:
    services = _compose()["services"]
    entrypoint = services["collector"]["entrypoint"]
    for name in APPS:
        service = services[name]
        assert service["depends_on"]["keys"]["condition"] == "service_completed_successfully"
        assert service["entrypoint"] == entrypoint, name
        assert service["command"] == ["python", "-m", f"packline_{name}"]
        assert service["read_only"] is True


def test_no_container_gets_single_account_marketplace_keys() -> None:
    """Marketplace accounts live in the collector's database now, sealed with the secrets key."""
    for name, service in _compose()["services"].items():
        assert not [k for k in _env(service) if re.match(r"PACKLINE_(COUPANG|NAVER)_", k)], name


def test_the_console_calls_each_service_where_it_listens() -> None:
    services = _compose()["services"]
    console = _env(services["console"])
    for name in SERVICES:
        port = _env(services[name])["PACKLINE_HTTP_PORT"]
        assert console[f"PACKLINE_{name.upper()}_URL"] == f"http://{name}:{port}"
    assert console["PACKLINE_DATABASE_URL"].startswith("postgresql://packline_console:")
    assert (
        f"{console['PACKLINE_HTTP_PORT']}:{console['PACKLINE_HTTP_PORT']}"
        in (services["console"]["ports"])
    )


def test_the_migrate_container_migrates_every_app_as_its_own_role() -> None:
    migrate = _compose()["services"]["migrate"]
    script = _unescaped("\n".join(migrate["command"]))
    env = _env(migrate)
    for app in APPS:
        variable = f"DATABASE_URL_{app.upper()}"
        assert f'PACKLINE_DATABASE_URL="${variable}" python -m packline_{app} migrate' in script
        assert env[variable].startswith(f"postgresql://packline_{app}:")
    assert not _key_volumes(migrate)


def _make_keys(root: Path) -> None:
    keys = _compose()["services"]["keys"]
    assert keys["entrypoint"] == ["python", "-c"]
    result = subprocess.run(
        [sys.executable, "-c", _unescaped(keys["command"][0])],
        env={"PATH": os.environ["PATH"], "PACKLINE_KEYS_DIR": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _started_with(root: Path, volumes: set[str]) -> dict[str, str]:
    """The PACKLINE_ environment a container mounting `volumes` starts its command with."""
    mounted = root.parent / "mounted"
    shutil.rmtree(mounted, ignore_errors=True)
    mounted.mkdir()
    for volume in volumes:
        shutil.copytree(root / volume, mounted / volume)
    entrypoint = _compose()["services"]["collector"]["entrypoint"]
    script = "import json, os; print(json.dumps(dict(os.environ)))"
    result = subprocess.run(
        [*[_unescaped(part) for part in entrypoint], sys.executable, "-c", script],
        env={"PATH": os.environ["PATH"], "PACKLINE_KEYS_DIR": str(mounted)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    started: dict[str, str] = json.loads(result.stdout)
    return {k: v for k, v in started.items() if k.startswith("PACKLINE_") and "KEYS_DIR" not in k}


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="the entrypoint is a /bin/sh script")
def test_the_keys_are_made_once_and_each_container_sees_only_what_it_mounts(
    tmp_path: Path,
) -> None:
    root = tmp_path / "volumes"
    for volume in KEY_VOLUMES:
        (root / volume).mkdir(parents=True)
    _make_keys(root)
    first = {p.relative_to(root): p.read_text() for p in root.rglob("*") if p.is_file()}
    _make_keys(root)  # a restart keeps them: what was sealed or signed still opens
    assert {p.relative_to(root): p.read_text() for p in root.rglob("*") if p.is_file()} == first
    for path in root.rglob("*"):
        if path.is_file() and "public" not in path.parent.name:
            assert path.stat().st_mode & 0o077 == 0, path

    service = _started_with(root, {"token-public"})
    assert set(service) == {tokens.PUBLIC_KEY_ENV}
    waybill = _started_with(root, {"token-public", "secrets-key"})
    assert set(waybill) == {tokens.PUBLIC_KEY_ENV, secret_box.ENV_NAME}
    assert len(secret_box.decode_key(waybill[secret_box.ENV_NAME])) == secret_box.KEY_BYTES
    console = _started_with(root, {"token-private"})
    assert set(console) == {tokens.PRIVATE_KEY_ENV}

    caller = tokens.Caller(sub="someone", seller_id="seller-a", role=tokens.Role.OPERATOR)
    signed = tokens.sign(tokens.load_private_key(console[tokens.PRIVATE_KEY_ENV]), caller)
    assert tokens.verify(tokens.load_public_key(service[tokens.PUBLIC_KEY_ENV]), signed) == caller
