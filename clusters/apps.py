from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters")

    def ready(self) -> None:
        from accounts import personal_data
        from clusters.personal_data import PART

        personal_data.register(PART)
