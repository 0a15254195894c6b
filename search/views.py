"""The public search page (/search/ on every site of the group) and the click redirect.

Whatever is typed — nothing, 2,000 characters, punctuation, FTS operators, HTML, emoji — gives a
normal page: the query is cleaned (search.forms.clean_query) before it reaches the engine, every
filter that does not parse is dropped rather than refused, and page numbers are clamped. Searches
are logged for 热门搜索 and the admin's analytics, at most LOG_LIMIT per address and hour so a
flood cannot skew them (searching itself is never limited). Result links pass through
/search/click/, which records the click and redirects only to addresses of the site group.
"""

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from wagtail.models import Site

from home import ratelimit
from home.models import Organisation
from search import analytics
from search.forms import MAX_QUERY, clean_query, has_words, is_group_url, normalise_query
from search.models import ClickLog, Promotion, QueryLog, SearchDocument

logger = logging.getLogger(__name__)

PER_PAGE = 10
MAX_PAGES = 100  # 1,000 results are more than anyone reads; deeper pages only cost the database
LOG_LIMIT = 60  # logged searches per address and hour
CLICK_LIMIT = 120  # logged clicks per address and hour
HOUR = 3600
CLICK_LOG_MAX_AGE = timedelta(days=1)
MAX_PROMOTIONS = 5
HOT_COUNT = 8
MIN_YEAR, MAX_YEAR = 1949, 2100
LABEL = re.compile(r"^[a-z0-9-]{1,31}$")
BOT = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|httpclient", re.IGNORECASE)

SCOPES = {"group": "全站群", "site": "本站"}
SORTS = {"relevance": "相关度", "date": "时间"}
RANGES = {
    "": ("不限", None),
    "week": ("一周内", 7),
    "month": ("一月内", 30),
    "year": ("一年内", 365),
    "custom": ("自定义", None),
}
KINDS = SearchDocument.Kind
ORG_KIND_ORDER = {kind: index for index, kind in enumerate(Organisation.Kind.values)}


@dataclass
class Params:
    """The search as asked for, every value valid (defaults where the request's did not parse)."""

    q: str = ""
    scope: str = "group"
    org: Organisation | None = None
    kinds: list = field(default_factory=list)
    range: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    requested_page: int = 1
    notes: list = field(default_factory=list)  # what was changed in the request, shown to the user

    @property
    def filtered(self):
        return bool(self.org or self.kinds or self.range)

    def query_items(self, **overrides):
        values = {
            "q": self.q,
            "scope": self.scope if self.scope != "group" else "",
            "org": self.org.label if self.org else "",
            "kind": self.kinds,
            "range": self.range,
            "date_from": self.date_from.isoformat() if self.range == "custom" and self.date_from else "",
            "date_to": self.date_to.isoformat() if self.range == "custom" and self.date_to else "",
            "sort": self.sort if self.sort != "relevance" else "",
        }
        values.update(overrides)
        items = []
        for key, value in values.items():
            for one in value if isinstance(value, list | tuple) else [value]:
                if one not in ("", None):
                    items.append((key, one))
        return items

    def url(self, **overrides):
        return "?" + urlencode(self.query_items(**overrides))


def _date(value):
    value = (value or "").strip()
    if not value:
        return None, False
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None, True
    # Years nobody means (0001, 9999) would only overflow date arithmetic further down.
    return (day, False) if MIN_YEAR <= day.year <= MAX_YEAR else (None, True)


def _page(value):
    try:
        number = int(str(value)[:12])
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGES)


