"""水文: the importer over real HTTP (the sample feed, bad stations and readings, an unreachable or
slow feed, changed fields, duplicates, the previous data kept, the demo's date shift) and the
public pages (stations over their control levels flagged and listed first, the 7-day chart with
its reference lines and table, stale data, junk input) with a bounded query count."""

import copy
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from convenience.importers import sample_feed
from convenience.importers.hydro import HydroImporter
from convenience.models import Feed, HydroReading, HydroStation, ImportRun
from convenience.services import SAMPLE_FEED_DATE, import_sample
from tests.convenience.helpers import (
    assert_failures_keep_data,
    import_over_http,
    import_upload,
    page_get,
    query_count,
    rejected_reasons,
    text,
)
from tests.factories.convenience import lookup_page

pytestmark = pytest.mark.django_db

SAMPLE_BYTES = sample_feed("hydro").read_bytes()
SAMPLE = json.loads(SAMPLE_BYTES)
SAMPLE_END = datetime(2026, 11, 28, 8, 0)  # the sample's last reading, Beijing time
S = ImportRun.Status
STATIONS = 6
READINGS = 6 * 28


def local_hour(hours=0):
    """Beijing time now, on the hour, as the naive time a feed writes."""
    now = timezone.localtime().replace(tzinfo=None, minute=0, second=0, microsecond=0)
    return now + timedelta(hours=hours)


def fmt(moment):
    return moment.strftime("%Y-%m-%d %H:%M")


def moved(end, document=None):
    """The sample (or `document`) with its readings moved so that the last one is at `end`."""
    document = copy.deepcopy(document or SAMPLE)
    delta = end - SAMPLE_END
    for reading in document["readings"]:
        reading["time"] = fmt(datetime.fromisoformat(reading["time"]) + delta)
    document["generated_at"] = fmt(end + timedelta(minutes=10))
    return document


def upload(document):
    return import_upload("hydro", document, file_name="hydro.json")


def station(name, kind="河道", warning="6.50", guarantee="7.80", water_body="墨水河"):
    return {
        "name": name,
        "kind": kind,
        "water_body": water_body,
        "warning_level": warning,
        "guarantee_level": guarantee,
    }


def reading(name, at, level, flow="3.20", storage=None):
    return {
        "station": name,
        "time": fmt(at) if isinstance(at, datetime) else at,
        "level": level,
        "flow": flow,
        "storage": storage,
    }


def snapshot():
    return (
        sorted(HydroStation.objects.values_list("name", "warning_level", "guarantee_level")),
        sorted(HydroReading.objects.values_list("station__name", "at", "level")),
    )


@pytest.fixture
def page(group):
    return lookup_page("hydro")


@pytest.fixture
def loaded(group, feed_server, settings):
    """The sample feed, fetched over HTTP, its readings moved to end on the current hour."""
    run = import_over_http(feed_server, settings, "hydro", json.dumps(moved(local_hour())))
    assert run.status == S.APPLIED, (run.message, run.rejected[:3])
    return run


# --- the importer ------------------------------------------------------------------------------------


def test_the_sample_feed_over_http(group, feed_server, settings):
    shift_days = (timezone.localdate() - SAMPLE_FEED_DATE).days
    run = import_over_http(feed_server, settings, "hydro", SAMPLE_BYTES, shift_days=shift_days)
    assert feed_server.requests[0][0] == "/hydro.json"
    assert run.status == S.APPLIED and run.rows_total == run.rows_accepted == STATIONS + READINGS
    assert HydroStation.objects.count() == STATIONS and HydroReading.objects.count() == READINGS
    latest = HydroReading.objects.order_by("-at").first().at
    assert latest <= timezone.now() and run.data_as_of == latest == Feed.objects.get(key="hydro").data_as_of
    river = HydroStation.objects.get(name="墨水河·即墨站")
    assert (river.kind, river.warning_level, river.guarantee_level) == (
        "river",
        Decimal("6.50"),
        Decimal("7.80"),
    )
    assert river.readings.order_by("-at").first().level == Decimal("6.62")
    reservoir = HydroStation.objects.get(name="石棚水库")
    assert reservoir.kind == "reservoir" and reservoir.readings.order_by("-at").first().storage == Decimal(
        "841.5"
    )
    # Stations keep the feed's order.
    assert list(HydroStation.objects.values_list("name", flat=True)[:2]) == [
        "墨水河·即墨站",
        "大沽河·移风店站",
    ]


