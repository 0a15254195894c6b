"""依申请公开 on the public side: filing (identity checks, captcha, replay, rate limits), the
receipt, and the applicant's query page with 补正, withdrawal and the signed answer download."""

import base64
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from disclosure import workflow
from disclosure.catalogue_views import DOCUMENT_SALT
from disclosure.models import DisclosureCataloguePage, DisclosureRequest
from tests.factories.disclosure import file_request
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db

GOOD_ID = "370282198001011234"
BAD_ID = "370282198001011235"  # wrong check digit
USCC = "91370282MA3C123456"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def add_catalogue(organisation, group_wide=False):
    page = DisclosureCataloguePage(title="政府信息公开目录", slug="gkml", group_wide=group_wide)
    column(organisation, "zwgk").add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def catalogue(group):
    return add_catalogue(group["jyj"])


@pytest.fixture
def portal_catalogue(group):
    return add_catalogue(group["www"], group_wide=True)


def url(page, sub=""):
    return page.relative_url(page.get_site()) + sub


def get(client, page, sub="", **extra):
    return client.get(url(page, sub), HTTP_HOST=page.get_site().hostname, **extra)


def post(client, page, sub="", data=None, **extra):
    return client.post(url(page, sub), data or {}, HTTP_HOST=page.get_site().hostname, **extra)


def text(response):
    return response.content.decode()


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def request_data(html, **overrides):
    data = {
        "token": hidden(html, "token"),
        "captcha_id": hidden(html, "captcha_id"),
        "captcha": "2345",
        "applicant_type": "person",
        "organisation_kind": "",
        "name": "王秀英",
        "id_number": GOOD_ID,
        "contact_name": "",
        "phone": "13953218888",
        "email": "",
        "address": "",
        "description": "请公开2026年即墨市城区小学学区划分方案及其制定依据。",
        "delivery": "electronic",
        "acquisition": "online",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, page, remote_addr="10.2.2.2", **overrides):
    form = text(get(client, page, "request/", REMOTE_ADDR=remote_addr))
    return post(client, page, "request/", request_data(form, **overrides), REMOTE_ADDR=remote_addr)


def credentials(html):
    numbers = re.findall(r'<dd class="credential">([^<]+)</dd>', html)
    assert len(numbers) == 2, "no receipt number and query code on the page"
    return numbers[0], numbers[1]


def file_directly(group, days_ago=0):
    """A request at 教育局 filed some days ago, straight through the workflow."""
    return file_request("jyj", received_at=timezone.now() - timedelta(days=days_ago))


def query(client, page, application, code, remote_addr="10.3.3.3"):
    return post(
        client,
        page,
        "request/query/",
        {"receipt_number": application.receipt_number, "code": code},
        REMOTE_ADDR=remote_addr,
    )


# --- The form -------------------------------------------------------------------------------------


def test_unit_site_form_has_the_unit_fixed(client, catalogue):
    response = get(client, catalogue, "request/")
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "受理机关：</strong>即墨市教育局" in html
    assert 'name="organisation"' not in html
    for field in (
        "applicant_type",
        "organisation_kind",
        "id_number",
        "contact_name",
        "description",
        "delivery",
        "acquisition",
        "captcha",
        "token",
    ):
        assert f'name="{field}"' in html
    for label in (
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他组织",
    ):
        assert label in html


def test_portal_form_lets_the_applicant_pick_a_department_or_town(client, group, portal_catalogue):
    html = text(get(client, portal_catalogue, "request/"))
    select = html.split('name="organisation"', 1)[1].split("</select>", 1)[0]
    assert "即墨市教育局" in select and "即墨市公安局" in select and "即墨市蓝村镇人民政府" in select
    assert "教育分站" not in select


# --- Filing ---------------------------------------------------------------------------------------


def test_a_person_files_a_request_and_gets_the_receipt(client, group, catalogue):
    response = submit(client, catalogue)
    html = text(response)
    assert response.status_code == 200, html
    assert "no-store" in response["Cache-Control"]
    assert DisclosureRequest.objects.count() == 1
    application = DisclosureRequest.objects.get()
    assert application.organisation == group["jyj"]
    assert application.applicant_kind == "person"
    assert application.id_number == GOOD_ID
    assert application.submitter_ip == "10.2.2.2"
    receipt, code = credentials(html)
    assert receipt == application.receipt_number
    assert workflow.find_request(receipt, code, "10.9.9.9") == application
    due = application.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert "20 个工作日" in html and "可延长 20 个工作日" in html and "重新计算" in html


