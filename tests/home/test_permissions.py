"""Permission matrix: a unit edits only its own tree and media; editors cannot publish."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from subsite_pages.models import ArticlePage
from tests.factories.admin_forms import article_form_data
from tests.factories.site_group import PASSWORD, column

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def refused(response):
    """Wagtail answers a refused admin request with 403 or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and "/login/" not in response["Location"]
    )


def article_of(organisation):
    return ArticlePage.objects.child_of(column(organisation, "gzdt")).first()


def test_editor_of_one_unit_cannot_touch_another_units_pages(client, group):
    editor = group["users"]["jyj_editor"]
    other = article_of(group["gaj"])
    permissions = other.permissions_for_user(editor)
    assert not permissions.can_edit()
    assert not permissions.can_publish()
    assert not permissions.can_delete()
    assert not permissions.can_move()
    assert not column(group["gaj"], "gzdt").permissions_for_user(editor).can_add_subpage()
    login(client, editor)
    for action in ("edit", "delete", "move", "unpublish"):
        response = client.get(f"/admin/pages/{other.pk}/{action}/")
        assert refused(response), action
    response = client.post(f"/admin/pages/{other.pk}/edit/", {"title": "改掉", "action-publish": "1"})
    assert refused(response)
    other.refresh_from_db()
    assert other.title != "改掉"


def test_editor_can_edit_but_not_publish_in_own_unit(client, group):
    editor = group["users"]["jyj_editor"]
    own = article_of(group["jyj"])
    permissions = own.permissions_for_user(editor)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    assert column(group["jyj"], "gzdt").permissions_for_user(editor).can_add_subpage()
    login(client, editor)
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    # A new article created by the editor with the publish button stays a draft.
    gzdt = column(group["jyj"], "gzdt")
    response = client.post(
        f"/admin/pages/add/subsite_pages/articlepage/{gzdt.pk}/",
        article_form_data("教育局信息员的草稿", "editor-draft", **{"action-publish": "1"}),
    )
    assert response.status_code in (200, 302, 403)
    draft = ArticlePage.objects.filter(slug="editor-draft").first()
    assert draft is None or not draft.live


def test_reviewer_publishes_in_own_unit(client, group):
    reviewer = group["users"]["jyj_admin"]
    own = article_of(group["jyj"])
    assert own.permissions_for_user(reviewer).can_publish()
    assert not article_of(group["gaj"]).permissions_for_user(reviewer).can_publish()
    login(client, reviewer)
    gzdt = column(group["jyj"], "gzdt")
    response = client.post(
        f"/admin/pages/add/subsite_pages/articlepage/{gzdt.pk}/",
        article_form_data("教育局管理员发布的信息", "reviewer-published", **{"action-publish": "1"}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    published = ArticlePage.objects.get(slug="reviewer-published")
    assert published.live
    assert published.source == "即墨市教育局"


def test_unit_explorer_opens_at_the_units_root(client, group):
    login(client, group["users"]["jyj_editor"])
    response = client.get("/admin/pages/", follow=True)
    jyj_root, gaj_root = group["jyj"].site.root_page_id, group["gaj"].site.root_page_id
    assert response.redirect_chain[-1][0] == f"/admin/pages/{jyj_root}/"
    html = response.content.decode()
    assert "即墨市教育局网站" in html
    assert f"/admin/pages/{gaj_root}/" not in html
    assert f"/admin/pages/{Page.get_first_root_node().pk}/" not in html


def _image_in(organisation, title):
    image = get_image_model().objects.create(
        title=title, file=get_test_image_file(), collection=organisation.collection
    )
    return image


def test_media_of_another_unit_cannot_be_chosen_or_edited(client, group):
    own = _image_in(group["jyj"], "教育局图片")
    foreign = _image_in(group["gaj"], "公安局图片")
    Document = get_document_model()
    foreign_doc = Document(title="公安局文件", collection=group["gaj"].collection)
    foreign_doc.file.save("gaj.txt", ContentFile(b"notice"), save=True)
    login(client, group["users"]["jyj_editor"])
    chooser = client.get("/admin/images/chooser/").json()["html"]
    assert own.title in chooser
    assert foreign.title not in chooser
    assert refused(client.get(f"/admin/images/{foreign.pk}/"))
    assert refused(client.get(f"/admin/images/{foreign.pk}/delete/"))
    doc_chooser = client.get("/admin/documents/chooser/").json()["html"]
    assert foreign_doc.title not in doc_chooser
    assert refused(client.get(f"/admin/documents/edit/{foreign_doc.pk}/"))


def test_unit_reviewer_manages_own_collection_only(client, group):
    own = _image_in(group["jyj"], "教育局图片")
    foreign = _image_in(group["gaj"], "公安局图片")
    login(client, group["users"]["jyj_admin"])
    assert client.get(f"/admin/images/{own.pk}/").status_code == 200
    assert refused(client.get(f"/admin/images/{foreign.pk}/"))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sites/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/workflows/list/",
        "/admin/snippets/home/organisation/",
        "/admin/snippets/home/workdayoverride/",
    ],
)
@pytest.mark.parametrize("username", ["jyj_admin", "jyj_editor", "portal_admin"])
def test_only_superusers_manage_sites_users_groups_and_workflows(client, group, url, username):
    login(client, group["users"][username])
    assert refused(client.get(url))


def test_superuser_manages_sites(client, group):
    login(client, group["users"]["admin"])
    assert client.get("/admin/sites/").status_code == 200
    listing = client.get("/admin/snippets/home/organisation/")
    assert listing.status_code == 200
    assert "即墨市教育局" in listing.content.decode()


def test_site_identity_is_kept_by_the_portal_administrators(client, group):
    site_id = group["jyj"].site_id
    url = f"/admin/settings/home/siteidentity/{site_id}/"
    login(client, group["users"]["jyj_admin"])
    assert refused(client.get(url))
    client.logout()
    login(client, group["users"]["portal_admin"])
    assert client.get(url).status_code == 200


def test_portal_administrator_publishes_on_the_portal_only(group):
    portal_admin = group["users"]["portal_admin"]
    portal_article = ArticlePage.objects.descendant_of(group["www"].site.root_page).first()
    assert portal_article.permissions_for_user(portal_admin).can_publish()
    assert not article_of(group["jyj"]).permissions_for_user(portal_admin).can_edit()


def test_no_global_moderation_workflow_sends_unit_content_elsewhere(group):
    from wagtail.models import WorkflowPage

    home = group["jyj"].site.root_page
    assert home.get_workflow().name == "子站审核"
    assert group["www"].site.root_page.get_workflow().name == "主站审核"
    assert not WorkflowPage.objects.filter(page__depth=1).exists()
