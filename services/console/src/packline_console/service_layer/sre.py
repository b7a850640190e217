"""The SRE page's charts over the last hour, across sellers (the services' metrics name no
seller and no recipient): from the console's own samples, or from Prometheus when it is set."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from packline_console.adapters.metrics_feed import Prometheus, PrometheusDown, Ring, Series
from packline_console.adapters.services import SERVICE_NAMES
from packline_console.domain.line_chart import Chart
from packline_console.domain.metrics import Point, between
from packline_console.settings import SERVICES

HOUR = timedelta(hours=1)
STEP = timedelta(seconds=30)

# key, title, unit, and the series Prometheus records for the same line per service
# (deploy/prometheus/rules/recording.yml: the alerts read the same names)
CHARTS = (
    ("events", "단계별 처리 이벤트 (초당)", "/s", "service:packline_events_in:rate1m"),
    ("p50", "핸들러 처리시간 p50 (배치 1건)", "s", "service:packline_handler_seconds:p50_1m"),
    ("p99", "핸들러 처리시간 p99 (배치 1건)", "s", "service:packline_handler_seconds:p99_1m"),
    ("lag", "컨슈머 랙 (밀린 레코드 수)", "", "service:packline_consumer_lag:sum"),
    ("backlog", "아웃박스 적체 (미발행 행)", "", "service:packline_outbox_backlog:sum"),
    ("dead", "새 데드레터 (구간마다)", "", "service:packline_dead_letters:increase1m"),
    (
        "oldest",
        "가장 오래 기다린 건 (초)",
        "",
        "service:packline_oldest_unprocessed_age_seconds:max",
    ),
)
NOTES = (
    "가장 오래 기다린 건: 단계의 대기열마다 가장 먼저 들어와 아직 처리되지 않은 건이 기다린 "
    "시간 중 가장 긴 값입니다(모든 판매자, 서비스가 15초마다 표본을 뜹니다). p50/p99는 "
    "서비스가 내보내는 히스토그램 구간(1ms … 60초)으로 계산한 근삿값입니다."
)


@dataclass
class Board:
    charts: list[Chart]
    source: str
    end: datetime
    banners: list[str] = field(default_factory=list)


def _value(point: Point, key: str) -> float | None:
    return {
        "events": point.events_per_second,
        "p50": point.p50,
        "p99": point.p99,
        "lag": point.lag,
        "backlog": point.backlog,
        "dead": point.dead_letters,
        "oldest": point.oldest,
    }[key]


def from_ring(ring: Ring, now: datetime, down: set[str]) -> Board:
    charts = [Chart(key, title, unit, {s: [] for s in SERVICES}) for key, title, unit, _ in CHARTS]
    for (at_a, snaps_a), (at_b, snaps_b) in pairwise(ring.samples):
        for service in SERVICES:
            if service not in snaps_a or service not in snaps_b:
                continue
            point = between(at_a, snaps_a[service], at_b, snaps_b[service])
            if point is None:
                continue
            for chart in charts:
                chart.series[service].append((at_b, _value(point, chart.key)))
    banners = [
        f"{SERVICE_NAMES[s]} 서비스의 /metrics를 읽지 못했습니다." for s in SERVICES if s in down
    ]
    if len(ring.samples) < 2:
        banners.append("아직 표본이 모자랍니다. 잠시 후 자동으로 채워집니다.")
    return Board(charts, "console", now, banners)


async def from_prometheus(prometheus: Prometheus, now: datetime) -> Board:
    charts: list[Chart] = []
    banners: list[str] = []
    for key, title, unit, query in CHARTS:
        try:
            found: Series = await prometheus.query_range(query, now - HOUR, now, STEP)
        except PrometheusDown as exc:
            banners = [f"Prometheus가 응답하지 않습니다: {exc}"[:300]]
            found = {}
        charts.append(Chart(key, title, unit, {s: found.get(s, []) for s in SERVICES}))
    return Board(charts, "prometheus", now, banners)
