"""A line chart as a standalone SVG file: the tour's plot without a plotting library."""

from html import escape

import numpy as np

COLOURS = ("#555555", "#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def line_chart_svg(path, series, title, y_label, width=760, height=360, bands=()):
    """Write ``series`` ({label: (x positions, values)}) as lines with a legend to ``path``.

    ``x`` are numbers (e.g. month counts) or datetimes; all series share both axes.
    ``bands``: ``(x, lower, upper)`` areas drawn, translucent, beneath the lines (a fan
    chart's intervals).
    """
    def as_number(x):
        x = np.asarray(x)
        return x.astype("datetime64[D]").astype(float) if x.dtype.kind == "M" else x.astype(float)

    xs = {k: as_number(x) for k, (x, _) in series.items()}
    ys = {k: np.asarray(y, dtype=float) for k, (_, y) in series.items()}
    bands = [(as_number(x), np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
             for x, lo, hi in bands]
    x_lo = min(x.min() for x in [*xs.values(), *(b[0] for b in bands)])
    x_hi = max(x.max() for x in [*xs.values(), *(b[0] for b in bands)])
    y_lo = min(np.nanmin(y) for y in [*ys.values(), *(b[1] for b in bands)])
    y_hi = max(np.nanmax(y) for y in [*ys.values(), *(b[2] for b in bands)])
    pad = 0.05 * (y_hi - y_lo or 1.0)
    y_lo, y_hi = y_lo - pad, y_hi + pad
    left, right, top, bottom = 60, 20, 40, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x):
        return left + (x - x_lo) / ((x_hi - x_lo) or 1.0) * plot_w

    def py(y):
        return top + (y_hi - y) / (y_hi - y_lo) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
        f'<text x="14" y="{top + plot_h / 2}" transform="rotate(-90 14 {top + plot_h / 2})" '
        f'text-anchor="middle">{escape(y_label)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#999"/>',
    ]
    for tick in np.linspace(y_lo + pad, y_hi - pad, 5):
        parts.append(f'<text x="{left - 6}" y="{py(tick) + 4:.1f}" text-anchor="end">'
                     f'{tick:.1f}</text>')
    for x, lo, hi in bands:
        outline = list(zip(x, hi)) + list(zip(x[::-1], lo[::-1]))
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in outline)
        parts.append(f'<polygon points="{points}" fill="{COLOURS[1]}" fill-opacity="0.18" '
                     'stroke="none"/>')
    for i, (label, x) in enumerate(xs.items()):
        y = ys[label]
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(x, y) if np.isfinite(b))
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
        parts.append(f'<line x1="{left + 10}" y1="{top + 14 + 16 * i}" x2="{left + 34}" '
                     f'y2="{top + 14 + 16 * i}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{left + 40}" y="{top + 18 + 16 * i}">{escape(label)}</text>')
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n".join(parts) + "\n")
