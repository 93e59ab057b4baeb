"""The whole cycle of a cluster in a real browser, once in Catalan and once in English.

A coordinator creates a cluster, agrees an objective and an indicator, and invites a
member entity and an institution; both invited people join through their emailed links.
The member proposes a joint action; the coordinator opens it; both entities take
positions; the coordinator closes the decision. The member reports a measurement and the
coordinator validates it. The coordinator asks for the dossier and publishes it; the
institution logs in and downloads the PDF, whose text is read back.

Every page on the way is checked by axe-core (``shot``) and screenshotted in
/tmp/e2e-shots/cycle-<language>-*.png.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from actors.models import Actor, ActorUser
from clusters.models import Cluster, Membership
from core.words import de
from indicators.models import Indicator, MeasurementReport
from planning.models import Decision, Proposal
from reports.models import ReportJob
from tests.e2e.conftest import Visits, skip_without_chromium
from tests.e2e.pages import (
    alert_messages,
    cluster_bar,
    log_in,
    log_out,
    status_messages,
    submit,
    t,
    tc,
)
from tests.factories import ActorFactory, ActorUserFactory, UserFactory

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGES = ["ca", "en"]
NEW_PASSWORD = "correct-horse-battery-staple-91"
LINK_RE = re.compile(r"https?://\S+/invitations/[^/\s]+/")

CLUSTER_NAME = "Xarxa pel dret a l'habitatge de Nou Barris"
MEMBER = ("Associació de Veïns de Roquetes", "jordi.member@example.org", "Jordi", "Sala")
INSTITUTION = ("Ajuntament de Barcelona", "laia.funder@example.org", "Laia", "Font")
KINDS = {MEMBER: Actor.Kind.COMMUNITY_GROUP, INSTITUTION: Actor.Kind.PUBLIC_ADMINISTRATION}
OBJECTIVE = "Cap família desnonada sense alternativa habitacional"
INDICATOR = "Famílies acompanyades en processos de desnonament"
PROPOSAL = "Oficina compartida d'acompanyament als desnonaments"
MEASURED = "37"


class Cycle:
    """One browser per person, and what the journey has made so far."""

    def __init__(self, language: str, base_url: str, new_page, shot, visits: Visits):
        self.language = language
        self.base_url = base_url
        self.new_page = new_page
        self.shot = shot
        self.visits = visits
        self.step = 0
        self.cluster: Cluster | None = None

    def t(self, message: str, **values: object) -> str:
        return t(self.language, message, **values)

    def look(self, page: Page, name: str) -> None:
        """axe-core and a screenshot of the page as it is now."""
        self.step += 1
        self.shot(page, f"cycle-{self.language}-{self.step:02d}-{name}")

    def browser_for(self, email: str) -> Page:
        page = self.new_page(self.language)
        log_in(page, self.base_url, email, self.language, self.visits.check)
        return page

    def tab(self, page: Page, name: str) -> None:
        """Follow a tab of the cluster bar, and see it marked as the current page."""
        link = cluster_bar(page).get_by_role("link", name=self.t(name), exact=True)
        link.click()
        expect(link).to_have_attribute("aria-current", "page")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture
def coordinator(catalogue):
    """The one thing made beforehand: a person who runs an entity (sign-up is by
    invitation only, and someone has to start)."""
    person = UserFactory(
        email="montserrat.coordinator@example.org", first_name="Montserrat", last_name="Roig"
    )
    entity = ActorFactory(name="Fundació Habitatge Digne", kind=Actor.Kind.NGO)
    ActorUserFactory(user=person, actor=entity, role=ActorUser.Role.ADMIN)
    return person


def create_cluster(cycle: Cycle, page: Page) -> Cluster:
    page.get_by_role("link", name=cycle.t("Create a cluster")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cycle.t("Create a cluster"))
    form = page.locator("main form.card")
    form.locator("input[name=name]").fill(CLUSTER_NAME)
    form.locator("textarea[name=common_goal]").fill(
        "Que cap família del districte perdi l'habitatge sense una alternativa digna."
    )
    form.locator("input[name=territory]").fill("Nou Barris")
    form.get_by_label(cycle.t("Kind")).select_option(label=cycle.t("Social cluster"))
    cycle.look(page, "create-cluster")
    submit(page, form.get_by_role("button", name=cycle.t("Create the cluster")))

    expect(page).to_have_url(re.compile(r"/c/[-\w]+/members/$"))
    expect(status_messages(page)).to_have_count(1)
    cluster = Cluster.objects.get(name=CLUSTER_NAME)
    assert page.url == cycle.url(reverse("clusters:members", args=[cluster.slug]))
    cycle.look(page, "cluster-created")
    return cluster


def invite(cycle: Cycle, page: Page, invited: tuple[str, ...], role: str) -> None:
    entity, email, *_ = invited
    form = page.locator(
        f"form[action='{reverse('clusters:invitation-create', args=[cycle.cluster.slug])}']"
    )
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=actor_name]").fill(entity)
    form.locator("select[name=actor_kind]").select_option(KINDS[invited])
    form.locator("select[name=role]").select_option(role)
    submit(page, form.get_by_role("button", name=cycle.t("Send the invitation")))
    expect(status_messages(page)).to_have_text(
        cycle.t(
            "An invitation has been sent to %(email)s for %(entity)s.", email=email, entity=entity
        )
    )
    cycle.look(page, f"invited-{role}")


def agree_objective_and_indicator(cycle: Cycle, page: Page) -> Indicator:
    cycle.tab(page, "Objectives and indicators")
    cycle.look(page, "objectives-empty")
    page.get_by_role("link", name=cycle.t("New objective")).click()
    form = page.locator("main form.card")
    form.locator("input[name=code]").fill("O1")
    form.locator("textarea[name=statement]").fill(OBJECTIVE)
    cycle.look(page, "new-objective")
    submit(page, form.get_by_role("button", name=cycle.t("Save")))
    expect(page.locator("main")).to_contain_text(OBJECTIVE)
    cycle.look(page, "objective-saved")

    page.get_by_role("link", name=cycle.t("New indicator")).click()
    form = page.locator("main form.card")
    form.locator("select[name=objective]").select_option(label=f"O1 · {OBJECTIVE}")
    form.locator("input[name=code]").fill("I1")
    form.locator("input[name=name]").fill(INDICATOR)
    form.get_by_label(cycle.t("Type")).select_option(label=cycle.t("Outcome"))
    form.locator("select[name=measure]").select_option(Indicator.Measure.NUMBER)
    form.locator("input[name=unit]").fill("famílies")
    form.locator("select[name=direction]").select_option(Indicator.Direction.INCREASE)
    form.locator("select[name=aggregation]").select_option(Indicator.Aggregation.SUM)
    form.locator("select[name=data_source]").select_option(Indicator.Source.ADMINISTRATIVE)
    form.locator("input[name=target_value]").fill("120")
    cycle.look(page, "new-indicator")
    submit(page, form.get_by_role("button", name=cycle.t("Save")))
    expect(page).to_have_url(re.compile(r"/indicators/\d+/$"))
    indicator = Indicator.objects.get(cluster=cycle.cluster, code="I1")
    expect(page).to_have_url(cycle.url(indicator.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_contain_text(INDICATOR)
    cycle.look(page, "indicator-saved")
    return indicator


def join(cycle: Cycle, invited: tuple[str, ...], link: str, name: str) -> Page:
    entity, email, first_name, last_name = invited
    page = cycle.new_page(cycle.language)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(cycle.t("Invitation to a cluster"))
    expect(page.locator("#invited-email")).to_have_value(email)
    page.locator("input[name=first_name]").fill(first_name)
    page.locator("input[name=last_name]").fill(last_name)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    cycle.look(page, f"{name}-signup")
    submit(page, page.get_by_role("button", name=cycle.t("Create my account and join")))

    expect(page).to_have_url(cycle.url(cycle.cluster.get_absolute_url()))
    expect(status_messages(page)).to_have_text(
        cycle.t(
            "Welcome! %(entity)s is now part of %(de_cluster)s.",
            entity=entity,
            de_cluster=de(cycle.cluster.name, cycle.language),
        )
    )
    cycle.look(page, f"{name}-welcome")
    return page


def propose(cycle: Cycle, page: Page) -> Proposal:
    cycle.tab(page, "Proposals")
    cycle.look(page, "proposals")
    page.get_by_role("link", name=cycle.t("New proposal")).click()
    form = page.locator("main form.card")
    form.locator("input[name=title]").fill(PROPOSAL)
    form.locator("textarea[name=description]").fill(
        "Una oficina de barri, dues tardes per setmana, amb advocacia i treball social."
    )
    form.locator("textarea[name=rationale]").fill("Cada entitat ja acompanya famílies sola.")
    form.locator("input[name=estimated_cost]").fill("18000")
    cycle.look(page, "new-proposal")
    submit(page, form.get_by_role("button", name=cycle.t("Save")))
    expect(page).to_have_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get(cluster=cycle.cluster)
    expect(page).to_have_url(
        cycle.url(reverse("planning:proposal-detail", args=[cycle.cluster.slug, proposal.pk]))
    )
    cycle.look(page, "proposal-draft")
    submit(page, page.get_by_role("button", name=cycle.t("Submit to the coordinator")))
    expect(status_messages(page)).to_have_count(1)
    cycle.look(page, "proposal-submitted")
    return proposal


def take_position(cycle: Cycle, page: Page, position: str, reason: str, name: str) -> None:
    path = reverse("planning:stance-take", args=[cycle.cluster.slug, cycle.proposal.pk])
    form = page.locator(f"form[action='{path}']")
    form.get_by_label(cycle.t(position), exact=True).check()
    form.locator("textarea[name=reason]").fill(reason)
    submit(page, form.get_by_role("button"))
    expect(status_messages(page)).to_have_count(1)
    cycle.look(page, f"{name}-position")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_whole_cycle_of_a_cluster(
    language, coordinator, live_server, site_url, new_page, shot, visits, tmp_path
):
    cycle = Cycle(language, live_server.url, new_page, shot, visits)

    # 1. The coordinator creates the cluster, its objective and indicator, and invites.
    coordination = cycle.browser_for(coordinator.email)
    cycle.cluster = create_cluster(cycle, coordination)
    invite(cycle, coordination, MEMBER, Membership.Role.MEMBER)
    invite(cycle, coordination, INSTITUTION, Membership.Role.INSTITUTION)
    indicator = agree_objective_and_indicator(cycle, coordination)
    links = {message.to[0]: LINK_RE.findall(message.body)[0] for message in mail.outbox}

    # 2. The invited representative and the institution join through their links.
    member = join(cycle, MEMBER, links[MEMBER[1]], "member")
    institution = join(cycle, INSTITUTION, links[INSTITUTION[1]], "institution")
    log_out(institution, language)

    # 3. The member proposes a joint action and submits it.
    cycle.proposal = propose(cycle, member)

    # 4. The coordinator opens it for positions, and takes the lead entity's.
    coordination.goto(
        cycle.url(reverse("planning:proposal-detail", args=[cycle.cluster.slug, cycle.proposal.pk]))
    )
    closes = timezone.localtime() + timedelta(days=7)
    coordination.locator("input[name=closes_at]").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    cycle.look(coordination, "proposal-to-open")
    submit(
        coordination,
        coordination.get_by_role(
            "button",
            name=tc(cycle.language, "button that opens a proposal for positions", "Open"),
            exact=True,
        ),
    )
    expect(status_messages(coordination)).to_have_count(1)
    cycle.look(coordination, "proposal-open")
    take_position(cycle, coordination, "Agree", "", "lead")

    # 5. The member takes its position, with a reason.
    member.reload()
    take_position(cycle, member, "Agree", "Hi posem una advocada dues tardes.", "member")

    # 6. The coordinator closes the decision: adopted by consensus.
    coordination.reload()
    coordination.locator("textarea[name=minutes]").fill("Acord per consens a l'assemblea.")
    submit(coordination, coordination.get_by_role("button", name=cycle.t("See the outcome")))
    cycle.look(coordination, "decision-preview")
    submit(
        coordination,
        coordination.get_by_role("button", name=cycle.t("Confirm and record the decision")),
    )
    expect(status_messages(coordination)).to_have_count(1)
    cycle.look(coordination, "decided")
    cycle.proposal.refresh_from_db()
    assert cycle.proposal.status == Proposal.Status.DECIDED
    assert cycle.proposal.decisions.get().outcome == Decision.Outcome.ADOPTED

    # 7. The member reports a measurement of the current period and submits it.
    cycle.tab(member, "Objectives and indicators")
    cycle.look(member, "member-objectives")
    cycle.tab(member, "To do")
    cycle.look(member, "member-todo")
    member.get_by_role("link", name=re.compile(re.escape(indicator.code))).first.click()
    member.locator("input[name=total]").fill(MEASURED)
    member.locator("textarea[name=comment]").fill("Comptades a l'oficina del barri.")
    cycle.look(member, "member-report")
    submit(member, member.get_by_role("button", name=cycle.t("Submit for validation")))
    expect(status_messages(member)).to_have_count(1)
    cycle.look(member, "member-reported")
    report = MeasurementReport.objects.get(indicator=indicator)
    assert report.status == MeasurementReport.Status.SUBMITTED

    # 8. The coordinator validates it from the validation queue.
    cycle.tab(coordination, "Validation")
    queue = coordination.locator("main table tbody tr")
    expect(queue).to_have_count(1)
    expect(queue).to_contain_text(MEMBER[0])
    cycle.look(coordination, "validation-queue")
    submit(coordination, queue.get_by_role("button", name=cycle.t("Validate")))
    expect(status_messages(coordination)).to_have_count(1)
    cycle.look(coordination, "validated")
    report.refresh_from_db()
    assert report.status == MeasurementReport.Status.VALIDATED

    # 9. The coordinator asks for the dossier in the journey's language, and publishes it.
    cycle.tab(coordination, "Reports")
    cycle.look(coordination, "reports")
    form = coordination.locator(
        f"form[action='{reverse('reports:request', args=[cycle.cluster.slug])}']"
    )
    form.get_by_label(cycle.t("Dossier of the cluster"), exact=True).check()
    form.locator("select[name=language]").select_option(language)
    submit(coordination, form.get_by_role("button", name=cycle.t("Prepare the report")))
    expect(coordination).to_have_url(re.compile(r"/reports/\d+/$"))
    job = ReportJob.objects.get(cluster=cycle.cluster)
    expect(coordination).to_have_url(cycle.url(job.get_absolute_url()))
    expect(coordination.get_by_role("link", name=cycle.t("Download the PDF"))).to_be_visible()
    cycle.look(coordination, "dossier-ready")
    submit(
        coordination,
        coordination.get_by_role("button", name=cycle.t("Publish for the institutions")),
    )
    expect(status_messages(coordination)).to_have_count(1)
    cycle.look(coordination, "dossier-published")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.published_at is not None

    # 10. The institution logs in and downloads it from the published reports.
    log_in(institution, live_server.url, INSTITUTION[1], language, visits.check, NEW_PASSWORD)
    institution.goto(cycle.url(reverse("reports:published")))
    published = institution.locator("main table tbody tr")
    expect(published).to_have_count(1)
    expect(published).to_contain_text(CLUSTER_NAME)
    cycle.look(institution, "institution-published")
    with institution.expect_download() as download:
        published.get_by_role("link", name=cycle.t("PDF")).click()
    pdf = tmp_path / "dossier.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    for expected in (CLUSTER_NAME, OBJECTIVE, INDICATOR, PROPOSAL, MEMBER[0], INSTITUTION[0]):
        assert expected in text, expected
    assert cycle.t("Contents") in text
    assert not alert_messages(institution).count()


def pdf_text(path: Path) -> str:
    """The PDF's text with its line breaks joined, as a reader would search it."""
    raw = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(raw.split())
