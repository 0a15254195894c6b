"""Two-level review: the unit review task (level 1) and syndication records (level 2, 信息报送)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast
from wagtail.models import Page, Task, TaskState


def organisation_for_page(page):
    """The unit whose site holds `page` (None for pages outside every unit's tree)."""
    from home.models import Organisation

    site = page.get_site()
    if site is None:
        return None
    return Organisation.objects.filter(site=site).select_related("reviewer_group").first()


def is_unit_reviewer(user, organisation):
    """Whether `user` is in the 管理员 group of `organisation` (superusers always are)."""
    if user.is_superuser:
        return True
    return (
        organisation is not None
        and organisation.reviewer_group_id is not None
        and user.groups.filter(pk=organisation.reviewer_group_id).exists()
    )


class UnitReviewTask(Task):
    """Approval by the 管理员 group of the unit whose site holds the page.

    One task serves every unit: the reviewer group is looked up from the page's site, so a new
    unit is covered the moment it exists. The person who submitted a revision cannot approve it.
    """

    class Meta:
        verbose_name = "本单位管理员审核"
        verbose_name_plural = "本单位管理员审核"

    @classmethod
    def get_description(cls):
        return "由页面所在站点的单位管理员审核；提交人不能审核自己提交的内容。"

    def reviewer_group(self, obj):
        if not isinstance(obj, Page):
            return None
        organisation = organisation_for_page(obj)
        return organisation.reviewer_group if organisation else None

    def is_reviewer(self, obj, user):
        return user.is_superuser or (
            isinstance(obj, Page) and is_unit_reviewer(user, organisation_for_page(obj))
        )

    @staticmethod
    def submitter(obj):
        workflow_state = obj.current_workflow_state if isinstance(obj, Page) else None
        return workflow_state.requested_by if workflow_state else None

    def user_can_access_editor(self, obj, user):
        return self.is_reviewer(obj, user)

    def locked_for_user(self, obj, user):
        return not self.is_reviewer(obj, user)

    def user_can_lock(self, obj, user):
        return self.is_reviewer(obj, user)

    def get_actions(self, obj, user):
        if not self.is_reviewer(obj, user):
            return []
        if self.submitter(obj) == user:
            # 谁发布谁负责: nobody approves their own submission.
            return [("reject", "退回修改", True)]
        return [
            ("reject", "退回修改", True),
            ("approve", "审核通过并发布", False),
            ("approve", "审核通过（附意见）", True),
        ]

    def on_action(self, task_state, user, action_name, **kwargs):
        obj = task_state.workflow_state.content_object
        if action_name == "approve":
            from django.core.exceptions import PermissionDenied

            from workflows.word_check import check_page

            if not self.is_reviewer(obj, user) or self.submitter(obj) == user:
                raise PermissionDenied("不能审核自己提交的内容，或您不是本单位管理员。")
            # The dashboard's approve button bypasses the page form's 错敏词 check: check here too.
            content = task_state.revision.as_object() if task_state.revision_id else obj
            if check_page(content).blocking:
                raise PermissionDenied("内容含有禁止使用的错敏词，不能审核通过，请退回修改。")
            # Page types with their own publishing rules (e.g. complete 办事指南) say what blocks them.
            blockers = getattr(content, "publish_blockers", None)
            if blockers and (reasons := blockers()):
                raise PermissionDenied(" ".join(reasons) + "请退回修改。")
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        from home.models import Organisation

        roots = Organisation.objects.filter(
            reviewer_group__in=user.groups.all(), site__isnull=False
        ).values_list("site__root_page__path", flat=True)
        condition = models.Q(pk__in=[])
        for path in roots:
            condition |= models.Q(path__startswith=path)
        page_ids = (
            Page.objects.filter(condition).annotate(pk_text=Cast("pk", models.CharField())).values("pk_text")
        )
        return states.filter(workflow_state__object_id__in=page_ids)


class Syndication(models.Model):
    """One article pushed to one column of the portal or a branch site (信息报送)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已采用"
        REJECTED = "rejected", "未采用"
        REVOKED = "revoked", "已撤销采用"
        WITHDRAWN = "withdrawn", "已撤稿"

    source = models.ForeignKey(
        "subsite_pages.ArticlePage",
        verbose_name="报送信息",
        on_delete=models.CASCADE,
        related_name="syndications",
    )
    target = models.ForeignKey(
        "subsite_pages.ColumnPage",
        verbose_name="目标栏目",
        on_delete=models.CASCADE,
        related_name="syndications",
    )
    source_organisation = models.ForeignKey(
        "home.Organisation", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    target_organisation = models.ForeignKey(
        "home.Organisation", verbose_name="采用站点", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "信息报送"
        verbose_name_plural = "信息报送"
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_syndication_per_target")
        ]
        indexes = [
            models.Index(fields=["target", "status"]),
            models.Index(fields=["target_organisation", "status"]),
        ]
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.source.title} → {self.target_organisation.short_name}·{self.target.title}"


class SyndicationEvent(models.Model):
    """History row per transition of a syndication (who, when, from, to, why)."""

    syndication = models.ForeignKey(Syndication, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.syndication_id}: {self.from_status or '—'} → {self.to_status}"


from workflows.word_models import SensitiveWord  # noqa: E402, F401  (the 错敏词 list)
