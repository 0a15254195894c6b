"""The demo's 便民服务: lookup pages on the 便民服务 columns, every sample feed loaded cleanly and
current, and a second run that changes nothing."""

import pytest

from convenience.demo.build import LOOKUPS, build_convenience_demo
from convenience.models import ConvenienceLookupPage, ImportRun
from convenience.models.feeds import FeedKey
from convenience.services import freshness
from home.services import UnitSpec, ensure_unit
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_lookups_and_loads_every_sample_feed_cleanly(group):
    shimin = ensure_unit(
        UnitSpec(
            label="shimin",
            kind="branch",
            name="市民分站",
            short_name="市民",
            code="370282101",
            columns=[("bmfw", "便民服务", "convenience", False)],
        )
    )
    said = []
    build_convenience_demo(said.append)
    for organisation in (group["www"], shimin):
        pages = ConvenienceLookupPage.objects.child_of(column(organisation, "bmfw")).live()
        assert sorted(pages.values_list("lookup", flat=True)) == sorted(FeedKey.values)
    runs = {run.feed: run for run in ImportRun.objects.filter(source=ImportRun.Source.DEMO)}
    assert set(runs) == set(FeedKey.values)
    for key, run in runs.items():
        assert run.status == ImportRun.Status.APPLIED, (key, run.message, run.rejected[:3])
        assert run.rows_rejected == 0 and run.rows_accepted > 0
        assert not freshness(key).stale, key
    for key, (_slug, title, provider, intro) in LOOKUPS.items():
        page = ConvenienceLookupPage.objects.filter(lookup=key).first()
        assert page.title == title and page.provider == provider and intro


def test_a_second_demo_run_adds_no_page_and_imports_nothing_while_the_data_is_fresh(group):
    build_convenience_demo(lambda message: None)
    pages, runs = ConvenienceLookupPage.objects.count(), ImportRun.objects.count()
    build_convenience_demo(lambda message: None)
    assert (ConvenienceLookupPage.objects.count(), ImportRun.objects.count()) == (pages, runs)
