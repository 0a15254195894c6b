"""政府信息公开工作年度报告: the figures of the annual report (国办公开办函〔2021〕30号 template).

Everything the platform records itself is computed here: requests (table 3) from
DisclosureRequest, normative documents (table 2) from DisclosureDocumentPage, licensing decisions
from the service hall when it is installed. What the platform cannot know (行政处罚, 行政强制,
收费, 复议, 诉讼) comes from AnnualReportFigures, entered by the units.

Table 3 follows one rule per request, so the official balance holds by construction:
a request belongs to a year's 新收 when received in it, to 上年结转 when received earlier and not
closed (answered or withdrawn) before Jan 1, to 办理结果 when closed within the year and to
结转下年度 when received by Dec 31 and not closed by then. Hence for every column
新收 + 上年结转 = 办理结果总计 + 结转下年度; the check is still computed and shown, because a
request with an unknown result code (old data, a code removed from RESULTS) breaks it visibly
instead of silently disappearing.

Queries are bounded: one aggregate for 新收/结转, one grouped by result for 办理结果, a few for
documents and figures — independent of the number of requests.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from disclosure.models import AnnualReportFigures, DisclosureDocumentPage, DisclosureRequest, Genre
from disclosure.workflow import RESULTS, WITHDRAWN_RESULT
from home.models import Organisation

K = DisclosureRequest.ApplicantKind
S = DisclosureRequest.State
CLOSED_STATES = (S.ANSWERED, S.WITHDRAWN)

# The report's columns, in the official order; “其他组织” is headed “其他” there.
KIND_COLUMNS = [(kind.value, "其他" if kind == K.OTHER_ORG else kind.label) for kind in K]
TOTAL = "total"
COLUMNS = KIND_COLUMNS + [(TOTAL, "总计")]
LEGAL_PERSON_COLUMNS = KIND_COLUMNS[1:]

WHOLE_GOVERNMENT = "即墨市人民政府"
CHINESE_NUMERALS = "一二三四五六七八九十"

# Table 4 (行政复议、行政诉讼): keys of AnnualReportFigures.reviews / .lawsuits.
CASE_KEYS = ("维持", "纠正", "其他结果", "尚未审结", "总计")
CASE_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

ROW_NEW = "new"
ROW_CARRIED_OVER = "carried_over"
ROW_RESULTS_TOTAL = "results_total"
ROW_CARRIED_FORWARD = "carried_forward"


def result_row_key(code):
    return f"result:{code}"


# --- Structure ------------------------------------------------------------------------------------


@dataclass
class HeadCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class ReportRow:
    """One row of table 3: its heading cells (with spans, as in the official template) and one
    value per column of COLUMNS."""

    key: str
    label: str
    heads: list
    values: list
    emphasis: bool = False

    def value(self, column):
        return self.values[[key for key, _label in COLUMNS].index(column)]


class BalanceCheck(NamedTuple):
    """新收 + 上年结转 (left) against 办理结果总计 + 结转下年度 (right), per column."""

    column: str
    ok: bool
    left: int
    right: int


@dataclass
class DocumentRow:
    label: str
    issued: int
    repealed: int
    in_force: int


@dataclass
class AnnualReport:
    year: int
    organisation: Organisation | None
    title: str
    scope: str
    columns: list
    request_rows: list
    balance: list
    unclassified: dict
    document_rows: list
    licensing: int | None
    penalties: int
    enforcement: int
    fees_amount: Decimal
    reviews: dict
    lawsuits: dict
    proactive_by_unit: list
    proactive_total: int
    figures_units: list
    notes: list = field(default_factory=list)

    @property
    def balanced(self):
        return all(check.ok for check in self.balance)

    def row(self, key):
        for row in self.request_rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def cell(self, row_key, column):
        """Table 3: the value of row `row_key` (see ROW_* and result_row_key) in `column`
        (an applicant kind or "total")."""
        return self.row(row_key).value(column)


# --- Helpers --------------------------------------------------------------------------------------


def year_bounds(year):
    """[Jan 1 00:00, next Jan 1 00:00) of `year` in local time (Asia/Shanghai)."""
    return (
        timezone.make_aware(datetime(year, 1, 1)),
        timezone.make_aware(datetime(year + 1, 1, 1)),
    )


def report_title(year, organisation=None):
    name = organisation.name if organisation is not None else WHOLE_GOVERNMENT
    if not name.startswith("即墨市"):
        name = f"即墨市{name}"
    return f"{name}政府信息公开工作年度报告（{year}年）"


def _counts(mapping):
    """[one value per kind…, total] from {kind: count}."""
    values = [mapping.get(kind, 0) or 0 for kind, _label in KIND_COLUMNS]
    return values + [sum(values)]


def _closed_before(moment):
    return Q(state__in=CLOSED_STATES, answered_at__lt=moment)


def _result_groups():
    """RESULTS grouped by report row, in order: [(kind, [(code, reason), …]), …]."""
    groups = []
    for code, (kind, reason) in RESULTS.items():
        if not groups or groups[-1][0] != kind:
            groups.append((kind, []))
        groups[-1][1].append((code, reason))
    return groups


def _as_int(value):
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def case_figures(data):
    """A reviews/lawsuits dict cleaned to CASE_KEYS; 总计 is the sum when not given."""
    data = data if isinstance(data, dict) else {}
    figures = {key: _as_int(data.get(key)) for key in CASE_KEYS[:-1]}
    total = data.get("总计")
    figures["总计"] = _as_int(total) if total not in (None, "") else sum(figures.values())
    return figures


# --- Table 3: requests ----------------------------------------------------------------------------


def _request_table(requests, start, end):
    flows = {
        ROW_NEW: Q(received_at__gte=start, received_at__lt=end),
        ROW_CARRIED_OVER: Q(received_at__lt=start) & ~_closed_before(start),
        ROW_CARRIED_FORWARD: Q(received_at__lt=end) & ~_closed_before(end),
    }
    aggregates = {
        f"{row}__{kind}": Count("pk", filter=condition & Q(applicant_kind=kind))
        for row, condition in flows.items()
        for kind, _label in KIND_COLUMNS
    }
    flow_counts = requests.order_by().aggregate(**aggregates)
    flow_values = {
        row: _counts({kind: flow_counts[f"{row}__{kind}"] for kind, _label in KIND_COLUMNS}) for row in flows
    }

    # Closed within the year, grouped by state and result (withdrawn → 其他处理·其他).
    closed = (
        requests.filter(state__in=CLOSED_STATES, answered_at__gte=start, answered_at__lt=end)
        .order_by()
        .values("state", "result")
        .annotate(**{kind: Count("pk", filter=Q(applicant_kind=kind)) for kind, _label in KIND_COLUMNS})
    )
    by_code = {code: dict.fromkeys(K.values, 0) for code in RESULTS}
    unclassified = {}
    for group in closed:
        code = WITHDRAWN_RESULT if group["state"] == S.WITHDRAWN else group["result"]
        target = by_code.get(code)
        if target is None:
            unclassified[code or "（空）"] = unclassified.get(code or "（空）", 0) + sum(
                group[kind] for kind in K.values
            )
            continue
        for kind in K.values:
            target[kind] += group[kind]

    rows = [
        ReportRow(
            ROW_NEW,
            "一、本年新收政府信息公开申请数量",
            [HeadCell("一、本年新收政府信息公开申请数量", colspan=3)],
            flow_values[ROW_NEW],
        ),
        ReportRow(
            ROW_CARRIED_OVER,
            "二、上年结转政府信息公开申请数量",
            [HeadCell("二、上年结转政府信息公开申请数量", colspan=3)],
            flow_values[ROW_CARRIED_OVER],
        ),
    ]
    groups = _result_groups()
    result_rows = sum(len(items) for _kind, items in groups) + 1
    totals = [0] * len(COLUMNS)
    for number, (kind, items) in enumerate(groups):
        numbered = f"（{CHINESE_NUMERALS[number]}）{kind}"
        for index, (code, reason) in enumerate(items):
            heads = []
            if number == 0 and index == 0:  # the first result row carries the section heading
                heads.append(HeadCell("三、本年度办理结果", rowspan=result_rows))
            if reason:
                if index == 0:
                    heads.append(HeadCell(numbered, rowspan=len(items)))
                heads.append(HeadCell(f"{index + 1}.{reason}"))
                label = f"{numbered}·{index + 1}.{reason}"
            else:
                heads.append(HeadCell(numbered, colspan=2))
                label = numbered
            values = _counts(by_code[code])
            totals = [a + b for a, b in zip(totals, values, strict=True)]
            rows.append(ReportRow(result_row_key(code), label, heads, values))
    total_label = f"（{CHINESE_NUMERALS[len(groups)]}）总计"
    rows.append(
        ReportRow(ROW_RESULTS_TOTAL, total_label, [HeadCell(total_label, colspan=2)], totals, emphasis=True)
    )
    rows.append(
        ReportRow(
            ROW_CARRIED_FORWARD,
            "四、结转下年度继续办理",
            [HeadCell("四、结转下年度继续办理", colspan=3)],
            flow_values[ROW_CARRIED_FORWARD],
        )
    )

    balance = []
    for position, (_key, label) in enumerate(COLUMNS):
        left = flow_values[ROW_NEW][position] + flow_values[ROW_CARRIED_OVER][position]
        right = totals[position] + flow_values[ROW_CARRIED_FORWARD][position]
        balance.append(BalanceCheck(label, left == right, left, right))
    return rows, balance, unclassified


# --- Table 2: proactive disclosure ----------------------------------------------------------------


def _documents(organisation):
    documents = DisclosureDocumentPage.objects.live()
    if organisation is not None:
        documents = documents.filter(organisation=organisation)
    return documents


def _normative_documents(organisation, year):
    """行政规范性文件: issued (published) in the year, repealed in the year, in force at year end."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    figures = (
        _documents(organisation)
        .filter(genre=Genre.REGULATION)
        .order_by()
        .aggregate(
            issued=Count("pk", filter=Q(publish_date__gte=first, publish_date__lte=last)),
            repealed=Count(
                "pk",
                filter=Q(
                    validity=DisclosureDocumentPage.Validity.REPEALED,
                    repealed_date__gte=first,
                    repealed_date__lte=last,
                ),
            ),
            # In force on Dec 31: published by then, and not repealed/expired on or before it.
            in_force=Count(
                "pk",
                filter=Q(publish_date__lte=last)
                & (Q(validity=DisclosureDocumentPage.Validity.VALID) | Q(repealed_date__gt=last)),
            ),
        )
    )
    # A county-level government makes no 规章 (rules): that row is always zero.
    return [
        DocumentRow("规章", 0, 0, 0),
        DocumentRow("行政规范性文件", figures["issued"], figures["repealed"], figures["in_force"]),
    ]


