"""The public 公开目录: group-wide on the portal, unit-only on a unit site; filters, search, facet
counts, validity marks, paging, the side menu and the 重点工程/为民办实事 listing."""

import re
from datetime import date
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import (
    DisclosureCataloguePage,
    DisclosureDocumentPage,
    DisclosureGuidePage,
    KeyProjectPage,
    ProjectProgress,
)
from home.models import Organisation
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db

_slugs = count(1)


def add_document(organisation, title, under=None, **fields):
    values = {
        "written_date": date(2026, 3, 1),
        "publish_date": date(2026, 3, 2),
        "theme": "kjjy",
        "genre": "tz",
        "keywords": "教育",
        **fields,
    }
    page = DisclosureDocumentPage(
        title=title, slug=f"gk-doc-{next(_slugs)}", organisation=organisation, **values
    )
    column(under or organisation, "zwgk").add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_catalogue(organisation, group_wide=False, per_page=20):
    page = DisclosureCataloguePage(
        title="政府信息公开目录", slug="gkml", group_wide=group_wide, per_page=per_page
    )
    column(organisation, "zwgk").add_child(instance=page)
    page.save_revision().publish()
    return page


def get(client, page, sub="", params=None):
    site = page.get_site()
    return client.get(page.relative_url(site) + sub, params or {}, HTTP_HOST=site.hostname)


def rows(response):
    """Titles of the catalogue's table rows, in order."""
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="gk-title" data-label="标题"><a href="[^"]*">([^<]*)</a>', body)


@pytest.fixture
def documents(group):
    jyj, gaj = group["jyj"], group["gaj"]
    return {
        "notice": add_document(
            jyj,
            "关于做好2026年义务教育招生工作的通知",
            document_number="即教发〔2026〕12号",
            keywords="招生 义务教育",
        ),
        "old": add_document(
            jyj,
            "即墨市中小学学籍管理办法",
            written_date=date(2025, 5, 1),
            publish_date=date(2025, 5, 6),
            genre="gfxwj",
            keywords="学籍",
            document_number="即教发〔2025〕3号",
            validity="repealed",
            repealed_date=date(2026, 6, 30),
        ),
        "police": add_document(
            gaj,
            "关于开展冬季道路交通安全整治的通告",
            theme="gaaq",
            genre="gg",
            keywords="交通 安全",
            publish_date=date(2026, 11, 2),
            written_date=date(2026, 10, 30),
        ),
        "expired": add_document(
            gaj,
            "2025年度户籍业务办理时间安排",
            theme="gaaq",
            genre="tz",
            keywords="户籍",
            publish_date=date(2025, 1, 6),
            written_date=date(2025, 1, 3),
            validity="expired",
            repealed_date=date(2025, 12, 31),
        ),
    }


@pytest.fixture
def portal_catalogue(group):
    return add_catalogue(group["www"], group_wide=True)


@pytest.fixture
def jyj_catalogue(group):
    return add_catalogue(group["jyj"])


# --- Scope ----------------------------------------------------------------------------------------


def test_portal_catalogue_lists_every_units_documents_newest_first(client, documents, portal_catalogue):
    response = get(client, portal_catalogue)
    assert response.status_code == 200
    assert rows(response) == [
        "关于开展冬季道路交通安全整治的通告",
        "关于做好2026年义务教育招生工作的通知",
        "即墨市中小学学籍管理办法",
        "2025年度户籍业务办理时间安排",
    ]
    html = response.content.decode()
    for heading in ("索引号", "标题", "发布机构", "文号", "成文日期", "发布日期", "有效性"):
        assert f'<th scope="col">{heading}</th>' in html
    notice = documents["notice"]
    assert notice.index_number.startswith("370282201/2026-")
    assert notice.index_number in html
    assert "即墨市教育局" in html and "即墨市公安局" in html
    assert "即教发〔2026〕12号" in html
    assert "2026年3月1日" in html and "2026年3月2日" in html
    # The title links to the document on its unit's site, not to a copy on the portal.
    assert f'href="{notice.get_full_url()}"' in html
    assert "jyj." in notice.get_full_url()


