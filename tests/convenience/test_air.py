"""空气质量: the importer over real HTTP (sample file, bad rows, readings from the future, unreachable
and slow feeds, renamed columns, duplicates), the AQI computed on import, and the public page
(latest readings and advice, two charts with tables, station choice, stale data, bounded queries)."""

import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convenience import aqi
from convenience.importers import sample_feed
from convenience.models.air import AirReading, AirStation
from convenience.models.feeds import Feed, ImportRun
from convenience.services import import_sample
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
HEADER = "station,station_code,time,pm25,pm10,o3,no2,so2,co"
STATIONS = (("即墨区环保局", "370282051"), ("即墨区第二中学", "370282052"), ("鳌山卫监测点", "370282053"))


# --- helpers ---------------------------------------------------------------------------------------


def current_hour():
    return timezone.localtime().replace(minute=0, second=0, microsecond=0)


def line(station, code, at, pm25=20, pm10=40, o3=60, no2=25, so2=8, co="0.6"):
    return f"{station},{code},{timezone.localtime(at):%Y-%m-%d %H:%M},{pm25},{pm10},{o3},{no2},{so2},{co}"


def series(end=None, hours=24, stations=STATIONS, **values):
    """A feed of `hours` hourly readings per station ending at `end` (default the current hour)."""
    end = end or current_hour()
    lines = [HEADER]
    for back in range(hours - 1, -1, -1):
        for name, code in stations:
            lines.append(line(name, code, end - timedelta(hours=back), **values))
    return "\n".join(lines) + "\n"


def upload(content):
    return import_upload("air", content)


def where():
    return address(lookup_page("air"))


# --- importing ---------------------------------------------------------------------------------------


def test_sample_file_over_http(feed_server, settings):
    content = sample_feed("air").read_bytes()
    run = import_over_http(feed_server, settings, "air", content)
    assert run.status == S.APPLIED, run.rejected[:3]
    assert (run.rows_total, run.rows_accepted) == (2160, 2160)
    assert list(AirStation.objects.values_list("name", "code")) == [
        ("即墨区环保局", "370282051"),
        ("即墨区第二中学", "370282052"),
        ("鳌山卫监测点", "370282053"),
    ]
    last = timezone.make_aware(datetime(2026, 11, 28, 12))
    assert Feed.objects.get(key="air").data_as_of == last == run.data_as_of
    assert AirReading.objects.filter(at=last).count() == 3
    # AQI, primary pollutant and the stored concentrations agree with the file, row by row.
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    stored = {
        (r.station.name, timezone.localtime(r.at)): r for r in AirReading.objects.select_related("station")
    }
    for row in rows[::97]:
        reading = stored[(row["station"], timezone.make_aware(datetime.fromisoformat(row["time"])))]
        values = {code: Decimal(row[code]) if row[code] else None for code in aqi.HOURLY_TABLE}
        result = aqi.compute(values)
        assert reading.aqi == result.aqi
        assert reading.primary_pollutant == aqi.primary_text(result.primary)
        assert reading.pm25 == int(row["pm25"]) and reading.co == Decimal(row["co"])


def test_sample_is_realistic():
    rows = list(csv.DictReader(io.StringIO(sample_feed("air").read_text())))
    assert len(rows) == 3 * 30 * 24
    results = [
        aqi.compute({code: Decimal(row[code]) if row[code] else None for code in aqi.HOURLY_TABLE})
        for row in rows
    ]
    light = [result for result in results if result.aqi > 100]
    assert 5 <= len(light) <= 80  # a few hours of light pollution
    assert max(result.aqi for result in results) <= 150
    assert {result.level.name for result in results} == {"优", "良", "轻度污染"}
    assert sum(1 for row in rows if not row["o3"]) == 2  # the ozone analyser's calibration


def test_sample_loaded_now_is_current(client):
    run = import_sample("air")
    assert run.status == S.APPLIED
    assert Feed.objects.get(key="air").data_as_of == current_hour()
    html = text(page_get(client, where()))
    assert "实时空气质量" in html and "数据已超过" not in html


def test_sample_shifted_to_an_earlier_day():
    run = import_sample("air", shift_to=datetime(2026, 11, 20).date())
    assert run.status == S.APPLIED
    assert timezone.localtime(Feed.objects.get(key="air").data_as_of) == timezone.make_aware(
        datetime(2026, 11, 20, 12)
    )


