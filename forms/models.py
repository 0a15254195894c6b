"""Citizen interaction (政民互动): letter boxes and their cases, campaigns, surveys, interviews.

The rules of a letter's life (who may do what, when it is due) live in `forms/workflow.py`;
these models only hold the facts. Due dates are stored on each letter, copied from its box's
rule at submission, so that a later change to the box never moves a clock already running.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField, AbstractFormSubmission
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from forms.campaign_views import CampaignServeMixin, SurveyServeMixin
from forms.choices import DayBasis, LetterType
from forms.letterbox_views import LetterBoxRoutes
from forms.page_forms import LetterBoxPageForm
from home.blocks import RICH_TEXT_FEATURES, BodyBlock
from home.dates import cn_date, cn_datetime
from home.masking import mask_name, mask_text
from home.rich_text import SanitisedRichTextField

HOST_PAGE_TYPES = [
    "home.HomePage",
    "subsite_pages.BranchHomePage",
    "subsite_pages.UnitHomePage",
    "subsite_pages.ColumnPage",
]


@dataclass(frozen=True)
class DeadlineRule:
    day_basis: str
    accept_days: int
    reply_days: int
    extension_days: int

    def describe(self):
        unit = "个工作日" if self.day_basis == DayBasis.WORKDAY else "日"
        text = f"{self.accept_days}{unit}内受理，受理后{self.reply_days}{unit}内答复"
        if self.extension_days:
            text += f"，经批准可延长{self.extension_days}{unit}"
        return text + "。"


class PrivateStorage(FileSystemStorage):
    """Files that have no public address: they are streamed only by permission-checked views."""

    def url(self, name):
        raise ValueError("私有文件没有公开地址，只能通过有权限检查的下载视图获取。")


def private_storage():
    """Citizens' attachments never sit under MEDIA_ROOT, which the web server may publish."""
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)


