"""Pieces every case admin (letters, applications, disclosure requests, search, campaigns) shares."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from home.casework import TransitionError
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


def run_case_step(request, *, form, step, detail_url, redisplay):
    """The middle of a case admin's `act` view (letters, applications, disclosure requests):
    check `form`, run `step()` (the workflow call) and turn a refusal into a response.

    `redisplay(message, status)` shows the handling page again with the error and the user's
    input kept in `form`. A form with errors, or a ValidationError of the step, comes back as 400
    (the step's errors on the form); PermissionDenied as 403; a TransitionError (the case moved on,
    another user acted first, or the step is not possible now) as a message on the handling page
    at `detail_url`. Returns None once the step ran: the view then says what was done.
    """
    if not form.is_valid():
        return redisplay("请检查填写的内容。", 400)
    try:
        step()
    except PermissionDenied as error:
        return redisplay(error_text(error), 403)
    except TransitionError as error:
        messages.error(request, error_text(error))
        return redirect(detail_url)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return redisplay(error_text(error), 400)
    return None


def redisplay_case(request, view_class, attribute, case, action, form, message, status):
    """The handling page of `case` again (a DetailView `view_class` that keeps the case in
    `attribute`), with `message` as an error and the bound `form` of `action` shown filled in."""
    messages.error(request, message)
    view = view_class(request=request, kwargs={"pk": case.pk}, args=())
    setattr(view, attribute, case)
    context = view.get_context_data(bound_action=action, bound_form=form)
    return TemplateResponse(request, view.template_name, context, status=status)


class UnitFilterChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name or obj.name


class UnitFilter(django_filters.ModelChoiceFilter):
    """A filter on Organisation, listed by short name (教育局, not 即墨市教育局)."""

    field_class = UnitFilterChoiceField
