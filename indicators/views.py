from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clusters.access import (
    cluster_for_coordinator,
    cluster_for_member,
    cluster_for_reader,
    with_posted_entity,
)
from clusters.audit import data_version
from clusters.models import Cluster, Membership
from core.errors import DomainError
from core.paging import paginate
from core.spreadsheets import csv_response, xlsx_response
from indicators import exporting, reading, rules, services
from indicators.figures import (
    indicator_breakdown_svg,
    indicator_line_svg,
    progress_svg,
    status_labels,
)
from indicators.filters import IndicatorFilter, ReportFilter
from indicators.forms import (
    ImportForm,
    IndicatorForm,
    ObjectiveForm,
    ReopenForm,
    ReportForm,
    ReturnForm,
    ratio_initial,
)
from indicators.grid import report_grid
from indicators.importing import ImportRefused, import_reports
from indicators.models import (
    Indicator,
    MeasurementReport,
    Objective,
    ReportEvent,
    ReportingPeriod,
)
from indicators.progress import STATUSES, indicators_progress, objective_progress
from indicators.selectors import (
    entity_reports,
    open_periods,
    overdue_by_entity,
    period_entities,
    period_reports_by_status,
    period_starting,
    periods_until,
    with_cells,
)
from rights.models import RightsIssue


@login_required
def objective_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    indicators = Indicator.objects.select_related("cluster", "right__instrument").order_by("code")
    found = IndicatorFilter(request.GET or None, queryset=indicators, cluster=cluster)
    objectives = cluster.objectives.prefetch_related(
        Prefetch("indicators", queryset=found.qs if found.is_valid() else indicators),
        "sdg_targets",
        Prefetch("rights_issues", queryset=RightsIssue.objects.select_related("cluster")),
    )
    # ?status=at_risk (from the dashboard): only the indicators in that state.
    status = request.GET.get("status", "")
    return render(
        request,
        "indicators/objective_list.html",
        {
            "cluster": cluster,
            "access": access,
            "rows": _objective_rows(list(objectives), status),
            "filter": found,
            "labels": status_labels(),
            "status": status,
        },
    )


def _objective_rows(objectives: list[Objective], status: str) -> list[tuple]:
    """(objective, its progress, its chart, [(indicator, progress, chart)]) per objective;
    with a progress ``status``, only the indicators in it (and their objectives)."""
    progress = indicators_progress([i for o in objectives for i in o.indicators.all()])
    rows = []
    for objective in objectives:
        rolled = objective_progress(objective, progress)
        items = [
            (i, progress[i.pk], progress_svg(progress[i.pk], f"p-{i.pk}"))
            for i in objective.indicators.all()
            if status not in STATUSES or progress[i.pk].status == status
        ]
        if status in STATUSES and not items:
            continue
        rows.append((objective, rolled, progress_svg(rolled, f"o-{objective.pk}"), items))
    return rows


def _form_page(request, cluster, access, form, title, back) -> HttpResponse:
    return render(
        request,
        "indicators/form.html",
        {"cluster": cluster, "access": access, "form": form, "title": title, "back": back},
    )