def parse(request):
    get = request.GET
    params = Params()
    raw = get.get("q", "")
    params.q = clean_query(raw)
    if len(" ".join(raw.split())) > MAX_QUERY:
        params.notes.append(f"搜索词过长，已按前 {MAX_QUERY} 个字搜索。")
    if get.get("scope") in SCOPES:
        params.scope = get["scope"]
    label = get.get("org", "")
    if LABEL.match(label):
        params.org = Organisation.objects.filter(label=label).first()
    params.kinds = [kind for kind in dict.fromkeys(get.getlist("kind")[:10]) if kind in KINDS.values]
    if get.get("sort") in SORTS:
        params.sort = get["sort"]
    params.page = params.requested_page = _page(get.get("page", 1))
    # Time range: a fixed period, or two dates (either may be left empty).
    chosen = get.get("range", "")
    date_from, bad_from = _date(get.get("date_from"))
    date_to, bad_to = _date(get.get("date_to"))
    if bad_from or bad_to:
        params.notes.append("日期格式不正确（应为 2026-01-31），已忽略。")
    if chosen in RANGES and RANGES[chosen][1]:
        params.range = chosen
        params.date_from = timezone.localdate() - timedelta(days=RANGES[chosen][1])
    elif chosen in ("custom", "") and (date_from or date_to):
        params.range = "custom"
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
            params.notes.append("开始日期晚于结束日期，已对调。")
        params.date_from, params.date_to = date_from, date_to
    return params


def organisation_options():
    """The 站点/单位 choices, grouped by kind (主站, 分站, 部门, 镇街)."""
    organisations = sorted(
        Organisation.objects.filter(site__isnull=False).only("label", "short_name", "kind", "sort_order"),
        key=lambda o: (ORG_KIND_ORDER.get(o.kind, 9), o.sort_order, o.pk),
    )
    groups = {}
    for organisation in organisations:
        groups.setdefault(organisation.get_kind_display(), []).append(organisation)
    return list(groups.items())


def active_promotions(normalised):
    now = timezone.now()
    return list(
        Promotion.objects.filter(query__iexact=normalised)  # rows not saved through the admin form
        .exclude(starts_at__gt=now)
        .exclude(ends_at__lte=now)
        .order_by("sort_order", "pk")[:MAX_PROMOTIONS]
    )


def _is_bot(request):
    return bool(BOT.search(request.META.get("HTTP_USER_AGENT", "")))


def log_search(request, params, site, total):
    """A QueryLog row for a search (its first page: paging is not a new search), unless this
    address already logged LOG_LIMIT searches this hour (a flood must not make a word 热门)."""
    if _is_bot(request):
        return None
    if not ratelimit.hit("search-log", ratelimit.client_ip(request), LOG_LIMIT, HOUR):
        return None
    return QueryLog.objects.create(
        query=normalise_query(params.q), site=site, scope=params.scope, results=total
    )


def _earlier_log(request, params):
    """On later pages, the log of the first page (carried in the links), so clicks count for it."""
    try:
        pk = int(request.GET.get("log", "")[:12])
    except ValueError:
        return None
    return (
        QueryLog.objects.filter(
            pk=pk, query=normalise_query(params.q), created_at__gte=timezone.now() - CLICK_LOG_MAX_AGE
        )
        .only("pk")
        .first()
    )


def _run(params, site):
    """The engine's results for params' page; a page beyond the last one shows the last one."""
    from search import engine

    kwargs = {
        "site": site,
        "scope": params.scope,
        "kinds": params.kinds or None,
        "organisation_ids": [params.org.pk] if params.org else None,
        "date_from": params.date_from,
        "date_to": params.date_to,
        "sort": params.sort,
        "limit": PER_PAGE,
    }
    results = engine.search(params.q, offset=(params.page - 1) * PER_PAGE, **kwargs)
    last = max(1, min(math.ceil(results.total / PER_PAGE), MAX_PAGES))
    if params.page > last:
        params.page = last
        results = engine.search(params.q, offset=(last - 1) * PER_PAGE, **kwargs)
    return results, last


def click_url(log, position, url):
    """The counted link of a result; a plain link when there is nothing to count it for (or the
    click redirect would refuse the address)."""
    if log is None or not is_group_url(url):
        return url
    return reverse("search:click") + "?" + urlencode({"log": log.pk, "pos": position, "url": url})


def _display_url(url):
    return url if len(url) <= 80 else url[:77] + "…"


