"""Application (办件) statistics for the admin page and its Excel export: one definition.

Over the applications submitted between start and end (dates, inclusive, Asia/Shanghai):

- 申请数 applications: every application submitted, withdrawn ones included.
- 受理数 accepted: applications the window accepted (受理), whatever happened after.
- 办结数 closed: applications in the state 已办结 (不予受理 and 撤回 are not 办结).
- 准予数 approved: decided with 准予.
- 按时办结率 on-time share: closed on or before the promised date / closed.
- 平均办理用时 average handling: working days from acceptance to closure over the closed
  applications (`workflow.handling_workdays`), beside their average promised days.
- 满意率 satisfaction: ratings of 基本满意 (3) or better / rated.

Item figures (事项数, 全程网办数, 全程网办率) count the live guides of each department, not
applications, and do not depend on the date range.

A fixed number of queries whatever the number of departments: the counts are aggregated in the
database; only the handling time needs Python (working days), over two dates per closed
application fetched with values_list.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from home.models import Organisation
from services.models import Application, ServiceItemPage
from services.workflow import handling_workdays

S = Application.State


@dataclass
class Figures:
    label: str
    items: int = 0
    full_online: int = 0
    applications: int = 0
    accepted: int = 0
    closed: int = 0
    approved: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    handling_days: list = field(default_factory=list, repr=False)
    promised_days: list = field(default_factory=list, repr=False)

    @property
    def full_online_rate(self):
        return round(100 * self.full_online / self.items, 1) if self.items else None

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.closed, 1) if self.closed else None

    @property
    def satisfaction_rate(self):
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None

    @property
    def average_handling_days(self):
        days = self.handling_days
        return round(sum(days) / len(days), 1) if days else None

    @property
    def average_promised_days(self):
        days = self.promised_days
        return round(sum(days) / len(days), 1) if days else None

    def add(self, other):
        for name in (
            "items",
            "full_online",
            "applications",
            "accepted",
            "closed",
            "approved",
            "on_time",
            "rated",
            "satisfied",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.handling_days += other.handling_days
        self.promised_days += other.promised_days


@dataclass
class ServiceReport:
    totals: Figures
    departments: list
    item_types: list


AGGREGATES = {
    "applications": Count("pk"),
    "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
    "closed": Count("pk", filter=Q(state=S.CLOSED)),
    "approved": Count("pk", filter=Q(approved=True)),
    "on_time": Count("pk", filter=Q(state=S.CLOSED, on_time=True)),
    "rated": Count("pk", filter=Q(rating__isnull=False)),
    "satisfied": Count("pk", filter=Q(rating__gte=Application.Rating.FAIR)),
}


def _handling(figures, accepted_at, closed_at, promised_days):
    days = handling_workdays(Application(accepted_at=accepted_at, closed_at=closed_at))
    if days is not None:
        figures.handling_days.append(days)
        figures.promised_days.append(promised_days)


def service_statistics(applications=None, start=None, end=None, organisations=None):
    """A ServiceReport (totals, per-department rows, per-item-type rows) over `applications`
    submitted between start and end.

    `organisations` limits the department rows and the item counts (a department's staff see
    their own departments); by default every department with a live guide or an application
    in range is listed.
    """
    applications = Application.objects.all() if applications is None else applications
    if start:
        applications = applications.filter(submitted_at__date__gte=start)
    if end:
        applications = applications.filter(submitted_at__date__lte=end)
    items = ServiceItemPage.objects.live()
    if organisations is not None:
        unit_ids = set(organisations.values_list("pk", flat=True))
        items = items.filter(organisation__in=unit_ids)
        applications = applications.filter(organisation__in=unit_ids)
    item_aggregates = {
        "items": Count("pk"),
        "full_online": Count("pk", filter=Q(online_depth=ServiceItemPage.OnlineDepth.FULL)),
    }

    by_unit = {}
    names = dict(Organisation.objects.values_list("pk", "short_name"))
    orders = dict(Organisation.objects.values_list("pk", "sort_order"))

    def unit_row(pk):
        if pk not in by_unit:
            by_unit[pk] = Figures(names.get(pk, "（未指定部门）"))
        return by_unit[pk]

    for values in items.values("organisation").annotate(**item_aggregates).order_by("organisation"):
        row = unit_row(values.pop("organisation"))
        row.items, row.full_online = values["items"], values["full_online"]
    for values in applications.values("organisation").annotate(**AGGREGATES).order_by("organisation"):
        row = unit_row(values.pop("organisation"))
        for name, value in values.items():
            setattr(row, name, value)

    type_labels = dict(ServiceItemPage.ItemType.choices)
    by_type = {}

    def type_row(item_type):
        if item_type not in by_type:
            by_type[item_type] = Figures(type_labels.get(item_type, item_type or "（未分类）"))
        return by_type[item_type]

    for values in items.values("item_type").annotate(**item_aggregates).order_by("item_type"):
        row = type_row(values.pop("item_type"))
        row.items, row.full_online = values["items"], values["full_online"]
    for values in applications.values("item__item_type").annotate(**AGGREGATES).order_by("item__item_type"):
        row = type_row(values.pop("item__item_type"))
        for name, value in values.items():
            setattr(row, name, value)

    closed = applications.filter(state=S.CLOSED, accepted_at__isnull=False, closed_at__isnull=False)
    for unit, item_type, accepted_at, closed_at, promised in closed.values_list(
        "organisation", "item__item_type", "accepted_at", "closed_at", "promised_days"
    ):
        _handling(unit_row(unit), accepted_at, closed_at, promised)
        _handling(type_row(item_type), accepted_at, closed_at, promised)

    totals = Figures("合计")
    for row in by_unit.values():
        totals.add(row)
    departments = sorted(by_unit.items(), key=lambda pair: (orders.get(pair[0], 9999), pair[1].label))
    type_order = list(type_labels)
    item_types = sorted(
        by_type.items(),
        key=lambda pair: type_order.index(pair[0]) if pair[0] in type_order else len(type_order),
    )
    return ServiceReport(
        totals=totals,
        departments=[row for _pk, row in departments],
        item_types=[row for _key, row in item_types],
    )