def test_the_sample_loads_for_the_demo(group):
    run = import_sample("hydro")
    assert run.status == S.APPLIED and HydroReading.objects.filter(at__gt=timezone.now()).count() == 0


def test_the_demo_shift_never_puts_readings_in_the_future():
    importer = HydroImporter()
    payload = moved(local_hour(3))  # as if the demo were loaded 3 hours before its last reading
    rows = importer.records(payload)
    importer.shift(payload, rows, timedelta(days=0))
    times = sorted(datetime.fromisoformat(row.data["time"]) for row in rows if row.data.get("time"))
    assert times[-1] == local_hour(-3) and times[-1] - times[-2] == timedelta(0)  # six stations a slot
    assert len({moment.hour for moment in times}) == 4  # still every 6 hours


def test_a_partly_bad_feed_applies_the_good_rows_and_says_why_each_bad_row_was_refused(
    group, feed_server, settings
):
    now = local_hour()
    document = {
        "generated_at": fmt(now),
        "stations": [
            station("墨水河·即墨站"),
            station("大沽河·移风店站", warning="11.20", guarantee="13.00", water_body="大沽河"),
            station("石棚水库", kind="水库", warning="41.50", guarantee="44.20", water_body="墨水河水系"),
            station("坏站甲", warning="7.00", guarantee="7.00"),  # 测站第 4 条: guarantee not above warning
            station("坏站乙", kind="湖泊"),  # 测站第 5 条
            station("坏站丙", kind="水库", warning="高", guarantee="44.20"),  # 测站第 6 条
        ],
        "readings": [
            *(reading("墨水河·即墨站", now - timedelta(hours=6 * n), f"5.{n}0") for n in range(4)),
            *(reading("大沽河·移风店站", now - timedelta(hours=6 * n), f"9.{n}0") for n in range(4)),
            *(
                reading("石棚水库", now - timedelta(hours=6 * n), "39.80", flow=None, storage="830.5")
                for n in range(4)
            ),
            reading("没有的站", now, "3.00"),  # 水位第 13 条
            reading("坏站甲", now, "6.00"),  # 14
            reading("墨水河·即墨站", now + timedelta(hours=3), "5.50"),  # 15: future
            reading("墨水河·即墨站", "2026年11月28日8时", "5.50"),  # 16
            reading("墨水河·即墨站", now - timedelta(days=1, hours=1), "五米"),  # 17
            reading("墨水河·即墨站", now - timedelta(days=1, hours=2), "5.10", flow="-1"),  # 18
        ],
    }
    run = import_over_http(feed_server, settings, "hydro", document, path="/partly-bad.json")
    assert run.status == S.PARTIAL and run.rows_accepted == 3 + 12 and run.rows_rejected == 3 + 6
    reasons = rejected_reasons(run)
    assert reasons["测站第 4 条"] == "保证水位应高于警戒水位。"
    assert "测站类型“湖泊”不在允许的取值（水库、河道）之内" in reasons["测站第 5 条"]
    assert reasons["测站第 6 条"] == "汛限水位不是数字。"
    assert reasons["水位第 13 条"] == "测站“没有的站”既不在本次数据的测站列表中，也不是已有测站。"
    assert "测站资料未通过校验" in reasons["水位第 14 条"]
    assert reasons["水位第 15 条"] == "时间晚于当前时间。"
    assert "“年-月-日 时:分”格式" in reasons["水位第 16 条"]
    assert reasons["水位第 17 条"] == "水位不是数字。"
    assert reasons["水位第 18 条"] == "流量不能小于 0。"
    assert HydroStation.objects.count() == 3 and HydroReading.objects.count() == 12
    assert run.data_as_of == timezone.make_aware(now)


def test_a_reservoir_guarantee_level_must_be_above_its_flood_limit(group):
    run = upload(
        {
            "stations": [station("甲水库", kind="水库", warning="30", guarantee="29"), station("乙站")],
            "readings": [],
        }
    )
    assert run.status == S.PARTIAL
    assert run.rejected == [{"row": "测站第 1 条", "reason": "设计洪水位应高于汛限水位。"}]


