"""Demo 政务公开: catalogue documents with their 索引号, guides, catalogues, key projects, requests
in every state and the units' annual-report figures.

Documents are published one by one in date order per unit with the clock set back to their
publication day, so `issue_index_number` (on page_published) gives each unit's numbers in date
order, and page history shows the real days. Requests are driven through `disclosure.workflow`
step by step with the clock set back to each step, so deadlines, on-time flags and history are
the workflow's own. Everything is keyed (slugs, submission tokens, unit and year), so a second
run adds nothing. Units missing from the database (the tests' small group) are skipped.
"""

import hashlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from disclosure import workflow
from disclosure.demo import documents as data
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
from home.demo.clock import frozen_clock
from home.models import Organisation
from home.workdays import add_workdays
from subsite_pages.models import ColumnPage

REQUEST_TOKEN = "demo-request-{}"
DEMO_IP = "10.20.30.40"


def _clock(moment):
    """Run as if at `moment`; request history rows written meanwhile get that time too."""
    return frozen_clock(moment, (RequestEvent, "created_at"))


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _units():
    """The demo's disclosing units that exist here, in the data's order."""
    found = {o.label: o for o in Organisation.objects.filter(label__in=data.UNITS).select_related("site")}
    return {label: found[label] for label in data.UNITS if label in found and found[label].site_id}


def _zwgk(organisation):
    return ColumnPage.objects.child_of(organisation.site.root_page).filter(slug="zwgk").first()


def _unit_users(organisation):
    """(officer, head) of a unit: its 信息员 and 管理员, or a superuser where it has none."""
    User = get_user_model()
    active = User.objects.filter(is_active=True).order_by("pk")
    head = (
        active.filter(groups=organisation.reviewer_group_id).first()
        if organisation.reviewer_group_id
        else None
    )
    officer = (
        active.filter(groups=organisation.editor_group_id).first() if organisation.editor_group_id else None
    )
    fallback = active.filter(is_superuser=True).first()
    head = head or fallback
    return officer or head, head


# --- Documents ------------------------------------------------------------------------------------


def document_slug(spec):
    digest = hashlib.sha1(spec.title.encode("utf-8")).hexdigest()[:6]
    return f"{spec.publish_date:%Y%m%d}-{digest}"


def _body(spec):
    return [("paragraph", "".join(f"<p>{escape(text)}</p>" for text in spec.paragraphs))]


def ensure_documents(units):
    """Publish every unit's catalogue entries in date order; returns how many were created."""
    by_unit = data.expand_documents(set(units))
    today = timezone.localdate()
    created = 0
    for label, specs in by_unit.items():
        organisation = units[label]
        column = _zwgk(organisation)
        if column is None:
            continue
        editor, reviewer = _unit_users(organisation)
        existing = {
            page.slug: page
            for page in DisclosureDocumentPage.objects.child_of(column).only("pk", "slug", "title")
        }
        by_title = {}
        with transaction.atomic():
            for position, spec in enumerate(specs):
                if spec.publish_date > today:
                    continue
                slug = document_slug(spec)
                page = existing.get(slug)
                if page is None:
                    page = _publish_document(
                        column, organisation, spec, slug, position, editor, reviewer, by_title
                    )
                    created += 1
                by_title[spec.title] = page
            for spec in specs:
                page = by_title.get(spec.title)
                if page is not None and spec.validity != "valid":
                    _retire(page, spec, reviewer, today)
    return created


def _publish_document(column, organisation, spec, slug, position, editor, reviewer, by_title):
    moment = _at(spec.publish_date, 9 + position % 8, (position * 13) % 60)
    page = DisclosureDocumentPage(
        title=spec.title,
        slug=slug,
        organisation=organisation,
        written_date=spec.written_date,
        publish_date=spec.publish_date,
        document_number=spec.document_number,
        theme=spec.theme,
        genre=spec.genre,
        keywords=spec.keywords,
        summary=spec.summary,
        body=_body(spec),
        owner=editor,
    )
    target = by_title.get(spec.interprets) if spec.interprets else None
    if target is not None:
        page.interprets = [target]
    with _clock(moment):
        column.add_child(instance=page)
        page.save_revision(user=editor).publish(user=reviewer)
    return page


def _retire(page, spec, reviewer, today):
    """Mark a repealed or expired document, as a later edit on the day it stopped applying."""
    page = DisclosureDocumentPage.objects.get(pk=page.pk)
    if page.validity != DisclosureDocumentPage.Validity.VALID:
        return
    ends = min(spec.repealed_date, today)
    page.validity = spec.validity
    page.repealed_date = ends
    with _clock(_at(ends, 10, 30)):
        page.save_revision(user=reviewer).publish(user=reviewer)


# --- Guides, catalogues, key projects -------------------------------------------------------------


def _office(organisation):
    if organisation.kind == Organisation.Kind.PORTAL:
        return "即墨市人民政府办公室（市政务公开办公室）"
    if organisation.kind == Organisation.Kind.TOWN:
        return f"{organisation.short_name}党政办公室"
    return f"{organisation.name}办公室"


