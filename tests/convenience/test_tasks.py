"""The scheduled imports: the Celery task and the beat entries built from the settings."""

import copy
import os

import pytest
from celery.schedules import crontab

from convenience import services, tasks
from convenience.models import CoachTrip, ImportRun, ProduceItem
from convenience.models.feeds import FeedKey
from portal_project.celery import app
from tests.convenience.test_import_engine import GOOD_CSV, ItemImporter
from tests.factories.convenience import configure_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(monkeypatch):
    ItemImporter.calls = []
    monkeypatch.setattr(services, "importer_for", lambda key: ItemImporter())
    return ItemImporter


def set_schedule(settings, key, schedule):
    feeds = copy.deepcopy(settings.CONVENIENCE_FEEDS)
    feeds[key]["schedule"] = schedule
    settings.CONVENIENCE_FEEDS = feeds


def test_an_unconfigured_feed_is_skipped(importer):
    result = tasks.import_feed("prices")
    assert result == "prices: 未配置数据源地址，跳过"
    assert not ImportRun.objects.exists() and not importer.calls


def test_a_configured_feed_is_fetched_and_imported(importer, feed_server, settings):
    configure_feed(settings, "prices", feed_server.serve("/prices.csv", GOOD_CSV))
    result = tasks.import_feed.apply(args=("prices",)).get()
    assert result == "prices: 已导入，接受 3 行，拒绝 0 行"
    run = ImportRun.objects.get(feed="prices")
    assert run.source == ImportRun.Source.HTTP and run.user is None
    assert ProduceItem.objects.count() == 3
    assert len(feed_server.requests) == 1


def test_a_failing_feed_is_logged_not_raised(importer, feed_server, settings):
    configure_feed(settings, "prices", feed_server.serve("/prices.csv", "", status=500))
    assert tasks.import_feed("prices") == "prices: 抓取失败，接受 0 行，拒绝 0 行"
    assert ImportRun.objects.get(feed="prices").message == "数据源返回错误（HTTP 500）。"


def test_one_beat_entry_per_feed_at_its_schedule(settings):
    entries = tasks.beat_entries()
    assert set(entries) == {f"convenience-import-{key}" for key in FeedKey.values}
    weather = entries["convenience-import-weather"]
    assert weather["task"] == "convenience.tasks.import_feed"
    assert weather["args"] == ("weather",)
    assert weather["schedule"] == crontab(minute="5")  # the default: "5 * * * *"
    assert entries["convenience-import-fund"]["schedule"] == crontab(minute="30", hour="2")

    set_schedule(settings, "weather", "7 */2 * * 1-5")
    entry = tasks.beat_entries()["convenience-import-weather"]
    assert entry["schedule"] == crontab(minute="7", hour="*/2", day_of_week="1-5")
    assert entry["schedule"] != weather["schedule"]


@pytest.mark.parametrize("schedule", ["every hour", "5 * * *", "", "0 3 * * * *"])
def test_a_malformed_schedule_is_a_clear_error(settings, schedule):
    set_schedule(settings, "hydro", schedule)
    with pytest.raises(ValueError, match="CONVENIENCE_HYDRO_SCHEDULE 应为 5 段 cron 表达式"):
        tasks.beat_entries()


def test_an_out_of_range_schedule_is_refused(settings):
    set_schedule(settings, "air", "75 * * * *")
    with pytest.raises(ValueError):
        tasks.schedule_of("air")


def test_the_celery_app_has_the_convenience_entries():
    from portal_project.celery import app

    app.finalize()
    schedule = app.conf.beat_schedule
    for key in FeedKey.values:
        entry = schedule[f"convenience-import-{key}"]
        assert entry["task"] == "convenience.tasks.import_feed" and entry["args"] == (key,)
    assert "publish-scheduled-pages" in schedule  # the other entries are still there
    assert "convenience.tasks.import_feed" in app.tasks


def test_a_demo_site_reloads_a_stale_sample_feed_and_leaves_a_fresh_one(settings):
    settings.CONVENIENCE_DEMO_FEEDS = True
    result = tasks.import_feed("coach")
    run = ImportRun.objects.get(feed="coach")
    assert run.source == ImportRun.Source.DEMO and run.status == ImportRun.Status.APPLIED
    assert result.startswith("coach: 已导入")
    assert tasks.import_feed("coach") == "coach: 演示数据仍是最新的，跳过"
    assert ImportRun.objects.filter(feed="coach").count() == 1


@pytest.mark.live_worker
@pytest.mark.skipif(
    os.environ.get("CELERY_LIVE_WORKER") != "1", reason="需要真实的 Celery worker（CI 第二轮启动）"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_scheduled_import(group):
    """CI's worker runs with the dev settings (a demo site, no feed addresses): the scheduled import
    it receives loads the sample timetable into the database this test reads."""
    app.conf.task_always_eager = False
    try:
        message = tasks.import_feed.delay("coach").get(timeout=120)
    finally:
        app.conf.task_always_eager = True
    assert message.startswith("coach: 已导入"), message
    run = ImportRun.objects.get(feed="coach")
    assert run.source == ImportRun.Source.DEMO and run.rows_rejected == 0
    assert CoachTrip.objects.count() == run.rows_accepted > 100