def test_portal_request_goes_to_the_chosen_unit(client, group, portal_catalogue):
    response = submit(client, portal_catalogue, organisation=str(group["gaj"].pk))
    assert response.status_code == 200, text(response)
    assert DisclosureRequest.objects.get().organisation == group["gaj"]


def test_portal_request_needs_a_unit(client, portal_catalogue):
    response = submit(client, portal_catalogue)
    assert response.status_code == 400
    assert "请选择受理机关。" in text(response)
    assert not DisclosureRequest.objects.exists()


def test_an_organisation_files_with_its_kind_and_credit_code(client, catalogue):
    response = submit(
        client,
        catalogue,
        applicant_type="organisation",
        organisation_kind="legal_service",
        name="山东某某律师事务所",
        id_number=USCC.lower(),
        contact_name="李律师",
        acquisition="email",
        email="lvshi@example.cn",
    )
    assert response.status_code == 200, text(response)
    application = DisclosureRequest.objects.get()
    assert application.applicant_kind == "legal_service"
    assert application.id_number == USCC
    assert application.contact_name == "李律师"


def test_organisation_needs_a_contact_name_and_kind(client, catalogue):
    response = submit(
        client, catalogue, applicant_type="organisation", name="某某科技有限公司", id_number=USCC
    )
    html = text(response)
    assert response.status_code == 400
    assert "法人或其他组织申请，请填写联系人。" in html
    assert "请选择组织类型。" in html
    assert 'value="某某科技有限公司"' in html  # what was typed stays
    assert not DisclosureRequest.objects.exists()


def test_organisation_needs_a_valid_credit_code(client, catalogue):
    response = submit(
        client,
        catalogue,
        applicant_type="organisation",
        organisation_kind="commercial",
        name="某某科技有限公司",
        contact_name="张经理",
        id_number="91370282MA3C12345O",  # O is not in the code's alphabet
    )
    assert response.status_code == 400
    assert "统一社会信用代码应为 18 位" in text(response)


def test_post_needs_an_address_and_email_needs_an_email(client, catalogue):
    response = submit(client, catalogue, acquisition="post", delivery="paper")
    assert response.status_code == 400
    assert "选择邮寄的，请填写通信地址。" in text(response)
    response = submit(client, catalogue, acquisition="email")
    assert response.status_code == 400
    assert "选择电子邮件获取的，请填写电子邮箱。" in text(response)
    assert not DisclosureRequest.objects.exists()
    response = submit(
        client, catalogue, acquisition="post", delivery="paper", address="即墨市鹤山路1号 266200"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "id_number, message",
    [
        (BAD_ID, "校验位不正确"),
        ("37028219800101123", "身份证号码应为 18 位"),
        ("370282198013011239", "出生日期不正确"),
    ],
)
def test_bad_resident_id_is_refused(client, catalogue, id_number, message):
    response = submit(client, catalogue, id_number=id_number)
    html = text(response)
    assert response.status_code == 400
    assert message in html
    assert "请公开2026年即墨市城区小学学区划分方案及其制定依据。" in html
    assert not DisclosureRequest.objects.exists()


def test_description_length_is_checked(client, catalogue):
    response = submit(client, catalogue, description="学区划分")
    assert response.status_code == 400
    assert "不能少于 10 个字" in text(response)


def test_wrong_captcha_keeps_the_values_and_issues_a_new_challenge(client, catalogue):
    form = text(get(client, catalogue, "request/"))
    data = request_data(form, captcha="9999")
    response = post(client, catalogue, "request/", data)
    html = text(response)
    assert response.status_code == 400
    assert "验证码不正确或已过期" in html
    assert 'value="王秀英"' in html and f'value="{GOOD_ID}"' in html
    assert hidden(html, "captcha_id") != data["captcha_id"]
    assert not DisclosureRequest.objects.exists()


def test_workflow_validation_errors_land_on_their_fields(client, catalogue, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"address": "请填写通信地址（来自办理规则）。"})

    monkeypatch.setattr(workflow, "submit_request", refuse)
    response = submit(client, catalogue)
    html = text(response)
    assert response.status_code == 400
    assert 'id="id_address_error">请填写通信地址（来自办理规则）。' in html


def test_a_replayed_form_is_refused_with_409(client, catalogue):
    form = text(get(client, catalogue, "request/"))
    data = request_data(form)
    assert post(client, catalogue, "request/", data).status_code == 200
    replay = post(client, catalogue, "request/", data)
    assert replay.status_code == 409
    assert "请勿重复提交" in text(replay)
    assert DisclosureRequest.objects.get().receipt_number in text(replay)
    assert DisclosureRequest.objects.count() == 1


