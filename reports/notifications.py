"""The email that tells a cluster's institutions a report is published: a link, not the
file (it stays behind the login and the permission check)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from clusters.models import Membership
from clusters.selectors import people_to_email
from reports.models import ReportJob


def report_published(job_id: int) -> int:
    job = (
        ReportJob.objects.select_related("cluster", "period")
        .filter(pk=job_id, published_at__isnull=False)
        .first()
    )
    if job is None:
        return 0
    institutions = job.cluster.memberships.active().filter(role=Membership.Role.INSTITUTION)
    link = settings.SITE_URL + job.get_absolute_url()
    messages = []
    for person in people_to_email(institutions):
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {"job": job, "link": link}
            subject = render_to_string("reports/email/published_subject.txt", context)
            body = render_to_string("reports/email/published_body.txt", context)
        messages.append(EmailMessage(" ".join(subject.split()), body, None, [person.email]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
