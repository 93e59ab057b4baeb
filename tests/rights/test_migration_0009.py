"""The migration that splits the gender analysis into six parts and gives capacity gaps a
type and a group or duty-bearer: the old text becomes the first part, a validated issue's
missing parts say they were not analysed, and existing gaps keep their text."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rights.models import GENDER_FIELDS, GENDER_PART_MIN_LENGTH

BEFORE = [("rights", "0008_full_catalogue_general_comments_references")]
AFTER = [("rights", "0009_gaps_gender_parts_participation")]
OLD_TEXT = "Women head 41% of the households evicted, twice their share in the district."


def test_the_gender_analysis_becomes_its_first_part_and_gaps_keep_their_text(
    back_to_latest, settings
):
    settings.LANGUAGE_CODE = "en"  # the language the missing parts are marked in
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    cluster = old.get_model("clusters", "Cluster").objects.create(
        name="Old", slug="old", kind="social"
    )
    issues = old.get_model("rights", "RightsIssue").objects
    draft = issues.create(cluster=cluster, number=1, title="Draft", gender_analysis=OLD_TEXT)
    validated = issues.create(
        cluster=cluster,
        number=2,
        title="Validated",
        gender_analysis="Analysed",
        status="validated",
        validated_at="2026-01-10T10:00:00Z",
    )
    gap = old.get_model("rights", "CapacityGap").objects.create(
        issue=draft, side="duty_bearers", description="No emergency flats"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    issues = new.get_model("rights", "RightsIssue").objects
    draft = issues.get(pk=draft.pk)
    assert draft.gender_impact == OLD_TEXT
    assert all(getattr(draft, name) == "" for name in GENDER_FIELDS[1:])
    # A validated issue still meets the database's check, and says what it lacks.
    validated = issues.get(pk=validated.pk)
    assert validated.gender_impact.startswith("Analysed\n\n")
    for name in GENDER_FIELDS:
        text = getattr(validated, name)
        assert len(text.strip()) >= GENDER_PART_MIN_LENGTH
        assert "validated before the gender analysis had this part" in text
    gap = new.get_model("rights", "CapacityGap").objects.get(pk=gap.pk)
    assert (gap.description, gap.side, gap.type) == ("No emergency flats", "duty_bearers", "")
    assert gap.holder_group_id is None and gap.duty_bearer_id is None
