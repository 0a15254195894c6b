"""A review of the public pages of all eight lookups, side by side: feed text is escaped (a name
with HTML in it stays text), the personal lookups keep what was typed out of URLs, logs, caches and
search engines, dates are Chinese and in Beijing time, a silent feed is never called 实时/当前, an
empty lookup says so with a 200, tables and charts are accessible and scroll inside their box, and
every page type runs a number of queries that does not grow with the data."""

import json
import logging
from datetime import datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convenience import transit
from convenience.importers import sample_feed
from convenience.models import Feed, ImportRun
from convenience.models.air import AirStation
from convenience.models.bus import BusRoute, BusStop
from convenience.models.feeds import LookupAttempt
from convenience.models.hydro import HydroReading, HydroStation
from convenience.models.prices import ProduceItem
from convenience.services import feed_settings, import_sample, run_import, sample_shift
from tests.convenience.helpers import page_get, text
from tests.convenience.personal_helpers import assert_private
from tests.convenience.personal_helpers import post as personal_post
from tests.factories.convenience import LOOKUP_SLUGS, lookup_page

pytestmark = pytest.mark.django_db

S = ImportRun.Status
BEIJING = ZoneInfo("Asia/Shanghai")
MARK = "<script>墨</script>"  # short enough for every name field of every feed
ESCAPED = "&lt;script&gt;墨&lt;/script&gt;"
# The demo's people and vehicles (see test_fund.py, test_traffic.py).
WANG, PASSWORD = "370282198503140263", "135790"
PLATE, TAIL = "鲁B7K2M9", "106358"


def sample_with(key, *replacements):
    """The sample feed of `key` with each (old, new) replaced, imported with its dates moved to now."""
    content = sample_feed(key).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in content, (key, old)
        content = content.replace(old, new)
    run = run_import(key, content=content.encode(), shift=sample_shift())
    assert run.status in (S.APPLIED, S.PARTIAL), (key, run.message, run.rejected[:3])
    return run


def lookup(client, key, sub="", data=None):
    return page_get(client, lookup_page(key), sub, data)


def post(client, key, ip="198.51.100.20", **data):
    return personal_post(client, lookup_page(key), ip=ip, **data)


# --- an HTML reader for the structural checks --------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_VOID = {"line", "polyline", "circle", "path", "rect"}


