"""Turning public content into SearchDocument rows: the only module that writes them.

`document_for(obj)` builds the (unsaved) row for a page or a letter, or returns None when the
object must not be found: not live, behind a view restriction (private), expired, a letter that is
not published, a page without a public address. `index_object` stores or removes the row, so it
always reflects the object's current state, and `rebuild` does it for everything and deletes rows
whose object is gone.

Text is masked (home.masking.mask_text) before it is stored, so neither the index nor the
snippets ever hold personal data; the segmented words are made from the masked text. The
database's full-text entry follows the row in the same transaction: SQLite's triggers (migration
0002) and, on PostgreSQL, the UPDATE of search_vector below.

Signals (search/signals.py) call `search.tasks.update_index(source)` after the transaction
commits; the task reloads the object and calls `index_object`, so repeated or late tasks are
harmless.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from home.masking import mask_text
from search import segment
from search.models import SearchDocument
from workflows.word_check import body_text_fields, plain_text

logger = logging.getLogger(__name__)

Kind = SearchDocument.Kind
MAX_BODY_CHARS = 30000
# Service guides and convenience pages are what most visitors look for (the 直达 box).
HIGH_BOOST = 1.5
LETTER_BOOST = 0.9
# Repealed or expired documents stay findable but rank below valid ones.
REPEALED_BOOST = 0.6
BATCH_SIZE = 200

_local = threading.local()


# --- Pausing (bulk imports index once at the end) -----------------------------------------------


@contextmanager
def paused():
    """Signals queue no index updates inside this block (a demo import, say); call `rebuild()` after."""
    _local.paused = getattr(_local, "paused", 0) + 1
    try:
        yield
    finally:
        _local.paused -= 1


def is_paused():
    return getattr(_local, "paused", 0) > 0


# --- Sources ------------------------------------------------------------------------------------


def source_for(obj):
    """ "<app_label>.<model>:<pk>", the page's most specific type for pages."""
    model = type(obj)
    if isinstance(obj, Page):
        model = obj.specific_class or model
    return f"{model._meta.label_lower}:{obj.pk}"


def object_for_source(source):
    label, _sep, pk = str(source).partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    try:
        return model._default_manager.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


# --- Building documents -------------------------------------------------------------------------


class _Context:
    """Lookups shared by the documents of one run (a rebuild builds thousands)."""

    def __init__(self, bulk=False):
        self.bulk = bulk
        self._organisations = {}
        self._column_kinds = None
        self._boxes = {}

    def organisation_for_site(self, site):
        from home.models import Organisation

        if site is None:
            return None
        if site.pk not in self._organisations:
            self._organisations[site.pk] = Organisation.objects.filter(site=site).first()
        return self._organisations[site.pk]

    def column_kind(self, path):
        from subsite_pages.models import ColumnPage

        if not self.bulk:
            return ColumnPage.objects.filter(path=path).values_list("kind", flat=True).first()
        if self._column_kinds is None:
            self._column_kinds = dict(ColumnPage.objects.values_list("path", "kind"))
        return self._column_kinds.get(path)

    def public_box(self, box):
        """(site, base url) of a letter box whose published letters are public, else None."""
        if box.pk not in self._boxes:
            usable = box.live and box.public_listing and not box.get_view_restrictions().exists()
            site = box.get_site() if usable else None
            url = box.get_full_url() if site else None
            self._boxes[box.pk] = (site, url) if url else None
        return self._boxes[box.pk]


def _text(*parts):
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())


def _rich(value):
    return plain_text(value) if value else ""


def _stream(value):
    if not value:
        return ""
    return _text(*(plain_text(text) for text in body_text_fields(value).values()))


def _aware(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime(value.year, value.month, value.day))


def _han_characters(text):
    """Each Han character of a title once, so a one-character query (税, 房) finds titles."""
    return list(dict.fromkeys(char for char in segment.normalise(text) if segment.HAN.match(char)))