class LetterBoxPage(LetterBoxRoutes, Page):
    """A letter box (市长信箱, 局长信箱, 在线投诉, 在线咨询, 网上信访, 建言献策) on any site."""

    class Kind(models.TextChoices):
        MAYOR = "mayor", "市长信箱"
        DIRECTOR = "director", "部门（镇街）信箱"
        COMPLAINT = "complaint", "在线投诉"
        CONSULT = "consult", "在线咨询"
        PETITION = "petition", "网上信访"
        SUGGESTION = "suggestion", "建言献策"

    # Defaults per kind. 信访 follows 《信访工作条例》 in calendar days: 15 days to decide on
    # acceptance, 60 days to handle, up to 30 more with approval. Other boxes use the county's
    # rule: accept within 2 working days, reply within 15 working days (+15 with approval).
    DEFAULT_RULES = {
        Kind.PETITION: DeadlineRule(DayBasis.CALENDAR, 15, 60, 30),
    }
    STANDARD_RULE = DeadlineRule(DayBasis.WORKDAY, 2, 15, 15)

    box_kind = models.CharField("信箱类型", max_length=12, choices=Kind.choices, default=Kind.MAYOR)
    intro = SanitisedRichTextField("信箱说明", blank=True, features=RICH_TEXT_FEATURES)
    notice = models.TextField(
        "写信须知",
        blank=True,
        default="请如实反映问题，文明用语。涉及诉讼、仲裁、行政复议等法定途径解决的事项，请依法通过相应途径办理。",
    )
    letter_types = models.CharField(
        "可选信件类型",
        max_length=100,
        default=",".join(LetterType.values),
    )
    handling_organisation = models.ForeignKey(
        "home.Organisation",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="留空时由主站受理员审查后转办；填写后来信由该单位直接受理和办理。",
    )
    day_basis = models.CharField(
        "计时方式", max_length=10, choices=DayBasis.choices, blank=True, help_text="留空按信箱类型的规定。"
    )
    accept_days = models.PositiveSmallIntegerField(
        "受理时限", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    reply_days = models.PositiveSmallIntegerField(
        "答复时限", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    extension_days = models.PositiveSmallIntegerField(
        "可延长时限", null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    public_listing = models.BooleanField(
        "公开来信选登",
        default=True,
        help_text="勾选后，来信人同意公开且已答复的信件在信箱中公开（个人信息自动隐去）。",
    )

    content_panels = Page.content_panels + [
        FieldPanel("box_kind"),
        FieldPanel("intro"),
        FieldPanel("notice"),
        FieldPanel("letter_types"),
        FieldPanel("handling_organisation"),
        MultiFieldPanel(
            [
                FieldPanel("day_basis"),
                FieldRowPanel(
                    [FieldPanel("accept_days"), FieldPanel("reply_days"), FieldPanel("extension_days")]
                ),
            ],
            heading="办理时限（留空按默认：信访按自然日 15/60/30 日，其余按 2/15/15 个工作日）",
        ),
        FieldPanel("public_listing"),
    ]

    parent_page_types = HOST_PAGE_TYPES
    subpage_types = []
    base_form_class = LetterBoxPageForm

    class Meta:
        verbose_name = "信箱"

    def clean(self):
        super().clean()
        codes = [code.strip() for code in (self.letter_types or "").split(",") if code.strip()]
        unknown = [code for code in codes if code not in LetterType.values]
        if not codes or unknown:
            raise ValidationError({"letter_types": "请至少填写一种信件类型，且只能使用说明中列出的代码。"})
        self.letter_types = ",".join(dict.fromkeys(codes))
        if self.box_kind == self.Kind.PETITION:
            if self.day_basis == DayBasis.WORKDAY:
                raise ValidationError({"day_basis": "网上信访按《信访工作条例》以自然日计算时限。"})
            limits = {"accept_days": 15, "reply_days": 60, "extension_days": 30}
            for name, limit in limits.items():
                if (getattr(self, name) or 0) > limit:
                    raise ValidationError({name: f"不得超过《信访工作条例》规定的 {limit} 日。"})

    def deadline_rule(self):
        default = self.DEFAULT_RULES.get(self.box_kind, self.STANDARD_RULE)
        return DeadlineRule(
            day_basis=self.day_basis or default.day_basis,
            accept_days=self.accept_days or default.accept_days,
            reply_days=self.reply_days or default.reply_days,
            extension_days=default.extension_days if self.extension_days is None else self.extension_days,
        )

    def card_summary(self):
        return f"{self.get_box_kind_display()}：{self.deadline_rule().describe()}"

    def type_choices(self):
        labels = dict(LetterType.choices)
        return [(code, labels[code]) for code in self.letter_types.split(",") if code in labels]

    @cached_property
    def host_organisation(self):
        from workflows.models import organisation_for_page

        return organisation_for_page(self)


def interaction_pages(parent):
    """Live public letter boxes, campaigns, surveys and interviews directly under `parent`."""
    return (
        Page.objects.child_of(parent)
        .live()
        .public()
        .type(LetterBoxPage, CampaignPage, SurveyPage, InterviewPage)
        .specific()
        .order_by("path")
    )


class LetterQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=Letter.OPEN_STATES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(state=Letter.State.SUBMITTED, accept_due__lt=today)
            | Q(state__in=Letter.HANDLING_STATES, reply_due__lt=today)
        )

    def published(self):
        return self.filter(state=Letter.State.CLOSED, is_public=True)


class Letter(models.Model):
    """One citizen letter and its case (办件)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        REJECTED = "rejected", "不予受理"
        MERGED = "merged", "已合并"
        ACCEPTED = "accepted", "已受理待转办"
        ASSIGNED = "assigned", "办理中"
        RETURNED = "returned", "已退回待重新转办"
        REPLY_REVIEW = "reply_review", "答复待审核"
        CLOSED = "closed", "已办结"

    class Rating(models.IntegerChoices):
        VERY_SATISFIED = 5, "非常满意"
        SATISFIED = 4, "满意"
        FAIRLY_SATISFIED = 3, "基本满意"
        DISSATISFIED = 2, "不满意"
        VERY_DISSATISFIED = 1, "非常不满意"

    OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.ASSIGNED, State.RETURNED, State.REPLY_REVIEW)
    # States in which the reply clock (reply_due) is the one that matters.
    HANDLING_STATES = (State.ACCEPTED, State.ASSIGNED, State.RETURNED, State.REPLY_REVIEW)

    box = models.ForeignKey(
        LetterBoxPage, verbose_name="信箱", on_delete=models.PROTECT, related_name="letters"
    )
    number = models.CharField("信件编号", max_length=20, unique=True, null=True, blank=True)
    query_code_hash = models.CharField(max_length=64, editable=False)
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    letter_type = models.CharField("类型", max_length=12, choices=LetterType.choices)
    title = models.CharField("标题", max_length=60)
    content = models.TextField("内容", max_length=3000)
    # The writer's personal data: only what is needed to answer, never shown publicly unmasked.
    name = models.CharField("姓名", max_length=30)
    phone = models.CharField("联系电话", max_length=20)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("联系地址", max_length=100, blank=True)
    consent_publish = models.BooleanField("同意公开", default=False)
    submitter_ip = models.GenericIPAddressField("来源 IP", null=True, blank=True)
    sensitive_words = models.CharField("含敏感词", max_length=200, blank=True)

    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.SUBMITTED)
    unit = models.ForeignKey(
        "home.Organisation",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    section = models.CharField("承办科室", max_length=60, blank=True)
    instruction = models.TextField("转办意见", blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    rejection_reason = models.TextField("不予受理理由", blank=True)

    # Clocks: the rule is copied from the box at submission.
    day_basis = models.CharField("计时方式", max_length=10, choices=DayBasis.choices)
    accept_days = models.PositiveSmallIntegerField("受理时限")
    reply_days = models.PositiveSmallIntegerField("答复时限")
    max_extension_days = models.PositiveSmallIntegerField("可延长时限", default=0)
    extension_days = models.PositiveSmallIntegerField("已批准延长", default=0)
    extension_requested = models.BooleanField("已申请延期", default=False)
    extension_reason = models.TextField("延期理由", blank=True)
    received_at = models.DateTimeField("来信时间", default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    assigned_at = models.DateTimeField("转办时间", null=True, blank=True)
    accept_due = models.DateField("受理期限")
    reply_due = models.DateField("答复期限", db_index=True)

    reply = models.TextField("答复内容", blank=True)
    reply_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复拟稿人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    on_time = models.BooleanField("按期答复", null=True, blank=True)
    is_public = models.BooleanField("已公开", default=False)

    rating = models.PositiveSmallIntegerField("满意度", choices=Rating.choices, null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    supervised = models.BooleanField("督办", default=False)
    chase_count = models.PositiveSmallIntegerField("催办次数", default=0)
    escalated = models.BooleanField("已逾期上报", default=False)
    last_reminded_on = models.DateField("最近提醒日期", null=True, blank=True)
    anonymised = models.BooleanField("个人信息已清除", default=False)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = "来信"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "unit"]), models.Index(fields=["is_public", "state"])]

    def __str__(self):
        return f"{self.number or '（未编号）'} {self.title}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def current_due(self):
        """The deadline that matters now: acceptance while waiting for it, the reply after."""
        if self.state == self.State.SUBMITTED:
            return self.accept_due
        if self.state in self.HANDLING_STATES:
            return self.reply_due
        return None

    def is_overdue(self, today=None):
        due = self.current_due
        return due is not None and due < (today or timezone.localdate())

    @property
    def received_date(self) -> date:
        return timezone.localtime(self.received_at).date()

    # Everything that reaches a public page goes through these.
    def _known_names(self):
        return [self.name]

    @property
    def public_title(self):
        return mask_text(self.title, names=self._known_names())

    @property
    def public_content(self):
        return mask_text(self.content, names=self._known_names())

    @property
    def public_reply(self):
        return mask_text(self.reply, names=self._known_names())

    @property
    def public_name(self):
        return mask_name(self.name)


class LetterAttachment(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="letters/%Y/%m/", storage=private_storage, max_length=200)
    original_name = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小")

    class Meta:
        verbose_name = "来信附件"
        verbose_name_plural = "来信附件"

    def __str__(self):
        return self.original_name


class LetterEvent(models.Model):
    """One row per transition: who, when, from which unit to which, and why."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=24)
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作方", max_length=30, blank=True)
    from_unit = models.ForeignKey(
        "home.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_unit = models.ForeignKey(
        "home.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    public = models.BooleanField("来信人可见", default=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.letter_id} {self.action}"

    def get_action_label(self):
        from forms.workflow import TRANSITIONS

        transition = TRANSITIONS.get(self.action)
        return transition.label if transition else self.action

    def get_to_state_label(self):
        return Letter.State(self.to_state).label if self.to_state in Letter.State.values else self.to_state


class LetterComment(models.Model):
    """A citizen's comment on a published reply; shown only after moderation."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="comments")
    content = models.TextField("评论内容", max_length=500)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    submitter_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "来信评论"
        verbose_name_plural = "来信评论"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.content[:30]

    @property
    def public_content(self):
        return mask_text(self.content, names=[self.letter.name])


# --- Campaigns (征集) and surveys (在线调查) on Wagtail's form builder ------------------------------


class CampaignFormField(AbstractFormField):
    page = ParentalKey("CampaignPage", on_delete=models.CASCADE, related_name="form_fields")


class CampaignPage(CampaignServeMixin, AbstractForm):
    """A solicitation campaign such as “我为即墨发展献一策”."""

    intro = SanitisedRichTextField("征集说明", blank=True, features=RICH_TEXT_FEATURES)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("截止时间")
    thank_you_text = SanitisedRichTextField("提交成功提示", blank=True, features=RICH_TEXT_FEATURES)
    result_text = SanitisedRichTextField("征集结果说明", blank=True, features=RICH_TEXT_FEATURES)
    forward_box = models.ForeignKey(
        LetterBoxPage,
        verbose_name="转办所用信箱",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="建议转办后作为该信箱的来信办理，按其时限计算。",
    )

    content_panels = AbstractForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        InlinePanel("form_fields", label="征集表单字段"),
        FieldPanel("thank_you_text"),
        FieldPanel("result_text"),
        FieldPanel("forward_box"),
    ]
    parent_page_types = HOST_PAGE_TYPES
    subpage_types = []

    class Meta:
        verbose_name = "意见征集"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "截止时间应晚于开始时间。"})

    def get_submission_class(self):
        return CampaignEntry

    def card_summary(self):
        state = (
            "征集中" if self.is_open() else ("征集已结束" if timezone.now() >= self.ends_at else "征集未开始")
        )
        return f"意见征集（{state}）：{_period(self.starts_at, self.ends_at)}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at


class CampaignEntry(AbstractFormSubmission):
    """A contribution to a campaign; staff mark it adopted, or forward it as a letter case."""

    name = models.CharField("姓名", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    adopted = models.BooleanField("已采纳", default=False)
    letter = models.OneToOneField(
        Letter,
        verbose_name="转办来信",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_entry",
    )
    submitter_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "征集意见"
        verbose_name_plural = "征集意见"

    @property
    def forwarded(self):
        return self.letter_id is not None


class SurveyFormField(AbstractFormField):
    page = ParentalKey("SurveyPage", on_delete=models.CASCADE, related_name="form_fields")


def _period(start, end):
    return f"{cn_date(start)}至{cn_date(end)}"


class SurveyPage(SurveyServeMixin, AbstractForm):
    """An online survey (在线调查): answers are counted, results published after it closes."""

    intro = SanitisedRichTextField("调查说明", blank=True, features=RICH_TEXT_FEATURES)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("截止时间")
    thank_you_text = SanitisedRichTextField("提交成功提示", blank=True, features=RICH_TEXT_FEATURES)
    show_results = models.BooleanField("截止后公布结果", default=True)

    content_panels = AbstractForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        InlinePanel("form_fields", label="调查题目"),
        FieldPanel("thank_you_text"),
        FieldPanel("show_results"),
    ]
    parent_page_types = HOST_PAGE_TYPES
    subpage_types = []

    class Meta:
        verbose_name = "在线调查"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "截止时间应晚于开始时间。"})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def card_summary(self):
        state = (
            "调查进行中"
            if self.is_open()
            else ("调查已结束" if timezone.now() >= self.ends_at else "调查未开始")
        )
        return f"在线调查（{state}）：{_period(self.starts_at, self.ends_at)}"


# --- Online interviews (在线访谈 / 行风在线) --------------------------------------------------------


class TranscriptTurnBlock(blocks.StructBlock):
    speaker = blocks.CharBlock(label="发言人", max_length=40)
    text = blocks.TextBlock(label="内容")

    class Meta:
        icon = "openquote"
        label = "发言"


class InterviewPage(Page):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", "访谈预告"
        LIVE = "live", "正在直播"
        FINISHED = "finished", "往期回顾"

    organisation = models.ForeignKey(
        "home.Organisation",
        verbose_name="访谈单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField("访谈时间")
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=60)
    intro = SanitisedRichTextField("访谈简介", blank=True, features=RICH_TEXT_FEATURES)
    media = StreamField(BodyBlock(), verbose_name="音视频与图片", blank=True)
    transcript = StreamField([("turn", TranscriptTurnBlock())], verbose_name="文字实录", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes")]),
        FieldPanel("intro"),
        InlinePanel("guests", label="访谈嘉宾"),
        FieldPanel("media"),
        FieldPanel("transcript"),
        InlinePanel("questions", label="网友提问"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("transcript")]
    parent_page_types = HOST_PAGE_TYPES
    subpage_types = []

    class Meta:
        verbose_name = "在线访谈"

    def card_summary(self):
        return f"{self.status().label}：{cn_datetime(self.starts_at)}"

    def status(self, now=None):
        now = now or timezone.now()
        if now < self.starts_at:
            return self.Status.UPCOMING
        if (now - self.starts_at).total_seconds() < self.duration_minutes * 60:
            return self.Status.LIVE
        return self.Status.FINISHED


class InterviewGuest(Orderable):
    page = ParentalKey(InterviewPage, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("姓名", max_length=30)
    position = models.CharField("职务", max_length=60)

    panels = [FieldPanel("name"), FieldPanel("position")]


class InterviewQuestion(Orderable):
    page = ParentalKey(InterviewPage, on_delete=models.CASCADE, related_name="questions")
    asker = models.CharField("网友昵称", max_length=30)
    question = models.TextField("提问")
    answer = models.TextField("嘉宾答复", blank=True)
    letter = models.ForeignKey(
        Letter, verbose_name="关联来信", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("asker"), FieldPanel("question"), FieldPanel("answer"), FieldPanel("letter")]
