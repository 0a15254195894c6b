"""Statutory clocks of letters: working days on China's calendar (调休 included), calendar days for
信访, the reply clock from acceptance, extensions, and recomputation when the calendar changes.

Letters are received on fixed dates in the past (received_at); the acceptance time is fixed by
patching django.utils.timezone.now while the dispatcher accepts.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from forms import workflow
from forms.models import DayBasis, Letter
from home.models import WorkdayOverride
from home.workdays import add_workdays, is_workday
from tests.factories.letters import write_letter
from tests.forms.test_workflow_transitions import REPLY, fresh, make_world

S = Letter.State
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(db):
    return make_world()


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def now_is(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def accept(letter, user, moment):
    with now_is(moment):
        workflow.perform(letter, "accept", user)
    return fresh(letter)


def test_the_2026_calendar_the_tests_rely_on(db):
    """The package's 2026 schedule: if it ever changes, the dates below must be revisited."""
    assert not is_workday(date(2026, 11, 21)) and not is_workday(date(2026, 11, 22))  # a weekend
    assert is_workday(date(2026, 9, 20))  # Sunday, 调休上班 before 中秋/国庆
    assert not any(is_workday(date(2026, 9, d)) for d in (25, 26, 27))  # 中秋
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))  # 国庆
    assert is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert not is_workday(date(2026, 10, 11))


# --- Working days ---------------------------------------------------------------------------------


def test_two_working_days_from_a_friday_end_on_tuesday(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 11, 20, 16, 45))
    assert letter.accept_due == date(2026, 11, 24)
    assert letter.reply_due == add_workdays(date(2026, 11, 20), 15) == date(2026, 12, 11)
    assert fresh(letter).accept_due == date(2026, 11, 24)  # stored, not only computed


def test_a_letter_written_at_the_weekend_counts_from_monday(world):
    saturday, _ = write_letter(world.mayor, received_at=at(2026, 11, 21, 9))
    sunday, _ = write_letter(world.mayor, received_at=at(2026, 11, 22, 23, 50))
    assert saturday.accept_due == sunday.accept_due == date(2026, 11, 24)


def test_the_day_of_receipt_is_the_local_day_in_shanghai(world):
    # 07:00 on Thursday in Shanghai is still Wednesday in UTC: the clock starts on Thursday.
    letter, _ = write_letter(world.mayor, received_at=at(2026, 11, 19, 7))
    assert letter.received_date == date(2026, 11, 19)
    assert letter.accept_due == date(2026, 11, 23)
    assert letter.number.startswith("20261119")


def test_a_letter_received_on_the_eve_of_national_day_waits_for_the_holiday(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 9, 30, 17))
    assert letter.accept_due == date(2026, 10, 9)  # 10-08 and 10-09 are the first working days
    assert letter.reply_due == add_workdays(date(2026, 9, 30), 15)
    # 10-08, 09, 10 (Saturday, 调休上班), 12 … 27: fifteen working days.
    assert letter.reply_due == date(2026, 10, 27)


def test_a_make_up_sunday_counts_as_a_working_day(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 11))
    assert letter.accept_due == date(2026, 9, 21)  # Sunday 09-20 (调休上班) and Monday 09-21
    assert letter.reply_due == date(2026, 10, 15)  # across 中秋 and 国庆


def test_a_make_up_saturday_starts_the_clock_like_any_working_day(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 10, 10, 9))
    assert letter.accept_due == date(2026, 10, 13)  # Sunday 10-11 is a rest day


def test_a_letter_received_inside_the_holiday(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 10, 3, 20))
    assert letter.accept_due == date(2026, 10, 9)


def test_the_reply_clock_counts_from_acceptance(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))
    assert letter.reply_due == date(2026, 10, 15)  # from receipt while not yet accepted
    letter = accept(letter, world["dispatcher"], at(2026, 9, 30, 15))
    assert letter.accepted_at == at(2026, 9, 30, 15)
    assert letter.accept_due == date(2026, 9, 21)  # the acceptance clock does not move
    assert letter.reply_due == add_workdays(date(2026, 9, 30), 15) == date(2026, 10, 27)
    # Assigning afterwards does not restart the reply clock.
    with now_is(at(2026, 10, 9, 9)):
        workflow.perform(letter, "assign", world["dispatcher"], unit=world.jyj)
    assert fresh(letter).reply_due == date(2026, 10, 27)


def test_acceptance_on_a_units_own_box_starts_the_reply_clock_too(world):
    letter, _ = write_letter(world.director, received_at=at(2026, 11, 20, 9))
    letter = accept(letter, world["jyj_admin"], at(2026, 11, 23, 9))
    assert letter.state == S.ASSIGNED
    assert letter.reply_due == add_workdays(date(2026, 11, 23), 15) == date(2026, 12, 14)


def test_an_approved_extension_adds_working_days_to_the_reply_clock(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))
    letter = accept(letter, world["dispatcher"], at(2026, 9, 21, 9))
    workflow.perform(letter, "assign", world["dispatcher"], unit=world.jyj)
    assert fresh(letter).reply_due == add_workdays(date(2026, 9, 21), 15) == date(2026, 10, 19)
    workflow.perform(letter, "request_extension", world["jyj_editor"], note="需要多部门会商。")
    workflow.perform(letter, "approve_extension", world["supervisor"])
    assert fresh(letter).reply_due == add_workdays(date(2026, 9, 21), 30) == date(2026, 11, 9)


