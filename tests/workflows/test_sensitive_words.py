"""错敏词检查: the matcher, the page texts it reads, the word cache, and enforcement in the page editor."""

import pytest
from django.contrib.messages import get_messages

from subsite_pages.models import ArticlePage, ContentPage
from tests.factories.admin_forms import article_form_data
from tests.factories.site_group import PASSWORD, column
from workflows.word_check import check_text, load_words, page_text_fields
from workflows.word_models import SensitiveWord

pytestmark = pytest.mark.django_db

BLOCK, WARN = SensitiveWord.Severity.BLOCK, SensitiveWord.Severity.WARN


def word(text, severity, replacement="", note=""):
    """The word as the test needs it, whatever the seeded starter list says."""
    obj, _ = SensitiveWord.objects.update_or_create(
        word=text, defaults={"severity": severity, "replacement": replacement, "note": note}
    )
    return obj


@pytest.fixture
def words(db):
    return {
        "block": word("一国两治", BLOCK, "一国两制", "错误表述"),
        "warn": word("再接再励", WARN, "再接再厉", "错别字"),
    }


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def messages_of(response):
    return [str(message.message) for message in get_messages(response.wsgi_request)]


def article_post(title, slug, paragraph_html, **extra):
    return article_form_data(title, slug, paragraph_html, **extra)


def add_url(group):
    return f"/admin/pages/add/subsite_pages/articlepage/{column(group['jyj'], 'gzdt').pk}/"


# --- The matcher ---------------------------------------------------------------------------------


def test_check_text_finds_words_inside_han_text_and_strips_html(words):
    result = check_text(
        {
            "标题": "全市上下坚持一国两治方针不动摇",
            "正文·第1块段落": '<p>希望同志们<b>再接</b>再励，<a href="/x">继续</a>努力，取得新成绩。</p>',
        }
    )
    [blocking] = result.blocking
    assert (blocking.word, blocking.field, blocking.replacement) == ("一国两治", "标题", "一国两制")
    assert "坚持一国两治方针" in blocking.context and len(blocking.context) <= 4 + 2 * 10 + 2
    [warning] = result.warnings
    assert (warning.word, warning.field, warning.replacement) == ("再接再励", "正文·第1块段落", "再接再厉")
    assert "<" not in warning.context and "同志们再接再励，继续努力" in warning.context
    assert "“再接再励”" in warning.describe() and "建议改为“再接再厉”" in warning.describe()


def test_check_text_ignores_stray_spaces_but_not_paragraph_breaks(words):
    assert check_text({"摘要": "一国&nbsp;两治，一国　两治"}).blocking[0].count == 2
    assert not check_text({"正文": "<p>坚持一国</p><p>两治理念</p>"})
    assert not check_text({"标题": "坚持一国两制"})


def test_page_text_fields_reads_title_summary_and_every_body_block():
    page = ArticlePage(
        title="标题文字",
        subtitle="副标题文字",
        summary="摘要文字",
        body=[
            {"type": "paragraph", "value": "<p>段落<b>文字</b></p>"},
            {"type": "image", "value": {"image": 1, "caption": "图片说明文字", "alt_text": ""}},
            {
                "type": "table",
                "value": {"data": [["表头", None], ["单元格文字", ""]], "first_row_is_table_header": True},
            },
            {"type": "attachment", "value": {"document": 1, "title": "附件名称文字"}},
            {
                "type": "media",
                "value": {"file": 1, "kind": "video", "caption": "视频标题文字", "transcript": "实录文字"},
            },
        ],
    )
    fields = page_text_fields(page)
    assert fields == {
        "标题": "标题文字",
        "副标题": "副标题文字",
        "摘要": "摘要文字",
        "正文·第1块段落": "<p>段落<b>文字</b></p>",
        "正文·第2块图片说明": "图片说明文字",
        "正文·第3块表格": "表头\n单元格文字",
        "正文·第4块附件名称": "附件名称文字",
        "正文·第5块音视频标题": "视频标题文字",
        "正文·第5块音视频文字实录": "实录文字",
    }
    # A page form's cleaned_data works the same way, and so does a ContentPage.
    assert page_text_fields({"title": "标题文字", "body": page.body}) == {
        key: value for key, value in fields.items() if key not in ("副标题", "摘要")
    }
    content = ContentPage(title="机构概况", body=[{"type": "paragraph", "value": "<p>机构职能</p>"}])
    assert page_text_fields(content) == {"标题": "机构概况", "正文·第1块段落": "<p>机构职能</p>"}


def test_word_list_is_cached_and_the_cache_dropped_when_a_word_changes(words):
    assert not check_text({"标题": "测试用新增错词"})
    # Cached: a change that bypasses the model's signals is not seen for up to a minute…
    SensitiveWord.objects.filter(word="一国两治").update(word="不会被看到")
    assert "一国两治" in [w for w, *_ in load_words()]
    # …but saving or deleting a word drops the cache at once.
    added = SensitiveWord.objects.create(word="新增错词", severity=BLOCK, replacement="新增正词")
    [hit] = check_text({"标题": "测试用新增错词"}).blocking
    assert hit.replacement == "新增正词"
    added.delete()
    assert not check_text({"标题": "测试用新增错词"})


def test_seeded_starter_list_is_present():
    seeded = dict(SensitiveWord.objects.values_list("word", "severity"))
    assert len(seeded) >= 30
    assert seeded["一国两治"] == BLOCK and seeded["国家工商总局"] == WARN and seeded["走头无路"] == WARN


# --- The page editor ------------------------------------------------------------------------------