def licensing_decisions(year, organisation=None):
    """行政许可 decisions made in the year, from the service hall; None if it is not available
    (app not installed, or its models do not have the fields this relies on)."""
    if not apps.is_installed("services"):
        return None
    try:
        Application = apps.get_model("services", "Application")
    except LookupError:
        return None
    start, end = year_bounds(year)
    try:
        with transaction.atomic():  # a failing query must not break the caller's transaction
            decisions = Application.objects.filter(
                state__in=["decided", "closed"],
                item__item_type="licensing",
                decided_at__gte=start,
                decided_at__lt=end,
            )
            if organisation is not None:
                decisions = decisions.filter(organisation=organisation)
            return decisions.count()
    except (FieldError, DatabaseError, ValueError, TypeError):
        return None


def _proactive_by_unit(organisation, year):
    counts = (
        _documents(organisation)
        .filter(publish_date__year=year)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
    )
    by_unit = {row["organisation"]: row["n"] for row in counts}
    names = {
        unit.pk: unit.short_name or unit.name
        for unit in Organisation.objects.filter(pk__in=[pk for pk in by_unit if pk])
    }
    rows = sorted(
        ((names.get(pk, "未指定发布机构"), n) for pk, n in by_unit.items()), key=lambda row: (-row[1], row[0])
    )
    return rows, sum(by_unit.values())


