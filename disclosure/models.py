"""Government information disclosure (政务公开): catalogue documents with 索引号, disclosure guides,
key-project progress, and disclosure requests (依申请公开) on the statutory clock.

Documents are pages under each unit's 政务公开 column, so unit review applies; the catalogue
aggregates them group-wide without copies. Request rules live in `disclosure/workflow.py`.
"""

from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from disclosure.catalogue_views import CatalogueRoutes
from forms.models import private_storage
from home.blocks import RICH_TEXT_FEATURES, BodyBlock
from home.dates import cn_date
from home.rich_text import SanitisedRichTextField

UNIT_PAGE_PARENTS = ["subsite_pages.ColumnPage", "subsite_pages.UnitHomePage", "home.HomePage"]


class Theme(models.TextChoices):
    """主题分类 (the national catalogue's subject classes)."""

    GENERAL = "zhzw", "综合政务"
    ECONOMY = "gmjj", "国民经济管理、国有资产监管"
    FINANCE = "czjr", "财政、金融、审计"
    LAND = "gtzy", "国土资源、能源"
    AGRICULTURE = "nyls", "农业、林业、水利"
    INDUSTRY = "gyjt", "工业、交通"
    COMMERCE = "smhg", "商贸、海关、旅游"
    MARKET = "scjg", "市场监管、安全生产监管"
    URBAN = "cxjs", "城乡建设、环境保护"
    EDUCATION = "kjjy", "科技、教育"
    CULTURE = "whgd", "文化、广电、新闻出版"
    HEALTH = "wsty", "卫生、体育"
    POPULATION = "rkjs", "人口与计划生育、妇女儿童工作"
    LABOUR = "ldrs", "劳动、人事、监察"
    SECURITY = "gaaq", "公安、安全、司法"
    CIVIL = "mzfp", "民政、扶贫、救灾"
    OTHER = "qt", "其他"


class Genre(models.TextChoices):
    """体裁分类."""

    REGULATION = "gfxwj", "行政规范性文件"
    DECISION = "jd", "决定"
    NOTICE = "tz", "通知"
    ANNOUNCEMENT = "gg", "公告"
    CIRCULAR = "tb", "通报"
    OPINION = "yj", "意见"
    PLAN = "gh", "规划计划"
    REPORT = "bg", "报告"
    STATISTICS = "tjsj", "统计数据"
    PERSONNEL = "rsxx", "人事信息"
    BUDGET = "czyjs", "财政预决算"
    INTERPRETATION = "zcjd", "政策解读"
    OTHER = "qt", "其他"