@require_safe
def search_page(request):
    site = Site.find_for_request(request)
    params = parse(request)
    context = {
        "params": params,
        "scopes": SCOPES,
        "sorts": SORTS,
        "ranges": [(key, label) for key, (label, _days) in RANGES.items()],
        "kinds": KINDS.choices,
        "organisations": organisation_options(),
        "max_query": MAX_QUERY,
        "hot": [(word, "?" + urlencode({"q": word})) for word in analytics.hot_searches(limit=HOT_COUNT)],
        "searched": False,
    }
    status = 200
    if params.q and not has_words(params.q):
        params.notes.append("请输入要查找的汉字、字母或数字。")
    elif params.q:
        try:
            results, last = _run(params, site)
        except Exception:
            # Never a 500 for a search: the engine's failure is logged and the visitor told.
            logger.exception("search failed for %r", params.q)
            context["failed"] = True
            status = 503
        else:
            log = (
                log_search(request, params, site, results.total)
                if params.requested_page == 1
                else _earlier_log(request, params)
            )
            context.update(search_context(params, results, last, log))
    response = render(request, "search/search.html", context, status=status)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def search_context(params, results, last, log):
    first_page = params.page == 1
    offset = (params.page - 1) * PER_PAGE
    hits = []
    for index, hit in enumerate(results.hits, start=1):
        document = hit.document
        organisation = document.organisation
        hits.append(
            {
                "title_html": hit.title_html,
                "snippet_html": hit.snippet_html,
                "kind": document.get_kind_display(),
                "source": organisation.short_name
                if organisation
                else (document.site.site_name if document.site else ""),
                "date": document.date,
                "url": document.url,
                "display_url": _display_url(document.url),
                "href": click_url(log, offset + index, document.url),
            }
        )
    direct = []
    if first_page:
        for item in results.direct or []:
            document = getattr(item, "document", item)
            organisation = document.organisation
            direct.append(
                {
                    "title": document.title,
                    "kind": document.get_kind_display(),
                    "unit": organisation.short_name if organisation else "",
                    "href": click_url(log, 0, document.url),
                }
            )
    promotions = []
    if first_page:
        promotions = [
            {"title": p.title, "description": p.description, "href": click_url(log, 0, p.url), "url": p.url}
            for p in active_promotions(normalise_query(params.q))
        ]
    page_items = params.query_items(log=log.pk if log else "")
    pages = {
        "number": params.page,
        "last": last,
        "previous": params.page - 1 if params.page > 1 else None,
        "next": params.page + 1 if params.page < last else None,
        "query": urlencode(page_items),
    }
    return {
        "searched": True,
        "total": results.total,
        "shown_total": min(results.total, MAX_PAGES * PER_PAGE),
        "capped": results.total > MAX_PAGES * PER_PAGE,
        "hits": hits,
        "direct": direct,
        "promotions": promotions,
        "pages": pages,
        "partial": bool(results.hits) and not getattr(results, "match_all", True),
        "suggestion": results.suggestion,
        "suggestion_url": Params(q=results.suggestion, scope=params.scope).url()
        if results.suggestion
        else "",
        "sort_urls": [
            (key, label, params.url(sort=key if key != "relevance" else "")) for key, label in SORTS.items()
        ],
        "group_scope_url": params.url(scope=""),
        "clear_filters_url": Params(q=params.q, scope=params.scope, sort=params.sort).url(),
    }


@require_safe
def click(request):
    """Record a click on a result, then go there — only inside the site group (no open redirect)."""
    url = request.GET.get("url", "")
    if not is_group_url(url):
        return HttpResponseBadRequest("链接地址无效。".encode(), content_type="text/plain; charset=utf-8")
    try:
        pk = int(request.GET.get("log", "")[:12])
        position = min(max(int(request.GET.get("pos", "0")[:5]), 0), 32767)
    except ValueError:
        pk = None
    if pk is not None and not _is_bot(request):
        log = (
            QueryLog.objects.filter(pk=pk, created_at__gte=timezone.now() - CLICK_LOG_MAX_AGE)
            .only("pk")
            .first()
        )
        if log is not None and ratelimit.hit("search-click", ratelimit.client_ip(request), CLICK_LIMIT, HOUR):
            ClickLog.objects.create(query_log=log, url=url[:500], position=position)
    response = HttpResponseRedirect(url)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
