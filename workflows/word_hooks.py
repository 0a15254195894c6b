"""错敏词 in the admin: the word list under 设置 → 错敏词库, and messages after a page is saved.

Imported by workflows/wagtail_hooks.py. Blocking is done by the page form (word_forms.SensitiveWordFormMixin);
the hooks here tell the editor about the words that were let through, and stop bulk publishing
(页面列表 → 批量发布), which does not go through the page form.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from subsite_pages.models import ArticlePage, ContentPage
from workflows.word_check import check_page
from workflows.word_forms import check_requested
from workflows.word_models import SensitiveWord

CHECKED_PAGE_TYPES = (ArticlePage, ContentPage)


class SensitiveWordViewSet(SnippetViewSet):
    model = SensitiveWord
    menu_label = "错敏词库"
    icon = "warning"
    add_to_settings_menu = True
    menu_order = 900
    list_display = ["word", "severity", "replacement", "note"]
    list_filter = ["severity"]
    search_fields = ["word", "replacement"]
    ordering = ["word"]


register_snippet(SensitiveWordViewSet)


def _hit_list(hits):
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li>{}{}</li>",
            ((hit.describe(), "（禁止使用）" if hit.blocking else "") for hit in hits),
        ),
    )


def _report(request, page):
    """After the page was saved: list the 错敏词 that were let through."""
    if not isinstance(page, CHECKED_PAGE_TYPES):
        page = page.specific
        if not isinstance(page, CHECKED_PAGE_TYPES):
            return
    result = check_page(page)
    if not result:
        return
    if check_requested(request.POST):
        # Blocking words cannot get here through a checked form; warnings are allowed through.
        heading = "内容含有以下需要注意的错敏词（仅提示，已允许提交），请核对是否需要修改："
    else:
        heading = "草稿已保存，但内容含有以下错敏词；含“禁止使用”的词语时不能提交审核或发布："
    messages.warning(request, format_html("{}{}", heading, _hit_list(result.hits)))


@hooks.register("after_create_page")
def report_sensitive_words_after_create(request, page):
    _report(request, page)


@hooks.register("after_edit_page")
def report_sensitive_words_after_edit(request, page):
    _report(request, page)


def _latest_content(page):
    revision = page.get_latest_revision()
    return revision.as_object() if revision is not None else page.specific


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_blocked_words(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    pages = list(objects)
    form = getattr(action_class_instance, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages.extend(page.get_descendants().not_live().specific())
    blocked = []
    for page in pages:
        content = _latest_content(page)
        if isinstance(content, CHECKED_PAGE_TYPES):
            hits = check_page(content).blocking
            if hits:
                blocked.append((content.title, "；".join(hit.describe().rstrip("。") for hit in hits)))
    if not blocked:
        return None
    messages.error(
        request,
        format_html(
            "以下页面含有禁止使用的错敏词，未批量发布任何页面，请逐一修改后再发布：<ul>{}</ul>",
            format_html_join("", "<li>《{}》：{}</li>", blocked),
        ),
    )
    return redirect(action_class_instance.next_url)
