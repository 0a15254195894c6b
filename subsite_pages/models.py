"""Branch and unit home pages, columns (栏目), articles (信息), plain pages and site maps."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES, BodyBlock
from home.models import (
    CONVENIENCE_PAGE_TYPES,
    DISCLOSURE_PAGE_TYPES,
    INTERACTION_PAGE_TYPES,
    SERVICE_PAGE_TYPES,
)
from home.rich_text import SanitisedRichTextField
from subsite_pages.forms import ArticlePageForm, ContentPageForm

HOME_PAGE_TYPES = ["home.HomePage", "subsite_pages.BranchHomePage", "subsite_pages.UnitHomePage"]


def column_articles(column, descendants=False):
    """Live articles of a column, newest first: its own (children, or every descendant) plus
    articles other units syndicated to it and this site's reviewers approved (信息报送).

    Syndicated articles stay where they are: one source of truth, so edits, unpublishing and
    withdrawal show at once. `syndicated` is True on those, for the 来源 attribution.
    """
    from workflows.models import Syndication

    own = Q(path__startswith=column.path, depth__gt=column.depth)
    if not descendants:
        own &= Q(depth=column.depth + 1)
    approved = Syndication.objects.filter(target=column, status=Syndication.Status.APPROVED).values(
        "source_id"
    )
    return (
        ArticlePage.objects.live()
        .public()
        .filter(own | Q(pk__in=approved))
        .annotate(
            syndicated=Case(When(own, then=Value(False)), default=Value(True), output_field=BooleanField())
        )
        .order_by("-publish_date", "-pk")
    )


def _interaction_pages(parent):
    """Entry pages listed as cards: letter boxes, campaigns, surveys, interviews, the service hall,
    disclosure catalogues, guides, key projects and 便民 lookups (every page type with a
    `card_summary`)."""
    from convenience.models import ConvenienceLookupPage
    from convenience.services import attach_freshness
    from disclosure.models import DisclosureCataloguePage, DisclosureGuidePage, KeyProjectPage
    from forms.models import CampaignPage, InterviewPage, LetterBoxPage, SurveyPage
    from services.models import ServiceHallPage

    card_types = (
        ServiceHallPage,
        LetterBoxPage,
        CampaignPage,
        SurveyPage,
        InterviewPage,
        DisclosureCataloguePage,
        DisclosureGuidePage,
        KeyProjectPage,
        ConvenienceLookupPage,
    )
    pages = list(Page.objects.child_of(parent).live().public().type(*card_types).specific().order_by("path"))
    # The lookups' cards say how fresh their data is: one query for all of them.
    attach_freshness([page for page in pages if isinstance(page, ConvenienceLookupPage)])
    return pages


def _column_entries(column):
    """Guides on a 办事指南 column, the newest documents on a 政务公开 column."""
    if column.kind == ColumnPage.Kind.SERVICE:
        from services.models import ServiceItemPage

        return {"service_items": ServiceItemPage.objects.child_of(column).live().public().order_by("title")}
    if column.kind == ColumnPage.Kind.DISCLOSURE:
        from disclosure.models import DisclosureDocumentPage

        documents = DisclosureDocumentPage.objects.child_of(column).live().public()
        return {"disclosure_documents": documents.order_by("-publish_date", "-pk")[:20]}
    return {}


def latest_articles(parent, limit):
    """The newest live articles anywhere below `parent`, syndicated ones included."""
    return column_articles(parent, descendants=True)[:limit]


class SiteHomeMixin:
    """Home pages list their columns, each with its newest articles."""

    articles_per_block = 6

    def column_blocks(self):
        columns = ColumnPage.objects.child_of(self).live().in_menu().order_by("path")
        return [(column, list(latest_articles(column, self.articles_per_block))) for column in columns]


class BranchHomePage(SiteHomeMixin, Page):
    """Home page of a themed branch site (市民, 企业, 三农 …)."""

    intro = SanitisedRichTextField("简介", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "subsite_pages.ColumnPage",
        "subsite_pages.ContentPage",
        "subsite_pages.SitemapPage",
        *INTERACTION_PAGE_TYPES,
        *SERVICE_PAGE_TYPES,
        *DISCLOSURE_PAGE_TYPES,
        *CONVENIENCE_PAGE_TYPES,
    ]

    class Meta:
        verbose_name = "分站首页"


class UnitHomePage(SiteHomeMixin, Page):
    """Home page of a department or town site."""

    intro = SanitisedRichTextField("简介", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "subsite_pages.ColumnPage",
        "subsite_pages.ContentPage",
        "subsite_pages.SitemapPage",
        *INTERACTION_PAGE_TYPES,
        *SERVICE_PAGE_TYPES,
        *DISCLOSURE_PAGE_TYPES,
        *CONVENIENCE_PAGE_TYPES,
    ]

    class Meta:
        verbose_name = "部门/镇街首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["profile_pages"] = ContentPage.objects.child_of(self).live().in_menu().order_by("path")
        context["interaction_pages"] = _interaction_pages(self)
        return context


class ColumnPage(Page):
    """A column (栏目): lists its articles, newest first, and its sub-columns."""

    class Kind(models.TextChoices):
        NEWS = "news", "动态类"
        NOTICE = "notice", "通知公告类"
        POLICY = "policy", "政策文件类"
        SERVICE = "service", "办事服务类"
        DISCLOSURE = "disclosure", "政务公开类"
        INTERACTION = "interaction", "互动交流类"
        CONVENIENCE = "convenience", "便民服务类"
        TOPIC = "topic", "专题专栏类"

    # How long a column may go without a new article before inspections count it stale
    # (《政府网站与政务新媒体检查指标》: 动态 2 weeks, 通知公告/政策文件 6 months).
    FRESHNESS_DAYS = {Kind.NEWS: 14, Kind.NOTICE: 183, Kind.POLICY: 183}

    kind = models.CharField("栏目类型", max_length=16, choices=Kind.choices, default=Kind.NEWS)
    intro = models.TextField("栏目说明", blank=True, max_length=500)
    accepts_submissions = models.BooleanField(
        "接收子站报送", default=False, help_text="勾选后，各子站可将信息报送到本栏目。"
    )
    per_page = models.PositiveSmallIntegerField("每页条数", default=20)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("accepts_submissions"), FieldPanel("per_page")],
            heading="栏目设置",
        )
    ]

    parent_page_types = HOME_PAGE_TYPES + ["subsite_pages.ColumnPage"]
    subpage_types = [
        "subsite_pages.ColumnPage",
        "subsite_pages.ArticlePage",
        "subsite_pages.ContentPage",
        *INTERACTION_PAGE_TYPES,
        *SERVICE_PAGE_TYPES,
        *DISCLOSURE_PAGE_TYPES,
        *CONVENIENCE_PAGE_TYPES,
    ]

    class Meta:
        verbose_name = "栏目"

    @property
    def freshness_days(self):
        return self.FRESHNESS_DAYS.get(self.kind)

    def clean(self):
        super().clean()
        if not 1 <= (self.per_page or 0) <= 100:
            raise ValidationError({"per_page": "每页条数应在 1 到 100 之间。"})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = column_articles(self)
        context["articles"] = Paginator(articles, self.per_page).get_page(request.GET.get("page"))
        context["subcolumns"] = ColumnPage.objects.child_of(self).live().public().order_by("path")
        context["subpages"] = ContentPage.objects.child_of(self).live().public().order_by("path")
        context["interaction_pages"] = _interaction_pages(self)
        context.update(_column_entries(self))
        if context["interaction_pages"]:
            from forms.models import Letter

            context["latest_replies"] = (
                Letter.objects.published()
                .filter(box__path__startswith=self.path)
                .select_related("box", "unit")
                .order_by("-replied_at")[:8]
            )
        return context


class ArticlePage(Page):
    """An article (信息)."""

    subtitle = models.CharField("副标题", max_length=200, blank=True)
    publish_date = models.DateTimeField(
        "发布日期",
        default=timezone.now,
        help_text="不能晚于当前时间；如需定时发布，请在“设置”中填写定时发布时间。",
    )
    source = models.CharField("来源", max_length=100, blank=True, help_text="留空时使用本单位名称。")
    author = models.CharField("作者", max_length=50, blank=True)
    responsible_editor = models.CharField("责任编辑", max_length=50, blank=True)
    summary = models.TextField("摘要", max_length=300, blank=True)
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)
    syndication_targets = ParentalManyToManyField(
        "subsite_pages.ColumnPage",
        verbose_name="推送到",
        blank=True,
        related_name="+",
        limit_choices_to={"accepts_submissions": True},
        help_text="发布后报送到所选栏目，经对方站点管理员审核采用后在该栏目显示。",
    )

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [
                FieldPanel("publish_date"),
                FieldPanel("source"),
                FieldPanel("author"),
                FieldPanel("responsible_editor"),
            ],
            heading="发布信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("related_links", label="相关链接"),
    ]
    promote_panels = Page.promote_panels + [
        FieldPanel("syndication_targets", widget=forms.CheckboxSelectMultiple, heading="信息报送")
    ]

    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("publish_date"),
    ]

    parent_page_types = ["subsite_pages.ColumnPage"]
    subpage_types = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = "信息"
        verbose_name_plural = "信息"

    @cached_property
    def lead_image(self):
        """The first picture in the body, for lists and the portal's headline area."""
        for block in self.body:
            if block.block_type == "image":
                return block.value["image"]
        return None

    def clean(self):
        super().clean()
        now = timezone.now()
        if self.publish_date and self.publish_date > now + timezone.timedelta(minutes=5):
            scheduled_for = self.go_live_at
            if scheduled_for is None or self.publish_date > scheduled_for + timezone.timedelta(minutes=5):
                raise ValidationError(
                    {
                        "publish_date": "发布日期不能晚于当前时间。如需将来发布，请在“设置”中填写定时发布时间，"
                        "发布日期不得晚于定时发布时间。"
                    }
                )

    def full_clean(self, *args, **kwargs):
        if not self.source:
            self.source = self.default_source()
        super().full_clean(*args, **kwargs)

    def default_source(self):
        from home.models import Organisation

        parent = self.get_parent() if self.pk or self.path else None
        if parent is None:
            return ""
        site = parent.get_site()
        organisation = Organisation.objects.filter(site=site).first() if site else None
        return organisation.name if organisation else ""


