"""办件查询 on the hall: receipt number + ID tail by POST only, lockout, the status page with its
public history, 补正 through the page, withdrawal, one rating, and downloads that only a verified
query can reach (no URL to guess)."""

import base64
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from services import workflow
from services.hall_views import download_token
from services.models import Application
from tests.factories.services import add_item, apply, ensure_hall
from tests.services import PDF, WWW, get, post, text

pytestmark = pytest.mark.django_db

TAIL = "061226"  # the factory's applicant: 370282198805061226
RESULT_PDF = b"%PDF-1.4\n% result\n%%EOF\n"


@pytest.fixture
def world(group):
    hall = ensure_hall()
    item = add_item("jyj", "小学一年级新生入学登记")
    application = apply(item)
    return {"hall": hall, "item": item, "application": application, "users": group["users"]}


def query(client, world, receipt=None, tail=TAIL, remote_addr="10.3.0.1"):
    receipt = world["application"].receipt_number if receipt is None else receipt
    return post(
        client, world["hall"], "query/", {"receipt_number": receipt, "id_tail": tail}, REMOTE_ADDR=remote_addr
    )


def credentials(world, tail=TAIL):
    return {"receipt_number": world["application"].receipt_number, "id_tail": tail}


def close(application, users, approved=True, decision="经审核，符合入学条件，准予登记。"):
    clerk, head = users["jyj_editor"], users["jyj_admin"]
    workflow.perform(application, "accept", clerk)
    workflow.perform(application, "route", clerk, assignee=head, post="审批岗")
    result = ContentFile(RESULT_PDF, name="result.pdf") if approved else None
    workflow.perform(application, "approve" if approved else "deny", head, note=decision, result_file=result)
    workflow.perform(application, "close", clerk)
    application.refresh_from_db()
    return application


def links(html):
    return re.findall(r'href="(/wsbs/bsdt/query/file/[^"]+/)"', html)


