"""The two-level review (两级审核) end to end in the admin UI, with three users in three browsers.

1. 教育局信息员 writes a 信息 under 工作动态, ticks “主站·部门动态” under 信息报送 and submits it
   to the unit's workflow (子站审核);
2. 教育局管理员 approves it (审核通过): it goes live on the 教育局 site and is queued for the portal;
3. 主站管理员 accepts it in 信息报送审核 (采用所选): the portal's 部门动态 lists it, linking to the unit site.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, server_shell

pytestmark = pytest.mark.e2e

PASSWORD = "Jimo@2026"
TARGET_LABEL = "主站·部门动态"
SOURCE_UNIT = "即墨市教育局"


def _article_state(e2e_server, slug):
    code = (
        "import json\n"
        "from subsite_pages.models import ArticlePage\n"
        f"page = ArticlePage.objects.get(slug={slug!r})\n"
        "state = page.current_workflow_state\n"
        "print('E2E-JSON ' + json.dumps({\n"
        "    'live': page.live,\n"
        "    'url': page.full_url,\n"
        "    'workflow': state.workflow.name if state else None,\n"
        "    'requested_by': state.requested_by.username if state and state.requested_by else None,\n"
        "    'targets': [column.full_url for column in page.syndication_targets.all()],\n"
        "    'syndications': {s.target.slug: s.status for s in page.syndications.select_related('target')},\n"
        "}))\n"
    )
    return server_shell(e2e_server, code)


def _open_footer_actions(page):
    """The dropdown next to 保存草稿 in the editor's footer holds submit / publish / workflow actions."""
    page.locator("footer .w-dropdown-button .w-dropdown__toggle").click()


def _success_message(page, text):
    """The admin's success message containing `text` (other messages, e.g. warnings, may sit beside it)."""
    return page.locator(".messages li.success").filter(has_text=text)


def _expect_no_syndication_queue(page, site_url):
    page.goto(site_url("www", "/admin/syndication/"))
    expect(page).not_to_have_url(re.compile(r"/admin/syndication/"))
    expect(page.locator("table.listing caption", has_text="信息报送列表")).to_have_count(0)
    expect(page.locator('input[name="ids"]')).to_have_count(0)
    expect(page.get_by_role("button", name="采用所选", exact=True)).to_have_count(0)


