"""The staff side of applications (办件) in the admin: who sees which application, every action
button, crafted posts, material downloads, exports with masked personal data, dashboard, menu."""

import csv
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.menu import admin_menu

from home import uploads
from services import workflow
from services.admin_views import pending_items
from services.models import Application, ApplicationEvent
from tests.factories.services import PDF, add_item, apply, pdf
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

S = Application.State
NAME, ID_NUMBER, PHONE = "刘晓梅", "370282198805061226", "13953256789"


@pytest.fixture
def w(db):
    """One guide of 教育局 and one of 公安局, the role users and a supervisor."""
    group = group_fixture()
    users = group["users"]
    supervisor = get_user_model().objects.create_user("svc_supervisor", password="x")
    supervisor.groups.add(workflow.ensure_role_groups())
    return SimpleNamespace(
        jyj=group["jyj"],
        gaj=group["gaj"],
        school=add_item("jyj", title="小学一年级新生入学登记", slug="svc-school"),
        licence=add_item(
            "gaj",
            title="居民身份证换领",
            slug="svc-id-card",
            item_type="licensing",
            online_depth="once",
            materials=(("户口簿", True),),
        ),
        users=users,
        editor=users["jyj_editor"],
        head=users["jyj_admin"],
        supervisor=supervisor,
    )


def fresh(application):
    return Application.objects.get(pk=application.pk)


def login(client, user):
    client.logout()
    client.force_login(user)


def act(client, application, action, data=None, **kwargs):
    return client.post(reverse("applications:act", args=[application.pk, action]), data or {}, **kwargs)


def accepted(w, item=None, **overrides):
    application = apply(item or w.school, **overrides)
    clerk = w.editor if application.organisation == w.jyj else w.users["gaj_editor"]
    workflow.perform(application, "accept", clerk)
    return fresh(application)


def routed(w, assignee=None, **overrides):
    application = accepted(w, **overrides)
    workflow.perform(application, "route", w.editor, assignee=assignee or w.head, post="审批岗")
    return fresh(application)


def export_rows(client, **params):
    response = client.get(reverse("applications:index"), {"export": "csv", **params})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def listed(client, **params):
    return [row["受理编号"] for row in export_rows(client, **params)]


def page_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Who sees which application --------------------------------------------------------------------


def test_each_role_sees_exactly_its_departments_applications(client, w):
    school = apply(w.school)
    licence = apply(w.licence)
    everything = {school.receipt_number, licence.receipt_number}
    expected = {
        "jyj_editor": {school.receipt_number},
        "jyj_admin": {school.receipt_number},
        "gaj_editor": {licence.receipt_number},
        "gaj_admin": {licence.receipt_number},
        "portal_admin": set(),
        "admin": everything,
    }
    for username, numbers in [*expected.items(), ("supervisor", everything)]:
        user = w.supervisor if username == "supervisor" else w.users[username]
        login(client, user)
        assert set(listed(client)) == numbers, username
        html = client.get(reverse("applications:index")).content.decode()
        for number in everything:
            assert (number in html) == (number in numbers), (username, number)


def test_another_departments_user_gets_403_on_detail_actions_and_downloads(client, w):
    application = accepted(w)
    material = application.materials.first()
    login(client, w.users["gaj_editor"])
    detail = reverse("applications:detail", args=[application.pk])
    download = reverse("applications:material", args=[application.pk, material.pk])
    assert client.get(detail).status_code == 403
    assert client.get(download).status_code == 403
    assert client.get(reverse("applications:result", args=[application.pk])).status_code == 403
    response = act(client, application, "route", {"assignee": w.users["gaj_editor"].pk, "post": "审批岗"})
    assert response.status_code == 403
    assert fresh(application).state == S.ACCEPTED
    # The department sees it, with the applicant's real data and the download link.
    login(client, w.editor)
    html = client.get(detail).content.decode()
    assert NAME in html and ID_NUMBER in html and PHONE in html and download in html


