"""空气质量: hourly concentrations per monitoring station (CSV). The AQI, its primary pollutant and
level are computed here (convenience/aqi.py, HJ 633-2012), not taken from the provider.

    station,station_code,time,pm25,pm10,o3,no2,so2,co
    即墨区环保局,370282051,2026-11-28 12:00,18,35,62,21,7,0.5

`time` is the hour the reading describes (Beijing time, on the hour). An empty concentration is a
missing measurement (an instrument in calibration); a row needs at least one. Readings are
updated by (station, hour); a reading from the future is refused.
"""

from datetime import timedelta

from django.utils import timezone

from convenience import aqi
from convenience.importers.base import Importer, RowRejected, a_datetime, decimal, not_after, text
from convenience.models.air import AirReading, AirStation
from convenience.models.feeds import FeedKey

# Plausible upper limits: beyond the last breakpoint of each table (sand storms reach PM10 2000+).
LIMITS = {
    "pm25": ("PM2.5 浓度", 1500),
    "pm10": ("PM10 浓度", 3000),
    "o3": ("O₃ 浓度", 1500),
    "no2": ("NO₂ 浓度", 4000),
    "so2": ("SO₂ 浓度", 3000),
    "co": ("CO 浓度", 150),
}
FUTURE_SLACK = timedelta(minutes=15)


class AirImporter(Importer):
    key = FeedKey.AIR
    format = "csv"
    columns = ("station", "station_code", "time", "pm25", "pm10", "o3", "no2", "so2", "co")
    datetime_fields = ("time",)

    def clean(self, row):
        data = row.data
        at = a_datetime(data, "time", "监测时间")
        local = timezone.localtime(at)  # on the hour in Beijing, whatever offset the feed wrote
        if local.minute or local.second or local.microsecond:
            raise RowRejected("监测时间应为整点，如 2026-11-28 12:00。")
        not_after(at, "监测时间", slack=FUTURE_SLACK)
        cleaned = {
            "station": text(data, "station", "监测点名称", 40),
            "station_code": text(data, "station_code", "站点编码", 20, required=False),
            "at": at,
        }
        for code, (label, maximum) in LIMITS.items():
            places = 2 if code == "co" else 0
            value = decimal(data, code, label, minimum=0, maximum=maximum, required=False, places=places)
            cleaned[code] = value if value is None or code == "co" else int(value)
        result = aqi.compute({code: cleaned[code] for code in LIMITS})
        if result is None:
            raise RowRejected("六项污染物浓度均为空，无法计算 AQI。")
        cleaned["aqi"] = result.aqi
        cleaned["primary_pollutant"] = aqi.primary_text(result.primary)
        return cleaned

    def natural_key(self, cleaned):
        return (cleaned["station"], cleaned["at"])

    def apply(self, accepted, complete):
        stations = self._stations(accepted)
        readings = [
            AirReading(
                station=stations[row["station"]],
                at=row["at"],
                aqi=row["aqi"],
                primary_pollutant=row["primary_pollutant"],
                **{code: row[code] for code in LIMITS},
            )
            for row in accepted
        ]
        AirReading.objects.bulk_create(
            readings,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["station", "at"],
            update_fields=["aqi", "primary_pollutant", *LIMITS],
        )

    @staticmethod
    def _stations(accepted):
        """The stations of the batch by name, created in feed order after the existing ones."""
        codes = {}
        for row in accepted:
            codes.setdefault(row["station"], row["station_code"])
        stations = {station.name: station for station in AirStation.objects.filter(name__in=codes)}
        changed = []
        for name, station in stations.items():
            if codes[name] and station.code != codes[name]:
                station.code = codes[name]
                changed.append(station)
        AirStation.objects.bulk_update(changed, ["code"])
        new = [name for name in codes if name not in stations]
        if new:
            last = max(AirStation.objects.values_list("sort_order", flat=True), default=0)
            AirStation.objects.bulk_create(
                [
                    AirStation(name=name, code=codes[name], sort_order=last + n)
                    for n, name in enumerate(new, 1)
                ]
            )
            stations = {station.name: station for station in AirStation.objects.filter(name__in=codes)}
        return stations

    def data_as_of(self, accepted, declared):
        return max(row["at"] for row in accepted)
