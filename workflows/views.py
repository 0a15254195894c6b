"""Admin views for 信息报送: the target site's review queue, withdrawal, and the statistics."""

import io
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from openpyxl import Workbook

from home.models import Organisation
from subsite_pages.models import ArticlePage
from workflows import syndication as rules
from workflows.models import Syndication

ACTIONS = {"approve": rules.approve, "reject": rules.reject, "revoke": rules.revoke}


def _date(value):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


def filtered_queue(user, params):
    queue = rules.queue_for(user).select_related(
        "source", "target", "source_organisation", "target_organisation"
    )
    status = params.get("status", Syndication.Status.PENDING)
    if status in Syndication.Status.values:
        queue = queue.filter(status=status)
    if params.get("unit", "").isdigit():
        queue = queue.filter(source_organisation_id=int(params["unit"]))
    if params.get("site", "").isdigit():
        queue = queue.filter(target_organisation_id=int(params["site"]))
    if date_from := _date(params.get("from")):
        queue = queue.filter(submitted_at__date__gte=date_from)
    if date_to := _date(params.get("to")):
        queue = queue.filter(submitted_at__date__lte=date_to)
    return queue, status


def syndication_queue(request):
    sites = rules.reviewable_organisations(request.user)
    if not sites.exists():
        raise PermissionDenied
    if request.method == "POST":
        return _act_on_queue(request)
    queue, status = filtered_queue(request.user, request.GET)
    page = Paginator(queue, 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "workflows/syndication_queue.html",
        {
            "header_title": "信息报送审核",
            "page_title": "信息报送审核",
            "header_icon": "tasks",
            "items": page,
            "status": status,
            "statuses": Syndication.Status.choices,
            "sites": sites,
            "units": Organisation.objects.exclude(kind=Organisation.Kind.PORTAL),
            "params": request.GET,
            "query": request.GET.urlencode(),
        },
    )


def _act_on_queue(request):
    action = request.POST.get("action")
    handler = ACTIONS.get(action)
    ids = [value for value in request.POST.getlist("ids") if value.isdigit()]
    back = redirect(f"{request.path}?{request.POST.get('query', '')}")
    if handler is None or not ids:
        messages.error(request, "请先勾选报送信息，再选择操作。")
        return back
    reason = request.POST.get("reason", "")
    done = 0
    for syndication_id in ids:
        try:
            handler(int(syndication_id), request.user, reason)
            done += 1
        except (ValidationError, PermissionDenied, Syndication.DoesNotExist) as error:
            text = (
                "；".join(error.messages)
                if isinstance(error, ValidationError)
                else (str(error) or "无权操作")
            )
            messages.error(request, f"第 {syndication_id} 号报送：{text}")
    if done:
        messages.success(request, f"已{rules.ACTION_NAMES[action]} {done} 条报送信息。")
    return back


def withdraw_article(request, page_id):
    article = get_object_or_404(ArticlePage, pk=page_id)
    if not rules.can_withdraw(article, request.user):
        raise PermissionDenied
    if request.method == "POST":
        changed = rules.withdraw_article(article, request.user, request.POST.get("reason", ""))
        messages.success(request, f"已从 {len(changed)} 个栏目撤稿。")
        return redirect("wagtailadmin_pages:edit", article.pk)
    active = article.syndications.filter(
        status__in=[Syndication.Status.PENDING, Syndication.Status.APPROVED]
    ).select_related("target", "target_organisation")
    return TemplateResponse(
        request,
        "workflows/withdraw_confirm.html",
        {
            "header_title": "撤稿",
            "page_title": f"撤稿：{article.title}",
            "header_icon": "undo",
            "article": article,
            "active": active,
        },
    )


def statistics_rows(date_from=None, date_to=None):
    """信息报送采用统计: per unit and month — submitted, approved, rejected, approval rate."""
    records = Syndication.objects.all()
    if date_from:
        records = records.filter(submitted_at__date__gte=date_from)
    if date_to:
        records = records.filter(submitted_at__date__lte=date_to)
    S = Syndication.Status
    grouped = (
        records.annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("source_organisation__name", "source_organisation__sort_order", "month")
        .annotate(
            submitted=Count("pk"),
            approved=Count("pk", filter=Q(status=S.APPROVED)),
            rejected=Count("pk", filter=Q(status=S.REJECTED)),
        )
        .order_by("source_organisation__sort_order", "month")
    )
    rows = []
    for row in grouped:
        rate = row["approved"] / row["submitted"] if row["submitted"] else 0
        rows.append(
            {
                "unit": row["source_organisation__name"],
                "month": f"{row['month'].year}年{row['month'].month}月",
                "submitted": row["submitted"],
                "approved": row["approved"],
                "rejected": row["rejected"],
                "rate": rate,
            }
        )
    return rows


def syndication_statistics(request):
    if not request.user.has_perm("workflows.view_syndication"):
        raise PermissionDenied
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    rows = statistics_rows(date_from, date_to)
    if request.GET.get("format") == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "信息报送采用统计"
        sheet.append(["报送单位", "月份", "报送数", "采用数", "未采用数", "采用率"])
        for row in rows:
            sheet.append(
                [
                    row["unit"],
                    row["month"],
                    row["submitted"],
                    row["approved"],
                    row["rejected"],
                    round(row["rate"], 4),
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''%E4%BF%A1%E6%81%AF%E6%8A%A5%E9%80%81%E9%87%87%E7%94%A8%E7%BB%9F%E8%AE%A1.xlsx"
        )
        return response
    return TemplateResponse(
        request,
        "workflows/syndication_statistics.html",
        {
            "header_title": "信息报送采用统计",
            "page_title": "信息报送采用统计",
            "header_icon": "table",
            "rows": rows,
            "params": request.GET,
            "query": request.GET.urlencode(),
        },
    )
