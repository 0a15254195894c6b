"""空气质量: hourly readings per monitoring station (concentrations; AQI computed on import)."""

from django.db import models


class AirStation(models.Model):
    name = models.CharField("监测点", max_length=40, unique=True)
    code = models.CharField("站点编码", max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "空气质量监测点"
        verbose_name_plural = "空气质量监测点"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class AirReading(models.Model):
    station = models.ForeignKey(AirStation, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField("时间", db_index=True)  # the hour the reading describes
    aqi = models.PositiveSmallIntegerField("AQI")
    primary_pollutant = models.CharField("首要污染物", max_length=20, blank=True)
    pm25 = models.PositiveSmallIntegerField("PM2.5（μg/m³）", null=True, blank=True)
    pm10 = models.PositiveSmallIntegerField("PM10（μg/m³）", null=True, blank=True)
    o3 = models.PositiveSmallIntegerField("O₃（μg/m³）", null=True, blank=True)
    no2 = models.PositiveSmallIntegerField("NO₂（μg/m³）", null=True, blank=True)
    so2 = models.PositiveSmallIntegerField("SO₂（μg/m³）", null=True, blank=True)
    co = models.DecimalField("CO（mg/m³）", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "空气质量小时数据"
        verbose_name_plural = "空气质量小时数据"
        ordering = ["station", "-at"]
        constraints = [models.UniqueConstraint(fields=["station", "at"], name="air_station_hour_unique")]

    def __str__(self):
        return f"{self.station_id} {self.at:%Y-%m-%d %H:%M} AQI {self.aqi}"
