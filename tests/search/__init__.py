"""Helpers for the search tests: content is published the way editors publish it, and the index
updates that signals queue for after the commit are run (tests run inside a transaction)."""

from contextlib import contextmanager
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from subsite_pages.models import ArticlePage


@contextmanager
def committed():
    """Run the on-commit callbacks (the queued index tasks, eager in tests) at the end of the block."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def publish_article(column, title, text=None, days_ago=1, **fields):
    """An article published through a revision, as the editor's 发布 button does, and indexed."""
    with committed():
        article = ArticlePage(
            title=title,
            slug=f"s{ArticlePage.objects.count() + 1}-{timezone.now().strftime('%H%M%S%f')}",
            publish_date=timezone.now() - timedelta(days=days_ago),
            body=[("paragraph", f"<p>{text or title + '的正文。'}</p>")],
            **fields,
        )
        column.add_child(instance=article)
        article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)