def ensure_guides(units):
    created = 0
    for index, organisation in enumerate(units.values()):
        column = _zwgk(organisation)
        if column is None or DisclosureGuidePage.objects.child_of(column).filter(slug="gkzn").exists():
            continue
        name = "即墨市人民政府" if organisation.kind == Organisation.Kind.PORTAL else organisation.name
        text = data.guide_text(name, _office(organisation), "本机关")
        page = DisclosureGuidePage(
            title="政府信息公开指南",
            slug="gkzn",
            organisation=organisation,
            updated_on=date(2026, 1, 15) + timedelta(days=index * 3),
            office=_office(organisation),
            address=organisation.address or "即墨市蓝鳌路1号",
            office_hours=organisation.office_hours or "工作日上午9:00—12:00，下午13:30—17:00",
            phone=organisation.phone or f"0532-8851{2000 + index:04d}",
            email=organisation.email or f"gkb.{organisation.label}@jimo.gov.example",
            **text,
        )
        with _clock(_at(page.updated_on, 10)):
            column.add_child(instance=page)
            page.save_revision().publish()
        created += 1
    return created


def ensure_catalogues(units):
    created = 0
    for organisation in units.values():
        column = _zwgk(organisation)
        if column is None or DisclosureCataloguePage.objects.child_of(column).filter(slug="gkml").exists():
            continue
        group_wide = organisation.kind == Organisation.Kind.PORTAL
        who = "全市各单位" if group_wide else organisation.name
        page = DisclosureCataloguePage(
            title="政府信息公开目录",
            slug="gkml",
            group_wide=group_wide,
            intro=(
                f"<p>本目录收录{who}主动公开的政府信息，可按主题分类、体裁分类、发布年份和有效性筛选，"
                "也可按标题、文号、索引号和关键词检索。未列入目录的信息，可以依申请公开。</p>"
            ),
        )
        column.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    return created


def ensure_key_projects(units):
    """重点工程 and 为民办实事 of 2026 under the portal's 政务公开 › 重点工程, with progress."""
    portal = next((o for o in units.values() if o.kind == Organisation.Kind.PORTAL), None)
    zwgk = _zwgk(portal) if portal else None
    if zwgk is None:
        return 0
    parent = ColumnPage.objects.child_of(zwgk).filter(slug="zdgc").first()
    if parent is None:
        parent = ColumnPage(
            title="重点工程",
            slug="zdgc",
            kind=ColumnPage.Kind.DISCLOSURE,
            intro="重点工程项目和为民办实事项目的建设内容、责任单位和进展情况。",
        )
        with _clock(_at(date(2026, 2, 26), 9)):
            zwgk.add_child(instance=parent)
            parent.save_revision().publish()
    today = timezone.localdate()
    created = 0
    for slug, kind, title, unit_label, investment, target, completion, progress in data.KEY_PROJECTS:
        if KeyProjectPage.objects.child_of(parent).filter(slug=slug).exists():
            continue
        updates = [(date.fromisoformat(day), percent, text) for day, percent, text in progress]
        updates = [update for update in updates if update[0] <= today]
        page = KeyProjectPage(
            title=title,
            slug=slug,
            kind=kind,
            organisation=units.get(unit_label, portal),
            year=2026,
            investment=Decimal(investment),
            target=target,
            planned_completion=date.fromisoformat(completion),
        )
        with _clock(_at(date(2026, 2, 27), 10)):
            parent.add_child(instance=page)
            page.save_revision().publish()
        for day, percent, text in updates:
            # Each quarter's report is a new published revision, as the office would enter it.
            page = KeyProjectPage.objects.get(pk=page.pk)
            page.progress.add(ProjectProgress(reported_on=day, percent=percent, text=text))
            with _clock(_at(day, 16)):
                page.save_revision().publish()
        created += 1
    return created


# --- Requests -------------------------------------------------------------------------------------


def _answer_pdf(request):
    """A one-page PDF answer letter (ASCII only: the demo ships no CJK font)."""
    text = f"Reply to disclosure request {request.receipt_number} (demo)".encode("ascii")
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return ContentFile(bytes(out), name="answer.pdf")


def _applicant(kind, index, rng):
    if kind == DisclosureRequest.ApplicantKind.PERSON:
        name = data.APPLICANT_NAMES[index % len(data.APPLICANT_NAMES)]
        id_number = f"370282{1950 + rng.randint(0, 50)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}{rng.choice('0123456789X')}"
        return {"name": name, "id_number": id_number, "contact_name": ""}
    names = data.ORGANISATION_NAMES[kind]
    code = "91370282" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))
    return {
        "name": names[index % len(names)],
        "id_number": code,
        "contact_name": data.APPLICANT_NAMES[(index + 7) % len(data.APPLICANT_NAMES)],
    }


