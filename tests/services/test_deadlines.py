"""Clocks of applications: the one-working-day 预审, the promised and legal clocks from acceptance
(weekends, 2026's 国庆/中秋 holidays and 调休 make-up days), recomputation when the calendar
changes, handling time and what counts as overdue.

Applications are submitted on fixed dates in the past (submitted_at); acceptance and later
steps are dated by patching django.utils.timezone.now while the clerk acts.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from home.models import WorkdayOverride
from home.workdays import add_workdays, is_workday
from services import workflow
from services.models import Application
from tests.factories.services import apply
from tests.services.test_workflow_transitions import (
    SUPPLEMENT_NOTE,
    bring_to,
    events_of,
    fresh,
    make_world,
    slot_files,
)

S = Application.State
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


def step(application, action, user, moment, **params):
    with now_is(moment):
        workflow.perform(application, action, user, **params)
    return fresh(application)


def accepted(world, submitted, accepted_at):
    application = apply(world.item, submitted_at=submitted)
    return step(application, "accept", world["jyj_editor"], accepted_at)


def closed(world, accepted_at, routed_at, decided_at, closed_at):
    """An application accepted, routed, approved and closed at the given moments."""
    application = accepted(world, accepted_at - timedelta(days=1), accepted_at)
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    step(application, "route", clerk, routed_at, assignee=head, post="审批岗")
    step(application, "approve", head, decided_at)
    return step(application, "close", clerk, closed_at)


def test_the_2026_calendar_the_tests_rely_on(db):
    """The package's 2026 schedule: if it ever changes, the dates below must be revisited."""
    assert not is_workday(date(2026, 11, 21)) and not is_workday(date(2026, 11, 22))  # a weekend
    assert is_workday(date(2026, 9, 20))  # Sunday, 调休上班 before 国庆
    assert not any(is_workday(date(2026, 9, d)) for d in (25, 26, 27))  # 中秋
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))  # 国庆
    assert is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert not is_workday(date(2026, 10, 11))


# --- 预审: one working day from submission ----------------------------------------------------------


def test_the_precheck_takes_one_working_day_across_a_weekend(world):
    friday = apply(world.item, submitted_at=at(2026, 11, 20, 16, 45))
    saturday = apply(world.item, submitted_at=at(2026, 11, 21, 9))
    sunday = apply(world.item, submitted_at=at(2026, 11, 22, 23, 50))
    thursday = apply(world.item, submitted_at=at(2026, 11, 19, 11))
    assert friday.precheck_due == saturday.precheck_due == sunday.precheck_due == date(2026, 11, 23)
    assert thursday.precheck_due == date(2026, 11, 20)
    assert fresh(friday).precheck_due == date(2026, 11, 23)  # stored, not only computed
    assert friday.current_due == date(2026, 11, 23)
    assert events_of(friday)[0].due == date(2026, 11, 23)


def test_the_day_of_submission_is_the_local_day_in_shanghai(world):
    # 07:00 on Thursday in Shanghai is still Wednesday in UTC: the clock starts on Thursday.
    application = apply(world.item, submitted_at=at(2026, 11, 19, 7))
    assert application.precheck_due == date(2026, 11, 20)
    assert application.receipt_number.startswith("SQ20261119")


def test_the_precheck_waits_for_holidays_and_counts_make_up_days(world):
    eve = apply(world.item, submitted_at=at(2026, 9, 30, 17))
    assert eve.precheck_due == date(2026, 10, 8)  # 国庆 10-01…10-07
    inside = apply(world.item, submitted_at=at(2026, 10, 3, 20))
    assert inside.precheck_due == date(2026, 10, 8)
    before_mid_autumn = apply(world.item, submitted_at=at(2026, 9, 24, 15))
    assert before_mid_autumn.precheck_due == date(2026, 9, 28)  # 中秋 09-25…09-27
    before_make_up_sunday = apply(world.item, submitted_at=at(2026, 9, 18, 15))
    assert before_make_up_sunday.precheck_due == date(2026, 9, 20)  # Sunday, 调休上班
    make_up_saturday = apply(world.item, submitted_at=at(2026, 10, 10, 9))
    assert make_up_saturday.precheck_due == date(2026, 10, 12)  # Sunday 10-11 is a rest day


def test_a_resubmission_restarts_the_precheck_clock(world):
    application = apply(world.item, submitted_at=at(2026, 11, 18, 9))
    assert application.precheck_due == date(2026, 11, 19)
    step(application, "request_supplement", world["jyj_editor"], at(2026, 11, 19, 9), note=SUPPLEMENT_NOTE)
    with now_is(at(2026, 11, 20, 16)):
        workflow.applicant_action(
            application, "resubmit", files_by_slot=slot_files(world.item, "儿童出生医学证明")
        )
    application = fresh(application)
    assert application.submitted_at == at(2026, 11, 20, 16)
    assert application.precheck_due == date(2026, 11, 23)
    assert events_of(application)[-1].due == date(2026, 11, 23)
    assert application.receipt_number.startswith("SQ20261118")  # the receipt number stays


