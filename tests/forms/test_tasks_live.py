"""CI run 2: a real Celery worker (PostgreSQL + Redis) escalates an overdue letter."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from forms.models import Letter
from forms.tasks import escalate_overdue
from portal_project.celery import app
from tests.factories.letters import letter_world, write_letter


@pytest.mark.live_worker
@pytest.mark.skipif(
    os.environ.get("CELERY_LIVE_WORKER") != "1", reason="需要真实的 Celery worker（CI 第二轮启动）"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_escalates_an_overdue_letter():
    world = letter_world()
    letter, _code = write_letter(world.mayor, received_at=timezone.now() - timedelta(days=20))
    assert letter.is_overdue()
    app.conf.task_always_eager = False
    try:
        escalated = escalate_overdue.delay().get(timeout=60)
    finally:
        app.conf.task_always_eager = True
    assert escalated >= 1
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.escalated
    assert letter.events.filter(action="escalate", actor__isnull=True).exists()