def pdf(name="房产证明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- 查询 -----------------------------------------------------------------------------------------


def test_the_query_form_is_on_the_hall_and_on_its_own_page(client, world):
    assert 'action="/wsbs/bsdt/query/"' in text(get(client, world["hall"]))
    response = get(client, world["hall"], "query/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert 'name="receipt_number"' in text(response) and 'name="id_tail"' in text(response)


def test_the_right_receipt_and_id_tail_show_the_status(client, world):
    application = world["application"]
    response = query(client, world, receipt=application.receipt_number.lower(), tail=TAIL)
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for value in (
        application.receipt_number,
        "待预审",
        "小学一年级新生入学登记",
        "即墨市教育局",
        "刘**",  # masked even here: a status page may be left open on a shared screen
        "预审期限",
        "尚未受理",
        "5 个工作日",
        "提交申请",
        "撤回申请",
        "户口簿或居住证.pdf",
    ):
        assert value in html, value
    assert "刘晓梅" not in html and "370282198805061226" not in html
    assert f'href="{world["item"].get_url()}"' in html


def test_a_wrong_receipt_or_tail_is_refused_without_saying_which(client, world):
    for receipt, tail in ((None, "000000"), ("SQ20990101000001", TAIL)):
        response = query(client, world, receipt=receipt, tail=tail)
        assert response.status_code == 404
        assert "受理编号或证件号码后六位不正确" in text(response)
        assert "待预审" not in text(response)
    response = query(client, world, tail="12")
    assert response.status_code == 400 and "请填写证件号码的最后六位" in text(response)


def test_repeated_failures_lock_the_receipt_out(client, world):
    for _ in range(workflow.QUERY_FAILURES_PER_RECEIPT):
        assert query(client, world, tail="999999").status_code == 404
    response = query(client, world)  # even the right tail, for an hour
    assert response.status_code == 429
    assert "查询失败次数过多" in text(response)
    assert response["Retry-After"]


def test_the_query_is_post_only(client, world):
    response = get(
        client,
        world["hall"],
        "query/",
        data={"receipt_number": world["application"].receipt_number, "id_tail": TAIL},
    )
    assert response.status_code == 200
    assert "待预审" not in text(response) and "户口簿或居住证" not in text(response)
    # The receipt page's link may fill the number in, never the tail.
    response = get(client, world["hall"], "query/", data={"no": world["application"].receipt_number})
    assert f'value="{world["application"].receipt_number}"' in text(response)


def test_the_history_shows_posts_and_only_the_notes_meant_for_the_applicant(client, world):
    application, users = world["application"], world["users"]
    workflow.perform(application, "accept", users["jyj_editor"], note="内部备注：材料齐全")
    workflow.perform(
        application,
        "route",
        users["jyj_editor"],
        assignee=users["jyj_admin"],
        post="审核岗",
        note="请尽快审核",
    )
    html = text(query(client, world))
    assert "审查中" in html and "受理" in html and "流转" in html and "审核岗" in html and "窗口受理" in html
    assert "内部备注" not in html and "请尽快审核" not in html
    assert "承诺办结日期" in html


def test_a_rejection_shows_its_reason(client, world):
    workflow.perform(
        world["application"], "reject", world["users"]["jyj_editor"], note="不属于本学区招生范围。"
    )
    html = text(query(client, world))
    assert "不予受理" in html and "不属于本学区招生范围。" in html
    assert "撤回申请</button>" not in html


# --- 补正 -----------------------------------------------------------------------------------------


def test_supplement_then_resubmit_through_the_query_page(client, world):
    application, item = world["application"], world["item"]
    workflow.perform(
        application, "request_supplement", world["users"]["jyj_editor"], note="请补充房产证明原件扫描件。"
    )
    html = text(query(client, world))
    assert "待补正" in html and "补正告知" in html and "请补充房产证明原件扫描件。" in html
    slot = item.materials.get(name="房产证明")
    assert f'name="material_{slot.pk}"' in html
    assert 'action="/wsbs/bsdt/query/resubmit/"' in html
    response = post(
        client,
        world["hall"],
        "query/resubmit/",
        {**credentials(world), f"material_{slot.pk}": [pdf()], "note": "已补充。"},
        REMOTE_ADDR="10.3.0.1",
    )
    html = text(response)
    assert response.status_code == 200, html
    assert "补正材料已提交" in html and "no-store" in response["Cache-Control"]
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    stored = application.materials.get(round=2)
    assert stored.material_name == "房产证明" and stored.original_name == "房产证明.pdf"
    assert Path(stored.file.path).resolve().is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert "补正后重新提交" in html and "第 1 次补正" in html and "一次性告知补正" in html


def test_resubmitting_needs_a_file_and_refuses_bad_ones(client, world):
    application = world["application"]
    workflow.perform(application, "request_supplement", world["users"]["jyj_editor"], note="请补充房产证明。")
    slot = world["item"].materials.get(name="房产证明")
    response = post(client, world["hall"], "query/resubmit/", credentials(world))
    assert response.status_code == 400 and "请按补正告知上传补正材料" in text(response)
    exe = SimpleUploadedFile("房产证明.pdf", b"MZ" + b"\x00" * 100, "application/pdf")
    response = post(
        client, world["hall"], "query/resubmit/", {**credentials(world), f"material_{slot.pk}": [exe]}
    )
    assert response.status_code == 400 and "可执行文件" in text(response)
    assert "请重新选择全部材料文件" in text(response)
    application.refresh_from_db()
    assert (
        application.state == Application.State.SUPPLEMENT
        and not application.materials.filter(round=2).exists()
    )


def test_actions_need_the_credentials_again(client, world):
    application = world["application"]
    workflow.perform(application, "request_supplement", world["users"]["jyj_editor"], note="请补充房产证明。")
    slot = world["item"].materials.get(name="房产证明")
    response = post(
        client,
        world["hall"],
        "query/resubmit/",
        {**credentials(world, tail="000000"), f"material_{slot.pk}": [pdf()]},
    )
    assert response.status_code == 404
    response = post(client, world["hall"], "query/withdraw/", {"confirm": "on"})
    assert response.status_code == 400 and "请先输入受理编号" in text(response)
    assert get(client, world["hall"], "query/withdraw/").status_code == 200  # just the query form
    application.refresh_from_db()
    assert application.state == Application.State.SUPPLEMENT


# --- 撤回 -----------------------------------------------------------------------------------------


def test_withdraw_needs_a_confirmation(client, world):
    response = post(client, world["hall"], "query/withdraw/", credentials(world))
    assert response.status_code == 400 and "请勾选确认后再撤回" in text(response)
    response = post(
        client, world["hall"], "query/withdraw/", {**credentials(world), "confirm": "on", "note": "不需要了"}
    )
    html = text(response)
    assert response.status_code == 200 and "申请已撤回" in html and "已撤回" in html
    world["application"].refresh_from_db()
    assert world["application"].state == Application.State.WITHDRAWN
    assert "撤回申请</button>" not in html
    again = post(client, world["hall"], "query/withdraw/", {**credentials(world), "confirm": "on"})
    assert again.status_code == 409


# --- 办结、评价与下载 --------------------------------------------------------------------------------


def test_a_closed_application_shows_the_decision_and_can_be_rated_once(client, world):
    close(world["application"], world["users"])
    html = text(query(client, world))
    assert "已办结" in html and "准予" in html and "经审核，符合入学条件，准予登记。" in html
    assert "下载结果文书（入学通知书）" in html
    assert 'action="/wsbs/bsdt/query/rate/"' in html
    for value, label in ((5, "非常满意"), (1, "非常不满意")):
        assert f'value="{value}"' in html and label in html
    response = post(
        client, world["hall"], "query/rate/", {**credentials(world), "rating": "4", "comment": "窗口很耐心。"}
    )
    html = text(response)
    assert response.status_code == 200 and "感谢您的评价" in html
    assert 'action="/wsbs/bsdt/query/rate/"' not in html and "满意" in html
    application = Application.objects.get(pk=world["application"].pk)
    assert application.rating == 4 and application.rating_comment == "窗口很耐心。"
    response = post(client, world["hall"], "query/rate/", {**credentials(world), "rating": "1"})
    assert response.status_code == 409 and "您已评价过该办件" in text(response)
    assert Application.objects.get(pk=application.pk).rating == 4


def test_rating_needs_a_level(client, world):
    close(world["application"], world["users"])
    response = post(client, world["hall"], "query/rate/", {**credentials(world), "rating": "9"})
    assert response.status_code == 400 and "请选择满意度" in text(response)


def test_a_denial_shows_its_reason_without_a_result_document(client, world):
    close(world["application"], world["users"], approved=False, decision="不符合条件：户籍不在本学区。")
    html = text(query(client, world))
    assert "不予准予" in html and "户籍不在本学区" in html and "下载结果文书" not in html


def test_verified_downloads_of_own_materials_and_the_result(client, world):
    close(world["application"], world["users"])
    html = text(query(client, world))
    found = links(html)
    assert len(found) == 3  # two materials and the result
    for link in found:
        response = client.get(link, HTTP_HOST=WWW)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content)
        assert body in (PDF, RESULT_PDF)
    result = [
        link for link in found if b"".join(client.get(link, HTTP_HOST=WWW).streaming_content) == RESULT_PDF
    ]
    assert len(result) == 1


def test_downloads_cannot_be_reached_by_guessing(client, world):
    application = world["application"]
    stored = application.materials.first()
    other = apply(world["item"], id_number="370282196503120044")
    guesses = [
        "/wsbs/bsdt/query/file/1/",
        f"/wsbs/bsdt/query/file/{stored.pk}/",
        f"/wsbs/bsdt/query/file/{application.pk}:{stored.pk}/",
        "/wsbs/bsdt/query/file/result/",
        # Signed with another salt, or tampered with.
        "/wsbs/bsdt/query/file/" + signing.dumps([application.pk, stored.pk]) + "/",
        "/wsbs/bsdt/query/file/"
        + base64.urlsafe_b64encode(signing.dumps([application.pk, stored.pk]).encode()).decode().rstrip("=")
        + "/",
        "/wsbs/bsdt/query/file/" + download_token(application, stored.pk)[:-3] + "xyz/",
        # A genuine token of one application cannot fetch another's file.
        "/wsbs/bsdt/query/file/" + download_token(other, stored.pk) + "/",
        # The result of an application that has none (and is not closed).
        "/wsbs/bsdt/query/file/" + download_token(application, "result") + "/",
        # Private files are not under MEDIA_URL.
        settings.MEDIA_URL + stored.file.name,
        "/media/" + stored.file.name,
        "/" + stored.file.name,
    ]
    for guess in guesses:
        response = client.get(guess, HTTP_HOST=WWW)
        assert response.status_code in (403, 404), guess
        assert not hasattr(response, "streaming_content") or PDF not in b"".join(response.streaming_content)
    # And the right token works: the refusals above are not just a broken route.
    good = "/wsbs/bsdt/query/file/" + download_token(application, stored.pk) + "/"
    assert client.get(good, HTTP_HOST=WWW).status_code == 200


def test_download_links_expire_after_ten_minutes(client, world, monkeypatch):
    application = world["application"]
    stored = application.materials.first()
    eleven_minutes_ago = time.time() - 11 * 60
    monkeypatch.setattr(signing.time, "time", lambda: eleven_minutes_ago)
    token = download_token(application, stored.pk)
    monkeypatch.undo()
    response = client.get(f"/wsbs/bsdt/query/file/{token}/", HTTP_HOST=WWW)
    assert response.status_code == 403
    assert "下载链接已过期" in text(response)


def test_the_status_page_hides_internal_details(client, world):
    application, users = world["application"], world["users"]
    workflow.perform(application, "accept", users["jyj_editor"])
    workflow.perform(application, "route", users["jyj_editor"], assignee=users["jyj_admin"], post="审批岗")
    html = text(query(client, world))
    assert "jyj_admin" not in html and "jyj_editor" not in html
    assert 'name="id_tail"' not in html  # no action open: the credentials are not carried on


def test_actions_the_application_is_not_open_to_are_409_with_a_message(client, world):
    response = post(client, world["hall"], "query/rate/", {**credentials(world), "rating": "5"})
    assert response.status_code == 409 and "不能评价" in text(response)
    slot = world["item"].materials.get(name="房产证明")
    response = post(
        client, world["hall"], "query/resubmit/", {**credentials(world), f"material_{slot.pk}": [pdf()]}
    )
    assert response.status_code == 409 and "不能补正后重新提交" in text(response)
    application = Application.objects.get(pk=world["application"].pk)
    assert application.rating is None and not application.materials.filter(round=2).exists()
