from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import (
    ClusterAccess,
    cluster_for_coordinator,
    cluster_for_member,
    cluster_for_user,
)
from clusters.models import Cluster
from core.errors import DomainError
from core.paging import paginate
from indicators.figures import status_labels
from planning.models import Contribution, JointAction
from reports import jobs, services
from reports.content import participation
from reports.dashboard import (
    DASHBOARD_CACHE_SECONDS,
    coordinator_dashboard,
    dashboard_cache_key,
    member_todo,
    voting_members,
)
from reports.downloads import report_file_response
from reports.forms import ReportRequestForm
from reports.models import ReportJob


def visible_jobs(cluster: Cluster, access: ClusterAccess) -> QuerySet[ReportJob]:
    """The coordinator sees every report; everyone else inside, the published ones."""
    jobs = cluster.report_jobs.select_related("period", "requested_by", "cluster")
    return jobs if access.is_coordinator else jobs.published()


def _job(cluster: Cluster, access: ClusterAccess, pk: int) -> ReportJob:
    job = visible_jobs(cluster, access).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def _list_page(request, cluster, access, form, status=200) -> HttpResponse:
    page, query = paginate(request, visible_jobs(cluster, access))
    return render(
        request,
        "reports/list.html",
        {"cluster": cluster, "access": access, "page": page, "query": query, "form": form},
        status=status,
    )


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_user(request, slug)
    form = ReportRequestForm(cluster=cluster) if access.is_coordinator else None
    return _list_page(request, cluster, access, form)


@login_required
@require_POST
def report_request(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    form = ReportRequestForm(request.POST, cluster=cluster)
    if not form.is_valid():
        return _list_page(request, cluster, access, form, status=400)
    data = form.cleaned_data
    try:
        job, created = services.report_request(
            cluster=cluster,
            kind=data["kind"],
            language=data["language"],
            by=request.user,
            period=data["period"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _list_page(request, cluster, access, form, status=400)
    if created:
        messages.success(request, _("The report is queued: this page follows it."))
    else:
        messages.info(request, _("The same report is already being prepared: here it is."))
    return redirect(job.get_absolute_url())


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_user(request, slug)
    job = _job(cluster, access, pk)
    return render(
        request, "reports/detail.html", {"cluster": cluster, "access": access, "job": job}
    )


@login_required
def report_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    cluster, access = cluster_for_user(request, slug)
    return report_file_response(_job(cluster, access, pk))


@login_required
@require_POST
def report_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    job = _job(cluster, access, pk)
    try:
        jobs.report_publish(job=job, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report is published: the institutions can read it."))
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def report_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    job = _job(cluster, access, pk)
    try:
        services.report_retry(job=job, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report is asked for again: this page follows it."))
    return redirect(job.get_absolute_url())


@login_required
def published_reports(request: HttpRequest) -> HttpResponse:
    """Every published report of the clusters the person is part of: the institutions'
    reading room."""
    jobs = (
        ReportJob.objects.published()
        .filter(cluster__in=Cluster.objects.visible_to(request.user))
        .select_related("cluster", "period")
        .order_by("-published_at", "-pk")
    )
    page, query = paginate(request, jobs)
    return render(request, "reports/published.html", {"page": page, "query": query})


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    context = {"cluster": cluster, "access": access}
    return render(request, "reports/dashboard.html", context | {"body": dashboard_body(cluster)})


def dashboard_body(cluster: Cluster) -> str:
    """The dashboard's figures and lists, from the cache while the cluster is unchanged
    (reports.dashboard.DASHBOARD_CACHE_SECONDS): under load it is read, not recomputed."""
    key = dashboard_cache_key(cluster)
    body = cache.get(key)
    if body is None:
        context = {
            "cluster": cluster,
            "labels": status_labels(),
            "action_statuses": JointAction.Status.choices,
            "contribution_kinds": Contribution.Kind.choices,
        }
        body = render_to_string(
            "reports/_dashboard_body.html", context | coordinator_dashboard(cluster)
        )
        cache.set(key, body, DASHBOARD_CACHE_SECONDS)
    # Rendered, and so escaped, by the template above.
    return mark_safe(body)


@login_required
def participation_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    decisions, rows = participation(cluster, members=voting_members(cluster))
    rows.sort(key=lambda row: row.rate)  # the lowest participation first
    page, query = paginate(request, rows, per_page=50)
    return render(
        request,
        "reports/participation.html",
        {
            "cluster": cluster,
            "access": access,
            "decisions": decisions,
            "page": page,
            "query": query,
        },
    )


@login_required
def todo(request: HttpRequest, slug: str) -> HttpResponse:
    """The home of a member entity's representative in a cluster."""
    cluster, access = cluster_for_member(request, slug)
    context = member_todo(
        cluster, access.membership, request.user, coordinator=access.is_coordinator
    )
    return render(request, "reports/todo.html", {"cluster": cluster, "access": access} | context)
