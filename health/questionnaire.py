"""The platform's standard questionnaire: what a new round asks, before the coordinator
adds the cluster's own questions. Its texts are translated here (ca, es, en) and kept by
code in each round, so that a round keeps asking what it asked even if this list changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from health.scales import Effect, Function, Scale

PARTNERS, COORDINATOR = "partners", "coordinator"


@dataclass(frozen=True)
class Standard:
    code: str
    audience: str
    text: Promise
    scale: str
    effect: str = ""
    function: str = ""


F, A = Scale.FREQUENCY, Scale.AGREEMENT

STANDARD = (
    # The member entities', under the five effects...
    Standard(
        "p-impact-1",
        PARTNERS,
        _(
            "Working in the cluster has made our own work reach more "
            "rights-holders or reach them better."
        ),
        A,
        effect=Effect.IMPACT,
    ),
    Standard(
        "p-impact-2",
        PARTNERS,
        _(
            "The cluster's joint actions have changed the situation of the rights "
            "that were found violated."
        ),
        A,
        effect=Effect.IMPACT,
    ),
    Standard(
        "p-innovation-1",
        PARTNERS,
        _(
            "We have tried in our work a practice that we learned from another "
            "entity of the cluster."
        ),
        F,
        effect=Effect.INNOVATION,
    ),
    Standard(
        "p-innovation-2",
        PARTNERS,
        _("The cluster brings practices that are new in the sector."),
        A,
        effect=Effect.INNOVATION,
    ),
    Standard(
        "p-initiatives-1",
        PARTNERS,
        _(
            "Our entity has taken part in an initiative that would not have "
            "started without the cluster."
        ),
        F,
        effect=Effect.INITIATIVES,
    ),
    Standard(
        "p-initiatives-2",
        PARTNERS,
        _("The cluster makes it easy for any entity to propose a new joint action."),
        A,
        effect=Effect.INITIATIVES,
    ),
    Standard(
        "p-opportunism-1",
        PARTNERS,
        _("Every entity contributes to the joint actions it benefits from."),
        A,
        effect=Effect.OPPORTUNISM,
    ),
    Standard(
        "p-opportunism-2",
        PARTNERS,
        _("Entities share information and resources even when they gain nothing from it at once."),
        F,
        effect=Effect.OPPORTUNISM,
    ),
    Standard(
        "p-coordination-1",
        PARTNERS,
        _(
            "We plan our activities knowing what the other entities are doing in "
            "the same territory."
        ),
        F,
        effect=Effect.COORDINATION,
    ),
    Standard(
        "p-coordination-2",
        PARTNERS,
        _("Overlaps and gaps between the entities' work are found and resolved."),
        F,
        effect=Effect.COORDINATION,
    ),
    # ...and under the core functions of the coordination.
    Standard(
        "p-information-1",
        PARTNERS,
        _("The coordination shares the information we need, in time to use it."),
        F,
        function=Function.INFORMATION,
    ),
    Standard(
        "p-strategy-1",
        PARTNERS,
        _("Our entity took part in agreeing the cluster's common objectives and indicators."),
        A,
        function=Function.STRATEGY,
    ),
    Standard(
        "p-monitoring-1",
        PARTNERS,
        _("The cluster's progress reports are used to change what we do."),
        F,
        function=Function.MONITORING,
    ),
    Standard(
        "p-advocacy-1",
        PARTNERS,
        _("The cluster speaks with one voice to the duty-bearers."),
        F,
        function=Function.ADVOCACY,
    ),
    Standard(
        "p-accountability-1",
        PARTNERS,
        _("Rights-holders take part in the cluster's decisions and know what it does."),
        F,
        function=Function.ACCOUNTABILITY,
    ),
    # The coordinator's, on the same effects and functions, from where the coordinator stands.
    Standard(
        "c-impact-1",
        COORDINATOR,
        _(
            "The members' work reaches more rights-holders, or reaches them "
            "better, than before the cluster."
        ),
        A,
        effect=Effect.IMPACT,
    ),
    Standard(
        "c-innovation-1",
        COORDINATOR,
        _("Members adopt practices that are new in the sector."),
        F,
        effect=Effect.INNOVATION,
    ),
    Standard(
        "c-initiatives-1",
        COORDINATOR,
        _("Members propose new joint actions."),
        F,
        effect=Effect.INITIATIVES,
    ),
    Standard(
        "c-opportunism-1",
        COORDINATOR,
        _("Members that take part in decisions also report and contribute."),
        F,
        effect=Effect.OPPORTUNISM,
    ),
    Standard(
        "c-coordination-1",
        COORDINATOR,
        _("Members plan their activities together rather than each on its own."),
        F,
        effect=Effect.COORDINATION,
    ),
    Standard(
        "c-information-1",
        COORDINATOR,
        _("Members share their information with the coordination in time."),
        F,
        function=Function.INFORMATION,
    ),
    Standard(
        "c-strategy-1",
        COORDINATOR,
        _("The common objectives guide the members' own plans."),
        A,
        function=Function.STRATEGY,
    ),
    Standard(
        "c-monitoring-1",
        COORDINATOR,
        _("Members report their measurements on time."),
        F,
        function=Function.MONITORING,
    ),
    Standard(
        "c-advocacy-1",
        COORDINATOR,
        _("Members back the cluster's advocacy in their own work."),
        F,
        function=Function.ADVOCACY,
    ),
    Standard(
        "c-accountability-1",
        COORDINATOR,
        _("The cluster tells rights-holders what it decided and why."),
        F,
        function=Function.ACCOUNTABILITY,
    ),
)
BY_CODE = {standard.code: standard for standard in STANDARD}
