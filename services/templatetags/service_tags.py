"""Template helpers of the service hall pages: times and file sizes as Chinese readers expect."""

from django import template

from home.dates import cn_datetime

register = template.Library()


register.filter("cn_datetime", cn_datetime)


@register.filter
def file_size(size):
    """1.2 MB, 350 KB."""
    size = size or 0
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


@register.filter
def workdays(days):
    """5 → "5 个工作日"; none → "—"."""
    return f"{days} 个工作日" if days else "—"
