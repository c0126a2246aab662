"""Measure the portal under load: every page with wrk against gunicorn; one table, also saved as JSON.

``manage.py bench_run --port 8765`` (the Makefile calls it) serves the portal
with gunicorn three times, once per phase (``PHASES``): as deployed; with the
whole-page cache off (``PAGE_CACHE=0``: every anonymous page built cold); and
with every cache off (``PARTS_CACHE=0`` too: the parts kept for everyone are
built for each visit as well). In each it measures:

- each page's requests per second and exact p50/p99 latency at 16
  connections, with wrk (2 threads). wrk is a small C program: a Python load
  generator would take much of the 2 cores the workers need and measure itself;
- errors: socket errors, timeouts, and responses outside 2xx/3xx;
- worker CPU milliseconds per request: the gunicorn workers' user+system
  time, read from /proc/<pid>/stat before and after each run, divided by the
  requests served. Unlike latency it hardly depends on what else the machine
  is doing, so it is the figure to compare between runs. The database's CPU
  (the embedded PostgreSQL server's processes) is counted the same way, and
  what the rest of the machine used meanwhile is recorded, so that a noisy run
  can be told from a slow page;
- SQL queries per request, cold and warm, counted in this process with
  Django's test client against the same database and settings: the first
  request after the cache table is emptied (cold), then the same request again
  (warm); every query counts, cache reads included, as ``assertNumQueries``
  counts them;
- each page's rate as a share of the ceiling (bench/views.py), measured at the
  start and at the end of the same run;
- Chinese search latency with one connection and no cache over 50 distinct
  queries, common and rare words, in this process (the cache is emptied before
  each request);
- the staff dashboard's response time with one connection;
- the slowest SQL query of each page's cold build: every SELECT the build made
  is run again under ``EXPLAIN (ANALYZE, BUFFERS)``, and the one that took
  PostgreSQL longest is reported with its plan.
"""

import http.client
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from time import perf_counter
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from bench import seed, text
from community import pagecopy, search, signedin
from community.models import Grid, PartyBranch, User
from news import reads
from news.models import ARTICLES_PER_PAGE, Article, Column
from tests.signing_in import sign_in
from volunteers.models import TeamMembership
from wishes.models import Wish

CLK_TCK = os.sysconf("SC_CLK_TCK")
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"
PROXY_HEADER = ("X-Forwarded-Proto", "https")
COLUMN_PAGE = 500
CACHED, PAGE_CACHE_OFF, NO_CACHE = "cached", "page cache off", "no cache"
# Each phase serves the portal with these settings (environment variables for gunicorn, settings for the
# in-process query counts).
PHASES = {
    CACHED: {"env": {}, "settings": {}},
    PAGE_CACHE_OFF: {
        "env": {"PAGE_CACHE": "0"},
        "settings": {"PAGE_CACHE_ENABLED": False, "PAGE_COPY_ENABLED": False},
    },
    NO_CACHE: {
        "env": {"PAGE_CACHE": "0", "PARTS_CACHE": "0", "SIGNED_IN_COPY": "0"},
        "settings": {
            "PAGE_CACHE_ENABLED": False,
            "PAGE_COPY_ENABLED": False,
            "CACHED_PARTS_ENABLED": False,
            "PARTS_COPY_ENABLED": False,
            "SIGNED_IN_COPY_ENABLED": False,
        },
    },
}


@dataclass
class Target:
    """A page to measure, who asks for it ("anonymous", "resident" or "staff") and in which phase."""

    name: str
    path: str
    who: str = "anonymous"
    note: str = ""
    phase: str = CACHED
    results: dict = field(default_factory=dict)


