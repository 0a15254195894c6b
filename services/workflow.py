"""Application (办件) workflow: one transition table, one function per step, working-day clocks.

Public views, the admin, tasks, the demo and the tests call these functions only.

Roles
- 申请人 (applicant): proves who they are with the receipt number and the tail of their ID.
- 窗口 (clerk): the department's 信息员 and 管理员 groups; pre-check, accept, route, close.
- 审批人 (approver): the person a step was routed to, or the department's 管理员 (the head).
- 监督员 (supervisor): the “政务服务监督员” group; sees every department's applications and figures.
Superusers hold every staff role.
"""

import hmac
import secrets

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from home.casework import QueryRefused, TransitionError, group_ids, group_names
from home.casework import transition as _t
from home.models import Organisation
from home.workdays import add_workdays
from services.models import Application, ApplicationEvent, ApplicationMaterial

S = Application.State

SUPERVISOR_GROUP = "政务服务监督员"
PRECHECK_WORKDAYS = 1  # 预审: the window answers within one working day

APPLICANT, CLERK, APPROVER, SUPERVISOR, SYSTEM = "applicant", "clerk", "approver", "supervisor", "system"
ROLE_NAMES = {APPLICANT: "申请人", CLERK: "窗口", APPROVER: "审批人", SUPERVISOR: "监督员", SYSTEM: "系统"}


# state × action → state, and who may do it.
TRANSITIONS = {
    "submit": _t("提交申请", {None}, S.SUBMITTED, {APPLICANT}),
    "request_supplement": _t("一次性告知补正", {S.SUBMITTED}, S.SUPPLEMENT, {CLERK}, needs_note=True),
    "resubmit": _t("补正后重新提交", {S.SUPPLEMENT}, S.SUBMITTED, {APPLICANT}),
    "withdraw": _t("撤回申请", {S.SUBMITTED, S.SUPPLEMENT}, S.WITHDRAWN, {APPLICANT}),
    "reject": _t("不予受理", {S.SUBMITTED}, S.REJECTED, {CLERK}, needs_note=True),
    "accept": _t("受理", {S.SUBMITTED}, S.ACCEPTED, {CLERK}),
    "route": _t("流转", {S.ACCEPTED, S.IN_REVIEW}, S.IN_REVIEW, {CLERK, APPROVER}),
    "approve": _t("准予", {S.IN_REVIEW}, S.DECIDED, {APPROVER}),
    "deny": _t("不予准予", {S.IN_REVIEW}, S.DECIDED, {APPROVER}, needs_note=True),
    "close": _t("办结", {S.DECIDED}, S.CLOSED, {CLERK}),
    "rate": _t("评价", {S.CLOSED}, None, {APPLICANT}),
}


class DuplicateSubmission(Exception):
    def __init__(self, application):
        super().__init__(application.receipt_number)
        self.application = application


# --- Guide completeness ---------------------------------------------------------------------------

GUIDE_FIELDS = [
    ("basic_code", "基本编码"),
    ("item_type", "事项类型"),
    ("organisation", "实施主体"),
    ("legal_basis", "设定依据"),
    ("conditions", "受理条件"),
    ("procedure", "办理流程"),
    ("handling_form", "办理形式"),
    ("legal_days", "法定办结时限"),
    ("promised_days", "承诺办结时限"),
    ("location", "办理地点"),
    ("office_hours", "办理时间"),
    ("consult_phone", "咨询电话"),
    ("complaint_phone", "监督投诉电话"),
    ("result_name", "办理结果"),
]


def missing_guide_elements(page, materials=None, fees=None):
    """Labels of the 办事指南 elements still empty. `materials`/`fees` override the stored
    inline rows (the editor's form passes what is about to be saved)."""
    missing = []
    for field, label in GUIDE_FIELDS:
        value = getattr(page, field + "_id", None) if field == "organisation" else getattr(page, field, None)
        if isinstance(value, str):
            value = strip_tags(value).strip()
        if value in (None, "", 0):
            missing.append(label)
    if materials is None:
        materials = list(page.materials.all()) if page.pk or hasattr(page, "materials") else []
    if not materials:
        missing.append("申请材料")
    if page.charged:
        if fees is None:
            fees = list(page.fees.all())
        if not fees:
            missing.append("收费项目及依据")
    return missing


# --- Roles ----------------------------------------------------------------------------------------


