from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from actors.models import Actor, ActorUser
from actors.views import actor_for_admin
from clusters import bulk_invitations, services
from clusters.access import (
    ClusterAccess,
    act_for,
    cluster_for_coordinator,
    cluster_for_user,
    leavable_memberships,
    same_pages,
)
from clusters.audit import audit_rows, with_details
from clusters.filters import AuditFilter
from clusters.forms import (
    ActingForForm,
    BulkInvitationForm,
    ClusterCreateForm,
    ClusterForm,
    InvitationForm,
    InvitationSignupForm,
    LeaveForm,
    PersonInvitationForm,
    RoleForm,
)
from clusters.models import Cluster, ClusterRole, Invitation, Membership
from clusters.tokens import invitation_from_token, make_invitation_token
from core import reading
from core.errors import DomainError
from core.paging import paginate
from core.spreadsheets import csv_response, xlsx_response
from core.words import de


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and container health checks: the web process answers. It reads
    nothing (the benchmark uses it as the trivial view to compare pages with)."""
    return HttpResponse("ok", content_type="text/plain")


def _my_clusters(user: User) -> list[Cluster]:
    """The clusters on the person's home page, each with the person's roles and entities in
    it, counted over every active membership (not only the person's)."""
    clusters = list(
        Cluster.objects.visible_to(user)
        .annotate(
            active_members=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE), distinct=True
            )
        )
        .prefetch_related(
            Prefetch("roles", queryset=user.cluster_roles.all(), to_attr="my_roles"),
            Prefetch(
                "memberships",
                queryset=Membership.objects.active()
                .filter(actor__people__user=user)
                .select_related("actor")
                .order_by("actor__name"),
                to_attr="my_memberships",
            ),
        )
        .order_by("name")
    )
    for cluster in clusters:
        # The to-do page is the cluster's, for whichever entity the person acts for there:
        # one link, however many of their entities take positions (it was one per entity).
        cluster.has_todo = any(m.takes_positions for m in cluster.my_memberships)
    return clusters


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My clusters: where I coordinate or represent an entity, and invitations waiting."""
    user = request.user
    clusters = _my_clusters(user)
    invitations = [
        (invitation, make_invitation_token(invitation))
        for invitation in Invitation.objects.usable_for(user).select_related("cluster", "actor")
    ]
    actors = Actor.objects.represented_by(user).order_by("name")
    can_create = user.is_staff or Actor.objects.administered_by(user).exists()
    return render(
        request,
        "clusters/home.html",
        {
            "clusters": clusters,
            "invitations": invitations,
            "actors": actors,
            "can_create": can_create,
        },
    )


@login_required
def cluster_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_staff or Actor.objects.administered_by(user).exists()):
        raise PermissionDenied
    form = ClusterCreateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in form.Meta.fields}
        thematic_areas = fields.pop("thematic_areas")
        cluster = services.cluster_create(
            by=user,
            lead_actor=form.cleaned_data.get("lead_actor"),
            thematic_areas=thematic_areas,
            **fields,
        )
        messages.success(
            request, _("The cluster has been created. Now invite the member entities.")
        )
        return redirect("clusters:members", slug=cluster.slug)
    return render(request, "clusters/cluster_form.html", {"form": form, "creating": True})


PUBLISHED_ON_OVERVIEW = 10


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_user(request, slug)
    members_by_role: list[tuple[str, list[Membership]]] = []
    if access.can_see_members:
        memberships = cluster.memberships.active().select_related("actor").order_by("actor__name")
        grouped: dict[str, list[Membership]] = {role: [] for role in Membership.Role.values}
        for membership in memberships:
            grouped[membership.role].append(membership)
        members_by_role = [
            (Membership.Role(role).label, grouped[role]) for role in Membership.Role.values
        ]
    coordinators = cluster.roles.select_related("user").order_by("user__first_name")
    # An institution follows the published reports: the latest ones, on its overview.
    # (The reports app sits above this one: reached through the relation, not imported.)
    published_reports = (
        cluster.report_jobs.published()
        .select_related("cluster", "period")
        .order_by("-published_at", "-pk")[:PUBLISHED_ON_OVERVIEW]
        if access.is_institution_only
        else []
    )
    return render(
        request,
        "clusters/overview.html",
        {
            "cluster": cluster,
            "access": access,
            "members_by_role": members_by_role,
            "has_members": any(group for _label, group in members_by_role),
            "coordinators": coordinators,
            "thematic_areas": cluster.thematic_areas.all(),
            "can_leave": bool(leavable_memberships(cluster, request.user)),
            "published_reports": published_reports,
        },
    )


@login_required
def cluster_edit(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    # The form works on its own copy: a refused change must not show in the page around it.
    form = ClusterForm(request.POST or None, instance=Cluster.objects.get(pk=cluster.pk))
    if request.method == "POST" and form.is_valid():
        changes = {
            field: form.cleaned_data[field]
            for field in form.Meta.fields
            if field != "thematic_areas"
        }
        services.cluster_update(
            cluster=cluster,
            by=request.user,
            changes=changes,
            thematic_areas=form.cleaned_data["thematic_areas"],
        )
        messages.success(request, _("The cluster settings have been saved."))
        return redirect(cluster)
    return render(
        request,
        "clusters/cluster_form.html",
        {"form": form, "cluster": cluster, "access": access, "creating": False},
    )


def _members_page(
    request: HttpRequest,
    cluster: Cluster,
    access: ClusterAccess,
    invite_form: InvitationForm,
    coordinator_form: PersonInvitationForm | None = None,
) -> HttpResponse:
    coordinator_form = coordinator_form or PersonInvitationForm(roles=False)
    memberships = cluster.memberships.select_related("actor").order_by("status", "actor__name")
    invitations = cluster.invitations.pending().select_related("actor", "invited_by")
    closed_invitations = (
        cluster.invitations.exclude(status=Invitation.Status.PENDING)
        .select_related("actor", "accepted_by")
        .order_by("-closed_at")[:10]
    )
    return render(
        request,
        "clusters/members.html",
        {
            "cluster": cluster,
            "access": access,
            "memberships": memberships,
            "invitations": invitations,
            "closed_invitations": closed_invitations,
            "invite_form": invite_form,
            "coordinator_form": coordinator_form,
            "coordinators": cluster.roles.filter(role=ClusterRole.Role.COORDINATOR)
            .select_related("user")
            .order_by("created_at", "pk"),
            "role_choices": Membership.Role.choices,
        },
        status=400 if invite_form.is_bound or coordinator_form.is_bound else 200,
    )


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    return _members_page(request, cluster, access, InvitationForm(cluster=cluster))


@login_required
@require_POST
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    form = InvitationForm(request.POST, cluster=cluster)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                cluster=cluster, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s for %(entity)s.")
                % {"email": invitation.email, "entity": invitation.entity_name},
            )
            return redirect("clusters:members", slug=cluster.slug)
    return _members_page(request, cluster, access, form)


@login_required
@require_POST
def coordinator_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Name a co-coordinator: an invitation to the person's address."""
    cluster, access = cluster_for_coordinator(request, slug)
    form = PersonInvitationForm(request.POST, roles=False)
    if form.is_valid():
        try:
            invitation = services.coordinator_invite(
                cluster=cluster, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(email)s has been invited to co-coordinate the cluster.")
                % {"email": invitation.email},
            )
            return redirect("clusters:members", slug=cluster.slug)
    return _members_page(request, cluster, access, InvitationForm(cluster=cluster), form)