def test_article_passes_unit_review_and_portal_syndication(new_context, site_url, site_trees, e2e_server):
    jyj = site_trees["jyj"]
    gzdt_id = next(page_id for page_id, title in jyj["children"].items() if title == "工作动态")
    token = uuid.uuid4().hex[:8]
    title = f"教育局两级审核浏览器测试信息{token}"
    slug = f"e2e-two-level-{token}"
    body_text = f"这是浏览器测试录入的正文{token}。"
    article_path = f"/gzdt/{slug}/"

    # -- 1. 教育局信息员: write the article, push it to 主站·部门动态, submit it for review. --
    editor = log_in(new_context, site_url, "jyj_editor", PASSWORD)
    editor.goto(site_url("www", f"/admin/pages/add/subsite_pages/articlepage/{gzdt_id}/"))
    editor.locator('input[name="title"]').fill(title)

    body = editor.locator('[data-contentpath="body"]')
    body.locator(".c-sf-add-button").first.click()
    editor.get_by_role("option", name="正文", exact=True).click()
    rich_text = body.locator('[contenteditable="true"]').first
    expect(rich_text).to_be_visible()
    rich_text.click()
    editor.keyboard.type(body_text)
    expect(rich_text).to_contain_text(body_text)
    # Draftail writes its hidden input a moment after typing (stateSaveInterval); on a busy machine
    # submitting before that saves an empty block, so wait until the value holds the text.
    expect(body.locator('input[name="body-0-value"]')).to_have_value(re.compile(token))

    # The promote tab (Wagtail's zh-Hans label is 推荐) holds the slug and the 信息报送 targets.
    editor.get_by_role("tab", name=re.compile("推荐|推广")).click()
    # WAGTAIL_ALLOW_UNICODE_SLUGS is off, so a Chinese title gives no usable slug: type one.
    editor.locator('input[name="slug"]').fill(slug)
    target = editor.get_by_label(TARGET_LABEL, exact=True)
    expect(target).to_be_visible()
    target.check()

    _open_footer_actions(editor)
    submit = editor.locator('footer button[name="action-submit"]')
    expect(submit).to_be_visible()
    submit.click()
    expect(_success_message(editor, title)).to_contain_text("提交审核")

    state = _article_state(e2e_server, slug)
    assert state["live"] is False
    assert state["workflow"] == "子站审核"
    assert state["requested_by"] == "jyj_editor"
    assert state["targets"] == [site_url("www", "/bmdt/")]
    assert state["syndications"] == {}, "报送要在本单位审核发布之后才进入主站队列"

    # The unit's information officer is not a portal reviewer.
    _expect_no_syndication_queue(editor, site_url)

    # -- 2. 教育局管理员: finds it awaiting review on the dashboard, approves and publishes it. --
    reviewer = log_in(new_context, site_url, "jyj_admin", PASSWORD)
    awaiting = reviewer.locator("#awaiting-review-section")
    expect(awaiting).to_be_visible()
    awaiting.get_by_role("link", name=title, exact=True).click()
    expect(reviewer).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(reviewer.locator('input[name="title"]')).to_have_value(title)

    _open_footer_actions(reviewer)
    approve = (
        reviewer.locator('footer button[data-workflow-action-name="approve"]')
        .filter(has_text="审核通过")
        .filter(has_not_text="附意见")
    )
    expect(approve).to_be_visible()
    approve.click()
    expect(_success_message(reviewer, title)).to_be_visible()

    state = _article_state(e2e_server, slug)
    assert state["live"] is True
    assert state["workflow"] is None
    assert state["url"] == site_url("jyj", article_path)
    assert state["syndications"] == {"bmdt": "pending"}

    reviewer.goto(site_url("jyj", article_path))
    expect(reviewer.locator("h1")).to_have_text(title)
    expect(reviewer.locator(".article-body")).to_contain_text(body_text)
    expect(reviewer.locator(".article-header .meta")).to_contain_text(f"来源：{SOURCE_UNIT}")

    # Published on the unit site, but not on the portal until the portal accepts it.
    reviewer.goto(site_url("www", "/bmdt/"))
    expect(reviewer.locator("h1")).to_have_text("部门动态")
    expect(reviewer.locator(".article-list")).not_to_contain_text(title)

    # A unit administrator reviews their own unit, not the portal's queue.
    _expect_no_syndication_queue(reviewer, site_url)

    # -- 3. 主站管理员: accepts the submission in 信息报送审核. --
    portal = log_in(new_context, site_url, "portal_admin", PASSWORD)
    portal.goto(site_url("www", "/admin/syndication/"))
    row = portal.locator("table.listing tbody tr", has_text=title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("教育局")
    expect(row).to_contain_text("部门动态")
    expect(row).to_contain_text("待审核")
    expect(row.get_by_role("link", name=title)).to_have_attribute("href", site_url("jyj", article_path))
    row.get_by_role("checkbox", name=f"选择：{title}").check()
    portal.get_by_role("button", name="采用所选", exact=True).click()
    expect(_success_message(portal, "已采用 1 条报送信息")).to_be_visible()
    # The queue shows pending items by default: the accepted one has left it.
    expect(portal.locator("table.listing tbody tr", has_text=title)).to_have_count(0)

    assert _article_state(e2e_server, slug)["syndications"] == {"bmdt": "approved"}

    portal.goto(site_url("www", "/bmdt/"))
    item = portal.locator(".article-list li", has_text=title)
    expect(item).to_have_count(1)
    expect(item.locator(".source-unit")).to_have_text(f"来源：{SOURCE_UNIT}")
    link = item.get_by_role("link", name=title, exact=True)
    expect(link).to_have_attribute("href", site_url("jyj", article_path))
    link.click()
    expect(portal).to_have_url(site_url("jyj", article_path))
    expect(portal.locator("h1")).to_have_text(title)