def ensure_role_groups():
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    group, _ = Group.objects.get_or_create(name=SUPERVISOR_GROUP)
    if access_admin:
        group.permissions.add(access_admin)
    return group


def is_supervisor(user):
    return user.is_active and (user.is_superuser or SUPERVISOR_GROUP in group_names(user))


def clerk_units(user):
    """Departments whose window `user` staffs."""
    if user.is_superuser:
        return Organisation.objects.all()
    ids = group_ids(user)
    return Organisation.objects.filter(editor_group__in=ids) | Organisation.objects.filter(
        reviewer_group__in=ids
    )


def roles_for(user, application):
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {CLERK, APPROVER, SUPERVISOR}
    ids = group_ids(user)
    unit = application.organisation
    roles = set()
    if unit.editor_group_id in ids or unit.reviewer_group_id in ids:
        roles.add(CLERK)
    if unit.reviewer_group_id in ids or (application.assignee_id and application.assignee_id == user.pk):
        roles.add(APPROVER)
    if is_supervisor(user):
        roles.add(SUPERVISOR)
    return roles


def visible_applications(user):
    if is_supervisor(user):
        return Application.objects.all()
    return Application.objects.filter(organisation__in=clerk_units(user)) | Application.objects.filter(
        assignee=user
    )


def can_view(user, application):
    return bool(roles_for(user, application))


def available_actions(user, application):
    roles = roles_for(user, application)
    return [
        name
        for name, transition in TRANSITIONS.items()
        if APPLICANT not in transition.roles
        and application.state in transition.sources
        and roles & transition.roles
    ]


def assignable_users(organisation):
    """People a step can be routed to: the department's own staff."""
    from django.contrib.auth import get_user_model

    groups = [pk for pk in (organisation.editor_group_id, organisation.reviewer_group_id) if pk]
    return get_user_model().objects.filter(groups__in=groups, is_active=True).distinct().order_by("username")


# --- Clocks ---------------------------------------------------------------------------------------


def compute_deadlines(application):
    submitted = timezone.localtime(application.submitted_at).date()
    application.precheck_due = add_workdays(submitted, PRECHECK_WORKDAYS)
    if application.accepted_at:
        accepted = timezone.localtime(application.accepted_at).date()
        application.promised_due = add_workdays(accepted, application.promised_days)
        application.legal_due = add_workdays(accepted, application.legal_days)
    return application


def recompute_open_deadlines():
    changed = []
    for application in Application.objects.open():
        before = (application.precheck_due, application.promised_due, application.legal_due)
        compute_deadlines(application)
        if (application.precheck_due, application.promised_due, application.legal_due) != before:
            changed.append(application)
    Application.objects.bulk_update(changed, ["precheck_due", "promised_due", "legal_due"], batch_size=500)
    return len(changed)


def handling_workdays(application):
    """Working days from acceptance to closure (for average handling time)."""
    from home.workdays import workdays_between

    if not (application.accepted_at and application.closed_at):
        return None
    return workdays_between(
        timezone.localtime(application.accepted_at).date(), timezone.localtime(application.closed_at).date()
    )


# --- Applicant side -------------------------------------------------------------------------------

QUERY_FAILURES_PER_IP = 20
QUERY_FAILURES_PER_RECEIPT = 5


def new_submission_token():
    return secrets.token_urlsafe(24)


def _check_materials(item, files_by_slot, require_all):
    """files_by_slot: {ServiceMaterial pk: [CheckedUpload]}; required slots must have a file."""
    slots = {material.pk: material for material in item.materials.all()}
    unknown = [pk for pk in files_by_slot if pk not in slots]
    if unknown:
        raise ValidationError("提交的材料与本事项的材料清单不符，请刷新页面后重新提交。")
    if require_all:
        missing = [m.name for pk, m in slots.items() if m.required and not files_by_slot.get(pk)]
        if missing:
            raise ValidationError({"materials": f"请上传必须提交的材料：{'、'.join(missing)}。"})
    return slots


def _store_materials(application, slots, files_by_slot, round_number):
    for pk, uploads in files_by_slot.items():
        for upload in uploads:
            stored = ApplicationMaterial(
                application=application,
                material=slots[pk],
                material_name=slots[pk].name,
                original_name=upload.original_name,
                kind=upload.kind,
                size=upload.size,
                round=round_number,
            )
            extension = "jpg" if upload.kind == "jpeg" else upload.kind
            stored.file.save(f"{secrets.token_hex(16)}.{extension}", upload.file, save=True)


