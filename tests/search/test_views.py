"""The public search page and the click redirect: results from the real engine over published
content, scope and filters, sort, pagination, 直达, 推荐, suggestions, 热门搜索, every kind of bad
input, query logging with its rate limit, and redirects that never leave the site group."""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from search import views
from search.forms import clean_query, normalise_query
from search.models import ClickLog, Promotion, QueryLog
from tests.factories import services as service_factory
from tests.factories.site_group import add_article, column, group_fixture

pytestmark = pytest.mark.django_db

DOMAIN = settings.PORTAL_DOMAIN
WWW = f"www.{DOMAIN}"
JYJ = f"jyj.{DOMAIN}"


def index(*objects):
    from search.indexing import index_object

    for obj in objects:
        index_object(obj)


def article(organisation, slug, title, days_ago=1, **fields):
    page = add_article(column(organisation, slug), title, days_ago=days_ago, **fields)
    index(page)
    return page


@pytest.fixture
def g(db):
    return group_fixture()


def get(client, host=WWW, _ip="10.0.0.1", **params):
    return client.get("/search/", params, HTTP_HOST=host, REMOTE_ADDR=_ip)


def titles(response):
    return [hit["title_html"].replace("<em>", "").replace("</em>", "") for hit in response.context["hits"]]


# --- Results ---------------------------------------------------------------------------------------


def test_a_published_article_is_found_with_highlight_site_type_and_date(client, g):
    page = article(g["jyj"], "tzgg", "关于住房公积金提取业务调整的通知", days_ago=2)
    response = get(client, q="公积金")
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(response) == ["关于住房公积金提取业务调整的通知"]
    hit = response.context["hits"][0]
    assert "<em>公积金</em>" in hit["title_html"]
    assert hit["kind"] == "信息" and hit["source"] == "教育局"
    day = timezone.localtime(page.publish_date)
    assert f"{day.year}年{day.month}月{day.day}日" in html
    assert "找到约 1 条结果" in html
    assert "<em>公积金</em>" in html  # highlighted in the page, not escaped
    # The result links through the click counter to the article itself.
    link = urlsplit(hit["href"])
    assert link.path == "/search/click/"
    assert parse_qs(link.query)["url"] == [hit["url"]]
    assert hit["url"] in (page.full_url, page.url)


def test_the_page_is_never_cached_publicly_and_not_indexed(client, g):
    for response in (get(client), get(client, q="公积金")):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]


def test_only_get_and_head(client, g):
    assert client.head("/search/", {"q": "公积金"}, HTTP_HOST=WWW).status_code == 200
    assert client.post("/search/", {"q": "公积金"}, HTTP_HOST=WWW).status_code == 405
    assert client.post("/search/click/", {"url": "/"}, HTTP_HOST=WWW).status_code == 405


def test_every_site_of_the_group_has_the_page_and_the_header_box(client, g):
    for host in (WWW, JYJ, f"lancun.{DOMAIN}"):
        assert get(client, host=host).status_code == 200
        html = client.get("/", HTTP_HOST=host).content.decode()
        assert 'action="/search/"' in html and "站内搜索" in html and 'name="q"' in html
    # The search page leaves the header box out: one search form is enough.
    assert 'class="site-search"' not in get(client).content.decode()


def test_scope_site_only_shows_this_sites_documents(client, g):
    article(g["jyj"], "tzgg", "教育局防汛抗旱值班安排")
    article(g["gaj"], "gzdt", "公安局防汛抗旱安全提示")
    group = get(client, host=JYJ, q="防汛抗旱")
    assert sorted(titles(group)) == ["公安局防汛抗旱安全提示", "教育局防汛抗旱值班安排"]
    site = get(client, host=JYJ, q="防汛抗旱", scope="site")
    assert titles(site) == ["教育局防汛抗旱值班安排"]
    assert "（本站）" in site.content.decode()
    assert get(client, host=f"gaj.{DOMAIN}", q="防汛抗旱", scope="site").context["total"] == 1
    # An unknown scope is the default (the whole group).
    assert get(client, host=JYJ, q="防汛抗旱", scope="everything").context["total"] == 2


