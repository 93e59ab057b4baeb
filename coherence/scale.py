"""The seven-point scale of interactions between a strategy and a common objective.

From the scale of SDG interactions (Nilsson, Griggs and Visbeck, Nature 534, 2016), as
SEI's SDG Synergies uses it: how much a member's own strategy helps (+) or hinders (−)
a common objective of the cluster. The colours are a diverging blue–orange palette that
reads for the colour-blind, and every cell also writes its score.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LOWEST, HIGHEST = -3, 3


class Score(models.IntegerChoices):
    INDIVISIBLE = 3, _("+3 Indivisible: it is inextricably linked to the objective")
    REINFORCING = 2, _("+2 Reinforcing: it aids the objective")
    ENABLING = 1, _("+1 Enabling: it creates conditions that further the objective")
    CONSISTENT = 0, _("0 Consistent: no significant positive or negative interaction")
    CONSTRAINING = -1, _("−1 Constraining: it limits options on the objective")
    COUNTERACTING = -2, _("−2 Counteracting: it clashes with the objective")
    CANCELLING = -3, _("−3 Cancelling: it makes the objective impossible to reach")


# The short name of each point, for the heat map's legend and the lists.
SHORT_NAMES = {
    3: _("Indivisible"),
    2: _("Reinforcing"),
    1: _("Enabling"),
    0: _("Consistent"),
    -1: _("Constraining"),
    -2: _("Counteracting"),
    -3: _("Cancelling"),
}

# Fill and text colour of a cell of each score: text contrast at least 4.5:1 on its fill.
CELL_COLOURS = {
    3: ("#08306b", "#ffffff"),
    2: ("#2f6fae", "#ffffff"),
    1: ("#b9d4ea", "#1d2330"),
    0: ("#f1f1ee", "#1d2330"),
    -1: ("#f9c98f", "#1d2330"),
    -2: ("#c8630c", "#ffffff"),
    -3: ("#7f2704", "#ffffff"),
}
UNSCORED_COLOURS = ("#ffffff", "#5a6272")


def signed(value: int) -> str:
    """A score as written in a cell: "+2", "0", "−1" (a true minus sign)."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return "0"


def short_name(value: int) -> str:
    return f"{signed(value)} {SHORT_NAMES[value]}"
