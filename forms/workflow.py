"""The letter case workflow: one transition table, one function per step, statutory clocks.

Public views, the Wagtail admin, Celery tasks, the demo and the tests all call these functions;
nothing else changes a letter's state. Every transition writes a `LetterEvent` row.

Roles
- 受理员 (dispatcher): members of the “政民互动受理员” group screen every box's letters; for a box
  with its own handling unit, that unit's 管理员 screen too.
- 承办人 (handler): the 信息员 and 管理员 of the unit the letter is assigned to.
- 审核人 (reviewer): the 管理员 of that unit; approves replies, never their own.
- 督办员 (supervisor): members of “政民互动督办员”; chase, supervise, approve extensions.
Superusers hold every staff role.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forms.models import DayBasis, Letter, LetterAttachment, LetterComment, LetterEvent
from home.casework import QueryRefused, TransitionError, group_ids, group_names
from home.casework import transition as _t
from home.models import Organisation
from home.workdays import add_workdays

S = Letter.State

DISPATCHER_GROUP = "政民互动受理员"
SUPERVISOR_GROUP = "政民互动督办员"

CITIZEN, DISPATCHER, HANDLER, REVIEWER, SUPERVISOR, SYSTEM = (
    "citizen",
    "dispatcher",
    "handler",
    "reviewer",
    "supervisor",
    "system",
)
ROLE_NAMES = {
    CITIZEN: "来信人",
    DISPATCHER: "受理员",
    HANDLER: "承办人",
    REVIEWER: "审核人",
    SUPERVISOR: "督办员",
    SYSTEM: "系统",
}


OPEN = set(Letter.OPEN_STATES)

# state × action → state, and who may do it. The one place these rules are written down.
TRANSITIONS = {
    "submit": _t("来信", {None}, S.SUBMITTED, {CITIZEN}),
    "accept": _t("受理", {S.SUBMITTED}, S.ACCEPTED, {DISPATCHER}),
    "reject": _t("不予受理", {S.SUBMITTED}, S.REJECTED, {DISPATCHER}, needs_note=True),
    "merge": _t("合并重复件", {S.SUBMITTED, S.ACCEPTED}, S.MERGED, {DISPATCHER}),
    "assign": _t("转办", {S.ACCEPTED, S.RETURNED}, S.ASSIGNED, {DISPATCHER}),
    "forward": _t("交办", {S.ASSIGNED}, S.ASSIGNED, {HANDLER}),
    "return": _t("退回", {S.ASSIGNED}, S.RETURNED, {HANDLER}, needs_note=True),
    "request_extension": _t("申请延期", {S.ASSIGNED}, None, {HANDLER}, needs_note=True),
    "approve_extension": _t("批准延期", {S.ASSIGNED, S.REPLY_REVIEW}, None, {SUPERVISOR}),
    "refuse_extension": _t("不批准延期", {S.ASSIGNED, S.REPLY_REVIEW}, None, {SUPERVISOR}, needs_note=True),
    "submit_reply": _t("提交答复", {S.ASSIGNED}, S.REPLY_REVIEW, {HANDLER}),
    "approve_reply": _t("审核通过答复", {S.REPLY_REVIEW}, S.CLOSED, {REVIEWER}),
    "reject_reply": _t("退回修改答复", {S.REPLY_REVIEW}, S.ASSIGNED, {REVIEWER}, needs_note=True),
    "publish": _t("公开", {S.CLOSED}, None, {DISPATCHER}),
    "unpublish": _t("取消公开", {S.CLOSED}, None, {DISPATCHER}, needs_note=True),
    "chase": _t("催办", OPEN, None, {SUPERVISOR}),
    "supervise": _t("督办", OPEN, None, {SUPERVISOR}),
    "rate": _t("评价", {S.CLOSED}, None, {CITIZEN}),
    "remind": _t("到期提醒", OPEN, None, {SYSTEM}),
    "escalate": _t("逾期上报", OPEN, None, {SYSTEM}),
}
# Steps the citizen does not see in the status query (internal handling notes).
INTERNAL_ACTIONS = {"forward", "request_extension", "refuse_extension", "reject_reply", "chase", "remind"}


class DuplicateSubmission(Exception):
    def __init__(self, letter):
        super().__init__(letter.number)
        self.letter = letter


# --- Roles ----------------------------------------------------------------------------------------


def ensure_role_groups():
    """The dispatcher and supervisor groups exist and may open the admin."""
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    groups = []
    for name in (DISPATCHER_GROUP, SUPERVISOR_GROUP):
        group, _ = Group.objects.get_or_create(name=name)
        if access_admin:
            group.permissions.add(access_admin)
        groups.append(group)
    return groups


def is_dispatcher(user):
    return user.is_active and (user.is_superuser or DISPATCHER_GROUP in group_names(user))


def is_supervisor(user):
    return user.is_active and (user.is_superuser or SUPERVISOR_GROUP in group_names(user))


def handled_units(user):
    """Units whose letters `user` handles (as 信息员 or 管理员)."""
    if user.is_superuser:
        return Organisation.objects.all()
    ids = group_ids(user)
    return Organisation.objects.filter(editor_group__in=ids) | Organisation.objects.filter(
        reviewer_group__in=ids
    )


def reviewed_units(user):
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(reviewer_group__in=group_ids(user))


def roles_for(user, letter):
    """The staff roles `user` holds for this letter."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {DISPATCHER, HANDLER, REVIEWER, SUPERVISOR}
    ids = group_ids(user)
    roles = set()
    if is_dispatcher(user):
        roles.add(DISPATCHER)
    box_unit = letter.box.handling_organisation
    if box_unit is not None and box_unit.reviewer_group_id in ids:
        roles.add(DISPATCHER)
    if is_supervisor(user):
        roles.add(SUPERVISOR)
    unit = letter.unit
    if unit is not None:
        if unit.editor_group_id in ids or unit.reviewer_group_id in ids:
            roles.add(HANDLER)
        if unit.reviewer_group_id in ids:
            roles.add(REVIEWER)
    return roles


