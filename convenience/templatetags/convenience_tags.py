"""Template helpers of the lookups: a server-side SVG line chart (no script, nothing from another
host) and small formatters. Every chart is a picture; the page carries the same figures in a table
beside it, which is what assistive technology reads."""

import math

from django import template

from home.dates import cn_date, cn_datetime

register = template.Library()

register.filter("cn_date", cn_date)
register.filter("cn_datetime", cn_datetime)

PADDING_LEFT = 56
PADDING_RIGHT = 16
PADDING_TOP = 16
PADDING_BOTTOM = 36
MAX_X_LABELS = 8


def _n(number):
    """A coordinate as text: never localised and without ".0"."""
    return f"{round(number, 1):g}"


def _nice_step(span, ticks=5):
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


@register.inclusion_tag("convenience/_line_chart.html")
def svg_line_chart(points, title, summary="", unit="", reference_lines=(), width=720, height=260):
    """A line over `points` [(x label, value or None), ...]; gaps where the value is None.

    `reference_lines` [(value, label, colour), ...] are drawn as dashed horizontals (警戒水位 …)
    and included in the vertical range.
    """
    values = [float(value) for _label, value in points if value is not None]
    references = [(float(value), label, colour) for value, label, colour in reference_lines or ()]
    if not values:
        return {"empty": True, "title": title}
    low = min(values + [value for value, _l, _c in references])
    high = max(values + [value for value, _l, _c in references])
    if high == low:
        high, low = high + 1, low - 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    plot_w = width - PADDING_LEFT - PADDING_RIGHT
    plot_h = height - PADDING_TOP - PADDING_BOTTOM
    count = len(points)

    def x_of(index):
        return PADDING_LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y_of(value):
        return PADDING_TOP + plot_h * (1 - (value - low) / (high - low))

    segments, current, dots = [], [], []
    for index, (label, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x, y = x_of(index), y_of(float(value))
        current.append(f"{_n(x)},{_n(y)}")
        dots.append({"x": _n(x), "y": _n(y), "label": str(label), "value": _fmt(value)})
    if current:
        segments.append(current)
    ticks = []
    value = low
    while value <= high + step / 1000:
        ticks.append({"y": _n(y_of(value)), "label": f"{round(value, 2):g}"})
        value += step
    every = max(1, math.ceil(count / MAX_X_LABELS))
    x_labels = [
        {"x": _n(x_of(index)), "label": str(label)}
        for index, (label, _value) in enumerate(points)
        if index % every == 0 or index == count - 1
    ]
    if len(x_labels) >= 2 and int(float(x_labels[-1]["x"]) - float(x_labels[-2]["x"])) < 40:
        x_labels.pop(-2)  # the last label would overlap its neighbour
    return {
        "empty": False,
        "title": title,
        "summary": summary or title,
        "unit": unit,
        "width": _n(width),
        "height": _n(height),
        "plot_left": _n(PADDING_LEFT),
        "plot_right": _n(width - PADDING_RIGHT),
        "plot_bottom": _n(PADDING_TOP + plot_h),
        "x_label_y": _n(PADDING_TOP + plot_h + 20),
        "lines": [" ".join(segment) for segment in segments],
        "dots": dots if count <= 60 else [],
        "ticks": ticks,
        "x_labels": x_labels,
        "references": [
            {"y": _n(y_of(value)), "label": label, "colour": colour, "value": _fmt(value)}
            for value, label, colour in references
        ],
    }
