"""The staff side of the online service hall in the Wagtail admin: 办件办理, 办件统计, dashboard.

Every change to an application goes through `services.workflow.perform`; these views only choose
what to show and translate the workflow's exceptions into messages and status codes. Who sees
which application is `workflow.visible_applications` / `workflow.can_view`, nothing else.

Personal data. Everyone who can open an application handles it (the department's window and
staff, the person a step is routed to) or supervises it, so the pages show the applicant's real
name, ID number and phone: the case cannot be handled otherwise. Files that leave the system are
different: in list exports (CSV/Excel) the ID number and phone are masked, and an individual's
name is masked (刘**), for everyone except supervisors (and superusers), who check cases across
departments and call applicants back. A company's name is public and never masked.

Wagtail's admin turns a raised PermissionDenied into a redirect to the dashboard; these views
answer 403 themselves so that a refused request is visibly refused.
"""

import codecs
import io
from collections import OrderedDict
from itertools import groupby

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
from openpyxl.styles import Alignment, Font
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import BooleanRadioSelect

from home.admin_common import UnitFilter, forbidden, redisplay_case, run_case_step
from home.dates import cn_date, cn_datetime
from home.masking import mask_identifier, mask_name, mask_phone
from home.models import Organisation
from services import workflow
from services.admin_forms import ACTION_FORMS, POST_SUGGESTIONS, ServiceStatisticsRangeForm
from services.models import Application, ApplicationMaterial, ServiceItemPage
from services.statistics import service_statistics

S = Application.State
INDEX_URL = "applications:index"
DETAIL_URL = "applications:detail"
SOON_DAYS = 2  # a due date this close (working on short clocks) is shown in amber


# --- Who may use these pages ----------------------------------------------------------------------


def has_service_role(user):
    """Window staff of any department (its 信息员 and 管理员 groups), supervisors, superusers."""
    if not (user.is_authenticated and user.is_active):
        return False
    return workflow.is_supervisor(user) or workflow.clerk_units(user).exists()


def sees_personal_data_in_exports(user):
    return workflow.is_supervisor(user)


