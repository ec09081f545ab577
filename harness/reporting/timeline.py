"""A failover's timeline as an inline SVG for report.html: the fault at 0, each
moment measured from it on one axis, and the spans the caller names shaded (writes
paused; the old main Redis back but not yet a standby), so a reader sees them
at a glance. No dependency: the SVG is written by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

WIDTH, LEFT, RIGHT = 720, 20, 20
AXIS_Y, ROW = 40, 16
COLOURS = ("#f4c7c3", "#fce8b2")  # the first span's, the second's


def svg(fault: str, moments: Mapping[str, float | None], spans: Sequence[tuple[str, float, float]] = ()) -> str:
    """`moments`: seconds from the fault to each named moment (None: it did not
    happen); `spans`: (label, from, to) in the same seconds, shaded in that order."""
    seen = {"fault": 0.0, **{name: at for name, at in moments.items() if at is not None}}
    end = max([*seen.values(), *(stop for _, _, stop in spans)]) or 1.0
    scale = (WIDTH - LEFT - RIGHT) / end

    def x(seconds: float) -> float:
        return LEFT + seconds * scale

    shapes: list[str] = []
    legend_y = AXIS_Y + ROW * (len(seen) + 1) + 8
    for number, (label, start, stop) in enumerate(spans[: len(COLOURS)]):
        colour, width = COLOURS[number], max(1.0, (stop - start) * scale)
        shapes.append(
            f'<rect x="{x(start):.1f}" y="{AXIS_Y - 14}" width="{width:.1f}" height="14" fill="{colour}">'
            f"<title>{escape(label)}: {stop - start:.2f} s</title></rect>"
        )
        shapes.append(
            f'<rect x="{LEFT + number * 260}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{LEFT + number * 260 + 16}" y="{legend_y}">{escape(label)} ({stop - start:.2f} s)</text>'
        )
    shapes.append(f'<line x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}" stroke="#444"/>')
    for second in range(int(end) + 1):
        shapes.append(
            f'<text x="{x(second):.1f}" y="{AXIS_Y + 12}" font-size="9" text-anchor="middle">{second} s</text>'
        )
    for row, (name, at) in enumerate(sorted(seen.items(), key=lambda item: item[1]), start=1):
        label_x = min(x(at) + 4, WIDTH - RIGHT - 200)
        shapes.append(
            f'<line x1="{x(at):.1f}" y1="{AXIS_Y - 16}" x2="{x(at):.1f}" y2="{AXIS_Y + ROW * row + 12}" '
            f'stroke="#1a73e8" stroke-dasharray="2,2"/>'
            f'<text x="{label_x:.1f}" y="{AXIS_Y + ROW * row + 12}">{escape(name)}: {at:.2f} s</text>'
        )
    height = legend_y + 10
    title = f"Failover timeline: {escape(fault)}, seconds from the fault"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" '
        f'font-size="11" role="img" aria-label="{title}"><title>{title}</title>'
        f'<text x="{LEFT}" y="14" font-weight="bold">{title}</text>{"".join(shapes)}</svg>'
    )
