"""索引号: `机构代码/YYYY-NNNNN`, issued once on first publication, in sequence per unit and year,
never changed afterwards (edits, re-publishing, moves, reverts, a forged editor POST), and
distinct when several documents of one unit are published at the same moment."""

import re
import threading
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, close_old_connections, connection, connections, transaction
from django.urls import reverse

from disclosure.models import DisclosureDocumentPage, IndexNumberCounter
from disclosure.workflow import issue_index_number
from home.models import Organisation
from tests.factories.disclosure import add_document, zwgk

JYJ_CODE = "370282201"
GAJ_CODE = "370282202"


def number(page):
    return DisclosureDocumentPage.objects.values_list("index_number", flat=True).get(pk=page.pk)


def sequence(index_number):
    return int(index_number.rsplit("-", 1)[1])


# --- Format and sequences -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_number_is_unit_code_slash_year_dash_five_digits():
    page = add_document("jyj", "关于做好2026年义务教育招生入学工作的通知", publish_date=date(2026, 5, 6))
    assert re.fullmatch(r"370282201/2026-\d{5}", page.index_number), page.index_number
    assert page.index_number == f"{JYJ_CODE}/2026-00001"


@pytest.mark.django_db
def test_a_draft_has_no_number_until_it_is_published():
    page = add_document("jyj", "未发布的草稿", publish=False, publish_date=date(2026, 3, 1))
    assert number(page) is None
    page.get_latest_revision().publish()
    assert number(page) == f"{JYJ_CODE}/2026-00001"


@pytest.mark.django_db
def test_numbers_run_in_sequence_per_unit_and_year():
    first = add_document("jyj", "第一份", publish_date=date(2026, 1, 5))
    second = add_document("jyj", "第二份", publish_date=date(2026, 2, 5))
    third = add_document("jyj", "第三份", publish_date=date(2026, 3, 5))
    assert [number(p) for p in (first, second, third)] == [
        f"{JYJ_CODE}/2026-00001",
        f"{JYJ_CODE}/2026-00002",
        f"{JYJ_CODE}/2026-00003",
    ]


@pytest.mark.django_db
def test_each_unit_and_each_year_has_its_own_sequence():
    add_document("jyj", "教育局2026年第一份", publish_date=date(2026, 1, 5))
    add_document("jyj", "教育局2026年第二份", publish_date=date(2026, 2, 5))
    police = add_document("gaj", "公安局2026年第一份", publish_date=date(2026, 2, 6))
    older = add_document("jyj", "教育局2025年的文件", publish_date=date(2025, 12, 30))
    assert number(police) == f"{GAJ_CODE}/2026-00001"
    assert number(older) == f"{JYJ_CODE}/2025-00001"
    counters = dict(IndexNumberCounter.objects.filter(organisation__label="jyj").values_list("year", "last"))
    assert counters == {2026: 2, 2025: 1}


@pytest.mark.django_db
def test_the_year_is_the_publication_date_s_not_the_written_date():
    page = add_document(
        "jyj", "2025年底成文、2026年发布", written_date=date(2025, 12, 29), publish_date=date(2026, 1, 4)
    )
    assert number(page) == f"{JYJ_CODE}/2026-00001"


@pytest.mark.django_db
def test_without_an_organisation_the_site_s_unit_issues_the_number():
    # The editor requires 发布机构; a page stored without one (imported, say) still gets a number.
    page = add_document("gaj", "未选择发布机构的文件", publish=False, publish_date=date(2026, 4, 1))
    DisclosureDocumentPage.objects.filter(pk=page.pk).update(organisation=None)
    page = DisclosureDocumentPage.objects.get(pk=page.pk)
    assert issue_index_number(page) == f"{GAJ_CODE}/2026-00001"
    assert number(page) == f"{GAJ_CODE}/2026-00001"


@pytest.mark.django_db
def test_issuing_twice_returns_the_same_number_without_using_a_new_one():
    page = add_document("jyj", "重复签发", publish_date=date(2026, 4, 1))
    page.index_number = None  # a stale in-memory copy
    assert issue_index_number(page) == f"{JYJ_CODE}/2026-00001"
    assert IndexNumberCounter.objects.get(organisation__label="jyj", year=2026).last == 1


# --- Stability ------------------------------------------------------------------------------------


@pytest.fixture
def issued(db):
    page = add_document(
        "jyj", "关于印发《即墨市校外培训机构监督管理办法》的通知", publish_date=date(2026, 3, 2)
    )
    assert page.index_number == f"{JYJ_CODE}/2026-00001"
    return page


def test_editing_and_republishing_keeps_the_number(issued):
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    page.title = "关于印发《即墨市校外培训机构监督管理办法（修订）》的通知"
    page.written_date = page.publish_date = date(2025, 6, 1)  # even a changed year does not re-issue
    page.save_revision().publish()
    page.get_latest_revision().publish()
    assert number(page) == issued.index_number
    assert IndexNumberCounter.objects.get(organisation__label="jyj", year=2026).last == 1
    assert not IndexNumberCounter.objects.filter(organisation__label="jyj", year=2025).exists()


def test_unpublishing_and_publishing_again_keeps_the_number(issued):
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    page.unpublish()
    assert number(page) == issued.index_number
    page.get_latest_revision().publish()
    assert number(page) == issued.index_number


def test_moving_the_page_keeps_the_number(issued):
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    page.move(zwgk("gaj"), pos="last-child")
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    page.save_revision().publish()
    assert number(page) == issued.index_number
    assert not IndexNumberCounter.objects.filter(organisation__label="gaj").exists()


