"""Helpers shared by the tests of the convenience lookups: import a feed over the local HTTP server
(or as an administrator's upload), read a run's rejected rows, show that feeds which cannot be
fetched keep the previous data, and request a lookup page or one of its sub-pages on its own host."""

import json
import socket

from django.db import connection
from django.test.utils import CaptureQueriesContext

from convenience.importers import importer_for
from convenience.models import Feed, ImportRun
from convenience.services import run_import
from tests.factories.convenience import configure_feed

S = ImportRun.Status


# --- importing -------------------------------------------------------------------------------------


def as_bytes(content):
    """Bytes as they are, text as UTF-8, anything else (a dict, a list) as JSON keeping 中文 as is."""
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    return json.dumps(content, ensure_ascii=False).encode()


def feed_path(key, name=None):
    """The path a feed is served at: /<name or key>.csv or .json, by the importer's format."""
    return f"/{name or key}.{importer_for(key).format}"


def import_over_http(feed_server, settings, key, body, path=None, shift_days=0, **options):
    """Serve `body` (see `as_bytes`) on the feed server at `path` (default `feed_path(key)`; `options`
    such as `status=` and `delay=` go to `feed_server.serve`), point the feed at it and import it."""
    configure_feed(settings, key, feed_server.serve(path or feed_path(key), as_bytes(body), **options))
    return run_import(key, shift_days=shift_days)


def import_upload(key, content, file_name=""):
    """Import `content` (see `as_bytes`) as a file an administrator uploaded."""
    return run_import(key, content=as_bytes(content), source=ImportRun.Source.UPLOAD, file_name=file_name)


def closed_port_url(key):
    """A feed address on 127.0.0.1 at which nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{feed_path(key)}"


def rejected_reasons(run):
    """The run's rejected rows as {row label: reason}."""
    return {item["row"]: item["reason"] for item in run.rejected}


def assert_failures_keep_data(feed_server, settings, key, state, unreachable=True, slow=None):
    """Import `key` from feeds that cannot be fetched and show that nothing changed.

    With `unreachable`: a feed answering HTTP 503 and one on a closed port. With `slow` (a body the
    feed server sends after 2 s; the test needs the `short_timeout` fixture): a feed that times out.
    Each run fails with its Chinese message; `state()` (the lookup's data), the feed's last success
    and its data time are as they were, and the feed's last run is the last failed one. Returns the
    failed runs in that order."""
    before = state()
    feed = Feed.objects.get(key=key)
    runs = []
    if unreachable:
        down = import_over_http(feed_server, settings, key, b"", path=feed_path(key, "down"), status=503)
        assert down.status == S.FAILED and "HTTP 503" in down.message, down.message
        configure_feed(settings, key, closed_port_url(key))
        refused = run_import(key)
        assert refused.status == S.FAILED and "无法连接数据源" in refused.message, refused.message
        runs += [down, refused]
    if slow is not None:
        late = import_over_http(feed_server, settings, key, slow, path=feed_path(key, "slow"), delay=2)
        assert late.status == S.FAILED and "超时" in late.message, late.message
        runs.append(late)
    assert runs, "nothing was tried"
    assert state() == before
    after = Feed.objects.get(key=key)
    assert after.last_success_id == feed.last_success_id and after.data_as_of == feed.data_as_of
    assert after.last_run_id == runs[-1].pk
    return runs


# --- the pages -------------------------------------------------------------------------------------


def address(page):
    """The page's path and host name, worked out once (e.g. to keep it out of a query count)."""
    site = page.get_site()
    return page.relative_url(site), site.hostname


def _where(page):
    # A page's address is worked out on each request, as these tests always have: the query counts
    # they take around a request made with a page include these look-ups.
    if isinstance(page, tuple):
        return page
    return page.relative_url(page.get_site()), page.get_site().hostname


def page_get(client, page, sub="", data=None):
    """GET the lookup page (a page, or its `address`) or its sub-page `sub` ("route/3/") on its host."""
    path, host = _where(page)
    return client.get(path + sub, data or {}, HTTP_HOST=host)


def query_count(client, page, sub="", data=None):
    """How many queries a GET of the page (or sub-page) runs once the site's caches are warm; it must
    answer 200."""
    page_get(client, page, sub, data)  # warm the site's caches
    with CaptureQueriesContext(connection) as queries:
        response = page_get(client, page, sub, data)
    assert response.status_code == 200
    return len(queries)


def text(response):
    return response.content.decode()
