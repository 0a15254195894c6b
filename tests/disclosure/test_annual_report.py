"""The annual report (政府信息公开工作年度报告): every answer type feeds exactly its cell, requests
carry over between years, the balance holds per column and is shown, normative documents are
counted by year, the whole government is the sum of its units, the Excel file carries the same
figures, and only a unit's own officers (or supervisors) see its report."""

import io
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from disclosure import workflow
from disclosure.models import AnnualReportFigures, DisclosureRequest, Genre, Theme
from disclosure.report import (
    COLUMNS,
    ROW_CARRIED_FORWARD,
    ROW_CARRIED_OVER,
    ROW_NEW,
    ROW_RESULTS_TOTAL,
    TOTAL,
    annual_report,
    licensing_decisions,
    result_row_key,
)
from home.models import Organisation
from tests.factories import disclosure as gk
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

K = DisclosureRequest.ApplicantKind
KINDS = [kind.value for kind in K]
ANSWER = "经审查，您申请的信息已依法处理，具体依据和理由见答复书。"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def moment(year, month, day, hour=10):
    return gk.moment(date(year, month, day), hour)


def at(when):
    """Time travel for the workflow: answer and withdrawal times come from timezone.now()."""
    return gk.clock(when)


def make_request(unit, kind=K.PERSON, received=None):
    person = kind == K.PERSON
    request, _code = gk.file_request(
        unit.label,
        applicant_kind=kind,
        name="张三丰" if person else "青岛海岸科技有限公司",
        id_number="370282198805061226" if person else "91370282MA3C12345X",
        contact_name="" if person else "李四",
        received_at=received or moment(2026, 3, 2),
    )
    return request


def answer(request, when, code="open", user=None):
    user = user or get_user_model().objects.get(username="admin")
    with at(when):
        return workflow.perform(request, "answer", user, note=ANSWER, result=code)


def withdraw(request, when):
    with at(when):
        return workflow.applicant_action(request, "withdraw", "不再需要。")


@pytest.fixture
def g(db):
    return group_fixture()


@pytest.fixture
def supervisor(db):
    return gk.supervisor()


def all_units():
    return list(Organisation.objects.all())


# --- Every answer type feeds exactly its cell -----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("code", list(workflow.RESULTS))
def test_each_answer_type_feeds_exactly_its_cell(g, kind, code):
    request = make_request(g["jyj"], kind, received=moment(2026, 3, 2))
    answer(request, moment(2026, 3, 10), code)

    report = annual_report(2026, g["jyj"])
    for row in report.request_rows:
        for (column_key, _label), value in zip(COLUMNS, row.values, strict=True):
            expected = 0
            if row.key in (ROW_NEW, ROW_RESULTS_TOTAL, result_row_key(code)) and column_key in (kind, TOTAL):
                expected = 1
            assert value == expected, (row.label, column_key)
    assert report.balanced
    # The whole government sees the same request; another unit does not.
    assert annual_report(2026).cell(result_row_key(code), kind) == 1
    assert annual_report(2026, g["gaj"]).cell(ROW_RESULTS_TOTAL, TOTAL) == 0


def test_result_rows_follow_the_official_template_order():
    report = annual_report(2026)
    labels = [row.label for row in report.request_rows]
    assert labels[:3] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
    ]
    assert labels[3].startswith("（二）部分公开")
    assert "（三）不予公开·1.属于国家秘密" in labels and "（三）不予公开·8.属于行政查询事项" in labels
    assert "（四）无法提供·3.补正后申请内容仍不明确" in labels
    assert "（五）不予处理·5.要求行政机关确认或重新出具已获取信息" in labels
    assert "（六）其他处理·3.其他" in labels
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    assert len(report.request_rows) == 2 + len(workflow.RESULTS) + 2
    assert [label for _key, label in COLUMNS] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    # The first result row carries the section heading spanning every result row.
    first = report.row(result_row_key("open"))
    assert first.heads[0].text == "三、本年度办理结果"
    assert first.heads[0].rowspan == len(workflow.RESULTS) + 1