def test_unit_catalogue_lists_only_its_units_documents(client, documents, jyj_catalogue):
    response = get(client, jyj_catalogue)
    assert response.status_code == 200
    assert rows(response) == ["关于做好2026年义务教育招生工作的通知", "即墨市中小学学籍管理办法"]
    html = response.content.decode()
    assert "本目录列出即墨市教育局主动公开的政府信息" in html
    # No 发布机构 facet on a unit's own catalogue, and a unit parameter changes nothing.
    assert 'gk-facet-title">发布机构' not in html
    assert rows(get(client, jyj_catalogue, params={"unit": "gaj"})) == rows(response)


def test_drafts_and_unpublished_documents_are_not_listed(client, group, documents, portal_catalogue):
    documents["police"].unpublish()
    draft = DisclosureDocumentPage(
        title="尚未发布的草稿文件",
        slug="gk-draft",
        organisation=group["jyj"],
        written_date=date(2026, 3, 1),
        publish_date=date(2026, 3, 2),
        theme="kjjy",
        genre="tz",
        keywords="草稿",
        live=False,
    )
    column(group["jyj"], "zwgk").add_child(instance=draft)
    titles = rows(get(client, portal_catalogue))
    assert "关于开展冬季道路交通安全整治的通告" not in titles
    assert "尚未发布的草稿文件" not in titles
    assert len(titles) == 3


# --- Filters --------------------------------------------------------------------------------------


def test_unit_filter_on_the_portal(client, documents, portal_catalogue):
    response = get(client, portal_catalogue, params={"unit": "gaj"})
    assert rows(response) == ["关于开展冬季道路交通安全整治的通告", "2025年度户籍业务办理时间安排"]
    assert "发布机构：公安局" in response.content.decode()


def test_theme_filter(client, documents, portal_catalogue):
    assert rows(get(client, portal_catalogue, params={"theme": "gaaq"})) == [
        "关于开展冬季道路交通安全整治的通告",
        "2025年度户籍业务办理时间安排",
    ]


def test_genre_filter(client, documents, portal_catalogue):
    assert rows(get(client, portal_catalogue, params={"genre": "gfxwj"})) == ["即墨市中小学学籍管理办法"]


def test_year_filter_uses_the_publish_date(client, documents, portal_catalogue):
    assert rows(get(client, portal_catalogue, params={"year": "2025"})) == [
        "即墨市中小学学籍管理办法",
        "2025年度户籍业务办理时间安排",
    ]


def test_validity_filter(client, documents, portal_catalogue):
    assert rows(get(client, portal_catalogue, params={"validity": "repealed"})) == [
        "即墨市中小学学籍管理办法"
    ]
    assert rows(get(client, portal_catalogue, params={"validity": "valid"})) == [
        "关于开展冬季道路交通安全整治的通告",
        "关于做好2026年义务教育招生工作的通知",
    ]


@pytest.mark.parametrize(
    "keyword, expected",
    [
        ("义务教育招生", ["关于做好2026年义务教育招生工作的通知"]),  # title
        ("即教发〔2025〕", ["即墨市中小学学籍管理办法"]),  # 文号
        ("户籍", ["2025年度户籍业务办理时间安排"]),  # keywords (and title)
        ("交通", ["关于开展冬季道路交通安全整治的通告"]),
    ],
)
def test_keyword_search(client, documents, portal_catalogue, keyword, expected):
    assert rows(get(client, portal_catalogue, params={"q": keyword})) == expected


def test_search_by_index_number(client, documents, portal_catalogue):
    number = documents["old"].index_number
    assert rows(get(client, portal_catalogue, params={"q": number})) == ["即墨市中小学学籍管理办法"]


def test_search_by_keyword_only_in_the_keywords_field(client, documents, portal_catalogue):
    assert rows(get(client, portal_catalogue, params={"q": "学籍"})) == ["即墨市中小学学籍管理办法"]
    assert rows(get(client, portal_catalogue, params={"q": "招生"})) == [
        "关于做好2026年义务教育招生工作的通知"
    ]


