"""A 政府信息公开 request from filing to answer, and its place in the annual report, in the browser.

1. A 政务公开 supervisor opens 教育局's annual report for this year and notes the 部分公开 /
   自然人 cell of table 3;
2. a citizen on a phone files a request to 教育局 from the portal's catalogue (依申请公开) as a
   natural person, to be fetched online, and notes the 申请编号 and 查询码 shown once;
3. 教育局信息员 answers it 部分公开 with the reasons and a PDF reply;
4. the citizen looks it up with number and code and reads the answer;
5. the supervisor's report now counts the request: the cell is one higher, the 新收 row too, and
   every column still balances.
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
PHONE_VIEWPORT = {"width": 390, "height": 844}
UNIT_LABEL = "jyj"
OFFICER = f"{UNIT_LABEL}_editor"
SUPERVISOR = "gk_supervisor"  # 政务公开监督员 of the demo; the superuser stands in without it
RESULT = "partial"  # 部分公开
PERSON = "person"  # 自然人, the first column of the report's table 3
EXPECTED_HISTORY = ["submit", "answer"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _pdf_bytes():
    """A small but well-formed PDF: uploads are checked by content (it must start with %PDF-)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _resident_id():
    """A valid 18-character resident ID (GB 11643): area, birth date, sequence, check digit."""
    born = date(1960, 1, 1) + timedelta(days=random.randint(0, 40 * 365))
    body = f"370282{born:%Y%m%d}{random.randint(100, 999)}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def _new_request():
    token = uuid.uuid4().hex[:8]
    return {
        "token": token,
        "name": "张卫东",
        "id_number": _resident_id(),
        "phone": "137" + "".join(random.choice("0123456789") for _ in range(8)),
        "description": (
            f"请公开即墨市教育局2026年城区义务教育学校学区划分方案及其制定依据，"
            f"包括各学校招生范围图和听证会记录。{token}"
        ),
        "answer": (
            f"您申请的学区划分方案已公开，见附件答复书。听证会记录中涉及参会人员个人信息的部分，"
            f"依据《中华人民共和国政府信息公开条例》第十五条不予公开，其余部分予以公开。{token}"
        ),
    }


def _context(e2e_server):
    """The group-wide catalogue's URL, 教育局's id, the supervisor to log in as and this year's
    report figures of 教育局 before the request (部分公开 and 新收, 自然人 column)."""
    code = (
        "import json\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from disclosure.models import DisclosureCataloguePage\n"
        "from disclosure.report import ROW_NEW, annual_report, result_row_key\n"
        "from home.models import Organisation\n"
        f"unit = Organisation.objects.get(label={UNIT_LABEL!r})\n"
        "catalogue = DisclosureCataloguePage.objects.live().public().filter(group_wide=True).order_by('path').first()\n"
        "year = timezone.localdate().year\n"
        "report = annual_report(year, unit)\n"
        f"supervisor = get_user_model().objects.filter(username={SUPERVISOR!r}, is_active=True).exists()\n"
        "print('E2E-JSON ' + json.dumps({\n"
        "    'catalogue_url': catalogue.full_url,\n"
        "    'unit_pk': unit.pk,\n"
        "    'unit_name': unit.name,\n"
        f"    'supervisor': {SUPERVISOR!r} if supervisor else 'admin',\n"
        "    'year': year,\n"
        f"    'result_cell': report.cell(result_row_key({RESULT!r}), {PERSON!r}),\n"
        f"    'new_cell': report.cell(ROW_NEW, {PERSON!r}),\n"
        "    'balanced': report.balanced,\n"
        "}))\n"
    )
    return server_shell(e2e_server, code)


