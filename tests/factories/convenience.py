"""Lookup pages on the portal's 便民服务 column, feed settings, and a local HTTP feed server."""

import copy
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from convenience.demo.build import LOOKUPS
from home.models import Organisation
from subsite_pages.models import ColumnPage

# The demo's slugs (gjj 公积金查询, tqyb 天气预报 …), so tests and demo address the same pages.
LOOKUP_SLUGS = {key.value: slug for key, (slug, *_details) in LOOKUPS.items()}


def lookup_page(key, title=None, **fields):
    """The published lookup page of `key` on the portal's 便民服务 (bmfw) column."""
    from convenience.models import ConvenienceLookupPage
    from convenience.models.feeds import FeedKey

    existing = ConvenienceLookupPage.objects.filter(lookup=key).first()
    if existing:
        return existing
    portal = Organisation.objects.get(label="www")
    column = ColumnPage.objects.child_of(portal.site.root_page).get(slug="bmfw")
    page = ConvenienceLookupPage(
        title=title or FeedKey(key).label, slug=LOOKUP_SLUGS[key], lookup=key, **fields
    )
    column.add_child(instance=page)
    page.save_revision().publish()
    return ConvenienceLookupPage.objects.get(pk=page.pk)


def configure_feed(settings, key, url, **extra):
    """Point one feed at `url` (pytest-django's `settings` fixture restores it afterwards)."""
    feeds = copy.deepcopy(settings.CONVENIENCE_FEEDS)
    feeds[key] = {**feeds[key], "url": url, **extra}
    settings.CONVENIENCE_FEEDS = feeds


class FeedServer:
    """A real HTTP server on 127.0.0.1 serving what a test puts on it:

        server.serve("/weather.json", body_bytes)            # 200
        server.serve("/down", b"", status=503)
        server.serve("/slow", body, delay=3)                 # answers after 3 s
    Requests are recorded in `server.requests` as (path, headers).
    """

    def __init__(self):
        self.routes = {}
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, dict(self.headers)))
                route = outer.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self.send_error(404)
                    return
                body, status, content_type, delay = route
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path):
        return self.base_url + path

    def serve(self, path, body, status=200, content_type=None, delay=0):
        if isinstance(body, str):
            body = body.encode()
        if content_type is None:
            content_type = "application/json" if path.endswith(".json") else "text/csv; charset=utf-8"
        self.routes[path] = (body, status, content_type, delay)
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
