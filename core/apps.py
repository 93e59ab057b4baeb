from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares, at the bottom of the layering: it imports no app of the
    project."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import lookups

        lookups.register()