def test_readings_alone_for_known_stations(loaded):
    at = local_hour(1)
    run = upload({"readings": [reading("墨水河·即墨站", at, "6.70"), reading("新建站", at, "1.00")]})
    assert run.status == S.PARTIAL and run.rows_accepted == 1
    assert HydroStation.objects.get(name="墨水河·即墨站").readings.order_by("-at").first().level == Decimal(
        "6.70"
    )
    assert Feed.objects.get(key="hydro").data_as_of == timezone.make_aware(at)


def test_an_unreachable_feed_keeps_the_previous_data(loaded, feed_server, settings):
    assert_failures_keep_data(feed_server, settings, "hydro", snapshot)
    assert Feed.objects.get(key="hydro").last_success_id == loaded.pk


def test_a_feed_that_times_out_keeps_the_previous_data(loaded, feed_server, settings, short_timeout):
    assert_failures_keep_data(feed_server, settings, "hydro", snapshot, unreachable=False, slow=SAMPLE_BYTES)


@pytest.mark.parametrize(
    "body, message",
    [
        ("renamed", "缺少字段 level"),
        ("renamed-station", "缺少字段 warning_level"),
        ("no-readings", "找不到水位列表（readings）"),
        ("a-list", "应为包含 stations 和 readings 的对象"),
        ("stations-not-a-list", "测站列表（stations）不是列表"),
        ("not-json", "不是有效的 JSON"),
    ],
)
def test_a_feed_that_changed_its_fields_is_refused_whole(loaded, feed_server, settings, body, message):
    before = snapshot()
    document = moved(local_hour())
    if body == "renamed":
        for item in document["readings"]:
            item["water_level"] = item.pop("level")
    elif body == "renamed-station":
        for item in document["stations"]:
            item["warn"] = item.pop("warning_level")
    elif body == "no-readings":
        document["data"] = document.pop("readings")
    elif body == "a-list":
        document = document["readings"]
    elif body == "stations-not-a-list":
        document["stations"] = {"name": "墨水河·即墨站"}
    content = "{not json" if body == "not-json" else json.dumps(document, ensure_ascii=False)
    run = import_over_http(feed_server, settings, "hydro", content, path="/changed.json")
    assert run.status == S.REFUSED and message in run.message
    assert snapshot() == before


def test_duplicates_identical_are_ignored_conflicting_are_both_refused(loaded):
    at = local_hour(1)
    run = upload(
        {
            "stations": [
                station("新站甲", warning="3.00", guarantee="4.00"),
                station("新站甲", warning="3.50", guarantee="4.00"),  # conflicting: both refused
                station("墨水河·即墨站"),
                station("墨水河·即墨站"),  # identical: ignored
            ],
            "readings": [
                reading("墨水河·即墨站", at, "6.70"),
                reading("墨水河·即墨站", at, "6.70"),
                reading("大沽河·移风店站", at, "9.95"),
                reading("大沽河·移风店站", at, "9.99"),
                reading("新站甲", at, "2.00"),
                reading("五沽河·刘家庄站", at, "13.20"),
                reading("石棚水库", at, "39.88", flow=None, storage="842.7"),
                reading("宋化泉水库", at, "36.11", flow=None, storage="1264.0"),
                reading("挪城水库", at, "27.61", flow=None, storage="1612.4"),
                *(
                    reading(name, at - timedelta(minutes=30), "20.00")
                    for name in ("五沽河·刘家庄站", "石棚水库", "宋化泉水库", "挪城水库")
                ),
            ],
        }
    )
    assert run.status == S.PARTIAL
    reasons = rejected_reasons(run)
    assert (
        "内容不同，两行均未导入" in reasons["测站第 1 条"]
        and "内容不同，两行均未导入" in reasons["测站第 2 条"]
    )
    assert "完全重复，已忽略" in reasons["测站第 4 条"] and "完全重复，已忽略" in reasons["水位第 2 条"]
    assert (
        "内容不同，两行均未导入" in reasons["水位第 3 条"]
        and "内容不同，两行均未导入" in reasons["水位第 4 条"]
    )
    assert "测站资料未通过校验" in reasons["水位第 5 条"]
    assert not HydroStation.objects.filter(name="新站甲").exists()
    assert HydroReading.objects.filter(at=timezone.make_aware(at)).count() == 5
    assert not HydroReading.objects.filter(
        station__name="大沽河·移风店站", at=timezone.make_aware(at)
    ).exists()


