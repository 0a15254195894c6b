from django.db.models import Q
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import PageListingButton
from wagtail.log_actions import LogFormatter

from subsite_pages.models import ArticlePage
from workflows import syndication as rules
from workflows import (
    views,
    word_hooks,  # noqa: F401  (错敏词库 snippet, warnings, bulk-publish guard)
)
from workflows.models import Syndication


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("syndication/", views.syndication_queue, name="syndication_queue"),
        path("syndication/statistics/", views.syndication_statistics, name="syndication_statistics"),
        path("syndication/withdraw/<int:page_id>/", views.withdraw_article, name="syndication_withdraw"),
    ]


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.reviewable_organisations(request.user).exists()


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("workflows.view_syndication")


@hooks.register("register_admin_menu_item")
def queue_menu_item():
    return QueueMenuItem("信息报送审核", reverse("syndication_queue"), icon_name="tasks", order=250)


@hooks.register("register_admin_menu_item")
def statistics_menu_item():
    return StatisticsMenuItem("信息报送统计", reverse("syndication_statistics"), icon_name="table", order=260)


@hooks.register("register_page_header_buttons")
def withdraw_button(page, user, view_name=None, next_url=None):
    if not isinstance(page.specific_deferred, ArticlePage):
        return
    if not page.specific_deferred.syndications.filter(
        status__in=[Syndication.Status.PENDING, Syndication.Status.APPROVED]
    ).exists():
        return
    if rules.can_withdraw(page, user):
        yield PageListingButton(
            "撤稿", reverse("syndication_withdraw", args=[page.pk]), icon_name="undo", priority=62
        )


def _register_syndication_log_action(actions, action, label):
    class Formatter(LogFormatter):
        def format_message(self, log_entry):
            data = log_entry.data or {}
            reason = f"（{data['reason']}）" if data.get("reason") else ""
            return f"{label}：{data.get('target', '')}{reason}"

    Formatter.label = label
    actions.register_action(f"jimo.syndication.{action}")(Formatter)


@hooks.register("register_log_actions")
def register_syndication_log_actions(actions):
    for action, label in (
        ("submit", "信息报送"),
        ("approve", "报送被采用"),
        ("reject", "报送未被采用"),
        ("revoke", "报送被撤销采用"),
        ("withdraw", "撤稿"),
    ):
        _register_syndication_log_action(actions, action, label)


class SyndicationPanel(Component):
    """Dashboard: what awaits this user in 信息报送 (pending items for reviewers; outcomes for units)."""

    name = "syndication"
    order = 110

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        pending = rules.queue_for(self.user).filter(status=Syndication.Status.PENDING).count()
        parts = []
        if rules.reviewable_organisations(self.user).exists():
            parts.append(
                format_html(
                    '<p>信息报送待审核：<a href="{}"><strong>{}</strong> 条</a></p>',
                    reverse("syndication_queue"),
                    pending,
                )
            )
        groups = self.user.groups.all()
        recent = (
            Syndication.objects.filter(
                Q(source_organisation__reviewer_group__in=groups)
                | Q(source_organisation__editor_group__in=groups)
            )
            .select_related("source", "target", "target_organisation")
            .distinct()
            .order_by("-submitted_at")[:5]
        )
        items = [
            format_html(
                "<li>《{}》→ {}·{}：{}</li>",
                s.source.title,
                s.target_organisation.short_name,
                s.target.title,
                s.get_status_display(),
            )
            for s in recent
        ]
        if items:
            parts.append(format_html("<p>本单位最近的报送：</p><ul>{}</ul>", mark_safe("".join(items))))
        if not parts:
            return ""
        return format_html(
            '<section class="panel summary nice-padding"><h2>信息报送</h2>{}</section>',
            format_html("".join(parts)),
        )


@hooks.register("construct_homepage_panels")
def add_syndication_panel(request, panels):
    panels.append(SyndicationPanel(request.user))
