"""Querying the site-group search: `search(query, …) -> Results`.

The query is segmented like the indexed text (search/segment.py) into groups of alternatives;
a document must contain every group (one alternative each), and when nothing does, any group.
Three backends answer the same question and give the same kind of `Results`:

- SQLite: the FTS5 table search_fts over SearchDocument's title and body words (migration 0002),
  ranked by bm25 with the title weighted TITLE_WEIGHT times the body;
- PostgreSQL: the search_vector column (title words weight A, body words weight B) with a GIN
  index, matched with to_tsquery('simple', …) and ranked by ts_rank_cd;
- Elasticsearch when settings.ELASTICSEARCH_URL is set: smartcn for Chinese, a synonym_graph filter
  built from the Synonym table, plus our own segmented words (`es_index_settings`, `es_mappings`,
  `es_query` build the request bodies and are tested without a server).

Every backend multiplies its relevance by the document's `boost` and by KIND_BOOST, so service
guides and convenience pages come first among equals. User input never reaches the query syntax:
each word is quoted, and only letters, digits and Han characters are ever words.
"""

import difflib
import logging
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe

from search import segment
from search.models import SearchDocument

logger = logging.getLogger(__name__)

Kind = SearchDocument.Kind
# Relevance multipliers per kind, on top of each document's own `boost`.
KIND_BOOST = {Kind.SERVICE: 1.3, Kind.CONVENIENCE: 1.3, Kind.POLICY: 1.1}
# Newer content wins among near-equals (this year's 招生公告 before last year's): relevance is
# multiplied by 1 + FRESHNESS_WEIGHT × FRESHNESS_DAYS / (FRESHNESS_DAYS + age in days), i.e. ×1.2
# today, ×1.1 after a year, ×1.07 after two; undated documents get ×1.
FRESHNESS_WEIGHT = 0.2
FRESHNESS_DAYS = 365
# The 直达 box: the best service guides and convenience pages for the query.
DIRECT_KINDS = (Kind.SERVICE, Kind.CONVENIENCE)
DIRECT_LIMIT = 3
TITLE_WEIGHT = 3.0
MAX_LIMIT = 50
MAX_OFFSET = 10000  # Elasticsearch's default result window; nobody pages that far
SNIPPET_CHARS = 120
SORTS = ("relevance", "date")


@dataclass
class Hit:
    document: SearchDocument
    score: float
    title_html: str
    snippet_html: str


@dataclass
class Results:
    query: str = ""
    total: int = 0
    hits: list = field(default_factory=list)
    direct: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    suggestion: str | None = None
    offset: int = 0
    limit: int = 10
    sort: str = "relevance"
    # False when no document had every word and the results match any word instead.
    match_all: bool = True
    backend: str = ""
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class Filters:
    site_id: int | None = None
    site_root_path: str = ""  # with site_id: approved syndications into the site count as its own
    kinds: tuple = ()
    organisation_ids: tuple = ()
    date_from: datetime | None = None  # inclusive
    date_to: datetime | None = None  # exclusive


# --- Input ------------------------------------------------------------------------------------


def clean_query(query):
    """The query as typed, trimmed to MAX_QUERY_CHARS, without control characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(query or ""))
    return re.sub(r"\s+", " ", text).strip()[: segment.MAX_QUERY_CHARS]


def _int(value, default, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def _local_midnight(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def _bound(value, end=False):
    """A date (whole day), an aware or naive datetime, or an ISO string → an aware datetime."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            value = value.strip()
            value = (parse_datetime(value) if ("T" in value or " " in value) else None) or parse_date(value)
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        if isinstance(value, date):
            return _local_midnight(value + timedelta(days=1) if end else value)
    except (ValueError, OverflowError):
        pass
    return None