def test_filter_by_unit_type_and_time(client, g):
    article(g["jyj"], "tzgg", "义务教育入学政策解读", days_ago=3)
    article(g["gaj"], "gzdt", "户籍与入学政策答问", days_ago=40)
    article(g["lancun"], "gzdt", "蓝村镇入学政策宣传", days_ago=400)
    item = service_factory.add_item(label="jyj", title="入学政策咨询登记", slug="rxzc")
    index(item)
    everything = get(client, q="入学政策")
    assert everything.context["total"] == 4

    assert titles(get(client, q="入学政策", org="gaj")) == ["户籍与入学政策答问"]
    assert get(client, q="入学政策", org="no-such-unit").context["total"] == 4  # ignored
    assert get(client, q="入学政策", org="<script>").context["total"] == 4

    services = get(client, q="入学政策", kind="service")
    assert titles(services) == ["入学政策咨询登记"] and services.context["hits"][0]["kind"] == "办事指南"
    articles = get(client, q="入学政策", kind="article")
    assert articles.context["total"] == 3
    assert get(client, q="入学政策", kind="bogus").context["total"] == 4

    week = get(client, q="入学政策", kind="article", range="week")
    assert titles(week) == ["义务教育入学政策解读"]
    assert get(client, q="入学政策", kind="article", range="month").context["total"] == 1
    assert get(client, q="入学政策", kind="article", range="year").context["total"] == 2
    today = timezone.localdate()
    custom = get(
        client,
        q="入学政策",
        kind="article",
        range="custom",
        date_from=(today - timedelta(days=41)).isoformat(),
        date_to=(today - timedelta(days=39)).isoformat(),
    )
    assert titles(custom) == ["户籍与入学政策答问"]
    # Dates without choosing 自定义 still count; reversed dates are swapped and said so.
    reversed_dates = get(
        client,
        q="入学政策",
        kind="article",
        date_from=(today - timedelta(days=39)).isoformat(),
        date_to=(today - timedelta(days=41)).isoformat(),
    )
    assert titles(reversed_dates) == ["户籍与入学政策答问"]
    assert "已对调" in reversed_dates.content.decode()
    bad = get(client, q="入学政策", kind="article", date_from="2026-13-45", date_to="昨天")
    assert bad.status_code == 200 and bad.context["total"] == 3
    assert "日期格式不正确" in bad.content.decode()
    # The form keeps every choice.
    html = get(client, q="入学政策", org="gaj", kind="article", range="month").content.decode()
    assert '<option value="gaj" selected>' in html
    assert '<option value="article" selected>' in html
    assert 'value="month" checked' in html


def test_sort_by_relevance_or_date(client, g):
    article(g["jyj"], "tzgg", "秸秆禁烧", days_ago=30)  # the title is the query: most relevant
    article(g["gaj"], "gzdt", "关于做好冬季各项工作的通知（含秸秆禁烧要求和其他事项的安排）", days_ago=1)
    by_relevance = titles(get(client, q="秸秆禁烧"))
    assert by_relevance[0] == "秸秆禁烧"
    by_date = get(client, q="秸秆禁烧", sort="date")
    assert titles(by_date)[0].startswith("关于做好冬季各项工作的通知")
    html = by_date.content.decode()
    assert '<strong aria-current="true">时间</strong>' in html
    assert get(client, q="秸秆禁烧", sort="'; DROP TABLE x;--").status_code == 200


@pytest.fixture
def twelve(g):
    for number in range(12):
        article(g["jyj"], "tzgg", f"校车安全检查情况通报第{number + 1}期", days_ago=number + 1)


@pytest.mark.parametrize(
    "page,shown",
    [
        ("1", 1),
        ("2", 2),
        ("3", 2),  # beyond the last page: the last page
        ("999999999999999999999999", 2),
        ("0", 1),
        ("-3", 1),
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("２", 2),  # a full-width digit is still a digit
        ("1e3", 1),
        ("%00", 1),
    ],
)
def test_pagination_edge_cases(client, twelve, page, shown):
    response = get(client, q="校车安全检查", page=page, sort="date")
    assert response.status_code == 200
    assert response.context["pages"]["number"] == shown
    assert len(response.context["hits"]) == (10 if shown == 1 else 2)
    html = response.content.decode()
    assert f"第 {shown} 页 / 共 2 页" in html
    if shown == 1:
        assert "page=2" in html and "尾页" in html


def test_later_pages_keep_the_filters_and_count_clicks_for_the_first_search(client, twelve):
    first = get(client, q="校车安全检查", sort="date", kind="article")
    log = QueryLog.objects.get()
    next_link = [part for part in first.content.decode().split('"') if "page=2" in part][0]
    query = parse_qs(urlsplit(next_link.replace("&amp;", "&")).query)
    assert query["sort"] == ["date"] and query["kind"] == ["article"] and query["log"] == [str(log.pk)]
    second = client.get("/search/?" + urlsplit(next_link.replace("&amp;", "&")).query, HTTP_HOST=WWW)
    assert QueryLog.objects.count() == 1  # paging is not a new search
    href = second.context["hits"][0]["href"]
    assert parse_qs(urlsplit(href).query)["log"] == [str(log.pk)]
    assert parse_qs(urlsplit(href).query)["pos"] == ["11"]