def test_partly_bad_feed_applies_the_good_rows(feed_server, settings):
    hour = current_hour()
    good = series(hours=4).strip().split("\n")
    bad = [
        line("即墨区环保局", "370282051", hour - timedelta(hours=5), pm25="-3"),
        line("即墨区环保局", "370282051", hour - timedelta(hours=6), pm10="很多"),
        line("即墨区环保局", "370282051", hour + timedelta(hours=3)),
        line("即墨区环保局", "370282051", hour - timedelta(hours=7, minutes=-30)),
        "即墨区环保局,370282051,昨天下午,20,40,60,25,8,0.6",
        f"即墨区环保局,370282051,{(hour - timedelta(hours=8)):%Y-%m-%d %H:%M},,,,,,",
        line("即墨区环保局", "370282051", hour - timedelta(hours=9), o3="2000"),
        line("", "370282051", hour - timedelta(hours=10)),
        line("即墨区环保局", "370282051", hour - timedelta(hours=11)) + ",多余",
    ]
    run = import_over_http(feed_server, settings, "air", "\n".join(good + bad) + "\n")
    why = rejected_reasons(run)
    assert run.status == S.PARTIAL, run.message
    assert run.rows_accepted == 12 and AirReading.objects.count() == 12
    first = len(good) + 1  # the first bad row's line number (the header is line 1)
    assert why[f"第 {first} 行"] == "PM2.5 浓度不能小于 0。"
    assert why[f"第 {first + 1} 行"] == "PM10 浓度不是数字。"
    assert why[f"第 {first + 2} 行"] == "监测时间晚于当前时间。"
    assert why[f"第 {first + 3} 行"] == "监测时间应为整点，如 2026-11-28 12:00。"
    assert "年-月-日" in why[f"第 {first + 4} 行"]
    assert "无法计算 AQI" in why[f"第 {first + 5} 行"]
    assert why[f"第 {first + 6} 行"] == "O₃ 浓度不能大于 1500。"
    assert why[f"第 {first + 7} 行"] == "缺少监测点名称。"
    assert "列数多于表头" in why[f"第 {first + 8} 行"]


def test_a_missing_pollutant_is_left_out_of_the_aqi():
    upload(f"{HEADER}\n" + line("即墨区环保局", "370282051", current_hour(), pm25=80, o3="") + "\n")
    reading = AirReading.objects.get()
    assert reading.o3 is None
    assert reading.aqi == 107  # PM2.5 80: 100 + 50/40 × 5 = 106.25 → 107
    assert reading.primary_pollutant == "PM2.5"


def test_the_aqi_is_computed_not_taken_from_the_feed():
    content = f"{HEADER},aqi\n" + line("即墨区环保局", "370282051", current_hour(), pm25=36, pm10=40) + ",5\n"
    assert upload(content).status == S.APPLIED
    reading = AirReading.objects.get()
    assert (reading.aqi, reading.primary_pollutant) == (52, "PM2.5")


def test_unreachable_and_slow_feeds_keep_the_previous_data(feed_server, settings, short_timeout):
    good = upload(series(hours=6))
    assert good.status == S.APPLIED

    def readings():
        return sorted(AirReading.objects.values_list("station__code", "at", "pm25", "aqi"))

    assert_failures_keep_data(feed_server, settings, "air", readings, slow=series(hours=6, pm25=300))
    assert Feed.objects.get(key="air").last_success == good
    assert AirReading.objects.count() == 18
    assert not AirReading.objects.filter(pm25=300).exists()


def test_renamed_columns_refuse_the_whole_batch(feed_server, settings):
    upload(series(hours=2))
    renamed = series(hours=2, pm25=300).replace("pm25", "PM2.5", 1)
    run = import_over_http(feed_server, settings, "air", renamed)
    assert run.status == S.REFUSED and "pm25" in run.message
    assert upload("").status == S.REFUSED
    assert upload("\x89PNG\x00\x00").status == S.REFUSED
    many_bad = series(hours=2, pm25="n/a")
    assert upload(many_bad).status == S.REFUSED
    assert AirReading.objects.count() == 6
    assert not AirReading.objects.filter(pm25=300).exists()


