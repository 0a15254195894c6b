"""Demo 政民互动: letter boxes on every site, letters in every state, a finished campaign with its
real counts, a closed survey with results, and an interview with its audio.

Letters are driven through `forms.workflow` step by step, with the clock set back to when each
step would have happened, so their history, deadlines and on-time flags are what the workflow
itself produces. The campaign's 460 forwarded suggestions are historic cases: they are written
in bulk (same fields, same history rows) because going through the workflow one by one would
add a minute to every demo build. Everything is keyed so that a second run adds nothing.
"""

import random
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.documents import get_document_model

from forms import workflow
from forms.demo.campaign import CAMPAIGN, SURVEY, suggestion_texts, survey_answers
from forms.demo.interview import INTERVIEW, audio_script
from forms.demo.letters import LETTERS
from forms.models import (
    CampaignEntry,
    CampaignFormField,
    CampaignPage,
    InterviewGuest,
    InterviewPage,
    InterviewQuestion,
    Letter,
    LetterBoxPage,
    LetterComment,
    LetterEvent,
    SurveyFormField,
    SurveyPage,
)
from home.demo.clock import frozen_clock
from home.models import Organisation
from subsite_pages.models import ColumnPage

MEDIA_DIR = Path(__file__).resolve().parent / "media"
DEMO_TOKEN = "demo-letter-{}"
CAMPAIGN_TOKEN = "demo-campaign-{}"

# Boxes of the portal's 政民互动 column: (key in the letter data, slug, title, kind).
PORTAL_BOXES = [
    ("mayor", "szxx", "市长信箱", LetterBoxPage.Kind.MAYOR),
    ("complaint", "zxts", "在线投诉", LetterBoxPage.Kind.COMPLAINT),
    ("consult", "zxzx", "在线咨询", LetterBoxPage.Kind.CONSULT),
    ("petition", "wsxf", "网上信访", LetterBoxPage.Kind.PETITION),
]
BOX_INTROS = {
    "mayor": "<p>市长信箱由市长公开电话办公室统一受理，按职责转有关部门、镇街办理，办理结果在网上答复。</p>",
    "complaint": "<p>对行政机关及其工作人员的服务态度、工作作风、办事效率等方面的投诉，请在此提交。</p>",
    "consult": "<p>对政策法规、办事程序等方面的疑问，请在此咨询，有关部门将在规定时限内答复。</p>",
    "petition": "<p>网上信访依照《信访工作条例》办理：自收到之日起15日内告知是否受理，受理后60日内办结。</p>",
}


def _add_published(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_boxes():
    """{key: box} for the portal's boxes and every department's and town's 局长/镇长信箱."""
    portal = Organisation.objects.get(kind=Organisation.Kind.PORTAL)
    zmhd = ColumnPage.objects.child_of(portal.site.root_page).get(slug="zmhd")
    boxes = {}
    for key, slug, title, kind in PORTAL_BOXES:
        box = LetterBoxPage.objects.child_of(zmhd).filter(slug=slug).first()
        if box is None:
            box = _add_published(
                zmhd, LetterBoxPage(title=title, slug=slug, box_kind=kind, intro=BOX_INTROS[key])
            )
        boxes[key] = box
    units = Organisation.objects.filter(kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN])
    for unit in units.exclude(label__startswith="scale").select_related("site__root_page"):
        home = unit.site.root_page
        box = LetterBoxPage.objects.child_of(home).filter(slug="jzxx").first()
        if box is None:
            title = "镇长信箱" if unit.kind == Organisation.Kind.TOWN else "局长信箱"
            box = _add_published(
                home,
                LetterBoxPage(
                    title=title,
                    slug="jzxx",
                    box_kind=LetterBoxPage.Kind.DIRECTOR,
                    handling_organisation=unit,
                    intro=f"<p>{title}由{unit.name}直接受理和办理。</p>",
                ),
            )
        boxes[f"unit:{unit.label}"] = box
    return boxes


