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
            "iati_identifier",
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

    def clean_iati_identifier(self) -> str:
        return self.cleaned_data["iati_identifier"].strip()

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


class BaseCapacityFormSet(forms.BaseInlineFormSet):
    """The entity's capacities, several added, changed or removed at once. A row that
    names a capacity which is not the entity's (another entity's id in a forged form, or
    one removed meanwhile in another tab) refuses the whole list with a message."""

    def clean(self) -> None:
        super().clean()
        if self.foreign_rows():
            raise forms.ValidationError(
                _(
                    "A capacity of this list is not one of this entity's (it may have been "
                    "removed meanwhile): nothing has been saved. Open the page again."
                ),
                code="foreign_row",
            )

    def foreign_rows(self) -> list[str]:
        """The posted ids of rows that are not this entity's capacities."""
        own = {str(row.pk) for row in self.get_queryset()}
        posted = [self.data.get(f"{form.prefix}-id", "") for form in self.forms]
        # Django finds the rows it lists by the posted id and makes a new one for an id it
        # does not list: such a row would be saved as a copy, not refused.
        return [pk for pk in posted if pk and pk not in own]

    def focus_last_row(self) -> None:
        """Put the cursor in the row just added (the "add a row" button)."""
        if self.forms:  # none when the posted row count is not a number
            self.forms[-1].fields["kind"].widget.attrs["autofocus"] = True


MAX_CAPACITIES = 50

CapacityFormSet = forms.inlineformset_factory(
    Actor,
    Capacity,
    form=CapacityForm,
    formset=BaseCapacityFormSet,
    extra=3,
    max_num=MAX_CAPACITIES,
    absolute_max=MAX_CAPACITIES,  # a forged TOTAL_FORMS never builds more forms than this
    validate_max=True,
    can_delete=True,
)
