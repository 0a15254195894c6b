"""The syndication queue, withdrawal and statistics through the admin, with the permission matrix."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories.admin_forms import article_form_data
from tests.factories.site_group import PASSWORD
from tests.workflows.test_syndication import pushed_article
from workflows import syndication as rules
from workflows.models import Syndication

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_portal_reviewer_bulk_approves_from_the_queue(client, group):
    items = [pushed_article(group, f"待采用信息{n}").syndications.get() for n in range(3)]
    login(client, group["users"]["portal_admin"])
    html = client.get(reverse("syndication_queue")).content.decode()
    for item in items:
        assert item.source.title in html
    response = client.post(
        reverse("syndication_queue"),
        {"action": "approve", "ids": [items[0].pk, items[1].pk], "query": "status=pending"},
    )
    assert response.status_code == 302
    statuses = dict(Syndication.objects.filter(pk__in=[i.pk for i in items]).values_list("pk", "status"))
    assert statuses == {items[0].pk: "approved", items[1].pk: "approved", items[2].pk: "pending"}
    # The approver is recorded (谁发布谁负责).
    assert Syndication.objects.get(pk=items[0].pk).decided_by == group["users"]["portal_admin"]


def test_rejecting_without_a_reason_is_refused_with_a_message(client, group):
    item = pushed_article(group, "没有理由的退回").syndications.get()
    login(client, group["users"]["portal_admin"])
    response = client.post(
        reverse("syndication_queue"), {"action": "reject", "ids": [item.pk], "reason": ""}, follow=True
    )
    assert response.status_code == 200
    assert "请填写不采用的理由" in response.content.decode()
    assert Syndication.objects.get(pk=item.pk).status == "pending"


def test_unit_users_have_no_syndication_queue(client, group):
    item = pushed_article(group, "教育局看不到主站队列").syndications.get()
    for username in ("jyj_admin", "gaj_admin", "jyj_editor"):
        client.logout()
        login(client, group["users"][username])
        assert client.get(reverse("syndication_queue")).status_code in (302, 403)
        client.post(reverse("syndication_queue"), {"action": "approve", "ids": [item.pk]})
        assert Syndication.objects.get(pk=item.pk).status == "pending"


def test_queue_filters_by_status_and_unit(client, group):
    approved = pushed_article(group, "已采用的筛选信息").syndications.get()
    rules.approve(approved.pk, group["users"]["portal_admin"])
    pending = pushed_article(group, "待审核的筛选信息").syndications.get()
    login(client, group["users"]["portal_admin"])
    html = client.get(reverse("syndication_queue"), {"status": "approved"}).content.decode()
    assert approved.source.title in html and pending.source.title not in html
    html = client.get(reverse("syndication_queue"), {"unit": group["gaj"].pk}).content.decode()
    assert pending.source.title not in html
    # Nonsense filters are ignored, not errors.
    assert client.get(reverse("syndication_queue"), {"from": "昨天", "unit": "x"}).status_code == 200


def test_source_unit_reviewer_withdraws_through_the_admin(client, group):
    article = pushed_article(group, "通过后台撤稿的信息")
    login(client, group["users"]["gaj_admin"])
    # Another unit's reviewer neither sees where the article went nor withdraws it.
    assert client.get(reverse("syndication_withdraw", args=[article.pk])).status_code in (302, 403)
    assert client.post(reverse("syndication_withdraw", args=[article.pk])).status_code in (302, 403)
    assert article.syndications.get().status == "pending"
    client.logout()
    login(client, group["users"]["jyj_admin"])
    assert "确认撤稿" in client.get(reverse("syndication_withdraw", args=[article.pk])).content.decode()
    client.post(reverse("syndication_withdraw", args=[article.pk]), {"reason": "数据有误"})
    assert article.syndications.get().status == "withdrawn"


def test_statistics_page_and_excel_export(client, group):
    item = pushed_article(group, "统计导出信息").syndications.get()
    rules.approve(item.pk, group["users"]["portal_admin"])
    login(client, group["users"]["jyj_admin"])
    assert client.get(reverse("syndication_statistics")).status_code in (302, 403)
    client.logout()
    login(client, group["users"]["portal_admin"])
    html = client.get(reverse("syndication_statistics")).content.decode()
    assert "即墨市教育局" in html and "100%" in html
    response = client.get(reverse("syndication_statistics"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("报送单位", "月份", "报送数", "采用数", "未采用数", "采用率")
    assert ("即墨市教育局",) == rows[1][:1] and rows[1][2:5] == (1, 1, 0)


def test_editor_submits_for_review_through_the_page_editor(client, group):
    from tests.factories.site_group import column

    login(client, group["users"]["jyj_editor"])
    gzdt = column(group["jyj"], "gzdt")
    response = client.post(
        f"/admin/pages/add/subsite_pages/articlepage/{gzdt.pk}/",
        article_form_data("通过后台提交审核的信息", "submitted-via-admin", **{"action-submit": "1"}),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    from subsite_pages.models import ArticlePage

    page = ArticlePage.objects.get(slug="submitted-via-admin")
    assert not page.live
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.requested_by == group["users"]["jyj_editor"]


def test_decisions_are_mailed_and_logged_in_the_page_history(client, group):
    from django.core import mail
    from wagtail.models import PageLogEntry

    jyj_admin = group["users"]["jyj_admin"]
    jyj_admin.email = "jyj-admin@jimo.gov.example"
    jyj_admin.save()
    item = pushed_article(group, "通知与日志测试信息").syndications.get()
    mail.outbox.clear()
    rules.reject(item.pk, group["users"]["portal_admin"], "请补充数据来源")
    assert len(mail.outbox) == 1
    assert "未被采用" in mail.outbox[0].subject
    assert "请补充数据来源" in mail.outbox[0].body
    assert mail.outbox[0].to == ["jyj-admin@jimo.gov.example"]
    entries = PageLogEntry.objects.filter(page=item.source, action__startswith="jimo.syndication")
    assert set(entries.values_list("action", flat=True)) == {
        "jimo.syndication.submit",
        "jimo.syndication.reject",
    }
    login(client, jyj_admin)
    history = client.get(f"/admin/pages/{item.source.pk}/history/").content.decode()
    assert "报送未被采用：即墨市人民政府·部门动态（请补充数据来源）" in history


def test_dashboard_shows_what_awaits_each_user(client, group):
    pushed_article(group, "仪表板待审核信息")
    login(client, group["users"]["portal_admin"])
    html = client.get("/admin/").content.decode()
    assert "信息报送待审核" in html
    client.logout()
    login(client, group["users"]["jyj_editor"])
    html = client.get("/admin/").content.decode()
    assert "本单位最近的报送" in html and "仪表板待审核信息" in html
    assert "信息报送待审核" not in html


def test_unit_reviewers_are_mailed_when_an_editor_submits(group):
    from django.core import mail

    from tests.workflows.test_review import draft_by, submit

    jyj_admin = group["users"]["jyj_admin"]
    jyj_admin.email = "jyj-admin@jimo.gov.example"
    jyj_admin.save()
    mail.outbox.clear()
    article, _revision = draft_by(group["users"]["jyj_editor"], group["jyj"], "请审核的稿件")
    submit(article, group["users"]["jyj_editor"])
    assert any(
        "请审核的稿件" in message.subject and message.to == ["jyj-admin@jimo.gov.example"]
        for message in mail.outbox
    )


def test_a_crafted_post_targeting_a_column_that_accepts_no_submissions_is_refused(client, group):
    from subsite_pages.models import ArticlePage
    from tests.factories.site_group import column

    login(client, group["users"]["jyj_admin"])
    gzdt = column(group["jyj"], "gzdt")
    headlines = column(group["www"], "jmyw")  # 即墨要闻 takes no submissions
    response = client.post(
        f"/admin/pages/add/subsite_pages/articlepage/{gzdt.pk}/",
        article_form_data(
            "伪造推送目标的信息",
            "crafted-target",
            **{"syndication_targets": [str(headlines.pk)], "action-publish": "1"},
        ),
    )
    assert response.status_code == 200
    assert "syndication_targets" in response.context["form"].errors
    assert not ArticlePage.objects.filter(slug="crafted-target").exists()
    assert not Syndication.objects.filter(target=headlines).exists()
