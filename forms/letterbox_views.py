"""Public pages of a letter box (write, confirmation, status query, published letters, statistics)."""

from wagtail.contrib.routable_page.models import RoutablePageMixin


class LetterBoxRoutes(RoutablePageMixin):
    """Routes of LetterBoxPage; the page model keeps only configuration."""