def test_stations_and_readings_are_updated_in_place(loaded):
    at = datetime.fromisoformat(moved(local_hour())["readings"][-1]["time"])
    run = upload(
        {
            "stations": [station("墨水河·即墨站", warning="6.80", guarantee="8.00", water_body="墨水河干流")],
            "readings": [reading("墨水河·即墨站", at, "6.64")],
        }
    )
    assert run.status == S.APPLIED
    river = HydroStation.objects.get(name="墨水河·即墨站")
    assert (river.warning_level, river.guarantee_level, river.water_body) == (
        Decimal("6.80"),
        Decimal("8.00"),
        "墨水河干流",
    )
    assert HydroStation.objects.count() == STATIONS and HydroReading.objects.count() == READINGS
    assert river.readings.get(at=timezone.make_aware(at)).level == Decimal("6.64")


def test_the_importer_returns_plain_dicts():
    importer = HydroImporter()
    rows = importer.records(
        {"stations": [station("甲站")], "readings": [reading("甲站", local_hour(-1), "5")]}
    )
    cleaned = [importer.clean(row) for row in rows]
    assert all(type(value) is dict for value in cleaned) and cleaned[1]["level"] == Decimal("5.00")


# --- the public pages --------------------------------------------------------------------------------


def test_the_index_flags_stations_over_their_warning_level_and_lists_them_first(client, page, loaded):
    response = page_get(client, page)
    assert response.status_code == 200
    body = text(response)
    assert "数据更新于" in body and "当前水位" in body and "最近一次水位" not in body
    alert = re.search(r'<div class="bm-alert" role="alert">(.*?)</div>', body, re.S).group(1)
    assert "墨水河·即墨站" in alert and "超警戒 0.12 米" in alert and "大沽河" not in alert
    assert '<strong class="bm-over bm-hydro-flag">超警戒 0.12 米</strong>' in body
    table = body[body.index("<tbody>") :]
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)
    assert names[0] == "墨水河·即墨站" and len(names) == STATIONS
    assert names[1:] == ["大沽河·移风店站", "五沽河·刘家庄站", "石棚水库", "宋化泉水库", "挪城水库"]
    assert "低 1.27 米" in body  # 大沽河·移风店站 9.93 against 11.20
    assert '<strong class="bm-over">6.62</strong>' in body and "高 0.12 米" in body
    # Reservoir storage: 841.5 + 1262.4 + 1610.5
    assert '3 座水库蓄水量合计<span class="figure">3714.4</span>' in body


def test_a_station_over_its_guarantee_level(client, page, loaded):
    upload(
        {
            "readings": [
                reading("大沽河·移风店站", local_hour(), "13.25"),
                reading("挪城水库", local_hour(), "29.70", flow=None),
            ]
        }
    )
    body = text(page_get(client, page))
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body[body.index("<tbody>") :])
    assert names[:3] == ["大沽河·移风店站", "墨水河·即墨站", "挪城水库"]
    assert "超保证 0.25 米" in body and "超汛限 0.10 米" in body and "有 3 个测站水位超过控制水位" in body


def test_a_silent_feed_says_so_and_calls_the_level_the_latest_one(client, page, group):
    upload(moved(local_hour(-30)))
    body = text(page_get(client, page))
    assert "数据已超过6 小时未更新" in body and "bm-stale" in body
    assert "最近一次水位" in body and "当前水位" not in body and "最近一次报告中" in body
    station = HydroStation.objects.get(name="墨水河·即墨站")
    body = text(page_get(client, page, f"station/{station.pk}/"))
    assert "最近一次水位" in body and "当前水位" not in body and "最近一次报告的水位" in body


def test_one_station_that_stopped_reporting_is_marked(client, page, loaded):
    silent = HydroStation.objects.get(name="五沽河·刘家庄站")
    silent.readings.filter(at__gt=timezone.now() - timedelta(hours=12)).delete()
    body = text(page_get(client, page))
    assert body.count("该站已超过6 小时未报") == 1 and "当前水位" in body


def test_no_data_yet(client, page):
    response = page_get(client, page)
    assert response.status_code == 200 and "暂无测站数据" in text(response)


