"""Template helpers of the disclosure pages (document, guide and key-project templates)."""

from django import template

register = template.Library()


@register.simple_tag
def document_relations(page):
    """{"interpretations": live interpretations of `page`, "interprets": live documents `page`
    interprets}. Works on previews too, where the M2M is held in memory rather than saved."""
    interprets = [document for document in page.interprets.all() if document.live]
    interpretations = []
    if page.pk:
        interpretations = list(page.interpretations.live().public().order_by("-publish_date", "-pk"))
    return {"interpretations": interpretations, "interprets": interprets}


@register.simple_tag
def site_catalogue(page):
    """The live 公开目录 on the site holding `page`, for links back from documents and guides."""
    from disclosure.models import DisclosureCataloguePage

    site = page.get_site() if page.pk else None
    if site is None:
        return None
    return DisclosureCataloguePage.objects.live().public().in_site(site).order_by("path").first()


@register.simple_tag(takes_context=True)
def catalogue_route(context, catalogue, name):
    """The URL of one of a catalogue's routes (`request`, `query`, `projects` …)."""
    if catalogue is None:
        return ""
    base = catalogue.get_url(context.get("request")) or ""
    return base + catalogue.reverse_subpage(name)