def test_duplicate_from_the_workflow_is_409(client, group, catalogue, monkeypatch):
    existing, _code = file_directly(group)

    def duplicate(*args, **kwargs):
        raise workflow.DuplicateSubmission(existing)

    monkeypatch.setattr(workflow, "submit_request", duplicate)
    response = submit(client, catalogue)
    assert response.status_code == 409
    assert existing.receipt_number in text(response)


def test_five_requests_an_hour_per_address(client, catalogue):
    for _ in range(5):
        assert submit(client, catalogue, remote_addr="10.4.4.4").status_code == 200
    response = submit(client, catalogue, remote_addr="10.4.4.4", name="第六次申请人")
    assert response.status_code == 429
    assert "每小时最多提交 5 件申请" in text(response)
    assert 'value="第六次申请人"' in text(response)
    assert response["Retry-After"]
    assert DisclosureRequest.objects.count() == 5
    # Another address is not affected.
    assert submit(client, catalogue, remote_addr="10.4.4.5").status_code == 200


# --- Query ----------------------------------------------------------------------------------------


def test_query_with_the_right_code_shows_state_dates_and_history(client, group, catalogue):
    application, code = file_directly(group, days_ago=2)
    response = query(client, catalogue, application, code.lower())
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert application.receipt_number in html
    assert "办理中" in html
    due = application.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in html
    received = timezone.localtime(application.received_at)
    assert f"{received.year}年{received.month}月{received.day}日" in html
    assert "提交申请" in html
    assert "撤回申请" in html


def test_query_with_a_wrong_code_is_refused(client, group, catalogue):
    application, code = file_directly(group)
    wrong = "2" * 6 if code != "2" * 6 else "3" * 6
    response = query(client, catalogue, application, wrong)
    assert response.status_code == 404
    assert "申请编号或查询码不正确" in text(response)
    assert application.description not in text(response)
    response = post(client, catalogue, "request/query/", {"receipt_number": "GK2026", "code": ""})
    assert response.status_code == 400


def test_query_is_post_only(client, group, catalogue):
    application, code = file_directly(group)
    response = client.get(
        url(catalogue, "request/query/"),
        {"receipt_number": application.receipt_number, "code": code},
        HTTP_HOST=catalogue.get_site().hostname,
    )
    assert response.status_code == 200
    assert application.description not in text(response)
    assert "no-store" in response["Cache-Control"]


def test_repeated_wrong_codes_lock_the_receipt_number(client, group, catalogue):
    application, code = file_directly(group)
    wrong = "2" * 6 if code != "2" * 6 else "3" * 6
    for index in range(5):
        assert query(client, catalogue, application, wrong, remote_addr=f"10.5.5.{index}").status_code == 404
    response = query(client, catalogue, application, code, remote_addr="10.5.5.99")
    assert response.status_code == 429


def test_clarification_restarts_the_clock(client, group, catalogue):
    application, code = file_directly(group, days_ago=4)
    old_due = application.due_date
    workflow.perform(
        application,
        "request_clarification",
        group["users"]["jyj_editor"],
        note="请写明所需方案的年份和学段。",
    )
    html = text(query(client, catalogue, application, code))
    assert "待申请人补正" in html
    assert "请写明所需方案的年份和学段。" in html
    assert 'name="note"' in html
    response = post(
        client,
        catalogue,
        "request/query/clarify/",
        {
            "receipt_number": application.receipt_number,
            "code": code,
            "note": "所需为2026年秋季小学一年级的学区划分方案。",
        },
    )
    html = text(response)
    assert response.status_code == 200, html
    application.refresh_from_db()
    assert application.state == DisclosureRequest.State.RECEIVED
    assert application.clarification_reply == "所需为2026年秋季小学一年级的学区划分方案。"
    assert application.clock_start == timezone.localdate()
    assert application.due_date > old_due
    due = application.due_date
    assert f"新的答复期限为 {due.year}年{due.month}月{due.day}日" in html
    assert "申请人补正" in html and "告知补正" in html
    # The form is gone: 补正 happens once.
    assert 'name="note"' not in html


