"""交通违法查询: the importer over real HTTP (the sample feed, bad rows, an unreachable or slow feed,
changed columns, duplicates, the previous data kept, no plate or VIN stored in plain) and the page
(plate and VIN validation, the violations with the unhandled totals, nothing found, the limits per
address and per plate, the headers that keep it out of caches and search engines, a bounded number
of queries)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from convenience import personal
from convenience.importers import sample_feed
from convenience.models import ImportRun
from convenience.models.feeds import LookupAttempt
from convenience.models.traffic import TrafficViolation
from convenience.services import SAMPLE_FEED_DATE, import_sample, run_import, sample_shift
from tests.convenience import personal_helpers as helpers
from tests.convenience.personal_helpers import assert_private, html, rejected_reasons
from tests.factories.convenience import configure_feed

pytestmark = pytest.mark.django_db

S = ImportRun.Status
O = LookupAttempt.Outcome  # noqa: E741
SAMPLE = sample_feed("traffic").read_bytes()
HEADER = "record_no,plate,plate_type,vin,occurred_at,place,act,code,fine,points,handled,authority\n"
# The demo's vehicle with most violations: 7, of which 3 unhandled (400 元, 7 分).
PLATE, VIN, TAIL = "鲁B7K2M9", "LSVAM4181P2106358", "106358"
OTHER_PLATE, OTHER_TAIL = "鲁BD36528", "418273"
CLEAN_VIN = "LSGKB54H4RA034127"  # a valid VIN of a vehicle without violations
IP = "203.0.113.9"
RED = "驾驶机动车违反道路交通信号灯通行的"
upload, get, post, page, loaded = helpers.for_lookup("traffic", "traffic.csv", IP)


def when(days_ago=1):
    return (timezone.localtime() - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")


def row(number, plate=PLATE, vin=VIN, at=None, fine="200", points="6", handled="否", **extra):
    values = {
        "record_no": f"37028226{number:08d}",
        "plate": plate,
        "plate_type": "小型汽车",
        "vin": vin,
        "occurred_at": at or when(),
        "place": "烟青路与鹤山路交叉口",
        "act": RED,
        "code": "1625",
        "fine": fine,
        "points": points,
        "handled": handled,
        "authority": "即墨市公安局交通警察大队",
        **extra,
    }
    return ",".join(values.values())


def csv(*lines, header=HEADER):
    return header + "".join(line + "\n" for line in lines)


def snapshot():
    return sorted(TrafficViolation.objects.values_list("record_no", "lookup_hash", "handled", "fine"))


def vehicle_hash(plate=PLATE, tail=TAIL):
    return personal.identifier_hash("traffic", personal.vehicle_key(plate, tail))


def sample_plates_and_vins():
    values = set()
    for line in SAMPLE.decode().splitlines()[1:]:
        cells = line.split(",")
        values.update([cells[1], cells[1][2:], cells[3], cells[3][-6:]])
    return values


# --- the importer ------------------------------------------------------------------------------------


def test_the_sample_feed_over_http(group, feed_server, settings):
    run = helpers.import_over_http("traffic", "traffic.csv", SAMPLE, feed_server, settings)
    assert run.rows_total == run.rows_accepted == 30 == TrafficViolation.objects.count()
    assert TrafficViolation.objects.values("lookup_hash").distinct().count() == 8
    mine = TrafficViolation.objects.filter(lookup_hash=vehicle_hash())
    assert mine.count() == 7 and mine.filter(handled=False).count() == 3
    assert set(mine.values_list("plate_masked", flat=True)) == {"鲁B·***M9"}
    assert TrafficViolation.objects.filter(plate_masked="鲁B·***3挂", plate_type="挂车").count() == 2
    latest = mine.first()
    assert (latest.place, latest.code, latest.fine, latest.points) == ("烟青路与鹤山路交叉口", "1625", 200, 6)
    assert timezone.localtime(latest.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-11-24 08:12"


def test_no_plate_or_vin_is_stored_in_plain(group, feed_server, settings):
    configure_feed(settings, "traffic", feed_server.serve("/traffic.csv", SAMPLE))
    run_import("traffic")
    upload(csv(row(1), row(2, plate="鲁B7K2M"), row(3, vin="LSVAM4182P2106358")))
    stored = json.dumps(
        [*TrafficViolation.objects.values(), *ImportRun.objects.filter(feed="traffic").values()],
        ensure_ascii=False,
        default=str,
    )
    for value in sample_plates_and_vins() | {"鲁B7K2M"}:
        assert value not in stored, value


def test_the_demo_moves_the_sample_dates(group):
    run = import_sample("traffic", shift_to=SAMPLE_FEED_DATE - timedelta(days=10))
    assert run.status == S.APPLIED
    latest = TrafficViolation.objects.filter(lookup_hash=vehicle_hash()).first()
    assert timezone.localtime(latest.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-11-14 08:12"


def test_a_partly_bad_feed_applies_the_good_rows_and_says_why(group, feed_server, settings):
    content = csv(
        *[row(n, at=when(n)) for n in range(1, 10)],  # lines 2-10
        row(10, plate="鲁O67890"),  # 11
        row(11, plate="鲁B678"),  # 12
        row(12, vin="LSVAM4182P2106358"),  # 13: check digit
        row(13, vin="LSVAM4181P210635"),  # 14: 16 characters
        row(14, at=(timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")),  # 15
        row(15, fine="两百"),  # 16
        row(16, points="13"),  # 17
        row(17, handled="也许"),  # 18
        row(18) + ",多余",  # 19
    )
    configure_feed(settings, "traffic", feed_server.serve("/partly.csv", content))
    run = run_import("traffic")
    assert run.status == S.PARTIAL and run.rows_accepted == 9 and run.rows_rejected == 9
    reasons = rejected_reasons(run)
    assert "号牌号码格式不正确" in reasons["第 11 行"] and "第二位" in reasons["第 11 行"]
    assert "现有 5 位" in reasons["第 12 行"]
    assert reasons["第 13 行"] == "车辆识别代号第 9 位校验位不正确。"
    assert "应为 17 位" in reasons["第 14 行"]
    assert reasons["第 15 行"] == "违法时间晚于当前时间。"
    assert reasons["第 16 行"] == "罚款金额不是整数。"
    assert reasons["第 17 行"] == "记分不能大于 12。"
    assert "是否已处理" in reasons["第 18 行"]
    assert "列数多于表头" in reasons["第 19 行"]
    for reason in reasons.values():
        assert "鲁O67890" not in reason and "鲁B678" not in reason and "LSVAM" not in reason
    assert TrafficViolation.objects.count() == 9


def test_an_unreachable_feed_keeps_the_previous_data(loaded, feed_server, settings):
    helpers.assert_unreachable_feed_keeps_data("traffic", "csv", loaded, feed_server, settings, snapshot)


def test_a_feed_that_times_out_keeps_the_previous_data(loaded, feed_server, settings, short_timeout):
    helpers.assert_slow_feed_keeps_data("traffic", "csv", SAMPLE, feed_server, settings, snapshot)


def test_renamed_columns_refuse_the_whole_batch(loaded, feed_server, settings):
    renamed = SAMPLE.decode().replace(",vin,", ",frame_no,", 1)
    configure_feed(settings, "traffic", feed_server.serve("/renamed.csv", renamed))
    helpers.assert_refused_keeping_data(
        snapshot, lambda: run_import("traffic"), "缺少列 vin", "原有数据保持不变"
    )


def test_mostly_bad_rows_are_refused_whole(loaded):
    bad = csv(row(1), row(2, plate="X"), row(3, vin="X"))
    helpers.assert_refused_keeping_data(snapshot, lambda: upload(bad), "超过 50%")


def test_duplicates_identical_are_ignored_conflicting_are_both_refused(group):
    at = when(3)
    run = upload(csv(row(1, at=at), row(1, at=at), row(2), row(2, fine="100"), row(3), row(4), row(5)))
    assert run.status == S.PARTIAL and run.rows_accepted == 4
    reasons = rejected_reasons(run)
    assert "与第 2 行完全重复" in reasons["第 3 行"]
    assert "内容不同，两行均未导入" in reasons["第 5 行"] and "内容不同" in reasons["第 4 行"]
    assert not TrafficViolation.objects.filter(record_no="3702822600000002").exists()


def test_an_update_by_record_number_and_the_others_stay(loaded):
    number = TrafficViolation.objects.filter(lookup_hash=vehicle_hash(), handled=False).first().record_no
    line = next(line for line in SAMPLE.decode().splitlines() if line.startswith(number))
    line = line.replace(",否,", ",是,")
    run = run_import(
        "traffic", content=csv(line).encode(), source=ImportRun.Source.UPLOAD, shift=sample_shift()
    )
    assert run.status == S.APPLIED
    assert TrafficViolation.objects.get(record_no=number).handled
    assert TrafficViolation.objects.count() == 30


# --- the page -----------------------------------------------------------------------------------------


def test_the_form(page, loaded, client):
    response = get(client, page)
    text = html(response)
    assert response.status_code == 200 and 'method="post"' in text
    assert 'name="plate"' in text and 'name="vin_tail"' in text and 'name="captcha"' in text
    assert "数据更新于" in text
    assert_private(response)


def test_the_violations_of_a_vehicle(page, loaded, client):
    response = post(client, page, plate="鲁b·7k2m9", vin_tail="106358")
    assert response.status_code == 200
    text = html(response)
    assert "鲁B·***M9" in text and PLATE not in text and VIN not in text
    assert text.count('<th scope="row"><time') == 7
    assert "烟青路与鹤山路交叉口" in text and RED in text and "1625" in text
    assert text.count(">未处理</span>") == 3 and text.count(">已处理</span>") == 4
    assert "共罚款 400 元、记 7 分" in text
    assert 'role="alert"' in text and "<caption>" in text and 'scope="col"' in text
    assert_private(response)
    attempt = LookupAttempt.objects.get()
    assert (attempt.feed, attempt.outcome, attempt.ip) == ("traffic", O.FOUND, IP)
    assert attempt.identifier_hash == vehicle_hash()


def test_a_vehicle_whose_violations_are_all_handled(page, loaded, client):
    text = html(post(client, page, plate="鲁B8C4E7", vin_tail="381459"))
    assert text.count(">已处理</span>") == 3 and "未处理</span>" not in text and "共罚款" not in text


def test_nothing_found(page, loaded, client):
    response = post(client, page, plate=PLATE, vin_tail="106359")
    assert response.status_code == 200
    text = html(response)
    assert "未查询到该车辆的交通违法记录" in text and "鲁B·" not in text
    assert LookupAttempt.objects.get().outcome == O.NOT_FOUND


@pytest.mark.parametrize(
    ("plate", "tail", "words"),
    [
        ("B7K2M9", TAIL, "第一个字应为省、自治区、直辖市的简称"),
        ("鲁O7K2M9", TAIL, "第二位应为发牌机关代号"),
        ("鲁B7K2", TAIL, "应为 7 位（新能源汽车 8 位）"),
        (PLATE, "10635", "后六位（现有 5 位）"),
        (PLATE, "1O6358", "不含字母 I、O、Q"),
        ("", TAIL, "请填写号牌号码"),
    ],
)
def test_malformed_plate_or_vin_tail_is_refused_and_kept(page, loaded, client, plate, tail, words):
    response = post(client, page, plate=plate, vin_tail=tail)
    assert response.status_code == 400
    text = html(response)
    assert words in text and 'role="alert"' in text
    assert f'value="{plate}"' in text if plate else True
    assert f'value="{tail}"' in text
    assert not LookupAttempt.objects.exists()
    assert_private(response)


def test_guessing_the_vin_tail_of_a_plate_is_paused(page, loaded, client):
    for n in range(personal.TRAFFIC_MISSES_PER_PLATE):
        response = post(client, page, plate=PLATE, vin_tail=f"{n:06d}")
        assert "未查询到" in html(response)
    refused = post(client, page, plate=PLATE, vin_tail=TAIL)
    helpers.assert_paused(refused, "已暂停查询", "鲁B·", O.LIMITED)
    # Another vehicle is not affected.
    assert "鲁B·****28" in html(post(client, page, plate=OTHER_PLATE, vin_tail=OTHER_TAIL))


def test_the_address_limit(page, loaded, client):
    malformed, query = {"plate": "X", "vin_tail": "1"}, {"plate": PLATE, "vin_tail": TAIL}
    helpers.assert_the_address_limit(client, page, malformed, query, IP, "203.0.113.10")


def test_the_lookup_runs_a_bounded_number_of_queries(page, loaded, client, django_assert_max_num_queries):
    post(client, page, plate=PLATE, vin_tail=TAIL)
    with django_assert_max_num_queries(20) as few:
        post(client, page, plate=PLATE, vin_tail=TAIL)
    small = len(few)
    upload(csv(*[row(n, at=when(n)) for n in range(100, 160)]))
    assert TrafficViolation.objects.filter(lookup_hash=vehicle_hash()).count() == 67
    with django_assert_max_num_queries(small + 1):  # beyond 100 rows the totals are one query
        response = post(client, page, plate=PLATE, vin_tail=TAIL)
    assert html(response).count('<th scope="row"><time') == 67


def test_results_are_never_indexed_by_the_site_search(page, loaded, client):
    post(client, page, plate=PLATE, vin_tail=TAIL)
    shown = ("鲁B·***M9", RED, "烟青路与鹤山路交叉口")
    helpers.assert_kept_out_of_site_search(page, [TrafficViolation], TrafficViolation.objects.first(), shown)


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01 00:00", "0001-01-01T00:00:00+14:00", "1850-06-01 08:00"])
def test_a_violation_time_out_of_range_is_one_refused_row(moment):
    run = upload(csv(row(1), row(2), row(3, at=moment)))
    assert run.status == S.PARTIAL, run.message
    assert "违法时间" in rejected_reasons(run)["第 4 行"]
    assert TrafficViolation.objects.count() == 2
