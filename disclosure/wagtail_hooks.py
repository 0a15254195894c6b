"""政务公开 in the Wagtail admin: the menu (依申请公开, 年度报告, 年报补充数据) and the dashboard panel.

The views live in disclosure/admin_views.py; this module only wires them into the admin under
/admin/disclosure/. The menu is shown to every unit's 信息员 and 管理员, to 政务公开监督员 and to
superusers, and hidden from everyone else.
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from disclosure import admin_views


class DisclosureMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.has_disclosure_role(request.user)


class RequestViewSet(ViewSet):
    """依申请公开: list (with filters and export), handling page, actions, answer documents."""

    name = "disclosure_requests"
    url_prefix = "disclosure/requests"
    icon = "doc-full"
    menu_label = "依申请公开"
    menu_name = "disclosure-requests"
    menu_item_class = DisclosureMenuItem

    def get_urlpatterns(self):
        index_kwargs = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", admin_views.RequestIndexView.as_view(**index_kwargs), name="index"),
            path(
                "results/",
                admin_views.RequestIndexView.as_view(results_only=True, **index_kwargs),
                name="index_results",
            ),
            path("<int:pk>/", admin_views.RequestDetailView.as_view(), name="detail"),
            path("<int:pk>/answer-document/", admin_views.answer_document, name="answer_document"),
            path("<int:pk>/act/<str:action>/", admin_views.act, name="act"),
        ]


class ReportViewSet(ViewSet):
    name = "disclosure_report"
    url_prefix = "disclosure/report"
    icon = "table"
    menu_label = "年度报告"
    menu_name = "disclosure-report"
    menu_item_class = DisclosureMenuItem

    def get_urlpatterns(self):
        return [path("", admin_views.ReportView.as_view(), name="index")]


class FiguresViewSet(ViewSet):
    name = "disclosure_figures"
    url_prefix = "disclosure/figures"
    icon = "edit"
    menu_label = "年报补充数据"
    menu_name = "disclosure-figures"
    menu_item_class = DisclosureMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.FiguresIndexView.as_view(), name="index"),
            path("<int:unit_pk>/<int:year>/", admin_views.FiguresEditView.as_view(), name="edit"),
        ]


class DisclosureViewSetGroup(ViewSetGroup):
    """The “政务公开” menu, after “政民互动” (240) and “网上办事” (245)."""

    menu_label = "政务公开"
    menu_name = "disclosure"
    menu_icon = "doc-full"
    menu_order = 250
    items = (RequestViewSet, ReportViewSet, FiguresViewSet)


@hooks.register("register_admin_viewset")
def register_disclosure_viewsets():
    return DisclosureViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_disclosure_panel(request, panels):
    panels.append(admin_views.DisclosurePanel(request.user))
