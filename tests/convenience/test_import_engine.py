"""The shared import engine (convenience/services.py, convenience/importers/base.py), driven by a
tiny importer defined here: it writes 品种 (ProduceItem) rows, so the tests see exactly what a batch
changed, and it can be told to fail inside the write.

Every lookup's own importer is tested by its own module; here are the rules they all share:
duplicates, changed columns, too many bad rows, all-or-nothing writes, encodings, fetching over
HTTP (errors, time-outs, size limit, credentials) and freshness.
"""

import json
import socket
from datetime import datetime, timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from convenience import services
from convenience.importers.base import Importer, Row, RowRejected, choice, integer, shift_text, text
from convenience.models import Feed, ImportRun, ProduceItem
from convenience.models.feeds import FeedKey
from tests.factories.convenience import configure_feed

pytestmark = pytest.mark.django_db

KEY = FeedKey.PRICES
CATEGORIES = {"蔬菜": "蔬菜", "肉类": "肉类", "水产": "水产"}


class ItemImporter(Importer):
    """A test feed of 品种: name, category, unit (CSV). `fail_in_apply` makes the write blow up
    after it has written the first row; `calls` records the `complete` flag of every apply."""

    key = KEY
    format = "csv"
    columns = ("name", "category", "unit")
    date_fields = ("day",)
    fail_in_apply = False
    calls = []

    def clean(self, row):
        data = row.data
        return {
            "name": text(data, "name", "品名", 30),
            "category": choice(data, "category", "类别", CATEGORIES),
            "unit": text(data, "unit", "计价单位", 10),
            "sort_order": integer(data, "order", "排序", minimum=0, maximum=999, required=False) or 0,
            "day": data.get("day", ""),
        }

    def natural_key(self, cleaned):
        return cleaned["name"]

    def apply(self, accepted, complete):
        type(self).calls.append({"complete": complete, "rows": accepted})
        for cleaned in accepted:
            ProduceItem.objects.update_or_create(
                name=cleaned["name"],
                defaults={
                    "category": cleaned["category"],
                    "unit": cleaned["unit"],
                    "sort_order": cleaned["sort_order"],
                },
            )
            if self.fail_in_apply:
                raise DatabaseError("disk I/O error")


class JsonItemImporter(ItemImporter):
    format = "json"


@pytest.fixture
def importer(monkeypatch):
    """Route every import of the 菜价 feed to ItemImporter (CSV); returns the class."""
    ItemImporter.calls = []
    monkeypatch.setattr(services, "importer_for", lambda key: ItemImporter())
    return ItemImporter


@pytest.fixture
def json_importer(monkeypatch):
    JsonItemImporter.calls = []
    monkeypatch.setattr(services, "importer_for", lambda key: JsonItemImporter())
    return JsonItemImporter


GOOD_CSV = "name,category,unit\n大白菜,蔬菜,元/斤\n五花肉,肉类,元/斤\n鲅鱼,水产,元/斤\n"


def csv_feed(*lines, header="name,category,unit"):
    return ("\n".join([header, *lines]) + "\n").encode()


def run(content, **kwargs):
    return services.run_import(
        KEY, content=content, source=ImportRun.Source.UPLOAD, file_name="t.csv", **kwargs
    )


def items():
    return {item.name: (item.category, item.unit) for item in ProduceItem.objects.all()}


def reasons(run):
    return [entry["reason"] for entry in run.rejected]


# --- Cleaning: duplicates and extra columns ---------------------------------------------------------


