"""`packline up --prometheus`'s PrometheusServer without a Prometheus: the config it renders
from deploy/prometheus (the test's scrape interval, the same rules and file_sd job), the target
file it writes for the stack's processes (rewritten in place when one moves), the refusal of a
config it cannot adjust, and, without the binary, a clear message and nothing started."""

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from packline_launcher import cli, prometheus
from packline_launcher.processes import ServiceProcess
from packline_launcher.prometheus import CONFIG_DIR_ENV, MISSING, PrometheusServer

SOURCE = Path(__file__).resolve().parents[4] / "deploy" / "prometheus"


SLOTS = (("collector", 0), ("matcher", 0), ("collector", 1))


def _processes(tmp_path: Path, *ports: int) -> list[ServiceProcess]:
    return [
        ServiceProcess(name, index, port, tmp_path / f"{name}.log")
        for (name, index), port in zip(SLOTS, ports, strict=True)
    ]


def test_the_config_is_deploys_at_the_tests_interval_with_the_same_rules(tmp_path: Path) -> None:
    server = PrometheusServer(scrape_seconds=1)
    server.prepare(tmp_path / "prom", _processes(tmp_path, 20001, 20002, 20003))

    rendered = yaml.safe_load((tmp_path / "prom" / "prometheus.yml").read_text())
    source = yaml.safe_load((SOURCE / "prometheus.yml").read_text())
    assert rendered["global"]["scrape_interval"] == "1s"
    assert rendered["global"]["evaluation_interval"] == "1s"
    assert source["global"]["scrape_interval"] == "15s"  # the file itself is left as it was
    # everything else as deploy/prometheus has it: rules, job, file_sd of targets/*.json
    rendered["global"] = source["global"] = None
    assert rendered == source
    [job] = rendered["scrape_configs"]
    assert job["file_sd_configs"][0]["files"] == ["targets/*.json"]
    copied = sorted(p.name for p in (tmp_path / "prom" / "rules").iterdir())
    assert copied == sorted(p.name for p in (SOURCE / "rules").iterdir()) and copied
    for name in copied:
        assert (tmp_path / "prom" / "rules" / name).read_text() == (
            SOURCE / "rules" / name
        ).read_text()


def test_the_target_file_lists_every_process_and_is_rewritten_when_one_moves(
    tmp_path: Path,
) -> None:
    server = PrometheusServer()
    server.prepare(tmp_path, _processes(tmp_path, 20001, 20002, 20003))
    path = tmp_path / "targets" / "packline.json"
    assert json.loads(path.read_text()) == [
        {"targets": ["127.0.0.1:20001"], "labels": {"component": "collector", "replica": "0"}},
        {"targets": ["127.0.0.1:20002"], "labels": {"component": "matcher", "replica": "0"}},
        {"targets": ["127.0.0.1:20003"], "labels": {"component": "collector", "replica": "1"}},
    ]
    server.write_targets(_processes(tmp_path, 20001, 20009, 20003))  # matcher restarted
    assert json.loads(path.read_text())[1]["targets"] == ["127.0.0.1:20009"]
    assert sorted(p.name for p in (tmp_path / "targets").iterdir()) == ["packline.json"]


def test_a_config_without_one_15s_interval_to_replace_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = tmp_path / "changed"
    (changed / "rules").mkdir(parents=True)
    text = (SOURCE / "prometheus.yml").read_text()
    (changed / "prometheus.yml").write_text(
        text.replace("scrape_interval: 15s", "scrape_interval: 30s")
    )
    monkeypatch.setenv(CONFIG_DIR_ENV, str(changed))
    with pytest.raises(
        ValueError, match=r"changed/prometheus.yml: expected one 'scrape_interval: 15s'"
    ):
        PrometheusServer().prepare(tmp_path / "prom", [])


def test_without_the_binary_start_says_how_to_install_it_and_starts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert prometheus.binary() is None
    server = PrometheusServer()
    with pytest.raises(FileNotFoundError) as refused:
        server.start(tmp_path / "prom", _processes(tmp_path, 20001, 20002, 20003))
    assert str(refused.value) == MISSING
    assert "apt-get install prometheus" in MISSING
    assert server.process is None and not (tmp_path / "prom").exists()


def test_packline_up_prometheus_without_the_binary_says_so_and_runs_the_stack_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made: list[dict[str, Any]] = []

    class FakeStack:  # stands in for the services: only what `up` hands it is looked at
        def __init__(self, workdir: Path, **kw: Any) -> None:
            made.append(kw)

        def start(self) -> None:
            raise KeyboardInterrupt  # Ctrl-C as it starts

        def stop(self) -> None:
            pass

    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr(cli, "Stack", FakeStack)
    monkeypatch.setattr(cli, "_stop_on_signals", lambda: None)
    args = argparse.Namespace(prometheus=True, data_dir=str(tmp_path), replicas=1, fresh=True)
    assert cli.up(args) == 0
    assert MISSING in capsys.readouterr().out
    assert [kw["prometheus"] for kw in made] == [None]