def _make(
    source, kind, site, organisation, title, body, url, date, boost=1.0, title_extra=(), dictionary=None
):
    """An unsaved SearchDocument with masked body and segmented words."""
    title = (title or "").strip()[:255]
    body = mask_text(body or "")[:MAX_BODY_CHARS]
    title_text = _text(title, *title_extra)
    title_terms = segment.terms(title_text, dictionary) + _han_characters(title)
    body_terms = segment.terms(body, dictionary)
    if organisation is not None:
        # "教育局 招生" finds 教育局's articles about 招生 although they never name their own unit.
        body_terms += segment.terms(f"{organisation.name} {organisation.short_name}", dictionary)
    return SearchDocument(
        source=source,
        kind=kind,
        site=site,
        organisation=organisation,
        title=title,
        body=body,
        url=(url or "")[:500],
        date=_aware(date),
        title_terms=" ".join(title_terms),
        body_terms=" ".join(body_terms),
        boost=boost,
    )


def _page_document(page, context, kind, body, *, organisation=None, date=None, boost=1.0, title_extra=()):
    site = page.get_site()
    url = page.get_full_url() if site else None
    if not url:
        return None
    return _make(
        source_for(page),
        kind,
        site,
        organisation or context.organisation_for_site(site),
        page.title,
        _text(page.search_description, body),
        url,
        date or page.last_published_at or page.first_published_at,
        boost,
        title_extra,
    )


def _article(page, context):
    parent_kind = context.column_kind(page.path[: -Page.steplen])
    kind = Kind.POLICY if parent_kind == "policy" else Kind.ARTICLE
    body = _text(page.subtitle, page.summary, _stream(page.body), page.source)
    return _page_document(page, context, kind, body, date=page.publish_date)


def _content_page(page, context):
    return _page_document(page, context, Kind.ARTICLE, _stream(page.body))


def _service_item(page, context):
    materials = "、".join(page.materials.values_list("name", flat=True))
    themes = " ".join(page.themes.values_list("name", flat=True))
    events = " ".join(page.life_events.values_list("name", flat=True))
    body = _text(
        page.organisation.name if page.organisation_id else "",
        page.get_item_type_display(),
        page.get_online_depth_display(),
        themes,
        events,
        f"受理条件：{_rich(page.conditions)}",
        f"申请材料：{materials}" if materials else "",
        f"办理流程：{_rich(page.procedure)}",
        f"设定依据：{_rich(page.legal_basis)}",
        f"办理形式：{page.handling_form}" if page.handling_form else "",
        f"办理地点：{page.location}" if page.location else "",
        f"办理时间：{page.office_hours}" if page.office_hours else "",
        f"办理结果：{page.result_name}" if page.result_name else "",
        f"基本编码：{page.basic_code}",
    )
    organisation = page.organisation if page.organisation_id else None
    return _page_document(page, context, Kind.SERVICE, body, organisation=organisation, boost=HIGH_BOOST)


def _disclosure_document(page, context):
    body = _text(page.summary, page.keywords, _stream(page.body))
    return _page_document(
        page,
        context,
        Kind.DISCLOSURE,
        body,
        organisation=page.organisation if page.organisation_id else None,
        date=page.publish_date,
        boost=REPEALED_BOOST if page.validity != page.Validity.VALID else 1.0,
        title_extra=(page.index_number or "", page.document_number or ""),
    )


def _disclosure_guide(page, context):
    body = _text(
        _rich(page.scope),
        _rich(page.proactive),
        _rich(page.on_request),
        _rich(page.fees),
        _rich(page.supervision),
        page.office,
        page.address,
        page.office_hours,
    )
    organisation = page.organisation if page.organisation_id else None
    return _page_document(
        page, context, Kind.DISCLOSURE, body, organisation=organisation, date=page.updated_on
    )


def _key_project(page, context):
    progress = [text for text in page.progress.values_list("text", flat=True)]
    organisation = page.organisation if page.organisation_id else None
    return _page_document(
        page, context, Kind.DISCLOSURE, _text(page.target, *progress), organisation=organisation
    )


def _letter_box(page, context):
    body = _text(page.get_box_kind_display(), _rich(page.intro), page.notice)
    return _page_document(page, context, Kind.INTERACTION, body)


