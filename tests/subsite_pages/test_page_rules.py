"""Editors can only add sensible pages where they belong; articles keep honest dates."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from home.models import HomePage
from subsite_pages.models import (
    ArticlePage,
    ArticleRelatedLink,
    BranchHomePage,
    ColumnPage,
    ContentPage,
    SitemapPage,
    UnitHomePage,
)
from tests.conftest import host
from tests.factories.admin_forms import article_form_data
from tests.factories.site_group import add_article, column

pytestmark = pytest.mark.django_db


def test_articles_live_only_in_columns(group):
    root = Page.get_first_root_node()
    home = group["jyj"].site.root_page
    gzdt = column(group["jyj"], "gzdt")
    article = ArticlePage.objects.child_of(gzdt).first()
    assert not ArticlePage.can_create_at(root)
    assert not ArticlePage.can_create_at(home)
    assert not ArticlePage.can_create_at(article)
    assert ArticlePage.can_create_at(gzdt)


def test_home_pages_sit_at_the_top_of_the_tree(group):
    root = Page.get_first_root_node()
    gzdt = column(group["jyj"], "gzdt")
    assert UnitHomePage.can_create_at(root)
    assert BranchHomePage.can_create_at(root)
    assert not UnitHomePage.can_create_at(gzdt)
    # One portal home only.
    assert not HomePage.can_create_at(root)


def test_columns_nest_and_hold_articles_and_pages(group):
    home = group["jyj"].site.root_page
    gzdt = column(group["jyj"], "gzdt")
    assert ColumnPage.can_create_at(home)
    assert ColumnPage.can_create_at(gzdt)
    assert ContentPage.can_create_at(gzdt)
    assert not ColumnPage.can_create_at(ArticlePage.objects.child_of(gzdt).first())


def test_one_site_map_per_site(group):
    home = group["jyj"].site.root_page
    assert SitemapPage.objects.child_of(home).count() == 1
    assert not SitemapPage.can_create_at(home)


def test_publish_date_cannot_be_in_the_future_without_scheduling(group):
    gzdt = column(group["jyj"], "gzdt")
    article = ArticlePage(
        title="未来日期的信息", slug="future", publish_date=timezone.now() + timedelta(days=3)
    )
    with pytest.raises(ValidationError) as error:
        gzdt.add_child(instance=article)
    assert "发布日期不能晚于当前时间" in str(error.value)
    scheduled = ArticlePage(
        title="定时发布的信息",
        slug="scheduled",
        publish_date=timezone.now() + timedelta(days=3),
        go_live_at=timezone.now() + timedelta(days=3),
        live=False,
    )
    gzdt.add_child(instance=scheduled)
    assert ArticlePage.objects.filter(slug="scheduled").exists()


def test_publish_date_defaults_to_now():
    before = timezone.now()
    assert ArticlePage(title="x").publish_date >= before


def test_source_defaults_to_the_unit(group):
    article = add_article(column(group["gaj"], "tzgg"), "关于冬季道路交通安全的提示")
    assert article.source == "即墨市公安局"


def test_column_lists_only_live_articles_newest_first_with_pagination(client, group):
    tzgg = column(group["gaj"], "tzgg")
    tzgg.per_page = 2
    tzgg.save_revision().publish()
    for day in range(5):
        add_article(tzgg, f"公告第{day}号", days_ago=day + 10)
    draft = ArticlePage(title="未发布的草稿", slug="draft-x", live=False)
    tzgg.add_child(instance=draft)
    url = tzgg.get_url_parts()[2]
    page1 = client.get(url, HTTP_HOST=host("gaj")).content.decode()
    assert page1.index("公告第0号") < page1.index("公告第1号")
    assert "未发布的草稿" not in page1
    assert "共 3 页" in page1
    page3 = client.get(url, {"page": "3"}, HTTP_HOST=host("gaj")).content.decode()
    assert "公告第4号" in page3
    # Nonsense page numbers fall back to a valid page instead of an error.
    assert client.get(url, {"page": "abc"}, HTTP_HOST=host("gaj")).status_code == 200
    assert client.get(url, {"page": "9999"}, HTTP_HOST=host("gaj")).status_code == 200


def test_per_page_is_bounded(group):
    gzdt = column(group["jyj"], "gzdt")
    gzdt.per_page = 0
    with pytest.raises(ValidationError):
        gzdt.full_clean()


def test_article_body_renders_images_tables_attachments_and_media(client, group):
    organisation = group["jyj"]
    image = get_image_model().objects.create(
        title="校园图片", file=get_test_image_file(), collection=organisation.collection
    )
    Document = get_document_model()
    sheet = Document(title="招生计划表", collection=organisation.collection)
    sheet.file.save("plan.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    audio = Document(title="行风在线录音", collection=organisation.collection)
    audio.file.save("talk.mp3", ContentFile(b"ID3"), save=True)
    article = ArticlePage(
        title="2027年春季招生工作安排",
        slug="spring-enrolment",
        subtitle="即教发〔2026〕15号",
        author="刘敏",
        responsible_editor="王强",
        body=[
            ("paragraph", "<p>招生工作按片区进行。</p><script>alert(1)</script>"),
            ("image", {"image": image, "caption": "学校外景", "alt_text": ""}),
            (
                "table",
                {
                    "data": [["学校", "计划数"], ["即墨区第一实验小学", "360"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "招生计划",
                },
            ),
            ("attachment", {"document": sheet, "title": ""}),
            (
                "media",
                {
                    "file": audio,
                    "kind": "audio",
                    "caption": "局长在线访谈",
                    "transcript": "主持人：各位听众好。",
                },
            ),
        ],
    )
    column(organisation, "tzgg").add_child(instance=article)
    article.save_revision().publish()
    ArticleRelatedLink.objects.create(
        page=article, title="教育分站", link_url="http://jiaoyu.jimo.localhost/"
    )
    html = client.get(article.get_url_parts()[2], HTTP_HOST=host("jyj")).content.decode()
    assert "即教发〔2026〕15号" in html
    assert 'alt="学校外景"' in html
    assert "<caption>招生计划</caption>" in html or "招生计划</caption>" in html
    assert "即墨区第一实验小学" in html
    assert "招生计划表" in html and sheet.url in html
    assert "<audio" in html and audio.url in html
    assert "文字实录" in html
    assert "责任编辑：王强" in html
    assert "教育分站" in html
    assert "<script>alert(1)</script>" not in html


def test_site_map_lists_columns_but_not_articles(client, group):
    home = group["jyj"].site.root_page
    sitemap = SitemapPage.objects.child_of(home).get()
    html = client.get(sitemap.get_url_parts()[2], HTTP_HOST=host("jyj")).content.decode()
    assert "工作动态" in html and "机构概况" in html
    assert "市教育局开展校园食品安全专项检查" not in html


def test_content_pages_can_have_content_subpages(group):
    home = group["jyj"].site.root_page
    overview = ContentPage.objects.child_of(home).get(slug="jggk")
    assert ContentPage.can_create_at(overview)


def test_an_empty_slug_is_generated_for_chinese_titles(client, group):
    from tests.factories.site_group import PASSWORD

    assert client.login(username="jyj_admin", password=PASSWORD)
    gzdt = column(group["jyj"], "gzdt")
    response = client.post(
        f"/admin/pages/add/subsite_pages/articlepage/{gzdt.pk}/",
        article_form_data("纯中文标题的信息", ""),
    )
    assert response.status_code == 302
    page = ArticlePage.objects.get(title="纯中文标题的信息")
    assert len(page.slug) == len("20261128-abcdef") and page.slug[8] == "-"
