"""便民服务: the eight lookups' data, the import log of their feeds, and the lookup page.

One module per lookup; the feed log (Feed, ImportRun, LookupAttempt) is shared by all of them.
"""

from convenience.models.air import AirReading, AirStation  # noqa: F401
from convenience.models.bus import BusRoute, BusRouteStop, BusStop  # noqa: F401
from convenience.models.coach import CoachTrip  # noqa: F401
from convenience.models.feeds import Feed, ImportRun, LookupAttempt  # noqa: F401
from convenience.models.fund import FundAccount, FundDeposit  # noqa: F401
from convenience.models.hydro import HydroReading, HydroStation  # noqa: F401
from convenience.models.pages import ConvenienceLookupPage  # noqa: F401
from convenience.models.prices import Market, PriceRecord, ProduceItem  # noqa: F401
from convenience.models.traffic import TrafficViolation  # noqa: F401
from convenience.models.weather import WeatherForecast, WeatherWarning  # noqa: F401
