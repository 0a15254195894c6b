"""pytest: fast hashing, isolated media, mail kept in memory."""

import tempfile

from .base import *  # noqa: F403
from .base import PORTAL_DOMAIN, env

SECRET_KEY = "test-secret-key"
DEBUG = False
ALLOWED_HOSTS = [f".{PORTAL_DOMAIN}", PORTAL_DOMAIN, "testserver", "127.0.0.1", "localhost"]
PORTAL_PORT = int(env("PORTAL_PORT", "80"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-private-")
# Public forms under test answer the captcha with this; the captcha's own tests clear it.
CAPTCHA_TEST_ANSWER = "2345"
# Tasks run in-process unless a test talks to the real worker on purpose.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Search indexing is not under test yet; keeping it off keeps the suite fast. On PostgreSQL,
# Wagtail's database backend rewrites title norms on every insert, which inside one long test
# transaction grows quadratically.
for _backend in WAGTAILSEARCH_BACKENDS.values():  # noqa: F405
    _backend["AUTO_UPDATE"] = False
