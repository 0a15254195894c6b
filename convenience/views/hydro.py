"""水文: every station's latest level against its control levels (stations over them first), and one
station's 7-day trend. A fixed number of queries per page, whatever the number of stations or
readings."""

import re
from datetime import timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from convenience.models.hydro import HydroReading, HydroStation
from convenience.services import freshness
from home.dates import cn_datetime

TREND_DAYS = 7
PK = re.compile(r"[0-9]{1,9}")
CENT, TENTH = Decimal("0.01"), Decimal("0.1")
WARNING_COLOUR = "#b54708"
GUARANTEE_COLOUR = "#b42318"


def _names(station):
    """What the two control levels are called: a river's 警戒/保证, a reservoir's 汛限/设计洪水位."""
    if station.kind == HydroStation.Kind.RESERVOIR:
        return {
            "warning": "汛限水位",
            "guarantee": "设计洪水位",
            "over_warning": "超汛限",
            "over_guarantee": "超设计",
        }
    return {
        "warning": "警戒水位",
        "guarantee": "保证水位",
        "over_warning": "超警戒",
        "over_guarantee": "超保证",
    }


def _status(station, level):
    """How a level stands against the station's control levels: a rank for ordering (0 = over the
    guarantee level), the flag ("超警戒 0.12 米") and the distance to the warning level in words."""
    names = _names(station)
    if level is None:
        return {"rank": 3, "flag": "", "distance": "", "over": False}
    to_warning = level - station.warning_level
    if level > station.guarantee_level:
        flag = f"{names['over_guarantee']} {level - station.guarantee_level:.2f} 米"
        rank = 0
    elif to_warning > 0:
        flag = f"{names['over_warning']} {to_warning:.2f} 米"
        rank = 1
    else:
        flag, rank = "", 2
    if to_warning > 0:
        distance = f"高 {to_warning:.2f} 米"
    elif to_warning < 0:
        distance = f"低 {-to_warning:.2f} 米"
    else:
        distance = f"平{names['warning']}"
    return {"rank": rank, "flag": flag, "distance": distance, "over": rank < 2}


def _short_time(moment):
    """A chart label: 11/28 08时."""
    moment = timezone.localtime(moment)
    return f"{moment.month}/{moment.day} {moment:%H}时"


def _quantize(value, places=CENT):
    """Subquery values come back from some databases as binary floats: back to the stored places."""
    return None if value is None else Decimal(value).quantize(places)


def _latest(field, offset=0):
    readings = HydroReading.objects.filter(station=OuterRef("pk")).order_by("-at")
    return Subquery(readings.values(field)[offset : offset + 1])


def index(page, request):
    fresh = freshness(page.lookup)
    stations = HydroStation.objects.annotate(
        latest_at=_latest("at"),
        latest_level=_latest("level"),
        latest_flow=_latest("flow"),
        latest_storage=_latest("storage"),
        previous_level=_latest("level", 1),
    )
    now = timezone.now()
    quiet = timedelta(hours=fresh.stale_hours)
    rows = []
    for station in stations:
        level = _quantize(station.latest_level)
        previous = _quantize(station.previous_level)
        status = _status(station, level)
        rise = None
        if level is not None and previous is not None and level != previous:
            change = level - previous
            rise = {"up": change > 0, "value": abs(change)}
        rows.append(
            {
                "station": station,
                "names": _names(station),
                "url": page.subpage_url(request, "station", station.pk),
                "level": level,
                "at": station.latest_at,
                "old": station.latest_at is not None and now - station.latest_at > quiet,
                "rise": rise,
                "flow": _quantize(station.latest_flow),
                "storage": _quantize(station.latest_storage, TENTH),
                "reservoir": station.kind == HydroStation.Kind.RESERVOIR,
                **status,
            }
        )
    rows.sort(key=lambda row: row["rank"])  # stable: within a rank, the stations' own order
    reservoirs = [row for row in rows if row["reservoir"] and row["storage"] is not None]
    context = {
        "freshness": fresh,
        "rows": rows,
        "flagged": [row for row in rows if row["over"]],
        "storage_total": sum((row["storage"] for row in reservoirs), Decimal(0)) if reservoirs else None,
        "reservoir_count": len(reservoirs),
        "level_heading": "最近一次水位" if fresh.stale else "当前水位",
    }
    return page.render_lookup(request, "convenience/hydro.html", context)


def subpage(page, request, name, arg):
    if name != "station" or not arg or not PK.fullmatch(arg):
        raise Http404
    station = HydroStation.objects.filter(pk=int(arg)).first()
    if station is None:
        raise Http404
    fresh = freshness(page.lookup)
    names = _names(station)
    context = {
        "freshness": fresh,
        "station": station,
        "names": names,
        "subtitle": f"{station.name}水位",
        "level_heading": "最近一次水位" if fresh.stale else "当前水位",
    }
    latest = station.readings.order_by("-at").values_list("at", flat=True).first()
    if latest is None:
        return page.render_lookup(request, "convenience/hydro_station.html", context)
    since = latest - timedelta(days=TREND_DAYS)
    readings = list(station.readings.filter(at__gt=since).order_by("at"))
    points = [(_short_time(reading.at), reading.level) for reading in readings]
    highest = max(readings, key=lambda reading: reading.level)
    last = readings[-1]
    status = _status(station, last.level)
    summary = (
        f"{station.name}近{TREND_DAYS}天水位走势：最高{highest.level}米（{cn_datetime(highest.at)}），"
        f"最新{last.level}米（{cn_datetime(last.at)}），"
        f"{names['warning']}{station.warning_level}米，{names['guarantee']}{station.guarantee_level}米。"
    )
    context.update(
        last=last,
        status=status,
        points=points,
        references=[
            (station.warning_level, names["warning"], WARNING_COLOUR),
            (station.guarantee_level, names["guarantee"], GUARANTEE_COLOUR),
        ],
        summary=summary,
        chart_title=f"近{TREND_DAYS}天水位（米），虚线为{names['warning']}和{names['guarantee']}",
        table=[
            {"reading": reading, "distance": _status(station, reading.level)}
            for reading in reversed(readings)
        ],
        reservoir=station.kind == HydroStation.Kind.RESERVOIR,
        since=since,
    )
    return page.render_lookup(request, "convenience/hydro_station.html", context)
