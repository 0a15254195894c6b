"""天气预报: the warnings in force, today's forecast and the next seven days for one place.

GET `place` picks the city or a town (default 即墨城区). Only days from today on are shown, so an
old forecast is never passed off as today's; when the feed has been silent too long the page says
so (the freshness banner) and the warnings carry a note that they may since have changed.
"""

from datetime import timedelta

from django.utils import timezone

from convenience.importers.weather import PLACES, in_force
from convenience.models.weather import WeatherForecast, WeatherWarning

DEFAULT_PLACE = PLACES[0]
DAYS_AHEAD = 7
WEEKDAYS = "一二三四五六日"
# Most severe first.
LEVEL_ORDER = {
    WeatherWarning.Level.RED: 0,
    WeatherWarning.Level.ORANGE: 1,
    WeatherWarning.Level.YELLOW: 2,
    WeatherWarning.Level.BLUE: 3,
}
MAX_PLACE_ECHO = 20


def day_label(day):
    """11月29日 星期日"""
    return f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


def ordered_places(names):
    known = {name: index for index, name in enumerate(PLACES)}
    return sorted(set(names), key=lambda name: (known.get(name, len(PLACES)), name))


def index(page, request):
    places = ordered_places(
        WeatherForecast.objects.order_by("place").values_list("place", flat=True).distinct()
    )
    raw = request.GET.get("place")
    place = DEFAULT_PLACE if raw is None or not raw.strip() or not places else raw.strip()
    if places and place not in places:
        shown = place.replace("\x00", "")[:MAX_PLACE_ECHO]
        error = f"没有“{shown}”的天气预报，请从列表中选择城区或镇街。"
        context = {"places": places, "place": "", "error": error, "warnings": warnings_in_force()}
        return page.render_lookup(request, "convenience/weather.html", context, status=400)
    today = timezone.localdate()
    forecasts = list(
        WeatherForecast.objects.filter(
            place=place, date__gte=today, date__lte=today + timedelta(days=DAYS_AHEAD)
        ).order_by("date")
    )
    for forecast in forecasts:
        forecast.label = day_label(forecast.date)
    today_forecast = forecasts[0] if forecasts and forecasts[0].date == today else None
    coming = [forecast for forecast in forecasts if forecast.date > today]
    context = {
        "places": places,
        "place": place,
        "warnings": warnings_in_force(),
        "today": today,
        "today_label": day_label(today),
        "today_forecast": today_forecast,
        "coming": coming,
        "issued_at": max((forecast.issued_at for forecast in forecasts), default=None),
    }
    return page.render_lookup(request, "convenience/weather.html", context)


def warnings_in_force():
    warnings = list(in_force())
    warnings.sort(key=lambda warning: (LEVEL_ORDER.get(warning.level, 9), -warning.issued_at.timestamp()))
    return warnings
