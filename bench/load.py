"""`make bench`: a small, self-contained load test of the production stack (gunicorn + WSGI app).

Steps (all on 127.0.0.1, bounded in time and in request count):

1. prepare bench/var/ (PORTAL_VAR_DIR): migrate, seed_demo --quiet-accounts (idempotent), collectstatic;
2. find the URLs: the portal home page and one live article on the jyj (教育局) site;
3. for each URL: start gunicorn (production settings), wait until every worker has loaded the app,
   send the first --cold requests one after another ("cold"), then --concurrency clients for
   --duration seconds ("warm"), stop gunicorn;
4. print a table and write it as JSON into bench/results/<timestamp>.json.

Only the standard library is used on the client side. DATABASE_URL / REDIS_URL are passed through,
so with DATABASE_URL set the benchmark runs against PostgreSQL (use a throw-away database: seed_demo
writes to it and sets every site's port to the benchmark port).
"""

import argparse
import http.client
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VAR_DIR = BENCH_DIR / "var"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"
PORTAL_DOMAIN = os.environ.get("PORTAL_DOMAIN", "jimo.localhost")
ARTICLE_UNIT = "jyj"
STOP = threading.Event()  # set on Ctrl-C / SIGTERM: the load threads finish their request and quit
URL_MARKER = "BENCH_ARTICLE_URL="
COUNT_MARKER = "BENCH_ARTICLE_COUNT="

# gunicorn config generated into bench/var/: each worker drops a marker file once the WSGI app is
# loaded, so "ready" can be detected without sending a single HTTP request (which would warm it up).
GUNICORN_CONF = """\
import os
from pathlib import Path

_READY_DIR = Path(os.environ["BENCH_READY_DIR"])


def post_worker_init(worker):
    (_READY_DIR / str(worker.pid)).touch()
"""

FIND_ARTICLE = f"""
from home.models import Organisation
from subsite_pages.models import ArticlePage
site = Organisation.objects.get(label={ARTICLE_UNIT!r}).site
pages = ArticlePage.objects.live().public().descendant_of(site.root_page)
page = pages.order_by("-publish_date", "-pk").first()
print({COUNT_MARKER!r} + str(ArticlePage.objects.live().count()))
print({URL_MARKER!r} + (page.get_url_parts()[2] if page else ""))
"""


