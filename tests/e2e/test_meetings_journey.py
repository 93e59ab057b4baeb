"""A meeting from its scheduling to the consensus report, in a real browser.

The coordinator schedules a meeting in the cluster's time zone with a place and two agenda
items, adds a third linked to the open proposal, sees it on the meetings list and on its
page, and downloads its .ics (read back with icalendar: 11:00 in Madrid). The member
entity's representative says they will attend and proposes an item; the coordinator
accepts it. The clock moves past the meeting's start (the suite's clock, which the live
server reads too); both entities' positions are taken through the services, and the
coordinator decides the proposal through its pages (the outcome previewed, then
confirmed). The coordinator closes the meeting with who attended, minutes for each item,
the decision ticked and one follow-up task; the meeting's page shows the draft minutes,
the attendance and the decision, and the proposal's decision names the meeting. Last, the
coordinator asks for the consensus report, whose PDF text has the meeting, its attendance
and its decision.

A second test looks at the meetings' pages and the calendars in Catalan on a phone 390 px
wide: none scrolls sideways.

Every page is checked by axe-core and photographed in /tmp/e2e-shots/meetings-*.png.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from meetings import services
from meetings.models import AgendaItem, Meeting
from planning import proposal_services
from reports.models import ReportJob
from tests.clock import MADRID, NOW, TODAY, days
from tests.conftest import World
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import cluster_bar, log_in, status_messages, submit, t
from tests.e2e.test_cluster_journey import pdf_text

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"
PHONE = {"width": 390, "height": 844}
TITLE = "May assembly of the housing cluster"
PLACE = "Casal de barri de Roquetes, Carrer de la Mina 12"
AGENDA = ["Welcome and apologies", "News from the tenants' hotline"]
FUND_ITEM = "The shared emergency housing fund"
PROPOSED_ITEM = "A stall at the district's festa major"
STARTS = datetime.combine(TODAY, time(11, 0), tzinfo=MADRID)
ENDS = STARTS + timedelta(hours=2)
MINUTES = {
    AGENDA[0]: "Twelve people came; the Observatory sent apologies.",
    AGENDA[1]: "Forty calls in April, most about rent rises.",
    FUND_ITEM: "Adopted by consensus: the fund opens in June.",
    PROPOSED_ITEM: "The Neighbours Association books the stall.",
}
TASK = "Open the fund's bank account"


def local_input(moment: datetime) -> str:
    """What a datetime-local input holds for a moment in the cluster's zone."""
    return moment.astimezone(MADRID).strftime("%Y-%m-%dT%H:%M")


