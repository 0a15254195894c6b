"""The daily 政务公开 reminder: each unit's officers about their requests due within 5 working days,
the supervisors about overdue ones, each request at most once a day.

"Today" is Tuesday 2026-12-01 08:15 in Shanghai (the beat's time); due dates are set relative to
it. The task runs through Celery (eagerly under the test settings).
"""

from datetime import date, timedelta
from unittest import mock

import pytest
from celery.schedules import crontab
from django.contrib.auth import get_user_model
from django.core import mail

from disclosure import tasks, workflow
from disclosure.models import DisclosureRequest
from disclosure.tasks import remind_disclosure_deadlines
from portal_project.celery import app
from tests.factories.disclosure import clock, file_request, moment, supervisor
from tests.factories.site_group import make_user

pytestmark = pytest.mark.django_db
S = DisclosureRequest.State
TODAY = date(2026, 12, 1)


def run(day=TODAY):
    with clock(moment(day, 8, 15)):
        return remind_disclosure_deadlines.delay().get(timeout=10)


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def people(db):
    User = get_user_model()
    for username in ("jyj_editor", "jyj_admin", "gaj_editor", "gaj_admin", "portal_admin"):
        User.objects.filter(username=username).update(email=f"{username}@jimo.example.cn")
    supervisor("gk_supervisor", email="gk_supervisor@jimo.example.cn")
    supervisor("gk_supervisor_no_mail")
    jyj = User.objects.get(username="jyj_admin").groups.first()
    retired = make_user("jyj_retired", jyj)
    retired.email, retired.is_active = "jyj_retired@jimo.example.cn", False
    retired.save(update_fields=["email", "is_active"])
    return User


def request_due(unit, due, state=S.RECEIVED, description="申请公开2026年城区小学学区划分方案。"):
    request, _code = file_request(unit, description=description)
    admin = get_user_model().objects.get(username="admin")
    if state == S.CONSULTING:
        workflow.perform(request, "start_consultation", admin, note="征求第三方意见。")
    elif state == S.CLARIFICATION:
        workflow.perform(request, "request_clarification", admin, note="请补充文号。")
    elif state == S.ANSWERED:
        workflow.perform(request, "answer", admin, note="予以公开，详见附件。", result="open")
    DisclosureRequest.objects.filter(pk=request.pk).update(due_date=due)
    request.refresh_from_db()
    return request


@pytest.fixture
def requests(people):
    return {
        "jyj-today": request_due("jyj", TODAY, description="今天到期的申请"),
        "jyj-soon": request_due("jyj", date(2026, 12, 3), description="两个工作日后到期的申请"),
        "jyj-fifth": request_due("jyj", date(2026, 12, 8), description="第五个工作日到期的申请"),
        "jyj-later": request_due("jyj", date(2026, 12, 9), description="第六个工作日到期的申请"),
        "gaj-soon": request_due("gaj", date(2026, 12, 4), description="公安局即将到期的申请"),
        # The clock stands still while a third party is consulted or the applicant clarifies.
        "jyj-consulting": request_due("jyj", date(2026, 12, 2), S.CONSULTING, "征求意见中的申请"),
        "jyj-consulting-past": request_due("jyj", date(2026, 11, 25), S.CONSULTING, "长期征求意见中的申请"),
        "jyj-clarification": request_due("jyj", date(2026, 12, 2), S.CLARIFICATION, "待补正的申请"),
        "jyj-answered": request_due("jyj", date(2026, 12, 2), S.ANSWERED, "已答复的申请"),
        "jyj-overdue": request_due("jyj", date(2026, 11, 30), description="已逾期的申请"),
        "www-overdue": request_due("www", date(2026, 11, 20), description="主站已逾期的申请"),
    }