# --- The promised and legal clocks, from acceptance -------------------------------------------------


def test_the_promised_and_legal_clocks_count_from_acceptance_across_national_day(world):
    application = apply(world.item, submitted_at=at(2026, 9, 29, 10))
    assert (application.promised_due, application.legal_due) == (None, None)
    application = step(application, "accept", world["jyj_editor"], at(2026, 9, 30, 15))
    assert application.accepted_at == at(2026, 9, 30, 15)
    assert application.precheck_due == date(2026, 9, 30)  # the precheck clock does not move
    # 10-08, 09, 10 (Saturday, 调休上班), 12, 13: five working days.
    assert application.promised_due == add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert application.legal_due == add_workdays(date(2026, 9, 30), 20) == date(2026, 11, 3)
    assert application.current_due == date(2026, 10, 13)
    assert events_of(application)[-1].due == date(2026, 10, 13)


def test_a_make_up_day_counts_towards_the_promise(world):
    friday = accepted(world, at(2026, 9, 17), at(2026, 9, 18, 15))
    assert friday.promised_due == date(2026, 9, 24)  # Sunday 09-20 (调休上班), 21, 22, 23, 24
    assert friday.legal_due == add_workdays(date(2026, 9, 18), 20) == date(2026, 10, 22)
    saturday = accepted(world, at(2026, 10, 9), at(2026, 10, 10, 9))
    assert saturday.promised_due == date(2026, 10, 16)  # Sunday 10-11 is a rest day


def test_the_day_of_acceptance_is_the_local_day_in_shanghai(world):
    # 07:00 on 10-08 in Shanghai is still 10-07 (inside the holiday) in UTC.
    application = accepted(world, at(2026, 9, 30), at(2026, 10, 8, 7))
    assert application.promised_due == date(2026, 10, 14)


def test_a_step_is_due_between_today_and_the_promised_date(world):
    application = accepted(world, at(2026, 9, 29), at(2026, 9, 30, 15))
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    for due in (date(2026, 10, 14), date(2026, 10, 8)):
        with pytest.raises(ValidationError) as refused, now_is(at(2026, 10, 9, 9)):
            workflow.perform(application, "route", clerk, assignee=head, post="审批岗", due=due)
        assert "due" in refused.value.message_dict
    application = step(
        application, "route", clerk, at(2026, 10, 9, 9), assignee=head, post="审批岗", due=date(2026, 10, 12)
    )
    assert (application.step_due, application.promised_due) == (date(2026, 10, 12), date(2026, 10, 13))
    assert application.current_due == date(2026, 10, 12)
    # Without a date the step gets the whole promise.
    application = step(application, "route", head, at(2026, 10, 12, 9), assignee=clerk, post="审核岗")
    assert application.step_due == application.current_due == date(2026, 10, 13)


# --- Handling time and on-time closing ------------------------------------------------------------


def test_handling_workdays_count_from_acceptance_to_closing(world):
    on_time = closed(
        world, at(2026, 9, 30, 15), at(2026, 10, 8, 9), at(2026, 10, 12, 9), at(2026, 10, 13, 10)
    )
    assert workflow.handling_workdays(on_time) == 5  # 10-08, 09, 10, 12, 13
    assert on_time.on_time is True
    late = closed(world, at(2026, 9, 30, 15), at(2026, 10, 8, 9), at(2026, 10, 13, 9), at(2026, 10, 14, 10))
    assert workflow.handling_workdays(late) == 6
    assert late.on_time is False
    same_day = closed(
        world, at(2026, 11, 23, 9), at(2026, 11, 23, 10), at(2026, 11, 23, 11), at(2026, 11, 23, 16)
    )
    assert workflow.handling_workdays(same_day) == 0
    assert workflow.handling_workdays(accepted(world, at(2026, 9, 29), at(2026, 9, 30, 15))) is None
    assert workflow.handling_workdays(apply(world.item, submitted_at=at(2026, 9, 29))) is None


# --- Recompute on calendar change -----------------------------------------------------------------


def dates(application):
    application = fresh(application)
    return (application.precheck_due, application.promised_due, application.legal_due)


