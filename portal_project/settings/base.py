"""Settings shared by every environment. Every deployment knob is read from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)

# The site group lives under one domain: www.<domain>, <branch>.<domain>, <unit>.<domain>.
PORTAL_DOMAIN = env("PORTAL_DOMAIN", "jimo.localhost")
# The port public links are built with (80/443 behind a proxy, 8000 for `make run`).
PORTAL_PORT = int(env("PORTAL_PORT", "80"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [f".{PORTAL_DOMAIN}", PORTAL_DOMAIN]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "subsite_pages",
    "workflows",
    "forms",
    "services",
    "disclosure",
    "convenience",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_localize",
    "wagtail_localize.locales",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_group",
            ],
        },
    },
]

WSGI_APPLICATION = "portal_project.wsgi.application"

# SQLite by default (embedded, zero set-up); PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
# Give the cache its own Redis database in production: clearing the cache empties that database.
REDIS_CACHE_URL = env("REDIS_CACHE_URL", REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
# Citizens' uploads (letter attachments, application materials): never served as static media.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Search: Wagtail's database backend by default; Elasticsearch when ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": env("ELASTICSEARCH_INDEX", "jimo_portal"),
            "TIMEOUT": 10,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Wagtail's own background jobs (search index updates, reference index) via django-tasks.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Celery: Redis when REDIS_URL is set, otherwise a file-system broker that needs no server.
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Broadcast (control) messages would otherwise land in ./control of the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    # The file-system broker and result store need their folders before the first message.
    for folder in (
        "celery-broker/queue",
        "celery-broker/processed",
        "celery-broker/control",
        "celery-results",
    ):
        (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"noreply@{PORTAL_DOMAIN}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
WAGTAIL_SITE_NAME = "即墨市政务网站群管理平台"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"http://www.{PORTAL_DOMAIN}")
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "odt",
    "ods",
    "zip",
    "mp3",
    "mp4",
    "wav",
    "ogg",
    "webm",
]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# Reverse proxies in front of the app (nginx: 1): rate limits then count the client's own address.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
# A fixed captcha answer for automated tests and the browser test server only; production refuses it.
CAPTCHA_TEST_ANSWER = env("CAPTCHA_TEST_ANSWER", "")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Wagtail's background tasks log every run at INFO; keep the console readable.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}


def require_secret_key():
    if not SECRET_KEY:
        raise ImproperlyConfigured("请设置环境变量 SECRET_KEY。")


# Letters (政民互动): reminder schedule
# Hours in Asia/Shanghai; portal_project/celery.py reads the same environment variables for beat.
LETTER_REMINDER_HOUR = int(env("LETTER_REMINDER_HOUR", "8"))  # daily due-date reminders at HH:00
LETTER_DIGEST_HOUR = int(env("LETTER_DIGEST_HOUR", "8"))  # the supervisors' digest at HH:30
LETTER_REMIND_DAYS_BEFORE = int(env("LETTER_REMIND_DAYS_BEFORE", "2"))  # calendar days before due
# Days after closure when a letter's personal data is erased (the case and its figures stay).
LETTER_RETENTION_DAYS = int(env("LETTER_RETENTION_DAYS", "1095"))


# Search
# The site-group search (search/engine.py). "auto": Elasticsearch when ELASTICSEARCH_URL is set
# (needs the analysis-smartcn plugin), otherwise the database's own full-text index (SQLite FTS5 or
# PostgreSQL tsvector over jieba-segmented words). "database" forces the latter.
SEARCH_BACKEND = env("SEARCH_BACKEND", "auto")
SEARCH_ELASTICSEARCH_INDEX = env("SEARCH_ELASTICSEARCH_INDEX", "jimo_search")


# 便民服务 (convenience app): where each lookup's feed comes from, when it is fetched, and after
# how many hours without new data its page says the data is out of date. Per lookup KEY in FUND,
# TRAFFIC, WEATHER, PRICES, BUS, COACH, AIR, HYDRO: CONVENIENCE_<KEY>_URL (no URL: nothing is
# fetched; administrators upload files instead), CONVENIENCE_<KEY>_TOKEN (sent as a Bearer token)
# or CONVENIENCE_<KEY>_USERNAME / _PASSWORD (HTTP basic), CONVENIENCE_<KEY>_SCHEDULE (cron:
# minute hour day month weekday, Beijing time), CONVENIENCE_<KEY>_STALE_HOURS.
CONVENIENCE_FEED_DEFAULTS = {
    # key: (schedule, stale hours)
    "fund": ("30 2 * * *", 72),  # the fund centre's nightly extract
    "traffic": ("0 */6 * * *", 48),
    "weather": ("5 * * * *", 12),  # forecasts are issued at 05, 11 and 17 o'clock
    "prices": ("30 9 * * *", 48),  # markets report by 9 o'clock
    "bus": ("0 3 * * *", 24 * 90),  # the network changes rarely; 90 days of silence is too long
    "coach": ("15 3 * * *", 24 * 90),
    "air": ("20 * * * *", 3),  # hourly readings
    "hydro": ("*/30 * * * *", 6),
}
CONVENIENCE_FEEDS = {
    key: {
        "url": env(f"CONVENIENCE_{key.upper()}_URL", ""),
        "token": env(f"CONVENIENCE_{key.upper()}_TOKEN", ""),
        "username": env(f"CONVENIENCE_{key.upper()}_USERNAME", ""),
        "password": env(f"CONVENIENCE_{key.upper()}_PASSWORD", ""),
        "schedule": env(f"CONVENIENCE_{key.upper()}_SCHEDULE", schedule),
        "stale_hours": int(env(f"CONVENIENCE_{key.upper()}_STALE_HOURS", str(stale_hours))),
    }
    for key, (schedule, stale_hours) in CONVENIENCE_FEED_DEFAULTS.items()
}
CONVENIENCE_FETCH_TIMEOUT = float(env("CONVENIENCE_FETCH_TIMEOUT", "15"))  # seconds
# Demo sites only (`make run` turns it on): a feed with no address is reloaded from its sample file
# once its data is stale, so a demo left running stays current. The log says 演示数据.
CONVENIENCE_DEMO_FEEDS = env_bool("CONVENIENCE_DEMO_FEEDS", False)
CONVENIENCE_MAX_FEED_BYTES = int(env("CONVENIENCE_MAX_FEED_BYTES", str(5 * 1024 * 1024)))
