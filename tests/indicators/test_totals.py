"""The validated totals: kept by each validation, in its transaction, and what progress
reads, so that a page reads a few rows whatever the number of reports."""

from decimal import Decimal as D

import pytest
from django.db import transaction

from indicators import services
from indicators.models import ValidatedTotal
from indicators.progress import indicators_progress, period_cells
from indicators.totals import rebuild_cluster_totals
from tests.conftest import World


def totals(world: World) -> dict[str, tuple]:
    return {
        row.cell: (row.total, row.count)
        for row in ValidatedTotal.objects.filter(indicator=world.indicator, period=world.period)
    }


def lead_report(world: World, women: int, men: int):
    return services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=world.cluster.memberships.get(actor=world.lead),
        by=world.users["coordinator"],
        cells={"sex=female": women, "sex=male": men, "sex=nonbinary": 0},
        total=None,
        submit=True,
    )


def test_a_submitted_report_has_no_total_until_it_is_validated(world: World):
    assert totals(world) == {}
    assert indicators_progress([world.indicator])[world.indicator.pk].current is None


def test_each_validation_adds_its_entity_to_the_period_totals(world: World):
    coordinator = world.users["coordinator"]
    services.report_validate(report=world.report, by=coordinator)
    assert totals(world)["sex=female"] == (D(6), 1)
    assert indicators_progress([world.indicator])[world.indicator.pk].current == D(10)

    services.report_validate(report=lead_report(world, women=3, men=2), by=coordinator)
    assert totals(world) == {
        "": (D(15), 2),
        "sex=female": (D(9), 2),
        "sex=male": (D(6), 2),
        "sex=nonbinary": (D(0), 2),
    }
    assert indicators_progress([world.indicator])[world.indicator.pk].current == D(15)
    assert period_cells(world.indicator)[world.period.pk]["sex=female"].value == D(9)


def test_a_validation_that_fails_leaves_the_totals_as_they_were(world: World):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_validate(report=world.report, by=world.users["coordinator"])
        raise RuntimeError("the transaction does not commit")
    assert totals(world) == {}
    world.report.refresh_from_db()
    assert world.report.is_submitted


def test_a_rebuild_gives_what_the_validations_gave_and_leaves_other_clusters(world: World):
    coordinator = world.users["coordinator"]
    services.report_validate(report=world.report, by=coordinator)
    services.report_validate(report=lead_report(world, women=3, men=2), by=coordinator)
    other_indicator = world.other_cluster.indicators.first()
    services.periods_ensure(world.other_cluster)
    ValidatedTotal.objects.create(
        indicator=other_indicator,
        period=world.other_cluster.periods.first(),
        total=D(7),
        count=1,
        weighted_count=0,
    )
    kept = totals(world)
    other = ValidatedTotal.objects.filter(indicator=other_indicator).count()

    ValidatedTotal.objects.filter(indicator=world.indicator).update(total=D(999))
    assert rebuild_cluster_totals(world.cluster) == len(kept)
    assert totals(world) == kept
    assert ValidatedTotal.objects.filter(indicator=other_indicator).count() == other
