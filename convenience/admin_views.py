"""便民服务数据 in the Wagtail admin: the state of every lookup's feed, its import log, uploading a
feed file, fetching a feed now, and the dashboard panel of feeds that need attention.

For the portal's 管理员 and superusers only (`home.admin_common.is_portal_administrator`): the
lookups are the whole site group's, and an upload replaces what every citizen sees. Everyone else
neither sees the menu nor gets past the views (a visible 403, not Wagtail's silent redirect).

Every import goes through `convenience.services.run_import`, which never raises for bad data and
logs its result; these views only choose what to show. Credentials of a feed's address are never
shown: the address is reduced to scheme://host/path.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from convenience import services
from convenience.admin_forms import FeedUploadForm
from convenience.models.feeds import Feed, FeedKey, ImportRun, LookupAttempt
from convenience.models.pages import PERSONAL_LOOKUPS
from home import admin_common
from home.dates import cn_datetime

REFUSED = "只有主站管理员可以管理便民服务数据。"
RUNS_PER_PAGE = 20
FAILED_STATUSES = (ImportRun.Status.FAILED, ImportRun.Status.REFUSED)
NOT_CONFIGURED = "未配置，仅手工上传"

OVERVIEW_URL = "convenience_feeds:index"
DETAIL_URL = "convenience_feeds:detail"
RUN_URL = "convenience_feeds:run"
FETCH_URL = "convenience_feeds:fetch"


def may_manage_feeds(user):
    return admin_common.is_portal_administrator(user)


def forbidden(request, message=REFUSED):
    return admin_common.forbidden(request, message)


# --- What a feed looks like in the admin -----------------------------------------------------------


def source_text(key):
    """The configured address without credentials or query string, or how data arrives otherwise."""
    url = services.feed_settings(key).get("url")
    return services._public_address(url) if url else NOT_CONFIGURED


def status_class(status):
    return {
        ImportRun.Status.APPLIED: "ok",
        ImportRun.Status.PARTIAL: "warn",
        ImportRun.Status.REFUSED: "bad",
        ImportRun.Status.FAILED: "bad",
    }.get(status, "none")


def freshness_of(key, feed):
    """`services.freshness` without a query: the Feed row is already loaded (or there is none)."""
    config = services.feed_settings(key)
    return services.Freshness(str(key), feed.data_as_of if feed else None, int(config["stale_hours"]))


def feed_rows():
    """One row per lookup, in FeedKey order: two queries whatever the number of feeds."""
    feeds = {feed.key: feed for feed in Feed.objects.select_related("last_run")}
    rows = []
    for key in FeedKey:
        feed = feeds.get(key.value)
        config = services.feed_settings(key)
        last_run = feed.last_run if feed else None
        rows.append(
            {
                "key": key.value,
                "name": key.label,
                "source": source_text(key),
                "configured": bool(config.get("url")),
                "schedule": config["schedule"],
                "last_run": last_run,
                "status_class": status_class(last_run.status) if last_run else "none",
                "freshness": freshness_of(key, feed),
                "url": reverse(DETAIL_URL, args=[key.value]),
                "run_url": reverse(RUN_URL, args=[key.value, last_run.pk]) if last_run else "",
            }
        )
    return rows


def attempt_summary(hours=24):
    """Personal lookups of the last `hours`: counts by feed and outcome (one query, no hashes or
    addresses)."""
    since = timezone.now() - timedelta(hours=hours)
    counts = Counter(
        {
            (row["feed"], row["outcome"]): row["n"]
            for row in LookupAttempt.objects.filter(at__gte=since)
            .values("feed", "outcome")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    outcomes = list(LookupAttempt.Outcome)
    return {
        "hours": hours,
        "outcomes": [outcome.label for outcome in outcomes],
        "rows": [
            {
                "name": key.label,
                "counts": [counts[(key.value, outcome.value)] for outcome in outcomes],
                "total": sum(counts[(key.value, outcome.value)] for outcome in outcomes),
            }
            for key in PERSONAL_LOOKUPS
        ],
    }


def attention_items():
    """Feeds that need a look: data too old (or never imported), or the last run failed/refused."""
    items = []
    for row in feed_rows():
        freshness, last_run = row["freshness"], row["last_run"]
        problems = []
        if freshness.never:
            problems.append("尚未导入过数据")
        elif freshness.stale:
            problems.append(f"数据已超过{freshness.silence_text}未更新（最近一次为{freshness.as_of_text}）")
        if last_run and last_run.status in FAILED_STATUSES:
            problems.append(
                f"最近一次导入{last_run.get_status_display()}（{cn_datetime(last_run.started_at)}）"
            )
        if problems:
            items.append({"name": row["name"], "url": row["url"], "problems": problems})
    return items


def run_message(request, run):
    """Tell the administrator how an import they started went."""
    name = FeedKey(run.feed).label
    if run.status == ImportRun.Status.APPLIED:
        messages.success(request, f"{name}：已导入 {run.rows_accepted} 行。")
    elif run.status == ImportRun.Status.PARTIAL:
        messages.warning(
            request,
            f"{name}：已导入 {run.rows_accepted} 行，拒绝 {run.rows_rejected} 行，请查看被拒绝的行及原因。",
        )
    else:
        messages.error(request, f"{name}：{run.get_status_display()}。{run.message}")


# --- Views -----------------------------------------------------------------------------------------


class FeedAdminView(WagtailAdminTemplateMixin, View):
    """The common part: portal administrators only; `key` (when in the URL) must be a feed."""

    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_feeds(request.user):
            return forbidden(request)
        if "key" in kwargs:
            if kwargs["key"] not in FeedKey.values:
                raise Http404("没有该数据项。")
            self.key = FeedKey(kwargs["key"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [{"url": reverse(OVERVIEW_URL), "label": "便民服务数据"}]
        if hasattr(self, "key"):
            items.append({"url": reverse(DETAIL_URL, args=[self.key.value]), "label": self.key.label})
        items[-1]["url"] = ""
        return self.breadcrumbs_items + items


class OverviewView(FeedAdminView):
    template_name = "convenience/admin/overview.html"
    page_title = "便民服务数据"

    def get(self, request):
        context = self.get_context_data(
            rows=feed_rows(),
            attempts=attempt_summary(),
            timeout=settings.CONVENIENCE_FETCH_TIMEOUT,
        )
        return self.render_to_response(context)


class FeedDetailView(FeedAdminView):
    """The import log of one feed, the upload form and the 立即抓取 button."""

    template_name = "convenience/admin/feed_detail.html"

    def get_page_title(self):
        return f"{self.key.label}数据"

    def importer_format(self):
        return services.importer_for(self.key).format

    def render_detail(self, form, status=200):
        feed = Feed.objects.filter(key=self.key).first()
        runs = Paginator(
            ImportRun.objects.filter(feed=self.key).select_related("user").order_by("-started_at", "-pk"),
            RUNS_PER_PAGE,
        ).get_page(self.request.GET.get("p"))
        for run in runs:
            run.status_class = status_class(run.status)
        config = services.feed_settings(self.key)
        context = self.get_context_data(
            key=self.key.value,
            name=self.key.label,
            feed=feed,
            freshness=freshness_of(self.key, feed),
            source=source_text(self.key),
            configured=bool(config.get("url")),
            schedule=config["schedule"],
            runs=runs,
            form=form,
            feed_format=form.feed_format.upper(),
            timeout=settings.CONVENIENCE_FETCH_TIMEOUT,
        )
        return self.render_to_response(context, status=status)

    def get(self, request, key):
        return self.render_detail(FeedUploadForm(feed_format=self.importer_format()))

    def post(self, request, key):
        form = FeedUploadForm(request.POST, request.FILES, feed_format=self.importer_format())
        if not form.is_valid():
            messages.error(request, "文件未导入，请检查上传的文件。")
            return self.render_detail(form, status=400)
        run = services.run_import(
            self.key,
            content=form.cleaned_data["content"],
            source=ImportRun.Source.UPLOAD,
            file_name=form.cleaned_data["file_name"],
            user=request.user,
        )
        run_message(request, run)
        return redirect(RUN_URL, self.key.value, run.pk)


class FetchView(FeedAdminView):
    """立即抓取: fetch the configured address now (synchronously) and show the result."""

    http_method_names = ["post"]

    def post(self, request, key):
        if not services.is_configured(self.key):
            messages.error(request, f"{self.key.label}未配置数据源地址，只能上传数据文件。")
            return redirect(DETAIL_URL, self.key.value)
        run = services.run_import(self.key, user=request.user)
        run_message(request, run)
        return redirect(RUN_URL, self.key.value, run.pk)


class RunDetailView(FeedAdminView):
    template_name = "convenience/admin/run_detail.html"

    def get_page_title(self):
        return f"{self.key.label}导入记录"

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1]["url"] = reverse(DETAIL_URL, args=[self.key.value])
        return items + [{"url": "", "label": f"导入记录 #{self.run.pk}"}]

    def get(self, request, key, pk):
        self.run = get_object_or_404(ImportRun.objects.select_related("user"), pk=pk, feed=self.key)
        context = self.get_context_data(
            key=self.key.value, name=self.key.label, run=self.run, status_class=status_class(self.run.status)
        )
        return self.render_to_response(context)


# --- Dashboard ---------------------------------------------------------------------------------------


class FeedAttentionPanel(Component):
    """“便民服务数据提醒” on the admin home page: feeds stale or failing, for portal administrators."""

    name = "convenience_feeds"
    order = 130
    template_name = "convenience/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"items": self.items, "overview_url": reverse(OVERVIEW_URL)}

    def render_html(self, parent_context=None):
        if not may_manage_feeds(self.user):
            return ""
        self.items = attention_items()
        if not self.items:
            return ""
        return super().render_html(parent_context)
