"""Rules for campaigns (征集) and surveys (在线调查): who manages them, adoption, forwarding, results.

A campaign entry becomes a letter case only through `forms.workflow` (submit, accept, assign), so
a forwarded suggestion runs on the same clocks, history and notifications as any letter.
"""

from collections import Counter
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from wagtail.contrib.forms.forms import FormBuilder

from forms import workflow
from forms.models import CampaignEntry, LetterType
from home.masking import mask_text
from home.models import Organisation

TEXT_TYPES = ("singleline", "multiline")
CHOICE_TYPES = ("radio", "dropdown", "checkboxes", "multiselect", "checkbox")
ANONYMOUS_NAME = "网友"
NO_PHONE = "未留"
YES, NO = "是", "否"


# --- Permissions ----------------------------------------------------------------------------------


def can_manage_campaign(user, page):
    """Superusers, 受理员, and the 管理员 of the unit whose site holds the campaign."""
    from workflows.models import is_unit_reviewer, organisation_for_page

    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or workflow.is_dispatcher(user):
        return True
    return is_unit_reviewer(user, organisation_for_page(page))


def manageable_campaigns(user):
    """The campaigns `user` may manage: all for 受理员, those on their own unit's site otherwise."""
    from forms.models import CampaignPage

    pages = CampaignPage.objects.order_by("-ends_at", "-pk")
    if not user.is_authenticated or not user.is_active:
        return pages.none()
    if user.is_superuser or workflow.is_dispatcher(user):
        return pages
    roots = Organisation.objects.filter(reviewer_group__in=user.groups.all(), site__isnull=False).values_list(
        "site__root_page__path", flat=True
    )
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return pages.filter(condition) if condition else pages.none()


def can_forward(user):
    return user.is_authenticated and workflow.is_dispatcher(user)


# --- Campaign entries -----------------------------------------------------------------------------


def campaign_counts(page):
    """收到 / 转办 / 采纳, in one query."""
    return CampaignEntry.objects.filter(page=page).aggregate(
        received=Count("pk"),
        forwarded=Count("pk", filter=Q(letter__isnull=False)),
        adopted=Count("pk", filter=Q(adopted=True)),
    )


