from django.dispatch import receiver
from wagtail.signals import page_published

from subsite_pages.models import ArticlePage
from workflows.syndication import submit_published_article


@receiver(page_published, sender=ArticlePage)
def queue_syndications_on_publish(sender, instance, revision=None, **kwargs):
    user = getattr(revision, "user", None) if revision else None
    submit_published_article(instance, user=user)
