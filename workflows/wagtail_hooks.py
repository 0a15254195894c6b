from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import PageListingButton

from subsite_pages.models import ArticlePage
from workflows import syndication as rules
from workflows import views
from workflows.models import Syndication, organisation_for_page


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
    organisation = organisation_for_page(page)
    if organisation and (user.is_superuser or user.groups.filter(pk=organisation.reviewer_group_id).exists()):
        yield PageListingButton(
            "撤稿", reverse("syndication_withdraw", args=[page.pk]), icon_name="undo", priority=62
        )