@login_required
def objective_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    objective = get_object_or_404(cluster.objectives, pk=pk) if pk else None
    form = ObjectiveForm(request.POST or None, instance=objective, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            if objective is None:
                services.objective_create(cluster=cluster, by=request.user, **form.cleaned_data)
            else:
                services.objective_update(objective=objective, by=request.user, **form.cleaned_data)
        except DomainError as error:  # the code is another objective's
            form.add_error("code", str(error))
        else:
            messages.success(request, _("The objective has been saved."))
            return redirect("indicators:objective-list", slug=cluster.slug)
    title = _("Edit the objective") if objective else _("New objective")
    return _form_page(
        request, cluster, access, form, title, reverse("indicators:objective-list", args=[slug])
    )


@login_required
def indicator_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    indicator = get_object_or_404(cluster.indicators, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.indicator_save(
                cluster=cluster, by=request.user, values=form.cleaned_data, indicator=indicator
            )
        except DomainError as error:  # the code is another indicator's
            form.add_error("code", str(error))
        else:
            messages.success(request, _("The indicator has been saved."))
            return redirect(saved)
    title = _("Edit the indicator") if indicator else _("New indicator")
    return _form_page(
        request, cluster, access, form, title, reverse("indicators:objective-list", args=[slug])
    )


@login_required
def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    indicator = get_object_or_404(
        cluster.indicators.select_related("objective", "right__instrument", "sdg_indicator"), pk=pk
    )
    item = indicators_progress([indicator])[indicator.pk]
    periods = {p.pk: p for p in cluster.periods.all()}
    labels = status_labels()
    line = indicator_line_svg(indicator, item, periods, "values")
    breakdown = (
        indicator_breakdown_svg(indicator, "breakdown")
        if indicator.by_sex or indicator.by_age
        else ""
    )
    reports = (
        indicator.reports.select_related("period", "membership__actor", "validated_by")
        .prefetch_related("measurements")
        .order_by("-period__start", "membership__actor__name")
    )
    page, query = paginate(request, reports)
    with_cells(page)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "cluster": cluster,
            "access": access,
            "indicator": indicator,
            "progress": item,
            "progress_svg": progress_svg(item, "progress"),
            "line_svg": line,
            "breakdown_svg": breakdown,
            "page": page,
            "query": query,
            "labels": labels,
        },
    )


def _period(cluster: Cluster, pk: int | None, start: date | None) -> ReportingPeriod:
    """The period a URL names: by its id, or by its start while it is not saved yet."""
    if pk is not None:
        return get_object_or_404(cluster.periods, pk=pk)
    period = period_starting(cluster, start)
    if period is None:
        raise Http404
    return period


@login_required
def reporting(request: HttpRequest, slug: str) -> HttpResponse:
    """My entity's reporting page: what is returned, overdue, due, in draft, and done."""
    cluster, access = cluster_for_member(request, slug)
    rows = entity_reports(cluster, access.membership, open_periods(cluster))
    page, query = paginate(request, rows)
    return render(
        request,
        "indicators/reporting.html",
        {
            "cluster": cluster,
            "access": access,
            "page": page,
            "query": query,
            "import_form": ImportForm(),
        },
    )


@login_required
def report_edit(
    request: HttpRequest,
    slug: str,
    indicator_pk: int,
    period_pk: int | None = None,
    period_start: date | None = None,
) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    indicator = get_object_or_404(
        cluster.indicators.prefetch_related("responsible"), pk=indicator_pk
    )
    period = _period(cluster, period_pk, period_start)
    membership = access.membership
    if not rules.can_report(indicator, membership):
        raise PermissionDenied
    report = _report_of(indicator, period, membership)
    form = ReportForm(
        request.POST or None, indicator=indicator, initial=_initial(indicator, report)
    )
    posted = request.method == "POST" and form.is_valid()
    if posted and _report_saved(request, form, period, membership):
        return redirect("indicators:reporting", slug=cluster.slug)
    problem = rules.report_problem(
        indicator=indicator, period=period, membership=membership, report=report
    )
    context = {
        "cluster": cluster,
        "access": access,
        "indicator": indicator,
        "period": period,
        "report": report,
        "form": form,
        "editable": problem is None,
        "grid": report_grid(indicator, form.fields_by_cell(), form.ratios_by_cell()),
    }
    return render(
        request, "indicators/report_form.html", context, status=400 if form.is_bound else 200
    )


def _report_of(
    indicator: Indicator, period: ReportingPeriod, membership: Membership
) -> MeasurementReport | None:
    """The entity's report, with its values and history; None before it is first saved."""
    if period.pk is None:
        return None  # a period not saved yet has no report
    history = ReportEvent.objects.select_related("user")
    return (
        MeasurementReport.objects.filter(indicator=indicator, period=period, membership=membership)
        .prefetch_related("measurements", Prefetch("events", queryset=history, to_attr="history"))
        .first()
    )


