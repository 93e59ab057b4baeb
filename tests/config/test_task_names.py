"""The tasks a service queues keep the names their messages carry: a message queued before
a deploy that moved a task to another module still finds it."""

from __future__ import annotations

from config.celery import app

QUEUED_BY_SERVICES = {
    "clusters.tasks.send_invitation_email",
    "planning.tasks.notify_proposal_opened",
    "planning.tasks.notify_proposal_decided",
    "reports.tasks.render_report",
    "reports.tasks.email_published_report",
    "indicators.notifications.email_returned_report",
    "indicators.notifications.email_reopened_period",
    "coherence.notifications.email_score_questioned",
}


def test_every_task_a_service_queues_is_registered_under_its_name():
    app.loader.import_default_modules()
    assert set(app.tasks) >= QUEUED_BY_SERVICES
