"""天气预报 for the city and every town, and the 预警信号 in force."""

from django.db import models


class WeatherForecast(models.Model):
    place = models.CharField("地点", max_length=30)  # 即墨城区, or a town's name
    date = models.DateField("日期")
    weather_day = models.CharField("白天天气", max_length=20)
    weather_night = models.CharField("夜间天气", max_length=20)
    temp_high = models.SmallIntegerField("最高气温（℃）")
    temp_low = models.SmallIntegerField("最低气温（℃）")
    wind = models.CharField("风向风力", max_length=30)
    precipitation = models.PositiveSmallIntegerField("降水概率（%）", null=True, blank=True)
    issued_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "天气预报"
        verbose_name_plural = "天气预报"
        ordering = ["place", "date"]
        constraints = [models.UniqueConstraint(fields=["place", "date"], name="weather_place_date_unique")]

    def __str__(self):
        return f"{self.place} {self.date}"


class WeatherWarning(models.Model):
    class Level(models.TextChoices):
        BLUE = "blue", "蓝色"
        YELLOW = "yellow", "黄色"
        ORANGE = "orange", "橙色"
        RED = "red", "红色"

    warning_id = models.CharField("预警编号", max_length=40, unique=True)
    place = models.CharField("地区", max_length=30)
    kind = models.CharField("预警类型", max_length=20)  # 暴雨, 大风, 寒潮, 大雾 …
    level = models.CharField("预警级别", max_length=8, choices=Level.choices)
    issued_at = models.DateTimeField("发布时间")
    expires_at = models.DateTimeField("解除时间", null=True, blank=True)
    text = models.TextField("预警内容")
    guidance = models.TextField("防御指南", blank=True)

    class Meta:
        verbose_name = "气象预警"
        verbose_name_plural = "气象预警"
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.place}{self.kind}{self.get_level_display()}预警"