@login_required
def invitation_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite many entities from a file: a bad file is refused whole, with every bad row;
    a good one is sent, and what it did is shown once, after the redirect."""
    cluster, access = cluster_for_coordinator(request, slug)
    form, errors = BulkInvitationForm(), []
    if request.method == "POST":
        if reading.request_too_large(request.META.get("CONTENT_LENGTH")):
            errors = reading.too_large().errors
        else:
            form = BulkInvitationForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    outcome = bulk_invitations.invitations_import(
                        cluster=cluster, by=request.user, upload=form.cleaned_data["file"]
                    )
                except bulk_invitations.ImportRefused as refused:
                    errors = refused.errors
                else:
                    request.session[IMPORT_OUTCOME] = outcome.as_json()
                    return redirect("clusters:invitation-import", slug=cluster.slug)
    context = {"cluster": cluster, "access": access, "form": form}
    return render(
        request,
        "clusters/invitation_import.html",
        context
        | {"outcome": request.session.pop(IMPORT_OUTCOME, None) if not form.is_bound else None}
        | {"errors": errors[:100], "more_errors": max(0, len(errors) - 100)},
        status=400 if request.method == "POST" else 200,
    )


IMPORT_OUTCOME = "clusters.invitation_import"


@login_required
def invitation_import_template(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filename = f"{cluster.slug}-invitations-template.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, bulk_invitations.template_xlsx())
    return csv_response(filename, bulk_invitations.template_rows())


def _invitation_action(
    request: HttpRequest,
    slug: str,
    pk: int,
    action: Callable[..., Invitation],
    done: str,
) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    invitation = get_object_or_404(cluster.invitations, pk=pk)
    try:
        action(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("clusters:members", slug=cluster.slug)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _invitation_action(
        request,
        slug,
        pk,
        services.invitation_resend,
        _("A new link has been sent to %(email)s; the previous one no longer works."),
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _invitation_action(
        request,
        slug,
        pk,
        services.invitation_revoke,
        _("The invitation to %(email)s has been revoked."),
    )


@login_required
@require_POST
def membership_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    membership = get_object_or_404(cluster.memberships.select_related("actor"), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("clusters:members", slug=cluster.slug)
    if form.cleaned_data["role"] == Membership.Role.LEAD and not membership.is_lead:
        # Handing over the lead is confirmed on its own page, which says what it changes.
        return redirect("clusters:lead-handover", slug=cluster.slug, pk=membership.pk)
    try:
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(entity)s is now: %(role)s.")
            % {
                "entity": membership.actor,
                "role": Membership.Role(form.cleaned_data["role"]).label,
            },
        )
    return redirect("clusters:members", slug=cluster.slug)


@login_required
def lead_handover(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What handing the lead to this entity changes (GET), and handing it over (POST)."""
    cluster, access = cluster_for_coordinator(request, slug)
    membership = get_object_or_404(cluster.memberships.active().select_related("actor"), pk=pk)
    if request.method == "POST" and membership.is_lead:
        messages.info(request, _("%(entity)s is the lead entity.") % {"entity": membership.actor})
        return redirect("clusters:members", slug=cluster.slug)
    if request.method == "POST":
        try:
            services.membership_change_role(
                membership=membership, role=Membership.Role.LEAD, by=request.user
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            done = _("%(entity)s is now the lead entity.") % {"entity": membership.actor}
            messages.success(request, done)
        return redirect("clusters:members", slug=cluster.slug)
    current = cluster.memberships.active().filter(role=Membership.Role.LEAD)
    context = {"cluster": cluster, "access": access, "membership": membership}
    context["current_lead"] = current.select_related("actor").first()
    return render(request, "clusters/lead_handover.html", context)


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    membership = get_object_or_404(cluster.memberships.select_related("actor"), pk=pk)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(entity)s has been removed from the cluster.") % {"entity": membership.actor},
        )
    return redirect("clusters:members", slug=cluster.slug)