def test_withdrawn_counts_as_other_processing_other(g):
    request = make_request(g["jyj"], K.RESEARCH, received=moment(2026, 4, 1))
    withdraw(request, moment(2026, 4, 3))
    report = annual_report(2026, g["jyj"])
    assert workflow.WITHDRAWN_RESULT == "other"
    assert report.cell(result_row_key("other"), K.RESEARCH) == 1
    assert report.cell(ROW_RESULTS_TOTAL, TOTAL) == 1
    assert report.cell(ROW_CARRIED_FORWARD, TOTAL) == 0


def test_closed_unclarified_counts_under_its_reason(g):
    officer = g["users"]["jyj_editor"]
    request = make_request(g["jyj"], K.PERSON, received=moment(2026, 5, 6))
    with at(moment(2026, 5, 7)):
        workflow.perform(request, "request_clarification", officer, note="请写明所需信息的文号。")
    with at(moment(2026, 6, 20)):
        workflow.perform(request, "close_unclarified", officer)
    report = annual_report(2026, g["jyj"])
    assert report.cell(result_row_key("other_no_clarification"), K.PERSON) == 1
    assert report.balanced


# --- Across years -----------------------------------------------------------------------------------


def test_carried_over_and_carried_forward_across_years(g):
    late = make_request(g["jyj"], K.COMMERCIAL, received=moment(2025, 12, 20))
    answer(late, moment(2026, 1, 12), "partial")
    still_open = make_request(g["jyj"], K.PERSON, received=moment(2024, 11, 5))
    closed_before = make_request(g["jyj"], K.PERSON, received=moment(2025, 2, 3))
    answer(closed_before, moment(2025, 2, 20))

    r2025 = annual_report(2025, g["jyj"])
    assert r2025.cell(ROW_NEW, K.COMMERCIAL) == 1
    assert r2025.cell(ROW_NEW, TOTAL) == 2
    assert r2025.cell(ROW_CARRIED_OVER, K.PERSON) == 1  # received 2024, still open
    assert r2025.cell(ROW_RESULTS_TOTAL, TOTAL) == 1
    assert r2025.cell(ROW_CARRIED_FORWARD, K.COMMERCIAL) == 1
    assert r2025.cell(ROW_CARRIED_FORWARD, TOTAL) == 2

    r2026 = annual_report(2026, g["jyj"])
    assert r2026.cell(ROW_NEW, TOTAL) == 0
    assert r2026.cell(ROW_CARRIED_OVER, K.COMMERCIAL) == 1
    assert r2026.cell(ROW_CARRIED_OVER, TOTAL) == 2
    assert r2026.cell(result_row_key("partial"), K.COMMERCIAL) == 1
    assert r2026.cell(ROW_RESULTS_TOTAL, TOTAL) == 1
    assert r2026.cell(ROW_CARRIED_FORWARD, TOTAL) == 1  # the 2024 request
    assert r2025.balanced and r2026.balanced
    assert still_open.state == DisclosureRequest.State.RECEIVED


def test_answered_on_new_years_eve_and_new_years_day_local_time(g):
    """The year boundary is midnight in Asia/Shanghai, not UTC."""
    eve = make_request(g["jyj"], K.PERSON, received=moment(2025, 12, 1))
    answer(eve, moment(2025, 12, 31, 23))
    new_year = make_request(g["jyj"], K.PERSON, received=moment(2025, 12, 1))
    answer(new_year, moment(2026, 1, 1, 0))
    assert annual_report(2025, g["jyj"]).cell(ROW_RESULTS_TOTAL, TOTAL) == 1
    assert annual_report(2025, g["jyj"]).cell(ROW_CARRIED_FORWARD, TOTAL) == 1
    assert annual_report(2026, g["jyj"]).cell(ROW_RESULTS_TOTAL, TOTAL) == 1


