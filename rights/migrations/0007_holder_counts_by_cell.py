"""A rights-holder group's counts become cells of the dimensions its cluster chooses
(RightsHolderCount), so that a count nobody knows is unknown rather than 0.

The twelve sex × age columns are copied as they were entered, 0 included: a 0 may have
meant "none" or "no data" (the form asked for 0 where there was no data), and nobody can
tell which now, so it stays what the person wrote. Only the new form tells them apart.
"""

import django.db.models.deletion
import rights.models
from django.db import migrations, models


SEXES = ("female", "male", "nonbinary")
AGE_BANDS = ("children", "adolescents", "adults", "elderly")


def copy_counts(apps, schema_editor):
    Group = apps.get_model("rights", "RightsHolderGroup")
    Count = apps.get_model("rights", "RightsHolderCount")
    rows = [
        Count(group_id=group.pk, cell=f"sex={sex}|age={age}", count=getattr(group, f"{sex}_{age}"))
        for group in Group.objects.iterator()
        for sex in SEXES
        for age in AGE_BANDS
    ]
    Count.objects.bulk_create(rows, batch_size=500)


def copy_back(apps, schema_editor):
    Group = apps.get_model("rights", "RightsHolderGroup")
    Count = apps.get_model("rights", "RightsHolderCount")
    for group in Group.objects.iterator():
        known = {row.cell: row.count for row in Count.objects.filter(group_id=group.pk)}
        for sex in SEXES:
            for age in AGE_BANDS:
                # The old columns had no "unknown": an unknown cell goes back as 0.
                setattr(group, f"{sex}_{age}", known.get(f"sex={sex}|age={age}") or 0)
        group.save()


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0006_cause_chains"),
        ("clusters", "0010_holder_dimensions"),
    ]

    operations = [
        migrations.CreateModel(
            name="RightsHolderCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "cell",
                    models.CharField(
                        max_length=100,
                        validators=[rights.models.validate_cell],
                        verbose_name="cell",
                    ),
                ),
                ("count", models.PositiveIntegerField(verbose_name="people")),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counts",
                        to="rights.rightsholdergroup",
                        verbose_name="group",
                    ),
                ),
            ],
            options={
                "verbose_name": "count of rights-holders",
                "verbose_name_plural": "counts of rights-holders",
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("group", "cell"), name="rightsholdercount_one_per_cell"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_counts, copy_back),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="female_adolescents",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="female_adults",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="female_children",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="female_elderly",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="male_adolescents",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="male_adults",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="male_children",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="male_elderly",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="nonbinary_adolescents",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="nonbinary_adults",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="nonbinary_children",
        ),
        migrations.RemoveField(
            model_name="rightsholdergroup",
            name="nonbinary_elderly",
        ),
    ]