def _campaign(page, context):
    return _page_document(
        page,
        context,
        Kind.INTERACTION,
        _text(_rich(page.intro), _rich(page.result_text)),
        date=page.starts_at,
    )


def _survey(page, context):
    return _page_document(page, context, Kind.INTERACTION, _rich(page.intro), date=page.starts_at)


def _interview(page, context):
    guests = [f"{name} {position}" for name, position in page.guests.values_list("name", "position")]
    turns = []
    for block in getattr(page.transcript, "raw_data", None) or []:
        value = block.get("value") or {}
        if isinstance(value, dict):
            turns.append(f"{value.get('speaker', '')}：{value.get('text', '')}")
    organisation = page.organisation if page.organisation_id else None
    body = _text(_rich(page.intro), *guests, *turns)
    return _page_document(
        page, context, Kind.INTERACTION, body, organisation=organisation, date=page.starts_at
    )


def _convenience(page, context):
    parts = []
    for name in ("intro", "summary", "description", "body"):
        value = getattr(page, name, None)
        if value is None or callable(value):
            continue
        parts.append(_stream(value) if hasattr(value, "raw_data") else _rich(value))
    return _page_document(page, context, Kind.CONVENIENCE, _text(*parts), boost=HIGH_BOOST)


def _convenience_column(page, context):
    if page.kind != "convenience":
        return None
    return _convenience(page, context)


@lru_cache(maxsize=1)
def page_builders():
    """{page model: builder} for every indexed page type that exists in this installation."""
    wanted = [
        ("subsite_pages.ArticlePage", _article),
        ("subsite_pages.ContentPage", _content_page),
        ("subsite_pages.ColumnPage", _convenience_column),
        ("services.ServiceItemPage", _service_item),
        ("services.ServiceHallPage", _convenience),
        ("disclosure.DisclosureDocumentPage", _disclosure_document),
        ("disclosure.DisclosureGuidePage", _disclosure_guide),
        ("disclosure.KeyProjectPage", _key_project),
        ("forms.LetterBoxPage", _letter_box),
        ("forms.CampaignPage", _campaign),
        ("forms.SurveyPage", _survey),
        ("forms.InterviewPage", _interview),
    ]
    builders = {}
    for label, builder in wanted:
        try:
            builders[apps.get_model(label)] = builder
        except LookupError:
            continue
    for model in apps.get_models():
        if issubclass(model, Page) and model.__name__.startswith("Convenience") and model not in builders:
            builders[model] = _convenience
    return builders


def is_indexed_type(obj_or_model):
    from forms.models import Letter

    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    if isinstance(obj_or_model, Page):
        model = obj_or_model.specific_class or model
    return model in page_builders() or model is Letter


def _is_public_page(page):
    if not page.live or page.expired:
        return False
    if page.expire_at and page.expire_at <= timezone.now():
        return False
    return not page.get_view_restrictions().exists()


def _letter(letter, context):
    site_and_url = context.public_box(letter.box)
    if site_and_url is None or not letter.number:
        return None
    site, base = site_and_url
    box = letter.box
    url = base + box.reverse_subpage("letter_detail", args=[letter.number])
    organisation = letter.unit or box.handling_organisation or context.organisation_for_site(site)
    # public_* are masked with the writer's name too; mask_text in _make runs once more, harmlessly.
    body = _text(letter.public_content, f"答复：{letter.public_reply}" if letter.reply else "")
    return _make(
        source_for(letter),
        Kind.INTERACTION,
        site,
        organisation,
        letter.public_title,
        body,
        url,
        letter.replied_at or letter.closed_at or letter.received_at,
        LETTER_BOOST,
    )


