"""The feeds behind the lookups and what each import did.

`Feed` is one row per lookup (its key is the lookup's): the last run and the last successful run,
and the time the data itself describes (`data_as_of`), which is what the public page shows as
"数据更新于…". `ImportRun` is the log the admin reads: accepted and rejected rows with reasons.
`LookupAttempt` logs the personal lookups (公积金, 交通违法) without personal data.
"""

from django.conf import settings
from django.db import models


class FeedKey(models.TextChoices):
    FUND = "fund", "公积金查询"
    TRAFFIC = "traffic", "交通违法查询"
    WEATHER = "weather", "天气预报"
    PRICES = "prices", "每日菜价"
    BUS = "bus", "城市公交"
    COACH = "coach", "乡镇客运"
    AIR = "air", "空气质量"
    HYDRO = "hydro", "水文信息"


class Feed(models.Model):
    key = models.CharField("数据项", max_length=16, choices=FeedKey.choices, primary_key=True)
    last_run = models.ForeignKey(
        "convenience.ImportRun",
        verbose_name="最近一次导入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_success = models.ForeignKey(
        "convenience.ImportRun",
        verbose_name="最近一次成功导入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data_as_of = models.DateTimeField("数据时间", null=True, blank=True)

    class Meta:
        verbose_name = "数据源"
        verbose_name_plural = "数据源"

    def __str__(self):
        return self.get_key_display()


class ImportRun(models.Model):
    class Source(models.TextChoices):
        HTTP = "http", "定时抓取"
        UPLOAD = "upload", "管理员上传"
        DEMO = "demo", "演示数据"

    class Status(models.TextChoices):
        APPLIED = "applied", "已导入"
        PARTIAL = "partial", "已导入（部分行被拒绝）"
        REFUSED = "refused", "整批拒绝"
        FAILED = "failed", "抓取失败"

    feed = models.CharField("数据项", max_length=16, choices=FeedKey.choices, db_index=True)
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    status = models.CharField("结果", max_length=8, choices=Status.choices)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    file_name = models.CharField("文件或地址", max_length=300, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_accepted = models.PositiveIntegerField("接受行数", default=0)
    rows_rejected = models.PositiveIntegerField("拒绝行数", default=0)
    # [{"row": "第3行", "reason": "…"}]; never row contents, which may be personal data.
    rejected = models.JSONField("被拒绝的行", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    data_as_of = models.DateTimeField("数据时间", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["feed", "-started_at"])]

    def __str__(self):
        return f"{self.get_feed_display()} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def applied(self):
        return self.status in (self.Status.APPLIED, self.Status.PARTIAL)


class LookupAttempt(models.Model):
    """One personal lookup. The identifier is kept only as a keyed hash (to count failures per
    account without storing the ID or plate), the address as given (the security log needs it)."""

    class Outcome(models.TextChoices):
        FOUND = "found", "查询成功"
        NOT_FOUND = "not_found", "无记录"
        WRONG_PASSWORD = "wrong_password", "密码错误"
        LOCKED = "locked", "已锁定"
        LIMITED = "limited", "超出频率限制"

    feed = models.CharField("数据项", max_length=16, choices=FeedKey.choices)
    identifier_hash = models.CharField("查询对象（摘要）", max_length=64, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人查询记录"
        verbose_name_plural = "个人查询记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_feed_display()} {self.get_outcome_display()}"