def test_filters_combine(client, documents, portal_catalogue):
    response = get(client, portal_catalogue, params={"unit": "gaj", "year": "2026", "validity": "valid"})
    assert rows(response) == ["关于开展冬季道路交通安全整治的通告"]
    html = response.content.decode()
    # Each chosen condition can be removed on its own, keeping the others.
    assert "已选条件" in html
    assert "发布年份：2026年" in html
    assert re.search(r'href="[^"]*\?unit=gaj&amp;validity=valid"', html)
    assert rows(get(client, portal_catalogue, params={"unit": "gaj", "theme": "kjjy"})) == []
    assert (
        "没有符合条件的公开信息" in get(client, portal_catalogue, params={"theme": "nyls"}).content.decode()
    )


def test_invalid_filter_values_are_ignored(client, documents, portal_catalogue):
    response = get(
        client, portal_catalogue, params={"unit": "nowhere", "theme": "xx", "year": "20x6", "validity": "?"}
    )
    assert response.status_code == 200
    assert len(rows(response)) == 4


def test_facets_show_counts_that_apply_the_other_filters(client, documents, portal_catalogue):
    html = get(client, portal_catalogue).content.decode()
    assert re.search(r'>公安、安全、司法<span class="gk-count">2</span>', html)
    assert re.search(r'>科技、教育<span class="gk-count">2</span>', html)
    assert re.search(r'>2025年<span class="gk-count">2</span>', html)
    assert re.search(r'>2026年<span class="gk-count">2</span>', html)
    assert re.search(r'>废止<span class="gk-count">1</span>', html)
    assert re.search(r'>教育局<span class="gk-count">2</span>', html)
    assert re.search(r'>行政规范性文件<span class="gk-count">1</span>', html)
    # With 公安局 chosen, the theme counts are 公安局's; the unit facet still offers every unit.
    html = get(client, portal_catalogue, params={"unit": "gaj"}).content.decode()
    assert re.search(r'>公安、安全、司法<span class="gk-count">2</span>', html)
    assert "科技、教育<span" not in html
    assert re.search(r'>教育局<span class="gk-count">2</span>', html)


# --- Validity -------------------------------------------------------------------------------------


def test_repealed_and_expired_documents_are_clearly_marked(client, documents, portal_catalogue):
    html = get(client, portal_catalogue).content.decode()
    assert html.count('<span class="gk-validity gk-validity--repealed">已废止</span>') == 1
    assert html.count('<span class="gk-validity gk-validity--expired">已失效</span>') == 1
    row = re.search(r'<tr class="gk-row-repealed">.*?</tr>', html, re.S).group(0)
    assert "即墨市中小学学籍管理办法" in row and "已废止" in row


# --- Paging and query count -----------------------------------------------------------------------


def test_pages_keep_the_filters(client, group, documents):
    catalogue = add_catalogue(group["www"], group_wide=True, per_page=2)
    first = get(client, catalogue, params={"year": "2025"})
    assert len(rows(first)) == 2
    html = get(client, catalogue).content.decode()
    assert "第 1 页 / 共 2 页（4 条）" in html
    second = get(client, catalogue, params={"page": "2"})
    assert rows(second) == ["即墨市中小学学籍管理办法", "2025年度户籍业务办理时间安排"]
    add_document(
        group["gaj"], "另一份2025年的通知", publish_date=date(2025, 2, 1), written_date=date(2025, 2, 1)
    )
    html = get(client, catalogue, params={"year": "2025"}).content.decode()
    assert "?year=2025&amp;page=2" in html


def test_query_count_does_not_grow_with_documents_or_units(
    client, group, documents, portal_catalogue, django_assert_max_num_queries
):
    bound = 35
    get(client, portal_catalogue)  # warm the per-process caches (site root paths …)
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(bound):
        assert len(rows(get(client, portal_catalogue))) == 4
    # More units too: bare registry entries (no site of their own) publishing on 教育局's site.
    extra_units = [
        Organisation.objects.create(
            name=f"即墨市测试局{index}",
            short_name=f"测试局{index}",
            code=f"37028290{index}",
            label=f"cs{index}",
            kind=Organisation.Kind.DEPARTMENT,
        )
        for index in range(3)
    ]
    for index in range(12):
        unit = (group["jyj"], group["gaj"], group["lancun"], *extra_units)[index % 6]
        add_document(
            unit,
            f"批量文件{index}",
            under=unit if unit.site_id else group["jyj"],
            theme=("kjjy", "gaaq", "nyls")[index % 3],
            genre=("tz", "gg", "yj", "bg")[index % 4],
            publish_date=date(2024 + index % 3, 4, 1),
            written_date=date(2024 + index % 3, 4, 1),
        )
    get(client, portal_catalogue)
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(bound):
        assert len(rows(get(client, portal_catalogue))) == 16
    assert len(many) == len(few)
    with django_assert_max_num_queries(bound):
        filtered = get(client, portal_catalogue, params={"q": "批量", "unit": "lancun"})
        assert len(rows(filtered)) == 2
    assert re.search(r'>测试局2<span class="gk-count">2</span>', filtered.content.decode())


