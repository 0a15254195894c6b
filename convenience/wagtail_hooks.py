"""The “便民服务数据” admin menu and dashboard panel (views in convenience/admin_views.py).

Shown only to the portal's 管理员 and superusers; everyone else neither sees the menu nor gets
past the views (403).
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from convenience import admin_views


class FeedsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_manage_feeds(request.user)


class FeedsViewSet(ViewSet):
    """/admin/convenience/feeds/: overview, a feed's log and upload, fetch now, one run."""

    name = "convenience_feeds"
    url_prefix = "convenience/feeds"
    icon = "table"
    menu_label = "便民服务数据"
    menu_name = "convenience-feeds"
    menu_order = 270
    menu_item_class = FeedsMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", admin_views.OverviewView.as_view(), name="index"),
            path("<str:key>/", admin_views.FeedDetailView.as_view(), name="detail"),
            path("<str:key>/fetch/", admin_views.FetchView.as_view(), name="fetch"),
            path("<str:key>/runs/<int:pk>/", admin_views.RunDetailView.as_view(), name="run"),
        ]


@hooks.register("register_admin_viewset")
def register_feeds_viewset():
    return FeedsViewSet()


@hooks.register("construct_homepage_panels")
def add_feed_attention_panel(request, panels):
    panels.append(admin_views.FeedAttentionPanel(request.user))
