"""Figures about what people search for, from QueryLog and ClickLog: top queries with their
click-through, queries that found nothing (content gaps), daily volume, and 热门搜索.

Every function reads a bounded window (at most a year) and returns at most MAX_LIMIT rows, each
with one or two grouped queries, so the analytics page stays fast however large the logs grow.
Click-through is "searches with at least one click ÷ searches": several clicks on one result
page count once, so a visitor opening five results does not make a query look five times better.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from search.models import ClickLog, QueryLog

MAX_DAYS = 366
MAX_LIMIT = 500
HOT_CACHE_KEY = "search:hot:v1"
HOT_CACHE_SECONDS = 600


def _days(days):
    return min(max(int(days), 1), MAX_DAYS)


def _limit(limit):
    return min(max(int(limit), 1), MAX_LIMIT)


def window_start(days=30):
    """Start of the window: midnight (Asia/Shanghai) `days - 1` days ago, so "30 days" is today
    and the 29 days before it, the same days `daily_volume` lists."""
    today = timezone.localdate()
    first = today - timedelta(days=_days(days) - 1)
    return timezone.make_aware(timezone.datetime(first.year, first.month, first.day))


def _logs(days):
    return QueryLog.objects.filter(created_at__gte=window_start(days))


def _clicked():
    return Exists(ClickLog.objects.filter(query_log=OuterRef("pk")))


def _zero():
    return Q(results=0)


def _rate(part, whole):
    """Percentage with one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class QueryFigures:
    query: str
    searches: int
    clicked: int  # searches with at least one click on a result
    zero_results: int  # searches that found nothing
    last_results: int | None = None

    @property
    def click_through(self):
        return _rate(self.clicked, self.searches)


def top_queries(days=30, limit=50):
    """The most searched queries of the window, most frequent first, with click-through."""
    rows = (
        _logs(days)
        .values("query")
        .annotate(
            searches=Count("pk"),
            clicked=Count("pk", filter=_clicked()),
            zero_results=Count("pk", filter=_zero()),
        )
        .order_by("-searches", "query")[: _limit(limit)]
    )
    return [QueryFigures(**row) for row in rows]


@dataclass(frozen=True)
class GapFigures:
    query: str
    searches: int
    last_searched: object  # aware datetime of the latest search


def zero_result_queries(days=30, limit=50):
    """Queries that found nothing, most frequent first: the content (or synonyms) people miss."""
    rows = (
        _logs(days)
        .filter(results=0)
        .values("query")
        .annotate(searches=Count("pk"), last_searched=Max("created_at"))
        .order_by("-searches", "-last_searched", "query")[: _limit(limit)]
    )
    return [GapFigures(**row) for row in rows]


@dataclass(frozen=True)
class ClickThrough:
    searches: int
    clicked: int
    clicks: int
    zero_results: int

    @property
    def rate(self):
        return _rate(self.clicked, self.searches)

    @property
    def zero_rate(self):
        return _rate(self.zero_results, self.searches)


def click_through(days=30):
    """Totals of the window: searches, searches with a click, clicks, searches without results."""
    logs = _logs(days)
    totals = logs.aggregate(
        searches=Count("pk"), clicked=Count("pk", filter=_clicked()), zero_results=Count("pk", filter=_zero())
    )
    clicks = ClickLog.objects.filter(query_log__in=logs.values("pk")).count()
    return ClickThrough(clicks=clicks, **totals)


@dataclass(frozen=True)
class DayFigures:
    date: object  # datetime.date
    searches: int
    zero_results: int


def daily_volume(days=30):
    """One row per day of the window, oldest first, days without searches included (0)."""
    days = _days(days)
    counted = {
        row["day"]: row
        for row in _logs(days)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(searches=Count("pk"), zero_results=Count("pk", filter=_zero()))
        .order_by("day")
    }
    first = timezone.localdate() - timedelta(days=days - 1)
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = counted.get(day, {})
        rows.append(DayFigures(day, row.get("searches", 0), row.get("zero_results", 0)))
    return rows


def hot_searches(days=30, limit=8):
    """热门搜索: the most searched queries that found something, without blocking 错敏词.

    Cached for ten minutes: it is shown on every search page. Queries that found nothing are left
    out (they lead nowhere), and so is anything an editor would not publish, since a flood of
    searches must not put a word on every site of the group.
    """
    cached = cache.get(HOT_CACHE_KEY)
    if cached is not None:
        return cached[:limit]
    from workflows.word_check import check_text

    rows = (
        _logs(days)
        .filter(results__gt=0)
        .values("query")
        .annotate(searches=Count("pk"))
        .order_by("-searches", "query")[: max(limit, 8) * 3]
    )
    hot = []
    for row in rows:
        query = row["query"]
        if check_text({"搜索词": query}).blocking:
            continue
        hot.append(query)
        if len(hot) >= max(limit, 8):
            break
    cache.set(HOT_CACHE_KEY, hot, HOT_CACHE_SECONDS)
    return hot[:limit]
