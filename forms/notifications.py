"""E-mail about letters: to the citizen (receipt, reply) and to the staff who must act next.

Mail is best effort: a mail server that is down must never lose or block a letter, so failures
are logged and swallowed.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail, send_mass_mail

logger = logging.getLogger(__name__)


def _members(*groups):
    ids = [group.pk if hasattr(group, "pk") else group for group in groups if group]
    if not ids:
        return []
    users = get_user_model().objects.filter(groups__in=ids, is_active=True).exclude(email="").distinct()
    return sorted({user.email for user in users})


def _send(subject, body, recipients):
    if not recipients:
        return 0
    try:
        return send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
        )
    except Exception:  # noqa: BLE001 - mail must never break the workflow
        logger.exception("信件通知邮件发送失败：%s", subject)
        return 0


def _admin_link(letter):
    return f"{settings.WAGTAILADMIN_BASE_URL}/admin/letters/{letter.pk}/"


def letter_received(letter, query_code):
    """Receipt to the citizen, with the query code (the only other place it is ever shown)."""
    if not letter.email:
        return 0
    body = (
        f"{letter.public_name}：您好！\n\n您的来信《{letter.title}》已收到。\n"
        f"信件编号：{letter.number}\n查询码：{query_code}\n\n"
        f"请妥善保存编号和查询码，凭此在“{letter.box.title}”查询办理进度和答复。\n"
    )
    try:
        return send_mail(
            f"来信已收到（编号 {letter.number}）", body, settings.DEFAULT_FROM_EMAIL, [letter.email]
        )
    except Exception:  # noqa: BLE001
        logger.exception("来信回执邮件发送失败：%s", letter.number)
        return 0


def after_transition(letter, event):
    """Tell whoever must act next."""
    from django.contrib.auth.models import Group

    from forms.workflow import DISPATCHER_GROUP, SUPERVISOR_GROUP

    action = event.action
    if action == "accept" and letter.state == letter.State.ASSIGNED:
        action = "assign"  # a unit's own box: accepting hands the letter straight to the unit
    link = _admin_link(letter)
    if (
        action
        in (
            "assign",
            "forward",
            "chase",
            "supervise",
            "reject_reply",
            "approve_extension",
            "refuse_extension",
        )
        and letter.unit
    ):
        subject = f"【{event.get_action_label()}】{letter.number} {letter.title}"
        body = f"信件《{letter.title}》（编号 {letter.number}）：{event.get_action_label()}。\n"
        if event.note:
            body += f"意见：{event.note}\n"
        body += f"答复期限：{letter.reply_due:%Y年%m月%d日}\n办理地址：{link}\n"
        return _send(subject, body, _members(letter.unit.editor_group_id, letter.unit.reviewer_group_id))
    if action == "submit_reply" and letter.unit:
        subject = f"【答复待审核】{letter.number} {letter.title}"
        return _send(
            subject, f"请审核信件《{letter.title}》的答复：{link}\n", _members(letter.unit.reviewer_group_id)
        )
    if action in ("return", "request_extension", "escalate"):
        name = DISPATCHER_GROUP if action == "return" else SUPERVISOR_GROUP
        group = Group.objects.filter(name=name).first()
        subject = f"【{event.get_action_label()}】{letter.number} {letter.title}"
        body = f"信件《{letter.title}》（编号 {letter.number}）：{event.get_action_label()}。\n"
        if event.note:
            body += f"理由：{event.note}\n"
        return _send(subject, body + f"查看：{link}\n", _members(group))
    if action == "approve_reply" and letter.email:
        body = (
            f"{letter.public_name}：您好！\n\n您的来信《{letter.title}》（编号 {letter.number}）已答复：\n\n"
            f"{letter.reply}\n\n欢迎凭编号和查询码查看并评价。\n"
        )
        return _send(f"来信已答复（编号 {letter.number}）", body, [letter.email])
    return 0
