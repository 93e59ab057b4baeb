from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from planning.models import REASON_REQUIRED, Position, Proposal
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
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "rights_issues": forms.CheckboxSelectMultiple,
            "objectives": forms.CheckboxSelectMultiple,
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

    def clean(self) -> dict:
        data = super().clean()
        validating = data.get("subject") == Proposal.Subject.VALIDATE_RIGHTS_ISSUE
        if validating and not data.get("rights_issue_to_validate"):
            self.add_error("rights_issue_to_validate", _("Choose the rights issue to validate."))
        if not validating:
            data["rights_issue_to_validate"] = None
        return data


class StanceForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Position"), choices=Position.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
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
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
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
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = forms.DateField(
        label=_("Review date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62
    )
