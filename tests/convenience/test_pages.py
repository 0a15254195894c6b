"""The lookup pages in the site group: where they may sit, their cards on the 便民服务 column with
the data's freshness, the portal home's quick links, and what site search may hold of them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from convenience.models import ConvenienceLookupPage, Feed, FundAccount, TrafficViolation
from convenience.models.feeds import FeedKey
from home.models import HomePage
from search.indexing import document_for, is_indexed_type
from subsite_pages.models import BranchHomePage, ColumnPage, UnitHomePage
from tests.conftest import host
from tests.factories.convenience import LOOKUP_SLUGS, lookup_page
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db


def bmfw_html(client, group):
    bmfw = column(group["www"], "bmfw")
    response = client.get(bmfw.relative_url(bmfw.get_site()), HTTP_HOST=host("www"))
    assert response.status_code == 200
    return response.content.decode()


def test_lookup_pages_sit_on_the_portal_branches_and_columns_only():
    parents = set(ConvenienceLookupPage.allowed_parent_page_models())
    assert {HomePage, BranchHomePage, ColumnPage} == parents
    assert UnitHomePage not in parents
    assert ConvenienceLookupPage.allowed_subpage_models() == []
    assert ConvenienceLookupPage in ColumnPage.allowed_subpage_models()


def test_the_column_lists_each_lookup_as_a_card_saying_how_fresh_its_data_is(client, group):
    lookup_page("weather", intro="<p>城区及各镇天气</p>")
    lookup_page("bus")
    Feed.objects.create(key="weather", data_as_of=timezone.now() - timedelta(hours=1))
    Feed.objects.create(key="bus", data_as_of=timezone.now() - timedelta(days=200))
    html = bmfw_html(client, group)
    assert "天气预报" in html and "城市公交" in html
    assert "数据更新于" in html
    assert "数据已超过90 天未更新" in html


def test_a_lookup_without_any_import_says_there_is_no_data(client, group):
    page = lookup_page("air")
    assert "暂无数据" in bmfw_html(client, group)
    response = client.get(page.relative_url(page.get_site()), HTTP_HOST=host("www"))
    assert response.status_code == 200
    assert "暂无数据" in response.content.decode()


def test_the_column_query_count_does_not_grow_with_the_number_of_lookups(client, group):
    lookup_page("weather")
    lookup_page("bus")
    bmfw_html(client, group)  # warm per-process caches
    with CaptureQueriesContext(connection) as two:
        bmfw_html(client, group)
    for key in ("fund", "traffic", "prices", "coach", "air", "hydro"):
        lookup_page(key)
        Feed.objects.get_or_create(key=key, defaults={"data_as_of": timezone.now()})
    with CaptureQueriesContext(connection) as eight:
        html = bmfw_html(client, group)
    assert all(FeedKey(key).label in html for key in LOOKUP_SLUGS)
    assert len(eight) == len(two), (len(two), len(eight))


def test_the_portal_home_links_the_lookups_of_its_convenience_column(client, group):
    lookup_page("weather")
    lookup_page("fund")
    html = client.get("/", HTTP_HOST=host("www")).content.decode()
    assert 'aria-label="便民服务"' in html
    weather = ConvenienceLookupPage.objects.get(lookup="weather")
    assert f'href="{weather.relative_url(weather.get_site())}"' in html
    assert "公积金查询" in html


def test_unpublished_lookups_are_not_linked_from_the_portal_home(client, group):
    page = lookup_page("weather")
    page.unpublish()
    html = client.get("/", HTTP_HOST=host("www")).content.decode()
    assert 'aria-label="便民服务"' not in html


def test_the_lookup_page_is_searchable_but_no_personal_record_is(group):
    page = lookup_page("fund", intro="<p>查询住房公积金账户余额和缴存明细</p>")
    document = document_for(Page.objects.get(pk=page.pk))
    assert document is not None and document.kind == "convenience"
    assert "公积金" in document.title
    for model in (FundAccount, TrafficViolation):
        assert not is_indexed_type(model)


def test_sub_routes_of_a_lookup_without_sub_pages_are_not_found(client, group):
    page = lookup_page("weather")
    base = page.relative_url(page.get_site())
    for sub in ("nothing/", "route/1/", "x/../../"):
        assert client.get(base + sub, HTTP_HOST=host("www")).status_code == 404


JUNK_QUERIES = [
    {"place": "<script>alert(1)</script>", "station": "99999999999999999999999", "category": "\x00"},
    {"from": "站" * 500, "to": "", "page": "-1", "q": "' OR 1=1 --"},
    {"origin": "🚌", "destination": "即墨城区", "station": "abc", "place": "即墨城区" * 50},
    {"from": "即墨汽车站", "to": "即墨汽车站", "category": "蔬菜", "item": "1e9"},
]
JUNK_SUBPAGES = ["route/99999999999999999999/", "stop/abc/", "item/0/", "station/-1/", "nothing/", "route/"]


@pytest.mark.parametrize("key", sorted(LOOKUP_SLUGS))
def test_no_input_makes_any_lookup_fail_with_a_server_error(client, group, key):
    from convenience.services import import_sample

    import_sample(key)
    page = lookup_page(key)
    base = page.relative_url(page.get_site())
    for query in JUNK_QUERIES:
        response = client.get(base, query, HTTP_HOST=host("www"))
        # The personal lookups read nothing from a query string and send it on to the bare address.
        expected = (302,) if key in ("fund", "traffic") else (200, 400)
        assert response.status_code in expected, (key, query, response.status_code)
    for data in ({}, {"id_number": "x" * 5000, "password": "", "plate": "鲁", "vin_tail": "<>"}):
        response = client.post(base, data, HTTP_HOST=host("www"))
        assert response.status_code < 500, (key, data, response.status_code)
    for sub in JUNK_SUBPAGES:
        response = client.get(base + sub, HTTP_HOST=host("www"))
        assert response.status_code in (200, 301, 404), (key, sub, response.status_code)
