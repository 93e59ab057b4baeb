"""The meetings section of the consensus report and chapter of the dossier: what a reader
of the PDF finds (read back with pdftotext), in the cluster's time zone, and the queries
it costs."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from clusters.models import Membership
from meetings import services
from meetings.models import Meeting
from planning.models import Decision
from reports import content
from reports.models import ReportJob
from tests.clock import MADRID, days
from tests.conftest import World
from tests.reports.test_reports import ask, decide_with_a_block, pdf_text, render


def at(n: int, hour: int) -> datetime:
    """``n`` days from today at ``hour`` o'clock in Madrid."""
    return datetime.combine(days(n), time(hour), tzinfo=MADRID)


def held(
    world: World,
    title: str,
    day: int,
    *,
    decisions: list[Decision] = (),
    approve_previous: bool = False,
    minutes: str = "The fund was discussed.",
) -> Meeting:
    """A meeting ``day`` days from today at 18:00, closed an hour later: two people of the
    member entity and one of the lead attended, with two others; one item with minutes
    and one follow-up task."""
    coordinator = world.users["coordinator"]
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    meeting = services.meeting_schedule(
        cluster=world.cluster,
        by=coordinator,
        title=title,
        starts_at=at(day, 18),
        ends_at=at(day, 20),
        place="Casal de barri",
    )
    item = services.agenda_item_add(
        meeting=meeting, by=coordinator, title="The emergency fund", link=world.proposal
    )
    return services.meeting_close(
        meeting=meeting,
        by=coordinator,
        attended=[
            (world.member_membership, world.users["member"]),
            (world.member_membership, world.users["representative"]),
            (lead, coordinator),
        ],
        others=2,
        minutes={item.pk: minutes},
        decisions=decisions,
        tasks=[
            services.Task(
                what="Write the fund's rules", membership=world.member_membership, due_on=days(30)
            )
        ],
        approve_previous=services.draft_minutes_before(meeting) if approve_previous else None,
        now=at(day, 19),
    )


def written(moment: datetime) -> str:
    """A day as the English reports write it: 28 April 2026."""
    return f"{moment.day} {moment:%B %Y}"


def section_of(text: str, start: str, end: str | None = None) -> str:
    part = text.split(start)[-1]
    return part.split(end)[0] if end else part


def test_the_consensus_report_has_the_meetings_of_its_period(world: World):
    decide_with_a_block(world)
    decision = Decision.objects.get(proposal=world.proposal)
    held(world, "Spring assembly", -20, decisions=[decision])
    job = render(ask(world, ReportJob.Kind.CONSENSUS, date_from=days(-30), date_to=days(0)))
    part = section_of(pdf_text(job), "Participation of the member entities")
    part = section_of(part, "Meetings")
    for said in (
        "Spring assembly",
        "18:00–20:00",
        "Casal de barri",
        "Lead Foundation (1); Neighbours Association (2).",
        "3 people of the entities, 2 others.",
        "Decisions taken: Shared emergency housing fund Rejected",
        "1. The emergency fund",
        "Write the fund's rules",
        "Draft minutes",
        "The minutes are printed here once they are approved.",
        "Europe/Madrid",
    ):
        assert said in part, said
    # Minutes not approved yet stay inside the cluster: the report may go to institutions.
    assert "The fund was discussed." not in part


def test_a_meeting_outside_the_period_is_left_out(world: World):
    held(world, "Winter assembly", -40)
    job = render(ask(world, ReportJob.Kind.CONSENSUS, date_from=days(-30), date_to=days(0)))
    text = pdf_text(job)
    assert "Winter assembly" not in text
    assert "No meeting held in this period." in text


def test_times_are_in_the_clusters_time_zone(world: World):
    world.cluster.time_zone = "Atlantic/Canary"
    world.cluster.save(update_fields=["time_zone"])
    held(world, "Spring assembly", -20)
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    # 18:00 in Madrid is 17:00 in the Canaries.
    assert "17:00–19:00" in text and "Atlantic/Canary" in text


