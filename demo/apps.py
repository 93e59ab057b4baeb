from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for every part of the platform (``manage.py seed_demo``), at the top of
    the layering: it may import every app, and no app imports it."""

    name = "demo"
    verbose_name = _("Demo data")
