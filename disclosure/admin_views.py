"""The staff side of 政务公开 in the Wagtail admin: 依申请公开 (list, handling page, actions, answer
documents), the annual report (年度报告) with its Excel download, the manually entered report
figures (年报补充数据) and the dashboard panel.

Every change to a request goes through `disclosure.workflow.perform`; these views only choose what
to show and translate the workflow's exceptions into messages and status codes. Who sees which
request is `workflow.visible_requests` / `workflow.roles_for`, nothing else.

Personal data. Staff who handle a request see the applicant's real name, ID number and phone:
the case cannot be answered otherwise. List exports leave the system, so there the ID number
and phone are masked, and a natural person's name too (organisations' names are public), for
everyone except supervisors (and superusers), who check cases across units.

Wagtail's admin turns a raised PermissionDenied into a redirect to the dashboard; these views
answer 403 themselves so that a refused request is visibly refused.
"""

import codecs
import io
from collections import OrderedDict
from datetime import timedelta

import django_filters
from django import forms as django_forms
from django.contrib import messages
from django.db.models import Case, DateField, F, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import BooleanRadioSelect

from disclosure import workflow
from disclosure.admin_forms import (
    ACTION_FORMS,
    WHOLE,
    FiguresForm,
    ReportChoiceForm,
    report_years,
)
from disclosure.models import AnnualReportFigures, DisclosureRequest
from disclosure.report import (
    CASE_KEYS,
    CASE_LABELS,
    COLUMNS,
    LEGAL_PERSON_COLUMNS,
    ROW_NEW,
    TOTAL,
    annual_report,
    case_figures,
    year_bounds,
)
from home.admin_common import UnitFilter, forbidden, redisplay_case, run_case_step
from home.dates import cn_date, cn_datetime
from home.masking import mask_identifier, mask_name, mask_phone, mask_text
from home.models import Organisation
from home.workdays import workdays_between

S = DisclosureRequest.State
K = DisclosureRequest.ApplicantKind
INDEX_URL = "disclosure_requests:index"
DETAIL_URL = "disclosure_requests:detail"
REPORT_URL = "disclosure_report:index"
FIGURES_URL = "disclosure_figures:index"
SOON_DAYS = 5  # a due date this close is shown in amber and counted on the dashboard


# --- Who may use these pages ----------------------------------------------------------------------


def has_disclosure_role(user):
    """Officers (any unit's 信息员/管理员), 政务公开监督员 and superusers."""
    if not (user.is_authenticated and user.is_active):
        return False
    return workflow.is_supervisor(user) or workflow.officer_units(user).exists()


def sees_personal_data(user):
    """ID numbers and phones leave the system unmasked (exports) only for these roles."""
    return workflow.is_supervisor(user)


def can_view(user, disclosure_request):
    return bool(workflow.roles_for(user, disclosure_request))


KIND_ORDER = {kind: position for position, kind in enumerate(Organisation.Kind.values)}


def report_units(user):
    """Units whose report and figures `user` may see and edit (all for supervisors), portal first,
    then branches, departments and towns."""
    units = Organisation.objects.all() if workflow.is_supervisor(user) else workflow.officer_units(user)
    return sorted(
        units.distinct(), key=lambda unit: (KIND_ORDER.get(unit.kind, 99), unit.sort_order, unit.pk)
    )


def may_use_unit(user, organisation):
    """A unit's report and figures: its own officers, supervisors; None (全市汇总): supervisors."""
    if organisation is None:
        return workflow.is_supervisor(user)
    return workflow.is_supervisor(user) or workflow.officer_units(user).filter(pk=organisation.pk).exists()


class DisclosureRoleRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not has_disclosure_role(request.user):
            return forbidden(request, "只有各单位信息员、管理员和政务公开监督员可以使用本功能。")
        return super().dispatch(request, *args, **kwargs)


# --- Dates and deadlines as shown to staff --------------------------------------------------------


