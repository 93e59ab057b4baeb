from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and calendar")

    def ready(self) -> None:
        from accounts import personal_data
        from meetings.personal_data import PART
        from meetings.venues import meeting_of_decisions
        from planning import venues

        venues.register(meeting_of_decisions)
        personal_data.register(PART)
