"""Every importer against hostile rows: each field of one row replaced by a wrong JSON type, an
overlong text, a huge or negative number, NaN, an empty value, a far date, an emoji … in a batch
with good rows, uploaded through `run_import`.

For every such batch: the run never raises and never fails at the database (a bad row must be
refused by the cleaning, not roll the batch back); a refused row has a reason in Chinese that does
not repeat a personal value; the good rows of the batch are applied; and whatever was stored is
valid for its model (lengths, digits, choices, integer ranges of PostgreSQL, sane dates).
"""

import copy
import csv
import io
import json
import re
import time
from datetime import UTC, timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, models, transaction
from django.utils import timezone

from convenience.importers.weather import PLACES
from convenience.models import (
    AirReading,
    AirStation,
    BusRoute,
    BusRouteStop,
    BusStop,
    CoachTrip,
    FundAccount,
    FundDeposit,
    HydroReading,
    HydroStation,
    ImportRun,
    Market,
    PriceRecord,
    ProduceItem,
    TrafficViolation,
    WeatherForecast,
    WeatherWarning,
)
from convenience.models.feeds import FeedKey
from convenience.personal import vin_check_digit
from convenience.services import run_import
from home.identifiers import resident_id_check_digit

pytestmark = pytest.mark.django_db

S = ImportRun.Status
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# The ranges PostgreSQL enforces (SQLite stores anything): a stored value must fit them.
INTEGER_RANGES = connection.ops.__class__.__mro__[-2].integer_field_ranges
PASSWORD_HASH = PBKDF2PasswordHasher().encode("Jimo@2026", "Jm7qR2vLx9Tc", iterations=100_000)

# Values a JSON feed may carry in any field; a CSV feed carries the strings among them.
HOSTILE = [
    None,
    "",
    "   ",
    [],
    [1, 2],
    {},
    {"a": 1},
    True,
    False,
    0,
    -1,
    -0.0,
    0.001,
    1e30,
    10**30,
    float("nan"),
    float("inf"),
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e30",
    "-1",
    "1_000",
    "²",
    "٣",
    "x" * 5000,
    "天" * 300,
    "😀" * 50,
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:00-12:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31 23:59",
    "24:00",
    "06:00+08:00",
    "23:59:59.999999-12:00",
    "2026-02-30",
    "9999-12",
    "0000-01",
]
# Whole records of a JSON list that are not objects.
NOT_RECORDS = [None, 5, "记录", [], [1, 2], True]
PERSONAL_FIELDS = {"id_number", "name", "plate", "vin"}


def now_hour(hours=0):
    return timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


def fmt(moment):
    return moment.strftime("%Y-%m-%d %H:%M")


def resident_id(n):
    first17 = f"37028219850314{n:03d}"
    return first17 + resident_id_check_digit(first17)


def vin(n):
    body = f"LFV2A2158N{n:07d}"
    return body[:8] + vin_check_digit(body[:8] + "0" + body[9:]) + body[9:]


# --- one good record per lookup; `n` makes it a different record -----------------------------------


def fund_record(n):
    month = timezone.localdate().replace(day=1)
    return {
        "id_number": resident_id(n),
        "name": "王海燕",
        "password_hash": PASSWORD_HASH,
        "account_no": f"16028201003{n:02d}",
        "employer": "即墨市人民医院",
        "status": "正常缴存",
        "balance": "86432.18",
        "monthly_contribution": "2640.00",
        "paid_up_to": f"{month:%Y-%m}",
        "deposits": [{"month": f"{month:%Y-%m}", "amount": "2640.00", "kind": "汇缴"}],
        "loan": {
            "status": "正常还款",
            "balance": "412350.66",
            "monthly_repayment": "2968.45",
            "end_date": "2044-05-20",
        },
    }


