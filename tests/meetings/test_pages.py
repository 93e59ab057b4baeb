"""The meetings' pages: who sees and does what, bad input refused with nothing saved, the
cluster's time zone across the change of summer time, the .ics file and the close."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry
from meetings import services
from meetings.models import AgendaItem, Attendance, Meeting
from planning import proposal_services
from tests.conftest import World
from tests.test_permissions import closed_meeting, held_meeting, meeting


def url(name: str, kwargs: dict) -> str:
    return reverse(f"meetings:{name}", kwargs=kwargs)


def get_meeting(kwargs: dict) -> Meeting:
    return Meeting.objects.get(pk=kwargs["pk"])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def schedule(world: World, title: str, starts_at: datetime, hours: int = 2) -> Meeting:
    return services.meeting_schedule(
        cluster=world.cluster,
        by=world.users["coordinator"],
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        place="Civic centre",
    )


# Pages by role


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("coordinator", 200),
        ("member", 200),
        ("observer", 200),
        ("institution", 403),
        ("outsider", 404),
    ],
)
def test_the_list_and_the_meeting_by_role(world: World, person: str, status: int):
    kwargs = meeting(world)
    client = world.client(person)
    assert client.get(url("list", {"slug": world.cluster.slug})).status_code == status
    response = client.get(url("detail", kwargs))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Neighbourhood assembly" in page and "Housing fund" in page
        assert "Secret meeting" not in page
        assert (
            "Schedule a meeting" in client.get(url("list", {"slug": "housing"})).content.decode()
        ) == (person == "coordinator")


def test_the_list_shows_the_meetings_to_come_first_then_the_past_latest_first(world: World):
    now = timezone.now().replace(second=0, microsecond=0)
    schedule(world, "Past one", now - timedelta(days=20))
    schedule(world, "Past two", now - timedelta(days=2))
    schedule(world, "Next far", now + timedelta(days=30))
    schedule(world, "Next soon", now + timedelta(days=3))
    closed_meeting(world)
    page = world.client("member").get(url("list", {"slug": "housing"})).content.decode()
    order = [
        page.index(title)
        for title in ("Next soon", "Next far", "Assembly held", "Past two", "Past one")
    ]
    assert order == sorted(order)
    assert "Draft minutes" in page


def test_the_tab_is_in_the_cluster_bar(world: World):
    page = world.client("observer").get(url("list", {"slug": "housing"})).content.decode()
    assert 'href="/c/housing/meetings/" aria-current="page"' in page


@pytest.mark.parametrize("name", ["list", "detail", "edit"])
def test_only_the_meetings_tab_is_current_on_its_pages(world: World, name: str):
    """The reports' and the settings' tabs were marked current too: their pages are also
    named "list", "detail" and "edit"."""
    kwargs = {"slug": "housing"} if name == "list" else meeting(world)
    page = world.client("coordinator").get(url(name, kwargs)).content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/c/housing/meetings/" aria-current="page"' in page


def test_the_list_runs_the_same_queries_with_1_or_5_meetings(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client("member")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
    schedule(world, "Meeting 0", start)
    with django_assert_max_num_queries(20) as small:
        client.get(url("list", {"slug": "housing"}))
    for i in range(1, 5):
        schedule(world, f"Meeting {i}", start + timedelta(days=i))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url("list", {"slug": "housing"})).content.decode()
    assert "Meeting 4" in page


def test_the_meeting_page_runs_the_same_queries_with_1_or_5_items_and_answers(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    kwargs = meeting(world)
    found = get_meeting(kwargs)
    coordinator = world.users["coordinator"]
    client = world.client("coordinator")
    with django_assert_max_num_queries(40) as small:
        client.get(url("detail", kwargs))
    for i in range(4):
        services.agenda_item_add(meeting=found, by=coordinator, title=f"Item {i}", link=world.issue)
        services.agenda_item_propose(
            meeting=found,
            by=world.users["member"],
            membership=world.member_membership,
            title=f"Proposed {i}",
            link=world.action,
        )
    services.attendance_answer(
        meeting=found,
        by=world.users["member"],
        membership=world.member_membership,
        answers={world.users["member"].pk: "yes", world.users["representative"].pk: "maybe"},
    )
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url("detail", kwargs)).content.decode()
    assert (
        "Item 3" in page and "Proposed 3" in page and "1 will attend, 1 maybe, 0 will not." in page
    )


# Scheduling and changing, in the cluster's time zone


def test_scheduling_reads_the_times_in_the_clusters_zone_across_the_change_of_summer_time(
    world: World,
):
    client = world.client("coordinator")
    response = client.post(
        url("schedule", {"slug": "housing"}),
        {
            "title": "After the change",
            "starts_at": "2026-10-25T10:00",
            "ends_at": "2026-10-25T12:00",
            "place": "Civic centre",
            "agenda": "Budget\r\nRents\r\n",
        },
    )
    assert response.status_code == 302
    found = Meeting.objects.get(title="After the change")
    # Winter time from 03:00 that night: 10:00 in Madrid is 09:00 UTC.
    assert found.starts_at == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert [item.title for item in found.items.all()] == ["Budget", "Rents"]
    edit = client.get(url("edit", {"slug": "housing", "pk": found.pk})).content.decode()
    assert 'value="2026-10-25T10:00"' in edit
    page = client.get(found.get_absolute_url()).content.decode()
    assert "10:00" in page and "09:00" not in page


def test_summer_time_the_day_before(world: World):
    response = world.client("coordinator").post(
        url("schedule", {"slug": "housing"}),
        {
            "title": "Before the change",
            "starts_at": "2026-10-24T10:00",
            "ends_at": "2026-10-24T12:00",
            "video_url": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 302
    found = Meeting.objects.get(title="Before the change")
    assert found.starts_at == datetime(2026, 10, 24, 8, 0, tzinfo=UTC)


def test_another_zone_of_the_cluster_is_used(world: World):
    world.cluster.time_zone = "America/New_York"
    world.cluster.save()
    world.client("coordinator").post(
        url("schedule", {"slug": "housing"}),
        {
            "title": "NY",
            "starts_at": "2026-07-01T10:00",
            "ends_at": "2026-07-01T11:00",
            "place": "Here",
        },
    )
    assert Meeting.objects.get(title="NY").starts_at == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        (
            {"starts_at": "2026-06-01T12:00", "ends_at": "2026-06-01T10:00"},
            "A meeting ends after it starts.",
        ),
        ({"place": ""}, "Say where the meeting is"),
        ({"video_url": "not a link", "place": ""}, "Enter a valid URL."),
        ({"starts_at": "yesterday"}, "Enter a valid date/time."),
    ],
)
def test_scheduling_refuses_bad_input_and_saves_nothing(world: World, values: dict, error: str):
    data = {
        "title": "Bad",
        "starts_at": "2026-06-01T10:00",
        "ends_at": "2026-06-01T12:00",
        "place": "Civic centre",
        **values,
    }
    response = world.client("coordinator").post(url("schedule", {"slug": "housing"}), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Meeting.objects.filter(title="Bad").exists()


def test_saving_the_edit_form_unchanged_writes_nothing(world: World):
    kwargs = meeting(world)
    client = world.client("coordinator")
    page = client.get(url("edit", kwargs)).content.decode()
    found = get_meeting(kwargs)
    starts = timezone.localtime(found.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{starts}"' in page
    before = AuditEntry.objects.count()
    response = client.post(
        url("edit", kwargs),
        {
            "title": found.title,
            "starts_at": starts,
            "ends_at": timezone.localtime(found.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "place": found.place,
            "video_url": "",
            "description": found.description.replace("\n", "\r\n"),
        },
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Nothing was changed."]
    assert AuditEntry.objects.count() == before
    assert get_meeting(kwargs).sequence == found.sequence


def test_an_edit_that_ends_before_it_starts_is_refused(world: World):
    kwargs = meeting(world)
    found = get_meeting(kwargs)
    response = world.client("coordinator").post(
        url("edit", kwargs),
        {
            "title": "Moved",
            "starts_at": "2026-06-01T12:00",
            "ends_at": "2026-06-01T11:00",
            "place": "Civic centre",
        },
    )
    assert response.status_code == 200
    assert "A meeting ends after it starts." in response.content.decode()
    assert get_meeting(kwargs).title == found.title


def test_a_member_cannot_schedule_or_edit(world: World):
    kwargs = meeting(world)
    client = world.client("member")
    assert client.get(url("schedule", {"slug": "housing"})).status_code == 403
    assert client.post(url("edit", kwargs), {"title": "Mine"}).status_code == 403


# The .ics file and the invitation


def ics_event(response) -> icalendar.Event:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return next(iter(calendar.walk("VEVENT")))


def test_the_ics_download_is_in_the_clusters_zone_and_follows_the_changes(world: World):
    kwargs = meeting(world)
    client = world.client("coordinator")
    response = client.get(url("ics", kwargs))
    assert f'filename="meeting-{kwargs["pk"]}.ics"' in response["Content-Disposition"]
    event = ics_event(response)
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert str(event["SUMMARY"]) == "Neighbourhood assembly"
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    found = get_meeting(kwargs)
    services.meeting_change(meeting=found, by=world.users["coordinator"], place="Town hall")
    assert ics_event(client.get(url("ics", kwargs)))["SEQUENCE"] == 1
    client.post(url("cancel", kwargs), {"reason": "The hall is closed"})
    event = ics_event(world.client("observer").get(url("ics", kwargs)))
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 2
    # A file to add to a calendar, not an invitation to answer by calendar (which would
    # need an organizer and attendees): no METHOD.
    assert "METHOD" not in icalendar.Calendar.from_ical(response.content)


def test_an_ics_across_the_change_of_summer_time_keeps_the_local_hour(world: World):
    found = schedule(world, "Winter", datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    response = world.client("member").get(url("ics", {"slug": "housing", "pk": found.pk}))
    start = ics_event(response)["DTSTART"].dt
    assert (start.hour, start.minute) == (10, 0) and str(start.tzinfo) == "Europe/Madrid"


def test_the_invitation_email_carries_the_ics(world: World, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.client("coordinator").post(
            url("schedule", {"slug": "housing"}),
            {
                "title": "Invited",
                "starts_at": "2026-06-01T10:00",
                "ends_at": "2026-06-01T12:00",
                "place": "Civic centre",
            },
        )
    found = Meeting.objects.get(title="Invited")
    sent = [message for message in mail.outbox if "Invited" in message.subject]
    assert sent
    recipients = {address for message in sent for address in message.to}
    assert "member@example.org" in recipients and "institution@example.org" not in recipients
    name, content, mimetype = sent[0].attachments[0]
    assert name == f"meeting-{found.pk}.ics" and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    event = next(iter(calendar.walk("VEVENT")))
    assert event["DTSTART"].dt.hour == 10


# The agenda


def test_a_member_proposes_an_item_and_the_coordinator_accepts_it(world: World):
    kwargs = meeting(world)
    response = world.client("member").post(
        url("item-add", kwargs),
        {"title": "Tenants' survey", "link": f"indicator:{world.indicator.pk}"},
    )
    item = AgendaItem.objects.get(title="Tenants' survey")
    assert item.status == AgendaItem.Status.PROPOSED and item.indicator == world.indicator
    assert messages_of(response) == ["The item is proposed: the coordinator will accept it or not."]
    page = world.client("coordinator").get(url("detail", kwargs)).content.decode()
    assert "Proposed items waiting for the coordinator" in page
    assert reverse("meetings:item-answer", args=["housing", kwargs["pk"], item.pk]) in page
    world.client("coordinator").post(
        reverse("meetings:item-answer", args=["housing", kwargs["pk"], item.pk]),
        {"answer": "accept"},
    )
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.ACCEPTED


def test_the_coordinators_item_is_on_the_agenda_with_a_link(world: World):
    kwargs = meeting(world)
    world.client("coordinator").post(
        url("item-add", kwargs), {"title": "The issue", "link": f"rights_issue:{world.issue.pk}"}
    )
    assert AgendaItem.objects.get(title="The issue").status == AgendaItem.Status.ACCEPTED
    page = world.client("observer").get(url("detail", kwargs)).content.decode()
    assert world.issue.get_absolute_url() in page


@pytest.mark.parametrize(
    "link",
    ["objective:{other}", "survey_round:{round}", "nonsense", "proposal:x", "proposal:99999999"],
)
def test_an_item_linked_to_another_clusters_object_is_refused(world: World, link: str):
    kwargs = meeting(world)
    other = world.other_cluster
    value = link.format(other=other.objectives.get().pk, round=other.survey_rounds.get().pk)
    before = AgendaItem.objects.count()
    response = world.client("coordinator").post(
        url("item-add", kwargs), {"title": "Sneaky", "link": value}
    )
    assert response.status_code == 302
    assert messages_of(response)
    assert "discuss" in messages_of(response)[0]
    assert AgendaItem.objects.count() == before


def test_an_observer_cannot_propose_items(world: World):
    kwargs = meeting(world)
    assert (
        world.client("observer").post(url("item-add", kwargs), {"title": "Mine"}).status_code == 403
    )


# Attendance


def test_an_entity_says_who_will_attend(world: World):
    kwargs = meeting(world)
    member, representative = world.users["member"], world.users["representative"]
    client = world.client("representative")
    client.post(
        url("attendance", kwargs),
        {f"person_{member.pk}": "yes", f"person_{representative.pk}": "no"},
    )
    answers = dict(Attendance.objects.values_list("person__email", "answer"))
    assert answers == {"member@example.org": "yes", "representative@example.org": "no"}
    page = client.get(url("detail", kwargs)).content.decode()
    assert "1 will attend, 0 maybe, 1 will not." in page
    assert f'name="person_{member.pk}" value="yes" id="id_person_{member.pk}_0" checked' in page


def test_attendance_for_people_of_another_entity_is_refused(world: World):
    kwargs = meeting(world)
    response = world.client("member").post(
        url("attendance", kwargs), {f"person_{world.users['observer'].pk}": "yes"}
    )
    assert messages_of(response) == ["You can only answer for the people of your entity."]
    assert not Attendance.objects.exists()


def test_attendance_for_an_entity_the_person_does_not_represent_is_refused(world: World):
    kwargs = meeting(world)
    response = world.client("member").post(
        url("attendance", kwargs),
        {"acting_for": str(world.observer_actor.pk), f"person_{world.users['member'].pk}": "yes"},
    )
    assert messages_of(response) == ["You do not represent that entity."]
    assert not Attendance.objects.exists()


def test_institutions_do_not_answer(world: World):
    kwargs = meeting(world)
    response = world.client("institution").post(url("attendance", kwargs), {})
    assert response.status_code == 403


# The close


def test_closing_a_meeting_not_started_is_refused(world: World):
    kwargs = meeting(world)
    client = world.client("coordinator")
    page = client.get(url("close", kwargs)).content.decode()
    assert "This meeting has not started yet" in page and 'name="others"' not in page
    response = client.post(url("close", kwargs), {"others": "3"})
    assert messages_of(response) == ["A meeting is closed once it has started."]
    assert get_meeting(kwargs).is_scheduled


def decided(world: World):
    """The world's proposal decided (every voting entity agreeing)."""
    lead = world.cluster.memberships.get(role="lead")
    for membership, person in ((world.member_membership, "member"), (lead, "coordinator")):
        proposal_services.stance_take(
            proposal=world.proposal, membership=membership, by=world.users[person], position="agree"
        )
    return proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])


