"""`make bench-letters`: many citizens submit letters to the 市长信箱 at the same time.

What it checks besides speed: no letter is lost (every number a client was shown exists), none is
stored twice, a replayed form gets 409 and stores nothing, and the per-IP limit stops a group of
"abusive" clients sharing one address (their 429s are expected, not errors).

Steps (all on 127.0.0.1):

1. prepare bench/var-letters/ (PORTAL_VAR_DIR): migrate, collectstatic, and with `manage.py shell -c`
   only the portal (home.services.ensure_unit) and a 市长信箱 under its 政民互动 column;
2. start gunicorn with portal_project.settings.bench (production + a fixed captcha answer),
   TRUSTED_PROXY_COUNT=1: every client sends its own `X-Forwarded-For: 10.x.y.z`, as behind nginx;
3. --clients threads each GET the write form and POST --letters-per-client letters (a unique
   title and phone number each, a small PNG in every 5th letter), --abusive more clients do the
   same from one shared address; then every client replays one of its POSTs (same token) and,
   with --double-click, sends one more form twice at the same moment;
4. check the database, print a table, write bench/results/letters-<timestamp>.json (with the
   SQLite write-lock waits each worker measured, see GUNICORN_CONF).

Exit status 1 if a letter is lost or duplicated, or any response was not what a real client of
that kind should get (5xx, 400, a 429 for a well-behaved client, a replay that is not 409).
The client side uses only the standard library; bench/load.py provides the server helpers.
DATABASE_URL / REDIS_URL pass through: use a throw-away database, the benchmark writes letters.
"""

import argparse
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import struct
import sys
import threading
import time
import zlib
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import load  # noqa: E402

ROOT = load.ROOT
VAR_DIR = load.BENCH_DIR / "var-letters"
RESULTS_DIR = load.RESULTS_DIR
HOST = load.HOST
PORTAL_DOMAIN = load.PORTAL_DOMAIN
CAPTCHA_ANSWER = "BENCH"
SETTINGS = "portal_project.settings.bench"
MARKER = "BENCH_JSON="
ABUSIVE_IP = "10.255.255.254"
ATTACH_EVERY = 5
log = load.log

# load.py's Server, child_env and database_label read its module-level VAR_DIR when called:
# point them at this benchmark's own directory, so the two benchmarks never share a database.
load.VAR_DIR = VAR_DIR

# bench/load.py's readiness marker, plus a measurement of SQLite's lock waits: with
# transaction_mode IMMEDIATE every write transaction takes the write lock at BEGIN and waits there
# (up to the 20 s timeout) while another process holds it; COMMIT waits for readers to finish.
# Each worker times both and writes what it saw when it exits. Nothing changes for PostgreSQL.
GUNICORN_CONF = """\
import json
import os
import time
from pathlib import Path

_READY_DIR = Path(os.environ["BENCH_READY_DIR"])
_WAIT_DIR = Path(os.environ["BENCH_WAIT_DIR"])
_WAITS = {"begin": [], "commit": []}


def _timed(name, function):
    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return function(self, *args, **kwargs)
        finally:
            _WAITS[name].append(time.perf_counter() - started)

    return timed


def post_worker_init(worker):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        from django.db.backends.sqlite3.base import DatabaseWrapper

        DatabaseWrapper._start_transaction_under_autocommit = _timed(
            "begin", DatabaseWrapper._start_transaction_under_autocommit
        )
        DatabaseWrapper._commit = _timed("commit", DatabaseWrapper._commit)
    (_READY_DIR / str(worker.pid)).touch()


def worker_exit(server, worker):
    if _WAITS["begin"] or _WAITS["commit"]:
        (_WAIT_DIR / f"{worker.pid}.json").write_text(json.dumps(_WAITS))
"""