def visible_letters(user):
    """The letters a staff user may see in the admin: all for dispatchers and supervisors,
    otherwise those of the units they belong to and of the boxes their unit screens."""
    if is_dispatcher(user) or is_supervisor(user):
        return Letter.objects.all()
    units = handled_units(user)
    screened = reviewed_units(user)
    return Letter.objects.filter(unit__in=units) | Letter.objects.filter(
        box__handling_organisation__in=screened
    )


def can_view(user, letter):
    return bool(roles_for(user, letter)) or visible_letters(user).filter(pk=letter.pk).exists()


def available_actions(user, letter):
    """Actions `user` may take on `letter` now, in table order (for the admin's buttons)."""
    roles = roles_for(user, letter)
    actions = []
    for name, transition in TRANSITIONS.items():
        if (
            letter.state in transition.sources
            and roles & transition.roles
            and _precondition(name, letter) is None
        ):
            actions.append(name)
    return actions


def _precondition(action, letter):
    """Why `action` is impossible beyond the state table (None when it is possible)."""
    if action == "request_extension":
        if letter.extension_requested:
            return "已申请延期，等待督办员审批。"
        if letter.extension_days:
            return "该信件已延期一次，不能再次申请。"
        if not letter.max_extension_days:
            return "该信箱的办理时限不可延长。"
    if action in ("approve_extension", "refuse_extension") and not letter.extension_requested:
        return "承办单位未申请延期。"
    if action == "publish":
        if not letter.consent_publish:
            return "来信人未同意公开，不能公开。"
        if not letter.box.public_listing:
            return "本信箱未开启公开选登。"
        if letter.is_public:
            return "该信件已公开。"
    if action == "unpublish" and not letter.is_public:
        return "该信件未公开。"
    if action == "rate" and letter.rating:
        return "您已评价过该信件。"
    return None


# --- Clocks ---------------------------------------------------------------------------------------


