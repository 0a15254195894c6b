"""`make bench-search` (part 2): search latency on the demo data and on a 50,000-page data set,
on SQLite and on PostgreSQL.

For every (data set, database) pair a fresh worker process (this script with --worker):

1. prepares the database: migrate; seed_demo (the scale set: `seed_demo --scale S
   --scale-articles A`, i.e. S synthetic units of A bulk-inserted live articles each, on top of the
   demo); the starter synonym groups of bench/search_queries.py; rebuild_search_index — each
   timed; nothing is redone when the data is already there;
2. runs the first query once ("first search": jieba and the custom dictionary load), then every
   query of bench/search_queries.py once as a warm-up, then --runs passes over all queries, timing
   each `search.engine.search(query, scope="group", limit=10)` call (segmentation, the count and
   page queries, the 直达 box queries, highlighting — everything but HTML rendering);
3. reports p50/p95/p99/mean/max over all timed calls.

Data: SQLite in bench/var-search/ (demo) and bench/var-search-scale/ (a copy of the demo database
plus the scale units); PostgreSQL (media files in bench/var-search-pg/) in one database (--postgres, default
postgres://postgres@127.0.0.1:5432/bench_search), created if missing, first measured with the demo,
then grown to the scale set, and dropped at the end (--keep-postgres keeps it).

Prints the tables and writes bench/results/search-latency-<time>.json. Exit status 1 on errors.
The machine is shared: the JSON records the load average and how many cores were busy before each
measurement.
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).parent))
import load  # noqa: E402
import search_relevance as relevance  # noqa: E402

ROOT = load.ROOT
RESULTS_DIR = load.RESULTS_DIR
DEMO_DIR = load.BENCH_DIR / "var-search"
SCALE_DIR = load.BENCH_DIR / "var-search-scale"
PG_DIR = load.BENCH_DIR / "var-search-pg"  # PORTAL_VAR_DIR (media, jieba cache) of the PostgreSQL runs
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/bench_search"
MARKER = "BENCH_JSON="
log = load.log


# --- Worker ----------------------------------------------------------------------------------------


def stats(samples):
    ordered = sorted(samples)
    return {
        "count": len(ordered),
        "p50": round(load.percentile(ordered, 0.50) * 1000, 1),
        "p95": round(load.percentile(ordered, 0.95) * 1000, 1),
        "p99": round(load.percentile(ordered, 0.99) * 1000, 1),
        "mean": round(statistics.fmean(ordered) * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
    }


def worker(args):
    """Prepare one database and time the queries on it; prints one JSON line."""
    seed_args = (
        ("--scale", str(args.scale), "--scale-articles", str(args.scale_articles)) if args.scale else ()
    )
    timings = relevance.prepare(
        args.var_dir.resolve(),
        rebuild=args.rebuild,
        seed_args=seed_args,
        scale_articles=args.scale * args.scale_articles,
        synonyms=True,
    )
    from search.engine import get_backend, search

    counts = relevance.database_counts()
    resolved, errors = relevance.resolve()
    texts = [(query, text) for query, text, _expectations in resolved]

    started = time.perf_counter()
    search(texts[0][1], scope="group", limit=10)
    first = time.perf_counter() - started
    for query, text in texts:  # warm-up pass: caches, prepared plans, pages of the FTS index
        search(text, scope="group", kinds=query.kinds or None, limit=10)

    busy = load.busy_cores(1.0)
    loadavg = os.getloadavg()
    samples, per_query, totals = [], {}, {}
    measure_started = time.perf_counter()
    for _run in range(args.runs):
        for query, text in texts:
            started = time.perf_counter()
            results = search(text, scope="group", kinds=query.kinds or None, limit=10)
            elapsed = time.perf_counter() - started
            samples.append(elapsed)
            per_query.setdefault(text, []).append(elapsed)
            totals[text] = results.total
    measured = time.perf_counter() - measure_started
    slowest = sorted(per_query.items(), key=lambda item: statistics.median(item[1]), reverse=True)[:5]
    report = {
        "label": args.label,
        "backend": get_backend().name,
        "database": counts,
        "prepare_seconds": {name: round(value, 1) for name, value in timings.items()},
        "runs": args.runs,
        "queries": len(texts),
        "first_search_ms": round(first * 1000, 1),
        "latency_ms": stats(samples),
        "measured_seconds": round(measured, 1),
        "busy_cores_before": busy,
        "loadavg_before": [round(value, 2) for value in loadavg],
        "slowest": [
            {"query": text, "p50_ms": round(statistics.median(values) * 1000, 1), "total": totals[text]}
            for text, values in slowest
        ],
        "totals": totals,
        "errors": errors,
    }
    print(MARKER + json.dumps(report, ensure_ascii=False), flush=True)
    return 0


# --- Orchestrator ------------------------------------------------------------------------------


def run_worker(label, var_dir, database_url, args, scale=0):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--label",
        label,
        "--var-dir",
        str(var_dir),
        "--runs",
        str(args.runs),
        "--scale",
        str(scale),
        "--scale-articles",
        str(args.scale_articles),
    ]
    if args.rebuild:
        command.append("--rebuild")
    log(f"== {label}")
    report = None
    with subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE) as process:
        for line in process.stdout:  # the worker's progress, as it happens
            if line.startswith(MARKER):
                report = json.loads(line[len(MARKER) :])
            else:
                print(line, end="", flush=True)
    return report or {"label": label, "errors": [f"worker failed (exit {process.returncode})"]}


def copy_sqlite(source_dir, target_dir):
    """The scale set starts from the demo database (saves rebuilding the demo, ~2 minutes)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "db.sqlite3"
    if target.exists():
        return False
    log(f"copying {source_dir.relative_to(ROOT)}/db.sqlite3 → {target_dir.relative_to(ROOT)}/")
    with sqlite3.connect(source_dir / "db.sqlite3") as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    if (source_dir / "media").exists() and not (target_dir / "media").exists():
        shutil.copytree(source_dir / "media", target_dir / "media")
    return True