SETUP = f"""
import json
from django.db import connection
from forms.letterbox_views import ATTEMPT_LIMIT, LETTER_LIMITS
from forms.models import Letter, LetterBoxPage
from home.demo import units
from home.services import UnitSpec, ensure_unit
from subsite_pages.models import ColumnPage

portal = ensure_unit(UnitSpec(
    label="www", kind="portal", name=units.PORTAL["org_name"], short_name=units.PORTAL["short_name"],
    code=units.PORTAL["code"], site_title=units.PORTAL["name"], columns=units.PORTAL["columns"],
    sort_order=0,
))
zmhd = ColumnPage.objects.child_of(portal.site.root_page).get(slug="zmhd")
box = LetterBoxPage.objects.child_of(zmhd).filter(slug="szxx").first()
if box is None:
    box = LetterBoxPage(title="市长信箱", slug="szxx", box_kind=LetterBoxPage.Kind.MAYOR)
    zmhd.add_child(instance=box)
    box.save_revision().publish()
print({MARKER!r} + json.dumps({{
    "box_path": box.get_url_parts()[2],
    "letter_types": [code for code, _label in box.type_choices()],
    "letters_before": Letter.objects.count(),
    "box_letters_before": Letter.objects.filter(box=box).count(),
    "attempt_limit": list(ATTEMPT_LIMIT[1:3]),
    "letter_limits": {{scope: [key, limit, period] for scope, key, limit, period, _m in LETTER_LIMITS}},
    "database": connection.vendor,
}}))
"""

VERIFY = f"""
import json, os
from collections import Counter
from forms.models import Letter, LetterAttachment, LetterEvent

prefix = os.environ["BENCH_PREFIX"]
with open(os.environ["BENCH_EXPECT"], encoding="utf-8") as handle:
    expected = json.load(handle)
rows = list(Letter.objects.filter(title__startswith=prefix).values("pk", "number", "title", "submitter_ip"))
by_number = {{row["number"]: row for row in rows}}
titles = Counter(row["title"] for row in rows)
confirmed = {{item["number"]: item for item in expected}}
pks = [row["pk"] for row in rows]
attachments = Counter()
missing_files = []
for attachment in LetterAttachment.objects.filter(letter_id__in=pks):
    attachments[attachment.letter_id] += 1
    if not attachment.file.storage.exists(attachment.file.name):
        missing_files.append(attachment.file.name)
submit_events = Counter(
    LetterEvent.objects.filter(letter_id__in=pks, action="submit").values_list("letter_id", flat=True)
)
with_attachment = [item for item in expected if item["attachment"] and item["number"] in by_number]
attached_pks = {{by_number[item["number"]]["pk"] for item in with_attachment}}
print({MARKER!r} + json.dumps({{
    "stored": len(rows),
    "distinct_titles": len(titles),
    "duplicated_titles": sorted(title for title, count in titles.items() if count > 1),
    "without_number": sum(1 for row in rows if not row["number"]),
    "lost": sorted(number for number in confirmed if number not in by_number),
    "unconfirmed": sorted(row["title"] for row in rows if row["number"] not in confirmed),
    "title_mismatch": sorted(
        number for number, item in confirmed.items()
        if number in by_number and by_number[number]["title"] != item["title"]
    ),
    "ip_mismatch": sorted(
        number for number, item in confirmed.items()
        if number in by_number and by_number[number]["submitter_ip"] != item["ip"]
    ),
    "attachments_expected": len(with_attachment),
    "attachments_stored": sum(1 for item in with_attachment if attachments[by_number[item["number"]]["pk"]] == 1),
    "attachments_unexpected": sum(count for pk, count in attachments.items() if pk not in attached_pks),
    "attachment_files_missing": missing_files,
    "submit_events_not_one": sum(1 for pk in pks if submit_events[pk] != 1),
    "letters_after": Letter.objects.count(),
}}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description="Concurrent letter submissions through the public form.")
    parser.add_argument("--clients", type=int, default=50, help="well-behaved clients (default 50)")
    parser.add_argument(
        "--letters-per-client", type=int, default=4, help="letters each client sends (default 4)"
    )
    parser.add_argument(
        "--abusive",
        type=int,
        default=3,
        help="extra clients sharing one IP address, expected to get 429 (default 3)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn --workers (default 2)")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn --threads; >1 uses gthread (default 1)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per-request socket timeout in seconds")
    parser.add_argument(
        "--double-click",
        action="store_true",
        help="after the replays, each client sends one more form twice at the same moment",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start from an empty SQLite database (deletes bench/var-letters/db.sqlite3; ignored with DATABASE_URL)",
    )
    parser.add_argument(
        "--cache",
        choices=("auto", "locmem"),
        default="auto",
        help="auto: Redis if REDIS_URL is set, else a file cache shared by the workers; "
        "locmem: each worker its own memory cache (shows why production needs Redis)",
    )
    args = parser.parse_args()
    if min(args.clients, args.letters_per_client, args.workers, args.threads) < 1 or args.abusive < 0:
        parser.error("--clients, --letters-per-client, --workers, --threads must be >= 1; --abusive >= 0")
    if args.clients * args.letters_per_client > 100_000:
        parser.error("at most 100000 letters per run")
    return args


# --- HTTP client (standard library only) ---------------------------------------------------------


def tiny_png():
    """A valid 1×1 RGB PNG, built by hand so the client needs no imaging library."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes((31, 78, 140)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = tiny_png()


