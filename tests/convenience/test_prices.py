"""每日菜价: the importer over real HTTP (the sample feed, bad rows, an unreachable or slow feed,
changed columns, duplicates, the previous data kept) and the public pages (the day's table with
the change on the day before, the category filter, the 30-day chart and its table, stale data,
junk input) with a query count that does not grow with items, markets or days."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from convenience.importers import sample_feed
from convenience.importers.prices import PricesImporter
from convenience.models import Feed, ImportRun, Market, PriceRecord, ProduceItem
from convenience.services import SAMPLE_FEED_DATE, import_sample
from home.dates import cn_date
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

HEADER = "date,market,item,category,unit,price\n"
SAMPLE = sample_feed("prices").read_bytes()
S = ImportRun.Status


def today():
    return timezone.localdate()


def days_ago(n):
    return (today() - timedelta(days=n)).isoformat()


def sample_shift():
    return (today() - SAMPLE_FEED_DATE).days


def csv(*lines):
    return HEADER + "".join(line + "\n" for line in lines)


def upload(content):
    return import_upload("prices", content, file_name="prices.csv")


def snapshot():
    return sorted(PriceRecord.objects.values_list("item__name", "market__name", "date", "price"))


@pytest.fixture
def page(group):
    return lookup_page("prices")


@pytest.fixture
def loaded(group, feed_server, settings):
    """The sample feed, fetched over HTTP with its dates moved to today."""
    run = import_over_http(feed_server, settings, "prices", SAMPLE, shift_days=sample_shift())
    assert run.status == S.APPLIED, (run.message, run.rejected[:3])
    return run


# --- the importer ------------------------------------------------------------------------------------


def test_the_sample_feed_over_http(loaded, feed_server):
    assert feed_server.requests and feed_server.requests[0][0] == "/prices.csv"
    assert loaded.rows_total == loaded.rows_accepted == 31 * 3 * 25 and loaded.rows_rejected == 0
    assert Market.objects.count() == 3 and ProduceItem.objects.count() == 25
    assert PriceRecord.objects.count() == 31 * 3 * 25
    dates = PriceRecord.objects.values_list("date", flat=True)
    assert max(dates) == today() and min(dates) == today() - timedelta(days=30)
    # Items keep the feed's order; category and unit come from the feed.
    assert list(ProduceItem.objects.values_list("name", flat=True)[:3]) == ["大白菜", "萝卜", "土豆"]
    oil = ProduceItem.objects.get(name="花生油")
    assert (oil.category, oil.unit) == ("粮油", "元/升")
    # The data describes this morning's market: the latest day at 09:00 Beijing time.
    expected = timezone.make_aware(datetime.combine(today(), time(9)))
    assert loaded.data_as_of == expected and Feed.objects.get(key="prices").data_as_of == expected


def test_the_sample_loads_for_the_demo(group):
    run = import_sample("prices")
    assert run.status == S.APPLIED and run.source == ImportRun.Source.DEMO
    assert PriceRecord.objects.filter(date=today()).count() == 75


def test_a_partly_bad_feed_applies_the_good_rows_and_says_why_each_bad_row_was_refused(
    group, feed_server, settings
):
    content = csv(
        f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,0.95",
        f"{days_ago(0)},鹤山路农贸市场,萝卜,蔬菜,元/斤,1.20",
        f"{days_ago(0)},鹤山路农贸市场,土豆,蔬菜,元/斤,1.85",
        f"{days_ago(0)},鹤山路农贸市场,西红柿,蔬菜,元/斤,3.80",
        f"{days_ago(0)},鹤山路农贸市场,黄瓜,蔬菜,元/斤,4.10",
        f"{days_ago(0)},鹤山路农贸市场,牛肉,肉类,元/斤,39.00",
        f"{days_ago(0)},鹤山路农贸市场,羊肉,肉类,元/斤,42.50",
        f"{days_ago(0)},鹤山路农贸市场,鸡蛋,蛋奶,元/斤,5.10",
        f"{days_ago(0)},鹤山路农贸市场,带鱼,水产,元/斤,24.00",
        f"{days_ago(0)},鹤山路农贸市场,大米,粮油,元/斤,3.10",
        f"{days_ago(0)},鹤山路农贸市场,面粉,粮油,元/斤,2.55",
        "2026/11/28,鹤山路农贸市场,芹菜,蔬菜,元/斤,3.00",  # line 13: date format
        f"{(today() + timedelta(days=1)).isoformat()},鹤山路农贸市场,芹菜,蔬菜,元/斤,3.00",  # 14: future
        f"{days_ago(0)},鹤山路农贸市场,菠菜,蔬菜,元/斤,0",  # 15: too low
        f"{days_ago(0)},鹤山路农贸市场,韭菜,蔬菜,元/斤,10000",  # 16: too high
        f"{days_ago(0)},鹤山路农贸市场,茄子,蔬菜,元/斤,四元",  # 17: not a number
        f"{days_ago(0)},鹤山路农贸市场,青椒,蔬菜,元/吨,3.00",  # 18: unit
        f"{days_ago(0)},鹤山路农贸市场,豆角,干货,元/斤,5.00",  # 19: category
        f"{days_ago(0)},,大葱,蔬菜,元/斤,2.00",  # 20: no market
        f"{days_ago(0)},通济新区便民市场,大白菜,蔬菜,元/公斤,1.90",  # 21: unit differs from line 2
        f"{days_ago(0)},鹤山路农贸市场,生姜,蔬菜,元/斤,6.80,多余",  # 22: extra column
    )
    run = import_over_http(feed_server, settings, "prices", content, path="/partly-bad.csv")
    assert run.status == S.PARTIAL and run.rows_accepted == 11 and run.rows_rejected == 10
    reasons = rejected_reasons(run)
    assert "“年-月-日”格式" in reasons["第 13 行"]
    assert "晚于今天" in reasons["第 14 行"]
    assert reasons["第 15 行"] == "价格不能小于 0.01。"
    assert reasons["第 16 行"] == "价格不能大于 9999。"
    assert reasons["第 17 行"] == "价格不是数字。"
    assert "计价单位“元/吨”不在允许的取值" in reasons["第 18 行"]
    assert "类别“干货”不在允许的取值" in reasons["第 19 行"]
    assert reasons["第 20 行"] == "缺少市场名称。"
    assert "与第 2 行（蔬菜，元/斤）不一致" in reasons["第 21 行"]
    assert "列数多于表头" in reasons["第 22 行"]
    assert PriceRecord.objects.count() == 11 and Market.objects.get().name == "鹤山路农贸市场"
    assert not ProduceItem.objects.filter(name__in=["芹菜", "菠菜", "青椒"]).exists()


def test_an_unreachable_feed_keeps_the_previous_data(loaded, feed_server, settings):
    assert_failures_keep_data(feed_server, settings, "prices", snapshot)
    assert Feed.objects.get(key="prices").last_success_id == loaded.pk


def test_a_feed_that_times_out_keeps_the_previous_data(loaded, feed_server, settings, short_timeout):
    assert_failures_keep_data(feed_server, settings, "prices", snapshot, unreachable=False, slow=SAMPLE)


def test_renamed_columns_refuse_the_whole_batch(loaded, feed_server, settings):
    before = snapshot()
    renamed = (
        "date,market,item,category,unit,retail_price\n"
        + f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,9.99\n"
    )
    run = import_over_http(feed_server, settings, "prices", renamed, path="/renamed.csv")
    assert run.status == S.REFUSED and "缺少列 price" in run.message and "原有数据保持不变" in run.message
    assert snapshot() == before


def test_a_feed_of_mostly_bad_rows_is_refused_whole(loaded):
    before = snapshot()
    run = upload(
        csv(
            f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,5.00",
            f"{days_ago(0)},鹤山路农贸市场,萝卜,蔬菜,元/斤,-1",
            f"{days_ago(0)},鹤山路农贸市场,土豆,蔬菜,元/斤,",
            f"{days_ago(0)},鹤山路农贸市场,西红柿,蔬菜,斤,3",
        )
    )
    assert run.status == S.REFUSED and "超过 50%" in run.message
    assert snapshot() == before


def test_duplicate_rows_identical_are_ignored_conflicting_are_both_refused(group):
    run = upload(
        csv(
            f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,0.95",
            f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,0.95",
            f"{days_ago(0)},鹤山路农贸市场,萝卜,蔬菜,元/斤,1.20",
            f"{days_ago(0)},鹤山路农贸市场,萝卜,蔬菜,元/斤,1.30",
            f"{days_ago(0)},鹤山路农贸市场,土豆,蔬菜,元/斤,1.85",
            f"{days_ago(0)},鹤山路农贸市场,芹菜,蔬菜,元/斤,2.60",
            f"{days_ago(0)},鹤山路农贸市场,菠菜,蔬菜,元/斤,4.20",
        )
    )
    assert run.status == S.PARTIAL and run.rows_accepted == 4
    reasons = rejected_reasons(run)
    assert "完全重复，已忽略" in reasons["第 3 行"]
    assert "内容不同，两行均未导入" in reasons["第 4 行"] and "内容不同，两行均未导入" in reasons["第 5 行"]
    assert sorted(PriceRecord.objects.values_list("item__name", flat=True)) == sorted(
        ["土豆", "大白菜", "芹菜", "菠菜"]
    )
    assert PriceRecord.objects.get(item__name="大白菜").price == Decimal("0.95")


def test_prices_are_updated_by_item_market_and_day_and_items_follow_the_feed(group):
    upload(
        csv(
            f"{days_ago(1)},鹤山路农贸市场,鸡蛋,蛋奶,元/斤,5.00",
            f"{days_ago(0)},鹤山路农贸市场,鸡蛋,蛋奶,元/斤,5.10",
        )
    )
    run = upload(
        csv(
            f"{days_ago(0)},鹤山路农贸市场,鸡蛋,禽蛋,元/个,0.60",
            f"{days_ago(0)},通济新区便民市场,鸡蛋,禽蛋,元/个,0.62",
        )
    )
    assert run.status == S.APPLIED
    egg = ProduceItem.objects.get(name="鸡蛋")
    assert (egg.category, egg.unit) == ("禽蛋", "元/个")
    assert sorted(PriceRecord.objects.values_list("market__name", "date", "price")) == [
        ("通济新区便民市场", today(), Decimal("0.62")),
        ("鹤山路农贸市场", today() - timedelta(days=1), Decimal("5.00")),
        ("鹤山路农贸市场", today(), Decimal("0.60")),
    ]
    # Not a snapshot: an older batch adds, it withdraws nothing and does not move the data time back.
    as_of = Feed.objects.get(key="prices").data_as_of
    upload(csv(f"{days_ago(5)},鹤山路农贸市场,鸡蛋,禽蛋,元/个,0.55"))
    assert PriceRecord.objects.count() == 4 and Feed.objects.get(key="prices").data_as_of == as_of


def test_a_gbk_feed_is_read(group):
    run = upload(csv(f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,0.95").encode("gb18030"))
    assert run.status == S.APPLIED and Market.objects.get().name == "鹤山路农贸市场"


def test_the_importer_returns_plain_dicts():
    cleaned = PricesImporter().clean(
        type(
            "Row",
            (),
            {
                "label": "第 2 行",
                "data": {
                    "date": days_ago(0),
                    "market": "甲",
                    "item": "乙",
                    "category": "蔬菜",
                    "unit": "元/斤",
                    "price": "1",
                },
            },
        )()
    )
    assert type(cleaned) is dict and cleaned["price"] == Decimal("1.00")


# --- the public pages --------------------------------------------------------------------------------


@pytest.fixture
def two_days(group):
    upload(
        csv(
            f"{days_ago(1)},鹤山路农贸市场,大白菜,蔬菜,元/斤,1.00",
            f"{days_ago(1)},通济新区便民市场,大白菜,蔬菜,元/斤,1.10",
            f"{days_ago(1)},鹤山路农贸市场,猪肉(精瘦肉),肉类,元/斤,16.00",
            f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,1.20",
            f"{days_ago(0)},通济新区便民市场,大白菜,蔬菜,元/斤,1.00",
            f"{days_ago(0)},鹤山路农贸市场,猪肉(精瘦肉),肉类,元/斤,16.00",
            f"{days_ago(0)},通济新区便民市场,猪肉(精瘦肉),肉类,元/斤,17.00",
        )
    )


def change(mark, words):
    return f'<span aria-hidden="true">{mark}</span><span class="visually-hidden">{words}</span>'


def test_the_table_shows_each_price_and_its_change_on_the_day_before(client, page, two_days):
    response = page_get(client, page)
    assert response.status_code == 200
    body = text(response)
    assert f"{cn_date(today())}零售价" in body and "以下是" not in body and "数据更新于" in body
    assert '<th scope="col">鹤山路农贸市场</th>' in body and '<th scope="col">市场均价</th>' in body
    assert (
        "1.20" + " " + '<span class="bm-change bm-change-up">' + change("↑0.20", "比前一日上涨0.20元") in body
    )
    assert change("↓0.10", "比前一日下跌0.10元") in body
    assert change("持平", "与前一日持平") in body
    assert change("—", "前一日无价格") in body  # 17.00 at 通济新区 has no price the day before
    # Market average: 大白菜 (1.20 + 1.00) / 2 = 1.10, the day before 1.05; 猪肉 16.50 against 16.00.
    assert "1.10 " + '<span class="bm-change bm-change-up">' + change("↑0.05", "比前一日上涨0.05元") in body
    assert "16.50 " + '<span class="bm-change bm-change-up">' + change("↑0.50", "比前一日上涨0.50元") in body
    item = ProduceItem.objects.get(name="大白菜")
    assert f'href="{page.relative_url(page.get_site())}item/{item.pk}/"' in body


def test_the_category_filter(client, page, two_days):
    body = text(page_get(client, page, data={"category": "肉类"}))
    assert "猪肉(精瘦肉)" in body and ">大白菜<" not in body and '<option value="肉类" selected>' in body
    body = text(page_get(client, page, data={"category": "  蔬菜 "}))
    assert ">大白菜<" in body and "猪肉(精瘦肉)" not in body


@pytest.mark.parametrize(
    "value", ["水产", "干货", "<script>alert(1)</script>", "蔬菜" * 200, "a\x00b", "'; DROP TABLE x;--"]
)
def test_an_unknown_category_is_a_400_with_a_message(client, page, two_days, value):
    response = page_get(client, page, data={"category": value})
    assert response.status_code == 400
    body = text(response)
    assert 'role="alert"' in body and "这一类别，请从列表中选择" in body and "<script>alert" not in body
    assert 'aria-invalid="true"' in body and "bm-price-table" not in body


def test_junk_parameters_never_cause_a_500(client, page, two_days):
    for data in ({"category": ["蔬菜", "肉类"]}, {"page": "x"}, {"category": ""}, {"x" * 50: "y" * 500}):
        assert page_get(client, page, data=data).status_code in (200, 400)
    for sub in (
        "item/abc/",
        "item/0/",
        "item/99999999999999999999/",
        "item/",
        "market/1/",
        "itemx/1/",
        "item/-1/",
    ):
        assert page_get(client, page, sub).status_code == 404, sub


def test_prices_from_an_earlier_day_say_which_day(client, page, group):
    import_sample("prices", shift_to=today() - timedelta(days=1))
    body = text(page_get(client, page))
    yesterday = cn_date(today() - timedelta(days=1))
    assert f"以下是<strong>{yesterday}</strong>的价格" in body and "今日" in body
    assert "数据已超过" not in body  # a day old is not yet stale (48 hours)


def test_a_silent_feed_says_so_rather_than_showing_old_prices_as_current(client, page, group):
    import_sample("prices", shift_to=today() - timedelta(days=4))
    body = text(page_get(client, page))
    assert "数据已超过2 天未更新" in body and "bm-stale" in body
    assert f"以下是<strong>{cn_date(today() - timedelta(days=4))}</strong>的价格" in body


def test_no_data_yet(client, page):
    response = page_get(client, page)
    assert response.status_code == 200 and "暂无菜价数据" in text(response) and "暂无数据" in text(response)


def test_the_item_page_has_a_30_day_chart_and_its_table(client, page, loaded):
    item = ProduceItem.objects.get(name="猪肉(精瘦肉)")
    response = page_get(client, page, f"item/{item.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert "<svg" in body and 'role="img"' in body and "<polyline" in body
    assert "猪肉(精瘦肉)近30天各市场日均价走势（元/斤）：最低" in body
    assert body.count('<th scope="row"><time') == 30  # the 30 days up to today, one row each
    assert f"<caption>猪肉(精瘦肉){cn_date(today() - timedelta(days=29))}至{cn_date(today())}" in body
    prices = PriceRecord.objects.filter(item=item, date=today()).values_list("price", flat=True)
    average = (sum(prices) / 3).quantize(Decimal("0.01"))
    assert f'<span class="figure">{average}</span>' in body
    assert "猪肉(精瘦肉)价格走势" in body  # the sub-page's title and breadcrumb


def test_an_item_without_prices(client, page, group):
    item = ProduceItem.objects.create(name="香菜", category="蔬菜")
    response = page_get(client, page, f"item/{item.pk}/")
    assert response.status_code == 200 and "暂无香菜的价格数据" in text(response)


def test_the_query_count_does_not_grow_with_items_markets_or_days(
    client, page, two_days, django_assert_max_num_queries
):
    small_index = query_count(client, page)
    small_filtered = query_count(client, page, data={"category": "蔬菜"})
    item = ProduceItem.objects.get(name="大白菜")
    small_item = query_count(client, page, f"item/{item.pk}/")
    import_sample("prices")  # 25 items × 3 markets × 31 days
    upload(
        csv(
            *(
                f"{days_ago(0)},第{n}农贸市场,{name},蔬菜,元/斤,{n}.50"
                for n in range(1, 6)
                for name in ("大白菜", "芹菜")
            )
        )
    )
    assert Market.objects.count() == 8 and PriceRecord.objects.count() > 2300
    with django_assert_max_num_queries(small_index):
        assert page_get(client, page).status_code == 200
    with django_assert_max_num_queries(small_filtered):
        assert page_get(client, page, data={"category": "蔬菜"}).status_code == 200
    with django_assert_max_num_queries(small_item):
        body = text(page_get(client, page, f"item/{item.pk}/"))
    assert body.count('<th scope="row"><time') == 30
    assert small_index <= 25


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_date_out_of_range_is_one_refused_row(day):
    run = upload(
        csv(
            f"{days_ago(0)},鹤山路农贸市场,大白菜,蔬菜,元/斤,0.95",
            f"{day},鹤山路农贸市场,萝卜,蔬菜,元/斤,1.05",
        )
    )
    assert run.status == S.PARTIAL, run.message
    assert "日期" in rejected_reasons(run)["第 3 行"]
    assert PriceRecord.objects.count() == 1