def close_data(page: str, world: World, found: Meeting, **extra) -> dict:
    item = found.items.get()
    data = {
        "attended": [f"{world.member_membership.pk}:{world.users['member'].pk}"],
        "others": "4",
        f"minutes_{item.pk}": "Eight evictions this month.",
        "tasks-TOTAL_FORMS": "3",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "20",
        "tasks-0-what": "Write to the city",
        "tasks-0-membership": str(world.member_membership.pk),
        "tasks-0-due_on": "2026-06-01",
    }
    return {**data, **extra}


def test_closing_records_attendance_minutes_decisions_and_tasks(world: World):
    kwargs = held_meeting(world)
    found = get_meeting(kwargs)
    services.attendance_answer(
        meeting=found,
        by=world.users["member"],
        membership=world.member_membership,
        answers={world.users["representative"].pk: "yes"},
    )
    decision = decided(world)
    client = world.client("coordinator")
    page = client.get(url("close", kwargs)).content.decode()
    representative = f"{world.member_membership.pk}:{world.users['representative'].pk}"
    assert f'value="{representative}"' in page and "checked" in page.split(representative)[1][:200]
    assert "Shared emergency housing fund · Adopted" in page
    response = client.post(
        url("close", kwargs), close_data(page, world, found, decisions=[str(decision.pk)])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    found.refresh_from_db()
    assert found.is_closed and found.others_attending == 4 and found.minutes_are_draft
    assert found.decisions.get().decision == decision
    detail = world.client("observer").get(url("detail", kwargs)).content.decode()
    for text in (
        "Eight evictions this month.",
        "Write to the city",
        "And 4 other people.",
        "Objections until",
    ):
        assert text in detail
    proposal_page = (
        world.client("observer")
        .get(reverse("planning:proposal-detail", args=["housing", world.proposal.pk]))
        .content.decode()
    )
    assert (
        f'Decided at the meeting <a href="{found.get_absolute_url()}">Assembly under way</a>'
        in proposal_page
    )


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"others": "-1"}, "greater than or equal to 0"),
        ({"attended": ["999:999"]}, "Select a valid choice"),
        ({"tasks-0-membership": ""}, "A task says what, which entity and by when."),
        ({"decisions": ["999999"]}, "Select a valid choice"),
    ],
)
def test_closing_refuses_bad_input_and_saves_nothing(world: World, extra: dict, error: str):
    kwargs = held_meeting(world)
    found = get_meeting(kwargs)
    response = world.client("coordinator").post(
        url("close", kwargs), close_data("", world, found, **extra)
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert get_meeting(kwargs).is_scheduled and not found.tasks.exists()


def test_a_member_objects_to_the_draft_minutes(world: World):
    kwargs = closed_meeting(world)
    client = world.client("member")
    page = client.get(url("detail", kwargs)).content.decode()
    assert "Object to the minutes" in page
    client.post(url("object", kwargs), {"reason": "The rents rose 9%"})
    page = world.client("observer").get(url("detail", kwargs)).content.decode()
    assert "The rents rose 9%" in page and "An entity objected" in page
    assert "Object to the minutes" not in client.get(url("detail", kwargs)).content.decode()
    assert services.minutes_approve_by_consent(timezone.now() + timedelta(days=8)) == 0


def test_the_next_meeting_approves_the_draft_minutes(world: World):
    closed = get_meeting(closed_meeting(world))
    kwargs = held_meeting(world)
    client = world.client("coordinator")
    page = client.get(url("close", kwargs)).content.decode()
    assert "Approve the draft minutes of “Assembly held”" in page
    found = get_meeting(kwargs)
    data = close_data(
        page,
        world,
        found,
        approve_previous="on",
        previous=str(closed.pk),
        **{"tasks-0-what": "", "tasks-0-membership": "", "tasks-0-due_on": ""},
    )
    # Offered other minutes than those to approve now (these were approved meanwhile,
    # say): refused, nothing closed.
    stale = client.post(url("close", kwargs), {**data, "previous": str(found.pk)})
    assert "The draft minutes to approve changed meanwhile" in stale.content.decode()
    assert get_meeting(kwargs).is_scheduled
    assert client.post(url("close", kwargs), data).status_code == 302
    closed.refresh_from_db()
    assert closed.minutes_approved_how == Meeting.Approval.NEXT_MEETING
    assert closed.approved_at_meeting == found
    page = world.client("member").get(closed.get_absolute_url()).content.decode()
    assert "Approved at the next meeting on" in page and "Minutes approved" in page


def test_the_minutes_are_approved_by_consent_after_seven_days(world: World, clock):
    kwargs = closed_meeting(world)
    assert services.minutes_approve_by_consent(timezone.now() + timedelta(days=6)) == 0
    clock.shift(timedelta(days=7, minutes=1))
    assert services.minutes_approve_by_consent() == 1
    page = world.client("member").get(url("detail", kwargs)).content.decode()
    assert "Approved by consent of the member entities on" in page
    assert "Object to the minutes" not in page


# A person's own data


def test_the_personal_data_download_holds_meeting_answers_items_and_objections(world: World):
    kwargs = closed_meeting(world)
    services.minutes_object(
        meeting=get_meeting(kwargs),
        by=world.users["member"],
        membership=world.member_membership,
        reason="Wrong figure",
    )
    meeting(world)  # the member proposed "Rent caps"
    data = json.loads(world.client("member").get(reverse("personal-data")).content)
    assert [row["meeting"] for row in data["meeting_attendance"]] == ["Assembly held"]
    assert data["meeting_attendance"][0]["attended"] is True
    assert [row["title"] for row in data["agenda_items_proposed"]] == ["Rent caps"]
    assert [row["reason"] for row in data["minutes_objections"]] == ["Wrong figure"]


def test_the_proposal_page_names_the_meeting_in_the_same_queries(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    decision = decided(world)
    client = world.client("observer")
    page = reverse("planning:proposal-detail", args=["housing", world.proposal.pk])
    with django_assert_max_num_queries(40) as unnamed:
        assert "Decided at the meeting" not in client.get(page).content.decode()
    found = get_meeting(held_meeting(world))
    services.meeting_close(meeting=found, by=world.users["coordinator"], decisions=[decision])
    with django_assert_num_queries(len(unnamed.captured_queries)):
        assert "Decided at the meeting" in client.get(page).content.decode()
