"""站群搜索 in the admin: who may use it, synonyms and 推荐结果 through the viewsets, the analytics page."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.menu import admin_menu

from search.admin_views import may_manage_search
from search.forms import is_group_url
from search.models import ClickLog, Promotion, QueryLog, Synonym
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

DOMAIN = settings.PORTAL_DOMAIN


@pytest.fixture
def users(db):
    return group_fixture()["users"]


def login(client, user):
    client.logout()
    client.force_login(user)


def menu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in admin_menu.menu_items_for_request(request)}


def submenu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    [group] = [item for item in admin_menu.menu_items_for_request(request) if item.name == "site-search"]
    return {item.name for item in group.menu.menu_items_for_request(request)}


def admin_urls(synonym, promotion):
    return [
        reverse("search_synonyms:index"),
        reverse("search_synonyms:add"),
        reverse("search_synonyms:edit", args=[synonym.pk]),
        reverse("search_synonyms:delete", args=[synonym.pk]),
        reverse("search_promotions:index"),
        reverse("search_promotions:add"),
        reverse("search_promotions:edit", args=[promotion.pk]),
        reverse("search_promotions:delete", args=[promotion.pk]),
        reverse("search_analytics:index"),
    ]


# --- Who may use it -------------------------------------------------------------------------------


def test_portal_admin_and_superuser_may_units_may_not(client, users):
    synonym = Synonym.objects.create(words="社保 社会保险")
    promotion = Promotion.objects.create(query="公积金", title="公积金提取", url="/bsfw/gjj/")
    urls = admin_urls(synonym, promotion)
    assert may_manage_search(users["portal_admin"]) and may_manage_search(users["admin"])
    for name in ("portal_admin", "admin"):
        login(client, users[name])
        for url in urls:
            assert client.get(url).status_code == 200, (name, url)
        assert submenu_names(users[name]) == {"search-synonyms", "search-promotions", "search-analytics"}

    for name in ("jyj_admin", "jyj_editor", "gaj_admin"):
        assert not may_manage_search(users[name])
        assert "site-search" not in menu_names(users[name])
        login(client, users[name])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (name, url)
            assert "只有主站管理员" in response.content.decode()
        # Writes are refused too, and change nothing.
        assert client.post(reverse("search_synonyms:add"), {"words": "甲 乙"}).status_code == 403
        assert client.post(reverse("search_synonyms:delete", args=[synonym.pk])).status_code == 403
        assert client.post(reverse("search_analytics:index")).status_code == 403
    assert Synonym.objects.count() == 1
    assert Synonym.objects.filter(pk=synonym.pk).exists()


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(reverse("search_synonyms:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- 同义词 ----------------------------------------------------------------------------------------


def test_synonym_crud_through_the_admin(client, users):
    login(client, users["portal_admin"])
    response = client.post(
        reverse("search_synonyms:add"), {"words": " 社保，社会保险、 社会保障 社保 ", "enabled": "on"}
    )
    assert response.status_code == 302
    synonym = Synonym.objects.get()
    assert synonym.words == "社保 社会保险 社会保障" and synonym.enabled
    assert synonym.word_list() == ["社保", "社会保险", "社会保障"]

    listing = client.get(reverse("search_synonyms:index")).content.decode()
    assert "社保 社会保险 社会保障" in listing
    assert "社会保险" in client.get(reverse("search_synonyms:index"), {"q": "保障"}).content.decode()

    response = client.post(reverse("search_synonyms:edit", args=[synonym.pk]), {"words": "社保 社会保险"})
    assert response.status_code == 302
    synonym.refresh_from_db()
    assert synonym.words == "社保 社会保险" and not synonym.enabled

    response = client.post(reverse("search_synonyms:delete", args=[synonym.pk]))
    assert response.status_code == 302
    assert not Synonym.objects.exists()


@pytest.mark.parametrize("words", ["社保", "社保 社保", "  ", "，、；"])
def test_a_synonym_group_needs_two_different_words(client, users, words):
    login(client, users["portal_admin"])
    response = client.post(reverse("search_synonyms:add"), {"words": words, "enabled": "on"})
    assert response.status_code == 200
    assert not Synonym.objects.exists()
    if words.strip():
        assert "请至少填写两个不同的词语" in response.content.decode()


def test_duplicate_synonym_group_is_refused(client, users):
    Synonym.objects.create(words="公积金 住房公积金")
    login(client, users["admin"])
    response = client.post(reverse("search_synonyms:add"), {"words": "公积金，住房公积金", "enabled": "on"})
    assert response.status_code == 200
    assert Synonym.objects.count() == 1


# --- 推荐结果 --------------------------------------------------------------------------------------


def promotion_data(**overrides):
    return {
        "query": " GongJiJin ",
        "title": "住房公积金提取",
        "url": "/bsfw/gjj/",
        "description": "提取条件、材料和办理地点",
        "sort_order": "0",
        "starts_at": "",
        "ends_at": "",
        **overrides,
    }


@pytest.mark.parametrize(
    "url",
    [
        "/bsfw/gjj/",
        f"http://www.{DOMAIN}/bsfw/",
        f"https://jyj.{DOMAIN}/tzgg/a1/?x=1#top",
        f"http://{DOMAIN}/",
    ],
)
def test_promotion_urls_inside_the_group_are_accepted(client, users, url):
    login(client, users["portal_admin"])
    response = client.post(reverse("search_promotions:add"), promotion_data(url=url))
    assert response.status_code == 302, response.content.decode()[:2000]
    promotion = Promotion.objects.get()
    assert promotion.url == url
    assert promotion.query == "gongjijin"  # stored as the search page normalises queries


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        f"https://www.{DOMAIN}.evil.example/",
        f"https://evil.example/?next=www.{DOMAIN}",
        f"https://www.{DOMAIN}@evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "ftp://www.example.com/",
        "bsfw/gjj/",
        "http:///evil.example",
    ],
)
def test_promotion_urls_outside_the_group_are_refused(client, users, url):
    login(client, users["portal_admin"])
    response = client.post(reverse("search_promotions:add"), promotion_data(url=url))
    assert response.status_code == 200
    assert "只能链接到本站群的页面" in response.content.decode()
    assert not Promotion.objects.exists()
    assert not is_group_url(url)


def test_promotion_period_must_end_after_it_starts(client, users):
    login(client, users["portal_admin"])
    response = client.post(
        reverse("search_promotions:add"),
        promotion_data(starts_at="2026-12-01 09:00", ends_at="2026-11-01 09:00"),
    )
    assert response.status_code == 200
    assert "结束时间须晚于开始时间" in response.content.decode()
    assert not Promotion.objects.exists()


# --- 搜索分析 --------------------------------------------------------------------------------------


def _logs():
    now = timezone.now()
    for index in range(4):
        log = QueryLog.objects.create(query="公积金", results=12, created_at=now - timedelta(days=index))
        if index < 3:
            ClickLog.objects.create(query_log=log, url="/bsfw/gjj/", position=1)
    QueryLog.objects.create(query="办证大厅夜间", results=0, created_at=now)
    QueryLog.objects.create(query="很久以前", results=1, created_at=now - timedelta(days=60))


def test_analytics_page_shows_the_figures_table_and_chart(client, users):
    _logs()
    login(client, users["portal_admin"])
    response = client.get(reverse("search_analytics:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "热门搜索词" in html and "没有结果的搜索词" in html and "每日搜索量" in html
    chart = html.split('<svg xmlns="http://www.w3.org/2000/svg" role="img"', 1)[1].split("</svg>", 1)[0]
    assert 'aria-labelledby="volume-title"' in chart and "<script" not in chart
    assert chart.count("<rect") >= 4  # a column per day with searches (+ its zero-result part) and the legend
    top = response.context["top"]
    assert [(row.query, row.searches, row.click_through) for row in top] == [
        ("公积金", 4, 75.0),
        ("办证大厅夜间", 1, 0.0),
    ]
    assert [row.query for row in response.context["gaps"]] == ["办证大厅夜间"]
    assert response.context["totals"].searches == 5
    assert len(response.context["volume"]) == 30
    assert "75.0%" in html
    assert "很久以前" not in html

    longer = client.get(reverse("search_analytics:index"), {"days": "90"})
    assert "很久以前" in longer.content.decode()
    # Anything else than the offered periods falls back to 30 days.
    for days in ("abc", "100000", "-1", "0"):
        response = client.get(reverse("search_analytics:index"), {"days": days})
        assert response.status_code == 200 and response.context["days"] == 30


def test_analytics_export_is_an_excel_workbook(client, users):
    _logs()
    login(client, users["admin"])
    response = client.get(reverse("search_analytics:index"), {"days": "30", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["概况", "热门搜索词", "无结果搜索词", "每日搜索量"]
    top = list(workbook["热门搜索词"].iter_rows(values_only=True))
    assert top[0][0] == "搜索词" and top[1][:4] == ("公积金", 4, 3, 75.0)
    assert list(workbook["无结果搜索词"].iter_rows(values_only=True))[1][:2] == ("办证大厅夜间", 1)
    assert len(list(workbook["每日搜索量"].iter_rows(values_only=True))) == 31


def test_analytics_page_without_any_search(client, users):
    login(client, users["portal_admin"])
    html = client.get(reverse("search_analytics:index")).content.decode()
    assert "该时段没有搜索记录" in html
