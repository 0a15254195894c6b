"""Online service hall (网上办事): service guides on the national schema, applications (办件).

Service guides are pages on each department's own site, edited and reviewed like any other
content; the portal's hall lists all of them without copying. Applications follow the transition
table in `services/workflow.py`; their due dates are stored on each application.
"""

from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.models import Document
from wagtail.models import Orderable, Page
from wagtail.search import index

from forms.models import private_storage
from home.blocks import RICH_TEXT_FEATURES
from home.masking import mask_name
from home.rich_text import SanitisedRichTextField
from services.hall_views import ServiceHallRoutes
from services.item_views import ServiceItemRoutes
from services.page_forms import ServiceItemPageForm


class ServiceTheme(models.Model):
    """A theme of the hall (教育, 社保, 户籍, 交通…)."""

    name = models.CharField("主题", max_length=20, unique=True)
    slug = models.SlugField("代码", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "办事主题"
        verbose_name_plural = "办事主题"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class LifeEvent(models.Model):
    """A life event (生育, 上学, 就业, 开办企业, 退休…), for individuals or companies."""

    name = models.CharField("事件", max_length=20, unique=True)
    slug = models.SlugField("代码", max_length=30, unique=True)
    for_legal_persons = models.BooleanField("法人事件", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "人生事件"
        verbose_name_plural = "人生事件"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class ServiceItemPage(ServiceItemRoutes, Page):
    """One service item (事项) and its guide (办事指南)."""

    class ItemType(models.TextChoices):
        LICENSING = "licensing", "行政许可"
        PAYMENT = "payment", "行政给付"
        CONFIRMATION = "confirmation", "行政确认"
        REWARD = "reward", "行政奖励"
        RULING = "ruling", "行政裁决"
        OTHER_POWER = "other_power", "其他行政权力"
        PUBLIC_SERVICE = "public_service", "公共服务"

    class OnlineDepth(models.TextChoices):
        FULL = "full", "全程网办"
        ONCE = "once", "最多跑一次"
        ONLINE_BOOKING = "booking", "网上预约、现场办理"
        OFFLINE = "offline", "现场办理"

    basic_code = models.CharField("基本编码", max_length=40)
    implementation_code = models.CharField("实施编码", max_length=60, blank=True)
    item_type = models.CharField("事项类型", max_length=16, choices=ItemType.choices)
    organisation = models.ForeignKey(
        "home.Organisation", verbose_name="实施主体", null=True, on_delete=models.PROTECT, related_name="+"
    )
    themes = ParentalManyToManyField(ServiceTheme, verbose_name="办事主题", blank=True)
    life_events = ParentalManyToManyField(LifeEvent, verbose_name="人生事件", blank=True)
    for_individuals = models.BooleanField("面向个人", default=True)
    for_legal_persons = models.BooleanField("面向法人", default=False)
    legal_basis = SanitisedRichTextField("设定依据", blank=True, features=RICH_TEXT_FEATURES)
    conditions = SanitisedRichTextField("受理条件", blank=True, features=RICH_TEXT_FEATURES)
    procedure = SanitisedRichTextField("办理流程", blank=True, features=RICH_TEXT_FEATURES)
    handling_form = models.CharField(
        "办理形式", max_length=100, blank=True, help_text="如：窗口办理、网上办理、快递申请"
    )
    legal_days = models.PositiveSmallIntegerField("法定办结时限（工作日）", null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField("承诺办结时限（工作日）", null=True, blank=True)
    charged = models.BooleanField("是否收费", default=False)
    location = models.CharField("办理地点", max_length=200, blank=True)
    office_hours = models.CharField("办理时间", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=40, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=40, blank=True)
    result_name = models.CharField("办理结果名称", max_length=100, blank=True)
    result_sample = models.ForeignKey(
        Document,
        verbose_name="办理结果样本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    online_depth = models.CharField(
        "网办深度", max_length=10, choices=OnlineDepth.choices, default=OnlineDepth.ONCE
    )
    accepts_online = models.BooleanField("可在线申请", default=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("basic_code"), FieldPanel("implementation_code")]),
                FieldRowPanel([FieldPanel("item_type"), FieldPanel("organisation")]),
                FieldRowPanel([FieldPanel("online_depth"), FieldPanel("accepts_online")]),
            ],
            heading="基本信息",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("for_individuals"), FieldPanel("for_legal_persons")]),
                FieldPanel("themes", widget=django_forms.CheckboxSelectMultiple),
                FieldPanel("life_events", widget=django_forms.CheckboxSelectMultiple),
            ],
            heading="服务对象与分类",
        ),
        FieldPanel("legal_basis"),
        FieldPanel("conditions"),
        InlinePanel("materials", label="申请材料"),
        FieldPanel("procedure"),
        FieldPanel("handling_form"),
        FieldRowPanel([FieldPanel("legal_days"), FieldPanel("promised_days")]),
        MultiFieldPanel([FieldPanel("charged"), InlinePanel("fees", label="收费项目")], heading="收费"),
        MultiFieldPanel(
            [
                FieldPanel("location"),
                FieldPanel("office_hours"),
                FieldRowPanel([FieldPanel("consult_phone"), FieldPanel("complaint_phone")]),
            ],
            heading="办理地点与咨询",
        ),
        MultiFieldPanel([FieldPanel("result_name"), FieldPanel("result_sample")], heading="办理结果"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("basic_code"),
        index.SearchField("conditions"),
        index.SearchField("procedure"),
        index.FilterField("item_type"),
        index.FilterField("online_depth"),
    ]
    parent_page_types = ["subsite_pages.ColumnPage", "subsite_pages.UnitHomePage"]
    subpage_types = []
    base_form_class = ServiceItemPageForm

    class Meta:
        verbose_name = "办事指南"

    def clean(self):
        super().clean()
        if self.legal_days and self.promised_days and self.promised_days > self.legal_days:
            raise ValidationError({"promised_days": "承诺办结时限不能长于法定办结时限。"})

    def missing_elements(self, materials=None, fees=None):
        """Key guide elements still empty (the national inspection vetoes incomplete guides)."""
        from services.workflow import missing_guide_elements

        return missing_guide_elements(self, materials=materials, fees=fees)

    def publish_blockers(self):
        missing = self.missing_elements()
        return [f"办事指南要素不全：{'、'.join(missing)}。"] if missing else []


