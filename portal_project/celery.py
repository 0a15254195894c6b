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
    # Letters (政民互动); the hours are the settings' LETTER_REMINDER_HOUR / LETTER_DIGEST_HOUR.
    "letters-deadline-reminders": {
        "task": "forms.tasks.send_deadline_reminders",
        "schedule": crontab(minute=0, hour=int(os.environ.get("LETTER_REMINDER_HOUR", "8"))),
    },
    "letters-escalate-overdue": {
        "task": "forms.tasks.escalate_overdue",
        "schedule": crontab(minute=5),
    },
    "letters-supervisor-digest": {
        "task": "forms.tasks.send_supervisor_digest",
        "schedule": crontab(minute=30, hour=int(os.environ.get("LETTER_DIGEST_HOUR", "8"))),
    },
    "letters-erase-personal-data": {
        "task": "forms.tasks.anonymise_old_letters",
        "schedule": crontab(minute=15, hour=3),
    },
    # Online service hall (网上办事): overdue applications, to the department head and supervisors.
    "services-notify-overdue": {
        "task": "services.tasks.notify_overdue_steps",
        "schedule": crontab(minute=10),
    },
    # 政务公开: requests due within 5 working days to the unit's officers, overdue ones to supervisors.
    "disclosure-deadline-reminders": {
        "task": "disclosure.tasks.remind_disclosure_deadlines",
        "schedule": crontab(minute=15, hour=8),
    },
}


@app.on_after_finalize.connect
def add_convenience_imports(sender, **kwargs):
    """便民服务 feeds, each at the schedule of its settings (CONVENIENCE_<KEY>_SCHEDULE)."""
    from convenience.tasks import beat_entries

    sender.conf.beat_schedule.update(beat_entries())
