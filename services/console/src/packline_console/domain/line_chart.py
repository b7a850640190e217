"""A line chart drawn on the server as SVG (no chart library, nothing from a CDN): one line
per stage over the last hour, the y axis from zero to the largest value, the newest value of
each stage written in the legend."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
COLOURS = ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2")


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    series: dict[str, list[tuple[datetime, float | None]]] = field(default_factory=dict)

    def latest(self, stage: str) -> float | None:
        values = [v for _, v in self.series.get(stage, []) if v is not None]
        return values[-1] if values else None


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"
    return f"{value:,.2f}" if 0 < abs(value) < 10 and value != int(value) else f"{value:,.0f}"


def line_svg(chart: Chart, end: datetime, span: timedelta, labels: dict[str, str]) -> str:
    """`labels`: stage key → the word shown in the legend."""
    start = end - span
    values = [v for points in chart.series.values() for _, v in points if v is not None]
    top = max(values, default=0.0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: datetime) -> float:
        return LEFT + plot_w * max(0.0, min(1.0, (at - start) / span))

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    title = escape(chart.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + 20 * ((len(chart.series) + 2) // 3)}" width="100%" '
        f'aria-label="{title}" data-chart="{escape(chart.key)}"><title>{title}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'class="axis"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" class="tick" text-anchor="end">'
        f"{escape(shown(top, chart.unit))}</text>",
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" class="tick" text-anchor="end">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 10}" class="tick">-{span.seconds // 60}분</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 10}" class="tick" text-anchor="end">지금</text>',
    ]
    for index, (stage, points) in enumerate(chart.series.items()):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{x(at):.1f},{y(value):.1f}" for at, value in points if value is not None)
        if path:
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        legend_x = LEFT + (index % 3) * (plot_w // 3)
        legend_y = HEIGHT + 6 + 20 * (index // 3)
        word = escape(labels.get(stage, stage))
        parts += [
            f'<rect x="{legend_x}" y="{legend_y}" width="10" height="10" fill="{colour}"/>',
            f'<text x="{legend_x + 14}" y="{legend_y + 10}" class="legend">{word} '
            f"{escape(shown(chart.latest(stage), chart.unit))}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)
