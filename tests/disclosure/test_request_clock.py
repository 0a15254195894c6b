"""The statutory clock of disclosure requests on China's 2026 calendar (chinesecalendar 2026):
中秋 9-25..27, 国庆 10-1..7, make-up working days Sunday 9-20 and Saturday 10-10.

Every expected date below is counted by hand from that calendar, not with the code under test.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from disclosure import workflow
from disclosure.models import DisclosureRequest
from home.models import WorkdayOverride
from tests.factories.disclosure import clock, file_request, moment

pytestmark = pytest.mark.django_db
S = DisclosureRequest.State


@pytest.fixture
def users(db):
    User = get_user_model()
    return {name: User.objects.get(username=name) for name in ("jyj_editor", "jyj_admin")}


def received_on(day, hour=10, minute=0, unit="jyj"):
    when = moment(day, hour, minute)
    with clock(when):
        request, _code = file_request(unit, received_at=when)
    return request


def act(request, action, user, day, note="办理说明", hour=10, **params):
    with clock(moment(day, hour)):
        return workflow.perform(request, action, user, note=note, **params)


def applicant(request, action, day, note="补正：所需信息为2026年城区小学学区划分方案。"):
    with clock(moment(day, 20)):
        return workflow.applicant_action(request, action, note)


# --- 20 working days ------------------------------------------------------------------------------


def test_twenty_working_days_skip_mid_autumn_and_national_day_and_count_the_make_up_saturday():
    # From Mon 9-21: 22 23 24 | 28 29 30 | 10-8 9 10(Sat) | 12..16 | 19..23 | 26 = 20th.
    request = received_on("2026-09-21")
    assert request.clock_start == date(2026, 9, 21)
    assert request.due_date == date(2026, 10, 26)
    assert request.clarification_due == date(2026, 10, 8)


def test_the_make_up_sunday_counts_too():
    # From Fri 9-18: 20(Sun) 21 22 23 24 | 28 29 30 | 10-8 9 10 | 12..16 | 19 20 21 22 = 20th.
    request = received_on("2026-09-18", 16, 30)
    assert request.due_date == date(2026, 10, 22)


def test_a_request_received_on_the_eve_of_national_day_starts_counting_after_it():
    # Wed 9-30 late afternoon: 10-8 9 10 | 12..16 | 19..23 | 26..30 | 11-2 3 = 20th.
    request = received_on("2026-09-30", 16, 35)
    assert request.due_date == date(2026, 11, 3)
    assert request.clarification_due == date(2026, 10, 15)


def test_the_day_of_receipt_is_the_shanghai_date():
    # 07:30 in Shanghai on 9-30 is still 9-29 in UTC; the clock starts from 9-30.
    request = received_on("2026-09-30", 7, 30)
    assert request.clock_start == date(2026, 9, 30)
    assert request.due_date == date(2026, 11, 3)


def test_a_request_filed_during_the_holiday_counts_from_the_first_working_day():
    request = received_on("2026-10-03", 21, 10)
    # 10-8 9 10 | 12..16 | 19..23 | 26..30 | 11-2 3 = 20th, as for the eve.
    assert request.due_date == date(2026, 11, 3)


# --- Extension ------------------------------------------------------------------------------------


def test_the_head_extends_by_n_working_days_once(users):
    request = received_on("2026-09-21")
    request = act(request, "extend", users["jyj_admin"], "2026-10-20", days=10)
    # 10-26 + 10 working days: 27 28 29 30 | 11-2 3 4 5 6 | 9.
    assert request.extension_days == 10
    assert request.due_date == date(2026, 11, 9)
    assert request.events.last().due_date == date(2026, 11, 9)
    with pytest.raises(workflow.TransitionError, match="只能延长一次"):
        act(request, "extend", users["jyj_admin"], "2026-10-21", days=5)


@pytest.mark.parametrize("days", [0, 21, "", "十", None])
def test_an_extension_is_one_to_twenty_working_days(users, days):
    request = received_on("2026-09-21")
    with pytest.raises(ValidationError) as error:
        act(request, "extend", users["jyj_admin"], "2026-10-20", days=days)
    assert "days" in error.value.message_dict
    request.refresh_from_db()
    assert request.extension_days == 0 and request.due_date == date(2026, 10, 26)


def test_twenty_more_working_days_is_the_maximum(users):
    request = received_on("2026-09-21")
    request = act(request, "extend", users["jyj_admin"], "2026-10-20", days=20)
    # 10-26 + 20: 27..30 (4) | 11-2..6 (9) | 9..13 (14) | 16..20 (19) | 23 = 20th.
    assert request.due_date == date(2026, 11, 23)


# --- Clarification (补正) ---------------------------------------------------------------------------


def test_clarification_restarts_the_clock_from_the_day_it_arrives(users):
    request = received_on("2026-09-21")
    request = act(
        request, "request_clarification", users["jyj_editor"], "2026-09-23", note="请说明所需信息的年份。"
    )
    assert request.state == S.CLARIFICATION
    request = applicant(request, "clarify", "2026-10-09")
    # From Fri 10-9: 10(Sat) 12..16 | 19..23 | 26..30 | 11-2 3 4 5 = 20th.
    assert request.state == S.RECEIVED
    assert request.clock_start == date(2026, 10, 9)
    assert request.due_date == date(2026, 11, 5)
    # The clarification window stays the one from receipt.
    assert request.clarification_due == date(2026, 10, 8)


def test_while_waiting_for_the_applicant_the_request_is_not_overdue(users):
    request = received_on("2026-09-21")
    act(request, "request_clarification", users["jyj_editor"], "2026-09-22", note="请说明所需信息的年份。")
    request.refresh_from_db()
    assert not request.is_overdue(today=date(2026, 11, 30))
    assert not DisclosureRequest.objects.overdue(date(2026, 11, 30)).filter(pk=request.pk).exists()


def test_clarification_can_be_asked_on_the_seventh_working_day(users):
    request = received_on("2026-09-21")
    request = act(request, "request_clarification", users["jyj_editor"], "2026-10-08", note="请补充文号。")
    assert request.state == S.CLARIFICATION


def test_clarification_cannot_be_asked_after_seven_working_days(users):
    request = received_on("2026-09-21")
    with clock("2026-10-09"):
        assert "request_clarification" not in workflow.available_actions(users["jyj_editor"], request)
        with pytest.raises(workflow.TransitionError, match="7 个工作日"):
            workflow.perform(request, "request_clarification", users["jyj_editor"], note="请补充文号。")
    request.refresh_from_db()
    assert request.state == S.RECEIVED and request.clarification_requested_at is None


def test_clarification_is_asked_only_once(users):
    request = received_on("2026-09-21")
    act(request, "request_clarification", users["jyj_editor"], "2026-09-22", note="请说明所需信息的年份。")
    request = applicant(request, "clarify", "2026-09-23")
    with clock("2026-09-24"):
        assert "request_clarification" not in workflow.available_actions(users["jyj_editor"], request)
        with pytest.raises(workflow.TransitionError, match="一次性"):
            workflow.perform(request, "request_clarification", users["jyj_editor"], note="再次补正。")


# --- Consultation ---------------------------------------------------------------------------------


def test_consultation_days_are_not_counted(users):
    request = received_on("2026-09-21")
    request = act(request, "start_consultation", users["jyj_editor"], "2026-09-24", note="征求第三方意见。")
    assert request.state == S.CONSULTING and request.consultation_started == date(2026, 9, 24)
    request = act(request, "end_consultation", users["jyj_editor"], "2026-10-12")
    # Paused after 9-24 through 10-12: 28 29 30 | 10-8 9 10 | 12 = 7 working days.
    assert request.paused_workdays == 7
    assert request.consultation_started is None
    # 10-26 + 7: 27 28 29 30 | 11-2 3 4.
    assert request.due_date == date(2026, 11, 4)


def test_two_consultations_add_up(users):
    request = received_on("2026-11-02")
    act(request, "start_consultation", users["jyj_editor"], "2026-11-03", note="征求第三方意见。")
    act(request, "end_consultation", users["jyj_editor"], "2026-11-05")
    act(request, "start_consultation", users["jyj_editor"], "2026-11-09", note="再次征求意见。")
    request = act(request, "end_consultation", users["jyj_editor"], "2026-11-10")
    assert request.paused_workdays == 3  # 11-4, 11-5 and 11-10
    # From 11-2: 20 working days = 11-30; + 3 = 12-3.
    assert request.due_date == date(2026, 12, 3)


def test_a_request_under_consultation_is_not_overdue_while_the_clock_is_paused(users):
    request = received_on("2026-09-21")
    act(request, "start_consultation", users["jyj_editor"], "2026-10-20", note="征求第三方意见。")
    request.refresh_from_db()
    # Due 10-26 without the pause; on 10-30 the consultation is still running.
    assert not request.is_overdue(today=date(2026, 10, 30))
    assert not DisclosureRequest.objects.overdue(date(2026, 10, 30)).filter(pk=request.pk).exists()
    # Once the third party has answered, the paused days extend the date: 10-21..23, 26..30 = 8.
    request = act(request, "end_consultation", users["jyj_editor"], "2026-10-30")
    assert request.paused_workdays == 8
    assert request.due_date == date(2026, 11, 5)
    assert not request.is_overdue(today=date(2026, 11, 5))


# --- Calendar corrections -------------------------------------------------------------------------


def test_open_deadlines_follow_a_calendar_correction_and_closed_ones_do_not(users):
    open_request = received_on("2026-09-21")
    answered = received_on("2026-09-21", 11)
    act(answered, "answer", users["jyj_editor"], "2026-09-25", note="予以公开，详见附件。", result="open")
    answered.refresh_from_db()
    assert answered.due_date == date(2026, 10, 26)

    override = WorkdayOverride.objects.create(
        date=date(2026, 10, 23), is_workday=False, note="测试：临时放假"
    )
    open_request.refresh_from_db()
    answered.refresh_from_db()
    assert open_request.due_date == date(2026, 10, 27)
    assert answered.due_date == date(2026, 10, 26)

    override.delete()
    open_request.refresh_from_db()
    assert open_request.due_date == date(2026, 10, 26)


def test_a_make_up_working_day_entered_later_brings_the_deadline_forward(users):
    request = received_on("2026-09-21")
    WorkdayOverride.objects.create(date=date(2026, 10, 11), is_workday=True, note="测试：调休上班")
    request.refresh_from_db()
    assert request.due_date == date(2026, 10, 23)
    assert request.clarification_due == date(2026, 10, 8)  # the 7th working day is before 10-11


def test_the_clarification_window_follows_the_calendar_too():
    request = received_on("2026-09-21")
    WorkdayOverride.objects.create(date=date(2026, 9, 22), is_workday=False, note="测试")
    request.refresh_from_db()
    # 23 24 | 28 29 30 | 10-8 9 = 7th.
    assert request.clarification_due == date(2026, 10, 9)


# --- On time ----------------------------------------------------------------------------------------


def test_an_answer_on_the_due_date_is_on_time(users):
    request = received_on("2026-09-21")
    request = act(
        request, "answer", users["jyj_editor"], "2026-10-26", hour=17, note="予以公开。", result="open"
    )
    assert request.state == S.ANSWERED and request.on_time is True


def test_an_answer_the_next_working_day_is_late(users):
    request = received_on("2026-09-21")
    request = act(
        request, "answer", users["jyj_editor"], "2026-10-27", hour=9, note="予以公开。", result="open"
    )
    assert request.on_time is False


def test_an_extended_request_answered_after_the_original_date_is_on_time(users):
    request = received_on("2026-09-21")
    act(request, "extend", users["jyj_admin"], "2026-10-22", note="材料较多，需延期。", days=5)
    request = act(request, "answer", users["jyj_editor"], "2026-10-30", note="予以公开。", result="open")
    assert request.due_date == date(2026, 11, 2)
    assert request.on_time is True


def test_an_unanswered_request_is_overdue_the_day_after_its_due_date():
    request = received_on("2026-09-21")
    assert not request.is_overdue(today=date(2026, 10, 26))
    assert request.is_overdue(today=date(2026, 10, 27))
    assert list(DisclosureRequest.objects.overdue(date(2026, 10, 27))) == [request]