def _clock(moment):
    """Run workflow steps as if at `moment`; the rows they write get that time too."""
    return frozen_clock(moment, (LetterEvent, "created_at"), (LetterComment, "created_at"))


def _users():
    User = get_user_model()
    return {user.username: user for user in User.objects.all()}


def _received_at(spec, index, now):
    rng = random.Random(index)
    day = timezone.localdate(now) - timedelta(days=spec["days_ago"])
    moment = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59))))
    return min(moment, now - timedelta(minutes=30))


def _step_times(received, spec, index, now):
    """When each step happened: accept next day, assign the day after, reply within ~2 weeks."""
    rng = random.Random(1000 + index)
    late = spec.get("rating") in (1, 2)  # the unhappy ones waited too long
    reply_after = rng.randint(24, 30) if late else rng.randint(5, 12)
    times = {
        "accept": received + timedelta(hours=rng.randint(3, 20)),
        "assign": received + timedelta(days=1, hours=rng.randint(1, 6)),
        "submit_reply": received + timedelta(days=reply_after),
        "approve_reply": received + timedelta(days=reply_after, hours=rng.randint(2, 20)),
        "rate": received + timedelta(days=reply_after + rng.randint(1, 3)),
    }
    return {step: min(moment, now - timedelta(minutes=5)) for step, moment in times.items()}


def ensure_letters(boxes):
    """The demo letters, each taken as far along the workflow as its `state` says."""
    users = _users()
    dispatcher = users["dispatcher"]
    now = timezone.now()
    created = {}
    pending_merges = []
    for index, spec in enumerate(LETTERS):
        token = DEMO_TOKEN.format(index)
        letter = Letter.objects.filter(submission_token=token).first()
        if letter is not None:
            created[spec["title"]] = letter
            continue
        box = boxes[spec["box"]]
        received = _received_at(spec, index, now)
        with _clock(received):
            letter, _code = workflow.submit_letter(
                box,
                token=token,
                letter_type=spec["type"],
                title=spec["title"],
                content=spec["content"],
                name=spec["name"],
                phone=spec["phone"],
                email=spec.get("email", ""),
                address=spec.get("address", ""),
                consent_publish=spec["consent"],
                ip="10.20.30.40",
                received_at=received,
            )
        created[spec["title"]] = letter
        _drive(letter, spec, index, users, dispatcher, received, now)
        if spec["state"] == "merged":
            pending_merges.append((letter, spec))
    for letter, spec in pending_merges:
        target = created[spec["merge_with"]]
        with _clock(letter.received_at + timedelta(hours=5)):
            workflow.perform(
                letter,
                "merge",
                dispatcher,
                note="与已受理信件反映同一问题，合并办理。",
                target_number=target.number,
            )
    return len(created)


def _drive(letter, spec, index, users, dispatcher, received, now):
    state = spec["state"]
    if state in ("submitted", "merged"):
        return
    box_unit = letter.box.handling_organisation
    screener = users[f"{box_unit.label}_admin"] if box_unit else dispatcher
    times = _step_times(received, spec, index, now)
    if state == "rejected":
        with _clock(times["accept"]):
            workflow.perform(letter, "reject", screener, note=spec["reason"])
        return
    with _clock(times["accept"]):
        workflow.perform(letter, "accept", screener)
    if state == "accepted":
        return
    unit_label = spec.get("unit") or box_unit.label
    if box_unit is None:
        unit = Organisation.objects.get(label=unit_label)
        with _clock(times["assign"]):
            workflow.perform(
                letter,
                "assign",
                dispatcher,
                note=spec.get("instruction", "请按职责办理并按时答复。"),
                unit=unit,
            )
    editor, reviewer = users[f"{unit_label}_editor"], users[f"{unit_label}_admin"]
    if state == "assigned":
        return
    if state == "returned":
        with _clock(times["assign"] + timedelta(hours=3)):
            workflow.perform(letter, "return", editor, note=spec["reason"])
        return
    with _clock(times["submit_reply"]):
        workflow.perform(letter, "submit_reply", editor, reply=spec["reply"])
    if state == "reply_review":
        return
    with _clock(times["approve_reply"]):
        workflow.perform(letter, "approve_reply", reviewer)
    if spec.get("rating"):
        with _clock(times["rate"]):
            letter.refresh_from_db()
            workflow.rate(letter, spec["rating"])
    if spec.get("comment"):
        with _clock(times["rate"] + timedelta(minutes=10)):
            comment = workflow.add_comment(letter, spec["comment"], ip="10.20.30.40")
        if spec.get("comment_status") == "approved":
            workflow.moderate_comment(comment, dispatcher, approve=True)


