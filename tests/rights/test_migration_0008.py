"""The migration that completes the catalogue: from the first catalogue (27 treaty
articles) to every article of the nine treaties and the General Comments, keeping the rows
issues cite; and back."""

from __future__ import annotations

import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("rights", "0007_holder_counts_by_cell")]
AFTER = [("rights", "0008_full_catalogue_general_comments_references")]


def state(executor: MigrationExecutor, target: list) -> object:
    return executor.loader.project_state(target).apps


def with_a_catalogue(executor: MigrationExecutor) -> None:
    """At BEFORE, with the catalogue 0002 loads: an earlier test of a migration may have
    emptied the tables (a transactional test flushes them when it ends)."""
    apps = state(executor, BEFORE)
    if not apps.get_model("rights", "Instrument").objects.exists():
        importlib.import_module("rights.migrations.0002_catalogue").load(apps, None)


def test_the_catalogue_goes_back_to_the_first_one_and_forward_again(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    with_a_catalogue(executor)
    # Forward and back: what 0006 added goes, the first catalogue stays.
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = state(executor, BEFORE)
    Right = old.get_model("rights", "Right")
    treaty = Right.objects.filter(instrument__kind="treaty")
    assert treaty.count() == 27
    housing = Right.objects.get(code="ICESCR-11")
    first_links = importlib.import_module(f"rights.migrations.{AFTER[0][1]}").FIRST_LINKS
    assert "11.1" in first_links["ICESCR-11"].split()
    assert sorted(housing.sdg_targets.values_list("code", flat=True)) == sorted(
        first_links["ICESCR-11"].split()
    )
    assert not Right.objects.filter(code="ICMW-71").exists()
    # An issue of that time cites the right to housing.
    cluster = old.get_model("clusters", "Cluster").objects.create(
        name="Old", slug="old", kind="social"
    )
    issue = old.get_model("rights", "RightsIssue").objects.create(
        cluster=cluster, number=1, title="Evictions"
    )
    issue.rights.add(housing)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = state(executor, AFTER)
    Right = new.get_model("rights", "Right")
    assert Right.objects.filter(instrument__kind="treaty").count() == 251
    kept = Right.objects.get(code="ICESCR-11")
    assert kept.pk == housing.pk
    assert list(kept.issues.values_list("title", flat=True)) == ["Evictions"]
    linked = Right.objects.filter(instrument__kind="treaty", sdg_targets__isnull=False)
    assert linked.distinct().count() == 251 - 23  # definitions and procedure have none
    GeneralComment = new.get_model("rights", "GeneralComment")
    assert GeneralComment.objects.count() == 184
    assert GeneralComment.objects.get(body="CESCR", number=7).articles.filter(pk=kept.pk).exists()