@login_required
@require_POST
def acting_for(request: HttpRequest, slug: str) -> HttpResponse:
    """The cluster bar's choice of the entity a person acts for: kept for the session, it is
    the person's preference, not a change to the cluster."""
    cluster, access = cluster_for_user(request, slug)
    form = ActingForForm(request.POST)
    # Back to the page the choice was made on, in this site only; to the overview when the
    # new entity's role opens other pages (an observer has no reporting page).
    back = request.POST.get("next", "")
    try:
        membership = act_for(request, access, form.actor_id())
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You now act for %(entity)s in this cluster.") % {"entity": membership.actor},
        )
        back = back if same_pages(access.membership, membership) else ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = cluster.get_absolute_url()
    return redirect(back)


@login_required
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_user(request, slug)
    choices = leavable_memberships(cluster, request.user)
    if not choices:
        raise PermissionDenied
    form = LeaveForm(request.POST or None, memberships=choices, acting=access.membership)
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        try:
            services.membership_leave(membership=membership, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(cluster)
        messages.success(
            request,
            _("%(entity)s has left %(de_cluster)s.")
            % {"entity": membership.actor, "de_cluster": de(cluster)},
        )
        return redirect("home")
    return render(
        request,
        "clusters/leave.html",
        {"cluster": cluster, "access": access, "form": form},
        status=400 if form.is_bound else 200,
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens; reachable without logging in."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise Http404
    try:
        services.invitation_check_usable(invitation)
    except DomainError as error:
        return render(
            request,
            "clusters/invitation_invalid.html",
            {"invitation": invitation, "reason": str(error)},
            status=410,
        )
    context: dict[str, object] = {
        "invitation": invitation,
        "token": token,
        "match": services.invitation_entity_match(invitation),
    }
    if request.user.is_authenticated:
        return _accept_as_logged_in(request, invitation, context)
    if User.objects.filter(email=invitation.email).exists():
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "clusters/invitation_login.html", context)
    return _accept_with_signup(request, invitation, context)


def _accept_as_logged_in(request: HttpRequest, invitation: Invitation, context: dict):
    """Only the account the invitation was sent to accepts it, with one click."""
    user = request.user
    if user.email.lower() != invitation.email.lower():
        return render(request, "clusters/invitation_other_account.html", context, status=403)
    if request.method == "POST":
        return _accept(request, invitation, user)
    return render(request, "clusters/invitation_accept.html", context)


def _accept_with_signup(request: HttpRequest, invitation: Invitation, context: dict):
    """A newcomer makes their account and accepts in one form."""
    form = InvitationSignupForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, accepted = services.invitation_accept_with_signup(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                # The language the person reads this page in, not the inviter's.
                language=translation.get_language(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            login(request, new_user, backend=MODEL_BACKEND)
            return _welcome(request, accepted)
    context["form"] = form
    status = 400 if form.is_bound else 200
    return render(request, "clusters/invitation_signup.html", context, status=status)


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _accept(request: HttpRequest, invitation: Invitation, user: User) -> HttpResponse:
    try:
        accepted = services.invitation_accept(invitation=invitation, user=user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("home")
    return _welcome(request, accepted)


def _welcome(request: HttpRequest, accepted: Membership | ActorUser | ClusterRole) -> HttpResponse:
    if isinstance(accepted, ActorUser):
        messages.success(
            request, _("Welcome! You now represent %(entity)s.") % {"entity": accepted.actor}
        )
        return redirect(accepted.actor)
    if isinstance(accepted, ClusterRole):
        messages.success(
            request,
            _("Welcome! You now co-coordinate %(cluster)s.") % {"cluster": accepted.cluster},
        )
        return redirect(accepted.cluster)
    messages.success(
        request,
        _("Welcome! %(entity)s is now part of %(de_cluster)s.")
        % {"entity": accepted.actor, "de_cluster": de(accepted.cluster)},
    )
    return redirect(accepted.cluster)


@require_POST
def invitation_logout(request: HttpRequest, token: str) -> HttpResponse:
    """Log out from another account to accept an invitation sent to a different address."""
    logout(request)
    return redirect("clusters:invitation-accept", token=token)


def _audit_entries(request: HttpRequest, cluster: Cluster) -> tuple[AuditFilter, QuerySet]:
    """The cluster's trail as filtered; an invalid filter shows its error and the whole
    trail."""
    entries = cluster.audit.select_related("by").order_by("-created_at", "-id")
    found = AuditFilter(request.GET or None, queryset=entries, cluster=cluster)
    return found, found.qs if found.is_valid() else entries


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """Who did what, when, on what: the cluster's audit trail, for the coordinator."""
    cluster, access = cluster_for_coordinator(request, slug)
    found, entries = _audit_entries(request, cluster)
    page, query = paginate(request, entries, per_page=50)
    context = {"cluster": cluster, "access": access, "filter": found, "query": query}
    return render(
        request, "clusters/audit_log.html", context | {"page": page, "entries": with_details(page)}
    )


@login_required
def audit_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The filtered trail as CSV, in the reader's language, every entry on one row."""
    cluster, _access = cluster_for_coordinator(request, slug)
    _found, entries = _audit_entries(request, cluster)
    filename = f"{cluster.slug}-activity-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, audit_rows(entries))


# --- An entity's people (the entity's profile links here; only its administrators) ---


@login_required
def entity_person_invite(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_for_admin(request, slug)
    form = PersonInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.representative_invite(
                actor=actor, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("An invitation to represent %(entity)s has been sent to %(email)s.")
                % {"entity": actor, "email": invitation.email},
            )
            return redirect(actor)
    return render(
        request,
        "clusters/entity_person_invite.html",
        {"actor": actor, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def entity_person_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Asks first: the person loses what they do for the entity in all its clusters."""
    actor = actor_for_admin(request, slug)
    link = get_object_or_404(actor.people.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            services.representative_remove(link=link, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(person)s no longer represents %(entity)s.")
                % {"person": link.user.display_name, "entity": actor},
            )
        return redirect(actor)
    memberships = actor.memberships.active().select_related("cluster").order_by("cluster__name")
    return render(
        request,
        "clusters/entity_person_remove.html",
        {"actor": actor, "link": link, "memberships": memberships},
    )


def _entity_invitation_action(
    request: HttpRequest, slug: str, pk: int, action: Callable[..., Invitation], done: str
) -> HttpResponse:
    actor = actor_for_admin(request, slug)
    invitation = get_object_or_404(actor.invitations.for_people(), pk=pk)
    try:
        action(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect(actor)


@login_required
@require_POST
def entity_invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _entity_invitation_action(
        request,
        slug,
        pk,
        services.invitation_resend,
        _("A new link has been sent to %(email)s; the previous one no longer works."),
    )


@login_required
@require_POST
def entity_invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _entity_invitation_action(
        request,
        slug,
        pk,
        services.invitation_revoke,
        _("The invitation to %(email)s has been revoked."),
    )
