"""Level 2 (信息报送): a unit's article reaches a portal column only after the portal approves,
and stays in sync with its single source."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subsite_pages.forms import ArticlePageForm
from subsite_pages.models import ArticlePage, ColumnPage
from tests.conftest import host
from tests.factories.site_group import add_article, column
from workflows import syndication as rules
from workflows.models import Syndication
from workflows.views import statistics_rows

pytestmark = pytest.mark.django_db


def pushed_article(group, title="教育局推送到主站的信息", targets=("bmdt",)):
    jyj, portal = group["jyj"], group["www"]
    article = add_article(column(jyj, "gzdt"), title, days_ago=0)
    article.syndication_targets.set([column(portal, slug) for slug in targets])
    article.save_revision(user=group["users"]["jyj_admin"]).publish()
    return article


def portal_column_html(client, group, slug="bmdt"):
    return client.get(column(group["www"], slug).get_url_parts()[2], HTTP_HOST=host("www")).content.decode()


def test_publishing_queues_one_pending_item_per_target(group):
    article = pushed_article(group, targets=("bmdt", "xzdt"))
    items = Syndication.objects.filter(source=article)
    assert {item.target.slug for item in items} == {"bmdt", "xzdt"}
    assert {item.status for item in items} == {"pending"}
    assert items.first().source_organisation == group["jyj"]
    assert items.first().target_organisation == group["www"]


def test_pending_items_appear_nowhere_on_the_portal(client, group):
    pushed_article(group, "尚待主站审核的信息")
    assert "尚待主站审核的信息" not in portal_column_html(client, group)
    assert "尚待主站审核的信息" not in client.get("/", HTTP_HOST=host("www")).content.decode()


def test_approved_items_appear_in_the_column_and_home_with_attribution_and_source_link(client, group):
    article = pushed_article(group, "主站采用的教育局信息")
    item = article.syndications.get()
    rules.approve(item.pk, group["users"]["portal_admin"])
    html = portal_column_html(client, group)
    assert "主站采用的教育局信息" in html
    assert "来源：即墨市教育局" in html
    assert f'href="http://{host("jyj")}{article.get_url_parts()[2]}"' in html
    assert "主站采用的教育局信息" in client.get("/", HTTP_HOST=host("www")).content.decode()


def test_edits_unpublish_withdraw_and_revoke_show_at_once(client, group):
    portal_admin, jyj_admin = group["users"]["portal_admin"], group["users"]["jyj_admin"]
    article = pushed_article(group, "会被修改的信息")
    rules.approve(article.syndications.get().pk, portal_admin)
    article.title = "修改后的信息标题"
    article.save_revision(user=jyj_admin).publish()
    html = portal_column_html(client, group)
    assert "修改后的信息标题" in html and "会被修改的信息" not in html
    assert article.syndications.get().status == "approved"
    article.unpublish()
    assert "修改后的信息标题" not in portal_column_html(client, group)
    article.save_revision(user=jyj_admin).publish()
    assert "修改后的信息标题" in portal_column_html(client, group)
    rules.withdraw_article(article, jyj_admin, "内容有误")
    assert article.syndications.get().status == "withdrawn"
    assert "修改后的信息标题" not in portal_column_html(client, group)
    other = pushed_article(group, "会被撤销采用的信息")
    rules.approve(other.syndications.get().pk, portal_admin)
    rules.revoke(other.syndications.get().pk, portal_admin, "与主题不符")
    assert "会被撤销采用的信息" not in portal_column_html(client, group)


def test_rejected_item_can_be_resubmitted_after_editing(group):
    article = pushed_article(group, "被退回的信息")
    item = article.syndications.get()
    with pytest.raises(ValidationError):
        rules.reject(item.pk, group["users"]["portal_admin"], "")
    rules.reject(item.pk, group["users"]["portal_admin"], "请补充图片")
    assert Syndication.objects.get(pk=item.pk).reason == "请补充图片"
    article.save_revision(user=group["users"]["jyj_admin"]).publish()
    assert Syndication.objects.get(pk=item.pk).status == "pending"
    assert list(item.events.values_list("to_status", flat=True)) == ["pending", "rejected", "pending"]


def test_withdrawn_or_unpublished_items_cannot_be_approved(group):
    portal_admin = group["users"]["portal_admin"]
    article = pushed_article(group, "已撤稿的信息")
    rules.withdraw_article(article, group["users"]["jyj_admin"])
    with pytest.raises(ValidationError) as error:
        rules.approve(article.syndications.get().pk, portal_admin)
    assert "已撤稿" in str(error.value)
    other = pushed_article(group, "原单位取消发布的信息")
    other.unpublish()
    with pytest.raises(ValidationError):
        rules.approve(other.syndications.get().pk, portal_admin)


def test_a_second_approval_of_the_same_item_is_refused(group):
    item = pushed_article(group).syndications.get()
    rules.approve(item.pk, group["users"]["portal_admin"])
    with pytest.raises(ValidationError):
        rules.approve(item.pk, group["users"]["admin"])
    assert item.events.filter(to_status="approved").count() == 1


def test_unit_reviewers_cannot_approve_portal_syndications(group):
    item = pushed_article(group).syndications.get()
    for username in ("jyj_admin", "gaj_admin", "jyj_editor"):
        with pytest.raises(PermissionDenied):
            rules.approve(item.pk, group["users"][username])
    assert not rules.queue_for(group["users"]["gaj_admin"]).exists()
    assert rules.queue_for(group["users"]["portal_admin"]).filter(pk=item.pk).exists()
    with pytest.raises(PermissionDenied):
        rules.withdraw_article(item.source, group["users"]["gaj_admin"])


def test_deleting_the_source_removes_its_syndications_and_moving_keeps_them(client, group):
    article = pushed_article(group, "会被移动的信息")
    rules.approve(article.syndications.get().pk, group["users"]["portal_admin"])
    article.move(column(group["jyj"], "tzgg"), pos="last-child")
    assert Syndication.objects.filter(source=article, status="approved").exists()
    assert "会被移动的信息" in portal_column_html(client, group)
    doomed = pushed_article(group, "会被删除的信息")
    doomed_id = doomed.pk
    doomed.delete()
    assert not Syndication.objects.filter(source_id=doomed_id).exists()


def test_only_columns_of_other_sites_that_accept_submissions_are_offered(group):
    jyj_column = column(group["jyj"], "gzdt")
    form_class = ArticlePage.get_edit_handler().get_form_class()
    form = form_class(parent_page=jyj_column, for_user=group["users"]["jyj_editor"])
    offered = form.fields["syndication_targets"]
    labels = {offered.label_from_instance(column_) for column_ in offered.queryset}
    assert "主站·部门动态" in labels
    assert "教育分站·教育资讯" in labels
    assert "主站·即墨要闻" not in labels
    assert issubclass(form_class, ArticlePageForm)
    not_accepting = column(group["www"], "jmyw")
    assert not offered.queryset.filter(pk=not_accepting.pk).exists()


def test_a_crafted_target_that_does_not_accept_submissions_is_never_queued(group):
    article = add_article(column(group["jyj"], "gzdt"), "伪造目标栏目的信息", days_ago=0)
    article.syndication_targets.set([column(group["www"], "jmyw"), column(group["gaj"], "gzdt")])
    article.save_revision().publish()
    assert not Syndication.objects.filter(source=article).exists()


def test_statistics_count_per_unit_and_month(group):
    portal_admin = group["users"]["portal_admin"]
    first, second, third = (pushed_article(group, f"统计用信息{n}") for n in range(3))
    rules.approve(first.syndications.get().pk, portal_admin)
    rules.reject(second.syndications.get().pk, portal_admin, "重复报送")
    rows = [row for row in statistics_rows() if row["unit"] == "即墨市教育局"]
    assert len(rows) == 1
    assert (rows[0]["submitted"], rows[0]["approved"], rows[0]["rejected"]) == (3, 1, 1)
    assert round(rows[0]["rate"], 3) == 0.333


def test_portal_column_query_count_does_not_grow_with_syndicated_items(client, group):
    def queries():
        url = column(group["www"], "bmdt").get_url_parts()[2]
        client.get(url, HTTP_HOST=host("www"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_HOST=host("www")).status_code == 200
        return len(captured)

    def home_queries():
        client.get("/", HTTP_HOST=host("www"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/", HTTP_HOST=host("www")).status_code == 200
        return len(captured)

    portal_admin = group["users"]["portal_admin"]
    for n in range(3):
        rules.approve(pushed_article(group, f"批量采用{n}").syndications.get().pk, portal_admin)
    few, few_home = queries(), home_queries()
    for n in range(3, 30):
        rules.approve(pushed_article(group, f"批量采用{n}").syndications.get().pk, portal_admin)
    assert queries() == few
    assert home_queries() == few_home
    assert isinstance(column(group["www"], "bmdt"), ColumnPage)
