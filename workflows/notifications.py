"""E-mail on every level-1 submission and every syndication decision, through Django's mail backend."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail

from workflows.models import Syndication


def _addresses(users):
    return sorted({user.email for user in users if user.email and user.is_active})


def _group_members(group):
    if group is None:
        return []
    return get_user_model().objects.filter(groups=group, is_active=True)


def notify_syndication_decision(syndication: Syndication, action, user):
    """采用 / 不采用 / 撤销采用: tell the submitter and the source unit's reviewers."""
    recipients = list(_group_members(syndication.source_organisation.reviewer_group))
    if syndication.submitted_by:
        recipients.append(syndication.submitted_by)
    addresses = _addresses(recipients)
    if not addresses:
        return 0
    verb = {"approve": "已被采用", "reject": "未被采用", "revoke": "已被撤销采用"}[action]
    subject = f"【信息报送】《{syndication.source.title}》{verb}"
    lines = [
        f"您单位报送的信息《{syndication.source.title}》{verb}。",
        f"目标栏目：{syndication.target_organisation.name}·{syndication.target.title}",
        f"审核人：{user.get_full_name() or user.get_username()}",
    ]
    if syndication.reason:
        lines.append(f"审核意见：{syndication.reason}")
    return send_mass_mail(
        [(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, addresses)], fail_silently=True
    )


def notify_review_requested(task_state, user):
    """A unit's reviewers hear of every submission waiting for them (子站审核)."""
    page = task_state.workflow_state.content_object
    group = task_state.task.specific.reviewer_group(page)
    addresses = _addresses(member for member in _group_members(group) if member != user)
    if not addresses:
        return 0
    submitter = (user.get_full_name() or user.get_username()) if user else "信息员"
    subject = f"【待审核】《{page.title}》"
    body = f"{submitter} 提交了《{page.title}》，请登录后台审核。\n{settings.WAGTAILADMIN_BASE_URL}/admin/pages/{page.pk}/edit/"
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)], fail_silently=True)
