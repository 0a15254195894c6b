"""Periodic jobs for letters: due-date reminders, overdue escalation, the supervisors' daily digest.

Celery beat runs them (portal_project/celery.py). Each job only selects letters and calls
`forms.workflow.perform` for the state-changing step, so the rules, the row lock and the history
row stay in one place. Every job is idempotent: run twice, it does its work once (reminders once
a day, escalation once per letter), so a beat that fires twice or a manual re-run is harmless.
Mail is best effort, as in forms/notifications.py: a failing mail server is logged, never raised.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from forms import notifications, workflow
from forms.models import Letter
from forms.statistics import letter_statistics
from home.dates import cn_date

logger = logging.getLogger(__name__)

S = Letter.State
DIGEST_DUE_SOON_DAYS = 2


def _short_date(day):
    return f"{day.month}月{day.day}日"


def _clock_label(letter):
    return "受理期限" if letter.state == S.SUBMITTED else "答复期限"


def _due_within(today, horizon):
    """Open letters whose current clock (accept_due / reply_due) falls in [today, horizon]."""
    return Q(state=S.SUBMITTED, accept_due__gte=today, accept_due__lte=horizon) | Q(
        state__in=Letter.HANDLING_STATES, reply_due__gte=today, reply_due__lte=horizon
    )


def _send_all(messages, what):
    if not messages:
        return 0
    try:
        return send_mass_mail(messages)
    except Exception:  # noqa: BLE001 - mail must never break the job
        logger.exception("%s邮件发送失败", what)
        return 0


# --- Reminders ------------------------------------------------------------------------------------


def reminder_recipients(letter):
    """Who must act next on an open letter: its dispatchers, or the handling unit's staff."""
    unit = letter.unit
    if letter.state in (S.SUBMITTED, S.ACCEPTED, S.RETURNED):
        groups = [Group.objects.filter(name=workflow.DISPATCHER_GROUP).first()]
        box_unit = letter.box.handling_organisation
        if letter.state == S.SUBMITTED and box_unit is not None:
            groups.append(box_unit.reviewer_group_id)  # a unit's own box is screened by its 管理员
        return notifications._members(*groups)
    if unit is None:
        return []
    if letter.state == S.ASSIGNED:
        return notifications._members(unit.editor_group_id, unit.reviewer_group_id)
    if letter.state == S.REPLY_REVIEW:
        return notifications._members(unit.reviewer_group_id)
    return []


def _reminder_mail(letter, today, recipients):
    due = letter.current_due
    left = (due - today).days
    when = "今天" if left == 0 else f"还有 {left} 天"
    subject = f"【到期提醒】{letter.number} {letter.title}"
    body = (
        f"信件《{letter.title}》（编号 {letter.number}，{letter.get_state_display()}）"
        f"的{_clock_label(letter)}为{cn_date(due)}，{when}到期，请及时办理。\n"
    )
    if letter.unit:
        body += f"承办单位：{letter.unit.short_name or letter.unit.name}\n"
    body += f"办理地址：{notifications._admin_link(letter)}\n"
    return [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]


