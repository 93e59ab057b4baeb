"""``make bench-pdf``: the dossier of the large demo cluster against WeasyPrint's floor.

Run by the Makefile after ``seed_demo --large``. Each measurement runs in a fresh process
(so neither warms the other's caches) and reports its pages, seconds and peak memory; the
floor is a plain-text document of the same page count, in the same print style, rendered
in the same run. The dossier is rendered as every report is, tagged PDF/UA-1
(reports.render.render_pdf); the floor is untagged plain text. Goals: the dossier's
seconds per page at most 1.5 times the floor's, and its peak memory under 1 GB. The ratio
is of processor seconds (the process's own user and system time), which other work on the
machine slows far less than the wall-clock seconds printed beside them. Not a test:
figures depend on the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

GOAL_RATIO = 1.5
GOAL_MEMORY_MB = 1024
PARAGRAPH = (
    "Les entitats del clúster coordinen les seves accions per garantir el dret a un "
    "habitatge digne: cada membre aporta recursos, informa dels seus indicadors i pren "
    "posició sobre les propostes comunes, amb perspectiva de gènere i de drets humans. "
) * 3


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def measure_dossier() -> dict:
    _setup_django()
    from clusters.models import Cluster
    from demo.large import SLUG
    from reports import jobs
    from reports.models import ReportJob

    cluster = Cluster.objects.get(slug=SLUG)
    job = ReportJob.objects.create(
        cluster=cluster, kind="dossier", language="ca", params=f"bench-{time.time()}"
    )
    started, cpu = time.perf_counter(), _cpu()
    assert jobs.report_render(job.pk), ReportJob.objects.get(pk=job.pk).error
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    job.refresh_from_db()
    return {"pages": job.pages, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def plain_html(paragraphs: int) -> str:
    _setup_django()
    from django.template.loader import render_to_string

    style = render_to_string("reports/pdf/style.css")
    body = "".join(f"<p>{n}. {PARAGRAPH}</p>" for n in range(paragraphs))
    return f"<!doctype html><html><head><style>{style}</style></head><body>{body}</body></html>"


def render_plain(paragraphs: int) -> tuple[int, float, float]:
    """(pages, seconds, processor seconds) of the plain text's render."""
    from weasyprint import HTML

    html = plain_html(paragraphs)
    started, cpu = time.perf_counter(), _cpu()
    document = HTML(string=html).render()
    document.write_pdf()
    return len(document.pages), time.perf_counter() - started, _cpu() - cpu


def calibrate(pages: int) -> int:
    """How many paragraphs fill the page count (two trial renders, untimed)."""
    trial = 20 * pages
    got, _seconds, _cpu_seconds = render_plain(trial)
    paragraphs = max(1, round(trial * pages / got))
    for _ in range(4):
        got, _seconds, _cpu_seconds = render_plain(paragraphs)
        if got == pages:
            break
        paragraphs = max(1, paragraphs + round((pages - got) * paragraphs / got) or 1)
    return paragraphs


def measure_floor(paragraphs: int) -> dict:
    pages, seconds, cpu = render_plain(paragraphs)
    return {"pages": pages, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def run(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    dossier = run("dossier")
    paragraphs = run("calibrate", str(dossier["pages"]))["paragraphs"]
    floor = run("floor", str(paragraphs))
    per_page = {name: m["cpu"] / m["pages"] for name, m in (("d", dossier), ("f", floor))}
    ratio = per_page["d"] / per_page["f"]
    print()
    print(
        f"{'PDF':<38}{'pages':>7}{'seconds':>10}{'s/page':>9}{'CPU s':>9}"
        f"{'CPU s/page':>12}{'peak MB':>9}"
    )
    rows = (("Dossier, large cluster (ca), PDF/UA-1", dossier), ("Plain-text floor", floor))
    for name, m in rows:
        print(
            f"{name:<38}{m['pages']:>7}{m['seconds']:>10.2f}"
            f"{m['seconds'] / m['pages']:>9.3f}{m['cpu']:>9.2f}"
            f"{m['cpu'] / m['pages']:>12.3f}{m['peak_mb']:>9}"
        )
    wall = (dossier["seconds"] / dossier["pages"]) / (floor["seconds"] / floor["pages"])
    print()
    print(
        f"Processor seconds per page, tagged dossier / floor: {ratio:.2f} "
        f"(goal at most {GOAL_RATIO}): "
        + ("met" if ratio <= GOAL_RATIO else "NOT met")
        + f"; by the clock {wall:.2f}"
    )
    print(
        f"Peak memory of the dossier: {dossier['peak_mb']} MB (goal under {GOAL_MEMORY_MB}): "
        + ("met" if dossier["peak_mb"] < GOAL_MEMORY_MB else "NOT met")
    )
    if dossier["pages"] < 50:
        print(f"The dossier has {dossier['pages']} pages: fewer than the 50 the benchmark asks.")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    command = sys.argv[1] if len(sys.argv) > 1 else "main"
    if command == "dossier":
        print(json.dumps(measure_dossier()))
    elif command == "calibrate":
        _setup_django()
        print(json.dumps({"paragraphs": calibrate(int(sys.argv[2]))}))
    elif command == "floor":
        _setup_django()
        print(json.dumps(measure_floor(int(sys.argv[2]))))
    else:
        main()