# --- Side menu and key projects -------------------------------------------------------------------


def test_side_menu_links_guide_request_query_and_projects(client, group, jyj_catalogue):
    guide = DisclosureGuidePage(
        title="即墨市教育局政府信息公开指南",
        slug="gkzn",
        organisation=group["jyj"],
        scope="<p>本机关主动公开和依申请公开的政府信息。</p>",
        proactive="<p>通过本网站公开。</p>",
        on_request="<p>网上提交申请。</p>",
        supervision="<p>可向市政府办公室举报。</p>",
        office="即墨市教育局办公室",
        address="即墨市蓝鳌路1号",
        office_hours="工作日 9:00-17:00",
        phone="0532-88510000",
    )
    column(group["jyj"], "zwgk").add_child(instance=guide)
    guide.save_revision().publish()
    html = get(client, jyj_catalogue).content.decode()
    base = jyj_catalogue.relative_url(jyj_catalogue.get_site())
    assert f'href="{guide.relative_url(guide.get_site())}"' in html
    for sub in ("request/", "request/query/", "projects/"):
        assert f'href="{base}{sub}"' in html
    assert "政府信息公开指南" in html and "依申请公开" in html and "重点工程 / 为民办实事" in html


def add_project(organisation, title, progress=(), **fields):
    values = {"kind": "key", "year": 2026, "target": "建成一所九年一贯制学校。", **fields}
    page = KeyProjectPage(
        title=title,
        slug=f"gk-project-{next(_slugs)}",
        organisation=organisation,
        progress=[
            ProjectProgress(reported_on=day, percent=percent, text=text) for day, percent, text in progress
        ],
        **values,
    )
    column(organisation, "zwgk").add_child(instance=page)
    page.save_revision().publish()
    return page


def test_projects_listing_shows_latest_progress_and_links(client, group, jyj_catalogue, portal_catalogue):
    school = add_project(
        group["jyj"],
        "城北学校建设工程",
        progress=[(date(2026, 6, 1), 30, "主体开工。"), (date(2026, 10, 1), 75, "主体封顶。")],
    )
    add_project(group["gaj"], "智慧安防小区建设", kind="livelihood")
    response = get(client, jyj_catalogue, "projects/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "城北学校建设工程" in html and "智慧安防小区建设" not in html
    assert "完成进度 75%" in html and 'width="75"' in html
    assert "截至2026年10月1日" in html
    assert f'href="{school.get_url()}"' in html or f'href="{school.relative_url(school.get_site())}"' in html
    # The portal lists every unit's projects; the kind filter narrows them.
    html = get(client, portal_catalogue, "projects/").content.decode()
    assert "城北学校建设工程" in html and "智慧安防小区建设" in html and "暂未报送进展" in html
    html = get(client, portal_catalogue, "projects/", {"kind": "livelihood"}).content.decode()
    assert "城北学校建设工程" not in html and "智慧安防小区建设" in html


def test_projects_listing_query_count_is_bounded(
    client, group, portal_catalogue, django_assert_max_num_queries
):
    for index in range(2):
        add_project(group["jyj"], f"项目{index}", progress=[(date(2026, 5, 1), 10, "开工。")])
    get(client, portal_catalogue, "projects/")
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(30):
        get(client, portal_catalogue, "projects/")
    for index in range(6):
        add_project(group["gaj"], f"更多项目{index}", progress=[(date(2026, 5, 1), 20, "开工。")])
    get(client, portal_catalogue, "projects/")
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(30):
        assert get(client, portal_catalogue, "projects/").content.decode().count("完成进度 20%") == 6
    assert len(many) == len(few)
