"""Letter statistics for the public page, the admin and the Excel export: one definition.

- 收件 received: every letter except merged duplicates.
- 受理 accepted: screened and taken on (neither waiting for screening nor refused, 不予受理).
- 答复 replied: closed with an approved reply.
- 按期答复率 on-time rate: replied on or before the reply due date / replied.
- 满意率 satisfaction: 非常满意 + 满意 + 基本满意 / rated.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from forms.models import Letter

S = Letter.State


@dataclass
class Figures:
    label: str
    received: int = 0
    accepted: int = 0
    replied: int = 0
    on_time: int = 0
    open: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    average_rating: float | None = None

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.replied, 1) if self.replied else None

    @property
    def satisfaction_rate(self):
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None

    @property
    def reply_rate(self):
        return round(100 * self.replied / self.accepted, 1) if self.accepted else None


def _aggregates(today):
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=~Q(state__in=[S.SUBMITTED, S.REJECTED])),
        "replied": Count("pk", filter=Q(state=S.CLOSED)),
        "on_time": Count("pk", filter=Q(state=S.CLOSED, on_time=True)),
        "open": Count("pk", filter=Q(state__in=Letter.OPEN_STATES)),
        "overdue": Count(
            "pk",
            filter=Q(state=S.SUBMITTED, accept_due__lt=today)
            | Q(state__in=Letter.HANDLING_STATES, reply_due__lt=today),
        ),
        "rated": Count("pk", filter=Q(rating__isnull=False)),
        "satisfied": Count("pk", filter=Q(rating__gte=Letter.Rating.FAIRLY_SATISFIED)),
        "average_rating": Avg("rating"),
    }


def letter_statistics(letters=None, today=None, start=None, end=None):
    """(totals, per-unit rows) over `letters` received between start and end (dates, inclusive).

    Three queries whatever the number of units.
    """
    from django.utils import timezone

    from home.models import Organisation

    today = today or timezone.localdate()
    letters = (Letter.objects.all() if letters is None else letters).exclude(state=S.MERGED)
    if start:
        letters = letters.filter(received_at__date__gte=start)
    if end:
        letters = letters.filter(received_at__date__lte=end)
    aggregates = _aggregates(today)
    totals = Figures("合计", **letters.aggregate(**aggregates))
    rows = []
    names = dict(Organisation.objects.values_list("pk", "short_name"))
    for values in letters.values("unit").annotate(**aggregates).order_by("unit"):
        unit = values.pop("unit")
        rows.append(Figures(names.get(unit, "待转办"), **values))
    rows.sort(key=lambda row: (-row.received, row.label))
    return totals, rows


def rating_distribution(letters=None):
    letters = Letter.objects.all() if letters is None else letters
    counts = dict(letters.filter(rating__isnull=False).values_list("rating").annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in Letter.Rating.choices]
