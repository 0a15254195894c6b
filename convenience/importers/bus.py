"""城市公交: the bus company's route feed (JSON).

    {"generated_at": "2026-11-28T06:00:00+08:00",
     "records": [{"number": "1路", "name": "即墨汽车站—即墨北站", "first_bus": "06:00",
                  "last_bus": "21:00", "interval": 8, "fare": 1, "loop": false,
                  "operator": "即墨市公共交通有限公司", "stops": ["即墨汽车站", "…", "即墨北站"]}]}

The feed lists every route (a snapshot): after a clean batch, routes no longer in it are withdrawn
and stops no route serves any more are removed. When any route is rejected, the routes that came
through are updated, the rejected ones keep their previous version, and nothing is withdrawn.
A route runs both ways over its stops unless `loop` is true (环线, listed order only).
"""

import re

from convenience.importers.base import Importer, RowRejected, a_time, boolean, decimal, integer, text
from convenience.models.feeds import FeedKey

MAX_STOPS = 200
CHUNK = 500  # rows per query
NO_NUMBER_SORT_KEY = 9999


def sort_key(number):
    """The leading number of a route number ("101路" → 101, "环2路" → 2); routes without a number last."""
    match = re.search(r"\d+", number)
    return min(int(match.group()), NO_NUMBER_SORT_KEY) if match else NO_NUMBER_SORT_KEY


class BusImporter(Importer):
    key = FeedKey.BUS
    format = "json"
    columns = ("number", "first_bus", "last_bus", "interval", "fare", "stops")
    snapshot = True

    def clean(self, row):
        data = row.data
        number = text(data, "number", "线路编号", 20)
        first_bus = a_time(data, "first_bus", "首班时间")
        last_bus = a_time(data, "last_bus", "末班时间")
        if last_bus <= first_bus:
            raise RowRejected("末班时间应晚于首班时间。")
        loop = boolean(data, "loop", "环线标记")
        stops = self.clean_stops(data.get("stops"), loop)
        return {
            "number": number,
            "name": text(data, "name", "线路名称", 80, required=False),
            "first_bus": first_bus,
            "last_bus": last_bus,
            "interval_minutes": integer(data, "interval", "发车间隔（分钟）", minimum=1, maximum=180),
            "fare": decimal(data, "fare", "票价", minimum=0, maximum=50, places=1),
            "loop": loop,
            "operator": text(data, "operator", "运营单位", 60, required=False),
            "stops": stops,
        }

    @staticmethod
    def clean_stops(value, loop):
        if not isinstance(value, list):
            raise RowRejected("站点（stops）应为按顺序排列的站名列表。")
        stops = []
        for position, name in enumerate(value, 1):
            if not isinstance(name, str) or not name.strip():
                raise RowRejected(f"第 {position} 个站点缺少站名。")
            name = " ".join(name.split())
            if len(name) > 40:
                raise RowRejected(f"第 {position} 个站点的站名超过 40 个字。")
            if stops and stops[-1] == name:
                raise RowRejected(f"第 {position} 个站点与前一站重名（同一站连续出现两次）。")
            stops.append(name)
        if loop and len(stops) > 2 and stops[0] == stops[-1]:
            stops.pop()  # a loop written as closed (back to its first stop)
        if len(stops) < (3 if loop else 2):
            raise RowRejected("站点少于 3 个的环线无法运行。" if loop else "线路至少要有 2 个站点。")
        if len(stops) > MAX_STOPS:
            raise RowRejected(f"站点超过 {MAX_STOPS} 个。")
        return stops

    def natural_key(self, cleaned):
        return cleaned["number"]

    def apply(self, accepted, complete):
        """In a number of queries that does not grow with the feed (rows in chunks of CHUNK)."""
        from convenience.models.bus import BusRoute, BusRouteStop, BusStop

        names = sorted({name for record in accepted for name in record["stops"]})
        stop_ids = {}
        for chunk in chunks(names):
            stop_ids.update(BusStop.objects.filter(name__in=chunk).values_list("name", "pk"))
        missing = [name for name in names if name not in stop_ids]
        if missing:
            BusStop.objects.bulk_create([BusStop(name=name) for name in missing], batch_size=CHUNK)
            for chunk in chunks(missing):
                stop_ids.update(BusStop.objects.filter(name__in=chunk).values_list("name", "pk"))

        existing = {route.number: route for route in BusRoute.objects.all()}
        current_stops = {}
        for route_id, stop_id in BusRouteStop.objects.order_by("route_id", "position").values_list(
            "route_id", "stop_id"
        ):
            current_stops.setdefault(route_id, []).append(stop_id)

        fields = ("name", "first_bus", "last_bus", "interval_minutes", "fare", "loop", "operator", "sort_key")
        new_routes, changed = [], []
        for record in accepted:
            values = {name: record[name] for name in fields if name != "sort_key"}
            values["sort_key"] = sort_key(record["number"])
            route = existing.get(record["number"])
            if route is None:
                new_routes.append(BusRoute(number=record["number"], **values))
            elif any(getattr(route, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(route, name, value)
                changed.append(route)
        BusRoute.objects.bulk_create(new_routes, batch_size=CHUNK)
        BusRoute.objects.bulk_update(changed, fields, batch_size=CHUNK)
        route_ids = dict(BusRoute.objects.values_list("number", "pk"))

        relinked, new_links = [], []
        for record in accepted:
            route_id = route_ids[record["number"]]
            sequence = [stop_ids[name] for name in record["stops"]]
            if current_stops.get(route_id) != sequence:
                relinked.append(route_id)
                new_links += [
                    BusRouteStop(route_id=route_id, stop_id=stop, position=position)
                    for position, stop in enumerate(sequence, 1)
                ]
        for chunk in chunks(relinked):
            BusRouteStop.objects.filter(route_id__in=chunk).delete()
        BusRouteStop.objects.bulk_create(new_links, batch_size=CHUNK)

        if complete:
            kept = {record["number"] for record in accepted}
            for chunk in chunks([route.pk for number, route in existing.items() if number not in kept]):
                BusRoute.objects.filter(pk__in=chunk).delete()
            BusStop.objects.filter(route_stops__isnull=True).delete()


def chunks(items, size=None):
    """`items` in lists of at most `size` (default CHUNK): SQLite takes at most 999 parameters."""
    size = size or CHUNK
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]
