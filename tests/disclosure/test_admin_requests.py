"""依申请公开 in the admin: who sees which request, every action through the buttons, extension
only by the unit's head and only once, crafted posts without a 500, the answer document behind a
permission check, the dashboard panel, masked exports and the menu."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.menu import admin_menu

from disclosure import workflow
from disclosure.admin_views import due_status, pending_items
from disclosure.models import DisclosureRequest
from tests.factories import disclosure as gk
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

S = DisclosureRequest.State
K = DisclosureRequest.ApplicantKind
ID_NUMBER = "370282198805061226"
PHONE = "13853212345"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ANSWER = "经审查，您申请的信息属于主动公开范围，现予以公开，详见答复书。"


@pytest.fixture
def w(db):
    g = group_fixture()
    users = g["users"]
    return SimpleNamespace(
        jyj=g["jyj"], gaj=g["gaj"], lancun=g["lancun"], supervisor=gk.supervisor(), **users
    )


def make_request(unit, kind=K.PERSON, received=None, name=None):
    person = kind == K.PERSON
    request, _code = gk.file_request(
        unit.label,
        applicant_kind=kind,
        name=name or ("张三丰" if person else "青岛海岸科技有限公司"),
        id_number=ID_NUMBER if person else "91370282MA3C12345X",
        contact_name="" if person else "李四",
        phone=PHONE,
        description="请提供本单位2025年道路修缮工程的招标文件。",
        received_at=received,
    )
    return request


def fresh(item):
    return DisclosureRequest.objects.get(pk=item.pk)


def act(client, item, action, data=None):
    return client.post(reverse("disclosure_requests:act", args=[item.pk, action]), data or {})


def detail(client, item):
    return client.get(reverse("disclosure_requests:detail", args=[item.pk]))


def page_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def export_rows(client, **params):
    response = client.get(reverse("disclosure_requests:index"), {"export": "csv", **params})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def listed(client, **params):
    return {row["申请编号"] for row in export_rows(client, **params)}


def pdf(name="答复书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- Who sees which request -----------------------------------------------------------------------


def test_visibility_matrix(client, w):
    to_jyj = make_request(w.jyj)
    to_gaj = make_request(w.gaj, K.COMMERCIAL)
    to_lancun = make_request(w.lancun)
    everything = {to_jyj.receipt_number, to_gaj.receipt_number, to_lancun.receipt_number}
    expected = {
        w.supervisor: everything,
        w.admin: everything,
        w.jyj_editor: {to_jyj.receipt_number},
        w.jyj_admin: {to_jyj.receipt_number},
        w.gaj_editor: {to_gaj.receipt_number},
        w.gaj_admin: {to_gaj.receipt_number},
        w.portal_admin: set(),
    }
    for user, numbers in expected.items():
        client.force_login(user)
        assert listed(client) == numbers, user.username
        for item in (to_jyj, to_gaj, to_lancun):
            status = detail(client, item).status_code
            assert status == (200 if item.receipt_number in numbers else 403), (user.username, item)
            download = client.get(reverse("disclosure_requests:answer_document", args=[item.pk]))
            # No document yet: 404 for those who may see it, 403 for everyone else.
            assert download.status_code == (404 if item.receipt_number in numbers else 403)

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    plain, _ = Group.objects.get_or_create(name="无角色的后台用户")
    plain.permissions.add(access_admin)
    nobody = get_user_model().objects.create_user("gk_nobody", password="x")
    nobody.groups.add(plain)
    client.force_login(nobody)
    assert client.get(reverse("disclosure_requests:index")).status_code == 403
    assert detail(client, to_jyj).status_code == 403
    assert act(client, to_jyj, "answer", {"result": "open", "note": ANSWER}).status_code == 403
    assert fresh(to_jyj).state == S.RECEIVED


def test_index_columns_filters_and_search(client, w):
    overdue = make_request(w.jyj, received=timezone.now() - timedelta(days=60), name="王小明")
    company = make_request(w.jyj, K.CHARITY, name="即墨市爱心公益协会")
    old = make_request(w.gaj, received=gk.moment("2025-06-02"))
    with gk.clock("2025-06-20"):
        workflow.perform(old, "answer", w.admin, note=ANSWER, result="open")
    client.force_login(w.supervisor)
    response = client.get(reverse("disclosure_requests:index"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("申请编号", "申请人", "受理机关", "状态", "收到日期", "答复期限", "办理结果"):
        assert text in html
    assert "王小明（自然人）" in html and "即墨市爱心公益协会（社会公益组织）" in html
    assert "gk-due--overdue" in html and "已逾期" in html and "予以公开" in html
    # Overdue first.
    assert html.index(overdue.receipt_number) < html.index(company.receipt_number)

    assert listed(client, overdue="true") == {overdue.receipt_number}
    assert listed(client, applicant_kind=K.CHARITY) == {company.receipt_number}
    assert listed(client, unit=w.gaj.pk) == {old.receipt_number}
    assert listed(client, year=2025) == {old.receipt_number}
    assert listed(client, state=S.ANSWERED) == {old.receipt_number}
    assert listed(client, q="王小明") == {overdue.receipt_number}
    assert listed(client, q=company.receipt_number) == {company.receipt_number}
    # Nonsense filters do not break the page.
    assert client.get(reverse("disclosure_requests:index"), {"year": "abc", "unit": "x"}).status_code == 200


def test_due_status_levels(w):
    item = make_request(w.jyj)
    today = timezone.localdate()
    item.due_date = today - timedelta(days=7)
    level, text = due_status(item, today)
    assert level == "overdue" and text.startswith("已逾期") and "个工作日" in text
    item.due_date = today + timedelta(days=3)
    assert due_status(item, today) == ("soon", "3 天后到期")
    item.due_date = today
    assert due_status(item, today) == ("today", "今日到期")
    item.due_date = today + timedelta(days=15)
    assert due_status(item, today) == ("normal", "")
    item.state = S.CLARIFICATION
    assert due_status(item, today)[0] == "paused"


# --- Every action through the views ---------------------------------------------------------------


def test_detail_shows_everything_and_the_clock(client, w):
    item = make_request(w.jyj)
    client.force_login(w.jyj_editor)
    response = detail(client, item)
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "收到日期",
        "补正告知期限",
        "答复期限起算日",
        "不计时工作日",
        "延长",
        "答复期限",
        "办理记录",
    ):
        assert text in html
    assert ID_NUMBER in html and PHONE in html and item.description in html
    assert "提交申请" in html  # history
    # An officer is offered clarification, consultation and answer, not the head's extension.
    assert 'action="{}"'.format(reverse("disclosure_requests:act", args=[item.pk, "answer"])) in html
    assert reverse("disclosure_requests:act", args=[item.pk, "extend"]) not in html
    assert "不予公开（理由）" in html  # result choices grouped as the report rows
    client.force_login(w.jyj_admin)
    assert (
        reverse("disclosure_requests:act", args=[item.pk, "extend"]) in detail(client, item).content.decode()
    )
    client.force_login(w.supervisor)
    html = detail(client, item).content.decode()
    assert "当前没有需要您办理的操作" in html


def test_the_whole_case_through_the_buttons(client, w):
    item = make_request(w.jyj)
    client.force_login(w.jyj_editor)

    response = act(client, item, "request_clarification", {"note": "请写明所需文件的名称或文号。"})
    assert response.status_code == 302
    assert fresh(item).state == S.CLARIFICATION
    # The applicant clarifies (public side), and the clock starts again.
    workflow.applicant_action(fresh(item), "clarify", "所需文件为即教发〔2025〕3号。")
    assert fresh(item).state == S.RECEIVED

    assert act(client, item, "start_consultation", {"note": "征求中标企业意见。"}).status_code == 302
    assert fresh(item).state == S.CONSULTING
    assert act(client, item, "end_consultation", {"note": "企业同意公开。"}).status_code == 302
    assert fresh(item).state == S.RECEIVED

    client.force_login(w.jyj_admin)
    before = fresh(item).due_date
    response = act(client, item, "extend", {"days": "10", "note": "需调取档案，工作量较大。"})
    assert response.status_code == 302
    extended = fresh(item)
    assert extended.extension_days == 10 and extended.due_date > before
    assert "已延长答复期限。" in page_messages(client.get(response["Location"]))

    client.force_login(w.jyj_editor)
    response = act(client, item, "answer", {"result": "open", "note": ANSWER, "document": pdf()})
    assert response.status_code == 302, response.content.decode()[:2000]
    answered = fresh(item)
    assert answered.state == S.ANSWERED and answered.result == "open" and answered.answer_document
    assert answered.handled_by == w.jyj_editor
    actions = list(answered.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "request_clarification",
        "clarify",
        "start_consultation",
        "end_consultation",
        "extend",
        "answer",
    ]
    html = detail(client, item).content.decode()
    assert "予以公开" in html and "下载答复书" in html and ANSWER in html


def test_close_unclarified(client, w):
    item = make_request(w.gaj)
    client.force_login(w.gaj_editor)
    act(client, item, "request_clarification", {"note": "请说明所需信息的时间范围。"})
    assert act(client, item, "close_unclarified").status_code == 302
    closed = fresh(item)
    assert closed.state == S.ANSWERED and closed.result == "other_no_clarification"


def test_extend_only_by_the_head_and_only_once(client, w):
    item = make_request(w.jyj)
    client.force_login(w.jyj_editor)
    response = act(client, item, "extend", {"days": "5", "note": "需要协调。"})
    assert response.status_code == 403
    assert "无权" in response.content.decode()
    assert fresh(item).extension_days == 0

    client.force_login(w.gaj_admin)  # head of another unit
    assert act(client, item, "extend", {"days": "5", "note": "需要协调。"}).status_code == 403

    client.force_login(w.jyj_admin)
    response = act(client, item, "extend", {"days": "30", "note": "需要协调。"})
    assert response.status_code == 400
    assert "需要协调。" in response.content.decode()  # the input is kept
    response = act(client, item, "extend", {"days": "5", "note": ""})
    assert response.status_code == 400
    assert fresh(item).extension_days == 0

    assert act(client, item, "extend", {"days": "5", "note": "需要协调。"}).status_code == 302
    due = fresh(item).due_date
    response = act(client, item, "extend", {"days": "20", "note": "再延一次。"})
    assert response.status_code == 302
    assert "答复期限只能延长一次。" in page_messages(client.get(response["Location"]))
    assert fresh(item).extension_days == 5 and fresh(item).due_date == due
    assert (
        reverse("disclosure_requests:act", args=[item.pk, "extend"])
        not in detail(client, item).content.decode()
    )


def test_crafted_and_illegal_actions_give_no_500_and_change_nothing(client, w):
    item = make_request(w.jyj)
    other = make_request(w.gaj)
    client.force_login(w.jyj_editor)
    assert act(client, item, "withdraw").status_code == 404  # the applicant's action
    assert act(client, item, "submit").status_code == 404
    assert act(client, item, "no_such_action").status_code == 404
    assert client.get(reverse("disclosure_requests:act", args=[item.pk, "answer"])).status_code == 405
    assert client.post(reverse("disclosure_requests:act", args=[999999, "answer"])).status_code == 404
    assert act(client, other, "answer", {"result": "open", "note": ANSWER}).status_code == 403
    assert fresh(other).state == S.RECEIVED

    # Not possible in this state: back to the page with the reason.
    response = act(client, item, "end_consultation")
    assert response.status_code == 302
    assert any("不能进行" in m for m in page_messages(client.get(response["Location"])))

    # Bad input: 400, the input kept, nothing changed.
    response = act(client, item, "answer", {"result": "", "note": "保留的答复内容文字"})
    assert response.status_code == 400 and "保留的答复内容文字" in response.content.decode()
    response = act(client, item, "answer", {"result": "made_up", "note": ANSWER})
    assert response.status_code == 400 and "请选择办理结果" in response.content.decode()
    response = act(client, item, "answer", {"result": "refuse_secret", "note": "不行"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert act(client, item, "request_clarification", {"note": ""}).status_code == 400
    fake = pdf("答复书.pdf", b"MZ\x90\x00 not a pdf at all")
    response = act(client, item, "answer", {"result": "open", "note": ANSWER, "document": fake})
    assert response.status_code == 400 and "可执行文件" in response.content.decode()
    response = act(client, item, "answer", {"result": "open", "note": ANSWER, "document": pdf("答复书.docx")})
    assert response.status_code == 400
    assert fresh(item).state == S.RECEIVED and not fresh(item).answer_document
    assert list(fresh(item).events.values_list("action", flat=True)) == ["submit"]

    # Supervisors look, but do not answer.
    client.force_login(w.supervisor)
    assert act(client, item, "answer", {"result": "open", "note": ANSWER}).status_code == 403
    assert fresh(item).state == S.RECEIVED


def test_answer_document_download_is_permission_checked(client, w):
    item = make_request(w.jyj)
    client.force_login(w.jyj_editor)
    act(client, item, "answer", {"result": "partial", "note": ANSWER, "document": pdf()})
    url = reverse("disclosure_requests:answer_document", args=[item.pk])
    for user in (w.jyj_editor, w.jyj_admin, w.supervisor, w.admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.username
        assert b"".join(response.streaming_content) == PDF
        assert quote(f"{item.receipt_number}-答复书.pdf") in response["Content-Disposition"]
        assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    for user in (w.gaj_editor, w.gaj_admin, w.portal_admin):
        client.force_login(user)
        assert client.get(url).status_code == 403, user.username
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# --- Dashboard, exports, menu ---------------------------------------------------------------------


def counts(user):
    return {item["label"]: item["count"] for item in pending_items(user)}


def test_dashboard_panel_counts(client, w):
    today = timezone.localdate()
    make_request(w.jyj)
    late = make_request(w.jyj, received=timezone.now() - timedelta(days=60))
    soon = make_request(w.jyj)
    DisclosureRequest.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=3))
    paused = make_request(w.jyj)
    workflow.perform(paused, "request_clarification", w.jyj_editor, note="请补充所需信息的时间范围。")
    make_request(w.gaj, received=timezone.now() - timedelta(days=60))
    done = make_request(w.jyj)
    workflow.perform(done, "answer", w.jyj_editor, note=ANSWER, result="open")

    assert counts(w.jyj_editor) == {"本单位办理中": 4, "本单位已逾期": 1, "5日内到期": 1}
    assert counts(w.jyj_admin) == counts(w.jyj_editor)
    assert counts(w.gaj_editor) == {"本单位办理中": 1, "本单位已逾期": 1, "5日内到期": 0}
    assert counts(w.supervisor) == {"全市已逾期": 2}
    assert counts(w.admin) == {"办理中": 5, "已逾期": 2, "5日内到期": 1}
    assert late.is_overdue()

    client.force_login(w.jyj_editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "政务公开待办" in html and "本单位已逾期：<strong>1</strong>" in html
    assert listed(client, overdue="true") == {late.receipt_number}
    assert listed(client, due_soon="true") == {soon.receipt_number}
    client.force_login(w.supervisor)
    assert len(listed(client, overdue="true")) == 2


def test_exports_are_masked_except_for_supervisors(client, w):
    person = make_request(w.jyj, name="张三丰")
    company = make_request(w.jyj, K.COMMERCIAL)
    client.force_login(w.jyj_editor)
    rows = {row["申请编号"]: row for row in export_rows(client)}
    masked = rows[person.receipt_number]
    assert masked["申请人"] == "张**" and masked["申请人类型"] == "自然人"
    assert masked["证件号码"] == "370282********1226"
    assert masked["联系电话"] == "138****2345"
    assert rows[company.receipt_number]["申请人"] == "青岛海岸科技有限公司"
    assert rows[company.receipt_number]["证件号码"] == "913702********345X"
    body = "".join(str(row) for row in rows.values())
    assert ID_NUMBER not in body and PHONE not in body

    response = client.get(reverse("disclosure_requests:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    assert ID_NUMBER not in values and PHONE not in values and "370282********1226" in values

    client.force_login(w.supervisor)
    rows = {row["申请编号"]: row for row in export_rows(client)}
    assert rows[person.receipt_number]["证件号码"] == ID_NUMBER
    assert rows[person.receipt_number]["联系电话"] == PHONE
    assert rows[person.receipt_number]["申请人"] == "张三丰"


def test_csv_export_neutralises_formulas(client, w):
    item = make_request(w.jyj, name='=HYPERLINK("http://evil")')
    client.force_login(w.supervisor)
    rows = {row["申请编号"]: row for row in export_rows(client)}
    assert rows[item.receipt_number]["申请人"].startswith("'=")


def menu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in admin_menu.menu_items_for_request(request)}


def submenu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    [group] = [item for item in admin_menu.menu_items_for_request(request) if item.name == "disclosure"]
    return {item.name for item in group.menu.menu_items_for_request(request)}


def test_menu_is_shown_to_disclosure_roles_only(client, w):
    everything = {"disclosure-requests", "disclosure-report", "disclosure-figures"}
    for user in (w.jyj_editor, w.gaj_admin, w.portal_admin, w.supervisor, w.admin):
        assert submenu_names(user) == everything, user.username
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    nobody = get_user_model().objects.create_user("gk_nobody", password="x")
    nobody.user_permissions.add(access_admin)
    assert "disclosure" not in menu_names(nobody)
    client.force_login(nobody)
    assert "政务公开待办" not in client.get(reverse("wagtailadmin_home")).content.decode()
    for name in ("disclosure_requests:index", "disclosure_report:index", "disclosure_figures:index"):
        assert client.get(reverse(name)).status_code == 403
    client.force_login(w.jyj_editor)
    for name in ("disclosure_requests:index", "disclosure_report:index", "disclosure_figures:index"):
        assert client.get(reverse(name)).status_code == 200
