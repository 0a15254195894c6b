"""The 网上办事 demo: complete guides, the hall, applications in every state, and a second run
that adds nothing. Runs on the tests' small group (教育局, 公安局, 蓝村镇)."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.documents import get_document_model

from home.uploads import sniff
from services.demo import build, items
from services.demo.forms import pdf
from services.models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    ServiceHallPage,
    ServiceItemPage,
    ServiceMaterial,
)
from subsite_pages.models import ColumnPage

S = Application.State


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            ServiceItemPage,
            ServiceMaterial,
            ServiceHallPage,
            ColumnPage,
            Application,
            ApplicationEvent,
            ApplicationMaterial,
            get_document_model(),
        )
    }


@pytest.mark.django_db
def test_demo_builds_guides_hall_and_applications_once(group):
    messages = []
    assert build.build_service_demo(messages.append) > 0
    first = counts()

    # Only the units of the small group get guides; the rest are counted as skipped.
    in_group = [spec for label, spec in items.all_items() if label in ("jyj", "gaj", "lancun")]
    guides = ServiceItemPage.objects.live()
    assert guides.count() == len(in_group)
    assert f"{sum(1 for _ in items.all_items()) - len(in_group)} 项因所属单位不存在未建立" in messages[0]
    for guide in guides:
        assert guide.missing_elements() == [], guide.title
        assert guide.get_parent().slug == "bszn"
        assert guide.implementation_code.endswith(guide.basic_code)
    column = ColumnPage.objects.get(slug="bszn", path__startswith=group["gaj"].site.root_page.path)
    assert column.kind == ColumnPage.Kind.SERVICE and column.show_in_menus and column.live
    assert guides.filter(charged=True, fees__isnull=False).exists()
    assert guides.filter(online_depth="full").exists() and guides.filter(accepts_online=False).exists()

    # Blank forms and result samples are real files in the unit's own collection.
    material = ServiceMaterial.objects.filter(page__organisation=group["jyj"], sample__isnull=False).first()
    assert material.blank_form.collection == group["jyj"].collection
    with material.sample.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert "填写示例" in sheet["A1"].value
    sample = guides.filter(result_sample__isnull=False).first().result_sample
    with sample.file.open("rb") as handle:
        assert sniff(handle) == "pdf"

    hall = ServiceHallPage.objects.get()
    assert hall.live and hall.slug == "bsdt" and hall.get_parent().slug == "wsbs"

    # Applications: every state, through the workflow, with realistic history.
    demo = Application.objects.filter(submission_token__startswith="demo-application-")
    assert demo.count() == len(build.APPLICATIONS)
    assert set(demo.values_list("state", flat=True)) == set(S.values)
    today = timezone.localdate()
    assert demo.filter(state=S.IN_REVIEW, step_due__lt=today).exists()
    assert demo.filter(state=S.IN_REVIEW, step_due__gte=today).exists()
    assert demo.filter(state=S.CLOSED, on_time=True).exists()
    assert demo.filter(state=S.CLOSED, on_time=False).exists()
    assert {True, False} <= set(
        demo.filter(state__in=[S.DECIDED, S.CLOSED]).values_list("approved", flat=True)
    )
    assert len(set(demo.exclude(rating=None).values_list("rating", flat=True))) >= 4
    assert demo.filter(applicant_type="legal_person").exists()
    assert demo.filter(materials__round=2).exists()  # one round of 补正
    now = timezone.now()
    for application in demo.prefetch_related("events"):
        times = [event.created_at for event in application.events.all()]
        assert times == sorted(times) and times[-1] < now, application.receipt_number
        assert times[0] == application.events.get(action="submit").created_at
        assert application.materials.exists()
        if application.state == S.SUBMITTED:
            assert application.events.last().action in ("submit", "resubmit")
    closed = demo.filter(state=S.CLOSED, approved=True).first()
    assert closed.result_document and closed.closed_at > closed.accepted_at > closed.submitted_at

    # A second run adds nothing.
    assert build.build_service_demo() == 0
    assert counts() == first


def test_identity_numbers_have_valid_check_characters():
    # The worked examples of GB 11643 and GB 32100 / GB 11714.
    assert build.id_check("11010519491231002") == "X"
    assert build.uscc("91350100M000100Y4") == "91350100M000100Y43"
    assert build.org_code("D2143569") == "D2143569X"
    for index in range(len(build.PEOPLE)):
        name, number = build.person(index)
        assert len(number) == 18 and number[:6] == "370282"
        assert number[-1] == build.id_check(number[:17])
        male = build.PEOPLE[index][1] == "M"
        assert int(number[16]) % 2 == (1 if male else 0), name
    codes = [build.company_code(position) for position in range(len(build.COMPANIES))]
    assert len(set(codes)) == len(codes)
    for code, (_name, _contact, prefix, _tags) in zip(codes, build.COMPANIES, strict=True):
        assert len(code) == 18 and code[:2] == prefix and code[2:8] == "370282"
        assert build.uscc(code[:17]) == code and build.org_code(code[8:16]) == code[8:17]


def test_generated_pdf_passes_the_upload_check():
    data = pdf("准予许可决定书", ["申请人：刘晓梅", "很长的一行" * 30], stamp="样 本")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert sniff(io.BytesIO(data)) == "pdf"
