"""The public pages of a letter box: writing, the confirmation, the status query, rating and
comments, and the published letters with every kind of personal data masked."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forms import workflow
from forms.models import Letter, LetterComment
from tests.conftest import host
from tests.factories.letters import letter_world, write_letter

pytestmark = pytest.mark.django_db

WWW = host("www")
JYJ = host("jyj")


@pytest.fixture
def world(group):
    return letter_world()


def box_path(box, sub=""):
    return box.relative_url(box.get_site()) + sub


def box_host(box):
    return box.get_site().hostname


def get(client, box, sub="", **extra):
    return client.get(box_path(box, sub), HTTP_HOST=box_host(box), **extra)


def post(client, box, sub="", data=None, **extra):
    return client.post(box_path(box, sub), data or {}, HTTP_HOST=box_host(box), **extra)


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def letter_data(html, **overrides):
    data = {
        "token": hidden(html, "token"),
        "captcha_id": hidden(html, "captcha_id"),
        "captcha": "2345",
        "letter_type": "consult",
        "title": "关于小区路灯损坏的反映",
        "content": "我们小区东门外的路灯已经坏了两个星期，晚上出行很不安全，请有关部门尽快维修。",
        "name": "刘桂兰",
        "phone": "13953218888",
        "email": "",
        "address": "",
        "consent_publish": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, box, remote_addr="10.1.1.1", **overrides):
    page = get(client, box, REMOTE_ADDR=remote_addr).content.decode()
    return post(client, box, data=letter_data(page, **overrides), REMOTE_ADDR=remote_addr)


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (24, 24), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text(response):
    return response.content.decode()


def close(letter, group, reply="您反映的问题已经处理完毕，路灯已于本周修复，感谢您的监督。", world=None):
    """Take a letter through acceptance, assignment, reply and approval to 已办结."""
    users = group["users"]
    dispatcher = world.dispatcher if world else users["admin"]
    workflow.perform(letter, "accept", dispatcher)
    letter.refresh_from_db()
    if letter.state == Letter.State.ACCEPTED:
        workflow.perform(letter, "assign", dispatcher, note="请认真办理。", unit=group["jyj"])
    workflow.perform(letter, "submit_reply", users["jyj_editor"], reply=reply)
    workflow.perform(letter, "approve_reply", users["jyj_admin"])
    letter.refresh_from_db()
    return letter


# --- 写信 -----------------------------------------------------------------------------------------


def test_index_shows_intro_rule_forms_and_links(client, world):
    response = get(client, world.mayor)
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert world.mayor.deadline_rule().describe() in html
    assert "写信须知" in html
    assert 'name="token"' in html and 'name="captcha"' in html
    assert "同意公开（公开时隐去您的个人信息）" in html
    for sub in ("query/", "letters/", "statistics/"):
        assert box_path(world.mayor, sub) in html


def test_each_form_gets_its_own_token(client, world):
    first = hidden(text(get(client, world.mayor)), "token")
    second = hidden(text(get(client, world.mayor)), "token")
    assert first != second


def test_a_letter_with_attachments_is_stored_once_and_its_number_and_code_are_shown(client, world):
    before = Letter.objects.count()
    response = submit(client, world.mayor, attachments=[png("现场照片.png"), png("路灯.png")])
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert Letter.objects.count() == before + 1
    letter = Letter.objects.latest("pk")
    assert letter.box_id == world.mayor.pk and letter.title == "关于小区路灯损坏的反映"
    assert letter.consent_publish and letter.submitter_ip == "10.1.1.1"
    assert sorted(a.original_name for a in letter.attachments.all()) == ["现场照片.png", "路灯.png"]
    assert letter.number in html
    code = re.search(r'<dt>查询码</dt><dd class="credential">([A-Z0-9]{6})</dd>', html).group(1)
    assert workflow.find_letter(letter.number, code, "10.9.9.9") == letter
    assert "请牢记" in html and "window.print()" in html


def test_a_wrong_captcha_stores_nothing_and_keeps_what_was_typed(client, world):
    before = Letter.objects.count()
    response = submit(client, world.mayor, captcha="XXXX", title="夜间施工噪音扰民", address="通济街道")
    html = text(response)
    assert response.status_code == 400
    assert Letter.objects.count() == before
    assert "验证码不正确或已过期" in html
    assert 'value="夜间施工噪音扰民"' in html and 'value="通济街道"' in html
    assert "我们小区东门外的路灯" in html
    # A new challenge with an empty answer.
    assert 'name="captcha" value=' not in html.replace('name="captcha" value=""', "")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "请填写标题。"),
        ({"content": ""}, "请填写内容。"),
        ({"name": ""}, "请填写姓名。"),
        ({"phone": ""}, "请填写联系电话。"),
        ({"letter_type": None}, "请选择信件类型。"),
        ({"letter_type": "nonsense"}, "请选择本信箱受理的信件类型。"),
        ({"title": "标" * 61}, "标题不能超过 60 个字"),
        ({"content": "太短了"}, "内容不能少于 10 个字"),
        ({"content": "长" * 3001}, "内容不能超过 3000 个字"),
        ({"name": "名" * 31}, "姓名不能超过 30 个字"),
        ({"phone": "12345"}, "联系电话格式不正确"),
        ({"email": "not-an-address"}, "请输入有效的电子邮箱地址。"),
        ({"title": "标题\x07响铃"}, "控制字符"),
        ({"content": "正常的内容\u202e但带有方向控制符号"}, "控制字符"),
        ({"token": ""}, "表单已失效"),
    ],
)
def test_invalid_fields_are_refused_in_chinese(client, world, overrides, message):
    before = Letter.objects.count()
    response = submit(client, world.mayor, **overrides)
    assert response.status_code == 400
    assert message in text(response)
    assert 'role="alert"' in text(response)
    assert Letter.objects.count() == before


def test_phone_numbers_in_usual_spellings_are_accepted(client, world):
    for phone in ("0532-88886666", "053288886666", "１３９ ５３２１ ７７７７"):
        response = submit(client, world.mayor, phone=phone, remote_addr=f"10.2.0.{len(phone)}")
        assert response.status_code == 200, text(response)
    assert Letter.objects.filter(phone="13953217777").exists()


def test_an_executable_renamed_pdf_is_refused_and_the_citizen_asked_to_choose_again(client, world):
    before = Letter.objects.count()
    fake = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = submit(client, world.mayor, attachments=[fake], title="附件测试")
    html = text(response)
    assert response.status_code == 400
    assert "可执行文件" in html
    assert "请重新选择附件" in html
    assert 'value="附件测试"' in html
    assert Letter.objects.count() == before


def test_too_many_attachments_are_refused(client, world):
    response = submit(client, world.mayor, attachments=[png(f"{n}.png") for n in range(4)])
    assert response.status_code == 400
    assert "最多上传 3 个附件" in text(response)


def test_script_text_is_stored_as_typed_and_escaped_on_output(client, world, group):
    title = "<script>alert(1)</script>路灯"
    content = '<img src=x onerror="alert(2)">小区路灯坏了很久，请尽快修复。'
    response = submit(client, world.mayor, title=title, content=content)
    assert response.status_code == 200
    html = text(response)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;路灯" in html
    letter = Letter.objects.latest("pk")
    assert letter.title == title and letter.content == content
    close(letter, group, world=world)
    detail = text(get(client, world.mayor, f"letters/{letter.number}/"))
    assert "<script>alert(1)" not in detail and "<img src=x" not in detail
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in detail


def test_a_replayed_form_is_refused_with_409_and_stores_nothing_more(client, world):
    page = text(get(client, world.mayor))
    data = letter_data(page)
    first = post(client, world.mayor, data=data)
    assert first.status_code == 200
    letter = Letter.objects.get(submission_token=data["token"])
    replay = post(client, world.mayor, data=data)
    assert replay.status_code == 409
    assert f"该信件已经提交过（信件编号 {letter.number}），请勿重复提交。" in text(replay)
    # Even with a fresh captcha answered, the token is spent.
    again = letter_data(text(get(client, world.mayor)), token=data["token"])
    assert post(client, world.mayor, data=again).status_code == 409
    assert Letter.objects.filter(title=data["title"]).count() == 1


def test_a_duplicate_found_by_the_workflow_is_also_409(client, world, monkeypatch):
    """Two posts racing past the early token check: the workflow's unique token decides."""
    existing, _code = write_letter(world.mayor)

    def racing(*args, **kwargs):
        raise workflow.DuplicateSubmission(existing)

    monkeypatch.setattr(workflow, "submit_letter", racing)
    response = submit(client, world.mayor)
    assert response.status_code == 409
    assert f"信件编号 {existing.number}" in text(response)


