"""水文: reservoirs and rivers with their control levels, and level readings."""

from django.db import models


class HydroStation(models.Model):
    class Kind(models.TextChoices):
        RESERVOIR = "reservoir", "水库"
        RIVER = "river", "河道"

    name = models.CharField("测站", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    water_body = models.CharField("所在河流/水库", max_length=40, blank=True)
    # 河道: 警戒水位 and 保证水位; 水库: 汛限水位 (as the warning level) and 设计洪水位.
    warning_level = models.DecimalField("警戒（汛限）水位（米）", max_digits=7, decimal_places=2)
    guarantee_level = models.DecimalField("保证（设计）水位（米）", max_digits=7, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "水文测站"
        verbose_name_plural = "水文测站"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class HydroReading(models.Model):
    station = models.ForeignKey(HydroStation, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField("时间", db_index=True)
    level = models.DecimalField("水位（米）", max_digits=7, decimal_places=2)
    flow = models.DecimalField("流量（m³/s）", max_digits=9, decimal_places=2, null=True, blank=True)
    storage = models.DecimalField("蓄水量（万m³）", max_digits=9, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = "水位数据"
        verbose_name_plural = "水位数据"
        ordering = ["station", "-at"]
        constraints = [models.UniqueConstraint(fields=["station", "at"], name="hydro_station_time_unique")]

    def __str__(self):
        return f"{self.station_id} {self.at:%Y-%m-%d %H:%M} {self.level}"