def add_days(start, days, basis):
    if basis == DayBasis.WORKDAY:
        return add_workdays(start, days)
    return start + timedelta(days=days)


def compute_deadlines(letter):
    """Set accept_due and reply_due from the letter's own rule and the current calendar.

    The acceptance clock runs from the day of receipt, the reply clock from acceptance (from
    receipt while the letter is not yet accepted); an approved extension adds to the reply clock.
    """
    received = timezone.localtime(letter.received_at).date()
    letter.accept_due = add_days(received, letter.accept_days, letter.day_basis)
    start = timezone.localtime(letter.accepted_at).date() if letter.accepted_at else received
    letter.reply_due = add_days(start, letter.reply_days + letter.extension_days, letter.day_basis)
    return letter


def recompute_open_deadlines():
    """After a calendar change: move the clocks of every open letter counted in working days."""
    changed = []
    letters = Letter.objects.open().filter(day_basis=DayBasis.WORKDAY)
    for letter in letters.only(
        "pk",
        "received_at",
        "accepted_at",
        "day_basis",
        "accept_days",
        "reply_days",
        "extension_days",
        "accept_due",
        "reply_due",
    ):
        before = (letter.accept_due, letter.reply_due)
        compute_deadlines(letter)
        if (letter.accept_due, letter.reply_due) != before:
            changed.append(letter)
    Letter.objects.bulk_update(changed, ["accept_due", "reply_due"], batch_size=500)
    return len(changed)


# --- Citizen side ---------------------------------------------------------------------------------

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_FAILURES_PER_IP = 20  # per hour
QUERY_FAILURES_PER_NUMBER = 5  # per hour: a code of 6 characters from 31 cannot be guessed so


def _hash_code(code):
    return hmac.new(settings.SECRET_KEY.encode(), code.strip().upper().encode(), hashlib.sha256).hexdigest()


def new_submission_token():
    return secrets.token_urlsafe(24)


def submit_letter(
    box,
    *,
    token,
    letter_type,
    title,
    content,
    name,
    phone,
    email="",
    address="",
    consent_publish=False,
    attachments=(),
    ip=None,
    received_at=None,
):
    """Store a citizen's letter; returns (letter, query code). The query code is shown once.

    `token` is issued with the form: submitting the same form twice (a double click, a replayed
    request) raises DuplicateSubmission instead of storing a second letter.
    """
    from workflows.word_check import check_text

    if letter_type not in dict(box.type_choices()):
        raise ValidationError({"letter_type": "请选择本信箱受理的信件类型。"})
    rule = box.deadline_rule()
    hits = check_text({"标题": title, "内容": content})
    code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))
    letter = Letter(
        box=box,
        submission_token=token,
        query_code_hash=_hash_code(code),
        letter_type=letter_type,
        title=title,
        content=content,
        name=name,
        phone=phone,
        email=email,
        address=address,
        consent_publish=consent_publish,
        submitter_ip=ip,
        sensitive_words="、".join(sorted({hit.word for hit in hits.hits}))[:200],
        day_basis=rule.day_basis,
        accept_days=rule.accept_days,
        reply_days=rule.reply_days,
        max_extension_days=rule.extension_days,
        received_at=received_at or timezone.now(),
    )
    compute_deadlines(letter)
    try:
        with transaction.atomic():
            letter.save()
            letter.number = f"{letter.received_date:%Y%m%d}{letter.pk:06d}"
            letter.save(update_fields=["number"])
            for upload in attachments:
                stored = LetterAttachment(
                    letter=letter, original_name=upload.original_name, kind=upload.kind, size=upload.size
                )
                extension = "jpg" if upload.kind == "jpeg" else upload.kind
                stored.file.save(f"{secrets.token_hex(16)}.{extension}", upload.file, save=True)
            _record(letter, "submit", None, actor=None, role=CITIZEN)
    except IntegrityError:
        existing = Letter.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None
    from forms import notifications

    transaction.on_commit(lambda: notifications.letter_received(letter, code))
    return letter, code


