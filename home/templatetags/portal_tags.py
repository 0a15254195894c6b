from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def cn_date(value):
    """2026年11月28日, in Asia/Shanghai."""
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


@register.simple_tag(takes_context=True)
def breadcrumbs(context, page):
    """Ancestors of `page` from its site's home page down, excluding the page itself."""
    site_root = context.get("site_root")
    if site_root is None or page is None:
        return []
    return list(page.get_ancestors().filter(depth__gte=site_root.depth, path__startswith=site_root.path))
