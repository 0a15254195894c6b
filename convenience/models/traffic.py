"""交通违法 records from the traffic police feed. A record is found by plate number plus the last
six characters of the VIN; both are kept only inside a keyed hash (`lookup_hash`), and the plate
in masked form for display."""

from django.db import models


class TrafficViolation(models.Model):
    record_no = models.CharField("违法记录编号", max_length=32, unique=True)
    lookup_hash = models.CharField("号牌与识别代号摘要", max_length=64, db_index=True)
    plate_masked = models.CharField("号牌（脱敏）", max_length=12)
    plate_type = models.CharField("号牌种类", max_length=20, default="小型汽车")
    occurred_at = models.DateTimeField("违法时间")
    place = models.CharField("违法地点", max_length=120)
    act = models.CharField("违法行为", max_length=200)
    code = models.CharField("违法代码", max_length=10, blank=True)
    fine = models.PositiveIntegerField("罚款（元）")
    points = models.PositiveSmallIntegerField("记分")
    handled = models.BooleanField("已处理", default=False)
    authority = models.CharField("采集机关", max_length=100, blank=True)

    class Meta:
        verbose_name = "交通违法记录"
        verbose_name_plural = "交通违法记录"
        ordering = ["-occurred_at"]

    def __str__(self):
        return f"{self.plate_masked} {self.occurred_at:%Y-%m-%d} {self.act}"