def pick_targets():
    """The pages of issue #9, with real slugs and ids from the seeded data."""
    column, articles = _biggest_column()
    pages = math.ceil(articles / ARTICLES_PER_PAGE)
    page = min(COLUMN_PAGE, pages)
    article = (
        Article.objects.published()
        .filter(cover__isnull=False, body__contains="<figure")
        .order_by("-publish_at")
        .only("pk")
        .first()
    )
    wish = Wish.objects.filter(status=Wish.Status.CONFIRMED).exclude(thanks="").order_by("-created").only("pk").first()
    team = (
        TeamMembership.objects.filter(status=TeamMembership.Status.ACCEPTED)
        .values("team")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    common, rare = "志愿者", "助听器"  # in tens of thousands of articles, and in about a hundred (bench/text.py)
    search_url = "/news/search/?q="
    grid = Grid.objects.order_by("order", "pk").first()
    branch = PartyBranch.objects.order_by("pk").first()
    public = [
        Target("home", "/"),
        Target("column, page 1", f"/news/column/{column.slug}/", note=f"{column.name}: {articles} articles"),
        Target(f"column, page {page}", f"/news/column/{column.slug}/?page={page}", note=f"of {pages} pages"),
        Target("article", f"/news/{article.pk}/", note="with a cover and a photo in the body"),
        Target("search, common word", search_url + quote(common), note=f"q={common}: {_matches(common)} matches"),
        Target("search, rare word", search_url + quote(rare), note=f"q={rare}: {_matches(rare)} matches"),
        Target("wish wall", "/wishes/"),
        Target("wish wall, filtered", "/wishes/?category=health&status=published"),
        Target("wish", f"/wishes/{wish.pk}/", note="confirmed, with its timeline"),
        Target("team", f"/volunteers/teams/{team['team']}/", note=f"{team['n']} members"),
        Target("honour roll", "/volunteers/honour-roll/"),
        Target("red whistle board", "/whistles/"),
    ]
    if grid is not None:
        public.append(Target("grid", reverse("grid", kwargs={"pk": grid.pk})))
    if branch is not None:
        public.append(Target("party branch", reverse("party:branch", kwargs={"pk": branch.pk})))
    signed_in = [
        Target(f"{page.name} ({who})", page.path, who=who, note=page.note)
        for who in ("resident", "staff")
        for page in public
        if page.name in ("home", "wish wall", "wish", "team")
    ]
    workbench = [Target(f"我的 ({who})", "/me/", who=who) for who in ("resident", "staff")]
    return [
        *public,
        *signed_in,
        *workbench,
        Target("dashboard (staff)", "/staff/dashboard/", who="staff"),
        *[Target(page.name, page.path, note=page.note, phase=PAGE_CACHE_OFF) for page in public],
        *[
            Target(page.name, page.path, who=page.who, note=page.note, phase=NO_CACHE)
            for page in [*public[:1], public[6], *signed_in, *workbench]
        ],
    ]


def _biggest_column():
    top = (
        Article.objects.published()
        .values(top=Coalesce("column__parent_id", "column_id"))
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return Column.objects.get(pk=top["top"]), top["n"]


def _matches(word):
    """How many published articles match ``word`` (the search itself ranks only the newest SEARCH_RANK_WINDOW)."""
    words = search.query_words(word)
    query = SearchQuery(search.tsquery_text(words), config=search.SEARCH_CONFIG, search_type="plain")
    return Article.objects.published().filter(search_vector=query).count()


# --- Visitors --------------------------------------------------------------------------------------


class Visitors:
    """A test client for each kind of visitor, and the cookies wrk sends as the same kinds of visitor."""

    def __init__(self, host):
        self.host = host
        accounts = {"resident": seed.RESIDENT_USERNAME, "staff": seed.STAFF_USERNAME}
        self.users = {who: User.objects.get(username=username) for who, username in accounts.items()}
        self.clients = {"anonymous": self.client()} | {who: self.client(user) for who, user in self.users.items()}
        self.cookies = {"anonymous": ""} | {who: self._cookie(user) for who, user in self.users.items()}

    def client(self, user=None):
        client = Client(headers={"host": self.host, PROXY_HEADER[0]: PROXY_HEADER[1]})
        if user is not None:
            sign_in(client, user)  # with the second step, for staff who must give one
        return client

    def _cookie(self, user):
        """A session of its own (as after the login form), and the CSRF cookie a page with a form gave it."""
        client = self.client(user)
        client.get("/me/profile/")
        return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items() if morsel.value)


# --- Reading CPU time from /proc --------------------------------------------------------------------


def children(pid):
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def cpu_ticks(pids, *, with_reaped_children=()):
    """{pid: user+system clock ticks} from /proc/<pid>/stat (fields 14 and 15).

    For the processes in ``with_reaped_children``, the time of their children
    that ended is added (fields 16 and 17): PostgreSQL's parallel query workers
    come and go within a request, and their time lands on the postmaster.
    """
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        ticks[pid] = int(fields[11]) + int(fields[12])
        if pid in with_reaped_children:
            ticks[pid] += int(fields[13]) + int(fields[14])
    return ticks


def machine_busy_ticks():
    """Clock ticks all CPUs spent on anything but idling, from the first line of /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return sum(values[:8]) - idle - iowait


def postgres_ticks():
    """{pid: ticks} of the embedded PostgreSQL server's processes, the ended ones included."""
    pids = postgres_pids()
    return cpu_ticks(pids, with_reaped_children=pids[:1])


def postgres_pids():
    """The embedded PostgreSQL server's processes (the postmaster first), if the benchmark database is on it."""
    pid_file = Path(settings.DATA_DIR) / "pg" / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return []
    if len(lines) < 5 or lines[4].strip() != settings.DATABASES["default"].get("HOST"):
        return []  # the benchmark runs against another server: its CPU is not ours to read
    postmaster = int(lines[0])
    return [postmaster, *children(postmaster)]


class CpuMeter:
    """CPU used by the gunicorn workers, PostgreSQL, wrk and everything else between start() and stop()."""

    def __init__(self, master_pid):
        self.master_pid = master_pid

    def _snapshot(self):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "at": time.monotonic(),
            "workers": cpu_ticks(children(self.master_pid)),
            "postgres": postgres_ticks(),
            "wrk": (usage.ru_utime + usage.ru_stime) * CLK_TCK,
            "machine": machine_busy_ticks(),
        }

    def start(self):
        self.before = self._snapshot()

    def wait_until_idle(self, timeout=120):
        """Wait until the workers and PostgreSQL have used no CPU for a moment.

        When wrk stops, requests it sent are still queued in gunicorn (up to
        one per connection; seconds of work for a slow page); they must not
        count against the next page.
        """
        deadline, quiet, last = time.monotonic() + timeout, 0, None
        while quiet < 3 and time.monotonic() < deadline:
            ticks = sum(cpu_ticks(children(self.master_pid)).values()) + sum(postgres_ticks().values())
            quiet = quiet + 1 if last is not None and ticks - last <= 1 else 0
            last = ticks
            time.sleep(0.2)

    def stop(self, requests):
        after, before = self._snapshot(), self.before
        # Totals, not per process: a PostgreSQL process that ended meanwhile left its whole time on
        # the postmaster, and what it had used before the start is in the first total.
        workers = sum(after["workers"].values()) - sum(before["workers"].values())
        postgres = sum(after["postgres"].values()) - sum(before["postgres"].values())
        wrk = after["wrk"] - before["wrk"]
        machine = after["machine"] - before["machine"]
        available = (after["at"] - before["at"]) * CLK_TCK * os.cpu_count()
        per_request = 1000 / CLK_TCK / max(requests, 1)
        return {
            "worker_cpu_ms": round(workers * per_request, 2),
            "db_cpu_ms": round(postgres * per_request, 2) if after["postgres"] else None,
            "machine_busy_percent": round(100 * machine / available, 1),
            "other_cpu_percent": round(100 * max(0, machine - workers - postgres - wrk) / available, 1),
            "workers_restarted": set(after["workers"]) != set(before["workers"]),
        }


