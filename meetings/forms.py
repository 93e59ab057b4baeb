"""The meetings' forms. Datetimes are shown and read in the cluster's time zone: the views
render and validate them inside ``timezone.override(cluster.time_zone)``. The forms check
what a person can fix on the page; meetings.services checks the same rules again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clusters.access import ClusterAccess
from clusters.models import Cluster, Membership
from core.widgets import ChoiceFilter, DateInput, DateTimeInput, Textarea
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.services import LINK_MODELS, MEETING_FIELDS, Task, link_problem
from planning.models import Decision, Proposal


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A meeting ends after it starts."))
        where = data.get("place", "").strip() or data.get("video_url", "").strip()
        if not where and not self.has_error("place") and not self.has_error("video_url"):
            self.add_error("place", _("Say where the meeting is: a place, a video link or both."))
        return data

    def meeting_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEETING_FIELDS}


class ScheduleForm(MeetingForm):
    agenda = forms.CharField(
        label=_("Agenda"),
        help_text=_("One item per line. You can add items, linked to the cluster's work, later."),
        max_length=5000,
        required=False,
        widget=Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial:
            # A week from now at 10:00, for two hours, in the zone the view is in.
            day = timezone.localdate() + timedelta(days=7)
            starts_at = timezone.make_aware(datetime.combine(day, time(10, 0)))
            self.initial = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2)}

    def agenda_titles(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data["agenda"].splitlines())
        return [line[:200] for line in lines if line]


def link_choices(access: ClusterAccess) -> list[tuple[str, object]]:
    """The cluster's objects an item may discuss, grouped by kind: values "kind:id"."""
    cluster = access.cluster
    kinds: list[tuple[str, object, models.QuerySet]] = [
        (
            "proposal",
            _("Proposals"),
            cluster.proposals.exclude(status__in=Proposal.UNPUBLISHED).order_by("-pk"),
        ),
        ("rights_issue", _("Rights issues"), cluster.rights_issues.order_by("number", "version")),
        ("objective", _("Objectives"), cluster.objectives.order_by("code")),
        ("indicator", _("Indicators"), cluster.indicators.order_by("code")),
        ("joint_action", _("Joint actions"), cluster.joint_actions.order_by("title")),
        (
            "survey_round",
            _("Survey rounds"),
            cluster.survey_rounds.select_related("period").order_by("-pk"),
        ),
    ]
    choices: list[tuple[str, object]] = [("", _("Nothing of the cluster's work"))]
    for kind, label, queryset in kinds:
        options = [(f"{kind}:{obj.pk}", str(obj)[:120]) for obj in queryset]
        if options:
            choices.append((label, options))
    return choices


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=Textarea(attrs={"rows": 2})
    )
    # A plain field read server side: a stale or forged value gets a message of its own.
    link = forms.CharField(label=_("It discusses"), required=False, widget=forms.Select)

    def __init__(self, *args: object, access: ClusterAccess, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cluster: Cluster = access.cluster
        self.fields["link"].widget.choices = link_choices(access) if not self.is_bound else []

    def clean_link(self) -> models.Model | None:
        value = self.cleaned_data["link"].strip()
        if not value:
            return None
        kind, _sep, pk = value.partition(":")
        if kind not in LINK_MODELS or not pk.isdigit() or len(pk) > 15:
            raise forms.ValidationError(_("Choose what the item discusses from the list."))
        found = LINK_MODELS[kind].objects.filter(pk=int(pk)).first()
        if found is None:
            raise forms.ValidationError(_("An agenda item can only discuss this cluster's work."))
        problem = link_problem(self.cluster, found)
        if problem:
            raise forms.ValidationError(problem)
        return found


class ItemAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class TaskDoneForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("yes", _("Mark done")), ("no", _("Mark not done"))],
        coerce=lambda value: value == "yes",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        help_text=_("Everyone invited receives it with the cancellation."),
        max_length=500,
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong in the minutes"),
        max_length=2000,
        widget=Textarea(attrs={"rows": 3}),
    )


# The "no answer" choice: a radio needs a value of its own ("" reads as none chosen).
NO_ANSWER = "none"