# --- The campaign ---------------------------------------------------------------------------------


def _zmhd():
    portal = Organisation.objects.get(kind=Organisation.Kind.PORTAL)
    return ColumnPage.objects.child_of(portal.site.root_page).get(slug="zmhd")


def _days_ago(days, hour=9):
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def ensure_campaign(boxes):
    zmhd = _zmhd()
    page = CampaignPage.objects.filter(slug="xcxc").first()
    if page is None:
        page = CampaignPage(
            title=CAMPAIGN["title"],
            slug="xcxc",
            intro="".join(f"<p>{part}</p>" for part in CAMPAIGN["intro"].split("\n") if part.strip()),
            starts_at=_days_ago(CAMPAIGN["start_days_ago"]),
            ends_at=_days_ago(CAMPAIGN["end_days_ago"], hour=18),
            thank_you_text="<p>感谢您为即墨发展建言献策！您的建议将由有关部门认真研究。</p>",
            result_text=f"<p>{CAMPAIGN['result']}</p>",
            forward_box=boxes["mayor"],
        )
        page.form_fields = [
            CampaignFormField(label="建议标题", field_type="singleline", required=True, sort_order=0),
            CampaignFormField(label="建议内容", field_type="multiline", required=True, sort_order=1),
        ]
        _add_published(zmhd, page)
    if not CampaignEntry.objects.filter(page=page).exists():
        _fill_campaign(page)
    return page


def _fill_campaign(page):
    fields = {field.label: field.clean_name for field in page.form_fields.all()}
    suggestions = suggestion_texts(CAMPAIGN["received"])
    rng = random.Random(2026)
    start, end = page.starts_at, page.ends_at
    span = (end - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in suggestions)
    forwarded = set(rng.sample(range(len(suggestions)), CAMPAIGN["forwarded"]))
    adopted = set(rng.sample(sorted(forwarded), CAMPAIGN["adopted"]))
    entries = [
        CampaignEntry(
            page=page,
            form_data={fields["建议标题"]: title, fields["建议内容"]: text},
            submit_time=moment,
            adopted=index in adopted,
        )
        for index, ((_unit, title, text), moment) in enumerate(zip(suggestions, moments, strict=True))
    ]
    CampaignEntry.objects.bulk_create(entries, batch_size=500)
    # submit_time has auto_now_add: set the historic times afterwards.
    stored = list(CampaignEntry.objects.filter(page=page).order_by("pk"))
    for entry, moment in zip(stored, moments, strict=True):
        entry.submit_time = moment
    CampaignEntry.objects.bulk_update(stored, ["submit_time"], batch_size=500)
    units = {o.label: o for o in Organisation.objects.all()}
    _forward_in_bulk(page, [(stored[i], suggestions[i], i in adopted) for i in sorted(forwarded)], units)


