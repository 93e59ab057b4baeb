from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Objectives and indicators")

    def ready(self) -> None:
        from accounts import personal_data
        from indicators.personal_data import PART

        personal_data.register(PART)
