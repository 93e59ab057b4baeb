from django.db import migrations

# RenameModel renames the table and the content type, not the permissions: a group given
# "change report" would lose it. They follow the model's new name here.
RENAMED = {
    "add_report": ("add_measurementreport", "Can add measurement report"),
    "change_report": ("change_measurementreport", "Can change measurement report"),
    "delete_report": ("delete_measurementreport", "Can delete measurement report"),
    "view_report": ("view_measurementreport", "Can view measurement report"),
}


def forward(apps, schema_editor):
    _rename(apps, RENAMED)


def backward(apps, schema_editor):
    _rename(
        apps,
        {new: (old, name.replace("measurement report", "report")) for old, (new, name) in RENAMED.items()},
    )


def _rename(apps, renames):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(
        app_label="indicators", model__in=["measurementreport", "report"]
    ).first()
    if content_type is None:  # permissions are made after the first migrate: none yet
        return
    for codename, (new_codename, new_name) in renames.items():
        old = Permission.objects.filter(content_type=content_type, codename=codename).first()
        if old is None:
            continue
        new = Permission.objects.filter(content_type=content_type, codename=new_codename).first()
        if new is None:
            old.codename, old.name = new_codename, new_name
            old.save(update_fields=["codename", "name"])
            continue
        # Both exist (made again after the rename): who held the old one holds the new.
        new.group_set.add(*old.group_set.all())
        new.user_set.add(*old.user_set.all())
        old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_rename_report_measurementreport"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