class Structure(HTMLParser):
    """What the checks need of a page: headings' text, tables (caption, th scopes, inside a scroll
    box?), charts in order with tables, form controls and labels, ids, hrefs and form actions."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, attrs)
        self.headings = []  # text of h1–h6, caption, th
        self.tables = []  # {"caption": bool, "scrolls": bool}
        self.th_without_scope = 0
        self.sequence = []  # "chart" / "table" in document order
        self.controls = []  # (tag, attrs) of inputs, selects and textareas
        self.label_for = set()
        self.ids = set()
        self.urls = []  # href, action, src
        self._text = None
        self.feed(html)

    def _inside(self, predicate):
        return any(predicate(tag, attrs) for tag, attrs in self.stack)

    def handle_starttag(self, tag, attr_list):
        attrs = dict(attr_list)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "action", "src"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "table":
            scrolls = self._inside(
                lambda t, a: t == "div" and "bm-table-scroll" in (a.get("class") or "").split()
            )
            self.tables.append({"caption": False, "scrolls": scrolls})
            self.sequence.append("table")
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        elif tag == "th" and not attrs.get("scope"):
            self.th_without_scope += 1
        elif tag == "svg" and self._inside(
            lambda t, a: t == "figure" and "line-chart" in (a.get("class") or "")
        ):
            self.sequence.append("chart")
        elif tag in ("input", "select", "textarea"):
            self.controls.append((tag, attrs))
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "caption", "th"):
            self._text = []
        if tag not in VOID and tag not in SVG_VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "caption", "th") and self._text is not None:
            self.headings.append("".join(self._text))
            self._text = None
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    # the checks

    def assert_accessible(self, where):
        assert all(table["caption"] for table in self.tables), (where, "a table without <caption>")
        assert self.th_without_scope == 0, (where, "a <th> without scope")
        assert all(table["scrolls"] for table in self.tables), (where, "a table outside .bm-table-scroll")
        for index, item in enumerate(self.sequence):
            if item == "chart":
                assert self.sequence[index + 1 : index + 2] == ["table"], (where, "a chart without its table")
        for tag, attrs in self.controls:
            if tag == "input" and attrs.get("type") in ("hidden", "submit", "button"):
                continue
            assert attrs.get("id") in self.label_for, (
                where,
                f"<{tag} name={attrs.get('name')}> has no label",
            )
            for described in (attrs.get("aria-describedby") or "").split():
                assert described in self.ids, (where, f"aria-describedby={described} points nowhere")


def structure(response):
    return Structure(text(response))


# --- the pages of each lookup with its sample data -------------------------------------------------------


def pages_of(key):
    """(sub, query) of every page type of `key`, given its sample data is loaded."""
    if key == "weather":
        return [("", None), ("", {"place": "金口镇"})]
    if key == "air":
        return [("", None), ("", {"station": AirStation.objects.order_by("pk").last().pk})]
    if key == "prices":
        item = ProduceItem.objects.order_by("pk").first()
        return [("", None), ("", {"category": item.category}), (f"item/{item.pk}/", None)]
    if key == "bus":
        stop = BusStop.objects.get(name="即墨古城")
        return [
            ("", None),
            ("", {"q": "古城"}),
            ("", {"from": "即墨汽车站", "to": "即墨北站"}),
            ("", {"from": "马山石林", "to": "北安工业园"}),
            (f"route/{BusRoute.objects.get(number='1路').pk}/", None),
            (f"stop/{stop.pk}/", None),
        ]
    if key == "coach":
        return [("", None), ("", {"origin": "即墨城区", "destination": "鳌山卫"})]
    if key == "hydro":
        return [("", None), (f"station/{HydroStation.objects.get(name='石棚水库').pk}/", None)]
    return [("", None)]  # fund, traffic: the form (the answers are POSTed, below)


# --- security: feed text is escaped -------------------------------------------------------------------

XSS_CASES = {
    # key: replacements in the sample feed
    "weather": [("金口镇", MARK), ("寒潮", MARK), ("北风4-5级，阵风7级", MARK)],
    "air": [("鳌山卫监测点", MARK)],
    "prices": [("大白菜", MARK), ("即墨农贸批发市场", MARK + "市场")],
    "bus": [("即墨古城", MARK), ("即墨汽车站—即墨北站", MARK + "线")],
    "coach": [("即墨汽车站", MARK), ("鳌山卫", MARK + "镇")],
    "hydro": [("石棚水库", MARK)],
    "fund": [("即墨市人民医院", MARK)],
    "traffic": [("振华街与文化路交叉口", MARK), ("即墨市公安局交通警察大队", MARK)],
}


def xss_requests(client, key):
    if key == "weather":
        return [lookup(client, key), lookup(client, key, data={"place": MARK})]
    if key == "air":
        station = AirStation.objects.get(name=MARK)
        return [lookup(client, key), lookup(client, key, data={"station": station.pk})]
    if key == "prices":
        item = ProduceItem.objects.get(name=MARK)
        return [
            lookup(client, key),
            lookup(client, key, data={"category": item.category}),
            lookup(client, key, f"item/{item.pk}/"),
        ]
    if key == "bus":
        stop = BusStop.objects.get(name=MARK)
        route = BusRoute.objects.get(name=MARK + "线")
        return [
            lookup(client, key),
            lookup(client, key, data={"q": "墨"}),
            lookup(client, key, data={"from": MARK, "to": "即墨北站"}),
            lookup(client, key, f"route/{route.pk}/"),
            lookup(client, key, f"stop/{stop.pk}/"),
        ]
    if key == "coach":
        return [lookup(client, key), lookup(client, key, data={"origin": MARK + "镇"})]
    if key == "hydro":
        station = HydroStation.objects.get(name=MARK)
        return [lookup(client, key), lookup(client, key, f"station/{station.pk}/")]
    if key == "fund":
        return [post(client, key, id_number=WANG, password=PASSWORD)]
    return [post(client, key, plate=PLATE, vin_tail=TAIL)]


@pytest.mark.parametrize("key", sorted(XSS_CASES))
def test_html_in_a_feed_is_shown_as_text_on_every_page(client, group, key):
    sample_with(key, *XSS_CASES[key])
    if key == "bus":
        transit.reset_cache()
    for response in xss_requests(client, key):
        html = text(response)
        assert response.status_code == 200, (key, response.status_code)
        assert "<script>墨" not in html, key
        assert ESCAPED in html, key


def test_no_template_or_view_marks_text_safe():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [*root.glob("templates/convenience/*.html"), *root.glob("convenience/views/*.py")]
    sources += [root / "convenience/templatetags/convenience_tags.py", root / "convenience/personal.py"]
    for source in sources:
        content = source.read_text(encoding="utf-8")
        for risky in ("|safe", "mark_safe", "autoescape off", "format_html", "SafeString"):
            assert risky not in content, (source.name, risky)


# --- security: the personal lookups ------------------------------------------------------------------

PERSONAL = {
    "fund": ({"id_number": WANG, "password": PASSWORD}, [WANG, WANG[:17], PASSWORD], "王**"),
    "traffic": ({"plate": PLATE, "vin_tail": TAIL}, [PLATE, TAIL, PLATE[2:]], "鲁B·***M9"),
}


@pytest.fixture
def personal_data(group):
    for key in PERSONAL:
        assert import_sample(key).status == S.APPLIED


@pytest.mark.parametrize("key", sorted(PERSONAL))
def test_a_successful_lookup_does_not_echo_the_identifier(client, personal_data, key):
    query, secrets, masked = PERSONAL[key]
    response = post(client, key, **query)
    html = text(response)
    assert response.status_code == 200 and masked in html
    for secret in secrets:
        assert secret not in html, secret
    assert_private(response)


@pytest.mark.parametrize("key", sorted(PERSONAL))
def test_the_answer_comes_by_post_only(client, personal_data, key):
    query, secrets, masked = PERSONAL[key]
    page = lookup_page(key)
    path = page.relative_url(page.get_site())
    response = lookup(client, key, data={**query, "captcha": "2345"})
    # Nothing is read from the query string, and it is not kept either (the page's links would
    # carry it): the address without it.
    assert response.status_code == 302 and response["Location"] == path
    assert_private(response)
    response = lookup(client, key)
    html = text(response)
    assert response.status_code == 200 and masked not in html
    assert not any(secret in html for secret in secrets)
    assert_private(response)
    assert not LookupAttempt.objects.exists()


@pytest.mark.parametrize("key", sorted(PERSONAL))
def test_the_form_carries_a_csrf_token_and_a_post_without_it_is_refused(personal_data, key):
    client = Client(enforce_csrf_checks=True)
    page = lookup_page(key)
    form = text(page_get(client, page))
    assert 'name="csrfmiddlewaretoken"' in form and 'method="post"' in form
    query, _secrets, masked = PERSONAL[key]
    response = client.post(
        page.relative_url(page.get_site()), {**query, "captcha": "2345"}, HTTP_HOST=page.get_site().hostname
    )
    assert response.status_code == 403 and masked not in text(response)


@pytest.mark.parametrize("key", sorted(PERSONAL))
def test_every_personal_answer_is_kept_out_of_caches_and_search_engines(client, personal_data, key):
    query, _secrets, _masked = PERSONAL[key]
    malformed = {name: "x" for name in query}
    wrong = {
        "fund": {"id_number": WANG, "password": "000000"},
        "traffic": {"plate": PLATE, "vin_tail": "000000"},
    }
    answers = [
        lookup(client, key),  # the form
        post(client, key, **query),  # found
        post(client, key, **wrong[key]),  # not found / wrong password: 200
        post(client, key, **malformed),  # 400
        post(client, key, **{**query, "captcha": "0000"}),  # 400
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 400, 400]
    for _ in range(40):  # the address's hour used up: 429
        answer = post(client, key, ip="198.51.100.99", **malformed)
    answers.append(answer)
    assert answer.status_code == 429
    for answer in answers:
        assert_private(answer)


@pytest.mark.parametrize("key", sorted(PERSONAL))
def test_no_personal_value_in_any_url_or_log_line(client, personal_data, key, caplog):
    query, secrets, _masked = PERSONAL[key]
    caplog.set_level(logging.DEBUG)
    wrong = {name: value[:-1] + ("1" if value[-1] != "1" else "2") for name, value in query.items()}
    responses = [
        post(client, key, **query),
        post(client, key, **wrong),
        post(client, key, **{**query, "captcha": "0000"}),
    ]
    for response in responses:
        page = Structure(text(response))
        assert page.urls and not [url for url in page.urls if any(s in url for s in secrets)]
        assert "Location" not in response
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r} {getattr(record, 'request', '')!r}"
        for record in caplog.records
    )
    for secret in secrets + list(wrong.values()):
        assert secret not in logged, secret


# --- dates and times -----------------------------------------------------------------------------------


def test_a_late_evening_reading_is_shown_on_its_beijing_day_and_hour(client, group):
    station = HydroStation.objects.create(
        name="墨水河·即墨站",
        kind=HydroStation.Kind.RIVER,
        warning_level=Decimal("6.50"),
        guarantee_level=Decimal("7.80"),
    )
    late = datetime(2026, 11, 28, 23, 30, tzinfo=BEIJING)  # 15:30 UTC
    HydroReading.objects.create(station=station, at=late - timedelta(hours=1), level=Decimal("4.80"))
    HydroReading.objects.create(station=station, at=late, level=Decimal("4.90"))
    Feed.objects.create(key="hydro", data_as_of=late)
    for sub in ("", f"station/{station.pk}/"):
        html = text(lookup(client, "hydro", sub))
        assert "2026年11月28日 23:30" in html, sub
        assert "2026-11-28T23:30:00+08:00" in html, sub
        assert "11月29日" not in html and "2026-11-29" not in html and "15:30" not in html, sub
    assert "11/28 23时" in html  # the chart's label


# --- a silent feed is never called 实时 or 当前 ------------------------------------------------------


@pytest.mark.parametrize("key", sorted(LOOKUP_SLUGS))
def test_a_silent_feed_shows_the_stale_banner_and_no_current_heading(client, group, key):
    assert import_sample(key).status in (S.APPLIED, S.PARTIAL)
    if key == "bus":
        transit.reset_cache()
    requests = pages_of(key)
    for sub, data in requests:  # while fresh: the banner says when, no stale banner
        html = text(lookup(client, key, sub, data))
        assert "数据更新于" in html and "bm-stale" not in html, (key, sub, data)
    hours = int(feed_settings(key)["stale_hours"])
    Feed.objects.filter(key=key).update(data_as_of=timezone.now() - timedelta(hours=hours + 1))
    for sub, data in requests:
        response = lookup(client, key, sub, data)
        html = text(response)
        assert response.status_code == 200
        assert "bm-stale" in html and "未更新" in html, (key, sub, data)
        for heading in Structure(html).headings:
            assert "实时" not in heading and "当前" not in heading, (key, sub, data, heading)


# --- no data yet ----------------------------------------------------------------------------------------

EMPTY_QUERIES = {
    "weather": [None, {"place": "金口镇"}, {"place": "即墨城区"}],
    "air": [None, {"station": "1"}],
    "prices": [None, {"category": "蔬菜"}],
    "bus": [None, {"q": "古城"}, {"from": "即墨汽车站", "to": "即墨北站"}],
    "coach": [None, {"origin": "即墨城区", "destination": "鳌山卫"}],
    "hydro": [None],
    "fund": [None],
    "traffic": [None],
}


@pytest.mark.parametrize("key", sorted(LOOKUP_SLUGS))
def test_a_lookup_without_data_says_so_with_a_200(client, group, key):
    for data in EMPTY_QUERIES[key]:
        response = lookup(client, key, data=data)
        html = text(response)
        assert response.status_code == 200, (key, data, response.status_code)
        assert "暂无数据：数据源尚未提供数据" in html, (key, data)
        assert "<table" not in html or key == "air", (key, data)  # air: the AQI bands only
        structure(response).assert_accessible((key, data))


def test_sub_pages_of_objects_without_data_say_so_with_a_200(client, group):
    station = HydroStation.objects.create(
        name="石棚水库",
        kind=HydroStation.Kind.RESERVOIR,
        warning_level=Decimal("41.50"),
        guarantee_level=Decimal("44.20"),
    )
    item = ProduceItem.objects.create(name="大白菜", category="蔬菜", unit="元/斤")
    for key, sub, words in (
        ("hydro", f"station/{station.pk}/", "暂无石棚水库的水位数据"),
        ("prices", f"item/{item.pk}/", "暂无大白菜的价格数据"),
    ):
        response = lookup(client, key, sub)
        assert response.status_code == 200 and words in text(response), key


# --- accessibility ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(LOOKUP_SLUGS))
def test_tables_charts_and_forms_are_accessible_and_scroll_in_their_box(client, group, key):
    assert import_sample(key).status in (S.APPLIED, S.PARTIAL)
    if key == "bus":
        transit.reset_cache()
    charts = 0
    for sub, data in pages_of(key):
        response = lookup(client, key, sub, data)
        assert response.status_code == 200, (key, sub, data)
        page = structure(response)
        page.assert_accessible((key, sub, data))
        charts += page.sequence.count("chart")
    if key in PERSONAL:
        query, _secrets, _masked = PERSONAL[key]
        response = post(client, key, **query)
        assert response.status_code == 200
        page = structure(response)
        page.assert_accessible((key, "answer"))
        assert page.tables, key
    assert charts >= {"air": 2, "prices": 1, "hydro": 1}.get(key, 0), key


BAD_INPUT = {
    "weather": ("", {"place": "火星"}),
    "air": ("", {"station": "999999"}),
    "prices": ("", {"category": "火星"}),
    "bus": ("", {"from": "火星", "to": "即墨北站"}),
    "coach": ("", {"origin": "火星"}),
}


@pytest.mark.parametrize("key", sorted(BAD_INPUT))
def test_bad_input_is_announced_and_linked_to_its_field(client, group, key):
    assert import_sample(key).status in (S.APPLIED, S.PARTIAL)
    if key == "bus":
        transit.reset_cache()
    sub, data = BAD_INPUT[key]
    response = lookup(client, key, sub, data)
    assert response.status_code == 400
    page = structure(response)
    page.assert_accessible((key, data))
    assert 'role="alert"' in text(response)
    invalid = [attrs for _tag, attrs in page.controls if attrs.get("aria-invalid") == "true"]
    assert invalid and all(attrs.get("aria-describedby") for attrs in invalid), key


@pytest.mark.parametrize("key", sorted(PERSONAL))
def test_personal_form_errors_are_announced_and_linked(client, personal_data, key):
    query, _secrets, _masked = PERSONAL[key]
    response = post(client, key, **{name: "" if name == "password" else "x" for name in query})
    assert response.status_code == 400
    page = structure(response)
    page.assert_accessible(key)
    html = text(response)
    assert 'role="alert"' in html
    for name in query:
        assert f'href="#id_{name}"' in html  # the summary links to the field
        assert f'id="id_{name}_error"' in html


# --- query counts that do not grow with the data ------------------------------------------------------


def count(client, key, sub="", data=None):
    lookup(client, key, sub, data)  # warm the site's caches
    with CaptureQueriesContext(connection) as queries:
        assert lookup(client, key, sub, data).status_code == 200
    return len(queries)


def test_weather_of_a_place_runs_the_same_queries_for_one_day_or_the_whole_feed(client, group):
    doc = json.loads(sample_feed("weather").read_text(encoding="utf-8"))
    small = {**doc, "forecasts": [f for f in doc["forecasts"] if f["place"] == "金口镇"][:2], "warnings": []}
    assert run_import("weather", content=json.dumps(small, ensure_ascii=False).encode(), shift=sample_shift())
    few = count(client, "weather", data={"place": "金口镇"})
    assert import_sample("weather").status == S.APPLIED
    assert count(client, "weather", data={"place": "金口镇"}) == few <= 20


def test_air_of_a_station_runs_the_same_queries_for_one_hour_or_thirty_days(client, group):
    lines = sample_feed("air").read_text(encoding="utf-8").splitlines()
    small = "\n".join([lines[0], *lines[-3:]]) + "\n"
    assert run_import("air", content=small.encode(), shift=sample_shift()).status == S.APPLIED
    station = AirStation.objects.order_by("pk").last().pk
    few = count(client, "air", data={"station": station})
    assert import_sample("air").status == S.APPLIED
    assert count(client, "air", data={"station": station}) == few <= 22
