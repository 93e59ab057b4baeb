"""The migration that gives each piece of evidence the entity that attached it: the one
its author represents in the cluster, the lead first; none for a coordinator alone."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

# Actors as they were then too: their later name_key column would refuse the old rows.
BEFORE = [
    ("rights", "0003_dutybearer_message"),
    ("clusters", "0004_audit_report_actions"),
    ("actors", "0004_capacity_quantity_help"),
]
AFTER = [("rights", "0004_evidence_added_for")]


def test_evidence_belongs_to_the_entity_its_author_represents(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    cluster = old.get_model("clusters", "Cluster").objects.create(
        name="Old", slug="old", kind="social"
    )
    # People are of today's models: the accounts tables stay as they are.
    author = UserFactory(email="author@example.org")
    loner = UserFactory(email="coordinator-only@example.org")
    actor = old.get_model("actors", "Actor").objects.create(name="Entity", slug="entity")
    old.get_model("actors", "ActorUser").objects.create(
        user_id=author.pk, actor=actor, role="admin"
    )
    membership = old.get_model("clusters", "Membership").objects.create(
        cluster=cluster, actor=actor, role="member", status="active"
    )
    issue = old.get_model("rights", "RightsIssue").objects.create(
        cluster=cluster, number=1, title="Evictions"
    )
    evidence = old.get_model("rights", "Evidence")
    mine = evidence.objects.create(issue=issue, title="Census", url="https://e.org/1")
    theirs = evidence.objects.create(issue=issue, title="Law", url="https://e.org/2")
    evidence.objects.filter(pk=mine.pk).update(added_by_id=author.pk)
    evidence.objects.filter(pk=theirs.pk).update(added_by_id=loner.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("rights", "Evidence")
    assert new.objects.get(pk=mine.pk).added_for_id == membership.pk
    assert new.objects.get(pk=theirs.pk).added_for_id is None
