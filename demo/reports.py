"""Demo data of the reports part: the progress report of the last ended period, published
for the institutions when the worker (or, embedded, the web process) has rendered it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from clusters.models import Cluster
from reports import services
from reports.models import ReportJob


def seed_reports(cluster: Cluster, coordinator: User) -> None:
    if cluster.report_jobs.exists():
        return
    period = cluster.periods.filter(end__lt=timezone.localdate()).order_by("-end").first()
    if period is None:
        return
    services.report_request(
        cluster=cluster,
        kind=ReportJob.Kind.PROGRESS,
        language=settings.LANGUAGE_CODE,
        by=coordinator,
        period=period,
        scheduled=True,  # published as soon as it is ready
    )
