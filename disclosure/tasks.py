"""Periodic jobs of 政务公开: deadline reminders for disclosure requests (依申请公开).

Celery beat runs `remind_disclosure_deadlines` every morning (portal_project/celery.py). The job
only selects requests with the queries of disclosure.models and the roles of
disclosure.workflow; no rule is reimplemented here. Each request is mailed about at most once a
day per audience: the day's mark is a cache key set with cache.add (atomic), so a beat that fires
twice or a manual re-run sends nothing more; if the mail fails the mark is removed so that a
re-run can try again. Mail is best effort, as in forms/tasks.py: failures are logged, never raised.
"""

import logging
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import timezone

from disclosure import workflow
from disclosure.models import DisclosureRequest
from home.dates import cn_date
from home.workdays import add_workdays, workdays_between

logger = logging.getLogger(__name__)

REMIND_WORKDAYS = 5
# A day and a bit: the key only has to outlive the day it names.
MARK_TIMEOUT = 36 * 3600


def mark_key(kind, request, today):
    return f"gk-remind:{kind}:{request.pk}:{today.isoformat()}"


def _addresses(who):
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct()
    return sorted({user.email for user in users})


def officer_addresses(organisation):
    """The unit's 公开专员: members of its 信息员 and 管理员 groups."""
    groups = [pk for pk in (organisation.editor_group_id, organisation.reviewer_group_id) if pk]
    return _addresses(Q(groups__in=groups)) if groups else []


def supervisor_addresses():
    return _addresses(Q(groups__name=workflow.SUPERVISOR_GROUP))


def _admin_url():
    return f"{settings.WAGTAILADMIN_BASE_URL}/admin/"


def _line(request):
    unit = request.organisation
    return (
        f"{request.receipt_number}　{unit.short_name or unit.name}　{request.get_state_display()}　"
        f"答复期限 {cn_date(request.due_date)}　{request.description[:30]}"
    )


def due_soon_mail(requests, today):
    """(subject, body) for a unit's officers: their requests due within the next working days."""
    subject = f"【依申请公开到期提醒】{len(requests)} 件申请即将到期"
    lines = [f"以下政府信息公开申请将在 {REMIND_WORKDAYS} 个工作日内到期，请及时办理答复：", ""]
    for request in requests:
        left = workdays_between(today, request.due_date)
        when = "今天到期" if request.due_date == today else f"还有 {left} 个工作日"
        lines.append(f"{_line(request)}（{when}）")
    lines += ["", f"管理后台：{_admin_url()}"]
    return subject, "\n".join(lines) + "\n"


def overdue_mail(requests, today):
    """(subject, body) for the supervisors: requests past their statutory due date."""
    subject = f"【依申请公开逾期】{len(requests)} 件申请已超过答复期限"
    lines = ["以下政府信息公开申请已超过法定答复期限，请督促有关单位办理：", ""]
    for request in requests:
        late = workdays_between(request.due_date, today)
        lines.append(f"{_line(request)}（已逾期 {late} 个工作日）")
    lines += ["", f"管理后台：{_admin_url()}"]
    return subject, "\n".join(lines) + "\n"


def _send(kind, requests, recipients, compose, today):
    """Mail `requests` not yet mailed today (under `kind`) to `recipients`; returns those sent."""
    if not recipients:
        return []
    fresh = [request for request in requests if cache.add(mark_key(kind, request, today), True, MARK_TIMEOUT)]
    if not fresh:
        return []
    subject, body = compose(fresh, today)
    try:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients])
    except Exception:  # noqa: BLE001 - mail must never break the job
        logger.exception("依申请公开提醒邮件发送失败：%s", subject)
        cache.delete_many([mark_key(kind, request, today) for request in fresh])
        return []
    return fresh


@shared_task
def remind_disclosure_deadlines():
    """Remind each unit's officers of open requests due within REMIND_WORKDAYS working days, and
    the supervisors of overdue ones, once a day per request. Returns the counts of requests."""
    today = timezone.localdate()
    horizon = add_workdays(today, REMIND_WORKDAYS)
    running = (
        DisclosureRequest.objects.filter(state__in=DisclosureRequest.CLOCK_STATES)
        .select_related("organisation")
        .order_by("due_date", "pk")
    )
    by_unit = defaultdict(list)
    for request in running.filter(due_date__gte=today, due_date__lte=horizon):
        by_unit[request.organisation].append(request)
    due_soon = 0
    for organisation, requests in by_unit.items():
        due_soon += len(_send("due", requests, officer_addresses(organisation), due_soon_mail, today))
    overdue = list(running.filter(pk__in=DisclosureRequest.objects.overdue(today).values("pk")))
    overdue_sent = len(_send("overdue", overdue, supervisor_addresses(), overdue_mail, today))
    return {"due_soon": due_soon, "overdue": overdue_sent}
