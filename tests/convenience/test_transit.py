"""The bus network rules (convenience.transit) on a small network whose answers were worked out by hand.

1路      A - B - C - D - E            (both ways)
2路              C - F - G - H        (both ways)
环3路                        E → I → J → K → (E)   (loop: listed order only)
4路                      G - L - M    (both ways)
5路                      H - N - M - P - L         (both ways)
6路      X - Y                        (nobody else: no connection)
"""

import pytest

from convenience import transit
from convenience.services import run_import
from convenience.transit import TRANSFER_PENALTY, Network

SPEC = [
    ("1路", ["A", "B", "C", "D", "E"], False),
    ("2路", ["C", "F", "G", "H"], False),
    ("环3路", ["E", "I", "J", "K"], True),
    ("4路", ["G", "L", "M"], False),
    ("5路", ["H", "N", "M", "P", "L"], False),
    ("6路", ["X", "Y"], False),
]


@pytest.fixture(scope="module")
def net():
    return Network.from_spec(SPEC)


def stop(net, name):
    return net.by_name[name]


def direct(net, a, b):
    return [
        (ride.route.number, ride.stops, net.name(ride.toward) if ride.toward else None)
        for ride in net.direct_routes(stop(net, a), stop(net, b))
    ]


def transfers(net, a, b, limit=5):
    return [
        (
            option.first.route.number,
            net.name(option.at),
            option.second.route.number,
            option.first.stops,
            option.second.stops,
        )
        for option in net.transfer_options(stop(net, a), stop(net, b), limit=limit)
    ]


def test_the_index_lists_every_route_through_a_stop(net):
    assert len(net) == 6 and len(net.stop_names) == 17
    assert sorted(net.routes[pk].number for pk, _pos in net.index[stop(net, "M")]) == ["4路", "5路"]
    assert [route.number for route, _positions in net.routes_at(stop(net, "C"))] == ["1路", "2路"]


def test_direct_route_both_ways_on_an_ordinary_route(net):
    assert direct(net, "A", "D") == [("1路", 3, "E")]
    assert direct(net, "D", "A") == [("1路", 3, "A")]
    assert direct(net, "H", "F") == [("2路", 2, "C")]
    ride = net.direct_routes(stop(net, "D"), stop(net, "A"))[0]
    assert [net.name(s) for s in ride.path] == ["D", "C", "B", "A"]


def test_a_loop_runs_only_in_its_listed_order_and_wraps_around(net):
    assert direct(net, "E", "K") == [("环3路", 3, None)]
    assert direct(net, "K", "E") == [("环3路", 1, None)]  # K → E, back to the start
    assert direct(net, "J", "I") == [("环3路", 3, None)]  # J → K → E → I, never back against the loop
    ride = net.direct_routes(stop(net, "J"), stop(net, "I"))[0]
    assert [net.name(s) for s in ride.path] == ["J", "K", "E", "I"]


def test_one_transfer_when_there_is_no_direct_route(net):
    assert direct(net, "A", "F") == []
    assert transfers(net, "A", "F") == [("1路", "C", "2路", 2, 1)]
    plan = net.plan(stop(net, "A"), stop(net, "F"))
    assert plan.kind == "transfer" and plan.direct == []
    option = plan.transfers[0]
    assert option.stops == 3 and option.cost == 3 + TRANSFER_PENALTY


def test_transfers_to_and_from_a_loop_follow_its_direction(net):
    # A → E on 1路 (4 stops), then E → I on the loop (1 stop).
    assert transfers(net, "A", "I") == [("1路", "E", "环3路", 4, 1)]
    # Back: I → J → K → E on the loop (3 stops), then 1路 to A (4 stops).
    assert transfers(net, "I", "A") == [("环3路", "E", "1路", 3, 4)]


def test_transfer_options_are_ranked_by_stops_ridden(net):
    # F → M: 2路 to G then 4路 (1 + 2 = 3 stops) beats 2路 to H then 5路 (2 + 2 = 4).
    assert transfers(net, "F", "M") == [("2路", "G", "4路", 1, 2), ("2路", "H", "5路", 2, 2)]
    assert transfers(net, "F", "M", limit=1) == [("2路", "G", "4路", 1, 2)]


def test_one_option_per_pair_of_routes_at_its_best_transfer_stop(net):
    # G → N: 2路 + 5路 at H (1 + 1). 4路 and 5路 meet at both L and M; only the better, M
    # (G→M 2 + M→N 1 = 3), is offered, not L (G→L 1 + L→P→M→N 3 = 4).
    assert transfers(net, "G", "N") == [("2路", "H", "5路", 1, 1), ("4路", "M", "5路", 2, 1)]