def field_label(text: str) -> re.Pattern:
    """A field's label as Django writes it, with or without its colon."""
    return re.compile(rf"^{re.escape(text)}:?$")


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when it is not)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def schedule(page: Page, world: World, shot) -> Meeting:
    cluster_bar(page).get_by_role("link", name=t(LANGUAGE, "Meetings"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "Meetings"))
    expect(page.locator("main")).to_contain_text(t(LANGUAGE, "No meeting yet."))
    shot(page, "meetings-01-list-empty")
    page.get_by_role("link", name=t(LANGUAGE, "Schedule a meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "Schedule a meeting"))
    expect(page.locator("main")).to_contain_text("Europe/Madrid")
    form = page.locator("main form.card")
    # The form starts a week ahead at 10:00, in the cluster's zone.
    expect(form.get_by_label(t(LANGUAGE, "Starts at"))).to_have_value(
        f"{days(7).isoformat()}T10:00"
    )
    form.get_by_label(t(LANGUAGE, "Title")).fill(TITLE)
    form.get_by_label(t(LANGUAGE, "Starts at")).fill(local_input(STARTS))
    form.get_by_label(t(LANGUAGE, "Ends at")).fill(local_input(ENDS))
    form.get_by_label(t(LANGUAGE, "Place")).fill(PLACE)
    form.get_by_label(t(LANGUAGE, "Agenda")).fill("\n".join(AGENDA))
    shot(page, "meetings-02-schedule-form")
    mail.outbox.clear()
    submit(page, form.get_by_role("button", name=t(LANGUAGE, "Schedule it")))
    expect(status_messages(page)).to_have_text(
        t(LANGUAGE, "The meeting is scheduled: everyone is invited.")
    )
    meeting = world.cluster.meetings.get()
    assert (meeting.starts_at, meeting.ends_at, meeting.place) == (STARTS, ENDS, PLACE)
    assert [item.title for item in meeting.items.order_by("order")] == AGENDA
    expect(page).to_have_url(re.compile(re.escape(meeting.get_absolute_url()) + "$"))
    # Everyone concerned is invited, with the meeting for their calendar.
    invited = {message.to[0] for message in mail.outbox}
    assert {"member@example.org", "representative@example.org"} <= invited
    assert all(message.attachments for message in mail.outbox)
    # Only the meetings' tab is the current one (not Reports, whose page is also "detail").
    expect(cluster_bar(page).locator("[aria-current=page]")).to_have_text(t(LANGUAGE, "Meetings"))
    shot(page, "meetings-03-scheduled")
    return meeting


def add_linked_item(page: Page, world: World, shot) -> None:
    """The coordinator puts the open proposal on the agenda."""
    add = page.locator("details", has=page.get_by_text(t(LANGUAGE, "Add an item"), exact=True))
    add.locator("summary").click()
    add.get_by_label(t(LANGUAGE, "Item")).fill(FUND_ITEM)
    add.get_by_label(t(LANGUAGE, "It discusses")).select_option(f"proposal:{world.proposal.pk}")
    shot(page, "meetings-04-add-item")
    submit(page, add.get_by_role("button", name=t(LANGUAGE, "Add to the agenda")))
    expect(status_messages(page)).to_have_text(t(LANGUAGE, "The item is on the agenda."))
    agenda = page.locator("ol.agenda > li")
    expect(agenda).to_have_count(3)
    fund = agenda.filter(has_text=FUND_ITEM)
    expect(fund.get_by_role("link", name=world.proposal.title)).to_have_attribute(
        "href", reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    )
    shot(page, "meetings-05-item-added")


def check_list_and_ics(page: Page, meeting: Meeting, shot, tmp_path) -> None:
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=t(LANGUAGE, "Meetings")
    ).click()
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PLACE)
    expect(row).to_contain_text(t(LANGUAGE, "Scheduled"))
    expect(row).to_contain_text("11:00")
    shot(page, "meetings-06-list")
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    when = page.locator("main dl.facts")
    expect(when).to_contain_text("Europe/Madrid")
    expect(when).to_contain_text(PLACE)
    expect(when.locator("dd").first).to_have_text(date_format(STARTS, "DATETIME_FORMAT"))
    shot(page, "meetings-07-detail")

    with page.expect_download() as download:
        page.get_by_role("link", name=t(LANGUAGE, "Download for my calendar (.ics)")).click()
    path = tmp_path / "meeting.ics"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".ics")
    raw = path.read_bytes()
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == TITLE
    assert str(event["location"]) == PLACE
    start = event.decoded("dtstart")
    assert start == STARTS
    assert (start.hour, start.minute, str(start.tzinfo)) == (11, 0, "Europe/Madrid")
    assert event["dtstart"].params["TZID"] == "Europe/Madrid"
    assert event.decoded("dtend") == ENDS
    assert b"DTSTART;TZID=Europe/Madrid:" + STARTS.strftime("%Y%m%dT%H%M%S").encode() in raw


def representative_answers(page: Page, world: World, meeting: Meeting, shot) -> None:
    """Yes for themself, and an item proposed."""
    representative = world.users["representative"]
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    shot(page, "meetings-08-representative")
    attendance_path = reverse("meetings:attendance", args=[world.cluster.slug, meeting.pk])
    form = page.locator(f"form[action='{attendance_path}']")
    own = form.get_by_role("group", name=representative.display_name)
    own.get_by_label(t(LANGUAGE, "Will attend"), exact=True).check()
    submit(page, form.get_by_role("button", name=t(LANGUAGE, "Save our attendance")))
    expect(status_messages(page)).to_have_text(t(LANGUAGE, "Your entity's attendance is saved."))
    attendance = page.locator("section", has=page.locator("#attendance-title"))
    expect(attendance).to_contain_text("1 will attend, 0 maybe, 0 will not.")
    expect(attendance.locator("tbody tr", has_text="Neighbours Association")).to_contain_text(
        f"{representative.display_name} ({t(LANGUAGE, 'Will attend')})"
    )
    expect(own.get_by_label(t(LANGUAGE, "Will attend"), exact=True)).to_be_checked()
    shot(page, "meetings-09-attendance-saved")

    propose = page.locator(
        "details", has=page.get_by_text(t(LANGUAGE, "Propose an item"), exact=True)
    )
    propose.locator("summary").click()
    propose.get_by_label(t(LANGUAGE, "Item")).fill(PROPOSED_ITEM)
    propose.get_by_label(t(LANGUAGE, "Description")).fill(
        "Leaflets about the fund and the hotline."
    )
    shot(page, "meetings-10-propose-item")
    submit(page, propose.get_by_role("button", name=t(LANGUAGE, "Propose it")))
    expect(status_messages(page)).to_have_text(
        t(LANGUAGE, "The item is proposed: the coordinator will accept it or not.")
    )
    expect(page.locator("main")).to_contain_text(
        t(LANGUAGE, "Proposed items waiting for the coordinator")
    )
    shot(page, "meetings-11-item-proposed")
    assert meeting.items.get(title=PROPOSED_ITEM).status == AgendaItem.Status.PROPOSED


