"""天气预报: the importer over real HTTP (sample file, bad rows, unreachable and slow feeds, changed
fields, duplicates, warnings lifted only after a complete batch) and the public page (warnings
first, today, the next seven days, stale data, bad parameters, bounded queries)."""

import json
import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convenience.importers import sample_feed
from convenience.importers.weather import PLACES, in_force
from convenience.models.feeds import Feed, ImportRun
from convenience.models.weather import WeatherForecast, WeatherWarning
from convenience.services import import_sample
from convenience.views.weather import day_label
from tests.convenience.helpers import (
    address,
    assert_failures_keep_data,
    import_over_http,
    import_upload,
    page_get,
    rejected_reasons,
    text,
)
from tests.factories.convenience import lookup_page

pytestmark = pytest.mark.django_db

S = ImportRun.Status


# --- helpers ---------------------------------------------------------------------------------------


def forecast(place, day, **overrides):
    row = {
        "place": place,
        "date": day.isoformat(),
        "weather_day": "多云",
        "weather_night": "晴",
        "temp_high": 8,
        "temp_low": -1,
        "wind": "北风4-5级",
        "precipitation": 10,
    }
    return {**row, **overrides}


def warning(warning_id, kind="寒潮", level="蓝色", issued=None, expires=None, **overrides):
    issued = issued or timezone.now() - timedelta(hours=5)
    row = {
        "id": warning_id,
        "place": "即墨区",
        "kind": kind,
        "level": level,
        "issued_at": issued.isoformat(),
        "expires_at": expires.isoformat() if expires else None,
        "text": f"即墨区气象台发布{kind}{level}预警信号。",
        "guidance": "注意防寒保暖。",
    }
    return {**row, **overrides}


def document(forecasts, warnings=(), generated=None):
    generated = generated or timezone.now() - timedelta(hours=1)
    return {"generated_at": generated.isoformat(), "forecasts": list(forecasts), "warnings": list(warnings)}


def week(place="即墨城区", start=None, days=8, **overrides):
    start = start or timezone.localdate()
    return [forecast(place, start + timedelta(days=n), temp_high=5 + n, **overrides) for n in range(days)]


def upload(doc):
    return import_upload("weather", doc)


def where():
    """The lookup page's path and host name (published on first use)."""
    return address(lookup_page("weather"))


# --- importing ---------------------------------------------------------------------------------------


def test_sample_file_over_http(feed_server, settings):
    content = sample_feed("weather").read_bytes()
    doc = json.loads(content)
    assert len(doc["forecasts"]) == 128 and len(doc["warnings"]) == 2
    assert {row["place"] for row in doc["forecasts"]} == set(PLACES)
    run = import_over_http(feed_server, settings, "weather", content)
    assert run.status == S.APPLIED, run.message
    assert (run.rows_total, run.rows_accepted, run.rows_rejected) == (130, 130, 0)
    assert WeatherForecast.objects.count() == 128
    assert WeatherWarning.objects.count() == 2
    generated = datetime.fromisoformat(doc["generated_at"])
    assert Feed.objects.get(key="weather").data_as_of == generated
    assert set(WeatherForecast.objects.values_list("issued_at", flat=True)) == {generated}
    cold = WeatherWarning.objects.get(kind="寒潮")
    assert (cold.level, cold.expires_at) == ("blue", None)
    wind = WeatherWarning.objects.get(kind="大风")
    assert wind.level == "yellow" and "海" in wind.place and "回港" in wind.guidance
    city = WeatherForecast.objects.get(place="即墨城区", date=date(2026, 11, 28))
    assert (city.weather_day, city.temp_high, city.temp_low, city.precipitation) == ("小雨", 9, 1, 60)
    assert feed_server.requests[0][0] == "/weather.json"


def test_realistic_sample_values():
    doc = json.loads(sample_feed("weather").read_text())
    highs = [row["temp_high"] for row in doc["forecasts"]]
    lows = [row["temp_low"] for row in doc["forecasts"]]
    assert 4 <= min(highs) and max(highs) <= 13
    assert -6 <= min(lows) and max(lows) <= 6
    assert {row["weather_day"] for row in doc["forecasts"]} <= {"晴", "多云", "小雨"}


