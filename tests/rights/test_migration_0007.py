"""The migration that turns a group's twelve sex-by-age columns into cells: every number
kept as entered, a 0 included (nobody can tell now whether it meant none or no data)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("rights", "0006_cause_chains"),
    ("clusters", "0009_audit_report_retried_period_reopened"),
]
AFTER = [("rights", "0007_holder_counts_by_cell")]


def test_the_twelve_counts_become_cells_and_a_zero_stays_zero(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    cluster = old.get_model("clusters", "Cluster").objects.create(
        name="Old", slug="old", kind="social"
    )
    issue = old.get_model("rights", "RightsIssue").objects.create(
        cluster=cluster, number=1, title="Evictions"
    )
    group = old.get_model("rights", "RightsHolderGroup").objects.create(
        issue=issue, name="Families", female_adults=118, male_children=104, nonbinary_adults=2
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    cells = {
        row.cell: row.count
        for row in new.get_model("rights", "RightsHolderCount").objects.filter(group_id=group.pk)
    }
    assert len(cells) == 12
    assert cells["sex=female|age=adults"] == 118
    assert cells["sex=male|age=children"] == 104
    assert cells["sex=nonbinary|age=adults"] == 2
    assert cells["sex=female|age=elderly"] == 0  # as entered: it may have meant no data
    assert sum(cells.values()) == 224
    migrated = new.get_model("clusters", "Cluster").objects.get(pk=cluster.pk)
    assert (migrated.groups_by_sex, migrated.groups_by_age) == (True, True)
    assert not migrated.groups_by_disability and not migrated.groups_by_migration
