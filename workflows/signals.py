from django.dispatch import receiver
from wagtail.signals import page_published, task_submitted

from subsite_pages.models import ArticlePage
from workflows import word_check  # noqa: F401  (connects the word-cache invalidation receivers)
from workflows.models import UnitReviewTask
from workflows.notifications import notify_review_requested
from workflows.syndication import submit_published_article


@receiver(page_published, sender=ArticlePage)
def queue_syndications_on_publish(sender, instance, revision=None, **kwargs):
    # The 报送人 is whoever asked for the review, not the reviewer whose approval published it.
    last_review = instance.workflow_states.order_by("-created_at").first()
    user = last_review.requested_by if last_review else getattr(revision, "user", None)
    submit_published_article(instance, user=user)


@receiver(task_submitted)
def notify_unit_reviewers(sender, instance, user=None, **kwargs):
    if isinstance(instance.task.specific, UnitReviewTask):
        notify_review_requested(instance, user)
