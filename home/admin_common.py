"""Pieces every case admin (letters, applications, disclosure requests, search, campaigns) shares."""

import django_filters
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from home.models import Organisation


def portal_reviewer_groups():
    """The 管理员 groups of the portal Organisation (a subquery of group ids)."""
    return Organisation.objects.filter(kind=Organisation.Kind.PORTAL, reviewer_group__isnull=False).values(
        "reviewer_group"
    )


def is_portal_administrator(user):
    """Superusers and members of the portal Organisation's 管理员 (reviewer) group: those who
    manage what the whole site group shares (search, 便民服务 feeds). Remembered on the user object
    for the request."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_portal_administrator", None)
    if cached is None:
        cached = user.groups.filter(pk__in=portal_reviewer_groups()).exists()
        user._is_portal_administrator = cached
    return cached


def forbidden(request, message="您无权查看该页面。"):
    """A real 403 page inside the admin (Wagtail's own refusal redirects to the dashboard)."""
    return TemplateResponse(
        request,
        "home/admin/forbidden.html",
        {"header_title": "无权访问", "page_title": "无权访问", "header_icon": "lock", "message": message},
        status=403,
    )


def error_text(error):
    """One line for a message: the texts of a ValidationError, or a PermissionDenied's reason."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您无权进行此操作。"


class UnitFilterChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name or obj.name


class UnitFilter(django_filters.ModelChoiceFilter):
    """A filter on Organisation, listed by short name (教育局, not 即墨市教育局)."""

    field_class = UnitFilterChoiceField
