"""天气预报: the forecast for 即墨城区 and every town, and the 预警信号 in force (JSON).

    {"generated_at": "2026-11-28T11:00:00+08:00",
     "forecasts": [{"place": "即墨城区", "date": "2026-11-28", "weather_day": "小雨",
                    "weather_night": "多云", "temp_high": 9, "temp_low": 1,
                    "wind": "北风4-5级", "precipitation": 60}, ...],
     "warnings": [{"id": "…", "place": "即墨区", "kind": "寒潮", "level": "蓝色",
                   "issued_at": "…", "expires_at": null, "text": "…", "guidance": "…"}, ...]}

Forecasts are updated by (place, date), their issue time being the document's `generated_at`.
`warnings` lists every warning in force: after a batch with no refused row, a warning still in
force here but no longer in the feed has been lifted by the provider (its end is set to now).
A batch with refused rows lifts nothing: the missing warning may be one of the refused rows.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from convenience.importers.base import (
    FeedRefused,
    Importer,
    RowRejected,
    a_date,
    a_datetime,
    choice,
    integer,
    not_after,
    text,
)
from convenience.models.feeds import FeedKey
from convenience.models.weather import WeatherForecast, WeatherWarning

# The places of 即墨区 in the order the page lists them (a place the provider adds comes last).
PLACES = (
    "即墨城区",
    "通济街道",
    "环秀街道",
    "潮海街道",
    "北安街道",
    "龙山街道",
    "龙泉街道",
    "鳌山卫街道",
    "温泉街道",
    "蓝村镇",
    "灵山镇",
    "段泊岚镇",
    "移风店镇",
    "大信镇",
    "田横镇",
    "金口镇",
)
LEVELS = {label: value for value, label in WeatherWarning.Level.choices}
FORECAST_FIELDS = (
    "place",
    "date",
    "weather_day",
    "weather_night",
    "temp_high",
    "temp_low",
    "wind",
    "precipitation",
)
WARNING_FIELDS = ("id", "place", "kind", "level", "issued_at", "text")  # expires_at, guidance: optional
# Forecasts for days this far from the issue date are a provider error.
DAYS_BEFORE, DAYS_AFTER = 1, 15
TEMPERATURE_RANGE = (-35, 45)  # ℃: 即墨's records lie well inside


class WeatherImporter(Importer):
    key = FeedKey.WEATHER
    format = "json"
    columns = FORECAST_FIELDS
    date_fields = ("date",)
    datetime_fields = ("issued_at", "expires_at")

    generated_at = None

    # --- reading -------------------------------------------------------------------------------

    def records(self, payload):
        """The rows of both lists; each row's data is a copy marked with its list."""
        if not isinstance(payload, dict):
            raise FeedRefused("数据格式已变化：应为包含 forecasts 和 warnings 的 JSON 对象。")
        lists = {"forecasts": payload.get("forecasts"), "warnings": payload.get("warnings")}
        missing = [name for name, items in lists.items() if not isinstance(items, list)]
        if missing:
            raise FeedRefused(
                f"数据格式已变化：找不到列表 {'、'.join(missing)}。整批未导入，原有数据保持不变。"
            )
        rows = []
        for name, fields, marker in (
            ("forecasts", FORECAST_FIELDS, "forecast"),
            ("warnings", WARNING_FIELDS, "warning"),
        ):
            for row in self.json_rows(lists[name], fields, label=f"{name} 第 {{n}} 条"):
                row.data = {**row.data, "__list__": marker}
                rows.append(row)
        return rows

    def declared_time(self, payload):
        declared = super().declared_time(payload)
        if declared is None:
            raise FeedRefused("缺少数据生成时间（generated_at）。整批未导入，原有数据保持不变。")
        self.generated_at = declared
        return declared

    # --- cleaning ------------------------------------------------------------------------------

    def clean(self, row):
        if row.data.get("__list__") == "warning":
            return self._clean_warning(row.data)
        return self._clean_forecast(row.data)

    def _clean_forecast(self, data):
        low, high = TEMPERATURE_RANGE
        cleaned = {
            "kind": "forecast",
            "place": text(data, "place", "地点", 30),
            "date": a_date(data, "date", "日期"),
            "weather_day": text(data, "weather_day", "白天天气", 20),
            "weather_night": text(data, "weather_night", "夜间天气", 20),
            "temp_high": integer(data, "temp_high", "最高气温", minimum=low, maximum=high),
            "temp_low": integer(data, "temp_low", "最低气温", minimum=low, maximum=high),
            "wind": text(data, "wind", "风向风力", 30),
            "precipitation": integer(
                data, "precipitation", "降水概率", minimum=0, maximum=100, required=False
            ),
        }
        if cleaned["temp_low"] > cleaned["temp_high"]:
            raise RowRejected("最低气温高于最高气温。")
        if cleaned["temp_high"] - cleaned["temp_low"] > 30:
            raise RowRejected("最高气温与最低气温相差超过 30℃，数据不合理。")
        issued = timezone.localtime(self.generated_at).date()
        if not issued - timedelta(days=DAYS_BEFORE) <= cleaned["date"] <= issued + timedelta(days=DAYS_AFTER):
            raise RowRejected(
                f"日期与数据生成日期相差过大（应在前 {DAYS_BEFORE} 天至后 {DAYS_AFTER} 天之内）。"
            )
        return cleaned

    def _clean_warning(self, data):
        cleaned = {
            "kind": "warning",
            "warning_id": text(data, "id", "预警编号", 40),
            "place": text(data, "place", "地区", 30),
            "warning_kind": text(data, "kind", "预警类型", 20),
            "level": choice(data, "level", "预警级别", LEVELS),
            "issued_at": not_after(a_datetime(data, "issued_at", "发布时间"), "发布时间"),
            "expires_at": a_datetime(data, "expires_at", "解除时间", required=False),
            "text": text(data, "text", "预警内容", 2000),
            "guidance": text(data, "guidance", "防御指南", 4000, required=False),
        }
        if cleaned["expires_at"] is not None and cleaned["expires_at"] <= cleaned["issued_at"]:
            raise RowRejected("解除时间早于发布时间。")
        return cleaned

    def natural_key(self, cleaned):
        if cleaned["kind"] == "warning":
            return ("warning", cleaned["warning_id"])
        return ("forecast", cleaned["place"], cleaned["date"])

    # --- writing -------------------------------------------------------------------------------

    def apply(self, accepted, complete):
        forecasts = [row for row in accepted if row["kind"] == "forecast"]
        warnings = [row for row in accepted if row["kind"] == "warning"]
        if forecasts:
            WeatherForecast.objects.bulk_create(
                [
                    WeatherForecast(issued_at=self.generated_at, **_fields(row, FORECAST_FIELDS))
                    for row in forecasts
                ],
                update_conflicts=True,
                unique_fields=["place", "date"],
                update_fields=[
                    "weather_day",
                    "weather_night",
                    "temp_high",
                    "temp_low",
                    "wind",
                    "precipitation",
                    "issued_at",
                ],
            )
        WeatherWarning.objects.bulk_create(
            [
                WeatherWarning(
                    warning_id=row["warning_id"],
                    place=row["place"],
                    kind=row["warning_kind"],
                    level=row["level"],
                    issued_at=row["issued_at"],
                    expires_at=row["expires_at"],
                    text=row["text"],
                    guidance=row["guidance"],
                )
                for row in warnings
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["warning_id"],
            update_fields=["place", "kind", "level", "issued_at", "expires_at", "text", "guidance"],
        )
        if complete:
            now = timezone.now()
            in_force(now).exclude(warning_id__in=[row["warning_id"] for row in warnings]).update(
                expires_at=now
            )

    def data_as_of(self, accepted, declared):
        return declared


def _fields(row, names):
    return {name: row[name] for name in names}


def in_force(moment=None):
    """Warnings issued and not yet lifted at `moment` (default now)."""
    moment = moment or timezone.now()
    return WeatherWarning.objects.filter(issued_at__lte=moment).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=moment)
    )
