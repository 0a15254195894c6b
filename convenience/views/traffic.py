"""交通违法查询: a vehicle's violations, found by plate number and the last six characters of its
VIN.

POST only, the answer on the same response (never in a URL), never cached nor indexed
(`render_lookup` adds the headers). The address's allowance and the plate's allowance of lookups
that found nothing are checked in the cache before the database is read: a plate whose VIN tail is
being guessed is paused for the hour. Every lookup is logged in LookupAttempt by the vehicle's hash.
"""

from django.db.models import Count, Q, Sum

from convenience import personal
from convenience.forms_personal import TrafficLookupForm
from convenience.models.feeds import FeedKey, LookupAttempt
from convenience.models.traffic import TrafficViolation
from home import ratelimit

TEMPLATE = "convenience/traffic.html"
NOT_FOUND_MESSAGE = "未查询到该车辆的交通违法记录。"
MAX_SHOWN = 100
Outcome = LookupAttempt.Outcome


def index(page, request):
    render = personal.renderer(page, request, TEMPLATE)
    form, response = personal.read_form(request, FeedKey.TRAFFIC, TrafficLookupForm, render)
    if response is not None:
        return response
    plate, vin_tail = form.cleaned_data["plate"], form.cleaned_data["vin_tail"]
    lookup_hash = personal.identifier_hash(FeedKey.TRAFFIC, personal.vehicle_key(plate, vin_tail))
    ip = ratelimit.client_ip(request)
    if personal.traffic_limited(plate):
        return personal.refuse_identifier(
            FeedKey.TRAFFIC, lookup_hash, ip, Outcome.LIMITED, form, render, personal.TRAFFIC_LIMITED_MESSAGE
        )
    violations = list(TrafficViolation.objects.filter(lookup_hash=lookup_hash)[:MAX_SHOWN])
    if not violations:
        personal.count_traffic_miss(plate)
        personal.log_attempt(FeedKey.TRAFFIC, lookup_hash, ip, Outcome.NOT_FOUND)
        form.refresh_captcha()
        return render(form, not_found=NOT_FOUND_MESSAGE)
    personal.log_attempt(FeedKey.TRAFFIC, lookup_hash, ip, Outcome.FOUND)
    return render(
        TrafficLookupForm(),  # a new, empty form: the full plate number is not written back
        violations=violations,
        plate_masked=violations[0].plate_masked,
        totals=_totals(lookup_hash, violations),
    )


def _totals(lookup_hash, violations):
    """How many violations, and the fines and points of those not yet handled."""
    if len(violations) < MAX_SHOWN:
        pending = [violation for violation in violations if not violation.handled]
        return {
            "count": len(violations),
            "unhandled": len(pending),
            "fines": sum(violation.fine for violation in pending),
            "points": sum(violation.points for violation in pending),
        }
    unhandled = Q(handled=False)
    return TrafficViolation.objects.filter(lookup_hash=lookup_hash).aggregate(
        count=Count("pk"),
        unhandled=Count("pk", filter=unhandled),
        fines=Sum("fine", filter=unhandled, default=0),
        points=Sum("points", filter=unhandled, default=0),
    )