def test_the_dossier_has_the_chapter_with_draft_and_approved_minutes(world: World):
    first = held(world, "Spring assembly", -20, minutes="First minutes.")
    # The next meeting approves the first one's minutes; its own are approved by consent
    # once its seven days pass without objection; the last one's are a draft.
    held(world, "Summer assembly", -15, approve_previous=True)
    assert services.minutes_approve_by_consent(now=at(-4, 20)) == 1
    held(world, "Winter assembly", -2, minutes="Draft words of the winter.")
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    # The table of contents has the chapter, and the annexes come after it.
    assert "10. Meetings" in text.split("1. Goal and scope")[1]
    chapter = section_of(text, "10. Meetings", "11. Annexes")
    assert f"Approved at the meeting of {written(at(-15, 18))}" in chapter
    assert f"Approved by consent on {written(at(-4, 20))}" in chapter
    assert chapter.count("Draft minutes") == 1
    assert chapter.index("Spring assembly") < chapter.index("Winter assembly")
    assert "First minutes." in chapter
    assert "Draft words of the winter." not in chapter
    assert f"{written(first.starts_at.astimezone(MADRID))}, 18:00–20:00" in chapter


def test_another_clusters_meeting_never_reaches_the_reports(world: World):
    other = world.other_cluster
    outsider = world.users["outsider"]
    secret = services.meeting_schedule(
        cluster=other,
        by=outsider,
        title="Secret meeting",
        starts_at=at(-5, 18),
        ends_at=at(-5, 20),
        place="Secret place",
    )
    services.meeting_close(
        meeting=secret,
        by=outsider,
        attended=[(other.memberships.get(), outsider)],
        tasks=[
            services.Task(what="Secret task", membership=other.memberships.get(), due_on=days(3))
        ],
        now=at(-5, 19),
    )
    held(world, "Spring assembly", -20)
    for job in (
        ask(world, ReportJob.Kind.DOSSIER),
        ask(world, ReportJob.Kind.CONSENSUS, date_from=days(-30), date_to=days(0)),
    ):
        text = pdf_text(render(job))
        assert "Spring assembly" in text
        assert "Secret" not in text and "Outsider Entity" not in text


def test_cancelled_and_coming_meetings_are_not_in_the_report(world: World):
    coordinator = world.users["coordinator"]
    coming = services.meeting_schedule(
        cluster=world.cluster,
        by=coordinator,
        title="Coming assembly",
        starts_at=at(3, 18),
        ends_at=at(3, 20),
        place="Casal",
    )
    dropped = services.meeting_schedule(
        cluster=world.cluster,
        by=coordinator,
        title="Dropped assembly",
        starts_at=at(-3, 18),
        ends_at=at(-3, 20),
        place="Casal",
    )
    services.meeting_cancel(meeting=dropped, by=coordinator, reason="No quorum")
    section = content.meetings(world.cluster)
    assert section.records == [] and section.count == 0 and coming.pk


@pytest.mark.parametrize("more", [0, 2])
def test_the_section_reads_in_a_fixed_number_of_queries(
    world: World, django_assert_num_queries, more
):
    for n in range(1 + more):
        held(world, f"Assembly {n}", -20 + n)
    # 1 to count the meetings, 1 for them (with the meeting that approved their minutes),
    # 1 for the attendance per entity, 1 for the decisions, 1 for the items, 1 for the
    # tasks.
    with django_assert_num_queries(6):
        section = content.meetings(world.cluster)
    assert len(section.records) == 1 + more
    assert all(record.people == 3 and record.items for record in section.records)


def test_a_long_record_is_cut_to_the_latest_meetings(world: World, monkeypatch):
    monkeypatch.setattr(content, "PRINT_MEETINGS", 2)
    monkeypatch.setattr(content, "PRINT_ATTENDING_ENTITIES", 1)
    for n in range(3):
        held(world, f"Assembly {n}", -20 + n)
    section = content.meetings(world.cluster)
    assert [r.meeting.title for r in section.records] == ["Assembly 1", "Assembly 2"]
    assert section.more == 1
    assert section.records[0].attendance == [("Lead Foundation", 1)]
    assert section.records[0].more_entities == 1
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    assert "The 2 latest of 3 meetings" in text and "and 1 more entity" in text
    assert "Assembly 0" not in text


def test_the_draft_label_changes_once_approved():
    """Pure: which label a record gives, from the meeting alone."""
    meeting = Meeting(status=Meeting.Status.CLOSED)
    record = content.MeetingRecord(meeting)
    assert meeting.minutes_are_draft and not record.approved_by_consent
    meeting.minutes_approved_at = at(0, 10)
    meeting.minutes_approved_how = Meeting.Approval.CONSENT
    assert not meeting.minutes_are_draft and record.approved_by_consent
    assert record.approved_at is None
    later = Meeting(status=Meeting.Status.CLOSED, starts_at=at(0, 18))
    meeting.minutes_approved_how = Meeting.Approval.NEXT_MEETING
    meeting.approved_at_meeting = later
    assert record.approved_at is later and not record.approved_by_consent