def _forward_in_bulk(page, items, units):
    """Historic forwarded suggestions: closed letters with the same history the workflow writes."""
    box = page.forward_box
    rule = box.deadline_rule()
    dispatcher = get_user_model().objects.get(username="dispatcher")
    letters = []
    for number, (entry, (unit_label, title, text), adopted) in enumerate(items):
        received = page.ends_at + timedelta(days=1, minutes=number)
        accepted = received + timedelta(hours=2)
        replied = received + timedelta(days=6 + number % 7)
        unit = units[unit_label]
        reply = (
            f"感谢您在“{page.title}”活动中提出的宝贵建议。经研究，您的建议已被我单位采纳，"
            "将在下一步工作中统筹推进，具体进展将通过政府网站公开。"
            if adopted
            else f"感谢您在“{page.title}”活动中提出的宝贵建议。我单位已认真研究，"
            "将结合财力状况和工作安排统筹考虑，作为今后改进工作的重要参考。"
        )
        letter = Letter(
            box=box,
            submission_token=CAMPAIGN_TOKEN.format(entry.pk),
            query_code_hash=secrets.token_hex(32),
            letter_type="suggestion",
            title=title[:60],
            content=text,
            name="网友",
            phone="未留",
            consent_publish=False,
            state=Letter.State.CLOSED,
            unit=unit,
            instruction="“我为即墨发展献一策”活动建议，请研究办理。",
            day_basis=rule.day_basis,
            accept_days=rule.accept_days,
            reply_days=rule.reply_days,
            max_extension_days=rule.extension_days,
            received_at=received,
            accepted_at=accepted,
            assigned_at=accepted,
            reply=f"{unit.short_name}答复：{reply}",
            reply_drafted_by=None,
            replied_at=replied,
            closed_at=replied,
        )
        workflow.compute_deadlines(letter)
        letter.on_time = timezone.localtime(replied).date() <= letter.reply_due
        letters.append(letter)
    Letter.objects.bulk_create(letters, batch_size=200)
    letters = list(Letter.objects.filter(submission_token__startswith="demo-campaign-").order_by("pk"))
    events = []
    by_token = {letter.submission_token: letter for letter in letters}
    for entry, _suggestion, _adopted in items:
        letter = by_token[CAMPAIGN_TOKEN.format(entry.pk)]
        letter.number = f"{letter.received_date:%Y%m%d}{letter.pk:06d}"
        entry.letter = letter
        steps = [
            ("submit", "", Letter.State.SUBMITTED, None, "来信人", letter.received_at, None),
            (
                "accept",
                Letter.State.SUBMITTED,
                Letter.State.ACCEPTED,
                dispatcher,
                "受理员",
                letter.accepted_at,
                None,
            ),
            (
                "assign",
                Letter.State.ACCEPTED,
                Letter.State.ASSIGNED,
                dispatcher,
                "受理员",
                letter.accepted_at,
                letter.unit,
            ),
            (
                "submit_reply",
                Letter.State.ASSIGNED,
                Letter.State.REPLY_REVIEW,
                None,
                "承办人",
                letter.replied_at,
                None,
            ),
            (
                "approve_reply",
                Letter.State.REPLY_REVIEW,
                Letter.State.CLOSED,
                None,
                "审核人",
                letter.replied_at,
                None,
            ),
        ]
        for action, from_state, to_state, actor, label, moment, to_unit in steps:
            events.append(
                LetterEvent(
                    letter=letter,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    actor=actor,
                    actor_label=label,
                    to_unit=to_unit,
                    created_at=moment,
                    note=letter.instruction if action == "assign" else "",
                )
            )
    Letter.objects.bulk_update(letters, ["number"], batch_size=500)
    CampaignEntry.objects.bulk_update([item[0] for item in items], ["letter"], batch_size=500)
    LetterEvent.objects.bulk_create(events, batch_size=500)


# --- The survey -----------------------------------------------------------------------------------

FIELD_TYPES = {"radio": "radio", "checkbox": "checkboxes", "dropdown": "dropdown"}