def mixed_data_set(g):
    """Requests of every kind and state over three years in three units."""
    officer = g["users"]["admin"]
    codes = list(workflow.RESULTS)
    for number, kind in enumerate(KINDS):
        for unit in (g["jyj"], g["gaj"], g["lancun"]):
            answered = make_request(unit, kind, received=moment(2026, 2, 2 + number))
            answer(answered, moment(2026, 2, 20), codes[(number * 3 + unit.pk) % len(codes)])
            make_request(unit, kind, received=moment(2026, 9, 1 + number))  # open at year end
            old = make_request(unit, kind, received=moment(2025, 12, 1 + number))
            answer(old, moment(2026, 1, 15), codes[(number * 5) % len(codes)])
        withdrawn = make_request(g["gaj"], kind, received=moment(2026, 5, 4))
        withdraw(withdrawn, moment(2026, 5, 6))
        paused = make_request(g["jyj"], kind, received=moment(2026, 11, 2))
        with at(moment(2026, 11, 3)):
            workflow.perform(paused, "request_clarification", officer, note="请补充所需信息的时间范围。")
        consulting = make_request(g["lancun"], kind, received=moment(2026, 10, 12))
        with at(moment(2026, 10, 13)):
            workflow.perform(consulting, "start_consultation", officer, note="征求第三方企业意见。")
        future = make_request(g["jyj"], kind, received=moment(2027, 1, 4))
        assert future.pk


def test_balance_holds_for_every_column_on_a_mixed_data_set_and_is_shown(client, g, supervisor):
    mixed_data_set(g)
    for year in (2025, 2026, 2027):
        for unit in [None, *all_units()]:
            report = annual_report(year, unit)
            assert len(report.balance) == len(COLUMNS)
            for label, ok, left, right in report.balance:
                assert ok and left == right, (year, unit, label)
    report = annual_report(2026)
    assert report.cell(ROW_NEW, TOTAL) == len(KINDS) * 9
    assert report.cell(ROW_CARRIED_OVER, TOTAL) == len(KINDS) * 3
    assert report.cell(ROW_CARRIED_FORWARD, TOTAL) == len(KINDS) * 5

    client.force_login(supervisor)
    html = client.get(reverse("disclosure_report:index"), {"year": 2026, "unit": "all"}).content.decode()
    assert html.count('aria-label="相符">✓') == len(COLUMNS)
    assert "各列勾稽关系均相符" in html


def test_the_report_takes_a_fixed_number_of_queries(g):
    make_request(g["jyj"])
    with CaptureQueriesContext(connection) as few:
        annual_report(2026)
    mixed_data_set(g)
    with CaptureQueriesContext(connection) as many:
        annual_report(2026)
    assert len(many) == len(few) <= 12


def test_an_unclassifiable_result_breaks_the_balance_visibly(client, g, supervisor):
    request = make_request(g["jyj"], K.PERSON)
    answer(request, moment(2026, 3, 20))
    DisclosureRequest.objects.filter(pk=request.pk).update(result="retired_code")
    report = annual_report(2026, g["jyj"])
    assert not report.balanced
    assert report.balance[0] == ("自然人", False, 1, 0)
    assert report.unclassified == {"retired_code": 1}
    client.force_login(supervisor)
    html = client.get(
        reverse("disclosure_report:index"), {"year": 2026, "unit": g["jyj"].pk}
    ).content.decode()
    assert 'aria-label="不相符">✗' in html and "勾稽关系不相符" in html and "retired_code" in html


# --- Table 2 ---------------------------------------------------------------------------------------


def add_document(unit, title, published, genre=Genre.REGULATION, validity="valid", repealed=None, live=True):
    return gk.add_document(
        unit.label,
        title,
        publish=live,
        live=live,
        publish_date=published,
        theme=Theme.EDUCATION,
        genre=genre,
        validity=validity,
        repealed_date=repealed,
    )


