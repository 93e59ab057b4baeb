"""Changes to a cluster's rights analysis.

Each function runs in one transaction, records who changed what in RightsIssueChange, and
raises DomainError with a message for the person when the change is not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, Membership
from core.errors import DomainError
from core.rows import RowChanges, apply_row_changes
from rights import chains
from rights.models import (
    GENDER_FIELDS,
    GENDER_PARTS,
    PART_MODELS,
    Cause,
    Consequence,
    DutyBearer,
    Evidence,
    GeneralComment,
    Right,
    RightsHolderCount,
    RightsHolderGroup,
    RightsIssue,
    RightsIssueChange,
    SDGTarget,
    gender_text_problem,
)

# The issue's own history (shown on its page, with every part's rows) and the cluster's
# audit log are written together, by the one function every change of an issue calls.
AUDITED_AS = {
    RightsIssueChange.Action.CREATED: AuditEntry.Action.RIGHTS_ISSUE_CREATED,
    RightsIssueChange.Action.EDITED: AuditEntry.Action.RIGHTS_ISSUE_CHANGED,
    RightsIssueChange.Action.PART_EDITED: AuditEntry.Action.RIGHTS_ISSUE_CHANGED,
    RightsIssueChange.Action.EVIDENCE_ADDED: AuditEntry.Action.EVIDENCE_ADDED,
    RightsIssueChange.Action.EVIDENCE_REMOVED: AuditEntry.Action.EVIDENCE_REMOVED,
    RightsIssueChange.Action.VALIDATED: AuditEntry.Action.RIGHTS_ISSUE_VALIDATED,
    RightsIssueChange.Action.NEW_VERSION: AuditEntry.Action.RIGHTS_ISSUE_NEW_VERSION,
}


def record(
    issue: RightsIssue,
    by: User | None,
    action: str,
    part: str = "",
    changes: dict[str, list] | None = None,
    audited: bool = True,
    **details: Any,
) -> None:
    """One change of an issue: a row of its history and (unless another entry records
    it) an entry of the audit log."""
    history = details | ({"changes": changes} if changes else {})
    RightsIssueChange.objects.create(
        issue=issue, user=by, action=action, part=part, details=history
    )
    if not audited:
        return
    audited = dict(details)
    if "changed" in audited:  # rows of a part: what each reads now
        audited["changed"] = [row["after"] for row in audited["changed"]]
    audit(
        cluster=issue.cluster,
        by=by,
        action=AUDITED_AS[action],
        target=issue,
        changes=changes,
        **({"part": part} if part else {}),
        **audited,
    )


def _locked_editable(issue: RightsIssue) -> RightsIssue:
    locked = RightsIssue.objects.select_for_update().get(pk=issue.pk)
    if not locked.is_editable:
        raise DomainError(
            _("A validated issue cannot be changed: start a new version to revise it.")
        )
    return locked


@transaction.atomic
def rights_issue_create(
    *,
    cluster: Cluster,
    by: User,
    rights: Iterable[Right],
    sdg_targets: Iterable[SDGTarget] = (),
    general_comments: Iterable[GeneralComment] = (),
    **fields: Any,
) -> RightsIssue:
    # The cluster row lock makes the per-cluster numbering safe under concurrency.
    Cluster.objects.select_for_update().get(pk=cluster.pk)
    last = cluster.rights_issues.aggregate(last=Max("number"))["last"] or 0
    issue = RightsIssue.objects.create(cluster=cluster, number=last + 1, created_by=by, **fields)
    issue.rights.set(rights)
    issue.sdg_targets.set(sdg_targets)
    issue.general_comments.set(general_comments)
    record(issue, by, RightsIssueChange.Action.CREATED)
    return issue


@transaction.atomic
def rights_issue_update(
    *,
    issue: RightsIssue,
    by: User,
    changes: dict[str, Any],
    rights: Iterable[Right],
    sdg_targets: Iterable[SDGTarget],
    general_comments: Iterable[GeneralComment] | None = None,
) -> RightsIssue:
    """Change the issue's fields and what it cites; None for general_comments keeps them."""
    issue = _locked_editable(issue)
    changed = {}
    for field, value in changes.items():
        if getattr(issue, field) != value:
            changed[field] = [str(getattr(issue, field))[:200], str(value)[:200]]
            setattr(issue, field, value)
    links = {"rights": list(rights), "sdg_targets": list(sdg_targets)}
    if general_comments is not None:
        links["general_comments"] = list(general_comments)
    for name, new in links.items():
        old_codes = sorted(issue_codes(getattr(issue, name).all()))
        new_codes = sorted(issue_codes(new))
        if old_codes != new_codes:
            changed[name] = [old_codes, new_codes]
    if not changed:
        return issue  # saved unchanged: nothing rewritten, nothing in the history
    issue.full_clean(exclude=list(links))
    issue.save()
    for name, new in links.items():
        getattr(issue, name).set(new)
    record(issue, by, RightsIssueChange.Action.EDITED, changes=changed)
    return issue


