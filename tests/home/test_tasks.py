"""Background jobs: the beat schedule publishes scheduled pages; a real worker runs them in CI."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from home.tasks import publish_scheduled_pages
from portal_project.celery import app
from subsite_pages.models import ArticlePage
from tests.factories.site_group import column


def schedule_article(group, title):
    gzdt = column(group["jyj"], "gzdt")
    article = ArticlePage(title=title, slug=f"scheduled-{abs(hash(title)) % 10**8}", live=False)
    gzdt.add_child(instance=article)
    article.go_live_at = timezone.now() - timedelta(minutes=1)
    article.publish_date = timezone.now() - timedelta(minutes=1)
    article.save_revision(approved_go_live_at=article.go_live_at)
    return article


def test_beat_runs_the_scheduled_publisher_every_minute():
    entry = app.conf.beat_schedule["publish-scheduled-pages"]
    assert entry["task"] == "home.tasks.publish_scheduled_pages"
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_scheduled_article_goes_live_when_the_task_runs(group):
    article = schedule_article(group, "定时发布的冬季供暖通知")
    assert not ArticlePage.objects.get(pk=article.pk).live
    publish_scheduled_pages.delay().get(timeout=10)
    assert ArticlePage.objects.get(pk=article.pk).live


@pytest.mark.live_worker
@pytest.mark.skipif(
    os.environ.get("CELERY_LIVE_WORKER") != "1", reason="需要真实的 Celery worker（CI 第二轮启动）"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_publishes_the_scheduled_article(group):
    article = schedule_article(group, "由后台进程发布的定时信息")
    app.conf.task_always_eager = False
    try:
        result = publish_scheduled_pages.delay()
        assert result.get(timeout=60) == "ok"
    finally:
        app.conf.task_always_eager = True
    assert ArticlePage.objects.get(pk=article.pk).live
