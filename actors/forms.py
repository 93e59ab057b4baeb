from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Capacity, ThematicArea
from core.widgets import Textarea


class LabelOrderedChoices(ModelChoiceIterator):
    """Choices in the order of their translated labels, which the database cannot sort."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: str(choice[1]).casefold())


class ThematicAreasField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple
    iterator = LabelOrderedChoices

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("queryset", ThematicArea.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Thematic areas"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: ThematicArea) -> str:
        return str(obj.get_code_display())


class ActorForm(forms.ModelForm):
    thematic_areas = ThematicAreasField()
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "kind",
            "tax_id",
            "territory",
            "thematic_areas",
            "website",
            "contact_email",
            "phone",
            "description",
        ]
        widgets = {"description": Textarea(attrs={"rows": 5})}

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_tax_id(self) -> str:
        return self.cleaned_data["tax_id"].replace(" ", "").replace("-", "").upper()


class CapacityForm(forms.ModelForm):
    class Meta:
        model = Capacity
        fields = ["kind", "description", "quantity", "unit"]

    def clean_quantity(self) -> object:
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity < 0:
            raise forms.ValidationError(_("The quantity cannot be negative."))
        return quantity


CapacityFormSet = forms.inlineformset_factory(
    Actor,
    Capacity,
    form=CapacityForm,
    extra=1,
    max_num=50,
    validate_max=True,
    can_delete=True,
)
