from django import template

from home.dates import cn_date

register = template.Library()


register.filter("cn_date", cn_date)


@register.simple_tag(takes_context=True)
def breadcrumbs(context, page):
    """Ancestors of `page` from its site's home page down, excluding the page itself."""
    site_root = context.get("site_root")
    if site_root is None or page is None:
        return []
    return list(page.get_ancestors().filter(depth__gte=site_root.depth, path__startswith=site_root.path))
