"""Loopback benchmarks only (bench/letters.py): production settings with a fixed captcha answer.

production.py forces CAPTCHA_TEST_ANSWER empty; this module turns the fixed answer back on so an
automated client can pass the captcha of the public forms. Never point a real deployment at it:
with CAPTCHA_TEST_ANSWER set, the captcha stops nothing.

Without REDIS_URL every gunicorn worker would have its own in-memory cache, and a captcha issued
by one worker would be unknown to the worker that receives the POST (production runs with Redis,
docs/deployment.md). Unless BENCH_CACHE=locmem asks for exactly that, the benchmark then shares
a file cache under PORTAL_VAR_DIR between the workers instead. Django's file cache counts with a
non-atomic get + set, so under concurrency a rate-limit counter may miss a hit; Redis does not.
"""

from .base import VAR_DIR, env
from .production import *  # noqa: F403
from .production import REDIS_URL

CAPTCHA_TEST_ANSWER = env("CAPTCHA_TEST_ANSWER", "")

if not REDIS_URL and env("BENCH_CACHE", "file") == "file":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
