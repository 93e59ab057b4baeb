"""What the indicators app holds about a person: the measurement reports they saved,
submitted or validated, what they did to each, and the periods they locked
(accounts.personal_data). The reports are their entity's and stay when the account goes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.personal_data import Part, rows
from indicators.models import MeasurementReport, ReportEvent, ReportingPeriod


def export(user: User) -> dict[str, Any]:
    reports = MeasurementReport.objects.filter(Q(updated_by=user) | Q(validated_by=user))
    return {
        "measurement_reports": rows(
            reports.order_by("period__start", "pk"),
            cluster="indicator__cluster__name",
            indicator="indicator__code",
            entity="membership__actor__name",
            period="period__start",
            status="status",
            comment="comment",
            submitted_at="submitted_at",
            validated_at="validated_at",
        ),
        "measurement_report_events": rows(
            ReportEvent.objects.filter(user=user).order_by("created_at"),
            cluster="report__indicator__cluster__name",
            indicator="report__indicator__code",
            entity="report__membership__actor__name",
            action="action",
            note="note",
            created_at="created_at",
        ),
        "periods_locked": rows(
            ReportingPeriod.objects.filter(locked_by=user).order_by("start"),
            cluster="cluster__name",
            start="start",
            locked_at="locked_at",
        ),
    }


PART = Part("indicators", export=export)
