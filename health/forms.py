"""The health part's forms. They check what a person can fix on the page; the services
check the same rules again, whatever calls them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.widgets import DateInput, DateTimeInput, Textarea
from health.models import MAX_COMMENT, PlanAction, Question, SurveyRound
from health.scales import Effect, Function, Scale
from indicators.models import ReportingPeriod

# A new round, by default: opens now, closes in three weeks.
DEFAULT_LENGTH = timedelta(days=21)


def _check_dates(form: forms.Form, data: dict) -> None:
    """The round's dates as health.services checks them, as errors on the fields."""
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        form.add_error("closes_at", _("A round closes after it opens."))
    if closes_at and closes_at <= timezone.now():
        form.add_error("closes_at", _("Choose a closing date in the future."))


class RoundForm(forms.Form):
    cadence = forms.ChoiceField(
        label=_("What the round looks back on"),
        choices=SurveyRound.Cadence.choices,
        initial=SurveyRound.Cadence.YEARLY,
        widget=forms.RadioSelect,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    period = forms.ModelChoiceField(
        label=_("Reporting period"), queryset=ReportingPeriod.objects.none(), required=False
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = cluster.periods.filter(
            start__lte=timezone.localdate()
        ).order_by("-start")
        if not self.is_bound and not self.initial:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial = {
                "cadence": SurveyRound.Cadence.YEARLY,
                "year": now.year,
                "opens_at": now,
                "closes_at": now + DEFAULT_LENGTH,
            }

    def clean(self) -> dict:
        data = super().clean()
        cadence = data.get("cadence")
        if cadence == SurveyRound.Cadence.YEARLY and data.get("year") is None:
            self.add_error("year", _("Say which year the round looks back on."))
        if cadence == SurveyRound.Cadence.PERIOD and data.get("period") is None:
            self.add_error("period", _("Choose the reporting period the round looks back on."))
        _check_dates(self, data)
        return data


class RescheduleForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())

    def __init__(self, *args: object, round: SurveyRound, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Also when bound: a disabled field (the opening of an open round) takes its initial.
        self.initial = {
            "opens_at": timezone.localtime(round.opens_at),
            "closes_at": timezone.localtime(round.closes_at),
        }
        if round.is_open:
            # Answers may already have come in: the opening stays where it was.
            self.fields["opens_at"].disabled = True

    def clean(self) -> dict:
        data = super().clean()
        for name in ("opens_at", "closes_at"):
            # The input holds minutes: a date sent back as shown is the one kept, seconds
            # and all, so that saving the dates unchanged changes nothing.
            kept = self.initial[name]
            if data.get(name) == kept.replace(second=0, microsecond=0):
                data[name] = kept
        _check_dates(self, data)
        return data


class QuestionForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who answers it"), choices=Question.Audience.choices, widget=forms.RadioSelect
    )
    scores = forms.ChoiceField(
        label=_("What it scores"),
        choices=[
            (_("Effects"), [(f"effect:{key}", label) for key, label in Effect.choices]),
            (_("Core functions"), [(f"function:{key}", label) for key, label in Function.choices]),
        ],
    )
    scale = forms.ChoiceField(label=_("Answers"), choices=Scale.choices, widget=forms.RadioSelect)
    text_ca = forms.CharField(label=_("Question in Catalan"), max_length=300, required=False)
    text_es = forms.CharField(label=_("Question in Spanish"), max_length=300, required=False)
    text_en = forms.CharField(label=_("Question in English"), max_length=300, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name, "").strip() for name in ("text_ca", "text_es", "text_en")):
            raise forms.ValidationError(_("Write the question in at least one language."))
        return data

    def service_values(self) -> dict[str, str]:
        data = dict(self.cleaned_data)
        kind, key = data.pop("scores").split(":", 1)
        return {
            **data,
            "effect": key if kind == "effect" else "",
            "function": key if kind == "function" else "",
        }


@dataclass(frozen=True)
class AnswerFields:
    question: Question
    value: BoundField
    comment: BoundField


class AnswerForm(forms.Form):
    """One radio group (the scale) and one optional comment per question of a round's
    questionnaire, prefilled with the entity's current answers."""

    def __init__(
        self,
        *args: object,
        questions: Iterable[Question],
        current: dict[int, tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        current = current or {}
        for question in self.questions:
            value, comment = current.get(question.pk, (None, ""))
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=question.choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=value,
                error_messages={"required": _("Choose an answer (“Don't know” is one).")},
            )
            self.fields[f"c{question.pk}"] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=MAX_COMMENT,
                initial=comment,
                widget=Textarea(attrs={"rows": 2}),
            )

    def groups(self) -> list[tuple[str, list[AnswerFields]]]:
        """The questions under their effect or function, in the questionnaire's order."""
        groups: dict[str, list[AnswerFields]] = {}
        for question in self.questions:
            groups.setdefault(question.scores, []).append(
                AnswerFields(question, self[f"q{question.pk}"], self[f"c{question.pk}"])
            )
        return list(groups.items())

    def answers(self) -> dict[int, tuple[int, str]]:
        return {
            q.pk: (self.cleaned_data[f"q{q.pk}"], self.cleaned_data[f"c{q.pk}"])
            for q in self.questions
        }


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["effect", "what", "lead", "due"]
        widgets = {"due": DateInput()}

    def __init__(
        self, *args: object, cluster: Cluster, effects: Iterable[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effect"].choices = list(effects)
        self.fields["lead"].queryset = (
            cluster.memberships.voting().select_related("actor").order_by("actor__name")
        )
        self.fields["lead"].label_from_instance = lambda m: m.actor.name


class PlanFollowUpForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["status", "due", "note"]
        widgets = {"due": DateInput(), "note": Textarea(attrs={"rows": 2})}
