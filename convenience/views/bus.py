"""城市公交: the route list, a stop search, the A→B planner, a route's stops and a stop's routes.

Everything is answered from the in-process network (convenience.transit): a page runs the same few
queries however large the network is. All input comes by GET; a stop name the network does not
know (or several stops it could mean) re-renders the form with a message and suggestions, status 400.
"""

from django.http import Http404
from django.utils.http import urlencode

from convenience import transit

MAX_QUERY_LENGTH = 30
MAX_SEARCH_RESULTS = 20
GROUPS = (
    ("city", "市区线路"),
    ("loop", "环线"),
    ("rural", "城乡公交"),
    ("other", "其他线路"),
)


def route_group(route):
    if route.loop:
        return "loop"
    if route.sort_key >= 9999:
        return "other"
    return "rural" if route.sort_key >= 100 else "city"


def grouped_routes(page, request, network):
    groups = {key: [] for key, _title in GROUPS}
    for route in network.ordered_routes:
        groups[route_group(route)].append(
            {"route": route, "url": page.subpage_url(request, "route", route.pk)}
        )
    return [{"key": key, "title": title, "routes": groups[key]} for key, title in GROUPS if groups[key]]


def _param(request, name):
    """A GET parameter as typed (trimmed) and an error when it is too long."""
    value = request.GET.get(name, "")
    value = value.replace("\x00", "").strip()
    if len(value) > MAX_QUERY_LENGTH:
        return value[:MAX_QUERY_LENGTH], f"站点名称不能超过 {MAX_QUERY_LENGTH} 个字。"
    return value, None


def _stop_links(page, request, network, stops):
    return [
        {"pk": pk, "name": network.name(pk), "url": page.subpage_url(request, "stop", pk)} for pk in stops
    ]


def _resolve(network, value, label):
    """(stop pk, None, suggestions) when the name means one stop, else (None, message, suggestions)."""
    if not transit.normalise(value):
        return None, f"请填写{label}。", []
    search = network.find_stops(value)
    if search.resolved is not None:
        return search.resolved, None, []
    if search.matches:
        return None, f"有多个站点包含“{value}”，请从下面选择一个{label}。", search.matches[:8]
    if search.suggestions:
        return None, f"没有名为“{value}”的站点，您要找的是不是下面这些站点？", search.suggestions
    return None, f"没有名为“{value}”的站点，请检查站名。", []


def _ride(page, request, network, ride):
    route = ride.route
    toward = ride.toward
    return {
        "route": route,
        "url": page.subpage_url(request, "route", route.pk),
        "from": network.name(ride.from_stop),
        "to": network.name(ride.to_stop),
        "stops": ride.stops,
        "toward": network.name(toward) if toward is not None else None,
        "path": [network.name(stop) for stop in ride.path],
    }


def _plan(page, request, network, origin, destination):
    plan = network.plan(origin, destination)
    return {
        "kind": plan.kind,
        "direct": [_ride(page, request, network, ride) for ride in plan.direct],
        "transfers": [
            {
                "first": _ride(page, request, network, option.first),
                "second": _ride(page, request, network, option.second),
                "at": network.name(option.at),
                "stops": option.stops,
                "fare": option.fare,
            }
            for option in plan.transfers
        ],
    }