def _contact(index, rng):
    acquisition = ["email", "post", "online", "pickup"][index % 4]
    return {
        "phone": f"1385321{rng.randint(1000, 9999)}",
        "email": f"applicant{index:02d}@example.com" if acquisition == "email" or index % 3 == 0 else "",
        "address": f"即墨市{rng.choice(['鹤山路', '振华街', '蓝鳌路', '文化路', '烟青路'])}{rng.randint(1, 399)}号"
        if acquisition == "post" or index % 2 == 0
        else "",
        "delivery": ["electronic", "paper", "electronic", "disc"][index % 4 if index % 7 else 3],
        "acquisition": acquisition,
    }


def ensure_requests(units):
    """The demo requests, each taken through the workflow as far as its steps go."""
    now = timezone.now()
    created = 0
    for index, (label, kind, description, received_text, steps) in enumerate(data.REQUESTS):
        token = REQUEST_TOKEN.format(index)
        organisation = units.get(label)
        if organisation is None or DisclosureRequest.objects.filter(submission_token=token).exists():
            continue
        received = timezone.make_aware(datetime.fromisoformat(received_text))
        if received > now:
            continue
        rng = random.Random(7000 + index)
        officer, head = _unit_users(organisation)
        if officer is None:
            continue
        with transaction.atomic(), _clock(received):
            request, _code = workflow.submit_request(
                organisation,
                token=token,
                applicant_kind=kind,
                description=description,
                ip=DEMO_IP,
                received_at=received,
                **_applicant(kind, index, rng),
                **_contact(index, rng),
            )
        _drive(request, steps, officer, head, received, now, rng)
        created += 1
    return created


def _drive(request, steps, officer, head, received, now, rng):
    day = timezone.localtime(received).date()
    for workdays, action, argument in steps:
        day = add_workdays(day, workdays)
        applicant = action in ("clarify", "withdraw")
        moment = _at(day, rng.randint(19, 21) if applicant else rng.randint(9, 16), rng.randint(0, 59))
        if moment > now:
            return
        note = data.STEP_NOTES.get(action, "").format(year=day.year - 1, days=argument)
        with transaction.atomic(), _clock(moment):
            if applicant:
                request = workflow.applicant_action(request, action, note)
            elif action == "answer":
                document = _answer_pdf(request) if argument in ("open", "partial") else None
                request = workflow.perform(
                    request,
                    "answer",
                    officer,
                    note=data.ANSWERS[argument],
                    result=argument,
                    document=document,
                )
            elif action == "extend":
                request = workflow.perform(request, "extend", head, note=note, days=argument)
            else:
                request = workflow.perform(request, action, officer, note=note)


# --- Annual report figures ------------------------------------------------------------------------

# Units whose work involves many penalties and enforcement decisions.
ENFORCING = {"gaj": (900, 60), "scj": (420, 35), "zjj": (80, 12), "jtj": (260, 8), "wjj": (70, 5)}


def _cases(rng, busy):
    """复议/诉讼 results: few cases, most of them upheld (维持)."""
    figures = {
        "维持": rng.randint(1, 4) if busy else rng.randint(0, 1),
        "纠正": int(rng.random() < (0.4 if busy else 0.1)),
        "其他结果": int(rng.random() < 0.15),
        "尚未审结": rng.randint(0, 2) if busy else int(rng.random() < 0.2),
    }
    figures["总计"] = sum(figures.values())
    return figures


def ensure_report_figures(units):
    created = 0
    for organisation in units.values():
        for year in (2025, 2026):
            if AnnualReportFigures.objects.filter(organisation=organisation, year=year).exists():
                continue
            rng = random.Random(f"{organisation.label}-{year}")
            penalties, enforcement = ENFORCING.get(organisation.label, (rng.randint(0, 6), rng.randint(0, 2)))
            busy = organisation.label in ENFORCING
            AnnualReportFigures.objects.create(
                organisation=organisation,
                year=year,
                penalties=penalties + rng.randint(-penalties // 5, penalties // 5) if penalties else 0,
                enforcement=enforcement + rng.randint(0, max(enforcement // 4, 1)) if enforcement else 0,
                fees_amount=Decimal(rng.randint(0, 3200 if busy else 80)) / 10,
                reviews=_cases(rng, busy),
                lawsuits=_cases(rng, busy),
                notes=(
                    f"{year}年政府信息公开工作还存在政策解读形式不够丰富、部分栏目更新不够及时等问题。"
                    "下一步将建立信息发布提醒机制，推行图解、音视频等多种解读方式，加强业务培训。"
                ),
            )
            created += 1
    return created


def build_disclosure_demo(say=lambda message: None):
    """Everything above, idempotent; demo mail goes nowhere."""
    workflow.ensure_role_groups()
    units = _units()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        documents = ensure_documents(units)
        with transaction.atomic():
            ensure_guides(units)
            ensure_catalogues(units)
            ensure_key_projects(units)
        requests = ensure_requests(units)
        with transaction.atomic():
            ensure_report_figures(units)
    say(
        f"  政务公开：新增公开信息 {documents} 条（共 {DisclosureDocumentPage.objects.count()} 条），"
        f"新增依申请公开 {requests} 件（共 {DisclosureRequest.objects.count()} 件）。\n"
    )
    return {"documents": documents, "requests": requests}
