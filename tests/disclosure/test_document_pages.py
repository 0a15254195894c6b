"""The public templates of disclosure pages: a document with its catalogue metadata, validity
notice and interpretation links both ways; a 公开指南; a 重点工程 with its progress."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from disclosure.models import (
    DisclosureCataloguePage,
    DisclosureDocumentPage,
    DisclosureGuidePage,
    KeyProjectPage,
    ProjectProgress,
)
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db

_slugs = count(1)


def add_document(organisation, title, publish=True, **fields):
    values = {
        "written_date": date(2026, 3, 1),
        "publish_date": date(2026, 3, 2),
        "theme": "kjjy",
        "genre": "tz",
        "keywords": "招生 义务教育",
        **fields,
    }
    page = DisclosureDocumentPage(
        title=title, slug=f"gk-page-{next(_slugs)}", organisation=organisation, live=publish, **values
    )
    column(organisation, "zwgk").add_child(instance=page)
    if publish:
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def get(client, page):
    site = page.get_site()
    return client.get(page.relative_url(site), HTTP_HOST=site.hostname)


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_document_page_shows_the_metadata_table_summary_and_body(client, group):
    page = add_document(
        group["jyj"],
        "关于做好2026年义务教育招生工作的通知",
        document_number="即教发〔2026〕12号",
        summary="明确2026年义务教育学校招生的范围、时间和程序。",
        body=[("paragraph", "<p>各中小学：现将有关事项通知如下。</p>")],
    )
    html = text(get(client, page))
    assert page.index_number and page.index_number.startswith("370282201/2026-")
    table = html.split('<table class="gk-meta">', 1)[1].split("</table>", 1)[0]
    for label, value in [
        ("索引号", page.index_number),
        ("发布机构", "即墨市教育局"),
        ("成文日期", "2026年3月1日"),
        ("发布日期", "2026年3月2日"),
        ("文号", "即教发〔2026〕12号"),
        ("主题分类", "科技、教育"),
        ("体裁分类", "通知"),
        ("关键词", "招生 义务教育"),
        ("有效性", "有效"),
    ]:
        assert f'<th scope="row">{label}</th><td' in table
        assert value in table
    # The metadata come before the title, as on every 政府网站.
    assert html.index('class="gk-meta"') < html.index("<h1>关于做好2026年义务教育招生工作的通知</h1>")
    assert "内容概述" in html and "明确2026年义务教育学校招生的范围" in html
    assert "各中小学：现将有关事项通知如下。" in html
    assert "本文件已于" not in html


def test_repealed_document_carries_a_prominent_notice(client, group):
    page = add_document(
        group["jyj"],
        "即墨市中小学学籍管理办法",
        validity="repealed",
        repealed_date=date(2026, 6, 30),
    )
    html = text(get(client, page))
    assert "本文件已于2026年6月30日废止" in html
    assert 'class="gk-repealed-notice" role="note"' in html
    assert "已废止" in html


def test_expired_document_says_expired(client, group):
    page = add_document(group["jyj"], "2025年寒假安排", validity="expired", repealed_date=date(2026, 2, 28))
    assert "本文件已于2026年2月28日失效" in text(get(client, page))


def test_interpretation_links_both_ways(client, group):
    document = add_document(group["jyj"], "关于做好2026年义务教育招生工作的通知")
    interpretation = add_document(
        group["jyj"],
        "《关于做好2026年义务教育招生工作的通知》政策解读",
        genre="zcjd",
        interprets=[document],
    )
    draft = add_document(
        group["jyj"], "尚未发布的另一篇解读", publish=False, genre="zcjd", interprets=[document]
    )
    html = text(get(client, document))
    assert "政策解读" in html
    assert f'href="{interpretation.relative_url(interpretation.get_site())}"' in html
    assert "《关于做好2026年义务教育招生工作的通知》政策解读" in html
    assert draft.title not in html
    html = text(get(client, interpretation))
    assert "解读的文件" in html
    assert f'href="{document.relative_url(document.get_site())}"' in html


def test_interpretation_on_another_units_site_links_with_its_full_url(client, group):
    document = add_document(group["jyj"], "关于做好2026年义务教育招生工作的通知")
    interpretation = add_document(
        group["gaj"], "公安局对招生通知中户籍核验的解读", genre="zcjd", interprets=[document]
    )
    html = text(get(client, document))
    assert f'href="{interpretation.get_full_url()}"' in html
    html = text(get(client, interpretation))
    assert f'href="{document.get_full_url()}"' in html


def test_document_links_back_to_the_catalogue_and_request_form(client, group):
    catalogue = DisclosureCataloguePage(title="政府信息公开目录", slug="gkml")
    column(group["jyj"], "zwgk").add_child(instance=catalogue)
    catalogue.save_revision().publish()
    page = add_document(group["jyj"], "关于做好2026年义务教育招生工作的通知")
    html = text(get(client, page))
    base = catalogue.relative_url(catalogue.get_site())
    assert f'href="{base}"' in html and f'href="{base}request/"' in html


def test_guide_page_shows_every_section_and_the_contact_block(client, group):
    catalogue = DisclosureCataloguePage(title="政府信息公开目录", slug="gkml")
    column(group["jyj"], "zwgk").add_child(instance=catalogue)
    catalogue.save_revision().publish()
    guide = DisclosureGuidePage(
        title="即墨市教育局政府信息公开指南",
        slug="gkzn",
        organisation=group["jyj"],
        updated_on=date(2026, 1, 5),
        scope="<p>本机关制作或者获取的政府信息。</p>",
        proactive="<p>通过本机关网站和政务新媒体公开。</p>",
        on_request="<p>申请人可通过网站在线提交申请。</p>",
        fees="<p>不收取费用。</p>",
        supervision="<p>可向即墨市人民政府办公室投诉举报。</p>",
        office="即墨市教育局办公室",
        address="即墨市蓝鳌路1号",
        office_hours="工作日 9:00-12:00，13:30-17:00",
        phone="0532-88510000",
        email="gk@jyj.example.cn",
    )
    column(group["jyj"], "zwgk").add_child(instance=guide)
    guide.save_revision().publish()
    html = text(get(client, guide))
    for content in (
        "公开的主体和范围",
        "本机关制作或者获取的政府信息。",
        "通过本机关网站和政务新媒体公开。",
        "申请人可通过网站在线提交申请。",
        "不收取费用。",
        "可向即墨市人民政府办公室投诉举报。",
        "即墨市教育局办公室",
        "即墨市蓝鳌路1号",
        "工作日 9:00-12:00，13:30-17:00",
        "0532-88510000",
        "gk@jyj.example.cn",
        "更新日期：",
        "2026年1月5日",
    ):
        assert content in html
    assert f'href="{catalogue.relative_url(catalogue.get_site())}request/"' in html


def test_key_project_page_shows_target_investment_and_progress_timeline(client, group):
    project = KeyProjectPage(
        title="城北学校建设工程",
        slug="cbxx",
        kind="key",
        organisation=group["jyj"],
        year=2026,
        investment=Decimal("12800.50"),
        target="新建一所36个班的九年一贯制学校。",
        planned_completion=date(2027, 8, 31),
        progress=[
            ProjectProgress(reported_on=date(2026, 4, 1), percent=20, text="完成地基施工。"),
            ProjectProgress(reported_on=date(2026, 9, 1), percent=65, text="主体结构封顶。"),
        ],
    )
    column(group["jyj"], "zwgk").add_child(instance=project)
    project.save_revision().publish()
    html = text(get(client, project))
    for content in (
        "重点工程",
        "2026年度",
        "即墨市教育局",
        "12800.50 万元",
        "2027年8月31日",
        "新建一所36个班的九年一贯制学校。",
        "完成地基施工。",
        "主体结构封顶。",
        "完成 65%",
        "完成 20%",
    ):
        assert content in html
    assert 'width="65"' in html and 'width="20"' in html
    # Newest report first.
    assert html.index("主体结构封顶。") < html.index("完成地基施工。")
