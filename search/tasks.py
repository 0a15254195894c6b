"""Background index updates, so publishing a page or closing a letter never waits for segmentation.

Every task reloads what it is about and makes the index match its current state, so a task that
runs twice, late, or after a later change of the same object does no harm.
"""

import logging

from celery import shared_task

from search import indexing

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def update_index(source):
    """Index (or remove) the page or letter "<app_label>.<model>:<pk>"."""
    indexing.update_source(source)


@shared_task(ignore_result=True)
def update_subtree(page_id):
    """Re-index a page and everything below it (moved, renamed, made private or public again)."""
    return indexing.update_subtree(page_id)


@shared_task(ignore_result=True)
def refresh_documents(words=(), organisation_id=None):
    """Re-segment documents after the custom dictionary changed (new unit, guide title, synonym)."""
    return indexing.refresh_documents(words=list(words), organisation_id=organisation_id)


@shared_task(ignore_result=True)
def sync_synonyms():
    """Elasticsearch keeps its synonyms in the index settings: copy the Synonym table there."""
    from search.engine import ElasticsearchBackend, get_backend

    backend = get_backend()
    if isinstance(backend, ElasticsearchBackend):
        backend.update_synonyms()


@shared_task(ignore_result=True)
def rebuild_index():
    return indexing.rebuild()
