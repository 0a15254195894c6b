"""便民服务数据 in the admin: who may use it, the overview, a feed's log, uploads, fetching now, one
run's rejected rows and the dashboard panel.

The uploads go through the test importer of test_import_engine (品种 rows, CSV), so these tests
do not depend on any lookup's own importer.
"""

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu

from convenience import admin_views, services
from convenience.models import Feed, ImportRun, LookupAttempt, ProduceItem
from convenience.models.feeds import FeedKey
from home.admin_common import is_portal_administrator
from tests.convenience.test_import_engine import GOOD_CSV, ItemImporter, JsonItemImporter
from tests.factories.convenience import configure_feed
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

KEY = "prices"
ALLOWED = ("admin", "portal_admin")
REFUSED = ("jyj_editor", "jyj_admin", "gaj_admin")


@pytest.fixture
def users(db):
    return group_fixture()["users"]


@pytest.fixture
def importer(monkeypatch):
    ItemImporter.calls = []
    monkeypatch.setattr(services, "importer_for", lambda key: ItemImporter())
    return ItemImporter


def login(client, user):
    client.logout()
    client.force_login(user)


def menu_names(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in admin_menu.menu_items_for_request(request)}


def upload(client, content, name="prices.csv", key=KEY):
    return client.post(
        reverse("convenience_feeds:detail", args=[key]), {"file": SimpleUploadedFile(name, content)}
    )


def a_run(key=KEY, **fields):
    defaults = {"source": ImportRun.Source.UPLOAD, "status": ImportRun.Status.APPLIED}
    return ImportRun.objects.create(feed=key, **{**defaults, **fields})


def page(response):
    return response.content.decode()


# --- Who may use it -------------------------------------------------------------------------------


def test_is_portal_administrator(users, django_assert_num_queries):
    assert is_portal_administrator(users["admin"]) and is_portal_administrator(users["portal_admin"])
    for name in REFUSED + ("gaj_editor",):
        assert not is_portal_administrator(users[name])
    user = users["portal_admin"]
    with django_assert_num_queries(0):  # remembered on the user for the request
        assert is_portal_administrator(user)


def test_permission_matrix(client, users, importer, feed_server, settings):
    configure_feed(settings, KEY, feed_server.serve("/prices.csv", GOOD_CSV))
    run = a_run()
    urls = [
        reverse("convenience_feeds:index"),
        reverse("convenience_feeds:detail", args=[KEY]),
        reverse("convenience_feeds:run", args=[KEY, run.pk]),
    ]
    for name in ALLOWED:
        login(client, users[name])
        assert "convenience-feeds" in menu_names(users[name])
        for url in urls:
            assert client.get(url).status_code == 200, (name, url)

    for name in REFUSED:
        assert "convenience-feeds" not in menu_names(users[name])
        login(client, users[name])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (name, url)
            assert "只有主站管理员可以管理便民服务数据" in page(response)
        assert upload(client, GOOD_CSV.encode()).status_code == 403
        assert client.post(reverse("convenience_feeds:fetch", args=[KEY])).status_code == 403
        # Unknown keys and other feeds' runs do not tell an outsider anything either.
        assert client.get(reverse("convenience_feeds:detail", args=["nosuch"])).status_code == 403
    assert ImportRun.objects.count() == 1 and not ProduceItem.objects.exists()
    assert not feed_server.requests


