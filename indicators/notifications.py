"""The emails that tell an entity's people their report was returned, with the reason, so
they can correct it, and that a locked period they reported in was reopened, and why (sent
once the change is committed)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from clusters.emails import send_to_each
from clusters.selectors import people_to_email
from core.tasks import TRANSIENT_MAIL_ERRORS
from indicators.models import MeasurementReport, ReportingPeriod


def report_returned(report_id: int) -> int:
    """Email the entity's people; nothing when it was corrected or submitted meanwhile."""
    report = (
        MeasurementReport.objects.select_related("indicator__cluster", "period", "membership")
        .filter(pk=report_id, status=MeasurementReport.Status.RETURNED)
        .first()
    )
    if report is None:
        return 0
    link = settings.SITE_URL + reverse(
        "indicators:report-edit",
        args=[report.indicator.cluster.slug, report.indicator_id, report.period_id],
    )
    entity = report.membership.cluster.memberships.filter(pk=report.membership_id)
    return send_to_each(
        people_to_email(entity), "indicators/email/returned", {"report": report, "link": link}
    )


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_returned_report(report_id: int) -> int:
    return report_returned(report_id)


def period_reopened(period_id: int, reason: str) -> int:
    """Email the people of the entities with reports in the period; nothing when it was
    locked again meanwhile."""
    period = (
        ReportingPeriod.objects.select_related("cluster")
        .filter(pk=period_id, locked_at__isnull=True)
        .first()
    )
    if period is None:
        return 0
    link = settings.SITE_URL + reverse("indicators:reporting", args=[period.cluster.slug])
    entities = period.cluster.memberships.filter(pk__in=period.reports.values("membership_id"))
    return send_to_each(
        people_to_email(entities),
        "indicators/email/reopened",
        {"period": period, "cluster": period.cluster, "reason": reason, "link": link},
    )


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_reopened_period(period_id: int, reason: str) -> int:
    return period_reopened(period_id, reason)