def test_a_calendar_change_moves_open_clocks_and_leaves_finished_ones(world):
    waiting = apply(world.item, submitted_at=at(2026, 9, 18, 9))
    handling = accepted(world, at(2026, 9, 17), at(2026, 9, 18, 15))
    finished = closed(world, at(2026, 9, 18, 15), at(2026, 9, 21, 9), at(2026, 9, 22, 9), at(2026, 9, 23, 9))
    rejected = apply(world.item, submitted_at=at(2026, 9, 18, 9))
    step(rejected, "reject", world["jyj_editor"], at(2026, 9, 18, 11), note="不符合受理条件。")
    before = {app.pk: dates(app) for app in (waiting, handling, finished, rejected)}
    assert before[waiting.pk] == (date(2026, 9, 20), None, None)
    assert before[handling.pk] == (date(2026, 9, 18), date(2026, 9, 24), date(2026, 10, 22))
    assert before[finished.pk][1:] == before[handling.pk][1:]

    # Tuesday 09-22 becomes a rest day: open clocks that span it move one working day.
    tuesday = WorkdayOverride.objects.create(date=date(2026, 9, 22), is_workday=False, note="测试：临时放假")
    assert dates(handling) == (date(2026, 9, 18), date(2026, 9, 28), date(2026, 10, 23))
    assert dates(handling)[1] == add_workdays(date(2026, 9, 18), 5)
    assert dates(waiting) == before[waiting.pk]  # not in its window
    assert dates(finished) == before[finished.pk]
    assert dates(rejected) == before[rejected.pk]

    # The 调休 Sunday 09-20 cancelled too: the precheck moves to Monday.
    sunday = WorkdayOverride.objects.create(date=date(2026, 9, 20), is_workday=False)
    assert dates(waiting) == (date(2026, 9, 21), None, None)
    assert dates(handling)[1:] == (date(2026, 9, 29), date(2026, 10, 26))

    tuesday.delete()
    sunday.delete()
    for application in (waiting, handling, finished, rejected):
        assert dates(application) == before[application.pk]

    # A new make-up Sunday (10-11) brings the legal date one working day earlier.
    WorkdayOverride.objects.create(date=date(2026, 10, 11), is_workday=True, note="测试：调休上班")
    assert dates(handling)[1:] == (date(2026, 9, 24), date(2026, 10, 21))
    assert dates(finished) == before[finished.pk]


def test_an_edited_override_recomputes_too(world):
    handling = accepted(world, at(2026, 9, 17), at(2026, 9, 18, 15))
    override = WorkdayOverride.objects.create(date=date(2026, 9, 22), is_workday=False)
    assert dates(handling)[1] == date(2026, 9, 28)
    override.is_workday = True
    override.save()
    assert dates(handling)[1] == date(2026, 9, 24)


# --- What counts as overdue -----------------------------------------------------------------------

TODAY = date(2026, 12, 1)


@pytest.fixture
def due_dates(world):
    """Applications in every state with clocks set around TODAY."""

    def make(state, **clocks):
        application = bring_to(world, state)
        Application.objects.filter(pk=application.pk).update(**clocks)
        return fresh(application)

    past, future = TODAY - timedelta(days=2), TODAY + timedelta(days=3)
    return {
        "accepted-late": make(S.ACCEPTED, promised_due=past),
        "accepted-on-time": make(S.ACCEPTED, promised_due=TODAY),
        "review-step-late": make(S.IN_REVIEW, promised_due=future, step_due=past),
        "review-late": make(S.IN_REVIEW, promised_due=past, step_due=past),
        "review-on-time": make(S.IN_REVIEW, promised_due=future, step_due=TODAY),
        "decided-late": make(S.DECIDED, promised_due=past, step_due=None),
        "decided-on-time": make(S.DECIDED, promised_due=future),
        "supplement": make(S.SUPPLEMENT, precheck_due=past),  # the applicant's turn: no clock
        "closed-late": make(S.CLOSED, promised_due=past),
        "rejected": make(S.REJECTED, precheck_due=past),
        "withdrawn": make(S.WITHDRAWN, precheck_due=past),
    }


def test_overdue_applications_after_acceptance(due_dates):
    overdue = set(Application.objects.overdue(TODAY).values_list("pk", flat=True))
    expected = {"accepted-late", "review-step-late", "review-late", "decided-late"}
    assert {key for key, app in due_dates.items() if app.pk in overdue} == expected
    for key, application in due_dates.items():
        assert application.is_overdue(TODAY) == (key in expected), key
    assert due_dates["review-step-late"].current_due == TODAY - timedelta(days=2)


def test_a_submitted_application_past_its_precheck_is_overdue_in_both(world):
    application = apply(world.item, submitted_at=at(2026, 11, 20, 9))
    assert application.precheck_due == date(2026, 11, 23)
    assert application.is_overdue(TODAY)
    assert Application.objects.overdue(TODAY).filter(pk=application.pk).exists()
