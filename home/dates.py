"""Dates as people read them on the site group: 2026年11月28日 and 2026年11月28日 14:05, in Asia/Shanghai.

One definition for templates (home/templatetags/portal_tags.py and the apps' tag libraries),
admin views, e-mails and exports.
"""

from django.utils import timezone


def cn_date(value):
    """2026年11月28日; "" for no value. Aware datetimes are shown in local time."""
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value):
    """2026年11月28日 14:05; "" for no value."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{cn_date(value)} {value:%H:%M}"
