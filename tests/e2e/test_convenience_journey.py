"""便民服务 in the browser: a citizen on a phone uses three of the demo's lookups.

1. From the portal's home page, the 天气预报 quick link: the warnings in force come first (as
   alerts), then today's forecast for 即墨城区 and the next days; the citizen picks a town.
2. 城市公交, reached through the 便民服务 column's card: a stop name the network does not know is
   answered in Chinese with the text kept; a pair of stops with no direct route gets a
   one-transfer option; the second route's page lists its stops in order with first/last bus.
3. 每日菜价 on the 市民 branch: today's table, narrowed to one category, and one item's 30-day
   trend (a server-drawn SVG chart with the figures in a table beside it).

Every page is checked to fit a 390 px wide phone, and no request of the whole journey leaves
the site group's own hosts (*.jimo.localhost): no third-party assets, fonts or scripts.
"""

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DOMAIN, ROOT

pytestmark = pytest.mark.e2e

PHONE_VIEWPORT = {"width": 390, "height": 844}
COLUMN_PATH = "/bmfw/"
WEATHER_PATH = "/bmfw/tqyb/"
BUS_PATH = "/bmfw/csgj/"
PRICES_PATH = "/bmfw/mrcj/"
DEFAULT_PLACE = "即墨城区"
TOWN = "温泉街道"
# A stop no route of the sample network serves (nor any name containing it).
UNKNOWN_STOP = "即墨火星站"
# A pair of stops of convenience/sample_feeds/bus.json with no direct route but a one-transfer
# option, chosen by running convenience.transit.Network.from_spec over the sample feed (stops served
# by a single route each, first pair by stop order): 即墨市实验学校 is only on 1路, 蓝村火车站 only on
# 103路; both routes call at 即墨汽车站, so the only option is 1路 (1 stop) → 即墨汽车站 → 103路 (8 stops).
ORIGIN, DESTINATION = "即墨市实验学校", "蓝村火车站"
FIRST_ROUTE, TRANSFER_STOP, SECOND_ROUTE = "1路", "即墨汽车站", "103路"
PRICE_CATEGORY = "水产"
PRICE_ITEM = "带鱼"
TREND_DAYS = 30


def _sample_route(number):
    feed = json.loads((ROOT / Path("convenience/sample_feeds/bus.json")).read_text(encoding="utf-8"))
    return next(record for record in feed["records"] if record["number"] == number)


def _today():
    """Today in Beijing time: the demo shifts the sample feeds so their day is today."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _citizen(new_context):
    """A phone's browser page, and the list of every URL it requests."""
    context = new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    return context.new_page(), requested


def _assert_stays_on_site_group(requested):
    foreign = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob")
        and not (urlsplit(url).hostname or "").endswith(f".{DOMAIN}")
    ]
    assert requested, "没有记录到任何请求"
    assert not foreign, f"请求了站群以外的地址：{foreign}"


def _assert_fits_phone_width(page):
    """No sideways scrolling on a phone: the page is no wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"] + 1, f"{page.url} 在手机上横向溢出（页面宽 {width} 像素）"


def _assert_data_current(page):
    """The freshness line gives the data's time and does not call it stale."""
    freshness = page.locator(".bm-freshness")
    expect(freshness).to_have_count(1)
    expect(freshness).to_contain_text("数据更新于")
    expect(freshness).not_to_have_class(re.compile(r"\bbm-stale\b"))
    expect(freshness).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"))


