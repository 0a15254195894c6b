"""The staff side of letters in the Wagtail admin: list, handling page, moderation, statistics.

Every change to a letter goes through `forms.workflow` (perform, save_reply_draft,
moderate_comment); these views only choose what to show and translate the workflow's
exceptions into messages and status codes. Who sees which letter is
`workflow.visible_letters` / `workflow.can_view`, nothing else.

Wagtail's admin turns a raised PermissionDenied into a redirect to the dashboard; the letter
views answer 403 themselves so that a refused request is visibly refused.
"""

import codecs
import io
import re
from collections import OrderedDict

import django_filters
from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, DateField, F, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import BooleanRadioSelect

from forms import workflow
from forms.admin_forms import ACTION_FORMS, SAVE_DRAFT, ReplyForm, StatisticsRangeForm
from forms.models import DeadlineRule, Letter, LetterAttachment, LetterBoxPage, LetterComment, LetterType
from forms.statistics import letter_statistics
from home.admin_common import UnitFilter, error_text, forbidden, redisplay_case, run_case_step
from home.dates import cn_date, cn_datetime
from home.masking import mask_name, mask_text
from home.models import Organisation

S = Letter.State
INDEX_URL = "letters:index"
DETAIL_URL = "letters:detail"
SOON_DAYS = 3  # a due date this close is shown in amber


# --- Who may use these pages ----------------------------------------------------------------------


def has_letter_role(user):
    """Anyone who handles letters: dispatchers, supervisors, members of any unit's staff groups."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        workflow.is_dispatcher(user) or workflow.is_supervisor(user) or workflow.handled_units(user).exists()
    )


def may_moderate_comments(user):
    """Comment moderation is for dispatchers and unit 管理员 (see workflow.moderate_comment)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return workflow.is_dispatcher(user) or workflow.reviewed_units(user).exists()


def sees_contact_data(user):
    """Citizens' phone, e-mail and address leave the system unmasked only for these roles."""
    return workflow.is_dispatcher(user) or workflow.is_supervisor(user)


class LetterRoleRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not has_letter_role(request.user):
            return forbidden(request, "只有政民互动受理员、督办员和各单位信息员、管理员可以使用本功能。")
        return super().dispatch(request, *args, **kwargs)


# --- Deadlines as shown to staff -----------------------------------------------------------------


def due_status(letter, today=None):
    """(level, text) of the letter's current deadline: overdue, today, soon, normal or none."""
    due = letter.current_due
    if due is None:
        return "none", ""
    days = (due - (today or timezone.localdate())).days
    if days < 0:
        return "overdue", f"已逾期 {-days} 天"
    if days == 0:
        return "today", "今日到期"
    if days <= SOON_DAYS:
        return "soon", f"{days} 天后到期"
    return "normal", ""


def event_units(event):
    """从单位→到单位 for hand-overs; otherwise the unit that held the letter."""
    source, target = event.from_unit, event.to_unit
    if event.action in ("assign", "forward", "return") and source != target:
        return f"{source.short_name if source else '受理员'} → {target.short_name if target else '受理员'}"
    held = source or target
    return held.short_name if held else ""


def unit_label(letter):
    if letter.unit_id is None:
        return "待转办" if letter.state in (S.SUBMITTED, S.ACCEPTED, S.RETURNED) else "—"
    name = letter.unit.short_name
    return f"{name}·{letter.section}" if letter.section else name


# --- Index ("来信办理") -----------------------------------------------------------------------------


