"""``make bench``, last part: an entity of the large cluster imports 10,000 measurement rows,
from a CSV file and from an XLSX file, through the import page (the upload, the reading,
every check and the writes), each in a process of its own. Prints seconds, peak memory
and queries of each against the goals. Not a test: figures depend on the machine.

The large cluster's own indicators leave an entity a few hundred rows to give (its fifteen
indicators of three cells in the periods still open), so the import is given indicators of
the shape that makes files large: 134 indicators by sex, age and disability (24 cells and
the total, 25 rows a report) that the demo's member entity of the large cluster reports
on, in the cluster's three open periods; 400 reports in all. They are made in the child's
transaction, which is rolled back afterwards: the database is left as it was.

Memory is the process's peak resident size during the import alone (Linux's VmHWM, reset
just before the request), so Django and the bench's own setup count for what they hold
then, not for what they held before. BENCH_PROFILE=1 prints where the time goes
(cProfile, the 30 costliest functions by cumulative time) after each import.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from clusters.models import Cluster  # noqa: E402
from demo.large import SLUG as LARGE  # noqa: E402

ROWS = 10_000
CELLS_PER_REPORT = 25  # 24 cells by sex, age and disability, and the total
REPORTS = ROWS // CELLS_PER_REPORT
GOAL_SECONDS = 10
GOAL_MB = 300
MEMBER = "member@demo.example"
HEADER = ["indicator", "period", "cell", "value", "text", "comment"]
PREFIX = "BENCH"


class RolledBack(Exception):
    """Raised at the end of a child's transaction: nothing it wrote stays."""


def open_periods(cluster: Cluster) -> list:
    today = timezone.localdate()
    return list(cluster.periods.filter(locked_at__isnull=True, start__lte=today).order_by("start"))


