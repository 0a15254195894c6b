"""Fixed-window rate limits in the cache, and finding the visitor's address behind a proxy."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from home import ratelimit
from home.ratelimit import RateLimited, client_ip, hit, is_limited, too_many_requests

HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """A clock the limiter reads, set to the start of a window."""
    clock = SimpleNamespace(now=1_000_000 * HOUR)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def test_the_hit_after_the_limit_is_refused(clock):
    assert not is_limited("letter", "1.2.3.4", 3, HOUR)
    assert [hit("letter", "1.2.3.4", 3, HOUR) for _ in range(3)] == [True, True, True]
    assert is_limited("letter", "1.2.3.4", 3, HOUR)
    assert not hit("letter", "1.2.3.4", 3, HOUR)
    assert not hit("letter", "1.2.3.4", 3, HOUR)


def test_peeking_does_not_count(clock):
    for _ in range(5):
        assert not is_limited("letter", "1.2.3.4", 1, HOUR)
    assert hit("letter", "1.2.3.4", 1, HOUR)
    assert is_limited("letter", "1.2.3.4", 1, HOUR)


def test_identifiers_and_scopes_are_counted_separately(clock):
    assert hit("letter", "1.2.3.4", 1, HOUR)
    assert not hit("letter", "1.2.3.4", 1, HOUR)
    assert hit("letter", "5.6.7.8", 1, HOUR)
    assert hit("survey", "1.2.3.4", 1, HOUR)


def test_a_new_window_starts_a_new_count(clock):
    assert hit("letter", "1.2.3.4", 1, HOUR)
    clock.now += HOUR - 1
    assert not hit("letter", "1.2.3.4", 1, HOUR)
    assert ratelimit.retry_after(HOUR) == 2
    clock.now += 1
    assert not is_limited("letter", "1.2.3.4", 1, HOUR)
    assert hit("letter", "1.2.3.4", 1, HOUR)


def test_identifiers_do_not_appear_in_cache_keys(clock):
    key = ratelimit._key("letter", "13812341234", 0)
    assert "13812341234" not in key
    assert key.startswith("ratelimit:letter:") and len(key.split(":")[2]) == 32


def request_from(remote_addr, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra)


def test_client_ip_without_proxies_ignores_forwarded_for():
    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_client_ip_behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    # A forged entry sent by the client sits left of what nginx appended.
    assert client_ip(request_from("127.0.0.1", "1.1.1.1, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from("127.0.0.1", "2001:db8::1")) == "2001:db8::1"
    # No header (the proxy was bypassed) or garbage: the connecting address.
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "not-an-ip")) == "127.0.0.1"


def test_client_ip_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.2", "1.1.1.1, 203.0.113.7, 10.0.0.1")
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(request_from("10.0.0.2", "203.0.113.7")) == "203.0.113.7"


def test_rate_limited_carries_a_chinese_message():
    assert RateLimited().message == "提交过于频繁，请稍后再试。"
    assert str(RateLimited("今天的提交次数已用完。")) == "今天的提交次数已用完。"


@pytest.mark.django_db
def test_too_many_requests_page():
    request = RequestFactory().post("/")
    response = too_many_requests(request, retry_after=120)
    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    html = response.content.decode()
    assert "提交过于频繁，请稍后再试。" in html
    assert "<html" in html and "返回首页" in html
    response = too_many_requests(request, "今天的提交次数已用完，请明天再试。")
    assert "今天的提交次数已用完，请明天再试。" in response.content.decode()
    assert not response.has_header("Retry-After")
