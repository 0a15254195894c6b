"""Public pages of the service hall (browse by facet, search, query an application)."""

from wagtail.contrib.routable_page.models import RoutablePageMixin


class ServiceHallRoutes(RoutablePageMixin):
    """Routes of ServiceHallPage."""