def test_sample_shifted_to_another_day():
    run = import_sample("weather", shift_to=date(2026, 11, 10))
    assert run.status == S.APPLIED
    dates = sorted(set(WeatherForecast.objects.values_list("date", flat=True)))
    assert dates[0] == date(2026, 11, 10) and dates[-1] == date(2026, 11, 17)
    cold = WeatherWarning.objects.get(kind="寒潮")
    assert timezone.localtime(cold.issued_at).date() == date(2026, 11, 9)
    wind = WeatherWarning.objects.get(kind="大风")
    assert timezone.localtime(wind.expires_at) == timezone.make_aware(datetime(2026, 11, 11, 20))
    assert timezone.localtime(Feed.objects.get(key="weather").data_as_of).date() == date(2026, 11, 10)


def test_sample_loaded_now_is_current(client):
    """The sample describes 2026-11-28 12:00; loaded now, it is moved to the current hour."""
    run = import_sample("weather")
    assert run.status == S.APPLIED, run.rejected
    hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    assert Feed.objects.get(key="weather").data_as_of == hour - timedelta(hours=1)
    assert WeatherForecast.objects.filter(date=timezone.localdate()).count() == len(PLACES)
    assert in_force().count() == 2
    html = text(page_get(client, where()))
    assert "数据更新于" in html and "数据已超过" not in html
    assert html.count('role="alert"') == 2


def test_partly_bad_feed_applies_the_good_rows(feed_server, settings):
    today = timezone.localdate()
    doc = document(
        week()
        + week("蓝村镇")
        + [
            forecast("通济街道", today, temp_high=2, temp_low=5),
            forecast("环秀街道", today, precipitation=120),
            forecast("潮海街道", today, temp_high=60),
            forecast("北安街道", today, date="11/28/2026"),
            forecast("龙山街道", today + timedelta(days=40)),
            forecast("", today),
            forecast("龙泉街道", today, temp_high="暖和"),
        ],
        [
            warning("W-1"),
            warning("W-2", level="紫色"),
            warning("W-3", expires=timezone.now() - timedelta(days=1)),
            warning("W-4", issued=timezone.now() + timedelta(days=1)),
        ],
    )
    # 16 good forecasts and 7 bad ones; 1 good warning and 3 bad ones
    run = import_over_http(feed_server, settings, "weather", doc)
    why = rejected_reasons(run)
    assert run.status == S.PARTIAL, run.message
    assert why["forecasts 第 17 条"] == "最低气温高于最高气温。"
    assert why["forecasts 第 18 条"] == "降水概率不能大于 100。"
    assert why["forecasts 第 19 条"] == "最高气温不能大于 45。"
    assert "年-月-日" in why["forecasts 第 20 条"]
    assert "相差过大" in why["forecasts 第 21 条"]
    assert why["forecasts 第 22 条"] == "缺少地点。"
    assert why["forecasts 第 23 条"] == "最高气温不是整数。"
    assert "紫色" in why["warnings 第 2 条"] and "蓝色" in why["warnings 第 2 条"]
    assert why["warnings 第 3 条"] == "解除时间早于发布时间。"
    assert why["warnings 第 4 条"] == "发布时间晚于当前时间。"
    assert run.rows_accepted == 17
    assert WeatherForecast.objects.count() == 16
    assert list(WeatherWarning.objects.values_list("warning_id", flat=True)) == ["W-1"]