def decide_through_the_pages(page: Page, base: str, world: World, shot) -> None:
    detail = reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    page.goto(f"{base}{detail}")
    shot(page, "meetings-14-proposal")
    page.locator("textarea[name=minutes]").fill("Adopted at the May assembly.")
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "See the outcome")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "Confirm the decision"))
    shot(page, "meetings-15-decision-preview")
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Confirm and record the decision")))
    expect(status_messages(page)).to_have_text(t(LANGUAGE, "The decision has been recorded."))
    shot(page, "meetings-16-decided")


def close(page: Page, world: World, meeting: Meeting, visits, shot) -> None:
    coordinator = world.users["coordinator"]
    representative = world.users["representative"]
    page.get_by_role("link", name=t(LANGUAGE, "Close the meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    visits.check(page)
    form = page.locator("main form")
    # Who said they would attend is ticked; the coordinator came too.
    expect(form.get_by_label(representative.display_name, exact=True)).to_be_checked()
    expect(form.get_by_label(world.users["member"].display_name, exact=True)).not_to_be_checked()
    form.get_by_label(coordinator.display_name, exact=True).check()
    form.get_by_label(t(LANGUAGE, "Other people who attended")).fill("2")
    for item, text in MINUTES.items():
        form.get_by_label(field_label(item)).fill(text)
    decision = world.proposal.decisions.get()
    form.get_by_label(f"{world.proposal.title} · {t(LANGUAGE, 'Adopted')}", exact=True).check()
    form.locator("input[name=tasks-0-what]").fill(TASK)
    form.locator("select[name=tasks-0-membership]").select_option(
        str(world.cluster.memberships.get(actor=world.lead).pk)
    )
    form.locator("input[name=tasks-0-due_on]").fill(days(30).isoformat())
    shot(page, "meetings-17-close-form")
    mail.outbox.clear()
    submit(page, form.get_by_role("button", name=t(LANGUAGE, "Close the meeting")))
    expect(status_messages(page)).to_have_text(
        t(LANGUAGE, "The meeting is closed: the draft minutes are sent.")
    )
    meeting.refresh_from_db()
    assert meeting.is_closed and meeting.others_attending == 2
    assert meeting.decisions.get().decision == decision
    assert {row.person for row in meeting.attendances.filter(attended=True)} == {
        coordinator,
        representative,
    }
    assert mail.outbox, "the draft minutes are sent"

    main = page.locator("main")
    minutes = main.locator("section", has=page.locator("#minutes-title"))
    expect(minutes.locator(".badge", has_text=t(LANGUAGE, "Draft"))).to_be_visible()
    expect(main.locator(".page-head")).to_contain_text(t(LANGUAGE, "Draft minutes"))
    expect(minutes.locator("li", has_text="Neighbours Association")).to_contain_text(
        representative.display_name
    )
    expect(minutes.locator("li", has_text="Lead Foundation")).to_contain_text(
        coordinator.display_name
    )
    expect(minutes).to_contain_text("And 2 other people.")
    taken = minutes.locator("li", has=page.get_by_role("link", name=world.proposal.title))
    expect(taken).to_contain_text(t(LANGUAGE, "Adopted"))
    expect(minutes.locator("table")).to_contain_text(TASK)
    for item, text in MINUTES.items():
        expect(main.locator("ol.agenda > li", has_text=item)).to_contain_text(text)
    shot(page, "meetings-18-closed")

    # The proposal's decision names the meeting it was taken in.
    taken.get_by_role("link", name=world.proposal.title).click()
    venue = page.locator("main").get_by_text(re.compile(r"Decided at the meeting"))
    expect(venue).to_contain_text(f"{TITLE} ({date_format(TODAY, 'DATE_FORMAT')})")
    expect(venue.get_by_role("link", name=TITLE)).to_have_attribute(
        "href", meeting.get_absolute_url()
    )
    shot(page, "meetings-19-proposal-decided")


def consensus_report(page: Page, world: World, shot, tmp_path) -> str:
    cluster_bar(page).get_by_role("link", name=t(LANGUAGE, "Reports"), exact=True).click()
    shot(page, "meetings-20-reports")
    form = page.locator(f"form[action='{reverse('reports:request', args=[world.cluster.slug])}']")
    form.get_by_label(t(LANGUAGE, "Consensus report"), exact=True).check()
    form.locator("select[name=language]").select_option(LANGUAGE)
    # From the first of January to today, as the form starts.
    expect(form.get_by_label(field_label(t(LANGUAGE, "From")))).to_have_value(
        TODAY.replace(month=1, day=1).isoformat()
    )
    expect(form.get_by_label(field_label(t(LANGUAGE, "To")))).to_have_value(TODAY.isoformat())
    submit(page, form.get_by_role("button", name=t(LANGUAGE, "Prepare the report")))
    job = ReportJob.objects.get(cluster=world.cluster, kind=ReportJob.Kind.CONSENSUS)
    assert job.status == ReportJob.Status.DONE
    expect(page.get_by_role("link", name=t(LANGUAGE, "Download the PDF"))).to_be_visible()
    shot(page, "meetings-21-report-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=t(LANGUAGE, "Download the PDF")).click()
    pdf = tmp_path / "consensus.pdf"
    download.value.save_as(pdf)
    return pdf_text(pdf)


def test_a_meeting_is_scheduled_held_closed_and_reported(
    world: World, live_server, site_url, new_page, visits, shot, clock, tmp_path
):
    base = live_server.url
    assert NOW < STARTS  # the meeting is still to come when the journey starts

    coordination = new_page(LANGUAGE)
    log_in(coordination, base, "coordinator@example.org", LANGUAGE, visits.check)
    coordination.goto(f"{base}{world.cluster.get_absolute_url()}")
    shot(coordination, "meetings-00-overview")
    meeting = schedule(coordination, world, shot)
    add_linked_item(coordination, world, shot)
    check_list_and_ics(coordination, meeting, shot, tmp_path)

    representative = new_page(LANGUAGE)
    log_in(representative, base, "representative@example.org", LANGUAGE, visits.check)
    representative.goto(f"{base}{meeting.get_absolute_url()}")
    representative_answers(representative, world, meeting, shot)

    # The coordinator accepts the proposed item.
    coordination.reload()
    waiting = coordination.locator("main li", has_text=PROPOSED_ITEM)
    expect(waiting).to_contain_text("proposed by Neighbours Association")
    shot(coordination, "meetings-12-item-waiting")
    submit(coordination, waiting.get_by_role("button", name=t(LANGUAGE, "Accept")))
    expect(status_messages(coordination)).to_have_text(
        t(LANGUAGE, "The proposed item is answered.")
    )
    expect(coordination.locator("ol.agenda > li")).to_have_count(4)
    # Not started yet: it cannot be closed, and the page says when it can.
    expect(coordination.locator("main")).to_contain_text(
        t(
            LANGUAGE,
            "A meeting is closed once it has started: then you record who attended, "
            "the minutes, the decisions and the tasks.",
        )
    )
    shot(coordination, "meetings-13-item-accepted")

    # Half an hour into the meeting, the entities agree and the proposal is decided.
    clock.move_to(STARTS + timedelta(minutes=30))
    for membership, person in [
        (world.member_membership, world.users["representative"]),
        (world.cluster.memberships.get(actor=world.lead), world.users["coordinator"]),
    ]:
        proposal_services.stance_take(
            proposal=world.proposal, membership=membership, by=person, position="agree"
        )
    decide_through_the_pages(coordination, base, world, shot)

    coordination.goto(f"{base}{meeting.get_absolute_url()}")
    visits.check(coordination)
    close(coordination, world, meeting, visits, shot)

    text = consensus_report(coordination, world, shot, tmp_path)
    assert TITLE in text
    assert PLACE in text
    assert "Lead Foundation (1); Neighbours Association (1)" in text
    assert "2 people of the entities, 2 others" in text
    assert f"Decisions taken: {world.proposal.title} Adopted" in text
    assert t(LANGUAGE, "Draft minutes") in text
    # Draft minutes stay inside the cluster: the report names the items, not what was said.
    assert t(LANGUAGE, "The minutes are printed here once they are approved.") in text
    assert MINUTES[FUND_ITEM] not in text
    assert TASK in text


# The Catalan pass, on a phone


@pytest.fixture
def meetings(world: World) -> tuple[Meeting, Meeting, Meeting]:
    """One meeting held and closed two days ago, with long texts, one in two days with a
    long video link and answers, and one that began half an hour ago (to be closed)."""
    coordinator = world.users["coordinator"]
    lead = world.cluster.memberships.get(actor=world.lead)
    held = services.meeting_schedule(
        cluster=world.cluster,
        by=coordinator,
        title="Assemblea ordinària de la xarxa pel dret a l'habitatge de Nou Barris",
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW - timedelta(days=2) + timedelta(hours=2),
        place="Casal de barri de Roquetes, Carrer de la Mina 12, sala d'actes de la planta baixa",
        agenda=["Benvinguda i excuses", "Notícies de la línia d'atenció a llogateres"],
    )
    linked = services.agenda_item_add(
        meeting=held, by=coordinator, title="El fons compartit d'emergència", link=world.proposal
    )
    services.meeting_close(
        meeting=held,
        by=coordinator,
        attended=[(lead, coordinator), (world.member_membership, world.users["representative"])],
        others=3,
        minutes={
            item.pk: "Es presenta l'estat del fons i de la línia d'atenció; tothom hi està "
            "d'acord i l'Associació de Veïns en farà la difusió al barri."
            for item in held.items.all()
        }
        | {linked.pk: "Es debat la proposta."},
        decisions=[],
        tasks=[
            services.Task(
                what="Obrir el compte bancari del fons i enviar-ne les dades a les entitats",
                membership=lead,
                due_on=days(28),
            )
        ],
        approve_previous=None,
    )
    coming = services.meeting_schedule(
        cluster=world.cluster,
        by=coordinator,
        title="Reunió de seguiment del fons compartit d'emergència habitacional",
        starts_at=NOW + timedelta(days=2),
        ends_at=NOW + timedelta(days=2, hours=1, minutes=30),
        place="Ateneu popular",
        video_url="https://meet.example.org/xarxa-habitatge-nou-barris-seguiment-del-fons-"
        "compartit-d-emergencia-2026",
        agenda=["Estat dels comptes"],
    )
    services.attendance_answer(
        meeting=coming,
        by=world.users["representative"],
        membership=world.member_membership,
        answers={world.users["representative"].pk: "yes", world.users["member"].pk: "maybe"},
    )
    ongoing = services.meeting_schedule(
        cluster=world.cluster,
        by=coordinator,
        title="Comissió de seguiment del fons compartit d'emergència habitacional",
        starts_at=NOW - timedelta(minutes=30),
        ends_at=NOW + timedelta(minutes=90),
        place="Ateneu popular",
        agenda=["Estat dels comptes", "Propers passos de la difusió del fons al barri"],
    )
    return held, coming, ongoing


def test_the_meetings_and_the_calendar_fit_a_phone_in_catalan(
    world: World, meetings, live_server, new_page, visits, shot
):
    held, coming, ongoing = meetings
    base = live_server.url
    slug = world.cluster.slug
    for email, person in [
        ("coordinator@example.org", "coordinator"),
        ("representative@example.org", "representative"),
    ]:
        page = new_page("ca")
        page.set_viewport_size(PHONE)
        log_in(page, base, email, "ca", visits.check)
        pages = [
            ("list", reverse("meetings:list", args=[slug]), t("ca", "Meetings")),
            ("held", held.get_absolute_url(), held.title),
            ("coming", coming.get_absolute_url(), coming.title),
            ("calendar", reverse("meetings:cluster-calendar", args=[slug]), t("ca", "Calendar")),
            ("my-calendar", reverse("meetings:my-calendar"), t("ca", "Your calendar")),
        ]
        if person == "coordinator":
            pages += [
                (
                    "schedule",
                    reverse("meetings:schedule", args=[slug]),
                    t("ca", "Schedule a meeting"),
                ),
                ("not-started", reverse("meetings:close", args=[slug, coming.pk]), None),
                ("close", reverse("meetings:close", args=[slug, ongoing.pk]), None),
            ]
        for name, path, heading in pages:
            page.goto(f"{base}{path}")
            expect(page.locator("html")).to_have_attribute("lang", "ca")
            if heading:
                expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            shot(page, f"meetings-ca-390-{person}-{name}")
            assert page_overflow(page) <= 0, f"{name} scrolls sideways on a phone as {person}"
        # The calendar lists the coming meeting at its time in the cluster's zone.
        page.goto(f"{base}{reverse('meetings:cluster-calendar', args=[slug])}")
        visits.check(page)
        entry = page.locator("main li", has_text=coming.title)
        expect(entry).to_contain_text("10:30")
