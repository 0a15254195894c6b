"""城市公交: routes with their stops in order. A route runs both ways over the same stops unless it
is a loop (环线), which runs in the listed order only."""

from django.db import models


class BusStop(models.Model):
    name = models.CharField("站点", max_length=40, unique=True)

    class Meta:
        verbose_name = "公交站点"
        verbose_name_plural = "公交站点"
        ordering = ["name"]

    def __str__(self):
        return self.name


class BusRoute(models.Model):
    number = models.CharField("线路", max_length=20, unique=True)  # 1路, 旅游专线 …
    name = models.CharField("线路名称", max_length=80, blank=True)  # 火车站—鳌山卫
    first_bus = models.TimeField("首班")
    last_bus = models.TimeField("末班")
    interval_minutes = models.PositiveSmallIntegerField("发车间隔（分钟）")
    fare = models.DecimalField("票价（元）", max_digits=5, decimal_places=1)
    loop = models.BooleanField("环线", default=False)
    operator = models.CharField("运营单位", max_length=60, blank=True)
    sort_key = models.PositiveIntegerField("排序", default=0)  # numeric part of the number

    class Meta:
        verbose_name = "公交线路"
        verbose_name_plural = "公交线路"
        ordering = ["sort_key", "number"]

    def __str__(self):
        return self.number


class BusRouteStop(models.Model):
    route = models.ForeignKey(BusRoute, on_delete=models.CASCADE, related_name="route_stops")
    stop = models.ForeignKey(BusStop, on_delete=models.CASCADE, related_name="route_stops")
    position = models.PositiveSmallIntegerField("站序")

    class Meta:
        verbose_name = "线路站点"
        verbose_name_plural = "线路站点"
        ordering = ["route", "position"]
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="bus_route_position_unique")
        ]

    def __str__(self):
        return f"{self.route_id}#{self.position}"