def make_filters(site=None, scope="group", kinds=None, organisation_ids=None, date_from=None, date_to=None):
    site_id = root_path = None
    if scope == "site" and site is not None:
        site_id = site.pk
        root_path = site.root_page.path if site.root_page_id else ""
    if isinstance(kinds, str):
        kinds = [kinds]
    if isinstance(organisation_ids, (str, int)):
        organisation_ids = [organisation_ids]
    valid_kinds = set(Kind.values)
    kinds = tuple(dict.fromkeys(str(kind) for kind in (kinds or ()) if str(kind) in valid_kinds))
    organisation_ids = tuple(
        dict.fromkeys(
            number for number in (_int(pk, 0, 0, 2**62) for pk in organisation_ids or ()) if number > 0
        )
    )
    return Filters(
        site_id=site_id,
        site_root_path=root_path or "",
        kinds=kinds,
        organisation_ids=organisation_ids,
        date_from=_bound(date_from),
        date_to=_bound(date_to, end=True),
    )


# --- Highlighting -------------------------------------------------------------------------------


def _highlight_pattern(terms):
    words = [term for term in dict.fromkeys(terms) if term]
    longer = [word for word in words if len(word) > 1]
    if longer:
        words = longer  # a single character lights up half a page
    if not words:
        return None
    words.sort(key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def highlight(text, terms, pattern=None):
    """`text` HTML-escaped, with the query's words wrapped in <em>."""
    text = text or ""
    pattern = pattern or _highlight_pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<em>{escape(match.group())}</em>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def snippet(text, terms, length=SNIPPET_CHARS, pattern=None):
    """About `length` characters of `text` around the first match (its start when none), highlighted."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return mark_safe("")
    pattern = pattern or _highlight_pattern(terms)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - length // 3) if match else 0
    end = min(len(text), start + length)
    start = max(0, end - length)
    piece = text[start:end]
    html = highlight(piece, terms, pattern)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))


# --- Query syntax (every word quoted) ------------------------------------------------------------


def _quote_fts(word):
    return '"' + word.replace('"', '""') + '"'


def fts_query(groups, match_all=True):
    """An FTS5 MATCH expression: ("a" OR ("b" AND "c")) AND ("d")."""
    parts = []
    for group in groups:
        alternatives = []
        for alternative in group:
            words = [_quote_fts(word) for word in alternative if word]
            if words:
                alternatives.append(words[0] if len(words) == 1 else "(" + " AND ".join(words) + ")")
        if alternatives:
            parts.append("(" + " OR ".join(alternatives) + ")")
    return (" AND " if match_all else " OR ").join(parts)


def _quote_tsquery(word):
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(groups, match_all=True):
    """A to_tsquery('simple', …) expression: ('a' | ('b' & 'c')) & 'd'."""
    parts = []
    for group in groups:
        alternatives = []
        for alternative in group:
            words = [_quote_tsquery(word) for word in alternative if word]
            if words:
                alternatives.append(words[0] if len(words) == 1 else "(" + " & ".join(words) + ")")
        if alternatives:
            parts.append("(" + " | ".join(alternatives) + ")")
    return (" & " if match_all else " | ").join(parts)


# --- Database backends ---------------------------------------------------------------------------


class DatabaseBackend:
    """The shared SQL: filters, boosts and ordering; subclasses supply the text match."""

    name = "database"
    key = "id"  # hits are looked up by SearchDocument.id

    def index(self, document):
        """Nothing to do: the row (and its full-text entry) is the index."""

    def remove(self, source):
        """Nothing to do: deleting the row removes its full-text entry."""

    def _age_days_sql(self):
        raise NotImplementedError

    def _boost_sql(self):
        cases = " ".join(f"WHEN '{kind}' THEN {float(boost)}" for kind, boost in KIND_BOOST.items())
        days = float(FRESHNESS_DAYS)
        freshness = (
            f"COALESCE(1.0 + {float(FRESHNESS_WEIGHT)} * {days} / ({days} + {self._age_days_sql()}), 1.0)"
        )
        return f"d.boost * (CASE d.kind {cases} ELSE 1.0 END) * {freshness}"

    def _where(self, filters):
        from wagtail.models import Page

        from workflows.models import Syndication

        clauses, params = [], []
        adapt = connection.ops.adapt_datetimefield_value
        if filters.site_id is not None:
            if filters.site_root_path:
                # Articles other units syndicated into this site's columns, approved by its reviewers.
                clauses.append(
                    "(d.site_id = %s OR d.source IN ("
                    f"SELECT 'subsite_pages.articlepage:' || s.source_id FROM {Syndication._meta.db_table} s "
                    f"JOIN {Page._meta.db_table} p ON p.id = s.target_id "
                    "WHERE s.status = %s AND p.path LIKE %s))"
                )
                params += [filters.site_id, Syndication.Status.APPROVED, filters.site_root_path + "%"]
            else:
                clauses.append("d.site_id = %s")
                params.append(filters.site_id)
        if filters.kinds:
            clauses.append(f"d.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
            params += list(filters.kinds)
        if filters.organisation_ids:
            clauses.append(f"d.organisation_id IN ({', '.join(['%s'] * len(filters.organisation_ids))})")
            params += list(filters.organisation_ids)
        if filters.date_from:
            clauses.append("d.date >= %s")
            params.append(adapt(filters.date_from))
        if filters.date_to:
            clauses.append("d.date < %s")
            params.append(adapt(filters.date_to))
        return clauses, params

    def _order(self, sort):
        if sort == "date":
            return "d.date DESC NULLS LAST, score DESC, d.id DESC"
        return "score DESC, d.date DESC NULLS LAST, d.id DESC"

    # Each backend names its query language and SQL: `compile_query(groups, match_all)` → the match
    # expression; `match_sql` filters by it, `score_sql()` ranks (higher is better) and may use it
    # too (`score_uses_expression`), `from_sql` names the tables (the documents as `d`).
    compile_query = None
    match_sql = from_sql = ""
    score_uses_expression = False

    def score_sql(self):
        raise NotImplementedError

    def search(self, query, groups, filters, sort, offset, limit, match_all):
        """(total, [(id, score), …]) for one page of results."""
        expression = self.compile_query(groups, match_all)
        if not expression:
            return 0, []
        return self._run(
            [expression],
            [expression] if self.score_uses_expression else [],
            filters,
            sort,
            offset,
            limit,
        )

    def _run(self, match_params, score_params, filters, sort, offset, limit):
        match_sql, score_sql, from_sql = self.match_sql, self.score_sql(), self.from_sql
        clauses, params = self._where(filters)
        where = " AND ".join([match_sql, *clauses])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {from_sql} WHERE {where}", [*match_params, *params])
            total = cursor.fetchone()[0]
            if not total or limit <= 0 or offset >= total:
                return total, []
            cursor.execute(
                f"SELECT d.id, {score_sql} AS score FROM {from_sql} WHERE {where} "
                f"ORDER BY {self._order(sort)} LIMIT %s OFFSET %s",
                [*score_params, *match_params, *params, limit, offset],
            )
            return total, [(row[0], float(row[1] or 0.0)) for row in cursor.fetchall()]


class SQLiteBackend(DatabaseBackend):
    name = "sqlite"

    def _age_days_sql(self):
        return "max(0.0, julianday('now') - julianday(d.date))"

    compile_query = staticmethod(fts_query)
    match_sql = "search_fts MATCH %s"
    from_sql = "search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid"

    def score_sql(self):
        # bm25() is negative, lower is better: negate it so that higher is better everywhere.
        return f"(-bm25(search_fts, {TITLE_WEIGHT}, 1.0)) * {self._boost_sql()}"


class PostgresBackend(DatabaseBackend):
    name = "postgresql"

    def _age_days_sql(self):
        return "GREATEST(0.0, EXTRACT(EPOCH FROM (now() - d.date))::float8 / 86400.0)"

    compile_query = staticmethod(tsquery)
    match_sql = "d.search_vector @@ to_tsquery('simple', %s)"
    from_sql = "search_searchdocument d"
    score_uses_expression = True

    def score_sql(self):
        # Normalisation 1: divide by 1 + log(length), so long pages do not win on length alone.
        return f"ts_rank_cd(d.search_vector, to_tsquery('simple', %s), 1) * {self._boost_sql()}"


class FallbackBackend(DatabaseBackend):
    """Other databases: substring matches on the words, ranked by boost and date only."""

    name = "fallback"

    def search(self, query, groups, filters, sort, offset, limit, match_all):
        from django.db.models import Q

        combined = Q()
        for group in groups:
            either = Q()
            for alternative in group:
                every = Q()
                for word in alternative:
                    every &= Q(title_terms__icontains=word) | Q(body_terms__icontains=word)
                either |= every
            combined = (combined & either) if match_all else (combined | either)
        documents = SearchDocument.objects.filter(combined)
        if filters.site_id is not None:
            documents = documents.filter(site_id=filters.site_id)
        if filters.kinds:
            documents = documents.filter(kind__in=filters.kinds)
        if filters.organisation_ids:
            documents = documents.filter(organisation_id__in=filters.organisation_ids)
        if filters.date_from:
            documents = documents.filter(date__gte=filters.date_from)
        if filters.date_to:
            documents = documents.filter(date__lt=filters.date_to)
        order = ["-date", "-boost", "-pk"] if sort == "date" else ["-boost", "-date", "-pk"]
        total = documents.count()
        rows = documents.order_by(*order).values_list("pk", "boost")[offset : offset + limit]
        return total, [(pk, boost) for pk, boost in rows]


# --- Elasticsearch ------------------------------------------------------------------------------


def es_synonym_rules():
    """Synonym groups in Solr format ("社保, 社会保险, 社会保障") for the synonym_graph filter."""
    from search.models import Synonym

    rules = []
    for synonym in Synonym.objects.filter(enabled=True):
        words = [segment.normalise(word).strip() for word in synonym.word_list()]
        words = [word for word in dict.fromkeys(words) if word and not re.search(r"[,=>#\\]", word)]
        if len(words) > 1:
            rules.append(", ".join(words))
    return rules


def es_index_settings(synonyms=None):
    """Index settings: smartcn for Chinese (plugin analysis-smartcn) and, at query time, our synonyms."""
    synonyms = es_synonym_rules() if synonyms is None else list(synonyms)
    search_filters = ["lowercase"]
    analysis = {
        "analyzer": {
            "portal_chinese": {"type": "custom", "tokenizer": "smartcn_tokenizer", "filter": ["lowercase"]},
        }
    }
    if synonyms:
        analysis["filter"] = {
            "portal_synonyms": {"type": "synonym_graph", "synonyms": synonyms, "lenient": True}
        }
        search_filters.append("portal_synonyms")
    analysis["analyzer"]["portal_chinese_search"] = {
        "type": "custom",
        "tokenizer": "smartcn_tokenizer",
        "filter": search_filters,
    }
    return {"number_of_shards": 1, "analysis": analysis}


def es_mappings():
    chinese = {"type": "text", "analyzer": "portal_chinese", "search_analyzer": "portal_chinese_search"}
    # Our own jieba words (with pinyin), already lower-cased: split on spaces only.
    words = {"type": "text", "analyzer": "whitespace"}
    return {
        "dynamic": "strict",
        "properties": {
            "source": {"type": "keyword"},
            "doc_id": {"type": "long"},
            "kind": {"type": "keyword"},
            "site_id": {"type": "integer"},
            "organisation_id": {"type": "integer"},
            "title": chinese,
            "body": chinese,
            "title_terms": words,
            "body_terms": words,
            "url": {"type": "keyword", "index": False},
            "date": {"type": "date"},
            "boost": {"type": "float"},
        },
    }


def es_document(document):
    return {
        "source": document.source,
        "doc_id": document.pk,
        "kind": document.kind,
        "site_id": document.site_id,
        "organisation_id": document.organisation_id,
        "title": document.title,
        "body": document.body,
        "title_terms": document.title_terms,
        "body_terms": document.body_terms,
        "url": document.url,
        "date": document.date.isoformat() if document.date else None,
        "boost": document.boost,
    }


def _es_filters(filters):
    clauses = []
    if filters.site_id is not None:
        site = [{"term": {"site_id": filters.site_id}}]
        if filters.site_root_path:
            from workflows.models import Syndication

            sources = [
                f"subsite_pages.articlepage:{pk}"
                for pk in Syndication.objects.filter(
                    status=Syndication.Status.APPROVED, target__path__startswith=filters.site_root_path
                )
                .values_list("source_id", flat=True)
                .distinct()
            ]
            if sources:
                site.append({"terms": {"source": sources}})
        clauses.append({"bool": {"should": site, "minimum_should_match": 1}})
    if filters.kinds:
        clauses.append({"terms": {"kind": list(filters.kinds)}})
    if filters.organisation_ids:
        clauses.append({"terms": {"organisation_id": list(filters.organisation_ids)}})
    if filters.date_from or filters.date_to:
        bounds = {}
        if filters.date_from:
            bounds["gte"] = filters.date_from.isoformat()
        if filters.date_to:
            bounds["lt"] = filters.date_to.isoformat()
        clauses.append({"range": {"date": bounds}})
    return clauses


def _es_body(query, groups, filters, sort, offset, limit, match_all):
    def word_query(word):
        return {"multi_match": {"query": word, "fields": ["title_terms^3", "body_terms"]}}

    group_queries = []
    for group in groups:
        alternatives = []
        for alternative in group:
            if len(alternative) == 1:
                alternatives.append(word_query(alternative[0]))
            else:
                alternatives.append({"bool": {"must": [word_query(word) for word in alternative]}})
        group_queries.append({"bool": {"should": alternatives, "minimum_should_match": 1}})
    our_words = (
        {"bool": {"must": group_queries}}
        if match_all
        else {"bool": {"should": group_queries, "minimum_should_match": 1}}
    )
    # Either our segmentation matches, or smartcn (with the synonyms) finds every word typed.
    smartcn = {
        "multi_match": {
            "query": query,
            "fields": ["title^3", "body"],
            "operator": "and" if match_all else "or",
        }
    }
    functions = [{"field_value_factor": {"field": "boost", "missing": 1.0}}]
    functions += [
        {"filter": {"term": {"kind": str(kind)}}, "weight": boost} for kind, boost in KIND_BOOST.items()
    ]
    matched = {
        "function_score": {
            "query": {
                "bool": {
                    "should": [our_words, smartcn],
                    "minimum_should_match": 1,
                    "filter": _es_filters(filters),
                }
            },
            "functions": functions,
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
    }
    # × (1 + FRESHNESS_WEIGHT × decay): the constant 1 and the date's decay are summed.
    freshness = [
        {"weight": 1.0},
        {
            "filter": {"exists": {"field": "date"}},
            "exp": {"date": {"origin": "now", "scale": f"{FRESHNESS_DAYS}d", "decay": 0.5}},
            "weight": FRESHNESS_WEIGHT,
        },
    ]
    date_order = {"date": {"order": "desc", "missing": "_last"}}
    return {
        "query": {
            "function_score": {
                "query": matched,
                "functions": freshness,
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        },
        "sort": [date_order, "_score"] if sort == "date" else ["_score", date_order],
        "highlight": {
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
            "encoder": "html",
            "fields": {
                "title": {"number_of_fragments": 0},
                "body": {
                    "fragment_size": SNIPPET_CHARS,
                    "number_of_fragments": 1,
                    "no_match_size": SNIPPET_CHARS,
                },
            },
        },
        "_source": ["source", "doc_id"],
        "track_total_hits": True,
        "from": offset,
        "size": limit,
    }


def es_query(
    query,
    *,
    site=None,
    scope="group",
    kinds=None,
    organisation_ids=None,
    date_from=None,
    date_to=None,
    sort="relevance",
    offset=0,
    limit=10,
    match_all=True,
):
    """The Elasticsearch request body for a search (same arguments as `search`)."""
    query = clean_query(query)
    filters = make_filters(site, scope, kinds, organisation_ids, date_from, date_to)
    sort = sort if sort in SORTS else "relevance"
    offset = _int(offset, 0, 0, MAX_OFFSET)
    limit = _int(limit, 10, 1, MAX_LIMIT)
    return _es_body(query, segment.query_groups(query), filters, sort, offset, limit, match_all)


class ElasticsearchBackend:
    """Documents are copied to Elasticsearch (id = SearchDocument.source); the database rows stay the
    source of truth, so a rebuild can always repopulate the index."""

    name = "elasticsearch"
    key = "source"

    def __init__(self, url, index_name):
        from elasticsearch import Elasticsearch

        self.client = Elasticsearch(url, request_timeout=10)
        self.index_name = index_name

    def create_index(self, recreate=False):
        exists = self.client.indices.exists(index=self.index_name)
        if exists and recreate:
            self.client.indices.delete(index=self.index_name)
            exists = False
        if not exists:
            self.client.indices.create(
                index=self.index_name, settings=es_index_settings(), mappings=es_mappings()
            )

    def update_synonyms(self):
        """Inline synonyms change only on a closed index."""
        self.client.indices.close(index=self.index_name)
        try:
            self.client.indices.put_settings(
                index=self.index_name, settings={"analysis": es_index_settings()["analysis"]}
            )
        finally:
            self.client.indices.open(index=self.index_name)

    def index(self, document):
        self.client.index(index=self.index_name, id=document.source, document=es_document(document))

    def remove(self, source):
        from elasticsearch import NotFoundError

        try:
            self.client.delete(index=self.index_name, id=source)
        except NotFoundError:
            pass

    def bulk_index(self, documents):
        from elasticsearch.helpers import bulk

        actions = (
            {"_index": self.index_name, "_id": document.source, "_source": es_document(document)}
            for document in documents
        )
        return bulk(self.client, actions, chunk_size=500)[0]

    def refresh(self):
        self.client.indices.refresh(index=self.index_name)

    def search(self, query, groups, filters, sort, offset, limit, match_all):
        body = _es_body(query, groups, filters, sort, offset, limit, match_all)
        response = self.client.search(index=self.index_name, body=body)
        hits = response["hits"]
        total = hits["total"]["value"] if isinstance(hits["total"], dict) else hits["total"]
        return total, [(hit["_id"], float(hit.get("_score") or 0.0)) for hit in hits["hits"]]


_backend_lock = threading.Lock()
_elasticsearch = {}


def elasticsearch_backend():
    url = settings.ELASTICSEARCH_URL
    index_name = getattr(settings, "SEARCH_ELASTICSEARCH_INDEX", "jimo_search")
    with _backend_lock:
        if (url, index_name) not in _elasticsearch:
            _elasticsearch[(url, index_name)] = ElasticsearchBackend(url, index_name)
        return _elasticsearch[(url, index_name)]


def database_backend():
    return {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(connection.vendor, FallbackBackend)()


def get_backend():
    """SEARCH_BACKEND "auto" (default): Elasticsearch when ELASTICSEARCH_URL is set, else the database."""
    choice = getattr(settings, "SEARCH_BACKEND", "auto") or "auto"
    if choice == "elasticsearch" or (choice == "auto" and getattr(settings, "ELASTICSEARCH_URL", "")):
        return elasticsearch_backend()
    return database_backend()


# After a failure Elasticsearch is left alone for this long: each attempt on a dead server costs
# connection retries, and the database index answers meanwhile.
ES_RETRY_SECONDS = 30
_es_failed_at = {"time": None}


def _search_backend(backend, *args):
    """Run a backend search; an unreachable Elasticsearch falls back to the database index."""
    if isinstance(backend, ElasticsearchBackend):
        failed_at = _es_failed_at["time"]
        if failed_at is not None and time.monotonic() - failed_at < ES_RETRY_SECONDS:
            backend = database_backend()
    try:
        return backend, backend.search(*args)
    except Exception:
        if not isinstance(backend, ElasticsearchBackend):
            raise
        _es_failed_at["time"] = time.monotonic()
        logger.exception("Elasticsearch 查询失败，%s 秒内改用数据库索引", ES_RETRY_SECONDS)
        fallback = database_backend()
        return fallback, fallback.search(*args)


# --- search() -----------------------------------------------------------------------------------


def _hits(backend, ranked, terms):
    if not ranked:
        return []
    keys = [key for key, _score in ranked]
    documents = SearchDocument.objects.select_related("site", "organisation").filter(
        **{f"{backend.key}__in": keys}
    )
    by_key = {getattr(document, backend.key): document for document in documents}
    pattern = _highlight_pattern(terms)
    hits = []
    for key, score in ranked:
        document = by_key.get(key)
        if document is None:  # removed since the index answered
            continue
        hits.append(
            Hit(
                document=document,
                score=score,
                title_html=highlight(document.title, terms, pattern),
                snippet_html=snippet(document.body, terms, pattern=pattern),
            )
        )
    return hits


def suggest(query, backend=None, filters=None):
    """A dictionary word close to a query that found nothing (公基金 → 公积金, gongjijn → 公积金),
    if searching for it finds something; None otherwise."""
    text = segment.normalise(query).strip()
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return None
    dictionary = segment.load_dictionary()
    candidates = []
    if segment.ASCII_LETTERS.match(compact):
        for key in difflib.get_close_matches(compact, list(dictionary.pinyin), n=3, cutoff=0.75):
            candidates += dictionary.pinyin[key]
    else:
        pinyin = segment.pinyin_of(compact)
        if pinyin:
            candidates += dictionary.pinyin.get(pinyin, ())
        vocabulary = list(dictionary.words | set(dictionary.word_pinyin))
        candidates += difflib.get_close_matches(compact, vocabulary, n=3, cutoff=0.6)
        if pinyin:
            for key in difflib.get_close_matches(pinyin, list(dictionary.pinyin), n=2, cutoff=0.85):
                candidates += dictionary.pinyin[key]
    backend = backend or get_backend()
    filters = filters or Filters()
    for candidate in list(dict.fromkeys(candidates))[:5]:
        if candidate == compact or candidate == text:
            continue
        groups = segment.query_groups(candidate)
        if groups and _search_backend(backend, candidate, groups, filters, "relevance", 0, 1, True)[1][0]:
            return candidate
    return None


def _match(backend, text, groups, filters, sort, offset, limit):
    """Every word; else every word that occurs anywhere (a typo or a stray word does not empty the
    page); else any word of two or more characters. Returns (backend, total, ranked, groups used,
    whether every word had to match)."""
    backend, (total, ranked) = _search_backend(backend, text, groups, filters, sort, offset, limit, True)
    if total or len(groups) == 1:
        return backend, total, ranked, groups, True
    known = []
    for group in groups:
        backend, (count, _none) = _search_backend(backend, text, [group], filters, sort, 0, 0, True)
        if count:
            known.append(group)
    if 1 < len(known) < len(groups):
        backend, (total, ranked) = _search_backend(backend, text, known, filters, sort, offset, limit, True)
        if total:
            return backend, total, ranked, known, False

    # A single character alone matches too much to be worth showing, unless it is all that was typed.
    def longer(group):
        return any(len(word) > 1 for alternative in group for word in alternative)

    wider = [group for group in known if longer(group)]
    if not any(longer(group) for group in groups):
        wider = known
    if not wider:
        return backend, 0, [], groups, False
    backend, (total, ranked) = _search_backend(backend, text, wider, filters, sort, offset, limit, False)
    return backend, total, ranked, wider, False


def search(
    query,
    *,
    site=None,
    scope="group",
    kinds=None,
    organisation_ids=None,
    date_from=None,
    date_to=None,
    sort="relevance",
    offset=0,
    limit=10,
):
    """One page of results for `query`; never raises on odd input (empty, long, punctuation,
    query-syntax characters, HTML, emoji, bad numbers or dates)."""
    started = time.perf_counter()
    text = clean_query(query)
    sort = sort if sort in SORTS else "relevance"
    results = Results(
        query=text, offset=_int(offset, 0, 0, MAX_OFFSET), limit=_int(limit, 10, 1, MAX_LIMIT), sort=sort
    )
    if not text:
        return results
    groups = segment.query_groups(text)
    results.terms = [word for group in groups for alternative in group for word in alternative]
    results.terms = list(dict.fromkeys(results.terms))
    filters = make_filters(site, scope, kinds, organisation_ids, date_from, date_to)
    backend = get_backend()
    if groups:
        backend, total, ranked, groups, results.match_all = _match(
            backend, text, groups, filters, sort, results.offset, results.limit
        )
        results.total = total
        results.hits = _hits(backend, ranked, results.terms)
        if results.offset == 0:
            direct_filters = replace(filters, kinds=DIRECT_KINDS, date_from=None, date_to=None)
            direct_args = (text, groups, direct_filters, "relevance", 0, DIRECT_LIMIT, results.match_all)
            backend, (_total, direct) = _search_backend(backend, *direct_args)
            results.direct = _hits(backend, direct, results.terms)
    results.backend = backend.name
    if results.total == 0:
        results.suggestion = suggest(text, backend, replace(filters, kinds=(), date_from=None, date_to=None))
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


# --- Keeping the database objects in place -------------------------------------------------------

_SQLITE_OBJECTS = ("search_fts", "search_fts_insert", "search_fts_delete", "search_fts_update")
# The same statements as migration 0002 (which keeps its own frozen copy).
SQLITE_INDEX_SQL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title_terms, body_terms, content='search_searchdocument', content_rowid='id'
    )""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE OF title_terms, body_terms
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
POSTGRES_VECTOR_SQL = """setweight(to_tsvector('simple', coalesce(title_terms, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body_terms, '')), 'B')"""
POSTGRES_INDEX_SQL = [
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_searchdocument USING gin (search_vector)",
    f"UPDATE search_searchdocument SET search_vector = {POSTGRES_VECTOR_SQL}",
]


def ensure_index_objects(using=None):
    """Re-create the full-text objects of migration 0002 if something removed them (SQLite drops a
    table's triggers when a later migration rebuilds the table). Returns True if it repaired any."""
    from django.db import connections

    conn = connections[using or "default"]
    if SearchDocument._meta.db_table not in conn.introspection.table_names():
        return False
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", list(_SQLITE_OBJECTS)
            )
            if len(cursor.fetchall()) == len(_SQLITE_OBJECTS):
                return False
            statements = SQLITE_INDEX_SQL
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'search_vector'",
                [SearchDocument._meta.db_table],
            )
            if cursor.fetchone():
                return False
            statements = POSTGRES_INDEX_SQL
        else:
            return False
        for statement in statements:
            cursor.execute(statement)
    logger.warning("已重建搜索全文索引对象（%s）", conn.vendor)
    return True
