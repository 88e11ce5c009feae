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


def heat_map(rows: list[str], columns: list[str], cells: dict[tuple[int, int], HeatCell], title: str, row_ids: list[str] | None = None) -> str:
    """Rows x columns of utilisation cells; `row_ids` (default: the row labels) go into each
    cell's data-row, so a row keeps its id whatever language its label is in."""
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
                f'<g class="cell" data-row="{escape(row_ids[r] if row_ids else row)}" data-week="{escape(columns[c])}">'
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


# ----------------------------------------------------------------- line and bar charts
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 56, 16, 28, 44


def _ticks(top: float, count: int = 4) -> list[float]:
    """`count` + 1 round tick values from 0 to at least `top`."""
    if top <= 0:
        return [float(i) for i in range(count + 1)]
    raw = top / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


@dataclass
class ForecastDay:
    """One day of a demand forecast with its intervals, and the capacity forecast that day
    (None: no capacity figure for that day)."""

    label: str
    yhat: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float
    capacity: float | None


def forecast_chart(days: list[ForecastDay], title: str, legend: dict[str, str], warning_ratio: float, width: int = 720, height: int = 260) -> str:
    """Demand forecast per day (line) with its 80% and 95% intervals (bands), the capacity
    forecast (step line) and the warning line at `warning_ratio` of it (dashed). `legend`
    names the series: keys forecast, interval_80, interval_95, capacity, warning."""
    plot_w, plot_h = width - PLOT_LEFT - PLOT_RIGHT, height - PLOT_TOP - PLOT_BOTTOM
    top = max([d.hi_95 for d in days] + [d.capacity or 0.0 for d in days] + [1.0])
    ticks = _ticks(top)
    scale = ticks[-1]
    step = plot_w / max(1, len(days))

    def x(i: float) -> float:
        return PLOT_LEFT + step * (i + 0.5)

    def y(value: float) -> float:
        return PLOT_TOP + plot_h * (1 - max(0.0, value) / scale)

    def band(lo: str, hi: str) -> str:
        upper = [f"{x(i):.1f},{y(getattr(d, hi)):.1f}" for i, d in enumerate(days)]
        lower = [f"{x(i):.1f},{y(getattr(d, lo)):.1f}" for i, d in reversed(list(enumerate(days)))]
        return " ".join(upper + lower)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart forecast" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        parts.append(f'<line x1="{PLOT_LEFT}" x2="{width - PLOT_RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{PLOT_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{_number(tick)}</text>')
    label_every = max(1, len(days) // 7)
    for i, d in enumerate(days):
        if i % label_every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{height - PLOT_BOTTOM + 16}" text-anchor="middle" font-size="11">{escape(d.label)}</text>')
    if days:
        parts.append(f'<polygon class="interval-95" points="{band("lo_95", "hi_95")}" fill="#dbeafe"/>')
        parts.append(f'<polygon class="interval-80" points="{band("lo_80", "hi_80")}" fill="#93c5fd"/>')
        line = " ".join(f"{x(i):.1f},{y(d.yhat):.1f}" for i, d in enumerate(days))
        parts.append(f'<polyline class="demand" points="{line}" fill="none" stroke="#1d4ed8" stroke-width="2"/>')
        for name, ratio, style in (("capacity", 1.0, 'stroke="#047857" stroke-width="2"'),
                                   ("warning", warning_ratio, 'stroke="#b45309" stroke-width="1.5" stroke-dasharray="5 3"')):
            path, pen_down = [], False
            for i, d in enumerate(days):
                if d.capacity is None:
                    pen_down = False
                    continue
                level = y(d.capacity * ratio)
                left, right = x(i) - step / 2, x(i) + step / 2
                path.append(f"{'L' if pen_down else 'M'}{left:.1f},{level:.1f} L{right:.1f},{level:.1f}")
                pen_down = True
            if path:
                parts.append(f'<path class="{name}" d="{" ".join(path)}" fill="none" {style}/>')
        for i, d in enumerate(days):
            capacity = "–" if d.capacity is None else _number(d.capacity)
            parts.append(f'<rect class="day" x="{x(i) - step / 2:.1f}" y="{PLOT_TOP}" width="{step:.1f}" height="{plot_h}" fill="transparent">'
                         f"<title>{escape(d.label)}: {escape(legend['forecast'])} {_number(d.yhat)} "
                         f"(80%: {_number(d.lo_80)}–{_number(d.hi_80)}, 95%: {_number(d.lo_95)}–{_number(d.hi_95)}); "
                         f"{escape(legend['capacity'])} {capacity}</title></rect>")
    keys = [("forecast", '<line x1="0" x2="18" y1="5" y2="5" stroke="#1d4ed8" stroke-width="2"/>'),
            ("interval_80", '<rect width="18" height="10" fill="#93c5fd"/>'),
            ("interval_95", '<rect width="18" height="10" fill="#dbeafe"/>'),
            ("capacity", '<line x1="0" x2="18" y1="5" y2="5" stroke="#047857" stroke-width="2"/>'),
            ("warning", '<line x1="0" x2="18" y1="5" y2="5" stroke="#b45309" stroke-width="1.5" stroke-dasharray="5 3"/>')]
    offset = PLOT_LEFT
    for key, mark in keys:
        parts.append(f'<g class="legend" transform="translate({offset},8)">{mark}<text x="22" y="10" font-size="11">{escape(legend[key])}</text></g>')
        offset += 30 + 6 * len(legend[key])
    parts.append("</svg>")
    return "".join(parts)


def utilisation_chart(columns: list[str], values: list[float | None], band: tuple[float, float], title: str, band_label: str,
                      width: int = 720, height: int = 220) -> str:
    """Utilisation per column (bars, each with its figure; a missing value: nothing
    published) against the target band (shaded)."""
    plot_w, plot_h = width - PLOT_LEFT - PLOT_RIGHT, height - PLOT_TOP - PLOT_BOTTOM
    scale = max([1.0] + [v for v in values if v is not None])
    scale = _ticks(scale, 4)[-1] if scale > 1.0 else 1.0
    step = plot_w / max(1, len(columns))

    def y(value: float) -> float:
        return PLOT_TOP + plot_h * (1 - max(0.0, value) / scale)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart utilisation" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="band" x="{PLOT_LEFT}" y="{y(band[1]):.1f}" width="{plot_w}" height="{y(band[0]) - y(band[1]):.1f}" fill="#d1fae5"/>',
        f'<text x="{width - PLOT_RIGHT}" y="{y(band[1]) - 4:.1f}" text-anchor="end" font-size="11" fill="#047857">{escape(band_label)}</text>',
    ]
    for i in range(5):
        tick = scale * i / 4
        parts.append(f'<line x1="{PLOT_LEFT}" x2="{width - PLOT_RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{PLOT_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick * 100:.0f}%</text>')
    for i, (column, value) in enumerate(zip(columns, values, strict=True)):
        left = PLOT_LEFT + step * i
        centre = left + step / 2
        parts.append(f'<text x="{centre:.1f}" y="{height - PLOT_BOTTOM + 16}" text-anchor="middle" font-size="11">{escape(column)}</text>')
        if value is None:
            parts.append(f'<text class="value" x="{centre:.1f}" y="{y(0) - 4:.1f}" text-anchor="middle" font-size="11">–</text>')
            continue
        inside = band[0] <= value <= band[1]
        colour = "#047857" if inside else ("#b91c1c" if value > band[1] else "#b45309")
        parts.append(f'<g class="week" data-column="{escape(column)}" data-utilisation="{value:.4f}">'
                     f'<rect x="{left + step * 0.2:.1f}" y="{y(value):.1f}" width="{step * 0.6:.1f}" height="{y(0) - y(value):.1f}" fill="{colour}">'
                     f"<title>{escape(column)}: {value * 100:.0f}%</title></rect>"
                     f'<text class="value" x="{centre:.1f}" y="{y(value) - 4:.1f}" text-anchor="middle" font-size="11">{value * 100:.0f}%</text></g>')
    parts.append("</svg>")
    return "".join(parts)
