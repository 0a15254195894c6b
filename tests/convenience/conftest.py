import pytest

from tests.factories.convenience import FeedServer


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def short_timeout(settings):
    """Feeds time out after half a second, so the time-out tests are quick."""
    settings.CONVENIENCE_FETCH_TIMEOUT = 0.5
