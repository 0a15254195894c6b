"""The site-group registry: organisations (units), per-site identity, and the portal home page."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

from home.blocks import RICH_TEXT_FEATURES
from home.rich_text import SanitisedRichTextField

# Citizen-interaction pages (forms app) any home page or column may host.
INTERACTION_PAGE_TYPES = [
    "forms.LetterBoxPage",
    "forms.CampaignPage",
    "forms.SurveyPage",
    "forms.InterviewPage",
]
# Service hall and guides (services app): the hall on the portal or a branch, guides on unit sites.
SERVICE_PAGE_TYPES = ["services.ServiceHallPage", "services.ServiceItemPage"]
# Disclosure pages (disclosure app): documents, guides, catalogues and key projects.
DISCLOSURE_PAGE_TYPES = [
    "disclosure.DisclosureDocumentPage",
    "disclosure.DisclosureGuidePage",
    "disclosure.DisclosureCataloguePage",
    "disclosure.KeyProjectPage",
]
# 便民服务 lookups (convenience app): on the portal's 便民服务 column and the 市民 branch.
CONVENIENCE_PAGE_TYPES = ["convenience.ConvenienceLookupPage"]

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "请填写形如 #1f4e8c 的颜色值。")
hostname_label = RegexValidator(
    r"^[a-z][a-z0-9-]{0,30}$", "站点标识只能包含小写字母、数字和连字符，并以字母开头。"
)
organisation_code = RegexValidator(r"^[0-9A-Za-z]{4,18}$", "机构代码应为 4–18 位字母或数字。")


class Organisation(models.Model):
    """One unit of the site group: the portal, a branch site, a department or a town."""

    class Kind(models.TextChoices):
        PORTAL = "portal", "主站"
        BRANCH = "branch", "分站"
        DEPARTMENT = "department", "部门"
        TOWN = "town", "镇街"

    name = models.CharField("机构全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, unique=True)
    code = models.CharField(
        "机构代码",
        max_length=18,
        unique=True,
        validators=[organisation_code],
        help_text="用于生成政府信息公开索引号，发布后请勿修改。",
    )
    label = models.CharField(
        "站点标识",
        max_length=31,
        unique=True,
        validators=[hostname_label],
        help_text="子站域名前缀，如 jyj 对应 jyj.<主域名>。",
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisation",
    )
    editor_group = models.OneToOneField(
        "auth.Group",
        verbose_name="信息员用户组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer_group = models.OneToOneField(
        "auth.Group",
        verbose_name="管理员（审核）用户组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name="图片与文档库",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField("办公地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("code"), FieldPanel("kind")],
            heading="基本信息",
        ),
        MultiFieldPanel(
            [
                FieldPanel("label"),
                FieldPanel("site"),
                FieldPanel("editor_group"),
                FieldPanel("reviewer_group"),
                FieldPanel("collection"),
            ],
            heading="站点与权限",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("office_hours"),
            ],
            heading="联系方式",
        ),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    @property
    def group_prefix(self):
        """Prefix of the unit's group names: 主站, 市民分站, 教育局 …"""
        if self.kind == self.Kind.PORTAL:
            return "主站"
        if self.kind == self.Kind.BRANCH:
            return self.name
        return self.short_name

    @property
    def root_url(self):
        return self.site.root_url if self.site_id else ""


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """The identity block every government site must show in its footer (国办发〔2017〕47号)."""

    site_title = models.CharField("网站名称", max_length=60, blank=True)
    site_code = models.CharField(
        "网站标识码",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{10}$", "网站标识码为 10 位数字。")],
    )
    icp_number = models.CharField("ICP备案号", max_length=40, blank=True)
    police_number = models.CharField("公安机关备案号", max_length=40, blank=True)
    sponsor = models.CharField("主办单位", max_length=100, blank=True)
    organiser = models.CharField("承办单位", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("联系邮箱", blank=True)
    theme_colour = models.CharField("主题色", max_length=7, default="#1f4e8c", validators=[hex_colour])
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="网站标志",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("site_title"),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("police_number"),
                FieldPanel("sponsor"),
                FieldPanel("organiser"),
            ],
            heading="网站标识（页脚必备）",
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")], heading="联系方式"
        ),
        MultiFieldPanel([FieldPanel("theme_colour"), FieldPanel("logo")], heading="外观"),
    ]

    class Meta:
        verbose_name = "网站标识"

    def clean(self):
        super().clean()
        if self.theme_colour and hex_colour.regex.match(self.theme_colour):
            ratio = contrast_with_white(self.theme_colour)
            if ratio < 4.5:
                raise ValidationError(
                    {
                        "theme_colour": f"主题色与白色文字的对比度为 {ratio:.1f}:1，低于无障碍要求的 4.5:1，"
                        "请选择更深的颜色。"
                    }
                )


def contrast_with_white(hex_value):
    """WCAG 2.1 contrast ratio of white text on `hex_value`."""

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_value[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


class HomePage(Page):
    """The master portal's home page (即墨市政务网)."""

    intro = SanitisedRichTextField("首页简介", blank=True, features=RICH_TEXT_FEATURES)

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
    max_count = 1

    # Column slugs the portal home shows as blocks; the add-unit command creates them.
    HEADLINES = "jmyw"
    NOTICES = "tzgg"
    DEPARTMENT_NEWS = "bmdt"
    TOWN_NEWS = "xzdt"
    ENTRY_TILES = ("wsbs", "zwgk", "zmhd", "bmfw")

    class Meta:
        verbose_name = "主站首页"

    def get_context(self, request, *args, **kwargs):
        from home.portal import portal_home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(portal_home_context(self, request))
        return context


class WorkdayOverride(models.Model):
    """An administrator's correction to the national working-day calendar.

    The calendar comes from the `chinesecalendar` package (public holidays and 调休 make-up
    working days as the State Council announces them). A year the package does not cover yet, or a
    local change, is entered here; an entry always wins over the package.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "是否工作日", help_text="勾选：当天上班（如调休补班）；不勾选：当天放假。"
    )
    note = models.CharField("说明", max_length=100, blank=True, help_text="如：2027年春节调休上班")

    panels = [FieldPanel("date"), FieldPanel("is_workday"), FieldPanel("note")]

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'} {self.note}".strip()
