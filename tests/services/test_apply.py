"""Applying online on a guide page: the form, identity checks, materials stored privately, the
receipt, and every refusal (bad input 400, replay 409, rate limits 429, items not open 404/400)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from services.models import Application, ApplicationMaterial, ServiceItemPage
from tests.factories.services import add_item, ensure_hall
from tests.services import CREDIT_CODE, OTHER_PERSON_ID, PDF, PERSON_ID, get, hidden, post, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(group):
    ensure_hall()
    return add_item("jyj", "小学一年级新生入学登记")


def slots(item):
    return list(item.materials.order_by("sort_order"))


def pdf(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def application_data(html, item, files=None, **overrides):
    data = {
        "token": hidden(html, "token"),
        "captcha_id": hidden(html, "captcha_id"),
        "captcha": "2345",
        "applicant_type": "individual",
        "applicant_name": "刘晓梅",
        "id_number": PERSON_ID,
        "contact_name": "",
        "phone": "13953256789",
        "email": "",
        "notes": "孩子今年九月入学。",
    }
    if files is None:
        files = {m.pk: [pdf(f"{m.name}.pdf")] for m in slots(item) if m.required}
    for pk, uploads in files.items():
        data[f"material_{pk}"] = uploads
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def apply_online(client, item, remote_addr="10.2.0.1", files=None, **overrides):
    page = text(get(client, item, "apply/", REMOTE_ADDR=remote_addr))
    return post(
        client, item, "apply/", application_data(page, item, files, **overrides), REMOTE_ADDR=remote_addr
    )


def test_the_form_has_a_file_input_per_material_slot_a_token_and_a_captcha(client, item):
    response = get(client, item, "apply/")
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="token"' in html and 'name="captcha"' in html and 'name="captcha_id"' in html
    for material in slots(item):
        assert f'name="material_{material.pk}"' in html
        assert material.name in html
    required, optional = slots(item)[0], slots(item)[2]
    assert '户口簿或居住证<span class="required">（必填）</span>' in html
    assert f'{optional.name}<span class="optional">（选填）</span>' in html
    assert f'name="material_{required.pk}" multiple required' in html
    assert f'name="material_{optional.pk}" multiple id=' in html
    # An item for individuals only: no 法人 choice, and no contact person field.
    assert 'value="legal_person"' not in html and 'name="contact_name"' not in html


def test_each_form_gets_its_own_token(client, item):
    first = hidden(text(get(client, item, "apply/")), "token")
    second = hidden(text(get(client, item, "apply/")), "token")
    assert first != second


def test_an_application_is_stored_with_its_materials_in_private_storage_and_a_receipt_is_shown(client, item):
    response = apply_online(client, item)
    html = text(response)
    assert response.status_code == 200, html
    assert "no-store" in response["Cache-Control"]
    application = Application.objects.get()
    assert application.receipt_number in html
    assert 'class="svc-credential"' in html
    assert "证件号码后六位" in html and "5 个工作日" in html
    assert "/wsbs/bsdt/query/?no=" + application.receipt_number in html
    assert application.state == Application.State.SUBMITTED
    assert application.applicant_name == "刘晓梅" and application.id_number == PERSON_ID
    assert application.organisation.label == "jyj"
    assert application.submitter_ip == "10.2.0.1"
    stored = list(application.materials.order_by("pk"))
    assert [m.material_name for m in stored] == ["户口簿或居住证", "儿童出生医学证明"]
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for material in stored:
        path = Path(material.file.path).resolve()
        assert path.is_relative_to(private_root) and not path.is_relative_to(media_root)
        assert path.read_bytes() == PDF
        assert material.original_name.endswith(".pdf") and material.kind == "pdf"


def test_several_files_per_slot_and_optional_slots(client, item):
    first, second, third = slots(item)
    files = {
        first.pk: [pdf("户口簿首页.pdf"), pdf("户口簿本人页.pdf")],
        second.pk: [pdf()],
        third.pk: [pdf("房产证.pdf")],
    }
    response = apply_online(client, item, files=files)
    assert response.status_code == 200, text(response)
    names = sorted(ApplicationMaterial.objects.values_list("original_name", flat=True))
    assert names == sorted(["户口簿首页.pdf", "户口簿本人页.pdf", "材料.pdf", "房产证.pdf"])


def test_a_legal_person_applies_with_a_credit_code_and_a_contact(client, group):
    ensure_hall()
    item = add_item("jyj", "民办学校办学许可", for_individuals=False, for_legal_persons=True)
    html = text(get(client, item, "apply/"))
    assert (
        'name="contact_name"' in html and 'value="legal_person"' in html and 'value="individual"' not in html
    )
    response = apply_online(
        client,
        item,
        applicant_type="legal_person",
        applicant_name="即墨市阳光教育培训学校",
        id_number=CREDIT_CODE.lower(),
        contact_name="王建国",
        phone="0532-88887777",
    )
    assert response.status_code == 200, text(response)
    application = Application.objects.get()
    assert application.id_number == CREDIT_CODE and application.contact_name == "王建国"
    assert application.applicant_type == "legal_person"


def test_a_legal_person_needs_a_valid_credit_code_and_a_contact(client, group):
    ensure_hall()
    item = add_item("jyj", "民办学校办学许可", for_individuals=False, for_legal_persons=True)
    response = apply_online(
        client, item, applicant_type="legal_person", id_number=CREDIT_CODE[:-1] + "1", contact_name=""
    )
    html = text(response)
    assert response.status_code == 400
    assert "统一社会信用代码校验位不正确" in html
    assert "法人申请请填写联系人" in html
    response = apply_online(client, item, applicant_type="legal_person", id_number="91370282MA3C5N2I80")
    assert "统一社会信用代码格式不正确" in text(response)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "id_number, message",
    [
        ("370282198805061226", "居民身份证号码校验位不正确"),
        ("37028219880506122", "居民身份证号码应为 18 位"),
        ("370282198813061220", "出生日期不正确"),
        ("37028219880506122A", "最后一位为数字或字母 X"),
    ],
)
def test_a_wrong_resident_id_is_refused_and_what_was_typed_is_kept(client, item, id_number, message):
    response = apply_online(client, item, id_number=id_number)
    html = text(response)
    assert response.status_code == 400
    assert message in html
    assert 'value="刘晓梅"' in html and "孩子今年九月入学。" in html and f'value="{id_number}"' in html
    assert "请重新选择全部材料文件" in html  # files cannot be kept
    assert not Application.objects.exists()


def test_an_x_check_digit_may_be_typed_in_lower_case_and_full_width(client, item):
    response = apply_online(client, item, id_number="１１０１０５１９４９１２３１００２ｘ")
    assert response.status_code == 200, text(response)
    assert Application.objects.get().id_number == "11010519491231002X"


def test_the_item_decides_which_applicant_types_are_accepted(client, item):
    response = apply_online(client, item, applicant_type="legal_person", id_number=CREDIT_CODE)
    assert response.status_code == 400
    assert "本事项不受理该类申请人" in text(response)


def test_bad_phone_is_refused(client, item):
    response = apply_online(client, item, phone="12345")
    assert response.status_code == 400
    assert "联系电话格式不正确" in text(response)


def test_missing_required_materials_are_named(client, item):
    first, second, third = slots(item)
    response = apply_online(client, item, files={second.pk: [pdf()]})
    html = text(response)
    assert response.status_code == 400
    assert "请上传必须提交的材料：户口簿或居住证。" in html
    assert "儿童出生医学证明：" not in html
    response = apply_online(client, item, files={})
    assert "请上传必须提交的材料：户口簿或居住证、儿童出生医学证明。" in text(response)
    assert not Application.objects.exists()


def test_an_executable_renamed_to_pdf_is_refused(client, item):
    first, second, _third = slots(item)
    exe = SimpleUploadedFile("户口簿.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf")
    response = apply_online(client, item, files={first.pk: [exe], second.pk: [pdf()]})
    html = text(response)
    assert response.status_code == 400
    assert "户口簿.pdf" in html and "可执行文件" in html
    assert not Application.objects.exists() and not ApplicationMaterial.objects.exists()


def test_a_file_whose_content_does_not_match_its_name_is_refused(client, item):
    first, second, _third = slots(item)
    fake = SimpleUploadedFile("出生证明.pdf", "这不是PDF文件".encode(), "application/pdf")
    response = apply_online(client, item, files={first.pk: [pdf()], second.pk: [fake]})
    assert response.status_code == 400
    assert "内容与文件类型不符" in text(response)


def test_an_oversize_file_is_refused(client, item):
    first, second, _third = slots(item)
    big = pdf("扫描件.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = apply_online(client, item, files={first.pk: [big], second.pk: [pdf()]})
    html = text(response)
    assert response.status_code == 400
    assert "扫描件.pdf" in html and "超过 10 MB" in html
    assert not Application.objects.exists()


def test_a_wrong_captcha_is_refused_and_a_new_one_issued(client, item):
    page = text(get(client, item, "apply/"))
    data = application_data(page, item, captcha="WXYZ")
    response = post(client, item, "apply/", data)
    html = text(response)
    assert response.status_code == 400
    assert "验证码不正确或已过期" in html
    assert hidden(html, "captcha_id") != data["captcha_id"]
    assert not Application.objects.exists()


def test_a_replayed_form_is_a_duplicate_409_and_nothing_is_stored_twice(client, item):
    page = text(get(client, item, "apply/"))
    first = post(client, item, "apply/", application_data(page, item))
    assert first.status_code == 200
    receipt = Application.objects.get().receipt_number
    again = post(client, item, "apply/", application_data(page, item))
    html = text(again)
    assert again.status_code == 409
    assert "该申请已经提交过" in html and receipt in html
    assert hidden(html, "token") != hidden(page, "token")  # a fresh form
    assert Application.objects.count() == 1


def test_five_applications_per_hour_from_one_address(client, item):
    for number in range(5):
        response = apply_online(client, item, remote_addr="10.9.9.9")
        assert response.status_code == 200, (number, text(response))
    response = apply_online(client, item, remote_addr="10.9.9.9", applicant_name="张三")
    html = text(response)
    assert response.status_code == 429
    assert "同一网络每小时最多提交 5 件申请" in html
    assert 'value="张三"' in html  # what was typed stays
    assert response["Retry-After"]
    assert Application.objects.count() == 5
    other = apply_online(client, item, remote_addr="10.9.9.10", id_number=OTHER_PERSON_ID)
    assert other.status_code == 200  # another network (and another person) is not held back


def test_five_applications_per_day_per_id_number(client, item):
    for number in range(5):
        response = apply_online(client, item, remote_addr=f"10.8.0.{number + 1}")
        assert response.status_code == 200, text(response)
    response = apply_online(client, item, remote_addr="10.8.0.99", id_number=PERSON_ID.lower())
    assert response.status_code == 429
    assert "同一证件号码每天最多提交 5 件申请" in text(response)
    assert apply_online(client, item, remote_addr="10.8.0.99", id_number=OTHER_PERSON_ID).status_code == 200


def test_an_item_that_does_not_accept_online_applications_is_404(client, group):
    item = add_item("jyj", "教师资格认定（现场）", accepts_online=False)
    for response in (get(client, item, "apply/"), post(client, item, "apply/", {})):
        assert response.status_code == 404
        assert "该事项暂不支持网上申请" in text(response)
    assert not Application.objects.exists()


def test_an_incomplete_guide_cannot_be_applied_for(client, group):
    item = add_item("jyj", "要素不全的事项", location="")
    assert item.missing_elements() == ["办理地点"]
    response = get(client, item, "apply/")
    assert response.status_code == 400
    assert "办事指南尚不完整" in text(response) and "0532-88512345" in text(response)
    page = text(get(client, add_item("jyj", "完整事项"), "apply/"))
    response = post(client, item, "apply/", application_data(page, item))
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_an_unpublished_item_has_no_apply_page(client, item):
    item.unpublish()
    assert get(client, item, "apply/").status_code == 404


def test_the_guide_links_to_the_form(client, item):
    html = text(get(client, item))
    assert f'href="{item.relative_url(item.get_site())}apply/"' in html
    assert isinstance(item, ServiceItemPage)