def test_the_station_page_has_a_7_day_chart_with_reference_lines_and_a_table(client, page, loaded):
    river = HydroStation.objects.get(name="墨水河·即墨站")
    response = page_get(client, page, f"station/{river.pk}/")
    assert response.status_code == 200
    body = text(response)
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg and "<polyline" in svg and svg.count('stroke-dasharray="6 4"') == 2
    assert "警戒水位 6.5米" in svg and "保证水位 7.8米" in svg
    assert "墨水河·即墨站近7天水位走势：最高6.62米" in body
    assert body.count('<th scope="row"><time') == 28
    assert '<strong class="bm-over">超警戒 0.12 米</strong>' in body and 'role="alert"' in body
    assert "流量（m³/s）" in body and "墨水河·即墨站水位" in body  # column; the sub-page's title
    reservoir = HydroStation.objects.get(name="石棚水库")
    body = text(page_get(client, page, f"station/{reservoir.pk}/"))
    assert "汛限水位 41.5米" in body and "设计洪水位 44.2米" in body and "蓄水量（万m³）" in body
    assert 'role="alert"' not in body


def test_a_station_without_readings(client, page, group):
    quiet = HydroStation.objects.create(name="新站", kind="river", warning_level=3, guarantee_level=4)
    response = page_get(client, page, f"station/{quiet.pk}/")
    assert response.status_code == 200 and "暂无新站的水位数据" in text(response)


def test_junk_never_causes_a_500(client, page, loaded):
    for data in ({"station": "x"}, {"kind": ["a", "b"]}, {"x" * 40: "\x00" * 10}):
        assert page_get(client, page, data=data).status_code == 200
    for sub in (
        "station/abc/",
        "station/0/",
        "station/99999999999999999999/",
        "station/",
        "item/1/",
        "station/-1/",
    ):
        assert page_get(client, page, sub).status_code == 404, sub


def test_the_query_count_does_not_grow_with_stations_or_readings(
    client, page, group, django_assert_max_num_queries
):
    at = local_hour()
    upload(
        {
            "stations": [station("甲站")],
            "readings": [reading("甲站", at, "5.00"), reading("甲站", at - timedelta(hours=6), "4.90")],
        }
    )
    first = HydroStation.objects.get()
    small_index = query_count(client, page)
    small_station = query_count(client, page, f"station/{first.pk}/")
    upload(moved(at))
    extra = [station(f"测站{n}", warning="9", guarantee="10") for n in range(10)]
    upload(
        {
            "stations": extra,
            "readings": [
                reading(item["name"], at - timedelta(hours=h), "8.50")
                for item in extra
                for h in range(0, 168, 3)
            ],
        }
    )
    assert HydroStation.objects.count() == 17 and HydroReading.objects.count() > 700
    with django_assert_max_num_queries(small_index):
        assert page_get(client, page).status_code == 200
    with django_assert_max_num_queries(small_station):
        body = text(page_get(client, page, f"station/{first.pk}/"))
    assert "甲站" in body
    busy = HydroStation.objects.get(name="测站3")
    with django_assert_max_num_queries(small_station):
        body = text(page_get(client, page, f"station/{busy.pk}/"))
    assert body.count('<th scope="row"><time') == 56
    assert small_index <= 25


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01 00:00", "0001-01-01T00:00:00+14:00", "1899-12-31 08:00"])
def test_a_reading_time_out_of_range_is_one_refused_row(moment):
    document = {
        "stations": [station("墨水河·即墨站")],
        "readings": [
            reading("墨水河·即墨站", local_hour(-2), "4.90"),
            reading("墨水河·即墨站", local_hour(-1), "4.95"),
            reading("墨水河·即墨站", moment, "5.00"),
        ],
    }
    run = upload(document)
    assert run.status == S.PARTIAL, run.message
    assert "时间" in rejected_reasons(run)["水位第 3 条"]
    assert HydroReading.objects.count() == 2


def test_a_station_list_alone_after_the_readings_were_removed_is_applied():
    first = upload(
        {
            "stations": [station("墨水河·即墨站")],
            "readings": [reading("墨水河·即墨站", local_hour(-1), "4.90")],
        }
    )
    assert first.status == S.APPLIED, first.message
    HydroReading.objects.all().delete()  # an administrator cleared the readings
    run = upload({"stations": [station("墨水河·即墨站", warning="6.60")], "readings": []})
    assert run.status == S.APPLIED, run.message
    assert HydroStation.objects.get().warning_level == Decimal("6.60")
    assert Feed.objects.get(key="hydro").data_as_of == first.data_as_of