def issue_codes(items: Iterable[Right | SDGTarget | GeneralComment]) -> list[str]:
    return [item.code for item in items]


@transaction.atomic
def rights_issue_save_part(
    *, issue: RightsIssue, by: User, part: str, changes: RowChanges
) -> RightsIssue:
    """Add, change and remove rows of one part of the analysis (causes, groups...)."""
    issue = _locked_editable(issue)
    if not changes:
        return issue  # saved unchanged: nothing rewritten, nothing in the history
    before = {row.pk: (str(row)[:200], _changed_names(values)) for row, values in changes.changed}
    deleted = [str(row)[:200] for row in changes.removed]
    changes, cells = _without_cells(changes)
    if part == "causes":
        _refuse_wrong_links(issue, changes)
        links_before = {row.pk: _links_of(row) for row, _values in changes.changed}
    try:
        added, changed, _removed = apply_row_changes(
            changes, model=PART_MODELS[part], parent={"issue": issue}
        )
    except LookupError:
        raise PermissionDenied from None  # a row of another issue, named in a forged form
    for row, row_cells in zip([*added, *changed], cells, strict=True):
        _save_counts(row, row_cells)
    links = {}
    if part == "causes":
        # A cause whose level changed may leave links of the wrong level behind it: the
        # whole change is refused then (the transaction undoes what was applied above).
        if problems := chains.wrong_links(issue):
            raise DomainError(" ".join(problems))
        links = _link_changes(links_before, [*added, *changed])
    record(
        issue,
        by,
        RightsIssueChange.Action.PART_EDITED,
        part=part,
        added=[str(row)[:200] for row in added],
        changed=[
            {"before": before[row.pk][0], "after": str(row)[:200], "fields": before[row.pk][1]}
            for row in changed
        ],
        deleted=deleted,
        **links,
    )
    return issue


# The links of a cause, as the history names them (rights.chains says which are allowed).
CAUSE_LINKS = ("leads_to", "consequences", "responsible")


def _refuse_wrong_links(issue: RightsIssue, changes: RowChanges) -> None:
    """Refuse, before anything is written, links to another issue's rows, to a cause of
    a level other than the one just above, to the cause itself, and consequences given to
    a cause that is not immediate (the ones such a cause already had are kept)."""
    problems = []
    rows = [(Cause(issue=issue), values) for values in changes.added] + list(changes.changed)
    for row, values in rows:
        probe = Cause(pk=row.pk, issue=issue, level=values.get("level", row.level))
        probe.description = values.get("description", row.description)
        old = set(row.consequences.all()) if row.pk else set()
        problems += chains.link_problems(
            issue=issue,
            cause=probe,
            leads_to=values.get("leads_to", ()),
            new_consequences=[c for c in values.get("consequences", ()) if c not in old],
            responsible=values.get("responsible", ()),
        )
    if problems:
        raise DomainError(" ".join(dict.fromkeys(problems)))


def _links_of(cause: Cause) -> dict[str, set[str]]:
    return {name: {str(row)[:200] for row in getattr(cause, name).all()} for name in CAUSE_LINKS}


def _link_changes(
    before: dict[int, dict[str, set[str]]], causes: Iterable[Cause]
) -> dict[str, list[dict[str, str]]]:
    """The links made and unmade, one entry per link: which cause, which kind of link, to
    what (RightsIssue.audit_words words them)."""
    made, unmade = [], []
    for cause in causes:
        now = _links_of(cause)
        was = before.get(cause.pk, {name: set() for name in CAUSE_LINKS})
        name = str(cause)[:200]
        for kind in CAUSE_LINKS:
            link = {"cause": name, "kind": kind}
            made += [{**link, "to": to} for to in sorted(now[kind] - was[kind])]
            unmade += [{**link, "to": to} for to in sorted(was[kind] - now[kind])]
    return {key: value for key, value in (("links_made", made), ("links_unmade", unmade)) if value}


def _changed_names(values: dict[str, Any]) -> list[str]:
    """The fields changed, and a group's cells by their keys ("sex=female|age=adults")."""
    return [name for name in values if name != "cells"] + list(values.get("cells", {}))


def _without_cells(changes: RowChanges) -> tuple[RowChanges, list[dict[str, int | None]]]:
    """The rows' own values, and apart the counts of a group's cells (``cells``), in the
    order apply_row_changes returns the rows: added, then changed."""
    added = [{k: v for k, v in values.items() if k != "cells"} for values in changes.added]
    changed = [
        (row, {k: v for k, v in values.items() if k != "cells"}) for row, values in changes.changed
    ]
    cells = [values.get("cells", {}) for values in changes.added] + [
        values.get("cells", {}) for _row, values in changes.changed
    ]
    return RowChanges(added=added, changed=changed, removed=changes.removed), cells