# --- Calendar days (信访) -------------------------------------------------------------------------


def test_petitions_count_calendar_days_across_holidays(world):
    letter, _ = write_letter(world.petition, received_at=at(2026, 9, 28, 10))
    assert letter.day_basis == DayBasis.CALENDAR
    assert (letter.accept_days, letter.reply_days, letter.max_extension_days) == (15, 60, 30)
    assert letter.accept_due == date(2026, 10, 13)  # 国庆 counts: calendar days ignore holidays
    assert letter.reply_due == date(2026, 11, 27)
    letter = accept(letter, world["dispatcher"], at(2026, 10, 4, 10))  # accepted during the holiday
    assert letter.reply_due == date(2026, 10, 4) + timedelta(days=60) == date(2026, 12, 3)
    workflow.perform(letter, "assign", world["dispatcher"], unit=world.gaj)
    workflow.perform(letter, "request_extension", world["gaj_editor"], note="需要调查取证。")
    workflow.perform(letter, "approve_extension", world["supervisor"])
    assert fresh(letter).reply_due == date(2026, 10, 4) + timedelta(days=90) == date(2027, 1, 2)


def test_a_box_rule_is_copied_so_later_changes_do_not_move_running_clocks(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 11, 20, 9))
    world.mayor.reply_days = 5
    world.mayor.save(update_fields=["reply_days"])
    workflow.recompute_open_deadlines()
    assert fresh(letter).reply_days == 15
    assert fresh(letter).reply_due == date(2026, 12, 11)
    later, _ = write_letter(world.mayor, received_at=at(2026, 11, 20, 9))
    assert later.reply_due == add_workdays(date(2026, 11, 20), 5)


# --- Recompute on calendar change -----------------------------------------------------------------


def test_a_new_rest_day_moves_open_working_day_clocks_and_deleting_it_moves_them_back(world):
    dispatcher = world["dispatcher"]
    waiting, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))  # submitted: open
    handled, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))
    handled = accept(handled, dispatcher, at(2026, 9, 18, 15))
    workflow.perform(handled, "assign", dispatcher, unit=world.jyj)
    closed, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))
    closed = accept(closed, dispatcher, at(2026, 9, 18, 15))
    workflow.perform(closed, "assign", dispatcher, unit=world.jyj)
    workflow.perform(closed, "submit_reply", world["jyj_editor"], reply=REPLY)
    workflow.perform(closed, "approve_reply", world["jyj_admin"])
    petition, _ = write_letter(world.petition, received_at=at(2026, 9, 18, 9))
    before = {
        letter.pk: (fresh(letter).accept_due, fresh(letter).reply_due)
        for letter in (waiting, handled, closed, petition)
    }
    assert before[waiting.pk] == before[handled.pk] == (date(2026, 9, 21), date(2026, 10, 15))
    assert fresh(closed).state == S.CLOSED and before[closed.pk] == before[handled.pk]

    # Monday 10-12 becomes a rest day: every open working-day clock that spans it moves one day.
    override = WorkdayOverride.objects.create(
        date=date(2026, 10, 12), is_workday=False, note="测试：临时放假"
    )
    assert fresh(waiting).reply_due == fresh(handled).reply_due == date(2026, 10, 16)
    assert fresh(waiting).accept_due == date(2026, 9, 21)  # not in its window
    assert (fresh(closed).accept_due, fresh(closed).reply_due) == before[closed.pk]
    assert (fresh(petition).accept_due, fresh(petition).reply_due) == before[petition.pk]

    override.delete()
    for letter in (waiting, handled, closed, petition):
        assert (fresh(letter).accept_due, fresh(letter).reply_due) == before[letter.pk]


def test_a_make_up_day_cancelled_or_added_moves_the_clocks_both_ways(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))
    # The 调休 Sunday 09-20 becomes a rest day: both clocks start one working day later.
    sunday = WorkdayOverride.objects.create(date=date(2026, 9, 20), is_workday=False)
    letter = fresh(letter)
    assert (letter.accept_due, letter.reply_due) == (date(2026, 9, 22), date(2026, 10, 16))
    sunday.delete()
    # Sunday 10-11 becomes a working day: the reply is due one working day earlier.
    WorkdayOverride.objects.create(date=date(2026, 10, 11), is_workday=True, note="测试：调休上班")
    letter = fresh(letter)
    assert (letter.accept_due, letter.reply_due) == (date(2026, 9, 21), date(2026, 10, 14))


def test_an_extension_survives_recomputation(world):
    letter, _ = write_letter(world.mayor, received_at=at(2026, 9, 18, 9))
    letter = accept(letter, world["dispatcher"], at(2026, 9, 18, 15))
    workflow.perform(letter, "assign", world["dispatcher"], unit=world.jyj)
    workflow.perform(letter, "request_extension", world["jyj_editor"], note="需要多部门会商。")
    workflow.perform(letter, "approve_extension", world["supervisor"])
    extended = fresh(letter).reply_due
    assert extended == add_workdays(date(2026, 9, 18), 30)
    inside = next(d for d in (extended - timedelta(days=n) for n in range(1, 10)) if is_workday(d))
    WorkdayOverride.objects.create(date=inside, is_workday=False)
    assert fresh(letter).reply_due == add_workdays(date(2026, 9, 18), 30) > extended
