"""Production: every secret from the environment, manifest static files, secure cookies."""

from .base import *  # noqa: F403
from .base import env, env_bool, require_secret_key

DEBUG = False
require_secret_key()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
PORTAL_PORT = int(env("PORTAL_PORT", "443"))
# A fixed captcha answer would switch the captcha off: never in production.
CAPTCHA_TEST_ANSWER = ""
# Production runs behind one nginx (docs/deployment.md).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "1"))
