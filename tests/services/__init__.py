"""Helpers shared by the service hall tests: requests to a page on its own site, form scraping."""

import re

from services.models import ServiceHallPage
from tests.conftest import host

WWW = host("www")
JYJ = host("jyj")
# Resident IDs and credit codes with a correct check digit (the factory's own ID has none).
PERSON_ID = "370282198805061229"
OTHER_PERSON_ID = "370282196503120044"
CREDIT_CODE = "91370282MA3C5N2R80"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def page_path(page, sub=""):
    return page.relative_url(page.get_site()) + sub


def page_host(page):
    return page.get_site().hostname


def get(client, page, sub="", data=None, **extra):
    return client.get(page_path(page, sub), data or {}, HTTP_HOST=page_host(page), **extra)


def post(client, page, sub="", data=None, **extra):
    return client.post(page_path(page, sub), data or {}, HTTP_HOST=page_host(page), **extra)


def text(response):
    return response.content.decode()


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def hall():
    return ServiceHallPage.objects.get()
