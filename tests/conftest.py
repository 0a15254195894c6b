import pytest
from django.core.cache import cache

from tests.factories.site_group import build_small_group, group_fixture


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build one small site group for the whole session; each test rolls its own changes back."""
    with django_db_blocker.unblock():
        build_small_group()
        # Transactional tests (serialized_rollback=True) flush the database and reload this
        # snapshot afterwards: take it now, so that the group comes back for the tests after them.
        from django.db import connections

        for connection in connections.all():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


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
