"""站群搜索 in the Wagtail admin: 同义词 and 推荐结果 (model viewsets) and 搜索分析.

They are for the portal's 管理员 (the reviewer group of the portal Organisation) and superusers
only: synonyms and promoted results change what every site of the group finds. The permission
policy below answers for both viewsets, so the menu, the buttons and the views agree; a refused
request gets a visible 403 page instead of Wagtail's silent redirect to the dashboard.
"""

import io

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Font
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.base import BasePermissionPolicy

from home import admin_common
from home.dates import cn_date
from search import analytics
from search.forms import AnalyticsRangeForm

REFUSED = "只有主站管理员可以维护站群搜索的同义词、推荐结果和搜索分析。"


# --- Who may use these pages ----------------------------------------------------------------------


def _portal_reviewer_groups():
    return admin_common.portal_reviewer_groups()


def may_manage_search(user):
    """Superusers and members of the portal's 管理员 group; remembered on the user for the request."""
    return admin_common.is_portal_administrator(user)


class SearchAdminPermissionPolicy(BasePermissionPolicy):
    """All or nothing: whoever may manage search may add, edit and delete; nobody else may look."""

    def user_has_permission(self, user, action):
        return may_manage_search(user)

    def user_has_any_permission(self, user, actions):
        return may_manage_search(user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__in=_portal_reviewer_groups()))
            .distinct()
        )


def forbidden(request, message=REFUSED):
    return admin_common.forbidden(request, message)


class SearchAdminRequiredMixin:
    """First in the bases, so the check runs before Wagtail's own (which would redirect)."""

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_search(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


def _guarded(view_class):
    return type(view_class.__name__, (SearchAdminRequiredMixin, view_class), {})


IndexView = _guarded(generic.IndexView)
CreateView = _guarded(generic.CreateView)
EditView = _guarded(generic.EditView)
DeleteView = _guarded(generic.DeleteView)
CopyView = _guarded(generic.CopyView)
InspectView = _guarded(generic.InspectView)


# --- 搜索分析 ----------------------------------------------------------------------------------------

CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_TOP = 24
CHART_BOTTOM = 40
CHART_LEFT = 40


def _n(number):
    return f"{round(number, 1):g}"


def short_date(day):
    return f"{day.month}月{day.day}日"


def volume_chart(days):
    """Columns for the daily volume, drawn on the server (no script, no third-party library).
    The searches of each day as a column, the part that found nothing darker at its foot; the page
    shows the same figures in a table, which is what assistive technology reads."""
    count = len(days) or 1
    maximum = max((day.searches for day in days), default=0) or 1
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = (CHART_WIDTH - CHART_LEFT - 10) / count
    bar = max(slot * 0.7, 2)
    label_every = max(1, round(count / 10))
    columns = []
    for index, day in enumerate(days):
        height = plot_height * day.searches / maximum
        if day.searches and height < 2:
            height = 2  # a non-zero figure stays visible
        zero_height = plot_height * day.zero_results / maximum if day.searches else 0
        x = CHART_LEFT + index * slot + (slot - bar) / 2
        base = CHART_TOP + plot_height
        columns.append(
            {
                "x": _n(x),
                "y": _n(base - height),
                "width": _n(bar),
                "height": _n(height),
                "zero_y": _n(base - zero_height),
                "zero_height": _n(zero_height),
                "label": short_date(day.date) if index % label_every == 0 else "",
                "label_x": _n(x + bar / 2),
                "title": f"{cn_date(day.date)}：搜索 {day.searches} 次，其中无结果 {day.zero_results} 次",
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "axis_y": _n(CHART_TOP + plot_height),
        "axis_left": CHART_LEFT,
        "axis_right": CHART_WIDTH - 10,
        "top_y": CHART_TOP,
        "label_y": _n(CHART_TOP + plot_height + 18),
        "maximum": maximum if any(day.searches for day in days) else 0,
        "columns": columns,
    }


def analytics_workbook(days, totals, top, gaps, volume):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "概况"
    sheet.append([f"站群搜索分析（最近 {days} 天，截至 {cn_date(timezone.localdate())}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["搜索次数", totals.searches])
    sheet.append(["有点击的搜索次数", totals.clicked])
    sheet.append(["点击率（%）", totals.rate])
    sheet.append(["点击次数", totals.clicks])
    sheet.append(["无结果搜索次数", totals.zero_results])
    sheet.column_dimensions["A"].width = 24

    def table(title, header, rows):
        page = workbook.create_sheet(title)
        page.append(header)
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in rows:
            page.append(row)
        page.column_dimensions["A"].width = 30

    table(
        "热门搜索词",
        ["搜索词", "搜索次数", "有点击的次数", "点击率（%）", "无结果次数"],
        [[f.query, f.searches, f.clicked, f.click_through, f.zero_results] for f in top],
    )
    table(
        "无结果搜索词",
        ["搜索词", "搜索次数", "最近一次搜索"],
        [[g.query, g.searches, timezone.localtime(g.last_searched).strftime("%Y-%m-%d %H:%M")] for g in gaps],
    )
    table(
        "每日搜索量",
        ["日期", "搜索次数", "无结果次数"],
        [[day.date.isoformat(), day.searches, day.zero_results] for day in volume],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class AnalyticsView(SearchAdminRequiredMixin, WagtailAdminTemplateMixin, View):
    template_name = "search/admin/analytics.html"
    page_title = "搜索分析"
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        form = AnalyticsRangeForm(request.GET or None)
        # Anything else than the offered periods falls back to 30 days: a figure page, not a form.
        days = form.cleaned_data["days"] if form.is_bound and form.is_valid() else 30
        if not form.is_bound or not form.is_valid():
            form = AnalyticsRangeForm(initial={"days": days})
        totals = analytics.click_through(days)
        top = analytics.top_queries(days, limit=50)
        gaps = analytics.zero_result_queries(days, limit=50)
        volume = analytics.daily_volume(days)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                analytics_workbook(days, totals, top, gaps, volume),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = content_disposition_header(
                True, f"站群搜索分析-最近{days}天-{timezone.localdate():%Y%m%d}.xlsx"
            )
            return response
        context = self.get_context_data(
            form=form,
            days=days,
            totals=totals,
            top=top,
            gaps=gaps,
            volume=[
                {"date": cn_date(day.date), "searches": day.searches, "zero_results": day.zero_results}
                for day in volume
            ],
            chart=volume_chart(volume),
            export_query=f"days={days}&format=xlsx",
        )
        return self.render_to_response(context)