def find_letter(number, code, ip):
    """The letter for a tracking number and query code; failed guesses are limited."""
    from home import ratelimit

    number = (number or "").strip()
    code = (code or "").strip().upper()
    hour = 3600
    if ratelimit.is_limited("letter-query-ip", ip or "", QUERY_FAILURES_PER_IP, hour) or (
        number and ratelimit.is_limited("letter-query-number", number, QUERY_FAILURES_PER_NUMBER, hour)
    ):
        raise QueryRefused("查询失败次数过多，请一小时后再试。", status=429)
    letter = Letter.objects.select_related("box", "unit").filter(number=number).first() if number else None
    if letter is None or not hmac.compare_digest(letter.query_code_hash, _hash_code(code)):
        ratelimit.hit("letter-query-ip", ip or "", QUERY_FAILURES_PER_IP, hour)
        if number:
            ratelimit.hit("letter-query-number", number, QUERY_FAILURES_PER_NUMBER, hour)
        raise QueryRefused("信件编号或查询码不正确，请核对后重新输入。")
    return letter


def rate(letter, rating, comment="", ip=None):
    """The citizen rates the reply (once) and may add a comment, shown after moderation."""
    if rating not in Letter.Rating.values:
        raise ValidationError({"rating": "请选择满意度。"})
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        _check_transition(letter, "rate")
        letter.rating = rating
        letter.rated_at = timezone.now()
        letter.save(update_fields=["rating", "rated_at"])
        _record(letter, "rate", letter.state, actor=None, role=CITIZEN, note=Letter.Rating(rating).label)
        if comment.strip():
            add_comment(letter, comment, ip=ip)
    return letter


def add_comment(letter, content, ip=None):
    from workflows.word_check import check_text

    content = content.strip()
    if not content:
        raise ValidationError({"comment": "请填写评论内容。"})
    if letter.state != S.CLOSED:
        raise TransitionError("信件办结后才能发表评论。")
    hits = check_text({"评论": content})
    if hits.blocking:
        raise ValidationError(
            {"comment": "评论含有不宜发布的词语：" + "、".join(h.word for h in hits.blocking)}
        )
    return LetterComment.objects.create(letter=letter, content=content, submitter_ip=ip)


def moderate_comment(comment, user, approve):
    if not roles_for(user, comment.letter) & {DISPATCHER, REVIEWER}:
        raise PermissionDenied("只有受理员或承办单位管理员可以审核评论。")
    comment.status = LetterComment.Status.APPROVED if approve else LetterComment.Status.REJECTED
    comment.moderated_by = user
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    return comment


# --- Staff side -----------------------------------------------------------------------------------


def _check_transition(letter, action):
    transition = TRANSITIONS[action]
    if letter.state not in transition.sources:
        raise TransitionError(
            f"信件当前状态为“{letter.get_state_display()}”，不能进行“{transition.label}”操作。"
        )
    reason = _precondition(action, letter)
    if reason:
        raise TransitionError(reason)
    return transition


def _record(letter, action, from_state, actor, role, note="", from_unit=None, to_unit=None):
    return LetterEvent.objects.create(
        letter=letter,
        action=action,
        from_state=from_state or "",
        to_state=letter.state,
        actor=actor,
        actor_label=ROLE_NAMES[role],
        from_unit=from_unit,
        to_unit=to_unit,
        note=note,
        public=action not in INTERNAL_ACTIONS,
    )


