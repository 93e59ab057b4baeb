from django.db import migrations


class Migration(migrations.Migration):
    """indicators.Report is a member's measurement report: named so, beside the reports
    app and its ReportJob. The table is renamed; rows and links stay."""

    dependencies = [
        ("indicators", "0004_indicator_is_count"),
        ("clusters", "0004_audit_report_actions"),
    ]

    operations = [
        migrations.RenameModel(old_name="Report", new_name="MeasurementReport"),
        migrations.AlterModelOptions(
            name="measurementreport",
            options={
                "ordering": ["period__start", "indicator__code"],
                "verbose_name": "measurement report",
                "verbose_name_plural": "measurement reports",
            },
        ),
        migrations.RenameIndex(
            model_name="measurementreport",
            new_name="report_status_indicator",
            old_name="indicators__status_45e542_idx",
        ),
    ]
