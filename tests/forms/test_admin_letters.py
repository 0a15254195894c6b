"""The staff side of letters in the admin: who sees which letter, every action button, crafted posts,
attachments, exports with masked contact data, statistics, moderation, dashboard and menu."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.menu import admin_menu

from forms import workflow
from forms.admin_views import pending_items
from forms.models import Letter, LetterComment, LetterEvent
from forms.statistics import letter_statistics
from home.models import Organisation
from tests.factories.letters import letter_world, write_letter
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

S = Letter.State
REPLY = "您好，经核实，该小区供暖已于本周恢复正常，室内温度达到18度以上，感谢您的监督。"
PHONE = "13853212345"


@pytest.fixture
def w(db):
    """The letter boxes, the role users and the units, looked up fresh for each test."""
    boxes = letter_world()
    users = group_fixture()["users"]
    return SimpleNamespace(
        mayor=boxes.mayor,
        director=boxes.director,
        petition=boxes.petition,
        jyj=Organisation.objects.get(label="jyj"),
        gaj=Organisation.objects.get(label="gaj"),
        lancun=Organisation.objects.get(label="lancun"),
        users=users,
        **{name: users[name] for name in ("dispatcher", "supervisor")},
    )


def fresh(letter):
    return Letter.objects.get(pk=letter.pk)


def assigned_to(w, unit, **overrides):
    """A 市长信箱 letter accepted by the dispatcher and assigned to `unit`."""
    letter, _ = write_letter(w.mayor, **overrides)
    workflow.perform(letter, "accept", w.dispatcher)
    workflow.perform(letter, "assign", w.dispatcher, note="请核实办理。", unit=unit)
    return fresh(letter)


def in_reply_review(w):
    letter = assigned_to(w, w.jyj)
    workflow.perform(letter, "submit_reply", w.users["jyj_editor"], reply=REPLY)
    return fresh(letter)


def closed(w, **overrides):
    letter = assigned_to(w, w.jyj, **overrides)
    workflow.perform(letter, "submit_reply", w.users["jyj_editor"], reply=REPLY)
    workflow.perform(letter, "approve_reply", w.users["jyj_admin"])
    return fresh(letter)


def login(client, user):
    client.logout()
    client.force_login(user)


def act(client, letter, action, data=None, **kwargs):
    return client.post(reverse("letters:act", args=[letter.pk, action]), data or {}, **kwargs)


def export_rows(client, **params):
    response = client.get(reverse("letters:index"), {"export": "csv", **params})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def listed_numbers(client, **params):
    return [row["信件编号"] for row in export_rows(client, **params)]


def page_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Who sees which letter ------------------------------------------------------------------------


def test_each_role_sees_exactly_its_letters(client, w):
    to_jyj = assigned_to(w, w.jyj)
    to_gaj = assigned_to(w, w.gaj)
    waiting, _ = write_letter(w.mayor)
    own_box, _ = write_letter(w.director)  # 局长信箱: 教育局's 管理员 screen it themselves
    everything = {to_jyj.number, to_gaj.number, waiting.number, own_box.number}
    expected = {
        "dispatcher": everything,
        "supervisor": everything,
        "admin": everything,
        "jyj_editor": {to_jyj.number},
        "jyj_admin": {to_jyj.number, own_box.number},
        "gaj_editor": {to_gaj.number},
        "gaj_admin": {to_gaj.number},
        "portal_admin": set(),
    }
    for username, numbers in expected.items():
        login(client, w.users.get(username) or getattr(w, username))
        assert set(listed_numbers(client)) == numbers, username
        html = client.get(reverse("letters:index")).content.decode()
        for number in everything:
            assert (number in html) == (number in numbers), (username, number)


def test_another_units_user_gets_403_on_detail_actions_and_attachments(client, w):
    upload = SimpleNamespace(
        original_name="现场照片.jpg", kind="jpeg", size=4, file=ContentFile(b"\xff\xd8\xff\xe0")
    )
    letter, _ = write_letter(w.mayor, attachments=[upload])
    workflow.perform(letter, "accept", w.dispatcher)
    workflow.perform(letter, "assign", w.dispatcher, note="请核实。", unit=w.jyj)
    attachment = letter.attachments.get()
    login(client, w.users["gaj_editor"])
    assert client.get(reverse("letters:detail", args=[letter.pk])).status_code == 403
    url = reverse("letters:attachment", args=[letter.pk, attachment.pk])
    assert client.get(url).status_code == 403
    response = act(client, letter, "save_draft", {"reply": "公安局不该能写这封信的答复内容。"})
    assert response.status_code == 403
    assert act(client, letter, "return", {"note": "不属于我们"}).status_code == 403
    letter = fresh(letter)
    assert (letter.state, letter.unit, letter.reply) == (S.ASSIGNED, w.jyj, "")
    # 教育局 sees it, with the citizen's data and the attachment link.
    login(client, w.users["jyj_editor"])
    html = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert letter.title in html and PHONE in html and "现场照片.jpg" in html and url in html


def test_detail_shows_deadlines_history_with_internal_steps_and_duplicates(client, w):
    letter = assigned_to(w, w.jyj)
    workflow.perform(letter, "forward", w.users["jyj_editor"], note="请基础教育科办理", section="基础教育科")
    duplicate, _ = write_letter(w.mayor, title="同一小区供暖问题的重复来信")
    workflow.perform(duplicate, "merge", w.dispatcher, target_number=letter.number)
    login(client, w.dispatcher)
    html = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    for text in (
        "受理期限",
        "答复期限",
        "办理记录",
        "转办",
        "交办",
        "内部",
        "请基础教育科办理",
        "基础教育科",
    ):
        assert text in html, text
    assert "市长信箱" in html and "教育局" in html
    assert duplicate.number in html
    accept_due = fresh(letter).accept_due
    assert f"{accept_due.year}年{accept_due.month}月{accept_due.day}日" in html


# --- Every action button --------------------------------------------------------------------------


def test_the_whole_case_through_the_buttons(client, w):
    letter, _ = write_letter(w.mayor)
    editor, reviewer = w.users["jyj_editor"], w.users["jyj_admin"]

    login(client, w.dispatcher)
    html = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert reverse("letters:act", args=[letter.pk, "accept"]) in html
    response = act(client, letter, "accept", follow=True)
    assert "已受理。" in page_messages(response)
    assert fresh(letter).state == S.ACCEPTED
    response = act(client, letter, "assign", {"unit": w.jyj.pk, "note": "请教育局核实办理。"})
    assert response.status_code == 302
    letter = fresh(letter)
    assert (letter.state, letter.unit, letter.instruction) == (S.ASSIGNED, w.jyj, "请教育局核实办理。")

    login(client, editor)
    act(client, letter, "forward", {"section": "基础教育科", "note": "请科室办理"})
    assert fresh(letter).section == "基础教育科"
    act(client, letter, "request_extension", {"note": "需要现场核查，申请延期。"})
    assert fresh(letter).extension_requested

    login(client, w.supervisor)
    reply_due = fresh(letter).reply_due
    act(client, letter, "approve_extension", {"note": "同意"})
    letter = fresh(letter)
    assert not letter.extension_requested and letter.extension_days and letter.reply_due > reply_due
    act(client, letter, "chase", {"note": "请抓紧办理"})
    act(client, letter, "supervise", {"note": "列为督办件"})
    letter = fresh(letter)
    assert letter.chase_count == 1 and letter.supervised

    login(client, editor)
    response = act(client, letter, "save_draft", {"reply": "草稿：正在核实中，请耐心等待。"}, follow=True)
    assert "答复草稿已保存。" in page_messages(response)
    assert fresh(letter).reply == "草稿：正在核实中，请耐心等待。" and fresh(letter).state == S.ASSIGNED
    assert "草稿：正在核实中" in response.content.decode()  # the editor shows the draft
    act(client, letter, "submit_reply", {"reply": REPLY})
    assert fresh(letter).state == S.REPLY_REVIEW

    login(client, reviewer)
    act(client, letter, "reject_reply", {"note": "请补充具体整改时间。"})
    assert fresh(letter).state == S.ASSIGNED

    login(client, editor)
    act(client, letter, "submit_reply", {"reply": REPLY + "整改已于本周完成。"})
    login(client, reviewer)
    response = act(client, letter, "approve_reply", {}, follow=True)
    assert "答复已审核通过，信件已办结。" in page_messages(response)
    letter = fresh(letter)
    assert letter.state == S.CLOSED and letter.reply_approved_by == reviewer and letter.is_public

    login(client, w.dispatcher)
    act(client, letter, "unpublish", {"note": "涉及第三方隐私"})
    assert not fresh(letter).is_public
    act(client, letter, "publish", {})
    assert fresh(letter).is_public
    actions = list(LetterEvent.objects.filter(letter=letter).values_list("action", flat=True))
    assert actions == [
        "submit", "accept", "assign", "forward", "request_extension", "approve_extension", "chase",
        "supervise", "submit_reply", "reject_reply", "submit_reply", "approve_reply", "unpublish", "publish",
    ]  # fmt: skip


def test_reject_merge_return_refuse_extension_and_forward_to_another_unit(client, w):
    login(client, w.dispatcher)
    refused, _ = write_letter(w.mayor)
    act(client, refused, "reject", {"note": "所反映事项已进入诉讼程序。"})
    assert fresh(refused).state == S.REJECTED and fresh(refused).rejection_reason

    original, _ = write_letter(w.mayor)
    duplicate, _ = write_letter(w.mayor)
    act(client, duplicate, "merge", {"target_number": original.number})
    assert fresh(duplicate).state == S.MERGED and fresh(duplicate).merged_into == original

    returned = assigned_to(w, w.jyj)
    login(client, w.users["jyj_editor"])
    response = act(client, returned, "return", {"note": "不属于本单位职责。"})
    # The letter has left 教育局: back to the list, not to a page that would now be refused.
    assert response.status_code == 302 and response.url == reverse("letters:index")
    assert fresh(returned).state == S.RETURNED and fresh(returned).unit is None

    extension = assigned_to(w, w.jyj)
    act(client, extension, "request_extension", {"note": "需要协调多个部门。"})
    login(client, w.supervisor)
    act(client, extension, "refuse_extension", {"note": "时限内可以办结。"})
    assert not fresh(extension).extension_requested and fresh(extension).extension_days == 0

    forwarded = assigned_to(w, w.jyj)
    login(client, w.users["jyj_admin"])
    act(client, forwarded, "forward", {"unit": w.lancun.pk, "note": "属地办理"})
    assert fresh(forwarded).unit == w.lancun


def test_own_box_letter_is_accepted_by_the_unit_and_goes_straight_to_handling(client, w):
    letter, _ = write_letter(w.director)
    login(client, w.users["jyj_admin"])
    act(client, letter, "accept")
    letter = fresh(letter)
    assert (letter.state, letter.unit) == (S.ASSIGNED, w.jyj)


# --- Bad input and crafted posts: never a 500, never a change ---------------------------------------


def test_missing_reason_keeps_the_input_and_changes_nothing(client, w):
    letter, _ = write_letter(w.mayor)
    login(client, w.dispatcher)
    response = act(client, letter, "reject", {"note": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写不予受理的理由" in html and 'role="alert"' in html
    assert fresh(letter).state == S.SUBMITTED

    letter = assigned_to(w, w.jyj)
    login(client, w.users["jyj_editor"])
    response = act(client, letter, "submit_reply", {"reply": "已阅"})
    assert response.status_code == 400
    assert "答复内容过短" in response.content.decode()
    assert "已阅" in response.content.decode()  # what was typed is still in the editor
    assert fresh(letter).state == S.ASSIGNED


def test_crafted_and_illegal_actions_give_no_500_and_change_nothing(client, w):
    letter = assigned_to(w, w.jyj)
    events_before = LetterEvent.objects.filter(letter=letter).count()
    reviewer = w.users["jyj_admin"]
    login(client, reviewer)
    # A real action in the wrong state: a message, and the page again.
    response = act(client, letter, "approve_reply", follow=True)
    assert response.status_code == 200
    assert any("不能进行“审核通过答复”操作" in m for m in page_messages(response))
    # Unknown and citizen/system actions do not exist here.
    for action in ("destroy", "rate", "submit", "remind", "escalate", "__init__"):
        assert act(client, letter, action).status_code == 404, action
    # A step of another role.
    assert act(client, letter, "approve_extension").status_code in (400, 403)
    # A unit that cannot handle letters, and nonsense.
    portal = Organisation.objects.get(label="www")
    login(client, w.dispatcher)
    assert act(client, letter, "assign", {"unit": portal.pk}).status_code in (302, 400)
    new, _ = write_letter(w.mayor)
    workflow.perform(new, "accept", w.dispatcher)
    for data in ({"unit": portal.pk}, {"unit": "abc"}, {"unit": "999999"}, {}):
        assert act(client, new, "assign", data).status_code == 400, data
    assert act(client, new, "merge", {"target_number": new.number}).status_code == 400
    assert act(client, new, "merge", {"target_number": "不存在"}).status_code == 400
    # GET is not an action.
    assert client.get(reverse("letters:act", args=[letter.pk, "accept"])).status_code == 405
    assert client.post(reverse("letters:act", args=[999999, "accept"])).status_code == 404
    assert LetterEvent.objects.filter(letter=letter).count() == events_before
    assert fresh(letter).state == S.ASSIGNED and fresh(letter).unit == w.jyj
    assert fresh(new).state == S.ACCEPTED and fresh(new).unit is None


def test_reviewer_cannot_approve_own_reply_and_is_told_why(client, w):
    letter = assigned_to(w, w.jyj)
    reviewer = w.users["jyj_admin"]
    workflow.perform(letter, "submit_reply", reviewer, reply=REPLY)
    login(client, reviewer)
    response = act(client, letter, "approve_reply")
    assert response.status_code == 403
    assert "不能审核自己拟写的答复" in response.content.decode()
    assert fresh(letter).state == S.REPLY_REVIEW


# --- Attachments ----------------------------------------------------------------------------------


def test_attachment_download_is_permission_checked_and_keeps_the_name(client, w):
    content = b"%PDF-1.4 test attachment"
    upload = SimpleNamespace(
        original_name="情况说明.pdf", kind="pdf", size=len(content), file=ContentFile(content)
    )
    letter, _ = write_letter(w.mayor, attachments=[upload])
    other, _ = write_letter(w.mayor)
    attachment = letter.attachments.get()
    login(client, w.dispatcher)
    response = client.get(reverse("letters:attachment", args=[letter.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "%E6%83%85%E5%86%B5%E8%AF%B4%E6%98%8E.pdf" in disposition
    # The attachment through another letter's URL does not exist.
    assert client.get(reverse("letters:attachment", args=[other.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("letters:attachment", args=[letter.pk, 999999])).status_code == 404
    login(client, w.users["jyj_editor"])  # not yet assigned to 教育局
    assert client.get(reverse("letters:attachment", args=[letter.pk, attachment.pk])).status_code == 403


# --- Index: filters, ordering, search, export ------------------------------------------------------


def test_filters_search_and_overdue_first_ordering(client, w):
    long_ago = timezone.now() - timedelta(days=40)
    overdue, _ = write_letter(w.mayor, received_at=long_ago, title="四十天前的来信")
    recent, _ = write_letter(w.mayor, title="今天的来信")
    handled = assigned_to(w, w.gaj, title="公安局办理的来信")
    finished = closed(w, title="已办结的来信")
    login(client, w.dispatcher)
    numbers = listed_numbers(client)
    assert numbers[0] == overdue.number  # overdue first, then the nearest due, finished last
    assert numbers.index(recent.number) < numbers.index(handled.number) < numbers.index(finished.number)
    assert listed_numbers(client, overdue="true") == [overdue.number]
    assert overdue.number not in listed_numbers(client, overdue="false")
    assert listed_numbers(client, state=S.ASSIGNED) == [handled.number]
    assert set(listed_numbers(client, state=[S.SUBMITTED, S.CLOSED])) == {
        overdue.number,
        recent.number,
        finished.number,
    }
    assert listed_numbers(client, unit=w.gaj.pk) == [handled.number]
    assert set(listed_numbers(client, unit="null")) == {overdue.number, recent.number}
    assert set(listed_numbers(client, box=w.mayor.pk)) == {
        item.number for item in (overdue, recent, handled, finished)
    }
    assert listed_numbers(client, box=w.director.pk) == []
    assert listed_numbers(client, letter_type="complaint") == []
    day = timezone.localdate(long_ago).isoformat()
    assert listed_numbers(client, received_from=day, received_to=day) == [overdue.number]
    assert listed_numbers(client, q="公安局办理") == [handled.number]
    assert listed_numbers(client, q=recent.number) == [recent.number]
    # Nonsense filters are not errors.
    assert (
        client.get(reverse("letters:index"), {"state": "x", "unit": "y", "received_from": "z"}).status_code
        == 200
    )
    html = client.get(reverse("letters:index")).content.decode()
    assert "已逾期" in html and "letter-due--overdue" in html
    results = client.get(reverse("letters:index_results"), {"overdue": "true"})
    assert results.status_code == 200 and overdue.number in results.content.decode()


def test_export_masks_contact_data_for_unit_users_only(client, w):
    letter = assigned_to(w, w.jyj, address="通济街道幸福小区12号楼3单元502室")
    login(client, w.users["jyj_editor"])
    [row] = export_rows(client)
    assert row["信件编号"] == letter.number
    assert row["联系电话"] == "138****2345"
    assert row["电子邮箱"] == "w***@example.com"
    assert "502" not in row["联系地址"] and row["联系地址"].startswith("通济街道幸福小区")
    assert row["来信人"] == "王**"
    response = client.get(reverse("letters:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert PHONE not in " ".join(cells) and "138****2345" in cells
    # A citizen's title cannot smuggle a formula into the spreadsheet.
    formula = assigned_to(w, w.jyj, title='=HYPERLINK("http://example.com","点我")')
    [row] = [r for r in export_rows(client) if r["信件编号"] == formula.number]
    assert row["标题"].startswith("'=")
    for username in ("dispatcher", "supervisor"):
        login(client, getattr(w, username))
        [row] = [r for r in export_rows(client) if r["信件编号"] == letter.number]
        assert row["联系电话"] == PHONE and row["电子邮箱"] == "wangjg@example.com"
        assert row["联系地址"] == "通济街道幸福小区12号楼3单元502室" and row["来信人"] == "王建国"


# --- Comment moderation ----------------------------------------------------------------------------


def test_comment_moderation_by_dispatcher_and_the_units_reviewer(client, w):
    letter = closed(w)
    comment = workflow.add_comment(letter, "答复很及时，问题已经解决，感谢！")
    second = workflow.add_comment(letter, "希望以后也能这样。")
    login(client, w.users["gaj_admin"])
    assert comment.content not in client.get(reverse("letter_comments:index")).content.decode()
    url = reverse("letter_comments:moderate", args=[comment.pk, "approve"])
    assert client.post(url).status_code == 403
    assert LetterComment.objects.get(pk=comment.pk).status == LetterComment.Status.PENDING
    login(client, w.users["jyj_editor"])  # 信息员 do not moderate
    assert client.get(reverse("letter_comments:index")).status_code == 403
    assert client.post(url).status_code == 403

    login(client, w.users["jyj_admin"])
    html = client.get(reverse("letter_comments:index")).content.decode()
    assert comment.content in html and second.content in html
    assert client.post(url).status_code == 302
    assert LetterComment.objects.get(pk=comment.pk).status == LetterComment.Status.APPROVED
    login(client, w.dispatcher)
    client.post(reverse("letter_comments:moderate", args=[second.pk, "reject"]))
    assert LetterComment.objects.get(pk=second.pk).status == LetterComment.Status.REJECTED
    assert client.post(reverse("letter_comments:moderate", args=[second.pk, "delete"])).status_code == 404
    assert client.get(url).status_code == 405


# --- Statistics ------------------------------------------------------------------------------------


def test_statistics_page_and_workbook_match_letter_statistics(client, w):
    closed(w)
    assigned_to(w, w.gaj)
    write_letter(w.mayor)
    refused, _ = write_letter(w.mayor)
    workflow.perform(refused, "reject", w.dispatcher, note="重复来信")
    login(client, w.dispatcher)
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    totals, rows = letter_statistics(workflow.visible_letters(w.dispatcher), start=start, end=today)
    html = client.get(reverse("letter_statistics:index")).content.decode()
    assert "即墨市政民互动来信办理情况统计" in html and "教育局" in html and "公安局" in html

    response = client.get(reverse("letter_statistics:index"), {"format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows_out = list(sheet.iter_rows(values_only=True))
    title = (
        f"即墨市政民互动来信办理情况统计（{start.year}年1月1日至{today.year}年{today.month}月{today.day}日）"
    )
    assert rows_out[0][0] == title
    assert rows_out[1][:3] == ("承办单位", "收件数", "受理数")
    total_row = rows_out[-1]
    assert total_row[0] == "合计"
    assert total_row[1:5] == (totals.received, totals.accepted, totals.replied, totals.on_time)
    assert (total_row[6], total_row[7], total_row[8]) == (totals.open, totals.overdue, totals.rated)
    assert totals.received == 4 and totals.replied == 1 and totals.accepted < totals.received
    by_unit = {row[0]: row for row in rows_out[2:-1]}
    assert {label for label in by_unit} == {row.label for row in rows}
    assert by_unit["教育局"][1] == 1 and by_unit["教育局"][3] == 1

    # A unit user's statistics cover its own letters only.
    login(client, w.users["gaj_editor"])
    response = client.get(reverse("letter_statistics:index"), {"format": "xlsx"})
    total_row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[-1]
    assert total_row[1] == 1
    # Bad dates: a message and a 400, not a 500.
    response = client.get(reverse("letter_statistics:index"), {"start": "去年", "end": "2026-01-01"})
    assert response.status_code == 400 and "去年" in response.content.decode()
    response = client.get(reverse("letter_statistics:index"), {"start": "2026-12-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.content.decode()


# --- Dashboard and menu ---------------------------------------------------------------------------


def counts(user):
    return {item["label"]: item["count"] for item in pending_items(user)}


def test_dashboard_panel_counts_per_role(client, w):
    write_letter(w.mayor)
    write_letter(w.mayor, received_at=timezone.now() - timedelta(days=40))
    write_letter(w.director)
    assigned_to(w, w.jyj)
    review = in_reply_review(w)
    extension = assigned_to(w, w.gaj)
    workflow.perform(extension, "request_extension", w.users["gaj_editor"], note="需协调")
    commented = closed(w)
    workflow.add_comment(commented, "感谢答复。")

    assert counts(w.dispatcher) == {
        "待受理来信": 3,
        "待转办来信": 0,
        "已逾期": 1,
        "评论待审核": 1,
    }
    assert counts(w.supervisor) == {"延期申请待审批": 1, "已逾期": 1}
    assert counts(w.users["jyj_admin"]) == {
        "待受理来信": 1,  # only its own box's letter
        "本单位办理中": 1,
        "答复待审核": 1,
        "已逾期": 0,
        "评论待审核": 1,
    }
    assert counts(w.users["jyj_editor"]) == {"本单位办理中": 1, "已逾期": 0}
    assert counts(w.users["gaj_admin"])["本单位办理中"] == 1
    assert review.state == S.REPLY_REVIEW

    login(client, w.users["jyj_admin"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "政民互动待办" in html and "答复待审核：<strong>1</strong>" in html
    assert f"{reverse('letters:index')}?state=reply_review" in html
    # The link leads to the filtered list with that letter.
    assert listed_numbers(client, state="reply_review") == [review.number]


def menu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in admin_menu.menu_items_for_request(request)}


def submenu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    [group] = [item for item in admin_menu.menu_items_for_request(request) if item.name == "interaction"]
    return {item.name for item in group.menu.menu_items_for_request(request)}


def test_menu_is_shown_to_letter_roles_and_hidden_from_others(client, w):
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    plain_group, _ = Group.objects.get_or_create(name="无角色的后台用户")
    plain_group.permissions.add(access_admin)
    nobody = get_user_model().objects.create_user("nobody", password="x")
    nobody.groups.add(plain_group)
    assert "interaction" not in menu_names(nobody)
    client.force_login(nobody)
    assert client.get(reverse("letters:index")).status_code == 403
    assert client.get(reverse("letter_statistics:index")).status_code == 403
    assert "政民互动待办" not in client.get(reverse("wagtailadmin_home")).content.decode()

    all_three = {"letters", "letter-comments", "letter-statistics"}
    assert submenu_names(w.dispatcher) == all_three
    assert submenu_names(w.users["jyj_admin"]) == all_three
    assert submenu_names(w.supervisor) == {"letters", "letter-statistics"}
    assert submenu_names(w.users["jyj_editor"]) == {"letters", "letter-statistics"}
    login(client, w.users["jyj_editor"])
    assert client.get(reverse("letters:index")).status_code == 200
    assert client.get(reverse("letter_statistics:index")).status_code == 200