@shared_task
def send_deadline_reminders():
    """Remind whoever must act on every open letter due within LETTER_REMIND_DAYS_BEFORE days.

    Returns the number of letters reminded. A letter is reminded at most once a day
    (`last_reminded_on`), and never once it is overdue: escalation takes over then.
    """
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.LETTER_REMIND_DAYS_BEFORE)
    due_soon = _due_within(today, horizon)
    candidates = list(
        Letter.objects.filter(due_soon)
        .exclude(last_reminded_on=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reminded, messages = 0, []
    for pk in candidates:
        try:
            with transaction.atomic():
                # Check again under the row lock: another run or a staff step may have come first.
                letter = Letter.objects.select_for_update().filter(due_soon, pk=pk).first()
                if letter is None or letter.last_reminded_on == today:
                    continue
                note = f"{_clock_label(letter)}将于{_short_date(letter.current_due)}到期"
                letter = workflow.perform(letter.pk, "remind", None, note=note)
        except (workflow.TransitionError, ValidationError, PermissionDenied):
            logger.warning("信件 %s 到期提醒未执行", pk, exc_info=True)
            continue
        reminded += 1
        messages += _reminder_mail(letter, today, reminder_recipients(letter))
    _send_all(messages, "到期提醒")
    return reminded


# --- Escalation -----------------------------------------------------------------------------------


@shared_task
def escalate_overdue():
    """Report every overdue open letter to the supervisors, once per letter. Returns the count.

    The `escalate` step sets `escalated`; forms.notifications mails the supervisors after commit.
    """
    today = timezone.localdate()
    candidates = list(
        Letter.objects.overdue(today).filter(escalated=False).order_by("pk").values_list("pk", flat=True)
    )
    escalated = 0
    for pk in candidates:
        try:
            with transaction.atomic():
                letter = (
                    Letter.objects.select_for_update().overdue(today).filter(pk=pk, escalated=False).first()
                )
                if letter is None:
                    continue
                due = letter.current_due
                note = f"{_clock_label(letter)}{cn_date(due)}已过，逾期 {(today - due).days} 天。"
                workflow.perform(letter.pk, "escalate", None, note=note)
        except (workflow.TransitionError, ValidationError, PermissionDenied):
            logger.warning("信件 %s 逾期上报未执行", pk, exc_info=True)
            continue
        escalated += 1
    return escalated


# --- The supervisors' daily digest ----------------------------------------------------------------


def supervisor_addresses():
    return sorted(
        set(
            get_user_model()
            .objects.filter(groups__name=workflow.SUPERVISOR_GROUP, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _unit_name(letter):
    # A unit's own box is that unit's from the start; other letters wait for 转办.
    unit = letter.unit or letter.box.handling_organisation
    if unit is None:
        return "待转办"
    return unit.short_name or unit.name


def _rate(value):
    return "—" if value is None else f"{value}%"


def digest_text(today=None):
    """(subject, body) of the daily digest for `today` (default: today in Asia/Shanghai)."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    letters = Letter.objects.select_related("unit", "box__handling_organisation")
    new = list(letters.filter(received_at__date=yesterday).order_by("received_at", "pk"))
    open_letters = Letter.objects.open()
    open_by_state = dict(open_letters.values_list("state").annotate(n=Count("pk")).order_by())
    overdue = sorted(
        letters.overdue(today), key=lambda letter: (letter.current_due, letter.number or "", letter.pk)
    )
    due_soon = sorted(
        letters.filter(_due_within(today, today + timedelta(days=DIGEST_DUE_SOON_DAYS))),
        key=lambda letter: (letter.current_due, letter.number or "", letter.pk),
    )
    totals, _rows = letter_statistics(today=today)

    lines = [f"政民互动每日督办简报（{cn_date(today)}）", ""]
    lines.append(f"一、昨日（{cn_date(yesterday)}）新收来信：{len(new)} 件")
    lines += [f"  {letter.number}《{letter.title}》 {letter.box.title}" for letter in new]
    lines.append("")
    lines.append(f"二、在办信件：{sum(open_by_state.values())} 件")
    for state in Letter.OPEN_STATES:
        if open_by_state.get(state):
            lines.append(f"  {S(state).label}：{open_by_state[state]} 件")
    lines.append("")
    lines.append(f"三、逾期信件：{len(overdue)} 件")
    for letter in overdue:
        due = letter.current_due
        lines.append(
            f"  {letter.number}《{letter.title}》 承办单位：{_unit_name(letter)}"
            f" {_clock_label(letter)}：{cn_date(due)} 逾期 {(today - due).days} 天"
            + ("（已督办）" if letter.supervised else "")
        )
    lines.append("")
    lines.append(f"四、{DIGEST_DUE_SOON_DAYS} 日内到期：{len(due_soon)} 件")
    for letter in due_soon:
        lines.append(
            f"  {letter.number}《{letter.title}》 承办单位：{_unit_name(letter)}"
            f" {_clock_label(letter)}：{cn_date(letter.current_due)}"
        )
    lines.append("")
    lines.append("五、累计统计")
    lines.append(
        f"  收件 {totals.received} 件，受理 {totals.accepted} 件，答复 {totals.replied} 件，"
        f"在办 {totals.open} 件，逾期 {totals.overdue} 件；"
        f"按期答复率 {_rate(totals.on_time_rate)}，满意率 {_rate(totals.satisfaction_rate)}。"
    )
    lines.append("")
    lines.append(f"管理后台：{settings.WAGTAILADMIN_BASE_URL}/admin/")
    return f"政民互动每日督办简报（{cn_date(today)}）", "\n".join(lines) + "\n"


@shared_task
def send_supervisor_digest():
    """One digest mail to every supervisor with an e-mail address. Returns the mails sent."""
    recipients = supervisor_addresses()
    if not recipients:
        return 0
    subject, body = digest_text()
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return _send_all(messages, "督办简报")


@shared_task
def anonymise_old_letters():
    """Nightly: erase the personal data of letters closed longer ago than LETTER_RETENTION_DAYS."""
    return workflow.anonymise_old_letters()