def test_clarification_needs_text_and_the_right_code(client, group, catalogue):
    application, code = file_directly(group, days_ago=1)
    workflow.perform(application, "request_clarification", group["users"]["jyj_editor"], note="请写明年份。")
    response = post(
        client,
        catalogue,
        "request/query/clarify/",
        {"receipt_number": application.receipt_number, "code": code, "note": ""},
    )
    assert response.status_code == 400
    assert "请填写补正内容。" in text(response)
    wrong = "2" * 6 if code != "2" * 6 else "3" * 6
    response = post(
        client,
        catalogue,
        "request/query/clarify/",
        {"receipt_number": application.receipt_number, "code": wrong, "note": "所需为2026年的方案。"},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == DisclosureRequest.State.CLARIFICATION


def test_clarifying_a_request_that_is_not_waiting_for_it_is_409(client, group, catalogue):
    application, code = file_directly(group)
    response = post(
        client,
        catalogue,
        "request/query/clarify/",
        {"receipt_number": application.receipt_number, "code": code, "note": "所需为2026年的方案。"},
    )
    assert response.status_code == 409
    assert "不能进行“申请人补正”操作" in text(response)


def test_withdraw(client, group, catalogue):
    application, code = file_directly(group)
    data = {"receipt_number": application.receipt_number, "code": code}
    response = post(client, catalogue, "request/query/withdraw/", data)
    assert response.status_code == 400
    assert "请勾选确认后再撤回申请。" in text(response)
    response = post(client, catalogue, "request/query/withdraw/", {**data, "confirm": "on"})
    html = text(response)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.state == DisclosureRequest.State.WITHDRAWN
    assert "您的申请已撤回" in html and "申请人撤回" in html
    assert 'name="confirm"' not in html
    response = post(client, catalogue, "request/query/withdraw/", {**data, "confirm": "on"})
    assert response.status_code == 409


# --- The answer -----------------------------------------------------------------------------------


def answered(group, with_document=True):
    application, code = file_directly(group, days_ago=3)
    workflow.perform(
        application,
        "answer",
        group["users"]["jyj_editor"],
        note="经查，您申请的学区划分方案已主动公开，现予提供。",
        result="open",
        document=ContentFile(PDF, name="answer.pdf") if with_document else None,
    )
    application.refresh_from_db()
    return application, code


def download_link(html):
    match = re.search(r'href="([^"]*/request/answer/[^"]+/)"', html)
    assert match, "no download link"
    return match.group(1)


def test_answer_is_shown_with_its_result_and_a_signed_download(client, group, catalogue):
    application, code = answered(group)
    html = text(query(client, catalogue, application, code))
    assert "已答复" in html
    assert workflow.result_label("open") in html
    assert "经查，您申请的学区划分方案已主动公开，现予提供。" in html
    # The stored file name never reaches the page.
    assert application.answer_document.name not in html
    assert application.answer_document.name.rsplit("/", 1)[-1] not in html
    link = download_link(html)
    response = client.get(link, HTTP_HOST=catalogue.get_site().hostname)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_the_answer_document_cannot_be_reached_without_a_valid_link(client, group, catalogue):
    application, code = answered(group)
    host = catalogue.get_site().hostname
    for guess in (str(application.pk), application.receipt_number, "x" * 40):
        assert client.get(url(catalogue, f"request/answer/{guess}/"), HTTP_HOST=host).status_code == 404
    # Signed with another salt, or with the right salt but changed to another request's id.
    token = download_link(text(query(client, catalogue, application, code))).rstrip("/").rsplit("/", 1)[-1]
    signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    payload = signing.loads(signed, salt=DOCUMENT_SALT)
    assert payload["r"] == application.pk and "disclosure/" not in signed
    forged = signing.dumps(payload, salt="another-salt")
    value, rest = signed.split(":", 1)
    other_value = (
        base64.urlsafe_b64encode(signing.JSONSerializer().dumps({**payload, "r": application.pk + 1}))
        .decode()
        .rstrip("=")
    )
    for bad in (forged, f"{other_value}:{rest}"):
        wrapped = base64.urlsafe_b64encode(bad.encode()).decode().rstrip("=")
        assert client.get(url(catalogue, f"request/answer/{wrapped}/"), HTTP_HOST=host).status_code == 404
    assert client.get(url(catalogue, f"request/answer/{token}/"), HTTP_HOST=host).status_code == 200


def test_the_download_link_expires_after_ten_minutes(client, group, catalogue, monkeypatch):
    application, code = answered(group)
    link = download_link(text(query(client, catalogue, application, code)))
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 11 * 60)
    response = client.get(link, HTTP_HOST=catalogue.get_site().hostname)
    assert response.status_code == 403
    assert "下载链接已过期" in text(response)


def test_an_answer_without_a_document_has_no_download(client, group, catalogue):
    application, code = answered(group, with_document=False)
    html = text(query(client, catalogue, application, code))
    assert "经查，您申请的学区划分方案已主动公开" in html
    assert "/request/answer/" not in html
