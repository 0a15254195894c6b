"""政务公开 rules: 索引号 issuance, and disclosure requests (依申请公开) on the statutory clock.

Statutory clock (《政府信息公开条例》2019):
- answer within 20 working days of receipt (第三十三条); once extended by up to 20 more with the
  approval of the unit's head (管理员);
- a request that is unclear may be sent back for clarification (补正) once, within 7 working days
  of receipt; the 20 days then run from the day the clarification arrives (第三十条);
- time spent consulting a third party does not count (第三十三条第二款).
Due dates are stored on each request and recomputed when the working-day calendar changes.

Roles: 公开专员 (officer) = the unit's 信息员 and 管理员; the 管理员 also approves extensions;
监督员 = the “政务公开监督员” group. Superusers hold every staff role.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from disclosure.models import DisclosureDocumentPage, DisclosureRequest, IndexNumberCounter, RequestEvent
from home.casework import QueryRefused, TransitionError, group_ids, group_names
from home.casework import transition as _t
from home.models import Organisation
from home.workdays import add_workdays, workdays_between

S = DisclosureRequest.State
SUPERVISOR_GROUP = "政务公开监督员"
ANSWER_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
CLARIFICATION_WINDOW_WORKDAYS = 7

APPLICANT, OFFICER, HEAD, SUPERVISOR = "applicant", "officer", "head", "supervisor"
ROLE_NAMES = {APPLICANT: "申请人", OFFICER: "公开专员", HEAD: "单位负责人", SUPERVISOR: "监督员"}

# Answer types and reasons, exactly as rows of the annual report's request table.
RESULTS = {
    "open": ("予以公开", ""),
    "partial": ("部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    "refuse_secret": ("不予公开", "属于国家秘密"),
    "refuse_law": ("不予公开", "其他法律行政法规禁止公开"),
    "refuse_safety": ("不予公开", "危及“三安全一稳定”"),
    "refuse_third_party": ("不予公开", "保护第三方合法权益"),
    "refuse_internal": ("不予公开", "属于三类内部事务信息"),
    "refuse_process": ("不予公开", "属于四类过程性信息"),
    "refuse_enforcement": ("不予公开", "属于行政执法案卷"),
    "refuse_query": ("不予公开", "属于行政查询事项"),
    "unavailable_none": ("无法提供", "本机关不掌握相关政府信息"),
    "unavailable_create": ("无法提供", "没有现成信息需要另行制作"),
    "unavailable_unclear": ("无法提供", "补正后申请内容仍不明确"),
    "not_handled_petition": ("不予处理", "信访举报投诉类申请"),
    "not_handled_repeat": ("不予处理", "重复申请"),
    "not_handled_publication": ("不予处理", "要求提供公开出版物"),
    "not_handled_mass": ("不予处理", "无正当理由大量反复申请"),
    "not_handled_confirm": ("不予处理", "要求行政机关确认或重新出具已获取信息"),
    "other_no_clarification": (
        "其他处理",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    "other_no_fee": ("其他处理", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other": ("其他处理", "其他"),
}
NEEDS_REASON = {code for code, (kind, _reason) in RESULTS.items() if kind != "予以公开"}
WITHDRAWN_RESULT = "other"  # a withdrawn request is reported under 其他处理·其他


def result_label(code):
    kind, reason = RESULTS.get(code, ("", ""))
    return f"{kind}：{reason}" if reason else kind


TRANSITIONS = {
    "submit": _t("提交申请", {None}, S.RECEIVED, {APPLICANT}),
    "request_clarification": _t("告知补正", {S.RECEIVED}, S.CLARIFICATION, {OFFICER}, needs_note=True),
    "clarify": _t("申请人补正", {S.CLARIFICATION}, S.RECEIVED, {APPLICANT}),
    "close_unclarified": _t("逾期未补正不再处理", {S.CLARIFICATION}, S.ANSWERED, {OFFICER}),
    "start_consultation": _t("征求第三方意见", {S.RECEIVED}, S.CONSULTING, {OFFICER}, needs_note=True),
    "end_consultation": _t("第三方意见已返回", {S.CONSULTING}, S.RECEIVED, {OFFICER}),
    "extend": _t("延长答复期限", {S.RECEIVED, S.CONSULTING}, None, {HEAD}, needs_note=True),
    "answer": _t("答复", {S.RECEIVED}, S.ANSWERED, {OFFICER}),
    "withdraw": _t("撤回申请", {S.RECEIVED, S.CLARIFICATION}, S.WITHDRAWN, {APPLICANT}),
}


class DuplicateSubmission(Exception):
    def __init__(self, request):
        super().__init__(request.receipt_number)
        self.request = request


# --- 索引号 ---------------------------------------------------------------------------------------


def issue_index_number(page):
    """Give a published document its 索引号 `机构代码/YYYY-NNNNN`, once. Concurrent publishing in
    one unit still gives distinct numbers: the per-unit-and-year counter row is locked."""
    if page.index_number:
        return page.index_number
    organisation = page.organisation
    if organisation is None:
        from workflows.models import organisation_for_page

        organisation = organisation_for_page(page)
    if organisation is None:
        raise ValidationError("无法确定发布机构，不能生成索引号。")
    year = (page.publish_date or timezone.localdate()).year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                current = (
                    DisclosureDocumentPage.objects.select_for_update()
                    .filter(pk=page.pk)
                    .values_list("index_number", flat=True)
                    .first()
                )
                if current:
                    page.index_number = current
                    return current
                counter, _ = IndexNumberCounter.objects.select_for_update().get_or_create(
                    organisation=organisation, year=year
                )
                counter.last += 1
                counter.save(update_fields=["last"])
                number = f"{organisation.code}/{year}-{counter.last:05d}"
                DisclosureDocumentPage.objects.filter(pk=page.pk).update(index_number=number)
                page.index_number = number
                return number
        except IntegrityError:
            continue  # another process created the counter row first: try again with it
    raise ValidationError("索引号生成失败，请稍后重试。")


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


def officer_units(user):
    if user.is_superuser:
        return Organisation.objects.all()
    ids = group_ids(user)
    return Organisation.objects.filter(editor_group__in=ids) | Organisation.objects.filter(
        reviewer_group__in=ids
    )


def roles_for(user, request):
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {OFFICER, HEAD, SUPERVISOR}
    ids = group_ids(user)
    unit = request.organisation
    roles = set()
    if unit.editor_group_id in ids or unit.reviewer_group_id in ids:
        roles.add(OFFICER)
    if unit.reviewer_group_id in ids:
        roles.add(HEAD)
    if is_supervisor(user):
        roles.add(SUPERVISOR)
    return roles


def visible_requests(user):
    if is_supervisor(user):
        return DisclosureRequest.objects.all()
    return DisclosureRequest.objects.filter(organisation__in=officer_units(user))


def available_actions(user, request):
    roles = roles_for(user, request)
    return [
        name
        for name, transition in TRANSITIONS.items()
        if APPLICANT not in transition.roles
        and request.state in transition.sources
        and roles & transition.roles
        and _precondition(name, request) is None
    ]


def _precondition(action, request, today=None):
    today = today or timezone.localdate()
    if action == "request_clarification":
        if request.clarification_requested_at:
            return "补正只能一次性告知，本申请已告知过补正。"
        if today > request.clarification_due:
            return "已超过收到申请之日起 7 个工作日的补正告知期限。"
    if action == "extend" and request.extension_days:
        return "答复期限只能延长一次。"
    return None


# --- Clock ----------------------------------------------------------------------------------------


def compute_deadlines(request):
    received = timezone.localtime(request.received_at).date()
    request.clarification_due = add_workdays(received, CLARIFICATION_WINDOW_WORKDAYS)
    if request.clock_start is None:
        request.clock_start = received
    request.due_date = add_workdays(
        request.clock_start, ANSWER_WORKDAYS + request.extension_days + request.paused_workdays
    )
    return request


def recompute_open_deadlines():
    changed = []
    for request in DisclosureRequest.objects.open():
        before = (request.clarification_due, request.due_date)
        compute_deadlines(request)
        if (request.clarification_due, request.due_date) != before:
            changed.append(request)
    DisclosureRequest.objects.bulk_update(changed, ["clarification_due", "due_date"], batch_size=500)
    return len(changed)


# --- Applicant side -------------------------------------------------------------------------------

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _hash_code(code):
    return hmac.new(
        settings.SECRET_KEY.encode(), f"disclosure:{code.strip().upper()}".encode(), hashlib.sha256
    ).hexdigest()


def new_submission_token():
    return secrets.token_urlsafe(24)


def submit_request(
    organisation,
    *,
    token,
    applicant_kind,
    name,
    id_number,
    phone,
    description,
    delivery,
    acquisition,
    contact_name="",
    email="",
    address="",
    ip=None,
    received_at=None,
):
    """File a request; returns (request, query code). A replayed form raises DuplicateSubmission."""
    if applicant_kind not in DisclosureRequest.ApplicantKind.values:
        raise ValidationError({"applicant_kind": "请选择申请人类型。"})
    if applicant_kind != DisclosureRequest.ApplicantKind.PERSON and not contact_name.strip():
        raise ValidationError({"contact_name": "法人或其他组织申请，请填写联系人。"})
    if acquisition == DisclosureRequest.Acquisition.POST and not address.strip():
        raise ValidationError({"address": "选择邮寄的，请填写通信地址。"})
    if acquisition == DisclosureRequest.Acquisition.EMAIL and not email.strip():
        raise ValidationError({"email": "选择电子邮件获取的，请填写电子邮箱。"})
    code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))
    request = DisclosureRequest(
        organisation=organisation,
        submission_token=token,
        query_code_hash=_hash_code(code),
        applicant_kind=applicant_kind,
        name=name,
        id_number=id_number.strip().upper(),
        contact_name=contact_name,
        phone=phone,
        email=email,
        address=address,
        description=description,
        delivery=delivery,
        acquisition=acquisition,
        submitter_ip=ip,
        received_at=received_at or timezone.now(),
    )
    compute_deadlines(request)
    try:
        with transaction.atomic():
            request.save()
            local = timezone.localtime(request.received_at)
            request.receipt_number = f"GK{local:%Y%m%d}{request.pk:06d}"
            request.save(update_fields=["receipt_number"])
            _record(request, "submit", None, None, APPLICANT)
    except IntegrityError:
        existing = DisclosureRequest.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None
    return request, code


def find_request(receipt_number, code, ip):
    from home import ratelimit

    receipt_number = (receipt_number or "").strip().upper()
    hour = 3600
    if ratelimit.is_limited("disclosure-query-ip", ip or "", 20, hour) or (
        receipt_number and ratelimit.is_limited("disclosure-query-receipt", receipt_number, 5, hour)
    ):
        raise QueryRefused("查询失败次数过多，请一小时后再试。", status=429)
    request = (
        DisclosureRequest.objects.select_related("organisation").filter(receipt_number=receipt_number).first()
        if receipt_number
        else None
    )
    if request is None or not hmac.compare_digest(request.query_code_hash, _hash_code(code or "")):
        ratelimit.hit("disclosure-query-ip", ip or "", 20, hour)
        if receipt_number:
            ratelimit.hit("disclosure-query-receipt", receipt_number, 5, hour)
        raise QueryRefused("申请编号或查询码不正确，请核对后重新输入。")
    return request


def applicant_action(request, action, note=""):
    """clarify (with the clarification text) or withdraw, by the verified applicant."""
    if action not in ("clarify", "withdraw"):
        raise TransitionError("未知的操作。")
    note = (note or "").strip()
    with transaction.atomic():
        request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
        _check_state(request, action)
        from_state = request.state
        if action == "clarify":
            if len(note) < 5:
                raise ValidationError({"note": "请填写补正内容。"})
            request.clarification_reply = note
            # The 20 working days start again from the day the clarification arrives.
            request.clock_start = timezone.localdate()
            compute_deadlines(request)
        else:
            request.result = WITHDRAWN_RESULT
            request.answered_at = timezone.now()
        request.state = TRANSITIONS[action].target
        request.save()
        _record(request, action, from_state, None, APPLICANT, note=note)
    return request


# --- Staff side -----------------------------------------------------------------------------------


def _check_state(request, action):
    transition = TRANSITIONS[action]
    if request.state not in transition.sources:
        raise TransitionError(
            f"申请当前状态为“{request.get_state_display()}”，不能进行“{transition.label}”操作。"
        )
    reason = _precondition(action, request)
    if reason:
        raise TransitionError(reason)
    return transition


def _record(request, action, from_state, actor, role, note=""):
    return RequestEvent.objects.create(
        request=request,
        action=action,
        from_state=from_state or "",
        to_state=request.state,
        actor=actor,
        actor_label=ROLE_NAMES[role],
        due_date=request.due_date,
        note=note,
    )


def perform(request_or_id, action, user, note="", **params):
    if action not in TRANSITIONS or APPLICANT in TRANSITIONS[action].roles:
        raise TransitionError("未知的操作。")
    transition = TRANSITIONS[action]
    note = (note or "").strip()
    pk = getattr(request_or_id, "pk", request_or_id)
    with transaction.atomic():
        request = (
            DisclosureRequest.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=pk)
        )
        roles = roles_for(user, request) & transition.roles
        if not roles:
            raise PermissionDenied(f"您无权对该申请进行“{transition.label}”操作。")
        _check_state(request, action)
        if transition.needs_note and not note:
            raise ValidationError({"note": f"请填写{transition.label}的理由或内容。"})
        from_state = request.state
        _EFFECTS[action](request, user, note, **params)
        if transition.target is not None:
            request.state = transition.target
        request.handled_by = user
        request.save()
        _record(request, action, from_state, user, sorted(roles)[0], note=note)
    return request


def _request_clarification(request, user, note):
    request.clarification_requested_at = timezone.now()
    request.clarification_request = note


def _close_unclarified(request, user, note):
    request.result = "other_no_clarification"
    request.answer = note or result_label("other_no_clarification")
    request.answered_at = timezone.now()
    request.on_time = True


def _start_consultation(request, user, note):
    request.consultation_started = timezone.localdate()


def _end_consultation(request, user, note):
    started = request.consultation_started or timezone.localdate()
    request.paused_workdays += workdays_between(started, timezone.localdate())
    request.consultation_started = None
    compute_deadlines(request)


def _extend(request, user, note, days=MAX_EXTENSION_WORKDAYS):
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_WORKDAYS:
        raise ValidationError({"days": f"延长期限应为 1 至 {MAX_EXTENSION_WORKDAYS} 个工作日。"})
    request.extension_days = days
    request.extension_reason = note
    compute_deadlines(request)


def _answer(request, user, note, result="", document=None):
    if result not in RESULTS:
        raise ValidationError({"result": "请选择办理结果。"})
    if result in NEEDS_REASON and len(note) < 5:
        raise ValidationError({"note": "除予以公开外，答复须写明理由和依据。"})
    if len(note) < 5:
        raise ValidationError({"note": "请填写答复内容。"})
    request.result = result
    request.answer = note
    request.answered_at = timezone.now()
    request.on_time = timezone.localdate() <= request.due_date
    if document is not None:
        request.answer_document.save(f"{secrets.token_hex(16)}.pdf", document, save=False)


_EFFECTS = {
    "request_clarification": _request_clarification,
    "close_unclarified": _close_unclarified,
    "start_consultation": _start_consultation,
    "end_consultation": _end_consultation,
    "extend": _extend,
    "answer": _answer,
}