def test_blocking_word_stops_submitting_for_review(client, group, words):
    login(client, group["users"]["jyj_editor"])
    response = client.post(
        add_url(group),
        article_post(
            "关于坚持一国两治的学习体会", "blocked-submit", "<p>正文没有问题。</p>", **{"action-submit": "1"}
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "禁止使用的错敏词" in html and "一国两治" in html and "建议改为“一国两制”" in html
    assert "标题" in html
    assert not ArticlePage.objects.filter(slug="blocked-submit").exists()


def test_blocking_word_in_the_body_stops_publishing(client, group, words):
    login(client, group["users"]["jyj_admin"])
    response = client.post(
        add_url(group),
        article_post(
            "学习体会", "blocked-publish", "<p>坚持<b>一国两治</b>方针</p>", **{"action-publish": "1"}
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "一国两治" in html and "正文·第1块段落" in html
    assert not ArticlePage.objects.filter(slug="blocked-publish").exists()


def test_warning_word_is_let_through_with_a_warning(client, group, words):
    login(client, group["users"]["jyj_editor"])
    response = client.post(
        add_url(group),
        article_post("全市教育系统再接再励", "warned-submit", "<p>正文。</p>", **{"action-submit": "1"}),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    page = ArticlePage.objects.get(slug="warned-submit")
    assert page.current_workflow_state is not None
    [warning] = [m for m in messages_of(response) if "错敏词" in m]
    assert "再接再励" in warning and "再接再厉" in warning and "已允许提交" in warning


def test_saving_a_draft_with_a_blocking_word_is_allowed(client, group, words):
    login(client, group["users"]["jyj_editor"])
    response = client.post(add_url(group), article_post("草稿", "draft-blocked", "<p>一国两治</p>"))
    assert response.status_code == 302, response.content.decode()[:1500]
    page = ArticlePage.objects.get(slug="draft-blocked")
    assert not page.live and page.current_workflow_state is None
    # The editor is told before trying to submit.
    [note] = [m for m in messages_of(response) if "错敏词" in m]
    assert "草稿已保存" in note and "一国两治" in note


def test_reviewer_cannot_approve_a_blocking_word_but_can_send_it_back(client, group, words):
    login(client, group["users"]["jyj_editor"])
    data = article_post("再接再励做好教育工作", "approve-blocked", "<p>正文。</p>", **{"action-submit": "1"})
    assert client.post(add_url(group), data).status_code == 302
    page = ArticlePage.objects.get(slug="approve-blocked")
    # The word list was tightened while the article waited for review.
    word("再接再励", BLOCK, "再接再厉")
    client.logout()
    login(client, group["users"]["jyj_admin"])
    edit_url = f"/admin/pages/{page.pk}/edit/"
    data = article_post("再接再励做好教育工作", "approve-blocked", "<p>正文。</p>")
    approve = {**data, "action-workflow-action": "1", "workflow-action-name": "approve"}
    response = client.post(edit_url, approve)
    assert response.status_code == 200
    assert "再接再励" in response.content.decode() and "禁止使用的错敏词" in response.content.decode()
    page.refresh_from_db()
    assert not page.live and page.current_workflow_state.status == "in_progress"
    reject = {**data, "action-workflow-action": "1", "workflow-action-name": "reject"}
    assert client.post(edit_url, reject).status_code == 302
    page.refresh_from_db()
    assert not page.live and page.current_workflow_state.status == "needs_changes"


def test_bulk_publishing_a_draft_with_a_blocking_word_is_refused(client, group, words):
    gzdt = column(group["jyj"], "gzdt")
    drafts = {}
    for slug, text in (("bulk-blocked", "<p>坚持一国两治</p>"), ("bulk-clean", "<p>坚持一国两制</p>")):
        draft = ArticlePage(title=f"批量发布{slug}", slug=slug, live=False, body=[("paragraph", text)])
        gzdt.add_child(instance=draft)
        draft.save_revision()
        drafts[slug] = draft
    login(client, group["users"]["jyj_admin"])
    url = "/admin/bulk/wagtailcore/page/publish/"
    response = client.post(f"{url}?id={drafts['bulk-blocked'].pk}&id={drafts['bulk-clean'].pk}", {})
    assert response.status_code == 302
    [error] = [m for m in messages_of(response) if "错敏词" in m]
    assert "一国两治" in error and "批量发布bulk-blocked" in error and "bulk-clean" not in error
    assert not ArticlePage.objects.filter(slug__in=drafts, live=True).exists()
    assert client.post(f"{url}?id={drafts['bulk-clean'].pk}", {}).status_code == 302
    assert ArticlePage.objects.get(slug="bulk-clean").live


# --- The word list in the admin ----------------------------------------------------------------------


def test_portal_reviewers_edit_the_word_list_and_unit_users_cannot(client, group, words):
    url = "/admin/snippets/workflows/sensitiveword/"
    login(client, group["users"]["portal_admin"])
    html = client.get(url, {"severity": BLOCK}).content.decode()
    assert "一国两治" in html and "再接再励" not in html
    html = client.get(url, {"q": "再接"}).content.decode()
    assert "再接再励" in html and "一国两治" not in html
    response = client.post(
        f"{url}add/", {"word": "测试新词", "severity": WARN, "replacement": "测试正词", "note": ""}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert check_text({"标题": "测试新词"}).warnings[0].replacement == "测试正词"
    for username in ("jyj_admin", "jyj_editor"):
        client.logout()
        login(client, group["users"][username])
        assert client.get(url).status_code in (302, 403)
