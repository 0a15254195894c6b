"""The public page of a lookup. One page type for all eight: the editor picks the lookup, writes
the introduction, and the page serves that lookup's views (convenience/views/<key>.py).

The same lookup may sit on the portal's 便民服务 column and on the 市民 branch; the data behind
both is the one imported feed.
"""

from importlib import import_module

from django.db import models
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.models import Page

from convenience.models.feeds import FeedKey
from home.rich_text import SanitisedRichTextField

RICH_TEXT_FEATURES = ["bold", "link", "ol", "ul"]
# Lookups that show one person's data: POST only, never cached, never indexed.
PERSONAL_LOOKUPS = (FeedKey.FUND, FeedKey.TRAFFIC)


class ConvenienceLookupPage(RoutablePageMixin, Page):
    lookup = models.CharField("查询项目", max_length=16, choices=FeedKey.choices)
    intro = SanitisedRichTextField("说明", blank=True, features=RICH_TEXT_FEATURES)
    provider = models.CharField(
        "数据提供单位", max_length=100, blank=True, help_text="例如：即墨区气象局。显示在查询结果下方。"
    )

    content_panels = Page.content_panels + [FieldPanel("lookup"), FieldPanel("intro"), FieldPanel("provider")]
    parent_page_types = ["home.HomePage", "subsite_pages.BranchHomePage", "subsite_pages.ColumnPage"]
    subpage_types = []

    class Meta:
        verbose_name = "便民查询"
        verbose_name_plural = "便民查询"

    # --- routing: every lookup's views live in convenience/views/<lookup>.py ------------------

    @property
    def views(self):
        return import_module(f"convenience.views.{self.lookup}")

    @path("", name="index")
    def index_route(self, request):
        return self.views.index(self, request)

    @re_path(r"^(?P<name>[a-z]+)/(?:(?P<arg>[-\w]+)/)?$", name="subpage")
    def subpage_route(self, request, name, arg=None):
        handler = getattr(self.views, "subpage", None)
        if handler is None:
            raise Http404
        return handler(self, request, name, arg)

    def subpage_url(self, request, name, arg=None):
        base = self.get_url(request) or self.url or "/"
        args = (name,) if arg is None else (name, arg)
        return base + self.reverse_subpage("subpage", args=args)

    def render_lookup(self, request, template, context=None, status=200):
        """Render a lookup's template with the page's context, the freshness of its feed and the
        cache rules: personal lookups are never cached (by browsers or proxies) nor indexed."""
        from convenience.services import freshness

        context = {"freshness": freshness(self.lookup), **(context or {})}
        response = self.render(request, template=template, context_overrides=context)
        response.status_code = status
        if self.lookup in PERSONAL_LOOKUPS:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def card_summary(self):
        """How fresh the data is; lists call `services.attach_freshness` first (one query)."""
        from convenience.services import freshness

        info = getattr(self, "freshness_info", None) or freshness(self.lookup)
        return info.label
