from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rights.models import (
    GeneralComment,
    Instrument,
    Right,
    RightsIssue,
    SDGGoal,
    SDGTarget,
    current_language,
)


class RightsIssueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    right = django_filters.ModelChoiceFilter(
        label=_("Right"),
        field_name="rights",
        queryset=Right.objects.select_related("instrument"),
    )
    goal = django_filters.ModelChoiceFilter(
        label=_("SDG goal"),
        field_name="sdg_targets__goal",
        queryset=SDGGoal.objects.all(),
        distinct=True,
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RightsIssue.Status.choices)
    territory = django_filters.CharFilter(
        label=_("Territory"), lookup_expr="icontains", max_length=100
    )

    class Meta:
        model = RightsIssue
        fields = ["q", "right", "goal", "status", "territory"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(causes__description__icontains=value)
            | Q(consequences__description__icontains=value)
        ).distinct()


class CatalogueFilter(django_filters.FilterSet):
    """Rights searched by words, code or article number in the person's language."""

    q = django_filters.CharFilter(label=_("Words or code"), method="search", max_length=100)
    instrument = django_filters.ModelChoiceFilter(
        label=_("Instrument"), queryset=Instrument.objects.all()
    )
    body = django_filters.ChoiceFilter(
        label=_("Interpreted by"),
        field_name="general_comments__body",
        choices=GeneralComment.Body.choices,
        distinct=True,
    )

    class Meta:
        model = Right
        fields = ["q", "instrument", "body"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_catalogue(
            queryset, value, text_fields=("title", "text"), exact_fields=("article",)
        )


class GeneralCommentFilter(django_filters.FilterSet):
    """General Comments by words of their title, number, symbol or body."""

    q = django_filters.CharFilter(label=_("Words or number"), method="search", max_length=100)
    body = django_filters.ChoiceFilter(label=_("Treaty body"), choices=GeneralComment.Body.choices)
    instrument = django_filters.ModelChoiceFilter(
        label=_("Interprets an article of"),
        field_name="articles__instrument",
        queryset=Instrument.objects.filter(kind=Instrument.Kind.TREATY),
        distinct=True,
    )

    class Meta:
        model = GeneralComment
        fields = ["q", "body", "instrument"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        language = current_language()
        for word in value.split()[:10]:
            word = word.strip(",;")
            if word.isdigit():  # "4" is General Comment 4, not every symbol with a 4
                condition = Q(number=int(word)) | Q(year=int(word))
            else:
                condition = (
                    Q(**{f"title_{language}__icontains": word})
                    | Q(symbol__icontains=word)
                    | Q(body__iexact=word)
                )
            queryset = queryset.filter(condition)
        return queryset


class TargetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words or code"), method="search", max_length=100)
    goal = django_filters.ModelChoiceFilter(label=_("SDG goal"), queryset=SDGGoal.objects.all())

    class Meta:
        model = SDGTarget
        fields = ["q", "goal"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_catalogue(queryset, value, text_fields=("title",))


def search_catalogue(
    queryset: QuerySet,
    value: str,
    *,
    text_fields: tuple[str, ...],
    exact_fields: tuple[str, ...] = (),
) -> QuerySet:
    """Every word must appear in the code or in a text of the current language, or be the
    whole of an exact field ("11" finds every article 11)."""
    language = current_language()
    for word in value.split()[:10]:
        code = word.strip(",;")
        # A code matches itself and what it contains: "2.2" finds 2.2 and 2.2.1, not 12.2.
        condition = (
            Q(code__iexact=code) | Q(code__istartswith=f"{code}.") | Q(code__istartswith=f"{code}-")
        )
        for field in text_fields:
            condition |= Q(**{f"{field}_{language}__icontains": word})
        for field in exact_fields:
            condition |= Q(**{f"{field}__iexact": code})
        queryset = queryset.filter(condition)
    return queryset