def test_weather_from_the_home_page(new_context, site_url):
    page, requested = _citizen(new_context)
    page.goto(site_url("www", "/"))
    quick_links = page.get_by_role("navigation", name="便民服务")
    expect(quick_links.get_by_role("link")).to_have_count(8)
    quick_links.get_by_role("link", name="天气预报", exact=True).tap()
    expect(page).to_have_url(site_url("www", WEATHER_PATH))
    expect(page.locator("h1")).to_have_text("天气预报")
    _assert_data_current(page)

    # The warnings in force, each an alert, above everything else the lookup shows.
    alerts = page.locator(".wx-warnings").get_by_role("alert")
    expect(alerts.first).to_be_visible()
    cold_wave = alerts.filter(has_text="寒潮蓝色预警")
    expect(cold_wave).to_have_count(1)
    expect(cold_wave.locator("h3")).to_contain_text("即墨区寒潮蓝色预警")
    expect(cold_wave.locator(".wx-guidance")).to_contain_text("注意添衣保暖")
    today_panel = page.locator("section.wx-today")
    assert alerts.first.bounding_box()["y"] < today_panel.bounding_box()["y"], "预警没有显示在预报之前"
    assert alerts.first.bounding_box()["y"] < page.get_by_label("城区或镇街", exact=True).bounding_box()["y"]

    # Today's forecast for the city, then the next seven days (the sample's 2026-11-28 is today).
    today = _today()
    expect(page.get_by_label("城区或镇街", exact=True)).to_have_value(DEFAULT_PLACE)
    expect(today_panel.locator("h2")).to_contain_text(f"{DEFAULT_PLACE} 今天（{today.month}月{today.day}日")
    figures = today_panel.locator(".wx-figures")
    expect(figures).to_contain_text("小雨")
    expect(figures).to_contain_text("1～9℃")
    expect(figures).to_contain_text("北风4-5级，阵风7级")
    coming = page.locator("table.wx-table tbody tr")
    expect(coming).to_have_count(7)
    expect(coming.first).to_contain_text("-3～5")
    expect(page.locator("table.wx-table caption")).to_contain_text(f"{DEFAULT_PLACE}未来 7 天天气预报")
    _assert_fits_phone_width(page)

    # A town of the place selector.
    page.get_by_label("城区或镇街", exact=True).select_option(TOWN)
    page.get_by_role("button", name="查看预报").tap()
    expect(page).to_have_url(re.compile(r"\?place=%E6%B8%A9%E6%B3%89%E8%A1%97%E9%81%93$"))
    expect(page.get_by_label("城区或镇街", exact=True)).to_have_value(TOWN)
    expect(today_panel.locator("h2")).to_contain_text(f"{TOWN} 今天")
    expect(figures).to_contain_text("2～8℃")
    expect(figures).to_contain_text("北风5-6级，阵风8级")
    expect(coming).to_have_count(7)
    expect(coming.first).to_contain_text("-2～4")
    expect(cold_wave).to_have_count(1)  # the warnings stay in view for every place
    _assert_data_current(page)
    _assert_fits_phone_width(page)
    _assert_stays_on_site_group(requested)