def parse_args():
    parser = argparse.ArgumentParser(description="Load test: gunicorn + production settings, loopback only.")
    parser.add_argument("--scale", type=int, default=0, help="passed to seed_demo --scale (extra units)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn --workers (default 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="gunicorn --threads; >1 uses the gthread worker (default 1: sync)",
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of the warm phase (default 15)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients in the warm phase (default 8)")
    parser.add_argument(
        "--cold", type=int, default=20, help="sequential requests in the cold phase (default 20)"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=100_000,
        help="upper bound of requests per warm phase (default 100000)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request socket timeout in seconds")
    args = parser.parse_args()
    if args.scale < 0 or args.workers < 1 or args.threads < 1 or args.concurrency < 1 or args.cold < 1:
        parser.error("--scale must be >= 0; --workers, --threads, --concurrency and --cold must be >= 1")
    if not 0 < args.duration <= 600:
        parser.error("--duration must be in (0, 600] seconds")
    return args


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def child_env(port):
    env = dict(os.environ)
    # Everything the benchmark writes lives in bench/var/ (unless DATABASE_URL points elsewhere).
    for name in ("STATIC_ROOT", "MEDIA_ROOT", "GUNICORN_CMD_ARGS", "DEBUG"):
        env.pop(name, None)
    env.update(
        PORTAL_VAR_DIR=str(VAR_DIR),
        DJANGO_SETTINGS_MODULE="portal_project.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_COOKIES="0",
        ALLOWED_HOSTS=f".{PORTAL_DOMAIN},127.0.0.1",
        PORTAL_PORT=str(port),
        BENCH_READY_DIR=str(VAR_DIR / "run" / "ready"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *arguments, shown=None):
    """Runs manage.py quietly; its output is shown only when it fails."""
    log("$ manage.py " + (shown or " ".join(arguments)))
    command = [PYTHON, "manage.py", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {arguments[0]} failed (exit {result.returncode})")
    return result.stdout


def prepare(env, scale):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "run").mkdir(exist_ok=True)
    (VAR_DIR / "run" / "gunicorn_conf.py").write_text(GUNICORN_CONF, encoding="utf-8")
    manage(env, "migrate", "--noinput", "-v", "0")
    seed = ["seed_demo", "--quiet-accounts"] + (["--scale", str(scale)] if scale else [])
    started = time.monotonic()
    output = manage(env, *seed)
    summary = [line.strip() for line in output.splitlines() if line.startswith("新增信息")]
    log(f"seed_demo took {time.monotonic() - started:.1f} s {' '.join(summary)}")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    output = manage(
        env, "shell", "-c", FIND_ARTICLE, shown=f"shell -c <find a live article on {ARTICLE_UNIT}>"
    )
    values = {}
    for line in output.splitlines():
        for marker in (URL_MARKER, COUNT_MARKER):
            if line.startswith(marker):
                values[marker] = line[len(marker) :].strip()
    if not values.get(URL_MARKER):
        raise SystemExit(f"no live ArticlePage found on the {ARTICLE_UNIT} site")
    return values[URL_MARKER], int(values.get(COUNT_MARKER) or 0)


class Server:
    """One gunicorn master; stopped with SIGTERM (graceful), SIGKILL after a grace period."""

    def __init__(self, env, port, workers, threads):
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.process = None
        self.log_path = VAR_DIR / "gunicorn.log"
        self.ready_dir = Path(env["BENCH_READY_DIR"])

    def start(self, timeout=120):
        self.ready_dir.mkdir(parents=True, exist_ok=True)
        for marker in self.ready_dir.iterdir():
            marker.unlink()
        command = [
            str(GUNICORN),
            "portal_project.wsgi:application",
            "--config",
            str(VAR_DIR / "run" / "gunicorn_conf.py"),
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "60",
            # gunicorn >= 26 otherwise opens a control socket in ~/.gunicorn/, shared by every instance.
            "--no-control-socket",
        ]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        with open(self.log_path, "a", encoding="utf-8") as log_file:
            log_file.write(f"\n==== {datetime.now().isoformat(timespec='seconds')} {' '.join(command)}\n")
            log_file.flush()
            # Own session: Ctrl-C reaches only this script, which then stops gunicorn gracefully.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            ready = sum(1 for _ in self.ready_dir.iterdir())
            if ready >= self.workers and self._accepts():
                boot = time.monotonic() - started
                log(f"gunicorn pid {self.process.pid} ready on {HOST}:{self.port} after {boot:.1f} s")
                return boot
            time.sleep(0.05)
        raise SystemExit(f"gunicorn did not become ready within {timeout} s; see {self.log_path}")

    def _accepts(self):
        try:
            with socket.create_connection((HOST, self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self, grace=30):
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        log(f"gunicorn pid {self.process.pid} stopped (exit {self.process.returncode})")
        self.process = None


class Client:
    """One keep-alive HTTP/1.1 connection (http.client reconnects when the server closes it)."""

    def __init__(self, port, host_header, timeout):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.headers = {"Host": host_header, "User-Agent": "jimo-bench/1", "Connection": "keep-alive"}
        self.connects = 0

    def get(self, path):
        """Returns (status or error name, seconds, body bytes)."""
        if self.connection.sock is None:
            self.connects += 1
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=self.headers)
            response = self.connection.getresponse()
            body = response.read()
            return response.status, time.perf_counter() - started, len(body)
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return type(error).__name__, time.perf_counter() - started, 0

    def close(self):
        self.connection.close()


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


def summarise(label, phase, samples, elapsed, connects, concurrency):
    latencies = sorted(seconds for _status, seconds, _size in samples)
    statuses = {}
    for status, _seconds, _size in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    errors = sum(count for status, count in statuses.items() if status != "200")
    sizes = [size for status, _seconds, size in samples if status == 200]

    def ms(value):
        return round(value * 1000, 1) if value is not None else None

    return {
        "url": label,
        "phase": phase,
        "concurrency": concurrency,
        "requests": len(samples),
        "seconds": round(elapsed, 3),
        "req_per_s": round(len(samples) / elapsed, 1) if elapsed > 0 else None,
        "p50_ms": ms(percentile(latencies, 0.50)),
        "p95_ms": ms(percentile(latencies, 0.95)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "first_ms": ms(samples[0][1]) if samples else None,
        "errors": errors,
        "statuses": statuses,
        "connections": connects,
        "body_bytes": max(sizes) if sizes else 0,
        "cpu": None,
        # Cold phase: every request, in order (ms).
        "latencies_ms": [ms(seconds) for _status, seconds, _size in samples] if phase == "cold" else None,
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_pids(master_pid):
    """The gunicorn master and its workers (Linux /proc; empty elsewhere)."""
    pids = [master_pid]
    try:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
                    pids.append(int(entry.name))
    except OSError:
        return []
    return pids


def cpu_snapshot(master_pid):
    """CPU seconds so far: whole machine (busy), gunicorn (master + workers), this client. None off Linux."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        machine = (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS  # minus idle and iowait
        server = 0.0
        for pid in server_pids(master_pid):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            server += (int(stat[11]) + int(stat[12])) / CLOCK_TICKS  # utime + stime
    except (OSError, ValueError, IndexError):
        return None
    times = os.times()
    return {"machine": machine, "server": server, "client": times.user + times.system}


def busy_cores(seconds=1.0):
    """Cores the whole machine keeps busy over a short sample (None off Linux)."""
    before = cpu_snapshot(os.getpid())
    time.sleep(seconds)
    after = cpu_snapshot(os.getpid())
    if before is None or after is None:
        return None
    return round((after["machine"] - before["machine"]) / seconds, 2)


def cpu_usage(before, after, elapsed, requests):
    """Cores used during a phase by gunicorn, by this load generator and by everything else."""
    if before is None or after is None or elapsed <= 0:
        return None
    used = {key: max(0.0, after[key] - before[key]) for key in before}
    other = max(0.0, used["machine"] - used["server"] - used["client"])
    return {
        "cores_available": os.cpu_count(),
        "server_cores": round(used["server"] / elapsed, 2),
        "client_cores": round(used["client"] / elapsed, 2),
        "other_cores": round(other / elapsed, 2),
        "server_cpu_ms_per_request": round(used["server"] * 1000 / requests, 1) if requests else None,
    }


def cold_phase(port, host_header, path, count, timeout):
    client = Client(port, host_header, timeout)
    samples = []
    started = time.perf_counter()
    try:
        for _ in range(count):
            samples.append(client.get(path))
    finally:
        client.close()
    return samples, time.perf_counter() - started, client.connects


def warm_phase(port, host_header, path, concurrency, duration, max_requests, timeout):
    lock = threading.Lock()
    issued = [0]
    per_thread = [[] for _ in range(concurrency)]
    connects = [0] * concurrency
    barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(index):
        client = Client(port, host_header, timeout)
        barrier.wait()
        try:
            while not STOP.is_set() and time.perf_counter() < deadline[0]:
                with lock:
                    if issued[0] >= max_requests:
                        break
                    issued[0] += 1
                per_thread[index].append(client.get(path))
        finally:
            connects[index] = client.connects
            client.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + duration
    barrier.wait()
    for thread in threads:
        thread.join(timeout=duration + timeout + 5)
    elapsed = time.perf_counter() - started
    samples = [sample for samples in per_thread for sample in samples]
    return samples, elapsed, sum(connects)


def print_table(rows):
    headers = ["URL", "phase", "requests", "req/s", "p50 ms", "p95 ms", "max ms", "errors"]
    keys = ["url", "phase", "requests", "req_per_s", "p50_ms", "p95_ms", "max_ms", "errors"]
    table = [headers] + [["" if row[key] is None else str(row[key]) for key in keys] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    print()
    for number, line in enumerate(table):
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(line)]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    for row in rows:
        other = {status: count for status, count in row["statuses"].items() if status != "200"}
        if other:
            print(f"  ! {row['url']} {row['phase']}: non-200 responses {other}")
    print()


def machine_info():
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def git_state():
    """The commit measured, and whether the working tree had changes (None without git)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def database_label():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite ({VAR_DIR.relative_to(ROOT) / 'db.sqlite3'})"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def main():
    args = parse_args()
    port = free_port()
    env = child_env(port)
    server = Server(env, port, args.workers, args.threads)

    def interrupt(*_args):
        raise KeyboardInterrupt

    # Explicit handlers: SIGINT may be ignored when started from a non-interactive shell.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        article_path, article_count = prepare(env, args.scale)
        load_before = os.getloadavg()
        busy_before = busy_cores()
        log(
            f"before measuring: {busy_before} of {os.cpu_count()} cores busy (1 s sample); "
            f"load average {load_before[0]:.2f} (1 min, includes the preparation above)"
        )
        if busy_before is not None and busy_before > 0.5:
            log("warning: other processes are using the CPU; they will skew the figures")
        targets = [
            (f"www.{PORTAL_DOMAIN}", "/"),
            (f"{ARTICLE_UNIT}.{PORTAL_DOMAIN}", article_path),
        ]
        rows, boots = [], []
        for host_header, path in targets:
            label = f"http://{host_header}{path}"
            log(f"{label}: starting a fresh gunicorn for the cold phase")
            boots.append(round(server.start(), 2))
            master = server.process.pid
            before = cpu_snapshot(master)
            samples, elapsed, connects = cold_phase(port, host_header, path, args.cold, args.timeout)
            rows.append(summarise(label, "cold", samples, elapsed, connects, 1))
            rows[-1]["cpu"] = cpu_usage(before, cpu_snapshot(master), elapsed, len(samples))
            log(f"{label}: cold done, first request {rows[-1]['first_ms']} ms")
            log(f"{label}: warm phase, {args.concurrency} clients for {args.duration:g} s")
            before = cpu_snapshot(master)
            samples, elapsed, connects = warm_phase(
                port, host_header, path, args.concurrency, args.duration, args.max_requests, args.timeout
            )
            rows.append(summarise(label, "warm", samples, elapsed, connects, args.concurrency))
            cpu = rows[-1]["cpu"] = cpu_usage(before, cpu_snapshot(master), elapsed, len(samples))
            if cpu:
                log(
                    f"{label}: warm CPU use of {cpu['cores_available']} cores: gunicorn {cpu['server_cores']}, "
                    f"load generator {cpu['client_cores']}, other processes {cpu['other_cores']}; "
                    f"{cpu['server_cpu_ms_per_request']} ms gunicorn CPU per request"
                )
            server.stop()
    except KeyboardInterrupt:
        STOP.set()
        log("interrupted")
        return 130
    finally:
        server.stop()

    print_table(rows)
    load_after = os.getloadavg()
    log(f"load average after measuring: {load_after[0]:.2f} (1 min)")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now()
    report = {
        "timestamp": stamp.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "git": git_state(),
        "config": {
            "server": "gunicorn",
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread" if args.threads > 1 else "sync",
            "settings": "portal_project.settings.production",
            "database": database_label(),
            "cache": "redis" if os.environ.get("REDIS_URL") else "locmem",
            "cold_requests": args.cold,
            "warm_concurrency": args.concurrency,
            "warm_duration_s": args.duration,
            "scale": args.scale,
            "live_articles": article_count,
            "gunicorn_boot_s": boots,
        },
        # Other processes skew the figures: see busy_cores_before and each row's cpu.other_cores.
        "load_average_1m": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
        "busy_cores_before": busy_before,
        "results": rows,
    }
    path = RESULTS_DIR / f"{stamp.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"written {path.relative_to(ROOT)}")
    errors = sum(row["errors"] for row in rows)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
