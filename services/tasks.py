"""Periodic jobs of the online service hall (网上办事).

Celery beat runs them (portal_project/celery.py). Jobs only select applications with the
queries of services.models / services.workflow; no rule is reimplemented here. Mail is best
effort, as in forms/tasks.py: a failing mail server is logged, never raised.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from home.dates import cn_date
from services import workflow
from services.models import Application

logger = logging.getLogger(__name__)

# A day and a bit: the key only has to outlive the day it names.
NOTIFIED_KEY_TIMEOUT = 36 * 3600


def overdue_key(application, today):
    return f"svc-overdue:{application.pk}:{today.isoformat()}"


def overdue_recipients(application):
    """The department head (its 管理员 group) and every 政务服务监督员, active and with an address."""
    unit = application.organisation
    who = Q(groups__name=workflow.SUPERVISOR_GROUP)
    if unit.reviewer_group_id:
        who |= Q(groups=unit.reviewer_group_id)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct()
    return sorted({user.email for user in users})


def _person(user):
    if user is None:
        return "未指定"
    return user.get_full_name() or user.username


def _admin_link(application):
    """The application's handling page in the admin (the admin's index if it is not wired in)."""
    try:
        path = reverse("applications:detail", args=[application.pk])
    except NoReverseMatch:
        path = "/admin/"
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def overdue_mail(application, today):
    """(subject, body) of the overdue notice of one application."""
    due = application.current_due
    unit = application.organisation
    subject = f"【办件逾期】{application.receipt_number} {application.item.title}"
    lines = [
        "以下办件已超过办理期限，请督促办理：",
        "",
        f"受理编号：{application.receipt_number}",
        f"办理事项：{application.item.title}",
        f"办理部门：{unit.short_name or unit.name}",
        f"办件状态：{application.get_state_display()}",
        f"当前岗位：{application.step_post or '—'}",
        f"当前经办人：{_person(application.assignee)}",
        f"办理期限：{cn_date(due)}",
        f"逾期天数：{(today - due).days} 天",
        "",
        f"办理地址：{_admin_link(application)}",
    ]
    return subject, "\n".join(lines) + "\n"


@shared_task
def notify_overdue_steps():
    """Tell the department head and the supervisors about every overdue open application,
    once per application per day. Returns the number of applications notified.

    The day's mark is a cache key set with cache.add (atomic), so a beat that fires twice or a
    second worker does not send twice; if the mail fails the mark is removed and the next
    hourly run tries again.
    """
    today = timezone.localdate()
    overdue = (
        Application.objects.overdue(today).select_related("item", "organisation", "assignee").order_by("pk")
    )
    notified = 0
    for application in overdue:
        due = application.current_due
        if due is None or due >= today:
            continue
        recipients = overdue_recipients(application)
        if not recipients:
            continue
        key = overdue_key(application, today)
        if not cache.add(key, True, NOTIFIED_KEY_TIMEOUT):
            continue  # already told today
        subject, body = overdue_mail(application, today)
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
        try:
            send_mass_mail(messages)
        except Exception:  # noqa: BLE001 - mail must never break the job
            logger.exception("办件 %s 逾期提醒邮件发送失败", application.receipt_number)
            cache.delete(key)
            continue
        notified += 1
    return notified