def test_reverting_to_an_older_revision_keeps_the_number(issued):
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    oldest = page.revisions.order_by("created_at", "pk").first()
    page.title = "修改后的标题"
    page.save_revision().publish()
    # The oldest revision was saved before the number existed: its content has none.
    assert oldest.content.get("index_number") is None
    oldest.publish()
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    assert page.title == issued.title
    assert page.index_number == issued.index_number
    assert page.get_latest_revision().as_object().index_number == issued.index_number


def test_a_draft_revision_saved_after_publication_does_not_clear_the_number(issued):
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    page.index_number = None  # as a form that does not carry the read-only field would leave it
    page.title = "草稿修改"
    page.save_revision()
    page.save()
    assert number(page) == issued.index_number


def _editor_post(page, **changes):
    data = {
        "title": page.title,
        "slug": page.slug,
        "organisation": str(page.organisation_id),
        "document_number": page.document_number,
        "written_date": page.written_date.isoformat(),
        "publish_date": page.publish_date.isoformat(),
        "theme": page.theme,
        "genre": page.genre,
        "keywords": page.keywords,
        "validity": page.validity,
        "repealed_date": "",
        "summary": page.summary,
        "body-count": "0",
        "action-publish": "action-publish",
    }
    data.update(changes)
    return data


def test_the_editor_cannot_change_the_number(issued, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("wagtailadmin_pages:edit", args=(issued.pk,))
    form = client.get(url)
    assert form.status_code == 200
    assert issued.index_number in form.content.decode()
    response = client.post(
        url, _editor_post(issued, title="编辑器修改后的标题", index_number=f"{JYJ_CODE}/2026-99999")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = DisclosureDocumentPage.objects.get(pk=issued.pk)
    assert page.title == "编辑器修改后的标题"  # the POST was taken …
    assert page.live and page.index_number == issued.index_number  # … but not the number


def test_an_issued_number_is_unique_across_units(issued):
    other = add_document("gaj", "公安局文件", publish_date=date(2026, 3, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureDocumentPage.objects.filter(pk=other.pk).update(index_number=issued.index_number)


# --- Concurrency ----------------------------------------------------------------------------------
#
# These tests commit for real: each thread has its own database connection and its own
# transactions, as concurrent publishers in production do. They run outside pytest-django's
# per-test transaction (a transaction=True test would flush the whole database afterwards,
# including the session's small site group the later tests need); everything they create is
# deleted at the end.

IS_POSTGRES = connection.vendor == "postgresql"
IS_SQLITE = connection.vendor == "sqlite"
THREADS = 6


def _create_drafts(count, year, prefix):
    return [
        add_document("jyj", f"{prefix}{n}", publish=False, publish_date=date(year, 3, 1 + n))
        for n in range(count)
    ]


def _publish_at_once(pages):
    """Publish each page from its own thread, all starting together; returns the errors."""
    barrier = threading.Barrier(len(pages))
    errors = []

    def publish(pk):
        try:
            page = DisclosureDocumentPage.objects.get(pk=pk)
            revision = page.get_latest_revision()
            barrier.wait(timeout=20)
            revision.publish()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(page.pk,)) for page in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "publishing threads hang"
    return errors


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Real commits on the test database; the test's pages and counters are removed afterwards."""
    created = {"pages": [], "years": []}
    with django_db_blocker.unblock():
        if not Organisation.objects.filter(label="jyj").exists():
            pytest.skip("the session's small site group is gone (flushed by a transactional test)")
        yield created
        for page in DisclosureDocumentPage.objects.filter(pk__in=[p.pk for p in created["pages"]]):
            page.delete()
        IndexNumberCounter.objects.filter(organisation__label="jyj", year__in=created["years"]).delete()
        close_old_connections()


def _skip_unless_concurrent_writes_work(errors):
    if IS_SQLITE and errors:
        pytest.skip(
            "SQLite: the test database is a shared-cache in-memory database, where a second writer gets "
            f"“database table is locked” at once instead of waiting ({errors[0]!r}); SQLite serialises "
            "writers (BEGIN IMMEDIATE) so the race cannot occur there — it is tested on PostgreSQL."
        )


@pytest.mark.skipif(not (IS_POSTGRES or IS_SQLITE), reason="needs PostgreSQL or SQLite")
def test_documents_published_at_the_same_moment_get_distinct_consecutive_numbers(committed):
    year = 2018
    committed["years"].append(year)
    first = add_document("jyj", "并发测试前已发布的文件", publish_date=date(year, 1, 2))
    committed["pages"].append(first)
    pages = _create_drafts(THREADS, year, "并发发布的文件")
    committed["pages"] += pages
    errors = _publish_at_once(pages)
    _skip_unless_concurrent_writes_work(errors)
    assert not errors, errors
    numbers = [number(page) for page in pages]
    assert all(n and n.startswith(f"{JYJ_CODE}/{year}-") for n in numbers), numbers
    assert sorted(sequence(n) for n in numbers) == list(range(2, THREADS + 2))
    assert IndexNumberCounter.objects.get(organisation__label="jyj", year=year).last == THREADS + 1


@pytest.mark.skipif(not (IS_POSTGRES or IS_SQLITE), reason="needs PostgreSQL or SQLite")
def test_two_first_documents_of_a_new_year_race_to_create_the_counter(committed):
    year = 2017
    committed["years"].append(year)
    assert not IndexNumberCounter.objects.filter(organisation__label="jyj", year=year).exists()
    pages = _create_drafts(2, year, "新年度第一份文件")
    committed["pages"] += pages
    errors = _publish_at_once(pages)
    _skip_unless_concurrent_writes_work(errors)
    assert not errors, errors
    assert sorted(number(page) for page in pages) == [f"{JYJ_CODE}/{year}-00001", f"{JYJ_CODE}/{year}-00002"]
    assert IndexNumberCounter.objects.filter(organisation__label="jyj", year=year).count() == 1
