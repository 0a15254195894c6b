"""What every feed importer shares: reading CSV or JSON, checking the columns, cleaning each row,
finding duplicates, and the rule that a batch is applied whole or not at all.

An importer for one lookup declares its format and required columns and writes three methods:

    class WeatherImporter(Importer):
        key = FeedKey.WEATHER
        format = "json"
        columns = ("place", "date", ...)
        def clean(self, row): ...        # row.data → a dict of clean values, or raise RowRejected
        def natural_key(self, cleaned): ...  # what makes two rows "the same record"
        def apply(self, accepted, complete): ...  # write them; runs inside the batch transaction

`convenience.services.run_import` drives it. Reasons given in RowRejected are shown to the
administrator and stored in the import log: they name the field and the rule, never the value of
a personal field (an ID number, a plate, a name).
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone

# Dates outside these bounds are typing or system errors; refusing them keeps every later date
# calculation (time-zone conversion, the demo's shift) from overflowing.
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
FUTURE_SLACK = timedelta(hours=1)


class FeedUnavailable(Exception):
    """The feed could not be fetched (unreachable, timed out, HTTP error, too large)."""


class FeedRefused(Exception):
    """The whole batch is refused: not CSV/JSON, columns changed, no valid row, too many bad rows."""


class RowRejected(Exception):
    """One row is refused; the message is the reason shown to the administrator."""


@dataclass
class Row:
    label: str  # "第 3 行" (CSV, counting the header as line 1) or "第 3 条" (JSON records)
    data: dict


class Importer:
    key = None  # a FeedKey
    format = "csv"  # or "json"
    columns = ()  # required columns (CSV header, JSON record keys)
    # Fields moved by the demo's date shift (see `shift`): ISO dates and date-times as text.
    date_fields = ()
    datetime_fields = ()
    # A snapshot feed lists every record there is: after a clean batch (no rejected row),
    # records missing from it are withdrawn. Other feeds only add and update.
    snapshot = False
    # More rejected rows than this share refuses the whole batch: the feed is broken, not a row.
    max_rejected_share = 0.5

    # --- reading -------------------------------------------------------------------------------

    def parse(self, text):
        """The payload: a list of dicts for CSV, the decoded document for JSON."""
        if self.format == "csv":
            return self._parse_csv(text)
        try:
            return json.loads(text)
        except ValueError as error:
            raise FeedRefused(
                f"数据不是有效的 JSON：第 {getattr(error, 'lineno', '?')} 行附近有误。"
            ) from None
        except RecursionError:
            raise FeedRefused("数据不是有效的 JSON：嵌套层数过多。") from None

    def _parse_csv(self, text):
        try:
            return self._read_csv(text)
        except csv.Error:
            raise FeedRefused(
                "数据不是有效的 CSV：有字段过长或引号不成对。整批未导入，原有数据保持不变。"
            ) from None

    def _read_csv(self, text):
        # newline="": line ends inside quoted fields and old Mac files' bare CR are the reader's job.
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in (reader.fieldnames or [])]
        if not header:
            raise FeedRefused("数据为空：没有表头。")
        missing = [column for column in self.columns if column not in header]
        if missing:
            raise FeedRefused(f"数据格式已变化：缺少列 {'、'.join(missing)}。整批未导入，原有数据保持不变。")
        reader.fieldnames = header
        rows = []
        for record in reader:
            line = reader.line_num  # the file's line: DictReader skips blank lines silently
            if None in record:
                rows.append(Row(f"第 {line} 行", {"__extra__": True}))
                continue
            if not any((value or "").strip() for value in record.values()):
                continue  # blank line
            rows.append(Row(f"第 {line} 行", {k: (v or "").strip() for k, v in record.items()}))
        return rows

    def records(self, payload):
        """The rows to clean. CSV: as parsed. JSON: the list under "records" (or the document
        itself when it is a list); importers with several lists override this."""
        if self.format == "csv":
            return payload
        items = payload.get("records") if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            raise FeedRefused("数据格式已变化：找不到记录列表（records）。整批未导入，原有数据保持不变。")
        return self.json_rows(items, self.columns)

    @staticmethod
    def json_rows(items, columns, label="第 {n} 条"):
        """Rows of a JSON list; refuses the batch when no record has a required key (the feed
        changed its fields), so a renamed field is not mistaken for many bad rows."""
        rows = [
            Row(label.format(n=n), item if isinstance(item, dict) else {}) for n, item in enumerate(items, 1)
        ]
        if rows:
            missing = [c for c in columns if not any(c in row.data for row in rows)]
            if missing:
                raise FeedRefused(
                    f"数据格式已变化：缺少字段 {'、'.join(missing)}。整批未导入，原有数据保持不变。"
                )
        return rows

    def declared_time(self, payload):
        """The feed's own time stamp ("generated_at" in a JSON document), if it has one."""
        if not (isinstance(payload, dict) and payload.get("generated_at")):
            return None
        try:
            moment = datetime.fromisoformat(str(payload["generated_at"]))
        except ValueError:
            raise FeedRefused("数据的生成时间（generated_at）格式不正确。") from None
        if not EARLIEST <= moment.date() <= LATEST:
            raise FeedRefused("数据的生成时间（generated_at）不合理。整批未导入，原有数据保持不变。")
        moment = aware(moment)
        # A time stamp from the future would make the data look current for ever.
        if moment > timezone.now() + FUTURE_SLACK:
            raise FeedRefused("数据的生成时间（generated_at）晚于当前时间。整批未导入，原有数据保持不变。")
        return moment

    # --- the three methods an importer writes ----------------------------------------------------

    def clean(self, row):
        raise NotImplementedError

    def natural_key(self, cleaned):
        raise NotImplementedError

    def apply(self, accepted, complete):
        raise NotImplementedError

    def data_as_of(self, accepted, declared):
        """The time the data describes, shown as "数据更新于…". Default: the feed's declared time,
        else now. Time-series importers return their latest observation instead."""
        return declared or timezone.now()

    # --- the demo's date shift ---------------------------------------------------------------------

    def shift(self, payload, rows, delta):
        """Move every date and time of the sample feed by `delta` (whole hours; see
        `shift_text`), so the demo is current when it is loaded. Importers with nested dates
        extend this."""
        if isinstance(payload, dict) and payload.get("generated_at"):
            payload["generated_at"] = shift_text(payload["generated_at"], delta)
        for row in rows:
            for name in (*self.date_fields, *self.datetime_fields):
                if row.data.get(name):
                    row.data[name] = shift_text(row.data[name], delta)