def test_results_with_only_some_of_the_words_are_labelled(client, g):
    article(g["jyj"], "tzgg", "住房公积金提取须知")
    response = get(client, q="公积金 火星基地")
    assert titles(response) == ["住房公积金提取须知"]
    assert "以下结果只包含其中部分词语" in response.content.decode()
    assert "以下结果只包含其中部分词语" not in get(client, q="公积金 提取").content.decode()


# --- 直达, 推荐, suggestions, 热门搜索 --------------------------------------------------------------------


def test_direct_box_shows_service_guides_with_their_department(client, g):
    item = service_factory.add_item(label="jyj", title="小学一年级新生入学登记", slug="xsrx")
    index(item)
    article(g["www"], "jmyw", "我市小学一年级新生入学登记工作启动")
    response = get(client, q="新生入学登记")
    direct = response.context["direct"]
    assert [entry["title"] for entry in direct] == ["小学一年级新生入学登记"]
    assert direct[0]["unit"] == "教育局" and direct[0]["kind"] == "办事指南"
    html = response.content.decode()
    assert "直达" in html and html.index("直达") < html.index("ss-hits")
    assert "教育局" in html.split("直达", 1)[1].split("</section>", 1)[0]


def test_direct_box_and_promotions_only_on_the_first_page(client, twelve):
    item = service_factory.add_item(label="jyj", title="校车安全检查备案", slug="xcaq")
    index(item)
    Promotion.objects.create(query="校车安全检查", title="校车安全专题", url="/xcaq/")
    first = get(client, q="校车安全检查")
    assert first.context["direct"] and first.context["promotions"]
    second = get(client, q="校车安全检查", page="2")
    assert second.context["pages"]["number"] == 2
    assert not second.context["direct"] and not second.context["promotions"]


def test_promotions_for_the_query_come_first_while_active(client, g):
    article(g["jyj"], "tzgg", "住房公积金缴存比例调整")
    now = timezone.now()
    Promotion.objects.create(query="公积金", title="住房公积金业务办理入口", url="/bsfw/gjj/", sort_order=1)
    Promotion.objects.create(
        query="公积金",
        title="公积金政策问答",
        url=f"http://www.{DOMAIN}/zcwd/",
        description="常见问题",
        sort_order=0,
    )
    Promotion.objects.create(
        query="公积金", title="已过期的推荐", url="/old/", ends_at=now - timedelta(days=1)
    )
    Promotion.objects.create(
        query="公积金", title="尚未开始的推荐", url="/new/", starts_at=now + timedelta(days=1)
    )
    Promotion.objects.create(query="社保", title="别的搜索词", url="/sb/")
    response = get(client, q="  公积金 ")
    promoted = [item["title"] for item in response.context["promotions"]]
    assert promoted == ["公积金政策问答", "住房公积金业务办理入口"]
    html = response.content.decode()
    assert html.count(">推荐<") == 2
    assert html.index("公积金政策问答") < html.index("缴存比例调整")
    # Matched on the normalised query: case and spaces do not matter.
    Promotion.objects.create(query="gjj", title="拼音缩写推荐", url="/gjj/")
    assert [p["title"] for p in get(client, q=" GJJ ").context["promotions"]] == ["拼音缩写推荐"]


def test_suggestion_link_when_nothing_matches(client, g, monkeypatch):
    from search import engine

    article(g["jyj"], "tzgg", "住房公积金提取须知")
    real = engine.search

    def with_suggestion(query, **kwargs):
        results = real(query, **kwargs)
        if not results.total:
            results.suggestion = "公积金"
        return results

    monkeypatch.setattr(engine, "search", with_suggestion)
    response = get(client, q="公基金", scope="site")
    html = response.content.decode()
    assert "您是不是要找" in html
    assert response.context["suggestion_url"] == "?q=%E5%85%AC%E7%A7%AF%E9%87%91&scope=site"
    assert "没有找到与" in html


def test_the_engines_own_suggestion_is_linked(client, g):
    from search.models import Synonym

    Synonym.objects.create(words="公积金 住房公积金")  # dictionary words the engine suggests from
    article(g["jyj"], "tzgg", "住房公积金提取须知")
    response = get(client, q="gongjijn")  # pinyin with a letter missing
    assert response.status_code == 200
    assert response.context["total"] == 0
    suggestion = response.context["suggestion"]
    assert suggestion in ("公积金", "住房公积金")
    html = response.content.decode()
    assert "您是不是要找" in html and f'href="?{urlencode({"q": suggestion})}"' in html


