"""乡镇客运: the timetable between the city and the towns, filtered by origin and destination (GET).

The choices offered are the places present in the data; any other value is refused with a message
(status 400). With no filter the whole timetable is shown, one table per line (origin → destination).
"""

from convenience.models.coach import CoachTrip

MAX_PARAM_LENGTH = 30


def _places(pairs, index):
    return sorted({pair[index] for pair in pairs}, key=lambda place: (place != "即墨城区", place))


def _choice(request, name, allowed, label):
    value = request.GET.get(name, "").replace("\x00", "").strip()[:MAX_PARAM_LENGTH]
    if value and value not in allowed:
        return value, f"没有{label}为“{value}”的班次，请从列表中选择。"
    return value, None


def index(page, request):
    pairs = list(CoachTrip.objects.values_list("origin", "destination").distinct())
    origins, destinations = _places(pairs, 0), _places(pairs, 1)
    origin, origin_error = _choice(request, "origin", origins, "始发地")
    destination, destination_error = _choice(request, "destination", destinations, "目的地")
    if not pairs:  # no timetable at all: the page says so (200), whatever was asked for
        origin, destination, origin_error, destination_error = "", "", None, None
    context = {
        "origins": origins,
        "destinations": destinations,
        "origin": origin,
        "destination": destination,
        "origin_error": origin_error,
        "destination_error": destination_error,
        "filtered": bool(origin or destination),
        "has_data": bool(pairs),
    }
    if origin_error or destination_error:
        return page.render_lookup(request, "convenience/coach.html", context, status=400)
    trips = CoachTrip.objects.order_by("origin", "destination", "departure", "station")
    if origin:
        trips = trips.filter(origin=origin)
    if destination:
        trips = trips.filter(destination=destination)
    groups = {}
    for trip in trips:
        groups.setdefault((trip.origin, trip.destination), []).append(trip)
    context["groups"] = [
        {
            "origin": key[0],
            "destination": key[1],
            "trips": rows,
            "fares": sorted({trip.fare for trip in rows}),
        }
        for key, rows in sorted(
            groups.items(), key=lambda item: (item[0][0] != "即墨城区", item[0][1], item[0][0])
        )
    ]
    context["trip_count"] = sum(len(group["trips"]) for group in context["groups"])
    return page.render_lookup(request, "convenience/coach.html", context)