def perform(letter_or_id, action, user, note="", **params):
    """Carry out one staff step on a letter, with row locking, role and state checks, a history
    row and the notifications it triggers. Raises PermissionDenied or TransitionError."""
    if action not in TRANSITIONS or CITIZEN in TRANSITIONS[action].roles:
        raise TransitionError("未知的操作。")
    transition = TRANSITIONS[action]
    note = (note or "").strip()
    pk = getattr(letter_or_id, "pk", letter_or_id)
    with transaction.atomic():
        letter = Letter.objects.select_for_update(of=("self",)).select_related("box", "unit").get(pk=pk)
        if SYSTEM in transition.roles:
            if user is not None:
                raise PermissionDenied("该操作由系统自动执行。")
            role = SYSTEM
        else:
            roles = roles_for(user, letter) & transition.roles
            if not roles:
                raise PermissionDenied(f"您无权对该信件进行“{transition.label}”操作。")
            role = sorted(roles)[0]
        _check_transition(letter, action)
        if transition.needs_note and not note:
            raise ValidationError({"note": f"请填写{transition.label}的理由。"})
        from_state, from_unit = letter.state, letter.unit
        to_unit = _EFFECTS[action](letter, user, note, **params)
        if transition.target is not None:
            letter.state = transition.target
        letter.save()
        event = _record(
            letter,
            action,
            from_state,
            actor=user if role != SYSTEM else None,
            role=role,
            note=note,
            from_unit=from_unit,
            to_unit=to_unit,
        )
        follow_up = _FOLLOW_UPS.get(action)
        if follow_up:
            follow_up(letter, user)
    from forms import notifications

    transaction.on_commit(lambda: notifications.after_transition(letter, event))
    return letter


def _accept(letter, user, note):
    letter.accepted_at = timezone.now()
    compute_deadlines(letter)


def _auto_assign_after_accept(letter, user):
    """A box with its own handling unit needs no 转办: accepting hands the letter to that unit."""
    unit = letter.box.handling_organisation
    if unit is None:
        return
    from_state = letter.state
    letter.unit = unit
    letter.assigned_at = timezone.now()
    letter.state = S.ASSIGNED
    letter.save()
    _record(
        letter,
        "assign",
        from_state,
        actor=user,
        role=DISPATCHER,
        note="本单位信箱来信，受理后直接办理。",
        to_unit=unit,
    )


def _reject(letter, user, note):
    letter.rejection_reason = note
    letter.closed_at = timezone.now()


def _merge(letter, user, note, target_number=""):
    target = Letter.objects.filter(number=(target_number or "").strip()).first()
    if target is None or target.pk == letter.pk:
        raise ValidationError({"target_number": "请填写另一封信件的正确编号。"})
    if target.state in (S.REJECTED, S.MERGED):
        raise ValidationError({"target_number": "不能合并到已不予受理或已合并的信件。"})
    letter.merged_into = target
    letter.closed_at = timezone.now()


def _unit_for_handling(unit):
    if not isinstance(unit, Organisation):
        unit = Organisation.objects.filter(pk=unit).first() if unit else None
    if unit is None or unit.kind == Organisation.Kind.PORTAL or unit.editor_group_id is None:
        raise ValidationError({"unit": "请选择承办单位（部门或镇街）。"})
    return unit


def _assign(letter, user, note, unit=None):
    unit = _unit_for_handling(unit)
    letter.unit = unit
    letter.section = ""
    letter.instruction = note
    letter.assigned_at = timezone.now()
    if letter.accepted_at is None:
        letter.accepted_at = letter.assigned_at
        compute_deadlines(letter)
    return unit


def _forward(letter, user, note, unit=None, section=""):
    """交办: to a section of the same unit, or down to another unit."""
    section = (section or "").strip()
    if unit:
        unit = _unit_for_handling(unit)
        if unit.pk == letter.unit_id:
            raise ValidationError({"unit": "请选择其他单位，或填写本单位的承办科室。"})
        letter.unit = unit
        letter.section = section
        return unit
    if not section:
        raise ValidationError({"section": "请选择交办的下级单位或填写承办科室。"})
    letter.section = section
    return letter.unit


def _return(letter, user, note):
    letter.unit = None
    letter.section = ""


def _request_extension(letter, user, note):
    letter.extension_requested = True
    letter.extension_reason = note


def _approve_extension(letter, user, note):
    letter.extension_requested = False
    letter.extension_days = letter.max_extension_days
    compute_deadlines(letter)


def _refuse_extension(letter, user, note):
    letter.extension_requested = False