def due_status(disclosure_request, today=None):
    """(level, text) of the answer deadline: overdue, today, soon, paused, normal or none."""
    today = today or timezone.localdate()
    if disclosure_request.state == S.CLARIFICATION:
        return "paused", "待申请人补正，补正后重新计算"
    if disclosure_request.state not in DisclosureRequest.CLOCK_STATES:
        if disclosure_request.on_time is False:
            return "late", "逾期答复"
        return "none", ""
    due = disclosure_request.due_date
    days = (due - today).days
    if days < 0:
        return "overdue", f"已逾期 {max(workdays_between(due, today), 1)} 个工作日"
    if days == 0:
        return "today", "今日到期"
    if days <= SOON_DAYS:
        return "soon", f"{days} 天后到期"
    return "normal", ""


def applicant_label(disclosure_request):
    return f"{disclosure_request.name}（{disclosure_request.get_applicant_kind_display()}）"


def result_text(disclosure_request):
    if disclosure_request.state == S.WITHDRAWN:
        return "申请人撤回"
    return workflow.result_label(disclosure_request.result) if disclosure_request.result else ""


# --- Index ("依申请公开") ----------------------------------------------------------------------------


def _year_choices():
    return [(str(year), f"{year}年") for year in report_years()]


class RequestFilterSet(WagtailFilterSet):
    state = django_filters.MultipleChoiceFilter(
        label="状态", choices=S.choices, widget=django_forms.CheckboxSelectMultiple
    )
    unit = UnitFilter(
        label="受理机关",
        field_name="organisation",
        queryset=Organisation.objects.order_by("kind", "sort_order", "pk"),
        empty_label="全部",
    )
    applicant_kind = django_filters.ChoiceFilter(
        label="申请人类型", choices=K.choices, empty_label="全部", widget=django_forms.RadioSelect
    )
    overdue = django_filters.BooleanFilter(
        label="是否逾期", method="filter_overdue", widget=BooleanRadioSelect
    )
    due_soon = django_filters.BooleanFilter(
        label=f"{SOON_DAYS}日内到期", method="filter_due_soon", widget=BooleanRadioSelect
    )
    year = django_filters.ChoiceFilter(
        label="收到年度", choices=_year_choices, empty_label="全部", method="filter_year"
    )

    class Meta:
        model = DisclosureRequest
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = DisclosureRequest.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_due_soon(self, queryset, name, value):
        today = timezone.localdate()
        soon = DisclosureRequest.objects.filter(
            state__in=DisclosureRequest.CLOCK_STATES,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=SOON_DAYS),
        ).values("pk")
        return queryset.filter(pk__in=soon) if value else queryset.exclude(pk__in=soon)

    def filter_year(self, queryset, name, value):
        start, end = year_bounds(int(value))
        return queryset.filter(received_at__gte=start, received_at__lt=end)


class DueColumn(Column):
    """答复期限: red with the working days overdue, amber when due today or soon."""

    cell_template_name = "disclosure/admin/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["level"], context["note"] = due_status(instance)
        context["due_text"] = cn_date(instance.due_date)
        return context


