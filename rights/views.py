from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import (
    cluster_for_coordinator,
    cluster_for_editor,
    cluster_for_reader,
    with_posted_entity,
)
from clusters.models import Cluster
from core.downloads import attachment
from core.errors import DomainError
from core.paging import paginate
from core.rows import row_changes
from core.spreadsheets import csv_response
from rights import services
from rights.filters import (
    CatalogueFilter,
    GeneralCommentFilter,
    RightsIssueFilter,
    TargetFilter,
)
from rights.forms import PARTS, EvidenceForm, GenderAnalysisForm, RightsIssueForm
from rights.models import (
    GENDER_FIELDS,
    PART_NAMES,
    GeneralComment,
    Right,
    RightsIssue,
    SDGTarget,
)
from rights.selectors import issue_problem_tree, issue_rows_for_export


def catalogue_tabs() -> dict[str, tuple[type, QuerySet]]:
    """The catalogue's lists: URL ``tab`` -> (filter, everything it searches)."""
    return {
        "rights": (
            CatalogueFilter,
            Right.objects.select_related("instrument").prefetch_related(
                "sdg_targets", "general_comments"
            ),
        ),
        "comments": (
            GeneralCommentFilter,
            GeneralComment.objects.prefetch_related(
                Prefetch("articles", queryset=Right.objects.select_related("instrument"))
            ),
        ),
        "sdg": (
            TargetFilter,
            SDGTarget.objects.select_related("goal").prefetch_related("indicators"),
        ),
    }


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Rights, General Comments and SDG targets, searched by words or code in the person's
    language."""
    tabs = catalogue_tabs()
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else "rights"
    filter_class, base = tabs[tab]
    found = filter_class(request.GET or None, queryset=base)
    page, query = paginate(request, found.qs if found.is_valid() else base)
    return render(
        request,
        "rights/catalogue.html",
        {
            "filter": found,
            "page": page,
            "query": query,
            "tab": tab,
            "rows_template": f"rights/_catalogue_{tab}.html",
        },
    )


@login_required
def right_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One article: its text where the catalogue has it, the General Comments that
    interpret it and the SDG targets it bears on."""
    right = get_object_or_404(
        Right.objects.select_related("instrument").prefetch_related(
            "general_comments",
            Prefetch("sdg_targets", queryset=SDGTarget.objects.select_related("goal")),
        ),
        code=code,
    )
    return render(request, "rights/right_detail.html", {"right": right})


def _issue(cluster: Cluster, pk: int) -> RightsIssue:
    return get_object_or_404(cluster.rights_issues, pk=pk)


@login_required
def issue_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    # A validated version revised by a new draft still stands: the "validated" filter
    # finds it; otherwise the list shows the newest version of each issue.
    issues = cluster.rights_issues.in_force()
    if request.GET.get("status") != RightsIssue.Status.VALIDATED:
        issues = issues.current()
    issues = (
        issues.prefetch_related(
            Prefetch("rights", queryset=Right.objects.select_related("instrument"))
        )
        .annotate(
            cause_count=Count("causes", distinct=True),
            consequence_count=Count("consequences", distinct=True),
        )
        .order_by("-number")
    )
    found = RightsIssueFilter(request.GET or None, queryset=issues)
    page, query = paginate(request, found.qs if found.is_valid() else issues)
    return render(
        request,
        "rights/issue_list.html",
        {"cluster": cluster, "access": access, "filter": found, "page": page, "query": query},
    )


