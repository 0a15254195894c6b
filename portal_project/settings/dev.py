"""`make run`: debug on, a throw-away secret, links built for port 8000."""

from .base import *  # noqa: F403
from .base import PORTAL_DOMAIN, env, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-secret-key-not-for-production")
PORTAL_PORT = int(env("PORTAL_PORT", "8000"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [
    f".{PORTAL_DOMAIN}",
    PORTAL_DOMAIN,
    "127.0.0.1",
    "localhost",
]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"http://www.{PORTAL_DOMAIN}:{PORTAL_PORT}")
# Serve static files straight from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
# The demo's 便民服务 feeds are its sample files, reloaded by the scheduled imports when stale.
CONVENIENCE_DEMO_FEEDS = env_bool("CONVENIENCE_DEMO_FEEDS", True)
WHITENOISE_AUTOREFRESH = True
