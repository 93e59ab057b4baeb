from django.db import migrations, models


def amounts_are_not_counts(apps, schema_editor):
    """Numbers already reported with decimals or below zero are amounts (euros, days), not
    counts: they keep taking such values. Every other number is a count."""
    Indicator = apps.get_model("indicators", "Indicator")
    Measurement = apps.get_model("indicators", "Measurement")
    values = Measurement.objects.filter(report__indicator__measure="number").values_list(
        "report__indicator", "value"
    )
    amounts = {
        indicator for indicator, value in values.iterator() if value < 0 or value % 1 != 0
    }
    Indicator.objects.filter(pk__in=amounts).update(is_count=False)


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0003_indicator_form_invariants"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="is_count",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "For numbers: people, households or cases, reported as whole numbers and "
                    "never negative. Untick it for amounts such as euros or days."
                ),
                verbose_name="a count",
            ),
        ),
        migrations.RunPython(amounts_are_not_counts, migrations.RunPython.noop),
    ]