class ServiceHallPage(ServiceHallRoutes, Page):
    """The portal's 网上办事大厅: every department's live guides together, without copies."""

    intro = SanitisedRichTextField("大厅说明", blank=True, features=RICH_TEXT_FEATURES)
    per_page = models.PositiveSmallIntegerField("每页事项数", default=20)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("per_page")]
    parent_page_types = ["home.HomePage", "subsite_pages.BranchHomePage", "subsite_pages.ColumnPage"]
    subpage_types = []

    class Meta:
        verbose_name = "网上办事大厅"

    def card_summary(self):
        from services.workflow import hall_counts

        counts = hall_counts()
        return f"办事指南 {counts['items']} 项，其中全程网办 {counts['full_online']} 项"


class ServiceMaterial(Orderable):
    """One required material (申请材料) and its slot in the online application."""

    class Form(models.TextChoices):
        ORIGINAL = "original", "原件"
        COPY = "copy", "复印件"
        ORIGINAL_AND_COPY = "both", "原件和复印件"
        ELECTRONIC = "electronic", "电子材料"

    page = ParentalKey(ServiceItemPage, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=120)
    required = models.BooleanField("必须提交", default=True)
    form = models.CharField("材料形式", max_length=12, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    blank_form = models.ForeignKey(
        Document, verbose_name="空白表格", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sample = models.ForeignKey(
        Document, verbose_name="示例样表", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.CharField("填报须知", max_length=300, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("required"), FieldPanel("form"), FieldPanel("copies")]),
        FieldRowPanel([FieldPanel("blank_form"), FieldPanel("sample")]),
        FieldPanel("notes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "申请材料"

    def __str__(self):
        return self.name


class ServiceFee(Orderable):
    page = ParentalKey(ServiceItemPage, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("收费项目", max_length=100)
    standard = models.CharField("收费标准", max_length=200)
    basis = models.CharField("收费依据", max_length=300)

    panels = [FieldPanel("name"), FieldPanel("standard"), FieldPanel("basis")]


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=Application.OPEN_STATES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(state=Application.State.SUBMITTED, precheck_due__lt=today)
            | Q(state__in=Application.CLOCK_STATES, promised_due__lt=today)
            | Q(state=Application.State.IN_REVIEW, step_due__lt=today)
        )


class Application(models.Model):
    """One application (办件)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "待预审"
        SUPPLEMENT = "supplement", "待补正"
        REJECTED = "rejected", "不予受理"
        WITHDRAWN = "withdrawn", "已撤回"
        ACCEPTED = "accepted", "已受理"
        IN_REVIEW = "in_review", "审查中"
        DECIDED = "decided", "已决定待办结"
        CLOSED = "closed", "已办结"

    class ApplicantType(models.TextChoices):
        INDIVIDUAL = "individual", "个人"
        LEGAL_PERSON = "legal_person", "法人"

    class Rating(models.IntegerChoices):
        VERY_GOOD = 5, "非常满意"
        GOOD = 4, "满意"
        FAIR = 3, "基本满意"
        BAD = 2, "不满意"
        VERY_BAD = 1, "非常不满意"

    OPEN_STATES = (State.SUBMITTED, State.SUPPLEMENT, State.ACCEPTED, State.IN_REVIEW, State.DECIDED)
    # After acceptance the committed clock runs.
    CLOCK_STATES = (State.ACCEPTED, State.IN_REVIEW, State.DECIDED)

    item = models.ForeignKey(
        ServiceItemPage, verbose_name="事项", on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "home.Organisation", verbose_name="办理部门", on_delete=models.PROTECT, related_name="applications"
    )
    receipt_number = models.CharField("受理编号", max_length=24, unique=True, null=True, blank=True)
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    applicant_type = models.CharField("申请人类型", max_length=12, choices=ApplicantType.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    id_number = models.CharField("证件号码", max_length=30, help_text="身份证号或统一社会信用代码")
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=20)
    email = models.EmailField("电子邮箱", blank=True)
    notes = models.TextField("申请说明", max_length=1000, blank=True)
    submitter_ip = models.GenericIPAddressField(null=True, blank=True)

    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    precheck_due = models.DateField("预审期限")
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    legal_days = models.PositiveSmallIntegerField("法定时限（工作日）")
    promised_due = models.DateField("承诺办结日期", null=True, blank=True)
    legal_due = models.DateField("法定办结日期", null=True, blank=True)
    # The current step (环节): its post, the person responsible and its committed date.
    step_post = models.CharField("当前岗位", max_length=40, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="当前经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    step_due = models.DateField("本环节期限", null=True, blank=True)
    supplement_request = models.TextField("补正告知", blank=True)
    rejection_reason = models.TextField("不予受理理由", blank=True)
    approved = models.BooleanField("准予", null=True, blank=True)
    decision = models.TextField("决定意见", blank=True)
    result_document = models.FileField(
        "结果文书", upload_to="services/results/%Y/%m/", storage=private_storage, blank=True, max_length=200
    )
    on_time = models.BooleanField("按承诺时限办结", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评价", choices=Rating.choices, null=True, blank=True)
    rating_comment = models.TextField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["state", "organisation"])]

    def __str__(self):
        return f"{self.receipt_number or '（未编号）'} {self.item.title if self.item_id else ''}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def current_due(self):
        if self.state in (self.State.SUBMITTED,):
            return self.precheck_due
        if self.state == self.State.IN_REVIEW and self.step_due:
            return min(self.step_due, self.promised_due) if self.promised_due else self.step_due
        if self.state in self.CLOCK_STATES:
            return self.promised_due
        return None

    def is_overdue(self, today=None):
        due = self.current_due
        return due is not None and due < (today or timezone.localdate())

    @property
    def public_applicant(self):
        if self.applicant_type == self.ApplicantType.LEGAL_PERSON:
            return self.applicant_name
        return mask_name(self.applicant_name)

    def id_tail(self):
        return self.id_number[-6:].upper()


class ApplicationMaterial(models.Model):
    """A file the applicant uploaded for one material slot (each round of 补正 adds files)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        ServiceMaterial,
        verbose_name="材料",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    material_name = models.CharField("材料名称", max_length=120)
    file = models.FileField(upload_to="services/materials/%Y/%m/", storage=private_storage, max_length=200)
    original_name = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小")
    round = models.PositiveSmallIntegerField("提交批次", default=1)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申请材料文件"
        verbose_name_plural = "申请材料文件"
        ordering = ["round", "pk"]

    def __str__(self):
        return self.original_name


class ApplicationEvent(models.Model):
    """One row per step: who, when, which post, the person responsible next and the committed date."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=24)
    from_state = models.CharField("原状态", max_length=12, blank=True)
    to_state = models.CharField("新状态", max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作方", max_length=30, blank=True)
    post = models.CharField("岗位", max_length=40, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下一经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due = models.DateField("承诺期限", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    public = models.BooleanField("申请人可见", default=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.application_id} {self.action}"

    def get_action_label(self):
        from services.workflow import TRANSITIONS

        transition = TRANSITIONS.get(self.action)
        return transition.label if transition else self.action