def test_material_download_is_permission_checked_and_keeps_the_name(client, w):
    application = apply(w.school)
    other = apply(w.school)
    material = application.materials.get(material_name="户口簿或居住证")
    login(client, w.editor)
    response = client.get(reverse("applications:material", args=[application.pk, material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "%E6%88%B7%E5%8F%A3" in disposition  # 户口
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # Another application's URL does not hold this material.
    assert client.get(reverse("applications:material", args=[other.pk, material.pk])).status_code == 404
    assert client.get(reverse("applications:material", args=[application.pk, 999999])).status_code == 404
    assert client.get(reverse("applications:result", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:detail", args=[999999])).status_code == 404


def test_detail_shows_applicant_materials_by_round_deadlines_and_history(client, w):
    application = apply(w.school, notes="孩子随父母在即墨居住。")
    workflow.perform(application, "request_supplement", w.editor, note="请补正房产证明。")
    slot = w.school.materials.get(name="房产证明")
    workflow.applicant_action(
        application, "resubmit", files_by_slot={slot.pk: uploads.check_uploads([pdf("房产证.pdf")])}
    )
    workflow.perform(application, "accept", w.editor)
    workflow.perform(application, "route", w.editor, assignee=w.head, post="审核岗", note="请审核")
    application = fresh(application)
    login(client, w.head)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    for text in (
        application.receipt_number,
        "小学一年级新生入学登记",
        "孩子随父母在即墨居住。",
        "首次提交",
        "第 1 次补正",
        "房产证.pdf",
        "预审期限",
        "承诺办结日期",
        "法定办结日期",
        "本环节期限",
        "一次性告知补正",
        "补正后重新提交",
        "审核岗",
        "请审核",
        "jyj_admin",
        "请补正房产证明。",
    ):
        assert text in html, text
    promised = application.promised_due
    assert f"{promised.year}年{promised.month}月{promised.day}日" in html
    assert w.school.url in html or reverse("wagtailadmin_pages:edit", args=[w.school.pk]) in html


# --- Every action button ---------------------------------------------------------------------------


def test_the_whole_case_through_the_buttons(client, w):
    application = apply(w.school)
    login(client, w.editor)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    for action in ("request_supplement", "reject", "accept"):
        assert reverse("applications:act", args=[application.pk, action]) in html
    for material in w.school.materials.all():
        assert material.name in html  # the checklist of the item's materials

    # 一次性告知: ticks and text make one notice.
    slots = {m.name: m.pk for m in w.school.materials.all()}
    response = act(
        client,
        application,
        "request_supplement",
        {"missing": [slots["房产证明"], slots["儿童出生医学证明"]], "note": "出生证明请上传清晰的原件照片。"},
        follow=True,
    )
    assert "已一次性告知申请人补正" in page_messages(response)[0]
    application = fresh(application)
    assert application.state == S.SUPPLEMENT
    assert application.supplement_request == (
        "请补正以下材料：\n1. 儿童出生医学证明\n2. 房产证明\n出生证明请上传清晰的原件照片。"
    )
    workflow.applicant_action(
        application, "resubmit", files_by_slot={slots["房产证明"]: uploads.check_uploads([pdf("房产证.pdf")])}
    )

    act(client, application, "accept", {"note": "材料齐全"})
    application = fresh(application)
    assert application.state == S.ACCEPTED and application.promised_due

    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "审核岗" in html and "现场勘验岗" in html  # post suggestions
    assert application.promised_due.isoformat() in html  # the due date defaults to the promised date
    response = act(client, application, "route", {"assignee": w.head.pk, "post": "审批岗", "note": "请审批"})
    assert response.status_code == 302
    application = fresh(application)
    assert (application.state, application.assignee, application.step_post) == (S.IN_REVIEW, w.head, "审批岗")
    assert application.step_due == application.promised_due

    login(client, w.head)
    result = SimpleUploadedFile("入学通知书.pdf", PDF, content_type="application/pdf")
    response = act(client, application, "approve", {"note": "同意入学。", "result_file": result}, follow=True)
    assert "已作出准予决定" in page_messages(response)[0]
    application = fresh(application)
    assert application.state == S.DECIDED and application.approved and application.decision == "同意入学。"
    assert application.result_document
    response = client.get(reverse("applications:result", args=[application.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF

    login(client, w.editor)
    act(client, application, "close", {"note": "已邮寄送达。"})
    application = fresh(application)
    assert application.state == S.CLOSED and application.on_time is True and application.assignee is None
    actions = list(ApplicationEvent.objects.filter(application=application).values_list("action", flat=True))
    assert actions == ["submit", "request_supplement", "resubmit", "accept", "route", "approve", "close"]


def test_reject_deny_and_a_second_routing(client, w):
    login(client, w.editor)
    refused = apply(w.school)
    act(client, refused, "reject", {"note": "申请人不属于本市适龄儿童。"})
    refused = fresh(refused)
    assert refused.state == S.REJECTED and refused.rejection_reason == "申请人不属于本市适龄儿童。"

    application = accepted(w)
    act(client, application, "route", {"assignee": w.editor.pk, "post": "审核岗"})
    login(client, w.editor)  # the 审核岗 passes it on to the head
    act(client, application, "route", {"assignee": w.head.pk, "post": "审批岗", "note": "审核通过"})
    assert fresh(application).assignee == w.head
    login(client, w.head)
    response = act(client, application, "deny", {"note": "   "})
    assert response.status_code == 400 and fresh(application).state == S.IN_REVIEW
    act(client, application, "deny", {"note": "不符合入学条件。"})
    application = fresh(application)
    assert application.state == S.DECIDED and application.approved is False


def test_missing_input_keeps_what_was_typed_and_changes_nothing(client, w):
    application = apply(w.school)
    login(client, w.editor)
    response = act(client, application, "reject", {"note": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写不予受理的理由或说明" in html and 'role="alert"' in html
    response = act(client, application, "request_supplement", {"missing": [], "note": ""})
    assert response.status_code == 400 and "请填写一次性告知补正的理由或说明" in response.content.decode()
    assert fresh(application).state == S.SUBMITTED

    application = accepted(w)
    response = act(client, application, "route", {"assignee": w.head.pk, "post": "", "note": "请尽快审批"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写承办岗位" in html and "请尽快审批" in html
    assert fresh(application).state == S.ACCEPTED


def test_crafted_and_illegal_actions_give_no_500_and_change_nothing(client, w):
    application = accepted(w)
    events_before = ApplicationEvent.objects.filter(application=application).count()
    login(client, w.editor)
    # A real action in the wrong state: a message and the page again.
    response = act(client, application, "close", follow=True)
    assert response.status_code == 200
    assert any("不能进行“办结”操作" in m for m in page_messages(response))
    # Applicant actions and nonsense do not exist here.
    for action in ("destroy", "submit", "resubmit", "withdraw", "rate", "__init__"):
        assert act(client, application, action).status_code == 404, action
    # A step of another role: the window cannot approve.
    assert act(client, application, "approve", {"note": "同意"}).status_code in (400, 403)
    # Nonsense route data.
    promised = application.promised_due
    for data in (
        {"assignee": "abc", "post": "审批岗"},
        {"assignee": "999999", "post": "审批岗"},
        {"post": "审批岗"},
        {"assignee": w.head.pk, "post": "审批岗", "due": "明天"},
        {"assignee": w.head.pk, "post": "审批岗", "due": (promised + timedelta(days=1)).isoformat()},
        {
            "assignee": w.head.pk,
            "post": "审批岗",
            "due": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
        {"assignee": w.head.pk, "post": "岗" * 41},
    ):
        assert act(client, application, "route", data).status_code == 400, data
    # GET is not an action; a missing application is 404.
    assert client.get(reverse("applications:act", args=[application.pk, "accept"])).status_code == 405
    assert client.post(reverse("applications:act", args=[999999, "accept"])).status_code == 404
    assert ApplicationEvent.objects.filter(application=application).count() == events_before
    application = fresh(application)
    assert application.state == S.ACCEPTED and application.assignee is None


def test_only_the_assignee_or_the_head_decides(client, w):
    application = routed(w, assignee=w.editor)
    login(client, w.users["gaj_admin"])
    assert act(client, application, "approve", {"note": "同意"}).status_code == 403
    # The 信息员 decides because the step was routed to them; another department's head cannot.
    other = routed(w, assignee=w.head)
    login(client, w.editor)
    response = act(client, other, "approve", {"note": "同意"})
    assert response.status_code == 403
    assert "您无权对该办件进行“准予”操作" in response.content.decode()
    assert fresh(other).state == S.IN_REVIEW
    assert act(client, application, "approve", {"note": "同意"}).status_code == 302
    assert fresh(application).state == S.DECIDED


def test_routing_to_a_user_of_another_department_is_refused(client, w):
    application = accepted(w)
    outsider = w.users["gaj_admin"]
    login(client, w.editor)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    [select] = re.findall(r'<select name="assignee".*?</select>', html, re.S)
    offered = set(re.findall(r'<option value="(\d+)"', select))
    assert str(w.head.pk) in offered and str(w.editor.pk) in offered and str(outsider.pk) not in offered
    response = act(client, application, "route", {"assignee": outsider.pk, "post": "审批岗"})
    assert response.status_code == 400 and "请选择本部门的经办人" in response.content.decode()
    assert fresh(application).state == S.ACCEPTED
    # The workflow refuses it too, whatever calls it.
    with pytest.raises(workflow.ValidationError):
        workflow.perform(application, "route", w.editor, assignee=outsider, post="审批岗")
    assert fresh(application).assignee is None


def test_the_result_document_must_be_a_real_pdf(client, w):
    application = routed(w)
    login(client, w.head)
    fake = SimpleUploadedFile("结果.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = act(client, application, "approve", {"note": "同意", "result_file": fake})
    assert response.status_code == 400 and "可执行文件" in response.content.decode()
    word = SimpleUploadedFile("结果.docx", b"PK\x03\x04", content_type="application/msword")
    response = act(client, application, "approve", {"note": "同意", "result_file": word})
    assert response.status_code == 400 and "只能上传 PDF" in response.content.decode()
    assert fresh(application).state == S.IN_REVIEW and not fresh(application).result_document
    assert act(client, application, "approve", {"note": "同意"}).status_code == 302
    assert fresh(application).state == S.DECIDED and not fresh(application).result_document


# --- Index: filters, ordering, search, export ------------------------------------------------------


def test_filters_search_and_overdue_first_ordering(client, w):
    old = timezone.now() - timedelta(days=40)
    overdue = apply(w.school, submitted_at=old, applicant_name="王建国")
    recent = apply(w.school, applicant_name="李娜")
    mine = routed(w, assignee=w.head, applicant_name="赵磊")
    finished = routed(w, applicant_name="孙倩")
    workflow.perform(finished, "approve", w.head, note="同意")
    workflow.perform(finished, "close", w.editor)
    licence = apply(w.licence)
    login(client, w.supervisor)
    numbers = listed(client)
    assert numbers[0] == overdue.receipt_number  # overdue first, then the nearest due, finished last
    assert numbers[-1] == finished.receipt_number
    assert listed(client, overdue="true") == [overdue.receipt_number]
    assert overdue.receipt_number not in listed(client, overdue="false")
    assert listed(client, state=S.IN_REVIEW) == [mine.receipt_number]
    assert set(listed(client, state=[S.SUBMITTED, S.CLOSED])) == {
        overdue.receipt_number,
        recent.receipt_number,
        finished.receipt_number,
        licence.receipt_number,
    }
    assert listed(client, organisation=w.gaj.pk) == [licence.receipt_number]
    assert listed(client, item_type="licensing") == [licence.receipt_number]
    day = timezone.localdate(old).isoformat()
    assert listed(client, submitted_from=day, submitted_to=day) == [overdue.receipt_number]
    assert listed(client, q="王建国") == [overdue.receipt_number]
    assert listed(client, q=recent.receipt_number) == [recent.receipt_number]
    login(client, w.head)
    assert listed(client, mine="true") == [mine.receipt_number]
    assert mine.receipt_number not in listed(client, mine="false")
    # Nonsense filters are not errors.
    for params in ({"state": "x", "organisation": "y", "submitted_from": "z"}, {"mine": "maybe"}):
        assert client.get(reverse("applications:index"), params).status_code == 200
    login(client, w.editor)
    html = client.get(reverse("applications:index")).content.decode()
    assert "已逾期" in html and "svc-due--overdue" in html and "全程网办" in html
    assert "审批岗：jyj_admin" in html  # 当前环节: post and person
    results = client.get(reverse("applications:index_results"), {"overdue": "true"})
    assert results.status_code == 200 and overdue.receipt_number in results.content.decode()


def test_export_masks_personal_data_except_for_supervisors(client, w):
    application = apply(w.school)
    company = apply(
        w.school,
        applicant_type="legal_person",
        applicant_name="即墨市春蕾幼儿园",
        id_number="52370282MJ1234567X",
    )
    formula = apply(w.school, applicant_name='=HYPERLINK("http://example.com","点我")')
    login(client, w.editor)
    rows = {row["受理编号"]: row for row in export_rows(client)}
    row = rows[application.receipt_number]
    assert row["申请人"] == "刘**"
    assert row["证件号码"] == "370282********1226"
    assert row["联系电话"] == "139****6789"
    assert rows[company.receipt_number]["申请人"] == "即墨市春蕾幼儿园"
    assert rows[company.receipt_number]["证件号码"] == "523702********567X"
    assert rows[formula.receipt_number]["申请人"].startswith("'=")  # masked, and still no formula
    response = client.get(reverse("applications:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = " ".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r if c is not None)
    assert ID_NUMBER not in cells and PHONE not in cells and NAME not in cells
    assert "370282********1226" in cells and "139****6789" in cells
    # Supervisors get the real data.
    login(client, w.supervisor)
    row = {row["受理编号"]: row for row in export_rows(client)}[application.receipt_number]
    assert (row["申请人"], row["证件号码"], row["联系电话"]) == (NAME, ID_NUMBER, PHONE)


def test_a_formula_typed_as_a_name_stays_text_in_the_csv(client, w):
    formula = apply(w.school, applicant_name='=HYPERLINK("http://x.example","点我")')
    login(client, w.supervisor)
    [row] = [r for r in export_rows(client) if r["受理编号"] == formula.receipt_number]
    assert row["申请人"].startswith("'=")


# --- Dashboard and menu ---------------------------------------------------------------------------


def counts(user):
    return {item["label"]: item["count"] for item in pending_items(user)}


def test_dashboard_panel_counts_per_role(client, w):
    apply(w.school)
    apply(w.school, submitted_at=timezone.now() - timedelta(days=30))  # overdue pre-check
    supplement = apply(w.school)
    workflow.perform(supplement, "request_supplement", w.editor, note="请补正。")
    accepted(w)
    to_head = routed(w, assignee=w.head)
    to_editor = routed(w, assignee=w.editor)
    # The step routed to the 信息员 ran past its date.
    yesterday = timezone.localdate() - timedelta(days=1)
    Application.objects.filter(pk=to_editor.pk).update(step_due=yesterday)
    apply(w.licence)

    assert counts(w.editor) == {
        "待预审": 2,
        "补正中（待申请人补正）": 1,
        "已受理待流转": 1,
        "已决定待办结": 0,
        "分配给我的环节": 1,
    }
    assert counts(w.head) == {
        "待预审": 2,
        "补正中（待申请人补正）": 1,
        "已受理待流转": 1,
        "已决定待办结": 0,
        "分配给我的环节": 1,
        "已逾期办件": 2,
        "其中环节超期": 1,
    }
    assert counts(w.supervisor) == {"分配给我的环节": 0, "已逾期办件": 2, "其中环节超期": 1}
    assert counts(w.users["gaj_admin"])["待预审"] == 1
    assert counts(w.users["gaj_admin"])["已逾期办件"] == 0
    assert to_head.assignee == w.head

    login(client, w.head)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "网上办事待办" in html and "已逾期办件：<strong>2</strong>" in html
    assert f"{reverse('applications:index')}?overdue=true" in html
    assert len(listed(client, overdue="true")) == 2
    assert listed(client, mine="true", state=S.IN_REVIEW) == [to_head.receipt_number]


def menu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in admin_menu.menu_items_for_request(request)}


def submenu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    [group] = [item for item in admin_menu.menu_items_for_request(request) if item.name == "services"]
    return {item.name for item in group.menu.menu_items_for_request(request)}


def test_menu_is_shown_to_service_roles_and_hidden_from_others(client, w):
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    plain_group, _ = Group.objects.get_or_create(name="无角色的后台用户")
    plain_group.permissions.add(access_admin)
    nobody = get_user_model().objects.create_user("nobody", password="x")
    nobody.groups.add(plain_group)
    assert "services" not in menu_names(nobody)
    client.force_login(nobody)
    assert client.get(reverse("applications:index")).status_code == 403
    assert client.get(reverse("application_statistics:index")).status_code == 403
    application = apply(w.school)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 403
    assert act(client, application, "accept").status_code == 403
    assert "网上办事待办" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert pending_items(nobody) == []

    both = {"applications", "application-statistics"}
    for user in (w.editor, w.head, w.supervisor, w.users["admin"]):
        assert submenu_names(user) == both, user
    # 网上办事 comes right after 政民互动.
    request = RequestFactory().get("/admin/")
    request.user = w.editor
    names = [item.name for item in admin_menu.menu_items_for_request(request)]
    assert names.index("services") == names.index("interaction") + 1
    login(client, w.editor)
    assert client.get(reverse("applications:index")).status_code == 200
    assert client.get(reverse("application_statistics:index")).status_code == 200
