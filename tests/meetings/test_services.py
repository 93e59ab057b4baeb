"""The meetings' rules as the services hold them, whatever page or task calls them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clusters.models import AuditEntry
from core.errors import DomainError
from meetings import services
from meetings.models import AgendaItem, Meeting
from tests.conftest import World
from tests.test_permissions import closed_meeting, held_meeting, meeting


def get(kwargs: dict) -> Meeting:
    return Meeting.objects.get(pk=kwargs["pk"])


def test_a_meeting_that_ends_before_it_starts_is_refused(world: World):
    now = timezone.now()
    with pytest.raises(DomainError, match="ends after it starts"):
        services.meeting_schedule(
            cluster=world.cluster,
            by=world.users["coordinator"],
            title="Backwards",
            starts_at=now,
            ends_at=now - timedelta(hours=1),
            place="Here",
        )
    assert not Meeting.objects.filter(title="Backwards").exists()


def test_scheduling_with_an_agenda_writes_one_entry(world: World):
    before = AuditEntry.objects.count()
    now = timezone.now()
    found = services.meeting_schedule(
        cluster=world.cluster,
        by=world.users["coordinator"],
        title="With agenda",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        place="Here",
        agenda=["One", " ", "Two"],
    )
    assert [i.title for i in found.items.all()] == ["One", "Two"]
    assert all(i.status == AgendaItem.Status.ACCEPTED for i in found.items.all())
    assert AuditEntry.objects.count() == before + 1


def test_a_change_to_the_same_instant_in_another_zone_is_no_change(world: World):
    found = get(meeting(world))
    local = timezone.localtime(found.starts_at)
    services.meeting_change(meeting=found, by=world.users["coordinator"], starts_at=local)
    assert get(meeting(world)).sequence == 0


def test_an_item_of_another_cluster_is_refused(world: World):
    other = world.other_cluster.objectives.get()
    with pytest.raises(DomainError, match="this cluster's work"):
        services.agenda_item_add(
            meeting=get(meeting(world)), by=world.users["coordinator"], title="X", link=other
        )


def test_an_observer_cannot_propose_an_item(world: World):
    with pytest.raises(DomainError):
        services.agenda_item_propose(
            meeting=get(meeting(world)),
            by=world.users["observer"],
            membership=world.observer_membership,
            title="X",
        )


def test_attendance_for_an_entity_not_represented_is_refused(world: World):
    with pytest.raises(DomainError, match="do not represent"):
        services.attendance_answer(
            meeting=get(meeting(world)),
            by=world.users["member"],
            membership=world.observer_membership,
            answers={world.users["observer"].pk: "yes"},
        )


def test_closing_before_the_start_is_refused(world: World):
    found = get(meeting(world))
    with pytest.raises(DomainError, match="once it has started"):
        services.meeting_close(meeting=found, by=world.users["coordinator"])
    assert get(meeting(world)).is_scheduled


def test_closing_with_a_person_of_another_entity_is_refused(world: World):
    found = get(held_meeting(world))
    with pytest.raises(DomainError, match="does not represent"):
        services.meeting_close(
            meeting=found,
            by=world.users["coordinator"],
            attended=[(world.member_membership, world.users["observer"])],
        )
    assert not found.attendances.exists()


def test_consent_approves_after_seven_days_without_objection(world: World):
    found = get(closed_meeting(world))
    assert services.minutes_approve_by_consent(found.consent_ends_at - timedelta(minutes=1)) == 0
    assert services.minutes_approve_by_consent(found.consent_ends_at) == 1
    found.refresh_from_db()
    assert found.minutes_approved_how == Meeting.Approval.CONSENT
    assert services.minutes_approve_by_consent(found.consent_ends_at + timedelta(days=1)) == 0


def test_an_objection_keeps_the_minutes_for_the_next_meeting(world: World):
    found = get(closed_meeting(world))
    services.minutes_object(
        meeting=found, by=world.users["member"], membership=world.member_membership, reason="No"
    )
    assert services.minutes_approve_by_consent(found.consent_ends_at + timedelta(days=1)) == 0
    with pytest.raises(DomainError, match="already objected"):
        services.minutes_object(
            meeting=found, by=world.users["member"], membership=world.member_membership, reason="!"
        )
    later = get(held_meeting(world))
    assert services.draft_minutes_before(later) == found
    services.meeting_close(meeting=later, by=world.users["coordinator"], approve_previous=found)
    found.refresh_from_db()
    assert found.minutes_approved_how == Meeting.Approval.NEXT_MEETING
    assert found.approved_at_meeting == later


def test_objecting_after_the_consent_days_is_refused(world: World):
    found = get(closed_meeting(world))
    with pytest.raises(DomainError, match="over"):
        services.minutes_object(
            meeting=found,
            by=world.users["member"],
            membership=world.member_membership,
            reason="Late",
            now=found.consent_ends_at + timedelta(seconds=1),
        )


def test_an_item_cannot_discuss_a_proposal_not_published(world: World):
    # Every reader of the meeting sees what its items discuss; a draft is its entity's own.
    from planning.proposal_services import proposal_create

    draft = proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Secret draft title",
        description="Not yet",
    )
    found = get(meeting(world))
    with pytest.raises(DomainError, match="once it is published"):
        services.agenda_item_propose(
            meeting=found,
            by=world.users["member"],
            membership=world.member_membership,
            title="Our draft",
            link=draft,
        )
    assert not found.items.filter(title="Our draft").exists()


def test_texts_beyond_their_column_are_refused_with_a_message(world: World):
    found = get(meeting(world))
    with pytest.raises(DomainError, match="longer than 200 characters"):
        services.agenda_item_add(meeting=found, by=world.users["coordinator"], title="x" * 201)
    with pytest.raises(DomainError, match="longer than 500 characters"):
        services.meeting_cancel(meeting=found, by=world.users["coordinator"], reason="x" * 501)
    assert get(meeting(world)).is_scheduled


def test_a_close_gives_no_task_to_an_institution_nor_counts_a_crowd(world: World):
    found = get(held_meeting(world))
    task = services.Task(
        what="Fund it", membership=world.institution_membership, due_on=timezone.localdate()
    )
    with pytest.raises(DomainError, match="does not take part"):
        services.meeting_close(meeting=found, by=world.users["coordinator"], tasks=[task])
    with pytest.raises(DomainError, match="at most"):
        services.meeting_close(meeting=found, by=world.users["coordinator"], others=40000)
    assert get(held_meeting(world)).is_scheduled