def test_officers_hear_of_their_own_units_requests_due_within_five_working_days(requests):
    result = run()
    assert result == {"due_soon": 4, "overdue": 2}

    jyj = mail_to("jyj_editor@jimo.example.cn")
    assert len(jyj) == 1 and mail_to("jyj_admin@jimo.example.cn")[0].body == jyj[0].body
    body = jyj[0].body
    for key in ("jyj-today", "jyj-soon", "jyj-fifth"):
        assert requests[key].receipt_number in body, key
    for key in (
        "jyj-later",
        "jyj-clarification",
        "jyj-consulting",
        "jyj-consulting-past",
        "jyj-answered",
        "jyj-overdue",
        "gaj-soon",
    ):
        assert requests[key].receipt_number not in body, key
    assert "今天到期" in body and "还有 2 个工作日" in body
    assert "2026年12月3日" in body
    assert jyj[0].subject == "【依申请公开到期提醒】3 件申请即将到期"

    gaj = mail_to("gaj_editor@jimo.example.cn")
    assert len(gaj) == 1 and len(mail_to("gaj_admin@jimo.example.cn")) == 1
    assert requests["gaj-soon"].receipt_number in gaj[0].body
    assert requests["jyj-soon"].receipt_number not in gaj[0].body


def test_supervisors_hear_of_overdue_requests_and_officers_do_not_get_them_twice(requests):
    run()
    (notice,) = mail_to("gk_supervisor@jimo.example.cn")
    assert notice.subject == "【依申请公开逾期】2 件申请已超过答复期限"
    assert requests["jyj-overdue"].receipt_number in notice.body
    assert requests["www-overdue"].receipt_number in notice.body
    assert "已逾期 1 个工作日" in notice.body
    assert requests["jyj-soon"].receipt_number not in notice.body
    assert requests["jyj-consulting-past"].receipt_number not in notice.body
    # The portal's overdue request is no business of the portal's officers in the due-soon mail.
    assert mail_to("portal_admin@jimo.example.cn") == []


def test_nobody_else_is_mailed(requests):
    run()
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {
        "jyj_editor@jimo.example.cn",
        "jyj_admin@jimo.example.cn",
        "gaj_editor@jimo.example.cn",
        "gaj_admin@jimo.example.cn",
        "gk_supervisor@jimo.example.cn",
    }
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others' addresses


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_reminds_again(requests):
    run()
    sent = len(mail.outbox)
    assert run() == {"due_soon": 0, "overdue": 0}
    assert len(mail.outbox) == sent
    # Wednesday: the one due on Tuesday is overdue now, the sixth-day one comes into range.
    assert run(TODAY + timedelta(days=1)) == {"due_soon": 4, "overdue": 3}
    assert len(mail.outbox) == 2 * sent
    (notice,) = [m for m in mail_to("gk_supervisor@jimo.example.cn") if "3 件" in m.subject]
    assert requests["jyj-today"].receipt_number in notice.body


def test_a_request_becoming_due_later_in_the_day_is_reminded_alone(requests):
    run()
    mail.outbox.clear()
    late = request_due("jyj", date(2026, 12, 2), description="当天新登记的临近到期申请")
    assert run() == {"due_soon": 1, "overdue": 0}
    (message,) = mail_to("jyj_editor@jimo.example.cn")
    assert late.receipt_number in message.body
    assert requests["jyj-soon"].receipt_number not in message.body


def test_a_failed_mail_is_tried_again_on_the_next_run(requests):
    with mock.patch("disclosure.tasks.send_mass_mail", side_effect=OSError("mail server down")):
        assert run() == {"due_soon": 0, "overdue": 0}
    assert mail.outbox == []
    assert run() == {"due_soon": 4, "overdue": 2}


def test_units_without_anyone_to_mail_are_skipped_and_not_marked(requests):
    get_user_model().objects.filter(username__in=["gaj_editor", "gaj_admin"]).update(email="")
    assert run() == {"due_soon": 3, "overdue": 2}
    get_user_model().objects.filter(username="gaj_admin").update(email="gaj_admin@jimo.example.cn")
    assert run() == {"due_soon": 1, "overdue": 0}


def test_nothing_due_nothing_sent(people):
    assert run() == {"due_soon": 0, "overdue": 0}
    assert mail.outbox == []


def test_the_beat_runs_the_reminder_every_morning():
    entry = app.conf.beat_schedule["disclosure-deadline-reminders"]
    assert entry["task"] == "disclosure.tasks.remind_disclosure_deadlines"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute=15, hour=8)
    assert tasks.REMIND_WORKDAYS == 5