def _admin_connection(url):
    import psycopg2

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    return connection, parts.path.lstrip("/")


def postgres_database(url, action):
    """create (if missing) or drop the benchmark database; False when the server is unreachable."""
    try:
        connection, name = _admin_connection(url)
    except Exception as error:  # noqa: BLE001 - no server: the PostgreSQL runs are skipped
        log(f"PostgreSQL not reachable ({type(error).__name__}: {str(error).strip()}): skipped")
        return False
    try:
        # Not `with connection`: psycopg2 opens a transaction block then, and CREATE DATABASE
        # cannot run inside one.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if action == "create" and not exists:
                log(f"CREATE DATABASE {name}")
                cursor.execute(f'CREATE DATABASE "{name}"')
            elif action == "drop" and exists:
                log(f"DROP DATABASE {name}")
                cursor.execute(f'DROP DATABASE "{name}"')
    finally:
        connection.close()
    return True


def print_tables(reports):
    print()
    print(
        "| data set | database | documents | pages | searches | p50 ms | p95 ms | p99 ms | mean ms | max ms | first ms |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for report in reports:
        if "latency_ms" not in report:
            print(f"| {report['label']} | failed | | | | | | | | | |")
            continue
        latency, database = report["latency_ms"], report["database"]
        dataset, _slash, engine = report["label"].partition("/")
        print(
            f"| {dataset} | {engine} | {database['documents']} | {database['pages']} | {latency['count']} "
            f"| {latency['p50']} | {latency['p95']} | {latency['p99']} | {latency['mean']} | {latency['max']} "
            f"| {report['first_search_ms']} |"
        )
    print()
    print("| data set | database | seed_demo s | rebuild_search_index s | busy cores before | load average |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for report in reports:
        if "prepare_seconds" not in report:
            continue
        dataset, _slash, engine = report["label"].partition("/")
        seconds = report["prepare_seconds"]
        print(
            f"| {dataset} | {engine} | {seconds.get('seed_demo', '–')} | {seconds.get('rebuild_search_index', '–')} "
            f"| {report['busy_cores_before']} | {' '.join(map(str, report['loadavg_before']))} |"
        )
    print()
    for report in reports:
        if report.get("slowest"):
            slow = "、".join(
                f"{item['query']} {item['p50_ms']} ms ({item['total']} hits)"
                for item in report["slowest"][:3]
            )
            print(f"slowest on {report['label']}: {slow}")
    print()


def write_results(path, args, reports, started):
    parts = urlsplit(args.postgres)
    result = {
        "benchmark": "search-latency",
        "date": datetime.now().isoformat(timespec="seconds"),
        "git": load.git_state(),
        "search_code": relevance.search_code(),
        "machine": load.machine_info(),
        "scale": {"units": args.scale, "articles_per_unit": args.scale_articles},
        "postgres": urlunsplit(parts._replace(netloc=parts.hostname or "")),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "reports": reports,
        "errors": [f"{report['label']}: {error}" for report in reports for error in report.get("errors", [])],
    }
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed passes over all queries (default 5)")
    parser.add_argument("--scale", type=int, default=10, help="synthetic units of the scale set (default 10)")
    parser.add_argument(
        "--scale-articles",
        type=int,
        default=5000,
        help="articles per synthetic unit (default 5000: 50,000 pages)",
    )
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--keep-postgres", action="store_true", help="do not drop the PostgreSQL database")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")
    parser.add_argument("--no-scale", action="store_true", help="the demo data only")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the search index even if present")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", type=Path, default=DEMO_DIR, help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.worker:
        return worker(args)
    if args.runs < 1 or args.scale < 0 or args.scale_articles < 1:
        raise SystemExit("--runs and --scale-articles must be at least 1, --scale at least 0")
    reports = []
    started = time.perf_counter()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"search-latency-{datetime.now():%Y%m%d-%H%M%S}.json"

    def measure(label, var_dir, database_url, scale=0):
        reports.append(run_worker(label, var_dir, database_url, args, scale=scale))
        write_results(path, args, reports, started)  # after every step: a later failure loses nothing

    if args.only != "postgres":
        measure("demo/sqlite", DEMO_DIR, None)
        if not args.no_scale and args.scale:
            copy_sqlite(DEMO_DIR, SCALE_DIR)
            measure("scale/sqlite", SCALE_DIR, None, scale=args.scale)
    if args.only != "sqlite" and postgres_database(args.postgres, "create"):
        try:
            measure("demo/postgresql", PG_DIR, args.postgres)
            if not args.no_scale and args.scale:
                measure("scale/postgresql", PG_DIR, args.postgres, scale=args.scale)
        finally:
            if not args.keep_postgres:
                postgres_database(args.postgres, "drop")
    print_tables(reports)
    result = write_results(path, args, reports, started)
    errors = result["errors"]
    log(f"wrote {path.relative_to(ROOT)} (total {result['wall_seconds']} s)")
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
