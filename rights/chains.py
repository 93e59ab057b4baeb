"""Causal chains of an issue: structural -> underlying -> immediate causes -> consequences.

The one place that says which links are allowed and which causes still miss a link. The
causes form, the service that saves them, the issue page and the dossier all ask here, so
the rule is written once (no template compares levels).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # the models read their chains from here: no import of them at run time
    from rights.models import Cause, Consequence, DutyBearer, RightsIssue

# The values of Cause.Level.
IMMEDIATE, UNDERLYING, STRUCTURAL = "immediate", "underlying", "structural"

# The level each level of cause produces; an immediate cause produces consequences.
LEVEL_ABOVE: dict[str, str] = {STRUCTURAL: UNDERLYING, UNDERLYING: IMMEDIATE}
LEVEL_BELOW: dict[str, str] = {above: below for below, above in LEVEL_ABOVE.items()}

# What a cause without a link upward or downward is missing, by its level.
NO_LINK_UP = {
    STRUCTURAL: gettext_lazy("This structural cause leads to no underlying cause yet."),
    UNDERLYING: gettext_lazy("This underlying cause leads to no immediate cause yet."),
    IMMEDIATE: gettext_lazy("This immediate cause produces no consequence yet."),
}
NO_LINK_DOWN = {
    UNDERLYING: gettext_lazy("No structural cause leads to this underlying cause."),
    IMMEDIATE: gettext_lazy("No underlying cause leads to this immediate cause."),
}

# Why a link to a cause of another level is refused, by the level of the cause linked from.
WRONG_LEVEL = {
    STRUCTURAL: gettext_lazy("A structural cause only leads to underlying causes: “%(cause)s”."),
    UNDERLYING: gettext_lazy("An underlying cause only leads to immediate causes: “%(cause)s”."),
    IMMEDIATE: gettext_lazy(
        "An immediate cause leads to consequences, not to other causes: “%(cause)s”."
    ),
}


def cause_flags(cause: Cause) -> list[str]:
    """What the cause's chain misses, in words (empty when linked both ways). Reads the
    prefetched links (Cause.objects.with_links), so it adds no query."""
    flags = []
    upward = cause.consequences.all() if cause.level == IMMEDIATE else cause.leads_to.all()
    if not upward:
        flags.append(str(NO_LINK_UP[cause.level]))
    if cause.level in NO_LINK_DOWN and not cause.led_from.all():
        flags.append(str(NO_LINK_DOWN[cause.level]))
    return flags


@dataclass(frozen=True)
class CauseChain:
    """A cause as the issue page and the dossier list it: what it leads to, who answers
    for it, and what its chain still misses."""

    cause: Cause
    leads_to: list[str]  # the causes of the level above it produces
    produces: str  # the consequences it produces, by their refs: "C1, C3"
    responsible: list[str]  # the duty-bearers' names
    flags: list[str]


def issue_chains(issue: RightsIssue) -> list[CauseChain]:
    """Every cause of the issue with its chain. Reads the prefetched parts
    (RightsIssueQuerySet.with_parts), so it adds no query."""
    refs = issue.consequence_refs()
    return [
        CauseChain(
            cause=cause,
            leads_to=[str(target) for target in cause.leads_to.all()],
            produces=cause.produces(refs),
            responsible=[bearer.name for bearer in cause.responsible.all()],
            flags=cause_flags(cause),
        )
        for cause in issue.causes.all()
    ]


def link_problems(
    *,
    issue: RightsIssue,
    cause: Cause,
    leads_to: Iterable[Cause] = (),
    new_consequences: Iterable[Consequence] = (),
    responsible: Iterable[DutyBearer] = (),
) -> list[str]:
    """Why the links a cause is given cannot be saved (empty when they can): only causes
    and duty-bearers of the same issue, only causes of the level just above, never itself,
    and consequences only from an immediate cause."""
    problems = []
    above = LEVEL_ABOVE.get(cause.level)
    for target in leads_to:
        if target.issue_id != issue.pk:
            problems.append(_("A cause can only lead to a cause of the same issue."))
        elif cause.pk is not None and target.pk == cause.pk:
            problems.append(_("A cause cannot lead to itself."))
        elif target.level != above and cause.level in WRONG_LEVEL:
            problems.append(str(WRONG_LEVEL[cause.level]) % {"cause": cause})
    new_consequences = list(new_consequences)
    if any(consequence.issue_id != issue.pk for consequence in new_consequences):
        problems.append(_("A cause can only produce consequences of the same issue."))
    elif new_consequences and cause.level != IMMEDIATE:
        problems.append(
            _(
                "Only immediate causes produce consequences: link “%(cause)s” to the causes "
                "it leads to instead."
            )
            % {"cause": cause}
        )
    if any(bearer.issue_id != issue.pk for bearer in responsible):
        problems.append(_("Only duty-bearers of this issue can be named responsible."))
    return list(dict.fromkeys(problems))


def wrong_links(issue: RightsIssue) -> list[str]:
    """The issue's cause-to-cause links that break the rule once saved (a cause whose level
    changed under the links it had): the service refuses the whole change then."""
    problems = []
    for cause in issue.causes.prefetch_related("leads_to"):
        problems += link_problems(issue=issue, cause=cause, leads_to=cause.leads_to.all())
    return list(dict.fromkeys(problems))
