from django.dispatch import receiver
from wagtail.signals import page_published, task_submitted

from subsite_pages.models import ArticlePage
from workflows.models import UnitReviewTask
from workflows.notifications import notify_review_requested
from workflows.syndication import submit_published_article


@receiver(page_published, sender=ArticlePage)
def queue_syndications_on_publish(sender, instance, revision=None, **kwargs):
    user = getattr(revision, "user", None) if revision else None
    submit_published_article(instance, user=user)


@receiver(task_submitted)
def notify_unit_reviewers(sender, instance, user=None, **kwargs):
    if isinstance(instance.task.specific, UnitReviewTask):
        notify_review_requested(instance, user)
