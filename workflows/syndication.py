"""Syndication rules (信息报送): one transition table, one function per step, used by the admin
views, the publish signals, the demo and the tests alike."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from home.models import Organisation
from workflows.models import Syndication, SyndicationEvent, is_unit_reviewer, organisation_for_page

S = Syndication.Status

# action: (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ({None, S.REJECTED, S.REVOKED, S.WITHDRAWN}, S.PENDING),
    "approve": ({S.PENDING}, S.APPROVED),
    "reject": ({S.PENDING}, S.REJECTED),
    "revoke": ({S.APPROVED}, S.REVOKED),
    "withdraw": ({S.PENDING, S.APPROVED}, S.WITHDRAWN),
}
ACTION_NAMES = {
    "approve": "采用",
    "reject": "不采用",
    "revoke": "撤销采用",
    "withdraw": "撤稿",
    "submit": "报送",
}


def reviewable_organisations(user):
    """Portal and branch sites whose syndication queue `user` reviews."""
    targets = Organisation.objects.filter(kind__in=[Organisation.Kind.PORTAL, Organisation.Kind.BRANCH])
    if user.is_superuser:
        return targets
    return targets.filter(reviewer_group__in=user.groups.all())


def queue_for(user):
    return Syndication.objects.filter(target_organisation__in=reviewable_organisations(user))


def _transition(syndication_id, action, user, reason="", check=None):
    allowed_from, to_status = TRANSITIONS[action]
    with transaction.atomic():
        # Lock the row so two reviewers acting at once cannot both succeed.
        syndication = (
            Syndication.objects.select_for_update()
            .select_related("source", "target_organisation", "source_organisation")
            .get(pk=syndication_id)
        )
        if check:
            check(syndication)
        if syndication.status not in allowed_from:
            raise ValidationError(
                f"该报送当前状态为“{syndication.get_status_display()}”，不能{ACTION_NAMES[action]}。"
            )
        from_status = syndication.status
        syndication.status = to_status
        if action in ("approve", "reject", "revoke"):
            syndication.decided_at = timezone.now()
            syndication.decided_by = user
            syndication.reason = reason
        syndication.save()
        SyndicationEvent.objects.create(
            syndication=syndication, from_status=from_status, to_status=to_status, user=user, reason=reason
        )
        log_syndication(syndication, action, user, reason)
    if action in ("approve", "reject", "revoke"):
        from workflows.notifications import notify_syndication_decision

        notify_syndication_decision(syndication, action, user)
    return syndication


def log_syndication(syndication, action, user, reason=""):
    """Every step goes into Wagtail's audit log on the source page (谁发布谁负责)."""
    log(
        instance=syndication.source,
        action=f"jimo.syndication.{action}",
        user=user,
        data={
            "target": f"{syndication.target_organisation.name}·{syndication.target.title}",
            "reason": reason,
        },
    )


def _require_target_reviewer(user):
    def check(syndication):
        if not is_unit_reviewer(user, syndication.target_organisation):
            raise PermissionDenied("您不是该站点的管理员，不能审核这条报送。")

    return check


def approve(syndication_id, user, reason=""):
    def check(syndication):
        _require_target_reviewer(user)(syndication)
        if syndication.status == S.PENDING and not syndication.source.live:
            raise ValidationError("报送信息已在原单位取消发布，不能采用。")

    return _transition(syndication_id, "approve", user, reason, check)


def reject(syndication_id, user, reason):
    if not reason.strip():
        raise ValidationError("请填写不采用的理由。")
    return _transition(syndication_id, "reject", user, reason, _require_target_reviewer(user))


def revoke(syndication_id, user, reason):
    if not reason.strip():
        raise ValidationError("请填写撤销采用的理由。")
    return _transition(syndication_id, "revoke", user, reason, _require_target_reviewer(user))


def can_withdraw(article, user):
    """Only the source unit's reviewers (and superusers) take an article back."""
    return is_unit_reviewer(user, organisation_for_page(article))


def withdraw_article(article, user, reason=""):
    """撤稿: the source unit takes the article back from every target at once."""
    if not can_withdraw(article, user):
        raise PermissionDenied("只有本单位管理员可以撤稿。")
    changed = []
    for syndication_id in article.syndications.filter(status__in=[S.PENDING, S.APPROVED]).values_list(
        "pk", flat=True
    ):
        changed.append(_transition(syndication_id, "withdraw", user, reason))
    return changed


def submit_published_article(article, user=None):
    """Called when an article is published: queue it for each target column it names.

    A target that was rejected, revoked or withdrawn is queued again (the unit edited and
    republished); approved ones stay approved and simply show the new version. Targets that
    were dropped from the article are withdrawn.
    """
    organisation = organisation_for_page(article)
    if organisation is None:
        return []
    targets = {column.pk: column for column in article.syndication_targets.filter(accepts_submissions=True)}
    existing = {s.target_id: s for s in article.syndications.all()}
    queued = []
    for target_id, column in targets.items():
        target_organisation = organisation_for_page(column)
        if target_organisation is None or target_organisation.pk == organisation.pk:
            continue
        syndication = existing.get(target_id)
        if syndication is None:
            with transaction.atomic():
                syndication, created = Syndication.objects.get_or_create(
                    source=article,
                    target=column,
                    defaults={
                        "source_organisation": organisation,
                        "target_organisation": target_organisation,
                        "submitted_at": timezone.now(),
                        "submitted_by": user,
                    },
                )
                if created:
                    SyndicationEvent.objects.create(syndication=syndication, to_status=S.PENDING, user=user)
                    log_syndication(syndication, "submit", user)
                    queued.append(syndication)
        elif syndication.status in TRANSITIONS["submit"][0]:
            syndication = _transition(syndication.pk, "submit", user)
            Syndication.objects.filter(pk=syndication.pk).update(
                submitted_at=timezone.now(), submitted_by=user
            )
            queued.append(syndication)
    for target_id, syndication in existing.items():
        if target_id not in targets and syndication.status in (S.PENDING, S.APPROVED):
            _transition(syndication.pk, "withdraw", user, "报送单位取消了该目标栏目")
    return queued