def test_table_two_counts_issued_repealed_and_in_force(g):
    jyj = g["jyj"]
    add_document(jyj, "关于规范中小学收费的通知", date(2026, 2, 1))
    add_document(
        jyj, "校外培训机构管理办法", date(2025, 5, 1), validity="repealed", repealed=date(2026, 6, 1)
    )
    add_document(jyj, "学生资助实施办法", date(2024, 3, 1), validity="expired", repealed=date(2025, 3, 1))
    add_document(jyj, "2026年招生工作通知", date(2026, 3, 1), genre=Genre.NOTICE)
    add_document(jyj, "未发布的规范性文件", date(2026, 4, 1), live=False)
    add_document(g["gaj"], "户籍管理规定", date(2026, 7, 1))

    rows = {row.label: row for row in annual_report(2026, jyj).document_rows}
    assert (rows["规章"].issued, rows["规章"].repealed, rows["规章"].in_force) == (0, 0, 0)
    normative = rows["行政规范性文件"]
    assert (normative.issued, normative.repealed, normative.in_force) == (1, 1, 1)
    normative = annual_report(2025, jyj).document_rows[1]
    # The expired one is not 废止, but no longer in force at the end of 2025.
    assert (normative.issued, normative.repealed, normative.in_force) == (1, 0, 1)
    normative = annual_report(2024, jyj).document_rows[1]
    assert (normative.issued, normative.repealed, normative.in_force) == (1, 0, 1)
    whole = annual_report(2026).document_rows[1]
    assert (whole.issued, whole.repealed, whole.in_force) == (2, 1, 2)

    report = annual_report(2026, jyj)
    assert report.proactive_total == 2  # every genre published in 2026, live pages only
    assert annual_report(2026).proactive_total == 3
    assert dict(annual_report(2026).proactive_by_unit) == {"教育局": 2, "公安局": 1}


def test_figures_feed_table_two_and_four_and_the_whole_government_sums_them(g):
    AnnualReportFigures.objects.create(
        organisation=g["jyj"],
        year=2026,
        penalties=3,
        enforcement=1,
        fees_amount=Decimal("12.50"),
        reviews={"维持": 1, "纠正": 1, "其他结果": 0, "尚未审结": 1, "总计": 3},
        lawsuits={"维持": 2},
        notes="部分信息更新不及时。",
    )
    AnnualReportFigures.objects.create(
        organisation=g["gaj"],
        year=2026,
        penalties=40,
        enforcement=7,
        fees_amount=Decimal("3.25"),
        reviews={"纠正": "2"},
    )
    AnnualReportFigures.objects.create(organisation=g["gaj"], year=2025, penalties=99)
    jyj = annual_report(2026, g["jyj"])
    assert (jyj.penalties, jyj.enforcement, jyj.fees_amount) == (3, 1, Decimal("12.50"))
    assert jyj.reviews == {"维持": 1, "纠正": 1, "其他结果": 0, "尚未审结": 1, "总计": 3}
    assert jyj.lawsuits["总计"] == 2  # computed when not entered
    whole = annual_report(2026)
    assert (whole.penalties, whole.enforcement, whole.fees_amount) == (43, 8, Decimal("15.75"))
    assert whole.reviews["纠正"] == 3 and whole.reviews["总计"] == 5
    assert whole.notes == [("教育局", "部分信息更新不及时。")]


def test_licensing_decisions_come_from_the_service_hall_when_available(g):
    services = pytest.importorskip("tests.factories.services")
    try:
        item = services.add_item(item_type="licensing", title="民办学校办学许可")
        other = services.add_item(title="新生入学登记", slug="item-other")
        applications = [services.apply(item), services.apply(item), services.apply(other)]
    except Exception as error:  # the service hall is still being built: its factories may change
        pytest.skip(f"网上办事的测试工厂暂不可用：{error}")
    from services.models import Application

    for application in applications:
        Application.objects.filter(pk=application.pk).update(state="decided", decided_at=moment(2026, 6, 1))
    Application.objects.filter(pk=applications[1].pk).update(decided_at=moment(2025, 6, 1))
    assert licensing_decisions(2026, g["jyj"]) == 1
    assert licensing_decisions(2026) == 1
    assert licensing_decisions(2025) == 1
    assert annual_report(2026, g["gaj"]).licensing == 0


