"""Locking a period asks first, on a page that says what it does; a locked period can be
reopened by the coordinator with a reason, logged, and the entities with reports in it are
told by email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from clusters.models import AuditEntry
from core.errors import DomainError
from indicators import services
from indicators.models import MeasurementReport
from tests.conftest import World


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"indicators:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


@pytest.fixture
def locked(world: World) -> World:
    services.report_validate(report=world.report, by=world.users["coordinator"])
    services.period_lock(period=world.period, by=world.users["coordinator"])
    world.period.refresh_from_db()
    return world


def test_the_lock_page_says_what_locking_does_and_changes_nothing(world: World):
    services.report_validate(report=world.report, by=world.users["coordinator"])
    page = world.client("coordinator").get(url(world, "period-lock", pk=world.period.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "No report of this period can be saved, submitted, validated or returned" in body
    assert "1 validated report stays as it is and counts in the progress." in body
    assert "you can reopen the period later" in body
    assert 'type="submit" class="danger">Lock the period' in body
    world.period.refresh_from_db()
    assert not world.period.is_locked


def test_the_lock_page_says_what_waits_and_offers_no_button(world: World):
    body = world.client("coordinator").get(url(world, "period-lock", pk=world.period.pk))
    text = body.content.decode()
    assert "1 report is waiting for validation: validate or return it first." in text
    assert "Lock the period</button>" not in text


def test_the_period_list_links_to_the_confirmation_pages(locked: World):
    page = locked.client("coordinator").get(url(locked, "period-list")).content.decode()
    assert url(locked, "period-reopen", pk=locked.period.pk) in page
    assert 'method="post"' not in page.split("<main", 1)[-1].split("</table>")[0]


def test_the_reopen_page_names_the_entities_that_are_emailed(locked: World):
    page = locked.client("coordinator").get(url(locked, "period-reopen", pk=locked.period.pk))
    body = page.content.decode()
    assert "These entities have reports in it and are emailed, with your reason:" in body
    assert "Neighbours Association" in body
    assert 'name="reason"' in body and 'maxlength="1000"' in body


def test_reopening_needs_a_reason(locked: World):
    client = locked.client("coordinator")
    for reason in ("", "   "):
        response = client.post(
            url(locked, "period-reopen", pk=locked.period.pk), {"reason": reason}
        )
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
    locked.period.refresh_from_db()
    assert locked.period.is_locked


def test_a_reason_too_long_is_refused(locked: World):
    response = locked.client("coordinator").post(
        url(locked, "period-reopen", pk=locked.period.pk), {"reason": "x" * 1001}
    )
    assert "at most 1000 characters" in response.content.decode()
    locked.period.refresh_from_db()
    assert locked.period.is_locked
    with pytest.raises(DomainError):
        services.period_reopen(period=locked.period, by=locked.users["coordinator"], reason=" ")


def test_reopening_unlocks_logs_the_reason_and_emails_the_entities(
    locked: World, django_capture_on_commit_callbacks
):
    client = locked.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(locked, "period-reopen", pk=locked.period.pk),
            {"reason": "The shelter's figures were counted twice"},
            follow=True,
        )
    assert f"The period {locked.period.label} is open again." in response.content.decode()
    locked.period.refresh_from_db()
    assert not locked.period.is_locked and locked.period.locked_by is None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PERIOD_REOPENED)
    assert entry.by == locked.users["coordinator"] and entry.object_id == locked.period.pk
    assert entry.data["reason"] == "The shelter's figures were counted twice"
    # The member entity reported in the period: its representatives hear why.
    reported = {
        m.actor.name for m in locked.cluster.memberships.filter(reports__period=locked.period)
    }
    assert reported == {"Neighbours Association"}
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {"member@example.org", "representative@example.org"}
    assert all("The shelter's figures were counted twice" in m.body for m in mail.outbox)
    # Its reports can be returned again; a second submit of the form changes nothing.
    again = client.post(
        url(locked, "period-reopen", pk=locked.period.pk), {"reason": "Again"}, follow=True
    )
    assert "This period is not locked." in again.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PERIOD_REOPENED).count() == 1
    report = MeasurementReport.objects.get(pk=locked.report.pk)
    assert not report.period.is_locked


def test_only_the_coordinator_reopens(locked: World):
    path = url(locked, "period-reopen", pk=locked.period.pk)
    assert locked.client("member").post(path, {"reason": "Mine"}).status_code == 403
    assert locked.client("outsider").post(path, {"reason": "Mine"}).status_code == 404
    locked.period.refresh_from_db()
    assert locked.period.is_locked
