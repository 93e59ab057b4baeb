"""The rights analysis journey in a real browser, in Catalan and in English.

The representative of a member entity logs in, opens the cluster's rights analysis,
creates an issue, adds its consequences, its causes (after a first try without a level,
which must keep what was typed) and a group of rights-holders counted by sex and age, and
sees the problem tree. Then the coordinator tries to validate it: without a gender
analysis the issue stays a draft and the page says why. Last, an institution is kept out
of the analysis.

Texts are looked up through gettext in the page's language, as in the invitation journey,
so the assertions hold whether or not the project's strings are translated yet.

The catalogue of rights comes from a data migration, and live-server tests empty the
database after each test: the ``catalogue`` fixture loads it again when it is gone.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from actors.models import Actor, ActorUser
from clusters.models import Cluster, ClusterRole, Membership
from rights.models import Cause, Right, RightsIssue
from tests.e2e.conftest import Visits, skip_without_chromium
from tests.e2e.pages import alert_messages, cluster_bar, log_in, status_messages, t
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

LANGUAGES = ["ca", "en"]
ISSUE_TITLE = "Desnonaments sense alternativa habitacional"
ISSUE_DESCRIPTION = "Families with children are evicted with no social housing offered."
ISSUE_TERRITORY = "Nou Barris"
CONSEQUENCES = ("Children change school mid-year", "Families split between relatives")
CAUSE = "Rents rise faster than wages"
GROUP_NAME = "Families with children under eviction orders"
# Cells of the counts typed in (sex by age): the other boxes stay empty, unknown.
GROUP_COUNTS = {
    "sex=female|age=children": 4,
    "sex=female|age=adults": 6,
    "sex=male|age=adults": 3,
    "sex=nonbinary|age=adolescents": 1,
}


def box_name(cell: str) -> str:
    return "count_" + cell.replace("|", "__").replace("=", "_")


def part_field(page: Page, index: int, name: str):
    return page.locator(f"[name='items-{index}-{name}']")


class RightsCluster:
    def __init__(self, language: str) -> None:
        self.cluster: Cluster = ClusterFactory(
            name="Clúster pel dret a l'habitatge",
            slug="habitatge",
            common_goal="Adequate housing for every family in the neighbourhood.",
        )
        self.coordinator: User = UserFactory(
            email="coordinator@example.org",
            first_name="Montserrat",
            last_name="Roig",
            language=language,
        )
        lead = ActorFactory(name="Fundació Habitatge Digne")
        ActorUserFactory(user=self.coordinator, actor=lead, role=ActorUser.Role.ADMIN)
        MembershipFactory(cluster=self.cluster, actor=lead, role=Membership.Role.LEAD)
        ClusterRoleFactory(
            cluster=self.cluster, user=self.coordinator, role=ClusterRole.Role.COORDINATOR
        )

        self.member_actor: Actor = ActorFactory(name="Associació de Veïns de Roquetes")
        MembershipFactory(
            cluster=self.cluster, actor=self.member_actor, role=Membership.Role.MEMBER
        )
        self.representative: User = UserFactory(
            email="jordi.member@example.org",
            first_name="Jordi",
            last_name="Sala",
            language=language,
        )
        ActorUserFactory(
            user=self.representative, actor=self.member_actor, role=ActorUser.Role.ADMIN
        )

        institution = ActorFactory(name="Ajuntament de Barcelona", kind=Actor.Kind.OTHER)
        MembershipFactory(cluster=self.cluster, actor=institution, role=Membership.Role.INSTITUTION)
        self.institution_person: User = UserFactory(
            email="funder@example.org", first_name="Laia", last_name="Font", language=language
        )
        ActorUserFactory(user=self.institution_person, actor=institution, role=ActorUser.Role.ADMIN)


@pytest.fixture
def make_world(catalogue):
    return RightsCluster


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_analyses_a_right_and_the_coordinator_cannot_validate_without_gender(
    language, make_world, live_server, new_page, shot, visits: Visits
):
    world = make_world(language)
    cluster = world.cluster
    right = Right.objects.select_related("instrument").get(code="UDHR-25")
    page = new_page(language)

    def step(name: str) -> None:
        shot(page, f"rights-{language}-{name}")

    # 1. The member entity's representative logs in and opens the cluster.
    log_in(page, live_server.url, world.representative.email, language, visits.check)
    step("01-home")
    page.get_by_role("link", name=cluster.name).click()
    expect(page).to_have_url(f"{live_server.url}/c/{cluster.slug}/")
    step("02-overview")

    # 2. The "Rights analysis" tab of the cluster bar.
    cluster_bar(page).get_by_role("link", name=t(language, "Rights analysis")).click()
    list_url = f"{live_server.url}{reverse('rights:issue-list', args=[cluster.slug])}"
    expect(page).to_have_url(list_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Rights analysis"))
    expect(
        cluster_bar(page).get_by_role("link", name=t(language, "Rights analysis"))
    ).to_have_attribute("aria-current", "page")
    expect(page.locator("table tbody")).to_contain_text(t(language, "No rights issue yet."))
    step("03-list")

    # 3. A new issue: title, one right from the catalogue, description, territory.
    page.get_by_role("link", name=t(language, "New rights issue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "New rights issue"))
    form = page.locator("main form.card")
    form.locator("input[name=title]").fill(ISSUE_TITLE)
    with translation.override(language):
        right_label = str(right)
    form.get_by_role("checkbox", name=right_label, exact=True).check()
    form.locator("textarea[name=description]").fill(ISSUE_DESCRIPTION)
    form.locator("input[name=territory]").fill(ISSUE_TERRITORY)
    expect(form.locator("input[name=rights]:checked")).to_have_value(str(right.pk))
    step("04-new-issue")
    form.get_by_role("button", name=t(language, "Save")).click()

    # 4. Lands on the consequences part.
    issue = RightsIssue.objects.get(cluster=cluster)
    part_url = f"{live_server.url}/c/{cluster.slug}/rights/{issue.pk}/edit/"
    expect(page).to_have_url(f"{part_url}consequences/")
    expect(status_messages(page)).to_have_text(
        t(language, "The issue has been created. Now add its consequences and causes.")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(t(language, "Consequences"))
    expect(
        page.get_by_role("navigation", name=t(language, "Parts of the analysis")).get_by_role(
            "link", name=t(language, "Consequences")
        )
    ).to_have_attribute("aria-current", "page")
    for index, text in enumerate(CONSEQUENCES):
        part_field(page, index, "description").fill(text)
    step("05-consequences")
    page.locator("main form").get_by_role("button", name=t(language, "Save")).click()

    detail_url = f"{live_server.url}{issue.get_absolute_url()}"
    expect(page).to_have_url(detail_url)
    expect(status_messages(page)).to_have_text(
        t(language, "%(part)s saved.", part=t(language, "Consequences"))
    )
    consequences = page.locator("section[aria-labelledby=consequences-title] li")
    expect(consequences).to_have_count(2)
    expect(consequences.nth(0)).to_have_text(f"C1 {CONSEQUENCES[0]}")
    expect(consequences.nth(1)).to_have_text(f"C2 {CONSEQUENCES[1]}")

    # 5. The causes part: a cause without a level is refused, and nothing typed is lost.
    page.locator("main .actions").get_by_role(
        "link", name=t(language, "Causes"), exact=True
    ).click()
    expect(page).to_have_url(f"{part_url}causes/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t(language, "Causes"))
    part_field(page, 0, "description").fill(CAUSE)
    step("06-causes")
    page.locator("main form").get_by_role("button", name=t(language, "Save")).click()

    expect(page).to_have_url(f"{part_url}causes/")
    level = part_field(page, 0, "level")
    level_error = page.locator("#id_items-0-level_error")
    expect(level_error).to_have_text(t(language, "This field is required."))
    expect(level).to_have_attribute("aria-invalid", "true")
    expect(part_field(page, 0, "description")).to_have_value(CAUSE)
    expect(status_messages(page)).to_have_count(0)
    assert not Cause.objects.filter(issue=issue).exists()
    step("07-causes-error")

    level.select_option(Cause.Level.IMMEDIATE)
    boxes = part_field(page, 0, "consequences")
    expect(boxes).to_have_count(2)
    for text in CONSEQUENCES:
        page.locator("fieldset.part-item").first.get_by_label(text).check()
    expect(part_field(page, 0, "description")).to_have_value(CAUSE)
    step("08-causes-filled")
    page.locator("main form").get_by_role("button", name=t(language, "Save")).click()

    expect(page).to_have_url(detail_url)
    expect(status_messages(page)).to_have_text(
        t(language, "%(part)s saved.", part=t(language, "Causes"))
    )
    cause_row = page.locator("section[aria-labelledby=causes-title] tbody tr")
    expect(cause_row).to_have_count(1)
    # Level, the cause with what its chain misses, what it leads to, what it produces, who
    # answers for it: an immediate cause no underlying cause leads to is flagged.
    expect(cause_row.locator("td")).to_have_text(
        [t(language, "Immediate"), re.compile(re.escape(CAUSE)), "—", "C1, C2", "—"]
    )
    expect(cause_row).to_contain_text(
        t(language, "No underlying cause leads to this immediate cause.")
    )

    # 6. A group of rights-holders counted by sex and age band.
    page.locator("main .actions").get_by_role(
        "link", name=t(language, "Rights-holders"), exact=True
    ).click()
    expect(page).to_have_url(f"{part_url}groups/")
    part_field(page, 0, "name").fill(GROUP_NAME)
    part_field(page, 0, "description").fill("Counted by the neighbourhood association")
    for field, count in GROUP_COUNTS.items():
        part_field(page, 0, box_name(field)).fill(str(count))
    grid = page.locator("fieldset.part-item").first.locator("table.count-grid")
    expect(grid.locator("thead th")).to_have_count(5)
    expect(grid.locator("tbody th[scope=row]")).to_have_text(
        [t(language, "Women and girls"), t(language, "Men and boys"), t(language, "Non-binary")]
    )
    step("09-groups")
    page.locator("main form").get_by_role("button", name=t(language, "Save")).click()

    expect(page).to_have_url(detail_url)
    expect(status_messages(page)).to_have_text(
        t(language, "%(part)s saved.", part=t(language, "Rights-holders"))
    )

    # 7. The detail page and its problem tree.
    total = sum(GROUP_COUNTS.values())
    holders = page.locator("section[aria-labelledby=holders-title]")
    expect(holders.get_by_role("heading", level=3)).to_contain_text(GROUP_NAME)
    unknown = t(language, "unknown")

    def partly(known: int, unknown: int, cells: int = 4) -> str:
        words = "%(total)s, unknown in %(unknown)s of %(cells)s cells"
        return t(language, words, total=str(known), unknown=str(unknown), cells=str(cells))

    expect(holders.locator("table.count-grid tbody tr").nth(0).locator("td")).to_have_text(
        ["4", unknown, "6", unknown, partly(10, 2)]
    )
    # Each sex's total, then the group's at the foot of the table.
    expect(holders.locator("table.count-grid tbody tr td strong")).to_have_text(
        [partly(10, 2), partly(3, 3), partly(1, 3)]
    )
    expect(holders.locator("table.count-grid tfoot td strong")).to_have_text(
        partly(14, 8, cells=12)
    )
    tree = page.locator(".problem-tree svg[role=img]")
    expect(tree).to_have_count(1)
    expect(tree).to_be_visible()
    expect(tree).to_contain_text(CAUSE)
    expect(tree).to_contain_text("C1")
    expect(tree).to_contain_text(ISSUE_TITLE)
    expect(page.locator("main .page-head .badge")).to_have_text(t(language, "Draft"))
    # The representative cannot validate: only the coordinator can.
    expect(page.get_by_role("button", name=t(language, "Validate"))).to_have_count(0)
    step("10-detail")

    issue.refresh_from_db()
    assert list(issue.rights.values_list("code", flat=True)) == ["UDHR-25"]
    assert issue.title == ISSUE_TITLE
    assert issue.territory == ISSUE_TERRITORY
    assert issue.created_by == world.representative
    assert list(issue.consequences.values_list("description", flat=True)) == list(CONSEQUENCES)
    cause = issue.causes.get()
    assert cause.level == Cause.Level.IMMEDIATE
    assert sorted(cause.consequences.values_list("description", flat=True)) == sorted(CONSEQUENCES)
    group = issue.holder_groups.get()
    assert group.total.known == total and group.total.unknown == 12 - len(GROUP_COUNTS)
    assert group.cell_counts() == GROUP_COUNTS

    # 8. The coordinator, in another browser, tries to validate it.
    coordinator_page = new_page(language)
    log_in(coordinator_page, live_server.url, world.coordinator.email, language, visits.check)
    coordinator_page.goto(detail_url)
    problems = coordinator_page.get_by_role("note")
    expect(problems).to_contain_text(t(language, "The gender analysis is missing."))
    coordinator_page.get_by_role("button", name=t(language, "Validate")).click()

    expect(coordinator_page).to_have_url(detail_url)
    refusal = alert_messages(coordinator_page)
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text(t(language, "The issue cannot be validated yet."))
    expect(refusal).to_contain_text(t(language, "The gender analysis is missing."))
    expect(status_messages(coordinator_page)).to_have_count(0)
    expect(coordinator_page.locator("main .page-head .badge")).to_have_text(t(language, "Draft"))
    shot(coordinator_page, f"rights-{language}-11-validation-refused")

    issue.refresh_from_db()
    assert issue.status == RightsIssue.Status.DRAFT
    assert issue.validated_at is None
    assert issue.validated_by is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_institution_is_kept_out_of_the_rights_analysis(
    language, make_world, live_server, new_page, shot, visits: Visits
):
    world = make_world(language)
    cluster = world.cluster
    page = new_page(language)

    log_in(page, live_server.url, world.institution_person.email, language, visits.check)
    page.get_by_role("link", name=cluster.name).click()
    expect(page).to_have_url(f"{live_server.url}/c/{cluster.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(cluster.name)
    # The bar is there (Overview), without the rights analysis tab.
    expect(cluster_bar(page).get_by_role("link", name=t(language, "Overview"))).to_be_visible()
    expect(
        cluster_bar(page).get_by_role("link", name=t(language, "Rights analysis"))
    ).to_have_count(0)
    list_path = reverse("rights:issue-list", args=[cluster.slug])
    expect(page.locator(f"a[href='{list_path}']")).to_have_count(0)
    shot(page, f"rights-{language}-institution-overview")

    response = page.goto(f"{live_server.url}{list_path}")
    assert response is not None and response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "You cannot do this"))
    expect(page.locator("main table")).to_have_count(0)
    shot(page, f"rights-{language}-institution-403")
