"""Letter statistics: one definition of received / accepted / replied / on time / satisfied / overdue."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from forms import workflow
from forms.models import Letter
from forms.statistics import letter_statistics, rating_distribution
from home.models import Organisation
from tests.forms.test_workflow_transitions import REPLY, bring_to, fresh, make_world

S = Letter.State
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def world(db):
    return make_world()


def handled_by(world, unit, state=S.CLOSED, rating=None, late=False, **fields):
    """A 市长信箱 letter assigned to `unit` and taken to `state`; `late` replies after the due date."""
    letter = bring_to(world, S.ACCEPTED, **fields)
    workflow.perform(letter, "assign", world["dispatcher"], unit=unit)
    if state == S.ASSIGNED:
        return fresh(letter)
    reviewer = world["admin"]
    workflow.perform(letter, "submit_reply", world["admin"], reply=REPLY)
    if late:
        Letter.objects.filter(pk=letter.pk).update(reply_due=timezone.localdate() - timedelta(days=1))
    workflow.perform(letter, "approve_reply", reviewer)
    if rating:
        workflow.rate(fresh(letter), rating)
    return fresh(letter)


@pytest.fixture
def letters(world):
    jyj, gaj = world.jyj, world.gaj
    made = {
        "jyj-5": handled_by(world, jyj, rating=5),
        "jyj-3": handled_by(world, jyj, rating=3),
        "jyj-late-2": handled_by(world, jyj, rating=2, late=True),
        "jyj-unrated": handled_by(world, jyj),
        "jyj-open": handled_by(world, jyj, state=S.ASSIGNED),
        "gaj-1": handled_by(world, gaj, rating=1),
        "gaj-overdue": handled_by(world, gaj, state=S.ASSIGNED),
        "submitted-overdue": bring_to(
            world, S.SUBMITTED, received_at=datetime(2026, 9, 1, 9, tzinfo=SHANGHAI)
        ),
        "submitted": bring_to(world, S.SUBMITTED),
        "rejected": bring_to(world, S.REJECTED),
        "merged": bring_to(world, S.MERGED),  # and the letter it was merged into, still submitted
    }
    Letter.objects.filter(pk=made["gaj-overdue"].pk).update(
        reply_due=timezone.localdate() - timedelta(days=2)
    )
    return made


def test_totals_follow_the_documented_definitions(letters):
    assert Letter.objects.count() == 12  # the merged letter's original is the twelfth
    totals, _rows = letter_statistics()
    assert totals.label == "合计"
    assert totals.received == 11  # every letter but the merged duplicate
    assert totals.accepted == 7  # neither still waiting for screening (3) nor refused (1)
    assert totals.replied == 5
    assert totals.on_time == 4
    assert totals.on_time_rate == 80.0
    assert totals.open == 5  # jyj-open, gaj-overdue, two submitted, the merge target
    assert totals.overdue == 2  # gaj-overdue (reply clock) and submitted-overdue (acceptance clock)
    assert totals.rated == 4
    assert totals.satisfied == 2  # 5 and 3 (基本满意 counts as satisfied); 2 and 1 do not
    assert totals.satisfaction_rate == 50.0
    assert totals.average_rating == pytest.approx(11 / 4)
    assert totals.reply_rate == 71.4  # 5 of 7


def test_per_unit_rows(letters):
    _totals, rows = letter_statistics()
    by_label = {row.label: row for row in rows}
    assert [row.label for row in rows] == ["教育局", "待转办", "公安局"]  # most letters first
    jyj, gaj, pending = by_label["教育局"], by_label["公安局"], by_label["待转办"]
    assert (jyj.received, jyj.accepted, jyj.replied, jyj.on_time, jyj.open, jyj.overdue) == (5, 5, 4, 3, 1, 0)
    assert (jyj.rated, jyj.satisfied, jyj.on_time_rate, jyj.satisfaction_rate) == (3, 2, 75.0, 66.7)
    assert (gaj.received, gaj.replied, gaj.open, gaj.overdue, gaj.satisfaction_rate) == (2, 1, 1, 1, 0.0)
    assert (pending.received, pending.accepted, pending.open, pending.overdue) == (4, 0, 3, 1)
    assert pending.on_time_rate is None and pending.satisfaction_rate is None
    assert sum(row.received for row in rows) == letter_statistics()[0].received


def test_a_date_range_and_a_subset(letters):
    totals, rows = letter_statistics(start=date(2026, 9, 1), end=date(2026, 9, 1))
    assert (totals.received, totals.overdue) == (1, 1)
    assert [row.label for row in rows] == ["待转办"]
    jyj_only, _ = letter_statistics(Letter.objects.filter(unit__label="jyj"))
    assert jyj_only.received == 5
    # Overdue is counted against the given day: the day before the first deadline nothing is overdue.
    early, _ = letter_statistics(today=date(2026, 9, 2))
    assert early.overdue == 0


def test_nothing_to_count(db):
    totals, rows = letter_statistics()
    assert (totals.received, totals.on_time_rate, totals.satisfaction_rate, totals.average_rating) == (
        0,
        None,
        None,
        None,
    )
    assert rows == []


def test_rating_distribution(letters):
    assert rating_distribution() == [
        ("非常满意", 1),
        ("满意", 0),
        ("基本满意", 1),
        ("不满意", 1),
        ("非常不满意", 1),
    ]


def test_a_constant_number_of_queries_whatever_the_number_of_units(world, django_assert_num_queries):
    handled_by(world, world.jyj, rating=5)
    with django_assert_num_queries(3):  # totals, unit names, per-unit rows
        _totals, rows = letter_statistics()
    assert len(rows) == 1
    for label in ("gaj", "lancun"):
        handled_by(world, Organisation.objects.get(label=label), rating=4)
    bring_to(world, S.SUBMITTED)
    with django_assert_num_queries(3):
        totals, rows = letter_statistics()
    assert len(rows) == 4 and totals.received == 4


def test_the_reply_day_decides_on_time(world):
    """Replied on the due day counts as on time; a day later does not."""
    on_day = bring_to(world, S.REPLY_REVIEW)
    due = on_day.reply_due
    with mock.patch("django.utils.timezone.now", return_value=at(due, 23, 59)):
        workflow.perform(on_day, "approve_reply", world["jyj_admin"])
    late = bring_to(world, S.REPLY_REVIEW)
    with mock.patch("django.utils.timezone.now", return_value=at(late.reply_due + timedelta(days=1), 0, 1)):
        workflow.perform(late, "approve_reply", world["jyj_admin"])
    assert (fresh(on_day).on_time, fresh(late).on_time) == (True, False)
    totals, _ = letter_statistics()
    assert (totals.replied, totals.on_time, totals.on_time_rate) == (2, 1, 50.0)
