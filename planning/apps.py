from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Proposals, decisions and joint actions")

    def ready(self) -> None:
        from accounts import personal_data
        from coherence import resolutions
        from planning.coherence import resolutions_of
        from planning.personal_data import PART

        personal_data.register(PART)
        resolutions.register(resolutions_of)