class LetterFilterSet(WagtailFilterSet):
    state = django_filters.MultipleChoiceFilter(
        label="状态", choices=Letter.State.choices, widget=django_forms.CheckboxSelectMultiple
    )
    unit = UnitFilter(
        label="承办单位",
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.PORTAL).order_by("kind", "sort_order"),
        empty_label="全部",
        null_label="待转办",
    )
    letter_type = django_filters.ChoiceFilter(
        label="类型", choices=LetterType.choices, empty_label="全部", widget=django_forms.RadioSelect
    )
    box = django_filters.ModelChoiceFilter(
        label="信箱", queryset=LetterBoxPage.objects.order_by("title", "pk"), empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(
        label="是否逾期", method="filter_overdue", widget=BooleanRadioSelect
    )
    extension_requested = django_filters.BooleanFilter(label="延期待审批", widget=BooleanRadioSelect)
    received = django_filters.DateFromToRangeFilter(
        label="来信日期", field_name="received_at", widget=DateRangePickerWidget
    )

    class Meta:
        model = Letter
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = Letter.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class DueColumn(Column):
    """当前期限: red with the days overdue, amber when due today or soon."""

    cell_template_name = "forms/admin/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["level"], context["note"] = due_status(instance)
        context["due_text"] = cn_date(instance.current_due)
        return context


class FlagsColumn(Column):
    cell_template_name = "forms/admin/flags_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["letter"] = instance
        return context


EXPORT_FIELDS = OrderedDict(
    [
        ("number", "信件编号"),
        ("title", "标题"),
        ("letter_type", "类型"),
        ("box", "信箱"),
        ("unit", "承办单位"),
        ("state", "状态"),
        ("received_at", "来信时间"),
        ("accept_due", "受理期限"),
        ("reply_due", "答复期限"),
        ("due_note", "期限提示"),
        ("supervised", "督办"),
        ("chase_count", "催办次数"),
        ("replied_at", "答复时间"),
        ("rating", "满意度"),
        ("name", "来信人"),
        ("phone", "联系电话"),
        ("email", "电子邮箱"),
        ("address", "联系地址"),
    ]
)
CONTACT_FIELDS = {"name", "phone", "email", "address"}
ADDRESS_DIGITS = re.compile(r"[0-9０-９]")
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class LetterIndexView(LetterRoleRequiredMixin, IndexView):
    model = Letter
    permission_policy = None
    any_permission_required = None
    page_title = "来信办理"
    header_icon = "mail"
    template_name = "forms/admin/letter_index.html"
    paginate_by = 30
    search_fields = ["number", "title"]
    search_backend_name = None
    filterset_class = LetterFilterSet
    default_ordering = "due"
    list_export = list(EXPORT_FIELDS)
    export_headings = dict(EXPORT_FIELDS)
    verbose_name = "来信"
    verbose_name_plural = "来信"

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "number",
                label="编号",
                sort_key="number",
                get_url=lambda letter: reverse(DETAIL_URL, args=[letter.pk]),
            ),
            Column("title", label="标题"),
            Column("letter_type", label="类型", accessor="get_letter_type_display"),
            Column("box", label="信箱", accessor="box.title"),
            Column("unit", label="承办单位", accessor=unit_label),
            Column("state", label="状态", accessor="get_state_display", sort_key="state"),
            Column(
                "received_at",
                label="来信时间",
                accessor=lambda letter: cn_datetime(letter.received_at),
                sort_key="received_at",
            ),
            DueColumn("due", label="当前期限", sort_key="due"),
            FlagsColumn("flags", label="督办"),
        ]

    def get_base_queryset(self):
        # “当前期限”: the acceptance clock while waiting for acceptance, the reply clock after.
        return (
            workflow.visible_letters(self.request.user)
            .select_related("box", "unit")
            .annotate(
                due=Case(
                    When(state=S.SUBMITTED, then=F("accept_due")),
                    When(state__in=Letter.HANDLING_STATES, then=F("reply_due")),
                    default=Value(None),
                    output_field=DateField(),
                )
            )
        )

    def order_queryset(self, queryset):
        # Default: overdue first (oldest due date first), then the nearest due; finished last.
        if self.ordering == "due":
            return queryset.order_by(F("due").asc(nulls_last=True), "-received_at", "-pk")
        if self.ordering == "-due":
            return queryset.order_by(F("due").desc(nulls_last=True), "-received_at", "-pk")
        return queryset.order_by(self.ordering, "-pk")

    def get_filename(self):
        return f"来信办理-{timezone.localdate():%Y%m%d}"

    # Export -------------------------------------------------------------------------------------

    @cached_property
    def export_contact_data(self):
        return sees_contact_data(self.request.user)

    def to_row_dict(self, item):
        return OrderedDict((field, self.export_value(item, field)) for field in self.list_export)

    def export_value(self, letter, field):
        if field in CONTACT_FIELDS:
            value = getattr(letter, field)
            if self.export_contact_data:
                return value
            if field == "name":
                return mask_name(value)
            if field == "address":
                # The whole field is personal: beyond mask_text's house numbers, hide every digit
                # (building, unit and room numbers such as “12号楼3单元502室”).
                return ADDRESS_DIGITS.sub("*", mask_text(value))
            return mask_text(value)
        if field == "letter_type":
            return letter.get_letter_type_display()
        if field == "box":
            return letter.box.title
        if field == "unit":
            return unit_label(letter)
        if field == "state":
            return letter.get_state_display()
        if field in ("received_at", "replied_at"):
            value = getattr(letter, field)
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""
        if field == "due_note":
            return due_status(letter)[1]
        if field == "supervised":
            return "是" if letter.supervised else ""
        if field == "rating":
            return letter.get_rating_display() if letter.rating else ""
        return getattr(letter, field)

    def write_csv_row(self, writer, row_dict):
        # Titles and addresses are typed by citizens: a cell starting with “=” must not become
        # a formula when the CSV is opened in Excel (the xlsx writer already stores text).
        safe = {
            field: f"'{value}" if isinstance(value, str) and value[:1] in CSV_FORMULA_PREFIXES else value
            for field, value in row_dict.items()
        }
        return super().write_csv_row(writer, safe)

    def stream_csv(self, queryset):
        # A byte-order mark so that Excel opens the Chinese CSV as UTF-8.
        yield codecs.BOM_UTF8
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Disposition"] = content_disposition_header(True, f"{self.get_filename()}.csv")
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


