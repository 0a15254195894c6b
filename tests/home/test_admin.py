"""The admin speaks Simplified Chinese, keeps Shanghai time and carries the platform's name."""

import pytest
from django.conf import settings

from tests.factories.site_group import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_login_is_in_chinese_with_the_platform_name(client, group):
    html = client.get("/admin/login/", HTTP_HOST="www.jimo.localhost").content.decode()
    assert 'lang="zh-hans"' in html.lower() or 'lang="zh-Hans"' in html
    assert "即墨市政务网站群管理平台" in html
    assert "登录" in html


def test_admin_dashboard_is_in_chinese_for_a_unit_editor(client, group):
    assert client.login(username="jyj_editor", password=PASSWORD)
    html = client.get("/admin/").content.decode()
    assert "即墨市政务网站群管理平台" in html
    assert "欢迎使用即墨市政务网站群管理平台" in html
    assert "控制面板" in html
    # The site summary counts the editor's own site only.
    assert "即墨市教育局网站" in html
    assert "即墨市公安局网站" not in html


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
