"""The hourly overdue notice for applications: to the department head and the 政务服务监督员,
once per application per day, never to other departments.

"Today" is fixed at Tuesday 2026-12-01 in Shanghai by patching django.utils.timezone.now while
the job runs; each application's dates are set relative to it. The job runs through Celery
(eagerly under the test settings).
"""

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings as conf
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache

from forms import workflow as letters_workflow
from portal_project.celery import app
from services import workflow
from services.models import Application
from services.tasks import notify_overdue_steps
from tests.factories.site_group import make_user
from tests.services.test_workflow_transitions import bring_to, fresh, make_world

S = Application.State
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 1)
SUBJECT = "【办件逾期】"


@contextmanager
def today_is(day, hour=8):
    moment = datetime(day.year, day.month, day.day, hour, 10, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def run(day=TODAY, hour=8):
    with today_is(day, hour):
        return notify_overdue_steps.delay().get(timeout=10)


def address(username):
    return f"{username}@jimo.example.cn"


@pytest.fixture
def world(db):
    world = make_world()
    supervisors = Group.objects.get(name=workflow.SUPERVISOR_GROUP)
    second = make_user("svc_supervisor2", supervisors)
    second.email = address("svc_supervisor2")
    second.save(update_fields=["email"])
    make_user("svc_supervisor_no_mail", supervisors)
    retired = make_user("svc_supervisor_retired", supervisors)
    retired.email, retired.is_active = address("svc_supervisor_retired"), False
    retired.save(update_fields=["email", "is_active"])
    # The letters' supervisors (政民互动督办员) are another group: they get nothing here.
    _dispatchers, letter_supervisors = letters_workflow.ensure_role_groups()
    letters = make_user("letters_supervisor", letter_supervisors)
    letters.email = address("letters_supervisor")
    letters.save(update_fields=["email"])
    return world


@pytest.fixture
def applications(world):
    def make(state, item=None, assignee=None, **clocks):
        application = bring_to(world, state, item=item, assignee=world[assignee] if assignee else None)
        Application.objects.filter(pk=application.pk).update(**clocks)
        return fresh(application)

    past, future = TODAY - timedelta(days=3), TODAY + timedelta(days=3)
    yesterday = TODAY - timedelta(days=1)
    return {
        "accepted-late": make(S.ACCEPTED, promised_due=past),
        "review-step-late": make(S.IN_REVIEW, assignee="jyj_editor", promised_due=future, step_due=yesterday),
        "decided-late": make(S.DECIDED, promised_due=TODAY - timedelta(days=2)),
        "gaj-late": make(S.ACCEPTED, item=world.gaj_item(), promised_due=yesterday),
        # Not overdue today:
        "review-today": make(S.IN_REVIEW, promised_due=future, step_due=TODAY),
        "accepted-today": make(S.ACCEPTED, promised_due=TODAY),
        "closed-late": make(S.CLOSED, promised_due=past),
        "rejected": make(S.REJECTED),
    }


LATE = ("accepted-late", "review-step-late", "decided-late", "gaj-late")
SUPERVISORS = [address("svc_supervisor"), address("svc_supervisor2")]
JYJ_RECIPIENTS = sorted([address("jyj_admin"), *SUPERVISORS])
GAJ_RECIPIENTS = sorted([address("gaj_admin"), *SUPERVISORS])


def sent():
    """{receipt number: sorted recipients} of the overdue notices."""
    found = {}
    for message in mail.outbox:
        if message.subject.startswith(SUBJECT):
            receipt = re.search(r"SQ\d{14}", message.subject).group()
            found.setdefault(receipt, []).extend(message.to)
    return {receipt: sorted(addresses) for receipt, addresses in found.items()}


def expected(applications, keys):
    return {
        applications[key].receipt_number: GAJ_RECIPIENTS if key.startswith("gaj") else JYJ_RECIPIENTS
        for key in keys
    }


def test_overdue_applications_go_to_the_head_and_supervisors_once_a_day(applications):
    assert run() == len(LATE)
    assert sent() == expected(applications, LATE)
    assert all(len(message.to) == 1 for message in mail.outbox)  # one address per mail
    for key in LATE:
        assert cache.get(f"svc-overdue:{applications[key].pk}:2026-12-01")

    # The next hours of the same day: nothing new.
    count = len(mail.outbox)
    assert run(hour=9) == 0
    assert run(hour=17) == 0
    assert len(mail.outbox) == count

    # The next day again, and what became overdue overnight.
    mail.outbox.clear()
    tomorrow = TODAY + timedelta(days=1)
    later = (*LATE, "review-today", "accepted-today")
    assert run(day=tomorrow) == len(later)
    assert sent() == expected(applications, later)


def test_other_departments_are_not_told(applications):
    run()
    notices = sent()
    for key in LATE:
        recipients = notices[applications[key].receipt_number]
        other = address("jyj_admin") if key.startswith("gaj") else address("gaj_admin")
        assert other not in recipients
        for username in ("jyj_editor", "gaj_editor", "portal_admin", "admin", "letters_supervisor"):
            assert address(username) not in recipients
        assert address("svc_supervisor_retired") not in recipients


def test_the_notice_lists_the_step(applications):
    run()
    application = applications["review-step-late"]
    [message] = [
        m for m in mail.outbox if m.to == [address("jyj_admin")] and application.receipt_number in m.subject
    ]
    assert message.subject == f"{SUBJECT}{application.receipt_number} 小学一年级新生入学登记"
    assert message.from_email == conf.DEFAULT_FROM_EMAIL
    for line in (
        f"受理编号：{application.receipt_number}",
        "办理事项：小学一年级新生入学登记",
        "办理部门：教育局",
        "办件状态：审查中",
        "当前岗位：审批岗",
        "当前经办人：jyj_editor",
        "办理期限：2026年11月30日",
        "逾期天数：1 天",
    ):
        assert line in message.body.splitlines(), line
    [link] = [line for line in message.body.splitlines() if line.startswith("办理地址：")]
    assert link.startswith(f"办理地址：{conf.WAGTAILADMIN_BASE_URL}/admin/")
    accepted = applications["accepted-late"]
    [message] = [
        m for m in mail.outbox if m.to == [address("jyj_admin")] and accepted.receipt_number in m.subject
    ]
    assert "当前经办人：未指定" in message.body and "逾期天数：3 天" in message.body
    assert "办理期限：2026年11月28日" in message.body


def test_an_application_already_told_today_is_skipped(applications):
    skipped = applications["decided-late"]
    cache.add(f"svc-overdue:{skipped.pk}:2026-12-01", True)
    assert run() == len(LATE) - 1
    assert skipped.receipt_number not in sent()


def test_a_department_nobody_can_be_told_about_is_not_counted(applications):
    Group.objects.get(name=workflow.SUPERVISOR_GROUP).user_set.update(email="")
    jyj_head = applications["accepted-late"].organisation.reviewer_group.user_set
    jyj_head.update(is_active=False)
    assert run() == 1
    assert sent() == {applications["gaj-late"].receipt_number: [address("gaj_admin")]}


def test_a_failing_mail_server_is_logged_and_retried_the_next_hour(applications):
    with mock.patch("services.tasks.send_mass_mail", side_effect=OSError("SMTP down")):
        assert run() == 0
    assert mail.outbox == []
    assert run(hour=9) == len(LATE)
    assert sent() == expected(applications, LATE)


def test_the_beat_schedule_runs_the_overdue_notice_hourly():
    configured = app.conf.beat_schedule["services-notify-overdue"]
    assert configured["task"] == "services.tasks.notify_overdue_steps"
    assert configured["task"] in app.tasks
    assert configured["schedule"] == crontab(minute=10)
