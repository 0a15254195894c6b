"""End-to-end checks in headless Chromium against the seeded demo site group (see conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

EDITOR = ("jyj_editor", "Jimo@2026")


def _html_font_size(page):
    return page.evaluate("getComputedStyle(document.documentElement).fontSize")


def test_portal_to_unit_site_to_article(page, site_url, tmp_path):
    page.goto(site_url("www"))
    expect(page).to_have_title(re.compile("即墨市政务网"))
    page.screenshot(path=tmp_path / "portal-1280.png", full_page=True)

    group = page.locator(".site-group")
    expect(group.get_by_role("heading", name="站群导航")).to_be_visible()
    group.get_by_role("link", name="教育局", exact=True).click()
    expect(page).to_have_url(site_url("jyj"))
    expect(page).to_have_title(re.compile("教育局"))

    page.locator('nav[aria-label="主导航"]').get_by_role("link", name="工作动态", exact=True).click()
    expect(page).to_have_url(site_url("jyj", "/gzdt/"))
    expect(page.locator("h1")).to_have_text("工作动态")

    first = page.locator(".article-list a").first
    title = first.inner_text().strip()
    assert title
    first.click()
    expect(page).to_have_url(re.compile(re.escape(site_url("jyj", "/gzdt/")) + r"[^/]+/$"))
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".article-header .meta")).to_contain_text("来源：")
    identity = page.locator("footer [data-site-identity]")
    expect(identity).to_contain_text("网站标识码")
    expect(identity.locator("div", has_text="网站标识码").locator("dd")).to_have_text(re.compile(r"\S"))


def _check_elder_mode_toggle(page, site_url):
    page.goto(site_url("jyj"))
    expect(page.locator("html")).not_to_have_class(re.compile(r"\belder-mode\b"))
    toggle = page.locator(".elder-toggle")
    expect(toggle).to_have_text("适老化模式")
    toggle.click()
    # A plain link: the server sets a cookie and redirects back to the same page.
    expect(page).to_have_url(site_url("jyj"))
    expect(page.locator("html")).to_have_class(re.compile(r"\belder-mode\b"))
    expect(page.locator(".elder-toggle")).to_have_text("退出适老化模式")

    # The mode is remembered on the next page of the same site.
    page.locator('nav[aria-label="主导航"]').get_by_role("link", name="工作动态", exact=True).click()
    expect(page).to_have_url(site_url("jyj", "/gzdt/"))
    expect(page.locator("html")).to_have_class(re.compile(r"\belder-mode\b"))
    page.locator(".article-list a").first.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder-mode\b"))
    article_url = page.url

    # One switch serves the whole site group: the portal is in 适老化 mode too.
    page.goto(site_url("www"))
    expect(page.locator("html")).to_have_class(re.compile(r"\belder-mode\b"))
    page.goto(article_url)

    # And it can be switched off again, staying on the current page.
    page.locator(".elder-toggle").click()
    expect(page).to_have_url(article_url)
    expect(page.locator("html")).not_to_have_class(re.compile(r"\belder-mode\b"))
    expect(page.locator(".elder-toggle")).to_have_text("适老化模式")


def test_elder_mode_toggle_persists(new_context, site_url):
    _check_elder_mode_toggle(new_context().new_page(), site_url)


def test_elder_mode_works_without_javascript(new_context, site_url):
    _check_elder_mode_toggle(new_context(java_script_enabled=False).new_page(), site_url)


def test_elder_mode_enlarges_text(page, site_url):
    page.goto(site_url("jyj"))
    assert _html_font_size(page) == "16px"
    page.locator(".elder-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder-mode\b"))
    assert _html_font_size(page) == "20px"
    page.goto(site_url("jyj", "/gzdt/"))
    assert _html_font_size(page) == "20px"


def _log_in(page, site_url, username, password):
    page.goto(site_url("www", "/admin/login/"))
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form button[type="submit"]').click()
    expect(page).to_have_url(site_url("www", "/admin/"))


def _expect_not_exploring(page, title):
    expect(page.locator("h1")).not_to_contain_text(title)
    expect(page.locator("[data-w-breadcrumbs]")).not_to_contain_text(title)
    expect(page.locator("#listing-results")).not_to_contain_text(title)


def test_unit_editor_admin_is_limited_to_own_site(page, site_url, site_trees):
    jyj, gaj = site_trees["jyj"], site_trees["gaj"]
    assert "工作动态" in jyj["children"].values()
    assert "工作动态" in gaj["children"].values()

    _log_in(page, site_url, *EDITOR)
    # The admin speaks Chinese.
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh", re.I))
    expect(page.get_by_role("navigation").get_by_text("页面", exact=True).first).to_be_visible()
    expect(page).to_have_title(re.compile("控制面板|仪表板"))

    # The page explorer starts at the editor's own site root.
    page.goto(site_url("www", "/admin/pages/"))
    expect(page).to_have_url(site_url("www", f"/admin/pages/{jyj['id']}/"))
    expect(page.locator("h1")).to_contain_text(jyj["title"])
    listing = page.locator("#listing-results")
    expect(listing.locator("td.title", has_text="工作动态")).to_be_visible()
    listed = {
        int(i)
        for i in listing.locator("[data-object-id]").evaluate_all("els => els.map(e => e.dataset.objectId)")
    }
    assert listed == set(jyj["children"])

    # Another unit's tree is out of reach: no listing of its columns, no editing.
    page.goto(site_url("www", f"/admin/pages/{gaj['id']}/"))
    assert f"/admin/pages/{gaj['id']}/" not in page.url
    # (The explorer's 站点 filter lists every site's name; that is Wagtail's normal behaviour.)
    _expect_not_exploring(page, gaj["title"])
    listed = {
        int(i)
        for i in page.locator("[data-object-id]").evaluate_all("els => els.map(e => e.dataset.objectId)")
    }
    assert not listed & set(gaj["children"])
    for child_id in gaj["children"]:
        expect(page.locator(f'a[href="/admin/pages/{child_id}/edit/"]')).to_have_count(0)

    gaj_column = next(i for i, title in gaj["children"].items() if title == "工作动态")
    page.goto(site_url("www", f"/admin/pages/{gaj_column}/"))
    assert f"/admin/pages/{gaj_column}/" not in page.url
    _expect_not_exploring(page, gaj["title"])

    page.goto(site_url("www", f"/admin/pages/{gaj_column}/edit/"))
    assert f"/admin/pages/{gaj_column}/edit/" not in page.url
    expect(page.locator('form[action*="/edit/"] input[name="title"]')).to_have_count(0)
    expect(page.locator("html")).to_contain_text("没有权限")


def test_portal_home_fits_small_screen(new_context, site_url, tmp_path):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    page.goto(site_url("www"))
    expect(page.locator(".site-group")).to_be_visible()
    page.screenshot(path=tmp_path / "portal-375.png", full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375 + 1, f"门户首页在 375px 宽度下出现横向滚动（scrollWidth={scroll_width}）"