def test_unreachable_and_slow_feeds_keep_the_previous_data(feed_server, settings, short_timeout):
    good = upload(document(week(), [warning("W-1")]))
    assert good.status == S.APPLIED

    def forecasts_and_warnings():
        return (
            sorted(
                WeatherForecast.objects.values_list("place", "date", "temp_high", "temp_low", "issued_at")
            ),
            sorted(WeatherWarning.objects.values_list("warning_id", "level", "expires_at")),
        )

    slow = document(week(temp_low=-30))
    runs = assert_failures_keep_data(feed_server, settings, "weather", forecasts_and_warnings, slow=slow)

    feed = Feed.objects.get(key="weather")
    assert feed.last_success == good and feed.last_run == runs[-1]
    assert WeatherForecast.objects.count() == 8
    assert not WeatherForecast.objects.filter(temp_low=-30).exists()
    assert in_force().count() == 1


def test_changed_fields_refuse_the_whole_batch(feed_server, settings):
    upload(document(week(), [warning("W-1")]))
    renamed = [
        {("temp_max" if k == "temp_high" else k): v for k, v in row.items()} for row in week(temp_low=-20)
    ]
    run = import_over_http(feed_server, settings, "weather", document(renamed, []))
    assert run.status == S.REFUSED and "temp_high" in run.message

    no_warnings = document(week(temp_low=-20))
    del no_warnings["warnings"]
    run = import_over_http(feed_server, settings, "weather", no_warnings, path="/w2.json")
    assert run.status == S.REFUSED and "warnings" in run.message

    for bad in ("<html>维护中</html>", json.dumps([forecast("即墨城区", timezone.localdate())])):
        run = import_over_http(feed_server, settings, "weather", bad, path="/w3.json")
        assert run.status == S.REFUSED

    missing_time = document(week(temp_low=-20))
    del missing_time["generated_at"]
    assert upload(missing_time).status == S.REFUSED
    future = document(week(temp_low=-20), generated=timezone.now() + timedelta(days=1))
    run = upload(future)
    assert run.status == S.REFUSED and "晚于当前时间" in run.message
    assert upload(document(week(), [{"id": "W-9"}])).status == S.REFUSED  # warnings lost their fields

    assert not WeatherForecast.objects.filter(temp_low=-20).exists()
    assert in_force().count() == 1  # nothing was lifted by the refused batches


def test_duplicate_rows(feed_server, settings):
    today = timezone.localdate()
    repeated = warning("W-1")
    doc = document(
        week() + [forecast("即墨城区", today, temp_high=5)] + [forecast("通济街道", today)],
        [repeated, dict(repeated)],
    )
    run = import_over_http(feed_server, settings, "weather", doc)
    why = rejected_reasons(run)
    assert run.status == S.PARTIAL
    assert why["forecasts 第 9 条"] == "与forecasts 第 1 条完全重复，已忽略。"
    assert "完全重复" in why["warnings 第 2 条"]
    assert WeatherForecast.objects.count() == 9

    conflicting = document(week() + [forecast("即墨城区", today, temp_high=11)])
    run = upload(conflicting)
    why = rejected_reasons(run)
    assert "内容不同" in why["forecasts 第 9 条"] and "内容不同" in why["forecasts 第 1 条"]
    assert WeatherForecast.objects.get(place="即墨城区", date=today).temp_high == 5  # kept


def test_forecasts_are_updated_not_duplicated():
    first = timezone.now() - timedelta(hours=7)
    upload(document(week(), generated=first))
    second = timezone.now() - timedelta(hours=1)
    upload(document(week(weather_day="小雨"), generated=second))
    assert WeatherForecast.objects.count() == 8
    assert set(WeatherForecast.objects.values_list("weather_day", flat=True)) == {"小雨"}
    assert set(WeatherForecast.objects.values_list("issued_at", flat=True)) == {second}


