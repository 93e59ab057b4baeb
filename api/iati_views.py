"""The open-data page of a cluster and its IATI file: the coordinator's until published,
then every person's in the cluster, its institutions included."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.iati.validation import checked_file
from clusters.access import ClusterAccess, cluster_for_coordinator, cluster_for_user
from clusters.models import Cluster
from core.errors import DomainError


def _iati_reader(request: HttpRequest, slug: str) -> tuple[Cluster, ClusterAccess]:
    cluster, access = cluster_for_user(request, slug)
    if not services.iati_may_download(cluster, access):
        raise PermissionDenied
    return cluster, access


@login_required
def open_data(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = _iati_reader(request, slug)
    checked = checked_file(cluster)
    context = {"cluster": cluster, "access": access, "checked": checked}
    return render(request, "api/open_data.html", context)


@login_required
def iati_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The file, valid or not at all: a cluster whose data would not validate gets the
    list of its problems (409), never an invalid file."""
    cluster, access = _iati_reader(request, slug)
    checked = checked_file(cluster)
    if not checked.is_valid:
        context = {"cluster": cluster, "access": access, "checked": checked}
        return render(request, "api/iati_problems.html", context, status=409)
    return iati_response(cluster, checked.content)


def iati_response(cluster: Cluster, content: bytes) -> HttpResponse:
    """The valid file as a download, from the page and from the API."""
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cluster.slug}-iati.xml"'
    return response


@login_required
@require_POST
def iati_publish(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    try:
        services.iati_publish(cluster=cluster, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        published = _("The IATI file is published: everyone in the cluster may download it.")
        messages.success(request, published)
    return redirect("opendata:open-data", cluster.slug)


@login_required
@require_POST
def iati_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    services.iati_unpublish(cluster=cluster, by=request.user)
    messages.success(request, _("The IATI file is withdrawn: only the coordination sees it now."))
    return redirect("opendata:open-data", cluster.slug)
