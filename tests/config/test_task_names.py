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
    "planning.notifications.email_comment_added",
    # Run by beat (config.settings CELERY_BEAT_SCHEDULE).
    "meetings.tasks.send_weekly_digests",
    "meetings.tasks.approve_minutes_by_consent",
}


def test_every_task_a_service_queues_is_registered_under_its_name():
    app.loader.import_default_modules()
    assert set(app.tasks) >= QUEUED_BY_SERVICES


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks)
