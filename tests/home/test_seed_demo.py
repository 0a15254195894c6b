"""`seed_demo` builds the whole 即墨 site group, and a second run changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Revision, Site

from disclosure.models import DisclosureDocumentPage, DisclosureRequest, KeyProjectPage, RequestEvent
from forms.models import (
    CampaignEntry,
    InterviewPage,
    Letter,
    LetterBoxPage,
    LetterComment,
    LetterEvent,
    SurveyPage,
)
from home.demo import units
from home.models import Organisation
from services.models import Application, ApplicationEvent, ServiceHallPage, ServiceItemPage
from subsite_pages.models import ArticlePage, BranchHomePage, UnitHomePage

pytestmark = pytest.mark.django_db

COUNTED = (
    Organisation,
    Site,
    Page,
    ArticlePage,
    Revision,
    Collection,
    GroupPagePermission,
    GroupCollectionPermission,
    get_image_model(),
    get_document_model(),
    get_user_model(),
    LetterBoxPage,
    Letter,
    LetterEvent,
    LetterComment,
    CampaignEntry,
    ServiceItemPage,
    Application,
    ApplicationEvent,
    DisclosureDocumentPage,
    DisclosureRequest,
    RequestEvent,
)


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_builds_the_group_and_is_idempotent(group):
    call_command("seed_demo", "--quiet-accounts")
    first = counts()
    call_command("seed_demo", "--quiet-accounts")
    assert counts() == first

    assert BranchHomePage.objects.count() == len(units.BRANCHES) == 7
    assert UnitHomePage.objects.count() >= len(units.DEPARTMENTS) + len(units.TOWNS)
    assert Organisation.objects.filter(kind="department").count() >= 8
    assert Organisation.objects.filter(kind="town").count() >= 4
    assert ArticlePage.objects.live().count() >= 300
    dates = ArticlePage.objects.values_list("publish_date", flat=True)
    assert (max(dates) - min(dates)).days > 365
    # Some articles carry pictures and attached spreadsheets made locally.
    assert get_image_model().objects.count() > 0
    assert get_document_model().objects.filter(file__endswith=".xlsx").exists()
    # Every role has a demo account.
    User = get_user_model()
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    for username in ("portal_admin", "portal_editor", "jyj_admin", "jyj_editor", "lancun_editor"):
        assert User.objects.get(username=username).groups.exists(), username

    # 政民互动: roles, boxes on the portal and every unit, letters in every state.
    assert User.objects.get(username="dispatcher").groups.filter(name="政民互动受理员").exists()
    assert User.objects.get(username="supervisor").groups.filter(name="政民互动督办员").exists()
    assert LetterBoxPage.objects.filter(handling_organisation__label="jyj").exists()
    assert set(Letter.objects.values_list("state", flat=True)) == set(Letter.State.values)
    assert Letter.objects.open().overdue().exists()
    assert Letter.objects.published().exists()
    assert Letter.objects.filter(rating__isnull=False).exists()
    assert Letter.objects.filter(state="closed", on_time=False).exists()
    campaign_entries = CampaignEntry.objects.filter(page__slug="xcxc")
    assert campaign_entries.count() == 1100
    assert campaign_entries.filter(letter__isnull=False).count() == 460
    assert campaign_entries.filter(adopted=True).count() == 87
    survey = SurveyPage.objects.get(slug="zxdc")
    assert survey.get_submission_class().objects.filter(page=survey).count() == 640
    interview = InterviewPage.objects.get(slug="xfzx")
    audio = interview.media[0].value["file"]
    assert audio.file.name.endswith(".mp3") and audio.file.size > 10_000

    # 网上办事: complete guides on the departments' and towns' sites, the hall, every state.
    guides = ServiceItemPage.objects.live()
    assert guides.count() >= 60
    assert guides.values("organisation").distinct().count() >= 12
    assert all(guide.missing_elements() == [] for guide in guides)
    assert ServiceHallPage.objects.filter(slug="bsdt", live=True).exists()
    assert set(Application.objects.values_list("state", flat=True)) == set(Application.State.values)
    assert Application.objects.overdue().exists()
    assert User.objects.get(username="svc_supervisor").groups.filter(name="政务服务监督员").exists()

    # 政务公开: a catalogue with unique 索引号, key projects, requests in every state.
    documents = DisclosureDocumentPage.objects.live()
    assert documents.count() >= 200
    numbers = list(documents.values_list("index_number", flat=True))
    assert None not in numbers and len(set(numbers)) == len(numbers)
    assert documents.exclude(validity="valid").count() >= 10
    assert KeyProjectPage.objects.live().count() >= 6
    states = set(DisclosureRequest.objects.values_list("state", flat=True))
    assert states == set(DisclosureRequest.State.values)
    assert DisclosureRequest.objects.overdue().exists()
    assert User.objects.get(username="gk_supervisor").groups.filter(name="政务公开监督员").exists()


def test_seed_demo_scale_adds_synthetic_units(group):
    from home.demo.build import _ensure_scale_unit, load_content

    articles, _profiles = load_content()
    created = _ensure_scale_unit(1, articles)
    assert created == 40
    assert Organisation.objects.filter(label="scale001").exists()
    assert _ensure_scale_unit(1, articles) == 0
