"""``make bench``: pages against gunicorn (2 workers) on PostgreSQL, on the demo cluster and
on the large one, then 20 concurrent users for 60 seconds (wrk) on the dashboard and on a
trivial view. Prints one table. Not a test: figures depend on the machine.

run_pages.sh prepares the database (``seed_demo --large``) and starts gunicorn with
DEBUG off; this script logs in by writing a session the way Django's login does, times
each page over sequential requests, counts its queries in-process with the test client,
and runs wrk for the load. It keeps the large cluster's figures in BENCH_ONE_CLUSTER.

``bench_pages.py --clusters N``, once run_pages.sh has added large clusters up to N
(``seed_demo --large --clusters N``) and restarted gunicorn: the same pages of the first
large cluster again, and per page the ratio of their p95 to the one kept, with one large
cluster in the database (the goal: at most 1.2, the platform's size costing a cluster
nothing).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from clusters.models import Cluster  # noqa: E402
from demo.large import SLUG as LARGE  # noqa: E402
from demo.large import slug_of  # noqa: E402
from indicators.models import Measurement  # noqa: E402
from planning.models import Proposal  # noqa: E402

BASE = os.environ.get("BENCH_URL", "http://127.0.0.1:8765")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
USERS = 20
GOAL_P95_RATIO = 1.5
GOAL_THROUGHPUT_SHARE = 1 / 3
GOAL_CLUSTERS_RATIO = 1.2
# The large cluster's figures with one large cluster in the database, for --clusters.
ONE_CLUSTER = os.environ.get("BENCH_ONE_CLUSTER", "/tmp/clusters-bench-one-cluster.json")


def session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def headers(session_key: str) -> dict[str, str]:
    # The proxy's header: with DEBUG off, the site is served over https only.
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}",
        "X-Forwarded-Proto": "https",
    }


def fetch(path: str, session_key: str) -> float:
    request = urllib.request.Request(BASE + path, headers=headers(session_key))
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
        assert response.status == 200, (path, response.status)
    return time.perf_counter() - started


def timings(path: str, session_key: str) -> tuple[float, float]:
    for _ in range(3):  # warm the worker processes
        fetch(path, session_key)
    samples = sorted(fetch(path, session_key) for _ in range(REQUESTS))
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95


def query_count(path: str, user: User) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries)


def pages(cluster: Cluster) -> dict[str, str]:
    # An indicator of the same kind on both (broken down by sex, whose detail page draws
    # one chart more), so that the two pages compare the data's size, not their shape.
    indicator = (
        cluster.indicators.filter(by_sex=True).order_by("code").first()
        or cluster.indicators.order_by("code").first()
    )
    proposal = (
        cluster.proposals.filter(status=Proposal.Status.DECIDED).order_by("pk").first()
        or cluster.proposals.order_by("pk").first()
    )
    # The latest meeting held: its attendance, minutes, decisions and tasks.
    meeting = cluster.meetings.filter(closed_at__isnull=False).order_by("-starts_at").first()
    return {
        "Dashboard": reverse("reports:dashboard", args=[cluster.slug]),
        "Actors directory": reverse("actors:directory"),
        "Indicator list": reverse("indicators:objective-list", args=[cluster.slug]),
        "Indicator detail": reverse(
            "indicators:indicator-detail", args=[cluster.slug, indicator.pk]
        ),
        "Proposal detail": reverse("planning:proposal-detail", args=[cluster.slug, proposal.pk]),
        "4W table": reverse("planning:who-does-what", args=[cluster.slug]),
        "Validation queue": reverse("indicators:validation-queue", args=[cluster.slug]),
        "Cluster health": reverse("health:health", args=[cluster.slug]),
        "Coherence matrix": reverse("coherence:coherence", args=[cluster.slug]),
        "Meeting held": reverse("meetings:detail", args=[cluster.slug, meeting.pk]),
        "Cluster calendar": reverse("meetings:cluster-calendar", args=[cluster.slug]),
        "API indicator": reverse("api:indicator-detail", args=[cluster.slug, indicator.pk]),
        "IATI file": reverse("opendata:iati", args=[cluster.slug]),
    }


def wrk(path: str, session_key: str) -> dict:
    command = ["wrk", "-t2", f"-c{USERS}", f"-d{LOAD_SECONDS}s", "--latency"]
    for name, value in headers(session_key).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, BASE + path], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: (.*)", output)
    p90 = re.search(r"90%\s+(\S+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    slowest = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "rate": rate,
        "requests": total,
        "errors": int(errors.group(1)) if errors else 0,
        "socket": socket.group(1) if socket else "",
        "p90": p90.group(1) if p90 else "?",
        "p99": seconds(p99.group(1)) if p99 else float("inf"),
        "max": seconds(slowest.group(1)) if slowest else float("inf"),
        # wrk gives up on a request after 2 s: such a request has no latency, only a count.
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def seconds(duration: str) -> float:
    """A wrk duration ("850.00us", "164.71ms", "1.02s", "2.00m") in seconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", duration).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]