class DisclosureDocumentPage(Page):
    """A disclosure document (公开信息) with its catalogue metadata."""

    class Validity(models.TextChoices):
        VALID = "valid", "有效"
        EXPIRED = "expired", "失效"
        REPEALED = "repealed", "废止"

    # 机构代码/YYYY-NNNNN: issued on first publication, never changed afterwards.
    index_number = models.CharField(
        "索引号", max_length=40, unique=True, null=True, blank=True, editable=False
    )
    organisation = models.ForeignKey(
        "home.Organisation", verbose_name="发布机构", null=True, on_delete=models.PROTECT, related_name="+"
    )
    written_date = models.DateField("成文日期")
    publish_date = models.DateField("发布日期", default=timezone.localdate)
    document_number = models.CharField(
        "文号", max_length=60, blank=True, help_text="如：即政办发〔2026〕12号"
    )
    theme = models.CharField("主题分类", max_length=8, choices=Theme.choices)
    genre = models.CharField("体裁分类", max_length=8, choices=Genre.choices)
    keywords = models.CharField("关键词", max_length=100, help_text="以空格或逗号分隔")
    validity = models.CharField("有效性", max_length=10, choices=Validity.choices, default=Validity.VALID)
    repealed_date = models.DateField("废止/失效日期", null=True, blank=True)
    summary = models.TextField("内容概述", max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)
    interprets = ParentalManyToManyField(
        "self",
        verbose_name="解读的文件",
        symmetrical=False,
        blank=True,
        related_name="interpretations",
        help_text="本页为政策解读时，选择所解读的文件；文件页面会自动显示本解读。",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("index_number", read_only=True),
                FieldRowPanel([FieldPanel("organisation"), FieldPanel("document_number")]),
                FieldRowPanel([FieldPanel("written_date"), FieldPanel("publish_date")]),
                FieldRowPanel([FieldPanel("theme"), FieldPanel("genre")]),
                FieldPanel("keywords"),
                FieldRowPanel([FieldPanel("validity"), FieldPanel("repealed_date")]),
            ],
            heading="公开目录信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("interprets", widget=django_forms.SelectMultiple),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("index_number"),
        index.SearchField("document_number"),
        index.SearchField("keywords"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("theme"),
        index.FilterField("genre"),
        index.FilterField("validity"),
        index.FilterField("publish_date"),
    ]
    parent_page_types = UNIT_PAGE_PARENTS
    subpage_types = []

    class Meta:
        verbose_name = "公开信息"
        verbose_name_plural = "公开信息"

    def clean(self):
        super().clean()
        errors = {}
        if self.written_date and self.publish_date and self.written_date > self.publish_date:
            errors["written_date"] = "成文日期不能晚于发布日期。"
        if self.publish_date and self.publish_date > timezone.localdate():
            errors["publish_date"] = "发布日期不能晚于今天。"
        if self.validity != self.Validity.VALID and not self.repealed_date:
            errors["repealed_date"] = "文件废止或失效时，请填写废止/失效日期。"
        if errors:
            raise ValidationError(errors)

    def with_content_json(self, content):
        """Reverting to or publishing an older revision never changes the issued 索引号."""
        obj = super().with_content_json(content)
        obj.index_number = self.index_number
        return obj

    def save(self, *args, **kwargs):
        if self.pk and not self.index_number:
            # A revision saved before the number was issued must not clear it.
            self.index_number = (
                DisclosureDocumentPage.objects.filter(pk=self.pk)
                .values_list("index_number", flat=True)
                .first()
            )
        return super().save(*args, **kwargs)

    @property
    def is_repealed(self):
        return self.validity != self.Validity.VALID


class IndexNumberCounter(models.Model):
    """The last 索引号 sequence number issued per unit and year (locked while issuing)."""

    organisation = models.ForeignKey("home.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_unit_year")
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last}"


class DisclosureGuidePage(Page):
    """A unit's 政府信息公开指南."""

    organisation = models.ForeignKey(
        "home.Organisation", verbose_name="机构", null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_on = models.DateField("更新日期", default=timezone.localdate)
    scope = SanitisedRichTextField("公开的主体和范围", features=RICH_TEXT_FEATURES)
    proactive = SanitisedRichTextField("主动公开的方式", features=RICH_TEXT_FEATURES)
    on_request = SanitisedRichTextField("依申请公开的办理", features=RICH_TEXT_FEATURES)
    fees = SanitisedRichTextField("收费", blank=True, features=RICH_TEXT_FEATURES)
    supervision = SanitisedRichTextField("监督和救济", features=RICH_TEXT_FEATURES)
    office = models.CharField("受理机构", max_length=100)
    address = models.CharField("地址", max_length=200)
    office_hours = models.CharField("办公时间", max_length=100)
    phone = models.CharField("电话", max_length=40)
    email = models.EmailField("电子邮箱", blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("updated_on")]),
        FieldPanel("scope"),
        FieldPanel("proactive"),
        FieldPanel("on_request"),
        FieldPanel("fees"),
        FieldPanel("supervision"),
        MultiFieldPanel(
            [
                FieldPanel("office"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("office_hours"), FieldPanel("phone"), FieldPanel("email")]),
            ],
            heading="受理机构与联系方式",
        ),
    ]
    parent_page_types = UNIT_PAGE_PARENTS
    subpage_types = []

    class Meta:
        verbose_name = "公开指南"

    def card_summary(self):
        return f"公开主体、范围、方式和依申请公开办理程序（{cn_date(self.updated_on)}更新）"


