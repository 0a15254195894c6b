"""政民互动 in the Wagtail admin: the menu (来信办理, 评论审核, 来信统计) and the dashboard panel.

The views live in forms/admin_views.py; this module only wires them into the admin under
/admin/letters/. The menu is shown to everyone who handles letters and hidden from everyone else.
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from forms import admin_views, campaign_admin


class LetterMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.has_letter_role(request.user)


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_moderate_comments(request.user)


class LetterViewSet(ViewSet):
    """来信办理: list (with filters and export), handling page, actions, attachments."""

    name = "letters"
    icon = "mail"
    menu_label = "来信办理"
    menu_name = "letters"
    menu_item_class = LetterMenuItem

    def get_urlpatterns(self):
        index_kwargs = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", admin_views.LetterIndexView.as_view(**index_kwargs), name="index"),
            path(
                "results/",
                admin_views.LetterIndexView.as_view(results_only=True, **index_kwargs),
                name="index_results",
            ),
            path("<int:pk>/", admin_views.LetterDetailView.as_view(), name="detail"),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                admin_views.attachment,
                name="attachment",
            ),
            path("<int:pk>/act/<str:action>/", admin_views.act, name="act"),
        ]


class CommentModerationViewSet(ViewSet):
    name = "letter_comments"
    url_prefix = "letters/comments"
    icon = "comment"
    menu_label = "评论审核"
    menu_name = "letter-comments"
    menu_item_class = ModerationMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.CommentModerationView.as_view(), name="index"),
            path("<int:pk>/<str:decision>/", admin_views.moderate, name="moderate"),
        ]


class LetterStatisticsViewSet(ViewSet):
    name = "letter_statistics"
    url_prefix = "letters/statistics"
    icon = "table"
    menu_label = "来信统计"
    menu_name = "letter-statistics"
    menu_item_class = LetterMenuItem

    def get_urlpatterns(self):
        return [path("", admin_views.LetterStatisticsView.as_view(), name="index")]


class LetterViewSetGroup(ViewSetGroup):
    """The “政民互动” menu; further items (e.g. 征集意见) can be appended to `items`."""

    menu_label = "政民互动"
    menu_name = "interaction"
    menu_icon = "mail"
    menu_order = 240
    items = (LetterViewSet, CommentModerationViewSet, LetterStatisticsViewSet)


@hooks.register("register_admin_viewset")
def register_letter_viewsets():
    return LetterViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_letters_panel(request, panels):
    panels.append(admin_views.LettersPanel(request.user))


# Campaign entries (征集意见): adopt, or forward as letter cases (forms/campaign_admin.py).
hooks.register("register_admin_urls", campaign_admin.register_campaign_admin_urls)
hooks.register("register_admin_menu_item", campaign_admin.campaign_menu_item)
hooks.register("register_page_header_buttons", campaign_admin.campaign_header_button)
