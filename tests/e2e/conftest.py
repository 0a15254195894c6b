"""Browser tests: headless Chromium against a real dev server on a throw-away, fully seeded database.

These tests do not use pytest-django's test database. One session-scoped fixture builds a
temporary data directory, migrates a SQLite database in it, seeds the full demo site group
(`seed_demo`, about 90 s) and serves it with `runserver`; the browser then talks to
`http://<label>.jimo.localhost:<port>/`, which Chromium resolves to loopback by itself.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DOMAIN = "jimo.localhost"

# Settings read from the environment that must not leak from the outer (CI) run into the child
# server: it always runs on SQLite in its own data directory, without Redis or Elasticsearch.
_DROPPED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "ALLOWED_HOSTS",
    "WAGTAILADMIN_BASE_URL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "DEBUG",
)

SEED_TIMEOUT = 900
START_TIMEOUT = 60


def server_shell(e2e_server, code):
    """Run `code` in `manage.py shell` against the test server's database; it prints E2E-JSON <json>."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=e2e_server["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("E2E-JSON "))
    return json.loads(line.removeprefix("E2E-JSON "))


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _run(command, env, log_path, timeout):
    with open(log_path, "ab") as log:
        try:
            result = subprocess.run(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"{' '.join(command[1:])} 超时（{timeout} 秒）:\n{_tail(log_path)}")
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command[1:])} 失败（退出码 {result.returncode}）:\n{_tail(log_path)}")


@pytest.fixture(scope="session")
def chromium_executable():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"浏览器测试需要 Debian 的 Chromium（{CHROMIUM} 不存在）")
    pytest.importorskip("playwright.sync_api", reason="浏览器测试需要 Python playwright 包")
    return CHROMIUM


@pytest.fixture(scope="session")
def e2e_server(chromium_executable):
    """Migrate, seed the full demo and serve it; yields a dict with port, env and data dir."""
    data_dir = tempfile.mkdtemp(prefix="portal-e2e-")
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update(
        PORTAL_VAR_DIR=data_dir,
        PORTAL_DOMAIN=DOMAIN,
        PORTAL_PORT=str(port),
        DJANGO_SETTINGS_MODULE="portal_project.settings.dev",
        PYTHONUNBUFFERED="1",
        # Every captcha challenge gets this answer, so the browser can type it.
        CAPTCHA_TEST_ANSWER="2345",
    )
    log_path = os.path.join(data_dir, "e2e.log")
    manage = [sys.executable, "manage.py"]
    server = None
    try:
        _run([*manage, "migrate", "--noinput"], env, log_path, SEED_TIMEOUT)
        _run([*manage, "seed_demo", "--quiet-accounts"], env, log_path, SEED_TIMEOUT)
        with open(log_path, "ab") as log:
            server = subprocess.Popen(
                [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(server, port, log_path)
        yield {"port": port, "env": env, "data_dir": data_dir}
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait_until_up(server, port, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": f"www.{DOMAIN}:{port}"})
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver 意外退出（退出码 {server.returncode}）:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            pytest.fail(f"门户首页返回 HTTP {error.code}:\n{_tail(log_path)}")
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"runserver 在 {START_TIMEOUT} 秒内没有响应:\n{_tail(log_path)}")


@pytest.fixture(scope="session")
def base_port(e2e_server):
    return e2e_server["port"]


@pytest.fixture(scope="session")
def site_url(base_port):
    """site_url("jyj", "/gzdt/") -> "http://jyj.jimo.localhost:<port>/gzdt/"."""

    def build(label="www", path="/"):
        return f"http://{label}.{DOMAIN}:{base_port}{path}"

    return build


@pytest.fixture(scope="session")
def site_trees(e2e_server):
    """Root page id, title and child pages of the 教育局 and 公安局 sites, read from the seeded DB."""
    code = (
        "import json\n"
        "from wagtail.models import Site\n"
        "out = {}\n"
        "for label in ('jyj', 'gaj'):\n"
        f"    root = Site.objects.get(hostname=label + '.{DOMAIN}').root_page\n"
        "    out[label] = {'id': root.id, 'title': root.title,\n"
        "                  'children': {c.id: c.title for c in root.get_children()}}\n"
        "print('E2E-JSON ' + json.dumps(out))\n"
    )
    trees = server_shell(e2e_server, code)
    for tree in trees.values():
        tree["children"] = {int(page_id): title for page_id, title in tree["children"].items()}
    return trees


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser, e2e_server):
    """Factory for fresh browser contexts (own cookies); all are closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(**options)
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(60_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- steps every journey takes ---------------------------------------------------------------------


def log_in(new_context, site_url, username, password):
    """A fresh browser context logged in to the admin as `username`; returns its page."""
    from playwright.sync_api import expect

    page = new_context().new_page()
    page.goto(site_url("www", "/admin/login/"))
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form button[type="submit"]').click()
    expect(page).to_have_url(site_url("www", "/admin/"))
    return page


def assert_fits_phone_width(page):
    """No sideways scrolling on a phone: the page is no wider than the viewport."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} 在手机上横向溢出 {overflow} 像素"
