"""The “站群搜索” admin menu: 同义词, 推荐结果, 搜索分析 (views in search/admin_views.py).

Shown only to those who may manage search (superusers and the portal's 管理员); everyone else
neither sees the menu nor gets past the views (403).
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from search import admin_views
from search.forms import PromotionForm, SynonymForm
from search.models import Promotion, Synonym


class SearchAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_manage_search(request.user)


class GuardedModelViewSet(ModelViewSet):
    index_view_class = admin_views.IndexView
    add_view_class = admin_views.CreateView
    edit_view_class = admin_views.EditView
    delete_view_class = admin_views.DeleteView
    copy_view_class = admin_views.CopyView
    inspect_view_class = admin_views.InspectView
    search_backend_name = None  # plain ORM filtering: these models are not in Wagtail's index
    add_to_admin_menu = False

    @property
    def permission_policy(self):
        return admin_views.SearchAdminPermissionPolicy(self.model)


class SynonymViewSet(GuardedModelViewSet):
    model = Synonym
    name = "search_synonyms"
    url_prefix = "search/synonyms"
    icon = "list-ul"
    menu_label = "同义词"
    menu_name = "search-synonyms"
    edit_handler = ObjectList([FieldPanel("words"), FieldPanel("enabled")], base_form_class=SynonymForm)
    list_display = ["words", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["words"]
    ordering = ["words"]


class PromotionViewSet(GuardedModelViewSet):
    model = Promotion
    name = "search_promotions"
    url_prefix = "search/promotions"
    icon = "pick"
    menu_label = "推荐结果"
    menu_name = "search-promotions"
    edit_handler = ObjectList(
        [
            FieldPanel("query"),
            FieldPanel("title"),
            FieldPanel("url"),
            FieldPanel("description"),
            FieldPanel("sort_order"),
            MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="有效期（可不填）"),
        ],
        base_form_class=PromotionForm,
    )
    list_display = ["query", "title", "url", "sort_order", "starts_at", "ends_at"]
    search_fields = ["query", "title", "url"]
    ordering = ["query", "sort_order", "pk"]


class SearchAnalyticsViewSet(ViewSet):
    name = "search_analytics"
    url_prefix = "search/analytics"
    icon = "table"
    menu_label = "搜索分析"
    menu_name = "search-analytics"
    menu_item_class = SearchAdminMenuItem

    def get_urlpatterns(self):
        return [path("", admin_views.AnalyticsView.as_view(), name="index")]


class SearchViewSetGroup(ViewSetGroup):
    menu_label = "站群搜索"
    menu_name = "site-search"
    menu_icon = "search"
    menu_order = 260
    items = (SynonymViewSet, PromotionViewSet, SearchAnalyticsViewSet)


@hooks.register("register_admin_viewset")
def register_search_viewsets():
    return SearchViewSetGroup()