class ArticleRelatedLink(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    title = models.CharField("链接标题", max_length=200)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="站内页面",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link_url = models.URLField("外部链接", blank=True)

    panels = [FieldPanel("title"), FieldPanel("link_page"), FieldPanel("link_url")]

    def clean(self):
        if bool(self.link_page) == bool(self.link_url):
            raise ValidationError("请选择一个站内页面或填写一个外部链接（二选一）。")

    @property
    def url(self):
        return self.link_page.url if self.link_page else self.link_url


class ContentPage(Page):
    """A plain content page: 机构概况, 领导信息, 联系我们 …"""

    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    base_form_class = ContentPageForm
    parent_page_types = HOME_PAGE_TYPES + ["subsite_pages.ColumnPage", "subsite_pages.ContentPage"]
    subpage_types = ["subsite_pages.ContentPage"]

    class Meta:
        verbose_name = "普通页面"


class SitemapPage(Page):
    """网站地图: every live, public page of this site, as a nested list."""

    parent_page_types = HOME_PAGE_TYPES
    subpage_types = []
    max_depth = 4

    class Meta:
        verbose_name = "网站地图"

    @classmethod
    def can_create_at(cls, parent):
        # One site map per site.
        return super().can_create_at(parent) and not cls.objects.child_of(parent).exists()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_parent()
        pages = (
            Page.objects.descendant_of(home)
            .live()
            .public()
            .filter(depth__lte=home.depth + self.max_depth - 1)
            .exclude(pk=self.pk)
            .not_type(ArticlePage)
            .order_by("path")
        )
        context["tree"] = build_tree(home, pages)
        return context


def build_tree(root, pages):
    """Nest a path-ordered page list under `root`: [(page, [(child, [...]), ...]), ...]."""
    nodes = {root.path: []}
    for page in pages:
        children = []
        nodes[page.path] = children
        parent_children = nodes.get(page.path[: -Page.steplen])
        if parent_children is not None:
            parent_children.append((page, children))
    return nodes[root.path]