def test_warnings_are_lifted_only_after_a_complete_batch():
    assert (
        upload(document(week(), [warning("W-1"), warning("W-2", kind="大风", level="黄色")])).status
        == S.APPLIED
    )
    assert set(in_force().values_list("warning_id", flat=True)) == {"W-1", "W-2"}

    # W-2 missing, but a row was refused: it may be the missing one, nothing is lifted.
    partial = upload(
        document(week() + [forecast("通济街道", timezone.localdate(), temp_low=20)], [warning("W-1")])
    )
    assert partial.status == S.PARTIAL
    assert set(in_force().values_list("warning_id", flat=True)) == {"W-1", "W-2"}

    # A complete batch without W-2: the provider has lifted it.
    before = timezone.now()
    upload(document(week(), [warning("W-1", level="黄色")]))
    lifted = WeatherWarning.objects.get(warning_id="W-2")
    assert lifted.expires_at is not None and before <= lifted.expires_at <= timezone.now()
    assert list(in_force().values_list("warning_id", "level")) == [("W-1", "yellow")]
    assert WeatherWarning.objects.count() == 2

    # An empty list in a complete batch lifts everything in force.
    upload(document(week(), []))
    assert not in_force().exists()


# --- the page ----------------------------------------------------------------------------------------


def test_page_shows_warnings_first_then_today_then_seven_days(client):
    today = timezone.localdate()
    upload(
        document(
            week() + week("鳌山卫街道", temp_low=2, wind="北风5-6级，阵风8级"),
            [
                warning("W-1", kind="寒潮", level="蓝色"),
                warning("W-2", kind="大风", level="黄色", place="即墨沿海海域"),
                warning("W-0", kind="大雾", level="黄色", expires=timezone.now() - timedelta(hours=1)),
            ],
        )
    )
    response = page_get(client, where())
    html = text(response)
    assert response.status_code == 200
    assert html.count('role="alert"') == 2
    assert "即墨沿海海域大风黄色预警" in html and "即墨区寒潮蓝色预警" in html
    assert "大雾" not in html  # already lifted
    assert html.index("大风黄色预警") < html.index("寒潮蓝色预警")  # most severe first
    assert "wx-warning-yellow" in html and "wx-warning-blue" in html
    assert html.index('role="alert"') < html.index('id="wx-today-title"') < html.index('id="wx-coming-title"')
    assert f"今天（{day_label(today)}）" in html
    table = html[html.index("<table") : html.index("</table>")]
    assert table.count('scope="row"') == 7
    assert "<caption>即墨城区未来 7 天天气预报" in table
    tomorrow = today + timedelta(days=1)
    assert day_label(tomorrow) in table and re.search(r"\d+月\d+日 星期[一二三四五六日]", table)
    assert "-1～6" in table  # tomorrow: low -1, high 6
    assert "数据更新于" in html
    assert "convenience-weather.css" in html
    assert "<script" not in html.split("</header>")[-1]

    town = text(page_get(client, where(), data={"place": "鳌山卫街道"}))
    assert "鳌山卫街道 今天" in town and "北风5-6级，阵风8级" in town
    assert '<option value="鳌山卫街道" selected>' in town


def test_day_labels():
    assert day_label(date(2026, 11, 29)) == "11月29日 星期日"
    assert day_label(date(2026, 11, 28)) == "11月28日 星期六"
    assert day_label(date(2026, 12, 1)) == "12月1日 星期二"


def test_unknown_place_is_a_400_with_the_list_kept(client):
    upload(document(week() + week("蓝村镇")))
    response = page_get(client, where(), data={"place": "青岛市南区"})
    html = text(response)
    assert response.status_code == 400
    assert "没有“青岛市南区”的天气预报" in html
    assert '<option value="蓝村镇">' in html and '<option value="即墨城区">' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"place": "x" * 5000},
        {"place": "即墨\x00城区"},
        {"place": "<script>alert(1)</script>"},
        {"place": ["即墨城区", "蓝村镇"]},
        {"place": "  "},
        {"unknown": "1", "page": "-1"},
    ],
)
def test_junk_parameters_never_fail(client, params):
    upload(document(week(), [warning("W-1")]))
    response = page_get(client, where(), data=params)
    assert response.status_code in (200, 400)
    assert "<script>alert" not in text(response)


