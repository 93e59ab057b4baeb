from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("Rights analysis")

    def ready(self) -> None:
        from accounts import personal_data
        from rights.personal_data import PART

        personal_data.register(PART)
