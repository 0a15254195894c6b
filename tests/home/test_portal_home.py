"""The portal home page: its blocks, and a query count that does not grow with the site group."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.services import UnitSpec, ensure_unit
from tests.conftest import host
from tests.factories.site_group import add_article, column

pytestmark = pytest.mark.django_db


def portal_queries(client):
    client.get("/", HTTP_HOST=host("www"))  # warm the per-process caches (site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", HTTP_HOST=host("www"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def add_units(first, count):
    for number in range(first, first + count):
        unit = ensure_unit(
            UnitSpec(
                label=f"unit{number:03d}",
                kind="town" if number % 5 == 0 else "department",
                name=f"测试单位{number:03d}",
                short_name=f"测试{number:03d}",
                code=f"8{number:08d}",
            )
        )
        add_article(column(unit, "gzdt"), f"测试单位{number:03d}工作动态", days_ago=1)


def test_portal_home_query_count_does_not_grow_with_the_number_of_units(client, group):
    add_units(1, 5)
    with_five, html = portal_queries(client)
    assert "测试005" in html
    add_units(6, 45)
    with_fifty, html = portal_queries(client)
    assert "测试050" in html
    assert with_fifty == with_five, (with_five, with_fifty)


def test_portal_home_shows_headlines_notices_news_tiles_and_the_site_group(client, group):
    _count, html = portal_queries(client)
    for text in (
        "即墨市召开冬季安全生产工作会议",
        "关于2027年元旦假期值班安排的通知",
        "市教育局部署冬季校园安全工作",
        "蓝村镇完成冬季取暖设施排查",
        "网上办事",
        "政务公开",
        "政民互动",
        "便民服务",
        "站群导航",
        "教育局",
        "公安局",
        "蓝村镇",
    ):
        assert text in html, text


def test_unpublished_articles_do_not_reach_the_portal_home(client, group):
    article = add_article(column(group["www"], "jmyw"), "尚未审核的要闻稿件", days_ago=0)
    article.unpublish()
    _count, html = portal_queries(client)
    assert "尚未审核的要闻稿件" not in html