def reviewed_units(user):
    """Departments whose head (管理员 group, the unit reviewer) `user` is."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(reviewer_group__in=user.groups.all())


class ServiceRoleRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not has_service_role(request.user):
            return forbidden(request, "只有各部门办件窗口工作人员、政务服务监督员可以使用本功能。")
        return super().dispatch(request, *args, **kwargs)


# --- Showing dates, deadlines and steps ----------------------------------------------------------


def due_status(application, today=None):
    """(level, text) of the current deadline: overdue, today, soon, normal or none."""
    due = application.current_due
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


def user_label(user):
    return get_user_display_name(user) if user else ""


def step_label(application):
    """当前环节: the post and the person for a routed step, otherwise who is expected to act."""
    state = application.state
    if state == S.SUBMITTED:
        return "窗口预审"
    if state == S.SUPPLEMENT:
        return "待申请人补正"
    if state == S.ACCEPTED:
        return "窗口受理，待流转"
    if state == S.IN_REVIEW:
        person = user_label(application.assignee) or "未指定"
        return f"{application.step_post or '审查'}：{person}"
    if state == S.DECIDED:
        return "已决定，待窗口办结"
    return "—"


# --- Index ("办件办理") -----------------------------------------------------------------------------


class ApplicationFilterSet(WagtailFilterSet):
    state = django_filters.MultipleChoiceFilter(
        label="状态", choices=S.choices, widget=django_forms.CheckboxSelectMultiple
    )
    organisation = UnitFilter(
        label="办理部门",
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.PORTAL).order_by("kind", "sort_order"),
        empty_label="全部",
    )
    item_type = django_filters.ChoiceFilter(
        label="事项类型",
        field_name="item__item_type",
        choices=ServiceItemPage.ItemType.choices,
        empty_label="全部",
    )
    overdue = django_filters.BooleanFilter(
        label="是否逾期", method="filter_overdue", widget=BooleanRadioSelect
    )
    mine = django_filters.BooleanFilter(label="我经办的", method="filter_mine", widget=BooleanRadioSelect)
    submitted = django_filters.DateFromToRangeFilter(
        label="提交日期", field_name="submitted_at", widget=DateRangePickerWidget
    )

    class Meta:
        model = Application
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = Application.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        return queryset.filter(assignee=user) if value else queryset.exclude(assignee=user)


class DueColumn(Column):
    """当前期限: red with the days overdue, amber when due today or soon."""

    cell_template_name = "services/admin/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["level"], context["note"] = due_status(instance)
        context["due_text"] = cn_date(instance.current_due)
        return context


EXPORT_FIELDS = OrderedDict(
    [
        ("receipt_number", "受理编号"),
        ("item", "事项"),
        ("item_type", "事项类型"),
        ("organisation", "办理部门"),
        ("state", "状态"),
        ("applicant_type", "申请人类型"),
        ("applicant_name", "申请人"),
        ("id_number", "证件号码"),
        ("phone", "联系电话"),
        ("submitted_at", "提交时间"),
        ("accepted_at", "受理时间"),
        ("step", "当前环节"),
        ("current_due", "当前期限"),
        ("due_note", "期限提示"),
        ("promised_due", "承诺办结日期"),
        ("closed_at", "办结时间"),
        ("on_time", "按时办结"),
        ("rating", "评价"),
        ("online_depth", "网办深度"),
    ]
)
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def applications_with_due(queryset):
    """Annotate `due` = Application.current_due, so that the list can be ordered by it."""
    return queryset.annotate(
        due=Case(
            When(state=S.SUBMITTED, then=F("precheck_due")),
            When(state=S.IN_REVIEW, promised_due__isnull=True, then=F("step_due")),
            When(state=S.IN_REVIEW, step_due__lt=F("promised_due"), then=F("step_due")),
            When(state__in=Application.CLOCK_STATES, then=F("promised_due")),
            default=Value(None),
            output_field=DateField(),
        )
    )


class ApplicationIndexView(ServiceRoleRequiredMixin, IndexView):
    model = Application
    permission_policy = None
    any_permission_required = None
    page_title = "办件办理"
    header_icon = "clipboard-list"
    template_name = "services/admin/application_index.html"
    paginate_by = 30
    search_fields = ["receipt_number", "applicant_name"]
    search_backend_name = None
    filterset_class = ApplicationFilterSet
    default_ordering = "due"
    list_export = list(EXPORT_FIELDS)
    export_headings = dict(EXPORT_FIELDS)
    verbose_name = "办件"
    verbose_name_plural = "办件"

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "receipt_number",
                label="受理编号",
                sort_key="receipt_number",
                get_url=lambda application: reverse(DETAIL_URL, args=[application.pk]),
            ),
            Column("item", label="事项", accessor="item.title"),
            Column("applicant_name", label="申请人", sort_key="applicant_name"),
            Column("state", label="状态", accessor="get_state_display", sort_key="state"),
            Column(
                "submitted_at",
                label="提交时间",
                accessor=lambda application: cn_datetime(application.submitted_at),
                sort_key="submitted_at",
            ),
            Column("step", label="当前环节", accessor=step_label),
            DueColumn("due", label="当前期限", sort_key="due"),
            Column("online_depth", label="网办", accessor="item.get_online_depth_display"),
        ]

    def get_base_queryset(self):
        return applications_with_due(
            workflow.visible_applications(self.request.user).select_related(
                "item", "organisation", "assignee"
            )
        )

    def order_queryset(self, queryset):
        # Default: overdue first (oldest due date first), then the nearest due; finished last.
        if self.ordering == "due":
            return queryset.order_by(F("due").asc(nulls_last=True), "-submitted_at", "-pk")
        if self.ordering == "-due":
            return queryset.order_by(F("due").desc(nulls_last=True), "-submitted_at", "-pk")
        return queryset.order_by(self.ordering, "-pk")

    def get_filename(self):
        return f"办件办理-{timezone.localdate():%Y%m%d}"

    # Export -------------------------------------------------------------------------------------

    @cached_property
    def export_personal_data(self):
        return sees_personal_data_in_exports(self.request.user)

    def to_row_dict(self, item):
        return OrderedDict((field, self.export_value(item, field)) for field in self.list_export)

    def export_value(self, application, field):
        unmasked = self.export_personal_data
        if field == "applicant_name":
            if unmasked or application.applicant_type == Application.ApplicantType.LEGAL_PERSON:
                return application.applicant_name
            return mask_name(application.applicant_name)
        if field == "id_number":
            return application.id_number if unmasked else mask_identifier(application.id_number)
        if field == "phone":
            return application.phone if unmasked else mask_phone(application.phone)
        if field == "item":
            return application.item.title
        if field == "item_type":
            return application.item.get_item_type_display()
        if field == "online_depth":
            return application.item.get_online_depth_display()
        if field == "organisation":
            return application.organisation.short_name
        if field in ("state", "applicant_type"):
            return getattr(application, f"get_{field}_display")()
        if field in ("submitted_at", "accepted_at", "closed_at"):
            value = getattr(application, field)
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""
        if field in ("current_due", "promised_due"):
            value = getattr(application, field)
            return value.isoformat() if value else ""
        if field == "step":
            return step_label(application)
        if field == "due_note":
            return due_status(application)[1]
        if field == "on_time":
            return {True: "是", False: "否"}.get(application.on_time, "")
        if field == "rating":
            return application.get_rating_display() if application.rating else ""
        return getattr(application, field)

    def write_csv_row(self, writer, row_dict):
        # Names are typed by applicants: a cell starting with “=” must not become a formula when
        # the CSV is opened in Excel (the xlsx writer already stores text).
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
    "request_supplement": "已一次性告知申请人补正，等待申请人补正材料。",
    "reject": "已作不予受理处理，理由将告知申请人。",
    "accept": "已受理，承诺办结时限开始计算。",
    "route": "已流转至下一环节。",
    "approve": "已作出准予决定，请窗口办结。",
    "deny": "已作出不予准予决定，请窗口办结。",
    "close": "已办结。",
}


def _application_queryset():
    return Application.objects.select_related("item", "organisation", "assignee")


def round_label(number):
    return "首次提交" if number == 1 else f"第 {number - 1} 次补正"


class ApplicationDetailView(WagtailAdminTemplateMixin, View):
    """Everything about one application, and one form per action the user may take now."""

    template_name = "services/admin/application_detail.html"
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        if not has_service_role(request.user):
            return forbidden(request)
        self.application = get_object_or_404(_application_queryset(), pk=kwargs["pk"])
        if not workflow.can_view(request.user, self.application):
            return forbidden(request, "该办件不由您所在的部门办理，您无权查看。")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def get_page_title(self):
        return f"办件 {self.application.receipt_number or ''}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(INDEX_URL), "label": "办件办理"},
            {"url": "", "label": self.application.receipt_number or str(self.application.pk)},
        ]

    def get_action_forms(self, bound_action=None, bound_form=None):
        """One unbound form per available action; the failed one keeps what the user typed."""
        forms = []
        for action in workflow.available_actions(self.request.user, self.application):
            form_class = ACTION_FORMS.get(action)
            if form_class is None:
                continue
            if action == bound_action and bound_form is not None:
                forms.append(bound_form)
            else:
                forms.append(form_class(application=self.application))
        return forms

    def get_context_data(self, bound_action=None, bound_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        user = self.request.user
        level, due_note = due_status(application)
        materials = application.materials.all()
        rounds = [
            {"number": number, "label": round_label(number), "files": list(files)}
            for number, files in groupby(materials, key=lambda material: material.round)
        ]
        events = [
            {
                "event": event,
                "time": cn_datetime(event.created_at),
                "actor": (
                    f"{user_label(event.actor)}（{event.actor_label}）" if event.actor else event.actor_label
                ),
                "assignee": user_label(event.assignee),
                "due": cn_date(event.due),
            }
            for event in application.events.select_related("actor", "assignee")
        ]
        item = application.item
        context.update(
            {
                "application": application,
                "item": item,
                "item_url": item.get_url(self.request),
                "item_edit_url": reverse("wagtailadmin_pages:edit", args=[item.pk]),
                "roles": sorted(workflow.ROLE_NAMES[r] for r in workflow.roles_for(user, application)),
                "due_level": level,
                "due_note": due_note,
                "due_text": cn_date(application.current_due),
                "submitted_text": cn_datetime(application.submitted_at),
                "accepted_text": cn_datetime(application.accepted_at),
                "decided_text": cn_datetime(application.decided_at),
                "closed_text": cn_datetime(application.closed_at),
                "precheck_due_text": cn_date(application.precheck_due),
                "promised_due_text": cn_date(application.promised_due),
                "legal_due_text": cn_date(application.legal_due),
                "step_due_text": cn_date(application.step_due),
                "step_text": step_label(application),
                "rounds": rounds,
                "events": events,
                "rated_text": cn_datetime(application.rated_at),
                "action_forms": self.get_action_forms(bound_action, bound_form),
                "post_suggestions": POST_SUGGESTIONS,
            }
        )
        return context


def _load_for(request, pk, message):
    """(application, None) if `request.user` may see it, else (None, a 403 response)."""
    if not has_service_role(request.user):
        return None, forbidden(request)
    application = get_object_or_404(_application_queryset(), pk=pk)
    if not workflow.can_view(request.user, application):
        return None, forbidden(request, message)
    return application, None


def act(request, pk, action):
    """POST /admin/applications/<pk>/act/<action>/: one workflow step through services.workflow."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    application, refused = _load_for(request, pk, "该办件不由您所在的部门办理，您无权操作。")
    if refused:
        return refused
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("没有这项操作。")
    form = form_class(request.POST, request.FILES, application=application)
    detail = reverse(DETAIL_URL, args=[application.pk])

    def step():
        workflow.perform(application, action, request.user, **form.perform_kwargs())

    def redisplay(message, status):
        return redisplay_case(
            request, ApplicationDetailView, "application", application, action, form, message, status
        )

    refused = run_case_step(request, form=form, step=step, detail_url=detail, redisplay=redisplay)
    if refused is not None:
        return refused
    messages.success(request, SUCCESS_MESSAGES.get(action, "操作成功。"))
    application.refresh_from_db()
    if workflow.can_view(request.user, application):
        return redirect(detail)
    return redirect(reverse(INDEX_URL))


