"""The five effects a cluster exists for, the core functions of a coordination, and the
two answer scales of the survey. Plain choices, read by the models, the scoring and the
pages alike (no import of a model here, so that the scoring stays a pure function)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Effect(models.TextChoices):
    IMPACT = "impact", _("More impact")
    INNOVATION = "innovation", _("Innovation")
    INITIATIVES = "initiatives", _("New initiatives")
    OPPORTUNISM = "opportunism", _("Less opportunism")
    COORDINATION = "coordination", _("More coordination")


class Function(models.TextChoices):
    # The core functions of a coordination, as the CCPM scores them.
    INFORMATION = "information", _("Information sharing")
    STRATEGY = "strategy", _("Joint strategy")
    MONITORING = "monitoring", _("Monitoring and reporting")
    ADVOCACY = "advocacy", _("Advocacy")
    ACCOUNTABILITY = "accountability", _("Accountability to rights-holders")


class Scale(models.TextChoices):
    FREQUENCY = "frequency", _("How often")
    AGREEMENT = "agreement", _("How much they agree")


# 0 is "Don't know": kept as an answer, left out of every score.
DONT_KNOW = 0
SCALE_CHOICES = {
    Scale.FREQUENCY: [
        (1, _("Never")),
        (2, _("Rarely")),
        (3, _("Fairly often")),
        (4, _("Very regularly")),
        (DONT_KNOW, _("Don't know")),
    ],
    Scale.AGREEMENT: [
        (1, _("Strongly disagree")),
        (2, pgettext_lazy("survey answer", "Disagree")),
        (3, pgettext_lazy("survey answer", "Agree")),
        (4, _("Strongly agree")),
        (DONT_KNOW, _("Don't know")),
    ],
}
# The highest answer of both scales: a median of 4 is 100 %.
TOP = 4
VALUES = frozenset(value for choices in SCALE_CHOICES.values() for value, _label in choices)


def answer_label(scale: str, value: int) -> str:
    return str(dict(SCALE_CHOICES[Scale(scale)])[value])
