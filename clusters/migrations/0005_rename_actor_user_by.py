from django.db import migrations


class Migration(migrations.Migration):
    """The person who did what the entry records is a user, not an actor (an entity)."""

    dependencies = [("clusters", "0004_audit_report_actions")]

    operations = [
        migrations.RenameField(model_name="auditentry", old_name="actor_user", new_name="by"),
    ]
