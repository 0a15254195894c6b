"""A letter's whole journey through 政民互动, in the browser, with four people in four browsers.

1. A citizen on a phone writes a 投诉 to the portal's 市长信箱 (with an attachment, consenting to
   publication) and notes the 信件编号 and 查询码 shown once;
2. the 受理员 (dispatcher) accepts it and hands it to 教育局 with an instruction;
3. 教育局信息员 writes the reply and submits it for review; 教育局管理员 approves it;
4. the citizen looks the letter up with number and code, reads the reply and rates it 满意 with a
   comment;
5. the public list and page of the letter show it with the writer's name, phone and ID number
   masked, and without the comment, which waits for moderation.
"""

import io
import random
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_fits_phone_width, log_in, server_shell

pytestmark = pytest.mark.e2e

PASSWORD = "Jimo@2026"
CAPTCHA_ANSWER = "2345"  # the server runs with CAPTCHA_TEST_ANSWER (see conftest)
BOX_PATH = "/zmhd/szxx/"
PHONE_VIEWPORT = {"width": 390, "height": 844}
UNIT_LABEL = "jyj"
EXPECTED_HISTORY = ["submit", "accept", "assign", "submit_reply", "approve_reply", "rate"]


def _png_bytes():
    """A real (tiny) PNG: uploads are checked by content, not by name."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (31, 78, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def _new_citizen_letter():
    """Unique title, and personal data the public pages must mask."""
    token = uuid.uuid4().hex[:8]
    phone = "139" + "".join(random.choice("0123456789") for _ in range(8))
    # An ID-like number: area code, birth date (YYYYMMDD), 3-digit sequence, check character.
    birth = f"{random.randint(1960, 2000)}0{random.randint(1, 9)}1{random.randint(0, 9)}"
    id_number = f"370282{birth}{random.randint(100, 999)}X"
    name = "王建国"
    masked_phone = f"{phone[:3]}****{phone[-4:]}"
    return {
        "token": token,
        # The phone number in the title too: titles are shown in public lists.
        "title": f"校门口接送堵车请求治理（电话{phone}）{token}",
        "public_title": f"校门口接送堵车请求治理（电话{masked_phone}）{token}",
        "content": (
            f"我是附近居民{name}，孩子在实验小学读书，每天早晚接送时段校门口车辆乱停，道路堵塞，"
            f"存在安全隐患。请教育部门协调交警加强管理。联系电话{phone}，身份证号{id_number}。"
        ),
        "name": name,
        "phone": phone,
        "id_number": id_number,
        "masked_phone": masked_phone,
        "masked_id": f"{id_number[:6]}********{id_number[-4:]}",
        "masked_name": "王**",
        "instruction": f"请教育局会同交警部门于规定期限内核实处理并答复来信人。{token}",
        "reply": (
            f"您好！您反映的实验小学门口接送时段交通拥堵问题已收悉。我局已会同交警部门实地查看，"
            f"自下周起在上下学时段安排交警和志愿者疏导交通，并设置临时停车区。感谢您的关心。{token}"
        ),
        "comment": f"处理及时，希望长期坚持。{token}",
    }


def _success_message(page, text):
    return page.locator(".messages li.success").filter(has_text=text)


def _action_form(page, action):
    """The handling page has one form per allowed action, posting to …/act/<action>/."""
    return page.locator(f'form[action$="/act/{action}/"]')


def _credential(page, label):
    return (
        page.locator(".letter-credentials div")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{label}$")))
        .locator("dd")
    )


def _unit_pk(e2e_server, label):
    code = (
        "import json\n"
        "from home.models import Organisation\n"
        f"print('E2E-JSON ' + json.dumps(Organisation.objects.get(label={label!r}).pk))\n"
    )
    return server_shell(e2e_server, code)


def _letter_record(e2e_server, title):
    code = (
        "import json\n"
        "from forms.models import Letter\n"
        f"letters = list(Letter.objects.filter(title={title!r}))\n"
        "letter = letters[0] if letters else None\n"
        "print('E2E-JSON ' + json.dumps({\n"
        "    'count': len(letters),\n"
        "    'number': letter and letter.number,\n"
        "    'state': letter and letter.state,\n"
        "    'rating': letter and letter.rating,\n"
        "    'unit': letter and letter.unit and letter.unit.label,\n"
        "    'is_public': letter and letter.is_public,\n"
        "    'attachments': letter and [a.original_name for a in letter.attachments.all()],\n"
        "    'history': letter and [e.action for e in letter.events.order_by('created_at', 'pk')],\n"
        "    'comments': letter and [c.status for c in letter.comments.all()],\n"
        "}))\n"
    )
    return server_shell(e2e_server, code)


# --- 1. The citizen writes ---------------------------------------------------------------------


def _citizen_writes_letter(page, site_url, letter):
    """Fills the write form on the box page; returns (信件编号, 查询码) from the confirmation."""
    page.goto(site_url("www", "/"))
    page.goto(site_url("www", BOX_PATH))
    expect(page.locator("h1")).to_have_text("市长信箱")
    form = page.locator("#write form")
    expect(form).to_be_visible()
    assert_fits_phone_width(page)

    form.get_by_label("投诉", exact=True).check()
    form.get_by_label(re.compile(r"^标题")).fill(letter["title"])
    form.get_by_label(re.compile(r"^内容")).fill(letter["content"])
    form.get_by_label(re.compile(r"^姓名")).fill(letter["name"])
    form.get_by_label(re.compile(r"^联系电话")).fill(letter["phone"])
    form.get_by_label(re.compile(r"^附件")).set_input_files(
        {"name": "校门口.png", "mimeType": "image/png", "buffer": _png_bytes()}
    )
    consent = form.get_by_label(re.compile(r"^同意公开"))
    consent.check()
    expect(consent).to_be_checked()
    form.locator('input[name="captcha"]').fill(CAPTCHA_ANSWER)
    form.get_by_role("button", name="提交信件").click()

    expect(page.locator("h1")).to_have_text("您的信件已提交成功")
    assert_fits_phone_width(page)
    number = _credential(page, "信件编号").inner_text().strip()
    code = _credential(page, "查询码").inner_text().strip()
    assert re.fullmatch(r"\d{8,}", number), number
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    return number, code


# --- 2.–3. Staff handle it in the admin --------------------------------------------------------


def _open_letter(page, site_url, letter, number):
    """From the 来信办理 list (searched by number) to the letter's handling page."""
    page.goto(site_url("www", f"/admin/letters/?q={number}"))
    row = page.locator("table tbody tr").filter(has_text=letter["title"])
    expect(row).to_have_count(1)
    row.get_by_role("link", name=number, exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/letters/\d+/$"))
    expect(page.locator("#letter-summary")).to_have_text(letter["title"])


def _dispatcher_accepts_and_assigns(page, site_url, e2e_server, letter, number):
    _open_letter(page, site_url, letter, number)
    expect(page.locator(".letter-facts").first).to_contain_text("待受理")

    _action_form(page, "accept").get_by_role("button", name="受理", exact=True).click()
    expect(_success_message(page, "已受理")).to_be_visible()
    expect(page.locator(".letter-facts").first).to_contain_text("已受理待转办")

    assign = _action_form(page, "assign")
    assign.get_by_label(re.compile(r"^承办单位")).select_option(str(_unit_pk(e2e_server, UNIT_LABEL)))
    assign.get_by_label(re.compile(r"^转办意见")).fill(letter["instruction"])
    assign.get_by_role("button", name="转办", exact=True).click()
    expect(_success_message(page, "已转办")).to_be_visible()
    facts = page.locator(".letter-facts").first
    expect(facts).to_contain_text("办理中")
    expect(facts).to_contain_text("教育局")
    expect(facts).to_contain_text(letter["instruction"])


def _editor_replies(page, site_url, letter, number):
    _open_letter(page, site_url, letter, number)
    expect(page.locator(".letter-facts").first).to_contain_text(letter["instruction"])
    reply = _action_form(page, "submit_reply")
    reply.get_by_label("答复内容").fill(letter["reply"])
    reply.get_by_role("button", name="提交审核", exact=True).click()
    expect(_success_message(page, "答复已提交审核")).to_be_visible()
    expect(page.locator(".letter-facts").first).to_contain_text("答复待审核")
    # The editor cannot approve their own reply: no approve form for them.
    expect(_action_form(page, "approve_reply")).to_have_count(0)


def _reviewer_approves(page, site_url, letter, number):
    _open_letter(page, site_url, letter, number)
    expect(page.locator("#letter-reply").locator("xpath=..")).to_contain_text(letter["reply"])
    approve = _action_form(page, "approve_reply")
    approve.get_by_role("button", name="审核通过并答复来信人").click()
    expect(_success_message(page, "答复已审核通过")).to_be_visible()
    expect(page.locator(".letter-facts").first).to_contain_text("已办结")


# --- 4. The citizen checks and rates -----------------------------------------------------------


def _citizen_queries_and_rates(page, site_url, letter, number, code):
    page.goto(site_url("www", BOX_PATH))
    page.locator(".letter-box-nav").get_by_role("link", name="办理查询").click()
    expect(page).to_have_url(site_url("www", f"{BOX_PATH}query/"))

    form = page.locator("form").filter(has=page.locator("#query_number"))
    form.get_by_label(re.compile(r"^信件编号")).fill(number)
    form.get_by_label(re.compile(r"^查询码")).fill(code.lower())  # codes are not case-sensitive
    form.get_by_role("button", name="查询", exact=True).click()

    expect(page.locator("h1")).to_have_text(f"办理进度：{letter['title']}")
    expect(page.locator(".letter-state")).to_have_text("已办结")
    expect(page.locator(".letter-reply")).to_contain_text(letter["reply"])
    assert_fits_phone_width(page)

    rate = page.locator("#rate")
    rate.get_by_label("满意", exact=True).check()
    rate.get_by_label(re.compile(r"^评论")).fill(letter["comment"])
    rate.get_by_role("button", name="提交评价").click()

    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(page.locator(".letter-facts")).to_contain_text("满意")
    expect(page.locator("#rate")).to_have_count(0)


# --- 5. The public pages -----------------------------------------------------------------------


def _public_pages_mask_personal_data(page, site_url, letter, number):
    page.goto(site_url("www", f"{BOX_PATH}letters/"))
    row = page.locator("table.letter-list tbody tr").filter(has_text=number)
    expect(row).to_have_count(1)
    listing = page.locator("table.letter-list").inner_text()
    assert letter["phone"] not in listing and letter["public_title"] in listing
    assert_fits_phone_width(page)  # the wide table scrolls inside its own box
    expect(row).to_contain_text("投诉")
    expect(row).to_contain_text("教育局")
    expect(row).to_contain_text("已办结")
    row.get_by_role("link", name=letter["public_title"], exact=True).click()
    expect(page).to_have_url(site_url("www", f"{BOX_PATH}letters/{number}/"))

    article = page.locator("article.letter-detail")
    expect(article.locator("h1")).to_have_text(letter["public_title"])
    expect(article).to_contain_text(letter["reply"])
    expect(article).to_contain_text(f"来信人：{letter['masked_name']}")
    expect(article).to_contain_text(letter["masked_phone"])
    expect(article).to_contain_text(letter["masked_id"])
    expect(article.locator(".letter-rating")).to_contain_text("满意")
    assert_fits_phone_width(page)

    text = page.locator("body").inner_text()
    for raw in (letter["phone"], letter["id_number"], letter["name"]):
        assert raw not in text, f"公开页面泄露了个人信息：{raw}"
    html = page.content()
    for raw in (letter["phone"], letter["id_number"]):
        assert raw not in html, f"公开页面的 HTML 中含有个人信息：{raw}"
    # The comment waits for moderation.
    assert letter["comment"] not in text
    expect(page.locator("#comments-title")).to_have_count(0)


def test_letter_from_citizen_to_reply_rating_and_publication(new_context, site_url, e2e_server):
    letter = _new_citizen_letter()

    citizen = new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True).new_page()
    number, code = _citizen_writes_letter(citizen, site_url, letter)

    dispatcher = log_in(new_context, site_url, "dispatcher", PASSWORD)
    _dispatcher_accepts_and_assigns(dispatcher, site_url, e2e_server, letter, number)

    editor = log_in(new_context, site_url, "jyj_editor", PASSWORD)
    _editor_replies(editor, site_url, letter, number)

    reviewer = log_in(new_context, site_url, "jyj_admin", PASSWORD)
    _reviewer_approves(reviewer, site_url, letter, number)

    _citizen_queries_and_rates(citizen, site_url, letter, number, code)
    _public_pages_mask_personal_data(citizen, site_url, letter, number)

    record = _letter_record(e2e_server, letter["title"])
    assert record["count"] == 1
    assert record["number"] == number
    assert record["state"] == "closed"
    assert record["rating"] == 4  # 满意
    assert record["unit"] == UNIT_LABEL
    assert record["is_public"] is True
    assert record["attachments"] == ["校门口.png"]
    assert record["history"] == EXPECTED_HISTORY
    assert record["comments"] == ["pending"]
