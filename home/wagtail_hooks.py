from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import Organisation, WorkdayOverride


class OrganisationViewSet(SnippetViewSet):
    """The site-group registry. Only superusers hold its permissions; new units come from add_unit."""

    model = Organisation
    icon = "group"
    menu_label = "站群机构"
    menu_name = "organisations"
    add_to_settings_menu = True
    list_display = ["name", "short_name", "kind", "label", "code", "site"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "label", "code"]
    ordering = ["sort_order", "id"]


register_snippet(OrganisationViewSet)


class WorkdayOverrideViewSet(SnippetViewSet):
    """Corrections to the national working-day calendar (e.g. next year's 调休 once announced)."""

    model = WorkdayOverride
    icon = "date"
    menu_label = "工作日调整"
    menu_name = "workday-overrides"
    add_to_settings_menu = True
    list_display = ["date", "is_workday", "note"]


register_snippet(WorkdayOverrideViewSet)