def ensure_survey():
    page = SurveyPage.objects.filter(slug="zxdc").first()
    if page is None:
        page = SurveyPage(
            title=SURVEY["title"],
            slug="zxdc",
            intro="".join(f"<p>{part}</p>" for part in SURVEY["intro"].split("\n") if part.strip()),
            starts_at=_days_ago(SURVEY["start_days_ago"]),
            ends_at=_days_ago(SURVEY["end_days_ago"], hour=18),
            thank_you_text=f"<p>{SURVEY['thank_you']}</p>",
        )
        page.form_fields = [
            SurveyFormField(
                label=field["label"],
                field_type=FIELD_TYPES[field["type"]],
                choices="\n".join(field["choices"]),
                required=field["type"] != "checkbox",
                sort_order=position,
            )
            for position, field in enumerate(SURVEY["fields"])
        ]
        _add_published(_zmhd(), page)
    if not page.get_submission_class().objects.filter(page=page).exists():
        names = {field.label: field.clean_name for field in page.form_fields.all()}
        rng = random.Random(640)
        span = (page.ends_at - page.starts_at).total_seconds()
        submissions = [
            page.get_submission_class()(
                page=page,
                form_data={names[label]: value for label, value in answer.items() if label in names},
            )
            for answer in survey_answers()
        ]
        submission_class = page.get_submission_class()
        submission_class.objects.bulk_create(submissions, batch_size=500)
        stored = list(submission_class.objects.filter(page=page))
        for submission in stored:
            submission.submit_time = page.starts_at + timedelta(seconds=rng.uniform(0, span))
        submission_class.objects.bulk_update(stored, ["submit_time"], batch_size=500)
    return page


# --- The interview --------------------------------------------------------------------------------


def ensure_interview():
    page = InterviewPage.objects.filter(slug="xfzx").first()
    if page is not None:
        return page
    unit = Organisation.objects.get(label=INTERVIEW["unit"])
    hour, minute = (int(part) for part in INTERVIEW["time"].split(":"))
    day = timezone.localdate() - timedelta(days=INTERVIEW["days_ago"])
    Document = get_document_model()
    with open(MEDIA_DIR / INTERVIEW["audio_file"], "rb") as handle:
        audio = Document(title=f"{INTERVIEW['title']}（音频）", collection=unit.collection)
        audio.file.save(INTERVIEW["audio_file"], File(handle), save=True)
    page = InterviewPage(
        title=INTERVIEW["title"],
        slug="xfzx",
        organisation=unit,
        starts_at=timezone.make_aware(datetime.combine(day, time(hour, minute))),
        duration_minutes=INTERVIEW["duration_minutes"],
        intro=f"<p>{INTERVIEW['intro']}</p>",
        media=[
            (
                "media",
                {"file": audio, "kind": "audio", "caption": "访谈音频（节选）", "transcript": audio_script()},
            )
        ],
        transcript=[
            ("turn", {"speaker": speaker, "text": text}) for speaker, text in INTERVIEW["transcript"]
        ],
    )
    page.guests = [
        InterviewGuest(name=guest["name"], position=guest["title"], sort_order=position)
        for position, guest in enumerate(INTERVIEW["guests"])
    ]
    related = Letter.objects.published().filter(unit=unit).first()
    page.questions = [
        InterviewQuestion(
            asker=question["asker"],
            question=question["question"],
            answer=question["answer"],
            letter=related if position == 0 else None,
            sort_order=position,
        )
        for position, question in enumerate(INTERVIEW["questions"])
    ]
    return _add_published(_zmhd(), page)


def build_interaction_demo(say=lambda message: None):
    """Everything above, idempotent; demo mail goes nowhere."""
    workflow.ensure_role_groups()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            boxes = ensure_boxes()
            letters = ensure_letters(boxes)
        with transaction.atomic():
            campaign = ensure_campaign(boxes)
            survey = ensure_survey()
            ensure_interview()
    say(
        f"  政民互动：信箱 {len(boxes)} 个，演示来信 {letters} 封，"
        f"“{campaign.title}”征集意见 {CampaignEntry.objects.filter(page=campaign).count()} 条，"
        f"“{survey.title}”答卷 {survey.get_submission_class().objects.filter(page=survey).count()} 份。\n"
    )
