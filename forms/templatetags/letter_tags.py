"""Template helpers of the letter pages: a server-side SVG bar chart, rates and times."""

from django import template

from home.dates import cn_datetime

register = template.Library()

BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 14
LEGEND_HEIGHT = 34
LABEL_CHARS = 8


@register.filter
def percent(value):
    """52.3 → "52.3%"; no figure (nothing to divide by) → "—"."""
    return "—" if value is None else f"{value:g}%"


register.filter("cn_datetime", cn_datetime)


def _n(number):
    """A coordinate as text: never localised (no thousands separator) and without ".0"."""
    return f"{round(number, 1):g}"


@register.inclusion_tag("includes/svg_bar_chart.html")
def svg_bar_chart(items, series, title, summary="", width=720, label_width=150):
    """Horizontal grouped bars drawn on the server: no script, no third-party library.

    items: [(label, [value per series]), ...]; series: [(name, colour), ...]. The chart is a
    picture (role="img" with `summary` as its label); the page must carry the same figures in a
    table, which is what assistive technology reads.
    """
    plot_width = width - label_width - 70
    maximum = max((value for _label, values in items for value in values), default=0) or 1
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    rows = []
    top = LEGEND_HEIGHT
    for label, values in items:
        bars = []
        for index, (value, (name, colour)) in enumerate(zip(values, series, strict=False)):
            length = round(plot_width * value / maximum, 1)
            if value and length < 2:
                length = 2  # a non-zero figure stays visible
            y = top + index * (BAR_HEIGHT + BAR_GAP)
            bars.append(
                {
                    "name": name,
                    "colour": colour,
                    "value": value,
                    "x": _n(label_width),
                    "y": _n(y),
                    "width": _n(length),
                    "height": _n(BAR_HEIGHT),
                    "text_x": _n(label_width + length + 6),
                    "text_y": _n(y + BAR_HEIGHT / 2),
                }
            )
        label = str(label)
        rows.append(
            {
                "label": label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                "full_label": label,
                "label_y": _n(top + group_height / 2),
                "bars": bars,
            }
        )
        top += group_height + GROUP_GAP
    legend = [
        {
            "name": name,
            "colour": colour,
            "x": _n(label_width + index * 130),
            "text_x": _n(label_width + index * 130 + 20),
        }
        for index, (name, colour) in enumerate(series)
    ]
    return {
        "title": title,
        "summary": summary or title,
        "width": _n(width),
        "height": _n(top - GROUP_GAP + 10 if rows else LEGEND_HEIGHT),
        "axis_x": _n(label_width - 1),
        "label_x": _n(label_width - 9),
        "rows": rows,
        "legend": legend,
        "empty": not rows,
    }
