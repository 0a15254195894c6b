"""Running an import and telling how fresh a lookup's data is. Views, admin, tasks and the demo
all import through `run_import`.

An import fetches (or takes an uploaded file), parses, cleans every row and then writes the
accepted rows in one transaction together with its log entry. Whatever goes wrong before that
transaction (unreachable feed, time-out, changed columns, too many bad rows) leaves the stored
data as it was and says why in the log.
"""

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from convenience.importers import importer_for, sample_feed
from convenience.importers.base import FeedRefused, FeedUnavailable, RowRejected
from convenience.models.feeds import Feed, FeedKey, ImportRun
from home.dates import cn_datetime

# The sample feeds in the repository describe this moment (Beijing time); the demo moves them
# to the hour it runs, so their latest observations are current.
SAMPLE_FEED_MOMENT = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SAMPLE_FEED_DATE = SAMPLE_FEED_MOMENT.date()
MAX_REASONS_KEPT = 500
logger = logging.getLogger(__name__)


def feed_settings(key):
    return settings.CONVENIENCE_FEEDS[FeedKey(key)]


def is_configured(key):
    return bool(feed_settings(key).get("url"))


# --- fetching --------------------------------------------------------------------------------------


def _public_address(url):
    """The feed's address without credentials or query string, for the log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def fetch(key):
    """(content bytes, address for the log). Raises FeedUnavailable with a reason in Chinese."""
    config = feed_settings(key)
    url = config.get("url")
    if not url:
        raise FeedUnavailable("未配置数据源地址。")
    headers = {"Accept": "application/json, text/csv;q=0.9, */*;q=0.1"}
    if config.get("token"):
        headers["Authorization"] = f"Bearer {config['token']}"
    auth = (config["username"], config.get("password", "")) if config.get("username") else None
    timeout = settings.CONVENIENCE_FETCH_TIMEOUT
    limit = settings.CONVENIENCE_MAX_FEED_BYTES
    try:
        with requests.get(url, headers=headers, auth=auth, timeout=timeout, stream=True) as response:
            if response.status_code != 200:
                raise FeedUnavailable(f"数据源返回错误（HTTP {response.status_code}）。")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FeedUnavailable(f"数据超过 {_size_text(limit)} 上限，未导入。")
                chunks.append(chunk)
    except requests.Timeout:
        raise FeedUnavailable(f"数据源在 {timeout:g} 秒内没有响应（超时）。") from None
    except requests.RequestException:
        raise FeedUnavailable("无法连接数据源，请检查地址和网络。") from None
    return b"".join(chunks), _public_address(url)


def _size_text(size):
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


def decode(content):
    """Feeds come in UTF-8 (with or without BOM) or, from older systems, GB 18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise FeedRefused("文件不是 UTF-8 或 GBK 编码的文本（CSV 或 JSON）。")


# --- cleaning ----------------------------------------------------------------------------------------


@dataclass
class Cleaned:
    accepted: list  # clean records, in feed order
    rejected: list  # [{"row": label, "reason": reason}]
    complete: bool  # no row was refused (identical repeats aside)


def clean_rows(importer, rows):
    first_seen = {}  # natural key → (label, cleaned)
    conflicting = set()
    rejected = []
    complete = True
    for row in rows:
        if "__extra__" in row.data:
            rejected.append({"row": row.label, "reason": "这一行的列数多于表头。"})
            complete = False
            continue
        try:
            cleaned = importer.clean(row)
        except RowRejected as error:
            rejected.append({"row": row.label, "reason": str(error)})
            complete = False
            continue
        except (TypeError, ValueError, AttributeError, KeyError, ArithmeticError):
            # A shape the importer did not foresee: one bad row, not a failed page. Logged so the
            # importer can learn to give a precise reason.
            logger.exception("%s: unexpected row shape at %s", importer.key, row.label)
            rejected.append({"row": row.label, "reason": "这一行的数据格式不正确。"})
            complete = False
            continue
        key = importer.natural_key(cleaned)
        if key not in first_seen:
            first_seen[key] = (row.label, cleaned)
        elif first_seen[key][1] == cleaned:
            rejected.append({"row": row.label, "reason": f"与{first_seen[key][0]}完全重复，已忽略。"})
        else:
            rejected.append(
                {"row": row.label, "reason": f"与{first_seen[key][0]}是同一条记录但内容不同，两行均未导入。"}
            )
            conflicting.add(key)
            complete = False
    for key in conflicting:
        label, _ = first_seen.pop(key)
        rejected.append({"row": label, "reason": "与后面的行是同一条记录但内容不同，两行均未导入。"})
    return Cleaned([cleaned for _label, cleaned in first_seen.values()], rejected, complete)


# --- importing ---------------------------------------------------------------------------------------