def test_bus_planner_with_a_transfer(new_context, site_url):
    page, requested = _citizen(new_context)
    page.goto(site_url("www", COLUMN_PATH))
    expect(page.locator("h1")).to_have_text("便民服务")
    _assert_fits_phone_width(page)
    page.locator(".interaction-card").filter(has_text="城市公交").get_by_role("link").tap()
    expect(page).to_have_url(site_url("www", BUS_PATH))
    expect(page.locator("h1")).to_have_text("城市公交")
    _assert_data_current(page)
    _assert_fits_phone_width(page)

    origin, destination = page.get_by_label("起点站"), page.get_by_label("终点站")
    search = page.locator("form.bus-plan-form").get_by_role("button", name="查询")

    # A stop the network does not know: a message in Chinese next to the field, the text kept.
    origin.fill(UNKNOWN_STOP)
    destination.fill(DESTINATION)
    with page.expect_response(lambda response: "from=" in response.url) as answer:
        search.tap()
    assert answer.value.status == 400
    error = page.locator("#bus-from-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text(f"没有名为“{UNKNOWN_STOP}”的站点")
    expect(origin).to_have_value(UNKNOWN_STOP)
    expect(origin).to_have_attribute("aria-invalid", "true")
    expect(destination).to_have_value(DESTINATION)
    expect(page.locator("#bus-to-error")).to_have_count(0)
    expect(page.locator(".bus-plan")).to_have_count(0)
    _assert_fits_phone_width(page)

    # Two stops with no direct route: one transfer.
    origin.fill(ORIGIN)
    with page.expect_response(lambda response: "from=" in response.url) as answer:
        search.tap()
    assert answer.value.status == 200
    plan = page.locator(".bus-plan")
    expect(plan.locator("h3")).to_have_text(f"从 {ORIGIN} 到 {DESTINATION}")
    expect(plan).to_contain_text("没有直达线路，以下为换乘一次的方案")
    options = plan.locator("li.bus-option")
    expect(options).to_have_count(1)
    option = options.first
    expect(option.locator(".bus-option-head")).to_have_text(
        re.compile(rf"^\s*{FIRST_ROUTE}\s*→\s*在\s*{TRANSFER_STOP}\s*换乘\s*→\s*{SECOND_ROUTE}\s*$")
    )
    legs = option.locator("ol.bus-legs > li")
    expect(legs).to_have_count(2)
    expect(legs.nth(0)).to_contain_text(f"在 {ORIGIN} 乘 {FIRST_ROUTE}")
    expect(legs.nth(0)).to_contain_text(f"坐 1 站到 {TRANSFER_STOP}")
    expect(legs.nth(1)).to_contain_text(f"在 {TRANSFER_STOP} 换乘 {SECOND_ROUTE}")
    expect(legs.nth(1)).to_contain_text(f"坐 8 站到 {DESTINATION}")
    expect(option).to_contain_text("共 9 站")
    _assert_fits_phone_width(page)

    # The second route's page: its stops in order, both ways, with the first and last bus.
    route = _sample_route(SECOND_ROUTE)
    option.locator(".bus-option-head").get_by_role("link", name=SECOND_ROUTE).tap()
    expect(page).to_have_url(re.compile(rf"^{re.escape(site_url('www', BUS_PATH))}route/\d+/$"))
    expect(page.locator("h1")).to_have_text(SECOND_ROUTE)
    facts = page.locator("dl.bus-facts")
    expect(facts.locator("div").filter(has_text="首班").locator("dd")).to_have_text(route["first_bus"])
    expect(facts.locator("div").filter(has_text="末班").locator("dd")).to_have_text(route["last_bus"])
    expect(facts.locator("div").filter(has_text="站点数").locator("dd")).to_have_text(
        f"{len(route['stops'])} 个"
    )
    directions = page.locator("section.bus-direction")
    expect(directions).to_have_count(2)
    expect(directions.nth(0).locator("h3")).to_have_text(f"{route['stops'][0]} → {route['stops'][-1]}")
    expect(directions.nth(0).locator("ol.bus-stops > li")).to_have_text(route["stops"])
    expect(directions.nth(1).locator("ol.bus-stops > li")).to_have_text(list(reversed(route["stops"])))
    expect(page.get_by_role("link", name="返回城市公交")).to_be_visible()
    _assert_data_current(page)
    _assert_fits_phone_width(page)
    _assert_stays_on_site_group(requested)


def test_vegetable_prices_on_the_citizens_branch(new_context, site_url):
    page, requested = _citizen(new_context)
    page.goto(site_url("shimin", PRICES_PATH))
    expect(page.locator("h1")).to_have_text("每日菜价")
    _assert_data_current(page)

    # Today's prices: one row per item, one column per market plus the average.
    today = _today()
    table = page.locator("table.bm-price-table")
    expect(table.locator("caption")).to_contain_text(f"{_cn_date(today)}零售价")
    expect(page.locator(".bm-notice", has_text="尚未发布")).to_have_count(0)
    expect(table.locator("thead th")).to_have_text(
        ["品名", re.compile(r"市场$"), re.compile(r"市场$"), re.compile(r"市场$"), "市场均价"]
    )
    rows = table.locator("tbody tr")
    all_rows = rows.count()
    assert all_rows >= 20, f"今日菜价只有 {all_rows} 行"
    _assert_fits_phone_width(page)

    # Narrowed to one category.
    page.get_by_label("类别", exact=True).select_option(PRICE_CATEGORY)
    page.get_by_role("button", name="筛选").tap()
    expect(page).to_have_url(re.compile(r"\?category=%E6%B0%B4%E4%BA%A7$"))
    expect(page.get_by_label("类别", exact=True)).to_have_value(PRICE_CATEGORY)
    expect(table.locator("caption")).to_contain_text(f"{_cn_date(today)}{PRICE_CATEGORY}零售价")
    expect(rows).to_have_count(2)
    assert sorted(rows.locator("th[scope=row] a").all_inner_texts()) == sorted(["带鱼", "鲅鱼"])
    _assert_fits_phone_width(page)

    # One item's trend: the chart, and the same figures in a table right after it.
    rows.locator("th[scope=row]").get_by_role("link", name=PRICE_ITEM).tap()
    expect(page).to_have_url(re.compile(rf"^{re.escape(site_url('shimin', PRICES_PATH))}item/\d+/$"))
    expect(page.locator("h1")).to_have_text(f"{PRICE_ITEM}价格走势")
    chart = page.locator("figure.line-chart svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile(rf"^{PRICE_ITEM}近{TREND_DAYS}天"))
    expect(chart.locator("circle")).to_have_count(TREND_DAYS)
    trend = page.locator("figure.line-chart + .bm-table-scroll table")
    expect(trend.locator("caption")).to_contain_text(f"至{_cn_date(today)}各市场价格")
    trend_rows = trend.locator("tbody tr")
    expect(trend_rows).to_have_count(TREND_DAYS)
    expect(trend_rows.first.locator("th time")).to_have_text(_cn_date(today))
    _assert_data_current(page)
    _assert_fits_phone_width(page)
    _assert_stays_on_site_group(requested)