EXPORT_FIELDS = OrderedDict(
    [
        ("receipt_number", "申请编号"),
        ("name", "申请人"),
        ("applicant_kind", "申请人类型"),
        ("id_number", "证件号码"),
        ("phone", "联系电话"),
        ("organisation", "受理机关"),
        ("state", "状态"),
        ("received_at", "收到日期"),
        ("due_date", "答复期限"),
        ("due_note", "期限提示"),
        ("result", "办理结果"),
        ("answered_at", "答复日期"),
        ("on_time", "按期答复"),
        ("description", "所需信息"),
    ]
)
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class RequestIndexView(DisclosureRoleRequiredMixin, IndexView):
    model = DisclosureRequest
    permission_policy = None
    any_permission_required = None
    page_title = "依申请公开"
    header_icon = "doc-full"
    template_name = "disclosure/admin/request_index.html"
    paginate_by = 30
    search_fields = ["receipt_number", "name"]
    search_backend_name = None
    filterset_class = RequestFilterSet
    default_ordering = "due"
    list_export = list(EXPORT_FIELDS)
    export_headings = dict(EXPORT_FIELDS)
    verbose_name = "申请"
    verbose_name_plural = "申请"

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "receipt_number",
                label="申请编号",
                sort_key="receipt_number",
                get_url=lambda item: reverse(DETAIL_URL, args=[item.pk]),
            ),
            Column("applicant", label="申请人", accessor=applicant_label),
            Column("organisation", label="受理机关", accessor=lambda item: item.organisation.short_name),
            Column("state", label="状态", accessor="get_state_display", sort_key="state"),
            Column(
                "received_at",
                label="收到日期",
                accessor=lambda item: cn_date(item.received_at),
                sort_key="received_at",
            ),
            DueColumn("due", label="答复期限", sort_key="due"),
            Column("result", label="办理结果", accessor=lambda item: result_text(item) or "—"),
        ]

    def get_base_queryset(self):
        # Running clocks first (by due date); paused and finished requests after them.
        return (
            workflow.visible_requests(self.request.user)
            .select_related("organisation")
            .annotate(
                due=Case(
                    When(state__in=DisclosureRequest.CLOCK_STATES, then=F("due_date")),
                    default=Value(None),
                    output_field=DateField(),
                )
            )
        )

    def order_queryset(self, queryset):
        if self.ordering == "due":
            return queryset.order_by(F("due").asc(nulls_last=True), "-received_at", "-pk")
        if self.ordering == "-due":
            return queryset.order_by(F("due").desc(nulls_last=True), "-received_at", "-pk")
        return queryset.order_by(self.ordering, "-pk")

    def get_filename(self):
        return f"依申请公开-{timezone.localdate():%Y%m%d}"

    # Export -------------------------------------------------------------------------------------

    @cached_property
    def export_personal_data(self):
        return sees_personal_data(self.request.user)

    def to_row_dict(self, item):
        return OrderedDict((field, self.export_value(item, field)) for field in self.list_export)

    def export_value(self, item, field):
        personal = self.export_personal_data
        if field == "name":
            return item.name if personal or item.is_legal_person else mask_name(item.name)
        if field == "id_number":
            return item.id_number if personal else mask_identifier(item.id_number)
        if field == "phone":
            return item.phone if personal else mask_phone(item.phone)
        if field == "description":
            return item.description if personal else mask_text(item.description, names=[item.name])
        if field == "applicant_kind":
            return item.get_applicant_kind_display()
        if field == "organisation":
            return item.organisation.name
        if field == "state":
            return item.get_state_display()
        if field in ("received_at", "answered_at"):
            value = getattr(item, field)
            return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""
        if field == "due_date":
            return f"{item.due_date:%Y-%m-%d}" if item.due_date else ""
        if field == "due_note":
            return due_status(item)[1]
        if field == "result":
            return result_text(item)
        if field == "on_time":
            return {True: "是", False: "否"}.get(item.on_time, "")
        return getattr(item, field)

    def write_csv_row(self, writer, row_dict):
        # Names and descriptions are typed by applicants: a cell starting with “=” must not become
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
    "request_clarification": "已告知申请人补正，答复期限暂停计算。",
    "close_unclarified": "申请人逾期未补正，已作不再处理。",
    "start_consultation": "已开始征求第三方意见，征求意见期间不计入答复期限。",
    "end_consultation": "第三方意见已返回，答复期限已顺延。",
    "extend": "已延长答复期限。",
    "answer": "已答复申请人。",
}


def _request_queryset():
    return DisclosureRequest.objects.select_related("organisation", "handled_by")


def _load_for(request, pk, message):
    """(disclosure request, None) if `request.user` may see it, else (None, a 403 response)."""
    if not has_disclosure_role(request.user):
        return None, forbidden(request)
    item = get_object_or_404(_request_queryset(), pk=pk)
    if not can_view(request.user, item):
        return None, forbidden(request, message)
    return item, None


