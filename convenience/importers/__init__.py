"""The importer of each lookup's feed (one module per lookup) and the sample feeds of the demo."""

from importlib import import_module
from pathlib import Path

from convenience.models.feeds import FeedKey

IMPORTERS = {
    FeedKey.FUND: "convenience.importers.fund.FundImporter",
    FeedKey.TRAFFIC: "convenience.importers.traffic.TrafficImporter",
    FeedKey.WEATHER: "convenience.importers.weather.WeatherImporter",
    FeedKey.PRICES: "convenience.importers.prices.PricesImporter",
    FeedKey.BUS: "convenience.importers.bus.BusImporter",
    FeedKey.COACH: "convenience.importers.coach.CoachImporter",
    FeedKey.AIR: "convenience.importers.air.AirImporter",
    FeedKey.HYDRO: "convenience.importers.hydro.HydroImporter",
}
SAMPLE_FEEDS = Path(__file__).resolve().parent.parent / "sample_feeds"


def importer_for(key):
    module, name = IMPORTERS[FeedKey(key)].rsplit(".", 1)
    return getattr(import_module(module), name)()


def sample_feed(key):
    """The demo's sample feed of a lookup: convenience/sample_feeds/<key>.<csv|json>."""
    return SAMPLE_FEEDS / f"{key}.{importer_for(key).format}"