class DisclosureCataloguePage(CatalogueRoutes, Page):
    """公开目录: on the portal the whole group's documents, on a unit site that unit's."""

    intro = SanitisedRichTextField("说明", blank=True, features=RICH_TEXT_FEATURES)
    group_wide = models.BooleanField("全市汇总", default=False, help_text="勾选后列出全市各单位的公开信息。")
    per_page = models.PositiveSmallIntegerField("每页条数", default=20)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("group_wide"),
        FieldPanel("per_page"),
    ]
    parent_page_types = UNIT_PAGE_PARENTS
    subpage_types = []

    class Meta:
        verbose_name = "公开目录"

    def card_summary(self):
        return (
            "按主题、体裁、年度和有效性检索"
            + ("全市各单位" if self.group_wide else "本单位")
            + "主动公开的政府信息"
        )


class KeyProjectPage(Page):
    """A key project or people's-livelihood project (重点工程 / 为民办实事) and its progress."""

    class Kind(models.TextChoices):
        KEY_PROJECT = "key", "重点工程"
        LIVELIHOOD = "livelihood", "为民办实事"

    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.KEY_PROJECT)
    organisation = models.ForeignKey(
        "home.Organisation", verbose_name="责任单位", null=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    investment = models.DecimalField(
        "计划投资（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.TextField("建设内容和目标", max_length=1000)
    planned_completion = models.DateField("计划完成时间", null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year"), FieldPanel("organisation")]),
        FieldRowPanel([FieldPanel("investment"), FieldPanel("planned_completion")]),
        FieldPanel("target"),
        InlinePanel("progress", label="进展情况"),
    ]
    parent_page_types = UNIT_PAGE_PARENTS
    subpage_types = []

    class Meta:
        verbose_name = "重点工程/为民办实事"

    def card_summary(self):
        latest = self.latest_progress
        progress = f"，最新进度 {latest.percent}%" if latest else ""
        return f"{self.get_kind_display()}（{self.year}年）{progress}"

    @property
    def latest_progress(self):
        return self.progress.order_by("-reported_on", "-pk").first()


class ProjectProgress(Orderable):
    page = ParentalKey(KeyProjectPage, on_delete=models.CASCADE, related_name="progress")
    reported_on = models.DateField("日期")
    percent = models.PositiveSmallIntegerField("完成进度（%）", validators=[MaxValueValidator(100)])
    text = models.TextField("进展说明", max_length=500)

    panels = [FieldRowPanel([FieldPanel("reported_on"), FieldPanel("percent")]), FieldPanel("text")]


# --- Requests (依申请公开) ------------------------------------------------------------------------


class RequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=DisclosureRequest.OPEN_STATES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(state__in=DisclosureRequest.CLOCK_STATES, due_date__lt=today)


class DisclosureRequest(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", "办理中"
        CLARIFICATION = "clarification", "待申请人补正"
        CONSULTING = "consulting", "征求第三方意见中"
        ANSWERED = "answered", "已答复"
        WITHDRAWN = "withdrawn", "申请人撤回"

    class ApplicantKind(models.TextChoices):
        """The annual report's columns (国办公开办函〔2021〕30号)."""

        PERSON = "person", "自然人"
        COMMERCIAL = "commercial", "商业企业"
        RESEARCH = "research", "科研机构"
        CHARITY = "charity", "社会公益组织"
        LEGAL_SERVICE = "legal_service", "法律服务机构"
        OTHER_ORG = "other_org", "其他组织"

    class Delivery(models.TextChoices):
        PAPER = "paper", "纸质文本"
        ELECTRONIC = "electronic", "电子文本"
        DISC = "disc", "光盘"

    class Acquisition(models.TextChoices):
        POST = "post", "邮寄"
        EMAIL = "email", "电子邮件"
        PICKUP = "pickup", "当面领取"
        ONLINE = "online", "网上获取"

    OPEN_STATES = (State.RECEIVED, State.CLARIFICATION, State.CONSULTING)
    # The answer clock runs only while the request is with the unit: 补正 and third-party consultation
    # pause it (the paused working days are added to the due date when they end).
    CLOCK_STATES = (State.RECEIVED,)

    organisation = models.ForeignKey(
        "home.Organisation",
        verbose_name="受理机关",
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
    )
    receipt_number = models.CharField("申请编号", max_length=24, unique=True, null=True, blank=True)
    query_code_hash = models.CharField(max_length=64, editable=False)
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    applicant_kind = models.CharField("申请人类型", max_length=16, choices=ApplicantKind.choices)
    name = models.CharField("姓名/名称", max_length=100)
    id_number = models.CharField("证件号码", max_length=30, help_text="身份证号或统一社会信用代码")
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=20)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    description = models.TextField("所需信息的名称、文号或便于查询的其他特征性描述", max_length=2000)
    delivery = models.CharField("提供形式", max_length=12, choices=Delivery.choices)
    acquisition = models.CharField("获取方式", max_length=12, choices=Acquisition.choices)
    submitter_ip = models.GenericIPAddressField(null=True, blank=True)

    state = models.CharField("状态", max_length=14, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField("收到申请时间", default=timezone.now, db_index=True)
    clock_start = models.DateField("答复期限起算日")
    clarification_due = models.DateField("补正告知期限", help_text="收到申请之日起 7 个工作日内")
    clarification_requested_at = models.DateTimeField("补正告知时间", null=True, blank=True)
    clarification_request = models.TextField("补正内容", blank=True)
    clarification_reply = models.TextField("申请人补正内容", blank=True)
    consultation_started = models.DateField("征求意见开始", null=True, blank=True)
    paused_workdays = models.PositiveSmallIntegerField("征求第三方意见不计时（工作日）", default=0)
    extension_days = models.PositiveSmallIntegerField("延长期限（工作日）", default=0)
    extension_reason = models.TextField("延期理由", blank=True)
    due_date = models.DateField("答复期限", db_index=True)
    result = models.CharField("办理结果", max_length=40, blank=True)
    answer = models.TextField("答复内容", blank=True)
    answer_document = models.FileField(
        "答复书", upload_to="disclosure/answers/%Y/", storage=private_storage, blank=True, max_length=200
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    on_time = models.BooleanField("按期答复", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = "依申请公开"
        verbose_name_plural = "依申请公开"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "organisation"])]

    def __str__(self):
        return f"{self.receipt_number or '（未编号）'} {self.description[:20]}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    def is_overdue(self, today=None):
        return self.state in self.CLOCK_STATES and self.due_date < (today or timezone.localdate())

    @property
    def is_legal_person(self):
        return self.applicant_kind != self.ApplicantKind.PERSON


class RequestEvent(models.Model):
    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=24)
    from_state = models.CharField("原状态", max_length=14, blank=True)
    to_state = models.CharField("新状态", max_length=14)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作方", max_length=30, blank=True)
    due_date = models.DateField("答复期限", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.action}"

    def get_action_label(self):
        from disclosure.workflow import TRANSITIONS

        transition = TRANSITIONS.get(self.action)
        return transition.label if transition else self.action


class AnnualReportFigures(models.Model):
    """Figures of the annual report the platform does not hold itself (行政处罚, 复议, 诉讼…),
    entered by the unit; everything else is computed (disclosure/report.py)."""

    organisation = models.ForeignKey("home.Organisation", verbose_name="机构", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("年度")
    penalties = models.PositiveIntegerField("行政处罚本年处理决定数量", default=0)
    enforcement = models.PositiveIntegerField("行政强制本年处理决定数量", default=0)
    fees_amount = models.DecimalField(
        "行政事业性收费本年收费金额（万元）", max_digits=12, decimal_places=2, default=0
    )
    reviews = models.JSONField("行政复议结果（维持/纠正/其他/尚未审结）", default=dict, blank=True)
    lawsuits = models.JSONField("行政诉讼结果", default=dict, blank=True)
    notes = models.TextField("存在的主要问题及改进情况", blank=True)

    class Meta:
        verbose_name = "年报补充数据"
        verbose_name_plural = "年报补充数据"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_report_per_unit_year")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.year}"
