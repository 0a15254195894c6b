"""The Celery application: Redis broker when REDIS_URL is set, a file-system broker otherwise."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_project.settings.dev")

app = Celery("portal_project")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Wagtail publishes pages whose go-live time has come only when something runs this.
    "publish-scheduled-pages": {
        "task": "home.tasks.publish_scheduled_pages",
        "schedule": crontab(minute="*"),
    },
}
