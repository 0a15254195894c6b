"""乡镇客运: the passenger transport company's timetable between the city and the towns (CSV).

    origin,destination,departure,station,via,fare,duration_minutes,operator
    即墨城区,鳌山卫,06:30,即墨汽车站,蓝鳌路,9,40,即墨市汽车运输有限公司

One row is one daily departure. The feed lists every departure there is (a snapshot): after a clean
batch, departures no longer in it are withdrawn; a batch with rejected rows only adds and updates.
"""

from convenience.importers.base import Importer, RowRejected, a_time, decimal, integer, text
from convenience.models.feeds import FeedKey


class CoachImporter(Importer):
    key = FeedKey.COACH
    format = "csv"
    columns = ("origin", "destination", "departure", "station", "via", "fare", "duration_minutes", "operator")
    snapshot = True

    def clean(self, row):
        data = row.data
        origin = text(data, "origin", "始发地", 30)
        destination = text(data, "destination", "目的地", 30)
        if origin == destination:
            raise RowRejected("始发地与目的地相同。")
        return {
            "origin": origin,
            "destination": destination,
            "departure": a_time(data, "departure", "发车时间"),
            "station": text(data, "station", "发车站", 40),
            "via": text(data, "via", "途经", 120, required=False),
            "fare": decimal(data, "fare", "票价", minimum=0, maximum=500, places=1),
            "duration_minutes": integer(
                data, "duration_minutes", "全程时间（分钟）", minimum=1, maximum=1440, required=False
            ),
            "operator": text(data, "operator", "承运单位", 60, required=False),
        }

    def natural_key(self, cleaned):
        return (cleaned["origin"], cleaned["destination"], cleaned["departure"], cleaned["station"])

    def apply(self, accepted, complete):
        from convenience.models.coach import CoachTrip

        existing = {
            (trip.origin, trip.destination, trip.departure, trip.station): trip
            for trip in CoachTrip.objects.all()
        }
        fields = ("via", "fare", "duration_minutes", "operator")
        new, changed = [], []
        for record in accepted:
            trip = existing.pop(self.natural_key(record), None)
            if trip is None:
                new.append(CoachTrip(**record))
            elif any(getattr(trip, name) != record[name] for name in fields):
                for name in fields:
                    setattr(trip, name, record[name])
                changed.append(trip)
        CoachTrip.objects.bulk_create(new)
        CoachTrip.objects.bulk_update(changed, fields)
        if complete and existing:
            CoachTrip.objects.filter(pk__in=[trip.pk for trip in existing.values()]).delete()
