"""deploy/prometheus checked by Debian's promtool: both scrape configs, the rule files, and the
rule unit tests (deploy/prometheus/tests) that feed series and assert which alerts fire and
which stay silent. Also: every alert has a severity, a runbook section and a unit test in which
it fires and one in which it stays silent, and the console charts series the rules record."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from packline_console.service_layer.sre import CHARTS

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
K8S = ROOT / "deploy" / "k8s"
RUNBOOKS = ROOT / "docs" / "runbooks.md"
pytestmark = pytest.mark.ops


def _promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.skip(
            "PROMTOOL NOT INSTALLED: the Prometheus config and rule tests need Debian's "
            "`prometheus` package (apt-get install prometheus); .ci/run installs it"
        )
    return subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _alerts() -> list[dict[str, object]]:
    groups = yaml.safe_load((PROMETHEUS / "rules" / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_the_embedded_config_is_valid_with_its_targets_and_rules(tmp_path: Path) -> None:
    # laid out as the launcher lays it out: a copy of the config, the rules, a target file
    shutil.copy(PROMETHEUS / "prometheus.yml", tmp_path)
    shutil.copytree(PROMETHEUS / "rules", tmp_path / "rules")
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "packline.json").write_text(
        '[{"targets": ["127.0.0.1:8101"], "labels": {"component": "collector"}}]'
    )
    checked = _promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 2 rule files found" in checked.stdout


def test_the_kubernetes_config_is_valid(tmp_path: Path) -> None:
    """Debian builds Prometheus without Kubernetes discovery, so its promtool refuses the
    `kubernetes_sd_configs` key itself; then the rest (relabelling, rules) is checked with the
    discovery swapped for a static target, and the discovery's selectors against the manifests
    below. A promtool with Kubernetes discovery checks the file as it is."""
    config = (PROMETHEUS / "prometheus-k8s.yml").read_text()
    shutil.copytree(PROMETHEUS / "rules", tmp_path / "rules")
    (tmp_path / "prometheus.yml").write_text(config)
    checked = _promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    if "field kubernetes_sd_configs not found" in checked.stdout + checked.stderr:
        swapped = re.sub(
            r"kubernetes_sd_configs:\n(?: {6}.*\n)+",
            "static_configs:\n      - targets: ['10.0.0.1:8080']\n",
            config,
        )
        assert "kubernetes_sd_configs" not in swapped
        (tmp_path / "prometheus.yml").write_text(swapped)
        checked = _promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_kubernetes_config_selects_the_pods_the_manifests_make() -> None:
    job = yaml.safe_load((PROMETHEUS / "prometheus-k8s.yml").read_text())["scrape_configs"][0]
    discovery = job["kubernetes_sd_configs"][0]
    assert discovery["role"] == "pod"
    for overlay in ("local", "production"):
        kustomization = yaml.safe_load(
            (K8S / "overlays" / overlay / "kustomization.yaml").read_text()
        )
        assert kustomization["namespace"] in discovery["namespaces"]["names"], overlay
    base = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())
    assert {"app.kubernetes.io/part-of": "packline"} in [p["pairs"] for p in base["labels"]]
    for service in ("collector", "matcher", "bundler", "allocator", "waybill", "shipper"):
        docs = list(yaml.safe_load_all((K8S / "base" / "services" / f"{service}.yaml").read_text()))
        pod = next(d for d in docs if d and d["kind"] == "Deployment")["spec"]["template"]
        annotations = pod["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", service
        assert annotations["prometheus.io/path"] == "/metrics", service
        assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == service
    keeps = {
        tuple(r["source_labels"]): r.get("regex")
        for r in job["relabel_configs"]
        if r.get("action") == "keep"
    }
    assert keeps[("__meta_kubernetes_pod_label_app_kubernetes_io_part_of",)] == "packline"
    assert keeps[("__meta_kubernetes_pod_annotation_prometheus_io_scrape",)] == "true"


def test_the_rule_files_are_valid() -> None:
    checked = _promtool("check", "rules", "rules/recording.yml", "rules/alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_rule_unit_tests_pass() -> None:
    files = sorted(str(p.relative_to(PROMETHEUS)) for p in (PROMETHEUS / "tests").glob("*.yml"))
    assert len(files) >= 4
    checked = _promtool("test", "rules", *files)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("SUCCESS") == len(files)


def test_every_alert_has_a_severity_a_runbook_and_tests_where_it_fires_and_stays_silent() -> None:
    headings = set(re.findall(r"^## (\w+)$", RUNBOOKS.read_text(), re.M))
    fired: set[str] = set()
    silent: set[str] = set()
    for path in (PROMETHEUS / "tests").glob("*.yml"):
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (fired if check.get("exp_alerts") else silent).add(check["alertname"])
    alerts = _alerts()
    assert len(alerts) >= 10
    for rule in alerts:
        name = str(rule["alert"])
        labels, annotations = rule["labels"], rule["annotations"]
        assert isinstance(labels, dict) and isinstance(annotations, dict)
        assert labels["severity"] in ("page", "ticket"), name
        assert annotations["runbook_url"] == f"docs/runbooks.md#{name.lower()}", name
        assert name in headings, f"docs/runbooks.md has no section '## {name}'"
        assert name in fired and name in silent, f"{name}: no test where it fires and one where not"


def test_the_console_charts_series_the_rules_record() -> None:
    groups = yaml.safe_load((PROMETHEUS / "rules" / "recording.yml").read_text())["groups"]
    recorded = {rule["record"] for group in groups for rule in group["rules"]}
    assert {query for _key, _title, _unit, query in CHARTS} <= recorded