def main() -> None:
    demo = Cluster.objects.exclude(slug=LARGE).order_by("pk").first()
    large = Cluster.objects.get(slug=LARGE)
    coordinator = demo.roles.get().user
    key = session_for(coordinator)
    rows = []
    for name in pages(demo):
        figures = []
        for cluster in (demo, large):
            path = pages(cluster)[name]
            median, p95 = timings(path, key)
            figures.append((median, p95, query_count(path, coordinator)))
        rows.append((name, figures))
    with open(ONE_CLUSTER, "w") as handle:
        json.dump(
            {
                "clusters": large_clusters(),
                "measurements": Measurement.objects.count(),
                "pages": {name: large_figures for name, (_demo, large_figures) in rows},
            },
            handle,
        )

    print()
    print(
        f"{'Page':<20}{'demo median':>13}{'p95':>9}{'queries':>9}"
        f"{'large median':>14}{'p95':>9}{'queries':>9}{'p95 ratio':>11}"
    )
    failures = []
    for name, ((dm, dp, dq), (lm, lp, lq)) in rows:
        ratio = lp / dp
        if ratio > GOAL_P95_RATIO:
            failures.append(name)
        print(
            f"{name:<20}{dm * 1000:>11.1f}ms{dp * 1000:>7.1f}ms{dq:>9}"
            f"{lm * 1000:>12.1f}ms{lp * 1000:>7.1f}ms{lq:>9}{ratio:>11.2f}"
        )
    print()
    dashboard = wrk(pages(large)["Dashboard"], key)
    trivial = wrk(reverse("health"), key)
    print(
        f"{'Load, 20 users, 60 s':<28}{'req/s':>9}{'requests':>10}{'errors':>8}{'p90':>10}"
        f"{'p99':>10}{'slowest':>10}"
    )
    for name, load in (
        ("Dashboard (large cluster)", dashboard),
        ("Trivial view (/health/)", trivial),
    ):
        print(
            f"{name:<28}{load['rate']:>9.1f}{load['requests']:>10}{load['errors']:>8}"
            f"{load['p90']:>10}{load['p99'] * 1000:>8.1f}ms{load['max'] * 1000:>8.1f}ms"
        )
        if load["socket"]:
            print(f"  socket errors: {load['socket']}")
    # No request served on /health/ at all is a broken run: no share, and NOT met.
    share = dashboard["rate"] / trivial["rate"] if trivial["rate"] else 0.0
    print()
    print(
        f"Large/demo p95 at most {GOAL_P95_RATIO}: "
        + ("met on every page" if not failures else "NOT met on " + ", ".join(failures))
    )
    print(
        f"Dashboard throughput / trivial view's: {share:.2f} (goal at least "
        f"{GOAL_THROUGHPUT_SHARE:.2f}): " + ("met" if share >= GOAL_THROUGHPUT_SHARE else "NOT met")
    )
    # wrk gives the 90th and 99th percentiles: a 99th under 1 s puts the 95th under it.
    print(
        f"Dashboard under load, 95th percentile under 1 s (its 99th: "
        f"{dashboard['p99'] * 1000:.1f} ms): " + ("met" if dashboard["p99"] < 1 else "NOT met")
    )
    slow = dashboard["max"] > 2 or dashboard["timeouts"]
    print(
        f"Dashboard under load, no request over 2 s (slowest {dashboard['max'] * 1000:.1f} ms, "
        f"{dashboard['timeouts']} timed out): " + ("NOT met" if slow else "met")
    )
    errors = dashboard["errors"] + trivial["errors"]
    print("Error responses under load: " + ("none" if not errors else str(errors)))


def large_clusters() -> int:
    """How many of seed_demo's large clusters the database holds."""
    slugs = {slug_of(n) for n in range(1, 100)}
    return Cluster.objects.filter(slug__in=slugs).count()


def many_clusters(expected: int) -> None:
    """The first large cluster's pages again, now among ``expected`` large clusters,
    against the figures kept with one."""
    with open(ONE_CLUSTER) as handle:
        one = json.load(handle)
    clusters = large_clusters()
    if clusters != expected:
        raise SystemExit(f"{clusters} large clusters in the database, not {expected}.")
    large = Cluster.objects.get(slug=LARGE)
    coordinator = large.roles.select_related("user").order_by("pk").first().user
    key = session_for(coordinator)
    measurements = Measurement.objects.count()
    rows = []
    for name, path in pages(large).items():
        median, p95 = timings(path, key)
        rows.append((name, one["pages"][name], (median, p95, query_count(path, coordinator))))

    print()
    print(
        f"First large cluster among {one['clusters']} and among {clusters} large clusters "
        f"({one['measurements']:,} and {measurements:,} measurements in the database)"
    )
    print(
        f"{'Page':<20}{'p95, ' + str(one['clusters']):>10}{'queries':>9}"
        f"{'p95, ' + str(clusters):>10}{'queries':>9}{'p95 ratio':>11}  goal"
    )
    failures = []
    for name, (_om, op, oq), (_m, p, q) in rows:
        ratio = p / op
        met = ratio <= GOAL_CLUSTERS_RATIO
        if not met:
            failures.append(name)
        print(
            f"{name:<20}{op * 1000:>8.1f}ms{oq:>9}{p * 1000:>8.1f}ms{q:>9}{ratio:>11.2f}  "
            + ("met" if met else "NOT met")
        )
    print()
    print(
        f"{clusters} clusters / {one['clusters']} p95 at most {GOAL_CLUSTERS_RATIO}: "
        + ("met on every page" if not failures else "NOT met on " + ", ".join(failures))
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--clusters":
        many_clusters(int(sys.argv[2]))
    else:
        main()