def index(page, request):
    network = transit.network()
    status = 200
    context = {
        "groups": grouped_routes(page, request, network),
        "route_count": len(network),
        "stop_count": len(network.stop_names),
    }
    if not len(network):
        # No routes imported yet: nothing to search or plan on. Whatever was asked, the page says
        # there is no data (200), keeping what was typed.
        context.update(
            q=_param(request, "q")[0],
            origin_text=_param(request, "from")[0],
            destination_text=_param(request, "to")[0],
            no_network=any(name in request.GET for name in ("q", "from", "to")),
        )
        return page.render_lookup(request, "convenience/bus.html", context)

    # --- stop search -------------------------------------------------------------------------
    query, error = _param(request, "q")
    context["q"] = query
    if "q" in request.GET:
        if error:
            context["q_error"], status = error, 400
        elif not transit.normalise(query):
            context["q_error"], status = "请输入站点名称（可以只输入一部分，如“古城”）。", 400
        else:
            search = network.find_stops(query)
            context["search"] = {
                "matches": _stop_links(page, request, network, search.matches[:MAX_SEARCH_RESULTS]),
                "suggestions": _stop_links(page, request, network, search.suggestions),
            }

    # --- the planner ---------------------------------------------------------------------------
    origin_text, origin_error = _param(request, "from")
    destination_text, destination_error = _param(request, "to")
    context.update(origin_text=origin_text, destination_text=destination_text)
    if "from" in request.GET or "to" in request.GET:
        context["planning"] = True
        origin = destination = None
        if not origin_error:
            origin, origin_error, origin_suggestions = _resolve(network, origin_text, "起点站")
            context["origin_suggestions"] = [
                {
                    "name": network.name(pk),
                    "url": "?" + urlencode({"from": network.name(pk), "to": destination_text}),
                }
                for pk in origin_suggestions
            ]
        if not destination_error:
            destination, destination_error, destination_suggestions = _resolve(
                network, destination_text, "终点站"
            )
            context["destination_suggestions"] = [
                {
                    "name": network.name(pk),
                    "url": "?" + urlencode({"from": origin_text, "to": network.name(pk)}),
                }
                for pk in destination_suggestions
            ]
        context.update(origin_error=origin_error, destination_error=destination_error)
        if origin_error or destination_error:
            status = 400
        else:
            context.update(
                origin=network.name(origin),
                destination=network.name(destination),
                origin_url=page.subpage_url(request, "stop", origin),
                destination_url=page.subpage_url(request, "stop", destination),
                plan=_plan(page, request, network, origin, destination),
            )
    return page.render_lookup(request, "convenience/bus.html", context, status=status)


def _object_pk(arg, known):
    if arg is None or not arg.isdigit() or len(arg) > 12:
        raise Http404
    pk = int(arg)
    if pk not in known:
        raise Http404
    return pk


def subpage(page, request, name, arg):
    if name == "route":
        return route_detail(page, request, arg)
    if name == "stop":
        return stop_detail(page, request, arg)
    raise Http404


def route_detail(page, request, arg):
    network = transit.network()
    route = network.routes[_object_pk(arg, network.routes)]

    def stop_list(stops):
        return _stop_links(page, request, network, stops)

    directions = []
    if route.loop:
        directions.append({"title": "环线运行方向", "stops": stop_list(route.stops), "loop": True})
    else:
        first, last = network.name(route.stops[0]), network.name(route.stops[-1])
        directions.append({"title": f"{first} → {last}", "stops": stop_list(route.stops)})
        directions.append({"title": f"{last} → {first}", "stops": stop_list(reversed(route.stops))})
    context = {
        "subtitle": route.number,
        "route": route,
        "directions": directions,
        "group": route_group(route),
    }
    return page.render_lookup(request, "convenience/bus_route.html", context)


def stop_detail(page, request, arg):
    network = transit.network()
    stop = _object_pk(arg, network.stop_names)
    name = network.name(stop)
    rows = []
    order = {key: n for n, (key, _title) in enumerate(GROUPS)}
    through = sorted(network.routes_at(stop), key=lambda item: order[route_group(item[0])])  # stable
    for route, positions in through:
        if route.loop:
            following = route.stops[(positions[0] + 1) % len(route.stops)]
            towards = [f"环线（下一站 {network.name(following)}）"]
        else:
            towards = []
            if any(position < len(route.stops) - 1 for position in positions):
                towards.append(f"开往 {network.name(route.stops[-1])}")
            if any(position > 0 for position in positions):
                towards.append(f"开往 {network.name(route.stops[0])}")
        rows.append({"route": route, "url": page.subpage_url(request, "route", route.pk), "towards": towards})
    context = {
        "subtitle": f"{name}（站点）",
        "stop_name": name,
        "rows": rows,
    }
    return page.render_lookup(request, "convenience/bus_stop.html", context)