def answer_text(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return YES if value else NO
    return "" if value is None else str(value).strip()


def entry_parts(entry, fields):
    """(title, text) of an entry: the first single-line answer, and the multi-line answers.

    Without a multi-line field the text is every other answer as “题目：回答” lines, so a
    campaign built only of short fields still forwards something readable.
    """
    data = entry.form_data or {}
    title = ""
    for field in fields:
        if field.field_type == "singleline" and answer_text(data.get(field.clean_name)):
            title = answer_text(data.get(field.clean_name))
            break
    paragraphs = [
        answer_text(data.get(field.clean_name))
        for field in fields
        if field.field_type == "multiline" and answer_text(data.get(field.clean_name))
    ]
    if paragraphs:
        return title, "\n\n".join(paragraphs)
    lines = [
        f"{field.label}：{answer_text(data.get(field.clean_name))}"
        for field in fields
        if field.field_type != "hidden"
        and answer_text(data.get(field.clean_name))
        and answer_text(data.get(field.clean_name)) != title
    ]
    return title, "\n".join(lines) or title


def adopted_suggestions(page, limit=200):
    """Adopted entries for the public result page, personal data masked."""
    fields = list(page.get_form_fields())
    items = []
    entries = CampaignEntry.objects.filter(page=page, adopted=True).order_by("submit_time", "pk")
    for entry in entries[:limit]:
        title, text = entry_parts(entry, fields)
        names = [entry.name] if entry.name else []
        items.append(
            {
                "title": mask_text(title, names=names),
                "text": mask_text(text, names=names),
                "submit_time": entry.submit_time,
            }
        )
    return items


def mark_adopted(entry, user, adopted=True):
    if not can_manage_campaign(user, entry.page):
        raise PermissionDenied("您无权管理该征集的意见。")
    entry.adopted = bool(adopted)
    entry.save(update_fields=["adopted"])
    return entry


def forward_units(page):
    """The units a campaign's suggestions may be forwarded to (for the admin's choice list)."""
    box = page.forward_box
    if box is not None and box.handling_organisation_id:
        return Organisation.objects.filter(pk=box.handling_organisation_id)
    return Organisation.objects.exclude(kind=Organisation.Kind.PORTAL).filter(editor_group__isnull=False)


def _excerpt(text, length=20):
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"


def forward_entry(entry, user, unit, note=""):
    """转办: the suggestion becomes a letter in the campaign's forward box, accepted and assigned
    to `unit` at once. One transaction; a suggestion is forwarded at most once."""
    if not can_forward(user):
        raise PermissionDenied("只有政民互动受理员可以转办征集意见。")
    page = entry.page.specific
    box = page.forward_box
    if box is None:
        raise ValidationError("该征集未设置“转办所用信箱”，请先在征集页面中设置。")
    if LetterType.SUGGESTION not in dict(box.type_choices()):
        raise ValidationError(f"转办信箱“{box.title}”不受理“建议”类来信，请更换转办信箱。")
    if unit is not None and not isinstance(unit, Organisation):
        unit = Organisation.objects.filter(pk=unit).first()
    own_unit = box.handling_organisation
    if own_unit is not None and unit is not None and unit.pk != own_unit.pk:
        raise ValidationError(f"转办信箱“{box.title}”由{own_unit.name}直接办理，只能转给该单位。")
    unit = unit or own_unit
    if unit is None:
        raise ValidationError("请选择承办单位。")

    fields = list(page.get_form_fields())
    with transaction.atomic():
        entry = CampaignEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.letter_id is not None:
            raise ValidationError("该意见已转办。")
        title, text = entry_parts(entry, fields)
        text = text or title
        footer = f"\n\n（来自“{page.title}”意见征集）"
        letter, _code = workflow.submit_letter(
            box,
            # Derived from the entry: a second forward could not store a second letter even if
            # the lock above were missing (the token is unique).
            token=f"campaign-entry-{entry.pk}",
            letter_type=LetterType.SUGGESTION,
            title=(title or f"建言献策：{_excerpt(text)}")[:60],
            content=text[: 3000 - len(footer)] + footer,
            name=(entry.name or ANONYMOUS_NAME)[:30],
            phone=(entry.phone or NO_PHONE)[:20],
            consent_publish=False,
            ip=entry.submitter_ip,
        )
        workflow.perform(letter, "accept", user, note="征集意见转办")
        letter.refresh_from_db()
        # A box with its own unit hands the letter to that unit on acceptance.
        if letter.state != letter.State.ASSIGNED:
            workflow.perform(letter, "assign", user, note=note, unit=unit)
        entry.letter = letter
        entry.save(update_fields=["letter"])
    letter.refresh_from_db()
    return letter


# --- Surveys --------------------------------------------------------------------------------------


class ChoiceCount(NamedTuple):
    choice: str
    count: int
    percent: float


class FieldResult(NamedTuple):
    label: str
    field_type: str
    choices: list  # [ChoiceCount]; empty for free-text questions, whose answers are not shown
    total: int  # respondents who answered this question

    @property
    def is_choice(self):
        return self.field_type in CHOICE_TYPES

    @property
    def is_multiple(self):
        return self.field_type in ("checkboxes", "multiselect")

    @property
    def chart_items(self):
        """Rows for the shared SVG bar chart (forms/templatetags/letter_tags.py)."""
        return [(row.choice, [row.percent]) for row in self.choices]

    @property
    def chart_summary(self):
        figures = "，".join(f"{row.choice} {row.percent:g}%" for row in self.choices)
        return f"{self.label}：{figures}"


def _declared_choices(field):
    if field.field_type == "checkbox":
        return [YES, NO]
    return [choice for _value, choice in FormBuilder([]).get_formatted_field_choices(field) if choice]


def survey_results(page):
    """Per question: (label, type, [(choice, count, percent)], answered).

    Counted in Python over the stored JSON (fine for thousands of answers). Percentages are of
    those who answered the question, so a multiple-choice question may add up to over 100%.
    Answers no longer among the choices (an edited question) are listed after them.
    """
    fields = list(page.get_form_fields())
    answered = Counter()
    tallies = {field.clean_name: Counter() for field in fields}
    submissions = page.get_submissions().values_list("form_data", flat=True)
    for data in submissions.iterator(chunk_size=1000):
        data = data or {}
        for field in fields:
            if field.clean_name not in data:
                continue
            value = data[field.clean_name]
            if field.field_type == "checkbox":
                values = [YES if value else NO]
            elif isinstance(value, list):
                values = [str(v) for v in value if str(v) != ""]
            else:
                values = [str(value)] if value not in (None, "") else []
            if not values:
                continue
            answered[field.clean_name] += 1
            if field.field_type in CHOICE_TYPES:
                tallies[field.clean_name].update(values)

    results = []
    for field in fields:
        total = answered[field.clean_name]
        rows = []
        if field.field_type in CHOICE_TYPES:
            tally = tallies[field.clean_name]
            declared = _declared_choices(field)
            extra = [choice for choice in tally if choice not in declared]
            for choice in declared + extra:
                count = tally.get(choice, 0)
                rows.append(ChoiceCount(choice, count, round(100 * count / total, 1) if total else 0.0))
        results.append(FieldResult(field.label, field.field_type, rows, total))
    return results
