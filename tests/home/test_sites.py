"""Each unit's site answers on its own hostname; the theme's footer identity is on every page."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from home.accessibility import ELDER_MODE_COOKIE
from home.models import SiteIdentity
from subsite_pages.models import ArticlePage, ContentPage, SitemapPage
from tests.conftest import host
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "label, heading",
    [
        ("www", "即墨要闻"),
        ("jiaoyu", "教育资讯"),
        ("jyj", "市教育局开展校园食品安全专项检查"),
        ("lancun", "蓝村镇召开秋收秋种工作调度会"),
    ],
)
def test_each_site_answers_on_its_own_hostname(client, group, label, heading):
    response = client.get("/", HTTP_HOST=host(label))
    assert response.status_code == 200
    assert response.context["page"].pk == group[label].site.root_page_id
    assert heading in response.content.decode()


def test_unknown_host_and_loopback_show_the_portal(client, group):
    response = client.get("/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response.context["page"].pk == group["www"].site.root_page_id
    assert "即墨市政务网" in response.content.decode()


def test_a_path_from_another_sites_tree_is_404(client, group):
    article = ArticlePage.objects.descendant_of(group["jyj"].site.root_page).first()
    path = article.get_url_parts()[2]
    assert client.get(path, HTTP_HOST=host("jyj")).status_code == 200
    assert client.get(path, HTTP_HOST=host("gaj")).status_code == 404
    assert client.get(path, HTTP_HOST=host("www")).status_code == 404


def test_portal_home_links_every_branch_and_unit_on_its_own_hostname(client, group):
    html = client.get("/", HTTP_HOST=host("www")).content.decode()
    for label in ("jiaoyu", "jyj", "gaj", "lancun"):
        assert f'href="http://{host(label)}/"' in html


def test_cross_site_links_carry_the_configured_port(settings, group):
    site = group["jyj"].site
    site.port = 8000
    site.save()
    assert site.root_url == f"http://{host('jyj')}:8000"


def _pages_of_every_type(group):
    jyj = group["jyj"]
    home = jyj.site.root_page
    return {
        "portal home": ("www", "/"),
        "branch home": ("jiaoyu", "/"),
        "unit home": ("jyj", "/"),
        "column": ("jyj", column(jyj, "gzdt").get_url_parts()[2]),
        "article": ("jyj", ArticlePage.objects.child_of(column(jyj, "gzdt")).first().get_url_parts()[2]),
        "content page": ("jyj", ContentPage.objects.child_of(home).get(slug="jggk").get_url_parts()[2]),
        "site map": ("jyj", SitemapPage.objects.child_of(home).get().get_url_parts()[2]),
        "not found": ("jyj", "/no-such-page/"),
    }


def test_footer_identity_block_is_on_every_page_type(client, group):
    identity = SiteIdentity.for_site(group["jyj"].site)
    identity.site_code = "3702820201"
    identity.icp_number = "鲁ICP备05021187号"
    identity.police_number = "鲁公网安备 37028202000118号"
    identity.save()
    portal_identity = SiteIdentity.for_site(group["www"].site)
    portal_identity.site_code = "3702820001"
    portal_identity.save()
    for name, (label, path) in _pages_of_every_type(group).items():
        response = client.get(path, HTTP_HOST=host(label))
        assert response.status_code == (404 if name == "not found" else 200), name
        html = response.content.decode()
        assert "data-site-identity" in html, name
        for caption in ("主办单位", "承办单位", "网站标识码", "ICP备案号", "公安机关备案号"):
            assert caption in html, (name, caption)
        if label == "jyj":
            assert "3702820201" in html and "即墨市教育局" in html, name


def test_navigation_is_generated_from_the_column_tree(client, group):
    html = client.get("/", HTTP_HOST=host("jyj")).content.decode()
    nav = html.split('aria-label="主导航"')[1].split("</nav>")[0]
    for title in ("机构概况", "领导信息", "工作动态", "通知公告", "政策文件"):
        assert title in nav


def test_breadcrumbs_lead_from_the_site_home(client, group):
    article = ArticlePage.objects.child_of(column(group["jyj"], "gzdt")).first()
    html = client.get(article.get_url_parts()[2], HTTP_HOST=host("jyj")).content.decode()
    crumbs = html.split('aria-label="当前位置"')[1].split("</nav>")[0]
    assert crumbs.index("首页") < crumbs.index("工作动态") < crumbs.index(article.title)


def test_dates_are_written_the_chinese_way_in_shanghai_time(client, group):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    article = ArticlePage.objects.child_of(column(group["jyj"], "gzdt")).first()
    # 2026-11-27 17:30 UTC is already 28 November in Shanghai.
    article.publish_date = datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("UTC"))
    article.save_revision().publish()
    html = client.get(article.get_url_parts()[2], HTTP_HOST=host("jyj")).content.decode()
    assert "2026年11月28日" in html


def test_elder_mode_is_switched_by_a_plain_link_and_remembered(client, group):
    url = reverse("elder_mode")
    response = client.get(url, {"on": "1", "next": "/gzdt/"}, HTTP_HOST=host("jyj"))
    assert response.status_code == 302
    assert response["Location"] == "/gzdt/"
    assert response.cookies[ELDER_MODE_COOKIE].value == "1"
    html = client.get("/", HTTP_HOST=host("jyj")).content.decode()
    assert '<html lang="zh-Hans" class="elder-mode">' in html
    assert "退出适老化模式" in html
    client.get(url, {"on": "0", "next": "/"}, HTTP_HOST=host("jyj"))
    assert 'class="elder-mode"' not in client.get("/", HTTP_HOST=host("jyj")).content.decode()


def test_elder_mode_cookie_covers_the_whole_site_group(client, group):
    response = client.get(reverse("elder_mode"), {"on": "1", "next": "/"}, HTTP_HOST=host("jyj"))
    assert response.cookies[ELDER_MODE_COOKIE]["domain"] == ".jimo.localhost"
    # On an address outside the group's domain the cookie stays host-only (browsers would drop it).
    response = client.get(reverse("elder_mode"), {"on": "1", "next": "/"}, HTTP_HOST="127.0.0.1")
    assert response.cookies[ELDER_MODE_COOKIE]["domain"] == ""


def test_elder_mode_refuses_to_redirect_to_another_host(client, group):
    response = client.get(
        reverse("elder_mode"), {"on": "1", "next": "https://evil.example/"}, HTTP_HOST=host("www")
    )
    assert response["Location"] == "/"


def test_no_asset_is_loaded_from_another_host(client, group):
    html = client.get("/", HTTP_HOST=host("www")).content.decode()
    import re

    for match in re.finditer(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
        assert not match.group(1).startswith(("http://", "https://", "//")), match.group(1)


def test_the_portal_is_the_default_site(group):
    assert Site.objects.get(is_default_site=True) == group["www"].site
