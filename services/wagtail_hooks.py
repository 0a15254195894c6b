"""网上办事 in the Wagtail admin: the menu (办件办理, 办件统计) and the dashboard panel.

The views live in services/admin_views.py; this module only wires them into the admin under
/admin/applications/. The menu is shown to window staff of any department, supervisors and
superusers, and hidden from everyone else. It also stops bulk publishing of incomplete guides
(the page editor's form and the review task check the single-page paths).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from services import admin_views
from services.models import ServiceItemPage


class ServiceMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.has_service_role(request.user)


class ApplicationViewSet(ViewSet):
    """办件办理: list (with filters and export), handling page, actions, materials."""

    name = "applications"
    icon = "clipboard-list"
    menu_label = "办件办理"
    menu_name = "applications"
    menu_item_class = ServiceMenuItem

    def get_urlpatterns(self):
        index_kwargs = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", admin_views.ApplicationIndexView.as_view(**index_kwargs), name="index"),
            path(
                "results/",
                admin_views.ApplicationIndexView.as_view(results_only=True, **index_kwargs),
                name="index_results",
            ),
            path("<int:pk>/", admin_views.ApplicationDetailView.as_view(), name="detail"),
            path("<int:pk>/materials/<int:material_pk>/", admin_views.material, name="material"),
            path("<int:pk>/result/", admin_views.result_document, name="result"),
            path("<int:pk>/act/<str:action>/", admin_views.act, name="act"),
        ]


class ApplicationStatisticsViewSet(ViewSet):
    name = "application_statistics"
    url_prefix = "applications/statistics"
    icon = "table"
    menu_label = "办件统计"
    menu_name = "application-statistics"
    menu_item_class = ServiceMenuItem

    def get_urlpatterns(self):
        return [path("", admin_views.ApplicationStatisticsView.as_view(), name="index")]


class ServiceViewSetGroup(ViewSetGroup):
    """The “网上办事” menu, right after “政民互动” (240)."""

    menu_label = "网上办事"
    menu_name = "services"
    menu_icon = "clipboard-list"
    menu_order = 245
    items = (ApplicationViewSet, ApplicationStatisticsViewSet)


@hooks.register("register_admin_viewset")
def register_service_viewsets():
    return ServiceViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_services_panel(request, panels):
    panels.append(admin_views.ServicesPanel(request.user))


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_incomplete_guides(request, action_type, objects, action_class_instance):
    """Bulk 发布 skips the page editor's form: check the guides' completeness here too."""
    if action_type != "publish":
        return None
    pages = list(objects)
    form = getattr(action_class_instance, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages.extend(page.get_descendants().not_live().specific())
    blocked = []
    for page in pages:
        if not isinstance(page.specific_deferred, ServiceItemPage):
            continue
        revision = page.get_latest_revision()
        content = revision.as_object() if revision is not None else page.specific
        reasons = content.publish_blockers()
        if reasons:
            blocked.append((content.title, " ".join(reasons).rstrip("。")))
    if not blocked:
        return None
    messages.error(
        request,
        format_html(
            "以下办事指南要素不全，未批量发布任何页面，请逐一补全后再发布：<ul>{}</ul>",
            format_html_join("", "<li>《{}》：{}</li>", blocked),
        ),
    )
    return redirect(action_class_instance.next_url)