def traffic_record(n):
    return {
        "record_no": f"37028226112400{n:02d}",
        "plate": f"鲁B1234{n}",
        "plate_type": "小型汽车",
        "vin": vin(n),
        "occurred_at": fmt(now_hour(-48)),
        "place": "烟青路与鹤山路交叉口",
        "act": "驾驶机动车违反道路交通信号灯通行的",
        "code": "1625",
        "fine": "200",
        "points": "6",
        "handled": "否",
        "authority": "即墨市公安局交通警察大队",
    }


def forecast_record(n):
    return {
        "place": PLACES[n],
        "date": timezone.localdate().isoformat(),
        "weather_day": "小雨",
        "weather_night": "多云",
        "temp_high": 9,
        "temp_low": 1,
        "wind": "北风4-5级",
        "precipitation": 60,
    }


def warning_record(n):
    return {
        "id": f"370282-2026112710000{n}-0901",
        "place": "即墨区",
        "kind": "寒潮",
        "level": "蓝色",
        "issued_at": now_hour(-3).isoformat(),
        "expires_at": None,
        "text": "即墨区气象台发布寒潮蓝色预警信号，请注意防范。",
        "guidance": "注意添衣保暖。",
    }


def price_record(n):
    return {
        "date": timezone.localdate().isoformat(),
        "market": "即墨农贸批发市场",
        "item": ["大白菜", "萝卜", "土豆", "芹菜"][n],
        "category": "蔬菜",
        "unit": "元/斤",
        "price": "0.80",
    }


def bus_record(n):
    return {
        "number": f"{n + 1}路",
        "name": "即墨汽车站—即墨北站",
        "first_bus": "06:00",
        "last_bus": "21:00",
        "interval": 8,
        "fare": 1,
        "loop": False,
        "operator": "即墨市公共交通有限公司",
        "stops": [f"{n}号线甲站", "即墨市人民医院", f"{n}号线乙站"],
    }


def coach_record(n):
    return {
        "origin": "即墨城区",
        "destination": "鳌山卫",
        "departure": f"0{6 + n}:30",
        "station": "即墨汽车站",
        "via": "龙泉、大官庄",
        "fare": "9",
        "duration_minutes": "45",
        "operator": "即墨市汽车运输有限公司",
    }


def air_record(n):
    return {
        "station": ["即墨区环保局", "即墨区第二中学", "蓝村镇", "鳌山卫"][n],
        "station_code": f"37028205{n}",
        "time": fmt(now_hour(-1)),
        "pm25": "18",
        "pm10": "35",
        "o3": "62",
        "no2": "21",
        "so2": "7",
        "co": "0.5",
    }


def station_record(n):
    return {
        "name": ["墨水河·即墨站", "莲阴河·蓝村站", "王圈水库", "挪城水库"][n],
        "kind": "河道",
        "water_body": "墨水河",
        "warning_level": "6.50",
        "guarantee_level": "7.80",
    }


def reading_record(n):
    return {
        "station": station_record(0)["name"],
        "time": fmt(now_hour(-1 - n)),
        "level": "4.90",
        "flow": "2.49",
        "storage": None,
    }


def csv_feed(records):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()


def json_feed(**lists):
    document = {"generated_at": now_hour().isoformat(), **lists}
    return json.dumps(document, ensure_ascii=False).encode()


