"""Elasticsearch: the index settings, mappings and query bodies we send, tested without a server;
the backend against a stand-in client; live tests only when ELASTICSEARCH_URL is set."""

import json
import os
import uuid
from datetime import date

import pytest
from django.test import override_settings

from search import engine, indexing
from search.engine import es_index_settings, es_mappings, es_query
from search.models import SearchDocument, Synonym
from tests.factories.site_group import column
from tests.search import committed, publish_article
from workflows import syndication as rules

pytestmark = pytest.mark.django_db


def test_index_settings_use_smartcn_and_the_enabled_synonyms():
    Synonym.objects.create(words="社保 社会保险，社会保障")
    Synonym.objects.create(words="医保 医疗保险", enabled=False)
    Synonym.objects.create(words="公积金 a=>b")
    settings = es_index_settings()
    analysis = settings["analysis"]
    assert analysis["analyzer"]["portal_chinese"]["tokenizer"] == "smartcn_tokenizer"
    search_analyzer = analysis["analyzer"]["portal_chinese_search"]
    assert search_analyzer["tokenizer"] == "smartcn_tokenizer"
    assert search_analyzer["filter"] == ["lowercase", "portal_synonyms"]
    synonyms = analysis["filter"]["portal_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert synonyms["synonyms"] == ["社保, 社会保险, 社会保障"]  # disabled and malformed groups left out
    json.dumps(settings)


def test_without_synonyms_there_is_no_synonym_filter():
    settings = es_index_settings(synonyms=[])
    assert "filter" not in settings["analysis"]
    assert settings["analysis"]["analyzer"]["portal_chinese_search"]["filter"] == ["lowercase"]


def test_mappings_cover_every_field_we_send(group):
    mappings = es_mappings()
    properties = mappings["properties"]
    assert properties["title"]["analyzer"] == "portal_chinese"
    assert properties["title"]["search_analyzer"] == "portal_chinese_search"
    assert properties["title_terms"]["analyzer"] == "whitespace"
    assert properties["kind"]["type"] == "keyword" and properties["date"]["type"] == "date"
    row = SearchDocument.objects.first()
    assert set(engine.es_document(row)) == set(properties)
    json.dumps(engine.es_document(row))


def test_query_body_matches_title_and_body_with_filters_highlight_and_paging(group):
    Synonym.objects.create(words="公积金 住房公积金")
    body = es_query(
        "公积金 提取",
        site=group["jyj"].site,
        scope="site",
        kinds=["service", "bogus"],
        organisation_ids=[group["jyj"].pk],
        date_from=date(2026, 1, 1),
        date_to=date(2026, 12, 31),
        sort="date",
        offset=20,
        limit=10,
    )
    bool_query = body["query"]["function_score"]["query"]["function_score"]["query"]["bool"]
    ours, smartcn = bool_query["should"]
    assert smartcn["multi_match"] == {
        "query": "公积金 提取",
        "fields": ["title^3", "body"],
        "operator": "and",
    }
    first_group, second_group = ours["bool"]["must"]
    alternatives = [clause["multi_match"]["query"] for clause in first_group["bool"]["should"]]
    assert alternatives == ["公积金", "住房公积金"]
    assert second_group["bool"]["should"][0]["multi_match"]["fields"] == ["title_terms^3", "body_terms"]
    filters = bool_query["filter"]
    assert {"terms": {"kind": ["service"]}} in filters
    assert {"terms": {"organisation_id": [group["jyj"].pk]}} in filters
    assert {
        "range": {"date": {"gte": "2026-01-01T00:00:00+08:00", "lt": "2027-01-01T00:00:00+08:00"}}
    } in filters
    assert filters[0]["bool"]["should"] == [{"term": {"site_id": group["jyj"].site.pk}}]
    assert body["from"] == 20 and body["size"] == 10 and body["track_total_hits"] is True
    assert body["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}
    highlight = body["highlight"]
    assert highlight["pre_tags"] == ["<em>"] and highlight["encoder"] == "html"
    assert set(highlight["fields"]) == {"title", "body"}
    functions = body["query"]["function_score"]["query"]["function_score"]["functions"]
    freshness = body["query"]["function_score"]
    assert freshness["score_mode"] == "sum" and freshness["functions"][0] == {"weight": 1.0}
    assert freshness["functions"][1]["exp"]["date"]["origin"] == "now"
    assert {"field_value_factor": {"field": "boost", "missing": 1.0}} in functions
    assert {"filter": {"term": {"kind": "service"}}, "weight": engine.KIND_BOOST["service"]} in functions
    json.dumps(body)


def test_any_word_queries_and_relevance_sort():
    body = es_query("冬季 安全", match_all=False)
    bool_query = body["query"]["function_score"]["query"]["function_score"]["query"]["bool"]
    assert bool_query["should"][0]["bool"]["minimum_should_match"] == 1
    assert bool_query["should"][1]["multi_match"]["operator"] == "or"
    assert body["sort"][0] == "_score" and bool_query["filter"] == []


def test_site_scope_includes_approved_syndications(group):
    jyj, portal, users = group["jyj"], group["www"], group["users"]
    article = publish_article(column(jyj, "gzdt"), "教育局报送的冬季信息")
    article.syndication_targets.set([column(portal, "bmdt")])
    with committed():
        article.save_revision(user=users["jyj_admin"]).publish()
    site_filter = es_query("冬季", site=portal.site, scope="site")["query"]["function_score"]["query"][
        "function_score"
    ]["query"]["bool"]
    assert len(site_filter["filter"][0]["bool"]["should"]) == 1
    rules.approve(article.syndications.get().pk, users["portal_admin"])
    site_filter = es_query("冬季", site=portal.site, scope="site")["query"]["function_score"]["query"][
        "function_score"
    ]["query"]["bool"]
    assert {"terms": {"source": [f"subsite_pages.articlepage:{article.pk}"]}} in site_filter["filter"][0][
        "bool"
    ]["should"]


@pytest.mark.parametrize(
    "query", ["", '"*( NEAR OR', "<script>x</script>", "😀", "x" * 2000, None, "a=>b, c"]
)
def test_bad_input_gives_a_valid_body(query):
    body = es_query(query, offset="x", limit=-4, sort="nonsense", date_from="garbage")
    assert body["from"] == 0 and body["size"] == 1
    json.dumps(body)


class FakeClient:
    """Records what the backend sends; answers searches with the documents it was given."""

    def __init__(self, sources=()):
        self.calls = []
        self.sources = list(sources)

    def index(self, **kwargs):
        self.calls.append(("index", kwargs["id"]))

    def delete(self, **kwargs):
        self.calls.append(("delete", kwargs["id"]))

    def search(self, index, body):
        self.calls.append(("search", body))
        hits = [
            {"_id": source, "_score": 2.0}
            for source in self.sources[body["from"] : body["from"] + body["size"]]
        ]
        return {"hits": {"total": {"value": len(self.sources)}, "hits": hits}}


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", SEARCH_ELASTICSEARCH_INDEX="jimo_search_test")
def test_the_elasticsearch_backend_is_used_when_configured(group, monkeypatch):
    monkeypatch.setitem(engine._es_failed_at, "time", None)
    backend = engine.get_backend()
    assert isinstance(backend, engine.ElasticsearchBackend) and backend.index_name == "jimo_search_test"
    sources = list(SearchDocument.objects.filter(title__contains="冬季").values_list("source", flat=True))
    fake = FakeClient(sources)
    original, backend.client = backend.client, fake
    try:
        results = engine.search("冬季")
        assert results.backend == "elasticsearch" and results.total == 3
        assert {hit.document.source for hit in results.hits} == set(sources)
        assert "<em>冬季</em>" in results.hits[0].title_html
        with committed():
            article = publish_article(column(group["jyj"], "gzdt"), "同步到Elasticsearch的信息")
            article.unpublish()
        source = indexing.source_for(article)
        assert ("index", source) in fake.calls and fake.calls[-1] == ("delete", source)
    finally:
        backend.client = original


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", SEARCH_ELASTICSEARCH_INDEX="jimo_search_down")
def test_an_unreachable_elasticsearch_falls_back_to_the_database(group, monkeypatch):
    monkeypatch.setitem(engine._es_failed_at, "time", None)
    results = engine.search("冬季")
    assert results.total == 3 and results.backend != "elasticsearch"
    assert engine._es_failed_at["time"] is not None  # the next searches skip it for a while
    assert engine.search("冬季").backend != "elasticsearch"
    publish_article(column(group["jyj"], "gzdt"), "服务器不可用时发布的信息")  # indexing logs, never raises
    assert SearchDocument.objects.filter(title="服务器不可用时发布的信息").exists()


live = pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL 未设置")


@live
def test_live_index_and_search(group, monkeypatch):
    monkeypatch.setitem(engine._es_failed_at, "time", None)
    Synonym.objects.create(words="公积金 住房公积金")
    publish_article(column(group["jyj"], "tzgg"), "关于规范住房公积金提取业务的通知")
    name = f"jimo_search_test_{uuid.uuid4().hex[:8]}"
    with override_settings(
        ELASTICSEARCH_URL=os.environ["ELASTICSEARCH_URL"], SEARCH_ELASTICSEARCH_INDEX=name
    ):
        backend = engine.get_backend()
        try:
            backend.create_index(recreate=True)
            backend.bulk_index(SearchDocument.objects.all())
            backend.refresh()
            results = engine.search("公积金")
            assert results.backend == "elasticsearch"
            assert [hit.document.title for hit in results.hits] == ["关于规范住房公积金提取业务的通知"]
            assert engine.search("冬季", sort="date").total == 3
            assert engine.search('"*( NEAR OR').total >= 0
            backend.update_synonyms()
        finally:
            backend.client.indices.delete(index=name, ignore_unavailable=True)