class FormInputs(HTMLParser):
    """The hidden inputs and the letter_type radio values of the write form."""

    def __init__(self):
        super().__init__()
        self.hidden, self.letter_types = {}, []

    def handle_starttag(self, tag, attrs):
        if tag != "input":
            return
        attributes = dict(attrs)
        kind, name = attributes.get("type"), attributes.get("name")
        if kind == "hidden" and name:
            self.hidden.setdefault(name, attributes.get("value") or "")
        elif kind == "radio" and name == "letter_type":
            self.letter_types.append(attributes.get("value"))


NUMBER = re.compile(r"信件编号</dt>\s*<dd[^>]*>\s*([0-9A-Za-z-]+)\s*<")
CODE = re.compile(r"查询码</dt>\s*<dd[^>]*>\s*([0-9A-Za-z]+)\s*<")
DUPLICATE_NUMBER = re.compile(r"信件编号\s*([0-9A-Za-z-]+)）")
ALERT = re.compile(r'role="alert"[^>]*>(.*?)</div>', re.S)


def alert_text(page):
    """The first error/alert message of a page, as plain text (for the report)."""
    match = ALERT.search(page)
    if not match:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())[:200]


def multipart(fields, files):
    boundary = "----jimo-bench-" + secrets.token_hex(12)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content_type, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One citizen: own cookies, own X-Forwarded-For. A new connection per request ("Connection:
    close"), so a POST is never sent on a connection the server may have just closed: resending a
    POST automatically could store a letter twice, which is exactly what is being measured."""

    def __init__(self, port, host_header, timeout):
        self.port, self.host_header, self.timeout = port, host_header, timeout
        self.cookies = {}

    def request(self, method, path, ip, body=None, content_type=None):
        """Returns (status or exception name, seconds, text, headers)."""
        headers = {
            "Host": self.host_header,
            "User-Agent": "jimo-bench-letters/1",
            "Connection": "close",
            "X-Forwarded-For": ip,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, seconds, data.decode("utf-8", "replace"), response.headers
        except (OSError, http.client.HTTPException) as error:
            return type(error).__name__, time.perf_counter() - started, "", {}
        finally:
            connection.close()


# --- the clients ---------------------------------------------------------------------------------


class Plan:
    """Who sends what: addresses, phone numbers and titles, all unique per run."""

    def __init__(self, args, run_id, ip_hour_limit):
        self.args, self.run_id = args, run_id
        # A replay is refused for the rate limit (429) rather than as a duplicate (409) once the
        # address has used up its hourly letters: a well-behaved client moves on to a new address
        # before that, like a phone changing networks. With the defaults (4 letters, limit 5)
        # each client keeps one address.
        self.per_address = max(1, ip_hour_limit - 1)
        self.blocks = -(-args.letters_per_client // self.per_address)

    def ip(self, client, number, abusive):
        if abusive:
            return ABUSIVE_IP
        index = client * self.blocks + number // self.per_address + 1
        return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"

    def phone(self, serial):
        return f"139{serial:08d}"

    def double_click_ip(self, client):
        return f"10.254.{(client >> 8) & 255}.{client & 255}"

    def title(self, client, number, abusive):
        return f"压测来信-{self.run_id}-{'a' if abusive else 'c'}{client}-{number}"


def prepare_letter(browser, plan, box_path, outcome, serial):
    """GET the write form and fill it in; returns (body, content_type), or None with the reason
    recorded in `outcome`."""
    status, seconds, page, _headers = browser.request("GET", box_path, outcome["ip"])
    outcome["get_status"], outcome["get_seconds"] = status, seconds
    if status != 200:
        outcome["status"], outcome["detail"] = f"GET {status}", alert_text(page)
        return None
    form = FormInputs()
    form.feed(page)
    missing = [name for name in ("csrfmiddlewaretoken", "token", "captcha_id") if not form.hidden.get(name)]
    if missing or not form.letter_types:
        outcome["status"], outcome["detail"] = "form", f"write form without {missing or 'letter_type'}"
        return None
    fields = [
        ("csrfmiddlewaretoken", form.hidden["csrfmiddlewaretoken"]),
        ("token", form.hidden["token"]),
        ("captcha_id", form.hidden["captcha_id"]),
        ("captcha", CAPTCHA_ANSWER),
        ("letter_type", form.letter_types[serial % len(form.letter_types)]),
        ("title", outcome["title"]),
        (
            "content",
            f"这是压测脚本自动提交的测试来信（{outcome['title']}），请忽略。\r\n运行编号 {plan.run_id}。",
        ),
        ("name", f"压测用户{outcome['client']}"),
        ("phone", plan.phone(serial)),
        ("email", f"bench{serial}@example.com" if serial % 2 else ""),
        ("address", "即墨区压测路 1 号"),
    ]
    if serial % 3 == 0:
        fields.append(("consent_publish", "on"))
    files = [("attachments", "现场照片.png", "image/png", PNG)] if outcome["attachment"] else []
    return multipart(fields, files)


def post_letter(browser, box_path, outcome, body, content_type):
    """POST a filled-in form and record what came back."""
    status, seconds, page, headers = browser.request("POST", box_path, outcome["ip"], body, content_type)
    outcome["status"], outcome["seconds"] = status, seconds
    if status == 200:
        found, code = NUMBER.search(page), CODE.search(page)
        if found and code:
            outcome["number"] = found.group(1)
        else:
            outcome["status"], outcome["detail"] = "200 without number", alert_text(page)
    else:
        shown = DUPLICATE_NUMBER.search(page)
        outcome["shown_number"] = shown.group(1) if shown else None
        outcome["retry_after"] = headers.get("Retry-After") if status == 429 else None
        outcome["detail"] = alert_text(page)


def letter_outcome(plan, index, abusive, number, ip, serial, kind="submit"):
    return {
        "client": index,
        "abusive": abusive,
        "n": number,
        "ip": ip,
        "title": plan.title(index, number, abusive),
        "attachment": serial % ATTACH_EVERY == 0,
        "kind": kind,
    }


def double_click(plan, browser, box_path, index, serials):
    """One more letter whose form is sent twice at the same moment, on two connections (a double
    click, or a browser resending): at most one may be stored, the other gets 409 or, having lost
    the race for the single-use captcha, 400."""
    serial = next(serials)
    ip = plan.double_click_ip(index)
    outcome = letter_outcome(plan, index, False, "dbl", ip, serial, kind="double")
    prepared = prepare_letter(browser, plan, box_path, outcome, serial)
    if prepared is None:
        return [outcome]
    pair = [dict(outcome, copy=copy) for copy in (1, 2)]
    start = threading.Barrier(2)

    def send(item):
        start.wait()
        post_letter(browser, box_path, item, *prepared)

    other = threading.Thread(target=send, args=(pair[1],), daemon=True)
    other.start()
    send(pair[0])
    other.join(timeout=plan.args.timeout + 5)
    return pair


def run_client(index, abusive, plan, browser, box_path, serials, barrier, done):
    """Sends the client's letters; returns a list of outcome dicts."""
    args = plan.args
    outcomes = []
    sent = []  # (body, content_type, outcome) of each successful POST, for the replay
    try:
        barrier.wait()
        for number in range(args.letters_per_client):
            serial = next(serials)
            outcome = letter_outcome(plan, index, abusive, number, plan.ip(index, number, abusive), serial)
            outcomes.append(outcome)
            prepared = prepare_letter(browser, plan, box_path, outcome, serial)
            if prepared is not None:
                post_letter(browser, box_path, outcome, *prepared)
                if outcome["status"] == 200:
                    sent.append((*prepared, outcome))
    finally:
        done.wait()  # the submission phase ends when every client is through; replays come after
    if sent:
        body, content_type, original = sent[secrets.randbelow(len(sent))]
        replay = dict(original, kind="replay", original_number=original["number"])
        del replay["number"]
        post_letter(browser, box_path, replay, body, content_type)
        outcomes.append(replay)
    if args.double_click and not abusive:
        outcomes.extend(double_click(plan, browser, box_path, index, serials))
    return outcomes


def submission_phase(args, plan, port, box_path, snapshot):
    """Runs every client; returns (outcomes, seconds, snapshot at the start, snapshot at the end).
    The phase (and its CPU snapshots) ends when the last client has sent its letters: replays and
    double clicks come afterwards."""
    host_header = f"www.{PORTAL_DOMAIN}:{port}"
    specs = [(i, False) for i in range(args.clients)] + [(i, True) for i in range(args.abusive)]
    lock = threading.Lock()
    counter = iter(range(1, 10**9))

    class Serials:
        def __next__(self):
            with lock:
                return next(counter)

    serials = Serials()
    barrier = threading.Barrier(len(specs) + 1)
    done = threading.Barrier(len(specs) + 1)
    results = [None] * len(specs)
    failures = []

    def worker(slot, index, abusive):
        try:
            browser = Browser(port, host_header, args.timeout)
            results[slot] = run_client(index, abusive, plan, browser, box_path, serials, barrier, done)
        except threading.BrokenBarrierError:
            pass
        except Exception as error:  # noqa: BLE001 - reported, and the run fails
            failures.append(f"client {index}: {error!r}")
            barrier.abort()
            done.abort()

    threads = [
        threading.Thread(target=worker, args=(slot, index, abusive), daemon=True)
        for slot, (index, abusive) in enumerate(specs)
    ]
    for thread in threads:
        thread.start()
    first = snapshot()
    barrier.wait()
    started = time.perf_counter()
    done.wait()
    elapsed = time.perf_counter() - started
    last = snapshot()
    for thread in threads:
        thread.join(timeout=args.timeout * 2 + 10)
    if failures:
        raise SystemExit("client thread failed: " + "; ".join(failures))
    return [outcome for outcomes in results if outcomes for outcome in outcomes], elapsed, first, last


# --- report ----------------------------------------------------------------------------------------


def ms(seconds):
    return round(seconds * 1000, 1) if seconds is not None else None


def latency(values):
    values = sorted(values)
    return {
        "p50_ms": ms(load.percentile(values, 0.50)),
        "p95_ms": ms(load.percentile(values, 0.95)),
        "p99_ms": ms(load.percentile(values, 0.99)),
        "max_ms": ms(values[-1] if values else None),
    }


def count_statuses(outcomes):
    counts = {}
    for outcome in outcomes:
        counts[str(outcome["status"])] = counts.get(str(outcome["status"]), 0) + 1
    return counts


def summarise(outcomes, elapsed, check, plan, ip_hour_limit):
    submits = [o for o in outcomes if o["kind"] == "submit"]
    replays = [o for o in outcomes if o["kind"] == "replay"]
    doubles = [o for o in outcomes if o["kind"] == "double"]
    normal = [o for o in submits if not o["abusive"]]
    abusive = [o for o in submits if o["abusive"]]
    successes = [o for o in submits if o["status"] == 200]
    statuses, replay_statuses = count_statuses(submits), count_statuses(replays)
    errors = [o for o in normal if o["status"] != 200]
    errors += [o for o in abusive if o["status"] not in (200, 429)]
    for o in replays:
        expected = (409, 429) if o["abusive"] else (409,)
        if o["status"] not in expected or (o["status"] == 409 and o["shown_number"] != o["original_number"]):
            errors.append(o)
    pairs = {}
    for o in doubles:
        pairs.setdefault(o["client"], []).append(o)
    double_stored = 0
    for pair in pairs.values():
        stored = [o for o in pair if o["status"] == 200]
        double_stored += len(stored)
        others = [o for o in pair if o["status"] != 200]
        # The loser of the race is told "duplicate" (409) or, if it lost the single-use captcha, 400.
        if len(stored) != 1 or any(o["status"] not in (400, 409) for o in others):
            errors.extend(pair)
    server_errors = sum(
        1
        for o in outcomes
        for status in (o["status"], o.get("get_status"))
        if isinstance(status, int) and status >= 500
    )
    abusive_ok = sum(1 for o in abusive if o["status"] == 200)
    return {
        "clients": plan.args.clients,
        "abusive_clients": plan.args.abusive,
        "letters_submitted": len(submits),
        "successes": len(successes),
        "replays": len(replays),
        "replays_409": replay_statuses.get("409", 0),
        "rate_limited_429": statuses.get("429", 0) + replay_statuses.get("429", 0),
        "errors": len(errors),
        "server_errors_5xx": server_errors,
        "seconds": round(elapsed, 2),
        "letters_per_s": round(len(successes) / elapsed, 2) if elapsed > 0 else None,
        "post": latency([o["seconds"] for o in successes]),
        "get": latency([o["get_seconds"] for o in submits if o.get("get_status") == 200]),
        "replay": latency([o["seconds"] for o in replays if o["status"] == 409]),
        "lost": len(check["lost"]),
        "duplicated": len(check["duplicated_titles"]),
        "submit_statuses": statuses,
        "replay_statuses": replay_statuses,
        "double_click": {
            "pairs": len(pairs),
            "stored": double_stored,
            "statuses": count_statuses(doubles),
            "loser_messages": sorted({o["detail"] for o in doubles if o["status"] != 200})[:3],
        }
        if doubles
        else None,
        "abusive": {
            "address": ABUSIVE_IP,
            "submitted": len(abusive),
            "accepted": abusive_ok,
            "refused_429": sum(1 for o in abusive if o["status"] == 429),
            "limit_per_hour": ip_hour_limit,
            "within_limit": abusive_ok <= ip_hour_limit,
            "retry_after": sorted({o.get("retry_after") for o in abusive if o["status"] == 429} - {None})[:3],
            "message": next((o["detail"] for o in abusive if o["status"] == 429), ""),
        },
        "error_samples": [
            {key: o.get(key) for key in ("kind", "client", "abusive", "n", "status", "detail")}
            for o in errors[:10]
        ],
    }


def print_table(row):
    headers = [
        "clients",
        "letters",
        "ok",
        "409 replays",
        "429",
        "errors",
        "letters/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "lost",
        "duplicated",
    ]
    cells = [
        f"{row['clients']}+{row['abusive_clients']}",
        row["letters_submitted"],
        row["successes"],
        f"{row['replays_409']}/{row['replays']}",
        row["rate_limited_429"],
        row["errors"],
        row["letters_per_s"],
        row["post"]["p50_ms"],
        row["post"]["p95_ms"],
        row["post"]["p99_ms"],
        row["post"]["max_ms"],
        row["lost"],
        row["duplicated"],
    ]
    cells = ["" if cell is None else str(cell) for cell in cells]
    widths = [max(len(h), len(c)) for h, c in zip(headers, cells, strict=True)]
    print()
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    print("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    print()
    print(
        f"  POST latency of successful submissions; GET of the write form p50 {row['get']['p50_ms']} ms, "
        f"p95 {row['get']['p95_ms']} ms; 409 replay p50 {row['replay']['p50_ms']} ms"
    )
    abusive = row["abusive"]
    if abusive["submitted"]:
        print(
            f"  abusive clients ({abusive['address']}): {abusive['accepted']} accepted, "
            f"{abusive['refused_429']} refused with 429 (limit {abusive['limit_per_hour']}/h)"
            + ("" if abusive["within_limit"] else "  ! MORE ACCEPTED THAN THE LIMIT")
        )
    print(f"  statuses: submissions {row['submit_statuses']}, replays {row['replay_statuses']}")
    if row["double_click"]:
        double = row["double_click"]
        print(
            f"  double clicks: {double['pairs']} forms each sent twice at once, {double['stored']} stored, "
            f"statuses {double['statuses']}"
        )
    for sample in row["error_samples"]:
        print(f"  ! {sample}")
    print()


def server_log_since(path, offset):
    """What gunicorn logged during this run: 500 tracebacks, SQLite lock errors, worker timeouts."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return {}
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "internal_server_errors": text.count("Internal Server Error"),
        "database_locked": text.count("database is locked"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "mail_failures": text.count("邮件发送失败"),
    }


SERVICES = ("postgres", "redis-server")


def service_cpu():
    """CPU seconds so far of the PostgreSQL and Redis server processes, by name (Linux /proc)."""
    totals = {}
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return totals
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
            if name in SERVICES:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                totals[name] = totals.get(name, 0.0) + (int(stat[11]) + int(stat[12])) / load.CLOCK_TICKS
        except (OSError, ValueError, IndexError):
            continue
    return totals


def sqlite_lock_waits(folder):
    """What the workers measured around BEGIN IMMEDIATE and COMMIT (None unless on SQLite).
    Covers every write transaction of the run, replays and double clicks included."""
    waits = {"begin": [], "commit": []}
    for path in folder.glob("*.json"):
        for key, values in json.loads(path.read_text()).items():
            waits[key].extend(values)
    if not waits["begin"] and not waits["commit"]:
        return None
    return {
        key: {
            "transactions": len(values),
            **latency(values),
            "over_100_ms": sum(1 for value in values if value > 0.1),
            "over_1_s": sum(1 for value in values if value > 1),
            "total_s": round(sum(values), 2),
        }
        for key, values in waits.items()
    }


def read_marker(output):
    for line in output.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise SystemExit("manage.py shell printed no result")


def main():
    args = parse_args()
    port = load.free_port()
    env = load.child_env(port)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        CAPTCHA_TEST_ANSWER=CAPTCHA_ANSWER,
        TRUSTED_PROXY_COUNT="1",
        # The benchmark measures the web tier: the receipt mail of letters with an e-mail address
        # goes nowhere instead of waiting for an SMTP server that is not there.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        BENCH_CACHE="locmem" if args.cache == "locmem" else "file",
        BENCH_WAIT_DIR=str(VAR_DIR / "run" / "sqlite-waits"),
    )
    redis = bool(os.environ.get("REDIS_URL"))
    cache = "redis" if redis else ("locmem (one per worker)" if args.cache == "locmem" else "file (shared)")
    server = load.Server(env, port, args.workers, args.threads)

    def interrupt(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    run_id = secrets.token_hex(3)
    prefix = f"压测来信-{run_id}-"
    try:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        (VAR_DIR / "run").mkdir(exist_ok=True)
        (VAR_DIR / "run" / "gunicorn_conf.py").write_text(GUNICORN_CONF, encoding="utf-8")
        wait_dir = Path(env["BENCH_WAIT_DIR"])
        shutil.rmtree(wait_dir, ignore_errors=True)
        wait_dir.mkdir(parents=True)
        # Old captchas and counters; tasks queued by earlier runs (no Celery worker runs here).
        for folder in ("cache", "celery-broker", "celery-results"):
            shutil.rmtree(VAR_DIR / folder, ignore_errors=True)
        if args.fresh and not os.environ.get("DATABASE_URL"):
            for suffix in ("", "-journal", "-wal", "-shm"):
                (VAR_DIR / f"db.sqlite3{suffix}").unlink(missing_ok=True)
            shutil.rmtree(VAR_DIR / "private", ignore_errors=True)
        load.manage(env, "migrate", "--noinput", "-v", "0")
        load.manage(env, "collectstatic", "--noinput", "-v", "0")
        setup = read_marker(load.manage(env, "shell", "-c", SETUP, shown="shell -c <portal + 市长信箱>"))
        limits = setup["letter_limits"]
        ip_hour_limit = next(
            limit for key, limit, period in limits.values() if key == "ip" and period == 3600
        )
        plan = Plan(args, run_id, ip_hour_limit)
        if 0 < args.abusive * args.letters_per_client <= ip_hour_limit:
            log(f"note: the abusive clients send no more than the limit ({ip_hour_limit}/h): expect no 429")
        log(
            f"database {setup['database']} ({load.database_label()}), cache {cache}; "
            f"{setup['letters_before']} letters before ({setup['box_letters_before']} in this 市长信箱); "
            f"box {setup['box_path']}; limits {limits}, attempts {setup['attempt_limit']}"
        )
        busy_before = load.busy_cores()
        log(f"before measuring: {busy_before} of {os.cpu_count()} cores busy (1 s sample)")
        log_offset = server.log_path.stat().st_size if server.log_path.exists() else 0
        boot = server.start()
        master = server.process.pid
        total = (args.clients + args.abusive) * args.letters_per_client
        log(f"run {run_id}: {args.clients} clients + {args.abusive} abusive, {total} letters")
        outcomes, elapsed, first, last = submission_phase(
            args, plan, port, setup["box_path"], lambda: (load.cpu_snapshot(master), service_cpu())
        )
        cpu = load.cpu_usage(first[0], last[0], elapsed, total)
        if cpu:
            # Part of "other": the database and Redis servers (whoever else uses them counts too).
            cpu["service_cores"] = {
                name: round(max(0.0, seconds - first[1].get(name, 0.0)) / elapsed, 2)
                for name, seconds in last[1].items()
            }
        log(f"submission phase {elapsed:.1f} s; replays done")
        server.stop()
        server_log = server_log_since(server.log_path, log_offset)
        sqlite_waits = sqlite_lock_waits(wait_dir)

        # Every confirmation any client saw, replays and double clicks included: a second
        # confirmation for one form shows up as a duplicated title.
        expected = [
            {"number": o["number"], "title": o["title"], "attachment": o["attachment"], "ip": o["ip"]}
            for o in outcomes
            if o["status"] == 200 and o.get("number")
        ]
        expect_path = VAR_DIR / "run" / f"expect-{run_id}.json"
        expect_path.write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
        env.update(BENCH_PREFIX=prefix, BENCH_EXPECT=str(expect_path))
        check = read_marker(load.manage(env, "shell", "-c", VERIFY, shown="shell -c <check the letters>"))
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        server.stop()

    row = summarise(outcomes, elapsed, check, plan, ip_hour_limit)
    print_table(row)
    problems = []
    if check["lost"]:
        problems.append(f"LOST letters (numbers shown to clients, not in the database): {check['lost'][:10]}")
    if check["duplicated_titles"]:
        problems.append(f"DUPLICATED letters (same title stored twice): {check['duplicated_titles'][:10]}")
    for key in ("without_number", "title_mismatch", "ip_mismatch", "submit_events_not_one"):
        if check[key]:
            problems.append(f"{key}: {check[key] if isinstance(check[key], int) else check[key][:10]}")
    if check["attachments_stored"] != check["attachments_expected"] or check["attachment_files_missing"]:
        problems.append(
            f"attachments: {check['attachments_stored']} of {check['attachments_expected']} stored, "
            f"files missing {check['attachment_files_missing'][:5]}"
        )
    if check["unconfirmed"]:
        log(
            f"{len(check['unconfirmed'])} letters stored without a confirmation reaching the client: "
            f"{check['unconfirmed'][:10]}"
        )
    if row["errors"]:
        problems.append(f"{row['errors']} unexpected responses ({row['server_errors_5xx']} of them 5xx)")
    if not row["abusive"]["within_limit"] and cache == "redis":
        problems.append("the per-IP limit let more letters through than allowed")
    log(
        f"database: {check['stored']} letters of this run stored ({check['distinct_titles']} distinct titles), "
        f"{check['attachments_stored']}/{check['attachments_expected']} attachments; "
        f"{setup['letters_before']} → {check['letters_after']} letters in total"
    )
    log(f"gunicorn log during the run: {server_log}")
    if sqlite_waits:
        begin, commit = sqlite_waits["begin"], sqlite_waits["commit"]
        log(
            f"SQLite write lock: {begin['transactions']} BEGIN IMMEDIATE waited p50 {begin['p50_ms']} ms, "
            f"p99 {begin['p99_ms']} ms, max {begin['max_ms']} ms ({begin['over_100_ms']} over 100 ms, "
            f"{begin['over_1_s']} over 1 s); COMMIT p50 {commit['p50_ms']} ms, max {commit['max_ms']} ms"
        )
    if cpu:
        log(
            f"CPU during submissions ({cpu['cores_available']} cores): gunicorn {cpu['server_cores']}, "
            f"clients {cpu['client_cores']}, other processes {cpu['other_cores']} "
            f"(of which database/cache servers {cpu['service_cores'] or 0}); "
            f"{cpu['server_cpu_ms_per_request']} ms gunicorn CPU per letter (GET + POST)"
        )

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now()
    report = {
        "timestamp": stamp.isoformat(timespec="seconds"),
        "run_id": run_id,
        "machine": load.machine_info(),
        "git": load.git_state(),
        "config": {
            "server": "gunicorn",
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread" if args.threads > 1 else "sync",
            "settings": SETTINGS,
            "database": load.database_label(),
            "cache": cache,
            "clients": args.clients,
            "abusive_clients": args.abusive,
            "letters_per_client": args.letters_per_client,
            "double_click": args.double_click,
            "attachment_every": ATTACH_EVERY,
            "box_path": setup["box_path"],
            "limits": {"letters": limits, "attempts": setup["attempt_limit"]},
            "gunicorn_boot_s": round(boot, 2),
        },
        "busy_cores_before": busy_before,
        "letters_before": setup["letters_before"],
        "result": row,
        "cpu": cpu,
        "database_check": check,
        "server_log": server_log,
        "sqlite_lock_waits": sqlite_waits,
        "problems": problems,
    }
    path = RESULTS_DIR / f"letters-{stamp.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"written {path.relative_to(ROOT)}")
    for problem in problems:
        log(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