def document_for(obj, _context=None):
    """The SearchDocument (unsaved) for a supported page or letter, or None when it must not be
    searchable (or is of a type that is not indexed)."""
    from forms.models import Letter

    context = _context or _Context()
    if isinstance(obj, Letter):
        letter = Letter.objects.published().select_related("box", "unit").filter(pk=obj.pk).first()
        return _letter(letter, context) if letter is not None else None
    if isinstance(obj, Page):
        model = obj.specific_class or type(obj)
        builder = page_builders().get(model)
        if builder is None:
            return None
        # The stored row holds the published version; an instance in memory may carry draft edits.
        page = model.objects.filter(pk=obj.pk).first()
        if page is None or not _is_public_page(page):
            return None
        return builder(page, context)
    return None


# --- Writing ------------------------------------------------------------------------------------

_FIELDS = ("kind", "site_id", "organisation_id", "title", "body", "url", "date", "title_terms", "body_terms")


def _unchanged(stored, document):
    return all(getattr(stored, name) == getattr(document, name) for name in _FIELDS) and (
        abs(stored.boost - document.boost) < 1e-9
    )


def _update_vector(pk):
    if connection.vendor == "postgresql":
        from search.engine import POSTGRES_VECTOR_SQL

        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE search_searchdocument SET search_vector = {POSTGRES_VECTOR_SQL} WHERE id = %s", [pk]
            )


def _external_backend():
    from search.engine import ElasticsearchBackend, get_backend

    backend = get_backend()
    return backend if isinstance(backend, ElasticsearchBackend) else None


def _after_commit(action, *args):
    """Copy a change to Elasticsearch once the row is committed; a failure is logged, the next
    update or a rebuild puts it right."""

    def run():
        backend = _external_backend()
        if backend is None:
            return
        try:
            getattr(backend, action)(*args)
        except Exception:  # noqa: BLE001 - the database index already has the change
            logger.exception("Elasticsearch 索引更新失败：%s", args[0] if args else "")

    transaction.on_commit(run)


def store(document):
    """Insert or update the row for `document.source` (nothing when it is unchanged)."""
    with transaction.atomic():
        stored = SearchDocument.objects.filter(source=document.source).first()
        if stored is not None and _unchanged(stored, document):
            return stored
        if stored is not None:
            document.pk = stored.pk
            document.save(force_update=True)
        else:
            try:
                with transaction.atomic():
                    document.save(force_insert=True)
            except IntegrityError:  # another worker created it meanwhile
                document.pk = SearchDocument.objects.values_list("pk", flat=True).get(source=document.source)
                document.save(force_update=True)
        _update_vector(document.pk)
    if _external_backend() is not None:
        _after_commit("index", document)
    return document


def remove_source(source):
    deleted, _ = SearchDocument.objects.filter(source=source).delete()
    if _external_backend() is not None:
        _after_commit("remove", source)
    return deleted


def remove_object(obj):
    return remove_source(source_for(obj))


def index_object(obj):
    """Make the index reflect `obj` now: store its document, or remove it when it has none."""
    document = document_for(obj)
    if document is None:
        remove_object(obj)
        return None
    return store(document)


def update_source(source):
    """What the background task does: index the object behind `source`, or forget it."""
    from forms.models import Letter, LetterBoxPage

    obj = object_for_source(source)
    if obj is None:
        remove_source(source)
        return None
    document = index_object(obj)
    if isinstance(obj, LetterBoxPage):
        # The box's address and visibility are its letters' too.
        letters = Letter.objects.filter(box=obj)
        candidates = {source_for_letter(pk) for pk in letters.published().values_list("pk", flat=True)}
        letter_sources = [source_for_letter(pk) for pk in letters.values_list("pk", flat=True)]
        for chunk_start in range(0, len(letter_sources), 500):
            chunk = letter_sources[chunk_start : chunk_start + 500]
            candidates |= set(
                SearchDocument.objects.filter(source__in=chunk).values_list("source", flat=True)
            )
        for letter_source in sorted(candidates):
            update_source(letter_source)
    return document


def source_for_letter(pk):
    from forms.models import Letter

    return f"{Letter._meta.label_lower}:{pk}"


