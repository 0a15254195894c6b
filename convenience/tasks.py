"""Scheduled imports: one beat entry per lookup, at the schedule its settings give."""

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from convenience import services
from convenience.models.feeds import FeedKey


@shared_task(name="convenience.tasks.import_feed")
def import_feed(key):
    """Fetch and import one feed; a lookup with no feed address is skipped (files are uploaded),
    except on a demo site (CONVENIENCE_DEMO_FEEDS), which reloads its sample file when stale."""
    if not services.is_configured(key):
        if not settings.CONVENIENCE_DEMO_FEEDS:
            return f"{key}: 未配置数据源地址，跳过"
        if not services.freshness(key).stale:
            return f"{key}: 演示数据仍是最新的，跳过"
        run = services.import_sample(key)
    else:
        run = services.run_import(key)
    return f"{key}: {run.get_status_display()}，接受 {run.rows_accepted} 行，拒绝 {run.rows_rejected} 行"


def schedule_of(key):
    """The crontab of a feed from its setting "minute hour day month weekday"."""
    fields = services.feed_settings(key)["schedule"].split()
    if len(fields) != 5:
        raise ValueError(f"CONVENIENCE_{key.upper()}_SCHEDULE 应为 5 段 cron 表达式")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


def beat_entries():
    return {
        f"convenience-import-{key}": {
            "task": "convenience.tasks.import_feed",
            "schedule": schedule_of(key),
            "args": (key,),
        }
        for key in FeedKey.values
    }