# --- The report -----------------------------------------------------------------------------------


def annual_report(year, organisation=None):
    """The annual report of `organisation` for `year`; None = the whole government (all units)."""
    start, end = year_bounds(year)
    requests = DisclosureRequest.objects.all()
    if organisation is not None:
        requests = requests.filter(organisation=organisation)
    request_rows, balance, unclassified = _request_table(requests, start, end)

    figures = AnnualReportFigures.objects.filter(year=year).select_related("organisation")
    if organisation is not None:
        figures = figures.filter(organisation=organisation)
    sums = figures.order_by().aggregate(
        penalties=Sum("penalties"), enforcement=Sum("enforcement"), fees_amount=Sum("fees_amount")
    )
    reviews = dict.fromkeys(CASE_KEYS, 0)
    lawsuits = dict.fromkeys(CASE_KEYS, 0)
    notes = []
    figures_units = []
    for entry in figures.order_by("organisation__kind", "organisation__sort_order", "organisation__pk"):
        for key, value in case_figures(entry.reviews).items():
            reviews[key] += value
        for key, value in case_figures(entry.lawsuits).items():
            lawsuits[key] += value
        unit_name = entry.organisation.short_name or entry.organisation.name
        figures_units.append(unit_name)
        if entry.notes.strip():
            notes.append((unit_name, entry.notes.strip()))

    proactive_by_unit, proactive_total = _proactive_by_unit(organisation, year)
    return AnnualReport(
        year=year,
        organisation=organisation,
        title=report_title(year, organisation),
        scope=organisation.name if organisation is not None else "全市各单位汇总",
        columns=COLUMNS,
        request_rows=request_rows,
        balance=balance,
        unclassified=unclassified,
        document_rows=_normative_documents(organisation, year),
        licensing=licensing_decisions(year, organisation),
        penalties=sums["penalties"] or 0,
        enforcement=sums["enforcement"] or 0,
        fees_amount=sums["fees_amount"] or Decimal("0"),
        reviews=reviews,
        lawsuits=lawsuits,
        proactive_by_unit=proactive_by_unit,
        proactive_total=proactive_total,
        figures_units=figures_units,
        notes=notes,
    )
