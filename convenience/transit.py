"""城市公交: the bus network and the journey planner, in one place.

The network is read from the database (routes, their stops in order, the loop flag) into plain
Python objects and kept in the process: it is rebuilt only when the bus feed's last successful
import changes, which costs one small query per request. Everything a bus page shows (route list,
route detail, stops, the A→B planner) is answered from it, so a page's queries do not grow with the
size of the network.

Rules of the network:
- a route runs both ways over the same stops, unless it is a loop (环线): a loop runs only in the
  listed order and wraps around from its last stop to its first;
- a ride from stop A to stop B on a route is counted in stops (B is N stops after A);
- direct routes go from A to B without changing; when there is none, one-transfer options ride
  route 1 from A to a transfer stop T and route 2 (another route) from T to B. Options are ranked
  by the stops ridden plus a transfer penalty, one option per pair of routes (at its best T).

Lookups use an index stop → [(route, position)], so a plan touches only the routes through A and B.
"""

import difflib
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

# A transfer "costs" as much as riding this many stops (walking to the other platform, waiting).
TRANSFER_PENALTY = 4
MAX_MATCHES = 20
MAX_SUGGESTIONS = 6
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Route:
    pk: int
    number: str
    stops: tuple  # stop pks in the listed order
    loop: bool = False
    name: str = ""
    first_bus: object = None  # datetime.time
    last_bus: object = None
    interval_minutes: int = 0
    fare: Decimal = Decimal("0")
    operator: str = ""
    sort_key: int = 0

    def ride_length(self, board, alight):
        """Stops ridden from position `board` to position `alight`, or None when that is no ride."""
        if board == alight:
            return None
        if self.loop:
            return (alight - board) % len(self.stops)
        return abs(alight - board)

    def ride_stops(self, board, alight):
        """The stop pks of a ride, boarding and alighting stops included."""
        if self.loop:
            count = (alight - board) % len(self.stops)
            return [self.stops[(board + step) % len(self.stops)] for step in range(count + 1)]
        if alight >= board:
            return list(self.stops[board : alight + 1])
        return list(reversed(self.stops[alight : board + 1]))

    def terminal_toward(self, board, alight):
        """The terminal the bus is heading for on this ride (its destination sign); None on a loop."""
        if self.loop:
            return None
        return self.stops[-1] if alight > board else self.stops[0]


@dataclass(frozen=True)
class Ride:
    route: Route
    board: int  # positions on the route
    alight: int
    stops: int  # how many stops ridden

    @property
    def from_stop(self):
        return self.route.stops[self.board]

    @property
    def to_stop(self):
        return self.route.stops[self.alight]

    @property
    def toward(self):
        return self.route.terminal_toward(self.board, self.alight)

    @property
    def path(self):
        return self.route.ride_stops(self.board, self.alight)


@dataclass(frozen=True)
class Transfer:
    first: Ride
    second: Ride

    @property
    def at(self):
        return self.first.to_stop

    @property
    def stops(self):
        return self.first.stops + self.second.stops

    @property
    def cost(self):
        return self.stops + TRANSFER_PENALTY

    @property
    def fare(self):
        return self.first.route.fare + self.second.route.fare


@dataclass
class Plan:
    kind: str  # "same", "direct", "transfer" or "none"
    direct: list = field(default_factory=list)  # [Ride]
    transfers: list = field(default_factory=list)  # [Transfer]


@dataclass
class StopSearch:
    query: str
    exact: int | None  # the stop named exactly so
    matches: list  # stops whose name contains the query, the exact one first
    suggestions: list  # near misses, when nothing contains the query

    @property
    def resolved(self):
        """The one stop the query means: the exact name, or the only name containing it."""
        if self.exact is not None:
            return self.exact
        if len(self.matches) == 1:
            return self.matches[0]
        return None


def normalise(query):
    """A stop name as typed: no spaces (half- or full-width) and no control characters."""
    return "".join(ch for ch in str(query or "") if ch.isprintable() and not ch.isspace())