def test_hot_searches_on_the_empty_page_and_under_the_box(client, g):
    for query, count, results in (("公积金", 5, 3), ("社保", 3, 2), ("没结果的词", 9, 0)):
        for _ in range(count):
            QueryLog.objects.create(query=query, results=results)
    QueryLog.objects.create(query="很久以前", results=1, created_at=timezone.now() - timedelta(days=40))
    empty = get(client)
    assert empty.status_code == 200
    assert [word for word, _url in empty.context["hot"]] == ["公积金", "社保"]
    html = empty.content.decode()
    assert "热门搜索" in html and "?q=%E5%85%AC%E7%A7%AF%E9%87%91" in html
    assert "没结果的词" not in html and "很久以前" not in html
    assert not empty.context["searched"]
    assert "热门搜索" in get(client, q="任何词").content.decode()


# --- Bad input -----------------------------------------------------------------------------------

BAD_QUERIES = [
    "",
    "   ",
    "公" * 2000,
    "公积金" + "a" * 1997,
    "！！！？？？。。。",
    "!!!???...",
    '"',
    '"公积金',
    "公积金*",
    "*",
    "(",
    ")",
    "(公积金",
    "公积金 OR 社保",
    "NEAR(公积金 社保)",
    "公积金 AND NOT",
    "title_terms:公积金",
    "^公积金",
    "公积金 -社保",
    "' OR 1=1 --",
    "'; DROP TABLE search_searchdocument; --",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    "<b>公积金</b>",
    "&lt;em&gt;",
    "😀",
    "😀公积金👍🏻",
    "👨‍👩‍👧",
    "\u200b\u200d",
    "公\x00积金",
    "\t\n\r",
    "ＧＯＮＧＪＩＪＩＮ",
    "gong ji jin",
    "a",
    "的",
    "1",
    "{}[]",
    "{{ settings.SECRET_KEY }}",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_gives_a_normal_page(client, g, query):
    article(g["jyj"], "tzgg", "住房公积金提取须知")
    response = get(client, q=query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "test-secret-key" not in html
    assert 'id="ss-q"' in html  # the form is always there
    if response.context["params"].q:
        assert len(response.context["params"].q) <= 100


@pytest.mark.parametrize(
    "params",
    [
        {"q": "公积金", "scope": ["site", "group"]},
        {"q": ["公积金", "社保"]},
        {"q": "公积金", "kind": ["article", "service", "x" * 500] * 20},
        {"q": "公积金", "org": "x" * 5000},
        {"q": "公积金", "range": "week", "date_from": "x" * 300},
        {"q": "公积金", "date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"q": "公积金", "date_from": "2026-02-30"},
        {"q": "公积金", "page": "9" * 5000},
        {"q": "公积金", "log": "abc"},
        {"q": "公积金", "page": "2", "log": "99999999999999999999"},
        {"q": "公积金", "sort": ["date", "relevance"]},
    ],
)
def test_crafted_parameters_give_a_normal_page(client, g, params):
    response = client.get("/search/", params, HTTP_HOST=WWW)
    assert response.status_code == 200


def test_long_query_is_cut_to_100_characters_and_said_so(client, g):
    response = get(client, q="住房公积金" * 400)
    assert response.status_code == 200
    assert len(response.context["params"].q) == 100
    assert "搜索词过长" in response.content.decode()
    assert len(QueryLog.objects.get().query) == 100


def test_punctuation_only_is_explained_and_not_logged(client, g):
    response = get(client, q="？？？！！！")
    assert "请输入要查找的汉字、字母或数字" in response.content.decode()
    assert not response.context["searched"]
    assert not QueryLog.objects.exists()


def test_html_in_the_query_is_escaped_everywhere(client, g):
    article(g["jyj"], "tzgg", "住房公积金提取须知")
    response = get(client, q='<img src=x onerror=alert(1)> 公积金 "')
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- Query log ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,logged",
    [
        ("  GongJiJin   提取  ", "gongjijin 提取"),
        ("社保\t\n查询", "社保 查询"),
        ("ＡＢＣ　公积金", "abc 公积金"),
        ("Ünïcödé ABC", "Ünïcödé abc"),
        ("x" * 150, "x" * 100),
    ],
)
def test_queries_are_logged_normalised(client, g, typed, logged):
    get(client, q=typed)
    log = QueryLog.objects.get()
    assert log.query == logged == normalise_query(typed)
    assert log.scope == "group"
    assert log.site.hostname == WWW


def test_log_records_results_site_and_scope(client, g):
    article(g["jyj"], "tzgg", "住房公积金提取须知")
    get(client, host=JYJ, q="公积金", scope="site")
    get(client, host=JYJ, q="没有这样的内容呀")
    found, missing = QueryLog.objects.order_by("pk")
    assert (found.results, found.scope, found.site.hostname) == (1, "site", JYJ)
    assert missing.results == 0 and missing.scope == "group"


def test_empty_searches_bots_and_later_pages_are_not_logged(client, g):
    get(client)
    get(client, q="   ")
    get(client, q="公积金", page="2")
    client.get(
        "/search/",
        {"q": "公积金"},
        HTTP_HOST=WWW,
        HTTP_USER_AGENT="Mozilla/5.0 (compatible; Baiduspider/2.0)",
    )
    assert not QueryLog.objects.exists()


def test_logging_is_rate_limited_per_address_but_searching_is_not(client, g):
    for _ in range(views.LOG_LIMIT + 5):
        assert get(client, q="公积金", _ip="10.1.1.1").status_code == 200
    assert QueryLog.objects.count() == views.LOG_LIMIT
    # The last searches still worked, without a log (and so without click tracking).
    response = get(client, q="公积金", _ip="10.1.1.1")
    assert response.status_code == 200 and response.context["searched"]
    get(client, q="公积金", _ip="10.1.1.2")
    assert QueryLog.objects.count() == views.LOG_LIMIT + 1


def test_clean_query_helpers():
    assert clean_query("  a \u3000 b\x00c ") == "a bc"
    assert clean_query("公" * 300) == "公" * 100
    assert normalise_query("ABC 公积金 ÀB") == "abc 公积金 Àb"


# --- Click redirect --------------------------------------------------------------------------------


def click(client, url, log=None, pos=1, host=WWW, **extra):
    params = {"url": url, "pos": pos}
    if log is not None:
        params["log"] = log
    return client.get("/search/click/", params, HTTP_HOST=host, **extra)


@pytest.mark.parametrize(
    "url",
    ["/jmyw/a1/", f"http://jyj.{DOMAIN}/tzgg/a2/", f"https://www.{DOMAIN}/bsfw/?q=1#x", f"http://{DOMAIN}/"],
)
def test_click_is_recorded_and_redirects_inside_the_group(client, g, url):
    log = QueryLog.objects.create(query="公积金", results=3)
    response = click(client, url, log=log.pk, pos=3)
    assert response.status_code == 302 and response["Location"] == url
    assert "no-store" in response["Cache-Control"]
    record = ClickLog.objects.get()
    assert (record.query_log_id, record.url, record.position) == (log.pk, url, 3)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        f"https://www.{DOMAIN}.evil.example/",
        f"https://www.{DOMAIN}@evil.example/",
        f"https://evil.example/www.{DOMAIN}",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http:evil.example",
        "http:/evil.example",
        "https://evil.example:443@www.x/",
        "/ok\r\nLocation: https://evil.example/",
        " https://evil.example/",
        "",
        "tzgg/a1/",
        "x" * 600,
    ],
)
def test_click_refuses_to_redirect_outside_the_group(client, g, url):
    log = QueryLog.objects.create(query="公积金", results=3)
    response = click(client, url, log=log.pk)
    assert response.status_code == 400
    assert "Location" not in response
    assert not ClickLog.objects.exists()


