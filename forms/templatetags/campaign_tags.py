"""Template helpers of the campaign, survey and interview pages."""

from django import template
from django.urls import NoReverseMatch

from home.masking import mask_text

register = template.Library()


@register.filter
def public_text(value):
    """Free text typed by citizens, with phone numbers, ID numbers and the like masked."""
    return mask_text(value or "")


@register.simple_tag(takes_context=True)
def published_letter_url(context, letter):
    """The public page of a published letter, or "" (not published, or no such route)."""
    if letter is None or not letter.is_public or letter.state != letter.State.CLOSED or not letter.number:
        return ""
    box = letter.box
    if not box.live:
        return ""
    base = box.get_url(request=context.get("request"))
    if not base:
        return ""
    try:
        return base + box.reverse_subpage("letter_detail", args=[letter.number])
    except (NoReverseMatch, AttributeError):
        return ""
