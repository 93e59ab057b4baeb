from django.db import migrations

# Frozen copy of ThematicArea.Code at the time of this migration: a later code needs a
# migration of its own.
CODES = [
    "housing", "health", "education", "employment", "social_inclusion", "gender_equality",
    "childhood", "elderly", "disability", "migration", "food", "energy", "environment",
    "water", "culture", "participation", "justice", "cooperation",
]


def create_areas(apps, schema_editor):
    ThematicArea = apps.get_model("actors", "ThematicArea")
    for code in CODES:
        ThematicArea.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("actors", "0001_initial")]

    operations = [migrations.RunPython(create_areas, migrations.RunPython.noop)]
