"""The migration that makes numbers counts unless their reports say otherwise: an
indicator already reported with decimals or below zero is an amount, and keeps taking
such values; the others are counts."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("indicators", "0003_indicator_form_invariants"),
    ("actors", "0004_capacity_quantity_help"),
]
AFTER = [("indicators", "0004_indicator_is_count")]


def reported(old, code: str, *values: str, measure: str = "number"):
    """An indicator with a report of these values, written with the models of before."""
    cluster, _ = old.get_model("clusters", "Cluster").objects.get_or_create(
        slug="old-cluster", defaults={"name": "Old cluster", "kind": "social"}
    )
    actor = old.get_model("actors", "Actor").objects.create(name=f"Entity {code}", slug=code)
    membership = old.get_model("clusters", "Membership").objects.create(
        cluster=cluster, actor=actor, role="member"
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
    )
    period, _ = old.get_model("indicators", "ReportingPeriod").objects.get_or_create(
        cluster=cluster, start="2025-01-01", defaults={"end": "2025-03-31", "due": "2025-04-30"}
    )
    report = old.get_model("indicators", "Report").objects.create(
        indicator=indicator, period=period, membership=membership
    )
    for n, value in enumerate(values):
        report.measurements.create(cell="" if n == 0 else f"sex=s{n}", value=Decimal(value))


def test_numbers_reported_with_decimals_or_below_zero_are_amounts(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    reported(old, "PEOPLE", "12", "5", "7")
    reported(old, "EUROS", "1500.50")
    reported(old, "BALANCE", "-3")
    reported(old, "SHARE", "45.5", measure="percentage")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    indicators = executor.loader.project_state(AFTER).apps.get_model("indicators", "Indicator")
    counts = dict(indicators.objects.values_list("code", "is_count"))
    assert counts == {"PEOPLE": True, "EUROS": False, "BALANCE": False, "SHARE": True}