def test_identical_duplicates_are_ignored(importer):
    result = services.clean_rows(
        ItemImporter(),
        [
            Row("第 2 行", {"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}),
            Row("第 3 行", {"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}),
        ],
    )
    assert [c["name"] for c in result.accepted] == ["大白菜"]
    assert result.complete  # an identical repeat is no sign of a broken feed
    assert result.rejected == [{"row": "第 3 行", "reason": "与第 2 行完全重复，已忽略。"}]

    logged = run(csv_feed("大白菜,蔬菜,元/斤", "大白菜,蔬菜,元/斤", "五花肉,肉类,元/斤"))
    assert logged.status == ImportRun.Status.PARTIAL
    assert (logged.rows_total, logged.rows_accepted, logged.rows_rejected) == (3, 2, 1)
    assert importer.calls[-1]["complete"] is True
    assert items() == {"大白菜": ("蔬菜", "元/斤"), "五花肉": ("肉类", "元/斤")}


def test_conflicting_duplicates_are_both_refused(importer):
    result = services.clean_rows(
        ItemImporter(),
        [
            Row("第 2 行", {"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}),
            Row("第 3 行", {"name": "五花肉", "category": "肉类", "unit": "元/斤"}),
            Row("第 4 行", {"name": "大白菜", "category": "蔬菜", "unit": "元/公斤"}),
        ],
    )
    assert [c["name"] for c in result.accepted] == ["五花肉"]
    assert not result.complete
    assert {entry["row"] for entry in result.rejected} == {"第 2 行", "第 4 行"}
    assert all("内容不同，两行均未导入" in entry["reason"] for entry in result.rejected)

    logged = run(csv_feed("大白菜,蔬菜,元/斤", "五花肉,肉类,元/斤", "鲅鱼,水产,元/斤", "大白菜,蔬菜,元/公斤"))
    assert logged.status == ImportRun.Status.PARTIAL
    assert logged.rows_rejected == 2 and logged.rows_accepted == 2
    assert importer.calls[-1]["complete"] is False  # a snapshot feed must not withdraw records now
    assert items() == {"五花肉": ("肉类", "元/斤"), "鲅鱼": ("水产", "元/斤")}


def test_a_row_with_more_columns_than_the_header_is_rejected(importer):
    logged = run(csv_feed("大白菜,蔬菜,元/斤", "五花肉,肉类,元/斤,多出来的", "鲅鱼,水产,元/斤"))
    assert logged.status == ImportRun.Status.PARTIAL
    assert logged.rejected == [{"row": "第 3 行", "reason": "这一行的列数多于表头。"}]
    assert set(items()) == {"大白菜", "鲅鱼"}


def test_bad_rows_are_reported_with_reasons(importer):
    logged = run(
        csv_feed("大白菜,蔬菜,元/斤", ",蔬菜,元/斤", "带鱼,海鲜,元/斤", "鲅鱼,水产,元/斤", "黄瓜,蔬菜,元/斤")
    )
    assert logged.status == ImportRun.Status.PARTIAL
    assert (logged.rows_total, logged.rows_accepted, logged.rows_rejected) == (5, 3, 2)
    assert logged.rejected == [
        {"row": "第 3 行", "reason": "缺少品名。"},
        {"row": "第 4 行", "reason": "类别“海鲜”不在允许的取值（蔬菜、肉类、水产）之内。"},
    ]
    assert set(items()) == {"大白菜", "鲅鱼", "黄瓜"}


def test_blank_lines_are_skipped(importer):
    logged = run(csv_feed("大白菜,蔬菜,元/斤", "", ",,", "鲅鱼,水产,元/斤"))
    assert logged.status == ImportRun.Status.APPLIED and logged.rows_total == 2
    assert set(items()) == {"大白菜", "鲅鱼"}


def test_row_labels_are_file_lines_after_an_empty_line(importer):
    logged = run(csv_feed("大白菜,蔬菜,元/斤", "", "带鱼,海鲜,元/斤", "鲅鱼,水产,元/斤"))
    assert [entry["row"] for entry in logged.rejected] == ["第 4 行"]


# --- Whole batches refused -------------------------------------------------------------------------


def test_csv_header_missing_a_column_refuses_the_batch(importer):
    run(GOOD_CSV.encode())
    before = items()
    logged = run(csv_feed("大白菜,蔬菜,元/公斤", header="name,category,price_unit"))
    assert logged.status == ImportRun.Status.REFUSED
    assert "缺少列 unit" in logged.message and "原有数据保持不变" in logged.message
    assert logged.rows_accepted == 0
    assert items() == before
    feed = Feed.objects.get(key=KEY)
    assert feed.last_run == logged and feed.last_success.status == ImportRun.Status.APPLIED


def test_json_field_missing_from_every_record_refuses_the_batch(json_importer):
    good = {"records": [{"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}]}
    assert run(json.dumps(good).encode()).status == ImportRun.Status.APPLIED
    renamed = {
        "records": [
            {"name": "大白菜", "category": "蔬菜", "jldw": "元/公斤"},
            {"name": "五花肉", "category": "肉类", "jldw": "元/斤"},
        ]
    }
    logged = run(json.dumps(renamed, ensure_ascii=False).encode())
    assert logged.status == ImportRun.Status.REFUSED
    assert "缺少字段 unit" in logged.message
    assert items() == {"大白菜": ("蔬菜", "元/斤")}


def test_json_without_a_record_list_or_not_json_is_refused(json_importer):
    assert "找不到记录列表" in run(b'{"data": []}').message
    broken = run(b'{"records": [')
    assert broken.status == ImportRun.Status.REFUSED and "不是有效的 JSON" in broken.message
    assert not ProduceItem.objects.exists()


def test_more_than_half_bad_rows_refuses_everything(importer):
    run(GOOD_CSV.encode())
    before = items()
    logged = run(csv_feed("大白菜,蔬菜,元/公斤", ",蔬菜,元/斤", "带鱼,海鲜,元/斤", "黄瓜,,元/斤"))
    assert logged.status == ImportRun.Status.REFUSED
    assert "4 行中有 3 行无效，超过 50%" in logged.message
    assert len(logged.rejected) == 3  # the reasons are kept even though nothing was applied
    assert logged.rows_accepted == 0
    assert items() == before  # 大白菜 is still 元/斤: not even the good row was applied
    assert len(importer.calls) == 1


def test_exactly_half_bad_rows_is_still_applied(importer):
    logged = run(csv_feed("大白菜,蔬菜,元/斤", ",蔬菜,元/斤"))
    assert logged.status == ImportRun.Status.PARTIAL and set(items()) == {"大白菜"}


def test_no_valid_row_refuses_the_batch(importer):
    logged = run(csv_feed(",蔬菜,元/斤"))
    assert logged.status == ImportRun.Status.REFUSED
    assert "没有可导入的有效行" in logged.message
    empty = run(b"name,category,unit\n")
    assert empty.status == ImportRun.Status.REFUSED and empty.rows_total == 0
    nothing = run(b"")
    assert nothing.status == ImportRun.Status.REFUSED and "没有表头" in nothing.message
    assert not ProduceItem.objects.exists() and not importer.calls


def test_a_database_error_while_writing_rolls_the_whole_batch_back(importer):
    first = run(GOOD_CSV.encode())
    before = items()
    as_of = Feed.objects.get(key=KEY).data_as_of
    importer.fail_in_apply = True
    try:
        logged = run(csv_feed("大白菜,蔬菜,元/公斤", "黄瓜,蔬菜,元/斤"))
    finally:
        importer.fail_in_apply = False
    assert logged.status == ImportRun.Status.FAILED
    assert "整批已回滚" in logged.message and "DatabaseError" in logged.message
    assert "disk I/O" not in logged.message
    assert logged.rows_accepted == 0
    assert items() == before  # the first row's update was rolled back too
    feed = Feed.objects.get(key=KEY)
    assert feed.last_run == logged and feed.last_success == first and feed.data_as_of == as_of
    assert ImportRun.objects.filter(feed=KEY).count() == 2


# --- Encodings -------------------------------------------------------------------------------------


def test_utf8_with_bom_and_gb18030_are_read(importer):
    with_bom = "\ufeff" + GOOD_CSV
    assert services.decode(with_bom.encode("utf-8")) == GOOD_CSV  # the BOM does not stick to "name"
    assert run(with_bom.encode("utf-8")).status == ImportRun.Status.APPLIED

    gbk = "name,category,unit\n韭菜,蔬菜,元/斤\n"
    assert services.decode(gbk.encode("gb18030")) == gbk
    assert run(gbk.encode("gb18030")).status == ImportRun.Status.APPLIED
    assert items()["韭菜"] == ("蔬菜", "元/斤")


def test_binary_content_is_refused(importer):
    logged = run(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert logged.status == ImportRun.Status.REFUSED
    assert "不是 UTF-8 或 GBK 编码的文本" in logged.message


# --- Fetching over HTTP ----------------------------------------------------------------------------


def fetched():
    return services.run_import(KEY)


def test_fetch_a_good_feed(importer, feed_server, settings):
    url = feed_server.serve("/prices.csv", GOOD_CSV)
    configure_feed(settings, KEY, url + "?date=2026-11-28")
    logged = fetched()
    assert logged.status == ImportRun.Status.APPLIED
    assert logged.source == ImportRun.Source.HTTP and logged.user is None
    assert logged.file_name == url  # the address without the query string
    assert set(items()) == {"大白菜", "五花肉", "鲅鱼"}
    path, headers = feed_server.requests[-1]
    assert path == "/prices.csv?date=2026-11-28"
    assert "Authorization" not in headers


def test_unconfigured_feed_is_not_fetched(importer):
    logged = fetched()
    assert logged.status == ImportRun.Status.FAILED and logged.message == "未配置数据源地址。"


def test_http_error_fails_and_keeps_the_data(importer, feed_server, settings):
    run(GOOD_CSV.encode())
    before = items()
    configure_feed(settings, KEY, feed_server.serve("/down.csv", "服务维护中", status=503))
    logged = fetched()
    assert logged.status == ImportRun.Status.FAILED
    assert logged.message == "数据源返回错误（HTTP 503）。"
    assert items() == before
    assert Feed.objects.get(key=KEY).last_run == logged


def test_closed_port_fails(importer, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    configure_feed(settings, KEY, f"http://127.0.0.1:{port}/prices.csv")
    logged = fetched()
    assert logged.status == ImportRun.Status.FAILED
    assert logged.message == "无法连接数据源，请检查地址和网络。"


def test_time_out_fails(importer, feed_server, settings, short_timeout):
    run(GOOD_CSV.encode())
    before = items()
    configure_feed(settings, KEY, feed_server.serve("/slow.csv", GOOD_CSV, delay=2))
    logged = fetched()
    assert logged.status == ImportRun.Status.FAILED
    assert logged.message == "数据源在 0.5 秒内没有响应（超时）。"
    assert items() == before


def test_oversize_feed_fails(importer, feed_server, settings):
    settings.CONVENIENCE_MAX_FEED_BYTES = 64
    configure_feed(settings, KEY, feed_server.serve("/big.csv", GOOD_CSV + "黄瓜,蔬菜,元/斤\n" * 20))
    logged = fetched()
    assert logged.status == ImportRun.Status.FAILED
    assert "上限" in logged.message and "未导入" in logged.message
    assert not ProduceItem.objects.exists()


def test_bearer_token_is_sent_and_never_logged(importer, feed_server, settings):
    url = feed_server.serve("/prices.csv", GOOD_CSV)
    configure_feed(settings, KEY, url, token="tok-SECRET-2026")
    logged = fetched()
    assert logged.status == ImportRun.Status.APPLIED
    _path, headers = feed_server.requests[-1]
    assert headers["Authorization"] == "Bearer tok-SECRET-2026"
    assert "SECRET" not in logged.file_name + logged.message

    feed_server.serve("/prices.csv", "", status=401)
    refused = fetched()
    assert refused.status == ImportRun.Status.FAILED and "HTTP 401" in refused.message
    assert "SECRET" not in refused.file_name + refused.message


def test_basic_auth_is_sent_and_never_logged(importer, feed_server, settings):
    import base64

    url = feed_server.serve("/prices.csv", GOOD_CSV)
    configure_feed(settings, KEY, url, username="jimo", password="pw-SECRET")
    logged = fetched()
    assert logged.status == ImportRun.Status.APPLIED
    _path, headers = feed_server.requests[-1]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"jimo:pw-SECRET").decode()
    assert "SECRET" not in logged.file_name + logged.message


def test_credentials_in_the_address_are_not_logged(importer, feed_server, settings):
    url = feed_server.serve("/prices.csv", GOOD_CSV)
    secret_url = url.replace("http://", "http://jimo:pw-SECRET@") + "?apikey=KEY-SECRET"
    configure_feed(settings, KEY, secret_url)
    logged = fetched()
    assert logged.status == ImportRun.Status.APPLIED
    assert logged.file_name == url
    assert "SECRET" not in logged.file_name + logged.message


# --- Data time and freshness -------------------------------------------------------------------------


def test_freshness_never_fresh_and_stale(json_importer, settings):
    never = services.freshness(KEY)
    assert never.never and never.stale and never.label == "暂无数据" and never.as_of_text == ""

    now = timezone.localtime()
    declared = (now - timedelta(hours=2)).replace(second=0, microsecond=0)
    document = {
        "generated_at": declared.strftime("%Y-%m-%dT%H:%M:%S"),  # naive: Beijing time
        "records": [{"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}],
    }
    logged = run(json.dumps(document).encode())
    assert logged.data_as_of == declared
    assert Feed.objects.get(key=KEY).data_as_of == declared
    fresh = services.freshness(KEY)
    assert not fresh.never and not fresh.stale
    assert fresh.label == f"数据更新于{declared.year}年{declared.month}月{declared.day}日 {declared:%H:%M}"

    # An older batch of a feed that only adds does not move the data time back.
    older = {**document, "generated_at": (declared - timedelta(days=1)).isoformat()}
    assert run(json.dumps(older).encode()).applied
    assert Feed.objects.get(key=KEY).data_as_of == declared

    settings.CONVENIENCE_FEEDS = {
        **settings.CONVENIENCE_FEEDS,
        KEY: {**settings.CONVENIENCE_FEEDS[KEY], "stale_hours": 1},
    }
    stale = services.freshness(KEY)
    assert stale.stale and not stale.never
    assert stale.silence_text == "1 小时"
    assert stale.label == f"数据已超过1 小时未更新（最近一次为{fresh.as_of_text}）"


def test_data_time_defaults_to_now_and_bad_generated_at_is_refused(json_importer):
    before = timezone.now()
    logged = run(json.dumps({"records": [{"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}]}).encode())
    assert before <= logged.data_as_of <= timezone.now()
    bad = run(json.dumps({"generated_at": "昨天", "records": []}).encode())
    assert bad.status == ImportRun.Status.REFUSED and "generated_at" in bad.message


def test_silence_text_in_hours_and_days():
    assert services.Freshness("weather", None, 12).silence_text == "12 小时"
    assert services.Freshness("traffic", None, 48).silence_text == "2 天"
    assert services.Freshness("bus", None, 24 * 90).silence_text == "90 天"
    assert services.Freshness("bus", None, 50).silence_text == "3 天"


# --- The demo's date shift ---------------------------------------------------------------------------


def test_shift_text():
    delta = timedelta(days=3)
    assert shift_text("2026-11-28", delta) == "2026-12-01"
    assert shift_text("2026-11-28T08:00", delta) == "2026-12-01T08:00"
    assert shift_text("2026-11-28 08:00:30", delta) == "2026-12-01 08:00:30"
    assert shift_text("2026-12-30 23:59", delta) == "2027-01-02 23:59"
    assert shift_text("2026-11-28T08:00:00+08:00", -delta) == "2026-11-25T08:00:00+08:00"
    assert shift_text("不是日期", delta) == "不是日期"  # left for `clean` to reject
    # Shifts by hours (the demo moves the feed to the current hour): a date moves as its noon.
    assert shift_text("2026-11-28T08:00", timedelta(hours=5)) == "2026-11-28T13:00"
    assert shift_text("2026-11-28", timedelta(hours=11)) == "2026-11-28"
    assert shift_text("2026-11-28", timedelta(hours=13)) == "2026-11-29"


def test_run_import_shifts_dates_and_generated_at(json_importer):
    document = {
        "generated_at": "2026-11-28T08:00:00",
        "records": [{"name": "大白菜", "category": "蔬菜", "unit": "元/斤", "day": "2026-11-28"}],
    }
    logged = run(json.dumps(document).encode(), shift_days=-7)
    assert logged.applied
    assert json_importer.calls[-1]["rows"][0]["day"] == "2026-11-21"
    assert timezone.localtime(logged.data_as_of).replace(tzinfo=None) == datetime(2026, 11, 21, 8, 0)


def test_cleaning_helpers_reject_with_reasons():
    with pytest.raises(RowRejected, match="排序不是整数"):
        integer({"order": "第一"}, "order", "排序")
    with pytest.raises(RowRejected, match="品名超过 3 个字"):
        text({"name": "山东大白菜"}, "name", "品名", 3)
