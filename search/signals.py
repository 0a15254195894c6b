"""Keeping the index current: what changes, and which background task brings the index up to date.

Publishing, unpublishing, deleting, moving or renaming a page, changing a page's privacy, saving
a letter that is published or was until that save, and deleting a letter each queue a task once
the transaction commits (never inside it: the task must see the committed state, and a rolled-back
change must not reach the index). Units, live service
item titles and synonyms make up the custom dictionary: changing them reloads it everywhere and
re-segments the documents containing the words concerned.

Connected from SearchConfig.ready(). Inside `search.indexing.paused()` nothing is queued.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from search import indexing, segment

logger = logging.getLogger(__name__)


def _enqueue(task, *args):
    if indexing.is_paused():
        return

    def send():
        from kombu.exceptions import OperationalError

        try:
            task.delay(*args)
        except (OperationalError, OSError):
            # No broker: do it here rather than leave the index stale.
            logger.exception("无法提交搜索索引任务，改为立即执行")
            task(*args)

    transaction.on_commit(send)


def page_changed(sender, instance, **kwargs):
    from services.models import ServiceItemPage

    if isinstance(instance, ServiceItemPage):
        dictionary_changed([instance.title])
    if indexing.is_indexed_type(instance):
        from search import tasks

        _enqueue(tasks.update_index, indexing.source_for(instance))


def page_deleted(sender, instance, **kwargs):
    from services.models import ServiceItemPage

    if isinstance(instance, ServiceItemPage):
        dictionary_changed([instance.title])
    from search import tasks

    _enqueue(tasks.update_index, indexing.source_for(instance))


def subtree_changed(sender, instance, **kwargs):
    from search import tasks

    _enqueue(tasks.update_subtree, instance.pk)


def restriction_changed(sender, instance, raw=False, **kwargs):
    if raw or not instance.page_id:
        return
    from search import tasks

    _enqueue(tasks.update_subtree, instance.page_id)


def _is_published(letter_model, pk):
    return bool(pk) and letter_model.objects.published().filter(pk=pk).exists()


def remember_letter(sender, instance, raw=False, **kwargs):
    # Only a letter that is published, or was until this save, can have (or need) an index row:
    # a new letter and the saves while it is being handled queue nothing.
    if not (raw or indexing.is_paused()):
        instance._search_was_published = _is_published(sender, instance.pk)


def letter_saved(sender, instance, raw=False, **kwargs):
    if raw or indexing.is_paused():
        return
    if getattr(instance, "_search_was_published", True) or _is_published(sender, instance.pk):
        from search import tasks

        _enqueue(tasks.update_index, indexing.source_for(instance))


def letter_deleted(sender, instance, **kwargs):
    from search import tasks

    _enqueue(tasks.update_index, indexing.source_for(instance))


def dictionary_changed(words=(), organisation_id=None):
    """Reload the dictionary now and after commit; re-index what it now cuts differently."""
    segment.invalidate_dictionary()
    transaction.on_commit(segment.invalidate_dictionary)
    words = [word for word in dict.fromkeys(words) if word]
    if words or organisation_id:
        from search import tasks

        _enqueue(tasks.refresh_documents, words, organisation_id)


# Units and synonyms: remember the words before a save, to re-index what contained the old ones.


def remember_organisation(sender, instance, raw=False, **kwargs):
    old = (
        sender.objects.filter(pk=instance.pk).values_list("name", "short_name").first()
        if instance.pk
        else None
    )
    instance._search_old_names = old


def organisation_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_search_old_names", None)
    new = (instance.name, instance.short_name)
    if old == new and not created:
        return
    renamed = old is not None and old != new
    dictionary_changed([*new, *(old or ())], organisation_id=instance.pk if renamed else None)


def organisation_deleted(sender, instance, **kwargs):
    dictionary_changed([instance.name, instance.short_name])


def remember_synonym(sender, instance, raw=False, **kwargs):
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._search_old_words = old.word_list() if old else []


def synonym_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    dictionary_changed([*instance.word_list(), *getattr(instance, "_search_old_words", [])])
    from search import tasks
    from search.engine import ElasticsearchBackend, get_backend

    if isinstance(get_backend(), ElasticsearchBackend):
        _enqueue(tasks.sync_synonyms)


def connect():
    from wagtail.models import PageViewRestriction

    from forms.models import Letter
    from home.models import Organisation
    from search.models import Synonym

    page_published.connect(page_changed, dispatch_uid="search.page_published")
    page_unpublished.connect(page_changed, dispatch_uid="search.page_unpublished")
    # Per indexed model, not for every sender: a receiver for all models would stop Django's fast
    # (signal-free) bulk deletes everywhere.
    for model in indexing.page_builders():
        post_delete.connect(
            page_deleted, sender=model, dispatch_uid=f"search.deleted.{model._meta.label_lower}"
        )
    post_page_move.connect(subtree_changed, dispatch_uid="search.page_moved")
    page_slug_changed.connect(subtree_changed, dispatch_uid="search.page_slug_changed")
    post_save.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_saved"
    )
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_deleted"
    )
    pre_save.connect(remember_letter, sender=Letter, dispatch_uid="search.letter_pre_save")
    post_save.connect(letter_saved, sender=Letter, dispatch_uid="search.letter_saved")
    post_delete.connect(letter_deleted, sender=Letter, dispatch_uid="search.letter_deleted")
    pre_save.connect(remember_organisation, sender=Organisation, dispatch_uid="search.organisation_pre_save")
    post_save.connect(organisation_changed, sender=Organisation, dispatch_uid="search.organisation_saved")
    post_delete.connect(organisation_deleted, sender=Organisation, dispatch_uid="search.organisation_deleted")
    pre_save.connect(remember_synonym, sender=Synonym, dispatch_uid="search.synonym_pre_save")
    post_save.connect(synonym_changed, sender=Synonym, dispatch_uid="search.synonym_saved")
    post_delete.connect(synonym_changed, sender=Synonym, dispatch_uid="search.synonym_deleted")
