from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Cluster health")

    def ready(self) -> None:
        from accounts import personal_data
        from health.personal_data import PART

        personal_data.register(PART)