def codes(periods: int) -> list[str]:
    return [f"{PREFIX}{n:03d}" for n in range(-(-REPORTS // periods))]


def report_keys(cluster: Cluster) -> list[tuple[str, str]]:
    """(indicator code, period start) of the 400 reports the file gives."""
    periods = open_periods(cluster)
    pairs = [(code, p.start.isoformat()) for code in codes(len(periods)) for p in periods]
    return pairs[:REPORTS]


def cell_keys() -> list[str]:
    """The cells of an indicator by sex, age and disability, as Indicator.cells() names
    them (read from an unsaved one)."""
    from indicators.models import Indicator

    indicator = Indicator(by_sex=True, by_age=True, by_disability=True)
    return [key for key, _label in indicator.cells()]


def rows(cluster: Cluster) -> list[list[object]]:
    cells = cell_keys()
    assert len(cells) + 1 == CELLS_PER_REPORT, len(cells)
    out: list[list[object]] = []
    for n, (code, start) in enumerate(report_keys(cluster)):
        values = [(n + k) % 7 for k in range(len(cells))]
        out.append([code, start, "", sum(values), "", ""])
        out += [
            [code, start, cell, value, "", ""] for cell, value in zip(cells, values, strict=True)
        ]
    assert len(out) == ROWS, len(out)
    return out


def write_files(cluster: Cluster, folder: str) -> dict[str, str]:
    data = rows(cluster)
    paths = {"CSV": os.path.join(folder, "bench.csv"), "XLSX": os.path.join(folder, "bench.xlsx")}
    with open(paths["CSV"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    workbook.save(paths["XLSX"])
    return paths


def bench_indicators(cluster: Cluster, membership) -> None:
    from indicators.models import Indicator, Objective

    objective = Objective.objects.create(
        cluster=cluster, code=PREFIX, statement="Indicadors del banc de proves d'importació."
    )
    created = timezone.localdate(cluster.created_at)
    indicators = Indicator.objects.bulk_create(
        Indicator(
            cluster=cluster,
            objective=objective,
            code=code,
            name=f"Persones ateses, banc de proves {code}",
            type=Indicator.Type.OUTCOME,
            measure=Indicator.Measure.NUMBER,
            unit="persones",
            direction=Indicator.Direction.INCREASE,
            aggregation=Indicator.Aggregation.SUM,
            baseline_date=created,
            by_sex=True,
            by_age=True,
            by_disability=True,
            data_source=Indicator.Source.ADMINISTRATIVE,
        )
        for code in codes(len(open_periods(cluster)))
    )
    through = Indicator.responsible.through
    through.objects.bulk_create(
        through(indicator_id=indicator.pk, membership_id=membership.pk) for indicator in indicators
    )


def peak_reset() -> bool:
    """Reset the process's peak resident size (Linux); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: str) -> None:
    """One import, in this process: prints its figures as a JSON line."""
    from django.test import Client

    from accounts.models import User
    from indicators.models import MeasurementReport

    cluster = Cluster.objects.get(slug=LARGE)
    user = User.objects.get(email=MEMBER)
    membership = cluster.memberships.get(actor__people__user=user)
    with open(path, "rb") as handle:
        content = handle.read()
    client = Client()
    client.force_login(user)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    result: dict = {"kind": kind}
    try:
        with transaction.atomic():
            bench_indicators(cluster, membership)
            upload = io.BytesIO(content)
            upload.name = os.path.basename(path)
            url = reverse("indicators:import", args=[cluster.slug])
            exact = peak_reset()
            profile = None
            if os.environ.get("BENCH_PROFILE") == "1":
                import cProfile

                profile = cProfile.Profile()
                profile.enable()
            started = time.perf_counter()
            with connection.execute_wrapper(count):
                response = client.post(
                    url,
                    {"file": upload, "submit": "on", "acting_for": membership.actor_id},
                    secure=True,
                )
            result["seconds"] = time.perf_counter() - started
            if profile is not None:
                import pstats

                profile.disable()
                stream = io.StringIO()
                pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(30)
                print(stream.getvalue(), file=sys.stderr)
            result["mb"] = peak_mb()
            result["exact_peak"] = exact
            result["queries"] = len(queries)
            result["status"] = response.status_code
            result["reports"] = MeasurementReport.objects.filter(
                membership=membership, indicator__code__startswith=PREFIX
            ).count()
            if response.status_code != 302:
                errors = response.context["errors"] if response.context else []
                result["errors"] = [list(error) for error in errors[:5]]
            raise RolledBack
    except RolledBack:
        pass
    print(json.dumps(result))


def main() -> None:
    cluster = Cluster.objects.get(slug=LARGE)
    with tempfile.TemporaryDirectory(prefix="clusters-bench-import-") as folder:
        paths = write_files(cluster, folder)
        results = []
        for kind, path in paths.items():
            output = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--child", kind, path],
                capture_output=True,
                text=True,
                env=os.environ,
            )
            if os.environ.get("BENCH_PROFILE") == "1":
                print(output.stderr, file=sys.stderr)
            if output.returncode:
                raise SystemExit(f"The {kind} import failed: {output.stderr[-2000:]}")
            result = json.loads(output.stdout.strip().splitlines()[-1])
            result["bytes"] = os.path.getsize(path)
            results.append(result)

    print()
    print(
        f"{'Import, ' + format(ROWS, ',') + ' rows':<22}{'file':>10}{'seconds':>9}"
        f"{'peak MB':>9}{'queries':>9}{'reports':>9}  goal"
    )
    for result in results:
        if result["status"] != 302:
            print(f"{result['kind']:<22} refused ({result['status']}): {result.get('errors')}")
            continue
        met = result["seconds"] < GOAL_SECONDS and result["mb"] < GOAL_MB
        print(
            f"{result['kind']:<22}{result['bytes'] / 1024:>8.0f}kB{result['seconds']:>9.2f}"
            f"{result['mb']:>9.0f}{result['queries']:>9}{result['reports']:>9}  "
            + ("met" if met else "NOT met")
        )
    print()
    print(
        f"Import of {ROWS:,} rows under {GOAL_SECONDS} s and {GOAL_MB} MB: "
        + (
            "met for CSV and XLSX"
            if all(
                r["status"] == 302 and r["seconds"] < GOAL_SECONDS and r["mb"] < GOAL_MB
                for r in results
            )
            else "NOT met for "
            + ", ".join(
                r["kind"]
                for r in results
                if not (r["status"] == 302 and r["seconds"] < GOAL_SECONDS and r["mb"] < GOAL_MB)
            )
        )
    )
    if not all(r["exact_peak"] for r in results):
        print("  (peak memory: the whole process's, this system cannot reset it)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
