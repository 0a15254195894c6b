"""乡镇客运: the timetable between the city's bus station and each town."""

from django.db import models


class CoachTrip(models.Model):
    origin = models.CharField("始发地", max_length=30)
    destination = models.CharField("目的地", max_length=30)
    departure = models.TimeField("发车时间")
    station = models.CharField("发车站", max_length=40)
    via = models.CharField("途经", max_length=120, blank=True)
    fare = models.DecimalField("票价（元）", max_digits=6, decimal_places=1)
    duration_minutes = models.PositiveSmallIntegerField("全程时间（分钟）", null=True, blank=True)
    operator = models.CharField("承运单位", max_length=60, blank=True)

    class Meta:
        verbose_name = "客运班次"
        verbose_name_plural = "客运班次"
        ordering = ["origin", "destination", "departure"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "destination", "departure", "station"], name="coach_trip_unique"
            )
        ]

    def __str__(self):
        return f"{self.origin}—{self.destination} {self.departure:%H:%M}"
