"""Fixed-window rate limits kept in the cache, for the public forms and anything else robots hit.

    if not ratelimit.hit("letter-submit", ratelimit.client_ip(request), limit=5, period_seconds=3600):
        return ratelimit.too_many_requests(request)

A counter per scope, identifier and window: `cache.add` creates it and `cache.incr` counts, both
atomic on Redis and on the local-memory cache, so concurrent requests cannot slip past the
limit. Identifiers (IP addresses, phone numbers) are hashed with the secret key before they
become cache keys, so the cache holds no personal data.

Behind a reverse proxy every request comes from the proxy: set `TRUSTED_PROXY_COUNT` to the
number of proxies in front of the application (1 for the nginx of docs/deployment.md), or every
visitor shares one counter.
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac

DEFAULT_MESSAGE = "提交过于频繁，请稍后再试。"


class RateLimited(Exception):
    """Raised by code that is not a view; the view turns it into `too_many_requests`."""

    def __init__(self, message=None, retry_after=None):
        self.message = message or DEFAULT_MESSAGE
        self.retry_after = retry_after
        super().__init__(self.message)


def _window(period_seconds):
    now = time.time()
    window = int(now // period_seconds)
    return window, int((window + 1) * period_seconds - now) + 1


def _key(scope, identifier, window):
    # Keyed with SECRET_KEY: a bare hash of an IPv4 address or a phone number is reversed by
    # trying them all.
    digest = salted_hmac("home.ratelimit", str(identifier), algorithm="sha256").hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}"


def hit(scope, identifier, limit, period_seconds):
    """Count one attempt; True while the window's count is within `limit`, False beyond it."""
    window, remaining = _window(period_seconds)
    key = _key(scope, identifier, window)
    cache.add(key, 0, remaining)
    try:
        count = cache.incr(key)
    except ValueError:
        # The entry expired between add and incr (the window just ended): this is its first hit.
        cache.add(key, 1, remaining)
        count = 1
    return count <= limit


def is_limited(scope, identifier, limit, period_seconds):
    """True when the window's `limit` is used up, i.e. the next `hit` would be refused."""
    window, _ = _window(period_seconds)
    return (cache.get(_key(scope, identifier, window)) or 0) >= limit


def retry_after(period_seconds):
    """Seconds until the current window ends, for a Retry-After header."""
    return _window(period_seconds)[1]


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or, behind `TRUSTED_PROXY_COUNT` proxies, the
    right-most X-Forwarded-For entry that none of our proxies added.

    Each proxy appends the address it received the request from, so with n proxies the client is
    the n-th entry from the right; anything further left was sent by the client and may be forged.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote_addr
    # Fewer entries than proxies: the request skipped an outer proxy, and the left-most entry is
    # still the one a proxy of ours wrote.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _valid_ip(candidate) or remote_addr


def too_many_requests(request, message=None, template=None, retry_after=None):
    """The 429 page, with the same theme as the 404 page."""
    response = render(
        request,
        template or "429.html",
        {"message": message or DEFAULT_MESSAGE},
        status=429,
    )
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response