class AttendanceForm(forms.Form):
    """One choice per person of the entity: yes, maybe, no, or no answer."""

    def __init__(
        self, *args: object, people: Sequence[User], current: dict[int, str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [*Attendance.Answer.choices, (NO_ANSWER, _("No answer"))]
        for person in people:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=person.display_name,
                choices=choices,
                required=False,
                initial=current.get(person.pk) or NO_ANSWER,
                widget=forms.RadioSelect,
            )
        self.people = people

    def clean(self) -> dict:
        data = super().clean()
        posted = {key for key in self.data if key.startswith("person_")}
        if posted - set(self.fields):
            raise forms.ValidationError(_("You can only answer for the people of your entity."))
        return data

    def answers(self) -> dict[int, str]:
        """Person id → yes, maybe, no, or "" (no answer); a person whose choice was not
        sent (added to the entity since the page was shown) keeps their answer."""
        chosen = {person.pk: self.cleaned_data[f"person_{person.pk}"] for person in self.people}
        return {
            pk: "" if answer == NO_ANSWER else answer for pk, answer in chosen.items() if answer
        }


class TaskForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=300, required=False)
    membership = forms.ModelChoiceField(
        label=_("Entity"), queryset=Membership.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def __init__(self, *args: object, entities: models.QuerySet, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = entities
        self.fields["membership"].label_from_instance = lambda m: m.actor.name

    def clean(self) -> dict:
        data = super().clean()
        given = [name for name in ("what", "membership", "due_on") if data.get(name)]
        if given and len(given) < 3:
            for name in {"what", "membership", "due_on"} - set(given):
                if not self.has_error(name):
                    self.add_error(name, _("A task says what, which entity and by when."))
        return data

    def task(self) -> Task | None:
        data = self.cleaned_data
        if not data.get("what"):
            return None
        return Task(what=data["what"], membership=data["membership"], due_on=data["due_on"])


class BaseTaskFormSet(forms.BaseFormSet):
    def __init__(self, *args: object, entities: models.QuerySet, **kwargs: object) -> None:
        self.entities = entities
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict:
        return {"entities": self.entities}


TaskFormSet = forms.formset_factory(
    TaskForm, formset=BaseTaskFormSet, extra=3, max_num=20, validate_max=True, absolute_max=20
)


def _decision_label(decision: Decision) -> str:
    return f"{decision.proposal.title} · {decision.get_outcome_display()}"


class CloseForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who attended"), required=False, widget=ChoiceFilter
    )
    others = forms.IntegerField(
        label=_("Other people who attended"),
        help_text=_("People who came from outside the cluster's entities."),
        min_value=0,
        max_value=10000,
        initial=0,
    )
    decisions = forms.ModelMultipleChoiceField(
        label=_("Decisions taken in the meeting"),
        queryset=Decision.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: object,
        meeting: Meeting,
        people: list[tuple[Membership, list[User]]],
        items: list[AgendaItem],
        decisions: models.QuerySet[Decision],
        previous: Meeting | None,
        said_yes: set[int],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {
            f"{membership.pk}:{person.pk}": (membership, person)
            for membership, persons in people
            for person in persons
        }
        self.fields["attended"].choices = [
            (
                membership.actor.name,
                [(f"{membership.pk}:{p.pk}", p.display_name) for p in persons],
            )
            for membership, persons in people
            if persons
        ]
        self.fields["attended"].initial = [
            key for key, (_m, person) in self.people.items() if person.pk in said_yes
        ]
        self.fields["others"].initial = meeting.others_attending
        self.items = items
        for item in items:
            self.fields[f"minutes_{item.pk}"] = forms.CharField(
                label=item.title,
                max_length=20000,
                required=False,
                initial=item.minutes,
                widget=Textarea(attrs={"rows": 3}),
            )
        self.fields["decisions"].queryset = decisions
        self.fields["decisions"].label_from_instance = _decision_label
        self.previous = previous
        if previous is not None:
            when = date_format(timezone.localtime(previous.starts_at), "DATE_FORMAT")
            self.fields["approve_previous"] = forms.BooleanField(
                label=_("Approve the draft minutes of “%(title)s” (%(date)s)")
                % {"title": previous.title, "date": when},
                required=False,
            )
            # Which minutes the page offered: others may have become the ones to approve
            # since (those were approved by consent meanwhile).
            self.fields["previous"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=previous.pk, required=False
            )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("approve_previous") and data.get("previous") != self.previous.pk:
            raise forms.ValidationError(
                _("The draft minutes to approve changed meanwhile: look at them again.")
            )
        return data

    def minutes_fields(self) -> list[forms.BoundField]:
        return [self[f"minutes_{item.pk}"] for item in self.items]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "attended": [self.people[key] for key in data["attended"]],
            "others": data["others"],
            "minutes": {item.pk: data[f"minutes_{item.pk}"] for item in self.items},
            "decisions": list(data["decisions"]),
            "approve_previous": self.previous if data.get("approve_previous") else None,
        }
