"""One person, two entities of one cluster, in a real browser (issue 15, point 1).

Jordi represents the neighbours' association and the tenants' union, both members of the
cluster. His home lists each entity once, with one link to the to-do page. In the cluster
bar he acts for the association first: he takes its position on the open proposal. In a
second tab he switches to the union; the form still open in the first tab changes the
association's position, the entity it was shown for. The page then asks for the union's
position, which he takes too: both count, and only the lead has not answered. He reports
the union's figure, switches back, and the association's report is still owed.

English only: the strings of this change reach the catalogues when the integrator merges
their translations. Every page is checked by axe-core and saved as
/tmp/e2e-shots/acting-for-*.png, at 1280 px and (the cluster bar) at 390 px.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from actors.models import ActorUser
from clusters.models import Membership
from indicators import services as indicator_services
from indicators.models import Indicator, MeasurementReport, Objective
from planning import proposal_services
from planning.models import Stance
from tests.e2e.conftest import Visits, skip_without_chromium
from tests.e2e.pages import log_in, status_messages, submit, t
from tests.factories import (
    ActorFactory,
    ActorUserFactory,
    ClusterFactory,
    ClusterRoleFactory,
    MembershipFactory,
    UserFactory,
)

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"
ASSOCIATION = "Associació Veïnal de Roquetes"
UNION = "Sindicat de Llogateres"
PROPOSAL = "Shared emergency housing fund"
INDICATOR = "Families advised"


def bar(page: Page):
    return page.locator(".cluster-bar .acting-for")


def act_for(page: Page, entity: str) -> None:
    """Choose the entity in the cluster bar and press its button."""
    choice = bar(page).get_by_label(t(LANGUAGE, "Acting for"))
    value = choice.locator("option", has_text=entity).get_attribute("value")
    choice.select_option(value=value)
    submit(page, bar(page).get_by_role("button", name=t(LANGUAGE, "Act for this entity")))
    expect(status_messages(page)).to_contain_text(
        t(LANGUAGE, "You now act for %(entity)s in this cluster.", entity=entity)
    )


@pytest.fixture
def cluster_of_two(transactional_db):
    cluster = ClusterFactory(name="Nou Barris housing cluster", slug="nou-barris")
    coordinator = UserFactory(email="coordinator@example.org", language=LANGUAGE)
    lead = ActorFactory(name="Fundació Llar")
    ActorUserFactory(user=coordinator, actor=lead, role=ActorUser.Role.ADMIN)
    MembershipFactory(cluster=cluster, actor=lead, role=Membership.Role.LEAD)
    ClusterRoleFactory(cluster=cluster, user=coordinator)
    jordi = UserFactory(
        email="jordi@example.org", first_name="Jordi", last_name="Serra", language=LANGUAGE
    )
    association = MembershipFactory(cluster=cluster, actor=ActorFactory(name=ASSOCIATION))
    union = MembershipFactory(cluster=cluster, actor=ActorFactory(name=UNION))
    ActorUserFactory(user=jordi, actor=association.actor, role=ActorUser.Role.ADMIN)
    ActorUserFactory(user=jordi, actor=union.actor, role=ActorUser.Role.REPRESENTATIVE)
    proposal = proposal_services.proposal_create(
        membership=association, by=jordi, title=PROPOSAL, description="For evicted families"
    )
    proposal_services.proposal_submit(proposal=proposal, by=jordi)
    proposal_services.proposal_open(
        proposal=proposal, by=coordinator, closes_at=timezone.now() + timedelta(days=7)
    )
    objective = Objective.objects.create(cluster=cluster, code="O1", statement="No eviction")
    indicator = Indicator.objects.create(
        cluster=cluster,
        objective=objective,
        code="I1",
        name=INDICATOR,
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        baseline_value=0,
        target_value=100,
        data_source="administrative",
    )
    indicator_services.periods_ensure(cluster)
    return cluster, proposal, indicator, association, union


def test_a_person_with_two_entities_acts_for_each(
    cluster_of_two, live_server, new_page, shot, visits: Visits
):
    cluster, proposal, indicator, association, union = cluster_of_two
    proposal_path = reverse("planning:proposal-detail", args=[cluster.slug, proposal.pk])
    page = new_page(LANGUAGE)
    log_in(page, live_server.url, "jordi@example.org", LANGUAGE, visits.check)

    # Home: each entity once, one link to the to-do page.
    card = page.locator(".card", has=page.get_by_role("link", name=cluster.name))
    expect(card.get_by_text(ASSOCIATION, exact=True)).to_have_count(1)
    expect(card.get_by_text(UNION, exact=True)).to_have_count(1)
    expect(card.get_by_role("link", name=t(LANGUAGE, "To do"))).to_have_count(1)
    shot(page, "acting-for-home")

    # The proposal, acting for the association (first in the alphabet, same role).
    page.goto(f"{live_server.url}{proposal_path}")
    expect(bar(page).locator("select[name=actor] option:checked")).to_contain_text(ASSOCIATION)
    stance_title = page.locator("#stance-title")
    expect(stance_title).to_contain_text(ASSOCIATION)
    shot(page, "acting-for-bar-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "acting-for-bar-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    stance = page.locator("form[action$='/stance/']")
    stance.get_by_label(t(LANGUAGE, "Agree"), exact=True).check()
    submit(page, stance.get_by_role("button", name=t(LANGUAGE, "Save the position")))
    expect(status_messages(page)).to_contain_text(
        t(LANGUAGE, "%(entity)s: the position has been saved.", entity=ASSOCIATION)
    )

    # In a second tab, he switches to the union; back on the page the choice was made on.
    other = page.context.new_page()
    visits.watch(other)
    other.goto(f"{live_server.url}{proposal_path}")
    shot(other, "acting-for-second-tab")
    act_for(other, UNION)
    expect(other).to_have_url(f"{live_server.url}{proposal_path}")
    expect(other.locator("#stance-title")).to_contain_text(UNION)
    shot(other, "acting-for-switched")
    other.close()

    # The first tab still shows the association's form: sending it changes the
    # association's position, not the union's.
    stance.get_by_label(t(LANGUAGE, "Abstain"), exact=True).check()
    submit(page, stance.get_by_role("button", name=t(LANGUAGE, "Save the position")))
    positions = dict(
        Stance.objects.filter(proposal=proposal).values_list("membership_id", "position")
    )
    assert positions == {association.pk: "abstain"}

    # Now the page is the union's, as chosen in the other tab; he takes its position.
    expect(stance_title).to_contain_text(UNION)
    stance.get_by_label(t(LANGUAGE, "Agree"), exact=True).check()
    submit(page, stance.get_by_role("button", name=t(LANGUAGE, "Save the position")))
    waiting = page.locator("p", has_text=t(LANGUAGE, "Not answered yet:"))
    expect(waiting).to_contain_text("Fundació Llar")
    expect(waiting).not_to_contain_text(UNION)
    expect(waiting).not_to_contain_text(ASSOCIATION)
    shot(page, "acting-for-both-positions")
    positions = dict(
        Stance.objects.filter(proposal=proposal).values_list("membership_id", "position")
    )
    assert positions == {association.pk: "abstain", union.pk: "agree"}

    # The union's report, from its own reporting page.
    page.get_by_role("navigation", name=t(LANGUAGE, "Cluster")).get_by_role(
        "link", name=t(LANGUAGE, "Our reports")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(UNION)
    shot(page, "acting-for-union-reports")
    page.get_by_role("row", name=INDICATOR).get_by_role("link").click()
    expect(page.locator("legend")).to_contain_text(UNION)
    shot(page, "acting-for-union-report-form")
    page.get_by_label(t(LANGUAGE, "Total")).fill("7")
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Submit for validation")))
    shot(page, "acting-for-union-reported")
    reports = MeasurementReport.objects.filter(indicator=indicator)
    assert [r.membership_id for r in reports] == [union.pk]

    # Back to the association: its report is still owed.
    act_for(page, ASSOCIATION)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ASSOCIATION)
    expect(page.get_by_role("row", name=INDICATOR)).to_contain_text(t(LANGUAGE, "Not started"))
    shot(page, "acting-for-association-reports")
    assert page.url == f"{live_server.url}{reverse('indicators:reporting', args=[cluster.slug])}"
