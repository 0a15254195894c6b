"""政务公开 test data through the same code paths as the page editor and the public request form."""

import itertools
import uuid
from contextlib import contextmanager
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure import workflow
from disclosure.models import DisclosureDocumentPage, Genre, Theme
from home.models import Organisation
from subsite_pages.models import ColumnPage
from tests.factories.site_group import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
_slugs = itertools.count(1)
_tokens = itertools.count(1)


def zwgk(unit_label):
    """The unit's 政务公开 column."""
    organisation = Organisation.objects.get(label=unit_label)
    return ColumnPage.objects.child_of(organisation.site.root_page).get(slug="zwgk")


def add_document(unit_label, title, publish=True, user=None, **fields):
    """A DisclosureDocumentPage under the unit's 政务公开 column, published unless publish=False
    (publishing issues the 索引号 through page_published). Returns the page as stored."""
    organisation = Organisation.objects.get(label=unit_label)
    publish_date = fields.pop("publish_date", None) or timezone.localdate()
    values = {
        "organisation": organisation,
        "written_date": publish_date,
        "publish_date": publish_date,
        "theme": Theme.GENERAL,
        "genre": Genre.NOTICE,
        "keywords": "测试 公开",
        "summary": f"{title}的内容概述。",
        "body": [("paragraph", f"<p>{title}的正文。</p>")],
    }
    values.update(fields)
    page = DisclosureDocumentPage(title=title, slug=f"gk-{next(_slugs)}-{uuid.uuid4().hex[:6]}", **values)
    zwgk(unit_label).add_child(instance=page)
    revision = page.save_revision(user=user)
    if publish:
        revision.publish(user=user)
    return DisclosureDocumentPage.objects.get(pk=page.pk)


def file_request(unit_label, **overrides):
    """File a request at the unit as the public form does; returns (request, query code)."""
    fields = {
        "token": f"test-gk-{next(_tokens)}-{uuid.uuid4().hex[:8]}",
        "applicant_kind": "person",
        "name": "王建国",
        "id_number": "370282199001011234",
        "phone": "13853212345",
        "email": "wangjg@example.com",
        "description": "申请公开2026年即墨市城区小学学区划分方案及划分依据。",
        "delivery": "electronic",
        "acquisition": "online",
        "ip": "10.0.0.1",
    }
    fields.update(overrides)
    organisation = Organisation.objects.get(label=unit_label)
    return workflow.submit_request(organisation, **fields)


def supervisor(username="gk_supervisor", email=None):
    """A member of the 政务公开监督员 group."""
    group = Group.objects.get_or_create(name=workflow.SUPERVISOR_GROUP)[0]
    user = get_user_model().objects.filter(username=username).first() or make_user(username, group)
    if email is not None:
        user.email = email
        user.save(update_fields=["email"])
    return user


def moment(day, hour=10, minute=0):
    """An aware Shanghai datetime on `day` (a date or "YYYY-MM-DD")."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def clock(when):
    """Run as if it were `when` (a datetime, a date or "YYYY-MM-DD" at 10:00)."""
    if not isinstance(when, datetime):
        when = moment(when)
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield when