def _save_counts(group: RightsHolderGroup, cells: dict[str, int | None]) -> None:
    """Write the cells given: a count is stored, an unknown one (None) removed."""
    for key, count in cells.items():
        if count is None:
            group.counts.filter(cell=key).delete()
            continue
        stored = RightsHolderCount(group=group, cell=key, count=count)
        stored.full_clean(exclude=["group"], validate_unique=False)
        RightsHolderCount.objects.update_or_create(group=group, cell=key, defaults={"count": count})


@transaction.atomic
def rights_issue_save_gender(*, issue: RightsIssue, by: User, texts: dict[str, str]) -> RightsIssue:
    """Write the parts of the gender analysis (fields of GENDER_FIELDS) that changed."""
    issue = _locked_editable(issue)
    labels = dict(GENDER_PARTS)
    changed = {}
    for name in GENDER_FIELDS:
        if name in texts and texts[name] != getattr(issue, name):
            # A part may stay empty in a draft; once written, it must be real content.
            problem = texts[name] and gender_text_problem(str(labels[name]), texts[name])
            if problem:
                raise DomainError(problem)
            changed[name] = [getattr(issue, name)[:200], texts[name][:200]]
            setattr(issue, name, texts[name])
    if not changed:
        return issue  # saved unchanged: nothing rewritten, nothing in the history
    issue.save(update_fields=[*changed, "updated_at"])
    record(issue, by, RightsIssueChange.Action.PART_EDITED, part="gender", changes=changed)
    return issue


@transaction.atomic
def rights_issue_add_evidence(
    *,
    issue: RightsIssue,
    by: User,
    membership: Membership | None,
    title: str,
    url: str = "",
    upload: Any = None,
    content_type: str = "",
) -> Evidence:
    """Attach a source, for the entity ``by`` acts for (None: the coordinator alone)."""
    issue = _locked_editable(issue)
    evidence = Evidence(issue=issue, title=title, url=url, added_by=by, added_for=membership)
    if upload is not None:
        evidence.file = upload
        evidence.original_name = upload.name[:200]
        evidence.content_type = content_type
        evidence.size = upload.size
    evidence.save()
    record(issue, by, RightsIssueChange.Action.EVIDENCE_ADDED, title=title)
    return evidence


@transaction.atomic
def rights_issue_remove_evidence(
    *, evidence: Evidence, by: User, is_coordinator: bool, membership: Membership | None
) -> None:
    """Remove a source: only the coordinator, or a representative of the entity that
    attached it (another entity's evidence is not theirs to remove)."""
    if not evidence.removable_by(is_coordinator=is_coordinator, membership=membership):
        raise PermissionDenied
    issue = _locked_editable(evidence.issue)
    title = evidence.title
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    record(issue, by, RightsIssueChange.Action.EVIDENCE_REMOVED, title=title)
    # Versions share their files: the file goes once no version refers to it any more,
    # and only after the commit, so a rollback never loses it.
    if stored and storage is not None and not Evidence.objects.filter(file=stored).exists():
        transaction.on_commit(lambda: storage.delete(stored))


def validation_problems(issue: RightsIssue) -> list[str]:
    """What still stops the issue from being validated (empty when it can be)."""
    problems = issue.gender_problems()
    if not issue.rights.exists():
        problems.append(_("No right is named."))
    if not issue.causes.exists():
        problems.append(_("No cause is identified."))
    if not issue.consequences.exists():
        problems.append(_("No consequence is identified."))
    if not issue.holder_groups.exists():
        problems.append(_("No group of rights-holders is identified."))
    if not issue.duty_bearers.exists():
        problems.append(_("No duty-bearer is identified."))
    problems.extend(gap_problems(issue))
    return problems


def gap_problems(issue: RightsIssue) -> list[str]:
    """Each capacity gap needs its type and the group or duty-bearer whose capacity it is
    (gaps written before they had them have neither)."""
    problems = []
    for gap in issue.capacity_gaps.all():
        if not gap.type:
            problems.append(_("The capacity gap “%(gap)s” has no type.") % {"gap": gap})
        if not gap.has_tie:
            problems.append(
                _("The capacity gap “%(gap)s” is of no rights-holder group or duty-bearer.")
                % {"gap": gap}
            )
    return problems