class RequestDetailView(WagtailAdminTemplateMixin, View):
    """Everything about one request, its clock, its history, and one form per available action."""

    template_name = "disclosure/admin/request_detail.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.item, refused = _load_for(request, kwargs["pk"], "该申请不由您所在的单位办理，您无权查看。")
        if refused:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def get_page_title(self):
        return f"依申请公开 {self.item.receipt_number or ''}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(INDEX_URL), "label": "依申请公开"},
            {"url": "", "label": self.item.receipt_number or str(self.item.pk)},
        ]

    def get_action_forms(self, bound_action=None, bound_form=None):
        """One unbound form per available action; the failed one keeps what the user typed."""
        forms = []
        for action in workflow.available_actions(self.request.user, self.item):
            form_class = ACTION_FORMS.get(action)
            if form_class is None:
                continue
            if action == bound_action and bound_form is not None:
                forms.append(bound_form)
            else:
                forms.append(form_class(disclosure_request=self.item))
        return forms

    def get_context_data(self, bound_action=None, bound_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.item
        user = self.request.user
        level, due_note = due_status(item)
        states = dict(S.choices)
        events = [
            {
                "event": event,
                "time": cn_datetime(event.created_at),
                "actor": (
                    f"{get_user_display_name(event.actor)}（{event.actor_label}）"
                    if event.actor
                    else event.actor_label
                ),
                "to_state": states.get(event.to_state, event.to_state),
                "due": cn_date(event.due_date),
            }
            for event in item.events.select_related("actor")
        ]
        consultation_days = None
        if item.state == S.CONSULTING and item.consultation_started:
            consultation_days = workdays_between(item.consultation_started, timezone.localdate())
        context.update(
            {
                "item": item,
                "roles": sorted(workflow.ROLE_NAMES[r] for r in workflow.roles_for(user, item)),
                "due_level": level,
                "due_note": due_note,
                "received_text": cn_datetime(item.received_at),
                "clarification_due_text": cn_date(item.clarification_due),
                "clarification_requested_text": cn_datetime(item.clarification_requested_at),
                "clock_start_text": cn_date(item.clock_start),
                "due_text": cn_date(item.due_date),
                "consultation_started_text": cn_date(item.consultation_started),
                "consultation_days": consultation_days,
                "answered_text": cn_datetime(item.answered_at),
                "result_text": result_text(item),
                "answer_workdays": workflow.ANSWER_WORKDAYS,
                "events": events,
                "action_forms": self.get_action_forms(bound_action, bound_form),
            }
        )
        return context


def act(request, pk, action):
    """POST /admin/disclosure/requests/<pk>/act/<action>/: one step through workflow.perform."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item, refused = _load_for(request, pk, "该申请不由您所在的单位办理，您无权操作。")
    if refused:
        return refused
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("没有这项操作。")
    form = form_class(request.POST, request.FILES, disclosure_request=item)
    detail = reverse(DETAIL_URL, args=[item.pk])

    def step():
        workflow.perform(item, action, request.user, **form.perform_kwargs())

    def redisplay(message, status):
        return redisplay_case(request, RequestDetailView, "item", item, action, form, message, status)

    refused = run_case_step(request, form=form, step=step, detail_url=detail, redisplay=redisplay)
    if refused is not None:
        return refused
    messages.success(request, SUCCESS_MESSAGES.get(action, "操作成功。"))
    return redirect(detail)


def answer_document(request, pk):
    """The signed reply (答复书), from private storage, only to staff who may see the request."""
    item, refused = _load_for(request, pk, "该申请不由您所在的单位办理，您无权下载其答复书。")
    if refused:
        return refused
    if not item.answer_document:
        raise Http404("该申请没有答复书。")
    try:
        handle = item.answer_document.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("答复书文件已不存在。") from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"{item.receipt_number or item.pk}-答复书.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Annual report ("年度报告") ------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _put(sheet, row, column, value, rowspan=1, colspan=1, bold=False, align=CENTER):
    """Write a (merged) cell with borders on every cell of the merged range."""
    sheet.cell(row=row, column=column, value=value)
    if rowspan > 1 or colspan > 1:
        sheet.merge_cells(
            start_row=row, start_column=column, end_row=row + rowspan - 1, end_column=column + colspan - 1
        )
    for r in range(row, row + rowspan):
        for c in range(column, column + colspan):
            cell = sheet.cell(row=r, column=c)
            cell.border = BORDER
            cell.alignment = align
            if bold:
                cell.font = Font(bold=True)


def _sheet_title(sheet, title, subtitle, width):
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([subtitle])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].font = Font(bold=True)


def _write_proactive(sheet, report):
    _sheet_title(sheet, report.title, "二、主动公开政府信息情况", 4)
    row = 3
    _put(sheet, row, 1, "第二十条第（一）项", colspan=4, bold=True)
    row += 1
    for column, heading in enumerate(("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"), 1):
        _put(sheet, row, column, heading, bold=True)
    for document_row in report.document_rows:
        row += 1
        values = (document_row.label, document_row.issued, document_row.repealed, document_row.in_force)
        for column, value in enumerate(values, 1):
            _put(sheet, row, column, value)
    sections = (
        ("第二十条第（五）项", "本年处理决定数量", [("行政许可", report.licensing)]),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            [("行政处罚", report.penalties), ("行政强制", report.enforcement)],
        ),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("行政事业性收费", report.fees_amount)]),
    )
    for heading, value_heading, items in sections:
        row += 1
        _put(sheet, row, 1, heading, colspan=4, bold=True)
        row += 1
        _put(sheet, row, 1, "信息内容", bold=True)
        _put(sheet, row, 2, value_heading, colspan=3, bold=True)
        for label, value in items:
            row += 1
            _put(sheet, row, 1, label)
            _put(sheet, row, 2, "—" if value is None else value, colspan=3)
    sheet.column_dimensions["A"].width = 24
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16


def _write_requests(sheet, report):
    width = 3 + len(COLUMNS)
    _sheet_title(sheet, report.title, "三、收到和处理政府信息公开申请情况", width)
    _put(
        sheet,
        3,
        1,
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        rowspan=3,
        colspan=3,
    )
    _put(sheet, 3, 4, "申请人情况", colspan=len(COLUMNS), bold=True)
    _put(sheet, 4, 4, COLUMNS[0][1], rowspan=2, bold=True)
    _put(sheet, 4, 5, "法人或其他组织", colspan=len(LEGAL_PERSON_COLUMNS), bold=True)
    for offset, (_key, label) in enumerate(LEGAL_PERSON_COLUMNS):
        _put(sheet, 5, 5 + offset, label, bold=True)
    _put(sheet, 4, width, COLUMNS[-1][1], rowspan=2, bold=True)
    # Heading cells carry their spans; a cell covered by a span above is skipped, as in HTML.
    covered = set()
    row = 6
    for report_row in report.request_rows:
        column = 1
        for head in report_row.heads:
            while (row, column) in covered:
                column += 1
            _put(sheet, row, column, head.text, rowspan=head.rowspan, colspan=head.colspan, align=LEFT)
            for r in range(row, row + head.rowspan):
                for c in range(column, column + head.colspan):
                    covered.add((r, c))
            column += head.colspan
        for offset, value in enumerate(report_row.values):
            _put(sheet, row, 4 + offset, value, bold=report_row.emphasis)
        row += 1
    row += 1
    sheet.cell(
        row=row, column=1, value="勾稽关系检查（新收 + 上年结转 = 办理结果总计 + 结转下年度）"
    ).font = Font(bold=True)
    for offset, check in enumerate(report.balance):
        sheet.cell(row=row + 1, column=4 + offset, value=check.column)
        sheet.cell(
            row=row + 2, column=4 + offset, value=f"{'✓' if check.ok else '✗'} {check.left}={check.right}"
        )
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 40
    for column in range(4, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 12


def _write_cases(sheet, report):
    width = 2 * len(CASE_KEYS)
    _sheet_title(sheet, report.title, "四、政府信息公开行政复议、行政诉讼情况", width)
    _put(sheet, 3, 1, "行政复议", colspan=len(CASE_KEYS), bold=True)
    _put(sheet, 3, 1 + len(CASE_KEYS), "行政诉讼", colspan=len(CASE_KEYS), bold=True)
    for offset, label in enumerate(CASE_LABELS + CASE_LABELS):
        _put(sheet, 4, 1 + offset, label, bold=True)
    values = [report.reviews[key] for key in CASE_KEYS] + [report.lawsuits[key] for key in CASE_KEYS]
    for offset, value in enumerate(values):
        _put(sheet, 5, 1 + offset, value)
    for column in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11


def report_workbook(report):
    workbook = Workbook()
    _write_proactive(workbook.active, report)
    workbook.active.title = "主动公开"
    _write_requests(workbook.create_sheet("依申请公开"), report)
    _write_cases(workbook.create_sheet("复议诉讼"), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ReportView(DisclosureRoleRequiredMixin, WagtailAdminTemplateMixin, View):
    """/admin/disclosure/report/?year=2026&unit=<id>|all: the annual report of a unit or of the
    whole government, as the official tables, with the balance check and an Excel download."""

    template_name = "disclosure/admin/report.html"
    page_title = "政府信息公开工作年度报告"
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "年度报告"}]

    def get(self, request):
        user = request.user
        units = report_units(user)
        supervisor = workflow.is_supervisor(user)
        form = ReportChoiceForm(request.GET, units=units, whole_allowed=supervisor)
        if form.is_bound and not form.is_valid():
            unit_value = request.GET.get("unit", "")
            # A real unit (or 全市汇总) that is simply not this user's is refused, not “invalid”.
            if "unit" in form.errors and (
                unit_value == WHOLE
                or (unit_value.isdigit() and Organisation.objects.filter(pk=unit_value).exists())
            ):
                return forbidden(request, "您只能查看本单位的政府信息公开工作年度报告。")
            messages.error(request, "请选择正确的年度和单位。")
            context = self.get_context_data(form=form, report=None)
            return self.render_to_response(context, status=400)
        year, unit_value = form.choice()
        organisation = None if unit_value == WHOLE else Organisation.objects.filter(pk=unit_value).first()
        if unit_value != WHOLE and organisation is None:
            return forbidden(request, "您还不是任何单位的信息员或管理员。")
        if not may_use_unit(user, organisation):
            return forbidden(request, "您只能查看本单位的政府信息公开工作年度报告。")
        report = annual_report(year, organisation)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(report_workbook(report), content_type=XLSX)
            response["Content-Disposition"] = content_disposition_header(True, f"{report.title}.xlsx")
            return response
        query = request.GET.copy()
        query["year"], query["unit"], query["format"] = year, unit_value, "xlsx"
        context = self.get_context_data(
            form=form,
            report=report,
            case_columns=list(zip(CASE_KEYS, CASE_LABELS, strict=True)),
            review_values=[report.reviews[key] for key in CASE_KEYS],
            lawsuit_values=[report.lawsuits[key] for key in CASE_KEYS],
            legal_person_columns=LEGAL_PERSON_COLUMNS,
            new_total=report.cell(ROW_NEW, TOTAL),
            export_query=query.urlencode(),
            figures_url=reverse(FIGURES_URL) + f"?year={year}",
        )
        return self.render_to_response(context)


# --- Report figures ("年报补充数据") -------------------------------------------------------------------


def _valid_year(value):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if year in report_years() else None


class FiguresIndexView(DisclosureRoleRequiredMixin, WagtailAdminTemplateMixin, View):
    """The units whose figures the user may enter, for one year, with what has been entered."""

    template_name = "disclosure/admin/figures_index.html"
    page_title = "年报补充数据"
    header_icon = "edit"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        raw = request.GET.get("year")
        year = _valid_year(raw) if raw else timezone.localdate().year
        if year is None:
            messages.error(request, "请选择正确的年度。")
            year, status = timezone.localdate().year, 400
        else:
            status = 200
        units = report_units(request.user)
        entered = {
            figures.organisation_id: figures
            for figures in AnnualReportFigures.objects.filter(
                year=year, organisation__in=[u.pk for u in units]
            )
        }
        rows = []
        for unit in units:
            figures = entered.get(unit.pk)
            rows.append(
                {
                    "unit": unit,
                    "figures": figures,
                    "reviews": case_figures(figures.reviews)["总计"] if figures else 0,
                    "lawsuits": case_figures(figures.lawsuits)["总计"] if figures else 0,
                }
            )
        context = self.get_context_data(year=year, years=report_years(), rows=rows)
        return self.render_to_response(context, status=status)


class FiguresEditView(DisclosureRoleRequiredMixin, WagtailAdminTemplateMixin, View):
    """年报补充数据 of one unit and year: its own officers and supervisors only."""

    template_name = "disclosure/admin/figures_form.html"
    header_icon = "edit"

    def dispatch(self, request, *args, **kwargs):
        if not has_disclosure_role(request.user):
            return forbidden(request, "只有各单位信息员、管理员和政务公开监督员可以使用本功能。")
        self.organisation = get_object_or_404(Organisation, pk=kwargs["unit_pk"])
        self.year = _valid_year(kwargs["year"])
        if self.year is None:
            raise Http404("没有该年度。")
        if not may_use_unit(request.user, self.organisation):
            return forbidden(request, "您只能填报本单位的年报补充数据。")
        self.instance = AnnualReportFigures.objects.filter(
            organisation=self.organisation, year=self.year
        ).first() or AnnualReportFigures(organisation=self.organisation, year=self.year)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.organisation.name} {self.year}年 年报补充数据"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(FIGURES_URL) + f"?year={self.year}", "label": "年报补充数据"},
            {"url": "", "label": f"{self.organisation.short_name or self.organisation.name} {self.year}年"},
        ]

    def render_form(self, form, status=200):
        context = self.get_context_data(form=form, organisation=self.organisation, year=self.year)
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_form(FiguresForm(instance=self.instance))

    def post(self, request, *args, **kwargs):
        form = FiguresForm(request.POST, instance=self.instance)
        if not form.is_valid():
            messages.error(request, "请检查填写的内容。")
            return self.render_form(form, status=400)
        form.save()
        messages.success(request, f"已保存{self.organisation.name}{self.year}年的年报补充数据。")
        return redirect(reverse(FIGURES_URL) + f"?year={self.year}")


# --- Dashboard ("政务公开待办") -----------------------------------------------------------------------


def pending_items(user):
    """What awaits `user` among disclosure requests: label, count and the filtered list."""
    if not has_disclosure_role(user):
        return []
    index = reverse(INDEX_URL)
    today = timezone.localdate()
    items = []

    def add(label, count, url, alert=False):
        items.append(
            {"label": label, "count": count, "url": url, "unit": "件", "alert": bool(alert and count)}
        )

    supervisor = workflow.is_supervisor(user)
    units = workflow.officer_units(user)
    if units.exists():
        mine = DisclosureRequest.objects.filter(organisation__in=units)
        prefix = "" if user.is_superuser else "本单位"
        open_states = "&".join(f"state={state}" for state in DisclosureRequest.OPEN_STATES)
        add(f"{prefix}办理中", mine.open().count(), f"{index}?{open_states}")
        add(f"{prefix}已逾期", mine.overdue(today).count(), f"{index}?overdue=true", alert=True)
        soon = mine.filter(
            state__in=DisclosureRequest.CLOCK_STATES,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=SOON_DAYS),
        )
        add(f"{SOON_DAYS}日内到期", soon.count(), f"{index}?due_soon=true")
    if supervisor and not user.is_superuser:
        add(
            "全市已逾期",
            DisclosureRequest.objects.overdue(today).count(),
            f"{index}?overdue=true",
            alert=True,
        )
    return items


class DisclosurePanel(Component):
    name = "disclosure"
    order = 120
    template_name = "disclosure/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"items": pending_items(self.user), "today": cn_date(timezone.localdate())}

    def render_html(self, parent_context=None):
        if not has_disclosure_role(self.user):
            return ""
        return super().render_html(parent_context)