# --- wrk ----------------------------------------------------------------------------------------------


def wrk(url, *, connections, seconds, cookie=""):
    """One wrk run; returns the figures bench/wrk/report.lua prints."""
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        "-H",
        f"{PROXY_HEADER[0]}: {PROXY_HEADER[1]}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")


def load(base_url, target, cookie, meter, *, connections, seconds):
    """Load one page and return its figures."""
    meter.wait_until_idle()
    meter.start()
    figures = wrk(base_url + target.path, connections=connections, seconds=seconds, cookie=cookie)
    requests = figures["requests"]
    errors = sum(figures[kind] for kind in ("connect_errors", "read_errors", "write_errors", "status_errors"))
    return {
        "connections": connections,
        "requests": requests,
        "rps": round(requests / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p90_ms": round(figures["p90_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "max_ms": round(figures["max_us"] / 1000, 1),
        "errors": errors + figures["timeouts"],
        "non_2xx_3xx": figures["status_errors"],
        "timeouts": figures["timeouts"],
        **meter.stop(requests),
    }


def fetch(base_url, path, cookie=""):
    """One request through gunicorn, as wrk sends it: (status, body size, Location)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {PROXY_HEADER[0]: PROXY_HEADER[1]} | ({"Cookie": cookie} if cookie else {})
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body), response.getheader("Location", "")


class Gunicorn:
    """The portal served by gunicorn (2 sync workers) on ``port``, with a phase's settings on top of ours."""

    def __init__(self, port, log):
        self.base_url = f"http://127.0.0.1:{port}"
        self.port, self.log, self.process = port, log, None

    def start(self, overrides):
        command = [sys.executable, "-m", "gunicorn", "community.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "2", "--worker-class", "sync", "--timeout", "30"]
        command += ["--capture-output", "--error-logfile", str(self.log)]
        self.process = subprocess.Popen(command, env=os.environ | overrides)
        wait_until_ready(self.base_url, self.process.pid)
        return self.process.pid

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.process = None


def wait_until_ready(base_url, master_pid, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        if not Path(f"/proc/{master_pid}").exists():
            raise RuntimeError("gunicorn stopped; see .data/bench/gunicorn.log (is the port taken?)")
        try:
            if fetch(base_url, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer {base_url}/healthz within {seconds} s")
        time.sleep(0.5)


# --- Queries and in-process timings ------------------------------------------------------------------


def count_queries(client, path):
    """(cold, warm, slowest): queries of the first request after the cache is emptied, of the next one, and the
    cold build's slowest SELECT as PostgreSQL ran it (``slowest_select``).

    A first, uncounted request primes what is not the cache: the process's
    lazy set-up and a staff session's once-a-minute refresh. The article read
    buffer is emptied first, so that its one write per 500 reads stays out.
    """
    client.get(path)
    reads.buffer.flush()
    cache.clear()
    pagecopy.pages.clear()  # this process's own copies of kept pages and parts, sessions and people, too
    pagecopy.parts.clear()
    signedin.forget()
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    return len(cold), len(warm), slowest_select([query["sql"] for query in cold.captured_queries])


def slowest_select(statements):
    """The SELECT among ``statements`` that PostgreSQL takes longest to run, by ``EXPLAIN (ANALYZE, BUFFERS)``:
    {"ms": execution time, "sql": the statement, "plan": the plan}, or None.

    Only reads are explained (EXPLAIN ANALYZE runs the statement), in a
    transaction rolled back afterwards all the same.
    """
    slowest = None
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in statements:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
                ms = next(
                    (float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time")), 0.0
                )
                if slowest is None or ms > slowest["ms"]:
                    slowest = {"ms": round(ms, 2), "sql": sql, "plan": "\n".join(plan)}
        transaction.set_rollback(True)
    return slowest


def percentile(values, p):
    """The nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def search_latency(client, words, rounds=3):
    """Search timings (ms) for each word, ``rounds`` times, the cache emptied before each request."""
    client.get("/news/search/", {"q": words[0]})  # jieba's dictionary loads on the first search
    samples, slowest = [], {}
    # What the rest of the machine did meanwhile: figures count when it is under 10 %.
    busy, own, database, began = machine_busy_ticks(), _own_ticks(), sum(postgres_ticks().values()), time.monotonic()
    for _ in range(rounds):
        for word in words:
            cache.clear()
            started = perf_counter()
            response = client.get("/news/search/", {"q": word})
            elapsed = (perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"Search for {word!r} answered {response.status_code}")
            samples.append(elapsed)
            slowest[word] = max(slowest.get(word, 0), elapsed)
    available = (time.monotonic() - began) * CLK_TCK * os.cpu_count()
    others = (machine_busy_ticks() - busy) - (_own_ticks() - own) - (sum(postgres_ticks().values()) - database)
    return {
        "other_cpu_percent": round(100 * max(0, others) / available, 1),
        "queries": len(words),
        "requests": len(samples),
        "connections": 1,
        "p50_ms": round(percentile(samples, 50), 1),
        "p99_ms": round(percentile(samples, 99), 1),
        "max_ms": round(max(samples), 1),
        "slowest": [(word, round(ms, 1)) for word, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]],
    }


def _own_ticks():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * CLK_TCK


# --- The run --------------------------------------------------------------------------------------------


def measure(*, server, seconds, warmup, connections, out, only=()):
    """Measure every page in each phase (or those whose name contains one of ``only``), serving with ``server``
    (a ``Gunicorn``); return the results."""
    started = datetime.now().astimezone()
    targets = [target for target in pick_targets() if not only or any(part in target.name for part in only)]
    ceiling = Target("ceiling", "/bench/ceiling/", note="one query, 20 rows, minimal template")
    # The ceiling uses no cache: measured first and last, it shows how much the machine drifted meanwhile.
    ceiling_end = Target("ceiling (again, at the end)", ceiling.path, note=ceiling.note, phase=NO_CACHE)
    everything = [ceiling, *targets, ceiling_end]
    visitors = Visitors(urlsplit(server.base_url).hostname)
    dashboard = {}
    for phase, setup in PHASES.items():
        pages = [target for target in everything if target.phase == phase]
        out(f"Phase: {phase} ({', '.join(f'{k}={v}' for k, v in setup['env'].items()) or 'as deployed'}) …")
        master_pid = server.start(setup["env"])
        try:
            if len(children(master_pid)) != 2:
                out(f"Warning: gunicorn has {len(children(master_pid))} workers, not 2.")
            with override_settings(**setup["settings"]):
                _measure_phase(pages, server.base_url, master_pid, visitors, seconds, warmup, connections, out)
            if phase == CACHED:
                out("The dashboard with one connection …")
                meter = CpuMeter(master_pid)
                for label, path in (
                    ("this month", "/staff/dashboard/"),
                    ("this year", "/staff/dashboard/?preset=this_year"),
                ):
                    dashboard[label] = load(
                        server.base_url,
                        Target(label, path),
                        visitors.cookies["staff"],
                        meter,
                        connections=1,
                        seconds=seconds,
                    )
        finally:
            server.stop()
    ceiling_rps = (ceiling.results["rps"] + ceiling_end.results["rps"]) / 2
    ceiling_p99 = (ceiling.results["p99_ms"] + ceiling_end.results["p99_ms"]) / 2
    for target in everything:
        target.results["percent_of_ceiling"] = round(100 * target.results["rps"] / ceiling_rps, 1)
        target.results["p99_vs_ceiling"] = round(target.results["p99_ms"] / ceiling_p99, 2)

    words = [*text.COMMON_QUERIES, *text.RARE_WORDS]
    out(f"Search latency: {len(words)} distinct queries, one connection, no cache …")
    # Neither the shared cache nor this process's copy of pages may answer: each search is built.
    with override_settings(**PHASES[NO_CACHE]["settings"]):
        search_timings = search_latency(visitors.clients["anonymous"], words)

    return {
        "started": started.isoformat(timespec="seconds"),
        "settings": {"connections": connections, "threads": 2, "seconds": seconds, "warmup_seconds": warmup},
        "machine": _machine(),
        "database": _database(),
        "ceiling": {"rps": round(ceiling_rps, 1), "p99_ms": round(ceiling_p99, 1)},
        "pages": [asdict(target) for target in everything],
        "dashboard_one_connection": dashboard,
        "search": search_timings,
    }


def _measure_phase(pages, base_url, master_pid, visitors, seconds, warmup, connections, out):
    """Check, count the queries of, warm up and load each of one phase's ``pages``."""
    meter = CpuMeter(master_pid)
    for target in pages:
        status, size, location = fetch(base_url, target.path, visitors.cookies[target.who])
        target.results.update(status=status, bytes=size, location=location)
    for target in pages:
        try:
            cold, warm, slowest = count_queries(visitors.clients[target.who], target.path)
            target.results.update(queries_cold=cold, queries_warm=warm, slowest_query=slowest)
        except Exception:
            target.results.update(
                queries_cold=None, queries_warm=None, slowest_query=None, error=traceback.format_exc()
            )
    for target in pages:
        wrk(base_url + target.path, connections=connections, seconds=warmup, cookie=visitors.cookies[target.who])
        meter.wait_until_idle()
    for target in pages:
        target.results.update(
            load(base_url, target, visitors.cookies[target.who], meter, connections=connections, seconds=seconds)
        )
        out(f"  {target.name}: {target.results['rps']} requests/s, p99 {target.results['p99_ms']} ms")


def _machine():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu": model, "load_average": os.getloadavg(), "commit": commit}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_setting('shared_buffers')")
        version, shared_buffers = cursor.fetchone()
        cursor.execute(f"SELECT seconds, counts FROM {seed.MARKER_TABLE} ORDER BY seeded_at DESC LIMIT 1")
        seconds, counts = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "name": settings.DATABASES["default"]["NAME"],
        "postgres": version,
        "shared_buffers": shared_buffers,
        "size": size,
        "seeding_seconds": round(seconds),
        "rows": json.loads(counts),
    }


# --- The table ------------------------------------------------------------------------------------------


def table(results):
    """The results as the fixed-width text table ``make bench`` prints: one block per phase."""
    head = (
        f"{'page':<30}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'CPU ms':>8}{'DB ms':>7}"
        f"{'queries':>9}{'SQL ms':>8}{'% ceil':>8}{'p99/ceil':>9}{'other%':>8}"
    )
    lines = [head, "-" * len(head)]
    phase = None
    for page in results["pages"]:
        r = page["results"]
        if page.get("phase", CACHED) != phase:
            phase = page.get("phase", CACHED)
            lines.append(f"[{phase}]")
        queries = "?" if r.get("queries_cold") is None else f"{r['queries_cold']}/{r['queries_warm']}"
        db = "-" if r["db_cpu_ms"] is None else f"{r['db_cpu_ms']:.1f}"
        slowest = r.get("slowest_query")
        sql = "-" if not slowest else f"{slowest['ms']:.1f}"
        flag = "" if r["status"] == 200 else f"  HTTP {r['status']}"
        lines.append(
            f"{page['name']:<30}{r['rps']:>8.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}"
            f"{r['worker_cpu_ms']:>8.1f}{db:>7}{queries:>9}{sql:>8}{r['percent_of_ceiling']:>7.0f}%"
            f"{r['p99_vs_ceiling']:>8.1f}×{r['other_cpu_percent']:>7.0f}%{flag}"
        )
    search, dashboard = results["search"], results["dashboard_one_connection"]
    lines += [
        "",
        "req/s, p50, p99: wrk, 2 threads, {connections} connections, {seconds} s per page, after a warm-up.".format(
            **results["settings"]
        ),
        "CPU ms / DB ms: gunicorn workers' / PostgreSQL's CPU time per request (/proc). queries: SQL queries per",
        "request, cold (cache emptied) / warm. SQL ms: PostgreSQL's execution time of the cold build's slowest",
        "query (EXPLAIN ANALYZE). % ceil, p99/ceil: against the mean of the two ceiling runs.",
        "other%: the machine's CPU used by anything but the workers, PostgreSQL and wrk during the run.",
        "Phases: cached = as deployed; page cache off = PAGE_CACHE=0; "
        "no cache = PAGE_CACHE=0 PARTS_CACHE=0 SIGNED_IN_COPY=0.",
        "",
        f"Search, {search['queries']} distinct queries ({search['requests']} requests), one connection, no cache: "
        f"p50 {search['p50_ms']} ms, p99 {search['p99_ms']} ms, max {search['max_ms']} ms; slowest: "
        + ", ".join(f"{word} {ms} ms" for word, ms in search["slowest"][:3])
        + f"; other load {search.get('other_cpu_percent', '?')} %",
    ]
    for label, r in dashboard.items():
        lines.append(
            f"Dashboard ({label}), one connection: p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
            f"{r['rps']} requests/s, {r['worker_cpu_ms']} ms worker CPU per request"
        )
    lines += _slow_queries(results["pages"])
    for page in results["pages"]:
        r = page["results"]
        if r["status"] != 200 or r.get("error") or r["errors"] or r["workers_restarted"]:
            lines.append(
                f"Attention: {page['name']} ({page['path']}): HTTP {r['status']} {r['location']}, "
                f"{r['errors']} errors" + (", workers restarted" if r["workers_restarted"] else "")
            )
            if r.get("error"):
                lines.append(r["error"])
    return "\n".join(lines)


SLOW_QUERY_MS = 5


def _slow_queries(pages):
    """The plans of the cold builds' slowest queries that took PostgreSQL over SLOW_QUERY_MS, each query once."""
    lines, seen = [], set()
    for page in pages:
        slowest = page["results"].get("slowest_query")
        if not slowest or slowest["ms"] <= SLOW_QUERY_MS or slowest["sql"] in seen:
            continue
        seen.add(slowest["sql"])
        lines += [
            "",
            f"Slowest query of {page['name']} [{page.get('phase', CACHED)}]: {slowest['ms']} ms",
            slowest["sql"],
        ]
        lines += ["  " + line for line in slowest["plan"].splitlines()]
    return lines


def save(results, folder):
    """Write the results as results-<timestamp>.json and latest.json; return the first path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(results["started"]).strftime("%Y%m%d-%H%M%S")
    path = folder / f"results-{stamp}.json"
    body = json.dumps(results, ensure_ascii=False, indent=2, default=str)
    path.write_text(body, encoding="utf-8")
    (folder / "latest.json").write_text(body, encoding="utf-8")
    return path
