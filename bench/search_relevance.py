"""`make bench-search` (part 1): how well the site-group search ranks what citizens look for.

Runs every query of bench/search_queries.py through `search.engine.search` (scope "group", the
first page of 10 results, as the search page shows it) and scores where the first expected item
appears: hit@1, hit@3, hit@10 and MRR (mean of 1/rank, 0 when not in the top 10). It also notes
whether an expected item is in the 直达 box (`Results.direct`, the top service guides).
Prints a table per query and the totals, and writes bench/results/search-relevance-<time>.json.

The database: PORTAL_VAR_DIR = --var-dir (default bench/var-search/), or DATABASE_URL if set
(use a throw-away database: seed_demo writes to it). `migrate` always runs; an empty database gets
`seed_demo --quiet-accounts`; the index is rebuilt (`rebuild_search_index`) when the demo was just
built, when it is empty, or with --rebuild. The demo has no synonyms: --add-synonyms stores the
starter groups of bench/search_queries.py (SYNONYMS) first, as an editor would, and rebuilds.

Exit status: 0 whatever the score; 1 on errors (a command failed, an expected title is not in the
index — the query set or the indexing is broken — or a search raised).
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import unicodedata
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import load  # noqa: E402
from search_queries import QUERIES, SYNONYMS  # noqa: E402

# Django switches the process to TIME_ZONE on set-up; log in that zone from the first line on.
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

ROOT = load.ROOT
DEFAULT_VAR_DIR = load.BENCH_DIR / "var-search"
RESULTS_DIR = load.RESULTS_DIR
SETTINGS = "portal_project.settings.dev"
LIMIT = 10
log = load.log


# --- Preparing the database (subprocesses, so the timings are those of the real commands) -------


def bench_env(var_dir):
    env = dict(os.environ)
    for name in ("STATIC_ROOT", "MEDIA_ROOT"):
        env.pop(name, None)
    env.update(
        PORTAL_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DEBUG="0",  # no SQL kept in connection.queries, no debug toolbar work
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *arguments):
    """Runs manage.py; returns its wall time. Output is shown only when it fails."""
    log("$ manage.py " + " ".join(arguments))
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-5000:] + result.stderr[-5000:])
        raise SystemExit(f"manage.py {arguments[0]} failed (exit {result.returncode})")
    log(f"  {elapsed:.1f} s")
    return elapsed


def setup_django(var_dir):
    """Django in this process, on the same database as the subprocesses."""
    os.environ.update(bench_env(var_dir))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_counts():
    from django.db import connection
    from wagtail.models import Page

    from search.models import SearchDocument

    kinds = {}
    for kind in SearchDocument.objects.values_list("kind", flat=True).iterator():
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "vendor": connection.vendor,
        "pages": Page.objects.count(),
        "live_pages": Page.objects.live().count(),
        "documents": sum(kinds.values()),
        "documents_by_kind": dict(sorted(kinds.items())),
    }


def add_synonyms(groups=SYNONYMS):
    """The starter synonym groups that are not there yet; returns how many were added."""
    from search.models import Synonym

    added = 0
    for words in groups:
        _synonym, created = Synonym.objects.get_or_create(words=words, defaults={"enabled": True})
        added += created
    return added


def prepare(var_dir, rebuild=False, seed_args=(), scale_articles=0, synonyms=False):
    """migrate, then seed_demo / rebuild_search_index only when needed; returns the timings (s).

    seed_demo runs when the database is empty, or (with `seed_args` for the scale units) while it
    has fewer than `scale_articles` synthetic articles; the index is rebuilt after seeding, after
    adding synonyms, when it is empty, or when asked to.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    env = bench_env(var_dir)
    timings = {"migrate": manage(env, "migrate", "--noinput", "-v0")}
    setup_django(var_dir)
    from home.models import Organisation
    from search.models import SearchDocument
    from subsite_pages.models import ArticlePage

    seeded = False
    incomplete = (
        scale_articles and ArticlePage.objects.filter(title__contains="（压测").count() < scale_articles
    )
    if not Organisation.objects.exists() or incomplete:
        timings["seed_demo"] = manage(env, "seed_demo", "--quiet-accounts", *seed_args)
        seeded = True
    if synonyms and add_synonyms():
        log("added the starter synonym groups of bench/search_queries.py")
        rebuild = True
    if rebuild or seeded or not SearchDocument.objects.exists():
        timings["rebuild_search_index"] = manage(env, "rebuild_search_index")
    return timings


