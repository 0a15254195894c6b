"""The 政务公开 demo builder on the tests' small group (www, jyj, gaj, lancun; the demo's other
units do not exist here and are skipped): idempotent, every request state, unique 索引号."""

import re
from collections import Counter

import pytest
from django.utils import timezone

from disclosure import workflow
from disclosure.demo import documents as data
from disclosure.demo.build import build_disclosure_demo
from disclosure.models import (
    AnnualReportFigures,
    DisclosureCataloguePage,
    DisclosureDocumentPage,
    DisclosureGuidePage,
    DisclosureRequest,
    KeyProjectPage,
    ProjectProgress,
    RequestEvent,
)
from home.models import Organisation

pytestmark = pytest.mark.django_db
SMALL_GROUP = {"www", "jyj", "gaj", "lancun"}


def counts():
    models = (
        DisclosureDocumentPage,
        DisclosureGuidePage,
        DisclosureCataloguePage,
        KeyProjectPage,
        ProjectProgress,
        DisclosureRequest,
        RequestEvent,
        AnnualReportFigures,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def built(group):
    first = build_disclosure_demo()
    return first, counts()


def test_the_builder_is_idempotent(built):
    first, after_first = built
    assert first["documents"] > 0 and first["requests"] > 0
    assert build_disclosure_demo() == {"documents": 0, "requests": 0}
    assert counts() == after_first


def test_only_existing_units_are_used(built):
    labels = set(DisclosureDocumentPage.objects.values_list("organisation__label", flat=True))
    assert labels == SMALL_GROUP
    assert set(DisclosureRequest.objects.values_list("organisation__label", flat=True)) <= SMALL_GROUP


def test_documents_have_unique_index_numbers_in_date_order(built):
    documents = DisclosureDocumentPage.objects.select_related("organisation")
    expected = sum(len(specs) for specs in data.expand_documents(SMALL_GROUP).values())
    assert documents.count() == expected
    assert documents.live().count() == expected
    numbers = list(documents.values_list("index_number", flat=True))
    assert None not in numbers and len(set(numbers)) == len(numbers)
    for organisation in Organisation.objects.filter(label__in=SMALL_GROUP):
        by_year = {}
        for page in documents.filter(organisation=organisation).order_by("publish_date", "index_number"):
            assert re.fullmatch(rf"{organisation.code}/{page.publish_date.year}-\d{{5}}", page.index_number)
            by_year.setdefault(page.publish_date.year, []).append(int(page.index_number[-5:]))
        for year, sequence in by_year.items():
            assert sequence == list(range(1, len(sequence) + 1)), (organisation.label, year)


def test_documents_span_the_years_genres_and_validities(built):
    documents = DisclosureDocumentPage.objects.all()
    assert {d.year for d in documents.values_list("publish_date", flat=True)} == {2024, 2025, 2026}
    genres = set(documents.values_list("genre", flat=True))
    assert {"tz", "gfxwj", "gh", "czyjs", "zcjd", "bg", "rsxx", "tjsj"} <= genres
    retired = documents.exclude(validity="valid")
    assert retired.exists() and not retired.filter(repealed_date__isnull=True).exists()
    for page in retired:
        assert page.repealed_date >= page.publish_date
        assert page.revisions.count() >= 2  # published valid first, retired later
    interpretations = documents.filter(genre="zcjd")
    assert interpretations.exists()
    for page in interpretations:
        (original,) = page.interprets.all()
        assert original.organisation_id == page.organisation_id
        assert original.publish_date <= page.publish_date
    numbered = documents.exclude(document_number="")
    assert all(
        re.fullmatch(r"\S+〔20\d\d〕\d+号", n) for n in numbered.values_list("document_number", flat=True)
    )
    # First publication is on the document's own date (the page history shows it, too).
    for page in documents:
        assert timezone.localtime(page.first_published_at).date() == page.publish_date


def test_guides_catalogues_and_key_projects(built):
    for label in SMALL_GROUP:
        organisation = Organisation.objects.get(label=label)
        guide = DisclosureGuidePage.objects.get(organisation=organisation, slug="gkzn")
        assert guide.live and guide.title == "政府信息公开指南" and "20个工作日" in guide.on_request
        catalogue = DisclosureCataloguePage.objects.descendant_of(organisation.site.root_page).get(
            slug="gkml"
        )
        assert catalogue.group_wide == (label == "www")
    projects = KeyProjectPage.objects.live()
    assert 6 <= projects.count() <= 8
    assert set(projects.values_list("kind", flat=True)) == {"key", "livelihood"}
    assert all(page.get_parent().slug == "zdgc" for page in projects)
    for page in projects:
        assert page.progress.count() >= 2 and page.latest_progress.percent > 0


def test_requests_in_every_state_and_answer_family(built):
    requests = DisclosureRequest.objects.all()
    assert set(requests.values_list("state", flat=True)) == set(DisclosureRequest.State.values)
    families = {
        workflow.RESULTS[code][0] for code in requests.exclude(result="").values_list("result", flat=True)
    }
    assert families == {
        "予以公开",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    }
    assert requests.filter(extension_days__gt=0).exists()
    assert requests.exclude(clarification_reply="").exists()
    assert requests.filter(paused_workdays__gt=0).exists()
    assert requests.overdue().exists()
    assert requests.filter(state="answered", on_time=False).exists()
    assert requests.filter(answer_document__gt="").exists()
    # History times are the steps' own, not the build's.
    for request in requests:
        times = list(request.events.values_list("created_at", flat=True))
        assert times == sorted(times) and times[0] == request.received_at
    assert Counter(requests.values_list("submission_token", flat=True)).most_common(1)[0][1] == 1


def test_report_figures_per_unit_and_year(built):
    assert AnnualReportFigures.objects.count() == 2 * len(SMALL_GROUP)
    figures = AnnualReportFigures.objects.get(organisation__label="gaj", year=2026)
    assert figures.penalties > 100
    assert figures.reviews["总计"] == sum(v for k, v in figures.reviews.items() if k != "总计")


def test_the_demo_data_alone_is_deterministic():
    first = data.expand_documents(set(data.UNITS))
    second = data.expand_documents(set(data.UNITS))
    assert [(s.title, s.publish_date, s.document_number) for specs in first.values() for s in specs] == [
        (s.title, s.publish_date, s.document_number) for specs in second.values() for s in specs
    ]
    assert sum(len(specs) for specs in first.values()) >= 200
    titles = [s.title for specs in first.values() for s in specs]
    assert len(set(titles)) > 0.9 * len(titles)
    retired = [s for specs in first.values() for s in specs if s.validity != "valid"]
    assert 10 <= len(retired) <= 14
    assert len(data.REQUESTS) >= 45
