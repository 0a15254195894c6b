"""水文: the water authority's stations (reservoirs and river gauges) and their level readings.

    {"generated_at": "2026-11-28 08:10",
     "stations": [{"name": "墨水河·即墨站", "kind": "河道", "water_body": "墨水河",
                   "warning_level": "6.50", "guarantee_level": "7.80"}, ...],
     "readings": [{"station": "墨水河·即墨站", "time": "2026-11-28 08:00", "level": "6.62",
                   "flow": "44.56", "storage": null}, ...]}

Stations are added and updated by name, readings by (station, time); nothing is withdrawn. The
station list may be left out when it has not changed: a reading must then name a station the
site already knows. For a 河道 the control levels are 警戒水位 and 保证水位; for a 水库 the
feed gives 汛限水位 as the warning level and 设计洪水位 as the guarantee level.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from convenience.importers.base import (
    FeedRefused,
    Importer,
    Row,
    RowRejected,
    a_datetime,
    choice,
    decimal,
    not_after,
    shift_text,
    text,
)
from convenience.models.feeds import Feed, FeedKey
from convenience.models.hydro import HydroReading, HydroStation

KINDS = {"水库": HydroStation.Kind.RESERVOIR, "河道": HydroStation.Kind.RIVER}
STATION_COLUMNS = ("name", "kind", "warning_level", "guarantee_level")
READING_COLUMNS = ("station", "time", "level")
LEVEL_LIMITS = {"minimum": Decimal("-50"), "maximum": Decimal("2000")}  # metres above the datum
NAME_LENGTH = HydroStation._meta.get_field("name").max_length
# The sample feed reads every 6 hours; the demo keeps that rhythm when it moves the readings.
SAMPLE_INTERVAL = timedelta(hours=6)
STATION, READING = "station", "reading"


class HydroImporter(Importer):
    key = FeedKey.HYDRO
    format = "json"
    columns = READING_COLUMNS
    datetime_fields = ("time",)

    def __init__(self):
        self._feed_stations = {}  # name → cleaned station, for the readings that follow
        self._conflicting_stations = set()
        self._refused_stations = set()  # station rows of this feed refused for a bad field
        self._known_stations = None  # names in the database, read once when first needed

    # --- reading both lists --------------------------------------------------------------------

    def records(self, payload):
        if not isinstance(payload, dict):
            raise FeedRefused(
                "数据格式已变化：应为包含 stations 和 readings 的对象。整批未导入，原有数据保持不变。"
            )
        stations = payload.get("stations", [])
        readings = payload.get("readings")
        if not isinstance(stations, list):
            raise FeedRefused("数据格式已变化：测站列表（stations）不是列表。整批未导入，原有数据保持不变。")
        if not isinstance(readings, list):
            raise FeedRefused("数据格式已变化：找不到水位列表（readings）。整批未导入，原有数据保持不变。")
        # Stations first: a reading may name a station the same feed introduces.
        rows = [
            Row(row.label, {**row.data, "__list__": STATION})
            for row in self.json_rows(stations, STATION_COLUMNS, "测站第 {n} 条")
        ]
        rows += [
            Row(row.label, {**row.data, "__list__": READING})
            for row in self.json_rows(readings, READING_COLUMNS, "水位第 {n} 条")
        ]
        return rows

    def shift(self, payload, rows, delta):
        """Move the reading times (and the feed's time stamp) by `delta`. A demo loaded early in
        the morning would otherwise hold readings from later that day: those are moved back by
        whole reading intervals, so the last one is not in the future."""
        super().shift(payload, rows, delta)
        readings = [row for row in rows if row.data.get("__list__") == READING and row.data.get("time")]
        latest = None
        for row in readings:
            try:
                moment = a_datetime(row.data, "time", "时间")
            except RowRejected:
                continue
            latest = moment if latest is None or moment > latest else latest
        if latest is None or latest <= timezone.now():
            return
        back = SAMPLE_INTERVAL * -(-(latest - timezone.now()) // SAMPLE_INTERVAL)
        for row in readings:
            row.data["time"] = shift_text(row.data["time"], -back)
        if isinstance(payload, dict) and payload.get("generated_at"):
            payload["generated_at"] = shift_text(payload["generated_at"], -back)

    # --- cleaning ------------------------------------------------------------------------------

    def clean(self, row):
        if row.data.get("__list__") == STATION:
            try:
                return self._clean_station(row.data)
            except RowRejected:
                self._refused_stations.add(str(row.data.get("name") or "").strip())
                raise
        return self._clean_reading(row.data)

    def _clean_station(self, data):
        name = text(data, "name", "测站名称", NAME_LENGTH)
        kind = choice(data, "kind", "测站类型", KINDS)
        water_body = text(data, "water_body", "所在河流/水库", 40, required=False)
        reservoir = kind == HydroStation.Kind.RESERVOIR
        warning = decimal(data, "warning_level", "汛限水位" if reservoir else "警戒水位", **LEVEL_LIMITS)
        guarantee = decimal(
            data, "guarantee_level", "设计洪水位" if reservoir else "保证水位", **LEVEL_LIMITS
        )
        if guarantee <= warning:
            raise RowRejected("设计洪水位应高于汛限水位。" if reservoir else "保证水位应高于警戒水位。")
        cleaned = {
            "list": STATION,
            "name": name,
            "kind": str(kind),
            "water_body": water_body,
            "warning_level": warning,
            "guarantee_level": guarantee,
        }
        # Two different descriptions of one station are both refused (see services.clean_rows):
        # its readings may then only go to a station already on the site.
        if name in self._feed_stations and self._feed_stations[name] != cleaned:
            self._conflicting_stations.add(name)
        self._feed_stations.setdefault(name, cleaned)
        return cleaned

    def _clean_reading(self, data):
        station = text(data, "station", "测站名称", NAME_LENGTH)
        if not self._station_exists(station):
            if station in self._refused_stations or station in self._conflicting_stations:
                raise RowRejected(f"测站“{station}”的测站资料未通过校验（见测站列表），这条水位无法导入。")
            raise RowRejected(f"测站“{station}”既不在本次数据的测站列表中，也不是已有测站。")
        at = not_after(a_datetime(data, "time", "时间"), "时间")
        level = decimal(data, "level", "水位", **LEVEL_LIMITS)
        flow = decimal(data, "flow", "流量", minimum=Decimal(0), maximum=Decimal("9999999"), required=False)
        storage = decimal(
            data,
            "storage",
            "蓄水量",
            minimum=Decimal(0),
            maximum=Decimal("99999999"),
            required=False,
            places=1,
        )
        return {
            "list": READING,
            "station": station,
            "at": at,
            "level": level,
            "flow": flow,
            "storage": storage,
        }

    def _station_exists(self, name):
        if name in self._feed_stations and name not in self._conflicting_stations:
            return True
        if self._known_stations is None:
            self._known_stations = set(HydroStation.objects.values_list("name", flat=True))
        return name in self._known_stations

    def natural_key(self, cleaned):
        if cleaned["list"] == STATION:
            return (STATION, cleaned["name"])
        return (READING, cleaned["station"], cleaned["at"])

    # --- writing -------------------------------------------------------------------------------

    def apply(self, accepted, complete):
        stations = [row for row in accepted if row["list"] == STATION]
        readings = [row for row in accepted if row["list"] == READING]
        by_name = self._save_stations(stations, {row["station"] for row in readings})
        missing = {row["station"] for row in readings} - by_name.keys()
        if missing:  # removed by an administrator while the feed was being checked
            raise ValueError("测站已不存在")
        HydroReading.objects.bulk_create(
            [
                HydroReading(
                    station=by_name[row["station"]],
                    at=row["at"],
                    level=row["level"],
                    flow=row["flow"],
                    storage=row["storage"],
                )
                for row in readings
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["station", "at"],
            update_fields=["level", "flow", "storage"],
        )

    @staticmethod
    def _save_stations(stations, named_by_readings):
        fields = ("kind", "water_body", "warning_level", "guarantee_level")
        wanted = {row["name"]: row for row in stations}
        names = wanted.keys() | named_by_readings
        known = {station.name: station for station in HydroStation.objects.filter(name__in=names)}
        changed = []
        for name, station in known.items():
            row = wanted.get(name)
            if row and any(getattr(station, field) != row[field] for field in fields):
                for field in fields:
                    setattr(station, field, row[field])
                changed.append(station)
        if changed:
            HydroStation.objects.bulk_update(changed, fields)
        new = [name for name in wanted if name not in known]
        if new:
            last = HydroStation.objects.aggregate(last=Max("sort_order"))["last"] or 0
            HydroStation.objects.bulk_create(
                [
                    HydroStation(
                        name=name, sort_order=last + n, **{field: wanted[name][field] for field in fields}
                    )
                    for n, name in enumerate(new, 1)
                ]
            )
            known = {station.name: station for station in HydroStation.objects.filter(name__in=names)}
        return known

    def data_as_of(self, accepted, declared):
        times = [row["at"] for row in accepted if row["list"] == READING]
        if times:
            return max(times)
        # Only stations changed: the data is as old as the newest reading already stored, or, when
        # the readings were removed, as the feed said before (None would not compare with it).
        latest = HydroReading.objects.aggregate(latest=Max("at"))["latest"]
        return latest or Feed.objects.filter(key=self.key).values_list("data_as_of", flat=True).first()