def _request_record(e2e_server, receipt):
    code = (
        "import json\n"
        "from disclosure.models import DisclosureRequest\n"
        f"found = list(DisclosureRequest.objects.filter(receipt_number={receipt!r}))\n"
        "r = found[0] if found else None\n"
        "print('E2E-JSON ' + json.dumps({\n"
        "    'count': len(found),\n"
        "    'unit': r and r.organisation.label,\n"
        "    'state': r and r.state,\n"
        "    'result': r and r.result,\n"
        "    'applicant_kind': r and r.applicant_kind,\n"
        "    'id_number': r and r.id_number,\n"
        "    'acquisition': r and r.acquisition,\n"
        "    'on_time': r and r.on_time,\n"
        "    'has_document': bool(r and r.answer_document),\n"
        "    'handled_by': r and r.handled_by and r.handled_by.username,\n"
        "    'history': r and [e.action for e in r.events.order_by('created_at', 'pk')],\n"
        "}))\n"
    )
    return server_shell(e2e_server, code)


def _credential(page, label):
    return (
        page.locator(".letter-credentials div")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{label}$")))
        .locator("dd")
    )


def _fact(page, label):
    return page.locator(f'.letter-facts dt:text-is("{label}") + dd')


# --- The annual report ---------------------------------------------------------------------------


def _report_cells(page, site_url, context):
    """Open the unit's report of this year; the 部分公开 and 新收 cells of the 自然人 column.

    Each row of table 3 carries its report key (data-row); its value cells follow the report's
    columns, 自然人 first."""
    page.goto(site_url("www", f"/admin/disclosure/report/?year={context['year']}&unit={context['unit_pk']}"))
    title = (
        f"即墨市{context['unit_name'].removeprefix('即墨市')}政府信息公开工作年度报告（{context['year']}年）"
    )
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    table = page.locator("table.gk-report").filter(has=page.locator("caption", has_text="收到和处理"))
    expect(table.locator("thead")).to_contain_text("自然人")
    result_row = table.locator(f'tbody tr[data-row="result:{RESULT}"]')
    expect(result_row.locator("th")).to_contain_text(["部分公开"])
    new_row = table.locator('tbody tr[data-row="new"]')
    expect(new_row.locator("th")).to_contain_text(["本年新收"])
    return result_row.locator("td").first, new_row.locator("td").first


def _report_balances(page):
    expect(page.locator(".gk-balance li")).not_to_have_count(0)
    for check in page.locator(".gk-balance li").all():
        expect(check.locator(".gk-ok")).to_have_text("✓")
    expect(page.locator(".gk-balance .gk-bad")).to_have_count(0)
    expect(page.get_by_text("各列勾稽关系均相符。")).to_be_visible()


# --- The citizen files a request -----------------------------------------------------------------


def _citizen_files_request(page, context, request):
    """From the portal's catalogue to 依申请公开; returns (申请编号, 查询码)."""
    page.goto(context["catalogue_url"])
    expect(page.locator("h1")).to_have_text("政府信息公开目录")
    page.locator("nav.gk-side-nav").get_by_role("link", name="依申请公开", exact=True).click()
    expect(page).to_have_url(context["catalogue_url"] + "request/")
    expect(page.locator("h1")).to_have_text("政府信息公开申请")
    assert_fits_phone_width(page)

    form = page.locator("#apply form")
    form.get_by_label(re.compile(r"^受理机关")).select_option(str(context["unit_pk"]))
    form.get_by_label("自然人", exact=True).check()
    form.get_by_label(re.compile(r"^姓名/名称")).fill(request["name"])
    form.get_by_label(re.compile(r"^身份证号码/统一社会信用代码")).fill(request["id_number"])
    form.get_by_label(re.compile(r"^联系电话")).fill(request["phone"])
    form.get_by_label(re.compile(r"^所需信息的名称")).fill(request["description"])
    form.get_by_label("电子文本", exact=True).check()
    form.get_by_label("网上获取", exact=True).check()
    form.locator('input[name="captcha"]').fill(CAPTCHA_ANSWER)
    form.get_by_role("button", name="提交申请").click()

    expect(page.locator("h1")).to_have_text("您的政府信息公开申请已提交成功")
    expect(page.locator(".gk-receipt")).to_contain_text(context["unit_name"])
    assert_fits_phone_width(page)
    number = _credential(page, "申请编号").inner_text().strip()
    code = _credential(page, "查询码").inner_text().strip()
    assert re.fullmatch(r"GK\d{14}", number), number
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    return number, code


# --- The officer answers -------------------------------------------------------------------------


