from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's periodic tasks are in its tasks module; the tasks its services queue live
# below the services, beside what they run (emails in notifications, rendering in jobs).
for module in ("tasks", "notifications", "jobs"):
    app.autodiscover_tasks(related_name=module)