# --- The query set against the index -------------------------------------------------------------


class Expectation:
    """One expected item: "title", "label:title" or "~part of a title" (see search_queries.py)."""

    def __init__(self, spec):
        self.spec = spec
        label, colon, rest = spec.partition(":")
        if colon and label.isascii() and label.isalnum():
            self.label, text = label, rest
        else:
            self.label, text = "", spec
        self.contains = text.startswith("~")
        self.title = text[1:] if self.contains else text

    def matches(self, document):
        if self.contains:
            if self.title not in document.title:
                return False
        elif document.title != self.title:
            return False
        return not self.label or self.label in document_labels(document)

    def documents(self):
        from search.models import SearchDocument

        lookup = {"title__contains": self.title} if self.contains else {"title": self.title}
        rows = SearchDocument.objects.filter(**lookup).select_related("site", "organisation")
        return [document for document in rows if self.matches(document)]


def document_labels(document):
    labels = set()
    if document.organisation_id:
        labels.add(document.organisation.label)
    if document.site_id:
        labels.add(document.site.hostname.split(".")[0])
    return labels


def resolve(queries=QUERIES):
    """[(query, text, [Expectation]), …] and a list of errors (titles missing from the index)."""
    from disclosure.models import DisclosureDocumentPage

    resolved, errors = [], []
    for query in queries:
        expectations = [Expectation(spec) for spec in query.expected]
        for expectation in expectations:
            if not expectation.documents():
                errors.append(
                    f"{query.text or query.index_number_of}: expected item not in the index: {expectation.spec}"
                )
        text = query.text
        if query.index_number_of:
            documents = Expectation(query.index_number_of).documents()
            pks = [int(d.source.split(":")[1]) for d in documents if d.source.startswith("disclosure.")]
            page = DisclosureDocumentPage.objects.filter(pk__in=pks).first()
            if page is None or not page.index_number:
                errors.append(f"no disclosure document (with 索引号) titled {query.index_number_of}")
                continue
            text = page.index_number
        resolved.append((query, text, expectations))
    return resolved, errors


def first_rank(hits, expectations):
    for position, hit in enumerate(hits, start=1):
        if any(expectation.matches(hit.document) for expectation in expectations):
            return position
    return None


def run_queries(resolved, limit=LIMIT):
    from search.engine import search

    rows, errors = [], []
    for query, text, expectations in resolved:
        started = time.perf_counter()
        try:
            results = search(text, scope="group", kinds=query.kinds or None, limit=limit)
        except Exception as error:  # noqa: BLE001 - a crash is reported, the others still run
            errors.append(f"{text}: search raised {type(error).__name__}: {error}")
            continue
        elapsed = time.perf_counter() - started
        rank = first_rank(results.hits, expectations)
        direct_rank = first_rank(results.direct, expectations)
        rows.append(
            {
                "query": text,
                "needs": query.needs,
                "note": query.note,
                "expected": list(query.expected),
                "rank": rank,
                "direct_rank": direct_rank,
                "total": results.total,
                "match_all": getattr(results, "match_all", None),
                "terms": list(results.terms),
                "suggestion": results.suggestion,
                "top": [
                    {
                        "title": hit.document.title,
                        "kind": hit.document.kind,
                        "source": hit.document.source,
                        "site": sorted(document_labels(hit.document)),
                        "score": round(hit.score, 4),
                    }
                    for hit in results.hits
                ],
                "direct": [hit.document.title for hit in results.direct],
                "ms": round(elapsed * 1000, 1),
            }
        )
    return rows, errors