def _stream(field_file, filename):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("文件已不存在。") from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def material(request, pk, material_pk):
    """An applicant's material, from private storage, only to staff who may see the application."""
    application, refused = _load_for(request, pk, "该办件不由您所在的部门办理，您无权下载其材料。")
    if refused:
        return refused
    item = get_object_or_404(ApplicationMaterial, pk=material_pk, application=application)
    return _stream(item.file, item.original_name)


def result_document(request, pk):
    application, refused = _load_for(request, pk, "该办件不由您所在的部门办理，您无权下载其结果文书。")
    if refused:
        return refused
    if not application.result_document:
        raise Http404("该办件没有结果文书。")
    return _stream(
        application.result_document, f"{application.receipt_number or application.pk}-结果文书.pdf"
    )


# --- Statistics ("办件统计") --------------------------------------------------------------------------

STATISTICS_COLUMNS = [
    ("label", "部门"),
    ("items", "事项数"),
    ("full_online", "全程网办事项数"),
    ("full_online_rate", "全程网办率（%）"),
    ("applications", "申请数"),
    ("accepted", "受理数"),
    ("closed", "办结数"),
    ("approved", "准予数"),
    ("on_time", "按时办结数"),
    ("on_time_rate", "按时办结率（%）"),
    ("average_handling_days", "平均办理用时（工作日）"),
    ("average_promised_days", "平均承诺时限（工作日）"),
    ("rated", "评价数"),
    ("satisfied", "满意数"),
    ("satisfaction_rate", "满意率（%）"),
]
TYPE_COLUMNS = [("label", "事项类型")] + STATISTICS_COLUMNS[1:]