def _report_saved(
    request: HttpRequest, form: ReportForm, period: ReportingPeriod, membership: Membership
) -> bool:
    """Save (or submit, with the submit button) the form's values; False, with the reason
    as the form's error, when they cannot be."""
    submit = "submit" in request.POST
    try:
        services.report_save(
            indicator=form.indicator,
            period=period,
            membership=membership,
            by=request.user,
            cells=form.cell_values(),
            total=form.cleaned_data.get("total"),
            text_value=form.cleaned_data.get("text_value", ""),
            comment=form.cleaned_data["comment"],
            submit=submit,
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    done = _("The report has been submitted.") if submit else _("The draft has been saved.")
    messages.success(request, done)
    return True


def _initial(indicator: Indicator, report: MeasurementReport | None) -> dict:
    if report is None:
        return {}
    # "12" rather than "12.00": a count shows as the whole number it is.
    values = {
        m.cell: int(m.value) if m.value == m.value.to_integral_value() else m.value
        for m in report.measurements.all()
    }
    initial = {"total": values.get(""), "text_value": report.text_value, "comment": report.comment}
    for index, (key, _label) in enumerate(indicator.cells()):
        initial[f"cell_{index}"] = values.get(key)
    if indicator.is_percentage:
        initial |= ratio_initial(indicator, report.measurements.all())
    return initial


@login_required
def validation_queue(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    reports = (
        MeasurementReport.objects.filter(indicator__cluster=cluster)
        .select_related("indicator__cluster", "period", "membership__actor", "updated_by")
        .prefetch_related("measurements")
        .order_by("submitted_at", "id")
    )
    data = request.GET.copy()
    data.setdefault("status", MeasurementReport.Status.SUBMITTED)
    found = ReportFilter(data, queryset=reports, cluster=cluster)
    page, query = paginate(request, found.qs if found.is_valid() else reports.none())
    with_cells(page)
    return render(
        request,
        "indicators/validation_queue.html",
        {
            "cluster": cluster,
            "access": access,
            "filter": found,
            "page": page,
            "query": query,
            "return_form": ReturnForm(),
            **_overdue(request, cluster),
        },
    )


# The queue names the entities that owe the most overdue reports; the rest on request.
SHOWN_OVERDUE = 10


def _overdue(request: HttpRequest, cluster: Cluster) -> dict:
    """The entities that owe overdue reports, the most first. What each owes is worked out
    over every entity, indicator and period: kept in the cache under the cluster's data
    version (every report, lock and membership change is in its log) and today; the names
    are read afresh (an entity's profile is in no cluster's log)."""
    key = f"indicators:overdue:{cluster.pk}:{data_version(cluster.pk)}:{timezone.localdate()}"
    owed = cache.get(key)
    if owed is None:
        owed = [(membership.pk, count) for membership, count in overdue_by_entity(cluster)]
        cache.set(key, owed, OVERDUE_CACHE_SECONDS)
    names = dict(cluster.memberships.voting().values_list("pk", "actor__name"))
    owing = sorted(
        ((names[pk], count) for pk, count in owed if pk in names),
        key=lambda item: (-item[1], item[0]),
    )
    everyone = request.GET.get("overdue") == "all"
    shown = owing if everyone else owing[:SHOWN_OVERDUE]
    rest = request.GET.copy()
    rest["overdue"] = "all"
    return {
        "overdue": shown,
        "overdue_count": len(owing),
        "overdue_all_query": rest.urlencode(),
    }


# Only bounds the life of entries that no key will ask for again.
OVERDUE_CACHE_SECONDS = 24 * 3600


def _queue_redirect(request: HttpRequest, cluster: Cluster) -> HttpResponse:
    return redirect(
        f"{reverse('indicators:validation-queue', args=[cluster.slug])}?{request.GET.urlencode()}"
    )


@login_required
@require_POST
def report_validate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    report = get_object_or_404(MeasurementReport.objects.filter(indicator__cluster=cluster), pk=pk)
    try:
        services.report_validate(report=report, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report has been validated."))
    return _queue_redirect(request, cluster)


@login_required
@require_POST
def report_return(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    report = get_object_or_404(MeasurementReport.objects.filter(indicator__cluster=cluster), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is returned, so the entity can correct it."))
        return _queue_redirect(request, cluster)
    try:
        services.report_return(report=report, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report has been returned to the entity."))
    return _queue_redirect(request, cluster)


@login_required
def period_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    page, query = paginate(request, periods_until(cluster)[::-1])
    return render(
        request,
        "indicators/period_list.html",
        {"cluster": cluster, "access": access, "page": page, "query": query},
    )


@login_required
def period_lock(
    request: HttpRequest, slug: str, pk: int | None = None, period_start: date | None = None
) -> HttpResponse:
    """What locking the period does (GET), and locking it (POST)."""
    cluster, access = cluster_for_coordinator(request, slug)
    period = _period(cluster, pk, period_start)
    if request.method == "POST" and period.is_locked:
        messages.info(request, _("This period is already locked."))
        return redirect("indicators:period-list", slug=cluster.slug)
    if request.method == "POST":
        try:
            services.period_lock(period=period, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The period %(period)s is locked.") % {"period": period})
        return redirect("indicators:period-list", slug=cluster.slug)
    context = {"cluster": cluster, "access": access, "period": period}
    context["counts"] = period_reports_by_status(period)
    return render(request, "indicators/period_lock.html", context)


@login_required
def period_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What reopening a locked period does, with the reason to give (GET), and reopening
    it (POST)."""
    cluster, access = cluster_for_coordinator(request, slug)
    period = get_object_or_404(cluster.periods.select_related("locked_by"), pk=pk)
    if request.method == "POST" and not period.is_locked:
        messages.info(request, _("This period is not locked."))
        return redirect("indicators:period-list", slug=cluster.slug)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            services.period_reopen(period=period, by=request.user, reason=reason)
        except DomainError as error:
            form.add_error("reason", str(error))
        else:
            done = _("The period %(period)s is open again.") % {"period": period}
            messages.success(request, done)
            return redirect("indicators:period-list", slug=cluster.slug)
    context = {"cluster": cluster, "access": access, "period": period, "form": form}
    context["entities"] = period_entities(period)
    return render(request, "indicators/period_reopen.html", context)


@login_required
def report_import(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    form, errors = ImportForm(), []
    if request.method == "POST":
        if reading.request_too_large(request.META.get("CONTENT_LENGTH")):
            errors = reading.too_large().errors
        else:
            form = ImportForm(request.POST, request.FILES)
            access = with_posted_entity(access, request)
            errors = _imported(request, form, cluster, access.membership)
            if errors is None:
                return redirect("indicators:reporting", slug=cluster.slug)
    return render(
        request,
        "indicators/import.html",
        {
            "cluster": cluster,
            "access": access,
            "form": form,
            # A bad 50,000-row file reports every row; the first hundred are enough to act on.
            "errors": errors[:100],
            "more_errors": max(0, len(errors) - 100),
        },
        status=400 if request.method == "POST" else 200,
    )


def _imported(
    request: HttpRequest, form: ImportForm, cluster: Cluster, membership: Membership
) -> list[tuple[int, str]] | None:
    """Import the form's file: None once it is imported, else the file's errors (none
    when the form itself is wrong: it shows its own)."""
    if not form.is_valid():
        return []
    try:
        count = import_reports(
            cluster=cluster,
            membership=membership,
            by=request.user,
            upload=form.cleaned_data["file"],
            submit=form.cleaned_data["submit"],
        )
    except ImportRefused as refused:
        return refused.errors
    messages.success(
        request,
        ngettext(
            "%(count)s report has been imported.", "%(count)s reports have been imported.", count
        )
        % {"count": count},
    )
    return None


@login_required
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    return xlsx_response(
        f"{cluster.slug}-measurements-template.xlsx",
        exporting.template_xlsx(cluster, access.membership),
    )


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, _access = cluster_for_reader(request, slug)
    return csv_response(f"{cluster.slug}-measurements-hxl.csv", exporting.export_rows(cluster))


@login_required
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, _access = cluster_for_reader(request, slug)
    return xlsx_response(f"{cluster.slug}-measurements.xlsx", exporting.export_xlsx(cluster))
