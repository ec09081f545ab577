"""A failover's timeline as an inline SVG for report.html: the fault at 0, each
event measured from it on one axis, and two windows shaded, so a reader sees
them at a glance: unavailable (the fault until every sentinel names the new
one, or a writer succeeds again) and an old master back but not yet a replica. No dependency: the SVG is
written by hand."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

WIDTH, LEFT, RIGHT = 720, 20, 20
AXIS_Y, ROW = 40, 16
FIRST_WRITE, LAST_SWITCH = "first write acknowledged after the fault", "+switch-master (last sentinel)"
OLD_MASTER_BACK = ("old master back", "old master a linked replica")
UNAVAILABLE, WRITABLE_OLD = "unavailable to writers", "old master back, not yet a replica"
COLOURS = {UNAVAILABLE: "#f4c7c3", WRITABLE_OLD: "#fce8b2"}


def svg(fault: str, moments: Mapping[str, float | None]) -> str:
    """`moments`: seconds from the fault to each named event (None: it did not happen)."""
    seen = {"fault": 0.0, **{name: at for name, at in moments.items() if at is not None}}
    end = max(seen.values()) or 1.0
    scale = (WIDTH - LEFT - RIGHT) / end

    def x(seconds: float) -> float:
        return LEFT + seconds * scale

    shapes: list[str] = []
    legend_y = AXIS_Y + ROW * (len(seen) + 1) + 8
    # Unavailable until a writer succeeds again, or, with no writer, until every sentinel switched.
    unavailable = ("fault", FIRST_WRITE if FIRST_WRITE in seen else LAST_SWITCH)
    for number, (label, (start, stop)) in enumerate(((UNAVAILABLE, unavailable), (WRITABLE_OLD, OLD_MASTER_BACK))):
        if start in seen and stop in seen and seen[stop] >= seen[start]:
            colour, width = COLOURS[label], max(1.0, (seen[stop] - seen[start]) * scale)
            shapes.append(
                f'<rect x="{x(seen[start]):.1f}" y="{AXIS_Y - 14}" width="{width:.1f}" height="14" fill="{colour}">'
                f"<title>{escape(label)}: {seen[stop] - seen[start]:.2f} s</title></rect>"
            )
            shapes.append(
                f'<rect x="{LEFT + number * 260}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
                f'<text x="{LEFT + number * 260 + 16}" y="{legend_y}">{escape(label)} '
                f"({seen[stop] - seen[start]:.2f} s)</text>"
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
