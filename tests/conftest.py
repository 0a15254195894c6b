import pytest
from django.core.cache import cache

from tests.factories.site_group import build_small_group, group_fixture


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build one small site group for the whole session; each test rolls its own changes back."""
    with django_db_blocker.unblock():
        build_small_group()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def group(db):
    return group_fixture()


def host(label):
    from django.conf import settings

    return f"{label}.{settings.PORTAL_DOMAIN}"


@pytest.fixture
def portal_host():
    return host("www")