def test_licensing_is_skipped_gracefully_when_the_service_hall_is_missing():
    with mock.patch("disclosure.report.apps.is_installed", return_value=False):
        assert licensing_decisions(2026) is None
        assert annual_report(2026).licensing is None


# --- Whole government, Excel, permissions ---------------------------------------------------------


def test_whole_government_is_the_sum_of_its_units(g):
    mixed_data_set(g)
    add_document(g["jyj"], "教育规范性文件", date(2026, 2, 1))
    add_document(g["lancun"], "村规民约指导意见", date(2026, 3, 1))
    AnnualReportFigures.objects.create(organisation=g["lancun"], year=2026, penalties=2, reviews={"维持": 1})
    whole = annual_report(2026)
    units = [annual_report(2026, unit) for unit in all_units()]
    for row in whole.request_rows:
        summed = [sum(values) for values in zip(*(u.row(row.key).values for u in units), strict=True)]
        assert row.values == summed, row.label
    assert whole.document_rows[1].issued == sum(u.document_rows[1].issued for u in units) == 2
    assert whole.proactive_total == sum(u.proactive_total for u in units)
    assert whole.penalties == sum(u.penalties for u in units)
    assert whole.reviews == {
        key: sum(u.reviews[key] for u in units) for key in ("维持", "纠正", "其他结果", "尚未审结", "总计")
    }
    assert whole.title == "即墨市人民政府政府信息公开工作年度报告（2026年）"
    assert units[0].title.endswith("政府信息公开工作年度报告（2026年）")


def row_values(sheet, label):
    for row in sheet.iter_rows(values_only=True):
        if label in row:
            return list(row[3 : 3 + len(COLUMNS)])
    raise AssertionError(f"{label} not in sheet")


