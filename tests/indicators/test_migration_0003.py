"""The migration that adds the indicator rules to the database repairs the two aggregation
mistakes the form used to let through, and stops, naming them, on indicators that break
another rule (they need a person's judgement)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("indicators", "0002_objective_status")]
AFTER = [("indicators", "0003_indicator_form_invariants")]


def old_indicator(code: str = "OLD1", **fields):
    """An indicator written with the models as they were before the migration."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    cluster, _ = old.get_model("clusters", "Cluster").objects.get_or_create(
        slug="old-cluster", defaults={"name": "Old cluster", "kind": "social"}
    )
    objective, _ = old.get_model("indicators", "Objective").objects.get_or_create(
        cluster=cluster, code="O1", defaults={"statement": "Old objective"}
    )
    values = {
        "type": "outcome",
        "measure": "number",
        "direction": "increase",
        "aggregation": "sum",
        "data_source": "survey",
        **fields,
    }
    return old.get_model("indicators", "Indicator").objects.create(
        cluster=cluster, objective=objective, code=code, name="Old indicator", **values
    )


def migrate_forward():
    MigrationExecutor(connection).migrate(AFTER)


def migrated_indicators():
    """The indicators as the migration left them (later columns do not exist yet)."""
    return (
        MigrationExecutor(connection)
        .loader.project_state(AFTER)
        .apps.get_model("indicators", "Indicator")
        .objects
    )


def test_summed_percentages_and_cumulative_decreases_are_repaired(back_to_latest):
    old_indicator("OLD1", measure="percentage", aggregation="sum")
    old_indicator("OLD2", direction="decrease", aggregation="sum", target_kind="cumulative")
    migrate_forward()
    assert migrated_indicators().get(code="OLD1").aggregation == "average"
    assert migrated_indicators().get(code="OLD2").aggregation == "latest"


def test_an_indicator_breaking_another_rule_stops_the_migration_and_is_named(back_to_latest):
    old = old_indicator(baseline_value=50, target_value=10)  # an increase going down
    with pytest.raises(RuntimeError, match="OLD1"):
        migrate_forward()
    old.delete()
