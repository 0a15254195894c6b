from django.core.cache import cache
from wagtail.models import Page, Site

from home.accessibility import elder_mode_enabled


def site_group(request):
    """The current site, its unit and its top navigation, for the shared theme."""
    site = Site.find_for_request(request)
    organisation = getattr(site, "organisation", None) if site else None
    navigation = []
    if site is not None:
        navigation = list(Page.objects.child_of(site.root_page).live().public().in_menu().order_by("path"))
    return {
        "current_site": site,
        "current_organisation": organisation,
        "site_root": site.root_page if site else None,
        "navigation": navigation,
        "elder_mode": elder_mode_enabled(request),
        "portal_root_url": portal_root_url(),
    }


def portal_root_url():
    """The master portal's address, for the "返回主站" link on every other site."""

    def lookup():
        portal = Site.objects.filter(is_default_site=True).first()
        return portal.root_url if portal else ""

    return cache.get_or_set("portal-root-url", lookup, 300)
