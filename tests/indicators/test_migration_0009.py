"""The migration that asks percentages for a numerator and a denominator: the reports
made before keep their percentages as they were reported, marked as having no denominator,
and their roll-up is the unweighted mean of them, said to be so."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import Indicator, Measurement
from indicators.progress import indicators_progress

BEFORE = [("indicators", "0008_verbose_names")]
AFTER = [("indicators", "0009_percentage_numerator_denominator")]


def old_report(old, code: str, measure: str, values: list[str]) -> None:
    """Validated reports of one entity each, written with the models of before."""
    cluster, _ = old.get_model("clusters", "Cluster").objects.get_or_create(
        slug="old-cluster", defaults={"name": "Old cluster", "kind": "social"}
    )
    objective, _ = old.get_model("indicators", "Objective").objects.get_or_create(
        cluster=cluster, code="O1", defaults={"statement": "Old objective"}
    )
    indicator = old.get_model("indicators", "Indicator").objects.create(
        cluster=cluster,
        objective=objective,
        code=code,
        name=code,
        type="outcome",
        measure=measure,
        direction="increase",
        aggregation="average" if measure == "percentage" else "sum",
        data_source="survey",
        target_value=Decimal(100),
    )
    period, _ = old.get_model("indicators", "ReportingPeriod").objects.get_or_create(
        cluster=cluster, start="2025-01-01", defaults={"end": "2025-03-31", "due": "2025-04-30"}
    )
    for n, value in enumerate(values):
        actor = old.get_model("actors", "Actor").objects.create(
            name=f"Entity {code} {n}", slug=f"{code.lower()}-{n}"
        )
        membership = old.get_model("clusters", "Membership").objects.create(
            cluster=cluster, actor=actor, role="member"
        )
        report = old.get_model("indicators", "MeasurementReport").objects.create(
            indicator=indicator, period=period, membership=membership, status="validated"
        )
        report.measurements.create(cell="", value=Decimal(value))


def test_existing_percentages_keep_their_value_with_no_denominator(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old_report(old, "SHARE", "percentage", ["45.5", "80"])
    old_report(old, "PEOPLE", "number", ["12"])

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps.get_model("indicators", "Measurement")
    kept = sorted(
        new.objects.filter(report__indicator__code="SHARE").values_list("value", flat=True)
    )
    assert kept == [Decimal("45.5"), Decimal("80")], "the percentages as they were reported"
    assert not new.objects.filter(numerator__isnull=False).exists()
    assert not new.objects.filter(denominator__isnull=False).exists()


def test_migrated_percentages_roll_up_as_the_unweighted_mean(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_report(executor.loader.project_state(BEFORE).apps, "SHARE", "percentage", ["45.5", "80"])
    executor = MigrationExecutor(connection)
    # The models below are today's: every later migration too (0010 adds the yes/no
    # indicator's metadata sheet), not only 0009.
    executor.migrate(executor.loader.graph.leaf_nodes("indicators"))

    indicator = Indicator.objects.get(code="SHARE")
    assert all(not m.has_denominator for m in Measurement.objects.all())
    progress = indicators_progress([indicator])[indicator.pk]
    assert progress.current == Decimal("62.75"), "(45.5 + 80) / 2: no weights to give"
    assert progress.unweighted, "the page says the figure is unweighted"