@transaction.atomic
def rights_issue_validate(
    *, issue: RightsIssue, by: User, decision: object | None = None
) -> RightsIssue:
    """Mark an issue as validated by the cluster.

    The consensus decision of the planning part will call this once adopted (passing
    itself as ``decision``); until then the coordinator calls it directly.
    """
    issue = _locked_editable(issue)
    problems = validation_problems(issue)
    if problems:
        raise DomainError(" ".join([_("The issue cannot be validated yet."), *problems]))
    issue.status = RightsIssue.Status.VALIDATED
    issue.validated_at = timezone.now()
    issue.validated_by = by
    issue.save(update_fields=["status", "validated_at", "validated_by", "updated_at"])
    # Validated by a cluster decision, the decision's entry of the audit log says so (it
    # names what it applied): the issue's history records it here, the log once there.
    record(
        issue,
        by,
        RightsIssueChange.Action.VALIDATED,
        audited=decision is None,
        decision=decision.pk if decision is not None else None,
    )
    return issue


@transaction.atomic
def rights_issue_new_version(*, issue: RightsIssue, by: User) -> RightsIssue:
    """A draft copy of a validated issue, with every part, to revise it."""
    issue = RightsIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.is_editable:
        raise DomainError(_("This issue is still a draft: edit it directly."))
    if RightsIssue.objects.filter(previous_version=issue).exists():
        raise DomainError(_("A newer version of this issue already exists."))
    copy = RightsIssue.objects.create(
        cluster=issue.cluster,
        number=issue.number,
        version=issue.version + 1,
        previous_version=issue,
        title=issue.title,
        description=issue.description,
        territory=issue.territory,
        **{name: getattr(issue, name) for name in GENDER_FIELDS},
        created_by=by,
    )
    copy.rights.set(issue.rights.all())
    copy.sdg_targets.set(issue.sdg_targets.all())
    copy.general_comments.set(issue.general_comments.all())
    new_consequences = {}
    for consequence in issue.consequences.all():
        new_consequences[consequence.pk] = Consequence.objects.create(
            issue=copy, description=consequence.description
        )
    bearers = _copy_rows(issue.duty_bearers.all(), copy)
    _copy_causes(issue, copy, new_consequences, bearers)
    originals = list(issue.holder_groups.prefetch_related("counts"))
    counts = {group.pk: list(group.counts.all()) for group in originals}
    groups = _copy_rows(originals, copy)
    RightsHolderCount.objects.bulk_create(
        RightsHolderCount(group=groups[old_pk], cell=row.cell, count=row.count)
        for old_pk, rows in counts.items()
        for row in rows
    )
    _copy_rows(issue.evidence.all(), copy)
    _copy_rows(issue.outside_references.all(), copy)
    # A copied gap is of the copied group or duty-bearer, never of the old version's.
    _copy_rows(
        issue.capacity_gaps.all(), copy, ties={"holder_group": groups, "duty_bearer": bearers}
    )
    for consultation in issue.participation.prefetch_related("holder_groups", "memberships"):
        consulted = [groups[g.pk] for g in consultation.holder_groups.all()]
        members = list(consultation.memberships.all())
        (new,) = _copy_rows([consultation], copy).values()
        new.holder_groups.set(consulted)
        new.memberships.set(members)
    record(copy, by, RightsIssueChange.Action.NEW_VERSION, previous=issue.label)
    return copy


def _copy_causes(
    issue: RightsIssue,
    copy: RightsIssue,
    new_consequences: dict[int, Consequence],
    new_bearers: dict[int, DutyBearer],
) -> None:
    """The causes of ``issue`` in ``copy``, with their links turned to the copied rows:
    the chains, the consequences they produce and the duty-bearers responsible."""
    causes = list(issue.causes.with_links())
    new_causes = {
        cause.pk: Cause.objects.create(issue=copy, level=cause.level, description=cause.description)
        for cause in causes
    }
    for cause in causes:
        new_cause = new_causes[cause.pk]
        # Only rows of this issue are linked (rights.chains): the lookups never miss.
        new_cause.consequences.set([new_consequences[c.pk] for c in cause.consequences.all()])
        new_cause.leads_to.set([new_causes[c.pk] for c in cause.leads_to.all()])
        new_cause.responsible.set([new_bearers[b.pk] for b in cause.responsible.all()])


def _copy_rows(rows: Iterable[Any], issue: RightsIssue, ties: dict | None = None) -> dict:
    """Copies of the rows under ``issue`` (their plain fields; a foreign key named in
    ``ties`` points to the copy, by the old pk -> copy map given): {old pk: copy}."""
    copies = {}
    for row in rows:
        old_pk = row.pk
        for name, copied in (ties or {}).items():
            setattr(row, name, copied.get(getattr(row, f"{name}_id")))
        row.pk = None
        row._state.adding = True
        # The original's prefetched links are not the copy's: set() would read them as its own.
        row.__dict__.pop("_prefetched_objects_cache", None)
        row.issue = issue
        row.save()
        copies[old_pk] = row
    return copies