def test_more_than_five_letters_an_hour_from_one_address_get_429(client, world):
    for number in range(5):
        response = submit(client, world.mayor, phone=f"1395321000{number}", remote_addr="10.3.3.3")
        assert response.status_code == 200
    before = Letter.objects.count()
    response = submit(client, world.mayor, phone="13953210009", title="第六封信", remote_addr="10.3.3.3")
    html = text(response)
    assert response.status_code == 429
    assert "同一网络每小时最多提交 5 封信件" in html
    assert 'value="第六封信"' in html  # what was typed stays
    assert response["Retry-After"]
    assert Letter.objects.count() == before
    # Another address is not affected.
    assert submit(client, world.mayor, phone="13953210009", remote_addr="10.3.3.4").status_code == 200


def test_more_than_three_letters_a_day_from_one_phone_get_429(client, world):
    for number in range(3):
        assert (
            submit(client, world.mayor, phone="13953219999", remote_addr=f"10.4.0.{number}").status_code
            == 200
        )
    response = submit(client, world.mayor, phone="139 5321 9999", remote_addr="10.4.0.9")
    assert response.status_code == 429
    assert "同一联系电话每天最多提交 3 封信件" in text(response)


# --- 办理查询 -------------------------------------------------------------------------------------


def test_status_query_with_the_right_code_shows_the_case(client, world):
    letter, code = write_letter(world.mayor, title="关于学校门口交通拥堵的建议")
    workflow.perform(letter, "reject", world.dispatcher, note="该事项已通过诉讼途径处理，请依法办理。")
    response = post(client, world.mayor, "query/", {"number": letter.number, "code": code.lower()})
    html = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "关于学校门口交通拥堵的建议" in html
    assert "不予受理" in html
    assert "该事项已通过诉讼途径处理，请依法办理。" in html
    assert code not in response.request["PATH_INFO"]


