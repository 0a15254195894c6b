"""`make bench-bus`: the 城市公交 planner on a network much larger than 即墨's.

Builds a synthetic network (default 130 routes over a 45 × 45 grid of streets, at least 1,500 stops
in use, one route in ten a loop) in memory through the same `convenience.transit.Network` the site
uses, then times `plan(a, b)` over random pairs of stops (default 2,000) and over pairs of the
busiest stops (the worst case: many routes through both ends). Prints the network's size, its build
time, p50 / p95 / max per plan and the share answered direct / with one transfer / not at all, and
the stop search (`find_stops`) on exact names, parts of names and misspellings.

    .venv/bin/python bench/bus_transfer.py                   # in memory only, a second or two
    .venv/bin/python bench/bus_transfer.py --routes 300 --grid 70
    .venv/bin/python bench/bus_transfer.py --db              # also: import the network through
        BusImporter into a throw-away SQLite database (bench/var-bus/, migrated on first use) and
        time the import and Network.from_db().

Only the standard library and the project; nothing leaves 127.0.0.1 (nothing is fetched at all).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convenience.transit import Network  # noqa: E402  (stdlib only at import time)

DIRECTIONS = ((0, 1), (1, 0), (0, -1), (-1, 0))


def stop_name(row, column):
    return f"{row + 1}号街{column + 1}号路口"


def synthetic_spec(routes, grid, seed, loop_share=0.1, min_stops=1500):
    """[(number, [stop names], loop)]: mostly straight routes that turn now and then, and loops
    around rectangles; routes are added until there are `routes` of them and `min_stops` in use."""
    rng = random.Random(seed)
    spec, used = [], set()
    while len(spec) < routes or len(used) < min_stops:
        number = f"{len(spec) + 1}路"
        if rng.random() < loop_share:
            top, left = rng.randrange(grid - 6), rng.randrange(grid - 6)
            height, width = rng.randint(3, min(12, grid - top - 1)), rng.randint(3, min(12, grid - left - 1))
            cells = [(top, left + c) for c in range(width)]
            cells += [(top + r, left + width) for r in range(height)]
            cells += [(top + height, left + width - c) for c in range(width)]
            cells += [(top + height - r, left) for r in range(height)]
            spec.append((f"环{number}", [stop_name(*cell) for cell in cells], True))
        else:
            row, column = rng.randrange(grid), rng.randrange(grid)
            direction = rng.choice(DIRECTIONS)
            cells, seen = [(row, column)], {(row, column)}
            for _ in range(rng.randint(20, 45) - 1):
                if rng.random() < 0.15:
                    direction = rng.choice(DIRECTIONS)
                nxt = (row + direction[0], column + direction[1])
                if not (0 <= nxt[0] < grid and 0 <= nxt[1] < grid) or nxt in seen:
                    options = [
                        (row + dr, column + dc)
                        for dr, dc in DIRECTIONS
                        if 0 <= row + dr < grid
                        and 0 <= column + dc < grid
                        and (row + dr, column + dc) not in seen
                    ]
                    if not options:
                        break
                    nxt = rng.choice(options)
                    direction = (nxt[0] - row, nxt[1] - column)
                row, column = nxt
                cells.append(nxt)
                seen.add(nxt)
            if len(cells) < 2:
                continue
            spec.append((number, [stop_name(*cell) for cell in cells], False))
        used.update(spec[-1][1])
    return spec


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_plans(network, pairs):
    times, kinds = [], {"direct": 0, "transfer": 0, "none": 0, "same": 0}
    for a, b in pairs:
        start = time.perf_counter()
        plan = network.plan(a, b)
        times.append((time.perf_counter() - start) * 1000)
        kinds[plan.kind] += 1
    return times, kinds


def report(label, times, kinds=None):
    line = (
        f"{label:<34} n={len(times):>5}  p50 {statistics.median(times):7.3f} ms  "
        f"p95 {percentile(times, 0.95):7.3f} ms  max {max(times):7.3f} ms"
    )
    print(line)
    if kinds:
        total = sum(kinds.values())
        shares = "  ".join(f"{kind} {count / total:6.1%}" for kind, count in kinds.items() if kind != "same")
        print(f"{'':<34} {shares}")


def bench_memory(args):
    spec = synthetic_spec(args.routes, args.grid, args.seed)
    start = time.perf_counter()
    network = Network.from_spec(spec)
    build_ms = (time.perf_counter() - start) * 1000
    per_stop = [len({route for route, _pos in entries}) for entries in network.index.values()]
    print(
        f"network: {len(network)} routes ({sum(1 for r in network.routes.values() if r.loop)} loops), "
        f"{len(network.stop_names)} stops, {sum(per_stop)} route-stops; "
        f"routes per stop: mean {statistics.mean(per_stop):.1f}, max {max(per_stop)}"
    )
    print(f"build (Network.from_spec, in memory): {build_ms:.1f} ms")

    rng = random.Random(args.seed + 1)
    stops = list(network.stop_names)
    pairs = []
    while len(pairs) < args.pairs:
        a, b = rng.sample(stops, 2)
        pairs.append((a, b))
    times, kinds = timed_plans(network, pairs)
    report("plan(a, b), random pairs", times, kinds)

    busiest = sorted(stops, key=lambda stop: -len(network.index[stop]))[:50]
    hub_pairs = [(a, b) for a in busiest for b in busiest if a != b][: args.pairs]
    times, kinds = timed_plans(network, hub_pairs)
    report("plan(a, b), the 50 busiest stops", times, kinds)

    names = [network.name(stop) for stop in rng.sample(stops, 300)]
    for label, queries in (
        ("find_stops, exact names", names),
        ("find_stops, part of a name", [name[:-3] for name in names]),  # "12号街7号" → many matches
        ("find_stops, misspelt (suggestions)", [name.replace("号街", "条街") for name in names]),
    ):
        times = []
        for query in queries:
            start = time.perf_counter()
            network.find_stops(query)
            times.append((time.perf_counter() - start) * 1000)
        report(label, times)
    return spec


def bench_database(spec):
    """Import the network through BusImporter into a throw-away SQLite database and read it back."""
    var_dir = ROOT / "bench" / "var-bus"
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["PORTAL_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_project.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from convenience import transit
    from convenience.models.bus import BusRoute, BusStop
    from convenience.services import run_import

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"\ndatabase: {var_dir / 'db.sqlite3'} (migrate {time.perf_counter() - start:.1f} s)")
    records = [
        {
            "number": number,
            "name": f"{stops[0]}—{stops[-1]}",
            "first_bus": "06:00",
            "last_bus": "21:00",
            "interval": 10,
            "fare": 1,
            "loop": loop,
            "operator": "基准测试",
            "stops": stops,
        }
        for number, stops, loop in spec
    ]
    content = json.dumps({"generated_at": "2026-11-28T11:00:00+08:00", "records": records}).encode()
    BusRoute.objects.all().delete()  # a run before this one left its network
    BusStop.objects.all().delete()
    for label in ("import (first, all new)", "import (again, unchanged)"):
        start = time.perf_counter()
        run = run_import("bus", content=content, file_name="bench.json")
        print(f"{label:<34} {(time.perf_counter() - start) * 1000:8.1f} ms  status {run.status}")
    print(f"stored: {BusRoute.objects.count()} routes, {BusStop.objects.count()} stops")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        transit.Network.from_db()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{'Network.from_db() (3 queries)':<34} best {min(times):8.1f} ms  worst {max(times):8.1f} ms")
    transit.network()
    times = []
    for _ in range(200):
        start = time.perf_counter()
        transit.network()
        times.append((time.perf_counter() - start) * 1000)
    report("network() cached (version check)", times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routes", type=int, default=130)
    parser.add_argument("--grid", type=int, default=45, help="streets each way (grid × grid crossings)")
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", action="store_true", help="also import into a throw-away SQLite database")
    args = parser.parse_args()
    spec = bench_memory(args)
    if args.db:
        bench_database(spec)


if __name__ == "__main__":
    main()
