"""search/analytics.py: top queries with click-through, content gaps, daily volume, 热门搜索."""

from datetime import timedelta

import pytest
from django.utils import timezone

from search import analytics
from search.models import ClickLog, QueryLog
from workflows.word_models import SensitiveWord

pytestmark = pytest.mark.django_db


def searched(query, results=3, days_ago=0, clicks=0):
    log = QueryLog.objects.create(
        query=query, results=results, created_at=timezone.now() - timedelta(days=days_ago)
    )
    for position in range(1, clicks + 1):
        ClickLog.objects.create(query_log=log, url="/jmyw/a1/", position=position)
    return log


@pytest.fixture
def logs(db):
    for _ in range(3):
        searched("公积金", clicks=1)
    searched("公积金", clicks=0)
    searched("社保", clicks=2)  # two clicks on one search count once for click-through
    searched("社保", clicks=0, days_ago=1)
    searched("不存在的词", results=0, days_ago=2)
    searched("不存在的词", results=0)
    searched("去年的词", days_ago=40)  # outside the 30-day window


def test_top_queries_are_counted_with_click_through(logs):
    top = analytics.top_queries(days=30)
    assert [(f.query, f.searches, f.clicked) for f in top] == [
        ("公积金", 4, 3),
        ("不存在的词", 2, 0),
        ("社保", 2, 1),
    ]
    assert top[0].click_through == 75.0
    assert top[2].click_through == 50.0
    assert top[1].zero_results == 2
    assert analytics.top_queries(days=30, limit=1)[0].query == "公积金"
    assert "去年的词" in [f.query for f in analytics.top_queries(days=90)]


def test_zero_result_queries_list_the_content_gaps(logs):
    gaps = analytics.zero_result_queries(days=30)
    assert [(g.query, g.searches) for g in gaps] == [("不存在的词", 2)]
    assert gaps[0].last_searched > timezone.now() - timedelta(minutes=5)


def test_click_through_totals(logs):
    totals = analytics.click_through(days=30)
    assert (totals.searches, totals.clicked, totals.clicks, totals.zero_results) == (8, 4, 5, 2)
    assert totals.rate == 50.0
    assert totals.zero_rate == 25.0
    empty = analytics.click_through(days=1)
    assert empty.searches == 6  # today's searches only
    QueryLog.objects.all().delete()
    assert analytics.click_through().rate is None


def test_daily_volume_has_every_day_of_the_window(logs):
    days = analytics.daily_volume(days=30)
    assert len(days) == 30
    today = timezone.localdate()
    assert days[-1].date == today and days[0].date == today - timedelta(days=29)
    by_date = {day.date: (day.searches, day.zero_results) for day in days}
    assert by_date[today] == (6, 1)
    assert by_date[today - timedelta(days=1)] == (1, 0)
    assert by_date[today - timedelta(days=2)] == (1, 1)
    assert sum(day.searches for day in days) == 8


def test_windows_and_limits_are_bounded(logs):
    assert len(analytics.daily_volume(days=100000)) == analytics.MAX_DAYS
    assert len(analytics.daily_volume(days=0)) == 1
    assert len(analytics.top_queries(days=30, limit=10**9)) == 3


def test_hot_searches_skip_empty_results_and_blocked_words(logs):
    SensitiveWord.objects.create(word="违禁词", severity=SensitiveWord.Severity.BLOCK)
    for _ in range(10):
        searched("违禁词测试")
    hot = analytics.hot_searches()
    assert hot == ["公积金", "社保"]
    assert "不存在的词" not in hot and "去年的词" not in hot
    # Cached for the page: a new search shows up only when the cache expires.
    searched("新词")
    assert "新词" not in analytics.hot_searches()
    from django.core.cache import cache

    cache.delete(analytics.HOT_CACHE_KEY)
    assert "新词" in analytics.hot_searches()