def test_stale_forecast_is_not_presented_as_current(client):
    today = timezone.localdate()
    old = timezone.now() - timedelta(days=3)
    upload(document(week(start=today - timedelta(days=3)), [warning("W-1")], generated=old))
    html = text(page_get(client, where()))
    assert "数据已超过12 小时未更新" in html
    assert "可能已变更或解除" in html  # the warnings carry the same caution
    table = html[html.index("<table") : html.index("</table>")]
    assert table.count('scope="row"') == 4  # today+1 … today+4: the older days are not shown
    assert day_label(today - timedelta(days=1)) not in html
    assert f"今天（{day_label(today)}）" in html and "预报发布于" in html


def test_forecast_entirely_in_the_past(client):
    today = timezone.localdate()
    upload(document(week(start=today - timedelta(days=10)), generated=timezone.now() - timedelta(days=10)))
    html = text(page_get(client, where()))
    assert page_get(client, where()).status_code == 200
    assert "暂无今日及以后的预报" in html and "<table" not in html


def test_page_without_any_data(client):
    response = page_get(client, where())
    html = text(response)
    assert response.status_code == 200
    assert "暂无数据" in html and "暂无今日及以后的预报" in html and 'role="alert"' not in html


def test_query_count_does_not_grow_with_the_data(client):
    upload(document(week(), [warning("W-1")]))
    at = where()
    page_get(client, at)  # warm the site's caches
    with CaptureQueriesContext(connection) as small:
        assert page_get(client, at).status_code == 200
    many = [row for place in PLACES for row in week(place, days=15)]
    warnings = [warning(f"W-{n}", level=("蓝色", "黄色", "橙色", "红色")[n % 4]) for n in range(12)]
    upload(document(many, warnings, generated=timezone.now() - timedelta(minutes=5)))
    with CaptureQueriesContext(connection) as large:
        assert page_get(client, at).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 20


def test_query_count_is_bounded(client, django_assert_max_num_queries):
    upload(document([row for place in PLACES for row in week(place)], [warning("W-1")]))
    at = where()
    page_get(client, at)  # warm the site's caches
    with django_assert_max_num_queries(20):
        assert page_get(client, at, data={"place": "金口镇"}).status_code == 200
    with django_assert_max_num_queries(20):
        assert page_get(client, at, data={"place": "不存在"}).status_code == 400


def test_optional_warning_fields_and_odd_items():
    bare = {k: v for k, v in warning("W-1").items() if k not in ("expires_at", "guidance")}
    run = upload(document(week() + ["不是对象"], [bare]))
    assert run.status == S.PARTIAL
    assert rejected_reasons(run)["forecasts 第 9 条"] == "缺少地点。"
    cold = WeatherWarning.objects.get(warning_id="W-1")
    assert (cold.expires_at, cold.guidance) == (None, "")


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("issued_at", "0001-01-01T00:00:00+14:00"),
        ("issued_at", "0001-01-01"),
        ("expires_at", "9999-12-31T23:59:00-12:00"),
        ("expires_at", "9999-12-31 23:59"),
    ],
)
def test_a_warning_time_out_of_range_is_one_refused_row(field, value):
    run = upload(document(week(), [warning("W1"), warning("W2", **{field: value})]))
    assert run.status == S.PARTIAL, run.message
    assert "时间" in rejected_reasons(run)["warnings 第 2 条"]
    assert list(WeatherWarning.objects.values_list("warning_id", flat=True)) == ["W1"]


@pytest.mark.parametrize("generated", ["0001-01-01T00:00:00", "1899-12-31T08:00:00+08:00"])
def test_a_generated_at_out_of_range_refuses_the_batch(generated):
    run = upload({**document(week()), "generated_at": generated})
    assert run.status == S.REFUSED and "生成时间" in run.message
    assert not WeatherForecast.objects.exists()


def test_warnings_are_written_in_a_fixed_number_of_queries():
    def queries(count):
        WeatherWarning.objects.all().delete()
        warnings = [warning(f"{count}-{n}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert upload(document(week(), warnings)).status == S.APPLIED
        return len(captured)

    queries(1)  # the feed's row exists from now on
    assert queries(2) == queries(30)
