"""Querying: a plain full-text index misses Chinese words that ours finds; pinyin, synonyms, the
直达 box, filters, sorting, pagination, highlighting, suggestions, and input that must never fail."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from search import engine
from search.engine import search
from search.models import SearchDocument, Synonym
from subsite_pages.models import ColumnPage
from tests.factories.services import add_item
from tests.factories.site_group import column
from tests.search import committed, publish_article
from workflows import syndication as rules

pytestmark = pytest.mark.django_db

RAW = "关于规范住房公积金提取业务的通知"


def titles(results):
    return [hit.document.title for hit in results.hits]


def test_a_plain_full_text_index_misses_a_word_inside_han_text_and_ours_finds_it(group):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # FTS5 with its default unicode61 tokenizer over the raw text: the whole run is one token.
            cursor.execute("CREATE VIRTUAL TABLE temp.plain_fts USING fts5(body)")
            cursor.execute("INSERT INTO temp.plain_fts(body) VALUES (%s)", [RAW])
            cursor.execute("SELECT count(*) FROM temp.plain_fts WHERE plain_fts MATCH %s", ['"公积金"'])
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT count(*) FROM temp.plain_fts WHERE plain_fts MATCH %s", [f'"{RAW}"'])
            assert cursor.fetchone()[0] == 1
            cursor.execute("DROP TABLE temp.plain_fts")
        else:
            # PostgreSQL's parser with the 'simple' configuration over the raw text.
            cursor.execute(
                "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', %s), "
                "to_tsvector('simple', %s) @@ to_tsquery('simple', %s)",
                [RAW, "公积金", RAW, RAW],
            )
            assert cursor.fetchone() == (False, True)
    publish_article(column(group["jyj"], "tzgg"), RAW)
    results = search("公积金")
    assert titles(results) == [RAW]
    assert results.hits[0].title_html == "关于规范住房<em>公积金</em>提取业务的通知"


def test_pinyin_finds_the_chinese_word(group):
    Synonym.objects.create(words="公积金 住房公积金")
    publish_article(column(group["jyj"], "tzgg"), RAW)
    for query in ("gongjijin", "GongJiJin", "gong ji jin"):
        results = search(query)
        assert titles(results) == [RAW], query
        assert "<em>住房公积金</em>" in results.hits[0].title_html


def test_synonyms_find_each_other_in_both_directions(group):
    Synonym.objects.create(words="社保 社会保险")
    publish_article(
        column(group["gaj"], "tzgg"), "社会保险缴费基数调整的通知", "今年起社会保险缴费基数按新标准执行。"
    )
    publish_article(column(group["jyj"], "tzgg"), "社保卡线上补办指南", "社保卡丢失后可在网上补办。")
    assert set(titles(search("社保"))) == {"社会保险缴费基数调整的通知", "社保卡线上补办指南"}
    assert "社会保险缴费基数调整的通知" in titles(search("社会保险"))
    Synonym.objects.update(enabled=False)
    Synonym.objects.first().save()  # the dictionary reloads on save
    assert titles(search("社保")) == ["社保卡线上补办指南"]


def test_service_guides_come_first_and_fill_the_direct_box(group):
    with committed():
        item = add_item(title="小学一年级新生入学登记")
    publish_article(column(group["jyj"], "tzgg"), "关于做好2027年小学一年级新生入学登记工作的通知")
    results = search("入学登记")
    assert results.total == 2
    assert results.hits[0].document.source == f"services.serviceitempage:{item.pk}"
    assert [hit.document.kind for hit in results.direct] == ["service"]
    assert search("入学登记", offset=1).direct == []
    assert search("入学登记", kinds=["article"]).direct[0].document.kind == "service"


def test_every_word_must_match_and_otherwise_any_word(group):
    results = search("冬季 安全")
    assert results.match_all and set(titles(results)) == {
        "即墨市召开冬季安全生产工作会议",
        "市教育局部署冬季校园安全工作",
    }
    fallback = search("冬季 无此词语")
    assert not fallback.match_all and fallback.total == 3
    # A word found nowhere is dropped before falling back to any word.
    assert titles(search("冬季 安全 无此词语")) == titles(results)
    any_word = search("取暖 食品")  # each occurs, never together
    assert not any_word.match_all and any_word.total == 2


def test_numbers_with_their_measure_word_match_exactly(group):
    publish_article(column(group["www"], "tzgg"), "12路公交线路临时调整的通告")
    publish_article(column(group["www"], "tzgg"), "关于12月份路灯检修的通知", "检修路段：通济路。")
    assert titles(search("12路公交")) == ["12路公交线路临时调整的通告"]
    assert titles(search("12路")) == ["12路公交线路临时调整的通告"]


def test_newer_content_ranks_first_among_equals(group):
    tzgg = column(group["jyj"], "tzgg")
    publish_article(tzgg, "幼儿园招生工作的通告", days_ago=400)
    publish_article(tzgg, "幼儿园招生工作的通告", days_ago=3)
    hits = search("幼儿园招生").hits
    assert len(hits) == 2 and hits[0].document.date > hits[1].document.date
    assert hits[0].score > hits[1].score


def test_unit_names_find_their_units_content(group):
    results = search("教育局 通知")
    assert "关于2027年春季学期开学工作的通知" in titles(results)
    assert all(hit.document.organisation == group["jyj"] for hit in results.hits)


def test_scope_site_kind_unit_and_date_filters(group):
    portal_site = group["www"].site
    assert search("冬季").total == 3
    site_only = search("冬季", site=portal_site, scope="site")
    assert site_only.total == 3 and {hit.document.site_id for hit in site_only.hits} == {portal_site.pk}
    assert search("冬季", site=group["jyj"].site, scope="site").total == 0
    assert search("冬季", site=group["jyj"].site).total == 3  # scope defaults to the whole group
    assert titles(search("安全", organisation_ids=[group["jyj"].pk])) == ["市教育局开展校园食品安全专项检查"]
    assert search("安全", organisation_ids=["x", None, -3]).total == 3
    assert search("安全", kinds=["service"]).total == 0
    assert search("安全", kinds=["article", "nonsense"]).total == 3
    today = timezone.localdate()
    recent = search("冬季", date_from=today - timedelta(days=2))
    assert titles(recent) == ["即墨市召开冬季安全生产工作会议"]
    older = search("冬季", date_to=today - timedelta(days=2))
    assert set(titles(older)) == {"市教育局部署冬季校园安全工作", "蓝村镇完成冬季取暖设施排查"}
    assert search("冬季", date_from="2026-13-45", date_to="not a date").total == 3
    assert search("冬季", date_from="2026-13-45 25:61", date_to=date.max).total == 3
    assert (
        search(
            "冬季",
            date_from=str(today - timedelta(days=1)),
            kinds="article",
            organisation_ids=group["www"].pk,
        ).total
        == 1
    )
    policy_column = ColumnPage.objects.child_of(group["jyj"].site.root_page).get(slug="zcwj")
    publish_article(policy_column, "即墨市教育局冬季校车安全管理办法")
    assert titles(search("冬季", kinds=["policy"])) == ["即墨市教育局冬季校车安全管理办法"]


def test_approved_syndications_count_as_the_target_sites_own_rejected_ones_do_not(group):
    jyj, portal, users = group["jyj"], group["www"], group["users"]
    articles = []
    for title in ("教育局冬季供暖保障报送信息", "教育局冬季供暖检查报送信息"):
        article = publish_article(column(jyj, "gzdt"), title)
        article.syndication_targets.set([column(portal, "bmdt")])
        with committed():
            article.save_revision(user=users["jyj_admin"]).publish()
        articles.append(article)
    approved, rejected = (article.syndications.get() for article in articles)
    assert search("供暖", site=portal.site, scope="site").total == 0  # both pending
    rules.approve(approved.pk, users["portal_admin"])
    rules.reject(rejected.pk, users["portal_admin"], "不符合要求")
    on_portal = search("供暖", site=portal.site, scope="site")
    assert titles(on_portal) == ["教育局冬季供暖保障报送信息"]
    assert on_portal.hits[0].document.url.startswith(jyj.site.root_url)  # the canonical address
    assert search("供暖", site=jyj.site, scope="site").total == 2
    assert search("供暖").total == 2  # one row per article, wherever it is shown
    assert SearchDocument.objects.filter(title__contains="供暖").count() == 2


def test_sort_by_date_and_pagination(group):
    by_date = search("冬季", sort="date")
    assert titles(by_date) == [
        "即墨市召开冬季安全生产工作会议",
        "市教育局部署冬季校园安全工作",
        "蓝村镇完成冬季取暖设施排查",
    ]
    first, second = search("冬季", sort="date", limit=2), search("冬季", sort="date", offset=2, limit=2)
    assert first.total == second.total == 3
    assert titles(first) + titles(second) == titles(by_date)
    assert search("冬季", offset=50).hits == [] and search("冬季", offset=50).total == 3
    for offset, limit in (("abc", "x"), (-5, -1), (10**9, 10**9), (None, None)):
        results = search("冬季", offset=offset, limit=limit)
        assert 0 <= results.offset <= engine.MAX_OFFSET and 1 <= results.limit <= engine.MAX_LIMIT
    assert search("冬季", sort="'; DROP TABLE x; --").sort == "relevance"


def test_titles_and_snippets_are_escaped_and_highlighted(group):
    publish_article(
        column(group["jyj"], "tzgg"),
        "<script>alert(1)</script>公积金<b>通知</b>",
        "前言" * 80 + "。本市住房公积金&lt;img src=x onerror=alert(1)&gt;提取政策调整。" + "后记" * 80,
    )
    hit = search("公积金").hits[0]
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt;<em>公积金</em>&lt;b&gt;通知&lt;/b&gt;"
    assert "<script" not in hit.snippet_html and "<img" not in hit.snippet_html
    assert "住房<em>公积金</em>&lt;img src=x onerror=alert(1)&gt;提取" in hit.snippet_html
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")
    assert len(hit.snippet_html) < engine.SNIPPET_CHARS + 200


def test_suggestions_when_nothing_matches(group):
    Synonym.objects.create(words="公积金 住房公积金")
    publish_article(column(group["jyj"], "tzgg"), RAW)
    for typo in ("公鸡金", "gongjjin", "gongjijing"):
        results = search(typo)
        assert results.total == 0 and results.suggestion in {"公积金", "住房公积金"}, typo
    assert search("公积金").suggestion is None
    assert search("qwertyuiop").suggestion is None


BAD_INPUT = [
    "",
    "   ",
    "公积金" * 700,
    "x" * 2000,
    "！？。，、；：“”‘’（）《》……——",
    '"',
    '"公积金',
    "*",
    "公积*",
    "(",
    "((冬季",
    ")",
    "NEAR",
    "NEAR(冬季 安全)",
    "OR",
    "AND",
    "NOT",
    "冬季 OR",
    "冬季 AND NOT 安全",
    "-",
    "-冬季",
    "^",
    "^冬季",
    ":",
    "title_terms:冬季",
    "body_terms : 冬季",
    "{冬季}",
    "冬季 + 安全",
    "'",
    "' OR 1=1 --",
    "'; DROP TABLE search_searchdocument; --",
    "冬季 & 安全 | !x <-> y",
    "\\",
    "%_%",
    "<script>alert('冬季')</script>",
    "<b>冬季</b>",
    "&lt;冬季&gt;",
    "😀",
    "冬季😀安全",
    "👨‍👩‍👧 🇨🇳",
    "\x00冬季\x1f",
    "\u200b\ufeff",
    "ＮＥＡＲ（冬季）",
    None,
    12345,
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_never_raises(group, query):
    results = search(query, site=group["www"].site, scope="site", sort="date", offset="-1", limit="abc")
    assert results.total >= 0 and len(results.hits) <= results.limit
    for hit in results.hits:
        assert "<script" not in hit.title_html and "<script" not in hit.snippet_html
    assert len(results.query) <= 100


def test_query_syntax_characters_are_searched_as_words(group):
    # "and" and "not" are plain words found nowhere: they are dropped, 冬季 and 安全 remain.
    assert search('"冬季" AND NOT "安全"').total == 2
    assert search("冬季*").total == 3
    assert search("NEAR(冬季 安全)").total == 2


def test_results_report_the_terms_and_the_backend(group):
    results = search("冬季 安全")
    assert results.terms == ["冬季", "安全"]
    assert results.backend == connection.vendor
    assert results.elapsed_ms > 0


def test_fts_and_tsquery_expressions_quote_every_word():
    groups = [[("a",), ("b", 'c"d')], [("e'f",)]]
    assert engine.fts_query(groups) == '("a" OR ("b" AND "c""d")) AND ("e\'f")'
    assert engine.fts_query(groups, match_all=False) == '("a" OR ("b" AND "c""d")) OR ("e\'f")'
    assert engine.tsquery(groups) == "('a' | ('b' & 'c\"d')) & ('e''f')"
    assert engine.fts_query([]) == "" and engine.tsquery([[()]]) == ""