def search_code():
    """A digest of search/*.py: the engine changes while the git commit stays the same."""
    digest = hashlib.sha1()
    for path in sorted((ROOT / "search").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def synonym_groups():
    from search.models import Synonym

    return list(Synonym.objects.filter(enabled=True).values_list("words", flat=True))


def score(rows):
    count = len(rows)
    if not count:
        return {"queries": 0}

    def share(k):
        return round(sum(1 for row in rows if row["rank"] and row["rank"] <= k) / count, 3)

    return {
        "queries": count,
        "hit@1": share(1),
        "hit@3": share(3),
        "hit@10": share(10),
        "mrr": round(sum(1 / row["rank"] for row in rows if row["rank"]) / count, 3),
        "direct": sum(1 for row in rows if row["direct_rank"]),
        "misses": [row["query"] for row in rows if not row["rank"]],
    }


# --- Output ------------------------------------------------------------------------------------


def width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def cut(text, columns):
    """`text` padded or cut (with …) to `columns` terminal columns."""
    out, used = "", 0
    for char in text:
        size = width(char)
        if used + size > columns - 1 and width(text) > columns:
            return out + "…" + " " * (columns - used - 1)
        out += char
        used += size
    return out + " " * (columns - used)


def print_table(rows, totals):
    print()
    print(f"{cut('query', 24)} {'rank':>4} {'直达':>4} {cut('expected (first)', 34)} top 3")
    for row in rows:
        rank = str(row["rank"]) if row["rank"] else "-"
        direct = str(row["direct_rank"]) if row["direct_rank"] else ""
        top = " | ".join(cut(item["title"], 22).rstrip() for item in row["top"][:3]) or "（无结果）"
        print(f"{cut(row['query'], 24)} {rank:>4} {direct:>4} {cut(row['expected'][0], 34)} {top}")
    print()
    print(
        f"queries {totals['queries']}  hit@1 {totals['hit@1']:.3f}  hit@3 {totals['hit@3']:.3f}  "
        f"hit@10 {totals['hit@10']:.3f}  MRR {totals['mrr']:.3f}  in 直达 box {totals['direct']}"
    )
    if totals["misses"]:
        print("not in the top 10: " + "、".join(totals["misses"]))
    print()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--var-dir", type=Path, default=DEFAULT_VAR_DIR, help="PORTAL_VAR_DIR (default bench/var-search)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the search index first")
    parser.add_argument(
        "--add-synonyms",
        action="store_true",
        help="add the starter synonym groups of bench/search_queries.py (kept in the database) and rebuild",
    )
    parser.add_argument("--json", type=Path, help="write the JSON here instead of bench/results/")
    return parser.parse_args()


def main():
    args = parse_args()
    var_dir = args.var_dir.resolve()
    log(f"database: {load.database_label() if os.environ.get('DATABASE_URL') else var_dir / 'db.sqlite3'}")
    timings = prepare(var_dir, rebuild=args.rebuild, synonyms=args.add_synonyms)
    counts = database_counts()
    log(f"index: {counts['documents']} documents {counts['documents_by_kind']}, {counts['pages']} pages")
    log(f"synonym groups: {len(synonym_groups())}")
    resolved, errors = resolve()
    rows, search_errors = run_queries(resolved)
    errors += search_errors
    totals = score(rows)
    print_table(rows, totals)
    from search.engine import get_backend

    report = {
        "benchmark": "search-relevance",
        "date": datetime.now().isoformat(timespec="seconds"),
        "git": load.git_state(),
        "search_code": search_code(),
        "backend": get_backend().name,
        "database": counts,
        "synonym_groups": synonym_groups(),
        "prepare_seconds": {name: round(value, 1) for name, value in timings.items()},
        "limit": LIMIT,
        "totals": totals,
        "queries": rows,
        "errors": errors,
    }
    path = args.json or RESULTS_DIR / f"search-relevance-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    log(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