def shift_text(value, delta):
    """An ISO date or date-time string moved by `delta`, written in the same form.

    A date alone moves as its noon does: the sample feeds describe 2026-11-28 12:00, so a
    `delta` from that noon to any hour of a later day moves dates by whole days to that day.
    """
    text = str(value)
    try:
        if len(text) == 10:
            return (datetime.combine(date.fromisoformat(text), time(12)) + delta).date().isoformat()
        moved = datetime.fromisoformat(text) + delta
    except (ValueError, OverflowError):
        return value  # left for `clean` to reject
    separator = "T" if "T" in text else " "
    timespec = "minutes" if len(text.split(separator, 1)[-1]) <= 5 else "seconds"
    return moved.isoformat(sep=separator, timespec=timespec)


# --- cleaning helpers: each raises RowRejected with a reason in Chinese --------------------------


def aware(moment):
    """Naive feed times are Beijing time."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def text(data, name, label, max_length, required=True):
    value = data.get(name)
    if isinstance(value, (list, dict, bool)):
        raise RowRejected(f"{label}应为文字。")
    value = "" if value is None else str(value).strip()
    if not value:
        if required:
            raise RowRejected(f"缺少{label}。")
        return ""
    if len(value) > max_length:
        raise RowRejected(f"{label}超过 {max_length} 个字。")
    return value


def _given(data, name, label, required):
    """The field's text, or None when it is empty (refused when required)."""
    value = data.get(name)
    if value is None or str(value).strip() == "":
        if required:
            raise RowRejected(f"缺少{label}。")
        return None
    return value


def _within(number, label, minimum, maximum):
    if minimum is not None and number < minimum:
        raise RowRejected(f"{label}不能小于 {minimum}。")
    if maximum is not None and number > maximum:
        raise RowRejected(f"{label}不能大于 {maximum}。")
    return number


def decimal(data, name, label, minimum=None, maximum=None, required=True, places=2):
    value = _given(data, name, label, required)
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowRejected(f"{label}不是数字。") from None
    if not number.is_finite():
        raise RowRejected(f"{label}不是数字。")
    try:
        return _within(number, label, minimum, maximum).quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise RowRejected(f"{label}数值过大。") from None


def integer(data, name, label, minimum=None, maximum=None, required=True):
    value = _given(data, name, label, required)
    if value is None:
        return None
    if isinstance(value, bool):
        raise RowRejected(f"{label}不是整数。")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RowRejected(f"{label}不是整数。") from None
    return _within(number, label, minimum, maximum)


def _parsed(data, name, label, required, parse, form):
    value = _given(data, name, label, required)
    if value is None:
        return None
    try:
        return parse(str(value).strip())
    except ValueError:
        raise RowRejected(f"{label}应为{form}。") from None


def in_range(day, label):
    """`day` when it lies between EARLIEST and LATEST, else the row is refused."""
    if not EARLIEST <= day <= LATEST:
        raise RowRejected(f"{label}不合理：应在 {EARLIEST.year} 年至 {LATEST.year} 年之间。")
    return day


def a_date(data, name, label, required=True):
    value = _parsed(data, name, label, required, date.fromisoformat, "“年-月-日”格式，如 2026-11-28")
    return None if value is None else in_range(value, label)


def a_datetime(data, name, label, required=True):
    form = "“年-月-日 时:分”格式，如 2026-11-28 08:00"
    value = _parsed(data, name, label, required, datetime.fromisoformat, form)
    if value is None:
        return None
    in_range(value.date(), label)  # before anything converts it, which could overflow
    return aware(value)


def a_time(data, name, label, required=True):
    value = _parsed(data, name, label, required, time.fromisoformat, "“时:分”格式，如 06:30")
    if value is not None and value.tzinfo is not None:
        raise RowRejected(f"{label}应为“时:分”格式，如 06:30，不带时区（一律为北京时间）。")
    return value


def boolean(data, name, label):
    value = str(data.get(name, "")).strip().lower()
    if value in ("1", "true", "是", "y", "yes"):
        return True
    if value in ("0", "false", "否", "n", "no", ""):
        return False
    raise RowRejected(f"{label}应为“是”或“否”。")


def choice(data, name, label, choices):
    """`choices`: {feed value: stored value}."""
    value = str(data.get(name, "")).strip()
    if value not in choices:
        raise RowRejected(f"{label}“{value[:20]}”不在允许的取值（{'、'.join(choices)}）之内。")
    return choices[value]


def not_after(moment, label, slack=timedelta(hours=1)):
    """Observations cannot be from the future (a clock or time-zone error at the provider)."""
    if moment > timezone.now() + slack:
        raise RowRejected(f"{label}晚于当前时间。")
    return moment