def test_click_without_a_valid_log_still_redirects_but_records_nothing(client, g):
    old = QueryLog.objects.create(query="公积金", results=3, created_at=timezone.now() - timedelta(days=3))
    for log in (None, "abc", "999999", old.pk, "-1"):
        response = click(client, "/jmyw/", log=log)
        assert response.status_code == 302 and response["Location"] == "/jmyw/"
    assert click(client, "/jmyw/", log=old.pk, pos="x").status_code == 302
    assert not ClickLog.objects.exists()
    assert client.get("/search/click/", HTTP_HOST=WWW).status_code == 400


def test_click_logging_is_rate_limited(client, g):
    log = QueryLog.objects.create(query="公积金", results=3)
    for _ in range(views.CLICK_LIMIT + 3):
        assert click(client, "/jmyw/", log=log.pk, REMOTE_ADDR="10.2.2.2").status_code == 302
    assert ClickLog.objects.count() == views.CLICK_LIMIT


def test_result_clicks_end_up_in_the_analytics(client, g):
    from search import analytics

    article(g["jyj"], "tzgg", "住房公积金提取须知")
    response = get(client, q="公积金")
    href = response.context["hits"][0]["href"]
    assert client.get(href, HTTP_HOST=WWW).status_code == 302
    [figures] = analytics.top_queries()
    assert (figures.query, figures.searches, figures.clicked) == ("公积金", 1, 1)