def test_excel_totals_equal_the_computed_ones(client, g, supervisor):
    mixed_data_set(g)
    AnnualReportFigures.objects.create(
        organisation=g["gaj"], year=2026, penalties=5, enforcement=2, reviews={"维持": 1, "纠正": 2}
    )
    client.force_login(supervisor)
    response = client.get(reverse("disclosure_report:index"), {"year": 2026, "unit": "all", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["主动公开", "依申请公开", "复议诉讼"]
    report = annual_report(2026)
    sheet = workbook["依申请公开"]
    assert sheet["A1"].value == report.title == "即墨市人民政府政府信息公开工作年度报告（2026年）"
    for key in (ROW_NEW, ROW_CARRIED_OVER, ROW_RESULTS_TOTAL, ROW_CARRIED_FORWARD):
        assert row_values(sheet, report.row(key).heads[-1].text) == report.row(key).values
    assert row_values(sheet, "1.属于国家秘密") == report.row(result_row_key("refuse_secret")).values
    proactive = list(workbook["主动公开"].iter_rows(values_only=True))
    assert ("行政处罚", 5, None, None) in proactive and ("行政强制", 2, None, None) in proactive
    cases = list(workbook["复议诉讼"].iter_rows(values_only=True))
    assert cases[-1] == (1, 2, 0, 0, 3, 0, 0, 0, 0, 0)


def test_unit_report_permissions(client, g, supervisor):
    url = reverse("disclosure_report:index")
    jyj, gaj = g["jyj"], g["gaj"]
    client.force_login(g["users"]["gaj_editor"])
    assert client.get(url, {"year": 2026, "unit": jyj.pk}).status_code == 403
    assert client.get(url, {"year": 2026, "unit": "all"}).status_code == 403
    assert client.get(url, {"year": 2026, "unit": jyj.pk, "format": "xlsx"}).status_code == 403
    response = client.get(url, {"year": 2026, "unit": gaj.pk})
    assert response.status_code == 200
    assert "即墨市公安局政府信息公开工作年度报告（2026年）" in response.content.decode()
    # Without a choice an officer gets their own unit.
    assert "即墨市公安局政府信息公开工作年度报告" in client.get(url).content.decode()
    # Nonsense is a 400 with a message, never a 500.
    assert client.get(url, {"year": "abc", "unit": gaj.pk}).status_code == 400
    assert client.get(url, {"year": 1999, "unit": gaj.pk}).status_code == 400
    assert client.get(url, {"year": 2026, "unit": "999999"}).status_code == 400

    client.force_login(g["users"]["jyj_admin"])
    assert client.get(url, {"year": 2026, "unit": jyj.pk}).status_code == 200
    assert client.get(url, {"year": 2026, "unit": gaj.pk}).status_code == 403

    client.force_login(supervisor)
    for unit in (jyj.pk, gaj.pk, "all"):
        assert client.get(url, {"year": 2026, "unit": unit}).status_code == 200
    response = client.get(url, {"year": 2026, "unit": jyj.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["主动公开"]["A1"].value == (
        "即墨市教育局政府信息公开工作年度报告（2026年）"
    )

    # A back-office user with no 政务公开 role is refused (without admin access: to the login).
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    nobody = get_user_model().objects.create_user("gk_nobody", password="x")
    nobody.user_permissions.add(access_admin)
    client.force_login(nobody)
    assert client.get(url, {"year": 2026, "unit": "all"}).status_code == 403


# --- 年报补充数据 -----------------------------------------------------------------------------------------


def figures_data(**overrides):
    data = {
        "penalties": "12",
        "enforcement": "3",
        "fees_amount": "8.5",
        "review_维持": "1",
        "review_纠正": "2",
        "review_其他结果": "0",
        "review_尚未审结": "1",
        "lawsuit_维持": "0",
        "lawsuit_纠正": "1",
        "lawsuit_其他结果": "0",
        "lawsuit_尚未审结": "0",
        "notes": "政策解读形式较单一。",
    }
    return {**data, **overrides}


def test_officers_enter_their_own_units_figures_and_supervisors_any(client, g, supervisor):
    jyj, gaj = g["jyj"], g["gaj"]
    edit = lambda unit: reverse("disclosure_figures:edit", args=[unit.pk, 2026])  # noqa: E731
    client.force_login(g["users"]["jyj_editor"])
    index = client.get(reverse("disclosure_figures:index"), {"year": 2026}).content.decode()
    assert jyj.name in index and gaj.name not in index
    assert client.get(edit(jyj)).status_code == 200
    response = client.post(edit(jyj), figures_data())
    assert response.status_code == 302
    figures = AnnualReportFigures.objects.get(organisation=jyj, year=2026)
    assert (figures.penalties, figures.enforcement, figures.fees_amount) == (12, 3, Decimal("8.5"))
    assert figures.reviews == {"维持": 1, "纠正": 2, "其他结果": 0, "尚未审结": 1, "总计": 4}
    assert figures.lawsuits["总计"] == 1
    assert annual_report(2026, jyj).reviews["总计"] == 4

    # Bad input: 400, the typed values kept, nothing saved.
    response = client.post(edit(jyj), figures_data(penalties="-1", notes="保留这段文字"))
    assert response.status_code == 400
    assert "保留这段文字" in response.content.decode()
    assert AnnualReportFigures.objects.get(organisation=jyj, year=2026).penalties == 12

    assert client.get(edit(gaj)).status_code == 403
    assert client.post(edit(gaj), figures_data()).status_code == 403
    assert not AnnualReportFigures.objects.filter(organisation=gaj).exists()
    assert client.get(reverse("disclosure_figures:edit", args=[gaj.pk, 1990])).status_code == 404

    client.force_login(supervisor)
    assert client.post(edit(gaj), figures_data(penalties="40")).status_code == 302
    assert annual_report(2026).penalties == 52