@login_required
def issue_create(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    form = RightsIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        issue = services.rights_issue_create(
            cluster=cluster,
            by=request.user,
            rights=data.pop("rights"),
            sdg_targets=data.pop("sdg_targets"),
            general_comments=data.pop("general_comments"),
            **data,
        )
        messages.success(
            request, _("The issue has been created. Now add its consequences and causes.")
        )
        return redirect("rights:issue-part", slug=cluster.slug, pk=issue.pk, part="consequences")
    return render(
        request,
        "rights/issue_form.html",
        {"cluster": cluster, "access": access, "form": form, "issue": None},
    )


@login_required
def issue_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    issue = get_object_or_404(
        cluster.rights_issues.select_related(
            "created_by", "validated_by", "previous_version"
        ).with_parts(),
        pk=pk,
    )
    next_version = RightsIssue.objects.filter(previous_version=issue).first()
    changes = list(issue.changes.select_related("user")[:20])
    for change in changes:
        change.part_label = PART_NAMES.get(change.part, "")
    return render(
        request,
        "rights/issue_detail.html",
        {
            "cluster": cluster,
            "access": access,
            "issue": issue,
            "next_version": next_version,
            "changes": changes,
            "tree": issue_problem_tree(issue),
            "problems": services.validation_problems(issue) if issue.is_editable else [],
            "parts": list(PART_NAMES.items()),
            "evidence_form": EvidenceForm(),
            "removable_evidence": {
                source.pk
                for source in issue.evidence.all()
                if source.removable_by(
                    is_coordinator=access.is_coordinator, membership=access.membership
                )
            },
        },
    )


@login_required
def issue_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    issue = _issue(cluster, pk)
    if not issue.is_editable:
        messages.error(
            request, _("A validated issue cannot be changed: start a new version to revise it.")
        )
        return redirect(issue)
    # The form works on its own copy: a refused change must not show in the page around it.
    form = RightsIssueForm(request.POST or None, instance=RightsIssue.objects.get(pk=issue.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.rights_issue_update(
                issue=issue,
                by=request.user,
                rights=data.pop("rights"),
                sdg_targets=data.pop("sdg_targets"),
                general_comments=data.pop("general_comments"),
                changes=data,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The issue has been saved."))
        return redirect(issue)
    return render(
        request,
        "rights/issue_form.html",
        {"cluster": cluster, "access": access, "form": form, "issue": issue},
    )


@login_required
def issue_part(request: HttpRequest, slug: str, pk: int, part: str) -> HttpResponse:
    """Edit one list of the analysis (consequences, causes, groups...) in place: a wrong
    field shows its error next to everything that was typed, and nothing is saved."""
    cluster, access = cluster_for_editor(request, slug)
    if part not in PARTS:
        raise Http404
    issue = _issue(cluster, pk)
    if not issue.is_editable:
        messages.error(
            request, _("A validated issue cannot be changed: start a new version to revise it.")
        )
        return redirect(issue)
    label, formset_class = PARTS[part]
    formset = formset_class(request.POST or None, instance=issue)
    if request.method == "POST" and formset.is_valid():
        try:
            services.rights_issue_save_part(
                issue=issue, by=request.user, part=part, changes=row_changes(formset)
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(part)s saved.") % {"part": label})
        return redirect(issue)
    return render(
        request,
        "rights/issue_part.html",
        {
            "cluster": cluster,
            "access": access,
            "issue": issue,
            "part": part,
            "label": label,
            "item_name": formset.model._meta.verbose_name,
            "formset": formset,
            "parts": list(PART_NAMES.items()),
        },
        status=400 if formset.is_bound else 200,
    )


@login_required
def issue_gender(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The six parts of the gender analysis, on a page of their own among the parts."""
    cluster, access = cluster_for_editor(request, slug)
    issue = _issue(cluster, pk)
    if not issue.is_editable:
        messages.error(
            request, _("A validated issue cannot be changed: start a new version to revise it.")
        )
        return redirect(issue)
    # The form works on its own copy: a refused change must not show in the page around it.
    form = GenderAnalysisForm(request.POST or None, instance=RightsIssue.objects.get(pk=issue.pk))
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in GENDER_FIELDS}
        try:
            services.rights_issue_save_gender(issue=issue, by=request.user, texts=texts)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(part)s saved.") % {"part": PART_NAMES["gender"]})
        return redirect(issue)
    return render(
        request,
        "rights/issue_gender.html",
        {
            "cluster": cluster,
            "access": access,
            "issue": issue,
            "part": "gender",
            "label": PART_NAMES["gender"],
            "form": form,
            "parts": list(PART_NAMES.items()),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    issue = _issue(cluster, pk)
    form = EvidenceForm(request.POST, request.FILES)
    access = with_posted_entity(access, request)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(f"{issue.get_absolute_url()}#evidence")
    try:
        services.rights_issue_add_evidence(
            issue=issue,
            by=request.user,
            membership=access.membership if access.is_member else None,
            title=form.cleaned_data["title"],
            url=form.cleaned_data["url"],
            upload=form.cleaned_data["file"],
            content_type=getattr(form, "content_type", ""),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The evidence has been added."))
    return redirect(f"{issue.get_absolute_url()}#evidence")


@login_required
@require_POST
def evidence_delete(request: HttpRequest, slug: str, pk: int, evidence_pk: int) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    issue = _issue(cluster, pk)
    evidence = get_object_or_404(issue.evidence, pk=evidence_pk)
    try:
        services.rights_issue_remove_evidence(
            evidence=evidence,
            by=request.user,
            is_coordinator=access.is_coordinator,
            membership=access.membership,
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The evidence has been removed."))
    return redirect(f"{issue.get_absolute_url()}#evidence")


@login_required
def evidence_download(request: HttpRequest, slug: str, pk: int, evidence_pk: int) -> FileResponse:
    """Evidence files are the cluster's: served only through this permission check, as an
    attachment of the type checked at upload, so a browser never renders them as a page."""
    cluster, _access = cluster_for_reader(request, slug)
    issue = _issue(cluster, pk)
    evidence = get_object_or_404(issue.evidence.exclude(file=""), pk=evidence_pk)
    return attachment(
        evidence.file, original_name=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def issue_validate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    issue = _issue(cluster, pk)
    try:
        services.rights_issue_validate(issue=issue, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The issue has been validated."))
    return redirect(issue)


@login_required
@require_POST
def issue_new_version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_editor(request, slug)
    issue = _issue(cluster, pk)
    try:
        copy = services.rights_issue_new_version(issue=issue, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(issue)
    messages.success(request, _("A new draft version has been started."))
    return redirect(copy)


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, _access = cluster_for_reader(request, slug)
    return csv_response(
        f"{slugify(cluster.slug)}-rights-analysis.csv", issue_rows_for_export(cluster)
    )
