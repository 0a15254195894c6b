"""What the tests of the two personal lookups (公积金查询, 交通违法查询) share: requesting the page
the way a citizen does (POST with the captcha answered, from a given address), the checks that a
personal answer is kept out of caches and search engines, and the importer checks that a feed that
fails, changes its columns or is mostly bad leaves the previous data as it was."""

import json
import socket
from functools import partial

import pytest

from convenience import personal
from convenience.models import Feed, ImportRun
from convenience.models.feeds import LookupAttempt
from convenience.services import import_sample, run_import
from home.captcha import new_challenge
from tests.factories.convenience import configure_feed, lookup_page

S = ImportRun.Status


def for_lookup(key, file_name, ip):
    """A test module's `upload(content)` to the feed `key` (as `file_name`), `get` and `post` from
    `ip` (another address: `post(..., ip=...)`), and the fixtures `page` (the published lookup page)
    and `loaded` (the sample feed imported, dates moved to now):

        upload, get, post, page, loaded = for_lookup("fund", "fund.json", IP)
    """

    @pytest.fixture
    def page(group):
        return lookup_page(key)

    @pytest.fixture
    def loaded(group):
        return load_sample(key)

    return partial(upload, key, file_name=file_name), partial(get, ip=ip), partial(post, ip=ip), page, loaded


# --- the importer ------------------------------------------------------------------------------------


def load_sample(key):
    """The sample feed of `key`, dates moved to now; it must apply whole."""
    run = import_sample(key)
    assert run.status == S.APPLIED, (run.message, run.rejected[:3])
    return run


def upload(key, content, file_name):
    """An administrator's upload of `content` (text or bytes) to the feed `key`."""
    return run_import(
        key,
        content=content.encode() if isinstance(content, str) else content,
        source=ImportRun.Source.UPLOAD,
        file_name=file_name,
    )


def closed_port_url(file_name):
    """The URL of `file_name` on a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/{file_name}"


def import_over_http(key, file_name, content, feed_server, settings):
    """`content` served as /`file_name` and imported by the feed `key` over HTTP; it must apply whole."""
    configure_feed(settings, key, feed_server.serve(f"/{file_name}", content))
    run = run_import(key)
    assert run.status == S.APPLIED, run.rejected
    assert feed_server.requests[0][0] == f"/{file_name}"
    return run


def assert_unreachable_feed_keeps_data(key, extension, loaded, feed_server, settings, snapshot):
    """HTTP 503, then a closed port: both runs fail with a clear message and change nothing."""
    before = snapshot()
    configure_feed(settings, key, feed_server.serve(f"/down.{extension}", b"", status=503))
    run = run_import(key)
    assert run.status == S.FAILED and "HTTP 503" in run.message
    configure_feed(settings, key, closed_port_url(f"{key}.{extension}"))
    run = run_import(key)
    assert run.status == S.FAILED and "无法连接数据源" in run.message
    assert snapshot() == before
    assert Feed.objects.get(key=key).last_success_id == loaded.pk


def assert_slow_feed_keeps_data(key, extension, content, feed_server, settings, snapshot):
    """A feed answering after 2 s (use with the `short_timeout` fixture) fails and changes nothing."""
    before = snapshot()
    configure_feed(settings, key, feed_server.serve(f"/slow.{extension}", content, delay=2))
    run = run_import(key)
    assert run.status == S.FAILED and "超时" in run.message
    assert snapshot() == before


def assert_refused_keeping_data(snapshot, load, *words):
    """`load()`, an import, is refused whole with a message saying each of `words`, and the data
    (`snapshot()`) stays as it was."""
    before = snapshot()
    run = load()
    assert run.status == S.REFUSED, run.message
    for word in words:
        assert word in run.message
    assert snapshot() == before
    return run


def rejected_reasons(run):
    """{"第 n 条/行": reason} of a run's rejected rows."""
    return {entry["row"]: entry["reason"] for entry in run.rejected}


# --- the page -----------------------------------------------------------------------------------------


def path(page):
    return page.relative_url(page.get_site())


def get(client, page, data=None, *, ip):
    return client.get(path(page), data or {}, HTTP_HOST=page.get_site().hostname, REMOTE_ADDR=ip)


def post(client, page, *, ip, **data):
    """The form posted from `ip` with the captcha answered (a `captcha` in `data` overrides it)."""
    data = {"captcha_id": new_challenge(), "captcha": "2345", **data}
    return client.post(path(page), data, HTTP_HOST=page.get_site().hostname, REMOTE_ADDR=ip)


def html(response):
    return response.content.decode()


def assert_private(response):
    """Never stored by the browser or a proxy, never indexed."""
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert "noindex" in response["X-Robots-Tag"]


def assert_refused(response, words):
    """A 429 answer saying `words`, kept out of caches, telling when to try again."""
    assert response.status_code == 429 and words in html(response)
    assert int(response["Retry-After"]) > 0
    assert_private(response)


def assert_the_address_limit(client, page, malformed, query, ip, other_ip):
    """LOOKUPS_PER_IP lookups, even malformed ones, use up an address's hour: the next lookup is
    refused (and logged once however often it is repeated); another address is not affected."""
    for _ in range(personal.LOOKUPS_PER_IP):
        post(client, page, ip=ip, **malformed)
    assert_refused(post(client, page, ip=ip, **query), "查询过于频繁")
    post(client, page, ip=ip, **query)
    assert LookupAttempt.objects.filter(outcome=LookupAttempt.Outcome.LIMITED, ip=ip).count() == 1
    assert post(client, page, ip=other_ip, **query).status_code == 200


def assert_paused(response, words, hidden, outcome):
    """An identifier paused for the hour: refused saying `words`, showing nothing of the answer
    (`hidden`), the refusal logged once with `outcome`."""
    assert_refused(response, words)
    assert hidden not in html(response)
    assert LookupAttempt.objects.filter(outcome=outcome).count() == 1


def assert_kept_out_of_site_search(page, models, instance, values):
    """After the site search is rebuilt: `models` are not indexed, `instance` has no document, no
    document holds any of `values`, and the lookup page itself (its title and introduction) is
    found once."""
    from search import indexing
    from search.models import SearchDocument

    indexing.rebuild()
    for model in models:
        assert not indexing.is_indexed_type(model), model
    assert indexing.document_for(instance) is None
    bodies = json.dumps(list(SearchDocument.objects.values("title", "body", "url")), ensure_ascii=False)
    for value in values:
        assert value not in bodies
    assert SearchDocument.objects.filter(url__endswith=path(page), title=page.title).count() == 1
