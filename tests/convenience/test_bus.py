"""城市公交: the route feed importer over real HTTP (the sample, bad routes, an unreachable or slow
feed, renamed fields, duplicates, previous data kept, withdrawal only after a clean batch) and the
public pages (route list, route and stop pages, the A→B planner and its 400s, junk input), whose
query count does not grow with the network."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convenience import transit
from convenience.importers import sample_feed
from convenience.importers.bus import sort_key
from convenience.models import Feed, ImportRun
from convenience.models.bus import BusRoute, BusRouteStop, BusStop
from convenience.services import import_sample, run_import
from tests.convenience.helpers import (
    assert_failures_keep_data,
    import_over_http,
    page_get,
    rejected_reasons,
    text,
)
from tests.factories.convenience import lookup_page

pytestmark = pytest.mark.django_db
S = ImportRun.Status
SAMPLE = sample_feed("bus").read_bytes()
SAMPLE_DOC = json.loads(SAMPLE)


@pytest.fixture(autouse=True)
def fresh_network():
    transit.reset_cache()
    yield
    transit.reset_cache()


def route(number, stops, **extra):
    return {
        "number": number,
        "name": extra.pop("name", f"{stops[0]}—{stops[-1]}"),
        "first_bus": "06:00",
        "last_bus": "21:00",
        "interval": 10,
        "fare": 1,
        "loop": False,
        "operator": "即墨市公共交通有限公司",
        "stops": stops,
        **extra,
    }


def feed(records, generated_at="2026-11-28T11:00:00+08:00"):
    return json.dumps({"generated_at": generated_at, "records": records}, ensure_ascii=False).encode()


def stops_of(number):
    return list(
        BusRouteStop.objects.filter(route__number=number)
        .order_by("position")
        .values_list("stop__name", flat=True)
    )


# --- the importer ----------------------------------------------------------------------------------


def test_the_sample_feed_over_http(feed_server, settings):
    run = import_over_http(feed_server, settings, "bus", SAMPLE)
    assert run.status == S.APPLIED, run.message
    assert run.rows_accepted == len(SAMPLE_DOC["records"]) == BusRoute.objects.count()
    assert 18 <= BusRoute.objects.count() <= 24
    assert 120 <= BusStop.objects.count() <= 200
    first = SAMPLE_DOC["records"][0]
    assert stops_of(first["number"]) == first["stops"]
    loop = BusRoute.objects.get(number="环1路")
    assert loop.loop and loop.sort_key == 1
    assert BusRoute.objects.get(number="101路").sort_key == 101
    assert Feed.objects.get(key="bus").last_success == run
    assert run.file_name.endswith("/bus.json")


def test_sort_key():
    assert [sort_key(n) for n in ("1路", "101路", "环2路", "旅游专线", "K99999999")] == [
        1,
        101,
        2,
        9999,
        9999,
    ]


def test_a_feed_with_bad_routes_applies_the_good_ones_and_keeps_the_previous_version_of_the_bad(
    feed_server, settings
):
    run_import(
        "bus",
        content=feed(
            [route("1路", ["甲", "乙", "丙"]), route("2路", ["丙", "丁"]), route("3路", ["戊", "己"])]
        ),
    )
    bad_first = route("1路", ["甲", "乙"], first_bus="22:00")  # last bus before the first
    records = [
        bad_first,
        route("2路", ["丙", "丁", "庚"]),  # changed: applied
        route("4路", ["庚", "辛"]),  # new
        route("5路", ["庚", "庚", "辛"]),  # a stop twice in a row
        route("6路", ["庚"]),  # one stop
        route("7路", ["庚", "辛"], fare="一元"),
        route("8路", ["庚", "辛"], first_bus="6点"),
        route("9路", "庚,辛"),  # not a list
        route("10路", ["庚", "辛"], loop="也许"),
        route("11路", ["庚", "辛"], interval=0),
        route("12路", ["庚", "", "辛"]),
        *(route(f"{n}路", ["壬", "癸", f"子{n}"]) for n in range(13, 22)),
    ]
    run = import_over_http(feed_server, settings, "bus", feed(records))
    assert run.status == S.PARTIAL, run.message
    reasons = rejected_reasons(run)
    assert reasons["第 1 条"] == "末班时间应晚于首班时间。"
    assert "连续出现两次" in reasons["第 4 条"]
    assert reasons["第 5 条"] == "线路至少要有 2 个站点。"
    assert reasons["第 6 条"] == "票价不是数字。"
    assert "时:分" in reasons["第 7 条"]
    assert "列表" in reasons["第 8 条"]
    assert "是" in reasons["第 9 条"] and "否" in reasons["第 9 条"]
    assert "不能小于 1" in reasons["第 10 条"]
    assert "第 2 个站点缺少站名" in reasons["第 11 条"]
    assert run.rows_rejected == 9 and run.rows_accepted == 11
    # The rejected 1路 keeps its previous version; 3路, missing from a batch with rejects, stays.
    assert stops_of("1路") == ["甲", "乙", "丙"]
    assert stops_of("2路") == ["丙", "丁", "庚"]
    assert stops_of("3路") == ["戊", "己"]
    assert stops_of("4路") == ["庚", "辛"]
    assert not BusRoute.objects.filter(number__in=["5路", "6路", "7路"]).exists()
    assert "下线" not in run.message


def test_a_clean_batch_withdraws_missing_routes_and_orphan_stops():
    import_sample("bus")
    run = run_import(
        "bus",
        content=feed([route("1路", ["即墨汽车站", "即墨古城"]), route("2路", ["即墨古城", "即墨北站"])]),
    )
    assert run.status == S.APPLIED and "下线" in run.message
    assert sorted(BusRoute.objects.values_list("number", flat=True)) == ["1路", "2路"]
    assert sorted(BusStop.objects.values_list("name", flat=True)) == ["即墨北站", "即墨古城", "即墨汽车站"]
    assert stops_of("1路") == ["即墨汽车站", "即墨古城"]


def test_a_batch_with_a_rejected_route_withdraws_nothing():
    import_sample("bus")
    routes, stops = BusRoute.objects.count(), BusStop.objects.count()
    run = run_import(
        "bus", content=feed([route("1路", ["即墨汽车站", "即墨古城"]), route("2路", ["即墨古城"])])
    )
    assert run.status == S.PARTIAL
    assert BusRoute.objects.count() == routes and BusStop.objects.count() == stops
    assert stops_of("1路") == ["即墨汽车站", "即墨古城"]
    assert len(stops_of("2路")) > 1  # its previous version


def network():
    return BusRoute.objects.count(), sorted(
        BusRouteStop.objects.values_list("route__number", "stop__name", "position")
    )


def test_an_unreachable_feed_keeps_the_data(feed_server, settings):
    import_sample("bus")
    assert_failures_keep_data(feed_server, settings, "bus", network)
    assert Feed.objects.get(key="bus").last_success.source == ImportRun.Source.DEMO


def test_a_feed_that_times_out_keeps_the_data(feed_server, settings, short_timeout):
    import_sample("bus")
    assert_failures_keep_data(feed_server, settings, "bus", network, unreachable=False, slow=SAMPLE)


def test_renamed_fields_refuse_the_batch(feed_server, settings):
    import_sample("bus")
    renamed = json.loads(SAMPLE)
    for item in renamed["records"]:
        item["stations"] = item.pop("stops")
    run = import_over_http(feed_server, settings, "bus", json.dumps(renamed))
    assert run.status == S.REFUSED and "stops" in run.message
    assert BusRoute.objects.count() == len(SAMPLE_DOC["records"])


def test_not_json_and_mostly_bad_feeds_are_refused():
    import_sample("bus")
    assert run_import("bus", content=b"<html>error</html>").status == S.REFUSED
    assert run_import("bus", content=b'{"records": "none"}').status == S.REFUSED
    mostly_bad = feed([route("1路", ["甲", "乙"]), route("2路", ["甲"]), route("3路", ["乙"])])
    run = run_import("bus", content=mostly_bad)
    assert run.status == S.REFUSED and "超过" in run.message
    assert BusRoute.objects.count() == len(SAMPLE_DOC["records"])


def test_duplicate_routes():
    same = route("1路", ["甲", "乙"])
    run = run_import("bus", content=feed([same, dict(same), route("2路", ["乙", "丙"])]))
    assert run.status == S.PARTIAL and "完全重复" in run.rejected[0]["reason"]
    assert "下线" in run.message  # an identical repeat does not make the batch incomplete
    run = run_import(
        "bus",
        content=feed(
            [
                route("2路", ["乙", "丙"]),
                route("2路", ["乙", "丁"]),
                route("3路", ["丙", "戊"]),
                route("4路", ["戊", "己"]),
            ]
        ),
    )
    assert run.status == S.PARTIAL
    assert sum("内容不同" in item["reason"] for item in run.rejected) == 2
    assert stops_of("2路") == ["乙", "丙"]  # conflicting versions: the previous one stays
    assert BusRoute.objects.filter(number="1路").exists()  # nothing withdrawn


def test_a_loop_written_closed_is_stored_once_round():
    run_import(
        "bus", content=feed([route("环1路", ["甲", "乙", "丙", "甲"], loop=True), route("2路", ["甲", "丁"])])
    )
    assert stops_of("环1路") == ["甲", "乙", "丙"]
    run = run_import(
        "bus", content=feed([route("环1路", ["甲", "乙", "甲"], loop=True), route("2路", ["甲", "丁"])])
    )
    assert "环线" in run.rejected[0]["reason"]


def test_a_reimport_of_the_same_feed_changes_nothing():
    import_sample("bus")
    before = list(BusRouteStop.objects.order_by("pk").values_list("pk", flat=True))
    import_sample("bus")
    assert list(BusRouteStop.objects.order_by("pk").values_list("pk", flat=True)) == before


# --- the pages -------------------------------------------------------------------------------------


@pytest.fixture
def page():
    import_sample("bus")
    return lookup_page("bus")


def route_pk(number):
    return BusRoute.objects.get(number=number).pk


def stop_pk(name):
    return BusStop.objects.get(name=name).pk


def test_the_route_list(client, page):
    response = page_get(client, page)
    body = text(response)
    assert response.status_code == 200
    for title in ("市区线路", "环线", "城乡公交"):
        assert f"<caption>{title}" in body
    assert body.index(">1路<") < body.index(">2路<") < body.index(">10路<") < body.index(">101路<")
    assert f"route/{route_pk('1路')}/" in body
    assert "数据更新于" in body and 'for="bus-from"' in body and 'scope="col"' in body


def test_a_direct_journey(client, page):
    body = text(page_get(client, page, data={"from": "即墨汽车站", "to": "即墨北站"}))
    assert "有 2 条线路可直达" in body
    assert body.index(">15路<") < body.index(">1路<")  # fewer stops first
    assert "乘坐 <strong>5</strong> 站" in body and "开往 即墨北站 方向" in body
    assert "首班 06:00，末班 21:00，约 10 分钟一班，票价 2 元" in body
    assert 'value="即墨汽车站"' in body


def test_the_reverse_direction_and_a_loop(client, page):
    body = text(page_get(client, page, data={"from": "即墨北站", "to": "即墨汽车站"}))
    assert "开往 即墨汽车站 方向" in body
    # 环2路 runs 即墨古城 → 蓝鳌路华山路口 → … → 健民街 → (即墨古城): 健民街 is one stop on.
    body = text(page_get(client, page, data={"from": "健民街", "to": "蓝鳌路华山路口"}))
    assert ">环2路<" in body


def test_a_journey_with_one_transfer(client, page):
    body = text(page_get(client, page, data={"from": "马山石林", "to": "北安工业园"}))
    assert "没有直达线路" in body
    assert "在 <strong>即墨古城</strong> 换乘" in body
    assert "共 12 站，票价合计 3 元" in body


def test_no_connection_and_the_same_stop(client, page):
    response = page_get(client, page, data={"from": "马山石林", "to": "田横"})
    assert response.status_code == 200 and "未查询到从“马山石林”到“田横”" in text(response)
    response = page_get(client, page, data={"from": "即墨古城", "to": "即墨古城"})
    assert response.status_code == 200 and "同一个站点" in text(response)


def test_part_of_a_name_is_enough_when_it_means_one_stop(client, page):
    body = text(page_get(client, page, data={"from": "古城", "to": "北站"}))
    assert "从 <a" in body and ">即墨古城</a> 到 <a" in body


def test_unknown_and_ambiguous_stops_are_400_with_suggestions(client, page):
    response = page_get(client, page, data={"from": "即墨车站", "to": "鹤山路"})
    body = text(response)
    assert response.status_code == 400
    assert "没有名为“即墨车站”的站点" in body and ">即墨汽车站</a>" in body
    assert "有多个站点包含“鹤山路”" in body and ">鹤山路烟青路口</a>" in body
    assert 'value="即墨车站"' in body and 'value="鹤山路"' in body  # what they typed is kept
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    response = page_get(client, page, data={"from": "火星基地", "to": "即墨古城"})
    assert response.status_code == 400 and "火星基地" in text(response)


def test_missing_and_too_long_input_is_400(client, page):
    response = page_get(client, page, data={"from": "", "to": ""})
    assert (
        response.status_code == 400 and "请填写起点站" in text(response) and "请填写终点站" in text(response)
    )
    response = page_get(client, page, data={"from": "即墨古城"})
    assert response.status_code == 400 and "请填写终点站" in text(response)
    response = page_get(client, page, data={"from": "站" * 31, "to": "即墨古城"})
    assert response.status_code == 400 and "不能超过 30 个字" in text(response)
    response = page_get(client, page, data={"q": "路" * 200})
    assert response.status_code == 400 and "不能超过 30 个字" in text(response)
    response = page_get(client, page, data={"q": "  "})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"from": "<script>alert(1)</script>", "to": "即墨古城"},
        {"from": "\x00", "to": "\x00"},
        {"from": "%", "to": "_"},
        {"from": "' OR 1=1 --", "to": "\u202e\ufeff"},
        {"from": ["即墨古城", "即墨北站"], "to": "即墨汽车站"},
        {"q": "<b>"},
        {"q": "\x00\x01"},
        {"q": "%"},
    ],
)
def test_junk_input_is_never_a_500(client, page, params):
    response = page_get(client, page, data=params)
    assert response.status_code in (200, 400)
    assert "<script>alert" not in text(response)
    if params.get("q") == "<b>":
        assert 'value="&lt;b&gt;"' in text(response)


def test_the_stop_search(client, page):
    body = text(page_get(client, page, data={"q": "蓝鳌路"}))
    assert "找到 6 个站点" in body and f"stop/{stop_pk('蓝鳌路烟青路口')}/" in body
    response = page_get(client, page, data={"q": "即墨车站"})
    assert response.status_code == 200
    assert "未查询到名称包含“即墨车站”的站点" in text(response) and ">即墨汽车站</a>" in text(response)


def test_a_route_page(client, page):
    response = page_get(client, page, f"route/{route_pk('1路')}/")
    body = text(response)
    assert response.status_code == 200
    assert "即墨汽车站 → 即墨北站" in body and "即墨北站 → 即墨汽车站" in body
    assert "即墨市公共交通有限公司" in body and "约 8 分钟" in body
    first = body.index("即墨汽车站 → 即墨北站")
    assert body.index(">即墨市实验学校<", first) < body.index(">龙山小学<", first)
    body = text(page_get(client, page, f"route/{route_pk('环1路')}/"))
    assert "环线运行方向" in body and "单向运行" in body and "→ 鹤山路烟青路口" not in body


def test_a_stop_page(client, page):
    response = page_get(client, page, f"stop/{stop_pk('即墨北站')}/")
    body = text(response)
    assert response.status_code == 200
    for number in ("1路", "6路", "15路", "104路"):
        assert f">{number}</a>" in body
    assert "开往 即墨汽车站" in body and 'name="from" value="即墨北站"' in body
    body = text(page_get(client, page, f"stop/{stop_pk('健民街')}/"))
    assert "环线（下一站 即墨古城）" in body


@pytest.mark.parametrize(
    "sub", ["route/abc/", "route/999999/", "route/", "stop/-1/", "stop/99999999999999999999/", "line/1/"]
)
def test_unknown_subpages_are_404(client, page, sub):
    assert page_get(client, page, sub).status_code == 404


def test_no_data_yet(client):
    page = lookup_page("bus")
    response = page_get(client, page)
    assert response.status_code == 200 and "暂无公交线路数据" in text(response)
    response = page_get(client, page, data={"from": "即墨古城", "to": "即墨北站"})
    # Nothing to plan on yet: the page says so (200), it does not blame the stop names.
    assert response.status_code == 200 and "暂时无法查询换乘" in text(response)
    assert 'value="即墨古城"' in text(response) and "没有名为" not in text(response)


def test_stale_data_says_so(client):
    long_ago = (timezone.now() - timedelta(days=100)).isoformat()
    run_import("bus", content=feed([route("1路", ["甲", "乙"])], generated_at=long_ago))
    body = text(page_get(client, lookup_page("bus")))
    assert "未更新" in body


def synthetic_routes(count, length=20):
    return [
        route(f"{200 + n}路", [f"测试{n}站{i}" for i in range(length)] + ["即墨古城"]) for n in range(count)
    ]


_last_queries = []


def count_queries(client, page, requests):
    counts = []
    for sub, data in requests:
        page_get(client, page, sub, data)  # the first request after an import builds the network
        with CaptureQueriesContext(connection) as queries:
            assert page_get(client, page, sub, data).status_code == 200
        counts.append(len(queries))
        _last_queries[:] = queries.captured_queries
    return counts


def test_query_counts_do_not_grow_with_the_network(client, page, django_assert_max_num_queries):
    def requests():
        return [
            ("", None),
            ("", {"from": "即墨汽车站", "to": "即墨北站"}),
            ("", {"from": "马山石林", "to": "北安工业园"}),
            ("", {"q": "路"}),
            (f"route/{route_pk('1路')}/", None),
            (f"stop/{stop_pk('即墨古城')}/", None),
        ]

    small = count_queries(client, page, requests())
    big_feed = json.loads(SAMPLE)
    big_feed["records"] += synthetic_routes(100)
    assert run_import("bus", content=json.dumps(big_feed).encode()).status == S.APPLIED
    assert BusRoute.objects.count() > 120 and BusStop.objects.count() > 2000
    big = count_queries(client, page, requests())
    assert big == small
    assert max(small) <= 20, small  # mostly the page itself (site, ancestors, identity)
    ours = [query["sql"] for query in _last_queries if 'FROM "convenience_feed"' in query["sql"]]
    assert len(ours) == 2, ours  # the network's version and the freshness: nothing per route or stop
    transit.reset_cache()
    with django_assert_max_num_queries(max(small) + 3):  # + building the network: three queries
        page_get(client, page, data={"from": "即墨汽车站", "to": "即墨北站"})


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_bus", "last_bus"])
@pytest.mark.parametrize("value", ["06:00+08:00", "23:59:59.999999-12:00", "0000-01"])
def test_a_bus_time_with_a_time_zone_is_one_refused_row(field, value):
    run = run_import(
        "bus",
        content=feed(
            [
                route("1路", ["甲", "乙"]),
                route("2路", ["丙", "丁"]),
                route("3路", ["戊", "己"], **{field: value}),
            ]
        ),
        source=ImportRun.Source.UPLOAD,
    )
    assert run.status == S.PARTIAL, run.message
    assert "时间" in rejected_reasons(run)["第 3 条"]
    assert set(BusRoute.objects.values_list("number", flat=True)) == {"1路", "2路"}


@pytest.mark.parametrize(
    "generated", ["0001-01-01T00:00:00", "9999-12-31T23:59:00", "future", "1899-12-31T08:00:00+08:00"]
)
def test_a_generated_at_out_of_range_refuses_the_batch(generated):
    if generated == "future":
        generated = (timezone.now() + timedelta(days=2)).isoformat()
    run = run_import("bus", content=feed([route("1路", ["甲", "乙"])], generated_at=generated))
    assert run.status == S.REFUSED and "生成时间" in run.message, run.message
    assert not BusRoute.objects.exists()
    assert Feed.objects.get(key="bus").data_as_of is None


def test_routes_are_written_in_a_fixed_number_of_queries():
    def queries(count, fare):
        records = [route(f"{n + 1}路", [f"{n}甲", f"{n}乙", "即墨古城"], fare=fare) for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert run_import("bus", content=feed(records)).status == S.APPLIED
        return len(captured)

    def new_then_changed(count):
        BusRoute.objects.all().delete()
        BusStop.objects.all().delete()
        return queries(count, 1), queries(count, 2)

    run_import("bus", content=feed([route("99路", ["甲", "乙"])]))  # the feed's row exists
    assert new_then_changed(3) == new_then_changed(60)
