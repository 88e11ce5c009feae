"""Server-made SVG charts: no chart library, no JavaScript, readable without colour alone
(each cell also prints its figure)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape  # quote=True by default: also safe inside attribute values

import segno


@dataclass
class HeatCell:
    utilisation: float | None  # None: nothing published that week
    allocated: int
    published: int


def heat_colour(value: float | None) -> str:
    if value is None:
        return "#e5e7eb"
    if value > 1.0:
        return "#b91c1c"  # over-allocated
    # Light to dark teal as utilisation rises.
    low, high = (236, 253, 245), (4, 120, 87)
    mix = max(0.0, min(1.0, value))
    return "#" + "".join(f"{round(a + (b - a) * mix):02x}" for a, b in zip(low, high, strict=True))


def heat_map(rows: list[str], columns: list[str], cells: dict[tuple[int, int], HeatCell], title: str) -> str:
    label_width, cell_w, cell_h, header_h = 200, 78, 30, 34
    width = label_width + cell_w * len(columns) + 10
    height = header_h + cell_h * max(1, len(rows)) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for c, column in enumerate(columns):
        x = label_width + c * cell_w + cell_w / 2
        parts.append(f'<text x="{x:.0f}" y="22" text-anchor="middle" font-size="11">{escape(column)}</text>')
    for r, row in enumerate(rows):
        y = header_h + r * cell_h
        parts.append(f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" font-size="12">{escape(row)}</text>')
        for c in range(len(columns)):
            cell = cells.get((r, c), HeatCell(None, 0, 0))
            x = label_width + c * cell_w
            value = cell.utilisation
            text = "–" if value is None else f"{value * 100:.0f}%"
            dark = value is not None and (value > 0.55)
            parts.append(
                f'<g class="cell" data-row="{escape(row)}" data-week="{escape(columns[c])}">'
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" rx="3" fill="{heat_colour(value)}">'
                f"<title>{escape(row)} · {escape(columns[c])}: {cell.allocated} / {cell.published}</title></rect>"
                f'<text x="{x + cell_w / 2:.0f}" y="{y + 19}" text-anchor="middle" font-size="11" fill="{"#ffffff" if dark else "#111827"}">{text}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar(fraction: float | None, width: int = 160) -> str:
    """A horizontal bar for one figure (0..1, over 1 drawn full and red)."""
    value = 0.0 if fraction is None else fraction
    filled = round(min(1.0, max(0.0, value)) * width)
    colour = "#b91c1c" if value > 1.0 else "#047857"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar" width="{width}" height="12" viewBox="0 0 {width} 12" aria-hidden="true">'
        f'<rect width="{width}" height="12" rx="2" fill="#e5e7eb"/><rect width="{filled}" height="12" rx="2" fill="{colour}"/></svg>'
    )


def qr_svg(url: str) -> str:
    """A QR code for `url` as inline SVG (segno, error correction M)."""
    return str(segno.make(url, error="m", micro=False).svg_inline(scale=6, border=2, dark="#111827"))
