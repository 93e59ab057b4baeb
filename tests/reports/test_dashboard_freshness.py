"""The dashboard is kept rendered between writes, so that under load it is read rather
than recomputed; and no write ever leaves it showing the figure from before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import proposal_services
from tests.conftest import World


def figures(world: World, language: str = "en") -> dict[str, str]:
    """The key figures as the coordinator reads them: {label: number}."""
    client = world.client("coordinator")
    client.cookies["django_language"] = language
    response = client.get(reverse("reports:dashboard", args=[world.cluster.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index('class="figures"') : html.index("</ul>", html.index('class="figures"'))]
    return {
        re.sub(r"\s+", " ", label).strip(): number
        for number, label in re.findall(r"<strong>([^<]*)</strong>([^<]*)</a>", block)
    }


def read_queries(world: World) -> int:
    with CaptureQueriesContext(connection) as captured:
        figures(world)
    return len(captured.captured_queries)


def test_a_second_read_comes_from_the_cache(world: World):
    first = read_queries(world)
    again = read_queries(world)
    # What remains is the person, the session, the cluster and their access to it.
    assert again < first / 2, (first, again)


def test_a_validation_shows_on_the_next_read(world: World):
    assert figures(world)["reports awaiting validation"] == "1"
    response = world.client("coordinator").post(
        reverse("indicators:report-validate", args=[world.cluster.slug, world.report.pk])
    )
    assert response.status_code == 302
    assert figures(world)["reports awaiting validation"] == "0"


def test_a_position_taken_shows_on_the_next_read(world: World):
    before = figures(world)
    url = reverse("planning:stance-take", args=[world.cluster.slug, world.proposal.pk])
    response = world.client("member").post(url, {"position": "agree", "reason": ""})
    assert response.status_code == 302
    html = (
        world.client("coordinator")
        .get(reverse("reports:dashboard", args=[world.cluster.slug]))
        .content.decode()
    )
    # The world's open proposal waited for two entities; now it waits for one.
    assert '#stances-title">1</a> / 2' in html
    assert figures(world)["open proposals"] == before["open proposals"]


def test_a_write_by_a_service_shows_as_well(world: World):
    """Any write recorded in the cluster's log, not only those of the pages above."""
    assert figures(world)["open proposals"] == "1"
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])
    assert figures(world)["open proposals"] == "0"


def test_each_language_reads_its_own(world: World):
    assert "reports awaiting validation" in figures(world, "en")
    assert "informes per validar" in figures(world, "ca")
    assert "reports awaiting validation" in figures(world, "en")


@pytest.mark.parametrize("later", [timedelta(minutes=2), timedelta(days=1)])
def test_time_moving_on_is_read_too(world: World, clock, later, settings):
    """A proposal's time left and an action's lateness follow the clock, not writes."""
    if later < timedelta(days=1) and "redis" in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("Redis expires entries by its own clock, which the test's clock does not move")
    read_queries(world)
    clock.shift(later)
    assert read_queries(world) > read_queries(world)
