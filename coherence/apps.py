from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoherenceConfig(AppConfig):
    name = "coherence"
    verbose_name = _("Policy coherence")

    def ready(self) -> None:
        from accounts import personal_data
        from coherence.personal_data import PART

        personal_data.register(PART)