def submit_application(
    item,
    *,
    token,
    applicant_type,
    applicant_name,
    id_number,
    phone,
    contact_name="",
    email="",
    notes="",
    files_by_slot=None,
    ip=None,
    submitted_at=None,
):
    """Store an application; returns it with its receipt number. A replayed form raises
    DuplicateSubmission instead of storing a second application."""
    item = item.specific
    if not item.live or not item.accepts_online:
        raise TransitionError("该事项暂不支持网上申请。")
    if not item.promised_days or not item.legal_days or item.organisation_id is None:
        raise TransitionError("该事项办事指南不完整，暂不能网上申请。")
    files_by_slot = files_by_slot or {}
    slots = _check_materials(item, files_by_slot, require_all=True)
    application = Application(
        item=item,
        organisation_id=item.organisation_id,
        submission_token=token,
        applicant_type=applicant_type,
        applicant_name=applicant_name,
        id_number=id_number.strip().upper(),
        contact_name=contact_name,
        phone=phone,
        email=email,
        notes=notes,
        submitter_ip=ip,
        promised_days=item.promised_days,
        legal_days=item.legal_days,
        submitted_at=submitted_at or timezone.now(),
    )
    compute_deadlines(application)
    try:
        with transaction.atomic():
            application.save()
            local = timezone.localtime(application.submitted_at)
            application.receipt_number = f"SQ{local:%Y%m%d}{application.pk:06d}"
            application.save(update_fields=["receipt_number"])
            _store_materials(application, slots, files_by_slot, round_number=1)
            _record(application, "submit", None, None, APPLICANT, due=application.precheck_due)
    except IntegrityError:
        existing = Application.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None
    return application


def find_application(receipt_number, id_tail, ip):
    from home import ratelimit

    receipt_number = (receipt_number or "").strip().upper()
    id_tail = (id_tail or "").strip().upper()
    hour = 3600
    if ratelimit.is_limited("service-query-ip", ip or "", QUERY_FAILURES_PER_IP, hour) or (
        receipt_number
        and ratelimit.is_limited("service-query-receipt", receipt_number, QUERY_FAILURES_PER_RECEIPT, hour)
    ):
        raise QueryRefused("查询失败次数过多，请一小时后再试。", status=429)
    application = (
        Application.objects.select_related("item", "organisation")
        .filter(receipt_number=receipt_number)
        .first()
        if receipt_number
        else None
    )
    if application is None or len(id_tail) != 6 or not hmac.compare_digest(application.id_tail(), id_tail):
        ratelimit.hit("service-query-ip", ip or "", QUERY_FAILURES_PER_IP, hour)
        if receipt_number:
            ratelimit.hit("service-query-receipt", receipt_number, QUERY_FAILURES_PER_RECEIPT, hour)
        raise QueryRefused("受理编号或证件号码后六位不正确，请核对后重新输入。")
    return application


def applicant_action(application, action, note="", files_by_slot=None, rating=None):
    """resubmit / withdraw / rate, by the applicant (already identified by receipt + ID tail)."""
    transition = TRANSITIONS.get(action)
    if transition is None or APPLICANT not in transition.roles or action == "submit":
        raise TransitionError("未知的操作。")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _check_state(application, action)
        from_state = application.state
        if action == "resubmit":
            files_by_slot = files_by_slot or {}
            if not any(files_by_slot.values()):
                raise ValidationError({"materials": "请上传补正材料。"})
            slots = _check_materials(application.item, files_by_slot, require_all=False)
            round_number = (
                application.materials.order_by("-round").values_list("round", flat=True).first() or 1
            ) + 1
            _store_materials(application, slots, files_by_slot, round_number)
            application.submitted_at = timezone.now()
            compute_deadlines(application)
        elif action == "rate":
            if application.rating:
                raise TransitionError("您已评价过该办件。")
            if rating not in Application.Rating.values:
                raise ValidationError({"rating": "请选择评价等级。"})
            application.rating = rating
            application.rating_comment = (note or "").strip()[:500]
            application.rated_at = timezone.now()
        elif action == "withdraw":
            application.closed_at = timezone.now()
        if transition.target is not None:
            application.state = transition.target
        application.save()
        label = Application.Rating(rating).label if action == "rate" else note
        _record(
            application,
            action,
            from_state,
            None,
            APPLICANT,
            note=label,
            due=application.precheck_due if action == "resubmit" else None,
        )
    return application


