"""Public pages of one service item: the guide, and the online application."""

from wagtail.contrib.routable_page.models import RoutablePageMixin


class ServiceItemRoutes(RoutablePageMixin):
    """Routes of ServiceItemPage (apply/)."""