def _submit_reply(letter, user, note, reply=None):
    text = (reply if reply is not None else letter.reply).strip()
    if len(text) < 10:
        raise ValidationError({"reply": "答复内容过短，请完整答复来信人反映的问题。"})
    letter.reply = text
    letter.reply_drafted_by = user


def _approve_reply(letter, user, note):
    from workflows.word_check import check_text

    if letter.reply_drafted_by_id == user.pk and not user.is_superuser:
        raise PermissionDenied("不能审核自己拟写的答复，请由本单位其他管理员审核。")
    hits = check_text({"答复": letter.reply})
    if hits.blocking:
        raise ValidationError(
            {"reply": "答复含有须修改的词语：" + "".join(h.describe() for h in hits.blocking)}
        )
    now = timezone.now()
    letter.reply_approved_by = user
    letter.replied_at = letter.closed_at = now
    letter.on_time = timezone.localtime(now).date() <= letter.reply_due
    # Published only if the citizen agreed, the box lists letters, and nothing needs a human look.
    letter.is_public = letter.consent_publish and letter.box.public_listing and not letter.sensitive_words


def _reject_reply(letter, user, note):
    pass


def _publish(letter, user, note):
    letter.is_public = True


def _unpublish(letter, user, note):
    letter.is_public = False


def _chase(letter, user, note):
    letter.chase_count += 1


def _supervise(letter, user, note):
    letter.supervised = True


def _remind(letter, user, note):
    letter.last_reminded_on = timezone.localdate()


def _escalate(letter, user, note):
    letter.escalated = True


_EFFECTS = {
    "accept": _accept,
    "reject": _reject,
    "merge": _merge,
    "assign": _assign,
    "forward": _forward,
    "return": _return,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse_extension,
    "submit_reply": _submit_reply,
    "approve_reply": _approve_reply,
    "reject_reply": _reject_reply,
    "publish": _publish,
    "unpublish": _unpublish,
    "chase": _chase,
    "supervise": _supervise,
    "remind": _remind,
    "escalate": _escalate,
}
_FOLLOW_UPS = {"accept": _auto_assign_after_accept}


def save_reply_draft(letter, user, text):
    """A handler saves the reply without submitting it (no state change, no history row)."""
    if HANDLER not in roles_for(user, letter):
        raise PermissionDenied("您无权答复该信件。")
    if letter.state != S.ASSIGNED:
        raise TransitionError("只有办理中的信件可以拟写答复。")
    letter.reply = (text or "").strip()
    letter.reply_drafted_by = user
    letter.save(update_fields=["reply", "reply_drafted_by"])
    return letter


# --- Retention ------------------------------------------------------------------------------------


def anonymise_old_letters(retention_days=None, today=None):
    """Personal data is kept only as long as it is needed: letters closed more than
    LETTER_RETENTION_DAYS ago lose the writer's contact data and attachments, and their text
    keeps only the masked form. The case, its history and its figures stay."""
    from home.masking import mask_text

    retention_days = settings.LETTER_RETENTION_DAYS if retention_days is None else retention_days
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=retention_days)
    letters = Letter.objects.filter(
        state__in=[S.CLOSED, S.REJECTED, S.MERGED], closed_at__date__lt=cutoff, anonymised=False
    )
    count = 0
    for letter in letters.iterator():
        with transaction.atomic():
            names = [letter.name]
            letter.title = mask_text(letter.title, names=names)
            letter.content = mask_text(letter.content, names=names)
            letter.reply = mask_text(letter.reply, names=names)
            letter.name = "（已清除）"
            letter.phone = letter.email = letter.address = ""
            letter.submitter_ip = None
            letter.anonymised = True
            letter.save()
            for attachment in letter.attachments.all():
                attachment.file.delete(save=False)
                attachment.delete()
            for comment in letter.comments.all():
                comment.content = mask_text(comment.content, names=names)
                comment.submitter_ip = None
                comment.save(update_fields=["content", "submitter_ip"])
        count += 1
    return count