def statistics_title(start, end):
    return f"即墨市网上办事办件统计（{cn_date(start)}至{cn_date(end)}）"


def statistics_row(figures, columns=STATISTICS_COLUMNS):
    return [getattr(figures, name) for name, _label in columns]


def _write_table(sheet, title, columns, rows, totals):
    width = len(columns)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([label for _name, label in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for figures in rows:
        sheet.append(statistics_row(figures, columns))
    sheet.append(statistics_row(totals, columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18


def statistics_workbook(start, end, report):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "按部门"
    title = statistics_title(start, end)
    _write_table(sheet, title, STATISTICS_COLUMNS, report.departments, report.totals)
    _write_table(workbook.create_sheet("按事项类型"), title, TYPE_COLUMNS, report.item_types, report.totals)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ApplicationStatisticsView(ServiceRoleRequiredMixin, WagtailAdminTemplateMixin, View):
    template_name = "services/admin/statistics.html"
    page_title = "办件统计"
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        form = ServiceStatisticsRangeForm(request.GET)
        if form.is_bound and not form.is_valid():
            messages.error(request, "请填写正确的起止日期（如 2026-01-01）。")
            context = self.get_context_data(form=form, report=None, columns=STATISTICS_COLUMNS)
            return self.render_to_response(context, status=400)
        start, end = form.date_range()
        user = request.user
        report = service_statistics(
            workflow.visible_applications(user),
            start=start,
            end=end,
            organisations=None if workflow.is_supervisor(user) else workflow.clerk_units(user),
        )
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                statistics_workbook(start, end, report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = content_disposition_header(
                True, f"网上办事办件统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
            )
            return response
        query = request.GET.copy()
        query["format"] = "xlsx"
        context = self.get_context_data(
            form=form,
            report=report,
            title=statistics_title(start, end),
            columns=STATISTICS_COLUMNS,
            type_columns=TYPE_COLUMNS,
            rows=[statistics_row(figures) for figures in report.departments],
            type_rows=[statistics_row(figures, TYPE_COLUMNS) for figures in report.item_types],
            totals=statistics_row(report.totals),
            export_query=query.urlencode(),
        )
        return self.render_to_response(context)


# --- Dashboard ("网上办事待办") -----------------------------------------------------------------------


def pending_items(user):
    """What awaits `user` among applications, by role: label, count and the filtered list."""
    if not has_service_role(user):
        return []
    visible = workflow.visible_applications(user)
    index = reverse(INDEX_URL)
    items = []

    def add(label, count, url, alert=False):
        items.append(
            {"label": label, "count": count, "url": url, "unit": "件", "alert": bool(alert and count)}
        )

    units = workflow.clerk_units(user)
    if units.exists():
        mine = visible.filter(organisation__in=units)
        add("待预审", mine.filter(state=S.SUBMITTED).count(), f"{index}?state={S.SUBMITTED}")
        add(
            "补正中（待申请人补正）", mine.filter(state=S.SUPPLEMENT).count(), f"{index}?state={S.SUPPLEMENT}"
        )
        add("已受理待流转", mine.filter(state=S.ACCEPTED).count(), f"{index}?state={S.ACCEPTED}")
        add("已决定待办结", mine.filter(state=S.DECIDED).count(), f"{index}?state={S.DECIDED}")
    assigned = Application.objects.filter(state=S.IN_REVIEW, assignee=user)
    add("分配给我的环节", assigned.count(), f"{index}?mine=true&state={S.IN_REVIEW}")
    supervisor = workflow.is_supervisor(user)
    heads = reviewed_units(user)
    if supervisor or heads.exists():
        overdue = visible.overdue() if supervisor else visible.filter(organisation__in=heads).overdue()
        steps = overdue.filter(state=S.IN_REVIEW, step_due__lt=timezone.localdate())
        add("已逾期办件", overdue.count(), f"{index}?overdue=true", alert=True)
        add("其中环节超期", steps.count(), f"{index}?overdue=true&state={S.IN_REVIEW}", alert=True)
    return items


class ServicesPanel(Component):
    name = "services"
    order = 110
    template_name = "services/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"items": pending_items(self.user), "today": cn_date(timezone.localdate())}

    def render_html(self, parent_context=None):
        if not has_service_role(self.user):
            return ""
        return super().render_html(parent_context)
