"""Reads of the rights analysis reused by pages, exports and (later) reports."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clusters.models import Cluster
from core.dimensions import all_cells, cell_column
from rights.models import Participation, RightsIssue
from rights.tree import TreeCause, TreeNode, problem_tree_svg


def tree_labels() -> dict[str, str]:
    return {
        "consequences": _("Consequences"),
        "problem": _("The violation"),
        "immediate": _("Immediate causes"),
        "underlying": _("Underlying causes"),
        "structural": _("Structural causes"),
        "no_causes": _("No cause identified yet"),
        "produces": _("produces"),
        # The letters of the cause refs (I1, U2, S3) when too many links to draw as lines.
        "ref_immediate": pgettext("letter of an immediate cause's ref, as in I1", "I"),
        "ref_underlying": pgettext("letter of an underlying cause's ref, as in U1", "U"),
        "ref_structural": pgettext("letter of a structural cause's ref, as in S1", "S"),
    }


def issue_problem_tree(issue: RightsIssue) -> SafeString:
    """The problem tree of an issue as inline SVG. Uses the issue's prefetched causes (with
    their links, Cause.objects.with_links) and consequences, so it adds no query to a page
    that prefetched them."""
    consequences = list(issue.consequences.all())
    nodes = [TreeNode(key=f"consequence-{c.pk}", text=c.description) for c in consequences]
    causes = [
        TreeCause(
            key=f"cause-{cause.pk}",
            text=cause.description,
            level=cause.level,
            consequences=tuple(f"consequence-{c.pk}" for c in cause.consequences.all()),
            leads_to=tuple(f"cause-{c.pk}" for c in cause.leads_to.all()),
        )
        for cause in issue.causes.all()
    ]
    svg = problem_tree_svg(
        problem=issue.title,
        causes=causes,
        consequences=nodes,
        labels=tree_labels(),
        title=_("Problem tree: %(title)s") % {"title": issue.title},
        description=_(
            "%(causes)s causes (immediate, underlying and structural) lead to the violation, "
            "which has %(consequences)s consequences."
        )
        % {"causes": len(causes), "consequences": len(consequences)},
    )
    # problem_tree_svg escapes every user text itself.
    return mark_safe(svg)


EXPORT_HEADER = [
    "issue",
    "version",
    "title",
    "status",
    "territory",
    "rights",
    "sdg_targets",
    "part",
    "kind",
    "text",
    "linked",
]


def export_cells(cluster: Cluster, issues: list[RightsIssue]) -> list[str]:
    """The cells the export has a column for: the cluster's, then any kept from before."""
    keys = all_cells(cluster.holder_dimensions())
    for issue in issues:
        for group in issue.holder_groups.all():
            keys.extend(key for key in group.cell_counts() if key not in keys)
    return keys


def issue_rows_for_export(cluster: Cluster) -> Iterator[list[object]]:
    """The whole analysis of a cluster as rows, one per element of each issue in force.
    A count nobody knows is an empty cell, never 0; so is the total of a group with no
    count known, and ``unknown_cells`` says how many of the group's cells are unknown."""
    issues = list(cluster.rights_issues.in_force().with_parts().order_by("number"))
    cells = export_cells(cluster, issues)
    yield [*EXPORT_HEADER, *(cell_column(key) for key in cells), "total", "unknown_cells"]
    blank_counts = [""] * (len(cells) + 2)
    for issue in issues:
        head = [
            issue.label,
            issue.version,
            issue.title,
            issue.get_status_display(),
            issue.territory,
            "; ".join(right.code for right in issue.rights.all()),
            "; ".join(target.code for target in issue.sdg_targets.all()),
        ]
        yield [*head, "issue", "", issue.description, "", *blank_counts]
        for name, _heading, text in issue.gender_sections():
            yield [*head, "gender_analysis", name, text, "", *blank_counts]
        refs = issue.consequence_refs()
        for consequence in issue.consequences.all():
            yield [
                *head,
                "consequence",
                refs[consequence.pk],
                consequence.description,
                "",
                *blank_counts,
            ]
        for cause in issue.causes.all():
            yield [
                *head,
                "cause",
                cause.level,
                cause.description,
                cause.produces(refs),
                *blank_counts,
            ]
        for group in issue.holder_groups.all():
            known = group.cell_counts()
            counts = ["" if known.get(key) is None else known[key] for key in cells]
            total = group.total
            yield [
                *head,
                "rights_holders",
                "",
                group.name,
                group.description,
                *counts,
                "" if total.value is None else total.value,
                total.unknown,
            ]
        for bearer in issue.duty_bearers.all():
            yield [
                *head,
                "duty_bearer",
                bearer.obligation,
                bearer.name,
                bearer.description,
                *blank_counts,
            ]
        for gap in issue.capacity_gaps.all():
            tie = gap.tie.name if gap.tie is not None else ""
            kind = f"{gap.side}:{gap.type}" if gap.type else gap.side
            yield [*head, "capacity_gap", kind, gap.description, tie, *blank_counts]
        for consultation in issue.participation.all():
            yield [
                *head,
                "participation",
                consultation.method,
                consultation_text(consultation),
                consultation.held_on.isoformat(),
                *blank_counts,
            ]
        for source in issue.evidence.all():
            yield [*head, "evidence", "", source.title, source.url, *blank_counts]
        for comment in issue.general_comments.all():
            yield [
                *head,
                "general_comment",
                comment.code,
                comment.title,
                comment.symbol,
                *blank_counts,
            ]
        for reference in issue.outside_references.all():
            # The date first in "linked", then the link if any: "2018-03-29 https://...".
            linked = f"{reference.date.isoformat()} {reference.url}".strip()
            yield [
                *head,
                "outside_reference",
                reference.kind,
                reference.title,
                linked,
                *blank_counts,
            ]


def consultation_text(consultation: Participation) -> str:
    """Who was consulted and how many people by sex, for the export: an unknown count is
    written "unknown", never 0."""
    who = [group.name for group in consultation.holder_groups.all()]
    who += [membership.actor.name for membership in consultation.memberships.all()]
    who += [consultation.others] if consultation.others else []
    counts = ", ".join(
        f"{name}={'unknown' if count is None else count}"
        for name, count in zip(Participation.COUNT_FIELDS, consultation.counts(), strict=True)
    )
    return f"{'; '.join(who)} ({counts})"
