from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Actors")

    def ready(self) -> None:
        from accounts import personal_data
        from actors.personal_data import PART

        personal_data.register(PART)
