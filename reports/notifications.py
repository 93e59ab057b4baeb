"""The email that tells a cluster's institutions a report is published: a link, not the
file (it stays behind the login and the permission check)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from clusters.emails import send_to_each
from clusters.models import Membership
from clusters.selectors import people_to_email
from core.tasks import TRANSIENT_MAIL_ERRORS
from reports.models import ReportJob


def report_published(job_id: int) -> int:
    job = (
        ReportJob.objects.published().select_related("cluster", "period").filter(pk=job_id).first()
    )
    if job is None:
        return 0
    institutions = job.cluster.memberships.active().filter(role=Membership.Role.INSTITUTION)
    link = settings.SITE_URL + job.get_absolute_url()
    return send_to_each(
        people_to_email(institutions), "reports/email/published", {"job": job, "link": link}
    )


# Named as when it lived in tasks.py: messages queued before a deploy still find it.
@shared_task(
    name="reports.tasks.email_published_report",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def email_published_report(job_id: int) -> int:
    return report_published(job_id)
