from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from coherence.models import Score, Strategy
from coherence.scale import short_name
from core.widgets import ChoiceFilter, DateInput, DateTimeInput, Textarea
from indicators.models import Objective
from planning.models import REASON_REQUIRED, Contribution, JointAction, Position, Proposal
from rights.models import RightsIssue


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title",
            "subject",
            "rights_issue_to_validate",
            "description",
            "rationale",
            "rights_issues",
            "objectives",
            "estimated_cost",
            "is_new_practice",
        ]
        widgets = {
            "description": Textarea(attrs={"rows": 5}),
            "rationale": Textarea(attrs={"rows": 3}),
            "rights_issues": ChoiceFilter,
            "objectives": ChoiceFilter,
        }

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        issues = cluster.rights_issues.current()
        self.fields["rights_issue_to_validate"].queryset = issues.filter(
            status=RightsIssue.Status.DRAFT
        )
        self.fields["rights_issue_to_validate"].label = _("Rights issue to validate")
        self.fields["rights_issues"].queryset = issues
        self.fields["objectives"].queryset = cluster.objectives.all()
        if self.instance.pk is None:
            # Opened from an incoherence: the draft keeps which one it resolves. Set once,
            # when the proposal is made; its own checks are the service's.
            self.fields["resolves"] = forms.ModelChoiceField(
                queryset=Score.objects.filter(strategy__cluster=cluster),
                required=False,
                widget=forms.HiddenInput,
                error_messages={
                    "invalid_choice": _("That incoherence is not one of this cluster's.")
                },
            )

    def clean(self) -> dict:
        data = super().clean()
        validating = data.get("subject") == Proposal.Subject.VALIDATE_RIGHTS_ISSUE
        if validating and not data.get("rights_issue_to_validate"):
            self.add_error("rights_issue_to_validate", _("Choose the rights issue to validate."))
        if not validating:
            data["rights_issue_to_validate"] = None
        adopting = data.get("subject") == Proposal.Subject.ADOPT_OBJECTIVES
        proposed = [o for o in data.get("objectives") or [] if o.is_proposed]
        if adopting and not proposed:
            self.add_error(
                "objectives", _("Tick the proposed objectives the cluster is asked to adopt.")
            )
        return data


def convergence_initial(strategies: list[Strategy]) -> dict:
    """A new proposal's values when it takes up a convergence: the entities, the SDG
    targets their strategies share, the territory, and each strategy named."""
    by_code = {t.code: t for s in strategies for t in s.sdg_targets.all()}
    shared = set.intersection(*({t.code for t in s.sdg_targets.all()} for s in strategies))
    targets = sorted((by_code[code] for code in shared), key=lambda t: t.position)
    values = {
        "entities": ", ".join(sorted({s.entity_name for s in strategies})),
        "targets": ", ".join(t.code for t in targets) or "—",
        "territory": strategies[0].territory,
    }
    title = gettext("A joint action of %(entities)s on SDG targets %(targets)s") % values
    lines = [f"· {s.title} ({s.entity_name})" for s in strategies]
    description = (
        gettext(
            "These strategies of %(entities)s work on the same SDG targets (%(targets)s) in "
            "%(territory)s:"
        )
        % values
        + "\n"
        + "\n".join(lines)
        + "\n\n"
        + gettext("This proposal asks the cluster to join them in one joint action.")
    )
    return {
        "subject": Proposal.Subject.ACTION,
        "title": Truncator(title).chars(Proposal._meta.get_field("title").max_length),
        "description": description,
    }


def incoherence_initial(score: Score) -> dict:
    """A new proposal's values when it is opened from an incoherence: both sides named,
    the score and its reason, the objective ticked."""
    strategy, objective = score.strategy, score.objective
    values = {
        "strategy": strategy.title,
        "entity": strategy.entity_name,
        "code": objective.code,
        "statement": objective.statement,
        "score": short_name(score.value),
        "reason": score.reason,
    }
    title = gettext("Resolve the incoherence between %(strategy)s and %(code)s") % values
    description = (
        gettext(
            "The strategy “%(strategy)s” of %(entity)s works against the common objective "
            "%(code)s, “%(statement)s”: it is scored %(score)s. The reason given: %(reason)s\n\n"
            "This proposal asks the cluster how to resolve the incoherence."
        )
        % values
    )
    return {
        "subject": Proposal.Subject.ACTION,
        "title": Truncator(title).chars(Proposal._meta.get_field("title").max_length),
        "description": description,
        "objectives": [objective.pk],
        "resolves": score.pk,
    }


class StanceForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Position"), choices=Position.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("Required to disagree or block."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("position") in REASON_REQUIRED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: a disagreement or a block needs its reason."))
        return data


class OpenForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Positions close at"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_closes_at(self) -> object:
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The closing date must be in the future."))
        return value


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("Why it is sent back"), max_length=2000)


class DecideForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20000,
        widget=Textarea(attrs={"rows": 3}),
    )
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DateInput())


class ConfirmDecideForm(DecideForm):
    """The values the coordinator saw in the preview, sent back as they were, with the
    tally the preview showed (Decision.tally_key)."""

    tally = forms.CharField(required=False, max_length=60)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = forms.HiddenInput()


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=5000, widget=Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62
    )


def _entity_choices(field: forms.ModelChoiceField, members: object) -> None:
    field.queryset = members
    field.label_from_instance = lambda membership: membership.actor.name


class JointActionForm(forms.ModelForm):
    """The coordinator's form of a joint action; the service checks the same rules."""

    class Meta:
        model = JointAction
        fields = [
            "title",
            "description",
            "objective",
            "indicators",
            "lead",
            "participants",
            "territory",
            "start",
            "end",
            "budget",
            "status",
            "progress",
            "gender_marker",
            "is_new_practice",
        ]
        widgets = {
            "description": Textarea(attrs={"rows": 4}),
            "indicators": ChoiceFilter,
            "participants": ChoiceFilter,
            "start": DateInput(),
            "end": DateInput(),
            "gender_marker": forms.RadioSelect,
        }

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = cluster.objectives.filter(
            status=Objective.Status.ADOPTED
        )
        self.fields["indicators"].queryset = cluster.indicators.select_related(
            "objective"
        ).order_by("code")
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} · {i.name}"
        self.fields["indicators"].help_text = _("Indicators of the action's objective.")
        members = cluster.memberships.voting()
        if self.instance.pk:
            # Entities that have left stay on the actions they took part in.
            taking_part = Q(pk=self.instance.lead_id) | Q(joint_actions=self.instance)
            members = cluster.memberships.filter(
                Q(pk__in=members.values("pk")) | taking_part
            ).distinct()
            # Progress and status move with the updates of the lead entity: an edit must
            # not put back the values the form was loaded with.
            del self.fields["progress"], self.fields["status"]
        members = members.select_related("actor").order_by("actor__name")
        _entity_choices(self.fields["lead"], members)
        _entity_choices(self.fields["participants"], members)
        self.fields["participants"].help_text = _("Besides the lead entity.")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The action cannot end before it starts."))
        objective = data.get("objective")
        stray = [
            i
            for i in data.get("indicators") or []
            if i.objective_id != getattr(objective, "pk", None)
        ]
        if objective and stray:
            self.add_error(
                "indicators",
                _("These indicators belong to another objective: %(codes)s.")
                % {"codes": ", ".join(i.code for i in stray)},
            )
        return data


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["membership", "kind", "amount", "description"]
        widgets = {"amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"})}

    def __init__(self, *args: object, entities: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _entity_choices(self.fields["membership"], entities)
        self.fields["amount"].help_text = _("Euros for money and in kind; hours otherwise.")

    def clean_amount(self) -> object:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("A contribution cannot be below zero."))
        return amount


class ActionUpdateForm(forms.Form):
    note = forms.CharField(
        label=_("What has happened"), max_length=5000, widget=Textarea(attrs={"rows": 3})
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"), required=False, min_value=0, max_value=100
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Unchanged")), *JointAction.Status.choices],
    )

    def __init__(self, *args: object, leads: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not leads:
            # Participants add notes; the lead entity and the coordinator move the progress.
            del self.fields["progress"], self.fields["status"]
