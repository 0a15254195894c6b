"""办件统计: the figures of services.statistics, the admin page and its Excel workbook."""

import io
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from services import workflow
from services.models import Application, ServiceItemPage
from services.statistics import service_statistics
from tests.factories.services import add_item, apply
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

S = Application.State


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


def close(application, user, accepted_on, closed_on):
    """Close through the workflow, then put the clock dates where the test wants them."""
    workflow.perform(application, "close", user)
    Application.objects.filter(pk=application.pk).update(accepted_at=accepted_on, closed_at=closed_on)


@pytest.fixture
def w(db):
    group = group_fixture()
    users = group["users"]
    live = ServiceItemPage.objects.live()
    before = {
        label: (
            live.filter(organisation=group[label]).count(),
            live.filter(organisation=group[label], online_depth="full").count(),
        )
        for label in ("jyj", "gaj")
    }
    school = add_item("jyj", title="新生入学登记", slug="stat-school")  # 公共服务, 全程网办
    add_item("jyj", title="教师资格认定", slug="stat-teacher", item_type="licensing", online_depth="once")
    licence = add_item("gaj", title="身份证换领", slug="stat-id", item_type="licensing", online_depth="once")
    editor, head, gaj_editor = users["jyj_editor"], users["jyj_admin"], users["gaj_editor"]

    approved = apply(school)
    workflow.perform(approved, "accept", editor)
    workflow.perform(approved, "route", editor, assignee=head, post="审批岗")
    workflow.perform(approved, "approve", head, note="同意")
    close(approved, editor, at(2026, 3, 2), at(2026, 3, 6))  # Mon → Fri: 4 working days
    workflow.applicant_action(approved, "rate", rating=5)

    denied = apply(school)
    workflow.perform(denied, "accept", editor)
    workflow.perform(denied, "route", editor, assignee=head, post="审批岗")
    workflow.perform(denied, "deny", head, note="不符合条件")
    Application.objects.filter(pk=denied.pk).update(promised_due=timezone.localdate() - timedelta(days=1))
    close(denied, editor, at(2026, 3, 2), at(2026, 3, 9))  # Mon → next Mon: 5 working days
    workflow.applicant_action(denied, "rate", rating=2)

    rejected = apply(school)
    workflow.perform(rejected, "reject", editor, note="不属于受理范围")
    apply(school)  # waiting for pre-check
    open_licence = apply(licence)
    workflow.perform(open_licence, "accept", gaj_editor)
    long_ago = apply(school, submitted_at=timezone.now() - timedelta(days=800))
    return SimpleNamespace(
        group=group, users=users, before=before, long_ago=long_ago, jyj=group["jyj"], gaj=group["gaj"]
    )


def test_figures_per_department_and_item_type(w):
    today = timezone.localdate()
    report = service_statistics(start=today - timedelta(days=30), end=today)
    totals = report.totals
    jyj_items, jyj_full = w.before["jyj"]
    gaj_items, gaj_full = w.before["gaj"]
    assert (totals.applications, totals.accepted, totals.closed, totals.approved) == (5, 3, 2, 1)
    assert (totals.on_time, totals.on_time_rate) == (1, 50.0)
    assert (totals.rated, totals.satisfied, totals.satisfaction_rate) == (2, 1, 50.0)
    assert totals.average_handling_days == 4.5
    assert totals.average_promised_days == 5.0
    rows = {row.label: row for row in report.departments}
    jyj, gaj = rows["教育局"], rows["公安局"]
    assert (jyj.items, jyj.full_online) == (jyj_items + 2, jyj_full + 1)
    assert (gaj.items, gaj.full_online) == (gaj_items + 1, gaj_full)
    assert (jyj.applications, jyj.accepted, jyj.closed, jyj.approved) == (4, 2, 2, 1)
    assert (gaj.applications, gaj.accepted, gaj.closed, gaj.average_handling_days) == (1, 1, 0, None)
    assert jyj.full_online_rate == round(100 * (jyj_full + 1) / (jyj_items + 2), 1)
    assert totals.items == sum(row.items for row in report.departments)
    types = {row.label: row for row in report.item_types}
    assert types["公共服务"].applications == 4 and types["公共服务"].average_handling_days == 4.5
    assert types["行政许可"].applications == 1 and types["行政许可"].items >= 2
    assert sum(row.applications for row in report.item_types) == totals.applications
    # Without a range the application from two years ago counts too.
    assert service_statistics().totals.applications == 6
    far = timezone.localdate(w.long_ago.submitted_at)
    assert service_statistics(start=far, end=far).totals.applications == 1


def test_the_number_of_queries_does_not_grow_with_the_applications(w, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        report = service_statistics()
    assert report.totals.applications == 6


def test_a_department_sees_its_own_figures(w):
    gaj_editor = w.users["gaj_editor"]
    report = service_statistics(
        workflow.visible_applications(gaj_editor), organisations=workflow.clerk_units(gaj_editor)
    )
    assert [row.label for row in report.departments] == ["公安局"]
    assert report.totals.applications == 1 and report.totals.items == w.before["gaj"][0] + 1


def test_statistics_page_and_workbook(client, w):
    supervisor = get_user_model().objects.create_user("stat_supervisor", password="x")
    supervisor.groups.add(workflow.ensure_role_groups())
    client.force_login(supervisor)
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    report = service_statistics(start=start, end=today)
    html = client.get(reverse("application_statistics:index")).content.decode()
    assert "即墨市网上办事办件统计（" in html and "教育局" in html and "公安局" in html
    assert "全程网办率" in html and "平均办理用时" in html and "按事项类型" in html

    response = client.get(reverse("application_statistics:index"), {"format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    title = f"即墨市网上办事办件统计（{start.year}年1月1日至{today.year}年{today.month}月{today.day}日）"
    assert rows[0][0] == title
    assert rows[1][:5] == ("部门", "事项数", "全程网办事项数", "全程网办率（%）", "申请数")
    total = dict(zip(rows[1], rows[-1], strict=True))
    assert total["部门"] == "合计"
    totals = report.totals
    assert total["申请数"] == totals.applications and total["受理数"] == totals.accepted
    assert (total["办结数"], total["准予数"], total["按时办结数"]) == (2, 1, 1)
    assert total["平均办理用时（工作日）"] == 4.5 and total["平均承诺时限（工作日）"] == 5
    assert total["满意率（%）"] == 50 and total["事项数"] == totals.items
    by_unit = {row[0]: dict(zip(rows[1], row, strict=True)) for row in rows[2:-1]}
    assert by_unit["教育局"]["办结数"] == 2 and by_unit["公安局"]["受理数"] == 1
    types = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert types[0][0] == title and types[1][0] == "事项类型" and types[-1][0] == "合计"
    assert {row[0] for row in types[2:-1]} >= {"公共服务", "行政许可"}

    # A department's staff get their own department only.
    client.force_login(w.users["gaj_editor"])
    response = client.get(reverse("application_statistics:index"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[2:-1]] == ["公安局"] and rows[-1][4] == 1
    # Bad dates: a message and a 400, not a 500.
    response = client.get(reverse("application_statistics:index"), {"start": "去年", "end": "2026-01-01"})
    assert response.status_code == 400 and "去年" in response.content.decode()
    response = client.get(
        reverse("application_statistics:index"), {"start": "2026-12-01", "end": "2026-01-01"}
    )
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.content.decode()
