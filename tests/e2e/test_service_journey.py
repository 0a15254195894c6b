"""An online application's whole journey through 网上办事, in the browser, with three people.

1. A citizen on a phone goes from the portal's home page to the service hall, narrows the list
   to one department's 全程网办 items, opens a guide, applies online with a PDF for every
   required material and notes the 受理编号;
2. the department's window clerk (信息员) asks for one material again (一次性告知补正);
3. the citizen looks the application up with the 受理编号 and the last six characters of the ID
   number, reads the request and hands in the material;
4. the clerk accepts and routes it to the department's head (审批岗), who approves it with a
   decision and a result document; the clerk closes it (办结);
5. the citizen looks it up again, reads the decision and rates the service 满意.
"""

import random
import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_fits_phone_width, log_in, server_shell

pytestmark = pytest.mark.e2e

PASSWORD = "Jimo@2026"
CAPTCHA_ANSWER = "2345"  # the server runs with CAPTCHA_TEST_ANSWER (see conftest)
HALL_PATH = "/wsbs/bsdt/"
PHONE_VIEWPORT = {"width": 390, "height": 844}
UNIT_LABEL = "jyj"
UNIT_NAME = "教育局"
CLERK = f"{UNIT_LABEL}_editor"
HEAD = f"{UNIT_LABEL}_admin"
APPROVER_POST = "审批岗"
EXPECTED_HISTORY = ["submit", "request_supplement", "resubmit", "accept", "route", "approve", "close", "rate"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _pdf_bytes(text="e2e"):
    """A small but well-formed PDF: uploads are checked by content (it must start with %PDF-)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _resident_id():
    """A valid 18-character resident ID (GB 11643): area, birth date, sequence, check digit."""
    born = date(1960, 1, 1) + timedelta(days=random.randint(0, 40 * 365))
    body = f"370282{born:%Y%m%d}{random.randint(100, 999)}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def _new_applicant():
    token = uuid.uuid4().hex[:8]
    id_number = _resident_id()
    return {
        "token": token,
        "name": "李秀英",
        "id_number": id_number,
        "id_tail": id_number[-6:],
        "phone": "138" + "".join(random.choice("0123456789") for _ in range(8)),
        "notes": f"孩子今年九月满六周岁，申请就近入学。{token}",
        "supplement": f"户口簿复印件不清晰，请重新上传户主页和本人页的清晰扫描件。{token}",
        "resubmit_note": f"已重新扫描上传。{token}",
        "decision": f"经审查，申请材料齐全，符合入学条件，准予登记，请按通知时间到校报到。{token}",
        "close_note": f"结果已推送至电子证照库。{token}",
        "comment": f"全程网上办理，很方便。{token}",
    }


def _service_item(e2e_server):
    """A live guide of the department that takes applications online (全程网办), for individuals,
    with required materials: its title, URL, theme and material slots (pk, name, required)."""
    code = (
        "import json\n"
        "from services.models import ServiceItemPage\n"
        "items = (ServiceItemPage.objects.live().public()\n"
        f"         .filter(organisation__label={UNIT_LABEL!r}, accepts_online=True, online_depth='full',\n"
        "                 for_individuals=True, materials__required=True)\n"
        "         .distinct().order_by('path'))\n"
        "item = next(i for i in items if not i.missing_elements())\n"
        "print('E2E-JSON ' + json.dumps({\n"
        "    'pk': item.pk, 'title': item.title, 'url': item.full_url,\n"
        "    'materials': [[m.pk, m.name, m.required] for m in item.materials.all()],\n"
        "}))\n"
    )
    return server_shell(e2e_server, code)


def _user_pk(e2e_server, username):
    code = (
        "import json\n"
        "from django.contrib.auth import get_user_model\n"
        f"print('E2E-JSON ' + json.dumps(get_user_model().objects.get(username={username!r}).pk))\n"
    )
    return server_shell(e2e_server, code)


def _application_record(e2e_server, id_number):
    code = (
        "import json\n"
        "from services.models import Application\n"
        f"apps = list(Application.objects.filter(id_number={id_number!r}))\n"
        "app = apps[0] if apps else None\n"
        "print('E2E-JSON ' + json.dumps({\n"
        "    'count': len(apps),\n"
        "    'receipt': app and app.receipt_number,\n"
        "    'item': app and app.item_id,\n"
        "    'unit': app and app.organisation.label,\n"
        "    'state': app and app.state,\n"
        "    'approved': app and app.approved,\n"
        "    'rating': app and app.rating,\n"
        "    'on_time': app and app.on_time,\n"
        "    'has_result': bool(app and app.result_document),\n"
        "    'history': app and [e.action for e in app.events.order_by('created_at', 'pk')],\n"
        "    'materials': app and [[m.round, m.material_id, m.kind] for m in app.materials.order_by('round', 'pk')],\n"
        "}))\n"
    )
    return server_shell(e2e_server, code)


def _success_message(page, text):
    return page.locator(".messages li.success").filter(has_text=text)


def _action_form(page, action):
    """The handling page has one form per allowed action, posting to …/act/<action>/."""
    return page.locator(f'form[action$="/act/{action}/"]')


def _fact(page, label):
    """A value of the handling page's first fact list (办件信息), by its <dt>."""
    return page.locator(".svc-facts").first.locator(f'dt:text-is("{label}") + dd')


def _pdf_file(name, text="e2e"):
    return {"name": name, "mimeType": "application/pdf", "buffer": _pdf_bytes(text)}


# --- 1. The citizen applies ----------------------------------------------------------------------


def _citizen_finds_guide(page, site_url, item):
    """Home → 网上办事 → the hall, filtered by department and 全程网办 → the guide."""
    page.goto(site_url("www", "/"))
    # The home page's 网上办事 tile, with the hall's figures, leads straight into the hall.
    page.get_by_role("link", name=re.compile(r"^网上办事.*事项总数")).click()
    expect(page).to_have_url(site_url("www", HALL_PATH))
    expect(page.locator("h1")).to_have_text("网上办事大厅")
    assert_fits_phone_width(page)

    facets = page.locator("nav.svc-facets")
    facets.locator("section.svc-facet", has=page.locator("h2", has_text="按部门")).get_by_role(
        "link", name=re.compile(f"^{UNIT_NAME}")
    ).click()
    expect(page).to_have_url(re.compile(rf"\?dept={UNIT_LABEL}$"))
    facets.locator("section.svc-facet", has=page.locator("h2", has_text="按网办深度")).get_by_role(
        "link", name=re.compile("^全程网办")
    ).click()
    expect(page).to_have_url(re.compile(rf"\?dept={UNIT_LABEL}&depth=full$"))
    selected = page.locator(".svc-selected")
    expect(selected).to_contain_text(f"部门：{UNIT_NAME}")
    expect(selected).to_contain_text("网办深度：全程网办")

    items = page.locator("ol.svc-items > li.svc-item")
    for meta in items.locator(".svc-item-meta").all():
        expect(meta).to_contain_text(f"实施部门：{UNIT_NAME}")
        expect(meta).to_contain_text("全程网办")
    assert_fits_phone_width(page)
    items.locator("h3").get_by_role("link", name=item["title"], exact=True).click()
    expect(page).to_have_url(item["url"])
    expect(page.locator("h1")).to_have_text(item["title"])
    expect(page.locator(".svc-guide-meta")).to_contain_text("全程网办")
    assert_fits_phone_width(page)


def _citizen_applies(page, item, applicant):
    """From the guide: 在线申请, fill in, a PDF per required slot, submit; returns the 受理编号."""
    page.locator(".svc-guide-actions").get_by_role("link", name="在线申请").click()
    expect(page).to_have_url(item["url"] + "apply/")
    expect(page.locator("h1")).to_have_text(f"在线申请：{item['title']}")
    assert_fits_phone_width(page)

    form = page.locator("#apply form")
    form.get_by_label("个人", exact=True).check()
    form.locator("#id_applicant_name").fill(applicant["name"])
    form.locator("#id_id_number").fill(applicant["id_number"])
    form.locator("#id_phone").fill(applicant["phone"])
    for pk, name, required in item["materials"]:
        if required:
            form.locator(f'input[name="material_{pk}"]').set_input_files(_pdf_file(f"{name}.pdf", name))
    form.locator("#id_notes").fill(applicant["notes"])
    form.locator('input[name="captcha"]').fill(CAPTCHA_ANSWER)
    form.get_by_role("button", name="提交申请").click()

    expect(page.locator("h1")).to_have_text("您的申请已提交成功")
    assert_fits_phone_width(page)
    receipt = page.locator(".svc-credentials dd.svc-credential").inner_text().strip()
    assert re.fullmatch(r"SQ\d{14}", receipt), receipt
    return receipt


# --- 2. and 4. Staff handle it in the admin ------------------------------------------------------


def _open_application(page, site_url, receipt, item):
    """From the 办件办理 list (searched by receipt number) to the application's handling page."""
    page.goto(site_url("www", f"/admin/applications/?q={receipt}"))
    row = page.locator("table tbody tr").filter(has_text=receipt)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(item["title"])
    row.get_by_role("link", name=receipt, exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/applications/\d+/$"))
    expect(page.locator("#svc-summary")).to_have_text(item["title"])


def _clerk_requests_supplement(page, site_url, receipt, item, applicant, material_name):
    _open_application(page, site_url, receipt, item)
    expect(_fact(page, "状态")).to_have_text("待预审")
    expect(page.locator(".svc-round")).to_have_count(1)

    form = _action_form(page, "request_supplement")
    form.get_by_label(material_name, exact=True).check()
    form.get_by_label(re.compile(r"^补正要求")).fill(applicant["supplement"])
    form.get_by_role("button", name="一次性告知补正").click()
    expect(_success_message(page, "已一次性告知申请人补正")).to_be_visible()
    expect(_fact(page, "状态")).to_have_text("待补正")
    # The window cannot accept an application that waits for the applicant.
    expect(_action_form(page, "accept")).to_have_count(0)


def _clerk_accepts_and_routes(page, site_url, e2e_server, receipt, item):
    _open_application(page, site_url, receipt, item)
    expect(_fact(page, "状态")).to_have_text("待预审")
    rounds = page.locator(".svc-round")
    expect(rounds).to_have_count(2)
    expect(rounds.nth(1).locator("h3")).to_have_text("第 1 次补正")

    _action_form(page, "accept").get_by_role("button", name="受理", exact=True).click()
    expect(_success_message(page, "已受理")).to_be_visible()
    expect(_fact(page, "状态")).to_have_text("已受理")

    route = _action_form(page, "route")
    route.get_by_label(re.compile(r"^下一经办人")).select_option(str(_user_pk(e2e_server, HEAD)))
    route.get_by_label(re.compile(r"^承办岗位")).fill(APPROVER_POST)
    route.get_by_role("button", name="流转", exact=True).click()
    expect(_success_message(page, "已流转至下一环节")).to_be_visible()
    expect(_fact(page, "状态")).to_have_text("审查中")
    expect(_fact(page, "当前环节")).to_contain_text(APPROVER_POST)
    # Deciding is the approver's, not the window's.
    expect(_action_form(page, "approve")).to_have_count(0)


def _head_approves(page, site_url, receipt, item, applicant):
    _open_application(page, site_url, receipt, item)
    expect(_fact(page, "状态")).to_have_text("审查中")
    approve = _action_form(page, "approve")
    approve.get_by_label(re.compile(r"^决定意见")).fill(applicant["decision"])
    approve.get_by_label(re.compile(r"^结果文书")).set_input_files(_pdf_file("结果文书.pdf", "result"))
    approve.get_by_role("button", name="准予", exact=True).click()
    expect(_success_message(page, "已作出准予决定")).to_be_visible()
    expect(_fact(page, "状态")).to_have_text("已决定待办结")


def _clerk_closes(page, site_url, receipt, item, applicant):
    _open_application(page, site_url, receipt, item)
    expect(_fact(page, "状态")).to_have_text("已决定待办结")
    close = _action_form(page, "close")
    close.get_by_label(re.compile(r"^办结说明")).fill(applicant["close_note"])
    close.get_by_role("button", name="办结", exact=True).click()
    expect(_success_message(page, "已办结")).to_be_visible()
    expect(_fact(page, "状态")).to_have_text("已办结")
    expect(page.locator(".svc-actions form")).to_have_count(0)


# --- 3. and 5. The citizen queries ---------------------------------------------------------------


def _citizen_queries(page, site_url, receipt, applicant, item):
    """The hall's 办件查询 box: receipt number and the ID's last six characters."""
    page.goto(site_url("www", HALL_PATH))
    box = page.locator("section.svc-query-box form")
    box.get_by_label(re.compile(r"^受理编号")).fill(receipt.lower())  # not case-sensitive
    box.get_by_label(re.compile(r"^证件号码后六位")).fill(applicant["id_tail"])
    box.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("h1")).to_have_text(f"办理进度：{item['title']}")
    expect(page.locator(".svc-receipt-inline")).to_have_text(receipt)
    assert_fits_phone_width(page)


def _citizen_resubmits(page, site_url, receipt, applicant, item, material):
    pk, name, _required = material
    _citizen_queries(page, site_url, receipt, applicant, item)
    expect(page.locator(".svc-state")).to_have_text("待补正")
    supplement = page.locator("#supplement")
    expect(supplement).to_contain_text(applicant["supplement"])
    expect(supplement).to_contain_text(name)

    form = supplement.locator("form")
    form.locator(f'input[name="material_{pk}"]').set_input_files(
        _pdf_file(f"{name}（重新扫描）.pdf", "again")
    )
    form.get_by_label(re.compile(r"^补正说明")).fill(applicant["resubmit_note"])
    form.get_by_role("button", name="提交补正材料").click()

    expect(page.get_by_role("status")).to_contain_text("补正材料已提交")
    expect(page.locator(".svc-state")).to_have_text("待预审")
    expect(page.locator("#supplement")).to_have_count(0)
    expect(page.locator("h3.svc-subtitle")).to_have_text(["首次提交", "第 1 次补正"])
    assert_fits_phone_width(page)


def _citizen_reads_decision_and_rates(page, site_url, receipt, applicant, item):
    _citizen_queries(page, site_url, receipt, applicant, item)
    expect(page.locator(".svc-state")).to_have_text("已办结")
    decision = page.locator(".svc-decision")
    expect(decision.locator(".svc-decision-outcome")).to_contain_text("准予")
    expect(decision).to_contain_text(applicant["decision"])
    expect(decision.get_by_role("link", name=re.compile(r"^下载结果文书"))).to_be_visible()

    rate = page.locator("#rate")
    rate.get_by_label("满意", exact=True).check()
    rate.get_by_label(re.compile(r"^评价意见")).fill(applicant["comment"])
    rate.get_by_role("button", name="提交评价").click()

    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(page.locator(".svc-facts")).to_contain_text("您的评价")
    expect(page.locator(".svc-facts")).to_contain_text("满意")
    expect(page.locator("#rate")).to_have_count(0)
    assert_fits_phone_width(page)


def test_application_from_citizen_to_decision_and_rating(new_context, site_url, e2e_server):
    item = _service_item(e2e_server)
    required = [material for material in item["materials"] if material[2]]
    assert required, item
    asked_again = required[0]
    applicant = _new_applicant()

    citizen = new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True).new_page()
    _citizen_finds_guide(citizen, site_url, item)
    receipt = _citizen_applies(citizen, item, applicant)

    clerk = log_in(new_context, site_url, CLERK, PASSWORD)
    _clerk_requests_supplement(clerk, site_url, receipt, item, applicant, asked_again[1])

    _citizen_resubmits(citizen, site_url, receipt, applicant, item, asked_again)

    _clerk_accepts_and_routes(clerk, site_url, e2e_server, receipt, item)
    head = log_in(new_context, site_url, HEAD, PASSWORD)
    _head_approves(head, site_url, receipt, item, applicant)
    _clerk_closes(clerk, site_url, receipt, item, applicant)

    _citizen_reads_decision_and_rates(citizen, site_url, receipt, applicant, item)

    record = _application_record(e2e_server, applicant["id_number"])
    assert record["count"] == 1
    assert record["receipt"] == receipt
    assert record["item"] == item["pk"]
    assert record["unit"] == UNIT_LABEL
    assert record["state"] == "closed"
    assert record["approved"] is True
    assert record["on_time"] is True
    assert record["has_result"] is True
    assert record["rating"] == 4  # 满意
    assert record["history"] == EXPECTED_HISTORY
    first_round = [[1, pk, "pdf"] for pk, _name, _required in required]
    assert record["materials"] == first_round + [[2, asked_again[0], "pdf"]]
