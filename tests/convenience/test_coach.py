"""乡镇客运: the timetable importer over real HTTP (the sample, bad rows, an unreachable or slow feed,
renamed columns, duplicates, previous data kept, withdrawal only after a clean batch) and the public
page (origin/destination filters, 400 for values not in the data, junk input), whose query count
does not grow with the timetable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convenience.importers import sample_feed
from convenience.models import Feed, ImportRun
from convenience.models.coach import CoachTrip
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
SAMPLE = sample_feed("coach").read_bytes()
SAMPLE_ROWS = SAMPLE.decode().strip().count("\n")
HEADER = "origin,destination,departure,station,via,fare,duration_minutes,operator\n"
TOWNS = (
    "鳌山卫",
    "温泉",
    "蓝村",
    "移风店",
    "大信",
    "田横",
    "金口",
    "灵山",
    "段泊岚",
    "刘家庄",
    "龙山",
    "环秀",
    "通济",
    "北安",
)


def csv(*lines):
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


# --- the importer ----------------------------------------------------------------------------------


def test_the_sample_feed_over_http(feed_server, settings):
    run = import_over_http(feed_server, settings, "coach", SAMPLE)
    assert run.status == S.APPLIED, run.message
    assert CoachTrip.objects.count() == SAMPLE_ROWS == run.rows_accepted
    for town in TOWNS:  # both directions, several a day
        assert CoachTrip.objects.filter(origin="即墨城区", destination=town).count() >= 3
        assert CoachTrip.objects.filter(origin=town, destination="即墨城区").count() >= 3
    fares = CoachTrip.objects.values_list("fare", flat=True)
    assert 6 <= min(fares) and max(fares) <= 25
    assert Feed.objects.get(key="coach").last_success == run


def test_bad_rows_are_reported_and_the_good_ones_applied(feed_server, settings):
    import_sample("coach")
    body = csv(
        "即墨城区,鳌山卫,06:30,即墨汽车站,龙泉,10,45,即墨市汽车运输有限公司",  # changed fare
        "即墨城区,即墨城区,07:00,即墨汽车站,,5,10,",  # origin = destination
        "即墨城区,温泉,7点,即墨汽车站,,8,40,",  # bad time
        "即墨城区,温泉,08:00,即墨汽车站,,八元,40,",  # bad fare
        "即墨城区,温泉,09:00,,,8,40,",  # no station
        "即墨城区,温泉,10:00,即墨汽车站,,8,-5,",  # bad duration
        "即墨城区,温泉,11:00,即墨汽车站,,8,40,,多余",  # extra column
        "即墨城区,大信,05:50,即墨汽车站,通济,8,35,",  # new
        "即墨城区,大信,05:55,即墨汽车站,通济,8,,",  # new, duration unknown
        "即墨城区,龙山,05:40,即墨汽车北站,,6,25,",
        "即墨城区,龙山,05:45,即墨汽车北站,,6,25,",
        "即墨城区,龙山,05:50,即墨汽车北站,,6,25,",
        "即墨城区,龙山,05:55,即墨汽车北站,,6,25,",
    )
    run = import_over_http(feed_server, settings, "coach", body)
    assert run.status == S.PARTIAL, run.message
    reasons = rejected_reasons(run)
    assert reasons["第 3 行"] == "始发地与目的地相同。"
    assert "时:分" in reasons["第 4 行"]
    assert reasons["第 5 行"] == "票价不是数字。"
    assert reasons["第 6 行"] == "缺少发车站。"
    assert "不能小于 1" in reasons["第 7 行"]
    assert "列数多于表头" in reasons["第 8 行"]
    assert CoachTrip.objects.get(origin="即墨城区", destination="鳌山卫", departure="06:30").fare == 10
    assert CoachTrip.objects.get(destination="大信", departure="05:55").duration_minutes is None
    # Not a clean batch: the sample's other departures stay.
    assert CoachTrip.objects.count() == SAMPLE_ROWS + 6


def test_a_clean_batch_withdraws_departures_no_longer_in_the_feed():
    import_sample("coach")
    run = run_import(
        "coach",
        content=csv(
            "即墨城区,鳌山卫,06:30,即墨汽车站,龙泉,9,45,", "鳌山卫,即墨城区,06:50,鳌山卫汽车站,,9,45,"
        ),
    )
    assert run.status == S.APPLIED and "下线" in run.message
    assert CoachTrip.objects.count() == 2


def trips():
    return sorted(CoachTrip.objects.values_list("origin", "destination", "departure", "fare", "station"))


def test_an_unreachable_or_slow_feed_keeps_the_timetable(feed_server, settings, short_timeout):
    import_sample("coach")
    assert_failures_keep_data(feed_server, settings, "coach", trips, slow=SAMPLE)
    assert CoachTrip.objects.count() == SAMPLE_ROWS


def test_renamed_columns_refuse_the_batch(feed_server, settings):
    import_sample("coach")
    renamed = SAMPLE.decode().replace("departure", "depart_time", 1).encode()
    run = import_over_http(feed_server, settings, "coach", renamed)
    assert run.status == S.REFUSED and "departure" in run.message
    assert CoachTrip.objects.count() == SAMPLE_ROWS


def test_duplicates():
    row = "即墨城区,鳌山卫,06:30,即墨汽车站,龙泉,9,45,"
    run = run_import("coach", content=csv(row, row, "即墨城区,温泉,07:00,即墨汽车站,,8,40,"))
    assert run.status == S.PARTIAL and "完全重复" in run.rejected[0]["reason"]
    assert CoachTrip.objects.count() == 2
    run = run_import(
        "coach",
        content=csv(
            "即墨城区,温泉,07:00,即墨汽车站,,8,40,",
            "即墨城区,温泉,07:00,即墨汽车站,,9,40,",  # the same departure, another fare
            "即墨城区,蓝村,07:00,即墨汽车站,,12,50,",
            "即墨城区,蓝村,08:00,即墨汽车站,,12,50,",
        ),
    )
    assert run.status == S.PARTIAL and sum("内容不同" in item["reason"] for item in run.rejected) == 2
    assert CoachTrip.objects.get(destination="温泉").fare == 8  # kept as it was
    assert CoachTrip.objects.filter(destination="鳌山卫").exists()  # nothing withdrawn


def test_a_gbk_file_from_an_older_system():
    content = (
        HEADER + "即墨城区,田横,06:00,即墨汽车站,北安、灵山、金口,25,95,即墨市汽车运输有限公司\n"
    ).encode("gb18030")
    run = run_import("coach", content=content, source=ImportRun.Source.UPLOAD, file_name="coach.csv")
    assert run.status == S.APPLIED and CoachTrip.objects.get().via == "北安、灵山、金口"


# --- the page --------------------------------------------------------------------------------------


@pytest.fixture
def page():
    import_sample("coach")
    return lookup_page("coach")


def test_the_whole_timetable_grouped_by_line(client, page):
    response = page_get(client, page)
    body = text(response)
    assert response.status_code == 200
    assert f"全部班次（共 {SAMPLE_ROWS} 班）" in body
    assert "<caption>即墨城区 → 鳌山卫</caption>" in body and "<caption>鳌山卫 → 即墨城区</caption>" in body
    assert body.index("<caption>即墨城区 → ") < body.index("<caption>鳌山卫 → 即墨城区")
    assert 'scope="col">发车时间' in body and "数据更新于" in body
    assert '<option value="鳌山卫">鳌山卫</option>' in body


def test_filters(client, page):
    body = text(page_get(client, page, data={"origin": "即墨城区", "destination": "田横"}))
    assert "<caption>即墨城区 → 田横</caption>" in body and body.count("<caption>") == 1
    assert "北安、灵山、金口" in body and "25 元" in body and "约 95 分钟" in body
    assert '<option value="田横" selected>' in body
    body = text(page_get(client, page, data={"destination": "即墨城区"}))
    assert body.count("<caption>") == len(TOWNS) and "<caption>即墨城区 →" not in body
    response = page_get(client, page, data={"origin": "鳌山卫", "destination": "田横"})
    assert response.status_code == 200 and "未查询到从“鳌山卫”到“田横”的客运班次" in text(response)


def test_values_not_in_the_data_are_400(client, page):
    response = page_get(client, page, data={"origin": "火星", "destination": "鳌山卫"})
    body = text(response)
    assert response.status_code == 400
    assert "没有始发地为“火星”的班次" in body and 'role="alert"' in body
    assert '<option value="鳌山卫" selected>' in body  # the valid choice is kept
    response = page_get(client, page, data={"destination": "x" * 500})
    assert response.status_code == 400 and f"没有目的地为“{'x' * 30}”的班次" in text(response)


@pytest.mark.parametrize(
    "params",
    [
        {"origin": "<script>"},
        {"origin": "\x00"},
        {"destination": "%"},
        {"origin": ["鳌山卫", "温泉"]},
        {"origin": " 鳌山卫 "},
    ],
)
def test_junk_input_is_never_a_500(client, page, params):
    response = page_get(client, page, data=params)
    assert (
        response.status_code in (200, 400) and "<script>" not in text(response).split('id="coach-origin"')[1]
    )


def test_no_data_yet(client):
    response = page_get(client, lookup_page("coach"))
    assert response.status_code == 200 and "暂无客运班次数据" in text(response)


def count_queries(client, page, params):
    with CaptureQueriesContext(connection) as queries:
        assert page_get(client, page, data=params).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_timetable(client, page):
    cases = [None, {"origin": "即墨城区"}, {"origin": "即墨城区", "destination": "鳌山卫"}]
    page_get(client, page)
    small = [count_queries(client, page, params) for params in cases]
    extra = [
        f"即墨城区,测试镇{n},{6 + m:02d}:{m * 7 % 60:02d},即墨汽车站,,10,30,"
        for n in range(40)
        for m in range(10)
    ]
    assert run_import("coach", content=SAMPLE + "\n".join(extra).encode() + b"\n").status == S.APPLIED
    assert CoachTrip.objects.count() == SAMPLE_ROWS + 400
    big = [count_queries(client, page, params) for params in cases]
    assert big == small and max(small) <= 20, small


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize("departure", ["06:00+08:00", "23:59:59.999999-12:00", "0000-01"])
def test_a_departure_with_a_time_zone_is_one_refused_row(departure):
    run = run_import(
        "coach",
        content=csv(
            "即墨城区,鳌山卫,06:30,即墨汽车站,,9,45,",
            "即墨城区,温泉,07:30,即墨汽车站,,7,30,",
            f"即墨城区,蓝村,{departure},即墨汽车站,,7,30,",
        ),
        source=ImportRun.Source.UPLOAD,
    )
    assert run.status == S.PARTIAL, run.message
    assert "发车时间" in rejected_reasons(run)["第 4 行"]
    assert CoachTrip.objects.count() == 2
