"""What the public routes of a page share: the letter box (`forms`), the service hall and its
items (`services`) and the disclosure catalogue (`disclosure`)."""

from django.utils.cache import add_never_cache_headers
from wagtail.contrib.routable_page.models import RoutablePageMixin


class PublicRoutesMixin(RoutablePageMixin):
    """A routable page whose sub-pages are rendered with their own template and status."""

    def subpage_url(self, request, name, *args):
        """The URL of the route `name` of this page (with `args`), on the page's own site."""
        base = self.get_url(request) or self.url or "/"
        return base + self.reverse_subpage(name, args=args)

    def _render(self, request, template, context=None, status=200, private=False):
        """The page rendered with `template` and `context` on top of its own context. `private`
        pages (a one-time token, a query code, a citizen's own case) are sent with
        `Cache-Control: no-store`, so no proxy or shared computer keeps them."""
        response = self.render(request, template=template, context_overrides=context or {})
        response.status_code = status
        if private:
            add_never_cache_headers(response)
        return response
