"""The funnel (수집 → 출고) drawn on the server as SVG: one bar per step, its width the step's
share of the first, with the count and the share written beside it."""

from html import escape

WIDTH = 640
BAR_HEIGHT = 34
GAP = 12
LABEL_WIDTH = 90
COUNT_WIDTH = 130


def funnel_svg(steps: list[tuple[str, int | None]], title: str) -> str:
    """`steps`: (label, count or None when the service did not answer)."""
    first = next((count for _, count in steps if count), 0) or 0
    bar_room = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    height = len(steps) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="funnel" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, count) in enumerate(steps):
        y = GAP + index * (BAR_HEIGHT + GAP)
        share = (count or 0) / first if first else 0.0
        width = max(2, round(bar_room * min(share, 1.0))) if count else 0
        text_y = y + BAR_HEIGHT / 2 + 5
        shown = "—" if count is None else f"{count:,}건 ({share:.0%})"
        parts += [
            f'<text x="0" y="{text_y}" class="funnel-label">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar_room}" height="{BAR_HEIGHT}" '
            f'class="funnel-track" rx="4"/>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'class="funnel-bar" rx="4"/>',
            f'<text x="{LABEL_WIDTH + bar_room + 8}" y="{text_y}" class="funnel-count">'
            f"{escape(shown)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)