def run_import(
    key, *, content=None, source=ImportRun.Source.HTTP, file_name="", user=None, shift_days=0, shift=None
):
    """Import one batch of a feed and log it; returns the ImportRun. Never raises for bad data.

    `shift` (a timedelta) or `shift_days` moves the feed's dates first: the demo only."""
    shift = shift or timedelta(days=shift_days)
    key = FeedKey(key)
    importer = importer_for(key)
    run = ImportRun(feed=key, source=source, file_name=file_name[:300], user=user)
    try:
        if content is None:
            content, run.file_name = fetch(key)
        payload = importer.parse(decode(content))
        rows = importer.records(payload)
        if shift:
            importer.shift(payload, rows, shift)
        declared = importer.declared_time(payload)
        result = clean_rows(importer, rows)
        run.rows_total = len(rows)
        run.rows_rejected = len(result.rejected)
        run.rejected = result.rejected[:MAX_REASONS_KEPT]
        if not result.accepted:
            raise FeedRefused("没有可导入的有效行。整批未导入，原有数据保持不变。")
        refused_share = run.rows_rejected / max(run.rows_total, 1)
        if refused_share > importer.max_rejected_share:
            raise FeedRefused(
                f"{run.rows_total} 行中有 {run.rows_rejected} 行无效，超过 {importer.max_rejected_share:.0%}，"
                "可能是数据源出错。整批未导入，原有数据保持不变。"
            )
        return _apply(importer, run, result, declared)
    except FeedUnavailable as error:
        return _log_failure(run, ImportRun.Status.FAILED, str(error))
    except FeedRefused as error:
        return _log_failure(run, ImportRun.Status.REFUSED, str(error))


def _apply(importer, run, result, declared):
    try:
        with transaction.atomic():
            feed = _locked_feed(run.feed)
            importer.apply(result.accepted, complete=result.complete)
            run.status = ImportRun.Status.PARTIAL if run.rows_rejected else ImportRun.Status.APPLIED
            run.rows_accepted = len(result.accepted)
            run.data_as_of = importer.data_as_of(result.accepted, declared)
            run.finished_at = timezone.now()
            if result.complete and importer.snapshot:
                run.message = "完整数据：数据源中已没有的记录已下线。"
            run.save()
            feed.last_run = feed.last_success = run
            if (
                importer.snapshot
                or feed.data_as_of is None
                or (run.data_as_of or feed.data_as_of) > feed.data_as_of
            ):
                feed.data_as_of = run.data_as_of
            feed.save()
        return run
    except (DatabaseError, ValueError, TypeError, ArithmeticError) as error:
        # A constraint the cleaning did not foresee: the transaction rolled back, nothing changed.
        run.pk = None
        return _log_failure(
            run,
            ImportRun.Status.FAILED,
            f"写入数据时出错，整批已回滚，原有数据保持不变（{type(error).__name__}）。",
        )


def _locked_feed(key):
    Feed.objects.get_or_create(key=key)
    return Feed.objects.select_for_update().get(key=key)


def _log_failure(run, status, message):
    run.status = status
    run.message = message
    run.rows_accepted = 0
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        feed = _locked_feed(run.feed)
        feed.last_run = run
        feed.save(update_fields=["last_run"])
    return run


def sample_shift(shift_to=None):
    """From SAMPLE_FEED_MOMENT to `shift_to`: a datetime (default now) to its whole hour, or a
    date, meaning that day at the same noon (a shift of whole days)."""
    if isinstance(shift_to, date) and not isinstance(shift_to, datetime):
        return timedelta(days=(shift_to - SAMPLE_FEED_DATE).days)
    moment = timezone.localtime(shift_to or timezone.now()).replace(minute=0, second=0, microsecond=0)
    return moment - SAMPLE_FEED_MOMENT


def import_sample(key, shift_to=None, user=None):
    """Load the sample feed of the repository, its dates moved to `shift_to` (see sample_shift)."""
    path = sample_feed(key)
    return run_import(
        key,
        content=path.read_bytes(),
        source=ImportRun.Source.DEMO,
        file_name=path.name,
        user=user,
        shift=sample_shift(shift_to),
    )


# --- freshness -------------------------------------------------------------------------------------


@dataclass
class Freshness:
    key: str
    as_of: object  # aware datetime, or None when nothing was ever imported
    stale_hours: int

    @property
    def never(self):
        return self.as_of is None

    @property
    def stale(self):
        return self.as_of is None or timezone.now() - self.as_of > timedelta(hours=self.stale_hours)

    @property
    def as_of_text(self):
        return cn_datetime(self.as_of) if self.as_of else ""

    @property
    def silence_text(self):
        """How long the feed may be silent, in words: "6 小时", "3 天"."""
        hours = self.stale_hours
        return f"{math.ceil(hours / 24)} 天" if hours >= 48 else f"{hours} 小时"

    @property
    def label(self):
        if self.never:
            return "暂无数据"
        if self.stale:
            return f"数据已超过{self.silence_text}未更新（最近一次为{self.as_of_text}）"
        return f"数据更新于{self.as_of_text}"


def freshness(key):
    feed = Feed.objects.filter(key=key).only("data_as_of").first()
    return Freshness(str(key), feed.data_as_of if feed else None, int(feed_settings(key)["stale_hours"]))


def attach_freshness(pages):
    """Give lookup pages their feed's freshness (`page.freshness_info`) in one query."""
    if not pages:
        return pages
    as_of = dict(
        Feed.objects.filter(key__in={page.lookup for page in pages}).values_list("key", "data_as_of")
    )
    for page in pages:
        page.freshness_info = Freshness(
            page.lookup, as_of.get(page.lookup), int(feed_settings(page.lookup)["stale_hours"])
        )
    return pages
