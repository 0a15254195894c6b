"""Admin views for campaign entries (征集意见): list, 采纳 / 取消采纳, 转办.

Wired into the admin by forms/wagtail_hooks.py through `register_campaign_admin_urls()` and
`campaign_menu_item()`; Wagtail wraps the URLs in its admin-access check, and every view here
checks `forms.campaigns.can_manage_campaign` as well: another unit's campaign is a 403 page
(not Wagtail's redirect to the dashboard, which would hide from tests and users what happened).
Citizens' names and phone numbers are shown unmasked only to 受理员 and 督办员, as in 来信办理.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import PageListingButton

from forms import campaigns as rules
from forms import workflow
from forms.models import CampaignEntry, CampaignPage
from home.admin_common import forbidden
from home.masking import mask_name, mask_text

FILTERS = {
    "all": ("全部", Q()),
    "pending": ("未处理", Q(adopted=False, letter__isnull=True)),
    "adopted": ("已采纳", Q(adopted=True)),
    "forwarded": ("已转办", Q(letter__isnull=False)),
}


def forbidden_as_403(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return forbidden(request, str(error) or "您无权管理该征集的意见。")

    return wrapped


def _campaign_for(request, page_id):
    page = get_object_or_404(CampaignPage, pk=page_id)
    if not rules.can_manage_campaign(request.user, page):
        raise PermissionDenied("您无权管理该征集的意见。")
    return page


def _entry_for(request, page_id, entry_id):
    page = _campaign_for(request, page_id)
    entry = CampaignEntry.objects.filter(pk=entry_id, page_id=page.pk).first()
    if entry is None:
        raise Http404("没有这条意见。")
    return page, entry


def _back(request, page):
    url = reverse("campaign_entries", args=[page.pk])
    show = request.POST.get("show", "")
    return redirect(f"{url}?show={show}" if show in FILTERS else url)


def _messages_of(error):
    return "；".join(error.messages) if isinstance(error, ValidationError) else str(error)


@forbidden_as_403
def campaign_index(request):
    pages = list(rules.manageable_campaigns(request.user))
    if not pages and not rules.can_forward(request.user):
        raise PermissionDenied("您无权管理征集意见。")
    counts = {
        row["page"]: row
        for row in CampaignEntry.objects.filter(page__in=[p.pk for p in pages])
        .values("page")
        .annotate(
            received=Count("pk"),
            forwarded=Count("pk", filter=Q(letter__isnull=False)),
            adopted=Count("pk", filter=Q(adopted=True)),
        )
    }
    rows = [
        {"page": page, "counts": counts.get(page.pk, {"received": 0, "forwarded": 0, "adopted": 0})}
        for page in pages
    ]
    return TemplateResponse(
        request,
        "forms/admin/campaign_index.html",
        {"header_title": "征集意见", "page_title": "征集意见", "header_icon": "form", "rows": rows},
    )


@forbidden_as_403
def campaign_entries(request, page_id):
    page = _campaign_for(request, page_id)
    fields = [f for f in page.get_form_fields() if f.field_type != "hidden"]
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    entries = (
        CampaignEntry.objects.filter(page=page)
        .filter(FILTERS[show][1])
        .select_related("letter", "letter__unit")
        .order_by("-submit_time", "-pk")
    )
    listing = Paginator(entries, 50).get_page(request.GET.get("p"))
    unmasked = workflow.is_dispatcher(request.user) or workflow.is_supervisor(request.user)
    for entry in listing:
        data = entry.form_data or {}
        entry.answers = [(field.label, rules.answer_text(data.get(field.clean_name))) for field in fields]
        entry.contact_name = entry.name if unmasked else mask_name(entry.name)
        entry.contact_phone = entry.phone if unmasked else mask_text(entry.phone)
    can_forward = rules.can_forward(request.user) and page.forward_box_id is not None
    return TemplateResponse(
        request,
        "forms/admin/campaign_entries.html",
        {
            "header_title": f"征集意见：{page.title}",
            "page_title": f"征集意见：{page.title}",
            "header_icon": "form",
            "campaign": page,
            "entries": listing,
            "counts": rules.campaign_counts(page),
            "filters": [(key, label) for key, (label, _q) in FILTERS.items()],
            "show": show,
            "can_forward": can_forward,
            "units": rules.forward_units(page) if can_forward else [],
            "no_forward_box": rules.can_forward(request.user) and page.forward_box_id is None,
        },
    )


@forbidden_as_403
@require_POST
def entry_adopt(request, page_id, entry_id):
    page, entry = _entry_for(request, page_id, entry_id)
    adopted = request.POST.get("adopted") == "1"
    rules.mark_adopted(entry, request.user, adopted=adopted)
    messages.success(request, f"已{'采纳' if adopted else '取消采纳'}第 {entry.pk} 号意见。")
    return _back(request, page)


@forbidden_as_403
@require_POST
def entry_forward(request, page_id, entry_id):
    page, entry = _entry_for(request, page_id, entry_id)
    if not rules.can_forward(request.user):
        raise PermissionDenied("只有政民互动受理员可以转办征集意见。")
    unit = request.POST.get("unit", "")
    if not unit.isdigit():
        messages.error(request, f"第 {entry.pk} 号意见：请选择承办单位。")
        return _back(request, page)
    try:
        letter = rules.forward_entry(entry, request.user, int(unit), note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, f"第 {entry.pk} 号意见：{_messages_of(error)}")
        return _back(request, page)
    messages.success(
        request,
        f"第 {entry.pk} 号意见已转办{letter.unit.name if letter.unit else ''}，来信编号 {letter.number}。",
    )
    return _back(request, page)


def register_campaign_admin_urls():
    return [
        path("campaigns/", campaign_index, name="campaign_index"),
        path("campaigns/<int:page_id>/", campaign_entries, name="campaign_entries"),
        path("campaigns/<int:page_id>/<int:entry_id>/adopt/", entry_adopt, name="campaign_entry_adopt"),
        path("campaigns/<int:page_id>/<int:entry_id>/forward/", entry_forward, name="campaign_entry_forward"),
    ]


class CampaignMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_forward(request.user) or rules.manageable_campaigns(request.user).exists()


def campaign_menu_item():
    return CampaignMenuItem("征集意见", reverse("campaign_index"), icon_name="form", order=320)


def campaign_header_button(page, user, view_name=None, next_url=None):
    """A “征集意见” button on a campaign's edit page (register_page_header_buttons)."""
    if isinstance(page.specific_deferred, CampaignPage) and rules.can_manage_campaign(user, page):
        yield PageListingButton(
            "征集意见", reverse("campaign_entries", args=[page.pk]), icon_name="form", priority=60
        )