def test_status_query_shows_public_history_but_not_internal_notes(client, world, group):
    letter, code = write_letter(world.mayor)
    workflow.perform(letter, "accept", world.dispatcher)
    workflow.perform(letter, "assign", world.dispatcher, note="内部转办意见：请核实后答复", unit=group["jyj"])
    workflow.perform(letter, "forward", group["users"]["jyj_editor"], note="交基教科", section="基教科")
    html = text(post(client, world.mayor, "query/", {"number": letter.number, "code": code}))
    assert "受理" in html and "转办" in html and "教育局" in html
    assert "内部转办意见" not in html
    assert "交基教科" not in html and "交办" not in html
    assert "办理中" in html
    letter.refresh_from_db()
    assert f"{letter.reply_due.year}年{letter.reply_due.month}月{letter.reply_due.day}日前" in html


def test_status_query_with_a_wrong_code_is_refused(client, world):
    letter, _code = write_letter(world.mayor)
    response = post(client, world.mayor, "query/", {"number": letter.number, "code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "信件编号或查询码不正确" in text(response)
    assert letter.title not in text(response)
    response = post(client, world.mayor, "query/", {"number": "", "code": ""})
    assert response.status_code == 400
    assert "请填写信件编号。" in text(response)


def test_guessing_codes_locks_the_number_out(client, world):
    letter, code = write_letter(world.mayor)
    for attempt in range(workflow.QUERY_FAILURES_PER_NUMBER):
        response = post(client, world.mayor, "query/", {"number": letter.number, "code": f"WRONG{attempt}"})
        assert response.status_code == 404
    response = post(client, world.mayor, "query/", {"number": letter.number, "code": code})
    assert response.status_code == 429
    assert "查询失败次数过多" in text(response)


def test_the_query_code_never_travels_in_a_url(client, world):
    letter, code = write_letter(world.mayor)
    html = text(get(client, world.mayor, "query/"))
    assert re.search(r'<form method="post" action="[^"]*query/"', html)
    # A GET with the code in the query string shows the empty form, nothing about the letter.
    response = get(client, world.mayor, f"query/?number={letter.number}&code={code}")
    assert response.status_code == 200 and letter.title not in text(response)


def test_a_closed_letter_shows_the_full_reply_and_can_be_rated_once(client, world, group):
    reply = "经核实，路灯已修复。如有问题请联系13853212345，联系人王建国。"
    letter, code = write_letter(world.mayor)
    close(letter, group, reply=reply, world=world)
    html = text(post(client, world.mayor, "query/", {"number": letter.number, "code": code}))
    assert reply in html  # the citizen's own letter: nothing masked
    assert 'name="rating"' in html and "评论将在审核后显示" in html
    credentials = {"number": letter.number, "code": code}
    response = post(client, world.mayor, "query/rate/", {**credentials, "rating": "4", "comment": "修得很快"})
    assert response.status_code == 200
    assert "感谢您的评价" in text(response)
    letter.refresh_from_db()
    assert letter.rating == 4
    assert 'name="rating"' not in text(response) and "满意" in text(response)
    assert LetterComment.objects.filter(letter=letter, status=LetterComment.Status.PENDING).count() == 1
    again = post(client, world.mayor, "query/rate/", {**credentials, "rating": "1"})
    assert again.status_code == 400
    letter.refresh_from_db()
    assert letter.rating == 4


def test_rating_needs_the_right_code_and_a_choice(client, world, group):
    letter, code = write_letter(world.mayor)
    close(letter, group, world=world)
    wrong = post(
        client, world.mayor, "query/rate/", {"number": letter.number, "code": "ABCDEF", "rating": "5"}
    )
    assert wrong.status_code == 404
    none = post(client, world.mayor, "query/rate/", {"number": letter.number, "code": code})
    assert none.status_code == 400 and "请选择满意度。" in text(none)
    letter.refresh_from_db()
    assert letter.rating is None


def test_an_open_letter_cannot_be_rated(client, world):
    letter, code = write_letter(world.mayor)
    html = text(post(client, world.mayor, "query/", {"number": letter.number, "code": code}))
    assert 'name="rating"' not in html
    response = post(
        client, world.mayor, "query/rate/", {"number": letter.number, "code": code, "rating": "5"}
    )
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.rating is None


def test_a_comment_is_shown_only_after_moderation(client, world, group):
    letter, code = write_letter(world.mayor)
    close(letter, group, world=world)
    response = post(
        client,
        world.mayor,
        "query/comment/",
        {"number": letter.number, "code": code, "comment": "感谢答复，联系电话13853212345"},
    )
    assert response.status_code == 200
    assert "评论已提交，将在审核后显示。" in text(response)
    comment = LetterComment.objects.get(letter=letter)
    assert comment.status == LetterComment.Status.PENDING
    detail = text(get(client, world.mayor, f"letters/{letter.number}/"))
    assert "感谢答复" not in detail
    workflow.moderate_comment(comment, world.dispatcher, approve=True)
    detail = text(get(client, world.mayor, f"letters/{letter.number}/"))
    assert "感谢答复，联系电话138****2345" in detail
    empty = post(
        client, world.mayor, "query/comment/", {"number": letter.number, "code": code, "comment": " "}
    )
    assert empty.status_code == 400 and "请填写评论。" in text(empty)


# --- 来信选登 -------------------------------------------------------------------------------------

PERSONAL = {
    "name": "欧阳建华",
    "phone": "13853212345",
    "email": "ouyang.jh@example.com",
    "id_number": "370282199001011234",
    "house": "墨河湾小区7号楼2单元502户",
}


def personal_letter(world, group, box=None):
    content = (
        f"我是{PERSONAL['name']}，身份证号{PERSONAL['id_number']}，住在{PERSONAL['house']}，"
        f"电话{PERSONAL['phone']}，邮箱{PERSONAL['email']}。楼下餐馆油烟很大，请有关部门处理。"
    )
    letter, code = write_letter(
        box or world.mayor,
        title=f"{PERSONAL['name']}反映餐馆油烟扰民",
        content=content,
        name=PERSONAL["name"],
        phone=PERSONAL["phone"],
        email=PERSONAL["email"],
        address=PERSONAL["house"],
    )
    reply = (
        f"{PERSONAL['name']}您好：经查，该餐馆已安装油烟净化设备。如有疑问请拨打{PERSONAL['phone']}"
        f"或发邮件至{PERSONAL['email']}，我们将上门回访{PERSONAL['house']}。"
    )
    letter = close(letter, group, reply=reply, world=world)
    comment = workflow.add_comment(
        letter, f"我是{PERSONAL['name']}，{PERSONAL['house']}，电话{PERSONAL['phone']}，满意。"
    )
    workflow.moderate_comment(comment, world.dispatcher, approve=True)
    return letter, code


def assert_no_personal_data(html):
    for label, value in PERSONAL.items():
        assert value not in html, label
    assert "7号楼2单元502户" not in html


def test_published_list_and_detail_mask_every_kind_of_personal_data(client, world, group):
    letter, _code = personal_letter(world, group)
    assert letter.is_public
    listing = get(client, world.mayor, "letters/")
    assert listing.status_code == 200
    html = text(listing)
    assert letter.number in html and "欧阳**反映餐馆油烟扰民" in html
    assert "教育局" in html
    assert_no_personal_data(html)

    detail = get(client, world.mayor, f"letters/{letter.number}/")
    assert detail.status_code == 200
    html = text(detail)
    assert "欧阳**" in html and "138****2345" in html and "o***@example.com" in html
    assert "370282********1234" in html and "墨河湾小区**号" in html
    assert "油烟净化设备" in html
    assert_no_personal_data(html)

    index = text(get(client, world.mayor))
    assert "欧阳**反映餐馆油烟扰民" in index
    assert_no_personal_data(index)


def test_searching_the_list_cannot_confirm_hidden_personal_data(client, world, group):
    letter, _code = personal_letter(world, group)
    found = text(get(client, world.mayor, "letters/?q=油烟"))
    assert letter.number in found
    probe = text(get(client, world.mayor, f"letters/?q={PERSONAL['name']}"))
    assert letter.number not in probe and "没有符合条件的来信" in probe


def test_the_list_filters_by_type_and_pages_by_twenty(client, world, group):
    admin = group["users"]["admin"]
    letters = []
    for number in range(21):
        letter, _ = write_letter(world.mayor, letter_type="complaint" if number % 2 else "consult")
        letters.append(letter)
    Letter.objects.filter(pk__in=[x.pk for x in letters]).update(
        state=Letter.State.CLOSED, is_public=True, reply="已答复。", reply_approved_by=admin
    )
    first = text(get(client, world.mayor, "letters/"))
    assert "共 2 页（21 条）" in first
    complaints = text(get(client, world.mayor, "letters/?type=complaint"))
    assert "（10 条）" not in complaints  # one page only
    assert complaints.count("<td>投诉</td>") == 10 and "<td>咨询</td>" not in complaints
    # Unknown filter values are ignored, not a 500.
    assert get(client, world.mayor, "letters/?type=bogus&page=99").status_code == 200


def test_unpublished_letters_and_letters_of_other_boxes_are_404(client, world, group):
    private, _ = write_letter(world.mayor, consent_publish=False)
    close(private, group, world=world)
    assert not private.is_public
    assert get(client, world.mayor, f"letters/{private.number}/").status_code == 404
    assert private.title not in text(get(client, world.mayor, "letters/"))

    open_letter, _ = write_letter(world.mayor)
    assert get(client, world.mayor, f"letters/{open_letter.number}/").status_code == 404

    public, _ = write_letter(world.mayor)
    close(public, group, world=world)
    assert public.is_public
    assert get(client, world.mayor, f"letters/{public.number}/").status_code == 200
    assert get(client, world.petition, f"letters/{public.number}/").status_code == 404
    assert get(client, world.mayor, "letters/nonexistent/").status_code == 404


def test_a_box_without_public_listing_shows_no_letters(client, world, group):
    world.mayor.public_listing = False
    world.mayor.save_revision().publish()
    assert get(client, world.mayor, "letters/").status_code == 404
    assert "来信选登" not in text(get(client, world.mayor))


# --- 部门网站 -------------------------------------------------------------------------------------


def test_the_director_box_works_on_the_unit_site(client, world, group):
    assert box_host(world.director) == JYJ
    response = client.get("/jzxx/", HTTP_HOST=JYJ)
    assert response.status_code == 200
    assert "局长信箱" in text(response)
    response = submit(client, world.director)
    assert response.status_code == 200
    letter = Letter.objects.latest("pk")
    assert letter.box_id == world.director.pk
    code = re.search(r'<dt>查询码</dt><dd class="credential">([A-Z0-9]{6})</dd>', text(response)).group(1)
    close(letter, group, world=world)
    status = client.post("/jzxx/query/", {"number": letter.number, "code": code}, HTTP_HOST=JYJ)
    assert status.status_code == 200 and "已办结" in text(status)
    for path in ("/jzxx/letters/", f"/jzxx/letters/{letter.number}/", "/jzxx/statistics/", "/jzxx/query/"):
        assert client.get(path, HTTP_HOST=JYJ).status_code == 200, path