# Each lookup: the lists of its feed, each (list name, record builder), how to write a feed, and
# the models whose rows the lookup stores (the first counts the records of the first list).
LOOKUPS = {
    FeedKey.FUND: ([("records", fund_record)], json_feed, (FundAccount, FundDeposit)),
    FeedKey.TRAFFIC: ([("records", traffic_record)], csv_feed, (TrafficViolation,)),
    FeedKey.WEATHER: (
        [("forecasts", forecast_record), ("warnings", warning_record)],
        json_feed,
        (WeatherForecast, WeatherWarning),
    ),
    FeedKey.PRICES: ([("records", price_record)], csv_feed, (PriceRecord, Market, ProduceItem)),
    FeedKey.BUS: ([("records", bus_record)], json_feed, (BusRoute, BusStop, BusRouteStop)),
    FeedKey.COACH: ([("records", coach_record)], csv_feed, (CoachTrip,)),
    FeedKey.AIR: ([("records", air_record)], csv_feed, (AirReading, AirStation)),
    FeedKey.HYDRO: (
        [("stations", station_record), ("readings", reading_record)],
        json_feed,
        (HydroStation, HydroReading),
    ),
}
MODEL_OF_LIST = {
    "forecasts": WeatherForecast,
    "warnings": WeatherWarning,
    "stations": HydroStation,
    "readings": HydroReading,
}
GOOD = 3  # good records per list; the hostile one is record number GOOD


def batch(key, attacked_list, record):
    """The feed of `key` with GOOD good records in each list, and `record` after those of
    `attacked_list`."""
    lists, write, _models = LOOKUPS[key]
    content = {}
    for name, build in lists:
        content[name] = [build(n) for n in range(GOOD)]
        if name == attacked_list:
            content[name].append(record)
    if write is csv_feed:
        return csv_feed(content["records"])
    return json_feed(**content)


def attacks(key):
    """(description, list name, hostile record) for every field of every list of `key`."""
    lists, write, _models = LOOKUPS[key]
    values = HOSTILE if write is json_feed else [value for value in HOSTILE if isinstance(value, str)]
    for name, build in lists:
        good = build(GOOD)
        for field in good:
            for value in values:
                record = copy.deepcopy(good)
                record[field] = value
                yield f"{name}.{field}={value!r:.40}", name, record, field, value
            for nested, _inner in _nested(good[field]):
                for value in values:
                    record = copy.deepcopy(good)
                    target = record[field]
                    for step in nested[:-1]:
                        target = target[step]
                    target[nested[-1]] = value
                    yield f"{name}.{field}{nested}={value!r:.40}", name, record, field, value
        if write is json_feed:
            for value in NOT_RECORDS:
                yield f"{name}[record]={value!r}", name, value, None, value
            for field in good:
                record = copy.deepcopy(good)
                del record[field]
                yield f"{name} without {field}", name, record, field, None


