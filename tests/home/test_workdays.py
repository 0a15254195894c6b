"""Statutory clocks count working days on China's calendar, 调休 included."""

from datetime import date

import pytest

from home.models import WorkdayOverride
from home.workdays import add_workdays, is_confirmed, is_workday, workdays_between

pytestmark = pytest.mark.django_db


def test_make_up_working_weekends_and_holidays():
    assert is_workday(date(2026, 2, 14))  # Saturday before 春节: 调休上班
    assert not is_workday(date(2026, 2, 16))  # Monday in 春节 holiday
    assert not is_workday(date(2026, 10, 1))  # 国庆
    assert is_workday(date(2026, 9, 20))  # Sunday: 调休上班
    assert not is_workday(date(2026, 11, 28))  # an ordinary Saturday


def test_two_working_days_from_a_friday_fall_on_tuesday():
    assert add_workdays(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_deadline_counts_across_a_holiday_and_a_make_up_weekend():
    # Received Friday 2026-09-18. Sunday 9-20 is a working day; 9-25..27 中秋, 10-1..7 国庆.
    assert add_workdays(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert add_workdays(date(2026, 9, 18), 15) == date(2026, 10, 15)
    assert workdays_between(date(2026, 9, 18), date(2026, 10, 15)) == 15
    # Saturday 10-10 is a make-up working day, Sunday 10-11 is not.
    assert workdays_between(date(2026, 10, 9), date(2026, 10, 12)) == 2


def test_years_the_package_does_not_know_fall_back_to_weekends_and_take_overrides():
    assert is_confirmed(2026)
    assert not is_confirmed(2030)
    assert is_workday(date(2030, 1, 2)) and not is_workday(date(2030, 1, 5))
    WorkdayOverride.objects.create(date=date(2030, 1, 2), is_workday=False, note="测试：元旦调休")
    assert not is_workday(date(2030, 1, 2))
    assert is_confirmed(2030)
    assert add_workdays(date(2030, 1, 1), 1) == date(2030, 1, 3)


def test_an_override_wins_over_the_national_schedule_and_is_forgotten_when_deleted():
    override = WorkdayOverride.objects.create(date=date(2026, 12, 1), is_workday=False, note="测试")
    assert not is_workday(date(2026, 12, 1))
    override.delete()
    assert is_workday(date(2026, 12, 1))


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2026, 11, 27), -1)
