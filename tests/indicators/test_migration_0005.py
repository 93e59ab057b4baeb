"""indicators.Report becomes MeasurementReport: its rows, values and history stay, and the
people and groups given a permission on reports keep it under the new name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import MeasurementReport
from tests.indicators.test_migration_0004 import reported

BEFORE = [("indicators", "0004_indicator_is_count"), ("actors", "0004_capacity_quantity_help")]


@pytest.mark.parametrize("made_again", [False, True], ids=["old only", "both names"])
def test_reports_and_their_permissions_survive_the_rename(back_to_latest, made_again):
    # The migrate command, not the executor alone: it renames the content types too.
    call_command("migrate", "indicators", BEFORE[0][1], verbosity=0)
    call_command("migrate", "actors", BEFORE[1][1], verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    reported(old, "PEOPLE", "12", "5", "7")
    # The permissions as the site had them before the rename, one given to a group.
    content_type = ContentType.objects.get(app_label="indicators", model="report")
    Permission.objects.filter(content_type=content_type).delete()
    change = Permission.objects.create(
        content_type=content_type, codename="change_report", name="Can change report"
    )
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.permissions.add(change)
    if made_again:  # a site that ran post_migrate between the two migrations
        Permission.objects.create(
            content_type=content_type,
            codename="change_measurementreport",
            name="Can change measurement report",
        )

    call_command("migrate", verbosity=0)

    report = MeasurementReport.objects.get(indicator__code="PEOPLE")
    assert report.measurements.get(cell="").value == Decimal("12")
    assert list(reviewers.permissions.values_list("codename", flat=True)) == [
        "change_measurementreport"
    ]
    assert not Permission.objects.filter(codename="change_report").exists()