def _nested(value, path=()):
    """Paths into a nested list or dict of a record (the fund's loan and deposits, the stops)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for step, inner in items:
        yield (*path, step), inner
        yield from _nested(inner, (*path, step))


def stored_problems(model):
    """What is wrong with the rows stored in `model`: model validation (lengths, digits, choices)
    plus the integer ranges PostgreSQL enforces and dates PostgreSQL and Python both handle."""
    problems = []
    for obj in model.objects.all():
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except Exception as error:  # ValidationError, or worse
            problems.append(f"{model.__name__}: {error}"[:300])
        for field in model._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if value is None:
                continue
            internal = field.get_internal_type()
            if internal in INTEGER_RANGES and not isinstance(field, models.AutoField):
                low, high = INTEGER_RANGES[internal]
                if not low <= value <= high:
                    problems.append(f"{model.__name__}.{field.name} 超出范围: {value}")
            if isinstance(field, models.DateTimeField):
                if not 1900 <= value.astimezone(UTC).year < 9999:
                    problems.append(f"{model.__name__}.{field.name} 年份不合理: {value}")
            elif isinstance(field, models.DateField) and not 1900 <= value.year <= 9999:
                problems.append(f"{model.__name__}.{field.name} 年份不合理: {value}")
    return problems


def check(key, description, attacked_list, content, field, value):
    """Import `content` in a savepoint that is rolled back afterwards; the problems found."""
    lists, _write, stored = LOOKUPS[key]
    problems = []
    with transaction.atomic():
        try:
            run = run_import(key, content=content, source=ImportRun.Source.UPLOAD, file_name="x")
        except Exception as error:
            transaction.set_rollback(True)
            return [f"{description}: 抛出 {type(error).__name__}: {error}"[:300]]
        if run.status not in (S.APPLIED, S.PARTIAL):
            problems.append(f"{description}: 状态 {run.status}（{run.message}）")
        for item in run.rejected:
            reason = item["reason"]
            if not CHINESE.search(reason):
                problems.append(f"{description}: 理由不是中文: {reason}")
            if field in PERSONAL_FIELDS and isinstance(value, str) and len(value.strip()) > 1:
                if value.strip() in reason:
                    problems.append(f"{description}: 理由泄露个人信息: {reason}")
        if run.status in (S.APPLIED, S.PARTIAL):
            for name, _build in lists:
                model = MODEL_OF_LIST.get(name, stored[0])
                if model.objects.count() < GOOD:
                    problems.append(f"{description}: {name} 的好行未全部导入")
            for model in stored:
                problems += [f"{description}: {problem}" for problem in stored_problems(model)]
        transaction.set_rollback(True)
    return problems


@pytest.mark.parametrize("key", list(LOOKUPS))
def test_hostile_rows_are_refused_one_by_one(key):
    problems = []
    for description, attacked_list, record, field, value in attacks(key):
        problems += check(key, description, attacked_list, batch(key, attacked_list, record), field, value)
    assert not problems, "\n".join(problems[:60]) + f"\n（共 {len(problems)} 处）"


@pytest.mark.parametrize("key", [key for key, (_l, write, _m) in LOOKUPS.items() if write is json_feed])
@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: repr(value)[:20])
def test_hostile_generated_at_never_raises(key, value):
    lists, _write, _models = LOOKUPS[key]
    document = {name: [build(n) for n in range(GOOD)] for name, build in lists}
    document["generated_at"] = value
    content = json.dumps(document, ensure_ascii=False).encode()
    with transaction.atomic():
        run = run_import(key, content=content, source=ImportRun.Source.UPLOAD)
        assert run.status != S.FAILED, run.message
        if run.status == S.REFUSED:
            assert CHINESE.search(run.message)
        problems = []
        for model in _models:
            problems += stored_problems(model)
        assert not problems
        transaction.set_rollback(True)


# --- a large feed is written in bulk ------------------------------------------------------------------

LARGE = 5000


def large_fund(n):
    record = fund_record(0)
    first17 = f"370282{19600101 + (n // 900) * 10000 + (n // 30) % 30:08d}{n % 900 + 100:03d}"[:17]
    return {**record, "id_number": first17 + resident_id_check_digit(first17), "account_no": f"16{n:08d}"}


def large_traffic(n):
    return {**traffic_record(0), "record_no": f"3702822611{n:06d}", "plate": f"鲁B{n:05d}", "vin": vin(n)}


def large_prices(n):
    return {**price_record(0), "item": f"品种{n // 5}", "market": f"市场{n % 5}"}


def large_bus(n):
    return {**bus_record(0), "number": f"{n + 1}路", "stops": [f"{n}甲站", f"{n}乙站", "即墨古城"]}


def large_coach(n):
    return {
        **coach_record(0),
        "destination": f"目的地{n // 50}",
        "departure": f"{6 + n % 50 // 4:02d}:{n % 4 * 15:02d}",
    }


def large_air(n):
    return {
        **air_record(0),
        "station": f"监测点{n % 50}",
        "station_code": "",
        "time": fmt(now_hour(-1 - n // 50)),
    }


LARGE_FEEDS = {
    FeedKey.FUND: lambda: json_feed(records=[large_fund(n) for n in range(LARGE)]),
    FeedKey.TRAFFIC: lambda: csv_feed([large_traffic(n) for n in range(LARGE)]),
    FeedKey.WEATHER: lambda: json_feed(
        forecasts=[forecast_record(n) for n in range(len(PLACES))],
        warnings=[{**warning_record(0), "id": f"W{n}"} for n in range(LARGE)],
    ),
    FeedKey.PRICES: lambda: csv_feed([large_prices(n) for n in range(LARGE)]),
    FeedKey.BUS: lambda: json_feed(records=[large_bus(n) for n in range(LARGE)]),
    FeedKey.COACH: lambda: csv_feed([large_coach(n) for n in range(LARGE)]),
    FeedKey.AIR: lambda: csv_feed([large_air(n) for n in range(LARGE)]),
    FeedKey.HYDRO: lambda: json_feed(
        stations=[station_record(n) for n in range(4)],
        readings=[
            {
                **reading_record(0),
                "station": station_record(n % 4)["name"],
                "time": fmt(now_hour(-1 - n // 4)),
            }
            for n in range(LARGE)
        ],
    ),
}


@pytest.mark.parametrize("key", list(LARGE_FEEDS))
def test_a_large_feed_is_written_in_bulk(key, django_assert_max_num_queries):
    content = LARGE_FEEDS[key]()
    for _again in range(2):  # new records, then the same records again (updates)
        # In bulk: far fewer statements than rows (SQLite takes 999 parameters per statement).
        with django_assert_max_num_queries(LARGE // 20):
            run = run_import(key, content=content, source=ImportRun.Source.UPLOAD)
        assert run.status == S.APPLIED, (run.message, run.rejected[:3])
        assert run.rows_accepted >= LARGE


def test_a_large_feed_that_changes_every_record_is_quick():
    """Every violation of a large feed marked handled: written in bulk, in a few seconds."""
    records = [large_traffic(n) for n in range(LARGE)]
    assert (
        run_import("traffic", content=csv_feed(records), source=ImportRun.Source.UPLOAD).status == S.APPLIED
    )
    started = time.monotonic()
    handled = csv_feed([{**record, "handled": "是"} for record in records])
    run = run_import("traffic", content=handled, source=ImportRun.Source.UPLOAD)
    assert run.status == S.APPLIED
    assert TrafficViolation.objects.filter(handled=True).count() == LARGE
    assert time.monotonic() - started < 8


# --- whole files the readers cannot take ----------------------------------------------------------------


@pytest.mark.parametrize("key", [key for key, (_l, write, _m) in LOOKUPS.items() if write is csv_feed])
@pytest.mark.parametrize("shape", ["huge field", "CR line ends"])
def test_an_unreadable_csv_is_refused(key, shape):
    records = [LOOKUPS[key][0][0][1](n) for n in range(GOOD)]
    content = csv_feed(records).decode()
    if shape == "huge field":
        content += '"' + "x" * 200_000 + '"\n'
    else:
        content = content.replace("\n", "\r")
    run = run_import(key, content=content.encode(), source=ImportRun.Source.UPLOAD)
    assert run.status in (S.REFUSED, S.APPLIED, S.PARTIAL) and CHINESE.search(run.message or "导入")


@pytest.mark.parametrize("key", [key for key, (_l, write, _m) in LOOKUPS.items() if write is json_feed])
def test_a_deeply_nested_json_is_refused(key):
    run = run_import(key, content=b"[" * 100_000, source=ImportRun.Source.UPLOAD)
    assert run.status == S.REFUSED


@pytest.mark.parametrize(
    "key, list_name, field",
    [
        (FeedKey.FUND, "records", "employer"),
        (FeedKey.WEATHER, "forecasts", "wind"),
        (FeedKey.BUS, "records", "operator"),
        (FeedKey.HYDRO, "stations", "water_body"),
    ],
)
@pytest.mark.parametrize("value", [["即墨"], {"a": "即墨"}, True])
def test_a_text_field_of_another_json_type_is_refused(key, list_name, field, value):
    lists = dict(LOOKUPS[key][0])
    record = {**lists[list_name](GOOD), field: value}
    run = run_import(key, content=batch(key, list_name, record), source=ImportRun.Source.UPLOAD)
    assert run.status == S.PARTIAL and run.rows_rejected == 1