# --- Detail and handling ---------------------------------------------------------------------------

SUCCESS_MESSAGES = {
    "accept": "已受理。",
    "reject": "已作不予受理处理，理由将告知来信人。",
    "merge": "已合并为重复件。",
    "assign": "已转办。",
    "forward": "已交办。",
    "return": "已退回受理员重新转办。",
    "request_extension": "已提交延期申请，等待督办员审批。",
    "approve_extension": "已批准延期。",
    "refuse_extension": "已不批准延期。",
    "submit_reply": "答复已提交审核。",
    "approve_reply": "答复已审核通过，信件已办结。",
    "reject_reply": "已退回修改答复。",
    "publish": "已公开。",
    "unpublish": "已取消公开。",
    "chase": "已催办。",
    "supervise": "已列为督办件。",
    SAVE_DRAFT: "答复草稿已保存。",
}


def _letter_queryset():
    return Letter.objects.select_related(
        "box", "box__handling_organisation", "unit", "merged_into", "reply_drafted_by", "reply_approved_by"
    )


class LetterDetailView(WagtailAdminTemplateMixin, View):
    """Everything about one case, and one form per action the user may take now."""

    template_name = "forms/admin/letter_detail.html"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not has_letter_role(request.user):
            return forbidden(request)
        self.letter = get_object_or_404(_letter_queryset(), pk=kwargs["pk"])
        if not workflow.can_view(request.user, self.letter):
            return forbidden(request, "该信件不由您所在的单位办理，您无权查看。")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def get_page_title(self):
        return f"来信 {self.letter.number or ''}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(INDEX_URL), "label": "来信办理"},
            {"url": "", "label": self.letter.number or str(self.letter.pk)},
        ]

    def get_action_forms(self, bound_action=None, bound_form=None):
        """One unbound form per available action; the failed one keeps what the user typed."""
        forms = []
        for action in workflow.available_actions(self.request.user, self.letter):
            form_class = ACTION_FORMS.get(action)
            if form_class is None:
                continue
            if action == bound_action or (bound_action == SAVE_DRAFT and action == "submit_reply"):
                forms.append(bound_form)
            else:
                forms.append(form_class(letter=self.letter))
        return forms

    def get_context_data(self, bound_action=None, bound_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = self.letter
        user = self.request.user
        action_forms = self.get_action_forms(bound_action, bound_form)
        reply_form = next((f for f in action_forms if isinstance(f, ReplyForm)), None)
        rule = DeadlineRule(
            letter.day_basis, letter.accept_days, letter.reply_days, letter.max_extension_days
        )
        level, due_note = due_status(letter)
        events = [
            {
                "event": event,
                "time": cn_datetime(event.created_at),
                "units": event_units(event),
                "actor": (
                    f"{get_user_display_name(event.actor)}（{event.actor_label}）"
                    if event.actor
                    else event.actor_label
                ),
            }
            for event in letter.events.select_related("actor", "from_unit", "to_unit")
        ]
        context.update(
            {
                "letter": letter,
                "roles": sorted(workflow.ROLE_NAMES[r] for r in workflow.roles_for(user, letter)),
                "rule": rule.describe(),
                "due_level": level,
                "due_note": due_note,
                "due_text": cn_date(letter.current_due),
                "received_text": cn_datetime(letter.received_at),
                "accept_due_text": cn_date(letter.accept_due),
                "reply_due_text": cn_date(letter.reply_due),
                "replied_text": cn_datetime(letter.replied_at),
                "unit_text": unit_label(letter),
                "attachments": letter.attachments.all(),
                "events": events,
                "duplicates": letter.duplicates.all(),
                "merged_into_visible": bool(
                    letter.merged_into_id and workflow.can_view(user, letter.merged_into)
                ),
                "comments": letter.comments.all(),
                "may_moderate": bool(
                    workflow.roles_for(user, letter) & {workflow.DISPATCHER, workflow.REVIEWER}
                ),
                "reply_form": reply_form,
                "action_forms": [f for f in action_forms if f is not reply_form],
            }
        )
        return context


def act(request, pk, action):
    """POST /admin/letters/<pk>/act/<action>/: one workflow step through forms.workflow."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not has_letter_role(request.user):
        return forbidden(request)
    letter = get_object_or_404(_letter_queryset(), pk=pk)
    if not workflow.can_view(request.user, letter):
        return forbidden(request, "该信件不由您所在的单位办理，您无权操作。")
    form_class = ReplyForm if action == SAVE_DRAFT else ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("没有这项操作。")
    form = form_class(request.POST, letter=letter)
    detail = reverse(DETAIL_URL, args=[letter.pk])

    def step():
        if action == SAVE_DRAFT:
            workflow.save_reply_draft(letter, request.user, form.cleaned_data.get("reply", ""))
        else:
            workflow.perform(letter, action, request.user, **form.perform_kwargs())

    def redisplay(message, status):
        return redisplay_case(request, LetterDetailView, "letter", letter, action, form, message, status)

    refused = run_case_step(request, form=form, step=step, detail_url=detail, redisplay=redisplay)
    if refused is not None:
        return refused
    messages.success(request, SUCCESS_MESSAGES.get(action, "操作成功。"))
    letter.refresh_from_db()
    # After 退回 or 交办 to another unit the letter may leave this user's sight.
    if workflow.can_view(request.user, letter):
        return redirect(detail)
    return redirect(reverse(INDEX_URL))


def attachment(request, pk, attachment_pk):
    """A citizen's attachment, from private storage, only to staff who may see the letter."""
    if not has_letter_role(request.user):
        return forbidden(request)
    letter = get_object_or_404(_letter_queryset(), pk=pk)
    if not workflow.can_view(request.user, letter):
        return forbidden(request, "该信件不由您所在的单位办理，您无权下载其附件。")
    item = get_object_or_404(LetterAttachment, pk=attachment_pk, letter=letter)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("附件文件已不存在。") from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Comment moderation ("评论审核") ------------------------------------------------------------------


def moderatable_comments(user):
    """Pending comments on letters whose comments `user` may moderate (workflow roles decide)."""
    pending = (
        LetterComment.objects.filter(
            status=LetterComment.Status.PENDING,
            letter__in=workflow.visible_letters(user).values("pk"),
        )
        .select_related("letter", "letter__box", "letter__box__handling_organisation", "letter__unit")
        .order_by("created_at", "pk")
    )
    moderators = {workflow.DISPATCHER, workflow.REVIEWER}
    return [comment for comment in pending if workflow.roles_for(user, comment.letter) & moderators]


class CommentModerationView(WagtailAdminTemplateMixin, View):
    template_name = "forms/admin/comment_moderation.html"
    page_title = "评论审核"
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not may_moderate_comments(request.user):
            return forbidden(request, "只有政民互动受理员和各单位管理员可以审核评论。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        page = Paginator(moderatable_comments(request.user), 50).get_page(request.GET.get("p"))
        context = self.get_context_data(comments=page)
        return self.render_to_response(context)


def moderate(request, pk, decision):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if decision not in ("approve", "reject"):
        raise Http404("没有这项操作。")
    if not may_moderate_comments(request.user):
        return forbidden(request)
    comment = get_object_or_404(
        LetterComment.objects.select_related("letter", "letter__box__handling_organisation", "letter__unit"),
        pk=pk,
    )
    if not workflow.can_view(request.user, comment.letter):
        return forbidden(request, "您无权审核该评论。")
    try:
        workflow.moderate_comment(comment, request.user, approve=decision == "approve")
    except PermissionDenied as error:
        return forbidden(request, error_text(error))
    if decision == "approve":
        messages.success(request, f"已通过对信件 {comment.letter.number} 的评论，将在公开的信件下显示。")
    else:
        messages.success(request, f"已不通过对信件 {comment.letter.number} 的评论，该评论不会公开。")
    return redirect(reverse("letter_comments:index"))


# --- Statistics ("来信统计") --------------------------------------------------------------------------

STATISTICS_COLUMNS = [
    ("label", "承办单位"),
    ("received", "收件数"),
    ("accepted", "受理数"),
    ("replied", "办结数"),
    ("on_time", "按期答复数"),
    ("on_time_rate", "按期答复率（%）"),
    ("open", "办理中"),
    ("overdue", "逾期未办结"),
    ("rated", "评价数"),
    ("satisfied", "满意数"),
    ("satisfaction_rate", "满意率（%）"),
    ("average_rating", "平均满意度（5分制）"),
]


def statistics_title(start, end):
    return f"即墨市政民互动来信办理情况统计（{cn_date(start)}至{cn_date(end)}）"


def statistics_row(figures):
    row = []
    for name, _label in STATISTICS_COLUMNS:
        value = getattr(figures, name)
        if name == "average_rating" and value is not None:
            value = round(value, 2)
        row.append(value)
    return row


def statistics_workbook(start, end, totals, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "来信办理情况统计"
    width = len(STATISTICS_COLUMNS)
    sheet.append([statistics_title(start, end)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([label for _name, label in STATISTICS_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for figures in rows:
        sheet.append(statistics_row(figures))
    sheet.append(statistics_row(totals))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class LetterStatisticsView(LetterRoleRequiredMixin, WagtailAdminTemplateMixin, View):
    template_name = "forms/admin/letter_statistics.html"
    page_title = "来信统计"
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        form = StatisticsRangeForm(request.GET)
        if form.is_bound and not form.is_valid():
            messages.error(request, "请填写正确的起止日期（如 2026-01-01）。")
            context = self.get_context_data(form=form, rows=[], totals=None, columns=STATISTICS_COLUMNS)
            return self.render_to_response(context, status=400)
        start, end = form.date_range()
        totals, rows = letter_statistics(workflow.visible_letters(request.user), start=start, end=end)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                statistics_workbook(start, end, totals, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = content_disposition_header(
                True, f"来信办理情况统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
            )
            return response
        query = request.GET.copy()
        query["format"] = "xlsx"
        context = self.get_context_data(
            form=form,
            title=statistics_title(start, end),
            columns=STATISTICS_COLUMNS,
            rows=[statistics_row(figures) for figures in rows],
            totals=statistics_row(totals),
            export_query=query.urlencode(),
        )
        return self.render_to_response(context)


# --- Dashboard ("政民互动待办") -----------------------------------------------------------------------


def _count_with_role(letters, user, role):
    letters = letters.select_related("box__handling_organisation", "unit")
    return sum(1 for letter in letters if role in workflow.roles_for(user, letter))


def pending_items(user):
    """What awaits `user` in the letter workflow, by role: label, count and the filtered list."""
    if not has_letter_role(user):
        return []
    visible = workflow.visible_letters(user)
    index = reverse(INDEX_URL)
    items = []

    def add(label, count, url, unit="件", alert=False):
        items.append({"label": label, "count": count, "url": url, "unit": unit, "alert": alert and count})

    dispatcher = workflow.is_dispatcher(user)
    reviewed = workflow.reviewed_units(user)
    screens_a_box = LetterBoxPage.objects.filter(handling_organisation__in=reviewed).exists()
    if dispatcher or screens_a_box:
        submitted = visible.filter(state=S.SUBMITTED)
        count = submitted.count() if dispatcher else _count_with_role(submitted, user, workflow.DISPATCHER)
        add("待受理来信", count, f"{index}?state={S.SUBMITTED}")
    if dispatcher:
        waiting = visible.filter(state__in=[S.ACCEPTED, S.RETURNED]).count()
        add("待转办来信", waiting, f"{index}?state={S.ACCEPTED}&state={S.RETURNED}")
    units = workflow.handled_units(user)
    if units.exists():
        count = visible.filter(state=S.ASSIGNED, unit__in=units).count()
        add("办理中" if user.is_superuser else "本单位办理中", count, f"{index}?state={S.ASSIGNED}")
    if reviewed.exists():
        count = visible.filter(state=S.REPLY_REVIEW, unit__in=reviewed).count()
        add("答复待审核", count, f"{index}?state={S.REPLY_REVIEW}")
    if workflow.is_supervisor(user):
        count = visible.filter(state__in=Letter.OPEN_STATES, extension_requested=True).count()
        add("延期申请待审批", count, f"{index}?extension_requested=true")
    add("已逾期", visible.overdue().count(), f"{index}?overdue=true", alert=True)
    if may_moderate_comments(user):
        add("评论待审核", len(moderatable_comments(user)), reverse("letter_comments:index"), unit="条")
    return items


class LettersPanel(Component):
    name = "letters"
    order = 100
    template_name = "forms/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"items": pending_items(self.user), "today": cn_date(timezone.localdate())}

    def render_html(self, parent_context=None):
        if not has_letter_role(self.user):
            return ""
        return super().render_html(parent_context)