def test_duplicate_rows(feed_server, settings):
    hour = current_hour()
    rows = series(hours=3).strip().split("\n")
    content = (
        "\n".join(rows + [rows[1], line("即墨区环保局", "370282051", hour - timedelta(hours=1), pm25=90)])
        + "\n"
    )
    run = import_over_http(feed_server, settings, "air", content)
    why = rejected_reasons(run)
    assert run.status == S.PARTIAL
    assert why["第 11 行"] == "与第 2 行完全重复，已忽略。"
    assert "内容不同" in why["第 12 行"]
    assert AirReading.objects.count() == 8  # 9 readings, one of them in conflict
    assert not AirReading.objects.filter(pm25=90).exists()


def test_readings_are_updated_by_station_and_hour():
    upload(series(hours=3))
    upload(series(hours=2, pm25=80))
    assert AirReading.objects.count() == 9
    assert AirReading.objects.filter(pm25=80, aqi=107).count() == 6
    assert AirStation.objects.count() == 3


def test_an_older_batch_does_not_move_the_data_time_back():
    upload(series(hours=2))
    upload(series(end=current_hour() - timedelta(days=2), hours=2))
    assert Feed.objects.get(key="air").data_as_of == current_hour()


# --- the page ----------------------------------------------------------------------------------------


def test_page_shows_each_station_with_its_level_and_advice(client):
    hour = current_hour()
    content = (
        series(hours=48, stations=STATIONS[:2])
        + series(hours=48, stations=STATIONS[2:], pm25=80).split("\n", 1)[1]
    )
    upload(content)
    response = page_get(client, where())
    html = text(response)
    assert response.status_code == 200
    assert "实时空气质量" in html and "最近一次监测（" not in html
    assert html.count('class="aq-card panel"') == 3
    for name, _code in STATIONS:
        assert f"<caption>{name}各项污染物浓度</caption>" in html
    assert "aq-aqi aqi-3" in html and "轻度污染" in html  # 鳌山卫: AQI 107
    assert "首要污染物：PM2.5" in html and "首要" in html
    assert aqi.level_of(107).advice in html and aqi.level_of(107).health in html
    assert "aq-aqi aqi-1" in html and aqi.level_of(20).advice in html
    assert "0.60 mg/m³" in html and "O₃" in html
    assert html.count("<svg") == 2
    assert "即墨区环保局最近 24 小时 AQI" in html and "即墨区环保局最近 30 天日均 AQI" in html
    assert html.count('scope="row"') >= 24 + 30 + 3 * 6 + 6
    assert f"{hour.month}月{hour.day}日 {hour:%H}:00" in html
    assert "空气质量指数分级" in html and "301 以上" in html
    assert "convenience-air.css" in html


def test_station_choice_and_the_two_charts(client):
    hour = current_hour()
    upload(series(hours=24 * 30, stations=STATIONS[:2]))
    # 鳌山卫 missed an hour, and had a dirtier morning yesterday (PM2.5 55: AQI 75; otherwise 40).
    gap = f"{hour - timedelta(hours=5):%Y-%m-%d %H:%M}"
    yesterday = (hour - timedelta(days=1)).date()
    midnight = timezone.make_aware(datetime.combine(yesterday, datetime.min.time()))
    dirty = {f"{midnight + timedelta(hours=h):%Y-%m-%d %H:%M}" for h in range(12)}
    rows = [
        row
        for row in series(hours=24 * 30, stations=STATIONS[2:]).strip().split("\n")[1:]
        if row.split(",")[2] != gap and row.split(",")[2] not in dirty
    ]
    rows += [line(*STATIONS[2], midnight + timedelta(hours=h), pm25=55) for h in range(12)]
    assert upload("\n".join([HEADER, *rows]) + "\n").status == S.APPLIED
    station = AirStation.objects.get(name="鳌山卫监测点")
    html = text(page_get(client, where(), data={"station": station.pk}))
    assert f'<option value="{station.pk}" selected>' in html
    assert "鳌山卫监测点最近 24 小时 AQI" in html
    hours_table = html[html.index('id="aq-hours-title"') : html.index('id="aq-days-title"')]
    assert hours_table.count("<tr>") == 25  # header + 24 hours
    assert hours_table.count("缺测") == 1
    days_table = html[html.index('id="aq-days-title"') : html.index('id="aq-levels-title"')]
    assert days_table.count("<tr>") == 31
    # Yesterday: 12 hours of AQI 75 and 12 of AQI 40, a mean of 57.5, rounded half up.
    pattern = rf"{yesterday.year}年{yesterday.month}月{yesterday.day}日</time></th>\s*<td>(\d+)</td>"
    assert re.search(pattern, days_table).group(1) == "58"