def update_subtree(page_id):
    """A page moved, changed slug or privacy: re-index it and every indexed page below it."""
    root = Page.objects.filter(pk=page_id).first()
    if root is None:
        return 0
    pages = Page.objects.descendant_of(root, inclusive=True).type(*page_builders()).only("pk", "content_type")
    sources = [source_for(page) for page in pages.order_by("path")]
    for source in sources:
        update_source(source)
    return len(sources)


def refresh_documents(words=(), organisation_id=None):
    """Re-index the documents a dictionary change segments differently: those containing one of
    `words`, or belonging to `organisation_id` (its name is part of their words)."""
    segment.load_dictionary()  # the new word list, so that is_new_word sees it
    condition = Q()
    for word in {segment.normalise(word).strip() for word in words if segment.is_new_word(word)}:
        if word:
            condition |= Q(title__icontains=word) | Q(body__icontains=word)
    if organisation_id:
        condition |= Q(organisation_id=organisation_id)
    if not condition:
        return 0
    sources = list(SearchDocument.objects.filter(condition).values_list("source", flat=True))
    for source in sources:
        update_source(source)
    return len(sources)


# --- Rebuild ------------------------------------------------------------------------------------


def _plan():
    """(builder, queryset) for everything that may be searchable, in a stable order."""
    from forms.models import Letter

    plan = []
    for model, builder in page_builders().items():
        pages = model.objects.live().public().filter(expired=False).order_by("pk")
        if builder is _convenience_column:
            pages = pages.filter(kind="convenience")
        plan.append((builder, pages))
    letters = Letter.objects.published().select_related("box", "unit").order_by("pk")
    plan.append((_letter, letters))
    return plan


def rebuild(progress=None, stats=None):
    """Index every live, public page and published letter, delete rows for anything else, and
    return how many documents the index holds. `progress(done, total)` is called as it goes;
    `stats` (a dict), when given, receives "indexed", "removed" and "total"."""
    from search.engine import ElasticsearchBackend, ensure_index_objects, get_backend

    ensure_index_objects()
    context = _Context(bulk=True)
    plan = _plan()
    total = sum(queryset.count() for _builder, queryset in plan)
    seen, done = set(), 0
    now = timezone.now()
    with segment.pinned():
        for builder, queryset in plan:
            batch = []
            for obj in queryset.iterator(chunk_size=500):
                done += 1
                if not (isinstance(obj, Page) and obj.expire_at and obj.expire_at <= now):
                    document = builder(obj, context)
                    if document is not None:
                        batch.append(document)
                if len(batch) >= BATCH_SIZE:
                    seen.update(_store_batch(batch))
                    batch = []
                if progress:
                    progress(done, total)
            seen.update(_store_batch(batch))

    stored = dict(SearchDocument.objects.values_list("source", "pk"))
    stale = [pk for source, pk in stored.items() if source not in seen]
    for start in range(0, len(stale), 500):
        SearchDocument.objects.filter(pk__in=stale[start : start + 500]).delete()

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        elif connection.vendor == "postgresql":
            from search.engine import POSTGRES_VECTOR_SQL

            cursor.execute(f"UPDATE search_searchdocument SET search_vector = {POSTGRES_VECTOR_SQL}")

    count = SearchDocument.objects.count()
    if stats is not None:
        stats.update(indexed=len(seen), removed=len(stale), total=count)
    backend = get_backend()
    if isinstance(backend, ElasticsearchBackend):
        try:
            backend.create_index(recreate=True)
            backend.bulk_index(SearchDocument.objects.order_by("pk").iterator(chunk_size=500))
            backend.refresh()
        except Exception as error:  # noqa: BLE001 - the database index is complete and answers meanwhile
            logger.exception("Elasticsearch 索引重建失败")
            if stats is not None:
                stats["elasticsearch_error"] = str(error)
    return count


def _store_batch(documents):
    sources = []
    if not documents:
        return sources
    with transaction.atomic():
        for document in documents:
            stored = SearchDocument.objects.filter(source=document.source).first()
            if stored is None:
                document.save(force_insert=True)
            elif not _unchanged(stored, document):
                document.pk = stored.pk
                document.save(force_update=True)
            sources.append(document.source)
    return sources