# --- Staff side -----------------------------------------------------------------------------------


def _check_state(application, action):
    transition = TRANSITIONS[action]
    if application.state not in transition.sources:
        raise TransitionError(
            f"办件当前状态为“{application.get_state_display()}”，不能进行“{transition.label}”操作。"
        )
    return transition


def _record(application, action, from_state, actor, role, note="", post="", assignee=None, due=None):
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=from_state or "",
        to_state=application.state,
        actor=actor,
        actor_label=ROLE_NAMES[role],
        post=post,
        assignee=assignee,
        due=due,
        note=note,
    )


def perform(application_or_id, action, user, note="", **params):
    """One staff step, with row lock, role and state checks and a history row."""
    if action not in TRANSITIONS or APPLICANT in TRANSITIONS[action].roles:
        raise TransitionError("未知的操作。")
    transition = TRANSITIONS[action]
    note = (note or "").strip()
    pk = getattr(application_or_id, "pk", application_or_id)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("organisation", "item")
            .get(pk=pk)
        )
        roles = roles_for(user, application) & transition.roles
        if not roles:
            raise PermissionDenied(f"您无权对该办件进行“{transition.label}”操作。")
        _check_state(application, action)
        if transition.needs_note and not note:
            raise ValidationError({"note": f"请填写{transition.label}的理由或说明。"})
        from_state = application.state
        step = _EFFECTS[action](application, user, note, **params) or {}
        if transition.target is not None:
            application.state = transition.target
        application.save()
        role = next(role for role in (CLERK, APPROVER, SUPERVISOR) if role in roles)
        _record(application, action, from_state, user, role, note=note, **step)
    return application


def _request_supplement(application, user, note):
    application.supplement_request = note
    return {"post": "窗口预审"}


def _reject(application, user, note):
    application.rejection_reason = note
    application.closed_at = timezone.now()
    return {"post": "窗口预审"}


def _accept(application, user, note):
    application.accepted_at = timezone.now()
    compute_deadlines(application)
    return {"post": "窗口受理", "due": application.promised_due}


def _route(application, user, note, assignee=None, post="", due=None):
    from django.contrib.auth import get_user_model

    if not isinstance(assignee, get_user_model()):
        assignee = get_user_model().objects.filter(pk=assignee).first() if assignee else None
    if assignee is None or not assignable_users(application.organisation).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": "请选择本部门的经办人。"})
    post = (post or "").strip()
    if not post:
        raise ValidationError({"post": "请填写承办岗位，如“审核岗”“审批岗”。"})
    today = timezone.localdate()
    # Past the promised date the case must still move on: the step may then run until today.
    latest = max(application.promised_due, today) if application.promised_due else None
    due = due or latest or today
    if due < today or (latest and due > latest):
        raise ValidationError({"due": "本环节期限应在今天和承诺办结日期之间。"})
    application.assignee = assignee
    application.step_post = post
    application.step_due = due
    return {"post": post, "assignee": assignee, "due": due}


def _decide(approved):
    def effect(application, user, note, result_file=None):
        application.approved = approved
        application.decision = note
        application.decided_at = timezone.now()
        if result_file is not None:
            application.result_document.save(f"{secrets.token_hex(16)}.pdf", result_file, save=False)
        return {"post": application.step_post or "审批岗"}

    return effect


def _close(application, user, note):
    application.closed_at = timezone.now()
    application.on_time = (
        timezone.localdate() <= application.promised_due if application.promised_due else None
    )
    application.assignee = None
    application.step_due = None
    return {"post": "窗口办结"}


_EFFECTS = {
    "request_supplement": _request_supplement,
    "reject": _reject,
    "accept": _accept,
    "route": _route,
    "approve": _decide(True),
    "deny": _decide(False),
    "close": _close,
}


def hall_counts():
    """The portal's public figures: 事项总数, 全程网办数 (live guides only)."""
    from services.models import ServiceItemPage

    items = ServiceItemPage.objects.live().public()
    return {
        "items": items.count(),
        "full_online": items.filter(online_depth=ServiceItemPage.OnlineDepth.FULL).count(),
    }