def test_unknown_station_is_a_400_and_the_readings_stay(client):
    upload(series(hours=3))
    for value in ("999999", "abc", "1 OR 1=1", "\x00", "9" * 500, "-1"):
        response = page_get(client, where(), data={"station": value})
        html = text(response)
        assert response.status_code == 400, value
        assert "没有这个监测点，请从列表中选择。" in html
        assert html.count('class="aq-card panel"') == 3 and "<svg" not in html
    assert page_get(client, where(), data={"station": ["1", "2"]}).status_code in (200, 400)
    assert page_get(client, where(), data={"station": "", "x": "<script>"}).status_code == 200


def test_stale_readings_are_not_called_real_time(client):
    upload(series(end=current_hour() - timedelta(hours=10), hours=30))
    html = text(page_get(client, where()))
    assert "最近一次监测（" in html and "实时" not in html
    assert "数据已超过3 小时未更新" in html
    assert html.count("<svg") == 2  # the last 24 hours there are, ending at the last reading


def test_one_silent_station_is_flagged(client):
    upload(series(hours=3, stations=STATIONS[:2]))
    upload(series(end=current_hour() - timedelta(hours=8), hours=3, stations=STATIONS[2:]))
    html = text(page_get(client, where()))
    assert "实时空气质量" in html
    assert html.count("该监测点数据已超过3 小时未更新") == 1


def test_page_without_any_data(client):
    response = page_get(client, where())
    html = text(response)
    assert response.status_code == 200
    assert "暂无监测数据" in html and "<svg" not in html and "暂无数据" in html


def test_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries):
    upload(series(hours=2, stations=STATIONS[:1]))
    at = where()
    page_get(client, at)  # warm the site's caches
    with CaptureQueriesContext(connection) as small:
        assert page_get(client, at).status_code == 200
    upload(series(hours=24 * 30))
    with CaptureQueriesContext(connection) as large:
        assert page_get(client, at).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(22):
        page_get(client, at, data={"station": AirStation.objects.last().pk})


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01 00:00", "0001-01-01T00:00:00+14:00", "1899-12-31 08:00"])
def test_a_reading_time_out_of_range_is_one_refused_row(moment):
    hour = current_hour() - timedelta(hours=1)
    content = "\n".join(
        [
            HEADER,
            line(*STATIONS[0], hour),
            line(*STATIONS[1], hour),
            f"{STATIONS[2][0]},{STATIONS[2][1]},{moment},20,40,60,25,8,0.6",
        ]
    )
    run = upload(content + "\n")
    assert run.status == S.PARTIAL, run.message
    assert "监测时间" in rejected_reasons(run)["第 4 行"]
    assert AirReading.objects.count() == 2


def test_a_reading_on_the_hour_elsewhere_but_not_in_beijing_is_refused():
    hour = timezone.localtime(current_hour() - timedelta(hours=3))
    other = (hour - timedelta(hours=2, minutes=30)).astimezone(timezone.get_fixed_timezone(5 * 60 + 30))
    assert other.minute == 0
    content = "\n".join(
        [
            HEADER,
            line(*STATIONS[0], hour),
            line(*STATIONS[1], hour),
            f"{STATIONS[2][0]},{STATIONS[2][1]},{other.isoformat()},20,40,60,25,8,0.6",
        ]
    )
    run = upload(content + "\n")
    assert run.status == S.PARTIAL, run.message
    assert "整点" in rejected_reasons(run)["第 4 行"]


def test_new_stations_are_created_in_a_fixed_number_of_queries():
    def queries(count, prefix):
        stations = [(f"{prefix}监测点{n}", f"37028{n:04d}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert upload(series(hours=1, stations=stations)).status == S.APPLIED
        return len(captured)

    queries(1, "丙")  # the feed's row exists from now on
    assert queries(2, "甲") == queries(30, "乙")