def _officer_answers(page, site_url, request, number):
    page.goto(site_url("www", f"/admin/disclosure/requests/?q={number}"))
    row = page.locator("table tbody tr").filter(has_text=number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("办理中")
    row.get_by_role("link", name=number, exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/disclosure/requests/\d+/$"))
    expect(page.locator("#gk-summary")).to_have_text(f"申请 {number}")
    expect(page.locator(".gk-content").first).to_have_text(request["description"])

    answer = page.locator('form[action$="/act/answer/"]')
    answer.get_by_label(re.compile(r"^办理结果")).select_option(RESULT)
    answer.get_by_label(re.compile(r"^答复内容")).fill(request["answer"])
    answer.get_by_label(re.compile(r"^答复书")).set_input_files(
        {"name": "答复书.pdf", "mimeType": "application/pdf", "buffer": _pdf_bytes()}
    )
    answer.get_by_role("button", name="答复申请人").click()

    expect(page.locator(".messages li.success").filter(has_text="已答复申请人")).to_be_visible()
    summary = page.locator(".gk-facts").first
    expect(summary).to_contain_text("已答复")
    expect(summary).to_contain_text("部分公开")
    expect(page.get_by_role("link", name="下载答复书（PDF）")).to_be_visible()
    expect(page.locator('form[action$="/act/answer/"]')).to_have_count(0)


# --- The citizen reads the answer ----------------------------------------------------------------


def _citizen_reads_answer(page, context, request, number, code):
    page.goto(context["catalogue_url"])
    page.locator("nav.gk-side-nav").get_by_role("link", name="申请办理查询", exact=True).click()
    expect(page).to_have_url(context["catalogue_url"] + "request/query/")
    form = page.locator("form").filter(has=page.locator("#query_receipt_number"))
    form.get_by_label(re.compile(r"^申请编号")).fill(number)
    form.get_by_label(re.compile(r"^查询码")).fill(code.lower())  # codes are not case-sensitive
    form.get_by_role("button", name="查询", exact=True).click()

    expect(page.locator("h1")).to_have_text(f"申请办理进度：{number}")
    expect(_fact(page, "受理机关")).to_have_text(context["unit_name"])
    expect(_fact(page, "办理状态")).to_have_text("已答复")
    answer = page.locator("#answer")
    expect(answer.locator(".gk-result")).to_contain_text("部分公开")
    expect(answer.locator(".letter-reply")).to_have_text(request["answer"])
    expect(answer.get_by_role("link", name="下载答复书")).to_be_visible()
    expect(page.locator("#withdraw")).to_have_count(0)
    assert_fits_phone_width(page)


def test_request_from_filing_to_answer_and_annual_report(new_context, site_url, e2e_server):
    context = _context(e2e_server)
    assert context["balanced"], "年度报告在测试前勾稽关系就不相符"
    request = _new_request()

    supervisor = log_in(new_context, site_url, context["supervisor"], PASSWORD)
    result_cell, new_cell = _report_cells(supervisor, site_url, context)
    expect(result_cell).to_have_text(str(context["result_cell"]))
    expect(new_cell).to_have_text(str(context["new_cell"]))
    _report_balances(supervisor)

    citizen = new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True).new_page()
    number, code = _citizen_files_request(citizen, context, request)

    officer = log_in(new_context, site_url, OFFICER, PASSWORD)
    _officer_answers(officer, site_url, request, number)

    _citizen_reads_answer(citizen, context, request, number, code)

    result_cell, new_cell = _report_cells(supervisor, site_url, context)
    expect(result_cell).to_have_text(str(context["result_cell"] + 1))
    expect(new_cell).to_have_text(str(context["new_cell"] + 1))
    _report_balances(supervisor)

    record = _request_record(e2e_server, number)
    assert record["count"] == 1
    assert record["unit"] == UNIT_LABEL
    assert record["state"] == "answered"
    assert record["result"] == RESULT
    assert record["applicant_kind"] == PERSON
    assert record["id_number"] == request["id_number"]
    assert record["acquisition"] == "online"
    assert record["on_time"] is True
    assert record["has_document"] is True
    assert record["handled_by"] == OFFICER
    assert record["history"] == EXPECTED_HISTORY
