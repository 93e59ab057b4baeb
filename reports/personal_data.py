"""What the reports app holds about a person: the reports they asked for or published
(accounts.personal_data). The reports are the cluster's and stay when the account goes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.personal_data import Part, rows
from reports.models import ReportJob


def export(user: User) -> dict[str, Any]:
    jobs = ReportJob.objects.filter(Q(requested_by=user) | Q(published_by=user))
    return {
        "report_jobs": rows(
            jobs.order_by("requested_at"),
            cluster="cluster__name",
            kind="kind",
            language="language",
            status="status",
            requested_at="requested_at",
            published_at="published_at",
        )
    }


PART = Part("reports", export=export)
