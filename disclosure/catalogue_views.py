"""Public pages of the disclosure catalogue (公开目录): filters, search, request filing and query."""

from wagtail.contrib.routable_page.models import RoutablePageMixin


class CatalogueRoutes(RoutablePageMixin):
    """Routes of DisclosureCataloguePage."""