def test_plan_prefers_direct_routes(net):
    plan = net.plan(stop(net, "C"), stop(net, "H"))
    assert plan.kind == "direct" and [ride.route.number for ride in plan.direct] == ["2路"]
    assert plan.transfers == []


def test_no_connection_and_same_stop(net):
    plan = net.plan(stop(net, "A"), stop(net, "X"))
    assert plan.kind == "none" and plan.direct == [] and plan.transfers == []
    assert net.plan(stop(net, "A"), stop(net, "A")).kind == "same"
    assert net.direct_routes(stop(net, "A"), stop(net, "A")) == []
    assert net.transfer_options(stop(net, "A"), stop(net, "A")) == []


def test_direct_routes_are_sorted_shortest_first():
    net = Network.from_spec(
        [("1路", ["A", "B", "C", "D", "E"], False), ("2路", ["A", "E"], False), ("3路", ["Q", "A"], False)]
    )
    assert direct(net, "A", "E") == [("2路", 1, "E"), ("1路", 4, "E")]


def test_find_stops():
    net = Network.from_spec(
        [
            ("1路", ["即墨汽车站", "即墨古城", "鹤山路烟青路口", "鹤山路华山路口"], False),
            ("2路", ["即墨北站", "环秀湖公园"], False),
        ]
    )
    search = net.find_stops("即墨古城")
    assert net.name(search.resolved) == "即墨古城" and search.exact == search.resolved
    assert net.name(net.find_stops(" 古 城 ").resolved) == "即墨古城"  # a part is enough; spaces ignored
    assert net.name(net.find_stops("即墨古城站").resolved) == "即墨古城"  # a trailing 站 is tried away
    ambiguous = net.find_stops("鹤山路")
    assert ambiguous.resolved is None
    assert sorted(net.name(pk) for pk in ambiguous.matches) == ["鹤山路华山路口", "鹤山路烟青路口"]
    missing = net.find_stops("即墨车站")
    assert missing.resolved is None and missing.matches == []
    assert net.name(missing.suggestions[0]) == "即墨汽车站"
    assert net.find_stops("").resolved is None and net.find_stops("\x00\u3000").matches == []
    assert net.find_stops("龙泉").suggestions == []  # nothing close: no suggestion


# --- the network of the process, read from the database --------------------------------------------


def feed(records):
    import json

    return json.dumps({"generated_at": "2026-11-28T11:00:00+08:00", "records": records}).encode()


def record(number, stops, loop=False):
    return {
        "number": number,
        "name": "",
        "first_bus": "06:00",
        "last_bus": "21:00",
        "interval": 10,
        "fare": 1,
        "loop": loop,
        "operator": "",
        "stops": stops,
    }


@pytest.fixture
def fresh_cache():
    transit.reset_cache()
    yield
    transit.reset_cache()


@pytest.mark.django_db
def test_the_network_is_built_from_the_database_and_cached_until_the_next_import(
    fresh_cache, django_assert_num_queries
):
    run_import("bus", content=feed([record(n, s, loop) for n, s, loop in SPEC]))
    built = transit.network()
    assert len(built) == 6 and len(built.stop_names) == 17
    assert built.plan(built.by_name["F"], built.by_name["M"]).kind == "transfer"
    with django_assert_num_queries(2):  # each call checks the version, nothing more
        assert transit.network() is built
        assert transit.plan(built.by_name["A"], built.by_name["D"]).kind == "direct"
    assert [route.loop for route in built.ordered_routes] == [False, False, True, False, False, False]

    run_import("bus", content=feed([record("1路", ["A", "B"]), record("7路", ["B", "Z"])]))
    rebuilt = transit.network()
    assert rebuilt is not built
    assert sorted(route.number for route in rebuilt.routes.values()) == ["1路", "7路"]
    assert transit.direct_routes(rebuilt.by_name["A"], rebuilt.by_name["B"])[0].route.number == "1路"
    assert transit.transfer_options(rebuilt.by_name["A"], rebuilt.by_name["Z"])[0].at == rebuilt.by_name["B"]
    assert transit.find_stops("Z").resolved == rebuilt.by_name["Z"]


@pytest.mark.django_db
def test_a_failed_import_keeps_the_cached_network(fresh_cache, django_assert_num_queries):
    run_import("bus", content=feed([record("1路", ["A", "B"])]))
    built = transit.network()
    run_import("bus", content=b"{not json")
    with django_assert_num_queries(1):
        assert transit.network() is built
