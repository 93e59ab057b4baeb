"""Issue 15, point 13: a member entity reports an indicator by sex, age band and
disability in the grid, sees the row, column and grand totals follow what it types, is
told when the cells exceed the total, and submits. On a phone the grid scrolls inside
its own box, never the page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actors.models import ActorUser
from clusters.models import Membership
from indicators import services
from indicators.models import Indicator, MeasurementReport, Objective
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import log_in, status_messages, submit, t
from tests.factories import (
    ActorFactory,
    ActorUserFactory,
    ClusterFactory,
    MembershipFactory,
    UserFactory,
)

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"


@pytest.fixture
def grid_world(db):
    cluster = ClusterFactory(name="Housing cluster", slug="housing-grid")
    entity = ActorFactory(name="Neighbours of Roquetes")
    MembershipFactory(cluster=cluster, actor=entity, role=Membership.Role.MEMBER)
    person = UserFactory(email="grid.member@example.org", language=LANGUAGE)
    ActorUserFactory(user=person, actor=entity, role=ActorUser.Role.ADMIN)
    objective = Objective.objects.create(cluster=cluster, code="O1", statement="Rehousing")
    indicator = Indicator.objects.create(
        cluster=cluster,
        objective=objective,
        code="I1",
        name="People rehoused",
        type="outcome",
        measure="number",
        unit="people",
        direction="increase",
        aggregation="sum",
        target_value=100,
        by_sex=True,
        by_age=True,
        by_disability=True,
        data_source="administrative",
    )
    services.periods_ensure(cluster)
    return cluster, indicator, cluster.periods.get(), person


def test_a_member_types_into_the_grid_and_sees_the_totals(
    grid_world, live_server, new_page, shot, visits
):
    cluster, indicator, period, person = grid_world
    page = new_page(LANGUAGE)
    log_in(page, live_server.url, person.email, LANGUAGE, visits.check)
    edit = reverse("indicators:report-edit", args=[cluster.slug, indicator.pk, period.pk])
    page.goto(f"{live_server.url}{edit}")
    grid = page.locator("table.report-grid")
    expect(grid.locator("input")).to_have_count(24)

    def box(sex: str, age: str, disability: str):
        return page.get_by_label(f"{sex}, {age}, {disability}", exact=True)

    women, men, adults = "Women and girls", "Men and boys", "Adults (18-64)"
    box(women, adults, "With disability").fill("3")
    box(women, adults, "Without disability").fill("4")
    box(men, adults, "Without disability").fill("5")

    row_totals = grid.locator("[data-row-total]")
    expect(row_totals.nth(2)).to_have_text("7")  # women, adults
    expect(row_totals.nth(6)).to_have_text("5")  # men, adults
    expect(grid.locator('[data-column-total="0"]')).to_have_text("3")
    expect(grid.locator('[data-column-total="1"]')).to_have_text("9")
    expect(grid.locator("[data-grand-total]")).to_have_text("12")

    # A total below the cells is pointed out at once (and refused by the server).
    page.locator("input[name=total]").fill("10")
    expect(page.locator("[data-grid-check]")).to_contain_text(
        "the cells add up to 12, the total is 10"
    )
    shot(page, "report-grid-01-typed-1280")
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert grid.locator("xpath=..").evaluate("wrap => wrap.scrollWidth > wrap.clientWidth")
    shot(page, "report-grid-02-typed-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("input[name=total]").fill("12")
    expect(page.locator("[data-grid-check]")).to_have_text("")
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Submit for validation")))
    expect(status_messages(page)).to_contain_text(t(LANGUAGE, "The report has been submitted."))
    shot(page, "report-grid-03-submitted")
    report = MeasurementReport.objects.get(indicator=indicator)
    values = {m.cell: m.value for m in report.measurements.all()}
    assert values[""] == 12
    assert values["sex=female|age=adults|disability=no"] == 4