def test_anonymous_is_sent_to_the_login(client):
    run = a_run()
    for url in (
        reverse("convenience_feeds:index"),
        reverse("convenience_feeds:detail", args=[KEY]),
        reverse("convenience_feeds:run", args=[KEY, run.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse("convenience_feeds:fetch", args=[KEY]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert ImportRun.objects.count() == 1


def test_unknown_feed_and_run_of_another_feed_are_404(client, users):
    login(client, users["portal_admin"])
    weather_run = a_run("weather")
    assert client.get(reverse("convenience_feeds:detail", args=["nosuch"])).status_code == 404
    assert client.post(reverse("convenience_feeds:fetch", args=["nosuch"])).status_code == 404
    assert client.get(reverse("convenience_feeds:run", args=[KEY, weather_run.pk])).status_code == 404
    assert client.get(reverse("convenience_feeds:run", args=[KEY, 999999])).status_code == 404
    assert client.get(reverse("convenience_feeds:run", args=["weather", weather_run.pk])).status_code == 200


# --- Overview --------------------------------------------------------------------------------------


def test_overview_shows_every_feed(client, users, settings):
    configure_feed(
        settings,
        "weather",
        "https://jimo:pw-SECRET@qx.example.cn/api/forecast.json?key=KEY-SECRET",
        token="TOK-SECRET",
    )
    now = timezone.now()
    fresh = a_run(
        "weather", rows_total=12, rows_accepted=11, rows_rejected=1, status=ImportRun.Status.PARTIAL
    )
    Feed.objects.create(
        key="weather", last_run=fresh, last_success=fresh, data_as_of=now - timedelta(hours=1)
    )
    failed = a_run("air", status=ImportRun.Status.FAILED, message="数据源返回错误（HTTP 503）。")
    Feed.objects.create(key="air", last_run=failed, data_as_of=now - timedelta(hours=30))
    login(client, users["portal_admin"])
    response = client.get(reverse("convenience_feeds:index"))
    assert response.status_code == 200
    html = page(response)
    for key in FeedKey:
        assert key.label in html
        assert reverse("convenience_feeds:detail", args=[key.value]) in html
    assert "https://qx.example.cn/api/forecast.json" in html
    assert "SECRET" not in html
    assert html.count("未配置，仅手工上传") == len(FeedKey) - 1
    assert "<code>5 * * * *</code>" in html and "<code>30 2 * * *</code>" in html
    assert "已导入（部分行被拒绝）" in html and "抓取失败" in html
    assert "已超过3 小时未更新" in html  # air: stale, in red
    assert 'class="bm-stale"' in html and 'class="bm-fresh"' in html
    assert reverse("convenience_feeds:run", args=["air", failed.pk]) in html


def test_overview_queries_do_not_grow_with_feeds_and_runs(client, users, django_assert_max_num_queries):
    login(client, users["portal_admin"])
    client.get(reverse("convenience_feeds:index"))  # warm up the session and the admin
    with CaptureQueriesContext(connection) as empty:
        assert client.get(reverse("convenience_feeds:index")).status_code == 200
    for key in FeedKey.values:
        run = None
        for _ in range(3):
            run = a_run(key, rows_total=5, rows_accepted=5)
        Feed.objects.create(key=key, last_run=run, last_success=run, data_as_of=timezone.now())
        LookupAttempt.objects.create(feed="fund", identifier_hash=f"h{key}", outcome="found")
    with django_assert_max_num_queries(len(empty)):
        assert client.get(reverse("convenience_feeds:index")).status_code == 200
    # The page's own: the permission check, the feeds with their last runs, the lookup counts.
    assert len([q for q in empty.captured_queries if "convenience_" in q["sql"]]) == 2


def test_overview_counts_personal_lookups_without_details(client, users):
    old = LookupAttempt.objects.create(feed="fund", identifier_hash="a" * 64, ip="10.1.2.3", outcome="found")
    LookupAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(hours=25))
    for outcome, n in (("found", 3), ("wrong_password", 2), ("locked", 1)):
        for i in range(n):
            LookupAttempt.objects.create(
                feed="fund", identifier_hash=f"{outcome}{i}".ljust(64, "f"), ip="10.9.8.7", outcome=outcome
            )
    LookupAttempt.objects.create(feed="traffic", identifier_hash="b" * 64, ip="10.9.8.6", outcome="limited")
    summary = admin_views.attempt_summary()
    fund, traffic = summary["rows"]
    assert summary["outcomes"] == ["查询成功", "无记录", "密码错误", "已锁定", "超出频率限制"]
    assert fund["counts"] == [3, 0, 2, 1, 0] and fund["total"] == 6
    assert traffic["counts"] == [0, 0, 0, 0, 1] and traffic["total"] == 1

    login(client, users["portal_admin"])
    html = page(client.get(reverse("convenience_feeds:index")))
    assert "个人信息查询（最近 24 小时）" in html
    assert "10.9.8" not in html and "ffff" not in html


# --- A feed's page and uploads ---------------------------------------------------------------------


def test_feed_detail_lists_runs_paginated(client, users, importer):
    for i in range(25):
        a_run(rows_total=i, rows_accepted=i, user=users["portal_admin"], file_name=f"file-{i}.csv")
    a_run("weather", file_name="weather-file.json")
    login(client, users["portal_admin"])
    html = page(client.get(reverse("convenience_feeds:detail", args=[KEY])))
    assert "file-24.csv" in html and "file-5.csv" in html and "file-4.csv" not in html
    assert "weather-file.json" not in html
    assert "第 1 / 2 页" in html and "?p=2" in html
    assert "上传并导入" in html and 'accept=".csv"' in html
    assert "立即抓取" not in html  # no address configured
    html = page(client.get(reverse("convenience_feeds:detail", args=[KEY]), {"p": 2}))
    assert "file-4.csv" in html and "file-0.csv" in html and "file-5.csv" not in html
    assert (
        page(client.get(reverse("convenience_feeds:detail", args=[KEY]), {"p": "x"})).count(".csv</code>")
        == 20
    )


def test_upload_a_good_file(client, users, importer):
    login(client, users["portal_admin"])
    response = upload(client, GOOD_CSV.encode("gb18030"), name="菜价 11月28日.CSV")
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("convenience_feeds:run", args=[KEY, run.pk])
    assert run.status == ImportRun.Status.APPLIED and run.source == ImportRun.Source.UPLOAD
    assert run.user == users["portal_admin"] and run.file_name == "菜价 11月28日.CSV"
    assert ProduceItem.objects.count() == 3
    html = page(client.get(response["Location"]))
    assert "已导入 3 行" in html  # the success message
    assert "没有被拒绝的行" in html and "portal_admin" in html


def test_upload_a_partly_bad_file_shows_the_rejected_rows(client, users, importer):
    login(client, users["admin"])
    content = GOOD_CSV + ",蔬菜,元/斤\n带鱼,海鲜,元/斤\n"
    response = upload(client, content.encode())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PARTIAL
    html = page(client.get(response["Location"]))
    assert "已导入 3 行，拒绝 2 行" in html
    assert '<th scope="row">第 5 行</th><td>缺少品名。</td>' in html
    assert "类别“海鲜”不在允许的取值" in html


def test_upload_a_refused_file_keeps_the_data(client, users, importer):
    login(client, users["portal_admin"])
    upload(client, GOOD_CSV.encode())
    response = upload(client, b"name,kind,unit\n\xe9\x9f\xad\xe8\x8f\x9c,x,y\n")
    run = ImportRun.objects.latest("pk")
    assert run.status == ImportRun.Status.REFUSED
    html = page(client.get(response["Location"]))
    assert "整批拒绝" in html and "缺少列 category" in html
    assert ProduceItem.objects.count() == 3


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("prices.json", GOOD_CSV.encode(), "该数据项只接受 CSV 文件（扩展名 .csv）"),
        ("prices.xlsx", b"PK\x03\x04\x14\x00\x06\x00", "该数据项只接受 CSV 文件（扩展名 .csv）"),
        ("prices", GOOD_CSV.encode(), "该数据项只接受 CSV 文件"),
        ("prices.csv", b"", "上传的文件是空的"),
        ("prices.csv", b"  \r\n \n", "上传的文件是空的"),
        ("prices.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "文件不是文本文件"),
    ],
)
def test_upload_bad_files_are_form_errors(client, users, importer, name, content, error):
    login(client, users["portal_admin"])
    response = upload(client, content, name=name)
    assert response.status_code == 400
    html = page(response)
    assert error in html and 'role="alert"' in html
    assert "文件未导入，请检查上传的文件" in html
    assert not ImportRun.objects.exists()


def test_upload_without_a_file(client, users, importer):
    login(client, users["portal_admin"])
    response = client.post(reverse("convenience_feeds:detail", args=[KEY]), {})
    assert response.status_code == 400 and "请选择要上传的数据文件" in page(response)


def test_upload_too_large(client, users, importer, settings):
    settings.CONVENIENCE_MAX_FEED_BYTES = 100
    login(client, users["portal_admin"])
    response = upload(client, (GOOD_CSV * 5).encode())
    assert response.status_code == 400
    assert "文件超过 100 字节 上限，未导入" in page(response)
    assert "不超过 100 字节" in page(response)  # the help text says so beforehand
    assert not ImportRun.objects.exists()


def test_upload_of_a_json_feed_wants_a_json_file(client, users, monkeypatch):
    monkeypatch.setattr(services, "importer_for", lambda key: JsonItemImporter())
    login(client, users["portal_admin"])
    response = upload(client, GOOD_CSV.encode(), name="prices.csv")
    assert response.status_code == 400 and "该数据项只接受 JSON 文件（扩展名 .json）" in page(response)
    body = '{"records": [{"name": "大白菜", "category": "蔬菜", "unit": "元/斤"}]}'.encode()
    response = upload(client, body, name="prices.json")
    assert response.status_code == 302 and ImportRun.objects.get().status == ImportRun.Status.APPLIED


# --- Fetch now ---------------------------------------------------------------------------------------


def test_fetch_now(client, users, importer, feed_server, settings):
    url = feed_server.serve("/prices.csv", GOOD_CSV)
    configure_feed(settings, KEY, url, username="jimo", password="pw-SECRET")
    login(client, users["portal_admin"])
    html = page(client.get(reverse("convenience_feeds:detail", args=[KEY])))
    assert "立即抓取" in html and url in html and "SECRET" not in html
    response = client.post(reverse("convenience_feeds:fetch", args=[KEY]))
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("convenience_feeds:run", args=[KEY, run.pk])
    assert run.status == ImportRun.Status.APPLIED and run.source == ImportRun.Source.HTTP
    assert run.user == users["portal_admin"] and run.file_name == url
    _path, headers = feed_server.requests[-1]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"jimo:pw-SECRET").decode()
    html = page(client.get(response["Location"]))
    assert "已导入 3 行" in html and "SECRET" not in html
    assert client.get(reverse("convenience_feeds:fetch", args=[KEY])).status_code == 405


def test_fetch_now_of_a_failing_feed(client, users, importer, feed_server, settings):
    configure_feed(settings, KEY, feed_server.serve("/prices.csv", "", status=503))
    login(client, users["portal_admin"])
    response = client.post(reverse("convenience_feeds:fetch", args=[KEY]), follow=True)
    assert response.status_code == 200
    html = page(response)
    assert "抓取失败。数据源返回错误（HTTP 503）。" in html
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_fetch_now_without_an_address(client, users, importer):
    login(client, users["portal_admin"])
    response = client.post(reverse("convenience_feeds:fetch", args=[KEY]), follow=True)
    assert response.status_code == 200
    assert "每日菜价未配置数据源地址，只能上传数据文件" in page(response)
    assert not ImportRun.objects.exists()


# --- Dashboard ---------------------------------------------------------------------------------------


def test_dashboard_panel_for_portal_administrators_only(client, users, django_assert_max_num_queries):
    now = timezone.now()
    for key in FeedKey.values:
        run = a_run(key)
        Feed.objects.create(key=key, last_run=run, last_success=run, data_as_of=now)
    failed = a_run("hydro", status=ImportRun.Status.FAILED, message="无法连接数据源")
    Feed.objects.filter(key="hydro").update(last_run=failed)
    Feed.objects.filter(key="air").update(data_as_of=now - timedelta(hours=5))

    user = users["portal_admin"]
    items = admin_views.attention_items()
    assert [item["name"] for item in items] == ["空气质量", "水文信息"]
    with django_assert_max_num_queries(2):
        html = admin_views.FeedAttentionPanel(user).render_html({})
    assert "便民服务数据需要关注" in html
    assert "数据已超过3 小时未更新" in html and "最近一次导入抓取失败" in html
    assert "天气预报" not in html

    login(client, user)
    assert "便民服务数据需要关注" in page(client.get(reverse("wagtailadmin_home")))
    for name in REFUSED:
        assert admin_views.FeedAttentionPanel(users[name]).render_html({}) == ""
        login(client, users[name])
        assert "便民服务数据需要关注" not in page(client.get(reverse("wagtailadmin_home")))


def test_dashboard_panel_quiet_when_all_is_well(users):
    now = timezone.now()
    for key in FeedKey.values:
        run = a_run(key)
        Feed.objects.create(key=key, last_run=run, last_success=run, data_as_of=now)
    assert admin_views.FeedAttentionPanel(users["admin"]).render_html({}) == ""


def test_dashboard_panel_lists_feeds_never_imported(users):
    html = admin_views.FeedAttentionPanel(users["admin"]).render_html({})
    assert html.count("尚未导入过数据") == len(FeedKey)
