from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.widgets import DateInput
from indicators.models import ReportingPeriod
from reports.models import ReportJob

DATE = DateInput()


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of report"), choices=ReportJob.Kind.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=ReportingPeriod.objects.none(),
        required=False,
        help_text=_("For a progress report."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DATE, help_text=_("For a consensus report.")
    )

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period"].queryset = cluster.periods.filter(start__lte=today).order_by("-start")
        self.fields["period"].label_from_instance = lambda period: period.label
        self.fields["language"].initial = translation.get_language()
        self.fields["date_from"].initial = today.replace(month=1, day=1)
        self.fields["date_to"].initial = today

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == ReportJob.Kind.PROGRESS and not data.get("period"):
            self.add_error("period", _("Choose the reporting period of the progress report."))
        if kind == ReportJob.Kind.CONSENSUS:
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                self.add_error("date_to", _("Give the first and the last day the report covers."))
            elif end < start:
                self.add_error("date_to", _("The last day cannot come before the first."))
        return data
