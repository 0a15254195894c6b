"""空气质量: every station's latest AQI, level, primary pollutant, the six pollutants and the health
advice of the level; the hourly AQI of one station over 24 hours and its daily mean over 30 days,
each as an SVG chart with the same figures in a table.

GET `station` (a station's number, default the first) picks the station of the charts. When the
feed has been silent too long the readings are headed "最近一次监测（time）", not "实时".
"""

import math
from datetime import datetime, time, timedelta

from django.db.models import Avg, Count, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from convenience import aqi
from convenience.models.air import AirReading, AirStation
from convenience.services import feed_settings

HOURS = 24
DAYS = 30
REFERENCE_LINES = [(50, "优/良", "#1e7b34"), (100, "良/轻度污染", "#a34d00")]


def index(page, request):
    newest = AirReading.objects.filter(station=OuterRef("pk")).order_by("-at").values("pk")[:1]
    stations = list(AirStation.objects.annotate(latest_pk=Subquery(newest)))
    latest = {
        reading.station_id: reading
        for reading in AirReading.objects.filter(pk__in=[s.latest_pk for s in stations if s.latest_pk])
    }
    stale_after = timedelta(hours=int(feed_settings(page.lookup)["stale_hours"]))
    now = timezone.now()
    cards = [
        _card(station, latest[station.pk], now - latest[station.pk].at > stale_after)
        for station in stations
        if station.pk in latest
    ]
    measured = [card["station"] for card in cards]
    context = {"cards": cards, "stations": measured, "levels": aqi.LEVELS, "pollutants": aqi.POLLUTANTS}

    raw = request.GET.get("station")
    chosen = measured[0] if measured else None
    if raw is not None and raw.strip() and measured:  # with no data at all, the page says so (200)
        chosen = next((station for station in measured if str(station.pk) == raw.strip()), None)
        if chosen is None:
            context["error"] = "没有这个监测点，请从列表中选择。"
            return page.render_lookup(request, "convenience/air.html", context, status=400)
    if chosen is not None:
        context.update(chosen=chosen, **charts(chosen, latest[chosen.pk].at))
    return page.render_lookup(request, "convenience/air.html", context)


def _card(station, reading, stale):
    level = aqi.level_of(reading.aqi)
    pollutants = []
    for pollutant in aqi.POLLUTANTS:
        value = getattr(reading, pollutant.code)
        pollutants.append(
            {
                "pollutant": pollutant,
                "value": value,
                "iaqi": aqi.iaqi(pollutant.code, value),
                "primary": pollutant.label in reading.primary_pollutant.split("、"),
            }
        )
    return {"station": station, "reading": reading, "level": level, "pollutants": pollutants, "stale": stale}


def charts(station, end):
    """The 24-hour and 30-day series of one station, ending at its latest reading."""
    local_end = timezone.localtime(end)
    start = end - timedelta(hours=HOURS - 1)
    by_hour = {
        timezone.localtime(reading.at): reading
        for reading in AirReading.objects.filter(station=station, at__gte=start, at__lte=end).only(
            "at", "aqi", "primary_pollutant"
        )
    }
    hours = []
    for offset in range(HOURS - 1, -1, -1):
        moment = local_end - timedelta(hours=offset)
        reading = by_hour.get(moment)
        hours.append(
            {
                "at": moment,
                "label": f"{moment.hour}时",
                "aqi": reading.aqi if reading else None,
                "level": aqi.level_of(reading.aqi) if reading else None,
                "primary": reading.primary_pollutant if reading else "",
            }
        )

    first_day = local_end.date() - timedelta(days=DAYS - 1)
    zone = timezone.get_current_timezone()
    daily = {
        row["day"]: row
        for row in AirReading.objects.filter(
            station=station, at__gte=timezone.make_aware(datetime.combine(first_day, time.min)), at__lte=end
        )
        .annotate(day=TruncDate("at", tzinfo=zone))
        .values("day")
        .annotate(mean=Avg("aqi"), hours=Count("id"))
        .order_by("day")
    }
    days = []
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        row = daily.get(day)
        mean = math.floor(row["mean"] + 0.5) if row else None  # half up, as people round
        days.append(
            {
                "day": day,
                "label": f"{day.month}/{day.day}",
                "aqi": mean,
                "level": aqi.level_of(mean) if mean is not None else None,
                "hours": row["hours"] if row else 0,
            }
        )
    hour_values = [item["aqi"] for item in hours if item["aqi"] is not None]
    day_values = [item["aqi"] for item in days if item["aqi"] is not None]
    first_hour = hours[0]["at"]
    return {
        "hour_title": f"{station.name}最近 24 小时 AQI（逐时）",
        "hour_summary": (
            f"{station.name}{first_hour.month}月{first_hour.day}日{first_hour.hour}时至"
            f"{local_end.month}月{local_end.day}日{local_end.hour}时逐时 AQI：{_range(hour_values)}"
        ),
        "day_title": f"{station.name}最近 30 天日均 AQI",
        "day_summary": (
            f"{station.name}{first_day.month}月{first_day.day}日至{local_end.month}月{local_end.day}日"
            f"每日平均 AQI：{_range(day_values)}"
        ),
        "hours": hours,
        "hour_points": [(item["label"], item["aqi"]) for item in hours],
        "days": days,
        "day_points": [(item["label"], item["aqi"]) for item in days],
        "reference_lines": REFERENCE_LINES,
        "chart_end": local_end,
    }


def _range(values):
    if not values:
        return "暂无数据"
    return f"最高 {max(values)}，最低 {min(values)}"
