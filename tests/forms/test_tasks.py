"""Periodic letter jobs: due-date reminders, overdue escalation and the supervisors' digest.

"Today" is fixed at Tuesday 2026-12-01 08:00 in Shanghai by patching django.utils.timezone.now
while a job runs; each letter's due date is set relative to it, so the tests do not depend on the
day they run. The jobs run through Celery (eagerly under the test settings).
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

from forms import workflow
from forms.models import Letter, LetterEvent
from forms.statistics import letter_statistics
from forms.tasks import digest_text, escalate_overdue, send_deadline_reminders, send_supervisor_digest
from portal_project.celery import app
from tests.factories.site_group import make_user
from tests.forms.test_workflow_transitions import bring_to, make_world

S = Letter.State
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 1)
LONG_AGO = datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)


@contextmanager
def today_is(day, hour=8):
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def run(task, day=TODAY):
    with today_is(day):
        return task.delay().get(timeout=10)


def due(letter, days, clock="reply_due"):
    Letter.objects.filter(pk=letter.pk).update(**{clock: TODAY + timedelta(days=days)})
    letter.refresh_from_db()
    return letter


@pytest.fixture
def world(db):
    world = make_world()
    # More people in the role groups: an inactive dispatcher and a supervisor without e-mail get nothing.
    old = make_user("old_dispatcher", Group.objects.get(name=workflow.DISPATCHER_GROUP))
    old.email, old.is_active = "old_dispatcher@jimo.example.cn", False
    old.save(update_fields=["email", "is_active"])
    make_user("supervisor_no_mail", Group.objects.get(name=workflow.SUPERVISOR_GROUP))
    second = make_user("supervisor2", Group.objects.get(name=workflow.SUPERVISOR_GROUP))
    second.email = "supervisor2@jimo.example.cn"
    second.save(update_fields=["email"])
    return world


@pytest.fixture
def letters(world):
    def make(state, box=None, **fields):
        return bring_to(world, state, box=box, received_at=fields.pop("received_at", LONG_AGO), **fields)

    made = {
        "submitted-soon": due(make(S.SUBMITTED, title="待受理临近到期"), 2, "accept_due"),
        "submitted-overdue": due(make(S.SUBMITTED, title="待受理已逾期"), -1, "accept_due"),
        "accepted-soon": due(make(S.ACCEPTED, title="待转办临近到期"), 1),
        "assigned-today": due(make(S.ASSIGNED, title="办理中今天到期"), 0),
        "review-soon": due(make(S.REPLY_REVIEW, title="答复待审核临近到期"), 2),
        "returned-soon": due(make(S.RETURNED, title="已退回临近到期"), 1),
        "assigned-later": due(make(S.ASSIGNED, title="办理中三天后到期"), 3),
        "closed-soon": due(make(S.CLOSED, title="已办结"), 1),
        "director-soon": due(make(S.SUBMITTED, box=world.director, title="局长信箱待受理"), 1, "accept_due"),
        "assigned-overdue": due(make(S.ASSIGNED, title="办理中已逾期"), -3),
        # The acceptance clock no longer matters once a letter is accepted.
        "assigned-old-accept-clock": due(
            due(make(S.ASSIGNED, title="受理期限临近但已受理"), 1, "accept_due"), 10
        ),
        "new-yesterday": make(
            S.SUBMITTED, title="昨日新收来信", received_at=datetime(2026, 11, 30, 10, tzinfo=SHANGHAI)
        ),
    }
    assert made["new-yesterday"].accept_due == date(2026, 12, 2)  # 2 working days from Monday
    return made


def sent(subject_prefix):
    """{letter number: sorted recipients} of the mails whose subject starts with the prefix."""
    found = {}
    for message in mail.outbox:
        if message.subject.startswith(subject_prefix):
            number = re.search(r"\d{14}", message.subject).group()
            found.setdefault(number, []).extend(message.to)
    return {number: sorted(addresses) for number, addresses in found.items()}


def address(username):
    return f"{username}@jimo.example.cn"


# --- Reminders ------------------------------------------------------------------------------------

REMINDED_TODAY = {
    "submitted-soon": ["dispatcher"],
    "accepted-soon": ["dispatcher"],
    "assigned-today": ["jyj_admin", "jyj_editor"],
    "review-soon": ["jyj_admin"],
    "returned-soon": ["dispatcher"],
    "director-soon": ["dispatcher", "jyj_admin"],  # 教育局's own box: its 管理员 screen too
    "new-yesterday": ["dispatcher"],
}


def test_reminders_go_once_a_day_to_those_who_must_act(letters):
    assert run(send_deadline_reminders) == len(REMINDED_TODAY)
    expected = {
        letters[key].number: sorted(address(u) for u in users) for key, users in REMINDED_TODAY.items()
    }
    assert sent("【到期提醒】") == expected
    for key, letter in letters.items():
        letter.refresh_from_db()
        assert (letter.last_reminded_on == TODAY) == (key in REMINDED_TODAY), key

    # The same day again: nothing new.
    count = len(mail.outbox)
    assert run(send_deadline_reminders) == 0
    assert len(mail.outbox) == count
    assert LetterEvent.objects.filter(action="remind").count() == len(REMINDED_TODAY)


def test_the_reminder_is_a_system_step_in_the_history(letters):
    run(send_deadline_reminders)
    event = LetterEvent.objects.get(letter=letters["assigned-today"], action="remind")
    assert (event.actor, event.actor_label, event.public) == (None, "系统", False)
    assert event.note == "答复期限将于12月1日到期"
    assert (event.from_state, event.to_state) == (S.ASSIGNED, S.ASSIGNED)
    event = LetterEvent.objects.get(letter=letters["submitted-soon"], action="remind")
    assert event.note == "受理期限将于12月3日到期"
    message = next(m for m in mail.outbox if letters["assigned-today"].number in m.subject)
    assert "答复期限为2026年12月1日，今天到期" in message.body
    assert "承办单位：教育局" in message.body
    assert f"/admin/letters/{letters['assigned-today'].pk}/" in message.body
    [message] = [m for m in mail.outbox if letters["review-soon"].number in m.subject]
    assert "还有 2 天到期" in message.body
    assert message.from_email == conf.DEFAULT_FROM_EMAIL


def test_the_next_day_reminds_again_but_not_what_became_overdue(letters):
    run(send_deadline_reminders)
    mail.outbox.clear()
    tomorrow = TODAY + timedelta(days=1)
    reminded = run(send_deadline_reminders, day=tomorrow)
    expected = set(REMINDED_TODAY) - {"assigned-today"} | {"assigned-later"}
    assert reminded == len(expected)
    assert set(sent("【到期提醒】")) == {letters[key].number for key in expected}
    assert Letter.objects.get(pk=letters["assigned-today"].pk).last_reminded_on == TODAY


def test_reminders_survive_a_failing_mail_server(letters):
    with mock.patch("forms.tasks.send_mass_mail", side_effect=OSError("SMTP down")):
        assert run(send_deadline_reminders) == len(REMINDED_TODAY)
    assert mail.outbox == []
    assert Letter.objects.filter(last_reminded_on=TODAY).count() == len(REMINDED_TODAY)


def test_the_reminder_window_is_a_setting(letters, settings):
    settings.LETTER_REMIND_DAYS_BEFORE = 0
    assert run(send_deadline_reminders) == 1  # only what is due today
    assert set(sent("【到期提醒】")) == {letters["assigned-today"].number}


# --- Escalation -----------------------------------------------------------------------------------


def test_overdue_letters_are_escalated_once_and_supervisors_told(letters, django_capture_on_commit_callbacks):
    overdue = {letters["submitted-overdue"].number, letters["assigned-overdue"].number}
    with django_capture_on_commit_callbacks(execute=True):
        assert run(escalate_overdue) == 2
    supervisors = sorted([address("supervisor"), "supervisor2@jimo.example.cn"])
    assert sent("【逾期上报】") == {number: supervisors for number in overdue}
    assert set(Letter.objects.filter(escalated=True).values_list("number", flat=True)) == overdue
    event = LetterEvent.objects.get(letter=letters["assigned-overdue"], action="escalate")
    assert (event.actor, event.actor_label, event.to_state) == (None, "系统", S.ASSIGNED)
    assert event.note == "答复期限2026年11月28日已过，逾期 3 天。"
    event = LetterEvent.objects.get(letter=letters["submitted-overdue"], action="escalate")
    assert event.note == "受理期限2026年11月30日已过，逾期 1 天。"

    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(escalate_overdue) == 0
        assert run(escalate_overdue, day=TODAY + timedelta(days=1)) == 1  # assigned-today is late now
    assert LetterEvent.objects.filter(action="escalate").count() == 3
    assert len(mail.outbox) == count + 2


def test_closed_and_calendar_day_letters_on_time_are_not_escalated(world):
    closed = due(bring_to(world, S.CLOSED), -5)
    petition = bring_to(world, S.ASSIGNED, box=world.petition, received_at=LONG_AGO)
    assert petition.reply_due > TODAY
    assert run(escalate_overdue) == 0
    assert not Letter.objects.filter(pk__in=[closed.pk, petition.pk], escalated=True).exists()


# --- The supervisors' digest -----------------------------------------------------------------------


def test_one_digest_per_supervisor_with_an_address(letters):
    assert run(send_supervisor_digest) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [address("supervisor"), "supervisor2@jimo.example.cn"]
    )
    assert all(m.subject == "政民互动每日督办简报（2026年12月1日）" for m in mail.outbox)
    assert mail.outbox[0].body == mail.outbox[1].body


def test_the_digest_lists_new_open_overdue_and_soon_due_letters(letters):
    with today_is(TODAY):
        subject, body = digest_text()
        totals, _rows = letter_statistics()
    assert subject == "政民互动每日督办简报（2026年12月1日）"
    assert "一、昨日（2026年11月30日）新收来信：1 件" in body
    assert f"{letters['new-yesterday'].number}《昨日新收来信》 市长信箱" in body
    assert f"二、在办信件：{totals.open} 件" in body
    assert "三、逾期信件：2 件" in body
    overdue_lines = [line for line in body.splitlines() if "逾期" in line and "《" in line]
    assert overdue_lines == [
        f"  {letters['assigned-overdue'].number}《办理中已逾期》 承办单位：教育局 答复期限：2026年11月28日 逾期 3 天",
        f"  {letters['submitted-overdue'].number}《待受理已逾期》 承办单位：待转办 受理期限：2026年11月30日 逾期 1 天",
    ]
    assert "四、2 日内到期：7 件" in body
    for key in REMINDED_TODAY:
        assert letters[key].number in body
    assert letters["assigned-later"].number not in body
    assert letters["closed-soon"].number not in body
    assert f"收件 {totals.received} 件" in body and f"逾期 {totals.overdue} 件" in body
    assert f"按期答复率 {totals.on_time_rate}%" in body


def test_no_supervisor_with_an_address_no_digest(world):
    Group.objects.get(name=workflow.SUPERVISOR_GROUP).user_set.update(email="")
    assert run(send_supervisor_digest) == 0
    assert mail.outbox == []


def test_an_empty_day_still_reports(world):
    assert run(send_supervisor_digest) == 2
    body = mail.outbox[0].body
    assert "新收来信：0 件" in body and "逾期信件：0 件" in body and "按期答复率 —" in body


# --- The beat schedule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "task", "schedule"),
    [
        (
            "letters-deadline-reminders",
            "forms.tasks.send_deadline_reminders",
            crontab(minute=0, hour=conf.LETTER_REMINDER_HOUR),
        ),
        ("letters-escalate-overdue", "forms.tasks.escalate_overdue", crontab(minute=5)),
        (
            "letters-supervisor-digest",
            "forms.tasks.send_supervisor_digest",
            crontab(minute=30, hour=conf.LETTER_DIGEST_HOUR),
        ),
    ],
)
def test_the_beat_schedule_runs_the_letter_jobs(entry, task, schedule):
    configured = app.conf.beat_schedule[entry]
    assert configured["task"] == task
    assert task in app.tasks
    assert configured["schedule"] == schedule