class Network:
    def __init__(self, routes, stop_names):
        """`routes`: Route objects; `stop_names`: {stop pk: name} for every stop on them."""
        self.routes = {route.pk: route for route in routes}
        self.ordered_routes = sorted(routes, key=lambda route: (route.sort_key, route.number))
        self.stop_names = dict(stop_names)
        self.by_name = {name: pk for pk, name in self.stop_names.items()}
        self._sorted_names = sorted(self.by_name)
        self._names_with = {}  # character → names containing it, for suggestions
        for name in self._sorted_names:
            for character in set(name):
                self._names_with.setdefault(character, []).append(name)
        self.index = {}  # stop pk → [(route pk, position)]
        for route in routes:
            for position, stop in enumerate(route.stops):
                self.index.setdefault(stop, []).append((route.pk, position))

    @classmethod
    def from_spec(cls, spec):
        """A network from [(number, [stop names], loop), ...]: for tests and the benchmark."""
        names = {}
        routes = []
        for pk, (number, stop_list, loop) in enumerate(spec, start=1):
            stops = tuple(names.setdefault(name, len(names) + 1) for name in stop_list)
            routes.append(Route(pk=pk, number=number, stops=stops, loop=bool(loop), sort_key=pk))
        return cls(routes, {pk: name for name, pk in names.items()})

    @classmethod
    def from_db(cls):
        """Three queries: routes, stops, the stops of every route in order."""
        from convenience.models.bus import BusRoute, BusRouteStop, BusStop

        sequences = {}
        for route_id, stop_id in BusRouteStop.objects.order_by("route_id", "position").values_list(
            "route_id", "stop_id"
        ):
            sequences.setdefault(route_id, []).append(stop_id)
        routes = [
            Route(
                pk=route.pk,
                number=route.number,
                stops=tuple(sequences.get(route.pk, ())),
                loop=route.loop,
                name=route.name,
                first_bus=route.first_bus,
                last_bus=route.last_bus,
                interval_minutes=route.interval_minutes,
                fare=route.fare,
                operator=route.operator,
                sort_key=route.sort_key,
            )
            for route in BusRoute.objects.all()
        ]
        routes = [route for route in routes if len(route.stops) >= 2]
        used = {stop for route in routes for stop in route.stops}
        names = {pk: name for pk, name in BusStop.objects.values_list("pk", "name") if pk in used}
        return cls(routes, names)

    # --- stops -------------------------------------------------------------------------------------

    def __len__(self):
        return len(self.routes)

    def name(self, stop):
        return self.stop_names.get(stop, "")

    def routes_at(self, stop):
        """The routes through a stop, in route order, each once: [(Route, [positions])]."""
        positions = {}
        for route_pk, position in self.index.get(stop, ()):
            positions.setdefault(route_pk, []).append(position)
        routes = [self.routes[pk] for pk in positions]
        routes.sort(key=lambda route: (route.sort_key, route.number))
        return [(route, positions[route.pk]) for route in routes]

    def find_stops(self, query):
        """Stops whose name contains the query; near misses as suggestions when none does.

        "鹤山路站" also finds "鹤山路": a trailing 站 is tried away when the name as typed finds nothing.
        """
        query = normalise(query)
        if not query:
            return StopSearch(query, None, [], [])
        for candidate in dict.fromkeys(
            (query, query[:-1] if len(query) > 1 and query.endswith("站") else query)
        ):
            exact = self.by_name.get(candidate)
            matches = [self.by_name[name] for name in self._sorted_names if candidate in name]
            if exact is not None or matches:
                matches.sort(key=lambda pk: (pk != exact, len(self.stop_names[pk]), self.stop_names[pk]))
                return StopSearch(query, exact, matches[:MAX_MATCHES], [])
        return StopSearch(query, None, [], self._suggest(query))

    def _suggest(self, query):
        """Near misses: the names sharing the most characters with the query (the index
        character → names keeps this to a few hundred candidates), best by difflib's ratio first."""
        shared = Counter()
        for character in set(query):
            shared.update(self._names_with.get(character, ()))
        candidates = [name for name, _count in shared.most_common(MAX_CANDIDATES)]
        close = difflib.get_close_matches(query, candidates, n=MAX_SUGGESTIONS, cutoff=0.5)
        if len(close) < MAX_SUGGESTIONS and len(query) >= 2:
            # Names sharing at least two characters (a word typed in another order, a typo).
            more = sorted(
                (name for name in candidates if name not in close and shared[name] >= 2),
                key=lambda name: (-shared[name], len(name), name),
            )
            close += more[: MAX_SUGGESTIONS - len(close)]
        return [self.by_name[name] for name in close]

    # --- journeys ----------------------------------------------------------------------------------

    def direct_routes(self, a, b):
        """Rides from stop a to stop b without changing, shortest first, one per route."""
        if a == b:
            return []
        at_b = {}
        for route_pk, position in self.index.get(b, ()):
            at_b.setdefault(route_pk, []).append(position)
        best = {}
        for route_pk, board in self.index.get(a, ()):
            route = self.routes[route_pk]
            for alight in at_b.get(route_pk, ()):
                length = route.ride_length(board, alight)
                if length is not None and (route_pk not in best or length < best[route_pk].stops):
                    best[route_pk] = Ride(route, board, alight, length)
        return sorted(best.values(), key=lambda ride: (ride.stops, ride.route.sort_key, ride.route.number))

    def _reach(self, stop, forward):
        """{other stop: {route pk: (stops, position at `stop`, position at other)}}: where one ride
        from `stop` goes (forward) or which stops reach `stop` in one ride (backward)."""
        reach = {}
        for route_pk, here in self.index.get(stop, ()):
            route = self.routes[route_pk]
            for there, other in enumerate(route.stops):
                if other == stop:
                    continue
                length = route.ride_length(here, there) if forward else route.ride_length(there, here)
                if length is None:
                    continue
                entry = reach.setdefault(other, {})
                if route_pk not in entry or length < entry[route_pk][0]:
                    entry[route_pk] = (length, here, there)
        return reach

    def transfer_options(self, a, b, limit=5):
        """One-transfer journeys from a to b, best first; one per (route 1, route 2) pair."""
        if a == b:
            return []
        from_a = self._reach(a, forward=True)
        to_b = self._reach(b, forward=False)
        if len(to_b) < len(from_a):
            transfer_stops = [stop for stop in to_b if stop in from_a]
        else:
            transfer_stops = [stop for stop in from_a if stop in to_b]
        best = {}
        for stop in transfer_stops:
            if stop in (a, b):
                continue
            for first_pk, (first_len, board, alight) in from_a[stop].items():
                for second_pk, (second_len, at_b, at_t) in to_b[stop].items():
                    if first_pk == second_pk:
                        continue
                    total = first_len + second_len
                    key = (first_pk, second_pk)
                    current = best.get(key)
                    if current is None or (total, self.stop_names[stop]) < current[0]:
                        best[key] = ((total, self.stop_names[stop]), stop, board, alight, at_t, at_b)
        options = []
        for (first_pk, second_pk), (_rank, _stop, board, alight, at_t, at_b) in best.items():
            first, second = self.routes[first_pk], self.routes[second_pk]
            options.append(
                Transfer(
                    Ride(first, board, alight, first.ride_length(board, alight)),
                    Ride(second, at_t, at_b, second.ride_length(at_t, at_b)),
                )
            )
        options.sort(
            key=lambda option: (
                option.cost,
                option.fare,
                option.first.route.sort_key,
                option.first.route.number,
                option.second.route.sort_key,
                option.second.route.number,
            )
        )
        return options[:limit]

    def plan(self, a, b, limit=5):
        """Direct routes when there are any, else one-transfer options."""
        if a == b:
            return Plan("same")
        direct = self.direct_routes(a, b)
        if direct:
            return Plan("direct", direct=direct)
        transfers = self.transfer_options(a, b, limit=limit)
        if transfers:
            return Plan("transfer", transfers=transfers)
        return Plan("none")


# --- the network of the process ---------------------------------------------------------------------

_lock = threading.Lock()
_built = None  # (version, Network), replaced as a whole so a reader never sees half of it


def _version():
    """What identifies the imported network: the bus feed's last successful import (its id and
    end time, so a re-used id in a fresh test database is not mistaken for the same import)."""
    from convenience.models.feeds import Feed, FeedKey

    row = (
        Feed.objects.filter(key=FeedKey.BUS)
        .values_list("last_success_id", "last_success__finished_at")
        .first()
    )
    return tuple(row) if row else (None, None)


def network():
    """The bus network, rebuilt only when a new import has succeeded since it was built."""
    global _built
    version = _version()
    built = _built
    if built is not None and built[0] == version:
        return built[1]
    with _lock:
        if _built is not None and _built[0] == version:
            return _built[1]
        fresh = Network.from_db()
        _built = (version, fresh)
        return fresh


def reset_cache():
    global _built
    _built = None


def find_stops(query):
    return network().find_stops(query)


def direct_routes(a, b):
    return network().direct_routes(a, b)


def transfer_options(a, b, limit=5):
    return network().transfer_options(a, b, limit=limit)


def plan(a, b):
    return network().plan(a, b)
